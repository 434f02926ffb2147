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
