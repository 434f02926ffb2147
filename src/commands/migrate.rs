use anyhow::Result;

use futures_util::future::LocalBoxFuture;

use serde::Serialize;

use crate::cli::{
    MigrateAction, MigrateArgs, MigrateBaselineArgs, MigrateDownArgs, MigrateUpArgs, ReportArgs, ShadowArgs,
    VerifyArgs,
};
use crate::commands::Ctx;
use crate::connect::{Db, Resolved};
use crate::error::Usage;
use crate::migrate::diff::Difference;
use crate::migrate::shadow::{self, ShadowServer};
use crate::migrate::{
    self, BaselinePlan, BaselineReport, DownReport, HistoryCheck, Phase, UpReport, VerifyReport,
};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};

pub async fn run(ctx: &Ctx, args: MigrateArgs) -> Result<u8> {
    match args.action {
        None => up(ctx, args.up).await,
        Some(MigrateAction::Up(a)) => up(ctx, a).await,
        Some(MigrateAction::Status) => status(ctx).await,
        Some(MigrateAction::Verify(a)) => verify(ctx, a).await,
        Some(MigrateAction::Down(a)) => down(ctx, a).await,
        Some(MigrateAction::Baseline(a)) => baseline(ctx, a).await,
    }
}

/// The server for the shadow database when the target's own cannot have one: `--shadow-url`,
/// else `TOWOW_SHADOW_URL`. Never a server started for the purpose: without either, a usage
/// error (exit 2) says what the target's server lacks and what to give.
async fn shadow_server(ctx: &Ctx, a: &ShadowArgs, why: String) -> Result<ShadowServer> {
    let url = match a.shadow_url.as_deref().or(ctx.env.get("TOWOW_SHADOW_URL")) {
        Some(u) => u.to_string(),
        None => {
            return Err(Usage(format!(
                "cannot build the shadow database that the expected schema comes from on the target's server ({why}): \
                 grant the role CREATEDB, or give --shadow-url URL (a server where the URL's role may create a database; \
                 `towow-db local url` prints the local cluster's)"
            ))
            .into());
        }
    };
    let Resolved::Conn(cfg) = crate::connect::resolve(Some(&url), &ctx.env)? else {
        unreachable!("a URL always resolves to a connection")
    };
    let label = format!("the shadow server {}", cfg.describe());
    let db = Db::connect(*cfg, ctx.connect_options(None)?).await?;
    Ok(ShadowServer { db, label })
}

async fn up(ctx: &Ctx, a: MigrateUpArgs) -> Result<u8> {
    let db = ctx.connect_session_write("migrate", super::NO_STATEMENT_TIMEOUT).await?;
    let report = migrate::up(&db, a.target, a.dry_run, a.lock.lock_wait, a.force).await?;
    render_up(ctx, &report)?;
    Ok(0)
}

pub fn render_up(ctx: &Ctx, r: &UpReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    for n in &r.notes {
        ctx.out.note(format!("warning: {n}"));
    }
    if r.dry_run {
        if r.sql.is_empty() {
            ctx.out.note("dry run: nothing to apply");
        }
        for p in &r.sql {
            ctx.out.line(format!(
                "-- V{}__{} ({})\n{}",
                p.version,
                p.name,
                if p.no_transaction {
                    "outside a transaction, statement by statement"
                } else {
                    "in one transaction"
                },
                p.sql.trim_end()
            ))?;
        }
        return Ok(());
    }
    if r.applied.is_empty() {
        ctx.out.note(format!("schema is up to date ({})", version_text(r.current_version)));
    } else {
        for s in &r.applied {
            ctx.out.note(format!("applied V{}__{} ({} ms)", s.version, s.name, s.millis));
        }
        ctx.out.note(format!("schema at {}", version_text(r.current_version)));
    }
    Ok(())
}

async fn status(ctx: &Ctx) -> Result<u8> {
    // The history checks of `verify`, without the shadow database (status stays read-only and
    // cheap; `verify` compares the tables).
    let read = |db: Db| async move { Ok(Status(migrate::check_history(&*db.get().await?, false).await?)) };
    if ctx.is_fleet() {
        return ctx.run_report(&ReportArgs::default(), &Thresholds::new(&[]), read).await;
    }
    let r = read(ctx.connect(None).await?).await?;
    let code = ctx.out.report(&r, None)?;
    // The tables are not what the history says: the commands that trust it stop, and so does
    // status, with what differs and the remedy.
    if let migrate::SchemaCheck::Mismatch { message, .. } = &r.0.schema {
        ctx.out.error(format!("error: {message}"));
        return Ok(1);
    }
    Ok(code)
}

async fn verify(ctx: &Ctx, a: VerifyArgs) -> Result<u8> {
    let (fail_on_pending, force) = (a.fail_on_pending, a.force);
    let fallback = |why: String| -> LocalBoxFuture<'_, Result<ShadowServer>> {
        Box::pin(shadow_server(ctx, &a.shadow, why))
    };
    let fallback = &fallback;
    if ctx.is_fleet() {
        let read = |db: Db| async move {
            Ok(Verify(migrate::verify(&db, fail_on_pending, Some(fallback), force).await?, force))
        };
        return ctx.run_report(&ReportArgs::default(), &Thresholds::new(&[]), read).await;
    }
    let db = ctx.connect_session(None).await?;
    let r = migrate::verify(&db, fail_on_pending, Some(fallback), force).await?;
    if let Some(other) = r.managed_by.as_ref().filter(|_| !force) {
        if ctx.out.is_json() {
            ctx.out.json(&r)?;
        }
        let what = "its schema is that tool's, so towow-db's migrations were not compared with it";
        let remedy = "`towow-db migrate verify --force` compares them";
        ctx.out.error(format!("error: {}", other.refusal(&db.cfg.dbname_or_default(), what, remedy)));
        return Ok(1);
    }
    if ctx.out.is_json() {
        ctx.out.json(&r)?;
    } else if ctx.out.quiet {
        // Errors only: what fails the check, one line each, on stderr.
        for p in &r.problems {
            ctx.out.error(format!("error: MISMATCH {p}"));
        }
        for d in &r.drift {
            let (e, f) = first_differing_line(&d.expected, &d.found);
            ctx.out.error(format!("error: DRIFT {} ({}): expected {e}, found {f}", d.object, d.aspect));
        }
    } else {
        for p in &r.problems {
            ctx.out.line(format!("MISMATCH {p}"))?;
        }
        differences_table(ctx, &r.drift)?;
        for n in info_notes(&r) {
            ctx.out.note(n);
        }
        if let Some(summary) = summary(&r) {
            ctx.out.line(summary)?;
        }
        if let Some(remedy) = remedy(&r) {
            ctx.out.note(remedy);
        }
    }
    Ok(if r.ok { 0 } else { 1 })
}

/// What to do about drift of tables that have a history: adopt them again.
fn remedy(r: &VerifyReport) -> Option<String> {
    (!r.drift.is_empty()).then(|| {
        "to make the ToWow tables what the migrations make again, keeping every row: `towow-db migrate baseline --force --dry-run` shows the statements, `towow-db migrate baseline --force` runs them and records the history again".to_string()
    })
}

/// Extra objects on the ToWow tables: kept, not drift.
fn info_notes(r: &VerifyReport) -> Vec<String> {
    r.info
        .iter()
        .map(|d| {
            format!(
                "info: {} {}: {} (not made by the migrations; kept, not drift)",
                d.object, d.aspect, d.found
            )
        })
        .collect()
}

/// `verify`'s last line: `DRIFT: …` or `OK: …` (none when only the history mismatches).
fn summary(r: &VerifyReport) -> Option<String> {
    let shadow = r
        .shadow
        .as_ref()
        .map(|s| format!(" (expected schema built on {}, {} ms)", s.built_on, s.millis))
        .unwrap_or_default();
    if !r.drift.is_empty() {
        return Some(format!(
            "DRIFT: {} difference(s) between the ToWow tables and what the applied migrations make{shadow}",
            r.drift.len()
        ));
    }
    r.ok.then(|| {
        let applied = r.migrations.iter().filter(|m| m.state == migrate::State::Applied).count();
        format!(
            "OK: {applied} applied migration(s) match the shipped files and the ToWow tables match them{}{shadow}",
            if r.pending.is_empty() { String::new() } else { format!(" ({} pending)", r.pending.len()) }
        )
    })
}

/// `migrate status` as a report: the migrations table; the problems as warnings.
struct Status(HistoryCheck);

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let r = &self.0;
        serde_json::json!({
            "migrations": r.migrations,
            "problems": r.problems,
            "unmanaged_tables": r.unmanaged_tables,
            "schema": r.schema,
            "managed_by": r.managed_by,
            "other_tools": r.other_tools,
        })
        .serialize(s)
    }
}

impl Report for Status {
    fn sections(&self) -> Vec<Section> {
        vec![Section {
            headers: vec!["version", "name", "state", "applied on", "transaction", "down script"],
            rows: self
                .0
                .migrations
                .iter()
                .map(|m| {
                    vec![
                        m.version.to_string(),
                        m.name.clone(),
                        m.state.as_str().to_string(),
                        m.applied_on.clone().unwrap_or_default(),
                        if m.no_transaction { "no".into() } else { "yes".to_string() },
                        if m.has_down { "yes".into() } else { "no".to_string() },
                    ]
                })
                .collect(),
            empty: "no migrations",
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        let r = &self.0;
        let mut n: Vec<String> = r.problems.iter().map(|p| format!("warning: {p}")).collect();
        if let Some(m) = &r.managed_by {
            n.push(format!(
                "managed by {}: towow-db's migrations do not apply to this database (`towow-db migrate --force` would create the ToWow tables there anyway)",
                m.describe()
            ));
        }
        for o in r.other_tools.iter().filter(|o| r.managed_by.as_ref() != Some(*o)) {
            n.push(format!("note: the database also holds the history of {}", o.describe()));
        }
        n.extend(r.schema.note().map(|s| format!("note: {s}")));
        if let migrate::SchemaCheck::Matches { version } = r.schema {
            n.push(format!(
                "the ToWow tables are what the migrations up to V{version} made (schema fingerprint)"
            ));
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }

    fn failed(&self) -> bool {
        matches!(self.0.schema, migrate::SchemaCheck::Mismatch { .. })
    }
}

/// `migrate verify` over several databases: one row per finding, the last line's words (and
/// whether `--force` was given).
struct Verify(VerifyReport, bool);

impl Serialize for Verify {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl Verify {
    /// Managed by another tool, and not forced: nothing was compared.
    fn refused(&self) -> Option<&migrate::OtherTool> {
        self.0.managed_by.as_ref().filter(|_| !self.1)
    }
}

impl Report for Verify {
    fn sections(&self) -> Vec<Section> {
        let r = &self.0;
        let mut rows: Vec<Vec<String>> =
            r.problems.iter().map(|p| vec!["MISMATCH".to_string(), p.clone()]).collect();
        if let Some(o) = self.refused() {
            rows.push(vec!["OTHER TOOL".into(), format!("managed by {} (--force compares)", o.describe())]);
        }
        rows.extend(r.drift.iter().map(|d| {
            let (e, f) = first_differing_line(&d.expected, &d.found);
            vec!["DRIFT".to_string(), format!("{} ({}): expected {e}, found {f}", d.object, d.aspect)]
        }));
        if let Some(s) = summary(r).filter(|_| r.ok && self.refused().is_none()) {
            rows.push(vec!["OK".into(), s.trim_start_matches("OK: ").to_string()]);
        }
        vec![Section { headers: vec!["result", "detail"], rows, ..Default::default() }]
    }

    fn notes(&self) -> Vec<String> {
        info_notes(&self.0)
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }

    fn failed(&self) -> bool {
        !self.0.ok || self.refused().is_some()
    }
}

/// Differences as a table: object, what differs, expected, found. A long definition (a function
/// body) shows its first differing line; JSON has them whole.
fn differences_table(ctx: &Ctx, diffs: &[Difference]) -> Result<()> {
    if diffs.is_empty() {
        return Ok(());
    }
    ctx.out.table(
        &["object", "differs in", "expected", "found"],
        diffs.iter().map(|d| {
            let (e, f) = first_differing_line(&d.expected, &d.found);
            vec![d.object.clone(), d.aspect.to_string(), e, f]
        }),
    )
}

fn first_differing_line(expected: &str, found: &str) -> (String, String) {
    if !expected.contains('\n') && !found.contains('\n') {
        return (expected.to_string(), found.to_string());
    }
    let (e, f): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), found.lines().collect());
    let n = (0..e.len().max(f.len())).find(|i| e.get(*i) != f.get(*i)).unwrap_or(0);
    let at = |lines: &[&str]| match lines.get(n) {
        Some(l) if lines.len() > 1 => format!("line {}: {}", n + 1, l.trim()),
        Some(l) => l.to_string(),
        None => format!("line {}: (none)", n + 1),
    };
    (at(&e), at(&f))
}

async fn baseline(ctx: &Ctx, a: MigrateBaselineArgs) -> Result<u8> {
    let db = ctx.connect_session_write("migrate baseline", super::NO_STATEMENT_TIMEOUT).await?;
    let fallback = |why: String| -> LocalBoxFuture<'_, Result<ShadowServer>> {
        Box::pin(shadow_server(ctx, &a.shadow, why))
    };
    let expected = shadow::expected_for(&db, None, Some(&fallback)).await?;
    // What would change, checked and shown before anything is asked or changed.
    let plan = migrate::baseline_plan(&db, &expected, a.force).await?;
    if plan.already_at.is_some() || a.dry_run {
        let r = BaselineReport { plan, dry_run: a.dry_run, millis: expected.millis };
        render_baseline(ctx, &r)?;
        return Ok(0);
    }
    if !ctx.out.is_json() {
        differences_table(ctx, &plan.differences)?;
    }
    let name = db.cfg.dbname_or_default();
    crate::output::confirm::confirm_typed(
        &format!(
            "adopt database \"{name}\": run {} statement(s) on its ToWow tables (no row is changed) and record {} as applied{}",
            plan.steps.len(),
            plan.record.join(", "),
            if a.force { ", replacing the migration history it has" } else { "" }
        ),
        &name,
        a.confirm.yes,
    ).await?;
    let confirmed = (!a.confirm.yes).then_some(plan.steps.as_slice());
    let r = migrate::baseline(&db, &expected, false, a.lock.lock_wait, confirmed, a.force).await?;
    render_baseline(ctx, &r)?;
    Ok(0)
}

fn render_baseline(ctx: &Ctx, r: &BaselineReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    let p: &BaselinePlan = &r.plan;
    if let Some(v) = p.already_at {
        ctx.out.note(format!(
            "database \"{}\" already has towow-db's migration history (version {v}): nothing to adopt (see `towow-db migrate status`)",
            p.database
        ));
        return Ok(());
    }
    for k in &p.kept {
        ctx.out
            .note(format!("info: keeping {} ({}): not made by the migrations, not drift", k.object, k.found));
    }
    if r.dry_run {
        ctx.out.line(format!(
            "-- baseline of database \"{}\" (schema {}): {} difference(s) from the ToWow schema",
            p.database,
            p.schema,
            p.differences.len()
        ))?;
        for (phase, title) in [
            (Phase::Transaction, "in one transaction"),
            (Phase::Online, "then one at a time, outside a transaction (writes go on)"),
        ] {
            let sql: Vec<&str> =
                p.steps.iter().filter(|s| s.phase == phase).map(|s| s.sql.trim_end()).collect();
            if !sql.is_empty() {
                ctx.out.line(format!("-- {title}:\n{};", sql.join(";\n")))?;
            }
        }
        ctx.out.line(format!(
            "-- then record as applied in {}: {}",
            migrate::HISTORY_TABLE,
            p.record.join(", ")
        ))?;
        return Ok(());
    }
    ctx.out.note(format!(
        "adopted database \"{}\": {} statement(s) run, {} recorded as applied ({} ms); `towow-db migrate verify` checks it",
        p.database,
        p.steps.len(),
        p.record.join(", "),
        r.millis
    ));
    Ok(())
}

async fn down(ctx: &Ctx, a: MigrateDownArgs) -> Result<u8> {
    let db = ctx.connect_session_write("migrate down", super::NO_STATEMENT_TIMEOUT).await?;
    // What a person confirmed on the terminal must be what is rolled back (checked again under
    // the lock); with --yes, the plan is made under the lock, as asked (`--steps`/`--target`).
    let mut confirmed: Option<Vec<i32>> = None;
    if !a.dry_run {
        let plan = migrate::down_preview(&db, a.steps, a.target).await?;
        if plan.is_empty() {
            ctx.out.note("nothing to roll back");
            return Ok(0);
        }
        let list = plan.iter().map(|(v, n)| format!("V{v}__{n}")).collect::<Vec<_>>().join(", ");
        crate::output::confirm::confirm_typed(
            &format!(
                "roll back {list} on database \"{}\" (this can drop tables and their data)",
                db.cfg.dbname_or_default()
            ),
            &db.cfg.dbname_or_default(),
            a.confirm.yes,
        )
        .await?;
        if !a.confirm.yes {
            confirmed = Some(plan.iter().map(|(v, _)| *v).collect());
        }
    }
    let r = migrate::down(&db, a.steps, a.target, a.dry_run, a.lock.lock_wait, confirmed.as_deref()).await?;
    render_down(ctx, &r)?;
    Ok(0)
}

fn render_down(ctx: &Ctx, r: &DownReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    if r.dry_run {
        if r.sql.is_empty() {
            ctx.out.note("dry run: nothing to roll back");
        }
        for p in &r.sql {
            ctx.out.line(format!("-- roll back V{}__{}\n{}", p.version, p.name, p.sql.trim_end()))?;
        }
        return Ok(());
    }
    for s in &r.rolled_back {
        ctx.out.note(format!("rolled back V{}__{} ({} ms)", s.version, s.name, s.millis));
    }
    ctx.out.note(format!("schema at {}", version_text(r.current_version)));
    Ok(())
}

/// `version 3`, or `version 0 (no migration applied)`.
fn version_text(v: Option<i32>) -> String {
    match v {
        Some(v) => format!("version {v}"),
        None => "version 0 (no migration applied)".into(),
    }
}
