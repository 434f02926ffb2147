//! `partitions ensure`: create the next range partitions of a table partitioned by a timestamp or
//! date, so that `--ahead` of them start after now. The interval (day, week, month, year) and the
//! names (`messages_2024_01` → `messages_2024_02`) are inferred from the existing partitions; no
//! extension is needed.
//!
//! Each partition is made as pg_partman's careful path does, without blocking the application:
//! `CREATE TABLE new (LIKE parent INCLUDING ALL EXCLUDING IDENTITY)` (the parent's indexes,
//! constraints, defaults), then `ALTER TABLE parent ATTACH PARTITION new FOR VALUES …`, which
//! takes only SHARE UPDATE EXCLUSIVE on the parent, where `CREATE TABLE … PARTITION OF` takes
//! ACCESS EXCLUSIVE. One short transaction per partition, with the short `lock_timeout`.
//!
//! Rows already in the default partition for a new range would make the attach fail: they are
//! counted first, and `ensure` refuses (creating nothing) while any are there.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::NaiveDateTime;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::{PartitionedTable, read};
use crate::maintenance::bounds::{self, Interval, NamePattern};
use crate::maintenance::in_short_transaction;
use crate::maintenance::table;
use crate::output::check::{Check, Thresholds};
use crate::output::report::{Report, Section};
use crate::reports::{Filter, query};
use crate::sql::{quote_ident, quote_literal};

/// The most partitions one `ensure` creates for a table (a runaway guard: daily partitions last
/// made years ago).
pub const MAX_NEW: usize = 400;

#[derive(Debug, Clone)]
pub struct EnsureOptions {
    /// `SCHEMA.TABLE` or `TABLE` names.
    pub tables: Vec<String>,
    /// Partitions that must start after now.
    pub ahead: u32,
    pub interval: Option<Interval>,
    pub name_pattern: Option<String>,
    /// Read and write the bounds as local times of this zone (default: the session's).
    pub time_zone: Option<String>,
    pub dry_run: bool,
    pub lock_timeout: Duration,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewPartition {
    pub schema: String,
    pub name: String,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    /// How long its transaction took (null in a dry run).
    pub millis: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ensured {
    pub table: String,
    pub interval: Interval,
    /// The names, as a strftime pattern of the lower bound.
    pub name_pattern: String,
    pub future_partitions_before: i64,
    pub created: Vec<NewPartition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnsureReport {
    pub dry_run: bool,
    pub ahead: u32,
    pub tables: Vec<Ensured>,
}

/// Rows of the default partition (`{default}`, key `{key}` of type `{ty}`) in each new range.
const DEFAULT_CONFLICTS_SQL: &str = "SELECT x.i::int8 AS number, (SELECT count(*) FROM {default} d \
       WHERE d.{key} >= x.f::{ty} AND d.{key} < x.t::{ty})::int8 AS rows \
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY x(f, t, i) ORDER BY x.i";

/// Names taken by a table that is not a partition of the parent `$3` (one that a concurrent
/// `ensure` attached meanwhile is not in the way: the creation skips it).
const TAKEN_SQL: &str = "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = $1 AND c.relname = ANY ($2) \
       AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = $3::int8::oid) \
     ORDER BY 1";

/// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are cut.
const MAX_NAME_BYTES: usize = 63;

/// Key class of the advisory lock that concurrent `ensure` runs on one table take (`"towp"`),
/// with the table's oid.
const ENSURE_LOCK_CLASS: i64 = 0x746f_7770;

/// The advisory lock key of `ensure` on the table `oid`.
fn ensure_lock_key(oid: i64) -> i64 {
    (ENSURE_LOCK_CLASS << 32) | (oid & 0xffff_ffff)
}

/// Names that PostgreSQL would not keep as given (over 63 bytes), and names given to several new
/// partitions (a pattern coarser than the interval, such as `%Y` for months): both refused before
/// the first CREATE.
fn name_problems(created: &[NewPartition]) -> Option<String> {
    if let Some(p) = created.iter().find(|p| p.name.len() > MAX_NAME_BYTES) {
        return Some(format!(
            "the partition name {} is {} bytes long, over PostgreSQL's {MAX_NAME_BYTES} (it would be cut, and names could collide): give a shorter --name-pattern",
            p.name,
            p.name.len()
        ));
    }
    for (i, p) in created.iter().enumerate() {
        if let Some(q) = created[i + 1..].iter().find(|q| q.name == p.name) {
            return Some(format!(
                "the name pattern gives {} to two new partitions ({} to {}, and {} to {}): it must tell every interval apart (e.g. %Y_%m for months)",
                p.name, p.from, p.to, q.from, q.to
            ));
        }
    }
    None
}

const TABLESPACE_SQL: &str = "SELECT t.spcname::text FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE c.oid = $1::int8::oid";

/// A bound as a literal of the key's type, in the session's (or `--time-zone`'s) local time.
fn literal(t: NaiveDateTime, key_type: &str) -> String {
    if key_type == "date" {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S%.f").to_string()
    }
}

/// `SET LOCAL TimeZone` for transactions that read or write local bounds, when one is given.
fn set_zone(tz: Option<&str>) -> String {
    tz.map(|z| format!("SET LOCAL TimeZone = {}; ", quote_literal(z))).unwrap_or_default()
}

/// Create the missing partitions of every table of `opts` (all are checked before any is made).
pub async fn ensure(client: &Client, opts: &EnsureOptions) -> Result<EnsureReport> {
    let mut plans = Vec::new();
    for name in &opts.tables {
        plans.push(plan(client, name, opts).await?);
    }
    let mut out = EnsureReport { dry_run: opts.dry_run, ahead: opts.ahead, tables: Vec::new() };
    for (t, mut e) in plans {
        if !opts.dry_run {
            let parent = crate::sql::qualified(&t.schema, &t.table);
            let space =
                query(client, "the table's tablespace", TABLESPACE_SQL, &[(&t.oid, Type::INT8)]).await?;
            let space =
                space.first().map(|r| format!(" TABLESPACE {}", quote_ident(r.get(0)))).unwrap_or_default();
            let ty = t.key_type.clone().unwrap_or_default();
            for p in &mut e.created {
                let started = Instant::now();
                let new = crate::sql::qualified(&p.schema, &p.name);
                // Concurrent runs on this table take turns, and one that finds the partition made
                // (and attached) by another meanwhile leaves it: the same names come from the same
                // pattern, so both end in the same state and exit 0. A table of that name that is
                // not its partition is an error, as at planning.
                let create = format!(
                    "CREATE TABLE {new} (LIKE {parent} INCLUDING ALL EXCLUDING IDENTITY){space}; \
                     ALTER TABLE {parent} ATTACH PARTITION {new} FOR VALUES FROM ({}) TO ({});",
                    quote_literal(&literal(p.from, &ty)),
                    quote_literal(&literal(p.to, &ty)),
                );
                if create.contains("$towow_ensure$") {
                    bail!(
                        "{new}: the name holds `$towow_ensure$`; rename the table or give another --name-pattern"
                    );
                }
                let sql = format!(
                    "{}SELECT pg_advisory_xact_lock({key}); \
                     DO $towow_ensure$ BEGIN \
                       IF to_regclass({reg}) IS NULL THEN {create} \
                       ELSIF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass({reg}) AND inhparent = {oid}::oid) THEN \
                         RAISE EXCEPTION USING ERRCODE = '42P07', MESSAGE = {taken}; \
                       END IF; \
                     END $towow_ensure$",
                    set_zone(opts.time_zone.as_deref()),
                    key = ensure_lock_key(t.oid),
                    reg = quote_literal(&new),
                    oid = t.oid,
                    taken = quote_literal(&format!(
                        "a table named {new} exists but is not a partition of {parent}: rename or attach it first"
                    )),
                );
                in_short_transaction(
                    client,
                    &sql,
                    opts.lock_timeout,
                    &format!("create the partition {}.{}", p.schema, p.name),
                )
                .await?;
                p.millis = Some(started.elapsed().as_millis() as u64);
            }
        }
        out.tables.push(e);
    }
    Ok(out)
}

/// Work out the new partitions of one table; checks everything, changes nothing.
async fn plan(client: &Client, name: &str, opts: &EnsureOptions) -> Result<(PartitionedTable, Ensured)> {
    let found = table::resolve(client, name).await?;
    if !found.partitioned {
        bail!("{} is not a partitioned table", found.display());
    }
    let filter = Filter { schemas: vec![found.schema.clone()], tables: vec![found.name.clone()] };
    let report = read(client, &filter, opts.time_zone.as_deref()).await?;
    let Some(t) = report.tables.into_iter().find(|t| t.oid == found.oid) else {
        bail!("{} is a partition itself: ensure the partitions of its top-level table", found.display())
    };
    if !t.time_key() {
        bail!(
            "{} is partitioned by {}: ensure makes range partitions on one timestamp or date column",
            t.display(),
            t.key
        );
    }
    if t.partitions.iter().any(|p| p.subpartitioned) {
        bail!("{}'s partitions are themselves partitioned: ensure does not handle two levels", t.display());
    }
    let ranges = t.ranges();
    let Some(last) = ranges.iter().filter(|r| r.from.is_some()).max_by_key(|r| r.from).cloned() else {
        bail!(
            "{} has no range partition to learn the interval and the names from: create the first one by hand",
            t.display()
        )
    };
    let tz = &report.time_zone;
    let interval = match opts.interval {
        Some(i) => i,
        None => bounds::infer_interval(&ranges).ok_or_else(|| {
            anyhow::anyhow!(
                "cannot infer the interval of {} from its latest partition {} ({} to {}): not one day, week, month or year in time zone {tz}; give --interval (and --time-zone if they were made in another)",
                t.display(),
                last.name,
                last.from.map(|f| f.to_string()).unwrap_or_default(),
                last.to.map(|f| f.to_string()).unwrap_or_else(|| "MAXVALUE".into()),
            )
        })?,
    };
    if last.from.is_some_and(|f| !bounds::is_midnight(f)) {
        bail!(
            "the bounds of {}'s partitions are not at midnight in time zone {tz} ({} starts {}): they were made in another time zone; give it with --time-zone",
            t.display(),
            last.name,
            last.from.map(|f| f.to_string()).unwrap_or_default()
        );
    }
    let pattern = match &opts.name_pattern {
        Some(p) => NamePattern::parse(p)?,
        None => NamePattern::infer(&ranges).ok_or_else(|| {
            anyhow::anyhow!(
                "cannot infer how {}'s partitions are named (the latest is {}): give --name-pattern, e.g. '{}_%Y_%m'",
                t.display(),
                last.name,
                t.table
            )
        })?,
    };
    let Some(mut next) = bounds::covered_until(&ranges) else {
        bail!("{} has a partition up to MAXVALUE: there is nothing after it to create", t.display())
    };
    let coverage = t.coverage.clone().expect("a time key has its coverage");
    let mut future = coverage.future_partitions;
    let mut created = Vec::new();
    while next <= report.now || future < opts.ahead as i64 {
        let Some(to) = interval.add(next, 1) else {
            bail!("{}: the calendar ends after {next}", t.display())
        };
        if next > report.now {
            future += 1;
        }
        created.push(NewPartition {
            schema: ranges_schema(&t, &last.name),
            name: pattern.name(next),
            from: next,
            to,
            millis: None,
        });
        if created.len() > MAX_NEW {
            bail!(
                "{} would need more than {MAX_NEW} new partitions (its last one ends {}): create the partition for now by hand, or detach the old ones first",
                t.display(),
                coverage.covered_until.map(|c| c.to_string()).unwrap_or_default()
            );
        }
        next = to;
    }
    if let Some(why) = name_problems(&created) {
        bail!("{}: {why}; nothing was created", t.display());
    }
    let names: Vec<String> = created.iter().map(|p| p.name.clone()).collect();
    if let Some(p) = created.first() {
        let taken: Vec<String> = query(
            client,
            "the names",
            TAKEN_SQL,
            &[(&p.schema, Type::TEXT), (&names, Type::TEXT_ARRAY), (&t.oid, Type::INT8)],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
        if !taken.is_empty() {
            bail!(
                "{}: a table named {} already exists in schema {} but is not a partition of it: rename or attach it first",
                t.display(),
                taken.join(", "),
                p.schema
            );
        }
    }
    if let (Some(d), false) = (t.partitions.iter().find(|p| p.bound == "DEFAULT"), created.is_empty()) {
        let default = format!("{}.{}", d.schema, d.name);
        let ty = t.key_type.clone().unwrap_or_default();
        let key = quote_ident(t.key_column.as_deref().unwrap_or_default());
        let sql = DEFAULT_CONFLICTS_SQL
            .replace("{default}", &crate::sql::qualified(&d.schema, &d.name))
            .replace("{key}", &key)
            .replace("{ty}", &ty);
        let froms: Vec<String> = created.iter().map(|p| literal(p.from, &ty)).collect();
        let tos: Vec<String> = created.iter().map(|p| literal(p.to, &ty)).collect();
        let zone = set_zone(opts.time_zone.as_deref());
        if !zone.is_empty() {
            client.batch_execute(&format!("BEGIN; {zone}")).await?;
        }
        let counted = query(
            client,
            "the default partition's rows",
            &sql,
            &[(&froms, Type::TEXT_ARRAY), (&tos, Type::TEXT_ARRAY)],
        )
        .await;
        if !zone.is_empty() {
            let _ = client.batch_execute("COMMIT").await;
        }
        let conflicts: Vec<String> = counted?
            .iter()
            .filter(|r| r.get::<_, i64>("rows") > 0)
            .map(|r| {
                let p = &created[(r.get::<_, i64>("number") - 1) as usize];
                let n = crate::output::cells::plural(r.get::<_, i64>("rows"), "row", "rows");
                format!("{n} for {} ({} to {})", p.name, p.from, p.to)
            })
            .collect();
        if !conflicts.is_empty() {
            bail!(
                "{}: the default partition {default} holds rows dated in the new partitions' ranges ({}); \
                 a partition cannot be attached over them. Nothing was created. Move them out first (e.g. \
                 copy them aside, delete them from the default partition, run ensure, insert them again \
                 through {})",
                t.display(),
                conflicts.join("; "),
                t.display()
            );
        }
    }
    let e = Ensured {
        table: t.display(),
        interval,
        name_pattern: pattern.display(),
        future_partitions_before: coverage.future_partitions,
        created,
    };
    Ok((t, e))
}

/// The schema new partitions go into: that of the latest partition.
fn ranges_schema(t: &PartitionedTable, latest: &str) -> String {
    t.partitions
        .iter()
        .find(|p| p.name == latest)
        .map(|p| p.schema.clone())
        .unwrap_or_else(|| t.schema.clone())
}

impl Report for EnsureReport {
    fn sections(&self) -> Vec<Section> {
        let rows = self
            .tables
            .iter()
            .flat_map(|e| {
                e.created.iter().map(move |p| {
                    vec![
                        e.table.clone(),
                        format!("{}.{}", p.schema, p.name),
                        p.from.to_string(),
                        p.to.to_string(),
                        p.millis.map(|m| format!("{m} ms")).unwrap_or_else(|| "-".into()),
                    ]
                })
            })
            .collect();
        vec![Section {
            title: if self.dry_run {
                "Partitions that would be created (dry run)".into()
            } else {
                "Partitions created".into()
            },
            headers: vec!["table", "partition", "from", "to", "time"],
            rows,
            empty: "none: enough partitions exist",
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        self.tables
            .iter()
            .map(|e| {
                format!(
                    "{}: {} partitions named {}; {} started after now, {} now{}",
                    e.table,
                    e.interval.as_str(),
                    e.name_pattern,
                    e.future_partitions_before,
                    e.future_partitions_before.max(self.ahead as i64),
                    if self.dry_run { " (after a real run)" } else { "" }
                )
            })
            .collect()
    }

    fn checks(&self, _: &Thresholds) -> Vec<Check> {
        Vec::new()
    }
}
