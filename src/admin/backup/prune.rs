//! `backup prune`: the retention policy, applied to each database's backups on its own (one folder
//! may hold the backups of several databases: a busy one's must never push out a quiet one's). A
//! complete backup stays while it is younger than `keep_days` or among the `keep_last` newest
//! complete ones of its database; the newest complete backup and the newest one whose drill passed
//! of each database always stay, whatever the flags (so pruning can never leave a database nothing
//! restorable when its backups stop); an incomplete leftover goes once it is a day old (never one
//! that a running `backup create` still writes); a corrupt backup goes once older than
//! `keep_days`.

use std::collections::{BTreeSet, HashSet};
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

/// The oldest time a backup may have and still be within `keep_days` of `now` (the beginning of
/// time when `keep_days` reaches past it).
fn cutoff(now: DateTime<Utc>, keep_days: u32) -> DateTime<Utc> {
    Duration::try_days(i64::from(keep_days))
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The complete backups that stay whatever their age, by the rules of their own database: its
/// newest complete one, its newest one whose drill passed, its `keep_last` newest complete ones.
fn kept_per_database(entries: &[Entry], keep_last: u32) -> (HashSet<&str>, HashSet<&str>, HashSet<&str>) {
    let (mut newest, mut verified, mut last_n) = (HashSet::new(), HashSet::new(), HashSet::new());
    let databases: BTreeSet<Option<&str>> = entries.iter().map(|e| e.database.as_deref()).collect();
    for db in databases {
        let complete: Vec<&Entry> =
            entries.iter().filter(|e| e.state == State::Complete && e.database.as_deref() == db).collect();
        newest.extend(complete.last().map(|e| e.name.as_str()));
        verified.extend(complete.iter().rev().find(|e| e.verified_ok()).map(|e| e.name.as_str()));
        last_n.extend(complete.iter().rev().take(keep_last as usize).map(|e| e.name.as_str()));
    }
    (newest, verified, last_n)
}

/// Decide, for every backup of `entries` (oldest first), whether it goes and why.
pub fn decide(entries: &[Entry], p: Policy, now: DateTime<Utc>) -> Vec<Decision> {
    let (newest_complete, newest_verified, last_n) = kept_per_database(entries, p.keep_last);
    let cutoff = cutoff(now, p.keep_days);
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
                State::Complete if newest_complete.contains(e.name.as_str()) => {
                    (false, "the newest complete backup of its database (always kept)".to_string())
                }
                State::Complete if newest_verified.contains(e.name.as_str()) => (
                    false,
                    "the newest backup of its database whose restore drill passed (always kept)".to_string(),
                ),
                State::Complete if e.time >= cutoff => (false, format!("within {} days", p.keep_days)),
                State::Complete if last_n.contains(e.name.as_str()) => {
                    (false, format!("among the {} newest of its database", p.keep_last))
                }
                State::Complete => (
                    true,
                    format!(
                        "older than {} days and not among the {} newest of its database",
                        p.keep_days, p.keep_last
                    ),
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
        on("towow", name, days_ago, state, verified)
    }

    fn on(database: &str, name: &str, days_ago: i64, state: State, verified: Option<bool>) -> Entry {
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z").unwrap().with_timezone(&Utc);
        Entry {
            name: name.into(),
            path: name.into(),
            state,
            problem: None,
            running: false,
            database: (state != State::Incomplete).then(|| database.to_string()),
            dump_format: None,
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

    #[test]
    fn each_database_keeps_its_own() {
        // A busy database backed up daily beside a quiet one backed up once, 60 days ago.
        let mut e: Vec<Entry> =
            (0..10).map(|i| on("busy", &format!("busy{i}"), 9 - i, State::Complete, None)).collect();
        e.insert(0, on("quiet", "quiet0", 60, State::Complete, None));
        e.insert(0, on("quiet", "quiet_old", 70, State::Complete, None));
        // quiet0 is the newest of its database (and its 1 newest); quiet_old goes.
        assert_eq!(deleted(&e, Policy { keep_days: 30, keep_last: 1 }), ["quiet_old"]);
        // keep_last counts within each database: the 2 newest of each (both of quiet's).
        let d = deleted(&e, Policy { keep_days: 0, keep_last: 2 });
        assert_eq!(d, ["busy0", "busy1", "busy2", "busy3", "busy4", "busy5", "busy6", "busy7"]);
    }

    #[test]
    fn huge_keep_days_keep_everything_instead_of_overflowing() {
        let e = vec![
            entry("a", 100_000, State::Complete, None),
            entry("b", 10, State::Corrupt, None),
            entry("c", 1, State::Complete, None),
        ];
        for keep_days in [u32::MAX, 100_000_000, 3_000_000] {
            assert_eq!(deleted(&e, Policy { keep_days, keep_last: 0 }), Vec::<String>::new(), "{keep_days}");
        }
        assert_eq!(deleted(&e, Policy { keep_days: 5, keep_last: u32::MAX }), ["b"]);
    }
}
