//! Throwaway databases: the shadow that `migrate verify` and `migrate baseline` build the expected
//! schema in, and the scratch database of a restore drill (`backup verify`). One helper creates
//! them, drops them (terminating what is still connected), drops them after Ctrl-C (see
//! `interrupt`), and sweeps the ones that an earlier run could not drop (killed, the machine
//! lost).
//!
//! A throwaway's name holds the pid of the server session that created it
//! (`towow_shadow_<pid>_<nanos>`, `towow_drill_<pid>_<backup>`), and that session stays open as
//! long as the throwaway is in use: a throwaway whose creating session is gone and that no
//! session is connected to is stale, whoever left it.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use crate::connect::{ConnConfig, ConnectOptions, Db};
use crate::error::{PgContext, pg_message, render};
use crate::interrupt::{self, Stage};
use crate::sql::quote_ident;

/// What a throwaway is for; its name's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shadow,
    Drill,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Shadow => "towow_shadow_",
            Kind::Drill => "towow_drill_",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Shadow => "shadow database",
            Kind::Drill => "scratch database",
        }
    }
}

/// Throwaways (both kinds) whose creating session is gone and that no session uses.
const STALE_SQL: &str = "SELECT d.datname::text FROM pg_database d \
     WHERE d.datname ~ '^towow_(shadow|drill)_[0-9]{1,9}_' \
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) \
       AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a \
                       WHERE a.pid = substring(d.datname FROM '^towow_(?:shadow|drill)_([0-9]{1,9})_')::int) \
     ORDER BY 1";

/// Drop the stale throwaways of this server that the role may drop (best effort: one that a
/// session connects to meanwhile, or that another role owns, stays). Returns the dropped names.
pub async fn sweep_stale(admin: &Client) -> Vec<String> {
    let names: Vec<String> = match admin.query_typed(STALE_SQL, &[]).await {
        Ok(rows) => rows.iter().map(|r| r.get(0)).collect(),
        Err(e) => {
            tracing::debug!("cannot look for stale throwaway databases: {}", pg_message(&e));
            return Vec::new();
        }
    };
    let mut dropped = Vec::new();
    for name in names {
        // No FORCE: a session that connected since the look keeps it.
        match admin.batch_execute(&format!("DROP DATABASE IF EXISTS {}", quote_ident(&name))).await {
            Ok(()) => dropped.push(name),
            Err(e) => tracing::debug!("stale throwaway database {name} stays: {}", pg_message(&e)),
        }
    }
    if !dropped.is_empty() {
        tracing::info!(
            "dropped {} throwaway database(s) that interrupted runs left behind: {}",
            dropped.len(),
            dropped.join(", ")
        );
    }
    dropped
}

/// Drop `name` on `admin`'s server (version `version_num`), ending the sessions still connected
/// to it.
pub async fn drop_database(
    admin: &Client,
    name: &str,
    version_num: i32,
) -> Result<(), tokio_postgres::Error> {
    if version_num >= 130000 {
        return admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_ident(name)))
            .await;
    }
    admin
        .query_typed(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[(&name, Type::TEXT)],
        )
        .await?;
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {}", quote_ident(name))).await
}

/// A throwaway database in use. [`Throwaway::drop_now`] drops it; dropped otherwise (Ctrl-C, an
/// error), a cleanup drops it from a new connection.
#[derive(Debug)]
pub struct Throwaway {
    pub name: String,
    kind: Kind,
    version_num: i32,
    /// The backend pid of the session that creates it.
    creator: i32,
    /// The server, for the cleanup's own connection.
    cfg: ConnConfig,
    opts: ConnectOptions,
    dropped: bool,
}

impl Throwaway {
    /// Create a throwaway of `kind` on the server of `db`, through `admin` (a connection of `db`
    /// that the caller keeps open while the throwaway is in use): stale ones are swept first.
    /// `tag` ends the name (letters, digits, `_`); `options` follow `CREATE DATABASE name`.
    pub async fn create(
        db: &Db,
        admin: &Client,
        kind: Kind,
        tag: &str,
        options: &str,
    ) -> Result<Throwaway, tokio_postgres::Error> {
        sweep_stale(admin).await;
        let row = admin
            .query_typed_one("SELECT pg_backend_pid(), current_setting('server_version_num')::int4", &[])
            .await?;
        let (pid, version_num): (i32, i32) = (row.get(0), row.get(1));
        let tag: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(32).collect();
        let name = format!("{}{pid}_{}", kind.prefix(), tag.to_ascii_lowercase());
        // A name left by a session that had the same pid: it is stale (that session is gone).
        drop_database(admin, &name, version_num).await?;
        // Armed before CREATE DATABASE: Ctrl-C while the server creates it still drops it.
        let mut t = Throwaway {
            name,
            kind,
            version_num,
            creator: pid,
            cfg: db.cfg.clone(),
            opts: db.opts.clone(),
            dropped: false,
        };
        if let Err(e) =
            admin.batch_execute(&format!("CREATE DATABASE {} {options}", quote_ident(&t.name))).await
        {
            t.dropped = true;
            return Err(e);
        }
        tracing::debug!("created the {} {}", kind.label(), t.name);
        Ok(t)
    }

    /// A tag that makes names unique within one session: the clock's nanoseconds.
    pub fn nanos() -> String {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default().to_string()
    }

    /// Drop it now, through `admin`.
    pub async fn drop_now(mut self, admin: &Client) -> Result<(), tokio_postgres::Error> {
        self.dropped = true;
        drop_database(admin, &self.name, self.version_num).await
    }
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (name, label, version, creator) =
            (self.name.clone(), self.kind.label(), self.version_num, self.creator);
        let (cfg, opts) = (self.cfg.clone(), self.opts.clone());
        interrupt::defer(Stage::Resources, async move {
            let dropped = async {
                let db = Db::new(cfg, opts)?;
                let admin = db.dedicated().await?;
                // The creating session (closed with the dropped command) may still be in its
                // CREATE DATABASE: once it is gone, the database is there or never will be.
                for _ in 0..50 {
                    let alive = admin
                        .query_typed(
                            "SELECT 1 FROM pg_stat_activity WHERE pid = $1",
                            &[(&creator, Type::INT4)],
                        )
                        .await
                        .map(|r| !r.is_empty())
                        .unwrap_or(false);
                    if !alive {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                drop_database(&admin, &name, version).await.pg_context("")
            };
            match dropped.await {
                Ok(()) => Ok(format!("the {label} {name} was dropped")),
                Err(e) => {
                    Err(format!("the {label} {name} could not be dropped ({}): drop it by hand", render(&e)))
                }
            }
        });
    }
}
