//! Backup benchmark: `towow-db backup create` + `backup verify` (the restore drill) against plain
//! `pg_dump -Fd -j N` + `pg_restore -j N` of the same database, in the same run.
//!
//! ```sh
//! cargo bench --bench backup                          # 1M demands (seed's default mix), 5 rounds
//! cargo bench --bench backup -- --demands 100000 --rounds 3   # quicker
//! ```
//!
//! On a throwaway cluster (fsync off, checkpoints spaced out), one ToWow database is filled with
//! `towow-db seed --demands N` (N demands, 3 responses and 1 channel each, plus the 100 mock
//! agents). Each round then times, alternating:
//! 1. **towow-db**: `backup create --jobs N` (pg_dump in the snapshot that also counts the rows,
//!    sha256 of every file, the manifest, the rename) + `backup verify --latest --into <this
//!    server>` (checksums again, a scratch database, pg_restore, exact row counts, migrate verify,
//!    the manifest updated, the scratch database dropped), each as a whole process;
//! 2. **plain**: `pg_dump -Fd -j N` into a new folder, then `pg_restore -j N` into a database
//!    created beforehand (not timed), with the same pg_dump/pg_restore binaries.
//!
//! `ratio = plain time ÷ towow-db time` (the target is ≥ 0.95: the orchestration costs nothing
//! that matters), per round with the load average as each side ended, then the median of the
//! rounds' ratios and their range.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::admin::pgbin;
use towow_db::connect::{ConnConfig, ConnectOptions, Db};

const BIN: &str = env!("CARGO_BIN_EXE_towow-db");

fn parse_args() -> (u64, usize) {
    let (mut demands, mut rounds) = (1_000_000u64, 5usize);
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).unwrap_or_else(|| panic!("{} needs a value", args[i]));
        let n = towow_db::units::parse_count(v).unwrap_or_else(|e| panic!("{}: {e}", args[i]));
        match args[i].as_str() {
            "--demands" => demands = n,
            "--rounds" => rounds = n.max(1) as usize,
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    (demands, rounds)
}

fn timed(mut c: Command, what: &str) -> Duration {
    let t = Instant::now();
    let st = c.stdin(Stdio::null()).stdout(Stdio::null()).status().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(st.success(), "{what} failed: {st}");
    t.elapsed()
}

fn tool(cfg: &ConnConfig, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(["--url", &cfg.url_with_password(), "-q"]).args(args);
    c
}

/// A libpq client of `bindir` connected to `cfg` (password through the environment: a benchmark).
fn libpq(bindir: &Path, prog: &str, cfg: &ConnConfig) -> Command {
    let mut c = Command::new(bindir.join(prog));
    c.env("PGHOST", cfg.host())
        .env("PGPORT", cfg.port().to_string())
        .env("PGUSER", cfg.user_or_default())
        .env("PGPASSWORD", cfg.password.clone().unwrap_or_default())
        .env("PGSSLMODE", "disable");
    c
}

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, summary};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (demands, rounds) = parse_args();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let root = std::env::temp_dir().join(format!("towow-bench-backup-{}", std::process::id()));
    let cluster = LocalCluster::new(root.join("cluster"));
    let _cleanup = Cleanup::new(cluster.clone()).and_remove(root.clone());
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
    let sql = |s: String| {
        let admin = &admin;
        async move { admin.get().await.unwrap().batch_execute(&s).await.unwrap() }
    };
    let version: i32 = admin
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT current_setting('server_version_num')::int4", &[])
        .await
        .unwrap()
        .get(0);
    let bindir = pgbin::find(&pgbin::DUMP_PROGRAMS, Some(version as u32 / 10000), "install pg_dump").unwrap();
    println!(
        "# towow-db backup benchmark (PostgreSQL {version}, pg_dump {}, {jobs} cores, --jobs {jobs})",
        bindir.major
    );

    let mut src = base.clone();
    src.dbname = Some("bench".into());
    let t = timed(tool(&src, &["init"]), "init");
    let d = demands.to_string();
    let seed = timed(tool(&src, &["seed", "--demands", &d]), "seed");
    sql("VACUUM ANALYZE".into()).await;
    let size: i64 = admin
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT pg_database_size('bench')", &[])
        .await
        .unwrap()
        .get(0);
    println!(
        "database: seed --demands {demands} in {:.1} s (+ init {:.1} s), {:.0} MiB",
        seed.as_secs_f64(),
        t.as_secs_f64(),
        size as f64 / 1048576.0
    );

    let (mut ours, mut plain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let j = jobs.to_string();
    for round in 1..=rounds {
        // towow-db: create + verify (the drill), as whole processes.
        let dir = root.join(format!("backups-{round}"));
        let d = dir.to_string_lossy().to_string();
        let create = timed(tool(&src, &["backup", "create", "--jobs", &j, "--dir", &d]), "backup create");
        let verify = timed(
            tool(
                &src,
                &[
                    "backup",
                    "verify",
                    "--latest",
                    "--jobs",
                    &j,
                    "--dir",
                    &d,
                    "--into",
                    &base.url_with_password(),
                ],
            ),
            "backup verify",
        );
        std::fs::remove_dir_all(&dir).unwrap();
        let ours_load = load1();
        // Plain pg_dump + pg_restore, same binaries, same jobs.
        let out = root.join(format!("plain-{round}"));
        let mut c = libpq(&bindir.dir, "pg_dump", &src);
        c.args(["--format=directory", "--jobs", &j, "--file"]).arg(&out).arg("bench");
        let dump = timed(c, "pg_dump");
        sql(format!("CREATE DATABASE plain_{round} TEMPLATE template0")).await;
        let mut c = libpq(&bindir.dir, "pg_restore", &src);
        c.args([
            "--jobs",
            &j,
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--dbname",
            &format!("plain_{round}"),
        ])
        .arg(&out);
        let restore = timed(c, "pg_restore");
        sql(format!("DROP DATABASE plain_{round}")).await;
        std::fs::remove_dir_all(&out).unwrap();
        let (o, p) = ((create + verify).as_secs_f64(), (dump + restore).as_secs_f64());
        println!(
            "round {round}: towow-db create {:.1} s + verify {:.1} s = {o:.1} s (load {ours_load:.2}) | pg_dump {:.1} s + pg_restore {:.1} s = {p:.1} s (load {:.2}) | ratio {:.3}",
            create.as_secs_f64(),
            verify.as_secs_f64(),
            dump.as_secs_f64(),
            restore.as_secs_f64(),
            load1(),
            p / o
        );
        ours.push(o);
        plain.push(p);
        ratios.push(p / o);
    }
    println!(
        "\ntowow-db create + verify, s: {}\nplain pg_dump + pg_restore, s: {}\nratio (plain ÷ towow-db): {} (target ≥ 0.95)",
        summary(&ours, 1),
        summary(&plain, 1),
        summary(&ratios, 3)
    );
}
