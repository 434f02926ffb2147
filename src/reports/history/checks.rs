//! The checks that need two readings, judged over a window of the history (issue 22): the
//! ToWow document's "deadlocks > 0", "slow queries > 100 per minute" and "CPU > 80 % for 5
//! minutes", and the disk. Without history they say what they can (since the statistics reset)
//! and that a snapshot would give the window; nothing claims a rate it could not compute.
//!
//! **Slow queries per minute.** pg_stat_statements keeps totals per statement, not per
//! execution: over the window, a statement is slow when its mean time there (Δtotal / Δcalls)
//! is at least `--slow` (1 s, the document's `log_min_duration_statement`), and all its calls in
//! the window count as slow executions. So a statement that is usually fast and slow once in a
//! while is not counted, and one whose mean is just over the line counts every call: the figure
//! is exact for statements whose executions take about the same time, approximate otherwise
//! (the server log, with `log_min_duration_statement`, has every execution).

use std::time::Duration;

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;

use super::read::{DatabaseReading, HostReading, StatementReading};
use super::window::{self, Window};
use crate::output::check::{Check, Threshold, Thresholds};
use crate::reports::host;

/// The window of the CPU check: the document's "for 5 minutes".
pub const CPU_WINDOW: Duration = Duration::from_secs(300);

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "slow_queries_per_min",
        Threshold::above(Some(100.0), None),
        "executions slower than --slow per minute over the window (see docs/reports.md)",
    ),
    ("cpu_busy_pct", Threshold::above(Some(80.0), None), "host CPU busy over the last 5 minutes, %"),
    (
        "disk_used_pct",
        Threshold::above(Some(80.0), Some(90.0)),
        "file system of the data directory used, % (df)",
    ),
];

/// What the windowed checks were judged over, for the report's JSON.
#[derive(Debug, Clone, Serialize)]
pub struct WindowInfo {
    /// Where the history is: the target's own database or the central store.
    pub store: String,
    pub target: String,
    pub window: Option<Window>,
    /// Why there is no window (no store, no snapshot yet, the store unreadable).
    pub missing: Option<String>,
    /// The database's counters now (what `--format openmetrics` exports).
    pub now: DatabaseReading,
}

/// The history's state for the windowed checks: the window for `target` in `store` (`None`: no
/// store there yet), or why it cannot be read.
pub async fn window_of(
    store: &Client,
    target: &str,
    asked: Duration,
    now: &DatabaseReading,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Window>> {
    if super::store::version(store).await? == 0 {
        return Ok(None);
    }
    window::window(store, target, asked, at, now).await
}

fn mins(s: f64) -> String {
    if s >= 120.0 { format!("{:.0} min", s / 60.0) } else { format!("{s:.0} s") }
}

/// `deadlocks` over the window: only those inside it, so a WARNING clears once the window has
/// passed it. Without history: since the statistics reset, said so.
pub fn deadlocks(now: &DatabaseReading, w: Option<&Window>, t: &Thresholds, no_history: &str) -> Check {
    let th = t.get("deadlocks");
    let Some(d) = now.deadlocks else {
        return Check::unknown("deadlocks", Some(th), "no statistics for this database");
    };
    match w {
        Some(w) if w.broken.is_some() => Check::unknown(
            "deadlocks",
            Some(th),
            format!("over the last {}: {}", mins(w.span_s), w.broken.clone().unwrap_or_default()),
        ),
        Some(w) => match w.baseline.deadlocks {
            Some(then) => Check::measured(
                "deadlocks",
                (d - then) as f64,
                th,
                format!(
                    "in the last {} (snapshot of {})",
                    mins(w.span_s),
                    w.baseline.taken_at.format("%H:%M:%S UTC")
                ),
            ),
            None => Check::unknown("deadlocks", Some(th), "the window's snapshot has no deadlock count"),
        },
        None => Check::measured(
            "deadlocks",
            d as f64,
            th,
            format!(
                "since {} ({no_history})",
                now.stats_reset
                    .map(|s| s.to_rfc3339())
                    .unwrap_or_else(|| "the statistics were created".into())
            ),
        ),
    }
}

/// `slow_queries_per_min` over the window (see the module's documentation for the method).
pub fn slow_per_min(
    w: Option<&Window>,
    before: Option<&std::collections::HashMap<(i64, i64), window::StatementAt>>,
    now: Option<&[StatementReading]>,
    slow: Duration,
    t: &Thresholds,
    no_history: &str,
) -> Check {
    let name = "slow_queries_per_min";
    let th = t.get(name);
    let Some(w) = w else {
        return Check::not_applicable(
            name,
            Some(th),
            format!("a rate needs two readings: not measured ({no_history})"),
        );
    };
    let Some(now) = now else {
        return Check::not_applicable(name, Some(th), "pg_stat_statements cannot be read here: not measured");
    };
    if let Some(b) = &w.broken {
        return Check::unknown(name, Some(th), format!("over the last {}: {b}", mins(w.span_s)));
    }
    if !w.baseline.statements_tracked {
        return Check::unknown(
            name,
            Some(th),
            "the window's snapshot has no statements (pg_stat_statements was not readable)",
        );
    }
    if w.span_s < 1.0 {
        return Check::unknown(name, Some(th), "the window is shorter than a second");
    }
    let Some(before) = before else {
        return Check::unknown(name, Some(th), "the statements' history could not be read");
    };
    let slow_ms = slow.as_secs_f64() * 1000.0;
    let d = window::deltas(before, now);
    let slow_calls: i64 = d.iter().filter(|s| s.mean_ms.is_some_and(|m| m >= slow_ms)).map(|s| s.calls).sum();
    let statements = d.iter().filter(|s| s.mean_ms.is_some_and(|m| m >= slow_ms)).count();
    let per_min = slow_calls as f64 / (w.span_s / 60.0);
    Check::measured(
        name,
        (per_min * 100.0).round() / 100.0,
        th,
        format!(
            "{slow_calls} execution(s) of {statements} statement(s) with a mean of {} or more in the last {}",
            crate::output::cells::secs(Some(slow.as_secs_f64())),
            mins(w.span_s)
        ),
    )
}

/// `cpu_busy_pct`: the host's CPU over the last 5 minutes, from the snapshot at least that old
/// (`cpu_base`) and now. Not measured (OK, said) where the host cannot be seen or without
/// history.
pub fn cpu(now: &HostReading, cpu_base: Option<&Window>, t: &Thresholds) -> Check {
    let name = "cpu_busy_pct";
    let th = t.get(name);
    if let Some(why) = &now.not_measured {
        return Check::not_applicable(name, Some(th), format!("not measured: {why}"));
    }
    let (Some(b), Some(a)) = (
        cpu_base.and_then(|w| Some((w.baseline.cpu_busy_ticks?, w.baseline.cpu_total_ticks?))),
        now.cpu_busy_ticks.zip(now.cpu_total_ticks),
    ) else {
        return Check::not_applicable(
            name,
            Some(th),
            "not measured: a busy % needs a reading 5 minutes old (run `towow-db snapshot` every minute)",
        );
    };
    let w = cpu_base.expect("checked above");
    match host::busy_pct(b, a) {
        Some(p) => Check::measured(
            name,
            (p * 10.0).round() / 10.0,
            th,
            format!("host CPU busy over the last {}", mins(w.span_s)),
        ),
        None => Check::unknown(name, Some(th), "the CPU counters did not advance (another host's snapshot?)"),
    }
}

/// `disk_used_pct`: the file system of the data directory, now (no history needed).
pub fn disk(now: &HostReading, t: &Thresholds) -> Check {
    let name = "disk_used_pct";
    let th = t.get(name);
    match (&now.not_measured, now.disk_used_pct()) {
        (Some(why), _) => Check::not_applicable(name, Some(th), format!("not measured: {why}")),
        (None, Some(p)) => Check::measured(
            name,
            (p * 10.0).round() / 10.0,
            th,
            format!(
                "{} free of {}",
                crate::output::cells::bytes(now.disk_avail_bytes.unwrap_or(0)),
                crate::output::cells::bytes(now.disk_total_bytes.unwrap_or(0))
            ),
        ),
        (None, None) => Check::unknown(name, Some(th), "the file system reported no size"),
    }
}

/// The windowed checks' settings (`health --window --slow --expect-standbys`).
#[derive(Debug, Clone)]
pub struct WindowOptions {
    pub window: Duration,
    pub slow: Duration,
    pub expect_standbys: Option<u32>,
}

/// What a report without history says instead of a window.
pub const NO_HISTORY: &str = "no history: `towow-db snapshot` every minute gives these checks a window";

/// Judge `health`'s windowed checks for the target `db` against its history (in `store`, else
/// in its own database): `deadlocks` over the window instead of since the reset, and
/// `slow_queries_per_min`, `cpu_busy_pct`, `disk_used_pct`, `standbys_streaming` added to
/// `checks` (health's). Returns what they were judged over; the caller judges the status again.
pub async fn apply_to_health(
    checks: &mut Vec<Check>,
    db: &crate::connect::Db,
    store: Option<&crate::connect::Db>,
    opts: &WindowOptions,
    t: &Thresholds,
) -> Result<WindowInfo> {
    let target = super::target_name(&db.cfg);
    let store_db = store.unwrap_or(db);
    // The statements are read only when a history can give them a window (no store: no rate
    // to compute, and reading pg_stat_statements whole costs a report on a big catalog).
    let has_store = {
        let client = store_db.get().await?;
        crate::reports::read_only(&client, || super::store::version(&client))
            .await
            .map(|v| v > 0)
            .unwrap_or(true)
    };
    let now = {
        let client = db.get().await?;
        super::read::light(&client, &db.cfg, has_store).await?
    };
    let store_name = match store {
        Some(s) => super::target_name(&s.cfg),
        None => "this database".to_string(),
    };
    let (w, cpu_w, before, missing) = {
        let client = store_db.get().await?;
        // Read-only, JIT off, like every report query.
        let found = crate::reports::read_only(&client, || async {
            let w = window_of(&client, &target, opts.window, &now.db, now.taken_at).await?;
            let cpu_w = match &w {
                Some(_) => window::window(&client, &target, CPU_WINDOW, now.taken_at, &now.db).await?,
                None => None,
            };
            let before = match &w {
                Some(w) => Some(window::statements_at(&client, &target, w.baseline.taken_at).await?),
                None => None,
            };
            anyhow::Ok((w, cpu_w, before))
        })
        .await;
        match found {
            Ok((Some(w), cpu_w, before)) => (Some(w), cpu_w, before, None),
            Ok((None, ..)) => (None, None, None, Some(NO_HISTORY.to_string())),
            Err(e) => {
                (None, None, None, Some(format!("the history cannot be read: {}", crate::error::render(&e))))
            }
        }
    };
    let no_history = missing.clone().unwrap_or_default();
    let deadlocks = deadlocks(&now.db, w.as_ref(), t, &no_history);
    match checks.iter_mut().find(|c| c.name == "deadlocks") {
        Some(c) => *c = deadlocks,
        None => checks.push(deadlocks),
    }
    checks.push(slow_per_min(
        w.as_ref(),
        before.as_ref(),
        now.statements.as_deref(),
        opts.slow,
        t,
        &no_history,
    ));
    // The CPU window is the document's 5 minutes; a younger history is not enough.
    let cpu_w = cpu_w.filter(|c| c.span_s >= CPU_WINDOW.as_secs_f64() * 0.9);
    checks.push(cpu(&now.host, cpu_w.as_ref(), t));
    checks.push(disk(&now.host, t));
    if let Some(n) = opts.expect_standbys {
        let streaming = streaming_standbys(db).await?;
        checks.push(crate::reports::replication::expected_standbys(streaming, n));
    }
    let mut now_db = now.db;
    // The size health read itself (the light reading leaves it out).
    now_db.size_bytes = checks
        .iter()
        .find(|c| c.name == "database_size_bytes")
        .and_then(|c| c.value.as_ref())
        .and_then(|v| v.as_i64());
    Ok(WindowInfo { store: store_name, target, window: w, missing, now: now_db })
}

/// Standbys streaming from the server `db` reaches.
pub async fn streaming_standbys(db: &crate::connect::Db) -> Result<i64> {
    let client = db.get().await?;
    let rows = crate::reports::read_only(&client, || {
        crate::reports::query(
            &client,
            "the standbys",
            "SELECT count(*) FILTER (WHERE state = 'streaming')::int8 AS n FROM pg_stat_replication",
            &[],
        )
    })
    .await?;
    Ok(rows[0].try_get("n")?)
}
