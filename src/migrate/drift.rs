//! Verification: applied migrations against shipped ones, and the ToWow tables against what the
//! applied migrations make (drift).

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::*;
use crate::error::PgContext;

/// One expected column of the ToWow tables: the contract with the app's models.
#[derive(Debug)]
pub struct ExpectedColumn {
    pub table: &'static str,
    pub column: &'static str,
    pub data_type: &'static str,
    pub not_null: bool,
}

macro_rules! cols {
    ($($t:literal . $c:literal : $ty:literal $nn:literal;)*) => {
        &[$(ExpectedColumn { table: $t, column: $c, data_type: $ty, not_null: $nn }),*]
    };
}

/// The columns V1 creates (`format_type` spelling), checked by `migrate verify`.
pub const EXPECTED_COLUMNS: &[ExpectedColumn] = cols! {
    "agent_profiles"."id": "uuid" true;
    "agent_profiles"."name": "character varying(255)" true;
    "agent_profiles"."agent_type": "character varying(50)" true;
    "agent_profiles"."description": "text" false;
    "agent_profiles"."capabilities": "jsonb" false;
    "agent_profiles"."pricing_info": "jsonb" false;
    "agent_profiles"."config": "jsonb" false;
    "agent_profiles"."is_active": "boolean" false;
    "agent_profiles"."rating": "double precision" false;
    "agent_profiles"."total_collaborations": "integer" false;
    "agent_profiles"."created_at": "timestamp with time zone" false;
    "agent_profiles"."updated_at": "timestamp with time zone" false;
    "demands"."id": "uuid" true;
    "demands"."title": "character varying(500)" true;
    "demands"."description": "text" true;
    "demands"."user_id": "character varying(255)" true;
    "demands"."requirements": "jsonb" false;
    "demands"."budget": "jsonb" false;
    "demands"."deadline": "timestamp with time zone" false;
    "demands"."status": "character varying(50)" false;
    "demands"."tags": "jsonb" false;
    "demands"."extra_metadata": "jsonb" false;
    "demands"."created_at": "timestamp with time zone" false;
    "demands"."updated_at": "timestamp with time zone" false;
    "collaboration_channels"."id": "uuid" true;
    "collaboration_channels"."name": "character varying(255)" true;
    "collaboration_channels"."description": "text" false;
    "collaboration_channels"."demand_id": "uuid" false;
    "collaboration_channels"."participants": "jsonb" true;
    "collaboration_channels"."status": "character varying(50)" false;
    "collaboration_channels"."context": "jsonb" false;
    "collaboration_channels"."message_count": "integer" false;
    "collaboration_channels"."last_message_at": "timestamp with time zone" false;
    "collaboration_channels"."settings": "jsonb" false;
    "collaboration_channels"."created_at": "timestamp with time zone" false;
    "collaboration_channels"."updated_at": "timestamp with time zone" false;
    "agent_responses"."id": "uuid" true;
    "agent_responses"."demand_id": "uuid" false;
    "agent_responses"."agent_id": "uuid" false;
    "agent_responses"."message": "text" true;
    "agent_responses"."proposal": "jsonb" false;
    "agent_responses"."status": "character varying(50)" false;
    "agent_responses"."relevance_score": "double precision" false;
    "agent_responses"."extra_metadata": "jsonb" false;
    "agent_responses"."created_at": "timestamp with time zone" false;
    "agent_responses"."updated_at": "timestamp with time zone" false;
};

/// The indexes each migration creates, by version.
pub const EXPECTED_INDEXES: &[(i32, &str)] = &[
    (1, "ix_agent_profiles_agent_type"),
    (1, "ix_agent_profiles_is_active"),
    (1, "ix_demands_user_id"),
    (1, "ix_demands_status"),
    (1, "ix_demands_created_at"),
    (1, "ix_collaboration_channels_demand_id"),
    (1, "ix_collaboration_channels_status"),
    (1, "ix_agent_responses_demand_id"),
    (1, "ix_agent_responses_agent_id"),
    (1, "ix_agent_responses_status"),
    (2, "ix_agent_profiles_capabilities_gin"),
    (2, "ix_demands_status_created"),
];

#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    pub object: String,
    pub problem: String,
}

/// Differences between the ToWow tables in the database and what the applied migrations made:
/// missing tables, columns, indexes; changed types or nullability; invalid indexes.
pub async fn drift(client: &Client, applied_versions: &[i32]) -> Result<Vec<Drift>> {
    let mut out = Vec::new();
    if !applied_versions.contains(&1) {
        return Ok(out);
    }
    let tables: Vec<String> = TOWOW_TABLES.iter().map(|s| s.to_string()).collect();
    let rows = client
        .query_typed(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE n.nspname = current_schema() AND c.relname::text = ANY($1) AND c.relkind IN ('r', 'p')",
            &[(&tables, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read the table definitions")?;
    let actual: Vec<(String, String, String, bool)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect();
    for t in TOWOW_TABLES {
        if !actual.iter().any(|a| a.0 == t) {
            out.push(Drift { object: format!("table {t}"), problem: "missing (dropped by hand?)".into() });
        }
    }
    for e in EXPECTED_COLUMNS {
        if !actual.iter().any(|a| a.0 == e.table) {
            continue;
        }
        match actual.iter().find(|a| a.0 == e.table && a.1 == e.column) {
            None => out.push(Drift {
                object: format!("column {}.{}", e.table, e.column),
                problem: "missing (dropped by hand?)".into(),
            }),
            Some(a) => {
                if a.2 != e.data_type {
                    out.push(Drift {
                        object: format!("column {}.{}", e.table, e.column),
                        problem: format!("type is {} but the migrations make {}", a.2, e.data_type),
                    });
                }
                if a.3 != e.not_null {
                    out.push(Drift {
                        object: format!("column {}.{}", e.table, e.column),
                        problem: format!(
                            "is {} but the migrations make it {}",
                            if a.3 { "NOT NULL" } else { "nullable" },
                            if e.not_null { "NOT NULL" } else { "nullable" }
                        ),
                    });
                }
            }
        }
    }
    for a in &actual {
        if !EXPECTED_COLUMNS.iter().any(|e| e.table == a.0 && e.column == a.1) {
            out.push(Drift {
                object: format!("column {}.{}", a.0, a.1),
                problem: format!("not made by the migrations ({}, added by hand?)", a.2),
            });
        }
    }
    let names: Vec<String> = EXPECTED_INDEXES
        .iter()
        .filter(|(v, _)| applied_versions.contains(v))
        .map(|(_, n)| n.to_string())
        .collect();
    let rows = client
        .query_typed(
            "SELECT c.relname::text, i.indisvalid FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_index i ON i.indexrelid = c.oid \
             WHERE n.nspname = current_schema() AND c.relname::text = ANY($1)",
            &[(&names, Type::TEXT_ARRAY)],
        )
        .await
        .pg_context("cannot read the indexes")?;
    for n in &names {
        match rows.iter().find(|r| r.get::<_, String>(0) == *n) {
            None => {
                out.push(Drift { object: format!("index {n}"), problem: "missing (dropped by hand?)".into() })
            }
            Some(r) if !r.get::<_, bool>(1) => out.push(Drift {
                object: format!("index {n}"),
                problem:
                    "INVALID (a failed CREATE INDEX CONCURRENTLY?): drop it and run `towow-db migrate` again"
                        .into(),
            }),
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub migrations: Vec<StatusRow>,
    pub problems: Vec<String>,
    pub drift: Vec<Drift>,
    pub pending: Vec<i32>,
}

/// Compare applied with shipped migrations and the ToWow tables with what they should be.
pub async fn verify(client: &Client, fail_on_pending: bool) -> Result<VerifyReport> {
    let rows = status(client).await?;
    let mut problems = problems(&rows);
    let applied_versions: Vec<i32> = rows
        .iter()
        .filter(|r| matches!(r.state, State::Applied | State::Modified))
        .map(|r| r.version)
        .collect();
    let drift = drift(client, &applied_versions).await?;
    let pending: Vec<i32> = rows.iter().filter(|r| r.state == State::Pending).map(|r| r.version).collect();
    if fail_on_pending && !pending.is_empty() {
        problems.push(format!(
            "pending migrations: {}",
            pending.iter().map(|v| format!("V{v}")).collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(VerifyReport {
        ok: problems.is_empty() && drift.is_empty(),
        migrations: rows,
        problems,
        drift,
        pending,
    })
}
