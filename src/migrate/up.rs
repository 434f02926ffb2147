//! Applying migrations: refinery for transactional files, statement by statement for files
//! marked no-transaction (`CREATE INDEX CONCURRENTLY`), recorded exactly as refinery would.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use refinery_core::{Migration, Runner, Target};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::*;
use crate::connect::Db;
use crate::error::{PgContext, PgError, pg_message};
use crate::sql::{concurrent_index_name, split_statements};

/// One migration applied (or rolled back) by a run.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub version: i32,
    pub name: String,
    pub no_transaction: bool,
    pub millis: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    pub applied: Vec<Step>,
    pub dry_run: bool,
    /// The SQL that would run (dry run only), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<PlannedSql>,
    pub current_version: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedSql {
    pub version: i32,
    pub name: String,
    pub no_transaction: bool,
    pub sql: String,
}

fn refinery_error(e: refinery_core::Error) -> anyhow::Error {
    match e.kind() {
        refinery_core::error::Kind::Connection(msg, src) => match src.downcast_ref::<tokio_postgres::Error>()
        {
            Some(pe) => PgError::new(pe, msg).into(),
            None => anyhow!("{msg}: {src}"),
        },
        other => anyhow!("{other}"),
    }
}

fn pending_upto(rows: &[StatusRow], target: Option<i32>) -> Vec<i32> {
    rows.iter()
        .filter(|r| r.state == State::Pending && target.is_none_or(|t| r.version <= t))
        .map(|r| r.version)
        .collect()
}

/// Apply pending migrations up to `target` (all when `None`), holding the migration lock.
pub async fn up(db: &Db, target: Option<i32>, dry_run: bool, lock_wait: Duration) -> Result<UpReport> {
    let shipped = shipped()?;
    check_target(&shipped, target)?;
    let mut client = db.dedicated().await?;
    // Interrupted, the migration in flight is cancelled on the server (and rolled back), not
    // left running behind a closed connection.
    let _cancel = db.cancel_on_interrupt(&client);
    crate::connect::pool::check_server_version(&client, MIN_SERVER_VERSION).await?;
    refuse_unmanaged(&client).await?;
    if dry_run {
        let applied = applied(&client).await?.unwrap_or_default();
        let rows = compare(&shipped, &applied);
        check_problems(&rows)?;
        let sql = pending_upto(&rows, target)
            .into_iter()
            .filter_map(|v| shipped.iter().find(|s| s.version == v))
            .map(|s| PlannedSql {
                version: s.version,
                name: s.name.clone(),
                no_transaction: s.no_transaction(),
                sql: s.up.to_string(),
            })
            .collect();
        return Ok(UpReport {
            applied: Vec::new(),
            dry_run: true,
            sql,
            current_version: applied.last().map(|a| a.version),
        });
    }
    crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate`").await?;
    acquire_lock(&client, lock_wait).await?;
    // A lock timeout in a migration names the session holding the lock.
    let pid = crate::connect::blocking::backend_pid(&client).await;
    let result =
        crate::connect::blocking::naming_holder(db, pid, up_locked(&mut client, &shipped, target)).await;
    release_lock(&client).await;
    result
}

/// ToWow tables without any history: V1 would fail on them (42P07). Point to `baseline`.
async fn refuse_unmanaged(client: &Client) -> Result<()> {
    if applied(client).await?.is_some_and(|a| !a.is_empty()) {
        return Ok(());
    }
    let tables = existing_towow_tables(client).await?;
    if tables.is_empty() {
        return Ok(());
    }
    let db: String = catalog::current_database(client).await?;
    bail!("{}; nothing was changed", unmanaged_message(&db, &tables))
}

fn check_problems(rows: &[StatusRow]) -> Result<()> {
    let p = problems(rows);
    if !p.is_empty() {
        bail!(
            "the applied migrations do not match the shipped ones; nothing was changed:\n  {}\n(run `towow-db migrate status` for details)",
            p.join("\n  ")
        );
    }
    Ok(())
}

async fn up_locked(client: &mut Client, shipped: &[Shipped], target: Option<i32>) -> Result<UpReport> {
    // Again under the lock: another run may have changed the database since.
    refuse_unmanaged(client).await?;
    client.batch_execute(CREATE_HISTORY).await.pg_context("cannot create the migration history table")?;
    let applied_now = applied(client).await?.unwrap_or_default();
    let rows = compare(shipped, &applied_now);
    check_problems(&rows)?;
    let pending = pending_upto(&rows, target);
    let all: Vec<Migration> = shipped.iter().map(|s| s.migration.clone()).collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < pending.len() {
        let s = shipped.iter().find(|s| s.version == pending[i]).expect("pending comes from shipped");
        let started = Instant::now();
        if s.no_transaction() {
            run_no_transaction(client, s).await?;
            steps.push(step(s, started));
            i += 1;
            continue;
        }
        // A run of consecutive transactional migrations: refinery applies them, each in its own
        // transaction together with its history row.
        let mut j = i;
        while j + 1 < pending.len() {
            let next = shipped.iter().find(|m| m.version == pending[j + 1]).expect("shipped");
            if next.no_transaction() {
                break;
            }
            j += 1;
        }
        let last = pending[j];
        let report = Runner::new(&all)
            .set_target(Target::Version(last))
            .set_abort_divergent(true)
            .set_abort_missing(true)
            .run_async(client)
            .await
            .map_err(refinery_error)?;
        let elapsed = started.elapsed();
        let n = report.applied_migrations().len().max(1) as u32;
        for m in report.applied_migrations() {
            steps.push(Step {
                version: m.version(),
                name: m.name().to_string(),
                no_transaction: false,
                millis: (elapsed / n).as_millis() as u64,
            });
        }
        i = j + 1;
    }
    let current = applied(client).await?.unwrap_or_default().last().map(|a| a.version);
    Ok(UpReport { applied: steps, dry_run: false, sql: Vec::new(), current_version: current })
}

pub(crate) fn step(s: &Shipped, started: Instant) -> Step {
    Step {
        version: s.version,
        name: s.name.clone(),
        no_transaction: s.no_transaction(),
        millis: started.elapsed().as_millis() as u64,
    }
}

/// Run a no-transaction migration statement by statement, then record it in refinery's history.
async fn run_no_transaction(client: &Client, s: &Shipped) -> Result<()> {
    tracing::debug!("applying V{}__{} outside a transaction", s.version, s.name);
    for (n, stmt) in split_statements(s.up).iter().enumerate() {
        let index = concurrent_index_name(stmt);
        if let Some(ix) = &index {
            drop_invalid_index(client, ix).await?;
        }
        super::patient::execute(client, stmt).await.map_err(|e| {
            let what = if n == 0 {
                "refused before any change"
            } else {
                "failed (outside a transaction: statements before this one stay applied; it is safe to re-run once fixed)"
            };
            PgError::with_text(&e, format!("V{}__{} {what}", s.version, s.name), statement_error(&e))
        })?;
        if let Some(ix) = &index
            && index_validity(client, ix).await? == Some(false)
        {
            bail!(
                "V{}__{}: index {ix} is INVALID after CREATE INDEX CONCURRENTLY; the migration was not recorded (run `towow-db migrate` again to rebuild it)",
                s.version,
                s.name
            );
        }
    }
    record(client, s).await
}

/// Write the history row of `s` exactly as refinery does (RFC 3339 UTC time, SipHash-1-3
/// checksum as a decimal string).
pub(crate) async fn record<C: tokio_postgres::GenericClient>(client: &C, s: &Shipped) -> Result<()> {
    let applied_on = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    client
        .execute_typed(
            INSERT_HISTORY,
            &[
                (&s.version, Type::INT4),
                (&s.name, Type::TEXT),
                (&applied_on, Type::TEXT),
                (&s.checksum(), Type::TEXT),
            ],
        )
        .await
        .pg_context(format!("cannot record V{}__{} in the history", s.version, s.name))?;
    Ok(())
}

/// A failed migration statement: the server's message, then its detail and hint on lines of their
/// own (a migration's own refusal lists one problem per line there).
fn statement_error(e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else { return pg_message(e) };
    let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(d) = db.detail() {
        s.push_str(&format!("\n{d}"));
    }
    if let Some(h) = db.hint() {
        s.push_str(&format!("\n{h}"));
    }
    s
}

/// Whether the index `name` (as written in SQL) is valid; `None` when there is no such index.
async fn index_validity(client: &Client, name: &str) -> Result<Option<bool>> {
    let row = client
        .query_typed_opt(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
            &[(&name, Type::TEXT)],
        )
        .await
        .pg_context(format!("cannot look up index {name}"))?;
    Ok(row.map(|r| r.get(0)))
}

/// A failed or interrupted `CREATE INDEX CONCURRENTLY` leaves an INVALID index behind, which
/// `IF NOT EXISTS` would then skip for good. Drop it so that the statement builds it afresh.
async fn drop_invalid_index(client: &Client, name: &str) -> Result<()> {
    if index_validity(client, name).await? == Some(false) {
        tracing::warn!(
            "index {name} is INVALID (left by a failed concurrent build): dropping it to build it again"
        );
        client
            .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            .await
            .pg_context(format!("cannot drop the invalid index {name}"))?;
    }
    Ok(())
}
