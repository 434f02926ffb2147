//! Least-privilege roles (section 6.2 of the ToWow document): `towow_app` (DML only),
//! `towow_migrate` (DDL: it owns the ToWow objects) and an optional read-only role.
//!
//! Ownership model: only an owner may `CREATE INDEX`, `ALTER` or `DROP` a table, so `GRANT ALL`
//! alone would not let `towow_migrate` run V2 or the down scripts on tables an administrator
//! created. `roles create` therefore makes `towow_migrate` the owner of the ToWow tables, their
//! trigger function and the migration history, and sets default privileges *for role
//! `towow_migrate`* (and for the administrator running it), so that whatever later migrations
//! create is open to `towow_app` at once. To do that, an administrator who is not a superuser
//! becomes a member of `towow_migrate` (as RDS's master user is of the roles it manages).
//!
//! Passwords never travel in clear: the SCRAM-SHA-256 verifier is computed here (as libpq's
//! `PQencryptPasswordConn` and psql's `\password` do), so `log_statement = ddl` logs a verifier.
//! Everything runs in one transaction (so it also works through a transaction pooler).

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, GenericClient};

use crate::connect::Db;
use crate::error::PgContext;
use crate::migrate::{HISTORY_TABLE, TOWOW_TABLES};
use crate::sql::{qualified, quote_ident, quote_literal};

/// Advisory lock key held (per transaction) by `roles create` ("towowrl").
const ROLES_LOCK_KEY: i64 = 0x0074_6f77_6f77_726c;

/// A role to create or update. `Debug` never shows the password.
#[derive(Clone)]
pub struct RoleSpec {
    pub name: String,
    pub kind: RoleKind,
    /// `None`: keep the password of an existing role.
    pub password: Option<String>,
}

impl std::fmt::Debug for RoleSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoleSpec")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleKind {
    /// DML on the ToWow tables: the application's runtime role.
    App,
    /// DDL: owns the ToWow objects, runs `towow-db migrate`.
    Migrate,
    /// SELECT only.
    Readonly,
}

impl RoleKind {
    /// The environment variable that holds this role's password.
    pub fn password_env(self) -> &'static str {
        match self {
            RoleKind::App => "TOWOW_APP_PASSWORD",
            RoleKind::Migrate => "TOWOW_MIGRATE_PASSWORD",
            RoleKind::Readonly => "TOWOW_READONLY_PASSWORD",
        }
    }
}

/// Check a role name before it reaches SQL (it is always quoted as well).
pub fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 63 {
        bail!("role name `{name}` must have 1 to 63 characters");
    }
    if name.starts_with("pg_") {
        bail!("role name `{name}`: names starting with pg_ are reserved by PostgreSQL");
    }
    if name.eq_ignore_ascii_case("public") {
        bail!("role name `{name}` is reserved");
    }
    Ok(())
}

/// Which of `names` exist already.
pub async fn existing(client: &impl GenericClient, names: &[String]) -> Result<Vec<String>> {
    Ok(client
        .query_typed(
            "SELECT rolname::text FROM pg_roles WHERE rolname::text = ANY($1)",
            &[(&names, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot look up the roles")?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleOutcome {
    pub role: String,
    pub kind: RoleKind,
    pub created: bool,
    pub password_set: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreateReport {
    pub database: String,
    pub schema: String,
    pub roles: Vec<RoleOutcome>,
    /// Objects whose owner became the migrate role.
    pub owner_changed: Vec<String>,
    /// Notes on what else changed (membership, PUBLIC's CREATE on the schema).
    pub notes: Vec<String>,
}

/// The SCRAM-SHA-256 verifier of `password` (random salt, 4096 iterations), as PostgreSQL stores it.
pub fn scram_verifier(password: &str) -> String {
    postgres_protocol::password::scram_sha_256(password.as_bytes())
}

async fn one_bool(
    c: &impl GenericClient,
    sql: &str,
    params: &[(&(dyn tokio_postgres::types::ToSql + Sync), Type)],
) -> Result<bool> {
    Ok(c.query_typed(sql, params)
        .await
        .pg_context("cannot read the catalog")?
        .first()
        .is_some_and(|r| r.get(0)))
}

/// Create or update the roles and their privileges on `schema` of the connected database, in
/// one transaction. `keep_owner` leaves the owner of existing ToWow objects alone.
pub async fn create(db: &Db, specs: &[RoleSpec], schema: &str, keep_owner: bool) -> Result<CreateReport> {
    for s in specs {
        validate_name(&s.name)?;
    }
    let find = |k: RoleKind| specs.iter().find(|s| s.kind == k).map(|s| s.name.clone());
    let (Some(app), Some(migrate)) = (find(RoleKind::App), find(RoleKind::Migrate)) else {
        bail!("both the app and the migrate role are needed");
    };
    let readonly = find(RoleKind::Readonly);
    let mut client = db.get().await?;
    let tx = client.transaction().await.pg_context("cannot begin")?;
    // Concurrent runs on one database take turns (the catalog rows they update would otherwise
    // fail with `tuple concurrently updated`); each then sees the roles the others created.
    tx.query_typed("SELECT pg_advisory_xact_lock($1)", &[(&ROLES_LOCK_KEY, Type::INT8)])
        .await
        .pg_context("cannot take the roles lock (another `roles create` is running)")?;
    let s = quote_ident(schema);
    if !one_bool(
        &*tx,
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
        &[(&schema, Type::TEXT)],
    )
    .await?
    {
        bail!("schema \"{schema}\" does not exist in database \"{}\"", db.cfg.dbname_or_default());
    }
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let before = existing(&*tx, &names).await?;
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    for spec in specs {
        let q = quote_ident(&spec.name);
        let created = !before.contains(&spec.name);
        let password = match &spec.password {
            Some(p) => format!(" PASSWORD {}", quote_literal(&scram_verifier(p))),
            None if created => {
                bail!("role \"{}\" does not exist and no password was given for it", spec.name)
            }
            None => String::new(),
        };
        let verb = if created { "CREATE" } else { "ALTER" };
        let sql = format!("{verb} ROLE {q} LOGIN{password}");
        let mut result = tx.batch_execute(&format!("SAVEPOINT towow_role; {sql}")).await;
        // Roles belong to the whole cluster: a run on another database may have created it
        // meanwhile (42710, or 23505 when both passed the check at once). Then update it.
        if created
            && let Err(e) = &result
            && matches!(e.code(), Some(&SqlState::DUPLICATE_OBJECT) | Some(&SqlState::UNIQUE_VIOLATION))
        {
            let alter = format!("ROLLBACK TO SAVEPOINT towow_role; ALTER ROLE {q} LOGIN{password}");
            result = tx.batch_execute(&alter).await;
        }
        result.pg_context(format!("cannot {} role \"{}\"", verb.to_lowercase(), spec.name))?;
        outcomes.push(RoleOutcome {
            role: spec.name.clone(),
            kind: spec.kind,
            created,
            password_set: spec.password.is_some(),
        });
    }
    let me: String =
        tx.query_typed_one("SELECT current_user::text", &[]).await.pg_context("current_user")?.get(0);
    let superuser = one_bool(&*tx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[]).await?;
    if !superuser
        && me != migrate
        && !one_bool(&*tx, "SELECT pg_has_role(current_user, $1, 'MEMBER')", &[(&migrate, Type::TEXT)])
            .await?
    {
        tx.batch_execute(&format!("GRANT {} TO {}", quote_ident(&migrate), quote_ident(&me)))
            .await
            .pg_context(format!(
                "cannot make \"{me}\" a member of \"{migrate}\" (needed to hand it the ToWow tables)"
            ))?;
        notes.push(format!("\"{me}\" became a member of \"{migrate}\", to hand it the ToWow objects and set its default privileges"));
    }
    let public_create = one_bool(
        &*tx,
        "SELECT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a \
         WHERE n.nspname = $1 AND a.grantee = 0 AND a.privilege_type = 'CREATE')",
        &[(&schema, Type::TEXT)],
    )
    .await?;
    if public_create {
        tx.batch_execute(&format!("REVOKE CREATE ON SCHEMA {s} FROM PUBLIC"))
            .await
            .pg_context("cannot revoke CREATE from PUBLIC")?;
        notes.push(format!(
            "revoked CREATE on schema {schema} from PUBLIC (PostgreSQL 15's default; before, every role could create tables there)"
        ));
    }
    let dbq = quote_ident(&db.cfg.dbname_or_default());
    let (a, m) = (quote_ident(&app), quote_ident(&migrate));
    let mut sql = vec![
        format!("GRANT CONNECT ON DATABASE {dbq} TO {a}, {m}"),
        format!("GRANT USAGE ON SCHEMA {s} TO {a}"),
        format!("GRANT USAGE, CREATE ON SCHEMA {s} TO {m}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}"),
        format!("GRANT ALL ON ALL TABLES IN SCHEMA {s} TO {m}"),
        format!("GRANT ALL ON ALL SEQUENCES IN SCHEMA {s} TO {m}"),
    ];
    if let Some(r) = &readonly {
        let r = quote_ident(r);
        sql.push(format!("GRANT CONNECT ON DATABASE {dbq} TO {r}"));
        sql.push(format!("GRANT USAGE ON SCHEMA {s} TO {r}"));
        sql.push(format!("GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {r}"));
        sql.push(format!("GRANT SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}"));
    }
    // Future tables: those the migrate role creates, and those the administrator creates.
    let mut creators = vec![m.clone()];
    if me != migrate {
        creators.push(quote_ident(&me));
    }
    for c in &creators {
        let adp = format!("ALTER DEFAULT PRIVILEGES FOR ROLE {c} IN SCHEMA {s}");
        sql.push(format!("{adp} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}"));
        sql.push(format!("{adp} GRANT USAGE, SELECT ON SEQUENCES TO {a}"));
        if let Some(r) = &readonly {
            let r = quote_ident(r);
            sql.push(format!("{adp} GRANT SELECT ON TABLES TO {r}"));
            sql.push(format!("{adp} GRANT SELECT ON SEQUENCES TO {r}"));
        }
    }
    for stmt in &sql {
        tx.batch_execute(stmt).await.pg_context(format!("`{stmt}` failed"))?;
    }
    // The migration history is the migrate role's business: the app and read-only roles may read
    // it (to check the schema version) but not change it. Created here (refinery's own DDL) when
    // missing, so that the first `migrate` does not create it with the app's default privileges.
    let history = qualified(schema, HISTORY_TABLE);
    tx.batch_execute(&format!("SET LOCAL search_path = {s}; {}", crate::migrate::CREATE_HISTORY))
        .await
        .pg_context("cannot create the migration history table")?;
    tx.batch_execute(&format!("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {history} FROM {a}"))
        .await
        .pg_context("cannot protect the migration history")?;
    let mut owner_changed = Vec::new();
    if !keep_owner {
        for t in TOWOW_TABLES.iter().chain([&HISTORY_TABLE]) {
            let q = qualified(schema, t);
            if one_bool(
                &*tx,
                "SELECT to_regclass($1) IS NOT NULL AND pg_get_userbyid((SELECT relowner FROM pg_class WHERE oid = to_regclass($1))) <> $2",
                &[(&q, Type::TEXT), (&migrate, Type::TEXT)],
            )
            .await?
            {
                tx.batch_execute(&format!("ALTER TABLE {q} OWNER TO {m}")).await.pg_context(format!("cannot hand {t} to {migrate}"))?;
                owner_changed.push(format!("table {t}"));
            }
        }
        let func = format!("{}.towow_set_updated_at()", quote_ident(schema));
        if one_bool(
            &*tx,
            "SELECT to_regprocedure($1) IS NOT NULL AND pg_get_userbyid((SELECT proowner FROM pg_proc WHERE oid = to_regprocedure($1))) <> $2",
            &[(&func, Type::TEXT), (&migrate, Type::TEXT)],
        )
        .await?
        {
            tx.batch_execute(&format!("ALTER FUNCTION {func} OWNER TO {m}")).await.pg_context("cannot hand the trigger function over")?;
            owner_changed.push("function towow_set_updated_at()".to_string());
        }
    }
    tx.commit().await.pg_context("cannot commit the roles")?;
    Ok(CreateReport {
        database: db.cfg.dbname_or_default(),
        schema: schema.to_string(),
        roles: outcomes,
        owner_changed,
        notes,
    })
}

/// What one role may do on the ToWow database, schema and tables (effective privileges: through
/// memberships and superuser too).
#[derive(Debug, Clone, Serialize)]
pub struct RoleAccess {
    pub role: String,
    pub login: bool,
    pub superuser: bool,
    pub member_of: Vec<String>,
    pub database: Vec<String>,
    pub schema: Vec<String>,
    /// Table name → privileges.
    pub tables: std::collections::BTreeMap<String, Vec<String>>,
    pub owns: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DefaultPrivilege {
    /// Whose future objects.
    pub for_role: String,
    pub schema: String,
    /// `tables`, `sequences`, `functions`, `types`, `schemas`.
    pub objects: String,
    pub grantee: String,
    pub privileges: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShowReport {
    pub database: String,
    pub schema: String,
    pub roles: Vec<RoleAccess>,
    pub default_privileges: Vec<DefaultPrivilege>,
}

const SHOW_SQL: &str = "
WITH t AS (
    SELECT c.oid, c.relname::text AS name, c.relowner FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname::text = ANY($2) AND c.relkind IN ('r', 'p')
), r AS (
    SELECT oid, rolname::text AS name, rolcanlogin, rolsuper FROM pg_roles WHERE rolname !~ '^pg_'
)
SELECT r.name, r.rolcanlogin, r.rolsuper,
    ARRAY(SELECT b.rolname::text FROM pg_auth_members am JOIN pg_roles b ON b.oid = am.roleid
          WHERE am.member = r.oid ORDER BY 1),
    array_remove(ARRAY[
        CASE WHEN has_database_privilege(r.oid, current_database(), 'CONNECT') THEN 'CONNECT' END,
        CASE WHEN has_database_privilege(r.oid, current_database(), 'CREATE') THEN 'CREATE' END,
        CASE WHEN has_database_privilege(r.oid, current_database(), 'TEMPORARY') THEN 'TEMPORARY' END], NULL),
    array_remove(ARRAY[
        CASE WHEN has_schema_privilege(r.oid, $1, 'USAGE') THEN 'USAGE' END,
        CASE WHEN has_schema_privilege(r.oid, $1, 'CREATE') THEN 'CREATE' END], NULL),
    coalesce((SELECT array_agg(t.name || '=' || array_to_string(array_remove(ARRAY[
        CASE WHEN has_table_privilege(r.oid, t.oid, 'SELECT') THEN 'SELECT' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'INSERT') THEN 'INSERT' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'UPDATE') THEN 'UPDATE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'DELETE') THEN 'DELETE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'REFERENCES') THEN 'REFERENCES' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'TRIGGER') THEN 'TRIGGER' END], NULL), ',') ORDER BY t.name)
        FROM t), '{}'),
    coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM t WHERE t.relowner = r.oid), '{}')
FROM r ORDER BY r.rolsuper DESC, r.name";

const DEFAULT_ACL_SQL: &str = "
SELECT pg_get_userbyid(d.defaclrole)::text, coalesce(n.nspname::text, ''),
    CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
        WHEN 'T' THEN 'types' ELSE 'schemas' END,
    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END,
    array_agg(a.privilege_type::text ORDER BY a.privilege_type)
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
WHERE n.nspname = $1 OR d.defaclnamespace = 0
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";

/// Who may do what on the ToWow tables of `schema`: every role (but PostgreSQL's own `pg_*`)
/// that may touch them or create in the schema, and the default privileges for future objects.
pub async fn show(client: &Client, database: &str, schema: &str) -> Result<ShowReport> {
    let tables: Vec<String> =
        TOWOW_TABLES.iter().rev().chain([&HISTORY_TABLE]).map(|s| s.to_string()).collect();
    let rows = client
        .query_typed(SHOW_SQL, &[(&schema, Type::TEXT), (&tables, Type::TEXT_ARRAY)])
        .await
        .pg_context("cannot read the privileges")?;
    let mut roles = Vec::new();
    for r in rows {
        let table_privs: Vec<String> = r.get(6);
        let tables: std::collections::BTreeMap<String, Vec<String>> = table_privs
            .iter()
            .filter_map(|e| e.split_once('='))
            .filter(|(_, p)| !p.is_empty())
            .map(|(t, p)| (t.to_string(), p.split(',').map(str::to_string).collect()))
            .collect();
        let schema_privs: Vec<String> = r.get(5);
        if tables.is_empty() && !schema_privs.iter().any(|p| p == "CREATE") {
            continue;
        }
        roles.push(RoleAccess {
            role: r.get(0),
            login: r.get(1),
            superuser: r.get(2),
            member_of: r.get(3),
            database: r.get(4),
            schema: schema_privs,
            tables,
            owns: r.get(7),
        });
    }
    let default_privileges = client
        .query_typed(DEFAULT_ACL_SQL, &[(&schema, Type::TEXT)])
        .await
        .pg_context("cannot read the default privileges")?
        .iter()
        .map(|r| DefaultPrivilege {
            for_role: r.get(0),
            schema: r.get(1),
            objects: r.get(2),
            grantee: r.get(3),
            privileges: r.get(4),
        })
        .collect();
    Ok(ShowReport { database: database.to_string(), schema: schema.to_string(), roles, default_privileges })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_and_names() {
        let v = scram_verifier("correct horse battery staple");
        assert!(v.starts_with("SCRAM-SHA-256$4096:"), "{v}");
        assert!(!v.contains("horse"));
        assert_ne!(v, scram_verifier("correct horse battery staple"), "random salt");
        assert!(validate_name("towow_app").is_ok());
        assert!(validate_name("pg_monitor").is_err());
        assert!(validate_name("").is_err());
        let spec = RoleSpec { name: "a".into(), kind: RoleKind::App, password: Some("hunter2".into()) };
        assert!(!format!("{spec:?}").contains("hunter2"));
    }
}
