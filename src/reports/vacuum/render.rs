//! `vacuum-report`'s checks and tables.

use super::*;
use crate::output::report::Footnotes;

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "due_autovacuum_off",
        Threshold::above(Some(0.0), None),
        "tables due for vacuum that autovacuum will not vacuum (off for them; or due for wraparound with autovacuum off in a database under the server-wide limit)",
    ),
    ("due_tables", Threshold::above(None, None), "tables due for vacuum or analyze"),
    (
        "xid_age_pct_of_freeze_max",
        Threshold::above(Some(100.0), None),
        "largest XID age, % of the effective autovacuum_freeze_max_age",
    ),
    (
        "mxid_age_pct_of_freeze_max",
        Threshold::above(Some(100.0), None),
        "largest MultiXact age, % of the effective autovacuum_multixact_freeze_max_age",
    ),
    (
        "past_failsafe",
        Threshold::above(None, Some(0.0)),
        "tables past vacuum_failsafe_age or vacuum_multixact_failsafe_age",
    ),
    (
        "xid_pct_to_wraparound",
        Threshold::above(Some(50.0), Some(75.0)),
        "largest XID or MultiXact age, % of 2^31",
    ),
    (
        "xmin_horizon_age",
        Threshold::above(Some(1_000_000.0), None),
        "age in XIDs of the oldest xmin horizon holder",
    ),
];

impl Report for VacuumReport {
    fn metric_labels(&self) -> Vec<(&'static str, String)> {
        vec![("database", self.database.clone())]
    }

    fn metrics(&self) -> Vec<crate::output::metrics::Metric> {
        use crate::output::metrics::Metric;
        let db = || ("database", self.database.clone());
        let mut dead =
            Metric::gauge("table_dead_tuples", "Dead tuples of a table (statistics; absent when unknown).");
        let mut live =
            Metric::gauge("table_live_tuples", "Live tuples of a table (statistics; absent when unknown).");
        let mut due = Metric::gauge(
            "table_vacuum_due",
            "1 when autovacuum's own rule says the table is due for VACUUM.",
        );
        let mut age = Metric::gauge("table_xid_age", "Age in transactions of the table's relfrozenxid.");
        let mut vac = Metric::counter(
            "table_vacuums",
            "VACUUMs of the table, manual and automatic, since the statistics reset.",
        );
        for t in &self.tables {
            let l = vec![db(), ("schema", t.schema.clone()), ("table", t.table.clone())];
            dead.add(l.clone(), t.n_dead_tup.map(|v| v as f64));
            live.add(l.clone(), t.n_live_tup.map(|v| v as f64));
            due.add(l.clone(), Some(if t.vacuum_due { 1.0 } else { 0.0 }));
            age.add(l.clone(), t.xid_age.map(|v| v as f64));
            vac.add(l, Some((t.vacuum_count + t.autovacuum_count) as f64));
        }
        let mut dbage =
            Metric::gauge("database_xid_age", "Age in transactions of a database's datfrozenxid.");
        for d in &self.databases {
            dbage.add(vec![("datname", d.database.clone())], Some(d.xid_age as f64));
        }
        vec![dead, live, due, age, vac, dbage]
    }

    fn sections(&self) -> Vec<Section> {
        use crate::output::cells::{bytes, f1, opt, ts, yes};
        let mut notes = Footnotes::default();
        let show_bloat = self.tables.iter().any(|t| t.bloat.is_some());
        let mut headers = vec![
            "table",
            "size",
            "reltuples",
            "live",
            "dead",
            "dead %",
            "autovac",
            "vac threshold",
            "ins threshold",
            "due",
            "analyze due",
            "last autovacuum",
            "last autoanalyze",
            "xid age",
            "% freeze max",
            "mxid age",
        ];
        if show_bloat {
            headers.push("bloat");
        }
        headers.push("note");
        let mut s = vec![Section {
            title: format!("Tables ({})", self.tables.len()),
            headers,
            rows: self
                .tables
                .iter()
                .map(|t| {
                    let mut note = t.note.clone().unwrap_or_default();
                    if let Some(p) = &t.vacuum_phase {
                        note = format!("vacuum running: {p}. {note}");
                    }
                    let mut row = vec![
                        format!("{}.{}", t.schema, t.table),
                        bytes(t.size_bytes),
                        if t.reltuples < 0.0 { "-1 (never)".into() } else { format!("{:.0}", t.reltuples) },
                        t.n_live_tup.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into()),
                        t.n_dead_tup.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into()),
                        f1(t.dead_pct),
                        yes(t.autovacuum_enabled),
                        format!("{:.0}", t.vacuum_threshold),
                        t.insert_threshold.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into()),
                        if t.vacuum_due {
                            format!("YES ({})", t.vacuum_due_reasons.join(", "))
                        } else {
                            "no".into()
                        },
                        yes(t.analyze_due),
                        ts(&t.last_autovacuum),
                        ts(&t.last_autoanalyze),
                        opt(&t.xid_age),
                        f1(t.xid_age_pct_of_freeze_max),
                        opt(&t.mxid_age),
                    ];
                    if show_bloat {
                        row.push(match &t.bloat {
                            Some(b) if b.available => match (b.bloat_bytes, b.bloat_bytes_max) {
                                // TOAST's statistics give a range: both ends, never one of them alone.
                                (Some(x), Some(m)) if m > x => format!(
                                    "~{}–{} ({:.0}–{:.0}%)",
                                    bytes(x),
                                    bytes(m),
                                    b.bloat_pct.unwrap_or(0.0),
                                    b.bloat_pct_max.unwrap_or(0.0)
                                ),
                                (Some(x), _) => format!("~{} ({:.0}%)", bytes(x), b.bloat_pct.unwrap_or(0.0)),
                                (None, _) => "-".into(),
                            },
                            Some(b) => {
                                format!(
                                    "n/a {}",
                                    notes.mark(&format!(
                                        "bloat unavailable: {}",
                                        b.reason.clone().unwrap_or_default()
                                    ))
                                )
                            }
                            None => "-".into(),
                        });
                    }
                    row.push(notes.mark(note.trim().trim_end_matches('.')));
                    row
                })
                .collect(),
            empty: "no tables match",
            wide: &[
                "reltuples",
                "live",
                "autovac",
                "vac threshold",
                "ins threshold",
                "last autovacuum",
                "last autoanalyze",
                "xid age",
                "mxid age",
            ],
            ..Default::default()
        }];
        s[0].footnotes = notes.lines();
        s.push(Section {
            title: "Databases: transaction ID age".into(),
            headers: vec![
                "database",
                "xid age",
                "% freeze max",
                "% to wraparound",
                "mxid age",
                "mxid % to wraparound",
            ],
            rows: self
                .databases
                .iter()
                .map(|d| {
                    vec![
                        d.database.clone(),
                        d.xid_age.to_string(),
                        format!("{:.1}", d.xid_age_pct_of_freeze_max),
                        format!("{:.2}", d.xid_pct_to_wraparound),
                        d.mxid_age.to_string(),
                        format!("{:.2}", d.mxid_pct_to_wraparound),
                    ]
                })
                .collect(),
            empty: "",
            wide: &["mxid age", "mxid % to wraparound"],
            ..Default::default()
        });
        s.push(Section {
            title: "Who holds back the xmin horizon (vacuum cannot remove rows deleted after it)".into(),
            headers: vec![
                "kind",
                "id",
                "owner",
                "database",
                "state",
                "since",
                "xmin age",
                "holds back",
                "detail",
            ],
            rows: self
                .xmin_horizon
                .holders
                .iter()
                .map(|h| {
                    vec![
                        h.kind.clone(),
                        h.id.clone(),
                        opt(&h.owner),
                        opt(&h.database),
                        opt(&h.state),
                        ts(&h.since),
                        opt(&h.xmin_age),
                        h.holds_back.replace('_', " "),
                        crate::output::cells::one_line(h.detail.as_deref().unwrap_or(""), 60),
                    ]
                })
                .collect(),
            empty: "nothing holds the xmin horizon back",
            wide: &["owner", "database"],
            ..Default::default()
        });
        if let Some(ex) = &self.executed {
            s.push(Section {
                title: "Executed".into(),
                headers: vec!["command", "result", "ms"],
                rows: ex
                    .iter()
                    .map(|e| {
                        vec![
                            e.command.clone(),
                            if e.ok {
                                "ok".into()
                            } else {
                                format!("FAILED: {}", e.error.clone().unwrap_or_default())
                            },
                            e.millis.to_string(),
                        ]
                    })
                    .collect(),
                empty: "nothing was due",
                ..Default::default()
            });
        }
        s
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if !self.settings.autovacuum {
            n.push("autovacuum is off (or track_counts is off): only anti-wraparound vacuums run, and only in databases past the server-wide autovacuum_freeze_max_age (or autovacuum_multixact_freeze_max_age), without ANALYZE".into());
        }
        if self.xmin_horizon.hidden_sessions > 0 {
            n.push(format!(
                "{} session(s) of other roles are not visible to this role: their xmin ages are listed, their queries and states are not (grant pg_read_all_stats)",
                self.xmin_horizon.hidden_sessions
            ));
        }
        n
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let due_off = self.tables.iter().filter(|x| x.vacuum_due && !x.autovacuum_will_vacuum).count();
        let due = self.tables.iter().filter(|x| x.vacuum_due || x.analyze_due).count();
        let max = |f: &dyn Fn(&TableRow) -> Option<f64>| {
            self.tables.iter().filter_map(f).fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
        };
        let xid_pct = max(&|x| x.xid_age_pct_of_freeze_max)
            .into_iter()
            .chain(self.databases.iter().map(|d| d.xid_age_pct_of_freeze_max))
            .fold(0.0, f64::max);
        let mxid_pct = max(&|x| x.mxid_age_pct_of_freeze_max).unwrap_or(0.0);
        let past = self
            .tables
            .iter()
            .filter(|x| x.xid_past_failsafe == Some(true) || x.mxid_past_failsafe == Some(true))
            .count();
        let wrap = max(&|x| match (x.xid_pct_to_wraparound, x.mxid_pct_to_wraparound) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        })
        .into_iter()
        .chain(self.databases.iter().map(|d| d.xid_pct_to_wraparound.max(d.mxid_pct_to_wraparound)))
        .fold(0.0, f64::max);
        // The user tables' horizon: a logical slot's catalog_xmin holds back the catalogs only.
        let oldest = self
            .xmin_horizon
            .holders
            .iter()
            .filter(|h| h.holds_back == "all_tables")
            .filter_map(|h| h.xmin_age)
            .max()
            .unwrap_or(0);
        // Every session's backend_xmin is visible to any role: hidden sessions do not make it unknown.
        let horizon = Check::measured(
            "xmin_horizon_age",
            oldest as f64,
            t.get("xmin_horizon_age"),
            format!("{} holder(s) of the xmin horizon", self.xmin_horizon.holders.len()),
        );
        // The checks that read the row counters: unknowable on a standby (autovacuum and its
        // counters are the primary's), and unknown for the tables whose counters were reset.
        let reset: Vec<String> = self
            .tables
            .iter()
            .filter(|x| x.counters_unknown)
            .map(|x| format!("{}.{}", x.schema, x.table))
            .collect();
        let counted = |name: &str, value: usize, message: &str| {
            if self.in_recovery {
                return Check::unknown(
                    name,
                    Some(t.get(name)),
                    "this server is a standby: autovacuum runs on the primary, whose row counters say what is due; run this check against the primary",
                );
            }
            let c = Check::measured(name, value as f64, t.get(name), message);
            if reset.is_empty() {
                return c;
            }
            let more = if reset.len() > 3 { format!(" and {} more", reset.len() - 3) } else { String::new() };
            c.unless_unseen(&format!(
                "{} table(s) whose statistics were reset, their dead rows unknown (autovacuum counts none either): {}{more}; run ANALYZE on them",
                reset.len(),
                reset.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
            ))
        };
        vec![
            counted(
                "due_autovacuum_off",
                due_off,
                "tables due for vacuum that autovacuum will not vacuum (autovacuum off for them, or due for wraparound with autovacuum off and this database under the server-wide limit)",
            ),
            counted("due_tables", due, "tables due for vacuum or analyze"),
            Check::measured(
                "xid_age_pct_of_freeze_max",
                xid_pct,
                t.get("xid_age_pct_of_freeze_max"),
                "oldest XID age as % of the effective autovacuum_freeze_max_age",
            ),
            Check::measured(
                "mxid_age_pct_of_freeze_max",
                mxid_pct,
                t.get("mxid_age_pct_of_freeze_max"),
                "oldest MultiXact age as % of the effective autovacuum_multixact_freeze_max_age",
            ),
            Check::measured(
                "past_failsafe",
                past as f64,
                t.get("past_failsafe"),
                "tables past the vacuum failsafe age",
            ),
            Check::measured(
                "xid_pct_to_wraparound",
                wrap,
                t.get("xid_pct_to_wraparound"),
                "oldest XID/MultiXact age as % of 2^31",
            ),
            horizon,
        ]
    }
}
