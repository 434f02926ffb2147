//! The DBA runbook reports (issue 4): `vacuum-report`, `slow-query`, `health`, `activity`, `sizes`,
//! `indexes` and `replication`.
//!
//! Every report is data first: a core function reads the server (read-only, one round trip per
//! section, never a query per table) and returns a typed, `Serialize` value that implements
//! [`Report`]; `output::Out::report` renders it as tables, JSON or a monitoring check status.
//!
//! **PgBouncer safety.** Every query here goes through [`query`] (tokio-postgres `query_typed`:
//! the unnamed statement, parse/bind/execute in one round trip, no named prepared statement) or
//! `simple_query`/`batch_execute`, so the reports work through PgBouncer in transaction pooling
//! mode. Never `Client::query(&str, ..)` or `prepare` in this module tree.

use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row};

use crate::error::{PgContext, PgError, sqlstate};

pub mod activity;
pub mod advise;
pub mod health;
pub mod history;
pub mod host;
pub mod indexes;
pub mod replication;
pub mod sizes;
pub mod slow;
pub mod vacuum;

/// A `pg_stat_activity` row (alias `a`) of another role's session whose details this role may
/// not see (it needs `pg_read_all_stats`): `query` says `<insufficient privilege>`, and the
/// process has a database and a role, as client backends (and their parallel workers) do.
/// Background processes (checkpointer, autovacuum workers, …) have no role: they are hidden the
/// same way but are not sessions. `backend_xmin` and `backend_xid` stay visible for every row.
pub const HIDDEN_SESSION_SQL: &str =
    "(a.query = '<insufficient privilege>' AND a.datid IS NOT NULL AND a.usesysid IS NOT NULL)";

/// The schema/table filter (`$1` schemas, `$2` table names, as [`Filter`] binds them) on the
/// relation alias `rel` in the namespace alias `ns`, reaching the partitions (at any depth, in
/// any schema) of the tables it names: a partitioned table has no storage, its data, indexes and
/// statistics are its partitions'.
pub fn table_filter_with_partitions(rel: &str, ns: &str) -> String {
    format!(
        "((($1::text[] IS NULL OR {ns}.nspname = ANY($1)) AND ($2::text[] IS NULL OR {rel}.relname = ANY($2)))
   OR {rel}.relispartition AND EXISTS (
        SELECT 1 FROM pg_partition_ancestors({rel}.oid) anc
        JOIN pg_class anc_c ON anc_c.oid = anc.relid JOIN pg_namespace anc_n ON anc_n.oid = anc_c.relnamespace
        WHERE anc.relid <> {rel}.oid
          AND ($1::text[] IS NULL OR anc_n.nspname = ANY($1)) AND ($2::text[] IS NULL OR anc_c.relname = ANY($2))))"
    )
}

/// One bind value and its declared type.
pub type Param<'a> = (&'a (dyn ToSql + Sync), Type);

/// Run a report query the PgBouncer-safe way (unnamed statement, one round trip). `what` names
/// the section for the error message; the database error (SQLSTATE, detail, hint) stays in the
/// error chain so callers can map it to a remedy.
pub async fn query(client: &Client, what: &str, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
    tracing::trace!(section = what, "report query");
    client.query_typed(sql, params).await.pg_context(format!("reading {what}"))
}

/// Run a report's queries (`body`, on `client`) in one read-only transaction with JIT off:
/// catalog queries over thousands of relations cross `jit_above_cost`, and compiling them costs
/// more than running them (0.3 s of LLVM emission for a 0.7 s query at 10,000 tables).
/// `SET LOCAL` ends with the transaction, so nothing leaks to the next user of a pooled (or
/// PgBouncer) connection, and the transaction keeps every query on one server connection.
/// BEGIN is pipelined with the body's first query (sent before it, in the same round trip).
///
/// A relation dropped between a query's catalog snapshot and a function that opens it
/// (`pg_get_indexdef`, `pg_indexes_size`, …) fails the query with "could not open relation"
/// (XX000) or "relation does not exist" (42P01): the report is read again, up to
/// [`READ_ATTEMPTS`] times (it only reads, and the next snapshot no longer has the relation).
pub async fn read_only<T, F, Fut>(client: &Client, mut body: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        match read_only_once(client, body()).await {
            Err(e)
                if attempt < READ_ATTEMPTS
                    && matches!(sqlstate(&e).as_ref().map(SqlState::code), Some("XX000" | "42P01")) =>
            {
                tracing::debug!(
                    "a relation went away while the report read it ({}); reading again",
                    crate::error::render(&e)
                );
                attempt += 1;
            }
            r => return r,
        }
    }
}

/// How many times a report is read when relations vanish under it.
pub const READ_ATTEMPTS: u32 = 3;

async fn read_only_once<T>(client: &Client, body: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    let (begun, r) =
        futures_util::future::join(client.batch_execute("BEGIN READ ONLY; SET LOCAL jit = off"), body).await;
    if let Err(e) = begun {
        if r.is_ok() {
            let _ = client.batch_execute("ROLLBACK").await;
        }
        return Err(PgError::new(&e, "starting the report's read-only transaction").into());
    }
    let end = client.batch_execute(if r.is_ok() { "COMMIT" } else { "ROLLBACK" }).await;
    match (r, end) {
        (Ok(v), Ok(())) => Ok(v),
        (Ok(_), Err(e)) => Err(PgError::new(&e, "ending the report's read-only transaction").into()),
        (Err(e), _) => Err(e),
    }
}

/// Like [`query`], but hands each row to `each` as it arrives, so that the client's work on the
/// first rows overlaps the server's on the next ones (still the unnamed statement).
pub async fn query_each(
    client: &Client,
    what: &str,
    sql: &str,
    params: &[Param<'_>],
    mut each: impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    use futures_util::TryStreamExt;
    tracing::trace!(section = what, "report query, streamed");
    let context = |e: tokio_postgres::Error| anyhow::Error::from(PgError::new(&e, format!("reading {what}")));
    let rows =
        client.query_typed_raw(sql, params.iter().map(|(v, t)| (*v, t.clone()))).await.map_err(context)?;
    let mut rows = std::pin::pin!(rows);
    while let Some(row) = rows.try_next().await.map_err(context)? {
        each(row)?;
    }
    Ok(())
}

/// What every report needs to know about the server, read in one round trip.
#[derive(Debug, Clone, Serialize)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150018.
    pub version_num: i32,
    pub database: String,
    pub user: String,
    pub superuser: bool,
    /// Member of `pg_read_all_stats` (or superuser): sees every session's and statement's details.
    pub read_all_stats: bool,
    /// The settings the reports asked for (absent when the server does not have them).
    pub settings: HashMap<String, String>,
}

const SERVER_INFO_SQL: &str = "
SELECT current_setting('server_version_num')::int4 AS version_num,
       current_database()::text AS database,
       current_user::text AS user,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
       coalesce((SELECT json_object_agg(name, setting) FROM pg_settings WHERE name = ANY($1)), '{}')
         AS settings";

impl ServerInfo {
    /// Read the version, the role's stats privileges and the named settings.
    pub async fn read(client: &Client, settings: &[&str]) -> Result<ServerInfo> {
        let names: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
        let rows =
            query(client, "the server version and settings", SERVER_INFO_SQL, &[(&names, Type::TEXT_ARRAY)])
                .await?;
        let r = &rows[0];
        let json: serde_json::Value = r.get("settings");
        let settings = json
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        let superuser: bool = r.get("superuser");
        Ok(ServerInfo {
            version_num: r.get("version_num"),
            database: r.get("database"),
            user: r.get("user"),
            superuser,
            read_all_stats: superuser || r.get::<_, bool>("read_all_stats"),
            settings,
        })
    }

    pub fn major(&self) -> i32 {
        self.version_num / 10000
    }

    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(String::as_str)
    }

    pub fn setting_f64(&self, name: &str) -> Option<f64> {
        self.setting(name).and_then(|v| v.trim().parse().ok())
    }

    pub fn setting_on(&self, name: &str) -> Option<bool> {
        self.setting(name).map(|v| v == "on")
    }
}

/// An SQL `LIKE`-free schema/table filter shared by the reports: exact names, bound as values.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Filter {
    /// Only this schema (repeatable).
    #[arg(long = "schema", value_name = "SCHEMA")]
    pub schemas: Vec<String>,

    /// Only tables with this name (repeatable; combine with --schema for one schema's table).
    #[arg(long = "table", value_name = "TABLE")]
    pub tables: Vec<String>,
}

impl Filter {
    pub fn schemas_param(&self) -> Option<Vec<String>> {
        (!self.schemas.is_empty()).then(|| self.schemas.clone())
    }
    pub fn tables_param(&self) -> Option<Vec<String>> {
        (!self.tables.is_empty()).then(|| self.tables.clone())
    }
}

#[cfg(test)]
mod tests {
    /// PgBouncer in transaction pooling breaks named prepared statements: the report code must
    /// only use `query_typed` (through [`query`]) or the simple query protocol.
    #[test]
    fn report_code_never_prepares_statements() {
        let sources = [
            ("mod.rs", include_str!("mod.rs")),
            ("vacuum/mod.rs", include_str!("vacuum/mod.rs")),
            ("vacuum/autovacuum.rs", include_str!("vacuum/autovacuum.rs")),
            ("vacuum/bloat.rs", include_str!("vacuum/bloat.rs")),
            ("vacuum/render.rs", include_str!("vacuum/render.rs")),
            ("slow.rs", include_str!("slow.rs")),
            ("health.rs", include_str!("health.rs")),
            ("activity.rs", include_str!("activity.rs")),
            ("sizes.rs", include_str!("sizes.rs")),
            ("indexes.rs", include_str!("indexes.rs")),
            ("indexes/duplicates.rs", include_str!("indexes/duplicates.rs")),
            ("indexes/foreign_keys.rs", include_str!("indexes/foreign_keys.rs")),
            ("indexes/bloat.rs", include_str!("indexes/bloat.rs")),
            ("replication/mod.rs", include_str!("replication/mod.rs")),
            ("replication/archiver.rs", include_str!("replication/archiver.rs")),
            ("replication/render.rs", include_str!("replication/render.rs")),
        ];
        let forbidden: Vec<String> =
            ["query", "query_one", "query_opt", "query_raw", "prepare", "prepare_typed", "execute"]
                .iter()
                .map(|m| format!(".{m}("))
                .collect();
        for (name, src) in sources {
            let code = src.split("#[cfg(test)]").next().unwrap();
            for f in &forbidden {
                assert!(
                    !code.contains(f.as_str()),
                    "{name} calls {f}: use reports::query (query_typed) or simple_query"
                );
            }
        }
    }
}
