//! The advice as tables.

use super::{Advice, Outcome, StatementAdvice};
use crate::output::cells::{bytes, f1, one_line};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};

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
        Outcome::Helped => format!("helped by {}", s.indexes.join(", ")),
        Outcome::AlreadyIndexed => {
            let by: Vec<&str> =
                s.not_tried.iter().filter_map(|t| t.split(": already indexed by ").nth(1)).collect();
            let mut t = format!("already indexed ({})", by.join(", "));
            if let Some(b) = best_tried(s) {
                t.push_str(&format!("; wider: best {} {}", b.index, times(b.speedup)));
            }
            t
        }
        Outcome::NoCandidate => "nothing to index (no filter, join or ORDER BY on a table's column)".into(),
        Outcome::NotEnough => match best_tried(s) {
            Some(t) => format!("not enough: best {} {}", t.index, times(t.speedup)),
            None => "not enough: no candidate is used by the plan".into(),
        },
        Outcome::Unproven => "candidates UNPROVEN (no hypopg)".into(),
        Outcome::Skipped => format!("skipped: {}", s.error.as_deref().unwrap_or("")),
    }
}

/// The candidate that cut the statement's cost most (among those its plan used).
fn best_tried(s: &StatementAdvice) -> Option<&super::Tried> {
    s.tried
        .iter()
        .filter(|t| t.used)
        .max_by(|a, b| a.speedup.unwrap_or(0.0).total_cmp(&b.speedup.unwrap_or(0.0)))
}

impl Advice {
    /// The statements' section (shared with `--create`'s report).
    pub fn statements_section(&self) -> Section {
        Section {
            title: format!("Statements examined ({}, by slow-query's ranking)", self.statements.len()),
            headers: vec![
                "queryid",
                "calls",
                "% total",
                "mean ms",
                "cost before",
                "cost after",
                "speedup",
                "outcome",
                "query",
            ],
            rows: self
                .statements
                .iter()
                .map(|s| {
                    vec![
                        s.queryid.to_string(),
                        s.calls.to_string(),
                        f1(s.pct_of_total),
                        format!("{:.2}", s.mean_ms),
                        f1(s.cost_before),
                        f1(s.cost_after),
                        times(s.speedup),
                        outcome_text(s),
                        one_line(&s.query, 70),
                    ]
                })
                .collect(),
            empty: "no statements in pg_stat_statements match",
            wide: &["calls", "mean ms"],
            ..Default::default()
        }
    }

    pub fn indexes_section(&self) -> Section {
        Section {
            title: format!(
                "Advised indexes (proven with hypopg: each cuts a statement's planned cost at least {}×)",
                self.min_speedup
            ),
            headers: vec![
                "index",
                "helps (queryid: cost before → after)",
                "% total time",
                "est. size",
                "writes/s",
                "covers",
                "create",
            ],
            rows: self
                .indexes
                .iter()
                .map(|i| {
                    let helps: Vec<String> = i
                        .statements
                        .iter()
                        .map(|h| {
                            format!(
                                "{}: {:.1} → {:.1} ({})",
                                h.queryid,
                                h.cost_before,
                                h.cost_after,
                                times(Some(h.speedup))
                            )
                        })
                        .collect();
                    vec![
                        i.candidate.label(),
                        helps.join("\n"),
                        format!("{:.1}", i.time_share_pct),
                        i.estimated_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                        i.writes
                            .as_ref()
                            .map(|w| format!("{:.1}", w.rows_written_per_s))
                            .unwrap_or_else(|| "-".into()),
                        i.covers.join("\n"),
                        i.definition.clone(),
                    ]
                })
                .collect(),
            empty: "no index to advise: none cuts a statement's planned cost enough",
            wide: &["covers"],
            ..Default::default()
        }
    }
}

impl Report for Advice {
    fn sections(&self) -> Vec<Section> {
        let mut out = Vec::new();
        if self.proven {
            out.push(self.indexes_section());
        } else {
            out.push(Section {
                title:
                    "Candidate indexes — UNPROVEN: hypopg is missing, so none was tried; this is not advice"
                        .into(),
                headers: vec!["candidate", "statements (queryid)", "definition"],
                rows: self
                    .unproven
                    .iter()
                    .map(|u| {
                        vec![
                            format!("UNPROVEN {}", u.index),
                            u.queryids.iter().map(|q| q.to_string()).collect::<Vec<_>>().join(", "),
                            u.definition.clone(),
                        ]
                    })
                    .collect(),
                empty: "no candidate",
                ..Default::default()
            });
        }
        out.push(self.statements_section());
        out
    }

    fn notes(&self) -> Vec<String> {
        let mut n = vec![format!(
            "plans: {}; parameters as `$n` (generic plans); hypopg {}",
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
