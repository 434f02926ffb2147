//! Values with units, one kind each and each read one way everywhere (flags, environment
//! variables, `--threshold`): a **count** (`1000`, `1_000`, `1e6`, `2k`, `1.5M`: k, M, G are
//! thousands, millions, billions), a **byte size** (`512kB`, `1MB`, `2GB`, `1TB`, `100B`: powers of
//! 1024, as PostgreSQL's settings), a **length of time** (`1500ms`, `30s`, `5min`, `2h`, `1d`,
//! `2w`, `6mon`, `1y`, `1h 30min`), a **percentage** (`80`, `80%`). A bare number is in the
//! value's own unit (bytes, seconds, the check's unit). Anything else is refused, naming what would
//! be accepted: a size of `1M` or `5min`, a duration of `5MB`.
//!
//! One grammar for every length of time: a duration to wait (`--wait`, the timeouts) and an age
//! (`--older-than`) are written with the same units, and `m` is refused in both as ambiguous
//! (minutes to `sleep`, months to others): read as minutes in `--older-than 6m`, it would delete
//! every row but the last six minutes' instead of keeping six months. PostgreSQL's own settings
//! write minutes `min` too. A duration takes no months or years (they have no fixed length); an
//! age takes them as calendar ones, as PostgreSQL counts them.

use std::time::Duration;

/// The kind of a value: what its unit suffixes mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Count,
    Bytes,
    Seconds,
    Millis,
    Percent,
}

impl Kind {
    /// The kind of a `--check` threshold, from the unit its name ends with (`_s`, `_ms`,
    /// `_bytes`, `_pct…`); any other name counts things.
    pub fn of_check(name: &str) -> Kind {
        if name.ends_with("_ms") {
            Kind::Millis
        } else if name.ends_with("_s") {
            Kind::Seconds
        } else if name.ends_with("_bytes") {
            Kind::Bytes
        } else if name.contains("_pct") {
            Kind::Percent
        } else {
            Kind::Count
        }
    }

    /// A value of this kind in its own unit (a count, bytes, seconds, milliseconds, percent).
    pub fn parse(self, s: &str) -> Result<f64, String> {
        Ok(match self {
            Kind::Count => parse_count(s)? as f64,
            Kind::Bytes => parse_bytes(s)? as f64,
            Kind::Percent => parse_percent(s)?,
            Kind::Seconds | Kind::Millis => {
                let per_second = if self == Kind::Millis { 1000.0 } else { 1.0 };
                match plain_number(s) {
                    Some(n) => n,
                    None => parse_duration(s)?.as_secs_f64() * per_second,
                }
            }
        })
    }
}

/// `digits[.digits]` as a number, else None.
fn plain_number(s: &str) -> Option<f64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac)).then(|| s.parse().ok()).flatten()
}

/// A count: digits, optionally grouped with `_` or `,` (`1_000_000`, `1,000`), then either an
/// exponent (`1e6`, `2.5e+3`) or a suffix k, M or G (any case: `2k`, `1.5M`); the result must be
/// whole. Nothing else: no sign (`+5`, `-5`), no spaces (`"2M "`), no hex. Refuses absurd sizes
/// (`1e99`).
pub fn parse_count(s: &str) -> Result<u64, String> {
    let t = s;
    if t.starts_with('-') {
        return Err(format!("`{t}` is negative; a count is 0 or more"));
    }
    let bad =
        || format!("`{t}` is not a number written as a count: 1000, 1_000_000, 1e6, 2M (no sign, no spaces)");
    let (num, mult) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1e3),
        Some((i, 'm' | 'M')) => (&t[..i], 1e6),
        Some((i, 'g' | 'G')) => (&t[..i], 1e9),
        _ => (t, 1.0),
    };
    if !count_syntax(num, mult == 1.0) {
        return Err(bad());
    }
    let clean: String = num.chars().filter(|c| *c != '_' && *c != ',').collect();
    let value = if mult == 1.0 && clean.chars().all(|c| c.is_ascii_digit()) {
        clean.parse::<u64>().map_err(|_| format!("`{t}` is far too large for a count"))?
    } else {
        let f: f64 = clean.parse().map_err(|_| bad())?;
        let v = f * mult;
        // Past 2^64 the cast below saturates and the bound after it refuses; only infinity
        // (`1e400`) must be caught here, before `fract` calls it not whole.
        if !v.is_finite() {
            return Err(format!("`{t}` is far too large for a count"));
        }
        if v.fract() != 0.0 {
            return Err(format!("`{t}` is not a whole number"));
        }
        v as u64
    };
    if value > 1_000_000_000_000 {
        return Err(format!("`{t}` is far too large for a count"));
    }
    Ok(value)
}

/// `digits[_,digits…][.digits][e[+-]digits]`, the exponent only when `exponent` (no suffix).
fn count_syntax(num: &str, exponent: bool) -> bool {
    let b = num.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, grouped: bool| {
        let start = *i;
        while *i < b.len()
            && (b[*i].is_ascii_digit() || (grouped && *i > start && matches!(b[*i], b'_' | b',')))
        {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i, true) {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(&mut i, false) {
            return false;
        }
    }
    if exponent && i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'+' | b'-') {
            i += 1;
        }
        if !digits(&mut i, false) {
            return false;
        }
    }
    i == b.len()
}

/// A byte size: a number, then B, kB, MB, GB or TB (any case; powers of 1024); a bare number is
/// bytes. The result must be whole bytes and fit PostgreSQL's bigint.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let bad =
        || format!("`{t}` is not a size: a number of bytes, or with B, kB, MB, GB or TB (e.g. 512kB, 1MB)");
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n = plain_number(num).ok_or_else(bad)?;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1u64,
        "kb" => 1 << 10,
        "mb" => 1 << 20,
        "gb" => 1 << 30,
        "tb" => 1 << 40,
        _ => return Err(bad()),
    };
    let v = n * mult as f64;
    if v.fract() != 0.0 {
        return Err(format!("`{t}` is not a whole number of bytes"));
    }
    if v >= i64::MAX as f64 {
        return Err(format!("`{t}` is far too large for a size"));
    }
    Ok(v as u64)
}

/// A unit of a length of time (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimeUnit {
    Millis,
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// The units as written (any case), and `m`, refused.
const TIME_UNITS: &str = "ms, s, min, h, d, w, mon, y";

impl TimeUnit {
    fn parse(word: &str) -> Result<TimeUnit, String> {
        Ok(match word.to_ascii_lowercase().as_str() {
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => TimeUnit::Millis,
            "s" | "sec" | "secs" | "second" | "seconds" => TimeUnit::Seconds,
            "min" | "mins" | "minute" | "minutes" => TimeUnit::Minutes,
            "h" | "hr" | "hrs" | "hour" | "hours" => TimeUnit::Hours,
            "d" | "day" | "days" => TimeUnit::Days,
            "w" | "week" | "weeks" => TimeUnit::Weeks,
            "mon" | "mons" | "month" | "months" => TimeUnit::Months,
            "y" | "yr" | "yrs" | "year" | "years" => TimeUnit::Years,
            "m" => return Err(format!("`{word}` is ambiguous: write `min` for minutes or `mon` for months")),
            "" => return Err(format!("a number without a unit ({TIME_UNITS})")),
            _ => return Err(format!("unknown unit `{word}` ({TIME_UNITS})")),
        })
    }

    /// Its length in milliseconds; none for months and years (calendar ones).
    fn millis(self) -> Option<u64> {
        Some(match self {
            TimeUnit::Millis => 1,
            TimeUnit::Seconds => 1_000,
            TimeUnit::Minutes => 60_000,
            TimeUnit::Hours => 3_600_000,
            TimeUnit::Days => 86_400_000,
            TimeUnit::Weeks => 604_800_000,
            TimeUnit::Months | TimeUnit::Years => return None,
        })
    }

    /// Its name in a PostgreSQL interval.
    fn interval(self) -> &'static str {
        match self {
            TimeUnit::Millis => "milliseconds",
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
            TimeUnit::Weeks => "weeks",
            TimeUnit::Months => "months",
            TimeUnit::Years => "years",
        }
    }
}

/// The terms of a length of time: whole numbers, each followed by its unit (spaces allowed
/// around it: `90 days`, `1h 30min`, `1h30min`).
fn time_terms(s: &str) -> Result<Vec<(u64, TimeUnit)>, String> {
    let mut rest = s.trim();
    let mut terms = Vec::new();
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err("expected a whole number and a unit".into());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| format!("`{}` is too large", &rest[..digits]))?;
        rest = rest[digits..].trim_start();
        let letters = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        terms.push((n, TimeUnit::parse(&rest[..letters])?));
        rest = rest[letters..].trim_start();
    }
    Ok(terms)
}

/// A duration: `1500ms`, `30s`, `5min`, `2h`, `1d`, `1w`, `1h 30min`, or a bare number of
/// seconds. `m` is refused as ambiguous, months and years for having no fixed length (see the
/// module documentation).
/// A length of time as `--wait` and its peers take it back: whole seconds exactly (`60s`, even
/// for the largest), else seconds to the millisecond (`1.5s`).
pub fn seconds_text(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}s", d.as_millis() as f64 / 1000.0)
    }
}

/// The time `d` before `now`, but never before 1970-01-01: no history is older, so a longer length
/// of time (`--since 18446744073709551615`, which no date can hold) means all of it.
pub fn ago(now: chrono::DateTime<chrono::Utc>, d: Duration) -> chrono::DateTime<chrono::Utc> {
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    chrono::Duration::from_std(d).ok().and_then(|d| now.checked_sub_signed(d)).map_or(epoch, |t| t.max(epoch))
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let hint = "(expected e.g. `30s`, `2min`, `1500ms`, `0` for none)";
    let mut millis: u64 = 0;
    for (n, unit) in time_terms(s).map_err(|e| format!("`{s}` is not a duration: {e} {hint}"))? {
        let per = unit.millis().ok_or_else(|| {
            format!("`{s}` is not a duration: months and years have no fixed length (an age, such as --older-than, takes them) {hint}")
        })?;
        millis = n
            .checked_mul(per)
            .and_then(|m| millis.checked_add(m))
            .ok_or_else(|| format!("`{s}` is not a duration: far too long"))?;
    }
    Ok(Duration::from_millis(millis))
}

/// An age such as `30d`, `12h`, `2w`, `6mon`, `1y`, `90 days` or `1y 6mon`, as a PostgreSQL
/// interval (`30 days`); months and years are calendar ones, as PostgreSQL counts them. A bare
/// number (of what?) and an age of 0 (every row) are refused.
pub fn parse_age(s: &str) -> Result<String, String> {
    let example = "30d, 12h, 2w, 6mon, 1y, 90 days";
    if s.trim().parse::<u64>().is_ok() {
        return Err(format!("`{s}` has no unit ({example})"));
    }
    let terms = time_terms(s).map_err(|e| format!("`{s}` is not an age: {e} (e.g. {example})"))?;
    if terms.is_empty() {
        return Err(format!("`{s}` is not an age (e.g. {example})"));
    }
    if terms.iter().all(|(n, _)| *n == 0) {
        return Err(format!("`{s}`: the age must be more than 0 (0 would delete every row)"));
    }
    Ok(terms.iter().map(|(n, u)| format!("{n} {}", u.interval())).collect::<Vec<_>>().join(" "))
}

/// A percentage: a number, optionally followed by `%`.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    plain_number(t.strip_suffix('%').unwrap_or(t))
        .ok_or_else(|| format!("`{t}` is not a percentage (e.g. 80, 80%, 99.5%)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ago_is_never_before_1970() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-07T03:00:00Z").unwrap().to_utc();
        assert_eq!(ago(now, Duration::ZERO), now);
        assert_eq!(ago(now, Duration::from_secs(3600)), now - chrono::Duration::hours(1));
        let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        // 95 years: before 1970; u64::MAX seconds: before any date chrono holds.
        assert_eq!(ago(now, Duration::from_secs(3_000_000_000)), epoch);
        assert_eq!(ago(now, Duration::from_secs(u64::MAX)), epoch);
        assert_eq!(ago(now, Duration::MAX), epoch);
    }

    #[test]
    fn seconds_are_said_exactly() {
        assert_eq!(seconds_text(Duration::from_secs(60)), "60s");
        assert_eq!(seconds_text(Duration::from_secs(u64::MAX)), "18446744073709551615s");
        assert_eq!(seconds_text(Duration::from_millis(1500)), "1.5s");
        assert_eq!(seconds_text(Duration::from_millis(250)), "0.25s");
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("1000"), Ok(1000));
        assert_eq!(parse_count("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_count("1,000"), Ok(1000));
        assert_eq!(parse_count("1e6"), Ok(1_000_000));
        assert_eq!(parse_count("2k"), Ok(2000));
        assert_eq!(parse_count("1.5M"), Ok(1_500_000));
        assert_eq!(parse_count("3G"), Ok(3_000_000_000));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("2.5e+3"), Ok(2500));
        assert_eq!(parse_count("1_000k"), Ok(1_000_000));
        assert_eq!(parse_count("1000000000000"), Ok(1_000_000_000_000));
        for (bad, why) in [
            ("-5", "negative"),
            ("abc", "not a number"),
            ("", "not a number"),
            ("1e99", "far too large"),
            ("1e400", "far too large"),
            ("1.5e15", "far too large"),
            ("1000000000001", "far too large"),
            ("99999999999999999999999", "far too large"),
            ("1.5", "not a whole number"),
            ("inf", "not a number"),
            ("NaN", "not a number"),
            ("2M ", "not a number"),
            (" 2M", "not a number"),
            ("+5", "not a number"),
            ("2 M", "not a number"),
            ("1e", "not a number"),
            ("5.", "not a number"),
            (".5k", "not a number"),
            ("0x10", "not a number"),
            ("1e6k", "not a number"),
            ("_1", "not a number"),
            ("1e-3", "not a whole number"),
            ("5min", "not a number"),
            ("1MB", "not a number"),
        ] {
            let e = parse_count(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn sizes_are_bytes_with_1024_based_units_and_nothing_else() {
        assert_eq!(parse_bytes("0"), Ok(0));
        assert_eq!(parse_bytes("100"), Ok(100));
        assert_eq!(parse_bytes("100B"), Ok(100));
        assert_eq!(parse_bytes("512kB"), Ok(512 * 1024));
        assert_eq!(parse_bytes("1MB"), Ok(1 << 20));
        assert_eq!(parse_bytes("1mb"), Ok(1 << 20));
        assert_eq!(parse_bytes("1.5GB"), Ok(3 << 29));
        assert_eq!(parse_bytes("2TB"), Ok(2 << 40));
        assert_eq!(parse_bytes("8388607TB"), Ok(8_388_607 << 40));
        for (bad, why) in [
            ("1M", "not a size"),
            ("5min", "not a size"),
            ("1k", "not a size"),
            ("30s", "not a size"),
            ("-1MB", "not a size"),
            ("1e6", "not a size"),
            ("", "not a size"),
            ("MB", "not a size"),
            ("1.5", "not a whole number"),
            ("0.1kB", "not a whole number"),
            ("8388608TB", "far too large"),
        ] {
            let e = parse_bytes(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn durations_take_time_units_only() {
        let secs = Duration::from_secs;
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("30"), Ok(secs(30)));
        assert_eq!(parse_duration("30s"), Ok(secs(30)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5min"), Ok(secs(300)));
        assert_eq!(parse_duration("2h"), Ok(secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(secs(86400)));
        assert_eq!(parse_duration("1w"), Ok(secs(7 * 86400)));
        assert_eq!(parse_duration("1h 30min"), Ok(secs(5400)));
        assert_eq!(parse_duration("1h30MIN"), Ok(secs(5400)));
        assert_eq!(parse_duration("2 seconds"), Ok(secs(2)));
        for bad in ["", "5M", "1MB", "10GB", "soon", "-1s", "80%", "1k", "1.5h", "s", "5 min x"] {
            assert!(parse_duration(bad).unwrap_err().contains("duration"), "{bad}");
        }
        assert!(parse_duration(&format!("{}d", u64::MAX / 1000)).unwrap_err().contains("far too long"));
    }

    /// One grammar: `m` is refused as a duration and as an age alike, with the same words.
    #[test]
    fn m_is_ambiguous_for_a_duration_and_an_age_alike() {
        for s in ["2m", "2M", "1h 2m"] {
            let (d, a) = (parse_duration(s).unwrap_err(), parse_age(s).unwrap_err());
            for e in [&d, &a] {
                assert!(
                    e.contains("ambiguous") && e.contains("`min` for minutes or `mon` for months"),
                    "{s}: {e}"
                );
            }
        }
        // Months and years are ages only.
        assert!(parse_duration("6mon").unwrap_err().contains("no fixed length"));
        assert!(parse_duration("1y").unwrap_err().contains("no fixed length"));
        // The same words mean the same in both.
        assert_eq!(parse_duration("90min"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_age("90min").as_deref(), Ok("90 minutes"));
    }

    #[test]
    fn ages_are_postgresql_intervals() {
        assert_eq!(parse_age("30d").as_deref(), Ok("30 days"));
        assert_eq!(parse_age("1y").as_deref(), Ok("1 years"));
        assert_eq!(parse_age("6 months").as_deref(), Ok("6 months"));
        assert_eq!(parse_age("6mon").as_deref(), Ok("6 months"));
        assert_eq!(parse_age(" 12H ").as_deref(), Ok("12 hours"));
        assert_eq!(parse_age("1y 6mon").as_deref(), Ok("1 years 6 months"));
        assert_eq!(parse_age("2w").as_deref(), Ok("2 weeks"));
        assert_eq!(parse_age("1500ms").as_deref(), Ok("1500 milliseconds"));
        assert!(parse_age("0d").unwrap_err().contains("more than 0"));
        assert!(parse_age("0d 0h").unwrap_err().contains("more than 0"));
        assert_eq!(parse_age("0d 1h").as_deref(), Ok("0 days 1 hours"));
        assert!(parse_age("30").unwrap_err().contains("no unit"));
        assert!(parse_age("").is_err());
        assert!(parse_age("-3d").is_err());
        assert!(parse_age("1.5d").is_err());
        assert!(parse_age("3 fortnights").unwrap_err().contains("unknown unit"));
        assert!(parse_age("30x").unwrap_err().contains("unknown unit"));
        assert!(parse_age("99999999999999999999d").unwrap_err().contains("too large"));
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("80"), Ok(80.0));
        assert_eq!(parse_percent("80%"), Ok(80.0));
        assert_eq!(parse_percent("99.5%"), Ok(99.5));
        for bad in ["", "%", "-5", "80 %%", "1e2", "inf", "5min", "1MB", "NaN"] {
            assert!(parse_percent(bad).unwrap_err().contains("percentage"), "{bad}");
        }
    }

    #[test]
    fn a_check_value_is_read_in_the_checks_own_unit() {
        assert_eq!(Kind::of_check("long_running_s"), Kind::Seconds);
        assert_eq!(Kind::of_check("slow_mean_ms"), Kind::Millis);
        assert_eq!(Kind::of_check("database_size_bytes"), Kind::Bytes);
        assert_eq!(Kind::of_check("xid_age_pct_of_freeze_max"), Kind::Percent);
        assert_eq!(Kind::of_check("connections_pct"), Kind::Percent);
        assert_eq!(Kind::of_check("deadlocks"), Kind::Count);
        assert_eq!(Kind::of_check("last_drill_failed"), Kind::Count);
        assert_eq!(Kind::Seconds.parse("300"), Ok(300.0));
        assert_eq!(Kind::Seconds.parse("5min"), Ok(300.0));
        assert_eq!(Kind::Seconds.parse("1500ms"), Ok(1.5));
        assert_eq!(Kind::Seconds.parse("0.5"), Ok(0.5));
        assert_eq!(Kind::Millis.parse("250"), Ok(250.0));
        assert_eq!(Kind::Millis.parse("2s"), Ok(2000.0));
        assert_eq!(Kind::Bytes.parse("10GB"), Ok((10u64 << 30) as f64));
        assert_eq!(Kind::Count.parse("1M"), Ok(1e6));
        assert_eq!(Kind::Percent.parse("95%"), Ok(95.0));
        // A unit of another kind is refused, never read as something else.
        assert!(Kind::Bytes.parse("1M").is_err());
        assert!(Kind::Bytes.parse("5min").is_err());
        assert!(Kind::Seconds.parse("10GB").is_err());
        assert!(Kind::Seconds.parse("80%").is_err());
        assert!(Kind::Count.parse("5min").is_err());
        assert!(Kind::Count.parse("1kB").is_err());
        assert!(Kind::Percent.parse("30s").is_err());
    }
}
