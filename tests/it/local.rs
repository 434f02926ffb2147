//! The managed local cluster: the embedded default when nothing is configured, and `local`.

use crate::common::*;

/// The binary with no connection configured at all, and its local cluster in `dir`.
fn local_cmd(dir: &std::path::Path) -> std::process::Command {
    let mut c = cmd();
    c.env("TOWOW_LOCAL_DIR", dir);
    c
}

#[test]
fn the_embedded_default_works_with_nothing_configured() {
    let dir = scratch_dir("embedded");
    reap_on_exit(&dir);
    // `cmd()` removes DATABASE_URL, PG*, POSTGRES_*, DB_POOL_* and runs where no .env exists.
    // The README's Quick start: `init --mock-agents`.
    let o = local_cmd(&dir).args(["init", "--mock-agents"]).output().unwrap();
    assert_ok(&o);
    let e = stderr(&o);
    assert!(e.contains("created and started the local towow-db cluster"), "says what it did: {e}");
    assert!(e.contains("***"), "the URL is shown redacted: {e}");
    // Where the database is, how to connect, and that the server keeps running.
    assert!(
        e.contains("until `towow-db local stop`") && e.contains("psql \"$(towow-db local url | tail -n1)\""),
        "the next step: {e}"
    );
    assert!(stdout(&o).contains("agent_profiles") && stdout(&o).contains("100"), "{}", stdout(&o));
    let o = local_cmd(&dir).args(["init", "--format", "json"]).output().unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["schema_version"], towow_db::migrate::shipped().unwrap().last().unwrap().version);
    // -q: errors only, the exit code says the rest.
    let o = local_cmd(&dir).args(["init", "-q", "--mock-agents"]).output().unwrap();
    assert_ok(&o);
    assert_eq!((stdout(&o).as_str(), stderr(&o).as_str()), ("", ""), "init -q prints nothing");
    // slow-query works out of the box (given --local without a terminal: see
    // `the_local_cluster_answers_only_where_it_is_meant_to`): the managed cluster made
    // pg_stat_statements.
    let o = local_cmd(&dir).args(["--local", "slow-query", "--format", "json"]).output().unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!j["queries"].as_array().unwrap().is_empty(), "{j}");
    // The README's other examples after the Quick start.
    assert_ok(
        &local_cmd(&dir)
            .args(["mock-agents", "--count", "1000", "--locale", "en", "--seed", "7", "-q"])
            .output()
            .unwrap(),
    );

    // The fresh ToWow schema passes the report gates a CI job would put after init: the app's
    // ix_demands_status (a prefix of V2's ix_demands_status_created) is kept on purpose (V4).
    for gate in [&["indexes", "--check"][..], &["health", "--check"], &["vacuum-report", "--check"]] {
        let host = if gate[0] == "health" { &NOT_THE_HOST_DISK[..] } else { &[] };
        let o = local_cmd(&dir).arg("--local").args(gate).args(host).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{gate:?} on the fresh schema: {}", stdout(&o));
    }
    let o = local_cmd(&dir).args(["--local", "indexes", "--format", "json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let dup = &j["duplicates"][0];
    assert_eq!(
        (dup["index"].as_str(), dup["duplicate_of"].as_str()),
        (Some("ix_demands_status"), Some("ix_demands_status_created")),
        "{j}"
    );
    assert!(dup["kept"].as_str().unwrap().contains("ToWow app's models"), "{j}");

    // Second command: the cluster is already running, nothing to start.
    let o = local_cmd(&dir).args(["migrate", "status", "--format", "json"]).output().unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["migrations"].as_array().unwrap().iter().all(|m| m["state"] == "applied"), "{j}");

    // `local url` prints a URL (last line) that works as DATABASE_URL as is.
    let o = local_cmd(&dir).args(["local", "url"]).output().unwrap();
    assert_ok(&o);
    let url = stdout(&o).lines().last().unwrap().to_string();
    assert!(url.starts_with("postgresql://towow:") && !url.contains("***"), "{url}");
    let o = cmd().env("DATABASE_URL", &url).args(["migrate", "verify"]).output().unwrap();
    assert_ok(&o);

    // status, stop (data kept), start again (same data), destroy (asks first).
    let o = local_cmd(&dir).args(["local", "status", "--format", "json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["exists"].as_bool(), j["running"].as_bool()), (Some(true), Some(true)), "{j}");
    assert!(
        !j.to_string().contains(url.split(':').nth(2).unwrap().split('@').next().unwrap()),
        "no password in status"
    );
    assert_ok(&local_cmd(&dir).args(["local", "stop"]).output().unwrap());
    // The local cluster's URL while it is stopped: the error says to start it.
    let o = local_cmd(&dir).env("DATABASE_URL", &url).args(["health"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is stopped: start it with `towow-db local start`"), "{}", stderr(&o));
    let o = local_cmd(&dir).args(["local", "status", "--format", "json"]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["running"], false);
    let o = local_cmd(&dir).args(["local", "start"]).output().unwrap();
    assert_ok(&o);
    let o = local_cmd(&dir).args(["local", "start"]).output().unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains("already running"), "start is idempotent: {}", stderr(&o));
    let o = local_cmd(&dir).args(["migrate", "verify"]).output().unwrap();
    assert_ok(&o);

    let o = local_cmd(&dir).args(["local", "destroy"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "destroy without a terminal and --yes refuses");
    assert!(dir.join("data").exists());
    assert_ok(&local_cmd(&dir).args(["local", "destroy", "--yes"]).output().unwrap());
    assert!(!dir.exists());
}

#[test]
fn the_cluster_runs_unprivileged_with_its_data_outside_root() {
    let dir = scratch_dir("owner");
    reap_on_exit(&dir);
    let cluster = towow_db::admin::local::LocalCluster::new(&dir);
    cluster.start(&towow_db::admin::local::InitOptions { unsafe_fast: true, ..Default::default() }).unwrap();
    let st = cluster.status().unwrap();
    assert!(st.running);
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(dir.join("data")).unwrap().uid();
    // As root, the server's own unprivileged user (postgres, else nobody); otherwise, us.
    let expected = match unprivileged_owner() {
        Some((uid, _)) => uid,
        None => unsafe { libc::geteuid() },
    };
    assert_eq!(owner, expected, "the server's data belongs to the user it runs as");
    assert!(owner != 0, "the server's data must not belong to root");
    // The password file is private.
    let mode = std::fs::metadata(dir.join("local.json")).unwrap().mode() & 0o777;
    assert_eq!(mode, 0o600);
    cluster.destroy().unwrap();
    assert!(!dir.exists());
}

/// The directory `local status` names for the default cluster, run as `user` (uid, gid) when given.
fn default_dir_of(user: Option<(u32, u32)>, home: &str, xdg: Option<&str>) -> String {
    use std::os::unix::process::CommandExt;
    let mut c = cmd();
    c.env("HOME", home).env_remove("XDG_DATA_HOME").args(["local", "status", "--format", "json"]);
    if let Some(x) = xdg {
        c.env("XDG_DATA_HOME", x);
    }
    if let Some((uid, gid)) = user {
        c.uid(uid).gid(gid);
    }
    let o = c.output().unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    j["dir"].as_str().unwrap().to_string()
}

#[test]
fn default_dir_is_reachable_by_the_server_user() {
    // Root's cluster is outside /root, which the server's unprivileged user cannot enter.
    // Anyone else's is under XDG_DATA_HOME, else ~/.local/share. When the tests run as root, the
    // second rule is checked as the server's user.
    let someone = match unprivileged_owner() {
        Some(user) => {
            assert_eq!(default_dir_of(None, "/root", None), "/var/lib/towow-db/root");
            Some(user)
        }
        None => None,
    };
    assert_eq!(
        default_dir_of(someone, "/tmp/towow-home", None),
        "/tmp/towow-home/.local/share/towow-db/local"
    );
    assert_eq!(
        default_dir_of(someone, "/tmp/towow-home", Some("/tmp/towow-xdg")),
        "/tmp/towow-xdg/towow-db/local"
    );
}

#[test]
fn destroy_deletes_only_what_towow_db_made() {
    // A directory that holds no cluster (a mistyped TOWOW_LOCAL_DIR): nothing is deleted.
    let dir = scratch_dir("notacluster");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("precious.txt"), "keep me").unwrap();
    let o = local_cmd(&dir).args(["local", "destroy", "--yes"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("does not hold a towow-db cluster"), "{}", stderr(&o));
    assert!(dir.join("precious.txt").exists());
    std::fs::remove_dir_all(&dir).unwrap();

    // A cluster directory with a file of the user's beside it: the cluster goes, the file stays.
    let dir = scratch_dir("withextra");
    reap_on_exit(&dir);
    let cluster = towow_db::admin::local::LocalCluster::new(&dir);
    cluster.start(&towow_db::admin::local::InitOptions { unsafe_fast: true, ..Default::default() }).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let o = local_cmd(&dir).args(["local", "destroy", "--yes"]).output().unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains("left alone"), "{}", stderr(&o));
    assert!(dir.join("notes.txt").exists());
    assert!(!dir.join("data").exists() && !dir.join("local.json").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn towow_pg_bindir_chooses_the_servers_programs() {
    // The default search finds the newest major on PATH, pg_config or /usr/lib/postgresql;
    // TOWOW_PG_BINDIR names another (any found here that differs, the fetched majors included).
    let default = towow_db::admin::local::find_bindir().unwrap();
    let other = crate::pg_versions::available()
        .into_iter()
        .find(|(_, bin)| *bin != default)
        .unwrap_or_else(|| missing_prerequisite("a second PostgreSQL major (.ci/fetch-pg-versions)"));
    let dir = scratch_dir("bindir");
    reap_on_exit(&dir);
    let o = local_cmd(&dir).env("TOWOW_PG_BINDIR", &other.1).args(["local", "start", "-q"]).output().unwrap();
    assert_ok(&o);
    let o = local_cmd(&dir)
        .env("TOWOW_PG_BINDIR", &other.1)
        .args(["local", "status", "--format", "json"])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(j["version"].as_str().unwrap().contains(&format!("(PostgreSQL) {}.", other.0)), "{j}");
    assert_ok(&local_cmd(&dir).args(["local", "destroy", "--yes"]).output().unwrap());
    // A directory without them: refused, naming the variable.
    let dir = scratch_dir("nobindir");
    let o = local_cmd(&dir).env("TOWOW_PG_BINDIR", "/tmp").args(["local", "start"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("TOWOW_PG_BINDIR") && stderr(&o).contains("/tmp"), "{}", stderr(&o));
}

/// The embedded default answers only where it is meant to (docs/connecting.md#the-local-cluster):
/// in cron's environment (`env -i`: no DATABASE_URL, no .env, no HOME) a command that acts on or
/// judges production data exits 2 naming what to set, and starts and writes nothing; a report
/// that only shows needs a terminal for it (the note saying which database answered is seen
/// there). The developer commands keep it (`the_embedded_default_works_with_nothing_configured`).
#[test]
fn the_local_cluster_answers_only_where_it_is_meant_to() {
    let refused: &[&[&str]] = &[
        &["backup", "create", "-q"],
        &["backup", "verify", "--latest"],
        &["retention", "--table", "t", "--column", "c", "--older-than", "30d", "--yes"],
        &["health", "--check"],
        &["vacuum-report", "--check", "-q"],
        &["slow-query", "--reset", "--yes"],
        &["indexes", "--rebuild", "--yes"],
        &["partitions", "ensure", "--table", "t", "--ahead", "1"],
        &["roles", "create"],
        // Shows only, but no terminal says which database answered.
        &["sizes", "--format", "json"],
    ];
    let says_what_to_set = |o: &std::process::Output, args: &[&str]| {
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}{}", stdout(o), stderr(o));
        let e = stderr(o);
        for what in ["--url", "DATABASE_URL", "--targets", "--local", "does not fall back"] {
            assert!(e.contains(what), "{args:?} names {what}: {e}");
        }
        assert_eq!(e.lines().count(), 1, "{args:?}: one line: {e}");
    };
    // Exactly cron's environment. Nothing was written where the defaults point.
    let default_local = towow_db::admin::local::LocalCluster::default_dir();
    let default_backups = towow_db::admin::backup::default_dir();
    let before = (default_local.exists(), default_backups.exists());
    for args in refused {
        let o = std::process::Command::new(BIN)
            .env_clear()
            .current_dir("/")
            .args(*args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        says_what_to_set(&o, args);
    }
    assert_eq!((default_local.exists(), default_backups.exists()), before);
    // The same with the local cluster's and the backups' folders pointed at fresh paths: neither
    // is ever made.
    let dir = scratch_dir("no-fallback");
    let backups = scratch_dir("no-fallback-backups");
    for args in refused {
        let o = local_cmd(&dir).env("TOWOW_BACKUP_DIR", &backups).args(*args).output().unwrap();
        says_what_to_set(&o, args);
    }
    assert!(!dir.exists() && !backups.exists(), "a folder was made");
    // A configured target wins over the policy (here an unreachable one: exit 1, not 2), and
    // --local conflicts with a URL (exit 2, clap's).
    let o = local_cmd(&dir)
        .env("DATABASE_URL", format!("postgresql://u@127.0.0.1:{}/d", free_port()))
        .args(["health", "--check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    let o = local_cmd(&dir).args(["--local", "--url", "postgresql://u@h/d", "health"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.exists());
}
