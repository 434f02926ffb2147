//! Verification: applied migrations against shipped ones, and the ToWow tables against what the
//! applied migrations make, read from a shadow database built from the migration files (drift).

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::diff::{Difference, diff};
use super::shadow::{Expected, Fallback, expected_for, read_target};
use super::*;
use crate::connect::Db;
use crate::error::PgContext;

/// The migration history compared with the shipped files, plus the ToWow tables that exist
/// without any history (a database made by the app's `init_db.py`).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryCheck {
    pub migrations: Vec<StatusRow>,
    pub problems: Vec<String>,
    pub pending: Vec<i32>,
    /// ToWow tables present while no migration is recorded: `migrate baseline` adopts them.
    pub unmanaged_tables: Vec<String>,
    /// The ToWow tables against the history's fingerprint.
    pub schema: SchemaCheck,
    /// Another migration tool that manages the database instead of towow-db (then
    /// `migrations` is empty: none of ToWow's is pending there).
    pub managed_by: Option<OtherTool>,
    /// Every other migration tool's history found (beside towow-db's, too).
    pub other_tools: Vec<OtherTool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub migrations: Vec<StatusRow>,
    pub problems: Vec<String>,
    /// Each difference from what the applied migrations make: expected vs found.
    pub drift: Vec<Difference>,
    /// Differences that are not drift (an extra index on a ToWow table).
    pub info: Vec<Difference>,
    pub pending: Vec<i32>,
    pub unmanaged_tables: Vec<String>,
    /// Another migration tool that manages the database (nothing was compared unless forced).
    pub managed_by: Option<OtherTool>,
    /// Where the expected schema was built (absent when there was nothing to compare).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Expected>,
}

/// The ToWow tables that exist in the current schema.
pub async fn existing_towow_tables(client: &Client) -> Result<Vec<String>> {
    let names: Vec<String> = TOWOW_TABLES.iter().rev().map(|s| s.to_string()).collect();
    let rows = client
        .query_typed(
            "SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, o) \
             WHERE to_regclass(quote_ident(t)) IS NOT NULL ORDER BY o",
            &[(&names, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot look for the ToWow tables")?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// The message for a database whose ToWow tables have no history (shared by `migrate`, `init`
/// and `verify`).
pub fn unmanaged_message(database: &str, tables: &[String]) -> String {
    format!(
        "database \"{database}\" has the ToWow tables ({}) but no towow-db migration history (made by the ToWow app's init_db.py or by hand?): adopt it with `towow-db migrate baseline`, which compares it with the ToWow schema and brings it there keeping every row",
        tables.join(", ")
    )
}

/// The history check without drift: cheap and read-only (`migrate status`). A database that
/// another tool manages lists none of ToWow's migrations (they do not apply there) unless
/// `force`.
pub async fn check_history(client: &Client, force: bool) -> Result<HistoryCheck> {
    let applied = applied(client).await?.unwrap_or_default();
    let (managed_by, other_tools) = managed_by(client, &applied).await?;
    if let Some(m) = managed_by.clone().filter(|_| !force) {
        return Ok(HistoryCheck {
            migrations: Vec::new(),
            problems: Vec::new(),
            pending: Vec::new(),
            unmanaged_tables: Vec::new(),
            schema: SchemaCheck::NoHistory,
            managed_by: Some(m),
            other_tools,
        });
    }
    let migrations = compare(&shipped()?, &applied);
    let mut problems = problems(&migrations);
    let pending: Vec<i32> =
        migrations.iter().filter(|r| r.state == State::Pending).map(|r| r.version).collect();
    let none_applied = migrations.iter().all(|r| r.state == State::Pending);
    let unmanaged_tables = if none_applied { existing_towow_tables(client).await? } else { Vec::new() };
    if !unmanaged_tables.is_empty() {
        let db: String = catalog::current_database(client).await?;
        problems.push(unmanaged_message(&db, &unmanaged_tables));
    }
    let schema = if migrations.iter().any(|r| r.state != State::Pending) {
        super::fingerprint::check(client).await?
    } else {
        SchemaCheck::NoHistory
    };
    Ok(HistoryCheck { migrations, problems, pending, unmanaged_tables, schema, managed_by, other_tools })
}

/// Compare applied with shipped migrations, and the ToWow tables with what the applied
/// migrations make on a shadow database (on the same server, else on `fallback`'s). A database
/// that another tool manages is compared only when `force` (its `managed_by` says so).
pub async fn verify(
    db: &Db,
    fail_on_pending: bool,
    fallback: Option<Fallback<'_>>,
    force: bool,
) -> Result<VerifyReport> {
    // One connection of the pool at a time (`--pool-size 1` must work).
    let h = check_history(&*db.get().await?, force).await?;
    let mut problems = h.problems;
    if fail_on_pending && !h.pending.is_empty() {
        problems.push(format!(
            "pending migrations: {}",
            h.pending.iter().map(|v| format!("V{v}")).collect::<Vec<_>>().join(", ")
        ));
    }
    let applied: Vec<i32> = h
        .migrations
        .iter()
        .filter(|r| matches!(r.state, State::Applied | State::Modified))
        .map(|r| r.version)
        .collect();
    let not_shipped = h.migrations.iter().any(|r| r.state == State::Missing);
    let (mut drift, mut info, mut shadow) = (Vec::new(), Vec::new(), None);
    if !applied.is_empty() && !not_shipped {
        let e = expected_for(db, Some(&applied), fallback).await?;
        let found = read_target(&mut *db.get().await?, &e.catalog).await?;
        for c in diff(&e.catalog, &found) {
            if c.is_info() { info.push(c.difference()) } else { drift.push(c.difference()) }
        }
        shadow = Some(e);
    }
    Ok(VerifyReport {
        ok: problems.is_empty() && drift.is_empty(),
        migrations: h.migrations,
        problems,
        drift,
        info,
        pending: h.pending,
        unmanaged_tables: h.unmanaged_tables,
        managed_by: h.managed_by,
        shadow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unmanaged_database_is_pointed_to_baseline() {
        let m = unmanaged_message("towow", &["agent_profiles".into(), "demands".into()]);
        assert!(m.starts_with("database \"towow\" has the ToWow tables (agent_profiles, demands)"), "{m}");
        assert!(m.contains("`towow-db migrate baseline`") && m.contains("keeping every row"), "{m}");
    }
}
