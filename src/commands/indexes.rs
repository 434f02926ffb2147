//! `indexes`: usage, unused, duplicate and invalid indexes, sequentially scanned tables;
//! `--rebuild`: REINDEX CONCURRENTLY the invalid and bloated ones (asks first).

use anyhow::Result;

use crate::cli::IndexesArgs;
use crate::commands::Ctx;
use crate::maintenance::reindex;
use crate::reports::indexes;

pub async fn run(ctx: &Ctx, a: IndexesArgs) -> Result<u8> {
    if a.rebuild.rebuild {
        return rebuild(ctx, a).await;
    }
    let t = ctx.report_thresholds(indexes::CHECKS, &a.report)?;
    let opts = indexes::IndexOptions {
        filter: a.filter,
        unused_min_bytes: a.unused_min_size,
        min_seq_scans: a.min_seq_scans,
        min_rows: a.min_rows,
        exact: a.exact,
        bloat: a.bloat,
    };
    let opts = &opts;
    ctx.run_report(&a.report, &t, |db| async move { indexes::report(&db, opts).await }).await
}

async fn rebuild(ctx: &Ctx, a: IndexesArgs) -> Result<u8> {
    let opts = reindex::RebuildOptions {
        filter: a.filter,
        index: a.rebuild.index,
        bloat_pct: a.rebuild.bloat_threshold,
        min_bytes: a.rebuild.rebuild_min_size,
        progress: !ctx.out.quiet,
    };
    let db = ctx.connect_maintenance("indexes --rebuild").await?;
    let plan = reindex::plan(&db, &opts).await?;
    if a.rebuild.dry_run || (plan.indexes.is_empty() && plan.leftovers.is_empty()) {
        return ctx.out.report(&plan, None);
    }
    let name = db.cfg.dbname_or_default();
    crate::output::confirm::confirm_typed(
        &format!(
            "rebuild {} and drop {} concurrently in database \"{name}\"",
            crate::output::cells::plural(plan.indexes.len() as i64, "index", "indexes"),
            crate::output::cells::plural(plan.leftovers.len() as i64, "leftover index", "leftover indexes"),
        ),
        &name,
        a.rebuild.confirm.yes,
    )
    .await?;
    let out = ctx.out.clone();
    let r = reindex::run(&db, plan, &opts, &|s| out.note(s)).await?;
    ctx.out.report(&r, None)?;
    Ok(if r.ok() { 0 } else { 1 })
}
