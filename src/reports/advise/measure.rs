//! Running a statement's plan for real: `EXPLAIN (ANALYZE, BUFFERS)` with representative
//! parameters, inside `BEGIN READ ONLY … ROLLBACK`, so that the server itself refuses any write
//! (a statement that would modify data or lock rows fails instead of running). The statement is
//! prepared once (`towow_measure`, deallocated before the transaction ends, so that nothing
//! outlives it on a PgBouncer server connection), planned as a custom plan for the values, and
//! run `runs` times: the fastest run counts (the first one also warms the cache).

use serde::Serialize;
use tokio_postgres::Client;

use super::params::ParamValue;
use super::plan::{self, Facts};
use super::session::plan_text;
use crate::sql::quote_ident;

/// The fastest of the measured runs.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Execution time, in ms (EXPLAIN ANALYZE's `Execution Time`).
    pub ms: f64,
    /// Shared buffers hit + read by the run.
    pub buffers: i64,
    /// The indexes its plan read.
    pub indexes: Vec<String>,
}

impl Measured {
    fn from(f: &Facts) -> Measured {
        Measured {
            ms: f.execution_ms.unwrap_or(0.0),
            buffers: f.buffers.unwrap_or(0),
            indexes: f.indexes.clone(),
        }
    }
}

/// Run `text` with `params` `runs` times (see the module's documentation). An error is the
/// server's message.
pub async fn measure(
    client: &Client,
    text: &str,
    params: &[ParamValue],
    runs: u32,
) -> Result<Measured, String> {
    // One that a killed run left on this server connection goes first.
    let left = client
        .query_typed(
            "SELECT count(*)::int8 AS n FROM pg_prepared_statements WHERE name = 'towow_measure'",
            &[],
        )
        .await
        .map_err(|e| crate::error::pg_message(&e))?;
    let name = quote_ident("towow_measure");
    if left.first().is_some_and(|r| r.get::<_, i64>("n") > 0) {
        client
            .batch_execute(&format!("DEALLOCATE {name}"))
            .await
            .map_err(|e| crate::error::pg_message(&e))?;
    }
    let args: Vec<String> = params.iter().map(ParamValue::literal).collect();
    let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
    let start = format!(
        "BEGIN READ ONLY; SET LOCAL plan_cache_mode = force_custom_plan; PREPARE {name} AS {text}\n; SAVEPOINT towow_measure"
    );
    if let Err(e) = client.batch_execute(&start).await {
        let _ = client.batch_execute("ROLLBACK").await;
        return Err(crate::error::pg_message(&e));
    }
    let mut best: Option<Measured> = None;
    let mut failed = None;
    for _ in 0..runs.max(1) {
        let sql = format!("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE {name}{args}");
        match client.simple_query(&sql).await {
            Ok(msgs) => match plan_text(&msgs).map(|t| plan::parse(&t)) {
                Some(Ok(f)) => {
                    let m = Measured::from(&f);
                    if best.as_ref().is_none_or(|b| m.ms < b.ms) {
                        best = Some(m);
                    }
                }
                Some(Err(e)) => failed = Some(e.to_string()),
                None => failed = Some("EXPLAIN ANALYZE returned no plan".into()),
            },
            Err(e) => {
                failed = Some(crate::error::pg_message(&e));
                let _ = client.batch_execute("ROLLBACK TO SAVEPOINT towow_measure").await;
            }
        }
        if failed.is_some() {
            break;
        }
    }
    // Deallocated inside the transaction: on a PgBouncer server connection nothing is left.
    let end = client.batch_execute(&format!("DEALLOCATE {name}; ROLLBACK")).await;
    if end.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    match (failed, best) {
        (Some(e), _) => Err(e),
        (None, Some(b)) => Ok(b),
        (None, None) => Err("no run was measured".into()),
    }
}
