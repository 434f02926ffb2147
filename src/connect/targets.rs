//! Named targets: the databases a DBA looks after, listed once in a small TOML file, for
//! `--targets NAME,…` and `--all-targets`:
//!
//! ```toml
//! [targets.towow]
//! url = "postgresql://monitor@db1.internal,db2.internal/towow?target_session_attrs=primary"
//!
//! [targets.cozychat]
//! url_env = "COZYCHAT_DATABASE_URL"      # the URL from this environment variable
//! password_env = "COZYCHAT_PG_PASSWORD"  # the password from this one (else PGPASSWORD, ~/.pgpass)
//! expect_standbys = 1                     # health: CRITICAL when fewer stream (a number)
//! ```
//!
//! The file is `towow-db.toml` in the working directory, else in `$XDG_CONFIG_HOME/towow-db/`
//! (`~/.config/towow-db/`), or the one `TOWOW_TARGETS_FILE` names. Secrets need not be in it: a
//! URL without a password takes it from `password_env`, `PGPASSWORD` or the password file, as any
//! URL does.
//!
//! The file is read by a parser of the TOML subset shown (tables `[targets.NAME]` of string
//! values, `#` comments); anything else is refused with its line number. The `toml` crate would
//! add four crates to a cold build for these three keys.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};

use super::env::Env;
use super::resolve::apply_libpq_defaults;
use super::url::{ConnConfig, Source};

/// The file's name, in the working directory or the configuration directory.
pub const FILE_NAME: &str = "towow-db.toml";
/// The variable that names another file.
pub const FILE_ENV: &str = "TOWOW_TARGETS_FILE";

/// One `[targets.NAME]` table, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetDef {
    pub name: String,
    pub url: Option<String>,
    pub url_env: Option<String>,
    pub password_env: Option<String>,
    /// `health --expect-standbys` for this target.
    pub expect_standbys: Option<u32>,
}

const KEYS: &str = "url, url_env, password_env, expect_standbys";

/// The targets file to read: `TOWOW_TARGETS_FILE`, else `./towow-db.toml`, else
/// `$XDG_CONFIG_HOME/towow-db/towow-db.toml` (or `~/.config/towow-db/towow-db.toml`).
pub fn file(env: &Env) -> Result<PathBuf> {
    if let Some(p) = env.get(FILE_ENV) {
        return Ok(PathBuf::from(p));
    }
    let here = PathBuf::from(FILE_NAME);
    if here.is_file() {
        return Ok(here);
    }
    let config = match env.get("XDG_CONFIG_HOME").filter(|d| !d.is_empty()) {
        Some(d) => Some(PathBuf::from(d)),
        None => super::env::home_dir().map(|h| h.join(".config")),
    };
    let candidate = config.map(|c| c.join("towow-db").join(FILE_NAME));
    match candidate {
        Some(c) if c.is_file() => Ok(c),
        c => bail!(
            "--targets and --all-targets read the targets file, and there is none: create {FILE_NAME} here{} (or name one with {FILE_ENV}), with a [targets.NAME] table and a url = \"postgresql://…\" per database (see docs/replication.md#many-databases)",
            c.map(|c| format!(" or {}", c.display())).unwrap_or_default()
        ),
    }
}

/// Read and check the targets file.
pub fn load(path: &Path) -> Result<Vec<TargetDef>> {
    let text = crate::files::read_text(path, crate::files::CONFIG_LIMIT)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let defs = parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    if defs.is_empty() {
        bail!("{} lists no targets: add a [targets.NAME] table with a url", path.display());
    }
    if defs.iter().any(|d| d.url.as_deref().is_some_and(has_password)) && readable_by_others(path) {
        tracing::warn!(
            "{} holds a password and others may read it: chmod 0600 it, or move the password to password_env or ~/.pgpass",
            path.display()
        );
    }
    Ok(defs)
}

fn readable_by_others(p: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).is_ok_and(|m| m.mode() & 0o044 != 0)
}

fn has_password(url: &str) -> bool {
    ConnConfig::parse(url, Source::Given).is_ok_and(|c| c.password.is_some())
}

/// The connection settings of one target: its URL (from the file or `url_env`), completed as
/// any URL is (libpq variables), its password from `password_env`, else the password file.
pub fn resolve(def: &TargetDef, env: &Env) -> Result<ConnConfig> {
    let url = match (&def.url, &def.url_env) {
        (Some(u), _) => u.clone(),
        (None, Some(var)) => env
            .get(var)
            .ok_or_else(|| anyhow!("target `{}`: its url_env {var} is not set", def.name))?
            .to_string(),
        (None, None) => bail!("target `{}` has neither url nor url_env", def.name),
    };
    let mut cfg = ConnConfig::parse(&url, Source::Target(def.name.clone()))
        .with_context(|| format!("target `{}`", def.name))?;
    if cfg.password.is_none()
        && let Some(var) = &def.password_env
    {
        cfg.password = Some(
            env.get(var)
                .ok_or_else(|| anyhow!("target `{}`: its password_env {var} is not set", def.name))?
                .to_string(),
        );
    }
    apply_libpq_defaults(&mut cfg, env).with_context(|| format!("target `{}`", def.name))?;
    super::pgpass::apply(&mut cfg, env);
    Ok(cfg)
}

/// The targets of `text`, in the order written.
pub fn parse(text: &str) -> Result<Vec<TargetDef>> {
    let mut defs: Vec<TargetDef> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let at = |e: String| anyhow!("line {}: {e}", n + 1);
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let (inside, rest) = header.split_once(']').ok_or_else(|| at("unterminated `[`".into()))?;
            if !comment_or_empty(rest) {
                return Err(at(format!("unexpected `{}` after the table header", rest.trim())));
            }
            let name = inside.trim().strip_prefix("targets.").ok_or_else(|| {
                at(format!("`[{}]`: this file takes [targets.NAME] tables only", inside.trim()))
            })?;
            let name = match name.trim().strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
                Some(quoted) => quoted.to_string(),
                None => bare_key(name.trim()).ok_or_else(|| {
                    at(format!("target name `{name}`: use letters, digits, `_` and `-`, or quote it"))
                })?,
            };
            if name.is_empty() {
                return Err(at("a target needs a name: [targets.NAME]".into()));
            }
            if defs.iter().any(|d| d.name == name) {
                return Err(at(format!("target `{name}` is defined twice")));
            }
            defs.push(TargetDef { name, ..TargetDef::default() });
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| at("expected `key = \"value\"` or a [targets.NAME] header".into()))?;
        let key = key.trim();
        let def = defs.last_mut().ok_or_else(|| at(format!("`{key}` outside a [targets.NAME] table")))?;
        if key == "expect_standbys" {
            let n = value.split('#').next().unwrap_or_default().trim();
            let n: u32 =
                n.parse().map_err(|_| at(format!("expect_standbys: `{n}` is not a whole number")))?;
            if def.expect_standbys.replace(n).is_some() {
                return Err(at(format!("`{key}` is set twice in target `{}`", def.name)));
            }
            continue;
        }
        let value = string_value(value.trim()).map_err(|e| at(format!("{key}: {e}")))?;
        let slot = match key {
            "url" => &mut def.url,
            "url_env" => &mut def.url_env,
            "password_env" => &mut def.password_env,
            other => {
                return Err(at(format!(
                    "unknown key `{}` in target `{}` (known: {KEYS})",
                    bare_key(other).unwrap_or_else(|| "…".into()),
                    def.name
                )));
            }
        };
        if slot.replace(value).is_some() {
            return Err(at(format!("`{key}` is set twice in target `{}`", def.name)));
        }
    }
    for d in &defs {
        if d.url.is_some() == d.url_env.is_some() {
            bail!("target `{}` needs exactly one of url and url_env", d.name);
        }
    }
    Ok(defs)
}

fn bare_key(s: &str) -> Option<String> {
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')).then(|| s.into())
}

fn comment_or_empty(s: &str) -> bool {
    let s = s.trim();
    s.is_empty() || s.starts_with('#')
}

/// A TOML basic string (`"…"`, with `\"`, `\\`, `\n`, `\t`, `\uXXXX`) or literal string (`'…'`),
/// then nothing but a comment. Errors never quote the value (it may hold a password).
fn string_value(v: &str) -> Result<String> {
    let mut chars = v.chars();
    let quote = chars.next();
    let mut out = String::new();
    match quote {
        Some('\'') => loop {
            match chars.next() {
                Some('\'') => break,
                Some(c) => out.push(c),
                None => bail!("unterminated string"),
            }
        },
        Some('"') => loop {
            match chars.next() {
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                        out.push(c.ok_or_else(|| anyhow!("bad \\u escape"))?);
                    }
                    _ => bail!("unknown escape in a string"),
                },
                Some(c) => out.push(c),
                None => bail!("unterminated string"),
            }
        },
        _ => bail!("expected a quoted string (\"…\" or '…')"),
    }
    if !comment_or_empty(chars.as_str()) {
        bail!("unexpected text after the string");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
# The five systems.
[targets.towow]
url = "postgresql://monitor@db1,db2/towow?target_session_attrs=primary"   # primary only

[targets."cozy chat"]
url_env = 'COZY_URL'
password_env = "COZY_PW"
"#;

    #[test]
    fn parses_the_subset() {
        let d = parse(FILE).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].name, "towow");
        assert_eq!(
            d[0].url.as_deref(),
            Some("postgresql://monitor@db1,db2/towow?target_session_attrs=primary")
        );
        assert_eq!(d[1].name, "cozy chat");
        assert_eq!(d[1].url_env.as_deref(), Some("COZY_URL"));
        assert_eq!(string_value(r#""a\"b\\c\u00e9" # x"#).unwrap(), "a\"b\\cé");
        assert_eq!((d[0].expect_standbys, d[1].expect_standbys), (None, None));
        let d = parse("[targets.a]\nurl = \"u\"\nexpect_standbys = 2 # two replicas\n").unwrap();
        assert_eq!(d[0].expect_standbys, Some(2));
        for (bad, why) in [
            ("many", "not a whole number"),
            ("-1", "not a whole number"),
            ("1\nexpect_standbys = 1", "set twice"),
        ] {
            let e = format!(
                "{:#}",
                parse(&format!("[targets.a]\nurl = \"u\"\nexpect_standbys = {bad}")).unwrap_err()
            );
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_take_and_never_quotes_a_value() {
        for (bad, why) in [
            ("url = \"x\"", "line 1: `url` outside a [targets.NAME] table"),
            ("[server]\n", "this file takes [targets.NAME] tables only"),
            ("[targets.a]\nurl = \"u\"\nurl = \"v\"", "set twice"),
            ("[targets.a]\nurl = \"u\"\n[targets.a]\nurl = \"v\"", "defined twice"),
            ("[targets.a]\nhost = \"h\"", "unknown key `host`"),
            ("[targets.a]\nurl = postgresql://u:s3cret@h/d", "expected a quoted string"),
            ("[targets.a]\nurl = \"postgresql://u:s3cret@h/d", "unterminated string"),
            ("[targets.a]\nurl = \"u\" trailing s3cret", "unexpected text after the string"),
            ("[targets.a]\n", "needs exactly one of url and url_env"),
            ("[targets.a b]\nurl = \"u\"", "use letters, digits"),
        ] {
            let e = format!("{:#}", parse(bad).unwrap_err());
            assert!(e.contains(why), "{bad}: {e}");
            assert!(!e.contains("s3cret"), "{e}");
        }
    }

    #[test]
    fn resolves_with_the_environment() {
        let d = parse(FILE).unwrap();
        let env = Env::from_pairs([("COZY_URL", "postgresql://app@cozy/chat"), ("COZY_PW", "pw")]);
        let c = resolve(&d[1], &env).unwrap();
        assert_eq!((c.host(), c.password.as_deref()), ("cozy", Some("pw")));
        assert_eq!(c.source, Source::Target("cozy chat".into()));
        let e = format!("{:#}", resolve(&d[1], &Env::default()).unwrap_err());
        assert!(e.contains("COZY_URL is not set"), "{e}");
        let c = resolve(&d[0], &Env::default()).unwrap();
        assert_eq!(c.hosts, vec!["db1", "db2"]);
    }
}
