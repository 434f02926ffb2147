//! Deleting the rows older than the cut-off from one table (or leaf partition) in batches, each
//! its own short transaction: by key when the table has a primary key (or a unique index on
//! NOT NULL columns), else by ranges of heap blocks (ctid).
//!
//! **By key**: each batch selects the next `batch_size` old rows in key order after the last key
//! of the previous batch, and deletes them by ctid in the same statement (a TID scan: no join
//! for the planner to get wrong). The walk goes through the key once over the whole run; no
//! batch re-reads what an earlier one deleted. A row updated concurrently between the selection
//! and the delete is re-checked against the cut-off and, having moved, left for the next run
//! (counted as `skipped`).
//!
//! **By ctid**: each batch deletes the old rows of a range of heap blocks (`ctid >= '(lo,0)' AND
//! ctid < '(hi,0)'`: a TID range scan on 14+, an array of every possible tid of those blocks
//! before), the range sized so that a batch holds about `batch_size` rows, and adapted as the
//! density of old rows changes. The walk ends at the table's size when the run started: rows
//! added later are newer than the cut-off.
//!
//! Either way a batch commits whole or not at all: interrupting the process (Ctrl-C, kill -9) or
//! the server (a restart) loses at most the batch in flight, which the server rolls back, and
//! running again continues where the data says (the deleted rows are gone).

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use tokio_postgres::types::{ToSql, Type};

use super::{Part, Plan};
use crate::error::PgContext;
use crate::maintenance::table::{Table, TimeColumn};
use crate::maintenance::{retry_after, set_local_lock_timeout};
use crate::sql::quote_ident;

/// What one batch did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Batch {
    pub deleted: u64,
    /// Rows selected but changed by someone else before the delete (left for the next run).
    pub skipped: u64,
    /// `pg_column_size` of the deleted rows.
    pub bytes: i64,
    /// How long the transaction was open.
    pub elapsed: Duration,
    /// Lock timeouts (or deadlocks) this batch hit and retried.
    pub retries: u32,
}

/// How the walk moves through the table.
enum Walk {
    /// By key: the SQL of the first batch and of the next ones, the key's last value (as text).
    Key { first: String, next: String, last: Option<Vec<String>> },
    /// By blocks: the next block, the end, the blocks per batch, the SQL.
    Blocks { next: i64, end: i64, span: i64, sql: String, per_page: i32, rows_per_block: f64 },
}

/// One table's batched deletion, batch by batch.
pub struct Deleter {
    walk: Walk,
    cutoff: DateTime<Utc>,
    batch_size: i64,
    lock_timeout: Duration,
    done: bool,
}

/// The key walk: `$1` the cut-off, `$2` the batch size, `$3…` the last key (text, cast to each
/// key column's type).
fn key_sql(t: &Table, col: &TimeColumn, key: &[(String, String)], after: bool) -> String {
    let cols: Vec<String> = key.iter().map(|(c, _)| quote_ident(c)).collect();
    let aliases: Vec<String> = (0..key.len()).map(|i| format!("k{i}")).collect();
    let after = if after {
        let binds: Vec<String> =
            key.iter().enumerate().map(|(i, (_, ty))| format!("${}::text::{ty}", i + 3)).collect();
        format!(" AND ({}) > ({})", cols.join(", "), binds.join(", "))
    } else {
        String::new()
    };
    let cut = col.cutoff_param(1);
    let c = col.sql();
    let desc: Vec<String> = aliases.iter().map(|a| format!("{a} DESC")).collect();
    let texts: Vec<String> = aliases.iter().map(|a| format!("{a}::text")).collect();
    format!(
        "WITH b(row_id, {aliases}) AS MATERIALIZED (\
           SELECT ctid, {cols} FROM {t} WHERE {c} < {cut}{after} ORDER BY {cols} LIMIT $2), \
         d AS (DELETE FROM {t} AS x WHERE x.ctid = ANY (ARRAY(SELECT row_id FROM b)) AND x.{c} < {cut} \
           RETURNING pg_column_size(x.*) AS sz) \
         SELECT (SELECT count(*) FROM b)::int8, (SELECT count(*) FROM d)::int8, \
                (SELECT coalesce(sum(sz), 0) FROM d)::int8, \
                (SELECT ARRAY[{texts}] FROM b ORDER BY {desc} LIMIT 1)",
        aliases = aliases.join(", "),
        cols = cols.join(", "),
        t = t.sql(),
        texts = texts.join(", "),
        desc = desc.join(", "),
    )
}

/// The block walk: `$1` the cut-off, `$2` the first block, `$3` the block after the last,
/// (before 14) `$4` the most tuples a page holds.
fn blocks_sql(t: &Table, col: &TimeColumn, tid_range: bool) -> String {
    let range = if tid_range {
        "x.ctid >= format('(%s,0)', $2::int8)::tid AND x.ctid < format('(%s,0)', $3::int8)::tid".to_string()
    } else {
        "x.ctid = ANY (ARRAY(SELECT format('(%s,%s)', b, o)::tid \
           FROM generate_series($2::int8, $3::int8 - 1) b, generate_series(1, $4::int4) o))"
            .to_string()
    };
    format!(
        "WITH d AS (DELETE FROM {t} AS x WHERE {range} AND x.{c} < {cut} RETURNING pg_column_size(x.*) AS sz) \
         SELECT count(*)::int8, coalesce(sum(sz), 0)::int8 FROM d",
        t = t.sql(),
        c = col.sql(),
        cut = col.cutoff_param(1),
    )
}

/// The table's size in blocks, its rows per block (from the statistics, 50 when unknown) and
/// the most tuples a page can hold.
const BLOCKS_SQL: &str = "
SELECT (pg_relation_size(c.oid) / current_setting('block_size')::int8)::int8,
       CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 50 END::float8,
       ((current_setting('block_size')::int4 - 24) / 28)::int4
FROM pg_class c WHERE c.oid = $1::int8::oid";

impl Deleter {
    /// Prepare the walk of `part` (a leaf: an ordinary table or a partition) of `plan`.
    pub async fn new(client: &Client, plan: &Plan, part: &Part, lock_timeout: Duration) -> Result<Deleter> {
        let (t, col, batch_size) = (&part.table, &plan.column, plan.rule.batch_size);
        let walk = match part.key.as_deref() {
            Some(k) => {
                Walk::Key { first: key_sql(t, col, k, false), next: key_sql(t, col, k, true), last: None }
            }
            None => {
                let r = client
                    .query_typed_one(BLOCKS_SQL, &[(&t.oid, Type::INT8)])
                    .await
                    .pg_context(format!("cannot read the size of {}", t.display()))?;
                let (end, rows_per_block, per_page): (i64, f64, i32) = (r.get(0), r.get(1), r.get(2));
                let span = ((batch_size as f64 / rows_per_block.max(1.0)).ceil() as i64).max(1);
                Walk::Blocks {
                    next: 0,
                    end,
                    span,
                    sql: blocks_sql(t, col, plan.server_version >= 140000),
                    per_page,
                    rows_per_block,
                }
            }
        };
        Ok(Deleter {
            walk,
            cutoff: plan.cutoff,
            batch_size: batch_size.min(i64::MAX as u64) as i64,
            lock_timeout,
            done: false,
        })
    }

    /// Whether the walk has reached the end.
    pub fn done(&self) -> bool {
        self.done
    }

    /// `by key (id)` / `by ctid` for messages.
    pub fn method(&self) -> &'static str {
        match self.walk {
            Walk::Key { .. } => "key",
            Walk::Blocks { .. } => "ctid",
        }
    }

    /// Delete the next batch in its own transaction, trying it again after a lock timeout or a
    /// deadlock (see [`retry_after`]).
    pub async fn next(&mut self, client: &Client) -> Result<Batch> {
        let mut retries = 0;
        loop {
            let started = Instant::now();
            let e = match self.one(client).await {
                Ok(mut b) => {
                    b.elapsed = started.elapsed();
                    b.retries = retries;
                    return Ok(b);
                }
                Err(e) => e,
            };
            let _ = client.batch_execute("ROLLBACK").await;
            let Some(wait) = retry_after(&e, retries) else { return Err(e) };
            tracing::info!("{}; trying the batch again in {wait:?}", crate::error::render(&e));
            retries += 1;
            tokio::time::sleep(wait).await;
        }
    }

    async fn one(&mut self, client: &Client) -> Result<Batch> {
        client
            .batch_execute(&format!("BEGIN; {}", set_local_lock_timeout(self.lock_timeout)))
            .await
            .context("cannot begin the batch's transaction")?;
        let mut b = Batch::default();
        match &mut self.walk {
            Walk::Key { first, next, last } => {
                let mut params: Vec<(&(dyn ToSql + Sync), Type)> =
                    vec![(&self.cutoff, Type::TIMESTAMPTZ), (&self.batch_size, Type::INT8)];
                let sql = match last {
                    Some(values) => {
                        params.extend(values.iter().map(|v| (v as &(dyn ToSql + Sync), Type::TEXT)));
                        next.as_str()
                    }
                    None => first.as_str(),
                };
                let r = client.query_typed_one(sql, &params).await.map_err(anyhow::Error::new)?;
                let (selected, deleted, bytes): (i64, i64, i64) = (r.get(0), r.get(1), r.get(2));
                let new_last: Option<Vec<String>> = r.get(3);
                client.batch_execute("COMMIT").await.context("cannot commit the batch")?;
                if let Some(l) = new_last {
                    *last = Some(l);
                }
                b.deleted = deleted as u64;
                b.skipped = (selected - deleted).max(0) as u64;
                b.bytes = bytes;
                self.done = selected < self.batch_size;
            }
            Walk::Blocks { next, end, span, sql, per_page, rows_per_block } => {
                let (lo, hi) = (*next, (*next + *span).min(*end));
                let params: [(&(dyn ToSql + Sync), Type); 4] = [
                    (&self.cutoff, Type::TIMESTAMPTZ),
                    (&lo, Type::INT8),
                    (&hi, Type::INT8),
                    (&*per_page, Type::INT4),
                ];
                let n = if sql.contains("$4") { 4 } else { 3 };
                let r = client.query_typed_one(sql, &params[..n]).await.map_err(anyhow::Error::new)?;
                let (deleted, bytes): (i64, i64) = (r.get(0), r.get(1));
                client.batch_execute("COMMIT").await.context("cannot commit the batch")?;
                b.deleted = deleted as u64;
                b.bytes = bytes;
                *next = hi;
                self.done = *next >= *end;
                // Keep a batch near batch_size rows: wider where old rows are sparse, narrower
                // where they are dense, never past 8 times the nominal span.
                let nominal = ((self.batch_size as f64 / rows_per_block.max(1.0)).ceil() as i64).max(1);
                if deleted * 2 < self.batch_size {
                    *span = (*span * 2).min(nominal * 8);
                } else if deleted * 2 > self.batch_size * 3 {
                    *span = (*span / 2).max(1);
                }
            }
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> (Table, TimeColumn) {
        (
            Table { oid: 1, schema: "public".into(), name: "task_history".into(), partitioned: false },
            TimeColumn { name: "timestamp".into(), base: "timestamp without time zone".into() },
        )
    }

    #[test]
    fn the_key_walk_continues_after_the_last_key() {
        let (t, c) = t();
        let key = [("user_id".to_string(), "text".to_string()), ("id".to_string(), "integer".to_string())];
        let first = key_sql(&t, &c, &key, false);
        assert!(!first.contains("$3"), "{first}");
        let next = key_sql(&t, &c, &key, true);
        assert!(next.contains("AND (\"user_id\", \"id\") > ($3::text::text, $4::text::integer)"), "{next}");
        assert!(next.contains("\"timestamp\" < $1::timestamptz::timestamp without time zone"), "{next}");
        assert!(next.contains("ORDER BY k0 DESC, k1 DESC LIMIT 1"), "{next}");
    }

    #[test]
    fn the_block_walk_uses_tid_ranges_on_14_and_arrays_before() {
        let (t, c) = t();
        assert!(blocks_sql(&t, &c, true).contains("x.ctid >= format('(%s,0)', $2::int8)::tid"));
        assert!(blocks_sql(&t, &c, false).contains("generate_series(1, $4::int4)"));
    }
}
