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
