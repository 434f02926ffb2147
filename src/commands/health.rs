//! `health`: the alert table as checks.

use anyhow::Result;

use crate::cli::HealthArgs;
use crate::commands::Ctx;
use crate::reports::health;

pub async fn run(ctx: &Ctx, a: HealthArgs) -> Result<u8> {
    let t = ctx.report_thresholds(&health::all_checks(), &a.report)?;
    let r = async { health::report(&ctx.connect_report().await?, &t).await }.await;
    ctx.finish_report(r, &a.report, &t)
}
