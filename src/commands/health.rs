//! `health`: the alert table as checks, the windowed ones over the history when there is one.

use anyhow::Result;

use crate::cli::HealthArgs;
use crate::commands::Ctx;
use crate::reports::health;
use crate::reports::history::checks::WindowOptions;

pub async fn run(ctx: &Ctx, a: HealthArgs) -> Result<u8> {
    let t = ctx.report_thresholds(&health::all_checks(), &a.report)?;
    let t = &t;
    let store = ctx.history_store().await?;
    let store = store.as_ref();
    let opts = WindowOptions { window: a.window.window, slow: a.slow, expect_standbys: a.expect_standbys };
    let opts = &opts;
    ctx.run_report(&a.report, t, |db| async move {
        let mut r = health::report(&db, t).await?;
        let opts = WindowOptions {
            expect_standbys: opts.expect_standbys.or_else(|| ctx.target_expect_standbys(&db.cfg)),
            ..opts.clone()
        };
        health::judge_over_window(&mut r, &db, store, &opts, t).await?;
        Ok(r)
    })
    .await
}
