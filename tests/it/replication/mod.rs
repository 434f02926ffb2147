//! Primaries and streaming replicas the tests make themselves: `pg_basebackup -R` (PostgreSQL 15,
//! whose client programs are installed), or a copy of a cleanly stopped primary's data directory
//! (every major: the fetched majors have no pg_basebackup). The servers run as the `postgres`
//! user, as `admin::local` runs them; passwords reach the programs through their environment,
//! never their command lines.

mod failover;
mod fleet;
mod majors;
mod standby;
mod standby_truth;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use towow_db::admin::local::{InitOptions, LocalCluster, LocalState};
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;

/// A program of `cluster`'s PostgreSQL, run as the server's user.
pub fn pg_program(cluster: &LocalCluster, program: &str) -> Command {
    let mut c = Command::new(cluster.state().unwrap().bindir.join(program));
    c.stdin(Stdio::null()).env("LC_ALL", "C").current_dir("/tmp");
    if let Some((uid, gid)) = unprivileged_owner() {
        c.uid(uid).gid(gid);
    }
    c
}

#[track_caller]
pub fn ok_output(mut c: Command, what: &str) -> Output {
    let o = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(o.status.success(), "{what} failed: {}{}", stderr(&o), stdout(&o));
    o
}

/// `pg_ctl ARGS -D data` on `cluster`.
pub fn pg_ctl(cluster: &LocalCluster, args: &[&str]) {
    let mut c = pg_program(cluster, "pg_ctl");
    c.args(args).arg("-D").arg(cluster.dir.join("data")).stdout(Stdio::null());
    ok_output(c, &format!("pg_ctl {}", args.join(" ")));
}

/// A new directory for a replica's cluster, owned by the server's user, reaped at exit.
fn replica_dir(tag: &str) -> PathBuf {
    let dir = scratch_dir(tag);
    std::fs::create_dir_all(dir.join("sock")).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir.join("sock"), std::fs::Permissions::from_mode(0o700)).unwrap();
    if let Some((uid, gid)) = unprivileged_owner() {
        for p in [dir.clone(), dir.join("sock")] {
            std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
        }
    }
    reap_on_exit(&dir);
    dir
}

/// Start the cluster whose data directory `dir/data` holds (a replica) with `extra` settings:
/// `local.json` as its primary's, on a free port; its settings point at the primary's database.
fn start_copy(
    primary: &LocalCluster,
    primary_cfg: &ConnConfig,
    dir: &Path,
    extra: &[&str],
) -> (LocalCluster, ConnConfig) {
    append_conf(dir, extra);
    let mut st: LocalState = primary.state().unwrap();
    st.port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let p = dir.join("local.json");
    std::fs::write(&p, serde_json::to_string(&st).unwrap()).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let replica = LocalCluster::new(dir);
    replica.start(&InitOptions::default()).unwrap_or_else(|e| panic!("start the replica: {e:#}"));
    let mut cfg = replica.conn_config().unwrap();
    cfg.dbname = primary_cfg.dbname.clone();
    (replica, cfg)
}

/// A streaming replica of `primary` made with `pg_basebackup -R -X stream`, with `extra`
/// settings, started.
pub fn basebackup_replica(
    primary: &LocalCluster,
    primary_cfg: &ConnConfig,
    tag: &str,
    extra: &[&str],
) -> (LocalCluster, ConnConfig) {
    let dir = replica_dir(tag);
    let mut c = pg_program(primary, "pg_basebackup");
    c.args(["-h", "127.0.0.1", "-p", &primary_cfg.port().to_string(), "-U", &primary_cfg.user_or_default()])
        .arg("-D")
        .arg(dir.join("data"))
        .args(["-R", "-X", "stream", "-c", "fast", "--no-sync"])
        .env("PGPASSWORD", primary_cfg.password.as_deref().unwrap());
    ok_output(c, "pg_basebackup");
    // The WAL receiver's application_name, as the primary lists it.
    let name = format!("cluster_name = '{tag}'");
    let mut lines = vec![name.as_str()];
    lines.extend_from_slice(extra);
    start_copy(primary, primary_cfg, &dir, &lines)
}

/// A streaming replica of `primary` from a copy of its data directory (the primary is stopped
/// cleanly for the copy, then started again). For servers without pg_basebackup.
pub fn copied_replica(
    primary: &LocalCluster,
    primary_cfg: &ConnConfig,
    tag: &str,
    extra: &[&str],
) -> (LocalCluster, ConnConfig) {
    let dir = replica_dir(tag);
    primary.stop().unwrap();
    let mut cp = Command::new("cp");
    cp.arg("-a").arg(primary.dir.join("data")).arg(dir.join("data"));
    ok_output(cp, "copy the data directory");
    primary.start(&InitOptions::default()).unwrap();
    let data = dir.join("data");
    let _ = std::fs::remove_file(data.join("postmaster.pid"));
    // As pg_basebackup does: the primary's slots are not the replica's.
    for e in std::fs::read_dir(data.join("pg_replslot")).unwrap().flatten() {
        std::fs::remove_dir_all(e.path()).unwrap();
    }
    std::fs::write(data.join("standby.signal"), "").unwrap();
    let conninfo = format!(
        "primary_conninfo = 'host=127.0.0.1 port={} user={} password={} application_name={tag}'",
        primary_cfg.port(),
        primary_cfg.user_or_default(),
        primary_cfg.password.as_deref().unwrap()
    );
    let mut lines = vec![conninfo.as_str()];
    lines.extend_from_slice(extra);
    start_copy(primary, primary_cfg, &dir, &lines)
}

fn append_conf(dir: &Path, lines: &[&str]) {
    if lines.is_empty() {
        return;
    }
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().append(true).open(dir.join("data/postgresql.conf")).unwrap();
    writeln!(f, "\n{}", lines.join("\n")).unwrap();
}

/// A primary for replication tests: its own cluster (the shared test server must not get
/// standbys: other tests judge its replication checks), with `extra` settings, and a database.
pub async fn primary(tag: &str, extra: &[&str]) -> (LocalCluster, ConnConfig) {
    let mut conf = vec!["max_connections = 40".to_string()];
    conf.extend(extra.iter().map(|s| s.to_string()));
    let (cluster, mut cfg) =
        start_cluster(tag, InitOptions { unsafe_fast: true, extra_conf: conf, ..Default::default() });
    cfg.dbname = Some("postgres".into());
    let db = connect(&cfg).await;
    exec(&db, "CREATE DATABASE app").await;
    cfg.dbname = Some("app".into());
    exec(&connect(&cfg).await, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    (cluster, cfg)
}

/// Wait until the standby has replayed everything the primary has written so far.
pub async fn caught_up(primary: &Db, standby: &Db) {
    let lsn: String = primary
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT pg_current_wal_lsn()::text", &[])
        .await
        .unwrap()
        .get(0);
    wait_until_within(
        standby,
        &format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"),
        Duration::from_secs(60),
    )
    .await;
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// The check `name` of a report's JSON (`check.checks`, or `checks` for health).
#[track_caller]
pub fn check<'a>(j: &'a Value, name: &str) -> &'a Value {
    let list = j["check"]["checks"]
        .as_array()
        .or(j["checks"].as_array())
        .unwrap_or_else(|| panic!("no checks: {j}"));
    list.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no check {name} in {j}"))
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub async fn text(db: &Db, sql: &str) -> String {
    db.get().await.unwrap().query_typed_one(sql, &[]).await.unwrap().get(0)
}
