//! Connection resolution and failures through the real binary: one-line errors that name host,
//! port, database and user and never the password; `--wait` for a server that comes up later.

use std::io::BufRead;
use std::process::Command;
use std::time::{Duration, Instant};

use towow_db::connect::ConnConfig;

use crate::common::*;

const SECRET: &str = "s3cr3t-Pa55";

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

/// A command that cannot fall back to the managed local cluster: its directory cannot exist.
fn no_local_fallback() -> Command {
    let mut c = cmd();
    c.env("TOWOW_LOCAL_DIR", "/dev/null/no-local-cluster");
    c
}

/// `migrate -v` through the settings that `configure` gives applies every migration in `cfg`'s
/// database, and says where the settings came from (`from`). Any other source (a variable
/// ignored, another database) leaves this database without a history.
async fn migrates_there(cfg: &ConnConfig, from: &str, configure: impl FnOnce(&mut Command)) {
    let mut c = no_local_fallback();
    configure(&mut c);
    let o = c.args(["-v", "migrate"]).output().unwrap();
    assert_ok(&o);
    assert!(
        stderr(&o).contains(&format!("(from {from})")),
        "says where the settings came from: {}",
        stderr(&o)
    );
    let db = connect(cfg).await;
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM refinery_schema_history").await,
        towow_db::migrate::shipped().unwrap().len() as i64,
        "the migrations went elsewhere: {}",
        stderr(&o)
    );
}

#[tokio::test]
async fn database_url_from_env_and_dotenv_in_asyncpg_form() {
    let cfg = fresh_db("envurl").await;
    let url = cfg.url_with_password().replacen("postgresql://", "postgresql+asyncpg://", 1);
    migrates_there(&cfg, "DATABASE_URL", |c| {
        c.env("DATABASE_URL", &url);
    })
    .await;

    let cfg = fresh_db("dotenvurl").await;
    let url = cfg.url_with_password().replacen("postgresql://", "postgresql+asyncpg://", 1);
    let dir = temp_dir("dotenv");
    std::fs::write(dir.join(".env"), format!("# the ToWow app's .env\nDATABASE_URL={url}\n")).unwrap();
    migrates_there(&cfg, "DATABASE_URL in .env", |c| {
        c.current_dir(&dir);
    })
    .await;
}

#[tokio::test]
async fn libpq_and_docker_variables() {
    let cfg = fresh_db("pgvars").await;
    migrates_there(&cfg, "PG* environment variables", |c| {
        c.env("PGHOST", cfg.host())
            .env("PGPORT", cfg.port().to_string())
            .env("PGUSER", cfg.user.clone().unwrap())
            .env("PGPASSWORD", cfg.password.clone().unwrap())
            .env("PGDATABASE", cfg.dbname.clone().unwrap());
    })
    .await;
    let cfg = fresh_db("dockervars").await;
    migrates_there(&cfg, "POSTGRES_* environment variables", |c| {
        c.env("POSTGRES_HOST", cfg.host())
            .env("POSTGRES_PORT", cfg.port().to_string())
            .env("POSTGRES_USER", cfg.user.clone().unwrap())
            .env("POSTGRES_PASSWORD", cfg.password.clone().unwrap())
            .env("POSTGRES_DB", cfg.dbname.clone().unwrap());
    })
    .await;
}

#[tokio::test]
async fn database_url_flag_sqlalchemy_forms_and_key_value_strings() {
    // --database-url, the alias of --url.
    let cfg = fresh_db("dburlflag").await;
    let url = cfg.url_with_password();
    migrates_there(&cfg, "--url", |c| {
        c.args(["--database-url", &url]);
    })
    .await;
    // SQLAlchemy's psycopg2 form, as the ToWow app's Alembic configuration writes it.
    let cfg = fresh_db("psycopg2").await;
    let url = cfg.url_with_password().replacen("postgresql://", "postgresql+psycopg2://", 1);
    migrates_there(&cfg, "--url", |c| {
        c.args(["--url", &url]);
    })
    .await;
    // A libpq key=value string, the password quoted as libpq quotes it.
    let cfg = fresh_db("keyvalue").await;
    let quote = |s: &str| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"));
    let kv = format!(
        "host={} port={} user={} password={} dbname={}",
        cfg.host(),
        cfg.port(),
        quote(&cfg.user_or_default()),
        quote(cfg.password.as_deref().unwrap()),
        quote(&cfg.dbname_or_default()),
    );
    migrates_there(&cfg, "DATABASE_URL", |c| {
        c.env("DATABASE_URL", &kv);
    })
    .await;
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

/// The pool holds at most `pool_size` connections and waits `pool_timeout` for one (the global
/// flags and DB_POOL_* reach these options: `commands::tests`).
#[tokio::test]
async fn the_pool_holds_pool_size_connections_and_waits_pool_timeout_for_one() {
    let cfg = fresh_db("poolsize").await;
    let opts = towow_db::connect::ConnectOptions {
        pool_size: 2,
        pool_timeout: Duration::from_millis(700),
        ..Default::default()
    };
    let db = towow_db::connect::Db::connect(cfg.clone(), opts).await.unwrap();
    let (a, b) = (db.get().await.unwrap(), db.get().await.unwrap());
    let started = Instant::now();
    let e = format!("{:#}", db.get().await.unwrap_err());
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(650) && waited < Duration::from_secs(5), "{waited:?}");
    assert!(e.contains("timed out") && e.contains("--pool-timeout"), "{e}");
    let sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'towow-db' AND datname = current_database()";
    assert_eq!(a.query_one(sessions, &[]).await.unwrap().get::<_, i64>(0), 2);
    // A connection given back is the next one handed out.
    drop(b);
    let c = tokio::time::timeout(Duration::from_millis(500), db.get()).await.unwrap().unwrap();
    assert_eq!(c.query_one(sessions, &[]).await.unwrap().get::<_, i64>(0), 2);
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
    let mut child = cmd()
        .args(["--url", &url, "--wait", "60s", "migrate", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Start the server once the command has found it down and said that it waits (no sleep:
    // without --wait the command exits at once and the note never comes).
    let (said, waits) = std::sync::mpsc::channel();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in lines.map_while(Result::ok) {
            if line.starts_with("waiting up to 60s") {
                let _ = said.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if waits.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        let code = child.wait().unwrap().code();
        panic!("the command did not wait for the server: exit {code:?}\n{}", reader.join().unwrap());
    }
    cluster.start(&opts).unwrap();
    let o = child.wait_with_output().unwrap();
    let err = reader.join().unwrap();
    assert!(o.status.success(), "exit {:?}\n{}{err}", o.status.code(), stdout(&o));
    assert!(err.contains("connected to") && err.contains("attempts"), "{err}");
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

#[tokio::test]
async fn towow_log_overrides_the_verbosity_flags() {
    let cfg = fresh_db("towow_log").await;
    let url = cfg.url_with_password();
    let password = cfg.password.clone().expect("the test server has a password");
    let run = |log: Option<&str>, flag: &str| {
        let mut c = cmd();
        if let Some(l) = log {
            c.env("TOWOW_LOG", l);
        }
        let o = c.args([flag, "--url", &url, "sizes", "--format", "json"]).output().unwrap();
        assert_ok(&o);
        assert!(!stderr(&o).contains(&password), "{}", stderr(&o));
        stderr(&o)
    };
    let ready = "debug: connection pool ready";
    assert!(run(None, "-v").contains(ready));
    assert!(!run(None, "-q").contains("debug:"));
    // The variable wins over the flags, both ways.
    assert!(!run(Some("error"), "-v").contains("debug:"));
    assert!(run(Some("towow_db=debug"), "-q").contains(ready));
}

#[test]
fn values_out_of_range_or_of_another_kind_are_refused_before_connecting() {
    // Nothing listens there: a value checked only by the server would be "cannot connect", exit 1.
    let url = format!("postgresql://towow:{SECRET}@127.0.0.1:{}/towow?connect_timeout=1", free_port());
    for (args, says) in [
        // PostgreSQL's limit for a timeout (it said 22023 after connecting).
        (&["--statement-timeout", "18446744073709551615", "sizes"][..], "longer than PostgreSQL allows"),
        (&["--lock-timeout", "25d", "sizes"][..], "longer than PostgreSQL allows"),
        (&["--pool-timeout", "5M", "sizes"][..], "not a duration"),
        // A size is bytes with B, kB, MB…: `1M` was 60, `5min` 300.
        (&["indexes", "--unused-min-size", "1M"][..], "not a size"),
        (&["indexes", "--unused-min-size", "5min"][..], "not a size"),
        // A threshold is read in its check's unit.
        (&["health", "--check", "--threshold", "database_size_bytes=5min"][..], "not a size"),
        (&["health", "--check", "--threshold", "long_running_s=10GB"][..], "not a duration"),
        (&["health", "--check", "--threshold", "connections_pct=30s"][..], "not a percentage"),
    ] {
        let o = run(&[&["--url", &url][..], args].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(says) && !stderr(&o).contains("cannot connect"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// libpq's `options` (in the URL, or `PGOPTIONS`) reach the server: with `-c search_path=app`,
/// `retention --table sp_t` acts on `app.sp_t`, as psql would. Both were accepted and silently
/// ignored, and retention deleted from `public.sp_t`.
#[tokio::test]
async fn options_and_pgoptions_reach_the_server_as_in_libpq() {
    let cfg = fresh_db("libpqopts").await;
    let db = connect(&cfg).await;
    let fill = "INSERT INTO public.sp_t SELECT g, now() - interval '400 days' FROM generate_series(1, 10) g; \
                INSERT INTO app.sp_t SELECT g, now() - interval '400 days' FROM generate_series(1, 20) g;";
    exec(
        &db,
        &format!(
            "CREATE SCHEMA app; CREATE TABLE public.sp_t (id int PRIMARY KEY, at timestamptz NOT NULL); \
             CREATE TABLE app.sp_t (id int PRIMARY KEY, at timestamptz NOT NULL); {fill}"
        ),
    )
    .await;
    let counts = || async {
        (
            scalar_i64(&db, "SELECT count(*) FROM public.sp_t").await,
            scalar_i64(&db, "SELECT count(*) FROM app.sp_t").await,
        )
    };
    let rule = [
        "retention",
        "--table",
        "sp_t",
        "--column",
        "at",
        "--older-than",
        "1y",
        "--no-vacuum",
        "--yes",
        "-q",
    ];
    let mut with = cfg.clone();
    with.options = Some("-c search_path=app".into());
    assert_ok(&run_url(&with, &rule));
    assert_eq!(counts().await, (10, 0), "the URL's options=");
    exec(&db, "DELETE FROM public.sp_t; DELETE FROM app.sp_t;").await;
    exec(&db, fill).await;
    let o = cmd()
        .env("PGOPTIONS", "-c search_path=app")
        .arg("--url")
        .arg(cfg.url_with_password())
        .args(rule)
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(counts().await, (10, 0), "PGOPTIONS");
}
