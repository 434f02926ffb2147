//! Table cells: sizes, durations, times and numbers formatted for people (JSON keeps the raw
//! numbers).

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

/// `1 channel`, `3 channels`.
pub fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(1536), "1.5 kB");
        assert_eq!(bytes(10), "10 B");
        assert_eq!(plural(1, "channel", "channels"), "1 channel");
        assert_eq!(plural(0, "channel", "channels"), "0 channels");
    }
}
