//! The advice as tables: the CREATE statements as footnotes (to copy whole), the details
//! (every statement's costs, what each index covers) with `--wide`.

use super::{Advice, StatementAdvice, Tried, Verdict};
use crate::output::cells::{bytes, f1, one_line};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Footnotes, Report, Section};

/// `12.3×`.
pub fn times(x: Option<f64>) -> String {
    match x {
        Some(v) if v >= 100.0 => format!("{v:.0}×"),
        Some(v) => format!("{v:.1}×"),
        None => "-".into(),
    }
}

/// What became of a statement, in a few words.
pub fn outcome_text(s: &StatementAdvice) -> String {
    match s.outcome {
        Verdict::Helped => format!("helped: {}", s.indexes.join(", ")),
        Verdict::AlreadyIndexed => {
            let by: Vec<&str> =
                s.not_tried.iter().filter_map(|t| t.split(": already indexed by ").nth(1)).collect();
            format!("already indexed: {}", by.join(", "))
        }
        Verdict::NoCandidate => "nothing to index".into(),
        Verdict::NotEnough => format!("not enough: best {}", times(best_tried(s).and_then(|t| t.speedup))),
        Verdict::Unproven => "UNPROVEN candidates".into(),
        Verdict::Skipped => format!("skipped: {}", one_line(s.error.as_deref().unwrap_or(""), 60)),
    }
}

/// The candidate that cut the statement's cost most (among those its plan used).
fn best_tried(s: &StatementAdvice) -> Option<&Tried> {
    s.tried
        .iter()
        .filter(|t| t.used)
        .max_by(|a, b| a.speedup.unwrap_or(0.0).total_cmp(&b.speedup.unwrap_or(0.0)))
}

/// The header of the detailed list of an index's statements (a `--wide` column).
const HELPS: &str = "helps (queryid: cost before → after)";

impl Advice {
    /// The statements' section (shared with `--create`'s report).
    pub fn statements_section(&self) -> Section {
        Section {
            title: format!(
                "Statements examined ({}, ranked as slow-query ranks them)",
                self.statements.len()
            ),
            headers: vec![
                "queryid",
                "% total",
                "cost before",
                "cost after",
                "speedup",
                "outcome",
                "query",
                "calls",
                "mean ms",
                "best tried",
            ],
            rows: self
                .statements
                .iter()
                .map(|s| {
                    vec![
                        s.queryid.to_string(),
                        f1(s.pct_of_total),
                        f1(s.cost_before),
                        f1(s.cost_after),
                        times(s.speedup),
                        outcome_text(s),
                        one_line(&s.query, 60),
                        s.calls.to_string(),
                        format!("{:.2}", s.mean_ms),
                        best_tried(s)
                            .map(|t| format!("{} {}", t.index, times(t.speedup)))
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect(),
            empty: "no statements in pg_stat_statements match",
            wide: &["calls", "mean ms", "best tried"],
            ..Default::default()
        }
    }

    /// The advised indexes.
    pub fn indexes_section(&self) -> Section {
        let mut notes = Footnotes::default();
        let rows = self
            .indexes
            .iter()
            .map(|i| {
                let best = i.statements.iter().map(|h| h.speedup).fold(0.0, f64::max);
                let helps: Vec<String> = i
                    .statements
                    .iter()
                    .map(|h| format!("{}: {:.1} → {:.1}", h.queryid, h.cost_before, h.cost_after))
                    .collect();
                vec![
                    i.candidate.label(),
                    format!("{} (up to {})", i.statements.len(), times(Some(best))),
                    format!("{:.1}", i.time_share_pct),
                    i.estimated_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                    i.writes
                        .as_ref()
                        .map(|w| format!("{:.1}", w.rows_written_per_s))
                        .unwrap_or_else(|| "-".into()),
                    notes.mark(&i.definition),
                    helps.join("\n"),
                    i.covers.join("\n"),
                ]
            })
            .collect();
        Section {
            title: format!(
                "Advised indexes (proven with hypopg: each cuts its statements' planned cost at least {}×)",
                self.min_speedup
            ),
            headers: vec![
                "index",
                "statements",
                "% total time",
                "est. size",
                "writes/s",
                "create",
                HELPS,
                "covers",
            ],
            rows,
            empty: "no index to advise: none cuts a statement's planned cost enough",
            wide: &[HELPS, "covers"],
            footnotes: notes.lines(),
        }
    }

    fn unproven_section(&self) -> Section {
        let mut notes = Footnotes::default();
        let rows = self
            .unproven
            .iter()
            .map(|u| {
                vec![
                    format!("UNPROVEN {}", u.index),
                    u.queryids.iter().map(|q| q.to_string()).collect::<Vec<_>>().join(", "),
                    notes.mark(&u.definition),
                ]
            })
            .collect();
        Section {
            title: "Candidate indexes, UNPROVEN: hypopg is missing, so none was tried; this is not advice"
                .into(),
            headers: vec!["candidate", "statements (queryid)", "definition"],
            rows,
            empty: "no candidate",
            footnotes: notes.lines(),
            ..Default::default()
        }
    }
}

impl Report for Advice {
    fn sections(&self) -> Vec<Section> {
        let first = if self.proven { self.indexes_section() } else { self.unproven_section() };
        vec![first, self.statements_section()]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = vec![format!(
            "plans: {} (parameters stay `$n`: generic plans); hypopg {}",
            self.plans,
            match (&self.hypopg.version, self.hypopg.created) {
                (Some(v), true) => v.clone(),
                _ => "missing".into(),
            }
        )];
        n.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
