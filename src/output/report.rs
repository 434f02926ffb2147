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
    /// The report is itself a list of checks (`health`): no separate check table.
    fn checks_are_the_report(&self) -> bool {
        false
    }
}
