//! A role without the privileges a command needs: the error keeps the server's SQLSTATE on every
//! path (the load, the migration history) and says what to do about it; nothing is written.

use super::*;

/// A login role with no privileges on anything, and its connection settings.
async fn bare_role(cfg: &ConnConfig, db: &towow_db::connect::Db, tag: &str) -> ConnConfig {
    let name = format!("bare_{tag}_{}", std::process::id());
    exec(db, &format!("DROP ROLE IF EXISTS {name}; CREATE ROLE {name} LOGIN PASSWORD '{SECRET}'")).await;
    let mut c = cfg.clone();
    c.user = Some(name);
    c.password = Some(SECRET.into());
    c
}

#[tokio::test]
async fn a_load_without_insert_privilege_keeps_the_sqlstate_and_says_what_to_do() {
    let (cfg, db) = initialised("noinsert").await;
    let role = bare_role(&cfg, &db, "noinsert").await;
    let t = run_limited(
        &mut url_cmd(&role.url_with_password(), &["seed", "--demands", "10"]),
        Duration::from_secs(60),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    let e = t.stderr();
    assert!(e.contains("permission denied") && e.contains("(SQLSTATE 42501)"), "{e}");
    // What became of the work, then the advice for the SQLSTATE, on the one error line.
    let line = e.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("{e}"));
    assert!(line.contains("(rolled back: nothing was written) — the role lacks a privilege"), "{line}");
    assert_no_secret(&t, SECRET);
    assert_eq!(towow_rows(&db).await, 0);
}

#[tokio::test]
async fn migrating_without_create_privilege_keeps_the_sqlstate_and_changes_nothing() {
    let cfg = fresh_db("nocreate").await;
    let db = test_connect(&cfg).await;
    exec(&db, "REVOKE CREATE ON SCHEMA public FROM PUBLIC").await;
    let role = bare_role(&cfg, &db, "nocreate").await;
    let t = run_limited(
        &mut url_cmd(&role.url_with_password(), &["init", "--no-create-database"]),
        Duration::from_secs(60),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    let e = t.stderr();
    assert!(e.contains("(SQLSTATE 42501)") && e.contains("— the role lacks a privilege"), "{e}");
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").await,
        0
    );
}

/// `backup verify` without `--into` drilled on a local cluster it started; now the drill goes on
/// the target's own server, and where the role may not create a database there it stops
/// (exit 2) naming CREATEDB and `--into`: no server is started, no folder made.
#[tokio::test]
async fn a_drill_without_createdb_says_what_it_needs_and_starts_nothing() {
    let (cfg, db) = initialised("drillnocreatedb").await;
    let dir = temp_dir("drillnocreatedb");
    let mut c = url_cmd(&cfg.url_with_password(), &["backup", "create", "-q", "--dir"]);
    c.arg(&dir);
    assert_eq!(run_limited(&mut c, Duration::from_secs(60)).code(), Some(0));
    let role = bare_role(&cfg, &db, "drill").await;
    let local = scratch_dir("drillnocreatedb-local");
    let mut c = url_cmd(&role.url_with_password(), &["backup", "verify", "--latest", "--dir"]);
    c.arg(&dir).env("TOWOW_LOCAL_DIR", &local);
    let t = run_limited(&mut c, Duration::from_secs(60));
    assert_eq!(t.code(), Some(2), "{t:?}");
    assert!(t.stderr().contains("CREATEDB") && t.stderr().contains("--into"), "{t:?}");
    assert!(!local.exists(), "a local cluster was set up");
    assert_no_secret(&t, SECRET);
    // With --into a server where the role may: the drill passes.
    let mut c = url_cmd(
        &role.url_with_password(),
        &["backup", "verify", "--latest", "--into", &server().base.url_with_password(), "--dir"],
    );
    c.arg(&dir);
    let t = run_limited(&mut c, Duration::from_secs(120));
    assert_eq!(t.code(), Some(0), "{t:?}");
}
