//! Connection resolution and failures through the real binary: one-line errors that name host,
//! port, database and user and never the password; `--wait` for a server that comes up later.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::common::*;

const SECRET: &str = "s3cr3t-Pa55";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[track_caller]
fn assert_one_line_error(o: &std::process::Output, must_contain: &[&str]) {
    assert_eq!(o.status.code(), Some(1), "stdout: {}\nstderr: {}", stdout(o), stderr(o));
    assert_no_panic(o);
    let e = stderr(o);
    // Progress notes of --wait aside, the error is one line.
    let lines: Vec<&str> =
        e.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("waiting up to")).collect();
    assert_eq!(lines.len(), 1, "expected one line, got:\n{e}");
    assert!(lines[0].starts_with("error: "), "{e}");
    assert!(!e.contains(SECRET) && !stdout(o).contains(SECRET), "password leaked: {e}");
    for m in must_contain {
        assert!(e.contains(m), "`{m}` missing from: {e}");
    }
}

#[test]
fn malformed_urls_are_refused_without_leaking_the_password() {
    for (url, why) in [
        (format!("postgresql://towow:{SECRET}@localhost:99999/towow"), "out of range"),
        (format!("postgresql://towow:{SECRET}@localhost:0/towow"), "out of range"),
        (format!("postgresql://towow:{SECRET}@localhost:abc/towow"), "not a number"),
        (format!("postgresql://towow:{SECRET}@localhost/towow?sslmode=sometimes"), "unknown sslmode"),
        (format!("mysql://towow:{SECRET}@localhost/towow"), "unsupported scheme"),
        (format!("postgresql://towow:{SECRET}@[::1/towow"), "IPv6"),
        ("localhost".to_string(), "not a connection URL"),
    ] {
        let o = run(&["--url", &url, "migrate", "status"]);
        assert_one_line_error(&o, &[why]);
        if url.contains(SECRET) {
            assert!(stderr(&o).contains("towow:***@"), "{}", stderr(&o));
        }
    }
}

#[test]
fn unreachable_host_is_one_line_naming_the_target() {
    let port = free_port();
    let url = format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow_db");
    let started = Instant::now();
    let o = run(&["--url", &url, "migrate", "status"]);
    assert!(started.elapsed() < Duration::from_secs(10), "no --wait: fail fast");
    assert_one_line_error(&o, &["127.0.0.1", &port.to_string(), "towow_db", "towow", "refused", "--wait"]);

    // With --wait it retries, then gives up with the same message and how long it waited.
    let started = Instant::now();
    let o = run(&["--url", &url, "--wait", "2s", "migrate", "status"]);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1500) && took < Duration::from_secs(10), "{took:?}");
    assert_one_line_error(&o, &["127.0.0.1", &port.to_string(), "gave up after"]);
}

#[test]
fn unknown_host_name() {
    let url = format!("postgresql://towow:{SECRET}@no-such-host.invalid:5432/towow");
    let o = run(&["--url", &url, "migrate", "status"]);
    assert_one_line_error(&o, &["no-such-host.invalid", "5432"]);
}

#[tokio::test]
async fn wrong_database_password_and_role() {
    let cfg = fresh_db("wrongdb").await;
    let mut missing = cfg.clone();
    missing.dbname = Some("no_such_database".into());
    let o = run_url(&missing, &["migrate", "status"]);
    assert_one_line_error(&o, &["no_such_database", "does not exist", "3D000", "towow-db init"]);

    let mut bad_pw = cfg.clone();
    bad_pw.password = Some(SECRET.into());
    let o = run_url(&bad_pw, &["migrate", "status"]);
    assert_one_line_error(&o, &["password", "28P01", &cfg.user_or_default()]);

    let mut bad_user = cfg.clone();
    bad_user.user = Some("nobody_here".into());
    bad_user.password = Some(SECRET.into());
    let o = run_url(&bad_user, &["migrate", "status"]);
    assert_one_line_error(&o, &["nobody_here"]);
}

#[test]
fn the_password_never_shows_in_verbose_output() {
    let port = free_port();
    let url = format!("postgresql+asyncpg://towow:{SECRET}@127.0.0.1:{port}/towow");
    let o = run(&["-vv", "--url", &url, "--wait", "1s", "migrate", "status"]);
    assert_eq!(o.status.code(), Some(1));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(SECRET), "{all}");
    assert!(all.contains("towow:***@"), "the target is shown, redacted: {all}");
}

#[tokio::test]
async fn database_url_from_env_and_dotenv_in_asyncpg_form() {
    let cfg = fresh_db("envurl").await;
    let url = cfg.url_with_password().replacen("postgresql://", "postgresql+asyncpg://", 1);
    let o = cmd().env("DATABASE_URL", &url).args(["migrate", "status", "--format", "json"]).output().unwrap();
    assert_ok(&o);

    let dir = scratch_dir("dotenv");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), format!("# the ToWow app's .env\nDATABASE_URL={url}\n")).unwrap();
    let o = cmd().current_dir(&dir).args(["-v", "migrate", "status"]).output().unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains(".env"), "says where the URL came from: {}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn libpq_and_docker_variables() {
    let cfg = fresh_db("pgvars").await;
    let o = cmd()
        .env("PGHOST", cfg.host())
        .env("PGPORT", cfg.port().to_string())
        .env("PGUSER", cfg.user.clone().unwrap())
        .env("PGPASSWORD", cfg.password.clone().unwrap())
        .env("PGDATABASE", cfg.dbname.clone().unwrap())
        .args(["migrate", "status"])
        .output()
        .unwrap();
    assert_ok(&o);
    let o = cmd()
        .env("POSTGRES_HOST", cfg.host())
        .env("POSTGRES_PORT", cfg.port().to_string())
        .env("POSTGRES_USER", cfg.user.clone().unwrap())
        .env("POSTGRES_PASSWORD", cfg.password.clone().unwrap())
        .env("POSTGRES_DB", cfg.dbname.clone().unwrap())
        .args(["migrate", "status"])
        .output()
        .unwrap();
    assert_ok(&o);
}

#[tokio::test]
async fn application_name_and_timeouts_are_set() {
    let cfg = fresh_db("appname").await;
    let db = towow_db::connect::Db::connect(
        cfg.clone(),
        towow_db::connect::ConnectOptions {
            statement_timeout: Some(Duration::from_millis(1500)),
            lock_timeout: Some(Duration::from_secs(7)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let r = db
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT current_setting('application_name'), current_setting('statement_timeout'), current_setting('lock_timeout')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, String>(0), "towow-db");
    assert_eq!(r.get::<_, String>(1), "1500ms");
    assert_eq!(r.get::<_, String>(2), "7s");
}

#[test]
fn wait_succeeds_when_the_server_starts_later() {
    // The CI case: `towow-db migrate --wait 60s` starts together with the database container.
    let port = free_port();
    let dir = scratch_dir("late");
    let cluster = towow_db::admin::local::LocalCluster::new(&dir);
    reap_on_exit(&dir);
    let opts =
        towow_db::admin::local::InitOptions { unsafe_fast: true, port: Some(port), ..Default::default() };
    assert!(cluster.init(&opts).unwrap());
    let mut cfg = cluster.conn_config().unwrap();
    cfg.dbname = Some("postgres".into());
    let url = cfg.url_with_password();
    let started = Instant::now();
    let child = cmd()
        .args(["--url", &url, "--wait", "60s", "migrate", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    cluster.start(&opts).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    assert!(started.elapsed() >= Duration::from_secs(3));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["applied"].as_array().unwrap().len(), towow_db::migrate::shipped().unwrap().len(), "{j}");
    cluster.destroy().unwrap();
}

#[test]
fn bad_flag_values_are_usage_errors() {
    for args in [
        &["--format", "xml", "migrate", "status"][..],
        &["--wait", "soon", "migrate"][..],
        &["migrate", "--target", "abc"][..],
        &["migrate", "down", "--steps", "-1"][..],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_no_panic(&o);
    }
}

#[test]
fn a_malformed_dotenv_is_the_commands_error() {
    let dir = scratch_dir("baddotenv");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        format!("DATABASE_URL=postgresql://towow:{SECRET}@db/towow\nPOSTGRES_PASSWORD='{SECRET}\n"),
    )
    .unwrap();
    // A report under --check: UNKNOWN (3), as for any configuration it cannot use.
    let o = cmd().current_dir(&dir).args(["health", "--check"]).output().unwrap();
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    // Any other command: exit 1, naming the file, never the password.
    let o = cmd().current_dir(&dir).args(["migrate", "status"]).output().unwrap();
    assert_one_line_error(&o, &[".env", "line 2", "POSTGRES_PASSWORD"]);
    // With --url, the .env is not needed and not in the way.
    let o = cmd()
        .current_dir(&dir)
        .args(["--url", "postgresql://u@127.0.0.1:1/d", "migrate", "status"])
        .output()
        .unwrap();
    assert!(stderr(&o).contains("cannot connect"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}
