//! refinery's history table: what was applied, compared with what this binary ships.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::*;
use crate::error::PgContext;

/// A row of refinery's history table.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub version: i32,
    pub name: String,
    pub applied_on: String,
    pub checksum: String,
}

/// How the comment of a database that `backup restore` created starts while the restore has not
/// finished (see `admin::backup::restore`); [`applied`] refuses such a database.
pub const INCOMPLETE_RESTORE: &str = "towow-db: an incomplete restore";

/// The history rows of the connected database, or `None` when the table does not exist.
pub async fn applied(client: &Client) -> Result<Option<Vec<Applied>>> {
    let row = client
        .query_typed_one(
            "SELECT to_regclass($1) IS NOT NULL AS history, d.datname::text AS database, \
                    shobj_description(d.oid, 'pg_database') AS comment \
             FROM pg_database d WHERE d.datname = current_database()",
            &[(&HISTORY_TABLE, Type::TEXT)],
        )
        .await
        .pg_context("cannot look for the migration history")?;
    // A restore that never finished (killed, failed) leaves tables and a history that cannot be
    // trusted: nothing reads that history as the schema's.
    let comment: Option<String> = row.try_get("comment")?;
    if let Some(c) = comment.as_deref().filter(|c| c.starts_with(INCOMPLETE_RESTORE)) {
        let database: String = row.try_get("database")?;
        bail!(
            "database \"{database}\" is {}: its tables and migration history are not to be trusted; drop it (DROP DATABASE) and restore again",
            c.trim_start_matches("towow-db: ")
        );
    }
    let exists: bool = row.try_get("history")?;
    if !exists {
        return Ok(None);
    }
    let rows = client
        .query_typed(
            &format!(
                "SELECT version::int4 AS version, coalesce(name, '') AS name, \
                        coalesce(applied_on, '') AS applied_on, coalesce(checksum, '') AS checksum \
                 FROM {HISTORY_TABLE} ORDER BY version"
            ),
            &[],
        )
        .await
        .pg_context("cannot read the migration history")?;
    let applied = rows.iter().map(|r| {
        Ok(Applied {
            version: r.try_get("version")?,
            name: r.try_get("name")?,
            applied_on: r.try_get("applied_on")?,
            checksum: r.try_get("checksum")?,
        })
    });
    Ok(Some(applied.collect::<Result<_>>()?))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Applied,
    Pending,
    /// Applied, but the applied checksum differs from the shipped file.
    Modified,
    /// Applied, but no longer shipped.
    Missing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Modified => "modified",
            State::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusRow {
    pub version: i32,
    pub name: String,
    pub state: State,
    pub applied_on: Option<String>,
    pub no_transaction: bool,
    pub has_down: bool,
    pub checksum: Option<String>,
    pub applied_checksum: Option<String>,
}

/// Compare the shipped migrations with the history rows.
pub fn compare(shipped: &[Shipped], applied: &[Applied]) -> Vec<StatusRow> {
    let mut rows: BTreeMap<i32, StatusRow> = BTreeMap::new();
    for s in shipped {
        rows.insert(
            s.version,
            StatusRow {
                version: s.version,
                name: s.name.clone(),
                state: State::Pending,
                applied_on: None,
                no_transaction: s.no_transaction(),
                has_down: s.down.is_some(),
                checksum: Some(s.checksum()),
                applied_checksum: None,
            },
        );
    }
    for a in applied {
        match rows.get_mut(&a.version) {
            Some(r) => {
                r.state = if Some(&a.checksum) == r.checksum.as_ref() && a.name == r.name {
                    State::Applied
                } else {
                    State::Modified
                };
                r.applied_on = Some(a.applied_on.clone());
                r.applied_checksum = Some(a.checksum.clone());
            }
            None => {
                rows.insert(
                    a.version,
                    StatusRow {
                        version: a.version,
                        name: a.name.clone(),
                        state: State::Missing,
                        applied_on: Some(a.applied_on.clone()),
                        no_transaction: false,
                        has_down: false,
                        checksum: None,
                        applied_checksum: Some(a.checksum.clone()),
                    },
                );
            }
        }
    }
    rows.into_values().collect()
}

/// Status of every known migration on the connected database.
pub async fn status(client: &Client) -> Result<Vec<StatusRow>> {
    let shipped = shipped()?;
    let applied = applied(client).await?.unwrap_or_default();
    Ok(compare(&shipped, &applied))
}

pub(crate) fn problems(rows: &[StatusRow]) -> Vec<String> {
    let max_applied = rows.iter().filter(|r| r.state != State::Pending).map(|r| r.version).max();
    let mut out = Vec::new();
    for r in rows {
        match r.state {
            State::Modified => out.push(format!(
                "V{}__{}: applied with checksum {} but the shipped file has {} (the file was edited after it was applied)",
                r.version,
                r.name,
                r.applied_checksum.as_deref().unwrap_or("?"),
                r.checksum.as_deref().unwrap_or("?")
            )),
            State::Missing => out.push(format!(
                "V{}__{}: applied on {} but not shipped in this towow-db (file removed or an older binary)",
                r.version,
                r.name,
                r.applied_on.as_deref().unwrap_or("?")
            )),
            State::Pending if max_applied.is_some_and(|m| m > r.version) => out.push(format!(
                "V{}__{}: not applied although later V{} is (added out of order)",
                r.version,
                r.name,
                max_applied.unwrap_or_default()
            )),
            _ => {}
        }
    }
    out
}

/// refinery's own `CREATE TABLE IF NOT EXISTS` for its history table (int4 versions).
pub const CREATE_HISTORY: &str = concat!(
    "CREATE TABLE IF NOT EXISTS ",
    history_table!(),
    "(
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255));"
);

/// Record one applied migration, as refinery does.
pub const INSERT_HISTORY: &str = concat!(
    "INSERT INTO ",
    history_table!(),
    " (version, name, applied_on, checksum) VALUES ($1, $2, $3, $4)"
);

/// Forget one rolled-back migration.
pub const DELETE_HISTORY: &str = concat!("DELETE FROM ", history_table!(), " WHERE version = $1");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_states() {
        let s = shipped().unwrap();
        let applied = vec![
            Applied {
                version: 1,
                name: "initial_tables".into(),
                applied_on: "t".into(),
                checksum: s[0].checksum(),
            },
            Applied {
                version: 2,
                name: "recommended_indexes".into(),
                applied_on: "t".into(),
                checksum: "1".into(),
            },
            Applied { version: 99, name: "gone".into(), applied_on: "t".into(), checksum: "2".into() },
        ];
        let rows = compare(&s, &applied);
        let states: Vec<_> = rows.iter().map(|r| (r.version, r.state)).collect();
        assert_eq!(states[0], (1, State::Applied));
        assert_eq!(states[1], (2, State::Modified));
        assert_eq!(*states.last().unwrap(), (99, State::Missing));
        // V2 modified, V99 missing, and each pending one (V3…) older than the applied V99.
        assert_eq!(problems(&rows).len(), 2 + (s.len() - 2), "{:?}", problems(&rows));
    }
}
