//! `activity` (and `slow-query --running`): the sessions of the cluster now, from
//! `pg_stat_activity`: state, wait event, how long the query / transaction has run, who blocks
//! whom (`pg_blocking_pids`), client and application. Sessions of other roles whose details this
//! role may not see (`<insufficient privilege>`) are counted, not listed.

use anyhow::Result;
use serde::Serialize;
use tokio_postgres::Client;
use tokio_postgres::types::Type;

use super::query;
use crate::output::check::{Check, Threshold, Thresholds};
use crate::output::report::{Report, Section};

const ACTIVITY_SQL: &str = "
SELECT a.pid, a.usename::text AS user, a.datname::text AS database,
       a.application_name::text AS application, a.client_addr::text AS client_addr,
       a.backend_type::text AS backend_type, a.state::text AS state,
       a.wait_event_type::text AS wait_event_type, a.wait_event::text AS wait_event,
       greatest(extract(epoch FROM clock_timestamp() - a.query_start), 0)::float8 AS query_age_s,
       greatest(extract(epoch FROM clock_timestamp() - a.xact_start), 0)::float8 AS xact_age_s,
       greatest(extract(epoch FROM clock_timestamp() - a.state_change), 0)::float8 AS state_age_s,
       pg_blocking_pids(a.pid) AS blocked_by,
       greatest(age(a.backend_xmin), age(a.backend_xid))::int8 AS xmin_age,
       a.query,
       coalesce(a.query = '<insufficient privilege>', false) AS insufficient_privilege,
       coalesce({hidden}, false) AS hidden_session
FROM pg_stat_activity a
WHERE a.pid <> pg_backend_pid()
  AND ($1 OR a.backend_type = 'client backend' OR {hidden})
ORDER BY a.xact_start NULLS LAST, a.query_start NULLS LAST, a.pid";

#[derive(Debug, Clone, Default)]
pub struct ActivityOptions {
    /// Also background processes (autovacuum workers, walsenders, …).
    pub all_backends: bool,
    /// Only statements running now (`active`) and sessions idle in a transaction.
    pub running_only: bool,
    /// Only sessions whose query (active) or idle transaction has lasted longer than this, in seconds.
    pub min_duration_s: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub pid: i32,
    pub user: Option<String>,
    pub database: Option<String>,
    pub application: Option<String>,
    pub client_addr: Option<String>,
    pub backend_type: Option<String>,
    pub state: Option<String>,
    pub wait_event_type: Option<String>,
    pub wait_event: Option<String>,
    /// Seconds since the current (or last) query started.
    pub query_age_s: Option<f64>,
    pub xact_age_s: Option<f64>,
    /// Seconds in the current state (e.g. how long idle in transaction).
    pub state_age_s: Option<f64>,
    pub blocked_by: Vec<i32>,
    /// Age in XIDs of the snapshot or transaction it holds (xmin horizon).
    pub xmin_age: Option<i64>,
    pub query: Option<String>,
}

impl Session {
    /// How long it has been doing what makes it interesting: the running query, or the idle
    /// transaction.
    pub fn duration_s(&self) -> Option<f64> {
        match self.state.as_deref() {
            Some("active") => self.query_age_s,
            Some(s) if s.starts_with("idle in transaction") => self.state_age_s,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    pub total: i64,
    pub active: i64,
    pub idle: i64,
    pub idle_in_transaction: i64,
    pub waiting: i64,
    pub blocked: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityReport {
    pub counts: Counts,
    pub sessions: Vec<Session>,
    /// Sessions of other roles whose details this role may not see (needs `pg_read_all_stats`).
    pub hidden_sessions: i64,
}

pub async fn report(db: &crate::connect::Db, opts: &ActivityOptions) -> Result<ActivityReport> {
    let client = db.get().await?;
    super::read_only(&client, || read(&client, opts)).await
}

async fn read(client: &Client, opts: &ActivityOptions) -> Result<ActivityReport> {
    let sql = ACTIVITY_SQL.replace("{hidden}", super::HIDDEN_SESSION_SQL);
    let rows = query(client, "pg_stat_activity", &sql, &[(&opts.all_backends, Type::BOOL)]).await?;
    let mut counts = Counts::default();
    let mut hidden = 0;
    let mut sessions = Vec::new();
    for r in &rows {
        // Another role's session: counted, not listed. A background process whose type is
        // hidden too (no role) is not a session: neither.
        if r.get::<_, bool>("insufficient_privilege") {
            if r.get::<_, bool>("hidden_session") {
                hidden += 1;
                counts.total += 1;
            }
            continue;
        }
        let s = Session {
            pid: r.get("pid"),
            user: r.get("user"),
            database: r.get("database"),
            application: r.get("application"),
            client_addr: r.get("client_addr"),
            backend_type: r.get("backend_type"),
            state: r.get("state"),
            wait_event_type: r.get("wait_event_type"),
            wait_event: r.get("wait_event"),
            query_age_s: r.get("query_age_s"),
            xact_age_s: r.get("xact_age_s"),
            state_age_s: r.get("state_age_s"),
            blocked_by: r.get::<_, Option<Vec<i32>>>("blocked_by").unwrap_or_default(),
            xmin_age: r.get("xmin_age"),
            query: r.get("query"),
        };
        counts.total += 1;
        match s.state.as_deref() {
            Some("active") => counts.active += 1,
            Some("idle") => counts.idle += 1,
            Some(x) if x.starts_with("idle in transaction") => counts.idle_in_transaction += 1,
            _ => {}
        }
        if s.wait_event_type.as_deref().is_some_and(|w| w == "Lock") {
            counts.waiting += 1;
        }
        if !s.blocked_by.is_empty() {
            counts.blocked += 1;
        }
        if opts.running_only && s.duration_s().is_none() {
            continue;
        }
        if let Some(min) = opts.min_duration_s
            && s.duration_s().is_none_or(|d| d < min)
        {
            continue;
        }
        sessions.push(s);
    }
    Ok(ActivityReport { counts, sessions, hidden_sessions: hidden })
}

pub const CHECKS: &[(&str, Threshold, &str)] = &[
    ("long_running_s", Threshold::above(Some(300.0), Some(3600.0)), "longest running statement, seconds"),
    (
        "idle_in_transaction_s",
        Threshold::above(Some(60.0), Some(600.0)),
        "longest idle-in-transaction session, seconds",
    ),
    ("blocked_sessions", Threshold::above(Some(0.0), None), "sessions waiting for another session's lock"),
];

/// The longest duration among sessions in `state` (prefix match).
fn longest(sessions: &[Session], state: &str) -> f64 {
    sessions
        .iter()
        .filter(|s| s.state.as_deref().is_some_and(|x| x.starts_with(state)))
        .filter_map(Session::duration_s)
        .fold(0.0, f64::max)
}

/// The three session checks shared by `activity` and `slow-query --running`; sessions that
/// cannot be seen make an OK result UNKNOWN.
pub fn session_checks(r: &ActivityReport, t: &Thresholds) -> Vec<Check> {
    let mut checks = vec![
        Check::measured(
            "long_running_s",
            longest(&r.sessions, "active"),
            t.get("long_running_s"),
            "longest running statement (s)",
        ),
        Check::measured(
            "idle_in_transaction_s",
            longest(&r.sessions, "idle in transaction"),
            t.get("idle_in_transaction_s"),
            "longest idle-in-transaction session (s)",
        ),
        Check::measured(
            "blocked_sessions",
            r.counts.blocked as f64,
            t.get("blocked_sessions"),
            "sessions blocked by another session's lock",
        ),
    ];
    if r.hidden_sessions > 0 {
        let why = format!(
            "{} session(s) of other roles are not visible: grant pg_read_all_stats",
            r.hidden_sessions
        );
        checks = checks.into_iter().map(|c| c.unless_unseen(&why)).collect();
    }
    checks
}

impl Report for ActivityReport {
    fn sections(&self) -> Vec<Section> {
        use crate::output::cells::{one_line, opt, secs};
        vec![Section {
            title: format!(
                "Sessions: {} total, {} active, {} idle in transaction, {} blocked",
                self.counts.total, self.counts.active, self.counts.idle_in_transaction, self.counts.blocked
            ),
            headers: vec![
                "pid",
                "user",
                "database",
                "application",
                "client",
                "state",
                "wait",
                "query age",
                "xact age",
                "blocked by",
                "query",
            ],
            rows: self
                .sessions
                .iter()
                .map(|s| {
                    vec![
                        s.pid.to_string(),
                        opt(&s.user),
                        opt(&s.database),
                        opt(&s.application),
                        opt(&s.client_addr),
                        s.state.clone().or_else(|| s.backend_type.clone()).unwrap_or_default(),
                        match (&s.wait_event_type, &s.wait_event) {
                            (Some(t), Some(e)) => format!("{t}:{e}"),
                            _ => "-".into(),
                        },
                        secs(s.query_age_s),
                        secs(s.xact_age_s),
                        s.blocked_by.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","),
                        one_line(s.query.as_deref().unwrap_or(""), 80),
                    ]
                })
                .collect(),
            empty: "no sessions match",
            wide: &["database", "application", "client", "xact age"],
            ..Default::default()
        }]
    }

    fn notes(&self) -> Vec<String> {
        if self.hidden_sessions > 0 {
            vec![format!(
                "{} session(s) of other roles are counted but not shown: grant pg_read_all_stats to see them",
                self.hidden_sessions
            )]
        } else {
            Vec::new()
        }
    }

    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        session_checks(self, t)
    }
}
