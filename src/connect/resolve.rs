//! Where to connect: the resolution order of the design ("Conventions users expect"): `--url`,
//! `DATABASE_URL` (environment, then `.env`), libpq variables, ToWow's docker variables, else the
//! managed local cluster.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use super::env::Env;
use super::url::{
    ChannelBinding, ConnConfig, DEFAULT_PORT, LoadBalanceHosts, Source, SslMode, TargetSessionAttrs,
    parse_connect_timeout, parse_port, parse_ports,
};

/// What the resolution found: a connection, or "use the managed local cluster".
#[derive(Debug, Clone)]
pub enum Resolved {
    Conn(Box<ConnConfig>),
    Local,
}

const LIBPQ_VARS: [&str; 5] = ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"];
const DOCKER_VARS: [&str; 5] =
    ["POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_PORT", "POSTGRES_HOST"];

/// The variables (and prefixes) towow-db reads: one of them that is not UTF-8 is an error.
const READ_VARS: &[&str] =
    &["DATABASE_URL", "DIRECT_DATABASE_URL", "PG*", "POSTGRES_*", "TOWOW_*", "DB_POOL_*"];

/// Resolve the connection in the documented order (docs/connecting.md): `--url`, `DATABASE_URL` (env, then `.env`), libpq
/// variables, ToWow's docker variables, else the local cluster.
pub fn resolve(flag_url: Option<&str>, env: &Env) -> Result<Resolved> {
    env.check_utf8(READ_VARS)?;
    if let Some(e) = &env.dotenv_error
        && flag_url.is_none()
    {
        bail!("{e}");
    }
    let mut cfg = if let Some(url) = flag_url {
        ConnConfig::parse(url, Source::Flag)?
    } else if let Some(url) = env.get("DATABASE_URL") {
        let source = match (&env.dotenv_path, env.only_in_dotenv("DATABASE_URL")) {
            (Some(p), true) => Source::DotEnv(p.clone()),
            _ => Source::DatabaseUrl,
        };
        ConnConfig::parse(url, source)?
    } else if LIBPQ_VARS.iter().any(|v| env.get(v).is_some()) {
        let mut c = ConnConfig::empty(Source::Libpq);
        if let Some(h) = env.get("PGHOST") {
            c.set_param("host", h)?;
        }
        if let Some(p) = env.get("PGPORT") {
            c.ports = parse_ports(p).context("PGPORT")?;
        }
        c.user = env.get("PGUSER").map(str::to_string);
        c.dbname = env.get("PGDATABASE").map(str::to_string);
        c
    } else if DOCKER_VARS.iter().any(|v| env.get(v).is_some()) {
        // The ToWow docker-compose defaults: towow / password / towow on localhost:5432.
        let mut c = ConnConfig::empty(Source::Docker);
        c.hosts = vec![env.get("POSTGRES_HOST").unwrap_or("localhost").to_string()];
        c.ports = vec![match env.get("POSTGRES_PORT") {
            Some(p) => parse_port(p).context("POSTGRES_PORT")?,
            None => DEFAULT_PORT,
        }];
        c.user = Some(env.get("POSTGRES_USER").unwrap_or("towow").to_string());
        c.password = Some(env.get("POSTGRES_PASSWORD").unwrap_or("password").to_string());
        c.dbname = Some(env.get("POSTGRES_DB").unwrap_or("towow").to_string());
        c
    } else {
        return Ok(Resolved::Local);
    };
    apply_libpq_defaults(&mut cfg, env)?;
    crate::connect::pgpass::apply(&mut cfg, env);
    Ok(Resolved::Conn(Box::new(cfg)))
}

/// The direct connection (past any pooler) for commands that need a session of their own:
/// `--direct-url`, else `DIRECT_DATABASE_URL` (environment, then `.env`); `None` when neither is set.
pub fn resolve_direct(flag_url: Option<&str>, env: &Env) -> Result<Option<ConnConfig>> {
    env.check_utf8(READ_VARS)?;
    let mut cfg = match (flag_url, env.get("DIRECT_DATABASE_URL")) {
        (Some(url), _) => ConnConfig::parse(url, Source::DirectFlag)?,
        (None, Some(url)) => ConnConfig::parse(url, Source::DirectDatabaseUrl)?,
        (None, None) => return Ok(None),
    };
    apply_libpq_defaults(&mut cfg, env)?;
    crate::connect::pgpass::apply(&mut cfg, env);
    Ok(Some(cfg))
}

/// Fill what a URL left out from libpq's variables, as libpq does.
pub(super) fn apply_libpq_defaults(cfg: &mut ConnConfig, env: &Env) -> Result<()> {
    if cfg.hosts.is_empty() {
        cfg.hosts = vec![env.get("PGHOST").unwrap_or("localhost").to_string()];
    }
    if cfg.ports.is_empty()
        && let Some(p) = env.get("PGPORT")
    {
        cfg.ports = parse_ports(p).context("PGPORT")?;
    }
    if cfg.user.is_none() {
        cfg.user = env.get("PGUSER").map(str::to_string);
    }
    if cfg.dbname.is_none() {
        cfg.dbname = env.get("PGDATABASE").map(str::to_string);
    }
    if cfg.password.is_none() {
        cfg.password = env.get("PGPASSWORD").map(str::to_string);
    }
    let url_has_sslmode = matches!(
        cfg.source,
        Source::Flag
            | Source::DatabaseUrl
            | Source::DotEnv(_)
            | Source::DirectFlag
            | Source::DirectDatabaseUrl
            | Source::Target(_)
    ) && cfg.sslmode != SslMode::Prefer;
    if !url_has_sslmode && let Some(m) = env.get("PGSSLMODE") {
        cfg.sslmode = SslMode::parse(m).context("PGSSLMODE")?;
    }
    for (field, var) in [
        (&mut cfg.sslrootcert, "PGSSLROOTCERT"),
        (&mut cfg.sslcert, "PGSSLCERT"),
        (&mut cfg.sslkey, "PGSSLKEY"),
    ] {
        if field.is_none() {
            *field = env.get(var).map(PathBuf::from);
        }
    }
    if cfg.channel_binding == ChannelBinding::Prefer
        && let Some(v) = env.get("PGCHANNELBINDING")
    {
        cfg.channel_binding = ChannelBinding::parse(v).context("PGCHANNELBINDING")?;
    }
    if cfg.connect_timeout.is_none()
        && let Some(t) = env.get("PGCONNECT_TIMEOUT")
    {
        cfg.connect_timeout = parse_connect_timeout(t).context("PGCONNECT_TIMEOUT")?;
    }
    if cfg.target_session_attrs.is_none()
        && let Some(t) = env.get("PGTARGETSESSIONATTRS")
    {
        cfg.target_session_attrs = Some(TargetSessionAttrs::parse(t).context("PGTARGETSESSIONATTRS")?);
    }
    if cfg.options.is_none() {
        cfg.options = env.get("PGOPTIONS").map(str::to_string);
    }
    if cfg.load_balance_hosts == LoadBalanceHosts::Disable
        && let Some(v) = env.get("PGLOADBALANCEHOSTS")
    {
        cfg.load_balance_hosts = LoadBalanceHosts::parse(v).context("PGLOADBALANCEHOSTS")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_order() {
        let env = Env::from_pairs([
            ("DATABASE_URL", "postgresql://a@h1/d1"),
            ("PGHOST", "h2"),
            ("POSTGRES_USER", "x"),
        ]);
        let Resolved::Conn(c) = resolve(Some("postgresql://b@h0/d0"), &env).unwrap() else { panic!() };
        assert_eq!(c.source, Source::Flag);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!(c.hosts, vec!["h1"]);
        let env = Env::from_pairs([("PGHOST", "h2"), ("PGPASSWORD", "pw"), ("POSTGRES_USER", "x")]);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!((c.host(), c.password.as_deref()), ("h2", Some("pw")));
        let env = Env::from_pairs([("POSTGRES_DB", "prod")]);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!(c.redacted_url(), "postgresql://towow:***@localhost:5432/prod");
        assert!(matches!(resolve(None, &Env::default()).unwrap(), Resolved::Local));
    }

    #[test]
    fn database_url_from_the_dotenv_file_says_so() {
        let dir = crate::test_support::TempDir::new("resolve");
        let path = dir.file(".env", "DATABASE_URL=postgresql://a@file/d\n");
        let mut env = Env::default();
        env.load_dotenv(&path).unwrap();
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!((c.source.clone(), c.host()), (Source::DotEnv(path.clone()), "file"));
        // The process's own DATABASE_URL wins, and says so.
        let mut env = Env::from_pairs([("DATABASE_URL", "postgresql://a@process/d")]);
        env.load_dotenv(&path).unwrap();
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!((c.source.clone(), c.host()), (Source::DatabaseUrl, "process"));
    }

    #[test]
    fn the_direct_url_comes_from_the_flag_else_the_variable() {
        let env = Env::from_pairs([("DIRECT_DATABASE_URL", "postgresql://a@direct/d")]);
        let c = resolve_direct(None, &env).unwrap().unwrap();
        assert_eq!((c.source.clone(), c.host()), (Source::DirectDatabaseUrl, "direct"));
        let c = resolve_direct(Some("postgresql://a@flag/d"), &env).unwrap().unwrap();
        assert_eq!((c.source.clone(), c.host()), (Source::DirectFlag, "flag"));
        assert!(resolve_direct(None, &Env::default()).unwrap().is_none());
    }

    #[test]
    fn libpq_tls_variables_fill_only_what_the_url_left_out() {
        let env = Env::from_pairs([("PGSSLMODE", "require"), ("PGCHANNELBINDING", "require")]);
        let conn = |url: &str| match resolve(Some(url), &env).unwrap() {
            Resolved::Conn(c) => c,
            Resolved::Local => panic!(),
        };
        // The URL says nothing: the variables apply.
        let c = conn("postgresql://u@h/d");
        assert_eq!((c.sslmode, c.channel_binding), (SslMode::Require, ChannelBinding::Require));
        // The URL's own settings win.
        let c = conn("postgresql://u@h/d?sslmode=disable&channel_binding=disable");
        assert_eq!((c.sslmode, c.channel_binding), (SslMode::Disable, ChannelBinding::Disable));
        // Not from a URL (libpq variables): PGSSLMODE applies.
        let env = Env::from_pairs([("PGHOST", "h"), ("PGSSLMODE", "disable")]);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!(c.sslmode, SslMode::Disable);
    }

    #[test]
    fn pgoptions_fills_what_the_url_left_out() {
        let env = Env::from_pairs([("PGOPTIONS", "-c search_path=app")]);
        let Resolved::Conn(c) = resolve(Some("postgresql://u@h/d"), &env).unwrap() else { panic!() };
        assert_eq!(c.options.as_deref(), Some("-c search_path=app"));
        let Resolved::Conn(c) =
            resolve(Some("postgresql://u@h/d?options=-c%20search_path%3Dother"), &env).unwrap()
        else {
            panic!()
        };
        assert_eq!(c.options.as_deref(), Some("-c search_path=other"), "the URL's own wins");
        let env = Env::from_pairs([("PGHOST", "h"), ("PGOPTIONS", "-c work_mem=64MB")]);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!(c.options.as_deref(), Some("-c work_mem=64MB"));
    }

    #[test]
    fn multi_host_variables() {
        let env = Env::from_pairs([
            ("PGHOST", "h1,h2"),
            ("PGTARGETSESSIONATTRS", "primary"),
            ("PGLOADBALANCEHOSTS", "random"),
        ]);
        let Resolved::Conn(c) = resolve(None, &env).unwrap() else { panic!() };
        assert_eq!(c.hosts, vec!["h1", "h2"]);
        assert_eq!(c.target_session_attrs, Some(TargetSessionAttrs::Primary));
        assert_eq!(c.load_balance_hosts, LoadBalanceHosts::Random);
        // The URL's own setting wins over the variable.
        let Resolved::Conn(c) =
            resolve(Some("postgresql://u@a,b/d?target_session_attrs=standby"), &env).unwrap()
        else {
            panic!()
        };
        assert_eq!(c.target_session_attrs, Some(TargetSessionAttrs::Standby));
        let bad = Env::from_pairs([("PGHOST", "h"), ("PGTARGETSESSIONATTRS", "master")]);
        let e = format!("{:#}", resolve(None, &bad).unwrap_err());
        assert!(e.contains("PGTARGETSESSIONATTRS") && e.contains("read-write"), "{e}");
    }
}
