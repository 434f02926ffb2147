//! What a plan (`EXPLAIN (VERBOSE, FORMAT JSON)`) says about a statement: its cost, the tables it
//! scans (by the alias the plan gives each), the columns its scans filter on, its joins join on
//! and its sorts sort on, the indexes it uses, and whether it writes or locks rows.

use serde_json::Value;

use super::expr::{self, ColRef, SortKey, Use};

/// A table the plan scans, under the alias the plan's expressions use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub alias: String,
    pub schema: String,
    pub table: String,
}

/// What a plan says (see the module's documentation).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The top node's total cost, in the planner's units.
    pub cost: f64,
    pub scans: Vec<Scan>,
    /// Conditions of the scans and joins, with the scan's alias filled in.
    pub uses: Vec<Use>,
    /// The keys of each Sort that orders rows (not one that groups them for an aggregate,
    /// DISTINCT or a window), where every key is a plain column.
    pub sorts: Vec<Vec<SortKey>>,
    /// The names of the indexes the plan reads.
    pub indexes: Vec<String>,
    /// A ModifyTable (INSERT, UPDATE, DELETE, MERGE) or LockRows (FOR UPDATE/SHARE) node.
    pub writes: bool,
    /// Measured (EXPLAIN ANALYZE): execution and planning time in ms, shared buffers hit + read.
    pub execution_ms: Option<f64>,
    pub planning_ms: Option<f64>,
    pub buffers: Option<i64>,
}

impl Facts {
    /// The table an alias names (`None` for one that is not a table's scan: a CTE, a function).
    pub fn table_of(&self, col: &ColRef) -> Option<&Scan> {
        self.scans.iter().find(|s| s.alias == col.alias)
    }

    /// Whether the plan reads the index named `name`, or a hypothetical index of oid `oid`
    /// (hypopg names them `<oid>btree_table_columns`).
    pub fn uses_index(&self, name: &str) -> bool {
        self.indexes.iter().any(|i| i == name)
    }

    pub fn uses_hypothetical(&self, oid: u32) -> bool {
        let tag = format!("<{oid}>");
        self.indexes.iter().any(|i| i.starts_with(&tag))
    }
}

/// Node types that sort for grouping: their input Sort is not an ORDER BY.
const GROUPING: &[&str] = &["Aggregate", "Group", "Unique", "WindowAgg", "SetOp"];

/// Read the output of `EXPLAIN (FORMAT JSON)` (the text of its one row).
pub fn parse(text: &str) -> anyhow::Result<Facts> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("unreadable EXPLAIN output: {e}"))?;
    let top = v.get(0).unwrap_or(&v);
    let plan = top.get("Plan").ok_or_else(|| anyhow::anyhow!("EXPLAIN output without a plan"))?;
    let mut f = Facts {
        cost: plan.get("Total Cost").and_then(Value::as_f64).unwrap_or(0.0),
        execution_ms: top.get("Execution Time").and_then(Value::as_f64),
        planning_ms: top.get("Planning Time").and_then(Value::as_f64),
        ..Facts::default()
    };
    if f.execution_ms.is_some() {
        let n = |k: &str| plan.get(k).and_then(Value::as_i64).unwrap_or(0);
        f.buffers = Some(n("Shared Hit Blocks") + n("Shared Read Blocks"));
    }
    walk(plan, None, &mut f);
    // An unqualified column (EXPLAIN without VERBOSE) belongs to the only table scanned.
    if f.scans.len() == 1 {
        let alias = f.scans[0].alias.clone();
        for u in &mut f.uses {
            if u.col.alias.is_empty() {
                u.col.alias = alias.clone();
            }
        }
    }
    Ok(f)
}

fn walk(node: &Value, parent: Option<&str>, f: &mut Facts) {
    let kind = node.get("Node Type").and_then(Value::as_str).unwrap_or_default();
    let text = |k: &str| node.get(k).and_then(Value::as_str);
    if matches!(kind, "ModifyTable" | "LockRows") {
        f.writes = true;
    }
    if let Some(i) = text("Index Name") {
        f.indexes.push(i.to_string());
    }
    let alias = text("Alias").unwrap_or_default().to_string();
    if let (Some(table), Some(schema)) = (text("Relation Name"), text("Schema"))
        && kind != "ModifyTable"
        && !f.scans.iter().any(|s| s.alias == alias)
    {
        f.scans.push(Scan { alias: alias.clone(), schema: schema.into(), table: table.into() });
    }
    for k in ["Filter", "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter"] {
        if let Some(e) = text(k) {
            for mut u in expr::uses(e) {
                if u.col.alias.is_empty() && !alias.is_empty() {
                    u.col.alias = alias.clone();
                }
                f.uses.push(u);
            }
        }
    }
    if matches!(kind, "Sort" | "Incremental Sort") && !parent.is_some_and(|p| GROUPING.contains(&p)) {
        let keys: Vec<Option<SortKey>> = node
            .get("Sort Key")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|k| k.as_str().and_then(expr::sort_key)).collect())
            .unwrap_or_default();
        // The plain-column keys from the first on (an index can give an order's leading part).
        let plain: Vec<SortKey> = keys.into_iter().map_while(|k| k).collect();
        if !plain.is_empty() {
            f.sorts.push(plain);
        }
    }
    // A Gather passes its parent on: a Sort under `GroupAggregate → Gather Merge` still groups.
    let passed = if matches!(kind, "Gather" | "Gather Merge") { parent } else { Some(kind) };
    if let Some(children) = node.get("Plans").and_then(Value::as_array) {
        for c in children {
            walk(c, passed, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::advise::expr::Kind;

    const LIST: &str = r#"[{"Plan": {"Node Type": "Limit", "Total Cost": 6597.4, "Plans": [
        {"Node Type": "Sort", "Sort Key": ["demands.created_at DESC"], "Plans": [
          {"Node Type": "Seq Scan", "Relation Name": "demands", "Schema": "public", "Alias": "demands",
           "Filter": "((demands.status)::text = $1)"}]}]}}]"#;

    #[test]
    fn reads_scans_filters_and_sorts() {
        let f = parse(LIST).unwrap();
        assert_eq!(f.cost, 6597.4);
        assert_eq!(
            f.scans,
            vec![Scan { alias: "demands".into(), schema: "public".into(), table: "demands".into() }]
        );
        assert_eq!(f.uses.len(), 1);
        assert_eq!(
            (f.uses[0].col.column.as_str(), f.uses[0].kind, &f.uses[0].params),
            ("status", Kind::Eq, &vec![1])
        );
        assert_eq!(f.sorts.len(), 1);
        assert!(f.sorts[0][0].desc && f.sorts[0][0].col.column == "created_at");
        assert!(!f.writes && f.execution_ms.is_none());
    }

    #[test]
    fn a_sort_for_grouping_is_not_an_order() {
        let agg = r#"[{"Plan": {"Node Type": "Aggregate", "Total Cost": 10, "Plans": [
            {"Node Type": "Gather Merge", "Plans": [
            {"Node Type": "Sort", "Sort Key": ["t.status"], "Plans": [
              {"Node Type": "Seq Scan", "Relation Name": "t", "Schema": "s", "Alias": "t"}]}]}]}}]"#;
        let f = parse(agg).unwrap();
        assert!(f.sorts.is_empty() && f.uses.is_empty());
    }

    #[test]
    fn measured_plans_writes_and_hypothetical_indexes() {
        let m = r#"[{"Plan": {"Node Type": "ModifyTable", "Total Cost": 1, "Relation Name": "t", "Schema": "s", "Alias": "t",
            "Shared Hit Blocks": 7, "Shared Read Blocks": 3, "Plans": [
              {"Node Type": "Index Scan", "Index Name": "<13556>btree_t_a", "Relation Name": "t", "Schema": "s", "Alias": "t",
               "Index Cond": "(a = $1)"}]}, "Planning Time": 0.1, "Execution Time": 2.5}]"#;
        let f = parse(m).unwrap();
        assert!(f.writes && f.uses_hypothetical(13556) && !f.uses_hypothetical(1355));
        assert_eq!((f.execution_ms, f.planning_ms, f.buffers), (Some(2.5), Some(0.1), Some(10)));
        // The unqualified column took the scan's alias.
        assert_eq!(f.uses[0].col.alias, "t");
        assert!(parse("not json").is_err());
    }
}
