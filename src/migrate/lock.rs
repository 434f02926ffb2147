//! The migration advisory lock: concurrent runs apply each migration once, and a waiting run
//! names the session that holds the lock.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::error::{PgContext, pg_message};

/// Advisory lock key held for a whole `migrate` run (ASCII "towowdb").
pub const MIGRATION_LOCK_KEY: i64 = 0x0074_6f77_6f77_6462;

/// Take the migration advisory lock, polling `pg_try_advisory_lock` with backoff (a blocking
/// `pg_advisory_lock` would deadlock with `CREATE INDEX CONCURRENTLY` in the holder).
pub async fn acquire_lock(client: &Client, wait: Duration) -> Result<()> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(25);
    let mut announced = false;
    loop {
        let got: bool = client
            .query_typed_one("SELECT pg_try_advisory_lock($1) AS got", &[(&MIGRATION_LOCK_KEY, Type::INT8)])
            .await
            .pg_context("cannot take the migration lock")?
            .try_get("got")?;
        if got {
            if announced {
                tracing::info!("migration lock acquired after {:.1}s", started.elapsed().as_secs_f64());
            }
            return Ok(());
        }
        let holder = lock_holder(client).await.unwrap_or_else(|e| {
            tracing::debug!("cannot tell who holds the migration lock: {}", crate::error::render(&e));
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
            "SELECT a.pid, coalesce(a.usename::text, '?') AS usename, \
                    coalesce(a.application_name, '') AS application_name, \
                    coalesce(host(a.client_addr), 'local socket') AS client, \
                    coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?') AS since, \
                    coalesce(a.state, '?') AS state \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
               AND l.classid = ($1::int8 >> 32)::oid AND l.objid = ($1::int8 & 4294967295)::oid AND l.objsubid = 1",
            &[(&key, Type::INT8)],
        )
        .await?;
    Ok(match rows.first() {
        Some(r) => format!(
            "pid {} (user {}, application \"{}\", from {}, connected {}, {})",
            r.try_get::<_, i32>("pid")?,
            r.try_get::<_, String>("usename")?,
            r.try_get::<_, String>("application_name")?,
            r.try_get::<_, String>("client")?,
            r.try_get::<_, String>("since")?,
            r.try_get::<_, String>("state")?
        ),
        None => "another session".to_string(),
    })
}

pub(crate) async fn release_lock(client: &Client) {
    if let Err(e) =
        client.query_typed_one("SELECT pg_advisory_unlock($1)", &[(&MIGRATION_LOCK_KEY, Type::INT8)]).await
    {
        tracing::debug!("releasing the migration lock: {}", pg_message(&e));
    }
}
