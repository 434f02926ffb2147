//! The DBA runbook reports (issue 4): `vacuum-report`, `slow-query`, `health`, `activity`, `sizes`
//! and `indexes`.
//!
//! Every report is data first: a core function reads the server (read-only, one round trip per
//! section, never a query per table) and returns a typed, `Serialize` value that implements
//! [`Report`]; `output::Out::report` renders it as tables, JSON or a monitoring check status.
//!
//! **PgBouncer safety.** Every query here goes through [`query`] (tokio-postgres `query_typed`:
//! the unnamed statement, parse/bind/execute in one round trip, no named prepared statement) or
//! `simple_query`/`batch_execute`, so the reports work through PgBouncer in transaction pooling
//! mode. Never `Client::query(&str, ..)` or `prepare` in this module tree.

use std::collections::HashMap;
use std::fmt;

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Row};

pub mod activity;
pub mod health;
pub mod indexes;
pub mod sizes;
pub mod slow;
pub mod vacuum;

/// The default `statement_timeout` of the report commands (overridable by `--statement-timeout`).
pub const REPORT_STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// One bind value and its declared type.
pub type Param<'a> = (&'a (dyn ToSql + Sync), Type);

/// Run a report query the PgBouncer-safe way (unnamed statement, one round trip). `what` names
/// the section for the error message; the database error (SQLSTATE, detail, hint) stays in the
/// error chain so callers can map it to a remedy.
pub async fn query(client: &Client, what: &str, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
    tracing::trace!(section = what, "report query");
    client
        .query_typed(sql, params)
        .await
        .map_err(|e| anyhow::Error::new(e).context(format!("reading {what}")))
}

/// The SQLSTATE of the first database error in `e`'s chain.
pub fn sqlstate(e: &anyhow::Error) -> Option<String> {
    e.chain()
        .find_map(|c| c.downcast_ref::<tokio_postgres::Error>())
        .and_then(|pe| pe.code())
        .map(|c| c.code().to_string())
}

/// What every report needs to know about the server, read in one round trip.
#[derive(Debug, Clone, Serialize)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150018.
    pub version_num: i32,
    pub database: String,
    pub user: String,
    pub superuser: bool,
    /// Member of `pg_read_all_stats` (or superuser): sees every session's and statement's details.
    pub read_all_stats: bool,
    /// The settings the reports asked for (absent when the server does not have them).
    pub settings: HashMap<String, String>,
}

const SERVER_INFO_SQL: &str = "
SELECT current_setting('server_version_num')::int4,
       current_database()::text,
       current_user::text,
       coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false),
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE'),
       coalesce((SELECT json_object_agg(name, setting) FROM pg_settings WHERE name = ANY($1)), '{}')";

impl ServerInfo {
    /// Read the version, the role's stats privileges and the named settings.
    pub async fn read(client: &Client, settings: &[&str]) -> Result<ServerInfo> {
        let names: Vec<String> = settings.iter().map(|s| s.to_string()).collect();
        let rows =
            query(client, "the server version and settings", SERVER_INFO_SQL, &[(&names, Type::TEXT_ARRAY)])
                .await?;
        let r = &rows[0];
        let json: serde_json::Value = r.get(5);
        let settings = json
            .as_object()
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        let superuser: bool = r.get(3);
        Ok(ServerInfo {
            version_num: r.get(0),
            database: r.get(1),
            user: r.get(2),
            superuser,
            read_all_stats: superuser || r.get::<_, bool>(4),
            settings,
        })
    }

    pub fn major(&self) -> i32 {
        self.version_num / 10000
    }

    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(String::as_str)
    }

    pub fn setting_f64(&self, name: &str) -> Option<f64> {
        self.setting(name).and_then(|v| v.trim().parse().ok())
    }

    pub fn setting_on(&self, name: &str) -> Option<bool> {
        self.setting(name).map(|v| v == "on")
    }
}

// ---------------------------------------------------------------------------------------------
// Checks (the monitoring convention).
// ---------------------------------------------------------------------------------------------

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

    /// A value that could not be determined: UNKNOWN, with the reason.
    pub fn unknown(name: &str, t: Option<Threshold>, message: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: Status::Unknown,
            value: None,
            threshold: t,
            message: message.into(),
        }
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
    /// Values take units: `30s`, `5min`, `2h` (seconds), `10GB`, `512MB` (bytes), `80%`.
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
            entry.1.warn = parse_threshold_value(w).map_err(|e| anyhow::anyhow!("--threshold {o}: {e}"))?;
            if let Some(c) = c {
                entry.1.crit =
                    parse_threshold_value(c).map_err(|e| anyhow::anyhow!("--threshold {o}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// A threshold value: a number with an optional unit (`%`, `ms`, `s`, `min`, `h`, `d` give
/// seconds; `kB`, `MB`, `GB`, `TB` give bytes, powers of 1024); empty or `none` = no threshold.
pub fn parse_threshold_value(s: &str) -> Result<Option<f64>> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().map_err(|_| anyhow::anyhow!("`{s}` is not a number (with an optional unit)"))?;
    let k = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "%" | "s" | "b" => 1.0,
        "ms" => 0.001,
        "min" | "m" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        "kb" | "k" => 1024.0,
        "mb" => 1024.0 * 1024.0,
        "gb" | "g" => 1024.0 * 1024.0 * 1024.0,
        "tb" | "t" => 1024.0f64.powi(4),
        other => bail!("unknown unit `{other}` in `{s}` (use %, ms, s, min, h, d, kB, MB, GB, TB)"),
    };
    if !n.is_finite() {
        bail!("`{s}` is not a finite number");
    }
    Ok(Some(n * k))
}

// ---------------------------------------------------------------------------------------------
// The rendering contract.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Small formatting helpers for table cells (JSON keeps raw numbers).
// ---------------------------------------------------------------------------------------------

/// `1.5 MB`-style sizes for tables.
pub fn bytes(b: i64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = b as f64;
    let mut i = 0;
    while v.abs() >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 { format!("{b} B") } else { format!("{v:.1} {}", UNITS[i]) }
}

/// A check value for a table cell: integers as they are, other numbers with 2 decimals.
pub fn value_cell(v: &Option<serde_json::Value>) -> String {
    match v {
        None => "-".into(),
        Some(v) => match (v.as_i64(), v.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => format!("{f:.2}"),
            _ => v.to_string(),
        },
    }
}

pub fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

pub fn f1(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into())
}

pub fn f2(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| "-".into())
}

pub fn yes(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

pub fn secs(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(s) if s < 1.0 => format!("{:.0} ms", s * 1000.0),
        Some(s) if s < 120.0 => format!("{s:.1} s"),
        Some(s) if s < 7200.0 => format!("{:.1} min", s / 60.0),
        Some(s) if s < 172800.0 => format!("{:.1} h", s / 3600.0),
        Some(s) => format!("{:.1} d", s / 86400.0),
    }
}

pub fn ts(t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "-".into())
}

/// Shorten a query text to one line of at most `n` characters for tables.
pub fn one_line(s: &str, n: usize) -> String {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= n { flat } else { format!("{}…", flat.chars().take(n).collect::<String>()) }
}

/// An SQL `LIKE`-free schema/table filter shared by the reports: exact names, bound as values.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub schemas: Vec<String>,
    pub tables: Vec<String>,
}

impl From<crate::cli::RelFilterArgs> for Filter {
    fn from(a: crate::cli::RelFilterArgs) -> Filter {
        Filter { schemas: a.schema, tables: a.table }
    }
}

impl Filter {
    pub fn schemas_param(&self) -> Option<Vec<String>> {
        (!self.schemas.is_empty()).then(|| self.schemas.clone())
    }
    pub fn tables_param(&self) -> Option<Vec<String>> {
        (!self.tables.is_empty()).then(|| self.tables.clone())
    }
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
            ("size", Threshold::above(None, None), "bytes"),
            ("age", Threshold::above(Some(1.0), None), "s"),
        ]);
        t.apply(&["size=1GB:2GB".into(), "age=5min".into()]).unwrap();
        assert_eq!(t.get("size").warn, Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(t.get("size").crit, Some(2.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(t.get("age").warn, Some(300.0));
        t.apply(&["age=none".into()]).unwrap();
        assert_eq!(t.get("age").warn, None);
        let e = t.apply(&["nope=1".into()]).unwrap_err().to_string();
        assert!(e.contains("size") && e.contains("age"), "{e}");
        assert!(t.apply(&["age".into()]).is_err());
        assert!(t.apply(&["age=1parsec".into()]).is_err());
        assert!(t.apply(&["age=abc".into()]).is_err());
        assert_eq!(parse_threshold_value("80%").unwrap(), Some(80.0));
        assert_eq!(parse_threshold_value("1500ms").unwrap(), Some(1.5));
    }

    /// PgBouncer in transaction pooling breaks named prepared statements: the report code must
    /// only use `query_typed` (through [`query`]) or the simple query protocol.
    #[test]
    fn report_code_never_prepares_statements() {
        let sources = [
            ("mod.rs", include_str!("mod.rs")),
            ("vacuum.rs", include_str!("vacuum.rs")),
            ("slow.rs", include_str!("slow.rs")),
            ("health.rs", include_str!("health.rs")),
            ("activity.rs", include_str!("activity.rs")),
            ("sizes.rs", include_str!("sizes.rs")),
            ("indexes.rs", include_str!("indexes.rs")),
        ];
        let forbidden: Vec<String> =
            ["query", "query_one", "query_opt", "query_raw", "prepare", "prepare_typed", "execute"]
                .iter()
                .map(|m| format!(".{m}("))
                .collect();
        for (name, src) in sources {
            let code = src.split("#[cfg(test)]").next().unwrap();
            for f in &forbidden {
                assert!(
                    !code.contains(f.as_str()),
                    "{name} calls {f}: use reports::query (query_typed) or simple_query"
                );
            }
        }
    }

    #[test]
    fn numbers_stay_integers_when_they_are() {
        assert_eq!(num(5.0).to_string(), "5");
        assert_eq!(num(2.5).to_string(), "2.5");
        assert_eq!(num(f64::NAN), serde_json::Value::Null);
        assert_eq!(bytes(1536), "1.5 kB");
        assert_eq!(bytes(10), "10 B");
    }
}
