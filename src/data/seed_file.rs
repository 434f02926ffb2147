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
//! children, in batches of up to [`BATCH_ROWS`] rows per statement.
//!
//! A file is streamed, never held whole: each pass (the JSON check, the column check, then one
//! load pass per table, parents first) reads it again line by line, and what stays in memory is
//! one batch of rows and the ids seen (to refuse an id used twice). A pipe or a device, which
//! cannot be read twice, is read into memory by the first pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

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

/// Rows per INSERT statement: one round trip loads this many, fewer when they have so many
/// columns that the statement would pass PostgreSQL's limit of [`MAX_PARAMS`] parameters.
pub const BATCH_ROWS: usize = 2000;
const MAX_PARAMS: usize = 65_535;

/// One row as read: its line, table and fields, not yet checked against the columns.
#[derive(Debug, Clone)]
pub struct SeedRow {
    pub line: usize,
    pub table: &'static str,
    pub fields: Map<String, Value>,
}

/// Where a seed file's lines come from, read again for every pass.
#[derive(Debug, Clone)]
enum Source {
    /// Text in memory: the embedded sample, a text given as such, a pipe's lines.
    Text(std::sync::Arc<str>),
    /// A regular file.
    File(PathBuf),
}

/// A seed file whose JSON and table names were checked (rows are not held: see the module
/// documentation).
#[derive(Debug, Clone)]
pub struct SeedFile {
    pub name: String,
    source: Source,
    /// How many rows it holds (comments and blank lines aside).
    pub rows: usize,
}

/// One row checked against the database's columns: `(column, value as text or NULL)`.
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub line: usize,
    pub table: &'static str,
    pub values: Vec<(Column, Option<String>)>,
}

/// A seed file whose every row fits the target database, with the tables it was checked against.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    file: SeedFile,
    schema: Catalog,
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

/// Read a seed file and check its JSON and table names, streaming it line by line: a line over
/// [`MAX_LINE_BYTES`] or one that is not UTF-8 (`/dev/zero`, `/dev/urandom`, a binary file) stops
/// the read at once, with its line number.
pub fn read(path: &std::path::Path) -> Result<SeedFile> {
    let name = path.display().to_string();
    let lines = Lines::open(path, &name)?;
    if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        let file = SeedFile { name, source: Source::File(path.to_path_buf()), rows: 0 };
        let rows = count_rows(&file.name, lines)?;
        return Ok(SeedFile { rows, ..file });
    }
    // A pipe or a device: its lines are kept (checked as they come) to be read again.
    let mut text = String::new();
    for l in lines {
        text.push_str(&l?);
        text.push('\n');
    }
    parse(&name, &text)
}

/// The lines of a seed file, each at most [`MAX_LINE_BYTES`], as UTF-8.
struct Lines<R> {
    reader: R,
    name: String,
    line: usize,
}

impl Lines<std::io::BufReader<std::fs::File>> {
    fn open(path: &std::path::Path, name: &str) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| anyhow!("cannot read seed file {name}: {e}"))?;
        Ok(Lines {
            reader: std::io::BufReader::with_capacity(1 << 16, file),
            name: name.to_string(),
            line: 0,
        })
    }
}

impl<R: std::io::BufRead> Iterator for Lines<R> {
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
    let rows = count_rows(name, text.lines().map(|l| Ok(l.to_string())))?;
    Ok(SeedFile { name: name.to_string(), source: Source::Text(text.into()), rows })
}

/// Check every line of `lines` (JSON, table name) and count the rows.
fn count_rows(name: &str, lines: impl Iterator<Item = Result<String>>) -> Result<usize> {
    rows_of(name, lines).try_fold(0, |n, r| r.map(|_| n + 1))
}

/// The rows of `lines`, parsed as they come (each error ends them).
fn rows_of<'a>(
    name: &'a str,
    lines: impl Iterator<Item = Result<String>> + 'a,
) -> impl Iterator<Item = Result<SeedRow>> + 'a {
    lines.enumerate().filter_map(move |(i, raw)| match raw {
        Ok(raw) => parse_row(name, i + 1, &raw).transpose(),
        Err(e) => Some(Err(e)),
    })
}

/// One line: a row, or nothing for a comment or a blank line.
fn parse_row(name: &str, line: usize, raw: &str) -> Result<Option<SeedRow>> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
        return Ok(None);
    }
    // The table names, parents first (TOWOW_TABLES lists children first).
    let table_list = || TOWOW_TABLES.iter().rev().copied().collect::<Vec<_>>().join(", ");
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
            .ok_or_else(|| at(format!("unknown table `{t}` (expected one of {})", table_list())))?,
        Some(_) => return Err(at("`table` must be a string".into())),
        None => return Err(at(format!("missing `table` (one of {})", table_list()))),
    };
    Ok(Some(SeedRow { line, table, fields }))
}

impl SeedFile {
    /// Its rows, read again from the start and parsed as they come.
    fn each_row(&self) -> Result<Box<dyn Iterator<Item = Result<SeedRow>> + Send + '_>> {
        Ok(match &self.source {
            Source::Text(t) => Box::new(rows_of(&self.name, t.lines().map(|l| Ok(l.to_string())))),
            Source::File(p) => Box::new(rows_of(&self.name, Lines::open(p, &self.name)?)),
        })
    }
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
    /// The file is read through once; only the ids are kept (an id used twice is refused).
    pub fn check(&self, schema: &Catalog) -> Result<CheckedFile> {
        let mut ids: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
        for r in self.each_row()? {
            let row = check_row(schema, &self.name, &r?)?;
            let id = row
                .values
                .iter()
                .find(|(c, _)| c.name == "id")
                .and_then(|(_, v)| v.clone())
                .unwrap_or_default();
            if let Some(prev) = ids.get(&(row.table, id.clone())) {
                bail!("{}:{}: {}.id: {id} is already used on line {prev}", self.name, row.line, row.table);
            }
            ids.insert((row.table, id), row.line);
        }
        Ok(CheckedFile { file: self.clone(), schema: schema.clone() })
    }
}

/// One row checked against its table's columns (see [`SeedFile::check`]).
fn check_row(schema: &Catalog, name: &str, r: &SeedRow) -> Result<CheckedRow> {
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
        // The id is always needed (rows are upserted by it); other NOT NULL columns unless the
        // server fills them.
        let must_be_given = c.name == "id" || (c.not_null && c.default.is_none());
        match present {
            None if must_be_given => return Err(at(format!("{table}.{}: missing (required)", c.name))),
            Some((_, None)) if c.not_null || c.name == "id" => {
                return Err(at(format!("{table}.{}: may not be null", c.name)));
            }
            _ => {}
        }
    }
    Ok(CheckedRow { line, table, values })
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
/// updated to the file's values, identical rows are left alone (their `updated_at` too). Parents
/// first: one pass over the file per table, rows sent in batches of up to [`BATCH_ROWS`] (rows
/// of one table with the same columns, one statement each).
pub async fn load(tx: &Transaction<'_>, file: &CheckedFile) -> Result<SeedFileReport> {
    let mut tables: BTreeMap<&'static str, SeedCounts> = BTreeMap::new();
    let name = &file.file.name;
    for table in TOWOW_TABLES.iter().rev() {
        let mut batch: Vec<CheckedRow> = Vec::new();
        let mut rows = file.file.each_row()?;
        loop {
            let next = match rows.next() {
                Some(r) => r?,
                None => break,
            };
            if next.table != *table {
                continue;
            }
            let row = check_row(&file.schema, name, &next)?;
            let same_columns = |b: &CheckedRow| {
                b.values.len() == row.values.len()
                    && b.values.iter().zip(&row.values).all(|((x, _), (y, _))| x.name == y.name)
            };
            let full = batch.len() >= BATCH_ROWS.min(MAX_PARAMS / row.values.len().max(1));
            if full || batch.first().is_some_and(|b| !same_columns(b)) {
                let counts = tables.entry(table).or_default();
                upsert_batch(tx, name, &std::mem::take(&mut batch), counts).await?;
            }
            batch.push(row);
        }
        if !batch.is_empty() {
            upsert_batch(tx, name, &batch, tables.entry(table).or_default()).await?;
        }
    }
    Ok(SeedFileReport { file: name.clone(), tables })
}

/// Upsert a batch (rows of one table, with the same columns). When the server refuses it, the
/// rows are tried one by one (from a savepoint) so that the error names the line at fault; the
/// caller's transaction fails either way.
async fn upsert_batch(
    tx: &Transaction<'_>,
    name: &str,
    rows: &[CheckedRow],
    counts: &mut SeedCounts,
) -> Result<()> {
    if rows.len() == 1 {
        return upsert(tx, name, rows, counts).await;
    }
    tx.batch_execute("SAVEPOINT towow_seed_batch").await.pg_context("cannot start a batch of seed rows")?;
    match upsert(tx, name, rows, counts).await {
        Ok(()) => tx
            .batch_execute("RELEASE SAVEPOINT towow_seed_batch")
            .await
            .pg_context("cannot end a batch of seed rows"),
        Err(batch_error) => {
            tx.batch_execute("ROLLBACK TO SAVEPOINT towow_seed_batch")
                .await
                .pg_context("cannot go back over a failed batch of seed rows")?;
            for row in rows {
                upsert(tx, name, std::slice::from_ref(row), &mut SeedCounts::default()).await?;
            }
            Err(batch_error)
        }
    }
}

/// One INSERT … ON CONFLICT (id) of `rows` (one table, the same columns), counting what it did.
async fn upsert(
    tx: &Transaction<'_>,
    name: &str,
    rows: &[CheckedRow],
    counts: &mut SeedCounts,
) -> Result<()> {
    let first = &rows[0];
    let quoted: Vec<String> = first.values.iter().map(|(c, _)| crate::sql::quote_ident(&c.name)).collect();
    let width = quoted.len();
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| {
            let params: Vec<String> = first
                .values
                .iter()
                .enumerate()
                .map(|(i, (c, _))| format!("${}::text::{}", r * width + i + 1, cast_type(c)))
                .collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let rest: Vec<&String> = quoted.iter().filter(|c| *c != "\"id\"").collect();
    let table = crate::sql::quote_ident(first.table);
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
        "INSERT INTO {table} AS t ({}) VALUES {} ON CONFLICT (id) {on_conflict} RETURNING (xmax = 0) AS inserted",
        quoted.join(", "),
        tuples.join(", ")
    );
    let values: Vec<Option<&str>> =
        rows.iter().flat_map(|r| r.values.iter().map(|(_, v)| v.as_deref())).collect();
    let typed: Vec<(&(dyn tokio_postgres::types::ToSql + Sync), Type)> =
        values.iter().map(|v| (v as &(dyn tokio_postgres::types::ToSql + Sync), Type::TEXT)).collect();
    let lines = match rows {
        [one] => one.line.to_string(),
        [a, .., b] => format!("{}-{}", a.line, b.line),
        [] => String::new(),
    };
    let out = tx.query_typed(&sql, &typed).await.pg_context(format!("{name}:{lines}: {}", first.table))?;
    let inserted = out.iter().filter(|r| r.get::<_, bool>("inserted")).count() as u64;
    counts.inserted += inserted;
    counts.updated += out.len() as u64 - inserted;
    counts.unchanged += (rows.len() - out.len()) as u64;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_parses() {
        let s = sample().unwrap();
        assert_eq!(s.rows, 3);
        let rows: Vec<SeedRow> = s.each_row().unwrap().map(Result::unwrap).collect();
        let count = |t: &str| rows.iter().filter(|r| r.table == t).count();
        assert_eq!((count("agent_profiles"), count("demands")), (2, 1));
    }

    #[test]
    fn a_file_is_read_again_for_each_pass_and_a_pipe_once() {
        let dir = crate::test_support::TempDir::new("seedfile");
        let path = dir.file(
            "s.jsonl",
            "# c\n{\"table\": \"demands\", \"id\": \"a\"}\n\n{\"table\": \"agent_profiles\"}\n",
        );
        let f = read(&path).unwrap();
        assert!(matches!(f.source, Source::File(_)), "{f:?}");
        assert_eq!(f.rows, 2);
        let lines = |f: &SeedFile| f.each_row().unwrap().map(|r| r.unwrap().line).collect::<Vec<_>>();
        assert_eq!(lines(&f), [2, 4]);
        // What the file holds when it is read again is what the passes see.
        std::fs::write(&path, "{\"table\": \"demands\", \"id\": \"a\"}\n").unwrap();
        assert_eq!(lines(&f), [1]);
        // A device (or a pipe) cannot be read twice: read into memory, once.
        let null = read(std::path::Path::new("/dev/null")).unwrap();
        assert!(matches!(null.source, Source::Text(_)) && null.rows == 0, "{null:?}");
        // A bad line stops the read with its number.
        let bad = dir.file("bad.jsonl", "{\"table\": \"demands\"}\n[1]\n");
        assert!(format!("{:#}", read(&bad).unwrap_err()).contains("bad.jsonl:2: expected a JSON object"));
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
