//! `snapshot`: one reading of the statistics into the history store, for one target or a fleet.

use anyhow::Result;

use crate::cli::{ReportArgs, SnapshotArgs};
use crate::commands::Ctx;
use crate::connect::Db;
use crate::output::check::Thresholds;
use crate::reports::history;

pub async fn run(ctx: &Ctx, a: SnapshotArgs) -> Result<u8> {
    let store = ctx.history_store().await?;
    let store = store.as_ref();
    let keep = a.keep;
    ctx.run_report(&ReportArgs::default(), &Thresholds::new(&[]), |db: Db| async move {
        history::snapshot(&db, store, keep).await
    })
    .await
}
