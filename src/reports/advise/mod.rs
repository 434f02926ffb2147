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

use std::collections::HashMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;

use super::slow::{SlowOptions, SlowReport, Statement};
use super::{Filter, ServerInfo};
use crate::connect::Db;

pub mod candidates;
mod catalog;
pub mod expr;
pub mod measure;
pub mod params;
pub mod plan;
mod prove;
pub mod render;
pub mod session;
pub mod text;

use candidates::{Candidate, IndexColumn};
use params::ParamValue;
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
pub enum Verdict {
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
    pub outcome: Verdict,
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
    slow.queries = one_per_statement(std::mem::take(&mut slow.queries));
    slow.queries.truncate(opts.ranking.limit.max(0) as usize);
    let client = db.get().await?;
    let info = ServerInfo::read(&client, &[]).await?;
    let hypopg = catalog::detect_hypopg(&client, &info).await?;
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

/// Statements EXPLAIN plans (and PREPARE takes).
const PLANNABLE: &[&str] = &["select", "with", "values", "table", "insert", "update", "delete", "merge"];

fn plannable(text: &str) -> bool {
    text::first_keyword(text).is_some_and(|k| PLANNABLE.contains(&k.as_str()))
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
        a.query = text::typed_params(&q.query);
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
    let (infos, stats) = catalog::read_tables(client, &tables).await?;
    for (w, disc) in work.iter_mut().zip(&discovery) {
        let mut found = candidates::for_statement(disc, &infos, opts.max_columns);
        found.candidates.retain(|c| wanted(&opts.filter, c));
        w.advice.not_tried = found.skipped.clone();
        w.advice.params = params::choose(&w.advice.query, disc, &w.types, w.advice.rows_per_call, &stats);
        w.found = found;
    }
    if advice.hypopg.created {
        prove::prove(s, client, &mut work, opts, &mut advice).await?;
    } else {
        advice.unproven = unproven(&work);
    }
    // The statements that were planned and not helped (`prove` marks those it helps).
    for w in &mut work {
        if w.advice.outcome != Verdict::Helped {
            w.advice.outcome =
                match (w.found.candidates.is_empty(), w.found.already_indexed, advice.hypopg.created) {
                    (true, true, _) => Verdict::AlreadyIndexed,
                    (true, false, _) => Verdict::NoCandidate,
                    (false, _, false) => Verdict::Unproven,
                    (false, true, true) => Verdict::AlreadyIndexed,
                    (false, false, true) => Verdict::NotEnough,
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
        outcome: Verdict::Skipped,
        indexes: Vec::new(),
        tried: Vec::new(),
        not_tried: Vec::new(),
        params: Vec::new(),
        error: None,
        query: q.query.clone(),
    }
}

/// pg_stat_statements keeps a statement once per role that ran it: one entry per queryid here
/// (the first in the ranking's order), with the calls, times and rows of all.
fn one_per_statement(queries: Vec<Statement>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for q in queries {
        match out.iter_mut().find(|o| o.queryid == q.queryid) {
            Some(o) => {
                o.calls += q.calls;
                o.total_ms += q.total_ms;
                o.rows += q.rows;
                o.pct_of_total = match (o.pct_of_total, q.pct_of_total) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                o.mean_ms = if o.calls > 0 { o.total_ms / o.calls as f64 } else { 0.0 };
                o.rows_per_call = (o.calls > 0).then(|| o.rows as f64 / o.calls as f64);
            }
            None => out.push(q),
        }
    }
    out
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
            ("catalog.rs", include_str!("catalog.rs")),
            ("prove.rs", include_str!("prove.rs")),
            ("expr.rs", include_str!("expr.rs")),
            ("text.rs", include_str!("text.rs")),
        ] {
            let code = src.split("#[cfg(test)]").next().unwrap();
            for m in ["query", "query_one", "query_opt", "query_raw", "prepare", "prepare_typed", "execute"] {
                assert!(!code.contains(&format!(".{m}(")), "{name} calls .{m}(");
            }
        }
    }
}
