//! Backups of databases as they are in the field, and the faults a review found: a database whose
//! names are not UTF-8, an app-made ToWow database drilled, two databases' backups in one folder,
//! what a child process inherits, a server that freezes under a child, concurrent drills, a
//! refused restore.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use towow_db::admin::local::InitOptions;
use towow_db::connect::ConnConfig;

use crate::common::*;
use crate::faults::Timed;

/// Run `c` to its end, reading its output as it comes (a manifest of thousands of tables is
/// more than a pipe holds), or kill it after `limit`.
fn run_limited(c: &mut Command, limit: Duration) -> Timed {
    let started = std::time::Instant::now();
    let child = c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start towow-db");
    let pid = child.id() as i32;
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let killer = std::thread::spawn(move || {
        if finished.recv_timeout(limit).is_err() {
            // SAFETY: kill on our own child's pid, not yet reaped (we are still waiting for it).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let out = child.wait_with_output().expect("collect towow-db's output");
    let _ = done.send(());
    let _ = killer.join();
    Timed { out, took: started.elapsed() }
}

fn backup_cmd(cfg: &ConnConfig, dir: &Path, args: &[&str]) -> Command {
    let mut c = cmd();
    c.args(["--url", &cfg.url_with_password()]).args(args).arg("--dir").arg(dir);
    c
}

/// `backup create` of `cfg` into `dir`, which must succeed; returns the backup's name.
fn create_backup(cfg: &ConnConfig, dir: &Path) -> String {
    let t = run_limited(
        &mut backup_cmd(cfg, dir, &["backup", "create", "--format", "json"]),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(0), "{t:?}");
    serde_json::from_slice::<Value>(&t.out.stdout).unwrap()["name"].as_str().unwrap().to_string()
}

/// A database in `encoding` (with C collation) on the server of `base`.
async fn db_in_encoding(base: &ConnConfig, tag: &str, encoding: &str) -> ConnConfig {
    let name = format!("t_{tag}_{}", std::process::id());
    let admin = connect(base).await;
    exec(&admin, &format!("DROP DATABASE IF EXISTS \"{name}\"")).await;
    exec(
        &admin,
        &format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C'"
        ),
    )
    .await;
    let mut cfg = base.clone();
    cfg.dbname = Some(name);
    cfg
}

#[tokio::test]
async fn a_latin1_database_with_thousands_of_tables_backs_up_and_restores() {
    // pg_dump --verbose writes the table names in the database's encoding: "café_a" is not
    // UTF-8 here, and 3,000 tables' messages are far more than a pipe holds.
    let srv = server();
    let cfg = db_in_encoding(&srv.base, "latin1", "LATIN1").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE \"café_a\" (id int PRIMARY KEY, note text); INSERT INTO \"café_a\" VALUES (1, 'crème brûlée'), (2, 'ça');").await;
    for batch in 0..10 {
        let sql: String =
            (0..300).map(|i| format!("CREATE TABLE filler_{} (id int);", batch * 300 + i)).collect();
        exec(&db, &sql).await;
    }
    let dir = temp_dir("latin1");
    let t = run_limited(
        &mut backup_cmd(&cfg, &dir, &["backup", "create", "--format", "json"]),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(0), "backup create of a LATIN1 database: {t:?}");
    let m: Value = serde_json::from_slice(&t.out.stdout).unwrap();
    assert_eq!(m["server"]["encoding"], "LATIN1");
    assert!(m["tables"].as_array().unwrap().iter().any(|t| t["table"] == "café_a"), "{}", m["tables"]);
    let name = m["name"].as_str().unwrap().to_string();

    // The drill restores it (pg_restore's messages go through the same reader) with its rows.
    let t = run_limited(
        &mut backup_cmd(&cfg, &dir, &["backup", "verify", &name, "--into", &srv.base.url_with_password()]),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(0), "drill: {t:?}");
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_copy", cfg.dbname.as_deref().unwrap()));
    let t = run_limited(
        &mut backup_cmd(&cfg, &dir, &["backup", "restore", &name, "--into", &target.url_with_password()]),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(0), "restore: {t:?}");
    let copy = connect(&target).await;
    let c = copy.get().await.unwrap();
    let notes: Vec<String> = c
        .query_typed("SELECT note FROM \"café_a\" ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(notes, ["crème brûlée", "ça"]);
    assert_eq!(
        scalar_i64(&copy, "SELECT count(*) FROM pg_class WHERE relname LIKE 'filler\\_%' AND relkind = 'r'")
            .await,
        3000
    );
}

/// The environment of a process, as `/proc/<pid>/environ` holds it.
fn environ(pid: u32) -> Vec<(String, String)> {
    let bytes = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
    bytes
        .split(|b| *b == 0)
        .filter(|v| !v.is_empty())
        .map(|v| {
            let v = String::from_utf8_lossy(v);
            let (k, val) = v.split_once('=').unwrap_or((&v, ""));
            (k.to_string(), val.to_string())
        })
        .collect()
}

#[tokio::test]
async fn pg_dump_inherits_no_connection_string_nor_password_from_the_environment() {
    let srv = server();
    let (cfg, _db) = crate::backup::towow_db(&srv.base, "env", "20000").await;
    let dir = temp_dir("env");
    // The connection comes from DATABASE_URL (with the password); other secrets lie around.
    let url = cfg.url_with_password();
    let password = cfg.password.clone().expect("the test server has a password");
    let mut c = cmd();
    c.env("DATABASE_URL", &url)
        .env("DIRECT_DATABASE_URL", &url)
        .env("POSTGRES_PASSWORD", "postgres-secret-4242")
        .env("TOWOW_APP_PASSWORD", "app-secret-4242")
        .env("TOWOW_MIGRATE_PASSWORD", "migrate-secret-4242")
        .env("PGPASSWORD", &password)
        .env("PGOPTIONS", "-c work_mem=1MB")
        .args(["backup", "create", "--jobs", "2", "--dir"]);
    let (child, pg_dump, workers) = crate::backup::start_slow_backup(c, &dir);
    for pid in std::iter::once(pg_dump).chain(workers) {
        let env = environ(pid);
        assert!(env.iter().any(|(k, _)| k == "PGHOST"), "read the environment of pid {pid}: {env:?}");
        for (k, v) in &env {
            // What towow-db's allow-list passes on, and the libpq variables it sets itself.
            // PGOPTIONS is part of the connection (libpq applies it; so does towow-db, and it
            // passes it on as it resolved it).
            let allowed = ["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "LD_LIBRARY_PATH"].contains(&k.as_str())
                || k.starts_with("LC_")
                || (k == "PGOPTIONS" && v == "-c work_mem=1MB")
                || (k.starts_with("PG") && !["PGPASSWORD", "PGOPTIONS"].contains(&k.as_str()));
            assert!(allowed, "pg_dump (pid {pid}) inherited {k}");
            for secret in [password.as_str(), "secret-4242"] {
                assert!(!v.contains(secret), "pg_dump (pid {pid}) has a secret in {k}");
            }
        }
    }
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
}

#[tokio::test]
async fn pg_dump_has_keepalives_and_gives_up_on_a_server_that_freezes_under_it() {
    let (cluster, mut base) =
        start_cluster("dumpfreeze", InitOptions { unsafe_fast: true, ..InitOptions::default() });
    base.dbname = Some("postgres".into());
    let postmaster: i32 = crate::faults::postmaster_pid(&cluster.dir);
    let cfg = fresh_db_on(&base, "freeze").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g; CREATE TABLE held (id int);").await;
    // pg_dump's leader waits for its ACCESS SHARE lock on `held` behind this session, before it
    // starts its workers.
    let holder = db.get().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let watcher = db.get().await.unwrap();
    let dir = temp_dir("dumpfreeze");
    // No connect_timeout in the URL: towow-db's own default (10 s) must reach pg_dump.
    let mut c = backup_cmd(&cfg, &dir, &["backup", "create", "--jobs", "2"]);
    let child = crate::faults::spawn(&mut c);
    let started = std::time::Instant::now();
    let leader = loop {
        assert!(started.elapsed() < Duration::from_secs(60), "pg_dump never waited for the lock");
        let r = watcher
            .query_typed_one(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pg_dump' AND wait_event_type = 'Lock'",
                &[],
            )
            .await
            .unwrap();
        if r.get::<_, i64>(0) > 0 {
            break crate::backup::children(child.id())
                .into_iter()
                .find(|p| crate::backup::comm(*p) == "pg_dump")
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // Its connection has towow-db's keepalives (first probe after 60 s idle), not the system's
    // two hours.
    if Command::new("ss").arg("-V").output().is_ok() {
        let timer = crate::faults::keepalive_timer(leader, cfg.port())
            .expect("a keepalive timer on pg_dump's socket");
        assert!(crate::faults::timer_seconds(&timer) <= 60.0, "pg_dump's keepalive: {timer}");
    } else {
        eprintln!("keepalives not checked: `ss` (iproute2) is not installed");
    }
    // The server freezes (the postmaster stops answering new connections); then the lock goes,
    // and the leader starts its workers, whose connections are never answered.
    let frozen = crate::faults::Frozen::new(postmaster);
    holder.batch_execute("COMMIT").await.unwrap();
    let t = crate::faults::wait_limited(child, std::time::Instant::now(), Duration::from_secs(60));
    drop(frozen);
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.took < Duration::from_secs(10 + 8), "gave up after the connect timeout: {t:?}");
    assert!(t.stderr().contains("pg_dump failed") && t.stderr().contains("timeout"), "{t:?}");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "nothing is kept");
}

#[tokio::test]
async fn an_app_made_database_passes_its_drill() {
    // The app's create_all and init_db.py: no migration history, the app's own names.
    let srv = server();
    let cfg = crate::fixtures::app_made_db("appdrill").await;
    let dir = temp_dir("appdrill");
    let name = create_backup(&cfg, &dir);
    let t = run_limited(
        &mut backup_cmd(
            &cfg,
            &dir,
            &["backup", "verify", &name, "--format", "json", "--into", &srv.base.url_with_password()],
        ),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(0), "the drill of an app-made database passes: {t:?}");
    let r: Value = serde_json::from_slice(&t.out.stdout).unwrap();
    assert_eq!(r["ok"], true, "{r}");
}

/// Make backup `name` of `dir` look `days` old (its manifest's start time).
fn age(dir: &Path, name: &str, days: i64) {
    let p = dir.join(name).join("manifest.json");
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    m["started_at"] = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339().into();
    std::fs::write(&p, serde_json::to_string(&m).unwrap()).unwrap();
}

#[tokio::test]
async fn prune_applies_retention_to_each_database_and_survives_huge_flags() {
    let (busy, quiet) = (fresh_db("prune_busy").await, fresh_db("prune_quiet").await);
    for cfg in [&busy, &quiet] {
        assert_ok(&run_url(cfg, &["init", "-q"]));
    }
    let dir = temp_dir("prune-per-db");
    let create = |cfg: &ConnConfig| create_backup(cfg, &dir);
    // The quiet database was backed up once, 60 days ago; the busy one 40 days ago and today.
    let quiet_backup = create(&quiet);
    let busy_old = create(&busy);
    let busy_new = create(&busy);
    age(&dir, &quiet_backup, 60);
    age(&dir, &busy_old, 40);
    let names = || -> Vec<String> {
        let t = run_limited(
            &mut backup_cmd(&busy, &dir, &["backup", "list", "--format", "json"]),
            Duration::from_secs(30),
        );
        let v: Value = serde_json::from_slice(&t.out.stdout).unwrap();
        v["backups"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_string()).collect()
    };

    // Days past the end of the calendar keep everything; no internal error.
    for days in ["4000000000", "100000000"] {
        let t = run_limited(
            &mut backup_cmd(
                &busy,
                &dir,
                &["backup", "prune", "--keep-days", days, "--keep-last", "0", "--yes"],
            ),
            Duration::from_secs(30),
        );
        assert_eq!(t.code(), Some(0), "--keep-days {days}: {t:?}");
        assert!(t.stderr().contains("nothing to delete"), "{t:?}");
    }
    assert_eq!(names().len(), 3);

    // The quiet database's only backup is its newest: it stays beside the busy one's newest.
    let t = run_limited(
        &mut backup_cmd(&busy, &dir, &["backup", "prune", "--keep-days", "30", "--keep-last", "1", "--yes"]),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(0), "{t:?}");
    let mut left = names();
    left.sort();
    let mut want = vec![quiet_backup, busy_new];
    want.sort();
    assert_eq!(left, want, "{t:?}");
    assert!(!left.contains(&busy_old));
}

#[tokio::test]
async fn concurrent_drills_of_one_backup_all_record_their_outcome() {
    let srv = server();
    let (cfg, _db) = crate::backup::towow_db(&srv.base, "drills", "50").await;
    let dir = temp_dir("drills");
    let name = create_backup(&cfg, &dir);
    // Cron on two machines, or a drill started by hand while cron's runs: each rewrites the
    // manifest at its end.
    const N: usize = 6;
    let runs: Vec<std::thread::JoinHandle<crate::faults::Timed>> = (0..N)
        .map(|_| {
            let mut c =
                backup_cmd(&cfg, &dir, &["backup", "verify", &name, "--into", &srv.base.url_with_password()]);
            std::thread::spawn(move || run_limited(&mut c, Duration::from_secs(120)))
        })
        .collect();
    for r in runs {
        let t = r.join().unwrap();
        assert_eq!(t.code(), Some(0), "{t:?}");
    }
    let m: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join(&name).join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(m["verifications"].as_array().unwrap().len(), N, "every drill is recorded");
    let stray: Vec<_> = std::fs::read_dir(dir.join(&name))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json" && n != "dump")
        .collect();
    assert!(stray.is_empty(), "no temporary file is left: {stray:?}");
}

#[tokio::test]
async fn a_restore_into_an_older_server_is_refused_before_the_database_is_created() {
    let (cfg, _db) = crate::backup::towow_db(&server().base, "older", "20").await;
    let dir = temp_dir("older");
    let name = create_backup(&cfg, &dir);
    // A PostgreSQL 15 backup, a PostgreSQL 14 server, a database that does not exist yet.
    let old = crate::pg_versions::server(14);
    let mut target = old.base.clone();
    target.dbname = Some(format!("t_older_target_{}", std::process::id()));
    let t = run_limited(
        &mut backup_cmd(
            &cfg,
            &dir,
            &["backup", "restore", &name, "--yes", "--into", &target.url_with_password()],
        ),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.stderr().contains("older than the backup's server"), "{t:?}");
    let admin = connect(&old.base).await;
    let q =
        format!("SELECT count(*) FROM pg_database WHERE datname = '{}'", target.dbname.as_deref().unwrap());
    assert_eq!(scalar_i64(&admin, &q).await, 0, "the refused restore created no database: {t:?}");
}
