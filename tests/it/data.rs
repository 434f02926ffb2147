//! Data loading on a real server: sample data, seed files, mock agents, the scale generator,
//! determinism, idempotence, interruption and bad input.

use std::time::Duration;

use serde_json::{Value, json};
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;

fn json_out(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

async fn initialised(tag: &str) -> (ConnConfig, Db) {
    let cfg = fresh_db(tag).await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    (cfg, db)
}

async fn table_counts(db: &Db) -> [i64; 4] {
    [
        scalar_i64(db, "SELECT count(*) FROM agent_profiles").await,
        scalar_i64(db, "SELECT count(*) FROM demands").await,
        scalar_i64(db, "SELECT count(*) FROM agent_responses").await,
        scalar_i64(db, "SELECT count(*) FROM collaboration_channels").await,
    ]
}

/// Every row of the four tables as text, ordered: what "byte-identical" is checked on.
async fn dump(db: &Db) -> Vec<String> {
    let c = db.get().await.unwrap();
    c.batch_execute("SET TimeZone = 'UTC'").await.unwrap();
    let mut out = Vec::new();
    for t in ["agent_profiles", "demands", "agent_responses", "collaboration_channels"] {
        for r in c.query(&format!("SELECT t::text FROM {t} t ORDER BY id"), &[]).await.unwrap() {
            out.push(format!("{t} {}", r.get::<_, String>(0)));
        }
    }
    out
}

#[tokio::test]
async fn sample_data_is_exact_and_idempotent() {
    let (cfg, db) = initialised("sample").await;
    let o = run_url(&cfg, &["seed", "--format", "json"]);
    assert_ok(&o);
    let j = json_out(&o);
    assert_eq!(j["sample"]["tables"]["agent_profiles"]["inserted"], 2, "{j}");
    assert_eq!(j["sample"]["tables"]["demands"]["inserted"], 1, "{j}");

    let c = db.get().await.unwrap();
    let agents = c
        .query(
            "SELECT name, agent_type, description, capabilities, pricing_info, config, is_active, rating, total_collaborations
             FROM agent_profiles ORDER BY name DESC",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(agents.len(), 2);
    let a = &agents[0];
    assert_eq!(a.get::<_, String>(0), "Translation Expert");
    assert_eq!(a.get::<_, String>(1), "translator");
    assert_eq!(a.get::<_, String>(2), "Professional translation agent supporting 50+ languages");
    assert_eq!(
        a.get::<_, Value>(3),
        json!({"languages":["en","zh","ja","ko","es","fr","de"],"specializations":["technical","legal","medical"]})
    );
    assert_eq!(a.get::<_, Value>(4), json!({"base_rate":0.05,"currency":"USD","unit":"word"}));
    assert_eq!(a.get::<_, Value>(5), json!({}));
    assert!(a.get::<_, bool>(6));
    assert_eq!(a.get::<_, Option<f64>>(7), None);
    assert_eq!(a.get::<_, i32>(8), 0);
    let b = &agents[1];
    assert_eq!(b.get::<_, String>(0), "Code Reviewer");
    assert_eq!(b.get::<_, String>(1), "developer");
    assert_eq!(b.get::<_, String>(2), "Expert code review agent for multiple programming languages");
    assert_eq!(
        b.get::<_, Value>(3),
        json!({"languages":["python","javascript","typescript","go","rust"],"frameworks":["fastapi","react","nextjs"]})
    );
    assert_eq!(b.get::<_, Value>(4), json!({"base_rate":10.0,"currency":"USD","unit":"review"}));
    let d = c
        .query_one(
            "SELECT title, description, user_id, requirements, budget, tags, status, deadline IS NULL FROM demands",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(d.get::<_, String>(0), "Translate Technical Documentation");
    assert_eq!(d.get::<_, String>(1), "Need to translate API documentation from English to Chinese");
    assert_eq!(d.get::<_, String>(2), "sample-user-001");
    assert_eq!(
        d.get::<_, Value>(3),
        json!({"source_language":"en","target_language":"zh","word_count":5000,"domain":"technical"})
    );
    assert_eq!(d.get::<_, Value>(4), json!({"max_amount":500,"currency":"USD"}));
    assert_eq!(d.get::<_, Value>(5), json!(["translation", "technical", "documentation"]));
    assert_eq!(d.get::<_, String>(6), "draft");
    assert!(d.get::<_, bool>(7));

    // Twice: exactly these rows, untouched.
    let before = dump(&db).await;
    let o = run_url(&cfg, &["seed", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json_out(&o)["sample"]["tables"]["agent_profiles"]["unchanged"], 2);
    assert_eq!(dump(&db).await, before);
    // A sample row edited by hand is restored; the others stay as they were.
    c.batch_execute("UPDATE demands SET status = 'published', tags = '[]'").await.unwrap();
    let o = run_url(&cfg, &["init", "--sample-data", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json_out(&o)["load"]["sample"]["tables"]["demands"]["updated"], 1);
    assert_eq!(table_counts(&db).await, [2, 1, 0, 0]);
    let restored: String = c.query_one("SELECT status FROM demands", &[]).await.unwrap().get(0);
    assert_eq!(restored, "draft");
}

#[tokio::test]
async fn mock_agents_are_diverse_and_shaped_like_the_app_expects() {
    let (cfg, db) = initialised("mock").await;
    let o = run_url(&cfg, &["init", "--mock-agents", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 100);
    let types = scalar_i64(&db, "SELECT count(DISTINCT agent_type) FROM agent_profiles").await;
    assert!(types >= 8, "{types} agent types");
    // No type dominates (the old init_db.py gave all 100 the same one).
    let top =
        scalar_i64(&db, "SELECT max(n) FROM (SELECT count(*) n FROM agent_profiles GROUP BY agent_type) x")
            .await;
    assert!(top <= 30, "one type has {top} of 100");
    let bad_shape = scalar_i64(
        &db,
        "SELECT count(*) FROM agent_profiles WHERE NOT (
            capabilities ? 'skills' AND capabilities ? 'interests' AND capabilities ? 'location'
            AND capabilities ? 'availability' AND jsonb_typeof(capabilities->'skills') = 'array'
            AND config ? 'user_id' AND config ? 'display_name' AND config ? 'personality' AND config ? 'decision_style'
            AND pricing_info ? 'base_rate' AND pricing_info ? 'currency' AND pricing_info ? 'unit')",
    )
    .await;
    assert_eq!(bad_shape, 0);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE config->>'user_id' ~ '^agent_[0-9]{3,}$'")
            .await,
        100
    );
    assert_eq!(scalar_i64(&db, "SELECT count(DISTINCT config->>'user_id') FROM agent_profiles").await, 100);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE rating BETWEEN 3.0 AND 5.0 AND rating = round(rating::numeric, 1)").await,
        100
    );
    let inactive = scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE NOT is_active").await;
    assert!((1..=20).contains(&inactive), "{inactive} inactive");
    // Collaborations grow with the rating.
    let c = db.get().await.unwrap();
    let (low, high): (f64, f64) = {
        let r = c
            .query_one(
                "SELECT avg(total_collaborations) FILTER (WHERE rating < 4.0)::float8,
                        avg(total_collaborations) FILTER (WHERE rating >= 4.5)::float8 FROM agent_profiles",
                &[],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert!(high > low, "rating 4.5+ averages {high} collaborations, below 4.0 {low}");
    // Chinese names by default, English with --locale en (ids unchanged: same seed, same set).
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE name ~ '[一-龥]'").await, 100);
    let (cfg2, db2) = initialised("mock_en").await;
    assert_ok(&run_url(&cfg2, &["mock-agents", "--locale", "en", "-q"]));
    assert_eq!(scalar_i64(&db2, "SELECT count(*) FROM agent_profiles WHERE name ~ '[一-龥]'").await, 0);
    assert_eq!(scalar_i64(&db2, "SELECT count(*) FROM agent_profiles WHERE name ~ '^[A-Za-z]'").await, 100);
    let _ = cfg;
}

#[tokio::test]
async fn mock_agents_rerun_grow_and_replace() {
    let (cfg, db) = initialised("rerun").await;
    assert_ok(&run_url(&cfg, &["seed", "-q"]));
    assert_ok(&run_url(&cfg, &["mock-agents", "-q"]));
    let before = dump(&db).await;
    // The same command again adds nothing.
    let o = run_url(&cfg, &["mock-agents", "--format", "json"]);
    assert_ok(&o);
    let j = json_out(&o);
    assert_eq!(
        (j["mock_agents"]["inserted"].as_u64(), j["mock_agents"]["already_present"].as_u64()),
        (Some(0), Some(100))
    );
    assert_eq!(dump(&db).await, before);
    // A bigger set of the same seed adds only the new agents.
    let o = run_url(&cfg, &["mock-agents", "--count", "150", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json_out(&o)["mock_agents"]["inserted"], 50);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 152);
    // Agents deleted by hand are put back, the others are not duplicated.
    exec(&db, "DELETE FROM agent_profiles WHERE config->>'user_id' IN ('agent_003', 'agent_077')").await;
    let o = run_url(&cfg, &["mock-agents", "--count", "150", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json_out(&o)["mock_agents"]["inserted"], 2);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 152);
    // Another locale for the same seed must be asked for with --replace, or given its own seed;
    // the message's own command works (it is also the README's example).
    let o = run_url(&cfg, &["mock-agents", "--locale", "en"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("--replace") && e.contains("mock-agents --count 100 --locale en --seed 7"), "{e}");
    let o = run_url(
        &cfg,
        &["mock-agents", "--count", "100", "--locale", "en", "--seed", "7", "--format", "json"],
    );
    assert_ok(&o);
    assert_eq!(json_out(&o)["mock_agents"]["inserted"], 100);
    exec(&db, "DELETE FROM agent_profiles WHERE config->'mock_set'->>'seed' = '7'").await;

    // --replace deletes data: refused without a terminal and --yes.
    let o = run_url(&cfg, &["mock-agents", "--seed", "42", "--replace"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 152);
    let o = run_url(&cfg, &["mock-agents", "--seed", "42", "--replace", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json_out(&o);
    assert_eq!(
        (j["mock_agents"]["deleted"].as_u64(), j["mock_agents"]["inserted"].as_u64()),
        (Some(150), Some(100))
    );
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE config->'mock_set'->>'seed' = '42'").await,
        100
    );
    // The sample agents were never touched.
    assert_eq!(
        scalar_i64(
            &db,
            "SELECT count(*) FROM agent_profiles WHERE name IN ('Translation Expert', 'Code Reviewer')"
        )
        .await,
        2
    );
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 102);
}

#[tokio::test]
async fn the_same_seed_gives_identical_rows_in_two_databases() {
    let (a_cfg, a) = initialised("det_a").await;
    let (b_cfg, b) = initialised("det_b").await;
    for cfg in [&a_cfg, &b_cfg] {
        assert_ok(&run_url(cfg, &["mock-agents", "--count", "120", "-q"]));
        assert_ok(&run_url(
            cfg,
            &["seed", "--demands", "300", "--responses-per-demand", "4", "--channels-per-demand", "2", "-q"],
        ));
    }
    let (da, db_) = (dump(&a).await, dump(&b).await);
    assert_eq!(da.len(), 120 + 300 + 1200 + 600);
    assert!(da == db_, "the two databases differ");
    // Another seed gives other rows.
    let (c_cfg, c) = initialised("det_c").await;
    assert_ok(&run_url(&c_cfg, &["mock-agents", "--count", "120", "--seed", "2", "-q"]));
    let dc = dump(&c).await;
    assert!(dc.iter().all(|row| !da.contains(row)));
}

#[tokio::test]
async fn scale_counts_are_exact_and_the_data_consistent() {
    let (cfg, db) = initialised("scale").await;
    // No agents yet: the default mock set is created in the same transaction.
    let o = run_url(
        &cfg,
        &[
            "seed",
            "--demands",
            "2000",
            "--responses-per-demand",
            "5",
            "--channels-per-demand",
            "2",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let j = json_out(&o);
    assert_eq!(j["mock_agents"]["inserted"], 100, "{j}");
    assert!(j["sample"].is_null(), "size flags load only generated data: {j}");
    assert_eq!(j["rows"], 2000 + 10000 + 4000 + 100);
    assert!(j["seconds"].as_f64().unwrap() > 0.0 && j["rows_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(table_counts(&db).await, [100, 2000, 10000, 4000]);

    let checks: &[(&str, &str)] = &[
        (
            "every demand has exactly 5 responses",
            "SELECT count(*) FROM (SELECT d.id FROM demands d LEFT JOIN agent_responses r ON r.demand_id = d.id GROUP BY d.id HAVING count(r.id) <> 5) x",
        ),
        (
            "every demand has exactly 2 channels",
            "SELECT count(*) FROM (SELECT d.id FROM demands d LEFT JOIN collaboration_channels c ON c.demand_id = d.id GROUP BY d.id HAVING count(c.id) <> 2) x",
        ),
        (
            "distinct agents per demand",
            "SELECT count(*) FROM (SELECT demand_id FROM agent_responses GROUP BY demand_id HAVING count(DISTINCT agent_id) <> 5) x",
        ),
        (
            "responders are active agents",
            "SELECT count(*) FROM agent_responses r JOIN agent_profiles a ON a.id = r.agent_id WHERE NOT a.is_active",
        ),
        (
            "participants responded to that demand",
            "SELECT count(*) FROM collaboration_channels c, jsonb_array_elements(c.participants->'agents') p WHERE NOT EXISTS (SELECT 1 FROM agent_responses r WHERE r.demand_id = c.demand_id AND r.agent_id = (p->>'agent_id')::uuid)",
        ),
        (
            "channels name the demand's user",
            "SELECT count(*) FROM collaboration_channels c JOIN demands d ON d.id = c.demand_id WHERE c.participants->>'user_id' <> d.user_id",
        ),
        (
            "matched and completed demands have one accepted response",
            "SELECT count(*) FROM demands d WHERE d.status IN ('matched', 'completed') AND (SELECT count(*) FROM agent_responses r WHERE r.demand_id = d.id AND r.status = 'accepted') <> 1",
        ),
        (
            "other demands have none accepted",
            "SELECT count(*) FROM agent_responses r JOIN demands d ON d.id = r.demand_id WHERE d.status NOT IN ('matched', 'completed') AND r.status = 'accepted'",
        ),
        (
            "draft demands only have pending responses",
            "SELECT count(*) FROM agent_responses r JOIN demands d ON d.id = r.demand_id WHERE d.status = 'draft' AND r.status <> 'pending'",
        ),
        (
            "cancelled demands have no pending responses",
            "SELECT count(*) FROM agent_responses r JOIN demands d ON d.id = r.demand_id WHERE d.status = 'cancelled' AND r.status = 'pending'",
        ),
        (
            "the accepted response is the most relevant",
            "SELECT count(*) FROM agent_responses a WHERE a.status = 'accepted' AND EXISTS (SELECT 1 FROM agent_responses o WHERE o.demand_id = a.demand_id AND o.relevance_score > a.relevance_score)",
        ),
        (
            "the accepted agent is in every channel",
            "SELECT count(*) FROM agent_responses a JOIN collaboration_channels c ON c.demand_id = a.demand_id WHERE a.status = 'accepted' AND NOT c.participants->'agents' @> jsonb_build_array(jsonb_build_object('agent_id', a.agent_id::text))",
        ),
        (
            "channels of cancelled demands are closed",
            "SELECT count(*) FROM collaboration_channels c JOIN demands d ON d.id = c.demand_id WHERE d.status = 'cancelled' AND c.status <> 'closed'",
        ),
        (
            "channels of completed demands are completed or closed",
            "SELECT count(*) FROM collaboration_channels c JOIN demands d ON d.id = c.demand_id WHERE d.status = 'completed' AND c.status NOT IN ('completed', 'closed')",
        ),
        (
            "last_message_at set exactly when there are messages",
            "SELECT count(*) FROM collaboration_channels WHERE (message_count > 0) <> (last_message_at IS NOT NULL) OR last_message_at < created_at",
        ),
        ("deadlines after creation", "SELECT count(*) FROM demands WHERE deadline <= created_at"),
        (
            "responses after their demand",
            "SELECT count(*) FROM agent_responses r JOIN demands d ON d.id = r.demand_id WHERE r.created_at < d.created_at OR r.updated_at < r.created_at",
        ),
        (
            "relevance between 0 and 1",
            "SELECT count(*) FROM agent_responses WHERE relevance_score NOT BETWEEN 0 AND 1",
        ),
        (
            "the first tag is the category and tags are arrays",
            "SELECT count(*) FROM demands WHERE jsonb_typeof(tags) <> 'array' OR jsonb_array_length(tags) < 2",
        ),
        (
            "budgets have an amount and currency",
            "SELECT count(*) FROM demands WHERE NOT (budget ? 'max_amount' AND budget->>'currency' IN ('USD', 'CNY'))",
        ),
    ];
    for (what, sql) in checks {
        assert_eq!(scalar_i64(&db, sql).await, 0, "{what}: {sql}");
    }
    // All six statuses, in plausible shares; many users; months of history.
    let statuses = scalar_i64(&db, "SELECT count(DISTINCT status) FROM demands").await;
    assert_eq!(statuses, 6);
    let completed = scalar_i64(&db, "SELECT count(*) FROM demands WHERE status = 'completed'").await;
    assert!((500..=900).contains(&completed), "{completed} completed of 2000");
    assert!(scalar_i64(&db, "SELECT count(DISTINCT user_id) FROM demands").await >= 200);
    let days =
        scalar_i64(&db, "SELECT extract(day FROM max(created_at) - min(created_at))::int8 FROM demands")
            .await;
    assert!(days >= 90, "created over {days} days");
    // Budgets fit translation demands' word counts.
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM demands WHERE tags->>0 = 'translation' AND NOT (requirements ? 'word_count' AND requirements ? 'source_language')").await,
        0
    );

    // Loading the same generated set again is refused, not duplicated.
    let o = run_url(&cfg, &["seed", "--demands", "2000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already in the database"), "{}", stderr(&o));
    assert_eq!(table_counts(&db).await, [100, 2000, 10000, 4000]);
    // --replace regenerates them (and asks first).
    let o = run_url(&cfg, &["seed", "--demands", "100", "--replace", "--yes", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json_out(&o)["generated"]["deleted_demands"], 2000);
    assert_eq!(table_counts(&db).await, [100, 100, 300, 100]);
}

#[tokio::test]
async fn responses_per_demand_beyond_the_agents_is_refused() {
    let (cfg, db) = initialised("toomany").await;
    assert_ok(&run_url(&cfg, &["mock-agents", "--count", "10", "-q"]));
    let o = run_url(&cfg, &["seed", "--demands", "10", "--responses-per-demand", "50"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(table_counts(&db).await[1], 0);
    // The advice is a command that works: about 7% of mock agents are inactive, so it asks for
    // more than 50 agents, and running it makes the load succeed (the old advice, `--count 50`,
    // left 47 active agents and gave the same advice again).
    let e = stderr(&o);
    let advice = e.split('`').nth(1).unwrap_or_else(|| panic!("no command in: {e}"));
    let words: Vec<&str> = advice.split_whitespace().collect();
    assert_eq!(&words[..3], ["towow-db", "mock-agents", "--count"], "{e}");
    let count: u64 = words[3].parse().unwrap();
    assert!(count > 50, "{e}");
    assert_ok(&run_url(&cfg, &words[1..].iter().copied().chain(["-q"]).collect::<Vec<_>>()));
    assert_ok(&run_url(&cfg, &["seed", "--demands", "10", "--responses-per-demand", "50", "-q"]));
    assert_eq!(table_counts(&db).await[1], 10);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE is_active").await, 50);
}

#[tokio::test]
async fn an_error_mid_load_leaves_nothing() {
    let (cfg, db) = initialised("midfail").await;
    // Responses are loaded after the demands and the (auto-created) mock agents; make one of
    // them fail half way.
    exec(&db, "ALTER TABLE agent_responses ADD CONSTRAINT test_fail CHECK (relevance_score < 0.97)").await;
    let o = run_url(&cfg, &["seed", "--demands", "3000", "--responses-per-demand", "5"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("test_fail") && e.contains("23514") && e.contains("rolled back"), "{e}");
    assert_eq!(table_counts(&db).await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn ctrl_c_rolls_back_and_exits_130() {
    let (cfg, db) = initialised("sigint").await;
    let url = cfg.url_with_password();
    let child = cmd()
        .args(["--url", &url, "seed", "--demands", "5000000", "--responses-per-demand", "2"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the COPY is really under way.
    wait_until_within(
        &db,
        "SELECT coalesce(max(tuples_processed), 0) > 10000 FROM pg_stat_progress_copy WHERE datname = current_database()",
        Duration::from_secs(60),
    )
    .await;
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    // "rolled back", or on a loaded server whose ROLLBACK takes over 300 ms after the cancel,
    // "the server rolls it back": nothing written either way, as the counts below check.
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert_no_panic(&o);
    assert_eq!(table_counts(&db).await, [0, 0, 0, 0]);
    // And no lock or transaction is left behind.
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").await, 0);
}

#[tokio::test]
async fn bad_counts_are_refused_before_anything_is_written() {
    let (cfg, db) = initialised("badcounts").await;
    for (args, why) in [
        (&["seed", "--demands", "-5"][..], "negative; this count is 1 or more"),
        (&["seed", "--demands", "abc"][..], "not a number"),
        (&["seed", "--demands", "1e99"][..], "far too large"),
        (&["seed", "--demands", "0"][..], "at least 1"),
        (&["seed", "--demands", "10", "--responses-per-demand", "1.5"][..], "whole number"),
        (&["seed", "--demands", "10", "--channels-per-demand", "99999"][..], "at most"),
        (&["seed", "--responses-per-demand", "3"][..], "--demands"),
        (&["mock-agents", "--count", "0"][..], "at least 1"),
        (&["mock-agents", "--count", "1e99"][..], "far too large"),
        (&["init", "--mock-agents", "--mock-agents-count", "-1"][..], "negative"),
    ] {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
    }
    // Sizes that parse but exceed what one run generates: refused (exit 1), nothing written.
    let o = run_url(&cfg, &["seed", "--demands", "900M", "--responses-per-demand", "5000"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("more than this tool generates"), "{}", stderr(&o));
    assert_eq!(table_counts(&db).await, [0, 0, 0, 0]);
}

#[tokio::test]
async fn seed_files_are_validated_and_loaded_atomically() {
    let (cfg, db) = initialised("seedfile").await;
    let dir = scratch_dir("seedfile");
    std::fs::create_dir_all(&dir).unwrap();
    let agent = "{\"table\": \"agent_profiles\", \"id\": \"11111111-1111-4111-8111-111111111111\", \"name\": \"Ops Bot\", \"agent_type\": \"devops\", \"capabilities\": {\"skills\": [\"k8s\"]}}";
    let demand = "{\"table\": \"demands\", \"id\": \"22222222-2222-4222-8222-222222222222\", \"title\": \"Set up CI\", \"description\": \"d\", \"user_id\": \"u1\", \"tags\": [\"ci\"], \"deadline\": \"2026-07-01T00:00:00Z\"}";
    let response = "{\"table\": \"agent_responses\", \"id\": \"33333333-3333-4333-8333-333333333333\", \"demand_id\": \"22222222-2222-4222-8222-222222222222\", \"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"message\": \"on it\", \"status\": \"accepted\", \"relevance_score\": 0.9}";

    // A syntax error on line 3: rejected with the line, nothing loaded.
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, format!("{agent}\n{demand}\n{{\"table\": \"demands\", \"id\": oops}}\n")).unwrap();
    let o = run_url(&cfg, &["seed", "--file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad.jsonl:3: invalid JSON"), "{}", stderr(&o));
    // A wrong field: named.
    std::fs::write(&bad, format!("{agent}\n{}\n", demand.replace("\"u1\"", "42"))).unwrap();
    let o = run_url(&cfg, &["seed", "--file", bad.to_str().unwrap()]);
    assert!(stderr(&o).contains("bad.jsonl:2: demands.user_id: expected a string"), "{}", stderr(&o));
    // A row the database refuses (a response to a demand that does not exist): the line, and
    // the rows before it are rolled back.
    std::fs::write(&bad, format!("{agent}\n{}\n", response)).unwrap();
    let o = run_url(&cfg, &["seed", "--file", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("bad.jsonl:2") && e.contains("23503") && e.contains("rolled back"), "{e}");
    assert_eq!(table_counts(&db).await, [0, 0, 0, 0]);
    // A missing file.
    let o = run_url(&cfg, &["seed", "--file", "/nonexistent/seed.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read seed file /nonexistent/seed.jsonl"), "{}", stderr(&o));

    // A good file, children before parents in the file: loaded in dependency order, twice.
    let good = dir.join("good.jsonl");
    std::fs::write(&good, format!("# my seed\n{response}\n\n{demand}\n{agent}\n")).unwrap();
    for _ in 0..2 {
        assert_ok(&run_url(&cfg, &["seed", "--file", good.to_str().unwrap(), "-q"]));
        assert_eq!(table_counts(&db).await, [1, 1, 1, 0]);
    }
    let status: String =
        db.get().await.unwrap().query_one("SELECT status FROM demands", &[]).await.unwrap().get(0);
    assert_eq!(status, "draft", "server defaults fill what the file leaves out");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A seed file larger than a batch, children first: loaded parents first in batches (one
/// statement per batch, not per row), counted exactly, idempotent; a row the server refuses in
/// the middle of a batch is still named by its line, and nothing is written.
#[tokio::test]
async fn large_seed_files_load_in_batches_and_name_a_refused_line() {
    use towow_db::data::seed_file::BATCH_ROWS;
    let (cfg, db) = initialised("seedbatch").await;
    let dir = scratch_dir("seedbatch");
    std::fs::create_dir_all(&dir).unwrap();
    let n = BATCH_ROWS + BATCH_ROWS / 2;
    let uuid = |kind: u32, i: usize| format!("{kind:08x}-0000-4000-8000-{i:012x}");
    let demand = format!(
        "{{\"table\": \"demands\", \"id\": \"{}\", \"title\": \"Batch\", \"description\": \"d\", \"user_id\": \"u1\"}}",
        uuid(2, 0)
    );
    let agent = |i: usize, name: &str| {
        format!(
            "{{\"table\": \"agent_profiles\", \"id\": \"{}\", \"name\": \"{name} {i}\", \"agent_type\": \"devops\"}}",
            uuid(1, i)
        )
    };
    let response = |i: usize, agent_id: String| {
        format!(
            "{{\"table\": \"agent_responses\", \"id\": \"{}\", \"demand_id\": \"{}\", \"agent_id\": \"{agent_id}\", \"message\": \"m\", \"status\": \"pending\"}}",
            uuid(3, i),
            uuid(2, 0)
        )
    };
    let write = |path: &std::path::Path, agent_name: &str, bad_at: Option<usize>| {
        let mut text = String::new();
        for i in 0..n {
            let who = if Some(i) == bad_at { uuid(9, i) } else { uuid(1, i) };
            text.push_str(&response(i, who));
            text.push('\n');
        }
        text.push_str(&demand);
        text.push('\n');
        for i in 0..n {
            text.push_str(&agent(i, agent_name));
            text.push('\n');
        }
        std::fs::write(path, text).unwrap();
    };
    let file = dir.join("big.jsonl");
    let path = file.to_str().unwrap();
    // A response to an agent that does not exist, in the middle of the first batch (line 1000).
    write(&file, "Agent", Some(999));
    let o = run_url(&cfg, &["seed", "--file", path]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("big.jsonl:1000: agent_responses") && e.contains("23503"), "{e}");
    assert_eq!(table_counts(&db).await, [0, 0, 0, 0], "nothing written");
    // The good file: every row, in dependency order, counted per table.
    write(&file, "Agent", None);
    let o = run_url(&cfg, &["seed", "--file", path, "--format", "json"]);
    assert_ok(&o);
    let j = json_out(&o);
    let t = &j["file"]["tables"];
    assert_eq!(t["agent_profiles"]["inserted"], n as u64, "{j:#}");
    assert_eq!(t["demands"]["inserted"], 1, "{j:#}");
    assert_eq!(t["agent_responses"]["inserted"], n as u64, "{j:#}");
    assert_eq!(table_counts(&db).await, [n as i64, 1, n as i64, 0]);
    // Again: nothing changes; one name changed: one row updated.
    let j = json_out(&run_url(&cfg, &["seed", "--file", path, "--format", "json"]));
    assert_eq!(j["file"]["tables"]["agent_profiles"]["unchanged"], n as u64, "{j:#}");
    assert_eq!(j["file"]["tables"]["agent_responses"]["unchanged"], n as u64, "{j:#}");
    let text = std::fs::read_to_string(&file).unwrap().replace("\"Agent 7\"", "\"Renamed 7\"");
    std::fs::write(&file, text).unwrap();
    let j = json_out(&run_url(&cfg, &["seed", "--file", path, "--format", "json"]));
    let agents = &j["file"]["tables"]["agent_profiles"];
    assert_eq!(
        (agents["updated"].as_u64(), agents["unchanged"].as_u64()),
        (Some(1), Some(n as u64 - 1)),
        "{j:#}"
    );
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE name = 'Renamed 7'").await, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn without_the_schema_it_says_to_run_init() {
    let cfg = fresh_db("noschema").await;
    for args in [&["seed"][..], &["mock-agents"][..], &["seed", "--demands", "10"][..]] {
        let o = run_url(&cfg, args);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("run `towow-db init` first"), "{args:?}: {}", stderr(&o));
    }
}

#[tokio::test]
async fn a_generator_that_fails_half_way_fails_the_load() {
    // A panic on the generator thread closes the channel just like the end of the data does;
    // copy_rows must tell the two apart and never finish (and let the caller commit) a short COPY.
    use towow_db::data::generators::agents::{MockSet, mock_agent};
    let (_cfg, db) = initialised("genpanic").await;
    let set = MockSet {
        seed: 1,
        locale: towow_db::data::generators::Locale::En,
        as_of: towow_db::data::generators::DEFAULT_AS_OF,
    };
    let rows = towow_db::data::copy::spawn_generator(0..10_000, move |i, out| {
        if i == 5_000 {
            panic!("generator bug (injected by the test)");
        }
        out.push(mock_agent(&set, i));
    })
    .unwrap();
    let mut client = db.get().await.unwrap();
    let tx = client.transaction().await.unwrap();
    let r = towow_db::data::copy::copy_rows(
        &tx,
        "agent_profiles",
        rows,
        &towow_db::output::progress::Progress::hidden(),
    )
    .await;
    let e = r.expect_err("a short COPY must be an error");
    assert!(e.to_string().contains("failed after"), "{e}");
    tx.rollback().await.unwrap();
    drop(client);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_profiles").await, 0);
}

#[tokio::test]
async fn generated_responses_come_from_mock_agents_only() {
    // Other agents in the database (the sample's two, a user's own) do not count as the mock set:
    // without mock agents, the default set is created; responses never name the others.
    let (cfg, db) = initialised("mockpool").await;
    assert_ok(&run_url(&cfg, &["seed", "-q"]));
    let o = run_url(&cfg, &["seed", "--demands", "300", "--responses-per-demand", "3", "--format", "json"]);
    assert_ok(&o);
    let j = json_out(&o);
    assert_eq!(j["mock_agents"]["inserted"], 100, "{j}");
    assert_eq!(
        j["generated"]["agent_pool"],
        scalar_i64(&db, "SELECT count(*) FROM agent_profiles WHERE is_active AND config ? 'mock_set'").await,
        "{j}"
    );
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM agent_responses r JOIN agent_profiles a ON a.id = r.agent_id WHERE NOT a.config ? 'mock_set'").await,
        0
    );
}

#[tokio::test]
async fn replace_asks_only_when_there_is_something_to_delete() {
    let (cfg, db) = initialised("replace_nothing").await;
    // Nothing generated yet: no question (no terminal, no --yes), the load runs.
    let o = run_url(&cfg, &["seed", "--demands", "5", "--replace"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("nothing to delete"), "{}", stderr(&o));
    assert_eq!(table_counts(&db).await[1], 5);
    // Now there is: refused without a terminal and --yes, and the prompt says how many.
    let o = run_url(&cfg, &["seed", "--demands", "5", "--replace"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("5 demands generated by towow-db"), "{}", stderr(&o));
    assert_eq!(table_counts(&db).await[1], 5);
    // The summary counts in words that agree with the numbers.
    let o = run_url(
        &cfg,
        &[
            "seed",
            "--demands",
            "1",
            "--seed",
            "9",
            "--responses-per-demand",
            "1",
            "--channels-per-demand",
            "1",
        ],
    );
    assert_ok(&o);
    assert!(stderr(&o).contains("1 demand × 1 response and 1 channel,"), "{}", stderr(&o));
}

#[tokio::test]
async fn init_mock_agents_count_alone_loads_that_many() {
    let cfg = fresh_db("init_count").await;
    // It used to be ignored without --mock-agents.
    assert_ok(&run_url(&cfg, &["init", "--mock-agents-count", "7", "-q"]));
    assert_eq!(table_counts(&connect(&cfg).await).await[0], 7);
}

#[tokio::test]
async fn as_of_moves_the_generated_times_and_nothing_else() {
    // The same seed at two dates: the same demands, each created the same time before its date.
    let (a_cfg, a) = initialised("as_of_a").await;
    let (b_cfg, b) = initialised("as_of_b").await;
    for (cfg, as_of) in [(&a_cfg, "2026-06-01"), (&b_cfg, "2020-03-01")] {
        assert_ok(&run_url(cfg, &["seed", "--demands", "200", "--as-of", as_of, "-q"]));
    }
    let before = |as_of: &str| {
        format!(
            "SELECT string_agg(id::text || ' ' || (timestamptz '{as_of} 00:00Z' - created_at)::text, ',' ORDER BY id) \
             FROM demands"
        )
    };
    async fn text(db: &Db, sql: String) -> String {
        db.get().await.unwrap().query_one(&sql, &[]).await.unwrap().get(0)
    }
    let (in_a, in_b) = (text(&a, before("2026-06-01")).await, text(&b, before("2020-03-01")).await);
    assert_eq!(in_a, in_b);
    let window = "SELECT count(*) FROM demands WHERE created_at > timestamptz '2020-03-01 00:00Z' \
                  OR created_at < timestamptz '2020-03-01 00:00Z' - interval '6 months 1 day'";
    assert_eq!(scalar_i64(&b, window).await, 0);
    assert_eq!(scalar_i64(&b, "SELECT count(*) FROM demands").await, 200);
}
