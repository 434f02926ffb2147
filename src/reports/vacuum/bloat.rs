//! `vacuum-report --bloat`: how much of a table's heap and TOAST a rewrite (`VACUUM FULL`,
//! pg_repack) would give back, or why that cannot be told from the statistics.
//!
//! - **Heap**: the statistics-based estimate (the approach of the widely used "table bloat"
//!   query): the pages the live rows need, from the row count and the average column widths of
//!   `pg_stats`, against the heap's real size now (`pg_relation_size`, not `relpages`, which
//!   lags until the next VACUUM/ANALYZE). Unavailable when the statistics are stale: more than
//!   [`STALE_FRACTION`] of the rows changed since the last ANALYZE (`n_mod_since_analyze`), or the
//!   live row count moved that much away from `reltuples` (`n_live_tup`: rows inserted or deleted
//!   since, or statistics reset).
//! - **TOAST**: a range, since the statistics count the live chunks but not their sizes. A chunk
//!   is at most a quarter page (`TOAST_TUPLES_PER_PAGE`): at [`TOAST_CHUNKS_PER_PAGE`] a page
//!   the live chunks need at most that many pages, so the real size minus those is what a rewrite
//!   gives back at least (`bloat_bytes`). Every value but its last chunk is made of full chunks,
//!   and there are at most as many values as live rows times the columns that can be stored out of
//!   line: with every last chunk as small as a chunk can be, the live chunks need at least so many
//!   bytes, and the real size minus those is what a rewrite gives back at most
//!   (`bloat_bytes_max`). The two meet when values fill whole chunks; for values of a chunk and a
//!   bit (2–4 kB), whose small last chunks share pages, the lower end can be half the truth.
//! - The table's figure is heap + TOAST, and only when both parts are known: a heap-only figure
//!   is never shown as the table's.

use serde::Serialize;

/// Per table: columns, columns with statistics visible to this role, whether the role may read
/// them all, the average tuple data width, any NULLs, row-level security hiding `pg_stats`; the
/// heap's and the TOAST table's main fork size now, the TOAST table's live and dead chunks
/// (cumulative statistics), and how many columns can be stored out of line (variable width, not
/// `STORAGE PLAIN`; dropped ones too: their values stay until a rewrite). Privileges are checked per column only where statistics are missing
/// and the table-level privilege is not there (a check per column costs a catalog lookup each).
pub(super) const BLOAT_SQL: &str = "
SELECT b.schema, b.name, b.natts, coalesce(s.nstats, 0)::int8 AS nstats,
       coalesce(coalesce(s.nstats, 0) = b.natts OR has_table_privilege(b.oid, 'SELECT')
                OR (SELECT bool_and(coalesce(has_column_privilege(b.oid, a.attnum, 'SELECT'), false))
                      FROM pg_attribute a
                     WHERE a.attrelid = b.oid AND a.attnum > 0 AND NOT a.attisdropped), false) AS readable,
       coalesce(s.data_width, 0)::float8 AS data_width, coalesce(s.has_nulls, false) AS has_nulls,
       pg_relation_size(b.oid)::int8 AS heap_bytes,
       CASE WHEN b.toast <> 0 THEN pg_relation_size(b.toast) END::int8 AS toast_bytes,
       CASE WHEN b.toast <> 0 THEN pg_stat_get_live_tuples(b.toast) END::int8 AS toast_live,
       CASE WHEN b.toast <> 0 THEN pg_stat_get_dead_tuples(b.toast) END::int8 AS toast_dead,
       coalesce(coalesce(s.nstats, 0) < b.natts AND b.rls AND row_security_active(b.oid), false) AS hidden_by_rls,
       b.toastable_columns
FROM (
  -- One pass over the columns gives both counts (a lookup per table for the second took a tenth
  -- of the query at 10,000 tables).
  SELECT c.oid, c.reltoastrelid AS toast, c.relrowsecurity AS rls, n.nspname, c.relname,
         n.nspname::text AS schema, c.relname::text AS name,
         count(*) FILTER (WHERE NOT a.attisdropped)::int8 AS natts,
         count(*) FILTER (WHERE a.attlen = -1 AND a.attstorage <> 'p')::int8 AS toastable_columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  WHERE c.relkind IN ('r', 'm')
    AND c.relpersistence <> 't'
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname !~ '^pg_toast'
    AND ($1::text[] IS NULL OR n.nspname = ANY($1))
    AND ($2::text[] IS NULL OR c.relname = ANY($2))
  GROUP BY c.oid, c.relname, c.reltoastrelid, c.relrowsecurity, n.nspname
  HAVING count(*) FILTER (WHERE NOT a.attisdropped) > 0
) b
-- The statistics grouped by table first: only the columns that have some (joining every column
-- of every table to the pg_stats view cost a third of the query at 10,000 tables).
LEFT JOIN (
  SELECT st.schemaname, st.tablename, count(*) AS nstats,
         sum((1 - coalesce(st.null_frac, 0)) * coalesce(st.avg_width, 0)) AS data_width,
         bool_or(st.null_frac > 0) AS has_nulls
  FROM pg_stats st
  WHERE NOT st.inherited
  GROUP BY st.schemaname, st.tablename
) s ON s.schemaname = b.nspname AND s.tablename = b.relname";

/// Statistics older than this share of the rows (changed, or live count moved) make the heap
/// estimate unavailable. It is autovacuum's default `autovacuum_analyze_scale_factor`.
pub const STALE_FRACTION: f64 = 0.1;

/// `TOAST_TUPLES_PER_PAGE`: the chunk size is chosen so that this many full chunks fill a page.
pub const TOAST_CHUNKS_PER_PAGE: f64 = 4.0;

/// A page's header (`SizeOfPageHeaderData`) and a line pointer (`ItemIdData`).
const PAGE_HEADER: f64 = 24.0;
const LINE_POINTER: f64 = 4.0;

/// The space a full TOAST chunk takes in a page, its line pointer included: the largest tuple of
/// which `TOAST_TUPLES_PER_PAGE` fit a page (`MaximumBytesPerTuple`, MAXALIGNed down), 2,036
/// bytes for 8 kB pages.
fn full_chunk_bytes(block_size: f64) -> f64 {
    let header = PAGE_HEADER + TOAST_CHUNKS_PER_PAGE * LINE_POINTER;
    (((block_size - header) / TOAST_CHUNKS_PER_PAGE / 8.0).floor() * 8.0) + LINE_POINTER
}

/// The least space a chunk takes: its MAXALIGNed tuple (a 24-byte header, `chunk_id`,
/// `chunk_seq` and one byte of data with its short varlena header: 34, aligned to 40) and its
/// line pointer.
const MIN_CHUNK_BYTES: f64 = 44.0;

/// The bloat of one part of a table (heap or TOAST), or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BloatPart {
    pub available: bool,
    /// Its main fork's size now (`pg_relation_size`).
    pub size_bytes: Option<i64>,
    pub bloat_bytes: Option<i64>,
    /// Of `size_bytes`.
    pub bloat_pct: Option<f64>,
    /// TOAST: at most this much (the statistics bound it from both sides, `bloat_bytes` being the
    /// least); null for the heap (an estimate) or when it cannot be bounded.
    pub bloat_bytes_max: Option<i64>,
    pub bloat_pct_max: Option<f64>,
    pub reason: Option<String>,
}

impl BloatPart {
    fn unavailable(size_bytes: Option<i64>, why: impl Into<String>) -> BloatPart {
        BloatPart {
            available: false,
            size_bytes,
            bloat_bytes: None,
            bloat_pct: None,
            bloat_bytes_max: None,
            bloat_pct_max: None,
            reason: Some(why.into()),
        }
    }

    fn known(size_bytes: i64, bloat_bytes: i64) -> BloatPart {
        BloatPart {
            available: true,
            size_bytes: Some(size_bytes),
            bloat_bytes: Some(bloat_bytes),
            bloat_pct: Some(pct(bloat_bytes, size_bytes)),
            bloat_bytes_max: None,
            bloat_pct_max: None,
            reason: None,
        }
    }

    fn at_most(mut self, max: Option<i64>) -> BloatPart {
        if let (Some(size), Some(max)) = (self.size_bytes, max) {
            self.bloat_bytes_max = Some(max);
            self.bloat_pct_max = Some(pct(max, size));
        }
        self
    }
}

/// A table's bloat: heap + TOAST when both are known, else unavailable with the reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bloat {
    pub available: bool,
    /// Heap + TOAST (the least TOAST's statistics allow).
    pub bloat_bytes: Option<i64>,
    /// Of the heap's and the TOAST table's size.
    pub bloat_pct: Option<f64>,
    /// Heap + the most TOAST's statistics allow; null without a TOAST range.
    pub bloat_bytes_max: Option<i64>,
    pub bloat_pct_max: Option<f64>,
    pub reason: Option<String>,
    pub heap: BloatPart,
    /// None when the table has no TOAST table.
    pub toast: Option<BloatPart>,
}

impl Bloat {
    pub fn unavailable(why: &str) -> Bloat {
        Bloat {
            available: false,
            bloat_bytes: None,
            bloat_pct: None,
            bloat_bytes_max: None,
            bloat_pct_max: None,
            reason: Some(why.into()),
            heap: BloatPart::unavailable(None, why),
            toast: None,
        }
    }

    fn of(heap: BloatPart, toast: Option<BloatPart>) -> Bloat {
        let parts: Vec<&BloatPart> = std::iter::once(&heap).chain(toast.as_ref()).collect();
        match parts.iter().find(|p| !p.available) {
            Some(p) => Bloat {
                available: false,
                bloat_bytes: None,
                bloat_pct: None,
                bloat_bytes_max: None,
                bloat_pct_max: None,
                reason: Some(match (p == &&heap, &p.reason) {
                    (true, Some(r)) => r.clone(),
                    (false, Some(r)) => format!("TOAST: {r}"),
                    (_, None) => String::new(),
                }),
                heap,
                toast,
            },
            None => {
                let sum = |f: fn(&BloatPart) -> Option<i64>| parts.iter().filter_map(|p| f(p)).sum::<i64>();
                let (bloat, size) = (sum(|p| p.bloat_bytes), sum(|p| p.size_bytes));
                let max = parts
                    .iter()
                    .any(|p| p.bloat_bytes_max.is_some())
                    .then(|| sum(|p| p.bloat_bytes_max.or(p.bloat_bytes)));
                Bloat {
                    available: true,
                    bloat_bytes: Some(bloat),
                    bloat_pct: Some(pct(bloat, size)),
                    bloat_bytes_max: max,
                    bloat_pct_max: max.map(|m| pct(m, size)),
                    reason: None,
                    heap,
                    toast,
                }
            }
        }
    }
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole > 0 { 100.0 * part as f64 / whole as f64 } else { 0.0 }
}

/// What `BLOAT_SQL` returns for a table.
#[derive(Debug, Clone, Default)]
pub struct BloatInputs {
    pub natts: i64,
    pub nstats: i64,
    pub readable: bool,
    pub data_width: f64,
    pub has_nulls: bool,
    pub heap_bytes: Option<i64>,
    pub toast_bytes: Option<i64>,
    pub toast_live: Option<i64>,
    pub toast_dead: Option<i64>,
    /// Row-level security hides this table's `pg_stats` rows from the role.
    pub hidden_by_rls: bool,
    /// Columns whose values can be stored in the TOAST table (dropped ones included).
    pub toastable_columns: i64,
}

impl BloatInputs {
    pub(super) fn from_row(r: &tokio_postgres::Row) -> BloatInputs {
        BloatInputs {
            natts: r.get("natts"),
            nstats: r.get("nstats"),
            readable: r.get("readable"),
            data_width: r.get("data_width"),
            has_nulls: r.get("has_nulls"),
            heap_bytes: r.get("heap_bytes"),
            toast_bytes: r.get("toast_bytes"),
            toast_live: r.get("toast_live"),
            toast_dead: r.get("toast_dead"),
            hidden_by_rls: r.get("hidden_by_rls"),
            toastable_columns: r.get("toastable_columns"),
        }
    }
}

/// The heap's row statistics the estimate relies on.
#[derive(Debug, Clone, Default)]
pub struct HeapCounts {
    /// `pg_class.reltuples` (the last VACUUM/ANALYZE).
    pub reltuples: f64,
    pub never_analyzed: bool,
    pub n_live_tup: i64,
    pub n_mod_since_analyze: i64,
    pub fillfactor: f64,
}

/// The table's bloat from its inputs (see the module documentation).
pub fn bloat(block_size: f64, i: &BloatInputs, h: &HeapCounts) -> Bloat {
    Bloat::of(heap_bloat(block_size, i, h), i.toast_bytes.map(|_| toast_bloat(block_size, i, h)))
}

fn heap_bloat(block_size: f64, i: &BloatInputs, h: &HeapCounts) -> BloatPart {
    let size = i.heap_bytes;
    let Some(bytes) = size else {
        return BloatPart::unavailable(size, "its size could not be read (dropped while the report ran?)");
    };
    if h.never_analyzed {
        return BloatPart::unavailable(size, "never analyzed: run ANALYZE");
    }
    if !i.readable {
        return BloatPart::unavailable(
            size,
            "statistics not readable by this role (needs SELECT on every column)",
        );
    }
    if i.nstats < i.natts {
        return BloatPart::unavailable(
            size,
            format!("no statistics for {} of {} columns: run ANALYZE", i.natts - i.nstats, i.natts),
        );
    }
    let rows = h.reltuples.max(0.0);
    let limit = STALE_FRACTION * rows;
    if h.n_mod_since_analyze as f64 > limit {
        return BloatPart::unavailable(
            size,
            format!(
                "statistics stale: {} rows changed since the last ANALYZE, which counted {rows:.0}: run ANALYZE",
                h.n_mod_since_analyze
            ),
        );
    }
    if (h.n_live_tup as f64 - rows).abs() > limit {
        return BloatPart::unavailable(
            size,
            format!(
                "statistics stale: {} live rows now, {rows:.0} at the last VACUUM/ANALYZE (rows changed or statistics reset): run ANALYZE",
                h.n_live_tup
            ),
        );
    }
    let pages = (bytes as f64 / block_size).ceil() as i64;
    let (b, _) = estimate_bloat(block_size, rows, pages, h.fillfactor, i.natts, i.data_width, i.has_nulls);
    BloatPart::known(bytes, b)
}

fn toast_bloat(block_size: f64, i: &BloatInputs, h: &HeapCounts) -> BloatPart {
    let size = i.toast_bytes;
    let Some(bytes) = size else {
        return BloatPart::unavailable(size, "its size could not be read");
    };
    let (live, dead) = (i.toast_live.unwrap_or(0), i.toast_dead.unwrap_or(0));
    if bytes > 0 && live == 0 && dead == 0 {
        return BloatPart::unavailable(size, "no chunk counts (statistics reset?): run VACUUM on the table");
    }
    let pages = (bytes as f64 / block_size).ceil();
    let live = live.max(0) as f64;
    let needed_most = (live / TOAST_CHUNKS_PER_PAGE).ceil();
    let least = BloatPart::known(bytes, ((pages - needed_most).max(0.0) * block_size) as i64);
    // At most one last chunk per value, and at most a value per live row and column stored out
    // of line; every other chunk is full.
    let rows = (h.n_live_tup as f64).max(h.reltuples).max(0.0);
    if i.toastable_columns <= 0 {
        return least;
    }
    let last_chunks = (rows * i.toastable_columns as f64).min(live);
    let bytes_least = (live - last_chunks) * full_chunk_bytes(block_size) + last_chunks * MIN_CHUNK_BYTES;
    let needed_least = (bytes_least / (block_size - PAGE_HEADER)).ceil();
    least.at_most(Some(((pages - needed_least).max(0.0) * block_size) as i64))
}

/// The statistics-based heap bloat estimate: expected pages = live rows / rows per page, where a
/// row takes its line pointer (4 bytes), the MAXALIGNed header (23 bytes + NULL bitmap) and the
/// MAXALIGNed average data width from `pg_stats`, and a page holds `(block_size - 24) *
/// fillfactor` bytes. Bloat = the real pages minus the expected ones.
pub fn estimate_bloat(
    block_size: f64,
    reltuples: f64,
    pages: i64,
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
    let bloat_pages = (pages as f64 - expected).max(0.0);
    let pct = if pages > 0 { 100.0 * bloat_pages / pages as f64 } else { 0.0 };
    ((bloat_pages * block_size) as i64, pct)
}

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

    fn inputs() -> BloatInputs {
        BloatInputs {
            natts: 3,
            nstats: 3,
            readable: true,
            data_width: 100.0,
            has_nulls: false,
            heap_bytes: Some(200 * 8192),
            ..BloatInputs::default()
        }
    }

    fn counts(reltuples: f64, live: i64, mods: i64) -> HeapCounts {
        HeapCounts {
            reltuples,
            never_analyzed: false,
            n_live_tup: live,
            n_mod_since_analyze: mods,
            fillfactor: 100.0,
        }
    }

    #[test]
    fn the_real_size_counts_not_relpages_and_stale_statistics_give_no_number() {
        let b = bloat(8192.0, &inputs(), &counts(6100.0, 6100, 0));
        assert!(b.available && b.toast.is_none(), "{b:?}");
        assert_eq!((b.bloat_bytes, b.bloat_pct), (Some(100 * 8192), Some(50.0)));
        // 11% of the rows changed since ANALYZE, or the live count moved 11%: no number.
        for c in [counts(6100.0, 6100, 672), counts(6100.0, 5429, 0), counts(6100.0, 0, 0)] {
            let b = bloat(8192.0, &inputs(), &c);
            assert!(!b.available && b.bloat_bytes.is_none() && b.heap.bloat_bytes.is_none(), "{c:?}: {b:?}");
            assert!(b.reason.unwrap().contains("run ANALYZE"));
        }
        assert!(bloat(8192.0, &inputs(), &counts(6100.0, 6000, 600)).available, "10% is still fresh");
    }

    #[test]
    fn a_full_toast_chunk_is_a_quarter_page() {
        assert_eq!(full_chunk_bytes(8192.0), 2036.0);
        assert!(4.0 * full_chunk_bytes(8192.0) <= 8192.0 - PAGE_HEADER);
        assert!(4.0 * full_chunk_bytes(32768.0) <= 32768.0 - PAGE_HEADER);
    }

    #[test]
    fn toast_bloat_is_a_range_that_closes_when_values_fill_whole_chunks() {
        // 1000 TOAST pages; 2000 live chunks of 1000 rows of one column: 1000 full chunks and
        // 1000 last chunks. At most 500 pages needed (a quarter page each), at least
        // (1000 * 2036 + 1000 * 44) / 8168 = 255 pages.
        let i = BloatInputs {
            toast_bytes: Some(1000 * 8192),
            toast_live: Some(2000),
            toast_dead: Some(0),
            toastable_columns: 1,
            ..inputs()
        };
        let t = bloat(8192.0, &i, &counts(1000.0, 1000, 0)).toast.unwrap();
        assert_eq!(t.bloat_bytes, Some(500 * 8192));
        assert_eq!(t.bloat_bytes_max, Some((1000 - 255) * 8192));
        // 4000 chunks of 1000 rows: 3000 full ones; the range narrows to (1000 - 1000) ..
        // (1000 - ceil((3000 * 2036 + 1000 * 44) / 8168) = 754).
        let i = BloatInputs { toast_live: Some(4000), ..i };
        let t = bloat(8192.0, &i, &counts(1000.0, 1000, 0)).toast.unwrap();
        assert_eq!((t.bloat_bytes, t.bloat_bytes_max), (Some(0), Some((1000 - 754) * 8192)));
        // No column that can be stored out of line (all made PLAIN since): no upper bound.
        let i = BloatInputs { toastable_columns: 0, ..i };
        assert_eq!(bloat(8192.0, &i, &counts(1000.0, 1000, 0)).toast.unwrap().bloat_bytes_max, None);
    }

    #[test]
    fn toast_counts_with_the_table_and_a_table_figure_needs_both_parts() {
        // 1000 TOAST pages, 2000 live chunks need 500: 500 pages reclaimable at least.
        let i = BloatInputs {
            toast_bytes: Some(1000 * 8192),
            toast_live: Some(2000),
            toast_dead: Some(3000),
            ..inputs()
        };
        let b = bloat(8192.0, &i, &counts(6100.0, 6100, 0));
        let t = b.toast.clone().unwrap();
        assert_eq!((t.bloat_bytes, t.bloat_pct), (Some(500 * 8192), Some(50.0)));
        assert_eq!(b.bloat_bytes, Some(600 * 8192), "heap 100 + TOAST 500 pages: {b:?}");
        assert_eq!(b.bloat_pct, Some(50.0));
        // Heap known, TOAST not: no figure for the table, the heap's part stays visible.
        let reset = BloatInputs { toast_live: Some(0), toast_dead: Some(0), ..i.clone() };
        let b = bloat(8192.0, &reset, &counts(6100.0, 6100, 0));
        assert!(!b.available && b.bloat_bytes.is_none(), "{b:?}");
        assert!(b.reason.unwrap().starts_with("TOAST: "));
        assert_eq!(b.heap.bloat_bytes, Some(100 * 8192));
        // Stale heap statistics: unavailable, whatever TOAST says.
        let b = bloat(8192.0, &i, &counts(6100.0, 6100, 5000));
        assert!(!b.available && b.toast.unwrap().available);
    }
}
