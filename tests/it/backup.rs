//! Backups on real clusters with the real pg_dump/pg_restore: the create → verify → restore round
//! trip on PostgreSQL 15 and 18 (every ToWow table's rows compared by checksum), interrupted
//! backups, damaged files, retention, refusals, and no password anywhere a child or a file shows.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions;

/// The pg_dump/pg_restore directory of `major`: the system's, else `.ci/fetch-pg-clients`'.
pub fn client_bindir(major: u32) -> PathBuf {
    let fetched = std::env::var(pg_versions::VERSIONS_DIR_ENV).unwrap_or_else(|_| "/opt/towow-pg".into());
    [format!("/usr/lib/postgresql/{major}/bin"), format!("{fetched}/{major}/client/bin")]
        .into_iter()
        .map(PathBuf::from)
        .find(|d| d.join("pg_dump").is_file() && d.join("pg_restore").is_file())
        .unwrap_or_else(|| panic!("no pg_dump/pg_restore {major}: run .ci/fetch-pg-clients {major}"))
}

/// towow-db against `cfg` with the client tools of `bindir` (or the default search).
pub fn tool(cfg: &ConnConfig, bindir: Option<&Path>, args: &[&str]) -> Command {
    let mut c = cmd();
    c.args(["--url", &cfg.url_with_password()]).args(args);
    if let Some(b) = bindir {
        c.env("TOWOW_PG_BINDIR", b);
    }
    c
}

pub fn out(mut c: Command) -> Output {
    let o = c.output().expect("run towow-db");
    assert_no_panic(&o);
    o
}

fn json(o: &Output) -> Value {
    assert_ok(o);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn list(dir: &Path) -> Vec<Value> {
    let o = out({
        let mut c = cmd();
        c.args(["backup", "list", "--format", "json", "--dir"]).arg(dir);
        c
    });
    json(&o)["backups"].as_array().unwrap().clone()
}

/// A ToWow database with agents, generated demands, responses, channels, and a table of its own.
pub async fn towow_db(base: &ConnConfig, tag: &str, demands: &str) -> (ConnConfig, Db) {
    let cfg = fresh_db_on(base, tag).await;
    assert_ok(&run_url(&cfg, &["init", "--mock-agents", "-q"]));
    assert_ok(&run_url(&cfg, &["seed", "--demands", demands, "-q"]));
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE TABLE side_notes (id int PRIMARY KEY, note text);
         INSERT INTO side_notes SELECT g, 'note ' || g FROM generate_series(1, 500) g;
         ANALYZE side_notes;",
    )
    .await;
    (cfg, db)
}

/// Every ToWow table's row count and the md5 of all its rows in id order.
pub async fn fingerprint(db: &Db) -> Vec<(String, i64, String)> {
    let c = db.get().await.unwrap();
    let mut out = Vec::new();
    for t in towow_db::migrate::TOWOW_TABLES {
        let r = c
            .query_typed_one(
                &format!(
                    "SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x.id), '')) FROM {t} x"
                ),
                &[],
            )
            .await
            .unwrap();
        out.push((t.to_string(), r.get(0), r.get(1)));
    }
    out
}

/// `sha256sum` of a file: the peer tool's word on the manifest's checksums.
pub fn sha256sum(p: &Path) -> String {
    let o = Command::new("sha256sum").arg(p).output().expect("sha256sum");
    String::from_utf8_lossy(&o.stdout).split_whitespace().next().unwrap().to_string()
}

async fn round_trip(base: &ConnConfig, major: u32, drill_on_target: bool) {
    let bindir = client_bindir(major);
    let (cfg, db) = towow_db(base, &format!("bk{major}"), "300").await;
    let truth = fingerprint(&db).await;
    assert!(truth.iter().all(|(_, n, _)| *n > 0), "{truth:?}");
    let dir = temp_dir(&format!("backups{major}"));

    // create: the manifest on stdout.
    let mut c = tool(&cfg, Some(&bindir), &["backup", "create", "--format", "json", "--jobs", "2", "--dir"]);
    c.arg(&dir);
    let m = json(&out(c));
    let name = m["name"].as_str().unwrap().to_string();
    assert_eq!(m["pg_dump"]["major"], major);
    assert_eq!(m["server"]["version_num"].as_i64().unwrap() / 10000, major as i64);
    assert_eq!(m["migrations"]["verified"], true, "{}", m["migrations"]);
    for (t, n, _) in &truth {
        let row = m["tables"].as_array().unwrap().iter().find(|r| r["table"] == t.as_str()).unwrap();
        assert_eq!((row["rows"].as_i64(), row["exact"].as_bool()), (Some(*n), Some(true)), "{t}");
    }
    let side = m["tables"].as_array().unwrap().iter().find(|r| r["table"] == "side_notes").unwrap();
    assert_eq!((side["rows"].as_i64(), side["exact"].as_bool()), (Some(500), Some(true)));
    let folder = dir.join(&name);
    let files = m["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f["path"] == "dump/toc.dat"));
    for f in files {
        let p = folder.join(f["path"].as_str().unwrap());
        assert_eq!(f["sha256"].as_str().unwrap(), sha256sum(&p), "{}", p.display());
        assert_eq!(f["bytes"].as_u64().unwrap(), std::fs::metadata(&p).unwrap().len());
    }
    let l = list(&dir);
    assert_eq!(l.len(), 1);
    assert_eq!((l[0]["name"].as_str(), l[0]["state"].as_str()), (Some(name.as_str()), Some("complete")));
    assert!(l[0]["last_verification"].is_null());

    // verify: the drill, on the target's own server (15), or on the server --into names (18).
    let mut c = tool(&cfg, Some(&bindir), &["backup", "verify", &name, "--dir"]);
    c.arg(&dir);
    if !drill_on_target {
        c.args(["--into", &base.url_with_password()]);
    }
    let o = out(c);
    assert_ok(&o);
    assert!(stderr(&o).contains("passed"), "{}", stderr(&o));
    let l = list(&dir);
    assert_eq!(l[0]["last_verification"]["ok"], true, "{}", l[0]);
    assert!(l[0]["last_verification"]["restore_ms"].as_u64().is_some());
    // The scratch database (towow_drill_<session pid>_<the name's first 24 letters and digits>)
    // is dropped; other tests' drills may run meanwhile on the same server.
    let admin = connect(base).await;
    let tail: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).take(24).collect();
    let q = format!(
        "SELECT count(*) FROM pg_database WHERE datname ~ '^towow_drill_[0-9]+_{}$'",
        tail.to_lowercase()
    );
    assert_eq!(scalar_i64(&admin, &q).await, 0, "the scratch database is dropped");

    // restore into a new database: every ToWow table's rows identical.
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_copy", cfg.dbname.as_deref().unwrap()));
    let mut c = tool(
        &cfg,
        Some(&bindir),
        &["backup", "restore", &name, "--into", &target.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    assert_ok(&out(c));
    let tdb = connect(&target).await;
    assert_eq!(fingerprint(&tdb).await, truth);
    assert_eq!(scalar_i64(&tdb, "SELECT count(*) FROM side_notes").await, 500);

    // Restoring again into the now non-empty database: refused without --clean, nothing changed.
    exec(&tdb, "DELETE FROM agent_responses WHERE ctid IN (SELECT ctid FROM agent_responses LIMIT 10)").await;
    let changed = fingerprint(&tdb).await;
    let mut c = tool(
        &cfg,
        Some(&bindir),
        &["backup", "restore", &name, "--into", &target.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    let o = out(c);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--clean") && stderr(&o).contains("public.agent_responses"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fingerprint(&tdb).await, changed);
    // --clean without a terminal and without --yes: refused too.
    let mut c = tool(
        &cfg,
        Some(&bindir),
        &["backup", "restore", &name, "--clean", "--into", &target.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    let o = out(c);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert_eq!(fingerprint(&tdb).await, changed);
    // --clean --yes: the backup's rows again.
    let mut c = tool(
        &cfg,
        Some(&bindir),
        &["backup", "restore", &name, "--clean", "--yes", "--into", &target.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    assert_ok(&out(c));
    assert_eq!(fingerprint(&tdb).await, truth);
}

#[tokio::test]
async fn round_trip_on_postgresql_15() {
    let srv = server();
    round_trip(&srv.base, 15, true).await;
}

#[tokio::test]
async fn round_trip_on_postgresql_18() {
    let srv = pg_versions::server(18);
    round_trip(&srv.base, 18, false).await;
}

#[tokio::test]
async fn a_pg_dump_older_than_the_server_is_refused_with_the_remedy() {
    let srv = pg_versions::server(18);
    let cfg = fresh_db_on(&srv.base, "old_dump").await;
    let dir = temp_dir("old-dump");
    let mut c = tool(&cfg, Some(&client_bindir(15)), &["backup", "create", "--dir"]);
    c.arg(&dir);
    let o = out(c);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("older than PostgreSQL 18") && e.contains("TOWOW_PG_BINDIR"), "{e}");
    // The default search (PATH, pg_config, /usr/lib/postgresql) finds only 15 here.
    if !Path::new("/usr/lib/postgresql/18/bin/pg_dump").exists() {
        let mut c = tool(&cfg, None, &["backup", "create", "--dir"]);
        c.arg(&dir);
        let o = out(c);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("postgresql-client-18"), "{}", stderr(&o));
    }
    assert!(list(&dir).is_empty(), "nothing is left behind");
}

/// Pids whose parent is `pid`.
pub fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else { continue };
        // pid (comm) state ppid …: the comm may hold spaces, so split after the last ')'.
        let rest = stat.rsplit_once(')').map(|x| x.1).unwrap_or_default();
        if rest.split_whitespace().nth(1).and_then(|s| s.parse::<u32>().ok()) == Some(pid) {
            out.push(p);
        }
    }
    out
}

pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}

/// Start `backup create` (pg_dump -j 2) and wait until pg_dump writes table data; returns the
/// child (the caller waits for it), pg_dump's pid and its workers.
#[allow(clippy::zombie_processes, reason = "the caller kills and waits for the child")]
pub fn start_slow_backup(mut c: Command, dir: &Path) -> (std::process::Child, u32, Vec<u32>) {
    c.arg(dir).stdout(Stdio::null()).stderr(Stdio::piped());
    let child = c.spawn().unwrap();
    let start = Instant::now();
    loop {
        assert!(start.elapsed() < Duration::from_secs(60), "pg_dump never started writing");
        let dumps: Vec<u32> = children(child.id()).into_iter().filter(|p| comm(*p) == "pg_dump").collect();
        if let Some(&pg_dump) = dumps.first() {
            let partial: Vec<PathBuf> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with(".partial"))
                .collect();
            let writing =
                partial.first().and_then(|p| std::fs::read_dir(p.join("dump")).ok()).is_some_and(|rd| {
                    rd.flatten().any(|e| {
                        e.file_name().to_string_lossy().ends_with(".dat.gz")
                            && e.metadata().is_ok_and(|m| m.len() > 0)
                    })
                });
            let workers = children(pg_dump);
            if writing && !workers.is_empty() {
                return (child, pg_dump, workers);
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[tokio::test]
async fn a_killed_backup_is_never_complete_and_is_pruned_later_and_no_password_shows() {
    // A role whose password needs libpq's escapes in a password file.
    let base = &server().base;
    let (cfg, db) = towow_db(base, "killed", "20000").await;
    let pw = r"k1ll:ed\pa ss";
    exec(
        &db,
        &format!("CREATE ROLE backup_user LOGIN SUPERUSER PASSWORD {}", towow_db::sql::quote_literal(pw)),
    )
    .await;
    // towow-db gets it from a password file too, so that no command line or environment holds it.
    let mut as_user = cfg.clone();
    as_user.user = Some("backup_user".into());
    as_user.password = None;
    let dir = temp_dir("killed");
    let passfile = temp_dir("killed-pgpass").join("pgpass");
    std::fs::write(
        &passfile,
        format!("*:*:*:backup_user:{}\n", pw.replace('\\', "\\\\").replace(':', "\\:")),
    )
    .unwrap();
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let tool = |cfg: &ConnConfig, bindir: Option<&Path>, args: &[&str]| {
        let mut c = tool(cfg, bindir, args);
        c.env("PGPASSFILE", &passfile);
        c
    };

    // 1. kill -9 of towow-db: pg_dump dies with it; the folder stays under its temporary name.
    let slow = || tool(&as_user, None, &["-vv", "backup", "create", "--jobs", "2", "--dir"]);
    let (mut child, pg_dump, workers) = start_slow_backup(slow(), &dir);
    let mut pids = vec![child.id(), pg_dump];
    pids.extend(&workers);
    for p in &pids {
        for what in ["cmdline", "environ"] {
            let bytes = std::fs::read(format!("/proc/{p}/{what}")).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("k1ll"), "the password is in /proc/{p}/{what} ({}): {text}", comm(*p));
        }
    }
    let ps = Command::new("ps")
        .args(["eww", "-o", "pid,args"])
        .args(pids.iter().map(|p| format!("-p{p}")))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&ps.stdout).contains("pg_dump"), "ps sees the children");
    assert!(!String::from_utf8_lossy(&ps.stdout).contains("k1ll"), "ps e shows no password");
    // SAFETY: kill on our own child's pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pg_dump}")).exists() && comm(pg_dump) == "pg_dump" {
        assert!(start.elapsed() < Duration::from_secs(20), "pg_dump outlived towow-db");
        std::thread::sleep(Duration::from_millis(50));
    }
    let l = list(&dir);
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(
        (l[0]["state"].as_str(), l[0]["running"].as_bool()),
        (Some("incomplete"), Some(false)),
        "{l:?}"
    );
    let partial_name = format!("{}.partial", l[0]["name"].as_str().unwrap());

    // 2. kill -9 of pg_dump: towow-db fails, says so, and keeps nothing.
    let (child, pg_dump, _) = start_slow_backup(slow(), &dir);
    // SAFETY: kill on a pid we just read from /proc, a child of our child.
    unsafe { libc::kill(pg_dump as i32, libc::SIGKILL) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("pg_dump failed") && e.contains("nothing was kept"), "{e}");
    assert!(!e.contains("k1ll"), "no password in the log (-vv): {e}");
    let l = list(&dir);
    assert_eq!(l.len(), 1, "only the first leftover: {l:?}");

    // A complete backup as that role: no password in its manifest or its -vv log.
    let o = out({
        let mut c = tool(&as_user, None, &["-vv", "backup", "create", "--dir"]);
        c.arg(&dir);
        c
    });
    assert_ok(&o);
    assert!(!stderr(&o).contains("k1ll") && !stdout(&o).contains("k1ll"));
    let l = list(&dir);
    let done = l.iter().find(|b| b["state"] == "complete").unwrap();
    let manifest =
        std::fs::read_to_string(dir.join(done["name"].as_str().unwrap()).join("manifest.json")).unwrap();
    assert!(!manifest.contains("k1ll") && manifest.contains("backup_user"));

    // 3. prune: the fresh leftover stays (it may still be written) …
    let prune = |extra: &[&str]| {
        let mut c = cmd();
        c.args(["backup", "prune", "--keep-days", "30", "--format", "json"])
            .args(extra)
            .arg("--dir")
            .arg(&dir);
        json(&out(c))
    };
    let p = prune(&["--yes"]);
    assert_eq!(p["freed_bytes"], 0, "{p}");
    assert!(dir.join(&partial_name).is_dir());
    // … and once it is two days old, --dry-run lists it and deletes nothing, --yes deletes it.
    let st = Command::new("find")
        .arg(dir.join(&partial_name))
        .args(["-exec", "touch", "-h", "-d", "2 days ago", "{}", "+"])
        .status()
        .unwrap();
    assert!(st.success());
    let p = prune(&["--dry-run"]);
    let leftover =
        p["backups"].as_array().unwrap().iter().find(|b| b["state"] == "incomplete").unwrap().clone();
    assert_eq!(leftover["delete"], true, "{p}");
    assert!(dir.join(&partial_name).is_dir(), "--dry-run deletes nothing");
    prune(&["--yes"]);
    assert!(!dir.join(&partial_name).exists());
    assert_eq!(list(&dir).len(), 1);
}

#[tokio::test]
async fn a_flipped_byte_fails_the_drill_naming_the_file_and_a_changed_count_names_the_table() {
    let srv = server();
    let (cfg, _db) = towow_db(&srv.base, "flip", "200").await;
    let dir = temp_dir("flip");
    let into = srv.base.url_with_password();
    let create = || {
        let mut c = tool(&cfg, None, &["backup", "create", "--format", "json", "--dir"]);
        c.arg(&dir);
        json(&out(c))["name"].as_str().unwrap().to_string()
    };
    let verify = |name: &str, extra: &[&str]| {
        let mut c = tool(&cfg, None, &["backup", "verify", name, "--into", &into]);
        c.args(extra).arg("--dir").arg(&dir);
        out(c)
    };
    let check = || {
        let mut c = cmd();
        c.args(["backup", "verify", "--check", "--format", "json", "--dir"]).arg(&dir);
        out(c)
    };
    // No backup yet: CRITICAL.
    let o = check();
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));

    let name = create();
    let o = verify(&name, &[]);
    assert_ok(&o);
    let o = check();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // An age threshold of 0 s: WARNING (exit 1) once a second has passed (ages are whole
    // seconds: within the same second the age is 0, not over 0).
    std::thread::sleep(Duration::from_millis(1100));
    let mut c = cmd();
    c.args(["backup", "verify", "--check", "--threshold", "verified_backup_age_s=0:1d", "--dir"]).arg(&dir);
    assert_eq!(out(c).status.code(), Some(1));

    // Flip one byte in the middle of the largest data file.
    let folder = dir.join(&name);
    let (file, _) = std::fs::read_dir(folder.join("dump"))
        .unwrap()
        .flatten()
        .map(|e| (e.path(), e.metadata().unwrap().len()))
        .max_by_key(|(_, n)| *n)
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&file, bytes).unwrap();
    let rel = format!("dump/{}", file.file_name().unwrap().to_string_lossy());
    let o = verify(&name, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{rel}: sha256 differs")), "{}", stderr(&o));
    let l = list(&dir);
    assert_eq!(l[0]["state"], "corrupt", "{}", l[0]);
    assert_eq!(l[0]["last_verification"]["checksums_ok"], false);
    // The last drill failed and no backup is proven restorable: CRITICAL.
    let o = check();
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let last =
        v["check"]["checks"].as_array().unwrap().iter().find(|c| c["name"] == "last_drill_failed").unwrap();
    assert_eq!(last["status"], "critical", "{v}");
    // restore refuses the damaged backup before touching the target.
    let mut target = cfg.clone();
    target.dbname = Some(format!("{}_never", cfg.dbname.as_deref().unwrap()));
    let mut c =
        tool(&cfg, None, &["backup", "restore", &name, "--into", &target.url_with_password(), "--dir"]);
    c.arg(&dir);
    let o = out(c);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&rel) && stderr(&o).contains("nothing was restored"), "{}", stderr(&o));
    let admin = connect(&srv.base).await;
    let q =
        format!("SELECT count(*) FROM pg_database WHERE datname = '{}'", target.dbname.as_deref().unwrap());
    assert_eq!(scalar_i64(&admin, &q).await, 0, "the target was not even created");

    // A backup whose manifest counts one row more than the dump holds: the drill names the table.
    let name = create();
    let mpath = dir.join(&name).join("manifest.json");
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&mpath).unwrap()).unwrap();
    let t = m["tables"].as_array_mut().unwrap().iter_mut().find(|t| t["table"] == "demands").unwrap();
    let n = t["rows"].as_i64().unwrap();
    t["rows"] = (n + 1).into();
    std::fs::write(&mpath, serde_json::to_string(&m).unwrap()).unwrap();
    let o = verify(&name, &[]);
    assert_eq!(o.status.code(), Some(1));
    let want = format!("table public.demands: {n} rows restored, the manifest says {}", n + 1);
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
}

#[tokio::test]
async fn prune_keeps_the_newest_complete_and_newest_verified_whatever_the_flags() {
    let srv = server();
    let (cfg, _db) = towow_db(&srv.base, "prune", "50").await;
    let dir = temp_dir("prune");
    let mut names = Vec::new();
    for _ in 0..3 {
        let mut c = tool(&cfg, None, &["backup", "create", "--format", "json", "--dir"]);
        c.arg(&dir);
        names.push(json(&out(c))["name"].as_str().unwrap().to_string());
        // Names carry the second: keep them distinct.
        std::thread::sleep(Duration::from_millis(1100));
    }
    // The oldest passes a drill; then all three are made 100, 90 and 80 days old.
    let mut c =
        tool(&cfg, None, &["backup", "verify", &names[0], "--into", &srv.base.url_with_password(), "--dir"]);
    c.arg(&dir);
    assert_ok(&out(c));
    for (name, days) in names.iter().zip([100, 90, 80]) {
        let p = dir.join(name).join("manifest.json");
        let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        m["started_at"] = (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339().into();
        std::fs::write(&p, serde_json::to_string(&m).unwrap()).unwrap();
    }
    let prune = |extra: &[&str]| {
        let mut c = cmd();
        c.args(["backup", "prune", "--keep-days", "0", "--keep-last", "0"])
            .args(extra)
            .arg("--dir")
            .arg(&dir);
        out(c)
    };
    let o = prune(&["--dry-run"]);
    assert_ok(&o);
    assert_eq!(list(&dir).len(), 3, "--dry-run deletes nothing");
    // Without a terminal and without --yes: refused, nothing deleted.
    let o = prune(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(list(&dir).len(), 3);
    assert_ok(&prune(&["--yes"]));
    let left: Vec<String> = list(&dir).iter().map(|b| b["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(
        left,
        [names[0].clone(), names[2].clone()],
        "the newest verified and the newest complete stay"
    );
    assert_ok(&prune(&["--yes"]));
    assert_eq!(list(&dir).len(), 2, "whatever the flags, however often");
}

/// `health`'s `wal_archive_failing_s` check, from its JSON (whatever the exit code).
fn archiver_check(o: &std::process::Output) -> serde_json::Value {
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    h["checks"].as_array().unwrap().iter().find(|c| c["name"] == "wal_archive_failing_s").unwrap().clone()
}

#[tokio::test]
async fn health_reports_the_wal_archiver_as_pg_stat_archiver_says() {
    // archive_mode off (the main test server): not applicable.
    let cfg = fresh_db("archiver_off").await;
    let c = archiver_check(&run_url(&cfg, &["health", "--format", "json"]));
    assert_eq!((c["status"].as_str(), c["value"].is_null()), (Some("ok"), true), "{c}");
    assert!(c["message"].as_str().unwrap().contains("archive_mode is off"));

    // An archive that fails until the file `ok` exists (a full disk, a lost mount, …).
    let archive = temp_dir("archive");
    if let Some((uid, gid)) = unprivileged_owner() {
        std::os::unix::fs::chown(&archive, Some(uid), Some(gid)).unwrap();
    }
    let (_cluster, mut base) = start_cluster(
        "archiver",
        towow_db::admin::local::InitOptions {
            unsafe_fast: true,
            extra_conf: vec![
                "archive_mode = on".into(),
                format!("archive_command = 'test -f {0}/ok && cp %p {0}/%f'", archive.display()),
            ],
            ..Default::default()
        },
    );
    base.dbname = Some("postgres".into());
    let db = connect(&base).await;
    exec(&db, "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g; SELECT pg_switch_wal();").await;
    wait_until(&db, "SELECT failed_count > 0 FROM pg_stat_archiver").await;
    let check = || archiver_check(&run_url(&base, &["health", "--format", "json"]));
    let c = check();
    assert_ne!(c["status"], "ok", "{c}");
    let failed = scalar_i64(&db, "SELECT failed_count FROM pg_stat_archiver").await;
    let msg = c["message"].as_str().unwrap();
    assert!(msg.starts_with("failing: ") && msg.contains("0 archived"), "{c}");
    assert!(failed >= 1 && msg.contains("failure(s)"), "{c}");
    let o = run_url(&base, &["health", "--check", "--threshold", "wal_archive_failing_s=none:0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));

    // The archive works again: OK, 0, and the count the server reports.
    std::fs::write(archive.join("ok"), "").unwrap();
    // A new segment wakes the archiver (else it retries after a minute).
    exec(&db, "INSERT INTO t SELECT 1; SELECT pg_switch_wal();").await;
    wait_until_within(
        &db,
        "SELECT archived_count > 0 AND last_archived_time > last_failed_time FROM pg_stat_archiver",
        Duration::from_secs(120),
    )
    .await;
    let c = check();
    let archived = scalar_i64(&db, "SELECT archived_count FROM pg_stat_archiver").await;
    assert_eq!((c["status"].as_str(), c["value"].as_i64()), (Some("ok"), Some(0)), "{c}");
    assert!(c["message"].as_str().unwrap().starts_with(&format!("{archived} archived")), "{c}");
}

/// archive_mode on without an archive_command: PostgreSQL archives nothing and never fails, and
/// WAL piles up in pg_wal. That is not "the archiver works".
#[tokio::test]
async fn archive_mode_on_with_nothing_to_archive_with_is_not_ok() {
    let (_cluster, mut base) = start_cluster(
        "archiver_unset",
        towow_db::admin::local::InitOptions {
            unsafe_fast: true,
            extra_conf: vec!["archive_mode = on".into(), "archive_command = ''".into()],
            ..Default::default()
        },
    );
    base.dbname = Some("postgres".into());
    let db = connect(&base).await;
    exec(&db, "SELECT pg_switch_wal()").await;
    let o = run_url(&base, &["health", "--format", "json", "--check"]);
    let c = archiver_check(&o);
    assert_ne!(c["status"], "ok", "{c}");
    assert!(
        c["message"].as_str().unwrap().contains("neither archive_command nor archive_library is set"),
        "{c}"
    );
    assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[tokio::test]
async fn the_manifest_judges_the_schema_by_the_historys_fingerprint() {
    let cfg = fresh_db("bkfinger").await;
    assert_ok(&run_url(&cfg, &["init"]));
    let db = connect(&cfg).await;
    let dir = temp_dir("bkfinger");
    let create = |dir: &Path| {
        let o = run_url(&cfg, &["backup", "create", "--format", "json", "--dir", dir.to_str().unwrap()]);
        assert_ok(&o);
        json(&o)
    };
    // As migrated: verified, nothing differs.
    let m = create(&dir);
    assert_eq!(
        (m["migrations"]["verified"].clone(), m["migrations"]["applied_version"].clone()),
        (Value::from(true), Value::from(4)),
        "{}",
        m["migrations"]
    );
    // An index the migrations made is gone: the manifest says which, as `migrate verify` does.
    exec(&db, "DROP INDEX ix_demands_status").await;
    let m = create(&dir);
    assert_eq!(m["migrations"]["verified"], false, "{}", m["migrations"]);
    let differences = m["migrations"]["differences"].to_string();
    assert!(differences.contains("ix_demands_status"), "{differences}");
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["drift"].to_string().contains("ix_demands_status"), "verify agrees: {v}");
}
