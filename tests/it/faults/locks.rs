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
