use std::time::Duration;

use anyhow::Result;

use crate::cli::{MigrateAction, MigrateArgs, MigrateDownArgs, MigrateUpArgs};
use crate::commands::Ctx;
use crate::migrate::{self, DownReport, UpReport};

/// Migrations may build indexes on large tables: no statement timeout unless asked for.
pub const MIGRATE_STATEMENT_TIMEOUT: Option<Duration> = Some(Duration::ZERO);

pub async fn run(ctx: &Ctx, args: MigrateArgs) -> Result<u8> {
    match args.action {
        None => up(ctx, args.up).await,
        Some(MigrateAction::Up(a)) => up(ctx, a).await,
        Some(MigrateAction::Status) => status(ctx).await,
        Some(MigrateAction::Verify(a)) => verify(ctx, a.fail_on_pending).await,
        Some(MigrateAction::Down(a)) => down(ctx, a).await,
    }
}

async fn up(ctx: &Ctx, a: MigrateUpArgs) -> Result<u8> {
    let db = ctx.connect_session(MIGRATE_STATEMENT_TIMEOUT).await?;
    let report = migrate::up(&db, a.target, a.dry_run, a.lock.lock_wait).await?;
    render_up(ctx, &report)?;
    Ok(0)
}

pub fn render_up(ctx: &Ctx, r: &UpReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    if r.dry_run {
        if r.sql.is_empty() {
            ctx.out.note("dry run: nothing to apply");
        }
        for p in &r.sql {
            ctx.out.line(format!(
                "-- V{}__{} ({})\n{}",
                p.version,
                p.name,
                if p.no_transaction {
                    "outside a transaction, statement by statement"
                } else {
                    "in one transaction"
                },
                p.sql.trim_end()
            ))?;
        }
        return Ok(());
    }
    if r.applied.is_empty() {
        ctx.out.note(format!(
            "schema is up to date (version {})",
            r.current_version.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
        ));
    } else {
        for s in &r.applied {
            ctx.out.note(format!("applied V{}__{} ({} ms)", s.version, s.name, s.millis));
        }
        ctx.out.note(format!(
            "schema at version {}",
            r.current_version.map(|v| v.to_string()).unwrap_or_default()
        ));
    }
    Ok(())
}

async fn status(ctx: &Ctx) -> Result<u8> {
    let db = ctx.connect(None).await?;
    let client = db.get().await?;
    // The same checks as `verify`, so that status also says when the schema was changed by hand.
    let r = migrate::verify(&client, false).await?;
    if ctx.out.is_json() {
        ctx.out.json(&serde_json::json!({
            "migrations": r.migrations,
            "problems": r.problems,
            "drift": r.drift,
        }))?;
    } else {
        ctx.out.table(
            &["version", "name", "state", "applied on", "transaction", "down script"],
            r.migrations.iter().map(|m| {
                vec![
                    m.version.to_string(),
                    m.name.clone(),
                    m.state.as_str().to_string(),
                    m.applied_on.clone().unwrap_or_default(),
                    if m.no_transaction { "no".into() } else { "yes".to_string() },
                    if m.has_down { "yes".into() } else { "no".to_string() },
                ]
            }),
        )?;
        for p in &r.problems {
            ctx.out.note(format!("warning: {p}"));
        }
        for d in &r.drift {
            ctx.out.note(format!("warning: {}: {}", d.object, d.problem));
        }
    }
    Ok(0)
}

async fn verify(ctx: &Ctx, fail_on_pending: bool) -> Result<u8> {
    let db = ctx.connect(None).await?;
    let client = db.get().await?;
    let r = migrate::verify(&client, fail_on_pending).await?;
    if ctx.out.is_json() {
        ctx.out.json(&r)?;
    } else {
        for p in &r.problems {
            ctx.out.line(format!("MISMATCH {p}"))?;
        }
        for d in &r.drift {
            ctx.out.line(format!("DRIFT    {}: {}", d.object, d.problem))?;
        }
        if r.ok {
            let applied = r.migrations.iter().filter(|m| m.state == migrate::State::Applied).count();
            ctx.out.line(format!(
                "OK: {applied} applied migration(s) match the shipped files and the ToWow tables match them{}",
                if r.pending.is_empty() {
                    String::new()
                } else {
                    format!(" ({} pending)", r.pending.len())
                }
            ))?;
        }
    }
    Ok(if r.ok { 0 } else { 1 })
}

async fn down(ctx: &Ctx, a: MigrateDownArgs) -> Result<u8> {
    let db = ctx.connect_session(MIGRATE_STATEMENT_TIMEOUT).await?;
    // What a person confirmed on the terminal must be what is rolled back (checked again under
    // the lock); with --yes, the plan is made under the lock, as asked (`--steps`/`--target`).
    let mut confirmed: Option<Vec<i32>> = None;
    if !a.dry_run {
        let plan = migrate::down_preview(&db, a.steps, a.target).await?;
        if plan.is_empty() {
            ctx.out.note("nothing to roll back");
            return Ok(0);
        }
        let list = plan.iter().map(|(v, n)| format!("V{v}__{n}")).collect::<Vec<_>>().join(", ");
        crate::output::confirm::confirm_typed(
            &format!(
                "roll back {list} on database \"{}\" (this can drop tables and their data)",
                db.cfg.dbname_or_default()
            ),
            &db.cfg.dbname_or_default(),
            a.confirm.yes,
        )?;
        if !a.confirm.yes {
            confirmed = Some(plan.iter().map(|(v, _)| *v).collect());
        }
    }
    let r = migrate::down(&db, a.steps, a.target, a.dry_run, a.lock.lock_wait, confirmed.as_deref()).await?;
    render_down(ctx, &r)?;
    Ok(0)
}

fn render_down(ctx: &Ctx, r: &DownReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    if r.dry_run {
        if r.sql.is_empty() {
            ctx.out.note("dry run: nothing to roll back");
        }
        for p in &r.sql {
            ctx.out.line(format!("-- roll back V{}__{}\n{}", p.version, p.name, p.sql.trim_end()))?;
        }
        return Ok(());
    }
    for s in &r.rolled_back {
        ctx.out.note(format!("rolled back V{}__{} ({} ms)", s.version, s.name, s.millis));
    }
    ctx.out.note(format!(
        "schema at version {}",
        r.current_version.map(|v| v.to_string()).unwrap_or_else(|| "none".into())
    ));
    Ok(())
}
