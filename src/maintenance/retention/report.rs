//! What `retention` did (or, with `--dry-run`, would do), as typed data: JSON as it is, tables
//! and a summary line for people.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::batch::Batch;
use super::cascade::{Counted, OnDelete};
use super::detach::{Dropped, How};
use super::{Action, Plan};
use crate::maintenance::table::Table;
use crate::output::cells::{bytes, plural, secs};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::vacuum::Executed;

/// The action's name in reports.
pub fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Delete => "delete in batches",
        Action::Remove(How::Attached { concurrently: true }) => "detach concurrently, drop",
        Action::Remove(How::Attached { concurrently: false }) => "drop partition",
        Action::Remove(How::Pending) => "finish detach, drop",
        Action::Remove(How::Detached) => "drop (detached earlier)",
    }
}

/// `--dry-run`: what would go, counted exactly.
#[derive(Debug, Clone, Serialize)]
pub struct DryRunReport {
    pub rules: Vec<DryRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DryRule {
    pub table: String,
    pub column: String,
    /// The cut-off in the column's type: rows with a smaller value go.
    pub cutoff: String,
    pub cutoff_utc: DateTime<Utc>,
    pub parts: Vec<DryPart>,
    pub rows: i64,
    pub bytes: i64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    /// Partitions wholly newer than the cut-off (not read).
    pub untouched_partitions: usize,
    /// The rows of other tables that the old rows take with them (`ON DELETE CASCADE`) or
    /// update (`SET NULL`, `SET DEFAULT`), per table, counted exactly.
    pub cascades: Vec<Counted>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DryPart {
    pub table: String,
    pub action: String,
    pub rows: i64,
    /// The rows' `pg_column_size` (deleted rows), or the partition's whole size (dropped).
    pub bytes: i64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    #[serde(skip)]
    pub oldest_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub newest_at: Option<DateTime<Utc>>,
}

impl DryRule {
    pub fn new(p: &Plan, parts: Vec<DryPart>) -> DryRule {
        let oldest = parts
            .iter()
            .filter(|x| x.oldest_at.is_some())
            .min_by_key(|x| x.oldest_at)
            .and_then(|x| x.oldest.clone());
        let newest = parts
            .iter()
            .filter(|x| x.newest_at.is_some())
            .max_by_key(|x| x.newest_at)
            .and_then(|x| x.newest.clone());
        DryRule {
            table: p.table.display(),
            column: p.column.name.clone(),
            cutoff: p.cutoff_text.clone(),
            cutoff_utc: p.cutoff,
            rows: parts.iter().map(|x| x.rows).sum(),
            bytes: parts.iter().map(|x| x.bytes).sum(),
            parts,
            oldest,
            newest,
            untouched_partitions: p.untouched,
            cascades: Vec::new(),
            notes: p.notes.clone(),
        }
    }
}

/// `; by ON DELETE CASCADE also 295,752 rows of public.agent_responses (…), …`: what the
/// cascades reach, for a summary line.
fn cascades_words(items: impl Iterator<Item = (String, OnDelete, i64)>) -> String {
    let words: Vec<String> = items
        .filter(|(_, _, n)| *n > 0)
        .map(|(t, a, n)| format!("{} of {t} {}", plural(n, "row", "rows"), a.verb()))
        .collect();
    if words.is_empty() {
        String::new()
    } else {
        format!("; by their foreign keys' ON DELETE: {}", words.join(", "))
    }
}

impl Report for DryRunReport {
    fn sections(&self) -> Vec<Section> {
        let rows = self
            .rules
            .iter()
            .flat_map(|r| {
                let parts = r.parts.iter().map(move |p| {
                    vec![
                        r.table.clone(),
                        p.table.clone(),
                        p.action.clone(),
                        p.rows.to_string(),
                        bytes(p.bytes),
                        p.oldest.clone().unwrap_or_else(|| "-".into()),
                        p.newest.clone().unwrap_or_else(|| "-".into()),
                    ]
                });
                let cascades = r.cascades.iter().map(move |c| {
                    vec![
                        r.table.clone(),
                        c.table.clone(),
                        format!("{} by {}", c.action.verb(), c.action.sql()),
                        c.rows.to_string(),
                        bytes(c.bytes),
                        "-".into(),
                        "-".into(),
                    ]
                });
                parts.chain(cascades)
            })
            .collect();
        vec![Section {
            title: "Retention dry run: nothing was changed".into(),
            headers: vec!["table", "part", "action", "rows", "size", "oldest", "newest"],
            rows,
            empty: "nothing is older than the cut-off",
            wide: &["oldest"],
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        for r in &self.rules {
            n.extend(r.notes.iter().cloned());
            n.push(format!(
                "{}: {} with {} < {}{}{}{}",
                r.table,
                plural(r.rows, "row", "rows"),
                r.column,
                r.cutoff,
                if r.rows > 0 { format!(", {}", bytes(r.bytes)) } else { String::new() },
                cascades_words(r.cascades.iter().map(|c| (c.table.clone(), c.action, c.rows))),
                if r.untouched_partitions > 0 {
                    format!(
                        "; {} newer left alone",
                        plural(r.untouched_partitions as i64, "partition", "partitions")
                    )
                } else {
                    String::new()
                }
            ));
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}

/// Why a run stopped before the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// Ctrl-C.
    Interrupted,
    /// `--max-duration` was reached.
    MaxDuration,
    /// An error (in `error`).
    Error,
}

/// The batched deletion of one table (or leaf partition).
#[derive(Debug, Clone, Serialize)]
pub struct Deleted {
    pub schema: String,
    pub table: String,
    /// `key (col, …)` or `ctid`.
    pub by: String,
    pub rows: u64,
    pub batches: u64,
    /// Lock timeouts and deadlocks retried.
    pub retries: u32,
    /// Time inside the batches' transactions.
    pub seconds: f64,
    /// The longest batch transaction: the longest any row lock or snapshot of this run lived.
    pub max_batch_ms: f64,
    /// The walk reached the end of the table.
    pub complete: bool,
    /// The rows of other tables the batches' cascades deleted (or updated), per table.
    pub cascaded: Vec<Cascaded>,
    /// The most rows a batch deleted here, its cascades' included: what `--batch-size` bounds.
    pub max_batch_rows: u64,
}

/// What the cascades of a rule's deletes did to a table that references it.
#[derive(Debug, Clone, Serialize)]
pub struct Cascaded {
    pub schema: String,
    pub table: String,
    pub action: OnDelete,
    pub rows: u64,
}

impl Cascaded {
    fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }
}

/// Add `rows` of `c` to `into` (one entry per table).
fn tally(into: &mut Vec<Cascaded>, c: &Cascaded) {
    match into.iter_mut().find(|x| x.schema == c.schema && x.table == c.table) {
        Some(x) => x.rows += c.rows,
        None => into.push(c.clone()),
    }
}

impl Deleted {
    pub fn new(t: &Table, method: &str, key: Option<&[(String, String)]>) -> Deleted {
        let by = match key {
            Some(k) => {
                format!("{method} ({})", k.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", "))
            }
            None => method.to_string(),
        };
        Deleted {
            schema: t.schema.clone(),
            table: t.name.clone(),
            by,
            rows: 0,
            batches: 0,
            retries: 0,
            seconds: 0.0,
            max_batch_ms: 0.0,
            complete: false,
            cascaded: Vec::new(),
            max_batch_rows: 0,
        }
    }

    /// The children a deleter reads the cascades of, in its order (their counts start at 0).
    pub fn with_children(mut self, children: &[super::cascade::Child]) -> Deleted {
        self.cascaded = children
            .iter()
            .map(|c| Cascaded {
                schema: c.table.schema.clone(),
                table: c.table.name.clone(),
                action: c.action,
                rows: 0,
            })
            .collect();
        self
    }

    pub fn add(&mut self, b: &Batch) {
        self.rows += b.deleted;
        for (c, n) in self.cascaded.iter_mut().zip(&b.cascaded) {
            c.rows += n;
        }
        self.max_batch_rows = self.max_batch_rows.max(b.deleted + b.cascaded.iter().sum::<u64>());
        self.batches += 1;
        self.retries += b.retries;
        self.seconds += b.elapsed.as_secs_f64();
        self.max_batch_ms = self.max_batch_ms.max(b.elapsed.as_secs_f64() * 1000.0);
    }
}

/// One rule's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct RuleOutcome {
    pub table: String,
    pub column: String,
    pub cutoff: String,
    pub cutoff_utc: DateTime<Utc>,
    pub dropped: Vec<Dropped>,
    pub deleted: Vec<Deleted>,
    /// Rows deleted in batches (dropped partitions' rows are in `dropped`).
    pub rows: u64,
    pub batches: u64,
    pub seconds: f64,
    pub rows_per_second: f64,
    pub max_batch_ms: f64,
    pub complete: bool,
    /// The rows of other tables the cascades deleted (or updated), per table.
    pub cascaded: Vec<Cascaded>,
    /// The most rows one batch deleted, its cascades' included.
    pub max_batch_rows: u64,
    pub vacuumed: Vec<Executed>,
    pub notes: Vec<String>,
}

impl RuleOutcome {
    pub fn new(p: &Plan) -> RuleOutcome {
        RuleOutcome {
            table: p.table.display(),
            column: p.column.name.clone(),
            cutoff: p.cutoff_text.clone(),
            cutoff_utc: p.cutoff,
            dropped: Vec::new(),
            deleted: Vec::new(),
            rows: 0,
            batches: 0,
            seconds: 0.0,
            rows_per_second: 0.0,
            max_batch_ms: 0.0,
            complete: false,
            cascaded: Vec::new(),
            max_batch_rows: 0,
            vacuumed: Vec::new(),
            notes: p.notes.clone(),
        }
    }

    pub fn finish(&mut self) {
        self.rows = self.deleted.iter().map(|d| d.rows).sum();
        self.batches = self.deleted.iter().map(|d| d.batches).sum();
        self.seconds = self.deleted.iter().map(|d| d.seconds).fold(0.0, |a, b| a + b);
        self.rows_per_second = if self.seconds > 0.0 { self.rows as f64 / self.seconds } else { 0.0 };
        self.max_batch_ms = self.deleted.iter().map(|d| d.max_batch_ms).fold(0.0, f64::max);
        self.max_batch_rows = self.deleted.iter().map(|d| d.max_batch_rows).max().unwrap_or(0);
        self.cascaded.clear();
        for c in self.deleted.iter().flat_map(|d| &d.cascaded) {
            tally(&mut self.cascaded, c);
        }
    }

    /// The tables the cascades changed rows of (to vacuum like the table itself).
    pub fn cascaded_tables(&self) -> impl Iterator<Item = &Cascaded> {
        self.cascaded.iter().filter(|c| c.rows > 0)
    }
}

/// A whole run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    pub rules: Vec<RuleOutcome>,
    /// Rows deleted in batches, all rules.
    pub rows: u64,
    pub partitions_dropped: usize,
    /// Wall clock of the run (removals, batches, pauses, VACUUM).
    pub seconds: f64,
    pub stopped: Option<Stop>,
    pub error: Option<String>,
}

impl RunReport {
    pub fn stop(&mut self, why: Stop, error: Option<anyhow::Error>) {
        self.stopped = Some(why);
        if let Some(e) = error {
            self.error = Some(crate::error::render(&e));
        }
    }

    pub fn finish(&mut self, elapsed: Duration) {
        self.rows = self.rules.iter().map(|r| r.rows).sum();
        self.partitions_dropped = self.rules.iter().map(|r| r.dropped.len()).sum();
        self.seconds = elapsed.as_secs_f64();
    }
}

impl Report for RunReport {
    fn sections(&self) -> Vec<Section> {
        let mut rows = Vec::new();
        for r in &self.rules {
            for d in &r.dropped {
                rows.push(vec![
                    r.table.clone(),
                    d.partition.clone(),
                    format!("{}{}", d.done, if d.archive.is_some() { ", archived" } else { "" }),
                    d.rows_estimate.map(|n| format!("~{n}")).unwrap_or_else(|| "?".into()),
                    bytes(d.bytes),
                    "-".into(),
                    secs(Some(d.millis as f64 / 1000.0)),
                    "-".into(),
                ]);
            }
            for d in &r.deleted {
                rows.push(vec![
                    r.table.clone(),
                    format!("{}.{}", d.schema, d.table),
                    format!("deleted by {}{}", d.by, if d.complete { "" } else { " (stopped)" }),
                    d.rows.to_string(),
                    "-".into(),
                    d.batches.to_string(),
                    secs(Some(d.seconds)),
                    if d.seconds > 0.0 { format!("{:.0}", d.rows as f64 / d.seconds) } else { "-".into() },
                ]);
            }
            for c in &r.cascaded {
                rows.push(vec![
                    r.table.clone(),
                    c.qualified(),
                    format!("{} by {}", c.action.verb(), c.action.sql()),
                    c.rows.to_string(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ]);
            }
        }
        vec![Section {
            title: "Retention".into(),
            headers: vec!["table", "part", "done", "rows", "size", "batches", "time", "rows/s"],
            rows,
            empty: "nothing was older than the cut-off",
            wide: &["size"],
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        for r in &self.rules {
            n.extend(r.notes.iter().cloned());
            let failed: Vec<String> = r
                .vacuumed
                .iter()
                .filter(|v| !v.ok)
                .map(|v| format!("{}: {}", v.command, v.error.clone().unwrap_or_default()))
                .collect();
            if !failed.is_empty() {
                n.push(format!("VACUUM failed: {}", failed.join("; ")));
            }
            let dropped_rows: i64 = r.dropped.iter().filter_map(|d| d.rows_estimate).sum();
            n.push(format!(
                "{}: deleted {} in {} in {} ({:.0} rows/s, longest batch {:.0} ms{}){}{}; cut-off {} < {}{}",
                r.table,
                plural(r.rows as i64, "row", "rows"),
                plural(r.batches as i64, "batch", "batches"),
                secs(Some(r.seconds)),
                r.rows_per_second,
                r.max_batch_ms,
                if r.cascaded.is_empty() {
                    String::new()
                } else {
                    format!(", largest batch {} rows with its cascades", r.max_batch_rows)
                },
                cascades_words(r.cascaded.iter().map(|c| (c.qualified(), c.action, c.rows as i64))),
                if r.dropped.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", dropped {} (~{dropped_rows} rows)",
                        plural(r.dropped.len() as i64, "partition", "partitions")
                    )
                },
                r.column,
                r.cutoff,
                if r.vacuumed.is_empty() {
                    String::new()
                } else {
                    format!("; vacuumed {} table(s)", r.vacuumed.len())
                },
            ));
        }
        match self.stopped {
            Some(Stop::Interrupted) => n.push(
                "interrupted: every batch and partition reported above is done (committed); nothing of the batch in flight was; run again to continue"
                    .into(),
            ),
            Some(Stop::MaxDuration) => {
                n.push("stopped at --max-duration: rows older than the cut-off may remain; run again to continue".into())
            }
            Some(Stop::Error) | None => {}
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
