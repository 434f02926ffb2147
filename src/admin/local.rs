//! The managed local cluster: a PostgreSQL cluster that towow-db creates and runs itself from the
//! installed server binaries, on loopback and a private socket directory, with a `towow` role and
//! database. It is the default when no connection is configured, and the test suite's server.
//!
//! `initdb` and `postgres` refuse to run as root: as root, the server runs as the `postgres` user
//! (or `nobody`), and its data lives where that user can reach (never under `/root`).

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::error::PgContext;
use anyhow::{Context, Result, anyhow, bail};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::connect::{ConnConfig, Source, SslMode};

/// Environment variable that overrides where the cluster lives.
pub const DIR_ENV: &str = "TOWOW_LOCAL_DIR";
use super::pgbin;
pub use super::pgbin::{BINDIR_ENV, major_version};

/// What `local.json` keeps about a cluster (mode 0600: it holds the password; `Debug` hides it).
#[derive(Clone, Serialize, Deserialize)]
pub struct LocalState {
    pub port: u16,
    pub user: String,
    pub password: String,
    pub dbname: String,
    pub bindir: PathBuf,
    pub version: String,
}

impl std::fmt::Debug for LocalState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalState")
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"***")
            .field("dbname", &self.dbname)
            .field("bindir", &self.bindir)
            .field("version", &self.version)
            .finish()
    }
}

/// Options for creating a cluster.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Trade durability for speed (fsync off): for throwaway test clusters.
    pub unsafe_fast: bool,
    /// Extra `postgresql.conf` lines.
    pub extra_conf: Vec<String>,
    /// Use these server binaries instead of discovering them.
    pub bindir: Option<PathBuf>,
    /// Listen on this port instead of a free one chosen at creation.
    pub port: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct LocalCluster {
    pub dir: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct LocalStatus {
    pub dir: PathBuf,
    pub exists: bool,
    pub running: bool,
    pub port: Option<u16>,
    pub version: Option<String>,
    pub url: Option<String>,
}

/// An unprivileged user to run the server as, when we are root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

use super::is_root;

fn lookup_user(name: &str) -> Option<RunAs> {
    let cname = std::ffi::CString::new(name).ok()?;
    // SAFETY: getpwnam returns NULL or a pointer to static storage that we read immediately.
    unsafe {
        let pw = libc::getpwnam(cname.as_ptr());
        if pw.is_null() { None } else { Some(RunAs { uid: (*pw).pw_uid, gid: (*pw).pw_gid }) }
    }
}

fn run_as() -> Result<Option<RunAs>> {
    if !is_root() {
        return Ok(None);
    }
    ["postgres", "nobody"].iter().find_map(|u| lookup_user(u)).map(Some).ok_or_else(|| {
        anyhow!(
            "running as root, and there is no `postgres` or `nobody` user to run the PostgreSQL server as"
        )
    })
}

fn chown(path: &Path, who: Option<RunAs>) -> Result<()> {
    if let Some(w) = who {
        std::os::unix::fs::chown(path, Some(w.uid), Some(w.gid))
            .with_context(|| format!("cannot hand {} to the server's user", path.display()))?;
    }
    Ok(())
}

/// Find the PostgreSQL server binaries (see [`super::pgbin`]: `$TOWOW_PG_BINDIR`, `PATH`,
/// `pg_config --bindir`, `/usr/lib/postgresql/*/bin`, the newest first).
pub fn find_bindir() -> Result<PathBuf> {
    pgbin::find(
        &pgbin::SERVER_PROGRAMS,
        None,
        &format!("install them (e.g. `apt-get install postgresql`), put them on PATH, or set {BINDIR_ENV}"),
    )
    .map(|b| b.dir)
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").context("cannot find a free port on 127.0.0.1")?;
    Ok(l.local_addr()?.port())
}

fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

fn random_password() -> String {
    const CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect()
}

/// Holds an exclusive lock (`flock`) on the cluster directory while it is created or started, so
/// that two towow-db processes starting at once do not both run initdb; closing the file unlocks.
struct DirLock(#[allow(dead_code)] fs::File);

impl DirLock {
    fn take(dir: &Path) -> Result<DirLock> {
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(dir.join(".lock"))
            .with_context(|| format!("cannot open the lock file in {}", dir.display()))?;
        f.lock().with_context(|| format!("cannot lock {}", dir.display()))?;
        Ok(DirLock(f))
    }
}

impl LocalCluster {
    /// The per-user cluster: `$TOWOW_LOCAL_DIR`, else `$XDG_DATA_HOME/towow-db/local` (or
    /// `~/.local/share/towow-db/local`); for root `/var/lib/towow-db/root`, which the server's
    /// unprivileged user can reach.
    pub fn default_dir() -> PathBuf {
        if let Some(d) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
            return PathBuf::from(d);
        }
        super::user_data_dir("local", "root")
    }

    pub fn new(dir: impl Into<PathBuf>) -> LocalCluster {
        LocalCluster { dir: dir.into() }
    }

    pub fn default_cluster() -> LocalCluster {
        LocalCluster::new(Self::default_dir())
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }
    fn sock(&self) -> PathBuf {
        self.dir.join("sock")
    }
    fn log(&self) -> PathBuf {
        self.dir.join("server.log")
    }
    fn state_path(&self) -> PathBuf {
        self.dir.join("local.json")
    }

    pub fn exists(&self) -> bool {
        self.data().join("PG_VERSION").is_file() && self.state_path().is_file()
    }

    pub fn state(&self) -> Result<LocalState> {
        let p = self.state_path();
        let text = fs::read_to_string(&p).with_context(|| {
            format!("the local cluster at {} is not set up (run `towow-db local start`)", self.dir.display())
        })?;
        serde_json::from_str(&text).with_context(|| format!("{} is damaged", p.display()))
    }

    fn save_state(&self, st: &LocalState) -> Result<()> {
        let p = self.state_path();
        let tmp = self.dir.join("local.json.tmp");
        let mut f = fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(serde_json::to_string_pretty(st)?.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &p)?;
        Ok(())
    }

    fn command(&self, bindir: &Path, prog: &str, who: Option<RunAs>) -> Command {
        let mut c = Command::new(bindir.join(prog));
        c.current_dir(&self.dir).env("LC_ALL", "C").env_remove("PGDATA");
        if let Some(w) = who {
            c.uid(w.uid).gid(w.gid);
        }
        c
    }

    fn run(&self, mut c: Command, what: &str) -> Result<Output> {
        let out = c.stdin(Stdio::null()).output().with_context(|| format!("cannot run {what}"))?;
        if !out.status.success() {
            bail!(
                "{what} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim(),
                self.log_tail()
            );
        }
        Ok(out)
    }

    fn log_tail(&self) -> String {
        match fs::read_to_string(self.log()) {
            Ok(t) if !t.trim().is_empty() => {
                let lines: Vec<&str> = t.lines().collect();
                let tail = &lines[lines.len().saturating_sub(8)..];
                format!("\n--- last lines of {} ---\n{}", self.log().display(), tail.join("\n"))
            }
            _ => String::new(),
        }
    }

    /// Create the cluster (initdb) if it does not exist. Returns whether it was created.
    pub fn init(&self, opts: &InitOptions) -> Result<bool> {
        let who = run_as()?;
        fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let _lock = DirLock::take(&self.dir)?;
        if self.exists() {
            return Ok(false);
        }
        let bindir = match &opts.bindir {
            Some(b) => b.clone(),
            None => find_bindir()?,
        };
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o755))?;
        chown(&self.dir, who)?;
        if self.data().exists() {
            // A half-made cluster from an interrupted initdb: start over.
            fs::remove_dir_all(self.data())?;
        }
        fs::create_dir_all(self.sock())?;
        fs::set_permissions(self.sock(), fs::Permissions::from_mode(0o700))?;
        chown(&self.sock(), who)?;
        let password = random_password();
        let pwfile = self.dir.join(".pwfile");
        {
            let mut f =
                fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(&pwfile)?;
            f.write_all(password.as_bytes())?;
        }
        chown(&pwfile, who)?;
        let user = "towow".to_string();
        let mut vc = self.command(&bindir, "postgres", who);
        vc.arg("--version");
        let version = self
            .run(vc, "postgres --version")
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        let mut c = self.command(&bindir, "initdb", who);
        c.arg("-D")
            .arg(self.data())
            .arg("-U")
            .arg(&user)
            .arg(format!("--pwfile={}", pwfile.display()))
            .args(["-A", "scram-sha-256", "-E", "UTF8", "--no-locale"]);
        // initdb learned --no-instructions in 14.
        if major_version(&version).is_none_or(|m| m >= 14) {
            c.arg("--no-instructions");
        }
        if opts.unsafe_fast {
            c.arg("--no-sync");
        }
        let res = self.run(c, "initdb");
        let _ = fs::remove_file(&pwfile);
        res?;
        let mut conf = vec![
            "# added by towow-db".to_string(),
            "listen_addresses = '127.0.0.1'".to_string(),
            format!("unix_socket_directories = '{}'", self.sock().display()),
            "track_io_timing = on".to_string(),
            "log_line_prefix = '%m [%p] %q%u@%d '".to_string(),
        ];
        // Debian keeps extension libraries in <prefix>/lib, a plain `make install` (and the
        // embedded-postgres packages) in <prefix>/lib/postgresql.
        let libdir = bindir.parent().map(|p| p.join("lib")).unwrap_or_default();
        if [libdir.join("pg_stat_statements.so"), libdir.join("postgresql/pg_stat_statements.so")]
            .iter()
            .any(|p| p.is_file())
        {
            conf.push("shared_preload_libraries = 'pg_stat_statements'".to_string());
        }
        if opts.unsafe_fast {
            conf.extend(
                ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
                    .iter()
                    .map(|s| s.to_string()),
            );
        }
        conf.extend(opts.extra_conf.iter().cloned());
        let mut f = fs::OpenOptions::new().append(true).open(self.data().join("postgresql.conf"))?;
        writeln!(f, "\n{}", conf.join("\n"))?;
        self.save_state(&LocalState {
            port: match opts.port {
                Some(p) => p,
                None => free_port()?,
            },
            user,
            password,
            dbname: "towow".into(),
            bindir,
            version,
        })?;
        Ok(true)
    }

    /// Whether the server runs (`pg_ctl status`).
    pub fn is_running(&self) -> Result<bool> {
        if !self.exists() {
            return Ok(false);
        }
        let st = self.state()?;
        let out = self
            .command(&st.bindir, "pg_ctl", run_as()?)
            .arg("status")
            .arg("-D")
            .arg(self.data())
            .stdin(Stdio::null())
            .output()
            .context("cannot run pg_ctl status")?;
        Ok(out.status.success())
    }

    /// Create the cluster if needed and start it if it is not running. Returns (created, started).
    pub fn start(&self, opts: &InitOptions) -> Result<(bool, bool)> {
        let created = self.init(opts)?;
        let _lock = DirLock::take(&self.dir)?;
        if self.is_running()? {
            return Ok((created, false));
        }
        let mut st = self.state()?;
        if let Some(p) = opts.port.filter(|p| *p != st.port) {
            st.port = p;
            self.save_state(&st)?;
        } else if opts.port.is_none() && !port_is_free(st.port) {
            // Another program took the port since the cluster last ran: move to a free one.
            st.port = free_port()?;
            self.save_state(&st)?;
        }
        let who = run_as()?;
        let mut c = self.command(&st.bindir, "pg_ctl", who);
        c.arg("start")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.log())
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {} -k {}", st.port, self.sock().display()))
            .stdout(Stdio::null());
        // The log must be writable by the server's user.
        if !self.log().exists() {
            fs::File::create(self.log())?;
        }
        chown(&self.log(), who)?;
        self.run(c, "pg_ctl start")?;
        Ok((created, true))
    }

    /// Stop the server (fast shutdown). Returns whether it was running.
    pub fn stop(&self) -> Result<bool> {
        if !self.is_running()? {
            return Ok(false);
        }
        let st = self.state()?;
        let mut c = self.command(&st.bindir, "pg_ctl", run_as()?);
        c.args(["stop", "-m", "fast", "-w", "-D"]).arg(self.data()).stdout(Stdio::null());
        self.run(c, "pg_ctl stop")?;
        Ok(true)
    }

    /// The files and folders towow-db makes in a cluster directory: `destroy` deletes these and
    /// nothing else.
    const ENTRIES: [&'static str; 7] =
        ["data", "sock", "local.json", "local.json.tmp", "server.log", ".pwfile", ".lock"];

    /// Fail unless the directory holds a towow-db cluster (even a half-made one): what `destroy`
    /// checks before deleting anything, and `local destroy` before asking.
    pub fn ensure_cluster(&self) -> Result<()> {
        if self.state_path().is_file() || self.data().join("PG_VERSION").is_file() {
            return Ok(());
        }
        bail!(
            "{} does not hold a towow-db cluster (no local.json, no data/PG_VERSION): not deleting anything in it",
            self.dir.display()
        )
    }

    /// Stop the server (immediately) and delete what towow-db made in the directory (the cluster's
    /// data, socket folder, state and log), then the directory itself if nothing else is in it.
    /// Refuses a directory that does not hold a towow-db cluster. Returns whether the directory
    /// itself was removed.
    pub fn destroy(&self) -> Result<bool> {
        if !self.dir.exists() {
            return Ok(true);
        }
        self.ensure_cluster()?;
        if self.exists()
            && let Ok(st) = self.state()
            && self.is_running().unwrap_or(false)
        {
            let mut c = self.command(&st.bindir, "pg_ctl", run_as()?);
            c.args(["stop", "-m", "immediate", "-w", "-D"]).arg(self.data()).stdout(Stdio::null());
            self.run(c, "pg_ctl stop")?;
        }
        for name in Self::ENTRIES {
            let p = self.dir.join(name);
            let res = if p.is_dir() { fs::remove_dir_all(&p) } else { fs::remove_file(&p) };
            match res {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot delete {}", p.display())),
            }
        }
        Ok(fs::remove_dir(&self.dir).is_ok())
    }

    /// The connection settings of the cluster (its `towow` database, over TCP on loopback).
    pub fn conn_config(&self) -> Result<ConnConfig> {
        let st = self.state()?;
        let mut c = ConnConfig::empty(Source::Local);
        c.hosts = vec!["127.0.0.1".into()];
        c.ports = vec![st.port];
        c.user = Some(st.user);
        c.password = Some(st.password);
        c.dbname = Some(st.dbname);
        c.sslmode = SslMode::Disable;
        Ok(c)
    }

    pub fn status(&self) -> Result<LocalStatus> {
        let exists = self.exists();
        let running = exists && self.is_running()?;
        let st = if exists { Some(self.state()?) } else { None };
        Ok(LocalStatus {
            dir: self.dir.clone(),
            exists,
            running,
            port: st.as_ref().map(|s| s.port),
            version: st.as_ref().map(|s| s.version.clone()),
            url: if exists { Some(self.conn_config()?.redacted_url()) } else { None },
        })
    }

    /// Start the cluster if needed and make sure its `towow` database exists.
    pub async fn ensure_ready(&self, opts: &InitOptions) -> Result<(ConnConfig, Readiness)> {
        let this = self.clone();
        let o = opts.clone();
        let (created, started) = tokio::task::spawn_blocking(move || this.start(&o))
            .await
            .context("starting the local cluster")??;
        let cfg = self.conn_config()?;
        if created {
            crate::connect::pool::ensure_database(&cfg, &crate::connect::ConnectOptions::default(), None)
                .await?;
        }
        if created || started {
            // So that `slow-query` works out of the box (also on clusters made before this).
            let db =
                crate::connect::Db::connect(cfg.clone(), crate::connect::ConnectOptions::default()).await?;
            db.get()
                .await?
                .batch_execute(CREATE_PG_STAT_STATEMENTS)
                .await
                .pg_context("cannot create pg_stat_statements in the local cluster")?;
        }
        let state = match (created, started) {
            (true, _) => Readiness::Created,
            (false, true) => Readiness::Started,
            (false, false) => Readiness::Running,
        };
        Ok((cfg, state))
    }
}

/// What [`LocalCluster::ensure_ready`] had to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Made (initdb) and started now.
    Created,
    /// Existed, started now.
    Started,
    /// Already running.
    Running,
}

/// `pg_stat_statements` in the local database when the server preloads it (its SQL objects are
/// per database; the library is loaded by `shared_preload_libraries`, set when the cluster is made).
const CREATE_PG_STAT_STATEMENTS: &str = "DO $$ BEGIN
  IF current_setting('shared_preload_libraries') ~ 'pg_stat_statements'
     AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') THEN
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
  END IF;
END $$";
