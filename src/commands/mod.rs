//! Command glue: read flags, call one core function, render its result. No SQL here.

use std::future::Future;
use std::time::Duration;

use anyhow::Result;
use futures_util::StreamExt;

use crate::cli::{Command, GlobalArgs, ReportArgs};
use crate::connect::{Db, Env};
use crate::output::check::{Threshold, Thresholds};
use crate::output::fleet::FleetEntry;
use crate::output::report::Report;
use crate::output::{Columns, Out};
use crate::reports::replication::ServerRole;

/// The `statement_timeout` policy, in one place (`--statement-timeout` overrides it): none for
/// what runs as long as its data takes (migrations, loads, backups, `VACUUM` under
/// `vacuum-report --execute`), 30 s for everything the reports read or reset.
pub const NO_STATEMENT_TIMEOUT: Option<Duration> = Some(Duration::ZERO);
pub const REPORT_STATEMENT_TIMEOUT: Option<Duration> = Some(Duration::from_secs(30));

pub mod activity;
pub mod advise;
pub mod backup;
pub mod connect;
pub mod drop;
pub mod health;
pub mod indexes;
pub mod init;
pub mod local;
pub mod migrate;
pub mod partitions;
pub mod replication;
pub mod report;
pub mod retention;
pub mod roles;
pub mod seed;
pub mod shell;
pub mod sizes;
pub mod slow_query;
pub mod snapshot;
pub mod vacuum_report;

pub use connect::{LocalDefault, local_default, local_hint, writes};

/// What every command gets: the global flags, the environment, the output.
pub struct Ctx {
    pub global: GlobalArgs,
    pub env: Env,
    pub out: Out,
    /// Whether the managed local cluster may answer when nothing names a database: the
    /// command's policy ([`local_default`]); `Never` until the command is known.
    pub local_default: LocalDefault,
}

impl Ctx {
    pub fn new(global: GlobalArgs, env: Env) -> Ctx {
        let out = Out::new(
            global.format,
            global.quiet,
            Columns::from_flags(global.wide, global.columns.as_deref()),
        );
        Ctx { global, env, out, local_default: LocalDefault::Never("has no policy for the local cluster") }
    }

    /// Whether the flags name several databases (`--url` repeated, `--targets`, or
    /// `--all-targets`): the report commands then run on each.
    pub fn is_fleet(&self) -> bool {
        self.global.all_targets || self.global.url.len() + self.global.targets.len() > 1
    }
}

/// The report commands' shared glue.
impl Ctx {
    /// Connect for a report: `statement_timeout` 30 s unless `--statement-timeout` says otherwise.
    /// On a standby, says once that its statistics are its own.
    pub async fn connect_report(&self) -> Result<Db> {
        let db = self.connect(REPORT_STATEMENT_TIMEOUT).await?;
        if let Some(n) = standby_note(&db).await.1 {
            self.out.note(n);
        }
        Ok(db)
    }

    /// Run a report: `read` on the one target (rendered as always), or on each target the flags
    /// name, concurrently (at most [`FLEET_CONCURRENCY`] at a time), in one table per kind of
    /// section with a `target` column (see `output::fleet`).
    pub async fn run_report<R, F, Fut>(&self, args: &ReportArgs, t: &Thresholds, read: F) -> Result<u8>
    where
        R: Report,
        F: Fn(Db) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        if !self.is_fleet() {
            let r = async { read(self.connect_report().await?).await }.await;
            return self.finish_report(r, args, t);
        }
        let targets = self.targets()?;
        let opts = self.connect_options(REPORT_STATEMENT_TIMEOUT)?;
        let read = &read;
        let entries: Vec<FleetEntry<R>> = futures_util::stream::iter(targets)
            .map(|(name, cfg)| {
                let opts = opts.clone();
                async move {
                    let url = cfg.redacted_url();
                    let mut role = (None, None);
                    let result = async {
                        let db = Db::connect(cfg, opts).await?;
                        role = standby_note(&db).await;
                        read(db).await
                    }
                    .await
                    .map_err(|e| crate::error::render(&e));
                    FleetEntry {
                        target: name,
                        url,
                        result,
                        standby: role.0,
                        notes: role.1.into_iter().collect(),
                    }
                }
            })
            .buffered(FLEET_CONCURRENCY)
            .collect()
            .await;
        self.out.fleet_report(&entries, args.check.then_some(t))
    }

    /// The command's checks with their defaults and the `--threshold` overrides. A bad override
    /// is a usage error (exit 2), reported here.
    pub fn report_thresholds(
        &self,
        defaults: &[(&'static str, Threshold, &'static str)],
        args: &ReportArgs,
    ) -> Result<Thresholds> {
        let mut t = Thresholds::new(defaults);
        t.apply(&args.threshold).map_err(|e| crate::error::Usage(e.to_string()))?;
        Ok(t)
    }

    /// Render a report's result. Under `--check`, data that cannot be read is UNKNOWN (exit 3),
    /// said once: as the Nagios-style status line on stdout (or in the JSON); otherwise errors
    /// propagate (exit 1). A usage error (no database named, a bad flag) stays one (exit 2, as
    /// clap's own): the check is misconfigured, which must not read as "data unavailable"; an
    /// interrupt stays one too (130, 143).
    pub fn finish_report<R: Report>(&self, r: Result<R>, args: &ReportArgs, t: &Thresholds) -> Result<u8> {
        match r {
            Ok(r) => self.out.report(&r, args.check.then_some(t)),
            Err(e) if args.check && !matches!(crate::error::exit_code(&e), 2 | 130 | 143) => {
                let why = crate::error::render(&e);
                if self.out.is_json() {
                    self.out.json(&serde_json::json!({ "check": { "status": "unknown", "error": why } }))?;
                } else if self.out.quiet {
                    // Errors only: the one line goes to stderr.
                    self.out.error(format!("UNKNOWN: {why}"));
                } else {
                    self.out.line(format!("UNKNOWN: {why}"))?;
                }
                Ok(crate::output::check::Status::Unknown.exit_code())
            }
            Err(e) => Err(e),
        }
    }
}

/// How many targets a report command reads at once.
pub const FLEET_CONCURRENCY: usize = 8;

/// Whether `db` is a standby, and the note to give then (see `ServerRole::standby_note`);
/// unknown (not said) when the question cannot be asked.
async fn standby_note(db: &Db) -> (Option<bool>, Option<String>) {
    let role = match db.get().await {
        // In the reports' read-only transaction without JIT, like every report query.
        Ok(client) => crate::reports::read_only(&client, || ServerRole::read(&client)).await,
        Err(e) => Err(e),
    };
    match role {
        Ok(r) => (Some(r.standby), r.standby_note()),
        Err(e) => {
            tracing::debug!("cannot tell whether the server is a standby: {}", crate::error::render(&e));
            (None, None)
        }
    }
}

/// Run one parsed command. Returns the process exit status.
pub async fn run(command: Command, ctx: &Ctx) -> Result<u8> {
    if ctx.global.format == Some(crate::output::Format::OpenMetrics)
        && !matches!(
            command,
            Command::Health(_) | Command::Replication(_) | Command::VacuumReport(_) | Command::Sizes(_)
        )
    {
        return Err(crate::error::Usage(
            "--format openmetrics is for health, replication, vacuum-report and sizes (table or json here)"
                .into(),
        )
        .into());
    }
    match command {
        Command::Init(a) => init::run(ctx, a).await,
        Command::Drop(a) => drop::run(ctx, a).await,
        Command::Migrate(a) => migrate::run(ctx, a).await,
        Command::Local(a) => local::run(ctx, a).await,
        Command::Backup(a) => backup::run(ctx, a).await,
        Command::Seed(a) => seed::seed(ctx, a).await,
        Command::MockAgents(a) => seed::mock_agents(ctx, a).await,
        Command::Roles(a) => roles::run(ctx, a).await,
        Command::Completions(a) => shell::completions(a.shell),
        Command::Man(a) => shell::man(ctx, a),
        Command::VacuumReport(a) => vacuum_report::run(ctx, a).await,
        Command::SlowQuery(a) => slow_query::run(ctx, a).await,
        Command::Health(a) => health::run(ctx, a).await,
        Command::Activity(a) => activity::run(ctx, a).await,
        Command::Sizes(a) => sizes::run(ctx, a).await,
        Command::Indexes(a) => indexes::run(ctx, a).await,
        Command::Advise(a) => advise::run(ctx, a).await,
        Command::Retention(a) => retention::run(ctx, a).await,
        Command::Partitions(a) => partitions::run(ctx, a).await,
        Command::Replication(a) => replication::run(ctx, a).await,
        Command::Snapshot(a) => snapshot::run(ctx, a).await,
        Command::Report(a) => report::run(ctx, a).await,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use clap::Parser;

    use super::*;

    fn ctx(flags: &[&str], env: &[(&str, &str)]) -> Ctx {
        let args = ["towow-db"].iter().chain(flags).chain(&["sizes"]);
        let cli = crate::cli::Cli::try_parse_from(args).unwrap();
        Ctx::new(cli.global, Env::from_pairs(env.iter().copied()))
    }

    #[test]
    fn every_checks_name_says_its_unit() {
        use crate::units::Kind;
        let all = [
            crate::reports::health::CHECKS,
            crate::reports::indexes::CHECKS,
            crate::reports::sizes::CHECKS,
            crate::reports::slow::CHECKS,
            crate::reports::activity::CHECKS,
            crate::reports::replication::CHECKS,
            crate::reports::vacuum::CHECKS,
            crate::admin::backup::verify::CHECKS,
            crate::maintenance::partitions::CHECKS,
        ];
        for (name, _, what) in all.concat() {
            let says = |unit: &str| what.contains(unit);
            let ok = match Kind::of_check(name) {
                Kind::Seconds => says("seconds"),
                Kind::Millis => says("ms"),
                Kind::Bytes => says("bytes"),
                Kind::Percent => says("%"),
                Kind::Count => !says("seconds") && !says("bytes") && !says("%"),
            };
            assert!(ok, "{name}: {what}");
        }
    }

    #[test]
    fn session_and_pool_options_come_from_the_flags_then_the_environment() {
        let secs = Duration::from_secs;
        let o = ctx(&[], &[]).connect_options(Some(secs(30))).unwrap();
        assert_eq!(
            (o.pool_size, o.pool_timeout, o.statement_timeout, o.lock_timeout),
            (4, secs(30), Some(secs(30)), Some(secs(30)))
        );
        let env = [("DB_POOL_SIZE", "7"), ("DB_POOL_TIMEOUT", "9")];
        let o = ctx(&[], &env).connect_options(None).unwrap();
        assert_eq!((o.pool_size, o.pool_timeout, o.statement_timeout), (7, secs(9), None));
        let flags = [
            "--pool-size",
            "2",
            "--pool-timeout",
            "3s",
            "--statement-timeout",
            "1500ms",
            "--lock-timeout",
            "0",
        ];
        let o = ctx(&flags, &env).connect_options(Some(secs(30))).unwrap();
        assert_eq!(
            (o.pool_size, o.pool_timeout, o.statement_timeout, o.lock_timeout),
            (2, secs(3), Some(Duration::from_millis(1500)), Some(Duration::ZERO))
        );
        // A bad variable is refused like the flag's bad value (exit 2), naming it; it panicked
        // (capacity overflow) for a huge pool size.
        for (var, value) in [
            ("DB_POOL_SIZE", "0"),
            ("DB_POOL_SIZE", "1001"),
            ("DB_POOL_SIZE", "abc"),
            ("DB_POOL_SIZE", "18446744073709551615"),
            ("DB_POOL_TIMEOUT", "soon"),
        ] {
            let e = ctx(&[], &[(var, value)]).connect_options(None).unwrap_err();
            assert_eq!(crate::error::exit_code(&e), 2, "{var}={value}: {e:#}");
            assert!(e.to_string().starts_with(&format!("{var}: ")) && e.to_string().contains(value), "{e}");
        }
        // The flag wins over a bad variable.
        assert_eq!(
            ctx(&["--pool-size", "3"], &[("DB_POOL_SIZE", "abc")]).connect_options(None).unwrap().pool_size,
            3
        );
    }
}
