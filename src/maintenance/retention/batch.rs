//! Deleting the rows older than the cut-off from one table (or leaf partition) in batches, each
//! its own short transaction, walking the table once in the order of an index:
//!
//! - **by the time column** when a btree index starts with it: the walk covers exactly the old
//!   rows, oldest first, and ends at the cut-off without reading a newer row;
//! - else **by key**: the primary key (or a unique index on NOT NULL columns);
//! - else **by ctid**: ranges of heap blocks.
//!
//! **By time or key**: each batch first finds the key of the `batch_size`-th row after the
//! last batch (by time: the `batch_size`-th old row) with a scan of the index alone (an
//! index-only scan where the table's pages are all-visible), then deletes the old rows of that
//! key range (`key > last AND key <= bound AND col < cut-off`). Where the key is one integer
//! column and the last batch found at least half a batch of old rows, the bound is simply the
//! last key plus `batch_size`, with no query; otherwise the next batch's bound is found on a
//! second connection while a batch deletes. Either way at most `batch_size` rows lie in a
//! batch's range (by time, the rows sharing the bound's timestamp too), so a batch reads and
//! deletes at most that many, whether old rows are dense or sparse; no batch re-reads what an
//! earlier one deleted. A row updated concurrently is judged on its new version (PostgreSQL
//! re-checks the conditions): deleted if still old, kept if not.
//!
//! **By ctid**: each batch deletes the old rows of a range of heap blocks (`ctid >= '(lo,0)' AND
//! ctid < '(hi,0)'`: a TID range scan on 14+, an array of every possible tid of those blocks
//! before), the range sized so that a batch holds about `batch_size` rows, and adapted as the
//! density of old rows changes. The walk ends at the table's size when the run started: rows
//! added later are newer than the cut-off. Without a key, a row updated during the run can move
//! behind the walk and be left for the next run.
//!
//! Either way a batch commits whole or not at all: interrupting the process (Ctrl-C, kill -9) or
//! the server (a restart) loses at most the batch in flight, which the server rolls back, and
//! running again continues where the data says (the deleted rows are gone).

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use tokio_postgres::types::{ToSql, Type};

use super::{Part, Plan};
use crate::error::PgContext;
use crate::maintenance::table::{Table, TimeColumn};
use crate::maintenance::{retry_after, set_local_lock_timeout};
use crate::sql::quote_ident;

/// What one batch did.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub deleted: u64,
    /// The rows its cascades deleted (or updated) in each child of the plan, in its order.
    pub cascaded: Vec<u64>,
    /// How long the transaction was open.
    pub elapsed: Duration,
    /// Lock timeouts (or deadlocks) this batch hit and retried.
    pub retries: u32,
}

/// How the walk moves through the table.
enum Walk {
    /// By time or key: the statements for the first batch and the next ones, the key's last
    /// value (as text).
    /// `int_key`: the key's type when it is one integer column; `ranged`: the next batch's
    /// bound is the last key plus the batch size (no query); `found`: the next batch's bound,
    /// found on the second connection while this batch deleted (`Some(None)`: none left).
    Key {
        sql: [KeySql; 2],
        last: Option<Vec<String>>,
        by: &'static str,
        int_key: Option<&'static str>,
        ranged: bool,
        found: Option<Option<Vec<String>>>,
    },
    /// By blocks: the next block, the end, the blocks per batch, the SQL.
    Blocks { next: i64, end: i64, span: i64, sql: String, per_page: i32, rows_per_block: f64 },
}

/// One table's batched deletion, batch by batch.
pub struct Deleter<'f> {
    walk: Walk,
    cutoff: DateTime<Utc>,
    /// The table's own rows per batch: `bound` with the cascades' rows counted in.
    batch_size: i64,
    /// `--batch-size`: the rows a batch deletes, the cascades' in the children included.
    bound: i64,
    /// The tables that reference it with an ON DELETE action, read after each batch.
    children: Vec<super::cascade::Child>,
    /// The children's rows per row of the table: counted beforehand, then measured.
    fanout: Fanout,
    lock_timeout: Duration,
    done: bool,
    /// A second connection that finds the next batch's bound while a batch deletes (by time, or
    /// a key that is not one integer column): the bound's index scan then costs the batch
    /// nothing. None: each batch finds its own.
    finder: Option<&'f Client>,
}

/// How many rows of the children go with each row of the table: the plan's exact counts to
/// start with, then what the batches did.
#[derive(Debug, Clone, Copy)]
struct Fanout {
    children: f64,
    rows: f64,
}

impl Fanout {
    fn per_row(&self) -> f64 {
        if self.rows > 0.0 { self.children / self.rows } else { 0.0 }
    }

    /// The table's rows per batch so that they and their children's come to `bound`.
    fn batch(&self, bound: i64) -> i64 {
        ((bound as f64 / (1.0 + self.per_row())).floor() as i64).max(1)
    }
}

/// The statements of the walk by time or key, for the first batch (`after` false) or the next
/// ones. Bind values: `$1` the cut-off, `$2…` the last key (text, cast to each key column's
/// type), then the batch size (`bound`) or the bound (`upto`).
/// - `bound`: the key of the `batch_size`-th row after the last key (by time, of old rows),
///   read from the index alone; none when fewer are left;
/// - `upto`: delete the old rows after the last key up to a bound;
/// - `rest`: delete the old rows after the last key (the end of the walk).
#[derive(Debug)]
struct KeySql {
    bound: String,
    upto: String,
    rest: String,
}

/// `by_time`: the key is the time column itself (its index starts with it), so the bound's scan
/// stops at the cut-off.
fn key_sql(t: &Table, col: &TimeColumn, key: &[(String, String)], after: bool, by_time: bool) -> KeySql {
    let cols: Vec<String> = key.iter().map(|(c, _)| quote_ident(c)).collect();
    let binds = |from: usize| -> String {
        let b: Vec<String> =
            key.iter().enumerate().map(|(i, (_, ty))| format!("${}::text::{ty}", i + from)).collect();
        b.join(", ")
    };
    let cols_list = cols.join(", ");
    let texts = cols.iter().map(|c| format!("b.{c}::text")).collect::<Vec<_>>().join(", ");
    let old = format!("{} < {}", col.sql(), col.cutoff_param(1));
    let after_last = format!("({cols_list}) > ({})", binds(2));
    let x = if after { 2 + key.len() } else { 2 };
    // `$1` is always named (its type is bound whether the scan needs it or not).
    let mut scan = vec![if by_time { old.clone() } else { format!("{} IS NOT NULL", col.cutoff_param(1)) }];
    if after {
        scan.push(after_last.clone());
    }
    let scan = scan.join(" AND ");
    let and_after = if after { format!(" AND {after_last}") } else { String::new() };
    let t = t.sql();
    KeySql {
        // Only the key columns are read (an index-only scan), converted to text after the
        // OFFSET: rows skipped are not projected.
        bound: format!(
            "SELECT ARRAY[{texts}] AS upper FROM (SELECT {cols_list} FROM {t} WHERE {scan} \
             ORDER BY {cols_list} OFFSET ${x} - 1 LIMIT 1) b"
        ),
        upto: format!("DELETE FROM {t} WHERE {old}{and_after} AND ({cols_list}) <= ({})", binds(x)),
        rest: format!("DELETE FROM {t} WHERE {old}{and_after}"),
    }
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
        "DELETE FROM {t} AS x WHERE {range} AND x.{c} < {cut}",
        t = t.sql(),
        c = col.sql(),
        cut = col.cutoff_param(1),
    )
}

/// The table's size in blocks, its rows per block (from the statistics, 50 when unknown) and
/// the most tuples a page can hold.
const BLOCKS_SQL: &str = "
SELECT (pg_relation_size(c.oid) / current_setting('block_size')::int8)::int8 AS blocks,
       CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages ELSE 50 END::float8 AS rows_per_block,
       ((current_setting('block_size')::int4 - 24) / 28)::int4 AS per_page
FROM pg_class c WHERE c.oid = $1::int8::oid";

/// The key of the `batch_size`-th row after the last key (see [`KeySql::bound`]).
async fn bound_after(
    client: &Client,
    sql: &str,
    params: &[(&(dyn ToSql + Sync), Type)],
) -> Result<Option<Vec<String>>> {
    client
        .query_typed_opt(sql, params)
        .await
        .pg_context("finding the next batch's bound")?
        .map(|r| r.try_get("upper"))
        .transpose()
        .map_err(Into::into)
}

/// The key types whose values [`ranged_upper`] adds to, with their largest value.
const INTEGER_TYPES: [&str; 3] = ["smallint", "integer", "bigint"];

/// The bound `batch` keys after `last` for a key of integer type `ty`, at most the type's
/// largest value; none when `last` is not an integer of it.
fn ranged_upper(last: &str, batch: i64, ty: &str) -> Option<String> {
    let max = match ty {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        "bigint" => i64::MAX,
        _ => return None,
    };
    let last: i64 = last.parse().ok()?;
    Some(last.saturating_add(batch).min(max).to_string())
}

impl<'f> Deleter<'f> {
    /// Prepare the walk of `part` (a leaf: an ordinary table or a partition) of `plan`.
    pub async fn new(
        client: &Client,
        finder: Option<&'f Client>,
        plan: &Plan,
        part: &Part,
        lock_timeout: Duration,
    ) -> Result<Deleter<'f>> {
        let (t, col) = (&part.table, &plan.column);
        let bound = plan.rule.batch_size.min(i64::MAX as u64 / 10) as i64;
        // The plan's counts: every child row reached, per old row of the table.
        let fanout = Fanout {
            children: plan.cascades.iter().map(|c| c.rows.max(0) as f64).sum(),
            rows: plan.old_rows.unwrap_or(0).max(0) as f64,
        };
        let batch_size = fanout.batch(bound) as u64;
        let walk = match part.key.as_deref() {
            Some(k) => Walk::Key {
                sql: [key_sql(t, col, k, false, part.by_time), key_sql(t, col, k, true, part.by_time)],
                last: None,
                by: if part.by_time { "time" } else { "key" },
                int_key: match k {
                    [(_, ty)] if !part.by_time => INTEGER_TYPES.iter().copied().find(|t| t == ty),
                    _ => None,
                },
                ranged: false,
                found: None,
            },
            None => {
                let r = client
                    .query_typed_one(BLOCKS_SQL, &[(&t.oid, Type::INT8)])
                    .await
                    .pg_context(format!("cannot read the size of {}", t.display()))?;
                let (end, rows_per_block, per_page): (i64, f64, i32) =
                    (r.try_get("blocks")?, r.try_get("rows_per_block")?, r.try_get("per_page")?);
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
            batch_size: batch_size as i64,
            bound,
            children: plan.children.clone(),
            fanout,
            lock_timeout,
            done: false,
            finder,
        })
    }

    /// The children whose rows each [`Batch::cascaded`] counts, in its order.
    pub fn children(&self) -> &[super::cascade::Child] {
        &self.children
    }

    /// After a batch: what its cascades did joins the fan-out, and the next batch is sized by it.
    fn measured(&mut self, b: &Batch) {
        if self.children.is_empty() || b.deleted == 0 {
            return;
        }
        self.fanout.rows += b.deleted as f64;
        self.fanout.children += b.cascaded.iter().sum::<u64>() as f64;
        self.batch_size = self.fanout.batch(self.bound);
    }

    /// Whether the walk has reached the end.
    pub fn done(&self) -> bool {
        self.done
    }

    /// `time`, `key` or `ctid`: what the walk goes by.
    pub fn method(&self) -> &'static str {
        match self.walk {
            Walk::Key { by, .. } => by,
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
                    self.measured(&b);
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
            .pg_context("cannot begin the batch's transaction")?;
        // The children's counters before this batch's delete: the difference after it is what
        // its cascades did (they also hold what earlier transactions of this session did until
        // the statistics are flushed, which never happens inside a transaction).
        let before = super::cascade::in_transaction(client, &self.children).await?;
        let mut b = Batch::default();
        match &mut self.walk {
            Walk::Key { sql: sqls, last, int_key, ranged, found, .. } => {
                let sql = &sqls[usize::from(last.is_some())];
                let mut params: Vec<(&(dyn ToSql + Sync), Type)> = vec![(&self.cutoff, Type::TIMESTAMPTZ)];
                params.extend(last.iter().flatten().map(|v| (v as &(dyn ToSql + Sync), Type::TEXT)));
                let mut bounded = params.clone();
                bounded.push((&self.batch_size, Type::INT8));
                let next_range = match (&*ranged, &*int_key, last.as_deref()) {
                    (true, Some(ty), Some([l])) => ranged_upper(l, self.batch_size, ty),
                    _ => None,
                };
                let by_range = next_range.is_some();
                let upper: Option<Vec<String>> = match (next_range, found.take()) {
                    (Some(u), _) => Some(vec![u]),
                    (None, Some(f)) => f,
                    (None, None) => bound_after(client, &sql.bound, &bounded).await?,
                };
                let deleted = match &upper {
                    Some(u) => {
                        params.extend(u.iter().map(|v| (v as &(dyn ToSql + Sync), Type::TEXT)));
                        let delete = client.execute_typed(&sql.upto, &params);
                        // The next bound, after this one, on the second connection meanwhile
                        // (not while the ranges are the next keys, found without one).
                        match self.finder.filter(|_| !by_range) {
                            Some(f) => {
                                let mut next: Vec<(&(dyn ToSql + Sync), Type)> =
                                    vec![(&self.cutoff, Type::TIMESTAMPTZ)];
                                next.extend(u.iter().map(|v| (v as &(dyn ToSql + Sync), Type::TEXT)));
                                next.push((&self.batch_size, Type::INT8));
                                let (d, n) = tokio::join!(delete, bound_after(f, &sqls[1].bound, &next));
                                let d = d.pg_context("deleting a batch")?;
                                *found = Some(n?);
                                d
                            }
                            None => delete.await.pg_context("deleting a batch")?,
                        }
                    }
                    None => client.execute_typed(&sql.rest, &params).await.pg_context("deleting a batch")?,
                };
                // One integer key where old rows are dense: the next bound is the last key plus a
                // batch (at most a batch's rows lie in between), no query; a range found sparse
                // (a gap in the keys, newer rows) goes back to the queried bound.
                *ranged = int_key.is_some() && (deleted as i64).saturating_mul(2) >= self.batch_size;
                b.cascaded = super::cascade::since(client, &self.children, &before).await?;
                client.batch_execute("COMMIT").await.pg_context("cannot commit the batch")?;
                b.deleted = deleted;
                self.done = upper.is_none();
                *last = upper;
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
                let deleted =
                    client.execute_typed(sql, &params[..n]).await.pg_context("deleting a batch")? as i64;
                b.cascaded = super::cascade::since(client, &self.children, &before).await?;
                client.batch_execute("COMMIT").await.pg_context("cannot commit the batch")?;
                b.deleted = deleted as u64;
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
        let first = key_sql(&t, &c, &key, false, false);
        assert_eq!(
            first.bound,
            "SELECT ARRAY[b.\"user_id\"::text, b.\"id\"::text] AS upper FROM (SELECT \"user_id\", \"id\" \
             FROM \"public\".\"task_history\" WHERE $1::timestamptz::timestamp without time zone IS NOT NULL \
             ORDER BY \"user_id\", \"id\" OFFSET $2 - 1 LIMIT 1) b"
        );
        assert!(
            first.upto.ends_with("AND (\"user_id\", \"id\") <= ($2::text::text, $3::text::integer)"),
            "{}",
            first.upto
        );
        let next = key_sql(&t, &c, &key, true, false);
        let after = "(\"user_id\", \"id\") > ($2::text::text, $3::text::integer)";
        assert!(
            next.bound.contains(&format!("IS NOT NULL AND {after} ORDER BY"))
                && next.bound.contains("OFFSET $4 - 1"),
            "{}",
            next.bound
        );
        assert!(next.upto.ends_with("<= ($4::text::text, $5::text::integer)"), "{}", next.upto);
        assert!(next.rest.ends_with(after), "{}", next.rest);
        assert!(
            next.rest.contains("\"timestamp\" < $1::timestamptz::timestamp without time zone"),
            "{}",
            next.rest
        );
        // By time, the window itself stops at the cut-off.
        let time = [("timestamp".to_string(), "timestamp without time zone".to_string())];
        let by_time = key_sql(&t, &c, &time, true, true);
        assert!(by_time.bound.contains("WHERE \"timestamp\" < $1::timestamptz::timestamp without time zone AND (\"timestamp\") > ($2::text::timestamp without time zone) ORDER BY"), "{}", by_time.bound);
    }

    #[test]
    fn a_ranged_bound_is_a_batch_of_keys_further_within_the_type() {
        assert_eq!(ranged_upper("200000", 10_000, "bigint").as_deref(), Some("210000"));
        assert_eq!(ranged_upper("-5", 10, "integer").as_deref(), Some("5"));
        assert_eq!(ranged_upper("2147483000", 10_000, "integer").as_deref(), Some("2147483647"));
        assert_eq!(ranged_upper("32000", 10_000, "smallint").as_deref(), Some("32767"));
        assert_eq!(ranged_upper(&i64::MAX.to_string(), 1, "bigint"), Some(i64::MAX.to_string()));
        assert_eq!(ranged_upper("12", 10, "text"), None);
        assert_eq!(ranged_upper("x", 10, "bigint"), None);
    }

    #[test]
    fn the_block_walk_uses_tid_ranges_on_14_and_arrays_before() {
        let (t, c) = t();
        assert!(blocks_sql(&t, &c, true).contains("x.ctid >= format('(%s,0)', $2::int8)::tid"));
        assert!(blocks_sql(&t, &c, false).contains("generate_series(1, $4::int4)"));
    }
}
