//! `replication`'s checks (also `health`'s) and tables.

use super::*;
use crate::output::cells::{bytes, opt, secs, ts, yes};
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

const MB: f64 = 1024.0 * 1024.0;
const GB: f64 = 1024.0 * MB;

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "replication_lag_s",
        Threshold::above(Some(10.0), Some(60.0)),
        "largest standby lag (write, flush or replay), or this standby's replay delay (0 when it has replayed all it received), seconds",
    ),
    (
        "replication_lag_bytes",
        Threshold::above(Some(64.0 * MB), Some(GB)),
        "most WAL a standby has not replayed yet, or this standby has received and not replayed, bytes",
    ),
    (
        "replicas_not_streaming",
        Threshold::above(Some(0.0), None),
        "standbys connected but not streaming yet (startup, catchup), and on a standby its own WAL receiver when it does not stream",
    ),
    ("replay_paused", Threshold::above(Some(0.0), None), "this standby's WAL replay is paused (1)"),
    (
        "inactive_slots",
        Threshold::above(Some(0.0), None),
        "replication slots nobody uses: they keep WAL (and dead rows, with an xmin) for ever",
    ),
    (
        "slot_retained_wal_bytes",
        Threshold::above(Some(GB), Some(10.0 * GB)),
        "most WAL kept by one replication slot, bytes",
    ),
    (
        "slots_wal_at_risk",
        Threshold::above(None, Some(0.0)),
        "slots whose WAL is past max_slot_wal_keep_size (wal_status unreserved or lost)",
    ),
    (
        "wal_archive_failing_s",
        Threshold::above(Some(0.0), Some(3600.0)),
        "while the WAL archiver fails: seconds since it last archived a segment (0 when it works)",
    ),
];

/// A list for a message: the first few, then how many more.
fn listing(items: Vec<String>) -> String {
    const SHOWN: usize = 3;
    let more = items.len().saturating_sub(SHOWN);
    let mut s = items.into_iter().take(SHOWN).collect::<Vec<_>>().join("; ");
    if more > 0 {
        s.push_str(&format!("; and {more} more"));
    }
    s
}

fn max_of(it: impl Iterator<Item = f64>) -> Option<f64> {
    it.fold(None, |a, v| Some(a.map_or(v, |a: f64| a.max(v))))
}

impl Sender {
    /// What it is doing, in a few words (never "caught up" unless it is).
    fn summary(&self) -> String {
        let state = self.state.as_deref().unwrap_or("state not visible");
        let what = match self.kind {
            "base_backup" => "base backup in progress (pg_basebackup: not a standby yet)".to_string(),
            "wal_receiver" => format!("{state}, receives WAL and replays none (pg_receivewal?)"),
            _ if self.caught_up => "streaming, caught up".to_string(),
            _ => match self.lag_bytes {
                Some(b) => format!("{state}, {} behind", bytes(b)),
                None => state.to_string(),
            },
        };
        let name = if self.name.is_empty() { format!("pid {}", self.pid) } else { self.name.clone() };
        format!("{name}: {what}")
    }
}

impl Slot {
    fn summary(&self) -> String {
        let mut s = format!("{} ({}", self.slot_name, self.slot_type);
        if let Some(b) = self.retained_wal_bytes {
            s.push_str(&format!(", keeps {} of WAL", bytes(b)));
        }
        if let Some(w) = &self.wal_status {
            s.push_str(&format!(", wal_status {w}"));
        }
        if let Some(i) = self.inactive_s {
            s.push_str(&format!(", inactive for {}", secs(Some(i))));
        }
        s.push(')');
        s
    }

    fn holds_back_cell(&self) -> String {
        match self.holds_back {
            "all_tables" => format!("all tables (xmin age {})", opt(&self.xmin_age)),
            "catalogs_only" => format!("catalogs only (catalog_xmin age {})", opt(&self.catalog_xmin_age)),
            _ => "-".into(),
        }
    }
}

impl ReplicationReport {
    /// The replication checks (`health` runs them too).
    pub fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let replicas: Vec<&Sender> = self.senders.iter().filter(|s| s.replicates()).collect();
        let backups = self.senders.iter().filter(|s| s.kind == "base_backup").count();
        let hidden = !self.sees_details && !replicas.is_empty() && replicas.iter().all(|s| s.state.is_none());
        let backups_note = match backups {
            0 => String::new(),
            n => format!("; {n} base backup(s) in progress (pg_basebackup), not standbys yet"),
        };
        let about_replicas = format!(
            "{} standby(s): {}{backups_note}",
            replicas.len(),
            listing(replicas.iter().map(|s| s.summary()).collect())
        );
        let grant = "standby details not visible to this role: grant pg_read_all_stats";
        let mut checks = Vec::new();

        // Lag in seconds, and in bytes.
        let lag_s = max_of(replicas.iter().map(|s| s.lag_s()));
        let lag_b = max_of(replicas.iter().filter_map(|s| s.lag_bytes).map(|b| b as f64));
        let (th_s, th_b) = (t.get("replication_lag_s"), t.get("replication_lag_bytes"));
        match &self.receiver {
            Some(r) => {
                let own = match (r.replay_delay_s, r.gap_bytes.unwrap_or(0)) {
                    (Some(0.0), _) => "this standby has replayed all the WAL it received".to_string(),
                    (Some(_), gap) => format!(
                        "this standby has {} received and not replayed; its last replayed commit is from {}",
                        bytes(gap),
                        ts(&r.last_replayed_commit)
                    ),
                    (None, _) => String::new(),
                };
                let downstream = if replicas.is_empty() {
                    String::new()
                } else {
                    format!("; downstream {about_replicas}")
                };
                checks.push(match r.replay_delay_s {
                    Some(d) => Check::measured(
                        "replication_lag_s",
                        d.max(lag_s.unwrap_or(0.0)),
                        th_s,
                        format!("{own}{downstream}"),
                    ),
                    None => Check::unknown(
                        "replication_lag_s",
                        Some(th_s),
                        "this standby is behind and has replayed no commit yet: its delay is unknown",
                    ),
                });
                checks.push(Check::measured(
                    "replication_lag_bytes",
                    (r.gap_bytes.unwrap_or(0) as f64).max(lag_b.unwrap_or(0.0)),
                    th_b,
                    format!(
                        "received {}, replayed {}{downstream}",
                        r.received_lsn.as_deref().unwrap_or("-"),
                        r.replayed_lsn.as_deref().unwrap_or("-")
                    ),
                ));
            }
            None if replicas.is_empty() => {
                let msg = format!("no standbys connected{backups_note}");
                checks.push(Check::not_applicable("replication_lag_s", Some(th_s), &msg));
                checks.push(Check::not_applicable("replication_lag_bytes", Some(th_b), msg));
            }
            None if hidden => {
                checks.push(Check::unknown("replication_lag_s", Some(th_s), grant));
                checks.push(Check::unknown("replication_lag_bytes", Some(th_b), grant));
            }
            None => {
                checks.push(Check::measured(
                    "replication_lag_s",
                    lag_s.unwrap_or(0.0),
                    th_s,
                    &about_replicas,
                ));
                checks.push(match lag_b {
                    Some(b) => Check::measured("replication_lag_bytes", b, th_b, &about_replicas),
                    None => Check::unknown(
                        "replication_lag_bytes",
                        Some(th_b),
                        "no standby reports a replay position yet",
                    ),
                });
            }
        }

        // Not streaming: downstream standbys still starting, and this standby's own receiver.
        let mut stalled: Vec<String> = replicas
            .iter()
            .filter(|s| s.state.as_deref() != Some("streaming"))
            .map(|s| s.summary())
            .collect();
        // A receiver whose status this role may not see is not "not streaming": unknown.
        let receiver_hidden = self.receiver.as_ref().is_some_and(|r| r.status_hidden);
        if let Some(r) = &self.receiver
            && !r.streaming()
            && !r.status_hidden
        {
            stalled.push(format!(
                "this standby's WAL receiver is {} (no primary_conninfo, the primary unreachable, or WAL from the archive only): its lag counts only what it received",
                r.status.as_deref().unwrap_or("not running")
            ));
        }
        let th = t.get("replicas_not_streaming");
        checks.push(if hidden {
            Check::unknown("replicas_not_streaming", Some(th), grant)
        } else if receiver_hidden && stalled.is_empty() {
            Check::unknown(
                "replicas_not_streaming",
                Some(th),
                "this standby's WAL receiver runs, but its status is not visible to this role: grant pg_read_all_stats",
            )
        } else if stalled.is_empty() {
            let msg = match (&self.receiver, replicas.len()) {
                (Some(_), 0) => format!("this standby streams{backups_note}"),
                (_, 0) => format!("no standbys connected{backups_note}"),
                (_, n) => format!("{n} standby(s) streaming{backups_note}"),
            };
            Check::measured("replicas_not_streaming", 0.0, th, msg)
        } else {
            Check::measured("replicas_not_streaming", stalled.len() as f64, th, listing(stalled))
        });

        let th = t.get("replay_paused");
        checks.push(match &self.receiver {
            Some(r) => Check::measured(
                "replay_paused",
                if r.replay_paused { 1.0 } else { 0.0 },
                th,
                match r.replay_paused {
                    true => format!("replay {} (pg_wal_replay_resume() resumes it)", r.replay_pause_state),
                    false => format!("replay {}", r.replay_pause_state),
                },
            ),
            None => Check::not_applicable("replay_paused", Some(th), "a primary replays nothing"),
        });

        // Slots.
        let inactive: Vec<&Slot> = self.slots.iter().filter(|s| !s.active && !s.temporary).collect();
        checks.push(Check::measured(
            "inactive_slots",
            inactive.len() as f64,
            t.get("inactive_slots"),
            match inactive.len() {
                0 => format!("{} slot(s), all in use", self.slots.len()),
                _ => format!(
                    "unused: {} — drop a slot no standby or subscriber will use again (pg_drop_replication_slot)",
                    listing(inactive.iter().map(|s| s.summary()).collect())
                ),
            },
        ));
        let th = t.get("slot_retained_wal_bytes");
        let most =
            self.slots.iter().filter(|s| s.retained_wal_bytes.is_some()).max_by_key(|s| s.retained_wal_bytes);
        checks.push(match most {
            Some(s) => Check::measured(
                "slot_retained_wal_bytes",
                s.retained_wal_bytes.unwrap_or(0) as f64,
                th,
                format!("most: {}", s.summary()),
            ),
            None => {
                Check::not_applicable("slot_retained_wal_bytes", Some(th), "no replication slots keep WAL")
            }
        });
        let risky: Vec<&Slot> = self
            .slots
            .iter()
            .filter(|s| matches!(s.wal_status.as_deref(), Some("unreserved" | "lost")))
            .collect();
        checks.push(Check::measured(
            "slots_wal_at_risk",
            risky.len() as f64,
            t.get("slots_wal_at_risk"),
            match risky.len() {
                0 if self.server_version_num < 130000 => "wal_status needs PostgreSQL 13".to_string(),
                0 => "none".to_string(),
                _ => format!(
                    "{}: a lost slot cannot serve its standby any more (rebuild it)",
                    listing(risky.iter().map(|s| s.summary()).collect())
                ),
            },
        ));
        checks.push(self.archiver.check(t));
        checks
    }
}

impl Report for ReplicationReport {
    fn metrics(&self) -> Vec<crate::output::metrics::Metric> {
        use crate::output::metrics::Metric;
        let mut lag_b = Metric::gauge("replication_lag_bytes", "WAL not yet replayed by a standby, bytes.");
        let mut lag_s = Metric::gauge("replication_lag_seconds", "A standby's replay lag, seconds.");
        let mut streaming =
            Metric::gauge("replication_standbys_streaming", "Standbys streaming from this server.");
        for s in self.senders.iter().filter(|s| s.replicates()) {
            let l = vec![("standby", s.name.clone()), ("client", s.client.clone().unwrap_or_default())];
            lag_b.add(l.clone(), s.lag_bytes.map(|v| v as f64));
            lag_s.add(l, Some(s.lag_s()));
        }
        let n =
            self.senders.iter().filter(|s| s.replicates() && s.state.as_deref() == Some("streaming")).count();
        streaming.add(Vec::new(), Some(n as f64));
        let mut kept =
            Metric::gauge("replication_slot_retained_wal_bytes", "WAL a replication slot keeps, bytes.");
        let mut active = Metric::gauge("replication_slot_active", "1 when a replication slot is in use.");
        for s in &self.slots {
            let l = vec![("slot", s.slot_name.clone())];
            kept.add(l.clone(), s.retained_wal_bytes.map(|v| v as f64));
            active.add(l, Some(if s.active { 1.0 } else { 0.0 }));
        }
        let mut archived =
            Metric::counter("archiver_archived", "WAL files archived since the statistics reset.");
        archived.add(Vec::new(), Some(self.archiver.archived_count as f64));
        let mut failed =
            Metric::counter("archiver_failed", "Failed WAL archive attempts since the statistics reset.");
        failed.add(Vec::new(), Some(self.archiver.failed_count as f64));
        vec![lag_b, lag_s, streaming, kept, active, archived, failed]
    }

    fn sections(&self) -> Vec<Section> {
        let mut s = Vec::new();
        if let Some(r) = &self.receiver {
            s.push(Section {
                title: format!(
                    "Standby of {}: WAL receiver {}",
                    r.sender.as_deref().unwrap_or("its primary"),
                    r.status.as_deref().unwrap_or(if r.status_hidden {
                        "running (its status is not visible to this role)"
                    } else {
                        "not running"
                    })
                ),
                headers: vec![
                    "received",
                    "replayed",
                    "gap",
                    "replay",
                    "last replayed commit",
                    "replay delay",
                    "slot",
                    "last message",
                ],
                rows: vec![vec![
                    opt(&r.received_lsn),
                    opt(&r.replayed_lsn),
                    r.gap_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                    r.replay_pause_state.clone(),
                    ts(&r.last_replayed_commit),
                    secs(r.replay_delay_s),
                    opt(&r.slot_name),
                    ts(&r.last_msg_receipt_time),
                ]],
                wide: &["slot", "last message"],
                ..Default::default()
            });
        }
        s.push(Section {
            title: format!("WAL senders ({})", self.senders.len()),
            headers: vec![
                "name",
                "client",
                "kind",
                "state",
                "sync",
                "lag",
                "replay lag",
                "caught up",
                "sent",
                "write",
                "flush",
                "replay",
                "write lag",
                "flush lag",
                "slot",
                "since",
            ],
            rows: self
                .senders
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        x.client.clone().unwrap_or_else(|| "-".into()),
                        x.kind.to_string(),
                        opt(&x.state),
                        opt(&x.sync_state),
                        x.lag_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                        secs(x.replay_lag_s),
                        yes(x.caught_up),
                        opt(&x.sent_lsn),
                        opt(&x.write_lsn),
                        opt(&x.flush_lsn),
                        opt(&x.replay_lsn),
                        secs(x.write_lag_s),
                        secs(x.flush_lag_s),
                        opt(&x.slot_name),
                        ts(&x.backend_start),
                    ]
                })
                .collect(),
            empty: "no WAL senders: no standby, backup or subscriber is connected",
            wide: &["sent", "write", "flush", "replay", "write lag", "flush lag", "slot", "since"],
            ..Default::default()
        });
        s.push(Section {
            title: format!("Replication slots ({})", self.slots.len()),
            headers: vec![
                "slot",
                "type",
                "active",
                "wal status",
                "retained WAL",
                "safe WAL",
                "inactive for",
                "holds back",
                "plugin",
                "database",
                "restart lsn",
                "invalidated",
            ],
            rows: self
                .slots
                .iter()
                .map(|x| {
                    vec![
                        x.slot_name.clone(),
                        x.slot_type.clone(),
                        if x.temporary { format!("{} (temporary)", yes(x.active)) } else { yes(x.active) },
                        opt(&x.wal_status),
                        x.retained_wal_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                        x.safe_wal_size.map(bytes).unwrap_or_else(|| "-".into()),
                        secs(x.inactive_s),
                        x.holds_back_cell(),
                        opt(&x.plugin),
                        opt(&x.database),
                        opt(&x.restart_lsn),
                        opt(&x.invalidation_reason),
                    ]
                })
                .collect(),
            empty: "no replication slots",
            wide: &["plugin", "database", "restart lsn", "invalidated"],
            ..Default::default()
        });
        let a = &self.archiver;
        s.push(Section {
            title: "WAL archiver".into(),
            headers: vec!["archive_mode", "archived", "last archived", "failures", "last failure", "failing"],
            rows: vec![vec![
                if a.active || a.archive_mode == "off" {
                    a.archive_mode.clone()
                } else {
                    format!("{} (the primary archives)", a.archive_mode)
                },
                a.archived_count.to_string(),
                format!("{} {}", a.last_archived_wal.as_deref().unwrap_or("-"), ts(&a.last_archived_time)),
                a.failed_count.to_string(),
                format!("{} {}", a.last_failed_wal.as_deref().unwrap_or("-"), ts(&a.last_failed_time)),
                yes(a.failing),
            ]],
            ..Default::default()
        });
        s
    }

    fn notes(&self) -> Vec<String> {
        let mut n = Vec::new();
        if !self.sees_details && (!self.senders.is_empty() || self.receiver.is_some()) {
            n.push(
                "this role sees no details of the WAL senders and receiver (states, positions, lags): grant it pg_read_all_stats"
                    .to_string(),
            );
        }
        if self.server_version_num < 170000 && self.slots.iter().any(|s| !s.active) {
            n.push(
                "how long a slot has been inactive is known from PostgreSQL 17 on (inactive_since)".into(),
            );
        }
        n
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let mut c = ReplicationReport::checks(self, t);
        // `--expect-standbys N` (or the target's `expect_standbys`): a dead standby pages.
        if let Some(n) = self.expected_standbys {
            let streaming = self
                .senders
                .iter()
                .filter(|s| s.replicates() && s.state.as_deref() == Some("streaming"))
                .count();
            c.push(super::expected_standbys(streaming as i64, n));
        }
        c
    }
}
