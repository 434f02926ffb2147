//! `slow-query`: the heaviest statements (pg_stat_statements), `--running` for those running now,
//! `--reset` to clear this database's statistics.

use anyhow::Result;

use crate::cli::SlowQueryArgs;
use crate::commands::Ctx;
use crate::reports::history::interval;
use crate::reports::{activity, slow};

pub async fn run(ctx: &Ctx, a: SlowQueryArgs) -> Result<u8> {
    if a.running {
        let t = ctx.report_thresholds(activity::CHECKS, &a.report)?;
        let opts = activity::ActivityOptions {
            all_backends: false,
            running_only: true,
            min_duration_s: Some(a.longer_than.as_secs_f64()),
        };
        let opts = &opts;
        return ctx.run_report(&a.report, &t, |db| async move { activity::report(&db, opts).await }).await;
    }
    let t = ctx.report_thresholds(slow::CHECKS, &a.report)?;
    if a.reset {
        let db = ctx.connect_write("slow-query --reset", super::REPORT_STATEMENT_TIMEOUT).await?;
        let name = db.cfg.dbname_or_default();
        crate::output::confirm::confirm_typed(
            &format!("clear the pg_stat_statements statistics of database \"{name}\""),
            &name,
            a.confirm.yes,
        )
        .await?;
        slow::reset(&db).await?;
        ctx.out.note(format!("pg_stat_statements statistics of database \"{name}\" cleared"));
        return Ok(0);
    }
    if a.since.is_some() || a.between.is_some() {
        let (from, to) = match (&a.since, &a.between) {
            (_, Some(b)) => (b[0], Some(b[1])),
            (Some(d), None) => (crate::units::ago(chrono::Utc::now(), *d), None),
            (None, None) => unreachable!("checked above"),
        };
        if to.is_some_and(|t| t <= from) {
            return Err(crate::error::Usage("--between T1 T2: T2 must be after T1".into()).into());
        }
        let store = ctx.history_store().await?;
        let store = store.as_ref();
        let (sort, limit) = (a.sort, a.limit.max(0) as usize);
        return ctx
            .run_report(&a.report, &t, |db| async move {
                interval::report(&db, store, from, to, sort, limit).await
            })
            .await;
    }
    let opts = slow::SlowOptions {
        sort: a.sort,
        limit: a.limit,
        min_calls: a.min_calls,
        min_mean_ms: a.min_mean_ms,
    };
    let opts = &opts;
    ctx.run_report(&a.report, &t, |db| async move { slow::report(&db, opts).await }).await
}
