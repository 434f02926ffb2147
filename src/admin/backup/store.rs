//! The backup folder: one sub-folder per backup (`<name>/manifest.json` and `<name>/dump/`), a
//! backup being written under `<name>.partial/` (renamed only when complete), and what state each
//! one is in.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::manifest::{self, Manifest, Verification};

/// Environment variable naming the backup folder (`--dir` wins).
pub const DIR_ENV: &str = "TOWOW_BACKUP_DIR";
/// The suffix of a backup being written.
pub const PARTIAL: &str = ".partial";
/// The lock file a running `backup create` holds inside its partial folder.
const LOCK: &str = ".towow-db-writing";

/// The default backup folder: `$TOWOW_BACKUP_DIR`, else `$XDG_DATA_HOME/towow-db/backups` (or
/// `~/.local/share/towow-db/backups`); for root `/var/lib/towow-db/backups`.
pub fn default_dir() -> PathBuf {
    if let Some(d) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    crate::admin::user_data_dir("backups", "backups")
}

/// Create the backup folder (mode 0700: dumps hold the data) if it does not exist.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the backup folder {}", dir.display()))
}

/// A new backup's name: `<database>-<UTC time>` (e.g. `towow-20260601T120000Z`), with `-2`, `-3`…
/// when taken.
pub fn new_name(dir: &Path, database: &str, at: DateTime<Utc>) -> String {
    let db: String = database
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    let base = format!("{db}-{}", at.format("%Y%m%dT%H%M%SZ"));
    let taken = |n: &str| dir.join(n).exists() || dir.join(format!("{n}{PARTIAL}")).exists();
    let mut name = base.clone();
    let mut i = 2;
    while taken(&name) {
        name = format!("{base}-{i}");
        i += 1;
    }
    name
}

/// An exclusive lock held by the `backup create` writing a partial folder.
pub struct WriteLock(#[allow(dead_code, reason = "held for its lock")] fs::File, PathBuf);

impl WriteLock {
    pub fn take(partial: &Path) -> Result<WriteLock> {
        let p = partial.join(LOCK);
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&p)
            .with_context(|| format!("cannot create {}", p.display()))?;
        if f.try_lock().is_err() {
            bail!("{} is being written by another towow-db", partial.display());
        }
        Ok(WriteLock(f, p))
    }

    /// Remove the lock file (before the rename that completes the backup); the lock holds until
    /// drop.
    pub fn remove_file(&self) -> Result<()> {
        fs::remove_file(&self.1).with_context(|| format!("cannot remove {}", self.1.display()))
    }
}

/// Whether a `backup create` still writes `partial` (it holds the lock).
pub fn being_written(partial: &Path) -> bool {
    let Ok(f) = fs::File::open(partial.join(LOCK)) else { return false };
    // Released when `f` closes.
    f.try_lock().is_err()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Written to the end, every file present with its size.
    Complete,
    /// A folder under the temporary name: interrupted, or still being written.
    Incomplete,
    /// The manifest is unreadable, a file is missing or has another size, or the last drill found
    /// a checksum mismatch.
    Corrupt,
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            State::Complete => "complete",
            State::Incomplete => "incomplete",
            State::Corrupt => "corrupt",
        })
    }
}

/// One backup in the folder, as `backup list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub name: String,
    #[serde(skip)]
    pub path: PathBuf,
    pub state: State,
    /// Why it is incomplete or corrupt.
    pub problem: Option<String>,
    /// An incomplete backup whose `backup create` still runs.
    pub running: bool,
    pub database: Option<String>,
    /// pg_dump's format (from the manifest).
    pub dump_format: Option<manifest::DumpFormat>,
    /// When the backup started (from the manifest), else the folder's last change.
    pub time: DateTime<Utc>,
    pub duration_ms: Option<u64>,
    /// Bytes on disk.
    pub bytes: u64,
    /// The last restore drill, if any.
    pub last_verification: Option<Verification>,
    #[serde(skip)]
    pub manifest: Option<Manifest>,
}

impl Entry {
    /// A complete backup whose last drill passed.
    pub fn verified_ok(&self) -> bool {
        self.state == State::Complete && self.last_verification.as_ref().is_some_and(|v| v.ok)
    }
}

/// Size on disk and newest modification time of everything under `p`.
fn usage(p: &Path) -> (u64, Option<std::time::SystemTime>) {
    let Ok(md) = fs::symlink_metadata(p) else { return (0, None) };
    let mut bytes = if md.is_file() { md.len() } else { 0 };
    let mut newest = md.modified().ok();
    if md.is_dir()
        && let Ok(rd) = fs::read_dir(p)
    {
        for e in rd.flatten() {
            let (b, t) = usage(&e.path());
            bytes += b;
            newest = newest.max(t);
        }
    }
    (bytes, newest)
}

fn entry(path: PathBuf, name: &str) -> Entry {
    let (bytes, newest) = usage(&path);
    let mtime: DateTime<Utc> = newest.map(DateTime::<Utc>::from).unwrap_or_default();
    if let Some(base) = name.strip_suffix(PARTIAL) {
        let running = being_written(&path);
        return Entry {
            name: base.to_string(),
            state: State::Incomplete,
            problem: Some(if running {
                "being written by a running backup create".into()
            } else {
                "interrupted before it completed".into()
            }),
            running,
            database: None,
            dump_format: None,
            time: mtime,
            duration_ms: None,
            bytes,
            last_verification: None,
            manifest: None,
            path,
        };
    }
    let (state, problem, m) = match Manifest::read(&path) {
        Err(e) => (State::Corrupt, Some(format!("{e:#}")), None),
        Ok(m) => match manifest::quick_check(&path, &m) {
            Some(p) => (State::Corrupt, Some(p), Some(m)),
            None => match m.last_verification() {
                Some(v) if !v.checksums_ok => (
                    State::Corrupt,
                    Some(format!(
                        "the drill of {} found files that differ from the manifest",
                        v.at.to_rfc3339()
                    )),
                    Some(m),
                ),
                _ => (State::Complete, None, Some(m)),
            },
        },
    };
    Entry {
        name: name.to_string(),
        state,
        problem,
        running: false,
        database: m.as_ref().map(|m| m.database.clone()),
        dump_format: m.as_ref().map(|m| m.dump_format),
        time: m.as_ref().map(|m| m.started_at).unwrap_or(mtime),
        duration_ms: m.as_ref().map(|m| m.duration_ms),
        bytes,
        last_verification: m.as_ref().and_then(|m| m.last_verification().cloned()),
        manifest: m,
        path,
    }
}

/// Every backup in `dir`, oldest first. A folder that does not exist holds none.
pub fn list(dir: &Path) -> Result<Vec<Entry>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read the backup folder {}", dir.display())),
    };
    let mut out = Vec::new();
    for e in rd {
        let e = e?;
        if !e.file_type()?.is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        // Backups only: a folder with a manifest, or a partial one.
        if !name.ends_with(PARTIAL)
            && !e.path().join(manifest::MANIFEST).exists()
            && !e.path().join(manifest::DUMP_DIR).exists()
        {
            continue;
        }
        out.push(entry(e.path(), &name));
    }
    out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// The backup named `name` in `dir` (or the folder `name` when it is a path), which must be
/// complete; `None` = the newest complete one.
pub fn resolve(dir: &Path, name: Option<&str>) -> Result<Entry> {
    let entries = list(dir)?;
    let Some(name) = name else {
        return entries.into_iter().rev().find(|e| e.state == State::Complete).with_context(|| {
            format!("no complete backup in {} (create one with `towow-db backup create`)", dir.display())
        });
    };
    let e = if name.contains('/') {
        let path = PathBuf::from(name);
        let n = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !path.is_dir() {
            bail!("no backup folder {name}");
        }
        entry(path, &n)
    } else {
        match entries.into_iter().find(|e| e.name == name) {
            Some(e) => e,
            None => bail!("no backup named `{name}` in {} (see `towow-db backup list`)", dir.display()),
        }
    };
    match e.state {
        State::Complete => Ok(e),
        State::Incomplete => bail!("backup `{}` is incomplete ({})", e.name, e.problem.unwrap_or_default()),
        State::Corrupt if e.manifest.is_some() => Ok(e),
        State::Corrupt => bail!("backup `{}` is corrupt: {}", e.name, e.problem.unwrap_or_default()),
    }
}

/// Append a drill's outcome to the backup's manifest. Drills that end at once take turns (a lock
/// on the backup's folder), so that none loses another's outcome.
pub fn record(folder: &Path, v: Verification) -> Result<Manifest> {
    let dir = fs::File::open(folder).with_context(|| format!("cannot open {}", folder.display()))?;
    // Released when `dir` closes.
    dir.lock().with_context(|| format!("cannot lock {}", folder.display()))?;
    let mut m = Manifest::read(folder)?;
    m.verifications.push(v);
    m.write(folder)?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_never_collide() {
        let tmp = crate::test_support::TempDir::new("store-test");
        let dir = tmp.path();
        ensure_dir(dir).unwrap();
        let at = DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(new_name(dir, "to wow", at), "to_wow-20260601T120000Z");
        fs::create_dir(dir.join("to_wow-20260601T120000Z.partial")).unwrap();
        assert_eq!(new_name(dir, "to wow", at), "to_wow-20260601T120000Z-2");
        let lock = WriteLock::take(&dir.join("to_wow-20260601T120000Z.partial")).unwrap();
        let l = list(dir).unwrap();
        assert_eq!((l.len(), l[0].state, l[0].running), (1, State::Incomplete, true));
        drop(lock);
        assert!(!list(dir).unwrap()[0].running);
    }

    #[test]
    fn concurrent_records_are_all_kept() {
        let tmp = crate::test_support::TempDir::new("store-record");
        let dir = tmp.path();
        ensure_dir(dir).unwrap();
        manifest::sample().write(dir).unwrap();
        let (threads, each) = (8, 25);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for _ in 0..each {
                        let v = Verification {
                            at: Utc::now(),
                            ok: true,
                            checksums_ok: true,
                            restore_ms: None,
                            into: String::new(),
                            problems: vec![],
                        };
                        record(dir, v).unwrap();
                    }
                });
            }
        });
        assert_eq!(Manifest::read(dir).unwrap().verifications.len(), threads * each);
        let names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [manifest::MANIFEST], "no temporary file is left");
    }
}
