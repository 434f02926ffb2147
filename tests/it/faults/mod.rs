//! The fault suite (docs/reliability.md): towow-db against servers that misbehave, signals,
//! restarts, a full disk, concurrency and hostile input. Each test asserts the exit status, a
//! time bound and what is left in the database. Every child process runs under a hard limit, so
//! that a regression fails the test instead of hanging the suite.

mod blackhole;
mod concurrency;
mod disk;
mod input;
mod interrupt;
mod locks;
mod privileges;
mod props;
mod signals;

use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use towow_db::connect::ConnConfig;

use crate::common::*;

/// A password that must never show in any output.
pub const SECRET: &str = "Fault-S3cret-pw";

/// What a run gave, and how long it took.
pub struct Timed {
    pub out: Output,
    pub took: Duration,
}

impl Timed {
    pub fn code(&self) -> Option<i32> {
        self.out.status.code()
    }

    pub fn stderr(&self) -> String {
        stderr(&self.out)
    }

    /// stdout and stderr together.
    pub fn all(&self) -> String {
        format!("{}{}", stdout(&self.out), stderr(&self.out))
    }
}

impl std::fmt::Debug for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {:?} after {:.2}s\n{}", self.code(), self.took.as_secs_f64(), self.all())
    }
}

/// Wait for `child`, killing it (SIGKILL) once `limit` has passed since `started`.
pub fn wait_limited(mut child: Child, started: Instant, limit: Duration) -> Timed {
    loop {
        match child.try_wait().expect("wait for towow-db") {
            Some(_) => break,
            None if started.elapsed() > limit => {
                let _ = child.kill();
                break;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let took = started.elapsed();
    let out = child.wait_with_output().expect("collect towow-db's output");
    Timed { out, took }
}

/// Spawn `c` with piped output.
pub fn spawn(c: &mut Command) -> Child {
    c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start towow-db")
}

/// Run `c` to its end, or kill it after `limit`.
pub fn run_limited(c: &mut Command, limit: Duration) -> Timed {
    let started = Instant::now();
    wait_limited(spawn(c), started, limit)
}

/// `towow-db --url URL ARGS…` (the test environment's connection variables removed).
pub fn url_cmd(url: &str, args: &[&str]) -> Command {
    let mut c = cmd();
    c.arg("--url").arg(url).args(args);
    c
}

/// A TCP listener that accepts connections (the kernel completes the handshake) and never
/// answers: what a firewall black-holing the port, a frozen proxy or a wrong service looks like.
pub fn black_hole() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a black-hole listener");
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// Sessions of towow-db (application_name) connected to the database of `cfg`.
pub async fn towow_backends(db: &towow_db::connect::Db, dbname: &str) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'towow-db' AND datname = '{dbname}' AND pid <> pg_backend_pid()"
    );
    scalar_i64(db, &sql).await
}

/// Poll until no towow-db session is left in the database; returns how long that took.
pub async fn backends_gone_within(db: &towow_db::connect::Db, dbname: &str, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if towow_backends(db, dbname).await == 0 {
            return started.elapsed();
        }
        if started.elapsed() > limit {
            let rows = db
                .get()
                .await
                .unwrap()
                .simple_query(&format!(
                    "SELECT pid, state, wait_event_type, wait_event, query FROM pg_stat_activity \
                     WHERE application_name = 'towow-db' AND datname = '{dbname}'"
                ))
                .await
                .unwrap();
            let left: Vec<String> = rows
                .iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                        (0..5).map(|i| r.get(i).unwrap_or("").to_string()).collect::<Vec<_>>().join(" | "),
                    ),
                    _ => None,
                })
                .collect();
            panic!("towow-db's backends still there after {limit:?}: {left:#?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Rows in the four ToWow tables.
pub async fn towow_rows(db: &towow_db::connect::Db) -> i64 {
    scalar_i64(
        db,
        "SELECT (SELECT count(*) FROM agent_profiles) + (SELECT count(*) FROM demands) \
         + (SELECT count(*) FROM agent_responses) + (SELECT count(*) FROM collaboration_channels)",
    )
    .await
}

/// A database with the ToWow schema (and nothing in it), and the test's own connection to it.
pub async fn initialised(tag: &str) -> (ConnConfig, towow_db::connect::Db) {
    let cfg = fresh_db(tag).await;
    assert_ok(&run_url(&cfg, &["init"]));
    (cfg.clone(), test_connect(&cfg).await)
}

/// The test's own connection, under another application name than the towow-db it watches.
pub async fn test_connect(cfg: &ConnConfig) -> towow_db::connect::Db {
    let mut mine = cfg.clone();
    mine.application_name = "towow-fault-test".into();
    connect(&mine).await
}

/// Wait until a towow-db session of the database waits for a lock (heavyweight or advisory).
pub async fn wait_for_lock_wait(db: &towow_db::connect::Db, dbname: &str) {
    wait_until_within(
        db,
        &format!(
            "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'towow-db' \
             AND datname = '{dbname}' AND wait_event_type = 'Lock'"
        ),
        Duration::from_secs(30),
    )
    .await;
}

#[track_caller]
pub fn assert_no_secret(t: &Timed, secret: &str) {
    assert!(!t.all().contains(secret), "the password was printed: {t:?}");
}

/// `url` with `params` (`a=1&b=2`) added to its query string.
pub fn with_params(url: &str, params: &str) -> String {
    match (params.is_empty(), url.contains('?')) {
        (true, _) => url.to_string(),
        (false, true) => format!("{url}&{params}"),
        (false, false) => format!("{url}?{params}"),
    }
}

/// The pid of the postmaster of the cluster in `dir` (its `postmaster.pid`'s first line).
pub fn postmaster_pid(dir: &std::path::Path) -> i32 {
    std::fs::read_to_string(dir.join("data/postmaster.pid"))
        .expect("postmaster.pid")
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Stops a process until dropped (SIGCONT then), so that a failing assertion never leaves a
/// frozen server behind.
pub struct Frozen(pub i32);

impl Frozen {
    pub fn new(pid: i32) -> Frozen {
        unsafe { libc::kill(pid, libc::SIGSTOP) };
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        unsafe { libc::kill(self.0, libc::SIGCONT) };
    }
}

/// The keepalive timers of towow-db's TCP connections to `port`, as `ss` shows them
/// (`timer:(keepalive,59sec,0)`), while the process `pid` holds them. A connection with data in
/// flight shows its retransmission timer instead, so several looks are taken.
pub fn keepalive_timer(pid: u32, port: u16) -> Option<String> {
    for _ in 0..20 {
        let out = std::process::Command::new("ss").args(["-tnpoH", "state", "established"]).output().ok()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mine: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(&format!("pid={pid},")) && l.contains(&format!(":{port} ")))
            .collect();
        assert!(!mine.is_empty(), "no connection of pid {pid} to port {port} in:\n{text}");
        if let Some(t) = mine.iter().find_map(|l| l.find("timer:(keepalive,").map(|i| &l[i..])) {
            return Some(t.split(')').next().unwrap_or_default().to_string());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Seconds left on a `timer:(keepalive,6.9sec,0)` / `timer:(keepalive,1min,0)` timer.
pub fn timer_seconds(t: &str) -> f64 {
    let v = t.trim_start_matches("timer:(keepalive,").split(',').next().unwrap_or_default();
    if let Some(m) = v.strip_suffix("min") {
        return m.parse::<f64>().unwrap() * 60.0;
    }
    v.trim_end_matches("sec").trim_end_matches("ms").parse().unwrap()
}
