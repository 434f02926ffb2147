//! The expected schema, from the migration files themselves: apply them to a throw-away shadow
//! database, read its catalog, drop it (as Prisma Migrate's shadow database, Atlas's dev
//! database). The shadow goes on the target's own server when the role may create a database
//! there, else on a server the user names (`--shadow-url`); no server is started for it.

use anyhow::{Result, anyhow};
use futures_util::future::LocalBoxFuture;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::catalog::{self, Catalog, Only};
use super::fingerprint::{self, Fingerprint};
use super::throwaway::{Kind, Throwaway};
use super::*;
use crate::connect::Db;
use crate::error::{PgContext, PgError, pg_message};
use crate::sql::{quote_ident, split_statements};

/// A server to build a shadow database on, when the target's own server cannot have one.
pub struct ShadowServer {
    /// A pool on any database of that server, for a role that may create databases.
    pub db: Db,
    /// What to call it in messages: "the shadow server …".
    pub label: String,
}

/// Provides the fallback server, given why the target's own cannot have the shadow; its error
/// (say, that none was named) is the command's.
pub type Fallback<'a> = &'a dyn Fn(String) -> LocalBoxFuture<'a, Result<ShadowServer>>;

/// The shadow database cannot be made or reached on that server (no CREATEDB, a read-only
/// server, a pooler that does not know the new database): try elsewhere.
#[derive(Debug)]
pub struct ShadowUnavailable(pub String);

impl std::fmt::Display for ShadowUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ShadowUnavailable {}

/// The schema that the migrations make, and where it was built.
#[derive(Debug, Clone, Serialize)]
pub struct Expected {
    #[serde(skip)]
    pub catalog: Catalog,
    /// Its fingerprint (see `fingerprint`): what the migrations make, in the form the history keeps.
    #[serde(skip)]
    pub fingerprint: Fingerprint,
    /// The versions applied to the shadow.
    pub versions: Vec<i32>,
    /// "the same server" or the fallback's label.
    pub built_on: String,
    pub server_version: String,
    pub millis: u64,
}

/// Build the schema of the shipped migrations `versions` in schema `schema` of a shadow database:
/// on `db`'s server, else on `fallback`'s.
pub async fn expected(
    db: &Db,
    schema: &str,
    versions: &[i32],
    fallback: Option<Fallback<'_>>,
) -> Result<Expected> {
    let started = std::time::Instant::now();
    let ((catalog, fingerprint), built_on, server_version) = match build(db, schema, versions).await {
        Ok((c, v)) => (c, "the same server".to_string(), v),
        Err(e) => {
            let Some(why) = e.downcast_ref::<ShadowUnavailable>() else { return Err(e) };
            let Some(fallback) = fallback else {
                // Still a `ShadowUnavailable`: a caller that can do without says so and goes on.
                return Err(anyhow!(ShadowUnavailable(format!(
                    "cannot build the shadow database that the expected schema comes from: {why}; grant the role CREATEDB"
                ))));
            };
            tracing::info!("no shadow database on the target's server ({why}): using the shadow server");
            let server = fallback(why.to_string()).await?;
            let (c, v) = build(&server.db, schema, versions).await.map_err(|f| {
                anyhow!("cannot build the shadow database on {}: {}", server.label, crate::error::render(&f))
            })?;
            (c, server.label, v)
        }
    };
    Ok(Expected {
        catalog,
        fingerprint,
        versions: versions.to_vec(),
        built_on,
        server_version,
        millis: started.elapsed().as_millis() as u64,
    })
}

/// The expected schema for the target `db`: the shipped migrations `versions` (all when `None`)
/// built in the target's current schema.
pub async fn expected_for(
    db: &Db,
    versions: Option<&[i32]>,
    fallback: Option<Fallback<'_>>,
) -> Result<Expected> {
    let schema = catalog::current_schema(&**db.get().await?).await?;
    let all: Vec<i32> = shipped()?.iter().map(|s| s.version).collect();
    expected(db, &schema, versions.unwrap_or(&all), fallback).await
}

/// Create the shadow database on `db`'s server, build and read it, drop it (whatever happened;
/// after Ctrl-C too, see `throwaway`).
async fn build(db: &Db, schema: &str, versions: &[i32]) -> Result<((Catalog, Fingerprint), String)> {
    let admin = db.get().await?;
    let version: String = admin
        .query_typed_one("SELECT current_setting('server_version')", &[])
        .await
        .pg_context("cannot read the server version")?
        .get(0);
    let shadow = Throwaway::create(db, &admin, Kind::Shadow, &Throwaway::nanos(), "TEMPLATE template0")
        .await
        .map_err(|e| ShadowUnavailable(format!("CREATE DATABASE failed: {}", pg_message(&e))))?;
    let result = match db.with_dbname(&shadow.name) {
        Ok(pool) => {
            let r = match pool.get().await {
                Ok(mut c) => apply_and_read(&mut c, schema, versions).await,
                Err(e) => {
                    Err(ShadowUnavailable(format!("cannot connect to it: {}", crate::error::render(&e)))
                        .into())
                }
            };
            drop(pool);
            r
        }
        Err(e) => Err(e),
    };
    let name = shadow.name.clone();
    if let Err(e) = shadow.drop_now(&admin).await {
        tracing::warn!("could not drop the shadow database {name}: {} (drop it by hand)", pg_message(&e));
    }
    result.map(|c| (c, version))
}

async fn apply_and_read(
    client: &mut Client,
    schema: &str,
    versions: &[i32],
) -> Result<(Catalog, Fingerprint)> {
    let s = quote_ident(schema);
    client
        .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {s}; SET search_path TO {s}"))
        .await
        .pg_context("cannot prepare the shadow database")?;
    for m in shipped()?.iter().filter(|m| versions.contains(&m.version)) {
        let failed = |e: tokio_postgres::Error| {
            PgError::new(&e, format!("V{}__{} fails on an empty database", m.version, m.name))
        };
        if m.no_transaction() {
            for stmt in split_statements(m.up) {
                client.batch_execute(&stmt).await.map_err(failed)?;
            }
        } else {
            let tx = client.transaction().await.pg_context("cannot begin")?;
            tx.batch_execute(m.up).await.map_err(failed)?;
            tx.commit().await.pg_context("cannot commit")?;
        }
    }
    let tx = client.transaction().await.pg_context("cannot begin")?;
    let mut c = catalog::read(&tx, &Only::default()).await?;
    let f = fingerprint::read(&tx).await?;
    tx.commit().await.pg_context("cannot commit")?;
    reparse_checks(client, &mut c).await?;
    Ok((c, f))
}

/// Note how each CHECK prints once its printed form is parsed again (what a dump and restore
/// gives): add a copy under another name, read it, roll back.
async fn reparse_checks(client: &mut Client, c: &mut Catalog) -> Result<()> {
    let tx = client.transaction().await.pg_context("cannot begin")?;
    let mut n = 0;
    for t in &mut c.tables {
        let table = quote_ident(&t.name);
        for k in t.constraints.iter_mut().filter(|k| k.kind == "c") {
            n += 1;
            let copy = format!("towow_reparsed_{n}");
            tx.batch_execute(&format!(
                "ALTER TABLE {table} ADD CONSTRAINT {copy} {} NOT VALID",
                k.definition
            ))
            .await
            .pg_context(format!("cannot parse the definition of {} again", k.name))?;
            let def: String = tx
                .query_typed_one(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::text::regclass AND conname = $2",
                    &[(&table, Type::TEXT), (&copy, Type::TEXT)],
                )
                .await
                .pg_context("cannot read the constraint")?
                .get(0);
            let def = def.strip_suffix(" NOT VALID").unwrap_or(&def).to_string();
            if def != k.definition {
                k.reparsed = Some(def);
            }
        }
    }
    tx.rollback().await.pg_context("cannot roll back")?;
    Ok(())
}

/// Read the objects of `expected` from the target, in one read-only transaction whose search
/// path is the schema alone, as on the shadow (so that both deparse names alike).
pub async fn read_target(client: &mut Client, expected: &Catalog) -> Result<Catalog> {
    let tx = client.build_transaction().read_only(true).start().await.pg_context("cannot begin")?;
    tx.batch_execute(&format!("SET LOCAL search_path TO {}", quote_ident(&expected.schema)))
        .await
        .pg_context("cannot set the search path")?;
    let c = catalog::read(&tx, &Only::those_of(expected)).await?;
    tx.commit().await.pg_context("cannot commit")?;
    Ok(c)
}
