//! The history store: schema `towow_history` in the monitored database (or in a central one,
//! `--history-url`), versioned by migrations of its own (not ToWow's: `refinery_schema_history`
//! is never touched), readable by `pg_monitor`, written by `snapshot` in one transaction.
//!
//! Counters are stored as the server reports them (cumulative since the statistics reset), so a
//! window is a difference of two readings and a reset is visible (a counter that went back).
//! Statements and tables are stored only when one of their figures changed since the last
//! reading kept for them (`*_last` holds those), so an idle table costs nothing per snapshot; a
//! statement or table that went away gets a row with `gone` set.

use anyhow::{Context, Result, bail};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::error::PgContext;

/// The schema that holds the history.
pub const SCHEMA: &str = "towow_history";

/// The store's migrations, in order: version, SQL. Applied in one transaction each, under an
/// advisory lock (two first snapshots at once take turns).
pub const MIGRATIONS: &[(i32, &str)] = &[(1, V1)];

/// Advisory lock key of the store's creation and migrations (`"towowhst"`).
const STORE_LOCK_KEY: i64 = 0x746f_776f_7768_7374;

const V1: &str = "
CREATE TABLE towow_history.snapshots (
  id bigserial PRIMARY KEY,
  target text NOT NULL,
  taken_at timestamptz NOT NULL,
  took_ms int NOT NULL,
  database text NOT NULL,
  server_version int NOT NULL,
  standby bool NOT NULL,
  postmaster_start timestamptz,
  stats_reset timestamptz,
  statements_reset timestamptz,
  db_size_bytes bigint,
  numbackends int,
  max_connections int,
  xact_commit bigint, xact_rollback bigint, blks_read bigint, blks_hit bigint,
  tup_returned bigint, tup_fetched bigint, tup_inserted bigint, tup_updated bigint, tup_deleted bigint,
  deadlocks bigint, conflicts bigint, temp_files bigint, temp_bytes bigint,
  xid_age bigint, mxid_age bigint, xmin_horizon_age bigint,
  archived_count bigint, failed_count bigint, last_failed_time timestamptz,
  standbys_streaming int,
  max_lag_s float8,
  max_lag_bytes bigint,
  slot_retained_bytes bigint,
  statements_tracked bool NOT NULL,
  disk_total_bytes bigint,
  disk_used_bytes bigint,
  disk_avail_bytes bigint,
  cpu_busy_ticks bigint,
  cpu_total_ticks bigint,
  host_note text
);
CREATE INDEX snapshots_target_taken ON towow_history.snapshots (target, taken_at);

CREATE TABLE towow_history.statements (
  target text NOT NULL,
  taken_at timestamptz NOT NULL,
  queryid bigint NOT NULL,
  userid oid NOT NULL,
  calls bigint,
  total_ms float8,
  rows bigint,
  shared_blks_hit bigint,
  shared_blks_read bigint,
  io_ms float8,
  gone bool NOT NULL DEFAULT false,
  PRIMARY KEY (target, queryid, userid, taken_at)
);
CREATE INDEX statements_target_taken ON towow_history.statements (target, taken_at);
CREATE TABLE towow_history.statements_last (
  target text NOT NULL,
  queryid bigint NOT NULL,
  userid oid NOT NULL,
  calls bigint,
  total_ms float8,
  PRIMARY KEY (target, queryid, userid)
);
CREATE TABLE towow_history.statement_texts (
  target text NOT NULL,
  queryid bigint NOT NULL,
  userid oid NOT NULL,
  query text NOT NULL,
  PRIMARY KEY (target, queryid, userid)
);

CREATE TABLE towow_history.tables (
  target text NOT NULL,
  taken_at timestamptz NOT NULL,
  relid oid NOT NULL,
  schema_name text NOT NULL,
  table_name text NOT NULL,
  total_bytes bigint,
  n_live_tup bigint,
  n_dead_tup bigint,
  n_tup_ins bigint,
  n_tup_upd bigint,
  n_tup_del bigint,
  seq_scan bigint,
  idx_scan bigint,
  xid_age bigint,
  gone bool NOT NULL DEFAULT false,
  PRIMARY KEY (target, relid, taken_at)
);
CREATE INDEX tables_target_taken ON towow_history.tables (target, taken_at);
CREATE TABLE towow_history.tables_last (
  target text NOT NULL,
  relid oid NOT NULL,
  schema_name text NOT NULL,
  table_name text NOT NULL,
  total_bytes bigint,
  n_live_tup bigint,
  n_dead_tup bigint,
  n_tup_ins bigint,
  n_tup_upd bigint,
  n_tup_del bigint,
  seq_scan bigint,
  idx_scan bigint,
  PRIMARY KEY (target, relid)
);

CREATE TABLE towow_history.standbys (
  target text NOT NULL,
  taken_at timestamptz NOT NULL,
  name text NOT NULL,
  state text,
  lag_bytes bigint,
  lag_s float8
);
CREATE INDEX standbys_target_taken ON towow_history.standbys (target, taken_at);
CREATE TABLE towow_history.slots (
  target text NOT NULL,
  taken_at timestamptz NOT NULL,
  slot_name text NOT NULL,
  active bool,
  retained_bytes bigint
);
CREATE INDEX slots_target_taken ON towow_history.slots (target, taken_at);

GRANT USAGE ON SCHEMA towow_history TO pg_monitor;
GRANT SELECT ON ALL TABLES IN SCHEMA towow_history TO pg_monitor;
";

/// Whether the store exists where `client` is connected, and its version (0: no store).
pub async fn version(client: &Client) -> Result<i32> {
    let row = client
        .query_typed_one(
            "SELECT to_regclass('towow_history.store_version') IS NOT NULL AS exists, \
                    has_schema_privilege(current_user, (SELECT oid FROM pg_namespace WHERE nspname = 'towow_history'), 'USAGE') AS usable",
            &[],
        )
        .await
        .pg_context("cannot look for the history store")?;
    let exists: bool = row.try_get("exists")?;
    if !exists {
        return Ok(0);
    }
    let usable: Option<bool> = row.try_get("usable")?;
    if usable != Some(true) {
        bail!(
            "the history store ({SCHEMA}) exists but this role may not read it: GRANT pg_monitor to the role (the store grants it SELECT)"
        );
    }
    let v: Option<i32> = client
        .query_typed_one("SELECT max(version)::int4 AS v FROM towow_history.store_version", &[])
        .await
        .pg_context("cannot read the history store's version")?
        .try_get("v")?;
    Ok(v.unwrap_or(0))
}

/// Create the store, or bring it to the newest version, in `client`'s database. Returns the
/// versions applied. Needs CREATE on the database the first time (said otherwise).
pub async fn ensure(client: &mut Client) -> Result<Vec<i32>> {
    let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if version(client).await? >= newest {
        return Ok(Vec::new());
    }
    let tx = client.transaction().await.pg_context("cannot begin")?;
    tx.query_typed("SELECT pg_advisory_xact_lock($1)", &[(&STORE_LOCK_KEY, Type::INT8)])
        .await
        .pg_context("cannot take the history store's lock")?;
    let created = tx
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {SCHEMA}; \
             CREATE TABLE IF NOT EXISTS {SCHEMA}.store_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); \
             GRANT USAGE ON SCHEMA {SCHEMA} TO pg_monitor; GRANT SELECT ON {SCHEMA}.store_version TO pg_monitor"
        ))
        .await;
    if let Err(e) = created {
        let why = crate::error::pg_message(&e);
        return Err(anyhow::Error::from(crate::error::PgError::new(&e, "cannot create the history store")))
            .with_context(|| {
                format!(
                    "the first snapshot creates schema {SCHEMA}: run it once as a role that may create in this database \
                     (its owner), or give --history-url a database where it may ({why})"
                )
            });
    }
    let current: Option<i32> = tx
        .query_typed_one("SELECT max(version)::int4 AS v FROM towow_history.store_version", &[])
        .await
        .pg_context("cannot read the history store's version")?
        .try_get("v")?;
    let current = current.unwrap_or(0);
    let mut applied = Vec::new();
    for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql).await.pg_context(format!("cannot apply the history store's version {v}"))?;
        tx.query_typed("INSERT INTO towow_history.store_version (version) VALUES ($1)", &[(v, Type::INT4)])
            .await
            .pg_context("cannot record the history store's version")?;
        applied.push(*v);
    }
    tx.commit().await.pg_context("cannot commit the history store")?;
    Ok(applied)
}

/// What one snapshot wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Written {
    pub snapshot_id: i64,
    pub target: String,
    pub taken_at: chrono::DateTime<chrono::Utc>,
    /// Statements whose figures changed since their last reading (and new ones).
    pub statements: i64,
    /// Statements gone since the last snapshot (a reset, an eviction).
    pub statements_gone: i64,
    pub tables: i64,
    pub tables_gone: i64,
    pub standbys: usize,
    pub slots: usize,
}

const SNAPSHOT_SQL: &str = "
INSERT INTO towow_history.snapshots (target, taken_at, took_ms, database, server_version, standby,
  postmaster_start, stats_reset, statements_reset, db_size_bytes, numbackends, max_connections,
  xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted, tup_updated,
  tup_deleted, deadlocks, conflicts, temp_files, temp_bytes, xid_age, mxid_age, xmin_horizon_age,
  archived_count, failed_count, last_failed_time, standbys_streaming, max_lag_s, max_lag_bytes,
  slot_retained_bytes, statements_tracked, disk_total_bytes, disk_used_bytes, disk_avail_bytes,
  cpu_busy_ticks, cpu_total_ticks, host_note)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
        $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39,
        $40, $41, $42)
RETURNING id";

const STATEMENTS_SQL: &str = "
WITH cur AS (
  SELECT * FROM unnest($3::int8[], $4::int8[], $5::int8[], $6::float8[], $7::int8[], $8::int8[], $9::int8[],
                       $10::float8[], $11::text[])
    AS c(queryid, userid, calls, total_ms, rows, hit, read, io_ms, query)
), changed AS (
  SELECT c.* FROM cur c
  LEFT JOIN towow_history.statements_last l ON l.target = $1 AND l.queryid = c.queryid AND l.userid = c.userid::oid
  WHERE l.queryid IS NULL OR l.calls IS DISTINCT FROM c.calls OR l.total_ms IS DISTINCT FROM c.total_ms
), ins AS (
  INSERT INTO towow_history.statements (target, taken_at, queryid, userid, calls, total_ms, rows,
                                         shared_blks_hit, shared_blks_read, io_ms)
  SELECT $1, $2, queryid, userid::oid, calls, total_ms, rows, hit, read, io_ms FROM changed
  RETURNING 1
), up AS (
  INSERT INTO towow_history.statements_last (target, queryid, userid, calls, total_ms)
  SELECT $1, queryid, userid::oid, calls, total_ms FROM changed
  ON CONFLICT (target, queryid, userid) DO UPDATE SET calls = excluded.calls, total_ms = excluded.total_ms
  RETURNING 1
), texts AS (
  INSERT INTO towow_history.statement_texts (target, queryid, userid, query)
  SELECT $1, queryid, userid::oid, query FROM changed
  ON CONFLICT (target, queryid, userid) DO NOTHING
  RETURNING 1
), gone AS (
  DELETE FROM towow_history.statements_last l
  WHERE l.target = $1 AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.queryid = l.queryid AND c.userid::oid = l.userid)
  RETURNING l.queryid, l.userid
), tomb AS (
  INSERT INTO towow_history.statements (target, taken_at, queryid, userid, gone)
  SELECT $1, $2, queryid, userid, true FROM gone
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM tomb) AS gone,
       (SELECT count(*) FROM up) + (SELECT count(*) FROM texts) AS touched";

const TABLES_SQL: &str = "
WITH cur AS (
  SELECT * FROM unnest($3::int8[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::int8[], $9::int8[],
                       $10::int8[], $11::int8[], $12::int8[], $13::int8[], $14::int8[])
    AS c(relid, schema_name, table_name, total_bytes, n_live_tup, n_dead_tup, n_tup_ins, n_tup_upd,
         n_tup_del, seq_scan, idx_scan, xid_age)
), changed AS (
  SELECT c.* FROM cur c
  LEFT JOIN towow_history.tables_last l ON l.target = $1 AND l.relid = c.relid::oid
  WHERE l.relid IS NULL
     OR (l.schema_name, l.table_name, l.total_bytes, l.n_live_tup, l.n_dead_tup, l.n_tup_ins, l.n_tup_upd,
         l.n_tup_del, l.seq_scan, l.idx_scan)
        IS DISTINCT FROM
        (c.schema_name, c.table_name, c.total_bytes, c.n_live_tup, c.n_dead_tup, c.n_tup_ins, c.n_tup_upd,
         c.n_tup_del, c.seq_scan, c.idx_scan)
), ins AS (
  INSERT INTO towow_history.tables (target, taken_at, relid, schema_name, table_name, total_bytes, n_live_tup,
                                     n_dead_tup, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan, xid_age)
  SELECT $1, $2, relid::oid, schema_name, table_name, total_bytes, n_live_tup, n_dead_tup, n_tup_ins, n_tup_upd,
         n_tup_del, seq_scan, idx_scan, xid_age FROM changed
  RETURNING 1
), up AS (
  INSERT INTO towow_history.tables_last (target, relid, schema_name, table_name, total_bytes, n_live_tup,
                                          n_dead_tup, n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan)
  SELECT $1, relid::oid, schema_name, table_name, total_bytes, n_live_tup, n_dead_tup, n_tup_ins, n_tup_upd,
         n_tup_del, seq_scan, idx_scan FROM changed
  ON CONFLICT (target, relid) DO UPDATE SET schema_name = excluded.schema_name, table_name = excluded.table_name,
    total_bytes = excluded.total_bytes, n_live_tup = excluded.n_live_tup, n_dead_tup = excluded.n_dead_tup,
    n_tup_ins = excluded.n_tup_ins, n_tup_upd = excluded.n_tup_upd, n_tup_del = excluded.n_tup_del,
    seq_scan = excluded.seq_scan, idx_scan = excluded.idx_scan
  RETURNING 1
), gone AS (
  DELETE FROM towow_history.tables_last l
  WHERE l.target = $1 AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.relid::oid = l.relid)
  RETURNING l.relid, l.schema_name, l.table_name
), tomb AS (
  INSERT INTO towow_history.tables (target, taken_at, relid, schema_name, table_name, gone)
  SELECT $1, $2, relid, schema_name, table_name, true FROM gone
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS written, (SELECT count(*) FROM tomb) AS gone, (SELECT count(*) FROM up) AS touched";

/// The standbys and the slots, each kept at every snapshot (a few rows).
const REPLICATION_SQL: &str = "
WITH sb AS (
  INSERT INTO towow_history.standbys (target, taken_at, name, state, lag_bytes, lag_s)
  SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::int8[], $6::float8[])
  RETURNING 1
), sl AS (
  INSERT INTO towow_history.slots (target, taken_at, slot_name, active, retained_bytes)
  SELECT $1, $2, * FROM unnest($7::text[], $8::bool[], $9::int8[])
  RETURNING 1
)
SELECT (SELECT count(*) FROM sb) + (SELECT count(*) FROM sl) AS rows";

/// Write `r` as a snapshot of `target`, in one transaction on `history` (the store must exist:
/// [`ensure`]). `took_ms`: how long reading it took.
pub async fn write(
    history: &mut Client,
    target: &str,
    r: &super::read::Reading,
    took_ms: i32,
) -> Result<Written> {
    let tx = history.transaction().await.pg_context("cannot begin the snapshot's transaction")?;
    let d = &r.db;
    let max_lag_s = r
        .standbys
        .iter()
        .filter_map(|s| s.lag_s)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    let max_lag_bytes = r.standbys.iter().filter_map(|s| s.lag_bytes).max();
    let retained = r.slots.iter().filter_map(|s| s.retained_bytes).max();
    let streaming = r.standbys.iter().filter(|s| s.state.as_deref() == Some("streaming")).count() as i32;
    let h = &r.host;
    let row = tx
        .query_typed_one(
            SNAPSHOT_SQL,
            &[
                (&target, Type::TEXT),
                (&r.taken_at, Type::TIMESTAMPTZ),
                (&took_ms, Type::INT4),
                (&d.database, Type::TEXT),
                (&d.server_version, Type::INT4),
                (&d.standby, Type::BOOL),
                (&d.postmaster_start, Type::TIMESTAMPTZ),
                (&d.stats_reset, Type::TIMESTAMPTZ),
                (&r.statements_reset, Type::TIMESTAMPTZ),
                (&d.size_bytes, Type::INT8),
                (&d.numbackends, Type::INT4),
                (&d.max_connections, Type::INT4),
                (&d.xact_commit, Type::INT8),
                (&d.xact_rollback, Type::INT8),
                (&d.blks_read, Type::INT8),
                (&d.blks_hit, Type::INT8),
                (&d.tup_returned, Type::INT8),
                (&d.tup_fetched, Type::INT8),
                (&d.tup_inserted, Type::INT8),
                (&d.tup_updated, Type::INT8),
                (&d.tup_deleted, Type::INT8),
                (&d.deadlocks, Type::INT8),
                (&d.conflicts, Type::INT8),
                (&d.temp_files, Type::INT8),
                (&d.temp_bytes, Type::INT8),
                (&d.xid_age, Type::INT8),
                (&d.mxid_age, Type::INT8),
                (&d.xmin_horizon_age, Type::INT8),
                (&r.archiver.archived_count, Type::INT8),
                (&r.archiver.failed_count, Type::INT8),
                (&r.archiver.last_failed_time, Type::TIMESTAMPTZ),
                (&streaming, Type::INT4),
                (&max_lag_s, Type::FLOAT8),
                (&max_lag_bytes, Type::INT8),
                (&retained, Type::INT8),
                (&r.statements.is_some(), Type::BOOL),
                (&h.disk_total_bytes, Type::INT8),
                (&h.disk_used_bytes, Type::INT8),
                (&h.disk_avail_bytes, Type::INT8),
                (&h.cpu_busy_ticks, Type::INT8),
                (&h.cpu_total_ticks, Type::INT8),
                (&h.not_measured, Type::TEXT),
            ],
        )
        .await
        .pg_context("cannot record the snapshot")?;
    let snapshot_id: i64 = row.try_get("id")?;
    let (mut statements, mut statements_gone) = (0, 0);
    if let Some(s) = &r.statements {
        let col = |f: fn(&super::read::StatementReading) -> i64| s.iter().map(f).collect::<Vec<i64>>();
        let colf = |f: fn(&super::read::StatementReading) -> f64| s.iter().map(f).collect::<Vec<f64>>();
        let texts: Vec<&str> = s.iter().map(|x| x.query.as_str()).collect();
        let row = tx
            .query_typed_one(
                STATEMENTS_SQL,
                &[
                    (&target, Type::TEXT),
                    (&r.taken_at, Type::TIMESTAMPTZ),
                    (&col(|x| x.queryid), Type::INT8_ARRAY),
                    (&col(|x| x.userid), Type::INT8_ARRAY),
                    (&col(|x| x.calls), Type::INT8_ARRAY),
                    (&colf(|x| x.total_ms), Type::FLOAT8_ARRAY),
                    (&col(|x| x.rows), Type::INT8_ARRAY),
                    (&col(|x| x.shared_blks_hit), Type::INT8_ARRAY),
                    (&col(|x| x.shared_blks_read), Type::INT8_ARRAY),
                    (&colf(|x| x.io_ms), Type::FLOAT8_ARRAY),
                    (&texts, Type::TEXT_ARRAY),
                ],
            )
            .await
            .pg_context("cannot record the statements")?;
        statements = row.try_get("written")?;
        statements_gone = row.try_get("gone")?;
    }
    let t = &r.tables;
    let col = |f: fn(&super::read::TableReading) -> i64| t.iter().map(f).collect::<Vec<i64>>();
    let colo =
        |f: fn(&super::read::TableReading) -> Option<i64>| t.iter().map(f).collect::<Vec<Option<i64>>>();
    let schemas: Vec<&str> = t.iter().map(|x| x.schema.as_str()).collect();
    let names: Vec<&str> = t.iter().map(|x| x.name.as_str()).collect();
    let row = tx
        .query_typed_one(
            TABLES_SQL,
            &[
                (&target, Type::TEXT),
                (&r.taken_at, Type::TIMESTAMPTZ),
                (&col(|x| x.relid), Type::INT8_ARRAY),
                (&schemas, Type::TEXT_ARRAY),
                (&names, Type::TEXT_ARRAY),
                (&colo(|x| x.total_bytes), Type::INT8_ARRAY),
                (&col(|x| x.n_live_tup), Type::INT8_ARRAY),
                (&col(|x| x.n_dead_tup), Type::INT8_ARRAY),
                (&col(|x| x.n_tup_ins), Type::INT8_ARRAY),
                (&col(|x| x.n_tup_upd), Type::INT8_ARRAY),
                (&col(|x| x.n_tup_del), Type::INT8_ARRAY),
                (&col(|x| x.seq_scan), Type::INT8_ARRAY),
                (&col(|x| x.idx_scan), Type::INT8_ARRAY),
                (&colo(|x| x.xid_age), Type::INT8_ARRAY),
            ],
        )
        .await
        .pg_context("cannot record the tables")?;
    let (tables, tables_gone): (i64, i64) = (row.try_get("written")?, row.try_get("gone")?);
    let names: Vec<&str> = r.standbys.iter().map(|s| s.name.as_str()).collect();
    let states: Vec<Option<&str>> = r.standbys.iter().map(|s| s.state.as_deref()).collect();
    let lag_bytes: Vec<Option<i64>> = r.standbys.iter().map(|s| s.lag_bytes).collect();
    let lag_s: Vec<Option<f64>> = r.standbys.iter().map(|s| s.lag_s).collect();
    let slot_names: Vec<&str> = r.slots.iter().map(|s| s.slot_name.as_str()).collect();
    let active: Vec<bool> = r.slots.iter().map(|s| s.active).collect();
    let retained: Vec<Option<i64>> = r.slots.iter().map(|s| s.retained_bytes).collect();
    tx.query_typed(
        REPLICATION_SQL,
        &[
            (&target, Type::TEXT),
            (&r.taken_at, Type::TIMESTAMPTZ),
            (&names, Type::TEXT_ARRAY),
            (&states, Type::TEXT_ARRAY),
            (&lag_bytes, Type::INT8_ARRAY),
            (&lag_s, Type::FLOAT8_ARRAY),
            (&slot_names, Type::TEXT_ARRAY),
            (&active, Type::BOOL_ARRAY),
            (&retained, Type::INT8_ARRAY),
        ],
    )
    .await
    .pg_context("cannot record the standbys and slots")?;
    tx.commit().await.pg_context("cannot commit the snapshot")?;
    Ok(Written {
        snapshot_id,
        target: target.to_string(),
        taken_at: r.taken_at,
        statements,
        statements_gone,
        tables,
        tables_gone,
        standbys: r.standbys.len(),
        slots: r.slots.len(),
    })
}

/// What pruning removed.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Pruned {
    pub snapshots: i64,
    pub rows: i64,
}

/// Remove `target`'s history older than `keep` (the figures each statement and table had at the
/// cut-off are kept, so that a window reaching back to it still has its start).
pub async fn prune(history: &mut Client, target: &str, keep: std::time::Duration) -> Result<Pruned> {
    let secs = keep.as_secs_f64();
    let row = history
        .query_typed_one(
            "WITH cut AS (SELECT now() - make_interval(secs => $2) AS at),
             snaps AS (DELETE FROM towow_history.snapshots s USING cut WHERE s.target = $1 AND s.taken_at < cut.at RETURNING 1),
             st AS (DELETE FROM towow_history.statements s USING cut WHERE s.target = $1 AND s.taken_at < cut.at
                      AND (s.gone OR EXISTS (SELECT 1 FROM towow_history.statements n WHERE n.target = s.target
                             AND n.queryid = s.queryid AND n.userid = s.userid AND n.taken_at > s.taken_at AND n.taken_at <= cut.at))
                    RETURNING 1),
             tb AS (DELETE FROM towow_history.tables s USING cut WHERE s.target = $1 AND s.taken_at < cut.at
                      AND (s.gone OR EXISTS (SELECT 1 FROM towow_history.tables n WHERE n.target = s.target
                             AND n.relid = s.relid AND n.taken_at > s.taken_at AND n.taken_at <= cut.at))
                    RETURNING 1),
             sb AS (DELETE FROM towow_history.standbys s USING cut WHERE s.target = $1 AND s.taken_at < cut.at RETURNING 1),
             sl AS (DELETE FROM towow_history.slots s USING cut WHERE s.target = $1 AND s.taken_at < cut.at RETURNING 1)
             SELECT (SELECT count(*) FROM snaps) AS snapshots,
                    (SELECT count(*) FROM st) + (SELECT count(*) FROM tb) + (SELECT count(*) FROM sb) + (SELECT count(*) FROM sl) AS rows",
            &[(&target, Type::TEXT), (&secs, Type::FLOAT8)],
        )
        .await
        .pg_context("cannot prune the history")?;
    Ok(Pruned { snapshots: row.try_get("snapshots")?, rows: row.try_get("rows")? })
}
