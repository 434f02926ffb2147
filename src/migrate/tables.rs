//! The ToWow tables as a whole: their row counts and dropping them.

use anyhow::Result;
use tokio_postgres::Client;

use super::*;
use crate::connect::Db;
use crate::error::PgContext;

/// Exact row counts of the ToWow tables that exist (for `init` and `drop`).
pub async fn table_counts(client: &Client) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for t in existing_towow_tables(client).await? {
        let n: i64 = client
            .query_typed_one(&format!("SELECT count(*) FROM {}", crate::sql::quote_ident(&t)), &[])
            .await
            .pg_context(format!("cannot count {t}"))?
            .get(0);
        out.push((t, n));
    }
    Ok(out)
}

/// Drop the ToWow tables, the trigger function and the migration history, in one transaction.
pub async fn drop_all(db: &Db) -> Result<()> {
    let mut client = db.get().await?;
    // A lock timeout names the session holding the lock.
    let pid = crate::connect::blocking::backend_pid(&client).await;
    crate::connect::blocking::naming_holder(db, pid, async {
        let tx = client.transaction().await.pg_context("cannot begin")?;
        let tables = TOWOW_TABLES.map(crate::sql::quote_ident).join(", ");
        tx.batch_execute(&format!(
            "DROP TABLE IF EXISTS {tables} CASCADE;
             DROP FUNCTION IF EXISTS towow_set_updated_at() CASCADE;
             DROP TABLE IF EXISTS {HISTORY_TABLE};",
        ))
        .await
        .pg_context("cannot drop the ToWow tables")?;
        tx.commit().await.pg_context("cannot commit the drop")
    })
    .await
}
