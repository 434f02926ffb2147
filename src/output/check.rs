//! Checks in the monitoring convention: a status per check (OK, WARNING, CRITICAL, UNKNOWN, as
//! Nagios and check_postgres use them), thresholds with defaults that `--threshold` overrides,
//! and the combined status a `--check` run exits with.

use std::fmt;

use anyhow::{Result, bail};
use serde::Serialize;

/// A check status. The derived order is the severity used to combine statuses (worst wins):
/// OK < UNKNOWN < WARNING < CRITICAL, the Nagios convention. So an UNKNOWN is never hidden by an
/// OK; a WARNING or CRITICAL outranks it (the exit code says the worse, and the UNKNOWN check is
/// still listed by name in the output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Ok,
    Unknown,
    Warning,
    Critical,
}

impl Status {
    /// The monitoring exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Unknown => "UNKNOWN",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a larger value is worse (connections) or a smaller one (cache hit ratio).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Above,
    Below,
}

/// A check's thresholds: WARNING when the value is strictly beyond `warn`, CRITICAL when
/// strictly beyond `crit` (beyond = greater for `above`, smaller for `below`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Threshold {
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub direction: Direction,
}

impl Threshold {
    pub const fn above(warn: Option<f64>, crit: Option<f64>) -> Threshold {
        Threshold { warn, crit, direction: Direction::Above }
    }
    pub const fn below(warn: Option<f64>, crit: Option<f64>) -> Threshold {
        Threshold { warn, crit, direction: Direction::Below }
    }

    /// Switched off (`--threshold NAME=none:none`, or no default): nothing it measures, or
    /// cannot measure, decides the status.
    pub fn is_off(&self) -> bool {
        self.warn.is_none() && self.crit.is_none()
    }

    pub fn evaluate(&self, v: f64) -> Status {
        let beyond = |t: Option<f64>| match (t, self.direction) {
            (Some(t), Direction::Above) => v > t,
            (Some(t), Direction::Below) => v < t,
            (None, _) => false,
        };
        if beyond(self.crit) {
            Status::Critical
        } else if beyond(self.warn) {
            Status::Warning
        } else {
            Status::Ok
        }
    }
}

/// One monitoring check: `name`, `status`, `value` (a number, or null when it could not be
/// measured), `threshold`, and a human message.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub value: Option<serde_json::Value>,
    pub threshold: Option<Threshold>,
    pub message: String,
}

/// A JSON number for `v`: an integer when it is one (counts, bytes), else a float.
pub fn num(v: f64) -> serde_json::Value {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

impl Check {
    /// A measured value judged against its threshold.
    pub fn measured(name: &str, value: f64, t: Threshold, message: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: t.evaluate(value),
            value: Some(num(value)),
            threshold: Some(t),
            message: message.into(),
        }
    }

    /// A value that could not be determined: UNKNOWN, with the reason (OK when the check is
    /// switched off: a check nobody asked for never decides the status).
    pub fn unknown(name: &str, t: Option<Threshold>, message: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: if t.is_some_and(|t| t.is_off()) { Status::Ok } else { Status::Unknown },
            value: None,
            threshold: t,
            message: message.into(),
        }
    }

    /// An OK that cannot be vouched for (`why`: what could not be seen): UNKNOWN, the reason
    /// added to the message. A WARNING or CRITICAL stands (what was seen is already beyond its
    /// threshold), and a switched-off check stays OK.
    pub fn unless_unseen(mut self, why: &str) -> Check {
        if self.status == Status::Ok && !self.threshold.is_some_and(|t| t.is_off()) {
            self.status = Status::Unknown;
        }
        self.message =
            if self.message.is_empty() { why.to_string() } else { format!("{}; {why}", self.message) };
        self
    }

    /// Nothing to measure (e.g. no replicas): OK with a null value.
    pub fn not_applicable(name: &str, t: Option<Threshold>, message: impl Into<String>) -> Check {
        Check { name: name.into(), status: Status::Ok, value: None, threshold: t, message: message.into() }
    }
}

/// The combined status of several checks: the worst, in the order of [`Status`]; no checks is OK.
pub fn combine(checks: &[Check]) -> Status {
    checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok)
}

/// Nagios performance data for `checks` (the part after `|` of a plugin's status line), so that
/// Nagios, Icinga and check_mk graph them: `name=value[UOM];warn;crit` per check, the unit of
/// measure from the name (`s`, `ms`, `%`, `B`; none for counts), a threshold of a check where
/// smaller is worse written as Nagios's range `w:` (alert below `w`), `U` for a value that
/// could not be measured.
pub fn perfdata(checks: &[Check]) -> String {
    use crate::units::Kind;
    let fmt = |v: f64| num(v).to_string();
    checks
        .iter()
        .map(|c| {
            let uom = match Kind::of_check(&c.name) {
                Kind::Seconds => "s",
                Kind::Millis => "ms",
                Kind::Percent => "%",
                Kind::Bytes => "B",
                Kind::Count => "",
            };
            let value = match c.value.as_ref().and_then(|v| v.as_f64()) {
                Some(v) => format!("{}{uom}", fmt(v)),
                None => "U".to_string(),
            };
            let range = |t: Option<f64>| match (t, c.threshold.map(|t| t.direction)) {
                (Some(v), Some(Direction::Below)) => format!("{}:", fmt(v)),
                (Some(v), _) => fmt(v),
                (None, _) => String::new(),
            };
            let (w, k) = (range(c.threshold.and_then(|t| t.warn)), range(c.threshold.and_then(|t| t.crit)));
            let mut p = format!("{}={value};{w};{k}", c.name);
            while p.ends_with(';') {
                p.pop();
            }
            p
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Named thresholds with their defaults, overridable with `--threshold NAME=WARN[:CRIT]`.
#[derive(Debug, Clone)]
pub struct Thresholds {
    map: Vec<(&'static str, Threshold, &'static str)>,
}

impl Thresholds {
    /// `defaults`: (name, default threshold, what it measures and its unit).
    pub fn new(defaults: &[(&'static str, Threshold, &'static str)]) -> Thresholds {
        Thresholds { map: defaults.to_vec() }
    }

    pub fn get(&self, name: &str) -> Threshold {
        self.map.iter().find(|(n, ..)| *n == name).map(|(_, t, _)| *t).unwrap_or(Threshold::above(None, None))
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.map.iter().map(|(n, ..)| *n).collect()
    }

    /// Apply `NAME=WARN[:CRIT]` overrides (`WARN` or `CRIT` may be empty or `none` to disable).
    /// Each value is read in its check's unit ([`parse_threshold_value`]).
    pub fn apply(&mut self, overrides: &[String]) -> Result<()> {
        for o in overrides {
            let Some((name, spec)) = o.split_once('=') else {
                bail!("--threshold `{o}`: expected NAME=WARN[:CRIT], e.g. connections_pct=80:95");
            };
            let name = name.trim();
            let Some(entry) = self.map.iter_mut().find(|(n, ..)| *n == name) else {
                let known = self.map.iter().map(|(n, _, what)| format!("{n} ({what})")).collect::<Vec<_>>();
                bail!(
                    "--threshold: no check named `{name}`; this command's checks are: {}",
                    known.join(", ")
                );
            };
            let (w, c) = match spec.split_once(':') {
                Some((w, c)) => (w, Some(c)),
                None => (spec, None),
            };
            entry.1.warn =
                parse_threshold_value(name, w).map_err(|e| anyhow::anyhow!("--threshold {o}: {e}"))?;
            if let Some(c) = c {
                entry.1.crit =
                    parse_threshold_value(name, c).map_err(|e| anyhow::anyhow!("--threshold {o}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// A threshold value in the unit of the check `name` (see [`crate::units::Kind::of_check`]: `30s`,
/// `5min` for seconds, `10GB` for bytes, `80%`, `1M` for a count); empty or `none` = no threshold.
pub fn parse_threshold_value(name: &str, s: &str) -> Result<Option<f64>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    crate::units::Kind::of_check(name).parse(s).map(Some).map_err(|e| anyhow::anyhow!(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_combine_worst_first_and_unknown_beats_ok() {
        let c =
            |s| Check { name: "x".into(), status: s, value: None, threshold: None, message: String::new() };
        assert_eq!(combine(&[]), Status::Ok);
        assert_eq!(combine(&[c(Status::Ok), c(Status::Unknown)]), Status::Unknown);
        assert_eq!(combine(&[c(Status::Unknown), c(Status::Warning)]), Status::Warning);
        assert_eq!(combine(&[c(Status::Critical), c(Status::Unknown), c(Status::Ok)]), Status::Critical);
        assert_eq!(
            [Status::Ok, Status::Warning, Status::Critical, Status::Unknown].map(Status::exit_code),
            [0, 1, 2, 3]
        );
    }

    #[test]
    fn a_switched_off_check_never_decides_the_status() {
        let off = Threshold::above(None, None);
        let on = Threshold::above(Some(1.0), None);
        assert_eq!(Check::unknown("x", Some(off), "hidden").status, Status::Ok);
        assert_eq!(Check::unknown("x", Some(on), "hidden").status, Status::Unknown);
        assert_eq!(Check::unknown("x", None, "no thresholds at all").status, Status::Unknown);
        let c = Check::measured("x", 0.0, off, "seen").unless_unseen("3 not readable");
        assert_eq!((c.status, c.message.as_str()), (Status::Ok, "seen; 3 not readable"));
        assert_eq!(Check::measured("x", 0.0, on, "").unless_unseen("hidden").status, Status::Unknown);
        assert_eq!(Check::measured("x", 2.0, on, "").unless_unseen("hidden").status, Status::Warning);
    }

    #[test]
    fn thresholds_are_strict_in_their_direction() {
        let t = Threshold::above(Some(80.0), Some(95.0));
        assert_eq!(t.evaluate(80.0), Status::Ok);
        assert_eq!(t.evaluate(80.5), Status::Warning);
        assert_eq!(t.evaluate(96.0), Status::Critical);
        let b = Threshold::below(Some(99.0), Some(90.0));
        assert_eq!(b.evaluate(99.5), Status::Ok);
        assert_eq!(b.evaluate(95.0), Status::Warning);
        assert_eq!(b.evaluate(10.0), Status::Critical);
    }

    #[test]
    fn threshold_overrides_parse_units_and_reject_bad_input() {
        let mut t = Thresholds::new(&[
            ("size_bytes", Threshold::above(None, None), "bytes"),
            ("age_s", Threshold::above(Some(1.0), None), "seconds"),
            ("mean_ms", Threshold::above(Some(1.0), None), "ms"),
            ("used_pct", Threshold::above(Some(1.0), None), "%"),
            ("rows", Threshold::above(Some(1.0), None), "rows"),
        ]);
        t.apply(&["size_bytes=1GB:2GB".into(), "age_s=5min".into(), "mean_ms=2s".into(), "rows=1M".into()])
            .unwrap();
        assert_eq!(t.get("size_bytes").warn, Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(t.get("size_bytes").crit, Some(2.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(t.get("age_s").warn, Some(300.0));
        assert_eq!(t.get("mean_ms").warn, Some(2000.0));
        assert_eq!(t.get("rows").warn, Some(1e6));
        t.apply(&["age_s=none".into(), "used_pct=80%:".into()]).unwrap();
        assert_eq!(t.get("age_s").warn, None);
        assert_eq!((t.get("used_pct").warn, t.get("used_pct").crit), (Some(80.0), None));
        let e = t.apply(&["nope=1".into()]).unwrap_err().to_string();
        assert!(e.contains("size_bytes") && e.contains("age_s"), "{e}");
        // Each value in its check's unit: another kind's unit is refused, not misread.
        for bad in [
            "age_s",
            "age_s=1parsec",
            "age_s=abc",
            "age_s=10GB",
            "size_bytes=1M",
            "size_bytes=5min",
            "rows=5min",
        ] {
            let e = t.apply(&[bad.into()]).unwrap_err().to_string();
            assert!(e.starts_with("--threshold"), "{bad}: {e}");
        }
        assert_eq!(parse_threshold_value("used_pct", "80%").unwrap(), Some(80.0));
        assert_eq!(parse_threshold_value("age_s", "1500ms").unwrap(), Some(1.5));
    }

    #[test]
    fn perfdata_is_what_nagios_reads() {
        let checks = vec![
            Check::measured("connections_pct", 12.5, Threshold::above(Some(80.0), Some(95.0)), ""),
            Check::measured("deadlocks", 0.0, Threshold::above(Some(0.0), None), ""),
            Check::measured("cache_hit_pct", 99.5, Threshold::below(Some(99.0), Some(90.0)), ""),
            Check::unknown("replication_lag_s", Some(Threshold::above(Some(10.0), Some(60.0))), ""),
            Check::measured("database_size_bytes", 8192.0, Threshold::above(None, None), ""),
            Check::measured("long_running_ms", 1.5, Threshold::above(None, Some(2.0)), ""),
        ];
        assert_eq!(
            perfdata(&checks),
            "connections_pct=12.5%;80;95 deadlocks=0;0 cache_hit_pct=99.5%;99:;90: replication_lag_s=U;10;60 \
             database_size_bytes=8192B long_running_ms=1.5ms;;2"
        );
    }

    #[test]
    fn numbers_stay_integers_when_they_are() {
        assert_eq!(num(5.0).to_string(), "5");
        assert_eq!(num(2.5).to_string(), "2.5");
        assert_eq!(num(f64::NAN), serde_json::Value::Null);
    }
}
