//! Connections: a deadpool-postgres pool built from a [`ConnConfig`], the first connection retried
//! with exponential backoff under `--wait`, and connection errors turned into one-line messages that
//! name host, port, database and user (never the password) and say what to check.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use deadpool_postgres::{ClientWrapper, Runtime};
use tokio_postgres::CancelToken;
use tokio_postgres::error::SqlState;

/// What `--wait` longer than a century means.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 86_400);

pub use crate::connect::setup::ConnectOptions;
use crate::connect::setup::{Opener, Selection, SetupError, WrongKind, seconds, wanted};
use crate::connect::tls::Connector;
use crate::connect::url::ConnConfig;
use crate::error::{PgContext, PgError, Remedy};

/// The pool of connections: each made by the [`Opener`] (hosts in turn, each under the set-up
/// deadline).
pub type Pool = deadpool::managed::Pool<Opener>;
/// A pooled connection (a `tokio_postgres::Client` through `Deref`).
pub type Object = deadpool::managed::Object<Opener>;
/// Why no pooled connection could be had: the pool's own timeout, or a [`SetupError`].
pub type PoolError = deadpool::managed::PoolError<SetupError>;

/// A pool plus the settings it was built from.
pub struct Db {
    pub pool: Pool,
    /// The settings; after [`Db::connect`], with several hosts, only the host it connected to
    /// (so that messages name it, and derived connections and child programs go there too).
    pub cfg: ConnConfig,
    pub opts: ConnectOptions,
    /// TLS settings, for cancel requests.
    connector: Connector,
    /// Which host the opener chose, and servers of the wrong kind it found.
    selection: Arc<Selection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("cfg", &self.cfg).finish()
    }
}

impl Db {
    /// Build the pool and take one connection (retrying under `opts.wait`), so that an unreachable
    /// server or a wrong password fails here with a clear message.
    pub async fn connect(cfg: ConnConfig, opts: ConnectOptions) -> Result<Db> {
        let mut db = Db::new(cfg, opts)?;
        let client = db.first_connection().await?;
        drop(client);
        if db.cfg.hosts.len() > 1
            && let Some((host, port)) = db.selection.chosen_host()
        {
            tracing::debug!("connected to {host}:{port} of {}", db.cfg.describe());
            db.cfg.hosts = vec![host];
            db.cfg.ports = vec![port];
        }
        Ok(db)
    }

    /// Build the pool without connecting.
    pub fn new(cfg: ConnConfig, opts: ConnectOptions) -> Result<Db> {
        let connector = Connector::new(&cfg).map_err(|e| {
            anyhow::Error::new(ConnectError {
                message: format!("cannot connect to {}: {e:#}", cfg.describe()),
                sqlstate: None,
                wrong_kind: false,
            })
        })?;
        tracing::debug!("TLS: {}", connector.plan());
        let opener = Opener::new(connector.clone(), &cfg, &opts);
        let selection = opener.selection();
        let pool = Pool::builder(opener)
            .max_size(opts.pool_size.max(1))
            .wait_timeout(Some(opts.pool_timeout))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| anyhow!("cannot build the connection pool: {e}"))?;
        tracing::debug!("connection pool ready for {cfg} (from {})", cfg.source);
        Ok(Db { pool, cfg, opts, connector, selection })
    }

    async fn first_connection(&self) -> Result<Object> {
        let started = Instant::now();
        // `--wait 18446744073709551615s` is "for ever", not an overflow.
        let deadline = self.opts.wait.map(|w| started.checked_add(w).unwrap_or(started + FOREVER));
        let mut delay = Duration::from_millis(100);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            match self.pool.get().await {
                Ok(c) => {
                    if attempts > 1 {
                        tracing::info!(
                            "connected to {} after {attempts} attempts ({:.1}s)",
                            self.cfg.describe(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                    return Ok(c);
                }
                Err(e) => {
                    // Servers of the wrong kind (a standby where writes are wanted): a failover
                    // may change that, so `--wait` waits for it.
                    let retry = is_transient(&e) || self.selection.wrong_kind().is_some();
                    // Retried until the deadline itself: the last sleep is cut to it, and one
                    // more attempt is made there (`--wait 3s` waits 3 s, not the last whole
                    // backoff step short of it).
                    match deadline {
                        Some(d) if retry && Instant::now() < d => {
                            let delay_now = delay.min(d.saturating_duration_since(Instant::now()));
                            let why = self.connect_error(&e);
                            if attempts == 1 {
                                tracing::info!(
                                    "waiting up to {} for {} to accept connections",
                                    crate::units::seconds_text(self.opts.wait.unwrap_or_default()),
                                    self.cfg.describe()
                                );
                            }
                            tracing::debug!("attempt {attempts}: {why}; retrying in {delay_now:?}");
                            tokio::time::sleep(delay_now).await;
                            delay = (delay * 2).min(Duration::from_secs(2));
                        }
                        Some(_) if retry => {
                            return Err(self.connect_error(&e).context(format!(
                                "gave up after waiting {:.0}s ({attempts} attempts)",
                                started.elapsed().as_secs_f64()
                            )));
                        }
                        _ => return Err(self.connect_error(&e)),
                    }
                }
            }
        }
    }

    fn connect_error(&self, e: &PoolError) -> anyhow::Error {
        match self.selection.wrong_kind() {
            Some(w) if matches!(e, PoolError::Backend(_)) => wrong_kind_error(&w, &self.cfg),
            _ => connect_error(e, &self.cfg),
        }
    }

    /// Ask the server to cancel what `token`'s connection is running (a lock wait, a COPY),
    /// giving up after half a second: the caller is leaving anyway.
    pub async fn cancel(&self, token: &CancelToken) {
        match tokio::time::timeout(Duration::from_millis(500), self.connector.cancel(token)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!("cancel request failed: {e}"),
            Err(_) => tracing::debug!("cancel request timed out"),
        }
    }

    /// A guard that cancels what `client` is running on the server should the command be
    /// interrupted (Ctrl-C, SIGTERM) while it holds the guard: dropping a query's future closes
    /// nothing on the server, which would go on with a `REINDEX`, a `VACUUM` or a lock wait (and
    /// hold its locks) until it next writes to the closed socket.
    pub fn cancel_on_interrupt(&self, client: &tokio_postgres::Client) -> CancelOnInterrupt {
        CancelOnInterrupt { token: Some(client.cancel_token()), connector: self.connector.clone() }
    }

    /// A pooled connection.
    pub async fn get(&self) -> Result<Object> {
        self.pool.get().await.map_err(|e| self.connect_error(&e))
    }

    /// A connection taken out of the pool: it closes when dropped, so session state such as an
    /// advisory lock never leaks back into the pool.
    pub async fn dedicated(&self) -> Result<ClientWrapper> {
        Ok(Object::take(self.get().await?))
    }

    /// The same target with another database name (e.g. `postgres` to create the target).
    pub fn with_dbname(&self, dbname: &str) -> Result<Db> {
        let mut cfg = self.cfg.clone();
        cfg.dbname = Some(dbname.to_string());
        let mut opts = self.opts.clone();
        opts.pool_size = 1;
        Db::new(cfg, opts)
    }
}

/// See [`Db::cancel_on_interrupt`]. Dropped after an interrupt, it registers a cancel request
/// with the interrupt's cleanups (processes first: before anything that waits for the server);
/// dropped otherwise, it does nothing (the statement has ended).
pub struct CancelOnInterrupt {
    token: Option<CancelToken>,
    connector: Connector,
}

impl Drop for CancelOnInterrupt {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else { return };
        if crate::interrupt::presses() == 0 {
            return;
        }
        let connector = self.connector.clone();
        crate::interrupt::defer(crate::interrupt::Stage::Processes, async move {
            match tokio::time::timeout(Duration::from_secs(2), connector.cancel(&token)).await {
                // Said only when it fails: a statement that had already ended is cancelled too.
                Ok(Ok(())) => Ok(String::new()),
                Ok(Err(e)) => Err(format!("cannot cancel the statement in flight on the server: {e}")),
                Err(_) => Err("cannot cancel the statement in flight on the server: no answer in 2 s".into()),
            }
        });
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether waiting may help: the server is down, starting, or full.
pub fn is_transient(e: &PoolError) -> bool {
    match e {
        PoolError::Timeout(_) => true,
        PoolError::Backend(SetupError::Pg(pe)) => match pe.as_db_error() {
            Some(db) => matches!(
                *db.code(),
                SqlState::CANNOT_CONNECT_NOW
                    | SqlState::TOO_MANY_CONNECTIONS
                    | SqlState::CONNECTION_FAILURE
                    | SqlState::SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION
                    | SqlState::ADMIN_SHUTDOWN
                    | SqlState::CRASH_SHUTDOWN
            ),
            // Settings that no retry can fix: a missing password, a failed TLS handshake.
            None => {
                crate::connect::tls::handshake_failure(pe).is_none()
                    && !matches!(
                        refusal(pe),
                        Some(Refusal::PasswordMissing | Refusal::ChannelBinding | Refusal::NoTls)
                    )
            }
        },
        // A server that does not answer yet, a name not in the DNS yet (a container starting).
        PoolError::Backend(SetupError::Deadline(_) | SetupError::Lookup { .. }) => true,
        _ => false,
    }
}

/// The client-side refusals that tokio-postgres reports without an error kind of their own
/// (a configuration error with a fixed text), recognised by that text: `tokio-postgres`'s
/// `Error::config("password missing")` and its channel-binding and TLS-refusal messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    PasswordMissing,
    ChannelBinding,
    NoTls,
}

fn refusal(pe: &tokio_postgres::Error) -> Option<Refusal> {
    let text = crate::error::error_chain(pe);
    if text.contains("password missing") {
        Some(Refusal::PasswordMissing)
    } else if text.contains("channel binding") {
        Some(Refusal::ChannelBinding)
    } else if text.contains("server does not support TLS") {
        Some(Refusal::NoTls)
    } else {
        None
    }
}

/// The kind of the I/O error under a failed connection (refused, timed out, unreachable).
fn io_kind(pe: &tokio_postgres::Error) -> Option<std::io::ErrorKind> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(pe);
    while let Some(c) = cur {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = c.source();
    }
    None
}

/// A failed connection: a one-line message, and the server's SQLSTATE when it sent one.
#[derive(Debug, Clone)]
pub struct ConnectError {
    pub message: String,
    pub sqlstate: Option<SqlState>,
    /// Servers were reached, none of the kind `target_session_attrs` asks for.
    pub wrong_kind: bool,
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConnectError {}

/// The SQLSTATE of a failed connection or statement, if the server sent one.
pub fn connect_sqlstate(e: &anyhow::Error) -> Option<SqlState> {
    e.chain()
        .find_map(|c| c.downcast_ref::<ConnectError>())
        .map_or_else(|| crate::error::sqlstate(e), |ce| ce.sqlstate.clone())
}

/// A one-line error for a failed connection: what, where (no password), and what to check.
pub fn connect_error(e: &PoolError, cfg: &ConnConfig) -> anyhow::Error {
    let target = cfg.describe();
    let (what, hint): (String, String) = match e {
        PoolError::Timeout(_) => (
            "timed out".into(),
            "is the host reachable and the port open? (raise --pool-timeout or connect_timeout)".into(),
        ),
        PoolError::Backend(SetupError::Deadline(d)) => (
            format!("no answer within {} (connect_timeout)", seconds(*d)),
            "the server accepted no connection, or accepted it and never answered (a firewall dropping packets, a stopped or frozen server, or not PostgreSQL on this port?); connect_timeout or PGCONNECT_TIMEOUT waits longer, --wait retries".to_string(),
        ),
        PoolError::Backend(e @ SetupError::Lookup { .. }) => {
            (one_line(&crate::error::error_chain(e)), format!("check the host name `{}`", cfg.host()))
        }
        PoolError::Backend(SetupError::WrongKind) => {
            ("no server of the kind target_session_attrs asks for".into(), String::new())
        }
        PoolError::Backend(SetupError::Pg(pe)) => match pe.as_db_error() {
            Some(db) => {
                let hint = match *db.code() {
                    SqlState::INVALID_PASSWORD => {
                        "check the user name and the password (URL, PGPASSWORD, ~/.pgpass or PGPASSFILE): the server does not say which one is wrong".to_string()
                    }
                    SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                        if db.message().contains("no encryption") || db.message().contains("SSL off") =>
                    {
                        "pg_hba.conf lets this role in from here only over TLS (hostssl): use sslmode=require or stricter".to_string()
                    }
                    SqlState::INVALID_AUTHORIZATION_SPECIFICATION
                        if db.message().contains("client certificate") =>
                    {
                        "pg_hba.conf wants a client certificate here: set sslcert and sslkey (or put them in ~/.postgresql/postgresql.crt and .key), signed by the server's ssl_ca_file".to_string()
                    }
                    SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
                        "check that the role exists and pg_hba.conf lets it in from here".to_string()
                    }
                    SqlState::INVALID_CATALOG_NAME => format!(
                        "create it with `towow-db init` (or CREATE DATABASE \"{}\")",
                        cfg.dbname_or_default()
                    ),
                    SqlState::CANNOT_CONNECT_NOW => {
                        "the server is starting up or shutting down; retry with --wait 30s".into()
                    }
                    SqlState::TOO_MANY_CONNECTIONS => {
                        "the server is out of connections; retry later or with --wait".into()
                    }
                    _ => db.hint().unwrap_or("").to_string(),
                };
                (format!("{} (SQLSTATE {})", db.message(), db.code().code()), hint)
            }
            None => {
                use crate::connect::tls::{TlsFailure, handshake_failure};
                use std::io::ErrorKind;
                let msg = one_line(&crate::error::error_chain(pe));
                let hint = match (refusal(pe), handshake_failure(pe), io_kind(pe)) {
                    (Some(Refusal::ChannelBinding), ..) => {
                        "channel_binding=require needs TLS (sslmode=require or stricter) and SCRAM authentication on the server".to_string()
                    }
                    (Some(Refusal::PasswordMissing), ..) => {
                        "the server asks for a password and none was given: put it in the URL, PGPASSWORD, or a line of ~/.pgpass / PGPASSFILE (mode 0600)".to_string()
                    }
                    (Some(Refusal::NoTls), ..) => format!(
                        "the server does not accept TLS connections: turn ssl on in its postgresql.conf, or use sslmode=prefer (sslmode is {})",
                        cfg.sslmode.as_str()
                    ),
                    (None, Some(TlsFailure::WrongName), _) => format!(
                        "sslmode=verify-full checks that the server certificate names the host you connect to (`{}`): connect with a name from the certificate, or use sslmode=verify-ca",
                        cfg.host()
                    ),
                    (None, Some(TlsFailure::UnknownIssuer), _) => {
                        "check sslrootcert: it must hold the CA certificate that signed the server's certificate".into()
                    }
                    (None, Some(TlsFailure::AlertReceived), _) => {
                        "the server refused the TLS session: it may want a client certificate (sslcert, sslkey) signed by its ssl_ca_file".into()
                    }
                    (None, Some(TlsFailure::Other), _) => {
                        "check sslmode and the certificates (sslrootcert, sslcert, sslkey)".into()
                    }
                    (None, None, Some(ErrorKind::ConnectionRefused)) => format!(
                        "is PostgreSQL running and accepting TCP connections on {}:{}? (use --wait 30s when it is still starting)",
                        cfg.host(),
                        cfg.port()
                    ),
                    (None, None, Some(ErrorKind::NotFound)) if cfg.host().starts_with('/') => format!(
                        "no server socket in {} (is PostgreSQL running, and is that its unix_socket_directories?)",
                        cfg.host()
                    ),
                    (None, None, Some(ErrorKind::TimedOut | ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable)) => {
                        "is the host reachable and the port open (firewall, security group)?".into()
                    }
                    _ => String::new(),
                };
                (msg, hint)
            }
        },
        other => (one_line(&other.to_string()), String::new()),
    };
    let what = crate::redact::redact_url(&what);
    let sqlstate = match e {
        PoolError::Backend(SetupError::Pg(pe)) => pe.as_db_error().map(|db| db.code().clone()),
        _ => None,
    };
    let message = if hint.is_empty() {
        format!("cannot connect to {target}: {what}")
    } else {
        format!("cannot connect to {target}: {what} — {hint}")
    };
    anyhow::Error::new(ConnectError { message, sqlstate, wrong_kind: false })
}

/// No server of the wanted kind: each host and what it was (a standby, a primary, or why it
/// could not be reached), and what to do.
pub fn wrong_kind_error(w: &WrongKind, cfg: &ConnConfig) -> anyhow::Error {
    let want = format!("{} (target_session_attrs={})", wanted(w.want), w.want.as_str());
    let message = match w.hosts.as_slice() {
        [(_, what)] => format!("cannot connect to {}: the server {what}, not {want}", cfg.describe()),
        hosts => {
            let each: Vec<String> = hosts
                .iter()
                .map(|(h, what)| match what.starts_with("is a ") {
                    true => format!("{h} {what}"),
                    false => format!("{h}: {what}"),
                })
                .collect();
            format!("cannot connect to {}: none is {want}: {}", cfg.describe(), each.join("; "))
        }
    };
    let hint = if w.want == crate::connect::url::TargetSessionAttrs::Standby {
        "list a standby among the hosts, or use target_session_attrs=prefer-standby"
    } else {
        "point the URL at the primary, or list every node (postgresql://host1,host2/db) so that towow-db finds it; --wait 30s waits through a failover"
    };
    anyhow::Error::new(ConnectError {
        message: format!("{message} — {hint}"),
        sqlstate: None,
        wrong_kind: true,
    })
}

/// Whether `e` is "no server of the wanted kind" (see [`wrong_kind_error`]).
pub fn is_wrong_kind(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<ConnectError>().is_some_and(|c| c.wrong_kind))
}

/// Does `e` (anywhere in its chain) carry this SQLSTATE?
pub fn has_sqlstate(e: &anyhow::Error, state: &SqlState) -> bool {
    connect_sqlstate(e).as_ref() == Some(state)
}

/// Refuse a server older than `min.0` (`server_version_num`), saying `min.1` and its version.
pub async fn check_server_version(client: &tokio_postgres::Client, min: (i32, &str)) -> Result<()> {
    let sql = "SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int4 AS num";
    let r = client.query_typed(sql, &[]).await.pg_context("cannot read the server version")?;
    let (version, num): (String, i32) = (r[0].get("version"), r[0].get("num"));
    if num < min.0 {
        anyhow::bail!("{}; this server is PostgreSQL {version}; nothing was changed", min.1);
    }
    Ok(())
}

/// Make sure the target database exists: when the server says it does not, connect to a
/// maintenance database and create it (if the role may; the server must be `min_version` or
/// newer, see [`check_server_version`]). Returns whether it was created.
pub async fn ensure_database(
    cfg: &ConnConfig,
    opts: &ConnectOptions,
    min_version: Option<(i32, &str)>,
) -> Result<bool> {
    let probe = Db::new(cfg.clone(), opts.clone())?;
    let err = match probe.first_connection().await {
        Ok(_) => return Ok(false),
        Err(e) => e,
    };
    if !has_sqlstate(&err, &SqlState::INVALID_CATALOG_NAME) {
        return Err(err);
    }
    let dbname = cfg.dbname_or_default();
    let mut last_err = err;
    for maint in ["postgres", "template1"] {
        let admin = match probe.with_dbname(maint) {
            Ok(a) => a,
            Err(e) => {
                last_err = e;
                continue;
            }
        };
        let client = match admin.get().await {
            Ok(c) => c,
            Err(e) => {
                last_err = e;
                continue;
            }
        };
        if let Some(min) = min_version {
            check_server_version(&client, min).await?;
        }
        let sql = format!("CREATE DATABASE {}", crate::sql::quote_ident(&dbname));
        return match client.batch_execute(&sql).await {
            Ok(()) => {
                tracing::debug!("created database \"{dbname}\"");
                Ok(true)
            }
            // Another run created it first (42P04; 23505 when both passed the existence check
            // at once): losing that race is success.
            Err(e)
                if e.code() == Some(&SqlState::DUPLICATE_DATABASE)
                    || e.code() == Some(&SqlState::UNIQUE_VIOLATION) =>
            {
                tracing::debug!("database \"{dbname}\" was created meanwhile by another session");
                Ok(false)
            }
            Err(e) => Err(anyhow::Error::from(PgError::new(
                &e,
                format!(
                    "database \"{dbname}\" does not exist and cannot be created as user \"{}\"",
                    cfg.user_or_default()
                ),
            ))
            .context(Remedy(format!("create it (CREATE DATABASE \"{dbname}\") or grant CREATEDB")))),
        };
    }
    Err(last_err)
}
