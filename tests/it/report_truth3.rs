//! The third ground-truth audit (issue 25): each report against what the server knows exactly
//! (pgstattuple, the relation files, autovacuum's own actions in the server log, a role without
//! privileges), on every tested major. The standby's cases are in `replication::standby_truth`.

use std::time::Duration;

use towow_db::connect::ConnConfig;

use crate::common::*;
use crate::pg_versions::{Dedicated, PgServer, majors, server};
use crate::replication::check;
use crate::reports::{code, json};

fn as_role(cfg: &ConnConfig, role: &str) -> ConnConfig {
    let mut c = cfg.clone();
    c.user = Some(role.into());
    c.password = Some("pw".into());
    c
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
