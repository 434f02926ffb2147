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
    // `--wait`: the test server is shared with every other test running at the same time, and
    // 16 runs at once may find it out of connections (53300) for a moment, which `--wait` rides
    // out, as a deployment starting many replicas would give it; losing the race to create the
    // database or to migrate it must still never be an error.
    let children: Vec<_> =
        (0..16).map(|_| spawn(&mut url_cmd(&url, &["init", "--mock-agents", "--wait", "60s"]))).collect();
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

/// `ev`, partitioned by month on `at`, with last month's partition (`ev_YYYY_MM`).
const LAST_MONTH_PARTITIONED: &str = "CREATE TABLE ev (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at); \
     DO $$ DECLARE m date := (date_trunc('month', now()) - interval '1 month')::date; BEGIN \
       EXECUTE format('CREATE TABLE ev_%s PARTITION OF ev FOR VALUES FROM (%L) TO (%L)', \
                      to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date); END $$";

/// Eight `partitions ensure` at once on one table ended in the right state but 18 of 40 runs
/// exited 1, some with wrong advice ("not a partition of it: rename or attach it first" about a
/// partition a concurrent run was attaching). They now take turns, and a run that finds a
/// partition made meanwhile leaves it: every run exits 0.
#[tokio::test]
async fn concurrent_partitions_ensure_all_succeed() {
    for round in 0..3 {
        let cfg = fresh_db(&format!("raceensure{round}")).await;
        let db = connect(&cfg).await;
        exec(&db, LAST_MONTH_PARTITIONED).await;
        let url = cfg.url_with_password();
        let started = Instant::now();
        let children: Vec<_> = (0..8)
            .map(|_| spawn(&mut url_cmd(&url, &["partitions", "ensure", "--table", "ev", "--ahead", "6"])))
            .collect();
        for c in children {
            let t = wait_limited(c, started, Duration::from_secs(60));
            assert_eq!(t.code(), Some(0), "round {round}: {t:?}");
        }
        // This month and six ahead, once each, next to last month's.
        assert_eq!(
            scalar_i64(&db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ev'::regclass").await,
            8
        );
        let o = run_url(&cfg, &["partitions", "ensure", "--table", "ev", "--ahead", "6", "--format", "json"]);
        assert_ok(&o);
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(j["tables"][0]["created"].as_array().unwrap().len(), 0, "{j}");
    }
}

/// Name patterns that give two new partitions one name (`%Y` on months), or names past
/// PostgreSQL's 63 bytes (cut, so they may collide), created one partition and then failed with
/// 42P07. They are refused before the first CREATE.
#[tokio::test]
async fn partition_name_collisions_are_refused_before_anything_is_created() {
    let cfg = fresh_db("ensurenames").await;
    let db = connect(&cfg).await;
    exec(&db, LAST_MONTH_PARTITIONED).await;
    let long = format!("{}_%Y_%m", "x".repeat(60));
    for (pattern, says) in [("ev_%Y", "to two new partitions"), (long.as_str(), "over PostgreSQL's 63")] {
        let o = run_url(
            &cfg,
            &["partitions", "ensure", "--table", "ev", "--ahead", "3", "--name-pattern", pattern],
        );
        assert_eq!(o.status.code(), Some(1), "{pattern}: {}{}", stdout(&o), stderr(&o));
        assert!(stderr(&o).contains(says) && stderr(&o).contains("nothing was created"), "{}", stderr(&o));
        assert_eq!(
            scalar_i64(&db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'ev'::regclass").await,
            1
        );
    }
}
