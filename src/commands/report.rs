//! `report --html FILE`: the page of one database, or of every database the flags name (an
//! overview row each, worst status first, then a section each).

use std::io::Write;

use anyhow::{Context, Result};
use futures_util::StreamExt;

use crate::cli::PageArgs;
use crate::commands::{Ctx, FLEET_CONCURRENCY, REPORT_STATEMENT_TIMEOUT};
use crate::connect::Db;
use crate::output::html::{self, TargetPart};
use crate::page::{self, PageOptions};
use crate::reports::health;
use crate::reports::history::checks::WindowOptions;

pub async fn run(ctx: &Ctx, a: PageArgs) -> Result<u8> {
    let mut t = crate::output::check::Thresholds::new(&health::all_checks());
    t.apply(&a.threshold).map_err(|e| crate::error::Usage(e.to_string()))?;
    let store = ctx.history_store().await?;
    let opts = PageOptions {
        since: a.since,
        window: WindowOptions { window: a.window.window, slow: a.slow, expect_standbys: a.expect_standbys },
        top: a.top as usize,
    };
    let targets: Vec<(String, Option<crate::connect::ConnConfig>)> = if ctx.is_fleet() {
        ctx.targets()?.into_iter().map(|(n, c)| (n, Some(c))).collect()
    } else {
        vec![(String::new(), None)]
    };
    let conn = ctx.connect_options(REPORT_STATEMENT_TIMEOUT)?;
    let (store, opts, t) = (store.as_ref(), &opts, &t);
    let mut parts: Vec<TargetPart> = futures_util::stream::iter(targets.into_iter().enumerate())
        .map(|(i, (name, cfg))| {
            let conn = conn.clone();
            async move {
                let anchor = format!("db{}", i + 1);
                let db = match cfg {
                    Some(c) => Db::connect(c, conn).await,
                    None => ctx.connect_report().await,
                };
                let db = match db {
                    Ok(db) => db,
                    Err(e) => {
                        return TargetPart {
                            name,
                            anchor,
                            status: "unknown".into(),
                            summary: vec![("error".into(), crate::error::render(&e))],
                            blocks: Vec::new(),
                        };
                    }
                };
                let name = if name.is_empty() { crate::reports::history::target_name(&db.cfg) } else { name };
                let mut expect = opts.window.expect_standbys;
                if expect.is_none() {
                    expect = ctx.target_expect_standbys(&db.cfg);
                }
                let o = PageOptions {
                    window: WindowOptions { expect_standbys: expect, ..opts.window.clone() },
                    ..opts.clone()
                };
                page::gather(&db, store, &name, &anchor, &o, t).await
            }
        })
        .buffered(FLEET_CONCURRENCY)
        .collect()
        .await;
    // The worst first (CRITICAL, WARNING, UNKNOWN, OK), then by name.
    let rank = |s: &str| match s {
        "critical" => 0,
        "warning" => 1,
        "unknown" => 2,
        _ => 3,
    };
    parts.sort_by(|x, y| rank(&x.status).cmp(&rank(&y.status)).then(x.name.cmp(&y.name)));
    let title = match parts.as_slice() {
        [one] => format!("Database report: {}", one.name),
        many => format!("Database report: {} databases", many.len()),
    };
    let generated = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let text = html::page(&title, &generated, &parts);
    if a.html.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    } else {
        write_file(&a.html, text.as_bytes())?;
        ctx.out.note(format!(
            "wrote {} ({} kB, {} database(s))",
            a.html.display(),
            text.len().div_ceil(1024),
            parts.len()
        ));
    }
    Ok(0)
}

/// Write `bytes` to `path` through a temporary file beside it, so that a reader never sees half
/// a page; what is not a regular file (`/dev/null`, a pipe) is written to as it is, never
/// replaced.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("report"),
        std::process::id()
    ));
    let written = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}
