//! The ToWow schema made by the migrations: the contract with the ToWow app's models (names,
//! types, nullability, keys, the ten named indexes), plus the server-side safety the app does not
//! give other clients (defaults, CHECKs, the updated_at trigger).

use crate::common::*;

/// Columns as the app's SQLAlchemy models declare them: (table, column, format_type, NOT NULL).
const COLUMNS: &[(&str, &str, &str, bool)] = &[
    ("agent_profiles", "id", "uuid", true),
    ("agent_profiles", "name", "character varying(255)", true),
    ("agent_profiles", "agent_type", "character varying(50)", true),
    ("agent_profiles", "description", "text", false),
    ("agent_profiles", "capabilities", "jsonb", false),
    ("agent_profiles", "pricing_info", "jsonb", false),
    ("agent_profiles", "config", "jsonb", false),
    ("agent_profiles", "is_active", "boolean", false),
    ("agent_profiles", "rating", "double precision", false),
    ("agent_profiles", "total_collaborations", "integer", false),
    ("agent_profiles", "created_at", "timestamp with time zone", false),
    ("agent_profiles", "updated_at", "timestamp with time zone", false),
    ("demands", "id", "uuid", true),
    ("demands", "title", "character varying(500)", true),
    ("demands", "description", "text", true),
    ("demands", "user_id", "character varying(255)", true),
    ("demands", "requirements", "jsonb", false),
    ("demands", "budget", "jsonb", false),
    ("demands", "deadline", "timestamp with time zone", false),
    ("demands", "status", "character varying(50)", false),
    ("demands", "tags", "jsonb", false),
    ("demands", "extra_metadata", "jsonb", false),
    ("demands", "created_at", "timestamp with time zone", false),
    ("demands", "updated_at", "timestamp with time zone", false),
    ("collaboration_channels", "id", "uuid", true),
    ("collaboration_channels", "name", "character varying(255)", true),
    ("collaboration_channels", "description", "text", false),
    ("collaboration_channels", "demand_id", "uuid", false),
    ("collaboration_channels", "participants", "jsonb", true),
    ("collaboration_channels", "status", "character varying(50)", false),
    ("collaboration_channels", "context", "jsonb", false),
    ("collaboration_channels", "message_count", "integer", false),
    ("collaboration_channels", "last_message_at", "timestamp with time zone", false),
    ("collaboration_channels", "settings", "jsonb", false),
    ("collaboration_channels", "created_at", "timestamp with time zone", false),
    ("collaboration_channels", "updated_at", "timestamp with time zone", false),
    ("agent_responses", "id", "uuid", true),
    ("agent_responses", "demand_id", "uuid", false),
    ("agent_responses", "agent_id", "uuid", false),
    ("agent_responses", "message", "text", true),
    ("agent_responses", "proposal", "jsonb", false),
    ("agent_responses", "status", "character varying(50)", false),
    ("agent_responses", "relevance_score", "double precision", false),
    ("agent_responses", "extra_metadata", "jsonb", false),
    ("agent_responses", "created_at", "timestamp with time zone", false),
    ("agent_responses", "updated_at", "timestamp with time zone", false),
];

/// Section 1.4 of the ToWow document: (index, table, definition fragment).
const INDEXES: &[(&str, &str, &str)] = &[
    ("ix_agent_profiles_agent_type", "agent_profiles", "btree (agent_type)"),
    ("ix_agent_profiles_is_active", "agent_profiles", "btree (is_active)"),
    ("ix_demands_user_id", "demands", "btree (user_id)"),
    ("ix_demands_status", "demands", "btree (status)"),
    ("ix_demands_created_at", "demands", "btree (created_at)"),
    ("ix_collaboration_channels_demand_id", "collaboration_channels", "btree (demand_id)"),
    ("ix_collaboration_channels_status", "collaboration_channels", "btree (status)"),
    ("ix_agent_responses_demand_id", "agent_responses", "btree (demand_id)"),
    ("ix_agent_responses_agent_id", "agent_responses", "btree (agent_id)"),
    ("ix_agent_responses_status", "agent_responses", "btree (status)"),
    ("ix_agent_profiles_capabilities_gin", "agent_profiles", "gin (capabilities)"),
    ("ix_demands_status_created", "demands", "btree (status, created_at DESC)"),
];

async fn initialised(tag: &str) -> (towow_db::connect::ConnConfig, towow_db::connect::Db) {
    let cfg = fresh_db(tag).await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    (cfg, db)
}

#[tokio::test]
async fn columns_types_and_nullability_match_the_app_models() {
    let (_cfg, db) = initialised("cols").await;
    let c = db.get().await.unwrap();
    let rows = c
        .query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
               AND c.relname IN ('agent_profiles', 'demands', 'collaboration_channels', 'agent_responses')
             ORDER BY 1, a.attnum",
            &[],
        )
        .await
        .unwrap();
    let actual: Vec<(String, String, String, bool)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    assert_eq!(actual.len(), COLUMNS.len(), "column count: {actual:#?}");
    for (t, col, ty, nn) in COLUMNS {
        let a = actual
            .iter()
            .find(|a| a.0 == *t && a.1 == *col)
            .unwrap_or_else(|| panic!("missing column {t}.{col}"));
        assert_eq!(a.2, *ty, "type of {t}.{col}");
        assert_eq!(a.3, *nn, "NOT NULL of {t}.{col}");
    }
    // Every table has `id` as its primary key.
    let pks = c
        .query(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE contype = 'p' AND connamespace = 'public'::regnamespace
               AND conrelid::regclass::text <> 'refinery_schema_history' ORDER BY 1",
            &[],
        )
        .await
        .unwrap();
    let pks: Vec<(String, String)> = pks.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(pks.len(), 4, "{pks:?}");
    assert!(pks.iter().all(|(_, d)| d == "PRIMARY KEY (id)"), "{pks:?}");
}

#[tokio::test]
async fn foreign_keys_cascade() {
    let (_cfg, db) = initialised("fks").await;
    let c = db.get().await.unwrap();
    let rows = c
        .query(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
             WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2",
            &[],
        )
        .await
        .unwrap();
    let fks: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        fks,
        vec![
            (
                "agent_responses".to_string(),
                "FOREIGN KEY (agent_id) REFERENCES agent_profiles(id) ON DELETE CASCADE".to_string()
            ),
            (
                "agent_responses".to_string(),
                "FOREIGN KEY (demand_id) REFERENCES demands(id) ON DELETE CASCADE".to_string()
            ),
            (
                "collaboration_channels".to_string(),
                "FOREIGN KEY (demand_id) REFERENCES demands(id) ON DELETE CASCADE".to_string()
            ),
        ]
    );
    // And they really cascade.
    c.batch_execute(
        "INSERT INTO demands (id, title, description, user_id) VALUES ('00000000-0000-4000-8000-000000000001', 't', 'd', 'u');
         INSERT INTO agent_profiles (id, name, agent_type) VALUES ('00000000-0000-4000-8000-000000000002', 'a', 'writer');
         INSERT INTO agent_responses (demand_id, agent_id, message) VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'm');
         INSERT INTO collaboration_channels (demand_id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'c');
         DELETE FROM demands;",
    )
    .await
    .unwrap();
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_responses").await, 0);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM collaboration_channels").await, 0);
}

#[tokio::test]
async fn the_ten_named_indexes_and_the_two_recommended_ones() {
    let (_cfg, db) = initialised("idx").await;
    let c = db.get().await.unwrap();
    for (name, table, def) in INDEXES {
        let row = c
            .query_opt(
                "SELECT tablename::text, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = $1",
                &[name],
            )
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("index {name} is missing"));
        assert_eq!(row.get::<_, String>(0), *table, "{name}");
        let indexdef: String = row.get(1);
        assert!(indexdef.ends_with(def), "{name}: {indexdef} should end with {def}");
        let valid: bool = c
            .query_one("SELECT indisvalid FROM pg_index WHERE indexrelid = $1::text::regclass", &[name])
            .await
            .unwrap()
            .get(0);
        assert!(valid, "{name} is not valid");
    }
}

#[tokio::test]
async fn server_side_defaults_make_bare_inserts_safe() {
    let (_cfg, db) = initialised("defaults").await;
    let c = db.get().await.unwrap();
    let r = c
        .query_one(
            "INSERT INTO agent_profiles (name, agent_type) VALUES ('a', 'writer')
             RETURNING id::text, capabilities::text, pricing_info::text, config::text, is_active,
                       total_collaborations, created_at IS NOT NULL AND updated_at IS NOT NULL",
            &[],
        )
        .await
        .unwrap();
    let id: String = r.get(0);
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "gen_random_uuid gives v4 ids: {id}");
    assert_eq!(
        (r.get::<_, String>(1), r.get::<_, String>(2), r.get::<_, String>(3)),
        ("{}".into(), "{}".into(), "{}".into())
    );
    assert!(r.get::<_, bool>(4));
    assert_eq!(r.get::<_, i32>(5), 0);
    assert!(r.get::<_, bool>(6));

    let r = c
        .query_one(
            "INSERT INTO demands (title, description, user_id) VALUES ('t', 'd', 'u')
             RETURNING id::text, status, tags::text, requirements::text, budget::text, extra_metadata::text",
            &[],
        )
        .await
        .unwrap();
    let demand: String = r.get(0);
    assert_eq!(r.get::<_, String>(1), "draft");
    assert_eq!(r.get::<_, String>(2), "[]");
    assert_eq!(
        (r.get::<_, String>(3), r.get::<_, String>(4), r.get::<_, String>(5)),
        ("{}".into(), "{}".into(), "{}".into())
    );

    let r = c
        .query_one(
            "INSERT INTO collaboration_channels (name, demand_id) VALUES ('c', $1::text::uuid)
             RETURNING status, participants::text, context::text, settings::text, message_count",
            &[&demand],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, String>(0), "active");
    assert_eq!(r.get::<_, String>(1), "{}");
    assert_eq!(r.get::<_, i32>(4), 0);

    let r = c
        .query_one(
            "INSERT INTO agent_responses (demand_id, agent_id, message) VALUES ($1::text::uuid, $2::text::uuid, 'm')
             RETURNING status, proposal::text, extra_metadata::text",
            &[&demand, &id],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, String>(0), "pending");
    assert_eq!(r.get::<_, String>(1), "{}");
}

#[tokio::test]
async fn checks_allow_exactly_the_app_status_values() {
    let (_cfg, db) = initialised("checks").await;
    let c = db.get().await.unwrap();
    c.batch_execute(
        "INSERT INTO demands (id, title, description, user_id) VALUES ('00000000-0000-4000-8000-0000000000d1', 't', 'd', 'u');
         INSERT INTO agent_profiles (id, name, agent_type) VALUES ('00000000-0000-4000-8000-0000000000a1', 'a', 'writer');",
    )
    .await
    .unwrap();
    let cases: &[(&str, &[&str])] = &[
        (
            "UPDATE demands SET status = $1",
            &["draft", "published", "matching", "matched", "completed", "cancelled"],
        ),
        ("UPDATE collaboration_channels SET status = $1", &["active", "paused", "completed", "closed"]),
        ("UPDATE agent_responses SET status = $1", &["pending", "accepted", "rejected", "withdrawn"]),
    ];
    c.batch_execute(
        "INSERT INTO collaboration_channels (name, demand_id) VALUES ('c', '00000000-0000-4000-8000-0000000000d1');
         INSERT INTO agent_responses (demand_id, agent_id, message) VALUES ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000a1', 'm');",
    )
    .await
    .unwrap();
    for (sql, good) in cases {
        for v in *good {
            c.execute(*sql, &[v]).await.unwrap_or_else(|e| panic!("{sql} with {v}: {e}"));
        }
        for bad in ["DRAFT", "open", "", "deleted"] {
            let e = c.execute(*sql, &[&bad]).await.expect_err(&format!("{sql} accepted {bad:?}"));
            assert_eq!(e.code(), Some(&tokio_postgres::error::SqlState::CHECK_VIOLATION), "{e}");
        }
    }
}

#[tokio::test]
async fn updated_at_is_kept_current_by_the_database() {
    let (_cfg, db) = initialised("trigger").await;
    let c = db.get().await.unwrap();
    c.batch_execute(
        "INSERT INTO agent_profiles (id, name, agent_type, created_at, updated_at)
         VALUES ('00000000-0000-4000-8000-0000000000a1', 'a', 'writer', '2020-01-01Z', '2020-01-01Z')",
    )
    .await
    .unwrap();
    // A plain UPDATE (psql, another service) moves updated_at to now().
    c.batch_execute("UPDATE agent_profiles SET rating = 4.5").await.unwrap();
    let fresh: bool = c
        .query_one("SELECT updated_at > now() - interval '1 minute' FROM agent_profiles", &[])
        .await
        .unwrap()
        .get(0);
    assert!(fresh, "updated_at was not refreshed by the trigger");
    // An UPDATE that sets updated_at itself (the ORM's onupdate, an import) keeps its value.
    c.batch_execute("UPDATE agent_profiles SET rating = 3.0, updated_at = '2021-06-01Z'").await.unwrap();
    let kept: bool = c
        .query_one("SELECT updated_at = '2021-06-01Z'::timestamptz FROM agent_profiles", &[])
        .await
        .unwrap()
        .get(0);
    assert!(kept, "an explicit updated_at was overwritten");
    // All four tables have the trigger.
    let n = scalar_i64(
        &db,
        "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'trg_%_updated_at'",
    )
    .await;
    assert_eq!(n, 4);
}
