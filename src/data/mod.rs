//! Filling the database: sample data, seed files, mock agents and the scale generator, all in
//! ONE transaction per command. An error or Ctrl-C rolls everything back, so a failed or
//! interrupted load leaves the database exactly as it was.
//!
//! Re-running is safe: seed-file rows are upserted by id; mock agents and generated demands have
//! ids derived from `(seed, index)`, so a second identical run finds them and adds nothing.
//! Loads take a transaction-level advisory lock, so two loads into one database do not race.

pub mod copy;
pub mod generators;
pub mod seed_file;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use tokio_postgres::Transaction;
use tokio_postgres::types::{ToSql, Type};

use self::copy::CopyRow;
use self::generators::agents::{AGENT_TYPES, AgentRow, MockSet, mock_agent};
use self::generators::demands::{self, AgentPool, ChannelRow, DemandRow, ResponseRow, ScaleSpec};
use self::generators::{DEFAULT_AS_OF, DEFAULT_SEED, Locale};
use self::seed_file::{CheckedFile, SeedFile, SeedFileReport};
use crate::connect::{Db, blocking};
use crate::error::{Outcome, PgContext, Remedy};
use crate::interrupt::Interrupted;
use crate::output::progress::Progress;

/// How long an interrupted load waits for its ROLLBACK before leaving it to the server.
const ROLLBACK_WAIT: Duration = Duration::from_millis(300);

/// Advisory lock key held (per transaction) by every load ("towowld").
const LOAD_LOCK_KEY: i64 = 0x0074_6f77_6f77_6c64;

/// Upper bounds that catch typos (`1e99`) before anything is written.
pub const MAX_AGENTS: u64 = 100_000_000;
pub const MAX_DEMANDS: u64 = 1_000_000_000;
pub const MAX_PER_DEMAND: u32 = 10_000;
pub const MAX_TOTAL_ROWS: u64 = 10_000_000_000;

/// The default number of mock agents (`init_db.py --mock-agents`).
pub const DEFAULT_MOCK_AGENTS: u64 = 100;

/// What to load, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct LoadPlan {
    /// The embedded ToWow sample rows.
    pub sample: bool,
    /// A user's seed file, already validated.
    pub file: Option<SeedFile>,
    pub mock_agents: Option<MockRequest>,
    pub generate: Option<ScaleSpec>,
    /// Delete earlier towow-db mock agents (with `mock_agents`) or generated demands (with
    /// `generate`) first. The caller has confirmed it.
    pub replace: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct MockRequest {
    pub count: u64,
    pub seed: u64,
    pub locale: Locale,
    pub as_of: i64,
}

impl Default for MockRequest {
    fn default() -> Self {
        MockRequest {
            count: DEFAULT_MOCK_AGENTS,
            seed: DEFAULT_SEED,
            locale: Locale::Zh,
            as_of: DEFAULT_AS_OF,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MockReport {
    pub seed: u64,
    pub locale: Locale,
    /// The size of the set asked for.
    pub count: u64,
    /// Agents of this set already in the database before the run.
    pub already_present: u64,
    pub inserted: u64,
    /// Earlier mock agents deleted by `--replace`.
    pub deleted: u64,
    /// Inserted agents per `agent_type`.
    pub by_type: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenerateReport {
    pub seed: u64,
    pub locale: Locale,
    pub demands: u64,
    pub responses_per_demand: u32,
    pub channels_per_demand: u32,
    /// Active mock agents the responses were drawn from.
    pub agent_pool: usize,
    /// Generated demands (with their responses and channels) deleted by `--replace`.
    pub deleted_demands: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableRows {
    pub table: &'static str,
    /// Rows this run added (inserted), per table.
    pub rows: u64,
}

/// What a load did.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample: Option<SeedFileReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<SeedFileReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mock_agents: Option<MockReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<GenerateReport>,
    /// Rows inserted per table, over everything above.
    pub tables: Vec<TableRows>,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_second: f64,
}

struct Tally(BTreeMap<&'static str, u64>);

impl Tally {
    fn add(&mut self, table: &'static str, n: u64) {
        *self.0.entry(table).or_default() += n;
    }
}

/// Refuse counts that are zero where that means nothing, or absurdly large, before anything is
/// written.
pub fn check_counts(mock: Option<&MockRequest>, spec: Option<&ScaleSpec>) -> Result<()> {
    if let Some(m) = mock {
        if m.count == 0 {
            bail!("the number of mock agents must be at least 1");
        }
        if m.count > MAX_AGENTS {
            bail!("{} mock agents is more than this tool generates (at most {MAX_AGENTS})", m.count);
        }
    }
    if let Some(s) = spec {
        if s.demands == 0 {
            bail!("--demands must be at least 1");
        }
        if s.demands > MAX_DEMANDS {
            bail!("--demands {} is more than this tool generates (at most {MAX_DEMANDS})", s.demands);
        }
        for (flag, n) in [
            ("--responses-per-demand", s.responses_per_demand),
            ("--channels-per-demand", s.channels_per_demand),
        ] {
            if n > MAX_PER_DEMAND {
                bail!("{flag} {n} is more than this tool generates (at most {MAX_PER_DEMAND})");
            }
        }
        let total = s.demands as u128 * (1 + s.responses_per_demand as u128 + s.channels_per_demand as u128);
        if total > MAX_TOTAL_ROWS as u128 {
            bail!(
                "that is {total} rows in all, more than this tool generates in one run (at most {MAX_TOTAL_ROWS})"
            );
        }
    }
    Ok(())
}

/// Fail with "run `towow-db init` first" when the ToWow tables are not there.
pub async fn require_schema(db: &Db) -> Result<()> {
    let client = db.get().await?;
    let missing: Vec<String> = client
        .query_typed(
            "SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL",
            &[(&crate::migrate::TOWOW_TABLES.to_vec(), Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot look for the ToWow tables")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !missing.is_empty() {
        bail!(
            "database \"{}\" has no ToWow schema (missing: {}): run `towow-db init` first",
            db.cfg.dbname_or_default(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// Run `plan` in one transaction. Ctrl-C rolls it back and returns [`Interrupted`] (saying so).
pub async fn load(db: &Db, plan: &LoadPlan, quiet: bool) -> Result<LoadReport> {
    check_counts(plan.mock_agents.as_ref(), plan.generate.as_ref())?;
    require_schema(db).await?;
    let started = Instant::now();
    let mut client = db.get().await?;
    let pid = blocking::backend_pid(&client).await;
    let cancel = client.cancel_token();
    let tx = client.transaction().await.pg_context("cannot begin the load transaction")?;
    let outcome = {
        // Ctrl-C is this section's to handle (cancel, roll back, say so): see `interrupt`.
        let _handled = crate::interrupt::handled_here();
        let work = blocking::naming_holder(db, pid, run_plan(&tx, plan, quiet));
        tokio::select! {
            r = work => Some(r),
            _ = crate::interrupt::requested() => None,
        }
    };
    match outcome {
        Some(Ok(mut report)) => {
            tx.commit().await.pg_context("cannot commit the load")?;
            report.seconds = started.elapsed().as_secs_f64();
            report.rows_per_second =
                if report.seconds > 0.0 { report.rows as f64 / report.seconds } else { 0.0 };
            Ok(report)
        }
        Some(Err(e)) => {
            let _ = tx.rollback().await;
            Err(e.context(Outcome("rolled back: nothing was written".into())))
        }
        None => {
            // ROLLBACK queues behind the statement in flight (a lock wait: up to the lock
            // timeout, or for ever): cancel that first.
            db.cancel(&cancel).await;
            let rolled_back = matches!(tokio::time::timeout(ROLLBACK_WAIT, tx.rollback()).await, Ok(Ok(())));
            Err(anyhow::Error::new(Interrupted(
                if rolled_back {
                    "interrupted: the load was rolled back; nothing was written"
                } else {
                    "interrupted: the load was abandoned before it committed; the server rolls it back, nothing was written"
                }
                .to_string(),
            )))
        }
    }
}

async fn run_plan(tx: &Transaction<'_>, plan: &LoadPlan, quiet: bool) -> Result<LoadReport> {
    let free: bool = tx
        .query_typed("SELECT pg_try_advisory_xact_lock($1)", &[(&LOAD_LOCK_KEY, Type::INT8)])
        .await
        .pg_context("cannot take the load lock")?
        .first()
        .is_some_and(|r| r.get(0));
    if !free {
        tracing::info!("another towow-db load into this database is running: waiting for it to end");
        tx.query_typed("SELECT pg_advisory_xact_lock($1)", &[(&LOAD_LOCK_KEY, Type::INT8)])
            .await
            .pg_context("another towow-db load into this database is still running")
            .context(Remedy("raise --lock-timeout to wait longer".into()))?;
    }
    let mut tally = Tally(BTreeMap::new());
    // Seed rows are checked against the database's own columns before anything is written.
    let sample = if plan.sample { Some(seed_file::sample()?) } else { None };
    let columns = match sample.is_some() || plan.file.is_some() {
        true => Some(seed_file::columns(tx).await?),
        false => None,
    };
    let check = |f: &Option<SeedFile>| match (f, &columns) {
        (Some(f), Some(c)) => f.check(c).map(Some),
        _ => Ok(None),
    };
    let (sample, file) = (check(&sample)?, check(&plan.file)?);
    let sample = match &sample {
        Some(f) => Some(load_seed_file(tx, f, &mut tally).await?),
        None => None,
    };
    let file = match &file {
        Some(f) => Some(load_seed_file(tx, f, &mut tally).await?),
        None => None,
    };
    // Generated responses come from towow-db's mock agents (so that they depend on the seed and
    // the mock set only, not on whatever other agents a database holds); with none, the default
    // mock set is loaded first, in this same transaction.
    let mut mock_request = plan.mock_agents;
    let count_mock = format!("SELECT count(*) FROM agent_profiles WHERE {MOCK_AGENT}");
    if let Some(s) = &plan.generate
        && mock_request.is_none()
        && s.responses_per_demand > 0
        && scalar_i64(tx, &count_mock, &[], "cannot count the mock agents").await? == 0
    {
        mock_request = Some(MockRequest { locale: s.locale, ..MockRequest::default() });
    }
    let total: u64 = mock_request.map_or(0, |m| m.count)
        + plan
            .generate
            .map_or(0, |s| s.demands * (1 + s.responses_per_demand as u64 + s.channels_per_demand as u64));
    let progress = Progress::new(total, quiet);
    // --replace goes with what the command generates: demands for `seed`, agents otherwise.
    let replace_agents = plan.replace && plan.generate.is_none();
    let mock_agents = match &mock_request {
        Some(m) => Some(mock_agents(tx, m, replace_agents, &progress, &mut tally).await?),
        None => None,
    };
    let generated = match &plan.generate {
        Some(s) => Some(generate(tx, s, plan.replace, &progress, &mut tally).await?),
        None => None,
    };
    progress.finish();
    // Parents first.
    let tables: Vec<TableRows> = crate::migrate::TOWOW_TABLES
        .into_iter()
        .rev()
        .map(|t| TableRows { table: t, rows: tally.0.get(t).copied().unwrap_or(0) })
        .collect();
    let rows = tables.iter().map(|t| t.rows).sum();
    Ok(LoadReport { sample, file, mock_agents, generated, tables, rows, seconds: 0.0, rows_per_second: 0.0 })
}

async fn load_seed_file(tx: &Transaction<'_>, f: &CheckedFile, tally: &mut Tally) -> Result<SeedFileReport> {
    let r = seed_file::load(tx, f).await?;
    for (t, c) in &r.tables {
        tally.add(t, c.inserted);
    }
    Ok(r)
}

/// One value of a query_typed parameter list.
type Param<'a> = (&'a (dyn ToSql + Sync), Type);

async fn scalar_i64(tx: &Transaction<'_>, sql: &str, params: &[Param<'_>], what: &str) -> Result<i64> {
    Ok(tx.query_typed(sql, params).await.pg_context(what)?.first().map(|r| r.get(0)).unwrap_or(0))
}

/// The WHERE clause that finds towow-db's mock agents.
const MOCK_AGENT: &str = "config->'mock_set'->>'generator' = 'towow-db'";

/// The WHERE clause that finds the demands towow-db generated.
const GENERATED_DEMAND: &str = "extra_metadata->'generated'->>'by' = 'towow-db'";

/// What `--replace` deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaceable {
    /// Every demand towow-db generated (with its responses and channels).
    GeneratedDemands,
    /// Every towow-db mock agent (and, by cascade, its responses).
    MockAgents,
}

/// How many rows `--replace` would delete now (so that it asks only when there is something).
pub async fn count_replaceable(db: &Db, what: Replaceable) -> Result<i64> {
    require_schema(db).await?;
    let sql = match what {
        Replaceable::GeneratedDemands => format!("SELECT count(*) FROM demands WHERE {GENERATED_DEMAND}"),
        Replaceable::MockAgents => format!("SELECT count(*) FROM agent_profiles WHERE {MOCK_AGENT}"),
    };
    let client = db.get().await?;
    Ok(client
        .query_typed_one(&sql, &[])
        .await
        .pg_context("cannot count the rows --replace would delete")?
        .get(0))
}

async fn mock_agents(
    tx: &Transaction<'_>,
    m: &MockRequest,
    replace: bool,
    progress: &Progress,
    tally: &mut Tally,
) -> Result<MockReport> {
    let deleted = if replace {
        let sql = format!("DELETE FROM agent_profiles WHERE {MOCK_AGENT}");
        tx.execute_typed(&sql, &[]).await.pg_context("cannot delete the previous mock agents")?
    } else {
        0
    };
    let seed_text = m.seed.to_string();
    let sql = format!(
        "SELECT count(*) AS present, coalesce(max((config->'mock_set'->>'index')::int8), -1) AS max_index, \
                min(config->'mock_set'->>'locale') AS min_locale, max(config->'mock_set'->>'locale') AS max_locale \
         FROM agent_profiles WHERE {MOCK_AGENT} AND config->'mock_set'->>'seed' = $1"
    );
    let row = tx
        .query_typed(&sql, &[(&seed_text, Type::TEXT)])
        .await
        .pg_context("cannot look for earlier mock agents")?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("no answer when looking for earlier mock agents"))?;
    let (present, max_index): (i64, i64) = (row.get("present"), row.get("max_index"));
    let locales: (Option<String>, Option<String>) = (row.get("min_locale"), row.get("max_locale"));
    let want = m.locale.to_string();
    for l in [&locales.0, &locales.1].into_iter().flatten() {
        if *l != want {
            bail!(
                "the mock agents of seed {seed} were generated with --locale {l}: for a second set in --locale {want}, give it its own seed (`towow-db mock-agents --count {count} --locale {want} --seed 7`), or regenerate this one with --replace",
                seed = m.seed,
                count = m.count,
            );
        }
    }
    let set = MockSet { seed: m.seed, locale: m.locale, as_of: m.as_of };
    let by_type: Arc<Vec<AtomicU64>> = Arc::new(AGENT_TYPES.iter().map(|_| AtomicU64::new(0)).collect());
    let counter = by_type.clone();
    let generate = move |i: u64, out: &mut Vec<AgentRow>| {
        let a = mock_agent(&set, i);
        if let Some(t) = self::generators::agents::type_index(a.agent_type) {
            counter[t].fetch_add(1, Ordering::Relaxed);
        }
        out.push(a);
    };
    let inserted = if present == max_index + 1 {
        // The usual case: indices 0..present are loaded (or none is); add the rest directly.
        let start = (present as u64).min(m.count);
        progress.inc(start);
        let rows = copy::spawn_generator(start..m.count, generate)?;
        copy::copy_rows(tx, AgentRow::TABLE, rows, progress).await?
    } else {
        // Some agents of the set were deleted by hand: stage the whole set, insert what is missing.
        tx.batch_execute(
            "CREATE TEMP TABLE towow_stage_agents (LIKE agent_profiles INCLUDING DEFAULTS) ON COMMIT DROP",
        )
        .await
        .pg_context("cannot create the staging table")?;
        let rows = copy::spawn_generator(0..m.count, generate)?;
        copy::copy_rows(tx, "towow_stage_agents", rows, progress).await?;
        let added = tx
            .query_typed(
                "INSERT INTO agent_profiles SELECT * FROM towow_stage_agents ON CONFLICT (id) DO NOTHING \
                 RETURNING agent_type::text",
                &[],
            )
            .await
            .pg_context("cannot add the missing mock agents")?;
        for c in by_type.iter() {
            c.store(0, Ordering::Relaxed);
        }
        for r in &added {
            if let Some(t) = self::generators::agents::type_index(r.get(0)) {
                by_type[t].fetch_add(1, Ordering::Relaxed);
            }
        }
        added.len() as u64
    };
    tally.add(AgentRow::TABLE, inserted);
    let by_type = AGENT_TYPES
        .iter()
        .zip(by_type.iter())
        .map(|(t, c)| (t.key.to_string(), c.load(Ordering::Relaxed)))
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(MockReport {
        seed: m.seed,
        locale: m.locale,
        count: m.count,
        already_present: present as u64,
        inserted,
        deleted,
        by_type,
    })
}

/// The `mock-agents` command that gives at least `active` active mock agents: the default set,
/// grown to the size whose first agents include that many active ones (about 7% are inactive, so
/// `--count` equal to the number needed is not enough).
async fn more_mock_agents(tx: &Transaction<'_>, active: u64) -> Result<String> {
    let seed_text = DEFAULT_SEED.to_string();
    let sql = format!(
        "SELECT min(config->'mock_set'->>'locale') FROM agent_profiles WHERE {MOCK_AGENT} AND config->'mock_set'->>'seed' = $1"
    );
    let locale: Option<String> = tx
        .query_typed(&sql, &[(&seed_text, Type::TEXT)])
        .await
        .pg_context("cannot look for the default mock set")?
        .first()
        .and_then(|r| r.get(0));
    let locale = match locale.as_deref() {
        Some("en") => Locale::En,
        _ => Locale::Zh,
    };
    let set = MockSet { seed: DEFAULT_SEED, locale, as_of: DEFAULT_AS_OF };
    let count = self::generators::agents::set_size_for_active(&set, active);
    Ok(match locale {
        Locale::Zh => format!("towow-db mock-agents --count {count}"),
        Locale::En => format!("towow-db mock-agents --count {count} --locale en"),
    })
}

async fn generate(
    tx: &Transaction<'_>,
    spec: &ScaleSpec,
    replace: bool,
    progress: &Progress,
    tally: &mut Tally,
) -> Result<GenerateReport> {
    let deleted_demands = if replace {
        tx.execute_typed(&format!("DELETE FROM demands WHERE {GENERATED_DEMAND}"), &[])
            .await
            .pg_context("cannot delete the previously generated demands")?
    } else {
        0
    };
    let pool_sql = format!(
        "SELECT id, agent_type::text FROM agent_profiles WHERE is_active IS NOT FALSE AND {MOCK_AGENT} ORDER BY id"
    );
    let pool: Vec<(uuid::Uuid, String)> = tx
        .query_typed(&pool_sql, &[])
        .await
        .pg_context("cannot read the mock agents")?
        .iter()
        .map(|r| (r.get("id"), r.get("agent_type")))
        .collect();
    if (spec.responses_per_demand as usize) > pool.len() {
        bail!(
            "--responses-per-demand {} needs that many distinct active mock agents, and there are {}: load more with `{}`",
            spec.responses_per_demand,
            pool.len(),
            more_mock_agents(tx, spec.responses_per_demand as u64).await?
        );
    }
    let pool = Arc::new(AgentPool::new(pool));
    // Refuse to load the same generated demands twice (their ids come from the seed).
    let probe: Vec<uuid::Uuid> =
        [0, spec.demands - 1].iter().map(|i| demands::demand_core(spec, *i).id).collect();
    let dup = scalar_i64(
        tx,
        "SELECT count(*) FROM demands WHERE id = ANY($1)",
        &[(&probe, Type::UUID_ARRAY)],
        "cannot look for earlier generated demands",
    )
    .await?;
    if dup > 0 {
        bail!(
            "demands generated with --seed {} are already in the database; use another --seed, or --replace to regenerate them",
            spec.seed
        );
    }
    let s = *spec;
    let rows = copy::spawn_generator(0..s.demands, move |i, out| out.push(demands::demand(&s, i)))?;
    tally.add(DemandRow::TABLE, copy::copy_rows(tx, DemandRow::TABLE, rows, progress).await?);
    if s.responses_per_demand > 0 {
        let p = pool.clone();
        let rows = copy::spawn_generator(0..s.demands, move |i, out| demands::responses(&s, &p, i, out))?;
        tally.add(ResponseRow::TABLE, copy::copy_rows(tx, ResponseRow::TABLE, rows, progress).await?);
    }
    if s.channels_per_demand > 0 {
        let p = pool.clone();
        let rows = copy::spawn_generator(0..s.demands, move |i, out| demands::channels(&s, &p, i, out))?;
        tally.add(ChannelRow::TABLE, copy::copy_rows(tx, ChannelRow::TABLE, rows, progress).await?);
    }
    Ok(GenerateReport {
        seed: s.seed,
        locale: s.locale,
        demands: s.demands,
        responses_per_demand: s.responses_per_demand,
        channels_per_demand: s.channels_per_demand,
        agent_pool: pool.agents.len(),
        deleted_demands,
    })
}
