//! `--format openmetrics`: the Prometheus text exposition format (what `promtool check metrics`
//! lints and node_exporter's textfile collector reads). Counters are exported as counters (their
//! cumulative values, `_total`), so that Prometheus computes the rates itself; everything else is
//! a gauge. Names carry their unit (`_bytes`, `_seconds`, `_ratio`), label values are escaped.

use std::fmt::Write as _;

use super::check::{Check, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Gauge,
    Counter,
}

/// One metric family: its name (with `_total` for a counter), help text and samples.
#[derive(Debug, Clone)]
pub struct Metric {
    pub name: String,
    pub kind: Kind,
    pub help: String,
    pub samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Metric {
    pub fn gauge(name: &str, help: &str) -> Metric {
        Metric { name: format!("towow_{name}"), kind: Kind::Gauge, help: help.into(), samples: Vec::new() }
    }

    pub fn counter(name: &str, help: &str) -> Metric {
        Metric {
            name: format!("towow_{name}_total"),
            kind: Kind::Counter,
            help: help.into(),
            samples: Vec::new(),
        }
    }

    /// Add a sample (a value that is not there is left out).
    pub fn add(&mut self, labels: Vec<(&'static str, String)>, v: Option<f64>) -> &mut Self {
        if let Some(v) = v.filter(|v| v.is_finite()) {
            self.samples.push((labels, v));
        }
        self
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// The checks as two gauges: each check's value (in its own unit, as in JSON) and its status
/// (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), labelled by `check` and `labels`.
pub fn checks(checks: &[Check], labels: &[(&'static str, String)]) -> Vec<Metric> {
    let mut v = Metric::gauge(
        "check_value",
        "A check's measured value, in the unit its name ends with (_pct, _s, _bytes; else a count).",
    );
    let mut s = Metric::gauge("check_status", "A check's status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
    for c in checks {
        let mut l = labels.to_vec();
        l.push(("check", c.name.clone()));
        v.add(l.clone(), c.value.as_ref().and_then(|x| x.as_f64()));
        s.add(l, Some(c.status.exit_code() as f64));
    }
    vec![v, s]
}

/// The overall status as a gauge.
pub fn status(st: Status, labels: &[(&'static str, String)]) -> Metric {
    let mut m = Metric::gauge("status", "The worst check status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
    m.add(labels.to_vec(), Some(st.exit_code() as f64));
    m
}

/// Render metric families (families with no sample are left out; families of one name merged).
pub fn render(metrics: &[Metric]) -> String {
    let mut out = String::new();
    let mut seen: Vec<&str> = Vec::new();
    for m in metrics {
        if seen.contains(&m.name.as_str()) {
            continue;
        }
        seen.push(&m.name);
        let samples: Vec<&(Vec<(&'static str, String)>, f64)> =
            metrics.iter().filter(|x| x.name == m.name).flat_map(|x| x.samples.iter()).collect();
        if samples.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# HELP {} {}", m.name, m.help.replace('\\', "\\\\").replace('\n', " "));
        let _ =
            writeln!(out, "# TYPE {} {}", m.name, if m.kind == Kind::Counter { "counter" } else { "gauge" });
        for (labels, v) in samples {
            let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
            if l.is_empty() {
                let _ = writeln!(out, "{} {}", m.name, value(*v));
            } else {
                let _ = writeln!(out, "{}{{{}}} {}", m.name, l.join(","), value(*v));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::check::Threshold;

    #[test]
    fn families_render_with_help_type_and_escaped_labels() {
        let mut a = Metric::counter("database_deadlocks", "Deadlocks.");
        a.add(vec![("database", "to\"w\\ow".into())], Some(3.0));
        let mut g = Metric::gauge("table_size_bytes", "Size.");
        g.add(vec![("table", "a".into())], Some(1.5)).add(vec![("table", "b".into())], None);
        let empty = Metric::gauge("nothing", "None.");
        let text = render(&[a, g, empty]);
        assert_eq!(
            text,
            "# HELP towow_database_deadlocks_total Deadlocks.\n# TYPE towow_database_deadlocks_total counter\n\
             towow_database_deadlocks_total{database=\"to\\\"w\\\\ow\"} 3\n\
             # HELP towow_table_size_bytes Size.\n# TYPE towow_table_size_bytes gauge\ntowow_table_size_bytes{table=\"a\"} 1.5\n"
        );
        let c = vec![Check::measured("deadlocks", 1.0, Threshold::above(Some(0.0), None), "")];
        let text = render(&checks(&c, &[("database", "d".into())]));
        assert!(text.contains("towow_check_value{database=\"d\",check=\"deadlocks\"} 1\n"), "{text}");
        assert!(text.contains("towow_check_status{database=\"d\",check=\"deadlocks\"} 1\n"), "{text}");
    }
}
