//! `init`, `migrate` (up, status, verify, down, dry runs, concurrency) and `drop` through the
//! real binary against a real server.

use serde_json::Value;

use crate::common::*;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

async fn history(db: &towow_db::connect::Db) -> Vec<(i32, String, String)> {
    db.get()
        .await
        .unwrap()
        .query("SELECT version, name, checksum FROM refinery_schema_history ORDER BY version", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// The versions this binary ships, in order.
fn shipped() -> Vec<i32> {
    towow_db::migrate::shipped().unwrap().iter().map(|s| s.version).collect()
}

async fn table_exists(db: &towow_db::connect::Db, name: &str) -> bool {
    db.get().await.unwrap().query_one("SELECT to_regclass($1) IS NOT NULL", &[&name]).await.unwrap().get(0)
}

#[tokio::test]
async fn init_is_idempotent() {
    let cfg = fresh_db("idem").await;
    let first = run_url(&cfg, &["init", "--format", "json"]);
    assert_ok(&first);
    let j = json(&first);
    assert_eq!(j["applied"].as_array().unwrap().len(), shipped().len(), "{j}");
    assert_eq!(j["schema_version"], *shipped().last().unwrap());
    let db = connect(&cfg).await;
    exec(&db, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
    let before = history(&db).await;

    let second = run_url(&cfg, &["init", "--format", "json"]);
    assert_ok(&second);
    let j = json(&second);
    assert_eq!(j["applied"].as_array().unwrap().len(), 0, "second init applied something: {j}");
    let demands = j["tables"].as_array().unwrap().iter().find(|t| t["table"] == "demands").unwrap();
    assert_eq!(demands["rows"], 1, "init must keep data: {j}");
    assert_eq!(history(&db).await, before);
}

#[tokio::test]
async fn init_creates_a_missing_database() {
    let mut cfg = fresh_db("create").await;
    let name = format!("{}_new", cfg.dbname.clone().unwrap());
    cfg.dbname = Some(name.clone());
    let o = run_url(&cfg, &["init"]);
    assert_ok(&o);
    assert!(stderr(&o).contains(&format!("created database \"{name}\"")), "{}", stderr(&o));
    let db = connect(&cfg).await;
    assert!(table_exists(&db, "demands").await);
}

#[tokio::test]
async fn eight_concurrent_migrations_apply_each_migration_once() {
    let cfg = fresh_db("concurrent").await;
    let url = cfg.url_with_password();
    let children: Vec<_> = (0..8)
        .map(|_| {
            cmd()
                .args(["--url", &url, "migrate", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applied_total = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_ok(&o);
        assert_no_panic(&o);
        applied_total += json(&o)["applied"].as_array().unwrap().len();
    }
    assert_eq!(applied_total, shipped().len(), "each migration must be applied by exactly one run");
    let db = connect(&cfg).await;
    let h = history(&db).await;
    assert_eq!(h.iter().map(|r| r.0).collect::<Vec<_>>(), shipped());
    // The advisory lock is released by every run.
    let held = scalar_i64(&db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").await;
    assert_eq!(held, 0);
}

#[tokio::test]
async fn lock_wait_names_the_holder() {
    let cfg = fresh_db("lockwait").await;
    let db = connect(&cfg).await;
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("SET application_name = 'deploy-job-42'").await.unwrap();
    holder.query_one("SELECT pg_advisory_lock($1)", &[&towow_db::migrate::MIGRATION_LOCK_KEY]).await.unwrap();
    let o = run_url(&cfg, &["migrate", "--lock-wait", "1s"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("deploy-job-42") && e.contains("--lock-wait"), "{e}");
    assert!(!table_exists(&db, "demands").await, "nothing may be applied without the lock");
    // When the holding session ends, the lock goes with it. (Let the runtime close the
    // connection before the blocking run below.)
    drop(holder);
    wait_until(
        &db,
        "SELECT count(*) = 0 FROM pg_locks WHERE locktype = 'advisory' \
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .await;
    assert_ok(&run_url(&cfg, &["migrate", "--lock-wait", "10s"]));
}

#[tokio::test]
async fn status_as_table_and_json() {
    let cfg = fresh_db("status").await;
    // Before anything: both pending.
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let m = j["migrations"].as_array().unwrap();
    assert_eq!(m.len(), shipped().len());
    assert!(m.iter().all(|r| r["state"] == "pending"), "{j}");

    assert_ok(&run_url(&cfg, &["migrate", "--target", "1"]));
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    let j = json(&o);
    let m = j["migrations"].as_array().unwrap();
    assert_eq!(
        (m[0]["version"].as_i64(), m[0]["name"].as_str(), m[0]["state"].as_str()),
        (Some(1), Some("initial_tables"), Some("applied"))
    );
    assert!(m[0]["applied_on"].as_str().unwrap().starts_with("20"), "{j}");
    assert_eq!((m[1]["version"].as_i64(), m[1]["state"].as_str()), (Some(2), Some("pending")));

    let o = run_url(&cfg, &["migrate", "status"]);
    assert_ok(&o);
    let t = stdout(&o);
    let line1 = t.lines().find(|l| l.contains("initial_tables")).expect(&t);
    assert!(line1.contains("applied"), "{t}");
    let line2 = t.lines().find(|l| l.contains("recommended_indexes")).expect(&t);
    assert!(line2.contains("pending"), "{t}");
}

#[tokio::test]
async fn verify_catches_edited_missing_and_hand_changed() {
    let cfg = fresh_db("verify").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("OK"), "{}", stdout(&o));

    let db = connect(&cfg).await;
    let c = db.get().await.unwrap();
    // An edited file: the applied checksum no longer matches the shipped one.
    c.batch_execute("UPDATE refinery_schema_history SET checksum = '12345' WHERE version = 2").await.unwrap();
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("V2__recommended_indexes"), "{}", stdout(&o));
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    assert_eq!(json(&o)["migrations"][1]["state"], "modified");
    // `migrate` refuses to go on over a modified migration.
    let o = run_url(&cfg, &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("V2__recommended_indexes"), "{}", stderr(&o));

    // A migration applied by a newer binary (or whose file was deleted): missing.
    c.batch_execute(
        "UPDATE refinery_schema_history SET checksum = (SELECT checksum FROM refinery_schema_history WHERE version = 1) WHERE false;
         INSERT INTO refinery_schema_history VALUES (7, 'from_the_future', '2026-01-01T00:00:00Z', '42')",
    )
    .await
    .unwrap();
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    assert_eq!(j["ok"], false);
    let problems = j["problems"].to_string();
    assert!(problems.contains("V7__from_the_future") && problems.contains("V2__recommended_indexes"), "{j}");
    let states: Vec<_> = j["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap().to_string())
        .collect();
    let mut want = vec!["applied"; shipped().len()];
    want[1] = "modified";
    want.push("missing");
    assert_eq!(states, want);
    // What a migration this binary does not ship did to the tables is unknown: no shadow is built
    // and no drift reported against a schema that may have moved on.
    assert!(j.get("shadow").is_none() && j["drift"] == serde_json::json!([]), "{j}");
}

#[tokio::test]
async fn verify_catches_a_column_dropped_by_hand() {
    let cfg = fresh_db("drift").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    let db = connect(&cfg).await;
    exec(&db, "ALTER TABLE demands DROP COLUMN budget; DROP INDEX ix_agent_responses_status").await;
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("demands.budget"), "{out}");
    assert!(out.contains("ix_agent_responses_status"), "{out}");
    assert!(out.contains("missing"), "{out}");
}

#[tokio::test]
async fn down_then_up() {
    let cfg = fresh_db("down").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    let db = connect(&cfg).await;
    // Without a terminal and without --yes, down refuses.
    let o = run_url(&cfg, &["migrate", "down"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert_eq!(history(&db).await.len(), shipped().len());

    // V4's down: the app's ix_demands_status is no longer marked as kept on purpose.
    let kept = "SELECT obj_description('ix_demands_status'::regclass, 'pg_class') LIKE 'towow-db: keep:%'";
    assert!(scalar_bool(&db, kept).await);
    assert_ok(&run_url(&cfg, &["migrate", "down", "--target", "3", "--yes"]));
    assert!(scalar_bool(&db, &format!("SELECT ({kept}) IS NULL")).await);
    assert_eq!(history(&db).await.len(), 3);

    let o = run_url(&cfg, &["migrate", "down", "--steps", "2", "--dry-run"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("ALTER COLUMN demand_id DROP NOT NULL"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("DROP INDEX CONCURRENTLY IF EXISTS ix_demands_status_created"),
        "{}",
        stdout(&o)
    );
    assert_eq!(history(&db).await.len(), 3, "a dry run changes nothing");

    assert_ok(&run_url(&cfg, &["migrate", "down", "--yes"]));
    assert_eq!(history(&db).await.iter().map(|h| h.0).collect::<Vec<_>>(), vec![1, 2]);
    // V3's down restores V1's nullability: a response without a demand is accepted again.
    exec(&db, "INSERT INTO agent_responses (message) VALUES ('no demand')").await;
    exec(&db, "DELETE FROM agent_responses").await;
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
    assert_ok(&run_url(&cfg, &["migrate", "down", "--yes"]));
    assert_eq!(history(&db).await.iter().map(|h| h.0).collect::<Vec<_>>(), vec![1]);
    assert!(!table_exists(&db, "ix_demands_status_created").await);
    assert!(table_exists(&db, "demands").await);

    assert_ok(&run_url(&cfg, &["migrate", "down", "--target", "0", "--yes"]));
    assert!(history(&db).await.is_empty());
    assert!(!table_exists(&db, "demands").await);
    assert!(!table_exists(&db, "agent_profiles").await);

    let o = run_url(&cfg, &["migrate", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["applied"].as_array().unwrap().len(), shipped().len());
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
}

#[tokio::test]
async fn dry_run_changes_nothing() {
    let cfg = fresh_db("dry").await;
    let o = run_url(&cfg, &["migrate", "--dry-run"]);
    assert_ok(&o);
    let out = stdout(&o);
    let v1 = out.find("CREATE TABLE agent_profiles").expect(&out);
    let v2 =
        out.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_agent_profiles_capabilities_gin").expect(&out);
    assert!(v1 < v2, "in order");
    let db = connect(&cfg).await;
    assert!(!table_exists(&db, "refinery_schema_history").await);
    assert!(!table_exists(&db, "agent_profiles").await);

    assert_ok(&run_url(&cfg, &["migrate", "--target", "1"]));
    let o = run_url(&cfg, &["migrate", "--dry-run", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["sql"].as_array().unwrap().len(), shipped().len() - 1, "{j}");
    assert_eq!(j["sql"][0]["version"], 2);
    assert_eq!(history(&db).await.len(), 1);
}

#[tokio::test]
async fn target_must_exist() {
    let cfg = fresh_db("target").await;
    let o = run_url(&cfg, &["migrate", "--target", "7"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--target 7: no such migration"), "{}", stderr(&o));
    // down refuses the same way (it used to say "nothing to roll back"), before asking anything.
    assert_ok(&run_url(&cfg, &["migrate", "-q"]));
    for args in [&["migrate", "down", "--target", "7", "--yes"][..], &["migrate", "down", "--target", "7"]] {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains("--target 7: no such migration"), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(history(&connect(&cfg).await).await.len(), shipped().len());
    // Down to nothing: the version is said as a number.
    let o = run_url(&cfg, &["migrate", "down", "--target", "0", "--yes"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("schema at version 0 (no migration applied)"), "{}", stderr(&o));
}

#[tokio::test]
async fn quiet_verify_says_only_what_fails() {
    let cfg = fresh_db("quiet_verify").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let o = run_url(&cfg, &["migrate", "verify", "-q"]);
    assert_ok(&o);
    assert_eq!((stdout(&o).as_str(), stderr(&o).as_str()), ("", ""));
    exec(&connect(&cfg).await, "ALTER TABLE demands ALTER COLUMN status DROP DEFAULT").await;
    let o = run_url(&cfg, &["migrate", "verify", "-q"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("error: DRIFT") && stderr(&o).contains("status"), "{}", stderr(&o));
}

#[tokio::test]
async fn no_create_database_on_a_missing_database_says_what_to_do() {
    let mut cfg = fresh_db("nocreate").await;
    let name = format!("{}_absent", cfg.dbname.clone().unwrap());
    cfg.dbname = Some(name.clone());
    let o = run_url(&cfg, &["init", "--no-create-database"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    // Not "create it with `towow-db init`", which is what was just run.
    assert!(e.contains("--no-create-database says not to create it") && !e.contains("towow-db init`"), "{e}");
}

#[tokio::test]
async fn an_invalid_index_left_by_a_failed_concurrent_build_is_rebuilt() {
    let cfg = fresh_db("invalid").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "1"]));
    let db = connect(&cfg).await;
    let c = db.get().await.unwrap();
    // Make the GIN build fail half way: a unique index on a duplicate value leaves an INVALID
    // index behind, exactly like an interrupted CREATE INDEX CONCURRENTLY.
    c.batch_execute(
        "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u'), ('t', 'd', 'u');",
    )
    .await
    .unwrap();
    let e = c
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY ix_demands_status_created ON demands (title)")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("duplicate") || format!("{e:?}").contains("23505"), "{e:?}");
    let valid: bool = c
        .query_one(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_demands_status_created'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!valid);
    // `IF NOT EXISTS` alone would skip it and record V2 with a broken index.
    let o = run_url(&cfg, &["migrate"]);
    assert_ok(&o);
    let def: String = c
        .query_one("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_demands_status_created'", &[])
        .await
        .unwrap()
        .get(0);
    assert!(def.ends_with("(status, created_at DESC)"), "{def}");
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
}

#[tokio::test]
async fn drop_asks_first() {
    let cfg = fresh_db("drop").await;
    assert_ok(&run_url(&cfg, &["init"]));
    let db = connect(&cfg).await;
    exec(&db, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
    // No terminal (stdin is /dev/null) and no --yes: refuse, exit 1, touch nothing.
    let o = run_url(&cfg, &["drop"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("demands") && e.contains("1 row"), "shows what it would drop: {e}");
    assert!(e.contains("--yes"), "{e}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM demands").await, 1);
    // init --drop has the same safety.
    let o = run_url(&cfg, &["init", "--drop"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM demands").await, 1);

    let o = run_url(&cfg, &["drop", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["dropped_history"], true);
    assert_eq!(j["dropped"].as_array().unwrap().len(), 4);
    assert!(!table_exists(&db, "demands").await);
    assert!(!table_exists(&db, "refinery_schema_history").await);
    // Dropping again is a no-op.
    assert_ok(&run_url(&cfg, &["drop", "--yes"]));
    // And init --drop --yes gives a fresh schema.
    assert_ok(&run_url(&cfg, &["init", "--drop", "--yes"]));
    assert!(table_exists(&db, "demands").await);
}

#[tokio::test]
async fn refinery_itself_accepts_the_history_we_write() {
    // V2 runs outside a transaction and is recorded by towow-db, not refinery. The row must be
    // exactly what refinery writes (checksum, RFC 3339 time), so that a plain refinery runner
    // (refinery-cli, the app's own embedded runner) sees a consistent history with nothing to do.
    let cfg = fresh_db("refinery").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    refinery_has_nothing_to_do(&connect(&cfg).await).await;
}

/// A plain refinery runner over the history: nothing to apply, the newest shipped version last.
pub async fn refinery_has_nothing_to_do(db: &towow_db::connect::Db) {
    let migrations: Vec<refinery_core::Migration> = towow_db::migrate::shipped()
        .unwrap()
        .iter()
        .map(|s| refinery_core::Migration::unapplied(s.file, s.up).unwrap())
        .collect();
    let mut client = db.dedicated().await.unwrap();
    let report = refinery_core::Runner::new(&migrations)
        .set_abort_divergent(true)
        .set_abort_missing(true)
        .run_async(&mut *client)
        .await
        .expect("refinery accepts the history");
    assert!(report.applied_migrations().is_empty());
    let last = refinery_core::Runner::new(&migrations)
        .get_last_applied_migration_async(&mut *client)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.version(), *shipped().last().unwrap());
    assert_eq!(last.checksum(), migrations.last().unwrap().checksum());
}

#[tokio::test]
async fn down_rolls_back_only_what_was_confirmed() {
    // The user confirmed rolling back V1 (say nothing later was applied then), but by the time
    // the lock is held later versions are: roll back nothing rather than something else.
    let cfg = fresh_db("downconfirm").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    let db = connect(&cfg).await;
    let wait = std::time::Duration::from_secs(5);
    let e = towow_db::migrate::down(&db, Some(1), None, false, wait, Some(&[1])).await.unwrap_err();
    assert!(format!("{e:#}").contains("changed since you confirmed"), "{e:#}");
    assert_eq!(history(&db).await.len(), shipped().len(), "nothing was rolled back");
    // The plan it was confirmed for: rolled back.
    let newest = *shipped().last().unwrap();
    let r = towow_db::migrate::down(&db, Some(1), None, false, wait, Some(&[newest])).await.unwrap();
    assert_eq!(r.rolled_back.iter().map(|s| s.version).collect::<Vec<_>>(), vec![newest]);
}

/// V3's ALTER TABLEs need an ACCESS EXCLUSIVE lock. Behind a long transaction, a waiting ALTER
/// makes every reader of the table queue behind it for the whole lock timeout; towow-db's tries
/// last 2 s each, so readers get through between them, and the migration ends once the long
/// transaction does.
#[tokio::test]
async fn a_waiting_migration_never_stalls_the_tables_readers() {
    let cfg = fresh_db("patient").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "2", "-q"]));
    let db = connect(&cfg).await;
    let holder = db.dedicated().await.unwrap();
    holder
        .batch_execute(
            "BEGIN; SELECT count(*) FROM agent_profiles; SELECT count(*) FROM demands; \
             SELECT count(*) FROM collaboration_channels; SELECT count(*) FROM agent_responses",
        )
        .await
        .unwrap();
    let url = cfg.url_with_password();
    let migration = std::thread::spawn(move || run(&["--url", &url, "migrate"]));
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // Readers of every table, one after the other, each in a new session: none waits long.
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..3 {
        for table in ["agent_profiles", "demands", "collaboration_channels", "agent_responses"] {
            let reader = connect(&cfg).await;
            let c = reader.get().await.unwrap();
            c.batch_execute("SET statement_timeout = '10s'").await.unwrap();
            let t = std::time::Instant::now();
            c.batch_execute(&format!("SELECT count(*) FROM {table}")).await.unwrap();
            slowest = slowest.max(t.elapsed());
        }
    }
    assert!(!migration.is_finished(), "the migration waits for the long transaction");
    holder.batch_execute("ROLLBACK").await.unwrap();
    let o = migration.join().unwrap();
    assert_ok(&o);
    assert!(slowest < std::time::Duration::from_millis(3500), "a reader waited {slowest:?}");
    assert_eq!(history(&db).await.len(), shipped().len());
}

#[tokio::test]
async fn down_steps_n_rolls_back_the_last_n_migrations() {
    let cfg = fresh_db("down_steps").await;
    assert_ok(&run_url(&cfg, &["migrate", "-q"]));
    let db = connect(&cfg).await;
    let all = shipped();
    assert_ok(&run_url(&cfg, &["migrate", "down", "--steps", "2", "--yes"]));
    assert_eq!(history(&db).await.iter().map(|h| h.0).collect::<Vec<_>>(), all[..all.len() - 2]);
    assert!(table_exists(&db, "demands").await, "the rest is kept");
    assert_ok(&run_url(&cfg, &["migrate", "down", "--steps", "1", "--yes"]));
    assert_eq!(history(&db).await.len(), all.len() - 3);
}

#[tokio::test]
async fn verify_fail_on_pending_fails_until_every_migration_is_applied() {
    let cfg = fresh_db("verify_pending").await;
    assert_ok(&run_url(&cfg, &["migrate", "-q", "--target", "2"]));
    // What is applied matches its migrations: plain verify passes, naming what is pending.
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_ok(&o);
    assert!(stdout(&o).contains(&format!("({} pending)", shipped().len() - 2)), "{}", stdout(&o));
    let o = run_url(&cfg, &["migrate", "verify", "--fail-on-pending"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(format!("{}{}", stdout(&o), stderr(&o)).contains("pending"), "{}", stderr(&o));
    assert_ok(&run_url(&cfg, &["migrate", "-q"]));
    assert_ok(&run_url(&cfg, &["migrate", "verify", "--fail-on-pending"]));
}
