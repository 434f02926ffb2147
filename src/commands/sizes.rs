//! `sizes`: database, table, index and TOAST sizes.

use anyhow::Result;

use crate::cli::SizesArgs;
use crate::commands::Ctx;
use crate::reports::history::growth;
use crate::reports::sizes;

pub async fn run(ctx: &Ctx, a: SizesArgs) -> Result<u8> {
    let t = ctx.report_thresholds(sizes::CHECKS, &a.report)?;
    if a.growth {
        let store = ctx.history_store().await?;
        let store = store.as_ref();
        let (since, limit) = (a.since, a.limit);
        return ctx
            .run_report(&a.report, &t, |db| async move { growth::report(&db, store, since, limit).await })
            .await;
    }
    let (filter, limit) = (&a.filter, a.limit);
    ctx.run_report(&a.report, &t, |db| async move { sizes::report(&db, filter, limit).await }).await
}
