//! Connection set-up: the tokio-postgres configuration of a target (application name, session
//! timeouts, TCP keepalives) and ONE deadline for the whole set-up of a connection (TCP connect,
//! TLS, start-up, authentication), with libpq's `connect_timeout` semantics: it applies to each
//! host address in turn, and the next one is tried when it passes.
//!
//! tokio-postgres's own `connect_timeout` covers the TCP connect only: a server that accepts the
//! connection and never answers (a black-holing firewall, a frozen postmaster, another service)
//! would hang the set-up for ever. libpq waits for ever too when `connect_timeout` is unset;
//! towow-db waits [`DEFAULT_CONNECT_TIMEOUT`].
//!
//! Several hosts are tried as libpq tries them: in order (or shuffled, `load_balance_hosts=random`),
//! each checked against `target_session_attrs` once connected (`pg_is_in_recovery()`,
//! `transaction_read_only`); a server of the wrong kind is closed and the next host tried. The
//! host that matched is tried first for the pool's next connections, so that one command talks
//! to one server.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deadpool::managed::{Metrics, RecycleError, RecycleResult};
use deadpool_postgres::ClientWrapper;
use tokio::task::JoinHandle;
use tokio_postgres::{Client, Config, Error};

use crate::connect::tls::Connector;
use crate::connect::url::{
    ChannelBinding, ConnConfig, DEFAULT_PORT, LoadBalanceHosts, SslMode, TargetSessionAttrs,
};

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
    // The connection string's own options (or PGOPTIONS) after towow-db's defaults: as in
    // libpq, the server applies them, and a later `-c` for the same setting wins.
    if let Some(o) = &cfg.options {
        options.push(o.clone());
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

impl Host {
    /// `host:port`, or the socket directory.
    fn label(&self) -> String {
        match self.name.starts_with('/') {
            true => self.name.clone(),
            false => format!("{}:{}", self.name, self.port),
        }
    }
}

/// What a connected server is, as `target_session_attrs` judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerKind {
    /// `pg_is_in_recovery()`: a standby.
    pub in_recovery: bool,
    /// `transaction_read_only`: a standby, or `default_transaction_read_only` on.
    pub read_only: bool,
}

impl ServerKind {
    /// Whether a server of this kind is what `want` asks for (`prefer-standby`: a standby; the
    /// fallback to any server is the caller's).
    pub fn matches(self, want: TargetSessionAttrs) -> bool {
        match want {
            TargetSessionAttrs::Any => true,
            TargetSessionAttrs::ReadWrite => !self.read_only,
            TargetSessionAttrs::ReadOnly => self.read_only,
            TargetSessionAttrs::Primary => !self.in_recovery,
            TargetSessionAttrs::Standby | TargetSessionAttrs::PreferStandby => self.in_recovery,
        }
    }

    pub fn describe(self) -> &'static str {
        match (self.in_recovery, self.read_only) {
            (true, _) => "is a standby (in recovery)",
            (false, true) => "is a primary with default_transaction_read_only on",
            (false, false) => "is a primary (accepts writes)",
        }
    }
}

/// The server kind `want` asks for, in words.
pub fn wanted(want: TargetSessionAttrs) -> &'static str {
    match want {
        TargetSessionAttrs::Any => "any server",
        TargetSessionAttrs::ReadWrite => "a server that accepts writes",
        TargetSessionAttrs::ReadOnly => "a read-only server",
        TargetSessionAttrs::Primary => "a primary",
        TargetSessionAttrs::Standby | TargetSessionAttrs::PreferStandby => "a standby",
    }
}

/// Both in one round trip, with the simple protocol (works through PgBouncer).
const SERVER_KIND_SQL: &str =
    "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.current_setting('transaction_read_only')";

async fn server_kind(client: &Client) -> Result<ServerKind, Error> {
    let rows = client.simple_query(SERVER_KIND_SQL).await?;
    let row = rows.iter().find_map(|m| match m {
        tokio_postgres::SimpleQueryMessage::Row(r) => Some((r.get(0) == Some("t"), r.get(1) == Some("on"))),
        _ => None,
    });
    let (in_recovery, read_only) = row.unwrap_or((false, false));
    Ok(ServerKind { in_recovery, read_only })
}

/// Servers reached but of the wrong kind for `target_session_attrs`, on the last attempt that
/// found no server of the wanted kind: each host and what it was (or why it failed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongKind {
    pub want: TargetSessionAttrs,
    pub hosts: Vec<(String, String)>,
}

/// Why a connection could not be set up. The set-up deadline and the name lookup are towow-db's
/// own (so they are known by their variant, not by an error's text); the rest is what
/// tokio-postgres reported.
#[derive(Debug)]
pub enum SetupError {
    /// tokio-postgres's error: the server's (with its SQLSTATE), TLS, I/O, authentication.
    Pg(Error),
    /// The host name could not be resolved.
    Lookup { host: String, error: std::io::Error },
    /// No answer within the set-up deadline (`connect_timeout`): no TCP connection, or one on
    /// which the start-up, TLS or authentication never finished.
    Deadline(Duration),
    /// Every server reached was of the wrong kind for `target_session_attrs` (the servers and
    /// what each was are in [`Selection::wrong_kind`]).
    WrongKind,
}

impl SetupError {
    /// tokio-postgres's error, if that is what this is.
    pub fn pg(&self) -> Option<&Error> {
        match self {
            SetupError::Pg(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for SetupError {
    fn from(e: Error) -> SetupError {
        SetupError::Pg(e)
    }
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Pg(e) => e.fmt(f),
            SetupError::Lookup { host, error } => write!(f, "cannot resolve the host name `{host}`: {error}"),
            SetupError::Deadline(d) => write!(f, "no answer within {}", seconds(*d)),
            SetupError::WrongKind => f.write_str("no server of the kind target_session_attrs asks for"),
        }
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SetupError::Pg(e) => e.source(),
            SetupError::Lookup { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A deadline in words: whole seconds (`10 s`), or milliseconds below one.
pub fn seconds(d: Duration) -> String {
    match d.as_secs() {
        0 => format!("{} ms", d.as_millis()),
        s => format!("{s} s"),
    }
}

/// What the opener learnt, shared with the pool (`pool::Db`).
#[derive(Debug, Default)]
pub struct Selection {
    /// The hosts (name, port) in the order the opener tries them.
    hosts: Vec<(String, u16)>,
    /// The index in `hosts` of the last good connection's host (tried first next time).
    chosen: AtomicUsize,
    /// Set by an attempt that reached servers but none of the wanted kind.
    wrong_kind: Mutex<Option<WrongKind>>,
}

impl Selection {
    fn chosen(&self) -> usize {
        self.chosen.load(Ordering::Relaxed)
    }

    /// The host (name, port) of the last good connection.
    pub fn chosen_host(&self) -> Option<(String, u16)> {
        self.hosts.get(self.chosen()).cloned()
    }

    /// The servers of the wrong kind that the last attempt reached, if that is why it failed.
    pub fn wrong_kind(&self) -> Option<WrongKind> {
        self.wrong_kind.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_wrong_kind(&self, w: Option<WrongKind>) {
        *self.wrong_kind.lock().unwrap_or_else(|e| e.into_inner()) = w;
    }
}

/// Opens the pool's connections: each host (each address of a host name) in turn, each under
/// the set-up deadline, until one is of the kind `target_session_attrs` asks for.
pub struct Opener {
    connector: Connector,
    /// In the order to try them (shuffled once with `load_balance_hosts=random`).
    hosts: Vec<Host>,
    want: TargetSessionAttrs,
    random: bool,
    deadline: Duration,
    options_refused: Arc<AtomicBool>,
    selection: Arc<Selection>,
}

/// The hosts and settings, never a configuration (it holds the password).
impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opener")
            .field("hosts", &self.hosts.iter().map(Host::label).collect::<Vec<_>>())
            .field("want", &self.want)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl Opener {
    pub fn new(connector: Connector, cfg: &ConnConfig, opts: &ConnectOptions) -> Opener {
        let names = if cfg.hosts.is_empty() { vec!["localhost".to_string()] } else { cfg.hosts.clone() };
        let mut hosts: Vec<Host> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut one = cfg.clone();
                one.hosts = vec![name.clone()];
                let port = cfg.ports.get(i).or(cfg.ports.first()).copied().unwrap_or(DEFAULT_PORT);
                one.ports = vec![port];
                let full = pg_config(&one, opts);
                // Without the options only when towow-db's timeouts were all they held: the
                // user's own (a search_path) are never dropped silently.
                let bare = (full.get_options().is_some() && one.options.is_none()).then(|| {
                    let no_options =
                        ConnectOptions { statement_timeout: None, lock_timeout: None, ..opts.clone() };
                    pg_config(&one, &no_options)
                });
                Host { name: name.clone(), port, full, bare }
            })
            .collect();
        let random = cfg.load_balance_hosts == LoadBalanceHosts::Random;
        if random {
            use rand::seq::SliceRandom;
            hosts.shuffle(&mut rand::rng());
        }
        Opener {
            connector,
            want: cfg.target_session_attrs.unwrap_or_default(),
            random,
            deadline: connect_timeout(cfg, opts),
            options_refused: Arc::default(),
            selection: Arc::new(Selection {
                hosts: hosts.iter().map(|h| (h.name.clone(), h.port)).collect(),
                ..Selection::default()
            }),
            hosts,
        }
    }

    /// What the opener learns as it connects (the host chosen, servers of the wrong kind).
    pub fn selection(&self) -> Arc<Selection> {
        self.selection.clone()
    }

    /// One attempt under the deadline ([`SetupError::Deadline`] when it passes).
    async fn attempt(
        &self,
        full: &Config,
        bare: Option<&Config>,
    ) -> Result<(Client, JoinHandle<()>), SetupError> {
        match tokio::time::timeout(self.deadline, self.open(full, bare)).await {
            Ok(r) => Ok(r?),
            Err(_) => Err(SetupError::Deadline(self.deadline)),
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
    async fn connect_host(&self, h: &Host) -> Result<(Client, JoinHandle<()>), SetupError> {
        if h.name.starts_with('/') {
            return self.attempt(&h.full, h.bare.as_ref()).await;
        }
        let lookup = tokio::time::timeout(self.deadline, tokio::net::lookup_host((h.name.as_str(), h.port)));
        let mut addrs: Vec<IpAddr> = match lookup.await {
            Err(_) => return Err(SetupError::Deadline(self.deadline)),
            Ok(Ok(a)) => a.map(|a| a.ip()).collect(),
            Ok(Err(error)) => return Err(SetupError::Lookup { host: h.name.clone(), error }),
        };
        if addrs.is_empty() {
            return self.attempt(&h.full, h.bare.as_ref()).await;
        }
        if self.random {
            use rand::seq::SliceRandom;
            addrs.shuffle(&mut rand::rng());
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

    /// The kind of server `client` is connected to, under the set-up deadline.
    async fn kind(&self, client: &Client) -> Result<ServerKind, SetupError> {
        match tokio::time::timeout(self.deadline, server_kind(client)).await {
            Ok(r) => Ok(r?),
            Err(_) => Err(SetupError::Deadline(self.deadline)),
        }
    }

    /// The hosts in the order to try them now: the last one chosen first.
    fn order(&self) -> Vec<usize> {
        let first = self.selection.chosen().min(self.hosts.len() - 1);
        std::iter::once(first).chain((0..self.hosts.len()).filter(|&i| i != first)).collect()
    }

    async fn connect_any(&self) -> Result<(Client, JoinHandle<()>), SetupError> {
        let mut last = None;
        let mut seen: Vec<(String, String)> = Vec::new();
        // prefer-standby: the first other server, used when no standby accepts.
        let mut fallback = None;
        for i in self.order() {
            let h = &self.hosts[i];
            let (client, task) = match self.connect_host(h).await {
                Ok(c) => c,
                Err(e) => {
                    seen.push((h.label(), short_error(&e)));
                    last = Some(e);
                    continue;
                }
            };
            if self.want == TargetSessionAttrs::Any {
                self.selection.chosen.store(i, Ordering::Relaxed);
                return Ok((client, task));
            }
            let kind = match self.kind(&client).await {
                Ok(k) => k,
                Err(e) => {
                    seen.push((h.label(), short_error(&e)));
                    last = Some(e);
                    continue;
                }
            };
            if kind.matches(self.want) {
                self.selection.chosen.store(i, Ordering::Relaxed);
                self.selection.set_wrong_kind(None);
                return Ok((client, task));
            }
            tracing::debug!(
                "{} {}: not {}, trying the next host",
                h.label(),
                kind.describe(),
                wanted(self.want)
            );
            seen.push((h.label(), kind.describe().to_string()));
            if self.want == TargetSessionAttrs::PreferStandby && fallback.is_none() {
                fallback = Some((i, client, task));
            }
        }
        if let Some((i, client, task)) = fallback {
            self.selection.chosen.store(i, Ordering::Relaxed);
            self.selection.set_wrong_kind(None);
            return Ok((client, task));
        }
        let reached = seen.iter().any(|(_, what)| what.starts_with("is a "));
        self.selection.set_wrong_kind(reached.then_some(WrongKind { want: self.want, hosts: seen }));
        // Every server reached was of the wrong kind: the error is the selection's.
        Err(last.unwrap_or(SetupError::WrongKind))
    }
}

/// The pool's manager: each new connection comes from [`Opener::connect_any`] (each host under
/// its own deadline); a pooled one is reused while its socket is open (deadpool-postgres's
/// `RecyclingMethod::Fast`: no query on checkout).
impl deadpool::managed::Manager for Opener {
    type Type = ClientWrapper;
    type Error = SetupError;

    async fn create(&self) -> Result<ClientWrapper, SetupError> {
        // Boxed: the set-up's future is large, and every command's future would hold it inline.
        let (client, task) = Box::pin(self.connect_any()).await?;
        Ok(ClientWrapper::new(client, task))
    }

    async fn recycle(&self, client: &mut ClientWrapper, _: &Metrics) -> RecycleResult<SetupError> {
        match client.is_closed() {
            true => Err(RecycleError::message("the connection was closed")),
            false => Ok(()),
        }
    }
}

/// A failed host's error in a few words, for the list of hosts tried.
fn short_error(e: &SetupError) -> String {
    let text = match e.pg().and_then(Error::as_db_error) {
        Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        None => crate::error::error_chain(e),
    };
    crate::redact::redact_url(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether a failed connection is a pooler refusing the `options` startup parameter.
fn is_options_refused(e: &Error) -> bool {
    e.as_db_error().is_some_and(|db| db.message().contains("unsupported startup parameter"))
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
        // The connection string's own options come after towow-db's (a later `-c` wins).
        let mut with = c.clone();
        with.options = Some("-c search_path=app".into());
        assert_eq!(
            pg_config(&with, &opts).get_options(),
            Some("-c statement_timeout=0 -c lock_timeout=1500 -c search_path=app")
        );
        let none = ConnectOptions { statement_timeout: None, lock_timeout: None, ..opts.clone() };
        assert_eq!(pg_config(&with, &none).get_options(), Some("-c search_path=app"));
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
    fn server_kinds_match_libpq() {
        use TargetSessionAttrs::*;
        let primary = ServerKind { in_recovery: false, read_only: false };
        let read_only_primary = ServerKind { in_recovery: false, read_only: true };
        let standby = ServerKind { in_recovery: true, read_only: true };
        let table = [
            (Any, [true, true, true]),
            (ReadWrite, [true, false, false]),
            (ReadOnly, [false, true, true]),
            (Primary, [true, true, false]),
            (Standby, [false, false, true]),
            (PreferStandby, [false, false, true]),
        ];
        for (want, [p, rop, s]) in table {
            assert_eq!(
                [primary.matches(want), read_only_primary.matches(want), standby.matches(want)],
                [p, rop, s],
                "{want:?}"
            );
        }
    }

    #[test]
    fn random_load_balancing_shuffles_and_the_chosen_host_goes_first() {
        let c =
            ConnConfig::parse("postgresql://u@a:1,b:2,c:3,d:4,e:5/d?load_balance_hosts=random", Source::Flag)
                .unwrap();
        let orders: std::collections::HashSet<Vec<String>> = (0..40)
            .map(|_| {
                let o = Opener::new(Connector::new(&c).unwrap(), &c, &ConnectOptions::default());
                o.order().into_iter().map(|i| o.hosts[i].label()).collect()
            })
            .collect();
        assert!(orders.len() > 1, "40 openers, one order: {orders:?}");
        let c = ConnConfig::parse("postgresql://u@a:1,b:2,c:3/d", Source::Flag).unwrap();
        let o = Opener::new(Connector::new(&c).unwrap(), &c, &ConnectOptions::default());
        assert_eq!(o.order(), vec![0, 1, 2]);
        o.selection.chosen.store(2, Ordering::Relaxed);
        assert_eq!(o.order(), vec![2, 0, 1]);
        assert_eq!(o.selection.chosen_host(), Some(("c".to_string(), 3)));
    }

    /// A listener that accepts connections (the kernel completes the handshake from its
    /// backlog) and never says a word: a black hole at `127.0.0.1:port`.
    fn black_hole() -> (std::net::TcpListener, u16) {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        (l, port)
    }

    fn opener(url: &str, deadline: Duration) -> Opener {
        let c = ConnConfig::parse(url, Source::Flag).unwrap();
        let opts = ConnectOptions { connect_timeout: deadline, ..ConnectOptions::default() };
        Opener::new(Connector::new(&c).unwrap(), &c, &opts)
    }

    #[tokio::test]
    async fn a_silent_server_fails_on_our_own_deadline() {
        let (listener, port) = black_hole();
        let deadline = Duration::from_millis(300);
        let o = opener(&format!("postgresql://u:s3cret@127.0.0.1:{port}/d?sslmode=disable"), deadline);
        assert!(!format!("{o:?}").contains("s3cret"), "{o:?}");
        let started = std::time::Instant::now();
        let e = o.connect_any().await.map(|_| ()).unwrap_err();
        let took = started.elapsed();
        assert!(matches!(e, SetupError::Deadline(d) if d == deadline), "{e:?}");
        assert!(took >= deadline && took < Duration::from_secs(5), "{took:?}");
        assert_eq!(e.to_string(), "no answer within 300 ms");
        // The same port closed: refused at once, tokio-postgres's error (an I/O error).
        drop(listener);
        let e = o.connect_any().await.map(|_| ()).unwrap_err();
        assert!(matches!(&e, SetupError::Pg(pe) if pe.as_db_error().is_none()), "{e:?}");
        // Two hosts, the first silent: its deadline passes and the second is tried.
        let (_listener, silent) = black_hole();
        let o = opener(
            &format!("postgresql://u@127.0.0.1:{silent},127.0.0.1:{port}/d?sslmode=disable"),
            deadline,
        );
        let e = o.connect_any().await.map(|_| ()).unwrap_err();
        assert!(matches!(e, SetupError::Pg(_)), "the second host's error, not the first's deadline: {e:?}");
    }

    #[tokio::test]
    async fn an_unknown_host_name_is_a_lookup_failure() {
        let o = opener("postgresql://u@no-such-host.invalid/d", Duration::from_secs(5));
        match o.connect_any().await.map(|_| ()).unwrap_err() {
            SetupError::Lookup { host, .. } => assert_eq!(host, "no-such-host.invalid"),
            e => panic!("{e:?}"),
        }
    }
}
