//! `indexes`: usage per index, unused indexes (never scanned since the statistics reset, not
//! unique, not backing a constraint — primary key, unique, exclusion, or referenced by a foreign
//! key — and above a size; marked when they serve a foreign key, in [`foreign_keys`]),
//! duplicates (in [`duplicates`]), invalid indexes, and tables read by many sequential scans.
//!
//! Scan counts are this server's since `stats_reset`: an index unused here may be used on a
//! replica, and a recent reset makes every index look unused.

pub mod bloat;
mod duplicates;
mod foreign_keys;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Row};

pub use duplicates::Duplicate;
use duplicates::{IndexKey, duplicates};

use super::{Filter, query};
use crate::output::cells::bytes;
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

/// `{last}` is `pg_stat_get_lastscan` on 16+, NULL before; `{size}` the exact size or the
/// estimate from `relpages`, except for the candidates for `unused` (never scanned, not unique,
/// valid, backing no constraint), whose size decides whether they are listed: `relpages` is the
/// size at the last VACUUM, ANALYZE or CREATE INDEX, and after a bulk load without them a large
/// index still shows the few pages it was built with. Their files are few and read exactly. The statistics are read with the `pg_stat_get_*` functions that
/// `pg_stat_all_indexes` is made of; the key columns' arrays come as arrays (binary), the
/// expressions and predicates as node trees (compared without deparsing); the rows are sorted
/// by the client.
const INDEXES_SQL: &str = "
SELECT n.nspname::text AS schema, t.relname::text AS table, c.relname::text AS index,
       c.relkind = 'I' AS partitioned,
       {size}::int8 AS bytes,
       coalesce(pg_stat_get_numscans(c.oid), 0)::int8 AS idx_scan,
       coalesce(pg_stat_get_tuples_returned(c.oid), 0)::int8 AS idx_tup_read,
       coalesce(pg_stat_get_tuples_fetched(c.oid), 0)::int8 AS idx_tup_fetch,
       {last} AS last_idx_scan,
       i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
       k.conindid IS NOT NULL AS constraint_backed,
       am.amname::text AS method, i.indnkeyatts::int4 AS key_columns,
       i.indkey::int2[] AS columns, i.indclass::oid[] AS classes, i.indcollation::oid[] AS collations,
       i.indoption::int2[] AS options,
       i.indexprs::text AS exprs, i.indpred::text AS pred,
       coalesce(pg_get_indexdef(c.oid), '') AS definition,
       t.reltuples::float8 AS table_rows,
       {size_is_exact} AS bytes_exact
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_am am ON am.oid = c.relam
-- pg_constraint has no index on conindid: one hashed pass, not a scan per index.
LEFT JOIN (SELECT DISTINCT conindid FROM pg_constraint WHERE conindid <> 0) k ON k.conindid = c.oid
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND t.relpersistence <> 't'
  AND {table_filter}";

/// An index's size: its file now (`pg_relation_size` opens it: a relation cache entry each, in a
/// fresh backend), or `relpages × block_size`, except for the candidates for `unused`, which are
/// sized from their files (see [`INDEXES_SQL`]).
const EXACT_SIZE: &str = "coalesce(pg_relation_size(c.oid), 0)";
/// Never scanned, not unique, valid, backing no constraint, an index with storage: what may be
/// listed as unused, if large enough.
const UNUSED_CANDIDATE: &str =
    "(coalesce(pg_stat_get_numscans(c.oid), 0) = 0 AND NOT i.indisunique AND i.indisvalid
        AND k.conindid IS NULL AND c.relkind = 'i')";
/// `relpages × block_size`.
const RELPAGES_SIZE: &str = "c.relpages::int8 * current_setting('block_size')::int8";

/// The index rows are wide (their key arrays, expression and predicate trees): at 27,000 indexes
/// the hash join of them spilled to disk in two batches with the default 4 MB (`work_mem`), which
/// cost a tenth of the query. Raised for this transaction only, and never lowered.
const WORK_MEM_SQL: &str = "SELECT set_config('work_mem', '32MB', true) AS work_mem
WHERE pg_size_bytes(current_setting('work_mem')) < 32 * 1024 * 1024";

const STATS_RESET_SQL: &str = "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()";

/// Indexes kept on purpose: `COMMENT ON INDEX … IS 'towow-db: keep: <why>'` (set by the DBA, or
/// by V4 on the ToWow app's `ix_demands_status`). Never a drop candidate, not counted by the
/// checks; still listed, with the reason.
const KEEP_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS index, d.description
FROM pg_description d
JOIN pg_class c ON c.oid = d.objoid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relkind IN ('i', 'I')
  AND starts_with(d.description, $1)";

/// The marker a comment starts with to keep an index (see [`KEEP_SQL`]).
pub const KEEP_MARKER: &str = "towow-db: keep";

/// The reason after the marker (`towow-db: keep: why` → `why`; no reason → `kept`).
fn keep_reason(comment: &str) -> Option<String> {
    let rest = comment.strip_prefix(KEEP_MARKER)?;
    let why = rest.trim_start_matches([':', ' ', '-']).trim();
    Some(if why.is_empty() { "kept".into() } else { why.to_string() })
}

/// The `pg_stat_user_tables` columns of the tables over the thresholds, read with the functions
/// the view is made of: the view sums every table's index scans first (a quarter of a second at
/// 10,000 tables), here only those of the tables kept.
const SEQ_SCANS_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS table, pg_stat_get_numscans(c.oid)::int8 AS seq_scan,
       pg_stat_get_tuples_returned(c.oid)::int8 AS seq_tup_read,
       (SELECT coalesce(sum(pg_stat_get_numscans(i.indexrelid)), 0) FROM pg_index i WHERE i.indrelid = c.oid)::int8
         AS idx_scan,
       pg_stat_get_live_tuples(c.oid)::int8 AS n_live_tup, coalesce(pg_relation_size(c.oid), 0)::int8 AS bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND pg_stat_get_numscans(c.oid) >= $3 AND pg_stat_get_live_tuples(c.oid) >= $4
  AND ($1::text[] IS NULL OR n.nspname = ANY($1))
  AND ($2::text[] IS NULL OR c.relname = ANY($2))
ORDER BY seq_tup_read DESC, schema, \"table\"";

#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub filter: Filter,
    /// Unused indexes smaller than this are not reported as unused.
    pub unused_min_bytes: i64,
    pub min_seq_scans: i64,
    pub min_rows: i64,
    /// Index sizes from the files (`pg_relation_size`) instead of `relpages`.
    pub exact: bool,
    /// Add each btree's estimated bloat ([`bloat`]).
    pub bloat: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            filter: Filter::default(),
            unused_min_bytes: 1 << 20,
            min_seq_scans: 100,
            min_rows: 10_000,
            exact: false,
            bloat: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    pub schema: String,
    pub table: String,
    pub index: String,
    /// `relpages × block_size` (as of the last VACUUM/ANALYZE/CREATE INDEX), or the file's size
    /// now (`pg_relation_size`, main fork): with `--exact`, and always for the candidates for
    /// `unused` (see `bytes_exact`).
    pub bytes: i64,
    /// `bytes` is the file's size now, not `relpages`.
    pub bytes_exact: bool,
    pub idx_scan: i64,
    pub idx_tup_read: i64,
    pub idx_tup_fetch: i64,
    /// 16+.
    pub last_idx_scan: Option<DateTime<Utc>>,
    pub unique: bool,
    pub primary: bool,
    pub constraint_backed: bool,
    pub valid: bool,
    /// An index of a partitioned table (no storage, no statistics of its own).
    pub partitioned: bool,
    pub method: String,
    pub definition: String,
    pub unused: bool,
    /// The index serves the lookups of a foreign key of its table (its leading key columns are
    /// the foreign key's columns): without it, deleting or re-keying a referenced row scans this
    /// table.
    pub supports_fk: bool,
    /// The foreign keys it serves: `name (columns) → schema.table, ON DELETE action`.
    pub foreign_keys: Vec<String>,
    /// For an unused index that supports a foreign key: what dropping it costs.
    pub advice: Option<String>,
    /// `pg_class.reltuples` of the table (the rows a parent delete would scan without it).
    #[serde(skip)]
    table_rows: f64,
    /// With `--bloat`, a btree's estimated bloat (see [`bloat`]); null without it, without
    /// statistics, for a small index or another method.
    pub bloat: Option<bloat::IndexBloat>,
    /// Kept on purpose (a `towow-db: keep` comment): the reason. Not a drop candidate.
    pub kept: Option<String>,
    #[serde(skip)]
    key: IndexKey,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeqScanTable {
    pub schema: String,
    pub table: String,
    pub seq_scan: i64,
    pub seq_tup_read: i64,
    pub idx_scan: i64,
    pub n_live_tup: i64,
    pub bytes: i64,
    /// seq_scan / (seq_scan + idx_scan), %.
    pub seq_scan_pct: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexesReport {
    /// Scan counts start here (this database's statistics reset).
    pub stats_reset: Option<DateTime<Utc>>,
    /// `bytes` read from the files (`--exact`), else `relpages × block_size`.
    pub exact_sizes: bool,
    pub indexes: Vec<IndexRow>,
    pub unused: Vec<String>,
    pub duplicates: Vec<Duplicate>,
    pub invalid: Vec<String>,
    pub seq_scan_tables: Vec<SeqScanTable>,
}

/// A node tree's text without its `:location` fields (where in the CREATE INDEX text an
/// expression was written), so that the same expression compares equal however it was typed.
fn without_locations(tree: &str) -> String {
    let mut out = Vec::new();
    let mut words = tree.split_whitespace();
    while let Some(w) = words.next() {
        if w == ":location" {
            words.next();
        } else {
            out.push(w);
        }
    }
    out.join(" ")
}

/// One row of `INDEXES_SQL` as an index (the foreign keys are added once they are read).
fn index_row(r: &Row, unused_min_bytes: i64) -> IndexRow {
    let nkey = r.get::<_, i32>("key_columns").max(0) as usize;
    let cols: Vec<i16> = r.get("columns");
    let (classes, colls, opts_): (Vec<u32>, Vec<u32>, Vec<i16>) =
        (r.get("classes"), r.get("collations"), r.get("options"));
    let keys = (0..nkey.min(cols.len()))
        .map(|i| {
            (
                cols[i],
                classes.get(i).copied().unwrap_or_default(),
                colls.get(i).copied().unwrap_or_default(),
                opts_.get(i).copied().unwrap_or_default(),
            )
        })
        .collect();
    let partitioned: bool = r.get("partitioned");
    let (unique, constraint_backed, valid): (bool, bool, bool) =
        (r.get("unique"), r.get("constraint_backed"), r.get("valid"));
    let bytes: i64 = r.get("bytes");
    let idx_scan: i64 = r.get("idx_scan");
    let method: String = r.get("method");
    IndexRow {
        schema: r.get("schema"),
        table: r.get("table"),
        index: r.get("index"),
        bytes,
        bytes_exact: r.get("bytes_exact"),
        idx_scan,
        idx_tup_read: r.get("idx_tup_read"),
        idx_tup_fetch: r.get("idx_tup_fetch"),
        last_idx_scan: r.get("last_idx_scan"),
        unique,
        primary: r.get("primary"),
        constraint_backed,
        valid,
        partitioned,
        method: method.clone(),
        definition: r.get("definition"),
        unused: idx_scan == 0
            && !unique
            && !constraint_backed
            && !partitioned
            && valid
            && bytes >= unused_min_bytes,
        supports_fk: false,
        foreign_keys: Vec::new(),
        advice: None,
        table_rows: r.get("table_rows"),
        bloat: None,
        kept: None,
        key: IndexKey {
            method,
            keys,
            include: cols.get(nkey..).map(<[i16]>::to_vec).unwrap_or_default(),
            exprs: r.get::<_, Option<String>>("exprs").map(|e| without_locations(&e)),
            pred: r.get::<_, Option<String>>("pred").map(|e| without_locations(&e)),
        },
    }
}

pub async fn report(db: &crate::connect::Db, opts: &IndexOptions) -> Result<IndexesReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, opts)).await
}

async fn read(client: &Client, opts: &IndexOptions) -> Result<IndexesReport> {
    let version = crate::connect::server_version_num(client).await?;
    let sql = INDEXES_SQL
        .replace(
            "{last}",
            if version >= 160000 { "pg_stat_get_lastscan(c.oid)" } else { "NULL::timestamptz" },
        )
        .replace(
            "{size}",
            &if opts.exact {
                EXACT_SIZE.to_string()
            } else {
                format!("CASE WHEN {UNUSED_CANDIDATE} THEN {EXACT_SIZE} ELSE {RELPAGES_SIZE} END")
            },
        )
        .replace("{size_is_exact}", if opts.exact { "true" } else { UNUSED_CANDIDATE })
        .replace("{table_filter}", &super::table_filter_with_partitions("t", "n"));
    let (schemas, tables) = (opts.filter.schemas_param(), opts.filter.tables_param());
    let filter: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    let seq_params: [super::Param; 4] = [
        (&schemas, Type::TEXT_ARRAY),
        (&tables, Type::TEXT_ARRAY),
        (&opts.min_seq_scans, Type::INT8),
        (&opts.min_rows, Type::INT8),
    ];
    // The sections do not depend on each other: pipelined, one round trip. Index rows are read
    // as they arrive, while the server computes the next ones.
    let mut indexes = Vec::new();
    let unused_min = opts.unused_min_bytes;
    let (_, (), fks, seq_rows, reset, keep) = futures_util::try_join!(
        query(client, "the memory for joining the indexes", WORK_MEM_SQL, &[]),
        super::query_each(client, "the index statistics", &sql, &filter, |r| {
            indexes.push(index_row(&r, unused_min));
            Ok(())
        }),
        foreign_keys::by_table(client, &filter),
        query(client, "the tables' sequential scans", SEQ_SCANS_SQL, &seq_params),
        query(client, "the statistics reset", STATS_RESET_SQL, &[]),
        query(client, "the indexes kept on purpose", KEEP_SQL, &[(&KEEP_MARKER, Type::TEXT)]),
    )?;
    let keep: std::collections::HashMap<(String, String), String> = keep
        .iter()
        .filter_map(|r| Some(((r.get("schema"), r.get("index")), keep_reason(r.get("description"))?)))
        .collect();
    let stats_reset: Option<DateTime<Utc>> = reset.first().and_then(|r| r.get("stats_reset"));
    for row in &mut indexes {
        row.kept = keep.get(&(row.schema.clone(), row.index.clone())).cloned();
        if let Some(list) = fks.get(&row.schema).and_then(|t| t.get(&row.table)) {
            row.foreign_keys = foreign_keys::served(row, list);
            row.supports_fk = !row.foreign_keys.is_empty();
        }
        if row.unused && row.supports_fk {
            row.advice = Some(format!(
                "supports foreign key {}: without it every DELETE of a referenced row (and every UPDATE of its key) \
                 scans {}.{} (~{:.0} rows) to find the referencing rows; keep it unless those rows are never deleted or re-keyed",
                row.foreign_keys.join("; "),
                row.schema,
                row.table,
                row.table_rows.max(0.0)
            ));
        }
    }
    let seq_scan_tables = seq_rows
        .iter()
        .map(|r| {
            let (seq, idx): (i64, i64) = (r.get("seq_scan"), r.get("idx_scan"));
            SeqScanTable {
                schema: r.get("schema"),
                table: r.get("table"),
                seq_scan: seq,
                seq_tup_read: r.get("seq_tup_read"),
                idx_scan: idx,
                n_live_tup: r.get("n_live_tup"),
                bytes: r.get("bytes"),
                seq_scan_pct: 100.0 * seq as f64 / (seq + idx).max(1) as f64,
            }
        })
        .collect();
    // (schema, table, index) is unique: an unstable sort gives one order.
    indexes.sort_unstable_by(|a, b| (&a.schema, &a.table, &a.index).cmp(&(&b.schema, &b.table, &b.index)));
    if opts.bloat {
        bloat::fill(client, &opts.filter, &mut indexes).await?;
    }
    let name = |i: &IndexRow| format!("{}.{}", i.schema, i.index);
    Ok(IndexesReport {
        stats_reset,
        exact_sizes: opts.exact,
        unused: indexes.iter().filter(|i| i.unused && i.kept.is_none()).map(name).collect(),
        invalid: indexes.iter().filter(|i| !i.valid).map(name).collect(),
        duplicates: duplicates(&indexes),
        indexes,
        seq_scan_tables,
    })
}

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "invalid_indexes",
        Threshold::above(Some(0.0), None),
        "invalid indexes (a failed CREATE INDEX CONCURRENTLY)",
    ),
    ("duplicate_indexes", Threshold::above(Some(0.0), None), "indexes made redundant by another"),
    ("unused_indexes", Threshold::above(None, None), "indexes never scanned since the statistics reset"),
    ("seq_scan_tables", Threshold::above(None, None), "tables with many sequential scans"),
];

impl Report for IndexesReport {
    fn sections(&self) -> Vec<Section> {
        let mut kept_notes = crate::output::report::Footnotes::default();
        let mut s = vec![Section {
            title: format!(
                "Indexes ({}), scans since {}",
                self.indexes.len(),
                crate::output::cells::ts(&self.stats_reset)
            ),
            headers: vec![
                "index",
                "table",
                "size",
                "scans",
                "tuples read",
                "unique",
                "constraint",
                "valid",
                "unused",
                "definition",
                "supports FK",
            ],
            rows: self
                .indexes
                .iter()
                .map(|i| {
                    vec![
                        format!("{}.{}", i.schema, i.index),
                        i.table.clone(),
                        bytes(i.bytes),
                        if i.partitioned { "-".into() } else { i.idx_scan.to_string() },
                        i.idx_tup_read.to_string(),
                        crate::output::cells::yes(i.unique),
                        crate::output::cells::yes(i.constraint_backed),
                        if i.valid { "yes".into() } else { "NO (INVALID)".into() },
                        if i.unused { "UNUSED".into() } else { String::new() },
                        crate::output::cells::one_line(&i.definition, 80),
                        crate::output::cells::yes(i.supports_fk),
                    ]
                })
                .collect(),
            empty: "no indexes",
            wide: &["table", "tuples read", "unique", "constraint", "definition", "supports FK"],
            ..Default::default()
        }];
        s.extend(bloat::section(&self.indexes));
        s.push(Section {
            title: "Duplicate indexes (drop candidates)".into(),
            headers: vec!["index", "table", "duplicate of", "kind", "size", "kept"],
            rows: self
                .duplicates
                .iter()
                .map(|d| {
                    vec![
                        format!("{}.{}", d.schema, d.index),
                        d.table.clone(),
                        d.duplicate_of.clone(),
                        d.kind.into(),
                        bytes(d.bytes),
                        d.kept.as_deref().map(|k| kept_notes.mark(k)).unwrap_or_default(),
                    ]
                })
                .collect(),
            empty: "no duplicate indexes",
            footnotes: std::mem::take(&mut kept_notes).lines(),
            ..Default::default()
        });
        s.push(Section {
            title: "Tables with many sequential scans".into(),
            headers: vec![
                "table",
                "seq scans",
                "rows read by seq scans",
                "index scans",
                "% seq",
                "live rows",
                "size",
            ],
            rows: self
                .seq_scan_tables
                .iter()
                .map(|t| {
                    vec![
                        format!("{}.{}", t.schema, t.table),
                        t.seq_scan.to_string(),
                        t.seq_tup_read.to_string(),
                        t.idx_scan.to_string(),
                        format!("{:.0}", t.seq_scan_pct),
                        t.n_live_tup.to_string(),
                        bytes(t.bytes),
                    ]
                })
                .collect(),
            empty: "no table over the sequential scan thresholds",
            wide: &["index scans", "live rows"],
            ..Default::default()
        });
        s
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if !self.invalid.is_empty() {
            n.push(format!(
                "invalid indexes (not used by queries, still maintained on writes): {}; rebuild with REINDEX INDEX CONCURRENTLY or drop them",
                self.invalid.join(", ")
            ));
        }
        if !self.unused.is_empty() {
            n.push("unused = never scanned on this server since the statistics reset: check replicas before dropping".into());
        }
        for i in self.indexes.iter().filter(|i| i.unused) {
            if let Some(a) = &i.advice {
                n.push(format!("{}.{} is unused but {a}", i.schema, i.index));
            }
        }
        n
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        vec![
            Check::measured(
                "invalid_indexes",
                self.invalid.len() as f64,
                t.get("invalid_indexes"),
                self.invalid.join(", "),
            ),
            {
                // An index redundant to two others is listed twice (once per pair) but is one
                // index to drop: the check counts distinct indexes.
                let distinct = |kept: bool| {
                    let mut names: Vec<String> = self
                        .duplicates
                        .iter()
                        .filter(|d| d.kept.is_some() == kept)
                        .map(|d| format!("{}.{}", d.schema, d.index))
                        .collect();
                    names.sort();
                    names.dedup();
                    names
                };
                let (kept, drop) = (distinct(true), distinct(false));
                let mut message = drop.join(", ");
                if !kept.is_empty() {
                    let names = kept.join(", ");
                    message = format!(
                        "{message}{}kept on purpose: {names}",
                        if drop.is_empty() { "" } else { "; " }
                    );
                }
                Check::measured("duplicate_indexes", drop.len() as f64, t.get("duplicate_indexes"), message)
            },
            Check::measured(
                "unused_indexes",
                self.unused.len() as f64,
                t.get("unused_indexes"),
                self.unused.join(", "),
            ),
            Check::measured(
                "seq_scan_tables",
                self.seq_scan_tables.len() as f64,
                t.get("seq_scan_tables"),
                "",
            ),
        ]
    }
}

/// An index row for the unit tests of the duplicate and foreign key rules.
#[cfg(test)]
fn test_index(name: &str, cols: &[i16], unique: bool, cons: bool) -> IndexRow {
    IndexRow {
        schema: "s".into(),
        table: "t".into(),
        index: name.into(),
        bytes: 8192,
        bytes_exact: false,
        idx_scan: 0,
        idx_tup_read: 0,
        idx_tup_fetch: 0,
        last_idx_scan: None,
        unique,
        primary: false,
        constraint_backed: cons,
        valid: true,
        partitioned: false,
        method: "btree".into(),
        definition: String::new(),
        unused: false,
        supports_fk: false,
        foreign_keys: vec![],
        advice: None,
        table_rows: 0.0,
        bloat: None,
        kept: None,
        key: IndexKey {
            method: "btree".into(),
            keys: cols.iter().map(|c| (*c, 1978, 0, 0)).collect(),
            include: vec![],
            exprs: None,
            pred: None,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_keep_comment_gives_its_reason() {
        use super::keep_reason;
        assert_eq!(
            keep_reason("towow-db: keep: the app declares it").as_deref(),
            Some("the app declares it")
        );
        assert_eq!(keep_reason("towow-db: keep").as_deref(), Some("kept"));
        assert_eq!(keep_reason("keep: towow-db"), None);
    }

    #[test]
    fn a_kept_duplicate_is_listed_but_not_counted() {
        use super::*;
        use crate::output::check::Status;
        use crate::output::report::Report;
        let mut short = test_index("b", &[2], false, false);
        let long = test_index("b_c", &[2, 3], false, false);
        let check = |indexes: Vec<IndexRow>| {
            let r = IndexesReport {
                stats_reset: None,
                exact_sizes: false,
                duplicates: duplicates(&indexes),
                indexes,
                unused: vec![],
                invalid: vec![],
                seq_scan_tables: vec![],
            };
            let c = r
                .checks(&Thresholds::new(CHECKS))
                .into_iter()
                .find(|c| c.name == "duplicate_indexes")
                .unwrap();
            (r.duplicates.len(), c.status, c.message)
        };
        assert_eq!(check(vec![short.clone(), long.clone()]).1, Status::Warning);
        short.kept = Some("the app declares it".into());
        let (listed, status, message) = check(vec![short, long]);
        assert_eq!((listed, status), (1, Status::Ok));
        assert!(message.contains("kept on purpose: s.b"), "{message}");
    }
    use super::without_locations;

    #[test]
    fn node_trees_compare_without_where_they_were_typed() {
        let a = "({FUNCEXPR :funcid 870 :args ({VAR :varno 1 :varattno 3 :location 27}) :location 21})";
        let b = "({FUNCEXPR :funcid 870 :args ({VAR :varno 1 :varattno 3 :location 35}) :location 29})";
        assert_eq!(without_locations(a), without_locations(b));
        assert!(!without_locations(a).contains("location"));
        assert_ne!(without_locations(a), without_locations(&a.replace(":varattno 3", ":varattno 4")));
    }
}
