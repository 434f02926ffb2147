//! Candidate indexes for a statement, from the columns its plan filters, joins and sorts on.
//!
//! Per table the statement scans: its equality columns `E` (`=`, `IN`, `IS NULL`, a join's
//! column), ordered most distinct first (`n_distinct` from `pg_stats`), its range columns `R`
//! (`<`, `>`, …) and its sort columns `S` (the keys of a Sort that orders rows, past any
//! equality column). The candidates, each at most `max_columns` wide, in this order:
//!
//! 1. each column alone (`e`, `r`), and `S` alone;
//! 2. `E` (both orders when there are two);
//! 3. `E` then the first range column;
//! 4. `E` then `S`.
//!
//! Equality columns come first, then a range, then the sort: a btree reads a range of its first
//! column after its equality columns, and gives rows in index order only below the equalities.
//! A candidate whose columns are the leading columns of an existing valid btree index is not
//! tried ("already indexed").

use std::collections::HashMap;

use serde::Serialize;

use super::expr::{Kind, SortKey};
use super::plan::{Facts, Scan};
use crate::sql::{qualified, quote_ident};

/// A column of an index, with its order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct IndexColumn {
    pub name: String,
    pub desc: bool,
    pub nulls_first: bool,
}

impl IndexColumn {
    pub fn asc(name: &str) -> IndexColumn {
        IndexColumn { name: name.to_string(), desc: false, nulls_first: false }
    }

    /// As in CREATE INDEX: `"created_at"`, `"created_at" DESC NULLS LAST`.
    pub fn sql(&self) -> String {
        let mut s = quote_ident(&self.name);
        if self.desc {
            s.push_str(" DESC");
        }
        if self.nulls_first != self.desc {
            s.push_str(if self.nulls_first { " NULLS FIRST" } else { " NULLS LAST" });
        }
        s
    }
}

/// A candidate index: a btree on columns of one table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Candidate {
    pub schema: String,
    pub table: String,
    pub columns: Vec<IndexColumn>,
}

impl Candidate {
    /// `(status, created_at DESC)`.
    pub fn columns_sql(&self) -> String {
        format!("({})", self.columns.iter().map(IndexColumn::sql).collect::<Vec<_>>().join(", "))
    }

    /// `public.demands (status, created_at)`: how the output names it.
    pub fn label(&self) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|c| {
                let mut s = c.name.clone();
                if c.desc {
                    s.push_str(" DESC");
                }
                s
            })
            .collect();
        format!("{}.{} ({})", self.schema, self.table, cols.join(", "))
    }

    /// The statement hypopg is given.
    pub fn hypothetical_sql(&self) -> String {
        format!("CREATE INDEX ON {} USING btree {}", qualified(&self.schema, &self.table), self.columns_sql())
    }

    /// The statement that builds it.
    pub fn create_sql(&self, name: &str) -> String {
        format!(
            "CREATE INDEX CONCURRENTLY {} ON {} USING btree {}",
            quote_ident(name),
            qualified(&self.schema, &self.table),
            self.columns_sql()
        )
    }

    /// PostgreSQL's own default name (`table_col1_col2_idx`), cut to 63 bytes.
    pub fn default_name(&self) -> String {
        let mut parts = vec![self.table.clone()];
        parts.extend(self.columns.iter().map(|c| c.name.clone()));
        let base = parts.join("_");
        let mut cut = base.len().min(63 - 4);
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}_idx", &base[..cut])
    }

    /// Whether `self`'s columns are the first columns of `other` (by name, same table).
    pub fn is_prefix_of(&self, other: &Candidate) -> bool {
        self.schema == other.schema
            && self.table == other.table
            && self.columns.len() <= other.columns.len()
            && self.columns.iter().zip(&other.columns).all(|(a, b)| a.name == b.name)
    }
}

/// What the catalog says about a table the statements scan.
#[derive(Debug, Clone, Default)]
pub struct TableInfo {
    /// Why no index is proposed on it (a partition, a partitioned or temporary table, a view),
    /// `None` for an ordinary table.
    pub unsupported: Option<String>,
    /// Its valid, non-partial btree indexes: name and key columns (`None` for an expression).
    pub indexes: Vec<(String, Vec<Option<String>>)>,
    /// Distinct values per column (absolute: `pg_stats.n_distinct`, negative ones × reltuples).
    pub n_distinct: HashMap<String, f64>,
}

/// The candidates of one statement, and what was not tried and why.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub candidates: Vec<Candidate>,
    /// `public.demands (user_id): already indexed by ix_demands_user_id`, `… a partition of …`.
    pub skipped: Vec<String>,
    /// At least one candidate was already indexed.
    pub already_indexed: bool,
}

/// The candidates for a statement whose plan without index scans is `facts`.
pub fn for_statement(
    facts: &Facts,
    tables: &HashMap<(String, String), TableInfo>,
    max_columns: usize,
) -> Found {
    let mut found = Found::default();
    let max_columns = max_columns.max(1);
    // The system catalogs are not ours to index.
    let system = |s: &str| s.starts_with("pg_") || s == "information_schema";
    for scan in facts.scans.iter().filter(|s| !system(&s.schema)) {
        let list = for_scan(facts, scan, tables.get(&(scan.schema.clone(), scan.table.clone())), max_columns);
        if list.is_empty() {
            continue;
        }
        let Some(info) = tables.get(&(scan.schema.clone(), scan.table.clone())) else { continue };
        if let Some(why) = &info.unsupported {
            found.skipped.push(format!("{}.{}: {why}", scan.schema, scan.table));
            continue;
        }
        for c in list {
            if found.candidates.contains(&c) {
                continue;
            }
            let covered = info.indexes.iter().find(|(_, cols)| {
                c.columns.len() <= cols.len()
                    && c.columns.iter().zip(cols).all(|(a, b)| b.as_deref() == Some(&a.name))
            });
            match covered {
                Some((name, _)) => {
                    found.already_indexed = true;
                    let line = format!("{}: already indexed by {name}", c.label());
                    if !found.skipped.contains(&line) {
                        found.skipped.push(line);
                    }
                }
                None => found.candidates.push(c),
            }
        }
    }
    found
}

fn for_scan(facts: &Facts, scan: &Scan, info: Option<&TableInfo>, max: usize) -> Vec<Candidate> {
    let mine = facts.uses.iter().filter(|u| u.col.alias == scan.alias);
    let (mut eq, mut range): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for u in mine {
        let list = if u.kind == Kind::Eq { &mut eq } else { &mut range };
        if !list.contains(&u.col.column) {
            list.push(u.col.column.clone());
        }
    }
    range.retain(|c| !eq.contains(c));
    let distinct = |c: &String| info.and_then(|i| i.n_distinct.get(c)).copied().unwrap_or(0.0);
    // Most distinct first (stable: the plan's order among equals).
    eq.sort_by(|a, b| distinct(b).total_cmp(&distinct(a)));
    let sort = sort_columns(facts, scan, &eq);
    let one = |c: &str| vec![IndexColumn::asc(c)];
    let mut lists: Vec<Vec<IndexColumn>> = Vec::new();
    lists.extend(eq.iter().map(|c| one(c)));
    lists.extend(range.iter().map(|c| one(c)));
    if !sort.is_empty() {
        lists.push(sort.clone());
    }
    let eqs: Vec<IndexColumn> = eq.iter().map(|c| IndexColumn::asc(c)).collect();
    if eqs.len() >= 2 {
        lists.push(eqs.clone());
        if eqs.len() == 2 {
            lists.push(vec![eqs[1].clone(), eqs[0].clone()]);
        }
    }
    if !eqs.is_empty() {
        let head: Vec<IndexColumn> = eqs.iter().take(max.saturating_sub(1).max(1)).cloned().collect();
        if let Some(r) = range.first() {
            lists.push(head.iter().cloned().chain([IndexColumn::asc(r)]).collect());
        }
        if !sort.is_empty() {
            lists.push(head.iter().cloned().chain(sort.iter().cloned()).collect());
        }
    }
    let mut out: Vec<Candidate> = Vec::new();
    for mut cols in lists {
        cols.truncate(max);
        let c = Candidate { schema: scan.schema.clone(), table: scan.table.clone(), columns: cols };
        if !c.columns.is_empty() && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The sort columns of `scan`: the leading keys of its ORDER BY that are its own columns (past
/// the equality columns, which are constant in an index range), in the orientation that needs
/// the fewest DESC/NULLS options (a btree is read both ways).
fn sort_columns(facts: &Facts, scan: &Scan, eq: &[String]) -> Vec<IndexColumn> {
    let Some(keys) = facts.sorts.iter().find(|keys| keys.first().is_some_and(|k| k.col.alias == scan.alias))
    else {
        return Vec::new();
    };
    let keys: Vec<&SortKey> = keys
        .iter()
        .take_while(|k| k.col.alias == scan.alias)
        .filter(|k| !eq.contains(&k.col.column))
        .collect();
    let as_is: Vec<IndexColumn> = keys
        .iter()
        .map(|k| IndexColumn { name: k.col.column.clone(), desc: k.desc, nulls_first: k.nulls_first })
        .collect();
    let flipped: Vec<IndexColumn> = as_is
        .iter()
        .map(|c| IndexColumn { name: c.name.clone(), desc: !c.desc, nulls_first: !c.nulls_first })
        .collect();
    let options = |cols: &[IndexColumn]| cols.iter().filter(|c| c.desc || c.nulls_first).count();
    if options(&flipped) < options(&as_is) { flipped } else { as_is }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::advise::plan::parse;

    fn table(indexes: &[(&str, &[&str])], distinct: &[(&str, f64)]) -> TableInfo {
        TableInfo {
            unsupported: None,
            indexes: indexes
                .iter()
                .map(|(n, cols)| (n.to_string(), cols.iter().map(|c| Some(c.to_string())).collect()))
                .collect(),
            n_distinct: distinct.iter().map(|(c, n)| (c.to_string(), *n)).collect(),
        }
    }

    fn labels(f: &Found) -> Vec<String> {
        f.candidates.iter().map(Candidate::label).collect()
    }

    fn plan(filter: &str, sort: Option<&str>) -> Facts {
        let scan = format!(
            r#"{{"Node Type": "Seq Scan", "Relation Name": "t", "Schema": "s", "Alias": "t", "Filter": {}}}"#,
            serde_json::to_string(filter).unwrap()
        );
        let top = match sort {
            Some(k) => {
                format!(r#"{{"Node Type": "Sort", "Total Cost": 1, "Sort Key": ["{k}"], "Plans": [{scan}]}}"#)
            }
            None => scan,
        };
        parse(&format!(r#"[{{"Plan": {top}}}]"#)).unwrap()
    }

    #[test]
    fn equality_then_range_then_sort() {
        let mut tables = HashMap::new();
        tables.insert(("s".into(), "t".into()), table(&[], &[("user_id", 5000.0), ("task_id", 50000.0)]));
        let f = plan("((t.user_id = $1) AND (t.task_id = $2) AND (t.ts > $3))", Some("t.step DESC"));
        assert_eq!(
            labels(&for_statement(&f, &tables, 3)),
            vec![
                "s.t (task_id)",
                "s.t (user_id)",
                "s.t (ts)",
                "s.t (step)",
                "s.t (task_id, user_id)",
                "s.t (user_id, task_id)",
                "s.t (task_id, user_id, ts)",
                "s.t (task_id, user_id, step)",
            ]
        );
        // Two columns at most.
        assert!(for_statement(&f, &tables, 2).candidates.iter().all(|c| c.columns.len() <= 2));
    }

    #[test]
    fn a_descending_order_is_read_backwards() {
        let mut tables = HashMap::new();
        tables.insert(("s".into(), "t".into()), table(&[], &[]));
        let f = plan("((t.status)::text = $1)", Some("t.created_at DESC"));
        let found = for_statement(&f, &tables, 3);
        assert_eq!(labels(&found), vec!["s.t (status)", "s.t (created_at)", "s.t (status, created_at)"]);
        assert_eq!(found.candidates[2].columns_sql(), "(\"status\", \"created_at\")");
        // Mixed directions need the index's own.
        let mut f2 = plan("((t.status)::text = $1)", Some("t.created_at DESC"));
        f2.sorts[0].push(SortKey {
            col: crate::reports::advise::expr::ColRef { alias: "t".into(), column: "id".into() },
            desc: false,
            nulls_first: false,
        });
        let last = for_statement(&f2, &tables, 3).candidates.pop().unwrap();
        assert_eq!(last.columns_sql(), "(\"status\", \"created_at\" DESC, \"id\")");
    }

    #[test]
    fn what_an_existing_index_serves_is_not_tried() {
        let mut tables = HashMap::new();
        tables.insert(("s".into(), "t".into()), table(&[("t_user_id_idx", &["user_id", "created_at"])], &[]));
        let found = for_statement(&plan("(t.user_id = $1)", None), &tables, 3);
        assert!(found.candidates.is_empty() && found.already_indexed);
        assert_eq!(found.skipped, vec!["s.t (user_id): already indexed by t_user_id_idx"]);
        tables.get_mut(&("s".to_string(), "t".to_string())).unwrap().unsupported =
            Some("a partition of s.p".into());
        let found = for_statement(&plan("(t.a = $1)", None), &tables, 3);
        assert!(found.candidates.is_empty() && found.skipped == vec!["s.t: a partition of s.p"]);
    }

    #[test]
    fn names_and_statements() {
        let c = Candidate {
            schema: "public".into(),
            table: "task_history".into(),
            columns: vec![IndexColumn::asc("user_id"), IndexColumn::asc("task_id")],
        };
        assert_eq!(c.default_name(), "task_history_user_id_task_id_idx");
        assert_eq!(
            c.create_sql(&c.default_name()),
            "CREATE INDEX CONCURRENTLY \"task_history_user_id_task_id_idx\" ON \"public\".\"task_history\" USING btree (\"user_id\", \"task_id\")"
        );
        let long = Candidate { table: "t".repeat(70), ..c.clone() };
        assert!(long.default_name().len() <= 63 && long.default_name().ends_with("_idx"));
        let one = Candidate { columns: vec![IndexColumn::asc("user_id")], ..c.clone() };
        assert!(one.is_prefix_of(&c) && !c.is_prefix_of(&one));
        let d = IndexColumn { name: "x".into(), desc: true, nulls_first: false };
        assert_eq!(d.sql(), "\"x\" DESC NULLS LAST");
    }
}
