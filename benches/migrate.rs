//! Migration benchmarks, on a throwaway cluster:
//!
//! 1. **verify**: `towow-db migrate verify` on the ToWow schema as a whole process, its shadow
//!    database included (the target is under 1 s), against what any shadow costs at the least
//!    (`CREATE DATABASE … TEMPLATE template0` + `DROP DATABASE`, in-process) and against `migrate
//!    status` (process start, connection, history, no shadow), in the same run.
//! 2. **The history check** (`--only check`): what checking the ToWow tables against the
//!    history's fingerprint adds to `towow-db init` on an up-to-date database (the everyday run):
//!    the queries `init` runs on an up-to-date database, on a new session each time (as a new
//!    process has), with the check and without it, alternating; the check alone on a warm
//!    session against a `SELECT 1` round trip; and the whole `init` process, in the same run
//!    (target: under 10 ms added).
//! 3. **V3's lock**: a database at V2 with `--responses` rows in `agent_responses` (1,000,000 by
//!    default) while another session inserts responses one by one, as fast as it can. The figure
//!    is the longest any of those inserts waited while `towow-db migrate` applied V3, against the
//!    same columns made NOT NULL the plain way (`ALTER TABLE … SET NOT NULL` in one transaction:
//!    a full scan under ACCESS EXCLUSIVE), alternating, `--rounds` rounds.
//!
//! Every run (1, 2: `--verify-runs`, 15) or round (3: `--rounds`, 3) prints its figures with its
//! ratio (verify ÷ status; with ÷ without the check; plain ÷ V3 wait) and the 1-minute load
//! average as each side started; then each figure's median and range over the runs or rounds
//! (never a best one).
//!
//! ```sh
//! cargo bench --bench migrate                              # all three parts
//! cargo bench --bench migrate -- --only verify             # one part: verify | check | v3
//! cargo bench --bench migrate -- --responses 200000 --rounds 1 --verify-runs 5
//! ```

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio_postgres::types::Type;
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db};

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, median, range, summary};

const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

struct Opts {
    responses: u64,
    rounds: usize,
    verify_runs: usize,
    only: Option<String>,
}

fn parse_args() -> Opts {
    let mut o = Opts { responses: 1_000_000, rounds: 3, verify_runs: 15, only: None };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let val = |i: usize| -> String {
            args.get(i + 1).unwrap_or_else(|| panic!("{} needs a value", args[i])).clone()
        };
        let count =
            |i: usize| towow_db::units::parse_count(&val(i)).unwrap_or_else(|e| panic!("{}: {e}", args[i]));
        match args[i].as_str() {
            "--responses" => o.responses = count(i),
            "--rounds" => o.rounds = count(i).max(1) as usize,
            "--verify-runs" => o.verify_runs = count(i).max(1) as usize,
            "--only" => o.only = Some(val(i)),
            "--bench" => {
                i += 1;
                continue;
            }
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    o
}

/// Run towow-db against `cfg` and return its wall time; panics when it fails.
fn run_tool(cfg: &ConnConfig, args: &[&str]) -> Duration {
    let started = Instant::now();
    let o = Command::new(BIN)
        .args(["--url", &cfg.url_with_password(), "-q"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("run towow-db");
    assert!(o.success(), "towow-db {args:?} failed");
    started.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn fresh_db(admin: &Db, base: &ConnConfig, name: &str) -> (ConnConfig, Db) {
    let c = admin.get().await.unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let mut cfg = base.clone();
    cfg.dbname = Some(name.into());
    let db = Db::connect(
        cfg.clone(),
        ConnectOptions { statement_timeout: Some(Duration::ZERO), ..Default::default() },
    )
    .await
    .unwrap();
    (cfg, db)
}

async fn bench_verify(admin: &Db, base: &ConnConfig, runs: usize) {
    println!("\n## migrate verify on the ToWow schema, shadow database included ({runs} runs each)");
    let (cfg, _db) = fresh_db(admin, base, "bench_verify").await;
    run_tool(&cfg, &["init"]);
    let (mut verify, mut status, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ratios, mut rest) = (Vec::new(), Vec::new());
    let c = admin.get().await.unwrap();
    for run in 1..=runs {
        let load_verify = load1();
        let v = ms(run_tool(&cfg, &["migrate", "verify"]));
        let load_status = load1();
        let s = ms(run_tool(&cfg, &["migrate", "status"]));
        let t = Instant::now();
        c.batch_execute("CREATE DATABASE bench_floor TEMPLATE template0").await.unwrap();
        c.batch_execute("DROP DATABASE bench_floor WITH (FORCE)").await.unwrap();
        let f = ms(t.elapsed());
        println!(
            "run {run}: verify {v:.0} ms (load {load_verify:.2}) | status {s:.0} ms (load {load_status:.2}) | floor {f:.0} ms | verify / status {:.2}",
            v / s
        );
        verify.push(v);
        status.push(s);
        floor.push(f);
        ratios.push(v / s);
        rest.push(v - s - f);
    }
    let v = median(&verify);
    println!("| measure | median ms | range ms |\n|---|---|---|");
    println!("| `towow-db migrate verify` (process) | {v:.0} | {} |", range(&verify, 0));
    println!(
        "| `towow-db migrate status` (process, no shadow) | {:.0} | {} |",
        median(&status),
        range(&status, 0)
    );
    println!(
        "| CREATE + DROP DATABASE (in-process, the floor of any shadow) | {:.0} | {} |",
        median(&floor),
        range(&floor, 0)
    );
    println!(
        "verify / status: {}\nverify − status − floor, ms (applying the migrations, reading both catalogs): {}\ntarget < 1000 ms: {}",
        summary(&ratios, 2),
        summary(&rest, 0),
        if v < 1000.0 { "met" } else { "NOT met" }
    );
}

async fn bench_check(admin: &Db, base: &ConnConfig, runs: usize) {
    println!("\n## the history check on `init` of an up-to-date database ({runs} runs each)");
    let (cfg, db) = fresh_db(admin, base, "bench_check").await;
    run_tool(&cfg, &["init", "--mock-agents"]);
    let c = db.get().await.unwrap();
    // What `init` does on an up-to-date database after connecting, on a new session each time
    // (its catalog caches empty, as in a new process): with the check (the other tools' tables
    // looked for, the history's fingerprint compared with the catalog) and without, alternating.
    let init_like = |check: bool| {
        let cfg = cfg.clone();
        async move {
            let fresh = Db::connect(cfg, ConnectOptions::default()).await.unwrap();
            let fc = fresh.get().await.unwrap();
            let t = Instant::now();
            let applied = towow_db::migrate::applied(&fc).await.unwrap().unwrap();
            towow_db::migrate::existing_towow_tables(&fc).await.unwrap();
            if check {
                towow_db::migrate::managed_by(&**fc, &applied).await.unwrap();
                let r = towow_db::migrate::fingerprint::check(&**fc).await.unwrap();
                assert!(matches!(r, towow_db::migrate::SchemaCheck::Matches { .. }), "{r:?}");
            }
            towow_db::migrate::table_counts(&fc).await.unwrap();
            ms(t.elapsed())
        }
    };
    let (mut warm, mut with, mut without, mut floor, mut init) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut added, mut share, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for run in 1..=runs {
        let t = Instant::now();
        towow_db::migrate::fingerprint::check(&**c).await.unwrap();
        warm.push(ms(t.elapsed()));
        let load_with = load1();
        let w = init_like(true).await;
        let load_without = load1();
        let wo = init_like(false).await;
        let t = Instant::now();
        c.query_typed_one("SELECT 1", &[]).await.unwrap();
        floor.push(ms(t.elapsed()));
        let i = ms(run_tool(&cfg, &["init"]));
        println!(
            "run {run}: with the check {w:.2} ms (load {load_with:.2}) | without {wo:.2} ms (load {load_without:.2}) | added {:.2} ms, with / without {:.2} | init {i:.0} ms",
            w - wo,
            w / wo
        );
        with.push(w);
        without.push(wo);
        init.push(i);
        added.push(w - wo);
        share.push(100.0 * (w - wo) / i);
        ratios.push(w / wo);
    }
    let row = |what: &str, v: &[f64], digits: usize| {
        println!("| {what} | {:.digits$} | {} |", median(v), range(v, digits));
    };
    println!("| measure | median ms | range ms |\n|---|---|---|");
    row("the check alone, warm session (history row + catalog query)", &warm, 2);
    row("init's queries on a new session, with the check", &with, 2);
    row("init's queries on a new session, without it", &without, 2);
    row("`SELECT 1` round trip (warm)", &floor, 2);
    row("`towow-db init` on an up-to-date database (process)", &init, 0);
    println!(
        "added by the check (with − without), ms: {}\nthe same, % of init: {}\nwith / without: {}\ntarget < 10 ms added: {}",
        summary(&added, 2),
        summary(&share, 1),
        summary(&ratios, 2),
        if median(&added) < 10.0 { "met" } else { "NOT met" }
    );
}

/// Inserts one response at a time until stopped; returns each insert's (start, latency).
fn writer(cfg: ConnConfig, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<(Instant, Duration)>> {
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let db = Db::connect(cfg, ConnectOptions { lock_timeout: None, ..Default::default() }).await.unwrap();
            let c = db.get().await.unwrap();
            let r = c
                .query_typed_one("SELECT demand_id, agent_id FROM agent_responses LIMIT 1", &[])
                .await
                .unwrap();
            let (demand, agent): (uuid::Uuid, uuid::Uuid) = (r.get(0), r.get(1));
            let mut out = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                c.execute_typed(
                    "INSERT INTO agent_responses (demand_id, agent_id, message) VALUES ($1, $2, 'benchmark writer')",
                    &[(&demand, Type::UUID), (&agent, Type::UUID)],
                )
                .await
                .unwrap();
                out.push((t, t.elapsed()));
            }
            out
        })
    })
}

/// Run `work` while the writer inserts; returns (work time, longest insert wait, inserts during).
async fn under_writes(
    cfg: &ConnConfig,
    work: impl std::future::Future<Output = Duration>,
) -> (Duration, Duration, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(cfg.clone(), stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let took = work.await;
    let ended = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let writes = w.join().unwrap();
    let during: Vec<&(Instant, Duration)> =
        writes.iter().filter(|(t, d)| *t + *d >= started && *t <= ended).collect();
    let longest = during.iter().map(|(_, d)| *d).max().unwrap_or_default();
    (took, longest, during.len())
}

/// The 17 columns made NOT NULL the plain way, as a migration file without V3's care would (one
/// transaction; children first, the order the writer's foreign key checks lock in, or the two
/// deadlock).
const PLAIN: &str = "BEGIN;
ALTER TABLE agent_responses ALTER COLUMN demand_id SET NOT NULL, ALTER COLUMN agent_id SET NOT NULL,
    ALTER COLUMN status SET NOT NULL, ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE collaboration_channels ALTER COLUMN demand_id SET NOT NULL, ALTER COLUMN status SET NOT NULL,
    ALTER COLUMN message_count SET NOT NULL, ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE demands ALTER COLUMN status SET NOT NULL, ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
ALTER TABLE agent_profiles ALTER COLUMN is_active SET NOT NULL, ALTER COLUMN total_collaborations SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN updated_at SET NOT NULL;
COMMIT;";

async fn bench_v3(admin: &Db, base: &ConnConfig, responses: u64, rounds: usize) {
    println!("\n## V3 on {responses} agent_responses while another session inserts responses one by one");
    let (cfg, db) = fresh_db(admin, base, "bench_v3").await;
    run_tool(&cfg, &["migrate", "--target", "2"]);
    let demands = (responses / 5).max(1).to_string();
    let load = run_tool(
        &cfg,
        &["seed", "--demands", &demands, "--responses-per-demand", "5", "--channels-per-demand", "0"],
    );
    let n: i64 = db
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT count(*) FROM agent_responses", &[])
        .await
        .unwrap()
        .get(0);
    println!("loaded {n} responses and {demands} demands in {:.0} s", load.as_secs_f64());
    db.get().await.unwrap().batch_execute("VACUUM ANALYZE").await.unwrap();
    let v3_down =
        towow_db::migrate::shipped().unwrap().into_iter().find(|m| m.version == 3).unwrap().down.unwrap();
    let (mut v3, mut plain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    println!(
        "| round | way | run ms | longest insert wait ms | inserts meanwhile | load | plain / V3 wait |\n|---|---|---|---|---|---|---|"
    );
    for round in 1..=rounds {
        let tool = cfg.clone();
        let load = load1();
        let (took, wait, k) = under_writes(&cfg, async move {
            tokio::task::spawn_blocking(move || run_tool(&tool, &["migrate", "--target", "3"])).await.unwrap()
        })
        .await;
        let a = ms(wait);
        println!("| {round} | towow-db migrate (V3) | {:.0} | {a:.1} | {k} | {load:.2} | |", ms(took));
        run_tool(&cfg, &["migrate", "down", "--target", "2", "--yes"]);
        let c = db.get().await.unwrap();
        let load = load1();
        let (took, wait, k) = under_writes(&cfg, async {
            let t = Instant::now();
            c.batch_execute(PLAIN).await.unwrap();
            t.elapsed()
        })
        .await;
        let b = ms(wait);
        let ratio = b / a.max(0.001);
        println!(
            "| {round} | plain SET NOT NULL | {:.0} | {b:.1} | {k} | {load:.2} | {ratio:.0} |",
            ms(took)
        );
        v3.push(a);
        plain.push(b);
        ratios.push(ratio);
        c.batch_execute(v3_down).await.unwrap();
    }
    println!(
        "longest insert wait with V3, ms: {}\nlongest insert wait with plain SET NOT NULL, ms: {}\nratio (plain ÷ V3): {}",
        summary(&v3, 1),
        summary(&plain, 1),
        summary(&ratios, 1)
    );
    let t = run_tool(&cfg, &["migrate", "--target", "3"]);
    println!(
        "(V3 applied again: {:.0} ms; `migrate verify` on this {n}-row database: {:.0} ms)",
        ms(t),
        ms(run_tool(&cfg, &["migrate", "verify"]))
    );
}

#[tokio::main]
async fn main() {
    let o = parse_args();
    let dir = std::env::temp_dir().join(format!("towow-bench-migrate-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    let _cleanup = Cleanup::new(cluster.clone());
    cluster
        .start(&InitOptions {
            unsafe_fast: true,
            extra_conf: vec!["max_wal_size = '8GB'".into(), "checkpoint_timeout = '1h'".into()],
            ..Default::default()
        })
        .expect("start the benchmark cluster");
    let mut base = cluster.conn_config().unwrap();
    base.dbname = Some("postgres".into());
    let admin = Db::connect(base.clone(), ConnectOptions::default()).await.unwrap();
    let version: String =
        admin.get().await.unwrap().query_one("SHOW server_version", &[]).await.unwrap().get(0);
    println!(
        "# towow-db migration benchmark (PostgreSQL {version}, {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let only = o.only.as_deref();
    if only.is_none_or(|w| w == "verify") {
        bench_verify(&admin, &base, o.verify_runs).await;
    }
    if only.is_none_or(|w| w == "check") {
        bench_check(&admin, &base, o.verify_runs).await;
    }
    if only.is_none_or(|w| w == "v3") {
        bench_v3(&admin, &base, o.responses, o.rounds).await;
    }
    drop(admin);
}
