//! The advisor's one backend: every plan and every hypothetical index of a run happen on one
//! connection, inside one read-only transaction.
//!
//! hypopg's hypothetical indexes live in the memory of the backend that made them, and only its
//! plain `EXPLAIN`s see them. Through PgBouncer in transaction pooling a client gets a server
//! connection per transaction: so the whole run is one transaction (`BEGIN READ ONLY … ROLLBACK`)
//! on one pooled client, and `hypopg_reset()` runs before it ends, so that the next user of that
//! server connection inherits nothing. Each statement is planned inside a savepoint: one that
//! fails (a text the advisor cannot plan) is rolled back alone and the run goes on; `SET LOCAL`s
//! made for one plan (index scans off) end with its savepoint.
//!
//! Parameters: on PostgreSQL 16+ `EXPLAIN (GENERIC_PLAN)` plans the text with its `$n` as is.
//! Before 16 the text is `PREPARE`d (named `towow_advise`, inside the transaction, and
//! deallocated at once, also after an error) and `EXPLAIN EXECUTE`d with
//! `plan_cache_mode = force_generic_plan`, which gives the same generic plan; a fresh PREPARE per
//! plan, because a prepared statement keeps its cached plan when a hypothetical index appears.
//! Statements that modify data are planned, never run, and the transaction is read-only.
//!
//! The advisor's own statements (its EXPLAINs) are utility statements that pg_stat_statements
//! would record: as a superuser it switches that off for its transaction
//! (`SET LOCAL pg_stat_statements.track = none`); for another role one fixed statement name
//! keeps their number small.

use anyhow::{Result, anyhow};
use tokio_postgres::types::Type;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::candidates::Candidate;
use super::plan::{self, Facts};
use crate::error::PgError;
use crate::reports::query;
use crate::sql::quote_ident;

/// The savepoint each plan is made in.
const SAVEPOINT: &str = "towow_advise";

/// Settings that leave the planner only sequential scans: the plan then shows every condition
/// as a Filter and every ORDER BY as a Sort (see `candidates`).
const NO_INDEX_SCANS: &str = "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off";

pub struct Session<'a> {
    client: &'a Client,
    major: i32,
    /// hypopg's schema, quoted, when the extension is created in this database.
    hypopg: Option<String>,
}

/// The name of the advisor's prepared statement (one at a time, deallocated at once).
const PREPARED: &str = "towow_advise";

impl<'a> Session<'a> {
    /// Start the run's transaction on `client`.
    pub async fn begin(
        client: &'a Client,
        major: i32,
        superuser: bool,
        hypopg_schema: Option<&str>,
    ) -> Result<Session<'a>> {
        let quiet = if superuser { " SET LOCAL pg_stat_statements.track = none;" } else { "" };
        client
            .batch_execute(&format!("BEGIN READ ONLY;{quiet} SET LOCAL plan_cache_mode = force_generic_plan"))
            .await
            .map_err(|e| PgError::new(&e, "starting the advisor's transaction"))?;
        let s = Session { client, major, hypopg: hypopg_schema.map(quote_ident) };
        // A run killed in the middle of a plan (through PgBouncer, its server connection lives
        // on) may have left the statement behind.
        s.deallocate_if_left(PREPARED).await;
        Ok(s)
    }

    /// Drop the hypothetical indexes and end the transaction (nothing in it is kept).
    pub async fn end(self) -> Result<()> {
        let reset = match &self.hypopg {
            Some(s) => format!("SELECT {s}.hypopg_reset(); "),
            None => String::new(),
        };
        self.client
            .batch_execute(&format!("{reset}ROLLBACK"))
            .await
            .map_err(|e| PgError::new(&e, "ending the advisor's transaction").into())
    }

    /// Run `sql` (several statements) inside the savepoint; on an error roll back to it and
    /// deallocate `prepared` if the error left it behind. Returns the messages, or the server's
    /// error as text.
    async fn guarded(&self, sql: &str, prepared: Option<&str>) -> Result<Vec<SimpleQueryMessage>, String> {
        // The savepoint in a round trip of its own: a syntax error anywhere in a batch fails the
        // whole batch before its first statement runs.
        if let Err(e) = self.client.batch_execute(&format!("SAVEPOINT {SAVEPOINT}")).await {
            return Err(crate::error::pg_message(&e));
        }
        let full = format!("{sql}; ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}");
        match self.client.simple_query(&full).await {
            Ok(m) => Ok(m),
            Err(e) => {
                let msg = crate::error::pg_message(&e);
                let back = format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}");
                if let Err(e2) = self.client.batch_execute(&back).await {
                    return Err(format!("{msg}; and then: {}", crate::error::pg_message(&e2)));
                }
                if let Some(name) = prepared {
                    self.deallocate_if_left(name).await;
                }
                Err(msg)
            }
        }
    }

    pub async fn deallocate_if_left(&self, name: &str) {
        let left = query(
            self.client,
            "prepared statements",
            "SELECT count(*)::int8 AS n FROM pg_prepared_statements WHERE name = $1",
            &[(&name, Type::TEXT)],
        )
        .await;
        if left.is_ok_and(|r| r[0].get::<_, i64>("n") > 0) {
            let _ = self.client.batch_execute(&format!("DEALLOCATE {}", quote_ident(name))).await;
        }
    }

    /// The types PostgreSQL infers for the statement's parameters (`text`, `bigint`, …).
    pub async fn param_types(&self, text: &str) -> Result<Vec<String>, String> {
        let name = PREPARED;
        let q = quote_ident(name);
        let sql = format!(
            "PREPARE {q} AS {text}\n; SELECT array_to_string(parameter_types::text[], ';') AS types \
             FROM pg_prepared_statements WHERE name = {lit}; DEALLOCATE {q}",
            lit = crate::sql::quote_literal(name)
        );
        let msgs = self.guarded(&sql, Some(name)).await?;
        let types = msgs
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.try_get("types").ok().flatten().map(str::to_string),
                _ => None,
            })
            .ok_or_else(|| "the prepared statement was not found".to_string())?;
        // Type names hold no `;` (format_type quotes such a name, and it is not split inside quotes
        // here: a quoted type name with `;` is not supported).
        Ok(if types.is_empty() { Vec::new() } else { types.split(';').map(str::to_string).collect() })
    }

    /// The statement's generic plan (see the module's documentation); with `no_index_scans`, the
    /// plan with sequential scans only.
    pub async fn explain(&self, text: &str, types: &[String], no_index_scans: bool) -> Result<Facts, String> {
        let settings = if no_index_scans { format!("{NO_INDEX_SCANS}; ") } else { String::new() };
        let (sql, prepared) = if self.major >= 16 {
            (format!("{settings}EXPLAIN (GENERIC_PLAN, VERBOSE, FORMAT JSON) {text}\n"), None)
        } else {
            let q = quote_ident(PREPARED);
            let args: Vec<String> = types.iter().map(|t| format!("NULL::{t}")).collect();
            let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
            (
                format!(
                    "{settings}PREPARE {q} AS {text}\n; EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE {q}{args}; DEALLOCATE {q}"
                ),
                Some(PREPARED),
            )
        };
        let msgs = self.guarded(&sql, prepared).await?;
        let text = plan_text(&msgs).ok_or_else(|| "EXPLAIN returned no plan".to_string())?;
        plan::parse(&text).map_err(|e| e.to_string())
    }

    fn hypopg(&self) -> Result<&str> {
        self.hypopg.as_deref().ok_or_else(|| anyhow!("hypopg is not created in this database"))
    }

    /// Make `c` a hypothetical index; returns its oid.
    /// In the savepoint: a candidate hypopg refuses (a type without a btree operator class)
    /// fails alone.
    pub async fn hypothetical(&self, c: &Candidate) -> Result<u32> {
        let sql = format!("SELECT indexrelid FROM {}.hypopg_create_index($1)", self.hypopg()?);
        let ddl = c.hypothetical_sql();
        self.client
            .batch_execute(&format!("SAVEPOINT {SAVEPOINT}"))
            .await
            .map_err(|e| PgError::new(&e, "a savepoint"))?;
        let made =
            query(self.client, "a hypothetical index (hypopg_create_index)", &sql, &[(&ddl, Type::TEXT)])
                .await;
        let end = match made {
            Ok(_) => format!("RELEASE SAVEPOINT {SAVEPOINT}"),
            Err(_) => format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}"),
        };
        self.client.batch_execute(&end).await.map_err(|e| PgError::new(&e, "ending a savepoint"))?;
        made?
            .first()
            .map(|r| r.get::<_, u32>("indexrelid"))
            .ok_or_else(|| anyhow!("hypopg_create_index made no index for {}", c.label()))
    }

    /// The estimated size of hypothetical index `oid`, in bytes.
    pub async fn hypothetical_size(&self, oid: u32) -> Result<i64> {
        let sql = format!("SELECT {}.hypopg_relation_size($1)::int8 AS bytes", self.hypopg()?);
        let rows = query(self.client, "a hypothetical index's size", &sql, &[(&oid, Type::OID)]).await?;
        Ok(rows[0].get("bytes"))
    }

    /// Drop every hypothetical index.
    pub async fn reset(&self) -> Result<()> {
        let sql = format!("SELECT {}.hypopg_reset()", self.hypopg()?);
        self.client
            .batch_execute(&sql)
            .await
            .map_err(|e| PgError::new(&e, "dropping the hypothetical indexes").into())
    }
}

/// The text of EXPLAIN's one row among a batch's messages.
pub fn plan_text(msgs: &[SimpleQueryMessage]) -> Option<String> {
    msgs.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => r.try_get("QUERY PLAN").ok().flatten().map(str::to_string),
        _ => None,
    })
}
