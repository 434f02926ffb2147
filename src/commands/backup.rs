//! `backup create|list|verify|restore|prune`: flags → one core call in `admin::backup` → render.

use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::admin::backup::{self, prune, restore, store, verify};
use crate::cli::{
    BackupAction, BackupArgs, BackupCreateArgs, BackupDirArgs, BackupPruneArgs, BackupRestoreArgs,
    BackupVerifyArgs, JobsArgs,
};
use crate::commands::Ctx;
use crate::connect::{Db, Resolved, Source};
use crate::error::Exit;
use crate::output::cells;

pub async fn run(ctx: &Ctx, args: BackupArgs) -> Result<u8> {
    match args.action {
        BackupAction::Create(a) => create(ctx, a).await,
        BackupAction::List(a) => list(ctx, a),
        BackupAction::Verify(a) => verify(ctx, a).await,
        BackupAction::Restore(a) => restore(ctx, a).await,
        BackupAction::Prune(a) => prune(ctx, a).await,
    }
}

/// The backup folder: `--dir`, else `TOWOW_BACKUP_DIR`, else the default. The variable set to
/// the empty string is a mistake (a script's unset variable), not "the default": refused.
fn dir(a: &BackupDirArgs) -> Result<PathBuf> {
    if a.dir.is_none() && std::env::var_os(backup::DIR_ENV).is_some_and(|v| v.is_empty()) {
        return Err(crate::error::Usage(format!(
            "{} is set but empty: give the backup folder there (or with --dir), or unset it for the default",
            backup::DIR_ENV
        ))
        .into());
    }
    Ok(a.dir.clone().unwrap_or_else(backup::default_dir))
}

fn jobs(a: &JobsArgs) -> u32 {
    a.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(1))
}

fn ms(v: Option<u64>) -> String {
    cells::secs(v.map(|m| m as f64 / 1000.0))
}

async fn create(ctx: &Ctx, a: BackupCreateArgs) -> Result<u8> {
    let d = dir(&a.dir)?;
    let db = ctx.connect_session(super::NO_STATEMENT_TIMEOUT).await?;
    let opts = backup::CreateOptions {
        dir: d,
        jobs: jobs(&a.jobs),
        format: a.dump_format,
        progress: !ctx.global.quiet,
    };
    let m = backup::create(&db, &opts).await?;
    if ctx.out.is_json() {
        return ctx.out.json(&m).map(|_| 0);
    }
    ctx.out.table(
        &["table", "rows", "counted"],
        m.tables.iter().map(|t| {
            vec![
                t.qualified(),
                cells::opt(&t.rows),
                if t.exact { "exact".to_string() } else { "estimate".to_string() },
            ]
        }),
    )?;
    ctx.out.note(format!(
        "backup {} complete: {} {}, {}, {} ({} format, {}; pg_dump {}, {} {}) in {}",
        m.name,
        m.files.len(),
        if m.files.len() == 1 { "file" } else { "files" },
        cells::bytes(m.dump_bytes as i64),
        ms(Some(m.duration_ms)),
        m.dump_format.as_str(),
        m.compression.as_deref().unwrap_or("gzip"),
        m.pg_dump.major,
        m.jobs,
        if m.jobs == 1 { "job" } else { "jobs" },
        opts.dir.join(&m.name).display()
    ));
    Ok(0)
}

fn verified_cell(e: &store::Entry) -> String {
    match &e.last_verification {
        None => "no".into(),
        Some(v) if v.ok => format!("passed {}", v.at.format("%Y-%m-%d %H:%M")),
        Some(v) => format!("FAILED {}", v.at.format("%Y-%m-%d %H:%M")),
    }
}

fn list(ctx: &Ctx, a: BackupDirArgs) -> Result<u8> {
    let d = dir(&a)?;
    let entries = store::list(&d)?;
    if ctx.out.is_json() {
        return ctx.out.json(&serde_json::json!({ "dir": d, "backups": entries })).map(|_| 0);
    }
    if entries.is_empty() {
        ctx.out.note(format!("no backups in {}", d.display()));
        return Ok(0);
    }
    ctx.out.table(
        &["name", "time (UTC)", "format", "size", "duration", "state", "verified"],
        entries.iter().map(|e| {
            let state = match &e.problem {
                Some(p) => format!("{}: {p}", e.state),
                None => e.state.to_string(),
            };
            vec![
                e.name.clone(),
                e.time.format("%Y-%m-%d %H:%M:%S").to_string(),
                e.dump_format.map(|f| f.as_str()).unwrap_or("-").to_string(),
                cells::bytes(e.bytes as i64),
                ms(e.duration_ms),
                state,
                verified_cell(e),
            ]
        }),
    )?;
    Ok(0)
}

/// `--into`'s server, written to (a scratch database, a restore): its primary.
fn into_target(ctx: &Ctx, url: &str, what: &str) -> Result<crate::connect::ConnConfig> {
    let mut cfg = match crate::connect::resolve(Some(url), &ctx.env)? {
        Resolved::Conn(c) => *c,
        Resolved::Local => bail!("--into needs a connection URL"),
    };
    cfg.for_writes(what)?;
    Ok(cfg)
}

/// The server of the scratch database: `--into`, else the target's own server (never a server
/// started for the purpose: with neither, the target's policy says what to set).
async fn drill_target(ctx: &Ctx, into: Option<&str>) -> Result<crate::connect::ConnConfig> {
    Ok(match into {
        Some(url) => into_target(ctx, url, "backup verify --into")?,
        None => {
            let mut c = ctx.write_target("backup verify").await?;
            // The local cluster's maintenance database: the scratch database goes beside `towow`,
            // which need not exist yet.
            if c.source == Source::Local {
                c.dbname = Some("postgres".into());
            }
            c
        }
    })
}

async fn verify(ctx: &Ctx, a: BackupVerifyArgs) -> Result<u8> {
    let d = dir(&a.dir)?;
    let t = ctx.report_thresholds(verify::CHECKS, &a.report)?;
    let drill = a.name.is_some() || a.latest || !a.report.check;
    let mut failed = false;
    if drill {
        let r = async {
            let target = drill_target(ctx, a.into.as_deref()).await?;
            let entry = store::resolve(&d, a.name.as_deref())?;
            let what = if a.into.is_some() { "backup verify --into" } else { "backup verify" };
            let server = Db::connect(target, ctx.connect_options(super::NO_STATEMENT_TIMEOUT)?)
                .await
                .map_err(crate::commands::writes(what))?;
            verify::drill(&entry, &server, jobs(&a.jobs)).await
        }
        .await;
        let r = match r {
            Err(e) if a.report.check => {
                return ctx.finish_report::<verify::BackupHealth>(Err(e), &a.report, &t);
            }
            r => r?,
        };
        failed = !r.ok;
        render_drill(ctx, &r, a.report.check)?;
    }
    if a.report.check {
        return ctx.finish_report(verify::health(&d, &t), &a.report, &t);
    }
    if failed { Err(Exit(1).into()) } else { Ok(0) }
}

fn render_drill(ctx: &Ctx, r: &verify::DrillReport, check: bool) -> Result<()> {
    if ctx.out.is_json() {
        // Under --check stdout holds the checks' JSON only.
        return if check { Ok(()) } else { ctx.out.json(r) };
    }
    if !r.tables.is_empty() {
        ctx.out.table(
            &["table", "manifest", "restored", "ok"],
            r.tables.iter().map(|c| {
                vec![
                    c.table.clone(),
                    format!("{}{}", cells::opt(&c.expected), if c.exact { "" } else { " (estimate)" }),
                    if c.present { cells::opt(&c.found) } else { "missing".into() },
                    cells::yes(c.ok),
                ]
            }),
        )?;
    }
    if r.ok {
        ctx.out.note(format!(
            "restore drill of {} passed: {} files match their checksums, restored in {} into a scratch database on {} (dropped), {}, schema as at backup time",
            r.backup,
            r.files_checked,
            ms(r.restore_ms),
            r.into,
            counts_compared(&r.tables)
        ));
    } else {
        ctx.out.error(format!("restore drill of {} FAILED:\n  {}", r.backup, r.problems.join("\n  ")));
    }
    Ok(())
}

async fn restore(ctx: &Ctx, a: BackupRestoreArgs) -> Result<u8> {
    let d = dir(&a.dir)?;
    let entry = store::resolve(&d, Some(&a.name))?;
    let cfg = into_target(ctx, &a.into, "backup restore")?;
    let target = Db::new(cfg, ctx.connect_options(super::NO_STATEMENT_TIMEOUT)?)?;
    let jobs = jobs(&a.jobs);
    let plan = restore::plan(&entry, &target, jobs as usize).await?;
    if !plan.conflicts.is_empty() && a.clean {
        ctx.out.note(format!(
            "database \"{}\" ({}) already holds, and --clean drops and replaces:\n  {}",
            plan.database,
            target.cfg,
            plan.conflicts.join("\n  ")
        ));
        crate::output::confirm::confirm_typed(
            &format!(
                "replace these tables in database \"{}\" with backup {}",
                plan.database, plan.backup.name
            ),
            &plan.database,
            a.confirm.yes,
        )
        .await?;
    }
    let o = restore::RestoreOptions {
        jobs,
        clean: a.clean,
        no_owner: a.no_owner,
        no_privileges: a.no_privileges,
    };
    let r = restore::restore(plan, &target, o).await?;
    if ctx.out.is_json() {
        return ctx.out.json(&r).map(|_| 0);
    }
    ctx.out.note(format!(
        "restored backup {} into database \"{}\" ({}) in {}: {}",
        r.backup,
        r.database,
        r.target,
        ms(Some(r.restore_ms)),
        counts_compared(&r.tables)
    ));
    Ok(0)
}

/// What a restore compared: every table's row count, or (an older backup's manifest, which
/// holds estimates for tables that were not ToWow's) only some of them, said as such.
fn counts_compared(tables: &[restore::TableCheck]) -> String {
    let compared = restore::compared(tables);
    let mut s = format!(
        "{compared} tables compared, every row count as in the manifest{}",
        if compared == tables.len() { "" } else { " for those" }
    );
    if compared < tables.len() {
        s.push_str(&format!(
            "; {} not compared (the manifest of a backup made by an older towow-db holds estimates for them)",
            tables.len() - compared
        ));
    }
    s
}

async fn prune(ctx: &Ctx, a: BackupPruneArgs) -> Result<u8> {
    let d = dir(&a.dir)?;
    let policy = prune::Policy { keep_days: a.keep_days, keep_last: a.keep_last };
    let (entries, decisions) = prune::plan(&d, policy)?;
    let doomed: Vec<&prune::Decision> = decisions.iter().filter(|x| x.delete).collect();
    let freed: u64 = doomed.iter().map(|x| x.bytes).sum();
    if !ctx.out.is_json() {
        ctx.out.table(
            &["name", "time (UTC)", "state", "size", "action", "why"],
            decisions.iter().map(|x| {
                vec![
                    x.name.clone(),
                    x.time.format("%Y-%m-%d %H:%M:%S").to_string(),
                    x.state.to_string(),
                    cells::bytes(x.bytes as i64),
                    if x.delete { "delete".into() } else { "keep".to_string() },
                    x.reason.clone(),
                ]
            }),
        )?;
    }
    let json = |deleted: bool| {
        ctx.out.json(&serde_json::json!({
            "dir": d, "dry_run": a.dry_run, "deleted": deleted, "freed_bytes": freed, "backups": decisions,
        }))
    };
    if a.dry_run || doomed.is_empty() {
        if ctx.out.is_json() {
            json(false)?;
        }
        ctx.out.note(if doomed.is_empty() {
            "nothing to delete".to_string()
        } else {
            format!(
                "dry run: would delete {} backup(s), {}; nothing was deleted",
                doomed.len(),
                cells::bytes(freed as i64)
            )
        });
        return Ok(0);
    }
    crate::output::confirm::confirm_typed(
        &format!("delete {} backup(s) ({}) from {}", doomed.len(), cells::bytes(freed as i64), d.display()),
        "prune",
        a.confirm.yes,
    )
    .await?;
    prune::apply(&entries, &decisions)?;
    if ctx.out.is_json() {
        json(true)?;
    }
    ctx.out.note(format!("deleted {} backup(s), {}", doomed.len(), cells::bytes(freed as i64)));
    Ok(0)
}
