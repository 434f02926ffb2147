//! `advise`: index advice for the heaviest statements, proven with hypopg; `--create` builds it
//! (asks first) and measures the statements before and after.

use anyhow::{Result, anyhow};

use crate::cli::AdviseArgs;
use crate::commands::Ctx;
use crate::maintenance::advise::{CreateOptions, create};
use crate::reports::advise::{AdviseOptions, advise};
use crate::reports::slow::SlowOptions;

pub async fn run(ctx: &Ctx, a: AdviseArgs) -> Result<u8> {
    let opts = AdviseOptions {
        ranking: SlowOptions {
            sort: a.sort,
            limit: a.limit,
            min_calls: a.min_calls,
            min_mean_ms: a.min_mean_ms,
        },
        filter: a.filter,
        min_speedup: a.min_speedup,
        max_columns: a.max_columns as usize,
    };
    if !a.create.create {
        let db = ctx.connect_report().await?;
        return ctx.out.report(&advise(&db, &opts).await?, None);
    }
    let db = ctx.connect_maintenance("advise --create").await?;
    let advice = advise(&db, &opts).await?;
    if !advice.proven {
        let why = advice.hypopg.remedy.clone().unwrap_or_default();
        return Err(anyhow!("nothing is proven, so nothing is created: {why}"));
    }
    if advice.indexes.is_empty() {
        return ctx.out.report(&advice, None);
    }
    let name = db.cfg.dbname_or_default();
    let what = format!(
        "create {} concurrently in database \"{name}\"{}",
        crate::output::cells::plural(advice.indexes.len() as i64, "index", "indexes"),
        if a.create.drop_unhelpful { " (and drop those that do not help as predicted)" } else { "" }
    );
    crate::output::confirm::confirm_typed(&what, &name, a.create.confirm.yes).await?;
    let copts = CreateOptions {
        runs: a.create.runs,
        drop_unhelpful: a.create.drop_unhelpful,
        progress: !ctx.out.quiet,
    };
    let out = ctx.out.clone();
    let r = create(&db, advice, &copts, &|s| out.note(s)).await?;
    ctx.out.report(&r, None)?;
    Ok(if r.ok() { 0 } else { 1 })
}
