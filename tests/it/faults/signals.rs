//! Signals for every long command (issue 24): SIGTERM (what `timeout`, systemd and Kubernetes
//! send) is Ctrl-C, with exit status 143; an interrupt cancels what the server was running for
//! us (a REINDEX, a lock wait) instead of leaving it behind a closed connection; one Ctrl-C
//! abandons a retention batch stuck on a row lock; an interrupted removal keeps its partition
//! and no partial archive; an interrupted restore drops the database it created, and a killed
//! one leaves it marked so that no migrate command trusts it.

use std::time::{Duration, Instant};

use super::*;

/// Sessions of towow-db on `dbname` running a statement that starts with `prefix`.
async fn running(db: &towow_db::connect::Db, dbname: &str, prefix: &str) -> i64 {
    let c = db.get().await.unwrap();
    c.query_typed_one(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'towow-db' \
           AND state = 'active' AND query ILIKE $2",
        &[
            (&dbname, tokio_postgres::types::Type::TEXT),
            (&format!("{prefix}%"), tokio_postgres::types::Type::TEXT),
        ],
    )
    .await
    .unwrap()
    .get(0)
}

/// Wait until a towow-db session on `dbname` waits for a lock in a statement starting `prefix`.
async fn waiting_on_a_lock(db: &towow_db::connect::Db, dbname: &str, prefix: &str) {
    let started = Instant::now();
    let c = db.get().await.unwrap();
    loop {
        assert!(started.elapsed() < Duration::from_secs(60), "no session waits on a lock in `{prefix}…`");
        let n: i64 = c
            .query_typed_one(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'towow-db' \
                   AND wait_event_type = 'Lock' AND query ILIKE $2",
                &[
                    (&dbname, tokio_postgres::types::Type::TEXT),
                    (&format!("{prefix}%"), tokio_postgres::types::Type::TEXT),
                ],
            )
            .await
            .unwrap()
            .get(0);
        if n > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn send(child: &std::process::Child, signal: i32) -> Instant {
    // SAFETY: kill on our own child's pid.
    unsafe { libc::kill(child.id() as i32, signal) };
    Instant::now()
}

fn status_of(signal: i32) -> i32 {
    128 + signal
}

/// Ctrl-C or SIGTERM during `indexes --rebuild` left the server's REINDEX running (30 s and
/// more, holding its lock) after towow-db had exited 130.
#[tokio::test]
async fn an_interrupted_rebuild_cancels_the_servers_reindex() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let (cfg, db) = initialised(&format!("sigreindex{signal}")).await;
        let dbname = cfg.dbname_or_default();
        // An invalid index (a failed concurrent build) for the rebuild to take up.
        exec(
            &db,
            "CREATE TABLE r (id int, v int); INSERT INTO r SELECT g, g % 10 FROM generate_series(1, 1000) g",
        )
        .await;
        let c = db.get().await.unwrap();
        assert!(c.batch_execute("CREATE UNIQUE INDEX CONCURRENTLY r_v ON r (v)").await.is_err());
        drop(c);
        exec(&db, "DELETE FROM r WHERE id > 10").await;
        // The application holds a lock that REINDEX CONCURRENTLY waits for.
        let holder = db.dedicated().await.unwrap();
        holder.batch_execute("BEGIN; LOCK TABLE r IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
        let child = spawn(&mut url_cmd(&cfg.url_with_password(), &["indexes", "--rebuild", "--yes"]));
        waiting_on_a_lock(&db, &dbname, "REINDEX").await;
        let sent = send(&child, signal);
        let t = wait_limited(child, sent, Duration::from_secs(20));
        assert_eq!(t.code(), Some(status_of(signal)), "{t:?}");
        assert!(t.took < Duration::from_secs(3), "{t:?}");
        // The server's REINDEX is gone at once, not after the lock timeout.
        let started = Instant::now();
        while running(&db, &dbname, "REINDEX").await > 0 {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "the REINDEX goes on after towow-db exited: {t:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        holder.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// One Ctrl-C while a retention batch waited on a row lock did nothing for 32 s (the lock
/// timeout), then exited 1; it now abandons the batch after a grace of 2 s (rolled back on the
/// server), and SIGTERM does the same with 143.
#[tokio::test]
async fn one_interrupt_abandons_a_retention_batch_stuck_on_a_row_lock() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let (cfg, db) = initialised(&format!("sigretlock{signal}")).await;
        let dbname = cfg.dbname_or_default();
        exec(
            &db,
            "CREATE TABLE ev (id int PRIMARY KEY, at timestamptz NOT NULL); \
             INSERT INTO ev SELECT g, now() - interval '400 days' FROM generate_series(1, 1000) g",
        )
        .await;
        let holder = db.dedicated().await.unwrap();
        holder.batch_execute("BEGIN; SELECT * FROM ev WHERE id = 500 FOR UPDATE").await.unwrap();
        let child = spawn(&mut url_cmd(
            &cfg.url_with_password(),
            &["--lock-timeout", "60s", "retention", "--table", "ev", "--column", "at", "--older-than", "1y"]
                .iter()
                .chain(&["--batch-size", "5000", "--no-vacuum", "--yes"])
                .copied()
                .collect::<Vec<_>>(),
        ));
        waiting_on_a_lock(&db, &dbname, "").await;
        let sent = send(&child, signal);
        let t = wait_limited(child, sent, Duration::from_secs(40));
        assert_eq!(t.code(), Some(status_of(signal)), "{t:?}");
        assert!(t.took < Duration::from_secs(5), "one interrupt took {:.1}s: {t:?}", t.took.as_secs_f64());
        // The batch was rolled back, and its session is gone though the row is still locked.
        backends_gone_within(&db, &dbname, Duration::from_secs(1)).await;
        assert_eq!(scalar_i64(&db, "SELECT count(*) FROM ev").await, 1000);
        holder.batch_execute("ROLLBACK").await.unwrap();
    }
}

/// Ctrl-C while a partition was being removed with `--archive` went unheeded: the partition was
/// archived and dropped and the run exited 0. The first interrupt now stops the removal before
/// its drop; the partition and its rows stay, and no partial archive is left.
#[tokio::test]
async fn an_interrupted_removal_keeps_the_partition_and_no_partial_archive() {
    let (cfg, db) = initialised("sigarchive").await;
    let dbname = cfg.dbname_or_default();
    exec(
        &db,
        "CREATE TABLE m (id int, at timestamptz NOT NULL) PARTITION BY RANGE (at); \
         CREATE TABLE m_2024_01 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2024-02-01'); \
         CREATE TABLE m_2024_02 PARTITION OF m FOR VALUES FROM ('2024-02-01') TO ('2024-03-01'); \
         INSERT INTO m SELECT g, '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 50000) g",
    )
    .await;
    // The application reads the old partition: the detach waits for it.
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE m_2024_01 IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let dir = temp_dir("sigarchive").join("archive");
    let child = spawn(
        url_cmd(
            &cfg.url_with_password(),
            &["retention", "--table", "m", "--column", "at", "--before", "2024-02-01"],
        )
        .args(["--archive", dir.to_str().unwrap(), "--yes"]),
    );
    waiting_on_a_lock(&db, &dbname, "").await;
    let sent = send(&child, libc::SIGTERM);
    let t = wait_limited(child, sent, Duration::from_secs(20));
    assert_eq!(t.code(), Some(143), "{t:?}");
    assert!(t.took < Duration::from_secs(3), "{t:?}");
    holder.batch_execute("ROLLBACK").await.unwrap();
    backends_gone_within(&db, &dbname, Duration::from_secs(2)).await;
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM m_2024_01").await, 44_639);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // The archive folder holds rows: only its owner may enter it.
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700);
    // A run to the end archives into a 0600 file.
    assert_ok(&run_url(
        &cfg,
        &[
            "retention",
            "--table",
            "m",
            "--column",
            "at",
            "--before",
            "2024-02-01",
            "--archive",
            dir.to_str().unwrap(),
            "--yes",
            "-q",
        ],
    ));
    let files: Vec<std::path::PathBuf> =
        std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777, 0o600, "{files:?}");
}

/// Start `backup restore` of `name` into `target`, and wait until its pg_restore runs.
fn restore_under_way(
    cfg: &ConnConfig,
    name: &str,
    dir: &std::path::Path,
    target: &ConnConfig,
) -> std::process::Child {
    let mut c = url_cmd(
        &cfg.url_with_password(),
        &["backup", "restore", name, "--into", &target.url_with_password(), "--jobs", "1", "--dir"],
    );
    c.arg(dir);
    let child = spawn(&mut c);
    let started = Instant::now();
    while !crate::backup::children(child.id()).into_iter().any(|p| crate::backup::comm(p) == "pg_restore") {
        assert!(started.elapsed() < Duration::from_secs(60), "pg_restore never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// An interrupted `backup restore` left the half-restored database it had created, and after a
/// kill -9 `migrate status` called it applied and `baseline` adopted it (300,000 demands, 0
/// responses). Now the database it created is dropped on an interrupt (and an error), and
/// marked until the restore completes: a killed run leaves it marked, and every migrate command
/// refuses it.
#[tokio::test]
async fn an_interrupted_restore_drops_its_database_and_a_killed_one_is_refused() {
    let base = &server().base;
    let (cfg, _db) = crate::backup::towow_db(base, "sigrestore", "20000").await;
    let admin = test_connect(base).await;
    let dir = temp_dir("sigrestore");
    let mut c = url_cmd(&cfg.url_with_password(), &["backup", "create", "--format", "json", "--dir"]);
    c.arg(&dir);
    let o = c.output().unwrap();
    assert_ok(&o);
    let name =
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()["name"].as_str().unwrap().to_string();
    let exists = |db: String| {
        let admin = &admin;
        async move {
            scalar_bool(admin, &format!("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{db}')"))
                .await
        }
    };

    // SIGTERM while pg_restore runs: the new database goes.
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_r1", cfg.dbname_or_default()));
    let child = restore_under_way(&cfg, &name, &dir, &target);
    let sent = send(&child, libc::SIGTERM);
    let t = wait_limited(child, sent, Duration::from_secs(30));
    assert_eq!(t.code(), Some(143), "{t:?}");
    assert!(t.stderr().contains("that the restore created was dropped"), "{t:?}");
    assert!(!exists(target.dbname_or_default()).await, "{t:?}");

    // kill -9: nothing can clean up, so the mark stays, and no migrate command trusts it.
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_r2", cfg.dbname_or_default()));
    let mut child = restore_under_way(&cfg, &name, &dir, &target);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(exists(target.dbname_or_default()).await);
    for args in [&["migrate", "status"][..], &["migrate", "baseline", "--yes"], &["migrate"], &["init"]] {
        let o = run_url(&target, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}{}", stdout(&o), stderr(&o));
        assert!(
            stderr(&o).contains("is an incomplete restore of backup") && stderr(&o).contains(&name),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A complete restore carries no mark.
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_r3", cfg.dbname_or_default()));
    let mut c = url_cmd(
        &cfg.url_with_password(),
        &["backup", "restore", &name, "--into", &target.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    assert_ok(&c.output().unwrap());
    assert_ok(&run_url(&target, &["migrate", "status"]));
}
