//! What a retention rule does to the tables that reference its table: a foreign key with
//! `ON DELETE CASCADE` deletes their rows with the old ones (recursively: their own children
//! with a cascade go too), `ON DELETE SET NULL` / `SET DEFAULT` updates them. Deleting 98,584
//! demands also deleted 296k responses and 99k channels, unseen: the plan now finds those
//! tables, the dry run and the confirmation count exactly the rows each loses, every batch
//! reads how many it deleted there (the transaction's own statistics, before it commits), and
//! the batch's size counts them in.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::maintenance::table::{Table, TimeColumn};
use crate::reports::query;
use crate::sql::quote_ident;

/// What a foreign key's `ON DELETE` does to the referencing rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDelete {
    Cascade,
    SetNull,
    SetDefault,
}

impl OnDelete {
    fn from_code(c: &str) -> Option<OnDelete> {
        match c {
            "c" => Some(OnDelete::Cascade),
            "n" => Some(OnDelete::SetNull),
            "d" => Some(OnDelete::SetDefault),
            _ => None,
        }
    }

    /// `ON DELETE CASCADE`.
    pub fn sql(self) -> &'static str {
        match self {
            OnDelete::Cascade => "ON DELETE CASCADE",
            OnDelete::SetNull => "ON DELETE SET NULL",
            OnDelete::SetDefault => "ON DELETE SET DEFAULT",
        }
    }

    /// What happens to the referencing rows: `deleted`, `set to NULL`.
    pub fn verb(self) -> &'static str {
        match self {
            OnDelete::Cascade => "deleted",
            OnDelete::SetNull => "set to NULL",
            OnDelete::SetDefault => "set to their default",
        }
    }
}

/// A table that the rule's old rows reach through foreign keys.
#[derive(Debug, Clone)]
pub struct Child {
    pub table: Table,
    pub action: OnDelete,
    /// The foreign keys by which (`agent_responses_demand_id_fkey`), each path's.
    pub via: Vec<String>,
    /// Which of its rows are reached: a condition on alias `c`, with `$1` the cut-off.
    predicate: String,
}

/// The foreign keys that reference a table with an `ON DELETE` action (the partitioned
/// table's own, not their clones on each partition).
const REFERENCING_SQL: &str = "
SELECT con.conname::text AS name, c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS table,
       c.relkind = 'p' AS partitioned, con.confdeltype::text AS action,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.confrelid = $1::int8::oid AND con.confdeltype IN ('c', 'n', 'd')
  AND con.conparentid = 0
ORDER BY n.nspname, c.relname, con.conname";

struct Edge {
    name: String,
    child: Table,
    action: OnDelete,
    columns: Vec<String>,
    ref_columns: Vec<String>,
}

async fn referencing(client: &Client, parent: &Table) -> Result<Vec<Edge>> {
    let rows =
        query(client, "the foreign keys that reference it", REFERENCING_SQL, &[(&parent.oid, Type::INT8)])
            .await?;
    let mut out = Vec::new();
    for r in &rows {
        let code: String = r.try_get("action")?;
        let Some(action) = OnDelete::from_code(&code) else { continue };
        out.push(Edge {
            name: r.try_get("name")?,
            child: Table {
                oid: r.try_get("oid")?,
                schema: r.try_get("schema")?,
                name: r.try_get("table")?,
                partitioned: r.try_get("partitioned")?,
            },
            action,
            columns: r.try_get("columns")?,
            ref_columns: r.try_get("ref_columns")?,
        });
    }
    Ok(out)
}

/// The tables the old rows of `root` (`column` older than `$1`) reach, depth first, each once
/// (its condition is any of its paths'), and notes on what cannot be counted in advance (a
/// cycle of cascades, the table referencing itself).
pub async fn children(
    client: &Client,
    root: &Table,
    column: &TimeColumn,
) -> Result<(Vec<Child>, Vec<String>)> {
    let root_predicate = format!("{{a}}.{} < {}", column.sql(), column.cutoff_param(1));
    let mut found: BTreeMap<i64, Child> = BTreeMap::new();
    let mut order: Vec<i64> = Vec::new();
    let mut notes = Vec::new();
    // (table, its condition with `{a}` for its alias, the path to it).
    let mut stack: Vec<(Table, String, Vec<i64>)> = vec![(root.clone(), root_predicate, vec![root.oid])];
    let mut depth = 0usize;
    while let Some((parent, parent_predicate, path)) = stack.pop() {
        depth += 1;
        if depth > 1000 {
            bail!("the foreign keys that reference {} reach too far (over 1,000 steps)", root.display());
        }
        for e in referencing(client, &parent).await? {
            if path.contains(&e.child.oid) {
                notes.push(format!(
                    "{} references {} ({} {}) in a cycle: rows it reaches through that are not counted in advance",
                    e.child.display(),
                    parent.display(),
                    e.name,
                    e.action.sql()
                ));
                continue;
            }
            let alias = format!("p{}", path.len());
            let pairs: Vec<String> = e
                .columns
                .iter()
                .zip(&e.ref_columns)
                .map(|(c, r)| format!("{alias}.{} = {{a}}.{}", quote_ident(r), quote_ident(c)))
                .collect();
            let predicate = format!(
                "EXISTS (SELECT 1 FROM {} {alias} WHERE {} AND {})",
                parent.sql(),
                pairs.join(" AND "),
                parent_predicate.replace("{a}", &alias)
            );
            let c = found.entry(e.child.oid).or_insert_with(|| {
                order.push(e.child.oid);
                Child { table: e.child.clone(), action: e.action, via: Vec::new(), predicate: String::new() }
            });
            if !c.via.contains(&e.name) {
                c.via.push(e.name.clone());
            }
            c.predicate = if c.predicate.is_empty() {
                predicate.clone()
            } else {
                format!("({}) OR ({predicate})", c.predicate)
            };
            // A cascade takes the child's own children with it; SET NULL keeps its rows.
            if e.action == OnDelete::Cascade {
                let mut p = path.clone();
                p.push(e.child.oid);
                stack.push((e.child, predicate, p));
            }
        }
    }
    let children = order
        .into_iter()
        .filter_map(|oid| found.remove(&oid))
        .map(|mut c| {
            c.predicate = c.predicate.replace("{a}", "c");
            c
        })
        .collect();
    Ok((children, notes))
}

/// How many rows of a child the rule's old rows reach, counted exactly.
#[derive(Debug, Clone, Serialize)]
pub struct Counted {
    /// `schema.table`.
    pub table: String,
    pub action: OnDelete,
    pub via: Vec<String>,
    pub rows: i64,
    /// Their `pg_column_size`.
    pub bytes: i64,
}

/// Count, for each child, the rows that the old rows of the rule's table reach (its `cutoff`).
pub async fn count(
    client: &Client,
    children: &[Child],
    cutoff: &chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Counted>> {
    let mut out = Vec::new();
    for c in children {
        let sql = format!(
            "SELECT count(*)::int8 AS rows, coalesce(sum(pg_column_size(c.*)), 0)::int8 AS bytes FROM {} c WHERE {}",
            c.table.sql(),
            c.predicate
        );
        let rows = query(client, "the rows the cascades reach", &sql, &[(cutoff, Type::TIMESTAMPTZ)]).await?;
        let r = &rows[0];
        out.push(Counted {
            table: c.table.display(),
            action: c.action,
            via: c.via.clone(),
            rows: r.try_get("rows")?,
            bytes: r.try_get("bytes")?,
        });
    }
    Ok(out)
}

/// The session's pending counters of rows deleted (or, for SET NULL and SET DEFAULT, updated)
/// in each child: the transaction's own statistics (a partitioned child's are its leaves'),
/// which also hold what earlier transactions did until they are flushed (PostgreSQL 15 on:
/// at most once a second, between transactions), so only a difference within one transaction
/// counts one batch's cascades.
const IN_TRANSACTION_SQL: &str = "
SELECT coalesce((SELECT sum(CASE WHEN x.action = 'cascade' THEN pg_stat_get_xact_tuples_deleted(l.oid)
                                 ELSE pg_stat_get_xact_tuples_updated(l.oid) END)
                 FROM (SELECT x.oid::oid AS oid WHERE NOT x.partitioned
                       UNION ALL
                       SELECT t.relid FROM pg_partition_tree(x.oid::oid::regclass) t WHERE x.partitioned AND t.isleaf) l), 0)::int8 AS rows
FROM unnest($1::int8[], $2::bool[], $3::text[]) WITH ORDINALITY AS x(oid, partitioned, action, ord)
ORDER BY x.ord";

/// What the statement(s) since `before` (read in the same transaction) did to each child.
pub async fn since(client: &Client, children: &[Child], before: &[u64]) -> Result<Vec<u64>> {
    let now = in_transaction(client, children).await?;
    Ok(now.iter().zip(before).map(|(n, b)| n.saturating_sub(*b)).collect())
}

/// The children's counters (see [`IN_TRANSACTION_SQL`]), in the order of `children`.
pub async fn in_transaction(client: &Client, children: &[Child]) -> Result<Vec<u64>> {
    if children.is_empty() {
        return Ok(Vec::new());
    }
    let oids: Vec<i64> = children.iter().map(|c| c.table.oid).collect();
    let partitioned: Vec<bool> = children.iter().map(|c| c.table.partitioned).collect();
    let actions: Vec<String> = children
        .iter()
        .map(|c| if c.action == OnDelete::Cascade { "cascade".into() } else { "update".to_string() })
        .collect();
    let rows = query(
        client,
        "what the batch's cascades did",
        IN_TRANSACTION_SQL,
        &[(&oids, Type::INT8_ARRAY), (&partitioned, Type::BOOL_ARRAY), (&actions, Type::TEXT_ARRAY)],
    )
    .await?;
    rows.iter().map(|r| Ok(r.try_get::<_, i64>("rows")?.max(0) as u64)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_read_from_the_catalog() {
        assert_eq!(OnDelete::from_code("c"), Some(OnDelete::Cascade));
        assert_eq!(OnDelete::from_code("n").map(OnDelete::sql), Some("ON DELETE SET NULL"));
        assert_eq!(OnDelete::from_code("a"), None, "NO ACTION changes no child row");
        assert_eq!(OnDelete::from_code("r"), None);
    }
}
