//! `advise --create`: build the advised indexes and measure what they did.
//!
//! 1. Before anything is built, each read-only statement an advised index helps is run for
//!    real (`reports::advise::measure`: EXPLAIN (ANALYZE, BUFFERS) with representative
//!    parameters, in a read-only transaction; statements that write are never run).
//! 2. Each index is built with `CREATE INDEX CONCURRENTLY` on a session of its own (writes go
//!    on), one at a time, with the build's phase on a terminal. A build that fails (a lock
//!    timeout, a cancel, a deadlock) leaves an invalid index behind, maintained on every write and
//!    used by no query: it is dropped at once with `DROP INDEX CONCURRENTLY`, as `indexes
//!    --rebuild` does with its leftovers, and said so. An index of that name that is valid (not
//!    ours) is never dropped. Interrupted (Ctrl-C, SIGTERM), the build is cancelled and its invalid
//!    index dropped the same way, after the command.
//! 3. The statements are run again. An index helped when every measured statement's plan reads
//!    it and their measured time fell at least `min_speedup` times (the factor the proof used);
//!    otherwise it "did not help as predicted", and `--drop-unhelpful` drops it (concurrently).
//!    An index whose statements all write is "not measured" and stays.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::connect::Db;
use crate::output::cells::{bytes, f2, one_line};
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::advise::measure::{Measured, measure};
use crate::reports::advise::render::times;
use crate::reports::advise::{Advice, AdvisedIndex, StatementAdvice};
use crate::reports::query;
use crate::sql::{qualified, quote_ident};

#[derive(Debug, Clone)]
pub struct CreateOptions {
    /// Runs per statement, before and after (the fastest counts).
    pub runs: u32,
    pub drop_unhelpful: bool,
    /// On a terminal, not under `--quiet`: a progress bar per build.
    pub progress: bool,
}

/// What became of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Its statements read it and got at least `min_speedup` times faster.
    Helped,
    /// Measured, and not as the proof predicted.
    NotAsPredicted,
    /// No read-only statement to measure (or none could be run).
    NotMeasured,
    /// The build failed.
    Failed,
}

/// One statement, measured before and after.
#[derive(Debug, Clone, Serialize)]
pub struct MeasuredStatement {
    pub queryid: i64,
    /// The parameter values it ran with (text; null: NULL).
    pub params: Vec<Option<String>>,
    pub before: Option<Measured>,
    pub after: Option<Measured>,
    /// The plan after reads the new index.
    pub uses_index: bool,
    pub predicted_speedup: f64,
    /// before ms / after ms.
    pub measured_speedup: Option<f64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub name: String,
    pub definition: String,
    /// Built and valid.
    pub created: bool,
    pub millis: Option<u64>,
    pub bytes: Option<i64>,
    pub error: Option<String>,
    /// An invalid index the failed build left, dropped.
    pub leftover_dropped: bool,
    pub statements: Vec<MeasuredStatement>,
    /// Of its measured statements: total time before / total time after.
    pub measured_speedup: Option<f64>,
    pub verdict: Verdict,
    /// Dropped by `--drop-unhelpful`.
    pub dropped: bool,
    pub drop_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreateReport {
    #[serde(flatten)]
    pub advice: Advice,
    pub runs: u32,
    pub created: Vec<Created>,
}

impl CreateReport {
    /// Every build, and every drop asked for, went through.
    pub fn ok(&self) -> bool {
        self.created.iter().all(|c| c.error.is_none() && c.drop_error.is_none())
    }
}

/// Measure, build, measure again, judge (see the module's documentation). `note` is told each
/// step.
pub async fn create(
    db: &Db,
    advice: Advice,
    opts: &CreateOptions,
    note: &dyn Fn(&str),
) -> Result<CreateReport> {
    let by_id: HashMap<i64, &StatementAdvice> = advice.statements.iter().map(|s| (s.queryid, s)).collect();
    // The read-only statements to measure, each once.
    let mut ids: Vec<i64> = Vec::new();
    for i in &advice.indexes {
        for h in &i.statements {
            if by_id.get(&h.queryid).is_some_and(|s| s.read_only == Some(true)) && !ids.contains(&h.queryid) {
                ids.push(h.queryid);
            }
        }
    }
    let client = db.get().await?;
    // Interrupted (Ctrl-C, SIGTERM), a statement being measured is cancelled on the server.
    let _cancel_measure = db.cancel_on_interrupt(&client);
    let mut before: HashMap<i64, Result<Measured, String>> = HashMap::new();
    for id in &ids {
        let s = by_id[id];
        note(&format!("measuring statement {id} before ({} runs)", opts.runs));
        before.insert(*id, measure(&client, &s.query, &s.params, opts.runs).await);
    }
    // Its own session: CREATE INDEX CONCURRENTLY runs outside a transaction.
    let ddl = db.dedicated().await?;
    let _cancel_build = db.cancel_on_interrupt(&ddl);
    let pid: i32 = query(&ddl, "the session", "SELECT pg_backend_pid() AS pid", &[]).await?[0].get("pid");
    let mut created = Vec::new();
    for i in &advice.indexes {
        created.push(build(db, &ddl, pid, i, opts, note).await?);
    }
    let mut after: HashMap<i64, Result<Measured, String>> = HashMap::new();
    for id in &ids {
        let built = advice
            .indexes
            .iter()
            .zip(&created)
            .any(|(i, c)| c.created && i.statements.iter().any(|h| h.queryid == *id));
        if built {
            let s = by_id[id];
            note(&format!("measuring statement {id} after ({} runs)", opts.runs));
            after.insert(*id, measure(&client, &s.query, &s.params, opts.runs).await);
        }
    }
    for (i, c) in advice.indexes.iter().zip(created.iter_mut()) {
        judge(i, c, &by_id, &before, &after, advice.min_speedup);
        if opts.drop_unhelpful && c.created && c.verdict == Verdict::NotAsPredicted {
            match drop_index(&ddl, &i.schema, &c.name).await {
                Ok(()) => {
                    c.dropped = true;
                    note(&format!("dropped {}.{}: it did not help as predicted", i.schema, c.name));
                }
                Err(e) => c.drop_error = Some(e),
            }
        }
    }
    Ok(CreateReport { advice, runs: opts.runs, created })
}

const INDEX_SQL: &str = "SELECT i.indisvalid AS valid, pg_relation_size(c.oid)::int8 AS bytes \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indexrelid = c.oid \
     WHERE n.nspname = $1 AND c.relname = $2";

/// Whether index `schema.name` exists, is valid, and its size.
async fn index_state(client: &Client, schema: &str, name: &str) -> Result<Option<(bool, i64)>> {
    let rows =
        query(client, "the new index", INDEX_SQL, &[(&schema, Type::TEXT), (&name, Type::TEXT)]).await?;
    Ok(rows.first().map(|r| (r.get("valid"), r.get("bytes"))))
}

async fn build(
    db: &Db,
    ddl: &Client,
    pid: i32,
    i: &AdvisedIndex,
    opts: &CreateOptions,
    note: &dyn Fn(&str),
) -> Result<Created> {
    let mut c = Created {
        name: i.name.clone(),
        definition: i.definition.clone(),
        created: false,
        millis: None,
        bytes: None,
        error: None,
        leftover_dropped: false,
        statements: Vec::new(),
        measured_speedup: None,
        verdict: Verdict::Failed,
        dropped: false,
        drop_error: None,
    };
    note(&i.definition);
    let started = Instant::now();
    let mut guard = BuildGuard {
        db: Some((db.cfg.clone(), db.opts.clone())),
        pid,
        schema: i.schema.clone(),
        name: i.name.clone(),
    };
    let built =
        super::progress::build_with_progress(db, ddl, pid, &i.definition, &i.name, opts.progress).await?;
    c.millis = Some(started.elapsed().as_millis() as u64);
    match built {
        Ok(()) => {
            if let Some((valid, size)) = index_state(ddl, &i.schema, &i.name).await? {
                c.created = valid;
                c.bytes = Some(size);
            }
            note(&format!(
                "  built in {} ms ({})",
                c.millis.unwrap_or_default(),
                c.bytes.map(bytes).unwrap_or_default()
            ));
        }
        Err(e) => {
            let msg = crate::error::pg_message(&e);
            note(&format!("  failed: {msg}"));
            c.error = Some(msg);
            // The invalid index a failed concurrent build leaves: ours, dropped at once.
            if let Some((false, _)) = index_state(ddl, &i.schema, &i.name).await? {
                match drop_index(ddl, &i.schema, &i.name).await {
                    Ok(()) => {
                        c.leftover_dropped = true;
                        note(&format!(
                            "  dropped the invalid index {}.{} the failed build left",
                            i.schema, i.name
                        ));
                    }
                    Err(e) => c.drop_error = Some(e),
                }
            }
        }
    }
    guard.db = None;
    Ok(c)
}

/// While a build runs: if the command is dropped (Ctrl-C) or fails before its end, the build is
/// stopped (`pg_cancel_backend`: the server would otherwise finish it for a client that left)
/// and the invalid index a stopped concurrent build leaves is dropped, after the command.
struct BuildGuard {
    /// The connection settings; `None` once the build's outcome is handled.
    db: Option<(crate::connect::ConnConfig, crate::connect::ConnectOptions)>,
    pid: i32,
    schema: String,
    name: String,
}

impl Drop for BuildGuard {
    fn drop(&mut self) {
        let Some((cfg, opts)) = self.db.take() else { return };
        let (pid, schema, name) = (self.pid, self.schema.clone(), self.name.clone());
        crate::interrupt::defer(crate::interrupt::Stage::Resources, async move {
            let done = async {
                let db = Db::new(cfg, opts)?;
                let c = db.dedicated().await?;
                query(&c, "the build", "SELECT pg_cancel_backend($1) AS sent", &[(&pid, Type::INT4)]).await?;
                // Until the build's transaction is over: its index is then invalid, or valid.
                for _ in 0..100 {
                    let busy = query(
                        &c,
                        "the build",
                        "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE pid = $1 AND state <> 'idle'",
                        &[(&pid, Type::INT4)],
                    )
                    .await?;
                    if busy[0].get::<_, i64>("n") == 0 {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                match index_state(&c, &schema, &name).await? {
                    Some((false, _)) => match drop_index(&c, &schema, &name).await {
                        Ok(()) => {
                            Ok(format!("the invalid index {schema}.{name} of the stopped build was dropped"))
                        }
                        Err(e) => Err(anyhow::anyhow!(e)),
                    },
                    Some((true, _)) => {
                        Ok(format!("the index {schema}.{name} was built before the stop: it stays"))
                    }
                    None => Ok(String::new()),
                }
            };
            done.await.map_err(|e: anyhow::Error| {
                format!(
                    "the build of {schema}.{name} could not be stopped and cleaned up ({}): if it is INVALID, DROP INDEX CONCURRENTLY it",
                    crate::error::render(&e)
                )
            })
        });
    }
}

async fn drop_index(client: &Client, schema: &str, name: &str) -> Result<(), String> {
    let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", qualified(schema, name));
    client.batch_execute(&sql).await.map_err(|e| crate::error::pg_message(&e))
}

fn judge(
    i: &AdvisedIndex,
    c: &mut Created,
    by_id: &HashMap<i64, &StatementAdvice>,
    before: &HashMap<i64, Result<Measured, String>>,
    after: &HashMap<i64, Result<Measured, String>>,
    factor: f64,
) {
    if !c.created {
        c.verdict = Verdict::Failed;
        return;
    }
    let (mut total_before, mut total_after, mut all_use) = (0.0, 0.0, true);
    let mut measured = 0;
    for h in &i.statements {
        let Some(s) = by_id.get(&h.queryid) else { continue };
        let (b, a) = (before.get(&h.queryid), after.get(&h.queryid));
        if b.is_none() {
            continue;
        }
        let mut m = MeasuredStatement {
            queryid: h.queryid,
            params: s.params.iter().map(|p| p.value.clone()).collect(),
            before: b.and_then(|r| r.as_ref().ok().cloned()),
            after: a.and_then(|r| r.as_ref().ok().cloned()),
            uses_index: false,
            predicted_speedup: h.speedup,
            measured_speedup: None,
            error: [b, a].into_iter().flatten().find_map(|r| r.as_ref().err().cloned()),
        };
        if let (Some(b), Some(a)) = (&m.before, &m.after) {
            m.uses_index = a.indexes.contains(&c.name);
            m.measured_speedup = (a.ms > 0.0).then(|| b.ms / a.ms);
            total_before += b.ms;
            total_after += a.ms;
            all_use &= m.uses_index;
            measured += 1;
        }
        c.statements.push(m);
    }
    if measured == 0 {
        c.verdict = Verdict::NotMeasured;
        return;
    }
    c.measured_speedup = (total_after > 0.0).then(|| total_before / total_after);
    c.verdict = if all_use && c.measured_speedup.is_none_or(|x| x >= factor) {
        Verdict::Helped
    } else {
        Verdict::NotAsPredicted
    };
}

impl Report for CreateReport {
    fn sections(&self) -> Vec<Section> {
        let ms = |m: &Option<Measured>| m.as_ref().map(|m| f2(Some(m.ms))).unwrap_or_else(|| "-".into());
        let buf =
            |m: &Option<Measured>| m.as_ref().map(|m| m.buffers.to_string()).unwrap_or_else(|| "-".into());
        let mut rows = Vec::new();
        for c in &self.created {
            let verdict = match c.verdict {
                Verdict::Helped => "helped".to_string(),
                Verdict::NotAsPredicted if c.dropped => "DID NOT HELP as predicted: dropped".into(),
                Verdict::NotAsPredicted => "DID NOT HELP as predicted (--drop-unhelpful drops it)".into(),
                Verdict::NotMeasured => "not measured".into(),
                Verdict::Failed => format!("FAILED: {}", one_line(c.error.as_deref().unwrap_or(""), 60)),
            };
            let build = match (c.created, c.millis) {
                (true, Some(t)) => format!("{t} ms, {}", c.bytes.map(bytes).unwrap_or_default()),
                _ => "-".into(),
            };
            let lines = if c.statements.is_empty() { 1 } else { c.statements.len() };
            for k in 0..lines {
                let s = c.statements.get(k);
                rows.push(vec![
                    if k == 0 { quote_ident(&c.name) } else { String::new() },
                    if k == 0 { build.clone() } else { String::new() },
                    s.map(|s| s.queryid.to_string()).unwrap_or_else(|| "-".into()),
                    s.map(|s| ms(&s.before)).unwrap_or_else(|| "-".into()),
                    s.map(|s| ms(&s.after)).unwrap_or_else(|| "-".into()),
                    s.map(|s| times(s.measured_speedup)).unwrap_or_else(|| "-".into()),
                    s.map(|s| times(Some(s.predicted_speedup))).unwrap_or_else(|| "-".into()),
                    s.map(|s| format!("{} → {}", buf(&s.before), buf(&s.after)))
                        .unwrap_or_else(|| "-".into()),
                    s.map(|s| crate::output::cells::yes(s.uses_index)).unwrap_or_else(|| "-".into()),
                    s.map(|s| {
                        s.params
                            .iter()
                            .map(|p| p.clone().unwrap_or_else(|| "NULL".into()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                    if k == 0 { verdict.clone() } else { String::new() },
                ]);
            }
        }
        vec![
            self.advice.indexes_section(),
            Section {
                title: format!(
                    "Built and measured (EXPLAIN ANALYZE, fastest of {} runs, read-only statements)",
                    self.runs
                ),
                headers: vec![
                    "index",
                    "build",
                    "queryid",
                    "before ms",
                    "after ms",
                    "measured",
                    "predicted",
                    "buffers before → after",
                    "uses it",
                    "params",
                    "verdict",
                ],
                rows,
                empty: "nothing built",
                wide: &["params"],
                ..Default::default()
            },
            self.advice.statements_section(),
        ]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = self.advice.notes();
        for c in self.created.iter().filter(|c| c.error.is_some() && c.leftover_dropped) {
            n.push(format!("{}: the build failed; the invalid index it left was dropped", c.name));
        }
        for c in &self.created {
            if c.verdict == Verdict::NotMeasured && c.statements.is_empty() {
                n.push(format!(
                    "{}: not measured: the statements it helps modify data or lock rows (never run)",
                    c.name
                ));
            }
            for s in &c.statements {
                if let Some(e) = &s.error {
                    n.push(format!("{}: statement {} could not be measured: {e}", c.name, s.queryid));
                }
            }
        }
        if let Some(e) = self.created.iter().find_map(|c| c.drop_error.as_ref()) {
            n.push(format!("warning: a drop failed: {e}"));
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
