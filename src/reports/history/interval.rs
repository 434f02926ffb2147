//! `slow-query --since 1h` / `--between T1 T2`: the heaviest statements by what they did in an
//! interval, from the history's readings at its start and the current counters (or the reading
//! at its end). Statements new in the interval and statements that became slower are called out.
//!
//! **Slower**: the interval's mean time is at least twice the mean up to its start, and at least
//! 1 ms more (a 0.01 ms statement doubling is noise).

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::window::{self, StatementDelta};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::slow::Sort;

/// How many times slower, and by how much at least, a statement must have become to be called
/// slower.
pub const SLOWER_FACTOR: f64 = 2.0;
pub const SLOWER_MIN_MS: f64 = 1.0;

#[derive(Debug, Clone, Serialize)]
pub struct IntervalStatement {
    #[serde(flatten)]
    pub delta: StatementDelta,
    /// Share of the interval's total time.
    pub pct_of_total: Option<f64>,
    pub slower: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IntervalReport {
    pub target: String,
    pub store: String,
    /// The interval asked for.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The readings it is computed from: the snapshot at or before `from`, and `to`'s (now's
    /// counters, or the snapshot at or before `to`).
    pub start_reading: DateTime<Utc>,
    pub end_reading: DateTime<Utc>,
    pub sort: Sort,
    pub total_ms: f64,
    pub calls: i64,
    pub statements: Vec<IntervalStatement>,
    pub new_statements: usize,
    pub slower_statements: usize,
    pub notes: Vec<String>,
}

/// The statements' work from `from` to `to` (`None`: now, from the live counters).
pub async fn report(
    target: &crate::connect::Db,
    store: Option<&crate::connect::Db>,
    from: DateTime<Utc>,
    to: Option<DateTime<Utc>>,
    sort: Sort,
    limit: usize,
) -> Result<IntervalReport> {
    let (name, hist, store_name) =
        super::open(target, store, "--since needs: a snapshot from before the interval").await?;
    let first = hist
        .query_typed(
            "SELECT max(taken_at) FILTER (WHERE taken_at <= $2) AS start_at, min(taken_at) AS oldest, \
                    max(taken_at) FILTER (WHERE taken_at <= coalesce($3, 'infinity')) AS end_at, \
                    (SELECT statements_reset FROM towow_history.snapshots WHERE target = $1 ORDER BY taken_at DESC LIMIT 1) AS statements_reset \
             FROM towow_history.snapshots WHERE target = $1",
            &[
                (&name, tokio_postgres::types::Type::TEXT),
                (&from, tokio_postgres::types::Type::TIMESTAMPTZ),
                (&to, tokio_postgres::types::Type::TIMESTAMPTZ),
            ],
        )
        .await
        .map_err(|e| anyhow::Error::from(crate::error::PgError::new(&e, "cannot read the history")))?;
    let r = &first[0];
    let oldest: Option<DateTime<Utc>> = r.try_get("oldest")?;
    let mut notes = Vec::new();
    // A history younger than the interval: from its oldest snapshot, said so.
    let start = match (r.try_get::<_, Option<DateTime<Utc>>>("start_at")?, oldest) {
        (Some(s), _) => s,
        (None, Some(o)) if to.is_none_or(|t| o < t) => {
            notes.push(format!(
                "the history starts at {}, after the interval's start: the figures cover from then",
                o.format("%Y-%m-%d %H:%M:%S UTC")
            ));
            o
        }
        (None, _) => bail!(
            "no snapshot of {name} at or before {} in {store_name}: {}",
            from.format("%Y-%m-%d %H:%M:%S UTC"),
            match oldest {
                Some(o) => format!("the history starts at {}", o.format("%Y-%m-%d %H:%M:%S UTC")),
                None => "it has no snapshot of this target yet".into(),
            }
        ),
    };
    let before = window::statements_at(&hist, &name, start).await?;
    let (after, end) = match to {
        None => {
            let client = target.get().await?;
            let now = super::read::light(&client, &target.cfg, true).await?;
            let Some(s) = now.statements else {
                bail!("pg_stat_statements cannot be read now: {}", now.notes.join("; "));
            };
            if now.statements_reset.is_some_and(|r| r > start) {
                notes.push(format!(
                    "pg_stat_statements was reset at {} inside the interval: what ran before it is lost",
                    now.statements_reset
                        .map(|r| r.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_default()
                ));
            }
            (s, now.taken_at)
        }
        Some(t) => {
            let Some(end) = r.try_get::<_, Option<DateTime<Utc>>>("end_at")? else {
                bail!("no snapshot at or before {}", t.format("%Y-%m-%d %H:%M:%S UTC"));
            };
            if end <= start {
                bail!(
                    "no snapshot between {} and {}: the interval is shorter than the snapshots' spacing",
                    from,
                    t
                );
            }
            (window::statements_as_readings(&hist, &name, end).await?, end)
        }
    };
    if start < from - chrono::Duration::minutes(10) && to.is_none_or(|_| true) {
        notes.push(format!(
            "the nearest snapshot before the interval is from {}: the figures cover from then",
            start.format("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    let mut deltas = window::deltas(&before, &after);
    let total_ms: f64 = deltas.iter().map(|d| d.total_ms).sum();
    let calls: i64 = deltas.iter().map(|d| d.calls).sum();
    let key = |d: &StatementDelta| match sort {
        Sort::Total => d.total_ms,
        Sort::Mean => d.mean_ms.unwrap_or(0.0),
        Sort::Calls => d.calls as f64,
        Sort::Io => d.io_ms,
        Sort::Temp => d.total_ms,
    };
    deltas.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.queryid.cmp(&b.queryid)));
    let is_slower = |d: &StatementDelta| match (d.mean_ms, d.mean_before_ms) {
        (Some(now), Some(then)) => now >= then * SLOWER_FACTOR && now - then >= SLOWER_MIN_MS,
        _ => false,
    };
    let new_statements = deltas.iter().filter(|d| d.new).count();
    let slower_statements = deltas.iter().filter(|d| is_slower(d)).count();
    let statements = deltas
        .into_iter()
        .take(limit)
        .map(|d| IntervalStatement {
            pct_of_total: (total_ms > 0.0).then(|| 100.0 * d.total_ms / total_ms),
            slower: is_slower(&d),
            delta: d,
        })
        .collect();
    Ok(IntervalReport {
        target: name,
        store: store_name,
        from,
        to: to.unwrap_or(end),
        start_reading: start,
        end_reading: end,
        sort,
        total_ms,
        calls,
        statements,
        new_statements,
        slower_statements,
        notes,
    })
}

impl Report for IntervalReport {
    fn sections(&self) -> Vec<Section> {
        use crate::output::cells::f1;
        let rows = self
            .statements
            .iter()
            .map(|s| {
                let d = &s.delta;
                let change = if d.new {
                    "new".to_string()
                } else {
                    match (d.mean_ms, d.mean_before_ms) {
                        (Some(n), Some(b)) if b > 0.0 => {
                            format!("{}x{}", f1(Some(n / b)), if s.slower { " slower" } else { "" })
                        }
                        _ => "-".into(),
                    }
                };
                vec![
                    d.queryid.to_string(),
                    d.calls.to_string(),
                    f1(Some(d.total_ms)),
                    f1(s.pct_of_total),
                    f1(d.mean_ms),
                    f1(d.mean_before_ms),
                    change,
                    d.rows.to_string(),
                    d.query.split_whitespace().collect::<Vec<_>>().join(" "),
                ]
            })
            .collect();
        vec![Section {
            title: format!(
                "Statements of {} from {} to {} ({} calls, {} ms; {} new, {} slower)",
                self.target,
                self.start_reading.format("%Y-%m-%d %H:%M:%S"),
                self.end_reading.format("%Y-%m-%d %H:%M:%S UTC"),
                self.calls,
                f1(Some(self.total_ms)),
                self.new_statements,
                self.slower_statements
            ),
            headers: vec![
                "queryid",
                "calls",
                "total ms",
                "% total",
                "mean ms",
                "mean before",
                "change",
                "rows",
                "query",
            ],
            rows,
            empty: "no statement ran in the interval",
            wide: &["queryid", "rows"],
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
