//! `vacuum-report`: which tables autovacuum will vacuum or analyze and why, how old their
//! transaction IDs and MultiXacts are, who holds back the xmin horizon, and (`--execute`) vacuum the
//! due tables.
//!
//! The trigger math is in [`autovacuum`], the bloat estimate in [`bloat`], the rendering and
//! checks in `render`.

mod autovacuum;
mod bloat;
mod render;

pub use autovacuum::*;
pub use bloat::*;
pub use render::CHECKS;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::{Filter, ServerInfo, query};
use crate::connect::{ConnectOptions, Db};
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

/// 2^31: the distance at which transaction IDs (and MultiXact IDs) wrap around.
pub const WRAPAROUND: f64 = 2147483648.0;

const SETTINGS: &[&str] = &[
    "autovacuum",
    "track_counts",
    "autovacuum_vacuum_threshold",
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_insert_threshold",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_vacuum_max_threshold",
    "autovacuum_analyze_threshold",
    "autovacuum_analyze_scale_factor",
    "autovacuum_freeze_max_age",
    "autovacuum_multixact_freeze_max_age",
    "vacuum_freeze_table_age",
    "vacuum_multixact_freeze_table_age",
    "vacuum_freeze_min_age",
    "vacuum_multixact_freeze_min_age",
    "vacuum_failsafe_age",
    "vacuum_multixact_failsafe_age",
    "block_size",
];

/// The per-table rows. `{ins}`, `{tins}`, `{frozen}`, `{tfrozen}` and `{size}` are replaced by
/// version dependent column expressions (fixed strings, never user input); filters are bind
/// values. XID columns of relations without storage hold 0, and `age(0)` is INT_MAX: only normal
/// IDs (>= 3 for XIDs, >= 1 for MultiXacts) are aged. The statistics are read with the
/// `pg_stat_get_*` functions `pg_stat_all_tables` is made of, without the view's index-scan
/// aggregate over `pg_index`.
const TABLES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS table, c.relkind::text AS relkind, c.relispartition,
       c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages, {frozen}::int8 AS relallfrozen,
       {size}::int8 AS size_bytes,
       coalesce(pg_stat_get_live_tuples(c.oid), 0)::int8 AS n_live_tup,
       coalesce(pg_stat_get_dead_tuples(c.oid), 0)::int8 AS n_dead_tup,
       coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)::int8 AS n_mod_since_analyze,
       {ins}::int8 AS n_ins_since_vacuum,
       pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum, pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum,
       pg_stat_get_last_analyze_time(c.oid) AS last_analyze, pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
       coalesce(pg_stat_get_vacuum_count(c.oid), 0)::int8 AS vacuum_count,
       coalesce(pg_stat_get_autovacuum_count(c.oid), 0)::int8 AS autovacuum_count,
       coalesce(pg_stat_get_analyze_count(c.oid), 0)::int8 AS analyze_count,
       coalesce(pg_stat_get_autoanalyze_count(c.oid), 0)::int8 AS autoanalyze_count,
       -- Any row counter at all since the statistics were (re)set: inserted, updated, deleted,
       -- read. All zero on a table with pages means its counters start now (a reset, a crash,
       -- a standby), not that it has no dead rows.
       (coalesce(pg_stat_get_tuples_inserted(c.oid), 0) + coalesce(pg_stat_get_tuples_updated(c.oid), 0)
        + coalesce(pg_stat_get_tuples_deleted(c.oid), 0) + coalesce(pg_stat_get_numscans(c.oid), 0))::int8 AS counted_since_reset,
       CASE WHEN c.relfrozenxid::text::int8 >= 3 THEN age(c.relfrozenxid) END::int8 AS xid_age,
       CASE WHEN c.relminmxid::text::int8 >= 1 THEN mxid_age(c.relminmxid) END::int8 AS mxid_age,
       (SELECT json_object_agg(o.option_name, o.option_value) FROM pg_options_to_table(c.reloptions) o) AS reloptions,
       t.oid IS NOT NULL AS has_toast,
       t.reltuples::float8 AS toast_reltuples, t.relpages::int8 AS toast_relpages, {tfrozen}::int8 AS toast_relallfrozen,
       pg_stat_get_dead_tuples(t.oid)::int8 AS toast_n_dead_tup, {tins}::int8 AS toast_n_ins_since_vacuum,
       CASE WHEN t.relfrozenxid::text::int8 >= 3 THEN age(t.relfrozenxid) END::int8 AS toast_xid_age,
       CASE WHEN t.relminmxid::text::int8 >= 1 THEN mxid_age(t.relminmxid) END::int8 AS toast_mxid_age,
       (SELECT json_object_agg(o.option_name, o.option_value) FROM pg_options_to_table(t.reloptions) o) AS toast_reloptions,
       p.phase::text AS vacuum_phase
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_stat_progress_vacuum p
       ON p.relid = c.oid AND p.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
WHERE c.relkind IN ('r', 'm', 'p')
  AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1))
  AND ($2::text[] IS NULL OR c.relname = ANY($2))
ORDER BY n.nspname, c.relname";

const DATABASES_SQL: &str = "
SELECT datname::text, age(datfrozenxid)::int8 AS xid_age, mxid_age(datminmxid)::int8 AS mxid_age, datallowconn,
       datistemplate, datname = current_database() AS current
FROM pg_database
ORDER BY age(datfrozenxid) DESC, datname";

/// Whether this server is a standby (its counters are its own: it runs no autovacuum), and when
/// this database's statistics were last reset.
const STATE_SQL: &str = "
SELECT pg_is_in_recovery() AS in_recovery,
       (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS stats_reset";

/// Who holds back the xmin horizon: sessions (also autovacuum workers), standbys with
/// hot_standby_feedback (once each: their WAL sender's session is not listed again), replication
/// slots, prepared transactions; and what each holds back: every table, or (a logical slot's
/// `catalog_xmin`) the system catalogs only. Plus the number of sessions whose details this role
/// may not see.
const XMIN_HOLDERS_SQL: &str = "
WITH hidden AS (
  SELECT count(*)::int8 AS n FROM pg_stat_activity a WHERE {hidden} AND a.pid <> pg_backend_pid()
), h AS (
  SELECT 'session'::text AS kind, a.pid::text AS id, a.usename::text AS owner, a.datname::text AS database,
         coalesce(a.state, a.backend_type)::text AS state, coalesce(a.xact_start, a.backend_start) AS since,
         greatest(age(a.backend_xmin), age(a.backend_xid))::int8 AS xmin_age, left(a.query, 200) AS detail,
         'all_tables'::text AS holds_back
  FROM pg_stat_activity a
  WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL) AND a.pid <> pg_backend_pid()
    AND a.backend_type IS DISTINCT FROM 'walsender'
  UNION ALL
  SELECT 'standby', r.application_name::text, r.usename::text, NULL, r.state::text, r.backend_start,
         age(r.backend_xmin)::int8, r.client_addr::text, 'all_tables'
  FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL
  UNION ALL
  SELECT 'replication_slot', s.slot_name::text, s.plugin::text, s.database::text,
         CASE WHEN s.active THEN 'active' ELSE 'inactive' END, NULL,
         coalesce(age(s.xmin), age(s.catalog_xmin))::int8, s.slot_type::text,
         CASE WHEN s.xmin IS NOT NULL THEN 'all_tables' ELSE 'catalogs_only' END
  FROM pg_replication_slots s WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
  UNION ALL
  SELECT 'prepared_transaction', x.gid, x.owner::text, x.database::text, 'prepared', x.prepared,
         age(x.transaction)::int8, NULL, 'all_tables'
  FROM pg_prepared_xacts x
)
SELECT hidden.n AS hidden, h.kind, h.id, h.owner, h.database, h.state, h.since, h.xmin_age, h.detail, h.holds_back
FROM hidden LEFT JOIN h ON true
ORDER BY h.xmin_age DESC NULLS LAST";

/// One row of the report: a user table, materialized view or partitioned parent.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub schema: String,
    pub table: String,
    /// `table`, `materialized_view` or `partitioned`.
    pub kind: &'static str,
    pub is_partition: bool,
    /// Heap + TOAST, without indexes: `(relpages + TOAST relpages) × block_size` (as of the last
    /// VACUUM/ANALYZE), or with `--exact` the files' size now (`pg_table_size`, maps included).
    pub size_bytes: i64,
    /// `pg_class.reltuples`: -1 when never vacuumed or analyzed (14+).
    pub reltuples: f64,
    pub never_analyzed: bool,
    /// Its row counters do not describe it: on a standby (they are its own, autovacuum runs on
    /// the primary), or when they started after its rows were written (a statistics reset, a
    /// crash: no VACUUM or ANALYZE since, and they count fewer rows than it has, `reltuples`).
    /// Its live and dead rows are then unknown (null); after a reset autovacuum, which reads the
    /// same counters, sees no dead rows either.
    pub counters_unknown: bool,
    /// Null when the counters are unknown (`counters_unknown`).
    pub n_live_tup: Option<i64>,
    /// Null when the counters are unknown (`counters_unknown`).
    pub n_dead_tup: Option<i64>,
    /// n_dead_tup / (n_live_tup + n_dead_tup), in percent; null when both are 0 or unknown.
    pub dead_pct: Option<f64>,
    pub n_mod_since_analyze: i64,
    pub n_ins_since_vacuum: Option<i64>,
    /// Global `autovacuum` (and `track_counts`) and the table's `autovacuum_enabled`.
    pub autovacuum_enabled: bool,
    /// The table's reloptions as set (`pg_options_to_table`), `toast.` prefixed for its TOAST table.
    pub reloptions: serde_json::Map<String, serde_json::Value>,
    pub vacuum_threshold: f64,
    pub insert_threshold: Option<f64>,
    pub analyze_threshold: Option<f64>,
    pub vacuum_due: bool,
    /// Autovacuum will vacuum it: due for a reason autovacuum acts on here, that is an
    /// anti-wraparound vacuum (run whatever `autovacuum` and `autovacuum_enabled` say), or dead
    /// tuples / inserts of a relation (the table, or its TOAST table) with autovacuum enabled.
    pub autovacuum_will_vacuum: bool,
    /// Due for an anti-wraparound vacuum (`wraparound` or `toast_wraparound`): never skipped
    /// for a lock; run by autovacuum when it is active, else only in a database past the
    /// server-wide freeze max ages.
    pub anti_wraparound: bool,
    /// For an anti-wraparound vacuum: whether it will be aggressive (visit every page not
    /// all-frozen, and advance relfrozenxid): its age is at least min(`autovacuum_freeze_table_age`
    /// or `vacuum_freeze_table_age`, 95% of the server-wide `autovacuum_freeze_max_age`), or the
    /// same for MultiXacts. Null when not due for one.
    pub wraparound_vacuum_aggressive: Option<bool>,
    /// For an anti-wraparound vacuum: whether it can leave the table due again at once (its
    /// vacuums freeze only rows older than `freeze_min_age`, which is not below its own
    /// `autovacuum_freeze_max_age`: rows aged in between stay unfrozen): one every autovacuum
    /// round while it has such rows. Null when not due for one.
    pub wraparound_can_repeat: Option<bool>,
    /// Why: `dead_tuples`, `inserts`, `wraparound`, `toast_dead_tuples`, `toast_inserts`, `toast_wraparound`.
    pub vacuum_due_reasons: Vec<&'static str>,
    pub analyze_due: bool,
    /// Autovacuum will analyze it: due for analyze, autovacuum active, and autovacuum on for
    /// it or it being due for wraparound (the forced worker analyzes it too).
    pub autovacuum_will_analyze: bool,
    /// n_dead_tup - vacuum_threshold (positive: over by that many).
    pub dead_over_threshold: f64,
    pub inserts_over_threshold: Option<f64>,
    pub mods_over_threshold: Option<f64>,
    pub last_vacuum: Option<DateTime<Utc>>,
    pub last_autovacuum: Option<DateTime<Utc>>,
    pub last_analyze: Option<DateTime<Utc>>,
    pub last_autoanalyze: Option<DateTime<Utc>>,
    pub vacuum_count: i64,
    pub autovacuum_count: i64,
    pub analyze_count: i64,
    pub autoanalyze_count: i64,
    /// The phase of a VACUUM running on it now (`pg_stat_progress_vacuum`).
    pub vacuum_phase: Option<String>,
    pub toast_n_dead_tup: Option<i64>,
    /// The larger of the table's and its TOAST table's `age(relfrozenxid)`.
    pub xid_age: Option<i64>,
    pub freeze_max_age: f64,
    pub xid_age_pct_of_freeze_max: Option<f64>,
    pub xid_pct_to_wraparound: Option<f64>,
    /// Past `vacuum_failsafe_age` (14+; null on 13).
    pub xid_past_failsafe: Option<bool>,
    pub mxid_age: Option<i64>,
    pub multixact_freeze_max_age: f64,
    pub mxid_age_pct_of_freeze_max: Option<f64>,
    pub mxid_pct_to_wraparound: Option<f64>,
    pub mxid_past_failsafe: Option<bool>,
    /// Only with `--bloat`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bloat: Option<Bloat>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DatabaseAge {
    pub database: String,
    pub xid_age: i64,
    pub xid_age_pct_of_freeze_max: f64,
    pub xid_pct_to_wraparound: f64,
    pub mxid_age: i64,
    pub mxid_pct_to_wraparound: f64,
    pub allow_connections: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct XminHolder {
    /// `session`, `standby`, `replication_slot` or `prepared_transaction`.
    pub kind: String,
    pub id: String,
    pub owner: Option<String>,
    pub database: Option<String>,
    pub state: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub xmin_age: Option<i64>,
    pub detail: Option<String>,
    /// `all_tables`, or `catalogs_only` for a logical slot's `catalog_xmin` (VACUUM still
    /// removes user tables' dead rows; only the system catalogs' are kept).
    pub holds_back: String,
}

impl XminHolder {
    /// A row of [`XMIN_HOLDERS_SQL`] (none for the row that only counts hidden sessions).
    fn from_row(r: &tokio_postgres::Row) -> Option<XminHolder> {
        Some(XminHolder {
            kind: r.get::<_, Option<String>>("kind")?,
            id: r.get::<_, Option<String>>("id").unwrap_or_default(),
            owner: r.get("owner"),
            database: r.get("database"),
            state: r.get("state"),
            since: r.get("since"),
            xmin_age: r.get("xmin_age"),
            detail: r.get("detail"),
            holds_back: r.get::<_, Option<String>>("holds_back").unwrap_or_default(),
        })
    }

    /// In a few words: `standby "pair" (hot_standby_feedback, xmin age 1234)`.
    pub fn describe(&self) -> String {
        let age = self.xmin_age.map(|a| format!("xmin age {a}")).unwrap_or_default();
        match self.kind.as_str() {
            "standby" => format!("standby \"{}\" (hot_standby_feedback, {age})", self.id),
            "replication_slot" => format!("replication slot \"{}\" ({age})", self.id),
            "prepared_transaction" => format!("prepared transaction \"{}\" ({age})", self.id),
            _ => format!(
                "session {} ({}{age})",
                self.id,
                self.owner.as_deref().map(|o| format!("{o}, ")).unwrap_or_default()
            ),
        }
    }
}

/// The next transaction ID (64-bit, with its epoch): read before some work, it tells which xmin
/// holders are older than everything that work deletes ([`holders_older_than`]).
const NEXT_XID_SQL: &str = "SELECT txid_snapshot_xmax(txid_current_snapshot())::int8 AS next_xid";

/// The holders of the xmin horizon of every table whose xmin is older than `$1` (a
/// [`NEXT_XID_SQL`] reading): their age is at least the XIDs assigned since.
const HOLDERS_OLDER_SQL: &str = "
SELECT x.* FROM ({holders}) x
WHERE x.kind IS NOT NULL AND x.holds_back = 'all_tables'
  AND x.xmin_age >= txid_snapshot_xmax(txid_current_snapshot())::int8 - $1";

/// The next transaction ID now (see [`NEXT_XID_SQL`]).
pub async fn next_xid(client: &Client) -> Result<i64> {
    Ok(query(client, "the next transaction ID", NEXT_XID_SQL, &[]).await?[0].get("next_xid"))
}

/// Who holds the xmin horizon of every table back to before `next_xid` (a [`next_xid`] reading):
/// VACUUM can remove no row deleted since, until they move on.
pub async fn holders_older_than(client: &Client, next_xid: i64) -> Result<Vec<XminHolder>> {
    let sql = HOLDERS_OLDER_SQL
        .replace("{holders}", &XMIN_HOLDERS_SQL.replace("{hidden}", super::HIDDEN_SESSION_SQL));
    let rows = query(client, "who holds back the xmin horizon", &sql, &[(&next_xid, Type::INT8)]).await?;
    Ok(rows.iter().filter_map(XminHolder::from_row).collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct XminHorizon {
    pub holders: Vec<XminHolder>,
    /// Sessions of other roles whose xmin this role may not see (needs `pg_read_all_stats`).
    pub hidden_sessions: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Executed {
    pub schema: String,
    pub table: String,
    pub command: String,
    pub ok: bool,
    pub millis: u64,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VacuumReport {
    pub server_version_num: i32,
    pub database: String,
    /// `size_bytes` read from the files (`--exact`), else estimated from `relpages`.
    pub exact_sizes: bool,
    /// A standby: its counters are its own and autovacuum runs on the primary; the checks that
    /// depend on the counters are UNKNOWN here.
    pub in_recovery: bool,
    /// When this database's statistics were last reset (`pg_stat_database.stats_reset`).
    pub stats_reset: Option<DateTime<Utc>>,
    pub settings: AvSettings,
    pub tables: Vec<TableRow>,
    pub databases: Vec<DatabaseAge>,
    pub xmin_horizon: XminHorizon,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed: Option<Vec<Executed>>,
}

/// What to report.
#[derive(Debug, Clone, Default)]
pub struct VacuumOptions {
    pub filter: Filter,
    pub min_dead_tuples: Option<i64>,
    pub due_only: bool,
    pub bloat: bool,
    /// Read every table's size from its files (`pg_table_size`) instead of `relpages`.
    pub exact: bool,
}

/// A table's row counters against what it holds (see [`counters_reset`]).
#[derive(Debug, Clone, Copy)]
pub struct CounterState {
    pub reltuples: f64,
    pub n_live_tup: i64,
    pub n_dead_tup: i64,
    pub vacuums_and_analyzes: i64,
}

/// Whether a table's counters started after its rows were written: no VACUUM or ANALYZE since
/// they (re)started, and they count fewer rows, live and dead, than the table has by the
/// catalog (`reltuples`, from before), by more than [`STALE_FRACTION`]. Every row written since
/// is counted (inserted as live; deleted or updated as dead), so only rows from before the
/// counters started can be missing: a `pg_stat_reset()`, a crash (the statistics are then
/// discarded), a standby.
pub fn counters_reset(c: &CounterState) -> bool {
    c.reltuples > 0.0
        && c.vacuums_and_analyzes == 0
        && ((c.n_live_tup + c.n_dead_tup).max(0) as f64) < (1.0 - STALE_FRACTION) * c.reltuples
}

fn pct(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| 100.0 * a / b)
}

/// The size of a table (heap and TOAST): exact (`pg_table_size` stats every file and opens every
/// relation, a relation cache entry each in a fresh backend) or from `relpages` (the pages
/// counted by the last VACUUM, ANALYZE or CREATE INDEX: what autovacuum works from).
const SIZE_EXACT: &str = "coalesce(pg_table_size(c.oid), 0)";
/// A partitioned parent has no storage: its `relpages` is -1 (14+), not a size.
const SIZE_ESTIMATE: &str =
    "((greatest(c.relpages, 0)::int8 + coalesce(t.relpages, 0)) * current_setting('block_size')::int8)";

fn tables_sql(version: i32, exact: bool) -> String {
    let (ins, tins) = if version >= 130000 {
        ("pg_stat_get_ins_since_vacuum(c.oid)", "pg_stat_get_ins_since_vacuum(t.oid)")
    } else {
        ("NULL", "NULL")
    };
    let (frozen, tfrozen) =
        if version >= 180000 { ("c.relallfrozen", "t.relallfrozen") } else { ("NULL", "NULL") };
    TABLES_SQL
        .replace("{size}", if exact { SIZE_EXACT } else { SIZE_ESTIMATE })
        .replace("{ins}", ins)
        .replace("{tins}", tins)
        .replace("{frozen}", frozen)
        .replace("{tfrozen}", tfrozen)
}

/// Read the report: settings, tables, databases, xmin horizon (and bloat inputs with `--bloat`).
pub async fn report(db: &Db, opts: &VacuumOptions) -> Result<VacuumReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, opts)).await
}

async fn read(client: &Client, opts: &VacuumOptions) -> Result<VacuumReport> {
    let info = ServerInfo::read(client, SETTINGS).await?;
    let g = AvSettings::from_server(&info);
    let schemas = opts.filter.schemas_param();
    let tables = opts.filter.tables_param();
    let params: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    // The sections do not depend on each other: pipelined, one round trip.
    let (tables_sql, xmin_sql) = (
        tables_sql(info.version_num, opts.exact),
        XMIN_HOLDERS_SQL.replace("{hidden}", super::HIDDEN_SESSION_SQL),
    );
    let (rows, bloat_rows, database_rows, hrows, state) = futures_util::try_join!(
        query(client, "the tables' vacuum statistics", &tables_sql, &params),
        async {
            match opts.bloat {
                true => {
                    query(client, "the column statistics for the bloat estimate", BLOAT_SQL, &params).await
                }
                false => Ok(Vec::new()),
            }
        },
        query(client, "the databases' transaction ID ages", DATABASES_SQL, &[]),
        query(client, "who holds back the xmin horizon", &xmin_sql, &[]),
        query(client, "the server's state", STATE_SQL, &[]),
    )?;
    let bloat_inputs: HashMap<(String, String), BloatInputs> =
        bloat_rows.iter().map(|r| ((r.get("schema"), r.get("name")), BloatInputs::from_row(r))).collect();
    let in_recovery: bool = state[0].get("in_recovery");
    let stats_reset: Option<DateTime<Utc>> = state[0].get("stats_reset");
    let databases: Vec<DatabaseAge> = database_rows
        .iter()
        .map(|r| {
            let xid: i64 = r.get("xid_age");
            let mxid: i64 = r.get("mxid_age");
            DatabaseAge {
                database: r.get("datname"),
                xid_age: xid,
                xid_age_pct_of_freeze_max: 100.0 * xid as f64 / g.freeze_max_age,
                xid_pct_to_wraparound: 100.0 * xid as f64 / WRAPAROUND,
                mxid_age: mxid,
                mxid_pct_to_wraparound: 100.0 * mxid as f64 / WRAPAROUND,
                allow_connections: r.get("datallowconn"),
            }
        })
        .collect();
    // This database: past the server-wide limits, autovacuum comes even when it is off; a
    // template database's vacuums freeze everything (freeze ages 0).
    let this_db = database_rows.iter().find(|r| r.get::<_, bool>("current"));
    let database_at_risk = this_db.is_some_and(|r| {
        r.get::<_, i64>("xid_age") as f64 > g.freeze_max_age
            || r.get::<_, i64>("mxid_age") as f64 > g.multixact_freeze_max_age
    });
    let template = this_db.is_some_and(|r| r.get::<_, bool>("datistemplate"));
    let anti_wraparound_runs = g.autovacuum || database_at_risk;

    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let schema: String = r.get("schema");
        let table: String = r.get("table");
        let relkind: String = r.get("relkind");
        let opts_json: Option<serde_json::Value> = r.get("reloptions");
        let toast_json: Option<serde_json::Value> = r.get("toast_reloptions");
        let relopts = RelOpts::from_json(&opts_json);
        let toast_own = RelOpts::from_json(&toast_json);
        // A TOAST table without reloptions of its own uses its main table's (autovacuum.c).
        let toast_opts = if toast_own.is_empty() { relopts.clone() } else { toast_own };
        let n_mod: i64 = r.get("n_mod_since_analyze");
        let heap = RelStats {
            reltuples: r.get("reltuples"),
            relpages: r.get("relpages"),
            relallfrozen: r.get("relallfrozen"),
            n_dead_tup: r.get("n_dead_tup"),
            n_ins_since_vacuum: r.get("n_ins_since_vacuum"),
            n_mod_since_analyze: Some(n_mod),
            xid_age: r.get("xid_age"),
            mxid_age: r.get("mxid_age"),
        };
        let has_toast: bool = r.get("has_toast");
        let toast = has_toast.then(|| RelStats {
            reltuples: r.get::<_, Option<f64>>("toast_reltuples").unwrap_or(0.0),
            relpages: r.get::<_, Option<i64>>("toast_relpages").unwrap_or(0),
            relallfrozen: r.get("toast_relallfrozen"),
            n_dead_tup: r.get::<_, Option<i64>>("toast_n_dead_tup").unwrap_or(0),
            n_ins_since_vacuum: r.get("toast_n_ins_since_vacuum"),
            n_mod_since_analyze: None,
            xid_age: r.get("toast_xid_age"),
            mxid_age: r.get("toast_mxid_age"),
        });
        let partitioned = relkind == "p";
        let ht = trigger(&g, &relopts, &heap, false);
        let tt = toast.as_ref().map(|t| trigger(&g, &toast_opts, t, true));

        let mut reasons = Vec::new();
        if !partitioned {
            if ht.dead_due {
                reasons.push("dead_tuples");
            }
            if ht.insert_due {
                reasons.push("inserts");
            }
            if ht.wraparound_due {
                reasons.push("wraparound");
            }
            if let Some(tt) = &tt {
                if tt.dead_due {
                    reasons.push("toast_dead_tuples");
                }
                if tt.insert_due {
                    reasons.push("toast_inserts");
                }
                if tt.wraparound_due {
                    reasons.push("toast_wraparound");
                }
            }
        }
        // Anti-wraparound vacuums ignore `autovacuum_enabled`, and run with autovacuum off only in
        // a database past the server-wide limits (relation_needs_vacanalyze: `force_vacuum`;
        // the launcher's emergency mode); the other reasons need autovacuum on for the relation
        // that is due (a TOAST table's own switch, else its table's).
        let toast_enabled = tt.as_ref().is_some_and(|t| t.enabled);
        let will_vacuum = reasons.iter().any(|r| match *r {
            "wraparound" | "toast_wraparound" => anti_wraparound_runs,
            "dead_tuples" | "inserts" => ht.enabled,
            _ => toast_enabled,
        });
        let anti_wraparound = reasons.iter().any(|r| r.ends_with("wraparound"));
        // Aggressive only when every forced relation's vacuum is (template databases: always).
        let forced = [ht.wraparound_due.then_some(&ht), tt.as_ref().filter(|t| t.wraparound_due)];
        let aggressive = anti_wraparound.then(|| template || forced.iter().flatten().all(|t| t.aggressive));
        // A template database's vacuums freeze everything (freeze_min_age 0).
        let can_repeat =
            anti_wraparound.then(|| !template && forced.iter().flatten().any(|t| t.wraparound_can_repeat));
        // The worker analyzes too when autovacuum is active and the table is due for it, its own
        // `autovacuum_enabled = off` notwithstanding when it is forced (never a TOAST table).
        let will_analyze = !partitioned
            && ht.analyze_due
            && g.autovacuum
            && (relopts.enabled.unwrap_or(true) || ht.wraparound_due);
        let xid_age = heap.xid_age.max(toast.as_ref().and_then(|t| t.xid_age));
        let mxid_age = heap.mxid_age.max(toast.as_ref().and_then(|t| t.mxid_age));
        let freeze_max_age =
            tt.as_ref().map_or(ht.freeze_max_age, |t| t.freeze_max_age.min(ht.freeze_max_age));
        let mfreeze = tt.as_ref().map_or(ht.multixact_freeze_max_age, |t| {
            t.multixact_freeze_max_age.min(ht.multixact_freeze_max_age)
        });
        let n_live: i64 = r.get("n_live_tup");
        let n_dead = heap.n_dead_tup;
        let (analyzes, vacuums): (i64, i64) = (
            r.get::<_, i64>("analyze_count") + r.get::<_, i64>("autoanalyze_count"),
            r.get::<_, i64>("vacuum_count") + r.get::<_, i64>("autovacuum_count"),
        );
        let never_analyzed = if info.version_num >= 140000 {
            heap.reltuples < 0.0
        } else {
            heap.reltuples == 0.0 && heap.relpages == 0 && analyzes == 0
        };
        let counters_reset = !partitioned
            && !in_recovery
            && counters_reset(&CounterState {
                reltuples: heap.reltuples,
                n_live_tup: n_live,
                n_dead_tup: n_dead,
                vacuums_and_analyzes: vacuums + analyzes,
            });
        // On a standby the counters are its own (it runs no autovacuum): the primary's say what
        // is there.
        let counters_unknown = counters_reset || (in_recovery && !partitioned);
        let mut reloptions = serde_json::Map::new();
        if let Some(m) = opts_json.as_ref().and_then(|v| v.as_object()) {
            reloptions.extend(m.clone());
        }
        if let Some(m) = toast_json.as_ref().and_then(|v| v.as_object()) {
            reloptions.extend(m.iter().map(|(k, v)| (format!("toast.{k}"), v.clone())));
        }
        let mut notes: Vec<String> = Vec::new();
        if partitioned {
            notes.push("partitioned table: no storage of its own, never autovacuumed or autoanalyzed; its partitions are; run ANALYZE on it by hand for planner statistics".into());
        } else if never_analyzed {
            notes.push("never analyzed: reltuples unknown (taken as 0 by autovacuum)".into());
        }
        if counters_reset {
            notes.push(format!(
                "statistics reset: its counters start {} while it has ~{:.0} rows; its dead rows are unknown (autovacuum counts none either until a VACUUM or ANALYZE): run ANALYZE on it",
                stats_reset.map(|t| format!("at {}", t.format("%Y-%m-%d %H:%M:%S UTC"))).unwrap_or_else(|| "afresh".into()),
                heap.reltuples
            ));
        }
        if anti_wraparound && !will_vacuum {
            notes.push(format!(
                "due for an anti-wraparound vacuum, but autovacuum is off: it starts workers only for a database past the server-wide autovacuum_freeze_max_age ({:.0}) or autovacuum_multixact_freeze_max_age ({:.0}), which this one is not: VACUUM (FREEZE) it by hand",
                g.freeze_max_age, g.multixact_freeze_max_age
            ));
        }
        if aggressive == Some(false) {
            notes.push(format!(
                "its anti-wraparound vacuum will not be aggressive (its age is below min(autovacuum_freeze_table_age or vacuum_freeze_table_age, 95% of the server-wide autovacuum_freeze_max_age) = {:.0}): it may skip all-visible pages, and the log says \"automatic vacuum to prevent wraparound\"",
                relopts.freeze_table_age.filter(|v| *v >= 0.0).unwrap_or(g.freeze_table_age).min(0.95 * g.freeze_max_age)
            ));
        }
        if can_repeat == Some(true) {
            notes.push(format!(
                "its vacuums freeze only rows older than {:.0} XIDs (autovacuum_freeze_min_age or vacuum_freeze_min_age, at most half the server-wide autovacuum_freeze_max_age), which is not below its own autovacuum_freeze_max_age {:.0}: {}; set autovacuum_freeze_min_age on it below its limit, or VACUUM (FREEZE) it",
                ht.freeze_min_age,
                freeze_max_age,
                if info.version_num >= 150000 {
                    "rows aged in between stay unfrozen and keep it due, and an anti-wraparound vacuum comes back every round while it has any"
                } else {
                    "a vacuum sets relfrozenxid to that cutoff (before PostgreSQL 15), past its limit: an anti-wraparound vacuum comes back every round"
                }
            ));
        }
        let note = (!notes.is_empty()).then(|| notes.join("; "));
        let bloat = opts.bloat.then(|| {
            if partitioned {
                return Bloat::unavailable("partitioned: no storage");
            }
            match bloat_inputs.get(&(schema.clone(), table.clone())) {
                None => Bloat::unavailable("no columns"),
                Some(inputs) => bloat(
                    g.block_size,
                    inputs,
                    &HeapCounts {
                        reltuples: heap.reltuples,
                        never_analyzed,
                        n_live_tup: n_live,
                        n_mod_since_analyze: n_mod,
                        fillfactor: relopts.fillfactor.unwrap_or(100.0),
                    },
                ),
            }
        });
        let known = |v: i64| (!counters_unknown).then_some(v);
        let row = TableRow {
            kind: match relkind.as_str() {
                "p" => "partitioned",
                "m" => "materialized_view",
                _ => "table",
            },
            is_partition: r.get("relispartition"),
            size_bytes: r.get("size_bytes"),
            reltuples: heap.reltuples,
            never_analyzed,
            counters_unknown,
            n_live_tup: known(n_live),
            n_dead_tup: known(n_dead),
            dead_pct: if counters_unknown { None } else { pct(n_dead as f64, (n_live + n_dead) as f64) },
            n_mod_since_analyze: n_mod,
            n_ins_since_vacuum: heap.n_ins_since_vacuum,
            autovacuum_enabled: ht.enabled && !partitioned,
            reloptions,
            vacuum_threshold: ht.vacuum_threshold,
            insert_threshold: ht.insert_threshold,
            analyze_threshold: ht.analyze_threshold,
            vacuum_due: !reasons.is_empty(),
            autovacuum_will_vacuum: will_vacuum,
            anti_wraparound,
            wraparound_vacuum_aggressive: aggressive,
            wraparound_can_repeat: can_repeat,
            vacuum_due_reasons: reasons,
            analyze_due: ht.analyze_due && !partitioned,
            autovacuum_will_analyze: will_analyze,
            dead_over_threshold: n_dead as f64 - ht.vacuum_threshold,
            inserts_over_threshold: match (heap.n_ins_since_vacuum, ht.insert_threshold) {
                (Some(n), Some(t)) => Some(n as f64 - t),
                _ => None,
            },
            mods_over_threshold: ht.analyze_threshold.map(|t| n_mod as f64 - t),
            last_vacuum: r.get("last_vacuum"),
            last_autovacuum: r.get("last_autovacuum"),
            last_analyze: r.get("last_analyze"),
            last_autoanalyze: r.get("last_autoanalyze"),
            vacuum_count: r.get("vacuum_count"),
            autovacuum_count: r.get("autovacuum_count"),
            analyze_count: r.get("analyze_count"),
            autoanalyze_count: r.get("autoanalyze_count"),
            vacuum_phase: r.get("vacuum_phase"),
            toast_n_dead_tup: toast.as_ref().map(|t| t.n_dead_tup),
            xid_age,
            freeze_max_age,
            xid_age_pct_of_freeze_max: xid_age.and_then(|a| pct(a as f64, freeze_max_age)),
            xid_pct_to_wraparound: xid_age.and_then(|a| pct(a as f64, WRAPAROUND)),
            xid_past_failsafe: g.failsafe_age.and_then(|f| xid_age.map(|a| a as f64 > f)),
            mxid_age,
            multixact_freeze_max_age: mfreeze,
            mxid_age_pct_of_freeze_max: mxid_age.and_then(|a| pct(a as f64, mfreeze)),
            mxid_pct_to_wraparound: mxid_age.and_then(|a| pct(a as f64, WRAPAROUND)),
            mxid_past_failsafe: g.multixact_failsafe_age.and_then(|f| mxid_age.map(|a| a as f64 > f)),
            bloat,
            note,
            schema,
            table,
        };
        if opts.min_dead_tuples.is_some_and(|m| row.n_dead_tup.is_some_and(|d| d < m)) {
            continue;
        }
        if opts.due_only && !(row.vacuum_due || row.analyze_due) {
            continue;
        }
        out.push(row);
    }

    let hidden_sessions = hrows.first().map(|r| r.get::<_, i64>("hidden")).unwrap_or(0);
    let holders = hrows.iter().filter_map(XminHolder::from_row).collect();

    Ok(VacuumReport {
        server_version_num: info.version_num,
        database: info.database,
        exact_sizes: opts.exact,
        in_recovery,
        stats_reset,
        settings: g,
        tables: out,
        databases,
        xmin_horizon: XminHorizon { holders, hidden_sessions },
        executed: None,
    })
}

/// The tables `--execute` works on: the due ones (never partitioned parents), with the command
/// for each: `VACUUM (ANALYZE)` when due for vacuum, `ANALYZE` when due only for analyze.
pub fn plan(r: &VacuumReport, full: bool) -> Vec<(String, String, String)> {
    r.tables
        .iter()
        .filter(|t| t.kind != "partitioned" && (t.vacuum_due || t.analyze_due))
        .map(|t| {
            let name = crate::sql::qualified(&t.schema, &t.table);
            let cmd = if t.vacuum_due {
                if full {
                    format!("VACUUM (FULL, ANALYZE) {name}")
                } else {
                    format!("VACUUM (ANALYZE) {name}")
                }
            } else {
                format!("ANALYZE {name}")
            };
            (t.schema.clone(), t.table.clone(), cmd)
        })
        .collect()
}

/// Run the planned commands one by one, each on its own (VACUUM cannot run in a transaction
/// block), on a connection with the given `statement_timeout` (the command's policy). `progress` is told
/// before and after each table. A failure is recorded and the next table is tried.
pub async fn execute(
    db: &Db,
    plan: &[(String, String, String)],
    statement_timeout: Option<Duration>,
    mut progress: impl FnMut(usize, &str, Option<&Executed>),
) -> Result<Vec<Executed>> {
    let opts = ConnectOptions { statement_timeout, pool_size: 1, ..db.opts.clone() };
    let vdb = Db::new(db.cfg.clone(), opts)?;
    let client = vdb.get().await?;
    let _cancel = vdb.cancel_on_interrupt(&client);
    let mut done = Vec::with_capacity(plan.len());
    for (i, (schema, table, cmd)) in plan.iter().enumerate() {
        progress(i, cmd, None);
        let started = Instant::now();
        let res = client.batch_execute(cmd).await;
        let e = Executed {
            schema: schema.clone(),
            table: table.clone(),
            command: cmd.clone(),
            ok: res.is_ok(),
            millis: started.elapsed().as_millis() as u64,
            error: res.err().map(|e| crate::error::pg_message(&e)),
        };
        progress(i, cmd, Some(&e));
        done.push(e);
    }
    Ok(done)
}
