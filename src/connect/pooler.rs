//! Connection poolers between towow-db and PostgreSQL (PgBouncer in transaction pooling mode).
//!
//! Reports and data commands work through them: towow-db's queries use unnamed statements
//! (`query_typed`) or the simple protocol, never named prepared statements, which PgBouncer before
//! 1.21 cannot follow from one server connection to the next. A pooler that refuses the `options`
//! startup parameter is handled by the connector (see `tls`).
//!
//! Migrations need a session of their own: the advisory lock is held for the whole run, and
//! `CREATE INDEX CONCURRENTLY` runs outside a transaction. Under transaction pooling each
//! transaction may run on another server connection, so the lock would be taken on one backend,
//! left there for other clients, and released (or not) on another. [`ensure_session`] detects
//! that from the client side and refuses with a pointer to `--direct-url`.

use std::time::Duration;

use anyhow::{Result, bail};
use tokio_postgres::Client;

use crate::connect::pool::Db;
use crate::error::PgContext;

/// How long the second probe connection may take before we stop asking (a pool without a free
/// server connection makes it wait: that only happens when sessions hold their connections).
const PROBE_WAIT: Duration = Duration::from_secs(3);

async fn backend_pid(client: &Client) -> Result<i32> {
    Ok(client
        .query_typed_one("SELECT pg_backend_pid()", &[])
        .await
        .pg_context("cannot read the backend pid")?
        .get(0))
}

/// Evidence that `client`'s connection does not keep one server session: `Some(why)` under
/// transaction (or statement) pooling, `None` for a direct server or session pooling.
///
/// Two client connections can never share a backend when each has a session of its own; under
/// transaction pooling the backend `client` just used goes back to the pool after the statement,
/// and the next client transaction (PgBouncer hands out the most recently used server first) gets
/// it. So: read `client`'s backend pid, read it from a second connection, then again from
/// `client`; equal pids across the two connections, or a change on one connection, is pooling.
pub async fn transaction_pooling(db: &Db, client: &Client) -> Result<Option<String>> {
    let first = backend_pid(client).await?;
    let other = match tokio::time::timeout(PROBE_WAIT, async {
        let b = db.dedicated().await?;
        backend_pid(&b).await
    })
    .await
    {
        Ok(r) => r?,
        Err(_) => {
            tracing::debug!("pooling probe: no second connection within {PROBE_WAIT:?}; assuming a session");
            return Ok(None);
        }
    };
    if other == first {
        return Ok(Some(format!(
            "two client connections were served by the same server process (pid {first}) one after the other"
        )));
    }
    let again = backend_pid(client).await?;
    if again != first {
        return Ok(Some(format!(
            "one client connection was served by server process {first}, then by {again}"
        )));
    }
    tracing::debug!("pooling probe: backend {first} keeps its session (the other connection got {other})");
    Ok(None)
}

/// Refuse to run `what` (which needs a session) over a transaction-pooled connection.
pub async fn ensure_session(db: &Db, client: &Client, what: &str) -> Result<()> {
    if let Some(why) = transaction_pooling(db, client).await? {
        bail!(
            "{what} needs a database session of its own (it holds an advisory lock for the whole run), but {} is behind a connection pooler in transaction mode (PgBouncer pool_mode=transaction?): {why}. Connect it to PostgreSQL directly with --direct-url (or DIRECT_DATABASE_URL), e.g. --direct-url postgresql://user@db-host:5432/{}",
            db.cfg.describe(),
            db.cfg.dbname_or_default()
        );
    }
    Ok(())
}
