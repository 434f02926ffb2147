//! `replication` on every tested PostgreSQL major (their views differ: `wal_status` from 13,
//! the pause state from 14, `inactive_since` from 17): a primary with a physical and a logical
//! slot, and a streaming replica copied from it. A logical slot's `catalog_xmin` holds back the
//! catalogs only: VACUUM still removes a user table's dead rows (pgstattuple says so on 15).

use std::time::Duration;

use towow_db::admin::local::InitOptions;

use super::*;
use crate::pg_versions::{available, majors};

async fn one_major(major: u32) {
    let bindir = available().remove(&major).unwrap();
    let (primary, mut pcfg) = start_cluster(
        &format!("repl-pg{major}"),
        InitOptions {
            unsafe_fast: true,
            bindir: Some(bindir),
            extra_conf: vec!["wal_level = logical".into(), "max_connections = 30".into()],
            ..InitOptions::default()
        },
    );
    pcfg.dbname = Some("postgres".into());
    let p = connect(&pcfg).await;
    exec(
        &p,
        "SELECT pg_create_physical_replication_slot('keep', true);
         SELECT pg_create_logical_replication_slot('decoder', 'test_decoding');
         CREATE TABLE churn (id int, pad text) WITH (autovacuum_enabled = off);
         INSERT INTO churn SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;
         DELETE FROM churn;",
    )
    .await;
    drop(p);
    let (standby, scfg) = copied_replica(&primary, &pcfg, &format!("pg{major}copy"), &[]);
    let p = connect(&pcfg).await;
    let s = connect(&scfg).await;
    wait_until_within(
        &s,
        "SELECT count(*) = 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'",
        Duration::from_secs(60),
    )
    .await;
    caught_up(&p, &s).await;

    // The primary: its standby, both slots, what each holds back.
    let o = run_url(&pcfg, &["replication", "--check", "--format", "json"]);
    let j = json(&o);
    assert_eq!(code(&o), 1, "PG {major}: the unused slots warn\n{}", stdout(&o));
    assert_eq!(
        (j["role"].as_str(), j["server_version_num"].as_i64().map(|v| v / 10000)),
        (Some("primary"), Some(major as i64))
    );
    let senders = j["senders"].as_array().unwrap();
    assert_eq!(senders.len(), 1, "PG {major}: {j}");
    assert_eq!(
        (senders[0]["kind"].as_str(), senders[0]["state"].as_str()),
        (Some("standby"), Some("streaming")),
        "PG {major}"
    );
    let slot =
        |name: &str| j["slots"].as_array().unwrap().iter().find(|s| s["slot_name"] == name).unwrap().clone();
    let (keep, decoder) = (slot("keep"), slot("decoder"));
    assert_eq!(keep["holds_back"], "none", "PG {major}: {keep}");
    assert_eq!(decoder["holds_back"], "catalogs_only", "PG {major}: {decoder}");
    assert!(keep["retained_wal_bytes"].as_i64().unwrap() > 0, "PG {major}: {keep}");
    assert_eq!(keep["wal_status"].as_str(), (major >= 13).then_some("reserved"), "PG {major}: {keep}");
    assert_eq!(keep["inactive_since"].is_null(), major < 17, "PG {major}: {keep}");
    assert_eq!(check(&j, "inactive_slots")["value"], 2, "PG {major}");

    // vacuum-report: the logical slot holds back the catalogs only, not the user tables'
    // horizon; and VACUUM indeed removes the user table's dead rows.
    let o = run_url(&pcfg, &["vacuum-report", "--check", "--format", "json", "--table", "churn"]);
    let v = json(&o);
    let holders = v["xmin_horizon"]["holders"].as_array().unwrap();
    let h =
        holders.iter().find(|h| h["id"] == "decoder").unwrap_or_else(|| panic!("PG {major}: {holders:?}"));
    assert_eq!(h["holds_back"], "catalogs_only", "PG {major}");
    let slot_age = h["xmin_age"].as_i64().unwrap();
    let horizon =
        v["check"]["checks"].as_array().unwrap().iter().find(|c| c["name"] == "xmin_horizon_age").unwrap();
    assert!(
        horizon["value"].as_i64().unwrap() < slot_age,
        "PG {major}: {horizon} counts the catalog_xmin ({slot_age})"
    );
    exec(&p, "VACUUM churn").await;
    if major == 15 {
        exec(&p, "CREATE EXTENSION IF NOT EXISTS pgstattuple").await;
        let dead = scalar_i64(&p, "SELECT dead_tuple_count FROM pgstattuple('churn')").await;
        assert_eq!(dead, 0, "VACUUM left dead rows behind: the slot held back more than the catalogs");
    }

    // The standby: its receiver, no lag once caught up (with all the primary wrote, VACUUM
    // included: a standby still replaying it has a lag of a tenth of a second), exit 0.
    let lsn = scalar_text(&p, "SELECT pg_current_wal_lsn()::text").await;
    wait_until(&s, &format!("SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")).await;
    let o = run_url(&scfg, &["replication", "--check", "--format", "json"]);
    let j = json(&o);
    assert_eq!(code(&o), 0, "PG {major}: {}", stdout(&o));
    assert_eq!(j["role"], "standby");
    assert_eq!(j["receiver"]["status"], "streaming", "PG {major}: {j}");
    assert_eq!(j["receiver"]["replay_pause_state"], "not paused", "PG {major}");
    assert_eq!(check(&j, "replication_lag_s")["value"], 0, "PG {major}: {j}");
    assert!(stderr(&o).contains("this server is a standby"), "PG {major}");

    drop((p, s));
    standby.stop().unwrap();
    primary.stop().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replication_on_every_major() {
    for major in majors() {
        one_major(major).await;
    }
}
