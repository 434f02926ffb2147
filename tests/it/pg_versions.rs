//! The PostgreSQL versions the report tests run on: one throwaway cluster per major version,
//! started on first use (and reaped at exit like the main one).
//!
//! Server binaries come from the system (`/usr/lib/postgresql/<major>/bin`) or from
//! `.ci/fetch-pg-versions` (`$TOWOW_PG_VERSIONS_DIR`, default `/opt/towow-pg/<major>/bin`).
//! `TOWOW_TEST_PG_MAJORS=13,15,17,18` (set by `.ci/run`) makes each listed major required: a
//! missing one fails the tests instead of being skipped. Without it the tests run on every major
//! found, and say which on stderr.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use towow_db::admin::local::{InitOptions, LocalCluster};
use towow_db::connect::ConnConfig;

use crate::common::start_cluster;

pub const REQUIRED_ENV: &str = "TOWOW_TEST_PG_MAJORS";
pub const VERSIONS_DIR_ENV: &str = "TOWOW_PG_VERSIONS_DIR";

/// A running cluster of one major version; `base` is a superuser URL to its `postgres` database.
#[derive(Debug)]
pub struct PgServer {
    pub major: u32,
    pub bindir: PathBuf,
    pub base: ConnConfig,
}

fn has_server(d: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"].iter().all(|p| d.join(p).is_file())
}

/// Every major version with server binaries here (system packages first).
pub fn available() -> BTreeMap<u32, PathBuf> {
    let mut found = BTreeMap::new();
    let fetched = std::env::var(VERSIONS_DIR_ENV).unwrap_or_else(|_| "/opt/towow-pg".into());
    for root in ["/usr/lib/postgresql", fetched.as_str()] {
        let Ok(rd) = std::fs::read_dir(root) else { continue };
        for e in rd.flatten() {
            let Ok(major) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
            let bin = e.path().join("bin");
            if has_server(&bin) {
                found.entry(major).or_insert(bin);
            }
        }
    }
    found
}

/// The majors to test: the required list when `TOWOW_TEST_PG_MAJORS` is set (panics naming any
/// that is missing), else all available ones from 13 on.
pub fn majors() -> Vec<u32> {
    static MAJORS: OnceLock<Vec<u32>> = OnceLock::new();
    MAJORS
        .get_or_init(|| {
            let avail = available();
            let list: Vec<u32> = match std::env::var(REQUIRED_ENV) {
                Ok(req) if !req.trim().is_empty() => {
                    let req: Vec<u32> = req
                        .split([',', ' '])
                        .filter(|s| !s.is_empty())
                        .map(|s| {
                            s.trim()
                                .parse()
                                .unwrap_or_else(|_| panic!("{REQUIRED_ENV}: `{s}` is not a major version"))
                        })
                        .collect();
                    let missing: Vec<String> =
                        req.iter().filter(|m| !avail.contains_key(m)).map(|m| m.to_string()).collect();
                    if !missing.is_empty() {
                        crate::common::missing_prerequisite(&format!(
                            "PostgreSQL {} required by {REQUIRED_ENV} but not installed (found: {:?})",
                            missing.join(", "),
                            avail.keys().collect::<Vec<_>>()
                        ));
                    }
                    req
                }
                _ => avail.keys().copied().filter(|m| *m >= 13).collect(),
            };
            assert!(!list.is_empty(), "no PostgreSQL server binaries found for the report tests");
            // Not through the test harness's capture: this shows in every run.
            let _ = writeln!(
                std::io::stderr(),
                "report tests: PostgreSQL {} ({})",
                list.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", "),
                if std::env::var(REQUIRED_ENV).is_ok() { "required" } else { "all found here" }
            );
            list
        })
        .clone()
}

fn start(major: u32, tag: &str, extra: &[&str]) -> PgServer {
    start_cluster_of(major, tag, extra).1
}

fn start_cluster_of(major: u32, tag: &str, extra: &[&str]) -> (LocalCluster, PgServer) {
    let bindir = available().remove(&major).unwrap_or_else(|| panic!("PostgreSQL {major} is not installed"));
    let mut conf: Vec<String> = vec![
        "max_connections = 60".into(),
        // Autovacuum stays on (so `autovacuum_enabled` is the table's own), but its launcher
        // waits a day between rounds: it must not vacuum the tables the tests build.
        "autovacuum_naptime = '1d'".into(),
        "pg_stat_statements.track_planning = on".into(),
    ];
    conf.extend(extra.iter().map(|s| s.to_string()));
    let (cluster, mut base) = start_cluster(
        &format!("pg{major}{tag}"),
        InitOptions {
            unsafe_fast: true,
            extra_conf: conf,
            bindir: Some(bindir.clone()),
            ..InitOptions::default()
        },
    );
    base.dbname = Some("postgres".into());
    (cluster, PgServer { major, bindir, base })
}

/// A cluster of `major` for one test alone (nothing else connects to it), with `extra`
/// configuration lines; stopped when dropped (and deleted at exit like the others).
pub struct Dedicated {
    pub srv: PgServer,
    pub cluster: LocalCluster,
}

impl Dedicated {
    pub fn start(major: u32, tag: &str, extra: &[&str]) -> Dedicated {
        let (cluster, srv) = start_cluster_of(major, tag, extra);
        Dedicated { srv, cluster }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.cluster.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for Dedicated {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
    }
}

static SERVERS: OnceLock<Mutex<HashMap<(u32, &'static str), &'static PgServer>>> = OnceLock::new();

fn cached(major: u32, kind: &'static str, extra: &[&str]) -> &'static PgServer {
    let map = SERVERS.get_or_init(|| Mutex::new(HashMap::new()));
    let mut m = map.lock().unwrap_or_else(|e| e.into_inner());
    m.entry((major, kind)).or_insert_with(|| Box::leak(Box::new(start(major, kind, extra))))
}

/// The cluster of `major` (pg_stat_statements preloaded when the server has it).
pub fn server(major: u32) -> &'static PgServer {
    cached(major, "", &[])
}

/// A cluster of `major` started without `shared_preload_libraries`.
pub fn server_without_preload(major: u32) -> &'static PgServer {
    cached(major, "nopreload", &["shared_preload_libraries = ''"])
}
