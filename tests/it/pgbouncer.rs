//! Through PgBouncer (Debian's package, 1.18 here: no protocol-level prepared statements, which
//! came with 1.21's `max_prepared_statements`), started by the test on loopback in transaction
//! pooling mode, as in the AstrBot set-up.

use std::process::Output;

use tokio_postgres::types::Type;

use crate::common::*;

fn wait(c: std::process::Child) -> Output {
    let o = c.wait_with_output().unwrap();
    assert_no_panic(&o);
    o
}

#[tokio::test]
async fn named_prepared_statements_break_under_transaction_pooling_unnamed_ones_do_not() {
    // The premise, shown with tokio-postgres itself: a statement prepared (named) in one
    // transaction is gone when the next transaction runs on another server connection.
    let cfg = fresh_db("bouncer_named").await;
    let b = start_pgbouncer(&cfg, "transaction");
    eprintln!("{}", pgbouncer_version());
    let db = connect(&b.cfg).await;
    let a = db.get().await.unwrap();
    let other = db.get().await.unwrap();
    let stmt = a.prepare("SELECT 1::int4").await.unwrap();
    // `other` opens a transaction: PgBouncer gives it the server connection `a` just used.
    other.batch_execute("BEGIN; SELECT 1").await.unwrap();
    let err = a.query(&stmt, &[]).await.expect_err("the named statement lives on the other backend");
    assert!(err.to_string().contains("does not exist") || format!("{err:?}").contains("26000"), "{err:?}");
    // Unnamed statements (parse, bind, execute in one round trip) are safe.
    let r = a.query_typed_one("SELECT $1::int4 + 1", &[(&41i32, Type::INT4)]).await.unwrap();
    assert_eq!(r.get::<_, i32>(0), 42);
    other.batch_execute("COMMIT").await.unwrap();
}

#[tokio::test]
async fn status_verify_and_drop_work_through_transaction_pooling() {
    let cfg = fresh_db("bouncer_status").await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    let b = start_pgbouncer(&cfg, "transaction");
    // Several processes at once, several rounds: with named statements they collide on the shared
    // server connections ("prepared statement \"s0\" already exists" / "does not exist").
    for _ in 0..3 {
        let children: Vec<_> = (0..6)
            .map(|i| {
                let args: &[&str] = match i % 3 {
                    0 => &["migrate", "status", "--format", "json"],
                    1 => &["migrate", "verify"],
                    _ => &["migrate", "status"],
                };
                run_bg(&b.cfg, args)
            })
            .collect();
        for c in children {
            let o = wait(c);
            assert_ok(&o);
            assert!(!stderr(&o).contains("prepared statement"), "{}", stderr(&o));
        }
    }
    let o = run_url(&b.cfg, &["migrate", "status", "--format", "json"]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["migrations"].as_array().unwrap().iter().all(|m| m["state"] == "applied"), "{j}");
    // PgBouncer 1.18 refuses the `options` startup parameter: connected without it, and said so.
    assert!(stderr(&o).contains("refused the `options` startup parameter"), "{}", stderr(&o));
    // drop runs in one transaction: fine through the pooler.
    let o = run_url(&b.cfg, &["drop", "--yes"]);
    assert_ok(&o);
    let direct = connect(&cfg).await;
    assert!(!scalar_bool(&direct, "SELECT to_regclass('demands') IS NOT NULL").await);
}

#[tokio::test]
async fn migrations_refuse_transaction_pooling_and_use_the_direct_url() {
    let cfg = fresh_db("bouncer_migrate").await;
    let b = start_pgbouncer(&cfg, "transaction");
    let o = run_url(&b.cfg, &["migrate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    for m in ["session of its own", "transaction", "--direct-url", "DIRECT_DATABASE_URL", &b.port.to_string()]
    {
        assert!(e.contains(m), "`{m}` missing: {e}");
    }
    assert!(!e.contains(cfg.password.as_deref().unwrap()), "{e}");
    let direct = connect(&cfg).await;
    assert!(!scalar_bool(&direct, "SELECT to_regclass('refinery_schema_history') IS NOT NULL").await);
    assert!(
        !scalar_bool(&direct, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))").await,
        "no advisory lock left behind on a pooled backend"
    );
    let o = run_url(&b.cfg, &["init"]);
    assert_eq!(o.status.code(), Some(1), "init migrates too: {}", stderr(&o));

    // --direct-url: everything else may go through the pooler, migrations go direct.
    let o = run_url(&b.cfg, &["--direct-url", &cfg.url_with_password(), "migrate"]);
    assert_ok(&o);
    // DIRECT_DATABASE_URL, with init.
    let o = cmd()
        .env("DATABASE_URL", b.cfg.url_with_password())
        .env("DIRECT_DATABASE_URL", cfg.url_with_password())
        .args(["init", "--format", "json"])
        .output()
        .unwrap();
    assert_ok(&o);
    // migrate down through the pooler is refused too, and works directly.
    let o = run_url(&b.cfg, &["migrate", "down", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--direct-url"), "{}", stderr(&o));
    let o = run_url(&b.cfg, &["--direct-url", &cfg.url_with_password(), "migrate", "down", "--yes"]);
    assert_ok(&o);
}

#[tokio::test]
async fn session_pooling_is_not_mistaken_for_transaction_pooling() {
    let cfg = fresh_db("bouncer_session").await;
    let b = start_pgbouncer(&cfg, "session");
    let o = run_url(&b.cfg, &["migrate"]);
    assert_ok(&o);
    let o = run_url(&b.cfg, &["migrate", "status", "--format", "json"]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["migrations"].as_array().unwrap().iter().all(|m| m["state"] == "applied"), "{j}");
}

#[tokio::test]
async fn data_loads_work_through_transaction_pooling() {
    // Seed files, mock agents and generated data through PgBouncer 1.18 in transaction mode,
    // several processes at once, each load in its own transaction: nothing may use a named
    // statement across transactions.
    let cfg = fresh_db("bouncer_data").await;
    assert_ok(&run_url(&cfg, &["init"]));
    let b = start_pgbouncer(&cfg, "transaction");
    let o = wait(run_bg(&b.cfg, &["init", "--sample-data"]));
    assert_eq!(o.status.code(), Some(1), "init migrates, which needs a session: {}", stderr(&o));
    assert!(stderr(&o).contains("--direct-url"), "{}", stderr(&o));
    for round in 0..2 {
        let children = vec![
            run_bg(&b.cfg, &["seed"]),
            run_bg(&b.cfg, &["mock-agents", "--count", "300"]),
            run_bg(&b.cfg, &["seed", "--demands", "500", "--seed", &(100 + round).to_string()]),
            run_bg(
                &b.cfg,
                &["seed", "--demands", "500", "--seed", &(200 + round).to_string(), "--format", "json"],
            ),
        ];
        for c in children {
            let o = wait(c);
            assert_ok(&o);
        }
    }
    let db = connect(&cfg).await;
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM demands").await, 1 + 4 * 500);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 2 + 300);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_responses").await, 4 * 500 * 3);
}

#[tokio::test]
async fn every_report_works_through_transaction_pooling() {
    // The DBA reports through PgBouncer 1.18 in transaction mode, several processes at once and
    // twice over, so that a named statement left on a shared server connection would collide.
    let cfg = fresh_db("bouncer_reports").await;
    assert_ok(&run_url(&cfg, &["init", "--mock-agents", "-q"]));
    assert_ok(&run_url(&cfg, &["seed", "--demands", "200", "-q"]));
    let direct = connect(&cfg).await;
    exec(&direct, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    let b = start_pgbouncer(&cfg, "transaction");
    let reports: [&[&str]; 8] = [
        &["vacuum-report", "--format", "json"],
        &["vacuum-report", "--bloat", "--format", "json"],
        &["slow-query", "--format", "json"],
        &["slow-query", "--running", "--format", "json"],
        &["health", "--format", "json"],
        &["activity", "--format", "json"],
        &["sizes", "--format", "json"],
        &["indexes", "--format", "json"],
    ];
    for _ in 0..2 {
        let children: Vec<_> = reports.iter().map(|args| (args, run_bg(&b.cfg, args))).collect();
        for (args, c) in children {
            let o = wait(c);
            assert!(o.status.success(), "{args:?} through PgBouncer: {}", stderr(&o));
            let j: serde_json::Value = serde_json::from_slice(&o.stdout)
                .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", stdout(&o)));
            assert!(read_its_database(args, &j, &cfg.dbname_or_default()), "{args:?} through PgBouncer: {j}");
        }
    }
    // --execute runs VACUUM statement by statement: fine through the pooler too.
    exec(
        &direct,
        "ALTER TABLE demands SET (autovacuum_enabled = false, autovacuum_vacuum_threshold = 0, \
         autovacuum_vacuum_scale_factor = 0); DELETE FROM demands WHERE status = 'draft'",
    )
    .await;
    // Backends report their statistics at most once a second: wait until the dead rows show.
    wait_until(&direct, "SELECT n_dead_tup > 0 FROM pg_stat_user_tables WHERE relname = 'demands'").await;
    let o = wait(run_bg(
        &b.cfg,
        &["vacuum-report", "--execute", "--yes", "--table", "demands", "--format", "json"],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["executed"].to_string().contains("demands"), "{j}");
    // VACUUM ran through the pooler (its statistics may take a moment to show).
    wait_until(&direct, "SELECT vacuum_count >= 1 FROM pg_stat_user_tables WHERE relname = 'demands'").await;
}

/// Without PgBouncer installed, a plain `cargo test` stops with one line that names the command
/// to run, not a panic with a backtrace per test (as it did, 42 KB of them).
#[test]
fn a_missing_pgbouncer_is_one_line_naming_the_set_up_command() {
    if std::env::var_os("TOWOW_TEST_PGBOUNCER").is_some() {
        return; // the inner run below
    }
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "pgbouncer::session_pooling_is_not_mistaken_for_transaction_pooling",
            "--exact",
            "--test-threads",
            "1",
        ])
        .env("TOWOW_TEST_PGBOUNCER", "/nonexistent/pgbouncer")
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{all}");
    let lines: Vec<&str> = all.lines().filter(|l| l.contains("towow-db tests:")).collect();
    assert_eq!(lines.len(), 1, "{all}");
    assert!(lines[0].contains("PgBouncer is not installed") && lines[0].contains("`.ci/test`"), "{all}");
    assert!(!all.contains("panicked") && !all.contains("stack backtrace"), "{all}");
}

/// Whether a report's JSON holds what it read from the database `db` (the ToWow tables, their
/// indexes, the test's own idle session), not merely some JSON.
fn read_its_database(args: &[&str], j: &serde_json::Value, db: &str) -> bool {
    let names = |list: &serde_json::Value, key: &str| -> Vec<String> {
        list.as_array().into_iter().flatten().filter_map(|r| r[key].as_str().map(String::from)).collect()
    };
    let sessions = || j["counts"]["total"].as_i64().is_some_and(|n| n >= 1);
    match args {
        ["vacuum-report", "--bloat", ..] => {
            j["database"] == db
                && j["tables"].as_array().is_some_and(|t| t.iter().all(|r| r["bloat"].is_object()))
        }
        ["vacuum-report", ..] => {
            j["database"] == db && names(&j["tables"], "table").contains(&"demands".into())
        }
        ["slow-query", "--running", ..] => sessions(),
        ["slow-query", ..] => j["database"] == db && j["queries"].as_array().is_some_and(|q| !q.is_empty()),
        ["health", ..] => {
            j["database"] == db
                && j["checks"].as_array().is_some_and(|c| c.iter().all(|c| c["status"].is_string()))
        }
        ["activity", ..] => sessions(),
        ["sizes", ..] => j["database"] == db && names(&j["tables"], "table").contains(&"demands".into()),
        ["indexes", ..] => names(&j["indexes"], "index").contains(&"ix_demands_status_created".into()),
        _ => false,
    }
}
