//! The ToWow schema made by the migrations: the contract with the ToWow app's models (names,
//! types, nullability, keys, the ten named indexes), plus the server-side safety the app does not
//! give other clients (defaults, CHECKs, the updated_at trigger).

use crate::common::*;
use crate::fixtures::*;

/// The columns that V1 left nullable and the app's models declare NOT NULL (SQLAlchemy 2.0:
/// `Mapped[T]` without `Optional`): V3 makes them NOT NULL.
const APP_NOT_NULL: [(&str, &str); 17] = [
    ("agent_profiles", "is_active"),
    ("agent_profiles", "total_collaborations"),
    ("agent_profiles", "created_at"),
    ("agent_profiles", "updated_at"),
    ("demands", "status"),
    ("demands", "created_at"),
    ("demands", "updated_at"),
    ("collaboration_channels", "demand_id"),
    ("collaboration_channels", "status"),
    ("collaboration_channels", "message_count"),
    ("collaboration_channels", "created_at"),
    ("collaboration_channels", "updated_at"),
    ("agent_responses", "demand_id"),
    ("agent_responses", "agent_id"),
    ("agent_responses", "status"),
    ("agent_responses", "created_at"),
    ("agent_responses", "updated_at"),
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
async fn columns_types_and_nullability_are_the_app_models() {
    // The contract is what the app's own models create (its create_all schema), not a copy of it.
    let (_cfg, db) = initialised("cols").await;
    let app = connect(&app_made_db("cols_app").await).await;
    let ours = columns(&db).await;
    assert_eq!(ours.len(), 46, "{ours:#?}");
    assert_eq!(ours, columns(&app).await, "column names, order, types and NOT NULL");
    let c = db.get().await.unwrap();
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

#[tokio::test]
async fn the_apps_not_nulls_hold_after_init() {
    // Before V3: exactly these 17 are nullable where the app says NOT NULL.
    let cfg = fresh_db("v3cols").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "2"]));
    let db = connect(&cfg).await;
    let app = columns(&connect(&app_made_db("v3cols_app").await).await).await;
    let v2 = columns(&db).await;
    let loose: Vec<(&str, &str)> = v2
        .iter()
        .zip(&app)
        .filter(|(ours, theirs)| !ours.3 && theirs.3)
        .map(|(ours, _)| (ours.0.as_str(), ours.1.as_str()))
        .collect();
    let mut want = APP_NOT_NULL.to_vec();
    want.sort();
    let mut got = loose.clone();
    got.sort();
    assert_eq!(got, want);

    // After init (V3): all NOT NULL, and the database refuses what the app would never write.
    let (_cfg, db) = initialised("v3nn").await;
    let now = columns(&db).await;
    for (t, c) in APP_NOT_NULL {
        assert!(now.iter().any(|x| x.0 == t && x.1 == c && x.3), "{t}.{c} is not NOT NULL");
    }
    let c = db.get().await.unwrap();
    c.batch_execute(
        "INSERT INTO agent_profiles (id, name, agent_type) VALUES ('00000000-0000-4000-8000-0000000000a1', 'a', 'writer');
         INSERT INTO demands (id, title, description, user_id) VALUES ('00000000-0000-4000-8000-0000000000d1', 't', 'd', 'u');",
    )
    .await
    .unwrap();
    for sql in [
        "INSERT INTO agent_responses (agent_id, message) VALUES ('00000000-0000-4000-8000-0000000000a1', 'no demand')",
        "INSERT INTO agent_responses (demand_id, message) VALUES ('00000000-0000-4000-8000-0000000000d1', 'no agent')",
        "INSERT INTO collaboration_channels (name) VALUES ('no demand')",
        "UPDATE demands SET status = NULL",
    ] {
        let e = c.batch_execute(sql).await.expect_err(sql);
        assert_eq!(e.code(), Some(&tokio_postgres::error::SqlState::NOT_NULL_VIOLATION), "{sql}: {e}");
    }
}

#[tokio::test]
async fn v3_refuses_null_rows_before_any_change() {
    let cfg = fresh_db("v3null").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "2"]));
    let db = connect(&cfg).await;
    exec(
        &db,
        "INSERT INTO agent_profiles (id, name, agent_type) VALUES ('00000000-0000-4000-8000-0000000000a1', 'a', 'writer');
         INSERT INTO demands (title, description, user_id, status) VALUES ('t', 'd', 'u', NULL);
         INSERT INTO agent_responses (agent_id, message) VALUES
             ('00000000-0000-4000-8000-0000000000a1', 'orphan 1'), ('00000000-0000-4000-8000-0000000000a1', 'orphan 2');",
    )
    .await;
    let before = columns(&db).await;
    let o = run_url(&cfg, &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    for says in [
        "V3__app_not_null refused before any change",
        "demands.status: 1 row(s) are NULL",
        "agent_responses.demand_id: 2 row(s) are NULL",
        "UPDATE demands SET status = DEFAULT WHERE status IS NULL",
        "DELETE FROM agent_responses WHERE demand_id IS NULL",
    ] {
        assert!(e.contains(says), "`{says}` missing from: {e}");
    }
    assert!(!e.contains("agent_profiles."), "only the columns with NULLs are named: {e}");
    // Nothing changed: no NOT NULL, no helper constraint, V3 not recorded.
    assert_eq!(columns(&db).await, before);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_constraint WHERE conname = 'towow_v3_not_null'").await,
        0
    );
    assert_eq!(scalar_i64(&db, "SELECT max(version)::int8 FROM refinery_schema_history").await, 2);

    // Fixed as it says: V3 goes through.
    exec(
        &db,
        "UPDATE demands SET status = DEFAULT WHERE status IS NULL; DELETE FROM agent_responses WHERE demand_id IS NULL",
    )
    .await;
    assert_ok(&run_url(&cfg, &["migrate"]));
    assert_ok(&run_url(&cfg, &["migrate", "verify"]));
}

#[tokio::test]
async fn v3_set_not_null_skips_the_table_scan() {
    // PostgreSQL says, at DEBUG1, when a validated CHECK spares SET NOT NULL its full scan under
    // ACCESS EXCLUSIVE. Run V3's own statements with psql and read what it says.
    let cfg = fresh_db("v3scan").await;
    assert_ok(&run_url(&cfg, &["migrate", "--target", "2"]));
    let e = v3_by_hand_with_debug(&cfg);
    for (t, c) in APP_NOT_NULL {
        let proved = format!(
            "existing constraints on column \"{t}.{c}\" are sufficient to prove that it does not contain nulls"
        );
        assert!(e.contains(&proved), "{t}.{c}: SET NOT NULL scanned the table:\n{e}");
    }
}

#[tokio::test]
async fn seed_files_are_checked_against_the_databases_own_columns() {
    let (cfg, db) = initialised("seedcols").await;
    let dir = temp_dir("seedcols");
    let id = "\"id\": \"7f1c2a5e-0000-4000-8000-000000000001\"";
    let agent = |extra: &str| {
        format!("{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\", \"agent_type\": \"x\"{extra}}}")
    };
    let demand = |extra: &str| {
        format!(
            "{{\"table\": \"demands\", {id}, \"title\": \"t\", \"description\": \"d\", \"user_id\": \"u\"{extra}}}"
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (
            format!("{{\"table\": \"agent_profiles\", {id}, \"name\": \"a\"}}"),
            "f.jsonl:2: agent_profiles.agent_type: missing (required)",
        ),
        (agent(", \"colour\": 1"), "f.jsonl:2: agent_profiles.colour: no such column"),
        (
            demand(", \"status\": \"open\""),
            "f.jsonl:2: demands.status: `open` is not one of draft, published, matching, matched, completed, cancelled",
        ),
        (demand(", \"status\": null"), "f.jsonl:2: demands.status: may not be null"),
        (demand(", \"tags\": {}"), "demands.tags: expected a JSON array"),
        (
            agent(&format!(", \"description\": \"ok\", \"name\": \"{}\"", "n".repeat(256))),
            "agent_profiles.name: 256 characters, longer than the column's 255",
        ),
        (agent(", \"rating\": \"high\""), "agent_profiles.rating: expected a number"),
        (
            format!("{}\n{}", agent(""), agent("")),
            "f.jsonl:3: agent_profiles.id: 7f1c2a5e-0000-4000-8000-000000000001 is already used on line 2",
        ),
        (
            format!(
                "{{\"table\": \"agent_responses\", {id}, \"message\": \"m\", \"demand_id\": \"7f1c2a5e-0000-4000-8000-000000000002\"}}"
            ),
            "agent_responses.agent_id: missing (required)",
        ),
    ];
    let file = dir.join("f.jsonl");
    for (text, want) in &cases {
        // A good row first (line 1): the bad one must leave it unwritten too.
        std::fs::write(&file, format!("{}\n{text}\n", demand("").replace("0001", "0009"))).unwrap();
        let o = run_url(&cfg, &["seed", "--file", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{text}");
        let e = stderr(&o);
        assert!(e.contains(want), "{text}\n=> {e}\nwanted: {want}");
        assert_eq!(scalar_i64(&db, "SELECT count(*) FROM demands").await, 0, "{text}: something was written");
    }

    // The database's catalog is the source: a column added by hand is known, a CHECK changed by
    // hand changes the allowed values.
    exec(
        &db,
        "ALTER TABLE demands ADD COLUMN priority integer;
         ALTER TABLE demands DROP CONSTRAINT ck_demands_status;
         ALTER TABLE demands ADD CONSTRAINT ck_demands_status CHECK (status IN ('draft', 'open'));",
    )
    .await;
    std::fs::write(&file, demand(", \"priority\": 3, \"status\": \"open\"")).unwrap();
    assert_ok(&run_url(&cfg, &["seed", "--file", file.to_str().unwrap()]));
    assert_eq!(scalar_i64(&db, "SELECT priority::int8 FROM demands WHERE status = 'open'").await, 3);
    std::fs::write(&file, demand(", \"status\": \"published\"")).unwrap();
    let o = run_url(&cfg, &["seed", "--file", file.to_str().unwrap()]);
    assert!(stderr(&o).contains("demands.status: `published` is not one of draft, open"), "{}", stderr(&o));
}

#[tokio::test]
async fn generated_rows_copy_exactly_the_columns_of_their_tables() {
    // The COPY row types name every column of their table, in order, with its type: checked
    // against the database's own catalog after init (the schema's one source).
    use towow_db::data::copy::CopyRow;
    use towow_db::data::generators::agents::AgentRow;
    use towow_db::data::generators::demands::{ChannelRow, DemandRow, ResponseRow};
    let (_cfg, db) = initialised("copycols").await;
    let catalog = columns(&db).await;
    fn check<R: CopyRow>(catalog: &[(String, String, String, bool)]) {
        let want: Vec<(&str, &str)> =
            catalog.iter().filter(|c| c.0 == R::TABLE).map(|c| (c.1.as_str(), c.2.as_str())).collect();
        let ours: Vec<(&str, String)> = R::COLUMNS.iter().map(|(c, t)| (*c, t.name().to_string())).collect();
        assert_eq!(ours.len(), want.len(), "{}: {ours:?} vs {want:?}", R::TABLE);
        for ((c, t), (wc, wt)) in ours.iter().zip(&want) {
            assert_eq!(c, wc, "{}", R::TABLE);
            let same = match t.as_str() {
                "varchar" => wt.starts_with("character varying"),
                "float8" => *wt == "double precision",
                "int4" => *wt == "integer",
                "bool" => *wt == "boolean",
                "timestamptz" => *wt == "timestamp with time zone",
                other => other == *wt,
            };
            assert!(same, "{}.{c}: COPY type {t}, column type {wt}", R::TABLE);
        }
    }
    check::<AgentRow>(&catalog);
    check::<DemandRow>(&catalog);
    check::<ResponseRow>(&catalog);
    check::<ChannelRow>(&catalog);
}
