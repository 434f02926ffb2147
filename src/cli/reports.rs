//! Flags of the DBA runbook reports: vacuum-report, slow-query, health, replication, activity,
//! sizes, indexes.

use super::*;

// DBA runbook reports (issue 4): vacuum-report, slow-query, health, activity, sizes, indexes.

/// A byte size flag (see [`crate::units::parse_bytes`]), as PostgreSQL's bigint.
pub fn parse_size(s: &str) -> Result<i64, String> {
    crate::units::parse_bytes(s).map(|b| b as i64)
}

/// Flags every report command has.
#[derive(Debug, Clone, Args, Default)]
pub struct ReportArgs {
    /// Monitoring mode: judge the checks and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also
    /// UNKNOWN when the data cannot be read).
    #[arg(long)]
    pub check: bool,

    /// Override a check's thresholds (repeatable): NAME=WARN[:CRIT], with units (80, 30s, 5min, 10GB); `none` disables.
    #[arg(long, value_name = "NAME=WARN[:CRIT]")]
    pub threshold: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VacuumReportArgs {
    #[command(flatten)]
    pub filter: crate::reports::Filter,

    /// Only tables with at least N dead tuples (the runbook's view is 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub min_dead_tuples: Option<i64>,

    /// Only tables due for vacuum or analyze.
    #[arg(long)]
    pub due: bool,

    /// Add the bloat estimate, heap and TOAST (marked unavailable, with the reason, where the
    /// statistics are missing or stale).
    #[arg(long)]
    pub bloat: bool,

    /// Read each table's size from its files (pg_table_size) instead of estimating it from
    /// relpages (the pages counted by the last VACUUM/ANALYZE); slower on large catalogs.
    #[arg(long)]
    pub exact: bool,

    /// Run VACUUM (ANALYZE) on the tables due for vacuum (ANALYZE on those due only for analyze),
    /// one by one, outside a transaction. Asks first unless --yes.
    #[arg(long)]
    pub execute: bool,

    /// With --execute: VACUUM (FULL, ANALYZE) instead (rewrites the table under an exclusive lock).
    #[arg(long, requires = "execute")]
    pub full: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SlowQueryArgs {
    /// Order by.
    #[arg(long, value_enum, default_value_t = crate::reports::slow::Sort::Total)]
    pub sort: crate::reports::slow::Sort,

    /// How many statements to show.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(i64).range(0..))]
    pub limit: i64,

    /// Only statements called at least N times.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_calls: i64,

    /// Only statements whose mean time is at least this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0.0)]
    pub min_mean_ms: f64,

    /// Show the statements running now (pg_stat_activity) instead of the statistics.
    #[arg(long, conflicts_with = "reset")]
    pub running: bool,

    /// With --running: only statements (or idle transactions) older than this.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub longer_than: Duration,

    /// Clear this database's pg_stat_statements statistics (asks first unless --yes).
    #[arg(long)]
    pub reset: bool,

    /// What the statements did in the last DURATION (from the history's snapshots and the
    /// current counters), not since the statistics reset: new and slower statements called out.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with_all = ["running", "reset", "between"])]
    pub since: Option<Duration>,

    /// What the statements did between two times (2026-12-01T10:00:00Z, or 2026-12-01 for
    /// midnight UTC), from the snapshots at or before each.
    #[arg(long, num_args = 2, value_names = ["T1", "T2"], value_parser = parse_time, conflicts_with_all = ["running", "reset"])]
    pub between: Option<Vec<chrono::DateTime<chrono::Utc>>>,

    #[command(flatten)]
    pub confirm: ConfirmArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub window: WindowArgs,

    /// CRITICAL when fewer standbys than this stream from the server (a dead standby pages);
    /// also `expect_standbys` per target in towow-db.toml.
    #[arg(long, value_name = "N")]
    pub expect_standbys: Option<u32>,

    /// What a slow execution is, for `slow_queries_per_min` (the ToWow document's
    /// `log_min_duration_statement = 1000`).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub slow: Duration,
}

/// The windowed checks' window, when a history exists (`towow-db snapshot`).
#[derive(Debug, Clone, Args)]
pub struct WindowArgs {
    /// Compare now with the latest snapshot at least this old: deadlocks, slow queries per
    /// minute and CPU are judged over it, so an alert clears once its cause is out of the window.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "15min")]
    pub window: Duration,
}

/// `report --html`: one self-contained page of a database's health and trends.
#[derive(Debug, Args)]
pub struct PageArgs {
    /// Write the page here (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    pub html: std::path::PathBuf,

    /// The period of the charts and of the heaviest statements (from the history).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "7d")]
    pub since: Duration,

    /// Tables and statements per chart and per table.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=50))]
    pub top: u16,

    #[command(flatten)]
    pub window: WindowArgs,

    /// As `health --expect-standbys`.
    #[arg(long, value_name = "N")]
    pub expect_standbys: Option<u32>,

    /// As `health --slow`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub slow: Duration,

    /// Override a health check's thresholds, as `health --threshold`.
    #[arg(long, value_name = "NAME=WARN[:CRIT]")]
    pub threshold: Vec<String>,
}

/// `snapshot`: one reading of the statistics into the history store.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Prune this target's snapshots older than this (the figures at the cut-off are kept).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "30d")]
    pub keep: Duration,
}

#[derive(Debug, Args)]
pub struct ReplicationArgs {
    #[command(flatten)]
    pub report: ReportArgs,

    /// CRITICAL when fewer standbys than this stream from the server (check
    /// `standbys_streaming`); also `expect_standbys` per target in towow-db.toml.
    #[arg(long, value_name = "N")]
    pub expect_standbys: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ActivityArgs {
    /// Include background processes (autovacuum workers, walsenders, …), not only client sessions.
    #[arg(long)]
    pub all: bool,

    /// Only statements running now and sessions idle in a transaction.
    #[arg(long)]
    pub running: bool,

    /// Only statements (or idle transactions) older than this.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub longer_than: Option<Duration>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct SizesArgs {
    #[command(flatten)]
    pub filter: crate::reports::Filter,

    /// Show only the N largest tables.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Growth instead of sizes: bytes per day of the database and each table over the history
    /// (`towow-db snapshot`), and the days until the disk is full at that rate.
    #[arg(long)]
    pub growth: bool,

    /// With --growth: over the last DURATION only (default: all the history).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "growth")]
    pub since: Option<Duration>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct IndexesArgs {
    #[command(flatten)]
    pub filter: crate::reports::Filter,

    /// Report never-scanned indexes as unused only from this size on.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1MB")]
    pub unused_min_size: i64,

    /// Tables with at least this many sequential scans…
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_seq_scans: i64,

    /// …and at least this many live rows are listed as sequentially scanned.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_rows: i64,

    /// Read each index's size from its file (pg_relation_size) instead of estimating it from
    /// relpages (the pages counted by the last VACUUM/ANALYZE/CREATE INDEX); slower on large catalogs.
    #[arg(long)]
    pub exact: bool,
    /// Add the statistics-based bloat estimate of btree indexes (no estimate where statistics are missing).
    #[arg(long)]
    pub bloat: bool,

    #[command(flatten)]
    pub rebuild: RebuildArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// `advise` (issue 27): index advice proven with hypopg; `--create` is maintenance (see
/// [`AdviseCreateArgs`]).
#[derive(Debug, Args)]
pub struct AdviseArgs {
    /// Rank the statements as slow-query does, by.
    #[arg(long, value_enum, default_value_t = crate::reports::slow::Sort::Total)]
    pub sort: crate::reports::slow::Sort,

    /// How many of the heaviest statements to examine.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(i64).range(1..))]
    pub limit: i64,

    /// Only statements called at least N times.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_calls: i64,

    /// Only statements whose mean time is at least this many milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0.0)]
    pub min_mean_ms: f64,

    /// Only propose indexes on these schemas/tables (the statements are ranked as always).
    #[command(flatten)]
    pub filter: crate::reports::Filter,

    /// Keep a candidate only when a statement's planned cost with it falls at least this many
    /// times (2: to half or less).
    #[arg(long, value_name = "FACTOR", default_value = "2", value_parser = parse_factor)]
    pub min_speedup: f64,

    /// The widest index to propose, in columns.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub max_columns: u16,

    #[command(flatten)]
    pub create: AdviseCreateArgs,
}

/// A factor of at least 1: `2`, `1.5`, `3x`.
pub fn parse_factor(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let n = t.strip_suffix(['x', 'X', '×']).unwrap_or(t).trim();
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 1.0 => Ok(v),
        _ => Err(format!("`{t}` is not a factor of 1 or more (e.g. 2, 1.5, 3x)")),
    }
}
