//! Benchmark (not a test): one report over five databases where one is slow. The targets are
//! read concurrently, so the whole run should take about as long as the slowest target alone,
//! not the sum of all five (the goal: fleet / slowest ≤ 1.3).
//!
//! ```sh
//! cargo bench --bench fleet                        # health --check, 80 ms of added latency
//! BENCH_LATENCY_MS=200 BENCH_REPORT=vacuum-report cargo bench --bench fleet
//! BENCH_RUNS=2 cargo bench --bench fleet               # quicker
//! ```
//!
//! It starts a throwaway cluster (towow-db's `local` module, fsync off) with five databases; the
//! slow one is reached through a TCP relay in this process that holds every chunk of bytes for
//! `BENCH_LATENCY_MS` in each direction (a server far away: each round trip costs twice that).
//! Every time is the whole binary (`--format json`: start, connections, queries, JSON), in
//! milliseconds. Each round (`BENCH_RUNS`, 5) runs one fast target alone, the slow one alone, the
//! five one after another, the five in one command and five slow ones in one command, and prints
//! them with its ratios and the 1-minute load average as the slow one alone and the fleet
//! started; then each figure's median and range over the rounds (never a best round).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db};

const BIN: &str = env!("CARGO_BIN_EXE_towow-db");
const TARGETS: usize = 5;

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, summary};

/// Copy `from` to `to`, each chunk delivered `delay` after it was read (in order).
fn delayed_copy(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        for (at, chunk) in rx {
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            if to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if tx.send((Instant::now() + delay, buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        }
    }
}

/// A relay on 127.0.0.1 in front of `port`, adding `delay` each way; returns its port.
fn slow_relay(port: u16, delay: Duration) -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0")?;
    let relay_port = l.local_addr()?.port();
    std::thread::spawn(move || {
        for client in l.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else { continue };
            let (c2, s2) = match (client.try_clone(), server.try_clone()) {
                (Ok(c), Ok(s)) => (c, s),
                _ => continue,
            };
            std::thread::spawn(move || delayed_copy(client, server, delay));
            std::thread::spawn(move || delayed_copy(s2, c2, delay));
        }
    });
    Ok(relay_port)
}

/// One run of the binary with `args`, ms; it must succeed (or, under `--check`, exit with a
/// monitoring status).
fn time(args: &[String]) -> Result<f64> {
    let t = Instant::now();
    let o = Command::new(BIN).args(args).output()?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if !matches!(o.status.code(), Some(0..=2)) {
        bail!("towow-db {}: {}", args.join(" "), String::from_utf8_lossy(&o.stderr));
    }
    Ok(ms)
}

fn main() -> Result<()> {
    let latency = Duration::from_millis(
        std::env::var("BENCH_LATENCY_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(80),
    );
    let report = std::env::var("BENCH_REPORT").unwrap_or_else(|_| "health".into());
    let rounds: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5).max(1);
    let dir = PathBuf::from(format!("/tmp/towow-bench-fleet-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    let _cleanup = Cleanup::new(cluster.clone());
    cluster.start(&InitOptions { unsafe_fast: true, ..InitOptions::default() })?;
    let mut base = cluster.conn_config()?;
    base.dbname = Some("postgres".into());
    let targets: Vec<ConnConfig> =
        tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
            let admin = Db::connect(base.clone(), ConnectOptions::default()).await?;
            let mut out = Vec::new();
            for i in 0..TARGETS {
                let name = format!("fleet{i}");
                admin.get().await?.batch_execute(&format!("CREATE DATABASE {name}")).await?;
                let mut cfg = base.clone();
                cfg.dbname = Some(name);
                out.push(cfg);
            }
            anyhow::Ok(out)
        })?;
    let mut slow = targets[TARGETS - 1].clone();
    slow.ports = vec![slow_relay(slow.port(), latency).context("start the relay")?];
    let mut all: Vec<ConnConfig> = targets[..TARGETS - 1].to_vec();
    all.push(slow.clone());

    let args = |cfgs: &[ConnConfig]| -> Vec<String> {
        let mut a: Vec<String> =
            cfgs.iter().flat_map(|c| ["--url".to_string(), c.url_with_password()]).collect();
        a.extend([report.clone(), "--check".into(), "--format".into(), "json".into()]);
        a
    };
    // And when every one is far away: concurrency, not only the slowest hiding the others.
    let mut all_slow = Vec::new();
    for c in &targets {
        let mut s = c.clone();
        s.ports = vec![slow_relay(c.port(), latency)?];
        all_slow.push(s);
    }
    let version = cluster.state()?.version;
    println!(
        "fleet: `{report} --check` over {TARGETS} databases ({version}), one behind a relay adding {} ms each way; {rounds} rounds, whole process, ms",
        latency.as_millis()
    );
    let (mut fast_alone, mut slow_alone, mut one_by_one, mut fleet, mut all_slow_fleet) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut vs_slowest, mut vs_sum, mut slow_vs_slow) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let fast = time(&args(&all[..1]))?;
        let slow_load = load1();
        let slow1 = time(&args(std::slice::from_ref(&slow)))?;
        let mut sum = 0.0;
        for c in &all {
            sum += time(&args(std::slice::from_ref(c)))?;
        }
        let fleet_load = load1();
        let f = time(&args(&all))?;
        let five_slow = time(&args(&all_slow))?;
        println!(
            "round {round}: one fast {fast:.0} | the slow one alone {slow1:.0} (load {slow_load:.2}) | the five one by one {sum:.0} | the five in one command {f:.0} (load {fleet_load:.2}) | five slow ones {five_slow:.0} | fleet / slowest {:.2}, fleet / sum {:.2}, five slow / one slow {:.2}",
            f / slow1,
            f / sum,
            five_slow / slow1
        );
        fast_alone.push(fast);
        slow_alone.push(slow1);
        one_by_one.push(sum);
        fleet.push(f);
        all_slow_fleet.push(five_slow);
        vs_slowest.push(f / slow1);
        vs_sum.push(f / sum);
        slow_vs_slow.push(five_slow / slow1);
    }
    println!("  one fast database alone, ms:        {}", summary(&fast_alone, 0));
    println!("  the slow database alone, ms:        {}", summary(&slow_alone, 0));
    println!("  the five, one command each, ms:     {} (sum)", summary(&one_by_one, 0));
    println!("  the five in one command, ms:        {}", summary(&fleet, 0));
    println!("  five slow ones in one command, ms:  {}", summary(&all_slow_fleet, 0));
    println!("  ratio fleet / slowest alone: {} (goal <= 1.3)", summary(&vs_slowest, 2));
    println!("  ratio fleet / sum: {}", summary(&vs_sum, 2));
    println!("  ratio five slow / one slow: {}", summary(&slow_vs_slow, 2));
    Ok(())
}
