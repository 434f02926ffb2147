//! Benchmark (not a test): every report on a database with 10,000 tables (each with a primary
//! key index and a TOAST table, in 10 schemas) and 5,000 distinct top-level statements in
//! pg_stat_statements, against the ToWow runbook's own naive queries (section 6.4) measured in
//! the same run on the same connection pool.
//!
//! ```sh
//! cargo bench --bench reports                              # 10,000 tables, 5,000 statements
//! BENCH_TABLES=2000 BENCH_STATEMENTS=1000 cargo bench --bench reports   # quicker
//! ```
//!
//! It starts its own throwaway cluster (towow-db's `local` module, fsync off) under /tmp and
//! deletes it at the end. Times are the best and the median of 5 runs, in milliseconds.

use std::future::Future;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnectOptions, Db};
use towow_db::output::check::Thresholds;
use towow_db::reports::{Filter, activity, health, indexes, sizes, slow, vacuum};

const RUNS: usize = 5;

/// Best and median, ms.
type Timing = (f64, f64);

/// A report's timing and, where the runbook has one, its naive query's.
type Measured = (&'static str, Timing, Option<Baseline>);
type Baseline = (&'static str, Timing);

struct Cleanup(LocalCluster);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = self.0.destroy();
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Best and median of `RUNS` runs, in ms.
async fn time<F, Fut, T>(mut f: F) -> Result<Timing>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut v = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        f().await?;
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    Ok((v[0], v[RUNS / 2]))
}

async fn naive(db: &Db, sql: &'static str) -> Result<usize> {
    Ok(db.get().await?.simple_query(sql).await?.len())
}

fn main() -> Result<()> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run())
}

async fn run() -> Result<()> {
    let tables = env_usize("BENCH_TABLES", 10_000);
    let statements = env_usize("BENCH_STATEMENTS", 5_000);
    let dir = PathBuf::from(format!("/tmp/towow-bench-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    let _cleanup = Cleanup(cluster.clone());
    let started = Instant::now();
    cluster.start(&InitOptions {
        unsafe_fast: true,
        extra_conf: vec![
            format!("pg_stat_statements.max = {}", (statements * 2).max(5000)),
            "max_locks_per_transaction = 1024".into(),
            "autovacuum_naptime = '1d'".into(),
        ],
        ..InitOptions::default()
    })?;
    let mut cfg = cluster.conn_config()?;
    let version = cluster.state()?.version;
    cfg.dbname = Some("postgres".into());
    let admin = Db::connect(cfg.clone(), ConnectOptions::default()).await?;
    admin.get().await?.batch_execute("CREATE DATABASE bench").await?;
    cfg.dbname = Some("bench".into());
    let db = Db::connect(cfg.clone(), ConnectOptions { pool_size: 2, ..ConnectOptions::default() }).await?;
    let c = db.get().await?;
    c.batch_execute("CREATE EXTENSION pg_stat_statements").await?;
    let per_schema = tables.div_ceil(10);
    c.batch_execute(&format!(
        "DO $$ BEGIN
           FOR s IN 0..9 LOOP EXECUTE format('CREATE SCHEMA s%s', s); END LOOP;
           FOR i IN 0..{} LOOP
             EXECUTE format('CREATE TABLE s%s.t%s (id int PRIMARY KEY, n int, v text)', i % 10, i / 10);
             IF i % 500 = 499 THEN COMMIT; END IF;
           END LOOP;
         END $$",
        tables - 1
    ))
    .await
    .context("creating the tables")?;
    // Rows, dead rows and statistics in the first 200 tables.
    c.batch_execute(
        "DO $$ BEGIN
           FOR i IN 0..199 LOOP
             EXECUTE format('INSERT INTO s%s.t%s SELECT g, g %% 10, repeat(''x'', 50) FROM generate_series(1, 1000) g', i % 10, i / 10);
             EXECUTE format('DELETE FROM s%s.t%s WHERE id <= 300', i % 10, i / 10);
             EXECUTE format('ANALYZE s%s.t%s', i % 10, i / 10);
           END LOOP;
         END $$",
    )
    .await?;
    c.batch_execute("SELECT pg_stat_statements_reset()").await?;
    for i in 0..statements {
        let (s, t) = (i % 10, (i / 10) % per_schema);
        c.simple_query(&format!("SELECT count(*) FROM s{s}.t{t} WHERE n = 1 AND id > {i}")).await?;
    }
    drop(c);
    let setup = started.elapsed();
    let relations: i64 = db.get().await?.query_typed_one("SELECT count(*) FROM pg_class", &[]).await?.get(0);
    println!(
        "towow-db report benchmark: {version}; {tables} tables in 10 schemas ({relations} relations in pg_class), \
         {statements} distinct statements; set up in {:.0} s; best / median of {RUNS} runs",
        setup.as_secs_f64()
    );

    let t_health = Thresholds::new(health::CHECKS);
    let (vac_opts, bloat_opts) =
        (vacuum::VacuumOptions::default(), vacuum::VacuumOptions { bloat: true, ..Default::default() });
    let (slow_opts, act_opts, idx_opts, all) = (
        slow::SlowOptions::default(),
        activity::ActivityOptions::default(),
        indexes::IndexOptions::default(),
        Filter::default(),
    );
    let mut rows: Vec<Measured> = Vec::new();

    let base_vac = time(|| naive(&db, RUNBOOK_VACUUM)).await?;
    rows.push((
        "vacuum-report",
        time(|| vacuum::report(&db, &vac_opts)).await?,
        Some(("runbook 6.4.3 (n_dead_tup > 1000)", base_vac)),
    ));
    rows.push(("vacuum-report --bloat", time(|| vacuum::report(&db, &bloat_opts)).await?, None));
    let base_slow = time(|| naive(&db, RUNBOOK_SLOW)).await?;
    rows.push((
        "slow-query",
        time(|| slow::report(&db, &slow_opts)).await?,
        Some(("runbook 6.4.2 slow queries (columns fixed for 13+)", base_slow)),
    ));
    rows.push(("health", time(|| health::report(&db, &t_health)).await?, None));
    let base_act = time(|| naive(&db, RUNBOOK_ACTIVITY)).await?;
    rows.push((
        "activity",
        time(|| activity::report(&db, &act_opts)).await?,
        Some(("runbook 6.4.2 active connections", base_act)),
    ));
    let base_sizes = time(|| naive(&db, RUNBOOK_SIZES)).await?;
    rows.push((
        "sizes",
        time(|| sizes::report(&db, &all, None)).await?,
        Some(("runbook 6.4.2 table sizes", base_sizes)),
    ));
    let base_idx = time(|| naive(&db, RUNBOOK_INDEXES)).await?;
    rows.push((
        "indexes",
        time(|| indexes::report(&db, &idx_opts)).await?,
        Some(("runbook 6.4.2 index usage", base_idx)),
    ));

    println!(
        "\n{:<24} {:>10} {:>10}   {:<52} {:>10} {:>7}",
        "report (in-process)", "best ms", "median ms", "baseline", "median ms", "ratio"
    );
    for (name, (best, med), base) in &rows {
        match base {
            Some((bname, (_, bmed))) => println!(
                "{name:<24} {best:>10.1} {med:>10.1}   {bname:<52} {bmed:>10.1} {:>6.1}x",
                med / bmed.max(0.001)
            ),
            None => println!("{name:<24} {best:>10.1} {med:>10.1}"),
        }
    }

    // End to end through the binary (process start, connection, query, JSON on stdout).
    let bin = env!("CARGO_BIN_EXE_towow-db");
    let url = cfg.url_with_password();
    println!("\n{:<24} {:>10} {:>10}", "towow-db … --format json", "best ms", "median ms");
    for args in [
        &["vacuum-report"][..],
        &["vacuum-report", "--bloat"],
        &["slow-query"],
        &["health"],
        &["activity"],
        &["sizes"],
        &["indexes"],
    ] {
        let (best, med) = time(|| async {
            let o = Command::new(bin).args(["--url", &url, "--format", "json"]).args(args).output()?;
            anyhow::ensure!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
            Ok(o.stdout.len())
        })
        .await?;
        println!("{:<24} {best:>10.1} {med:>10.1}", args.join(" "));
    }
    Ok(())
}

/// The runbook's queries (ToWow document, section 6.4), as written there except the
/// pg_stat_statements column names, which PostgreSQL 13 renamed.
const RUNBOOK_VACUUM: &str = "SELECT schemaname, relname, n_dead_tup, last_autovacuum FROM pg_stat_user_tables \
     WHERE n_dead_tup > 1000 ORDER BY n_dead_tup DESC";
const RUNBOOK_SLOW: &str = "SELECT query, calls, mean_exec_time, total_exec_time FROM pg_stat_statements \
     ORDER BY mean_exec_time DESC LIMIT 10";
const RUNBOOK_ACTIVITY: &str = "SELECT * FROM pg_stat_activity WHERE state = 'active'";
const RUNBOOK_SIZES: &str = "SELECT relname, pg_size_pretty(pg_relation_size(relid)) FROM pg_stat_user_tables \
     ORDER BY pg_relation_size(relid) DESC";
const RUNBOOK_INDEXES: &str =
    "SELECT indexrelname, idx_scan, idx_tup_read FROM pg_stat_user_indexes ORDER BY idx_scan";
