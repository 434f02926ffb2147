//! `advise`: which index would help the heaviest statements, proven with hypopg.
//!
//! 1. The statements: `slow-query`'s ranking (pg_stat_statements, the same `--sort`, `--limit`,
//!    `--min-calls`, `--min-mean-ms`).
//! 2. Each statement's generic plan (see `session`), twice: as the server would run it (its
//!    cost "before"), and with index scans switched off, which shows every condition as a Filter
//!    and every ORDER BY as a Sort: the columns it filters, joins and sorts on (`plan`, `expr`).
//! 3. Candidate indexes from those columns (`candidates`: equality, then range, then sort).
//! 4. Proof (hypopg): every candidate is made a hypothetical index, alone, and every statement
//!    that scans its table is planned again; a candidate helps a statement when the plan uses it
//!    and its cost falls to `1 / min_speedup` of the cost before (2×: half).
//! 5. Choice: greedily, the candidate with the largest estimated saving (each statement's total
//!    time × the share of its cost it removes, over the statements not yet helped), a narrower
//!    prefix of it when that one saves at least 90 % as much; its narrower prefixes are then
//!    "covered". Until no candidate helps a statement that is left.
//! 6. Check: all chosen indexes at once, every statement planned again: its cost "after", the
//!    indexes it uses, each index's size (`hypopg_relation_size`); a chosen index that no plan
//!    uses is dropped from the advice.
//!
//! Without hypopg, steps 4–6 cannot run: the candidates are listed as unproven, never as advice.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::slow::{SlowOptions, SlowReport, Statement};
use super::{Filter, ServerInfo, query};
use crate::connect::Db;

pub mod candidates;
pub mod expr;
pub mod measure;
pub mod params;
pub mod plan;
pub mod render;
pub mod session;

use candidates::{Candidate, IndexColumn, TableInfo};
use params::{ColumnStats, ParamValue, Stats};
use plan::Facts;
use session::Session;

#[derive(Debug, Clone)]
pub struct AdviseOptions {
    /// Which statements, as `slow-query` ranks them.
    pub ranking: SlowOptions,
    /// Only candidate indexes on these schemas/tables.
    pub filter: Filter,
    /// A candidate helps a statement when its planned cost falls at least this many times.
    pub min_speedup: f64,
    /// The widest candidate, in columns.
    pub max_columns: usize,
}

impl Default for AdviseOptions {
    fn default() -> Self {
        AdviseOptions {
            ranking: SlowOptions { limit: 20, ..SlowOptions::default() },
            filter: Filter::default(),
            min_speedup: 2.0,
            max_columns: 3,
        }
    }
}

/// hypopg in this database.
#[derive(Debug, Clone, Serialize)]
pub struct Hypopg {
    /// Created in this database (usable).
    pub created: bool,
    pub version: Option<String>,
    pub schema: Option<String>,
    /// What to do when it is not usable.
    pub remedy: Option<String>,
}

/// What became of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// An advised index cuts its cost at least `min_speedup` times.
    Helped,
    /// What its candidates would give, an existing index already gives.
    AlreadyIndexed,
    /// Nothing to index: no filter, join or ORDER BY on a table's column (a full-table
    /// aggregate, a lookup by a function of a column, …).
    NoCandidate,
    /// Candidates were tried; none cuts its cost enough.
    NotEnough,
    /// Candidates, but hypopg is missing: not proven.
    Unproven,
    /// Not planned (several statements, a text that does not plan).
    Skipped,
}

/// A candidate tried on a statement.
#[derive(Debug, Clone, Serialize)]
pub struct Tried {
    pub index: String,
    /// The statement's planned cost with it (null: the plan failed).
    pub cost: Option<f64>,
    /// cost before / cost with it.
    pub speedup: Option<f64>,
    /// Its plan reads the hypothetical index.
    pub used: bool,
    pub error: Option<String>,
}

/// A statement the advisor looked at.
#[derive(Debug, Clone, Serialize)]
pub struct StatementAdvice {
    pub queryid: i64,
    pub calls: i64,
    pub total_ms: f64,
    pub pct_of_total: Option<f64>,
    pub mean_ms: f64,
    pub rows_per_call: Option<f64>,
    /// Neither modifies data nor locks rows (its plan has no ModifyTable or LockRows): only
    /// such statements are run by `--create`'s measurement.
    pub read_only: Option<bool>,
    /// The generic plan's total cost now (planner units).
    pub cost_before: Option<f64>,
    /// …with the advised indexes (hypothetical).
    pub cost_after: Option<f64>,
    pub speedup: Option<f64>,
    pub outcome: Outcome,
    /// The advised indexes its plan reads.
    pub indexes: Vec<String>,
    pub tried: Vec<Tried>,
    /// Candidates not tried, and why ("already indexed by …").
    pub not_tried: Vec<String>,
    /// The representative parameter values (for `--create`'s measured runs).
    pub params: Vec<ParamValue>,
    pub error: Option<String>,
    pub query: String,
}

/// A statement an advised index helps.
#[derive(Debug, Clone, Serialize)]
pub struct Helped {
    pub queryid: i64,
    pub cost_before: f64,
    pub cost_after: f64,
    pub speedup: f64,
    pub pct_of_total: Option<f64>,
}

/// What an index adds to the writes of its table.
#[derive(Debug, Clone, Serialize)]
pub struct WriteCost {
    /// (n_tup_ins + n_tup_upd) per second since `since`: each insert, and each update that is
    /// not HOT, adds an entry to every index of the table, this one too.
    pub rows_written_per_s: f64,
    pub inserts: i64,
    pub updates: i64,
    /// Updates that were HOT (no index entry). An update of a column the new index holds can
    /// no longer be HOT.
    pub hot_updates: i64,
    pub since: Option<DateTime<Utc>>,
    /// `since` is the database's statistics reset (true) or, never reset, the server's start
    /// (false: the counters may be older, the rate is then an upper bound).
    pub since_stats_reset: bool,
    /// The table's indexes now.
    pub indexes_now: i64,
}

/// An advised index.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisedIndex {
    pub name: String,
    pub schema: String,
    pub table: String,
    pub columns: Vec<IndexColumn>,
    /// The statement that builds it.
    pub definition: String,
    /// hypopg's estimate of its size, in bytes.
    pub estimated_bytes: Option<i64>,
    pub statements: Vec<Helped>,
    /// The helped statements' share of all statements' total time, in %.
    pub time_share_pct: f64,
    pub writes: Option<WriteCost>,
    /// Narrower candidates it makes unnecessary.
    pub covers: Vec<String>,
    #[serde(skip)]
    pub candidate: Candidate,
}

/// A candidate that could not be proven (no hypopg).
#[derive(Debug, Clone, Serialize)]
pub struct Unproven {
    pub index: String,
    pub definition: String,
    pub queryids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Advice {
    pub database: String,
    pub server_version_num: i32,
    pub hypopg: Hypopg,
    /// How the generic plans are made.
    pub plans: String,
    pub min_speedup: f64,
    pub max_columns: usize,
    /// Whether the candidates were proven (hypopg usable).
    pub proven: bool,
    pub indexes: Vec<AdvisedIndex>,
    /// Without hypopg: the candidates, marked unproven (not advice).
    pub unproven: Vec<Unproven>,
    pub statements: Vec<StatementAdvice>,
    pub warnings: Vec<String>,
}

/// A statement being worked on.
struct Work {
    advice: StatementAdvice,
    types: Vec<String>,
    before: Facts,
    found: candidates::Found,
}

/// Read the advice. The statements come from `slow-query`'s report; everything else runs on one
/// pooled connection in one read-only transaction (see `session`).
pub async fn advise(db: &Db, opts: &AdviseOptions) -> Result<Advice> {
    // Utility statements (BEGIN, SET, CREATE …) have no plan: the ranking is read deeper and
    // the first `limit` statements that have one are examined.
    let mut deeper = opts.ranking.clone();
    deeper.limit = opts.ranking.limit.saturating_mul(UTILITY_ALLOWANCE).min(opts.ranking.limit.max(MAX_READ));
    let mut slow = super::slow::report(db, &deeper).await?;
    slow.queries.retain(|q| plannable(&q.query));
    slow.queries.truncate(opts.ranking.limit.max(0) as usize);
    let client = db.get().await?;
    let info = ServerInfo::read(&client, &[]).await?;
    let hypopg = detect_hypopg(&client, &info).await?;
    let s = Session::begin(
        &client,
        info.major(),
        info.superuser,
        hypopg.schema.as_deref().filter(|_| hypopg.created),
    )
    .await?;
    let r = run(&client, &s, &info, hypopg, &slow, opts).await;
    let end = s.end().await;
    let advice = r?;
    end?;
    Ok(advice)
}

const HYPOPG_SQL: &str = "
SELECT (SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'hypopg') AS schema,
       (SELECT e.extversion::text FROM pg_extension e WHERE e.extname = 'hypopg') AS version,
       (SELECT a.default_version::text FROM pg_available_extensions a WHERE a.name = 'hypopg') AS available";

async fn detect_hypopg(client: &Client, info: &ServerInfo) -> Result<Hypopg> {
    let rows = query(client, "the hypopg extension", HYPOPG_SQL, &[]).await?;
    let r = &rows[0];
    let schema: Option<String> = r.get("schema");
    let available: Option<String> = r.get("available");
    let remedy = match (&schema, &available) {
        (Some(_), _) => None,
        (None, Some(_)) => Some(format!(
            "hypopg is installed on the server but not created in database \"{}\": run CREATE EXTENSION hypopg; in it, then advise again",
            info.database
        )),
        (None, None) => Some(format!(
            "hypopg is not installed on the server: install it (Debian/Ubuntu: apt-get install postgresql-{m}-hypopg; \
             RHEL: dnf install hypopg_{m}), then run CREATE EXTENSION hypopg; in database \"{}\"",
            info.database,
            m = info.major()
        )),
    };
    Ok(Hypopg { created: schema.is_some(), version: r.get("version"), schema, remedy })
}

/// Statements EXPLAIN plans (and PREPARE takes).
const PLANNABLE: &[&str] = &["select", "with", "values", "table", "insert", "update", "delete", "merge"];

fn plannable(text: &str) -> bool {
    expr::first_keyword(text).is_some_and(|k| PLANNABLE.contains(&k.as_str()))
}

/// How much deeper than `--limit` the ranking is read, to pass over utility statements …
const UTILITY_ALLOWANCE: i64 = 5;
/// … up to this many statements (unless `--limit` asks for more).
const MAX_READ: i64 = 500;

async fn run(
    client: &Client,
    s: &Session<'_>,
    info: &ServerInfo,
    hypopg: Hypopg,
    slow: &SlowReport,
    opts: &AdviseOptions,
) -> Result<Advice> {
    let mut advice = Advice {
        database: info.database.clone(),
        server_version_num: info.version_num,
        plans: if info.major() >= 16 {
            "EXPLAIN (GENERIC_PLAN)".into()
        } else {
            "PREPARE + EXPLAIN EXECUTE with plan_cache_mode = force_generic_plan".into()
        },
        min_speedup: opts.min_speedup,
        max_columns: opts.max_columns,
        proven: hypopg.created,
        hypopg,
        indexes: Vec::new(),
        unproven: Vec::new(),
        statements: Vec::new(),
        warnings: slow.warnings.clone(),
    };
    if let Some(r) = &advice.hypopg.remedy {
        advice.warnings.push(format!("{r}; until then the candidates below are UNPROVEN, not advice"));
    }
    // Plan each statement: before, and without index scans (the columns it uses).
    let mut work: Vec<Work> = Vec::new();
    let mut discovery: Vec<Facts> = Vec::new();
    for q in &slow.queries {
        let mut a = statement(q);
        // As planned: `timestamp $1` (pg_stat_statements' form of a typed literal) made `$1::timestamp`.
        a.query = expr::typed_params(&q.query);
        let planned = if crate::sql::split_statements(&q.query).len() != 1 {
            Err("the text holds several statements".to_string())
        } else {
            plan_twice(s, &a.query).await
        };
        match planned {
            Ok((types, before, disc)) => {
                a.cost_before = Some(before.cost);
                a.read_only = Some(!before.writes && !disc.writes);
                work.push(Work { advice: a, types, before, found: candidates::Found::default() });
                discovery.push(disc);
            }
            Err(e) => {
                a.error = Some(e);
                advice.statements.push(a);
            }
        }
    }
    // The tables they scan: catalog facts and column statistics, one query each.
    let mut tables: Vec<(String, String)> = Vec::new();
    for d in &discovery {
        for sc in &d.scans {
            let key = (sc.schema.clone(), sc.table.clone());
            if !tables.contains(&key) {
                tables.push(key);
            }
        }
    }
    let (infos, stats) = read_tables(client, &tables).await?;
    for (w, disc) in work.iter_mut().zip(&discovery) {
        let mut found = candidates::for_statement(disc, &infos, opts.max_columns);
        found.candidates.retain(|c| wanted(&opts.filter, c));
        w.advice.not_tried = found.skipped.clone();
        w.advice.params = params::choose(&w.advice.query, disc, &w.types, w.advice.rows_per_call, &stats);
        w.found = found;
    }
    if advice.hypopg.created {
        prove(s, client, &mut work, opts, &mut advice).await?;
    } else {
        advice.unproven = unproven(&work);
    }
    // The statements that were planned and not helped (`prove` marks those it helps).
    for w in &mut work {
        if w.advice.outcome != Outcome::Helped {
            w.advice.outcome =
                match (w.found.candidates.is_empty(), w.found.already_indexed, advice.hypopg.created) {
                    (true, true, _) => Outcome::AlreadyIndexed,
                    (true, false, _) => Outcome::NoCandidate,
                    (false, _, false) => Outcome::Unproven,
                    (false, true, true) => Outcome::AlreadyIndexed,
                    (false, false, true) => Outcome::NotEnough,
                };
        }
    }
    let mut statements: Vec<StatementAdvice> = work.into_iter().map(|w| w.advice).collect();
    statements.append(&mut advice.statements);
    // In the ranking's order.
    let order: HashMap<i64, usize> = slow.queries.iter().enumerate().map(|(i, q)| (q.queryid, i)).collect();
    statements.sort_by_key(|a| order.get(&a.queryid).copied().unwrap_or(usize::MAX));
    advice.statements = statements;
    Ok(advice)
}

fn statement(q: &Statement) -> StatementAdvice {
    StatementAdvice {
        queryid: q.queryid,
        calls: q.calls,
        total_ms: q.total_ms,
        pct_of_total: q.pct_of_total,
        mean_ms: q.mean_ms,
        rows_per_call: q.rows_per_call,
        read_only: None,
        cost_before: None,
        cost_after: None,
        speedup: None,
        outcome: Outcome::Skipped,
        indexes: Vec::new(),
        tried: Vec::new(),
        not_tried: Vec::new(),
        params: Vec::new(),
        error: None,
        query: q.query.clone(),
    }
}

async fn plan_twice(s: &Session<'_>, text: &str) -> Result<(Vec<String>, Facts, Facts), String> {
    let types = s.param_types(text).await?;
    let before = s.explain(text, &types, false).await?;
    let disc = s.explain(text, &types, true).await?;
    Ok((types, before, disc))
}

fn wanted(f: &Filter, c: &Candidate) -> bool {
    (f.schemas.is_empty() || f.schemas.contains(&c.schema))
        && (f.tables.is_empty() || f.tables.contains(&c.table))
}

const TABLES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS tbl, c.relkind::text AS relkind,
       c.relpersistence::text AS persistence, c.relispartition AS is_partition,
       (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
       greatest(c.reltuples, 0)::float8 AS reltuples,
       coalesce((SELECT json_agg(json_build_object('name', ic.relname, 'columns',
                  (SELECT json_agg(a.attname ORDER BY k.ord)
                     FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                     LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
                    WHERE k.ord <= x.indnkeyatts)))
                 FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_am am ON am.oid = ic.relam
                WHERE x.indrelid = c.oid AND x.indisvalid AND x.indpred IS NULL AND am.amname = 'btree'),
                '[]'::json) AS indexes
FROM unnest($1::text[], $2::text[]) AS u(schema, tbl)
JOIN pg_namespace n ON n.nspname = u.schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = u.tbl";

/// `most_common_vals` and `histogram_bounds` as text arrays (not for array columns, whose
/// values would not read back as one dimension).
const STATS_SQL: &str = "
SELECT s.schemaname::text AS schema, s.tablename::text AS tbl, s.attname::text AS col,
       s.n_distinct::float8 AS n_distinct,
       CASE WHEN t.typcategory = 'A' THEN NULL ELSE (s.most_common_vals::text)::text[] END AS mcv,
       CASE WHEN t.typcategory = 'A' THEN NULL ELSE (s.histogram_bounds::text)::text[] END AS hist
FROM unnest($1::text[], $2::text[]) AS u(schema, tbl)
JOIN pg_stats s ON s.schemaname = u.schema AND s.tablename = u.tbl AND NOT s.inherited
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
JOIN pg_type t ON t.oid = a.atttypid";

async fn read_tables(
    client: &Client,
    tables: &[(String, String)],
) -> Result<(HashMap<(String, String), TableInfo>, Stats)> {
    let schemas: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    let names: Vec<&str> = tables.iter().map(|t| t.1.as_str()).collect();
    let p: [super::Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)];
    let (rows, stat_rows) = futures_util::try_join!(
        query(client, "the scanned tables", TABLES_SQL, &p),
        query(client, "the column statistics", STATS_SQL, &p)
    )?;
    let mut infos = HashMap::new();
    let mut reltuples = HashMap::new();
    for r in &rows {
        let key: (String, String) = (r.get("schema"), r.get("tbl"));
        let relkind: String = r.get("relkind");
        let parent: Option<String> = r.get("parent");
        let unsupported = match (relkind.as_str(), r.get::<_, String>("persistence").as_str()) {
            (_, "t") => Some("a temporary table".to_string()),
            ("p", _) => {
                Some("a partitioned table (hypopg cannot make its indexes; index its partitions)".into())
            }
            ("r" | "m", _) if r.get::<_, bool>("is_partition") => Some(format!(
                "a partition of {}: index the partitioned table",
                parent.unwrap_or_else(|| "its parent".into())
            )),
            ("r" | "m", _) => None,
            (k, _) => Some(format!("not a table (relkind {k})")),
        };
        let indexes: serde_json::Value = r.get("indexes");
        let indexes = indexes
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|i| {
                        let name = i["name"].as_str().unwrap_or_default().to_string();
                        let cols = i["columns"]
                            .as_array()
                            .map(|c| c.iter().map(|x| x.as_str().map(str::to_string)).collect())
                            .unwrap_or_default();
                        (name, cols)
                    })
                    .collect()
            })
            .unwrap_or_default();
        reltuples.insert(key.clone(), r.get::<_, f64>("reltuples"));
        infos.insert(key, TableInfo { unsupported, indexes, n_distinct: HashMap::new() });
    }
    let mut stats = Stats::new();
    for r in &stat_rows {
        let key: (String, String) = (r.get("schema"), r.get("tbl"));
        let col: String = r.get("col");
        let nd: f64 = r.get("n_distinct");
        let nd = if nd < 0.0 { -nd * reltuples.get(&key).copied().unwrap_or(0.0) } else { nd };
        if let Some(i) = infos.get_mut(&key) {
            i.n_distinct.insert(col.clone(), nd);
        }
        let mcv: Option<Vec<Option<String>>> = r.get("mcv");
        let hist: Option<Vec<Option<String>>> = r.get("hist");
        let flat = |v: Option<Vec<Option<String>>>| v.unwrap_or_default().into_iter().flatten().collect();
        stats.insert((key.0, key.1, col), ColumnStats { mcv: flat(mcv), histogram: flat(hist) });
    }
    Ok((infos, stats))
}

/// The candidates, with the statements that produced them (no hypopg).
fn unproven(work: &[Work]) -> Vec<Unproven> {
    let mut out: Vec<(Candidate, Vec<i64>)> = Vec::new();
    for w in work {
        for c in &w.found.candidates {
            match out.iter_mut().find(|(x, _)| x == c) {
                Some((_, ids)) => ids.push(w.advice.queryid),
                None => out.push((c.clone(), vec![w.advice.queryid])),
            }
        }
    }
    out.into_iter()
        .map(|(c, queryids)| Unproven {
            index: c.label(),
            definition: c.create_sql(&c.default_name()),
            queryids,
        })
        .collect()
}

/// One candidate's plan of one statement: cost and whether it reads the index.
#[derive(Debug, Clone, Copy)]
struct Trial {
    cost: f64,
    used: bool,
}

/// Steps 4 to 6 (see the module's documentation).
async fn prove(
    s: &Session<'_>,
    client: &Client,
    work: &mut [Work],
    opts: &AdviseOptions,
    advice: &mut Advice,
) -> Result<()> {
    // Every distinct candidate, on every statement that scans its table.
    let mut all: Vec<Candidate> = Vec::new();
    for w in work.iter() {
        for c in &w.found.candidates {
            if !all.contains(c) {
                all.push(c.clone());
            }
        }
    }
    let scans = |w: &Work, c: &Candidate| {
        w.before.scans.iter().any(|sc| sc.schema == c.schema && sc.table == c.table)
            || w.found.candidates.iter().any(|x| x.schema == c.schema && x.table == c.table)
    };
    let mut trials: HashMap<(usize, usize), Result<Trial, String>> = HashMap::new();
    for (ci, c) in all.iter().enumerate() {
        let oid = match s.hypothetical(c).await {
            Ok(oid) => oid,
            Err(e) => {
                let why = crate::error::render(&e);
                for (wi, w) in work.iter().enumerate() {
                    if scans(w, c) {
                        trials.insert((ci, wi), Err(why.clone()));
                    }
                }
                continue;
            }
        };
        for (wi, w) in work.iter().enumerate() {
            if !scans(w, c) {
                continue;
            }
            let r = s.explain(&w.advice.query, &w.types, false).await;
            trials.insert((ci, wi), r.map(|f| Trial { cost: f.cost, used: f.uses_hypothetical(oid) }));
        }
        s.reset().await?;
    }
    let factor = opts.min_speedup;
    let befores: Vec<Option<f64>> = work.iter().map(|w| w.advice.cost_before).collect();
    let weights: Vec<f64> = work.iter().map(|w| w.advice.total_ms.max(1e-6)).collect();
    let saving = |ci: usize, wi: usize| -> Option<f64> {
        let before = befores[wi]?;
        match trials.get(&(ci, wi)) {
            Some(Ok(t)) if t.used && t.cost > 0.0 && before / t.cost >= factor => Some(1.0 - t.cost / before),
            Some(Ok(t)) if t.used && t.cost <= 0.0 && before > 0.0 => Some(1.0),
            _ => None,
        }
    };
    // What each statement's own candidates gave.
    for (wi, w) in work.iter_mut().enumerate() {
        for c in &w.found.candidates {
            let ci = all.iter().position(|x| x == c).unwrap_or_default();
            let (cost, used, error) = match trials.get(&(ci, wi)) {
                Some(Ok(t)) => (Some(t.cost), t.used, None),
                Some(Err(e)) => (None, false, Some(e.clone())),
                None => (None, false, None),
            };
            let speedup = match (w.advice.cost_before, cost) {
                (Some(b), Some(c)) if c > 0.0 => Some(b / c),
                _ => None,
            };
            w.advice.tried.push(Tried { index: c.label(), cost, speedup, used, error });
        }
    }
    // Greedy choice.
    let mut open: HashSet<usize> =
        (0..work.len()).filter(|&wi| (0..all.len()).any(|ci| saving(ci, wi).is_some())).collect();
    let mut chosen: Vec<(usize, Vec<String>)> = Vec::new();
    while !open.is_empty() {
        let score = |ci: usize| -> f64 {
            open.iter().filter_map(|&wi| saving(ci, wi).map(|s| s * weights[wi])).sum()
        };
        let scores: Vec<f64> = (0..all.len()).map(score).collect();
        let Some(best) = (0..all.len()).filter(|&ci| scores[ci] > 0.0).max_by(|&a, &b| {
            scores[a]
                .total_cmp(&scores[b])
                .then(all[b].columns.len().cmp(&all[a].columns.len()))
                .then(all[b].label().cmp(&all[a].label()))
        }) else {
            break;
        };
        // A narrower prefix that leaves nearly as little: it helps every statement the wider
        // one helps, and their remaining cost (weighted by total time) is at most 10 % more.
        let helped: Vec<usize> = open.iter().copied().filter(|&wi| saving(best, wi).is_some()).collect();
        let remaining = |ci: usize| -> Option<f64> {
            helped.iter().map(|&wi| saving(ci, wi).map(|s| (1.0 - s) * weights[wi])).sum()
        };
        let pick = match remaining(best) {
            Some(wide) => (0..all.len())
                .filter(|&ci| all[ci].is_prefix_of(&all[best]))
                .filter(|&ci| remaining(ci).is_some_and(|r| r <= wide * 1.1 + 1e-9))
                .min_by_key(|&ci| all[ci].columns.len())
                .unwrap_or(best),
            None => best,
        };
        let covers: Vec<String> = (0..all.len())
            .filter(|&ci| ci != pick && all[ci].is_prefix_of(&all[pick]) && scores[ci] > 0.0)
            .map(|ci| all[ci].label())
            .collect();
        open.retain(|&wi| saving(pick, wi).is_none());
        chosen.push((pick, covers));
    }
    // All chosen at once: the cost after, which index each plan reads, the sizes. A chosen index
    // that no plan reads (another one serves better) leaves the advice.
    let mut finals: Vec<(usize, Vec<String>, u32)> = Vec::new();
    let mut after: HashMap<usize, Facts> = HashMap::new();
    for _round in 0..4 {
        finals.clear();
        after.clear();
        for (ci, covers) in &chosen {
            // It was made once already: a failure now is the server's, and ends the run.
            let oid = s.hypothetical(&all[*ci]).await?;
            finals.push((*ci, covers.clone(), oid));
        }
        for (wi, w) in work.iter().enumerate() {
            if chosen.is_empty() || !finals.iter().any(|(ci, ..)| scans(w, &all[*ci])) {
                continue;
            }
            if let Ok(f) = s.explain(&w.advice.query, &w.types, false).await {
                after.insert(wi, f);
            }
        }
        let unused: Vec<usize> = finals
            .iter()
            .filter(|(_, _, oid)| !after.values().any(|f| f.uses_hypothetical(*oid)))
            .map(|(ci, ..)| *ci)
            .collect();
        if unused.is_empty() {
            break;
        }
        s.reset().await?;
        chosen.retain(|(ci, _)| !unused.contains(ci));
    }
    let mut sizes = HashMap::new();
    for (ci, _, oid) in &finals {
        sizes.insert(*ci, s.hypothetical_size(*oid).await.ok());
    }
    s.reset().await?;
    // Names: the default, unless taken.
    let names = unique_names(client, finals.iter().map(|(ci, ..)| &all[*ci]).collect()).await?;
    let writes = read_writes(
        client,
        &finals.iter().map(|(ci, ..)| (all[*ci].schema.clone(), all[*ci].table.clone())).collect::<Vec<_>>(),
    )
    .await?;
    for (i, (ci, covers, oid)) in finals.iter().enumerate() {
        let c = &all[*ci];
        let mut helped = Vec::new();
        for (wi, w) in work.iter_mut().enumerate() {
            let (Some(f), Some(before)) = (after.get(&wi), w.advice.cost_before) else { continue };
            if !f.uses_hypothetical(*oid) {
                continue;
            }
            w.advice.indexes.push(names[i].clone());
            let speedup = if f.cost > 0.0 { before / f.cost } else { f64::INFINITY };
            if speedup >= factor {
                helped.push(Helped {
                    queryid: w.advice.queryid,
                    cost_before: before,
                    cost_after: f.cost,
                    speedup: if speedup.is_finite() { speedup } else { before },
                    pct_of_total: w.advice.pct_of_total,
                });
            }
        }
        advice.indexes.push(AdvisedIndex {
            name: names[i].clone(),
            schema: c.schema.clone(),
            table: c.table.clone(),
            columns: c.columns.clone(),
            definition: c.create_sql(&names[i]),
            estimated_bytes: sizes.get(ci).copied().flatten(),
            time_share_pct: helped.iter().filter_map(|h| h.pct_of_total).sum(),
            statements: helped,
            writes: writes.get(&(c.schema.clone(), c.table.clone())).cloned(),
            covers: covers.clone(),
            candidate: c.clone(),
        });
    }
    for (wi, w) in work.iter_mut().enumerate() {
        let Some(f) = after.get(&wi) else { continue };
        let Some(before) = w.advice.cost_before else { continue };
        w.advice.cost_after = Some(f.cost);
        w.advice.speedup = (f.cost > 0.0).then(|| before / f.cost);
        if w.advice.speedup.is_some_and(|x| x >= factor) && !w.advice.indexes.is_empty() {
            w.advice.outcome = Outcome::Helped;
        }
    }
    Ok(())
}

const NAMES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS b(base) WHERE starts_with(c.relname::text, b.base))";

/// The default names of `cs`, each made unique in its schema (a digit appended, as PostgreSQL
/// does).
async fn unique_names(client: &Client, cs: Vec<&Candidate>) -> Result<Vec<String>> {
    let schemas: Vec<String> = cs.iter().map(|c| c.schema.clone()).collect();
    let bases: Vec<String> =
        cs.iter().map(|c| c.default_name().trim_end_matches("_idx").to_string()).collect();
    let rows = if cs.is_empty() {
        Vec::new()
    } else {
        query(
            client,
            "the names in use",
            NAMES_SQL,
            &[(&schemas, Type::TEXT_ARRAY), (&bases, Type::TEXT_ARRAY)],
        )
        .await?
    };
    let mut taken: HashSet<(String, String)> =
        rows.iter().map(|r| (r.get("schema"), r.get("name"))).collect();
    let mut out = Vec::new();
    for c in cs {
        let base = c.default_name();
        let mut name = base.clone();
        let mut n = 0;
        while taken.contains(&(c.schema.clone(), name.clone())) {
            n += 1;
            name = format!("{}{n}", base);
        }
        taken.insert((c.schema.clone(), name.clone()));
        out.push(name);
    }
    Ok(out)
}

const WRITES_SQL: &str = "
SELECT t.schemaname::text AS schema, t.relname::text AS tbl, t.n_tup_ins::int8 AS inserts,
       t.n_tup_upd::int8 AS updates, t.n_tup_hot_upd::int8 AS hot_updates,
       coalesce(d.stats_reset, pg_postmaster_start_time()) AS since, d.stats_reset IS NOT NULL AS since_reset,
       extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time()))::float8 AS seconds,
       (SELECT count(*) FROM pg_index x WHERE x.indrelid = t.relid)::int8 AS indexes
FROM pg_stat_user_tables t
CROSS JOIN pg_stat_database d
JOIN unnest($1::text[], $2::text[]) AS u(schema, tbl) ON u.schema = t.schemaname AND u.tbl = t.relname
WHERE d.datname = current_database()";

async fn read_writes(
    client: &Client,
    tables: &[(String, String)],
) -> Result<HashMap<(String, String), WriteCost>> {
    let schemas: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    let names: Vec<&str> = tables.iter().map(|t| t.1.as_str()).collect();
    let rows = query(
        client,
        "the tables' writes",
        WRITES_SQL,
        &[(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let inserts: i64 = r.get("inserts");
            let updates: i64 = r.get("updates");
            let seconds: f64 = r.get("seconds");
            let key = (r.get("schema"), r.get("tbl"));
            let w = WriteCost {
                rows_written_per_s: if seconds > 0.0 { (inserts + updates) as f64 / seconds } else { 0.0 },
                inserts,
                updates,
                hot_updates: r.get("hot_updates"),
                since: r.get("since"),
                since_stats_reset: r.get("since_reset"),
                indexes_now: r.get("indexes"),
            };
            (key, w)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    /// PgBouncer in transaction pooling breaks named protocol-level prepared statements: this
    /// module uses `query_typed` and the simple protocol only (its SQL PREPAREs live and die
    /// inside one transaction, see `session`).
    #[test]
    fn never_prepares_protocol_statements() {
        for (name, src) in [
            ("mod.rs", include_str!("mod.rs")),
            ("session.rs", include_str!("session.rs")),
            ("measure.rs", include_str!("measure.rs")),
            ("render.rs", include_str!("render.rs")),
            ("params.rs", include_str!("params.rs")),
            ("plan.rs", include_str!("plan.rs")),
            ("candidates.rs", include_str!("candidates.rs")),
            ("expr.rs", include_str!("expr.rs")),
        ] {
            let code = src.split("#[cfg(test)]").next().unwrap();
            for m in ["query", "query_one", "query_opt", "query_raw", "prepare", "prepare_typed", "execute"] {
                assert!(!code.contains(&format!(".{m}(")), "{name} calls .{m}(");
            }
        }
    }
}
