//! Flags of the maintenance commands: retention, partitions, index rebuilds.

use super::*;

// Maintenance (issue 11): retention, partitions, index rebuilds.

#[derive(Debug, Args)]
pub struct RetentionArgs {
    #[command(flatten)]
    pub rule: RetentionRuleArgs,

    /// Read the rules from a file instead: one per line, written as the flags --table … --no-vacuum
    /// (# starts a comment); each rule runs in turn.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["table", "column", "older_than", "before"])]
    pub config: Option<std::path::PathBuf>,

    /// Count exactly what would go (rows, bytes, oldest, newest) and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Start no batch after this long (a time box for cron); running again continues.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_duration: Option<Duration>,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// One retention rule: the flags of `retention`, and of each line of its rule file.
#[derive(Debug, Clone, Args)]
pub struct RetentionRuleArgs {
    /// The table: SCHEMA.TABLE, or TABLE on the search_path; ordinary or partitioned.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,

    /// Its timestamp or date column (checked first).
    #[arg(long, value_name = "COLUMN")]
    pub column: Option<String>,

    /// Delete rows older than this: 30d, 12h, 2w, 6mon, 1y (calendar months and years).
    #[arg(long, value_name = "AGE", value_parser = crate::maintenance::retention::parse_age)]
    pub older_than: Option<String>,

    /// …or older than this time (2025-01-01, 2025-01-01T00:00:00Z: what PostgreSQL reads as a timestamptz).
    #[arg(long, value_name = "TIME", conflicts_with = "older_than")]
    pub before: Option<String>,

    /// Rows per batch, the rows that ON DELETE CASCADE deletes with them in other tables
    /// included; each batch is one short transaction.
    #[arg(long, value_name = "N", default_value = "10000", value_parser = parse_positive_count)]
    pub batch_size: u64,

    /// Pause between batches (e.g. 100ms): room for the application and for replicas to catch up.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "0")]
    pub pause: Duration,

    /// Dump each partition with pg_dump (custom format) into this folder before dropping it.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<std::path::PathBuf>,

    /// Do not VACUUM (ANALYZE) the tables deleted from afterwards (the cascades' too).
    #[arg(long)]
    pub no_vacuum: bool,

    /// Refuse the rule when its old rows have rows in other tables that ON DELETE CASCADE (or
    /// SET NULL) would change: for those who clean the children first, themselves.
    #[arg(long)]
    pub no_cascade: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct PartitionsArgs {
    #[command(subcommand)]
    pub action: Option<PartitionsAction>,

    #[command(flatten)]
    pub filter: crate::reports::Filter,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Subcommand)]
pub enum PartitionsAction {
    /// Create the next range partitions (timestamp or date key) so that --ahead of them start
    /// after now; interval and names inferred from the existing ones, with the parent's indexes.
    #[command(
        after_help = "Examples:\n  towow-db partitions ensure --table messages --ahead 3\n  towow-db partitions ensure --table messages --table public.events --ahead 6 --dry-run\n  towow-db partitions ensure --table logs --interval day --name-pattern 'logs_%Y%m%d' --ahead 14\n  towow-db partitions ensure --table messages --time-zone Asia/Shanghai   # bounds made at midnight there"
    )]
    Ensure(PartitionsEnsureArgs),
}

#[derive(Debug, Args)]
pub struct PartitionsEnsureArgs {
    /// The partitioned table (SCHEMA.TABLE or TABLE on the search_path); repeatable.
    #[arg(long = "table", value_name = "TABLE", required = true)]
    pub tables: Vec<String>,

    /// How many partitions must start after now (the current period's comes on top).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub ahead: u32,

    /// The period of a partition [default: inferred from the latest partition].
    #[arg(long, value_enum)]
    pub interval: Option<crate::maintenance::bounds::Interval>,

    /// How to name them: strftime fields of the lower bound, e.g. 'messages_%Y_%m' [default: inferred].
    #[arg(long, value_name = "PATTERN")]
    pub name_pattern: Option<String>,

    /// The time zone the bounds are midnights of [default: the session's, usually the server's].
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Option<String>,

    /// Show what would be created and create nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `indexes --rebuild` (maintenance, issue 11).
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// Rebuild the invalid indexes and the btree indexes estimated bloated past --bloat-threshold,
    /// one at a time with REINDEX INDEX CONCURRENTLY; drop leftovers of failed rebuilds. Asks.
    #[arg(long)]
    pub rebuild: bool,

    /// With --rebuild: the estimated bloat (%) from which a valid btree index is rebuilt.
    #[arg(long, value_name = "PCT", default_value = "30", value_parser = parse_pct, requires = "rebuild")]
    pub bloat_threshold: f64,

    /// With --rebuild: bloated indexes smaller than this are left alone.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1MB", requires = "rebuild")]
    pub rebuild_min_size: i64,

    /// With --rebuild: this index only, whatever its bloat (`name` or `schema.name`, as REINDEX
    /// INDEX takes it); an index of a partitioned table: each of its partitions' indexes.
    #[arg(long, value_name = "INDEX", requires = "rebuild", conflicts_with_all = ["schemas", "tables"])]
    pub index: Option<String>,

    /// With --rebuild: list what would be rebuilt or dropped, change nothing.
    #[arg(long, requires = "rebuild")]
    pub dry_run: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// A percentage up to 100 (see [`crate::units::parse_percent`]): `30`, `30%`, `12.5`.
pub fn parse_pct(s: &str) -> Result<f64, String> {
    match crate::units::parse_percent(s) {
        Ok(v) if v <= 100.0 => Ok(v),
        _ => Err(format!("`{s}` is not a percentage (0 to 100, e.g. 30 or 30%)")),
    }
}

/// A line of a retention rule file, parsed with the same flags.
#[derive(Debug, Parser)]
#[command(name = "rule", no_binary_name = true, disable_help_flag = true, disable_version_flag = true)]
pub struct RetentionRuleLine {
    #[command(flatten)]
    pub rule: RetentionRuleArgs,
}

/// `advise --create` (maintenance, issue 27).
#[derive(Debug, Args)]
pub struct AdviseCreateArgs {
    /// Build the advised indexes (CREATE INDEX CONCURRENTLY, one at a time), after measuring the
    /// read-only statements they help (EXPLAIN ANALYZE, representative parameters) and again
    /// after. Asks first unless --yes.
    #[arg(long)]
    pub create: bool,

    /// With --create: drop (DROP INDEX CONCURRENTLY) each new index whose statements did not get
    /// at least --min-speedup times faster when measured.
    #[arg(long, requires = "create")]
    pub drop_unhelpful: bool,

    /// With --create: how many times each statement runs, before and after (the fastest counts).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100), requires = "create")]
    pub runs: u32,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}
