//! `partitions` and `partitions ensure` on AstrBot's `messages` (see `seed_schemas`) and on other
//! shapes: the report's coverage and checks, new partitions that take the rows of their month
//! (not the default's), refusals, time zones; and retention + ensure on every PostgreSQL major.

use std::process::Output;

use serde_json::Value;
use towow_db::connect::{ConnConfig, Db};

use crate::common::*;
use crate::pg_versions::{majors, server};
use crate::seed_schemas::*;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn partitions(cfg: &ConnConfig, args: &[&str]) -> Output {
    let mut all = vec!["partitions"];
    all.extend_from_slice(args);
    run_url(cfg, &all)
}

/// AstrBot's `messages` with the partitions of the two months before this one and of this one
/// (named `messages_YYYY_MM` as in the document), and a default partition when asked.
async fn messages_up_to_this_month(db: &Db, default: bool) {
    exec(db, ASTRBOT_MESSAGES).await;
    exec(
        db,
        "DO $$ DECLARE m date; BEGIN
           FOR i IN 0..2 LOOP
             m := (date_trunc('month', now()) - i * interval '1 month')::date;
             EXECUTE format('CREATE TABLE messages_%s PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
                            to_char(m, 'YYYY_MM'), m, (m + interval '1 month')::date);
           END LOOP; END $$",
    )
    .await;
    if default {
        exec(db, "CREATE TABLE messages_default PARTITION OF messages DEFAULT").await;
    }
}

#[tokio::test]
async fn ensure_creates_the_next_months_where_inserts_then_land() {
    let cfg = fresh_db("part_ensure").await;
    let db = connect(&cfg).await;
    messages_up_to_this_month(&db, true).await;

    let o = partitions(&cfg, &["--check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "no future partition is CRITICAL: {}", stdout(&o));
    let j = json(&o);
    let t = &j["tables"][0];
    assert_eq!(
        (t["schema"].as_str(), t["table"].as_str(), t["strategy"].as_str()),
        (Some("public"), Some("messages"), Some("range"))
    );
    assert_eq!(t["key"], "RANGE (created_at)");
    assert_eq!(t["partitions"].as_array().unwrap().len(), 4);
    assert_eq!(t["default_partition"], "public.messages_default");
    assert_eq!(t["default_rows"], 0);
    let c = &t["coverage"];
    assert_eq!(
        (c["interval"].as_str(), c["future_partitions"].as_i64(), c["uncovered_rows"].as_str()),
        (Some("month"), Some(0), Some("default"))
    );
    let next_month = scalar_text(&db, "SELECT to_char(date_trunc('month', localtimestamp) + interval '1 month', 'YYYY-MM-DD\"T\"HH24:MI:SS')").await;
    assert_eq!(c["next_uncovered"], next_month.as_str(), "{c:#}");
    assert!(c["days_left"].as_f64().unwrap() <= 31.0);

    // The application is writing (ROW EXCLUSIVE on messages, in an open transaction): ATTACH
    // does not wait for it, where CREATE TABLE … PARTITION OF would (ACCESS EXCLUSIVE).
    let app = db.dedicated().await.unwrap();
    app.batch_execute("BEGIN; INSERT INTO messages (tenant_id, created_at) VALUES (md5('app')::uuid, now())")
        .await
        .unwrap();
    let o = run_url(
        &cfg,
        &[
            "--lock-timeout",
            "1s",
            "partitions",
            "ensure",
            "--table",
            "messages",
            "--ahead",
            "3",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    app.batch_execute("COMMIT").await.unwrap();
    let j = json(&o);
    let created: Vec<String> = j["tables"][0]["created"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let expected: Vec<String> = (1..=3).map(|i| format!("messages_{}", chrono_month(i))).collect();
    assert_eq!(created, expected, "{j:#}");
    assert_eq!(j["tables"][0]["name_pattern"], "messages_%Y_%m");
    for (i, name) in expected.iter().enumerate() {
        // A row dated in the middle of each new month lands in its partition, not the default.
        let landed = scalar_text(&db,
            &format!(
                "INSERT INTO messages (tenant_id, created_at) VALUES (md5('x')::uuid, date_trunc('month', now()) + interval '{} month' + interval '14 days') \
                 RETURNING tableoid::regclass::text",
                i + 1
            ),
        )
        .await;
        assert_eq!(&landed, name);
        // With the parent's index, attached to it.
        assert!(
            scalar_bool(
                &db,
                &format!(
                    "SELECT count(*) = 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'idx_messages_tenant_session_time'::regclass AND c.relname LIKE '{name}%'"
                )
            )
            .await,
            "{name} has no index attached to the parent's"
        );
    }
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages_default").await, 0);
    let o = partitions(&cfg, &["--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Again: nothing to do.
    let o = partitions(&cfg, &["ensure", "--table", "public.messages", "--ahead", "3", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["tables"][0]["created"].as_array().unwrap().len(), 0);
    // Two more ahead, dry run: said, not done.
    let o =
        partitions(&cfg, &["ensure", "--table", "messages", "--ahead", "5", "--dry-run", "--format", "json"]);
    assert_eq!(json(&o)["tables"][0]["created"].as_array().unwrap().len(), 2);
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass").await,
        7
    );
}

/// `YYYY_MM` of the month `i` months after this one in UTC (the test server's time zone).
fn chrono_month(i: u32) -> String {
    use chrono::{Datelike, Months};
    let d = chrono::Utc::now().date_naive().with_day(1).unwrap() + Months::new(i);
    d.format("%Y_%m").to_string()
}

#[tokio::test]
async fn ensure_refuses_over_rows_in_the_default_partition() {
    let cfg = fresh_db("part_conflict").await;
    let db = connect(&cfg).await;
    messages_up_to_this_month(&db, true).await;
    // A row of next month sits in the default partition.
    exec(&db, "INSERT INTO messages (tenant_id, created_at) VALUES (md5('early')::uuid, date_trunc('month', now()) + interval '1 month 3 days')").await;
    let o = partitions(&cfg, &["ensure", "--table", "messages", "--ahead", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains("default partition public.messages_default holds rows")
            && e.contains("1 row for messages_"),
        "{e}"
    );
    assert!(e.contains("Nothing was created"), "{e}");
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass").await,
        4
    );
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages_default").await, 1);
    // The report says where that row is.
    let j = json(&partitions(&cfg, &["--format", "json"]));
    assert_eq!(j["tables"][0]["default_rows"], 1);
}

#[tokio::test]
async fn daily_date_partitions_named_like_pg_partman() {
    let cfg = fresh_db("part_daily").await;
    let db = connect(&cfg).await;
    exec(&db, "CREATE TABLE logs (day date NOT NULL, msg text) PARTITION BY RANGE (day)").await;
    exec(
        &db,
        "DO $$ DECLARE d date; BEGIN FOR i IN 0..1 LOOP d := current_date - i;
           EXECUTE format('CREATE TABLE logs_p%s PARTITION OF logs FOR VALUES FROM (%L) TO (%L)', to_char(d, 'YYYYMMDD'), d, d + 1);
         END LOOP; END $$",
    )
    .await;
    let o = partitions(&cfg, &["ensure", "--table", "logs", "--ahead", "2", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    assert_eq!(j["tables"][0]["interval"], "day");
    let names: Vec<&str> =
        j["tables"][0]["created"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let want = scalar_text(&db, "SELECT 'logs_p' || to_char(current_date + 1, 'YYYYMMDD') || ',logs_p' || to_char(current_date + 2, 'YYYYMMDD')").await;
    assert_eq!(names.join(","), want);
    let landed = scalar_text(
        &db,
        "INSERT INTO logs VALUES (current_date + 2, 'x') RETURNING tableoid::regclass::text",
    )
    .await;
    assert_eq!(landed, names[1]);
}

#[tokio::test]
async fn bounds_made_in_another_time_zone() {
    let cfg = fresh_db("part_tz").await;
    let db = connect(&cfg).await;
    exec(&db, ASTRBOT_MESSAGES).await;
    // Created by a client in Shanghai: the bounds are midnights there, 16:00 in UTC.
    exec(
        &db,
        "SET TimeZone = 'Asia/Shanghai'; CREATE TABLE messages_2026_01 PARTITION OF messages FOR VALUES FROM ('2026-01-01') TO ('2026-02-01'); RESET TimeZone",
    )
    .await;
    let o = partitions(&cfg, &["ensure", "--table", "messages", "--ahead", "1", "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--time-zone"), "{}", stderr(&o));
    let o = partitions(
        &cfg,
        &[
            "ensure",
            "--table",
            "messages",
            "--ahead",
            "1",
            "--time-zone",
            "Asia/Shanghai",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let bound = scalar_text(&db,
        "SELECT set_config('TimeZone', 'Asia/Shanghai', false) || pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE relname = 'messages_2026_02'",
    )
    .await;
    assert!(
        bound.ends_with("FOR VALUES FROM ('2026-02-01 00:00:00+08') TO ('2026-03-01 00:00:00+08')"),
        "{bound}"
    );
    let o = partitions(&cfg, &["ensure", "--table", "messages", "--time-zone", "Mars/Olympus"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("Mars/Olympus"), "{}", stderr(&o));
}

#[tokio::test]
async fn the_report_shows_other_strategies_and_gaps_and_ensure_refuses_them() {
    let cfg = fresh_db("part_shapes").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE TABLE tickets (region text, id int) PARTITION BY LIST (region);
         CREATE TABLE tickets_eu PARTITION OF tickets FOR VALUES IN ('eu');
         CREATE TABLE tickets_us PARTITION OF tickets FOR VALUES IN ('us', 'ca');
         CREATE TABLE events (at timestamptz NOT NULL) PARTITION BY RANGE (at);
         CREATE TABLE events_2030_01 PARTITION OF events FOR VALUES FROM ('2030-01-01') TO ('2030-02-01');
         CREATE TABLE events_2030_03 PARTITION OF events FOR VALUES FROM ('2030-03-01') TO ('2030-04-01');
         CREATE TABLE plain (x int);",
    )
    .await;
    let o = partitions(&cfg, &["--check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "now is not covered: CRITICAL");
    let j = json(&o);
    let tables = j["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2, "{j:#}");
    let tickets = tables.iter().find(|t| t["table"] == "tickets").unwrap();
    assert_eq!(tickets["strategy"], "list");
    assert!(tickets["coverage"].is_null());
    let events = tables.iter().find(|t| t["table"] == "events").unwrap();
    let gaps = events["coverage"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(
        (gaps[0]["from"].as_str(), gaps[0]["to"].as_str()),
        (Some("2030-02-01T00:00:00"), Some("2030-03-01T00:00:00"))
    );
    assert_eq!(events["coverage"]["days_left"], 0.0, "now (before 2030) is not covered");
    let checks = j["check"]["checks"].as_array().unwrap();
    let gap_check = checks.iter().find(|c| c["name"] == "partition_gaps").unwrap();
    assert_eq!((gap_check["status"].as_str(), gap_check["value"].as_i64()), (Some("warning"), Some(1)));
    for (table, says) in [
        ("tickets", "partitioned by LIST (region)"),
        ("plain", "is not a partitioned table"),
        ("nope", "not found"),
    ] {
        let o = partitions(&cfg, &["ensure", "--table", table]);
        assert_eq!(o.status.code(), Some(1), "{table}");
        assert!(stderr(&o).contains(says), "{table}: {}", stderr(&o));
    }
    // A name taken by a table that is not a partition.
    exec(&db, "CREATE TABLE events_2030_04 (at timestamptz)").await;
    let o = partitions(&cfg, &["ensure", "--table", "events", "--ahead", "3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("events_2030_04 already exists"), "{}", stderr(&o));
}

/// Retention (drop, ctid batches) and ensure on one server.
async fn maintenance_case(major: u32) {
    let srv = server(major);
    let cfg = fresh_db_on(&srv.base, "maint").await;
    let db = Db::connect(cfg.clone(), Default::default()).await.unwrap();
    let months: Vec<String> = (1..=6).map(|m| format!("2024-{m:02}-01")).collect();
    astrbot_messages(&db, &months.iter().map(String::as_str).collect::<Vec<_>>(), false).await;
    fill_messages(&db, "2024-01-01", "2024-07-01", "3 hours").await;
    let keep = scalar_i64(&db, "SELECT count(*) FROM messages WHERE created_at >= '2024-03-15'").await;
    let o = run_url(
        &cfg,
        &[
            "retention",
            "--table",
            "messages",
            "--column",
            "created_at",
            "--before",
            "2024-03-15",
            "--batch-size",
            "30",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    let j = json(&o);
    let dropped = j["rules"][0]["dropped"].as_array().unwrap();
    let want = if major >= 14 { "detached concurrently, dropped" } else { "dropped" };
    assert!(dropped.len() == 2 && dropped.iter().all(|d| d["done"] == want), "PostgreSQL {major}: {j:#}");
    assert_eq!(j["rules"][0]["deleted"][0]["rows"], 14 * 8, "PostgreSQL {major}: {j:#}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages").await, keep, "PostgreSQL {major}");

    exec(&db, "DROP TABLE messages").await;
    messages_up_to_this_month(&db, true).await;
    let o =
        run_url(&cfg, &["partitions", "ensure", "--table", "messages", "--ahead", "2", "--format", "json"]);
    assert_ok(&o);
    let landed = scalar_text(&db, "INSERT INTO messages (tenant_id, created_at) VALUES (md5('x')::uuid, now() + interval '1 month') RETURNING tableoid::regclass::text").await;
    assert_eq!(landed, format!("messages_{}", chrono_month(1)), "PostgreSQL {major}");
    let o = run_url(&cfg, &["partitions", "--check"]);
    assert_eq!(o.status.code(), Some(0), "PostgreSQL {major}: {}", stdout(&o));
}

#[tokio::test]
async fn retention_and_ensure_on_every_version() {
    for m in majors() {
        maintenance_case(m).await;
    }
}

#[tokio::test]
async fn maintenance_works_through_transaction_pooling() {
    // PgBouncer in transaction mode: every statement an unnamed one, every batch a transaction.
    let cfg = fresh_db("part_bouncer").await;
    let db = connect(&cfg).await;
    messages_up_to_this_month(&db, false).await;
    exec(&db, "CREATE TABLE messages_2020_01 PARTITION OF messages FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')").await;
    fill_messages(&db, "2020-01-01", "2020-02-01", "1 hour").await;
    exec(&db, "INSERT INTO messages (tenant_id, created_at) SELECT md5(g::text)::uuid, now() - g * interval '1 minute' FROM generate_series(1, 500) g").await;
    let b = start_pgbouncer(&cfg, "transaction");
    let o = run_url(
        &b.cfg,
        &[
            "retention",
            "--table",
            "messages",
            "--column",
            "created_at",
            "--older-than",
            "1y",
            "--yes",
            "--format",
            "json",
        ],
    );
    assert_ok(&o);
    assert_eq!(json(&o)["partitions_dropped"], 1, "{}", stdout(&o));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM messages").await, 500);
    let o =
        run_url(&b.cfg, &["partitions", "ensure", "--table", "messages", "--ahead", "2", "--format", "json"]);
    assert_ok(&o);
    assert_eq!(json(&o)["tables"][0]["created"].as_array().unwrap().len(), 2);
    let o = run_url(&b.cfg, &["partitions", "--check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A failed CREATE INDEX CONCURRENTLY, rebuilt through the pooler.
    exec(&db, "CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1)").await;
    assert!(
        db.get().await.unwrap().batch_execute("CREATE UNIQUE INDEX CONCURRENTLY t_x ON t (x)").await.is_err()
    );
    exec(&db, "DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)").await;
    let o = run_url(&b.cfg, &["indexes", "--rebuild", "--table", "t", "--yes", "--format", "json"]);
    assert_ok(&o);
    assert!(scalar_bool(&db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x'::regclass").await);
}
