//! Rolling back with the down scripts, newest first, only what the user confirmed.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::*;
use crate::connect::Db;
use crate::error::PgContext;
use crate::sql::split_statements;

#[derive(Debug, Clone, Serialize)]
pub struct DownReport {
    pub rolled_back: Vec<Step>,
    pub dry_run: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<PlannedSql>,
    pub current_version: Option<i32>,
}

/// Which applied versions a `down` would roll back, newest first.
pub fn down_plan(applied: &[Applied], steps: Option<u32>, target: Option<i32>) -> Result<Vec<i32>> {
    let mut versions: Vec<i32> = applied.iter().map(|a| a.version).collect();
    versions.sort_unstable_by(|a, b| b.cmp(a));
    Ok(match (steps, target) {
        (_, Some(t)) => versions.into_iter().filter(|v| *v > t).collect(),
        (Some(n), None) => versions.into_iter().take(n as usize).collect(),
        (None, None) => versions.into_iter().take(1).collect(),
    })
}

/// The versions `down` would roll back, read from the database (for the confirmation prompt).
pub async fn down_preview(db: &Db, steps: Option<u32>, target: Option<i32>) -> Result<Vec<(i32, String)>> {
    check_target(&shipped()?, target)?;
    let client = db.get().await?;
    let applied = applied(&client).await?.unwrap_or_default();
    let plan = down_plan(&applied, steps, target)?;
    Ok(plan
        .into_iter()
        .map(|v| {
            let name = applied.iter().find(|a| a.version == v).map(|a| a.name.clone()).unwrap_or_default();
            (v, name)
        })
        .collect())
}

/// Roll back the newest applied migrations with their down scripts.
/// `confirmed`: the versions the user agreed to roll back (newest first); when the plan made under
/// the lock differs (another `migrate` ran since the question), nothing is rolled back.
pub async fn down(
    db: &Db,
    steps: Option<u32>,
    target: Option<i32>,
    dry_run: bool,
    lock_wait: Duration,
    confirmed: Option<&[i32]>,
) -> Result<DownReport> {
    let shipped = shipped()?;
    check_target(&shipped, target)?;
    let mut client = db.dedicated().await?;
    let _cancel = db.cancel_on_interrupt(&client);
    if !dry_run {
        crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate down`").await?;
        acquire_lock(&client, lock_wait).await?;
    }
    let result = down_locked(&mut client, &shipped, steps, target, dry_run, confirmed).await;
    if !dry_run {
        release_lock(&client).await;
    }
    result
}

async fn down_locked(
    client: &mut Client,
    shipped: &[Shipped],
    steps: Option<u32>,
    target: Option<i32>,
    dry_run: bool,
    confirmed: Option<&[i32]>,
) -> Result<DownReport> {
    let applied_now = applied(client).await?.unwrap_or_default();
    let plan = down_plan(&applied_now, steps, target)?;
    if let Some(c) = confirmed
        && c != plan.as_slice()
    {
        let list = |v: &[i32]| v.iter().map(|x| format!("V{x}")).collect::<Vec<_>>().join(", ");
        bail!(
            "the applied migrations changed since you confirmed (another migrate ran?): you confirmed rolling back {}, now it would be {}; nothing was rolled back, run the command again",
            list(c),
            if plan.is_empty() { "nothing".to_string() } else { list(&plan) }
        );
    }
    // Check everything first, so that a missing down script stops the run before any change.
    let mut todo = Vec::new();
    for v in &plan {
        let s = shipped.iter().find(|s| s.version == *v).ok_or_else(|| {
            anyhow!("V{v} is applied but not shipped in this towow-db: cannot roll it back (no down script)")
        })?;
        let down = s.down.ok_or_else(|| {
            anyhow!(
                "V{}__{} has no down script ({}.down.sql): cannot roll it back",
                s.version,
                s.name,
                s.file
            )
        })?;
        todo.push((s, down));
    }
    if dry_run {
        return Ok(DownReport {
            rolled_back: Vec::new(),
            dry_run: true,
            sql: todo
                .iter()
                .map(|(s, down)| PlannedSql {
                    version: s.version,
                    name: s.name.clone(),
                    no_transaction: is_no_transaction(down),
                    sql: down.to_string(),
                })
                .collect(),
            current_version: applied_now.last().map(|a| a.version),
        });
    }
    // Rolling back tables that are not what the history says would leave a history that
    // describes neither; and only a checked schema gets its fingerprint recorded after.
    let trusted = match super::fingerprint::check(&*client).await? {
        SchemaCheck::Mismatch { message, .. } => bail!("{message}"),
        SchemaCheck::Unrecorded { .. } | SchemaCheck::Unfinished { .. } => false,
        SchemaCheck::NoHistory | SchemaCheck::Matches { .. } => true,
    };
    let mut done = Vec::new();
    for (s, down) in todo {
        let started = Instant::now();
        tracing::info!("rolling back V{}__{}", s.version, s.name);
        if is_no_transaction(down) {
            for stmt in split_statements(down) {
                client
                    .batch_execute(&stmt)
                    .await
                    .pg_context(format!("rolling back V{}__{} failed", s.version, s.name))?;
            }
            client
                .execute_typed(DELETE_HISTORY, &[(&s.version, Type::INT4)])
                .await
                .pg_context("cannot update the migration history")?;
        } else {
            let tx = client.transaction().await.pg_context("cannot begin")?;
            tx.batch_execute(down)
                .await
                .pg_context(format!("rolling back V{}__{} failed (nothing changed)", s.version, s.name))?;
            tx.execute_typed(DELETE_HISTORY, &[(&s.version, Type::INT4)])
                .await
                .pg_context("cannot update the migration history")?;
            tx.commit().await.pg_context("cannot commit the rollback")?;
        }
        done.push(step(s, started));
    }
    let current = applied(client).await?.unwrap_or_default().last().map(|a| a.version);
    if trusted && current.is_some() && !done.is_empty() {
        super::up::record_live(client).await?;
    }
    Ok(DownReport { rolled_back: done, dry_run: false, sql: Vec::new(), current_version: current })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn down_plans() {
        let a = |v| Applied {
            version: v,
            name: String::new(),
            applied_on: String::new(),
            checksum: String::new(),
        };
        let applied = vec![a(1), a(2), a(3)];
        assert_eq!(down_plan(&applied, None, None).unwrap(), vec![3]);
        assert_eq!(down_plan(&applied, Some(2), None).unwrap(), vec![3, 2]);
        assert_eq!(down_plan(&applied, None, Some(0)).unwrap(), vec![3, 2, 1]);
        assert_eq!(down_plan(&applied, Some(9), None).unwrap(), vec![3, 2, 1]);
    }
}
