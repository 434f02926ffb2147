//! The estimated bloat of btree indexes, from the statistics alone (no index is read): the
//! pages a freshly built index would need at its fillfactor, from the index's row count
//! (`reltuples`) and its columns' average widths and null fractions (`pg_stats`, of the table's
//! columns or, for expressions, the index's own), against the pages it has (`relpages`). The
//! model is that of PostgreSQL Experts' and ioguix's `btree_bloat.sql`: a tuple is an 8-byte
//! header (+4 for the null bitmap when a column has nulls) and the data, each aligned to 8 bytes,
//! plus a 4-byte line pointer; a page holds `block_size − 24 − 16` bytes, times the fillfactor;
//! plus the metapage.
//!
//! Indexes under [`MIN_PAGES`] get none. Checked against `pgstatindex` (pgstattuple) in the
//! tests. It is an estimate: btree
//! deduplication (13+) packs repeated keys tighter than the model, so an index of many duplicates
//! looks less bloated than it is; an index whose table was never analyzed has no estimate.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::IndexRow;
use crate::output::cells::bytes;
use crate::output::report::Section;
use crate::reports::{Filter, query};

/// Every btree index with storage (schema and table filters as the reports', reaching the
/// partitions of the tables named), with its pages,
/// rows, fillfactor and, per column, the statistics' null fraction and average width (null
/// where `pg_stats` has no row: never analyzed, or not readable by this role).
const INPUTS_SQL: &str = "
SELECT n.nspname::text AS schema, ci.relname::text AS index, ci.relpages::int8 AS relpages,
       ci.reltuples::float8 AS reltuples,
       coalesce((SELECT substring(o FROM '^fillfactor=([0-9]+)$')::int4 FROM unnest(ci.reloptions) o
                 WHERE o LIKE 'fillfactor=%'), 90)::int4 AS fillfactor,
       current_setting('block_size')::int4 AS block_size,
       array_agg(s.null_frac::float8 ORDER BY k.pos) AS null_fractions,
       array_agg(s.avg_width::int4 ORDER BY k.pos) AS widths
FROM pg_index i
JOIN pg_class ci ON ci.oid = i.indexrelid
JOIN pg_class ct ON ct.oid = i.indrelid
JOIN pg_namespace n ON n.oid = ct.relnamespace
JOIN pg_am am ON am.oid = ci.relam
CROSS JOIN LATERAL generate_series(1, i.indnatts::int4) AS k(pos)
LEFT JOIN pg_attribute ta ON i.indkey[k.pos - 1] <> 0 AND ta.attrelid = ct.oid AND ta.attnum = i.indkey[k.pos - 1]
LEFT JOIN pg_attribute ia ON i.indkey[k.pos - 1] = 0 AND ia.attrelid = ci.oid AND ia.attnum = k.pos
LEFT JOIN pg_stats s ON s.schemaname = n.nspname
  AND s.tablename = CASE WHEN ta.attname IS NULL THEN ci.relname ELSE ct.relname END
  AND s.attname = coalesce(ta.attname, ia.attname)
WHERE am.amname = 'btree' AND ci.relkind = 'i' AND ci.relpages >= $3
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND {table_filter}
GROUP BY n.nspname, ci.relname, ci.relpages, ci.reltuples, ci.reloptions";

/// A btree index's estimated bloat.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IndexBloat {
    /// The pages beyond what a fresh build at the fillfactor would need, in bytes.
    pub bytes: i64,
    /// Of the index's size (`relpages`).
    pub pct: f64,
    /// What a fresh build would take.
    pub expected_bytes: i64,
}

/// The statistics of one index the estimate works from.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub relpages: i64,
    pub reltuples: f64,
    pub fillfactor: i32,
    pub block_size: i32,
    /// (null fraction, average width) per column; `None` where the statistics have none.
    pub columns: Vec<Option<(f64, i32)>>,
}

const MAXALIGN: f64 = 8.0;

fn align(n: f64) -> f64 {
    (n / MAXALIGN).ceil() * MAXALIGN
}

/// The estimate, or `None` without statistics (never analyzed, or a column without them).
pub fn estimate(i: &Inputs) -> Option<IndexBloat> {
    if i.reltuples < 0.0 || i.relpages <= 0 {
        return None;
    }
    let cols: Vec<(f64, i32)> = i.columns.iter().copied().collect::<Option<_>>()?;
    let nulls = cols.iter().any(|(nf, _)| *nf > 0.0);
    let header = align(if nulls { 8.0 + 4.0 } else { 8.0 });
    let data = align(cols.iter().map(|(nf, w)| (1.0 - nf) * *w as f64).sum());
    let usable = (i.block_size - 24 - 16) as f64 * i.fillfactor as f64 / 100.0;
    let per_page = (usable / (4.0 + header + data)).floor().max(1.0);
    let expected_pages = 1.0 + (i.reltuples / per_page).ceil();
    let extra = (i.relpages as f64 - expected_pages).max(0.0);
    Some(IndexBloat {
        bytes: (extra * i.block_size as f64) as i64,
        pct: 100.0 * extra / i.relpages as f64,
        expected_bytes: (expected_pages.min(i.relpages as f64) * i.block_size as f64) as i64,
    })
}

/// Indexes smaller than this many pages (64 kB) get no estimate: a few pages say nothing.
pub const MIN_PAGES: i64 = 8;

/// The estimate of every btree index `filter` selects, by (schema, index name).
pub async fn estimates(client: &Client, filter: &Filter) -> Result<HashMap<(String, String), IndexBloat>> {
    let (schemas, tables) = (filter.schemas_param(), filter.tables_param());
    let rows = query(
        client,
        "the indexes' statistics",
        &INPUTS_SQL.replace("{table_filter}", &crate::reports::table_filter_with_partitions("ct", "n")),
        &[(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY), (&MIN_PAGES, Type::INT8)],
    )
    .await?;
    let mut out = HashMap::new();
    for r in &rows {
        let nulls: Vec<Option<f64>> = r.get("null_fractions");
        let widths: Vec<Option<i32>> = r.get("widths");
        let inputs = Inputs {
            relpages: r.get("relpages"),
            reltuples: r.get("reltuples"),
            fillfactor: r.get("fillfactor"),
            block_size: r.get("block_size"),
            columns: nulls.into_iter().zip(widths).map(|(n, w)| Some((n?, w?))).collect(),
        };
        if let Some(b) = estimate(&inputs) {
            out.insert((r.get("schema"), r.get("index")), b);
        }
    }
    Ok(out)
}

/// Set the estimate of each of `indexes` (those `filter` selected).
pub async fn fill(client: &Client, filter: &Filter, indexes: &mut [IndexRow]) -> Result<()> {
    let bloat = estimates(client, filter).await?;
    for i in indexes {
        i.bloat = bloat.get(&(i.schema.clone(), i.index.clone())).copied();
    }
    Ok(())
}

/// The `--bloat` table: the indexes with an estimate, most bloated (in bytes) first.
pub fn section(indexes: &[IndexRow]) -> Option<Section> {
    let mut with: Vec<(&IndexRow, IndexBloat)> = indexes.iter().filter_map(|i| Some((i, i.bloat?))).collect();
    if with.is_empty() {
        return None;
    }
    with.sort_by_key(|(i, b)| (std::cmp::Reverse(b.bytes), i.schema.clone(), i.index.clone()));
    Some(Section {
        title: "Estimated btree bloat (from the statistics; rebuild with indexes --rebuild)".into(),
        headers: vec!["index", "table", "size", "bloat %", "bloat", "fresh build"],
        rows: with
            .iter()
            .map(|(i, b)| {
                vec![
                    format!("{}.{}", i.schema, i.index),
                    i.table.clone(),
                    bytes(i.bytes),
                    format!("{:.0}", b.pct),
                    bytes(b.bytes),
                    bytes(b.expected_bytes),
                ]
            })
            .collect(),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(relpages: i64, reltuples: f64, columns: Vec<Option<(f64, i32)>>) -> Inputs {
        Inputs { relpages, reltuples, fillfactor: 90, block_size: 8192, columns }
    }

    #[test]
    fn a_packed_index_has_no_bloat_and_a_sparse_one_has() {
        // An int8 key: 8 header + 8 data + 4 line pointer = 20 bytes; (8192-40)*0.9/20 = 366 a page.
        let packed = inputs(275, 100_000.0, vec![Some((0.0, 8))]);
        let b = estimate(&packed).unwrap();
        assert_eq!(b.bytes, 0, "{b:?}");
        assert_eq!(b.expected_bytes, 275 * 8192);
        // The same index after 70% of its rows went: the pages stay.
        let sparse = estimate(&inputs(275, 30_000.0, vec![Some((0.0, 8))])).unwrap();
        assert_eq!(sparse.expected_bytes, 83 * 8192);
        assert!((sparse.pct - 100.0 * 192.0 / 275.0).abs() < 1e-9, "{sparse:?}");
        // Nulls add the bitmap; text widths are averages.
        let text = estimate(&inputs(1000, 100_000.0, vec![Some((0.5, 30)), Some((0.0, 4))])).unwrap();
        // header 12 → 16, data 0.5*30 + 4 = 19 → 24, +4: 44 bytes; 166 a page; 603 + 1 pages.
        assert_eq!(text.expected_bytes, 604 * 8192, "{text:?}");
    }

    #[test]
    fn no_statistics_no_estimate() {
        assert_eq!(estimate(&inputs(10, -1.0, vec![Some((0.0, 8))])), None);
        assert_eq!(estimate(&inputs(10, 100.0, vec![Some((0.0, 8)), None])), None);
        assert_eq!(estimate(&inputs(0, 0.0, vec![Some((0.0, 8))])), None);
    }
}
