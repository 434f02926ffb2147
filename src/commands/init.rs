use std::time::Instant;

use anyhow::Result;
use serde::Serialize;

use crate::admin::local::LocalCluster;
use crate::cli::InitArgs;
use crate::commands::Ctx;
use crate::commands::NO_STATEMENT_TIMEOUT;
use crate::commands::drop::{DropReport, drop_confirmed};
use crate::connect::pool::{Db, ensure_database, has_sqlstate};
use crate::connect::{ConnConfig, Source};
use crate::data::{self, LoadPlan, LoadReport, MockRequest};
use crate::migrate::{self, Step};
use tokio_postgres::error::SqlState;

#[derive(Debug, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

#[derive(Debug, Serialize)]
pub struct InitReport {
    pub database: String,
    pub created_database: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<DropReport>,
    pub applied: Vec<Step>,
    pub schema_version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<LoadReport>,
    pub tables: Vec<TableCount>,
    pub millis: u64,
}

pub async fn run(ctx: &Ctx, a: InitArgs) -> Result<u8> {
    let started = Instant::now();
    let plan = LoadPlan {
        sample: a.sample_data,
        // --mock-agents-count alone means "with mock agents" (it used to be ignored silently).
        mock_agents: (a.mock_agents || a.mock_agents_count.is_some()).then(|| MockRequest {
            count: a.mock_agents_count.unwrap_or(data::DEFAULT_MOCK_AGENTS),
            locale: a.locale,
            ..MockRequest::default()
        }),
        ..LoadPlan::default()
    };
    data::check_counts(plan.mock_agents.as_ref(), None)?;
    let cfg = ctx.write_session_target("init").await?;
    let opts = ctx.connect_options(NO_STATEMENT_TIMEOUT)?;
    let created_database = if a.no_create_database {
        false
    } else {
        ensure_database(&cfg, &opts, Some(migrate::MIN_SERVER_VERSION))
            .await
            .map_err(crate::commands::local_hint(&cfg))
            .map_err(crate::commands::writes("init"))?
    };
    if created_database {
        ctx.out.note(format!("created database \"{}\"", cfg.dbname_or_default()));
    }
    let hint = crate::commands::local_hint(&cfg);
    let name = cfg.dbname_or_default();
    let db = Db::connect(cfg, opts).await.map_err(hint).map_err(crate::commands::writes("init")).map_err(|e| {
        if a.no_create_database && has_sqlstate(&e, &SqlState::INVALID_CATALOG_NAME) {
            anyhow::anyhow!(
                "database \"{name}\" does not exist, and --no-create-database says not to create it: create it (CREATE DATABASE \"{name}\") or run init without --no-create-database"
            )
        } else {
            e
        }
    })?;
    let dropped = if a.drop { Some(drop_confirmed(ctx, &db, a.confirm.yes).await?) } else { None };
    let up = migrate::up(&db, None, false, crate::cli::LockArgs::default_wait(), false).await?;
    for n in &up.notes {
        ctx.out.note(format!("warning: {n}"));
    }
    let load = if plan.sample || plan.mock_agents.is_some() {
        Some(data::load(&db, &plan, ctx.out.quiet).await?)
    } else {
        None
    };
    let client = db.get().await?;
    let tables = migrate::table_counts(&client)
        .await?
        .into_iter()
        .map(|(table, rows)| TableCount { table, rows })
        .collect();
    let report = InitReport {
        database: db.cfg.dbname_or_default(),
        created_database,
        dropped,
        applied: up.applied,
        schema_version: up.current_version,
        load,
        tables,
        millis: started.elapsed().as_millis() as u64,
    };
    render(ctx, &report)?;
    if !ctx.out.is_json() {
        ctx.out.note(next_step(&db.cfg));
    }
    Ok(0)
}

/// Where the database is and how to reach it: for the managed local cluster, the psql line and
/// that the server keeps running.
fn next_step(cfg: &ConnConfig) -> String {
    if cfg.source == Source::Local {
        let dir = LocalCluster::default_cluster().dir;
        format!(
            "the local cluster keeps running on {}:{} ({}) until `towow-db local stop`; connect with: psql \"$(towow-db local url | tail -n1)\"",
            cfg.host(),
            cfg.port(),
            dir.display()
        )
    } else {
        format!("connect with the same settings: {cfg}")
    }
}

fn render(ctx: &Ctx, r: &InitReport) -> Result<()> {
    if ctx.out.is_json() {
        return ctx.out.json(r);
    }
    if r.applied.is_empty() {
        ctx.out.note(format!(
            "database \"{}\" is already initialised (schema version {})",
            r.database,
            r.schema_version.map(|v| v.to_string()).unwrap_or_default()
        ));
    } else {
        let list: Vec<String> = r.applied.iter().map(|s| format!("V{}__{}", s.version, s.name)).collect();
        ctx.out.note(format!("applied {}", list.join(", ")));
    }
    if let Some(l) = &r.load {
        crate::commands::seed::load_notes(ctx, l);
    }
    ctx.out.table(&["table", "rows"], r.tables.iter().map(|t| vec![t.table.clone(), t.rows.to_string()]))?;
    ctx.out.note(format!(
        "database \"{}\" ready at schema version {} in {} ms",
        r.database,
        r.schema_version.map(|v| v.to_string()).unwrap_or_default(),
        r.millis
    ));
    Ok(())
}
