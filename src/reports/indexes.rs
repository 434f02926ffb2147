//! `indexes`: usage per index, unused indexes (never scanned since the statistics reset, not
//! unique, not backing a constraint — primary key, unique, exclusion, or referenced by a foreign
//! key — and above a size), duplicates (the same definition, or a btree whose key columns are a
//! leading prefix of another's with the same predicate), invalid indexes, and tables read by many
//! sequential scans.
//!
//! Scan counts are this server's since `stats_reset`: an index unused here may be used on a
//! replica, and a recent reset makes every index look unused.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::types::Type;

use super::{Filter, query};
use crate::output::cells::bytes;
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

/// `{last}` is `s.last_idx_scan` on 16+, NULL before.
const INDEXES_SQL: &str = "
WITH x AS (
  SELECT n.nspname::text AS schema, t.relname::text AS tbl, c.relname::text AS idx,
         c.relkind = 'I' AS partitioned,
         coalesce(pg_relation_size(c.oid), 0)::int8 AS bytes,
         coalesce(s.idx_scan, 0)::int8 AS idx_scan, coalesce(s.idx_tup_read, 0)::int8 AS tup_read,
         coalesce(s.idx_tup_fetch, 0)::int8 AS tup_fetch, {last} AS last_scan,
         i.indisunique AS uniq, i.indisprimary AS prim, i.indisvalid AS valid, i.indisready AS ready,
         k.conindid IS NOT NULL AS constraint_backed,
         am.amname::text AS method, i.indnkeyatts::int4 AS nkey,
         i.indkey::text AS indkey, i.indclass::text AS indclass, i.indcollation::text AS indcoll,
         i.indoption::text AS indopt,
         pg_get_expr(i.indexprs, i.indrelid) AS exprs, pg_get_expr(i.indpred, i.indrelid) AS pred,
         coalesce(pg_get_indexdef(c.oid), '') AS def
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = c.relam
  LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = c.oid
  -- pg_constraint has no index on conindid: one hashed pass, not a scan per index.
  LEFT JOIN (SELECT DISTINCT conindid FROM pg_constraint WHERE conindid <> 0) k ON k.conindid = c.oid
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
    AND t.relpersistence <> 't'
    AND ($1::text[] IS NULL OR n.nspname = ANY($1))
    AND ($2::text[] IS NULL OR t.relname = ANY($2))
)
SELECT d.reset, x.*
FROM (SELECT (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS reset) d
LEFT JOIN x ON true
ORDER BY x.schema, x.tbl, x.idx";

const SEQ_SCANS_SQL: &str = "
SELECT s.schemaname::text, s.relname::text, s.seq_scan::int8, s.seq_tup_read::int8,
       coalesce(s.idx_scan, 0)::int8, s.n_live_tup::int8, coalesce(pg_relation_size(s.relid), 0)::int8
FROM pg_stat_user_tables s
WHERE s.seq_scan >= $3 AND s.n_live_tup >= $4
  AND ($1::text[] IS NULL OR s.schemaname = ANY($1))
  AND ($2::text[] IS NULL OR s.relname = ANY($2))
ORDER BY s.seq_tup_read DESC, s.schemaname, s.relname";

#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub filter: Filter,
    /// Unused indexes smaller than this are not reported as unused.
    pub unused_min_bytes: i64,
    pub min_seq_scans: i64,
    pub min_rows: i64,
    /// Add each btree's estimated bloat (`index_bloat`).
    pub bloat: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            filter: Filter::default(),
            unused_min_bytes: 1 << 20,
            min_seq_scans: 100,
            min_rows: 10_000,
            bloat: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    pub schema: String,
    pub table: String,
    pub index: String,
    pub bytes: i64,
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
    /// With `--bloat`, a btree's estimated bloat (see `index_bloat`); null without it, without
    /// statistics, for a small index or another method.
    pub bloat: Option<super::index_bloat::IndexBloat>,
    #[serde(skip)]
    key: IndexKey,
}

/// What two indexes are compared on.
#[derive(Debug, Clone, Default, PartialEq)]
struct IndexKey {
    method: String,
    /// (column number, opclass, collation, option) for each key column.
    keys: Vec<(String, String, String, String)>,
    include: Vec<String>,
    exprs: Option<String>,
    pred: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub schema: String,
    pub table: String,
    /// The redundant index (drop candidate).
    pub index: String,
    pub duplicate_of: String,
    /// `same_definition` or `prefix`.
    pub kind: &'static str,
    pub bytes: i64,
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
    pub indexes: Vec<IndexRow>,
    pub unused: Vec<String>,
    pub duplicates: Vec<Duplicate>,
    pub invalid: Vec<String>,
    pub seq_scan_tables: Vec<SeqScanTable>,
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

/// Which of `a`, `b` (same table) is redundant given the other, and how.
fn redundant(a: &IndexRow, b: &IndexRow) -> Option<&'static str> {
    if a.key == b.key {
        return Some("same_definition");
    }
    let (ka, kb) = (&a.key, &b.key);
    let prefix = ka.method == "btree"
        && kb.method == "btree"
        && ka.exprs.is_none()
        && kb.exprs.is_none()
        && ka.pred == kb.pred
        && ka.include.is_empty()
        && ka.keys.len() < kb.keys.len()
        && kb.keys.starts_with(&ka.keys)
        && !a.unique
        && !a.constraint_backed;
    prefix.then_some("prefix")
}

/// Find duplicates among one table's indexes. For identical ones, the index that is not unique /
/// not constraint-backed (else the later name) is reported as the redundant one.
fn duplicates(indexes: &[IndexRow]) -> Vec<Duplicate> {
    let mut out = Vec::new();
    for (i, a) in indexes.iter().enumerate() {
        for b in indexes.iter().skip(i + 1) {
            if a.schema != b.schema || a.table != b.table {
                continue;
            }
            let rank = |x: &IndexRow| (x.primary, x.constraint_backed, x.unique);
            for (r, keep) in [(a, b), (b, a)] {
                match redundant(r, keep) {
                    Some("same_definition") => {
                        // Report one of the pair: the weaker (or, at equal rank, the later name).
                        let weaker =
                            if rank(r) != rank(keep) { rank(r) < rank(keep) } else { r.index > keep.index };
                        if weaker {
                            out.push(dup(r, keep, "same_definition"));
                        }
                    }
                    Some(kind) => out.push(dup(r, keep, kind)),
                    None => {}
                }
            }
        }
    }
    out.sort_by(|x, y| (&x.schema, &x.table, &x.index).cmp(&(&y.schema, &y.table, &y.index)));
    out
}

fn dup(r: &IndexRow, keep: &IndexRow, kind: &'static str) -> Duplicate {
    Duplicate {
        schema: r.schema.clone(),
        table: r.table.clone(),
        index: r.index.clone(),
        duplicate_of: keep.index.clone(),
        kind,
        bytes: r.bytes,
    }
}

pub async fn report(db: &crate::connect::Db, opts: &IndexOptions) -> Result<IndexesReport> {
    let client = db.get().await?;
    let version: i32 =
        query(&client, "the server version", "SELECT current_setting('server_version_num')::int4", &[])
            .await?[0]
            .get(0);
    let sql = INDEXES_SQL
        .replace("{last}", if version >= 160000 { "s.last_idx_scan" } else { "NULL::timestamptz" });
    let (schemas, tables) = (opts.filter.schemas_param(), opts.filter.tables_param());
    let rows = query(
        &client,
        "the index statistics",
        &sql,
        &[(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)],
    )
    .await?;
    let stats_reset: Option<DateTime<Utc>> = rows[0].get(0);
    let mut indexes = Vec::new();
    for r in rows.iter().filter(|r| r.get::<_, Option<String>>(1).is_some()) {
        let nkey = r.get::<_, i32>(16).max(0) as usize;
        let (cols, classes, colls, opts_) =
            (words(r.get(17)), words(r.get(18)), words(r.get(19)), words(r.get(20)));
        let keys = (0..nkey.min(cols.len()))
            .map(|i| {
                let g = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                (g(&cols), g(&classes), g(&colls), g(&opts_))
            })
            .collect();
        let partitioned: bool = r.get(4);
        let (unique, constraint_backed, valid): (bool, bool, bool) = (r.get(10), r.get(14), r.get(12));
        let bytes: i64 = r.get(5);
        let idx_scan: i64 = r.get(6);
        indexes.push(IndexRow {
            schema: r.get(1),
            table: r.get(2),
            index: r.get(3),
            bytes,
            idx_scan,
            idx_tup_read: r.get(7),
            idx_tup_fetch: r.get(8),
            last_idx_scan: r.get(9),
            unique,
            primary: r.get(11),
            constraint_backed,
            valid,
            partitioned,
            method: r.get(15),
            definition: r.get(23),
            unused: idx_scan == 0
                && !unique
                && !constraint_backed
                && !partitioned
                && valid
                && bytes >= opts.unused_min_bytes,
            bloat: None,
            key: IndexKey {
                method: r.get(15),
                keys,
                include: cols.get(nkey..).map(<[String]>::to_vec).unwrap_or_default(),
                exprs: r.get(21),
                pred: r.get(22),
            },
        });
    }
    let seq_scan_tables = query(
        &client,
        "the tables' sequential scans",
        SEQ_SCANS_SQL,
        &[
            (&schemas, Type::TEXT_ARRAY),
            (&tables, Type::TEXT_ARRAY),
            (&opts.min_seq_scans, Type::INT8),
            (&opts.min_rows, Type::INT8),
        ],
    )
    .await?
    .iter()
    .map(|r| {
        let (seq, idx): (i64, i64) = (r.get(2), r.get(4));
        SeqScanTable {
            schema: r.get(0),
            table: r.get(1),
            seq_scan: seq,
            seq_tup_read: r.get(3),
            idx_scan: idx,
            n_live_tup: r.get(5),
            bytes: r.get(6),
            seq_scan_pct: 100.0 * seq as f64 / (seq + idx).max(1) as f64,
        }
    })
    .collect();
    if opts.bloat {
        super::index_bloat::fill(&client, &opts.filter, &mut indexes).await?;
    }
    let name = |i: &IndexRow| format!("{}.{}", i.schema, i.index);
    Ok(IndexesReport {
        stats_reset,
        unused: indexes.iter().filter(|i| i.unused).map(name).collect(),
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
                    ]
                })
                .collect(),
            empty: "no indexes",
            wide: &["table", "tuples read", "unique", "constraint", "definition"],
            ..Default::default()
        }];
        s.extend(super::index_bloat::section(&self.indexes));
        s.push(Section {
            title: "Duplicate indexes (drop candidates)".into(),
            headers: vec!["index", "table", "duplicate of", "kind", "size"],
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
                    ]
                })
                .collect(),
            empty: "no duplicate indexes",
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
            Check::measured(
                "duplicate_indexes",
                self.duplicates.len() as f64,
                t.get("duplicate_indexes"),
                self.duplicates.iter().map(|d| d.index.clone()).collect::<Vec<_>>().join(", "),
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(name: &str, cols: &[&str], unique: bool, cons: bool) -> IndexRow {
        IndexRow {
            schema: "s".into(),
            table: "t".into(),
            index: name.into(),
            bytes: 8192,
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
            bloat: None,
            key: IndexKey {
                method: "btree".into(),
                keys: cols.iter().map(|c| (c.to_string(), "1978".into(), "0".into(), "0".into())).collect(),
                include: vec![],
                exprs: None,
                pred: None,
            },
        }
    }

    #[test]
    fn finds_exact_and_prefix_duplicates_but_keeps_unique_ones() {
        let v = vec![
            idx("a_pkey", &["1"], true, true),
            idx("a_copy", &["1"], false, false),
            idx("b", &["2"], false, false),
            idx("b_c", &["2", "3"], false, false),
            idx("u_b", &["2"], true, true),
        ];
        let d = duplicates(&v);
        let got: Vec<(&str, &str, &str)> =
            d.iter().map(|d| (d.index.as_str(), d.duplicate_of.as_str(), d.kind)).collect();
        assert!(got.contains(&("a_copy", "a_pkey", "same_definition")), "{got:?}");
        assert!(got.contains(&("b", "b_c", "prefix")), "{got:?}");
        assert!(got.contains(&("b", "u_b", "same_definition")), "{got:?}");
        assert!(
            !got.iter().any(|g| g.0 == "u_b" || g.0 == "a_pkey"),
            "unique/constraint indexes are kept: {got:?}"
        );
    }

    #[test]
    fn different_predicates_or_opclasses_are_not_duplicates() {
        let a = idx("a", &["1"], false, false);
        let mut b = idx("b", &["1"], false, false);
        b.key.pred = Some("(x > 0)".into());
        assert!(duplicates(&[a.clone(), b]).is_empty());
        let mut c = idx("c", &["1", "2"], false, false);
        c.key.keys[0].1 = "3126".into();
        assert!(duplicates(&[a, c]).is_empty());
    }
}
