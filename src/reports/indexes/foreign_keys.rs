//! Which indexes serve a foreign key's lookups: without one, deleting or re-keying a referenced
//! row scans the referencing table.

use std::collections::HashMap;

use anyhow::Result;
use tokio_postgres::Client;

use super::IndexRow;
use crate::reports::{Param, query};

/// The foreign keys of the tables in scope (with their partitions): the referencing columns, the
/// referenced table and what a DELETE / UPDATE of a referenced row does.
const FOREIGN_KEYS_SQL: &str = "
SELECT n.nspname::text AS schema, t.relname::text AS table, f.conname::text AS name,
       f.conkey::int2[] AS columns, pn.nspname::text AS referenced_schema, p.relname::text AS referenced_table,
       f.confdeltype::text AS on_delete,
       (SELECT array_agg(a.attname::text ORDER BY k.ord)
          FROM unnest(f.conkey) WITH ORDINALITY k(att, ord)
          JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.att) AS column_names
FROM pg_constraint f
JOIN pg_class t ON t.oid = f.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class p ON p.oid = f.confrelid
JOIN pg_namespace pn ON pn.oid = p.relnamespace
WHERE f.contype = 'f'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
  AND {table_filter}";

/// A foreign key of a table in scope.
#[derive(Debug, Clone)]
pub(super) struct ForeignKey {
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

/// The foreign keys of the tables in scope, by schema and table (looked up by `&str`, without
/// building a key per index).
pub(super) type ByTable = HashMap<String, HashMap<String, Vec<ForeignKey>>>;

pub(super) async fn by_table(client: &Client, filter: &[Param<'_>]) -> Result<ByTable> {
    let mut fks = ByTable::new();
    for r in query(
        client,
        "the foreign keys",
        &FOREIGN_KEYS_SQL.replace("{table_filter}", &crate::reports::table_filter_with_partitions("t", "n")),
        filter,
    )
    .await?
    {
        let (name, columns): (String, Vec<i16>) = (r.get("name"), r.get("columns"));
        let (pschema, ptable, on_delete): (String, String, String) =
            (r.get("referenced_schema"), r.get("referenced_table"), r.get("on_delete"));
        let colnames: Vec<String> = r.get::<_, Option<Vec<String>>>("column_names").unwrap_or_default();
        let describe = format!(
            "{name} ({}) → {pschema}.{ptable}, ON DELETE {}",
            colnames.join(", "),
            fk_action(&on_delete)
        );
        fks.entry(r.get("schema"))
            .or_default()
            .entry(r.get("table"))
            .or_default()
            .push(ForeignKey { columns, describe });
    }
    Ok(fks)
}

/// The descriptions of the foreign keys (of its table) that `i` serves.
pub(super) fn served(i: &IndexRow, fks: &[ForeignKey]) -> Vec<String> {
    fks.iter().filter(|fk| serves(i, fk)).map(|fk| fk.describe.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_index as idx;
    use super::*;

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
