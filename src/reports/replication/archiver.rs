//! The WAL archiver (point-in-time recovery, e.g. pgBackRest's archive-push): `archive_mode`
//! and `pg_stat_archiver`, readable by every role. Its check, `wal_archive_failing_s`, is in
//! `health` and `replication` alike.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;

use crate::output::check::{Check, Thresholds};
use crate::reports::query;

const ARCHIVER_SQL: &str = "
SELECT current_setting('archive_mode') AS archive_mode, pg_is_in_recovery() AS standby,
       archived_count, last_archived_wal, last_archived_time,
       failed_count, last_failed_wal, last_failed_time,
       last_failed_time IS NOT NULL AND (last_archived_time IS NULL OR last_failed_time > last_archived_time)
         AS failing,
       extract(epoch FROM now() - coalesce(last_archived_time, stats_reset, last_failed_time))::float8
         AS since_archived_s,
       (SELECT bool_or(setting <> '') FROM pg_settings WHERE name IN ('archive_command', 'archive_library'))
         AS configured
FROM pg_stat_archiver";

#[derive(Debug, Clone, Serialize)]
pub struct Archiver {
    /// `off`, `on` or `always`.
    pub archive_mode: String,
    /// Whether this server archives: `archive_mode` on (on a primary) or `always`.
    pub active: bool,
    pub archived_count: i64,
    pub last_archived_wal: Option<String>,
    pub last_archived_time: Option<DateTime<Utc>>,
    pub failed_count: i64,
    pub last_failed_wal: Option<String>,
    pub last_failed_time: Option<DateTime<Utc>>,
    /// Its last attempt failed (after its last success).
    pub failing: bool,
    /// Seconds since it last archived a segment (since the statistics reset when never).
    pub since_archived_s: Option<f64>,
    /// Whether `archive_command` or `archive_library` is set (null when this role may not see
    /// them). With archive_mode on and neither, PostgreSQL archives nothing and never fails:
    /// every WAL segment waits in pg_wal.
    pub configured: Option<bool>,
}

impl Archiver {
    pub async fn read(client: &Client) -> Result<Archiver> {
        let rows = query(client, "the WAL archiver", ARCHIVER_SQL, &[]).await?;
        let r = &rows[0];
        let (mode, standby): (String, bool) = (r.get("archive_mode"), r.get("standby"));
        Ok(Archiver {
            active: mode == "always" || (mode == "on" && !standby),
            archive_mode: mode,
            archived_count: r.get("archived_count"),
            last_archived_wal: r.get("last_archived_wal"),
            last_archived_time: r.get("last_archived_time"),
            failed_count: r.get("failed_count"),
            last_failed_wal: r.get("last_failed_wal"),
            last_failed_time: r.get("last_failed_time"),
            failing: r.get("failing"),
            since_archived_s: r.get("since_archived_s"),
            configured: r.get("configured"),
        })
    }

    /// `wal_archive_failing_s`: not applicable when nothing is archived here (archive_mode off, or
    /// a standby with `on`), else 0 while the archiver works and, while its last attempt failed,
    /// the seconds since it last archived a segment.
    pub fn check(&self, t: &Thresholds) -> Check {
        const NAME: &str = "wal_archive_failing_s";
        let th = t.get(NAME);
        if self.archive_mode == "off" {
            return Check::not_applicable(
                NAME,
                Some(th),
                "archive_mode is off: no WAL archive, no point-in-time recovery (see docs/backups.md)",
            );
        }
        if !self.active {
            return Check::not_applicable(
                NAME,
                Some(th),
                "standby with archive_mode=on: the primary archives",
            );
        }
        let at = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into());
        let last = format!(
            "{} archived, the last {} at {}",
            self.archived_count,
            self.last_archived_wal.as_deref().unwrap_or("-"),
            at(self.last_archived_time)
        );
        if self.configured == Some(false) {
            return Check::measured(
                NAME,
                self.since_archived_s.unwrap_or(0.0).max(0.0),
                th,
                format!(
                    "archive_mode is {} but neither archive_command nor archive_library is set: nothing is archived and every WAL segment stays in pg_wal until one is; {last}",
                    self.archive_mode
                ),
            );
        }
        if self.failing {
            Check::measured(
                NAME,
                self.since_archived_s.unwrap_or(0.0).max(0.0),
                th,
                format!(
                    "failing: {} failure(s), the last on {} at {}; {last}",
                    self.failed_count,
                    self.last_failed_wal.as_deref().unwrap_or("-"),
                    at(self.last_failed_time)
                ),
            )
        } else {
            Check::measured(NAME, 0.0, th, format!("{last}; {} failure(s) before", self.failed_count))
        }
    }
}
