//! `health`: the alert table as checks.

use anyhow::Result;

use crate::cli::HealthArgs;
use crate::commands::Ctx;
use crate::reports::health;

pub async fn run(ctx: &Ctx, a: HealthArgs) -> Result<u8> {
    let t = ctx.report_thresholds(&health::all_checks(), &a.report)?;
    let t = &t;
    ctx.run_report(&a.report, t, |db| async move { health::report(&db, t).await }).await
}
