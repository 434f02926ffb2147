//! Benchmark (not a test): `report --html` on 30 days of 5-minute snapshots (8,640) of a ToWow
//! database, against the 2 s and 2 MB the issue allows, with `health --format json` on the same
//! database as the baseline of the same run. The history is one real snapshot, then its rows
//! copied to earlier times with changing values (every table and 40 statements changed at every
//! snapshot: the worst case for the charts' queries), so that it is built in seconds.
//!
//! Each round (`BENCH_RUNS`, 5) runs the baseline, then the report, and prints both times, their
//! ratio and the 1-minute load average as each started; then each figure's median and range over
//! the rounds (never a best round), and the median against the budget.
//!
//! ```sh
//! cargo bench --bench html
//! BENCH_DAYS=7 BENCH_RUNS=2 cargo bench --bench html   # quicker
//! ```

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, ensure};
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnectOptions, Db};

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, median, summary};

fn main() -> Result<()> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run())
}

fn timed(bin: &str, url: &str, args: &[&str]) -> Result<f64> {
    let t = Instant::now();
    let o = Command::new(bin).env("DATABASE_URL", url).args(args).output()?;
    ensure!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    Ok(t.elapsed().as_secs_f64())
}

const SYNTHESIZE: &str = "
WITH one AS (SELECT * FROM towow_history.snapshots ORDER BY taken_at LIMIT 1),
     times AS (SELECT g, (SELECT taken_at FROM one) - g * interval '5 minutes' AS at FROM generate_series(1, {n}) g)
INSERT INTO towow_history.snapshots (target, taken_at, took_ms, database, server_version, standby, postmaster_start,
  stats_reset, db_size_bytes, numbackends, max_connections, deadlocks, xid_age, mxid_age, xmin_horizon_age,
  archived_count, failed_count, statements_tracked, max_lag_s, slot_retained_bytes)
SELECT one.target, times.at, 100, one.database, one.server_version, false, one.postmaster_start, one.stats_reset,
       one.db_size_bytes - times.g * 4096, 3 + times.g % 7, 100, 0, 1000 + times.g, 0, 10, 0, 0, true,
       (times.g % 30)::float8 / 10, 1048576 * (times.g % 50)
FROM one, times;
INSERT INTO towow_history.tables (target, taken_at, relid, schema_name, table_name, total_bytes, n_live_tup, n_dead_tup,
  n_tup_ins, n_tup_upd, n_tup_del, seq_scan, idx_scan, xid_age)
SELECT t.target, s.taken_at, t.relid, t.schema_name, t.table_name, greatest(t.total_bytes - (extract(epoch FROM now() - s.taken_at) / 300)::int8 * 64, 8192),
       t.n_live_tup, (extract(epoch FROM s.taken_at)::int8 / 300) % 1000, 0, 0, 0, 0, 0, 0
FROM towow_history.tables t JOIN towow_history.snapshots s ON s.target = t.target AND s.taken_at < t.taken_at;
INSERT INTO towow_history.statements (target, taken_at, queryid, userid, calls, total_ms, rows, shared_blks_hit, shared_blks_read, io_ms)
SELECT st.target, s.taken_at, st.queryid, st.userid,
       greatest(st.calls - (extract(epoch FROM now() - s.taken_at) / 300)::int8 * 10, 0),
       greatest(st.total_ms - (extract(epoch FROM now() - s.taken_at) / 300) * 10 * (1 + st.queryid % 5), 0), 0, 0, 0, 0
FROM (SELECT * FROM towow_history.statements ORDER BY total_ms DESC LIMIT 40) st
JOIN towow_history.snapshots s ON s.target = st.target AND s.taken_at < st.taken_at;
ANALYZE towow_history.snapshots; ANALYZE towow_history.tables; ANALYZE towow_history.statements;";

async fn run() -> Result<()> {
    let days: usize = std::env::var("BENCH_DAYS").unwrap_or_else(|_| "30".into()).parse()?;
    let rounds: usize = std::env::var("BENCH_RUNS").unwrap_or_else(|_| "5".into()).parse()?;
    let n = days * 288;
    let bin = env!("CARGO_BIN_EXE_towow-db");
    let dir = PathBuf::from(format!("/tmp/towow-bench-html-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    // The page is written next to the cluster: the folder goes with it.
    let _cleanup = Cleanup::new(cluster.clone()).and_remove(dir.clone());
    cluster.start(&InitOptions { unsafe_fast: true, ..InitOptions::default() })?;
    let cfg = cluster.conn_config()?;
    let url = cfg.url_with_password();
    timed(bin, &url, &["init", "--mock-agents", "-q"])?;
    timed(bin, &url, &["seed", "--demands", "20000", "-q"])?;
    let db = Db::connect(cfg.clone(), ConnectOptions::default()).await?;
    db.get().await?.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await?;
    timed(bin, &url, &["snapshot", "-q"])?;
    let t = Instant::now();
    db.get().await?.batch_execute(&SYNTHESIZE.replace("{n}", &n.to_string())).await?;
    let rows: i64 = db
        .get()
        .await?
        .query_typed_one(
            "SELECT (SELECT count(*) FROM towow_history.tables) + (SELECT count(*) FROM towow_history.statements)",
            &[],
        )
        .await?
        .try_get(0)?;
    println!(
        "report --html benchmark: {days} days of 5-minute snapshots ({} snapshots, {rows} table and statement rows, built in {:.0} s); load {}",
        n + 1,
        t.elapsed().as_secs_f64(),
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    let page = dir.join("page.html");
    let since = format!("{}d", days + 1);
    let (mut report, mut health, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let health_load = load1();
        let h = timed(bin, &url, &["health", "--format", "json"])?;
        let report_load = load1();
        let r = timed(
            bin,
            &url,
            &["report", "--html", page.to_str().unwrap_or_default(), "--since", &since, "-q"],
        )?;
        println!(
            "round {round}: health --format json {h:.3} s (load {health_load:.2}) | report --html {r:.2} s (load {report_load:.2}) | ratio {:.1}x",
            r / h
        );
        health.push(h);
        report.push(r);
        ratios.push(r / h);
    }
    let bytes = std::fs::metadata(&page)?.len();
    println!(
        "report --html, s: {}; the page {:.2} MB\nhealth --format json (baseline), s: {}\nratio (report ÷ health): {}",
        summary(&report, 2),
        bytes as f64 / 1048576.0,
        summary(&health, 3),
        summary(&ratios, 1)
    );
    println!(
        "against the issue's budget (the median): {:.2} of 2 s, {:.2} of 2 MB",
        median(&report) / 2.0,
        bytes as f64 / 2097152.0
    );
    Ok(())
}
