//! Where the PostgreSQL programs are: one search for the server binaries of the managed cluster
//! (`initdb`, `pg_ctl`, `postgres`) and the client tools of the backups (`pg_dump`,
//! `pg_restore`), each with a minimum major version, the newest suitable one first.
//!
//! The places, in order: `$TOWOW_PG_BINDIR` (when set, the only one), the directories on `PATH`,
//! `pg_config --bindir`, then every `/usr/lib/postgresql/*/bin`. A program on `PATH` counts where
//! its symbolic links lead (Debian's `/usr/bin/pg_dump` is a wrapper script that is skipped: the
//! real programs are found in `/usr/lib/postgresql/N/bin`). Among the directories that hold all
//! the programs, the newest major wins; between equal majors, the earlier place.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, anyhow, bail};

/// Environment variable that names the PostgreSQL `bin` directory to use.
pub const BINDIR_ENV: &str = "TOWOW_PG_BINDIR";

/// The server programs the managed local cluster runs.
pub const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];
/// The client programs of `backup`.
pub const DUMP_PROGRAMS: [&str; 2] = ["pg_dump", "pg_restore"];

/// A directory that holds the programs asked for, and their version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bindir {
    pub dir: PathBuf,
    /// The first program's `--version` line, e.g. `pg_dump (PostgreSQL) 15.18 (Debian …)`.
    pub version: String,
    /// The major version (0 when the version line could not be read).
    pub major: u32,
}

impl Bindir {
    pub fn program(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The major version in a `--version` line, e.g. 15 in
/// `postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`.
pub fn major_version(version: &str) -> Option<u32> {
    let mut words = version.split_whitespace();
    words.find(|w| *w == "(PostgreSQL)")?;
    words.next()?.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The `--version` line of a program.
pub fn program_version(program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").stdin(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn holds(dir: &Path, programs: &[&str]) -> bool {
    programs.iter().all(|p| dir.join(p).is_file())
}

/// Every directory that holds all `programs`, in search order (without `$TOWOW_PG_BINDIR`).
fn candidates(programs: &[&str]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(path) = std::env::var_os("PATH") {
        for p in std::env::split_paths(&path) {
            // Where the first program's links lead, if it is the program itself (not a wrapper).
            if let Ok(real) = fs::canonicalize(p.join(programs[0]))
                && real.file_name().is_some_and(|n| n == programs[0])
                && let Some(dir) = real.parent()
            {
                dirs.push(dir.to_path_buf());
            }
        }
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").stdin(Stdio::null()).output()
        && out.status.success()
    {
        dirs.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    }
    let mut system: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| Some((e.file_name().to_string_lossy().parse().ok()?, e.path().join("bin"))))
                .collect()
        })
        .unwrap_or_default();
    system.sort_by_key(|s| std::cmp::Reverse(s.0));
    dirs.extend(system.into_iter().map(|(_, d)| d));
    let mut seen = Vec::new();
    dirs.retain(|d| {
        let key = fs::canonicalize(d).unwrap_or_else(|_| d.clone());
        let new = holds(d, programs) && !seen.contains(&key);
        seen.push(key);
        new
    });
    dirs
}

fn describe(dir: &Path, programs: &[&str]) -> String {
    format!("{} ({})", programs.join(", "), dir.display())
}

/// Find a directory holding every one of `programs` (all from the same installation) whose major
/// version is at least `min_major`: the newest suitable one (see the module documentation).
/// `remedy` ends the error when nothing suitable is found (how to install them).
pub fn find(programs: &[&str], min_major: Option<u32>, remedy: &str) -> Result<Bindir> {
    let min = min_major.unwrap_or(0);
    let versioned = |dir: PathBuf| {
        let version = program_version(&dir.join(programs[0])).unwrap_or_default();
        let major = major_version(&version).unwrap_or(0);
        Bindir { dir, version, major }
    };
    if let Some(d) = std::env::var_os(BINDIR_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(d);
        if !holds(&dir, programs) {
            bail!("{BINDIR_ENV}={} does not hold {}", dir.display(), programs.join(", "));
        }
        let b = versioned(dir);
        if b.major < min {
            bail!(
                "{BINDIR_ENV}={} holds {} {} (`{}`), older than PostgreSQL {min}, which this needs: \
                 point {BINDIR_ENV} at the bin directory of PostgreSQL {min} or newer, or unset it",
                b.dir.display(),
                programs[0],
                b.major,
                b.version
            );
        }
        return Ok(b);
    }
    let mut found: Vec<Bindir> = candidates(programs).into_iter().map(versioned).collect();
    // Newest first; stable, so equal majors keep the search order.
    found.sort_by_key(|b| std::cmp::Reverse(b.major));
    if let Some(b) = found.iter().find(|b| b.major >= min) {
        return Ok(b.clone());
    }
    if let Some(newest) = found.first() {
        return Err(anyhow!(
            "the newest {} found is PostgreSQL {} ({}), older than PostgreSQL {min}, which this needs: {remedy}",
            programs[0],
            newest.major,
            describe(&newest.dir, programs),
        ));
    }
    Err(anyhow!(
        "{} not found on PATH, through pg_config or in /usr/lib/postgresql/*/bin: {remedy}",
        programs.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn major_versions() {
        assert_eq!(super::major_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"), Some(15));
        assert_eq!(super::major_version("pg_dump (PostgreSQL) 13.23"), Some(13));
        assert_eq!(super::major_version("postgres (PostgreSQL) 18beta1"), Some(18));
        assert_eq!(super::major_version("garbage"), None);
    }
}
