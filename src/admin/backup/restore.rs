//! Restoring a backup: what the restore drill (`backup verify`) and `backup restore` share
//! (checksums first, a `pg_restore` that can read the archive, parallel `pg_restore`, row counts
//! compared with the manifest), and `backup restore` itself.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::create;
use super::manifest::{self, Manifest};
use super::store::Entry;
use super::tools::{self, ChildConn};
use crate::admin::pgbin::Bindir;
use crate::connect::Db;
use crate::error::PgContext;
use crate::migrate;

/// A backup whose files match their checksums, and the `pg_restore` that reads it.
#[derive(Debug, Clone)]
pub struct Checked {
    pub name: String,
    pub folder: std::path::PathBuf,
    pub manifest: Manifest,
    pub files_checked: usize,
}

/// Check every file of a backup against its manifest (on `threads` threads). `Err` lists the
/// files that differ (the backup's name and each file, one line each).
pub async fn checksums(entry: &Entry, threads: usize) -> Result<std::result::Result<Checked, Vec<String>>> {
    let Some(m) = entry.manifest.clone() else {
        bail!(
            "backup `{}` has no readable manifest: {}",
            entry.name,
            entry.problem.clone().unwrap_or_default()
        );
    };
    let folder = entry.path.clone();
    let m2 = m.clone();
    let problems =
        tokio::task::spawn_blocking(move || manifest::check_files(&folder, &m2, threads)).await??;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(Checked {
        name: entry.name.clone(),
        folder: entry.path.clone(),
        files_checked: m.files.len(),
        manifest: m,
    }))
}

/// The `pg_restore` for this backup: the archive's `pg_dump` major or newer.
pub async fn tools_for(m: &Manifest) -> Result<Bindir> {
    tools::find(m.pg_dump.major.max(m.server.major())).await
}

/// Refuse a target server older than the backup's (pg_dump's output is not meant for older
/// servers).
pub async fn check_target_server(client: &Client, m: &Manifest) -> Result<i32> {
    let v = crate::connect::server_version_num(client).await?;
    if v / 10000 < m.server.version_num / 10000 {
        bail!(
            "the target server is PostgreSQL {}, older than the backup's server (PostgreSQL {}): a dump restores \
             into the same major or a newer one; restore into a PostgreSQL {} or newer server (for a drill: \
             `backup verify --into URL`)",
            v / 10000,
            m.server.major(),
            m.server.major()
        );
    }
    Ok(v)
}

/// Run `pg_restore --jobs` of the dump of `backup` (in its folder) into `dbname` with `args`
/// added: a directory or a custom-format file, both restored in parallel. Returns its time.
pub async fn pg_restore(
    bindir: &Bindir,
    conn: &ChildConn,
    dbname: &str,
    backup: &Checked,
    jobs: u32,
    args: &[&str],
) -> Result<Duration> {
    let mut cmd = tokio::process::Command::new(bindir.program("pg_restore"));
    cmd.arg(format!("--jobs={}", jobs.max(1)))
        .arg("--exit-on-error")
        .arg("--no-password")
        .args(args)
        .arg("--dbname")
        .arg(tools::dbname_conninfo(dbname))
        .arg(backup.manifest.dump_path(&backup.folder));
    conn.apply(&mut cmd);
    let t = Instant::now();
    tools::run(cmd, "pg_restore", |_| {}).await?;
    Ok(t.elapsed())
}

/// One table of the manifest, compared after a restore.
#[derive(Debug, Clone, Serialize)]
pub struct TableCheck {
    pub table: String,
    /// The manifest's count (exact) or estimate.
    pub expected: Option<i64>,
    /// The restored count (for exact tables), None when the table is missing or not counted.
    pub found: Option<i64>,
    pub exact: bool,
    pub present: bool,
    pub ok: bool,
}

const PRESENT_SQL: &str = "SELECT n.nspname::text || '.' || c.relname::text FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm')";

/// Compare the restored database with the manifest: every table present, its rows counted and
/// equal to the manifest's (a partitioned table's: the sum of its partitions' found here). An
/// older backup's estimates are not compared (`found` stays empty).
pub async fn compare_tables(client: &Client, m: &Manifest) -> Result<Vec<TableCheck>> {
    let present: Vec<String> = client
        .query_typed(PRESENT_SQL, &[])
        .await
        .pg_context("cannot list the restored tables")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out: Vec<TableCheck> = Vec::new();
    for t in m.tables.iter().filter(|t| !t.partitioned) {
        let here = present.contains(&t.qualified());
        let found =
            if here && t.exact { Some(create::count(client, &t.schema, &t.table).await?) } else { None };
        out.push(check(t, here, found));
    }
    for t in m.tables.iter().filter(|t| t.partitioned) {
        let here = present.contains(&t.qualified());
        let found = if here && t.exact { Some(partitions_rows(client, t, &out).await?) } else { None };
        out.push(check(t, here, found));
    }
    // In the manifest's order.
    out.sort_by_key(|c| m.tables.iter().position(|t| t.qualified() == c.table));
    Ok(out)
}

fn check(t: &manifest::TableRows, present: bool, found: Option<i64>) -> TableCheck {
    TableCheck {
        table: t.qualified(),
        expected: t.rows,
        found,
        exact: t.exact,
        present,
        ok: present && (!t.exact || found == t.rows),
    }
}

/// The rows of a restored partitioned table: its leaf partitions' counts (counted already when
/// the manifest lists them).
async fn partitions_rows(client: &Client, t: &manifest::TableRows, counted: &[TableCheck]) -> Result<i64> {
    let q = crate::sql::qualified(&t.schema, &t.table);
    let leaves = client
        .query_typed(
            "SELECT n.nspname::text || '.' || c.relname::text AS name, n.nspname::text AS schema, c.relname::text AS table \
             FROM pg_partition_tree($1::text::regclass) p JOIN pg_class c ON c.oid = p.relid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.isleaf",
            &[(&q, Type::TEXT)],
        )
        .await
        .pg_context(format!("cannot list the partitions of {q}"))?;
    let mut sum = 0;
    for l in &leaves {
        let name: String = l.try_get("name")?;
        sum += match counted.iter().find(|c| c.table == name).and_then(|c| c.found) {
            Some(n) => n,
            None => {
                create::count(client, &l.try_get::<_, String>("schema")?, &l.try_get::<_, String>("table")?)
                    .await?
            }
        };
    }
    Ok(sum)
}

/// How many tables' row counts were compared (the others hold an older backup's estimates).
pub fn compared(checks: &[TableCheck]) -> usize {
    checks.iter().filter(|c| c.found.is_some()).count()
}

/// The differences of a table comparison, one line each.
pub fn table_problems(checks: &[TableCheck]) -> Vec<String> {
    checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| {
            if !c.present {
                format!("table {}: missing after the restore", c.table)
            } else {
                format!(
                    "table {}: {} rows restored, the manifest says {}",
                    c.table,
                    c.found.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                    c.expected.map(|n| n.to_string()).unwrap_or_else(|| "?".into())
                )
            }
        })
        .collect()
}

/// What `backup restore` checked before restoring: the backup, and what the target already holds.
#[derive(Debug)]
pub struct RestorePlan {
    pub backup: Checked,
    pub bindir: Bindir,
    pub database: String,
    /// Tables of the target that the restore would replace (`schema.table (N rows)`).
    pub conflicts: Vec<String>,
    /// The target database, when this run created it.
    pub created: Option<CreatedDatabase>,
}

const CONFLICTS_SQL: &str = "SELECT n.nspname::text, c.relname::text, \
       n.nspname = current_schema() AND c.relname::text = ANY($2) \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE c.relkind IN ('r', 'p', 'm') \
       AND (n.nspname::text || '.' || c.relname::text = ANY($1) \
            OR (n.nspname = current_schema() AND c.relname::text = ANY($2))) \
     ORDER BY 1, 2";

/// Check the backup's files and the target before `backup restore` changes anything.
pub async fn plan(entry: &Entry, target: &Db, threads: usize) -> Result<RestorePlan> {
    let backup = match checksums(entry, threads).await? {
        Ok(c) => c,
        Err(problems) => {
            bail!("backup `{}` is damaged, nothing was restored:\n  {}", entry.name, problems.join("\n  "))
        }
    };
    let bindir = tools_for(&backup.manifest).await?;
    // A target database that does not exist is created only once the server is known to take
    // this backup: a refusal leaves nothing behind.
    let major = backup.manifest.server.major();
    let why = format!(
        "the target server is older than the backup's server (PostgreSQL {major}): a dump restores into the \
         same major or a newer one; restore into a PostgreSQL {major} or newer server"
    );
    let created =
        crate::connect::pool::ensure_database(&target.cfg, &target.opts, Some((major as i32 * 10000, &why)))
            .await?;
    // From here, a database this run created is dropped again unless the restore completes
    // (an error, Ctrl-C, SIGTERM), and marked until then (a kill -9 leaves it marked).
    let mut created = created.then(|| CreatedDatabase::new(target, &backup.name));
    let client = target.get().await?;
    let version = check_target_server(&client, &backup.manifest).await?;
    if let Some(c) = &mut created {
        c.mark(&client, version).await?;
    }
    let names: Vec<String> = backup.manifest.tables.iter().map(|t| t.qualified()).collect();
    let towow: Vec<String> = migrate::TOWOW_TABLES.iter().map(|s| s.to_string()).collect();
    let rows = client
        .query_typed(CONFLICTS_SQL, &[(&names, Type::TEXT_ARRAY), (&towow, Type::TEXT_ARRAY)])
        .await
        .pg_context("cannot list the target's tables")?;
    let mut conflicts = Vec::new();
    for r in rows {
        let (schema, table): (String, String) = (r.get(0), r.get(1));
        let n = create::count(&client, &schema, &table).await?;
        conflicts.push(format!("{schema}.{table} ({n} rows)"));
    }
    Ok(RestorePlan { backup, bindir, database: target.cfg.dbname_or_default(), conflicts, created })
}

/// A database that `backup restore` created, until the restore completes: marked with a comment
/// (`migrate::INCOMPLETE_RESTORE`, which every migrate command refuses), and dropped when dropped
/// itself before [`CreatedDatabase::complete`] (an error, an interrupt: see `interrupt`).
#[derive(Debug)]
pub struct CreatedDatabase {
    name: String,
    backup: String,
    cfg: crate::connect::ConnConfig,
    opts: crate::connect::ConnectOptions,
    version_num: i32,
    done: bool,
}

impl CreatedDatabase {
    fn new(target: &Db, backup: &str) -> CreatedDatabase {
        CreatedDatabase {
            name: target.cfg.dbname_or_default(),
            backup: backup.to_string(),
            cfg: target.cfg.clone(),
            opts: target.opts.clone(),
            version_num: 0,
            done: false,
        }
    }

    async fn mark(&mut self, client: &Client, version_num: i32) -> Result<()> {
        self.version_num = version_num;
        let comment = format!(
            "{} of backup {} (started {}): towow-db drops it when the restore fails or is interrupted; a killed run leaves it",
            migrate::INCOMPLETE_RESTORE,
            self.backup,
            chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
        );
        client
            .batch_execute(&format!(
                "COMMENT ON DATABASE {} IS {}",
                crate::sql::quote_ident(&self.name),
                crate::sql::quote_literal(&comment)
            ))
            .await
            .pg_context("cannot mark the new database as a restore in progress")
    }

    /// The restore completed: unmark the database and keep it.
    async fn complete(mut self, client: &Client) -> Result<()> {
        client
            .batch_execute(&format!("COMMENT ON DATABASE {} IS NULL", crate::sql::quote_ident(&self.name)))
            .await
            .pg_context("cannot clear the restore's mark on the new database")?;
        self.done = true;
        Ok(())
    }
}

impl Drop for CreatedDatabase {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let (name, version, cfg, opts) =
            (self.name.clone(), self.version_num, self.cfg.clone(), self.opts.clone());
        crate::interrupt::defer(crate::interrupt::Stage::Resources, async move {
            let dropped = async {
                let mut maint = cfg.clone();
                maint.dbname = Some("postgres".into());
                let db = Db::new(maint, opts)?;
                let admin = db.get().await?;
                crate::migrate::throwaway::drop_database(&admin, &name, version).await.pg_context("")
            };
            match dropped.await {
                Ok(()) => Ok(format!("the database \"{name}\" that the restore created was dropped")),
                Err(e) => Err(format!(
                    "the database \"{name}\" that the restore created could not be dropped ({}): it is marked as an incomplete restore; drop it by hand",
                    crate::error::render(&e)
                )),
            }
        });
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub backup: String,
    pub database: String,
    pub target: String,
    pub cleaned: bool,
    pub restore_ms: u64,
    pub tables: Vec<TableCheck>,
}

/// What `backup restore` passes to pg_restore besides the connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct RestoreOptions {
    pub jobs: u32,
    /// Drop the backup's objects in the target first (`pg_restore --clean --if-exists`).
    pub clean: bool,
    pub no_owner: bool,
    pub no_privileges: bool,
}

/// Restore a planned backup into the target (after the caller's confirmation when it replaces
/// tables), then compare the row counts with the manifest.
pub async fn restore(mut plan: RestorePlan, target: &Db, o: RestoreOptions) -> Result<RestoreReport> {
    if !plan.conflicts.is_empty() && !o.clean {
        bail!(
            "database \"{}\" already holds tables of this backup: {}; restore into an empty database, or pass \
             --clean to replace them",
            plan.database,
            plan.conflicts.join(", ")
        );
    }
    let conn = ChildConn::new(&target.cfg, plan.bindir.major)?;
    let mut args = Vec::new();
    if o.clean {
        args.extend(["--clean", "--if-exists"]);
    }
    if o.no_owner {
        args.push("--no-owner");
    }
    if o.no_privileges {
        args.push("--no-privileges");
    }
    let what_left = if plan.created.is_some() {
        "the database this restore created is dropped"
    } else {
        "the database holds what was restored before the error"
    };
    let took =
        pg_restore(&plan.bindir, &conn, &plan.database, &plan.backup, o.jobs, &args).await.map_err(|e| {
            e.context(format!(
                "restoring backup `{}` into database \"{}\" failed part way: {what_left}",
                plan.backup.name, plan.database
            ))
        })?;
    let client = target.get().await?;
    let tables = compare_tables(&client, &plan.backup.manifest).await?;
    let problems = table_problems(&tables);
    if !problems.is_empty() {
        bail!(
            "the restored database differs from the backup's manifest ({what_left}):\n  {}",
            problems.join("\n  ")
        );
    }
    if let Some(c) = plan.created.take() {
        c.complete(&client).await?;
    }
    Ok(RestoreReport {
        backup: plan.backup.name.clone(),
        database: plan.database.clone(),
        target: target.cfg.describe(),
        cleaned: o.clean,
        restore_ms: took.as_millis() as u64,
        tables,
    })
}
