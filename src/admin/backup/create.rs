//! `backup create`: `pg_dump --format=directory --jobs=N` (or `--format=custom`: one file) in
//! the snapshot of a transaction that
//! also counts every table's rows (so the counts are exactly what the dump holds), written
//! under `<name>.partial/` and renamed to `<name>/` only once the dump, its checksums and the
//! manifest are on disk.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::manifest::{self, DumpFormat, FileSum, Manifest, MigrationState, ServerInfo, TableRows, ToolInfo};
use super::store::{self, PARTIAL, WriteLock};
use super::tools::{self, ChildConn};
use crate::connect::Db;
use crate::error::PgContext;
use crate::migrate;
use crate::migrate::SchemaCheck;

/// What `backup create` needs besides the connection.
#[derive(Debug, Clone)]
pub struct CreateOptions {
    pub dir: PathBuf,
    pub jobs: u32,
    /// pg_dump's format: a folder (`--jobs` in parallel) or one `.dump` file (one job).
    pub format: DumpFormat,
    /// Show a progress bar (on a terminal, not under `--quiet`).
    pub progress: bool,
}

const SERVER_SQL: &str = "SELECT version() AS version, current_setting('server_version_num')::int4 AS version_num, \
     current_database()::text AS database, pg_encoding_to_char(d.encoding)::text AS encoding, \
     pg_database_size(d.oid)::int8 AS database_size, current_user::text AS user_name \
     FROM pg_database d WHERE d.datname = current_database()";

/// Every table pg_dump dumps the rows of (ordinary and partitioned tables, materialized views),
/// outside the system schemas and extensions, and whether it is partitioned (its rows are its
/// partitions').
const TABLES_SQL: &str = "SELECT n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'p' AS partitioned \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p', 'm') \
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' \
       AND n.nspname NOT LIKE 'pg\\_temp\\_%' \
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e') \
     ORDER BY 1, 2";

/// The leaf partitions of a partitioned table.
const LEAVES_SQL: &str = "SELECT n.nspname::text AS schema, c.relname::text AS name \
     FROM pg_partition_tree($1::text::regclass) t JOIN pg_class c ON c.oid = t.relid \
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf";

/// Every table pg_dump dumps the rows of, whatever the schema (the ToWow tables are not
/// special), each to be counted exactly by [`count_exact`].
pub async fn list_tables(client: &Client) -> Result<Vec<TableRows>> {
    let rows = client.query_typed(TABLES_SQL, &[]).await.pg_context("cannot list the tables")?;
    rows.iter()
        .map(|r| {
            Ok(TableRows {
                schema: r.try_get("schema")?,
                table: r.try_get("name")?,
                rows: None,
                exact: true,
                partitioned: r.try_get("partitioned")?,
            })
        })
        .collect()
}

/// Count every table's rows with `count(*)` in the current transaction (the dump's snapshot):
/// a partitioned table's are the sum of its leaf partitions' (read once). Row security is off,
/// as for pg_dump: a table whose policies would hide rows from this role fails the backup
/// rather than count fewer rows than are there.
pub async fn count_exact(client: &Client, tables: &mut [TableRows]) -> Result<()> {
    client.batch_execute("SET LOCAL row_security = off").await.pg_context("cannot turn row security off")?;
    for t in tables.iter_mut().filter(|t| !t.partitioned) {
        t.rows = Some(count(client, &t.schema, &t.table).await?);
    }
    for i in 0..tables.len() {
        if !tables[i].partitioned {
            continue;
        }
        let q = crate::sql::qualified(&tables[i].schema, &tables[i].table);
        let leaves = client
            .query_typed(LEAVES_SQL, &[(&q, Type::TEXT)])
            .await
            .pg_context(format!("cannot list the partitions of {q}"))?;
        let mut sum = 0;
        for l in &leaves {
            let (schema, name): (String, String) = (l.try_get("schema")?, l.try_get("name")?);
            sum += match tables.iter().find(|t| t.schema == schema && t.table == name).and_then(|t| t.rows) {
                Some(n) => n,
                None => count(client, &schema, &name).await?,
            };
        }
        tables[i].rows = Some(sum);
    }
    Ok(())
}

/// `count(*)` of one table.
pub async fn count(client: &Client, schema: &str, table: &str) -> Result<i64> {
    let q = crate::sql::qualified(schema, table);
    Ok(client
        .query_typed_one(&format!("SELECT count(*) AS rows FROM {q}"), &[])
        .await
        .pg_context(format!("cannot count the rows of {q}"))?
        .try_get("rows")?)
}

/// What `migrate verify` says about the schema, as lines (its problems and drift), whatever the
/// report's exact shape.
pub fn verify_lines(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["problems", "drift", "differences"] {
        for item in report.get(key).and_then(|v| v.as_array()).into_iter().flatten() {
            out.push(match item {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => o
                    .values()
                    .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
                    .collect::<Vec<_>>()
                    .join(": "),
                other => other.to_string(),
            });
        }
    }
    out
}

/// The schema's migration state, as `migrate verify` sees it; errors are recorded, not raised (a
/// backup of a database that is not ToWow's is still a backup).
pub async fn migration_state(db: &Db) -> MigrationState {
    let failed = |e: anyhow::Error, applied_version| MigrationState {
        applied_version,
        error: Some(crate::error::render(&e)),
        ..MigrationState::default()
    };
    // One reading of the history gives the applied version and, where the history has a
    // fingerprint, the verdict that a full verify reaches by building a shadow database: a few
    // milliseconds against a few hundred.
    let h = match async { migrate::check_history(&*db.get().await?, false).await }.await {
        Ok(h) => h,
        Err(e) => return failed(e, None),
    };
    let applied = h.migrations.iter().filter(|r| r.state != migrate::State::Pending).map(|r| r.version).max();
    if let Some((verified, differences)) = judged_by_fingerprint(h) {
        return MigrationState {
            applied_version: applied,
            verified: Some(verified),
            differences,
            error: None,
        };
    }
    match migrate::verify(db, false, None, false).await {
        Ok(r) => {
            let value = serde_json::to_value(&r).unwrap_or_default();
            MigrationState {
                applied_version: applied,
                verified: Some(r.ok),
                differences: verify_lines(&value),
                error: None,
            }
        }
        Err(e) => failed(e, applied),
    }
}

/// `migrate verify`'s verdict without a shadow database: the history against the shipped
/// migrations (checksums), then the tables against the history's fingerprint. `None` where the
/// fingerprint cannot tell (none recorded yet, a migration left part way): the full verify then.
pub(super) async fn quick_verify(db: &Db) -> Result<Option<(bool, Vec<String>)>> {
    Ok(judged_by_fingerprint(migrate::check_history(&*db.get().await?, false).await?))
}

/// What a history check says of the schema (see [`quick_verify`]).
fn judged_by_fingerprint(h: migrate::HistoryCheck) -> Option<(bool, Vec<String>)> {
    let mut differences = h.problems;
    match h.schema {
        SchemaCheck::Matches { .. } | SchemaCheck::NoHistory => {}
        SchemaCheck::Mismatch { differences: d, .. } => differences.extend(d),
        SchemaCheck::Unrecorded { .. } | SchemaCheck::Unfinished { .. } => return None,
    }
    Some((differences.is_empty(), differences))
}

/// A spinner with the table being dumped, on a terminal only.
fn progress_bar(show: bool, tables: usize) -> Option<ProgressBar> {
    if !show || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(tables as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} dumping [{bar:30}] {pos}/{len} tables  {elapsed}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    Some(bar)
}

/// Back up the database of `db` into a new folder of `opts.dir`. Returns the manifest.
pub async fn create(db: &Db, opts: &CreateOptions) -> Result<Manifest> {
    let started_at = Utc::now();
    let clock = Instant::now();
    let snap_client = db.dedicated().await?;
    let r =
        snap_client.query_typed_one(SERVER_SQL, &[]).await.pg_context("cannot read the server version")?;
    let database: String = r.try_get("database")?;
    let database_size: i64 = r.try_get("database_size")?;
    let server = ServerInfo {
        host: db.cfg.host().to_string(),
        port: db.cfg.port(),
        user: r.try_get("user_name")?,
        version: r.try_get("version")?,
        version_num: r.try_get("version_num")?,
        encoding: r.try_get("encoding")?,
    };
    let bindir = tools::find(server.major()).await?;
    tracing::debug!("pg_dump: {} ({})", bindir.version, bindir.dir.display());
    let child_conn = ChildConn::new(&db.cfg, bindir.major)?;

    store::ensure_dir(&opts.dir)?;
    let name = store::new_name(&opts.dir, &database, started_at);
    let partial = opts.dir.join(format!("{name}{PARTIAL}"));
    fs::create_dir(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let mut writing = Writing { lock: Some(WriteLock::take(&partial)?), partial: partial.clone() };
    // pg_dump writes a custom-format file with one job.
    let jobs = if opts.format == DumpFormat::Directory { opts.jobs.max(1) } else { 1 };
    let result = async {
        // The snapshot the dump and the counts share.
        snap_client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .pg_context("cannot begin the backup's transaction")?;
        let snapshot: String = snap_client
            .query_typed_one("SELECT pg_export_snapshot() AS snapshot", &[])
            .await
            .pg_context("cannot export a snapshot for pg_dump")?
            .try_get("snapshot")?;
        let migrations = migration_state(db).await;
        let mut tables = list_tables(&snap_client).await?;
        let bar = progress_bar(opts.progress, tables.len());
        let out = partial.join(opts.format.relative_path(&name));
        let mut cmd = tokio::process::Command::new(bindir.program("pg_dump"));
        cmd.arg(opts.format.pg_dump_arg());
        if opts.format == DumpFormat::Directory {
            cmd.arg(format!("--jobs={jobs}"));
        }
        cmd.arg(format!("--compress={}", manifest::COMPRESSION.trim_start_matches("gzip:")))
            .arg(format!("--snapshot={snapshot}"))
            .arg("--no-password")
            .arg("--verbose")
            .arg("--file")
            .arg(&out);
        child_conn.apply(&mut cmd);
        // The exact counts run beside the dump, in the same snapshot.
        let (dumped, counted) = tokio::join!(
            tools::run(cmd, "pg_dump", |line| {
                if let Some(b) = &bar
                    && let Some(t) = line.split("dumping contents of table ").nth(1)
                {
                    b.inc(1);
                    b.set_message(t.trim_matches('"').to_string());
                }
            }),
            count_exact(&snap_client, &mut tables)
        );
        // pg_dump's own message names no file ("could not write to output file"): say where.
        dumped.with_context(|| format!("pg_dump writing into {}", out.display()))?;
        counted?;
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        snap_client.batch_execute("COMMIT").await.pg_context("cannot end the backup's transaction")?;
        let (folder, format, dump_name) = (partial.clone(), opts.format, name.clone());
        let threads = opts.jobs.max(1) as usize;
        let files: Vec<FileSum> = tokio::task::spawn_blocking(move || {
            manifest::checksum_dump(&folder, format, &dump_name, threads)
        })
        .await??;
        let m = Manifest {
            format: opts.format.manifest_format().into(),
            name: name.clone(),
            database: database.clone(),
            server,
            pg_dump: ToolInfo {
                path: bindir.program("pg_dump"),
                version: bindir.version.clone(),
                major: bindir.major,
            },
            started_at,
            finished_at: Utc::now(),
            duration_ms: clock.elapsed().as_millis() as u64,
            jobs,
            dump_format: opts.format,
            compression: Some(manifest::COMPRESSION.into()),
            migrations,
            tables,
            database_size_bytes: database_size,
            dump_bytes: files.iter().map(|f| f.bytes).sum(),
            files,
            verifications: Vec::new(),
        };
        m.write(&partial)?;
        Ok::<Manifest, anyhow::Error>(m)
    }
    .await;
    let m = match result {
        Ok(m) => m,
        Err(e) => {
            writing.lock = None;
            if let Err(rm) = fs::remove_dir_all(&partial) {
                tracing::warn!("cannot remove {}: {rm}", partial.display());
            }
            return Err(e.context(format!("backup of database \"{database}\" failed; nothing was kept")));
        }
    };
    if let Some(lock) = &writing.lock {
        lock.remove_file()?;
    }
    let done = opts.dir.join(&name);
    complete(&partial, &done, &m)?;
    writing.lock = None;
    Ok(m)
}

/// The partial folder of a running backup and its lock. Dropped while it still holds the lock
/// (Ctrl-C dropped the command, see `interrupt`), a cleanup removes the folder once pg_dump has
/// stopped.
struct Writing {
    partial: PathBuf,
    lock: Option<WriteLock>,
}

impl Drop for Writing {
    fn drop(&mut self) {
        let Some(lock) = self.lock.take() else { return };
        let partial = self.partial.clone();
        crate::interrupt::defer(crate::interrupt::Stage::Resources, async move {
            drop(lock);
            // A worker of pg_dump may still be writing its last file: try a few times.
            let mut last = None;
            for _ in 0..10 {
                match fs::remove_dir_all(&partial) {
                    Ok(()) => return Ok(format!("the incomplete backup {} was removed", partial.display())),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(String::new()),
                    Err(e) => last = Some(e),
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(format!(
                "the incomplete backup {} could not be removed ({}); `backup prune` removes it after a day",
                partial.display(),
                last.map(|e| e.to_string()).unwrap_or_default()
            ))
        });
    }
}

/// Make a partial backup complete: fsync its files, rename it, fsync the folder.
fn complete(partial: &Path, done: &Path, m: &Manifest) -> Result<()> {
    let dump = m.dump_path(partial);
    match m.dump_format {
        DumpFormat::Directory => manifest::sync_dir(&dump),
        DumpFormat::Custom => {
            if let Ok(f) = fs::File::open(&dump) {
                let _ = f.sync_all();
            }
        }
    }
    manifest::sync_dir(partial);
    fs::rename(partial, done)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), done.display()))?;
    if let Some(parent) = done.parent() {
        manifest::sync_dir(parent);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn verify_lines_read_problems_and_drift() {
        let v = serde_json::json!({
            "ok": false,
            "problems": ["V2 was modified"],
            "drift": [{"object": "index ix_demands_status", "problem": "missing"}],
        });
        assert_eq!(super::verify_lines(&v), ["V2 was modified", "index ix_demands_status: missing"]);
    }
}
