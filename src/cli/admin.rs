//! Flags of the administration commands: the local cluster, backups, roles, shell completions and
//! the man page.

use super::*;

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
    /// Back up the database: pg_dump in directory format, in parallel (or --dump-format custom:
    /// one .dump file), with a manifest (every table's row count, sha256 of every file); written
    /// under a temporary name, renamed when complete.
    #[command(
        after_help = "Examples:\n  towow-db backup create\n  towow-db backup create --dir /srv/backups --jobs 4\n  towow-db backup create --dump-format custom        # one pg_dump -Fc file, as restore scripts take\n  towow-db --url postgresql://towow@db/towow backup create --format json   # prints the manifest"
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
    /// pg_dump's format: `directory` (a folder, dumped with --jobs in parallel) or `custom` (one
    /// `.dump` file, pg_dump -Fc, dumped by one job); both gzip-compressed at level 6 and
    /// restored in parallel. (`--format` is the output's: table or json.)
    #[arg(long, short = 'F', value_enum, value_name = "FORMAT", default_value = "directory")]
    pub dump_format: crate::admin::backup::manifest::DumpFormat,

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
    /// instead of the target's own server (--url, DATABASE_URL, …; --local for the local cluster).
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

    /// Also set the password of roles that exist already (from TOWOW_*_PASSWORD or the prompt).
    /// Roles belong to the whole cluster: without it, an existing role's password is never
    /// changed, since other databases may use that role.
    #[arg(long)]
    pub reset_password: bool,
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
