//! Removing a partition wholly older than the cut-off: detach it (CONCURRENTLY where the server
//! allows: 14+, no default partition), dump it with pg_dump when an archive folder is given, and
//! drop it. Rows by the million go in one catalog change instead of a row-by-row DELETE.
//!
//! Every step can be interrupted and resumed: a detached partition waiting to be archived or
//! dropped carries a comment ([`MARKER`]) naming its former parent and the archive folder, so the
//! next run finds it and finishes the job; a `DETACH … CONCURRENTLY` cut short (the partition is
//! left "detach pending") is finished with `DETACH … FINALIZE`. Without an archive, a partition
//! that cannot be detached concurrently is simply dropped, in one statement.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::admin::backup::manifest::sync_dir;
use crate::admin::backup::tools::{self, ChildConn};
use crate::connect::Db;
use crate::error::PgContext;
use crate::maintenance::in_short_transaction;
use crate::maintenance::table::Table;
use crate::sql::quote_literal;

/// The comment that marks a table detached by `retention` and not dropped yet.
pub const MARKER: &str = "towow-db retention: detached from ";
const ARCHIVE_TAG: &str = "; archive: ";

/// The marker of a partition of `parent` (archived into `archive` before it is dropped).
pub fn marker(parent: &Table, archive: Option<&Path>) -> String {
    let mut m = format!("{MARKER}{}; to be dropped", parent.display());
    if let Some(a) = archive {
        m.push_str(&format!("{ARCHIVE_TAG}{}", a.display()));
    }
    m
}

/// The archive folder a marker names.
pub fn marker_archive(comment: &str) -> Option<PathBuf> {
    comment.split_once(ARCHIVE_TAG).map(|(_, a)| PathBuf::from(a))
}

/// What dropping one partition did.
#[derive(Debug, Clone, Serialize)]
pub struct Dropped {
    pub partition: String,
    pub parent: String,
    /// The planner's row count (`reltuples`): counting would hold a snapshot for a whole scan.
    pub rows_estimate: Option<i64>,
    /// Table, indexes and TOAST.
    pub bytes: i64,
    /// What was done: `dropped`, `detached concurrently, dropped`, `detach finished, dropped`,
    /// `dropped (detached by an earlier run)`.
    pub done: String,
    /// The pg_dump archive (custom format), when asked for.
    pub archive: Option<PathBuf>,
    /// Detach, dump and drop, in milliseconds.
    pub millis: u64,
}

/// How this run removes a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum How {
    /// Attached: detach (concurrently or not) and drop.
    Attached { concurrently: bool },
    /// A `DETACH … CONCURRENTLY` left pending: finish it first.
    Pending,
    /// Already detached by an earlier run (it carries the marker).
    Detached,
}

/// Size and rows: `reltuples`, or the statistics' live rows where it is unknown (never analyzed).
pub const SIZE_SQL: &str = "SELECT pg_total_relation_size(c.oid)::int8 AS bytes, \
       CASE WHEN c.reltuples > 0 THEN c.reltuples::int8 ELSE s.n_live_tup END AS rows_estimate \
     FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = $1::int8::oid";

/// Remove `part` of `parent`: detach, archive (when `archive` is given), drop.
pub async fn remove(
    db: &Db,
    client: &Client,
    part: &Table,
    parent: &Table,
    how: &How,
    archive: Option<&Path>,
    lock_timeout: Duration,
) -> Result<Dropped> {
    let started = Instant::now();
    let r = client
        .query_typed_one(SIZE_SQL, &[(&part.oid, Type::INT8)])
        .await
        .pg_context(format!("cannot read the size of {}", part.display()))?;
    let (bytes, rows_estimate): (i64, Option<i64>) = (r.try_get("bytes")?, r.try_get("rows_estimate")?);
    let (p, c) = (parent.sql(), part.sql());
    let comment = format!("COMMENT ON TABLE {c} IS {}", quote_literal(&marker(parent, archive)));
    match how {
        How::Attached { concurrently: true } => {
            // Mark first (the detach cannot share a transaction), then detach without blocking
            // the application: the waits for its transactions use the session's long lock_timeout.
            in_short_transaction(
                client,
                &comment,
                lock_timeout,
                &format!("mark {} for detaching", part.display()),
            )
            .await?;
            client
                .batch_execute(&format!("ALTER TABLE {p} DETACH PARTITION {c} CONCURRENTLY"))
                .await
                .pg_context(format!(
                    "cannot detach {} concurrently (run again: the next run finishes the detach)",
                    part.display()
                ))?;
        }
        // Nothing to archive: dropping a partition detaches it, in one statement (below).
        How::Attached { concurrently: false } if archive.is_none() => {}
        How::Attached { concurrently: false } => {
            in_short_transaction(
                client,
                &format!("ALTER TABLE {p} DETACH PARTITION {c}; {comment}"),
                lock_timeout,
                &format!("detach {}", part.display()),
            )
            .await?;
        }
        How::Pending => {
            client
                .batch_execute(&format!("ALTER TABLE {p} DETACH PARTITION {c} FINALIZE"))
                .await
                .pg_context(format!("cannot finish detaching {}", part.display()))?;
            // Mark it, should this run stop before the drop.
            in_short_transaction(client, &comment, lock_timeout, &format!("mark {}", part.display())).await?;
        }
        How::Detached => {}
    }
    let archived = match archive {
        Some(dir) => Some(dump(db, part, dir).await.map_err(|e| {
            e.context(format!(
                "{} is detached but kept (marked for the next run, which archives and drops it)",
                part.display()
            ))
        })?),
        None => None,
    };
    in_short_transaction(
        client,
        &format!("DROP TABLE {c}"),
        lock_timeout,
        &format!("drop {}", part.display()),
    )
    .await?;
    Ok(done(part, parent, rows_estimate, bytes, how, archived, started))
}

fn done(
    part: &Table,
    parent: &Table,
    rows_estimate: Option<i64>,
    bytes: i64,
    how: &How,
    archive: Option<PathBuf>,
    started: Instant,
) -> Dropped {
    let done = match how {
        How::Attached { concurrently: true } => "detached concurrently, dropped",
        How::Attached { concurrently: false } => "dropped",
        How::Pending => "detach finished, dropped",
        How::Detached => "dropped (detached by an earlier run)",
    };
    Dropped {
        partition: part.display(),
        parent: parent.display(),
        rows_estimate,
        bytes,
        done: done.to_string(),
        archive,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// A pg_dump table pattern naming exactly `t` (quoted: no wildcard, no case folding).
fn dump_pattern(t: &Table) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    format!("{}.{}", q(&t.schema), q(&t.name))
}

/// A file name for `t`'s archive in `dir` that is not taken yet.
fn archive_path(dir: &Path, t: &Table) -> PathBuf {
    let safe = |s: &str| s.chars().map(|c| if c == '/' || c == '\0' { '_' } else { c }).collect::<String>();
    let base = format!("{}.{}", safe(&t.schema), safe(&t.name));
    let mut path = dir.join(format!("{base}.dump"));
    let mut n = 1;
    while path.exists() {
        path = dir.join(format!("{base}.{n}.dump"));
        n += 1;
    }
    path
}

/// Check, before anything is detached, that an archive can be written: pg_dump and pg_restore
/// for this server are found and the folder can be created.
pub async fn check_archive(server_version: i32, dir: &Path) -> Result<()> {
    tools::find((server_version / 10000) as u32).await?;
    let dir = dir.to_path_buf();
    blocking(move || {
        create_archive_dir(&dir)?;
        let probe = dir.join(format!(".towow-db-write-test-{}", std::process::id()));
        std::fs::write(&probe, b"")
            .with_context(|| format!("cannot write into the archive folder {}", dir.display()))?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    })
    .await
}

/// File system work (a folder made, a multi-GB dump synced) on a blocking thread, not on the
/// runtime's one, where it would stall the connections and Ctrl-C.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await?
}

/// Dump `t` with pg_dump (custom format) into `dir`, check that pg_restore reads its data back,
/// and only then give it its final name. The password reaches pg_dump through an in-memory
/// password file only (see `admin::backup::tools`).
pub async fn dump(db: &Db, t: &Table, dir: &Path) -> Result<PathBuf> {
    let client = db.get().await?;
    let version = crate::maintenance::table::server_version(&client).await?;
    drop(client);
    let bindir = tools::find((version / 10000) as u32).await?;
    let (folder, table) = (dir.to_path_buf(), t.clone());
    let (path, partial) = blocking(move || {
        create_archive_dir(&folder)?;
        let path = archive_path(&folder, &table);
        let partial = path.with_extension("dump.partial");
        // The rows are only for the archive's owner: made 0600 before pg_dump writes into it (it
        // keeps an existing file's mode), and deleted if the dump is abandoned (an error, Ctrl-C).
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        Ok((path, partial))
    })
    .await?;
    let mut partial_guard = RemoveOnDrop(Some(partial.clone()));
    let mut cmd = tokio::process::Command::new(bindir.program("pg_dump"));
    cmd.arg("--format=custom")
        .arg("--no-password")
        .arg("--lock-wait-timeout=30000")
        .arg(format!("--table={}", dump_pattern(t)))
        .arg("--file")
        .arg(&partial);
    // The connection (and its in-memory password file) must outlive the child.
    let conn = ChildConn::new(&db.cfg, bindir.major)?;
    conn.apply(&mut cmd);
    let what = format!("pg_dump of {}", t.display());
    let dumped = tools::run(cmd, &what, |_| {}).await;
    drop(conn);
    dumped?;
    let listed = tokio::process::Command::new(bindir.program("pg_restore"))
        .arg("--list")
        .arg(&partial)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .with_context(|| format!("cannot run pg_restore --list on {}", partial.display()))?;
    let toc = String::from_utf8_lossy(&listed.stdout);
    let data_line = format!(" TABLE DATA {} {} ", t.schema, t.name);
    if !listed.status.success() || !toc.contains(&data_line) {
        bail!(
            "the archive {} does not hold the data of {} (pg_restore --list: {}); the partition was kept",
            partial.display(),
            t.display(),
            String::from_utf8_lossy(&listed.stderr).trim()
        );
    }
    let (from, to, folder) = (partial.clone(), path.clone(), dir.to_path_buf());
    blocking(move || {
        std::fs::File::open(&from)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("cannot write {}", from.display()))?;
        std::fs::rename(&from, &to).with_context(|| format!("cannot rename {}", from.display()))?;
        sync_dir(&folder);
        Ok(())
    })
    .await?;
    partial_guard.0 = None;
    Ok(path)
}

/// Deletes a file when dropped, unless disarmed (its path taken).
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The archive folder, created 0700 when missing (what it holds are the rows).
fn create_archive_dir(dir: &Path) -> Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the archive folder {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(schema: &str, name: &str) -> Table {
        Table { oid: 1, schema: schema.into(), name: name.into(), partitioned: false }
    }

    #[test]
    fn markers_name_the_parent_and_the_archive() {
        let m = marker(&t("public", "messages"), Some(Path::new("/srv/archive")));
        assert_eq!(
            m,
            "towow-db retention: detached from public.messages; to be dropped; archive: /srv/archive"
        );
        assert_eq!(marker_archive(&m), Some(PathBuf::from("/srv/archive")));
        assert_eq!(marker_archive(&marker(&t("public", "messages"), None)), None);
    }

    #[test]
    fn dump_patterns_are_literal() {
        assert_eq!(dump_pattern(&t("My.S", "m*_\"x")), "\"My.S\".\"m*_\"\"x\"");
    }
}
