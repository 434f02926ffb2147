//! `sizes`: the database's size and, per table (largest first), its heap, TOAST, index and total
//! sizes; a partitioned parent also shows the total of all its partitions (it has no storage of
//! its own).

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::{Filter, query};
use crate::output::cells::bytes;
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

/// One row per table. Each file is statted once: the heap's forks, the TOAST table with its
/// index, the indexes; together they are `pg_total_relation_size`. With `--schema`/`--table`,
/// the partitions of the tables asked for are read too (a parent's totals are its partitions'),
/// and `requested` says which rows were asked for.
const SIZES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS table, c.relkind::text AS relkind, c.oid::int8 AS oid,
       (SELECT i.inhparent::int8 FROM pg_inherits i WHERE i.inhrelid = c.oid AND c.relispartition LIMIT 1) AS parent,
       coalesce(pg_relation_size(c.oid, 'main'), 0)::int8 AS table_bytes,
       coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::int8 AS toast_bytes,
       coalesce(pg_indexes_size(c.oid), 0)::int8 AS indexes_bytes,
       coalesce(pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm')
                + pg_relation_size(c.oid, 'init'), 0)::int8 AS maps_bytes,
       c.reltuples::float8 AS reltuples,
       ($1::text[] IS NULL OR n.nspname = ANY($1)) AND ($2::text[] IS NULL OR c.relname = ANY($2)) AS requested
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND c.relpersistence <> 't'
  AND {table_filter}";

const DATABASE_SQL: &str = "SELECT pg_database_size(current_database())::int8, current_database()::text";

#[derive(Debug, Clone, Serialize)]
pub struct TableSize {
    pub schema: String,
    pub table: String,
    /// `table`, `materialized_view` or `partitioned`.
    pub kind: &'static str,
    /// The main fork (heap) only.
    pub table_bytes: i64,
    /// The TOAST table and its index.
    pub toast_bytes: i64,
    pub indexes_bytes: i64,
    /// Heap + TOAST + indexes + free space and visibility maps.
    pub total_bytes: i64,
    /// For a partitioned parent: the total of all its partitions, recursively.
    pub partitions_total_bytes: Option<i64>,
    /// The rows by the last VACUUM/ANALYZE (-1: never); for a partitioned parent the sum of its
    /// partitions' (its own is from its last ANALYZE, stale once partitions come and go).
    pub reltuples: f64,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SizesReport {
    pub database: String,
    pub database_bytes: i64,
    /// Tables shown (after `--limit`) and how many matched.
    pub table_count: usize,
    pub tables: Vec<TableSize>,
}

pub async fn report(db: &crate::connect::Db, filter: &Filter, limit: Option<usize>) -> Result<SizesReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, filter, limit)).await
}

async fn read(client: &Client, filter: &Filter, limit: Option<usize>) -> Result<SizesReport> {
    let (schemas, tables) = (filter.schemas_param(), filter.tables_param());
    let filter: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    let sql = SIZES_SQL.replace("{table_filter}", &super::table_filter_with_partitions("c", "n"));
    let (rows, db_rows) = futures_util::try_join!(
        query(client, "the relation sizes", &sql, &filter),
        query(client, "the database size", DATABASE_SQL, &[]),
    )?;
    let (database_bytes, database): (i64, String) = (db_rows[0].get(0), db_rows[0].get(1));
    let mut names: HashMap<i64, String> = HashMap::new();
    let mut parent_of: HashMap<i64, i64> = HashMap::new();
    let mut out: Vec<(i64, bool, TableSize)> = Vec::new();
    for r in &rows {
        let oid: i64 = r.get("oid");
        let (schema, table): (String, String) = (r.get("schema"), r.get("table"));
        names.insert(oid, format!("{schema}.{table}"));
        if let Some(p) = r.get::<_, Option<i64>>("parent") {
            parent_of.insert(oid, p);
        }
        let kind: String = r.get("relkind");
        let parts: [i64; 4] =
            [r.get("table_bytes"), r.get("toast_bytes"), r.get("indexes_bytes"), r.get("maps_bytes")];
        out.push((
            oid,
            r.get("requested"),
            TableSize {
                schema,
                table,
                kind: match kind.as_str() {
                    "p" => "partitioned",
                    "m" => "materialized_view",
                    _ => "table",
                },
                table_bytes: parts[0],
                toast_bytes: parts[1],
                indexes_bytes: parts[2],
                total_bytes: parts.iter().sum(),
                partitions_total_bytes: None,
                reltuples: r.get("reltuples"),
                parent: None,
            },
        ));
    }
    // Add every partition's total (and row estimate) to each of its ancestors (cycles are
    // impossible in pg_inherits, the depth bound only guards against a damaged catalog). A
    // parent's own `reltuples` is from its last ANALYZE, which nothing runs on its own
    // (autovacuum never analyzes a partitioned table): its partitions' are current.
    let leaves: Vec<(i64, i64, f64)> = out
        .iter()
        .filter(|(_, _, t)| t.kind != "partitioned")
        .map(|(o, _, t)| (*o, t.total_bytes, t.reltuples))
        .collect();
    let mut sums: HashMap<i64, (i64, f64, bool)> = HashMap::new();
    for (oid, total, rows) in leaves {
        let mut cur = oid;
        for _ in 0..1000 {
            let Some(p) = parent_of.get(&cur) else { break };
            let e = sums.entry(*p).or_default();
            e.0 += total;
            if rows >= 0.0 {
                (e.1, e.2) = (e.1 + rows, true);
            }
            cur = *p;
        }
    }
    for (oid, _, t) in &mut out {
        if t.kind == "partitioned" {
            let (bytes, rows, any_known) = sums.get(oid).copied().unwrap_or_default();
            t.partitions_total_bytes = Some(bytes);
            // No partition analyzed (or none at all): as unknown as a never analyzed table.
            t.reltuples = if any_known { rows } else { -1.0 };
        }
        t.parent = parent_of.get(oid).and_then(|p| names.get(p).cloned());
    }
    let mut tables: Vec<TableSize> =
        out.into_iter().filter(|(_, requested, _)| *requested).map(|(_, _, t)| t).collect();
    tables.sort_by(|a, b| {
        let key = |t: &TableSize| t.partitions_total_bytes.unwrap_or(0).max(t.total_bytes);
        key(b).cmp(&key(a)).then_with(|| (&a.schema, &a.table).cmp(&(&b.schema, &b.table)))
    });
    let table_count = tables.len();
    if let Some(l) = limit {
        tables.truncate(l);
    }
    Ok(SizesReport { database, database_bytes, table_count, tables })
}

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    ("database_size_bytes", Threshold::above(None, None), "size of this database, bytes"),
    ("largest_table_bytes", Threshold::above(None, None), "total size of the largest table, bytes"),
];

impl Report for SizesReport {
    fn metric_labels(&self) -> Vec<(&'static str, String)> {
        vec![("database", self.database.clone())]
    }

    fn metrics(&self) -> Vec<crate::output::metrics::Metric> {
        use crate::output::metrics::Metric;
        let db = || ("database", self.database.clone());
        let mut d = Metric::gauge("database_size_bytes", "Size of the database (pg_database_size).");
        d.add(vec![db()], Some(self.database_bytes as f64));
        let mut t =
            Metric::gauge("table_size_bytes", "Total size of a table: heap, TOAST, indexes and maps.");
        let mut i = Metric::gauge("table_indexes_size_bytes", "Size of a table's indexes.");
        for x in &self.tables {
            let l = vec![db(), ("schema", x.schema.clone()), ("table", x.table.clone())];
            t.add(l.clone(), Some(x.partitions_total_bytes.unwrap_or(x.total_bytes) as f64));
            i.add(l, Some(x.indexes_bytes as f64));
        }
        vec![d, t, i]
    }

    fn sections(&self) -> Vec<Section> {
        vec![Section {
            title: format!(
                "Database \"{}\": {} — {} of {} tables, largest first",
                self.database,
                bytes(self.database_bytes),
                self.tables.len(),
                self.table_count
            ),
            headers: vec![
                "table",
                "kind",
                "heap",
                "toast",
                "indexes",
                "total",
                "partitions total",
                "rows (est.)",
            ],
            rows: self
                .tables
                .iter()
                .map(|t| {
                    vec![
                        format!("{}.{}", t.schema, t.table),
                        t.kind.to_string(),
                        bytes(t.table_bytes),
                        bytes(t.toast_bytes),
                        bytes(t.indexes_bytes),
                        bytes(t.total_bytes),
                        t.partitions_total_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                        if t.reltuples < 0.0 {
                            "never analyzed".into()
                        } else {
                            format!("{:.0}", t.reltuples)
                        },
                    ]
                })
                .collect(),
            empty: "no tables",
            wide: &["kind", "partitions total"],
            ..Default::default()
        }]
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let largest = self
            .tables
            .iter()
            .map(|x| x.total_bytes.max(x.partitions_total_bytes.unwrap_or(0)))
            .max()
            .unwrap_or(0);
        vec![
            Check::measured(
                "database_size_bytes",
                self.database_bytes as f64,
                t.get("database_size_bytes"),
                "pg_database_size",
            ),
            Check::measured(
                "largest_table_bytes",
                largest as f64,
                t.get("largest_table_bytes"),
                self.tables.first().map(|x| format!("{}.{}", x.schema, x.table)).unwrap_or_default(),
            ),
        ]
    }
}
