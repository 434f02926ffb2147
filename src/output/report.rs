//! The rendering contract of a report: its JSON is its `Serialize` form, its human form a list
//! of [`Section`]s, and `--check` judges it with [`Report::checks`].

use serde::Serialize;

use super::check::{Check, Thresholds};

/// One table of a report's human output.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Shown instead of an empty table.
    pub empty: &'static str,
    /// Columns (by header) that only `--wide` or `--columns` show, so that the default table
    /// fits a terminal.
    pub wide: &'static [&'static str],
    /// Printed under the table: the long texts its rows point to with `[n]` (see [`Footnotes`]).
    pub footnotes: Vec<String>,
}

/// Long, repeated texts of a table (a note that ten tables share) as numbered footnotes: the
/// cell holds `[1]`, the text is printed once under the table. Keeps tables narrow.
#[derive(Debug, Clone, Default)]
pub struct Footnotes(Vec<String>);

impl Footnotes {
    /// The marker for `text` (`""` for an empty text), numbering each distinct text once.
    pub fn mark(&mut self, text: &str) -> String {
        let text = text.trim();
        if text.is_empty() {
            return String::new();
        }
        let i = match self.0.iter().position(|t| t == text) {
            Some(i) => i,
            None => {
                self.0.push(text.to_string());
                self.0.len() - 1
            }
        };
        format!("[{}]", i + 1)
    }

    /// The lines to print under the table: `[1] text`.
    pub fn lines(self) -> Vec<String> {
        self.0.into_iter().enumerate().map(|(i, t)| format!("[{}] {t}", i + 1)).collect()
    }
}

/// A report: its JSON is its `Serialize` form; its human form is a list of sections; `--check`
/// judges it with [`Report::checks`].
pub trait Report: Serialize {
    fn sections(&self) -> Vec<Section>;
    /// Notes and warnings for stderr (missing statistics, settings that zero numbers, …).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    fn checks(&self, thresholds: &Thresholds) -> Vec<Check>;
    /// Its figures as metric families, for `--format openmetrics` (none: not offered).
    fn metrics(&self) -> Vec<super::metrics::Metric> {
        Vec::new()
    }
    /// The labels that tell this report's samples apart from another database's.
    fn metric_labels(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// The report is itself a list of checks (`health`): no separate check table.
    fn checks_are_the_report(&self) -> bool {
        false
    }
    /// What it found is a failure (exit 1 without `--check`), as `migrate verify`'s mismatches.
    fn failed(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnotes_number_each_text_once() {
        let mut f = Footnotes::default();
        assert_eq!(f.mark("never analyzed"), "[1]");
        assert_eq!(f.mark(""), "");
        assert_eq!(f.mark("partitioned parent"), "[2]");
        assert_eq!(f.mark(" never analyzed "), "[1]");
        assert_eq!(f.lines(), vec!["[1] never analyzed", "[2] partitioned parent"]);
    }
}
