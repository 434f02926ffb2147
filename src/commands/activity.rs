//! `activity`: current sessions.

use anyhow::Result;

use crate::cli::ActivityArgs;
use crate::commands::Ctx;
use crate::reports::activity;

pub async fn run(ctx: &Ctx, a: ActivityArgs) -> Result<u8> {
    let t = ctx.report_thresholds(activity::CHECKS, &a.report)?;
    let opts = activity::ActivityOptions {
        all_backends: a.all,
        running_only: a.running,
        min_duration_s: a.longer_than.map(|d| d.as_secs_f64()),
    };
    let opts = &opts;
    ctx.run_report(&a.report, &t, |db| async move { activity::report(&db, opts).await }).await
}
