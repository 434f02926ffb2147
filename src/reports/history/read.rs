//! One reading of what the reports need over time: the database's counters, its statements
//! (pg_stat_statements), its tables' sizes and counters, replication, the archiver, and the
//! host's disk and CPU where the server runs on this host. Read in one read-only transaction,
//! a handful of queries, none per object.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::super::{query, replication, slow};
use crate::connect::ConnConfig;

/// The database's own figures, cumulative counters as the server reports them.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DatabaseReading {
    pub database: String,
    pub server_version: i32,
    pub standby: bool,
    pub postmaster_start: Option<DateTime<Utc>>,
    pub stats_reset: Option<DateTime<Utc>>,
    pub size_bytes: Option<i64>,
    pub numbackends: Option<i32>,
    pub max_connections: i32,
    pub xact_commit: Option<i64>,
    pub xact_rollback: Option<i64>,
    pub blks_read: Option<i64>,
    pub blks_hit: Option<i64>,
    pub tup_returned: Option<i64>,
    pub tup_fetched: Option<i64>,
    pub tup_inserted: Option<i64>,
    pub tup_updated: Option<i64>,
    pub tup_deleted: Option<i64>,
    pub deadlocks: Option<i64>,
    pub conflicts: Option<i64>,
    pub temp_files: Option<i64>,
    pub temp_bytes: Option<i64>,
    pub xid_age: Option<i64>,
    pub mxid_age: Option<i64>,
    pub xmin_horizon_age: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatementReading {
    pub queryid: i64,
    pub userid: i64,
    pub calls: i64,
    pub total_ms: f64,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
    pub io_ms: f64,
    pub query: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableReading {
    pub relid: i64,
    pub schema: String,
    pub name: String,
    pub total_bytes: Option<i64>,
    pub n_live_tup: i64,
    pub n_dead_tup: i64,
    pub n_tup_ins: i64,
    pub n_tup_upd: i64,
    pub n_tup_del: i64,
    pub seq_scan: i64,
    pub idx_scan: i64,
    pub xid_age: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandbyReading {
    pub name: String,
    pub state: Option<String>,
    pub lag_bytes: Option<i64>,
    pub lag_s: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlotReading {
    pub slot_name: String,
    pub active: bool,
    pub retained_bytes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ArchiverReading {
    pub archived_count: i64,
    pub failed_count: i64,
    pub last_failed_time: Option<DateTime<Utc>>,
}

/// The host's figures, when the server runs on this host (see [`super::super::host`]).
pub use super::super::host::HostReading;

#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub taken_at: DateTime<Utc>,
    pub db: DatabaseReading,
    /// `None` when pg_stat_statements cannot be read here (the reason is in `notes`).
    pub statements: Option<Vec<StatementReading>>,
    /// pg_stat_statements' own reset time (1.9+).
    pub statements_reset: Option<DateTime<Utc>>,
    pub tables: Vec<TableReading>,
    pub standbys: Vec<StandbyReading>,
    pub slots: Vec<SlotReading>,
    pub archiver: ArchiverReading,
    pub host: HostReading,
    pub notes: Vec<String>,
}

const DATABASE_SQL: &str = "
SELECT now() AS taken_at, current_database()::text AS database,
       current_setting('server_version_num')::int4 AS server_version,
       pg_is_in_recovery() AS standby, pg_postmaster_start_time() AS postmaster_start,
       d.stats_reset, CASE WHEN $1 THEN pg_database_size(current_database()) END::int8 AS size_bytes,
       d.numbackends::int4 AS numbackends, current_setting('max_connections')::int4 AS max_connections,
       d.xact_commit::int8 AS xact_commit, d.xact_rollback::int8 AS xact_rollback,
       d.blks_read::int8 AS blks_read, d.blks_hit::int8 AS blks_hit,
       d.tup_returned::int8 AS tup_returned, d.tup_fetched::int8 AS tup_fetched,
       d.tup_inserted::int8 AS tup_inserted, d.tup_updated::int8 AS tup_updated, d.tup_deleted::int8 AS tup_deleted,
       d.deadlocks::int8 AS deadlocks, d.conflicts::int8 AS conflicts,
       d.temp_files::int8 AS temp_files, d.temp_bytes::int8 AS temp_bytes,
       (SELECT max(age(datfrozenxid)) FROM pg_database)::int8 AS xid_age,
       (SELECT max(mxid_age(datminmxid)) FROM pg_database)::int8 AS mxid_age,
       greatest((SELECT max(greatest(age(backend_xmin), age(backend_xid))) FROM pg_stat_activity WHERE pid <> pg_backend_pid()),
                (SELECT max(age(transaction)) FROM pg_prepared_xacts),
                (SELECT max(age(xmin)) FROM pg_replication_slots))::int8 AS xmin_horizon_age,
       CASE WHEN pg_has_role(current_user, 'pg_read_all_settings', 'USAGE') THEN current_setting('data_directory') END AS data_directory
FROM (SELECT) one
LEFT JOIN pg_stat_database d ON d.datname = current_database()";

/// Every table's figures, but the history store's own.
const TABLES_SQL: &str = "
SELECT s.relid::int8 AS relid, s.schemaname::text AS schema, s.relname::text AS name,
       pg_total_relation_size(s.relid)::int8 AS total_bytes,
       s.n_live_tup::int8 AS n_live_tup, s.n_dead_tup::int8 AS n_dead_tup,
       s.n_tup_ins::int8 AS n_tup_ins, s.n_tup_upd::int8 AS n_tup_upd, s.n_tup_del::int8 AS n_tup_del,
       coalesce(s.seq_scan, 0)::int8 AS seq_scan, coalesce(s.idx_scan, 0)::int8 AS idx_scan,
       CASE WHEN c.relfrozenxid <> '0'::xid THEN age(c.relfrozenxid) END::int8 AS xid_age
FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname <> 'towow_history'";

/// Read the target's figures, on `client` (in a read-only transaction), and the host's where
/// `cfg` says the server is local.
pub async fn reading(client: &Client, cfg: &ConnConfig) -> Result<Reading> {
    super::super::read_only(client, || read(client, cfg, true, true)).await
}

/// What the windowed checks need now: the database's counters (not its size), the statements
/// (when `statements`) and the host; no tables, no replication (the caller has those).
pub async fn light(client: &Client, cfg: &ConnConfig, statements: bool) -> Result<Reading> {
    super::super::read_only(client, || read(client, cfg, false, statements)).await
}

async fn read(client: &Client, cfg: &ConnConfig, whole: bool, with_statements: bool) -> Result<Reading> {
    let size_param: [super::super::Param; 1] = [(&whole, Type::BOOL)];
    let (db_rows, table_rows, repl, statements) = futures_util::join!(
        // The size walks the database's files (100 ms and more at 10,000 tables): not read
        // again for health, which has it.
        query(client, "the database's statistics", DATABASE_SQL, &size_param),
        async {
            match whole {
                true => query(client, "the tables' statistics", TABLES_SQL, &[]).await,
                false => Ok(Vec::new()),
            }
        },
        async {
            match whole {
                true => replication::read(client).await.map(Some),
                false => Ok(None),
            }
        },
        async {
            match with_statements {
                true => statements(client).await.map(Some),
                false => Ok(None),
            }
        },
    );
    let r = &db_rows?[0];
    let mut notes = Vec::new();
    let db = DatabaseReading {
        database: r.try_get("database")?,
        server_version: r.try_get("server_version")?,
        standby: r.try_get("standby")?,
        postmaster_start: r.try_get("postmaster_start")?,
        stats_reset: r.try_get("stats_reset")?,
        size_bytes: r.try_get("size_bytes")?,
        numbackends: r.try_get("numbackends")?,
        max_connections: r.try_get("max_connections")?,
        xact_commit: r.try_get("xact_commit")?,
        xact_rollback: r.try_get("xact_rollback")?,
        blks_read: r.try_get("blks_read")?,
        blks_hit: r.try_get("blks_hit")?,
        tup_returned: r.try_get("tup_returned")?,
        tup_fetched: r.try_get("tup_fetched")?,
        tup_inserted: r.try_get("tup_inserted")?,
        tup_updated: r.try_get("tup_updated")?,
        tup_deleted: r.try_get("tup_deleted")?,
        deadlocks: r.try_get("deadlocks")?,
        conflicts: r.try_get("conflicts")?,
        temp_files: r.try_get("temp_files")?,
        temp_bytes: r.try_get("temp_bytes")?,
        xid_age: r.try_get("xid_age")?,
        mxid_age: r.try_get("mxid_age")?,
        xmin_horizon_age: r.try_get("xmin_horizon_age")?,
    };
    let taken_at: DateTime<Utc> = r.try_get("taken_at")?;
    let data_directory: Option<String> = r.try_get("data_directory")?;
    let tables = table_rows?
        .iter()
        .map(|t| {
            Ok(TableReading {
                relid: t.try_get("relid")?,
                schema: t.try_get("schema")?,
                name: t.try_get("name")?,
                total_bytes: t.try_get("total_bytes")?,
                n_live_tup: t.try_get("n_live_tup")?,
                n_dead_tup: t.try_get("n_dead_tup")?,
                n_tup_ins: t.try_get("n_tup_ins")?,
                n_tup_upd: t.try_get("n_tup_upd")?,
                n_tup_del: t.try_get("n_tup_del")?,
                seq_scan: t.try_get("seq_scan")?,
                idx_scan: t.try_get("idx_scan")?,
                xid_age: t.try_get("xid_age")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (standbys, slots, archiver) = match repl? {
        Some(repl) => replication_readings(&repl),
        None => (Vec::new(), Vec::new(), ArchiverReading::default()),
    };
    let (statements, statements_reset) = match statements {
        Ok(Some((s, reset))) => (Some(s), reset),
        Ok(None) => (None, None),
        Err(e) => {
            notes.push(format!("statements not recorded: {}", crate::error::render(&e)));
            (None, None)
        }
    };
    let host = super::super::host::read(cfg, data_directory.as_deref(), db.postmaster_start);
    Ok(Reading { taken_at, db, statements, statements_reset, tables, standbys, slots, archiver, host, notes })
}

/// The standbys, slots and archiver of a replication report, as readings.
fn replication_readings(
    repl: &replication::ReplicationReport,
) -> (Vec<StandbyReading>, Vec<SlotReading>, ArchiverReading) {
    let standbys = repl
        .senders
        .iter()
        .filter(|s| s.replicates())
        .map(|s| StandbyReading {
            name: match &s.client {
                Some(c) => format!("{}@{c}", s.name),
                None => s.name.clone(),
            },
            state: s.state.clone(),
            lag_bytes: s.lag_bytes,
            lag_s: Some(s.lag_s()),
        })
        .collect();
    let slots = repl
        .slots
        .iter()
        .map(|s| SlotReading {
            slot_name: s.slot_name.clone(),
            active: s.active,
            retained_bytes: s.retained_wal_bytes,
        })
        .collect();
    let archiver = ArchiverReading {
        archived_count: repl.archiver.archived_count,
        failed_count: repl.archiver.failed_count,
        last_failed_time: repl.archiver.last_failed_time,
    };
    (standbys, slots, archiver)
}

/// Every statement of this database that pg_stat_statements lets this role read (top-level
/// ones where the view tells; not the history store's own), with the extension's reset time.
async fn statements(client: &Client) -> Result<(Vec<StatementReading>, Option<DateTime<Utc>>)> {
    let ext = slow::detect(client).await?;
    let c = slow::columns(&ext);
    let sql = format!(
        "SELECT s.queryid::int8 AS queryid, s.userid::int8 AS userid, s.calls::int8 AS calls,
                ({total})::float8 AS total_ms, s.rows::int8 AS rows,
                s.shared_blks_hit::int8 AS shared_blks_hit, s.shared_blks_read::int8 AS shared_blks_read,
                ({io})::float8 AS io_ms, s.query AS query
         FROM {view} s
         WHERE s.dbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
           AND s.queryid IS NOT NULL{top}
           -- The store's own statements (when it is in this database) are not the app's.
           AND s.query NOT LIKE '%towow\\_history.%'",
        total = c.total,
        io = c.io,
        view = c.view,
        top = if c.toplevel { " AND s.toplevel" } else { "" },
    );
    let info_sql =
        format!("SELECT stats_reset FROM {}.pg_stat_statements_info", crate::sql::quote_ident(&ext.schema));
    let (rows, info) = futures_util::join!(query(client, "pg_stat_statements", &sql, &[]), async {
        match ext.has_info_view {
            true => query(client, "pg_stat_statements_info", &info_sql, &[]).await.map(Some),
            false => Ok(None),
        }
    });
    let statements = rows?
        .iter()
        .map(|r| {
            Ok(StatementReading {
                queryid: r.try_get("queryid")?,
                userid: r.try_get("userid")?,
                calls: r.try_get("calls")?,
                total_ms: r.try_get("total_ms")?,
                rows: r.try_get("rows")?,
                shared_blks_hit: r.try_get("shared_blks_hit")?,
                shared_blks_read: r.try_get("shared_blks_read")?,
                io_ms: r.try_get("io_ms")?,
                query: r.try_get::<_, Option<String>>("query")?.unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let reset = match info? {
        Some(rows) => rows.first().map(|r| r.try_get("stats_reset")).transpose()?.flatten(),
        None => None,
    };
    Ok((statements, reset))
}
