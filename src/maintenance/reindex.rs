//! `indexes --rebuild`: rebuild the invalid indexes and the btree indexes whose estimated bloat
//! is above a threshold (or the one index `--index` names), one at a time, with `REINDEX INDEX
//! CONCURRENTLY` (12+: the application keeps reading and writing), showing the phase from
//! `pg_stat_progress_create_index`. An index of a partitioned table has no storage: its
//! partitions' indexes are rebuilt, one by one (`--table` reaches a partitioned table's
//! partitions, `--index` a partitioned index's). The sizes before are the files' as the rebuild
//! starts, not `relpages` (which lags a bulk load until the next VACUUM or ANALYZE).
//!
//! A concurrent rebuild that fails (a unique index with duplicates, a cancel, a lock timeout)
//! leaves its new copy behind as an invalid index named `<index>_ccnew` (or, failing at the very
//! end, the old one as `<index>_ccold`): maintained on every write, used by no query. Such
//! leftovers (invalid, with those names) are dropped with `DROP INDEX CONCURRENTLY` first, and
//! after each failed rebuild, and said so. An invalid index whose table has an index build in
//! progress right now is left alone: it may be that build's.

use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::connect::Db;
use crate::error::PgContext;
use crate::output::cells::bytes;
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::indexes::{IndexOptions, IndexRow, report};
use crate::reports::{Filter, query};
use crate::sql::qualified;

#[derive(Debug, Clone)]
pub struct RebuildOptions {
    pub filter: Filter,
    /// Rebuild this index only (`name` or `schema.name`, as `REINDEX INDEX` takes it), whatever
    /// its bloat; an index of a partitioned table: each of its partitions' indexes.
    pub index: Option<String>,
    /// Rebuild valid btree indexes whose estimated bloat is at least this, in %.
    pub bloat_pct: f64,
    /// …and at least this large.
    pub min_bytes: i64,
    /// On a terminal, not under `--quiet`: a progress bar.
    pub progress: bool,
}

/// Why an index is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Invalid,
    Bloat,
    /// Named by `--index`.
    Requested,
}

impl Reason {
    fn describe(self, bloat_pct: Option<f64>) -> String {
        match self {
            Reason::Invalid => "invalid".into(),
            Reason::Bloat => format!("~{:.0}% bloat", bloat_pct.unwrap_or_default()),
            Reason::Requested => "named by --index".into(),
        }
    }
}

/// An index to rebuild, or one rebuilt.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuild {
    pub schema: String,
    pub table: String,
    pub index: String,
    pub reason: Reason,
    /// The estimated bloat, for `bloat`.
    pub bloat_pct: Option<f64>,
    /// Its file's size as the plan was made (dry run) or as its rebuild started.
    pub bytes_before: i64,
    /// After the rebuild (null when not done).
    pub bytes_after: Option<i64>,
    pub valid_after: Option<bool>,
    pub millis: Option<u64>,
    pub error: Option<String>,
}

/// A leftover of a failed concurrent rebuild.
#[derive(Debug, Clone, Serialize)]
pub struct Leftover {
    pub schema: String,
    pub table: String,
    pub index: String,
    pub bytes: i64,
    pub dropped: bool,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RebuildReport {
    pub dry_run: bool,
    pub bloat_threshold_pct: f64,
    pub leftovers: Vec<Leftover>,
    pub indexes: Vec<Rebuild>,
    /// Indexes that need it and are not rebuilt, and why.
    pub skipped: Vec<String>,
}

impl RebuildReport {
    /// Whether every rebuild and every drop went through.
    pub fn ok(&self) -> bool {
        self.indexes.iter().all(|r| r.error.is_none()) && self.leftovers.iter().all(|l| l.error.is_none())
    }
}

/// Whether `name` is a leftover of REINDEX CONCURRENTLY (`…_ccnew`, `…_ccnew1`, `…_ccold`, …).
pub fn is_leftover_name(name: &str) -> bool {
    ["_ccnew", "_ccold"].iter().any(|tag| {
        name.rfind(tag).is_some_and(|at| at > 0 && name[at + tag.len()..].chars().all(|c| c.is_ascii_digit()))
    })
}

/// Tables with an index being built right now, and the indexes of exclusion constraints (which
/// REINDEX CONCURRENTLY cannot rebuild).
const BUSY_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS relation, 'being built by pid ' || p.pid AS why
FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid JOIN pg_namespace n ON n.oid = c.relnamespace
UNION ALL
SELECT n.nspname::text, ic.relname::text, 'backs an exclusion constraint'
FROM pg_constraint k JOIN pg_class ic ON ic.oid = k.conindid JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE k.contype = 'x'";

/// The indexes `--index` names: the index, or a partitioned index's leaf partitions' indexes
/// (`pg_partition_tree` of a plain index is the index itself). The name is resolved as
/// `REINDEX INDEX` would (`to_regclass`: the search path, quoting).
const NAMED_SQL: &str = "
SELECT n.nspname::text AS schema, t.relname::text AS table, c.relname::text AS index
FROM pg_partition_tree(to_regclass($1)) p
JOIN pg_class c ON c.oid = p.relid AND c.relkind = 'i'
JOIN pg_index i ON i.indexrelid = c.oid
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE p.isleaf AND (SELECT relkind FROM pg_class WHERE oid = to_regclass($1)) IN ('i', 'I')
ORDER BY 1, 3";

/// The size of the files of the named indexes now (`schemas[i].indexes[i]`).
const FILE_SIZES_SQL: &str = "
SELECT n.nspname::text AS schema, c.relname::text AS index, coalesce(pg_relation_size(c.oid), 0)::int8 AS bytes
FROM unnest($1::text[], $2::text[]) AS x(schema, index)
JOIN pg_namespace n ON n.nspname = x.schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = x.index AND c.relkind = 'i'";

/// What needs doing: the leftovers to drop, the indexes to rebuild, and those skipped. Reads only.
pub async fn plan(db: &Db, opts: &RebuildOptions) -> Result<RebuildReport> {
    let client = db.get().await?;
    // --index: the indexes it names, and the tables they are on (for the report to read).
    let (named, filter) = match &opts.index {
        None => (None, opts.filter.clone()),
        Some(name) => {
            let rows = query(&client, "the index to rebuild", NAMED_SQL, &[(name, Type::TEXT)]).await?;
            if rows.is_empty() {
                anyhow::bail!(
                    "--index {name}: no such index in database \"{}\" (a name as REINDEX INDEX takes it: index or schema.index, on the search path)",
                    db.cfg.dbname_or_default()
                );
            }
            let named: Vec<(String, String)> =
                rows.iter().map(|r| (r.get("schema"), r.get("index"))).collect();
            let mut filter = Filter::default();
            for r in &rows {
                let (schema, table): (String, String) = (r.get("schema"), r.get("table"));
                if !filter.schemas.contains(&schema) {
                    filter.schemas.push(schema);
                }
                if !filter.tables.contains(&table) {
                    filter.tables.push(table);
                }
            }
            (Some(named), filter)
        }
    };
    let is_named = |schema: &str, index: &str| {
        named.as_ref().is_some_and(|n| n.iter().any(|(s, i)| s == schema && i == index))
    };
    let r = report(db, &IndexOptions { filter, bloat: true, ..IndexOptions::default() }).await?;
    let busy = query(&client, "indexes being built", BUSY_SQL, &[]).await?;
    let busy: Vec<(String, String, String)> =
        busy.iter().map(|b| (b.get("schema"), b.get("relation"), b.get("why"))).collect();
    let why_busy = |i: &IndexRow| {
        busy.iter()
            .find(|(s, t, why)| {
                *s == i.schema && ((why.starts_with("being") && *t == i.table) || *t == i.index)
            })
            .map(|b| b.2.clone())
    };
    let mut out = RebuildReport {
        dry_run: true,
        bloat_threshold_pct: opts.bloat_pct,
        leftovers: Vec::new(),
        indexes: Vec::new(),
        skipped: Vec::new(),
    };
    for i in &r.indexes {
        let name = format!("{}.{}", i.schema, i.index);
        let leftover = !i.valid && is_leftover_name(&i.index);
        let requested = is_named(&i.schema, &i.index);
        if named.is_some() {
            // --index: that index, and the leftovers of its earlier rebuilds.
            let of_named = leftover
                && named.as_ref().is_some_and(|n| {
                    n.iter().any(|(s, x)| *s == i.schema && i.index.starts_with(&format!("{x}_cc")))
                });
            if !(requested || of_named) {
                continue;
            }
        }
        let bloated = i.valid
            && i.method == "btree"
            && i.bytes >= opts.min_bytes
            && i.bloat.is_some_and(|b| b.pct >= opts.bloat_pct);
        if !(leftover || bloated || !i.valid || requested) {
            continue;
        }
        if let Some(why) = why_busy(i) {
            out.skipped.push(format!("{name}: {why}"));
        } else if leftover {
            out.leftovers.push(Leftover {
                schema: i.schema.clone(),
                table: i.table.clone(),
                index: i.index.clone(),
                bytes: i.bytes,
                dropped: false,
                error: None,
            });
        } else if i.partitioned {
            out.skipped
                .push(format!("{name}: an index of a partitioned table, with no storage (its partitions' indexes are rebuilt one by one: --table on the table, or --index on the index)"));
        } else {
            out.indexes.push(Rebuild {
                schema: i.schema.clone(),
                table: i.table.clone(),
                index: i.index.clone(),
                reason: if !i.valid {
                    Reason::Invalid
                } else if bloated {
                    Reason::Bloat
                } else {
                    Reason::Requested
                },
                bloat_pct: i.bloat.map(|b| b.pct),
                bytes_before: i.bytes,
                bytes_after: None,
                valid_after: None,
                millis: None,
                error: None,
            });
        }
    }
    // The sizes before, from the files: `relpages` is the size at the last VACUUM, ANALYZE or
    // CREATE INDEX.
    let (schemas, names): (Vec<String>, Vec<String>) = out
        .indexes
        .iter()
        .map(|x| (x.schema.clone(), x.index.clone()))
        .chain(out.leftovers.iter().map(|l| (l.schema.clone(), l.index.clone())))
        .unzip();
    let sizes = query(
        &client,
        "the indexes' sizes",
        FILE_SIZES_SQL,
        &[(&schemas, Type::TEXT_ARRAY), (&names, Type::TEXT_ARRAY)],
    )
    .await?;
    let size_of = |schema: &str, index: &str| {
        sizes
            .iter()
            .find(|r| r.get::<_, String>("schema") == schema && r.get::<_, String>("index") == index)
            .map(|r| r.get::<_, i64>("bytes"))
    };
    for x in &mut out.indexes {
        x.bytes_before = size_of(&x.schema, &x.index).unwrap_or(x.bytes_before);
    }
    for l in &mut out.leftovers {
        l.bytes = size_of(&l.schema, &l.index).unwrap_or(l.bytes);
    }
    Ok(out)
}

const AFTER_SQL: &str = "SELECT coalesce(pg_relation_size(c.oid), 0)::int8 AS bytes, i.indisvalid AS valid \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indexrelid = c.oid \
     WHERE n.nspname = $1 AND c.relname = $2";

/// Invalid leftovers of a rebuild of `index` (named `index_ccnew…`/`index_ccold…`) on its table.
const NEW_LEFTOVERS_SQL: &str = "SELECT c.relname::text AS index, coalesce(pg_relation_size(c.oid), 0)::int8 AS bytes \
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE n.nspname = $1 AND t.relname = $2 AND NOT i.indisvalid \
       AND (starts_with(c.relname::text, $3 || '_ccnew') OR starts_with(c.relname::text, $3 || '_ccold'))";

/// Drop the leftovers, then rebuild the indexes one by one. `note` is told each step.
pub async fn run(
    db: &Db,
    mut plan: RebuildReport,
    opts: &RebuildOptions,
    note: &dyn Fn(&str),
) -> Result<RebuildReport> {
    plan.dry_run = false;
    // Its own session: REINDEX CONCURRENTLY and DROP INDEX CONCURRENTLY run outside a
    // transaction and wait (without blocking anyone) for the transactions using the table.
    let client = db.dedicated().await?;
    // Interrupted, the server's REINDEX is cancelled (it would go on, holding its lock, for as
    // long as the build takes); the invalid copy it leaves is dropped by the next run.
    let _cancel = db.cancel_on_interrupt(&client);
    let pid: i32 = client
        .query_typed_one("SELECT pg_backend_pid()", &[])
        .await
        .pg_context("reading the session")?
        .get(0);
    for l in &mut plan.leftovers {
        drop_leftover(&client, l, note).await;
    }
    for r in &mut plan.indexes {
        let name = qualified(&r.schema, &r.index);
        // The size as the rebuild starts (the plan may be a while old).
        let now = query(
            &client,
            "the index's size",
            FILE_SIZES_SQL,
            &[(&vec![r.schema.clone()], Type::TEXT_ARRAY), (&vec![r.index.clone()], Type::TEXT_ARRAY)],
        )
        .await?;
        if let Some(b) = now.first() {
            r.bytes_before = b.get("bytes");
        }
        note(&format!(
            "REINDEX INDEX CONCURRENTLY {}.{} ({}, {})",
            r.schema,
            r.index,
            r.reason.describe(r.bloat_pct),
            crate::output::cells::bytes(r.bytes_before)
        ));
        let started = Instant::now();
        let sql = format!("REINDEX INDEX CONCURRENTLY {name}");
        let rebuilt =
            super::progress::build_with_progress(db, &client, pid, &sql, &r.index, opts.progress).await?;
        r.millis = Some(started.elapsed().as_millis() as u64);
        if let Err(e) = rebuilt {
            let msg = crate::error::pg_message(&e);
            note(&format!("  failed: {msg}"));
            r.error = Some(msg);
            // The new copy it left behind: drop it at once.
            let left = query(
                &client,
                "the rebuild's leftovers",
                NEW_LEFTOVERS_SQL,
                &[(&r.schema, Type::TEXT), (&r.table, Type::TEXT), (&r.index, Type::TEXT)],
            )
            .await?;
            for row in &left {
                let mut l = Leftover {
                    schema: r.schema.clone(),
                    table: r.table.clone(),
                    index: row.get("index"),
                    bytes: row.get("bytes"),
                    dropped: false,
                    error: None,
                };
                drop_leftover(&client, &mut l, note).await;
                plan.leftovers.push(l);
            }
            continue;
        }
        let after = query(
            &client,
            "the rebuilt index",
            AFTER_SQL,
            &[(&r.schema, Type::TEXT), (&r.index, Type::TEXT)],
        )
        .await?;
        if let Some(a) = after.first() {
            r.bytes_after = Some(a.get("bytes"));
            r.valid_after = Some(a.get("valid"));
        }
        note(&format!(
            "  done in {} ms: {} → {}",
            r.millis.unwrap_or_default(),
            crate::output::cells::bytes(r.bytes_before),
            crate::output::cells::bytes(r.bytes_after.unwrap_or_default())
        ));
    }
    Ok(plan)
}

async fn drop_leftover(client: &Client, l: &mut Leftover, note: &dyn Fn(&str)) {
    let sql = format!("DROP INDEX CONCURRENTLY IF EXISTS {}", qualified(&l.schema, &l.index));
    match client.batch_execute(&sql).await {
        Ok(()) => {
            l.dropped = true;
            note(&format!(
                "dropped {}.{}, an invalid leftover of a failed REINDEX CONCURRENTLY ({})",
                l.schema,
                l.index,
                crate::output::cells::bytes(l.bytes)
            ));
        }
        Err(e) => {
            let msg = crate::error::pg_message(&e);
            note(&format!("cannot drop the leftover {}.{}: {msg}", l.schema, l.index));
            l.error = Some(msg);
        }
    }
}

impl Report for RebuildReport {
    fn sections(&self) -> Vec<Section> {
        let size = |b: Option<i64>| b.map(bytes).unwrap_or_else(|| "-".into());
        vec![
            Section {
                title: if self.dry_run {
                    "Indexes to rebuild (dry run)".into()
                } else {
                    "Indexes rebuilt".into()
                },
                headers: vec!["index", "table", "reason", "before", "after", "time", "result"],
                rows: self
                    .indexes
                    .iter()
                    .map(|r| {
                        vec![
                            format!("{}.{}", r.schema, r.index),
                            r.table.clone(),
                            r.reason.describe(r.bloat_pct),
                            bytes(r.bytes_before),
                            size(r.bytes_after),
                            r.millis.map(|m| format!("{m} ms")).unwrap_or_else(|| "-".into()),
                            match (&r.error, r.valid_after) {
                                (Some(e), _) => format!("FAILED: {}", crate::output::cells::one_line(e, 60)),
                                (None, Some(true)) => "valid".into(),
                                (None, Some(false)) => "STILL INVALID".into(),
                                (None, None) => "-".into(),
                            },
                        ]
                    })
                    .collect(),
                empty: "no index is invalid or bloated past the threshold",
                ..Default::default()
            },
            Section {
                title: "Leftovers of failed concurrent rebuilds".into(),
                headers: vec!["index", "table", "size", "dropped"],
                rows: self
                    .leftovers
                    .iter()
                    .map(|l| {
                        vec![
                            format!("{}.{}", l.schema, l.index),
                            l.table.clone(),
                            bytes(l.bytes),
                            match (&l.error, l.dropped, self.dry_run) {
                                (Some(e), ..) => format!("FAILED: {}", crate::output::cells::one_line(e, 60)),
                                (None, true, _) => "yes".into(),
                                (None, false, true) => "would be".into(),
                                (None, false, false) => "no".into(),
                            },
                        ]
                    })
                    .collect(),
                empty: "none",
                ..Default::default()
            },
        ]
    }

    fn notes(&self) -> Vec<String> {
        let mut n: Vec<String> = self.skipped.iter().map(|s| format!("not rebuilt: {s}")).collect();
        if !self.dry_run && !self.ok() {
            n.push(
                "some rebuilds failed: their new copies were dropped; the old indexes are as they were"
                    .into(),
            );
        }
        n
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn leftover_names() {
        for yes in ["idx_ccnew", "idx_ccnew1", "users_email_key_ccold", "a_ccnew12"] {
            assert!(super::is_leftover_name(yes), "{yes}");
        }
        for no in ["_ccnew", "idx", "idx_ccnewer", "ccnew_idx"] {
            assert!(!super::is_leftover_name(no), "{no}");
        }
    }
}
