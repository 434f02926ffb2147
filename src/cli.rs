//! Every clap type of the tool, in one place, so that `--help`, the shell completions and the
//! man page all come from the same definitions.

use std::time::Duration;

use clap::{Args, Parser, Subcommand};

pub use crate::output::Format;

use crate::units::{parse_count, parse_duration};

/// `--statement-timeout`, `--lock-timeout`: a duration PostgreSQL accepts for a timeout (whole
/// milliseconds up to 2^31 - 1, about 24 days), refused before connecting otherwise.
pub fn parse_session_timeout(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d.as_millis() > i32::MAX as u128 {
        return Err(format!(
            "`{}` is longer than PostgreSQL allows for a timeout (at most 24 days)",
            s.trim()
        ));
    }
    Ok(d)
}

/// `--pool-size`: 1 to 1000 connections.
pub fn parse_pool_size(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=1000).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a pool size (1 to 1000 connections)")),
    }
}

/// A count of at least 1.
pub fn parse_positive_count(s: &str) -> Result<u64, String> {
    if s.starts_with('-') {
        return Err(format!("`{s}` is negative; this count is 1 or more"));
    }
    match parse_count(s)? {
        0 => Err("must be at least 1".into()),
        n => Ok(n),
    }
}

/// A per-demand count (0 allowed, at most `data::MAX_PER_DEMAND`).
pub fn parse_per_demand(s: &str) -> Result<u32, String> {
    let n = parse_count(s)?;
    if n > crate::data::MAX_PER_DEMAND as u64 {
        return Err(format!(
            "{n} per demand is more than this tool generates (at most {})",
            crate::data::MAX_PER_DEMAND
        ));
    }
    Ok(n as u32)
}

/// `--as-of`: a date (`2026-06-01`) or an RFC 3339 time, as UTC seconds.
pub fn parse_as_of(s: &str) -> Result<i64, String> {
    let t = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).map(|x| x.and_utc().timestamp()).unwrap_or_default());
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp())
        .map_err(|_| format!("`{t}` is not a date (2026-06-01) or an RFC 3339 time (2026-06-01T12:00:00Z)"))
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

/// Flags accepted before or after the subcommand, shown under their own headings in every
/// `--help`. `Debug` redacts the URLs' passwords.
#[derive(Clone, Args, Default)]
pub struct GlobalArgs {
    /// Connection URL (postgresql://, postgres://, postgresql+asyncpg://) or libpq key=value string;
    /// several hosts (postgresql://h1,h2/db?target_session_attrs=read-write) find the primary. The
    /// report commands take it more than once: one database each.
    #[arg(long, global = true, visible_alias = "database-url", value_name = "URL", action = clap::ArgAction::Append, help_heading = CONNECTION)]
    pub url: Vec<String>,

    /// Databases named in the targets file (towow-db.toml, see docs/replication.md), comma-separated
    /// or repeated; several for the report commands only.
    #[arg(long, global = true, value_name = "NAMES", value_delimiter = ',', action = clap::ArgAction::Append, help_heading = CONNECTION)]
    pub targets: Vec<String>,

    /// Report commands: every database of the targets file, concurrently, in one table.
    #[arg(long, global = true, help_heading = CONNECTION)]
    pub all_targets: bool,

    /// Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session
    /// of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL].
    #[arg(long, global = true, value_name = "URL", help_heading = CONNECTION)]
    pub direct_url: Option<String>,

    /// Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`,
    /// `2m`: until the server starts, or a host of the wanted kind accepts (a failover).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, help_heading = CONNECTION)]
    pub wait: Option<Duration>,

    /// statement_timeout for the session (`0` = none). Default depends on the command.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_session_timeout, help_heading = CONNECTION)]
    pub statement_timeout: Option<Duration>,

    /// lock_timeout for the session (`0` = none). Default 30s.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_session_timeout, help_heading = CONNECTION)]
    pub lock_timeout: Option<Duration>,

    /// Maximum connections in the pool [env: DB_POOL_SIZE] (default 4).
    #[arg(long, global = true, value_name = "N", value_parser = parse_pool_size, help_heading = CONNECTION)]
    pub pool_size: Option<usize>,

    /// How long to wait for a pooled connection [env: DB_POOL_TIMEOUT, seconds] (default 30s).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, help_heading = CONNECTION)]
    pub pool_timeout: Option<Duration>,

    /// Output format.
    #[arg(long, global = true, value_enum, value_name = "FORMAT", help_heading = OUTPUT)]
    pub format: Option<Format>,

    /// Tables: show every column (the default set fits a terminal).
    #[arg(long, global = true, help_heading = OUTPUT)]
    pub wide: bool,

    /// Tables: show these columns, in this order (comma-separated header names, e.g. `table,dead %`).
    #[arg(long, global = true, value_name = "NAMES", conflicts_with = "wide", help_heading = OUTPUT)]
    pub columns: Option<String>,

    /// More detail on stderr (repeat for more). Never shows secrets.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = OUTPUT)]
    pub verbose: u8,

    /// Errors only: no tables, notes or progress (JSON still prints with --format json); the exit
    /// code carries the result.
    #[arg(short, long, global = true, help_heading = OUTPUT)]
    pub quiet: bool,
}

/// The help heading of the global connection flags.
const CONNECTION: &str = "Connection (any command)";
/// The help heading of the global output flags.
const OUTPUT: &str = "Output (any command)";

impl std::fmt::Debug for GlobalArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redact = |u: &Option<String>| u.as_deref().map(crate::redact::redact_url);
        let urls: Vec<String> = self.url.iter().map(|u| crate::redact::redact_url(u)).collect();
        f.debug_struct("GlobalArgs")
            .field("url", &urls)
            .field("targets", &self.targets)
            .field("all_targets", &self.all_targets)
            .field("direct_url", &redact(&self.direct_url))
            .field("format", &self.format)
            .field("verbose", &self.verbose)
            .field("quiet", &self.quiet)
            .field("wait", &self.wait)
            .field("statement_timeout", &self.statement_timeout)
            .field("lock_timeout", &self.lock_timeout)
            .field("pool_size", &self.pool_size)
            .field("pool_timeout", &self.pool_timeout)
            .field("wide", &self.wide)
            .field("columns", &self.columns)
            .finish()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // Schema: set up, migrate, tear down.
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

    /// Apply, inspect, verify, roll back schema migrations, or adopt a database the app made.
    #[command(
        after_help = "Examples:\n  towow-db migrate --wait 60s\n  towow-db migrate --dry-run\n  towow-db migrate status --format json\n  towow-db migrate verify\n  towow-db migrate down --steps 1 --yes\n  towow-db migrate baseline --dry-run"
    )]
    Migrate(MigrateArgs),

    // Data.
    /// Load data: the ToWow sample rows, a seed file, or generated demands at scale (binary COPY).
    #[command(
        after_help = "Examples:\n  towow-db seed                                   # the ToWow sample rows (idempotent)\n  towow-db seed --file my-seed.jsonl\n  towow-db seed --demands 100000 --responses-per-demand 5 --channels-per-demand 1\n  towow-db seed --demands 1M --seed 7 --format json"
    )]
    Seed(SeedArgs),

    /// Load the mock agent set (default 100 agents over ten agent types); re-runs add nothing.
    #[command(
        name = "mock-agents",
        after_help = "Examples:\n  towow-db mock-agents                      # the default 100, always the same\n  towow-db mock-agents --count 1000 --locale en --seed 7   # a second set, in English\n  towow-db mock-agents --seed 42 --replace --yes"
    )]
    MockAgents(MockAgentsArgs),

    // DBA runbook reports (their argument types are at the end of this file).
    /// Tables due for VACUUM/ANALYZE (autovacuum's own math), XID/MultiXact age, xmin horizon holders.
    #[command(
        name = "vacuum-report",
        after_help = "Examples:\n  towow-db vacuum-report\n  towow-db vacuum-report --min-dead-tuples 1000     # the runbook's own view\n  towow-db vacuum-report --due --schema public --format json\n  towow-db vacuum-report --bloat --table agent_profiles\n  towow-db vacuum-report --exact                    # sizes from the files, not relpages\n  towow-db vacuum-report --check                    # exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n  towow-db vacuum-report --execute --yes            # VACUUM (ANALYZE) the due tables, one by one"
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

    /// Streaming replication: standbys and their lag (bytes, seconds), slots and the WAL they keep,
    /// the archiver; on a standby, its WAL receiver and replay.
    #[command(
        after_help = "Examples:\n  towow-db replication                                   # on the primary or on a standby\n  towow-db replication --check --threshold replication_lag_bytes=16MB:256MB\n  towow-db replication --format json | jq '.slots[] | {slot_name, retained_wal_bytes}'\n  towow-db --all-targets replication --check             # every database of towow-db.toml"
    )]
    Replication(ReplicationArgs),

    /// Index usage: unused, duplicate, invalid and bloated indexes, sequential scans; --rebuild fixes them.
    #[command(
        after_help = "Examples:\n  towow-db indexes\n  towow-db indexes --unused-min-size 0 --format json\n  towow-db indexes --min-seq-scans 1000 --min-rows 100000\n  towow-db indexes --exact --format json       # index sizes from the files, not relpages\n  towow-db indexes --check\n  towow-db indexes --bloat --table task_history\n  towow-db indexes --rebuild --dry-run                # what is invalid or estimated bloated\n  towow-db indexes --rebuild --bloat-threshold 40 --yes   # REINDEX INDEX CONCURRENTLY, one at a time"
    )]
    Indexes(IndexesArgs),

    // Maintenance: fix what the reports find (their argument types are in the maintenance
    // section below).
    /// Delete rows older than a cut-off in short transactions; drop partitions wholly older.
    #[command(
        after_help = "Examples:\n  towow-db retention --table system_metrics --column recorded_at --older-than 30d --dry-run\n  towow-db retention --table public.task_history --column timestamp --older-than 30d --yes\n  towow-db retention --table messages --column created_at --older-than 1y --archive /srv/archive --yes\n  towow-db retention --config /etc/towow-db/retention.conf --max-duration 30m --yes\n\nA rule file holds one rule per line, written as the flags above (# starts a comment):\n  --table system_metrics --column recorded_at --older-than 30d\n  --table messages --column created_at --older-than 1y --archive /srv/archive --batch-size 20000\nSee docs/maintenance.md."
    )]
    Retention(RetentionArgs),

    /// Partitioned tables: strategy, key, partitions, default rows, gaps, days until inserts fail;
    /// `ensure` creates the next range partitions.
    #[command(
        after_help = "Examples:\n  towow-db partitions\n  towow-db partitions --table messages --format json\n  towow-db partitions --check                      # WARNING with fewer than 2 future partitions, CRITICAL with none\n  towow-db partitions --check --threshold future_partitions=3:1\n  towow-db partitions ensure --table messages --ahead 3\n  towow-db partitions ensure --table public.messages --ahead 6 --dry-run"
    )]
    Partitions(PartitionsArgs),

    // Administration and the shell.
    /// Create, update or show the least-privilege roles (towow_app, towow_migrate, read-only).
    #[command(
        after_help = "Examples:\n  TOWOW_APP_PASSWORD=… TOWOW_MIGRATE_PASSWORD=… towow-db roles create\n  towow-db roles create --readonly-role          # also towow_readonly (TOWOW_READONLY_PASSWORD)\n  towow-db roles show --format json"
    )]
    Roles(RolesArgs),

    /// Backups you can prove: create (pg_dump), list, verify (restore drills), restore, prune.
    #[command(
        after_help = "Examples:\n  towow-db backup create                         # pg_dump -Fd -j <cores> + manifest\n  towow-db backup list\n  towow-db backup verify --latest                # restore drill into a scratch database\n  towow-db backup verify --check                 # cron/Nagios: a recent backup proven restorable?\n  towow-db backup restore towow-20260601T030000Z --into postgresql://towow@db2/towow\n  towow-db backup prune --keep-days 30 --keep-last 4 --yes\n\nBackups go to --dir, else TOWOW_BACKUP_DIR, else ~/.local/share/towow-db/backups\n(/var/lib/towow-db/backups for root). See docs/backups.md."
    )]
    Backup(BackupArgs),

    /// Manage the local PostgreSQL cluster used when no connection is configured.
    #[command(
        after_help = "Examples:\n  towow-db local start\n  psql \"$(towow-db local url | tail -n1)\"\n  towow-db local destroy --yes"
    )]
    Local(LocalArgs),

    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    #[command(
        after_help = "Examples:\n  towow-db completions bash > /etc/bash_completion.d/towow-db\n  towow-db completions zsh > \"${fpath[1]}/_towow-db\"\n  towow-db completions fish > ~/.config/fish/completions/towow-db.fish"
    )]
    Completions(CompletionsArgs),

    /// Print a man page (roff) on stdout, or write every page into a directory.
    #[command(
        after_help = "Examples:\n  towow-db man | man -l -\n  towow-db man migrate down | man -l -     # the page towow-db-migrate-down(1)\n  towow-db man --dir /usr/local/share/man/man1   # towow-db.1 and one page per command"
    )]
    Man(ManArgs),
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

    /// How many mock agents to load (implies --mock-agents) [default: 100].
    #[arg(long, value_name = "N", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub mock_agents_count: Option<u64>,

    /// Language of the mock agents' names and texts.
    #[arg(long, value_enum, default_value_t)]
    pub locale: crate::data::generators::Locale,

    /// Do not create the database when it does not exist.
    #[arg(long)]
    pub no_create_database: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

/// Flags shared by the data generators.
#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    /// Random seed: the same seed gives the same rows, ids included.
    #[arg(long, value_name = "N", default_value_t = crate::data::generators::DEFAULT_SEED,
          value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: u64,

    /// Language of generated names and texts.
    #[arg(long, value_enum, default_value_t)]
    pub locale: crate::data::generators::Locale,

    /// Generate times as if today were this date (fixed by default so that a seed always gives
    /// the same rows).
    #[arg(long, value_name = "DATE", default_value = "2026-06-01", value_parser = parse_as_of)]
    pub as_of: i64,
}

#[derive(Debug, Args)]
pub struct SeedArgs {
    /// Load this seed file (JSON Lines, the format of seeds/sample.jsonl) instead of the sample.
    #[arg(long, value_name = "PATH")]
    pub file: Option<std::path::PathBuf>,

    /// Also load the ToWow sample rows (the default when no --file and no --demands is given).
    #[arg(long)]
    pub sample_data: bool,

    /// Generate this many demands (with their responses and channels).
    #[arg(long, value_name = "N", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub demands: Option<u64>,

    /// Agent responses per generated demand [default: 3].
    #[arg(long, value_name = "M", value_parser = parse_per_demand, requires = "demands", allow_negative_numbers = true)]
    pub responses_per_demand: Option<u32>,

    /// Collaboration channels per generated demand [default: 1].
    #[arg(long, value_name = "K", value_parser = parse_per_demand, requires = "demands", allow_negative_numbers = true)]
    pub channels_per_demand: Option<u32>,

    #[command(flatten)]
    pub generator: GenArgs,

    /// Delete previously generated demands (and their responses and channels) first. Asks.
    #[arg(long, requires = "demands")]
    pub replace: bool,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct MockAgentsArgs {
    /// How many agents the set has.
    #[arg(long, value_name = "N", default_value = "100", value_parser = parse_positive_count, allow_negative_numbers = true)]
    pub count: u64,

    #[command(flatten)]
    pub generator: GenArgs,

    /// Delete every earlier towow-db mock agent (and, by cascade, their responses) first. Asks.
    #[arg(long)]
    pub replace: bool,

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
    #[command(after_help = "Examples:\n  towow-db migrate up\n  towow-db migrate up --target 1 --dry-run")]
    Up(MigrateUpArgs),
    /// Every known migration: version, name, state, applied time.
    #[command(after_help = "Examples:\n  towow-db migrate status\n  towow-db migrate status --format json")]
    Status,
    /// Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from
    /// what they make (built in a throw-away shadow database).
    #[command(
        after_help = "Examples:\n  towow-db migrate verify\n  towow-db migrate verify --fail-on-pending"
    )]
    Verify(VerifyArgs),
    /// Roll back applied migrations with their down scripts (deletes data: asks first).
    #[command(
        after_help = "Examples:\n  towow-db migrate down --dry-run\n  towow-db migrate down --steps 1 --yes\n  towow-db migrate down --target 0 --yes"
    )]
    Down(MigrateDownArgs),
    /// Adopt ToWow tables made without towow-db (the app's init_db.py): bring them to the ToWow
    /// schema keeping every row, and record the history (asks first).
    #[command(
        after_help = "Examples:\n  towow-db migrate baseline --dry-run\n  towow-db migrate baseline\n  towow-db migrate baseline --yes --format json"
    )]
    Baseline(MigrateBaselineArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MigrateBaselineArgs {
    /// Print what differs and the SQL that would run, and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub lock: LockArgs,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
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
    #[command(after_help = "Examples:\n  towow-db local start")]
    Start,
    /// Stop the cluster (data kept).
    #[command(after_help = "Examples:\n  towow-db local stop")]
    Stop,
    /// Whether the cluster exists and runs, where and on which port.
    #[command(after_help = "Examples:\n  towow-db local status\n  towow-db local status --format json")]
    Status,
    /// Print the connection URL (last line), usable by psql and as DATABASE_URL.
    #[command(
        after_help = "Examples:\n  psql \"$(towow-db local url | tail -n1)\"\n  export DATABASE_URL=\"$(towow-db local url | tail -n1)\""
    )]
    Url,
    /// Stop the cluster and delete its data (asks first).
    #[command(after_help = "Examples:\n  towow-db local destroy\n  towow-db local destroy --yes")]
    Destroy(ConfirmArgs),
}

// --- Backups (issue 10) ---

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub action: BackupAction,
}

/// `--dir`: the backup folder.
#[derive(Debug, Clone, Args)]
pub struct BackupDirArgs {
    /// The backup folder [env: TOWOW_BACKUP_DIR] [default: ~/.local/share/towow-db/backups, /var/lib/towow-db/backups for root].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

/// `--jobs`: parallel pg_dump/pg_restore jobs.
#[derive(Debug, Clone, Args)]
pub struct JobsArgs {
    /// Parallel pg_dump / pg_restore jobs (connections) [default: the number of cores].
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Back up the database: pg_dump in directory format, in parallel, with a manifest (row counts,
    /// sha256 of every file); written under a temporary name, renamed when complete.
    #[command(
        after_help = "Examples:\n  towow-db backup create\n  towow-db backup create --dir /srv/backups --jobs 4\n  towow-db --url postgresql://towow@db/towow backup create --format json   # prints the manifest"
    )]
    Create(BackupCreateArgs),
    /// Every backup: time, size, duration, state (complete, incomplete, corrupt), last drill.
    #[command(after_help = "Examples:\n  towow-db backup list\n  towow-db backup list --format json")]
    List(BackupDirArgs),
    /// The restore drill: check every checksum, restore into a scratch database, compare row
    /// counts and the schema, record the outcome; exit 1 on any difference. --check: monitoring.
    #[command(
        after_help = "Examples:\n  towow-db backup verify --latest                 # on the managed local cluster\n  towow-db backup verify towow-20260601T030000Z --into postgresql://postgres@scratch-host/postgres\n  towow-db backup verify --check                  # no drill: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n  towow-db backup verify --latest --check --threshold verified_backup_age_s=8d:15d"
    )]
    Verify(BackupVerifyArgs),
    /// Restore a backup into a database (pg_restore in parallel), checksums first; refuses a target
    /// holding the backup's tables unless --clean (asks).
    #[command(
        after_help = "Examples:\n  towow-db backup restore towow-20260601T030000Z --into postgresql://towow@db2/towow_copy\n  towow-db backup restore towow-20260601T030000Z --into postgresql://towow@db/towow --clean --yes"
    )]
    Restore(BackupRestoreArgs),
    /// Delete old backups, each database's by its own count: keep those within --keep-days or among
    /// the --keep-last newest; never a database's newest complete nor its newest verified one;
    /// incomplete leftovers after a day. Asks.
    #[command(
        after_help = "Examples:\n  towow-db backup prune --keep-days 30 --dry-run\n  towow-db backup prune --keep-days 30 --keep-last 4 --yes   # weekly backups, the document's policy"
    )]
    Prune(BackupPruneArgs),
}

#[derive(Debug, Args)]
pub struct BackupCreateArgs {
    #[command(flatten)]
    pub dir: BackupDirArgs,

    #[command(flatten)]
    pub jobs: JobsArgs,
}

#[derive(Debug, Args)]
pub struct BackupVerifyArgs {
    /// The backup to drill (a name from `backup list`, or a backup folder's path).
    #[arg(value_name = "NAME", conflicts_with = "latest")]
    pub name: Option<String>,

    /// Drill the newest complete backup (the default without NAME, unless --check is given alone).
    #[arg(long)]
    pub latest: bool,

    /// Create the scratch database on this server (the URL's database is only used to connect)
    /// instead of the managed local cluster.
    #[arg(long, value_name = "URL")]
    pub into: Option<String>,

    #[command(flatten)]
    pub jobs: JobsArgs,

    #[command(flatten)]
    pub dir: BackupDirArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct BackupRestoreArgs {
    /// The backup to restore (a name from `backup list`, or a backup folder's path).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The database to restore into (created when missing).
    #[arg(long, value_name = "URL")]
    pub into: String,

    /// Drop the backup's objects in the target first (pg_restore --clean --if-exists). Asks.
    #[arg(long)]
    pub clean: bool,

    /// Do not restore the tables' owners (pg_restore --no-owner): for a server without the roles.
    #[arg(long)]
    pub no_owner: bool,

    /// Do not restore GRANTs (pg_restore --no-privileges).
    #[arg(long)]
    pub no_privileges: bool,

    #[command(flatten)]
    pub jobs: JobsArgs,

    #[command(flatten)]
    pub dir: BackupDirArgs,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Args)]
pub struct BackupPruneArgs {
    /// Keep every complete backup younger than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub keep_days: u32,

    /// Also keep the N newest complete backups of each database, however old.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub keep_last: u32,

    /// Only list what would be deleted.
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub dir: BackupDirArgs,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

// --- Production (issue 5): roles, shell completions, man page ---

#[derive(Debug, Args)]
pub struct RolesArgs {
    #[command(subcommand)]
    pub action: RolesAction,
}

#[derive(Debug, Subcommand)]
pub enum RolesAction {
    /// Create (or update) the roles and grant them their privileges; idempotent. Passwords come
    /// from TOWOW_APP_PASSWORD / TOWOW_MIGRATE_PASSWORD / TOWOW_READONLY_PASSWORD or a prompt.
    #[command(
        after_help = "Examples:\n  TOWOW_APP_PASSWORD=… TOWOW_MIGRATE_PASSWORD=… towow-db roles create\n  towow-db roles create --app-role app_rw --migrate-role app_ddl --schema public\n  towow-db roles create --readonly-role readonly_user\n\nA new role needs a password: from its environment variable, else typed at the prompt (not\nechoed). An existing role keeps its password unless its variable is set. Passwords are sent\nas SCRAM-SHA-256 verifiers computed here, never in clear, and never printed."
    )]
    Create(RolesCreateArgs),
    /// Who may do what on the ToWow tables: every role's effective privileges, and the default
    /// privileges for future tables.
    #[command(
        after_help = "Examples:\n  towow-db roles show\n  towow-db roles show --format json | jq '.roles[] | {role, tables}'"
    )]
    Show(RolesShowArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RolesCreateArgs {
    /// The application's role: DML only (SELECT, INSERT, UPDATE, DELETE; sequences).
    #[arg(long, value_name = "NAME", default_value = "towow_app")]
    pub app_role: String,

    /// The migration role: CREATE on the schema, owner of the ToWow tables.
    #[arg(long, value_name = "NAME", default_value = "towow_migrate")]
    pub migrate_role: String,

    /// Also a read-only role (SELECT only), by default named towow_readonly.
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "towow_readonly")]
    pub readonly_role: Option<String>,

    /// The schema of the ToWow tables.
    #[arg(long, value_name = "SCHEMA", default_value = "public")]
    pub schema: String,

    /// Leave the owner of existing ToWow tables alone (then only their owner can migrate them).
    #[arg(long)]
    pub keep_owner: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RolesShowArgs {
    /// The schema of the ToWow tables.
    #[arg(long, value_name = "SCHEMA", default_value = "public")]
    pub schema: String,
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// The command whose page to print (e.g. `migrate down`); none for the main page.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,

    /// Write the main page and one page per command (towow-db-init.1, …) into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// =============================================================================================
// Maintenance (issue 11): retention, partitions, index rebuilds.
// =============================================================================================

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

    /// Rows per batch; each batch is one short transaction.
    #[arg(long, value_name = "N", default_value = "10000", value_parser = parse_positive_count)]
    pub batch_size: u64,

    /// Pause between batches (e.g. 100ms): room for the application and for replicas to catch up.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "0")]
    pub pause: Duration,

    /// Dump each partition with pg_dump (custom format) into this folder before dropping it.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<std::path::PathBuf>,

    /// Do not VACUUM (ANALYZE) the tables deleted from afterwards.
    #[arg(long)]
    pub no_vacuum: bool,
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

// =============================================================================================
// DBA runbook reports (issue 4): vacuum-report, slow-query, health, activity, sizes, indexes.
// =============================================================================================

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
pub struct ReplicationArgs {
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
    pub filter: crate::reports::Filter,

    /// Show only the N largest tables.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_dates_and_timeouts() {
        assert!(parse_positive_count("0").is_err());
        assert!(parse_per_demand("20000").is_err());
        assert_eq!(parse_as_of("2026-06-01"), Ok(1_780_272_000));
        assert!(parse_as_of("June").is_err());
        assert_eq!(parse_session_timeout("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_session_timeout("2147483647ms"), Ok(Duration::from_millis(2_147_483_647)));
        for bad in ["2147483648ms", "25d", "18446744073709551615"] {
            assert!(
                parse_session_timeout(bad).unwrap_err().contains("longer than PostgreSQL allows"),
                "{bad}"
            );
        }
    }
}
