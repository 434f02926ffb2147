//! Flags of `migrate` and its subcommands.

use super::*;

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
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5min")]
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

    /// Apply the ToWow migrations even where another migration tool (Alembic, Flyway, Prisma,
    /// sqlx, refinery for another app) manages the database.
    #[arg(long)]
    pub force: bool,

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
    /// Every known migration: version, name, state, applied time; the ToWow tables checked against
    /// the history (exit 1 when they are not what it says), or the migration tool that manages the
    /// database instead.
    #[command(after_help = "Examples:\n  towow-db migrate status\n  towow-db migrate status --format json")]
    Status,
    /// Exit 1 when applied migrations differ from the shipped ones or the ToWow tables differ from
    /// what they make (built in a throw-away shadow database).
    #[command(
        after_help = "Examples:\n  towow-db migrate verify\n  towow-db migrate verify --fail-on-pending\n  towow-db migrate verify --force   # on a database another migration tool manages"
    )]
    Verify(VerifyArgs),
    /// Roll back applied migrations with their down scripts (deletes data: asks first).
    #[command(
        after_help = "Examples:\n  towow-db migrate down --dry-run\n  towow-db migrate down --steps 1 --yes\n  towow-db migrate down --target 0 --yes"
    )]
    Down(MigrateDownArgs),
    /// Adopt ToWow tables made without towow-db (the app's init_db.py): bring them to the ToWow
    /// schema keeping every row, and record the history (asks first). --force: adopt again tables
    /// the app rebuilt under an existing history.
    #[command(
        after_help = "Examples:\n  towow-db migrate baseline --dry-run\n  towow-db migrate baseline\n  towow-db migrate baseline --yes --format json\n  towow-db migrate baseline --force --dry-run   # after the app's init_db.py --drop"
    )]
    Baseline(MigrateBaselineArgs),
}

#[derive(Debug, Clone, Args)]
pub struct MigrateBaselineArgs {
    /// Print what differs and the SQL that would run, and change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Adopt even a database that has a migration history (replaced by the adopted one: for
    /// tables the app rebuilt after towow-db made them), or that another migration tool manages.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub lock: LockArgs,

    #[command(flatten)]
    pub shadow: ShadowArgs,

    #[command(flatten)]
    pub confirm: ConfirmArgs,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    /// Also fail when shipped migrations are not applied yet.
    #[arg(long)]
    pub fail_on_pending: bool,

    /// Compare even where another migration tool (Alembic, Flyway, Prisma, sqlx, refinery for
    /// another app) manages the database.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub shadow: ShadowArgs,
}

/// Where the shadow database goes when the target's server cannot have one.
#[derive(Debug, Clone, Args, Default)]
pub struct ShadowArgs {
    /// Build the shadow database (the schema the migrations make) on this server when the
    /// target's role may not create databases there, e.g. `"$(towow-db local url | tail -n1)"`
    /// [env: TOWOW_SHADOW_URL]. No server is ever started for it.
    #[arg(long, value_name = "URL")]
    pub shadow_url: Option<String>,
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
