//! `replication`: standbys, slots, the archiver; on a standby, its receiver and replay.

use anyhow::Result;

use crate::cli::ReplicationArgs;
use crate::commands::Ctx;
use crate::reports::replication;

pub async fn run(ctx: &Ctx, a: ReplicationArgs) -> Result<u8> {
    let t = ctx.report_thresholds(replication::CHECKS, &a.report)?;
    ctx.run_report(&a.report, &t, |db| async move {
        let client = db.get().await?;
        crate::reports::read_only(&client, || replication::read(&client)).await
    })
    .await
}
