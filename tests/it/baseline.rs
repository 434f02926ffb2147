//! `migrate baseline`: adopting a ToWow database that the app made (tests/fixtures), and what
//! `init`, `migrate` and `verify` say about such a database before it is adopted.

use serde_json::Value;

use crate::common::*;
use crate::fixtures::*;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

async fn has_history(db: &towow_db::connect::Db) -> bool {
    scalar_bool(db, "SELECT to_regclass('refinery_schema_history') IS NOT NULL").await
}

#[tokio::test]
async fn baseline_gives_exactly_what_init_gives_keeping_every_row() {
    let fresh = fresh_db("bl_fresh").await;
    assert_ok(&run_url(&fresh, &["init", "-q"]));
    let cfg = app_made_db("bl_app").await;
    let db = connect(&cfg).await;
    let rows_before = row_digest(&db).await;
    assert_eq!(rows_before.iter().map(|r| r.1).collect::<Vec<_>>(), vec![102, 1, 0, 0], "the fixture rows");

    let o = run_url(&cfg, &["migrate", "baseline", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["record"].as_array().unwrap().len(), towow_db::migrate::shipped().unwrap().len(), "{j}");
    assert!(!j["steps"].as_array().unwrap().is_empty(), "{j}");

    assert_eq!(schema_dump(&cfg), schema_dump(&fresh), "pg_dump --schema-only differs from a fresh init");
    assert_eq!(row_digest(&db).await, rows_before, "every row kept, unchanged (counts and md5)");

    // History as refinery writes it: status shows every version applied, verify passes, migrate
    // has nothing to do, and refinery itself agrees.
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    assert!(
        json(&o)["migrations"].as_array().unwrap().iter().all(|m| m["state"] == "applied"),
        "{}",
        stdout(&o)
    );
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
    let o = run_url(&cfg, &["migrate", "--format", "json"]);
    assert_ok(&o);
    assert!(json(&o)["applied"].as_array().unwrap().is_empty());
    crate::migrate::refinery_has_nothing_to_do(&db).await;

    // Adopting again: nothing to do, exit 0.
    let o = run_url(&cfg, &["migrate", "baseline", "--yes"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("already has towow-db's migration history"), "{}", stderr(&o));
}

#[tokio::test]
async fn init_migrate_and_verify_point_an_app_made_database_to_baseline() {
    let cfg = app_made_db("bl_point").await;
    let db = connect(&cfg).await;
    let dump = schema_dump(&cfg);
    for args in
        [&["init"][..], &["migrate"][..], &["migrate", "--dry-run"][..], &["init", "--mock-agents"][..]]
    {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("no towow-db migration history")
                && e.contains("towow-db migrate baseline")
                && e.contains("nothing was changed"),
            "{args:?}: {e}"
        );
        assert!(!e.contains("42P07"), "not a raw 'already exists': {e}");
    }
    let o = run_url(&cfg, &["migrate", "verify", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    assert_eq!(
        j["unmanaged_tables"],
        serde_json::json!(["agent_profiles", "demands", "collaboration_channels", "agent_responses"])
    );
    assert!(j["problems"].to_string().contains("migrate baseline"), "{j}");
    let o = run_url(&cfg, &["migrate", "verify"]);
    assert!(
        stdout(&o).contains("no towow-db migration history") && !stdout(&o).contains("OK"),
        "{}",
        stdout(&o)
    );
    assert_eq!(schema_dump(&cfg), dump, "nothing changed");
    assert!(!has_history(&db).await);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 102);
}

#[tokio::test]
async fn dry_run_prints_the_sql_and_without_yes_it_asks() {
    let cfg = app_made_db("bl_dry").await;
    let dump = schema_dump(&cfg);
    let o = run_url(&cfg, &["migrate", "baseline", "--dry-run"]);
    assert_ok(&o);
    let out = stdout(&o);
    for says in [
        "CREATE OR REPLACE FUNCTION public.towow_set_updated_at()",
        "ALTER COLUMN \"id\" SET DEFAULT gen_random_uuid()",
        "ADD CONSTRAINT \"ck_demands_status\" CHECK (status IN",
        "VALIDATE CONSTRAINT \"ck_demands_status\"",
        "CREATE TRIGGER trg_demands_updated_at",
        "CREATE INDEX CONCURRENTLY ix_demands_status_created",
        "V1__initial_tables, V2__recommended_indexes",
    ] {
        assert!(out.contains(says), "`{says}` missing from:\n{out}");
    }
    // No terminal, no --yes: refuses, shows what differs, changes nothing.
    let o = run_url(&cfg, &["migrate", "baseline"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert!(stdout(&o).contains("ck_demands_status"), "shows the differences first: {}", stdout(&o));
    assert_eq!(schema_dump(&cfg), dump);
    assert!(!has_history(&connect(&cfg).await).await);
}

#[tokio::test]
async fn what_cannot_be_reconciled_is_named_and_nothing_changes() {
    let cfg = app_made_db("bl_refuse").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "ALTER TABLE collaboration_channels DROP COLUMN settings;
         ALTER TABLE agent_profiles ALTER COLUMN agent_type TYPE varchar(20);
         ALTER TABLE demands ADD COLUMN priority integer;
         INSERT INTO demands (id, title, description, user_id, status) VALUES
             ('00000000-0000-4000-8000-0000000000d1', 't', 'd', 'u', 'open'),
             ('00000000-0000-4000-8000-0000000000d2', 't', 'd', 'u', 'closed');
         ALTER TABLE agent_profiles ALTER COLUMN is_active DROP NOT NULL;
         UPDATE agent_profiles SET is_active = NULL WHERE agent_type = 'translator';",
    )
    .await;
    let dump = schema_dump(&cfg);
    let rows = row_digest(&db).await;
    let o = run_url(&cfg, &["migrate", "baseline", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    for says in [
        "nothing was changed",
        "column collaboration_channels.settings: missing (jsonb)",
        "column agent_profiles.agent_type: type character varying(20), the ToWow schema has character varying(50)",
        "column demands.priority (integer): not in the ToWow schema",
        "constraint demands.ck_demands_status: 2 row(s) break CHECK",
        "column agent_profiles.is_active: 1 row(s) are NULL",
        "UPDATE \"public\".\"agent_profiles\" SET \"is_active\" = true WHERE \"is_active\" IS NULL",
    ] {
        assert!(e.contains(says), "`{says}` missing from: {e}");
    }
    assert_eq!(e.lines().filter(|l| l.starts_with("  ")).count(), 5, "one line each: {e}");
    assert_eq!(schema_dump(&cfg), dump, "nothing changed");
    assert_eq!(row_digest(&db).await, rows);
    assert!(!has_history(&db).await);
    // The dry run refuses alike.
    let o = run_url(&cfg, &["migrate", "baseline", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
}

#[tokio::test]
async fn an_interrupted_baseline_is_finished_by_the_next_one() {
    let cfg = app_made_db("bl_resume").await;
    let db = connect(&cfg).await;
    // Stop the online part: a row that breaks the CHECK arrives after the check (here: before the
    // run, with the CHECK already added NOT VALID as the transactional part leaves it).
    exec(
        &db,
        "ALTER TABLE demands ADD CONSTRAINT ck_demands_status CHECK (status IN ('draft', 'published', 'matching', 'matched', 'completed', 'cancelled')) NOT VALID;
         ALTER TABLE demands ADD CONSTRAINT towow_baseline_not_null CHECK (status IS NOT NULL) NOT VALID;",
    )
    .await;
    let o = run_url(&cfg, &["migrate", "baseline", "--dry-run"]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.contains("DROP CONSTRAINT \"towow_baseline_not_null\""), "{out}");
    assert!(out.contains("VALIDATE CONSTRAINT \"ck_demands_status\""), "{out}");
    assert!(!out.contains("ADD CONSTRAINT \"ck_demands_status\""), "validated, not added again: {out}");
    assert_ok(&run_url(&cfg, &["migrate", "baseline", "--yes"]));
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
}

#[tokio::test]
async fn baseline_holds_the_migration_lock() {
    let cfg = app_made_db("bl_lock").await;
    let db = connect(&cfg).await;
    let holder = db.dedicated().await.unwrap();
    let key = [(&towow_db::migrate::MIGRATION_LOCK_KEY as _, tokio_postgres::types::Type::INT8)];
    holder.query_typed_one("SELECT pg_advisory_lock($1)", &key).await.unwrap();
    let o = run_url(&cfg, &["migrate", "baseline", "--yes", "--lock-wait", "1s"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("migration lock is held by"), "{}", stderr(&o));
    assert!(!has_history(&db).await);
    holder.query_typed_one("SELECT pg_advisory_unlock($1)", &key).await.unwrap();
    assert_ok(&run_url(&cfg, &["migrate", "baseline", "--yes"]));
}

#[tokio::test]
async fn a_partial_or_empty_database_is_refused_by_name() {
    let cfg = fresh_db("bl_partial").await;
    let o = run_url(&cfg, &["migrate", "baseline", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no ToWow tables") && stderr(&o).contains("towow-db init"), "{}", stderr(&o));
    // One table, by hand, without the columns its constraints need: named, never a SQL error.
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE demands (id uuid PRIMARY KEY)").await;
    let o = run_url(&cfg, &["migrate", "baseline", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("table agent_profiles: missing") && e.contains("column demands.status: missing"),
        "{e}"
    );
    assert!(!e.contains("SQLSTATE"), "{e}");
    assert!(!has_history(&db).await);
}

/// The adoption guide (docs/migrations.md, "Adopting an existing ToWow database, step by step")
/// runs as written with the app's own `postgresql+asyncpg://` URL in `DATABASE_URL`: its step 1
/// (`pg_dump -Fc … "$DATABASE_URL"`) failed with it. Every command of the guide's steps is read
/// from the document and run through bash (`--yes` added to the one that asks, as the guide says
/// scripts do).
#[tokio::test]
async fn the_adoption_guide_runs_as_written_with_the_apps_url() {
    let cfg = fresh_db("guide").await;
    psql_files(&cfg, &[CREATE_ALL, ROWS]);
    let rows = row_digest(&connect(&cfg).await).await;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/migrations.md")).unwrap();
    let guide = doc.split("## Adopting an existing ToWow database, step by step").nth(1).unwrap();
    let guide = guide.split("\n## ").next().unwrap();
    let commands: Vec<String> = guide
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|c| c.starts_with("towow-db ") || (c.starts_with("pg_dump ") && c.contains("DATABASE_URL")))
        .map(str::to_string)
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    let dir = temp_dir("guide");
    let bin_dir = std::path::Path::new(BIN).parent().unwrap().to_path_buf();
    let pg_bin = crate::backup::client_bindir(15);
    let url = cfg.url_with_password().replacen("postgresql://", "postgresql+asyncpg://", 1);
    for c in &commands {
        let line = if c.ends_with("migrate baseline") { format!("{c} --yes") } else { c.clone() };
        let o = std::process::Command::new("bash")
            .arg("-c")
            .arg(&line)
            .env_clear()
            .env("PATH", format!("{}:{}:/usr/bin:/bin", bin_dir.display(), pg_bin.display()))
            .env("DATABASE_URL", &url)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_ok(&o);
        assert!(!format!("{}{}", stdout(&o), stderr(&o)).contains(&cfg.password.clone().unwrap()), "{line}");
    }
    assert!(dir.join("towow-before-baseline.dump").is_file());
    assert!(std::fs::read_dir(dir.join("towow-before-baseline")).unwrap().next().is_some());
    assert_eq!(row_digest(&connect(&cfg).await).await, rows);
}
