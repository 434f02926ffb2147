//! `replication`: standbys, slots, the archiver; on a standby, its receiver and replay.

use anyhow::Result;

use crate::cli::ReplicationArgs;
use crate::commands::Ctx;
use crate::reports::replication;

pub async fn run(ctx: &Ctx, a: ReplicationArgs) -> Result<u8> {
    let t = ctx.report_thresholds(replication::CHECKS, &a.report)?;
    let expect = a.expect_standbys;
    ctx.run_report(&a.report, &t, |db| async move {
        let client = db.get().await?;
        let mut r = crate::reports::read_only(&client, || replication::read(&client)).await?;
        r.expected_standbys = expect.or_else(|| ctx.target_expect_standbys(&db.cfg));
        Ok(r)
    })
    .await
}
