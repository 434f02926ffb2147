//! The statistics-based heap bloat estimate of `vacuum-report --bloat`.

use serde::Serialize;

/// The statistics-based bloat estimate's inputs, per table: how many columns, how many have
/// statistics this role can read, the average tuple data width and whether any column has NULLs.
pub(super) const BLOAT_SQL: &str = "
SELECT n.nspname::text, c.relname::text,
       count(*)::int8 AS natts,
       count(s.attname)::int8 AS nstats,
       coalesce(bool_and(coalesce(has_column_privilege(c.oid, a.attnum, 'SELECT'), false)), false) AS readable,
       coalesce(sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)), 0)::float8 AS data_width,
       coalesce(bool_or(s.null_frac > 0), false) AS has_nulls
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                     AND NOT s.inherited
WHERE c.relkind IN ('r', 'm')
  AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1))
  AND ($2::text[] IS NULL OR c.relname = ANY($2))
GROUP BY n.nspname, c.relname";

/// The statistics-based heap bloat estimate, or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bloat {
    pub available: bool,
    pub bloat_bytes: Option<i64>,
    pub bloat_pct: Option<f64>,
    pub reason: Option<String>,
}

/// The statistics-based heap bloat estimate (the approach of the widely used "table bloat"
/// query): expected pages = reltuples / tuples per page, where a tuple takes its line pointer
/// (4 bytes), the MAXALIGNed header (23 bytes + NULL bitmap) and the MAXALIGNed average data width
/// from `pg_stats`, and a page holds `(block_size - 24) * fillfactor` bytes. Bloat = real pages
/// minus expected pages. Heap only (TOAST is not estimated).
pub fn estimate_bloat(
    block_size: f64,
    reltuples: f64,
    relpages: i64,
    fillfactor: f64,
    natts: i64,
    data_width: f64,
    has_nulls: bool,
) -> (i64, f64) {
    let align = |v: f64| (v / 8.0).ceil() * 8.0;
    let bitmap = if has_nulls { (natts as f64 / 8.0).ceil() } else { 0.0 };
    let tuple = 4.0 + align(23.0 + bitmap) + align(data_width);
    let per_page = ((block_size - 24.0) * fillfactor / 100.0 / tuple).floor().max(1.0);
    let expected = (reltuples / per_page).ceil();
    let bloat_pages = (relpages as f64 - expected).max(0.0);
    let pct = if relpages > 0 { 100.0 * bloat_pages / relpages as f64 } else { 0.0 };
    ((bloat_pages * block_size) as i64, pct)
}

/// Per table: columns, columns with readable statistics, all readable, data width, any NULLs.
pub(super) type BloatInputs = (i64, i64, bool, f64, bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloat_estimate_is_zero_for_a_packed_table_and_grows_with_empty_pages() {
        // 100-byte rows: 4 + 24 + 104 = 132 bytes a tuple, 61 a page.
        let (b, p) = estimate_bloat(8192.0, 6100.0, 100, 100.0, 3, 100.0, false);
        assert_eq!((b, p), (0, 0.0));
        let (b, p) = estimate_bloat(8192.0, 6100.0, 200, 100.0, 3, 100.0, false);
        assert_eq!(b, 100 * 8192);
        assert_eq!(p, 50.0);
    }
}
