//! The advisor's reads of the catalog and the statistics: hypopg, the scanned tables (kind,
//! indexes, distinct values, most common values and histograms), the names in use, the writes.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::candidates::{Candidate, TableInfo};
use super::params::{ColumnStats, Stats};
use super::{Hypopg, WriteCost};
use crate::reports::{Param, ServerInfo, query};

const HYPOPG_SQL: &str = "
SELECT (SELECT n.nspname::text FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'hypopg') AS schema,
       (SELECT e.extversion::text FROM pg_extension e WHERE e.extname = 'hypopg') AS version,
       (SELECT a.default_version::text FROM pg_available_extensions a WHERE a.name = 'hypopg') AS available";

pub async fn detect_hypopg(client: &Client, info: &ServerInfo) -> Result<Hypopg> {
    let rows = query(client, "the hypopg extension", HYPOPG_SQL, &[]).await?;
    let r = &rows[0];
    let schema: Option<String> = r.get("schema");
    let available: Option<String> = r.get("available");
    let remedy = match (&schema, &available) {
        (Some(_), _) => None,
        (None, Some(_)) => Some(format!(
            "hypopg is installed on the server but not created in database \"{}\": run CREATE EXTENSION hypopg; in it, then advise again",
            info.database
        )),
        (None, None) => Some(format!(
            "hypopg is not installed on the server: install it (Debian/Ubuntu: apt-get install postgresql-{m}-hypopg; \
             RHEL: dnf install hypopg_{m}), then run CREATE EXTENSION hypopg; in database \"{}\"",
            info.database,
            m = info.major()
        )),
    };
    Ok(Hypopg { created: schema.is_some(), version: r.get("version"), schema, remedy })
}

const TABLES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS tbl, c.relkind::text AS relkind,
       c.relpersistence::text AS persistence, c.relispartition AS is_partition,
       (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent
          JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE i.inhrelid = c.oid LIMIT 1) AS parent,
       greatest(c.reltuples, 0)::float8 AS reltuples,
       coalesce((SELECT json_agg(json_build_object('name', ic.relname, 'columns',
                  (SELECT json_agg(a.attname ORDER BY k.ord)
                     FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                     LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0
                    WHERE k.ord <= x.indnkeyatts)))
                 FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_am am ON am.oid = ic.relam
                WHERE x.indrelid = c.oid AND x.indisvalid AND x.indpred IS NULL AND am.amname = 'btree'),
                '[]'::json) AS indexes
FROM unnest($1::text[], $2::text[]) AS u(schema, tbl)
JOIN pg_namespace n ON n.nspname = u.schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = u.tbl";

/// `most_common_vals` and `histogram_bounds` as text arrays (not for array columns, whose
/// values would not read back as one dimension).
const STATS_SQL: &str = "
SELECT s.schemaname::text AS schema, s.tablename::text AS tbl, s.attname::text AS col,
       s.n_distinct::float8 AS n_distinct,
       CASE WHEN t.typcategory = 'A' THEN NULL ELSE (s.most_common_vals::text)::text[] END AS mcv,
       CASE WHEN t.typcategory = 'A' THEN NULL ELSE (s.histogram_bounds::text)::text[] END AS hist
FROM unnest($1::text[], $2::text[]) AS u(schema, tbl)
JOIN pg_stats s ON s.schemaname = u.schema AND s.tablename = u.tbl AND NOT s.inherited
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname
JOIN pg_type t ON t.oid = a.atttypid";

pub async fn read_tables(
    client: &Client,
    tables: &[(String, String)],
) -> Result<(HashMap<(String, String), TableInfo>, Stats)> {
    let schemas: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    let names: Vec<&str> = tables.iter().map(|t| t.1.as_str()).collect();
    let p: [Param; 2] = [(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)];
    let (rows, stat_rows) = futures_util::try_join!(
        query(client, "the scanned tables", TABLES_SQL, &p),
        query(client, "the column statistics", STATS_SQL, &p)
    )?;
    let mut infos = HashMap::new();
    let mut reltuples = HashMap::new();
    for r in &rows {
        let key: (String, String) = (r.get("schema"), r.get("tbl"));
        let relkind: String = r.get("relkind");
        let parent: Option<String> = r.get("parent");
        let unsupported = match (relkind.as_str(), r.get::<_, String>("persistence").as_str()) {
            (_, "t") => Some("a temporary table".to_string()),
            ("p", _) => {
                Some("a partitioned table (hypopg cannot make its indexes; index its partitions)".into())
            }
            ("r" | "m", _) if r.get::<_, bool>("is_partition") => Some(format!(
                "a partition of {}: index the partitioned table",
                parent.unwrap_or_else(|| "its parent".into())
            )),
            ("r" | "m", _) => None,
            (k, _) => Some(format!("not a table (relkind {k})")),
        };
        let indexes: serde_json::Value = r.get("indexes");
        let indexes = indexes
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|i| {
                        let name = i["name"].as_str().unwrap_or_default().to_string();
                        let cols = i["columns"]
                            .as_array()
                            .map(|c| c.iter().map(|x| x.as_str().map(str::to_string)).collect())
                            .unwrap_or_default();
                        (name, cols)
                    })
                    .collect()
            })
            .unwrap_or_default();
        reltuples.insert(key.clone(), r.get::<_, f64>("reltuples"));
        infos.insert(key, TableInfo { unsupported, indexes, n_distinct: HashMap::new() });
    }
    let mut stats = Stats::new();
    for r in &stat_rows {
        let key: (String, String) = (r.get("schema"), r.get("tbl"));
        let col: String = r.get("col");
        let nd: f64 = r.get("n_distinct");
        let nd = if nd < 0.0 { -nd * reltuples.get(&key).copied().unwrap_or(0.0) } else { nd };
        if let Some(i) = infos.get_mut(&key) {
            i.n_distinct.insert(col.clone(), nd);
        }
        let mcv: Option<Vec<Option<String>>> = r.get("mcv");
        let hist: Option<Vec<Option<String>>> = r.get("hist");
        let flat = |v: Option<Vec<Option<String>>>| v.unwrap_or_default().into_iter().flatten().collect();
        stats.insert((key.0, key.1, col), ColumnStats { mcv: flat(mcv), histogram: flat(hist) });
    }
    Ok((infos, stats))
}

const NAMES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1) AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS b(base) WHERE starts_with(c.relname::text, b.base))";

/// The default names of `cs`, each made unique in its schema (a digit appended, as PostgreSQL
/// does).
pub async fn unique_names(client: &Client, cs: Vec<&Candidate>) -> Result<Vec<String>> {
    let schemas: Vec<String> = cs.iter().map(|c| c.schema.clone()).collect();
    let bases: Vec<String> =
        cs.iter().map(|c| c.default_name().trim_end_matches("_idx").to_string()).collect();
    let rows = if cs.is_empty() {
        Vec::new()
    } else {
        query(
            client,
            "the names in use",
            NAMES_SQL,
            &[(&schemas, Type::TEXT_ARRAY), (&bases, Type::TEXT_ARRAY)],
        )
        .await?
    };
    let mut taken: HashSet<(String, String)> =
        rows.iter().map(|r| (r.get("schema"), r.get("name"))).collect();
    let mut out = Vec::new();
    for c in cs {
        let base = c.default_name();
        let mut name = base.clone();
        let mut n = 0;
        while taken.contains(&(c.schema.clone(), name.clone())) {
            n += 1;
            name = format!("{}{n}", base);
        }
        taken.insert((c.schema.clone(), name.clone()));
        out.push(name);
    }
    Ok(out)
}

const WRITES_SQL: &str = "
SELECT t.schemaname::text AS schema, t.relname::text AS tbl, t.n_tup_ins::int8 AS inserts,
       t.n_tup_upd::int8 AS updates, t.n_tup_hot_upd::int8 AS hot_updates,
       coalesce(d.stats_reset, pg_postmaster_start_time()) AS since, d.stats_reset IS NOT NULL AS since_reset,
       extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time()))::float8 AS seconds,
       (SELECT count(*) FROM pg_index x WHERE x.indrelid = t.relid)::int8 AS indexes
FROM pg_stat_user_tables t
CROSS JOIN pg_stat_database d
JOIN unnest($1::text[], $2::text[]) AS u(schema, tbl) ON u.schema = t.schemaname AND u.tbl = t.relname
WHERE d.datname = current_database()";

pub async fn read_writes(
    client: &Client,
    tables: &[(String, String)],
) -> Result<HashMap<(String, String), WriteCost>> {
    let schemas: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    let names: Vec<&str> = tables.iter().map(|t| t.1.as_str()).collect();
    let rows = query(
        client,
        "the tables' writes",
        WRITES_SQL,
        &[(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
    )
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let inserts: i64 = r.get("inserts");
            let updates: i64 = r.get("updates");
            let seconds: f64 = r.get("seconds");
            let key = (r.get("schema"), r.get("tbl"));
            let w = WriteCost {
                rows_written_per_s: if seconds > 0.0 { (inserts + updates) as f64 / seconds } else { 0.0 },
                inserts,
                updates,
                hot_updates: r.get("hot_updates"),
                since: r.get("since"),
                since_stats_reset: r.get("since_reset"),
                indexes_now: r.get("indexes"),
            };
            (key, w)
        })
        .collect())
}
