//! The reports' options one at a time, each on a database built so that the option changes the
//! answer: `vacuum-report --execute` (a failing table, `--full`), `slow-query --sort`, `activity
//! --all`.

use std::collections::BTreeSet;

use serde_json::Value;
use towow_db::connect::ConnConfig;

use crate::common::*;

#[track_caller]
fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn report(cfg: &ConnConfig, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = run_url(cfg, &all);
    assert_ok(&o);
    json(&o)
}

/// Tables with `n` dead rows each and autovacuum off, so that they are due and stay so.
async fn dead_tables(db: &towow_db::connect::Db, tables: &[&str], n: u32) {
    for t in tables {
        exec(
            db,
            &format!(
                "CREATE TABLE {t} (id int, pad text) WITH (autovacuum_enabled = off);
                 INSERT INTO {t} SELECT g, repeat('x', 100) FROM generate_series(1, {n}) g;
                 DELETE FROM {t}"
            ),
        )
        .await;
    }
    let list = tables.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(",");
    wait_until(
        db,
        &format!(
            "SELECT count(*) = {} FROM pg_stat_user_tables WHERE relname IN ({list}) AND n_dead_tup >= {n}",
            tables.len()
        ),
    )
    .await;
}

fn executed<'a>(j: &'a Value, table: &str) -> &'a Value {
    j["executed"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["table"] == table))
        .unwrap_or_else(|| panic!("{table} not executed: {j}"))
}

#[tokio::test]
async fn vacuum_execute_tries_every_table_and_exits_1_when_one_failed() {
    let cfg = fresh_db("vac_fail").await;
    let db = connect(&cfg).await;
    dead_tables(&db, &["held", "free"], 500).await;
    // VACUUM needs SHARE UPDATE EXCLUSIVE on `held`, which another session holds (the report's
    // own reads are not blocked by it).
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE held IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
    let o = run_url(
        &cfg,
        &["--lock-timeout", "300ms", "vacuum-report", "--execute", "--yes", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let j = json(&o);
    let held = executed(&j, "held");
    assert_eq!(held["ok"], false, "{held}");
    assert!(held["error"].as_str().unwrap().contains("lock timeout"), "{held}");
    assert!(stderr(&o).contains("FAILED"), "{}", stderr(&o));
    assert_eq!(executed(&j, "free")["ok"], true, "{j}");
    wait_until(&db, "SELECT vacuum_count > 0 FROM pg_stat_user_tables WHERE relname = 'free'").await;
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(
        scalar_i64(&db, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'held'").await,
        0
    );
    // Nothing failing: exit 0.
    assert_ok(&run_url(&cfg, &["vacuum-report", "--execute", "--yes", "--table", "held"]));
}

#[tokio::test]
async fn vacuum_execute_full_rewrites_the_due_tables() {
    let cfg = fresh_db("vac_full").await;
    let db = connect(&cfg).await;
    dead_tables(&db, &["bloated"], 2000).await;
    let file = "SELECT pg_relation_filenode('bloated')::int8";
    let before = scalar_i64(&db, file).await;
    let j = report(&cfg, &["vacuum-report", "--execute", "--yes", "--full", "--table", "bloated"]);
    assert_eq!(executed(&j, "bloated")["command"], r#"VACUUM (FULL, ANALYZE) "public"."bloated""#, "{j}");
    // VACUUM FULL writes a new file, emptied of the dead rows; a plain VACUUM keeps the file.
    assert_ne!(scalar_i64(&db, file).await, before);
    assert_eq!(scalar_i64(&db, "SELECT pg_relation_size('bloated')").await, 0);
}

#[tokio::test]
async fn slow_query_sorts_by_calls_io_and_temp() {
    let cfg = fresh_db("slow_sort").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pg_stat_statements").await;
    let c = db.dedicated().await.unwrap();
    // The slowest in total, the most called, the one spilling a sort to temporary files, and
    // one writing more than its 16 MB bulk-write ring, so that it writes shared buffers itself
    // (timed, with I/O timing on).
    c.batch_execute("SET track_io_timing = on; SET work_mem = '64kB'").await.unwrap();
    c.batch_execute("SELECT pg_sleep(1)").await.unwrap();
    for _ in 0..25 {
        c.batch_execute("SELECT 1 AS many_calls").await.unwrap();
    }
    c.batch_execute("SELECT count(*) FROM (SELECT g FROM generate_series(1, 300000) g ORDER BY g DESC) s")
        .await
        .unwrap();
    c.batch_execute(
        "CREATE TABLE written AS SELECT g, repeat('x', 300) AS pad FROM generate_series(1, 100000) g",
    )
    .await
    .unwrap();
    let ours = |q: &Value| {
        let q = q["query"].as_str().unwrap();
        ["pg_sleep", "many_calls", "ORDER BY g", "written"].iter().any(|k| q.contains(k))
    };
    let by = |sort: &str| -> Vec<Value> {
        let j = report(&cfg, &["slow-query", "--sort", sort, "--limit", "50"]);
        j["queries"].as_array().unwrap().iter().filter(|q| ours(q)).cloned().collect()
    };
    let top = |qs: &[Value]| qs[0]["query"].as_str().unwrap().to_string();
    let descending = |qs: &[Value], key: &str| {
        qs.windows(2).all(|w| w[0][key].as_f64().unwrap() >= w[1][key].as_f64().unwrap())
    };
    let total = by("total");
    assert!(top(&total).contains("pg_sleep"), "{total:?}");
    let calls = by("calls");
    assert!(top(&calls).contains("many_calls") && descending(&calls, "calls"), "{calls:?}");
    assert_eq!(calls[0]["calls"], 25);
    let temp = by("temp");
    assert!(top(&temp).contains("ORDER BY g") && descending(&temp, "temp_blks"), "{temp:?}");
    assert!(temp[0]["temp_blks"].as_i64().unwrap() > 0, "{temp:?}");
    let io = by("io");
    assert!(descending(&io, "io_ms") && io[0]["io_ms"].as_f64().unwrap() > 0.0, "{io:?}");
    assert!(top(&io).contains("written"), "{io:?}");
}

#[tokio::test]
async fn activity_all_adds_the_servers_own_processes() {
    let cfg = fresh_db("activity_all").await;
    let db = connect(&cfg).await;
    let _idle = db.dedicated().await.unwrap();
    let types = |args: &[&str]| -> BTreeSet<String> {
        let j = report(&cfg, args);
        j["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["backend_type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(types(&["activity"]), BTreeSet::from(["client backend".to_string()]));
    let all = types(&["activity", "--all"]);
    assert!(all.contains("client backend") && all.contains("checkpointer"), "{all:?}");
}
