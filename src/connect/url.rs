//! Connection strings: the URL forms users bring (`postgresql://`, `postgres://`, SQLAlchemy's
//! `postgresql+asyncpg://`, libpq `key=value` strings), parsed into one [`ConnConfig`] that never
//! prints its password.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::env::os_user_name;
use crate::redact::redact_conn_string;

/// libpq's `sslmode` values, with their libpq meanings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn parse(s: &str) -> Result<SslMode> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "disable" | "false" | "off" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" | "true" | "on" => SslMode::Require,
            "verify-ca" | "verify_ca" => SslMode::VerifyCa,
            "verify-full" | "verify_full" => SslMode::VerifyFull,
            other => bail!(
                "unknown sslmode `{other}`: use one of disable, allow, prefer, require, verify-ca, verify-full"
            ),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// libpq's `channel_binding`: whether SCRAM authentication binds to the TLS channel
/// (`SCRAM-SHA-256-PLUS`). `prefer` (the default) uses it when TLS is on and the server offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelBinding {
    Disable,
    #[default]
    Prefer,
    Require,
}

impl ChannelBinding {
    pub fn parse(s: &str) -> Result<ChannelBinding> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "disable" => ChannelBinding::Disable,
            "prefer" => ChannelBinding::Prefer,
            "require" => ChannelBinding::Require,
            other => bail!("unknown channel_binding `{other}`: use one of disable, prefer, require"),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelBinding::Disable => "disable",
            ChannelBinding::Prefer => "prefer",
            ChannelBinding::Require => "require",
        }
    }
}

/// libpq's `target_session_attrs`: which kind of server a connection must reach. With several
/// hosts, each is tried in turn until one matches (`prefer-standby`: a standby, else any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetSessionAttrs {
    #[default]
    Any,
    /// Accepts writes: not in recovery, `default_transaction_read_only` off.
    ReadWrite,
    /// Does not accept writes: a standby, or `default_transaction_read_only` on.
    ReadOnly,
    /// Not in recovery.
    Primary,
    /// In recovery (a hot standby).
    Standby,
    /// A standby when one accepts, else any server.
    PreferStandby,
}

impl TargetSessionAttrs {
    pub fn parse(s: &str) -> Result<TargetSessionAttrs> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "any" => TargetSessionAttrs::Any,
            "read-write" => TargetSessionAttrs::ReadWrite,
            "read-only" => TargetSessionAttrs::ReadOnly,
            "primary" => TargetSessionAttrs::Primary,
            "standby" => TargetSessionAttrs::Standby,
            "prefer-standby" => TargetSessionAttrs::PreferStandby,
            other => bail!(
                "unknown target_session_attrs `{other}`: use one of any, read-write, read-only, primary, standby, prefer-standby"
            ),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetSessionAttrs::Any => "any",
            TargetSessionAttrs::ReadWrite => "read-write",
            TargetSessionAttrs::ReadOnly => "read-only",
            TargetSessionAttrs::Primary => "primary",
            TargetSessionAttrs::Standby => "standby",
            TargetSessionAttrs::PreferStandby => "prefer-standby",
        }
    }
}

/// libpq's `load_balance_hosts`: try the hosts in the order given, or in a random order (spreads
/// the connections of many clients over the standbys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoadBalanceHosts {
    #[default]
    Disable,
    Random,
}

impl LoadBalanceHosts {
    pub fn parse(s: &str) -> Result<LoadBalanceHosts> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "disable" => LoadBalanceHosts::Disable,
            "random" => LoadBalanceHosts::Random,
            other => bail!("unknown load_balance_hosts `{other}`: use disable or random"),
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LoadBalanceHosts::Disable => "disable",
            LoadBalanceHosts::Random => "random",
        }
    }
}

/// Where the settings came from, shown with `-v` and in error messages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Flag,
    DatabaseUrl,
    DotEnv(PathBuf),
    Libpq,
    Docker,
    Local,
    Given,
    /// `--direct-url`: the session-needing commands' way past a pooler.
    DirectFlag,
    /// `DIRECT_DATABASE_URL` (environment or `.env`).
    DirectDatabaseUrl,
    /// A named target of the targets file (`--targets NAME`).
    Target(String),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("--url"),
            Source::DatabaseUrl => f.write_str("DATABASE_URL"),
            Source::DotEnv(p) => write!(f, "DATABASE_URL in {}", p.display()),
            Source::Libpq => f.write_str("PG* environment variables"),
            Source::Docker => f.write_str("POSTGRES_* environment variables"),
            Source::Local => f.write_str("the local towow-db cluster"),
            Source::Given => f.write_str("settings given by the caller"),
            Source::DirectFlag => f.write_str("--direct-url"),
            Source::DirectDatabaseUrl => f.write_str("DIRECT_DATABASE_URL"),
            Source::Target(name) => write!(f, "target `{name}` of the targets file"),
        }
    }
}

/// libpq's TCP keepalive parameters (`keepalives`, `keepalives_idle`, `keepalives_interval`,
/// `keepalives_count`); `None` (or 0) is towow-db's default (`connect::setup`), not the
/// system's two hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Keepalives {
    /// `keepalives=0`: none on this connection.
    pub off: bool,
    pub idle: Option<Duration>,
    pub interval: Option<Duration>,
    pub count: Option<u32>,
}

/// A resolved connection target. `Debug` and `Display` redact the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnConfig {
    /// Host names, IP addresses or Unix socket directories (absolute paths), tried in order.
    pub hosts: Vec<String>,
    /// One port, or one per host.
    pub ports: Vec<u16>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub dbname: Option<String>,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    pub sslcert: Option<PathBuf>,
    pub sslkey: Option<PathBuf>,
    pub channel_binding: ChannelBinding,
    /// Per host, libpq's semantics (at least 2 s); `None`: towow-db's default.
    pub connect_timeout: Option<Duration>,
    pub keepalives: Keepalives,
    /// `None`: not said (libpq's `any`); the commands that write ask for `read-write` then.
    pub target_session_attrs: Option<TargetSessionAttrs>,
    pub load_balance_hosts: LoadBalanceHosts,
    pub application_name: String,
    /// libpq's `options` (command-line options sent to the server at connection start, e.g.
    /// `-c search_path=app`), from the connection string or `PGOPTIONS`: applied as libpq does.
    pub options: Option<String>,
    pub source: Source,
}

impl fmt::Debug for ConnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnConfig({})", self.redacted_url())
    }
}

impl fmt::Display for ConnConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted_url())
    }
}

pub const DEFAULT_PORT: u16 = 5432;
pub const APPLICATION_NAME: &str = "towow-db";

/// Characters escaped in URL user names and passwords.
const USERINFO: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'&')
    .add(b'=')
    .add(b'+')
    .add(b',');

impl ConnConfig {
    pub fn empty(source: Source) -> ConnConfig {
        ConnConfig {
            hosts: Vec::new(),
            ports: Vec::new(),
            user: None,
            password: None,
            dbname: None,
            sslmode: SslMode::default(),
            sslrootcert: None,
            sslcert: None,
            sslkey: None,
            channel_binding: ChannelBinding::default(),
            connect_timeout: None,
            keepalives: Keepalives::default(),
            target_session_attrs: None,
            load_balance_hosts: LoadBalanceHosts::default(),
            application_name: APPLICATION_NAME.to_string(),
            options: None,
            source,
        }
    }

    /// Parse a connection string: a URL (`postgresql://`, `postgres://`, `postgresql+driver://`)
    /// or a libpq `key=value` list. Errors never contain the password.
    pub fn parse(input: &str, source: Source) -> Result<ConnConfig> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            bail!("the connection string is empty");
        }
        let res = if trimmed.contains("://") {
            parse_url(trimmed, source)
        } else if trimmed.contains('=') {
            parse_keyword_value(trimmed, source)
        } else {
            Err(anyhow!(
                "not a connection URL: expected postgresql://user:password@host:port/database (or libpq key=value pairs)"
            ))
        };
        // A URL is shown (redacted); a key=value string is not: where an unquoted password with
        // spaces ends cannot be known, so no part of it is echoed.
        res.map_err(|e| {
            if trimmed.contains("://") {
                anyhow!("invalid connection string {}: {e}", redact_conn_string(trimmed))
            } else {
                anyhow!("invalid connection string (key=value form): {e}")
            }
        })
    }

    /// For a command that writes (`what`): it needs a server that accepts writes. When the
    /// connection string does not say (or says `any`), ask for `read-write`, so that a standby
    /// is refused, naming it, before anything starts (and, among several hosts, the primary is
    /// found); `read-write` and `primary` stay; asking for a standby is a usage error.
    pub fn for_writes(&mut self, what: &str) -> Result<()> {
        match self.target_session_attrs {
            None | Some(TargetSessionAttrs::Any) => {
                self.target_session_attrs = Some(TargetSessionAttrs::ReadWrite)
            }
            Some(TargetSessionAttrs::ReadWrite | TargetSessionAttrs::Primary) => {}
            Some(other) => {
                return Err(crate::error::Usage(format!(
                    "`{what}` writes, so it runs on the primary, but target_session_attrs={} asks for a {}: use read-write or primary, or leave it out",
                    other.as_str(),
                    if other == TargetSessionAttrs::ReadOnly { "read-only server" } else { "standby" }
                ))
                .into());
            }
        }
        Ok(())
    }

    pub fn host(&self) -> &str {
        self.hosts.first().map(String::as_str).unwrap_or("localhost")
    }

    pub fn port(&self) -> u16 {
        self.ports.first().copied().unwrap_or(DEFAULT_PORT)
    }

    pub fn user_or_default(&self) -> String {
        self.user.clone().unwrap_or_else(os_user_name)
    }

    pub fn dbname_or_default(&self) -> String {
        self.dbname.clone().unwrap_or_else(|| self.user_or_default())
    }

    /// The URL with the password replaced by `***`: safe for any output.
    pub fn redacted_url(&self) -> String {
        self.to_url(Some("***"))
    }

    /// The URL with the real password, for `local url` (which is asked to print credentials).
    pub fn url_with_password(&self) -> String {
        self.to_url(self.password.as_deref())
    }

    fn to_url(&self, password: Option<&str>) -> String {
        let mut s = String::from("postgresql://");
        let user = self.user_or_default();
        s.push_str(&utf8_percent_encode(&user, USERINFO).to_string());
        if let (Some(pw), Some(_)) = (password, &self.password) {
            s.push(':');
            if pw == "***" {
                s.push_str("***");
            } else {
                s.push_str(&utf8_percent_encode(pw, USERINFO).to_string());
            }
        }
        s.push('@');
        let mut socket_hosts = Vec::new();
        let mut tcp: Vec<String> = Vec::new();
        for (i, h) in self.hosts.iter().enumerate() {
            if h.starts_with('/') {
                socket_hosts.push(h.clone());
                continue;
            }
            let host = if h.contains(':') { format!("[{h}]") } else { h.clone() };
            let port = self.ports.get(i).or(self.ports.first());
            tcp.push(match port {
                Some(p) => format!("{host}:{p}"),
                None => host,
            });
        }
        if tcp.is_empty() && socket_hosts.is_empty() {
            tcp.push(format!("localhost:{}", self.port()));
        }
        s.push_str(&tcp.join(","));
        s.push('/');
        s.push_str(&utf8_percent_encode(&self.dbname_or_default(), USERINFO).to_string());
        let mut params: Vec<String> = Vec::new();
        for h in &socket_hosts {
            params.push(format!("host={}", utf8_percent_encode(h, USERINFO)));
            if tcp.is_empty()
                && let Some(p) = self.ports.first()
            {
                params.push(format!("port={p}"));
            }
        }
        if self.sslmode != SslMode::Prefer {
            params.push(format!("sslmode={}", self.sslmode.as_str()));
        }
        for (k, v) in
            [("sslrootcert", &self.sslrootcert), ("sslcert", &self.sslcert), ("sslkey", &self.sslkey)]
        {
            if let Some(v) = v {
                params.push(format!("{k}={}", utf8_percent_encode(&v.to_string_lossy(), USERINFO)));
            }
        }
        if self.channel_binding != ChannelBinding::Prefer {
            params.push(format!("channel_binding={}", self.channel_binding.as_str()));
        }
        if let Some(t) = self.connect_timeout {
            params.push(format!("connect_timeout={}", t.as_secs()));
        }
        let k = &self.keepalives;
        if k.off {
            params.push("keepalives=0".into());
        }
        for (name, v) in [("keepalives_idle", k.idle), ("keepalives_interval", k.interval)] {
            if let Some(v) = v {
                params.push(format!("{name}={}", v.as_secs()));
            }
        }
        if let Some(c) = k.count {
            params.push(format!("keepalives_count={c}"));
        }
        if let Some(t) = self.target_session_attrs {
            params.push(format!("target_session_attrs={}", t.as_str()));
        }
        if self.load_balance_hosts != LoadBalanceHosts::Disable {
            params.push(format!("load_balance_hosts={}", self.load_balance_hosts.as_str()));
        }
        if let Some(o) = &self.options {
            params.push(format!("options={}", utf8_percent_encode(o, USERINFO)));
        }
        if !params.is_empty() {
            s.push('?');
            s.push_str(&params.join("&"));
        }
        s
    }

    /// A short description for one-line errors: host, port, database and user, no password.
    /// Several hosts are all named (`hosts a:5432, b:5433`).
    pub fn describe(&self) -> String {
        let at = if self.hosts.len() > 1 {
            let list: Vec<String> = self
                .hosts
                .iter()
                .enumerate()
                .map(|(i, h)| match h.starts_with('/') {
                    true => h.clone(),
                    false => {
                        format!("{h}:{}", self.ports.get(i).or(self.ports.first()).unwrap_or(&DEFAULT_PORT))
                    }
                })
                .collect();
            format!("hosts {}", list.join(", "))
        } else {
            format!("host {} port {}", self.host(), self.port())
        };
        format!("{at} database \"{}\" user \"{}\"", self.dbname_or_default(), self.user_or_default())
    }

    pub(super) fn set_param(&mut self, key: &str, value: &str) -> Result<()> {
        match key {
            "host" | "hostaddr" => {
                self.hosts = value.split(',').filter(|h| !h.is_empty()).map(str::to_string).collect()
            }
            "port" => self.ports = parse_ports(value)?,
            "user" => self.user = non_empty(value),
            "password" => self.password = Some(value.to_string()),
            "dbname" => self.dbname = non_empty(value),
            "sslmode" | "ssl" => self.sslmode = SslMode::parse(value)?,
            "sslrootcert" => self.sslrootcert = non_empty(value).map(PathBuf::from),
            "sslcert" => self.sslcert = non_empty(value).map(PathBuf::from),
            "sslkey" => self.sslkey = non_empty(value).map(PathBuf::from),
            "channel_binding" => self.channel_binding = ChannelBinding::parse(value)?,
            "connect_timeout" => self.connect_timeout = parse_connect_timeout(value)?,
            "keepalives" => self.keepalives.off = whole_number(key, value)? == 0,
            "keepalives_idle" => self.keepalives.idle = positive_seconds(key, value)?,
            "keepalives_interval" => self.keepalives.interval = positive_seconds(key, value)?,
            "keepalives_count" => {
                self.keepalives.count = u32::try_from(whole_number(key, value)?).ok().filter(|n| *n > 0)
            }
            "application_name" => {
                if !value.is_empty() {
                    self.application_name = value.to_string()
                }
            }
            "target_session_attrs" => self.target_session_attrs = Some(TargetSessionAttrs::parse(value)?),
            "load_balance_hosts" => self.load_balance_hosts = LoadBalanceHosts::parse(value)?,
            // Accepted and ignored, as harmless for this tool.
            "options" => self.options = non_empty(value),
            "gssencmode" | "client_encoding" | "prepared_statement_cache_size" => {}
            other => bail!(
                "unknown connection parameter `{}` (known: host, port, user, password, dbname, sslmode, sslrootcert, sslcert, sslkey, channel_binding, connect_timeout, keepalives, keepalives_idle, keepalives_interval, keepalives_count, target_session_attrs, load_balance_hosts, application_name)",
                shown_key(other)
            ),
        }
        Ok(())
    }
}

/// libpq's `connect_timeout` (and `PGCONNECT_TIMEOUT`): whole seconds, per host; 1 counts as
/// libpq's minimum of 2; 0 or less (libpq: wait for ever) is `None`, towow-db's default.
pub fn parse_connect_timeout(value: &str) -> Result<Option<Duration>> {
    let secs = whole_number("connect_timeout", value)?;
    Ok((secs > 0).then(|| Duration::from_secs(secs.max(2) as u64)))
}

/// An integer parameter, as libpq reads one (an `int`).
fn whole_number(key: &str, value: &str) -> Result<i32> {
    value.trim().parse().map_err(|_| anyhow!("{key} must be a whole number, got `{value}`"))
}

/// Seconds for a keepalive parameter; 0 or less is `None` (the default).
fn positive_seconds(key: &str, value: &str) -> Result<Option<Duration>> {
    let n = whole_number(key, value)?;
    Ok((n > 0).then(|| Duration::from_secs(n as u64)))
}

/// A parameter name for a message: a word is shown, anything else (a mangled URL whose password
/// would show) is not.
fn shown_key(key: &str) -> &str {
    match !key.is_empty() && key.len() <= 40 && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        true => key,
        false => "…",
    }
}

fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

pub(super) fn parse_port(p: &str) -> Result<u16> {
    let n: u32 = p.trim().parse().map_err(|_| anyhow!("port `{p}` is not a number"))?;
    if n == 0 || n > 65535 {
        bail!("port {n} is out of range (1-65535)");
    }
    Ok(n as u16)
}

pub(super) fn parse_ports(v: &str) -> Result<Vec<u16>> {
    v.split(',').filter(|p| !p.is_empty()).map(parse_port).collect()
}

fn decode(s: &str) -> Result<String> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| anyhow!("invalid percent-encoding"))
}

fn parse_url(input: &str, source: Source) -> Result<ConnConfig> {
    let (scheme, rest) = input.split_once("://").expect("checked by caller");
    let base_scheme = scheme.split('+').next().unwrap_or(scheme).to_ascii_lowercase();
    if base_scheme != "postgresql" && base_scheme != "postgres" {
        bail!("unsupported scheme `{scheme}://` (use postgresql:// or postgres://)");
    }
    let mut cfg = ConnConfig::empty(source);
    // The user info ends at the LAST `@`: a password with an unencoded `/`, `?` or `@` (which
    // users do write) then still parses as a password, and never ends up in a port or a path.
    let (userinfo, rest) = match rest.rfind('@') {
        Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
        None => (None, rest),
    };
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let (hostlist, path) = match main.find('/') {
        Some(i) => (&main[..i], Some(&main[i + 1..])),
        None => (main, None),
    };
    if let Some(ui) = userinfo {
        let (u, p) = match ui.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (ui, None),
        };
        cfg.user = non_empty(&decode(u)?);
        if let Some(p) = p {
            cfg.password = Some(decode(p).map_err(|_| anyhow!("invalid percent-encoding in the password"))?);
        }
    }
    for part in hostlist.split(',') {
        if part.is_empty() {
            continue;
        }
        let (host, port) = if let Some(stripped) = part.strip_prefix('[') {
            let end = stripped.find(']').ok_or_else(|| anyhow!("unterminated `[` in IPv6 host"))?;
            let host = &stripped[..end];
            let after = &stripped[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => bail!("unexpected `{after}` after IPv6 host"),
            };
            (host.to_string(), port)
        } else {
            match part.rsplit_once(':') {
                Some((h, p)) => (decode(h)?, Some(p)),
                None => (decode(part)?, None),
            }
        };
        if host.is_empty() && port.is_none() {
            continue;
        }
        if !host.is_empty() {
            cfg.hosts.push(host);
        }
        if let Some(p) = port {
            if p.is_empty() {
                bail!("empty port after `:`");
            }
            // Not echoed: in `scheme://user:password` (no `@host`) the password reads as a port.
            if !p.trim().chars().all(|c| c.is_ascii_digit()) {
                bail!(
                    "the port after `:` is not a number (not shown: without `@host`, a password reads as a port; write postgresql://user:password@host:port/database)"
                );
            }
            cfg.ports.push(parse_port(p)?);
        }
    }
    if let Some(path) = path
        && !path.is_empty()
    {
        cfg.dbname = Some(decode(path)?);
    }
    if let Some(q) = query {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) =
                pair.split_once('=').ok_or_else(|| anyhow!("query parameter `{pair}` has no value"))?;
            cfg.set_param(&decode(k)?, &decode(v)?)?;
        }
    }
    Ok(cfg)
}

fn parse_keyword_value(input: &str, source: Source) -> Result<ConnConfig> {
    let mut cfg = ConnConfig::empty(source);
    let mut chars = input.chars().peekable();
    // A stray word right after an unquoted password is most likely the rest of that password
    // (`password=two words`): such errors must not quote it.
    const AFTER_PASSWORD: &str = "cannot parse the text after the password: a password with spaces must be in single quotes ('like this')";
    let mut after_unquoted_password = false;
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            if after_unquoted_password {
                bail!(AFTER_PASSWORD);
            }
            bail!("expected `=` after `{}`", shown_key(&key));
        }
        let mut spaced = false;
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            spaced = true;
            chars.next();
        }
        let mut value = String::new();
        let quoted = chars.peek() == Some(&'\'');
        if quoted {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                    None => bail!("unterminated quoted value for `{key}`"),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                if c == '\\' {
                    chars.next();
                    value.extend(chars.next());
                    continue;
                }
                value.push(c);
                chars.next();
            }
        }
        // `host= password=x`: libpq reads `password=x` as the host name, which then shows in
        // every message. An empty value must be written `host=''`.
        if spaced && !quoted && value.contains('=') {
            bail!(
                "`{key}=` is followed by a space, so the next `name=value` would be its value: write an empty value as {key}=''"
            );
        }
        if let Err(e) = cfg.set_param(&key, &value) {
            if after_unquoted_password {
                bail!(AFTER_PASSWORD);
            }
            return Err(e);
        }
        after_unquoted_password = key == "password" && !quoted;
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::redact_url;

    #[test]
    fn sources_name_themselves_and_configs_never_show_a_password() {
        assert_eq!(Source::Flag.to_string(), "--url");
        assert_eq!(Source::DotEnv(PathBuf::from("/a/.env")).to_string(), "DATABASE_URL in /a/.env");
        assert_eq!(Source::Target("prod".into()).to_string(), "target `prod` of the targets file");
        let c = ConnConfig::parse("postgresql://u:s3cret@h:5433/d", Source::Flag).unwrap();
        let debug = format!("{c:?}");
        assert!(debug.starts_with("ConnConfig(postgresql://u:***@h:5433/d"), "{debug}");
        assert!(!debug.contains("s3cret") && !c.to_string().contains("s3cret"));
    }

    #[test]
    fn describe_names_every_host_without_the_password() {
        let one = ConnConfig::parse("postgresql://u:pw@h:5433/d", Source::Flag).unwrap();
        assert_eq!(one.describe(), "host h port 5433 database \"d\" user \"u\"");
        let two = ConnConfig::parse("postgresql://u:pw@a:5432,b:5433/d", Source::Flag).unwrap();
        assert_eq!(two.describe(), "hosts a:5432, b:5433 database \"d\" user \"u\"");
    }

    #[test]
    fn keepalive_and_application_parameters_as_libpq_reads_them() {
        let p = |q: &str| ConnConfig::parse(&format!("postgresql://u@h/d?{q}"), Source::Flag).unwrap();
        assert_eq!(p("keepalives_count=0").keepalives.count, None);
        assert_eq!(p("keepalives_count=1").keepalives.count, Some(1));
        assert_eq!(p("keepalives_idle=0").keepalives.idle, None);
        assert_eq!(p("keepalives_idle=1").keepalives.idle, Some(Duration::from_secs(1)));
        assert!(p("keepalives=0").keepalives.off && !p("keepalives=1").keepalives.off);
        let default_name = p("").application_name;
        assert_eq!(p("application_name=").application_name, default_name, "empty keeps the default");
        assert_eq!(p("application_name=etl").application_name, "etl");
    }

    #[test]
    fn options_are_kept_and_written_back() {
        // libpq's `options`: it was accepted and silently dropped, so `-c search_path=app` never
        // reached the server.
        let c = ConnConfig::parse("postgresql://u@h/d?options=-c%20search_path%3Dapp", Source::Flag).unwrap();
        assert_eq!(c.options.as_deref(), Some("-c search_path=app"));
        let again = ConnConfig::parse(&c.url_with_password(), Source::Flag).unwrap();
        assert_eq!(again.options, c.options, "{}", c.url_with_password());
        let kv =
            ConnConfig::parse("host=h dbname=d options='-c search_path=app,public'", Source::Flag).unwrap();
        assert_eq!(kv.options.as_deref(), Some("-c search_path=app,public"));
        assert_eq!(ConnConfig::parse("postgresql://u@h/d?options=", Source::Flag).unwrap().options, None);
        assert_eq!(ConnConfig::parse("postgresql://u@h/d", Source::Flag).unwrap().options, None);
    }

    #[test]
    fn an_empty_value_followed_by_a_space_never_swallows_the_next_pair() {
        let kv = |s: &str| ConnConfig::parse(s, Source::Flag);
        let e = kv("host= password=s3cret dbname=d").unwrap_err().to_string();
        assert!(e.contains("followed by a space") && !e.contains("s3cret"), "{e}");
        // A spaced value without `=`, a quoted one with `=`, an unspaced one with `=`: as written.
        assert_eq!(kv("host= h2 dbname=d").unwrap().host(), "h2");
        assert_eq!(kv("host=h dbname= 'a=b'").unwrap().dbname.as_deref(), Some("a=b"));
        assert_eq!(kv("host=h dbname=a=b").unwrap().dbname.as_deref(), Some("a=b"));
    }

    #[test]
    fn ports_and_ipv6_hosts_at_their_limits() {
        assert_eq!(parse_port("65535").unwrap(), 65535);
        assert!(parse_port("65536").is_err() && parse_port("0").is_err());
        let c = ConnConfig::parse("postgresql://u@[::1]/d", Source::Flag).unwrap();
        assert_eq!((c.host(), c.port()), ("::1", DEFAULT_PORT));
        let c = ConnConfig::parse("postgresql://u@[::1]:5433/d", Source::Flag).unwrap();
        assert_eq!((c.host(), c.port()), ("::1", 5433));
        let e = ConnConfig::parse("postgresql://u@[::1]x/d", Source::Flag).unwrap_err().to_string();
        assert!(e.contains("after IPv6 host"), "{e}");
    }

    #[test]
    fn an_unknown_parameter_is_named_only_when_it_is_a_plain_word() {
        assert_eq!(shown_key("sslmodee"), "sslmodee");
        assert_eq!(shown_key("ssl_mode2"), "ssl_mode2");
        assert_eq!(shown_key(""), "…");
        assert_eq!(shown_key(&"k".repeat(41)), "…");
        assert_eq!(shown_key(&"k".repeat(40)), "k".repeat(40));
        assert_eq!(shown_key("u:s3cret@h"), "…");
    }

    fn p(s: &str) -> ConnConfig {
        ConnConfig::parse(s, Source::Flag).unwrap()
    }

    #[test]
    fn parses_towow_urls() {
        let c = p("postgresql+asyncpg://towow:pa%40ss@db:5433/towow?sslmode=require");
        assert_eq!(c.hosts, vec!["db"]);
        assert_eq!(c.ports, vec![5433]);
        assert_eq!(c.user.as_deref(), Some("towow"));
        assert_eq!(c.password.as_deref(), Some("pa@ss"));
        assert_eq!(c.dbname.as_deref(), Some("towow"));
        assert_eq!(c.sslmode, SslMode::Require);
        let c = p("postgres://u@[::1]:6000/d?sslmode=verify-full&sslrootcert=/tmp/ca.pem");
        assert_eq!(c.hosts, vec!["::1"]);
        assert_eq!(c.sslmode, SslMode::VerifyFull);
        assert_eq!(c.sslrootcert, Some(PathBuf::from("/tmp/ca.pem")));
        let c = p("postgresql://a:1,b:2/x");
        assert_eq!(c.hosts, vec!["a", "b"]);
        assert_eq!(c.ports, vec![1, 2]);
        let c = p("postgresql:///towow?host=/var/run/postgresql");
        assert_eq!(c.hosts, vec!["/var/run/postgresql"]);
    }

    #[test]
    fn parses_keyword_value() {
        let c = p("host=localhost port=5433 user=towow password='a b\\'c' dbname=towow sslmode=disable");
        assert_eq!(c.password.as_deref(), Some("a b'c"));
        assert_eq!(c.port(), 5433);
        assert_eq!(c.sslmode, SslMode::Disable);
    }

    #[test]
    fn rejects_bad_input_without_leaking_password() {
        for bad in [
            "postgresql://u:secret@h:0/d",
            "postgresql://u:secret@h:99999/d",
            "postgresql://u:secret@h:abc/d",
            "postgresql://u:secret@h/d?sslmode=sometimes",
            "mysql://u:secret@h/d",
            "postgresql://u:secret@h/d?bogus=1",
        ] {
            let err = format!("{:#}", ConnConfig::parse(bad, Source::Flag).unwrap_err());
            assert!(!err.contains("secret"), "{err}");
            assert!(err.contains("***"), "{err}");
        }
        assert!(ConnConfig::parse("just words", Source::Flag).is_err());
    }

    #[test]
    fn passwords_with_url_delimiters_parse_and_never_leak() {
        // Unencoded `/`, `?`, `@` in a password: parsed as the password, hidden whole.
        for pw in ["Sup3r/Secret", "Sup3r?Secret", "Sup3r@Secret", "a/b?c@d"] {
            let url = format!("postgresql://towow:{pw}@db:5432/towow");
            let c = p(&url);
            assert_eq!(c.password.as_deref(), Some(pw), "{url}");
            assert_eq!((c.host(), c.port(), c.dbname.as_deref()), ("db", 5432, Some("towow")), "{url}");
            assert!(
                !redact_url(&url).contains("Secret") && !redact_url(&url).contains("c@d"),
                "{}",
                redact_url(&url)
            );
            // And in a failing URL's error.
            let bad = format!("postgresql://towow:{pw}@db:99999/towow");
            let e = format!("{:#}", ConnConfig::parse(&bad, Source::Flag).unwrap_err());
            assert!(!e.contains("Secret") && !e.contains("c@d") && e.contains("out of range"), "{e}");
        }
        // key=value: an unquoted password with a space; the stray word is never quoted.
        for bad in ["host=db password=Sup3r Secret", "host=db password=Sup3r Secret=x dbname=d"] {
            let e = format!("{:#}", ConnConfig::parse(bad, Source::Flag).unwrap_err());
            assert!(!e.contains("Secret") && !e.contains("Sup3r"), "{e}");
            assert!(e.contains("in single quotes"), "{e}");
            // The message itself survives the redaction every message goes through.
            assert_eq!(crate::redact::redact_url(&e), e);
        }
        // A genuine unknown key after a quoted password is still named.
        let e = format!("{:#}", ConnConfig::parse("password='a b' sslmod=x", Source::Flag).unwrap_err());
        assert!(e.contains("sslmod") && !e.contains("a b"), "{e}");
    }

    #[test]
    fn redacts() {
        let c = p("postgresql://towow:hunter2@localhost/towow");
        assert_eq!(c.to_string(), "postgresql://towow:***@localhost/towow");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert_eq!(
            redact_url("failed: postgres://a:b@c/d and password=xyz host=h"),
            "failed: postgres://a:***@c/d and password=*** host=h"
        );
        assert_eq!(redact_url("password = 'x y' z"), "password = *** z");
    }

    #[test]
    fn channel_binding() {
        assert_eq!(p("postgresql://u@h/d").channel_binding, ChannelBinding::Prefer);
        let c = p("postgresql://u@h/d?channel_binding=require");
        assert_eq!(c.channel_binding, ChannelBinding::Require);
        assert_eq!(p(&c.url_with_password()), c);
        assert!(ConnConfig::parse("postgresql://u@h/d?channel_binding=maybe", Source::Flag).is_err());
    }

    #[test]
    fn multi_host_parameters() {
        let c =
            p("postgresql://u@h1:5432,h2:5433/d?target_session_attrs=read-write&load_balance_hosts=random");
        assert_eq!(c.hosts, vec!["h1", "h2"]);
        assert_eq!(c.target_session_attrs, Some(TargetSessionAttrs::ReadWrite));
        assert_eq!(c.load_balance_hosts, LoadBalanceHosts::Random);
        assert_eq!(p(&c.url_with_password()), c);
        assert!(c.redacted_url().contains("h1:5432,h2:5433"), "{}", c.redacted_url());
        for (v, t) in [
            ("any", TargetSessionAttrs::Any),
            ("read-only", TargetSessionAttrs::ReadOnly),
            ("primary", TargetSessionAttrs::Primary),
            ("standby", TargetSessionAttrs::Standby),
            ("prefer-standby", TargetSessionAttrs::PreferStandby),
        ] {
            let c = p(&format!("host=h1,h2 target_session_attrs={v}"));
            assert_eq!(c.target_session_attrs, Some(t));
        }
        assert_eq!(p("postgresql://u@h/d").target_session_attrs, None);
        let e = format!(
            "{:#}",
            ConnConfig::parse("postgresql://u:secret@h/d?target_session_attrs=master", Source::Flag)
                .unwrap_err()
        );
        assert!(e.contains("read-write") && !e.contains("secret"), "{e}");
        assert!(ConnConfig::parse("postgresql://u@h/d?load_balance_hosts=yes", Source::Flag).is_err());
    }

    #[test]
    fn writes_ask_for_a_primary() {
        let mut c = p("postgresql://u@h1,h2/d");
        c.for_writes("migrate").unwrap();
        assert_eq!(c.target_session_attrs, Some(TargetSessionAttrs::ReadWrite));
        let mut c = p("postgresql://u@h1,h2/d?target_session_attrs=primary");
        c.for_writes("migrate").unwrap();
        assert_eq!(c.target_session_attrs, Some(TargetSessionAttrs::Primary));
        let mut c = p("postgresql://u@h1,h2/d?target_session_attrs=standby");
        let e = c.for_writes("seed").unwrap_err();
        assert!(e.to_string().contains("`seed` writes") && e.to_string().contains("standby"), "{e}");
        assert_eq!(crate::error::exit_code(&e), 2);
    }

    #[test]
    fn url_round_trip() {
        let c = p("postgresql://to%20w:p%2Fw@h:5/d%2Fb?sslmode=disable");
        assert_eq!(p(&c.url_with_password()), c);
    }
}
