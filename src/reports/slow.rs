//! `slow-query`: the heaviest statements of the current database from `pg_stat_statements`.
//!
//! Detect, don't assume: the extension's schema and the view's actual columns are read first and
//! the query is built from them, so every extension version works, including one older than its
//! server after `pg_upgrade` (the library keeps serving the old SQL interface):
//!
//! | ext. version (server) | what changed                                                       |
//! |-----------------------|--------------------------------------------------------------------|
//! | 1.7 (12)              | `total_time`, `mean_time`, `stddev_time`, `max_time`, `blk_*_time` |
//! | 1.8 (13)              | `*_time` → `*_exec_time`, `*_plan_time` added, `wal_bytes`         |
//! | 1.9 (14)              | `toplevel`, the `pg_stat_statements_info` view (reset, evictions)  |
//! | 1.10 (15)             | `temp_blk_*_time`, `jit_*`                                         |
//! | 1.11 (17)             | `blk_*_time` → `shared_blk_*_time`, `local_blk_*_time`, `stats_since`, `jit_deform_time` |
//! | 1.12 (18)             | parallel worker and WAL buffer columns (not used here)             |
//!
//! Only the current database's statements, only top-level ones where the view says (`toplevel`,
//! 1.9+; with `track = all` nested statements would otherwise be counted twice). Rows of other
//! roles that this role may not read (`<insufficient privilege>`, NULL queryid) are counted in the
//! totals but never listed.

use std::collections::HashSet;

use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;

use super::{ServerInfo, query};
use crate::error::{PgError, Remedy, sqlstate};
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};
use crate::sql::quote_ident;

const SETTINGS: &[&str] = &[
    "compute_query_id",
    "track_io_timing",
    "pg_stat_statements.track",
    "pg_stat_statements.track_planning",
    "pg_stat_statements.max",
];

/// Where the extension lives, its version, the server's default version and the view's columns.
const DETECT_SQL: &str = "
SELECT n.nspname::text AS schema, e.extversion::text AS version,
       (SELECT a.default_version::text FROM pg_available_extensions a WHERE a.name = 'pg_stat_statements')
         AS default_version,
       (SELECT array_agg(att.attname::text ORDER BY att.attnum)
          FROM pg_attribute att
          JOIN pg_class c ON c.oid = att.attrelid
         WHERE c.relnamespace = n.oid AND c.relname = 'pg_stat_statements'
           AND att.attnum > 0 AND NOT att.attisdropped) AS columns,
       EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'pg_stat_statements_info')
         AS has_info_view,
       current_database()::text AS database
FROM (SELECT 1) one
LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'
LEFT JOIN pg_namespace n ON n.oid = e.extnamespace";

/// How to order the statements (also the `--sort` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Total time (execution + planning).
    #[default]
    Total,
    /// Mean time per call.
    Mean,
    /// Number of calls.
    Calls,
    /// Block I/O time (data blocks read and written; temp files not included).
    Io,
    /// Temporary blocks read and written.
    Temp,
}

impl Sort {
    fn column(self) -> &'static str {
        match self {
            Sort::Total => "total_ms",
            Sort::Mean => "mean_ms",
            Sort::Calls => "calls",
            Sort::Io => "io_ms",
            Sort::Temp => "temp_blks",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SlowOptions {
    pub sort: Sort,
    pub limit: i64,
    pub min_calls: i64,
    pub min_mean_ms: f64,
}

impl Default for SlowOptions {
    fn default() -> Self {
        SlowOptions { sort: Sort::Total, limit: 10, min_calls: 0, min_mean_ms: 0.0 }
    }
}

/// The extension as found in this database.
#[derive(Debug, Clone, Serialize)]
pub struct Extension {
    pub schema: String,
    pub version: String,
    /// The version the server's files would install (`ALTER EXTENSION … UPDATE` target).
    pub default_version: Option<String>,
    pub columns: Vec<String>,
    pub has_info_view: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub queryid: i64,
    pub user: String,
    pub calls: i64,
    /// Execution plus planning (planning only when tracked: 1.8+ with `track_planning`).
    pub total_ms: f64,
    pub exec_ms: f64,
    pub plan_ms: Option<f64>,
    /// Share of the database's total (all statements, including hidden ones).
    pub pct_of_total: Option<f64>,
    /// total_ms / calls.
    pub mean_ms: f64,
    pub mean_exec_ms: f64,
    pub stddev_exec_ms: f64,
    pub max_exec_ms: f64,
    pub rows: i64,
    pub rows_per_call: Option<f64>,
    pub cache_hit_pct: Option<f64>,
    pub shared_blks_hit: i64,
    pub shared_blks_read: i64,
    /// Block I/O time: reading and writing data blocks, shared and local (`blk_read_time +
    /// blk_write_time`, 17+ `shared_blk_*_time + local_blk_*_time`); temp files not included.
    /// Needs `track_io_timing`.
    pub io_ms: f64,
    /// Temp-file I/O time (`temp_blk_read_time + temp_blk_write_time`, 1.10+; null before).
    pub temp_io_ms: Option<f64>,
    pub temp_blks: i64,
    /// 1.8+.
    pub wal_bytes: Option<i64>,
    /// 1.10+.
    pub jit_ms: Option<f64>,
    pub query: String,
}

/// The data's window: since when, and what was lost.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Window {
    /// Last full reset (`pg_stat_statements_info`, 1.9+).
    pub stats_reset: Option<DateTime<Utc>>,
    /// Entries evicted since then because `pg_stat_statements.max` was reached (1.9+).
    pub evicted_entries: Option<i64>,
    /// The oldest entry's `stats_since` (1.11+).
    pub oldest_entry_since: Option<DateTime<Utc>>,
    pub max_entries: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Totals {
    /// Statement entries of this database (top-level only where the version tells).
    pub statements: i64,
    pub calls: i64,
    pub total_ms: f64,
    /// Entries of other roles this role may not read: counted here, never listed.
    pub hidden_statements: i64,
    pub hidden_total_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlowReport {
    pub database: String,
    pub extension: Extension,
    pub sort: Sort,
    pub toplevel_only: bool,
    pub window: Window,
    pub totals: Totals,
    pub queries: Vec<Statement>,
    pub warnings: Vec<String>,
    /// Mean-time line for the `slow_statements` check, in ms.
    #[serde(skip)]
    pub all_means: Vec<f64>,
}

fn remedy(state: Option<&str>, ext: Option<&Extension>, user: &str) -> Option<String> {
    let schema = ext.map(|e| quote_ident(&e.schema)).unwrap_or_else(|| "public".into());
    Some(match state? {
        "55000" => "pg_stat_statements is not loaded: add it to shared_preload_libraries in postgresql.conf \
                    (shared_preload_libraries = 'pg_stat_statements', keeping any libraries already listed) \
                    and restart the server"
            .to_string(),
        "42501" => format!(
            "the role may not read the statistics: GRANT SELECT ON {schema}.pg_stat_statements TO {u} \
             (and GRANT pg_read_all_stats TO {u} to see every role's statements)",
            u = quote_ident(user)
        ),
        "42883" | "42P01" | "42703" => {
            "the extension's SQL objects do not match its library: ALTER EXTENSION pg_stat_statements UPDATE"
                .into()
        }
        _ => return None,
    })
}

/// Wrap a pg_stat_statements error with its exact remedy (by SQLSTATE).
fn with_remedy(e: anyhow::Error, ext: Option<&Extension>, user: &str) -> anyhow::Error {
    match remedy(sqlstate(&e).as_ref().map(|c| c.code()), ext, user) {
        Some(r) => e.context(Remedy(r)),
        None => e,
    }
}

/// Find the extension: its schema, version and columns. Errors (with the remedy) when it is not
/// created in this database or not installed on the server.
pub async fn detect(client: &tokio_postgres::Client) -> Result<Extension> {
    let rows = query(client, "the pg_stat_statements extension", DETECT_SQL, &[]).await?;
    let r = &rows[0];
    let database: String = r.try_get("database")?;
    let schema: Option<String> = r.try_get("schema")?;
    let default_version: Option<String> = r.try_get("default_version")?;
    let Some(schema) = schema else {
        return Err(match default_version {
            Some(_) => anyhow!(
                "pg_stat_statements is not created in database \"{database}\" — run CREATE EXTENSION pg_stat_statements; \
                 in it (as a superuser), with the library in shared_preload_libraries"
            ),
            None => anyhow!(
                "the server has no pg_stat_statements extension — install PostgreSQL's contrib modules \
                 (e.g. apt-get install postgresql-contrib), add pg_stat_statements to shared_preload_libraries, \
                 restart, then CREATE EXTENSION pg_stat_statements; in database \"{database}\""
            ),
        });
    };
    Ok(Extension {
        schema,
        version: r.try_get("version")?,
        default_version,
        columns: r.try_get::<_, Option<Vec<String>>>("columns")?.unwrap_or_default(),
        has_info_view: r.try_get("has_info_view")?,
    })
}

/// The view's expressions that differ between extension versions, over the alias `s`: what
/// `slow-query` and the history's snapshots read alike.
#[derive(Debug, Clone)]
pub struct Columns {
    /// `schema.pg_stat_statements`, quoted.
    pub view: String,
    /// Execution time, ms.
    pub exec: String,
    /// Planning time, ms (`NULL` before 1.8 or untracked).
    pub plan: &'static str,
    /// Execution plus planning, ms.
    pub total: String,
    /// Block I/O: reading and writing data blocks (shared and local buffers), as PgHero and the
    /// view's own documentation define it; temp-file I/O apart (1.10+).
    pub io: String,
    /// Whether the view has `toplevel` (1.9+).
    pub toplevel: bool,
}

/// [`Columns`] for the view as found.
pub fn columns(ext: &Extension) -> Columns {
    let cols: HashSet<&str> = ext.columns.iter().map(String::as_str).collect();
    let has = |c: &str| cols.contains(c);
    let exec = if has("total_exec_time") { "s.total_exec_time" } else { "s.total_time" }.to_string();
    let plan = if has("total_plan_time") { "s.total_plan_time" } else { "NULL" };
    let io: Vec<String> = [
        "blk_read_time",
        "blk_write_time",
        "shared_blk_read_time",
        "shared_blk_write_time",
        "local_blk_read_time",
        "local_blk_write_time",
    ]
    .iter()
    .filter(|n| has(n))
    .map(|n| format!("s.{n}"))
    .collect();
    Columns {
        view: format!("{}.pg_stat_statements", quote_ident(&ext.schema)),
        total: format!("{exec} + coalesce({plan}, 0)"),
        exec,
        plan,
        io: if io.is_empty() { "0".into() } else { io.join(" + ") },
        toplevel: has("toplevel"),
    }
}

/// Build the statements query from the columns the view actually has.
pub fn statements_sql(ext: &Extension, sort: Sort) -> (String, bool) {
    let cols: HashSet<&str> = ext.columns.iter().map(String::as_str).collect();
    let has = |c: &str| cols.contains(c);
    let pick = |new: &str, old: &str| if has(new) { format!("s.{new}") } else { format!("s.{old}") };
    let sum = |names: &[&str]| {
        let parts: Vec<String> = names.iter().filter(|n| has(n)).map(|n| format!("s.{n}")).collect();
        if parts.is_empty() { None } else { Some(parts.join(" + ")) }
    };
    let Columns { exec, plan, io, .. } = columns(ext);
    let temp_io = sum(&["temp_blk_read_time", "temp_blk_write_time"]).unwrap_or_else(|| "NULL".into());
    let jit = sum(&[
        "jit_generation_time",
        "jit_inlining_time",
        "jit_optimization_time",
        "jit_emission_time",
        "jit_deform_time",
    ])
    .unwrap_or_else(|| "NULL".into());
    let wal = if has("wal_bytes") { "s.wal_bytes" } else { "NULL" };
    let since = if has("stats_since") { "s.stats_since" } else { "NULL::timestamptz" };
    let toplevel = has("toplevel");
    // One scan of the view, kept for the totals and the top (a second scan for either costs
    // more than keeping the rows: 9.8 ms against 7.3 for 5,000 statements, the view alone
    // 3.6); the users are named for the top rows only, and every statement's mean (for the
    // `slow_statements` check) goes out once, in the first row: on every row, the top 10 of
    // 5,000 statements sent 600 kB.
    let sql = format!(
        "WITH s AS (
  SELECT s.queryid::int8 AS queryid, s.userid, s.calls::int8 AS calls,
         ({exec})::float8 AS exec_ms, ({plan})::float8 AS plan_ms,
         ({exec} + coalesce({plan}, 0))::float8 AS total_ms,
         (({exec} + coalesce({plan}, 0)) / nullif(s.calls, 0))::float8 AS mean_ms,
         ({mean})::float8 AS mean_exec_ms, ({stddev})::float8 AS stddev_exec_ms, ({max})::float8 AS max_exec_ms,
         s.rows::int8 AS rows, s.shared_blks_hit::int8 AS hit, s.shared_blks_read::int8 AS read,
         ({io})::float8 AS io_ms, ({temp_io})::float8 AS temp_io_ms,
         (s.temp_blks_read + s.temp_blks_written)::int8 AS temp_blks,
         ({wal})::int8 AS wal_bytes, ({jit})::float8 AS jit_ms, s.query AS query, {since} AS since
  FROM {schema}.pg_stat_statements s
  WHERE s.dbid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()){top}
), tot AS (
  SELECT count(*)::int8 AS n, coalesce(sum(calls), 0)::int8 AS calls, coalesce(sum(total_ms), 0)::float8 AS total_ms,
         count(*) FILTER (WHERE queryid IS NULL)::int8 AS hidden,
         coalesce(sum(total_ms) FILTER (WHERE queryid IS NULL), 0)::float8 AS hidden_ms,
         min(since) AS since,
         coalesce(array_agg(mean_ms) FILTER (WHERE queryid IS NOT NULL AND mean_ms IS NOT NULL), '{{}}')::float8[] AS means
  FROM s
), top AS (
  SELECT * FROM s
  WHERE s.queryid IS NOT NULL AND s.calls >= $1 AND coalesce(s.mean_ms, 0) >= $2
  ORDER BY s.{order} DESC NULLS LAST, s.queryid
  LIMIT $3
), ranked AS (
  SELECT *, row_number() OVER (ORDER BY {order} DESC NULLS LAST, queryid) AS rank FROM top
)
SELECT tot.n AS statements, tot.calls AS all_calls, tot.total_ms AS all_total_ms, tot.hidden AS hidden_statements,
       tot.hidden_ms AS hidden_total_ms, tot.since AS oldest_entry_since,
       CASE WHEN coalesce(top.rank, 1) = 1 THEN tot.means END AS all_means,
       top.queryid, pg_get_userbyid(top.userid)::text AS usr, top.calls, top.exec_ms, top.plan_ms, top.total_ms,
       top.mean_ms, top.mean_exec_ms, top.stddev_exec_ms, top.max_exec_ms, top.rows, top.hit, top.read, top.io_ms,
       top.temp_blks, top.wal_bytes, top.jit_ms, top.query, top.temp_io_ms
FROM tot
LEFT JOIN ranked top ON true
ORDER BY top.rank",
        mean = pick("mean_exec_time", "mean_time"),
        stddev = pick("stddev_exec_time", "stddev_time"),
        max = pick("max_exec_time", "max_time"),
        schema = quote_ident(&ext.schema),
        top = if toplevel { " AND s.toplevel" } else { "" },
        order = sort.column(),
    );
    (sql, toplevel)
}

/// Read the report.
pub async fn report(db: &crate::connect::Db, opts: &SlowOptions) -> Result<SlowReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, opts)).await
}

async fn read(client: &Client, opts: &SlowOptions) -> Result<SlowReport> {
    // Independent queries are pipelined (sent together, one round trip).
    let (info, ext) = futures_util::try_join!(ServerInfo::read(client, SETTINGS), detect(client))?;
    let (sql, toplevel_only) = statements_sql(&ext, opts.sort);
    let limit = opts.limit.max(0);
    let info_sql = format!(
        "SELECT dealloc::int8 AS dealloc, stats_reset FROM {}.pg_stat_statements_info",
        quote_ident(&ext.schema)
    );
    let (rows, info_rows) = futures_util::future::join(
        query(
            client,
            "pg_stat_statements",
            &sql,
            &[(&opts.min_calls, Type::INT8), (&opts.min_mean_ms, Type::FLOAT8), (&limit, Type::INT8)],
        ),
        async {
            match ext.has_info_view {
                true => query(client, "pg_stat_statements_info", &info_sql, &[]).await.map(Some),
                false => Ok(None),
            }
        },
    )
    .await;
    let rows = rows.map_err(|e| with_remedy(e, Some(&ext), &info.user))?;
    let info_rows = info_rows.map_err(|e| with_remedy(e, Some(&ext), &info.user))?;
    let first = &rows[0];
    let totals = Totals {
        statements: first.try_get("statements")?,
        calls: first.try_get("all_calls")?,
        total_ms: first.try_get("all_total_ms")?,
        hidden_statements: first.try_get("hidden_statements")?,
        hidden_total_ms: first.try_get("hidden_total_ms")?,
    };
    let mut window = Window {
        oldest_entry_since: first.try_get("oldest_entry_since")?,
        max_entries: info.setting("pg_stat_statements.max").and_then(|v| v.parse().ok()),
        ..Window::default()
    };
    let all_means: Vec<f64> = first.try_get("all_means")?;
    let mut queries = Vec::new();
    for r in &rows {
        // The one row of an empty top (no statement passes the filters) has none.
        let Some(queryid) = r.try_get::<_, Option<i64>>("queryid")? else { continue };
        let calls: i64 = r.try_get("calls")?;
        let total_ms: f64 = r.try_get("total_ms")?;
        let rows_n: i64 = r.try_get("rows")?;
        let hit: i64 = r.try_get("hit")?;
        let read: i64 = r.try_get("read")?;
        queries.push(Statement {
            queryid,
            user: r.try_get("usr")?,
            calls,
            exec_ms: r.try_get("exec_ms")?,
            plan_ms: r.try_get("plan_ms")?,
            total_ms,
            pct_of_total: (totals.total_ms > 0.0).then(|| 100.0 * total_ms / totals.total_ms),
            mean_ms: r.try_get::<_, Option<f64>>("mean_ms")?.unwrap_or(0.0),
            mean_exec_ms: r.try_get("mean_exec_ms")?,
            stddev_exec_ms: r.try_get("stddev_exec_ms")?,
            max_exec_ms: r.try_get("max_exec_ms")?,
            rows: rows_n,
            rows_per_call: (calls > 0).then(|| rows_n as f64 / calls as f64),
            cache_hit_pct: (hit + read > 0).then(|| 100.0 * hit as f64 / (hit + read) as f64),
            shared_blks_hit: hit,
            shared_blks_read: read,
            io_ms: r.try_get("io_ms")?,
            temp_blks: r.try_get("temp_blks")?,
            wal_bytes: r.try_get("wal_bytes")?,
            jit_ms: r.try_get("jit_ms")?,
            query: r.try_get::<_, Option<String>>("query")?.unwrap_or_default(),
            temp_io_ms: r.try_get("temp_io_ms")?,
        });
    }
    if let Some(r) = info_rows.as_ref().and_then(|rows| rows.first()) {
        window.evicted_entries = r.try_get("dealloc")?;
        window.stats_reset = r.try_get("stats_reset")?;
    }
    let warnings = warnings(&info, &ext, &totals, &window, toplevel_only);
    Ok(SlowReport {
        database: info.database,
        extension: ext,
        sort: opts.sort,
        toplevel_only,
        window,
        totals,
        queries,
        warnings,
        all_means,
    })
}

fn version_lt(a: &str, b: &str) -> bool {
    let p = |v: &str| v.split('.').map(|x| x.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    p(a) < p(b)
}

/// Settings and situations that make numbers zero, absent or partial.
fn warnings(
    info: &ServerInfo,
    ext: &Extension,
    totals: &Totals,
    window: &Window,
    toplevel: bool,
) -> Vec<String> {
    let mut w = Vec::new();
    if let Some(d) = &ext.default_version
        && version_lt(&ext.version, d)
    {
        w.push(format!(
            "pg_stat_statements {} is older than the server's {d} (e.g. after pg_upgrade): some columns are missing; run ALTER EXTENSION pg_stat_statements UPDATE",
            ext.version
        ));
    }
    if info.setting("compute_query_id") == Some("off") {
        w.push("compute_query_id = off: no query IDs are computed, so pg_stat_statements records nothing new; set compute_query_id = auto".into());
    }
    if info.setting("pg_stat_statements.track") == Some("none") {
        w.push("pg_stat_statements.track = none: nothing is being recorded".into());
    }
    if !toplevel && info.setting("pg_stat_statements.track") == Some("all") {
        w.push("this extension version has no `toplevel` column: with pg_stat_statements.track = all, statements inside functions are counted as well as their callers".into());
    }
    match info.setting("pg_stat_statements.track_planning") {
        Some("off") => w.push("pg_stat_statements.track_planning = off: planning time is not recorded, total_ms is execution time only".into()),
        None if !ext.columns.iter().any(|c| c == "total_plan_time") => {
            w.push("this extension version has no planning time: total_ms is execution time only".into())
        }
        _ => {}
    }
    if info.setting("track_io_timing") == Some("off") {
        w.push("track_io_timing = off: I/O times (io_ms, temp_io_ms) are zero".into());
    }
    if totals.hidden_statements > 0 {
        w.push(format!(
            "{} statement(s) of other roles ({:.0} ms) are counted in the totals but not shown: grant pg_read_all_stats to see them",
            totals.hidden_statements, totals.hidden_total_ms
        ));
    }
    if let Some(n) = window.evicted_entries.filter(|n| *n > 0) {
        w.push(format!(
            "{n} entries were evicted since the last reset (pg_stat_statements.max = {}): rarely run statements are missing; raise pg_stat_statements.max",
            window.max_entries.map(|m| m.to_string()).unwrap_or_else(|| "?".into())
        ));
    }
    w
}

/// Reset the statistics of the current database's statements (other databases keep theirs).
pub async fn reset(db: &crate::connect::Db) -> Result<()> {
    let client = db.get().await?;
    let info = ServerInfo::read(&client, &[]).await?;
    let ext = detect(&client).await?;
    let sql = format!(
        "SELECT {}.pg_stat_statements_reset(0, (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()), 0)",
        quote_ident(&ext.schema)
    );
    client.simple_query(&sql).await.map(|_| ()).map_err(|e| {
        let e = anyhow::Error::from(PgError::new(&e, "resetting pg_stat_statements"));
        if sqlstate(&e) == Some(SqlState::INSUFFICIENT_PRIVILEGE) {
            e.context(Remedy(format!(
                "run it as a superuser, or GRANT EXECUTE ON FUNCTION {}.pg_stat_statements_reset TO {}",
                quote_ident(&ext.schema),
                quote_ident(&info.user)
            )))
        } else {
            with_remedy(e, Some(&ext), &info.user)
        }
    })
}

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    ("slow_statements", Threshold::above(Some(0.0), None), "statements whose mean time exceeds slow_mean_ms"),
    (
        "slow_mean_ms",
        Threshold::above(Some(1000.0), None),
        "the mean time (ms) above which a statement counts as slow",
    ),
];

impl Report for SlowReport {
    fn sections(&self) -> Vec<Section> {
        use crate::output::cells::{f1, f2, one_line};
        vec![Section {
            title: format!(
                "Top statements by {} in \"{}\" ({} of {} entries; pg_stat_statements {} in schema {})",
                self.sort.column(),
                self.database,
                self.queries.len(),
                self.totals.statements,
                self.extension.version,
                self.extension.schema
            ),
            headers: vec![
                "queryid",
                "user",
                "calls",
                "total ms",
                "% total",
                "mean ms",
                "stddev ms",
                "max ms",
                "rows/call",
                "hit %",
                "io ms",
                "temp blks",
                "wal bytes",
                "jit ms",
                "query",
                "temp io ms",
            ],
            rows: self
                .queries
                .iter()
                .map(|q| {
                    vec![
                        q.queryid.to_string(),
                        q.user.clone(),
                        q.calls.to_string(),
                        f1(Some(q.total_ms)),
                        f1(q.pct_of_total),
                        f2(Some(q.mean_ms)),
                        f2(Some(q.stddev_exec_ms)),
                        f2(Some(q.max_exec_ms)),
                        f1(q.rows_per_call),
                        f1(q.cache_hit_pct),
                        f1(Some(q.io_ms)),
                        q.temp_blks.to_string(),
                        crate::output::cells::opt(&q.wal_bytes),
                        f1(q.jit_ms),
                        one_line(&q.query, 80),
                        f1(q.temp_io_ms),
                    ]
                })
                .collect(),
            empty: "no statements match",
            wide: &[
                "queryid",
                "user",
                "stddev ms",
                "max ms",
                "io ms",
                "temp blks",
                "wal bytes",
                "jit ms",
                "temp io ms",
            ],
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        let mut n = vec![format!(
            "window: since {} (last reset), oldest entry since {}, {} evicted entries",
            crate::output::cells::ts(&self.window.stats_reset),
            crate::output::cells::ts(&self.window.oldest_entry_since),
            crate::output::cells::opt(&self.window.evicted_entries)
        )];
        n.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        n
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        let limit = t.get("slow_mean_ms").warn.unwrap_or(1000.0);
        let slow = self.all_means.iter().filter(|m| **m > limit).count();
        let mut c = Check::measured(
            "slow_statements",
            slow as f64,
            t.get("slow_statements"),
            format!("statements with a mean time over {limit} ms"),
        );
        if self.totals.hidden_statements > 0 {
            c = c.unless_unseen(&format!(
                "{} statement(s) of other roles cannot be judged: grant pg_read_all_stats",
                self.totals.hidden_statements
            ));
        }
        vec![c]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(cols: &[&str]) -> Extension {
        Extension {
            schema: "my ext".into(),
            version: "1.7".into(),
            default_version: Some("1.10".into()),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            has_info_view: false,
        }
    }

    const COMMON: &[&str] = &[
        "userid",
        "dbid",
        "queryid",
        "query",
        "calls",
        "rows",
        "shared_blks_hit",
        "shared_blks_read",
        "temp_blks_read",
        "temp_blks_written",
    ];

    #[test]
    fn builds_from_the_1_7_columns() {
        let mut c = COMMON.to_vec();
        c.extend(["total_time", "mean_time", "stddev_time", "max_time", "blk_read_time", "blk_write_time"]);
        let (sql, top) = statements_sql(&ext(&c), Sort::Total);
        assert!(!top);
        assert!(sql.contains("s.total_time") && !sql.contains("total_exec_time"));
        assert!(sql.contains("s.blk_read_time + s.blk_write_time"));
        assert!(sql.contains("\"my ext\".pg_stat_statements"));
        assert!(sql.contains("(NULL)::int8 AS wal_bytes"));
        assert!(sql.contains("(NULL)::float8 AS temp_io_ms"));
        assert!(!sql.contains("toplevel"));
    }

    #[test]
    fn builds_from_the_1_11_columns() {
        let mut c = COMMON.to_vec();
        c.extend([
            "toplevel",
            "total_exec_time",
            "total_plan_time",
            "mean_exec_time",
            "stddev_exec_time",
            "max_exec_time",
            "shared_blk_read_time",
            "shared_blk_write_time",
            "local_blk_read_time",
            "local_blk_write_time",
            "temp_blk_read_time",
            "temp_blk_write_time",
            "wal_bytes",
            "jit_generation_time",
            "jit_inlining_time",
            "jit_optimization_time",
            "jit_emission_time",
            "jit_deform_time",
            "stats_since",
        ]);
        let (sql, top) = statements_sql(&ext(&c), Sort::Io);
        assert!(top);
        assert!(sql.contains("AND s.toplevel"));
        assert!(!sql.contains("s.blk_read_time"));
        assert!(sql.contains(
            "(s.shared_blk_read_time + s.shared_blk_write_time + s.local_blk_read_time + s.local_blk_write_time)::float8 AS io_ms"
        ));
        assert!(sql.contains("(s.temp_blk_read_time + s.temp_blk_write_time)::float8 AS temp_io_ms"));
        assert!(sql.contains("s.jit_deform_time"));
        assert!(sql.contains("ORDER BY s.io_ms DESC"));
    }

    #[test]
    fn remedies_by_sqlstate() {
        assert!(remedy(Some("55000"), None, "u").unwrap().contains("shared_preload_libraries"));
        let r = remedy(Some("42501"), None, "app").unwrap();
        assert!(
            r.contains("GRANT SELECT ON public.pg_stat_statements TO \"app\"")
                && r.contains("GRANT pg_read_all_stats TO \"app\""),
            "{r}"
        );
        assert!(
            remedy(Some("42703"), None, "u").unwrap().contains("ALTER EXTENSION pg_stat_statements UPDATE")
        );
        assert_eq!(remedy(Some("57014"), None, "u"), None);
        assert!(version_lt("1.7", "1.10") && !version_lt("1.10", "1.9") && !version_lt("1.10", "1.10"));
    }
}
