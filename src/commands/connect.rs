//! Where a command connects, in one place: the targets the flags name, the managed local
//! cluster when nothing is configured (and for which commands: [`LocalDefault`]), the session and
//! write targets, and the pools built on them.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Result;

use crate::admin::local::{InitOptions, LocalCluster, Readiness};
use crate::cli::{BackupAction, Command, PartitionsAction, RolesAction};
use crate::commands::Ctx;
use crate::connect::{ConnConfig, ConnectOptions, Db, Resolved, Source};
use crate::error::Usage;

/// Whether the managed local cluster may answer when nothing names a database
/// (docs/connecting.md#the-local-cluster). The embedded default is for a developer's first
/// minute; a command that acts on or judges production data never gets it silently, because in
/// cron's environment (no `DATABASE_URL`, no `.env`) it would act on an empty local database and
/// report success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalDefault {
    /// The developer commands: `init`, `drop`, `migrate`, `seed`, `mock-agents`, `local`, on a
    /// terminal or not.
    Always,
    /// A report that only shows (no `--check`, no action): on a terminal, where the note that
    /// says which database answered is seen (not under `--quiet`).
    OnTerminal,
    /// Never without `--local`: the reason, for the message ("deletes rows").
    Never(&'static str),
}

/// What a `--check` report is for, in [`LocalDefault::Never`]'s words.
const JUDGES: &str = "judges a database for monitoring (--check)";

/// The local-cluster policy of `command` (see [`LocalDefault`]).
pub fn local_default(command: &Command) -> LocalDefault {
    use LocalDefault::{Always, Never, OnTerminal};
    let report = |check: bool| if check { Never(JUDGES) } else { OnTerminal };
    match command {
        Command::Init(_)
        | Command::Drop(_)
        | Command::Migrate(_)
        | Command::Seed(_)
        | Command::MockAgents(_)
        | Command::Local(_)
        | Command::Completions(_)
        | Command::Man(_) => Always,
        Command::Backup(a) => match a.action {
            BackupAction::Create(_) => Never("backs up a database"),
            BackupAction::Verify(_) => Never(
                "restores a backup into a scratch database on a server (--into URL, or the target's server)",
            ),
            BackupAction::Restore(_) => Never("restores a backup into a database"),
            BackupAction::List(_) | BackupAction::Prune(_) => Never("acts on backups"),
        },
        Command::Retention(_) => Never("deletes rows"),
        Command::Roles(a) => match a.action {
            RolesAction::Create(_) => Never("creates roles and grants privileges"),
            RolesAction::Show(_) => OnTerminal,
        },
        Command::Partitions(a) => match (&a.action, a.report.check) {
            (Some(PartitionsAction::Ensure(_)), _) => Never("creates partitions"),
            (None, check) => report(check),
        },
        Command::VacuumReport(a) if a.execute => Never("vacuums tables"),
        Command::VacuumReport(a) => report(a.report.check),
        Command::SlowQuery(a) if a.reset => Never("resets statistics"),
        Command::SlowQuery(a) => report(a.report.check),
        Command::Indexes(a) if a.rebuild.rebuild => Never("rebuilds indexes"),
        Command::Indexes(a) => report(a.report.check),
        Command::Advise(a) if a.create.create => Never("creates indexes"),
        Command::Advise(_) => OnTerminal,
        Command::Health(a) => report(a.report.check),
        Command::Activity(a) => report(a.report.check),
        Command::Sizes(a) => report(a.report.check),
        Command::Replication(a) => report(a.report.check),
        Command::Snapshot(_) => Never("records the statistics of a database"),
        Command::Report(_) => OnTerminal,
    }
}

impl Ctx {
    /// Whether the managed local cluster may answer here, when nothing names a database: a
    /// usage error (exit 2) naming what to set otherwise.
    fn local_allowed(&self) -> Result<()> {
        let why = match self.local_default {
            _ if self.global.local => return Ok(()),
            LocalDefault::Always => return Ok(()),
            LocalDefault::OnTerminal if std::io::stderr().is_terminal() && !self.global.quiet => {
                return Ok(());
            }
            LocalDefault::OnTerminal => "shows a database without a terminal to say which",
            LocalDefault::Never(why) => why,
        };
        Err(Usage(format!(
            "no database given: this command {why}, so it does not fall back to the local towow-db cluster; \
             name the database with --url URL, DATABASE_URL (environment or ./.env), the libpq variables \
             (PGHOST, PGDATABASE, …) or --targets NAME (towow-db.toml), or pass --local for the local cluster"
        ))
        .into())
    }

    /// The connection settings of a target of the targets file.
    fn named_target(&self, name: &str) -> Result<ConnConfig> {
        let file = crate::connect::targets::file(&self.env)?;
        let defs = crate::connect::targets::load(&file)?;
        let def = defs.iter().find(|d| d.name == name).ok_or_else(|| {
            let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
            Usage(format!(
                "--targets {name}: {} names no such target (it has: {})",
                file.display(),
                names.join(", ")
            ))
        })?;
        crate::connect::targets::resolve(def, &self.env)
    }

    /// Every database the flags name, in order: the `--url`s, then the `--targets` (or every
    /// target of the file with `--all-targets`). Each has a name for the `target` column.
    pub fn targets(&self) -> Result<Vec<(String, ConnConfig)>> {
        let mut out: Vec<(String, ConnConfig)> = Vec::new();
        for url in &self.global.url {
            let Resolved::Conn(c) = crate::connect::resolve(Some(url), &self.env)? else {
                unreachable!("a URL always resolves to a connection")
            };
            let host =
                if c.hosts.len() > 1 { c.hosts.join(",") } else { format!("{}:{}", c.host(), c.port()) };
            out.push((format!("{host}/{}", c.dbname_or_default()), *c));
        }
        let names: Vec<String> = if self.global.all_targets {
            let file = crate::connect::targets::file(&self.env)?;
            crate::connect::targets::load(&file)?.into_iter().map(|d| d.name).collect()
        } else {
            self.global.targets.clone()
        };
        for name in names {
            let cfg = self.named_target(&name)?;
            out.push((name, cfg));
        }
        // The same database twice gets a second name, so that rows can be told apart.
        for i in 1..out.len() {
            if out[..i].iter().any(|(n, _)| *n == out[i].0) {
                out[i].0 = format!("{} #{}", out[i].0, i + 1);
            }
        }
        Ok(out)
    }

    /// The connection target; with nothing configured, the local cluster (started if needed).
    /// Only the report commands take several databases.
    pub async fn target(&self) -> Result<ConnConfig> {
        if self.is_fleet() {
            return Err(Usage(
                "this command works on one database at a time: give one --url or --targets name (the report commands health, vacuum-report, slow-query, activity, sizes, indexes, replication and migrate status|verify take several)".into(),
            )
            .into());
        }
        let resolved = match self.global.targets.first() {
            Some(name) => Resolved::Conn(Box::new(self.named_target(name)?)),
            None if self.global.local => Resolved::Local,
            None => crate::connect::resolve(self.global.url.first().map(String::as_str), &self.env)?,
        };
        match resolved {
            Resolved::Conn(c) => {
                tracing::debug!("connecting to {c} (from {})", c.source);
                Ok(*c)
            }
            Resolved::Local => {
                self.local_allowed()?;
                let cluster = LocalCluster::default_cluster();
                let (cfg, state) = cluster.ensure_ready(&InitOptions::default()).await?;
                let what = match state {
                    Readiness::Created => "created and started",
                    Readiness::Started => "started",
                    Readiness::Running => "using",
                };
                let why = if self.global.local { "--local" } else { "no connection configured" };
                let line =
                    format!("{why}: {what} the local towow-db cluster at {} ({cfg})", cluster.dir.display());
                // Said on stderr whenever the policy is "on a terminal" (that is its condition),
                // and whenever the cluster had to be started.
                if state == Readiness::Running && self.local_default != LocalDefault::OnTerminal {
                    tracing::info!("{line}")
                } else {
                    self.out.note(line)
                }
                Ok(cfg)
            }
        }
    }

    /// The target of commands that need a session of their own (migrations hold an advisory
    /// lock): `--direct-url` / `DIRECT_DATABASE_URL` when given, else the usual target.
    pub async fn session_target(&self) -> Result<ConnConfig> {
        match crate::connect::resolve_direct(self.global.direct_url.as_deref(), &self.env)? {
            Some(c) => {
                tracing::debug!("connecting directly to {c} (from {})", c.source);
                Ok(c)
            }
            None => self.target().await,
        }
    }

    /// Resolve the session target, build the pool and connect (retrying under `--wait`).
    pub async fn connect_session(&self, default_statement_timeout: Option<Duration>) -> Result<Db> {
        let cfg = self.session_target().await?;
        let hint = local_hint(&cfg);
        Db::connect(cfg, self.connect_options(default_statement_timeout)?).await.map_err(hint)
    }

    /// `--statement-timeout`, else the command's default (see [`NO_STATEMENT_TIMEOUT`]).
    pub fn statement_timeout(&self, default: Option<Duration>) -> Option<Duration> {
        self.global.statement_timeout.or(default)
    }

    /// Session and pool options from the flags and `DB_POOL_SIZE` / `DB_POOL_TIMEOUT`, with the
    /// command's own default statement timeout.
    pub fn connect_options(&self, default_statement_timeout: Option<Duration>) -> Result<ConnectOptions> {
        let mut o = ConnectOptions {
            wait: self.global.wait,
            statement_timeout: self.statement_timeout(default_statement_timeout),
            ..ConnectOptions::default()
        };
        if let Some(t) = self.global.lock_timeout {
            o.lock_timeout = Some(t);
        }
        // The variables are read by the flags' own parsers: one rule, one message, exit 2.
        let var = |name: &str| self.env.get(name).map(|v| (name.to_string(), v.to_string()));
        let usage = |(name, e): (String, String)| Usage(format!("{name}: {e}"));
        o.pool_size = match (self.global.pool_size, var("DB_POOL_SIZE")) {
            (Some(n), _) => n,
            (None, Some((name, v))) => crate::cli::parse_pool_size(&v).map_err(|e| usage((name, e)))?,
            (None, None) => o.pool_size,
        };
        o.pool_timeout = match (self.global.pool_timeout, var("DB_POOL_TIMEOUT")) {
            (Some(t), _) => t,
            (None, Some((name, v))) => crate::units::parse_duration(&v).map_err(|e| usage((name, e)))?,
            (None, None) => o.pool_timeout,
        };
        Ok(o)
    }

    /// Resolve, build the pool and connect (retrying under `--wait`).
    pub async fn connect(&self, default_statement_timeout: Option<Duration>) -> Result<Db> {
        let cfg = self.target().await?;
        let hint = local_hint(&cfg);
        Db::connect(cfg, self.connect_options(default_statement_timeout)?).await.map_err(hint)
    }
}

/// The commands that write (`what`: the command, for messages): they run on a primary. Unless
/// the connection string says otherwise they ask for `read-write`, so that a standby is refused
/// (or, among several hosts, passed over) before anything starts.
impl Ctx {
    /// [`Ctx::target`], for a command that writes.
    pub async fn write_target(&self, what: &str) -> Result<ConnConfig> {
        let mut cfg = self.target().await?;
        cfg.for_writes(what)?;
        Ok(cfg)
    }

    /// [`Ctx::session_target`], for a command that writes.
    pub async fn write_session_target(&self, what: &str) -> Result<ConnConfig> {
        let mut cfg = self.session_target().await?;
        cfg.for_writes(what)?;
        Ok(cfg)
    }

    /// [`Ctx::connect`], for a command that writes.
    pub async fn connect_write(&self, what: &str, default_statement_timeout: Option<Duration>) -> Result<Db> {
        self.open_for_writes(self.write_target(what).await?, what, default_statement_timeout).await
    }

    /// [`Ctx::connect_session`], for a command that writes.
    pub async fn connect_session_write(
        &self,
        what: &str,
        default_statement_timeout: Option<Duration>,
    ) -> Result<Db> {
        self.open_for_writes(self.write_session_target(what).await?, what, default_statement_timeout).await
    }

    async fn open_for_writes(
        &self,
        cfg: ConnConfig,
        what: &str,
        statement_timeout: Option<Duration>,
    ) -> Result<Db> {
        let hint = local_hint(&cfg);
        Db::connect(cfg, self.connect_options(statement_timeout)?).await.map_err(hint).map_err(writes(what))
    }
}

/// A refusal for want of a primary says which command wanted one.
pub fn writes(what: &str) -> impl FnOnce(anyhow::Error) -> anyhow::Error + use<> {
    let what = what.to_string();
    move |e| match crate::connect::pool::is_wrong_kind(&e) {
        true => e.context(format!("`{what}` writes, so it runs on the primary only")),
        false => e,
    }
}

/// A refused connection to the managed local cluster's port while that cluster is stopped (a
/// `DATABASE_URL` from `local url`, after `local stop`): say so, and how to start it.
pub fn local_hint(cfg: &ConnConfig) -> impl FnOnce(anyhow::Error) -> anyhow::Error + use<> {
    let cluster = LocalCluster::default_cluster();
    let loopback = matches!(cfg.host(), "127.0.0.1" | "localhost" | "::1");
    let ours =
        cfg.source != Source::Local && loopback && cluster.state().is_ok_and(|st| st.port == cfg.port());
    move |e: anyhow::Error| {
        let refused = ours && crate::error::render(&e).contains("refused");
        if refused && !cluster.is_running().unwrap_or(true) {
            e.context(format!(
                "the local towow-db cluster at {} is stopped: start it with `towow-db local start`",
                cluster.dir.display()
            ))
        } else {
            e
        }
    }
}

/// The history store, and what the targets file says of a target.
impl Ctx {
    /// `expect_standbys` of the target `cfg` came from (the targets file), if it says.
    pub fn target_expect_standbys(&self, cfg: &ConnConfig) -> Option<u32> {
        let Source::Target(name) = &cfg.source else { return None };
        let file = crate::connect::targets::file(&self.env).ok()?;
        let defs = crate::connect::targets::load(&file).ok()?;
        defs.into_iter().find(|d| &d.name == name)?.expect_standbys
    }

    /// The central history store, when `--history-url` / `TOWOW_HISTORY_URL` names one (`None`:
    /// each target keeps its own history, schema `towow_history` in its database).
    pub async fn history_store(&self) -> Result<Option<Db>> {
        let url = match self.global.history_url.as_deref().or(self.env.get("TOWOW_HISTORY_URL")) {
            Some(u) => u.to_string(),
            None => return Ok(None),
        };
        let Resolved::Conn(cfg) = crate::connect::resolve(Some(&url), &self.env)? else {
            unreachable!("a URL always resolves to a connection")
        };
        let db = Db::connect(*cfg, self.connect_options(crate::commands::REPORT_STATEMENT_TIMEOUT)?)
            .await
            .map_err(|e| e.context("cannot connect to the history store (--history-url)"))?;
        Ok(Some(db))
    }
}

/// The maintenance commands' connection: the session's `lock_timeout` is the long one of the
/// steps that block nobody (see `maintenance::SESSION_LOCK_TIMEOUT`); their statements that do
/// block set the short one themselves. A pool of at least two (a second connection watches).
/// They write, so they run on the primary (`what`: the command, for messages).
impl Ctx {
    pub async fn connect_maintenance(&self, what: &str) -> Result<Db> {
        let cfg = self.write_target(what).await?;
        let mut opts = self.connect_options(None)?;
        opts.lock_timeout = Some(crate::maintenance::SESSION_LOCK_TIMEOUT);
        opts.pool_size = opts.pool_size.max(2);
        let hint = local_hint(&cfg);
        Db::connect(cfg, opts).await.map_err(hint).map_err(writes(what))
    }
}
