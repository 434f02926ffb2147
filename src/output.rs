//! Rendering: every command's result goes out as a table on a terminal (comfy-table) or as JSON
//! (`--format json`) on stdout; notes and progress go to stderr, silenced by `--quiet`.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::cli::Format;

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
