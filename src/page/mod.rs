//! `report --html`: the page of one database (or of a fleet), gathered from every report —
//! health with its windowed checks, the history's series (`reports::history::series`), the
//! heaviest statements of the period, sizes, indexes, vacuum, replication, partitions — and
//! drawn by `output::html`. Above `reports` and `maintenance` (partitions) in the layering.
//!
//! Without history, the page shows what one reading can, and says how to start recording.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::connect::Db;
use crate::output::check::{Status, Thresholds};
use crate::output::html::{Block, Chart, Series, TargetPart, Unit};
use crate::output::report::{Report, Section};
use crate::reports::history::{self, checks::WindowOptions, series};
use crate::reports::{Filter, health, indexes, replication, sizes, slow, vacuum};

/// What `report` reads, and over how long.
#[derive(Debug, Clone)]
pub struct PageOptions {
    /// The period of the charts and the heaviest statements.
    pub since: Duration,
    pub window: WindowOptions,
    /// Tables and statements per chart and table.
    pub top: usize,
}

/// The default period of `report --html`.
pub const DEFAULT_SINCE: Duration = Duration::from_secs(7 * 86_400);

/// A section of the page that could not be read: said in place, never dropped silently.
fn failed(what: &str, e: &anyhow::Error) -> Block {
    Block::Text(format!("{what}: could not be read ({})", crate::error::render(e)))
}

fn sections(blocks: &mut Vec<Block>, heading: &str, r: Result<Vec<Section>>) {
    blocks.push(Block::Heading(heading.to_string()));
    match r {
        Ok(s) => blocks.extend(s.into_iter().map(Block::Table)),
        Err(e) => blocks.push(failed(heading, &e)),
    }
}

/// The page part of the database `db` (its history in `store`, else in itself).
pub async fn gather(
    db: &Db,
    store: Option<&Db>,
    name: &str,
    anchor: &str,
    opts: &PageOptions,
    t: &Thresholds,
) -> TargetPart {
    let mut blocks = Vec::new();
    let mut summary = vec![("server".to_string(), db.cfg.describe())];
    // Health and its windowed checks: the status of the page.
    let health = async {
        let mut r = health::report(db, t).await?;
        health::judge_over_window(&mut r, db, store, &opts.window, t).await?;
        anyhow::Ok(r)
    }
    .await;
    let status = match &health {
        Ok(h) => {
            summary.push(("PostgreSQL".into(), version_text(h.server_version_num)));
            h.status
        }
        Err(_) => Status::Unknown,
    };
    let since: DateTime<Utc> = crate::units::ago(Utc::now(), opts.since);
    // The history: what it covers, or how to start it.
    let hist = history::open(db, store, "the charts are drawn from").await;
    let mut has_history = false;
    match &hist {
        Ok((target, client, store_name)) => match series::snapshots(client, target, since).await {
            Ok(s) if !s.times.is_empty() => {
                has_history = true;
                let first = DateTime::from_timestamp(s.times[0], 0).unwrap_or_default();
                let last = DateTime::from_timestamp(*s.times.last().unwrap_or(&0), 0).unwrap_or_default();
                summary.push((
                    "history".into(),
                    format!(
                        "{} snapshots from {} to {} UTC in {store_name}{}",
                        s.times.len(),
                        first.format("%Y-%m-%d %H:%M"),
                        last.format("%Y-%m-%d %H:%M"),
                        match series::per_point(s.times.len()) {
                            1 => String::new(),
                            k => format!(" (each chart point is the mean of {k} snapshots)"),
                        }
                    ),
                ));
            }
            Ok(_) => summary.push(("history".into(), format!("no snapshot in the period in {store_name}"))),
            Err(e) => summary.push(("history".into(), format!("unreadable: {}", crate::error::render(&e)))),
        },
        Err(e) => summary.push(("history".into(), crate::error::render(e))),
    }
    if !has_history {
        blocks.push(Block::Text(
            "No history: the page shows one reading. Start recording with `towow-db snapshot` every minute (cron) \
             for trends, windowed checks and the heaviest statements of a period."
                .into(),
        ));
    }
    blocks.push(Block::Heading("Health checks".into()));
    match &health {
        Ok(h) => {
            blocks.push(Block::Status { status: h.status.as_str().to_string(), text: status_text(h) });
            blocks.extend(h.sections().into_iter().map(|mut s| {
                s.title.clear();
                Block::Table(s)
            }));
        }
        Err(e) => blocks.push(failed("health", e)),
    }
    if let (true, Ok((target, client, _))) = (has_history, &hist) {
        blocks.push(Block::Heading("Trends".into()));
        match charts(client, target, since, opts.top as i64).await {
            Ok(c) => blocks.extend(c.into_iter().map(Block::Chart)),
            Err(e) => blocks.push(failed("the charts", &e)),
        }
    }
    drop(hist);
    // The heaviest statements: of the period with history, since the reset without.
    let top = opts.top.max(1);
    let heaviest = if has_history {
        history::interval::report(db, store, since, None, slow::Sort::Total, top).await.map(|r| r.sections())
    } else {
        let o = slow::SlowOptions { limit: top as i64, ..slow::SlowOptions::default() };
        slow::report(db, &o).await.map(|r| r.sections())
    };
    sections(&mut blocks, "Heaviest statements", heaviest);
    sections(
        &mut blocks,
        "Largest tables",
        sizes::report(db, &Filter::default(), Some(top)).await.map(|r| r.sections()),
    );
    sections(
        &mut blocks,
        "Indexes: unused, duplicate, invalid, bloated",
        indexes::report(db, &indexes::IndexOptions { bloat: true, ..indexes::IndexOptions::default() })
            .await
            .map(|r| r.sections()),
    );
    sections(
        &mut blocks,
        "Vacuum due and bloat",
        vacuum::report(
            db,
            &vacuum::VacuumOptions { due_only: true, bloat: true, ..vacuum::VacuumOptions::default() },
        )
        .await
        .map(|r| r.sections()),
    );
    let repl = async {
        let client = db.get().await?;
        crate::reports::read_only(&client, || replication::read(&client)).await
    }
    .await;
    sections(&mut blocks, "Replication", repl.map(|r| r.sections()));
    let all = Filter::default();
    let parts = async {
        let client = db.get().await?;
        crate::reports::read_only(&client, || crate::maintenance::partitions::read(&client, &all, None)).await
    }
    .await;
    sections(&mut blocks, "Partitions", parts.map(|r| r.sections()));
    TargetPart {
        name: name.to_string(),
        anchor: anchor.to_string(),
        status: status.as_str().to_ascii_lowercase(),
        summary,
        blocks,
    }
}

fn version_text(v: i32) -> String {
    format!("{}.{}", v / 10000, v % 10000)
}

/// What a status says: the checks that are not OK, by name.
fn status_text(h: &health::HealthReport) -> String {
    let bad: Vec<String> = h
        .checks
        .iter()
        .filter(|c| c.status != Status::Ok)
        .map(|c| format!("{} ({})", c.name, c.status))
        .collect();
    if bad.is_empty() { format!("all {} checks OK", h.checks.len()) } else { bad.join(", ") }
}

/// The charts of the period.
async fn charts(
    client: &tokio_postgres::Client,
    target: &str,
    since: DateTime<Utc>,
    top: i64,
) -> Result<Vec<Chart>> {
    let s = series::snapshots(client, target, since).await?;
    let one =
        |id: &str, title: &str, description: &str, unit: Unit, name: &str, values: &[Option<f64>]| Chart {
            id: id.into(),
            title: title.into(),
            description: description.into(),
            unit,
            series: vec![series::series(name, &s.times, values)],
        };
    let many =
        |id: &str, title: &str, description: &str, unit: Unit, lines: Vec<(String, Vec<(i64, f64)>)>| Chart {
            id: id.into(),
            title: title.into(),
            description: description.into(),
            unit,
            series: lines.into_iter().map(|(name, points)| Series { name, points }).collect(),
        };
    let mut out = vec![one(
        "db-size",
        "Database size",
        "pg_database_size at each snapshot, bytes",
        Unit::Bytes,
        "database",
        &s.db_size,
    )];
    out.push(many(
        "table-size",
        "Largest tables' growth",
        "total size (heap, TOAST, indexes) of the largest tables at each snapshot, bytes",
        Unit::Bytes,
        series::tables(client, target, since, &s.times, "total_bytes", top).await?,
    ));
    let stmts = series::statements(client, target, since, top).await?;
    out.push(many(
        "stmt-calls",
        "Top statements: calls",
        "calls between consecutive snapshots of the statements with the most total time in the period",
        Unit::PerInterval,
        stmts.iter().map(|(n, c, _)| (n.clone(), c.clone())).collect(),
    ));
    out.push(many(
        "stmt-mean",
        "Top statements: mean time",
        "mean time per call between consecutive snapshots, milliseconds",
        Unit::Millis,
        stmts.into_iter().map(|(n, _, m)| (n, m)).collect(),
    ));
    out.push(one(
        "repl-lag",
        "Replication lag",
        "the largest standby lag at each snapshot, seconds",
        Unit::Seconds,
        "largest lag",
        &s.max_lag_s,
    ));
    out.push(one(
        "slot-retention",
        "Replication slots: WAL retained",
        "the most WAL a slot keeps at each snapshot, bytes",
        Unit::Bytes,
        "largest slot",
        &s.slot_retained,
    ));
    out.push(many(
        "dead-tuples",
        "Dead tuples of the busiest tables",
        "n_dead_tup of the tables with the most dead tuples now, at each snapshot",
        Unit::Count,
        series::tables(client, target, since, &s.times, "n_dead_tup", top).await?,
    ));
    out.push(one(
        "xid-age",
        "XID age",
        "the oldest database's datfrozenxid age at each snapshot, transactions",
        Unit::Count,
        "XID age",
        &s.xid_age,
    ));
    out.push(one(
        "connections",
        "Connections",
        "sessions connected to the database at each snapshot",
        Unit::Count,
        "sessions",
        &s.backends,
    ));
    Ok(out)
}
