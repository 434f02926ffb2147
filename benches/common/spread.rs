//! What every benchmark prints about its rounds: each round's ratio with the load average
//! during each side, then the median of the ratios and their range (never a best round).
//! Included by each bench with `#[path = "common/spread.rs"] mod spread;`.
#![allow(dead_code)] // each bench uses what it needs

/// The median (the mean of the middle two for an even count); 0 for none.
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => 0.0,
        _ if n.is_multiple_of(2) => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        _ => v[n / 2],
    }
}

/// The `p` quantile by nearest rank (`p` in 0–1: 0.99 for the p99, 1 for the maximum); 0 for
/// none.
pub fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return 0.0;
    }
    v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
}

/// The 1-minute load average now (0 where /proc/loadavg cannot be read).
pub fn load1() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().and_then(|x| x.parse().ok()))
        .unwrap_or(0.0)
}

/// The lowest and the highest: `0.571–0.644`; `-` for none.
pub fn range(v: &[f64], digits: usize) -> String {
    if v.is_empty() {
        return "-".into();
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{lo:.digits$}–{hi:.digits$}")
}

/// A figure measured once per round: `median 0.612 (range 0.571–0.644 over 5 rounds)`.
pub fn summary(v: &[f64], digits: usize) -> String {
    if v.is_empty() {
        return "no rounds".into();
    }
    format!(
        "median {:.digits$} (range {} over {} round{})",
        median(v),
        range(v, digits),
        v.len(),
        if v.len() == 1 { "" } else { "s" }
    )
}
