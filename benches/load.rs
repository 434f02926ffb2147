//! Load benchmark: towow-db's binary COPY against the server's own `COPY … FROM '<file>'`.
//!
//! ```sh
//! cargo bench --bench load                       # 1,000,000 agents, then the seed mix
//! cargo bench --bench load -- --agents 200000 --demands 50000 --rounds 1   # quicker
//! cargo bench --bench load -- --rss 10000000     # peak RSS of a 10-million-row seed
//! cargo bench --bench load -- --seed-file 100000 # a seed file of 100,000 agent rows only
//! ```
//!
//! For each case, in the same run and on the same throwaway cluster (fsync off, checkpoints
//! spaced out, so that disk noise does not decide):
//! 1. **towow-db**: a fresh database with the schema; time `towow-db mock-agents --count N` (or
//!    `seed --demands …`) as a whole process (start, connect, generate, COPY, commit), and read
//!    its peak RSS.
//! 2. **server**: dump exactly those rows with `COPY … TO '<file>' (FORMAT binary)`; a second
//!    fresh database with the same schema (and the same agents for the seed mix); time the
//!    server's own `COPY … FROM '<file>' (FORMAT binary)` of each table, in one transaction.
//!
//! Each round runs the two one after the other and prints both rates, its `ratio = towow-db rows/s
//! ÷ server rows/s` and the 1-minute load average as each side started; then each figure's median
//! and range over the rounds (`--rounds`, 3): the ratio is the median of the rounds' own ratios
//! (the target is ≥ 0.9), never a best round. Before that, the generators alone are timed (no
//! database) to show where client time goes.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db};
use towow_db::data::generators::agents::{MockSet, mock_agent};
use towow_db::data::generators::demands::{AgentPool, ScaleSpec, channels, demand, responses};
use towow_db::data::generators::{DEFAULT_AS_OF, DEFAULT_SEED, Locale, RowRng, Stream};

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, summary};

const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

struct Opts {
    agents: u64,
    demands: u64,
    responses: u32,
    channels: u32,
    rounds: usize,
    rss: Option<u64>,
    seed_file: Option<u64>,
}

fn parse_args() -> Opts {
    let mut o = Opts {
        agents: 1_000_000,
        demands: 200_000,
        responses: 5,
        channels: 1,
        rounds: 3,
        rss: None,
        seed_file: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let val = |i: usize| -> u64 {
            let s = args.get(i + 1).unwrap_or_else(|| panic!("{} needs a value", args[i]));
            towow_db::units::parse_count(s).unwrap_or_else(|e| panic!("{}: {e}", args[i]))
        };
        match args[i].as_str() {
            "--agents" => o.agents = val(i),
            "--demands" => o.demands = val(i),
            "--responses-per-demand" => o.responses = val(i) as u32,
            "--channels-per-demand" => o.channels = val(i) as u32,
            "--rounds" => o.rounds = val(i).max(1) as usize,
            "--rss" => o.rss = Some(val(i)),
            "--seed-file" => o.seed_file = Some(val(i)),
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

/// Run towow-db against `cfg`; returns (wall time, peak RSS in KiB).
#[allow(clippy::zombie_processes, reason = "the child is reaped with wait4, which also gives its rusage")]
fn run_tool(cfg: &ConnConfig, args: &[&str]) -> (Duration, u64) {
    let url = cfg.url_with_password();
    let started = Instant::now();
    let child = Command::new(BIN)
        .args(["--url", &url, "-q"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start towow-db");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child; `usage` is a valid out-pointer.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    assert_eq!(rc, pid, "wait4");
    let st = std::process::ExitStatus::from_raw(status);
    assert!(st.success(), "towow-db {args:?} failed: {st}");
    (took, usage.ru_maxrss as u64)
}

struct Bench {
    admin: Db,
    base: ConnConfig,
    n: u32,
}

impl Bench {
    async fn fresh_db(&mut self, tag: &str) -> (ConnConfig, Db) {
        self.n += 1;
        let name = format!("bench_{tag}_{}", self.n);
        let c = self.admin.get().await.unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).await.unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let mut cfg = self.base.clone();
        cfg.dbname = Some(name);
        run_tool(&cfg, &["init"]);
        let db = Db::connect(
            cfg.clone(),
            ConnectOptions { statement_timeout: Some(Duration::ZERO), ..Default::default() },
        )
        .await
        .unwrap();
        (cfg, db)
    }

    async fn drop_db(&self, cfg: &ConnConfig) {
        let c = self.admin.get().await.unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", cfg.dbname.as_deref().unwrap()))
            .await
            .unwrap();
    }

    async fn checkpoint(&self) {
        self.admin.get().await.unwrap().batch_execute("CHECKPOINT").await.unwrap();
    }
}

fn per_sec(rows: u64, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

/// Time the generators alone, single-threaded, to see where client time goes.
fn profile_generators(n: u64) {
    println!("\n## Generators alone ({n} rows each, one thread, no database)");
    let set = MockSet { seed: DEFAULT_SEED, locale: Locale::Zh, as_of: DEFAULT_AS_OF };
    let time = |label: &str, f: &mut dyn FnMut(u64)| {
        let t = Instant::now();
        for i in 0..n {
            f(i);
        }
        let d = t.elapsed();
        println!(
            "{label:<44} {:>12.0} rows/s  ({:.0} ns/row)",
            per_sec(n, d),
            d.as_nanos() as f64 / n as f64
        );
    };
    time("ChaCha8 stream + UUID", &mut |i| {
        std::hint::black_box(RowRng::new(1, Stream::Agent, i).uuid());
    });
    time("fake Chinese name", &mut |i| {
        std::hint::black_box(RowRng::new(1, Stream::Agent, i).person_name(Locale::Zh));
    });
    time("whole mock agent (texts, 3 JSON values)", &mut |i| {
        std::hint::black_box(mock_agent(&set, i));
    });
    // COPY framing: encoding a row's values the way BinaryCopyInWriter does.
    let agent = mock_agent(&set, 1);
    let mut buf = bytes::BytesMut::with_capacity(1 << 20);
    time("COPY framing of an agent (12 values)", &mut |_| {
        use towow_db::data::copy::CopyRow;
        if buf.len() > (1 << 19) {
            buf.clear();
        }
        for (v, (_, ty)) in agent.values().iter().zip(towow_db::data::generators::agents::AgentRow::COLUMNS) {
            let _ = v.to_sql_checked(ty, &mut buf);
        }
    });
    let spec = ScaleSpec {
        seed: 1,
        demands: n,
        responses_per_demand: 5,
        channels_per_demand: 1,
        locale: Locale::Zh,
        as_of: DEFAULT_AS_OF,
    };
    let mut pool: Vec<(uuid::Uuid, String)> =
        (0..100).map(|i| mock_agent(&set, i)).map(|a| (a.id, a.agent_type.to_string())).collect();
    pool.sort();
    let pool = AgentPool::new(pool);
    time("whole demand", &mut |i| {
        std::hint::black_box(demand(&spec, i));
    });
    let mut buf = Vec::new();
    time("5 responses of a demand (per demand)", &mut |i| {
        buf.clear();
        responses(&spec, &pool, i, &mut buf);
    });
    let mut cbuf = Vec::new();
    time("1 channel of a demand", &mut |i| {
        cbuf.clear();
        channels(&spec, &pool, i, &mut cbuf);
    });
}

const TABLES: [&str; 4] = ["agent_profiles", "demands", "agent_responses", "collaboration_channels"];

async fn count(db: &Db, table: &str) -> u64 {
    let n: i64 = db
        .get()
        .await
        .unwrap()
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0);
    n as u64
}

/// Compare towow-db with the server's own COPY for one case. `prepare` runs on both databases
/// before timing (e.g. loading the agents for the seed mix); `tables` are the ones timed.
async fn compare(
    bench: &mut Bench,
    label: &str,
    tool_args: &[&str],
    prepare: &[&str],
    tables: &[&str],
    rounds: usize,
) {
    println!("\n## {label}");
    let dump_dir = std::env::temp_dir().join(format!("towow-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dump_dir).unwrap();
    // Where the server writes and reads the dump: /tmp is reachable by the server's user.
    std::fs::set_permissions(&dump_dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let (mut tool_rates, mut server_rates, mut ratios, mut rss) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut rows = 0;
    for round in 0..rounds {
        // towow-db
        let (cfg, db) = bench.fresh_db("tool").await;
        if !prepare.is_empty() {
            run_tool(&cfg, prepare);
        }
        bench.checkpoint().await;
        let tool_load = load1();
        let (took, kb) = run_tool(&cfg, tool_args);
        rows = 0;
        for t in tables {
            rows += count(&db, t).await;
        }
        tool_rates.push(per_sec(rows, took));
        rss.push(kb as f64);
        // Dump exactly these rows.
        for t in tables {
            let f = dump_dir.join(format!("{t}.bin"));
            let _ = std::fs::remove_file(&f);
            db.get()
                .await
                .unwrap()
                .batch_execute(&format!("COPY {t} TO '{}' (FORMAT binary)", f.display()))
                .await
                .unwrap();
        }
        drop(db);
        bench.drop_db(&cfg).await;
        // The server's own COPY of the same rows into an identical database.
        let (scfg, sdb) = bench.fresh_db("server").await;
        if !prepare.is_empty() {
            run_tool(&scfg, prepare);
        }
        bench.checkpoint().await;
        let mut c = sdb.get().await.unwrap();
        let server_load = load1();
        let started = Instant::now();
        let tx = c.transaction().await.unwrap();
        for t in tables {
            let f = dump_dir.join(format!("{t}.bin"));
            tx.batch_execute(&format!("COPY {t} FROM '{}' (FORMAT binary)", f.display())).await.unwrap();
        }
        tx.commit().await.unwrap();
        let stook = started.elapsed();
        drop(c);
        let mut srows = 0;
        for t in tables {
            srows += count(&sdb, t).await;
        }
        assert_eq!(srows, rows, "the server loaded other rows than towow-db");
        server_rates.push(per_sec(rows, stook));
        ratios.push(tool_rates[round] / server_rates[round]);
        drop(sdb);
        bench.drop_db(&scfg).await;
        println!(
            "round {}: towow-db {:>9.0} rows/s ({:.2} s, {:.0} MiB peak RSS, load {tool_load:.2})   server COPY FROM file {:>9.0} rows/s ({:.2} s, load {server_load:.2})   ratio {:.3}",
            round + 1,
            tool_rates[round],
            took.as_secs_f64(),
            kb as f64 / 1024.0,
            server_rates[round],
            stook.as_secs_f64(),
            ratios[round]
        );
    }
    let _ = std::fs::remove_dir_all(&dump_dir);
    println!(
        "{rows} rows a round\ntowow-db rows/s: {}\nserver rows/s: {}\nratio (towow-db ÷ server): {} (target ≥ 0.9)\ntowow-db peak RSS, MiB: {}",
        summary(&tool_rates, 0),
        summary(&server_rates, 0),
        summary(&ratios, 3),
        summary(&rss.iter().map(|kb| kb / 1024.0).collect::<Vec<_>>(), 0)
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let o = parse_args();
    let dir = std::env::temp_dir().join(format!("towow-bench-cluster-{}", std::process::id()));
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
        "# towow-db load benchmark (PostgreSQL {version}, {} cores)",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut bench = Bench { admin, base, n: 0 };

    if let Some(rows) = o.seed_file {
        // `seed --file` (JSON Lines, upserted by id) against the server's COPY of the same rows.
        let file = std::env::temp_dir().join(format!("towow-bench-seed-{}.jsonl", std::process::id()));
        let mut text = String::new();
        for i in 0..rows {
            text.push_str(&format!(
                "{{\"table\": \"agent_profiles\", \"id\": \"00000001-0000-4000-8000-{i:012x}\", \"name\": \"Agent {i}\", \"agent_type\": \"devops\", \"capabilities\": {{\"skills\": [\"k8s\"]}}}}\n"
            ));
        }
        std::fs::write(&file, text).unwrap();
        let path = file.to_str().unwrap().to_string();
        compare(
            &mut bench,
            &format!("seed --file ({rows} agent rows)"),
            &["seed", "--file", &path],
            &[],
            &TABLES[..1],
            o.rounds,
        )
        .await;
        let _ = std::fs::remove_file(&file);
    } else if let Some(rows) = o.rss {
        // Peak RSS of a seed of `rows` rows in all: demands × (1 + 4 responses).
        let demands = (rows / 5).to_string();
        let (cfg, _db) = bench.fresh_db("rss").await;
        run_tool(&cfg, &["mock-agents"]);
        let load = load1();
        let (took, kb) = run_tool(
            &cfg,
            &["seed", "--demands", &demands, "--responses-per-demand", "4", "--channels-per-demand", "0"],
        );
        println!(
            "\nseed of {rows} rows (--demands {demands} --responses-per-demand 4): {:.1} s, {:.0} rows/s, peak RSS {:.1} MiB (load {load:.2})",
            took.as_secs_f64(),
            per_sec(rows, took),
            kb as f64 / 1024.0
        );
    } else {
        profile_generators(200_000);
        let count = o.agents.to_string();
        compare(
            &mut bench,
            &format!("mock-agents --count {count}"),
            &["mock-agents", "--count", &count],
            &[],
            &TABLES[..1],
            o.rounds,
        )
        .await;
        let (d, m, k) = (o.demands.to_string(), o.responses.to_string(), o.channels.to_string());
        compare(
            &mut bench,
            &format!("seed --demands {d} --responses-per-demand {m} --channels-per-demand {k} (100 mock agents loaded first on both sides)"),
            &["seed", "--demands", &d, "--responses-per-demand", &m, "--channels-per-demand", &k],
            &["mock-agents"],
            &TABLES[1..],
            o.rounds,
        )
        .await;
    }
    drop(bench);
}
