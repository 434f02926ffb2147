//! `backup verify`: the restore drill (checksums, a restore into a scratch database, row counts and
//! `migrate verify` on the result, the outcome recorded in the manifest, the scratch database
//! dropped), and the monitoring checks over the backup folder (`--check`).

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::create::verify_lines;
use super::manifest::Verification;
use super::restore::{self, TableCheck};
use super::store::{self, Entry};
use super::tools::ChildConn;
use crate::connect::Db;
use crate::error::PgContext;
use crate::migrate;
use crate::migrate::throwaway::{Kind, Throwaway};
use crate::output::check::{Check, Status, Threshold, Thresholds};
use crate::output::report::{Report, Section};
use crate::sql::quote_literal;
use tokio_postgres::error::SqlState;

/// The outcome of one drill.
#[derive(Debug, Clone, Serialize)]
pub struct DrillReport {
    pub backup: String,
    pub ok: bool,
    pub checksums_ok: bool,
    pub files_checked: usize,
    /// The server of the scratch database (no password).
    pub into: String,
    pub scratch_database: Option<String>,
    pub restore_ms: Option<u64>,
    pub tables: Vec<TableCheck>,
    /// Whether `migrate verify` on the restored database found what it found at backup time.
    pub schema_ok: Option<bool>,
    /// Everything that differs, one line each.
    pub problems: Vec<String>,
}

/// Run the drill of `entry` on the server of `server` (a maintenance connection on which the scratch
/// database is created), with `jobs` parallel restore jobs. The outcome is recorded in the
/// manifest; a drill that finds differences is `Ok` with `ok: false`.
pub async fn drill(entry: &Entry, server: &Db, jobs: u32) -> Result<DrillReport> {
    let into = server.cfg.describe();
    let mut report = DrillReport {
        backup: entry.name.clone(),
        ok: false,
        checksums_ok: false,
        files_checked: 0,
        into: into.clone(),
        scratch_database: None,
        restore_ms: None,
        tables: Vec::new(),
        schema_ok: None,
        problems: Vec::new(),
    };
    let checked = match restore::checksums(entry, jobs.max(1) as usize).await? {
        Ok(c) => c,
        Err(problems) => {
            report.problems = problems;
            record(entry, &report)?;
            return Ok(report);
        }
    };
    report.checksums_ok = true;
    report.files_checked = checked.files_checked;
    let m = &checked.manifest;
    let bindir = restore::tools_for(m).await?;
    let admin = server.get().await?;
    restore::check_target_server(&admin, m).await?;
    let tail: String = entry.name.chars().filter(|c| c.is_ascii_alphanumeric()).take(24).collect();
    let options = format!(
        "TEMPLATE template0 ENCODING {} LC_COLLATE 'C' LC_CTYPE 'C'",
        quote_literal(&m.server.encoding)
    );
    let scratch = match Throwaway::create(server, &admin, Kind::Drill, &tail, &options).await {
        Ok(s) => s,
        // The server cannot have it (no CREATEDB, a standby): say where it could go instead; no
        // server is started for it.
        Err(e) if matches!(e.code(), Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE || *c == SqlState::READ_ONLY_SQL_TRANSACTION) =>
        {
            return Err(crate::error::Usage(format!(
                "cannot create the drill's scratch database on {}: {}; grant the role CREATEDB, or give --into URL (a server where the URL's role may create a database)",
                server.cfg.describe(),
                crate::error::pg_message(&e)
            ))
            .into());
        }
        Err(e) => return Err(e).pg_context("cannot create the scratch database for the drill"),
    };
    report.scratch_database = Some(scratch.name.clone());
    let outcome = restore_and_compare(&checked, &bindir, server, &scratch.name, jobs, &mut report).await;
    // Always drop the scratch database, whatever happened (after Ctrl-C too, see `throwaway`).
    let name = scratch.name.clone();
    let dropped = scratch.drop_now(&admin).await;
    outcome?;
    if let Err(e) = dropped {
        tracing::warn!("cannot drop the scratch database \"{name}\": {}", crate::error::pg_message(&e));
    }
    report.ok = report.problems.is_empty();
    record(entry, &report)?;
    Ok(report)
}

async fn restore_and_compare(
    checked: &restore::Checked,
    bindir: &crate::admin::pgbin::Bindir,
    server: &Db,
    scratch: &str,
    jobs: u32,
    report: &mut DrillReport,
) -> Result<()> {
    let conn = ChildConn::new(&server.cfg, bindir.major)?.with_dbname(scratch);
    let args = ["--no-owner", "--no-privileges"];
    match restore::pg_restore(bindir, &conn, scratch, checked, jobs, &args).await {
        Ok(took) => report.restore_ms = Some(took.as_millis() as u64),
        Err(e) if e.downcast_ref::<super::tools::ToolFailed>().is_some() => {
            report.problems.push(crate::error::render(&e));
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    let db = server.with_dbname(scratch)?;
    let client = db.get().await?;
    report.tables = restore::compare_tables(&client, &checked.manifest).await?;
    report.problems.extend(restore::table_problems(&report.tables));
    drop(client);
    let before = &checked.manifest.migrations.differences;
    // Where the backup's schema was as its migrations made it, the restored one's history
    // fingerprint says in milliseconds whether it still is (a full verify builds a shadow
    // database); a backup that recorded differences is compared line by line with a full one.
    let quick = match before.is_empty() {
        true => super::create::quick_verify(&db).await?,
        false => None,
    };
    let lines = match quick {
        Some((_, differences)) => differences,
        None => verify_lines(&serde_json::to_value(migrate::verify(&db, false, None, false).await?)?),
    };
    // The lines name the database: the scratch one here, the backed-up one in the manifest.
    let (here, there) = (format!("\"{scratch}\""), format!("\"{}\"", checked.manifest.database));
    let now: Vec<String> = lines.into_iter().map(|l| l.replace(&here, &there)).collect();
    let new: Vec<&String> = now.iter().filter(|l| !before.contains(l)).collect();
    report.schema_ok = Some(new.is_empty());
    report
        .problems
        .extend(new.into_iter().map(|l| format!("schema of the restored database (migrate verify): {l}")));
    Ok(())
}

fn record(entry: &Entry, r: &DrillReport) -> Result<()> {
    store::record(
        &entry.path,
        Verification {
            at: Utc::now(),
            ok: r.problems.is_empty() && r.checksums_ok,
            checksums_ok: r.checksums_ok,
            restore_ms: r.restore_ms,
            into: r.into.clone(),
            problems: r.problems.clone(),
        },
    )?;
    Ok(())
}

/// The checks of `backup verify --check`, with their defaults.
pub const CHECKS: &[(&str, Threshold, &str)] = &[
    (
        "verified_backup_age_s",
        Threshold::above(Some(8.0 * 86400.0), Some(15.0 * 86400.0)),
        "age of the newest backup whose last restore drill passed, seconds",
    ),
    (
        "last_drill_failed",
        Threshold::above(None, Some(0.0)),
        "1 when the most recent restore drill of any backup failed",
    ),
];

/// The backup folder judged for monitoring: is there a recent backup proven restorable?
#[derive(Debug, Clone, Serialize)]
pub struct BackupHealth {
    pub dir: String,
    pub newest_verified: Option<String>,
    pub last_drill: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub checks: Vec<Check>,
}

/// Judge the backups of `dir` (no drill is run).
pub fn health(dir: &Path, t: &Thresholds) -> Result<BackupHealth> {
    let entries = store::list(dir)?;
    let newest = entries.iter().rev().find(|e| e.verified_ok());
    let mut checks = Vec::new();
    checks.push(match newest {
        Some(e) => {
            let at = e.last_verification.as_ref().map(|v| v.at).unwrap_or(e.time);
            Check::measured(
                "verified_backup_age_s",
                (Utc::now() - e.time).num_seconds().max(0) as f64,
                t.get("verified_backup_age_s"),
                format!("{} (taken {}, drill passed {})", e.name, e.time.to_rfc3339(), at.to_rfc3339()),
            )
        }
        None => Check {
            name: "verified_backup_age_s".into(),
            status: Status::Critical,
            value: None,
            threshold: Some(t.get("verified_backup_age_s")),
            message: format!(
                "no backup in {} has passed a restore drill (`towow-db backup verify --latest`)",
                dir.display()
            ),
        },
    });
    let last =
        entries.iter().filter_map(|e| e.last_verification.as_ref().map(|v| (e, v))).max_by_key(|(_, v)| v.at);
    checks.push(match last {
        Some((e, v)) => Check::measured(
            "last_drill_failed",
            if v.ok { 0.0 } else { 1.0 },
            t.get("last_drill_failed"),
            if v.ok {
                format!("{} restored on {}", e.name, v.at.to_rfc3339())
            } else {
                format!("{} failed on {}: {}", e.name, v.at.to_rfc3339(), v.problems.join("; "))
            },
        ),
        None => Check::not_applicable("last_drill_failed", Some(t.get("last_drill_failed")), "no drill yet"),
    });
    Ok(BackupHealth {
        dir: dir.display().to_string(),
        newest_verified: newest.map(|e| e.name.clone()),
        last_drill: last.map(|(_, v)| v.at),
        checks,
    })
}

/// Rendered by the generic check table of `output` (JSON: `check: {status, checks}`).
impl Report for BackupHealth {
    fn sections(&self) -> Vec<Section> {
        let newest = self.newest_verified.as_deref().unwrap_or("none");
        vec![Section {
            title: format!("Backups in {} (newest verified: {newest})", self.dir),
            ..Section::default()
        }]
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        self.checks.clone()
    }
}
