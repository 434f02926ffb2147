//! Least-privilege roles against the real cluster: towow_app may change rows but not the
//! schema, towow_migrate runs `towow-db migrate` (and its down scripts), passwords never show.

use std::process::Output;

use towow_db::connect::ConnConfig;

use crate::common::*;

const APP_PW: &str = "app-Pa55word-0123456789";
const MIGRATE_PW: &str = "migrate-Pa55word-0123456789";
const RO_PW: &str = "readonly-Pa55word-0123456789";

fn roles_create(admin: &ConnConfig, extra: &[&str], app: &str, migrate: &str) -> Output {
    let url = admin.url_with_password();
    let mut args = vec!["--url", url.as_str(), "roles", "create"];
    args.extend_from_slice(extra);
    let o = cmd()
        .env("TOWOW_APP_PASSWORD", app)
        .env("TOWOW_MIGRATE_PASSWORD", migrate)
        .env("TOWOW_READONLY_PASSWORD", RO_PW)
        .args(&args)
        .output()
        .unwrap();
    assert_no_panic(&o);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    for pw in [APP_PW, MIGRATE_PW, RO_PW] {
        assert!(!all.contains(pw), "a password was printed: {all}");
    }
    o
}

fn as_role(cfg: &ConnConfig, user: &str, pw: &str) -> ConnConfig {
    let mut c = cfg.clone();
    c.user = Some(user.into());
    c.password = Some(pw.into());
    c
}

async fn sql_error(db: &towow_db::connect::Db, sql: &str) -> String {
    let e = db.get().await.unwrap().batch_execute(sql).await.expect_err(sql);
    e.as_db_error().map(|d| format!("{} {}", d.code().code(), d.message())).unwrap_or_else(|| e.to_string())
}

#[tokio::test]
async fn towow_app_has_dml_only_and_towow_migrate_migrates() {
    // The administrator initialised the schema: it owns the tables, at first.
    let admin = fresh_db("roles").await;
    assert_ok(&run_url(&admin, &["init"]));
    let o = roles_create(&admin, &["--readonly-role"], APP_PW, MIGRATE_PW);
    assert_ok(&o);
    assert!(stdout(&o).contains("towow_app") && stdout(&o).contains("towow_readonly"), "{}", stdout(&o));
    assert!(stderr(&o).contains("now owned by \"towow_migrate\""), "{}", stderr(&o));

    // Idempotent: again (passwords from the environment are set again), and without passwords.
    // With -vv (every library's debug output): not even the SCRAM verifier shows.
    let o = roles_create(&admin, &["-vv", "--readonly-role"], APP_PW, MIGRATE_PW);
    assert_ok(&o);
    assert!(!stderr(&o).contains("SCRAM-SHA-256$"), "a verifier was logged: {}", stderr(&o));
    let o = cmd()
        .args(["--url", &admin.url_with_password(), "roles", "create", "--format", "json"])
        .output()
        .unwrap();
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        j["roles"].as_array().unwrap().iter().all(|r| r["created"] == false && r["password_set"] == false),
        "{j}"
    );

    // The stored password is a SCRAM verifier.
    let adb = connect(&admin).await;
    assert!(
        scalar_bool(
            &adb,
            "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'towow_app'"
        )
        .await
    );

    // towow_app: rows yes, schema no.
    let app = connect(&as_role(&admin, "towow_app", APP_PW)).await;
    exec(&app, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
    exec(&app, "UPDATE demands SET status = 'published'; DELETE FROM demands WHERE false").await;
    assert!(sql_error(&app, "CREATE TABLE app_made (x int)").await.starts_with("42501"));
    assert!(sql_error(&app, "DROP TABLE demands").await.starts_with("42501"));
    assert!(sql_error(&app, "TRUNCATE demands").await.starts_with("42501"));
    assert!(
        sql_error(&app, "DELETE FROM refinery_schema_history").await.starts_with("42501"),
        "history is read-only"
    );
    assert_eq!(
        scalar_i64(&app, "SELECT count(*) FROM refinery_schema_history").await,
        towow_db::migrate::shipped().unwrap().len() as i64
    );

    // Read-only: SELECT only.
    let ro = connect(&as_role(&admin, "towow_readonly", RO_PW)).await;
    assert_eq!(scalar_i64(&ro, "SELECT count(*) FROM demands").await, 1);
    assert!(sql_error(&ro, "DELETE FROM demands").await.starts_with("42501"));

    // towow_migrate owns the tables now: it can roll back (DROP INDEX/TABLE need ownership) and
    // migrate again, and towow_app may use what it re-creates (default privileges).
    let mig = as_role(&admin, "towow_migrate", MIGRATE_PW);
    assert_ok(&run_url(&mig, &["migrate", "down", "--target", "0", "--yes"]));
    assert_ok(&run_url(&mig, &["migrate"]));
    // towow_migrate may not create databases: verify builds its shadow database on the server
    // --shadow-url names (here the same server, as the administrator).
    let o = cmd()
        .args([
            "--url",
            &mig.url_with_password(),
            "migrate",
            "verify",
            "--shadow-url",
            &admin.url_with_password(),
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("built on the shadow server"), "{}", stdout(&o));
    exec(&app, "INSERT INTO agent_profiles (name, agent_type) VALUES ('a', 'b')").await;
    assert!(sql_error(&app, "DELETE FROM refinery_schema_history").await.starts_with("42501"));

    // roles show: who may do what.
    let o = run_url(&admin, &["roles", "show", "--format", "json"]);
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let role = |n: &str| j["roles"].as_array().unwrap().iter().find(|r| r["role"] == n).cloned().unwrap();
    assert_eq!(
        role("towow_app")["tables"]["demands"],
        serde_json::json!(["SELECT", "INSERT", "UPDATE", "DELETE"])
    );
    assert_eq!(role("towow_app")["schema"], serde_json::json!(["USAGE"]));
    assert_eq!(role("towow_readonly")["tables"]["demands"], serde_json::json!(["SELECT"]));
    assert!(role("towow_migrate")["owns"].as_array().unwrap().len() >= 4, "{j}");
    assert!(role("towow_migrate")["schema"].as_array().unwrap().contains(&"CREATE".into()));
    assert!(
        j["default_privileges"].as_array().unwrap().iter().any(|d| d["for_role"] == "towow_migrate"
            && d["grantee"] == "towow_app"
            && d["objects"] == "tables"),
        "{j}"
    );
    let o = run_url(&admin, &["roles", "show"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("towow_app") && stdout(&o).contains("Default privileges"), "{}", stdout(&o));
}

#[tokio::test]
async fn a_migrate_role_migrates_a_fresh_database() {
    let admin = fresh_db("roles_fresh").await;
    let o = roles_create(
        &admin,
        &["--app-role", "fresh_app", "--migrate-role", "fresh_migrate"],
        APP_PW,
        MIGRATE_PW,
    );
    assert_ok(&o);
    let mig = as_role(&admin, "fresh_migrate", MIGRATE_PW);
    let o = run_url(&mig, &["migrate"]);
    assert_ok(&o);
    let app = connect(&as_role(&admin, "fresh_app", APP_PW)).await;
    exec(&app, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
    assert!(sql_error(&app, "CREATE TABLE nope (x int)").await.starts_with("42501"));
    let adb = connect(&admin).await;
    assert!(
        scalar_bool(
            &adb,
            "SELECT pg_get_userbyid(relowner) = 'fresh_migrate' FROM pg_class WHERE relname = 'demands'"
        )
        .await
    );
}

#[tokio::test]
async fn passwords_come_from_the_environment_or_a_prompt_never_argv() {
    let admin = fresh_db("roles_nopw").await;
    // No terminal, no variable, new role: refused, nothing created.
    let o = run_url(&admin, &["roles", "create", "--app-role", "nopw_app", "--migrate-role", "nopw_migrate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("TOWOW_APP_PASSWORD"), "{}", stderr(&o));
    let adb = connect(&admin).await;
    assert!(!scalar_bool(&adb, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname LIKE 'nopw_%')").await);
    // A reserved name is refused before anything runs.
    let o = run_url(&admin, &["roles", "create", "--app-role", "pg_evil"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("reserved"), "{}", stderr(&o));
}

#[tokio::test]
async fn the_plaintext_password_never_reaches_the_server_log() {
    // ToWow's RDS parameters log DDL (log_statement = ddl): only the SCRAM verifier may be logged.
    let Some(dir) = server().dir.clone() else {
        eprintln!("SKIPPED: needs the suite's own cluster (the server log), not TOWOW_TEST_DATABASE_URL");
        return;
    };
    let admin = fresh_db("roles_log").await;
    let adb = connect(&admin).await;
    exec(&adb, &format!("ALTER DATABASE \"{}\" SET log_statement = 'ddl'", admin.dbname.as_deref().unwrap()))
        .await;
    let o =
        roles_create(&admin, &["--app-role", "log_app", "--migrate-role", "log_migrate"], APP_PW, MIGRATE_PW);
    assert_ok(&o);
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
    assert!(
        log.contains("CREATE ROLE \"log_app\" LOGIN PASSWORD 'SCRAM-SHA-256$4096:"),
        "DDL is logged: {log}"
    );
    assert!(
        !log.contains(APP_PW) && !log.contains(MIGRATE_PW),
        "the plaintext password is in the server log"
    );
}

#[tokio::test]
async fn keep_owner_leaves_the_towow_objects_to_their_owner() {
    let admin = fresh_db("roles_keep").await;
    assert_ok(&run_url(&admin, &["init", "-q"]));
    let adb = connect(&admin).await;
    let handed = "SELECT count(*) FROM pg_class WHERE relname IN ('demands', 'refinery_schema_history') \
                  AND pg_get_userbyid(relowner) = 'keep_migrate'";
    let args = ["--app-role", "keep_app", "--migrate-role", "keep_migrate"];
    let o = roles_create(&admin, &[&args[..], &["--keep-owner"]].concat(), APP_PW, MIGRATE_PW);
    assert_ok(&o);
    assert_eq!(scalar_i64(&adb, handed).await, 0, "the owner is kept");
    // The privileges are granted all the same.
    let app = connect(&as_role(&admin, "keep_app", APP_PW)).await;
    exec(&app, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
    // Without the flag, the objects are handed to the migrate role.
    assert_ok(&roles_create(&admin, &args, APP_PW, MIGRATE_PW));
    assert_eq!(scalar_i64(&adb, handed).await, 2);
}

/// `roles create` with its passwords from the environment, as `role` with password `pw` on
/// `cfg`'s database, for roles `app`/`migrate` (unique per test: roles are cluster-wide).
fn roles_create_as(cfg: &ConnConfig, app: &str, migrate: &str, extra: &[&str], pws: (&str, &str)) -> Output {
    let url = cfg.url_with_password();
    let mut args =
        vec!["--url", url.as_str(), "roles", "create", "--app-role", app, "--migrate-role", migrate];
    args.extend_from_slice(extra);
    let o = cmd()
        .env("TOWOW_APP_PASSWORD", pws.0)
        .env("TOWOW_MIGRATE_PASSWORD", pws.1)
        .args(&args)
        .output()
        .unwrap();
    assert_no_panic(&o);
    o
}

async fn verifier(db: &towow_db::connect::Db, role: &str) -> String {
    scalar_text(db, &format!("SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'")).await
}

/// On another team's database `roles create` made `refinery_schema_history` there and reset
/// the cluster-wide `towow_migrate` password that other databases use. Now: a database with
/// another application's tables and no ToWow table is refused before anything changes; an
/// existing role keeps its password (the databases that use it are named) unless
/// --reset-password; and grants go to the ToWow tables only, never to every table of the schema.
#[tokio::test]
async fn roles_create_leaves_other_databases_and_applications_alone() {
    let pid = std::process::id();
    let (app, mig) = (format!("side_app_{pid}"), format!("side_mig_{pid}"));
    let first = fresh_db("roles_side_a").await;
    assert_ok(&run_url(&first, &["init", "-q"]));
    assert_ok(&roles_create_as(&first, &app, &mig, &[], (APP_PW, MIGRATE_PW)));
    let admin = connect(&first).await;
    let (app_v, mig_v) = (verifier(&admin, &app).await, verifier(&admin, &mig).await);

    // A second ToWow database of the same cluster: the roles exist, their passwords stay.
    let second = fresh_db("roles_side_b").await;
    assert_ok(&run_url(&second, &["init", "-q"]));
    exec(&connect(&second).await, "CREATE TABLE other_app_table (id int)").await;
    let o = roles_create_as(
        &second,
        &app,
        &mig,
        &["--format", "json"],
        ("other-Pa55word-0123456789", "other-Pa55word-9876543210"),
    );
    assert_ok(&o);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        j["roles"].as_array().unwrap().iter().all(|r| r["created"] == false && r["password_set"] == false),
        "{j}"
    );
    let notes = j["notes"].to_string();
    assert!(notes.contains("cluster-wide") && notes.contains(&first.dbname_or_default()), "{notes}");
    assert_eq!((verifier(&admin, &app).await, verifier(&admin, &mig).await), (app_v.clone(), mig_v.clone()));
    // The other table of that database got nothing; the ToWow tables did.
    let sdb = connect(&second).await;
    assert!(scalar_bool(&sdb, "SELECT relacl IS NULL FROM pg_class WHERE relname = 'other_app_table'").await);
    assert!(scalar_bool(&sdb, &format!("SELECT has_table_privilege('{app}', 'demands', 'INSERT')")).await);
    assert!(
        !scalar_bool(&sdb, &format!("SELECT has_table_privilege('{app}', 'other_app_table', 'SELECT')"))
            .await
    );
    // --reset-password: then it changes, and says so.
    let o = roles_create_as(
        &second,
        &app,
        &mig,
        &["--reset-password"],
        ("other-Pa55word-0123456789", "other-Pa55word-9876543210"),
    );
    assert_ok(&o);
    assert!(stderr(&o).contains("its password was reset"), "{}", stderr(&o));
    assert_ne!(verifier(&admin, &mig).await, mig_v);

    // Another application's database (tables, an Alembic history, no ToWow table): refused,
    // nothing made, nothing granted, no role created.
    let foreign = fresh_db("roles_side_c").await;
    let fdb = connect(&foreign).await;
    exec(
        &fdb,
        "CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE orders (id int PRIMARY KEY); \
         CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('abc123')",
    )
    .await;
    let (app2, mig2) = (format!("side_app2_{pid}"), format!("side_mig2_{pid}"));
    let o = roles_create_as(&foreign, &app2, &mig2, &[], (APP_PW, MIGRATE_PW));
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("another application's tables") && stderr(&o).contains("alembic_version"),
        "{}",
        stderr(&o)
    );
    assert!(!scalar_bool(&fdb, "SELECT to_regclass('refinery_schema_history') IS NOT NULL").await);
    assert_eq!(
        scalar_i64(&fdb, &format!("SELECT count(*) FROM pg_roles WHERE rolname IN ('{app2}', '{mig2}')"))
            .await,
        0
    );
    assert!(
        scalar_bool(
            &fdb,
            "SELECT bool_and(relacl IS NULL) FROM pg_class WHERE relname IN ('users', 'orders')"
        )
        .await
    );
    exec(&admin, &format!("DROP OWNED BY {app}, {mig}")).await;
}

/// "Run it as the database owner", the docs said, but as the owner without CREATEROLE it failed
/// with 42501 half-way. Now it says which attribute is missing before anything changes, and as
/// the owner with CREATEROLE it works (PostgreSQL 15, and 16+ where CREATEROLE changed).
#[tokio::test]
async fn roles_create_as_the_database_owner_says_what_it_lacks_then_works() {
    let pid = std::process::id();
    let majors: Vec<u32> =
        crate::pg_versions::majors().into_iter().filter(|m| [15, 17].contains(m)).collect();
    for major in majors {
        let base = &crate::pg_versions::server(major).base;
        let owner = format!("owner_{major}_{pid}");
        let (app, mig) = (format!("own_app_{major}_{pid}"), format!("own_mig_{major}_{pid}"));
        let root = connect(base).await;
        exec(&root, &format!("CREATE ROLE {owner} LOGIN PASSWORD 'owner-pw' CREATEDB")).await;
        let mut as_owner = base.clone();
        as_owner.user = Some(owner.clone());
        as_owner.password = Some("owner-pw".into());
        as_owner.dbname = Some(format!("owned_{major}_{pid}"));
        assert_ok(&run_url(&as_owner, &["init", "-q"]));
        let o = roles_create_as(&as_owner, &app, &mig, &[], (APP_PW, MIGRATE_PW));
        assert_eq!(o.status.code(), Some(2), "PostgreSQL {major}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains("CREATEROLE") && stderr(&o).contains(&app), "{}", stderr(&o));
        assert_eq!(
            scalar_i64(&root, &format!("SELECT count(*) FROM pg_roles WHERE rolname IN ('{app}', '{mig}')"))
                .await,
            0
        );
        exec(&root, &format!("ALTER ROLE {owner} CREATEROLE")).await;
        let o = roles_create_as(&as_owner, &app, &mig, &[], (APP_PW, MIGRATE_PW));
        assert_ok(&o);
        let appdb = connect(&as_role(&as_owner, &app, APP_PW)).await;
        exec(&appdb, "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')").await;
        assert!(sql_error(&appdb, "DROP TABLE demands").await.starts_with("42501"));
        // The migrate role migrates (it owns the tables now).
        assert_ok(&run_url(
            &as_role(&as_owner, &mig, MIGRATE_PW),
            &["migrate", "down", "--steps", "1", "--yes"],
        ));
        assert_ok(&run_url(&as_role(&as_owner, &mig, MIGRATE_PW), &["migrate"]));
    }
}
