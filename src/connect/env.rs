//! The environment the tool reads: process variables plus a `./.env` file (the ToWow app's own
//! `.env` works as is), and the operating-system user and home directory that libpq defaults to.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use crate::redact::redact_url;

/// Environment lookup that also sees a `.env` file (process environment wins). Its `Debug`
/// shows variable names only: values may be passwords or URLs with passwords.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
    dotenv: HashMap<String, String>,
    pub(super) dotenv_path: Option<PathBuf>,
    /// A `.env` that could not be read: reported when the connection is resolved, so that it is
    /// the command's error (an UNKNOWN under `--check`), not one before any command runs.
    pub(super) dotenv_error: Option<String>,
    /// Process variables whose value is not UTF-8 (names only: the value may be a password).
    not_utf8: Vec<String>,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.vars.keys().chain(self.dotenv.keys()).collect();
        names.sort();
        names.dedup();
        f.debug_struct("Env")
            .field("names", &names)
            .field("dotenv_path", &self.dotenv_path)
            .field("dotenv_error", &self.dotenv_error)
            .field("not_utf8", &self.not_utf8)
            .finish()
    }
}

impl Env {
    /// The process environment plus `./.env` (if present). A variable that is not UTF-8 never
    /// stops a command that does not read it (`std::env::vars` would panic, printing the value).
    pub fn from_process() -> Result<Env> {
        let mut env = Env::from_os_vars(std::env::vars_os());
        let path = Path::new(".env");
        if path.is_file()
            && let Err(e) = env.load_dotenv(path)
        {
            env.dotenv_error = Some(format!("{e:#}"));
        }
        Ok(env)
    }

    /// The variables as the operating system gives them: a value that is not UTF-8 is
    /// remembered by name (an error only when read), a name that is not UTF-8 is skipped (not
    /// one towow-db reads).
    fn from_os_vars(vars_os: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>) -> Env {
        let mut vars = HashMap::new();
        let mut not_utf8 = Vec::new();
        for (k, v) in vars_os {
            match (k.into_string(), v.into_string()) {
                (Ok(k), Ok(v)) => {
                    vars.insert(k, v);
                }
                (Ok(k), Err(_)) => not_utf8.push(k),
                (Err(_), _) => {}
            }
        }
        Env { vars, not_utf8, ..Env::default() }
    }

    /// An environment from explicit pairs (tests, embedding).
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env { vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(), ..Env::default() }
    }

    pub fn load_dotenv(&mut self, path: &Path) -> Result<()> {
        let bytes = crate::files::read_bounded(path, crate::files::CONFIG_LIMIT)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for item in dotenvy::from_read_iter(bytes.as_slice()) {
            // dotenvy's error quotes the line, which may hold a password: say where and which
            // variable, never the value.
            let (k, v) = item.map_err(|e| dotenv_error(path, &e))?;
            self.dotenv.insert(k, v);
        }
        self.dotenv_path = Some(path.to_path_buf());
        Ok(())
    }

    /// Fail when a variable towow-db reads (one of `names`; `PG*` is a prefix) is set but not
    /// UTF-8: named, its value never shown.
    pub fn check_utf8(&self, names: &[&str]) -> Result<()> {
        let read = |k: &str| {
            names.iter().any(|n| match n.strip_suffix('*') {
                Some(prefix) => k.starts_with(prefix),
                None => *n == k,
            })
        };
        match self.not_utf8.iter().find(|k| read(k)) {
            Some(k) => Err(anyhow!(
                "the environment variable {k} is not valid UTF-8 (its value is not shown): set it again as UTF-8 text, or unset it"
            )),
            None => Ok(()),
        }
    }

    /// A variable's value: the process's, else `.env`'s; an empty one counts as unset (as in
    /// libpq), so an empty process variable does not hide the file's.
    pub fn get(&self, key: &str) -> Option<&str> {
        let set = |v: &&String| !v.is_empty();
        self.vars.get(key).filter(set).or_else(|| self.dotenv.get(key).filter(set)).map(String::as_str)
    }

    pub(super) fn only_in_dotenv(&self, key: &str) -> bool {
        self.vars.get(key).is_none_or(|v| v.is_empty()) && self.dotenv.contains_key(key)
    }
}

/// A `.env` parse error without the offending value: the line number and the variable's name.
fn dotenv_error(path: &Path, e: &dotenvy::Error) -> anyhow::Error {
    let dotenvy::Error::LineParse(line, _) = e else {
        return anyhow!("cannot read {}: {}", path.display(), redact_url(&e.to_string()));
    };
    let first = line.lines().next().unwrap_or_default();
    let number = crate::files::read_text(path, crate::files::CONFIG_LIMIT)
        .ok()
        .and_then(|text| text.lines().position(|l| l == first).map(|i| i + 1));
    let name: String = first
        .trim_start()
        .trim_start_matches("export ")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let at = match number {
        Some(n) => format!("line {n}"),
        None => "a line".to_string(),
    };
    let var = if name.is_empty() { String::new() } else { format!(" (variable {name})") };
    anyhow!(
        "cannot parse {}: {at}{var} is not KEY=VALUE (an unterminated quote?); its value is not shown",
        path.display()
    )
}

/// libpq's home directory: `$HOME` when set and not empty, else the home of the effective user
/// in the password database (none without an entry there: a container running an arbitrary UID).
///
/// Not `std::env::home_dir`: it takes an empty `HOME` as the home directory, where libpq looks
/// the user up instead; and the user name needs the password database anyway.
pub fn home_dir() -> Option<PathBuf> {
    home_from(std::env::var_os("HOME"), || own_passwd_entry().map(|p| p.home))
}

/// The operating-system user name (libpq's default user): the effective user's name in the
/// password database, else `$USER`, else `postgres`.
pub fn os_user_name() -> String {
    user_from(own_passwd_entry().map(|p| p.name), std::env::var("USER").ok())
}

fn home_from(
    home: Option<std::ffi::OsString>,
    passwd_home: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    match home.filter(|h| !h.is_empty()) {
        Some(h) => Some(PathBuf::from(h)),
        None => passwd_home(),
    }
}

fn user_from(passwd_name: Option<String>, user_var: Option<String>) -> String {
    passwd_name.or(user_var).unwrap_or_else(|| "postgres".to_string())
}

/// A user's entry in the password database: name and home directory.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Passwd {
    name: String,
    home: PathBuf,
}

/// The effective user's entry in the password database.
fn own_passwd_entry() -> Option<Passwd> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    passwd_entry(unsafe { libc::geteuid() })
}

/// The entry of `uid` in the password database, `None` without one. `getpwuid_r` with a buffer
/// of our own (`getpwuid` returns static storage that another thread may overwrite), of 16 KiB:
/// glibc suggests 1 KiB (`_SC_GETPW_R_SIZE_MAX`); an entry that does not fit counts as none.
fn passwd_entry(uid: u32) -> Option<Passwd> {
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value of this plain C struct.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to memory we own, `buf.len()` is its length; on success `found`
    // points to `pw`, whose strings (never null) point into `buf`, which outlives their use.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() {
        return None;
    }
    // SAFETY: NUL-terminated strings inside `buf` (see above).
    let (name, home) = unsafe { (std::ffi::CStr::from_ptr(pw.pw_name), std::ffi::CStr::from_ptr(pw.pw_dir)) };
    Some(Passwd {
        name: name.to_string_lossy().into_owned(),
        home: PathBuf::from(home.to_string_lossy().into_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_never_values() {
        let env = Env::from_pairs([("DATABASE_URL", "postgresql://u:s3cret@h/db")]);
        let d = format!("{env:?}");
        assert!(d.contains("DATABASE_URL") && !d.contains("s3cret"), "{d}");
    }

    #[test]
    fn the_process_environment_is_read() {
        // PATH is set wherever tests run.
        assert!(Env::from_process().unwrap().get("PATH").is_some());
    }

    #[test]
    fn variables_that_are_not_utf8_are_remembered_by_name() {
        use std::os::unix::ffi::OsStringExt;
        let bad = || std::ffi::OsString::from_vec(vec![b'p', 0xff, b'w']);
        let env = Env::from_os_vars([
            ("PGHOST".into(), "db".into()),
            ("PGPASSWORD".into(), bad()),
            (bad(), "ignored".into()),
        ]);
        assert_eq!(env.get("PGHOST"), Some("db"));
        assert_eq!(env.get("PGPASSWORD"), None);
        let e = env.check_utf8(&["PG*"]).unwrap_err().to_string();
        assert!(e.contains("PGPASSWORD") && !e.contains("PGHOST"), "{e}");
        assert_eq!(env.vars.len(), 1, "a name that is not UTF-8 is skipped");
    }

    #[test]
    fn a_variable_that_is_not_utf8_fails_only_when_it_is_read() {
        let env = Env { not_utf8: vec!["PGPASSWORD".into(), "OTHER".into()], ..Env::default() };
        let e = env.check_utf8(&["DATABASE_URL", "PG*"]).unwrap_err().to_string();
        assert!(e.contains("PGPASSWORD") && e.contains("not valid UTF-8"), "{e}");
        assert!(env.check_utf8(&["DATABASE_URL", "POSTGRES_*"]).is_ok());
        assert!(Env::default().check_utf8(&["PG*"]).is_ok());
    }

    #[test]
    fn only_in_dotenv_means_set_in_the_file_and_not_in_the_process() {
        let dir = crate::test_support::TempDir::new("env");
        let path = dir.file(".env", "A=file\nB=file\nC=file\n");
        let mut env = Env::from_pairs([("A", "process"), ("C", "")]);
        env.load_dotenv(&path).unwrap();
        assert_eq!(env.dotenv_path.as_deref(), Some(path.as_path()));
        assert_eq!((env.get("A"), env.get("B"), env.get("C")), (Some("process"), Some("file"), Some("file")));
        assert!(!env.only_in_dotenv("A"), "the process wins");
        assert!(env.only_in_dotenv("B"));
        assert!(env.only_in_dotenv("C"), "an empty process variable counts as unset");
        assert!(!env.only_in_dotenv("D"));
    }

    #[test]
    fn a_bad_dotenv_line_is_named_by_number_and_variable_never_by_value() {
        let dir = crate::test_support::TempDir::new("env-bad");
        let path = dir.file(".env", "OK=1\nOTHER=2\nexport A.B_C1=\"postgresql://u:s3cret@h/db\n");
        let e = Env::default().load_dotenv(&path).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("(variable A.B_C1)"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }

    #[test]
    fn home_and_user_are_the_processes() {
        if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            assert_eq!(home_dir(), Some(PathBuf::from(h)));
        }
        assert!(home_dir().is_some_and(|h| h.is_absolute()));
        let id = std::process::Command::new("id").arg("-un").output().unwrap();
        assert_eq!(os_user_name(), String::from_utf8_lossy(&id.stdout).trim());
    }

    #[test]
    fn home_is_home_when_set_else_the_password_database() {
        let passwd = || Some(PathBuf::from("/home/from-passwd"));
        assert_eq!(home_from(Some("/home/set".into()), passwd), Some(PathBuf::from("/home/set")));
        assert_eq!(
            home_from(Some("/home/set".into()), || panic!("not asked when HOME is set")),
            Some(PathBuf::from("/home/set"))
        );
        // Unset or empty (libpq: `home && home[0]`), the password database.
        assert_eq!(home_from(None, passwd), Some(PathBuf::from("/home/from-passwd")));
        assert_eq!(home_from(Some("".into()), passwd), Some(PathBuf::from("/home/from-passwd")));
        // A user without an entry and without HOME has no home directory.
        assert_eq!(home_from(None, || None), None);
    }

    #[test]
    fn the_user_is_the_password_databases_else_user_else_postgres() {
        assert_eq!(user_from(Some("db".into()), Some("env".into())), "db");
        assert_eq!(user_from(None, Some("env".into())), "env");
        assert_eq!(user_from(None, None), "postgres");
    }

    #[test]
    fn a_uid_without_a_password_entry_has_none() {
        // Root has an entry everywhere; a uid in the billions has none (a container's arbitrary
        // UID is like it: without HOME, no home directory, and the user name from $USER).
        let root = passwd_entry(0).expect("root has an entry");
        assert_eq!(root.name, "root");
        assert!(root.home.is_absolute(), "{root:?}");
        assert_eq!(passwd_entry(3_141_592_653), None);
        // The effective user's entry is what `id` says.
        let id = std::process::Command::new("id").arg("-un").output().unwrap();
        let me = own_passwd_entry();
        assert_eq!(me.map(|p| p.name).as_deref(), Some(String::from_utf8_lossy(&id.stdout).trim()));
    }
}
