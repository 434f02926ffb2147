//! Databases that another migration tool manages (the seeds' Alembic, Flyway, Prisma, sqlx, or
//! refinery for another app): `migrate status` names the tool and its revision and lists no ToWow
//! migration as pending, `migrate`, `migrate verify` and `init` refuse unless `--force`, and the
//! reports work there as on any database.

use std::process::Output;

use serde_json::Value;
use towow_db::connect::ConnConfig;

use crate::common::*;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// The history table each tool creates (their own DDL), the revision it records, and the name
/// towow-db gives the tool.
const TOOLS: &[(&str, &str, &str)] = &[
    (
        "Alembic",
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, \
           CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
         INSERT INTO alembic_version VALUES ('3f2a9c1d7b4e');",
        "3f2a9c1d7b4e",
    ),
    (
        "Flyway",
        "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50),
           description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL,
           checksum INT, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
           execution_time INT NOT NULL, success BOOLEAN NOT NULL);
         INSERT INTO flyway_schema_history VALUES
           (1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1, 'app', now(), 5, true),
           (2, '2.1', 'add orders', 'SQL', 'V2.1__add_orders.sql', 2, 'app', now(), 7, true),
           (3, '3', 'broken', 'SQL', 'V3__broken.sql', 3, 'app', now(), 7, false);",
        "2.1",
    ),
    (
        "Prisma",
        "CREATE TABLE _prisma_migrations (id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL,
           finished_at TIMESTAMPTZ, migration_name VARCHAR(255) NOT NULL, logs TEXT,
           rolled_back_at TIMESTAMPTZ, started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
           applied_steps_count INTEGER NOT NULL DEFAULT 0);
         INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES
           ('a', 'x', now(), '20240101000000_init', 1),
           ('b', 'y', now(), '20240301000000_add_messages', 1),
           ('c', 'z', NULL, '20240401000000_failed', 0);",
        "20240301000000_add_messages",
    ),
    (
        "sqlx",
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
           installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL,
           checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);
         INSERT INTO _sqlx_migrations VALUES
           (20240101120000, 'init', now(), true, '\\x00', 1),
           (20240215090000, 'sessions', now(), true, '\\x00', 1);",
        "20240215090000",
    ),
    (
        "refinery",
        "CREATE TABLE refinery_schema_history (version int4 PRIMARY KEY, name VARCHAR(255),
           applied_on VARCHAR(255), checksum VARCHAR(255));
         INSERT INTO refinery_schema_history VALUES
           (1, 'create_users', '2025-01-01T00:00:00Z', '1'),
           (2, 'create_sessions', '2025-02-01T00:00:00Z', '2');",
        "2",
    ),
];

/// A database of another team's app: one table of its own, and `tool`'s history.
async fn managed_by(tag: &str, ddl: &str) -> ConnConfig {
    let cfg = fresh_db(tag).await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL); INSERT INTO users (name) VALUES ('a'), ('b');").await;
    exec(&db, ddl).await;
    cfg
}

#[tokio::test]
async fn status_names_the_tool_and_its_revision_and_lists_nothing_pending() {
    for (i, (tool, ddl, revision)) in TOOLS.iter().enumerate() {
        let cfg = managed_by(&format!("ot_status{i}"), ddl).await;
        let o = run_url(&cfg, &["migrate", "status"]);
        assert_ok(&o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains(&format!("managed by {tool}")) && all.contains(revision), "{tool}: {all}");
        assert!(!all.contains("pending"), "{tool}: no ToWow migration is pending there: {all}");
        let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
        assert_ok(&o);
        let j = json(&o);
        assert_eq!(j["managed_by"]["tool"], *tool, "{j:#}");
        assert_eq!(j["managed_by"]["revision"], *revision, "{j:#}");
        assert!(j["migrations"].as_array().unwrap().iter().all(|m| m["state"] != "pending"), "{tool}: {j:#}");
    }
}

#[tokio::test]
async fn migrate_verify_and_init_refuse_unless_forced_and_the_reports_work() {
    let (tool, ddl, revision) = TOOLS[0];
    let cfg = managed_by("ot_alembic", ddl).await;
    let db = connect(&cfg).await;
    for args in [&["migrate"][..], &["migrate", "--dry-run"][..], &["migrate", "verify"][..], &["init"][..]] {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let e = format!("{}{}", stdout(&o), stderr(&o));
        assert!(e.contains(tool) && e.contains(revision) && e.contains("--force"), "{args:?}: {e}");
        assert!(!e.contains("OK:"), "{args:?}: {e}");
    }
    assert!(
        !scalar_bool(
            &db,
            "SELECT to_regclass('demands') IS NOT NULL OR to_regclass('refinery_schema_history') IS NOT NULL"
        )
        .await,
        "nothing was created"
    );
    // The reports, as on any database.
    for args in [&["sizes"][..], &["vacuum-report"][..], &["indexes"][..], &["activity"][..]] {
        assert_ok(&run_url(&cfg, args));
    }
    // Told to: verify compares (there is nothing of ToWow's), migrate creates the ToWow tables.
    assert_ok(&run_url(&cfg, &["migrate", "verify", "--force"]));
    assert_ok(&run_url(&cfg, &["migrate", "--force"]));
    assert!(scalar_bool(&db, "SELECT to_regclass('demands') IS NOT NULL").await);
    assert_eq!(scalar_text(&db, "SELECT version_num FROM alembic_version").await, revision);
    // From then on the database has towow-db's history too: ToWow's, with a note on the other.
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    assert_ok(&o);
    assert!(json(&o)["migrations"].as_array().unwrap().iter().all(|m| m["state"] == "applied"));
    assert_ok(&run_url(&cfg, &["migrate"]));
}
