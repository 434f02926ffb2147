//! `migrate verify` against a shadow database built from the migration files: one test per kind
//! of drift, each difference shown with both sides, in a table and in JSON.

use serde_json::Value;

use crate::common::*;
use crate::fixtures::*;

async fn initialised(tag: &str) -> (towow_db::connect::ConnConfig, towow_db::connect::Db) {
    let cfg = fresh_db(tag).await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    (cfg, db)
}

/// Change the schema by hand, then verify: exit 1 and exactly one difference, `(object, aspect,
/// expected, found)`, in JSON; the table shows it too.
async fn drifts(tag: &str, change: &str, want: (&str, &str, &str, &str)) {
    let (cfg, db) = initialised(tag).await;
    exec(&db, change).await;
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["ok"], false);
    let drift = j["drift"].as_array().unwrap();
    assert_eq!(drift.len(), 1, "{j:#}");
    let d = &drift[0];
    assert_eq!((d["object"].as_str().unwrap(), d["aspect"].as_str().unwrap()), (want.0, want.1), "{d:#}");
    assert!(d["expected"].as_str().unwrap().contains(want.2), "expected side: {d:#}");
    assert!(d["found"].as_str().unwrap().contains(want.3), "found side: {d:#}");
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains(want.0) && out.contains("DRIFT: 1 difference"), "{out}");
}

#[tokio::test]
async fn verify_passes_on_a_fresh_database() {
    let (cfg, _db) = initialised("vf_fresh").await;
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_ok(&o);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((j["ok"].as_bool(), j["drift"].as_array().map(Vec::len)), (Some(true), Some(0)), "{j}");
    assert_eq!(j["shadow"]["built_on"], "the same server");
    let versions: Vec<i32> = towow_db::migrate::shipped().unwrap().iter().map(|m| m.version).collect();
    assert_eq!(j["shadow"]["versions"], serde_json::json!(versions));
    let o = run_url(&cfg, &["migrate", "verify"]);
    let ok = format!("OK: {} applied migration(s)", versions.len());
    assert!(stdout(&o).starts_with(&ok), "{}", stdout(&o));
}

#[tokio::test]
async fn verify_catches_a_dropped_default() {
    drifts(
        "vf_default",
        "ALTER TABLE demands ALTER COLUMN status DROP DEFAULT",
        ("column demands.status", "default", "'draft'::character varying", "(none)"),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_a_changed_check() {
    drifts(
        "vf_check",
        "ALTER TABLE demands DROP CONSTRAINT ck_demands_status;
         ALTER TABLE demands ADD CONSTRAINT ck_demands_status CHECK (status IN ('draft', 'published'))",
        ("constraint demands.ck_demands_status", "definition", "'cancelled'", "'published'"),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_an_index_recreated_on_another_column() {
    drifts(
        "vf_index",
        "DROP INDEX ix_demands_status; CREATE INDEX ix_demands_status ON demands (user_id)",
        ("index ix_demands_status", "definition", "btree (status)", "btree (user_id)"),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_a_dropped_trigger() {
    drifts(
        "vf_trigger",
        "DROP TRIGGER trg_demands_updated_at ON demands",
        ("trigger trg_demands_updated_at", "missing", "EXECUTE FUNCTION towow_set_updated_at()", "(missing)"),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_a_column_made_nullable() {
    drifts(
        "vf_nullable",
        "ALTER TABLE agent_responses ALTER COLUMN demand_id DROP NOT NULL",
        ("column agent_responses.demand_id", "nullability", "NOT NULL", "nullable"),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_a_foreign_key_without_on_delete_cascade() {
    drifts(
        "vf_fk",
        "ALTER TABLE agent_responses DROP CONSTRAINT agent_responses_demand_id_fkey;
         ALTER TABLE agent_responses ADD CONSTRAINT agent_responses_demand_id_fkey
             FOREIGN KEY (demand_id) REFERENCES demands (id)",
        (
            "constraint agent_responses.agent_responses_demand_id_fkey",
            "definition",
            "REFERENCES demands(id) ON DELETE CASCADE",
            "REFERENCES demands(id)",
        ),
    )
    .await;
}

#[tokio::test]
async fn verify_catches_a_changed_trigger_function() {
    drifts(
        "vf_function",
        "CREATE OR REPLACE FUNCTION towow_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RETURN NEW; END $$",
        ("function towow_set_updated_at()", "definition", "NEW.updated_at := now()", "BEGIN RETURN NEW; END"),
    )
    .await;
    // The table shows the first line that differs, JSON the whole body.
    let (cfg, db) = initialised("vf_function_table").await;
    exec(&db, "CREATE OR REPLACE FUNCTION towow_set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$").await;
    let out = stdout(&run_url(&cfg, &["migrate", "verify"]));
    assert!(out.contains("line 4: AS $function$BEGIN RETURN NEW; END$function$"), "{out}");
}

#[tokio::test]
async fn an_extra_index_is_information_and_other_objects_are_ignored() {
    let (cfg, db) = initialised("vf_extra").await;
    exec(
        &db,
        "CREATE INDEX ix_demands_title ON demands (title);
         CREATE TABLE audit_log (id bigint PRIMARY KEY, what text);
         CREATE INDEX ix_audit ON audit_log (what);
         CREATE FUNCTION helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
         CREATE EXTENSION IF NOT EXISTS pgstattuple;",
    )
    .await;
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_ok(&o);
    let j: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["drift"], serde_json::json!([]), "{j:#}");
    let info = j["info"].as_array().unwrap();
    assert_eq!(info.len(), 1, "{j:#}");
    assert_eq!(
        (info[0]["object"].as_str(), info[0]["aspect"].as_str()),
        (Some("index ix_demands_title"), Some("extra"))
    );
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("info: index ix_demands_title extra"), "{}", stderr(&o));
}

#[tokio::test]
async fn a_dumped_and_restored_database_is_not_drift() {
    // `col IN (…)` on a varchar column prints differently once its printed form is parsed again:
    // pg_dump | psql gives another spelling of the same CHECK. That is not drift.
    let (cfg, _db) = initialised("vf_dump").await;
    let copy = fresh_db("vf_dump_copy").await;
    let dump = temp_dir("vf_dump").join("dump.sql");
    let o = std::process::Command::new(pg_tool("pg_dump"))
        .args(["--no-owner", "-f"])
        .arg(&dump)
        .arg(cfg.url_with_password())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    psql_files(&copy, &[dump.to_str().unwrap()]);
    let copied = connect(&copy).await;
    let def: String = copied
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_demands_status'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(def.contains("ARRAY[('draft'::character varying)::text"), "the restored spelling: {def}");
    assert_ok(&run_url(&copy, &["migrate", "verify"]));
}

#[tokio::test]
async fn without_createdb_the_shadow_goes_where_the_user_says_and_no_server_starts() {
    let (cfg, db) = initialised("vf_nocreatedb").await;
    let role = format!("vf_reader_{}", std::process::id());
    exec(
        &db,
        &format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN PASSWORD 'reader-pw' NOCREATEDB;
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role};"
        ),
    )
    .await;
    let mut reader = cfg.clone();
    reader.user = Some(role.clone());
    reader.password = Some("reader-pw".into());
    // Nothing says where the shadow may go: exit 2 naming what the role lacks and what to give,
    // and no server is started (the local cluster's directory is never made).
    let local = scratch_dir("vf-shadow");
    let o = cmd()
        .env("TOWOW_LOCAL_DIR", &local)
        .args(["--url", &reader.url_with_password(), "migrate", "verify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("CREATEDB") && e.contains("--shadow-url"), "{e}");
    assert!(!local.exists(), "a local cluster was set up at {}", local.display());
    // --shadow-url: a server where its role may create databases (here the same server, as the
    // administrator; TOWOW_SHADOW_URL works alike).
    let shadow_url = crate::common::server().base.url_with_password();
    let o = cmd()
        .env("TOWOW_LOCAL_DIR", &local)
        .args(["--url", &reader.url_with_password(), "migrate", "verify", "--shadow-url", &shadow_url])
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("built on the shadow server"), "{}", stdout(&o));
    // A real check there too: a column made nullable is caught.
    exec(&db, "ALTER TABLE demands ALTER COLUMN status DROP NOT NULL").await;
    let o = cmd()
        .env("TOWOW_LOCAL_DIR", &local)
        .env("TOWOW_SHADOW_URL", &shadow_url)
        .args(["--url", &reader.url_with_password(), "migrate", "verify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("column demands.status"), "{}", stdout(&o));
    assert!(!local.exists(), "a local cluster was set up at {}", local.display());
    // No shadow database is left behind on the same server.
    let child = cmd()
        .args(["--url", &cfg.url_with_password(), "migrate", "verify"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    child.wait_with_output().unwrap();
    let mine = format!("SELECT count(*) FROM pg_database WHERE datname LIKE 'towow\\_shadow\\_{pid}\\_%'");
    assert_eq!(scalar_i64(&db, &mine).await, 0, "the shadow database was left behind");
    exec(&db, &format!("DROP OWNED BY {role}; DROP ROLE {role}")).await;
}

#[tokio::test]
async fn init_verify_v3_and_baseline_on_every_major() {
    // The shadow deparses on the target's own server, so what PostgreSQL prints may change between
    // majors but both sides always agree. V3's SET NOT NULL must skip its scan on each of them
    // (PostgreSQL 12+; 18 made NOT NULL a constraint of its own). From 13: V1's
    // gen_random_uuid() is core PostgreSQL since 13 (pgcrypto before).
    for major in crate::pg_versions::majors().into_iter().filter(|m| *m >= 13) {
        let base = &crate::pg_versions::server(major).base;
        let cfg = fresh_db_on(base, &format!("vmaj{major}")).await;
        assert_ok(&run_url(&cfg, &["migrate", "--target", "2"]));
        // As a towow-db run that V3 interrupted part way leaves it (V3 marked as started in the
        // fingerprint, see docs/migrations.md): the tables are not judged until V3 is finished.
        exec(
            &connect(&cfg).await,
            "UPDATE refinery_schema_history SET fingerprint = (fingerprint::jsonb || '{\"applying\": 3}')::text WHERE version = 2",
        )
        .await;
        let e = v3_by_hand_with_debug(&cfg);
        let proved = e.matches("are sufficient to prove that it does not contain nulls").count();
        assert_eq!(proved, 17, "PostgreSQL {major}: SET NOT NULL scanned:\n{e}");
        // The same V3 through towow-db: every statement runs again harmlessly, then it is recorded.
        assert_ok(&run_url(&cfg, &["migrate"]));
        let o = run_url(&cfg, &["migrate", "verify"]);
        assert_ok(&o);
        assert!(stdout(&o).contains("built on the same server"), "PostgreSQL {major}: {}", stdout(&o));

        let app = fresh_db_on(base, &format!("vmaj{major}_app")).await;
        psql_files(&app, &[CREATE_ALL, ROWS]);
        let rows = row_digest(&connect(&app).await).await;
        assert_ok(&run_url(&app, &["migrate", "baseline", "--yes"]));
        assert_ok(&run_url(&app, &["migrate", "verify"]));
        assert_eq!(row_digest(&connect(&app).await).await, rows, "PostgreSQL {major}");
    }
}

/// PostgreSQL 12 has no built-in gen_random_uuid(): `init` and `migrate` say so before anything
/// changes (no database created, no half-applied V1); the reports still run there.
#[tokio::test]
async fn the_schema_on_12_is_refused_before_anything_changes() {
    if !crate::pg_versions::majors().contains(&12) {
        eprintln!("PostgreSQL 12 is not installed here (.ci/fetch-pg-versions fetches it): nothing to check");
        return;
    }
    let base = &crate::pg_versions::server(12).base;
    let admin = connect(base).await;
    let mut missing = base.clone();
    missing.dbname = Some("towow_on_12".into());
    let exists = "SELECT EXISTS (SELECT FROM pg_database WHERE datname = 'towow_on_12')";
    for args in [&["init", "--mock-agents"][..], &["init", "--sample-data"]] {
        let o = run_url(&missing, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("needs PostgreSQL 13 or newer") && stderr(&o).contains("PostgreSQL 12."),
            "{}",
            stderr(&o)
        );
        assert!(!scalar_bool(&admin, exists).await, "{args:?} created the database");
    }
    let cfg = fresh_db_on(base, "on12").await;
    let o = run_url(&cfg, &["migrate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs PostgreSQL 13 or newer"), "{}", stderr(&o));
    assert!(
        !scalar_bool(&connect(&cfg).await, "SELECT to_regclass('refinery_schema_history') IS NOT NULL").await
    );
    assert_ok(&run_url(&cfg, &["health"]));
}
