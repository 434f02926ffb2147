//! libpq's password file: `PGPASSFILE`, else `~/.pgpass`, consulted when no password was given
//! (URL, `PGPASSWORD`). Lines are `host:port:database:user:password`; any of the first four may be
//! `*`; `\:` and `\\` escape; `#` starts a comment line; the first matching line wins. A host of
//! `localhost` also matches Unix-socket connections. As libpq does, a file that group or world may
//! read is ignored with a warning.

use std::path::{Path, PathBuf};

use crate::connect::env::Env;
use crate::connect::url::ConnConfig;

/// The password file to read: `PGPASSFILE`, else `~/.pgpass`.
pub fn path(env: &Env) -> Option<PathBuf> {
    match env.get("PGPASSFILE") {
        Some(p) => Some(PathBuf::from(p)),
        None => crate::connect::env::home_dir().map(|h| h.join(".pgpass")),
    }
}

/// Split one line into its fields at unescaped `:`, resolving `\:` and `\\`.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.last_mut().expect("never empty").push(n);
                }
            }
            ':' => out.push(String::new()),
            c => out.last_mut().expect("never empty").push(c),
        }
    }
    out
}

fn field_matches(pattern: &str, value: &str) -> bool {
    pattern == "*" || pattern == value
}

/// The password for (host, port, database, user) in the text of a password file.
pub fn find(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    let socket = host.starts_with('/');
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        if f.len() < 5 {
            continue;
        }
        let host_ok = field_matches(&f[0], host) || (socket && f[0] == "localhost");
        if host_ok
            && field_matches(&f[1], &port)
            && field_matches(&f[2], dbname)
            && field_matches(&f[3], user)
        {
            return Some(f[4].clone());
        }
    }
    None
}

/// Whether libpq would read this file: a regular file that neither group nor world may access.
fn usable(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(md) = std::fs::metadata(p) else {
        return false;
    };
    if !md.is_file() {
        tracing::warn!("password file \"{}\" is not a plain file", p.display());
        return false;
    }
    if md.mode() & 0o077 != 0 {
        tracing::warn!(
            "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less: ignoring it",
            p.display()
        );
        return false;
    }
    true
}

/// Fill `cfg.password` from the password file when none was given. Returns the file it came from.
pub fn apply(cfg: &mut ConnConfig, env: &Env) -> Option<PathBuf> {
    if cfg.password.is_some() {
        return None;
    }
    let p = path(env)?;
    if !usable(&p) {
        return None;
    }
    let text = match crate::files::read_text(&p, crate::files::CONFIG_LIMIT) {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("cannot read password file \"{}\": {e}", p.display());
            return None;
        }
    };
    let pw = find(&text, cfg.host(), cfg.port(), &cfg.dbname_or_default(), &cfg.user_or_default())?;
    tracing::debug!("password for {} from {}", cfg.describe(), p.display());
    cfg.password = Some(pw);
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# comment:line:with:five:fields
db.example.com:5432:towow:towow:first
db.example.com:5432:towow:towow:second (never: the first match wins)
*:6432:*:app:pooled
localhost:5432:*:towow:local\\:pw\\\\x
weird\\:host:*:*:*:escaped
short:line
*:*:*:*:fallback:with:colons
";

    #[test]
    fn libpq_matching_rules() {
        assert_eq!(find(FILE, "db.example.com", 5432, "towow", "towow").as_deref(), Some("first"));
        assert_eq!(find(FILE, "anything", 6432, "x", "app").as_deref(), Some("pooled"));
        assert_eq!(find(FILE, "localhost", 5432, "d", "towow").as_deref(), Some("local:pw\\x"));
        // localhost also matches Unix sockets.
        assert_eq!(find(FILE, "/var/run/postgresql", 5432, "d", "towow").as_deref(), Some("local:pw\\x"));
        assert_eq!(find(FILE, "weird:host", 1, "d", "u").as_deref(), Some("escaped"));
        // As in libpq, the password ends at the next unescaped colon.
        assert_eq!(find(FILE, "other", 1, "d", "u").as_deref(), Some("fallback"));
        assert_eq!(find("h:1:d:u:pw\r\n", "h", 1, "d", "u").as_deref(), Some("pw"));
        assert_eq!(find("h:1:d:u:pw", "h", 2, "d", "u"), None);
    }
}
