//! `indexes`: usage per index, unused indexes (never scanned since the statistics reset, not
//! unique, not backing a constraint — primary key, unique, exclusion, or referenced by a foreign
//! key — and above a size), duplicates (the same definition, or a btree whose key columns are a
//! leading prefix of another's with the same predicate), invalid indexes, and tables read by many
//! sequential scans.
//!
//! Scan counts are this server's since `stats_reset`: an index unused here may be used on a
//! replica, and a recent reset makes every index look unused.

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::{Filter, query};
use crate::output::cells::bytes;
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

/// `{last}` is `pg_stat_get_lastscan` on 16+, NULL before; `{size}` the exact size or the
/// estimate from `relpages`. The statistics are read with the `pg_stat_get_*` functions that
/// `pg_stat_all_indexes` is made of.
const INDEXES_SQL: &str = "
WITH x AS (
  SELECT n.nspname::text AS schema, t.relname::text AS tbl, c.relname::text AS idx,
         c.relkind = 'I' AS partitioned,
         {size}::int8 AS bytes,
         coalesce(pg_stat_get_numscans(c.oid), 0)::int8 AS idx_scan,
         coalesce(pg_stat_get_tuples_returned(c.oid), 0)::int8 AS tup_read,
         coalesce(pg_stat_get_tuples_fetched(c.oid), 0)::int8 AS tup_fetch, {last} AS last_scan,
         i.indisunique AS uniq, i.indisprimary AS prim, i.indisvalid AS valid, i.indisready AS ready,
         k.conindid IS NOT NULL AS constraint_backed,
         am.amname::text AS method, i.indnkeyatts::int4 AS nkey,
         i.indkey::text AS indkey, i.indclass::text AS indclass, i.indcollation::text AS indcoll,
         i.indoption::text AS indopt,
         pg_get_expr(i.indexprs, i.indrelid) AS exprs, pg_get_expr(i.indpred, i.indrelid) AS pred,
         coalesce(pg_get_indexdef(c.oid), '') AS def,
         t.reltuples::float8 AS table_rows
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_class t ON t.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = c.relam
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

/// The foreign keys of the tables in scope: the referencing columns, the referenced table and
/// what a DELETE / UPDATE of a referenced row does.
const FOREIGN_KEYS_SQL: &str = "
SELECT n.nspname::text, t.relname::text, f.conname::text, f.conkey::int2[],
       pn.nspname::text, p.relname::text, f.confdeltype::text,
       (SELECT array_agg(a.attname::text ORDER BY k.ord)
          FROM unnest(f.conkey) WITH ORDINALITY k(att, ord)
          JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.att)
FROM pg_constraint f
JOIN pg_class t ON t.oid = f.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class p ON p.oid = f.confrelid
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE f.contype = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1))
  AND ($2::text[] IS NULL OR t.relname = ANY($2))";

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
    /// Index sizes from the files (`pg_relation_size`) instead of `relpages`.
    pub exact: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            filter: Filter::default(),
            unused_min_bytes: 1 << 20,
            min_seq_scans: 100,
            min_rows: 10_000,
            exact: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexRow {
    pub schema: String,
    pub table: String,
    pub index: String,
    /// `relpages × block_size` (as of the last VACUUM/ANALYZE/CREATE INDEX), or with `--exact`
    /// the file's size now (`pg_relation_size`, main fork).
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
    #[serde(skip)]
    key: IndexKey,
}

/// One key column: (column number, 0 for an expression; operator class; collation; indoption).
type KeyColumn = (i16, u32, u32, i16);

/// What two indexes are compared on.
#[derive(Debug, Clone, Default, PartialEq)]
struct IndexKey {
    method: String,
    keys: Vec<KeyColumn>,
    include: Vec<i16>,
    exprs: Option<String>,
    pred: Option<String>,
}

/// `indoption` bits: DESC and NULLS FIRST. A btree scanned backwards reads its keys in the
/// opposite order with NULLs at the other end: both bits flipped.
const INDOPTION_DESC: i16 = 1;
const INDOPTION_NULLS_FIRST: i16 = 2;

fn reversed(keys: &[KeyColumn]) -> Vec<KeyColumn> {
    keys.iter().map(|&(c, o, l, opt)| (c, o, l, opt ^ (INDOPTION_DESC | INDOPTION_NULLS_FIRST))).collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub schema: String,
    pub table: String,
    /// The redundant index (drop candidate).
    pub index: String,
    pub duplicate_of: String,
    /// `same_definition`, `reversed` (the same keys in the opposite order: a btree is scanned
    /// both ways) or `prefix`.
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
    /// `bytes` read from the files (`--exact`), else `relpages × block_size`.
    pub exact_sizes: bool,
    pub indexes: Vec<IndexRow>,
    pub unused: Vec<String>,
    pub duplicates: Vec<Duplicate>,
    pub invalid: Vec<String>,
    pub seq_scan_tables: Vec<SeqScanTable>,
}

fn numbers<T: std::str::FromStr + Default>(s: &str) -> Vec<T> {
    s.split_whitespace().map(|w| w.parse().unwrap_or_default()).collect()
}

/// Which of `a`, `b` (same table, both valid) is redundant given the other, and how.
fn redundant(a: &IndexRow, b: &IndexRow) -> Option<&'static str> {
    let (ka, kb) = (&a.key, &b.key);
    if ka == kb {
        return Some("same_definition");
    }
    let btree = ka.method == "btree" && kb.method == "btree";
    if btree
        && ka.keys.len() == kb.keys.len()
        && ka.include == kb.include
        && ka.exprs == kb.exprs
        && ka.pred == kb.pred
        && ka.keys == reversed(&kb.keys)
    {
        return Some("reversed");
    }
    let prefix = btree
        && ka.exprs.is_none()
        && kb.exprs.is_none()
        && ka.pred == kb.pred
        && ka.include.is_empty()
        && ka.keys.len() < kb.keys.len()
        && (kb.keys.starts_with(&ka.keys) || reversed(&kb.keys).starts_with(&ka.keys))
        && !a.unique
        && !a.constraint_backed;
    prefix.then_some("prefix")
}

/// Find duplicates among valid indexes, comparing only indexes of the same table (linear in the
/// number of tables; quadratic only in one table's own indexes). An INVALID index is never kept
/// and never makes another one redundant: it is reported as invalid. For identical (or reversed)
/// ones, the index that is not unique / not constraint-backed is the redundant one; at equal
/// rank, the reversed one whose first key is DESC, else the later name.
fn duplicates(indexes: &[IndexRow]) -> Vec<Duplicate> {
    let mut valid: Vec<&IndexRow> = indexes.iter().filter(|i| i.valid).collect();
    valid.sort_by(|x, y| (&x.schema, &x.table).cmp(&(&y.schema, &y.table)));
    let mut out = Vec::new();
    let rank = |x: &IndexRow| (x.primary, x.constraint_backed, x.unique);
    for table in valid.chunk_by(|x, y| x.schema == y.schema && x.table == y.table) {
        for (i, a) in table.iter().enumerate() {
            for b in &table[i + 1..] {
                for (r, keep) in [(*a, *b), (*b, *a)] {
                    match redundant(r, keep) {
                        Some(kind @ ("same_definition" | "reversed")) => {
                            // Report one of the pair: the weaker.
                            let weaker = if rank(r) != rank(keep) {
                                rank(r) < rank(keep)
                            } else if kind == "reversed" {
                                r.key.keys.first().is_some_and(|k| k.3 & INDOPTION_DESC != 0)
                            } else {
                                r.index > keep.index
                            };
                            if weaker {
                                out.push(dup(r, keep, kind));
                            }
                        }
                        Some(kind) => out.push(dup(r, keep, kind)),
                        None => {}
                    }
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

/// A foreign key of a table in scope.
#[derive(Debug, Clone)]
struct ForeignKey {
    columns: Vec<i16>,
    /// `name (columns) → schema.table, ON DELETE action`.
    describe: String,
}

fn fk_action(code: &str) -> &'static str {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        "r" => "RESTRICT",
        _ => "NO ACTION",
    }
}

/// Whether a valid, non-partial index can serve a foreign key's lookups (`WHERE fk_cols = $1`):
/// its leading key columns are exactly the foreign key's columns, in any order (btree), or the
/// one column (hash).
fn serves(i: &IndexRow, fk: &ForeignKey) -> bool {
    let n = fk.columns.len();
    let usable = i.valid
        && i.key.pred.is_none()
        && (i.key.method == "btree" || (i.key.method == "hash" && n == 1))
        && i.key.keys.len() >= n;
    if !usable {
        return false;
    }
    let mut lead: Vec<i16> = i.key.keys[..n].iter().map(|k| k.0).collect();
    let mut want = fk.columns.clone();
    lead.sort_unstable();
    want.sort_unstable();
    lead == want && !want.contains(&0)
}

pub async fn report(db: &crate::connect::Db, opts: &IndexOptions) -> Result<IndexesReport> {
    let client = db.get().await?;
    super::read_only(&client, read(&client, opts)).await
}

async fn read(client: &Client, opts: &IndexOptions) -> Result<IndexesReport> {
    let version: i32 =
        query(client, "the server version", "SELECT current_setting('server_version_num')::int4", &[])
            .await?[0]
            .get(0);
    let sql = INDEXES_SQL
        .replace(
            "{last}",
            if version >= 160000 { "pg_stat_get_lastscan(c.oid)" } else { "NULL::timestamptz" },
        )
        .replace(
            "{size}",
            // pg_relation_size opens the index: a relation cache entry each in a fresh backend.
            if opts.exact {
                "coalesce(pg_relation_size(c.oid), 0)"
            } else {
                "(c.relpages::int8 * current_setting('block_size')::int8)"
            },
        );
    let (schemas, tables) = (opts.filter.schemas_param(), opts.filter.tables_param());
    let filter: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&tables, Type::TEXT_ARRAY)];
    let rows = query(client, "the index statistics", &sql, &filter).await?;
    let mut fks: HashMap<(String, String), Vec<ForeignKey>> = HashMap::new();
    for r in query(client, "the foreign keys", FOREIGN_KEYS_SQL, &filter).await? {
        let (name, columns): (String, Vec<i16>) = (r.get(2), r.get(3));
        let (pschema, ptable, on_delete): (String, String, String) = (r.get(4), r.get(5), r.get(6));
        let colnames: Vec<String> = r.get::<_, Option<Vec<String>>>(7).unwrap_or_default();
        let describe = format!(
            "{name} ({}) → {pschema}.{ptable}, ON DELETE {}",
            colnames.join(", "),
            fk_action(&on_delete)
        );
        fks.entry((r.get(0), r.get(1))).or_default().push(ForeignKey { columns, describe });
    }
    let stats_reset: Option<DateTime<Utc>> = rows[0].get(0);
    let mut indexes = Vec::new();
    for r in rows.iter().filter(|r| r.get::<_, Option<String>>(1).is_some()) {
        let nkey = r.get::<_, i32>(16).max(0) as usize;
        let cols: Vec<i16> = numbers(r.get(17));
        let (classes, colls, opts_): (Vec<u32>, Vec<u32>, Vec<i16>) =
            (numbers(r.get(18)), numbers(r.get(19)), numbers(r.get(20)));
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
        let partitioned: bool = r.get(4);
        let (unique, constraint_backed, valid): (bool, bool, bool) = (r.get(10), r.get(14), r.get(12));
        let bytes: i64 = r.get(5);
        let idx_scan: i64 = r.get(6);
        let mut row = IndexRow {
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
            supports_fk: false,
            foreign_keys: Vec::new(),
            advice: None,
            table_rows: r.get(24),
            key: IndexKey {
                method: r.get(15),
                keys,
                include: cols.get(nkey..).map(<[i16]>::to_vec).unwrap_or_default(),
                exprs: r.get(21),
                pred: r.get(22),
            },
        };
        if let Some(list) = fks.get(&(row.schema.clone(), row.table.clone())) {
            row.foreign_keys =
                list.iter().filter(|fk| serves(&row, fk)).map(|fk| fk.describe.clone()).collect();
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
        indexes.push(row);
    }
    let seq_scan_tables = query(
        client,
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
    let name = |i: &IndexRow| format!("{}.{}", i.schema, i.index);
    Ok(IndexesReport {
        stats_reset,
        exact_sizes: opts.exact,
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
            wide: &["table", "tuples read", "unique", "constraint", "definition"],
            ..Default::default()
        }];
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

    fn idx(name: &str, cols: &[i16], unique: bool, cons: bool) -> IndexRow {
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
            supports_fk: false,
            foreign_keys: vec![],
            advice: None,
            table_rows: 0.0,
            key: IndexKey {
                method: "btree".into(),
                keys: cols.iter().map(|c| (*c, 1978, 0, 0)).collect(),
                include: vec![],
                exprs: None,
                pred: None,
            },
        }
    }

    fn found(v: &[IndexRow]) -> Vec<(String, String, &'static str)> {
        duplicates(v).into_iter().map(|d| (d.index, d.duplicate_of, d.kind)).collect()
    }

    fn has(got: &[(String, String, &'static str)], r: &str, keep: &str, kind: &str) -> bool {
        got.iter().any(|g| g.0 == r && g.1 == keep && g.2 == kind)
    }

    #[test]
    fn finds_exact_and_prefix_duplicates_but_keeps_unique_ones() {
        let v = vec![
            idx("a_pkey", &[1], true, true),
            idx("a_copy", &[1], false, false),
            idx("b", &[2], false, false),
            idx("b_c", &[2, 3], false, false),
            idx("u_b", &[2], true, true),
        ];
        let got = found(&v);
        assert!(has(&got, "a_copy", "a_pkey", "same_definition"), "{got:?}");
        assert!(has(&got, "b", "b_c", "prefix"), "{got:?}");
        assert!(has(&got, "b", "u_b", "same_definition"), "{got:?}");
        assert!(
            !got.iter().any(|g| g.0 == "u_b" || g.0 == "a_pkey"),
            "unique/constraint indexes are kept: {got:?}"
        );
    }

    #[test]
    fn different_predicates_or_opclasses_are_not_duplicates() {
        let a = idx("a", &[1], false, false);
        let mut b = idx("b", &[1], false, false);
        b.key.pred = Some("(x > 0)".into());
        assert!(duplicates(&[a.clone(), b]).is_empty());
        let mut c = idx("c", &[1, 2], false, false);
        c.key.keys[0].1 = 3126;
        assert!(duplicates(&[a, c]).is_empty());
    }

    #[test]
    fn an_invalid_index_is_never_kept_nor_a_reason_to_drop() {
        let plain = idx("plain", &[1], false, false);
        let mut bad = idx("bad_unique", &[1], true, false);
        bad.valid = false;
        let mut wide = idx("bad_wide", &[1, 2], false, false);
        wide.valid = false;
        assert!(found(&[plain, bad, wide]).is_empty());
    }

    #[test]
    fn a_reversed_btree_is_a_duplicate_and_a_reversed_prefix_too() {
        let asc = idx("x_asc", &[1], false, false);
        let mut desc = idx("x_desc", &[1], false, false);
        desc.key.keys[0].3 = INDOPTION_DESC | INDOPTION_NULLS_FIRST;
        let got = found(&[asc.clone(), desc.clone()]);
        assert_eq!(got, vec![("x_desc".to_string(), "x_asc".to_string(), "reversed")]);
        // DESC NULLS LAST is not the backward scan of ASC NULLS LAST: not a duplicate.
        let mut desc_nl = idx("x_desc_nl", &[1], false, false);
        desc_nl.key.keys[0].3 = INDOPTION_DESC;
        assert!(found(&[asc.clone(), desc_nl]).is_empty());
        // (a DESC, b DESC) is (a, b) backwards; (a, b DESC) is not.
        let ab = idx("ab", &[1, 2], false, false);
        let mut ab_desc = idx("ab_desc", &[1, 2], false, false);
        ab_desc.key.keys.iter_mut().for_each(|k| k.3 = 3);
        let mut ab_mixed = idx("ab_mixed", &[1, 2], false, false);
        ab_mixed.key.keys[1].3 = 3;
        let got = found(&[ab.clone(), ab_desc, ab_mixed]);
        assert!(has(&got, "ab_desc", "ab", "reversed"), "{got:?}");
        assert!(!got.iter().any(|g| g.0 == "ab_mixed" || g.1 == "ab_mixed"), "{got:?}");
        // (x DESC) is a prefix of (x, y) read backwards.
        let got = found(&[desc, idx("xy", &[1, 2], false, false)]);
        assert!(has(&got, "x_desc", "xy", "prefix"), "{got:?}");
        // A unique DESC index is kept over a plain ascending one.
        let mut udesc = idx("u_desc", &[1], true, true);
        udesc.key.keys[0].3 = 3;
        assert_eq!(found(&[asc, udesc]), vec![("x_asc".to_string(), "u_desc".to_string(), "reversed")]);
    }

    #[test]
    fn indexes_of_different_tables_are_never_compared() {
        let a = idx("a", &[1], false, false);
        let mut b = idx("b", &[1], false, false);
        b.table = "other".into();
        let mut c = idx("c", &[1], false, false);
        c.schema = "s2".into();
        assert!(found(&[a, b, c]).is_empty());
    }

    #[test]
    fn a_foreign_key_is_served_by_its_columns_leading_in_any_order() {
        let fk = ForeignKey { columns: vec![2, 3], describe: "fk".into() };
        assert!(serves(&idx("i", &[3, 2, 5], false, false), &fk));
        assert!(!serves(&idx("i", &[2, 5, 3], false, false), &fk));
        assert!(!serves(&idx("i", &[2], false, false), &fk));
        let mut partial = idx("p", &[2, 3], false, false);
        partial.key.pred = Some("(x > 0)".into());
        assert!(!serves(&partial, &fk), "a partial index cannot serve the lookup");
        let mut invalid = idx("v", &[2, 3], false, false);
        invalid.valid = false;
        assert!(!serves(&invalid, &fk));
        let one = ForeignKey { columns: vec![4], describe: "fk".into() };
        let mut hash = idx("h", &[4], false, false);
        hash.key.method = "hash".into();
        assert!(serves(&hash, &one));
        let mut gin = idx("g", &[4], false, false);
        gin.key.method = "gin".into();
        assert!(!serves(&gin, &one));
    }
}
