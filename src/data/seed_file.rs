//! Seed files: the ToWow sample data shipped in `seeds/sample.jsonl` (embedded in the binary) and
//! users' own files in the same format, loaded with `towow-db seed [--file PATH]`.
//!
//! Format: JSON Lines, one row per line: `{"table": "demands", "id": "…", "title": "…", …}`. Blank
//! lines and lines starting with `#` or `//` are skipped. Every row needs an `id` (so that
//! loading a file twice updates its rows instead of duplicating them). Reading a file checks its
//! JSON and table names; the columns are then checked against the target database's own catalog
//! (read in the load's transaction before anything is written): known names, types, lengths,
//! CHECKed status values, NOT NULL. A bad file is rejected with the line and field at fault and
//! nothing is written; rows are then upserted by `id` in the caller's transaction, parents before
//! children.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::{Map, Value};
use tokio_postgres::Transaction;
use tokio_postgres::types::Type;

use crate::error::PgContext;
use crate::migrate::TOWOW_TABLES;
use crate::migrate::catalog::{self, Catalog, Column, Only, Table};

include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// The sample data's file name under `seeds/`.
pub const SAMPLE_FILE: &str = "sample.jsonl";

/// One row as read: its line, table and fields, not yet checked against the columns.
#[derive(Debug, Clone)]
pub struct SeedRow {
    pub line: usize,
    pub table: &'static str,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct SeedFile {
    pub name: String,
    pub rows: Vec<SeedRow>,
}

/// One row checked against the database's columns: `(column, value as text or NULL)`.
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub line: usize,
    pub table: &'static str,
    pub values: Vec<(Column, Option<String>)>,
}

/// A seed file whose every row fits the target database.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    pub name: String,
    pub rows: Vec<CheckedRow>,
}

/// The embedded sample data of the ToWow document (section 3.4).
pub fn sample() -> Result<SeedFile> {
    let text = EMBEDDED_SEEDS
        .iter()
        .find(|(n, _)| *n == SAMPLE_FILE)
        .map(|(_, t)| *t)
        .ok_or_else(|| anyhow!("seeds/{SAMPLE_FILE} is not embedded in this build"))?;
    parse(&format!("seeds/{SAMPLE_FILE}"), text)
}

/// The longest line a seed file may have: one row, with room for long texts and JSON documents.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Read a seed file and check its JSON and table names, streaming it line by line: a line over [`MAX_LINE_BYTES`] or
/// one that is not UTF-8 (`/dev/zero`, `/dev/urandom`, a binary file) stops the read at once,
/// with its line number.
pub fn read(path: &std::path::Path) -> Result<SeedFile> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| anyhow!("cannot read seed file {name}: {e}"))?;
    parse_lines(&name, Lines { reader: std::io::BufReader::new(file), name: &name, line: 0 })
}

/// The lines of a seed file, each at most [`MAX_LINE_BYTES`], as UTF-8.
struct Lines<'a, R> {
    reader: R,
    name: &'a str,
    line: usize,
}

impl<R: std::io::BufRead> Iterator for Lines<'_, R> {
    type Item = Result<String>;

    fn next(&mut self) -> Option<Result<String>> {
        use std::io::{BufRead, Read};
        self.line += 1;
        let mut buf = Vec::new();
        let limit = MAX_LINE_BYTES as u64 + 1;
        match self.reader.by_ref().take(limit).read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(anyhow!("cannot read seed file {}: {e}", self.name))),
        }
        let at = format!("{}:{}", self.name, self.line);
        if buf.last() == Some(&b'\n') {
            buf.pop();
        } else if buf.len() > MAX_LINE_BYTES {
            return Some(Err(anyhow!(
                "{at}: the line is longer than {} MiB (one row per line: is this a JSON Lines seed file?)",
                MAX_LINE_BYTES >> 20
            )));
        }
        Some(String::from_utf8(buf).map_err(|e| {
            anyhow!(
                "{at}: not UTF-8 text (byte {}): is this a JSON Lines seed file?",
                e.utf8_error().valid_up_to() + 1
            )
        }))
    }
}

/// Parse seed text: one JSON object per line with a known `table`; errors name the file and line.
pub fn parse(name: &str, text: &str) -> Result<SeedFile> {
    parse_lines(name, text.lines().map(Ok))
}

/// Parse seed lines as they come.
fn parse_lines<S: AsRef<str>>(name: &str, lines: impl Iterator<Item = Result<S>>) -> Result<SeedFile> {
    // The table names, parents first (TOWOW_TABLES lists children first).
    let table_list = TOWOW_TABLES.iter().rev().copied().collect::<Vec<_>>().join(", ");
    let mut rows = Vec::new();
    for (i, raw) in lines.enumerate() {
        let raw = raw?;
        let raw = raw.as_ref();
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        let at = |msg: String| anyhow!("{name}:{line}: {msg}");
        let mut fields = match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err(at("expected a JSON object ({\"table\": …, \"id\": …, …})".into())),
            Err(e) => return Err(at(format!("invalid JSON at column {}: {e}", e.column()))),
        };
        let table = match fields.remove("table") {
            Some(Value::String(t)) => TOWOW_TABLES
                .iter()
                .find(|x| **x == t)
                .copied()
                .ok_or_else(|| at(format!("unknown table `{t}` (expected one of {table_list})")))?,
            Some(_) => return Err(at("`table` must be a string".into())),
            None => return Err(at(format!("missing `table` (one of {table_list})"))),
        };
        rows.push(SeedRow { line, table, fields });
    }
    Ok(SeedFile { name: name.to_string(), rows })
}

/// The ToWow tables' columns and CHECKs as the target database has them, read in `tx` (before
/// anything is written): the one source of truth for the rows a seed file may hold.
pub async fn columns(tx: &Transaction<'_>) -> Result<Catalog> {
    let only =
        Only { tables: Some(TOWOW_TABLES.iter().map(|t| t.to_string()).collect()), functions: Some(vec![]) };
    catalog::read(tx, &only).await
}

impl SeedFile {
    /// Check every row against the database's columns; errors name the file, line and field.
    pub fn check(&self, schema: &Catalog) -> Result<CheckedFile> {
        let name = &self.name;
        let mut ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut rows = Vec::new();
        for r in &self.rows {
            let (line, table) = (r.line, r.table);
            let at = |msg: String| anyhow!("{name}:{line}: {msg}");
            let t = schema.table(table).ok_or_else(|| {
                at(format!("table {table} does not exist in this database (run `towow-db migrate` first)"))
            })?;
            let mut values = Vec::new();
            for (key, v) in &r.fields {
                let col = t.column(key).ok_or_else(|| at(format!("{table}.{key}: no such column")))?;
                let text = convert(t, col, v).map_err(|e| at(format!("{table}.{key}: {e}")))?;
                values.push((col.clone(), text));
            }
            for c in &t.columns {
                let present = values.iter().find(|(vc, _)| vc.name == c.name);
                // The id is always needed (rows are upserted by it); other NOT NULL columns
                // unless the server fills them.
                let must_be_given = c.name == "id" || (c.not_null && c.default.is_none());
                match present {
                    None if must_be_given => {
                        return Err(at(format!("{table}.{}: missing (required)", c.name)));
                    }
                    Some((_, None)) if c.not_null || c.name == "id" => {
                        return Err(at(format!("{table}.{}: may not be null", c.name)));
                    }
                    _ => {}
                }
            }
            let id =
                values.iter().find(|(c, _)| c.name == "id").and_then(|(_, v)| v.clone()).unwrap_or_default();
            if let Some(prev) = ids.insert(format!("{table}/{id}"), line) {
                return Err(at(format!("{table}.id: {id} is already used on line {prev}")));
            }
            rows.push(CheckedRow { line, table, values });
        }
        // Parents first: TOWOW_TABLES lists children first.
        rows.sort_by_key(|r| std::cmp::Reverse(TOWOW_TABLES.iter().position(|t| *t == r.table)));
        Ok(CheckedFile { name: name.clone(), rows })
    }
}

/// The values a CHECK allows for `column`, when it has the form PostgreSQL prints for
/// `column IN ('a', 'b')`: `((column)::text = ANY ((ARRAY['a'::character varying, …])::text[]))`.
fn allowed_values(table: &Table, column: &str) -> Option<Vec<String>> {
    table.constraints.iter().filter(|c| c.kind == "c" && c.columns == [column]).find_map(|c| {
        let expr = c.expression.as_deref()?;
        let list = expr.split_once("ARRAY[")?.1.split_once(']')?.0;
        let mut out = Vec::new();
        for item in list.split(", ") {
            let quoted = item.split("::").next()?;
            let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
            out.push(inner.replace("''", "'"));
        }
        Some(out)
    })
}

/// Check one JSON value against its column and turn it into the text PostgreSQL will cast.
fn convert(table: &Table, col: &Column, v: &Value) -> Result<Option<String>> {
    if v.is_null() {
        return Ok(None);
    }
    let s = match col.data_type.as_str() {
        "uuid" => {
            let s = v.as_str().ok_or_else(|| anyhow!("expected a UUID string, got {v}"))?;
            uuid::Uuid::parse_str(s).map_err(|e| anyhow!("`{s}` is not a UUID: {e}"))?.to_string()
        }
        "text" => v.as_str().ok_or_else(|| anyhow!("expected a string, got {v}"))?.to_string(),
        "jsonb" => {
            if col.name == "tags" && !v.is_array() {
                bail!("expected a JSON array, got {v}");
            }
            if col.name != "tags" && !v.is_object() {
                bail!("expected a JSON object, got {v}");
            }
            v.to_string()
        }
        "boolean" => v.as_bool().ok_or_else(|| anyhow!("expected true or false, got {v}"))?.to_string(),
        "double precision" => {
            let f = v.as_f64().ok_or_else(|| anyhow!("expected a number, got {v}"))?;
            f.to_string()
        }
        "integer" => {
            let n = v.as_i64().ok_or_else(|| anyhow!("expected a whole number, got {v}"))?;
            i32::try_from(n).map_err(|_| anyhow!("{n} does not fit an integer column"))?.to_string()
        }
        "timestamp with time zone" => {
            let s = v.as_str().ok_or_else(|| anyhow!("expected an RFC 3339 time string, got {v}"))?;
            chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|e| anyhow!("`{s}` is not an RFC 3339 time (e.g. 2026-01-22T10:00:00Z): {e}"))?;
            s.to_string()
        }
        varchar => {
            let max: usize = varchar
                .strip_prefix("character varying(")
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| anyhow!("unsupported column type {varchar}"))?;
            let s = v.as_str().ok_or_else(|| anyhow!("expected a string, got {v}"))?;
            let n = s.chars().count();
            if n > max {
                bail!("{n} characters, longer than the column's {max}");
            }
            if let Some(allowed) = allowed_values(table, &col.name)
                && !allowed.iter().any(|a| a == s)
            {
                bail!("`{s}` is not one of {}", allowed.join(", "));
            }
            s.to_string()
        }
    };
    Ok(Some(s))
}

/// The SQL type a text parameter is cast to (no length: the column checks it).
fn cast_type(col: &Column) -> &str {
    if col.data_type.starts_with("character varying") { "varchar" } else { &col.data_type }
}

/// Rows per table that a seed file load inserted, updated or found unchanged.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SeedCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeedFileReport {
    pub file: String,
    pub tables: BTreeMap<&'static str, SeedCounts>,
}

/// Upsert every row of `file` by id within `tx`: new rows are inserted, rows that differ are
/// updated to the file's values, identical rows are left alone (their `updated_at` too).
pub async fn load(tx: &Transaction<'_>, file: &CheckedFile) -> Result<SeedFileReport> {
    let mut tables: BTreeMap<&'static str, SeedCounts> = BTreeMap::new();
    for row in &file.rows {
        let cols: Vec<&str> = row.values.iter().map(|(c, _)| c.name.as_str()).collect();
        let quoted: Vec<String> = cols.iter().map(|c| crate::sql::quote_ident(c)).collect();
        let params: Vec<String> = row
            .values
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("${}::text::{}", i + 1, cast_type(c)))
            .collect();
        let rest: Vec<&String> = quoted.iter().filter(|c| *c != "\"id\"").collect();
        let table = crate::sql::quote_ident(row.table);
        let on_conflict = if rest.is_empty() {
            "DO NOTHING".to_string()
        } else {
            let set: Vec<String> = rest.iter().map(|c| format!("{c} = EXCLUDED.{c}")).collect();
            let old: Vec<String> = rest.iter().map(|c| format!("t.{c}")).collect();
            let new: Vec<String> = rest.iter().map(|c| format!("EXCLUDED.{c}")).collect();
            format!(
                "DO UPDATE SET {} WHERE ({}) IS DISTINCT FROM ({})",
                set.join(", "),
                old.join(", "),
                new.join(", ")
            )
        };
        let sql = format!(
            "INSERT INTO {table} AS t ({}) VALUES ({}) ON CONFLICT (id) {on_conflict} RETURNING (xmax = 0)",
            quoted.join(", "),
            params.join(", ")
        );
        let values: Vec<Option<&str>> = row.values.iter().map(|(_, v)| v.as_deref()).collect();
        let typed: Vec<(&(dyn tokio_postgres::types::ToSql + Sync), Type)> =
            values.iter().map(|v| (v as &(dyn tokio_postgres::types::ToSql + Sync), Type::TEXT)).collect();
        let out = tx
            .query_typed(&sql, &typed)
            .await
            .pg_context(format!("{}:{}: {}", file.name, row.line, row.table))?;
        let c = tables.entry(row.table).or_default();
        match out.first().map(|r| r.get::<_, bool>(0)) {
            Some(true) => c.inserted += 1,
            Some(false) => c.updated += 1,
            None => c.unchanged += 1,
        }
    }
    Ok(SeedFileReport { file: file.name.clone(), tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses() {
        let s = sample().unwrap();
        let count = |t: &str| s.rows.iter().filter(|r| r.table == t).count();
        assert_eq!((count("agent_profiles"), count("demands")), (2, 1));
    }

    /// What can be told without the database (the columns are checked against the target's own
    /// catalog: tests/it/schema.rs).
    #[test]
    fn bad_files_name_the_line() {
        let cases = [
            ("{\"table\": \"demands\", broken", "f:1: invalid JSON"),
            ("\n\n[1, 2]", "f:3: expected a JSON object"),
            ("{\"id\": \"x\"}", "f:1: missing `table`"),
            ("{\"table\": \"users\"}", "f:1: unknown table `users`"),
            ("{\"table\": 7}", "f:1: `table` must be a string"),
        ];
        for (text, want) in cases {
            let e = format!("{:#}", parse("f", text).unwrap_err());
            assert!(e.contains(want), "{text}\n=> {e}\nwanted: {want}");
        }
    }

    #[test]
    fn allowed_values_come_from_the_check() {
        let t = Table {
            name: "demands".into(),
            constraints: vec![crate::migrate::catalog::Constraint {
                name: "ck".into(),
                kind: "c".into(),
                definition: String::new(),
                validated: true,
                columns: vec!["status".into()],
                ref_table: None,
                ref_columns: vec![],
                expression: Some(
                    "((status)::text = ANY ((ARRAY['draft'::character varying, 'it''s'::character varying])::text[]))"
                        .into(),
                ),
                reparsed: None,
            }],
            ..Table::default()
        };
        assert_eq!(allowed_values(&t, "status"), Some(vec!["draft".to_string(), "it's".to_string()]));
        assert_eq!(allowed_values(&t, "title"), None);
    }
}
