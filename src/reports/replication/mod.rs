//! `replication`: streaming replication as the server sees it, on a primary and on a standby.
//!
//! - **Downstream** (`pg_stat_replication`, on a primary or a cascading standby): every WAL sender
//!   with its state, LSNs, lag in bytes (WAL not yet replayed there) and in seconds. A sender in
//!   `startup`, `catchup` or `backup`, or one that replays nothing (`pg_basebackup -X stream`,
//!   `pg_receivewal`: no replay LSN) is never "caught up".
//! - **Upstream** (`pg_stat_wal_receiver`, on a standby): the WAL receiver, received vs replayed
//!   LSN and their gap, replay paused or not, and the replay delay: 0 when everything received
//!   is replayed (however old the last commit: an idle primary sends no commits), else the age
//!   of the last replayed commit.
//! - **Slots** (`pg_replication_slots`): WAL retained (bytes from `restart_lsn` to now),
//!   `wal_status`, `safe_wal_size`, since when inactive (17+), and what their xmins hold back: a
//!   physical slot's `xmin` (hot_standby_feedback) holds back every table, a logical slot's
//!   `catalog_xmin` the system catalogs only.
//! - **Archiver** (`pg_stat_archiver`): see [`archiver`].
//!
//! The checks and tables are in `render`; `health` runs the same checks.

pub mod archiver;
mod render;

pub use render::CHECKS;

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::{Client, Row};

use super::query;
use archiver::Archiver;

/// The server's role and what this role may see, in one round trip.
const ROLE_SQL: &str = "
SELECT pg_is_in_recovery() AS standby, current_setting('server_version_num')::int4 AS server_version_num,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
         OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS sees_details,
       (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver WHERE sender_host IS NOT NULL)
         AS upstream";

/// The WAL position senders and slots are measured from: the insert position on a primary, what
/// a (cascading) standby has received or replayed.
const PRIMARY_LSN: &str = "pg_current_wal_lsn()";
const STANDBY_LSN: &str = "greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())";

/// `{lsn}` and `{reply_time}` are replaced by fixed expressions.
const SENDERS_SQL: &str = "
SELECT r.pid, coalesce(r.application_name, '')::text AS name, host(r.client_addr) AS client,
       r.state::text AS state, r.sync_state::text AS sync_state, r.sent_lsn::text AS sent_lsn,
       r.write_lsn::text AS write_lsn, r.flush_lsn::text AS flush_lsn, r.replay_lsn::text AS replay_lsn,
       pg_wal_lsn_diff({lsn}, r.replay_lsn)::int8 AS lag_bytes,
       extract(epoch FROM r.write_lag)::float8 AS write_lag_s,
       extract(epoch FROM r.flush_lag)::float8 AS flush_lag_s,
       extract(epoch FROM r.replay_lag)::float8 AS replay_lag_s, r.backend_start,
       {reply_time} AS reply_time, s.slot_name::text AS slot_name, s.slot_type::text AS slot_type
FROM pg_stat_replication r
LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
ORDER BY r.application_name, r.pid";

/// `{lsn}`, `{wal_status}`, `{safe_wal_size}`, `{inactive_since}`, `{invalidation}` are replaced
/// by fixed, version dependent expressions.
const SLOTS_SQL: &str = "
SELECT s.slot_name::text AS slot_name, s.slot_type::text AS slot_type, s.plugin::text AS plugin,
       s.database::text AS database, s.temporary, s.active, s.active_pid,
       s.xmin::text AS xmin, age(s.xmin)::int8 AS xmin_age,
       s.catalog_xmin::text AS catalog_xmin, age(s.catalog_xmin)::int8 AS catalog_xmin_age,
       s.restart_lsn::text AS restart_lsn, s.confirmed_flush_lsn::text AS confirmed_flush_lsn,
       pg_wal_lsn_diff({lsn}, s.restart_lsn)::int8 AS retained_wal_bytes,
       {wal_status}::text AS wal_status, {safe_wal_size}::int8 AS safe_wal_size,
       {inactive_since} AS inactive_since,
       greatest(extract(epoch FROM clock_timestamp() - {inactive_since}), 0)::float8 AS inactive_s,
       {invalidation}::text AS invalidation_reason
FROM pg_replication_slots s
ORDER BY s.slot_name";

/// A standby's upstream: the WAL receiver (no row when it does not run), received vs replayed.
/// `{pause}` is replaced by a version dependent expression. A role without `pg_read_all_stats`
/// sees the receiver's row with its pid only (its status and positions are NULL).
const RECEIVER_SQL: &str = "
SELECT w.pid AS receiver_pid, w.status::text AS status, w.sender_host::text AS sender_host,
       w.sender_port AS sender_port, w.slot_name::text AS slot_name,
       pg_last_wal_receive_lsn()::text AS received_lsn, pg_last_wal_replay_lsn()::text AS replayed_lsn,
       greatest(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::int8 AS gap_bytes,
       {pause} AS replay_pause_state, pg_last_xact_replay_timestamp() AS last_replayed_commit,
       CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()
            THEN 0
            ELSE greatest(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0) END::float8 AS replay_delay_s,
       w.last_msg_receipt_time, w.latest_end_lsn::text AS latest_end_lsn
FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver w ON true";

/// The server's role in replication, and what this role may see of it.
#[derive(Debug, Clone, Serialize)]
pub struct ServerRole {
    /// `pg_is_in_recovery()`.
    pub standby: bool,
    pub server_version_num: i32,
    /// Superuser or `pg_read_all_stats`: sees the senders' and the receiver's details.
    pub sees_details: bool,
    /// On a standby: the primary (or cascading upstream) it streams from, `host:port`.
    pub upstream: Option<String>,
}

impl ServerRole {
    pub async fn read(client: &Client) -> Result<ServerRole> {
        let r = &query(client, "the server's replication role", ROLE_SQL, &[]).await?[0];
        Ok(ServerRole {
            standby: r.get("standby"),
            server_version_num: r.get("server_version_num"),
            sees_details: r.get("sees_details"),
            upstream: r.get("upstream"),
        })
    }

    /// On a standby, what every report says once: its statistics are its own.
    pub fn standby_note(&self) -> Option<String> {
        self.standby.then(|| {
            let primary = match &self.upstream {
                Some(u) => format!("the primary (this standby streams from {u})"),
                None => "the primary".to_string(),
            };
            format!(
                "note: this server is a standby (in recovery): its activity statistics (table and index counters, dead tuples, pg_stat_statements, sessions) are its own, and the vacuum figures are empty here (autovacuum runs on the primary); for the primary's, run against {primary}"
            )
        })
    }
}

/// One WAL sender: a standby, a base backup, a WAL archiver client or a logical subscriber.
#[derive(Debug, Clone, Serialize)]
pub struct Sender {
    pub pid: i32,
    /// `application_name` (a standby's `cluster_name`, or what `primary_conninfo` sets).
    pub name: String,
    /// The client's address (`null`: a Unix socket, or not visible to this role).
    pub client: Option<String>,
    /// `standby`, `logical` (a subscription), `base_backup` (pg_basebackup: a replica being
    /// made, or a backup) or `wal_receiver` (receives WAL, replays none: pg_receivewal).
    pub kind: &'static str,
    /// `startup`, `catchup`, `streaming`, `backup` or `stopping`.
    pub state: Option<String>,
    /// `async`, `potential`, `sync` or `quorum`.
    pub sync_state: Option<String>,
    pub sent_lsn: Option<String>,
    pub write_lsn: Option<String>,
    pub flush_lsn: Option<String>,
    pub replay_lsn: Option<String>,
    /// WAL written here and not yet replayed there, bytes.
    pub lag_bytes: Option<i64>,
    pub write_lag_s: Option<f64>,
    pub flush_lag_s: Option<f64>,
    /// `null` (with the others) once a standby has caught up and no WAL is written.
    pub replay_lag_s: Option<f64>,
    /// Streaming, and everything written here replayed there.
    pub caught_up: bool,
    pub backend_start: Option<DateTime<Utc>>,
    pub reply_time: Option<DateTime<Utc>>,
    pub slot_name: Option<String>,
}

impl Sender {
    fn from_row(r: &Row) -> Sender {
        let name: String = r.get("name");
        let state: Option<String> = r.get("state");
        let replay_lsn: Option<String> = r.get("replay_lsn");
        let slot_type: Option<String> = r.get("slot_type");
        let kind = if state.as_deref() == Some("backup") || (replay_lsn.is_none() && name == "pg_basebackup")
        {
            "base_backup"
        } else if slot_type.as_deref() == Some("logical") {
            "logical"
        } else if replay_lsn.is_none() && state.as_deref() == Some("streaming") {
            "wal_receiver"
        } else {
            "standby"
        };
        let lag_bytes: Option<i64> = r.get("lag_bytes");
        Sender {
            pid: r.get("pid"),
            caught_up: matches!(kind, "standby" | "logical")
                && state.as_deref() == Some("streaming")
                && lag_bytes == Some(0),
            name,
            client: r.get("client"),
            kind,
            state,
            sync_state: r.get("sync_state"),
            sent_lsn: r.get("sent_lsn"),
            write_lsn: r.get("write_lsn"),
            flush_lsn: r.get("flush_lsn"),
            replay_lsn,
            lag_bytes,
            write_lag_s: r.get("write_lag_s"),
            flush_lag_s: r.get("flush_lag_s"),
            replay_lag_s: r.get("replay_lag_s"),
            backend_start: r.get("backend_start"),
            reply_time: r.get("reply_time"),
            slot_name: r.get("slot_name"),
        }
    }

    /// A standby or a subscriber (what replication lag is about), not a backup or WAL archiver.
    pub fn replicates(&self) -> bool {
        matches!(self.kind, "standby" | "logical")
    }

    /// The largest of its lags in seconds (0 when the server shows none: caught up and idle).
    pub fn lag_s(&self) -> f64 {
        [self.write_lag_s, self.flush_lag_s, self.replay_lag_s].into_iter().flatten().fold(0.0, f64::max)
    }
}

/// One replication slot.
#[derive(Debug, Clone, Serialize)]
pub struct Slot {
    pub slot_name: String,
    /// `physical` or `logical`.
    pub slot_type: String,
    pub plugin: Option<String>,
    pub database: Option<String>,
    pub temporary: bool,
    pub active: bool,
    pub active_pid: Option<i32>,
    /// Physical slots with hot_standby_feedback: holds back the xmin horizon of every table.
    pub xmin: Option<String>,
    pub xmin_age: Option<i64>,
    /// Logical slots: holds back the system catalogs' xmin horizon only (user tables are vacuumed).
    pub catalog_xmin: Option<String>,
    pub catalog_xmin_age: Option<i64>,
    /// `all_tables` (xmin), `catalogs_only` (catalog_xmin) or `none`.
    pub holds_back: &'static str,
    pub restart_lsn: Option<String>,
    pub confirmed_flush_lsn: Option<String>,
    /// WAL kept for this slot (from `restart_lsn` to the current position), bytes.
    pub retained_wal_bytes: Option<i64>,
    /// 13+: `reserved`, `extended`, `unreserved` (about to be removed) or `lost`.
    pub wal_status: Option<String>,
    /// 13+: bytes that can still be written before this slot loses WAL (`max_slot_wal_keep_size`).
    pub safe_wal_size: Option<i64>,
    /// 17+: since when no one uses it.
    pub inactive_since: Option<DateTime<Utc>>,
    pub inactive_s: Option<f64>,
    /// 17+: why it was invalidated (`wal_removed`, `rows_removed`, …).
    pub invalidation_reason: Option<String>,
}

impl Slot {
    fn from_row(r: &Row) -> Slot {
        let xmin: Option<String> = r.get("xmin");
        let catalog_xmin: Option<String> = r.get("catalog_xmin");
        Slot {
            slot_name: r.get("slot_name"),
            slot_type: r.get("slot_type"),
            plugin: r.get("plugin"),
            database: r.get("database"),
            temporary: r.get("temporary"),
            active: r.get("active"),
            active_pid: r.get("active_pid"),
            holds_back: match (&xmin, &catalog_xmin) {
                (Some(_), _) => "all_tables",
                (None, Some(_)) => "catalogs_only",
                (None, None) => "none",
            },
            xmin,
            xmin_age: r.get("xmin_age"),
            catalog_xmin,
            catalog_xmin_age: r.get("catalog_xmin_age"),
            restart_lsn: r.get("restart_lsn"),
            confirmed_flush_lsn: r.get("confirmed_flush_lsn"),
            retained_wal_bytes: r.get("retained_wal_bytes"),
            wal_status: r.get("wal_status"),
            safe_wal_size: r.get("safe_wal_size"),
            inactive_since: r.get("inactive_since"),
            inactive_s: r.get("inactive_s"),
            invalidation_reason: r.get("invalidation_reason"),
        }
    }
}

/// A standby's upstream: its WAL receiver and its replay.
#[derive(Debug, Clone, Serialize)]
pub struct Receiver {
    /// The WAL receiver's status (`streaming`, `starting`, `waiting`, …); `null` when none runs
    /// (no primary_conninfo, the primary unreachable, or WAL from the archive only), or when this
    /// role may not see it (`status_hidden`).
    pub status: Option<String>,
    /// A WAL receiver runs, but this role may not see its status (needs `pg_read_all_stats`).
    pub status_hidden: bool,
    /// The upstream server, `host:port` (needs pg_read_all_stats).
    pub sender: Option<String>,
    pub slot_name: Option<String>,
    pub received_lsn: Option<String>,
    pub replayed_lsn: Option<String>,
    /// Received and not yet replayed, bytes.
    pub gap_bytes: Option<i64>,
    /// `not paused`, `pause requested` or `paused` (`pg_wal_replay_pause()`).
    pub replay_pause_state: String,
    pub replay_paused: bool,
    pub last_replayed_commit: Option<DateTime<Utc>>,
    /// 0 when everything received is replayed, else the age of the last replayed commit.
    pub replay_delay_s: Option<f64>,
    pub last_msg_receipt_time: Option<DateTime<Utc>>,
    pub latest_end_lsn: Option<String>,
}

impl Receiver {
    fn from_row(r: &Row) -> Receiver {
        let host: Option<String> = r.get("sender_host");
        let port: Option<i32> = r.get("sender_port");
        let pause: String = r.get("replay_pause_state");
        let status: Option<String> = r.get("status");
        let pid: Option<i32> = r.get("receiver_pid");
        Receiver {
            status_hidden: pid.is_some() && status.is_none(),
            status,
            sender: host.map(|h| match port {
                Some(p) => format!("{h}:{p}"),
                None => h,
            }),
            slot_name: r.get("slot_name"),
            received_lsn: r.get("received_lsn"),
            replayed_lsn: r.get("replayed_lsn"),
            gap_bytes: r.get("gap_bytes"),
            replay_paused: pause != "not paused",
            replay_pause_state: pause,
            last_replayed_commit: r.get("last_replayed_commit"),
            replay_delay_s: r.get("replay_delay_s"),
            last_msg_receipt_time: r.get("last_msg_receipt_time"),
            latest_end_lsn: r.get("latest_end_lsn"),
        }
    }

    pub fn streaming(&self) -> bool {
        self.status.as_deref() == Some("streaming")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplicationReport {
    /// `primary` or `standby`.
    pub role: &'static str,
    pub server_version_num: i32,
    /// Superuser or pg_read_all_stats: the senders' and the receiver's details are visible.
    pub sees_details: bool,
    /// On a standby: its WAL receiver and replay.
    pub receiver: Option<Receiver>,
    /// WAL senders: standbys (of this primary, or cascading from this standby), base backups,
    /// subscribers.
    pub senders: Vec<Sender>,
    pub slots: Vec<Slot>,
    pub archiver: Archiver,
    /// Standbys that must stream (`--expect-standbys`); judged by the `standbys_streaming` check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_standbys: Option<u32>,
}

/// A second look after this long when a standby seems behind: WAL just received is replayed
/// within milliseconds, and an idle primary's standby must not show its last commit's age.
const SECOND_LOOK: Duration = Duration::from_millis(200);

/// Read the report (a handful of queries, none per object).
pub async fn read(client: &Client) -> Result<ReplicationReport> {
    let role = ServerRole::read(client).await?;
    let v = role.server_version_num;
    let lsn = if role.standby { STANDBY_LSN } else { PRIMARY_LSN };
    let senders_sql = SENDERS_SQL
        .replace("{lsn}", lsn)
        .replace("{reply_time}", if v >= 120000 { "r.reply_time" } else { "NULL::timestamptz" });
    let (wal_status, safe) = if v >= 130000 { ("s.wal_status", "s.safe_wal_size") } else { ("NULL", "NULL") };
    let (inactive, invalidation) = if v >= 170000 {
        ("s.inactive_since", "s.invalidation_reason")
    } else {
        ("NULL::timestamptz", "NULL")
    };
    let slots_sql = SLOTS_SQL
        .replace("{lsn}", lsn)
        .replace("{wal_status}", wal_status)
        .replace("{safe_wal_size}", safe)
        .replace("{inactive_since}", inactive)
        .replace("{invalidation}", invalidation);
    let pause = if v >= 140000 {
        "pg_get_wal_replay_pause_state()::text"
    } else {
        "CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END"
    };
    let receiver_sql = RECEIVER_SQL.replace("{pause}", pause);
    let receiver_once = || async {
        Ok::<_, anyhow::Error>(Receiver::from_row(
            &query(client, "the WAL receiver", &receiver_sql, &[]).await?[0],
        ))
    };
    // The senders, the slots, the receiver and the archiver do not depend on each other: sent
    // together, one round trip (a server far away paid one each).
    let (senders, slots, receiver, archiver) = futures_util::try_join!(
        query(client, "the WAL senders", &senders_sql, &[]),
        query(client, "the replication slots", &slots_sql, &[]),
        async {
            match role.standby {
                true => receiver_once().await.map(Some),
                false => Ok(None),
            }
        },
        Archiver::read(client),
    )?;
    let senders: Vec<Sender> = senders.iter().map(Sender::from_row).collect();
    let slots: Vec<Slot> = slots.iter().map(Slot::from_row).collect();
    let receiver = match receiver {
        Some(r) if r.gap_bytes.unwrap_or(0) > 0 && !r.replay_paused => {
            tokio::time::sleep(SECOND_LOOK).await;
            Some(receiver_once().await?)
        }
        r => r,
    };
    Ok(ReplicationReport {
        role: if role.standby { "standby" } else { "primary" },
        server_version_num: v,
        sees_details: role.sees_details,
        receiver,
        senders,
        slots,
        archiver,
        expected_standbys: None,
    })
}

/// `standbys_streaming` against `--expect-standbys N`: CRITICAL when fewer than N stream.
pub fn expected_standbys(streaming: i64, expected: u32) -> crate::output::check::Check {
    let t = crate::output::check::Threshold::below(None, Some(expected as f64));
    let mut c = crate::output::check::Check::measured(
        "standbys_streaming",
        streaming as f64,
        t,
        format!("{streaming} standby(s) streaming, {expected} expected (--expect-standbys)"),
    );
    if c.status == crate::output::check::Status::Critical {
        c.message = format!(
            "{streaming} standby(s) streaming, {expected} expected: a standby is down or not streaming"
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::check::Status;

    #[test]
    fn fewer_standbys_than_expected_is_critical() {
        assert_eq!(expected_standbys(0, 1).status, Status::Critical);
        assert_eq!(expected_standbys(1, 1).status, Status::Ok);
        assert_eq!(expected_standbys(2, 1).status, Status::Ok);
        assert_eq!(expected_standbys(1, 2).status, Status::Critical);
    }
}
