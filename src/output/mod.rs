//! Rendering: every command's result goes out as a table on a terminal (comfy-table) or as JSON
//! (`--format json`) on stdout; notes and progress go to stderr, silenced by `--quiet`.

pub mod cells;
pub mod check;
pub mod confirm;
pub mod logging;
pub mod report;

use std::io::{IsTerminal, Write};

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use self::check::{Status, Thresholds, combine};
use self::report::Report;

/// `--format`: tables for people, JSON for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Human-readable tables.
    #[default]
    Table,
    /// Machine-readable JSON on stdout.
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub format: Format,
    pub quiet: bool,
}

impl Out {
    pub fn new(format: Option<Format>, quiet: bool) -> Out {
        Out { format: format.unwrap_or_default(), quiet }
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Pretty JSON on stdout.
    pub fn json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let mut s = serde_json::to_string_pretty(value)?;
        s.push('\n');
        write_stdout(&s)
    }

    /// A table on stdout.
    pub fn table<S: ToString>(&self, headers: &[&str], rows: impl IntoIterator<Item = Vec<S>>) -> Result<()> {
        let mut t = Table::new();
        t.load_preset(if std::io::stdout().is_terminal() {
            presets::UTF8_FULL_CONDENSED
        } else {
            presets::ASCII_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().map(|h| h.to_string()));
        for r in rows {
            t.add_row(r.into_iter().map(|c| c.to_string()).collect::<Vec<_>>());
        }
        write_stdout(&format!("{t}\n"))
    }

    /// A line on stdout (the command's own output).
    pub fn line(&self, s: impl AsRef<str>) -> Result<()> {
        write_stdout(&format!("{}\n", s.as_ref()))
    }

    /// Render a report: JSON (its `Serialize` form, plus `check: {status, checks}` under
    /// `--check`) or its sections as tables; its notes go to stderr. Returns the exit status:
    /// the monitoring code of the worst check under `--check` (see [`Status`]), else 0.
    pub fn report<R: Report>(&self, r: &R, check: Option<&Thresholds>) -> Result<u8> {
        let checks = check.map(|t| r.checks(t));
        let status = checks.as_deref().map(combine);
        if self.is_json() {
            let mut v = serde_json::to_value(r)?;
            if let (Some(c), Some(obj)) = (&checks, v.as_object_mut())
                && !r.checks_are_the_report()
            {
                obj.insert("check".into(), serde_json::json!({ "status": status, "checks": c }));
            }
            self.json(&v)?;
        } else {
            for s in r.sections() {
                if !s.title.is_empty() {
                    self.line(&s.title)?;
                }
                if s.rows.is_empty() {
                    if !s.empty.is_empty() {
                        self.line(format!("  ({})", s.empty))?;
                    }
                } else {
                    self.table(&s.headers, s.rows)?;
                }
            }
            if let Some(c) = &checks
                && !r.checks_are_the_report()
            {
                self.table(
                    &["check", "status", "value", "message"],
                    c.iter().map(|c| {
                        vec![
                            c.name.clone(),
                            c.status.to_string(),
                            cells::value_cell(&c.value),
                            c.message.clone(),
                        ]
                    }),
                )?;
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
            let line = if bad.is_empty() {
                format!("{st}: all {} checks OK", c.len())
            } else {
                format!("{st}: {}", bad.join(", "))
            };
            if self.is_json() { self.note(line) } else { self.line(line)? }
        }
        Ok(status.map(Status::exit_code).unwrap_or(0))
    }

    /// A note on stderr (suppressed by `--quiet`).
    pub fn note(&self, s: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", s.as_ref());
        }
    }
}

fn write_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        // `towow-db … | head` closes the pipe early: that is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
