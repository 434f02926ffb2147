//! History in PostgreSQL (issue 22): `snapshot` writes one reading of what the reports need over
//! time into a store of towow-db's own (schema `towow_history`, in the monitored database or a
//! central one), and the reports compare now with it: windowed checks, statements by interval,
//! growth.
//!
//! - [`read`]: one reading of a target (counters, statements, tables, replication, host).
//! - [`store`]: the store's schema and migrations, writing a snapshot, pruning by age.
//! - [`window`]: a window's start (the latest snapshot at least a window old) and the
//!   differences over it.

pub mod checks;
pub mod growth;
pub mod interval;
pub mod read;
pub mod series;
pub mod store;
pub mod window;

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::connect::{ConnConfig, Db};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};

/// How long snapshots are kept by default.
pub const DEFAULT_KEEP: Duration = Duration::from_secs(30 * 86_400);

/// The name a target's history is kept under: `host:port/database` (several hosts: joined), the
/// same whatever the URL's other settings.
pub fn target_name(cfg: &ConnConfig) -> String {
    let host =
        if cfg.hosts.len() > 1 { cfg.hosts.join(",") } else { format!("{}:{}", cfg.host(), cfg.port()) };
    format!("{host}/{}", cfg.dbname_or_default())
}

/// The history of `target`: its name, the store's connection (`store`, else the target's own
/// database) and the store's name for messages. Errors when there is no store yet, saying what
/// `for_what` needs.
pub async fn open(
    target: &Db,
    store: Option<&Db>,
    for_what: &str,
) -> Result<(String, crate::connect::pool::Object, String)> {
    let name = target_name(&target.cfg);
    let store_name = store.map(|s| target_name(&s.cfg)).unwrap_or_else(|| "this database".into());
    let hist = store.unwrap_or(target).get().await?;
    if store::version(&hist).await? == 0 {
        anyhow::bail!(
            "no history in {store_name}: `towow-db snapshot` (every minute or five, from cron) records what {for_what}"
        );
    }
    Ok((name, hist, store_name))
}

/// What a `snapshot` did on one target.
#[derive(Debug, Clone, Serialize)]
pub struct SnapshotReport {
    pub target: String,
    /// Where the history is: "this database" or the central store's `host:port/database`.
    pub store: String,
    pub taken_at: DateTime<Utc>,
    /// Reading the target.
    pub read_ms: u64,
    /// Writing (and pruning) the store.
    pub write_ms: u64,
    /// Store versions applied by this run (the first snapshot creates the store).
    pub store_created: Vec<i32>,
    pub written: store::Written,
    pub pruned: store::Pruned,
    pub kept_for_s: u64,
    pub notes: Vec<String>,
}

/// Take one snapshot of `target` into `store_db` (`None`: the target's own database), then prune
/// what is older than `keep`.
pub async fn snapshot(target: &Db, store_db: Option<&Db>, keep: Duration) -> Result<SnapshotReport> {
    let name = target_name(&target.cfg);
    let started = Instant::now();
    let reading = {
        let client = target.get().await?;
        read::reading(&client, &target.cfg).await?
    };
    let read_ms = started.elapsed().as_millis() as u64;
    let written_at = Instant::now();
    let (db, store) = match store_db {
        Some(s) => (s, target_name(&s.cfg)),
        None => (target, "this database".to_string()),
    };
    let mut client = db.dedicated().await?;
    let store_created = store::ensure(&mut client).await?;
    let written = store::write(&mut client, &name, &reading, read_ms.min(i32::MAX as u64) as i32).await?;
    let pruned = store::prune(&mut client, &name, keep).await?;
    Ok(SnapshotReport {
        target: name,
        store,
        taken_at: reading.taken_at,
        read_ms,
        write_ms: written_at.elapsed().as_millis() as u64,
        store_created,
        written,
        pruned,
        kept_for_s: keep.as_secs(),
        notes: reading.notes.clone(),
    })
}

impl Report for SnapshotReport {
    fn sections(&self) -> Vec<Section> {
        let w = &self.written;
        vec![Section {
            title: String::new(),
            headers: vec![
                "target",
                "taken at (UTC)",
                "read",
                "write",
                "statements",
                "tables",
                "pruned",
                "store",
            ],
            rows: vec![vec![
                self.target.clone(),
                self.taken_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                format!("{} ms", self.read_ms),
                format!("{} ms", self.write_ms),
                format!("{} changed, {} gone", w.statements, w.statements_gone),
                format!("{} changed, {} gone", w.tables, w.tables_gone),
                format!("{} snapshots, {} rows", self.pruned.snapshots, self.pruned.rows),
                self.store.clone(),
            ]],
            empty: "",
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = self.notes.clone();
        if !self.store_created.is_empty() {
            n.push(format!(
                "created the history store (schema {}, version {}) in {}",
                store::SCHEMA,
                self.store_created.last().copied().unwrap_or_default(),
                self.store
            ));
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
