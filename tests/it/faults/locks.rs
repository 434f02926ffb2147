//! Lock timeouts name the holder: pid, user, application, client, since when and its statement
//! (from `pg_blocking_pids`), for `migrate`, `mock-agents`, `drop` and `seed`.

use std::time::Duration;

use super::*;

/// Hold `lock` in an open transaction of a session named `holder-app`, run `args` with a 2 s
/// lock timeout, and check that the error names that session.
async fn names_the_holder(tag: &str, setup: &[&str], lock: &str, args: &[&str]) {
    let (cfg, db) = initialised(tag).await;
    for s in setup {
        assert_ok(&run_url(&cfg, &s.split(' ').collect::<Vec<_>>()));
    }
    let holder = db.dedicated().await.unwrap();
    let pid: i32 = holder.query_typed_one("SELECT pg_backend_pid()", &[]).await.unwrap().get(0);
    holder.batch_execute(&format!("SET application_name = 'holder-app'; BEGIN; {lock}")).await.unwrap();
    let mut all = vec!["--lock-timeout", "2s"];
    all.extend_from_slice(args);
    let t = run_limited(&mut url_cmd(&cfg.url_with_password(), &all), Duration::from_secs(60));
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(t.code(), Some(1), "{args:?}: {t:?}");
    assert!(t.took < Duration::from_secs(10), "{args:?}: {t:?}");
    let e = t.stderr();
    for want in [
        "55P03".to_string(),
        format!("pid {pid}"),
        format!("user {}", cfg.user_or_default()),
        "holder-app".to_string(),
        "since".to_string(),
        lock.to_string(),
    ] {
        assert!(e.contains(&want), "{args:?}: `{want}` missing from: {e}");
    }
    // The holder's own remedy, in place of the general advice for 55P03: one dash, one remedy.
    let line = e.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("{e}"));
    assert!(line.contains("end that session") && !line.contains("another session holds a lock"), "{line}");
}

#[tokio::test]
async fn migrate_names_the_lock_holder() {
    names_the_holder(
        "holdmigrate",
        &["drop --yes", "migrate --target 1"],
        "LOCK TABLE agent_profiles IN ACCESS EXCLUSIVE MODE",
        &["migrate"],
    )
    .await;
}

#[tokio::test]
async fn mock_agents_names_the_lock_holder() {
    names_the_holder("holdmock", &[], "LOCK TABLE agent_profiles IN ACCESS EXCLUSIVE MODE", &["mock-agents"])
        .await;
}

#[tokio::test]
async fn drop_names_the_lock_holder() {
    names_the_holder("holddrop", &[], "LOCK TABLE demands IN ACCESS EXCLUSIVE MODE", &["drop", "--yes"])
        .await;
}

#[tokio::test]
async fn seed_names_the_lock_holder() {
    names_the_holder("holdseed", &[], "LOCK TABLE demands IN ACCESS EXCLUSIVE MODE", &["seed"]).await;
}

/// With a pool of one connection (held by the waiting work), the holder is still named: the
/// watcher has a connection of its own.
#[tokio::test]
async fn the_holder_is_named_with_a_pool_of_one() {
    names_the_holder(
        "holdpool1",
        &[],
        "LOCK TABLE demands IN ACCESS EXCLUSIVE MODE",
        &["--pool-size", "1", "drop", "--yes"],
    )
    .await;
}

/// A holder whose transaction set a password in any quoting: the session is named, its
/// statement is not shown.
#[tokio::test]
async fn a_holders_password_never_shows() {
    let (cfg, db) = initialised("holdsecret").await;
    exec(&db, "DROP ROLE IF EXISTS leaky_holder; CREATE ROLE leaky_holder").await;
    let holder = db.dedicated().await.unwrap();
    holder
        .batch_execute(
            "BEGIN; ALTER ROLE leaky_holder PASSWORD E'hunter2-secret'; \
             LOCK TABLE demands IN ACCESS EXCLUSIVE MODE",
        )
        .await
        .unwrap();
    let t = run_limited(
        &mut url_cmd(&cfg.url_with_password(), &["--lock-timeout", "2s", "drop", "--yes"]),
        Duration::from_secs(60),
    );
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(t.code(), Some(1), "{t:?}");
    let e = t.stderr();
    assert!(e.contains("55P03") && e.contains("blocked by pid"), "{e}");
    assert!(!e.contains("hunter2"), "the holder's password shows: {e}");
}

/// `--statement-timeout` reaches the session: with `--lock-timeout 0` (no lock timeout) it is
/// what ends a wait on a lock, promptly and as a statement timeout (57014), where the command's
/// own default would wait for ever.
#[tokio::test]
async fn statement_timeout_ends_a_wait_that_lock_timeout_0_leaves_open() {
    let (cfg, db) = initialised("stmttimeout").await;
    let holder = db.dedicated().await.unwrap();
    holder.batch_execute("BEGIN; LOCK TABLE demands IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let t = run_limited(
        &mut url_cmd(&cfg.url_with_password(), &["--lock-timeout", "0", "--statement-timeout", "1s", "seed"]),
        Duration::from_secs(60),
    );
    holder.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.took < Duration::from_secs(10), "{t:?}");
    assert!(t.stderr().contains("57014") && !t.stderr().contains("55P03"), "{t:?}");
    assert!(t.stderr().contains("— the statement ran longer than statement_timeout"), "{t:?}");
    assert_eq!(towow_rows(&db).await, 0);
}
