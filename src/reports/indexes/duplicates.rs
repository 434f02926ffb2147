//! Duplicate indexes: the same definition, the same keys in the opposite order (a btree is
//! read both ways), or a btree whose keys are a leading prefix of another's. Only valid indexes
//! of the same table are compared.

use serde::Serialize;

use super::IndexRow;

/// One key column: (column number, 0 for an expression; operator class; collation; indoption).
pub(super) type KeyColumn = (i16, u32, u32, i16);

/// What two indexes are compared on.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct IndexKey {
    pub(super) method: String,
    pub(super) keys: Vec<KeyColumn>,
    pub(super) include: Vec<i16>,
    pub(super) exprs: Option<String>,
    pub(super) pred: Option<String>,
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
    /// Kept on purpose (the redundant index's `towow-db: keep` comment): the reason. Not counted
    /// by the `duplicate_indexes` check.
    pub kept: Option<String>,
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
pub(super) fn duplicates(indexes: &[IndexRow]) -> Vec<Duplicate> {
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
        kept: r.kept.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_index as idx;
    use super::*;

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
    fn a_unique_index_is_never_a_droppable_prefix_even_without_a_constraint() {
        // CREATE UNIQUE INDEX u ON t (a): no constraint backs it, yet dropping it would drop
        // the uniqueness of a; a wider (a, b) index does not enforce that.
        let u = idx("u_a", &[1], true, false);
        let wide = idx("a_b", &[1, 2], false, false);
        assert!(found(&[u, wide.clone()]).is_empty());
        // Backing a constraint alone keeps it too (a non-unique index cannot back one, but the
        // rule does not lean on that).
        let c = idx("c_a", &[1], false, true);
        assert!(found(&[c, idx("a_b", &[1, 2], false, false)]).is_empty());
        // Neither: a plain prefix is redundant.
        let plain = idx("p_a", &[1], false, false);
        assert_eq!(found(&[plain, wide]), vec![("p_a".to_string(), "a_b".to_string(), "prefix")]);
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
}
