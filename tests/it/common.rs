//! The test server: one throwaway PostgreSQL cluster per test run, started with towow-db's own
//! `local` module from the installed server binaries (or `TOWOW_TEST_DATABASE_URL`), and a fresh
//! database per test. A reaper process deletes the cluster when the test process ends, however
//! it ends.

#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db, Source};

pub const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

/// The command that installs what the tests need (the README's test command).
pub const SETUP: &str = ".ci/test";

/// `health`'s host check switched off: the file system the test clusters live on is the test
/// machine's, as full as it happens to be, and not the subject of a test that judges the
/// database (`disk_used_pct` is tested against `df` in tests/it/history.rs).
pub const NOT_THE_HOST_DISK: [&str; 2] = ["--threshold", "disk_used_pct=none:none"];

/// A prerequisite the machine lacks: one line naming what is missing and the command that
/// installs it, then the whole test run stops (no panic, no backtrace per test).
pub fn missing_prerequisite(what: &str) -> ! {
    // Straight to the file descriptor: the test harness captures (and here would lose) eprintln!.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\ntowow-db tests: {what}; run `{SETUP}`, which installs what the tests need and runs them"
    );
    std::process::exit(1)
}

/// Whether `program` runs (found on PATH and starts).
pub fn has_program(program: &str, version_arg: &str) -> bool {
    Command::new(program).arg(version_arg).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

pub struct TestServer {
    pub base: ConnConfig,
    pub dir: Option<PathBuf>,
}

static SERVER: OnceLock<TestServer> = OnceLock::new();
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A directory under /tmp that the server's unprivileged user can reach.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let d = PathBuf::from(format!("/tmp/towow-test-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Delete `dir`'s cluster (and the directory) once this test process has exited.
pub fn reap_on_exit(dir: &std::path::Path) {
    let pid = std::process::id().to_string();
    let _ = Command::new("sh")
        .arg("-c")
        .arg("while kill -0 \"$0\" 2>/dev/null; do sleep 0.5; done; exec \"$1\" local destroy --yes")
        .arg(&pid)
        .arg(BIN)
        .env("TOWOW_LOCAL_DIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
}

/// A new, empty scratch directory that is deleted once this test process has exited.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = scratch_dir(tag);
    std::fs::create_dir_all(&d).expect("create a scratch directory");
    let _ = Command::new("sh")
        .arg("-c")
        .arg("while kill -0 \"$0\" 2>/dev/null; do sleep 0.5; done; rm -rf \"$1\"")
        .arg(std::process::id().to_string())
        .arg(&d)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
    d
}

/// A loopback port nothing listens on (a dead server's).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Create and start a cluster in a new scratch directory (reaped at exit).
pub fn start_cluster(tag: &str, opts: InitOptions) -> (LocalCluster, ConnConfig) {
    let dir = scratch_dir(tag);
    let cluster = LocalCluster::new(&dir);
    reap_on_exit(&dir);
    if let Err(e) = cluster.start(&opts) {
        if towow_db::admin::local::find_bindir().is_err() {
            missing_prerequisite(
                "the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed",
            );
        }
        panic!("start the test cluster: {e:#}");
    }
    let cfg = cluster.conn_config().unwrap();
    (cluster, cfg)
}

pub fn server() -> &'static TestServer {
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("TOWOW_TEST_DATABASE_URL") {
            let base = ConnConfig::parse(&url, Source::Given).expect("TOWOW_TEST_DATABASE_URL");
            return TestServer { base, dir: None };
        }
        let (cluster, mut base) = start_cluster(
            "main",
            InitOptions {
                unsafe_fast: true,
                extra_conf: vec!["max_connections = 200".into()],
                ..InitOptions::default()
            },
        );
        base.dbname = Some("postgres".into());
        TestServer { base, dir: Some(cluster.dir) }
    })
}

/// A new, empty database for one test; returns its connection settings.
pub async fn fresh_db(tag: &str) -> ConnConfig {
    fresh_db_on(&server().base, tag).await
}

/// A new, empty database on the server of `base` (a superuser URL to a maintenance database).
pub async fn fresh_db_on(base: &ConnConfig, tag: &str) -> ConnConfig {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("t_{}_{}_{n}", tag, std::process::id());
    let admin =
        Db::connect(base.clone(), ConnectOptions::default()).await.expect("connect to the test server");
    let c = admin.get().await.unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\"")).await.unwrap();
    c.batch_execute(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
    let mut cfg = base.clone();
    cfg.dbname = Some(name);
    cfg
}

pub async fn connect(cfg: &ConnConfig) -> Db {
    Db::connect(cfg.clone(), ConnectOptions::default()).await.expect("connect")
}

/// The towow-db binary with no connection variables from the environment, run in a scratch
/// directory (so no `.env` is read) with stdin closed (no terminal).
pub fn cmd() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k == "DATABASE_URL"
            || k == "DIRECT_DATABASE_URL"
            || k.starts_with("PG")
            || k.starts_with("POSTGRES_")
            || k.starts_with("TOWOW_")
            || k.starts_with("DB_POOL")
        {
            c.env_remove(k);
        }
    }
    c.current_dir(std::env::temp_dir()).stdin(Stdio::null());
    c
}

pub fn run(args: &[&str]) -> Output {
    cmd().args(args).output().expect("run towow-db")
}

pub fn run_url(cfg: &ConnConfig, args: &[&str]) -> Output {
    let url = cfg.url_with_password();
    let mut all = vec!["--url", url.as_str()];
    all.extend_from_slice(args);
    let out = run(&all);
    assert_no_panic(&out);
    out
}

/// [`run_url`] started in the background, its output piped.
pub fn run_bg(cfg: &ConnConfig, args: &[&str]) -> std::process::Child {
    let url = cfg.url_with_password();
    let mut all = vec!["--url", url.as_str()];
    all.extend_from_slice(args);
    cmd().args(&all).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "panic: {e}");
}

#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "exit {:?}\nstdout:\n{}\nstderr:\n{}", o.status.code(), stdout(o), stderr(o));
}

// Unnamed statements (query_typed), so that these helpers also work through PgBouncer.
pub async fn scalar_i64(db: &Db, sql: &str) -> i64 {
    db.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap().get(0)
}

pub async fn scalar_bool(db: &Db, sql: &str) -> bool {
    db.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap().get(0)
}

pub async fn scalar_text(db: &Db, sql: &str) -> String {
    db.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap().get(0)
}

/// Run SQL (one or more statements) on a pooled connection; panics on error.
pub async fn exec(db: &Db, sql: &str) {
    db.get().await.unwrap().batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}

/// A PgBouncer started by the tests on loopback in front of a server.
pub struct PgBouncer {
    /// Connection settings through PgBouncer (same user, password and database as the target).
    pub cfg: ConnConfig,
    pub dir: PathBuf,
    pub port: u16,
}

/// Debian's `pgbouncer` binary (`TOWOW_TEST_PGBOUNCER`, else on PATH or in /usr/sbin).
pub fn pgbouncer_bin() -> PathBuf {
    if let Some(b) = std::env::var_os("TOWOW_TEST_PGBOUNCER") {
        let b = PathBuf::from(b);
        if !b.is_file() {
            missing_prerequisite("PgBouncer is not installed (the pooler tests start it)");
        }
        return b;
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("pgbouncer")).find(|b| b.is_file()))
        .unwrap_or_default();
    let bin = on_path.unwrap_or_else(|| PathBuf::from("/usr/sbin/pgbouncer"));
    if !bin.is_file() {
        missing_prerequisite("PgBouncer is not installed (the pooler tests start it)");
    }
    bin
}

/// The unprivileged user to run servers as when we are root (PgBouncer refuses root).
pub fn unprivileged_owner() -> Option<(u32, u32)> {
    // SAFETY: geteuid/getpwnam have no preconditions; the entry is read at once.
    unsafe {
        if libc::geteuid() != 0 {
            return None;
        }
        for name in [c"postgres", c"nobody"] {
            let pw = libc::getpwnam(name.as_ptr());
            if !pw.is_null() {
                return Some(((*pw).pw_uid, (*pw).pw_gid));
            }
        }
    }
    None
}

/// Start PgBouncer on 127.0.0.1 in front of `target` (a TCP host) with `pool_mode` (`transaction`,
/// `session` or `statement`), authenticating `target`'s user with its password (scram-sha-256) via
/// an auth_file. Every database name is passed through. It stops when the test process exits.
pub fn start_pgbouncer(target: &ConnConfig, pool_mode: &str) -> PgBouncer {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir(&format!("pgbouncer-{pool_mode}"));
    let owner = unprivileged_owner();
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let user = target.user_or_default();
    let password = target.password.clone().expect("a password for PgBouncer's auth_file");
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let files = [
        ("userlist.txt", format!("{} {}\n", quote(&user), quote(&password)), 0o600),
        (
            "pgbouncer.ini",
            format!(
                "[databases]\n* = host={} port={}\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n\
                 unix_socket_dir =\nauth_type = scram-sha-256\nauth_file = {}\npool_mode = {pool_mode}\n\
                 default_pool_size = 4\nmax_client_conn = 200\nlogfile = {}\npidfile = {}\n",
                target.host(),
                target.port(),
                dir.join("userlist.txt").display(),
                dir.join("pgbouncer.log").display(),
                dir.join("pgbouncer.pid").display(),
            ),
            0o644,
        ),
    ];
    for (name, text, mode) in files {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    for p in [dir.clone(), dir.join("userlist.txt"), dir.join("pgbouncer.ini")] {
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        }
    }
    let mut c = Command::new(pgbouncer_bin());
    c.arg(dir.join("pgbouncer.ini")).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    if let Some((uid, gid)) = owner {
        c.uid(uid).gid(gid);
    }
    let mut child = c.process_group(0).spawn().expect("start pgbouncer (apt-get install pgbouncer)");
    let pid = child.id();
    // Reap it when it ends (no zombie).
    std::thread::spawn(move || child.wait());
    // Stop it when this test process ends, however it ends.
    let _ = Command::new("sh")
        .arg("-c")
        .arg("while kill -0 \"$0\" 2>/dev/null; do sleep 0.5; done; kill \"$1\"")
        .arg(std::process::id().to_string())
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "pgbouncer did not start: {}",
            std::fs::read_to_string(dir.join("pgbouncer.log")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let mut cfg = target.clone();
    cfg.hosts = vec!["127.0.0.1".into()];
    cfg.ports = vec![port];
    PgBouncer { cfg, dir, port }
}

/// PgBouncer's version line (`PgBouncer 1.18.0`).
pub fn pgbouncer_version() -> String {
    let o = Command::new(pgbouncer_bin()).arg("--version").output().expect("pgbouncer --version");
    String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or_default().to_string()
}

/// Poll `sql` (a boolean) until it is true: the cumulative statistics reach other sessions
/// with a delay (up to a second on 15+, the collector's interval before).
pub async fn wait_until(db: &Db, sql: &str) {
    wait_until_within(db, sql, Duration::from_secs(20)).await
}

/// [`wait_until`] with another time limit.
pub async fn wait_until_within(db: &Db, sql: &str, limit: Duration) {
    let start = Instant::now();
    loop {
        if scalar_bool(db, sql).await {
            return;
        }
        if start.elapsed() > limit {
            let rows = db
                .get()
                .await
                .unwrap()
                .simple_query(
                    "SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables",
                )
                .await
                .unwrap();
            let now: Vec<String> = rows
                .iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..4).map(|i| r.get(i).unwrap_or("").to_string()).collect::<Vec<_>>().join(" "))
                    }
                    _ => None,
                })
                .collect();
            panic!("timed out waiting for: {sql}\nstatistics now: {now:#?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
