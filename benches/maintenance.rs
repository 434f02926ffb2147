//! Maintenance benchmark: `towow-db retention` against one plain `DELETE` of the same rows, with
//! a concurrent writer on the same table, and the drop of a month partition, in the same run.
//!
//! ```sh
//! cargo bench --bench maintenance                              # 3M rows, 2M old, 5 rounds
//! cargo bench --bench maintenance -- --rows 300000 --rounds 1  # quicker
//! cargo bench --bench maintenance -- --by-key                  # no index on created_at
//! ```
//!
//! On a throwaway cluster (fsync off, autovacuum off so that it does not run in one case and not
//! the other), a template database holds `events` (bigserial primary key, `created_at`
//! timestamptz, an account, 100 bytes of text; indexes on `created_at` and `account`), rows
//! ordered by time, the older two thirds before the cut-off (with `--by-key`, no index on
//! `created_at`: retention walks the primary key instead of the time index). Each round copies it twice
//! (`CREATE DATABASE … TEMPLATE`) and, alternating which goes first:
//! 1. **plain**: `DELETE FROM events WHERE created_at < cut-off`, one statement;
//! 2. **towow-db**: `retention --before cut-off --no-vacuum`, the whole process (start, plan,
//!    every batch).
//!
//! During both, a writer on its own connection runs single-row statements on the same table
//! without pause, alternately an `INSERT` of a new row and an `UPDATE` of a random row (of any
//! age: two in three are being deleted), and records each statement's latency; a sampler reads
//! every 10 ms the age of the oldest snapshot of the deleting session (`clock_timestamp() -
//! xact_start` of the backend holding an xmin). Printed per round: rows/s of each, their ratio
//! and the load average as each side ended; the writer's p50/p99/max latency; the oldest
//! snapshot seen against the longest batch. Then each figure's median and range over the rounds
//! (targets: ratio ≥ 0.75 by the time index, ≥ 0.6 `--by-key`; the writer's p99 < 1 s).
//!
//! Then the partition case: `messages` range partitioned by month, one month of `--partition-rows`
//! (1M) rows and its neighbours; `retention --before <the month's end>` detaches it concurrently
//! and drops it (target < 1 s), timed by towow-db's own JSON and as a whole process, with the
//! writer inserting into the current month.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db};

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, percentile, summary};

const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

struct Args {
    rows: u64,
    partition_rows: u64,
    rounds: usize,
    batch_size: u64,
    /// Drop the index on `created_at`, so that retention walks the primary key.
    by_key: bool,
}

fn parse_args() -> Args {
    let mut a =
        Args { rows: 3_000_000, partition_rows: 1_000_000, rounds: 5, batch_size: 10_000, by_key: false };
    let mut args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let Some(i) = args.iter().position(|a| a == "--by-key") {
        a.by_key = true;
        args.remove(i);
    }
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).unwrap_or_else(|| panic!("{} needs a value", args[i]));
        let n = towow_db::units::parse_count(v).unwrap_or_else(|e| panic!("{}: {e}", args[i]));
        match args[i].as_str() {
            "--rows" => a.rows = n,
            "--partition-rows" => a.partition_rows = n,
            "--rounds" => a.rounds = n.max(1) as usize,
            "--batch-size" => a.batch_size = n.max(1),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

fn db_cfg(base: &ConnConfig, name: &str) -> ConnConfig {
    let mut c = base.clone();
    c.dbname = Some(name.into());
    c
}

async fn connect(cfg: &ConnConfig) -> Db {
    Db::connect(cfg.clone(), ConnectOptions { lock_timeout: None, ..ConnectOptions::default() })
        .await
        .unwrap()
}

/// What the writer saw: each statement's latency in ms.
struct Writer {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Vec<f64>>,
}

/// Single-row inserts and, when `update` is given (`{id}` in it), updates of random rows (ids
/// 1..=max_id), alternately, until stopped.
async fn writer(cfg: &ConnConfig, insert: &'static str, update: Option<&'static str>, max_id: u64) -> Writer {
    let db = connect(cfg).await;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let task = tokio::spawn(async move {
        let c = db.get().await.unwrap();
        let mut lat = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        while !flag.load(Ordering::Relaxed) {
            let t = Instant::now();
            c.batch_execute(insert).await.unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
            let Some(update) = update else { continue };
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = Instant::now();
            c.batch_execute(&update.replace("{id}", &(1 + x % max_id).to_string())).await.unwrap();
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        lat
    });
    Writer { stop, task }
}

impl Writer {
    async fn finish(self) -> Vec<f64> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap()
    }
}

/// The oldest snapshot of sessions named `app` on `dbname`, sampled every 10 ms, in ms.
fn sampler(
    admin: Arc<Db>,
    dbname: String,
    app: &'static str,
) -> (Arc<AtomicBool>, tokio::task::JoinHandle<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let task = tokio::spawn(async move {
        let c = admin.get().await.unwrap();
        let mut worst: f64 = 0.0;
        while !flag.load(Ordering::Relaxed) {
            let r = c
                .query_typed_one(
                    "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)) * 1000, 0)::float8 \
                     FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND backend_xmin IS NOT NULL",
                    &[(&dbname, tokio_postgres::types::Type::TEXT), (&app, tokio_postgres::types::Type::TEXT)],
                )
                .await
                .unwrap();
            worst = worst.max(r.get(0));
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        worst
    });
    (stop, task)
}

struct Case {
    seconds: f64,
    rows: u64,
    latencies: Vec<f64>,
    oldest_snapshot_ms: f64,
    max_batch_ms: f64,
    /// towow-db: the time inside its batches' transactions.
    batches_s: f64,
    /// The 1-minute load average as the case ended.
    load: f64,
}

fn report(name: &str, c: &Case) -> String {
    let n = c.latencies.len();
    let inside =
        if c.batches_s > 0.0 { format!(" ({:.2} s inside batches)", c.batches_s) } else { String::new() };
    if n == 0 {
        return format!(
            "{name}: {} rows in {:.2} s{inside} = {:.0} rows/s (load {:.2})",
            c.rows,
            c.seconds,
            c.rows as f64 / c.seconds,
            c.load
        );
    }
    format!(
        "{name} + writer: {} rows in {:.2} s (load {:.2}) | writer: {n} statements, p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms | oldest snapshot {:.0} ms{}",
        c.rows,
        c.seconds,
        c.load,
        percentile(&c.latencies, 0.5),
        percentile(&c.latencies, 0.99),
        percentile(&c.latencies, 1.0),
        c.oldest_snapshot_ms,
        if c.max_batch_ms > 0.0 {
            format!(" (longest batch {:.0} ms)", c.max_batch_ms)
        } else {
            String::new()
        }
    )
}

const INSERT_EVENT: &str =
    "INSERT INTO events (created_at, account, payload) VALUES (now(), 1, repeat('n', 100))";
const UPDATE_EVENT: &str = "UPDATE events SET account = account + 1 WHERE id = {id}";

/// The writer during a case, when there is one.
async fn maybe_writer(cfg: &ConnConfig, max_id: Option<u64>) -> Option<Writer> {
    match max_id {
        Some(m) => Some(writer(cfg, INSERT_EVENT, Some(UPDATE_EVENT), m).await),
        None => None,
    }
}

async fn latencies(w: Option<Writer>) -> Vec<f64> {
    match w {
        Some(w) => w.finish().await,
        None => Vec::new(),
    }
}

/// One plain DELETE of the old rows; with a writer on rows 1..=max_id when given.
/// Each side starts with no dirty buffers: the side that ran before it left its deleted rows'
/// pages dirty (hundreds of MB), which this side's reads would otherwise write out for it. Without
/// it, by key, towow-db took 1.6–2.0 s in the rounds where it ran after the plain DELETE and
/// 1.3–1.4 s where it ran first; with it, 1.24–1.33 s in every round.
async fn clean_buffers(admin: &Arc<Db>) {
    admin.get().await.unwrap().batch_execute("CHECKPOINT").await.unwrap();
}

async fn plain_delete(admin: &Arc<Db>, cfg: &ConnConfig, cut: &str, max_id: Option<u64>) -> Case {
    clean_buffers(admin).await;
    let db = connect(cfg).await;
    let w = maybe_writer(cfg, max_id).await;
    let (stop, s) = sampler(admin.clone(), cfg.dbname_or_default(), "plain-delete");
    let c = db.get().await.unwrap();
    c.batch_execute("SET application_name = 'plain-delete'").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t = Instant::now();
    let done = c.simple_query(&format!("DELETE FROM events WHERE created_at < '{cut}'")).await.unwrap();
    let rows = done
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::CommandComplete(n) => Some(*n),
            _ => None,
        })
        .unwrap();
    let seconds = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let latencies = latencies(w).await;
    Case {
        seconds,
        rows,
        latencies,
        oldest_snapshot_ms: s.await.unwrap(),
        max_batch_ms: 0.0,
        batches_s: 0.0,
        load: load1(),
    }
}

/// `towow-db retention` of the old rows, the whole process; with a writer when given.
async fn towow_retention(
    admin: &Arc<Db>,
    cfg: &ConnConfig,
    cut: &str,
    max_id: Option<u64>,
    batch: u64,
) -> Case {
    clean_buffers(admin).await;
    let w = maybe_writer(cfg, max_id).await;
    let (stop, s) = sampler(admin.clone(), cfg.dbname_or_default(), "towow-db");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t = Instant::now();
    let out = tokio::process::Command::new(BIN)
        .args(["--url", &cfg.url_with_password(), "retention", "--table", "events", "--column", "created_at"])
        .args([
            "--before",
            cut,
            "--batch-size",
            &batch.to_string(),
            "--no-vacuum",
            "--yes",
            "--format",
            "json",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .await
        .unwrap();
    let seconds = t.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let latencies = latencies(w).await;
    assert!(out.status.success(), "retention failed");
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    Case {
        seconds,
        rows: j["rows"].as_u64().unwrap(),
        latencies,
        oldest_snapshot_ms: s.await.unwrap(),
        max_batch_ms: j["rules"][0]["max_batch_ms"].as_f64().unwrap(),
        batches_s: j["rules"][0]["seconds"].as_f64().unwrap(),
        load: load1(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a = parse_args();
    let root = std::env::temp_dir().join(format!("towow-bench-maintenance-{}", std::process::id()));
    let cluster = LocalCluster::new(root.join("cluster"));
    let _cleanup = Cleanup::new(cluster.clone()).and_remove(root.clone());
    cluster
        .start(&InitOptions {
            unsafe_fast: true,
            extra_conf: vec![
                "max_wal_size = '8GB'".into(),
                "checkpoint_timeout = '1h'".into(),
                "autovacuum = off".into(),
                "shared_buffers = '512MB'".into(),
            ],
            ..Default::default()
        })
        .expect("start the benchmark cluster");
    let mut base = cluster.conn_config().unwrap();
    base.dbname = Some("postgres".into());
    let admin = Arc::new(connect(&base).await);
    let sql = |s: String| {
        let admin = admin.clone();
        async move { admin.get().await.unwrap().batch_execute(&s).await.unwrap() }
    };
    let version: String =
        admin.get().await.unwrap().query_typed_one("SELECT version()", &[]).await.unwrap().get(0);
    println!("# towow-db maintenance benchmark ({})", version.split(" on ").next().unwrap_or_default());

    // The template: rows every 10 s from 2025-01-01; the cut-off after two thirds of them.
    let n = a.rows;
    let old = n * 2 / 3;
    let cut = format!("2025-01-01 00:00:00+00'::timestamptz + interval '{} seconds", (old + 1) * 10);
    let cut: String = admin
        .get()
        .await
        .unwrap()
        .query_typed_one(&format!("SELECT ('{cut}')::text"), &[])
        .await
        .unwrap()
        .get(0);
    sql("CREATE DATABASE tmpl".into()).await;
    let tmpl = db_cfg(&base, "tmpl");
    let t = Instant::now();
    connect(&tmpl)
        .await
        .get()
        .await
        .unwrap()
        .batch_execute(&format!(
            "CREATE TABLE events (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, account int NOT NULL, payload text NOT NULL);
             INSERT INTO events (created_at, account, payload)
               SELECT timestamptz '2025-01-01 00:00:00+00' + g * interval '10 seconds', g % 1000, repeat(md5(g::text), 3) || 'abcd'
               FROM generate_series(1, {n}) g;
             CREATE INDEX events_created_at ON events (created_at);
             CREATE INDEX events_account ON events (account);"
        ))
        .await
        .unwrap();
    if a.by_key {
        connect(&tmpl)
            .await
            .get()
            .await
            .unwrap()
            .batch_execute("DROP INDEX events_created_at")
            .await
            .unwrap();
    }
    connect(&tmpl).await.get().await.unwrap().batch_execute("VACUUM ANALYZE events").await.unwrap();
    println!(
        "template: {n} rows ({old} before the cut-off {cut}) in {:.1} s; batch size {}",
        t.elapsed().as_secs_f64(),
        a.batch_size
    );

    let (mut plain_rps, mut ours_rps, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ours_p99, mut ours_snap) = (Vec::new(), Vec::new());
    for round in 1..=a.rounds {
        let dbs: Vec<String> =
            ["plain", "ours", "plain_w", "ours_w"].iter().map(|d| format!("{d}_{round}")).collect();
        for d in &dbs {
            sql(format!("CREATE DATABASE {d} TEMPLATE tmpl")).await;
        }
        sql("CHECKPOINT".into()).await;
        let cfgs: Vec<ConnConfig> = dbs.iter().map(|d| db_cfg(&base, d)).collect();
        // Throughput alone, alternating which goes first.
        let (plain, ours) = if round % 2 == 1 {
            let x = plain_delete(&admin, &cfgs[0], &cut, None).await;
            (x, towow_retention(&admin, &cfgs[1], &cut, None, a.batch_size).await)
        } else {
            let y = towow_retention(&admin, &cfgs[1], &cut, None, a.batch_size).await;
            (plain_delete(&admin, &cfgs[0], &cut, None).await, y)
        };
        // Then each with the writer.
        let plain_w = plain_delete(&admin, &cfgs[2], &cut, Some(n)).await;
        let ours_w = towow_retention(&admin, &cfgs[3], &cut, Some(n), a.batch_size).await;
        for c in [&plain, &ours, &plain_w, &ours_w] {
            assert_eq!(c.rows, old);
        }
        let (pr, or) = (plain.rows as f64 / plain.seconds, ours.rows as f64 / ours.seconds);
        println!(
            "round {round}:\n  {}\n  {}\n  ratio (towow-db rows/s ÷ plain rows/s) {:.3}\n  {}\n  {}",
            report("plain DELETE", &plain),
            report("towow-db retention", &ours),
            or / pr,
            report("plain DELETE", &plain_w),
            report("towow-db retention", &ours_w),
        );
        plain_rps.push(pr);
        ours_rps.push(or);
        ratios.push(or / pr);
        ours_p99.push(percentile(&ours_w.latencies, 0.99));
        ours_snap.push(ours_w.oldest_snapshot_ms - ours_w.max_batch_ms);
        for d in &dbs {
            sql(format!("DROP DATABASE {d}")).await;
        }
    }
    let target = if a.by_key { 0.6 } else { 0.75 };
    println!(
        "\nplain DELETE rows/s: {}\ntowow-db rows/s: {}\nratio (towow-db ÷ plain): {} (target ≥ {target})\nwriter's p99 with towow-db, ms: {} (target < 1000)\noldest snapshot − longest batch, ms: {} (target ≤ 0: one batch)",
        summary(&plain_rps, 0),
        summary(&ours_rps, 0),
        summary(&ratios, 3),
        summary(&ours_p99, 1),
        summary(&ours_snap, 0),
    );

    // A month of `partition_rows` rows, dropped whole.
    sql("CREATE DATABASE parts".into()).await;
    let parts = db_cfg(&base, "parts");
    let pdb = connect(&parts).await;
    let per_second = a.partition_rows as f64 / (30.0 * 86400.0);
    let step_ms = (1000.0 / per_second).floor().max(1.0) as u64;
    pdb.get()
        .await
        .unwrap()
        .batch_execute(&format!(
            "CREATE TABLE messages (id bigserial, tenant_id uuid NOT NULL, session_id varchar(255), content text, created_at timestamptz NOT NULL) PARTITION BY RANGE (created_at);
             CREATE INDEX idx_messages_tenant_session_time ON messages (tenant_id, session_id, created_at DESC);
             CREATE TABLE messages_2025_01 PARTITION OF messages FOR VALUES FROM ('2025-01-01') TO ('2025-02-01');
             CREATE TABLE messages_2025_02 PARTITION OF messages FOR VALUES FROM ('2025-02-01') TO ('2025-03-01');
             CREATE TABLE messages_now PARTITION OF messages FOR VALUES FROM ('2025-03-01') TO ('2100-01-01');
             INSERT INTO messages (tenant_id, session_id, content, created_at)
               SELECT md5((g % 100)::text)::uuid, 's' || g % 1000, repeat('m', 80), timestamptz '2025-01-01 00:00:00+00' + g * interval '{step_ms} milliseconds'
               FROM generate_series(0, {}) g;",
            a.partition_rows - 1
        ))
        .await
        .unwrap();
    pdb.get().await.unwrap().batch_execute("VACUUM ANALYZE messages").await.unwrap();
    let month: i64 = pdb
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT count(*) FROM messages_2025_01", &[])
        .await
        .unwrap()
        .get(0);
    let w = writer(
        &parts,
        "INSERT INTO messages (tenant_id, created_at) VALUES (md5('w')::uuid, now())",
        None,
        1,
    )
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let t = Instant::now();
    let out = Command::new(BIN)
        .args([
            "--url",
            &parts.url_with_password(),
            "retention",
            "--table",
            "messages",
            "--column",
            "created_at",
        ])
        .args(["--before", "2025-02-01 00:00:00+00", "--no-vacuum", "--yes", "--format", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let whole = t.elapsed().as_secs_f64();
    let lat = w.finish().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &j["rules"][0]["dropped"][0];
    println!(
        "\npartition: messages_2025_01 ({month} rows, {:.0} MiB) {}: {} ms (target < 1000 ms); whole process {:.2} s; writer p99 {:.1} ms, max {:.0} ms over {} inserts",
        d["bytes"].as_f64().unwrap() / 1048576.0,
        d["done"].as_str().unwrap(),
        d["millis"],
        whole,
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
        lat.len()
    );
}
