//! `advise` on a real PostgreSQL 15 with hypopg (Debian `postgresql-15-hypopg`, installed by
//! `.ci/test`): on AIECS's `task_history` (seed 004) with its documented queries, on the ToWow
//! schema with generated data and the app's queries, what it must not propose, without hypopg
//! (every major), through PgBouncer, and against `pg_qualstats_index_advisor()`.
//!
//! Figures are checked against the server: the planned costs against the server's own generic
//! plans (with the same hypothetical index made by the test), the size against
//! `hypopg_relation_size`, the writes against the rows inserted, the measured plans against the
//! table's pages and `pg_stat_user_indexes`.

use std::process::Output;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{Dedicated, PgServer, majors, server};
use crate::seed_schemas::AIECS_TASK_HISTORY;

/// The major whose Debian packages hold hypopg and pg_qualstats (`.ci/test` installs them).
const HYPOPG_MAJOR: u32 = 15;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// PostgreSQL 15 with hypopg installed (else the run stops, naming the set-up command).
async fn hypopg_server() -> &'static PgServer {
    if !std::path::Path::new(&format!("/usr/share/postgresql/{HYPOPG_MAJOR}/extension/hypopg.control"))
        .exists()
    {
        missing_prerequisite(&format!(
            "hypopg for PostgreSQL {HYPOPG_MAJOR} is not installed (Debian postgresql-{HYPOPG_MAJOR}-hypopg)"
        ));
    }
    server(HYPOPG_MAJOR)
}

/// A fresh database on `srv` with pg_stat_statements (and hypopg when asked).
async fn fresh(srv: &PgServer, tag: &str, hypopg: bool) -> (ConnConfig, Db) {
    let cfg = fresh_db_on(&srv.base, tag).await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION pg_stat_statements").await;
    if hypopg {
        exec(&db, "CREATE EXTENSION hypopg").await;
    }
    (cfg, db)
}

/// Forget this database's statements, so that the ranking holds the workload only.
async fn reset_statements(db: &Db) {
    exec(
        db,
        "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)",
    )
    .await;
}

/// seed 004's `task_history` as its `CREATE TABLE` makes it, before the indexes the document adds
/// by hand; `users` × `tasks` × `steps` rows (each user's tasks have their steps 1..steps).
async fn task_history(db: &Db, users: i64, tasks: i64, steps: i64, with_document_indexes: bool) {
    let ddl = if with_document_indexes {
        AIECS_TASK_HISTORY
    } else {
        AIECS_TASK_HISTORY.split("-- 创建索引").next().unwrap()
    };
    exec(db, ddl).await;
    exec(
        db,
        &format!(
            "INSERT INTO task_history (user_id, task_id, step, result, timestamp, status) \
             SELECT 'user_' || u, 'task_' || u || '_' || t, s, jsonb_build_object('step', s), \
                    timestamp '2026-01-01' + (u * {tasks} + t) * interval '1 minute' + s * interval '1 second', \
                    CASE WHEN s = {steps} THEN 'completed' ELSE 'running' END \
             FROM generate_series(1, {users}) u, generate_series(1, {tasks}) t, generate_series(1, {steps}) s"
        ),
    )
    .await;
    exec(db, "VACUUM ANALYZE task_history").await;
}

/// The queries seed 004 documents for `task_history` (load_task_history, the optimised query
/// example, save_task_with_transaction's lookup and update, get_user_tasks_optimized), each run
/// `times` times with other values.
fn task_history_workload(times: i64, users: i64, tasks: i64) -> Vec<String> {
    let mut w = Vec::new();
    for i in 0..times {
        let u = format!("user_{}", 1 + (i * 37) % users);
        let t = format!("task_{}_{}", 1 + (i * 37) % users, 1 + (i * 7) % tasks);
        w.push(format!("SELECT * FROM task_history WHERE user_id = '{u}' AND task_id = '{t}'"));
        w.push(format!("SELECT * FROM task_history WHERE user_id = '{u}' AND task_id = '{t}' LIMIT 100"));
        w.push(format!("SELECT id FROM task_history WHERE user_id = '{u}' AND task_id = '{t}' AND step = 3"));
        w.push(format!(
            "UPDATE task_history SET result = '{{}}', timestamp = now(), status = 'done' WHERE id = {}",
            1 + i * 13
        ));
        w.push(format!(
            "SELECT DISTINCT task_id, MAX(timestamp) as last_updated, \
               (SELECT status FROM task_history th2 WHERE th2.user_id = '{u}' AND th2.task_id = th1.task_id \
                ORDER BY step DESC LIMIT 1) as status \
             FROM task_history th1 WHERE user_id = '{u}' GROUP BY task_id ORDER BY last_updated DESC LIMIT 100 OFFSET 0"
        ));
    }
    w
}

async fn run_workload(db: &Db, statements: &[String]) {
    for s in statements {
        exec(db, s).await;
    }
}

fn advised<'a>(v: &'a Value, table: &str) -> Vec<&'a Value> {
    v["indexes"].as_array().unwrap().iter().filter(|i| i["table"] == table).collect()
}

fn columns(i: &Value) -> Vec<String> {
    i["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_string()).collect()
}

/// The statements whose text contains `needle`.
fn statements<'a>(v: &'a Value, needle: &str) -> Vec<&'a Value> {
    v["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["query"].as_str().unwrap().contains(needle))
        .collect()
}

/// The server's own generic plan cost of `text` (parameters as `$n`), with `hypothetical` made a
/// hypopg index first when given: computed here, apart from the advisor.
async fn server_cost(db: &Db, text: &str, nparams: usize, hypothetical: Option<&str>) -> f64 {
    let c = db.get().await.unwrap();
    c.batch_execute("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan").await.unwrap();
    if let Some(ddl) = hypothetical {
        c.query_typed("SELECT * FROM hypopg_create_index($1)", &[(&ddl, tokio_postgres::types::Type::TEXT)])
            .await
            .unwrap();
    }
    let args = vec!["NULL"; nparams].join(", ");
    let args = if nparams == 0 { String::new() } else { format!("({args})") };
    c.batch_execute(&format!("PREPARE t_cost AS {text}")).await.unwrap_or_else(|e| panic!("{text}: {e}"));
    let plan = explain(&c, &format!("EXPLAIN (FORMAT JSON) EXECUTE t_cost{args}")).await;
    c.batch_execute("DEALLOCATE t_cost; SELECT hypopg_reset(); ROLLBACK").await.unwrap();
    plan["Total Cost"].as_f64().unwrap()
}

/// The top node of the plan `explain` (an EXPLAIN (FORMAT JSON)) prints.
async fn explain(c: &tokio_postgres::Client, explain: &str) -> Value {
    let msgs = c.simple_query(explain).await.unwrap_or_else(|e| panic!("{explain}: {e}"));
    let text = msgs
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get("QUERY PLAN").map(str::to_string),
            _ => None,
        })
        .unwrap();
    serde_json::from_str::<Value>(&text).unwrap()[0]["Plan"].clone()
}

/// The number of `$n` of a statement's text.
fn nparams(text: &str) -> usize {
    (1..100).take_while(|n| text.contains(&format!("${n}"))).count()
}

#[tokio::test]
async fn task_history_gets_the_index_its_document_adds_by_hand_proven_and_measured() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_th", true).await;
    let (users, tasks, steps) = (2000, 10, 10);
    task_history(&db, users, tasks, steps, false).await;
    reset_statements(&db).await;
    run_workload(&db, &task_history_workload(20, users, tasks)).await;
    wait_until(&db, "SELECT n_tup_ins = 200000 AND n_tup_upd = 20 FROM pg_stat_user_tables WHERE relname = 'task_history'")
        .await;

    let o = run_url(&cfg, &["advise", "--format", "json"]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(v["proven"], true, "{v}");
    // One index, the document's idx_user_task: (user_id, task_id); it serves all four lookups.
    let th = advised(&v, "task_history");
    assert_eq!(th.len(), 1, "{:#}", v["indexes"]);
    let idx = th[0];
    assert_eq!(columns(idx)[..2], ["user_id", "task_id"], "{idx:#}");
    let name = idx["name"].as_str().unwrap();
    assert_eq!(
        idx["definition"],
        format!(
            "CREATE INDEX CONCURRENTLY \"{name}\" ON \"public\".\"task_history\" USING btree ({})",
            columns(idx).iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
        )
    );
    // It covers the single-column candidate that helped the same statements.
    assert!(idx["covers"].to_string().contains("public.task_history (user_id)"), "{idx:#}");
    let helped: Vec<i64> =
        idx["statements"].as_array().unwrap().iter().map(|h| h["queryid"].as_i64().unwrap()).collect();
    for needle in ["AND task_id = $2", "GROUP BY task_id"] {
        let found = statements(&v, needle);
        assert!(!found.is_empty(), "no statement with {needle:?}: {:#}", v["statements"]);
        for s in found {
            assert_eq!(s["outcome"], "helped", "{s:#}");
            assert!(helped.contains(&s["queryid"].as_i64().unwrap()), "{s:#}");
            assert!(s["speedup"].as_f64().unwrap() >= 2.0, "{s:#}");
        }
    }
    // The update by primary key is already indexed.
    for s in statements(&v, "UPDATE task_history") {
        assert_eq!(s["outcome"], "already_indexed", "{s:#}");
    }
    // The costs are the server's: its generic plan, and with the same hypothetical index.
    let lookup = statements(&v, "AND step = $3")[0];
    let text = lookup["query"].as_str().unwrap();
    let hypo = format!("CREATE INDEX ON task_history ({})", columns(idx).join(", "));
    let before = server_cost(&db, text, nparams(text), None).await;
    let after = server_cost(&db, text, nparams(text), Some(&hypo)).await;
    assert!((lookup["cost_before"].as_f64().unwrap() - before).abs() < 0.01, "{lookup:#} vs {before}");
    assert!((lookup["cost_after"].as_f64().unwrap() - after).abs() < 0.01, "{lookup:#} vs {after}");
    // The size is hypopg's estimate of the same index.
    let size = {
        let c = db.get().await.unwrap();
        c.batch_execute("BEGIN").await.unwrap();
        let r = c
            .query_typed_one(
                "SELECT hypopg_relation_size(indexrelid)::int8 AS b FROM hypopg_create_index($1)",
                &[(&hypo, tokio_postgres::types::Type::TEXT)],
            )
            .await
            .unwrap();
        c.batch_execute("SELECT hypopg_reset(); ROLLBACK").await.unwrap();
        r.get::<_, i64>("b")
    };
    assert_eq!(idx["estimated_bytes"].as_i64(), Some(size), "{idx:#}");
    // The writes: the rows inserted and updated, exactly.
    assert_eq!(
        (idx["writes"]["inserts"].as_i64(), idx["writes"]["updates"].as_i64()),
        (Some(200000), Some(20))
    );
    assert!(idx["writes"]["rows_written_per_s"].as_f64().unwrap() > 0.0);
    // A table too.
    let o = run_url(&cfg, &["advise"]);
    assert_ok(&o);
    assert!(
        stdout(&o).contains("CREATE INDEX CONCURRENTLY") && stdout(&o).contains(&format!("helped: {name}")),
        "{}",
        stdout(&o)
    );

    // --create: built, and the measured plans read it.
    let relpages = scalar_i64(
        &db,
        "SELECT (pg_relation_size('task_history') / current_setting('block_size')::int)::int8",
    )
    .await;
    let o = run_url(&cfg, &["advise", "--create", "--yes", "--runs", "2", "--format", "json"]);
    assert_ok(&o);
    let c = json(&o);
    let created = &c["created"][0];
    assert_eq!(
        (created["created"].as_bool(), created["verdict"].as_str()),
        (Some(true), Some("helped")),
        "{created:#}"
    );
    assert!(
        scalar_bool(&db, &format!("SELECT indisvalid FROM pg_index WHERE indexrelid = '{name}'::regclass"))
            .await,
        "the index is valid"
    );
    let measured = created["statements"].as_array().unwrap();
    assert!(measured.len() >= 3, "{created:#}");
    for m in measured {
        let (b, a) = (&m["before"], &m["after"]);
        assert!(m["uses_index"].as_bool().unwrap(), "{m:#}");
        assert!(a["ms"].as_f64().unwrap() < b["ms"].as_f64().unwrap(), "measured time did not drop: {m:#}");
        assert!(a["buffers"].as_i64().unwrap() < b["buffers"].as_i64().unwrap() / 10, "{m:#}");
        assert!(a["indexes"].as_array().unwrap().iter().any(|i| i == name), "{m:#}");
    }
    // A lookup before the index read the whole table.
    let lookup =
        measured.iter().find(|m| m["queryid"] == statements(&v, "AND step = $3")[0]["queryid"]).unwrap();
    assert!(lookup["before"]["buffers"].as_i64().unwrap() >= relpages, "{lookup:#} vs {relpages} pages");
    // And the server counted the scans of the new index (2 runs of each measured statement).
    wait_until(
        &db,
        &format!(
            "SELECT idx_scan >= {} FROM pg_stat_user_indexes WHERE indexrelname = '{name}'",
            2 * measured.len()
        ),
    )
    .await;
    // Now indexed: nothing more to advise for these statements.
    let o = run_url(&cfg, &["advise", "--format", "json"]);
    assert_ok(&o);
    let again = json(&o);
    assert!(advised(&again, "task_history").is_empty(), "{:#}", again["indexes"]);
    for s in statements(&again, "AND step = $3") {
        assert_eq!(s["outcome"], "already_indexed", "{s:#}");
    }
}

#[tokio::test]
async fn nothing_for_a_full_table_aggregate_or_an_indexed_lookup() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_none", true).await;
    // The document's table with the document's own indexes.
    task_history(&db, 500, 10, 10, true).await;
    reset_statements(&db).await;
    let mut w = task_history_workload(10, 500, 10);
    for _ in 0..10 {
        w.push("SELECT status, count(*) FROM task_history GROUP BY status".into());
        w.push("SELECT count(*), max(timestamp) FROM task_history".into());
    }
    run_workload(&db, &w).await;
    let o = run_url(&cfg, &["advise", "--format", "json"]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(v["proven"], true);
    assert_eq!(v["indexes"], serde_json::json!([]), "{:#}", v["indexes"]);
    for needle in ["GROUP BY status", "count(*), max(timestamp)"] {
        let s = statements(&v, needle);
        assert_eq!(s.len(), 1, "{needle}");
        assert_eq!(s[0]["outcome"], "no_candidate", "{:#}", s[0]);
    }
    for needle in ["AND task_id = $2", "AND step = $3", "WHERE id = $"] {
        for s in statements(&v, needle) {
            assert_eq!(s["outcome"], "already_indexed", "{s:#}");
            assert!(!s["not_tried"].as_array().unwrap().is_empty(), "{s:#}");
        }
    }
    // --create has nothing to build and changes nothing.
    let before = scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await;
    let o = run_url(&cfg, &["advise", "--create", "--yes"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("no index to advise"), "{}", stdout(&o));
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await,
        before
    );
}

/// The ToWow app's queries: list_active (demands by status, newest first), a user's demands, a
/// demand, its responses, an agent's pending responses, the active channels by last message,
/// and two dashboard aggregates.
fn towow_workload(times: usize, agents: &[String], demands: &[String]) -> Vec<String> {
    let mut w = Vec::new();
    for i in 0..times {
        let a = &agents[i % agents.len()];
        let d = &demands[(i * 7) % demands.len()];
        w.push("SELECT * FROM demands WHERE status = 'published' ORDER BY created_at DESC LIMIT 20".into());
        w.push(format!(
            "SELECT * FROM demands WHERE user_id = 'user_{:06}' ORDER BY created_at DESC",
            1 + i * 13
        ));
        w.push(format!("SELECT * FROM demands WHERE id = '{d}'"));
        w.push(format!(
            "SELECT * FROM agent_responses WHERE demand_id = '{d}' ORDER BY relevance_score DESC"
        ));
        w.push(format!(
            "SELECT * FROM agent_responses WHERE agent_id = '{a}' AND status = 'pending' ORDER BY created_at DESC LIMIT 20"
        ));
        w.push("SELECT * FROM collaboration_channels WHERE status = 'active' ORDER BY last_message_at DESC LIMIT 20".into());
        w.push("SELECT status, count(*) FROM demands GROUP BY status".into());
        w.push("SELECT count(*), avg(relevance_score) FROM agent_responses".into());
    }
    w
}

async fn ids(db: &Db, sql: &str) -> Vec<String> {
    let c = db.get().await.unwrap();
    c.query_typed(sql, &[]).await.unwrap().iter().map(|r| r.get::<_, uuid::Uuid>("id").to_string()).collect()
}

#[tokio::test]
async fn the_towow_schema_and_the_apps_queries() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_towow", true).await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    assert_ok(&run_url(&cfg, &["seed", "--demands", "20000", "-q"]));
    exec(&db, "VACUUM ANALYZE").await;
    let agents = ids(&db, "SELECT id FROM agent_profiles ORDER BY id").await;
    let demands = ids(&db, "SELECT id FROM demands ORDER BY id LIMIT 200").await;
    reset_statements(&db).await;
    run_workload(&db, &towow_workload(20, &agents, &demands)).await;

    let o = run_url(&cfg, &["advise", "--format", "json"]);
    assert_ok(&o);
    let v = json(&o);
    assert_eq!(v["proven"], true);
    // An agent's pending responses: (agent_id, status, …); the active channels by last message:
    // (status, last_message_at). Nothing else.
    let responses = advised(&v, "agent_responses");
    let channels = advised(&v, "collaboration_channels");
    assert_eq!(
        (responses.len(), channels.len(), v["indexes"].as_array().unwrap().len()),
        (1, 1, 2),
        "{:#}",
        v["indexes"]
    );
    assert_eq!(columns(responses[0])[..2], ["agent_id", "status"]);
    assert_eq!(columns(channels[0]), ["status", "last_message_at"]);
    // list_active is served by V2's ix_demands_status_created, the other lookups by V1's indexes
    // and the primary key; the aggregates have nothing to index.
    let list_active = statements(&v, "FROM demands WHERE status = $1 ORDER BY created_at DESC");
    assert_eq!(list_active[0]["outcome"], "already_indexed", "{:#}", list_active[0]);
    assert!(
        list_active[0]["not_tried"].to_string().contains("ix_demands_status_created"),
        "{:#}",
        list_active[0]
    );
    for needle in ["WHERE user_id = $1", "FROM demands WHERE id = $1", "WHERE demand_id = $1"] {
        let s = statements(&v, needle);
        assert_eq!(s[0]["outcome"], "already_indexed", "{:#}", s[0]);
    }
    for needle in ["GROUP BY status", "avg(relevance_score)"] {
        assert_eq!(statements(&v, needle)[0]["outcome"], "no_candidate");
    }

    let o = run_url(&cfg, &["advise", "--create", "--yes", "--runs", "2", "--format", "json"]);
    assert_ok(&o);
    let c = json(&o);
    for created in c["created"].as_array().unwrap() {
        assert_eq!(created["verdict"], "helped", "{created:#}");
        for m in created["statements"].as_array().unwrap() {
            assert!(
                m["after"]["ms"].as_f64() < m["before"]["ms"].as_f64(),
                "measured time did not drop: {m:#}"
            );
            assert!(m["after"]["buffers"].as_i64() < m["before"]["buffers"].as_i64(), "{m:#}");
        }
        let name = created["name"].as_str().unwrap();
        assert!(
            scalar_bool(
                &db,
                &format!("SELECT indisvalid FROM pg_index WHERE indexrelid = '{name}'::regclass")
            )
            .await
        );
    }
}

#[tokio::test]
async fn an_index_that_does_not_help_as_predicted_is_said_and_dropped() {
    // A skewed column: 90 % of the rows hold 0, the rest 99 other values. The generic plan
    // expects 1 % of the rows for `kind = $1` (1 / n_distinct) and proves an index; the statement
    // measured with its most common value (0, nine rows in ten) still reads the whole table.
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_skew", true).await;
    exec(
        &db,
        "CREATE TABLE events (id bigint PRIMARY KEY, kind int NOT NULL, payload text NOT NULL); \
         INSERT INTO events SELECT g, CASE WHEN g % 10 = 0 THEN 1 + g % 99 ELSE 0 END, repeat('x', 50) \
         FROM generate_series(1, 100000) g",
    )
    .await;
    exec(&db, "VACUUM ANALYZE events").await;
    reset_statements(&db).await;
    let w: Vec<String> = (0..20)
        .map(|i| format!("SELECT count(*), max(payload) FROM events WHERE kind = {}", i % 3))
        .collect();
    run_workload(&db, &w).await;
    let o = run_url(&cfg, &["advise", "--format", "json"]);
    assert_ok(&o);
    let v = json(&o);
    let idx = advised(&v, "events");
    assert_eq!(idx.len(), 1, "{:#}", v["indexes"]);
    assert_eq!(columns(idx[0]), ["kind"]);
    let name = idx[0]["name"].as_str().unwrap().to_string();
    let s = &statements(&v, "WHERE kind = $1")[0];
    assert_eq!(s["params"][0]["value"], "0", "{s:#}");
    assert!(s["params"][0]["from"].as_str().unwrap().contains("most common value"), "{s:#}");

    let o = run_url(
        &cfg,
        &["advise", "--create", "--drop-unhelpful", "--yes", "--runs", "1", "--format", "json"],
    );
    assert_ok(&o);
    let c = json(&o);
    let created = &c["created"][0];
    assert_eq!(created["verdict"], "not_as_predicted", "{created:#}");
    assert_eq!(created["dropped"], true, "{created:#}");
    let m = &created["statements"][0];
    assert!(!m["uses_index"].as_bool().unwrap() || m["measured_speedup"].as_f64().unwrap() < 2.0, "{m:#}");
    assert!(m["predicted_speedup"].as_f64().unwrap() >= 2.0, "{m:#}");
    // Gone from the catalog.
    assert_eq!(scalar_i64(&db, &format!("SELECT count(*) FROM pg_class WHERE relname = '{name}'")).await, 0);
    // The table says so.
    let o = run_url(&cfg, &["advise", "--create", "--yes", "--runs", "1"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("DID NOT HELP as predicted"), "{}", stdout(&o));
}

#[tokio::test]
async fn a_failed_build_leaves_no_invalid_index() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_fail", true).await;
    task_history(&db, 1000, 10, 5, false).await;
    // A key too large for a btree entry (> 2704 bytes after compression): the build fails after
    // CREATE INDEX CONCURRENTLY has made its (invalid) index.
    exec(
        &db,
        "INSERT INTO task_history (user_id, task_id, step, result, timestamp) \
         SELECT string_agg(md5(g::text || random()::text), ''), 'task_big', 1, '{}', now() FROM generate_series(1, 400) g",
    )
    .await;
    exec(&db, "ANALYZE task_history").await;
    reset_statements(&db).await;
    run_workload(&db, &task_history_workload(10, 1000, 10)).await;
    let o = run_url(&cfg, &["advise", "--create", "--yes", "--runs", "1", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let c = json(&o);
    let created = &c["created"][0];
    assert!(created["error"].as_str().unwrap().contains("54000"), "{created:#}");
    assert_eq!(
        (created["verdict"].as_str(), created["leftover_dropped"].as_bool()),
        (Some("failed"), Some(true))
    );
    assert!(stderr(&o).contains("dropped the invalid index"), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid").await, 0);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await, 1);
}

#[tokio::test]
async fn ctrl_c_during_a_build_stops_it_and_drops_its_invalid_index() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_sigint", true).await;
    task_history(&db, 1000, 10, 5, false).await;
    reset_statements(&db).await;
    run_workload(&db, &task_history_workload(10, 1000, 10)).await;
    // A writer's open transaction: CREATE INDEX CONCURRENTLY makes its (invalid) index, then waits.
    let blocker = connect(&cfg).await;
    let b = blocker.get().await.unwrap();
    b.batch_execute("BEGIN; LOCK TABLE task_history IN ROW EXCLUSIVE MODE").await.unwrap();
    let child = run_bg(&cfg, &["advise", "--create", "--yes", "--runs", "1"]);
    wait_until_within(
        &db,
        "SELECT count(*) > 0 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid \
         WHERE c.relname = 'task_history' AND p.phase LIKE 'waiting for writers%'",
        std::time::Duration::from_secs(60),
    )
    .await;
    assert!(
        scalar_bool(&db, "SELECT count(*) = 1 FROM pg_index WHERE NOT indisvalid").await,
        "the build's index, invalid"
    );
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    // The stopped build's index can be dropped once the writer is gone.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    b.batch_execute("COMMIT").await.unwrap();
    let o = child.wait_with_output().unwrap();
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("of the stopped build was dropped"), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid").await, 0);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await, 1);
}

#[tokio::test]
async fn without_hypopg_the_candidates_are_unproven_on_every_major() {
    for major in majors() {
        let srv = server(major);
        let (cfg, db) = fresh(srv, "advise_nohypo", false).await;
        task_history(&db, 300, 5, 4, false).await;
        reset_statements(&db).await;
        run_workload(&db, &task_history_workload(5, 300, 5)).await;
        let o = run_url(&cfg, &["advise", "--format", "json"]);
        assert_ok(&o);
        let v = json(&o);
        assert_eq!(
            (v["proven"].as_bool(), v["indexes"].as_array().map(Vec::len)),
            (Some(false), Some(0)),
            "{major}: {v:#}"
        );
        let installed =
            scalar_bool(&db, "SELECT count(*) > 0 FROM pg_available_extensions WHERE name = 'hypopg'").await;
        let remedy = v["hypopg"]["remedy"].as_str().unwrap();
        if installed {
            assert!(remedy.contains("CREATE EXTENSION hypopg"), "{major}: {remedy}");
        } else {
            assert!(remedy.contains(&format!("postgresql-{major}-hypopg")), "{major}: {remedy}");
        }
        assert!(stderr(&o).contains("UNPROVEN"), "{major}: {}", stderr(&o));
        let unproven = v["unproven"].to_string();
        assert!(unproven.contains("task_history (user_id, task_id)"), "{major}: {unproven}");
        // The plan method of the version: GENERIC_PLAN from 16 on.
        assert_eq!(
            v["plans"].as_str().unwrap().contains("GENERIC_PLAN"),
            major >= 16,
            "{major}: {}",
            v["plans"]
        );
        // The table marks them, and says it is not advice.
        let o = run_url(&cfg, &["advise"]);
        assert!(stdout(&o).contains("UNPROVEN") && stdout(&o).contains("not advice"), "{}", stdout(&o));
        // --create refuses and builds nothing.
        let before =
            scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await;
        let o = run_url(&cfg, &["advise", "--create", "--yes"]);
        assert_eq!(o.status.code(), Some(1), "{major}: {}", stderr(&o));
        assert!(stderr(&o).contains("nothing is proven, so nothing is created"), "{}", stderr(&o));
        assert_eq!(
            scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await,
            before
        );
    }
}

#[tokio::test]
async fn refuses_bad_flags_and_asks_before_creating() {
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_flags", true).await;
    for bad in [
        &["advise", "--min-speedup", "0.5"][..],
        &["advise", "--max-columns", "0"],
        &["advise", "--drop-unhelpful"],
    ] {
        let o = run_url(&cfg, bad);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
    }
    task_history(&db, 300, 5, 4, false).await;
    reset_statements(&db).await;
    run_workload(&db, &task_history_workload(5, 300, 5)).await;
    // No terminal, no --yes: refused, nothing built.
    let o = run_url(&cfg, &["advise", "--create"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("pass --yes"), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'task_history'").await, 1);
}

#[tokio::test]
async fn through_pgbouncer_transaction_pooling() {
    // hypopg's indexes live in one backend; through transaction pooling the advisor holds one
    // transaction, so the proof is the same as on a direct connection, and nothing is left.
    let srv = hypopg_server().await;
    let (cfg, db) = fresh(srv, "advise_bouncer", true).await;
    task_history(&db, 1000, 10, 5, false).await;
    reset_statements(&db).await;
    run_workload(&db, &task_history_workload(10, 1000, 10)).await;
    let direct = json(&run_url(&cfg, &["advise", "--format", "json"]));
    let b = start_pgbouncer(&cfg, "transaction");
    let mut through = Vec::new();
    for _ in 0..2 {
        let o = run_url(&b.cfg, &["advise", "--format", "json"]);
        assert_ok(&o);
        through.push(json(&o));
    }
    let defs = |v: &Value| -> Vec<String> {
        v["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["definition"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!defs(&direct).is_empty());
    for t in &through {
        assert_eq!(defs(t), defs(&direct), "through PgBouncer: {t:#}");
    }
}

/// The index DDLs `pg_qualstats_index_advisor()` suggests: (table, columns).
fn qualstats_indexes(v: &Value) -> Vec<(String, String, Vec<String>)> {
    v["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            // CREATE INDEX ON public.task_history USING btree (user_id, task_id)
            let ddl = d.as_str().unwrap();
            let on = ddl.split(" ON ").nth(1).unwrap();
            let table = on
                .split_whitespace()
                .next()
                .unwrap()
                .rsplit('.')
                .next()
                .unwrap()
                .trim_matches('"')
                .to_string();
            let cols = on[on.find('(').unwrap() + 1..on.rfind(')').unwrap()]
                .split(',')
                .map(|c| c.trim().trim_matches('"').to_string())
                .collect();
            (ddl.to_string(), table, cols)
        })
        .collect()
}

#[tokio::test]
async fn finds_every_helpful_index_pg_qualstats_finds_with_proof() {
    let _ = hypopg_server().await;
    if !std::path::Path::new(&format!("/usr/share/postgresql/{HYPOPG_MAJOR}/extension/pg_qualstats.control"))
        .exists()
    {
        missing_prerequisite(&format!(
            "pg_qualstats for PostgreSQL {HYPOPG_MAJOR} is not installed (Debian postgresql-{HYPOPG_MAJOR}-pg-qualstats)"
        ));
    }
    let d = Dedicated::start(
        HYPOPG_MAJOR,
        "qualstats",
        &["shared_preload_libraries = 'pg_stat_statements, pg_qualstats'", "pg_qualstats.sample_rate = 1"],
    );
    let (cfg, db) = fresh(&d.srv, "advise_qualstats", true).await;
    exec(&db, "CREATE EXTENSION pg_qualstats").await;
    task_history(&db, 2000, 10, 5, false).await;
    exec(&db, "SELECT pg_qualstats_reset()").await;
    reset_statements(&db).await;
    let mut w = task_history_workload(20, 2000, 10);
    for i in 0..20 {
        // A time window of one status, and a task whatever its user.
        w.push(format!(
            "SELECT count(*) FROM task_history WHERE status = 'completed' AND timestamp >= timestamp '2026-01-0{}' AND timestamp < timestamp '2026-01-0{}'",
            1 + i % 5,
            2 + i % 5
        ));
        w.push(format!("SELECT * FROM task_history WHERE task_id = 'task_{}_3'", 1 + i * 11));
    }
    run_workload(&db, &w).await;
    let qs: Value = {
        let c = db.get().await.unwrap();
        c.query_typed_one("SELECT pg_qualstats_index_advisor() AS a", &[]).await.unwrap().get("a")
    };
    let o = run_url(&cfg, &["advise", "--limit", "50", "--format", "json"]);
    assert_ok(&o);
    let ours = json(&o);
    assert_eq!(ours["proven"], true);
    // Every index of ours is proven: statements it cuts at least 2×.
    for i in ours["indexes"].as_array().unwrap() {
        let s = i["statements"].as_array().unwrap();
        assert!(!s.is_empty() && s.iter().all(|h| h["speedup"].as_f64().unwrap() >= 2.0), "{i:#}");
    }
    // Each index pg_qualstats suggests that helps statements of the workload (their planned cost
    // with it, as a hypothetical index, at most half; judged here on the literal statements),
    // ours finds too: with all our advised indexes as hypothetical ones, each of those statements
    // is at least as much cheaper, through an index on the same table.
    let mut suggestions = qualstats_indexes(&qs);
    suggestions.dedup_by(|a, b| a.0 == b.0);
    suggestions.sort();
    suggestions.dedup();
    assert!(!suggestions.is_empty(), "pg_qualstats suggested nothing: {qs}");
    let c = db.get().await.unwrap();
    let plan = |text: String| {
        let c = &c;
        async move { explain(c, &format!("EXPLAIN (FORMAT JSON) {text}")).await }
    };
    let hypothetical = |ddls: Vec<String>| {
        let c = &c;
        async move {
            c.batch_execute("SELECT hypopg_reset()").await.unwrap();
            for ddl in ddls {
                c.query_typed(
                    "SELECT * FROM hypopg_create_index($1)",
                    &[(&ddl, tokio_postgres::types::Type::TEXT)],
                )
                .await
                .unwrap();
            }
        }
    };
    let ours_ddl: Vec<String> = ours["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("CREATE INDEX ON {} ({})", i["table"].as_str().unwrap(), columns(i).join(", ")))
        .collect();
    let mut distinct: Vec<&String> = Vec::new();
    for s in w.iter().filter(|s| s.starts_with("SELECT")) {
        // One literal statement per shape is enough (they differ by values only).
        let shape: String = s.chars().filter(|c| !c.is_ascii_digit()).collect();
        if !distinct.iter().any(|d| d.chars().filter(|c| !c.is_ascii_digit()).collect::<String>() == shape) {
            distinct.push(s);
        }
    }
    let mut report = Vec::new();
    let mut helpful = 0;
    for (ddl, table, _) in &suggestions {
        for s in distinct.iter().filter(|s| s.contains(table.as_str())) {
            hypothetical(vec![]).await;
            let before = plan(s.to_string()).await["Total Cost"].as_f64().unwrap();
            hypothetical(vec![ddl.clone()]).await;
            let theirs = plan(s.to_string()).await["Total Cost"].as_f64().unwrap();
            if theirs * 2.0 > before {
                continue;
            }
            helpful += 1;
            hypothetical(ours_ddl.clone()).await;
            let p = plan(s.to_string()).await;
            let mine = p["Total Cost"].as_f64().unwrap();
            report.push(format!(
                "{ddl}: {} {before:.1} → {theirs:.1}; ours {before:.1} → {mine:.1}",
                towow_db::output::cells::one_line(s, 60)
            ));
            assert!(
                mine * 2.0 <= before && p.to_string().contains("btree_task_history"),
                "pg_qualstats' {ddl} cuts {s} from {before} to {theirs}; ours ({ours_ddl:?}) only to {mine}"
            );
        }
    }
    hypothetical(vec![]).await;
    assert!(helpful > 0, "none of pg_qualstats' suggestions helps: {qs}");
    // The comparison, for the record (docs/reports.md quotes it).
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "advise vs pg_qualstats_index_advisor():\n  {}\n  ours: {ours_ddl:?}",
        report.join("\n  ")
    );
}
