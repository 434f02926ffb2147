//! Progress bars on stderr: drawn on a terminal only, never under `--quiet` or when stderr is
//! piped (the output there is for a log or a program).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps drawn with `template` (indicatif's), ticking on its own, when `show`
/// and stderr is a terminal; else none.
pub fn bar(show: bool, len: u64, template: &str) -> Option<ProgressBar> {
    if !show || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Rows done out of a total: the table (or step) in progress, rows, rows/s and the time left,
/// on a terminal; nothing otherwise.
#[derive(Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar for `total` rows when stderr is a terminal and `quiet` is off; otherwise silent.
    pub fn new(total: u64, quiet: bool) -> Progress {
        Progress {
            bar: bar(!quiet, total, "{msg:24} [{bar:30}] {human_pos}/{human_len} rows  {per_sec}  ETA {eta}"),
        }
    }

    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    pub fn set_table(&self, table: &str) {
        if let Some(b) = &self.bar {
            b.set_message(table.to_string());
        }
    }

    pub fn inc(&self, rows: u64) {
        if let Some(b) = &self.bar {
            b.inc(rows);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
