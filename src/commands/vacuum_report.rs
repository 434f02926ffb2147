//! `vacuum-report`: what autovacuum will do and why; `--execute` vacuums the due tables.

use anyhow::Result;

use crate::cli::VacuumReportArgs;
use crate::commands::Ctx;
use crate::reports::vacuum;

pub async fn run(ctx: &Ctx, a: VacuumReportArgs) -> Result<u8> {
    let t = ctx.report_thresholds(vacuum::CHECKS, &a.report)?;
    let opts = vacuum::VacuumOptions {
        filter: a.filter,
        min_dead_tuples: a.min_dead_tuples,
        due_only: a.due,
        bloat: a.bloat,
        exact: a.exact,
    };
    if !a.execute {
        let opts = &opts;
        return ctx.run_report(&a.report, &t, |db| async move { vacuum::report(&db, opts).await }).await;
    }
    let db = match ctx.connect_write("vacuum-report --execute", super::REPORT_STATEMENT_TIMEOUT).await {
        Ok(db) => db,
        Err(e) => return ctx.finish_report(Err::<vacuum::VacuumReport, _>(e), &a.report, &t),
    };
    let mut r = match vacuum::report(&db, &opts).await {
        Ok(r) => r,
        Err(e) => return ctx.finish_report(Err::<vacuum::VacuumReport, _>(e), &a.report, &t),
    };
    let mut failed = false;
    let plan = vacuum::plan(&r, a.full);
    if plan.is_empty() {
        ctx.out.note("--execute: no table is due for vacuum or analyze; nothing to do");
    } else {
        let name = db.cfg.dbname_or_default();
        let list = plan.iter().map(|(.., cmd)| format!("  {cmd}")).collect::<Vec<_>>().join("\n");
        ctx.out.note(format!("due tables in database \"{name}\":\n{list}"));
        crate::output::confirm::confirm_typed(
            &format!("run these {} command(s) on database \"{name}\"", plan.len()),
            &name,
            a.confirm.yes,
        )
        .await?;
        let n = plan.len();
        let out = &ctx.out;
        let done =
            vacuum::execute(&db, &plan, ctx.statement_timeout(super::NO_STATEMENT_TIMEOUT), |i, cmd, res| {
                match res {
                    None => out.note(format!("[{}/{n}] {cmd} …", i + 1)),
                    Some(e) if e.ok => out.note(format!("[{}/{n}] done in {} ms", i + 1, e.millis)),
                    Some(e) => {
                        out.note(format!("[{}/{n}] FAILED: {}", i + 1, e.error.clone().unwrap_or_default()))
                    }
                }
            })
            .await?;
        failed = done.iter().any(|e| !e.ok);
        r.executed = Some(done);
    }
    let code = ctx.out.report(&r, a.report.check.then_some(&t))?;
    Ok(if failed && code == 0 { 1 } else { code })
}
