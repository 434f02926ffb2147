//! Series over the history, for the charts of `report --html`: one point per snapshot of the
//! period (a gauge: its value then; a counter: its change since the snapshot before, so one
//! point per interval), each table's and statement's figures carried forward from the reading
//! kept at or before each snapshot. Beyond [`MAX_POINTS`] snapshots, points are averaged over
//! equal runs of snapshots (the chart says so).

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::error::PgContext;
use crate::output::html::Series;

/// Points of a series: (Unix seconds, value).
pub type Points = Vec<(i64, f64)>;
/// A named series.
pub type Line = (String, Points);
/// Readings kept when they changed: (Unix seconds, value; `None` once gone).
pub type Kept = Vec<(i64, Option<f64>)>;
/// A statement's calls and mean time per interval.
pub type StatementLine = (String, Points, Points);

/// The most points a series is drawn with.
pub const MAX_POINTS: usize = 720;

/// Every gauge of the snapshots themselves.
pub struct SnapshotSeries {
    pub times: Vec<i64>,
    pub db_size: Vec<Option<f64>>,
    pub backends: Vec<Option<f64>>,
    pub xid_age: Vec<Option<f64>>,
    pub max_lag_s: Vec<Option<f64>>,
    pub slot_retained: Vec<Option<f64>>,
}

/// The snapshots of `target` since `since`.
pub async fn snapshots(history: &Client, target: &str, since: DateTime<Utc>) -> Result<SnapshotSeries> {
    let rows = history
        .query_typed(
            "SELECT extract(epoch FROM taken_at)::int8 AS t, db_size_bytes::float8 AS db_size,
                    numbackends::float8 AS backends, xid_age::float8 AS xid_age, max_lag_s,
                    slot_retained_bytes::float8 AS slot_retained
             FROM towow_history.snapshots WHERE target = $1 AND taken_at >= $2 ORDER BY taken_at",
            &[(&target, Type::TEXT), (&since, Type::TIMESTAMPTZ)],
        )
        .await
        .pg_context("cannot read the snapshots")?;
    let mut s = SnapshotSeries {
        times: Vec::with_capacity(rows.len()),
        db_size: Vec::new(),
        backends: Vec::new(),
        xid_age: Vec::new(),
        max_lag_s: Vec::new(),
        slot_retained: Vec::new(),
    };
    for r in &rows {
        s.times.push(r.try_get("t")?);
        s.db_size.push(r.try_get("db_size")?);
        s.backends.push(r.try_get("backends")?);
        s.xid_age.push(r.try_get("xid_age")?);
        s.max_lag_s.push(r.try_get("max_lag_s")?);
        s.slot_retained.push(r.try_get("slot_retained")?);
    }
    Ok(s)
}

/// A series from values at the snapshot times (missing values left out), averaged down to
/// [`MAX_POINTS`].
pub fn series(name: &str, times: &[i64], values: &[Option<f64>]) -> Series {
    let points: Vec<(i64, f64)> = times.iter().zip(values).filter_map(|(t, v)| v.map(|v| (*t, v))).collect();
    Series { name: name.to_string(), points: thin(points) }
}

/// Average equal runs of points down to [`MAX_POINTS`] (time and value of each run's mean).
pub fn thin(points: Vec<(i64, f64)>) -> Vec<(i64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let per = points.len().div_ceil(MAX_POINTS);
    points
        .chunks(per)
        .map(|c| {
            let n = c.len() as f64;
            ((c.iter().map(|p| p.0 as f64).sum::<f64>() / n) as i64, c.iter().map(|p| p.1).sum::<f64>() / n)
        })
        .collect()
}

/// How many snapshots each point of a long series stands for (1 when drawn one to one).
pub fn per_point(snapshots: usize) -> usize {
    if snapshots <= MAX_POINTS { 1 } else { snapshots.div_ceil(MAX_POINTS) }
}

/// The `top` tables by `column` (`total_bytes` or `n_dead_tup`, now), each with its `column` at
/// every one of the snapshot `times`: the readings kept for them (only when they changed, read by
/// an index range each) carried forward to each snapshot.
pub async fn tables(
    history: &Client,
    target: &str,
    since: DateTime<Utc>,
    times: &[i64],
    column: &str,
    top: i64,
) -> Result<Vec<Line>> {
    let column = match column {
        "total_bytes" => "total_bytes",
        _ => "n_dead_tup",
    };
    let sql = format!(
        "WITH top AS (SELECT relid, schema_name, table_name FROM towow_history.tables_last
                      WHERE target = $1 ORDER BY {column} DESC NULLS LAST, relid LIMIT $3)
         SELECT top.schema_name || '.' || top.table_name AS name, extract(epoch FROM x.taken_at)::int8 AS t,
                CASE WHEN x.gone THEN NULL ELSE x.{column}::float8 END AS v
         FROM top
         CROSS JOIN LATERAL (
           -- The reading in force at the period's start, then every one in it.
           (SELECT * FROM towow_history.tables y WHERE y.target = $1 AND y.relid = top.relid AND y.taken_at < $2
            ORDER BY y.taken_at DESC LIMIT 1)
           UNION ALL
           SELECT * FROM towow_history.tables y WHERE y.target = $1 AND y.relid = top.relid AND y.taken_at >= $2
         ) x
         ORDER BY name, x.taken_at"
    );
    let rows = history
        .query_typed(&sql, &[(&target, Type::TEXT), (&since, Type::TIMESTAMPTZ), (&top, Type::INT8)])
        .await
        .pg_context("cannot read the tables' history")?;
    let mut readings: Vec<(String, Kept)> = Vec::new();
    for r in &rows {
        let name: String = r.try_get("name")?;
        let (t, v): (i64, Option<f64>) = (r.try_get("t")?, r.try_get("v")?);
        match readings.last_mut() {
            Some(last) if last.0 == name => last.1.push((t, v)),
            _ => readings.push((name, vec![(t, v)])),
        }
    }
    Ok(readings.into_iter().map(|(name, kept)| (name, thin(carry_forward(&kept, times)))).collect())
}

/// The value in force at each of `times` (ascending) from readings kept when they changed
/// (ascending; `None`: gone); no point before the first reading or while gone.
pub fn carry_forward(kept: &[(i64, Option<f64>)], times: &[i64]) -> Points {
    let mut out = Vec::with_capacity(times.len());
    let mut i = 0;
    let mut current: Option<f64> = None;
    for &t in times {
        while i < kept.len() && kept[i].0 <= t {
            current = kept[i].1;
            i += 1;
        }
        if let (Some(v), true) = (current, i > 0) {
            out.push((t, v));
        }
    }
    out
}

/// The `top` statements by total time in the period, each with its calls and mean time per
/// interval between consecutive snapshots where it ran. A statement's reading is kept only when
/// it changed, so the difference with its previous kept reading is what it did in the interval
/// that ends at this one (it did nothing in the intervals between).
pub async fn statements(
    history: &Client,
    target: &str,
    since: DateTime<Utc>,
    top: i64,
) -> Result<Vec<StatementLine>> {
    let rows = history
        .query_typed(
            "WITH top AS (
               -- The heaviest in the period: now (the last readings) less at its start, by an
               -- index lookup each; then only their readings are read.
               SELECT l.queryid, l.userid
               FROM towow_history.statements_last l
               LEFT JOIN LATERAL (SELECT x.total_ms, x.gone FROM towow_history.statements x
                                  WHERE x.target = l.target AND x.queryid = l.queryid AND x.userid = l.userid
                                    AND x.taken_at < $2 ORDER BY x.taken_at DESC LIMIT 1) b ON true
               WHERE l.target = $1
               ORDER BY l.total_ms - CASE WHEN b.gone OR b.total_ms > l.total_ms THEN 0 ELSE coalesce(b.total_ms, 0) END DESC
               LIMIT $3
             ), d AS (
               SELECT x.queryid, x.userid, x.taken_at, x.gone,
                      x.calls - lag(x.calls) OVER w AS dcalls, x.total_ms - lag(x.total_ms) OVER w AS dms
               FROM top JOIN towow_history.statements x
                 ON x.target = $1 AND x.queryid = top.queryid AND x.userid = top.userid AND x.taken_at >= $2
               WINDOW w AS (PARTITION BY x.queryid, x.userid ORDER BY x.taken_at)
             )
             SELECT left(coalesce(t.query, d.queryid::text), 60) AS name, extract(epoch FROM d.taken_at)::int8 AS t,
                    d.dcalls::float8 AS calls, (d.dms / d.dcalls)::float8 AS mean_ms
             FROM d
             LEFT JOIN towow_history.statement_texts t ON t.target = $1 AND t.queryid = d.queryid AND t.userid = d.userid
             WHERE d.dcalls > 0 AND NOT d.gone
             ORDER BY name, d.taken_at",
            &[(&target, Type::TEXT), (&since, Type::TIMESTAMPTZ), (&top, Type::INT8)],
        )
        .await
        .pg_context("cannot read the statements' history")?;
    let mut out: Vec<StatementLine> = Vec::new();
    for r in &rows {
        let name: String = r.try_get("name")?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let t: i64 = r.try_get("t")?;
        let (calls, mean): (f64, f64) = (r.try_get("calls")?, r.try_get("mean_ms")?);
        match out.last_mut() {
            Some(last) if last.0 == name => {
                last.1.push((t, calls));
                last.2.push((t, mean));
            }
            _ => out.push((name, vec![(t, calls)], vec![(t, mean)])),
        }
    }
    Ok(out.into_iter().map(|(n, c, m)| (n, thin(c), thin(m))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_kept_on_change_are_carried_to_every_snapshot() {
        let kept = [(10, Some(1.0)), (30, Some(2.0)), (50, None), (70, Some(3.0))];
        let times = [0, 10, 20, 30, 40, 50, 60, 70, 80];
        assert_eq!(
            carry_forward(&kept, &times),
            vec![(10, 1.0), (20, 1.0), (30, 2.0), (40, 2.0), (70, 3.0), (80, 3.0)]
        );
        assert_eq!(carry_forward(&[], &times), vec![]);
    }

    #[test]
    fn long_series_are_averaged_down_short_ones_kept() {
        let short: Vec<(i64, f64)> = (0..10).map(|i| (i, i as f64)).collect();
        assert_eq!(thin(short.clone()), short);
        let long: Vec<(i64, f64)> = (0..8640).map(|i| (i * 300, (i % 2) as f64)).collect();
        let t = thin(long);
        assert!(t.len() <= MAX_POINTS && t.len() >= MAX_POINTS - 1, "{}", t.len());
        assert!(t.iter().all(|p| (p.1 - 0.5).abs() < 0.1), "averaged");
        assert_eq!(per_point(100), 1);
        assert_eq!(per_point(8640), 12);
    }
}
