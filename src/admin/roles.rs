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
//!
//! Side effects stay where they belong: roles are cluster-wide, so an existing role is left
//! as it is (its password only changes when asked, and the other databases that use it are
//! named first); privileges are granted on the ToWow tables only, never on every table of the
//! schema; and a database that holds another application's tables and no ToWow table is refused
//! before anything changes (no migration history is made there). What the running role lacks
//! (CREATEROLE to create a role) is said before anything changes.

use anyhow::{Result, bail};
use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, GenericClient};

use crate::connect::Db;
use crate::error::{PgContext, Usage};
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
    let me: String =
        tx.query_typed_one("SELECT current_user::text", &[]).await.pg_context("current_user")?.get(0);
    let superuser = one_bool(&*tx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[]).await?;
    let schema_state = SchemaState::read(&*tx, schema).await?;
    let database = db.cfg.dbname_or_default();
    if schema_state.is_foreign() {
        return Err(Usage(format!(
            "database \"{database}\" schema {schema} holds another application's tables ({}) and no ToWow table: \
             `roles create` sets up ToWow's roles on ToWow's tables, so it changes nothing here; run it on the \
             ToWow database (`towow-db init` first for a new one), or give --schema",
            schema_state.others_text()
        ))
        .into());
    }
    // What the running role lacks, before anything changes.
    let creates: Vec<&str> =
        specs.iter().filter(|s| !before.contains(&s.name)).map(|s| s.name.as_str()).collect();
    let resets: Vec<&str> = specs
        .iter()
        .filter(|s| before.contains(&s.name) && s.password.is_some())
        .map(|s| s.name.as_str())
        .collect();
    let createrole =
        one_bool(&*tx, "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user", &[]).await?;
    let needs_createrole = !creates.is_empty() || !resets.is_empty();
    if needs_createrole && !superuser && !createrole {
        let what = match creates.is_empty() {
            false => format!("create role(s) {}", creates.join(", ")),
            true => format!("set the password of {}", resets.join(", ")),
        };
        return Err(Usage(format!(
            "role \"{me}\" may not {what}: that needs the CREATEROLE attribute (a superuser runs \
             `ALTER ROLE \"{me}\" CREATEROLE`), or have the roles created beforehand; nothing was changed"
        ))
        .into());
    }
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    // Roles belong to the whole cluster: say which other databases use the existing ones.
    for (role, dbs) in other_databases(&*tx, &before).await? {
        notes.push(format!(
            "role \"{role}\" exists already and is cluster-wide: databases {} use it too; {}",
            dbs.join(", "),
            if resets.contains(&role.as_str()) {
                "its password was reset (--reset-password), for them as well"
            } else {
                "its password and attributes were left as they are"
            }
        ));
    }
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
        outcomes.push(RoleOutcome {
            role: spec.name.clone(),
            kind: spec.kind,
            created,
            password_set: spec.password.is_some(),
        });
        // An existing role is not touched unless its password is to be reset.
        if !created && spec.password.is_none() {
            continue;
        }
        let verb = if created { "CREATE" } else { "ALTER" };
        let sql = format!("{verb} ROLE {q} LOGIN{password}");
        let mut result = tx.batch_execute(&format!("SAVEPOINT towow_role; {sql}")).await;
        // Roles belong to the whole cluster: a run on another database may have created it
        // meanwhile (42710, or 23505 when both passed the check at once). Then leave it, unless
        // its password is to be reset.
        if created
            && let Err(e) = &result
            && matches!(e.code(), Some(&SqlState::DUPLICATE_OBJECT) | Some(&SqlState::UNIQUE_VIOLATION))
        {
            result = tx.batch_execute("ROLLBACK TO SAVEPOINT towow_role").await;
            if let Some(o) = outcomes.last_mut() {
                o.created = false;
                o.password_set = false;
            }
        }
        result.pg_context(format!("cannot {} role \"{}\"", verb.to_lowercase(), spec.name))?;
    }
    // Handing the tables over and setting the migrate role's default privileges needs SET ROLE
    // to it: from PostgreSQL 16 the membership a CREATEROLE role gets in a role it creates has
    // ADMIN but neither SET nor INHERIT (createrole_self_grant), so SET is checked and granted.
    let v16 = one_bool(&*tx, "SELECT current_setting('server_version_num')::int >= 160000", &[]).await?;
    let (may_set, grant_set) = if v16 { ("SET", " WITH SET TRUE") } else { ("MEMBER", "") };
    if !superuser
        && me != migrate
        && !one_bool(
            &*tx,
            &format!("SELECT pg_has_role(current_user, $1, '{may_set}')"),
            &[(&migrate, Type::TEXT)],
        )
        .await?
    {
        tx.batch_execute(&format!("GRANT {} TO {}{grant_set}", quote_ident(&migrate), quote_ident(&me)))
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
    // The migration history is the migrate role's business: the app and read-only roles may read
    // it (to check the schema version) but not change it. Created here (refinery's own DDL) when
    // missing, so that the first `migrate` does not create it with the app's default privileges
    // (this is a ToWow database, or an empty schema made ready for one: see `SchemaState`).
    let history = qualified(schema, HISTORY_TABLE);
    tx.batch_execute(&format!("SET LOCAL search_path = {s}; {}", crate::migrate::CREATE_HISTORY))
        .await
        .pg_context("cannot create the migration history table")?;
    // Grants on the ToWow tables (and the history, and their sequences), never on every table
    // of the schema: other tables there are not ToWow's.
    let tables: Vec<String> = TOWOW_TABLES
        .iter()
        .filter(|t| schema_state.towow.iter().any(|x| x == *t))
        .map(|t| qualified(schema, t))
        .collect();
    let sequences = owned_sequences(&*tx, schema).await?;
    let dbq = quote_ident(&database);
    let (a, m) = (quote_ident(&app), quote_ident(&migrate));
    let mut sql = vec![
        format!("GRANT CONNECT ON DATABASE {dbq} TO {a}, {m}"),
        format!("GRANT USAGE ON SCHEMA {s} TO {a}"),
        format!("GRANT USAGE, CREATE ON SCHEMA {s} TO {m}"),
        format!("GRANT SELECT ON {history} TO {a}"),
        format!("GRANT ALL ON {history} TO {m}"),
    ];
    if !tables.is_empty() {
        let list = tables.join(", ");
        sql.push(format!("GRANT SELECT, INSERT, UPDATE, DELETE ON {list} TO {a}"));
        sql.push(format!("GRANT ALL ON {list} TO {m}"));
    }
    if !sequences.is_empty() {
        let list = sequences.join(", ");
        sql.push(format!("GRANT USAGE, SELECT ON SEQUENCE {list} TO {a}"));
        sql.push(format!("GRANT ALL ON SEQUENCE {list} TO {m}"));
    }
    if let Some(r) = &readonly {
        let r = quote_ident(r);
        sql.push(format!("GRANT CONNECT ON DATABASE {dbq} TO {r}"));
        sql.push(format!("GRANT USAGE ON SCHEMA {s} TO {r}"));
        sql.push(format!("GRANT SELECT ON {history} TO {r}"));
        if !tables.is_empty() {
            sql.push(format!("GRANT SELECT ON {} TO {r}", tables.join(", ")));
        }
        if !sequences.is_empty() {
            sql.push(format!("GRANT SELECT ON SEQUENCE {} TO {r}", sequences.join(", ")));
        }
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
    Ok(CreateReport { database, schema: schema.to_string(), roles: outcomes, owner_changed, notes })
}

/// What the schema holds, for `roles create`: the ToWow tables, the history, other tables.
struct SchemaState {
    towow: Vec<String>,
    history: bool,
    others: Vec<String>,
    others_count: i64,
}

const SCHEMA_STATE_SQL: &str = "
SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE c.relname::text = ANY($2)), '{}') AS towow,
       coalesce(bool_or(c.relname::text = $3), false) AS history,
       coalesce((array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE NOT c.relname::text = ANY($2) AND c.relname::text <> $3))[1:3], '{}') AS others,
       count(*) FILTER (WHERE NOT c.relname::text = ANY($2) AND c.relname::text <> $3) AS others_count
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition";

impl SchemaState {
    async fn read(c: &impl GenericClient, schema: &str) -> Result<SchemaState> {
        let towow: Vec<String> = TOWOW_TABLES.iter().map(|t| t.to_string()).collect();
        let r = c
            .query_typed_one(
                SCHEMA_STATE_SQL,
                &[(&schema, Type::TEXT), (&towow, Type::TEXT_ARRAY), (&HISTORY_TABLE, Type::TEXT)],
            )
            .await
            .pg_context("cannot read the schema's tables")?;
        Ok(SchemaState {
            towow: r.try_get("towow")?,
            history: r.try_get("history")?,
            others: r.try_get("others")?,
            others_count: r.try_get("others_count")?,
        })
    }

    /// Another application's schema: its tables, and no ToWow table nor history. (An empty
    /// schema is one being made ready for ToWow.)
    fn is_foreign(&self) -> bool {
        self.towow.is_empty() && !self.history && self.others_count > 0
    }

    fn others_text(&self) -> String {
        let more = self.others_count - self.others.len() as i64;
        let mut t = self.others.join(", ");
        if more > 0 {
            t.push_str(&format!(" and {more} more"));
        }
        t
    }
}

/// The sequences that the ToWow tables of `schema` own (serial and identity columns).
async fn owned_sequences(c: &impl GenericClient, schema: &str) -> Result<Vec<String>> {
    let towow: Vec<String> = TOWOW_TABLES.iter().map(|t| t.to_string()).collect();
    let rows = c
        .query_typed(
            "SELECT s.oid::regclass::text AS seq FROM pg_class s \
             JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i') \
             JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE s.relkind = 'S' AND n.nspname = $1 AND t.relname::text = ANY($2) ORDER BY 1",
            &[(&schema, Type::TEXT), (&towow, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read the ToWow tables' sequences")?;
    rows.iter().map(|r| Ok(r.try_get("seq")?)).collect()
}

/// For each of `roles`, the other databases of the cluster where it owns objects or holds
/// privileges (`pg_shdepend`, which every database shares), by name.
async fn other_databases(c: &impl GenericClient, roles: &[String]) -> Result<Vec<(String, Vec<String>)>> {
    let rows = c
        .query_typed(
            "SELECT r.rolname::text AS role, array_agg(DISTINCT d.datname::text ORDER BY d.datname::text) AS dbs \
             FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid \
             JOIN pg_database d ON d.oid = CASE WHEN s.dbid = 0 AND s.classid = 'pg_database'::regclass THEN s.objid ELSE s.dbid END \
             WHERE s.refclassid = 'pg_authid'::regclass AND r.rolname::text = ANY($1) AND d.datname <> current_database() \
             GROUP BY 1 ORDER BY 1",
            &[(&roles, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read which databases use the roles")?;
    rows.iter().map(|r| Ok((r.try_get("role")?, r.try_get("dbs")?))).collect()
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
SELECT r.name AS role, r.rolcanlogin AS login, r.rolsuper AS superuser,
    ARRAY(SELECT b.rolname::text FROM pg_auth_members am JOIN pg_roles b ON b.oid = am.roleid
          WHERE am.member = r.oid ORDER BY 1) AS member_of,
    array_remove(ARRAY[
        CASE WHEN has_database_privilege(r.oid, current_database(), 'CONNECT') THEN 'CONNECT' END,
        CASE WHEN has_database_privilege(r.oid, current_database(), 'CREATE') THEN 'CREATE' END,
        CASE WHEN has_database_privilege(r.oid, current_database(), 'TEMPORARY') THEN 'TEMPORARY' END], NULL)
      AS database,
    array_remove(ARRAY[
        CASE WHEN has_schema_privilege(r.oid, $1, 'USAGE') THEN 'USAGE' END,
        CASE WHEN has_schema_privilege(r.oid, $1, 'CREATE') THEN 'CREATE' END], NULL) AS schema,
    coalesce((SELECT array_agg(t.name || '=' || array_to_string(array_remove(ARRAY[
        CASE WHEN has_table_privilege(r.oid, t.oid, 'SELECT') THEN 'SELECT' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'INSERT') THEN 'INSERT' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'UPDATE') THEN 'UPDATE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'DELETE') THEN 'DELETE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'TRUNCATE') THEN 'TRUNCATE' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'REFERENCES') THEN 'REFERENCES' END,
        CASE WHEN has_table_privilege(r.oid, t.oid, 'TRIGGER') THEN 'TRIGGER' END], NULL), ',') ORDER BY t.name)
        FROM t), '{}') AS tables,
    coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM t WHERE t.relowner = r.oid), '{}') AS owns
FROM r ORDER BY r.rolsuper DESC, r.name";

const DEFAULT_ACL_SQL: &str = "
SELECT pg_get_userbyid(d.defaclrole)::text AS for_role, coalesce(n.nspname::text, '') AS schema,
    CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
        WHEN 'T' THEN 'types' ELSE 'schemas' END AS objects,
    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee)::text END AS grantee,
    array_agg(a.privilege_type::text ORDER BY a.privilege_type) AS privileges
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
        let table_privs: Vec<String> = r.get("tables");
        let tables: std::collections::BTreeMap<String, Vec<String>> = table_privs
            .iter()
            .filter_map(|e| e.split_once('='))
            .filter(|(_, p)| !p.is_empty())
            .map(|(t, p)| (t.to_string(), p.split(',').map(str::to_string).collect()))
            .collect();
        let schema_privs: Vec<String> = r.get("schema");
        if tables.is_empty() && !schema_privs.iter().any(|p| p == "CREATE") {
            continue;
        }
        roles.push(RoleAccess {
            role: r.get("role"),
            login: r.get("login"),
            superuser: r.get("superuser"),
            member_of: r.get("member_of"),
            database: r.get("database"),
            schema: schema_privs,
            tables,
            owns: r.get("owns"),
        });
    }
    let default_privileges = client
        .query_typed(DEFAULT_ACL_SQL, &[(&schema, Type::TEXT)])
        .await
        .pg_context("cannot read the default privileges")?
        .iter()
        .map(|r| DefaultPrivilege {
            for_role: r.get("for_role"),
            schema: r.get("schema"),
            objects: r.get("objects"),
            grantee: r.get("grantee"),
            privileges: r.get("privileges"),
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
