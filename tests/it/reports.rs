//! The DBA reports through the real binary, on a real cluster of every tested PostgreSQL major
//! (see `pg_versions`), each on tables built to show one case.

use std::collections::BTreeSet;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{PgServer, majors, server, server_without_preload};

pub(crate) fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// Run a report with `--format json`; it must succeed.
#[track_caller]
pub(crate) fn report(cfg: &ConnConfig, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let o = run_url(cfg, &all);
    assert_ok(&o);
    json(&o)
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub(crate) fn table<'a>(j: &'a Value, schema: &str, name: &str) -> &'a Value {
    j["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["schema"] == schema && t["table"] == name)
        .unwrap_or_else(|| panic!("no {schema}.{name} in {j}"))
}

fn names(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array().unwrap().iter().map(|t| t[key].as_str().unwrap().to_string()).collect()
}

/// Consume `n` transaction IDs, one committed transaction each.
pub(crate) async fn burn_xids(db: &Db, n: u32) {
    exec(db, &format!("DO $$ BEGIN FOR i IN 1..{n} LOOP PERFORM txid_current(); COMMIT; END LOOP; END $$"))
        .await;
}

const VACUUM_SETUP: &str = r#"
CREATE SCHEMA "Tenant 1";
CREATE TABLE "Tenant 1".dead_off (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off);
CREATE TABLE public.custom (id int PRIMARY KEY, pad text)
  WITH (autovacuum_enabled = off, autovacuum_vacuum_threshold = 10, autovacuum_vacuum_scale_factor = 0.01,
        autovacuum_freeze_max_age = 100000);
CREATE TABLE public.plain (id int PRIMARY KEY, pad text)
  WITH (autovacuum_enabled = off, autovacuum_freeze_max_age = 1000000000);
CREATE TABLE public.never (id int);
CREATE TABLE public.docs_toast (id int, body text) WITH (autovacuum_enabled = off);
ALTER TABLE public.docs_toast ALTER body SET STORAGE EXTERNAL;
INSERT INTO public.docs_toast SELECT g, repeat('x', 10000) FROM generate_series(1, 20) g;
ALTER TABLE public.never ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.never FORCE ROW LEVEL SECURITY;
CREATE TABLE public.events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO "Tenant 1".dead_off SELECT g, repeat('x', 100) FROM generate_series(1, 1000) g;
INSERT INTO public.custom SELECT g, 'x' FROM generate_series(1, 1000) g;
INSERT INTO public.plain SELECT g, 'x' FROM generate_series(1, 1000) g;
INSERT INTO public.never SELECT g FROM generate_series(1, 100) g;
INSERT INTO public.events SELECT g, date '2024-06-01' + (g % 400) FROM generate_series(1, 500) g;
"#;

// After ANALYZE (reltuples = 1000): dead_off 300 dead > 50 + 0.2 * 1000 = 250; custom 30 dead >
// 10 + 0.01 * 1000 = 20 (its reloptions); plain 30 dead < 250.
const VACUUM_DML: &str = r#"
DELETE FROM "Tenant 1".dead_off WHERE id <= 300;
DELETE FROM public.custom WHERE id <= 30;
DELETE FROM public.plain WHERE id <= 30;
DELETE FROM public.docs_toast WHERE id <= 12;
"#;

const VACUUM_STATS_VISIBLE: &str = r#"
SELECT (SELECT n_dead_tup = 300 AND n_mod_since_analyze = 300 FROM pg_stat_user_tables WHERE relid = '"Tenant 1".dead_off'::regclass)
   AND (SELECT n_dead_tup = 30 FROM pg_stat_user_tables WHERE relid = 'public.custom'::regclass)
   AND (SELECT n_dead_tup = 30 FROM pg_stat_user_tables WHERE relid = 'public.plain'::regclass)
   AND (SELECT n_mod_since_analyze = 100 FROM pg_stat_user_tables WHERE relid = 'public.never'::regclass)
   AND (SELECT n_mod_since_analyze > 50 FROM pg_stat_user_tables WHERE relid = 'public.events_2025'::regclass)
   AND (SELECT n_mod_since_analyze > 50 FROM pg_stat_user_tables WHERE relid = 'public.events_2024'::regclass)
   AND (SELECT pg_stat_get_dead_tuples(reltoastrelid) > 50 FROM pg_class WHERE oid = 'public.docs_toast'::regclass)"#;

async fn vacuum_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "vac").await;
    let db = connect(&cfg).await;
    exec(&db, VACUUM_SETUP).await;
    // The inserting session's counts must have reached the statistics before ANALYZE resets
    // them, or they would count as changes after it.
    wait_until(
        &db,
        r#"SELECT bool_and(n_tup_ins = 1000) FROM pg_stat_user_tables WHERE relname IN ('dead_off', 'custom', 'plain')"#,
    )
    .await;
    // Each on its own: a multi-statement string is one transaction, whose inserts would count
    // as changes after the ANALYZE.
    exec(&db, r#"ANALYZE "Tenant 1".dead_off, public.custom, public.plain"#).await;
    exec(&db, VACUUM_DML).await;
    wait_until(&db, VACUUM_STATS_VISIBLE).await;

    let j = report(&cfg, &["vacuum-report"]);
    for t in j["tables"].as_array().unwrap() {
        for k in
            ["schema", "table", "n_live_tup", "n_dead_tup", "vacuum_due", "autovacuum_enabled", "xid_age"]
        {
            assert!(t.get(k).is_some(), "{v}: {k} missing in {t}");
        }
    }
    // Dead tuples over the threshold with autovacuum off, in a non-public schema.
    let t = table(&j, "Tenant 1", "dead_off");
    assert_eq!((t["n_dead_tup"].as_i64(), t["n_live_tup"].as_i64()), (Some(300), Some(700)), "{v}: {t}");
    assert_eq!(t["vacuum_threshold"], 250.0, "{v}: {t}");
    assert_eq!(t["vacuum_due"], true, "{v}: {t}");
    assert_eq!(t["vacuum_due_reasons"][0], "dead_tuples", "{v}: {t}");
    assert_eq!(t["autovacuum_enabled"], false, "{v}: {t}");
    assert_eq!(t["analyze_due"], true, "{v}: 300 changes > 50 + 0.1 * 1000: {t}");
    assert_eq!(t["dead_over_threshold"], 50.0, "{v}: {t}");
    // The insert rule exists from 13 on.
    let ins = |x: f64| if srv.major >= 13 { serde_json::json!(x) } else { Value::Null };
    assert_eq!(t["insert_threshold"], ins(1200.0), "{v}: 1000 + 0.2 * 1000: {t}");
    // Sizes: estimated from relpages (heap + TOAST) unless --exact reads the files.
    assert_eq!(j["exact_sizes"], false, "{v}");
    let pages = scalar_i64(
        &db,
        r#"SELECT ((c.relpages + coalesce(t.relpages, 0)) * 8192)::int8 FROM pg_class c
           LEFT JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = '"Tenant 1".dead_off'::regclass"#,
    )
    .await;
    assert_eq!(t["size_bytes"], pages, "{v}: {t}");
    assert!(pages > 100_000, "{v}: analyzed, so relpages is set: {t}");
    // Per-table reloptions change the threshold; a per-table freeze_max_age may only lower the global.
    let c = table(&j, "public", "custom");
    assert_eq!(c["vacuum_threshold"], 20.0, "{v}: {c}");
    assert_eq!(c["vacuum_due"], true, "{v}: {c}");
    assert_eq!(c["reloptions"]["autovacuum_vacuum_threshold"], "10", "{v}: {c}");
    assert_eq!(c["freeze_max_age"], 100000.0, "{v}: {c}");
    let p = table(&j, "public", "plain");
    assert_eq!(
        (p["vacuum_threshold"].as_f64(), p["vacuum_due"].as_bool()),
        (Some(250.0), Some(false)),
        "{v}: {p}"
    );
    assert_eq!(p["freeze_max_age"], 200000000.0, "{v}: a higher per-table value is ignored: {p}");
    // Never analyzed: reltuples = -1 since 14 (0 before), and said so.
    let n = table(&j, "public", "never");
    assert_eq!(n["never_analyzed"], true, "{v}: {n}");
    assert_eq!(n["reltuples"], if srv.major >= 14 { -1.0 } else { 0.0 }, "{v}: {n}");
    assert_eq!(n["analyze_due"], true, "{v}: {n}");
    assert!(n["note"].as_str().unwrap().contains("never analyzed"), "{v}: {n}");
    // A partitioned parent is never autovacuumed; its partitions are, and are listed.
    let e = table(&j, "public", "events");
    assert_eq!(e["kind"], "partitioned", "{v}: {e}");
    assert_eq!(
        (e["vacuum_due"].as_bool(), e["analyze_due"].as_bool()),
        (Some(false), Some(false)),
        "{v}: {e}"
    );
    assert!(e["xid_age"].is_null(), "{v}: no storage, no XID age (age(0) would be 2^31-1): {e}");
    assert!(e["note"].as_str().unwrap().contains("never autovacuumed"), "{v}: {e}");
    assert_eq!(table(&j, "public", "events_2024")["is_partition"], true, "{v}");
    // TOAST counts with its table: its size, and its own dead tuples (12 rows x 6 chunks > 50)
    // make the table due although the heap's 12 are under its threshold.
    let d = table(&j, "public", "docs_toast");
    assert_eq!(d["vacuum_due_reasons"], serde_json::json!(["toast_dead_tuples"]), "{v}: {d}");
    assert_eq!(d["n_dead_tup"], 12, "{v}: {d}");
    assert!(d["toast_n_dead_tup"].as_i64().unwrap() > 50, "{v}: {d}");
    let exact = report(&cfg, &["vacuum-report", "--exact", "--table", "docs_toast"]);
    assert_eq!(exact["exact_sizes"], true, "{v}");
    let x = table(&exact, "public", "docs_toast");
    assert_eq!(
        x["size_bytes"],
        scalar_i64(&db, "SELECT pg_table_size('public.docs_toast')").await,
        "{v}: --exact reads the files, TOAST included: {x}"
    );
    assert!(x["size_bytes"].as_i64().unwrap() > 20 * 10000 / 2, "{v}: {x}");
    assert!(
        j["databases"].as_array().unwrap().iter().any(|d| d["database"] == cfg.dbname.clone().unwrap()),
        "{v}"
    );

    // 18: autovacuum_vacuum_max_threshold caps the dead-tuple threshold, and the insert
    // threshold scales with the unfrozen part of the table (all of it frozen here).
    exec(&db, "CREATE TABLE public.frozen (id int) WITH (autovacuum_enabled = off)").await;
    exec(&db, "INSERT INTO public.frozen SELECT generate_series(1, 1000)").await;
    wait_until(&db, "SELECT n_tup_ins = 1000 FROM pg_stat_user_tables WHERE relname = 'frozen'").await;
    exec(&db, "VACUUM (FREEZE, ANALYZE) public.frozen").await;
    if srv.major >= 18 {
        // VACUUM freezes only rows older than every snapshot of this database: a concurrent
        // autovacuum ANALYZE of another table can leave pages unfrozen. Vacuum until all are,
        // which is what the 18 formula below is about.
        let mut tries = 0;
        while !scalar_bool(&db, "SELECT relpages > 0 AND relallfrozen = relpages FROM pg_class WHERE oid = 'public.frozen'::regclass").await {
            tries += 1;
            assert!(tries < 50, "{v}: public.frozen never got all-frozen");
            tokio::time::sleep(Duration::from_millis(200)).await;
            exec(&db, "VACUUM (FREEZE, ANALYZE) public.frozen").await;
        }
    }
    let ins_reset = if srv.major >= 13 { " AND n_ins_since_vacuum = 0" } else { "" };
    wait_until(
        &db,
        &format!(
            "SELECT vacuum_count > 0 AND analyze_count > 0 AND n_mod_since_analyze = 0{ins_reset} \
             FROM pg_stat_user_tables WHERE relname = 'frozen'"
        ),
    )
    .await;
    if srv.major >= 18 {
        exec(&db, "ALTER TABLE public.plain SET (autovacuum_vacuum_max_threshold = 100)").await;
    }
    let j18 = report(&cfg, &["vacuum-report", "--table", "plain", "--table", "frozen"]);
    let (p, f) = (table(&j18, "public", "plain"), table(&j18, "public", "frozen"));
    if srv.major >= 18 {
        assert_eq!(p["vacuum_threshold"], 100.0, "{v}: capped: {p}");
        assert_eq!(f["insert_threshold"], 1000.0, "{v}: 1000 + 0.2 * 1000 * 0 unfrozen: {f}");
        exec(&db, "ALTER TABLE public.plain RESET (autovacuum_vacuum_max_threshold)").await;
    } else {
        assert_eq!(p["vacuum_threshold"], 250.0, "{v}: {p}");
        assert_eq!(f["insert_threshold"], ins(1200.0), "{v}: {f}");
    }

    // Filters.
    let only = report(&cfg, &["vacuum-report", "--schema", "Tenant 1"]);
    assert_eq!(names(&only["tables"], "table"), BTreeSet::from(["dead_off".to_string()]), "{v}");
    let runbook = report(&cfg, &["vacuum-report", "--min-dead-tuples", "100"]);
    assert_eq!(names(&runbook["tables"], "table"), BTreeSet::from(["dead_off".to_string()]), "{v}");
    let due = report(&cfg, &["vacuum-report", "--due"]);
    let expected: BTreeSet<String> =
        ["dead_off", "custom", "never", "docs_toast", "events_2024", "events_2025"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    assert_eq!(names(&due["tables"], "table"), expected, "{v}");

    // --check: a due table with autovacuum off is a WARNING; a table that is fine is OK.
    let o = run_url(&cfg, &["vacuum-report", "--check", "--table", "dead_off"]);
    assert_eq!(code(&o), 1, "{v}: {}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("WARNING: due_autovacuum_off=1"), "{v}: {}", stdout(&o));
    let o = run_url(&cfg, &["vacuum-report", "--check", "--table", "plain"]);
    assert_eq!(code(&o), 0, "{v}: {}\n{}", stdout(&o), stderr(&o));
    let o = run_url(
        &cfg,
        &["vacuum-report", "--check", "--table", "plain", "--threshold", "xid_pct_to_wraparound=0:0"],
    );
    assert_eq!(code(&o), 2, "{v}: CRITICAL: {}", stdout(&o));
    let o = run_url(&cfg, &["vacuum-report", "--check", "--threshold", "nope=1"]);
    assert_eq!(code(&o), 2, "{v}: usage error");
    assert!(stderr(&o).contains("due_autovacuum_off"), "{v}: lists the check names: {}", stderr(&o));

    // XID age: an old table vs a young one, and a long-held snapshot holding the xmin horizon.
    let holder = db.dedicated().await.unwrap();
    holder
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM public.plain")
        .await
        .unwrap();
    let holder_pid: i32 = holder.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    exec(&db, "CREATE TABLE public.young (id int)").await;
    burn_xids(&db, 2000).await;
    let j = report(&cfg, &["vacuum-report"]);
    let pid_s = holder_pid.to_string();
    let (old, young) = (
        table(&j, "public", "plain")["xid_age"].as_i64().unwrap(),
        table(&j, "public", "young")["xid_age"].as_i64().unwrap(),
    );
    assert!(young >= 2000 && old > young, "{v}: plain {old}, young {young}");
    let c = table(&j, "public", "custom");
    let pct = c["xid_age_pct_of_freeze_max"].as_f64().unwrap();
    assert!((pct - 100.0 * c["xid_age"].as_f64().unwrap() / 100000.0).abs() < 1e-6, "{v}: {c}");
    let h = j["xmin_horizon"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "session" && h["id"].as_str() == Some(pid_s.as_str()))
        .unwrap_or_else(|| {
            panic!("{v}: the snapshot holder {holder_pid} is not listed: {}", j["xmin_horizon"])
        });
    assert!(h["xmin_age"].as_i64().unwrap() >= 2000, "{v}: {h}");
    let o = run_url(
        &cfg,
        &[
            "vacuum-report",
            "--check",
            "--table",
            "custom",
            "--threshold",
            "xid_age_pct_of_freeze_max=1",
            "--threshold",
            "due_autovacuum_off=none",
        ],
    );
    assert_eq!(code(&o), 1, "{v}: XID age over 1% of the table's own freeze_max_age: {}", stdout(&o));
    holder.batch_execute("COMMIT").await.unwrap();
    drop(holder);

    // --bloat: an estimate where statistics exist, "unavailable" (never a number) where not.
    let j = report(&cfg, &["vacuum-report", "--bloat", "--table", "plain", "--table", "never"]);
    let b = &table(&j, "public", "plain")["bloat"];
    assert_eq!(b["available"], true, "{v}: {b}");
    assert!(b["bloat_bytes"].as_i64().unwrap() >= 0, "{v}: {b}");
    let b = &table(&j, "public", "never")["bloat"];
    assert_eq!((b["available"].as_bool(), b["bloat_bytes"].is_null()), (Some(false), true), "{v}: {b}");
    assert!(b["reason"].as_str().unwrap().contains("never analyzed"), "{v}: {b}");

    // --execute: refuses without a terminal or --yes, then vacuums exactly the due tables.
    let o = run_url(&cfg, &["vacuum-report", "--execute"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    assert!(stderr(&o).contains("--yes"), "{v}: {}", stderr(&o));
    assert!(
        !scalar_bool(&db, "SELECT vacuum_count > 0 FROM pg_stat_user_tables WHERE relname = 'dead_off'")
            .await,
        "{v}"
    );
    let j = report(&cfg, &["vacuum-report", "--execute", "--yes"]);
    let ex = j["executed"].as_array().unwrap();
    assert_eq!(names(&j["executed"], "table"), expected, "{v}: {}", j["executed"]);
    assert!(ex.iter().all(|e| e["ok"] == true), "{v}: {}", j["executed"]);
    let cmd = |t: &str| ex.iter().find(|e| e["table"] == t).unwrap()["command"].as_str().unwrap().to_string();
    assert_eq!(cmd("dead_off"), r#"VACUUM (ANALYZE) "Tenant 1"."dead_off""#, "{v}");
    assert_eq!(cmd("never"), r#"ANALYZE "public"."never""#, "{v}: due only for analyze");
    let vacuumed =
        |t: &str| format!("SELECT vacuum_count > 0 FROM pg_stat_user_tables WHERE relname = '{t}'");
    // Each vacuum's statistics arrive on their own (through the collector, before 15).
    wait_until(&db, &vacuumed("dead_off")).await;
    wait_until(&db, &vacuumed("custom")).await;
    assert!(!scalar_bool(&db, &vacuumed("plain")).await, "{v}: plain was not due");
    assert!(!scalar_bool(&db, &vacuumed("young")).await, "{v}: young was not due");
    assert!(!scalar_bool(&db, &vacuumed("never")).await, "{v}: never was only analyzed");
    let after = report(&cfg, &["vacuum-report", "--table", "dead_off"]);
    assert_eq!(table(&after, "Tenant 1", "dead_off")["n_dead_tup"], 0, "{v}: {after}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vacuum_report_on_every_version() {
    for m in majors() {
        vacuum_case(server(m)).await;
    }
}

async fn slow_query_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "slow").await;
    let db = connect(&cfg).await;

    // Not created in this database: the exact remedy, exit 1 (3 = UNKNOWN under --check).
    let o = run_url(&cfg, &["slow-query"]);
    assert_eq!(code(&o), 1, "{v}");
    assert!(stderr(&o).contains("CREATE EXTENSION pg_stat_statements"), "{v}: {}", stderr(&o));
    assert_eq!(code(&run_url(&cfg, &["slow-query", "--check"])), 3, "{v}");

    exec(&db, "CREATE EXTENSION pg_stat_statements").await;
    exec(&db, "SELECT pg_sleep(0.25)").await;
    exec(&db, "SELECT pg_sleep(0.25)").await;
    for i in 0..5 {
        exec(&db, &format!("SELECT {i} + 1")).await;
    }
    let j = report(&cfg, &["slow-query", "--sort", "mean"]);
    let top = &j["queries"][0];
    for k in ["query", "calls", "total_ms", "mean_ms"] {
        assert!(top.get(k).is_some(), "{v}: {k} in {top}");
    }
    assert!(
        top["query"].as_str().unwrap().contains("pg_sleep"),
        "{v}: the slow statement is at the top: {j}"
    );
    assert_eq!(top["calls"], 2, "{v}: {top}");
    assert!(
        top["mean_ms"].as_f64().unwrap() >= 250.0 && top["total_ms"].as_f64().unwrap() >= 500.0,
        "{v}: {top}"
    );
    assert!(top["pct_of_total"].as_f64().unwrap() > 50.0, "{v}: {top}");
    assert_eq!(j["toplevel_only"], srv.major >= 14, "{v}: `toplevel` exists from 1.9 (14)");
    assert!(
        j["totals"]["statements"].as_i64().unwrap() >= j["queries"].as_array().unwrap().len() as i64,
        "{v}"
    );
    let j = report(&cfg, &["slow-query"]);
    assert!(j["queries"][0]["query"].as_str().unwrap().contains("pg_sleep"), "{v}: also by total: {j}");
    assert_eq!(report(&cfg, &["slow-query", "--limit", "1"])["queries"].as_array().unwrap().len(), 1, "{v}");
    let many = report(&cfg, &["slow-query", "--min-calls", "3", "--limit", "100"]);
    assert!(!many.to_string().contains("pg_sleep"), "{v}: --min-calls 3 drops it");
    let fast = report(&cfg, &["slow-query", "--min-mean-ms", "100", "--limit", "100"]);
    assert_eq!(fast["queries"].as_array().unwrap().len(), 1, "{v}: only pg_sleep is over 100 ms: {fast}");
    assert_eq!(code(&run_url(&cfg, &["slow-query", "--check"])), 0, "{v}: nothing over 1 s");
    let o = run_url(&cfg, &["slow-query", "--check", "--threshold", "slow_mean_ms=100"]);
    assert_eq!(code(&o), 1, "{v}: {}", stdout(&o));

    // A role without pg_read_all_stats: other roles' rows are counted, never shown.
    let role = cfg.dbname.clone().unwrap().replace("t_", "r_");
    exec(
        &db,
        &format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'pw'; GRANT CONNECT ON DATABASE {} TO {role}",
            cfg.dbname.clone().unwrap()
        ),
    )
    .await;
    let mut limited = cfg.clone();
    limited.user = Some(role);
    limited.password = Some("pw".into());
    let o = run_url(&limited, &["slow-query", "--format", "json", "--limit", "100"]);
    assert_ok(&o);
    let j = json(&o);
    assert!(j["totals"]["hidden_statements"].as_i64().unwrap() >= 3, "{v}: {}", j["totals"]);
    assert!(!stdout(&o).contains("insufficient privilege"), "{v}: {}", stdout(&o));
    assert!(stderr(&o).contains("pg_read_all_stats"), "{v}: {}", stderr(&o));
    assert_eq!(code(&run_url(&limited, &["slow-query", "--check"])), 3, "{v}: hidden rows make OK unknown");
    // Missing privileges: SQLSTATE 42501 with the GRANT that fixes it.
    let o = run_url(&limited, &["slow-query", "--reset", "--yes"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    assert!(
        stderr(&o).contains("42501") && stderr(&o).contains("GRANT EXECUTE ON FUNCTION"),
        "{v}: {}",
        stderr(&o)
    );
    exec(&db, "REVOKE SELECT ON pg_stat_statements FROM PUBLIC").await;
    let o = run_url(&limited, &["slow-query"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("SQLSTATE 42501") && e.contains("GRANT SELECT ON \"public\".pg_stat_statements TO"),
        "{v}: {e}"
    );

    // --reset asks first; with --yes it clears this database's statements.
    let o = run_url(&cfg, &["slow-query", "--reset"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    assert_ok(&run_url(&cfg, &["slow-query", "--reset", "--yes"]));
    assert!(!report(&cfg, &["slow-query", "--limit", "100"]).to_string().contains("pg_sleep"), "{v}: reset");

    // An extension older than its server (as after pg_upgrade): the 1.7 columns still work.
    let old = fresh_db_on(&srv.base, "slowold").await;
    let odb = connect(&old).await;
    exec(&odb, "CREATE EXTENSION pg_stat_statements VERSION '1.7'").await;
    exec(&odb, "SELECT pg_sleep(0.1)").await;
    let o = run_url(&old, &["slow-query", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["extension"]["version"], "1.7", "{v}");
    assert!(j["queries"][0]["query"].as_str().unwrap().contains("pg_sleep"), "{v}: {j}");
    assert!(j["queries"][0]["plan_ms"].is_null(), "{v}: no planning time in 1.7");
    // 1.7 is 12's own version; from 13 on it is older than the server's.
    let says_update = stderr(&o).contains("ALTER EXTENSION pg_stat_statements UPDATE");
    assert_eq!(says_update, srv.major >= 13, "{v}: {}", stderr(&o));

    // Library not preloaded: the server's error with its SQLSTATE and the remedy.
    let np = server_without_preload(srv.major);
    let cfg = fresh_db_on(&np.base, "nopre").await;
    exec(&connect(&cfg).await, "CREATE EXTENSION pg_stat_statements").await;
    let o = run_url(&cfg, &["slow-query"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("SQLSTATE 55000") && e.contains("shared_preload_libraries") && e.contains("restart"),
        "{v}: {e}"
    );
    assert_eq!(code(&run_url(&cfg, &["slow-query", "--check"])), 3, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_query_on_every_version() {
    for m in majors() {
        slow_query_case(server(m)).await;
    }
}

const OTHER_SETUP: &str = r#"
CREATE TABLE locked (id int);
CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_a PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_b PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, date '2024-06-01' + (g % 400) FROM generate_series(1, 20000) g;
CREATE TABLE docs (id int PRIMARY KEY, a int, b int, c text);
INSERT INTO docs SELECT g, g % 10, g % 7, 'x' FROM generate_series(1, 1000) g;
INSERT INTO docs SELECT 1000 + g, 1, 1, 'dup' FROM generate_series(1, 2) g;
CREATE INDEX docs_a ON docs (a);
CREATE INDEX docs_a_again ON docs (a);
CREATE INDEX docs_a_b ON docs (a, b);
CREATE INDEX docs_a_part ON docs (a) WHERE b > 3;
CREATE UNIQUE INDEX docs_c_uq ON docs (id, c);
CREATE SEQUENCE near_end;
SELECT setval('near_end', 2000000000);
CREATE TABLE narrow (id int);
ALTER SEQUENCE near_end OWNED BY narrow.id;
"#;

async fn activity_health_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "act").await;
    let db = connect(&cfg).await;
    exec(&db, OTHER_SETUP).await;
    // Fails on the duplicate values and leaves an INVALID index behind.
    let e =
        db.get().await.unwrap().batch_execute("CREATE UNIQUE INDEX CONCURRENTLY docs_bad ON docs (c)").await;
    assert!(e.is_err(), "{v}");

    // A session idle in a transaction holding a lock, and one blocked behind it.
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let holder_pid: i32 = holder.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let waiter = db.dedicated().await.unwrap();
    let waiter_pid: i32 = waiter.query_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    let blocked = tokio::spawn(async move { waiter.batch_execute("SELECT count(*) FROM locked").await });
    wait_until(
        &db,
        &format!("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = {waiter_pid}"),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let j = report(&cfg, &["activity"]);
    let s = |pid: i32| j["sessions"].as_array().unwrap().iter().find(|s| s["pid"] == pid).cloned();
    let h = s(holder_pid).unwrap_or_else(|| panic!("{v}: holder not listed: {j}"));
    assert_eq!(h["state"], "idle in transaction", "{v}: {h}");
    let w = s(waiter_pid).unwrap_or_else(|| panic!("{v}: waiter not listed: {j}"));
    assert_eq!(
        (w["state"].as_str(), w["wait_event_type"].as_str()),
        (Some("active"), Some("Lock")),
        "{v}: {w}"
    );
    assert_eq!(w["blocked_by"], serde_json::json!([holder_pid]), "{v}: {w}");
    let running = report(&cfg, &["slow-query", "--running", "--longer-than", "1s"]);
    assert!(running["sessions"].as_array().unwrap().iter().any(|s| s["pid"] == waiter_pid), "{v}: {running}");
    let o = run_url(
        &cfg,
        &[
            "activity",
            "--check",
            "--threshold",
            "idle_in_transaction_s=0.5",
            "--threshold",
            "blocked_sessions=none",
            "--threshold",
            "long_running_s=none",
        ],
    );
    assert_eq!(code(&o), 1, "{v}: {}", stdout(&o));
    let o = run_url(&cfg, &["activity", "--check", "--threshold", "blocked_sessions=none:0"]);
    assert_eq!(code(&o), 2, "{v}: a blocked session is CRITICAL here: {}", stdout(&o));

    // health: every check has name, status, value, threshold; the thresholds are overridable.
    let hj = report(&cfg, &["health"]);
    let check =
        |name: &str| hj["checks"].as_array().unwrap().iter().find(|c| c["name"] == name).cloned().unwrap();
    for c in hj["checks"].as_array().unwrap() {
        for k in ["name", "status", "value", "threshold"] {
            assert!(c.get(k).is_some(), "{v}: {k} in {c}");
        }
    }
    assert_eq!(check("invalid_indexes")["value"], 1, "{v}: {hj}");
    assert_eq!(check("invalid_indexes")["status"], "warning", "{v}");
    // 2,000,000,000 of an int4 column's range (the sequence itself is bigint): 93%.
    let seq = check("sequence_used_pct");
    assert!(
        seq["value"].as_f64().unwrap() > 93.0,
        "{v}: the owning column's type bounds the sequence: {seq}"
    );
    assert_eq!(seq["status"], "warning", "{v}");
    assert!(check("idle_in_transaction_s")["value"].as_f64().unwrap() >= 1.0, "{v}");
    assert!(check("xmin_horizon_age")["value"].as_i64().is_some(), "{v}");
    assert_eq!(check("replication_lag_s")["value"], Value::Null, "{v}: no replicas");
    let o = run_url(&cfg, &["health", "--check", "--threshold", "connections_pct=0:0"]);
    assert_eq!(code(&o), 2, "{v}: {}", stdout(&o));
    let o = run_url(&cfg, &["health", "--check", "--threshold", "connections_pct=lots"]);
    assert_eq!(code(&o), 2, "{v}: bad threshold is a usage error");
    assert!(stderr(&o).contains("lots"), "{v}: {}", stderr(&o));

    holder.batch_execute("COMMIT").await.unwrap();
    blocked.await.unwrap().unwrap();

    // sizes: a partitioned parent totals its partitions; largest first; --limit.
    let sj = report(&cfg, &["sizes"]);
    let t = |n: &str| sj["tables"].as_array().unwrap().iter().find(|t| t["table"] == n).cloned().unwrap();
    let parts =
        t("events_a")["total_bytes"].as_i64().unwrap() + t("events_b")["total_bytes"].as_i64().unwrap();
    assert_eq!(t("events")["partitions_total_bytes"].as_i64().unwrap(), parts, "{v}: {sj}");
    assert_eq!(t("events_a")["parent"], "public.events", "{v}");
    // Exact, against PostgreSQL's own size functions.
    let d = t("docs");
    let truth = |sql: &'static str| scalar_i64(&db, sql);
    assert_eq!(d["total_bytes"], truth("SELECT pg_total_relation_size('docs')").await, "{v}: {d}");
    assert_eq!(d["table_bytes"], truth("SELECT pg_relation_size('docs')").await, "{v}: {d}");
    assert_eq!(d["indexes_bytes"], truth("SELECT pg_indexes_size('docs')").await, "{v}: {d}");
    assert_eq!(
        d["toast_bytes"],
        truth("SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'docs'").await,
        "{v}: {d}"
    );
    assert!(sj["database_bytes"].as_i64().unwrap() > parts, "{v}");
    assert_eq!(sj["tables"][0]["table"], "events", "{v}: largest first: {sj}");
    let one = report(&cfg, &["sizes", "--limit", "1"]);
    assert_eq!(
        (one["tables"].as_array().unwrap().len(), one["table_count"].as_u64()),
        (1, Some(6)),
        "{v}: {one}"
    );

    // indexes: unused, duplicates (same definition, prefix; not partial, not unique), invalid.
    let ij = report(&cfg, &["indexes", "--unused-min-size", "0"]);
    let dups: BTreeSet<(String, String, String)> = ij["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["index"].as_str().unwrap().into(),
                d["duplicate_of"].as_str().unwrap().into(),
                d["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("docs_a_again", "docs_a", "same_definition"),
        ("docs_a", "docs_a_b", "prefix"),
        ("docs_a_again", "docs_a_b", "prefix"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(dups, expected, "{v}: {}", ij["duplicates"]);
    assert_eq!(ij["invalid"], serde_json::json!(["public.docs_bad"]), "{v}");
    let unused: BTreeSet<String> =
        ij["unused"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect();
    assert!(
        unused.contains("public.docs_a_part")
            && !unused.contains("public.docs_pkey")
            && !unused.contains("public.docs_c_uq"),
        "{v}: {unused:?}"
    );
    assert!(!unused.contains("public.docs_bad"), "{v}: invalid is reported as invalid, not unused");
    assert!(report(&cfg, &["indexes"])["unused"].as_array().unwrap().is_empty(), "{v}: all under 1MB");
    // Index sizes: relpages (set by CREATE INDEX) unless --exact reads the files.
    let size = |j: &Value| {
        j["indexes"].as_array().unwrap().iter().find(|i| i["index"] == "docs_a_b").unwrap()["bytes"].clone()
    };
    let truth = scalar_i64(&db, "SELECT pg_relation_size('docs_a_b')").await;
    assert_eq!(
        size(&ij),
        scalar_i64(&db, "SELECT relpages::int8 * 8192 FROM pg_class WHERE relname = 'docs_a_b'").await,
        "{v}"
    );
    let ex = report(&cfg, &["indexes", "--exact", "--unused-min-size", "0"]);
    assert_eq!((size(&ex), ex["exact_sizes"].as_bool()), (serde_json::json!(truth), Some(true)), "{v}");
    let o = run_url(&cfg, &["indexes", "--check"]);
    assert_eq!(code(&o), 1, "{v}: invalid and duplicate indexes: {}", stdout(&o));
    let q = report(&cfg, &["indexes", "--min-seq-scans", "0", "--min-rows", "0", "--table", "docs"]);
    assert_eq!(q["seq_scan_tables"][0]["table"], "docs", "{v}: {q}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activity_health_sizes_indexes_on_every_version() {
    for m in majors() {
        activity_health_case(server(m)).await;
    }
}

#[test]
fn report_usage_errors_do_not_panic() {
    for args in [
        &["vacuum-report", "--min-dead-tuples", "-1"][..],
        &["vacuum-report", "--full"],
        &["slow-query", "--sort", "fastest"],
        &["slow-query", "--limit", "many"],
        &["indexes", "--unused-min-size", "1parsec"],
        &["activity", "--longer-than", "soon"],
    ] {
        let o = run(args);
        assert_no_panic(&o);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
}

/// Tables created and dropped while the reports run: a relation that vanishes between the
/// catalog snapshot and a size function (which then returns NULL) must not break a report.
#[tokio::test]
async fn reports_survive_tables_dropped_while_they_run() {
    let cfg = fresh_db("churn").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE keep (id int PRIMARY KEY, v text); INSERT INTO keep SELECT g, 'x' FROM generate_series(1, 100) g").await;
    let churn_db = connect(&cfg).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let churn = tokio::spawn(async move {
        let c = churn_db.get().await.unwrap();
        let mut i = 0u64;
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            let t = format!("churn_{}", i % 20);
            // Separate statements, so that each table is visible (committed) before it goes.
            let _ = c
                .batch_execute(&format!("CREATE TABLE IF NOT EXISTS {t} (id int PRIMARY KEY, v text)"))
                .await;
            let _ = c.batch_execute(&format!("CREATE INDEX IF NOT EXISTS {t}_v ON {t} (v)")).await;
            let _ = c.batch_execute(&format!("DROP TABLE IF EXISTS {t}")).await;
            i += 1;
        }
        i
    });
    let url = cfg.url_with_password();
    for round in 0..8 {
        for args in [
            &["sizes", "--format", "json"][..],
            &["indexes", "--unused-min-size", "0", "--format", "json"][..],
            &["vacuum-report", "--format", "json"][..],
            &["vacuum-report", "--bloat", "--format", "json"][..],
        ] {
            let mut all: Vec<String> = vec!["--url".into(), url.clone()];
            all.extend(args.iter().map(|a| a.to_string()));
            let o = tokio::task::spawn_blocking(move || {
                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                run(&refs)
            })
            .await
            .unwrap();
            assert_no_panic(&o);
            assert!(o.status.success(), "round {round}, {args:?}: {}", stderr(&o));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let churned = churn.await.unwrap();
    assert!(churned > 8, "the churn loop ran ({churned} create/drop rounds)");
}

/// The reports read in a read-only transaction with JIT off (their catalog queries cross
/// `jit_above_cost` on large catalogs, and compiling costs more than running them): on a
/// database where every other query is JIT-compiled, theirs are not, as pg_stat_statements says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_queries_are_never_jit_compiled() {
    // jit_functions is in pg_stat_statements from 1.10 (PostgreSQL 15) on.
    for m in majors().into_iter().filter(|m| *m >= 15) {
        let v = format!("PostgreSQL {m}");
        let cfg = fresh_db_on(&server(m).base, "jit").await;
        let db = connect(&cfg).await;
        if !scalar_bool(&db, "SELECT pg_jit_available()").await {
            eprintln!("{v}: no JIT in this build, nothing to check");
            continue;
        }
        let name = cfg.dbname.clone().unwrap();
        exec(
            &db,
            &format!("CREATE EXTENSION pg_stat_statements; ALTER DATABASE {name} SET jit_above_cost = 0"),
        )
        .await;
        // A new session gets the database's setting: a plain catalog query is compiled.
        let fresh = connect(&cfg).await;
        exec(&fresh, "SELECT pg_stat_statements_reset()").await;
        exec(&fresh, "SELECT count(*) FROM pg_class WHERE relpages >= 0").await;
        for args in [
            &["vacuum-report", "--bloat"][..],
            &["sizes"],
            &["indexes", "--bloat"],
            &["health"],
            &["activity"],
            &["replication"],
            &["partitions"],
            &["slow-query"],
        ] {
            report(&cfg, args);
        }
        let sql = "SELECT coalesce(string_agg(left(query, 60), ' | '), '') FROM pg_stat_statements \
                   WHERE jit_functions > 0 AND query NOT LIKE '%relpages >= $1%' AND query NOT LIKE '%pg_stat_statements%'";
        let compiled: String = fresh.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap().get(0);
        assert!(
            scalar_bool(&fresh, "SELECT bool_or(jit_functions > 0) FROM pg_stat_statements WHERE query LIKE '%relpages >= $1%'").await,
            "{v}: the control query must be JIT-compiled"
        );
        assert_eq!(compiled, "", "{v}: report queries were JIT-compiled");
    }
}

/// `cache_hit_pct` says nothing over a fresh database's first reads (its catalog comes from disk
/// once): it is judged from `CACHE_HIT_MIN_ACCESSES` block accesses on, and then judged.
#[tokio::test]
async fn the_cache_hit_ratio_is_judged_on_enough_reads_only() {
    let cfg = fresh_db("cachehit").await;
    let db = connect(&cfg).await;
    let cache_hit =
        |j: &Value| j["checks"].as_array().unwrap().iter().find(|c| c["name"] == "cache_hit_pct").cloned();
    let c = cache_hit(&report(&cfg, &["health"])).unwrap();
    assert_eq!((c["status"].as_str(), &c["value"]), (Some("ok"), &Value::Null), "{c}");
    assert!(c["message"].as_str().unwrap().contains("too few to judge"), "{c}");
    // ~885 pages read 120 times: over 100,000 accesses, nearly all hits, a few catalog reads.
    exec(
        &db,
        "SET max_parallel_workers_per_gather = 0; \
         CREATE TABLE t AS SELECT g FROM generate_series(1, 200000) g; \
         DO $$ BEGIN FOR i IN 1..120 LOOP PERFORM count(*) FROM t; END LOOP; END $$;",
    )
    .await;
    let min = towow_db::reports::health::CACHE_HIT_MIN_ACCESSES;
    wait_until(
        &db,
        &format!(
            "SELECT blks_hit + blks_read >= {min} FROM pg_stat_database WHERE datname = current_database()"
        ),
    )
    .await;
    let mut args = vec!["health", "--format", "json", "--check", "--threshold", "cache_hit_pct=100:0"];
    args.extend_from_slice(&NOT_THE_HOST_DISK);
    let o = run_url(&cfg, &args);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = cache_hit(&j).unwrap();
    let p = c["value"].as_f64().unwrap_or_else(|| panic!("judged now: {c}"));
    assert!(p > 90.0 && p < 100.0, "{c}");
    assert_eq!(c["status"], "warning", "{c}");
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}
