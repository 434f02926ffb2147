//! Concurrency: many `init --mock-agents` on a database that does not exist yet, many
//! `roles create` at once. Losing a race is not an error.

use std::time::{Duration, Instant};

use super::*;

#[tokio::test]
async fn concurrent_init_on_a_missing_database_all_succeed() {
    let mut cfg = server().base.clone();
    let name = format!("t_raceinit_{}", std::process::id());
    cfg.dbname = Some(name.clone());
    let url = cfg.url_with_password();
    let started = Instant::now();
    let children: Vec<_> = (0..16).map(|_| spawn(&mut url_cmd(&url, &["init", "--mock-agents"]))).collect();
    for c in children {
        let t = wait_limited(c, started, Duration::from_secs(120));
        assert_eq!(t.code(), Some(0), "{t:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(120));
    let db = connect(&cfg).await;
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 100);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM refinery_schema_history").await,
        towow_db::migrate::shipped().unwrap().len() as i64
    );
}

#[tokio::test]
async fn concurrent_roles_create_all_succeed() {
    let cfg = fresh_db("raceroles").await;
    assert_ok(&run_url(&cfg, &["init"]));
    let url = cfg.url_with_password();
    let (app, migrate) =
        (format!("race_app_{}", std::process::id()), format!("race_mig_{}", std::process::id()));
    let started = Instant::now();
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut c = url_cmd(&url, &["roles", "create", "--app-role", &app, "--migrate-role", &migrate]);
            c.env("TOWOW_APP_PASSWORD", "race-app-password-0123")
                .env("TOWOW_MIGRATE_PASSWORD", "race-migrate-password-0123");
            spawn(&mut c)
        })
        .collect();
    for c in children {
        let t = wait_limited(c, started, Duration::from_secs(60));
        assert_eq!(t.code(), Some(0), "{t:?}");
        assert!(!t.all().contains("race-app-password"), "{t:?}");
    }
    let db = connect(&cfg).await;
    assert_eq!(
        scalar_i64(&db, &format!("SELECT count(*) FROM pg_roles WHERE rolname IN ('{app}', '{migrate}')"))
            .await,
        2
    );
    assert!(
        scalar_bool(
            &db,
            &format!(
                "SELECT pg_get_userbyid(relowner) = '{migrate}' FROM pg_class WHERE relname = 'demands'"
            )
        )
        .await
    );
}
