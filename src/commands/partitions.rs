//! `partitions`: the report (with `--check`), or `ensure`: create the next range partitions.

use anyhow::Result;

use crate::cli::{PartitionsAction, PartitionsArgs};
use crate::commands::Ctx;
use crate::maintenance::partitions::{self, ensure};

pub async fn run(ctx: &Ctx, a: PartitionsArgs) -> Result<u8> {
    match a.action {
        None => {
            let t = ctx.report_thresholds(partitions::CHECKS, &a.report)?;
            let filter = &a.filter;
            ctx.run_report(&a.report, &t, |db| async move {
                let client = db.get().await?;
                crate::reports::read_only(&client, || partitions::read(&client, filter, None)).await
            })
            .await
        }
        Some(PartitionsAction::Ensure(e)) => {
            let opts = ensure::EnsureOptions {
                tables: e.tables,
                ahead: e.ahead,
                interval: e.interval,
                name_pattern: e.name_pattern,
                time_zone: e.time_zone,
                dry_run: e.dry_run,
                lock_timeout: ctx.global.lock_timeout.unwrap_or(crate::maintenance::LOCK_TIMEOUT),
            };
            let db = ctx.connect_write("partitions ensure", None).await?;
            let r = ensure::ensure(&*db.dedicated().await?, &opts).await?;
            ctx.out.report(&r, None)
        }
    }
}
