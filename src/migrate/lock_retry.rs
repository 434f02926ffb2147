//! DDL on a live table without a queue behind it. A statement that needs an ACCESS EXCLUSIVE
//! lock (`ALTER TABLE … ADD CONSTRAINT`, `SET NOT NULL`, `DROP CONSTRAINT`) waits in line for it,
//! and every reader and writer of the table then queues behind that waiter: one long transaction
//! elsewhere stalls the whole table for as long as the lock timeout (30 s by default). So such a
//! statement waits a short while ([`TRY`]), gives up, lets the queue drain, and tries again with
//! a growing pause, until the session's own `lock_timeout` is spent (none: for ever).

use std::time::{Duration, Instant};

use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

use crate::sql::strip_leading_comments;

/// How long one try waits for the lock.
pub const TRY: Duration = Duration::from_secs(2);
/// The first pause between tries; it doubles up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(200);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Whether `stmt` takes an ACCESS EXCLUSIVE lock on a table (and so is run patiently).
/// `VALIDATE CONSTRAINT` takes SHARE UPDATE EXCLUSIVE, which readers and writers pass.
pub fn takes_exclusive_lock(stmt: &str) -> bool {
    let s = strip_leading_comments(stmt).to_ascii_uppercase();
    s.starts_with("ALTER TABLE") && !s.contains("VALIDATE CONSTRAINT")
}

/// Run `stmt` (outside a transaction); a statement that takes an ACCESS EXCLUSIVE lock is tried
/// with a short lock timeout and retried until the session's `lock_timeout` is spent.
pub async fn execute(client: &Client, stmt: &str) -> Result<(), tokio_postgres::Error> {
    if !takes_exclusive_lock(stmt) {
        return client.batch_execute(stmt).await;
    }
    let budget_ms: f64 = client
        .query_typed_one(
            "SELECT extract(epoch FROM current_setting('lock_timeout')::interval)::float8 * 1000",
            &[],
        )
        .await?
        .get(0);
    let budget = (budget_ms > 0.0).then(|| Duration::from_secs_f64(budget_ms / 1000.0));
    let try_for = budget.map_or(TRY, |b| b.min(TRY));
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut announced = false;
    loop {
        client.batch_execute(&format!("SET lock_timeout = {}", try_for.as_millis())).await?;
        let result = client.batch_execute(stmt).await;
        client.batch_execute(&format!("SET lock_timeout = {}", budget_ms.round() as u64)).await?;
        match result {
            Err(e)
                if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE)
                    && budget.is_none_or(|b| started.elapsed() + pause + try_for < b) =>
            {
                if !announced {
                    tracing::info!(
                        "waiting for a lock another session holds (trying for {} s at a time, so that the table's readers and writers do not queue behind us): {}",
                        try_for.as_secs_f64(),
                        strip_leading_comments(stmt).lines().next().unwrap_or_default()
                    );
                    announced = true;
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_statements_wait_patiently() {
        assert!(takes_exclusive_lock(
            "-- V3\nALTER TABLE demands ADD CONSTRAINT c CHECK (status IS NOT NULL) NOT VALID"
        ));
        assert!(takes_exclusive_lock("alter table demands alter column status set not null"));
        assert!(!takes_exclusive_lock("ALTER TABLE demands VALIDATE CONSTRAINT c"));
        assert!(!takes_exclusive_lock("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON demands (status)"));
        assert!(!takes_exclusive_lock("DO $$ BEGIN PERFORM 1; END $$"));
    }
}
