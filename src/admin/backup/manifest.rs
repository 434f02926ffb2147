//! The manifest beside every dump (`manifest.json`): what was backed up, from which server, with
//! which `pg_dump`, in which format and compression, how many rows in every table, the sha256 of
//! every file, and every restore drill since.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The `pg_dump --format=directory` output inside a backup folder.
pub const DUMP_DIR: &str = "dump";
/// The manifest's `format` value of a directory-format backup (what every towow-db reads).
pub const FORMAT: &str = "towow-db-backup/1";
/// The manifest's `format` value of a custom-format backup: an older towow-db, which knows only
/// the directory format, refuses it by name rather than call it damaged.
pub const FORMAT_2: &str = "towow-db-backup/2";
/// How pg_dump compresses a dump (`--compress=6`: gzip at zlib's default level, the level
/// pg_dump itself uses by default for both formats), as the manifest states it.
pub const COMPRESSION: &str = "gzip:6";

/// pg_dump's output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DumpFormat {
    /// `pg_dump -Fd`: a folder of files, dumped and restored in parallel (`--jobs`).
    #[default]
    #[value(alias = "d")]
    Directory,
    /// `pg_dump -Fc`: one `.dump` file, as most restore scripts and tools take (dumped by one
    /// job; restored in parallel).
    #[value(alias = "c")]
    Custom,
}

impl DumpFormat {
    /// pg_dump's `--format` value.
    pub fn pg_dump_arg(self) -> &'static str {
        match self {
            DumpFormat::Directory => "--format=directory",
            DumpFormat::Custom => "--format=custom",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DumpFormat::Directory => "directory",
            DumpFormat::Custom => "custom",
        }
    }

    /// The manifest's `format` value for a backup in this format.
    pub fn manifest_format(self) -> &'static str {
        match self {
            DumpFormat::Directory => FORMAT,
            DumpFormat::Custom => FORMAT_2,
        }
    }

    /// Where the dump of backup `name` is, relative to its folder: `dump/`, or `<name>.dump`.
    pub fn relative_path(self, name: &str) -> String {
        match self {
            DumpFormat::Directory => DUMP_DIR.to_string(),
            DumpFormat::Custom => format!("{name}.dump"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub name: String,
    pub database: String,
    pub server: ServerInfo,
    pub pg_dump: ToolInfo,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub duration_ms: u64,
    pub jobs: u32,
    /// pg_dump's format (`directory` for backups that predate the choice).
    #[serde(default)]
    pub dump_format: DumpFormat,
    /// How the dump is compressed (`gzip:6`; absent in older backups: pg_dump's default, gzip).
    #[serde(default)]
    pub compression: Option<String>,
    pub migrations: MigrationState,
    /// Every table, its rows counted exactly in the dump's snapshot (backups of older towow-db
    /// versions: the planner's estimate for tables that were not ToWow's, `exact: false`).
    pub tables: Vec<TableRows>,
    pub database_size_bytes: i64,
    /// The dump's size on disk (the sum of `files`).
    pub dump_bytes: u64,
    pub files: Vec<FileSum>,
    /// Every restore drill of this backup, oldest first.
    #[serde(default)]
    pub verifications: Vec<Verification>,
}

/// Where the backup came from (never a password).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// `SELECT version()`.
    pub version: String,
    pub version_num: i32,
    pub encoding: String,
}

impl ServerInfo {
    pub fn major(&self) -> u32 {
        (self.version_num / 10000).max(0) as u32
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    pub path: PathBuf,
    pub version: String,
    pub major: u32,
}

/// The schema's state at backup time, from `migrate verify`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MigrationState {
    /// The highest applied migration (None: no history table).
    pub applied_version: Option<i32>,
    /// Whether `migrate verify` passed (None: it could not run, see `error`).
    pub verified: Option<bool>,
    /// What `migrate verify` found (problems and drift), one line each.
    pub differences: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRows {
    pub schema: String,
    pub table: String,
    /// The row count (None: an older backup's estimate of a table never analyzed).
    pub rows: Option<i64>,
    /// `count(*)` in the dump's snapshot (every table since towow-db counts them all), or an
    /// older backup's planner estimate (`reltuples`).
    pub exact: bool,
    /// A partitioned table: its rows are its partitions' (each listed, and counted, too).
    #[serde(default)]
    pub partitioned: bool,
}

impl TableRows {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.table)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// Relative to the backup folder, e.g. `dump/toc.dat`.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// One restore drill (`backup verify`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verification {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub checksums_ok: bool,
    /// Time pg_restore took (None when it did not run).
    pub restore_ms: Option<u64>,
    /// The server the scratch database was on (no password).
    pub into: String,
    /// What differed; empty when `ok`.
    pub problems: Vec<String>,
}

impl Manifest {
    pub fn read(folder: &Path) -> Result<Manifest> {
        let p = folder.join(MANIFEST);
        let text = crate::files::read_text(&p, crate::files::LARGE_LIMIT)
            .with_context(|| format!("cannot read {}", p.display()))?;
        let m: Manifest =
            serde_json::from_str(&text).with_context(|| format!("{} is damaged", p.display()))?;
        if m.format != m.dump_format.manifest_format() {
            bail!(
                "{} has format `{}`; this towow-db reads `{FORMAT}` (directory format) and `{FORMAT_2}` (custom format)",
                p.display(),
                m.format
            );
        }
        Ok(m)
    }

    /// The dump inside the backup folder `folder`: the directory, or the one file.
    pub fn dump_path(&self, folder: &Path) -> PathBuf {
        folder.join(self.dump_format.relative_path(&self.name))
    }

    /// Write the manifest atomically: a temporary file of this writer's own (two drills may write
    /// at once), fsync, rename. A reader sees the old manifest or the new one, never a mix.
    pub fn write(&self, folder: &Path) -> Result<()> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let p = folder.join(MANIFEST);
        let tmp = folder.join(format!(
            "{MANIFEST}.tmp-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        // Every failure names the file (a full disk said only "No space left on device").
        let written = (|| -> std::io::Result<()> {
            let mut f = fs::File::create_new(&tmp)?;
            f.write_all(serde_json::to_string_pretty(self)?.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            fs::rename(&tmp, &p)
        })()
        .with_context(|| format!("cannot write {}", p.display()));
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written?;
        sync_dir(folder);
        Ok(())
    }

    /// The last drill, if any.
    pub fn last_verification(&self) -> Option<&Verification> {
        self.verifications.last()
    }

    /// Whether the last drill passed.
    pub fn verified_ok(&self) -> bool {
        self.last_verification().is_some_and(|v| v.ok)
    }
}

/// fsync a directory so that a rename in it is durable (best effort).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Every regular file under `root`, as paths relative to `base`, sorted.
fn files_under(base: &Path, root: &Path, out: &mut Vec<String>) -> Result<()> {
    for e in fs::read_dir(root).with_context(|| format!("cannot read {}", root.display()))? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            files_under(base, &p, out)?;
        } else {
            out.push(p.strip_prefix(base).unwrap_or(&p).to_string_lossy().into_owned());
        }
    }
    out.sort();
    Ok(())
}

/// sha256 of one file, streamed.
fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((total, hex))
}

/// A file's size and sha256 (hex).
type Sum = Result<(u64, String)>;

/// Hash `paths` (relative to `base`) on `threads` threads; results in the order of `paths`.
fn sha256_all(base: &Path, paths: &[String], threads: usize) -> Vec<Sum> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Sum>>> = Mutex::new((0..paths.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.clamp(1, paths.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = paths.get(i) else { break };
                    let r = sha256_file(&base.join(p));
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow!("not hashed"))))
        .collect()
}

/// The files of the dump of backup `name` in `folder`, relative to it: every file under `dump/`,
/// or the one `.dump` file (when it is there).
fn dump_files(folder: &Path, format: DumpFormat, name: &str) -> Result<Vec<String>> {
    let rel = format.relative_path(name);
    let mut paths = Vec::new();
    match format {
        DumpFormat::Directory if folder.join(&rel).is_dir() => {
            files_under(folder, &folder.join(&rel), &mut paths)?
        }
        DumpFormat::Custom if folder.join(&rel).is_file() => paths.push(rel),
        _ => {}
    }
    Ok(paths)
}

/// Size and sha256 of every file of the dump of backup `name` in `folder`.
pub fn checksum_dump(folder: &Path, format: DumpFormat, name: &str, threads: usize) -> Result<Vec<FileSum>> {
    let paths = dump_files(folder, format, name)?;
    if paths.is_empty() {
        bail!("pg_dump wrote no {} dump into {}", format.as_str(), folder.display());
    }
    let sums = sha256_all(folder, &paths, threads);
    paths
        .into_iter()
        .zip(sums)
        .map(|(path, r)| r.map(|(bytes, sha256)| FileSum { path, bytes, sha256 }))
        .collect()
}

/// Compare the dump in `folder` with the manifest's checksums: one line per file that is missing,
/// differs, or is not in the manifest. Empty when every file matches.
pub fn check_files(folder: &Path, m: &Manifest, threads: usize) -> Result<Vec<String>> {
    let present = dump_files(folder, m.dump_format, &m.name)?;
    let listed: Vec<String> =
        m.files.iter().filter(|f| present.contains(&f.path)).map(|f| f.path.clone()).collect();
    let sums = sha256_all(folder, &listed, threads);
    let mut problems = Vec::new();
    for f in &m.files {
        match listed.iter().position(|p| *p == f.path) {
            None => problems.push(format!("{}: missing", f.path)),
            Some(i) => match &sums[i] {
                Err(e) => problems.push(format!("{}: {e:#}", f.path)),
                Ok((bytes, sha)) if *bytes != f.bytes || *sha != f.sha256 => problems.push(format!(
                    "{}: sha256 differs ({} bytes, sha256 {}; the manifest says {} bytes, sha256 {})",
                    f.path, bytes, sha, f.bytes, f.sha256
                )),
                Ok(_) => {}
            },
        }
    }
    for p in present.iter().filter(|p| !m.files.iter().any(|f| f.path == **p)) {
        problems.push(format!("{p}: not in the manifest (added after the backup?)"));
    }
    Ok(problems)
}

/// The quick check of `backup list`: every listed file present with its size (no hashing).
pub fn quick_check(folder: &Path, m: &Manifest) -> Option<String> {
    for f in &m.files {
        match fs::metadata(folder.join(&f.path)) {
            Err(_) => return Some(format!("{} is missing", f.path)),
            Ok(md) if md.len() != f.bytes => {
                return Some(format!("{} has {} bytes, the manifest says {}", f.path, md.len(), f.bytes));
            }
            Ok(_) => {}
        }
    }
    None
}

/// A manifest of nothing, for tests.
#[cfg(test)]
pub fn sample() -> Manifest {
    Manifest {
        format: FORMAT.into(),
        name: "x".into(),
        database: "d".into(),
        server: ServerInfo {
            host: "h".into(),
            port: 1,
            user: "u".into(),
            version: String::new(),
            version_num: 150000,
            encoding: "UTF8".into(),
        },
        pg_dump: ToolInfo { path: PathBuf::new(), version: String::new(), major: 15 },
        started_at: Utc::now(),
        finished_at: Utc::now(),
        duration_ms: 0,
        jobs: 1,
        dump_format: DumpFormat::Directory,
        compression: Some(COMPRESSION.into()),
        migrations: MigrationState::default(),
        tables: vec![],
        database_size_bytes: 0,
        dump_bytes: 0,
        files: vec![],
        verifications: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_find_a_flipped_byte_a_missing_and_an_extra_file() {
        let tmp = crate::test_support::TempDir::new("manifest-test");
        let dir = tmp.path();
        fs::create_dir_all(dir.join(DUMP_DIR)).unwrap();
        fs::write(dir.join("dump/toc.dat"), b"toc").unwrap();
        fs::write(dir.join("dump/3001.dat.gz"), vec![7u8; 3 << 20]).unwrap();
        let files = checksum_dump(dir, DumpFormat::Directory, "x", 2).unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[1].path, "dump/toc.dat");
        // sha256("toc"), as `printf toc | sha256sum` prints it.
        assert_eq!(files[1].sha256, "4ebde790877e2f92305cfb30ed1c0e2943dc00dfc24b49e3dc2a47889ca44151");
        let m = Manifest { files, ..sample() };
        assert!(check_files(dir, &m, 2).unwrap().is_empty());
        assert_eq!(quick_check(dir, &m), None);
        let mut data = fs::read(dir.join("dump/3001.dat.gz")).unwrap();
        data[1 << 20] ^= 1;
        fs::write(dir.join("dump/3001.dat.gz"), data).unwrap();
        fs::remove_file(dir.join("dump/toc.dat")).unwrap();
        fs::write(dir.join("dump/extra"), b"x").unwrap();
        let problems = check_files(dir, &m, 2).unwrap();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("dump/3001.dat.gz: sha256 differs"), "{problems:?}");
        assert_eq!(problems[1], "dump/toc.dat: missing");
        assert!(problems[2].starts_with("dump/extra: not in the manifest"));
        assert!(quick_check(dir, &m).unwrap().contains("toc.dat is missing"));
    }

    #[test]
    fn a_custom_format_backup_is_its_one_dump_file() {
        let tmp = crate::test_support::TempDir::new("manifest-custom");
        let dir = tmp.path();
        assert!(
            checksum_dump(dir, DumpFormat::Custom, "b1", 1).is_err(),
            "no dump: an error, not an empty list"
        );
        fs::write(dir.join("b1.dump"), b"PGDMP").unwrap();
        let files = checksum_dump(dir, DumpFormat::Custom, "b1", 1).unwrap();
        assert_eq!(files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), ["b1.dump"]);
        let m = Manifest {
            name: "b1".into(),
            format: FORMAT_2.into(),
            dump_format: DumpFormat::Custom,
            files,
            ..sample()
        };
        assert_eq!(m.dump_path(dir), dir.join("b1.dump"));
        assert!(check_files(dir, &m, 1).unwrap().is_empty());
        m.write(dir).unwrap();
        assert_eq!(Manifest::read(dir).unwrap().dump_format, DumpFormat::Custom);
        fs::write(dir.join("b1.dump"), b"PGDMq").unwrap();
        assert!(check_files(dir, &m, 1).unwrap()[0].starts_with("b1.dump: sha256 differs"));
        fs::remove_file(dir.join("b1.dump")).unwrap();
        assert_eq!(check_files(dir, &m, 1).unwrap(), ["b1.dump: missing"]);
        // A custom-format manifest that says format 1 (what an older towow-db reads) is refused.
        Manifest { format: FORMAT.into(), ..m }.write(dir).unwrap();
        assert!(format!("{:#}", Manifest::read(dir).unwrap_err()).contains("towow-db-backup/2"));
    }
}
