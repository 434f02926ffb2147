//! Every clap type of the tool, in one place, so that `--help`, the shell completions and the
//! man page all come from the same definitions.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Parse a human duration such as `30s`, `2m`, `1500ms` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("{e} (expected e.g. `30s`, `2m`, `1500ms`, `0` for none)"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Human-readable tables.
    #[default]
    Table,
    /// Machine-readable JSON on stdout.
    Json,
}

#[derive(Debug, Parser)]
#[command(
    name = "towow-db",
    version,
    about = "Set up, fill and inspect the ToWow PostgreSQL database",
    long_about = "Set up, fill and inspect the ToWow PostgreSQL database.\n\n\
        With no connection configured (no --url, DATABASE_URL, PG* or POSTGRES_* variables), \
        every command uses a local cluster that towow-db manages itself.",
    after_help = "Examples:\n  towow-db init --mock-agents\n  towow-db --url postgresql://towow:***@db:5432/towow migrate --wait 60s\n  towow-db migrate status --format json"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted before or after the subcommand.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string.
    #[arg(long, global = true, visible_alias = "database-url", value_name = "URL")]
    pub url: Option<String>,

    /// Output format.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// More detail on stderr (repeat for more). Never shows secrets.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr; no progress bars.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`, `2m`.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub wait: Option<Duration>,

    /// statement_timeout for the session (`0` = none). Default depends on the command.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub statement_timeout: Option<Duration>,

    /// lock_timeout for the session (`0` = none). Default 30s.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub lock_timeout: Option<Duration>,

    /// Maximum connections in the pool [env: DB_POOL_SIZE] (default 4).
    #[arg(long, global = true, value_name = "N")]
    pub pool_size: Option<usize>,

    /// How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub pool_timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database if needed and apply all migrations (like init_db.py, but idempotent).
    #[command(
        after_help = "Examples:\n  towow-db init\n  towow-db init --sample-data --mock-agents\n  towow-db init --drop --yes"
    )]
    Init(InitArgs),

    /// Drop the ToWow tables and the migration history (asks first).
    #[command(
        after_help = "Examples:\n  towow-db drop            # shows what it drops, asks for the database name\n  towow-db drop --yes      # no question (scripts)"
    )]
    Drop(DropArgs),

    /// Apply, inspect, verify or roll back schema migrations.
    #[command(
        after_help = "Examples:\n  towow-db migrate --wait 60s\n  towow-db migrate --dry-run\n  towow-db migrate status --format json\n  towow-db migrate verify\n  towow-db migrate down --steps 1 --yes"
    )]
    Migrate(MigrateArgs),

    /// Manage the local PostgreSQL cluster used when no connection is configured.
    #[command(
        after_help = "Examples:\n  towow-db local start\n  psql \"$(towow-db local url | tail -n1)\"\n  towow-db local destroy --yes"
    )]
    Local(LocalArgs),

    // ----- DBA runbook reports (issue 4); their argument types are at the end of this file. -----
    /// Tables due for VACUUM/ANALYZE (autovacuum's own math), XID/MultiXact age, xmin horizon holders.
    #[command(
        name = "vacuum-report",
        after_help = "Examples:\n  towow-db vacuum-report\n  towow-db vacuum-report --min-dead-tuples 1000     # the runbook's own view\n  towow-db vacuum-report --due --schema public --format json\n  towow-db vacuum-report --bloat --table agent_profiles\n  towow-db vacuum-report --check                    # exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n  towow-db vacuum-report --execute --yes            # VACUUM (ANALYZE) the due tables, one by one"
    )]
    VacuumReport(VacuumReportArgs),

    /// The heaviest statements of this database (pg_stat_statements, any version), or those running now.
    #[command(
        name = "slow-query",
        after_help = "Examples:\n  towow-db slow-query                       # top 10 by total time\n  towow-db slow-query --sort mean --min-calls 10 --limit 20\n  towow-db slow-query --format json | jq '.queries[0]'\n  towow-db slow-query --running --longer-than 30s\n  towow-db slow-query --check --threshold slow_mean_ms=500\n  towow-db slow-query --reset --yes         # clear this database's statistics"
    )]
    SlowQuery(SlowQueryArgs),

    /// The ToWow alert table as checks: connections, deadlocks, XID age, replication lag, cache hit, ….
    #[command(
        after_help = "Examples:\n  towow-db health\n  towow-db health --check                               # for cron / CI / Nagios\n  towow-db health --check --threshold connections_pct=70:90 --threshold database_size_bytes=50GB\n  towow-db health --format json"
    )]
    Health(HealthArgs),

    /// Current sessions: state, wait event, query age, blocking pids, client, application.
    #[command(
        after_help = "Examples:\n  towow-db activity\n  towow-db activity --running --longer-than 5s\n  towow-db activity --all --format json\n  towow-db activity --check --threshold idle_in_transaction_s=30:300"
    )]
    Activity(ActivityArgs),

    /// Database, table, index and TOAST sizes, largest first.
    #[command(
        after_help = "Examples:\n  towow-db sizes\n  towow-db sizes --limit 10 --schema public\n  towow-db sizes --format json\n  towow-db sizes --check --threshold database_size_bytes=50GB:80GB"
    )]
    Sizes(SizesArgs),

    /// Index usage: unused, duplicate and invalid indexes, tables with many sequential scans.
    #[command(
        after_help = "Examples:\n  towow-db indexes\n  towow-db indexes --unused-min-size 0 --format json\n  towow-db indexes --min-seq-scans 1000 --min-rows 100000\n  towow-db indexes --check"
    )]
    Indexes(IndexesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ConfirmArgs {
    /// Do not ask; proceed (needed when there is no terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Drop the ToWow tables first (asks like `drop`, or needs --yes).
    #[arg(long)]
    pub drop: bool,

    /// Load the sample rows of the ToWow document (2 agents, 1 demand).
    #[arg(long)]
    pub sample_data: bool,

    /// Load the mock agent set (default 100 agents).
    #[arg(long)]
    pub mock_agents: bool,

    /// How many mock agents to load with --mock-agents.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub mock_agents_count: u64,

    /// Do not create the database when it does not exist.
    #[arg(long)]
    pub no_create_database: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct DropArgs {
    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub action: Option<MigrateAction>,

    #[command(flatten)]
    pub up: MigrateUpArgs,
}

#[derive(Debug, Clone, Args)]
pub struct LockArgs {
    /// How long to wait for another towow-db migrate holding the migration lock.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5m")]
    pub lock_wait: Duration,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateUpArgs {
    /// Stop after this version (inclusive).
    #[arg(long, value_name = "VERSION")]
    pub target: Option<i32>,

    /// Print the SQL that would run, in order, and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub lock: LockArgs,
}

impl LockArgs {
    /// The default `--lock-wait` (5 minutes), for commands that migrate without the flag.
    pub fn default_wait() -> Duration {
        Duration::from_secs(300)
    }
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply pending migrations (the default).
    Up(MigrateUpArgs),
    /// Every known migration: version, name, state, applied time.
    Status,
    /// Exit 1 when applied migrations differ from the shipped ones or the ToWow tables were changed by hand.
    Verify(VerifyArgs),
    /// Roll back applied migrations with their down scripts (deletes data: asks first).
    Down(MigrateDownArgs),
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Also fail when shipped migrations are not applied yet.
    #[arg(long)]
    pub fail_on_pending: bool,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateDownArgs {
    /// How many migrations to roll back (default 1).
    #[arg(long, value_name = "N", conflicts_with = "target")]
    pub steps: Option<u32>,

    /// Roll back every migration above this version (0 = all).
    #[arg(long, value_name = "VERSION")]
    pub target: Option<i32>,

    /// Print the SQL that would run and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub lock: LockArgs,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct LocalArgs {
    #[command(subcommand)]
    pub action: LocalAction,
}

#[derive(Debug, Subcommand)]
pub enum LocalAction {
    /// Create (first time) and start the cluster; does nothing when it already runs.
    Start,
    /// Stop the cluster (data kept).
    Stop,
    /// Whether the cluster exists and runs, where and on which port.
    Status,
    /// Print the connection URL (last line), usable by psql and as DATABASE_URL.
    Url,
    /// Stop the cluster and delete its data (asks first).
    Destroy(ConfirmArgs),
}

// =============================================================================================
// DBA runbook reports (issue 4): vacuum-report, slow-query, health, activity, sizes, indexes.
// =============================================================================================

/// Parse a size such as `1MB`, `512kB`, `0` (bytes, powers of 1024).
pub fn parse_size(s: &str) -> Result<i64, String> {
    match crate::reports::parse_threshold_value(s) {
        Ok(Some(v)) if (0.0..9.0e18).contains(&v) => Ok(v as i64),
        Ok(_) => Err(format!("`{s}` is not a size (e.g. 0, 512kB, 1MB, 2GB)")),
        Err(e) => Err(e.to_string()),
    }
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

/// `--schema` / `--table` filters (exact names, repeatable).
#[derive(Debug, Clone, Args, Default)]
pub struct RelFilterArgs {
    /// Only this schema (repeatable).
    #[arg(long, value_name = "SCHEMA")]
    pub schema: Vec<String>,

    /// Only tables with this name (repeatable; combine with --schema for one schema's table).
    #[arg(long, value_name = "TABLE")]
    pub table: Vec<String>,
}

#[derive(Debug, Args)]
pub struct VacuumReportArgs {
    #[command(flatten)]
    pub filter: RelFilterArgs,

    /// Only tables with at least N dead tuples (the runbook's view is 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub min_dead_tuples: Option<i64>,

    /// Only tables due for vacuum or analyze.
    #[arg(long)]
    pub due: bool,

    /// Add the statistics-based bloat estimate (marked unavailable where statistics are missing).
    #[arg(long)]
    pub bloat: bool,

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum SlowSort {
    /// Total time (execution + planning).
    #[default]
    Total,
    /// Mean time per call.
    Mean,
    /// Number of calls.
    Calls,
    /// Block I/O time.
    Io,
    /// Temporary blocks read and written.
    Temp,
}

#[derive(Debug, Args)]
pub struct SlowQueryArgs {
    /// Order by.
    #[arg(long, value_enum, default_value_t = SlowSort::Total)]
    pub sort: SlowSort,

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

    #[command(flatten)]
    pub confirm: ConfirmArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct HealthArgs {
    #[command(flatten)]
    pub report: ReportArgs,
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
    pub filter: RelFilterArgs,

    /// Show only the N largest tables.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct IndexesArgs {
    #[command(flatten)]
    pub filter: RelFilterArgs,

    /// Report never-scanned indexes as unused only from this size on.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1MB")]
    pub unused_min_size: i64,

    /// Tables with at least this many sequential scans…
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_seq_scans: i64,

    /// …and at least this many live rows are listed as sequentially scanned.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub min_rows: i64,

    #[command(flatten)]
    pub report: ReportArgs,
}
