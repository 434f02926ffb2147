//! The third ground-truth audit (issue 25): each report against what the server knows exactly
//! (pgstattuple, the relation files, autovacuum's own actions in the server log, a role without
//! privileges), on every tested major. The standby's cases are in `replication::standby_truth`.

use std::time::Duration;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{Dedicated, PgServer, majors, server};
use crate::replication::check;
use crate::report_truth::rewrite_truth;
use crate::reports::{burn_xids, code, json, report, table};

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
// 1. autovacuum off server-wide: who vacuums a table past its own autovacuum_freeze_max_age,
// and what that vacuum does, as the server's log tells it.

async fn relfrozenxid_age(db: &Db, t: &str) -> i64 {
    scalar_i64(db, &format!("SELECT age(relfrozenxid)::int8 FROM pg_class WHERE relname = '{t}'")).await
}

/// `autovacuum_count` and `autoanalyze_count` of `t`.
async fn counts(db: &Db, t: &str) -> (i64, i64) {
    let of = |c: &str| format!("SELECT {c}::int8 FROM pg_stat_user_tables WHERE relname = '{t}'");
    (scalar_i64(db, &of("autovacuum_count")).await, scalar_i64(db, &of("autoanalyze_count")).await)
}

async fn set_autovacuum(db: &Db, on: bool) {
    let v = if on { "on" } else { "off" };
    exec(db, &format!("ALTER SYSTEM SET autovacuum = {v}")).await;
    exec(db, "SELECT pg_reload_conf()").await;
    wait_until(db, &format!("SELECT current_setting('autovacuum') = '{v}'")).await;
}

/// The log lines of autovacuum for `table` ("automatic [aggressive] vacuum [to prevent
/// wraparound] of table", "automatic analyze of table").
fn log_lines(d: &Dedicated, what: &str, db: &str, table: &str) -> usize {
    let line = format!("{what} of table \"{db}.public.{table}\"");
    d.log().lines().filter(|l| l.contains(&line)).count()
}

async fn anti_wraparound_case(m: u32) {
    // A server-wide limit of 300,000 XIDs (vacuums freeze rows older than half of it), tables
    // whose own is 100,000.
    let d = Dedicated::start(
        m,
        "avoff",
        &[
            "autovacuum = off",
            "autovacuum_naptime = 1",
            "log_autovacuum_min_duration = 0",
            "autovacuum_freeze_max_age = 300000",
        ],
    );
    let v = format!("PostgreSQL {m}");
    let cfg = fresh_db_on(&d.srv.base, "avoff").await;
    let name = cfg.dbname.clone().unwrap();
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE TABLE own (id int) WITH (autovacuum_freeze_max_age = 100000);
         CREATE TABLE aggr (id int)
           WITH (autovacuum_freeze_max_age = 100000, autovacuum_freeze_table_age = 0, autovacuum_freeze_min_age = 0);
         INSERT INTO own SELECT generate_series(1, 100);
         INSERT INTO aggr SELECT generate_series(1, 100);",
    )
    .await;
    wait_until(&db, "SELECT sum(n_tup_ins) = 200 FROM pg_stat_user_tables").await;
    burn_xids(&db, 101_000).await;
    let db_age = "SELECT age(datfrozenxid)::int8 FROM pg_database WHERE datname = current_database()";
    assert!(relfrozenxid_age(&db, "own").await > 100_000, "{v}");
    assert!(scalar_i64(&db, db_age).await < 300_000, "{v}");
    let tables = ["vacuum-report", "--table", "own", "--table", "aggr"];

    // Autovacuum off and the database under the server-wide limit: nobody vacuums them.
    let j = report(&cfg, &tables);
    for t in ["own", "aggr"] {
        let r = table(&j, "public", t);
        assert_eq!(
            (r["anti_wraparound"].as_bool(), r["autovacuum_will_vacuum"].as_bool()),
            (Some(true), Some(false)),
            "{v}: {r}"
        );
        assert!(r["note"].as_str().unwrap().contains("server-wide autovacuum_freeze_max_age"), "{v}: {r}");
    }
    let mut check_args = tables.to_vec();
    check_args.push("--check");
    let o = run_url(&cfg, &check_args);
    assert_eq!(code(&o), 1, "{v}: {}", stdout(&o));
    assert!(stdout(&o).contains("due_autovacuum_off=2 "), "{v}: {}", stdout(&o));
    // Five naptimes: nothing came.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!((counts(&db, "own").await, counts(&db, "aggr").await), ((0, 0), (0, 0)), "{v}");
    assert_eq!(log_lines(&d, "to prevent wraparound", &name, "own"), 0, "{v}");

    // Autovacuum on: both are vacuumed. `own`'s vacuum is not aggressive (its age is far below
    // vacuum_freeze_table_age), is followed by an analyze, freezes nothing (its rows are younger
    // than freeze_min_age, 150,000 here) and comes back every round; `aggr`'s is aggressive and
    // freezes (its own freeze ages are 0).
    set_autovacuum(&db, true).await;
    let lock = db.dedicated().await.unwrap();
    lock.batch_execute("BEGIN; LOCK TABLE own, aggr IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
    let j = report(&cfg, &tables);
    let own = table(&j, "public", "own");
    assert_eq!(
        (
            own["autovacuum_will_vacuum"].as_bool(),
            own["wraparound_vacuum_aggressive"].as_bool(),
            own["wraparound_can_repeat"].as_bool(),
            own["analyze_due"].as_bool(),
            own["autovacuum_will_analyze"].as_bool()
        ),
        (Some(true), Some(false), Some(true), Some(true), Some(true)),
        "{v}: {own}"
    );
    let note = own["note"].as_str().unwrap();
    assert!(note.contains("will not be aggressive") && note.contains("comes back every round"), "{v}: {own}");
    let aggr = table(&j, "public", "aggr");
    assert_eq!(
        (aggr["wraparound_vacuum_aggressive"].as_bool(), aggr["wraparound_can_repeat"].as_bool()),
        (Some(true), Some(false)),
        "{v}: {aggr}"
    );
    lock.batch_execute("COMMIT").await.unwrap();
    let long = Duration::from_secs(60);
    wait_until_within(
        &db,
        "SELECT bool_and(autovacuum_count > 0) AND sum(autoanalyze_count) > 0 FROM pg_stat_user_tables WHERE relname IN ('own', 'aggr')",
        long,
    )
    .await;
    let plain = "automatic vacuum to prevent wraparound";
    let aggressive = "automatic aggressive vacuum to prevent wraparound";
    assert!(log_lines(&d, plain, &name, "own") >= 1, "{v}: {}", d.log());
    assert_eq!(log_lines(&d, aggressive, &name, "own"), 0, "{v}");
    assert!(log_lines(&d, aggressive, &name, "aggr") >= 1, "{v}");
    assert!(log_lines(&d, "automatic analyze", &name, "own") >= 1, "{v}");
    // `aggr` was frozen; `own` is still past its limit, and autovacuum comes back for it.
    assert!(relfrozenxid_age(&db, "aggr").await < 100_000, "{v}");
    assert!(relfrozenxid_age(&db, "own").await > 100_000, "{v}");
    wait_until_within(
        &db,
        "SELECT autovacuum_count > 1 FROM pg_stat_user_tables WHERE relname = 'own'",
        long,
    )
    .await;
    let j = report(&cfg, &tables);
    assert_eq!(table(&j, "public", "own")["anti_wraparound"], true, "{v}");
    assert_eq!(table(&j, "public", "aggr")["vacuum_due"], false, "{v}");

    // Autovacuum off again, the database past the server-wide limit: an emergency worker comes
    // (aggressive now: the age is past 95% of the server-wide limit, and old enough to freeze),
    // and never analyzes.
    set_autovacuum(&db, false).await;
    exec(&db, "INSERT INTO own SELECT generate_series(101, 200)").await;
    wait_until(&db, "SELECT n_mod_since_analyze >= 100 FROM pg_stat_user_tables WHERE relname = 'own'").await;
    burn_xids(&db, 200_000).await;
    assert!(scalar_i64(&db, db_age).await > 300_000, "{v}");
    let lock = db.dedicated().await.unwrap();
    lock.batch_execute("BEGIN; LOCK TABLE own IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
    let j = report(&cfg, &tables);
    let own = table(&j, "public", "own");
    assert_eq!(
        (
            own["autovacuum_will_vacuum"].as_bool(),
            own["wraparound_vacuum_aggressive"].as_bool(),
            own["analyze_due"].as_bool(),
            own["autovacuum_will_analyze"].as_bool()
        ),
        (Some(true), Some(true), Some(true), Some(false)),
        "{v}: {own}"
    );
    // The setting that can make it repeat is still there; its rows are all old enough now.
    assert_eq!(own["wraparound_can_repeat"], true, "{v}: {own}");
    let before = counts(&db, "own").await;
    // A VACUUM that updates the database's datfrozenxid recomputes the limits, past which the
    // postmaster is signalled to start the launcher in its emergency mode.
    exec(&db, "VACUUM aggr").await;
    lock.batch_execute("COMMIT").await.unwrap();
    wait_until_within(
        &db,
        &format!("SELECT autovacuum_count > {} FROM pg_stat_user_tables WHERE relname = 'own'", before.0),
        long,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(counts(&db, "own").await.1, before.1, "{v}: autovacuum off: no analyze");
    assert!(log_lines(&d, aggressive, &name, "own") >= 1, "{v}");
    // 15+ sets relfrozenxid to the oldest XID left (none: all frozen); before 15 to the freeze
    // cutoff, 150,000 XIDs back: past its limit still, as the report's note says.
    let age = relfrozenxid_age(&db, "own").await;
    if m >= 15 {
        assert!(age < 100_000, "{v}: frozen at last: {age}");
    } else {
        assert!(age >= 150_000, "{v}: relfrozenxid at the freeze cutoff: {age}");
        let own = table(&report(&cfg, &tables), "public", "own").clone();
        assert!(own["note"].as_str().unwrap().contains("before PostgreSQL 15"), "{v}: {own}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anti_wraparound_vacuums_as_the_server_log_shows_them_on_every_version() {
    for m in majors() {
        anti_wraparound_case(m).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 4. After pg_stat_reset(): the dead rows are unknown, not 0.

async fn stats_reset_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "statsreset").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE EXTENSION pgstattuple;
         CREATE TABLE t (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off);
         INSERT INTO t SELECT g, 'x' FROM generate_series(1, 5000) g;",
    )
    .await;
    wait_until(&db, "SELECT n_tup_ins = 5000 FROM pg_stat_user_tables WHERE relname = 't'").await;
    exec(&db, "VACUUM ANALYZE t").await;
    exec(&db, "DELETE FROM t WHERE id <= 2500").await;
    wait_until(&db, "SELECT n_dead_tup = 2500 FROM pg_stat_user_tables WHERE relname = 't'").await;
    let args = ["vacuum-report", "--table", "t", "--check"];
    assert_eq!(code(&run_url(&cfg, &args)), 1, "{v}: due, autovacuum off for it");

    exec(&db, "SELECT pg_stat_reset()").await;
    wait_until(&db, "SELECT n_dead_tup = 0 FROM pg_stat_user_tables WHERE relname = 't'").await;
    // The truth: the dead rows are all there.
    assert_eq!(scalar_i64(&db, "SELECT dead_tuple_count FROM pgstattuple('t')").await, 2500, "{v}");
    let j = report(&cfg, &["vacuum-report", "--table", "t"]);
    let t = table(&j, "public", "t");
    assert_eq!(t["counters_unknown"], true, "{v}: {t}");
    assert!(t["n_dead_tup"].is_null() && t["dead_pct"].is_null(), "{v}: never a confident 0: {t}");
    assert!(t["note"].as_str().unwrap().contains("statistics reset"), "{v}: {t}");
    let o = run_url(&cfg, &["vacuum-report", "--table", "t", "--check", "--format", "json"]);
    assert_eq!(code(&o), 3, "{v}: {}", stdout(&o));
    let c = check(&json(&o), "due_autovacuum_off").clone();
    assert_eq!(c["status"], "unknown", "{v}: {c}");
    assert!(c["message"].as_str().unwrap().contains("public.t"), "{v}: {c}");

    // ANALYZE counts them again.
    exec(&db, "ANALYZE t").await;
    wait_until(&db, "SELECT n_dead_tup > 0 FROM pg_stat_user_tables WHERE relname = 't'").await;
    let t = table(&report(&cfg, &["vacuum-report", "--table", "t"]), "public", "t").clone();
    assert_eq!(
        (t["counters_unknown"].as_bool(), t["n_dead_tup"].as_i64()),
        (Some(false), Some(2500)),
        "{v}: {t}"
    );
    assert_eq!(code(&run_url(&cfg, &args)), 1, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_rows_after_a_statistics_reset_are_unknown_on_every_version() {
    for m in majors() {
        stats_reset_case(server(m)).await;
    }
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
// 7. TOAST bloat of values of a chunk and a bit, against a rewrite.

async fn toast_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "toast3").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE EXTENSION pgstattuple;
         CREATE TABLE docs (id int PRIMARY KEY, body text) WITH (autovacuum_enabled = off);
         ALTER TABLE docs ALTER body SET STORAGE EXTERNAL;
         INSERT INTO docs SELECT g, repeat(md5(g::text), 80) FROM generate_series(1, 4000) g;",
    )
    .await;
    wait_until(&db, "SELECT n_tup_ins = 4000 FROM pg_stat_user_tables WHERE relname = 'docs'").await;
    exec(&db, "VACUUM ANALYZE docs").await;
    // 2,560-byte values: a full chunk and one of 564 bytes each. Half of them rewritten.
    exec(&db, "UPDATE docs SET body = repeat(md5((id + 1)::text), 80) WHERE id % 2 = 0").await;
    wait_until(
        &db,
        "SELECT pg_stat_get_dead_tuples(reltoastrelid) = 4000 FROM pg_class WHERE relname = 'docs'",
    )
    .await;
    exec(&db, "ANALYZE docs").await;
    wait_until(&db, "SELECT n_mod_since_analyze = 0 FROM pg_stat_user_tables WHERE relname = 'docs'").await;
    let (truth, _) = rewrite_truth(&db, "docs", true).await;
    let j = report(&cfg, &["vacuum-report", "--bloat", "--table", "docs"]);
    let t = &table(&j, "public", "docs")["bloat"]["toast"];
    let (least, most) = (t["bloat_bytes"].as_i64().unwrap(), t["bloat_bytes_max"].as_i64());
    let most = most.unwrap_or_else(|| panic!("{v}: a lower bound alone, {least} against {truth}: {t}"));
    assert!(least <= truth + 8192 && truth <= most + 8192, "{v}: {least} <= {truth} <= {most}");
    // The range is the statistics' uncertainty, not a shrug: less than the TOAST table.
    assert!(most < t["size_bytes"].as_i64().unwrap(), "{v}: {t}");
    let b = &table(&j, "public", "docs")["bloat"];
    assert_eq!(
        b["bloat_bytes_max"].as_i64(),
        Some(b["heap"]["bloat_bytes"].as_i64().unwrap() + most),
        "{v}: the table's range is heap + TOAST's: {b}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toast_bloat_is_a_range_that_holds_the_truth_on_every_version() {
    for m in majors() {
        toast_case(server(m)).await;
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
    args.extend_from_slice(&NOT_THE_HOST_DISK);
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
// 9. A partitioned parent has no storage: its size is 0, never negative.

/// `m`, partitioned by month of 2024 into 12 partitions of 3,050 rows or so, analyzed.
async fn partitioned_m(db: &Db) {
    let mut sql = String::from("CREATE TABLE m (id int, at date NOT NULL) PARTITION BY RANGE (at);");
    for i in 1..=12 {
        sql.push_str(&format!(
            "CREATE TABLE m_{i:02} PARTITION OF m FOR VALUES FROM ('2024-{i:02}-01') TO ('{}');",
            if i == 12 { "2025-01-01".to_string() } else { format!("2024-{:02}-01", i + 1) }
        ));
    }
    sql.push_str("INSERT INTO m SELECT g, date '2024-01-01' + (g % 366) FROM generate_series(1, 36600) g;");
    exec(db, &sql).await;
    exec(db, "ANALYZE m").await;
}

async fn parent_size_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "parts3").await;
    let db = connect(&cfg).await;
    partitioned_m(&db).await;
    assert_eq!(scalar_i64(&db, "SELECT pg_table_size('m')").await, 0);
    let j = report(&cfg, &["vacuum-report", "--table", "m"]);
    assert_eq!(table(&j, "public", "m")["size_bytes"], 0, "{v}: {j}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_parent_has_no_negative_size_on_every_version() {
    for m in majors() {
        parent_size_case(server(m)).await;
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

// ---------------------------------------------------------------------------------------------
// 10, 12. indexes --rebuild on a partitioned table: --table reaches its partitions' indexes,
// --index names one index (or a partitioned index's partitions' ones), and the sizes before are
// the files', not relpages after a bulk load.

async fn relfilenodes(db: &Db) -> std::collections::BTreeMap<String, i64> {
    let rows = db
        .get()
        .await
        .unwrap()
        .query_typed(
            "SELECT c.relname::text, c.relfilenode::int8 FROM pg_class c WHERE c.relkind = 'i' AND c.relname LIKE 'msgs%'",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

async fn rebuild_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "rebuild3").await;
    let db = connect(&cfg).await;
    let rows = |from: i64, to: i64| {
        format!(
            "INSERT INTO msgs SELECT p * 100000 + g, g % 10, timestamptz '2024-01-01' + g * interval '1 minute'
             FROM generate_series({from}, {to}) g, (VALUES (0), (1)) AS parts(p);"
        )
    };
    exec(
        &db,
        &format!(
            "CREATE TABLE msgs (id int, tenant int, at timestamptz) PARTITION BY RANGE (id);
             CREATE TABLE msgs_a PARTITION OF msgs FOR VALUES FROM (0) TO (100000);
             CREATE TABLE msgs_b PARTITION OF msgs FOR VALUES FROM (100000) TO (200000);
             CREATE INDEX idx_msgs_tenant_at ON msgs (tenant, at);
             {}
             DELETE FROM msgs WHERE id % 5 <> 0;",
            rows(1, 10000),
        ),
    )
    .await;
    exec(&db, "VACUUM ANALYZE msgs_a, msgs_b").await;
    exec(&db, &rows(10001, 20000)).await;
    let leaves: Vec<String> = {
        let rows = db
            .get()
            .await
            .unwrap()
            .query_typed(
                "SELECT relid::regclass::text FROM pg_partition_tree('idx_msgs_tenant_at') WHERE isleaf ORDER BY 1",
                &[],
            )
            .await
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    assert_eq!(leaves.len(), 2, "{v}");
    let names = |j: &Value| -> Vec<String> {
        j["indexes"].as_array().unwrap().iter().map(|i| i["index"].as_str().unwrap().to_string()).collect()
    };
    // The bloated ones of the whole database: the partitions' indexes. Their sizes before are
    // the files now, not relpages (from before the second load).
    let j = report(&cfg, &["indexes", "--rebuild", "--rebuild-min-size", "0", "--dry-run"]);
    assert_eq!(names(&j), leaves, "{v}: {j}");
    for i in j["indexes"].as_array().unwrap() {
        let name = i["index"].as_str().unwrap();
        let file = scalar_i64(&db, &format!("SELECT pg_relation_size('{name}')")).await;
        let relpages =
            scalar_i64(&db, &format!("SELECT relpages::int8 * 8192 FROM pg_class WHERE relname = '{name}'"))
                .await;
        assert!(file > relpages, "{v}: the case: {name} grew since its relpages");
        assert_eq!(i["bytes_before"], file, "{v}: {i}");
    }
    // --table on the partitioned table reaches the same.
    let j =
        report(&cfg, &["indexes", "--rebuild", "--table", "msgs", "--rebuild-min-size", "0", "--dry-run"]);
    assert_eq!(
        names(&j),
        leaves,
        "{v}: --table on the partitioned table reaches its partitions' indexes: {j}"
    );
    // Without a terminal and without --yes: refused, nothing rebuilt.
    let before = relfilenodes(&db).await;
    let o = run_url(&cfg, &["indexes", "--rebuild", "--index", "idx_msgs_tenant_at"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    assert_eq!(relfilenodes(&db).await, before, "{v}");
    // --index on one partition's index: that one only.
    let one = &leaves[1];
    let o = run_url(&cfg, &["indexes", "--rebuild", "--index", one, "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["indexes"].as_array().unwrap().len(), 1, "{v}: {j}");
    assert_eq!(
        (j["indexes"][0]["reason"].as_str(), j["indexes"][0]["valid_after"].as_bool()),
        (Some("requested"), Some(true)),
        "{v}: {j}"
    );
    let after = relfilenodes(&db).await;
    for (name, node) in &after {
        assert_eq!(node != &before[name], name == one, "{v}: {name}");
    }
    // --index on the partitioned index: each partition's; --table the same way.
    let o = run_url(
        &cfg,
        &["indexes", "--rebuild", "--index", "idx_msgs_tenant_at", "--yes", "--format", "json"],
    );
    assert_ok(&o);
    assert_eq!(json(&o)["indexes"].as_array().unwrap().len(), 2, "{v}: {}", stdout(&o));
    let again = relfilenodes(&db).await;
    for leaf in &leaves {
        assert_ne!(again[leaf], after[leaf], "{v}: {leaf} not rebuilt");
    }
    // A name that is no index: a clear error, nothing done.
    let o = run_url(&cfg, &["indexes", "--rebuild", "--index", "msgs", "--yes"]);
    assert_eq!(code(&o), 1, "{v}: {}", stderr(&o));
    assert!(stderr(&o).contains("no such index"), "{v}: {}", stderr(&o));
    assert_eq!(relfilenodes(&db).await, again, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuilds_reach_partitions_and_name_one_index_on_every_version() {
    for m in majors() {
        rebuild_case(server(m)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// 12. sizes: a partitioned parent's rows are its partitions', also after 11 of 12 were dropped,
// and its totals are there when --table names it alone.

async fn parent_rows_case(srv: &PgServer) {
    let v = format!("PostgreSQL {}", srv.major);
    let cfg = fresh_db_on(&srv.base, "prows3").await;
    let db = connect(&cfg).await;
    partitioned_m(&db).await;
    for i in 1..=11 {
        exec(&db, &format!("DROP TABLE m_{i:02}")).await;
    }
    let rows = scalar_i64(&db, "SELECT count(*) FROM m").await;
    let j = report(&cfg, &["sizes", "--table", "m"]);
    let t = find(&j["tables"], "table", "m");
    assert_eq!(t["reltuples"].as_f64(), Some(rows as f64), "{v}: {t}");
    let total = scalar_i64(&db, "SELECT pg_total_relation_size('m_12')").await;
    assert_eq!(t["partitions_total_bytes"], total, "{v}: {t}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partitioned_parents_rows_are_its_partitions_on_every_version() {
    for m in majors() {
        parent_rows_case(server(m)).await;
    }
}
