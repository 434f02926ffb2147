//! `indexes`: usage, unused, duplicate and invalid indexes, sequentially scanned tables.

use anyhow::Result;

use crate::cli::IndexesArgs;
use crate::commands::Ctx;
use crate::reports::indexes;

pub async fn run(ctx: &Ctx, a: IndexesArgs) -> Result<u8> {
    let t = ctx.report_thresholds(indexes::CHECKS, &a.report)?;
    let opts = indexes::IndexOptions {
        filter: a.filter,
        unused_min_bytes: a.unused_min_size,
        min_seq_scans: a.min_seq_scans,
        min_rows: a.min_rows,
    };
    let opts = &opts;
    ctx.run_report(&a.report, &t, |db| async move { indexes::report(&db, opts).await }).await
}
