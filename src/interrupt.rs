//! Ctrl-C (SIGINT) and SIGTERM, one design for the whole process.
//!
//! [`run`] races the command against SIGINT and SIGTERM (what `timeout`, systemd and Kubernetes
//! send) from its first instant to its last; both count as a press of Ctrl-C, and the exit status
//! names the first signal: 130 (128 + SIGINT) or 143 (128 + SIGTERM), like a shell. An interrupt
//! drops the command's future wherever it is (a query, a child process, hashing, a shadow
//! database being built), then the cleanups that the dropped work registered with [`defer`] run
//! (stop a child, drop a throwaway database, remove an incomplete backup), and the command fails
//! with [`Interrupted`], naming what was cleaned up: exit status 130, like a shell.
//!
//! A section that stops better by itself (a load: cancel the statement in flight, roll back, say
//! so; a retention run: stop after the batch in flight, then abandon it) holds a [`Handled`]
//! guard and waits for [`pressed`] beside its work: the presses it takes (one for a load, two for
//! retention) are then left to it; one more drops the command anyway. A Ctrl-C during the cleanups
//! skips what is left of them.

use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::Notify;

static PRESSES: AtomicUsize = AtomicUsize::new(0);
/// The first signal that interrupted the command (0: none yet).
static FIRST_SIGNAL: AtomicI32 = AtomicI32::new(0);
static NOTIFY: Notify = Notify::const_new();
/// How many presses the running section takes upon itself.
static TAKEN: AtomicUsize = AtomicUsize::new(0);
static CLEANUPS: Mutex<Vec<Cleanup>> = Mutex::new(Vec::new());

/// How long the cleanups may take together after an interrupt (a database to drop over a slow
/// link); a second Ctrl-C skips them.
pub const CLEANUP_LIMIT: Duration = Duration::from_secs(15);

/// When a cleanup runs: child processes stop first, then what they were writing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Processes,
    Resources,
}

/// What a cleanup did (`Ok`; empty when there was nothing to do) or could not do (`Err`), one
/// phrase.
pub type CleanupResult = Result<String, String>;

struct Cleanup {
    stage: Stage,
    work: BoxFuture<'static, CleanupResult>,
}

/// Ctrl-C (or SIGTERM) ended the command: the one error for it, whoever noticed it (this module,
/// when it dropped the command, or a section that stopped by itself, such as a load rolled
/// back). The message says what became of the work; the exit status is [`exit_status`].
#[derive(Debug)]
pub struct Interrupted(pub String);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Interrupted {}

/// How many times Ctrl-C was pressed (or SIGTERM received).
pub fn presses() -> usize {
    PRESSES.load(Ordering::SeqCst)
}

/// The exit status of an interrupted command: 128 + the first signal's number (130 for Ctrl-C,
/// 143 for SIGTERM); 130 when no signal was seen (an interrupt said by other means).
pub fn exit_status() -> u8 {
    match FIRST_SIGNAL.load(Ordering::SeqCst) {
        0 => 130,
        n => (128 + n).clamp(0, 255) as u8,
    }
}

/// Count one press, from signal `signo`.
fn press(signo: i32) {
    let _ = FIRST_SIGNAL.compare_exchange(0, signo, Ordering::SeqCst, Ordering::SeqCst);
    PRESSES.fetch_add(1, Ordering::SeqCst);
    NOTIFY.notify_waiters();
}

/// Resolves once Ctrl-C has been pressed `times` times (at once if it already was).
pub async fn pressed(times: usize) {
    loop {
        let notified = NOTIFY.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if presses() >= times {
            return;
        }
        notified.await;
    }
}

/// Resolves once Ctrl-C is pressed (at once if it already was).
pub async fn requested() {
    pressed(1).await
}

/// While held, the first presses of Ctrl-C are left to the holder (which waits for [`pressed`]).
pub struct Handled(usize);

/// Take the first Ctrl-C upon oneself until the guard is dropped.
pub fn handled_here() -> Handled {
    take_presses(1)
}

/// Take the first `n` presses of Ctrl-C upon oneself until the guard is dropped.
pub fn take_presses(n: usize) -> Handled {
    Handled(TAKEN.fetch_max(n, Ordering::SeqCst))
}

impl Drop for Handled {
    fn drop(&mut self) {
        TAKEN.store(self.0, Ordering::SeqCst);
    }
}

/// Register work to run once the command's future has ended (typically from a guard's `Drop`,
/// when the work it guarded was dropped by an interrupt or left by an error).
pub fn defer(stage: Stage, work: impl Future<Output = CleanupResult> + Send + 'static) {
    let mut all = CLEANUPS.lock().unwrap_or_else(|e| e.into_inner());
    all.push(Cleanup { stage, work: Box::pin(work) });
}

/// Run the registered cleanups, processes first, each stage in the order registered, until
/// `limit` or `stop` resolves; returns what each did.
async fn run_cleanups(limit: Duration, stop: impl Future<Output = ()>) -> Vec<CleanupResult> {
    let mut pending = std::mem::take(&mut *CLEANUPS.lock().unwrap_or_else(|e| e.into_inner()));
    pending.sort_by_key(|c| c.stage);
    let total = pending.len();
    let mut done = Vec::new();
    let all = async {
        for c in pending {
            done.push(c.work.await);
        }
    };
    let finished = tokio::select! {
        _ = tokio::time::timeout(limit, all) => true,
        _ = stop => false,
    };
    let left = total - done.len();
    if left > 0 {
        let why = if finished { format!("not done within {} s", limit.as_secs()) } else { "skipped".into() };
        done.push(Err(format!("{left} cleanup step(s) {why}")));
    }
    done
}

/// Run `command` under Ctrl-C's rule (see the module's documentation).
pub async fn run<T>(command: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let (mut sigint, mut sigterm) = match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(i), Ok(t)) => (i, t),
        (Err(e), _) | (_, Err(e)) => {
            tracing::debug!("cannot watch for Ctrl-C and SIGTERM ({e}): their default action stays");
            return command.await;
        }
    };
    let mut command = Box::pin(command);
    let mut seen = 0;
    let finished = loop {
        let signo = tokio::select! {
            biased;
            r = &mut command => break Some(r),
            _ = sigint.recv() => libc::SIGINT,
            _ = sigterm.recv() => libc::SIGTERM,
        };
        seen += 1;
        press(signo);
        if seen <= TAKEN.load(Ordering::SeqCst) {
            tracing::debug!("signal {signo}: left to the running section");
            continue;
        }
        break None;
    };
    // Dropping the command's future drops its guards, which register their cleanups.
    drop(command);
    let stop = async {
        tokio::select! {
            _ = sigint.recv() => {}
            _ = sigterm.recv() => {}
        }
    };
    let outcomes = run_cleanups(CLEANUP_LIMIT, stop).await;
    match finished {
        Some(r) => {
            for o in outcomes {
                match o {
                    Ok(done) => tracing::debug!("cleanup: {done}"),
                    Err(failed) => tracing::warn!("{failed}"),
                }
            }
            r
        }
        None => {
            let mut message = String::from("interrupted");
            let said: Vec<String> =
                outcomes.into_iter().map(|o| o.unwrap_or_else(|e| e)).filter(|s| !s.is_empty()).collect();
            if !said.is_empty() {
                message.push_str(": ");
                message.push_str(&said.join("; "));
            }
            Err(Interrupted(message).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cleanups_run_processes_first_and_stop_at_the_limit() {
        defer(Stage::Resources, async { Ok("folder removed".to_string()) });
        defer(Stage::Processes, async { Ok("pg_dump stopped".to_string()) });
        defer(Stage::Resources, async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok("never".to_string())
        });
        let out = run_cleanups(Duration::from_millis(100), std::future::pending()).await;
        assert_eq!(
            out,
            [
                Ok("pg_dump stopped".to_string()),
                Ok("folder removed".to_string()),
                Err("1 cleanup step(s) not done within 0 s".to_string())
            ]
        );
        assert!(run_cleanups(Duration::from_secs(1), std::future::pending()).await.is_empty());
    }
}
