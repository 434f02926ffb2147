//! `sizes`: database, table, index and TOAST sizes.

use anyhow::Result;

use crate::cli::SizesArgs;
use crate::commands::Ctx;
use crate::reports::sizes;

pub async fn run(ctx: &Ctx, a: SizesArgs) -> Result<u8> {
    let t = ctx.report_thresholds(sizes::CHECKS, &a.report)?;
    let filter = a.filter;
    let r = async { sizes::report(&ctx.connect_report().await?, &filter, a.limit).await }.await;
    ctx.finish_report(r, &a.report, &t)
}
