//! Every clap type of the tool, so that `--help`, the shell completions and the man page all come
//! from the same definitions: the top level, global flags and value parsers here, each command's
//! flags in the file of its layer (as in `commands/`).

mod admin;
mod data;
mod maintenance;
mod migrate;
mod reports;

pub use admin::*;
pub use data::*;
pub use maintenance::*;
pub use migrate::*;
pub use reports::*;

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

/// A point in time: a date (`2026-06-01`, midnight UTC) or an RFC 3339 time.
pub fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let secs = parse_as_of(s)?;
    chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| format!("`{s}` is out of range"))
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
        the developer commands (init, drop, migrate, seed, mock-agents, local) use a local cluster \
        that towow-db manages itself; the commands that act on or judge production data (backup, \
        retention, roles create, --check, …) then stop and say what to set, or take --local.",
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

    /// The managed local cluster, said explicitly: what the commands that act on or judge
    /// production data (backups, retention, `--check`, …) need to use it when nothing else is
    /// configured (docs/connecting.md#the-local-cluster).
    #[arg(long, global = true, conflicts_with_all = ["url", "targets", "all_targets"], help_heading = CONNECTION)]
    pub local: bool,

    /// Where the history of snapshots is kept (a central database for a fleet) [env:
    /// TOWOW_HISTORY_URL]; default: schema towow_history in the monitored database itself.
    #[arg(long, global = true, value_name = "URL", help_heading = CONNECTION)]
    pub history_url: Option<String>,

    /// Direct URL to PostgreSQL, past any connection pooler, for the commands that need a session
    /// of their own (migrate, migrate down, init) [env: DIRECT_DATABASE_URL].
    #[arg(long, global = true, value_name = "URL", help_heading = CONNECTION)]
    pub direct_url: Option<String>,

    /// Keep retrying the first connection (exponential backoff) for up to this long, e.g. `30s`,
    /// `2min`: until the server starts, or a host of the wanted kind accepts (a failover).
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
            .field("local", &self.local)
            .field("direct_url", &redact(&self.direct_url))
            .field("history_url", &redact(&self.history_url))
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

    // DBA runbook reports (their argument types are in reports.rs).
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
        after_help = "Examples:\n  towow-db indexes\n  towow-db indexes --unused-min-size 0 --format json\n  towow-db indexes --min-seq-scans 1000 --min-rows 100000\n  towow-db indexes --exact --format json       # index sizes from the files, not relpages\n  towow-db indexes --check\n  towow-db indexes --bloat --table task_history\n  towow-db indexes --rebuild --dry-run                # what is invalid or estimated bloated\n  towow-db indexes --rebuild --bloat-threshold 40 --yes   # REINDEX INDEX CONCURRENTLY, one at a time\n  towow-db indexes --rebuild --index idx_messages_tenant_session_time --yes"
    )]
    Indexes(IndexesArgs),

    /// Index advice for the heaviest statements, proven with hypopg; --create builds it and
    /// measures the statements before and after.
    #[command(
        after_help = "Examples:\n  towow-db advise                                 # the top 20 statements by total time\n  towow-db advise --limit 50 --min-calls 10 --format json\n  towow-db advise --table task_history --min-speedup 3\n  towow-db advise --create --yes                  # build the advice, measure before and after\n  towow-db advise --create --drop-unhelpful --yes # and drop what did not help as predicted\n\nNeeds pg_stat_statements and hypopg (CREATE EXTENSION hypopg); without hypopg the candidates are\nlisted as unproven. See docs/reports.md#advise."
    )]
    Advise(AdviseArgs),

    /// One self-contained HTML page of a database's health and trends (or of several): mail it,
    /// attach it to a ticket, archive it.
    #[command(
        after_help = "Examples:\n  towow-db report --html health.html                       # the last 7 days of the history\n  towow-db report --html - --since 24h > today.html\n  towow-db --all-targets report --html fleet.html         # every database of towow-db.toml, worst first"
    )]
    Report(PageArgs),

    /// Record one reading of the statistics in the history store (for windowed checks, trends,
    /// `slow-query --since`, `sizes --growth`); safe to run every minute from cron.
    #[command(
        after_help = "Examples:\n  towow-db --url postgresql://monitor@db/towow snapshot\n  * * * * * towow-db --url … snapshot -q --keep 30d          # cron, every minute\n  towow-db --all-targets --history-url postgresql://…@metrics/history snapshot   # a fleet, one central store"
    )]
    Snapshot(SnapshotArgs),

    // Maintenance: fix what the reports find (their argument types are in maintenance.rs).
    /// Delete rows older than a cut-off in short transactions; drop partitions wholly older.
    #[command(
        after_help = "Examples:\n  towow-db retention --table system_metrics --column recorded_at --older-than 30d --dry-run\n  towow-db retention --table public.task_history --column timestamp --older-than 30d --yes\n  towow-db retention --table messages --column created_at --older-than 1y --archive /srv/archive --yes\n  towow-db retention --config /etc/towow-db/retention.conf --max-duration 30min --yes\n\nA rule file holds one rule per line, written as the flags above (# starts a comment):\n  --table system_metrics --column recorded_at --older-than 30d\n  --table messages --column created_at --older-than 1y --archive /srv/archive --batch-size 20000\nSee docs/maintenance.md."
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
