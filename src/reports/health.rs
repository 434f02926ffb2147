//! `health`: the ToWow document's alert table (section 6.3) as checks, each with `name`,
//! `status`, `value` and `threshold`, read in one round trip.
//!
//! | check                     | default warn / crit | from the document                         |
//! |---------------------------|---------------------|-------------------------------------------|
//! | connections_pct           | > 80 / > 95 %       | connections > 80% of max_connections      |
//! | deadlocks                 | > 0                 | deadlocks > 0 (this database, since reset)|
//! | xmin_horizon_age          | > 1,000,000 XIDs    | "transaction age > 1000000 → VACUUM"      |
//! | xid_age_pct_of_freeze_max | > 100 %             | (wraparound: autovacuum is behind)        |
//! | xid_pct_to_wraparound     | > 50 / > 75 %       |                                           |
//! | oldest_transaction_s      | > 3600 / > 86400 s  |                                           |
//! | long_running_s            | > 300 / > 3600 s    | slow queries                              |
//! | idle_in_transaction_s     | > 60 / > 600 s      |                                           |
//! | cache_hit_pct             | < 99 / < 90 %       |                                           |
//! | invalid_indexes           | > 0                 |                                           |
//! | sequence_used_pct         | > 80 / > 95 %       |                                           |
//! | database_size_bytes       | none (set your own) | disk usage > 80% (not visible from SQL)   |
//!
//! Then the checks of `replication` (see `replication::CHECKS`): `replication_lag_s` (the
//! document's "replica lag > 10 s"), `replication_lag_bytes`, `replicas_not_streaming`,
//! `replay_paused`, `inactive_slots`, `slot_retained_wal_bytes`, `slots_wal_at_risk` and
//! `wal_archive_failing_s` (the WAL archive of point-in-time recovery).
//!
//! The "transaction age" of the document is taken as the age of the oldest xmin horizon holder:
//! that is what stops VACUUM; the age of `datfrozenxid` routinely reaches hundreds of millions on
//! a healthy server (autovacuum_freeze_max_age defaults to 200 million), so it is judged against
//! `autovacuum_freeze_max_age` and 2^31 instead.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;

use super::query;
use crate::output::check::{Check, Status, Threshold, Thresholds, combine};
use crate::output::report::{Report, Section};

/// Sequence usage: the effective maximum is the smaller of the sequence's and its owning
/// column's type (a `serial` column is int4 however far its sequence could go). A CYCLE sequence
/// whose own bound is the effective one wraps around instead of failing: it cannot run out and
/// is counted apart (one whose column ends first still fails there). Sequences this role may not
/// read (no SELECT or USAGE) are counted and named, never taken as unused. The ages are taken
/// from the clock when the row is read, not from the transaction's start (`now()`): a session
/// that began after this report's transaction would otherwise get a negative age.
const HEALTH_SQL: &str = "
WITH seq AS (
  SELECT n.nspname || '.' || c.relname AS name, s.seqincrement AS inc, s.seqmin::numeric AS mn,
         CASE WHEN s.seqincrement > 0 THEN least(s.seqmax::numeric, CASE own.typ WHEN 21 THEN 32767 WHEN 23 THEN 2147483647 ELSE s.seqmax END)
              ELSE s.seqmax::numeric END AS mx,
         CASE WHEN s.seqincrement < 0 THEN greatest(s.seqmin::numeric, CASE own.typ WHEN 21 THEN -32768 WHEN 23 THEN -2147483648 ELSE s.seqmin END)
              ELSE s.seqmin::numeric END AS mn_eff,
         s.seqcycle AND CASE WHEN s.seqincrement > 0 THEN own.typ IS NULL OR own.typ NOT IN (21, 23)
                                                            OR s.seqmax <= CASE own.typ WHEN 21 THEN 32767 ELSE 2147483647 END
                             ELSE own.typ IS NULL OR own.typ NOT IN (21, 23)
                                  OR s.seqmin >= CASE own.typ WHEN 21 THEN -32768 ELSE -2147483648 END END AS cycles,
         p.readable,
         CASE WHEN p.readable THEN pg_sequence_last_value(c.oid) END AS last
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  -- Once per sequence (OFFSET 0 keeps the planner from inlining it twice).
  CROSS JOIN LATERAL (SELECT has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable OFFSET 0) p
  -- The owning column's type, looked up per sequence (pg_depend's depender index), not by
  -- joining every column dependency of every table.
  LEFT JOIN LATERAL (
    SELECT a.atttypid AS typ
    FROM pg_depend d
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.objsubid = 0
      AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
    LIMIT 1
  ) own ON true
), seq_pct AS (
  SELECT name, readable, cycles,
         CASE WHEN last IS NULL THEN 0
              WHEN inc > 0 THEN 100 * (last - mn) / nullif(mx - mn, 0)
              ELSE 100 * (mx - last) / nullif(mx - mn_eff, 0) END::float8 AS pct
  FROM seq
), act AS (
  SELECT a.*, coalesce({hidden}, false) AS hidden_session
  FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid()
), invalid AS (
  -- One pass over pg_index for the count and the names (37,000 rows at 10,000 tables).
  SELECT c.relname::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid
)
SELECT
  (SELECT count(*) FROM act WHERE backend_type = 'client backend' OR hidden_session)::int8 + 1 AS connections,
  current_setting('max_connections')::int8 AS max_connections,
  d.deadlocks::int8 AS deadlocks,
  d.stats_reset,
  (SELECT max(age(datfrozenxid)) FROM pg_database)::int8 AS xid_age,
  (SELECT max(mxid_age(datminmxid)) FROM pg_database)::int8 AS mxid_age,
  current_setting('autovacuum_freeze_max_age')::float8 AS freeze_max_age,
  greatest((SELECT max(greatest(age(backend_xmin), age(backend_xid))) FROM act),
           (SELECT max(age(transaction)) FROM pg_prepared_xacts),
           (SELECT max(age(xmin)) FROM pg_replication_slots))::int8 AS xmin_horizon_age,
  greatest((SELECT max(extract(epoch FROM clock_timestamp() - xact_start)) FROM act WHERE backend_type = 'client backend'), 0)::float8 AS oldest_transaction_s,
  greatest((SELECT max(extract(epoch FROM clock_timestamp() - query_start)) FROM act WHERE state = 'active' AND backend_type = 'client backend'), 0)::float8 AS long_running_s,
  greatest((SELECT max(extract(epoch FROM clock_timestamp() - state_change)) FROM act WHERE state LIKE 'idle in transaction%'), 0)::float8 AS idle_in_transaction_s,
  (SELECT count(*) FROM act WHERE hidden_session)::int8 AS hidden_sessions,
  (100.0 * d.blks_hit / nullif(d.blks_hit + d.blks_read, 0))::float8 AS cache_hit_pct,
  (SELECT count(*) FROM invalid)::int8 AS invalid_indexes,
  (SELECT string_agg(name, ', ' ORDER BY name) FROM invalid) AS invalid_names,
  (SELECT max(pct) FROM seq_pct WHERE readable AND NOT cycles) AS sequence_used_pct,
  (SELECT name FROM seq_pct WHERE readable AND NOT cycles ORDER BY pct DESC NULLS LAST LIMIT 1) AS most_used_sequence,
  (SELECT count(*) FROM seq_pct WHERE NOT readable)::int8 AS unreadable_sequences,
  (SELECT string_agg(name, ', ' ORDER BY name) FROM (SELECT name FROM seq_pct WHERE NOT readable ORDER BY name LIMIT 3) u) AS unreadable_names,
  (SELECT count(*) FROM seq_pct WHERE cycles)::int8 AS cycling_sequences,
  pg_database_size(current_database())::int8 AS database_bytes,
  current_database()::text AS database,
  current_setting('server_version_num')::int4 AS server_version_num,
  (d.blks_hit + d.blks_read)::int8 AS block_accesses
-- This database's statistics, read once (NULLs when it has none yet).
FROM (SELECT) one
LEFT JOIN pg_stat_database d ON d.datname = current_database()";

/// The cache hit ratio is judged from this many block accesses on (800 MB read through the
/// buffer cache): a fresh database reads its catalog from disk once, and over its first few
/// thousand accesses the ratio says nothing (98.8 % right after `init --mock-agents`).
pub const CACHE_HIT_MIN_ACCESSES: i64 = 100_000;

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    ("connections_pct", Threshold::above(Some(80.0), Some(95.0)), "connections as % of max_connections"),
    ("deadlocks", Threshold::above(Some(0.0), None), "deadlocks in this database since the statistics reset"),
    (
        "xmin_horizon_age",
        Threshold::above(Some(1_000_000.0), None),
        "age in XIDs of the oldest transaction, snapshot, slot or prepared transaction",
    ),
    (
        "xid_age_pct_of_freeze_max",
        Threshold::above(Some(100.0), None),
        "oldest database XID age as % of autovacuum_freeze_max_age",
    ),
    (
        "xid_pct_to_wraparound",
        Threshold::above(Some(50.0), Some(75.0)),
        "oldest database XID/MultiXact age as % of 2^31",
    ),
    (
        "oldest_transaction_s",
        Threshold::above(Some(3600.0), Some(86400.0)),
        "oldest open transaction, seconds",
    ),
    ("long_running_s", Threshold::above(Some(300.0), Some(3600.0)), "longest running statement, seconds"),
    (
        "idle_in_transaction_s",
        Threshold::above(Some(60.0), Some(600.0)),
        "longest idle-in-transaction session, seconds",
    ),
    ("cache_hit_pct", Threshold::below(Some(99.0), Some(90.0)), "buffer cache hit ratio of this database, %"),
    ("invalid_indexes", Threshold::above(Some(0.0), None), "invalid indexes in this database"),
    (
        "sequence_used_pct",
        Threshold::above(Some(80.0), Some(95.0)),
        "most used sequence, % of its (or its column's) range",
    ),
    ("database_size_bytes", Threshold::above(None, None), "size of this database, bytes"),
];

/// `health`'s checks, `replication`'s, which it runs too, and the windowed ones of the history.
pub fn all_checks() -> Vec<(&'static str, Threshold, &'static str)> {
    [CHECKS, super::replication::CHECKS, super::history::checks::CHECKS].concat()
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub database: String,
    pub server_version_num: i32,
    pub stats_reset: Option<DateTime<Utc>>,
    /// Sessions of other roles whose details this role may not see (needs `pg_read_all_stats`);
    /// background processes are not counted.
    pub hidden_sessions: i64,
    /// Sequences this role may not read (needs SELECT or USAGE on them): their use is unknown.
    pub unreadable_sequences: i64,
    /// CYCLE sequences that wrap around within their column's range: they cannot run out and
    /// are not judged by `sequence_used_pct`.
    pub cycling_sequences: i64,
    pub status: Status,
    pub checks: Vec<Check>,
    /// What the windowed checks were judged over (see `history::checks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<super::history::checks::WindowInfo>,
}

/// `report`'s checks judged over a window of the history (in `store`, else in the target's own
/// database; see `history::checks`), the status judged again with them.
pub async fn judge_over_window(
    r: &mut HealthReport,
    db: &crate::connect::Db,
    store: Option<&crate::connect::Db>,
    opts: &super::history::checks::WindowOptions,
    t: &Thresholds,
) -> Result<()> {
    let info = super::history::checks::apply_to_health(&mut r.checks, db, store, opts, t).await?;
    r.status = combine(&r.checks);
    r.window = Some(info);
    Ok(())
}

pub async fn report(db: &crate::connect::Db, t: &Thresholds) -> Result<HealthReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, t)).await
}

async fn read(client: &Client, t: &Thresholds) -> Result<HealthReport> {
    let sql = HEALTH_SQL.replace("{hidden}", super::HIDDEN_SESSION_SQL);
    // Pipelined: one round trip for both.
    let (rows, replication) = futures_util::try_join!(
        query(client, "the health metrics", &sql, &[]),
        super::replication::read(client)
    )?;
    let r = &rows[0];
    let hidden: i64 = r.get("hidden_sessions");
    let mut checks = Vec::new();

    let (conns, max): (i64, i64) = (r.get("connections"), r.get("max_connections"));
    checks.push(Check::measured(
        "connections_pct",
        100.0 * conns as f64 / max.max(1) as f64,
        t.get("connections_pct"),
        format!("{conns} of max_connections {max}"),
    ));
    let stats_reset: Option<DateTime<Utc>> = r.get("stats_reset");
    checks.push(match r.get::<_, Option<i64>>("deadlocks") {
        Some(d) => Check::measured(
            "deadlocks",
            d as f64,
            t.get("deadlocks"),
            format!(
                "since {}",
                stats_reset.map(|s| s.to_rfc3339()).unwrap_or_else(|| "the statistics were created".into())
            ),
        ),
        None => Check::unknown("deadlocks", Some(t.get("deadlocks")), "no statistics for this database"),
    });
    let xmin: Option<i64> = r.get("xmin_horizon_age");
    let horizon = Check::measured(
        "xmin_horizon_age",
        xmin.unwrap_or(0) as f64,
        t.get("xmin_horizon_age"),
        "see `vacuum-report` for who holds it",
    );
    let (xid, mxid, freeze): (i64, i64, f64) = (r.get("xid_age"), r.get("mxid_age"), r.get("freeze_max_age"));
    checks.push(Check::measured(
        "xid_age_pct_of_freeze_max",
        100.0 * xid as f64 / freeze,
        t.get("xid_age_pct_of_freeze_max"),
        format!("oldest database XID age {xid} of autovacuum_freeze_max_age {freeze:.0}"),
    ));
    checks.push(Check::measured(
        "xid_pct_to_wraparound",
        100.0 * xid.max(mxid) as f64 / super::vacuum::WRAPAROUND,
        t.get("xid_pct_to_wraparound"),
        format!("XID age {xid}, MultiXact age {mxid}"),
    ));
    // The xmin horizon is not among these: every session's backend_xmin is visible to any role.
    let hidden_why = format!("{hidden} session(s) of other roles not visible: grant pg_read_all_stats");
    for (name, what) in [
        ("oldest_transaction_s", "oldest open transaction"),
        ("long_running_s", "longest running statement"),
        ("idle_in_transaction_s", "longest idle-in-transaction session"),
    ] {
        let c = Check::measured(name, r.get::<_, Option<f64>>(name).unwrap_or(0.0), t.get(name), what);
        checks.push(if hidden > 0 { c.unless_unseen(&hidden_why) } else { c });
    }
    checks.insert(2, horizon);
    let accesses = r.get::<_, Option<i64>>("block_accesses").unwrap_or(0);
    checks.push(match r.get::<_, Option<f64>>("cache_hit_pct") {
        Some(p) if accesses >= CACHE_HIT_MIN_ACCESSES => {
            Check::measured("cache_hit_pct", p, t.get("cache_hit_pct"), "blocks found in shared buffers")
        }
        Some(p) => Check::not_applicable(
            "cache_hit_pct",
            Some(t.get("cache_hit_pct")),
            format!(
                "{p:.2} % of only {accesses} block accesses: too few to judge (from {CACHE_HIT_MIN_ACCESSES} on)"
            ),
        ),
        None => Check::not_applicable("cache_hit_pct", Some(t.get("cache_hit_pct")), "no blocks read yet"),
    });
    let invalid: i64 = r.get("invalid_indexes");
    checks.push(Check::measured(
        "invalid_indexes",
        invalid as f64,
        t.get("invalid_indexes"),
        r.get::<_, Option<String>>("invalid_names")
            .map(|n| format!("invalid: {n}"))
            .unwrap_or_else(|| "none".into()),
    ));
    let unreadable: i64 = r.get("unreadable_sequences");
    let cycling: i64 = r.get("cycling_sequences");
    checks.push(sequence_check(
        r.get("sequence_used_pct"),
        r.get("most_used_sequence"),
        unreadable,
        r.get("unreadable_names"),
        cycling,
        t.get("sequence_used_pct"),
    ));
    checks.push(Check::measured(
        "database_size_bytes",
        r.get::<_, i64>("database_bytes") as f64,
        t.get("database_size_bytes"),
        "pg_database_size",
    ));

    checks.extend(replication.checks(t));

    Ok(HealthReport {
        database: r.get("database"),
        server_version_num: r.get("server_version_num"),
        stats_reset,
        hidden_sessions: hidden,
        unreadable_sequences: unreadable,
        cycling_sequences: cycling,
        status: combine(&checks),
        checks,
        window: None,
    })
}

/// `sequence_used_pct`: the most used readable sequence that can run out. Sequences this role
/// may not read make an OK unknown (one of them may be the full one), counted and named.
fn sequence_check(
    pct: Option<f64>,
    most_used: Option<String>,
    unreadable: i64,
    unreadable_names: Option<String>,
    cycling: i64,
    t: Threshold,
) -> Check {
    let mut msg = match (&pct, most_used) {
        (Some(_), Some(name)) => format!("most used: {name}"),
        _ => "no readable sequence that can run out".to_string(),
    };
    if cycling > 0 {
        msg.push_str(&format!(
            "; {cycling} CYCLE sequence(s) not judged (they wrap around instead of running out)"
        ));
    }
    let c = Check::measured("sequence_used_pct", pct.unwrap_or(0.0), t, msg);
    if unreadable == 0 {
        return c;
    }
    let names = unreadable_names.unwrap_or_default();
    let more = if unreadable > 3 { format!(" and {} more", unreadable - 3) } else { String::new() };
    c.unless_unseen(&format!(
        "{unreadable} sequence(s) not readable by this role, their use unknown: {names}{more} (grant SELECT or USAGE on them)"
    ))
}

impl Report for HealthReport {
    fn metric_labels(&self) -> Vec<(&'static str, String)> {
        vec![("database", self.database.clone())]
    }

    /// The database's counters as counters (Prometheus computes the rates), its gauges, and the
    /// checks (added by the renderer under `--check`).
    fn metrics(&self) -> Vec<crate::output::metrics::Metric> {
        use crate::output::metrics::Metric;
        let Some(now) = self.window.as_ref().map(|w| &w.now) else { return Vec::new() };
        let l = || vec![("database", self.database.clone())];
        let counter = |name: &str, help: &str, v: Option<i64>| {
            let mut m = Metric::counter(name, help);
            m.add(l(), v.map(|v| v as f64));
            m
        };
        let gauge = |name: &str, help: &str, v: Option<f64>| {
            let mut m = Metric::gauge(name, help);
            m.add(l(), v);
            m
        };
        vec![
            counter("database_xact_commit", "Transactions committed.", now.xact_commit),
            counter("database_xact_rollback", "Transactions rolled back.", now.xact_rollback),
            counter("database_blks_read", "Blocks read from disk.", now.blks_read),
            counter("database_blks_hit", "Blocks found in shared buffers.", now.blks_hit),
            counter("database_tup_inserted", "Rows inserted.", now.tup_inserted),
            counter("database_tup_updated", "Rows updated.", now.tup_updated),
            counter("database_tup_deleted", "Rows deleted.", now.tup_deleted),
            counter("database_deadlocks", "Deadlocks detected.", now.deadlocks),
            counter(
                "database_conflicts",
                "Queries cancelled by recovery conflicts (standby).",
                now.conflicts,
            ),
            counter("database_temp_files", "Temporary files created.", now.temp_files),
            counter("database_temp_bytes", "Bytes written to temporary files.", now.temp_bytes),
            gauge("database_backends", "Sessions connected to the database.", now.numbackends.map(f64::from)),
            gauge(
                "database_max_connections",
                "The server's max_connections.",
                Some(f64::from(now.max_connections)),
            ),
            gauge("database_size_bytes", "Size of the database.", now.size_bytes.map(|v| v as f64)),
            gauge(
                "database_xid_age",
                "Oldest datfrozenxid age of the server's databases.",
                now.xid_age.map(|v| v as f64),
            ),
            gauge(
                "database_xmin_horizon_age",
                "Age of the oldest xmin holder (session, prepared transaction, slot).",
                now.xmin_horizon_age.map(|v| v as f64),
            ),
            gauge(
                "database_stats_reset_timestamp_seconds",
                "When the database's statistics were last reset (Unix time).",
                now.stats_reset.map(|t| t.timestamp() as f64),
            ),
        ]
    }

    fn sections(&self) -> Vec<Section> {
        vec![Section {
            title: format!("Health of \"{}\": {}", self.database, self.status),
            headers: vec!["check", "status", "value", "warn", "crit", "message"],
            rows: self
                .checks
                .iter()
                .map(|c| {
                    let th = |f: fn(&Threshold) -> Option<f64>| {
                        c.threshold
                            .as_ref()
                            .and_then(f)
                            .map(|v| crate::output::check::num(v).to_string())
                            .unwrap_or_else(|| "-".into())
                    };
                    vec![
                        c.name.clone(),
                        c.status.to_string(),
                        crate::output::cells::value_cell(&c.value),
                        th(|t| t.warn),
                        th(|t| t.crit),
                        c.message.clone(),
                    ]
                })
                .collect(),
            empty: "",
            ..Default::default()
        }]
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        self.checks.clone()
    }

    fn checks_are_the_report(&self) -> bool {
        true
    }
}
