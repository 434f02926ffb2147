//! `retention` on the seed teams' own tables (see `seed_schemas`): exactly the old rows go, in
//! whole batches whatever interrupts the run (Ctrl-C, kill -9, a server restart), partitions
//! wholly older are dropped (archived first when asked), and bad input changes nothing.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use towow_db::admin::local::InitOptions;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::seed_schemas::*;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn retention(cfg: &ConnConfig, args: &[&str]) -> Output {
    let mut all = vec!["retention"];
    all.extend_from_slice(args);
    run_url(cfg, &all)
}

/// The rule of the `task_history` tests: everything dated before 2026, no question.
const TASKS_BEFORE_2026: [&str; 7] =
    ["--table", "task_history", "--column", "timestamp", "--before", "2026-01-01", "--yes"];

/// `retention` with [`TASKS_BEFORE_2026`] and `more` flags.
fn tasks_before_2026(cfg: &ConnConfig, more: &[&str]) -> Output {
    let mut all = TASKS_BEFORE_2026.to_vec();
    all.extend_from_slice(more);
    retention(cfg, &all)
}

/// `task_history` with `n` rows, row `i` dated `i` minutes before a fixed time, with no row in
/// the 24 hours before the cut-off `2026-01-01` (so its exact side is known): rows 1..=n/2 are
/// newer, the rest older.
async fn task_history(db: &Db, n: i64) {
    let half = n / 2;
    let timestamp = format!(
        "CASE WHEN g <= {half} THEN timestamp '2026-06-01' - g * interval '1 minute' \
              ELSE timestamp '2025-12-31' - g * interval '1 minute' END"
    );
    task_history_rows(db, n, &timestamp).await;
}

#[tokio::test]
async fn task_history_keeps_exactly_the_rows_after_the_cutoff() {
    let cfg = fresh_db("ret_aiecs").await;
    let db = connect(&cfg).await;
    task_history(&db, 25_000).await;
    let o = tasks_before_2026(&cfg, &["--batch-size", "1000", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let r = &j["rules"][0];
    assert_eq!(r["rows"], 12_500, "{j:#}");
    // 12.5 batches of 1000, the last one finding the end.
    assert_eq!(r["batches"], 13, "{j:#}");
    // idx_task_history_timestamp: the walk goes by time, oldest first.
    assert_eq!(r["deleted"][0]["by"], "time (timestamp)");
    assert_eq!(r["complete"], true);
    assert!(!stderr(&o).contains("ETA"), "a progress bar without a terminal: {}", stderr(&o));
    assert!(r["cutoff"].as_str().unwrap().starts_with("2026-01-01 00:00:00"), "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 12_500);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history WHERE timestamp < '2026-01-01'").await, 0);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM task_history WHERE id <= 12500").await,
        12_500,
        "a newer row went"
    );
    // VACUUM (ANALYZE) afterwards.
    assert!(scalar_bool(&db, "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'task_history'").await);
    // Again: nothing left to delete.
    let o = retention(
        &cfg,
        &[
            "--table",
            "public.task_history",
            "--column",
            "timestamp",
            "--before",
            "2026-01-01",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    assert_eq!(json(&o)["rows"], 0);
}

#[tokio::test]
async fn without_a_time_index_the_walk_goes_by_key_in_windows() {
    let cfg = fresh_db("ret_bykey").await;
    let db = connect(&cfg).await;
    // task_history without its time index: by primary key, the old rows in one block of ids.
    task_history(&db, 25_000).await;
    exec(&db, "DROP INDEX idx_task_history_timestamp; DROP INDEX idx_task_history_user_timestamp").await;
    let o = tasks_before_2026(&cfg, &["--batch-size", "1000", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rules"][0]["deleted"][0]["by"], "key (id)", "{j:#}");
    assert_eq!(j["rows"], 12_500, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history WHERE id <= 12500").await, 12_500);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 12_500);
    // An integer key with gaps, old rows dense, then one in two, then none, then dense again
    // after a gap of ten thousand keys, and up to the type's largest value: exactly the old rows
    // go, and no batch holds more than --batch-size.
    exec(
        &db,
        "CREATE TABLE gappy (id int PRIMARY KEY, at timestamptz NOT NULL); \
         INSERT INTO gappy SELECT g, CASE WHEN g <= 3000 OR (g <= 6000 AND g % 2 = 0) THEN '2025-01-01' ELSE '2026-06-01' END::timestamptz \
           FROM generate_series(1, 7000) g; \
         INSERT INTO gappy SELECT g, '2025-01-01' FROM generate_series(17001, 19000) g; \
         INSERT INTO gappy SELECT 2147483647 - g, '2025-01-01' FROM generate_series(0, 999) g",
    )
    .await;
    let truth = scalar_i64(&db, "SELECT count(*) FROM gappy WHERE at < '2026-01-01'").await;
    let o = retention(
        &cfg,
        &"--table gappy --column at --before 2026-01-01 --batch-size 500 --yes --format json"
            .split(' ')
            .collect::<Vec<_>>(),
    );
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rows"], truth, "{j:#}");
    assert!(j["rules"][0]["max_batch_rows"].as_i64().unwrap() <= 500, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM gappy WHERE at < '2026-01-01'").await, 0);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM gappy").await, 2500);
    // system_metrics without its time index: random UUID keys, one row in twenty old, so a batch
    // of 100 often finds fewer in its window of 1000 rows and stops at the window's end.
    exec(&db, COZYCHAT_SYSTEM_METRICS).await;
    exec(&db, "DROP INDEX idx_system_metrics_recorded_at").await;
    exec(
        &db,
        "INSERT INTO system_metrics (metric_type, metrics, recorded_at) \
         SELECT 'cpu', '{}', CASE WHEN g % 20 = 0 THEN timestamp '2025-06-01' ELSE timestamp '2026-06-01' END + g * interval '1 second' \
         FROM generate_series(1, 20000) g",
    )
    .await;
    let o = retention(
        &cfg,
        &[
            "--table",
            "system_metrics",
            "--column",
            "recorded_at",
            "--before",
            "2026-01-01",
            "--batch-size",
            "100",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rules"][0]["deleted"][0]["by"], "key (id)", "{j:#}");
    assert_eq!(j["rows"], 1_000, "{j:#}");
    assert!(j["rules"][0]["batches"].as_i64().unwrap() >= 20, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM system_metrics").await, 19_000);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM system_metrics WHERE recorded_at < '2026-01-01'").await,
        0
    );
}

#[tokio::test]
async fn system_metrics_with_uuid_keys_dry_run_then_older_than() {
    let cfg = fresh_db("ret_cozy").await;
    let db = connect(&cfg).await;
    exec(&db, COZYCHAT_SYSTEM_METRICS).await;
    // 40 days of hourly metrics up to now, and nothing within an hour of the 30-day cut-off.
    exec(
        &db,
        "INSERT INTO system_metrics (metric_type, metrics, recorded_at) \
         SELECT (ARRAY['cpu','memory','disk','api','db'])[1 + g % 5], jsonb_build_object('v', g), localtimestamp - g * interval '1 hour' \
         FROM generate_series(0, 959) g WHERE g NOT BETWEEN 719 AND 721",
    )
    .await;
    let old = scalar_i64(
        &db,
        "SELECT count(*) FROM system_metrics WHERE recorded_at < localtimestamp - interval '30 days'",
    )
    .await;
    assert_eq!(old, 238);
    let rule = ["--table", "system_metrics", "--column", "recorded_at", "--older-than", "30d"];
    let o = retention(&cfg, &[&rule[..], &["--dry-run", "--format", "json"]].concat());
    assert_ok(&o);
    let j = json(&o);
    let r = &j["rules"][0];
    assert_eq!(r["rows"], old, "{j:#}");
    let bytes = scalar_i64(&db, "SELECT sum(pg_column_size(s.*))::int8 FROM system_metrics s WHERE recorded_at < localtimestamp - interval '30 days'").await;
    assert_eq!(r["bytes"], bytes, "{j:#}");
    let oldest = scalar_text(&db, "SELECT min(recorded_at)::text FROM system_metrics").await;
    assert_eq!(r["oldest"], oldest.as_str());
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM system_metrics").await, 957, "the dry run deleted");
    // The real run, without VACUUM.
    let o = retention(
        &cfg,
        &[&rule[..], &["--batch-size", "50", "--no-vacuum", "--yes", "--format", "json"]].concat(),
    );
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rows"], old, "{j:#}");
    assert!(j["rules"][0]["batches"].as_i64().unwrap() >= 5, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM system_metrics").await, 957 - old);
    assert_eq!(
        scalar_i64(
            &db,
            "SELECT count(*) FROM system_metrics WHERE recorded_at < localtimestamp - interval '30 days'"
        )
        .await,
        0
    );
    assert!(
        scalar_bool(
            &db,
            "SELECT last_vacuum IS NULL FROM pg_stat_user_tables WHERE relname = 'system_metrics'"
        )
        .await
    );
}

/// `retention` of AstrBot's `messages` before `before`, with `more` flags.
fn messages_before(cfg: &ConnConfig, before: &str, more: &[&str]) -> Output {
    let rule = ["--table", "messages", "--column", "created_at", "--before", before];
    retention(cfg, &[&rule[..], more].concat())
}

/// AstrBot's months of 2024 with a default partition holding late and early rows.
async fn astrbot_2024(db: &Db, default: bool) {
    let months: Vec<String> = (1..=12).map(|m| format!("2024-{m:02}-01")).collect();
    let months: Vec<&str> = months.iter().map(String::as_str).collect();
    astrbot_messages(db, &months, default).await;
    fill_messages(db, "2024-01-01", "2025-01-01", "6 hours").await;
    if default {
        // Rows of months without a partition: December 2023 (old) and June 2025 (new).
        fill_messages(db, "2023-12-01", "2024-01-01", "1 day").await;
        fill_messages(db, "2025-06-01", "2025-06-11", "1 day").await;
    }
}

#[tokio::test]
async fn astrbot_messages_drop_whole_months_and_delete_the_straddling_one() {
    let cfg = fresh_db("ret_astr").await;
    let db = connect(&cfg).await;
    astrbot_2024(&db, true).await;
    let total = scalar_i64(&db, "SELECT count(*) FROM messages").await;
    let keep = scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at >= '2024-06-15'").await;
    let dry = messages_before(&cfg, "2024-06-15", &["--dry-run", "--format", "json"]);
    assert_ok(&dry);
    let d = json(&dry);
    assert_eq!(d["rules"][0]["rows"], total - keep, "{d:#}");
    assert_eq!(d["rules"][0]["untouched_partitions"], 6, "{d:#}");
    let actions: Vec<(String, String)> = d["rules"][0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["table"].as_str().unwrap().to_string(), p["action"].as_str().unwrap().to_string()))
        .collect();
    for m in 1..=5 {
        // A default partition exists: no DETACH CONCURRENTLY, the partition is dropped at once.
        assert!(
            actions.contains(&(format!("public.messages_2024_{m:02}"), "drop partition".into())),
            "{actions:?}"
        );
    }
    assert!(actions.contains(&("public.messages_2024_06".into(), "delete in batches".into())), "{actions:?}");
    assert!(actions.contains(&("public.messages_default".into(), "delete in batches".into())), "{actions:?}");
    assert_eq!(actions.len(), 7, "{actions:?}");

    let o = messages_before(&cfg, "2024-06-15", &["--batch-size", "20", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["partitions_dropped"], 5, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages").await, keep);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at < '2024-06-15'").await, 0);
    for m in 1..=5 {
        assert!(!scalar_bool(&db, &format!("SELECT to_regclass('messages_2024_{m:02}') IS NOT NULL")).await);
    }
    // The straddling month and the default were deleted from by ctid (no primary key), in batches.
    let deleted = j["rules"][0]["deleted"].as_array().unwrap();
    assert!(deleted.iter().all(|x| x["by"] == "ctid"), "{j:#}");
    let june = deleted.iter().find(|x| x["table"] == "messages_2024_06").unwrap();
    assert_eq!(june["rows"], 14 * 4, "{j:#}");
    assert!(june["batches"].as_i64().unwrap() >= 2, "{j:#}");
    let default = deleted.iter().find(|x| x["table"] == "messages_default").unwrap();
    assert_eq!(default["rows"], 31, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages_default").await, 10);
}

#[tokio::test]
async fn astrbot_partitions_are_detached_concurrently_and_archived_first() {
    let cfg = fresh_db("ret_arch").await;
    let db = connect(&cfg).await;
    astrbot_2024(&db, false).await;
    let march = scalar_i64(&db, "SELECT count(*) FROM messages_2024_03").await;
    let dir = temp_dir("ret-archive");
    let o = cmd()
        .args([
            "--url",
            &cfg.url_with_password(),
            "-vv",
            "retention",
            "--table",
            "messages",
            "--column",
            "created_at",
        ])
        .args(["--before", "2024-04-01", "--archive", dir.to_str().unwrap(), "--yes", "--format", "json"])
        .output()
        .unwrap();
    assert_ok(&o);
    let password = cfg.password.clone().unwrap();
    assert!(
        !stdout(&o).contains(&password) && !stderr(&o).contains(&password),
        "password shown:\n{}",
        stderr(&o)
    );
    let j = json(&o);
    let dropped = j["rules"][0]["dropped"].as_array().unwrap();
    assert_eq!(dropped.len(), 3, "{j:#}");
    assert!(dropped.iter().all(|d| d["done"] == "detached concurrently, dropped"), "{j:#}");
    assert_eq!(j["rules"][0]["deleted"].as_array().unwrap().len(), 0, "April is wholly newer: {j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at < '2024-04-01'").await, 0);
    assert!(!scalar_bool(&db, "SELECT to_regclass('messages_2024_03') IS NOT NULL").await);
    // The archive restores the partition's rows exactly, as a table of its own, which can be
    // attached again.
    let file = dir.join("public.messages_2024_03.dump");
    assert!(file.is_file(), "{:?}", std::fs::read_dir(&dir).unwrap().collect::<Vec<_>>());
    assert!(!dir.read_dir().unwrap().any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".partial")));
    let bindir = towow_db::admin::backup::tools::find(15).await.unwrap();
    let o = std::process::Command::new(bindir.program("pg_restore"))
        .arg(format!("--dbname={}", cfg.url_with_password()))
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages_2024_03").await, march);
    exec(&db, "ALTER TABLE messages ATTACH PARTITION messages_2024_03 FOR VALUES FROM ('2024-03-01') TO ('2024-04-01')").await;
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at < '2024-04-01'").await, march);
}

#[tokio::test]
async fn partitions_left_half_done_are_finished_by_the_next_run() {
    let cfg = fresh_db("ret_resume").await;
    let db = connect(&cfg).await;
    astrbot_2024(&db, false).await;
    // A run killed after its DETACH CONCURRENTLY, before the drop: detached, marked.
    exec(&db, "ALTER TABLE messages DETACH PARTITION messages_2024_01").await;
    exec(&db, "COMMENT ON TABLE messages_2024_01 IS 'towow-db retention: detached from public.messages; to be dropped'").await;
    // A DETACH CONCURRENTLY cut short: the partition is left pending.
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; SELECT count(*) FROM messages").await.unwrap();
    let detacher = db.dedicated().await.unwrap();
    detacher.batch_execute("SET statement_timeout = '1s'").await.unwrap();
    let e = detacher
        .batch_execute("ALTER TABLE messages DETACH PARTITION messages_2024_02 CONCURRENTLY")
        .await
        .unwrap_err();
    assert!(format!("{e:?}").contains("statement timeout"), "{e:?}");
    holder.batch_execute("COMMIT").await.unwrap();
    assert!(
        scalar_bool(
            &db,
            "SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = 'messages_2024_02'::regclass"
        )
        .await
    );
    // A table that is no partition and carries no marker is never touched.
    exec(&db, "CREATE TABLE messages_2023_12 (LIKE messages)").await;

    let o = messages_before(&cfg, "2024-03-01", &["--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let done: Vec<(String, String)> = j["rules"][0]["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["partition"].as_str().unwrap().to_string(), d["done"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        done,
        [
            ("public.messages_2024_01".to_string(), "dropped (detached by an earlier run)".to_string()),
            ("public.messages_2024_02".to_string(), "detach finished, dropped".to_string()),
        ],
        "{j:#}"
    );
    for t in ["messages_2024_01", "messages_2024_02"] {
        assert!(!scalar_bool(&db, &format!("SELECT to_regclass('{t}') IS NOT NULL")).await, "{t}");
    }
    assert!(scalar_bool(&db, "SELECT to_regclass('messages_2023_12') IS NOT NULL").await);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at < '2024-03-01'").await, 0);
}

/// The rows of `task_history` a run deleted, in whole batches: the old rows are deleted oldest
/// first (by time), so what is gone is the oldest `deleted` of them (the highest ids, see
/// [`task_history`]), a multiple of the batch size.
async fn assert_whole_batches(db: &Db, old_before: i64, batch: i64) -> i64 {
    let old_now = scalar_i64(db, "SELECT count(*) FROM task_history WHERE timestamp < '2026-01-01'").await;
    let deleted = old_before - old_now;
    assert_eq!(deleted % batch, 0, "{deleted} rows deleted: not whole batches of {batch}");
    // Newer rows all kept.
    assert_eq!(
        scalar_i64(db, "SELECT count(*) FROM task_history WHERE timestamp >= '2026-01-01'").await,
        old_before
    );
    // The deleted old rows are the oldest ones.
    if old_now > 0 {
        assert_eq!(
            scalar_i64(db, "SELECT max(id)::int8 FROM task_history WHERE timestamp < '2026-01-01'").await,
            2 * old_before - deleted
        );
    }
    deleted
}

/// Wait until the run has deleted some rows (and at most `limit` seconds).
async fn wait_for_progress(db: &Db, old_before: i64) {
    wait_until_within(
        db,
        &format!("SELECT count(*) < {old_before} FROM task_history WHERE timestamp < '2026-01-01'"),
        Duration::from_secs(60),
    )
    .await;
}

/// No towow-db session left on the database (a killed client's transaction is rolled back).
async fn wait_for_no_session(db: &Db) {
    wait_until(
        db,
        "SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'towow-db' AND pid <> pg_backend_pid()",
    )
    .await;
}

/// [`TASKS_BEFORE_2026`] slowly: 40 batches of 500 rows, 50 ms apart.
fn slow_run(url: &str, stdio: fn() -> Stdio) -> std::process::Child {
    cmd()
        .args(["--url", url, "retention"])
        .args(TASKS_BEFORE_2026)
        .args(["--batch-size", "500", "--pause", "50ms", "--format", "json"])
        .stdout(stdio())
        .stderr(stdio())
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn kill_9_and_ctrl_c_leave_whole_batches_and_a_rerun_finishes() {
    let cfg = fresh_db("ret_kill").await;
    let db = connect(&cfg).await;
    task_history(&db, 40_000).await;
    let url = cfg.url_with_password();

    // kill -9 in the middle.
    let mut child = slow_run(&url, Stdio::null);
    wait_for_progress(&db, 20_000).await;
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for_no_session(&db).await;
    let killed = assert_whole_batches(&db, 20_000, 500).await;
    assert!(killed > 0 && killed < 20_000, "{killed}");

    // Ctrl-C: stops after the batch in flight, says what is done, exits 130.
    let child = slow_run(&url, Stdio::piped);
    let before = scalar_i64(&db, "SELECT count(*) FROM task_history").await;
    wait_until_within(&db, &format!("SELECT count(*) < {before} FROM task_history"), Duration::from_secs(60))
        .await;
    // SAFETY: kill on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["stopped"], "interrupted");
    let interrupted = assert_whole_batches(&db, 20_000, 500).await;
    assert_eq!(j["rows"].as_i64().unwrap(), interrupted - killed, "{j:#}");

    // Running again finishes the job.
    let o = tasks_before_2026(&cfg, &["--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["rows"].as_i64().unwrap(), 20_000 - interrupted);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 20_000);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history WHERE timestamp < '2026-01-01'").await, 0);
}

#[tokio::test]
async fn a_server_restart_stops_the_run_and_loses_nothing() {
    let (cluster, mut base) =
        start_cluster("ret-restart", InitOptions { unsafe_fast: true, ..InitOptions::default() });
    base.dbname = Some("postgres".into());
    let cfg = fresh_db_on(&base, "ret_restart").await;
    let db = Db::connect(cfg.clone(), Default::default()).await.unwrap();
    task_history(&db, 40_000).await;
    drop(db);
    let child = slow_run(&cfg.url_with_password(), Stdio::piped);
    {
        let db = connect(&cfg).await;
        wait_for_progress(&db, 20_000).await;
    }
    cluster.stop().unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("the batches before it are committed"), "{e}");
    assert!(!e.contains(&cfg.password.clone().unwrap()));
    assert_eq!(json(&o)["stopped"], "error");
    cluster.start(&InitOptions { unsafe_fast: true, ..InitOptions::default() }).unwrap();
    let db = connect(&cfg).await;
    let deleted = assert_whole_batches(&db, 20_000, 500).await;
    assert!(deleted > 0);
    assert_ok(&tasks_before_2026(&cfg, &[]));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 20_000);
}

/// [`TASKS_BEFORE_2026`] in the background with this `--lock-timeout`, JSON out, no VACUUM.
fn tasks_run_waiting(cfg: &ConnConfig, lock_timeout: &str) -> std::process::Child {
    cmd()
        .args(["--url", &cfg.url_with_password(), "--lock-timeout", lock_timeout, "retention"])
        .args(TASKS_BEFORE_2026)
        .args(["--format", "json", "--no-vacuum"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn a_locked_table_makes_batches_wait_and_retry_not_fail() {
    let cfg = fresh_db("ret_lock").await;
    let db = connect(&cfg).await;
    task_history(&db, 2_000).await;
    // The application holds a row lock on an old row in an open transaction.
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; SELECT * FROM task_history WHERE id = 1500 FOR UPDATE").await.unwrap();
    let child = tasks_run_waiting(&cfg, "200ms");
    // The batch waits 200 ms for the row, gives up, tries again after a pause of 1 s, 2 s, …;
    // the row lock goes after 1.5 s.
    let started = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    holder.batch_execute("COMMIT").await.unwrap();
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rows"], 1_000, "{j:#}");
    assert!(j["rules"][0]["deleted"][0]["retries"].as_i64().unwrap() >= 1, "{j:#}");
    // Each wait was the short lock_timeout, not the session's 5 minutes.
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_rule_file_runs_each_rule() {
    let cfg = fresh_db("ret_rules").await;
    let db = connect(&cfg).await;
    task_history(&db, 2_000).await;
    exec(&db, COZYCHAT_SYSTEM_METRICS).await;
    exec(&db, "INSERT INTO system_metrics (metric_type, metrics, recorded_at) SELECT 'cpu', '{}', timestamp '2025-01-01' + g * interval '1 day' FROM generate_series(0, 99) g").await;
    let dir = temp_dir("ret-rules");
    let rules = dir.join("retention.conf");
    std::fs::write(
        &rules,
        "# nightly\n--table task_history --column timestamp --before 2026-01-01 --batch-size 300\n\
         --table system_metrics --column recorded_at --before '2025-02-01 00:00'   # January goes\n",
    )
    .unwrap();
    let o = retention(&cfg, &["--config", rules.to_str().unwrap(), "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rules"].as_array().unwrap().len(), 2);
    assert_eq!(j["rules"][0]["rows"], 1_000);
    assert_eq!(j["rules"][1]["rows"], 31);
    assert_eq!(j["rows"], 1_031);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM system_metrics").await, 69);
    // A bad line: a usage error naming it, nothing done.
    std::fs::write(&rules, "--table system_metrics --column recorded_at --older-than 30x\n").unwrap();
    let o = retention(&cfg, &["--config", rules.to_str().unwrap(), "--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("line 1") && stderr(&o).contains("unknown unit"), "{}", stderr(&o));
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let cfg = fresh_db("ret_bad").await;
    let db = connect(&cfg).await;
    task_history(&db, 1_000).await;
    let count = || async { scalar_i64(&db, "SELECT count(*) FROM task_history").await };
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &["--table", "task_history", "--column", "status", "--older-than", "30d", "--yes"],
            1,
            "is text, not a timestamp or date",
        ),
        (
            &["--table", "task_history", "--column", "nope", "--older-than", "30d", "--yes"],
            1,
            "its timestamp/date columns: timestamp",
        ),
        (
            &["--table", "task_histroy", "--column", "timestamp", "--older-than", "30d", "--yes"],
            1,
            "not found",
        ),
        (&["--table", "Task_History", "--column", "timestamp", "--older-than", "30d", "--dry-run"], 0, ""),
        (
            &["--table", "task_history", "--column", "timestamp", "--older-than", "30x", "--yes"],
            2,
            "unknown unit",
        ),
        (&["--table", "task_history", "--older-than", "30d", "--yes"], 2, "--column is required"),
        // No terminal and no --yes: refused.
        (&["--table", "task_history", "--column", "timestamp", "--before", "2026-01-01"], 1, "pass --yes"),
    ];
    for (args, code, says) in cases {
        let o = retention(&cfg, args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        assert_eq!(count().await, 1_000, "{args:?} changed the table");
    }
    let o = tasks_before_2026(&cfg, &["--archive", "/proc/no-such-dir"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("archive folder"), "{}", stderr(&o));
    assert_eq!(count().await, 1_000);
}

#[tokio::test]
async fn rows_updated_during_a_batch_are_judged_on_their_new_version() {
    let cfg = fresh_db("ret_moved").await;
    let db = connect(&cfg).await;
    task_history(&db, 2_000).await;
    // The application updates two old rows in an open transaction: one stays old, one becomes new.
    let app = db.dedicated().await.unwrap();
    app.batch_execute(
        "BEGIN; UPDATE task_history SET status = 'retried' WHERE id = 1500; \
         UPDATE task_history SET timestamp = '2026-06-01' WHERE id = 1600",
    )
    .await
    .unwrap();
    let child = tasks_run_waiting(&cfg, "10s");
    // The batch has selected both (old in its snapshot) and waits for their row locks.
    wait_until(&db, "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'towow-db' AND wait_event_type = 'Lock'").await;
    app.batch_execute("COMMIT").await.unwrap();
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rows"], 999, "{j:#}");
    assert!(
        !scalar_bool(&db, "SELECT EXISTS (SELECT 1 FROM task_history WHERE id = 1500)").await,
        "the still-old row stayed"
    );
    assert!(
        scalar_bool(&db, "SELECT EXISTS (SELECT 1 FROM task_history WHERE id = 1600)").await,
        "the now-new row went"
    );
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 1_001);
}

#[tokio::test]
async fn on_a_terminal_it_asks_and_shows_progress() {
    let cfg = fresh_db("ret_tty").await;
    let db = connect(&cfg).await;
    task_history(&db, 40_000).await;
    let url = cfg.url_with_password();
    let name = cfg.dbname.clone().unwrap();
    let args = [&TASKS_BEFORE_2026[..6], &["--batch-size", "1000", "--pause", "100ms"]].concat();
    let mut with_retention = vec!["retention"];
    with_retention.extend(args);
    // A wrong answer: nothing deleted.
    let (code, screen) = crate::terminal::on_terminal(&url, &with_retention, "towow\n");
    assert_eq!(code, Some(1), "{screen}");
    assert!(
        screen.contains(&format!("Type \"{name}\" to confirm")) && screen.contains("not confirmed"),
        "{screen}"
    );
    assert!(
        screen.contains("delete the rows of public.task_history with timestamp < 2026-01-01"),
        "{screen}"
    );
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 40_000);
    // The database's name: it runs, with a progress bar.
    let (code, screen) = crate::terminal::on_terminal(&url, &with_retention, &format!("{name}\n"));
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("ETA"), "no progress bar on the terminal:\n{screen}");
    assert!(screen.contains("task_history"), "{screen}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM task_history").await, 20_000);
}

#[tokio::test]
async fn quoted_names_date_columns_and_ties_at_one_timestamp() {
    let cfg = fresh_db("ret_names").await;
    let db = connect(&cfg).await;
    // A schema, a table and a date column that all need quoting; no key, no index: by ctid.
    exec(
        &db,
        "CREATE SCHEMA \"Ops\"; CREATE TABLE \"Ops\".\"Daily Log\" (\"Day\" date NOT NULL, note text);
         INSERT INTO \"Ops\".\"Daily Log\" SELECT d, 'n' FROM generate_series(date '2025-12-01', date '2026-01-31', '1 day') d",
    )
    .await;
    let o = retention(
        &cfg,
        &[
            "--table",
            "\"Ops\".\"Daily Log\"",
            "--column",
            "Day",
            "--before",
            "2026-01-15 12:00",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let j = json(&o);
    // A date's cut-off is a day: 2026-01-15 itself stays.
    assert_eq!(j["rules"][0]["cutoff"], "2026-01-15", "{j:#}");
    assert_eq!(j["rules"][0]["deleted"][0]["by"], "ctid", "{j:#}");
    assert_eq!(j["rows"], 45, "{j:#}");
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM \"Ops\".\"Daily Log\" WHERE \"Day\" >= '2026-01-15'").await,
        17
    );
    // 2,500 rows at one timestamp, more than a batch: they go together, and the walk ends.
    exec(&db, COZYCHAT_SYSTEM_METRICS).await;
    exec(
        &db,
        "INSERT INTO system_metrics (metric_type, metrics, recorded_at)
           SELECT 'cpu', '{}', timestamp '2025-03-01' FROM generate_series(1, 2500);
         INSERT INTO system_metrics (metric_type, metrics, recorded_at)
           SELECT 'cpu', '{}', timestamp '2025-03-02' + g * interval '1 minute' FROM generate_series(1, 1500) g;
         INSERT INTO system_metrics (metric_type, metrics, recorded_at)
           SELECT 'cpu', '{}', timestamp '2026-03-01' FROM generate_series(1, 100);
         ANALYZE system_metrics",
    )
    .await;
    let o = retention(
        &cfg,
        &[
            "--table",
            "system_metrics",
            "--column",
            "recorded_at",
            "--before",
            "2026-01-01",
            "--batch-size",
            "1000",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["rules"][0]["deleted"][0]["by"], "time (recorded_at)", "{j:#}");
    assert_eq!(j["rows"], 4_000, "{j:#}");
    // The first batch takes the 2,500 tied rows at once; then 1,000 and 500.
    assert_eq!(j["rules"][0]["batches"], 3, "{j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM system_metrics").await, 100);
}
