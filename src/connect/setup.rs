//! Connection set-up: the tokio-postgres configuration of a target (application name, session
//! timeouts, TCP keepalives) and ONE deadline for the whole set-up of a connection (TCP connect,
//! TLS, start-up, authentication), with libpq's `connect_timeout` semantics: it applies to each
//! host address in turn, and the next one is tried when it passes.
//!
//! tokio-postgres's own `connect_timeout` covers the TCP connect only: a server that accepts the
//! connection and never answers (a black-holing firewall, a frozen postmaster, another service)
//! would hang the set-up for ever. libpq waits for ever too when `connect_timeout` is unset;
//! towow-db waits [`DEFAULT_CONNECT_TIMEOUT`].

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::Connect;
use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, Error};

use crate::connect::tls::Connector;
use crate::connect::url::{ChannelBinding, ConnConfig, DEFAULT_PORT, SslMode};

/// The set-up deadline per host address when neither `connect_timeout` nor `PGCONNECT_TIMEOUT`
/// says: long enough for a TLS handshake and SCRAM's 4096 iterations over a slow link, short
/// enough that a script notices a dead server (JDBC's `connectTimeout` is 10 s as well).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// TCP keepalives when the connection string does not set them (the system's default is a first
/// probe after two hours): a server host that vanishes in the middle of a statement is noticed
/// after about idle + interval × count = 2 minutes. A busy server still answers the probes (its
/// kernel does), so long statements are never cut.
pub const KEEPALIVES_IDLE: Duration = Duration::from_secs(60);
pub const KEEPALIVES_INTERVAL: Duration = Duration::from_secs(10);
pub const KEEPALIVES_COUNT: u32 = 6;

/// Session and pool settings that every command applies.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Keep retrying the first connection this long.
    pub wait: Option<Duration>,
    /// `statement_timeout` (`Some(ZERO)` = none, `None` = server default).
    pub statement_timeout: Option<Duration>,
    pub lock_timeout: Option<Duration>,
    pub pool_size: usize,
    pub pool_timeout: Duration,
    /// The set-up deadline per host address when the connection string gives none.
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            wait: None,
            statement_timeout: None,
            lock_timeout: Some(Duration::from_secs(30)),
            pool_size: 4,
            pool_timeout: Duration::from_secs(30),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }
}

/// A session timeout for the `options` startup parameter, in milliseconds. PostgreSQL takes at
/// most `INT_MAX` ms (24.8 days); anything longer means no limit (`0`).
fn timeout_setting(d: Duration) -> u128 {
    match d.as_millis() {
        ms if ms > i32::MAX as u128 => 0,
        ms => ms,
    }
}

/// The tokio-postgres configuration for `cfg` (password included: never print it).
pub fn pg_config(cfg: &ConnConfig, opts: &ConnectOptions) -> Config {
    let mut pg = Config::new();
    if cfg.hosts.is_empty() {
        pg.host("localhost");
    }
    for h in &cfg.hosts {
        if h.starts_with('/') {
            pg.host_path(h);
        } else {
            pg.host(h);
        }
    }
    for p in &cfg.ports {
        pg.port(*p);
    }
    pg.user(cfg.user_or_default());
    if let Some(pw) = &cfg.password {
        pg.password(pw.as_bytes());
    }
    pg.dbname(cfg.dbname_or_default());
    pg.application_name(&cfg.application_name);
    let k = cfg.keepalives;
    pg.keepalives(!k.off)
        .keepalives_idle(k.idle.unwrap_or(KEEPALIVES_IDLE))
        .keepalives_interval(k.interval.unwrap_or(KEEPALIVES_INTERVAL))
        .keepalives_retries(k.count.unwrap_or(KEEPALIVES_COUNT));
    pg.ssl_mode(match cfg.sslmode {
        SslMode::Disable | SslMode::Allow => tokio_postgres::config::SslMode::Disable,
        SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            tokio_postgres::config::SslMode::Require
        }
    });
    pg.channel_binding(match cfg.channel_binding {
        ChannelBinding::Disable => tokio_postgres::config::ChannelBinding::Disable,
        ChannelBinding::Prefer => tokio_postgres::config::ChannelBinding::Prefer,
        ChannelBinding::Require => tokio_postgres::config::ChannelBinding::Require,
    });
    let mut options = Vec::new();
    if let Some(t) = opts.statement_timeout {
        options.push(format!("-c statement_timeout={}", timeout_setting(t)));
    }
    if let Some(t) = opts.lock_timeout {
        options.push(format!("-c lock_timeout={}", timeout_setting(t)));
    }
    if !options.is_empty() {
        pg.options(options.join(" "));
    }
    pg
}

/// The set-up deadline of `cfg`: its `connect_timeout`, else the caller's default.
pub fn connect_timeout(cfg: &ConnConfig, opts: &ConnectOptions) -> Duration {
    cfg.connect_timeout.unwrap_or(opts.connect_timeout)
}

/// One host of the connection string, configured alone.
struct Host {
    /// Host name, IP address or socket directory.
    name: String,
    port: u16,
    full: Config,
    /// The same without the `options` startup parameter, for connection poolers that refuse it
    /// (PgBouncer: "unsupported startup parameter: options").
    bare: Option<Config>,
}

/// Opens the pool's connections: each host (each address of a host name) in turn, each under
/// the set-up deadline.
pub struct Opener {
    connector: Connector,
    hosts: Vec<Host>,
    deadline: Duration,
    options_refused: Arc<AtomicBool>,
}

impl Opener {
    pub fn new(connector: Connector, cfg: &ConnConfig, opts: &ConnectOptions) -> Opener {
        let names = if cfg.hosts.is_empty() { vec!["localhost".to_string()] } else { cfg.hosts.clone() };
        let hosts = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut one = cfg.clone();
                one.hosts = vec![name.clone()];
                let port = cfg.ports.get(i).or(cfg.ports.first()).copied().unwrap_or(DEFAULT_PORT);
                one.ports = vec![port];
                let full = pg_config(&one, opts);
                let bare = full.get_options().is_some().then(|| {
                    let no_options =
                        ConnectOptions { statement_timeout: None, lock_timeout: None, ..opts.clone() };
                    pg_config(&one, &no_options)
                });
                Host { name: name.clone(), port, full, bare }
            })
            .collect();
        Opener { connector, hosts, deadline: connect_timeout(cfg, opts), options_refused: Arc::default() }
    }

    /// One attempt under the deadline. A passed deadline is tokio-postgres's timeout error
    /// ("timeout waiting for server"), which `pool::connect_error` words with the deadline.
    async fn attempt(&self, full: &Config, bare: Option<&Config>) -> Result<(Client, JoinHandle<()>), Error> {
        match tokio::time::timeout(self.deadline, self.open(full, bare)).await {
            Ok(r) => r,
            Err(_) => Err(Error::__private_api_timeout()),
        }
    }

    /// Connect, falling back to the settings without `options` when a pooler refuses them.
    async fn open(&self, full: &Config, bare: Option<&Config>) -> Result<(Client, JoinHandle<()>), Error> {
        if self.options_refused.load(Ordering::Relaxed)
            && let Some(bare) = bare
        {
            return self.connector.connect_mode(bare).await;
        }
        match self.connector.connect_mode(full).await {
            Err(e) if is_options_refused(&e) && bare.is_some() => {
                if !self.options_refused.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        "the server (a connection pooler?) refused the `options` startup parameter: \
                         connecting without it, so statement_timeout and lock_timeout keep the server's defaults"
                    );
                }
                self.connector.connect_mode(bare.expect("checked")).await
            }
            other => other,
        }
    }

    /// Every address of one host, each under its own deadline (libpq: "applies separately to
    /// each host name or IP address").
    async fn connect_host(&self, h: &Host) -> Result<(Client, JoinHandle<()>), Error> {
        if h.name.starts_with('/') {
            return self.attempt(&h.full, h.bare.as_ref()).await;
        }
        let lookup = tokio::time::timeout(self.deadline, tokio::net::lookup_host((h.name.as_str(), h.port)));
        let addrs: Vec<IpAddr> = match lookup.await {
            Err(_) => return Err(Error::__private_api_timeout()),
            Ok(Ok(a)) => a.map(|a| a.ip()).collect(),
            // tokio-postgres looks the name up again and reports the failure in its words.
            Ok(Err(_)) => Vec::new(),
        };
        if addrs.is_empty() {
            return self.attempt(&h.full, h.bare.as_ref()).await;
        }
        let mut last = None;
        for ip in addrs {
            // The name stays the host (for TLS: SNI and verify-full); the address is dialled.
            let at = |c: &Config| {
                let mut c = c.clone();
                c.hostaddr(ip);
                c
            };
            match self.attempt(&at(&h.full), h.bare.as_ref().map(at).as_ref()).await {
                Ok(c) => return Ok(c),
                Err(e) => {
                    tracing::debug!("{}:{} ({ip}): {e}", h.name, h.port);
                    last = Some(e);
                }
            }
        }
        Err(last.expect("at least one address"))
    }
}

impl Connect for Opener {
    /// The pool's configuration is ignored: each host has its own (see [`Opener::new`]).
    fn connect(&self, _: &Config) -> BoxFuture<'_, Result<(Client, JoinHandle<()>), Error>> {
        Box::pin(async move {
            let mut last = None;
            for h in &self.hosts {
                match self.connect_host(h).await {
                    Ok(c) => return Ok(c),
                    Err(e) => last = Some(e),
                }
            }
            Err(last.expect("at least one host"))
        })
    }
}

/// Whether a failed connection is a pooler refusing the `options` startup parameter.
fn is_options_refused(e: &Error) -> bool {
    e.as_db_error().is_some_and(|db| db.message().contains("unsupported startup parameter"))
}

/// Whether a failed connection ran out of its set-up deadline.
pub fn is_deadline(e: &Error) -> bool {
    e.as_db_error().is_none() && e.to_string() == Error::__private_api_timeout().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::url::Source;

    #[test]
    fn keepalives_and_timeouts() {
        let opts = ConnectOptions {
            statement_timeout: Some(Duration::from_secs(u64::MAX)),
            lock_timeout: Some(Duration::from_millis(1500)),
            ..ConnectOptions::default()
        };
        let c = ConnConfig::parse("postgresql://u@h/d", Source::Flag).unwrap();
        let pg = pg_config(&c, &opts);
        assert!(pg.get_keepalives());
        assert_eq!(pg.get_keepalives_idle(), KEEPALIVES_IDLE);
        assert_eq!(pg.get_keepalives_interval(), Some(KEEPALIVES_INTERVAL));
        assert_eq!(pg.get_keepalives_retries(), Some(KEEPALIVES_COUNT));
        assert_eq!(pg.get_options(), Some("-c statement_timeout=0 -c lock_timeout=1500"));
        assert_eq!(connect_timeout(&c, &opts), DEFAULT_CONNECT_TIMEOUT);
        let c = ConnConfig::parse(
            "postgresql://u@h/d?keepalives_idle=7&keepalives_interval=3&keepalives_count=4&connect_timeout=1",
            Source::Flag,
        )
        .unwrap();
        let pg = pg_config(&c, &opts);
        assert_eq!(pg.get_keepalives_idle(), Duration::from_secs(7));
        assert_eq!(pg.get_keepalives_interval(), Some(Duration::from_secs(3)));
        assert_eq!(pg.get_keepalives_retries(), Some(4));
        // libpq's minimum.
        assert_eq!(connect_timeout(&c, &opts), Duration::from_secs(2));
        let c = ConnConfig::parse("host=h keepalives=0 connect_timeout=0", Source::Flag).unwrap();
        assert!(!pg_config(&c, &opts).get_keepalives());
        assert_eq!(connect_timeout(&c, &opts), DEFAULT_CONNECT_TIMEOUT);
    }

    #[test]
    fn the_deadline_error_is_recognised() {
        assert!(is_deadline(&Error::__private_api_timeout()));
    }
}
