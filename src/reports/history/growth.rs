//! `sizes --growth`: how fast the database and each table grow, in bytes per day over the
//! history (from the first reading in the period to the last), and, when the disk holding the
//! data directory was measured, how many days until it is full at that rate.

use std::time::Duration;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;

use crate::error::PgContext;
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};

#[derive(Debug, Clone, Serialize)]
pub struct TableGrowth {
    pub schema: String,
    pub table: String,
    pub first_bytes: Option<i64>,
    pub last_bytes: Option<i64>,
    pub bytes_per_day: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrowthReport {
    pub target: String,
    pub store: String,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub snapshots: i64,
    pub database_first_bytes: Option<i64>,
    pub database_last_bytes: Option<i64>,
    pub database_bytes_per_day: Option<f64>,
    /// Free space of the data directory's file system at the last snapshot (when measured).
    pub disk_avail_bytes: Option<i64>,
    /// At the database's growth rate; null when it does not grow or the disk was not measured.
    pub days_until_full: Option<f64>,
    pub tables: Vec<TableGrowth>,
}

const SUMMARY_SQL: &str = "
SELECT min(taken_at) AS first, max(taken_at) AS last, count(*) AS snapshots,
       (array_agg(db_size_bytes ORDER BY taken_at))[1] AS first_bytes,
       (array_agg(db_size_bytes ORDER BY taken_at DESC))[1] AS last_bytes,
       (array_agg(disk_avail_bytes ORDER BY taken_at DESC))[1] AS disk_free_bytes,
       (array_agg(host_note ORDER BY taken_at DESC))[1] AS host_note
FROM towow_history.snapshots WHERE target = $1 AND taken_at >= coalesce($2, '-infinity')";

/// Each table's size at the first and the last snapshot of the period (the latest reading kept
/// at or before each, by an index lookup each), for the tables there now.
const TABLES_SQL: &str = "
SELECT k.schema_name, k.table_name, CASE WHEN f.gone THEN NULL ELSE f.total_bytes END AS first_bytes,
       l.total_bytes AS last_bytes
FROM towow_history.tables_last k
CROSS JOIN LATERAL (SELECT x.total_bytes, x.gone FROM towow_history.tables x
                    WHERE x.target = k.target AND x.relid = k.relid AND x.taken_at <= $3
                    ORDER BY x.taken_at DESC LIMIT 1) l
LEFT JOIN LATERAL (SELECT x.total_bytes, x.gone FROM towow_history.tables x
                   WHERE x.target = k.target AND x.relid = k.relid AND x.taken_at <= $2
                   ORDER BY x.taken_at DESC LIMIT 1) f ON true
WHERE k.target = $1 AND NOT l.gone";

/// Growth over the history of `target` since `since` ago (all of it when `None`).
pub async fn report(
    target: &crate::connect::Db,
    store: Option<&crate::connect::Db>,
    since: Option<Duration>,
    limit: Option<usize>,
) -> Result<GrowthReport> {
    let (name, hist, store_name) = super::open(target, store, "growth is computed from").await?;
    let from: Option<DateTime<Utc>> = since.map(|s| crate::units::ago(Utc::now(), s));
    let r = hist
        .query_typed_one(SUMMARY_SQL, &[(&name, Type::TEXT), (&from, Type::TIMESTAMPTZ)])
        .await
        .pg_context("cannot read the history")?;
    let snapshots: i64 = r.try_get("snapshots")?;
    let (Some(first), Some(last)) =
        (r.try_get::<_, Option<DateTime<Utc>>>("first")?, r.try_get::<_, Option<DateTime<Utc>>>("last")?)
    else {
        bail!("no snapshot of {name} in {store_name} for that period");
    };
    if snapshots < 2 || last <= first {
        bail!(
            "growth needs two snapshots of {name} some time apart; {store_name} has {snapshots} in the period"
        );
    }
    let days = (last - first).num_milliseconds() as f64 / 86_400_000.0;
    let per_day = |a: Option<i64>, b: Option<i64>| Some((b? - a?) as f64 / days);
    let (db_first, db_last): (Option<i64>, Option<i64>) =
        (r.try_get("first_bytes")?, r.try_get("last_bytes")?);
    let db_rate = per_day(db_first, db_last);
    let avail: Option<i64> = r.try_get("disk_free_bytes")?;
    let days_until_full = match (avail, db_rate) {
        (Some(a), Some(g)) if g > 0.0 => Some(a as f64 / g),
        _ => None,
    };
    let rows = hist
        .query_typed(
            TABLES_SQL,
            &[(&name, Type::TEXT), (&first, Type::TIMESTAMPTZ), (&last, Type::TIMESTAMPTZ)],
        )
        .await
        .pg_context("cannot read the tables' history")?;
    let mut tables = rows
        .iter()
        .map(|t| {
            let (a, b): (Option<i64>, Option<i64>) = (t.try_get("first_bytes")?, t.try_get("last_bytes")?);
            Ok(TableGrowth {
                schema: t.try_get("schema_name")?,
                table: t.try_get("table_name")?,
                first_bytes: a,
                last_bytes: b,
                bytes_per_day: per_day(a, b),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    tables.sort_by(|a, b| {
        b.bytes_per_day
            .unwrap_or(f64::MIN)
            .total_cmp(&a.bytes_per_day.unwrap_or(f64::MIN))
            .then(a.table.cmp(&b.table))
    });
    if let Some(n) = limit {
        tables.truncate(n);
    }
    Ok(GrowthReport {
        target: name,
        store: store_name,
        first,
        last,
        snapshots,
        database_first_bytes: db_first,
        database_last_bytes: db_last,
        database_bytes_per_day: db_rate,
        // The last snapshot's free space as `df`'s Avail (the root-reserved blocks not counted).
        disk_avail_bytes: avail,
        days_until_full,
        tables,
    })
}

impl Report for GrowthReport {
    fn sections(&self) -> Vec<Section> {
        use crate::output::cells::{bytes, f1};
        let rate = |v: Option<f64>| {
            v.map(|v| format!("{}/day", bytes(v.round() as i64))).unwrap_or_else(|| "-".into())
        };
        let size = |v: Option<i64>| v.map(bytes).unwrap_or_else(|| "-".into());
        vec![
            Section {
                title: format!(
                    "Growth of {} from {} to {} ({} snapshots)",
                    self.target,
                    self.first.format("%Y-%m-%d %H:%M"),
                    self.last.format("%Y-%m-%d %H:%M UTC"),
                    self.snapshots
                ),
                headers: vec!["database", "first", "last", "growth", "disk free", "days until full"],
                rows: vec![vec![
                    self.target.clone(),
                    size(self.database_first_bytes),
                    size(self.database_last_bytes),
                    rate(self.database_bytes_per_day),
                    size(self.disk_avail_bytes),
                    f1(self.days_until_full),
                ]],
                ..Default::default()
            },
            Section {
                title: String::new(),
                headers: vec!["schema", "table", "first", "last", "growth"],
                rows: self
                    .tables
                    .iter()
                    .map(|t| {
                        vec![
                            t.schema.clone(),
                            t.table.clone(),
                            size(t.first_bytes),
                            size(t.last_bytes),
                            rate(t.bytes_per_day),
                        ]
                    })
                    .collect(),
                empty: "no table in the history",
                ..Default::default()
            },
        ]
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
