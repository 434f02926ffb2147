//! Every command that trusts the migration history checks it first against the schema's
//! fingerprint: a database whose ToWow tables the app rebuilt (`init_db.py --drop`: drop_all,
//! then create_all) after `init` is named as such by `init`, `migrate`, `migrate status`, `seed`
//! and `mock-agents`, with the remedy, and the remedy (`migrate baseline --force`) keeps every row.

use std::process::Output;

use serde_json::Value;

use crate::common::*;
use crate::fixtures::*;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// What the app's `init_db.py --drop` does to a database: SQLAlchemy's `drop_all` (the four
/// tables, nothing else of towow-db's: the history and the trigger function stay), then
/// `create_all` and its sample rows.
async fn app_rebuilds(cfg: &towow_db::connect::ConnConfig) {
    let db = connect(cfg).await;
    exec(&db, "DROP TABLE agent_responses, collaboration_channels, demands, agent_profiles").await;
    psql_files(cfg, &[CREATE_ALL, ROWS]);
}

/// The commands that trust the history, each refusing the rebuilt database: exit 1, the
/// mismatch named (V2's index that create_all does not make), the remedy given.
fn every_command_refuses(cfg: &towow_db::connect::ConnConfig) {
    for args in [
        &["init"][..],
        &["migrate"][..],
        &["migrate", "--dry-run"][..],
        &["migrate", "status"][..],
        &["seed"][..],
        &["mock-agents"][..],
        &["init", "--mock-agents"][..],
    ] {
        let o = run_url(cfg, args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}\n{}", stdout(&o));
        assert!(
            e.contains("ix_demands_status_created")
                && e.contains("trg_demands_updated_at")
                && e.contains("migrate baseline --force --dry-run")
                && e.contains("keeping every row"),
            "{args:?}: {e}"
        );
        assert!(!e.contains("ready at schema version"), "{args:?}: {e}");
    }
}

#[tokio::test]
async fn an_app_rebuilt_database_stops_every_command_until_baseline_force_adopts_it_again() {
    let fresh = fresh_db("hc_fresh").await;
    assert_ok(&run_url(&fresh, &["init", "-q"]));
    let cfg = fresh_db("hc_rebuilt").await;
    assert_ok(&run_url(&cfg, &["init", "--mock-agents", "-q"]));
    // A DBA's own index is not drift: checked and kept, before and after.
    let db = connect(&cfg).await;
    exec(&db, "CREATE INDEX dba_demands_title ON demands (title)").await;
    assert_ok(&run_url(&cfg, &["init"]));
    exec(&db, "DROP INDEX dba_demands_title").await;
    assert_ok(&run_url(&cfg, &["migrate", "status"]));

    app_rebuilds(&cfg).await;
    let dump = schema_dump(&cfg);
    let rows = row_digest(&db).await;
    every_command_refuses(&cfg);
    // status in JSON: the mismatch as data.
    let o = run_url(&cfg, &["migrate", "status", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    let diffs = j["schema"]["differences"].as_array().unwrap_or_else(|| panic!("{j:#}"));
    assert!(
        diffs.iter().any(|d| d.as_str().unwrap().contains("index demands.ix_demands_status_created")),
        "{j:#}"
    );
    // baseline without --force: the history is there, so it points to --force.
    let o = run_url(&cfg, &["migrate", "baseline", "--yes"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(schema_dump(&cfg), dump, "nothing changed");
    assert_eq!(row_digest(&db).await, rows);

    // The remedy: what it would do, then do it.
    let o = run_url(&cfg, &["migrate", "baseline", "--force", "--dry-run"]);
    assert_ok(&o);
    for says in
        ["CREATE TRIGGER trg_demands_updated_at", "CREATE INDEX CONCURRENTLY ix_demands_status_created"]
    {
        assert!(stdout(&o).contains(says), "{says}: {}", stdout(&o));
    }
    assert_eq!(schema_dump(&cfg), dump, "a dry run changes nothing");
    let o = run_url(&cfg, &["migrate", "baseline", "--force"]);
    assert_eq!(o.status.code(), Some(1), "no terminal, no --yes: refused");
    assert_ok(&run_url(&cfg, &["migrate", "baseline", "--force", "--yes"]));
    assert_eq!(row_digest(&db).await, rows, "every row kept");
    assert_eq!(schema_dump(&cfg), schema_dump(&fresh), "the schema of a fresh init");
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
    for args in [&["init"][..], &["migrate"][..], &["migrate", "status"][..], &["seed"][..]] {
        let o = run_url(&cfg, args);
        assert_ok(&o);
        assert!(!stderr(&o).contains("baseline --force"), "{args:?}: {}", stderr(&o));
    }
    crate::migrate::refinery_has_nothing_to_do(&db).await;
}

#[tokio::test]
async fn a_history_an_older_towow_db_wrote_is_checked_against_the_migrations_once() {
    // An older towow-db recorded no fingerprint: the first `migrate` compares the tables with a
    // shadow database built from the files, then records it.
    let cfg = fresh_db("hc_old_ok").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    exec(&db, "ALTER TABLE refinery_schema_history DROP COLUMN IF EXISTS fingerprint").await;
    let o = run_url(&cfg, &["migrate", "status"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("no schema fingerprint"), "{}", stderr(&o));
    assert_ok(&run_url(&cfg, &["migrate"]));
    assert!(
        scalar_bool(
            &db,
            "SELECT fingerprint IS NOT NULL FROM refinery_schema_history ORDER BY version DESC LIMIT 1"
        )
        .await
    );
    app_rebuilds(&cfg).await;
    every_command_refuses(&cfg);

    // The app rebuilt it while the history had no fingerprint yet: the first migrate finds it.
    let cfg = fresh_db("hc_old_rebuilt").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    exec(&db, "ALTER TABLE refinery_schema_history DROP COLUMN IF EXISTS fingerprint").await;
    app_rebuilds(&cfg).await;
    for args in [&["migrate"][..], &["init"][..]] {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("ix_demands_status_created") && stderr(&o).contains("baseline --force"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[tokio::test]
async fn a_migration_interrupted_part_way_is_finished_not_refused_then_checked_again() {
    // V3 runs outside a transaction, table by table: held up at collaboration_channels (a long
    // transaction there, a short lock timeout), it stops after changing agent_profiles and
    // demands. The history still says V2; the tables are in between.
    let cfg = fresh_db("hc_unfinished").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "2", "-q"]));
    let db = connect(&cfg).await;
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; SELECT count(*) FROM collaboration_channels").await.unwrap();
    let o = run_url(&cfg, &["--lock-timeout", "300ms", "migrate"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT max(version)::int8 FROM refinery_schema_history").await, 2);
    assert!(
        scalar_bool(
            &db,
            "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'demands'::regclass AND attname = 'status'"
        )
        .await,
        "V3 changed demands before it stopped"
    );
    let o = run_url(&cfg, &["migrate", "status"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("V3 (outside a transaction) was interrupted part way"), "{}", stderr(&o));
    assert_ok(&run_url(&cfg, &["mock-agents", "-q"]));
    holder.batch_execute("ROLLBACK").await.unwrap();
    // Running again finishes it; from then on the tables are checked again.
    assert_ok(&run_url(&cfg, &["migrate"]));
    let o = run_url(&cfg, &["migrate", "status"]);
    assert_ok(&o);
    assert!(!stderr(&o).contains("interrupted"), "{}", stderr(&o));
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM refinery_schema_history WHERE fingerprint LIKE '%applying%'")
            .await,
        0
    );
    app_rebuilds(&cfg).await;
    every_command_refuses(&cfg);
}
