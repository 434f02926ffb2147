//! Adopting a ToWow database that towow-db did not make (the app's `init_db.py` / `create_all`,
//! or by hand): compare it with what the migrations make, bring it to exactly that state keeping
//! every row, and record the history as refinery would. What cannot be reconciled (a missing
//! column, another type, rows that break a constraint) is named and nothing is changed.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use tokio_postgres::Client;

use super::catalog::{Catalog, Constraint, Index};
use super::diff::{Change, Difference, diff};
use super::shadow::{Expected, read_target};
use super::*;
use crate::connect::Db;
use crate::error::{Outcome, PgContext};
use crate::sql::quote_ident;

/// How a planned statement runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// All together in one transaction: catalog changes under brief locks.
    Transaction,
    /// One at a time outside a transaction: VALIDATE, SET NOT NULL after a validated CHECK,
    /// CREATE INDEX CONCURRENTLY (writes go on).
    Online,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineStep {
    pub phase: Phase,
    pub sql: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselinePlan {
    pub database: String,
    pub schema: String,
    /// The history version when the database already has one (then there is nothing to do).
    pub already_at: Option<i32>,
    /// What differs from the ToWow schema (expected vs found).
    pub differences: Vec<Difference>,
    pub steps: Vec<BaselineStep>,
    /// Kept as they are: extra indexes on the ToWow tables.
    pub kept: Vec<Difference>,
    /// The history rows to record: `V{n}__{name}`.
    pub record: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineReport {
    #[serde(flatten)]
    pub plan: BaselinePlan,
    pub dry_run: bool,
    pub millis: u64,
}

/// What `baseline` would do, or the list of what it cannot reconcile (an error, nothing changed).
/// `force`: adopt again a database that has a history (whose tables the app rebuilt), or one
/// that another migration tool manages.
pub async fn baseline_plan(db: &Db, expected: &Expected, force: bool) -> Result<BaselinePlan> {
    let mut client = db.get().await?;
    plan(&mut client, &expected.catalog, force).await
}

/// Adopt the database: plan again under the migration lock, check that the plan is the one
/// confirmed (when one was), run it, check the result against `expected`, record the history
/// (replacing the one there with `force`) and the expected schema's fingerprint.
pub async fn baseline(
    db: &Db,
    expected: &Expected,
    dry_run: bool,
    lock_wait: Duration,
    confirmed: Option<&[BaselineStep]>,
    force: bool,
) -> Result<BaselineReport> {
    let started = Instant::now();
    let mut client = db.dedicated().await?;
    let _cancel = db.cancel_on_interrupt(&client);
    if dry_run {
        let plan = plan(&mut client, &expected.catalog, force).await?;
        return Ok(BaselineReport { plan, dry_run, millis: started.elapsed().as_millis() as u64 });
    }
    crate::connect::pooler::ensure_session(db, &client, "`towow-db migrate baseline`").await?;
    acquire_lock(&client, lock_wait).await?;
    let result = baseline_locked(&mut client, expected, confirmed, force).await;
    release_lock(&client).await;
    let plan = result?;
    Ok(BaselineReport { plan, dry_run, millis: started.elapsed().as_millis() as u64 })
}

async fn baseline_locked(
    client: &mut Client,
    shadow: &Expected,
    confirmed: Option<&[BaselineStep]>,
    force: bool,
) -> Result<BaselinePlan> {
    let expected = &shadow.catalog;
    let plan = plan(client, expected, force).await?;
    if plan.already_at.is_some() {
        return Ok(plan);
    }
    if let Some(c) = confirmed
        && c != plan.steps.as_slice()
    {
        bail!(
            "the database changed since you confirmed (another session altered the ToWow tables?): the plan is now different; nothing was changed, run the command again"
        );
    }
    let tx = client.transaction().await.pg_context("cannot begin")?;
    for s in plan.steps.iter().filter(|s| s.phase == Phase::Transaction) {
        tx.batch_execute(&s.sql)
            .await
            .pg_context(format!("baseline failed (rolled back: nothing was changed): {}", s.sql))?;
    }
    tx.commit().await.pg_context("cannot commit the baseline")?;
    for s in plan.steps.iter().filter(|s| s.phase == Phase::Online) {
        tracing::debug!("{}", s.sql);
        super::lock_retry::execute(client, &s.sql).await.pg_context(format!("baseline failed at `{}`", s.sql)).context(Outcome(
            "the statements before it stay applied and no history was recorded; run `towow-db migrate baseline` again once fixed: it goes on from where it stopped".into(),
        ))?;
    }
    // The result must be exactly what the migrations make before the history says so.
    let found = read_target(client, expected).await?;
    let left: Vec<String> = diff(expected, &found)
        .iter()
        .filter(|c| !c.is_info())
        .map(|c| {
            let d = c.difference();
            format!("{} ({}): expected {}, found {}", d.object, d.aspect, d.expected, d.found)
        })
        .collect();
    if !left.is_empty() {
        bail!(
            "baseline ran but the ToWow tables still differ from what the migrations make, so no history was recorded:\n  {}",
            left.join("\n  ")
        );
    }
    let tx = client.transaction().await.pg_context("cannot begin")?;
    tx.batch_execute(CREATE_HISTORY).await.pg_context("cannot create the migration history table")?;
    if force {
        // Adopted again: the history that did not describe the tables goes (under the
        // migration lock, in this transaction).
        tx.batch_execute(&format!("DELETE FROM {HISTORY_TABLE}"))
            .await
            .pg_context("cannot replace the migration history")?;
    } else if applied_rows(&tx).await? > 0 {
        bail!("another session recorded a migration history meanwhile; nothing was recorded");
    }
    for s in shipped()? {
        super::up::record(&tx, &s).await?;
    }
    // What the migrations make, from the shadow database: the tables are that now.
    super::fingerprint::record(&tx, &shadow.fingerprint).await?;
    tx.commit().await.pg_context("cannot commit the migration history")?;
    Ok(plan)
}

async fn applied_rows<C: tokio_postgres::GenericClient>(c: &C) -> Result<i64> {
    Ok(c.query_typed_one(&format!("SELECT count(*) FROM {HISTORY_TABLE}"), &[])
        .await
        .pg_context("cannot read the migration history")?
        .get(0))
}

/// Compare, check the rows, and plan. Without `force`, a database with a history has nothing
/// to adopt (unless its tables are not what the history says: then the error says so and
/// points to `--force`), and one that another migration tool manages is refused.
async fn plan(client: &mut Client, expected: &Catalog, force: bool) -> Result<BaselinePlan> {
    let database: String = catalog::current_database(client).await?;
    let record: Vec<String> = shipped()?.iter().map(|s| format!("V{}__{}", s.version, s.name)).collect();
    let empty = |already_at| BaselinePlan {
        database: database.clone(),
        schema: expected.schema.clone(),
        already_at,
        differences: Vec::new(),
        steps: Vec::new(),
        kept: Vec::new(),
        record: Vec::new(),
    };
    let history = applied(client).await?.unwrap_or_default();
    if !force {
        if let (Some(other), _) = managed_by(&*client, &history).await? {
            bail!(
                "{}",
                other.refusal(
                    &database,
                    "towow-db adopts databases that no migration tool manages",
                    "`towow-db migrate baseline --force`"
                )
            );
        }
        if let Some(last) = history.last().map(|a| a.version) {
            if let SchemaCheck::Mismatch { message, .. } = super::fingerprint::check(&*client).await? {
                bail!("{message}");
            }
            return Ok(empty(Some(last)));
        }
    }
    let found = read_target(client, expected).await?;
    if found.tables.is_empty() {
        bail!(
            "database \"{database}\" has no ToWow tables in schema \"{}\": nothing to adopt (`towow-db init` creates them)",
            expected.schema
        );
    }
    let changes = diff(expected, &found);
    // Tables whose columns are not ToWow's yet: their rows cannot be checked against ToWow's
    // constraints until that is fixed (refused anyway).
    let unsettled: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::MissingTable { table }
            | Change::MissingColumn { table, .. }
            | Change::ColumnType { table, .. }
            | Change::ColumnCollation { table, .. } => Some(table.clone()),
            _ => None,
        })
        .collect();
    let mut p = Planner { schema: &expected.schema, steps: Vec::new(), refusals: Vec::new(), unsettled };
    for c in &changes {
        p.change(client, expected, c).await?;
    }
    p.not_null(client, expected, &changes).await?;
    if !p.refusals.is_empty() {
        bail!(
            "cannot adopt database \"{database}\": {} thing(s) cannot be reconciled; nothing was changed:\n  {}",
            p.refusals.len(),
            p.refusals.join("\n  ")
        );
    }
    let mut steps = p.steps;
    steps.sort_by_key(|(order, _)| *order);
    Ok(BaselinePlan {
        differences: changes.iter().filter(|c| !c.is_info()).map(Change::difference).collect(),
        kept: changes.iter().filter(|c| c.is_info()).map(Change::difference).collect(),
        steps: steps.into_iter().map(|(_, s)| s).collect(),
        record,
        ..empty(None)
    })
}

/// The order statements run in (a stable sort keeps the diff's order inside each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Order {
    Extension,
    Function,
    DropConstraint,
    Rename,
    Default,
    DropNotNull,
    AddKey,
    AddConstraint,
    AddNotNullCheck,
    Trigger,
    Validate,
    SetNotNull,
    DropIndex,
    CreateIndex,
    Comment,
}

struct Planner<'a> {
    schema: &'a str,
    steps: Vec<(Order, BaselineStep)>,
    refusals: Vec<String>,
    unsettled: Vec<String>,
}

/// The helper CHECK that lets SET NOT NULL skip its scan (as in V3).
const NOT_NULL_HELPER: &str = "towow_baseline_not_null";

impl Planner<'_> {
    fn table(&self, t: &str) -> String {
        crate::sql::qualified(self.schema, t)
    }

    fn push(&mut self, order: Order, sql: String) {
        let phase = if order >= Order::Validate { Phase::Online } else { Phase::Transaction };
        self.steps.push((order, BaselineStep { phase, sql }));
    }

    async fn change(&mut self, client: &Client, expected: &Catalog, c: &Change) -> Result<()> {
        match c {
            Change::MissingTable { table } => self.refusals.push(format!(
                "table {table}: missing (the ToWow schema has {}): create it the way the app does, or start over with `towow-db init --drop`",
                expected.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
            )),
            Change::MissingColumn { table, column } => self.refusals.push(format!(
                "column {table}.{}: missing ({}): add it first (ALTER TABLE {} ADD COLUMN {} {})",
                column.name,
                column.data_type,
                self.table(table),
                quote_ident(&column.name),
                column.data_type
            )),
            Change::ExtraColumn { table, column } => self.refusals.push(format!(
                "column {table}.{} ({}): not in the ToWow schema: drop it or move it elsewhere first",
                column.name, column.data_type
            )),
            Change::ColumnType { table, column, expected, found } => self.refusals.push(format!(
                "column {table}.{column}: type {found}, the ToWow schema has {expected}: convert it first (ALTER TABLE {} ALTER COLUMN {} TYPE {expected})",
                self.table(table),
                quote_ident(column)
            )),
            Change::ColumnCollation { table, column, expected, found } => self.refusals.push(format!(
                "column {table}.{column}: collation {}, the ToWow schema has {}",
                found.as_deref().unwrap_or("default"),
                expected.as_deref().unwrap_or("the default")
            )),
            Change::ColumnDefault { table, column, expected, .. } => {
                let action = match expected {
                    Some(e) => format!("SET DEFAULT {e}"),
                    None => "DROP DEFAULT".to_string(),
                };
                self.push(
                    Order::Default,
                    format!("ALTER TABLE {} ALTER COLUMN {} {action}", self.table(table), quote_ident(column)),
                );
            }
            Change::ColumnNotNull { table, column, expected: false } => self.push(
                Order::DropNotNull,
                format!("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL", self.table(table), quote_ident(column)),
            ),
            Change::ColumnNotNull { .. } => {} // planned per table by `not_null`
            Change::MissingConstraint { table, expected } => self.add_constraint(client, table, expected).await?,
            Change::ConstraintDefinition { table, expected, found } => {
                if found.definition.strip_suffix(" NOT VALID").is_some_and(|d| expected.matches(d)) {
                    if self.rows_ok(client, table, expected).await? {
                        self.push(
                            Order::Validate,
                            format!(
                                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                                self.table(table),
                                quote_ident(&expected.name)
                            ),
                        );
                    }
                } else {
                    self.push(
                        Order::DropConstraint,
                        format!("ALTER TABLE {} DROP CONSTRAINT {}", self.table(table), quote_ident(&found.name)),
                    );
                    self.add_constraint(client, table, expected).await?;
                }
            }
            Change::ConstraintName { table, expected, found } => self.push(
                Order::Rename,
                format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    self.table(table),
                    quote_ident(found),
                    quote_ident(expected)
                ),
            ),
            // Left by an interrupted baseline: dropped, then planned again.
            Change::ExtraConstraint { table, found } if found.name == NOT_NULL_HELPER => self.push(
                Order::DropConstraint,
                format!("ALTER TABLE {} DROP CONSTRAINT {}", self.table(table), quote_ident(&found.name)),
            ),
            Change::ExtraConstraint { table, found } => self.refusals.push(format!(
                "constraint {} on {table} ({}): not in the ToWow schema: drop it first (ALTER TABLE {} DROP CONSTRAINT {})",
                found.name,
                found.definition,
                self.table(table),
                quote_ident(&found.name)
            )),
            Change::MissingIndex { expected, .. } => self.create_index(expected),
            Change::IndexDefinition { expected, found, .. } => {
                self.drop_index(found);
                self.create_index(expected);
            }
            Change::InvalidIndex { index, .. } => {
                self.drop_index(index);
                // The expected index of that name.
                if let Some(e) =
                    expected.tables.iter().flat_map(|t| &t.indexes).find(|i| i.name == index.name)
                {
                    self.create_index(e);
                }
            }
            Change::IndexName { expected, found, .. } => self.push(
                Order::Rename,
                format!(
                    "ALTER INDEX {} RENAME TO {}",
                    crate::sql::qualified(self.schema, found),
                    quote_ident(expected)
                ),
            ),
            Change::IndexComment { index, expected, .. } => self.comment_index(index, expected.as_deref()),
            Change::ExtraIndex { .. } => {} // kept: an index added for a query is not drift
            Change::MissingTrigger { expected, .. } => self.push(Order::Trigger, expected.definition.clone()),
            Change::TriggerDefinition { table, expected, found } => {
                self.push(
                    Order::Trigger,
                    format!("DROP TRIGGER {} ON {}", quote_ident(&found.name), self.table(table)),
                );
                self.push(Order::Trigger, expected.definition.clone());
            }
            Change::TriggerDisabled { table, trigger } => self.push(
                Order::Trigger,
                format!("ALTER TABLE {} ENABLE TRIGGER {}", self.table(table), quote_ident(trigger)),
            ),
            Change::ExtraTrigger { table, found } => self.refusals.push(format!(
                "trigger {} on {table}: not in the ToWow schema: drop it first (DROP TRIGGER {} ON {})",
                found.name,
                quote_ident(&found.name),
                self.table(table)
            )),
            Change::MissingFunction { definition, .. } | Change::FunctionDefinition { expected: definition, .. } => {
                self.push(Order::Function, definition.clone())
            }
            Change::MissingExtension { name } => {
                self.push(Order::Extension, format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name)))
            }
        }
        Ok(())
    }

    /// Keys and unique constraints are added as they are (their index is built under the lock);
    /// CHECKs and foreign keys NOT VALID first, then validated online. Rows that would break
    /// them are counted first.
    async fn add_constraint(&mut self, client: &Client, table: &str, c: &Constraint) -> Result<()> {
        if !self.rows_ok(client, table, c).await? {
            return Ok(());
        }
        // A CHECK as its migration wrote it: the deparsed form may parse into another tree.
        let definition = match c.kind.as_str() {
            "c" => {
                check_source(&c.name).map(|e| format!("CHECK ({e})")).unwrap_or_else(|| c.definition.clone())
            }
            _ => c.definition.clone(),
        };
        let add =
            format!("ALTER TABLE {} ADD CONSTRAINT {} {definition}", self.table(table), quote_ident(&c.name));
        if matches!(c.kind.as_str(), "c" | "f") {
            self.push(Order::AddConstraint, format!("{add} NOT VALID"));
            self.push(
                Order::Validate,
                format!("ALTER TABLE {} VALIDATE CONSTRAINT {}", self.table(table), quote_ident(&c.name)),
            );
        } else {
            self.push(Order::AddKey, add);
        }
        Ok(())
    }

    /// Count the rows that would break `c`; refuse (naming them) when there are any.
    async fn rows_ok(&mut self, client: &Client, table: &str, c: &Constraint) -> Result<bool> {
        if [Some(table), c.ref_table.as_deref()]
            .iter()
            .flatten()
            .any(|t| self.unsettled.iter().any(|u| u == t))
        {
            return Ok(false);
        }
        let t = self.table(table);
        let cols: Vec<String> = c.columns.iter().map(|x| quote_ident(x)).collect();
        let (count_sql, what, fix) = match c.kind.as_str() {
            "c" => {
                let Some(expr) = &c.expression else { return Ok(true) };
                (
                    format!("SELECT count(*) FROM {t} WHERE ({expr}) IS FALSE"),
                    format!("break {}", c.definition),
                    format!("SELECT * FROM {t} WHERE ({expr}) IS FALSE"),
                )
            }
            "f" => {
                let Some(rt) = &c.ref_table else { return Ok(true) };
                let join: Vec<String> = cols
                    .iter()
                    .zip(&c.ref_columns)
                    .map(|(a, b)| format!("r.{} = x.{a}", quote_ident(b)))
                    .collect();
                let not_null: Vec<String> = cols.iter().map(|a| format!("x.{a} IS NOT NULL")).collect();
                let cond = format!(
                    "{} AND NOT EXISTS (SELECT 1 FROM {} r WHERE {})",
                    not_null.join(" AND "),
                    self.table(rt),
                    join.join(" AND ")
                );
                (
                    format!("SELECT count(*) FROM {t} x WHERE {cond}"),
                    format!("reference no row of {rt} ({})", c.definition),
                    format!("SELECT * FROM {t} x WHERE {cond}"),
                )
            }
            "p" | "u" => {
                let list = cols.join(", ");
                let not_null: Vec<String> = cols.iter().map(|a| format!("{a} IS NOT NULL")).collect();
                let dup = format!(
                    "SELECT {list} FROM {t} WHERE {} GROUP BY {list} HAVING count(*) > 1",
                    not_null.join(" AND ")
                );
                (
                    format!("SELECT count(*) FROM ({dup}) d"),
                    format!("repeat a value of {}", c.definition),
                    dup,
                )
            }
            _ => return Ok(true),
        };
        let n: i64 = client
            .query_typed_one(&count_sql, &[])
            .await
            .pg_context(format!("cannot check the rows of {table} against {}", c.name))?
            .get(0);
        if n > 0 {
            self.refusals.push(format!(
                "constraint {table}.{}: {n} row(s) {what}: fix or delete them first (they are: {fix})",
                c.name
            ));
        }
        Ok(n == 0)
    }

    /// NOT NULL as in V3, per table: NULL rows counted first; a helper CHECK added NOT VALID,
    /// validated online, then SET NOT NULL (which the validated CHECK spares a scan).
    async fn not_null(&mut self, client: &Client, expected: &Catalog, changes: &[Change]) -> Result<()> {
        let mut tables: Vec<(&str, Vec<&str>)> = Vec::new();
        for c in changes {
            if let Change::ColumnNotNull { table, column, expected: true } = c {
                match tables.iter_mut().find(|(t, _)| t == table) {
                    Some((_, cols)) => cols.push(column),
                    None => tables.push((table, vec![column])),
                }
            }
        }
        for (table, cols) in tables {
            let t = self.table(table);
            let counts: Vec<String> =
                cols.iter().map(|c| format!("count(*) FILTER (WHERE {} IS NULL)", quote_ident(c))).collect();
            let row = client
                .query_typed_one(&format!("SELECT ARRAY[{}]::int8[] FROM {t}", counts.join(", ")), &[])
                .await
                .pg_context(format!("cannot count the NULLs of {table}"))?;
            let nulls: Vec<i64> = row.get(0);
            let mut ok = true;
            for (c, n) in cols.iter().zip(&nulls) {
                if *n > 0 {
                    ok = false;
                    let default =
                        expected.table(table).and_then(|t| t.column(c)).and_then(|c| c.default.clone());
                    let q = quote_ident(c);
                    let fix = match default {
                        Some(d) => format!("UPDATE {t} SET {q} = {d} WHERE {q} IS NULL (the ToWow default)"),
                        None => format!("DELETE FROM {t} WHERE {q} IS NULL, or UPDATE them to a real {c}"),
                    };
                    self.refusals.push(format!(
                        "column {table}.{c}: {n} row(s) are NULL, the ToWow schema makes it NOT NULL: {fix}"
                    ));
                }
            }
            if !ok {
                continue;
            }
            let helper = quote_ident(NOT_NULL_HELPER);
            let check: Vec<String> = cols.iter().map(|c| format!("{} IS NOT NULL", quote_ident(c))).collect();
            self.push(
                Order::AddNotNullCheck,
                format!("ALTER TABLE {t} ADD CONSTRAINT {helper} CHECK ({}) NOT VALID", check.join(" AND ")),
            );
            self.push(Order::SetNotNull, format!("ALTER TABLE {t} VALIDATE CONSTRAINT {helper}"));
            let set: Vec<String> =
                cols.iter().map(|c| format!("ALTER COLUMN {} SET NOT NULL", quote_ident(c))).collect();
            self.push(Order::SetNotNull, format!("ALTER TABLE {t} {}", set.join(", ")));
            self.push(Order::SetNotNull, format!("ALTER TABLE {t} DROP CONSTRAINT {helper}"));
        }
        Ok(())
    }

    fn drop_index(&mut self, i: &Index) {
        self.push(
            Order::DropIndex,
            format!("DROP INDEX CONCURRENTLY IF EXISTS {}", crate::sql::qualified(self.schema, &i.name)),
        );
    }

    fn comment_index(&mut self, index: &str, comment: Option<&str>) {
        let comment = comment.map(crate::sql::quote_literal).unwrap_or_else(|| "NULL".into());
        self.push(
            Order::Comment,
            format!("COMMENT ON INDEX {} IS {comment}", crate::sql::qualified(self.schema, index)),
        );
    }

    fn create_index(&mut self, i: &Index) {
        let sql = i.definition.replacen("CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1).replacen(
            "CREATE UNIQUE INDEX ",
            "CREATE UNIQUE INDEX CONCURRENTLY ",
            1,
        );
        self.push(Order::CreateIndex, sql);
        if let Some(c) = &i.comment {
            self.comment_index(&i.name, Some(c));
        }
    }
}
