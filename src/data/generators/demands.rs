//! The scale generator: demands, and for each demand exactly M agent responses and K
//! collaboration channels, consistent with each other and with the agents in the database.
//!
//! Every demand is a pure function of `(seed, index)`, split into streams so that children can
//! re-derive what they need without the whole demand: the *core* (id, category, status, times,
//! user), the *cast* (which agents respond, their relevance, who was accepted) and the *body*
//! (texts and JSON). Responses and channels of demand `i` recompute its core and cast, so nothing
//! is kept in memory between rows.
//!
//! Consistency rules (checked by the tests):
//! - `draft`: responses `pending` (pre-matched, not yet sent); channels `active`/`paused`.
//! - `published`: responses `pending` or `withdrawn`; channels `active`/`paused`.
//! - `matching`: responses `pending`, `rejected` or `withdrawn`; channels `active`.
//! - `matched` / `completed`: the most relevant response `accepted`, the others `rejected` or
//!   `withdrawn`; channels `active`/`paused` (matched), `completed`/`closed` (completed), and the
//!   accepted agent is a participant of every channel.
//! - `cancelled`: responses `rejected` or `withdrawn`; channels `closed`.
//! - Every channel participant is an agent that responded to that demand. Times: demand
//!   created ≤ response/channel created ≤ as-of; deadline after creation; `last_message_at` is set
//!   exactly when `message_count > 0` and lies between the channel's creation and as-of.

use super::agents::{AGENT_TYPES, CNY_PER_USD, type_index, word};
use super::texts::{CATEGORIES, body};
use super::{DAY, HOUR, Json, JsonBuf, Locale, Micros, RowRng, SECOND, Stream, Ts};

pub const DEMAND_STATUSES: [&str; 6] =
    ["draft", "published", "matching", "matched", "completed", "cancelled"];
/// Shares of the statuses, in per cent.
const STATUS_WEIGHTS: [u32; 6] = [8, 12, 15, 20, 35, 10];

/// An agent that may respond: its id and type (index into `AGENT_TYPES`, or `None` for a type
/// the generator does not know).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolAgent {
    pub id: uuid::Uuid,
    pub type_index: Option<usize>,
}

/// The agents responses are drawn from, with, per category, which of them fit it.
#[derive(Debug, Clone)]
pub struct AgentPool {
    pub agents: Vec<PoolAgent>,
    fitting: Vec<Vec<u32>>,
    others: Vec<Vec<u32>>,
}

impl AgentPool {
    /// `agents` in a stable order (the loader reads them ordered by id).
    pub fn new(agents: Vec<(uuid::Uuid, String)>) -> AgentPool {
        let agents: Vec<PoolAgent> =
            agents.into_iter().map(|(id, t)| PoolAgent { id, type_index: type_index(&t) }).collect();
        let mut fitting = Vec::new();
        let mut others = Vec::new();
        for c in CATEGORIES {
            let fits = |a: &PoolAgent| a.type_index.is_some_and(|t| c.agents.contains(&AGENT_TYPES[t].key));
            fitting.push((0..agents.len() as u32).filter(|&i| fits(&agents[i as usize])).collect());
            others.push((0..agents.len() as u32).filter(|&i| !fits(&agents[i as usize])).collect());
        }
        AgentPool { agents, fitting, others }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct ScaleSpec {
    pub seed: u64,
    pub demands: u64,
    pub responses_per_demand: u32,
    pub channels_per_demand: u32,
    pub locale: Locale,
    /// UTC seconds: demands were created in the six months before it.
    pub as_of: i64,
}

/// The part of a demand that its responses and channels depend on.
#[derive(Debug, Clone)]
pub struct DemandCore {
    pub id: uuid::Uuid,
    pub category: usize,
    pub status: &'static str,
    pub user: u64,
    pub created_at: Micros,
    pub deadline: Option<Micros>,
    pub currency: &'static str,
    pub budget_usd: f64,
}

fn users_for(spec: &ScaleSpec) -> u64 {
    (spec.demands / 3).clamp(1, 5_000_000)
}

pub fn user_id(user: u64) -> String {
    format!("user_{:06}", user + 1)
}

fn as_of(spec: &ScaleSpec) -> Micros {
    spec.as_of * SECOND
}

/// The core of demand `i`.
pub fn demand_core(spec: &ScaleSpec, i: u64) -> DemandCore {
    let mut r = RowRng::new(spec.seed, Stream::DemandCore, i);
    let id = r.uuid();
    let weights: Vec<u32> = CATEGORIES.iter().map(|c| c.weight).collect();
    let category = r.weighted(&weights);
    let status = DEMAND_STATUSES[r.weighted(&STATUS_WEIGHTS)];
    // Skewed towards a few active users, like real marketplaces.
    let users = users_for(spec);
    let user = ((r.unit().powi(2)) * users as f64) as u64 % users;
    // Finished demands are older, fresh ones recent.
    let (lo, hi) = match status {
        "draft" | "published" => (0, 30),
        "matching" => (1, 60),
        "matched" => (7, 120),
        _ => (20, 180),
    };
    let created_at = as_of(spec) - r.range(lo * DAY, hi * DAY) - r.range(0, DAY);
    let deadline = (!r.chance(0.1)).then(|| created_at + r.range(3 * DAY, 90 * DAY));
    let currency = if spec.locale == Locale::Zh && r.chance(0.6) { "CNY" } else { "USD" };
    let c = &CATEGORIES[category];
    let budget_usd = (c.budget.0 + (c.budget.1 - c.budget.0) * r.unit().powi(2)).round();
    DemandCore { id, category, status, user, created_at, deadline, currency, budget_usd }
}

fn money(usd: f64, currency: &str) -> f64 {
    let v = if currency == "CNY" { usd * CNY_PER_USD } else { usd };
    if v >= 100.0 { (v / 10.0).round() * 10.0 } else { v.round() }
}

/// A generated `demands` row (JSON columns as JSON text).
#[derive(Debug, Clone, PartialEq)]
pub struct DemandRow {
    pub id: uuid::Uuid,
    pub title: String,
    pub description: String,
    pub user_id: String,
    pub requirements: Json,
    pub budget: Json,
    pub deadline: Option<Ts>,
    pub status: &'static str,
    pub tags: Json,
    pub extra_metadata: Json,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// Demand `i`.
pub fn demand(spec: &ScaleSpec, i: u64) -> DemandRow {
    let core = demand_core(spec, i);
    let mut r = RowRng::new(spec.seed, Stream::DemandBody, i);
    let c = &CATEGORIES[core.category];
    let loc = spec.locale;
    let extra: Vec<&str> = r.some(c.tags, 1, 3).into_iter().copied().collect();
    let mut tags = vec![c.key];
    tags.extend(extra.iter().copied());
    let budget_amount = money(core.budget_usd, core.currency);
    let (title, description, requirements) = body(&mut r, c, &extra, loc);
    let budget = JsonBuf::object(|o| {
        o.num("max_amount", budget_amount).str("currency", core.currency);
        if r.chance(0.3) {
            o.num("min_amount", (budget_amount * 0.5).round());
        }
        if r.chance(0.4) {
            o.bool("negotiable", true);
        }
    });
    let source = *r.pick(&["web", "web", "mobile", "api", "wechat_mini_program"]);
    let priority = *r.pick(&["low", "normal", "normal", "high", "urgent"]);
    let views = r.range(0, 2000);
    let extra_metadata = JsonBuf::object(|o| {
        o.str("source", source).str("priority", priority).int("views", views).object("generated", |g| {
            g.str("by", "towow-db").int("seed", spec.seed as i64).int("index", i as i64);
        });
    });
    let end = as_of(spec);
    let updated_at = core.created_at + r.below((end - core.created_at) as u64 + 1) as i64;
    DemandRow {
        id: core.id,
        title,
        description,
        user_id: user_id(core.user),
        requirements: Json(requirements),
        budget: Json(budget),
        deadline: core.deadline.map(Ts),
        status: core.status,
        tags: Json(JsonBuf::strings(&tags)),
        extra_metadata: Json(extra_metadata),
        created_at: Ts(core.created_at),
        updated_at: Ts(updated_at),
    }
}

/// Who responds to a demand: `responses_per_demand` distinct agents (those fitting its category
/// first), their relevance, and which of them was accepted.
#[derive(Debug, Clone)]
pub struct Cast {
    /// (index into the pool, relevance score 0-1).
    pub agents: Vec<(u32, f64)>,
    pub accepted: Option<usize>,
}

/// Distinct indices from `from` (all of them when `k >= len`).
fn pick_distinct(r: &mut RowRng, from: &[u32], k: usize, out: &mut Vec<(u32, f64)>) {
    if k >= from.len() {
        out.extend(from.iter().map(|&i| (i, 0.0)));
        return;
    }
    if k * 4 <= from.len() {
        // Few from many: rejection sampling, no copy of the pool.
        let start = out.len();
        while out.len() - start < k {
            let c = from[r.below(from.len() as u64) as usize];
            if !out[start..].iter().any(|(i, _)| *i == c) {
                out.push((c, 0.0));
            }
        }
    } else {
        let picked = r.sample(from, k);
        out.extend(picked.into_iter().map(|&i| (i, 0.0)));
    }
}

pub fn cast(spec: &ScaleSpec, pool: &AgentPool, core: &DemandCore, i: u64) -> Cast {
    let mut r = RowRng::new(spec.seed, Stream::DemandAgents, i);
    let m = spec.responses_per_demand as usize;
    let fitting = &pool.fitting[core.category];
    let others = &pool.others[core.category];
    let mut agents = Vec::with_capacity(m);
    // About three quarters from agents of a fitting type, the rest from anyone else.
    let from_fitting = m.min(fitting.len()).min(m.div_ceil(4) * 3).max(m.saturating_sub(others.len()));
    pick_distinct(&mut r, fitting, from_fitting, &mut agents);
    pick_distinct(&mut r, others, m - agents.len(), &mut agents);
    for (idx, score) in agents.iter_mut() {
        let fits = pool.agents[*idx as usize]
            .type_index
            .is_some_and(|t| CATEGORIES[core.category].agents.contains(&AGENT_TYPES[t].key));
        let (lo, hi) = if fits { (0.55, 0.99) } else { (0.2, 0.7) };
        *score = ((lo + (hi - lo) * r.unit()) * 1000.0).round() / 1000.0;
    }
    let accepted = match core.status {
        "matched" | "completed" if !agents.is_empty() => {
            let best = agents
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.1.total_cmp(&b.1.1).then(b.0.cmp(&a.0)))
                .map(|(j, _)| j)
                .unwrap_or(0);
            Some(best)
        }
        _ => None,
    };
    Cast { agents, accepted }
}

/// A generated `agent_responses` row.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub id: uuid::Uuid,
    pub demand_id: uuid::Uuid,
    pub agent_id: uuid::Uuid,
    pub message: String,
    pub proposal: Json,
    pub status: &'static str,
    pub relevance_score: f64,
    pub extra_metadata: Json,
    pub created_at: Ts,
    pub updated_at: Ts,
}

fn response_status(r: &mut RowRng, demand_status: &str, accepted: bool) -> &'static str {
    if accepted {
        return "accepted";
    }
    match demand_status {
        "draft" => "pending",
        "published" => {
            if r.chance(0.85) {
                "pending"
            } else {
                "withdrawn"
            }
        }
        "matching" => {
            ["pending", "pending", "pending", "rejected", "rejected", "withdrawn"][r.below(6) as usize]
        }
        "cancelled" => {
            if r.chance(0.5) {
                "rejected"
            } else {
                "withdrawn"
            }
        }
        // matched / completed: everyone but the accepted agent lost.
        _ => {
            if r.chance(0.75) {
                "rejected"
            } else {
                "withdrawn"
            }
        }
    }
}

/// Append the responses of demand `i` to `out`.
pub fn responses(spec: &ScaleSpec, pool: &AgentPool, i: u64, out: &mut Vec<ResponseRow>) {
    let core = demand_core(spec, i);
    let cast = cast(spec, pool, &core, i);
    let end = as_of(spec).max(core.created_at);
    let last = core.deadline.map_or(end, |d| d.min(end)).max(core.created_at);
    let label = |idx: u32| {
        pool.agents[idx as usize]
            .type_index
            .map(|t| word(&AGENT_TYPES[t].label, spec.locale))
            .unwrap_or("Agent")
    };
    for (j, (idx, score)) in cast.agents.iter().enumerate() {
        let n = i * spec.responses_per_demand as u64 + j as u64;
        let mut r = RowRng::new(spec.seed, Stream::Response, n);
        let id = r.uuid();
        let status = response_status(&mut r, core.status, cast.accepted == Some(j));
        let created_at = core.created_at
            + HOUR.min(last - core.created_at)
            + r.below((last - core.created_at) as u64 / 2 + 1) as i64;
        let created_at = created_at.min(last);
        let updated_at = if status == "pending" {
            created_at
        } else {
            created_at + r.below((end - created_at) as u64 + 1) as i64
        };
        let price = money(core.budget_usd * (0.6 + 0.5 * r.unit()), core.currency);
        let days = r.range(2, 45);
        let milestones = r.range(1, 4);
        let message = match spec.locale {
            Locale::Zh => format!(
                "您好，我是{}，可以在{days}天内完成，报价{price}{}。",
                label(*idx),
                if core.currency == "CNY" { "元" } else { "美元" }
            ),
            Locale::En => format!(
                "Hi, I'm a {} and can deliver in {days} days for {price} {}.",
                label(*idx).to_lowercase(),
                core.currency
            ),
        };
        let proposal = JsonBuf::object(|o| {
            o.num("price", price)
                .str("currency", core.currency)
                .int("estimated_days", days)
                .int("milestones", milestones);
        });
        let minutes = r.range(1, 600);
        let extra_metadata = JsonBuf::object(|o| {
            o.str("source", if r.chance(0.8) { "auto_match" } else { "manual" })
                .int("response_minutes", minutes);
        });
        out.push(ResponseRow {
            id,
            demand_id: core.id,
            agent_id: pool.agents[*idx as usize].id,
            message,
            proposal: Json(proposal),
            status,
            relevance_score: *score,
            extra_metadata: Json(extra_metadata),
            created_at: Ts(created_at),
            updated_at: Ts(updated_at),
        });
    }
}

/// A generated `collaboration_channels` row.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRow {
    pub id: uuid::Uuid,
    pub name: String,
    pub description: Option<String>,
    pub demand_id: uuid::Uuid,
    pub participants: Json,
    pub status: &'static str,
    pub context: Json,
    pub message_count: i32,
    pub last_message_at: Option<Ts>,
    pub settings: Json,
    pub created_at: Ts,
    pub updated_at: Ts,
}

fn channel_status(r: &mut RowRng, demand_status: &str) -> &'static str {
    match demand_status {
        "matching" => "active",
        "completed" => {
            if r.chance(0.7) {
                "completed"
            } else {
                "closed"
            }
        }
        "cancelled" => "closed",
        "matched" => {
            if r.chance(0.8) {
                "active"
            } else {
                "paused"
            }
        }
        _ => {
            if r.chance(0.7) {
                "active"
            } else {
                "paused"
            }
        }
    }
}

/// Append the channels of demand `i` to `out`.
pub fn channels(spec: &ScaleSpec, pool: &AgentPool, i: u64, out: &mut Vec<ChannelRow>) {
    let core = demand_core(spec, i);
    let cast = cast(spec, pool, &core, i);
    let end = as_of(spec).max(core.created_at);
    let c = &CATEGORIES[core.category];
    for k in 0..spec.channels_per_demand {
        let n = i * spec.channels_per_demand as u64 + k as u64;
        let mut r = RowRng::new(spec.seed, Stream::Channel, n);
        let id = r.uuid();
        let status = channel_status(&mut r, core.status);
        // Participants: the accepted agent (if any) and a few other responders.
        let mut members: Vec<usize> = cast.accepted.into_iter().collect();
        let others: Vec<usize> = (0..cast.agents.len()).filter(|j| Some(*j) != cast.accepted).collect();
        let extra = r.range(0, 3).min(others.len() as i64) as usize;
        // Without an accepted agent, at least one responder leads the channel (if anyone responded).
        let k = if members.is_empty() { extra.max(1.min(others.len())) } else { extra };
        members.extend(r.sample(&others, k).into_iter().copied());
        let user = user_id(core.user);
        let participants = JsonBuf::object(|o| {
            o.str("user_id", &user).array("agents", |a| {
                for (pos, j) in members.iter().enumerate() {
                    let (idx, _) = cast.agents[*j];
                    let role = if cast.accepted == Some(*j) || (cast.accepted.is_none() && pos == 0) {
                        "lead"
                    } else {
                        "member"
                    };
                    a.object(|m| {
                        m.str("agent_id", &pool.agents[idx as usize].id.to_string()).str("role", role);
                    });
                }
            });
        });
        let created_at = core.created_at + r.below((end - core.created_at) as u64 / 2 + 1) as i64;
        let (message_count, last_message_at) = match status {
            "active" | "paused" if r.chance(0.15) => (0, None),
            _ => {
                let count =
                    r.range(1, if matches!(status, "completed" | "closed") { 500 } else { 200 }) as i32;
                (count, Some(created_at + r.below((end - created_at) as u64 + 1) as i64))
            }
        };
        let updated_at = last_message_at.unwrap_or(created_at);
        let label = word(&c.label, spec.locale);
        let name = match spec.locale {
            Locale::Zh => format!("{label}协商频道 {}", k + 1),
            Locale::En => format!("{label} negotiation #{}", k + 1),
        };
        let description = r.chance(0.7).then(|| match spec.locale {
            Locale::Zh => format!("{}与{}位 Agent 的协商", user, members.len()),
            Locale::En => format!("Negotiation between {} and {} agent(s)", user, members.len()),
        });
        let round = r.range(1, 5);
        let context = JsonBuf::object(|o| {
            o.str("topic", c.key).int("negotiation_round", round);
            if let Some(a) = cast.accepted {
                o.str("agreed_agent_id", &pool.agents[cast.agents[a].0 as usize].id.to_string());
            }
        });
        let close_hours = *r.pick(&[24i64, 48, 72, 168]);
        let settings = JsonBuf::object(|o| {
            o.int("max_participants", 10).int("auto_close_hours", close_hours).str("visibility", "private");
        });
        out.push(ChannelRow {
            id,
            name,
            description,
            demand_id: core.id,
            participants: Json(participants),
            status,
            context: Json(context),
            message_count,
            last_message_at: last_message_at.map(Ts),
            settings: Json(settings),
            created_at: Ts(created_at),
            updated_at: Ts(updated_at),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generators::agents::{MockSet, mock_agent};
    use crate::data::generators::{DEFAULT_AS_OF, DEFAULT_SEED};

    fn pool(n: u64) -> AgentPool {
        let set = MockSet { seed: 1, locale: Locale::Zh, as_of: DEFAULT_AS_OF };
        let mut v: Vec<(uuid::Uuid, String)> =
            (0..n).map(|i| mock_agent(&set, i)).map(|a| (a.id, a.agent_type.to_string())).collect();
        v.sort();
        AgentPool::new(v)
    }

    fn spec(m: u32, k: u32, locale: Locale) -> ScaleSpec {
        ScaleSpec {
            seed: DEFAULT_SEED,
            demands: 2000,
            responses_per_demand: m,
            channels_per_demand: k,
            locale,
            as_of: DEFAULT_AS_OF,
        }
    }

    #[test]
    fn demands_are_deterministic_and_valid() {
        for loc in [Locale::Zh, Locale::En] {
            let s = spec(3, 1, loc);
            let mut statuses = std::collections::BTreeMap::new();
            for i in 0..2000 {
                let d = demand(&s, i);
                assert_eq!(d, demand(&s, i));
                *statuses.entry(d.status).or_insert(0) += 1;
                assert!(d.title.chars().count() <= 500 && !d.title.is_empty());
                for j in [&d.requirements, &d.budget, &d.tags, &d.extra_metadata] {
                    serde_json::from_str::<serde_json::Value>(j).unwrap();
                }
                if let Some(dl) = d.deadline {
                    assert!(dl > d.created_at);
                }
                assert!(d.created_at <= d.updated_at && d.updated_at.0 <= DEFAULT_AS_OF * SECOND);
                let tags: Vec<String> = serde_json::from_str(&d.tags).unwrap();
                assert_eq!(tags[0], CATEGORIES[demand_core(&s, i).category].key);
            }
            assert_eq!(statuses.len(), 6, "{statuses:?}");
            assert!(statuses["completed"] > statuses["draft"], "{statuses:?}");
        }
    }

    #[test]
    fn responses_and_channels_are_consistent() {
        let p = pool(100);
        let s = spec(5, 2, Locale::Zh);
        for i in 0..500 {
            let core = demand_core(&s, i);
            let mut rs = Vec::new();
            responses(&s, &p, i, &mut rs);
            assert_eq!(rs.len(), 5);
            let mut agents: Vec<_> = rs.iter().map(|r| r.agent_id).collect();
            agents.sort();
            agents.dedup();
            assert_eq!(agents.len(), 5, "distinct agents");
            let accepted = rs.iter().filter(|r| r.status == "accepted").count();
            match core.status {
                "matched" | "completed" => assert_eq!(accepted, 1),
                _ => assert_eq!(accepted, 0),
            }
            if core.status == "draft" {
                assert!(rs.iter().all(|r| r.status == "pending"));
            }
            if core.status == "cancelled" {
                assert!(rs.iter().all(|r| r.status == "rejected" || r.status == "withdrawn"));
            }
            if let Some(a) = rs.iter().find(|r| r.status == "accepted") {
                assert!(rs.iter().all(|r| r.relevance_score <= a.relevance_score));
            }
            for r in &rs {
                assert!(r.created_at.0 >= core.created_at && r.created_at.0 <= DEFAULT_AS_OF * SECOND);
                assert!((0.0..=1.0).contains(&r.relevance_score));
            }
            let mut cs = Vec::new();
            channels(&s, &p, i, &mut cs);
            assert_eq!(cs.len(), 2);
            for c in &cs {
                let parts: serde_json::Value = serde_json::from_str(&c.participants).unwrap();
                let ids: Vec<String> = parts["agents"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["agent_id"].as_str().unwrap().into())
                    .collect();
                assert!(!ids.is_empty());
                for id in &ids {
                    assert!(rs.iter().any(|r| r.agent_id.to_string() == *id), "participant did not respond");
                }
                if let Some(a) = rs.iter().find(|r| r.status == "accepted") {
                    assert!(ids.contains(&a.agent_id.to_string()));
                }
                assert_eq!(c.message_count > 0, c.last_message_at.is_some());
                if let Some(t) = c.last_message_at {
                    assert!(t >= c.created_at && t.0 <= DEFAULT_AS_OF * SECOND);
                }
                match core.status {
                    "cancelled" => assert_eq!(c.status, "closed"),
                    "completed" => assert!(c.status == "completed" || c.status == "closed"),
                    _ => assert!(c.status == "active" || c.status == "paused"),
                }
            }
        }
    }

    /// `--as-of` takes any date from 1970-01-01 on: at the epoch the demands were created before
    /// it (negative times), and a response still comes after its demand and by `--as-of`.
    #[test]
    fn responses_follow_their_demand_at_any_as_of_date() {
        let p = pool(50);
        for as_of in [0, 3 * 3_600, 40 * 86_400, DEFAULT_AS_OF] {
            let s = ScaleSpec { as_of, demands: 300, ..spec(4, 1, Locale::En) };
            for i in 0..300 {
                let core = demand_core(&s, i);
                let d = demand(&s, i);
                assert!(d.created_at <= d.updated_at && d.updated_at.0 <= as_of * SECOND, "as of {as_of}");
                let mut rs = Vec::new();
                responses(&s, &p, i, &mut rs);
                let last =
                    core.deadline.map_or(as_of * SECOND, |dl| dl.min(as_of * SECOND)).max(core.created_at);
                for r in &rs {
                    assert!(
                        r.created_at.0 >= core.created_at && r.created_at.0 <= last,
                        "as of {as_of}: response at {} for a demand of {} (last {last})",
                        r.created_at.0,
                        core.created_at
                    );
                    assert!(r.updated_at >= r.created_at, "as of {as_of}");
                }
            }
        }
    }

    #[test]
    fn zero_responses_and_large_pools() {
        let s = spec(0, 1, Locale::En);
        let p = pool(10);
        let mut rs = Vec::new();
        responses(&s, &p, 3, &mut rs);
        assert!(rs.is_empty());
        let mut cs = Vec::new();
        channels(&s, &p, 3, &mut cs);
        let parts: serde_json::Value = serde_json::from_str(&cs[0].participants).unwrap();
        assert_eq!(parts["agents"].as_array().unwrap().len(), 0);
        // Matched and completed demands without responses: nobody accepted, no agreed agent.
        let mut matched = 0;
        for i in 0..200 {
            if !matches!(demand_core(&s, i).status, "matched" | "completed") {
                continue;
            }
            matched += 1;
            let mut cs = Vec::new();
            channels(&s, &p, i, &mut cs);
            let context: serde_json::Value = serde_json::from_str(&cs[0].context).unwrap();
            assert!(context.get("agreed_agent_id").is_none(), "{context}");
        }
        assert!(matched > 0, "no matched or completed demand among the first 200");
        // All agents respond when M equals the pool size.
        let s = spec(10, 0, Locale::En);
        responses(&s, &p, 4, &mut rs);
        assert_eq!(rs.len(), 10);
    }
}
