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
/// column's type (a `serial` column is int4 however far its sequence could go).
const HEALTH_SQL: &str = "
WITH seq AS (
  SELECT n.nspname || '.' || c.relname AS name, s.seqincrement AS inc, s.seqmin::numeric AS mn,
         CASE WHEN s.seqincrement > 0 THEN least(s.seqmax::numeric, CASE own.typ WHEN 21 THEN 32767 WHEN 23 THEN 2147483647 ELSE s.seqmax END)
              ELSE s.seqmax::numeric END AS mx,
         CASE WHEN s.seqincrement < 0 THEN greatest(s.seqmin::numeric, CASE own.typ WHEN 21 THEN -32768 WHEN 23 THEN -2147483648 ELSE s.seqmin END)
              ELSE s.seqmin::numeric END AS mn_eff,
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
  SELECT name, readable,
         CASE WHEN last IS NULL THEN 0
              WHEN inc > 0 THEN 100 * (last - mn) / nullif(mx - mn, 0)
              ELSE 100 * (mx - last) / nullif(mx - mn_eff, 0) END::float8 AS pct
  FROM seq
), act AS (
  SELECT a.*, coalesce({hidden}, false) AS hidden_session
  FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid()
)
SELECT
  (SELECT count(*) FROM act WHERE backend_type = 'client backend' OR hidden_session)::int8 + 1,
  current_setting('max_connections')::int8,
  d.deadlocks::int8,
  d.stats_reset,
  (SELECT max(age(datfrozenxid)) FROM pg_database)::int8,
  (SELECT max(mxid_age(datminmxid)) FROM pg_database)::int8,
  current_setting('autovacuum_freeze_max_age')::float8,
  greatest((SELECT max(greatest(age(backend_xmin), age(backend_xid))) FROM act),
           (SELECT max(age(transaction)) FROM pg_prepared_xacts),
           (SELECT max(age(xmin)) FROM pg_replication_slots))::int8,
  (SELECT max(extract(epoch FROM now() - xact_start)) FROM act WHERE backend_type = 'client backend')::float8,
  (SELECT max(extract(epoch FROM now() - query_start)) FROM act WHERE state = 'active' AND backend_type = 'client backend')::float8,
  (SELECT max(extract(epoch FROM now() - state_change)) FROM act WHERE state LIKE 'idle in transaction%')::float8,
  (SELECT count(*) FROM act WHERE hidden_session)::int8,
  (100.0 * d.blks_hit / nullif(d.blks_hit + d.blks_read, 0))::float8,
  (SELECT count(*) FROM pg_index WHERE NOT indisvalid)::int8,
  (SELECT string_agg(c.relname::text, ', ' ORDER BY c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid),
  (SELECT max(pct) FROM seq_pct WHERE readable),
  (SELECT name FROM seq_pct WHERE readable ORDER BY pct DESC NULLS LAST LIMIT 1),
  (SELECT count(*) FROM seq_pct WHERE NOT readable)::int8,
  pg_database_size(current_database())::int8,
  current_database()::text,
  current_setting('server_version_num')::int4,
  (d.blks_hit + d.blks_read)::int8
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

/// `health`'s checks and `replication`'s, which it runs too.
pub fn all_checks() -> Vec<(&'static str, Threshold, &'static str)> {
    [CHECKS, super::replication::CHECKS].concat()
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub database: String,
    pub server_version_num: i32,
    pub stats_reset: Option<DateTime<Utc>>,
    /// Sessions of other roles whose details this role may not see (needs `pg_read_all_stats`);
    /// background processes are not counted.
    pub hidden_sessions: i64,
    pub status: Status,
    pub checks: Vec<Check>,
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
    let hidden: i64 = r.get(11);
    let mut checks = Vec::new();

    let (conns, max): (i64, i64) = (r.get(0), r.get(1));
    checks.push(Check::measured(
        "connections_pct",
        100.0 * conns as f64 / max.max(1) as f64,
        t.get("connections_pct"),
        format!("{conns} of max_connections {max}"),
    ));
    let stats_reset: Option<DateTime<Utc>> = r.get(3);
    checks.push(match r.get::<_, Option<i64>>(2) {
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
    let xmin: Option<i64> = r.get(7);
    let horizon = Check::measured(
        "xmin_horizon_age",
        xmin.unwrap_or(0) as f64,
        t.get("xmin_horizon_age"),
        "see `vacuum-report` for who holds it",
    );
    let (xid, mxid, freeze): (i64, i64, f64) = (r.get(4), r.get(5), r.get(6));
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
    let mut oldest = Check::measured(
        "oldest_transaction_s",
        r.get::<_, Option<f64>>(8).unwrap_or(0.0),
        t.get("oldest_transaction_s"),
        "oldest open transaction",
    );
    let mut long = Check::measured(
        "long_running_s",
        r.get::<_, Option<f64>>(9).unwrap_or(0.0),
        t.get("long_running_s"),
        "longest running statement",
    );
    let mut idle = Check::measured(
        "idle_in_transaction_s",
        r.get::<_, Option<f64>>(10).unwrap_or(0.0),
        t.get("idle_in_transaction_s"),
        "longest idle-in-transaction session",
    );
    // The xmin horizon is not among them: every session's backend_xmin is visible to any role.
    for c in [&mut oldest, &mut long, &mut idle] {
        if hidden > 0 && c.status == Status::Ok {
            c.status = Status::Unknown;
            c.message = format!(
                "{}; {hidden} session(s) of other roles not visible: grant pg_read_all_stats",
                c.message
            );
        }
    }
    checks.insert(2, horizon);
    checks.push(oldest);
    checks.push(long);
    checks.push(idle);
    let accesses = r.get::<_, Option<i64>>(21).unwrap_or(0);
    checks.push(match r.get::<_, Option<f64>>(12) {
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
    let invalid: i64 = r.get(13);
    checks.push(Check::measured(
        "invalid_indexes",
        invalid as f64,
        t.get("invalid_indexes"),
        r.get::<_, Option<String>>(14).map(|n| format!("invalid: {n}")).unwrap_or_else(|| "none".into()),
    ));
    let unreadable: i64 = r.get(17);
    let mut seq = match r.get::<_, Option<f64>>(15) {
        Some(p) => Check::measured(
            "sequence_used_pct",
            p,
            t.get("sequence_used_pct"),
            format!("most used: {}", r.get::<_, Option<String>>(16).unwrap_or_default()),
        ),
        None => {
            Check::measured("sequence_used_pct", 0.0, t.get("sequence_used_pct"), "no readable sequences")
        }
    };
    if unreadable > 0 && seq.status == Status::Ok {
        seq.status = Status::Unknown;
        seq.message = format!(
            "{}; {unreadable} sequence(s) not readable by this role (needs SELECT or USAGE)",
            seq.message
        );
    }
    checks.push(seq);
    checks.push(Check::measured(
        "database_size_bytes",
        r.get::<_, i64>(18) as f64,
        t.get("database_size_bytes"),
        "pg_database_size",
    ));

    checks.extend(replication.checks(t));

    Ok(HealthReport {
        database: r.get(19),
        server_version_num: r.get(20),
        stats_reset,
        hidden_sessions: hidden,
        status: combine(&checks),
        checks,
    })
}

impl Report for HealthReport {
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
