//! `backup prune`: the retention policy. A complete backup stays while it is younger than
//! `keep_days` or among the `keep_last` newest complete ones; the newest complete backup and the
//! newest one whose drill passed always stay, whatever the flags (so pruning can never leave
//! nothing restorable when backups stop); an incomplete leftover goes once it is a day old (never
//! one that a running `backup create` still writes); a corrupt backup goes once older than
//! `keep_days`.

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::store::{self, Entry, State};

/// How old an incomplete leftover must be before prune removes it.
pub const INCOMPLETE_GRACE: Duration = Duration::days(1);

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub keep_days: u32,
    pub keep_last: u32,
}

/// One backup and what prune does with it.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub name: String,
    pub state: State,
    pub time: DateTime<Utc>,
    pub bytes: u64,
    pub delete: bool,
    pub reason: String,
}

/// Decide, for every backup of `entries` (oldest first), whether it goes and why.
pub fn decide(entries: &[Entry], p: Policy, now: DateTime<Utc>) -> Vec<Decision> {
    let complete: Vec<&Entry> = entries.iter().filter(|e| e.state == State::Complete).collect();
    let newest_complete = complete.last().map(|e| e.name.clone());
    let newest_verified = entries.iter().rev().find(|e| e.verified_ok()).map(|e| e.name.clone());
    let last_n: Vec<&str> =
        complete.iter().rev().take(p.keep_last as usize).map(|e| e.name.as_str()).collect();
    let cutoff = now - Duration::days(p.keep_days as i64);
    entries
        .iter()
        .map(|e| {
            let (delete, reason) = match e.state {
                State::Incomplete if e.running => {
                    (false, "being written by a running backup create".to_string())
                }
                State::Incomplete if now - e.time > INCOMPLETE_GRACE => {
                    (true, "incomplete leftover, older than a day".to_string())
                }
                State::Incomplete => {
                    (false, "incomplete, less than a day old (may still be written)".to_string())
                }
                State::Corrupt if e.time < cutoff => {
                    (true, format!("corrupt, older than {} days", p.keep_days))
                }
                State::Corrupt => (false, format!("corrupt, but within {} days", p.keep_days)),
                State::Complete if newest_complete.as_deref() == Some(e.name.as_str()) => {
                    (false, "the newest complete backup (always kept)".to_string())
                }
                State::Complete if newest_verified.as_deref() == Some(e.name.as_str()) => {
                    (false, "the newest backup whose restore drill passed (always kept)".to_string())
                }
                State::Complete if e.time >= cutoff => (false, format!("within {} days", p.keep_days)),
                State::Complete if last_n.contains(&e.name.as_str()) => {
                    (false, format!("among the {} newest", p.keep_last))
                }
                State::Complete => (
                    true,
                    format!("older than {} days and not among the {} newest", p.keep_days, p.keep_last),
                ),
            };
            Decision { name: e.name.clone(), state: e.state, time: e.time, bytes: e.bytes, delete, reason }
        })
        .collect()
}

/// What prune would do in `dir` now.
pub fn plan(dir: &Path, p: Policy) -> Result<(Vec<Entry>, Vec<Decision>)> {
    let entries = store::list(dir)?;
    let d = decide(&entries, p, Utc::now());
    Ok((entries, d))
}

/// Delete the backups marked for deletion. A partial folder whose writer started since the plan is
/// left alone.
pub fn apply(entries: &[Entry], decisions: &[Decision]) -> Result<()> {
    for (e, d) in entries.iter().zip(decisions) {
        if !d.delete {
            continue;
        }
        if e.state == State::Incomplete && store::being_written(&e.path) {
            continue;
        }
        std::fs::remove_dir_all(&e.path).with_context(|| format!("cannot delete {}", e.path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::backup::manifest::Verification;

    fn entry(name: &str, days_ago: i64, state: State, verified: Option<bool>) -> Entry {
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").unwrap().with_timezone(&Utc);
        Entry {
            name: name.into(),
            path: name.into(),
            state,
            problem: None,
            running: false,
            database: None,
            time: now - Duration::days(days_ago),
            duration_ms: None,
            bytes: 1,
            last_verification: verified.map(|ok| Verification {
                at: now,
                ok,
                checksums_ok: true,
                restore_ms: None,
                into: String::new(),
                problems: vec![],
            }),
            manifest: None,
        }
    }

    fn deleted(entries: &[Entry], p: Policy) -> Vec<String> {
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").unwrap().with_timezone(&Utc);
        decide(entries, p, now).into_iter().filter(|d| d.delete).map(|d| d.name).collect()
    }

    #[test]
    fn keeps_the_newest_complete_and_newest_verified_whatever_the_flags() {
        let e = vec![
            entry("a", 100, State::Complete, Some(true)),
            entry("b", 90, State::Complete, Some(false)),
            entry("c", 80, State::Complete, None),
        ];
        // Backups stopped 80 days ago: the 0-day policy would delete everything.
        assert_eq!(deleted(&e, Policy { keep_days: 0, keep_last: 0 }), ["b"]);
        assert_eq!(deleted(&e, Policy { keep_days: 30, keep_last: 2 }), Vec::<String>::new());
    }

    #[test]
    fn days_and_last_keep_the_union() {
        let e: Vec<Entry> =
            (0..6).map(|i| entry(&format!("w{i}"), 7 * (5 - i), State::Complete, None)).collect();
        // Ages 35, 28, 21, 14, 7, 0 days.
        assert_eq!(deleted(&e, Policy { keep_days: 30, keep_last: 0 }), ["w0"]);
        assert_eq!(deleted(&e, Policy { keep_days: 10, keep_last: 3 }), ["w0", "w1", "w2"]);
        assert_eq!(deleted(&e, Policy { keep_days: 0, keep_last: 5 }), ["w0"]);
    }

    #[test]
    fn leftovers_go_after_a_day_unless_still_written() {
        let mut running = entry("r", 3, State::Incomplete, None);
        running.running = true;
        let e = vec![
            entry("old", 2, State::Incomplete, None),
            running,
            entry("fresh", 0, State::Incomplete, None),
            entry("bad", 40, State::Corrupt, None),
            entry("badnew", 1, State::Corrupt, None),
            entry("ok", 0, State::Complete, None),
        ];
        assert_eq!(deleted(&e, Policy { keep_days: 30, keep_last: 0 }), ["old", "bad"]);
    }
}
