//! A ToWow database as the app leaves it (tests/fixtures: the app's `create_all` schema and the
//! rows of its `init_db.py --sample-data --mock-agents`), and the PostgreSQL client tools to load,
//! dump and compare databases.

use std::path::PathBuf;
use std::process::Command;

use towow_db::connect::{ConnConfig, Db};

use crate::common::*;

pub const CREATE_ALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/towow-app-create-all.sql");
pub const ROWS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/towow-app-rows.sql");

/// The four ToWow tables, parents first.
pub const TABLES: [&str; 4] = ["agent_profiles", "demands", "collaboration_channels", "agent_responses"];

/// A PostgreSQL client program (`psql`, `pg_dump`) of the installed server.
pub fn pg_tool(name: &str) -> PathBuf {
    towow_db::admin::local::find_bindir().expect("PostgreSQL binaries").join(name)
}

/// Run SQL files with psql (stopping at the first error); panics on failure.
pub fn psql_files(cfg: &ConnConfig, files: &[&str]) {
    let mut c = Command::new(pg_tool("psql"));
    c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &cfg.url_with_password()]);
    for f in files {
        c.args(["-f", f]);
    }
    let o = c.output().expect("run psql");
    assert!(o.status.success(), "psql {files:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Run V3's own statements with psql at `client_min_messages = debug1` on a database at V2 and
/// return what PostgreSQL said (stderr); panics when V3 fails.
pub fn v3_by_hand_with_debug(cfg: &ConnConfig) -> String {
    let v3 = towow_db::migrate::shipped().unwrap().into_iter().find(|m| m.version == 3).unwrap();
    let file = temp_dir("v3").join("v3.sql");
    std::fs::write(&file, v3.up).unwrap();
    let o = Command::new(pg_tool("psql"))
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &cfg.url_with_password(), "-f"])
        .arg(&file)
        .env("PGOPTIONS", "-c client_min_messages=debug1")
        .output()
        .expect("run psql");
    let e = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "V3 by hand: {e}");
    e
}

/// A fresh database holding what the app's `create_all` and `init_db.py` leave.
pub async fn app_made_db(tag: &str) -> ConnConfig {
    let cfg = fresh_db(tag).await;
    psql_files(&cfg, &[CREATE_ALL, ROWS]);
    cfg
}

/// `pg_dump --schema-only` of everything but the migration history, without the per-run
/// `\restrict` keys of recent pg_dump releases.
pub fn schema_dump(cfg: &ConnConfig) -> String {
    let o = Command::new(pg_tool("pg_dump"))
        .args(["--schema-only", "--no-owner", "--no-privileges", "-T", "refinery_schema_history"])
        .arg(cfg.url_with_password())
        .output()
        .expect("run pg_dump");
    assert!(o.status.success(), "pg_dump: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("\\restrict") && !l.starts_with("\\unrestrict"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Per table: the row count and an md5 of all its rows in id order.
pub async fn row_digest(db: &Db) -> Vec<(String, i64, String)> {
    let mut out = Vec::new();
    for t in TABLES {
        let r = db
            .get()
            .await
            .unwrap()
            .query_typed_one(
                &format!(
                    "SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t.id)), '') FROM {t} t"
                ),
                &[],
            )
            .await
            .unwrap();
        out.push((t.to_string(), r.get(0), r.get(1)));
    }
    out
}

/// The columns of the ToWow tables: (table, column, type, NOT NULL), in table and column order.
pub async fn columns(db: &Db) -> Vec<(String, String, String, bool)> {
    let rows = db
        .get()
        .await
        .unwrap()
        .query(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
               AND c.relname = ANY($1)
             ORDER BY 1, a.attnum",
            &[&TABLES.to_vec()],
        )
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect()
}
