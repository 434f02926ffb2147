//! Running the real `pg_dump` and `pg_restore`: finding a suitable pair, handing them the
//! connection through libpq's environment variables (never on the command line), and running
//! them with their messages read line by line.
//!
//! The password goes in a password file that exists only in memory (`memfd_create`), mode 0600,
//! open in the child alone, named by `PGPASSFILE=/proc/self/fd/N`: it is neither on the command
//! line nor in the environment (`ps e` shows neither), nor on disk, and it vanishes with the
//! child however it ends. TLS settings map to libpq's own variables (`PGSSLMODE`,
//! `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, `PGCHANNELBINDING`): towow-db implements the same six
//! sslmodes with rustls, so the child connects exactly as towow-db does. The connect deadline is
//! always passed (`PGCONNECT_TIMEOUT`), and towow-db's TCP keepalives go in a service file in
//! memory (`PGSERVICEFILE`, `PGSERVICE`): libpq has no variable for them. The child's environment
//! starts empty: only [`INHERITED`] (where programs and libraries are, the locale, the time zone)
//! comes from towow-db's, so that nothing but the resolved connection reaches it (not
//! `DATABASE_URL`, `POSTGRES_PASSWORD`, `TOWOW_*_PASSWORD`, nor another `PG*` variable).

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result, anyhow, bail};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::admin::pgbin::{self, Bindir};
use crate::connect::tls::SYSTEM_ROOTS;
use crate::connect::{ConnConfig, setup};

/// `pg_dump` and `pg_restore` of major `min_major` or newer, the newest found first. The search
/// runs each candidate's `--version`: on a blocking thread, not on the runtime's one.
pub async fn find(min_major: u32) -> Result<Bindir> {
    tokio::task::spawn_blocking(move || find_now(min_major)).await?
}

fn find_now(min_major: u32) -> Result<Bindir> {
    pgbin::find(
        &pgbin::DUMP_PROGRAMS,
        Some(min_major),
        &format!(
            "pg_dump refuses to dump a server newer than itself, and pg_restore to read a newer pg_dump's \
             archive. Install the PostgreSQL {min_major} client tools or newer (Debian/Ubuntu: \
             `apt-get install postgresql-client-{min_major}` from apt.postgresql.org) and put them on \
             PATH, or set {} to their bin directory",
            pgbin::BINDIR_ENV
        ),
    )
}

/// The variables a child inherits from towow-db's environment (besides `LC_*`): none of them can
/// hold a connection or a secret. `LD_LIBRARY_PATH` finds the libpq of client tools installed
/// outside the system's library path.
pub const INHERITED: &[&str] = &["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "LD_LIBRARY_PATH"];

fn inherited(name: &str) -> bool {
    INHERITED.contains(&name) || name.starts_with("LC_")
}

/// The connection of a child: libpq's variables, and the in-memory password file.
pub struct ChildConn {
    vars: Vec<(&'static str, OsString)>,
    passfile: Option<File>,
    servicefile: File,
}

impl std::fmt::Debug for ChildConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(k, _)| *k).collect();
        f.debug_struct("ChildConn").field("vars", &names).field("passfile", &self.passfile.is_some()).finish()
    }
}

/// A `.pgpass` field: `\` and `:` escaped.
fn pgpass_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(':', "\\:")
}

/// A file in memory (`memfd_create`), mode 0600, holding `text`, closed on exec (each child
/// re-opens it, see [`ChildConn::apply`]).
#[cfg(target_os = "linux")]
fn memory_file(name: &std::ffi::CStr, what: &str, text: &str) -> Result<File> {
    // SAFETY: memfd_create with a valid C string; the descriptor is owned by the File below.
    let fd = unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("cannot create the in-memory {what}"));
    }
    // SAFETY: fd is a new descriptor that nothing else owns.
    let mut f = unsafe { File::from_raw_fd(fd) };
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(text.as_bytes())?;
    Ok(f)
}

#[cfg(not(target_os = "linux"))]
fn memory_file(_name: &std::ffi::CStr, what: &str, _text: &str) -> Result<File> {
    bail!("backups need Linux (the {what} reaches pg_dump through an in-memory file)")
}

/// The password file: one line for every host, port, database and user.
fn memory_passfile(password: &str) -> Result<File> {
    if password.contains(['\n', '\r']) {
        bail!("the password contains a line break, which a libpq password file cannot hold");
    }
    memory_file(c"towow-db-pgpass", "password file", &format!("*:*:*:*:{}\n", pgpass_escape(password)))
}

/// The service that every child connects with (`PGSERVICE`): the connection parameters libpq
/// has no environment variable for, towow-db's TCP keepalives.
const SERVICE: &str = "towow-db";

/// The service file's text: towow-db's keepalives (`connect::setup`), or none when the
/// connection string says `keepalives=0`.
fn service_text(cfg: &ConnConfig) -> String {
    let k = &cfg.keepalives;
    if k.off {
        return format!("[{SERVICE}]\nkeepalives=0\n");
    }
    format!(
        "[{SERVICE}]\nkeepalives=1\nkeepalives_idle={}\nkeepalives_interval={}\nkeepalives_count={}\n",
        k.idle.unwrap_or(setup::KEEPALIVES_IDLE).as_secs(),
        k.interval.unwrap_or(setup::KEEPALIVES_INTERVAL).as_secs(),
        k.count.unwrap_or(setup::KEEPALIVES_COUNT)
    )
}

impl ChildConn {
    /// The variables for connecting to `cfg` with a client of major `client_major`.
    pub fn new(cfg: &ConnConfig, client_major: u32) -> Result<ChildConn> {
        let mut vars: Vec<(&'static str, OsString)> = Vec::new();
        if !cfg.hosts.is_empty() {
            vars.push(("PGHOST", cfg.hosts.join(",").into()));
        }
        if !cfg.ports.is_empty() {
            let ports: Vec<String> = cfg.ports.iter().map(|p| p.to_string()).collect();
            vars.push(("PGPORT", ports.join(",").into()));
        }
        vars.push(("PGUSER", cfg.user_or_default().into()));
        vars.push(("PGDATABASE", cfg.dbname_or_default().into()));
        vars.push(("PGSSLMODE", cfg.sslmode.as_str().into()));
        if let Some(p) = &cfg.sslrootcert {
            if p == Path::new(SYSTEM_ROOTS) && client_major < 16 {
                bail!(
                    "sslrootcert=system needs the PostgreSQL 16 client tools or newer (found {client_major}): \
                     give the root certificate's file instead, or install newer client tools"
                );
            }
            vars.push(("PGSSLROOTCERT", p.into()));
        }
        if let Some(p) = &cfg.sslcert {
            vars.push(("PGSSLCERT", p.into()));
        }
        if let Some(p) = &cfg.sslkey {
            vars.push(("PGSSLKEY", p.into()));
        }
        vars.push(("PGCHANNELBINDING", cfg.channel_binding.as_str().into()));
        if let Some(o) = &cfg.options {
            vars.push(("PGOPTIONS", o.into()));
        }
        // towow-db's own deadline (its default when the connection string sets none), so that a
        // child never waits for ever on a server that accepts and never answers.
        let deadline = cfg.connect_timeout.unwrap_or(setup::DEFAULT_CONNECT_TIMEOUT);
        vars.push(("PGCONNECT_TIMEOUT", deadline.as_secs().max(2).to_string().into()));
        vars.push(("PGSERVICE", SERVICE.into()));
        // Several hosts: the child finds the same kind of server (libpq knows every value from
        // 14 on, `read-write` long before).
        if let Some(t) = cfg.target_session_attrs
            && (client_major >= 14 || matches!(t.as_str(), "any" | "read-write"))
        {
            vars.push(("PGTARGETSESSIONATTRS", t.as_str().into()));
        }
        let passfile = match &cfg.password {
            Some(pw) => Some(memory_passfile(pw)?),
            None => None,
        };
        let servicefile = memory_file(c"towow-db-pgservice", "service file", &service_text(cfg))?;
        Ok(ChildConn { vars, passfile, servicefile })
    }

    /// The same connection with another database.
    pub fn with_dbname(mut self, dbname: &str) -> ChildConn {
        for (k, v) in &mut self.vars {
            if *k == "PGDATABASE" {
                *v = dbname.into();
            }
        }
        self
    }

    /// Set the child's environment: [`INHERITED`] from towow-db's, the connection's variables,
    /// nothing else.
    pub fn apply(&self, cmd: &mut tokio::process::Command) {
        cmd.env_clear();
        for (k, v) in std::env::vars_os() {
            if inherited(&k.to_string_lossy()) {
                cmd.env(k, v);
            }
        }
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        let passfd = self.passfile.as_ref().map(|f| f.as_raw_fd());
        if let Some(fd) = passfd {
            cmd.env("PGPASSFILE", format!("/proc/self/fd/{fd}"));
        } else {
            // No password: never fall back to ~/.pgpass entries that towow-db did not choose.
            cmd.env("PGPASSFILE", "/dev/null");
        }
        let servicefd = self.servicefile.as_raw_fd();
        cmd.env("PGSERVICEFILE", format!("/proc/self/fd/{servicefd}"));
        // SAFETY: only async-signal-safe calls (fcntl, prctl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Keep the in-memory files open across exec in this child only.
                for fd in passfd.into_iter().chain([servicefd]) {
                    if libc::fcntl(fd, libc::F_SETFD, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                // Die with towow-db: a killed backup never leaves a pg_dump writing on.
                #[cfg(target_os = "linux")]
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
    }
}

/// A conninfo string naming only a database (for `pg_restore --dbname`, which would read a bare
/// name containing `=` as a connection string). Host, user and the rest come from the environment.
pub fn dbname_conninfo(dbname: &str) -> String {
    format!("dbname='{}'", dbname.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The outcome of a child run that failed.
#[derive(Debug)]
pub struct ToolFailed {
    pub message: String,
}

impl std::fmt::Display for ToolFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolFailed {}

/// Whether a message line of pg_dump/pg_restore says something went wrong (not `-v` chatter).
fn is_problem(line: &str) -> bool {
    ["error:", "warning:", "detail:", "hint:", "FATAL", "ERROR", "WARNING", "DETAIL", "HINT"]
        .iter()
        .any(|w| line.contains(w))
}

/// A running child, in a process group of its own with its parallel workers. Dropped before it
/// was waited for (Ctrl-C dropped the command, see `interrupt`), the group gets SIGTERM (pg_dump
/// and pg_restore then cancel their queries) and a cleanup waits until every process of the group
/// has ended.
struct Running {
    child: Option<tokio::process::Child>,
    what: String,
}

/// How long a child and its workers may take to stop after SIGTERM before they are killed.
const STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether any process of group `pgid` is left.
fn group_alive(pgid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the group exists.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

impl Drop for Running {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let Some(pid) = child.id().map(|p| p as i32) else { return };
        // SAFETY: the group of our own child, which has not been reaped yet.
        unsafe {
            libc::kill(-pid, libc::SIGTERM);
        }
        let what = std::mem::take(&mut self.what);
        crate::interrupt::defer(crate::interrupt::Stage::Processes, async move {
            let stopped = async {
                let _ = child.wait().await;
                while group_alive(pid) {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            };
            match tokio::time::timeout(STOP_WAIT, stopped).await {
                Ok(()) => Ok(format!("{what} was stopped")),
                Err(_) => {
                    // SAFETY: as above; the leader may be gone, its workers are still in the group.
                    unsafe {
                        libc::kill(-pid, libc::SIGKILL);
                    }
                    Err(format!("{what} did not stop within {} s and was killed", STOP_WAIT.as_secs()))
                }
            }
        });
    }
}

/// Run a prepared `pg_dump`/`pg_restore`: its messages go to `-vv` logging and, line by line, to
/// `on_line`; a failure returns [`ToolFailed`] with its error lines. Ctrl-C drops this future
/// with the command: the child is then stopped (see [`Running`]).
pub async fn run(mut cmd: tokio::process::Command, what: &str, mut on_line: impl FnMut(&str)) -> Result<()> {
    // A group of its own: stopped as a whole, and a terminal's Ctrl-C reaches towow-db alone,
    // which stops it.
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).kill_on_drop(true).process_group(0);
    tracing::debug!("running {what}: {:?}", cmd.as_std());
    let mut child = cmd.spawn().with_context(|| format!("cannot run {what}"))?;
    let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr from {what}"))?;
    let mut running = Running { child: Some(child), what: what.to_string() };
    let mut stderr = BufReader::new(stderr);
    let mut problems: Vec<String> = Vec::new();
    // Raw bytes to the end, whatever a line holds: pg_dump writes names in the database's
    // encoding (LATIN1, …), and a child whose pipe is no longer read blocks for ever.
    let mut raw = Vec::new();
    loop {
        raw.clear();
        match stderr.read_until(b'\n', &mut raw).await {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                tracing::debug!("cannot read the messages of {what}: {e}");
                break;
            }
        }
        let text = String::from_utf8_lossy(&raw);
        let line = text.trim_end_matches(['\n', '\r']);
        tracing::debug!("{line}");
        if is_problem(line) {
            if problems.len() == 20 {
                problems.remove(0);
            }
            problems.push(line.to_string());
        }
        on_line(line);
    }
    let child = running.child.as_mut().ok_or_else(|| anyhow!("{what} is gone"))?;
    let status = child.wait().await.with_context(|| format!("waiting for {what}"))?;
    // Reaped: nothing left to stop.
    running.child = None;
    if status.success() {
        return Ok(());
    }
    let detail = if problems.is_empty() { String::from("(no message)") } else { problems.join("\n  ") };
    Err(ToolFailed { message: format!("{what} failed ({status}):\n  {detail}") }.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_fields_escape_colons_and_backslashes() {
        assert_eq!(pgpass_escape(r"a:b\c"), r"a\:b\\c");
        assert_eq!(dbname_conninfo("it's a=b"), r"dbname='it\'s a=b'");
    }

    #[test]
    fn the_service_file_carries_towow_dbs_keepalives() {
        let c = ConnConfig::parse("postgresql://u@h/d", crate::connect::Source::Flag).unwrap();
        assert_eq!(
            service_text(&c),
            "[towow-db]\nkeepalives=1\nkeepalives_idle=60\nkeepalives_interval=10\nkeepalives_count=6\n"
        );
        let c = ConnConfig::parse(
            "postgresql://u@h/d?keepalives_idle=7&keepalives_count=2",
            crate::connect::Source::Flag,
        )
        .unwrap();
        assert!(service_text(&c).contains("keepalives_idle=7\nkeepalives_interval=10\nkeepalives_count=2\n"));
        let c = ConnConfig::parse("postgresql://u@h/d?keepalives=0", crate::connect::Source::Flag).unwrap();
        assert_eq!(service_text(&c), "[towow-db]\nkeepalives=0\n");
    }

    #[test]
    fn children_inherit_no_connection_variable() {
        for name in ["PATH", "LANG", "LC_ALL", "LC_MESSAGES", "TZ"] {
            assert!(inherited(name), "{name}");
        }
        for name in [
            "DATABASE_URL",
            "DIRECT_DATABASE_URL",
            "POSTGRES_PASSWORD",
            "TOWOW_APP_PASSWORD",
            "PGPASSWORD",
            "PGSERVICE",
            "PATHX",
        ] {
            assert!(!inherited(name), "{name}");
        }
    }
}
