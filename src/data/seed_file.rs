//! Seed files: the ToWow sample data shipped in `seeds/sample.jsonl` (embedded in the binary) and
//! users' own files in the same format, loaded with `towow-db seed [--file PATH]`.
//!
//! Format: JSON Lines, one row per line: `{"table": "demands", "id": "…", "title": "…", …}`. Blank
//! lines and lines starting with `#` or `//` are skipped. Every row needs an `id` (so that
//! loading a file twice updates its rows instead of duplicating them); columns are checked
//! against the ToWow schema (`migrate::EXPECTED_COLUMNS`): known names, types, lengths, status
//! values, NOT NULL. A bad file is rejected with the line and field at fault before anything is
//! written; rows are then upserted by `id` in the caller's transaction, parents before children.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Transaction;
use tokio_postgres::types::Type;

use crate::error::pg_message;
use crate::migrate::{EXPECTED_COLUMNS, ExpectedColumn, TOWOW_TABLES};

include!(concat!(env!("OUT_DIR"), "/seeds.rs"));

/// The sample data's file name under `seeds/`.
pub const SAMPLE_FILE: &str = "sample.jsonl";

/// Allowed values of the status columns (the app's enums).
fn allowed_values(table: &str, column: &str) -> Option<&'static [&'static str]> {
    match (table, column) {
        ("demands", "status") => Some(&crate::data::generators::demands::DEMAND_STATUSES),
        ("collaboration_channels", "status") => Some(&["active", "paused", "completed", "closed"]),
        ("agent_responses", "status") => Some(&["pending", "accepted", "rejected", "withdrawn"]),
        _ => None,
    }
}

/// Columns a seed row must have: the id, NOT NULL columns without a server default, and the
/// foreign keys (nullable in the schema, but a response or channel without its demand is junk).
fn required(c: &ExpectedColumn) -> bool {
    c.not_null
        || matches!(
            (c.table, c.column),
            ("agent_responses", "demand_id" | "agent_id") | ("collaboration_channels", "demand_id")
        )
}

/// One validated row: its line, table and `(column, value as text or NULL)`.
#[derive(Debug, Clone)]
pub struct SeedRow {
    pub line: usize,
    pub table: &'static str,
    pub values: Vec<(&'static ExpectedColumn, Option<String>)>,
}

#[derive(Debug, Clone)]
pub struct SeedFile {
    pub name: String,
    pub rows: Vec<SeedRow>,
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

/// Read and validate a seed file, streaming it line by line: a line over [`MAX_LINE_BYTES`] or
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

/// Parse and validate seed text; errors name the file, line and field.
pub fn parse(name: &str, text: &str) -> Result<SeedFile> {
    parse_lines(name, text.lines().map(Ok))
}

/// Parse and validate seed lines as they come.
fn parse_lines<S: AsRef<str>>(name: &str, lines: impl Iterator<Item = Result<S>>) -> Result<SeedFile> {
    // The table names, parents first (TOWOW_TABLES lists children first).
    let table_list = TOWOW_TABLES.iter().rev().copied().collect::<Vec<_>>().join(", ");
    let mut rows = Vec::new();
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (i, raw) in lines.enumerate() {
        let raw = raw?;
        let raw = raw.as_ref();
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        let at = |msg: String| anyhow!("{name}:{line}: {msg}");
        let obj = match serde_json::from_str::<Value>(trimmed) {
            Ok(Value::Object(m)) => m,
            Ok(_) => return Err(at("expected a JSON object ({\"table\": …, \"id\": …, …})".into())),
            Err(e) => return Err(at(format!("invalid JSON at column {}: {e}", e.column()))),
        };
        let table = match obj.get("table") {
            Some(Value::String(t)) => TOWOW_TABLES
                .iter()
                .find(|x| *x == t)
                .copied()
                .ok_or_else(|| at(format!("unknown table `{t}` (expected one of {table_list})")))?,
            Some(_) => return Err(at("`table` must be a string".into())),
            None => return Err(at(format!("missing `table` (one of {table_list})"))),
        };
        let mut values = Vec::new();
        for (key, v) in &obj {
            if key == "table" {
                continue;
            }
            let col = EXPECTED_COLUMNS
                .iter()
                .find(|c| c.table == table && c.column == key)
                .ok_or_else(|| at(format!("{table}.{key}: no such column")))?;
            let text = convert(table, col, v).map_err(|e| at(format!("{table}.{key}: {e}")))?;
            values.push((col, text));
        }
        for c in EXPECTED_COLUMNS.iter().filter(|c| c.table == table) {
            let present = values.iter().find(|(vc, _)| vc.column == c.column);
            // `participants` is NOT NULL but has a server default ({}); the id is always needed.
            let must_be_given = c.column == "id" || (required(c) && c.column != "participants");
            match present {
                None if must_be_given => return Err(at(format!("{table}.{}: missing (required)", c.column))),
                Some((_, None)) if required(c) || c.column == "id" => {
                    return Err(at(format!("{table}.{}: may not be null", c.column)));
                }
                _ => {}
            }
        }
        let id =
            values.iter().find(|(c, _)| c.column == "id").and_then(|(_, v)| v.clone()).unwrap_or_default();
        if let Some(prev) = ids.insert(format!("{table}/{id}"), line) {
            return Err(at(format!("{table}.id: {id} is already used on line {prev}")));
        }
        rows.push(SeedRow { line, table, values });
    }
    // Parents first: TOWOW_TABLES lists children first.
    rows.sort_by_key(|r| std::cmp::Reverse(TOWOW_TABLES.iter().position(|t| *t == r.table)));
    Ok(SeedFile { name: name.to_string(), rows })
}

/// Check one JSON value against its column and turn it into the text PostgreSQL will cast.
fn convert(table: &str, col: &ExpectedColumn, v: &Value) -> Result<Option<String>> {
    if v.is_null() {
        return Ok(None);
    }
    let ty = col.data_type;
    let s = match ty {
        "uuid" => {
            let s = v.as_str().ok_or_else(|| anyhow!("expected a UUID string, got {v}"))?;
            uuid::Uuid::parse_str(s).map_err(|e| anyhow!("`{s}` is not a UUID: {e}"))?.to_string()
        }
        "text" => v.as_str().ok_or_else(|| anyhow!("expected a string, got {v}"))?.to_string(),
        "jsonb" => {
            if col.column == "tags" && !v.is_array() {
                bail!("expected a JSON array, got {v}");
            }
            if col.column != "tags" && !v.is_object() {
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
            if let Some(allowed) = allowed_values(table, col.column)
                && !allowed.contains(&s)
            {
                bail!("`{s}` is not one of {}", allowed.join(", "));
            }
            s.to_string()
        }
    };
    Ok(Some(s))
}

/// The SQL type a text parameter is cast to (no length: the column checks it).
fn cast_type(col: &ExpectedColumn) -> &'static str {
    if col.data_type.starts_with("character varying") { "varchar" } else { col.data_type }
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
pub async fn load(tx: &Transaction<'_>, file: &SeedFile) -> Result<SeedFileReport> {
    let mut tables: BTreeMap<&'static str, SeedCounts> = BTreeMap::new();
    for row in &file.rows {
        let cols: Vec<&str> = row.values.iter().map(|(c, _)| c.column).collect();
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
            .map_err(|e| anyhow!("{}:{}: {}: {}", file.name, row.line, row.table, pg_message(&e)))?;
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
    fn the_sample_is_valid() {
        let s = sample().unwrap();
        let count = |t: &str| s.rows.iter().filter(|r| r.table == t).count();
        assert_eq!((count("agent_profiles"), count("demands")), (2, 1));
        assert_eq!(s.rows[0].table, "agent_profiles");
    }

    #[test]
    fn bad_files_name_line_and_field() {
        let id = "\"id\": \"7f1c2a5e-0000-4000-8000-000000000001\"";
        let cases = [
            ("{\"table\": \"demands\", broken", "f:1: invalid JSON"),
            ("\n\n[1, 2]", "f:3: expected a JSON object"),
            ("{\"id\": \"x\"}", "f:1: missing `table`"),
            ("{\"table\": \"users\"}", "f:1: unknown table `users`"),
            (
                &format!("{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\"}}"),
                "f:1: agent_profiles.agent_type: missing",
            ),
            (
                &format!(
                    "{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\", \"agent_type\": \"x\", \"colour\": 1}}"
                ),
                "agent_profiles.colour: no such column",
            ),
            (
                &format!(
                    "{{\"table\": \"demands\", {id}, \"title\": \"t\", \"description\": \"d\", \"user_id\": \"u\", \"status\": \"open\"}}"
                ),
                "demands.status: `open` is not one of draft",
            ),
            (
                &format!(
                    "{{\"table\": \"demands\", {id}, \"title\": \"t\", \"description\": \"d\", \"user_id\": \"u\", \"tags\": {{}}}}"
                ),
                "demands.tags: expected a JSON array",
            ),
            (
                &format!(
                    "{{\"table\": \"agent_profiles\", {id}, \"name\": \"{}\", \"agent_type\": \"x\"}}",
                    "n".repeat(256)
                ),
                "agent_profiles.name: 256 characters, longer than the column's 255",
            ),
            (
                &format!(
                    "{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\", \"agent_type\": \"x\", \"rating\": \"high\"}}"
                ),
                "agent_profiles.rating: expected a number",
            ),
            (
                "{\"table\": \"agent_profiles\", \"id\": \"nope\", \"name\": \"a\", \"agent_type\": \"x\"}",
                "agent_profiles.id: `nope` is not a UUID",
            ),
            (
                &format!(
                    "{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\", \"agent_type\": \"x\"}}\n{{\"table\": \"agent_profiles\", {id}, \"name\": \"b\", \"agent_type\": \"x\"}}"
                ),
                "f:2: agent_profiles.id: 7f1c2a5e-0000-4000-8000-000000000001 is already used on line 1",
            ),
            (
                &format!(
                    "{{\"table\": \"agent_responses\", {id}, \"message\": \"m\", \"demand_id\": \"7f1c2a5e-0000-4000-8000-000000000002\"}}"
                ),
                "agent_responses.agent_id: missing",
            ),
        ];
        for (text, want) in cases {
            let e = format!("{:#}", parse("f", text).unwrap_err());
            assert!(e.contains(want), "{text}\n=> {e}\nwanted: {want}");
        }
    }
}
