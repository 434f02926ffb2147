//! History in PostgreSQL (issue 22): `snapshot`, the windowed checks of `health`, `slow-query
//! --since`, `sizes --growth`, the host's disk, expected standbys, the exports (promtool) and a
//! fleet's history in one central database. Every figure against the server's own statistics or
//! a peer tool (`df`, `promtool`).

use std::time::Duration;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
}

fn check<'a>(j: &'a Value, name: &str) -> &'a Value {
    j["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name}: {j}"))
}

fn snapshot(cfg: &ConnConfig, more: &[&str]) -> Value {
    let mut args = vec!["snapshot", "--format", "json"];
    args.extend_from_slice(more);
    let o = run_url(cfg, &args);
    assert_ok(&o);
    json(&o)
}

fn health(cfg: &ConnConfig, more: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["health", "--check", "--format", "json"];
    args.extend_from_slice(&NOT_THE_HOST_DISK);
    args.extend_from_slice(more);
    let o = run_url(cfg, &args);
    (o.status.code(), json(&o))
}

/// Two sessions that deadlock: one of them is cancelled by the server (40P01).
async fn deadlock(cfg: &ConnConfig) {
    let db = connect(cfg).await;
    exec(&db, "CREATE TABLE IF NOT EXISTS dl (id int PRIMARY KEY); INSERT INTO dl VALUES (1), (2) ON CONFLICT DO NOTHING").await;
    let (a, b) = (db.dedicated().await.unwrap(), db.dedicated().await.unwrap());
    a.batch_execute("BEGIN; UPDATE dl SET id = id WHERE id = 1").await.unwrap();
    b.batch_execute("BEGIN; UPDATE dl SET id = id WHERE id = 2").await.unwrap();
    let (ra, rb) = futures_util::join!(
        a.batch_execute("UPDATE dl SET id = id WHERE id = 2"),
        b.batch_execute("UPDATE dl SET id = id WHERE id = 1")
    );
    assert!(ra.is_err() != rb.is_err(), "exactly one is the deadlock's victim");
    let _ = a.batch_execute("ROLLBACK").await;
    let _ = b.batch_execute("ROLLBACK").await;
}

#[tokio::test]
async fn a_deadlock_warns_only_inside_the_window_and_a_reset_is_unknown_never_ok() {
    let cfg = fresh_db("hist_deadlock").await;
    let db = connect(&cfg).await;
    // Without history: since the statistics reset, said so.
    let (_, j) = health(&cfg, &[]);
    assert!(check(&j, "deadlocks")["message"].as_str().unwrap().contains("snapshot"), "{j}");
    let first = snapshot(&cfg, &[]);
    assert!(first["store_created"].as_array().unwrap().contains(&Value::from(1)), "{first}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    deadlock(&cfg).await;
    // The server counts it (the truth), and the window starting before it sees it.
    let truth =
        scalar_i64(&db, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").await;
    assert_eq!(truth, 1);
    let (code, j) = health(&cfg, &["--window", "1s"]);
    assert_eq!(check(&j, "deadlocks")["value"], 1, "{j}");
    assert_eq!(check(&j, "deadlocks")["status"], "warning", "{j}");
    assert_eq!(code, Some(1), "{j}");
    // A snapshot after it, a window later: the deadlock is out of the window, the alert clears.
    snapshot(&cfg, &[]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, j) = health(&cfg, &["--window", "1s"]);
    assert_eq!(
        (check(&j, "deadlocks")["value"].clone(), check(&j, "deadlocks")["status"].clone()),
        (0.into(), "ok".into()),
        "{j}"
    );
    assert_eq!(j["window"]["window"]["baseline"]["deadlocks"], 1, "{j}");
    // pg_stat_reset() between the snapshot and now: UNKNOWN, the reset named, never OK.
    exec(&db, "SELECT pg_stat_reset()").await;
    let (code, j) = health(&cfg, &["--window", "1s"]);
    let d = check(&j, "deadlocks");
    assert_eq!(d["status"], "unknown", "{j}");
    assert!(d["message"].as_str().unwrap().contains("the statistics were reset at"), "{d}");
    assert_eq!(code, Some(3), "{j}");
    // The next window after a snapshot that saw the reset is whole again.
    snapshot(&cfg, &[]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, j) = health(&cfg, &["--window", "1s"]);
    assert_eq!(check(&j, "deadlocks")["status"], "ok", "{j}");
}

#[tokio::test]
async fn slow_queries_per_minute_warn_while_they_run_and_clear_when_they_stop() {
    let cfg = fresh_db("hist_slow").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    // The statements towow-db itself runs (health, snapshot) are in pg_stat_statements too: with
    // `--slow 50ms` one of them once crossed it under a full test run's load and made it 13
    // executions of 2 statements. 200 ms leaves them far below, the test's own far above.
    let flags = ["--window", "1s", "--slow", "200ms", "--threshold", "slow_queries_per_min=20"];
    let (_, j) = health(&cfg, &flags);
    assert!(
        check(&j, "slow_queries_per_min")["message"].as_str().unwrap().contains("needs two readings"),
        "{j}"
    );
    snapshot(&cfg, &[]);
    for _ in 0..12 {
        exec(&db, "SELECT pg_sleep(0.25)").await;
    }
    // The window is the asked second at least (the 12 take about 3 s).
    tokio::time::sleep(Duration::from_millis(500)).await;
    // 12 executions over a window of a few seconds: well over 20 a minute.
    let (code, j) = health(&cfg, &flags);
    let c = check(&j, "slow_queries_per_min");
    assert_eq!(c["status"], "warning", "{j}");
    assert!(c["message"].as_str().unwrap().starts_with("12 execution(s) of 1 statement(s)"), "{c}");
    let span = j["window"]["window"]["span_s"].as_f64().unwrap();
    assert!((c["value"].as_f64().unwrap() - 12.0 / (span / 60.0)).abs() < 1.0, "{c} over {span} s");
    assert_eq!(code, Some(1));
    // They stop: a snapshot, a window later nothing slow ran.
    snapshot(&cfg, &[]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (_, j) = health(&cfg, &flags);
    assert_eq!(check(&j, "slow_queries_per_min")["status"], "ok", "{j}");
    assert_eq!(check(&j, "slow_queries_per_min")["value"], 0, "{j}");
}

#[tokio::test]
async fn slow_query_since_ranks_what_ran_in_the_interval() {
    let cfg = fresh_db("hist_since").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE heavy (x int); INSERT INTO heavy SELECT generate_series(1, 200000)").await;
    // Before the interval: a statement heavy then (many calls), and one fast then.
    for _ in 0..80 {
        exec(&db, "SELECT count(*) FROM heavy WHERE x % 7 = 3").await;
        exec(&db, "SELECT pg_sleep(0.001)").await;
    }
    snapshot(&cfg, &[]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let since = std::time::Instant::now();
    // In the interval: the fast statement became slow; the heavy one ran once; a new one.
    for _ in 0..4 {
        exec(&db, "SELECT pg_sleep(0.1)").await;
    }
    exec(&db, "SELECT count(*) FROM heavy WHERE x % 7 = 3").await;
    // (pg_stat_statements ignores aliases and constants: another shape makes another statement.)
    exec(&db, "SELECT pg_sleep(0.05), 'new'::text").await;
    // The whole history says the heavy statement is the heaviest; the interval does not.
    let o = run_url(&cfg, &["slow-query", "--format", "json"]);
    let all = json(&o);
    assert!(all["queries"][0]["query"].as_str().unwrap().contains("FROM heavy"), "{all}");
    let secs = since.elapsed().as_secs() + 2;
    let o = run_url(&cfg, &["slow-query", "--since", &format!("{secs}s"), "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let q = j["statements"].as_array().unwrap();
    let top = &q[0];
    assert!(top["query"].as_str().unwrap().contains("pg_sleep"), "{j}");
    assert_eq!(top["calls"], 4, "{j}");
    assert_eq!(top["slower"], true, "{j}");
    assert!(
        top["mean_ms"].as_f64().unwrap() >= 100.0 && top["mean_before_ms"].as_f64().unwrap() < 50.0,
        "{j}"
    );
    let heavy = q.iter().find(|s| s["query"].as_str().unwrap().contains("FROM heavy")).unwrap();
    assert_eq!(heavy["calls"], 1, "{j}");
    assert!(q.iter().position(|s| s == heavy) > Some(0));
    let new = q.iter().find(|s| s["query"].as_str().unwrap().contains("pg_sleep($1), $2")).unwrap();
    assert_eq!(new["new"], true, "{j}");
    assert!(
        (j["new_statements"].as_i64().unwrap(), j["slower_statements"].as_i64().unwrap()) >= (1, 1),
        "{j}"
    );
    // The same from --between (the readings at or before each end).
    snapshot(&cfg, &[]);
    let now = chrono::Utc::now() + chrono::Duration::seconds(1);
    let from = now - chrono::Duration::seconds(secs as i64 + 1);
    let o = run_url(
        &cfg,
        &["slow-query", "--between", &from.to_rfc3339(), &now.to_rfc3339(), "--format", "json"],
    );
    assert_ok(&o);
    assert_eq!(json(&o)["statements"][0]["calls"], 4, "{}", stdout(&o));
    // No history before the time asked: said, not guessed.
    let o = run_url(&cfg, &["slow-query", "--between", "2020-01-01", "2020-01-02"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the history starts at"), "{}", stderr(&o));
}

/// A length of time longer than any date can hold (`--since 18446744073709551615`, 584 billion
/// years) means all the history, as a long one does: it panicked in `slow-query --since`, `health
/// --window`, `sizes --growth --since` and `report --html --since` (the property test found it).
#[tokio::test]
async fn a_length_of_time_past_any_date_means_all_the_history() {
    let cfg = fresh_db("hist_forever").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    snapshot(&cfg, &[]);
    exec(&db, "SELECT pg_sleep(0.01)").await;
    snapshot(&cfg, &[]);
    let forever = "18446744073709551615";
    // 95 years: before 1970 too.
    let long = "3000000000s";
    // The same interval either way, from the first snapshot on: both reach back to 1970 (the
    // statements differ by towow-db's own reads between the two runs).
    let from = |since: &str| {
        let o = run_url(&cfg, &["slow-query", "--since", since]);
        assert_ok(&o);
        let out = stdout(&o);
        out.lines().next().unwrap_or_default().split(" to ").next().unwrap_or_default().to_string()
    };
    let (a, b) = (from(forever), from(long));
    assert!(a.contains(" from ") && a == b, "{a} / {b}");
    assert_ok(&run_url(&cfg, &["sizes", "--growth", "--since", forever]));
    let o = run_url(&cfg, &["report", "--html", "-", "--since", forever]);
    assert_ok(&o);
    assert!(stdout(&o).trim_end().ends_with("</html>"), "{}", stderr(&o));
    let (code, j) = health(&cfg, &["--window", forever]);
    assert!(matches!(code, Some(0..=3)), "{j}");
    assert!(check(&j, "deadlocks")["message"].is_string(), "{j}");
}

#[tokio::test]
async fn growth_disk_and_the_store_readable_by_a_monitoring_role() {
    let cfg = fresh_db("hist_growth").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE grows (id int, pad text); CREATE TABLE stays (id int)").await;
    snapshot(&cfg, &[]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    exec(&db, "INSERT INTO grows SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g").await;
    let s = snapshot(&cfg, &[]);
    assert!(s["written"]["tables"].as_i64().unwrap() >= 1, "{s}");
    let o = run_url(&cfg, &["sizes", "--growth", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let t = j["tables"].as_array().unwrap();
    assert_eq!(t[0]["table"], "grows", "{j}");
    let truth = scalar_i64(&db, "SELECT pg_total_relation_size('grows')").await;
    assert_eq!(t[0]["last_bytes"], truth, "{j}");
    assert!(t[0]["bytes_per_day"].as_f64().unwrap() > 0.0);
    let stays = t.iter().find(|x| x["table"] == "stays").unwrap();
    assert_eq!(stays["bytes_per_day"], 0.0, "{j}");
    // The disk of the data directory, against `df` (the server runs on this host).
    let (_, h) = health(&cfg, &[]);
    let disk = check(&h, "disk_used_pct");
    let dir = scalar_text(&db, "SELECT current_setting('data_directory')").await;
    let df = std::process::Command::new("df").args(["--output=used,avail", "-B1", &dir]).output().unwrap();
    let line = String::from_utf8_lossy(&df.stdout).lines().nth(1).unwrap().to_string();
    let v: Vec<f64> = line.split_whitespace().map(|x| x.parse().unwrap()).collect();
    let df_pct = 100.0 * v[0] / (v[0] + v[1]);
    assert!((disk["value"].as_f64().unwrap() - df_pct).abs() < 0.5, "{disk} against df {df_pct}");
    assert!(j["disk_avail_bytes"].as_i64().is_some() && j["days_until_full"].as_f64().is_some(), "{j}");
    // A pg_monitor role reads the history (health's windowed checks, growth) but cannot write it.
    let role = format!("hist_mon_{}", std::process::id());
    exec(&db, &format!("CREATE ROLE {role} LOGIN PASSWORD 'mon-pw'; GRANT pg_monitor TO {role}")).await;
    let mut mon = cfg.clone();
    mon.user = Some(role.clone());
    mon.password = Some("mon-pw".into());
    let (_, h) = health(&mon, &["--window", "1s"]);
    assert!(h["window"]["window"]["baseline"]["id"].as_i64().is_some(), "{h}");
    assert_ok(&run_url(&mon, &["sizes", "--growth"]));
    let o = run_url(&mon, &["snapshot"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("permission denied"), "{}", stderr(&o));
    exec(&db, &format!("DROP OWNED BY {role}; DROP ROLE {role}")).await;
}

#[tokio::test]
async fn a_fleet_keeps_its_history_in_one_central_database_and_prunes_it() {
    let (a, b, central) =
        (fresh_db("hist_fleet_a").await, fresh_db("hist_fleet_b").await, fresh_db("hist_central").await);
    let args = |more: &[&str]| -> Vec<String> {
        let mut v = vec![
            "--url".to_string(),
            a.url_with_password(),
            "--url".into(),
            b.url_with_password(),
            "--history-url".into(),
            central.url_with_password(),
        ];
        v.extend(more.iter().map(|s| s.to_string()));
        v
    };
    exec(&connect(&a).await, "CREATE TABLE kept (id int)").await;
    for _ in 0..2 {
        let o = cmd().args(args(&["snapshot", "-q"])).output().unwrap();
        assert_ok(&o);
    }
    let c = connect(&central).await;
    let targets = scalar_text(
        &c,
        "SELECT string_agg(DISTINCT target, ' ' ORDER BY target) FROM towow_history.snapshots",
    )
    .await;
    for t in [&a, &b] {
        assert!(targets.contains(&format!("/{}", t.dbname_or_default())), "{targets}");
        // Nothing was written into the targets themselves.
        assert!(!scalar_bool(&connect(t).await, "SELECT to_regnamespace('towow_history') IS NOT NULL").await);
    }
    assert_eq!(scalar_i64(&c, "SELECT count(*) FROM towow_history.snapshots").await, 4);
    // health over the central history.
    let o = cmd()
        .args(["--url", &a.url_with_password(), "--history-url", &central.url_with_password()])
        .args(["health", "--format", "json", "--window", "1ms"])
        .output()
        .unwrap();
    let j = json(&o);
    assert!(j["window"]["window"]["baseline"]["id"].as_i64().is_some(), "{j}");
    // --keep prunes by age: every snapshot older than a moment goes, the figures at the cut
    // (the last reading of each statement and table) stay.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let o = cmd().args(args(&["snapshot", "--keep", "1s", "--format", "json"])).output().unwrap();
    assert_ok(&o);
    assert_eq!(scalar_i64(&c, "SELECT count(*) FROM towow_history.snapshots").await, 2);
    assert!(scalar_i64(&c, "SELECT count(*) FROM towow_history.tables").await >= 1);
}

#[tokio::test]
async fn exports_pass_promtool_and_nagios_perfdata_is_on_the_status_line() {
    let cfg = fresh_db("hist_export").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    snapshot(&cfg, &[]);
    if !has_program("promtool", "--version") {
        missing_prerequisite("promtool (Debian's prometheus package) is not installed");
    }
    for report in ["health", "replication", "vacuum-report", "sizes"] {
        for check in [false, true] {
            let mut args = vec![report, "--format", "openmetrics"];
            if check {
                args.push("--check");
            }
            let o = run_url(&cfg, &args);
            assert!(matches!(o.status.code(), Some(0..=3)), "{args:?}: {}", stderr(&o));
            assert!(stdout(&o).contains("# TYPE towow_"), "{args:?}: {}", stdout(&o));
            let mut p = std::process::Command::new("promtool")
                .args(["check", "metrics"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            p.stdin.take().unwrap().write_all(&o.stdout).unwrap();
            let r = p.wait_with_output().unwrap();
            assert!(r.status.success(), "{args:?}: promtool: {}{}\n{}", stdout(&r), stderr(&r), stdout(&o));
        }
    }
    // Counters are counters: the database's deadlocks, as the server counts them.
    let o = run_url(&cfg, &["health", "--format", "openmetrics"]);
    assert!(stdout(&o).contains("# TYPE towow_database_deadlocks_total counter"), "{}", stdout(&o));
    // Other commands have no such output: a usage error.
    let o = run_url(&cfg, &["indexes", "--format", "openmetrics"]);
    assert_eq!(o.status.code(), Some(2));
    // Nagios: `STATUS: … | name=value[UOM];warn;crit …`.
    let o = run_url(&cfg, &["health", "--check"]);
    let last = stdout(&o).lines().last().unwrap().to_string();
    let (status, perf) = last.split_once(" | ").unwrap_or_else(|| panic!("{last}"));
    assert!(status.starts_with("OK") || status.starts_with("WARNING"), "{last}");
    assert!(perf.contains("connections_pct=") && perf.contains("%;80;95"), "{perf}");
    assert!(perf.contains("cache_hit_pct=") && perf.contains(";99:;90:"), "{perf}");
}

/// `--expect-standbys 1` with the standby stopped pages (CRITICAL) on the primary.
pub async fn expected_standbys_page_when_one_is_down(
    standby: &towow_db::admin::local::LocalCluster,
    pcfg: &ConnConfig,
) {
    let o = run_url(pcfg, &["replication", "--check", "--expect-standbys", "1", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    standby.stop().unwrap();
    let db = Db::connect(pcfg.clone(), Default::default()).await.unwrap();
    wait_until(&db, "SELECT count(*) = 0 FROM pg_stat_replication").await;
    for cmd in ["replication", "health"] {
        let o = run_url(pcfg, &[cmd, "--check", "--expect-standbys", "1", "--format", "json"]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}{}", stdout(&o), stderr(&o));
        let j = json(&o);
        let checks = if cmd == "health" { &j } else { &j["check"] };
        let c = check(checks, "standbys_streaming");
        assert_eq!((c["status"].as_str(), c["value"].as_i64()), (Some("critical"), Some(0)), "{c}");
    }
}
