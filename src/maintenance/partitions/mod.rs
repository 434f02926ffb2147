//! `partitions`: every partitioned table with its strategy, key, partitions (bounds, rows,
//! size), its default partition's rows, and, for range partitions on a timestamp or date, how
//! far ahead they reach: the interval, the gaps, the future partitions, and the days until
//! inserts fail (or land in the default partition). [`ensure`] creates the next ones.
//!
//! Times are local times of the session's time zone (the server converts the bounds), the zone
//! partitions are usually created in; `ensure --time-zone` reads and writes them in another.

pub mod ensure;

use anyhow::Result;

use crate::error::PgContext;
use chrono::NaiveDateTime;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::maintenance::bounds::{self, Bound, Gap, Interval, TimeRange};
use crate::maintenance::table::TIME_TYPES;
use crate::output::cells::{bytes, opt};
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::{Filter, query};

/// Every top-level partitioned table and its direct partitions (rows and size over each one's
/// whole subtree; rows from `reltuples`, or the statistics' live rows where never analyzed).
const TABLES_SQL: &str = "
SELECT p.oid::int8 AS oid, pn.nspname::text AS schema, p.relname::text AS table,
       pg_get_partkeydef(p.oid) AS key,
       CASE pt.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END AS strategy,
       CASE WHEN pt.partnatts = 1 AND pt.partexprs IS NULL THEN
         (SELECT coalesce(nullif(ty.typbasetype, 0), ty.oid)::regtype::text
          FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
          WHERE a.attrelid = p.oid AND a.attnum = pt.partattrs[0]) END AS key_type,
       CASE WHEN pt.partnatts = 1 AND pt.partexprs IS NULL THEN
         (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = p.oid AND a.attnum = pt.partattrs[0]) END
         AS key_column,
       c.oid::int8 AS partition_oid, cn.nspname::text AS partition_schema, c.relname::text AS partition,
       pg_get_expr(c.relpartbound, c.oid) AS bound, c.relkind = 'p' AS subpartitioned,
       (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t)::int8 AS bytes,
       (SELECT sum(CASE WHEN cc.reltuples > 0 THEN cc.reltuples ELSE s.n_live_tup END)
        FROM pg_partition_tree(c.oid) t JOIN pg_class cc ON cc.oid = t.relid
        LEFT JOIN pg_stat_all_tables s ON s.relid = t.relid WHERE t.isleaf)::int8 AS rows,
       {pending} AS detach_pending
FROM pg_class p
JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_partitioned_table pt ON pt.partrelid = p.oid
LEFT JOIN pg_inherits i ON i.inhparent = p.oid
LEFT JOIN pg_class c ON c.oid = i.inhrelid
LEFT JOIN pg_namespace cn ON cn.oid = c.relnamespace
WHERE p.relkind = 'p' AND NOT p.relispartition
  AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND ($1::text[] IS NULL OR pn.nspname = ANY ($1)) AND ($2::text[] IS NULL OR p.relname = ANY ($2))
ORDER BY schema, \"table\", partition";

/// Range bounds as local timestamps of the session (`$1` lower, `$2` upper; NULL for
/// MINVALUE/MAXVALUE). `{ty}`: the key's type.
const LOCAL_BOUNDS_SQL: &str = "SELECT x.f::{ty}::timestamp AS from, x.t::{ty}::timestamp AS to \
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY x(f, t, i) ORDER BY x.i";

const NOW_SQL: &str = "SELECT localtimestamp AS now, current_setting('TimeZone') AS time_zone";

/// The rows of a default partition are counted up to this many.
pub const DEFAULT_ROWS_CAP: i64 = 1_000_000;

/// One partition of a partitioned table.
#[derive(Debug, Clone, Serialize)]
pub struct Partition {
    pub schema: String,
    pub name: String,
    /// As PostgreSQL prints it: `FOR VALUES FROM (…) TO (…)`, `DEFAULT`, ….
    pub bound: String,
    /// A range on a time key: the bounds as local times (null for MINVALUE/MAXVALUE).
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// The planner's rows (over its subpartitions).
    pub rows: Option<i64>,
    pub bytes: i64,
    /// Itself partitioned.
    pub subpartitioned: bool,
    /// Being detached concurrently (no longer used by queries on the table).
    pub detach_pending: bool,
}

/// How far a time-range partitioned table reaches.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The interval of the latest partition, when it is one day, week, month or year.
    pub interval: Option<Interval>,
    /// The highest upper bound (null: a partition reaches MAXVALUE).
    pub covered_until: Option<NaiveDateTime>,
    /// The first time from now on that no partition covers (null: never).
    pub next_uncovered: Option<NaiveDateTime>,
    /// Days until then (0 when now is not covered).
    pub days_left: Option<f64>,
    /// Partitions that start after now.
    pub future_partitions: i64,
    /// Holes between partitions.
    pub gaps: Vec<Gap>,
    /// What rows dated in an uncovered time do: `fail` or `default` (land in the default partition).
    pub uncovered_rows: &'static str,
}

/// One top-level partitioned table.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionedTable {
    #[serde(skip)]
    pub oid: i64,
    pub schema: String,
    pub table: String,
    pub strategy: String,
    /// `pg_get_partkeydef`, e.g. `RANGE (created_at)`.
    pub key: String,
    /// The key's column and type, for a one-column key.
    pub key_column: Option<String>,
    pub key_type: Option<String>,
    pub partitions: Vec<Partition>,
    pub rows: Option<i64>,
    pub bytes: i64,
    pub default_partition: Option<String>,
    /// Rows in the default partition, counted up to [`DEFAULT_ROWS_CAP`] (then `default_rows_capped`).
    pub default_rows: Option<i64>,
    pub default_rows_capped: bool,
    /// For a range on a timestamp or date.
    pub coverage: Option<Coverage>,
}

impl PartitionedTable {
    /// The time ranges of the partitions (not the default, not those being detached).
    pub fn ranges(&self) -> Vec<TimeRange> {
        self.partitions
            .iter()
            .filter(|p| p.bound != "DEFAULT" && !p.detach_pending)
            .map(|p| TimeRange { name: p.name.clone(), from: p.from, to: p.to })
            .collect()
    }

    pub fn display(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }

    /// A range on one timestamp or date column.
    pub fn time_key(&self) -> bool {
        self.strategy == "range" && self.key_type.as_deref().is_some_and(|t| TIME_TYPES.contains(&t))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PartitionsReport {
    /// The server's local time and the session's time zone, that the times are in.
    pub now: NaiveDateTime,
    pub time_zone: String,
    pub tables: Vec<PartitionedTable>,
}

/// Read the partitioned tables `filter` selects. `time_zone`: read the time bounds as local
/// times of this zone instead of the session's.
pub async fn read(client: &Client, filter: &Filter, time_zone: Option<&str>) -> Result<PartitionsReport> {
    let version = crate::maintenance::table::server_version(client).await?;
    let pending = if version >= 140000 { "coalesce(i.inhdetachpending, false)" } else { "false" };
    let (schemas, tables) = (filter.schemas_param(), filter.tables_param());
    let rows = query(
        client,
        "the partitioned tables",
        &TABLES_SQL.replace("{pending}", pending),
        &[(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)],
    )
    .await?;
    let mut out: Vec<PartitionedTable> = Vec::new();
    for r in &rows {
        let oid: i64 = r.get("oid");
        if out.last().is_none_or(|t| t.oid != oid) {
            out.push(PartitionedTable {
                oid,
                schema: r.get("schema"),
                table: r.get("table"),
                key: r.get("key"),
                strategy: r.get("strategy"),
                key_type: r.get("key_type"),
                key_column: r.get("key_column"),
                partitions: Vec::new(),
                rows: None,
                bytes: 0,
                default_partition: None,
                default_rows: None,
                default_rows_capped: false,
                coverage: None,
            });
        }
        let t = out.last_mut().expect("pushed above");
        let Some(name) = r.get::<_, Option<String>>("partition") else { continue };
        t.partitions.push(Partition {
            schema: r.get("partition_schema"),
            name,
            bound: r.get::<_, Option<String>>("bound").unwrap_or_default(),
            from: None,
            to: None,
            rows: r.get("rows"),
            bytes: r.get("bytes"),
            subpartitioned: r.get("subpartitioned"),
            detach_pending: r.get("detach_pending"),
        });
    }
    // The session's time zone, or the one asked for, for the bounds and for now.
    if let Some(tz) = time_zone {
        client
            .batch_execute(&format!("BEGIN; SET LOCAL TimeZone = {}", crate::sql::quote_literal(tz)))
            .await
            .pg_context(format!("time zone `{tz}`"))?;
    }
    let local = async {
        let now = query(client, "the server's time", NOW_SQL, &[]).await?;
        let (now, tz): (NaiveDateTime, String) = (now[0].get("now"), now[0].get("time_zone"));
        for t in out.iter_mut().filter(|t| t.time_key()) {
            local_bounds(client, t).await?;
        }
        Ok::<_, anyhow::Error>((now, tz))
    }
    .await;
    if time_zone.is_some() {
        let _ = client.batch_execute(if local.is_ok() { "COMMIT" } else { "ROLLBACK" }).await;
    }
    let (now, time_zone) = local?;
    for t in out.iter_mut() {
        t.rows = t.partitions.iter().filter_map(|p| p.rows).reduce(|a, b| a + b);
        t.bytes = t.partitions.iter().map(|p| p.bytes).sum();
        if let Some(d) = t.partitions.iter().find(|p| p.bound == "DEFAULT") {
            let sql = format!(
                "SELECT count(*)::int8 FROM (SELECT 1 FROM {} LIMIT {}) x",
                crate::sql::qualified(&d.schema, &d.name),
                DEFAULT_ROWS_CAP + 1
            );
            let n: i64 = query(client, "the default partition's rows", &sql, &[]).await?[0].get(0);
            t.default_partition = Some(format!("{}.{}", d.schema, d.name));
            t.default_rows = Some(n.min(DEFAULT_ROWS_CAP));
            t.default_rows_capped = n > DEFAULT_ROWS_CAP;
        }
        if t.time_key() {
            t.coverage = Some(coverage(&t.ranges(), now, t.default_partition.is_some()));
        }
    }
    Ok(PartitionsReport { now, time_zone, tables: out })
}

/// Fill in the partitions' bounds as local times.
async fn local_bounds(client: &Client, t: &mut PartitionedTable) -> Result<()> {
    let mut idx = Vec::new();
    let (mut froms, mut tos): (Vec<Option<String>>, Vec<Option<String>>) = (Vec::new(), Vec::new());
    for (i, p) in t.partitions.iter().enumerate() {
        if let Bound::Range { from, to } = bounds::parse(&p.bound)
            && from.len() == 1
        {
            idx.push(i);
            froms.push(from[0].value().map(str::to_string));
            tos.push(to[0].value().map(str::to_string));
        }
    }
    if idx.is_empty() {
        return Ok(());
    }
    let ty = t.key_type.clone().unwrap_or_default();
    let rows = query(
        client,
        "the partition bounds",
        &LOCAL_BOUNDS_SQL.replace("{ty}", &ty),
        &[(&froms, Type::TEXT_ARRAY), (&tos, Type::TEXT_ARRAY)],
    )
    .await?;
    for (r, i) in rows.iter().zip(idx) {
        t.partitions[i].from = r.get("from");
        t.partitions[i].to = r.get("to");
    }
    Ok(())
}

/// How far `ranges` reach from `now`.
pub fn coverage(ranges: &[TimeRange], now: NaiveDateTime, has_default: bool) -> Coverage {
    let covers =
        |t: NaiveDateTime| ranges.iter().any(|r| r.from.is_none_or(|f| f <= t) && r.to.is_none_or(|x| t < x));
    let next_uncovered = if !covers(now) {
        Some(now)
    } else {
        ranges.iter().filter_map(|r| r.to).filter(|t| *t > now && !covers(*t)).min()
    };
    Coverage {
        interval: bounds::infer_interval(ranges),
        covered_until: bounds::covered_until(ranges),
        next_uncovered,
        days_left: next_uncovered.map(|t| (t - now).num_seconds() as f64 / 86400.0),
        future_partitions: ranges.iter().filter(|r| r.from.is_some_and(|f| f > now)).count() as i64,
        gaps: bounds::gaps(ranges),
        uncovered_rows: if has_default { "default" } else { "fail" },
    }
}

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "future_partitions",
        Threshold::below(Some(2.0), Some(1.0)),
        "the fewest partitions starting after now, over the time-range partitioned tables",
    ),
    (
        "days_left",
        Threshold::below(None, Some(1.0)),
        "the fewest days until rows dated from now on find no partition (0: already)",
    ),
    (
        "partition_gaps",
        Threshold::above(Some(0.0), None),
        "holes between range partitions (inserts there fail)",
    ),
    ("default_partition_rows", Threshold::above(None, None), "rows in default partitions"),
];

fn day(t: &Option<NaiveDateTime>) -> String {
    t.map(|t| if bounds::is_midnight(t) { t.format("%Y-%m-%d").to_string() } else { t.to_string() })
        .unwrap_or_else(|| "-".into())
}

impl Report for PartitionsReport {
    fn sections(&self) -> Vec<Section> {
        let tables = self
            .tables
            .iter()
            .map(|t| {
                let c = t.coverage.as_ref();
                vec![
                    t.display(),
                    t.key.clone(),
                    t.partitions.len().to_string(),
                    opt(&t.rows),
                    bytes(t.bytes),
                    match (&t.default_rows, t.default_rows_capped) {
                        (Some(n), true) => format!("{n}+"),
                        (Some(n), false) => n.to_string(),
                        (None, _) => "no default".into(),
                    },
                    c.and_then(|c| c.interval).map(|i| i.as_str().to_string()).unwrap_or_else(|| "-".into()),
                    c.map(|c| day(&c.covered_until)).unwrap_or_else(|| "-".into()),
                    c.and_then(|c| c.days_left).map(|d| format!("{d:.1}")).unwrap_or_else(|| "-".into()),
                    c.map(|c| c.future_partitions.to_string()).unwrap_or_else(|| "-".into()),
                    c.map(|c| c.gaps.len().to_string()).unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        let parts = self
            .tables
            .iter()
            .flat_map(|t| {
                t.partitions.iter().map(move |p| {
                    vec![
                        t.display(),
                        format!("{}.{}", p.schema, p.name),
                        format!(
                            "{}{}{}",
                            match (p.from, p.to) {
                                (None, None) => crate::output::cells::one_line(&p.bound, 70),
                                (f, t) => format!(
                                    "{} to {}",
                                    f.map(|f| day(&Some(f))).unwrap_or_else(|| "MINVALUE".into()),
                                    t.map(|t| day(&Some(t))).unwrap_or_else(|| "MAXVALUE".into())
                                ),
                            },
                            if p.subpartitioned { " (partitioned)" } else { "" },
                            if p.detach_pending { " (DETACH PENDING)" } else { "" }
                        ),
                        opt(&p.rows),
                        bytes(p.bytes),
                    ]
                })
            })
            .collect();
        vec![
            Section {
                title: format!("Partitioned tables ({}), times in {}", self.tables.len(), self.time_zone),
                headers: vec![
                    "table",
                    "key",
                    "partitions",
                    "rows",
                    "size",
                    "default rows",
                    "interval",
                    "covered until",
                    "days left",
                    "future",
                    "gaps",
                ],
                rows: tables,
                empty: "no partitioned tables",
                wide: &["rows", "interval"],
                ..Default::default()
            },
            Section {
                title: "Partitions".into(),
                headers: vec!["table", "partition", "bound", "rows", "size"],
                rows: parts,
                empty: "no partitions",
                ..Default::default()
            },
        ]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        for t in &self.tables {
            let Some(c) = &t.coverage else { continue };
            if let (Some(at), Some(days), true) = (c.next_uncovered, c.days_left, c.future_partitions < 2) {
                let what = if c.uncovered_rows == "fail" {
                    "fail (no partition, no default partition)".to_string()
                } else {
                    format!(
                        "land in the default partition {}",
                        t.default_partition.clone().unwrap_or_default()
                    )
                };
                let when = if days <= 0.0 { "already".to_string() } else { format!("in {days:.1} days") };
                n.push(format!(
                    "{}: rows dated from {} ({when}) {what}; create the next partitions with `towow-db partitions ensure --table {} --ahead 3`",
                    t.display(),
                    day(&Some(at)),
                    t.display()
                ));
            }
            for g in &c.gaps {
                n.push(format!(
                    "{}: no partition from {} to {}",
                    t.display(),
                    day(&Some(g.from)),
                    day(&g.to)
                ));
            }
        }
        n
    }

    fn checks(&self, th: &Thresholds) -> Vec<Check> {
        let timed: Vec<&PartitionedTable> = self.tables.iter().filter(|t| t.coverage.is_some()).collect();
        let future = timed
            .iter()
            .filter_map(|t| Some((t, t.coverage.as_ref()?.future_partitions)))
            .min_by_key(|(_, n)| *n)
            .map(|(t, n)| {
                Check::measured(
                    "future_partitions",
                    n as f64,
                    th.get("future_partitions"),
                    format!("fewest: {}", t.display()),
                )
            })
            .unwrap_or_else(|| {
                Check::not_applicable(
                    "future_partitions",
                    Some(th.get("future_partitions")),
                    "no range partitioned table on a timestamp or date",
                )
            });
        let days = timed
            .iter()
            .filter_map(|t| Some((t, t.coverage.as_ref()?.days_left?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(t, d)| {
                Check::measured(
                    "days_left",
                    (d * 10.0).floor() / 10.0,
                    th.get("days_left"),
                    format!("fewest: {}", t.display()),
                )
            })
            .unwrap_or_else(|| {
                Check::not_applicable("days_left", Some(th.get("days_left")), "no time range runs out")
            });
        let gaps: Vec<String> = timed
            .iter()
            .filter(|t| t.coverage.as_ref().is_some_and(|c| !c.gaps.is_empty()))
            .map(|t| t.display())
            .collect();
        let gap_count: usize = timed.iter().filter_map(|t| t.coverage.as_ref()).map(|c| c.gaps.len()).sum();
        let default_rows: i64 = self.tables.iter().filter_map(|t| t.default_rows).sum();
        vec![
            future,
            days,
            Check::measured("partition_gaps", gap_count as f64, th.get("partition_gaps"), gaps.join(", ")),
            Check::measured(
                "default_partition_rows",
                default_rows as f64,
                th.get("default_partition_rows"),
                self.tables
                    .iter()
                    .filter(|t| t.default_rows.is_some_and(|n| n > 0))
                    .map(|t| t.display())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{s} 00:00:00"), "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn r(from: &str, to: &str) -> TimeRange {
        TimeRange { name: String::new(), from: Some(t(from)), to: Some(t(to)) }
    }

    #[test]
    fn coverage_counts_future_partitions_and_days_left() {
        let ranges =
            [r("2026-05-01", "2026-06-01"), r("2026-06-01", "2026-07-01"), r("2026-07-01", "2026-08-01")];
        let c = coverage(&ranges, t("2026-06-10"), false);
        assert_eq!(c.future_partitions, 1);
        assert_eq!(c.next_uncovered, Some(t("2026-08-01")));
        assert_eq!(c.days_left, Some(52.0));
        assert_eq!(c.interval, Some(Interval::Month));
        assert_eq!(c.uncovered_rows, "fail");
        // A hole after now is where inserts fail first.
        let holed =
            [r("2026-05-01", "2026-06-01"), r("2026-06-01", "2026-07-01"), r("2026-08-01", "2026-09-01")];
        let c = coverage(&holed, t("2026-06-10"), true);
        assert_eq!(c.next_uncovered, Some(t("2026-07-01")));
        assert_eq!(c.gaps.len(), 1);
        // Now itself not covered: already failing.
        let c = coverage(&ranges, t("2026-09-02"), false);
        assert_eq!((c.days_left, c.future_partitions), (Some(0.0), 0));
    }
}
