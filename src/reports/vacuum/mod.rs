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
SELECT n.nspname::text, c.relname::text, c.relkind::text, c.relispartition,
       c.reltuples::float8, c.relpages::int8, {frozen}::int8,
       {size}::int8,
       coalesce(pg_stat_get_live_tuples(c.oid), 0)::int8, coalesce(pg_stat_get_dead_tuples(c.oid), 0)::int8,
       coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)::int8, {ins}::int8,
       pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid),
       pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid),
       coalesce(pg_stat_get_vacuum_count(c.oid), 0)::int8, coalesce(pg_stat_get_autovacuum_count(c.oid), 0)::int8,
       coalesce(pg_stat_get_analyze_count(c.oid), 0)::int8, coalesce(pg_stat_get_autoanalyze_count(c.oid), 0)::int8,
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
SELECT hidden.n, h.kind, h.id, h.owner, h.database, h.state, h.since, h.xmin_age, h.detail, h.holds_back
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
    /// Autovacuum will vacuum it: due for a reason autovacuum acts on here, that is an
    /// anti-wraparound vacuum (run whatever `autovacuum` and `autovacuum_enabled` say), or dead
    /// tuples / inserts of a relation (the table, or its TOAST table) with autovacuum enabled.
    pub autovacuum_will_vacuum: bool,
    /// Due for an anti-wraparound vacuum (`wraparound` or `toast_wraparound`): aggressive
    /// (freezes every unfrozen page), never skipped for a lock, no ANALYZE.
    pub anti_wraparound: bool,
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

fn pct(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| 100.0 * a / b)
}

/// The size of a table (heap and TOAST): exact (`pg_table_size` stats every file and opens every
/// relation, a relation cache entry each in a fresh backend) or from `relpages` (the pages
/// counted by the last VACUUM, ANALYZE or CREATE INDEX: what autovacuum works from).
const SIZE_EXACT: &str = "coalesce(pg_table_size(c.oid), 0)";
const SIZE_ESTIMATE: &str =
    "((c.relpages::int8 + coalesce(t.relpages, 0)) * current_setting('block_size')::int8)";

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
    let (rows, bloat_rows, database_rows, hrows) = futures_util::try_join!(
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
    )?;
    let bloat_inputs: HashMap<(String, String), BloatInputs> =
        bloat_rows.iter().map(|r| ((r.get(0), r.get(1)), BloatInputs::from_row(r))).collect();

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
        // Anti-wraparound vacuums ignore `autovacuum_enabled` and the `autovacuum` setting
        // (relation_needs_vacanalyze: `force_vacuum`); the other reasons need autovacuum on for
        // the relation that is due (a TOAST table's own switch, else its table's).
        let toast_enabled = tt.as_ref().is_some_and(|t| t.enabled);
        let will_vacuum = reasons.iter().any(|r| match *r {
            "wraparound" | "toast_wraparound" => true,
            "dead_tuples" | "inserts" => ht.enabled,
            _ => toast_enabled,
        });
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
                        n_mod_since_analyze: r.get(10),
                        fillfactor: relopts.fillfactor.unwrap_or(100.0),
                    },
                ),
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
            autovacuum_will_vacuum: will_vacuum,
            anti_wraparound: reasons.iter().any(|r| r.ends_with("wraparound")),
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

    let databases = database_rows
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
                holds_back: r.get::<_, Option<String>>(9).unwrap_or_default(),
            })
        })
        .collect();

    Ok(VacuumReport {
        server_version_num: info.version_num,
        database: info.database,
        exact_sizes: opts.exact,
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
