//! The btree bloat estimate of `indexes` against pgstattuple's `pgstatindex` (the exact truth),
//! and `indexes --rebuild` on AIECS's `task_history` (see `seed_schemas`): an invalid index made
//! valid, a failed rebuild's `_ccnew` leftover dropped, bloated indexes rebuilt, on every major.

use std::collections::BTreeMap;
use std::process::Output;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{majors, server};
use crate::seed_schemas::task_history_rows;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// `task_history` with `n` rows, every one a task of its own (high-cardinality keys).
async fn tasks(db: &Db, n: i64) {
    task_history_rows(db, n, "timestamp '2026-01-01' + g * interval '1 second'").await;
    exec(db, "VACUUM ANALYZE task_history").await;
}

/// The estimated bloat (%) of each index of `task_history`, from `indexes --format json`.
fn estimates(cfg: &ConnConfig) -> BTreeMap<String, f64> {
    let o = run_url(cfg, &["indexes", "--bloat", "--table", "task_history", "--format", "json"]);
    assert_ok(&o);
    json(&o)["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| Some((i["index"].as_str()?.to_string(), i["bloat"]["pct"].as_f64()?)))
        .collect()
}

/// The bloat pgstatindex shows: the pages beyond leaf pages packed at the fillfactor (90), the
/// internal pages and the metapage, as a share of the index's pages.
async fn truth(db: &Db, index: &str) -> f64 {
    let r = db
        .get()
        .await
        .unwrap()
        .query_typed_one(
            &format!(
                "SELECT (100 * (1 - (s.leaf_pages * s.avg_leaf_density / 90 + s.internal_pages + 1) \
                   / (s.index_size / current_setting('block_size')::float8)))::float8 \
                 FROM pgstatindex('{index}') s"
            ),
            &[],
        )
        .await
        .unwrap();
    r.get::<_, f64>(0).max(0.0)
}

/// The indexes the model fits: those without many duplicate keys (btree deduplication packs
/// `idx_task_history_user_id` and `idx_task_history_status`, 7 and 1 distinct values, tighter
/// than the model: the estimate says less bloat than there is, see docs/maintenance.md).
const DISTINCT_KEYS: [&str; 5] = [
    "task_history_pkey",
    "idx_task_history_task_id",
    "idx_task_history_timestamp",
    "idx_task_history_user_task",
    "idx_task_history_user_timestamp",
];

async fn assert_close(db: &Db, est: &BTreeMap<String, f64>, when: &str) {
    for i in DISTINCT_KEYS {
        let (e, t) = (est[i], truth(db, i).await);
        assert!((e - t).abs() <= 10.0, "{when}: {i}: estimate {e:.1}% vs pgstatindex {t:.1}%");
    }
}

#[tokio::test]
async fn the_btree_bloat_estimate_agrees_with_pgstatindex() {
    let cfg = fresh_db("bloat").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pgstattuple").await;
    tasks(&db, 100_000).await;
    // Grown row by row: the text keys came out of order and split their pages.
    let grown = estimates(&cfg);
    assert_eq!(grown.len(), 7, "every btree index of task_history has an estimate: {grown:?}");
    assert_close(&db, &grown, "grown by inserts").await;
    assert!(grown["idx_task_history_task_id"] > 30.0, "{grown:?}");
    // Rebuilt: packed.
    exec(&db, "REINDEX TABLE task_history").await;
    let fresh = estimates(&cfg);
    assert_close(&db, &fresh, "freshly built").await;
    assert!(fresh.values().all(|p| *p < 10.0), "{fresh:?}");
    // Seven rows in ten go; VACUUM frees their entries but keeps the pages.
    exec(&db, "DELETE FROM task_history WHERE id % 10 < 7").await;
    exec(&db, "VACUUM ANALYZE task_history").await;
    let sparse = estimates(&cfg);
    assert_close(&db, &sparse, "after deleting 70%").await;
    assert!(sparse["task_history_pkey"] > 50.0, "{sparse:?}");
    // Never analyzed: no estimate, not a guess.
    exec(&db, "CREATE TABLE fresh (id int PRIMARY KEY); INSERT INTO fresh SELECT generate_series(1, 100000)")
        .await;
    let o = run_url(&cfg, &["indexes", "--bloat", "--table", "fresh", "--format", "json"]);
    assert!(json(&o)["indexes"][0]["bloat"].is_null(), "{}", stdout(&o));
    // Without --bloat, none is computed; with it, a table of them, most bloated first.
    let o = run_url(&cfg, &["indexes", "--table", "task_history", "--format", "json"]);
    assert!(json(&o)["indexes"].as_array().unwrap().iter().all(|i| i["bloat"].is_null()));
    let o = run_url(&cfg, &["indexes", "--bloat", "--table", "task_history"]);
    assert!(stdout(&o).contains("Estimated btree bloat"), "{}", stdout(&o));
}

/// `indexes --rebuild --yes` on `task_history` with this `--bloat-threshold`, in JSON.
fn rebuild_tasks(cfg: &ConnConfig, threshold: &str) -> Output {
    let args = ["indexes", "--rebuild", "--bloat-threshold", threshold, "--table", "task_history", "--yes"];
    run_url(cfg, &[&args[..], &["--format", "json"]].concat())
}

/// An invalid unique index on `task_id`: its CREATE INDEX CONCURRENTLY met a duplicate.
async fn invalid_unique_index(db: &Db) {
    exec(db, "INSERT INTO task_history (user_id, task_id, step, result, timestamp) VALUES ('u', 'task_7', 1, '{}', now())").await;
    let e = db
        .get()
        .await
        .unwrap()
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY task_history_task_unique ON task_history (task_id)")
        .await
        .unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("23505"), "{e:?}");
    assert!(!valid(db, "task_history_task_unique").await);
}

async fn valid(db: &Db, index: &str) -> bool {
    scalar_bool(db, &format!("SELECT indisvalid FROM pg_index WHERE indexrelid = '{index}'::regclass")).await
}

async fn exists(db: &Db, index: &str) -> bool {
    scalar_bool(db, &format!("SELECT to_regclass('{index}') IS NOT NULL")).await
}

/// The invalid index made valid by `indexes --rebuild` once its duplicate is gone.
async fn invalid_made_valid(cfg: &ConnConfig) {
    let db = Db::connect(cfg.clone(), Default::default()).await.unwrap();
    tasks(&db, 20_000).await;
    invalid_unique_index(&db).await;
    exec(&db, "DELETE FROM task_history WHERE id = (SELECT max(id) FROM task_history)").await;
    // A threshold no index reaches: the invalid one only.
    let o = rebuild_tasks(cfg, "100");
    assert_ok(&o);
    let j = json(&o);
    let rebuilt = j["indexes"].as_array().unwrap();
    assert_eq!(rebuilt.len(), 1, "only the invalid one: {j:#}");
    assert_eq!(
        (rebuilt[0]["index"].as_str(), rebuilt[0]["reason"].as_str()),
        (Some("task_history_task_unique"), Some("invalid"))
    );
    assert_eq!(rebuilt[0]["valid_after"], true, "{j:#}");
    assert!(valid(&db, "task_history_task_unique").await);
    // And it does its job now.
    let e = db.get().await.unwrap().batch_execute("INSERT INTO task_history (user_id, task_id, step, result, timestamp) VALUES ('u', 'task_8', 1, '{}', now())").await;
    assert!(e.is_err(), "the rebuilt unique index let a duplicate in");
}

#[tokio::test]
async fn rebuild_turns_an_invalid_index_valid_on_every_version() {
    for m in majors() {
        let cfg = fresh_db_on(&server(m).base, "rebuild").await;
        invalid_made_valid(&cfg).await;
    }
}

#[tokio::test]
async fn a_failed_rebuilds_ccnew_leftover_is_dropped_and_said() {
    let cfg = fresh_db("ccnew").await;
    let db = connect(&cfg).await;
    tasks(&db, 5_000).await;
    invalid_unique_index(&db).await;
    // A REINDEX CONCURRENTLY by hand fails on the duplicate and leaves its new copy behind.
    let e = db
        .get()
        .await
        .unwrap()
        .batch_execute("REINDEX INDEX CONCURRENTLY task_history_task_unique")
        .await
        .unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("23505"));
    assert!(exists(&db, "task_history_task_unique_ccnew").await);
    // The report lists both as invalid; the dry run says what it would do.
    let o = run_url(&cfg, &["indexes", "--rebuild", "--dry-run", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["leftovers"][0]["index"], "task_history_task_unique_ccnew", "{j:#}");
    assert_eq!(j["indexes"][0]["index"], "task_history_task_unique", "{j:#}");
    assert!(exists(&db, "task_history_task_unique_ccnew").await, "the dry run dropped it");
    // Without a terminal and without --yes: refused, nothing done.
    let o = run_url(&cfg, &["indexes", "--rebuild"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("pass --yes"), "{}", stderr(&o));
    assert!(exists(&db, "task_history_task_unique_ccnew").await);
    // The run: the leftover is dropped; the rebuild fails again (the duplicate is still there),
    // and its own new leftover is dropped too. Exit 1, and said.
    let o = run_url(&cfg, &["indexes", "--rebuild", "--yes", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("dropped public.task_history_task_unique_ccnew, an invalid leftover of a failed REINDEX CONCURRENTLY"), "{e}");
    assert!(e.contains("is duplicated"), "{e}");
    let j = json(&o);
    assert!(j["leftovers"].as_array().unwrap().iter().all(|l| l["dropped"] == true), "{j:#}");
    assert!(j["indexes"][0]["error"].as_str().unwrap().contains("23505"), "{j:#}");
    assert!(!exists(&db, "task_history_task_unique_ccnew").await, "a leftover stayed");
    assert!(!valid(&db, "task_history_task_unique").await);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_class WHERE relname LIKE '%\\_ccnew%'").await, 0);
}

#[tokio::test]
async fn bloated_indexes_are_rebuilt_and_the_others_left_alone() {
    let cfg = fresh_db("rebloat").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pgstattuple").await;
    tasks(&db, 100_000).await;
    // Rows go from the first half only: the second half's index pages stay packed.
    exec(&db, "DELETE FROM task_history WHERE id <= 50000 AND id % 10 < 9").await;
    exec(&db, "VACUUM ANALYZE task_history").await;
    let est = estimates(&cfg);
    let over: Vec<&String> = est.iter().filter(|(_, p)| **p >= 30.0).map(|(i, _)| i).collect();
    assert!(over.contains(&&"task_history_pkey".to_string()), "{est:?}");
    let o = rebuild_tasks(&cfg, "30%");
    assert_ok(&o);
    let j = json(&o);
    let rebuilt: Vec<&str> =
        j["indexes"].as_array().unwrap().iter().map(|r| r["index"].as_str().unwrap()).collect();
    assert_eq!(rebuilt.len(), over.len(), "{j:#}");
    for r in j["indexes"].as_array().unwrap() {
        assert_eq!(r["reason"], "bloat");
        assert!(r["bytes_after"].as_i64().unwrap() < r["bytes_before"].as_i64().unwrap(), "{r:#}");
    }
    // Packed again, by pgstatindex's count.
    assert!(truth(&db, "task_history_pkey").await < 10.0);
    // Nothing left past the threshold: a second run has nothing to do.
    let o = run_url(&cfg, &["indexes", "--rebuild", "--table", "task_history", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["indexes"].as_array().unwrap().len(), 0);
}
