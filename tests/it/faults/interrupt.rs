//! Interruptions: Ctrl-C while a load waits for a lock, kill -9 in the middle of a load, the
//! server restarted under a load and under a migration. Nothing is left half-written.

use std::time::{Duration, Instant};

use towow_db::admin::local::InitOptions;

use super::*;

/// The advisory lock every load takes (`data::LOAD_LOCK_KEY`, "towowld").
const LOAD_LOCK_KEY: i64 = 0x0074_6f77_6f77_6c64;

async fn ctrl_c_while_waiting(tag: &str, hold: &str, args: &[&str]) {
    let (cfg, db) = initialised(tag).await;
    let dbname = cfg.dbname_or_default();
    let holder = db.get().await.unwrap();
    holder.batch_execute(&format!("BEGIN; {hold}")).await.unwrap();
    // --lock-timeout 0: without the interrupt it would wait for ever.
    let mut all = vec!["--lock-timeout", "0"];
    all.extend_from_slice(args);
    let child = spawn(&mut url_cmd(&cfg.url_with_password(), &all));
    wait_for_lock_wait(&db, &dbname).await;
    let pid = child.id() as i32;
    let started = Instant::now();
    unsafe { libc::kill(pid, libc::SIGINT) };
    let t = wait_limited(child, started, Duration::from_secs(20));
    eprintln!("Ctrl-C during a lock wait ({args:?}): exit after {:.3}s", t.took.as_secs_f64());
    assert_eq!(t.code(), Some(130), "{args:?}: {t:?}");
    assert!(t.took < Duration::from_millis(500), "{args:?}: Ctrl-C took {:.2}s: {t:?}", t.took.as_secs_f64());
    assert!(t.stderr().contains("interrupted") && t.stderr().contains("nothing was written"), "{t:?}");
    // Its session is gone at once (cancelled and rolled back), even though the lock is still held.
    backends_gone_within(&db, &dbname, Duration::from_secs(1)).await;
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(towow_rows(&db).await, 0);
}

#[tokio::test]
async fn ctrl_c_during_a_table_lock_wait_exits_130_at_once() {
    ctrl_c_while_waiting(
        "sigintlock",
        "LOCK TABLE agent_profiles IN ACCESS EXCLUSIVE MODE",
        &["mock-agents"],
    )
    .await;
}

#[tokio::test]
async fn ctrl_c_while_another_load_runs_exits_130_at_once() {
    ctrl_c_while_waiting(
        "sigintload",
        &format!("SELECT pg_advisory_xact_lock({LOAD_LOCK_KEY})"),
        &["seed", "--demands", "100"],
    )
    .await;
}

/// Start a large load and wait until its COPY is streaming.
async fn big_load_under_way(db: &towow_db::connect::Db, url: &str) -> std::process::Child {
    let child = spawn(&mut url_cmd(url, &["seed", "--demands", "5000000", "--responses-per-demand", "2"]));
    wait_until_within(
        db,
        "SELECT coalesce(max(tuples_processed), 0) > 10000 FROM pg_stat_progress_copy WHERE datname = current_database()",
        Duration::from_secs(60),
    )
    .await;
    child
}

#[tokio::test]
async fn kill_9_mid_load_leaves_no_rows_and_no_backend() {
    let (cfg, db) = initialised("kill9").await;
    let child = big_load_under_way(&db, &cfg.url_with_password()).await;
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let t = wait_limited(child, Instant::now(), Duration::from_secs(10));
    assert_eq!(t.out.status.code(), None, "killed by a signal");
    // The server notices the closed socket in the middle of the COPY and rolls back.
    let gone = backends_gone_within(&db, &cfg.dbname_or_default(), Duration::from_secs(5)).await;
    eprintln!("kill -9: backend gone after {:.2}s", gone.as_secs_f64());
    assert_eq!(towow_rows(&db).await, 0);
}

#[tokio::test]
async fn a_server_restart_mid_load_and_mid_migrate_loses_nothing() {
    let opts = InitOptions { unsafe_fast: true, ..InitOptions::default() };
    let (cluster, mut base) = start_cluster("restart", opts.clone());
    base.dbname = Some("postgres".into());
    let restart = || {
        cluster.stop().expect("stop the server");
        cluster.start(&opts).expect("start the server again");
    };

    // Mid-load: the load fails with the server's reason, and nothing of it is there afterwards.
    let cfg = fresh_db_on(&base, "restartload").await;
    assert_ok(&run_url(&cfg, &["init"]));
    let db = test_connect(&cfg).await;
    let child = big_load_under_way(&db, &cfg.url_with_password()).await;
    let started = Instant::now();
    restart();
    let t = wait_limited(child, started, Duration::from_secs(60));
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.stderr().contains("nothing was written"), "{t:?}");
    let db = test_connect(&cfg).await;
    assert_eq!(towow_rows(&db).await, 0);

    // Mid-migrate: V2 (CREATE INDEX CONCURRENTLY) waits behind a lock when the server restarts.
    let cfg = fresh_db_on(&base, "restartmigrate").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "1"]));
    let db = test_connect(&cfg).await;
    let holder = db.get().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE agent_profiles IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let child = spawn(&mut url_cmd(&cfg.url_with_password(), &["--lock-timeout", "0", "migrate"]));
    wait_for_lock_wait(&db, &cfg.dbname_or_default()).await;
    let started = Instant::now();
    restart();
    let t = wait_limited(child, started, Duration::from_secs(60));
    assert_eq!(t.code(), Some(1), "{t:?}");
    drop(holder);
    // V2 is not recorded; running again completes it with valid indexes.
    let db = test_connect(&cfg).await;
    assert_eq!(scalar_i64(&db, "SELECT max(version)::int8 FROM refinery_schema_history").await, 1);
    assert_ok(&run_url(&cfg, &["migrate"]));
    let newest = towow_db::migrate::shipped().unwrap().last().unwrap().version as i64;
    assert_eq!(scalar_i64(&db, "SELECT max(version)::int8 FROM refinery_schema_history").await, newest);
    assert_eq!(
        scalar_i64(
            &db,
            "SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid::regclass::text \
             IN ('ix_agent_profiles_capabilities_gin', 'ix_demands_status_created')"
        )
        .await,
        2
    );
}

/// The shadow databases made by a session connected to a database whose name matches
/// `session_db` (a regular expression), with that database's name.
async fn shadows_made_from(db: &towow_db::connect::Db, session_db: &str) -> Vec<(String, String)> {
    let c = db.get().await.unwrap();
    c.query_typed(
        "SELECT d.datname::text, a.datname::text FROM pg_database d JOIN pg_stat_activity a \
           ON a.pid = substring(d.datname FROM '^towow_shadow_([0-9]+)_')::int \
         WHERE a.datname ~ $1",
        &[(&session_db, tokio_postgres::types::Type::TEXT)],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

async fn databases_left(db: &towow_db::connect::Db, names: &[String]) -> Vec<String> {
    let c = db.get().await.unwrap();
    c.query_typed(
        "SELECT datname::text FROM pg_database WHERE datname = ANY($1)",
        &[(&names.to_vec(), tokio_postgres::types::Type::TEXT_ARRAY)],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// Start `c`, wait until a session on a database matching `session_db` has made a shadow
/// database, send Ctrl-C; returns the run, the shadow's name and that session's database.
async fn ctrl_c_once_a_shadow_exists(
    admin: &towow_db::connect::Db,
    c: &mut std::process::Command,
    session_db: &str,
) -> (Timed, String, String) {
    signal_once_a_shadow_exists(admin, c, session_db, libc::SIGINT).await
}

/// [`ctrl_c_once_a_shadow_exists`] with another signal.
async fn signal_once_a_shadow_exists(
    admin: &towow_db::connect::Db,
    c: &mut std::process::Command,
    session_db: &str,
    signal: i32,
) -> (Timed, String, String) {
    let child = spawn(c);
    let started = Instant::now();
    let (shadow, on) = loop {
        assert!(started.elapsed() < Duration::from_secs(120), "no shadow database appeared");
        if let Some(found) = shadows_made_from(admin, session_db).await.into_iter().next() {
            break found;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let sent = Instant::now();
    unsafe { libc::kill(child.id() as i32, signal) };
    (wait_limited(child, sent, Duration::from_secs(30)), shadow, on)
}

#[tokio::test]
async fn ctrl_c_during_migrate_verify_drops_its_shadow_database() {
    let (cfg, _db) = initialised("sigintverify").await;
    let admin = test_connect(&server().base).await;
    let mut c = url_cmd(&cfg.url_with_password(), &["migrate", "verify"]);
    let (t, shadow, _) =
        ctrl_c_once_a_shadow_exists(&admin, &mut c, &format!("^{}$", cfg.dbname_or_default())).await;
    assert_eq!(t.code(), Some(130), "{t:?}");
    assert!(t.took < Duration::from_secs(2), "{t:?}");
    assert!(t.stderr().contains(&format!("the shadow database {shadow} was dropped")), "{t:?}");
    assert_eq!(databases_left(&admin, &[shadow]).await, Vec::<String>::new(), "{t:?}");
}

/// The history as an older towow-db wrote it (no fingerprint): the schema checks of `backup
/// create` and of the drill then build a shadow database (with a fingerprint they need none).
async fn without_fingerprint(db: &towow_db::connect::Db) {
    db.get()
        .await
        .unwrap()
        .batch_execute("UPDATE refinery_schema_history SET fingerprint = NULL")
        .await
        .unwrap();
}

#[tokio::test]
async fn ctrl_c_during_backup_create_removes_the_partial_backup_and_the_shadow() {
    let (cfg, db) = initialised("sigintcreate").await;
    without_fingerprint(&db).await;
    let admin = test_connect(&server().base).await;
    let dir = temp_dir("sigintcreate");
    let mut c = url_cmd(&cfg.url_with_password(), &["backup", "create", "--dir"]);
    c.arg(&dir);
    let (t, shadow, _) =
        ctrl_c_once_a_shadow_exists(&admin, &mut c, &format!("^{}$", cfg.dbname_or_default())).await;
    assert_eq!(t.code(), Some(130), "{t:?}");
    assert!(t.took < Duration::from_secs(2), "{t:?}");
    assert!(t.stderr().contains("incomplete backup") && t.stderr().contains("was removed"), "{t:?}");
    assert_eq!(databases_left(&admin, &[shadow]).await, Vec::<String>::new(), "{t:?}");
    assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "the partial folder is gone: {t:?}");
}

#[tokio::test]
async fn ctrl_c_during_the_drill_after_pg_restore_drops_the_scratch_and_shadow_databases() {
    let (cfg, db) = initialised("sigintdrill").await;
    assert_ok(&run_url(&cfg, &["seed", "--demands", "200", "-q"]));
    without_fingerprint(&db).await;
    let admin = test_connect(&server().base).await;
    let dir = temp_dir("sigintdrill");
    let mut c = url_cmd(&cfg.url_with_password(), &["backup", "create", "--format", "json", "--dir"]);
    c.arg(&dir);
    let o = c.output().unwrap();
    assert_ok(&o);
    let name =
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["name"].as_str().unwrap().to_string();
    // After pg_restore, the drill checks the schema with `migrate verify`, whose shadow database
    // is made from a session on the scratch database.
    let tail: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).take(24).collect();
    let mut c = url_cmd(
        &cfg.url_with_password(),
        &["backup", "verify", &name, "--into", &server().base.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    // SIGTERM (`timeout`, systemd): `backup verify` ignored it.
    let (t, shadow, scratch) = signal_once_a_shadow_exists(
        &admin,
        &mut c,
        &format!("^towow_drill_[0-9]+_{}$", tail.to_lowercase()),
        libc::SIGTERM,
    )
    .await;
    assert_eq!(t.code(), Some(143), "{t:?}");
    assert!(t.took < Duration::from_secs(2), "{t:?}");
    assert!(t.stderr().contains(&format!("the scratch database {scratch} was dropped")), "{t:?}");
    assert_eq!(databases_left(&admin, &[shadow, scratch]).await, Vec::<String>::new(), "{t:?}");
}

/// Ctrl-C, and SIGTERM (`timeout`, systemd, Kubernetes: `backup create` ignored it), alike.
#[tokio::test]
async fn ctrl_c_or_sigterm_while_pg_dump_writes_stops_it_and_keeps_nothing() {
    let (cfg, _db) = crate::backup::towow_db(&server().base, "sigintdump", "20000").await;
    for (signal, status) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let dir = temp_dir("sigintdump");
        let mut c = url_cmd(&cfg.url_with_password(), &["backup", "create", "--jobs", "2", "--dir"]);
        c.stdout(std::process::Stdio::piped());
        let (child, pg_dump, workers) = crate::backup::start_slow_backup(c, &dir);
        let sent = Instant::now();
        unsafe { libc::kill(child.id() as i32, signal) };
        let t = wait_limited(child, sent, Duration::from_secs(30));
        assert_eq!(t.code(), Some(status), "{t:?}");
        assert!(t.took < Duration::from_secs(3), "{t:?}");
        assert!(t.stderr().contains("pg_dump was stopped") && t.stderr().contains("was removed"), "{t:?}");
        // towow-db waits for pg_dump and its workers before it exits.
        for p in std::iter::once(pg_dump).chain(workers) {
            assert_ne!(crate::backup::comm(p), "pg_dump", "pg_dump (pid {p}) outlived towow-db");
        }
        assert!(std::fs::read_dir(&dir).unwrap().next().is_none(), "the partial folder is gone: {t:?}");
    }
}

#[tokio::test]
async fn throwaways_left_by_runs_that_are_gone_are_swept_the_others_stay() {
    let (cfg, _db) = initialised("sweep").await;
    let admin = test_connect(&server().base).await;
    // The pid of a session that has ended.
    let dead: i32 = {
        let gone = test_connect(&server().base).await;
        let c = gone.get().await.unwrap();
        c.query_typed_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0)
    };
    wait_until(&admin, &format!("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = {dead})"))
        .await;
    let holder = admin.get().await.unwrap();
    let live: i32 = holder.query_typed_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let tag = std::process::id();
    let stale = [format!("towow_shadow_{dead}_{tag}"), format!("towow_drill_{dead}_sweep{tag}")];
    // Its creating session is alive; a session is connected to it.
    let (alive, in_use) = (format!("towow_shadow_{live}_{tag}"), format!("towow_drill_{dead}_inuse{tag}"));
    for n in stale.iter().chain([&alive, &in_use]) {
        holder.batch_execute(&format!("CREATE DATABASE {n}")).await.unwrap();
    }
    let mut on = server().base.clone();
    on.dbname = Some(in_use.clone());
    let user = test_connect(&on).await;
    let _using = user.get().await.unwrap();

    let o = run_url(&cfg, &["-v", "migrate", "verify"]);
    assert_ok(&o);
    assert_eq!(databases_left(&admin, &stale).await, Vec::<String>::new(), "{}", stderr(&o));
    let kept = [alive.clone(), in_use.clone()];
    assert_eq!(databases_left(&admin, &kept).await.len(), 2, "{}", stderr(&o));
    drop(_using);
    drop(user);
    for n in kept {
        holder.batch_execute(&format!("DROP DATABASE {n} WITH (FORCE)")).await.unwrap();
    }
}
