//! Who holds the lock a session waits for. A statement that gives up on a lock (`lock_timeout`,
//! SQLSTATE 55P03) says only "canceling statement due to lock timeout"; by then the wait is over
//! and `pg_blocking_pids` has nothing to say. So while the work runs, a second connection looks
//! at the session's blockers now and then, and a lock timeout names the last one seen: pid, user,
//! application, client, since when, state and statement.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Result;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;

use crate::connect::pool::Db;
use crate::error::Remedy;

/// The first look, then the pause between looks. The default `lock_timeout` is 30 s.
const FIRST_LOOK: Duration = Duration::from_millis(200);
const EVERY: Duration = Duration::from_millis(500);

/// The sessions `$1` waits for, oldest transaction first, and the lock it wants.
const HOLDERS_SQL: &str = "
SELECT a.pid, coalesce(a.usename::text, '?') AS user, coalesce(a.application_name, '') AS application,
       coalesce(host(a.client_addr), 'the local socket') AS client,
       coalesce(to_char(coalesce(a.xact_start, a.query_start, a.backend_start), 'YYYY-MM-DD HH24:MI:SS TZ'), '?')
         AS since,
       coalesce(a.state, '?') AS state,
       left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 200) AS statement,
       (SELECT l.mode || ' on ' || coalesce(l.relation::regclass::text, l.locktype)
          FROM pg_locks l WHERE l.pid = $1 AND NOT l.granted LIMIT 1) AS wants
FROM unnest(pg_blocking_pids($1)) AS b(pid) JOIN pg_stat_activity a ON a.pid = b.pid
ORDER BY a.xact_start NULLS LAST, a.pid LIMIT 3";

/// The server process of `client`'s session (`None` when it cannot be asked).
pub async fn backend_pid(client: &Client) -> Option<i32> {
    client.query_typed_one("SELECT pg_backend_pid()", &[]).await.ok().map(|r| r.get(0))
}

/// The sessions `pid` waits for, in words, or `None` when it waits for nothing.
pub async fn holders(db: &Db, pid: i32) -> Result<Option<String>> {
    let client = db.get().await?;
    let rows = client.query_typed(HOLDERS_SQL, &[(&pid, Type::INT4)]).await?;
    let Some(first) = rows.first() else { return Ok(None) };
    let wants: Option<String> = first.get("wants");
    let who: Vec<String> = rows
        .iter()
        .map(|r| {
            let statement: String = r.get("statement");
            format!(
                "pid {} (user {}, application \"{}\", from {}, since {}, {}, statement: {})",
                r.get::<_, i32>("pid"),
                r.get::<_, String>("user"),
                r.get::<_, String>("application"),
                r.get::<_, String>("client"),
                r.get::<_, String>("since"),
                r.get::<_, String>("state"),
                crate::redact::redact_sql(&statement)
            )
        })
        .collect();
    let wanted = wants.map(|w| format!("waited for {w}, ")).unwrap_or_default();
    Ok(Some(format!("{wanted}blocked by {}", who.join("; and by "))))
}

/// Run `work`, the statements of session `pid` (see [`backend_pid`]); when it fails on a lock
/// timeout, its error names the holder last seen. Without a pid, `work` runs as is.
pub async fn naming_holder<T>(db: &Db, pid: Option<i32>, work: impl Future<Output = Result<T>>) -> Result<T> {
    let Some(pid) = pid else { return work.await };
    // The watcher's own connection (a pool of one, connected at the first look): the work may
    // hold every connection of `db`'s pool (`--pool-size 1`).
    let watcher = db.with_dbname(&db.cfg.dbname_or_default())?;
    let seen: Mutex<Option<String>> = Mutex::new(None);
    let watch = async {
        tokio::time::sleep(FIRST_LOOK).await;
        loop {
            match holders(&watcher, pid).await {
                Ok(Some(h)) => *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(h),
                Ok(None) => {}
                Err(e) => {
                    tracing::debug!("cannot look at the locks of pid {pid}: {}", crate::error::render(&e))
                }
            }
            tokio::time::sleep(EVERY).await;
        }
    };
    let result = tokio::select! {
        r = work => r,
        never = watch => never,
    };
    result.map_err(|e| {
        let holder = seen.lock().unwrap_or_else(|e| e.into_inner()).take();
        match holder {
            Some(h) if crate::error::sqlstate(&e) == Some(SqlState::LOCK_NOT_AVAILABLE) => e.context(Remedy(
                format!("it {h}; end that session, or wait for it and retry (--lock-timeout waits longer)"),
            )),
            _ => e,
        }
    })
}
