//! What a standby cannot know, and what it holds back (issue 25): its WAL receiver's status
//! hidden from a role without `pg_read_all_stats`, the vacuum checks whose counters are the
//! primary's, and retention's VACUUM on the primary held back by its `hot_standby_feedback`.

use std::time::Duration;

use super::*;

/// Item 2: a role without pg_read_all_stats sees the receiver's pid and nothing else: not "not
/// streaming", unknown.
async fn receiver_hidden_from_a_role_without_the_privilege(s: &Db, scfg: &ConnConfig) {
    // The truth, as a superuser sees it.
    assert_eq!(text(s, "SELECT status::text FROM pg_stat_wal_receiver").await, "streaming");
    let mut watcher = scfg.clone();
    watcher.user = Some("watcher".into());
    watcher.password = Some("pw".into());
    assert!(
        scalar_bool(
            &connect(&watcher).await,
            "SELECT pid IS NOT NULL AND status IS NULL FROM pg_stat_wal_receiver"
        )
        .await,
        "the case: the role sees a receiver, not its status"
    );
    for args in
        [&["replication", "--check", "--format", "json"][..], &["health", "--check", "--format", "json"]]
    {
        let o = run_url(&watcher, args);
        let c = check(&json(&o), "replicas_not_streaming").clone();
        assert_eq!(c["status"], "unknown", "{args:?}: a healthy standby is not a stalled one: {c}");
        assert!(c["message"].as_str().unwrap().contains("pg_read_all_stats"), "{c}");
        assert_eq!(code(&o), 3, "{args:?}: {}", stdout(&o));
    }
}

/// Item 3: a table due with autovacuum off on the primary: WARNING there; the standby cannot know.
async fn vacuum_checks_on_the_standby(p: &Db, s: &Db, pcfg: &ConnConfig, scfg: &ConnConfig) {
    exec(
        p,
        "CREATE TABLE due_off (id int PRIMARY KEY) WITH (autovacuum_enabled = off);
         INSERT INTO due_off SELECT generate_series(1, 1000);
         ANALYZE due_off;
         DELETE FROM due_off WHERE id <= 300;",
    )
    .await;
    wait_until(p, "SELECT n_dead_tup = 300 FROM pg_stat_user_tables WHERE relname = 'due_off'").await;
    caught_up(p, s).await;
    let args = ["vacuum-report", "--check", "--format", "json"];
    let o = run_url(pcfg, &args);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert_eq!(check(&json(&o), "due_autovacuum_off")["value"], 1);
    let o = run_url(scfg, &args);
    let j = json(&o);
    assert_eq!(code(&o), 3, "the standby cannot know what is due: {}", stdout(&o));
    let c = check(&j, "due_autovacuum_off");
    assert_eq!(c["status"], "unknown", "{c}");
    assert!(c["message"].as_str().unwrap().contains("standby"), "{c}");
    assert!(
        j["tables"].as_array().unwrap().iter().any(|t| t["table"] == "due_off" && t["n_dead_tup"].is_null()),
        "{j}"
    );
}

/// Item 12: retention's VACUUM removes nothing while the standby's snapshot holds the horizon: said,
/// with who holds it. pgstattuple is the truth.
async fn retention_vacuum_held_back_by_the_standby(p: &Db, s: &Db, pcfg: &ConnConfig) {
    exec(
        p,
        "CREATE EXTENSION IF NOT EXISTS pgstattuple;
         CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
         CREATE INDEX events_created_at ON events (created_at);
         INSERT INTO events SELECT g, timestamptz '2020-01-01' + g * interval '1 minute' FROM generate_series(1, 4000) g;",
    )
    .await;
    caught_up(p, s).await;
    // A snapshot on the standby, older than the deletes, reported to the primary.
    let c = s.get().await.unwrap();
    c.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM events").await.unwrap();
    wait_until_within(p, "SELECT backend_xmin IS NOT NULL FROM pg_stat_replication", Duration::from_secs(30))
        .await;
    let cut = "2020-01-02 00:00:00+00";
    let o = run_url(
        pcfg,
        &[
            "retention",
            "--table",
            "events",
            "--column",
            "created_at",
            "--before",
            cut,
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let deleted = json(&o)["rules"][0]["rows"].as_i64().unwrap();
    assert!(deleted > 1000, "{}", stdout(&o));
    // The truth: every deleted row is still there, dead.
    assert_eq!(scalar_i64(p, "SELECT dead_tuple_count FROM pgstattuple('events')").await, deleted);
    let notes = json(&o)["rules"][0]["notes"].to_string();
    assert!(
        notes.contains("VACUUM removed none of") && notes.contains("standby") && notes.contains("pair"),
        "the held-back VACUUM is not said: {notes}"
    );
    c.batch_execute("COMMIT").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_standby_cannot_know_and_what_it_holds_back() {
    let (primary, pcfg) = super::primary("repl-truth", &[]).await;
    let p = connect(&pcfg).await;
    exec(&p, "CREATE ROLE watcher LOGIN PASSWORD 'pw'").await;
    let (_standby, scfg) = basebackup_replica(&primary, &pcfg, "pair", &["hot_standby_feedback = on"]);
    let s = connect(&scfg).await;
    caught_up(&p, &s).await;
    receiver_hidden_from_a_role_without_the_privilege(&s, &scfg).await;
    vacuum_checks_on_the_standby(&p, &s, &pcfg, &scfg).await;
    retention_vacuum_held_back_by_the_standby(&p, &s, &pcfg).await;
}
