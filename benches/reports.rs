//! Benchmark (not a test): every report, end to end through the binary (`--format json`:
//! process start, connection, queries, JSON), next to its server floor measured in the same run:
//! the cheapest query that reads the same catalog data, run through psql (a process, a
//! connection, a fresh backend, as every towow-db run gets). The catalog is shaped like real ones and grows through
//! the sizes asked for, so that the growth of each report shows:
//!
//! - 10 schemas; tables with a `serial` or identity primary key (a sequence each), a secondary
//!   index on `owner_id`, a TOAST table (`body text`); a third with a partial index, a fifth with
//!   an expression index, a quarter with a composite index (which makes `owner_id`'s a prefix
//!   duplicate), a tenth with an `ON DELETE CASCADE` foreign key; one in fifty a partitioned table
//!   (4 partitions, a partitioned index);
//! - 200 tables with 1,000 rows (some TOASTed), 30% of them deleted, analyzed;
//! - 5,000 distinct top-level statements in `pg_stat_statements`.
//!
//! `snapshot` (issue 22) is among them: what it reads against the same views through psql, its
//! writing into the store (schema `towow_history` of the bench database) included.
//!
//! ```sh
//! cargo bench --bench reports                                  # 1k, 10k and 50k tables (~25 min)
//! BENCH_TABLES=1000,10000 cargo bench --bench reports          # quicker
//! BENCH_BASELINE_BIN=/path/to/older/towow-db cargo bench --bench reports   # before / after
//! BENCH_TABLES=10000 BENCH_ONLY="indexes,sizes" cargo bench --bench reports   # some reports
//! ```
//!
//! The baseline binary runs up to `BENCH_BASELINE_MAX_TABLES` (10,000) tables: an older
//! `indexes` compared every index with every other one and takes minutes beyond.
//!
//! Each figure is the median of `BENCH_RUNS` (5) rounds; a round runs the floor, the report (and
//! the baseline binary) one after the other, so that load on a shared machine hits them alike.
//! The ratio is the median of the rounds' own ratios, printed with their range and, per round,
//! the 1-minute load average as the floor and as the report started.
//! It starts its own throwaway cluster (towow-db's `local` module, fsync off) under /tmp and
//! deletes it at the end.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::{ConnConfig, ConnectOptions, Db};

#[path = "common/cluster.rs"]
mod cluster;
#[path = "common/spread.rs"]
mod spread;
use cluster::Cleanup;
use spread::{load1, median, range};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// User + system CPU seconds of the children waited for so far.
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let s = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    s(u.ru_utime) + s(u.ru_stime)
}

/// One run of a process: wall ms and its CPU ms.
fn timed(c: &mut Command) -> Result<(f64, f64)> {
    let cpu = children_cpu();
    let t = Instant::now();
    let o = c.output()?;
    let wall = t.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(o.status.success(), "{c:?}: {}", String::from_utf8_lossy(&o.stderr));
    Ok((wall, (children_cpu() - cpu) * 1000.0))
}

/// One run of towow-db `bin` with `args` (the URL, password included, in its environment, never
/// on a command line).
fn run_bin(bin: &str, url: &str, args: &[&str]) -> Result<(f64, f64)> {
    timed(Command::new(bin).env("DATABASE_URL", url).args(["--format", "json"]).args(args))
}

/// One run of a floor query through psql, as the issue measured them (a process, a connection,
/// a fresh backend, the rows printed), with JIT off as the reports run: wall ms.
fn run_floor(psql: &std::path::Path, cfg: &ConnConfig, sql: &str) -> Result<f64> {
    let mut c = Command::new(psql);
    c.args([
        "-X",
        "-A",
        "-t",
        "-q",
        "-o",
        "/dev/null",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        "SET jit = off",
        "-c",
        sql,
    ])
    .env("PGHOST", cfg.host())
    .env("PGPORT", cfg.port().to_string())
    .env("PGUSER", cfg.user_or_default())
    .env("PGPASSWORD", cfg.password.clone().unwrap_or_default())
    .env("PGDATABASE", cfg.dbname.clone().unwrap_or_default());
    Ok(timed(&mut c)?.0)
}

fn main() -> Result<()> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?.block_on(run())
}

/// The tables in user schemas, as the reports select them.
const USER: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'";

/// (report arguments, what its floor reads, the floor query).
fn cases() -> Vec<(&'static [&'static str], &'static str, String)> {
    let tables = format!(
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'p') AND {USER}"
    );
    // The constraints, and the files of the indexes never scanned, are what `indexes` needs to
    // tell an unused index: one that backs no constraint, sized from its file (its `relpages`
    // lags after a load without VACUUM or ANALYZE).
    let indexes = format!(
        "SELECT i.*, {{x}}, pg_get_indexdef(i.indexrelid), pg_stat_get_numscans(i.indexrelid), \
         pg_stat_get_tuples_returned(i.indexrelid), pg_stat_get_tuples_fetched(i.indexrelid), k.conindid \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN (SELECT DISTINCT conindid FROM pg_constraint) k ON k.conindid = c.oid WHERE {USER}"
    );
    let stat_tables = "SELECT s.*, c.reltuples, c.relpages, c.relfrozenxid, c.relminmxid, c.reloptions{x} \
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid";
    vec![
        (&["vacuum-report"], "pg_stat_user_tables ⋈ pg_class", stat_tables.replace("{x}", "")),
        (
            &["vacuum-report", "--exact"],
            "… + pg_table_size",
            stat_tables.replace("{x}", ", pg_table_size(c.oid)"),
        ),
        (
            &["vacuum-report", "--bloat"],
            "… + pg_stats widths, columns, heap and TOAST sizes",
            // The estimate needs each table's columns (the null bitmap, the TOASTable ones).
            stat_tables.replace(
                "{x}",
                ", pg_relation_size(c.oid), pg_relation_size(nullif(c.reltoastrelid, 0)), w.w, a.n",
            ) + " LEFT JOIN (SELECT schemaname, tablename, sum(avg_width) AS w FROM pg_stats GROUP BY 1, 2) w \
                  ON w.schemaname = s.schemaname AND w.tablename = s.relname \
                  LEFT JOIN (SELECT attrelid, count(*) AS n FROM pg_attribute WHERE attnum > 0 GROUP BY 1) a \
                  ON a.attrelid = c.oid",
        ),
        (
            &["slow-query"],
            "pg_stat_statements top 10 + totals",
            // The totals are what the report's "% of total" and "10 of N statements" are made of.
            "SELECT queryid, calls, total_exec_time, query, count(*) OVER (), sum(total_exec_time) OVER () \
             FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 10"
                .into(),
        ),
        (
            &["health"],
            "sequences + their columns' types + invalid indexes + db size",
            // A sequence's effective maximum is its owning column's type's (a serial is int4).
            // One pass over the sequences, the owning column's type looked up per sequence
            // through pg_depend's index (the pg_sequences view beside a join of every column
            // dependency of every table took 490 ms at 10,000 tables, more than health itself).
            "SELECT (SELECT count(CASE WHEN has_sequence_privilege(s.seqrelid, 'SELECT,USAGE') \
              THEN pg_sequence_last_value(s.seqrelid) END) + count(o.typ) \
              FROM pg_sequence s LEFT JOIN LATERAL (SELECT a.atttypid AS typ \
              FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid \
              WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.objsubid = 0 \
              AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') \
              LIMIT 1) o ON true), \
             (SELECT count(*) FROM pg_index WHERE NOT indisvalid), pg_database_size(current_database())"
                .into(),
        ),
        (&["activity"], "pg_stat_activity", "SELECT * FROM pg_stat_activity".into()),
        (
            &["sizes"],
            "pg_total_relation_size of each + db size",
            // A row per table, as the report needs (a sum would let parallel workers compute the
            // sizes; for rows PostgreSQL computes them in the leader).
            format!(
                "SELECT pg_database_size(current_database()) UNION ALL SELECT pg_total_relation_size(c.oid) {tables}"
            ),
        ),
        (
            &["indexes"],
            "pg_index, pg_get_indexdef, scan counts, constraints, never-scanned files",
            indexes.replace(
                "{x}",
                "CASE WHEN pg_stat_get_numscans(i.indexrelid) = 0 AND NOT i.indisunique \
                 THEN pg_relation_size(c.oid) ELSE c.relpages END",
            ),
        ),
        (&["indexes", "--exact"], "… + pg_relation_size of each", indexes.replace("{x}", "pg_relation_size(c.oid)")),
        (
            // Reads what the history keeps (then writes what changed into its store).
            &["snapshot", "-q"],
            "stat tables + sizes, statements, database",
            "SELECT s.*, pg_total_relation_size(s.relid) FROM pg_stat_user_tables s; \
             SELECT queryid, userid, calls, total_exec_time, rows, shared_blks_hit, shared_blks_read, query FROM pg_stat_statements; \
             SELECT * FROM pg_stat_database WHERE datname = current_database()"
                .into(),
        ),
    ]
}

async fn run() -> Result<()> {
    let sizes: Vec<usize> = env_or("BENCH_TABLES", "1000,10000,50000")
        .split(',')
        .map(|s| s.trim().parse().context("BENCH_TABLES: comma-separated table counts"))
        .collect::<Result<_>>()?;
    let statements: usize = env_or("BENCH_STATEMENTS", "5000").parse()?;
    let runs: usize = env_or("BENCH_RUNS", "5").parse()?;
    let baseline = std::env::var("BENCH_BASELINE_BIN").ok();
    let baseline_max: usize = env_or("BENCH_BASELINE_MAX_TABLES", "10000").parse()?;
    let bin = env!("CARGO_BIN_EXE_towow-db");

    let dir = PathBuf::from(format!("/tmp/towow-bench-{}", std::process::id()));
    let cluster = LocalCluster::new(&dir);
    let _cleanup = Cleanup::new(cluster.clone());
    cluster.start(&InitOptions {
        unsafe_fast: true,
        extra_conf: vec![
            format!("pg_stat_statements.max = {}", (statements * 2).max(5000)),
            "max_locks_per_transaction = 1024".into(),
            "autovacuum = off".into(),
        ],
        ..InitOptions::default()
    })?;
    let mut cfg = cluster.conn_config()?;
    let state = cluster.state()?;
    let (version, psql) = (state.version, state.bindir.join("psql"));
    cfg.dbname = Some("postgres".into());
    Db::connect(cfg.clone(), ConnectOptions::default())
        .await?
        .get()
        .await?
        .batch_execute("CREATE DATABASE bench")
        .await?;
    cfg.dbname = Some("bench".into());
    let db = Db::connect(cfg.clone(), ConnectOptions { pool_size: 1, ..ConnectOptions::default() }).await?;
    db.get().await?.batch_execute("CREATE EXTENSION pg_stat_statements").await?;
    let url = cfg.url_with_password();
    println!(
        "towow-db report benchmark: {version}, 2 cores shared; sizes {sizes:?}, {statements} statements, \
         median of {runs} rounds; wall ms end to end (`--format json`), client CPU ms, the floor's wall ms through psql"
    );

    let mut built = 0;
    for &n in &sizes {
        let t = Instant::now();
        grow(&db, built, n).await?;
        if built == 0 {
            fill(&db, statements).await?;
        }
        built = n;
        let c = db.get().await?;
        let count = |sql: String| {
            let c = &c;
            async move { c.query_typed_one(&sql, &[]).await.map(|r| r.get::<_, i64>(0)) }
        };
        let (tables, relations, indexes, sequences) = (
            count(format!("SELECT count(*) {}", format_args!("FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND {USER}"))).await?,
            count("SELECT count(*) FROM pg_class".into()).await?,
            count(format!("SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE {USER}")).await?,
            count("SELECT count(*) FROM pg_sequence".into()).await?,
        );
        drop(c);
        println!(
            "\n{tables} tables ({relations} relations in pg_class, {indexes} indexes, {sequences} sequences; built in {:.0} s); load before: {}",
            t.elapsed().as_secs_f64(),
            load()
        );
        println!(
            "{:<26} {:>9} {:>8} {:>9}  {:<70} {:>6}  range{}",
            "report",
            "wall ms",
            "CPU ms",
            "floor ms",
            "floor: what it reads",
            "ratio",
            if baseline.is_some() { "   baseline ms" } else { "" }
        );
        let only = std::env::var("BENCH_ONLY").unwrap_or_default();
        for (args, what, floor) in cases() {
            if !only.is_empty() && !only.split(',').any(|o| o.trim() == args.join(" ")) {
                continue;
            }
            let (mut wall, mut cpu, mut fl, mut base) = (vec![], vec![], vec![], vec![]);
            let (mut ratios, mut loads) = (vec![], vec![]);
            for _ in 0..runs {
                let load_floor = load1();
                let f = run_floor(&psql, &cfg, &floor)?;
                fl.push(f);
                let load_report = load1();
                let (w, c) = run_bin(bin, &url, args)?;
                wall.push(w);
                cpu.push(c);
                ratios.push(w / f);
                loads.push((load_floor, load_report));
                // The baseline may lack a flag (e.g. --exact): then it has no figure here.
                if let Some(b) = baseline.as_ref().filter(|_| n <= baseline_max)
                    && let Ok((w, _)) = run_bin(b, &url, args)
                {
                    base.push(w);
                }
            }
            let (w, f) = (median(&wall), median(&fl));
            println!(
                "{:<26} {w:>9.0} {:>8.0} {f:>9.0}  {what:<70} {:>5.2}x  {}{}",
                args.join(" "),
                median(&cpu),
                median(&ratios),
                range(&ratios, 2),
                if base.is_empty() { String::new() } else { format!("   {:>11.0}", median(&base)) }
            );
            // Every round, so that a reader sees the spread and what the machine was doing.
            let rounds: Vec<String> = ratios
                .iter()
                .zip(&loads)
                .map(|(r, (lf, lr))| format!("{r:.2}x (load {lf:.1}/{lr:.1})"))
                .collect();
            println!("    rounds: {}", rounds.join(", "));
        }
        println!("load after: {}", load());
    }
    Ok(())
}

/// Grow the catalog from `from` to `to` tables (see the module documentation for the shape).
async fn grow(db: &Db, from: usize, to: usize) -> Result<()> {
    let sql = SHAPE.replace("{from}", &from.to_string()).replace("{to}", &to.to_string());
    db.get().await?.batch_execute(&sql).await.context("creating the tables")
}

/// Rows, dead rows, TOAST and statistics in 200 tables; `statements` distinct statements.
async fn fill(db: &Db, statements: usize) -> Result<()> {
    let c = db.get().await?;
    c.batch_execute(FILL).await.context("filling the tables")?;
    c.batch_execute("SELECT pg_stat_statements_reset()").await?;
    let names: Vec<String> = c
        .simple_query(
            "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables WHERE relname ~ '^t[0-9]+$' ORDER BY relid LIMIT 1000",
        )
        .await?
        .iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        })
        .collect();
    let shapes = [
        "SELECT count(*) FROM {t} WHERE owner_id = 1",
        "SELECT id, status FROM {t} WHERE id = 7",
        "SELECT max(created_at) FROM {t} WHERE status <> 'done'",
        "UPDATE {t} SET status = 'done' WHERE id = -1",
        "SELECT count(*) FROM {t} WHERE lower(status) = 'new' AND owner_id > 3",
    ];
    for i in 0..statements {
        let sql = shapes[(i / names.len()) % shapes.len()].replace("{t}", &names[i % names.len()]);
        c.simple_query(&sql).await?;
    }
    Ok(())
}

const SHAPE: &str = "
DO $$
DECLARE
  i int := {from};
  s text; t text;
BEGIN
  FOR k IN 0..9 LOOP EXECUTE format('CREATE SCHEMA IF NOT EXISTS s%s', k); END LOOP;
  WHILE i < {to} LOOP
    s := 's' || (i % 10);
    IF i % 50 = 25 AND i + 5 <= {to} THEN
      t := format('%I.p%s', s, i);
      EXECUTE format('CREATE TABLE %s (id bigint GENERATED BY DEFAULT AS IDENTITY, owner_id bigint,
                        status text NOT NULL DEFAULT ''new'', body text, created_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at)', t);
      EXECUTE format('CREATE INDEX ON %s (owner_id)', t);
      FOR q IN 0..3 LOOP
        EXECUTE format('CREATE TABLE %I.p%s_q%s PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', s, i, q, t,
                       make_date(2024, 1 + 3 * q, 1), make_date(2024 + (q + 1) / 4, 1 + (3 * (q + 1)) % 12, 1));
      END LOOP;
      i := i + 5;
    ELSE
      t := format('%I.t%s', s, i);
      EXECUTE format('CREATE TABLE %s (id %s PRIMARY KEY, owner_id bigint%s, status text NOT NULL DEFAULT ''new'',
                        body text, created_at timestamptz NOT NULL DEFAULT now())',
                     t, CASE WHEN i % 2 = 0 THEN 'serial' ELSE 'bigint GENERATED BY DEFAULT AS IDENTITY' END,
                     CASE WHEN i % 10 = 1 THEN format(' REFERENCES %I.t%s (id) ON DELETE CASCADE', 's' || ((i - 1) % 10), i - 1)
                          ELSE '' END);
      EXECUTE format('CREATE INDEX ON %s (owner_id)', t);
      IF i % 3 = 0 THEN EXECUTE format('CREATE INDEX ON %s (created_at) WHERE status <> ''done''', t); END IF;
      IF i % 5 = 2 THEN EXECUTE format('CREATE INDEX ON %s (lower(status))', t); END IF;
      IF i % 4 = 1 THEN EXECUTE format('CREATE INDEX ON %s (owner_id, created_at)', t); END IF;
      i := i + 1;
    END IF;
    IF i % 250 < 5 THEN COMMIT; END IF;
  END LOOP;
END $$";

/// The first 200 plain tables: 1,000 rows (`owner_id`s that exist in a referenced table; every tenth with a 3 kB incompressible body, stored
/// in TOAST), 30% deleted, analyzed.
const FILL: &str = "
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT format('%I.%I', schemaname, relname) AS t FROM pg_stat_user_tables
           WHERE relname ~ '^t[0-9]+$' ORDER BY relid LIMIT 200 LOOP
    EXECUTE format('INSERT INTO %s (owner_id, status, body)
                    SELECT 10 * (g %% 50) + 5, CASE WHEN g %% 3 = 0 THEN ''done'' ELSE ''new'' END,
                           CASE WHEN g %% 10 = 0 THEN (SELECT string_agg(md5(g::text || k), '''') FROM generate_series(1, 100) k) END
                    FROM generate_series(1, 1000) g', r.t);
    EXECUTE format('DELETE FROM %s WHERE id %% 10 < 3', r.t);
    EXECUTE format('ANALYZE %s', r.t);
  END LOOP;
END $$";
