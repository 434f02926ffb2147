//! Rendering: every command's result goes out as a table on a terminal (comfy-table) or as JSON
//! (`--format json`) on stdout; notes and progress go to stderr, silenced by `--quiet`.

pub mod cells;
pub mod check;
pub mod confirm;
pub mod fleet;
pub mod html;
pub mod logging;
pub mod metrics;
pub mod progress;
pub mod report;
pub mod table;

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use self::check::{Status, Thresholds, combine};
use self::report::Report;
pub use self::table::Columns;

/// `--format`: tables for people, JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Human-readable tables.
    #[default]
    Table,
    /// Machine-readable JSON on stdout.
    Json,
    /// The Prometheus text exposition format (promtool, node_exporter's textfile collector):
    /// health, replication, vacuum-report, sizes.
    #[value(name = "openmetrics")]
    OpenMetrics,
}

/// Where a command's results go: stdout (a table or JSON), notes on stderr.
///
/// `--quiet` means errors only: no notes, no tables, no lines. What was asked for by name still
/// comes out: JSON with `--format json`, and [`Out::data`] (the URL of `local url`, a completion
/// script, the man page).
#[derive(Debug, Clone, Default)]
pub struct Out {
    pub format: Format,
    pub quiet: bool,
    pub columns: Columns,
}

impl Out {
    pub fn new(format: Option<Format>, quiet: bool, columns: Columns) -> Out {
        Out { format: format.unwrap_or_default(), quiet, columns }
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Pretty JSON on stdout (also under `--quiet`: it was asked for).
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        // Streamed through a buffer, not built whole first: on 10,000 tables the text is
        // megabytes, and growing one string for it (copies, page faults) cost a third of the
        // report's client CPU.
        let out = std::io::stdout().lock();
        let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
        let written = serde_json::to_writer_pretty(&mut w, value)
            .map_err(std::io::Error::from)
            .and_then(|_| w.write_all(b"\n"))
            .and_then(|_| w.flush());
        match written {
            // `towow-db … | head` closes the pipe early: that is not an error.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }

    /// A table on stdout, every column shown by default.
    pub fn table<S: ToString>(&self, headers: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> Result<()> {
        self.table_with(headers, rows, &[])
    }

    /// A table on stdout whose `wide_only` columns show with `--wide` (or `--columns`) only.
    pub fn table_with<S: ToString>(
        &self,
        headers: &[&str],
        rows: impl IntoIterator<Item = Vec<S>>,
        wide_only: &[&str],
    ) -> Result<()> {
        self.columns.check(&[headers])?;
        let rows: Vec<Vec<String>> =
            rows.into_iter().map(|r| r.into_iter().map(|c| c.to_string()).collect()).collect();
        self.print_table(headers, &rows, wide_only)
    }

    fn print_table(&self, headers: &[&str], rows: &[Vec<String>], wide_only: &[&str]) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        let keep = self.columns.select(headers, wide_only);
        write_stdout(&table::render(headers, rows, &keep, table::terminal_width()))
    }

    /// A line on stdout (the command's own output; not under `--quiet`).
    pub fn line(&self, s: impl AsRef<str>) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        write_stdout(&format!("{}\n", s.as_ref()))
    }

    /// A footnote under a table (`[1] text`): prose, wrapped at word boundaries to the terminal's
    /// width (100 columns when piped), continuation lines indented under the text.
    pub fn footnote(&self, f: &str) -> Result<()> {
        let width = table::terminal_width().map_or(100, usize::from).max(40);
        for l in table::wrap_prose(f, width) {
            self.line(l)?;
        }
        Ok(())
    }

    /// What the command exists to print (a URL, a script), on stdout even under `--quiet`.
    pub fn data(&self, s: impl AsRef<str>) -> Result<()> {
        write_stdout(&format!("{}\n", s.as_ref()))
    }

    /// Render a report: JSON (its `Serialize` form, plus `check: {status, checks}` under
    /// `--check`) or its sections as tables; its notes go to stderr. Returns the exit status:
    /// the monitoring code of the worst check under `--check` (see [`Status`]), else 0.
    pub fn report<R: Report>(&self, r: &R, check: Option<&Thresholds>) -> Result<u8> {
        let checks = check.map(|t| r.checks(t));
        let status = checks.as_deref().map(combine);
        if self.format == Format::OpenMetrics {
            let mut m = r.metrics();
            if let (Some(c), Some(st)) = (&checks, status) {
                let labels = r.metric_labels();
                m.extend(metrics::checks(c, &labels));
                m.push(metrics::status(st, &labels));
            }
            write_stdout(&metrics::render(&m))?;
            for n in r.notes() {
                self.note(n);
            }
            return Ok(status.map(Status::exit_code).unwrap_or(0));
        }
        if self.is_json() {
            // Serialized straight from the report (no intermediate `serde_json::Value`: on
            // 10,000 tables that tree cost more client CPU than the JSON text itself).
            #[derive(Serialize)]
            struct WithCheck<'a, R: Serialize> {
                #[serde(flatten)]
                report: &'a R,
                #[serde(skip_serializing_if = "Option::is_none")]
                check: Option<serde_json::Value>,
            }
            let check = checks
                .as_ref()
                .filter(|_| !r.checks_are_the_report())
                .map(|c| serde_json::json!({ "status": status, "checks": c }));
            self.json(&WithCheck { report: r, check })?;
        } else {
            let sections = r.sections();
            self.columns.check(&sections.iter().map(|s| s.headers.as_slice()).collect::<Vec<_>>())?;
            for s in sections {
                if !s.title.is_empty() {
                    self.line(&s.title)?;
                }
                if s.rows.is_empty() {
                    if !s.empty.is_empty() {
                        self.line(format!("  ({})", s.empty))?;
                    }
                } else {
                    self.print_table(&s.headers, &s.rows, s.wide)?;
                    for f in &s.footnotes {
                        self.footnote(f)?;
                    }
                }
            }
            if let Some(c) = &checks
                && !r.checks_are_the_report()
            {
                let rows: Vec<Vec<String>> = c
                    .iter()
                    .map(|c| {
                        vec![
                            c.name.clone(),
                            c.status.to_string(),
                            cells::value_cell(&c.value),
                            c.message.clone(),
                        ]
                    })
                    .collect();
                self.print_table(&["check", "status", "value", "message"], &rows, &[])?;
            }
        }
        for n in r.notes() {
            self.note(n);
        }
        if let (Some(c), Some(st)) = (&checks, status) {
            // The Nagios-style summary line, on stderr in JSON mode so stdout stays JSON.
            let bad: Vec<String> = c
                .iter()
                .filter(|c| c.status != Status::Ok)
                .map(|c| format!("{}={} ({})", c.name, cells::value_cell(&c.value), c.status))
                .collect();
            let mut line = if bad.is_empty() {
                format!("{st}: all {} checks OK", c.len())
            } else {
                format!("{st}: {}", bad.join(", "))
            };
            // Nagios performance data, for Nagios and Icinga to graph.
            if !c.is_empty() {
                line.push_str(" | ");
                line.push_str(&check::perfdata(c));
            }
            if self.is_json() { self.note(line) } else { self.line(line)? }
        }
        Ok(status.map(Status::exit_code).unwrap_or(0))
    }

    /// An error line on stderr (also under `--quiet`).
    pub fn error(&self, s: impl AsRef<str>) {
        error_line(s.as_ref());
    }

    /// A note on stderr (suppressed by `--quiet`).
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", s.as_ref());
        }
    }
}

/// The one place errors reach stderr: a command's failure ([`print_error`]) and the error lines
/// a command prints as it goes ([`Out::error`]); printed under `--quiet` too.
fn error_line(s: &str) {
    eprintln!("{s}");
}

/// A command's failure, as its last line on stderr: `error: ` and the rendered chain
/// ([`crate::error::render`]: database message and SQLSTATE, what became of the work, advice).
pub fn print_error(e: &anyhow::Error) {
    error_line(&format!("error: {}", crate::error::render(e)));
}

fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        // `towow-db … | head` closes the pipe early: that is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
