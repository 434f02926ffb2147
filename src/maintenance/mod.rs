//! Maintenance: fixing what the reports find, without blocking the application.
//!
//! - `retention`: delete rows older than a cut-off in short transactions (by primary key, or by
//!   ctid where there is none), and detach and drop the partitions wholly older than it;
//! - `partitions`: the range partitions of every partitioned table, their gaps and how far ahead
//!   they reach, and `ensure`, which creates the next ones;
//! - `reindex`: `REINDEX INDEX CONCURRENTLY` of invalid and bloated indexes, one at a time;
//! - `advise`: `advise --create`, building the advised indexes concurrently and measuring the
//!   statements before and after (`progress`: a concurrent build's phase, shared).
//!
//! This layer sits above `reports` and `admin`: it reuses the reports' PgBouncer-safe query
//! helper and index statistics, and the backups' way of running pg_dump. Every statement is a
//! `query_typed` (unnamed) or a simple query; DDL, which takes no bind values, quotes identifiers
//! with `sql::quote_ident` and literals with `sql::quote_literal`.

use std::time::Duration;

use anyhow::Result;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

pub mod advise;
pub mod bounds;
pub mod partitions;
pub mod progress;
pub mod reindex;
pub mod retention;
pub mod table;

/// The `lock_timeout` of the statements that take locks the application also needs (a batch's
/// row locks, a DETACH without CONCURRENTLY): short, so that the application's statements queued
/// behind a waiting one wait at most this long. `--lock-timeout` overrides it.
pub const LOCK_TIMEOUT: Duration = Duration::from_millis(500);

/// The session `lock_timeout` of the maintenance commands' connections: for the steps that wait
/// without blocking the application (`DETACH … CONCURRENTLY` and `REINDEX … CONCURRENTLY`
/// waiting for the transactions that use the table, VACUUM). Statements that block it set the
/// short [`LOCK_TIMEOUT`] in their own transaction.
pub const SESSION_LOCK_TIMEOUT: Duration = Duration::from_secs(300);

/// How many times a statement that hit `lock_timeout` (or a deadlock) is tried again, after a
/// pause that doubles from one second.
pub const LOCK_RETRIES: u32 = 5;

/// After attempt number `retries` failed with `e`: how long to pause before trying again, or
/// `None` to give up. Lock waits that gave up (`lock_timeout`), deadlocks and serialization
/// failures are tried again, [`LOCK_RETRIES`] times, pausing 1 s, 2 s, 4 s, ….
pub fn retry_after(e: &anyhow::Error, retries: u32) -> Option<Duration> {
    let conflict = matches!(
        crate::error::sqlstate(e),
        Some(
            SqlState::LOCK_NOT_AVAILABLE
                | SqlState::T_R_DEADLOCK_DETECTED
                | SqlState::T_R_SERIALIZATION_FAILURE
        )
    );
    (conflict && retries < LOCK_RETRIES).then(|| Duration::from_secs(1 << retries))
}

/// `SET LOCAL lock_timeout` for `d` (in milliseconds; 0 = none).
pub fn set_local_lock_timeout(d: Duration) -> String {
    format!("SET LOCAL lock_timeout = {}", d.as_millis())
}

/// Run `sql` (several statements) in one transaction with the short `lock_timeout`, trying again
/// after a lock timeout or a deadlock.
pub async fn in_short_transaction(
    client: &Client,
    sql: &str,
    lock_timeout: Duration,
    what: &str,
) -> Result<()> {
    let mut retries = 0;
    loop {
        let r = client
            .batch_execute(&format!("BEGIN; {}; {sql}; COMMIT", set_local_lock_timeout(lock_timeout)))
            .await
            .map_err(anyhow::Error::new);
        let Err(e) = r else { return Ok(()) };
        let _ = client.batch_execute("ROLLBACK").await;
        let Some(wait) = retry_after(&e, retries) else { return Err(e.context(format!("cannot {what}"))) };
        tracing::info!("{what}: {}; trying again in {wait:?}", crate::error::render(&e));
        retries += 1;
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    /// PgBouncer in transaction pooling breaks named prepared statements: this layer only uses
    /// `query_typed` (directly or through `reports::query`) and the simple query protocol.
    #[test]
    fn maintenance_code_never_prepares_statements() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/maintenance");
        let mut files = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        assert!(files.len() >= 5, "read the sources");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            for m in ["query", "query_one", "query_opt", "query_raw", "prepare", "prepare_typed", "execute"] {
                let call = format!(".{m}(");
                assert!(
                    !code.contains(&call),
                    "{} calls {call}: use query_typed or simple_query",
                    f.display()
                );
            }
        }
    }
}
