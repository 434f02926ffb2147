//! Benchmark (not a test): what the history costs (issue 22). A day of one-minute snapshots
//! (`BENCH_SNAPSHOTS`, 1440) of a database with 1,000 tables and a few hundred statements, a
//! small workload between snapshots (30 tables updated, 30 statements run), written into the
//! store in the same database: the time of a snapshot, the rows and bytes it adds, then the time
//! to prune the whole day (`snapshot --keep` with everything older than the cut).
//! Snapshot time against its floor (the same views read through psql) is in the reports
//! benchmark (`cargo bench --bench reports`, case `snapshot -q`).
//!
//! Each snapshot is a round (there is no baseline to divide by): the 1-minute load average is
//! read as each starts; printed are the first (it creates the store), then the others in at most
//! 24 runs of consecutive snapshots (an hour each for a day) with the median and range of their
//! times and the range of the load, then the median and range (and p95) of all but the first with
//! the load's, never a best snapshot.
//!
//! ```sh
//! cargo bench --bench history                       # a day: 1440 snapshots (~10 min)
//! BENCH_SNAPSHOTS=200 cargo bench --bench history   # quicker
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnectOptions, Db};
use towow_db::reports::history;

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, median, percentile, range, summary};

fn main() -> Result<()> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run())
}

async fn scalar(db: &Db, sql: &str) -> Result<i64> {
    Ok(db.get().await?.query_typed_one(sql, &[]).await?.try_get(0)?)
}

async fn run() -> Result<()> {
    let n: usize = std::env::var("BENCH_SNAPSHOTS").unwrap_or_else(|_| "1440".into()).parse()?;
    let dir = PathBuf::from(format!("/tmp/towow-bench-history-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    let _cleanup = Cleanup::new(cluster.clone());
    cluster.start(&InitOptions {
        unsafe_fast: true,
        extra_conf: vec!["autovacuum = off".into(), "max_locks_per_transaction = 256".into()],
        ..InitOptions::default()
    })?;
    let mut cfg = cluster.conn_config()?;
    cfg.dbname = Some("postgres".into());
    Db::connect(cfg.clone(), ConnectOptions::default())
        .await?
        .get()
        .await?
        .batch_execute("CREATE DATABASE bench")
        .await?;
    cfg.dbname = Some("bench".into());
    let db = Db::connect(cfg.clone(), ConnectOptions::default()).await?;
    let c = db.get().await?;
    c.batch_execute(
        "CREATE EXTENSION pg_stat_statements;
         DO $$ BEGIN FOR i IN 1..1000 LOOP
           EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v int)', i);
           EXECUTE format('INSERT INTO t%s SELECT g, 0 FROM generate_series(1, 100) g', i);
         END LOOP; END $$; ANALYZE",
    )
    .await?;
    drop(c);
    println!(
        "history benchmark: {n} snapshots of 1,000 tables, 30 tables updated and 30 statements between snapshots; load {}",
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim()
    );
    let (mut times, mut loads) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut statements, mut tables) = (0i64, 0i64);
    let keep = Duration::from_secs(365 * 86_400);
    for i in 0..n {
        let c = db.get().await?;
        let mut work = String::new();
        for k in 0..30 {
            let t = 1 + (i * 37 + k * 101) % 1000;
            work.push_str(&format!("UPDATE t{t} SET v = v + 1 WHERE id = {}; ", 1 + k));
            let q = 1 + (i * 13 + k * 7) % 300;
            work.push_str(&format!("SELECT count(*) FROM t{q} WHERE v > {k}; "));
        }
        c.batch_execute(&work).await?;
        drop(c);
        loads.push(load1());
        let t = Instant::now();
        let r = history::snapshot(&db, None, keep).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if i > 0 {
            statements += r.written.statements;
            tables += r.written.tables;
        }
    }
    let bytes = scalar(
        &db,
        "SELECT sum(pg_total_relation_size(c.oid))::int8 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'towow_history' AND c.relkind = 'r'",
    )
    .await?;
    let rows = scalar(
        &db,
        "SELECT (SELECT count(*) FROM towow_history.snapshots) + (SELECT count(*) FROM towow_history.statements) \
         + (SELECT count(*) FROM towow_history.tables) + (SELECT count(*) FROM towow_history.standbys) \
         + (SELECT count(*) FROM towow_history.slots)",
    )
    .await?;
    println!(
        "first snapshot (creates the store, every table and statement): {:.0} ms (load {:.2})",
        times[0], loads[0]
    );
    // The snapshots after the first in (at most) 24 runs of consecutive ones, an hour each for a
    // day: how the time and the load went along.
    let (rest, rest_loads) = (&times[1..], &loads[1..]);
    let size = rest.len().div_ceil(24).max(1);
    for (k, (t, l)) in rest.chunks(size).zip(rest_loads.chunks(size)).enumerate() {
        let first = 2 + k * size;
        if let ([t], [l]) = (t, l) {
            println!("snapshot {first}: {t:.1} ms (load {l:.2})");
            continue;
        }
        println!(
            "snapshots {first}–{}: median {:.1} ms (range {} ms), load {}",
            first + t.len() - 1,
            median(t),
            range(t, 1),
            range(l, 2)
        );
    }
    println!(
        "a snapshot after the first, ms: {} (p95 {:.1}); the load during them: {}",
        summary(rest, 1),
        percentile(rest, 0.95),
        summary(rest_loads, 2)
    );
    let per = (n.max(2) - 1) as f64;
    println!(
        "per snapshot after the first: {:.1} statement rows, {:.1} table rows written; the store: {rows} rows, {:.1} MB, {:.1} kB per snapshot",
        statements as f64 / per,
        tables as f64 / per,
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / n as f64
    );
    let mut client = db.dedicated().await?;
    let prune_load = load1();
    let t = Instant::now();
    let pruned = history::store::prune(&mut client, &history::target_name(&db.cfg), Duration::ZERO).await?;
    println!(
        "pruning all {} snapshots ({} rows): {:.0} ms (load {prune_load:.2})",
        pruned.snapshots,
        pruned.rows,
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
