//! Carrying out retention plans: the removals of whole partitions, then the batched deletes,
//! each rule in turn, stopping cleanly on Ctrl-C, at `--max-duration` or on an error, and
//! `VACUUM (ANALYZE)` of what was deleted from.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tokio_postgres::Client;

use super::batch::Deleter;
use super::detach::{self, How};
use super::report::{Deleted, RuleOutcome, RunReport, Stop};
use super::{Action, Plan};
use crate::connect::Db;

/// How the run may go.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stop starting batches after this long (a batch in flight finishes).
    pub max_duration: Option<Duration>,
    /// The `lock_timeout` of each batch and of the DDL that blocks the application.
    pub lock_timeout: Duration,
    /// VACUUM's `statement_timeout` (none unless given).
    pub statement_timeout: Option<Duration>,
    /// Progress bar (on a terminal, not under `--quiet`).
    pub quiet: bool,
}

/// Ctrl-C (or SIGTERM) while a run is going: the first press stops it after the batch in flight,
/// or abandons that batch when it has not ended within [`GRACE`] (a batch waiting on a row lock:
/// the server cancels it and rolls it back); the second abandons it at once. Both are left to the
/// run (see `interrupt`); a third ends the command.
#[derive(Clone)]
pub struct Interrupt {
    _taken: Arc<crate::interrupt::Handled>,
}

/// How long the first Ctrl-C lets the batch in flight finish before abandoning it.
pub const GRACE: Duration = Duration::from_secs(2);

impl Interrupt {
    /// Listen for Ctrl-C; `note` is told what the first press does.
    pub fn listen(note: impl Fn(&str) + Send + 'static) -> Interrupt {
        let taken = Arc::new(crate::interrupt::take_presses(2));
        tokio::spawn(async move {
            crate::interrupt::pressed(1).await;
            note(
                "interrupted: stopping after the batch in flight (abandoned if it takes over 2 s; Ctrl-C again to abandon it now)",
            );
        });
        Interrupt { _taken: taken }
    }

    fn stop_requested(&self) -> bool {
        crate::interrupt::presses() >= 1
    }

    async fn pressed(&self, times: usize) {
        crate::interrupt::pressed(times).await
    }

    /// Resolves when the work in flight is to be abandoned: a second press, or the first one
    /// [`GRACE`] ago.
    async fn abandon(&self) {
        tokio::select! {
            _ = self.pressed(2) => {}
            _ = async {
                self.pressed(1).await;
                tokio::time::sleep(GRACE).await;
            } => {}
        }
    }
}

/// Carry out the plans in order. Never fails as a whole: an error stops the run and is recorded
/// in the report with everything done before it.
pub async fn run(
    db: &Db,
    plans: &[Plan],
    opts: &RunOptions,
    interrupt: &Interrupt,
    note: &dyn Fn(&str),
) -> RunReport {
    let started = Instant::now();
    let deadline = opts.max_duration.map(|d| started + d);
    let mut report = RunReport::default();
    let client = match db.dedicated().await {
        Ok(c) => c,
        Err(e) => {
            report.stop(Stop::Error, Some(e));
            return report;
        }
    };
    // Should a third press end the command, the server's statement is cancelled too.
    let _cancel = db.cancel_on_interrupt(&client);
    for p in plans {
        let mut outcome = RuleOutcome::new(p);
        // Where this rule's deletes start: a snapshot older than this keeps VACUUM from removing
        // any of them (a standby's hot_standby_feedback, a long transaction, a slot).
        let before = crate::reports::vacuum::next_xid(&client).await.ok();
        let r = run_rule(db, &client, p, opts, interrupt, deadline, note, &mut outcome).await;
        let stopped = match r {
            Ok(s) => s,
            Err(e) => {
                report.stop(Stop::Error, Some(e));
                Some(Stop::Error)
            }
        };
        outcome.complete = stopped.is_none();
        outcome.finish();
        // Vacuum what was deleted from, and what the cascades deleted from (or updated), unless
        // interrupted or failed (a time box still vacuums).
        if p.rule.vacuum && matches!(stopped, None | Some(Stop::MaxDuration)) {
            let tables = outcome
                .deleted
                .iter()
                .filter(|d| d.rows > 0)
                .map(|d| (&d.schema, &d.table))
                .chain(outcome.cascaded_tables().map(|c| (&c.schema, &c.table)));
            let cmds: Vec<(String, String, String)> = tables
                .map(|(schema, table)| {
                    (
                        schema.clone(),
                        table.clone(),
                        format!("VACUUM (ANALYZE) {}", crate::sql::qualified(schema, table)),
                    )
                })
                .collect();
            if !cmds.is_empty() {
                note(&format!("VACUUM (ANALYZE) on {} table(s) of {}", cmds.len(), p.table.display()));
                match crate::reports::vacuum::execute(db, &cmds, opts.statement_timeout, |_, _, _| {}).await {
                    Ok(v) => outcome.vacuumed = v,
                    Err(e) => note(&format!("VACUUM failed: {}", crate::error::render(&e))),
                }
                if let Some(held) = held_back(&client, before, &outcome).await {
                    note(&held);
                    outcome.notes.push(held);
                }
            }
        }
        outcome.finish();
        report.rules.push(outcome);
        if let Some(s) = stopped {
            if report.stopped.is_none() {
                report.stop(s, None);
            }
            break;
        }
    }
    report.finish(started.elapsed());
    report
}

/// What kept the VACUUM after the deletes from removing them: the holders of the xmin horizon
/// older than the first delete (`before`, the next XID as the rule started). None when nothing
/// did (or it could not be read: the run itself went through).
async fn held_back(client: &Client, before: Option<i64>, outcome: &RuleOutcome) -> Option<String> {
    let holders = crate::reports::vacuum::holders_older_than(client, before?).await.ok()?;
    if holders.is_empty() || !outcome.vacuumed.iter().any(|v| v.ok) {
        return None;
    }
    let rows: u64 = outcome.deleted.iter().map(|d| d.rows).sum();
    let who: Vec<String> = holders.iter().take(3).map(|h| h.describe()).collect();
    let more = holders.len().saturating_sub(3);
    Some(format!(
        "{}: VACUUM removed none of the {rows} deleted rows: the xmin horizon is older than the deletes, held back by {}{}; they stay, dead and taking space, until it moves on (then VACUUM again, or let autovacuum)",
        outcome.table,
        who.join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    ))
}

/// One rule: the removals, then the batched deletes. Returns why it stopped early, if it did.
#[allow(clippy::too_many_arguments)]
async fn run_rule(
    db: &Db,
    client: &Client,
    p: &Plan,
    opts: &RunOptions,
    interrupt: &Interrupt,
    deadline: Option<Instant>,
    note: &dyn Fn(&str),
    outcome: &mut RuleOutcome,
) -> Result<Option<Stop>> {
    let over_time = || deadline.is_some_and(|d| Instant::now() >= d);
    for part in p.parts.iter() {
        let Action::Remove(how) = &part.action else { continue };
        if interrupt.stop_requested() {
            return Ok(Some(Stop::Interrupted));
        }
        if over_time() {
            return Ok(Some(Stop::MaxDuration));
        }
        let Some(parent) = &part.parent else { bail!("{} has no parent", part.table.display()) };
        let archive = part.archive.as_deref().or(p.rule.archive.as_deref());
        if *how == How::Detached && part.archive.is_some() && p.rule.archive.is_none() {
            note(&format!(
                "{} was detached by an earlier run that archives into {}: archiving it there before dropping it",
                part.table.display(),
                part.archive.as_deref().unwrap_or(std::path::Path::new("")).display()
            ));
        }
        // The first press stops the removal before its drop (an archive being written is
        // abandoned and deleted; the partition stays, marked for the next run).
        let removed = tokio::select! {
            r = detach::remove(db, client, &part.table, parent, how, archive, opts.lock_timeout) => r?,
            _ = interrupt.pressed(1) => {
                db.cancel(&client.cancel_token()).await;
                return Ok(Some(Stop::Interrupted));
            }
        };
        note(&format!(
            "dropped {} (~{} rows, {}){} in {} ms",
            removed.partition,
            removed.rows_estimate.map(|r| r.to_string()).unwrap_or_else(|| "?".into()),
            crate::output::cells::bytes(removed.bytes),
            removed.archive.as_ref().map(|a| format!(", archived to {}", a.display())).unwrap_or_default(),
            removed.millis
        ));
        outcome.dropped.push(removed);
    }
    let total: u64 = p
        .parts
        .iter()
        .filter(|x| x.action == Action::Delete)
        .map(|x| x.estimate.unwrap_or(0).max(0) as u64)
        .sum();
    let progress = crate::output::progress::Progress::new(total, opts.quiet);
    let result = delete_all(db, client, p, opts, interrupt, &over_time, &progress, outcome).await;
    progress.finish();
    result
}

#[allow(clippy::too_many_arguments)]
async fn delete_all(
    db: &Db,
    client: &Client,
    p: &Plan,
    opts: &RunOptions,
    interrupt: &Interrupt,
    over_time: &dyn Fn() -> bool,
    progress: &crate::output::progress::Progress,
    outcome: &mut RuleOutcome,
) -> Result<Option<Stop>> {
    // A second connection finds each next batch's bound while a batch deletes, one for the
    // rule's tables and partitions; without one (max_connections reached), each batch finds
    // its own.
    let finder = match p.parts.iter().any(|x| x.action == Action::Delete) {
        true => db.dedicated().await.ok(),
        false => None,
    };
    for part in p.parts.iter().filter(|x| x.action == Action::Delete) {
        progress.set_table(&part.table.name);
        let mut d = Deleter::new(client, finder.as_deref(), p, part, opts.lock_timeout).await?;
        let mut done = Deleted::new(&part.table, d.method(), part.key.as_deref()).with_children(d.children());
        let stop = loop {
            if interrupt.stop_requested() {
                break Some(Stop::Interrupted);
            }
            if over_time() {
                break Some(Stop::MaxDuration);
            }
            let b = tokio::select! {
                b = d.next(client) => b,
                _ = interrupt.abandon() => {
                    // The server would go on with the batch (or its lock wait) until it next
                    // writes to us: cancel it, so that it rolls back now.
                    db.cancel(&client.cancel_token()).await;
                    break Some(Stop::Interrupted);
                }
            };
            let b = match b {
                Ok(b) => b,
                Err(e) => {
                    outcome.deleted.push(done);
                    return Err(e.context(format!(
                        "a batch on {} failed (the batches before it are committed; run again to continue)",
                        part.table.display()
                    )));
                }
            };
            done.add(&b);
            progress.inc(b.deleted);
            if d.done() {
                break None;
            }
            if !p.rule.pause.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(p.rule.pause) => {}
                    _ = interrupt.pressed(1) => {}
                }
            }
        };
        done.complete = stop.is_none();
        outcome.deleted.push(done);
        if stop.is_some() {
            return Ok(stop);
        }
    }
    Ok(None)
}
