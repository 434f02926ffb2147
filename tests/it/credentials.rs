//! Credentials: libpq's password file (`PGPASSFILE` / `~/.pgpass`), refused when group or world
//! may read it; passwords never shown, not even with `-vv`.

use std::os::unix::fs::PermissionsExt;

use crate::common::*;

/// `host:port:db:user:password` with libpq's escapes for `:` and `\`.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(':', "\\:")
}

#[tokio::test]
async fn the_password_file_supplies_the_password() {
    let cfg = fresh_db("pgpass").await;
    let pw = cfg.password.clone().unwrap();
    let dir = temp_dir("pgpass");
    let file = dir.join("pgpass");
    let text = format!(
        "# towow-db test\n127.0.0.1:{}:{}:{}:{}\n*:*:*:*:wrong-password\n",
        cfg.port(),
        escape(cfg.dbname.as_deref().unwrap()),
        escape(&cfg.user_or_default()),
        escape(&pw)
    );
    std::fs::write(&file, text).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut nopw = cfg.clone();
    nopw.password = None;
    let url = nopw.url_with_password();
    assert!(!url.contains(&pw));

    let o =
        cmd().env("PGPASSFILE", &file).args(["-vv", "--url", &url, "migrate", "status"]).output().unwrap();
    assert_ok(&o);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(&pw), "the password must never be printed: {all}");
    assert!(stderr(&o).contains("pgpass"), "-v says where the password came from: {}", stderr(&o));

    // ~/.pgpass is the default.
    let home = temp_dir("pgpasshome");
    std::fs::copy(&file, home.join(".pgpass")).unwrap();
    std::fs::set_permissions(home.join(".pgpass"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = cmd().env("HOME", &home).args(["--url", &url, "migrate", "status"]).output().unwrap();
    assert_ok(&o);

    // A URL or PGPASSWORD password wins over the file: the `*` line would be wrong.
    let o = cmd()
        .env("PGPASSFILE", &file)
        .env("PGPASSWORD", "not-it")
        .args(["--url", &url, "migrate", "status"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("28P01") && !stderr(&o).contains("not-it"), "{}", stderr(&o));

    // Group/world-readable: ignored with libpq's warning, so the server's password request fails.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = cmd().env("PGPASSFILE", &file).args(["--url", &url, "migrate", "status"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_no_panic(&o);
    let e = stderr(&o);
    assert!(e.contains("has group or world access") && e.contains("0600"), "{e}");
    assert!(e.contains("password missing") && e.contains("~/.pgpass"), "{e}");
    assert!(!e.contains(&pw), "{e}");
    let errors: Vec<&str> = e.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{e}");
}

#[tokio::test]
async fn localhost_in_the_password_file_matches_the_unix_socket() {
    let Some(dir) = server().dir.clone() else {
        eprintln!("SKIPPED: needs the suite's own cluster (the Unix socket), not TOWOW_TEST_DATABASE_URL");
        return;
    };
    let cfg = fresh_db("pgpasssock").await;
    let pwdir = temp_dir("pgpasssock");
    let file = pwdir.join("pgpass");
    std::fs::write(&file, format!("localhost:*:*:*:{}\n", escape(cfg.password.as_deref().unwrap()))).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let url = format!(
        "postgresql://{}@/{}?host={}&port={}",
        cfg.user_or_default(),
        cfg.dbname.as_deref().unwrap(),
        dir.join("sock").display(),
        cfg.port()
    );
    let o = cmd().env("PGPASSFILE", &file).args(["--url", &url, "migrate", "status"]).output().unwrap();
    assert_ok(&o);
}

/// A container that runs an arbitrary UID: no entry in the password database and no HOME.
/// libpq's defaults still hold (the user from `$USER`, else `postgres`; no password file), and
/// nothing crashes on the missing entry.
#[test]
fn a_user_without_a_password_entry_or_home_gets_libpqs_defaults() {
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: running as another UID needs root");
        return;
    }
    // No system gives this UID an entry.
    const NOBODYS_UID: u32 = 3_141_592_653;
    let url = format!("postgresql://127.0.0.1:{}/towow?connect_timeout=2", free_port());
    let run_as = |user: Option<&str>| {
        let mut c = cmd();
        c.uid(NOBODYS_UID).gid(NOBODYS_UID).env_remove("HOME").env_remove("USER");
        if let Some(u) = user {
            c.env("USER", u);
        }
        c.args(["--url", &url, "activity"]).output().unwrap()
    };
    let o = run_as(None);
    assert_no_panic(&o);
    assert_eq!(o.status.code(), Some(1), "a failed connection, not a crash: {}", stderr(&o));
    assert!(stderr(&o).contains("user \"postgres\""), "{}", stderr(&o));
    let o = run_as(Some("app_user"));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("user \"app_user\""), "{}", stderr(&o));
}
