//! Steps 4 to 7 of the method (see the module's documentation): every candidate proven alone
//! with hypopg, the greedy choice, the check of the chosen set together.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use tokio_postgres::Client;

use super::candidates::Candidate;
use super::plan::Facts;
use super::session::Session;
use super::{Advice, AdviseOptions, AdvisedIndex, Helped, Tried, Verdict, Work, catalog};

/// One candidate's plan of one statement: cost and whether it reads the index.
#[derive(Debug, Clone, Copy)]
struct Trial {
    cost: f64,
    used: bool,
}

/// Steps 4 to 6 (see the module's documentation).
pub async fn prove(
    s: &Session<'_>,
    client: &Client,
    work: &mut [Work],
    opts: &AdviseOptions,
    advice: &mut Advice,
) -> Result<()> {
    // Every distinct candidate, on every statement that scans its table.
    let mut all: Vec<Candidate> = Vec::new();
    for w in work.iter() {
        for c in &w.found.candidates {
            if !all.contains(c) {
                all.push(c.clone());
            }
        }
    }
    let scans = |w: &Work, c: &Candidate| {
        w.before.scans.iter().any(|sc| sc.schema == c.schema && sc.table == c.table)
            || w.found.candidates.iter().any(|x| x.schema == c.schema && x.table == c.table)
    };
    let mut trials: HashMap<(usize, usize), Result<Trial, String>> = HashMap::new();
    for (ci, c) in all.iter().enumerate() {
        let oid = match s.hypothetical(c).await {
            Ok(oid) => oid,
            Err(e) => {
                let why = crate::error::render(&e);
                for (wi, w) in work.iter().enumerate() {
                    if scans(w, c) {
                        trials.insert((ci, wi), Err(why.clone()));
                    }
                }
                continue;
            }
        };
        for (wi, w) in work.iter().enumerate() {
            if !scans(w, c) {
                continue;
            }
            let r = s.explain(&w.advice.query, &w.types, false).await;
            trials.insert((ci, wi), r.map(|f| Trial { cost: f.cost, used: f.uses_hypothetical(oid) }));
        }
        s.reset().await?;
    }
    let factor = opts.min_speedup;
    let befores: Vec<Option<f64>> = work.iter().map(|w| w.advice.cost_before).collect();
    let weights: Vec<f64> = work.iter().map(|w| w.advice.total_ms.max(1e-6)).collect();
    let saving = |ci: usize, wi: usize| -> Option<f64> {
        let before = befores[wi]?;
        match trials.get(&(ci, wi)) {
            Some(Ok(t)) if t.used && t.cost > 0.0 && before / t.cost >= factor => Some(1.0 - t.cost / before),
            Some(Ok(t)) if t.used && t.cost <= 0.0 && before > 0.0 => Some(1.0),
            _ => None,
        }
    };
    // What each statement's own candidates gave.
    for (wi, w) in work.iter_mut().enumerate() {
        for c in &w.found.candidates {
            let ci = all.iter().position(|x| x == c).unwrap_or_default();
            let (cost, used, error) = match trials.get(&(ci, wi)) {
                Some(Ok(t)) => (Some(t.cost), t.used, None),
                Some(Err(e)) => (None, false, Some(e.clone())),
                None => (None, false, None),
            };
            let speedup = match (w.advice.cost_before, cost) {
                (Some(b), Some(c)) if c > 0.0 => Some(b / c),
                _ => None,
            };
            w.advice.tried.push(Tried { index: c.label(), cost, speedup, used, error });
        }
    }
    // Greedy choice.
    let mut open: HashSet<usize> =
        (0..work.len()).filter(|&wi| (0..all.len()).any(|ci| saving(ci, wi).is_some())).collect();
    let mut chosen: Vec<(usize, Vec<String>)> = Vec::new();
    while !open.is_empty() {
        let score = |ci: usize| -> f64 {
            open.iter().filter_map(|&wi| saving(ci, wi).map(|s| s * weights[wi])).sum()
        };
        let scores: Vec<f64> = (0..all.len()).map(score).collect();
        let Some(best) = (0..all.len()).filter(|&ci| scores[ci] > 0.0).max_by(|&a, &b| {
            scores[a]
                .total_cmp(&scores[b])
                .then(all[b].columns.len().cmp(&all[a].columns.len()))
                .then(all[b].label().cmp(&all[a].label()))
        }) else {
            break;
        };
        // A narrower prefix that leaves nearly as little: it helps every statement the wider
        // one helps, and their remaining cost (weighted by total time) is at most 10 % more.
        let helped: Vec<usize> = open.iter().copied().filter(|&wi| saving(best, wi).is_some()).collect();
        let remaining = |ci: usize| -> Option<f64> {
            helped.iter().map(|&wi| saving(ci, wi).map(|s| (1.0 - s) * weights[wi])).sum()
        };
        let pick = match remaining(best) {
            Some(wide) => (0..all.len())
                .filter(|&ci| all[ci].is_prefix_of(&all[best]))
                .filter(|&ci| remaining(ci).is_some_and(|r| r <= wide * 1.1 + 1e-9))
                .min_by_key(|&ci| all[ci].columns.len())
                .unwrap_or(best),
            None => best,
        };
        let covers: Vec<String> = (0..all.len())
            .filter(|&ci| ci != pick && all[ci].is_prefix_of(&all[pick]) && scores[ci] > 0.0)
            .map(|ci| all[ci].label())
            .collect();
        open.retain(|&wi| saving(pick, wi).is_none());
        chosen.push((pick, covers));
    }
    // All chosen at once: the cost after, which index each plan reads, the sizes. A chosen index
    // that no plan reads (another one serves better) leaves the advice.
    let mut finals: Vec<(usize, Vec<String>, u32)> = Vec::new();
    let mut after: HashMap<usize, Facts> = HashMap::new();
    for _round in 0..4 {
        finals.clear();
        after.clear();
        for (ci, covers) in &chosen {
            // It was made once already: a failure now is the server's, and ends the run.
            let oid = s.hypothetical(&all[*ci]).await?;
            finals.push((*ci, covers.clone(), oid));
        }
        for (wi, w) in work.iter().enumerate() {
            if chosen.is_empty() || !finals.iter().any(|(ci, ..)| scans(w, &all[*ci])) {
                continue;
            }
            if let Ok(f) = s.explain(&w.advice.query, &w.types, false).await {
                after.insert(wi, f);
            }
        }
        let unused: Vec<usize> = finals
            .iter()
            .filter(|(_, _, oid)| !after.values().any(|f| f.uses_hypothetical(*oid)))
            .map(|(ci, ..)| *ci)
            .collect();
        if unused.is_empty() {
            break;
        }
        s.reset().await?;
        chosen.retain(|(ci, _)| !unused.contains(ci));
    }
    let mut sizes = HashMap::new();
    for (ci, _, oid) in &finals {
        sizes.insert(*ci, s.hypothetical_size(*oid).await.ok());
    }
    s.reset().await?;
    // Names: the default, unless taken.
    let names = catalog::unique_names(client, finals.iter().map(|(ci, ..)| &all[*ci]).collect()).await?;
    let writes = catalog::read_writes(
        client,
        &finals.iter().map(|(ci, ..)| (all[*ci].schema.clone(), all[*ci].table.clone())).collect::<Vec<_>>(),
    )
    .await?;
    for (i, (ci, covers, oid)) in finals.iter().enumerate() {
        let c = &all[*ci];
        let mut helped = Vec::new();
        for (wi, w) in work.iter_mut().enumerate() {
            let (Some(f), Some(before)) = (after.get(&wi), w.advice.cost_before) else { continue };
            if !f.uses_hypothetical(*oid) {
                continue;
            }
            w.advice.indexes.push(names[i].clone());
            let speedup = if f.cost > 0.0 { before / f.cost } else { f64::INFINITY };
            if speedup >= factor {
                helped.push(Helped {
                    queryid: w.advice.queryid,
                    cost_before: before,
                    cost_after: f.cost,
                    speedup: if speedup.is_finite() { speedup } else { before },
                    pct_of_total: w.advice.pct_of_total,
                });
            }
        }
        advice.indexes.push(AdvisedIndex {
            name: names[i].clone(),
            schema: c.schema.clone(),
            table: c.table.clone(),
            columns: c.columns.clone(),
            definition: c.create_sql(&names[i]),
            estimated_bytes: sizes.get(ci).copied().flatten(),
            time_share_pct: helped.iter().filter_map(|h| h.pct_of_total).sum(),
            statements: helped,
            writes: writes.get(&(c.schema.clone(), c.table.clone())).cloned(),
            covers: covers.clone(),
            candidate: c.clone(),
        });
    }
    for (wi, w) in work.iter_mut().enumerate() {
        let Some(f) = after.get(&wi) else { continue };
        let Some(before) = w.advice.cost_before else { continue };
        w.advice.cost_after = Some(f.cost);
        w.advice.speedup = (f.cost > 0.0).then(|| before / f.cost);
        if w.advice.speedup.is_some_and(|x| x >= factor) && !w.advice.indexes.is_empty() {
            w.advice.outcome = Verdict::Helped;
        }
    }
    Ok(())
}
