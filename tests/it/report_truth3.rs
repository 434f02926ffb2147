//! The third ground-truth audit (issue 25): each report against what the server knows exactly
//! (pgstattuple, the relation files, autovacuum's own actions in the server log, a role without
//! privileges), on every tested major. The standby's cases are in `replication::standby_truth`.

use std::time::Duration;

use serde_json::Value;
use towow_db::connect::ConnConfig;

use crate::common::*;
use crate::pg_versions::{Dedicated, PgServer, majors, server};
use crate::replication::check;
use crate::reports::{code, json, report};

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

fn as_role(cfg: &ConnConfig, role: &str) -> ConnConfig {
    let mut c = cfg.clone();
    c.user = Some(role.into());
    c.password = Some("pw".into());
    c
}

// ---------------------------------------------------------------------------------------------
// 5, 6. indexes: an unused index after a bulk load; duplicates counted as indexes.

async fn indexes_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "idx3").await;
    let db = connect(&cfg).await;
    // Built on an empty table (relpages 1), then bulk-loaded without VACUUM or ANALYZE.
    exec(
        &db,
        "CREATE TABLE loaded (id int, v text);
         CREATE INDEX loaded_v ON loaded (v);
         INSERT INTO loaded SELECT g, md5(g::text) FROM generate_series(1, 40000) g;",
    )
    .await;
    let truth = scalar_i64(&db, "SELECT pg_relation_size('loaded_v')").await;
    assert!(truth > 2 << 20, "{v}: {truth}");
    assert_eq!(scalar_i64(&db, "SELECT relpages::int8 FROM pg_class WHERE relname = 'loaded_v'").await, 1);
    let j = report(&cfg, &["indexes"]);
    assert!(
        j["unused"].as_array().unwrap().iter().any(|u| u == "public.loaded_v"),
        "{v}: a never scanned {truth}-byte index not listed: {}",
        j["unused"]
    );
    let i = find(&j["indexes"], "index", "loaded_v");
    assert_eq!((i["bytes"].as_i64(), i["bytes_exact"].as_bool()), (Some(truth), Some(true)), "{v}: {i}");

    // 7 drop candidates in 12 pairs: (a) and its copy are prefixes of (a, b) and (a, b, c),
    // (a, b) of (a, b, c); (b DESC) is (b) backwards and both are prefixes of (b, c); (c) and
    // its copy are prefixes of (c, a).
    exec(
        &db,
        "CREATE TABLE d (a int, b int, c int);
         CREATE INDEX d_a ON d (a); CREATE INDEX d_a2 ON d (a); CREATE INDEX d_ab ON d (a, b);
         CREATE INDEX d_abc ON d (a, b, c);
         CREATE INDEX d_b ON d (b); CREATE INDEX d_b_desc ON d (b DESC); CREATE INDEX d_bc ON d (b, c);
         CREATE INDEX d_c ON d (c); CREATE INDEX d_c2 ON d (c); CREATE INDEX d_ca ON d (c, a);",
    )
    .await;
    let o = run_url(&cfg, &["indexes", "--table", "d", "--check", "--format", "json"]);
    let j = json(&o);
    let pairs = j["duplicates"].as_array().unwrap().len();
    let c = check(&j, "duplicate_indexes").clone();
    let n = c["value"].as_i64().unwrap();
    assert!(pairs > n as usize, "{v}: the case has more pairs ({pairs}) than indexes: {c}");
    // The truth: drop each named index; nothing redundant is left, and it took n drops.
    let mut names: Vec<String> = j["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["index"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names.dedup();
    for name in &names {
        exec(&db, &format!("DROP INDEX {name}")).await;
    }
    let after = report(&cfg, &["indexes", "--table", "d"]);
    assert_eq!(after["duplicates"], serde_json::json!([]), "{v}");
    assert_eq!(n, names.len() as i64, "{v}: {c}");
    assert_eq!(n, 7, "{v}: {c}");
    // What is left covers every column the dropped ones did.
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'd'").await,
        3,
        "{v}: d_abc, d_bc, d_ca"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unused_and_duplicate_indexes_as_the_files_and_drops_tell_on_every_version() {
    for m in majors() {
        indexes_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 8, 11. health's sequences: CYCLE ones, and a pg_monitor role that may not read them.

async fn sequences_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "seq3").await;
    let db = connect(&cfg).await;
    let dbname = cfg.dbname.clone().unwrap();
    let mon = format!("mon_{}_{}", srv.major, std::process::id());
    exec(
        &db,
        &format!(
            "CREATE SEQUENCE cyc MAXVALUE 100 CYCLE;
             SELECT setval('cyc', 99);
             CREATE TABLE small (id int4);
             CREATE SEQUENCE wide_cycle AS bigint CYCLE OWNED BY small.id;
             SELECT setval('wide_cycle', 1000);
             CREATE ROLE {mon} LOGIN PASSWORD 'pw' IN ROLE pg_monitor;
             GRANT CONNECT ON DATABASE {dbname} TO {mon};"
        ),
    )
    .await;
    // The truth: `cyc` wraps around instead of failing.
    exec(&db, "SELECT nextval('cyc'), nextval('cyc')").await;
    assert_eq!(scalar_i64(&db, "SELECT last_value FROM cyc").await, 1, "{v}");
    exec(&db, "SELECT setval('cyc', 99)").await;
    let t = ["--threshold", "cache_hit_pct=none"];
    let mut args = vec!["health", "--check", "--format", "json"];
    args.extend(t);
    let o = run_url(&cfg, &args);
    let c = check(&json(&o), "sequence_used_pct").clone();
    assert_eq!(c["status"], "ok", "{v}: a CYCLE sequence cannot run out: {c}");
    assert_eq!(json(&o)["cycling_sequences"], 1, "{v}");
    // One that cycles past its column's end fails there: it is judged by the column.
    exec(&db, "SELECT setval('wide_cycle', 2147483647)").await;
    let e = db.get().await.unwrap().batch_execute("INSERT INTO small VALUES (nextval('wide_cycle'))").await;
    assert!(e.unwrap_err().code().map(|c| c.code()) == Some("22003"), "{v}: integer out of range");
    let o = run_url(&cfg, &args);
    let c = check(&json(&o), "sequence_used_pct").clone();
    assert_eq!(c["status"], "critical", "{v}: {c}");
    assert!(c["message"].as_str().unwrap().contains("public.wide_cycle"), "{v}: {c}");
    exec(&db, "DROP TABLE small").await;

    // A pg_monitor role may read neither sequence: counted and named, UNKNOWN while the check
    // is on; switched off, it decides nothing.
    let unreadable = scalar_i64(
        &db,
        &format!(
            "SELECT count(*) FROM pg_sequence WHERE NOT has_sequence_privilege('{mon}', seqrelid, 'SELECT,USAGE')"
        ),
    )
    .await;
    assert_eq!(unreadable, 1, "{v}");
    let role = as_role(&cfg, &mon);
    let o = run_url(&role, &args);
    let j = json(&o);
    assert_eq!(j["unreadable_sequences"], unreadable, "{v}: {j}");
    let c = check(&j, "sequence_used_pct").clone();
    assert_eq!(c["status"], "unknown", "{v}: {c}");
    assert!(c["message"].as_str().unwrap().contains("public.cyc"), "{v}: {c}");
    assert_eq!(code(&o), 3, "{v}: {}", stdout(&o));
    let mut off = args.clone();
    off.extend(["--threshold", "sequence_used_pct=none:none"]);
    let o = run_url(&role, &off);
    assert_eq!(code(&o), 0, "{v}: a switched-off check decided the status: {}", stdout(&o));
    assert_eq!(check(&json(&o), "sequence_used_pct")["status"], "ok", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequences_that_cycle_or_cannot_be_read_on_every_version() {
    for m in majors() {
        sequences_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 12. health's ages are never negative, even for a session that began after the report's
// transaction did.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_never_shows_a_negative_age() {
    // A cluster of its own: the ages are the maximum over every session of the server.
    let d = Dedicated::start(majors()[0], "ages", &[]);
    let cfg = fresh_db_on(&d.srv.base, "ages").await;
    let db = connect(&cfg).await;
    let dbname = cfg.dbname.clone().unwrap();
    // health's query reads pg_sequence: held, it waits after its transaction has begun.
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE pg_catalog.pg_sequence IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let run = {
        let cfg = cfg.clone();
        std::thread::spawn(move || run_url(&cfg, &["health", "--format", "json"]))
    };
    wait_until(
        &db,
        &format!(
            "SELECT count(*) = 1 FROM pg_stat_activity WHERE datname = '{dbname}' AND application_name = 'towow-db' AND wait_event_type = 'Lock'"
        ),
    )
    .await;
    // A transaction that begins after health's, idle in it.
    let late = db.dedicated().await.unwrap();
    late.batch_execute("BEGIN; SELECT 1").await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    holder.batch_execute("COMMIT").await.unwrap();
    let o = run.join().unwrap();
    assert_ok(&o);
    let j = json(&o);
    for name in ["oldest_transaction_s", "idle_in_transaction_s", "long_running_s"] {
        let c = check(&j, name);
        assert!(c["value"].as_f64().unwrap() >= 0.0, "{name}: {c}");
    }
    late.batch_execute("COMMIT").await.unwrap();
}
