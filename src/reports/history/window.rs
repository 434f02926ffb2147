//! Windows over the history: "now" compared with the latest snapshot at least a window old.
//! A counter that went backwards (a statistics reset, a restart, a failover to a server with
//! other counters) is said, with when, and what depends on it is UNKNOWN for that window.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::read::{DatabaseReading, StatementReading};
use crate::error::PgContext;

/// The snapshot a window starts from: the figures the windowed checks compare with.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    pub id: i64,
    pub taken_at: DateTime<Utc>,
    pub postmaster_start: Option<DateTime<Utc>>,
    pub stats_reset: Option<DateTime<Utc>>,
    pub statements_reset: Option<DateTime<Utc>>,
    pub statements_tracked: bool,
    pub deadlocks: Option<i64>,
    pub db_size_bytes: Option<i64>,
    pub cpu_busy_ticks: Option<i64>,
    pub cpu_total_ticks: Option<i64>,
}

/// A window: its start, how long it really spans, and what broke its counters.
#[derive(Debug, Clone, Serialize)]
pub struct Window {
    /// The window asked for.
    pub asked_s: f64,
    /// From the baseline to now (shorter than asked when the history is younger).
    pub span_s: f64,
    pub baseline: Baseline,
    /// Why the counters cannot be compared across this window (a reset, a restart), with when.
    pub broken: Option<String>,
    /// Snapshots of this target in the store, and the oldest one's time.
    pub snapshots: i64,
    pub history_since: Option<DateTime<Utc>>,
}

const BASELINE_COLUMNS: &str = "id, taken_at, postmaster_start, stats_reset, statements_reset, statements_tracked, \
     deadlocks, db_size_bytes, cpu_busy_ticks, cpu_total_ticks";

fn baseline_of(r: &tokio_postgres::Row) -> Result<Baseline> {
    Ok(Baseline {
        id: r.try_get("id")?,
        taken_at: r.try_get("taken_at")?,
        postmaster_start: r.try_get("postmaster_start")?,
        stats_reset: r.try_get("stats_reset")?,
        statements_reset: r.try_get("statements_reset")?,
        statements_tracked: r.try_get("statements_tracked")?,
        deadlocks: r.try_get("deadlocks")?,
        db_size_bytes: r.try_get("db_size_bytes")?,
        cpu_busy_ticks: r.try_get("cpu_busy_ticks")?,
        cpu_total_ticks: r.try_get("cpu_total_ticks")?,
    })
}

/// The window of `target` ending `now`: from the latest snapshot taken at least `window` before
/// `now`, else (a history younger than the window) from the oldest one; `None` without any.
pub async fn window(
    history: &Client,
    target: &str,
    window: Duration,
    now: DateTime<Utc>,
    current: &DatabaseReading,
) -> Result<Option<Window>> {
    let start = crate::units::ago(now, window);
    let sql = format!(
        "SELECT {BASELINE_COLUMNS}, (SELECT count(*) FROM towow_history.snapshots WHERE target = $1) AS snapshots,
                (SELECT min(taken_at) FROM towow_history.snapshots WHERE target = $1) AS history_since
         FROM towow_history.snapshots
         WHERE target = $1 AND taken_at <= $3
         ORDER BY (taken_at <= $2) DESC, CASE WHEN taken_at <= $2 THEN taken_at END DESC, taken_at
         LIMIT 1"
    );
    let rows = history
        .query_typed(&sql, &[(&target, Type::TEXT), (&start, Type::TIMESTAMPTZ), (&now, Type::TIMESTAMPTZ)])
        .await
        .pg_context("cannot read the history")?;
    let Some(r) = rows.first() else { return Ok(None) };
    let baseline = baseline_of(r)?;
    let span_s = (now - baseline.taken_at).num_milliseconds() as f64 / 1000.0;
    let broken = broken(&baseline, current);
    Ok(Some(Window {
        asked_s: window.as_secs_f64(),
        span_s,
        baseline,
        broken,
        snapshots: r.try_get("snapshots")?,
        history_since: r.try_get("history_since")?,
    }))
}

/// Why the database's counters now cannot be compared with the baseline's: a restart (the
/// postmaster's start time changed), a statistics reset, a counter lower than before (a
/// failover to another server, a crash: both zero the statistics).
pub fn broken(b: &Baseline, now: &DatabaseReading) -> Option<String> {
    let t = |d: Option<DateTime<Utc>>| d.map(|d| d.format("%Y-%m-%d %H:%M:%S UTC").to_string());
    if b.postmaster_start.is_some() && now.postmaster_start != b.postmaster_start {
        return Some(format!(
            "the server restarted at {} (its statistics started again)",
            t(now.postmaster_start).unwrap_or_else(|| "an unknown time".into())
        ));
    }
    if now.stats_reset != b.stats_reset && now.stats_reset.is_some_and(|r| r > b.taken_at) {
        return Some(format!("the statistics were reset at {}", t(now.stats_reset).unwrap_or_default()));
    }
    if let (Some(then), Some(n)) = (b.deadlocks, now.deadlocks)
        && n < then
    {
        return Some(format!(
            "the deadlock counter went back from {then} to {n} (a reset, a crash or a failover)"
        ));
    }
    None
}

/// A statement's figures at a snapshot time (the latest kept at or before it), its text left
/// empty.
pub type StatementAt = StatementReading;

/// Every statement's figures as they were at `at` ((queryid, userid) → figures); statements gone
/// by then are absent.
pub async fn statements_at(
    history: &Client,
    target: &str,
    at: DateTime<Utc>,
) -> Result<HashMap<(i64, i64), StatementAt>> {
    Ok(stored_statements(history, target, at, false)
        .await?
        .into_iter()
        .map(|s| ((s.queryid, s.userid), s))
        .collect())
}

/// What one statement did between two readings.
#[derive(Debug, Clone, Serialize)]
pub struct StatementDelta {
    pub queryid: i64,
    pub userid: i64,
    pub calls: i64,
    pub total_ms: f64,
    pub mean_ms: Option<f64>,
    pub rows: i64,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
    pub io_ms: f64,
    /// Not there at the start: new in the interval (or back after an eviction or a reset).
    pub new: bool,
    /// Its mean time up to the start (cumulative then), to compare with the interval's.
    pub mean_before_ms: Option<f64>,
    pub query: String,
}

/// The differences between `before` and `after` (statements whose counters went back are taken
/// as new: they restarted from zero inside the interval).
pub fn deltas(before: &HashMap<(i64, i64), StatementAt>, after: &[StatementReading]) -> Vec<StatementDelta> {
    after
        .iter()
        .filter_map(|a| {
            let b = before
                .get(&(a.queryid, a.userid))
                .filter(|b| b.calls <= a.calls && b.total_ms <= a.total_ms + 1e-6);
            let (calls, total_ms) = match b {
                Some(b) => (a.calls - b.calls, a.total_ms - b.total_ms),
                None => (a.calls, a.total_ms),
            };
            (calls > 0).then(|| StatementDelta {
                queryid: a.queryid,
                userid: a.userid,
                calls,
                total_ms,
                mean_ms: Some(total_ms / calls as f64),
                rows: a.rows - b.map_or(0, |b| b.rows),
                shared_blks_hit: a.shared_blks_hit - b.map_or(0, |b| b.shared_blks_hit),
                shared_blks_read: a.shared_blks_read - b.map_or(0, |b| b.shared_blks_read),
                io_ms: a.io_ms - b.map_or(0.0, |b| b.io_ms),
                new: b.is_none(),
                mean_before_ms: b.and_then(|b| (b.calls > 0).then(|| b.total_ms / b.calls as f64)),
                query: a.query.clone(),
            })
        })
        .collect()
}

/// The statements' figures at the latest snapshot at or before `at`, as readings (with their
/// texts), for an interval that ends in the past (`--between`).
pub async fn statements_as_readings(
    history: &Client,
    target: &str,
    at: DateTime<Utc>,
) -> Result<Vec<StatementReading>> {
    stored_statements(history, target, at, true).await
}

/// The latest kept figures of each statement at or before `at` (not those gone by then), and
/// their texts when asked.
async fn stored_statements(
    history: &Client,
    target: &str,
    at: DateTime<Utc>,
    texts: bool,
) -> Result<Vec<StatementReading>> {
    let rows = history
        .query_typed(
            "SELECT s.queryid, s.userid::int8 AS userid, s.calls, s.total_ms, s.rows, s.shared_blks_hit,
                    s.shared_blks_read, s.io_ms,
                    CASE WHEN $3 THEN (SELECT t.query FROM towow_history.statement_texts t
                                       WHERE t.target = s.target AND t.queryid = s.queryid AND t.userid = s.userid) END AS query
             FROM towow_history.statement_texts k
             -- The latest reading of each statement ever seen, by an index lookup each (not a
             -- scan of every reading before $2).
             CROSS JOIN LATERAL (SELECT * FROM towow_history.statements x
                                 WHERE x.target = k.target AND x.queryid = k.queryid AND x.userid = k.userid
                                   AND x.taken_at <= $2
                                 ORDER BY x.taken_at DESC LIMIT 1) s
             WHERE k.target = $1 AND NOT s.gone",
            &[(&target, Type::TEXT), (&at, Type::TIMESTAMPTZ), (&texts, Type::BOOL)],
        )
        .await
        .pg_context("cannot read the statements' history")?;
    rows.iter()
        .map(|r| {
            Ok(StatementReading {
                queryid: r.try_get("queryid")?,
                userid: r.try_get("userid")?,
                calls: r.try_get::<_, Option<i64>>("calls")?.unwrap_or(0),
                total_ms: r.try_get::<_, Option<f64>>("total_ms")?.unwrap_or(0.0),
                rows: r.try_get::<_, Option<i64>>("rows")?.unwrap_or(0),
                shared_blks_hit: r.try_get::<_, Option<i64>>("shared_blks_hit")?.unwrap_or(0),
                shared_blks_read: r.try_get::<_, Option<i64>>("shared_blks_read")?.unwrap_or(0),
                io_ms: r.try_get::<_, Option<f64>>("io_ms")?.unwrap_or(0.0),
                query: r.try_get::<_, Option<String>>("query")?.unwrap_or_default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b() -> Baseline {
        Baseline {
            id: 1,
            taken_at: "2026-12-01T10:00:00Z".parse().unwrap(),
            postmaster_start: Some("2026-11-01T00:00:00Z".parse().unwrap()),
            stats_reset: None,
            statements_reset: None,
            statements_tracked: true,
            deadlocks: Some(3),
            db_size_bytes: None,
            cpu_busy_ticks: None,
            cpu_total_ticks: None,
        }
    }

    #[test]
    fn a_restart_a_reset_or_a_counter_that_went_back_breaks_the_window() {
        let now = DatabaseReading {
            postmaster_start: Some("2026-11-01T00:00:00Z".parse().unwrap()),
            deadlocks: Some(3),
            ..Default::default()
        };
        assert_eq!(broken(&b(), &now), None);
        let restarted = DatabaseReading {
            postmaster_start: Some("2026-12-01T10:05:00Z".parse().unwrap()),
            ..now.clone()
        };
        assert!(broken(&b(), &restarted).unwrap().contains("restarted at 2026-12-01 10:05:00"));
        let reset =
            DatabaseReading { stats_reset: Some("2026-12-01T10:07:00Z".parse().unwrap()), ..now.clone() };
        assert!(broken(&b(), &reset).unwrap().contains("reset at 2026-12-01 10:07:00"));
        // A reset before the baseline was taken is not one inside the window.
        let old_reset =
            DatabaseReading { stats_reset: Some("2026-12-01T09:00:00Z".parse().unwrap()), ..now.clone() };
        assert_eq!(broken(&b(), &old_reset), None);
        let back = DatabaseReading { deadlocks: Some(1), ..now };
        assert!(broken(&b(), &back).unwrap().contains("from 3 to 1"));
    }

    #[test]
    fn deltas_are_what_each_statement_did_in_the_interval() {
        let r = |q: i64, calls: i64, total: f64| StatementReading {
            queryid: q,
            userid: 10,
            calls,
            total_ms: total,
            rows: calls,
            shared_blks_hit: 0,
            shared_blks_read: 0,
            io_ms: 0.0,
            query: format!("q{q}"),
        };
        let at = |calls: i64, total: f64| StatementAt { query: String::new(), ..r(0, calls, total) };
        let before: HashMap<(i64, i64), StatementAt> =
            [((1, 10), at(1000, 1000.0)), ((2, 10), at(10, 100.0)), ((3, 10), at(50, 50.0))].into();
        let d = deltas(&before, &[r(1, 1010, 21000.0), r(2, 10, 100.0), r(3, 5, 5000.0), r(4, 3, 30.0)]);
        let by = |q: i64| d.iter().find(|x| x.queryid == q);
        let one = by(1).unwrap();
        assert_eq!(
            (one.calls, one.total_ms, one.mean_ms, one.mean_before_ms),
            (10, 20000.0, Some(2000.0), Some(1.0))
        );
        assert!(by(2).is_none(), "no calls in the interval");
        // Counters lower than at the start: restarted from zero inside the interval.
        assert!(by(3).unwrap().new && by(3).unwrap().calls == 5);
        assert!(by(4).unwrap().new);
    }
}
