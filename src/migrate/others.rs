//! Other migration tools: a database whose schema Alembic (`alembic_version`), Flyway
//! (`flyway_schema_history`), Prisma (`_prisma_migrations`), sqlx (`_sqlx_migrations`) or
//! refinery for another app (a `refinery_schema_history` none of whose rows is a ToWow
//! migration) manages is that tool's: `migrate status` names it and its revision instead of
//! listing ToWow's migrations as pending, and `migrate`, `migrate verify` and `init` leave it
//! alone unless told (`--force`). The reports do not care: they work on any database.

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Type;

use super::*;
use crate::error::PgContext;

/// A migration tool's history found in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherTool {
    /// `Alembic`, `Flyway`, `Prisma`, `sqlx` or `refinery`.
    pub tool: String,
    /// Its history table.
    pub table: String,
    /// Its newest applied revision (none when it records none, or it cannot be read).
    pub revision: Option<String>,
}

impl OtherTool {
    /// `Alembic (alembic_version, revision 3f2a9c1d7b4e)`.
    pub fn describe(&self) -> String {
        match &self.revision {
            Some(r) => format!("{} ({}, revision {r})", self.tool, self.table),
            None => format!("{} ({}, no applied revision)", self.tool, self.table),
        }
    }

    /// Why towow-db leaves `database` alone (`what`), and how to make it go on anyway
    /// (`remedy`: the command with `--force`).
    pub fn refusal(&self, database: &str, what: &str, remedy: &str) -> String {
        format!(
            "database \"{database}\" is managed by {}, not by towow-db: {what}; nothing was changed. \
             If the ToWow tables belong there too: {remedy}",
            self.describe()
        )
    }
}

/// Each tool, its table, and the query of its newest applied revision (column `revision`).
const TOOLS: &[(&str, &str, &str)] = &[
    (
        "Alembic",
        "alembic_version",
        "SELECT string_agg(version_num::text, ', ' ORDER BY version_num) AS revision FROM alembic_version",
    ),
    (
        "Flyway",
        "flyway_schema_history",
        "SELECT version::text AS revision FROM flyway_schema_history \
         WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1",
    ),
    (
        "Prisma",
        "_prisma_migrations",
        "SELECT migration_name::text AS revision FROM _prisma_migrations \
         WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name DESC LIMIT 1",
    ),
    (
        "sqlx",
        "_sqlx_migrations",
        "SELECT version::text AS revision FROM _sqlx_migrations WHERE success ORDER BY version DESC LIMIT 1",
    ),
];

/// Which of the tools' tables are on the search path.
const PRESENT_SQL: &str = "SELECT t AS name FROM unnest($1::text[]) WITH ORDINALITY AS u(t, o) \
     WHERE to_regclass(quote_ident(t)) IS NOT NULL ORDER BY o";

/// The other tools whose history is in the database (on the search path).
pub async fn other_tools<C: GenericClient>(client: &C) -> Result<Vec<OtherTool>> {
    let names: Vec<String> = TOOLS.iter().map(|(_, t, _)| t.to_string()).collect();
    let rows = client
        .query_typed(PRESENT_SQL, &[(&names, Type::TEXT_ARRAY)])
        .await
        .pg_context("cannot look for other migration tools' history")?;
    let mut out = Vec::new();
    for r in &rows {
        let table: String = r.try_get("name")?;
        let Some((tool, _, sql)) = TOOLS.iter().find(|(_, t, _)| *t == table) else { continue };
        // Its own table, its own columns: a table of that name that is not the tool's (or
        // that the role may not read) is still named, without a revision.
        let revision = match client.query_typed_opt(sql, &[]).await {
            Ok(row) => row.and_then(|r| r.try_get::<_, Option<String>>("revision").ok().flatten()),
            Err(e) => {
                tracing::debug!("cannot read the revision in {table}: {}", crate::error::pg_message(&e));
                None
            }
        };
        out.push(OtherTool { tool: tool.to_string(), table, revision });
    }
    Ok(out)
}

/// Whether the history rows are ToWow's: one of them is a shipped migration (version and name).
pub fn is_towow_history(applied: &[Applied], shipped: &[Shipped]) -> bool {
    applied.iter().any(|a| shipped.iter().any(|s| s.version == a.version && s.name == a.name))
}

/// The tool that manages the database instead of towow-db, if any: refinery for another app
/// (history rows, none of them ToWow's), else the first other tool found, when no ToWow
/// migration is recorded.
pub async fn managed_by<C: GenericClient>(
    client: &C,
    applied: &[Applied],
) -> Result<(Option<OtherTool>, Vec<OtherTool>)> {
    let others = other_tools(client).await?;
    if is_towow_history(applied, &shipped()?) {
        return Ok((None, others));
    }
    if let Some(last) = applied.last() {
        let refinery = OtherTool {
            tool: "refinery".into(),
            table: HISTORY_TABLE.into(),
            revision: Some(last.version.to_string()),
        };
        return Ok((Some(refinery), others));
    }
    Ok((others.first().cloned(), others))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_history_is_towow_s_when_a_row_is_a_shipped_migration() {
        let s = shipped().unwrap();
        let a = |v: i32, n: &str| Applied {
            version: v,
            name: n.into(),
            applied_on: String::new(),
            checksum: "1".into(),
        };
        assert!(is_towow_history(&[a(1, "initial_tables")], &s), "a modified checksum is still ToWow's");
        assert!(!is_towow_history(&[a(1, "create_users"), a(2, "create_sessions")], &s));
        assert!(!is_towow_history(&[], &s));
        let t = OtherTool {
            tool: "Alembic".into(),
            table: "alembic_version".into(),
            revision: Some("ab12".into()),
        };
        let m = t.refusal("crm", "its migrations are not ToWow's", "`towow-db migrate --force`");
        assert!(
            m.starts_with("database \"crm\" is managed by Alembic (alembic_version, revision ab12)"),
            "{m}"
        );
        assert!(m.contains("--force"), "{m}");
    }
}
