//! `retention`: delete the rows older than a cut-off without blocking the application.
//!
//! The plan comes first and changes nothing: the table and the column are checked (a timestamp
//! or a date), the cut-off is fixed once from the server's clock (so a long run does not chase a
//! moving target), and a partitioned table's tree is walked: partitions wholly older than the
//! cut-off are removed whole ([`detach`]), those wholly newer are left alone, and only what
//! straddles the cut-off (and a default partition) is deleted row by row, in batches
//! ([`batch`]). Partitions an earlier run detached but did not drop are finished first. The
//! tables that reference it with an `ON DELETE` action are found too ([`cascade`]): what their
//! rows lose is counted before anything is asked, and counted into each batch's size.
//!
//! The run then works through the plan, one short transaction per batch, and stops cleanly on
//! Ctrl-C (after the batch in flight; a second Ctrl-C abandons it), at `--max-duration`, or on an
//! error; what it did is in the [`report::RunReport`] either way. `VACUUM (ANALYZE)` follows on
//! every table it deleted from (the cascades' too), unless told otherwise.

pub mod batch;
pub mod cascade;
pub mod detach;
pub mod report;
mod run;

pub use run::{Interrupt, RunOptions, run};

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use self::detach::How;
use self::report::{DryPart, DryRule, DryRunReport};
use crate::error::Usage;
use crate::maintenance::bounds::{self, Bound};
use crate::maintenance::table::{self, Table, TimeColumn};
use crate::reports::query;

/// Where the cut-off comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Age {
    /// A PostgreSQL interval (`30 days`): the cut-off is the server's `now()` minus it.
    OlderThan(String),
    /// A point in time, as the server parses a `timestamptz`.
    Before(String),
}

/// One retention rule: a table, its time column, the cut-off, and how to delete.
#[derive(Debug, Clone)]
pub struct Rule {
    pub table: String,
    pub column: String,
    pub age: Age,
    pub batch_size: u64,
    pub pause: Duration,
    /// Dump partitions with pg_dump into this folder before dropping them.
    pub archive: Option<PathBuf>,
    pub vacuum: bool,
    /// Let `ON DELETE CASCADE` (or SET NULL) reach the tables that reference this one; without,
    /// a rule whose old rows have such rows there is refused (`--no-cascade`).
    pub cascade: bool,
}

/// Ages (`--older-than`) are read by the one grammar of lengths of time (see [`crate::units`]).
pub use crate::units::parse_age;

/// What the plan does with one table of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Delete the old rows in batches.
    Delete,
    /// Remove the whole partition (wholly older than the cut-off).
    Remove(How),
}

/// One table the plan touches.
#[derive(Debug, Clone)]
pub struct Part {
    pub table: Table,
    /// The partitioned table it belongs (or belonged) to.
    pub parent: Option<Table>,
    pub action: Action,
    /// The key to walk by (None: by ctid), for [`Action::Delete`]: the time column alone when
    /// an index starts with it (`by_time`), else the primary key.
    pub key: Option<Vec<(String, String)>>,
    pub by_time: bool,
    /// The planner's estimate of the rows that go.
    pub estimate: Option<i64>,
    /// A removed partition's size (table, indexes, TOAST).
    pub bytes: i64,
    /// The archive folder of a partition detached by an earlier run (from its marker).
    pub archive: Option<PathBuf>,
}

/// A rule checked against the database, with its cut-off fixed.
#[derive(Debug, Clone)]
pub struct Plan {
    pub rule: Rule,
    pub table: Table,
    pub column: TimeColumn,
    pub cutoff: DateTime<Utc>,
    /// The cut-off in the column's type, as the server prints it.
    pub cutoff_text: String,
    pub parts: Vec<Part>,
    /// Partitions wholly newer than the cut-off, left alone.
    pub untouched: usize,
    /// Notes for the user (partitions being detached by someone else, …).
    pub notes: Vec<String>,
    pub server_version: i32,
    /// The tables whose rows the old ones reach through `ON DELETE` actions.
    pub children: Vec<cascade::Child>,
    /// What those reach, counted ([`count_cascades`]), in the order of `children`.
    pub cascades: Vec<cascade::Counted>,
    /// The old rows of the table itself, counted with the cascades (the fan-out's base).
    pub old_rows: Option<i64>,
    /// Cascades that cannot be counted in advance (a cycle): `--no-cascade` refuses them too.
    pub uncounted: Vec<String>,
}

/// The cut-off, as the server reads it: whether it is finite, how it prints, and the time itself
/// when this program can hold it (before 262143-01-01: chrono's range), else NULL.
const CUTOFF_SQL: &str = "SELECT isfinite(x.t) AS finite, x.t::text AS text, \
     CASE WHEN isfinite(x.t) AND x.t < '262143-01-01 00:00:00+00'::timestamptz THEN x.t END AS at \
     FROM (SELECT {expr} AS t) x";

/// Which range bounds are wholly older (`to <= cut-off`) or wholly newer (`from >= cut-off`).
const CLASSIFY_SQL: &str = "SELECT coalesce(x.t::{ty} <= {cut}, false) AS older, coalesce(x.f::{ty} >= {cut}, false) AS newer \
     FROM unnest($2::text[], $3::text[]) WITH ORDINALITY x(f, t, i) ORDER BY x.i";

/// Tables an earlier run detached and did not drop (their marker names this parent).
const DETACHED_SQL: &str = "
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind = 'p' AS partitioned,
       d.description AS comment
FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND starts_with(d.description, $1)
  AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.relname";

/// The cut-off of `age`, read by the server (so `--before` takes what PostgreSQL reads as a
/// timestamptz). `infinity`, `-infinity` and times past 262142 are refused (exit 2): the first
/// would delete every row, the second none, and retention is for old rows; TRUNCATE empties a
/// table.
async fn cutoff(client: &Client, age: &Age) -> Result<DateTime<Utc>> {
    let (expr, value, flag) = match age {
        Age::OlderThan(interval) => ("now() - $1::text::interval", interval, "--older-than"),
        Age::Before(at) => ("$1::text::timestamptz", at, "--before"),
    };
    let rows =
        query(client, "the cut-off", &CUTOFF_SQL.replace("{expr}", expr), &[(value, Type::TEXT)]).await?;
    let row = &rows[0];
    let (finite, text): (bool, String) = (row.try_get("finite")?, row.try_get("text")?);
    match row.try_get::<_, Option<DateTime<Utc>>>("at")? {
        Some(at) => Ok(at),
        None if !finite => Err(Usage(format!(
            "{flag} {value}: the cut-off is {text}, which would delete {}; give a finite time (TRUNCATE empties a table)",
            if text.starts_with('-') { "nothing" } else { "every row" }
        ))
        .into()),
        None => Err(Usage(format!(
            "{flag} {value}: the cut-off {text} is later than this tool handles (before the year 262143); give a time in the past"
        ))
        .into()),
    }
}

/// Check `rule` against the database and work out what to do. Changes nothing.
pub async fn plan(client: &Client, rule: Rule) -> Result<Plan> {
    let server_version = table::server_version(client).await?;
    let root = table::resolve(client, &rule.table).await?;
    if let Some(dir) = &rule.archive {
        detach::check_archive(server_version, dir).await?;
    }
    let column = table::time_column(client, &root, &rule.column).await?;
    let cutoff = cutoff(client, &rule.age).await?;
    let cutoff_text: String = query(
        client,
        "the cut-off",
        &format!("SELECT ({})::text AS cutoff", column.cutoff_param(1)),
        &[(&cutoff, Type::TIMESTAMPTZ)],
    )
    .await?[0]
        .try_get("cutoff")?;
    let mut plan = Plan {
        rule,
        table: root.clone(),
        column,
        cutoff,
        cutoff_text,
        parts: Vec::new(),
        untouched: 0,
        notes: Vec::new(),
        server_version,
        children: Vec::new(),
        cascades: Vec::new(),
        old_rows: None,
        uncounted: Vec::new(),
    };
    let (children, cycles) = cascade::children(client, &root, &plan.column).await?;
    plan.children = children;
    plan.notes.extend(cycles.iter().cloned());
    plan.uncounted = cycles;
    // Partitions an earlier run detached: finish them first.
    let rows =
        query(client, "detached partitions", DETACHED_SQL, &[(&detach::marker(&root, None), Type::TEXT)])
            .await?;
    for r in &rows {
        let t = Table {
            oid: r.try_get("oid")?,
            schema: r.try_get("schema")?,
            name: r.try_get("name")?,
            partitioned: r.try_get("partitioned")?,
        };
        let comment: String = r.try_get("comment")?;
        plan.parts.push(Part {
            archive: detach::marker_archive(&comment),
            ..part(t, Some(root.clone()), Action::Remove(How::Detached))
        });
    }
    let nodes = table::tree(client, &root, server_version).await?;
    let mut visit: Vec<i64> = vec![root.oid];
    for node in &nodes {
        if !visit.contains(&node.table.oid) {
            continue;
        }
        if !node.table.partitioned {
            plan.parts.push(part(node.table.clone(), None, Action::Delete));
            continue;
        }
        let children: Vec<&table::Node> = nodes.iter().filter(|c| c.parent == Some(node.table.oid)).collect();
        let by_range = node.strategy.as_deref() == Some("range") && node.key == [plan.column.name.clone()];
        let ranges: Vec<(usize, String, String)> = if by_range {
            children
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match bounds::parse(c.bound.as_deref().unwrap_or_default()) {
                    Bound::Range { from, to } if from.len() == 1 => Some((
                        i,
                        from[0].value().map(str::to_string).unwrap_or_default(),
                        to[0].value().map(str::to_string).unwrap_or_default(),
                    )),
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mut side: HashMap<usize, (bool, bool)> = HashMap::new();
        if !ranges.is_empty() {
            let nullable = |s: &String| (!s.is_empty()).then(|| s.clone());
            let froms: Vec<Option<String>> = ranges.iter().map(|r| nullable(&r.1)).collect();
            let tos: Vec<Option<String>> = ranges.iter().map(|r| nullable(&r.2)).collect();
            let sql = CLASSIFY_SQL
                .replace("{ty}", &plan.column.base)
                .replace("{cut}", &plan.column.cutoff_param(1));
            let rows = query(
                client,
                "the partition bounds",
                &sql,
                &[(&cutoff, Type::TIMESTAMPTZ), (&froms, Type::TEXT_ARRAY), (&tos, Type::TEXT_ARRAY)],
            )
            .await?;
            for (r, (i, ..)) in rows.iter().zip(&ranges) {
                side.insert(*i, (r.try_get("older")?, r.try_get("newer")?));
            }
        }
        let has_default = children.iter().any(|c| c.bound.as_deref() == Some("DEFAULT"));
        let concurrently = server_version >= 140000 && !has_default && node.parent.is_none();
        for (i, c) in children.iter().enumerate() {
            let (older, newer) = side.get(&i).copied().unwrap_or((false, false));
            if c.detach_pending {
                if older {
                    plan.parts.push(part(
                        c.table.clone(),
                        Some(node.table.clone()),
                        Action::Remove(How::Pending),
                    ));
                } else {
                    plan.notes.push(format!(
                        "{} is being detached (DETACH CONCURRENTLY) by another session and is not wholly older than the cut-off: left alone",
                        c.table.display()
                    ));
                }
            } else if older {
                plan.parts.push(part(
                    c.table.clone(),
                    Some(node.table.clone()),
                    Action::Remove(How::Attached { concurrently }),
                ));
            } else if newer {
                plan.untouched += 1;
            } else {
                visit.push(c.table.oid);
            }
        }
    }
    for p in &mut plan.parts {
        let r = query(client, "the sizes", detach::SIZE_SQL, &[(&p.table.oid, Type::INT8)]).await?;
        if let Some(r) = r.first() {
            p.bytes = r.try_get("bytes")?;
            p.estimate = r.try_get("rows_estimate")?;
        }
        if p.action == Action::Delete {
            p.by_time = table::has_index_on(client, p.table.oid, &plan.column.name).await?;
            p.key = if p.by_time {
                Some(vec![(plan.column.name.clone(), plan.column.base.clone())])
            } else {
                table::batch_key(client, p.table.oid).await?
            };
            p.estimate = Some(explain_rows(client, &p.table, &plan.column, cutoff).await?);
        }
    }
    Ok(plan)
}

/// Count exactly what the cascades of each plan reach (and the old rows themselves, which a
/// batch's size is measured against), for the dry run and the confirmation; then refuse a rule
/// given `--no-cascade` whose old rows reach any. Changes nothing.
pub async fn count_cascades(client: &Client, plans: &mut [Plan]) -> Result<()> {
    for p in plans.iter_mut().filter(|p| !p.children.is_empty()) {
        p.cascades = cascade::count(client, &p.children, &p.cutoff).await?;
        let sql = format!(
            "SELECT count(*)::int8 AS rows FROM {} WHERE {} < {}",
            p.table.sql(),
            p.column.sql(),
            p.column.cutoff_param(1)
        );
        p.old_rows = Some(
            query(client, "the old rows", &sql, &[(&p.cutoff, Type::TIMESTAMPTZ)]).await?[0]
                .try_get("rows")?,
        );
    }
    for p in plans.iter().filter(|p| !p.rule.cascade) {
        let mut reached: Vec<String> = p.cascades.iter().filter(|c| c.rows > 0).map(cascade_words).collect();
        reached.extend(p.uncounted.iter().cloned());
        if !reached.is_empty() {
            anyhow::bail!(
                "retention of {}: --no-cascade, but its {} old rows reach {}; nothing was changed: delete those rows first (a rule on each of those tables), or drop --no-cascade to let the cascades go with it",
                p.table.display(),
                p.old_rows.unwrap_or_default(),
                reached.join(", ")
            );
        }
    }
    Ok(())
}

/// `295752 rows of public.agent_responses (deleted by ON DELETE CASCADE via agent_responses_demand_id_fkey)`.
pub fn cascade_words(c: &cascade::Counted) -> String {
    format!(
        "{} rows of {} ({} by {} via {})",
        c.rows,
        c.table,
        c.action.verb(),
        c.action.sql(),
        c.via.join(", ")
    )
}

fn part(table: Table, parent: Option<Table>, action: Action) -> Part {
    Part { table, parent, action, key: None, by_time: false, estimate: None, bytes: 0, archive: None }
}

/// The planner's estimate of the rows older than the cut-off in `t`.
async fn explain_rows(client: &Client, t: &Table, col: &TimeColumn, cutoff: DateTime<Utc>) -> Result<i64> {
    let sql = format!(
        "EXPLAIN (FORMAT JSON) SELECT 1 FROM {} WHERE {} < {}",
        t.sql(),
        col.sql(),
        col.cutoff_param(1)
    );
    let rows = query(client, "the planner's estimate", &sql, &[(&cutoff, Type::TIMESTAMPTZ)]).await?;
    // EXPLAIN names its one column so.
    let plan: serde_json::Value = rows[0].try_get("QUERY PLAN")?;
    Ok(plan[0]["Plan"]["Plan Rows"].as_f64().unwrap_or(0.0) as i64)
}

/// Count exactly what a plan would remove: the old rows of each table it deletes from (count,
/// `pg_column_size` bytes, oldest and newest), and every row of each partition it would drop.
/// Changes nothing.
pub async fn dry_run(client: &Client, plans: &[Plan]) -> Result<DryRunReport> {
    let mut rules = Vec::new();
    for p in plans {
        let mut parts = Vec::new();
        for part in &p.parts {
            let c = p.column.sql();
            let filter = if part.action == Action::Delete {
                format!(" WHERE x.{c} < {}", p.column.cutoff_param(1))
            } else {
                String::new()
            };
            let size = if part.action == Action::Delete {
                "coalesce(sum(pg_column_size(x.*)), 0)::int8".to_string()
            } else {
                format!("pg_total_relation_size({})::int8", crate::sql::quote_literal(&part.table.sql()))
            };
            let sql = format!(
                "SELECT count(*)::int8 AS rows, {size} AS bytes, min(x.{c})::text AS oldest, max(x.{c})::text AS newest, \
                        min(x.{c})::timestamptz AS oldest_at, max(x.{c})::timestamptz AS newest_at \
                 FROM {} x{filter}",
                part.table.sql()
            );
            let params: Vec<crate::reports::Param> =
                if part.action == Action::Delete { vec![(&p.cutoff, Type::TIMESTAMPTZ)] } else { vec![] };
            let r = &query(client, "the rows that would go", &sql, &params).await?[0];
            parts.push(DryPart {
                table: part.table.display(),
                action: report::action_name(&part.action).into(),
                rows: r.try_get("rows")?,
                bytes: r.try_get("bytes")?,
                oldest: r.try_get("oldest")?,
                newest: r.try_get("newest")?,
                oldest_at: r.try_get("oldest_at")?,
                newest_at: r.try_get("newest_at")?,
            });
        }
        rules.push(DryRule { cascades: p.cascades.clone(), ..DryRule::new(p, parts) });
    }
    Ok(DryRunReport { rules })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        assert_eq!(parse_age("30d").as_deref(), Ok("30 days"));
        assert_eq!(parse_age("1y").as_deref(), Ok("1 years"));
        assert_eq!(parse_age("6 months").as_deref(), Ok("6 months"));
        assert_eq!(parse_age("6mon").as_deref(), Ok("6 months"));
        assert_eq!(parse_age(" 12H ").as_deref(), Ok("12 hours"));
        assert_eq!(parse_age("90min").as_deref(), Ok("90 minutes"));
        assert!(parse_age("6m").unwrap_err().contains("ambiguous"));
        assert!(parse_age("0d").unwrap_err().contains("more than 0"));
        assert!(parse_age("30").unwrap_err().contains("no unit"));
        assert!(parse_age("-3d").is_err());
        assert!(parse_age("1.5d").is_err());
        assert!(parse_age("3 fortnights").unwrap_err().contains("unknown unit"));
    }
}
