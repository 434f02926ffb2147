//! `retention` on a table that others reference with `ON DELETE CASCADE` (ToWow's `demands`:
//! `agent_responses` and `collaboration_channels`): the dry run and the confirmation count what
//! the cascades delete in each child, the run reports it and vacuums the children too, batches
//! stay under `--batch-size` rows children included, and `--no-cascade` refuses such a rule.

use std::process::Output;

use serde_json::Value;
use towow_db::connect::Db;

use crate::common::*;

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

/// The truth, counted by hand: old demands, and the responses and channels of old demands.
async fn truth(db: &Db, cutoff: &str) -> (i64, i64, i64) {
    let q = |t: &str| {
        format!(
            "SELECT count(*) FROM {t} c WHERE EXISTS (SELECT 1 FROM demands d WHERE d.id = c.demand_id AND d.created_at < '{cutoff}')"
        )
    };
    (
        scalar_i64(db, &format!("SELECT count(*) FROM demands WHERE created_at < '{cutoff}'")).await,
        scalar_i64(db, &q("agent_responses")).await,
        scalar_i64(db, &q("collaboration_channels")).await,
    )
}

/// `retention` with the flags of a rule and `more`.
fn rule(cfg: &towow_db::connect::ConnConfig, rule: &[&str], more: &[&str]) -> Output {
    let mut a = vec!["retention"];
    a.extend_from_slice(rule);
    a.extend_from_slice(more);
    run_url(cfg, &a)
}

fn cascade<'a>(v: &'a Value, table: &str) -> &'a Value {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .find(|c| {
            c["table"] == table
                || format!("{}.{}", c["schema"].as_str().unwrap_or("-"), c["table"].as_str().unwrap())
                    == table
        })
        .unwrap_or_else(|| panic!("no {table} in {v:#}"))
}

#[tokio::test]
async fn demands_retention_counts_deletes_and_vacuums_the_cascaded_children() {
    let cfg = fresh_db("ret_cascade").await;
    assert_ok(&run_url(&cfg, &["init", "--mock-agents", "-q"]));
    assert_ok(&run_url(&cfg, &["seed", "--demands", "3000", "--responses-per-demand", "3", "-q"]));
    let db = connect(&cfg).await;
    let cutoff = scalar_text(
        &db,
        "SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY created_at))::text FROM demands",
    )
    .await;
    let (demands, responses, channels) = truth(&db, &cutoff).await;
    assert!(demands > 1000 && responses >= 2 * demands && channels > 0, "{demands} {responses} {channels}");
    let (all_responses, all_channels) = (
        scalar_i64(&db, "SELECT count(*) FROM agent_responses").await,
        scalar_i64(&db, "SELECT count(*) FROM collaboration_channels").await,
    );
    let with = |more: &[&str]| {
        rule(&cfg, &["--table", "demands", "--column", "created_at", "--before", &cutoff], more)
    };

    // The dry run: the children's exact counts.
    let o = with(&["--dry-run", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let r = &j["rules"][0];
    assert_eq!(r["rows"], demands, "{j:#}");
    assert_eq!(cascade(&r["cascades"], "public.agent_responses")["rows"], responses, "{j:#}");
    assert_eq!(cascade(&r["cascades"], "public.collaboration_channels")["rows"], channels, "{j:#}");
    let o = with(&["--dry-run"]);
    assert_ok(&o);
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(text.contains("agent_responses") && text.contains(&responses.to_string()), "{text}");

    // The confirmation says it too (refused here: no terminal, no --yes).
    let o = with(&[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("{responses} rows of public.agent_responses"))
            && e.contains(&format!("{channels} rows of public.collaboration_channels")),
        "{e}"
    );
    // --no-cascade refuses a rule that would cascade, naming the children; nothing changes.
    for more in [&["--no-cascade", "--yes"][..], &["--no-cascade", "--dry-run"][..]] {
        let o = with(more);
        assert_eq!(o.status.code(), Some(1), "{more:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("--no-cascade") && stderr(&o).contains("public.agent_responses"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(truth(&db, &cutoff).await, (demands, responses, channels));

    // The run: exact counts per child, batches of at most 1,000 rows children included, every
    // table vacuumed.
    let o = with(&["--batch-size", "1000", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let r = &j["rules"][0];
    assert_eq!(r["rows"], demands, "{j:#}");
    assert_eq!(cascade(&r["cascaded"], "public.agent_responses")["rows"], responses, "{j:#}");
    assert_eq!(cascade(&r["cascaded"], "public.collaboration_channels")["rows"], channels, "{j:#}");
    let d = &r["deleted"][0];
    assert!(d["max_batch_rows"].as_u64().unwrap() <= 1000, "{j:#}");
    // 3000 demands and 12000 children: several batches, none over the bound.
    assert!(d["batches"].as_u64().unwrap() as i64 >= (demands + responses + channels) / 1000, "{j:#}");
    assert_eq!(truth(&db, &cutoff).await, (0, 0, 0));
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM agent_responses").await, all_responses - responses);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM collaboration_channels").await, all_channels - channels);
    let vacuumed: Vec<&str> =
        r["vacuumed"].as_array().unwrap().iter().map(|v| v["command"].as_str().unwrap()).collect();
    for t in ["demands", "agent_responses", "collaboration_channels"] {
        assert!(vacuumed.iter().any(|c| c.ends_with(&format!("\"{t}\""))), "{t}: {vacuumed:?}");
    }
    // No dead tuples left in the children, as pgstattuple reads the pages.
    exec(&db, "CREATE EXTENSION IF NOT EXISTS pgstattuple").await;
    for t in ["agent_responses", "collaboration_channels", "demands"] {
        assert_eq!(
            scalar_i64(&db, &format!("SELECT dead_tuple_count FROM pgstattuple('{t}')")).await,
            0,
            "{t}"
        );
    }
}

/// The cut-off of the order schema's rule: orders 1 to 499 are older.
const ORDERS_CUTOFF: &str = "2024-07-21 20:00:00+00";

/// Counts by hand on the order schema below: old orders, and the rows of each child they reach.
async fn order_truth(db: &Db) -> Vec<i64> {
    let old = format!("SELECT id FROM orders WHERE created_at < '{ORDERS_CUTOFF}'");
    let items = format!("SELECT id FROM items WHERE order_id IN ({old})");
    let mut out = Vec::new();
    for q in [
        format!("SELECT count(*) FROM ({old}) o"),
        format!("SELECT count(*) FROM ({items}) i"),
        format!("SELECT count(*) FROM item_notes WHERE item_id IN ({items})"),
        format!("SELECT count(*) FROM audit WHERE order_id IN ({old}) OR item_id IN ({items})"),
        format!("SELECT count(*) FROM invoices WHERE order_id IN ({old})"),
    ] {
        out.push(scalar_i64(db, &q).await);
    }
    out
}

#[tokio::test]
async fn cascades_are_followed_down_and_across_and_set_null_is_counted_as_an_update() {
    // orders ← items (CASCADE) ← item_notes (CASCADE); audit references both orders and items
    // (CASCADE, a row reached by either path counted once); invoices SET NULL; orders also
    // reference themselves (a cycle: not countable ahead, so --no-cascade refuses it).
    let cfg = fresh_db("ret_cascade_tree").await;
    let db = connect(&cfg).await;
    exec(
        &db,
        "CREATE TABLE orders (id bigint PRIMARY KEY, created_at timestamptz NOT NULL,
                              parent_id bigint REFERENCES orders ON DELETE CASCADE);
         CREATE INDEX ON orders (created_at);
         CREATE TABLE items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE);
         CREATE TABLE item_notes (id bigserial PRIMARY KEY, item_id bigint REFERENCES items ON DELETE CASCADE, note text);
         CREATE TABLE audit (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE CASCADE,
                             item_id bigint REFERENCES items ON DELETE CASCADE);
         CREATE TABLE invoices (id bigserial PRIMARY KEY, order_id bigint REFERENCES orders ON DELETE SET NULL);
         INSERT INTO orders SELECT g, timestamptz '2024-07-01' + g * interval '1 hour', NULL FROM generate_series(1, 1000) g;
         INSERT INTO items SELECT o * 10 + k, o FROM generate_series(1, 1000) o, generate_series(1, 2) k;
         INSERT INTO item_notes (item_id, note) SELECT i.id, 'n' || k FROM items i, generate_series(1, 3) k;
         INSERT INTO audit (order_id, item_id) SELECT id, NULL FROM orders UNION ALL SELECT NULL, id FROM items;
         INSERT INTO invoices (order_id) SELECT id FROM orders;
         ANALYZE;",
    )
    .await;
    let truth = order_truth(&db).await;
    let (orders, items, notes, audit, invoices) = (truth[0], truth[1], truth[2], truth[3], truth[4]);
    assert!(
        orders == 499 && items == 2 * orders && notes == 3 * items && audit == orders + items,
        "{truth:?}"
    );
    let with = |more: &[&str]| {
        rule(&cfg, &["--table", "orders", "--column", "created_at", "--before", ORDERS_CUTOFF], more)
    };
    let o = with(&["--dry-run", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let c = &j["rules"][0]["cascades"];
    assert_eq!(cascade(c, "public.items")["rows"], items, "{j:#}");
    assert_eq!(cascade(c, "public.item_notes")["rows"], notes, "{j:#}");
    assert_eq!(cascade(c, "public.audit")["rows"], audit, "{j:#}");
    assert_eq!(cascade(c, "public.invoices")["rows"], invoices, "{j:#}");
    assert_eq!(cascade(c, "public.invoices")["action"], "set_null", "{j:#}");
    assert!(j["rules"][0]["notes"].to_string().contains("in a cycle"), "{j:#}");
    let o = with(&["--no-cascade", "--yes"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("public.item_notes") && stderr(&o).contains("in a cycle"), "{}", stderr(&o));

    // Batches of at most 200 rows in all (13 per order: 2 items, 6 notes, 3 audit rows, the
    // invoice updated, the order).
    let o = with(&["--batch-size", "200", "--yes", "--format", "json"]);
    assert_ok(&o);
    let j = json(&o);
    let r = &j["rules"][0];
    assert_eq!(r["rows"], orders, "{j:#}");
    for (t, n) in [("items", items), ("item_notes", notes), ("audit", audit), ("invoices", invoices)] {
        assert_eq!(cascade(&r["cascaded"], &format!("public.{t}"))["rows"], n, "{t}: {j:#}");
    }
    assert!(r["max_batch_rows"].as_u64().unwrap() <= 200, "{j:#}");
    assert!(r["batches"].as_u64().unwrap() as i64 >= orders * 13 / 200, "{j:#}");
    assert_eq!(order_truth(&db).await, [0, 0, 0, 0, 0]);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM invoices WHERE order_id IS NULL").await, invoices);
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM items").await, 2000 - items);
}
