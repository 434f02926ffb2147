//! Loading generated rows through tokio-postgres **binary COPY** (`BinaryCopyInWriter`).
//!
//! Rows are produced on a generator thread and handed over in batches through a bounded channel,
//! so generation overlaps with encoding and transfer while the server ingests, and memory stays
//! flat whatever the row count: at most a few batches exist at once. The heavy work (formatting
//! texts and JSON) happens on the generator thread; the writer only copies bytes into COPY frames.
//!
//! Dropping the load future (an error, Ctrl-C) drops the channel, which stops the generator, and
//! aborts the COPY; the caller's transaction then rolls back.

use std::error::Error as StdError;
use std::pin::pin;

use anyhow::{Result, anyhow, bail};
use bytes::{BufMut, BytesMut};
use tokio::sync::mpsc;
use tokio_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{IsNull, ToSql, Type, accepts, to_sql_checked};

use crate::data::generators::agents::AgentRow;
use crate::data::generators::demands::{ChannelRow, DemandRow, ResponseRow};
use crate::data::generators::{Json, Ts};
use crate::error::{PgContext, PgError};
use crate::migrate;
use crate::output::progress::Progress;

/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

impl ToSql for Ts {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.put_i64(self.0 - PG_EPOCH_MICROS);
        Ok(IsNull::No)
    }
    accepts!(TIMESTAMPTZ, TIMESTAMP);
    to_sql_checked!();
}

impl ToSql for Json {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if *ty == Type::JSONB {
            out.put_u8(1); // jsonb binary format version
        }
        out.put_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
    accepts!(JSONB, JSON);
    to_sql_checked!();
}

/// A row type that can be loaded with binary COPY.
pub trait CopyRow: Send + 'static {
    const TABLE: &'static str;
    /// Column names and types, in COPY order.
    const COLUMNS: &'static [(&'static str, Type)];
    /// The values of this row, in `COLUMNS` order.
    fn values(&self) -> Vec<&(dyn ToSql + Sync)>;
}

/// Implement [`CopyRow`] from one list of `field: TYPE` pairs; field names are the column names,
/// so the COPY column list and the values cannot drift apart.
macro_rules! copy_row {
    ($ty:ty, $table:expr, [$($field:ident: $pg:ident),* $(,)?]) => {
        impl CopyRow for $ty {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [(&'static str, Type)] = &[$((stringify!($field), Type::$pg)),*];
            fn values(&self) -> Vec<&(dyn ToSql + Sync)> {
                vec![$(&self.$field),*]
            }
        }
    };
}

copy_row!(AgentRow, migrate::AGENT_PROFILES, [
    id: UUID, name: VARCHAR, agent_type: VARCHAR, description: TEXT, capabilities: JSONB,
    pricing_info: JSONB, config: JSONB, is_active: BOOL, rating: FLOAT8, total_collaborations: INT4,
    created_at: TIMESTAMPTZ, updated_at: TIMESTAMPTZ,
]);

copy_row!(DemandRow, migrate::DEMANDS, [
    id: UUID, title: VARCHAR, description: TEXT, user_id: VARCHAR, requirements: JSONB, budget: JSONB,
    deadline: TIMESTAMPTZ, status: VARCHAR, tags: JSONB, extra_metadata: JSONB, created_at: TIMESTAMPTZ,
    updated_at: TIMESTAMPTZ,
]);

copy_row!(ResponseRow, migrate::AGENT_RESPONSES, [
    id: UUID, demand_id: UUID, agent_id: UUID, message: TEXT, proposal: JSONB, status: VARCHAR,
    relevance_score: FLOAT8, extra_metadata: JSONB, created_at: TIMESTAMPTZ, updated_at: TIMESTAMPTZ,
]);

copy_row!(ChannelRow, migrate::COLLABORATION_CHANNELS, [
    id: UUID, name: VARCHAR, description: TEXT, demand_id: UUID, participants: JSONB, status: VARCHAR,
    context: JSONB, message_count: INT4, last_message_at: TIMESTAMPTZ, settings: JSONB,
    created_at: TIMESTAMPTZ, updated_at: TIMESTAMPTZ,
]);

/// The `COPY table (columns) FROM STDIN (FORMAT binary)` statement for a row type.
pub fn copy_statement<R: CopyRow>(table: &str) -> String {
    let cols: Vec<String> = R::COLUMNS.iter().map(|(c, _)| crate::sql::quote_ident(c)).collect();
    format!("COPY {} ({}) FROM STDIN (FORMAT binary)", crate::sql::quote_ident(table), cols.join(", "))
}

/// Rows per batch handed from the generator thread to the writer.
const BATCH_ROWS: usize = 2048;
/// Batches in flight between them.
const CHANNEL_BATCHES: usize = 4;

/// Rows being produced on a generator thread: the batches, and the thread, whose end is checked
/// so that a generator that failed half way is an error, never a short (committed) load.
pub struct Generated<R> {
    rows: mpsc::Receiver<Vec<R>>,
    thread: std::thread::JoinHandle<()>,
}

/// Start a generator thread that calls `generate(unit, &mut batch)` for each unit in
/// `units` (a unit may add any number of rows) and sends full batches down a bounded channel. It
/// stops when the receiver is dropped.
pub fn spawn_generator<R, F>(units: std::ops::Range<u64>, mut generate: F) -> Result<Generated<R>>
where
    R: CopyRow,
    F: FnMut(u64, &mut Vec<R>) + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Vec<R>>(CHANNEL_BATCHES);
    let thread = std::thread::Builder::new()
        .name(format!("generate {}", R::TABLE))
        .spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            for u in units {
                generate(u, &mut batch);
                if batch.len() >= BATCH_ROWS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                    if tx.blocking_send(full).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
        })
        .map_err(|e| anyhow!("cannot start the generator thread: {e}"))?;
    Ok(Generated { rows: rx, thread })
}

/// COPY every row from `generated` into `table` (normally `R::TABLE`; a staging table with the
/// same columns otherwise) within `tx`. Returns the number of rows copied.
pub async fn copy_rows<R: CopyRow>(
    tx: &Transaction<'_>,
    table: &str,
    generated: Generated<R>,
    progress: &Progress,
) -> Result<u64> {
    let Generated { mut rows, thread } = generated;
    progress.set_table(table);
    let sink = tx
        .copy_in(&copy_statement::<R>(table))
        .await
        .pg_context(format!("cannot start COPY into {table}"))?;
    let types: Vec<Type> = R::COLUMNS.iter().map(|(_, t)| t.clone()).collect();
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
    let mut sent = 0u64;
    while let Some(batch) = rows.recv().await {
        for row in &batch {
            writer.as_mut().write(&row.values()).await.map_err(|e| copy_error(table, e, sent))?;
            sent += 1;
        }
        progress.inc(batch.len() as u64);
    }
    // The channel closes when the thread ends: normally, or because it panicked. Only the first
    // may finish the COPY (the join is immediate: the thread has already ended).
    if thread.join().is_err() {
        bail!(
            "generating rows for {table} failed after {sent} rows (a bug in towow-db): nothing was committed"
        );
    }
    let n = writer.as_mut().finish().await.map_err(|e| copy_error(table, e, sent))?;
    Ok(n)
}

/// A failed COPY: what was sent (the server's `WHERE: COPY …, line N` says how far it read), and
/// that none of it was written (COPY is all or nothing).
fn copy_error(table: &str, e: tokio_postgres::Error, sent: u64) -> anyhow::Error {
    PgError::new(&e, format!("COPY into {table} failed with {sent} rows sent, none of them written")).into()
}
