use anyhow::Result;
use serde::Serialize;

use crate::cli::DropArgs;
use crate::commands::Ctx;
use crate::connect::{Db, blocking};
use crate::migrate;

#[derive(Debug, Serialize)]
pub struct DroppedTable {
    pub table: String,
    pub rows: i64,
}

#[derive(Debug, Serialize)]
pub struct DropReport {
    pub database: String,
    pub dropped: Vec<DroppedTable>,
    pub dropped_history: bool,
}

pub async fn run(ctx: &Ctx, a: DropArgs) -> Result<u8> {
    let db = ctx.connect_write("drop", None).await?;
    let report = drop_confirmed(ctx, &db, a.confirm.yes).await?;
    if ctx.out.is_json() {
        ctx.out.json(&report)?;
    } else if report.dropped.is_empty() && !report.dropped_history {
        ctx.out.note(format!("nothing to drop in database \"{}\"", report.database));
    } else {
        ctx.out.note(format!(
            "dropped {} table(s){} in database \"{}\"",
            report.dropped.len(),
            if report.dropped_history { " and the migration history" } else { "" },
            report.database
        ));
    }
    Ok(0)
}

/// Show what will be dropped (with row counts), confirm, drop. Shared by `drop` and `init --drop`.
pub async fn drop_confirmed(ctx: &Ctx, db: &Db, yes: bool) -> Result<DropReport> {
    let client = db.get().await?;
    let pid = blocking::backend_pid(&client).await;
    let (counts, history) = blocking::naming_holder(db, pid, async {
        Ok((migrate::table_counts(&client).await?, migrate::applied(&client).await?))
    })
    .await?;
    drop(client);
    let database = db.cfg.dbname_or_default();
    if counts.is_empty() && history.is_none() {
        return Ok(DropReport { database, dropped: Vec::new(), dropped_history: false });
    }
    let mut listing = format!("In database \"{database}\" ({}), this drops:\n", db.cfg);
    for (t, n) in &counts {
        listing.push_str(&format!("  table {t:<24} {n} row(s)\n"));
    }
    if let Some(h) = &history {
        listing.push_str(&format!(
            "  table {:<24} {} applied migration(s)\n",
            migrate::HISTORY_TABLE,
            h.len()
        ));
    }
    ctx.out.note(listing.trim_end());
    crate::output::confirm::confirm_typed(
        &format!("drop the ToWow tables and all their data in database \"{database}\""),
        &database,
        yes,
    )
    .await?;
    migrate::drop_all(db).await?;
    Ok(DropReport {
        database,
        dropped: counts.into_iter().map(|(table, rows)| DroppedTable { table, rows }).collect(),
        dropped_history: history.is_some(),
    })
}
