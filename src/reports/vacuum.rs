//! `vacuum-report`: which tables autovacuum will vacuum or analyze and why, how old their
//! transaction IDs and MultiXacts are, who holds back the xmin horizon, and (`--execute`) vacuum the
//! due tables.
//!
//! The trigger math is PostgreSQL's own, `relation_needs_vacanalyze()` in
//! `src/backend/postmaster/autovacuum.c` (13–18), evaluated here in Rust from the raw catalog and
//! statistics values (so it is unit-tested per version):
//!
//! ```text
//! reltuples      = max(pg_class.reltuples, 0)          -- -1 = never vacuumed/analyzed (14+)
//! vacthresh      = vac_base_thresh + vac_scale_factor * reltuples
//!                  capped at autovacuum_vacuum_max_threshold when >= 0            (18+)
//! pcnt_unfrozen  = 1 - min(relallfrozen, relpages) / relpages  if relpages > 0 and relallfrozen > 0 (18+), else 1
//! vacinsthresh   = vac_ins_base_thresh + vac_ins_scale_factor * reltuples * pcnt_unfrozen   (13+)
//! anlthresh      = anl_base_thresh + anl_scale_factor * reltuples
//! dovacuum       = force_vacuum || n_dead_tup > vacthresh
//!                  || (vac_ins_base_thresh >= 0 && n_ins_since_vacuum > vacinsthresh)
//! doanalyze      = n_mod_since_analyze > anlthresh     -- never for TOAST tables
//! force_vacuum   = age(relfrozenxid) > freeze_max_age || mxid_age(relminmxid) > multixact_freeze_max_age
//! freeze_max_age = min(reloption autovacuum_freeze_max_age, GUC)   -- a table may only lower it
//! ```
//!
//! Each `*_base_thresh`/`*_scale_factor` is the table's reloption when set (read with
//! `pg_options_to_table`, never a regex over `reloptions`), else the GUC. A reloption
//! `autovacuum_vacuum_insert_threshold = -1` (and `autovacuum_vacuum_max_threshold = -1`)
//! disables that rule for the table. A TOAST table uses its own `toast.*` reloptions when it has
//! any, else its main table's (autovacuum.c's `table_toast_map`). Partitioned parents have no
//! storage: autovacuum never vacuums or analyzes them.
//!
//! The failsafe (14+) triggers at `max(vacuum_failsafe_age, 1.05 * autovacuum_freeze_max_age)`
//! (`vacuum_xid_failsafe_check()` in `src/backend/commands/vacuum.c`), the same for MultiXacts.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;

use super::{Check, Filter, Report, Section, ServerInfo, Status, Threshold, Thresholds, query};
use crate::connect::pool::{ConnectOptions, Db};

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
    "vacuum_failsafe_age",
    "vacuum_multixact_failsafe_age",
    "block_size",
];

/// The per-table rows. `{ins}`, `{tins}`, `{frozen}`, `{tfrozen}` are replaced by version
/// dependent column expressions (fixed strings, never user input); filters are bind values.
/// XID columns of relations without storage hold 0, and `age(0)` is INT_MAX: only normal IDs
/// (>= 3 for XIDs, >= 1 for MultiXacts) are aged.
const TABLES_SQL: &str = "
SELECT n.nspname::text, c.relname::text, c.relkind::text, c.relispartition,
       c.reltuples::float8, c.relpages::int8, {frozen}::int8,
       coalesce(pg_table_size(c.oid), 0)::int8,
       coalesce(s.n_live_tup, 0)::int8, coalesce(s.n_dead_tup, 0)::int8,
       coalesce(s.n_mod_since_analyze, 0)::int8, {ins}::int8,
       s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
       coalesce(s.vacuum_count, 0)::int8, coalesce(s.autovacuum_count, 0)::int8,
       coalesce(s.analyze_count, 0)::int8, coalesce(s.autoanalyze_count, 0)::int8,
       CASE WHEN c.relfrozenxid::text::int8 >= 3 THEN age(c.relfrozenxid) END::int8,
       CASE WHEN c.relminmxid::text::int8 >= 1 THEN mxid_age(c.relminmxid) END::int8,
       (SELECT json_object_agg(o.option_name, o.option_value) FROM pg_options_to_table(c.reloptions) o),
       t.oid IS NOT NULL,
       t.reltuples::float8, t.relpages::int8, {tfrozen}::int8,
       pg_stat_get_dead_tuples(t.oid)::int8, {tins}::int8,
       CASE WHEN t.relfrozenxid::text::int8 >= 3 THEN age(t.relfrozenxid) END::int8,
       CASE WHEN t.relminmxid::text::int8 >= 1 THEN mxid_age(t.relminmxid) END::int8,
       (SELECT json_object_agg(o.option_name, o.option_value) FROM pg_options_to_table(t.reloptions) o),
       p.phase::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
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
SELECT datname::text, age(datfrozenxid)::int8, mxid_age(datminmxid)::int8, datallowconn
FROM pg_database
ORDER BY age(datfrozenxid) DESC, datname";

/// Who holds back the xmin horizon: sessions (also autovacuum workers and walsenders), standbys
/// with hot_standby_feedback, replication slots, prepared transactions. Plus the number of
/// sessions whose details this role may not see.
const XMIN_HOLDERS_SQL: &str = "
WITH hidden AS (
  SELECT count(*)::int8 AS n FROM pg_stat_activity
  WHERE query = '<insufficient privilege>' AND pid <> pg_backend_pid()
), h AS (
  SELECT 'session'::text AS kind, a.pid::text AS id, a.usename::text AS owner, a.datname::text AS database,
         coalesce(a.state, a.backend_type)::text AS state, coalesce(a.xact_start, a.backend_start) AS since,
         greatest(age(a.backend_xmin), age(a.backend_xid))::int8 AS xmin_age, left(a.query, 200) AS detail
  FROM pg_stat_activity a
  WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL) AND a.pid <> pg_backend_pid()
  UNION ALL
  SELECT 'standby', r.application_name::text, r.usename::text, NULL, r.state::text, r.backend_start,
         age(r.backend_xmin)::int8, r.client_addr::text
  FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL
  UNION ALL
  SELECT 'replication_slot', s.slot_name::text, s.plugin::text, s.database::text,
         CASE WHEN s.active THEN 'active' ELSE 'inactive' END, NULL,
         greatest(age(s.xmin), age(s.catalog_xmin))::int8, s.slot_type::text
  FROM pg_replication_slots s WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
  UNION ALL
  SELECT 'prepared_transaction', x.gid, x.owner::text, x.database::text, 'prepared', x.prepared,
         age(x.transaction)::int8, NULL
  FROM pg_prepared_xacts x
)
SELECT hidden.n, h.kind, h.id, h.owner, h.database, h.state, h.since, h.xmin_age, h.detail
FROM hidden LEFT JOIN h ON true
ORDER BY h.xmin_age DESC NULLS LAST";

/// The statistics-based bloat estimate's inputs, per table: how many columns, how many have
/// statistics this role can read, the average tuple data width and whether any column has NULLs.
const BLOAT_SQL: &str = "
SELECT n.nspname::text, c.relname::text,
       count(*)::int8 AS natts,
       count(s.attname)::int8 AS nstats,
       coalesce(bool_and(coalesce(has_column_privilege(c.oid, a.attnum, 'SELECT'), false)), false) AS readable,
       coalesce(sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)), 0)::float8 AS data_width,
       coalesce(bool_or(s.null_frac > 0), false) AS has_nulls
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                     AND NOT s.inherited
WHERE c.relkind IN ('r', 'm')
  AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1))
  AND ($2::text[] IS NULL OR c.relname = ANY($2))
GROUP BY n.nspname, c.relname";

/// The global settings the trigger math uses (None where the server lacks the setting).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AvSettings {
    pub version_num: i32,
    /// `autovacuum` and `track_counts` both on (`AutoVacuumingActive()`).
    pub autovacuum: bool,
    pub vacuum_threshold: f64,
    pub vacuum_scale_factor: f64,
    /// 13+; -1 disables the insert rule.
    pub vacuum_insert_threshold: Option<f64>,
    pub vacuum_insert_scale_factor: Option<f64>,
    /// 18+; -1 = no cap.
    pub vacuum_max_threshold: Option<f64>,
    pub analyze_threshold: f64,
    pub analyze_scale_factor: f64,
    pub freeze_max_age: f64,
    pub multixact_freeze_max_age: f64,
    /// 14+, already raised to 105% of the freeze max age as VACUUM does.
    pub failsafe_age: Option<f64>,
    pub multixact_failsafe_age: Option<f64>,
    pub block_size: f64,
}

impl AvSettings {
    pub fn from_server(s: &ServerInfo) -> AvSettings {
        let f = |n: &str, d: f64| s.setting_f64(n).unwrap_or(d);
        let freeze = f("autovacuum_freeze_max_age", 200_000_000.0);
        let mfreeze = f("autovacuum_multixact_freeze_max_age", 400_000_000.0);
        AvSettings {
            version_num: s.version_num,
            autovacuum: s.setting_on("autovacuum").unwrap_or(true)
                && s.setting_on("track_counts").unwrap_or(true),
            vacuum_threshold: f("autovacuum_vacuum_threshold", 50.0),
            vacuum_scale_factor: f("autovacuum_vacuum_scale_factor", 0.2),
            vacuum_insert_threshold: s.setting_f64("autovacuum_vacuum_insert_threshold"),
            vacuum_insert_scale_factor: s.setting_f64("autovacuum_vacuum_insert_scale_factor"),
            vacuum_max_threshold: s.setting_f64("autovacuum_vacuum_max_threshold"),
            analyze_threshold: f("autovacuum_analyze_threshold", 50.0),
            analyze_scale_factor: f("autovacuum_analyze_scale_factor", 0.1),
            freeze_max_age: freeze,
            multixact_freeze_max_age: mfreeze,
            failsafe_age: s.setting_f64("vacuum_failsafe_age").map(|v| v.max(freeze * 1.05)),
            multixact_failsafe_age: s
                .setting_f64("vacuum_multixact_failsafe_age")
                .map(|v| v.max(mfreeze * 1.05)),
            block_size: f("block_size", 8192.0),
        }
    }
}

/// A relation's autovacuum reloptions as PostgreSQL parses them (None = not set).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RelOpts {
    pub enabled: Option<bool>,
    pub vacuum_threshold: Option<f64>,
    pub vacuum_scale_factor: Option<f64>,
    pub vacuum_insert_threshold: Option<f64>,
    pub vacuum_insert_scale_factor: Option<f64>,
    pub vacuum_max_threshold: Option<f64>,
    pub analyze_threshold: Option<f64>,
    pub analyze_scale_factor: Option<f64>,
    pub freeze_max_age: Option<f64>,
    pub multixact_freeze_max_age: Option<f64>,
    pub fillfactor: Option<f64>,
}

/// PostgreSQL's `parse_bool`: unique prefixes of true/false/yes/no, on/off, 1/0.
pub fn parse_pg_bool(v: &str) -> Option<bool> {
    let v = v.trim().to_ascii_lowercase();
    if v.is_empty() {
        return None;
    }
    let prefix = |word: &str, min: usize| v.len() >= min && word.starts_with(&v);
    if prefix("true", 1) || prefix("yes", 1) || v == "on" || v == "1" {
        Some(true)
    } else if prefix("false", 1) || prefix("no", 1) || prefix("off", 2) || v == "0" {
        Some(false)
    } else {
        None
    }
}

impl RelOpts {
    /// From `json_object_agg(option_name, option_value)` over `pg_options_to_table(reloptions)`.
    pub fn from_json(v: &Option<serde_json::Value>) -> RelOpts {
        let mut o = RelOpts::default();
        let Some(map) = v.as_ref().and_then(|v| v.as_object()) else { return o };
        for (k, v) in map {
            let s = v.as_str().unwrap_or_default();
            let n = s.trim().parse::<f64>().ok();
            match k.as_str() {
                "autovacuum_enabled" => o.enabled = parse_pg_bool(s),
                "autovacuum_vacuum_threshold" => o.vacuum_threshold = n,
                "autovacuum_vacuum_scale_factor" => o.vacuum_scale_factor = n,
                "autovacuum_vacuum_insert_threshold" => o.vacuum_insert_threshold = n,
                "autovacuum_vacuum_insert_scale_factor" => o.vacuum_insert_scale_factor = n,
                "autovacuum_vacuum_max_threshold" => o.vacuum_max_threshold = n,
                "autovacuum_analyze_threshold" => o.analyze_threshold = n,
                "autovacuum_analyze_scale_factor" => o.analyze_scale_factor = n,
                "autovacuum_freeze_max_age" => o.freeze_max_age = n,
                "autovacuum_multixact_freeze_max_age" => o.multixact_freeze_max_age = n,
                "fillfactor" => o.fillfactor = n,
                _ => {}
            }
        }
        o
    }

    fn is_empty(&self) -> bool {
        *self == RelOpts { fillfactor: self.fillfactor, ..RelOpts::default() }
    }
}

/// The raw per-relation values the trigger math needs.
#[derive(Debug, Clone, Default)]
pub struct RelStats {
    pub reltuples: f64,
    pub relpages: i64,
    pub relallfrozen: Option<i64>,
    pub n_dead_tup: i64,
    pub n_ins_since_vacuum: Option<i64>,
    pub n_mod_since_analyze: Option<i64>,
    pub xid_age: Option<i64>,
    pub mxid_age: Option<i64>,
}

/// The outcome of `relation_needs_vacanalyze()` for one relation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Trigger {
    pub enabled: bool,
    pub vacuum_threshold: f64,
    pub insert_threshold: Option<f64>,
    pub analyze_threshold: Option<f64>,
    pub freeze_max_age: f64,
    pub multixact_freeze_max_age: f64,
    pub dead_due: bool,
    pub insert_due: bool,
    pub analyze_due: bool,
    pub wraparound_due: bool,
}

/// The trigger math for one relation (see the module documentation for the source).
pub fn trigger(g: &AvSettings, o: &RelOpts, r: &RelStats, is_toast: bool) -> Trigger {
    let reltuples = r.reltuples.max(0.0);
    let base = |opt: Option<f64>, guc: f64| opt.filter(|v| *v >= 0.0).unwrap_or(guc);
    let mut vacthresh = base(o.vacuum_threshold, g.vacuum_threshold)
        + base(o.vacuum_scale_factor, g.vacuum_scale_factor) * reltuples;
    // 18+: the cap, where the table's -1 (or the GUC's -1) disables it.
    if let Some(guc_max) = g.vacuum_max_threshold {
        let max = o.vacuum_max_threshold.filter(|v| *v >= -1.0).unwrap_or(guc_max);
        if max >= 0.0 && vacthresh > max {
            vacthresh = max;
        }
    }
    // 13+: the insert rule; 18+ scales it by the unfrozen fraction of the table.
    let insert_threshold = g.vacuum_insert_threshold.and_then(|guc| {
        let ins_base = o.vacuum_insert_threshold.filter(|v| *v >= -1.0).unwrap_or(guc);
        if ins_base < 0.0 {
            return None;
        }
        let mut pcnt_unfrozen = 1.0;
        if let Some(frozen) = r.relallfrozen
            && g.version_num >= 180000
            && r.relpages > 0
            && frozen > 0
        {
            pcnt_unfrozen = 1.0 - frozen.min(r.relpages) as f64 / r.relpages as f64;
        }
        let scale = base(o.vacuum_insert_scale_factor, g.vacuum_insert_scale_factor.unwrap_or(0.2));
        Some(ins_base + scale * reltuples * pcnt_unfrozen)
    });
    let analyze_threshold = (!is_toast).then(|| {
        base(o.analyze_threshold, g.analyze_threshold)
            + base(o.analyze_scale_factor, g.analyze_scale_factor) * reltuples
    });
    let freeze_max_age =
        o.freeze_max_age.filter(|v| *v >= 0.0).map_or(g.freeze_max_age, |v| v.min(g.freeze_max_age));
    let multixact_freeze_max_age = o
        .multixact_freeze_max_age
        .filter(|v| *v >= 0.0)
        .map_or(g.multixact_freeze_max_age, |v| v.min(g.multixact_freeze_max_age));
    let wraparound_due = r.xid_age.is_some_and(|a| a as f64 > freeze_max_age)
        || r.mxid_age.is_some_and(|a| a as f64 > multixact_freeze_max_age);
    Trigger {
        enabled: g.autovacuum && o.enabled.unwrap_or(true),
        vacuum_threshold: vacthresh,
        insert_threshold,
        analyze_threshold,
        freeze_max_age,
        multixact_freeze_max_age,
        dead_due: r.n_dead_tup as f64 > vacthresh,
        insert_due: match (insert_threshold, r.n_ins_since_vacuum) {
            (Some(t), Some(n)) => n as f64 > t,
            _ => false,
        },
        analyze_due: match (analyze_threshold, r.n_mod_since_analyze) {
            (Some(t), Some(n)) => n as f64 > t,
            _ => false,
        },
        wraparound_due,
    }
}

/// One row of the report: a user table, materialized view or partitioned parent.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    pub schema: String,
    pub table: String,
    /// `table`, `materialized_view` or `partitioned`.
    pub kind: &'static str,
    pub is_partition: bool,
    /// Heap + TOAST + free space and visibility maps (`pg_table_size`), without indexes.
    pub size_bytes: i64,
    /// `pg_class.reltuples`: -1 when never vacuumed or analyzed (14+).
    pub reltuples: f64,
    pub never_analyzed: bool,
    pub n_live_tup: i64,
    pub n_dead_tup: i64,
    /// n_dead_tup / (n_live_tup + n_dead_tup), in percent; null when both are 0.
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
    /// Why: `dead_tuples`, `inserts`, `wraparound`, `toast_dead_tuples`, `toast_inserts`, `toast_wraparound`.
    pub vacuum_due_reasons: Vec<&'static str>,
    pub analyze_due: bool,
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

/// The statistics-based heap bloat estimate, or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bloat {
    pub available: bool,
    pub bloat_bytes: Option<i64>,
    pub bloat_pct: Option<f64>,
    pub reason: Option<String>,
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
}

fn pct(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| 100.0 * a / b)
}

fn tables_sql(version: i32) -> String {
    let (ins, tins) = if version >= 130000 {
        ("s.n_ins_since_vacuum", "pg_stat_get_ins_since_vacuum(t.oid)")
    } else {
        ("NULL", "NULL")
    };
    let (frozen, tfrozen) =
        if version >= 180000 { ("c.relallfrozen", "t.relallfrozen") } else { ("NULL", "NULL") };
    TABLES_SQL
        .replace("{ins}", ins)
        .replace("{tins}", tins)
        .replace("{frozen}", frozen)
        .replace("{tfrozen}", tfrozen)
}

/// The statistics-based heap bloat estimate (the approach of the widely used "table bloat"
/// query): expected pages = reltuples / tuples per page, where a tuple takes its line pointer
/// (4 bytes), the MAXALIGNed header (23 bytes + NULL bitmap) and the MAXALIGNed average data width
/// from `pg_stats`, and a page holds `(block_size - 24) * fillfactor` bytes. Bloat = real pages
/// minus expected pages. Heap only (TOAST is not estimated).
pub fn estimate_bloat(
    block_size: f64,
    reltuples: f64,
    relpages: i64,
    fillfactor: f64,
    natts: i64,
    data_width: f64,
    has_nulls: bool,
) -> (i64, f64) {
    let align = |v: f64| (v / 8.0).ceil() * 8.0;
    let bitmap = if has_nulls { (natts as f64 / 8.0).ceil() } else { 0.0 };
    let tuple = 4.0 + align(23.0 + bitmap) + align(data_width);
    let per_page = ((block_size - 24.0) * fillfactor / 100.0 / tuple).floor().max(1.0);
    let expected = (reltuples / per_page).ceil();
    let bloat_pages = (relpages as f64 - expected).max(0.0);
    let pct = if relpages > 0 { 100.0 * bloat_pages / relpages as f64 } else { 0.0 };
    ((bloat_pages * block_size) as i64, pct)
}

/// Per table: columns, columns with readable statistics, all readable, data width, any NULLs.
type BloatInputs = (i64, i64, bool, f64, bool);

/// Read the report: settings, tables, databases, xmin horizon (and bloat inputs with `--bloat`).
pub async fn report(db: &Db, opts: &VacuumOptions) -> Result<VacuumReport> {
    let client = db.get().await?;
    let info = ServerInfo::read(&client, SETTINGS).await?;
    let g = AvSettings::from_server(&info);
    let schemas = opts.filter.schemas_param();
    let tables = opts.filter.tables_param();
    let params: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    let rows =
        query(&client, "the tables' vacuum statistics", &tables_sql(info.version_num), &params).await?;
    let bloat_inputs: HashMap<(String, String), BloatInputs> = if opts.bloat {
        query(&client, "the column statistics for the bloat estimate", BLOAT_SQL, &params)
            .await?
            .iter()
            .map(|r| ((r.get(0), r.get(1)), (r.get(2), r.get(3), r.get(4), r.get(5), r.get(6))))
            .collect()
    } else {
        HashMap::new()
    };

    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let schema: String = r.get(0);
        let table: String = r.get(1);
        let relkind: String = r.get(2);
        let opts_json: Option<serde_json::Value> = r.get(22);
        let toast_json: Option<serde_json::Value> = r.get(31);
        let relopts = RelOpts::from_json(&opts_json);
        let toast_own = RelOpts::from_json(&toast_json);
        // A TOAST table without reloptions of its own uses its main table's (autovacuum.c).
        let toast_opts = if toast_own.is_empty() { relopts.clone() } else { toast_own };
        let heap = RelStats {
            reltuples: r.get(4),
            relpages: r.get(5),
            relallfrozen: r.get(6),
            n_dead_tup: r.get(9),
            n_ins_since_vacuum: r.get(11),
            n_mod_since_analyze: Some(r.get(10)),
            xid_age: r.get(20),
            mxid_age: r.get(21),
        };
        let has_toast: bool = r.get(23);
        let toast = has_toast.then(|| RelStats {
            reltuples: r.get::<_, Option<f64>>(24).unwrap_or(0.0),
            relpages: r.get::<_, Option<i64>>(25).unwrap_or(0),
            relallfrozen: r.get(26),
            n_dead_tup: r.get::<_, Option<i64>>(27).unwrap_or(0),
            n_ins_since_vacuum: r.get(28),
            n_mod_since_analyze: None,
            xid_age: r.get(29),
            mxid_age: r.get(30),
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
        let xid_age = heap.xid_age.max(toast.as_ref().and_then(|t| t.xid_age));
        let mxid_age = heap.mxid_age.max(toast.as_ref().and_then(|t| t.mxid_age));
        let freeze_max_age =
            tt.as_ref().map_or(ht.freeze_max_age, |t| t.freeze_max_age.min(ht.freeze_max_age));
        let mfreeze = tt.as_ref().map_or(ht.multixact_freeze_max_age, |t| {
            t.multixact_freeze_max_age.min(ht.multixact_freeze_max_age)
        });
        let n_live: i64 = r.get(8);
        let n_dead = heap.n_dead_tup;
        let never_analyzed = if info.version_num >= 140000 {
            heap.reltuples < 0.0
        } else {
            heap.reltuples == 0.0 && heap.relpages == 0 && r.get::<_, i64>(18) + r.get::<_, i64>(19) == 0
        };
        let mut reloptions = serde_json::Map::new();
        if let Some(m) = opts_json.as_ref().and_then(|v| v.as_object()) {
            reloptions.extend(m.clone());
        }
        if let Some(m) = toast_json.as_ref().and_then(|v| v.as_object()) {
            reloptions.extend(m.iter().map(|(k, v)| (format!("toast.{k}"), v.clone())));
        }
        let note = if partitioned {
            Some("partitioned table: no storage of its own, never autovacuumed or autoanalyzed; its partitions are; run ANALYZE on it by hand for planner statistics".to_string())
        } else if never_analyzed && !partitioned {
            Some("never analyzed: reltuples unknown (taken as 0 by autovacuum)".to_string())
        } else {
            None
        };
        let bloat = opts.bloat.then(|| {
            if partitioned {
                return Bloat {
                    available: false,
                    bloat_bytes: None,
                    bloat_pct: None,
                    reason: Some("partitioned: no storage".into()),
                };
            }
            let unavailable = |why: &str| Bloat {
                available: false,
                bloat_bytes: None,
                bloat_pct: None,
                reason: Some(why.into()),
            };
            match bloat_inputs.get(&(schema.clone(), table.clone())) {
                None => unavailable("no columns"),
                Some(_) if never_analyzed => unavailable("never analyzed: run ANALYZE"),
                Some((_, _, false, _, _)) => {
                    unavailable("statistics not readable by this role (needs SELECT on every column)")
                }
                Some((natts, nstats, _, _, _)) if nstats < natts => unavailable(&format!(
                    "no statistics for {} of {natts} columns: run ANALYZE",
                    natts - nstats
                )),
                Some((natts, _, _, width, nulls)) => {
                    let (b, p) = estimate_bloat(
                        g.block_size,
                        heap.reltuples,
                        heap.relpages,
                        relopts.fillfactor.unwrap_or(100.0),
                        *natts,
                        *width,
                        *nulls,
                    );
                    Bloat { available: true, bloat_bytes: Some(b), bloat_pct: Some(p), reason: None }
                }
            }
        });
        let row = TableRow {
            kind: match relkind.as_str() {
                "p" => "partitioned",
                "m" => "materialized_view",
                _ => "table",
            },
            is_partition: r.get(3),
            size_bytes: r.get(7),
            reltuples: heap.reltuples,
            never_analyzed,
            n_live_tup: n_live,
            n_dead_tup: n_dead,
            dead_pct: pct(n_dead as f64, (n_live + n_dead) as f64),
            n_mod_since_analyze: r.get(10),
            n_ins_since_vacuum: heap.n_ins_since_vacuum,
            autovacuum_enabled: ht.enabled && !partitioned,
            reloptions,
            vacuum_threshold: ht.vacuum_threshold,
            insert_threshold: ht.insert_threshold,
            analyze_threshold: ht.analyze_threshold,
            vacuum_due: !reasons.is_empty(),
            vacuum_due_reasons: reasons,
            analyze_due: ht.analyze_due && !partitioned,
            dead_over_threshold: n_dead as f64 - ht.vacuum_threshold,
            inserts_over_threshold: match (heap.n_ins_since_vacuum, ht.insert_threshold) {
                (Some(n), Some(t)) => Some(n as f64 - t),
                _ => None,
            },
            mods_over_threshold: ht.analyze_threshold.map(|t| r.get::<_, i64>(10) as f64 - t),
            last_vacuum: r.get(12),
            last_autovacuum: r.get(13),
            last_analyze: r.get(14),
            last_autoanalyze: r.get(15),
            vacuum_count: r.get(16),
            autovacuum_count: r.get(17),
            analyze_count: r.get(18),
            autoanalyze_count: r.get(19),
            vacuum_phase: r.get(32),
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
        if opts.min_dead_tuples.is_some_and(|m| row.n_dead_tup < m) {
            continue;
        }
        if opts.due_only && !(row.vacuum_due || row.analyze_due) {
            continue;
        }
        out.push(row);
    }

    let databases = query(&client, "the databases' transaction ID ages", DATABASES_SQL, &[])
        .await?
        .iter()
        .map(|r| {
            let xid: i64 = r.get(1);
            let mxid: i64 = r.get(2);
            DatabaseAge {
                database: r.get(0),
                xid_age: xid,
                xid_age_pct_of_freeze_max: 100.0 * xid as f64 / g.freeze_max_age,
                xid_pct_to_wraparound: 100.0 * xid as f64 / WRAPAROUND,
                mxid_age: mxid,
                mxid_pct_to_wraparound: 100.0 * mxid as f64 / WRAPAROUND,
                allow_connections: r.get(3),
            }
        })
        .collect();

    let hrows = query(&client, "who holds back the xmin horizon", XMIN_HOLDERS_SQL, &[]).await?;
    let hidden_sessions = hrows.first().map(|r| r.get::<_, i64>(0)).unwrap_or(0);
    let holders = hrows
        .iter()
        .filter_map(|r| {
            Some(XminHolder {
                kind: r.get::<_, Option<String>>(1)?,
                id: r.get::<_, Option<String>>(2).unwrap_or_default(),
                owner: r.get(3),
                database: r.get(4),
                state: r.get(5),
                since: r.get(6),
                xmin_age: r.get(7),
                detail: r.get(8),
            })
        })
        .collect();

    Ok(VacuumReport {
        server_version_num: info.version_num,
        database: info.database,
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
/// block), on a connection without `statement_timeout` unless one was given. `progress` is told
/// before and after each table. A failure is recorded and the next table is tried.
pub async fn execute(
    db: &Db,
    plan: &[(String, String, String)],
    statement_timeout: Option<Duration>,
    mut progress: impl FnMut(usize, &str, Option<&Executed>),
) -> Result<Vec<Executed>> {
    let opts = ConnectOptions {
        statement_timeout: Some(statement_timeout.unwrap_or(Duration::ZERO)),
        pool_size: 1,
        ..db.opts.clone()
    };
    let vdb = Db::new(db.cfg.clone(), opts)?;
    let client = vdb.get().await?;
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

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "due_autovacuum_off",
        Threshold::above(Some(0.0), None),
        "tables due for vacuum whose autovacuum is off",
    ),
    ("due_tables", Threshold::above(None, None), "tables due for vacuum or analyze"),
    (
        "xid_age_pct_of_freeze_max",
        Threshold::above(Some(100.0), None),
        "largest XID age, % of the effective autovacuum_freeze_max_age",
    ),
    (
        "mxid_age_pct_of_freeze_max",
        Threshold::above(Some(100.0), None),
        "largest MultiXact age, % of the effective autovacuum_multixact_freeze_max_age",
    ),
    (
        "past_failsafe",
        Threshold::above(None, Some(0.0)),
        "tables past vacuum_failsafe_age or vacuum_multixact_failsafe_age",
    ),
    (
        "xid_pct_to_wraparound",
        Threshold::above(Some(50.0), Some(75.0)),
        "largest XID or MultiXact age, % of 2^31",
    ),
    (
        "xmin_horizon_age",
        Threshold::above(Some(1_000_000.0), None),
        "age in XIDs of the oldest xmin horizon holder",
    ),
];

impl Report for VacuumReport {
    fn sections(&self) -> Vec<Section> {
        use super::{bytes, f1, opt, ts, yes};
        let mut s = vec![Section {
            title: format!("Tables ({})", self.tables.len()),
            headers: vec![
                "table",
                "size",
                "reltuples",
                "live",
                "dead",
                "dead %",
                "autovac",
                "vac threshold",
                "ins threshold",
                "due",
                "analyze due",
                "last autovacuum",
                "last autoanalyze",
                "xid age",
                "% freeze max",
                "mxid age",
                "note",
            ],
            rows: self
                .tables
                .iter()
                .map(|t| {
                    let mut note = t.note.clone().unwrap_or_default();
                    if let Some(p) = &t.vacuum_phase {
                        note = format!("vacuum running: {p}. {note}");
                    }
                    if let Some(b) = &t.bloat {
                        note = match (b.available, b.bloat_bytes) {
                            (true, Some(x)) => {
                                format!("bloat ~{} ({:.0}%). {note}", bytes(x), b.bloat_pct.unwrap_or(0.0))
                            }
                            _ => {
                                format!("bloat unavailable: {}. {note}", b.reason.clone().unwrap_or_default())
                            }
                        };
                    }
                    vec![
                        format!("{}.{}", t.schema, t.table),
                        bytes(t.size_bytes),
                        if t.reltuples < 0.0 { "-1 (never)".into() } else { format!("{:.0}", t.reltuples) },
                        t.n_live_tup.to_string(),
                        t.n_dead_tup.to_string(),
                        f1(t.dead_pct),
                        yes(t.autovacuum_enabled),
                        format!("{:.0}", t.vacuum_threshold),
                        t.insert_threshold.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into()),
                        if t.vacuum_due {
                            format!("YES ({})", t.vacuum_due_reasons.join(","))
                        } else {
                            "no".into()
                        },
                        yes(t.analyze_due),
                        ts(&t.last_autovacuum),
                        ts(&t.last_autoanalyze),
                        opt(&t.xid_age),
                        f1(t.xid_age_pct_of_freeze_max),
                        opt(&t.mxid_age),
                        note.trim().trim_end_matches('.').to_string(),
                    ]
                })
                .collect(),
            empty: "no tables match",
        }];
        s.push(Section {
            title: "Databases: transaction ID age".into(),
            headers: vec![
                "database",
                "xid age",
                "% freeze max",
                "% to wraparound",
                "mxid age",
                "mxid % to wraparound",
            ],
            rows: self
                .databases
                .iter()
                .map(|d| {
                    vec![
                        d.database.clone(),
                        d.xid_age.to_string(),
                        format!("{:.1}", d.xid_age_pct_of_freeze_max),
                        format!("{:.2}", d.xid_pct_to_wraparound),
                        d.mxid_age.to_string(),
                        format!("{:.2}", d.mxid_pct_to_wraparound),
                    ]
                })
                .collect(),
            empty: "",
        });
        s.push(Section {
            title: "Who holds back the xmin horizon (vacuum cannot remove rows deleted after it)".into(),
            headers: vec!["kind", "id", "owner", "database", "state", "since", "xmin age", "detail"],
            rows: self
                .xmin_horizon
                .holders
                .iter()
                .map(|h| {
                    vec![
                        h.kind.clone(),
                        h.id.clone(),
                        opt(&h.owner),
                        opt(&h.database),
                        opt(&h.state),
                        ts(&h.since),
                        opt(&h.xmin_age),
                        super::one_line(h.detail.as_deref().unwrap_or(""), 60),
                    ]
                })
                .collect(),
            empty: "nothing holds the xmin horizon back",
        });
        if let Some(ex) = &self.executed {
            s.push(Section {
                title: "Executed".into(),
                headers: vec!["command", "result", "ms"],
                rows: ex
                    .iter()
                    .map(|e| {
                        vec![
                            e.command.clone(),
                            if e.ok {
                                "ok".into()
                            } else {
                                format!("FAILED: {}", e.error.clone().unwrap_or_default())
                            },
                            e.millis.to_string(),
                        ]
                    })
                    .collect(),
                empty: "nothing was due",
            });
        }
        s
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if !self.settings.autovacuum {
            n.push("autovacuum is off (or track_counts is off): only anti-wraparound vacuums run".into());
        }
        if self.xmin_horizon.hidden_sessions > 0 {
            n.push(format!(
                "{} session(s) of other roles are not visible to this role, so their xmin is not shown: grant pg_read_all_stats",
                self.xmin_horizon.hidden_sessions
            ));
        }
        n
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let due_off = self.tables.iter().filter(|x| x.vacuum_due && !x.autovacuum_enabled).count();
        let due = self.tables.iter().filter(|x| x.vacuum_due || x.analyze_due).count();
        let max = |f: &dyn Fn(&TableRow) -> Option<f64>| {
            self.tables.iter().filter_map(f).fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
        };
        let xid_pct = max(&|x| x.xid_age_pct_of_freeze_max)
            .into_iter()
            .chain(self.databases.iter().map(|d| d.xid_age_pct_of_freeze_max))
            .fold(0.0, f64::max);
        let mxid_pct = max(&|x| x.mxid_age_pct_of_freeze_max).unwrap_or(0.0);
        let past = self
            .tables
            .iter()
            .filter(|x| x.xid_past_failsafe == Some(true) || x.mxid_past_failsafe == Some(true))
            .count();
        let wrap = max(&|x| match (x.xid_pct_to_wraparound, x.mxid_pct_to_wraparound) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        })
        .into_iter()
        .chain(self.databases.iter().map(|d| d.xid_pct_to_wraparound.max(d.mxid_pct_to_wraparound)))
        .fold(0.0, f64::max);
        let oldest = self.xmin_horizon.holders.iter().filter_map(|h| h.xmin_age).max().unwrap_or(0);
        let mut horizon = Check::measured(
            "xmin_horizon_age",
            oldest as f64,
            t.get("xmin_horizon_age"),
            format!("{} holder(s) of the xmin horizon", self.xmin_horizon.holders.len()),
        );
        if horizon.status == Status::Ok && self.xmin_horizon.hidden_sessions > 0 {
            horizon.status = Status::Unknown;
            horizon.message = format!(
                "{} session(s) of other roles not visible: grant pg_read_all_stats to see their xmin",
                self.xmin_horizon.hidden_sessions
            );
        }
        vec![
            Check::measured(
                "due_autovacuum_off",
                due_off as f64,
                t.get("due_autovacuum_off"),
                "tables due for vacuum that autovacuum will not vacuum (autovacuum off for them)",
            ),
            Check::measured(
                "due_tables",
                due as f64,
                t.get("due_tables"),
                "tables due for vacuum or analyze",
            ),
            Check::measured(
                "xid_age_pct_of_freeze_max",
                xid_pct,
                t.get("xid_age_pct_of_freeze_max"),
                "oldest XID age as % of the effective autovacuum_freeze_max_age",
            ),
            Check::measured(
                "mxid_age_pct_of_freeze_max",
                mxid_pct,
                t.get("mxid_age_pct_of_freeze_max"),
                "oldest MultiXact age as % of the effective autovacuum_multixact_freeze_max_age",
            ),
            Check::measured(
                "past_failsafe",
                past as f64,
                t.get("past_failsafe"),
                "tables past the vacuum failsafe age",
            ),
            Check::measured(
                "xid_pct_to_wraparound",
                wrap,
                t.get("xid_pct_to_wraparound"),
                "oldest XID/MultiXact age as % of 2^31",
            ),
            horizon,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(version: i32) -> AvSettings {
        AvSettings {
            version_num: version,
            autovacuum: true,
            vacuum_threshold: 50.0,
            vacuum_scale_factor: 0.2,
            vacuum_insert_threshold: (version >= 130000).then_some(1000.0),
            vacuum_insert_scale_factor: (version >= 130000).then_some(0.2),
            vacuum_max_threshold: (version >= 180000).then_some(100_000_000.0),
            analyze_threshold: 50.0,
            analyze_scale_factor: 0.1,
            freeze_max_age: 200_000_000.0,
            multixact_freeze_max_age: 400_000_000.0,
            failsafe_age: (version >= 140000).then_some(1_600_000_000.0),
            multixact_failsafe_age: (version >= 140000).then_some(1_600_000_000.0),
            block_size: 8192.0,
        }
    }

    fn stats(reltuples: f64, dead: i64, ins: i64) -> RelStats {
        RelStats {
            reltuples,
            relpages: 100,
            relallfrozen: None,
            n_dead_tup: dead,
            n_ins_since_vacuum: Some(ins),
            n_mod_since_analyze: Some(0),
            xid_age: Some(1000),
            mxid_age: Some(1),
        }
    }

    #[test]
    fn dead_tuple_threshold_follows_reloptions_and_never_analyzed_counts_as_zero() {
        let o = RelOpts::default();
        let t = trigger(&g(150000), &o, &stats(1000.0, 251, 0), false);
        assert_eq!(t.vacuum_threshold, 250.0);
        assert!(t.dead_due);
        // reltuples = -1 (never analyzed, 14+) is taken as 0.
        let t = trigger(&g(150000), &o, &stats(-1.0, 51, 0), false);
        assert_eq!(t.vacuum_threshold, 50.0);
        assert!(t.dead_due);
        let o = RelOpts::from_json(&Some(serde_json::json!({
            "autovacuum_vacuum_threshold": "10", "autovacuum_vacuum_scale_factor": "0.01", "autovacuum_enabled": "off"
        })));
        let t = trigger(&g(150000), &o, &stats(1000.0, 21, 0), false);
        assert_eq!(t.vacuum_threshold, 20.0);
        assert!(t.dead_due && !t.enabled);
    }

    #[test]
    fn insert_threshold_exists_from_13_and_scales_by_unfrozen_fraction_on_18() {
        let o = RelOpts::default();
        assert_eq!(trigger(&g(120000), &o, &stats(10000.0, 0, 5000), false).insert_threshold, None);
        let t = trigger(&g(130000), &o, &stats(10000.0, 0, 3001), false);
        assert_eq!(t.insert_threshold, Some(3000.0));
        assert!(t.insert_due);
        let mut s = stats(10000.0, 0, 1501);
        s.relallfrozen = Some(75);
        // 13..17 do not look at relallfrozen.
        assert_eq!(trigger(&g(170000), &o, &s, false).insert_threshold, Some(3000.0));
        let t = trigger(&g(180000), &o, &s, false);
        assert_eq!(t.insert_threshold, Some(1000.0 + 0.2 * 10000.0 * 0.25));
        assert!(t.insert_due);
        // relallfrozen > relpages is clamped.
        s.relallfrozen = Some(500);
        assert_eq!(trigger(&g(180000), &o, &s, false).insert_threshold, Some(1000.0));
        // A table's -1 disables the insert rule.
        let off = RelOpts { vacuum_insert_threshold: Some(-1.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(150000), &off, &stats(10000.0, 0, 99999), false).insert_threshold, None);
    }

    #[test]
    fn max_threshold_caps_only_on_18() {
        let o = RelOpts::default();
        let big = stats(1e10, 150_000_000, 0);
        assert_eq!(trigger(&g(170000), &o, &big, false).vacuum_threshold, 50.0 + 0.2 * 1e10);
        let t = trigger(&g(180000), &o, &big, false);
        assert_eq!(t.vacuum_threshold, 100_000_000.0);
        assert!(t.dead_due);
        let nocap = RelOpts { vacuum_max_threshold: Some(-1.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(180000), &nocap, &big, false).vacuum_threshold, 50.0 + 0.2 * 1e10);
        let low = RelOpts { vacuum_max_threshold: Some(1000.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(180000), &low, &big, false).vacuum_threshold, 1000.0);
    }

    #[test]
    fn per_table_freeze_max_age_may_only_lower_the_global() {
        let lower = RelOpts { freeze_max_age: Some(100_000.0), ..RelOpts::default() };
        let higher = RelOpts { freeze_max_age: Some(1_000_000_000.0), ..RelOpts::default() };
        let mut s = stats(10.0, 0, 0);
        s.xid_age = Some(150_000);
        let t = trigger(&g(150000), &lower, &s, false);
        assert_eq!(t.freeze_max_age, 100_000.0);
        assert!(t.wraparound_due);
        let t = trigger(&g(150000), &higher, &s, false);
        assert_eq!(t.freeze_max_age, 200_000_000.0);
        assert!(!t.wraparound_due);
    }

    #[test]
    fn toast_tables_are_never_analyzed() {
        let t = trigger(&g(150000), &RelOpts::default(), &stats(10.0, 0, 0), true);
        assert_eq!(t.analyze_threshold, None);
        assert!(!t.analyze_due);
    }

    #[test]
    fn failsafe_is_raised_to_105_percent_of_freeze_max_age() {
        let mut info = ServerInfo {
            version_num: 150000,
            database: "d".into(),
            user: "u".into(),
            superuser: true,
            read_all_stats: true,
            settings: HashMap::new(),
        };
        info.settings.insert("autovacuum_freeze_max_age".into(), "1000000000".into());
        info.settings.insert("vacuum_failsafe_age".into(), "500000000".into());
        let s = AvSettings::from_server(&info);
        assert_eq!(s.failsafe_age, Some(1_050_000_000.0));
        assert_eq!(s.vacuum_insert_threshold, None, "absent settings stay absent");
    }

    #[test]
    fn pg_bool_prefixes() {
        for (v, b) in [
            ("off", Some(false)),
            ("of", Some(false)),
            ("o", None),
            ("t", Some(true)),
            ("FALSE", Some(false)),
            ("1", Some(true)),
            ("x", None),
        ] {
            assert_eq!(parse_pg_bool(v), b, "{v}");
        }
    }

    #[test]
    fn bloat_estimate_is_zero_for_a_packed_table_and_grows_with_empty_pages() {
        // 100-byte rows: 4 + 24 + 104 = 132 bytes a tuple, 61 a page.
        let (b, p) = estimate_bloat(8192.0, 6100.0, 100, 100.0, 3, 100.0, false);
        assert_eq!((b, p), (0, 0.0));
        let (b, p) = estimate_bloat(8192.0, 6100.0, 200, 100.0, 3, 100.0, false);
        assert_eq!(b, 100 * 8192);
        assert_eq!(p, 50.0);
    }
}
