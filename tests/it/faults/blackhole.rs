//! Servers that never answer: a black-hole listener and a frozen (SIGSTOP'd) postmaster. One
//! deadline covers the whole connection set-up (TCP, TLS, start-up, authentication), per host,
//! with libpq's `connect_timeout` semantics; TCP keepalives are on for every connection.

use std::time::{Duration, Instant};

use towow_db::admin::local::InitOptions;

use super::*;

/// Every command that connects, with what it needs to get as far as connecting.
const COMMANDS: &[&[&str]] = &[
    &["init"],
    &["init", "--mock-agents"],
    &["drop", "--yes"],
    &["migrate"],
    &["migrate", "status"],
    &["migrate", "verify"],
    &["migrate", "down", "--yes"],
    &["migrate", "baseline", "--yes"],
    // It connects before it creates the folder: nothing is written there.
    &["backup", "create", "--dir", "/nonexistent/towow-db-blackhole"],
    &["seed"],
    &["seed", "--demands", "10"],
    &["mock-agents"],
    &["vacuum-report"],
    &["slow-query"],
    &["health"],
    &["activity"],
    &["sizes"],
    &["indexes"],
    &["replication"],
    &["partitions"],
    &["retention", "--table", "task_history", "--column", "timestamp", "--older-than", "30d", "--yes"],
    &["roles", "show"],
    &["roles", "create"],
];

#[track_caller]
fn assert_gave_up(t: &Timed, port: u16, within: Duration) {
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.took < within, "took {:.2}s, more than {within:?}: {t:?}", t.took.as_secs_f64());
    let e = t.stderr();
    assert!(e.contains("127.0.0.1") && e.contains(&port.to_string()), "host and port not named: {e}");
    assert!(!e.contains("panicked"), "{e}");
    assert_no_secret(t, SECRET);
}

/// Run every command in parallel against `url`, each bounded by `limit`.
fn all_commands(url: &str, limit: Duration) -> Vec<(String, Timed)> {
    let handles: Vec<_> = COMMANDS
        .iter()
        .map(|args| {
            let url = url.to_string();
            std::thread::spawn(move || {
                let mut c = url_cmd(&url, args);
                c.env("TOWOW_APP_PASSWORD", "app-password-0123456789")
                    .env("TOWOW_MIGRATE_PASSWORD", "migrate-password-0123456789");
                (args.join(" "), run_limited(&mut c, limit))
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn every_command_gives_up_on_a_black_hole_within_the_connect_timeout() {
    let (_l, port) = black_hole();
    for ssl in ["disable", "prefer", "require"] {
        let url =
            format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow?connect_timeout=2&sslmode={ssl}");
        for (what, t) in all_commands(&url, Duration::from_secs(30)) {
            assert!(t.took >= Duration::from_millis(1900), "{what}: gave up before the timeout: {t:?}");
            assert_gave_up(&t, port, Duration::from_secs(3));
            assert!(
                t.stderr().contains("2 s"),
                "{what} ({ssl}): the message should say how long it waited: {t:?}"
            );
        }
    }
}

#[test]
fn pgconnect_timeout_the_minimum_and_the_default() {
    let (_l, port) = black_hole();
    // PGCONNECT_TIMEOUT, with the libpq variables.
    let mut c = cmd();
    c.args(["health"])
        .env("PGHOST", "127.0.0.1")
        .env("PGPORT", port.to_string())
        .env("PGPASSWORD", SECRET)
        .env("PGCONNECT_TIMEOUT", "3");
    let t = run_limited(&mut c, Duration::from_secs(30));
    assert!(t.took >= Duration::from_millis(2900), "{t:?}");
    assert_gave_up(&t, port, Duration::from_secs(4));
    // libpq's minimum: 1 means 2 seconds.
    let url = format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow?connect_timeout=1");
    let t = run_limited(&mut url_cmd(&url, &["sizes"]), Duration::from_secs(30));
    assert!(t.took >= Duration::from_millis(1900), "{t:?}");
    assert_gave_up(&t, port, Duration::from_secs(3));
    // Unset (and 0, libpq's "forever"): towow-db's default of 10 seconds.
    for url in [
        format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow"),
        format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow?connect_timeout=0"),
    ] {
        let t = run_limited(&mut url_cmd(&url, &["health"]), Duration::from_secs(60));
        assert!(t.took >= Duration::from_millis(9900), "{t:?}");
        assert_gave_up(&t, port, Duration::from_secs(11));
    }
}

#[test]
fn wait_retries_a_black_hole_for_its_duration_then_gives_up() {
    let (_l, port) = black_hole();
    let url = format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow?connect_timeout=2");
    let t = run_limited(&mut url_cmd(&url, &["--wait", "3s", "health"]), Duration::from_secs(30));
    // At most --wait plus one attempt's deadline.
    assert!(t.took >= Duration::from_secs(3), "{t:?}");
    assert_gave_up(&t, port, Duration::from_secs(2 + 3 + 1));
    assert!(t.stderr().contains("gave up after"), "{t:?}");
}

#[tokio::test]
async fn the_deadline_is_per_host_so_the_next_host_is_tried() {
    let (_l, port) = black_hole();
    let cfg = fresh_db("nexthost").await;
    let url = format!(
        "postgresql://{}:{}@127.0.0.1:{port},{}:{}/{}?connect_timeout=2&sslmode=disable",
        cfg.user_or_default(),
        cfg.password.clone().unwrap_or_default(),
        cfg.host(),
        cfg.port(),
        cfg.dbname_or_default()
    );
    let t = run_limited(&mut url_cmd(&url, &["sizes"]), Duration::from_secs(30));
    assert_eq!(t.code(), Some(0), "{t:?}");
    assert!(t.took >= Duration::from_millis(1900) && t.took < Duration::from_secs(5), "{t:?}");
}

#[test]
fn a_frozen_postmaster_is_given_up_on_within_the_connect_timeout() {
    let (cluster, mut cfg) =
        start_cluster("frozen", InitOptions { unsafe_fast: true, ..InitOptions::default() });
    cfg.dbname = Some("postgres".into());
    let pid: i32 = crate::faults::postmaster_pid(&cluster.dir);
    let url = with_params(&cfg.url_with_password(), "connect_timeout=2");
    {
        let _frozen = Frozen::new(pid);
        for args in [&["health"][..], &["migrate", "status"], &["mock-agents"]] {
            let t = run_limited(&mut url_cmd(&url, args), Duration::from_secs(30));
            assert_eq!(t.code(), Some(1), "{args:?}: {t:?}");
            assert!(t.took < Duration::from_secs(3), "{args:?}: {t:?}");
            assert!(t.stderr().contains(&cfg.port().to_string()), "{t:?}");
        }
    }
    // Thawed, it serves again.
    let t = run_limited(&mut url_cmd(&url, &["health"]), Duration::from_secs(30));
    assert_eq!(t.code(), Some(0), "{t:?}");
}

#[tokio::test]
async fn every_connection_has_tcp_keepalives_from_the_url() {
    if std::process::Command::new("ss").arg("-V").output().is_err() {
        eprintln!("skipped: `ss` (iproute2) is not installed");
        return;
    }
    let (cfg, db) = initialised("keepalive").await;
    let dbname = cfg.dbname_or_default();
    let base = cfg.url_with_password();
    for (params, want) in [
        ("", Some(60.0)),
        ("keepalives_idle=7&keepalives_interval=3&keepalives_count=4", Some(7.0)),
        ("keepalives=0", None),
    ] {
        // A lock holder keeps the load waiting, so the connection stays open to be looked at.
        let holder = db.get().await.unwrap();
        holder.batch_execute("BEGIN; LOCK TABLE agent_profiles IN ACCESS EXCLUSIVE MODE").await.unwrap();
        let url = with_params(&base, params);
        let child = spawn(&mut url_cmd(&url, &["mock-agents", "--lock-timeout", "0"]));
        wait_for_lock_wait(&db, &dbname).await;
        let timer = keepalive_timer(child.id(), cfg.port());
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        holder.batch_execute("ROLLBACK").await.unwrap();
        let _ = wait_limited(child, Instant::now(), Duration::from_secs(10));
        match (want, timer) {
            (Some(idle), Some(t)) => {
                let left = timer_seconds(&t);
                assert!(left > 0.0 && left <= idle, "{params}: {t} (want at most {idle}s)");
            }
            (None, None) => {}
            (w, t) => panic!("{params}: wanted {w:?}, got {t:?}"),
        }
    }
}
