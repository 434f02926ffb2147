//! Partition bounds: parsing what `pg_get_expr(relpartbound)` prints, the interval of a set of
//! range partitions (day, week, month, year) and the pattern of their names
//! (`messages_2024_01` → `messages_%Y_%m`). Pure functions: times are the bounds as local
//! timestamps of the session's time zone (the server converts them, see `partitions`).

use anyhow::{Result, bail};
use chrono::{Months, NaiveDateTime, TimeDelta, Timelike};
use serde::Serialize;

/// A partition bound as `pg_get_expr(relpartbound)` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    Default,
    /// `FOR VALUES FROM (…) TO (…)`, one datum per key column.
    Range {
        from: Vec<Datum>,
        to: Vec<Datum>,
    },
    /// A list or hash bound, kept as printed.
    Other(String),
}

/// One value of a range bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datum {
    MinValue,
    MaxValue,
    /// The constant as a string (quotes removed), to be cast by the server to the key's type.
    Value(String),
}

impl Datum {
    /// The literal, or `None` for MINVALUE / MAXVALUE.
    pub fn value(&self) -> Option<&str> {
        match self {
            Datum::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// Parse a bound; anything that is not a range or `DEFAULT` is [`Bound::Other`].
pub fn parse(s: &str) -> Bound {
    let s = s.trim();
    if s == "DEFAULT" {
        return Bound::Default;
    }
    let range = || -> Option<Bound> {
        let rest = s.strip_prefix("FOR VALUES FROM (")?;
        let (from, rest) = datums(rest)?;
        let rest = rest.strip_prefix(" TO (")?;
        let (to, rest) = datums(rest)?;
        rest.is_empty().then_some(Bound::Range { from, to })
    };
    range().unwrap_or_else(|| Bound::Other(s.to_string()))
}

/// Comma-separated datums up to the closing parenthesis; returns them and what follows it.
fn datums(s: &str) -> Option<(Vec<Datum>, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        let (d, after) = if let Some(q) = rest.strip_prefix('\'') {
            // A quoted constant: '' is a quote.
            let mut v = String::new();
            let mut chars = q.char_indices();
            let end = loop {
                let (i, c) = chars.next()?;
                if c == '\'' {
                    if q[i + 1..].starts_with('\'') {
                        v.push('\'');
                        chars.next();
                    } else {
                        break i + 1;
                    }
                } else {
                    v.push(c);
                }
            };
            (Datum::Value(v), &q[end..])
        } else {
            let end = rest.find([',', ')'])?;
            let word = rest[..end].trim();
            let d = match word {
                "MINVALUE" => Datum::MinValue,
                "MAXVALUE" => Datum::MaxValue,
                w if !w.is_empty() => Datum::Value(w.to_string()),
                _ => return None,
            };
            (d, &rest[end..])
        };
        out.push(d);
        let after = after.trim_start();
        if let Some(r) = after.strip_prefix(',') {
            rest = r;
        } else {
            return Some((out, after.strip_prefix(')')?));
        }
    }
}

/// The period of a set of time-range partitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    /// `t` moved `n` periods on (calendar months and years; `None` past the calendar's end).
    pub fn add(self, t: NaiveDateTime, n: u32) -> Option<NaiveDateTime> {
        match self {
            Interval::Day => t.checked_add_signed(TimeDelta::try_days(n as i64)?),
            Interval::Week => t.checked_add_signed(TimeDelta::try_weeks(n as i64)?),
            Interval::Month => t.checked_add_months(Months::new(n)),
            Interval::Year => t.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }

    /// The interval whose one step goes from `from` to `to`, if any.
    pub fn of(from: NaiveDateTime, to: NaiveDateTime) -> Option<Interval> {
        [Interval::Day, Interval::Week, Interval::Month, Interval::Year]
            .into_iter()
            .find(|i| i.add(from, 1) == Some(to))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }
}

/// One range partition on a time key, its bounds as local times (`None`: MINVALUE / MAXVALUE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeRange {
    pub name: String,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// The interval of the partitions: that of the latest one (by lower bound), which must be one
/// step of a day, a week, a month or a year.
pub fn infer_interval(ranges: &[TimeRange]) -> Option<Interval> {
    let last = ranges.iter().filter(|r| r.from.is_some() && r.to.is_some()).max_by_key(|r| r.from)?;
    Interval::of(last.from?, last.to?)
}

/// Whether a time is midnight (bounds of day and longer periods are).
pub fn is_midnight(t: NaiveDateTime) -> bool {
    t.num_seconds_from_midnight() == 0 && t.nanosecond() == 0
}

/// Where a range leaves the time axis uncovered: between two partitions, or after the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub from: NaiveDateTime,
    /// `None`: open-ended (after the last partition).
    pub to: Option<NaiveDateTime>,
}

/// The holes between consecutive partitions, in order (ranges may come in any order).
pub fn gaps(ranges: &[TimeRange]) -> Vec<Gap> {
    let mut v: Vec<&TimeRange> = ranges.iter().collect();
    v.sort_by_key(|r| r.from);
    v.windows(2)
        .filter_map(|w| match (w[0].to, w[1].from) {
            (Some(end), Some(next)) if end < next => Some(Gap { from: end, to: Some(next) }),
            _ => None,
        })
        .collect()
}

/// The end of the covered time (the highest upper bound; `None` when one is MAXVALUE or there
/// is no partition).
pub fn covered_until(ranges: &[TimeRange]) -> Option<NaiveDateTime> {
    if ranges.is_empty() || ranges.iter().any(|r| r.to.is_none()) {
        return None;
    }
    ranges.iter().filter_map(|r| r.to).max()
}

/// How partitions are named: a prefix, a date format (chrono's strftime) of the lower bound, a
/// suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamePattern {
    pub prefix: String,
    pub format: String,
    pub suffix: String,
}

/// The date formats tried, most specific first (pg_partman's among them: `p%Y%m%d`, `p%Y_%m`).
const FORMATS: [&str; 10] =
    ["%Y_%m_%d", "%Y%m%d", "%Y-%m-%d", "%G_w%V", "%Gw%V", "%Y_w%V", "%Y_%m", "%Y%m", "%Y-%m", "%Y"];

impl NamePattern {
    /// The name of the partition starting at `from`.
    pub fn name(&self, from: NaiveDateTime) -> String {
        format!("{}{}{}", self.prefix, from.format(&self.format), self.suffix)
    }

    /// A pattern given by the user: strftime fields (`messages_%Y_%m`).
    pub fn parse(s: &str) -> Result<NamePattern> {
        use chrono::format::{Item, StrftimeItems};
        if StrftimeItems::new(s).any(|i| matches!(i, Item::Error)) {
            bail!("`{s}` is not a valid name pattern (strftime fields such as %Y, %m, %d, %V)");
        }
        if !s.contains('%') {
            bail!("`{s}` has no date field: every partition would get the same name (e.g. messages_%Y_%m)");
        }
        Ok(NamePattern { prefix: String::new(), format: s.to_string(), suffix: String::new() })
    }

    /// Infer the pattern from existing partitions: the first format that, with the prefix and
    /// suffix it leaves around the latest partition's date, names every partition exactly.
    pub fn infer(ranges: &[TimeRange]) -> Option<NamePattern> {
        let named: Vec<(&str, NaiveDateTime)> =
            ranges.iter().filter_map(|r| Some((r.name.as_str(), r.from?))).collect();
        let (last_name, last_from) = *named.iter().max_by_key(|(_, f)| *f)?;
        FORMATS.iter().find_map(|f| {
            let date = last_from.format(f).to_string();
            let at = last_name.rfind(&date)?;
            let p = NamePattern {
                prefix: last_name[..at].to_string(),
                format: f.to_string(),
                suffix: last_name[at + date.len()..].to_string(),
            };
            named.iter().all(|(n, from)| p.name(*from) == *n).then_some(p)
        })
    }

    /// The pattern as one strftime string (`messages_%Y_%m`).
    pub fn display(&self) -> String {
        format!("{}{}{}", self.prefix.replace('%', "%%"), self.format, self.suffix.replace('%', "%%"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{s} 00:00:00"), "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn r(name: &str, from: &str, to: &str) -> TimeRange {
        TimeRange { name: name.into(), from: Some(t(from)), to: Some(t(to)) }
    }

    #[test]
    fn parses_what_pg_get_expr_prints() {
        assert_eq!(parse("DEFAULT"), Bound::Default);
        assert_eq!(
            parse("FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00')"),
            Bound::Range {
                from: vec![Datum::Value("2024-01-01 00:00:00+00".into())],
                to: vec![Datum::Value("2024-02-01 00:00:00+00".into())]
            }
        );
        assert_eq!(
            parse("FOR VALUES FROM (MINVALUE) TO ('-5')"),
            Bound::Range { from: vec![Datum::MinValue], to: vec![Datum::Value("-5".into())] }
        );
        assert_eq!(
            parse("FOR VALUES FROM ('2024-01-01', 'a''b, c)') TO ('2024-02-01', MAXVALUE)"),
            Bound::Range {
                from: vec![Datum::Value("2024-01-01".into()), Datum::Value("a'b, c)".into())],
                to: vec![Datum::Value("2024-02-01".into()), Datum::MaxValue]
            }
        );
        assert_eq!(
            parse("FOR VALUES FROM ('-5') TO (100)"),
            Bound::Range { from: vec![Datum::Value("-5".into())], to: vec![Datum::Value("100".into())] }
        );
        for other in [
            "FOR VALUES IN ('a', 'b')",
            "FOR VALUES WITH (modulus 2, remainder 0)",
            "FOR VALUES FROM ('x",
            // An empty datum is no datum.
            "FOR VALUES FROM () TO ('2024-01-01')",
            "FOR VALUES FROM ('2024-01-01', ) TO ('2024-02-01', 1)",
        ] {
            assert!(matches!(parse(other), Bound::Other(_)), "{other}");
        }
    }

    #[test]
    fn a_datum_has_a_value_unless_it_is_minvalue_or_maxvalue() {
        assert_eq!(Datum::Value("2024-01-01".into()).value(), Some("2024-01-01"));
        assert_eq!(Datum::Value(String::new()).value(), Some(""));
        assert_eq!(Datum::MinValue.value(), None);
        assert_eq!(Datum::MaxValue.value(), None);
    }

    #[test]
    fn intervals_are_calendar_steps() {
        assert_eq!(Interval::of(t("2024-01-31"), t("2024-02-01")), Some(Interval::Day));
        assert_eq!(Interval::of(t("2024-01-01"), t("2024-01-08")), Some(Interval::Week));
        assert_eq!(Interval::of(t("2024-01-01"), t("2024-02-01")), Some(Interval::Month));
        assert_eq!(Interval::of(t("2024-02-01"), t("2024-03-01")), Some(Interval::Month));
        assert_eq!(Interval::of(t("2024-01-01"), t("2025-01-01")), Some(Interval::Year));
        assert_eq!(Interval::of(t("2024-01-01"), t("2024-04-01")), None);
        let names: Vec<&str> =
            [Interval::Day, Interval::Week, Interval::Month, Interval::Year].map(Interval::as_str).to_vec();
        assert_eq!(names, ["day", "week", "month", "year"]);
        assert_eq!(Interval::Month.add(t("2024-11-01"), 3), Some(t("2025-02-01")));
        let ranges = [r("m_2024_01", "2024-01-01", "2024-02-01"), r("m_2024_02", "2024-02-01", "2024-03-01")];
        assert_eq!(infer_interval(&ranges), Some(Interval::Month));
    }

    #[test]
    fn names_follow_the_existing_pattern() {
        let monthly = [
            r("messages_2024_01", "2024-01-01", "2024-02-01"),
            r("messages_2024_02", "2024-02-01", "2024-03-01"),
        ];
        let p = NamePattern::infer(&monthly).unwrap();
        assert_eq!(p.display(), "messages_%Y_%m");
        assert_eq!(p.name(t("2024-03-01")), "messages_2024_03");
        // pg_partman 5: p + the whole date, whatever the interval.
        let partman = [r("events_p20240101", "2024-01-01", "2024-02-01")];
        assert_eq!(NamePattern::infer(&partman).unwrap().name(t("2024-02-01")), "events_p20240201");
        let daily =
            [r("log_20240131", "2024-01-31", "2024-02-01"), r("log_20240201", "2024-02-01", "2024-02-02")];
        assert_eq!(NamePattern::infer(&daily).unwrap().name(t("2024-02-02")), "log_20240202");
        let weekly =
            [r("ev_2024_w01", "2024-01-01", "2024-01-08"), r("ev_2024_w02", "2024-01-08", "2024-01-15")];
        assert_eq!(NamePattern::infer(&weekly).unwrap().name(t("2024-01-15")), "ev_2024_w03");
        let yearly = [r("archive_2023_old", "2023-01-01", "2024-01-01")];
        assert_eq!(NamePattern::infer(&yearly).unwrap().name(t("2024-01-01")), "archive_2024_old");
        // Names that do not follow one pattern: no guess.
        let mixed = [r("messages_2024_01", "2024-01-01", "2024-02-01"), r("feb", "2024-02-01", "2024-03-01")];
        assert_eq!(NamePattern::infer(&mixed), None);
        assert!(NamePattern::parse("messages_%Y_%m").is_ok());
        assert!(NamePattern::parse("messages").is_err());
        assert!(NamePattern::parse("messages_%Q").is_err());
    }

    #[test]
    fn gaps_and_coverage() {
        let ranges = [
            r("a", "2024-01-01", "2024-02-01"),
            r("c", "2024-03-01", "2024-04-01"),
            r("b", "2024-02-01", "2024-02-15"),
        ];
        assert_eq!(gaps(&ranges), vec![Gap { from: t("2024-02-15"), to: Some(t("2024-03-01")) }]);
        assert_eq!(covered_until(&ranges), Some(t("2024-04-01")));
        // A MAXVALUE partition covers every time to come; no partition covers none.
        let open =
            [ranges[0].clone(), TimeRange { name: "rest".into(), from: Some(t("2024-02-01")), to: None }];
        assert_eq!(covered_until(&open), None);
        assert_eq!(covered_until(&[]), None);
    }

    #[test]
    fn midnight_is_no_second_and_no_fraction_past_it() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert!(is_midnight(at("2024-01-01 00:00:00")));
        assert!(!is_midnight(at("2024-01-01 00:00:01")), "a second past");
        assert!(!is_midnight(at("2024-01-01 00:00:00.000001")), "a microsecond past");
        assert!(!is_midnight(at("2024-01-01 12:00:00.5")));
    }

    #[test]
    fn the_interval_is_the_latest_partitions_whatever_the_order() {
        // Daily partitions first, then monthly ones: the latest (by lower bound) decides,
        // wherever it comes in the list.
        let ranges = [
            r("m_2024_03", "2024-03-01", "2024-04-01"),
            r("d_20240101", "2024-01-01", "2024-01-02"),
            r("m_2024_02", "2024-02-01", "2024-03-01"),
            r("d_20240102", "2024-01-02", "2024-01-03"),
        ];
        assert_eq!(infer_interval(&ranges), Some(Interval::Month));
        let reversed: Vec<TimeRange> = ranges.iter().rev().cloned().collect();
        assert_eq!(infer_interval(&reversed), Some(Interval::Month));
        // MINVALUE / MAXVALUE partitions have no step.
        let open = [
            TimeRange { name: "old".into(), from: None, to: Some(t("2024-01-01")) },
            r("d_20240101", "2024-01-01", "2024-01-02"),
            TimeRange { name: "future".into(), from: Some(t("2024-01-02")), to: None },
        ];
        assert_eq!(infer_interval(&open), Some(Interval::Day));
        assert_eq!(infer_interval(&[]), None);
    }
}
