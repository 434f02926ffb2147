//! Schema migrations: refinery-embedded `migrations/V{n}__{name}.sql` files, plus what refinery
//! lacks: an advisory lock so that concurrent runs apply each migration once, migrations that run
//! outside a transaction (`CREATE INDEX CONCURRENTLY`), recorded exactly as refinery would, down
//! scripts (`V{n}__{name}.down.sql`), status, verification and drift detection.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use refinery::{Migration, Runner, Target};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::connect::pool::Db;
use crate::error::{PgContext, pg_message};
use crate::sql::{concurrent_index_name, split_statements};

/// refinery's default history table.
pub const HISTORY_TABLE: &str = "refinery_schema_history";

/// The marker (first line) of a migration that must run outside a transaction.
pub const NO_TRANSACTION_MARKER: &str = "-- towow-db: no-transaction";

/// Advisory lock key held for a whole `migrate` run (ASCII "towowdb").
pub const MIGRATION_LOCK_KEY: i64 = 0x0074_6f77_6f77_6462;

/// The four ToWow tables, children first (the order to drop them in).
pub const TOWOW_TABLES: [&str; 4] =
    ["agent_responses", "collaboration_channels", "demands", "agent_profiles"];

pub struct EmbeddedMigration {
    pub file: &'static str,
    pub up: &'static str,
    pub down: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// A migration shipped in this binary.
#[derive(Debug, Clone)]
pub struct Shipped {
    pub version: i32,
    pub name: String,
    pub file: &'static str,
    pub up: &'static str,
    pub down: Option<&'static str>,
    pub migration: Migration,
}

impl Shipped {
    pub fn no_transaction(&self) -> bool {
        is_no_transaction(self.up)
    }

    pub fn checksum(&self) -> String {
        self.migration.checksum().to_string()
    }
}

fn is_no_transaction(sql: &str) -> bool {
    sql.lines().next().is_some_and(|l| l.trim().eq_ignore_ascii_case(NO_TRANSACTION_MARKER))
}

/// The shipped migrations, ordered by version.
pub fn shipped() -> Result<Vec<Shipped>> {
    shipped_from(EMBEDDED)
}

pub fn shipped_from(files: &[EmbeddedMigration]) -> Result<Vec<Shipped>> {
    let mut out: Vec<Shipped> = Vec::new();
    for f in files {
        let migration = Migration::unapplied(f.file, f.up)
            .map_err(|e| anyhow!("bad migration file name {}.sql: {e}", f.file))?;
        if out.iter().any(|s| s.version == migration.version()) {
            bail!("two migration files have version {}", migration.version());
        }
        out.push(Shipped {
            version: migration.version(),
            name: migration.name().to_string(),
            file: f.file,
            up: f.up,
            down: f.down,
            migration,
        });
    }
    out.sort_by_key(|s| s.version);
    Ok(out)
}

/// A row of refinery's history table.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i32,
    pub name: String,
    pub applied_on: String,
    pub checksum: String,
}

/// The history rows, or `None` when the table does not exist.
pub async fn applied(client: &Client) -> Result<Option<Vec<Applied>>> {
    let exists: bool = client
        .query_typed_one("SELECT to_regclass($1) IS NOT NULL", &[(&HISTORY_TABLE, Type::TEXT)])
        .await
        .pg_context("cannot look for the migration history")?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let rows = client
        .query_typed(
            &format!(
                "SELECT version::int4, coalesce(name, ''), coalesce(applied_on, ''), coalesce(checksum, '') \
                 FROM {HISTORY_TABLE} ORDER BY version"
            ),
            &[],
        )
        .await
        .pg_context("cannot read the migration history")?;
    Ok(Some(
        rows.iter()
            .map(|r| Applied { version: r.get(0), name: r.get(1), applied_on: r.get(2), checksum: r.get(3) })
            .collect(),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Applied,
    Pending,
    /// Applied, but the applied checksum differs from the shipped file.
    Modified,
    /// Applied, but no longer shipped.
    Missing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Modified => "modified",
            State::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub version: i32,
    pub name: String,
    pub state: State,
    pub applied_on: Option<String>,
    pub no_transaction: bool,
    pub has_down: bool,
    pub checksum: Option<String>,
    pub applied_checksum: Option<String>,
}

/// Compare the shipped migrations with the history rows.
pub fn compare(shipped: &[Shipped], applied: &[Applied]) -> Vec<StatusRow> {
    let mut rows: BTreeMap<i32, StatusRow> = BTreeMap::new();
    for s in shipped {
        rows.insert(
            s.version,
            StatusRow {
                version: s.version,
                name: s.name.clone(),
                state: State::Pending,
                applied_on: None,
                no_transaction: s.no_transaction(),
                has_down: s.down.is_some(),
                checksum: Some(s.checksum()),
                applied_checksum: None,
            },
        );
    }
    for a in applied {
        match rows.get_mut(&a.version) {
            Some(r) => {
                r.state = if Some(&a.checksum) == r.checksum.as_ref() && a.name == r.name {
                    State::Applied
                } else {
                    State::Modified
                };
                r.applied_on = Some(a.applied_on.clone());
                r.applied_checksum = Some(a.checksum.clone());
            }
            None => {
                rows.insert(
                    a.version,
                    StatusRow {
                        version: a.version,
                        name: a.name.clone(),
                        state: State::Missing,
                        applied_on: Some(a.applied_on.clone()),
                        no_transaction: false,
                        has_down: false,
                        checksum: None,
                        applied_checksum: Some(a.checksum.clone()),
                    },
                );
            }
        }
    }
    rows.into_values().collect()
}

/// Status of every known migration on the connected database.
pub async fn status(client: &Client) -> Result<Vec<StatusRow>> {
    let shipped = shipped()?;
    let applied = applied(client).await?.unwrap_or_default();
    Ok(compare(&shipped, &applied))
}

fn problems(rows: &[StatusRow]) -> Vec<String> {
    let max_applied = rows.iter().filter(|r| r.state != State::Pending).map(|r| r.version).max();
    let mut out = Vec::new();
    for r in rows {
        match r.state {
            State::Modified => out.push(format!(
                "V{}__{}: applied with checksum {} but the shipped file has {} (the file was edited after it was applied)",
                r.version,
                r.name,
                r.applied_checksum.as_deref().unwrap_or("?"),
                r.checksum.as_deref().unwrap_or("?")
            )),
            State::Missing => out.push(format!(
                "V{}__{}: applied on {} but not shipped in this towow-db (file removed or an older binary)",
                r.version,
                r.name,
                r.applied_on.as_deref().unwrap_or("?")
            )),
            State::Pending if max_applied.is_some_and(|m| m > r.version) => out.push(format!(
                "V{}__{}: not applied although later V{} is (added out of order)",
                r.version,
                r.name,
                max_applied.unwrap_or_default()
            )),
            _ => {}
        }
    }
    out
}

/// Take the migration advisory lock, polling `pg_try_advisory_lock` with backoff (a blocking
/// `pg_advisory_lock` would deadlock with `CREATE INDEX CONCURRENTLY` in the holder).
pub async fn acquire_lock(client: &Client, wait: Duration) -> Result<()> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(25);
    let mut announced = false;
    loop {
        let got: bool = client
            .query_typed_one("SELECT pg_try_advisory_lock($1)", &[(&MIGRATION_LOCK_KEY, Type::INT8)])
            .await
            .pg_context("cannot take the migration lock")?
            .get(0);
        if got {
            if announced {
                tracing::info!("migration lock acquired after {:.1}s", started.elapsed().as_secs_f64());
            }
            return Ok(());
        }
        let holder = lock_holder(client).await.unwrap_or_else(|e| {
            tracing::debug!("cannot tell who holds the migration lock: {e:#}");
            "another session".into()
        });
        if started.elapsed() + delay > wait {
            bail!(
                "another migration is running: the migration lock is held by {holder}; gave up after {:.0}s (raise --lock-wait, or end that session)",
                started.elapsed().as_secs_f64()
            );
        }
        if !announced {
            tracing::info!("waiting for the migration lock held by {holder}");
            announced = true;
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

/// Who holds the migration lock: pid, user, application, client address, since when.
pub async fn lock_holder(client: &Client) -> Result<String> {
    let key = MIGRATION_LOCK_KEY;
    let rows = client
        .query_typed(
            "SELECT a.pid, coalesce(a.usename::text, '?'), coalesce(a.application_name, ''), \
                    coalesce(host(a.client_addr), 'local socket'), \
                    coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?'), \
                    coalesce(a.state, '?') \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND l.classid = ($1::int8 >> 32)::oid AND l.objid = ($1::int8 & 4294967295)::oid AND l.objsubid = 1",
            &[(&key, Type::INT8)],
        )
        .await?;
    Ok(match rows.first() {
        Some(r) => format!(
            "pid {} (user {}, application \"{}\", from {}, connected {}, {})",
            r.get::<_, i32>(0),
            r.get::<_, String>(1),
            r.get::<_, String>(2),
            r.get::<_, String>(3),
            r.get::<_, String>(4),
            r.get::<_, String>(5)
        ),
        None => "another session".to_string(),
    })
}

async fn release_lock(client: &Client) {
    if let Err(e) =
        client.query_typed_one("SELECT pg_advisory_unlock($1)", &[(&MIGRATION_LOCK_KEY, Type::INT8)]).await
    {
        tracing::debug!("releasing the migration lock: {}", pg_message(&e));
    }
}

/// refinery's own `CREATE TABLE IF NOT EXISTS` for its history table (int4 versions).
pub const CREATE_HISTORY: &str = "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255));";

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
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedSql {
    pub version: i32,
    pub name: String,
    pub no_transaction: bool,
    pub sql: String,
}

fn refinery_error(e: refinery::Error) -> anyhow::Error {
    match e.kind() {
        refinery::error::Kind::Connection(msg, src) => match src.downcast_ref::<tokio_postgres::Error>() {
            Some(pe) => anyhow!("{msg}: {}", pg_message(pe)),
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

/// Apply pending migrations up to `target` (all when `None`), holding the migration lock.
pub async fn up(db: &Db, target: Option<i32>, dry_run: bool, lock_wait: Duration) -> Result<UpReport> {
    let shipped = shipped()?;
    if let Some(t) = target
        && t != 0
        && !shipped.iter().any(|s| s.version == t)
    {
        bail!(
            "--target {t}: no such migration (shipped: {})",
            shipped.iter().map(|s| s.version.to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    let mut client = db.dedicated().await?;
    if dry_run {
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
        });
    }
    crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate`").await?;
    acquire_lock(&client, lock_wait).await?;
    let result = up_locked(&mut client, &shipped, target).await;
    release_lock(&client).await;
    result
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

async fn up_locked(client: &mut Client, shipped: &[Shipped], target: Option<i32>) -> Result<UpReport> {
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
            run_no_transaction(client, s).await?;
            steps.push(step(s, started));
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
        i = j + 1;
    }
    let current = applied(client).await?.unwrap_or_default().last().map(|a| a.version);
    Ok(UpReport { applied: steps, dry_run: false, sql: Vec::new(), current_version: current })
}

fn step(s: &Shipped, started: Instant) -> Step {
    Step {
        version: s.version,
        name: s.name.clone(),
        no_transaction: s.no_transaction(),
        millis: started.elapsed().as_millis() as u64,
    }
}

/// Run a no-transaction migration statement by statement, then record it in refinery's history
/// exactly as refinery does (RFC 3339 UTC time, SipHash-1-3 checksum as a decimal string).
async fn run_no_transaction(client: &Client, s: &Shipped) -> Result<()> {
    tracing::debug!("applying V{}__{} outside a transaction", s.version, s.name);
    for stmt in split_statements(s.up) {
        let index = concurrent_index_name(&stmt);
        if let Some(ix) = &index {
            drop_invalid_index(client, ix).await?;
        }
        client.batch_execute(&stmt).await.map_err(|e| {
            anyhow!(
                "V{}__{} failed (outside a transaction: statements before this one stay applied; it is safe to re-run once fixed): {}",
                s.version,
                s.name,
                pg_message(&e)
            )
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
    let applied_on = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .context("formatting the time")?;
    client
        .execute_typed(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES ($1, $2, $3, $4)",
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

#[derive(Debug, Clone, Serialize)]
pub struct DownReport {
    pub rolled_back: Vec<Step>,
    pub dry_run: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sql: Vec<PlannedSql>,
    pub current_version: Option<i32>,
}

/// Which applied versions a `down` would roll back, newest first.
pub fn down_plan(applied: &[Applied], steps: Option<u32>, target: Option<i32>) -> Result<Vec<i32>> {
    let mut versions: Vec<i32> = applied.iter().map(|a| a.version).collect();
    versions.sort_unstable_by(|a, b| b.cmp(a));
    Ok(match (steps, target) {
        (_, Some(t)) => versions.into_iter().filter(|v| *v > t).collect(),
        (Some(n), None) => versions.into_iter().take(n as usize).collect(),
        (None, None) => versions.into_iter().take(1).collect(),
    })
}

/// The versions `down` would roll back, read from the database (for the confirmation prompt).
pub async fn down_preview(db: &Db, steps: Option<u32>, target: Option<i32>) -> Result<Vec<(i32, String)>> {
    let client = db.get().await?;
    let applied = applied(&client).await?.unwrap_or_default();
    let plan = down_plan(&applied, steps, target)?;
    Ok(plan
        .into_iter()
        .map(|v| {
            let name = applied.iter().find(|a| a.version == v).map(|a| a.name.clone()).unwrap_or_default();
            (v, name)
        })
        .collect())
}

/// Roll back the newest applied migrations with their down scripts.
/// `confirmed`: the versions the user agreed to roll back (newest first); when the plan made under
/// the lock differs (another `migrate` ran since the question), nothing is rolled back.
pub async fn down(
    db: &Db,
    steps: Option<u32>,
    target: Option<i32>,
    dry_run: bool,
    lock_wait: Duration,
    confirmed: Option<&[i32]>,
) -> Result<DownReport> {
    let shipped = shipped()?;
    let mut client = db.dedicated().await?;
    if !dry_run {
        crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate down`").await?;
        acquire_lock(&client, lock_wait).await?;
    }
    let result = down_locked(&mut client, &shipped, steps, target, dry_run, confirmed).await;
    if !dry_run {
        release_lock(&client).await;
    }
    result
}

async fn down_locked(
    client: &mut Client,
    shipped: &[Shipped],
    steps: Option<u32>,
    target: Option<i32>,
    dry_run: bool,
    confirmed: Option<&[i32]>,
) -> Result<DownReport> {
    let applied_now = applied(client).await?.unwrap_or_default();
    let plan = down_plan(&applied_now, steps, target)?;
    if let Some(c) = confirmed
        && c != plan.as_slice()
    {
        let list = |v: &[i32]| v.iter().map(|x| format!("V{x}")).collect::<Vec<_>>().join(", ");
        bail!(
            "the applied migrations changed since you confirmed (another migrate ran?): you confirmed rolling back {}, now it would be {}; nothing was rolled back, run the command again",
            list(c),
            if plan.is_empty() { "nothing".to_string() } else { list(&plan) }
        );
    }
    // Check everything first, so that a missing down script stops the run before any change.
    let mut todo = Vec::new();
    for v in &plan {
        let s = shipped.iter().find(|s| s.version == *v).ok_or_else(|| {
            anyhow!("V{v} is applied but not shipped in this towow-db: cannot roll it back (no down script)")
        })?;
        let down = s.down.ok_or_else(|| {
            anyhow!(
                "V{}__{} has no down script ({}.down.sql): cannot roll it back",
                s.version,
                s.name,
                s.file
            )
        })?;
        todo.push((s, down));
    }
    if dry_run {
        return Ok(DownReport {
            rolled_back: Vec::new(),
            dry_run: true,
            sql: todo
                .iter()
                .map(|(s, down)| PlannedSql {
                    version: s.version,
                    name: s.name.clone(),
                    no_transaction: is_no_transaction(down),
                    sql: down.to_string(),
                })
                .collect(),
            current_version: applied_now.last().map(|a| a.version),
        });
    }
    let mut done = Vec::new();
    for (s, down) in todo {
        let started = Instant::now();
        tracing::info!("rolling back V{}__{}", s.version, s.name);
        if is_no_transaction(down) {
            for stmt in split_statements(down) {
                client.batch_execute(&stmt).await.map_err(|e| {
                    anyhow!("rolling back V{}__{} failed: {}", s.version, s.name, pg_message(&e))
                })?;
            }
            client
                .execute_typed(
                    "DELETE FROM refinery_schema_history WHERE version = $1",
                    &[(&s.version, Type::INT4)],
                )
                .await
                .pg_context("cannot update the migration history")?;
        } else {
            let tx = client.transaction().await.pg_context("cannot begin")?;
            tx.batch_execute(down).await.map_err(|e| {
                anyhow!(
                    "rolling back V{}__{} failed (nothing changed): {}",
                    s.version,
                    s.name,
                    pg_message(&e)
                )
            })?;
            tx.execute_typed(
                "DELETE FROM refinery_schema_history WHERE version = $1",
                &[(&s.version, Type::INT4)],
            )
            .await
            .pg_context("cannot update the migration history")?;
            tx.commit().await.pg_context("cannot commit the rollback")?;
        }
        done.push(step(s, started));
    }
    let current = applied(client).await?.unwrap_or_default().last().map(|a| a.version);
    Ok(DownReport { rolled_back: done, dry_run: false, sql: Vec::new(), current_version: current })
}

/// One expected column of the ToWow tables: the contract with the app's models.
#[derive(Debug)]
pub struct ExpectedColumn {
    pub table: &'static str,
    pub column: &'static str,
    pub data_type: &'static str,
    pub not_null: bool,
}

macro_rules! cols {
    ($($t:literal . $c:literal : $ty:literal $nn:literal;)*) => {
        &[$(ExpectedColumn { table: $t, column: $c, data_type: $ty, not_null: $nn }),*]
    };
}

/// The columns V1 creates (`format_type` spelling), checked by `migrate verify`.
pub const EXPECTED_COLUMNS: &[ExpectedColumn] = cols! {
    "agent_profiles"."id": "uuid" true;
    "agent_profiles"."name": "character varying(255)" true;
    "agent_profiles"."agent_type": "character varying(50)" true;
    "agent_profiles"."description": "text" false;
    "agent_profiles"."capabilities": "jsonb" false;
    "agent_profiles"."pricing_info": "jsonb" false;
    "agent_profiles"."config": "jsonb" false;
    "agent_profiles"."is_active": "boolean" false;
    "agent_profiles"."rating": "double precision" false;
    "agent_profiles"."total_collaborations": "integer" false;
    "agent_profiles"."created_at": "timestamp with time zone" false;
    "agent_profiles"."updated_at": "timestamp with time zone" false;
    "demands"."id": "uuid" true;
    "demands"."title": "character varying(500)" true;
    "demands"."description": "text" true;
    "demands"."user_id": "character varying(255)" true;
    "demands"."requirements": "jsonb" false;
    "demands"."budget": "jsonb" false;
    "demands"."deadline": "timestamp with time zone" false;
    "demands"."status": "character varying(50)" false;
    "demands"."tags": "jsonb" false;
    "demands"."extra_metadata": "jsonb" false;
    "demands"."created_at": "timestamp with time zone" false;
    "demands"."updated_at": "timestamp with time zone" false;
    "collaboration_channels"."id": "uuid" true;
    "collaboration_channels"."name": "character varying(255)" true;
    "collaboration_channels"."description": "text" false;
    "collaboration_channels"."demand_id": "uuid" false;
    "collaboration_channels"."participants": "jsonb" true;
    "collaboration_channels"."status": "character varying(50)" false;
    "collaboration_channels"."context": "jsonb" false;
    "collaboration_channels"."message_count": "integer" false;
    "collaboration_channels"."last_message_at": "timestamp with time zone" false;
    "collaboration_channels"."settings": "jsonb" false;
    "collaboration_channels"."created_at": "timestamp with time zone" false;
    "collaboration_channels"."updated_at": "timestamp with time zone" false;
    "agent_responses"."id": "uuid" true;
    "agent_responses"."demand_id": "uuid" false;
    "agent_responses"."agent_id": "uuid" false;
    "agent_responses"."message": "text" true;
    "agent_responses"."proposal": "jsonb" false;
    "agent_responses"."status": "character varying(50)" false;
    "agent_responses"."relevance_score": "double precision" false;
    "agent_responses"."extra_metadata": "jsonb" false;
    "agent_responses"."created_at": "timestamp with time zone" false;
    "agent_responses"."updated_at": "timestamp with time zone" false;
};

/// The indexes each migration creates, by version.
pub const EXPECTED_INDEXES: &[(i32, &str)] = &[
    (1, "ix_agent_profiles_agent_type"),
    (1, "ix_agent_profiles_is_active"),
    (1, "ix_demands_user_id"),
    (1, "ix_demands_status"),
    (1, "ix_demands_created_at"),
    (1, "ix_collaboration_channels_demand_id"),
    (1, "ix_collaboration_channels_status"),
    (1, "ix_agent_responses_demand_id"),
    (1, "ix_agent_responses_agent_id"),
    (1, "ix_agent_responses_status"),
    (2, "ix_agent_profiles_capabilities_gin"),
    (2, "ix_demands_status_created"),
];

#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub object: String,
    pub problem: String,
}

/// Differences between the ToWow tables in the database and what the applied migrations made:
/// missing tables, columns, indexes; changed types or nullability; invalid indexes.
pub async fn drift(client: &Client, applied_versions: &[i32]) -> Result<Vec<Drift>> {
    let mut out = Vec::new();
    if !applied_versions.contains(&1) {
        return Ok(out);
    }
    let tables: Vec<String> = TOWOW_TABLES.iter().map(|s| s.to_string()).collect();
    let rows = client
        .query_typed(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE n.nspname = current_schema() AND c.relname::text = ANY($1) AND c.relkind IN ('r', 'p')",
            &[(&tables, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read the table definitions")?;
    let actual: Vec<(String, String, String, bool)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    for t in TOWOW_TABLES {
        if !actual.iter().any(|a| a.0 == t) {
            out.push(Drift { object: format!("table {t}"), problem: "missing (dropped by hand?)".into() });
        }
    }
    for e in EXPECTED_COLUMNS {
        if !actual.iter().any(|a| a.0 == e.table) {
            continue;
        }
        match actual.iter().find(|a| a.0 == e.table && a.1 == e.column) {
            None => out.push(Drift {
                object: format!("column {}.{}", e.table, e.column),
                problem: "missing (dropped by hand?)".into(),
            }),
            Some(a) => {
                if a.2 != e.data_type {
                    out.push(Drift {
                        object: format!("column {}.{}", e.table, e.column),
                        problem: format!("type is {} but the migrations make {}", a.2, e.data_type),
                    });
                }
                if a.3 != e.not_null {
                    out.push(Drift {
                        object: format!("column {}.{}", e.table, e.column),
                        problem: format!(
                            "is {} but the migrations make it {}",
                            if a.3 { "NOT NULL" } else { "nullable" },
                            if e.not_null { "NOT NULL" } else { "nullable" }
                        ),
                    });
                }
            }
        }
    }
    for a in &actual {
        if !EXPECTED_COLUMNS.iter().any(|e| e.table == a.0 && e.column == a.1) {
            out.push(Drift {
                object: format!("column {}.{}", a.0, a.1),
                problem: format!("not made by the migrations ({}, added by hand?)", a.2),
            });
        }
    }
    let names: Vec<String> = EXPECTED_INDEXES
        .iter()
        .filter(|(v, _)| applied_versions.contains(v))
        .map(|(_, n)| n.to_string())
        .collect();
    let rows = client
        .query_typed(
            "SELECT c.relname::text, i.indisvalid FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indexrelid = c.oid \
             WHERE n.nspname = current_schema() AND c.relname::text = ANY($1)",
            &[(&names, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read the indexes")?;
    for n in &names {
        match rows.iter().find(|r| r.get::<_, String>(0) == *n) {
            None => {
                out.push(Drift { object: format!("index {n}"), problem: "missing (dropped by hand?)".into() })
            }
            Some(r) if !r.get::<_, bool>(1) => out.push(Drift {
                object: format!("index {n}"),
                problem:
                    "INVALID (a failed CREATE INDEX CONCURRENTLY?): drop it and run `towow-db migrate` again"
                        .into(),
            }),
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub migrations: Vec<StatusRow>,
    pub problems: Vec<String>,
    pub drift: Vec<Drift>,
    pub pending: Vec<i32>,
}

/// Compare applied with shipped migrations and the ToWow tables with what they should be.
pub async fn verify(client: &Client, fail_on_pending: bool) -> Result<VerifyReport> {
    let rows = status(client).await?;
    let mut problems = problems(&rows);
    let applied_versions: Vec<i32> = rows
        .iter()
        .filter(|r| matches!(r.state, State::Applied | State::Modified))
        .map(|r| r.version)
        .collect();
    let drift = drift(client, &applied_versions).await?;
    let pending: Vec<i32> = rows.iter().filter(|r| r.state == State::Pending).map(|r| r.version).collect();
    if fail_on_pending && !pending.is_empty() {
        problems.push(format!(
            "pending migrations: {}",
            pending.iter().map(|v| format!("V{v}")).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(VerifyReport {
        ok: problems.is_empty() && drift.is_empty(),
        migrations: rows,
        problems,
        drift,
        pending,
    })
}

/// Exact row counts of the ToWow tables that exist (for `init` and `drop`).
pub async fn table_counts(client: &Client) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    let names: Vec<String> = TOWOW_TABLES.iter().rev().map(|s| s.to_string()).collect();
    let existing = client
        .query_typed(
            "SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS u(t, o) WHERE to_regclass(t) IS NOT NULL ORDER BY o",
            &[(&names, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot list the ToWow tables")?;
    for r in existing {
        let t: String = r.get(0);
        let n: i64 = client
            .query_typed_one(&format!("SELECT count(*) FROM {}", crate::sql::quote_ident(&t)), &[])
            .await
            .pg_context(format!("cannot count {t}"))?
            .get(0);
        out.push((t, n));
    }
    Ok(out)
}

/// Drop the ToWow tables, the trigger function and the migration history, in one transaction.
pub async fn drop_all(db: &Db) -> Result<()> {
    let mut client = db.get().await?;
    let tx = client.transaction().await.pg_context("cannot begin")?;
    tx.batch_execute(
        "DROP TABLE IF EXISTS agent_responses, collaboration_channels, demands, agent_profiles CASCADE;
         DROP FUNCTION IF EXISTS towow_set_updated_at() CASCADE;
         DROP TABLE IF EXISTS refinery_schema_history;",
    )
    .await
    .pg_context("cannot drop the ToWow tables")?;
    tx.commit().await.pg_context("cannot commit the drop")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_migrations_are_sane() {
        let s = shipped().unwrap();
        assert_eq!(s[0].version, 1);
        assert_eq!(s[0].name, "initial_tables");
        assert!(!s[0].no_transaction());
        assert!(s[1].no_transaction());
        assert!(s.iter().all(|m| m.down.is_some()));
        // refinery computes the same checksum for the same file
        let again = Migration::unapplied("V1__initial_tables", s[0].up).unwrap();
        assert_eq!(again.checksum(), s[0].migration.checksum());
    }

    #[test]
    fn compare_states() {
        let s = shipped().unwrap();
        let applied = vec![
            Applied {
                version: 1,
                name: "initial_tables".into(),
                applied_on: "t".into(),
                checksum: s[0].checksum(),
            },
            Applied {
                version: 2,
                name: "recommended_indexes".into(),
                applied_on: "t".into(),
                checksum: "1".into(),
            },
            Applied { version: 99, name: "gone".into(), applied_on: "t".into(), checksum: "2".into() },
        ];
        let rows = compare(&s, &applied);
        let states: Vec<_> = rows.iter().map(|r| (r.version, r.state)).collect();
        assert_eq!(states[0], (1, State::Applied));
        assert_eq!(states[1], (2, State::Modified));
        assert_eq!(*states.last().unwrap(), (99, State::Missing));
        assert_eq!(problems(&rows).len(), 2);
    }

    #[test]
    fn down_plans() {
        let a = |v| Applied {
            version: v,
            name: String::new(),
            applied_on: String::new(),
            checksum: String::new(),
        };
        let applied = vec![a(1), a(2), a(3)];
        assert_eq!(down_plan(&applied, None, None).unwrap(), vec![3]);
        assert_eq!(down_plan(&applied, Some(2), None).unwrap(), vec![3, 2]);
        assert_eq!(down_plan(&applied, None, Some(0)).unwrap(), vec![3, 2, 1]);
        assert_eq!(down_plan(&applied, Some(9), None).unwrap(), vec![3, 2, 1]);
    }
}
