//! The table a maintenance command works on: its name resolved as PostgreSQL resolves it (the
//! search_path for an unqualified name), its time column checked, its batching key, and its
//! partition tree.

use anyhow::{Result, bail};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::reports::query;
use crate::sql::qualified;

/// A table (ordinary or partitioned) found in the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    /// A partitioned table (relkind `p`): it has partitions, no rows of its own.
    pub partitioned: bool,
}

impl Table {
    /// `"schema"."name"`, quoted for SQL.
    pub fn sql(&self) -> String {
        qualified(&self.schema, &self.name)
    }

    /// `schema.name` for people.
    pub fn display(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// A row with the columns `oid`, `schema`, `name` and `partitioned` (of [`FIND_SQL`] and
    /// [`TREE_SQL`]).
    fn from_row(r: &tokio_postgres::Row) -> Table {
        Table {
            oid: r.get("oid"),
            schema: r.get("schema"),
            name: r.get("name"),
            partitioned: r.get("partitioned"),
        }
    }
}

/// Split `SCHEMA.TABLE` (or `TABLE`) into its parts. A part in double quotes is taken as written
/// (`"My.Schema"."T"`); a bare part is taken as written too, and looked up in lower case when
/// that finds nothing (see [`resolve`]).
pub fn split_name(s: &str) -> Result<(Option<String>, String)> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut chars = s.trim().chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    parts.push(cur);
    if quoted {
        bail!("`{s}`: unbalanced double quote in the table name");
    }
    match parts.as_slice() {
        [t] if !t.is_empty() => Ok((None, t.clone())),
        [sch, t] if !sch.is_empty() && !t.is_empty() => Ok((Some(sch.clone()), t.clone())),
        _ => bail!("`{s}` is not a table name (TABLE or SCHEMA.TABLE)"),
    }
}

/// An ordinary or partitioned table by schema (or the search_path) and name.
const FIND_SQL: &str = "
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'p' AS partitioned
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = $2 AND c.relkind IN ('r', 'p')
  AND (CASE WHEN $1::text IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE n.nspname = $1 END)
ORDER BY array_position(current_schemas(false), n.nspname) NULLS LAST
LIMIT 1";

/// Tables whose name is like the one asked for (for the error message).
const SIMILAR_SQL: &str = "
SELECT n.nspname || '.' || c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND lower(c.relname) = lower($1)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1 LIMIT 5";

/// Find the table `name` (`TABLE` or `SCHEMA.TABLE`). An unqualified name is looked up on the
/// search_path; a name that matches nothing as written is tried in lower case (as PostgreSQL folds
/// unquoted names).
pub async fn resolve(client: &Client, name: &str) -> Result<Table> {
    let (schema, table) = split_name(name)?;
    let tries =
        [(schema.clone(), table.clone()), (schema.as_ref().map(|s| s.to_lowercase()), table.to_lowercase())];
    for (s, t) in tries.iter() {
        let rows = query(client, "the table", FIND_SQL, &[(s, Type::TEXT), (t, Type::TEXT)]).await?;
        if let Some(r) = rows.first() {
            return Ok(Table::from_row(r));
        }
    }
    let similar: Vec<String> = query(client, "similar table names", SIMILAR_SQL, &[(&table, Type::TEXT)])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let where_ = match &schema {
        Some(s) => format!("in schema \"{s}\""),
        None => "on the search_path".into(),
    };
    if similar.is_empty() {
        bail!("table \"{table}\" not found {where_} (give SCHEMA.TABLE)");
    }
    bail!("table \"{table}\" not found {where_}; did you mean {}?", similar.join(", "))
}

/// The columns of a table with their type (as SQL) and base type (through domains).
const COLUMNS_SQL: &str = "
SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type,
       coalesce(nullif(t.typbasetype, 0), t.oid)::regtype::text AS base
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = $1::int8::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum";

/// The base types a retention column may have.
pub const TIME_TYPES: [&str; 3] = ["timestamp with time zone", "timestamp without time zone", "date"];

/// A timestamp or date column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeColumn {
    pub name: String,
    /// Its base type, one of [`TIME_TYPES`]: the type the cut-off is compared in.
    pub base: String,
}

impl TimeColumn {
    /// The quoted column name.
    pub fn sql(&self) -> String {
        crate::sql::quote_ident(&self.name)
    }

    /// The cut-off (a bound `timestamptz` parameter `$n`) in the column's own type, so that the
    /// comparison uses the column's index and means what the column means (a `timestamp`
    /// column's cut-off is in the session's time zone, a `date` column's is a day).
    pub fn cutoff_param(&self, n: usize) -> String {
        format!("${n}::timestamptz::{}", self.base)
    }
}

/// Check that `column` exists in `table` and is a timestamp or a date.
pub async fn time_column(client: &Client, table: &Table, column: &str) -> Result<TimeColumn> {
    let rows = query(client, "the table's columns", COLUMNS_SQL, &[(&table.oid, Type::INT8)]).await?;
    let cols: Vec<(String, String, String)> =
        rows.iter().map(|r| (r.get("name"), r.get("type"), r.get("base"))).collect();
    let candidates: Vec<&str> =
        cols.iter().filter(|c| TIME_TYPES.contains(&c.2.as_str())).map(|c| c.0.as_str()).collect();
    let hint = if candidates.is_empty() {
        format!("{} has no timestamp or date column", table.display())
    } else {
        format!("its timestamp/date columns: {}", candidates.join(", "))
    };
    let found =
        cols.iter().find(|c| c.0 == column).or_else(|| cols.iter().find(|c| c.0 == column.to_lowercase()));
    match found {
        None => bail!("column \"{column}\" not found in {}; {hint}", table.display()),
        Some((name, ty, base)) if !TIME_TYPES.contains(&base.as_str()) => bail!(
            "column \"{name}\" of {} is {ty}, not a timestamp or date: retention compares it with a time; {hint}",
            table.display()
        ),
        Some((name, _, base)) => Ok(TimeColumn { name: name.clone(), base: base.clone() }),
    }
}

/// The key to batch by: the primary key, else a valid unique index without expression or
/// predicate on NOT NULL columns (the first by name). Columns with their SQL types.
const KEY_SQL: &str = "
SELECT array_agg(a.attname::text ORDER BY k.ord) AS names,
       array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord) AS types
FROM (
  SELECT i.indexrelid, i.indrelid, i.indkey
  FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
  WHERE i.indrelid = $1::int8::oid AND i.indisunique AND i.indisvalid AND i.indimmediate
    AND i.indexprs IS NULL AND i.indpred IS NULL
    AND NOT EXISTS (SELECT 1 FROM unnest(i.indkey) x(n) JOIN pg_attribute a
                    ON a.attrelid = i.indrelid AND a.attnum = x.n WHERE NOT a.attnotnull)
    AND 0 <> ALL (i.indkey)
  ORDER BY i.indisprimary DESC, ic.relname
  LIMIT 1
) i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum";

/// The batching key of a table: `(column, SQL type)` pairs, or `None` (batch by ctid).
pub async fn batch_key(client: &Client, oid: i64) -> Result<Option<Vec<(String, String)>>> {
    let rows = query(client, "the table's primary key", KEY_SQL, &[(&oid, Type::INT8)]).await?;
    let (names, types): (Option<Vec<String>>, Option<Vec<String>>) =
        (rows[0].get("names"), rows[0].get("types"));
    Ok(match (names, types) {
        (Some(n), Some(t)) if !n.is_empty() => Some(n.into_iter().zip(t).collect()),
        _ => None,
    })
}

/// A valid btree index without predicate whose first column is `$2`.
const TIME_INDEX_SQL: &str = "
SELECT EXISTS (
  SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
  WHERE i.indrelid = $1::int8::oid AND i.indisvalid AND i.indpred IS NULL AND am.amname = 'btree'
    AND a.attname = $2)";

/// Whether a btree index of the table starts with `column` (so a walk in its order is cheap).
pub async fn has_index_on(client: &Client, oid: i64, column: &str) -> Result<bool> {
    Ok(query(client, "the table's indexes", TIME_INDEX_SQL, &[(&oid, Type::INT8), (&column, Type::TEXT)])
        .await?[0]
        .get(0))
}

/// One table of a partition tree (the root included).
#[derive(Debug, Clone)]
pub struct Node {
    pub table: Table,
    /// The parent's oid (`None` for the root).
    pub parent: Option<i64>,
    /// `pg_get_expr(relpartbound)`: `FOR VALUES FROM (…) TO (…)`, `DEFAULT`, ….
    pub bound: Option<String>,
    /// A partitioned table's strategy (`range`, `list`, `hash`) and key columns (empty when the
    /// key has expressions).
    pub strategy: Option<String>,
    pub key: Vec<String>,
    /// `pg_get_partkeydef`, e.g. `RANGE (created_at)`.
    pub key_def: Option<String>,
    /// Being detached concurrently (14+): no longer seen through the parent.
    pub detach_pending: bool,
}

/// The whole tree under a table, through pg_inherits (so that partitions being detached are
/// listed too), parents before children, then by name.
const TREE_SQL: &str = "
WITH RECURSIVE tree(oid, parent, depth) AS (
  SELECT $1::int8::oid, NULL::oid, 0
  UNION ALL
  SELECT i.inhrelid, i.inhparent, t.depth + 1 FROM pg_inherits i JOIN tree t ON i.inhparent = t.oid
)
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'p' AS partitioned,
       t.parent::int8 AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound,
       CASE p.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END AS strategy,
       CASE WHEN p.partexprs IS NULL THEN
         (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(p.partattrs) WITH ORDINALITY k(n, ord)
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n) END AS key,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS key_def,
       {pending} AS detach_pending
FROM tree t JOIN pg_class c ON c.oid = t.oid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table p ON p.partrelid = c.oid
WHERE c.relkind IN ('r', 'p')
ORDER BY t.depth, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.relname";

/// The partition tree under `root` (just the root for an ordinary table).
pub async fn tree(client: &Client, root: &Table, server_version: i32) -> Result<Vec<Node>> {
    let pending = if server_version >= 140000 {
        "coalesce((SELECT i.inhdetachpending FROM pg_inherits i WHERE i.inhrelid = c.oid), false)"
    } else {
        "false"
    };
    let sql = TREE_SQL.replace("{pending}", pending);
    let rows = query(client, "the partitions", &sql, &[(&root.oid, Type::INT8)]).await?;
    Ok(rows
        .iter()
        .map(|r| Node {
            table: Table::from_row(r),
            parent: r.get("parent"),
            bound: r.get("bound"),
            strategy: r.get("strategy"),
            key: r.get::<_, Option<Vec<String>>>("key").unwrap_or_default(),
            key_def: r.get("key_def"),
            detach_pending: r.get("detach_pending"),
        })
        .collect())
}

/// `server_version_num`.
pub async fn server_version(client: &Client) -> Result<i32> {
    Ok(query(client, "the server version", "SELECT current_setting('server_version_num')::int4", &[]).await?
        [0]
    .get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_the_unquoted_dot() {
        assert_eq!(split_name("messages").unwrap(), (None, "messages".into()));
        assert_eq!(split_name("public.messages").unwrap(), (Some("public".into()), "messages".into()));
        assert_eq!(
            split_name("\"My.Schema\".\"T\"\"x\"").unwrap(),
            (Some("My.Schema".into()), "T\"x".into())
        );
        for bad in ["", "a.b.c", ".t", "s.", "\"open"] {
            assert!(split_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cutoff_is_compared_in_the_columns_type() {
        let c = TimeColumn { name: "recorded_at".into(), base: "timestamp without time zone".into() };
        assert_eq!(c.cutoff_param(1), "$1::timestamptz::timestamp without time zone");
        assert_eq!(c.sql(), "\"recorded_at\"");
    }
}
