//! The reports checked against exact truth rather than their own formulas (issue 14): a
//! rewritten copy of the table and pgstattuple for bloat, the raw `pg_stat_statements` columns,
//! the planner and the index statistics for indexes, autovacuum's own actions (its log and its
//! counters), and what a role without `pg_read_all_stats` sees in `pg_stat_activity`. Each case
//! runs on every tested PostgreSQL major.

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{Dedicated, PgServer, majors, server};
use crate::reports::{burn_xids, code, json, report, table};

async fn scalar_f64(db: &Db, sql: &str) -> f64 {
    db.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|x| x[key] == value)
}

// ---------------------------------------------------------------------------------------------
// indexes

const INDEX_SETUP: &str = "
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE,
                    x int, pad text);
INSERT INTO parent SELECT generate_series(1, 1000);
INSERT INTO child SELECT g, 1 + g % 1000, g % 5000, repeat('p', 40) FROM generate_series(1, 20000) g;
CREATE INDEX child_x ON child (x);
CREATE INDEX child_x_desc ON child (x DESC);
CREATE INDEX child_parent ON child (parent_id);
ANALYZE parent, child;
";

async fn indexes_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "idxtruth").await;
    let db = connect(&cfg).await;
    exec(&db, INDEX_SETUP).await;
    // x has duplicates: the unique build fails and leaves an INVALID unique index on (x).
    let e = db
        .get()
        .await
        .unwrap()
        .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY child_x_uq ON child (x)")
        .await;
    assert!(e.is_err(), "{v}");
    assert!(
        !scalar_bool(&db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'child_x_uq'::regclass").await
    );

    let j = report(&cfg, &["indexes", "--unused-min-size", "0"]);
    let dups = &j["duplicates"];
    assert_eq!(j["invalid"], serde_json::json!(["public.child_x_uq"]), "{v}");
    // 1. The INVALID index is never kept, never a reason to drop the valid one.
    assert!(
        dups.as_array().unwrap().iter().all(|d| d["duplicate_of"] != "child_x_uq" && d["index"] != "child_x"),
        "{v}: the only usable index on x must not be a drop candidate: {dups}"
    );
    // 7. (x DESC) is (x) read backwards: a duplicate. The planner agrees: without it,
    // ORDER BY x DESC is an Index Scan Backward on child_x.
    let d =
        find(dups, "index", "child_x_desc").unwrap_or_else(|| panic!("{v}: DESC copy not flagged: {dups}"));
    assert_eq!(
        (d["duplicate_of"].as_str(), d["kind"].as_str()),
        (Some("child_x"), Some("reversed")),
        "{v}: {d}"
    );
    let plan = db.dedicated().await.unwrap();
    plan.batch_execute("BEGIN; DROP INDEX child_x_desc; SET LOCAL enable_seqscan = off").await.unwrap();
    let rows = plan.query_typed("EXPLAIN SELECT x FROM child ORDER BY x DESC LIMIT 5", &[]).await.unwrap();
    let text: Vec<String> = rows.iter().map(|r| r.get::<_, String>(0)).collect();
    assert!(text.iter().any(|l| l.contains("Backward") && l.contains("child_x")), "{v}: {text:?}");
    plan.batch_execute("ROLLBACK").await.unwrap();

    // 8. The index on the referencing column of an ON DELETE CASCADE key: unused, but marked,
    // with what dropping it costs.
    let i = find(&j["indexes"], "index", "child_parent").unwrap();
    assert_eq!((i["unused"].as_bool(), i["supports_fk"].as_bool()), (Some(true), Some(true)), "{v}: {i}");
    let fk = i["foreign_keys"][0].as_str().unwrap();
    assert!(
        fk.contains("child_parent_id_fkey") && fk.contains("public.parent") && fk.contains("CASCADE"),
        "{v}: {fk}"
    );
    let advice = i["advice"].as_str().unwrap_or_else(|| panic!("{v}: no advice: {i}"));
    assert!(advice.contains("DELETE") && advice.contains("public.child"), "{v}: {advice}");
    assert_eq!(find(&j["indexes"], "index", "child_x").unwrap()["supports_fk"], false, "{v}");
    assert!(
        j["unused"].as_array().unwrap().iter().any(|u| u == "public.child_parent"),
        "{v}: still listed as unused"
    );
    // Ground truth: a parent delete uses it (its scan count moves), and then it is not unused.
    exec(&db, "DELETE FROM parent WHERE id = 7").await;
    wait_until(&db, "SELECT idx_scan > 0 FROM pg_stat_user_indexes WHERE indexrelname = 'child_parent'")
        .await;
    let j = report(&cfg, &["indexes", "--unused-min-size", "0"]);
    assert_eq!(find(&j["indexes"], "index", "child_parent").unwrap()["unused"], false, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexes_against_the_planner_and_the_foreign_keys_on_every_version() {
    for m in majors() {
        indexes_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// slow-query

/// The raw view's block I/O and temp I/O time of the statement, by the names each version uses.
fn raw_io_sql(major: u32) -> (&'static str, &'static str) {
    let block = if major >= 17 {
        "shared_blk_read_time + shared_blk_write_time + local_blk_read_time + local_blk_write_time"
    } else {
        "blk_read_time + blk_write_time"
    };
    (block, if major >= 15 { "temp_blk_read_time + temp_blk_write_time" } else { "NULL::float8" })
}

async fn slow_io_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "slowio").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()").await;
    // A sort that spills to temp files, timed (track_io_timing), in one session.
    let c = db.dedicated().await.unwrap();
    c.batch_execute("SET track_io_timing = on; SET work_mem = '64kB'").await.unwrap();
    c.batch_execute("SELECT count(*) FROM (SELECT g FROM generate_series(1, 300000) g ORDER BY g DESC) s")
        .await
        .unwrap();
    let (block, temp) = raw_io_sql(srv.major);
    let raw = format!(
        "SELECT queryid::int8, ({block})::float8, ({temp})::float8 FROM pg_stat_statements \
         WHERE query LIKE '%generate_series(%ORDER BY g DESC%' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    );
    let r = db.get().await.unwrap().query_typed_one(&raw, &[]).await.unwrap();
    let (qid, raw_block, raw_temp): (i64, f64, Option<f64>) = (r.get(0), r.get(1), r.get(2));
    if srv.major >= 15 {
        assert!(raw_temp.unwrap() > 0.0, "{v}: the sort must have timed temp I/O");
    }
    let j = report(&cfg, &["slow-query", "--limit", "100"]);
    let q = j["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queryid"] == qid)
        .unwrap_or_else(|| panic!("{v}: {qid} not listed: {j}"));
    // 6. io_ms is block read + write time, temp-file time apart, as the raw view has them.
    assert!(
        (q["io_ms"].as_f64().unwrap() - raw_block).abs() < 1e-6,
        "{v}: io_ms {} vs raw {raw_block}",
        q["io_ms"]
    );
    match raw_temp {
        Some(t) => assert!((q["temp_io_ms"].as_f64().unwrap() - t).abs() < 1e-6, "{v}: {q}"),
        None => assert!(q["temp_io_ms"].is_null(), "{v}: no temp timing before 15: {q}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_query_io_times_match_the_raw_view_on_every_version() {
    for m in majors() {
        slow_io_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// vacuum-report --bloat

/// What a rewrite gives back, measured: the table's main fork (or its TOAST table's) against an
/// identical copy filled with its live rows. pgstattuple confirms the copy holds the same live
/// rows and nothing dead.
pub(crate) async fn rewrite_truth(db: &Db, table: &str, toast: bool) -> (i64, f64) {
    let copy = format!("{table}_rewritten");
    exec(
        db,
        &format!(
            "DROP TABLE IF EXISTS {copy}; CREATE TABLE {copy} (LIKE {table} INCLUDING ALL); \
             INSERT INTO {copy} SELECT * FROM {table}"
        ),
    )
    .await;
    let rel = |t: &str| {
        if toast {
            format!("(SELECT reltoastrelid FROM pg_class WHERE oid = '{t}'::regclass)")
        } else {
            format!("'{t}'::regclass")
        }
    };
    let (orig, packed) = (rel(table), rel(&copy));
    let same = format!(
        "SELECT (SELECT tuple_count FROM pgstattuple({orig}::regclass)) = (SELECT tuple_count FROM pgstattuple({packed}::regclass)) \
           AND (SELECT dead_tuple_count = 0 FROM pgstattuple({packed}::regclass))"
    );
    assert!(scalar_bool(db, &same).await, "{table}: the copy must hold the same live rows, none dead");
    let size = scalar_i64(db, &format!("SELECT pg_relation_size({orig}::regclass)")).await;
    let bloat = size - scalar_i64(db, &format!("SELECT pg_relation_size({packed}::regclass)")).await;
    exec(db, &format!("DROP TABLE {copy}")).await;
    (bloat, 100.0 * bloat as f64 / size as f64)
}

fn bloat_of<'a>(j: &'a Value, name: &str) -> &'a Value {
    &table(j, "public", name)["bloat"]
}

async fn bloat_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "bloat").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pgstattuple").await;
    exec(
        &db,
        "CREATE TABLE stale (id int PRIMARY KEY, n int, v text) WITH (autovacuum_enabled = off);
         CREATE TABLE lagging (id int PRIMARY KEY, n int, v text) WITH (autovacuum_enabled = off);
         CREATE TABLE docs (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = off);
         ALTER TABLE docs ALTER body SET STORAGE EXTERNAL;
         INSERT INTO stale SELECT g, g % 10, md5(g::text) FROM generate_series(1, 100000) g;
         INSERT INTO lagging SELECT g, g % 10, md5(g::text) FROM generate_series(1, 20000) g;
         INSERT INTO docs SELECT g, repeat(md5(g::text), 320) FROM generate_series(1, 1000) g;",
    )
    .await;
    // The inserts must be in the statistics before VACUUM/ANALYZE set the live counts.
    wait_until(&db, "SELECT sum(n_tup_ins) = 121000 FROM pg_stat_user_tables").await;
    exec(&db, "VACUUM ANALYZE stale").await;
    exec(&db, "VACUUM ANALYZE lagging").await;
    exec(&db, "VACUUM ANALYZE docs").await;

    // 2a. Half the rows deleted since ANALYZE: the statistics no longer describe the table.
    exec(&db, "DELETE FROM stale WHERE id % 2 = 0").await;
    // 2b. Aborted inserts: dead rows that no statistic counts as changes, and a relpages that
    // lags the real size until the next VACUUM.
    exec(&db, "BEGIN; INSERT INTO lagging SELECT g, g % 10, md5(g::text) FROM generate_series(20001, 28000) g; ROLLBACK")
        .await;
    // 3. Three quarters of the TOASTed values rewritten: dead chunks in the TOAST table.
    exec(&db, "UPDATE docs SET body = repeat(md5((id + 1)::text), 320) WHERE id % 4 <> 0").await;
    wait_until(
        &db,
        "SELECT (SELECT n_dead_tup = 50000 FROM pg_stat_user_tables WHERE relname = 'stale')
            AND (SELECT n_dead_tup = 8000 FROM pg_stat_user_tables WHERE relname = 'lagging')
            AND (SELECT pg_stat_get_dead_tuples(reltoastrelid) > 0 FROM pg_class WHERE relname = 'docs')",
    )
    .await;
    // The heap of docs was updated too: its statistics are fresh again after ANALYZE (which
    // does not touch the TOAST table).
    exec(&db, "ANALYZE docs").await;
    wait_until(&db, "SELECT n_mod_since_analyze = 0 FROM pg_stat_user_tables WHERE relname = 'docs'").await;

    let args = ["vacuum-report", "--bloat", "--table", "stale", "--table", "lagging", "--table", "docs"];
    let j = report(&cfg, &args);
    let b = bloat_of(&j, "stale");
    assert_eq!((b["available"].as_bool(), b["bloat_bytes"].as_i64()), (Some(false), None), "{v}: {b}");
    let why = b["reason"].as_str().unwrap();
    assert!(why.contains("stale") && why.contains("ANALYZE"), "{v}: {why}");

    let (truth, truth_pct) = rewrite_truth(&db, "lagging", false).await;
    assert!(truth_pct > 20.0, "{v}: the case must have bloat: {truth_pct}");
    let b = bloat_of(&j, "lagging");
    assert_eq!(b["available"], true, "{v}: {b}");
    let pct = b["bloat_pct"].as_f64().unwrap();
    assert!(
        (pct - truth_pct).abs() < 3.0,
        "{v}: report {pct:.1}% ({}), truth {truth_pct:.1}% ({truth} bytes)",
        b["bloat_bytes"]
    );

    let (heap_truth, _) = rewrite_truth(&db, "docs", false).await;
    let (toast_truth, toast_pct) = rewrite_truth(&db, "docs", true).await;
    assert!(toast_pct > 40.0, "{v}: {toast_pct}");
    let b = bloat_of(&j, "docs");
    let t = &b["toast"];
    assert_eq!((b["available"].as_bool(), t["available"].as_bool()), (Some(true), Some(true)), "{v}: {b}");
    let est = t["bloat_bytes"].as_i64().unwrap();
    // A lower bound: never more than a rewrite gives back, close to it for values of whole chunks.
    assert!(
        est <= toast_truth + 8192 && est as f64 >= 0.9 * toast_truth as f64,
        "{v}: TOAST {est} vs truth {toast_truth}"
    );
    let heap = b["heap"]["bloat_bytes"].as_i64().unwrap();
    assert_eq!(b["bloat_bytes"].as_i64(), Some(heap + est), "{v}: the table's figure is heap + TOAST: {b}");
    assert!((heap - heap_truth).abs() <= 2 * 8192, "{v}: heap {heap} vs truth {heap_truth}");

    // After ANALYZE the stale table's estimate is back, and right.
    exec(&db, "ANALYZE stale").await;
    wait_until(&db, "SELECT n_mod_since_analyze = 0 FROM pg_stat_user_tables WHERE relname = 'stale'").await;
    let (_, truth_pct) = rewrite_truth(&db, "stale", false).await;
    let j = report(&cfg, &args);
    let b = bloat_of(&j, "stale");
    assert_eq!(b["available"], true, "{v}: {b}");
    let pct = b["bloat_pct"].as_f64().unwrap();
    assert!(
        truth_pct > 40.0 && (pct - truth_pct).abs() < 3.0,
        "{v}: report {pct:.1}%, truth {truth_pct:.1}%"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bloat_matches_a_rewrite_or_says_why_not_on_every_version() {
    for m in majors() {
        bloat_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// vacuum-report: anti-wraparound vacuums with autovacuum off, against autovacuum itself

async fn wraparound_case(d: &Dedicated) {
    let srv = &d.srv;
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "wrap").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE TABLE wrap (id int) WITH (autovacuum_enabled = off, autovacuum_freeze_max_age = 100000);
         CREATE TABLE dead_off (id int) WITH (autovacuum_enabled = off);
         INSERT INTO wrap SELECT generate_series(1, 100);
         INSERT INTO dead_off SELECT generate_series(1, 1000);",
    )
    .await;
    wait_until(&db, "SELECT sum(n_tup_ins) = 1100 FROM pg_stat_user_tables").await;
    exec(&db, "ANALYZE dead_off").await;
    exec(&db, "DELETE FROM dead_off WHERE id <= 300").await;
    wait_until(&db, "SELECT n_dead_tup = 300 FROM pg_stat_user_tables WHERE relname = 'dead_off'").await;
    // Hold autovacuum off `wrap` while the report reads it (an anti-wraparound vacuum waits for
    // the lock instead of skipping the table), then let it go.
    let lock = db.dedicated().await.unwrap();
    lock.batch_execute("BEGIN; LOCK TABLE wrap IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
    burn_xids(&db, 101_000).await;

    let j = report(&cfg, &["vacuum-report"]);
    let w = table(&j, "public", "wrap");
    assert_eq!(w["vacuum_due_reasons"], serde_json::json!(["wraparound"]), "{v}: {w}");
    assert_eq!(
        (
            w["autovacuum_enabled"].as_bool(),
            w["autovacuum_will_vacuum"].as_bool(),
            w["anti_wraparound"].as_bool()
        ),
        (Some(false), Some(true), Some(true)),
        "{v}: {w}"
    );
    let o = table(&j, "public", "dead_off");
    assert_eq!(
        (o["vacuum_due"].as_bool(), o["autovacuum_will_vacuum"].as_bool()),
        (Some(true), Some(false)),
        "{v}: {o}"
    );
    // 4. Only dead_off is "due, and autovacuum will not vacuum it".
    let out = run_url(&cfg, &["vacuum-report", "--check"]);
    assert!(stdout(&out).contains("due_autovacuum_off=1 "), "{v}: {}", stdout(&out));

    // Ground truth: autovacuum vacuums `wrap` (and says why in its log), never `dead_off`.
    lock.batch_execute("COMMIT").await.unwrap();
    wait_until_within(
        &db,
        "SELECT autovacuum_count > 0 FROM pg_stat_user_tables WHERE relname = 'wrap'",
        std::time::Duration::from_secs(60),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(
        scalar_i64(&db, "SELECT autovacuum_count FROM pg_stat_user_tables WHERE relname = 'dead_off'").await,
        0,
        "{v}"
    );
    let log = d.log();
    let line = format!("{}.public.wrap", cfg.dbname.clone().unwrap());
    assert!(
        log.lines().any(|l| l.contains("to prevent wraparound") && l.contains(&line)),
        "{v}: no anti-wraparound vacuum of {line} in the server log"
    );
}

// ---------------------------------------------------------------------------------------------
// activity / health as a role without pg_read_all_stats

/// Run towow-db as `cfg` until the count `sessions` (as `db` sees it) was the same before and
/// after the run; returns the output and that count.
async fn steady(db: &Db, sessions: &str, cfg: &ConnConfig, args: &[&str]) -> (std::process::Output, i64) {
    for _ in 0..20 {
        let before = scalar_i64(db, sessions).await;
        let o = run_url(cfg, args);
        if scalar_i64(db, sessions).await == before {
            return (o, before);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("sessions kept coming and going: {sessions}");
}

async fn hidden_sessions_case(d: &Dedicated) {
    let srv = &d.srv;
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "hidden").await;
    let db = connect(&cfg).await;
    let dbname = cfg.dbname.clone().unwrap();
    exec(
        &db,
        &format!(
            "CREATE ROLE lim_{m} LOGIN PASSWORD 'pw'; CREATE ROLE other_{m} LOGIN PASSWORD 'pw';
             GRANT CONNECT ON DATABASE {dbname} TO lim_{m}, other_{m}",
            m = srv.major
        ),
    )
    .await;
    let as_role = |name: &str| {
        let mut c: ConnConfig = cfg.clone();
        c.user = Some(format!("{name}_{}", srv.major));
        c.password = Some("pw".into());
        c
    };
    let (lim, other) = (as_role("lim"), as_role("other"));
    let odb = connect(&other).await;
    let idle = odb.dedicated().await.unwrap();
    idle.batch_execute("BEGIN; SELECT txid_current()").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let t = ["--threshold", "idle_in_transaction_s=1", "--threshold", "long_running_s=none"];

    // The superuser sees the idle transaction: WARNING.
    let mut su = vec!["activity", "--check"];
    su.extend(t);
    assert_eq!(code(&run_url(&cfg, &su)), 1, "{v}");

    // The limited role: sessions of other roles are hidden, counted, and make the checks UNKNOWN.
    // Counted are client backends of other roles (the idle one, this test's own pools), not the
    // server's background processes. The backend of a towow-db run that just ended may linger
    // a moment: a run counts when the number of such sessions was the same before and after it.
    let others = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename <> 'lim_{}'",
        srv.major
    );
    let (o, expected) = steady(&db, &others, &lim, &["activity", "--format", "json"]).await;
    assert_ok(&o);
    assert_eq!(json(&o)["hidden_sessions"], expected, "{v}: {}", stdout(&o));
    let mut check = vec!["activity", "--check"];
    check.extend(t);
    let o = run_url(&lim, &check);
    assert_eq!(code(&o), 3, "{v}: hidden sessions are never OK: {}", stdout(&o));
    assert!(stdout(&o).contains("pg_read_all_stats"), "{v}: {}", stdout(&o));

    // The idle transaction's XID age, read before `health` runs: it only grows (any XID assigned
    // meanwhile, an autovacuum's included, makes it older), so health's figure is at least this.
    let age = scalar_i64(
        &db,
        "SELECT max(age(backend_xid))::int8 FROM pg_stat_activity WHERE backend_xid IS NOT NULL",
    )
    .await;
    let (o, expected) =
        steady(&db, &others, &lim, &["health", "--format", "json", "--threshold", "idle_in_transaction_s=1"])
            .await;
    assert_ok(&o);
    let h = json(&o);
    assert_eq!(h["hidden_sessions"], expected, "{v}: background processes are not sessions: {h}");
    let chk = |name: &str| find(&h["checks"], "name", name).cloned().unwrap();
    assert_eq!(chk("idle_in_transaction_s")["status"], "unknown", "{v}: {h}");
    let max = scalar_f64(&db, "SELECT current_setting('max_connections')::float8").await;
    let conns = chk("connections_pct")["value"].as_f64().unwrap();
    assert!(
        (conns - 100.0 * (expected + 1) as f64 / max).abs() < 1e-9,
        "{v}: hidden sessions are connections too: {conns}"
    );
    // The xmin horizon is not hidden: every session's backend_xid is visible to any role.
    let horizon = chk("xmin_horizon_age");
    assert!(horizon["value"].as_i64().unwrap() >= age, "{v}: {horizon}");
    assert_ne!(horizon["status"], "unknown", "{v}: {horizon}");
    idle.batch_execute("COMMIT").await.unwrap();
}

/// On a cluster of each major that nothing else uses (so that the sessions are known) and whose
/// autovacuum wakes every second (so that it acts while the test watches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autovacuum_and_hidden_sessions_as_the_server_sees_them_on_every_version() {
    for m in majors() {
        let d =
            Dedicated::start(m, "autovacuum", &["autovacuum_naptime = 1", "log_autovacuum_min_duration = 0"]);
        hidden_sessions_case(&d).await;
        wraparound_case(&d).await;
    }
}
