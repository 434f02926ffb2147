//! One command over several databases: `--url` repeated, named targets from `towow-db.toml`;
//! one table with a target column, JSON per target, the worst status as the exit code, a target
//! that is down UNKNOWN without stopping the others.

use std::os::unix::fs::PermissionsExt;

use super::*;

/// A database whose health is WARNING: a failed `CREATE UNIQUE INDEX CONCURRENTLY` left an
/// INVALID index behind (as it does in the field).
async fn with_invalid_index(tag: &str) -> ConnConfig {
    let cfg = fresh_db(tag).await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE u (x int); INSERT INTO u VALUES (1), (1)").await;
    let e = db.get().await.unwrap().batch_execute("CREATE UNIQUE INDEX CONCURRENTLY u_x ON u (x)").await;
    assert!(e.is_err(), "the duplicate must fail the index");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid").await, 1);
    cfg
}

/// The checks that judge the whole shared test server (other tests' sessions, its cache) are
/// off: these tests are about the databases.
const DB_CHECKS_ONLY: [&str; 14] = [
    "--threshold",
    "disk_used_pct=none:none",
    "--threshold",
    "cache_hit_pct=none:none",
    "--threshold",
    "connections_pct=none:none",
    "--threshold",
    "oldest_transaction_s=none:none",
    "--threshold",
    "long_running_s=none:none",
    "--threshold",
    "idle_in_transaction_s=none:none",
    "--threshold",
    "xmin_horizon_age=none:none",
];

fn health(extra: &[&str]) -> Vec<String> {
    ["health", "--check"].iter().chain(DB_CHECKS_ONLY.iter()).chain(extra).map(|s| s.to_string()).collect()
}

/// A port nothing listens on.
fn down(cfg: &ConnConfig) -> ConnConfig {
    let mut d = cfg.clone();
    d.ports = vec![std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()];
    d
}

fn name(cfg: &ConnConfig) -> String {
    format!("{}:{}/{}", cfg.host(), cfg.port(), cfg.dbname_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_targets_one_down_in_one_table() {
    let ok = fresh_db("fleet_ok").await;
    assert_ok(&run_url(&ok, &["init"]));
    let warn = with_invalid_index("fleet_warn").await;
    let gone = down(&ok);
    let urls = [ok.url_with_password(), warn.url_with_password(), gone.url_with_password()];
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = urls.iter().flat_map(|u| ["--url".to_string(), u.clone()]).collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };

    // One table: every target's checks, the one that is down as UNKNOWN; exit = the worst.
    let o = cmd().args(args(&[])).args(health(&[])).output().unwrap();
    assert_no_panic(&o);
    assert_eq!(code(&o), 1, "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().next().unwrap().starts_with("target"), "{out}");
    for cfg in [&ok, &warn, &gone] {
        assert!(out.lines().any(|l| l.starts_with(&name(cfg))), "{} missing in\n{out}", name(cfg));
    }
    let down_row = out.lines().find(|l| l.starts_with(&name(&gone))).unwrap();
    assert!(
        down_row.contains("connection") && down_row.contains("UNKNOWN") && down_row.contains("refused"),
        "{down_row}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(&name(&warn)) && l.contains("invalid_indexes") && l.contains("WARNING")),
        "{out}"
    );
    assert!(out.contains("WARNING: ") && out.contains("/connection=- (UNKNOWN)"), "{out}");

    let o = cmd().args(args(&[])).args(health(&["--format", "json"])).output().unwrap();
    assert_eq!(code(&o), 1);
    let j = json(&o);
    assert_eq!(j["check"]["status"], "warning");
    let t = j["targets"].as_array().unwrap();
    assert_eq!(t.len(), 3, "{j}");
    assert_eq!(
        (t[0]["target"].as_str(), t[0]["ok"].as_bool(), t[0]["status"].as_str()),
        (Some(name(&ok).as_str()), Some(true), Some("ok"))
    );
    assert_eq!(t[1]["status"], "warning");
    assert_eq!(t[1]["result"]["database"], warn.dbname_or_default());
    assert_eq!((t[2]["ok"].as_bool(), t[2]["status"].as_str()), (Some(false), Some("unknown")));
    assert!(t[2]["error"].as_str().unwrap().contains("cannot connect"), "{}", t[2]);
    assert!(t[2]["result"].is_null());

    // The worst is UNKNOWN when the others are OK.
    let o = cmd().args(["--url", &urls[0], "--url", &urls[2], "replication", "--check"]).output().unwrap();
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    // Without --check: everything that could be read, then exit 1 for the one that could not.
    let o = cmd().args(args(&["sizes"])).output().unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).lines().any(|l| l.starts_with(&name(&ok)) && l.contains("public.demands")),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("Targets not read"), "{}", stdout(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(ok.password.as_deref().unwrap()), "{all}");

    // migrate status and verify over several databases.
    let o = cmd().args(["--url", &urls[0], "--url", &urls[1], "migrate", "status"]).output().unwrap();
    assert_ok(&o);
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with(&name(&ok)) && l.contains("initial_tables") && l.contains("applied")),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).lines().any(|l| l.starts_with(&name(&warn)) && l.contains("pending")),
        "{}",
        stdout(&o)
    );
    let o = cmd()
        .args(["--url", &urls[0], "--url", &urls[1], "migrate", "verify", "--fail-on-pending"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).lines().any(|l| l.starts_with(&name(&ok)) && l.contains("OK")), "{}", stdout(&o));
    assert!(
        stdout(&o).lines().any(|l| l.starts_with(&name(&warn)) && l.contains("MISMATCH")),
        "{}",
        stdout(&o)
    );

    // Write commands take one database.
    let o = cmd().args(["--url", &urls[0], "--url", &urls[1], "migrate"]).output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("one database at a time"), "{}", stderr(&o));
}

/// Named targets from `towow-db.toml` in the working directory, their secrets from the
/// environment and the password file, never from the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn named_targets_from_the_targets_file() {
    let alpha = fresh_db("fleet_alpha").await;
    let beta = with_invalid_index("fleet_beta").await;
    let gone = down(&alpha);
    let password = alpha.password.clone().unwrap();
    let bare = |c: &ConnConfig| {
        let mut c = c.clone();
        c.password = None;
        c.url_with_password()
    };
    let dir = temp_dir("targets");
    std::fs::write(
        dir.join("towow-db.toml"),
        format!(
            "# The databases I look after.\n[targets.alpha]\nurl = \"{}\"\npassword_env = \"ALPHA_PW\"\n\n[targets.beta]\nurl = \"{}\"  # password from PGPASSFILE\n\n[targets.gone]\nurl = '{}'\n",
            bare(&alpha),
            bare(&beta),
            bare(&gone)
        ),
    )
    .unwrap();
    let passfile = dir.join("pgpass");
    std::fs::write(&passfile, format!("*:*:*:*:{password}\n")).unwrap();
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run_here = |args: &[&str]| {
        let o = cmd()
            .args(args)
            .current_dir(&dir)
            .env("ALPHA_PW", &password)
            .env("PGPASSFILE", &passfile)
            .output()
            .unwrap();
        assert_no_panic(&o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains(&password), "{all}");
        o
    };

    let mut all = vec!["--all-targets".to_string()];
    all.extend(health(&["--format", "json"]));
    let o = run_here(&all.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&o), 1, "{}\n{}", stdout(&o), stderr(&o));
    let j = json(&o);
    let t = j["targets"].as_array().unwrap();
    let names: Vec<&str> = t.iter().map(|x| x["target"].as_str().unwrap()).collect();
    assert_eq!(names, ["alpha", "beta", "gone"]);
    assert_eq!(
        t.iter().map(|x| x["status"].as_str().unwrap()).collect::<Vec<_>>(),
        ["ok", "warning", "unknown"],
        "{j}"
    );
    assert!(
        t[0]["url"].as_str().unwrap().starts_with("postgresql://towow:***@127.0.0.1:"),
        "{}",
        t[0]["url"]
    );

    // One named target: the usual single-database output.
    let o = run_here(&["--targets", "alpha", "health", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["database"], alpha.dbname_or_default());
    let o = run_here(&["--targets", "alpha,beta", "indexes"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("alpha") && stdout(&o).contains("beta"), "{}", stdout(&o));
    let o = run_here(&["--targets", "nosuch", "health"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("no such target (it has: alpha, beta, gone)"), "{}", stderr(&o));
    // A write command with a named target goes there (and needs its primary).
    let o = run_here(&["--targets", "alpha", "migrate"]);
    assert_ok(&o);
    let o = run_here(&["--all-targets", "seed"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));

    // No file: said how to make one.
    let o = cmd()
        .args(["--all-targets", "health"])
        .current_dir(temp_dir("no-targets"))
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("create towow-db.toml here"), "{}", stderr(&o));
}
