//! A primary and a streaming replica made with `pg_basebackup -R`: lag as it is (caught up on an
//! idle primary, paused replay while the primary writes), slots and the WAL they keep, the xmin
//! horizon's holders, every report on the standby, and write commands refused there.

use std::time::Duration;

use super::*;

/// The last commit ages while the primary is idle: the old formula (time since the last
/// replayed commit) called that lag. `--threshold replication_lag_s=1:2` and a 3 s pause make
/// the difference plain.
async fn caught_up_standby_of_an_idle_primary_has_no_lag(
    p: &Db,
    s: &Db,
    pcfg: &ConnConfig,
    scfg: &ConnConfig,
) {
    exec(p, "CREATE TABLE t (id int PRIMARY KEY, pad text); INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g").await;
    caught_up(p, s).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    caught_up(p, s).await;
    let commit_age: f64 = s
        .get()
        .await
        .unwrap()
        .query_typed_one("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8", &[])
        .await
        .unwrap()
        .get(0);
    assert!(commit_age > 2.5, "the last replayed commit is {commit_age} s old");
    for (cfg, role) in [(scfg, "standby"), (pcfg, "primary")] {
        let o = run_url(
            cfg,
            &["replication", "--check", "--format", "json", "--threshold", "replication_lag_s=1:2"],
        );
        let j = json(&o);
        assert_eq!(code(&o), 0, "{role}: {}\n{}", stdout(&o), stderr(&o));
        assert_eq!(j["role"], role);
        let lag = check(&j, "replication_lag_s");
        assert_eq!(lag["status"], "ok", "{role}: {lag}");
        assert!(lag["value"].as_f64().unwrap() < 1.0, "{role}: {lag}");
        assert_eq!(check(&j, "replication_lag_bytes")["status"], "ok", "{role}");
        if role == "standby" {
            assert_eq!(lag["value"], 0, "{lag}");
            assert_eq!(j["receiver"]["status"], "streaming", "{j}");
            assert_eq!(j["receiver"]["replay_paused"], false);
            assert_eq!(j["receiver"]["gap_bytes"], 0);
        } else {
            let senders = j["senders"].as_array().unwrap();
            assert_eq!(senders.len(), 1, "{j}");
            assert_eq!(senders[0]["kind"], "standby");
            assert_eq!(senders[0]["state"], "streaming");
            assert_eq!(senders[0]["name"], "pair");
        }
        // health runs the same checks.
        let o = run_url(cfg, &["health", "--format", "json", "--threshold", "replication_lag_s=1:2"]);
        assert_ok(&o);
        let lag = check(&json(&o), "replication_lag_s").clone();
        assert_eq!(lag["status"], "ok", "{role}: health says {lag}");
    }
}

/// Every report on the standby: exit 0, and once the note that its statistics are its own.
fn every_report_runs_on_the_standby(scfg: &ConnConfig, pcfg: &ConnConfig) {
    for args in [
        &["health"][..],
        &["vacuum-report"],
        &["slow-query"],
        &["activity"],
        &["sizes"],
        &["indexes"],
        &["replication"],
    ] {
        let o = run_url(scfg, args);
        assert_ok(&o);
        let e = stderr(&o);
        assert_eq!(e.matches("this server is a standby (in recovery)").count(), 1, "{args:?}: {e}");
        assert!(e.contains("run against the primary (this standby streams from 127.0.0.1:"), "{args:?}: {e}");
    }
    assert_ok(&run_url(scfg, &["migrate", "status"]));
    // A standby cannot have verify's shadow database: without --shadow-url it says so (exit 2,
    // no server started); with it, the shadow is built there (here: the primary).
    let local = scratch_dir("standby-shadow");
    let o = cmd()
        .env("TOWOW_LOCAL_DIR", &local)
        .args(["--url", &scfg.url_with_password(), "migrate", "verify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("--shadow-url"), "{}", stderr(&o));
    assert!(!local.exists(), "a local cluster was set up at {}", local.display());
    let o = cmd()
        .args([
            "--url",
            &scfg.url_with_password(),
            "migrate",
            "verify",
            "--shadow-url",
            &pcfg.url_with_password(),
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    assert!(
        stdout(&o).contains("OK: ") && stdout(&o).contains("built on the shadow server"),
        "{}",
        stdout(&o)
    );
    // The standby's own counters describe nothing: unknown, never a confident 0, and said so.
    let o = run_url(scfg, &["vacuum-report", "--format", "json", "--table", "t"]);
    assert_ok(&o);
    let t = &json(&o)["tables"][0];
    assert!(t["n_live_tup"].is_null() && t["counters_unknown"] == true, "{}", stdout(&o));
    assert!(stderr(&o).contains("the vacuum figures are empty here"), "{}", stderr(&o));
}

/// Write commands pointed at the standby alone are refused before they start, naming it.
fn writes_are_refused_on_the_standby(scfg: &ConnConfig) {
    let port = scfg.port().to_string();
    for (args, what) in [
        (&["migrate"][..], "`migrate` writes"),
        (&["migrate", "down", "--yes"], "`migrate down` writes"),
        (&["migrate", "baseline", "--yes"], "`migrate baseline` writes"),
        (&["init"], "`init` writes"),
        (&["seed"], "`seed` writes"),
        (&["mock-agents"], "`mock-agents` writes"),
        (&["drop", "--yes"], "`drop` writes"),
        (&["roles", "create"], "`roles create` writes"),
        (&["vacuum-report", "--execute", "--yes"], "`vacuum-report --execute` writes"),
        (&["slow-query", "--reset", "--yes"], "`slow-query --reset` writes"),
        (&["indexes", "--rebuild", "--yes"], "`indexes --rebuild` writes"),
        (
            &["retention", "--table", "demands", "--column", "created_at", "--older-than", "1y", "--yes"],
            "`retention` writes",
        ),
        (&["partitions", "ensure", "--table", "demands", "--ahead", "2"], "`partitions ensure` writes"),
    ] {
        let o = cmd()
            .args(["--url", &scfg.url_with_password()])
            .args(args)
            .env("TOWOW_APP_PASSWORD", "app-password-16chars")
            .env("TOWOW_MIGRATE_PASSWORD", "migrate-password-16c")
            .output()
            .unwrap();
        assert_no_panic(&o);
        let e = stderr(&o);
        assert_eq!(code(&o), 1, "{args:?}: {e}");
        assert!(e.contains(what) && e.contains("runs on the primary only"), "{args:?}: {e}");
        assert!(
            e.contains(&format!("host 127.0.0.1 port {port}")) && e.contains("is a standby (in recovery)"),
            "{e}"
        );
        // Refused by towow-db, not by the server half-way through.
        assert!(!e.contains("read-only transaction") && !e.contains("25006"), "{args:?}: {e}");
        assert!(!e.contains(scfg.password.as_deref().unwrap()), "{e}");
    }
    // Asking for a standby in a write command is a usage error.
    let url = format!("{}&target_session_attrs=standby", scfg.url_with_password());
    let o = cmd().args(["--url", &url, "migrate"]).output().unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("asks for a standby"), "{}", stderr(&o));
}

/// An inactive slot keeps WAL: flagged, with its bytes, as the server counts them.
async fn inactive_slot_keeps_wal(p: &Db, pcfg: &ConnConfig) {
    exec(p, "SELECT pg_create_physical_replication_slot('forgotten', true)").await;
    exec(p, "INSERT INTO t SELECT g, repeat('y', 500) FROM generate_series(1001, 20000) g").await;
    let truth = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::int8 FROM pg_replication_slots WHERE slot_name = 'forgotten'";
    let before = scalar_i64(p, truth).await;
    assert!(before > 4 << 20, "the slot keeps {before} bytes");
    let o = run_url(pcfg, &["replication", "--check", "--format", "json"]);
    let after = scalar_i64(p, truth).await;
    let j = json(&o);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let slot = j["slots"].as_array().unwrap().iter().find(|s| s["slot_name"] == "forgotten").unwrap();
    let kept = slot["retained_wal_bytes"].as_i64().unwrap();
    assert!((before..=after).contains(&kept), "{before} <= {kept} <= {after}");
    assert_eq!(slot["active"], false);
    assert_eq!(slot["wal_status"], "reserved");
    let c = check(&j, "inactive_slots");
    assert_eq!((c["status"].as_str(), c["value"].as_i64()), (Some("warning"), Some(1)), "{c}");
    let shown = towow_db::output::cells::bytes(kept);
    assert!(
        c["message"].as_str().unwrap().contains(&format!("forgotten (physical, keeps {shown} of WAL")),
        "{c}"
    );
    let c = check(&j, "slot_retained_wal_bytes");
    assert_eq!(c["value"], kept, "{c}");
    // Over its threshold, CRITICAL; health says the same.
    let o = run_url(
        pcfg,
        &["health", "--check", "--format", "json", "--threshold", "slot_retained_wal_bytes=1MB:2MB"],
    );
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert_eq!(check(&json(&o), "slot_retained_wal_bytes")["status"], "critical");
    exec(p, "SELECT pg_drop_replication_slot('forgotten')").await;
}

/// Replay paused while the primary writes: byte lag > 0, paused shown, checks by threshold.
async fn paused_replay(p: &Db, s: &Db, pcfg: &ConnConfig, scfg: &ConnConfig) {
    caught_up(p, s).await;
    exec(s, "SELECT pg_wal_replay_pause()").await;
    exec(p, "INSERT INTO t SELECT g, repeat('z', 500) FROM generate_series(20001, 30000) g").await;
    let target = text(p, "SELECT pg_current_wal_lsn()::text").await;
    wait_until_within(
        s,
        &format!("SELECT pg_last_wal_receive_lsn() >= '{target}'::pg_lsn"),
        Duration::from_secs(60),
    )
    .await;
    wait_until_within(s, "SELECT pg_get_wal_replay_pause_state() = 'paused'", Duration::from_secs(30)).await;
    // The truth, before and after (the primary may still send a little WAL meanwhile).
    let gap_sql = "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::int8";
    let gap = scalar_i64(s, gap_sql).await;
    assert!(gap > 2 << 20, "{gap}");

    let o = run_url(
        scfg,
        &["replication", "--check", "--format", "json", "--threshold", "replication_lag_bytes=1kB:1MB"],
    );
    let gap_after = scalar_i64(s, gap_sql).await;
    let j = json(&o);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert_eq!(j["receiver"]["replay_paused"], true);
    assert_eq!(j["receiver"]["replay_pause_state"], "paused");
    let shown = j["receiver"]["gap_bytes"].as_i64().unwrap();
    assert!((gap..=gap_after).contains(&shown), "{gap} <= {shown} <= {gap_after}");
    assert!(j["receiver"]["replay_delay_s"].as_f64().unwrap() > 0.0, "{j}");
    assert_eq!(check(&j, "replay_paused")["status"], "warning");
    let bytes = check(&j, "replication_lag_bytes");
    assert_eq!(
        (bytes["status"].as_str(), bytes["value"].as_i64()),
        (Some("critical"), Some(shown)),
        "{bytes}"
    );
    let o = run_url(scfg, &["replication", "--check", "--threshold", "replication_lag_bytes=1kB:1GB"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("paused"), "{}", stdout(&o));

    // The primary sees its standby behind: not caught up, the bytes not replayed.
    let o = run_url(
        pcfg,
        &["replication", "--check", "--format", "json", "--threshold", "replication_lag_bytes=1kB:1GB"],
    );
    let j = json(&o);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let sender = &j["senders"][0];
    assert_eq!(sender["caught_up"], false, "{sender}");
    let truth = scalar_i64(
        p,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::int8 FROM pg_stat_replication",
    )
    .await;
    assert!(
        sender["lag_bytes"].as_i64().unwrap() >= gap && sender["lag_bytes"].as_i64().unwrap() <= truth,
        "{sender} vs {gap}..{truth}"
    );
    assert_eq!(check(&j, "replication_lag_bytes")["status"], "warning");

    exec(s, "SELECT pg_wal_replay_resume()").await;
    caught_up(p, s).await;
}

/// hot_standby_feedback without a slot: the standby holds the xmin horizon once, as a standby;
/// its WAL sender's session is not listed a second time.
async fn a_standby_holds_the_horizon_once(p: &Db, s: &Db, pcfg: &ConnConfig) {
    let c = s.get().await.unwrap();
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM t").await.unwrap();
    wait_until_within(p, "SELECT backend_xmin IS NOT NULL FROM pg_stat_replication", Duration::from_secs(30))
        .await;
    let walsender = scalar_i64(p, "SELECT pid::int8 FROM pg_stat_replication").await;
    let o = run_url(pcfg, &["vacuum-report", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let holders = j["xmin_horizon"]["holders"].as_array().unwrap();
    let standbys: Vec<&Value> = holders.iter().filter(|h| h["kind"] == "standby").collect();
    assert_eq!(standbys.len(), 1, "{holders:?}");
    assert_eq!(standbys[0]["id"], "pair");
    assert_eq!(standbys[0]["holds_back"], "all_tables");
    assert!(
        !holders
            .iter()
            .any(|h| h["kind"] == "session" && h["id"].as_str() == Some(walsender.to_string().as_str())),
        "{holders:?}"
    );
    c.batch_execute("COMMIT").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn primary_and_streaming_replica() {
    let (primary, pcfg) = super::primary("repl-pair", &[]).await;
    let (_standby, scfg) = basebackup_replica(&primary, &pcfg, "pair", &["hot_standby_feedback = on"]);
    // The schema, on the primary, for the reports and `migrate verify` on the standby.
    assert_ok(&run_url(&pcfg, &["init"]));
    let p = connect(&pcfg).await;
    let s = connect(&scfg).await;
    caught_up_standby_of_an_idle_primary_has_no_lag(&p, &s, &pcfg, &scfg).await;
    every_report_runs_on_the_standby(&scfg, &pcfg);
    writes_are_refused_on_the_standby(&scfg);
    inactive_slot_keeps_wal(&p, &pcfg).await;
    paused_replay(&p, &s, &pcfg, &scfg).await;
    a_standby_holds_the_horizon_once(&p, &s, &pcfg).await;
    crate::history::expected_standbys_page_when_one_is_down(&_standby, &pcfg).await;
}

/// `pg_basebackup` still copying: a replica being made, never "caught up".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_being_made_is_not_caught_up() {
    let (primary, pcfg) = super::primary("repl-making", &[]).await;
    let p = connect(&pcfg).await;
    let dir = temp_dir("making");
    if let Some((uid, gid)) = unprivileged_owner() {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
    }
    let mut c = pg_program(&primary, "pg_basebackup");
    c.args(["-h", "127.0.0.1", "-p", &pcfg.port().to_string(), "-U", "towow", "-X", "stream", "--no-sync"])
        .arg("-D")
        .arg(dir.join("data"))
        .args(["--max-rate", "32k", "-c", "fast"])
        .env("PGPASSWORD", pcfg.password.as_deref().unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    wait_until_within(
        &p,
        "SELECT count(*) > 0 FROM pg_stat_replication WHERE state = 'backup'",
        Duration::from_secs(30),
    )
    .await;
    let o = run_url(&pcfg, &["replication", "--check", "--format", "json"]);
    let j = json(&o);
    let senders = j["senders"].as_array().unwrap();
    assert!(!senders.is_empty(), "{j}");
    assert!(senders.iter().all(|s| s["kind"] == "base_backup" && s["caught_up"] == false), "{senders:?}");
    let lag = check(&j, "replication_lag_s");
    let msg = lag["message"].as_str().unwrap();
    assert!(msg.contains("base backup(s) in progress") && !msg.contains("caught up"), "{lag}");
    let o = run_url(&pcfg, &["health", "--format", "json"]);
    for name in ["replication_lag_s", "replicas_not_streaming"] {
        let c = check(&json(&o), name).clone();
        assert!(!c["message"].as_str().unwrap().contains("caught up"), "{c}");
        assert!(c["message"].as_str().unwrap().contains("base backup"), "{c}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
