//! Applying migrations: refinery for transactional files, statement by statement for files
//! marked no-transaction (`CREATE INDEX CONCURRENTLY`), recorded exactly as refinery would.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use refinery_core::{Migration, Runner, Target};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::*;
use crate::connect::Db;
use crate::error::{PgContext, PgError, pg_message};
use crate::sql::{concurrent_index_name, split_statements};

/// One migration applied (or rolled back) by a run.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub version: i32,
    pub name: String,
    pub no_transaction: bool,
    pub millis: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpReport {
    pub applied: Vec<Step>,
    pub dry_run: bool,
    /// The SQL that would run (dry run only), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<PlannedSql>,
    pub current_version: Option<i32>,
    /// What the user should know (a history whose schema could not be checked).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedSql {
    pub version: i32,
    pub name: String,
    pub no_transaction: bool,
    pub sql: String,
}

fn refinery_error(e: refinery_core::Error) -> anyhow::Error {
    match e.kind() {
        refinery_core::error::Kind::Connection(msg, src) => match src.downcast_ref::<tokio_postgres::Error>()
        {
            Some(pe) => PgError::new(pe, msg).into(),
            None => anyhow!("{msg}: {src}"),
        },
        other => anyhow!("{other}"),
    }
}

fn pending_upto(rows: &[StatusRow], target: Option<i32>) -> Vec<i32> {
    rows.iter()
        .filter(|r| r.state == State::Pending && target.is_none_or(|t| r.version <= t))
        .map(|r| r.version)
        .collect()
}

/// Apply pending migrations up to `target` (all when `None`), holding the migration lock. A
/// database that another migration tool manages is refused unless `force`; one whose ToWow
/// tables are not what its history says (see `fingerprint`) is refused whatever.
pub async fn up(
    db: &Db,
    target: Option<i32>,
    dry_run: bool,
    lock_wait: Duration,
    force: bool,
) -> Result<UpReport> {
    let shipped = shipped()?;
    check_target(&shipped, target)?;
    let mut client = db.dedicated().await?;
    // Interrupted, the migration in flight is cancelled on the server (and rolled back), not
    // left running behind a closed connection.
    let _cancel = db.cancel_on_interrupt(&client);
    crate::connect::pool::check_server_version(&client, MIN_SERVER_VERSION).await?;
    refuse_other_tool(&client, force).await?;
    refuse_unmanaged(&client).await?;
    if dry_run {
        let (_, notes) = check_schema(db, &client).await?;
        let applied = applied(&client).await?.unwrap_or_default();
        let rows = compare(&shipped, &applied);
        check_problems(&rows)?;
        let sql = pending_upto(&rows, target)
            .into_iter()
            .filter_map(|v| shipped.iter().find(|s| s.version == v))
            .map(|s| PlannedSql {
                version: s.version,
                name: s.name.clone(),
                no_transaction: s.no_transaction(),
                sql: s.up.to_string(),
            })
            .collect();
        return Ok(UpReport {
            applied: Vec::new(),
            dry_run: true,
            sql,
            current_version: applied.last().map(|a| a.version),
            notes,
        });
    }
    crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate`").await?;
    acquire_lock(&client, lock_wait).await?;
    // A lock timeout in a migration names the session holding the lock.
    let pid = crate::connect::blocking::backend_pid(&client).await;
    let result =
        crate::connect::blocking::naming_holder(db, pid, up_locked(db, &mut client, &shipped, target)).await;
    release_lock(&client).await;
    result
}

/// A database another migration tool manages: its migrations are not ToWow's (unless `force`).
async fn refuse_other_tool(client: &Client, force: bool) -> Result<()> {
    let applied = applied(client).await?.unwrap_or_default();
    let (Some(other), _) = managed_by(client, &applied).await? else { return Ok(()) };
    if force {
        tracing::info!("--force: treating a database managed by {} as ToWow's", other.describe());
        return Ok(());
    }
    let db: String = catalog::current_database(client).await?;
    bail!(
        "{}",
        other.refusal(
            &db,
            "its migrations are that tool's, and towow-db's do not apply to it",
            "`towow-db migrate --force` creates them"
        )
    )
}

/// Whether the ToWow tables are what the history says (see `fingerprint`): an error naming
/// what differs when they are not. A history without a fingerprint (an older towow-db wrote it)
/// is compared once with a shadow database built from the applied migrations' files; its
/// fingerprint, to record, comes back then (`None`: nothing to record). The notes say what
/// could not be checked.
async fn check_schema(db: &Db, client: &Client) -> Result<(Trust, Vec<String>)> {
    use super::fingerprint::{self, SchemaCheck};
    let version = match fingerprint::check(client).await? {
        // Unfinished: it was checked before the interrupted migration started; finishing it
        // makes the tables what the migrations make.
        SchemaCheck::NoHistory | SchemaCheck::Matches { .. } | SchemaCheck::Unfinished { .. } => {
            return Ok((Trust::Checked(None), Vec::new()));
        }
        SchemaCheck::Unrecorded { version } => version,
        SchemaCheck::Mismatch { message, .. } => bail!("{message}"),
    };
    let rows = compare(&shipped()?, &applied(client).await?.unwrap_or_default());
    if rows.iter().any(|r| r.state == State::Missing) {
        // Applied migrations this binary does not ship: no shadow of them (the history check
        // says so).
        return Ok((Trust::Unchecked, Vec::new()));
    }
    let versions: Vec<i32> = rows
        .iter()
        .filter(|r| matches!(r.state, State::Applied | State::Modified))
        .map(|r| r.version)
        .collect();
    match super::shadow::expected_for(db, Some(&versions), None).await {
        Ok(e) => {
            let found = fingerprint::read(client).await?;
            fingerprint::judge(client, version, &e.fingerprint, &found).await?.into_result()?;
            Ok((Trust::Checked(Some(e.fingerprint)), Vec::new()))
        }
        Err(e) if e.downcast_ref::<super::shadow::ShadowUnavailable>().is_some() => Ok((
            Trust::Unchecked,
            vec![format!(
                "the migration history (V{version}) has no schema fingerprint (written by an older towow-db) and the ToWow tables could not be compared with the migration files ({}): `towow-db migrate verify --shadow-url URL` compares them",
                crate::error::render(&e)
            )],
        )),
        Err(e) => Err(e),
    }
}

/// Whether the schema a run starts from was checked against the history (then what the run
/// makes is what the migrations make, and its fingerprint is recorded), with a fingerprint to
/// record before the run starts (a history that had none).
enum Trust {
    Checked(Option<super::fingerprint::Fingerprint>),
    Unchecked,
}

/// ToWow tables without any history: V1 would fail on them (42P07). Point to `baseline`.
async fn refuse_unmanaged(client: &Client) -> Result<()> {
    if applied(client).await?.is_some_and(|a| !a.is_empty()) {
        return Ok(());
    }
    let tables = existing_towow_tables(client).await?;
    if tables.is_empty() {
        return Ok(());
    }
    let db: String = catalog::current_database(client).await?;
    bail!("{}; nothing was changed", unmanaged_message(&db, &tables))
}

fn check_problems(rows: &[StatusRow]) -> Result<()> {
    let p = problems(rows);
    if !p.is_empty() {
        bail!(
            "the applied migrations do not match the shipped ones; nothing was changed:\n  {}\n(run `towow-db migrate status` for details)",
            p.join("\n  ")
        );
    }
    Ok(())
}

async fn up_locked(
    db: &Db,
    client: &mut Client,
    shipped: &[Shipped],
    target: Option<i32>,
) -> Result<UpReport> {
    // Again under the lock: another run may have changed the database since.
    refuse_unmanaged(client).await?;
    let (trust, notes) = check_schema(db, client).await?;
    let trusted = matches!(trust, Trust::Checked(_));
    if let Trust::Checked(Some(f)) = &trust {
        super::fingerprint::record(&*client, f).await?;
    }
    client.batch_execute(CREATE_HISTORY).await.pg_context("cannot create the migration history table")?;
    let applied_now = applied(client).await?.unwrap_or_default();
    let rows = compare(shipped, &applied_now);
    check_problems(&rows)?;
    let pending = pending_upto(&rows, target);
    let all: Vec<Migration> = shipped.iter().map(|s| s.migration.clone()).collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < pending.len() {
        let s = shipped.iter().find(|s| s.version == pending[i]).expect("pending comes from shipped");
        let started = Instant::now();
        if s.no_transaction() {
            if trusted {
                super::fingerprint::mark_applying(&*client, s.version).await?;
            }
            run_no_transaction(client, s).await?;
            steps.push(step(s, started));
            if trusted {
                record_live(client).await?;
            }
            i += 1;
            continue;
        }
        // A run of consecutive transactional migrations: refinery applies them, each in its own
        // transaction together with its history row.
        let mut j = i;
        while j + 1 < pending.len() {
            let next = shipped.iter().find(|m| m.version == pending[j + 1]).expect("shipped");
            if next.no_transaction() {
                break;
            }
            j += 1;
        }
        let last = pending[j];
        let report = Runner::new(&all)
            .set_target(Target::Version(last))
            .set_abort_divergent(true)
            .set_abort_missing(true)
            .run_async(client)
            .await
            .map_err(refinery_error)?;
        let elapsed = started.elapsed();
        let n = report.applied_migrations().len().max(1) as u32;
        for m in report.applied_migrations() {
            steps.push(Step {
                version: m.version(),
                name: m.name().to_string(),
                no_transaction: false,
                millis: (elapsed / n).as_millis() as u64,
            });
        }
        if trusted {
            record_live(client).await?;
        }
        i = j + 1;
    }
    let current = applied(client).await?.unwrap_or_default().last().map(|a| a.version);
    Ok(UpReport { applied: steps, dry_run: false, sql: Vec::new(), current_version: current, notes })
}

/// Record the fingerprint of the ToWow tables as they are now in the newest history row: what
/// the migrations just applied made of a schema that was checked before.
pub(crate) async fn record_live(client: &Client) -> Result<()> {
    let f = super::fingerprint::read(client).await?;
    super::fingerprint::record(client, &f).await
}

pub(crate) fn step(s: &Shipped, started: Instant) -> Step {
    Step {
        version: s.version,
        name: s.name.clone(),
        no_transaction: s.no_transaction(),
        millis: started.elapsed().as_millis() as u64,
    }
}

/// Run a no-transaction migration statement by statement, then record it in refinery's history.
async fn run_no_transaction(client: &Client, s: &Shipped) -> Result<()> {
    tracing::debug!("applying V{}__{} outside a transaction", s.version, s.name);
    for (n, stmt) in split_statements(s.up).iter().enumerate() {
        let index = concurrent_index_name(stmt);
        if let Some(ix) = &index {
            drop_invalid_index(client, ix).await?;
        }
        super::lock_retry::execute(client, stmt).await.map_err(|e| {
            let what = if n == 0 {
                "refused before any change"
            } else {
                "failed (outside a transaction: statements before this one stay applied; it is safe to re-run once fixed)"
            };
            PgError::with_text(&e, format!("V{}__{} {what}", s.version, s.name), statement_error(&e))
        })?;
        if let Some(ix) = &index
            && index_validity(client, ix).await? == Some(false)
        {
            bail!(
                "V{}__{}: index {ix} is INVALID after CREATE INDEX CONCURRENTLY; the migration was not recorded (run `towow-db migrate` again to rebuild it)",
                s.version,
                s.name
            );
        }
    }
    record(client, s).await
}

/// Write the history row of `s` exactly as refinery does (RFC 3339 UTC time, SipHash-1-3
/// checksum as a decimal string).
pub(crate) async fn record<C: tokio_postgres::GenericClient>(client: &C, s: &Shipped) -> Result<()> {
    let applied_on = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    client
        .execute_typed(
            INSERT_HISTORY,
            &[
                (&s.version, Type::INT4),
                (&s.name, Type::TEXT),
                (&applied_on, Type::TEXT),
                (&s.checksum(), Type::TEXT),
            ],
        )
        .await
        .pg_context(format!("cannot record V{}__{} in the history", s.version, s.name))?;
    Ok(())
}

/// A failed migration statement: the server's message, then its detail and hint on lines of their
/// own (a migration's own refusal lists one problem per line there).
fn statement_error(e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else { return pg_message(e) };
    let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(d) = db.detail() {
        s.push_str(&format!("\n{d}"));
    }
    if let Some(h) = db.hint() {
        s.push_str(&format!("\n{h}"));
    }
    s
}

/// Whether the index `name` (as written in SQL) is valid; `None` when there is no such index.
async fn index_validity(client: &Client, name: &str) -> Result<Option<bool>> {
    let row = client
        .query_typed_opt(
            "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
            &[(&name, Type::TEXT)],
        )
        .await
        .pg_context(format!("cannot look up index {name}"))?;
    Ok(row.map(|r| r.get(0)))
}

/// A failed or interrupted `CREATE INDEX CONCURRENTLY` leaves an INVALID index behind, which
/// `IF NOT EXISTS` would then skip for good. Drop it so that the statement builds it afresh.
async fn drop_invalid_index(client: &Client, name: &str) -> Result<()> {
    if index_validity(client, name).await? == Some(false) {
        tracing::warn!(
            "index {name} is INVALID (left by a failed concurrent build): dropping it to build it again"
        );
        client
            .batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            .await
            .pg_context(format!("cannot drop the invalid index {name}"))?;
    }
    Ok(())
}
