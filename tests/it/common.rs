//! The test server: one throwaway PostgreSQL cluster per test run, started with towow-db's own
//! `local` module from the installed server binaries (or `TOWOW_TEST_DATABASE_URL`), and a fresh
//! database per test. A reaper process deletes the cluster when the test process ends, however
//! it ends.

#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use towow_db::config::{ConnConfig, Source};
use towow_db::db::{ConnectOptions, Db};
use towow_db::local::{InitOptions, LocalCluster};

pub const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

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

/// Create and start a cluster in a new scratch directory (reaped at exit).
pub fn start_cluster(tag: &str, opts: InitOptions) -> (LocalCluster, ConnConfig) {
    let dir = scratch_dir(tag);
    let cluster = LocalCluster::new(&dir);
    reap_on_exit(&dir);
    cluster.start(&opts).expect("start the test cluster");
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

pub async fn scalar_i64(db: &Db, sql: &str) -> i64 {
    db.get().await.unwrap().query_one(sql, &[]).await.unwrap().get(0)
}

pub async fn scalar_bool(db: &Db, sql: &str) -> bool {
    db.get().await.unwrap().query_one(sql, &[]).await.unwrap().get(0)
}

/// Run SQL (one or more statements) on a pooled connection; panics on error.
pub async fn exec(db: &Db, sql: &str) {
    db.get().await.unwrap().batch_execute(sql).await.unwrap_or_else(|e| panic!("{sql}: {e:?}"));
}
