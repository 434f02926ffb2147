//! The trigger math is PostgreSQL's own, `relation_needs_vacanalyze()` in
//! `src/backend/postmaster/autovacuum.c` (13–18), evaluated here in Rust from the raw catalog and
//! statistics values (so it is unit-tested per version):
//!
//! ```text
//! reltuples      = max(pg_class.reltuples, 0)          -- -1 = never vacuumed/analyzed (14+)
//! vacthresh      = vac_base_thresh + vac_scale_factor * reltuples
//!                  capped at autovacuum_vacuum_max_threshold when >= 0            (18+)
//! pcnt_unfrozen  = 1 - min(relallfrozen, relpages) / relpages  if relpages > 0 and relallfrozen > 0 (18+), else 1
//! vacinsthresh   = vac_ins_base_thresh + vac_ins_scale_factor * reltuples * pcnt_unfrozen   (13+)
//! anlthresh      = anl_base_thresh + anl_scale_factor * reltuples
//! dovacuum       = force_vacuum || n_dead_tup > vacthresh
//!                  || (vac_ins_base_thresh >= 0 && n_ins_since_vacuum > vacinsthresh)
//! doanalyze      = n_mod_since_analyze > anlthresh     -- never for TOAST tables
//! force_vacuum   = age(relfrozenxid) > freeze_max_age || mxid_age(relminmxid) > multixact_freeze_max_age
//! freeze_max_age = min(reloption autovacuum_freeze_max_age, GUC)   -- a table may only lower it
//! ```
//!
//! Each `*_base_thresh`/`*_scale_factor` is the table's reloption when set (read with
//! `pg_options_to_table`, never a regex over `reloptions`), else the GUC. A reloption
//! `autovacuum_vacuum_insert_threshold = -1` (and `autovacuum_vacuum_max_threshold = -1`)
//! disables that rule for the table. A TOAST table uses its own `toast.*` reloptions when it has
//! any, else its main table's (autovacuum.c's `table_toast_map`). Partitioned parents have no
//! storage: autovacuum never vacuums or analyzes them.
//!
//! Who acts on `force_vacuum`: with autovacuum active (`autovacuum` and `track_counts` on) the
//! launcher visits every database each `autovacuum_naptime`, and a forced table is vacuumed
//! whatever its `autovacuum_enabled`. With autovacuum off the postmaster starts a worker only
//! when the cluster's oldest `datfrozenxid` is older than the *server-wide*
//! `autovacuum_freeze_max_age` (or `datminmxid` than the MultiXact one: `SetTransactionIdLimit()`
//! in `varsup.c`, the launcher's emergency mode), and that worker goes to the databases past it:
//! a table past only its own, lower `autovacuum_freeze_max_age` reloption in a database under the
//! server-wide limit is vacuumed by nobody.
//!
//! What that vacuum does (`vacuum_get_cutoffs()` in `vacuum.c`, `table_recheck_autovac()`): it
//! is aggressive (visits every page not all-frozen, so that relfrozenxid can advance) only when
//! `age(relfrozenxid) >= min(freeze_table_age, 0.95 * autovacuum_freeze_max_age)` (or the same
//! for MultiXacts), where `freeze_table_age` is the table's `autovacuum_freeze_table_age`
//! reloption, else `vacuum_freeze_table_age` (0 in a template database), and the cap uses the
//! *server-wide* setting. A table whose own `autovacuum_freeze_max_age` is below that gets a
//! non-aggressive "automatic vacuum to prevent wraparound" (it may skip all-visible pages). Any
//! vacuum freezes only the rows older than `freeze_min_age` (the table's
//! `autovacuum_freeze_min_age`, else `vacuum_freeze_min_age`, at most half the server-wide
//! `autovacuum_freeze_max_age`): when that is not below the table's own
//! `autovacuum_freeze_max_age`, its rows aged between the two stay unfrozen, relfrozenxid stays
//! past the limit, and the table is due again at once: an anti-wraparound vacuum every round,
//! for as long as it has such rows. With autovacuum
//! active the same worker also analyzes the table when
//! `n_mod_since_analyze > anlthresh`, even with `autovacuum_enabled = off` (the forced table is
//! past the reloption's early return); with autovacuum off it never analyzes.
//!
//! The failsafe (14+) triggers at `max(vacuum_failsafe_age, 1.05 * autovacuum_freeze_max_age)`
//! (`vacuum_xid_failsafe_check()` in `src/backend/commands/vacuum.c`), the same for MultiXacts.

use serde::Serialize;

use crate::reports::ServerInfo;

/// The global settings the trigger math uses (None where the server lacks the setting).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AvSettings {
    pub version_num: i32,
    /// `autovacuum` and `track_counts` both on (`AutoVacuumingActive()`).
    pub autovacuum: bool,
    pub vacuum_threshold: f64,
    pub vacuum_scale_factor: f64,
    /// 13+; -1 disables the insert rule.
    pub vacuum_insert_threshold: Option<f64>,
    pub vacuum_insert_scale_factor: Option<f64>,
    /// 18+; -1 = no cap.
    pub vacuum_max_threshold: Option<f64>,
    pub analyze_threshold: f64,
    pub analyze_scale_factor: f64,
    pub freeze_max_age: f64,
    pub multixact_freeze_max_age: f64,
    /// `vacuum_freeze_table_age` and `vacuum_multixact_freeze_table_age`: from these ages a
    /// vacuum is aggressive (capped at 95% of the freeze max ages).
    pub freeze_table_age: f64,
    pub multixact_freeze_table_age: f64,
    /// `vacuum_freeze_min_age` and `vacuum_multixact_freeze_min_age`: a vacuum freezes rows
    /// older than these (capped at half the freeze max ages).
    pub freeze_min_age: f64,
    pub multixact_freeze_min_age: f64,
    /// 14+, already raised to 105% of the freeze max age as VACUUM does.
    pub failsafe_age: Option<f64>,
    pub multixact_failsafe_age: Option<f64>,
    pub block_size: f64,
}

impl AvSettings {
    pub fn from_server(s: &ServerInfo) -> AvSettings {
        let f = |n: &str, d: f64| s.setting_f64(n).unwrap_or(d);
        let freeze = f("autovacuum_freeze_max_age", 200_000_000.0);
        let mfreeze = f("autovacuum_multixact_freeze_max_age", 400_000_000.0);
        AvSettings {
            version_num: s.version_num,
            autovacuum: s.setting_on("autovacuum").unwrap_or(true)
                && s.setting_on("track_counts").unwrap_or(true),
            vacuum_threshold: f("autovacuum_vacuum_threshold", 50.0),
            vacuum_scale_factor: f("autovacuum_vacuum_scale_factor", 0.2),
            vacuum_insert_threshold: s.setting_f64("autovacuum_vacuum_insert_threshold"),
            vacuum_insert_scale_factor: s.setting_f64("autovacuum_vacuum_insert_scale_factor"),
            vacuum_max_threshold: s.setting_f64("autovacuum_vacuum_max_threshold"),
            analyze_threshold: f("autovacuum_analyze_threshold", 50.0),
            analyze_scale_factor: f("autovacuum_analyze_scale_factor", 0.1),
            freeze_max_age: freeze,
            multixact_freeze_max_age: mfreeze,
            freeze_table_age: f("vacuum_freeze_table_age", 150_000_000.0),
            multixact_freeze_table_age: f("vacuum_multixact_freeze_table_age", 150_000_000.0),
            freeze_min_age: f("vacuum_freeze_min_age", 50_000_000.0),
            multixact_freeze_min_age: f("vacuum_multixact_freeze_min_age", 5_000_000.0),
            failsafe_age: s.setting_f64("vacuum_failsafe_age").map(|v| v.max(freeze * 1.05)),
            multixact_failsafe_age: s
                .setting_f64("vacuum_multixact_failsafe_age")
                .map(|v| v.max(mfreeze * 1.05)),
            block_size: f("block_size", 8192.0),
        }
    }
}

/// A relation's autovacuum reloptions as PostgreSQL parses them (None = not set).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RelOpts {
    pub enabled: Option<bool>,
    pub vacuum_threshold: Option<f64>,
    pub vacuum_scale_factor: Option<f64>,
    pub vacuum_insert_threshold: Option<f64>,
    pub vacuum_insert_scale_factor: Option<f64>,
    pub vacuum_max_threshold: Option<f64>,
    pub analyze_threshold: Option<f64>,
    pub analyze_scale_factor: Option<f64>,
    pub freeze_max_age: Option<f64>,
    pub multixact_freeze_max_age: Option<f64>,
    pub freeze_table_age: Option<f64>,
    pub multixact_freeze_table_age: Option<f64>,
    pub freeze_min_age: Option<f64>,
    pub multixact_freeze_min_age: Option<f64>,
    pub fillfactor: Option<f64>,
}

/// PostgreSQL's `parse_bool`: unique prefixes of true/false/yes/no, on/off, 1/0.
pub fn parse_pg_bool(v: &str) -> Option<bool> {
    let v = v.trim().to_ascii_lowercase();
    if v.is_empty() {
        return None;
    }
    let prefix = |word: &str, min: usize| v.len() >= min && word.starts_with(&v);
    if prefix("true", 1) || prefix("yes", 1) || v == "on" || v == "1" {
        Some(true)
    } else if prefix("false", 1) || prefix("no", 1) || prefix("off", 2) || v == "0" {
        Some(false)
    } else {
        None
    }
}

impl RelOpts {
    /// From `json_object_agg(option_name, option_value)` over `pg_options_to_table(reloptions)`.
    pub fn from_json(v: &Option<serde_json::Value>) -> RelOpts {
        let mut o = RelOpts::default();
        let Some(map) = v.as_ref().and_then(|v| v.as_object()) else { return o };
        for (k, v) in map {
            let s = v.as_str().unwrap_or_default();
            let n = s.trim().parse::<f64>().ok();
            match k.as_str() {
                "autovacuum_enabled" => o.enabled = parse_pg_bool(s),
                "autovacuum_vacuum_threshold" => o.vacuum_threshold = n,
                "autovacuum_vacuum_scale_factor" => o.vacuum_scale_factor = n,
                "autovacuum_vacuum_insert_threshold" => o.vacuum_insert_threshold = n,
                "autovacuum_vacuum_insert_scale_factor" => o.vacuum_insert_scale_factor = n,
                "autovacuum_vacuum_max_threshold" => o.vacuum_max_threshold = n,
                "autovacuum_analyze_threshold" => o.analyze_threshold = n,
                "autovacuum_analyze_scale_factor" => o.analyze_scale_factor = n,
                "autovacuum_freeze_max_age" => o.freeze_max_age = n,
                "autovacuum_multixact_freeze_max_age" => o.multixact_freeze_max_age = n,
                "autovacuum_freeze_table_age" => o.freeze_table_age = n,
                "autovacuum_multixact_freeze_table_age" => o.multixact_freeze_table_age = n,
                "autovacuum_freeze_min_age" => o.freeze_min_age = n,
                "autovacuum_multixact_freeze_min_age" => o.multixact_freeze_min_age = n,
                "fillfactor" => o.fillfactor = n,
                _ => {}
            }
        }
        o
    }

    pub(super) fn is_empty(&self) -> bool {
        *self == RelOpts { fillfactor: self.fillfactor, ..RelOpts::default() }
    }
}

/// The raw per-relation values the trigger math needs.
#[derive(Debug, Clone, Default)]
pub struct RelStats {
    pub reltuples: f64,
    pub relpages: i64,
    pub relallfrozen: Option<i64>,
    pub n_dead_tup: i64,
    pub n_ins_since_vacuum: Option<i64>,
    pub n_mod_since_analyze: Option<i64>,
    pub xid_age: Option<i64>,
    pub mxid_age: Option<i64>,
}

/// The outcome of `relation_needs_vacanalyze()` for one relation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Trigger {
    pub enabled: bool,
    pub vacuum_threshold: f64,
    pub insert_threshold: Option<f64>,
    pub analyze_threshold: Option<f64>,
    pub freeze_max_age: f64,
    pub multixact_freeze_max_age: f64,
    pub dead_due: bool,
    pub insert_due: bool,
    pub analyze_due: bool,
    pub wraparound_due: bool,
    /// A vacuum of it now (autovacuum's, with the table's freeze ages) would be aggressive.
    pub aggressive: bool,
    /// The age from which its vacuums freeze rows (`freeze_min_age`, capped at half the
    /// server-wide max age), and the same for MultiXacts.
    pub freeze_min_age: f64,
    pub multixact_freeze_min_age: f64,
    /// Due for wraparound, and its vacuums may not bring it under its limit: they freeze only
    /// rows older than `freeze_min_age`, which is not below its `freeze_max_age`, so rows aged
    /// between the two stay unfrozen and keep it due.
    pub wraparound_can_repeat: bool,
}

/// The trigger math for one relation (see the module documentation for the source).
pub fn trigger(g: &AvSettings, o: &RelOpts, r: &RelStats, is_toast: bool) -> Trigger {
    let reltuples = r.reltuples.max(0.0);
    let base = |opt: Option<f64>, guc: f64| opt.filter(|v| *v >= 0.0).unwrap_or(guc);
    let mut vacthresh = base(o.vacuum_threshold, g.vacuum_threshold)
        + base(o.vacuum_scale_factor, g.vacuum_scale_factor) * reltuples;
    // 18+: the cap, where the table's -1 (or the GUC's -1) disables it.
    if let Some(guc_max) = g.vacuum_max_threshold {
        let max = o.vacuum_max_threshold.filter(|v| *v >= -1.0).unwrap_or(guc_max);
        if max >= 0.0 && vacthresh > max {
            vacthresh = max;
        }
    }
    // 13+: the insert rule; 18+ scales it by the unfrozen fraction of the table.
    let insert_threshold = g.vacuum_insert_threshold.and_then(|guc| {
        let ins_base = o.vacuum_insert_threshold.filter(|v| *v >= -1.0).unwrap_or(guc);
        if ins_base < 0.0 {
            return None;
        }
        let mut pcnt_unfrozen = 1.0;
        if let Some(frozen) = r.relallfrozen
            && g.version_num >= 180000
            && r.relpages > 0
            && frozen > 0
        {
            pcnt_unfrozen = 1.0 - frozen.min(r.relpages) as f64 / r.relpages as f64;
        }
        let scale = base(o.vacuum_insert_scale_factor, g.vacuum_insert_scale_factor.unwrap_or(0.2));
        Some(ins_base + scale * reltuples * pcnt_unfrozen)
    });
    let analyze_threshold = (!is_toast).then(|| {
        base(o.analyze_threshold, g.analyze_threshold)
            + base(o.analyze_scale_factor, g.analyze_scale_factor) * reltuples
    });
    let freeze_max_age =
        o.freeze_max_age.filter(|v| *v >= 0.0).map_or(g.freeze_max_age, |v| v.min(g.freeze_max_age));
    let multixact_freeze_max_age = o
        .multixact_freeze_max_age
        .filter(|v| *v >= 0.0)
        .map_or(g.multixact_freeze_max_age, |v| v.min(g.multixact_freeze_max_age));
    let wraparound_due = r.xid_age.is_some_and(|a| a as f64 > freeze_max_age)
        || r.mxid_age.is_some_and(|a| a as f64 > multixact_freeze_max_age);
    // vacuum_get_cutoffs(): the table's freeze_min_age, capped at half the server-wide max age.
    let min_age = base(o.freeze_min_age, g.freeze_min_age).min(0.5 * g.freeze_max_age);
    let mmin_age =
        base(o.multixact_freeze_min_age, g.multixact_freeze_min_age).min(0.5 * g.multixact_freeze_max_age);
    // vacuum_get_cutoffs(): the table's freeze_table_age, capped by the server-wide max age.
    let table_age = |opt: Option<f64>, guc: f64, max: f64| base(opt, guc).min(0.95 * max);
    let aggressive = r
        .xid_age
        .is_some_and(|a| a as f64 >= table_age(o.freeze_table_age, g.freeze_table_age, g.freeze_max_age))
        || r.mxid_age.is_some_and(|a| {
            a as f64
                >= table_age(
                    o.multixact_freeze_table_age,
                    g.multixact_freeze_table_age,
                    g.multixact_freeze_max_age,
                )
        });
    Trigger {
        enabled: g.autovacuum && o.enabled.unwrap_or(true),
        vacuum_threshold: vacthresh,
        insert_threshold,
        analyze_threshold,
        freeze_max_age,
        multixact_freeze_max_age,
        dead_due: r.n_dead_tup as f64 > vacthresh,
        insert_due: match (insert_threshold, r.n_ins_since_vacuum) {
            (Some(t), Some(n)) => n as f64 > t,
            _ => false,
        },
        analyze_due: match (analyze_threshold, r.n_mod_since_analyze) {
            (Some(t), Some(n)) => n as f64 > t,
            _ => false,
        },
        wraparound_due,
        aggressive,
        freeze_min_age: min_age,
        multixact_freeze_min_age: mmin_age,
        wraparound_can_repeat: (r.xid_age.is_some_and(|a| a as f64 > freeze_max_age)
            && min_age >= freeze_max_age)
            || (r.mxid_age.is_some_and(|a| a as f64 > multixact_freeze_max_age)
                && mmin_age >= multixact_freeze_max_age),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A PostgreSQL 15 superuser's view with no settings read yet.
    fn server_info() -> ServerInfo {
        ServerInfo {
            version_num: 150000,
            database: "d".into(),
            user: "u".into(),
            superuser: true,
            read_all_stats: true,
            settings: HashMap::new(),
        }
    }

    fn g(version: i32) -> AvSettings {
        AvSettings {
            version_num: version,
            autovacuum: true,
            vacuum_threshold: 50.0,
            vacuum_scale_factor: 0.2,
            vacuum_insert_threshold: (version >= 130000).then_some(1000.0),
            vacuum_insert_scale_factor: (version >= 130000).then_some(0.2),
            vacuum_max_threshold: (version >= 180000).then_some(100_000_000.0),
            analyze_threshold: 50.0,
            analyze_scale_factor: 0.1,
            freeze_max_age: 200_000_000.0,
            multixact_freeze_max_age: 400_000_000.0,
            freeze_table_age: 150_000_000.0,
            multixact_freeze_table_age: 150_000_000.0,
            freeze_min_age: 50_000_000.0,
            multixact_freeze_min_age: 5_000_000.0,
            failsafe_age: (version >= 140000).then_some(1_600_000_000.0),
            multixact_failsafe_age: (version >= 140000).then_some(1_600_000_000.0),
            block_size: 8192.0,
        }
    }

    fn stats(reltuples: f64, dead: i64, ins: i64) -> RelStats {
        RelStats {
            reltuples,
            relpages: 100,
            relallfrozen: None,
            n_dead_tup: dead,
            n_ins_since_vacuum: Some(ins),
            n_mod_since_analyze: Some(0),
            xid_age: Some(1000),
            mxid_age: Some(1),
        }
    }

    #[test]
    fn dead_tuple_threshold_follows_reloptions_and_never_analyzed_counts_as_zero() {
        let o = RelOpts::default();
        let t = trigger(&g(150000), &o, &stats(1000.0, 251, 0), false);
        assert_eq!(t.vacuum_threshold, 250.0);
        assert!(t.dead_due);
        // reltuples = -1 (never analyzed, 14+) is taken as 0.
        let t = trigger(&g(150000), &o, &stats(-1.0, 51, 0), false);
        assert_eq!(t.vacuum_threshold, 50.0);
        assert!(t.dead_due);
        let o = RelOpts::from_json(&Some(serde_json::json!({
            "autovacuum_vacuum_threshold": "10", "autovacuum_vacuum_scale_factor": "0.01", "autovacuum_enabled": "off"
        })));
        let t = trigger(&g(150000), &o, &stats(1000.0, 21, 0), false);
        assert_eq!(t.vacuum_threshold, 20.0);
        assert!(t.dead_due && !t.enabled);
    }

    #[test]
    fn insert_threshold_exists_from_13_and_scales_by_unfrozen_fraction_on_18() {
        let o = RelOpts::default();
        assert_eq!(trigger(&g(120000), &o, &stats(10000.0, 0, 5000), false).insert_threshold, None);
        let t = trigger(&g(130000), &o, &stats(10000.0, 0, 3001), false);
        assert_eq!(t.insert_threshold, Some(3000.0));
        assert!(t.insert_due);
        let mut s = stats(10000.0, 0, 1501);
        s.relallfrozen = Some(75);
        // 13..17 do not look at relallfrozen.
        assert_eq!(trigger(&g(170000), &o, &s, false).insert_threshold, Some(3000.0));
        let t = trigger(&g(180000), &o, &s, false);
        assert_eq!(t.insert_threshold, Some(1000.0 + 0.2 * 10000.0 * 0.25));
        assert!(t.insert_due);
        // relallfrozen > relpages is clamped.
        s.relallfrozen = Some(500);
        assert_eq!(trigger(&g(180000), &o, &s, false).insert_threshold, Some(1000.0));
        // A table's -1 disables the insert rule.
        let off = RelOpts { vacuum_insert_threshold: Some(-1.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(150000), &off, &stats(10000.0, 0, 99999), false).insert_threshold, None);
    }

    #[test]
    fn max_threshold_caps_only_on_18() {
        let o = RelOpts::default();
        let big = stats(1e10, 150_000_000, 0);
        assert_eq!(trigger(&g(170000), &o, &big, false).vacuum_threshold, 50.0 + 0.2 * 1e10);
        let t = trigger(&g(180000), &o, &big, false);
        assert_eq!(t.vacuum_threshold, 100_000_000.0);
        assert!(t.dead_due);
        let nocap = RelOpts { vacuum_max_threshold: Some(-1.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(180000), &nocap, &big, false).vacuum_threshold, 50.0 + 0.2 * 1e10);
        let low = RelOpts { vacuum_max_threshold: Some(1000.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(180000), &low, &big, false).vacuum_threshold, 1000.0);
    }

    #[test]
    fn per_table_freeze_max_age_may_only_lower_the_global() {
        let lower = RelOpts { freeze_max_age: Some(100_000.0), ..RelOpts::default() };
        let higher = RelOpts { freeze_max_age: Some(1_000_000_000.0), ..RelOpts::default() };
        let mut s = stats(10.0, 0, 0);
        s.xid_age = Some(150_000);
        let t = trigger(&g(150000), &lower, &s, false);
        assert_eq!(t.freeze_max_age, 100_000.0);
        assert!(t.wraparound_due);
        let t = trigger(&g(150000), &higher, &s, false);
        assert_eq!(t.freeze_max_age, 200_000_000.0);
        assert!(!t.wraparound_due);
    }

    #[test]
    fn a_vacuum_is_aggressive_from_the_tables_freeze_table_age_capped_by_the_server_wide_max_age() {
        let own_limit = RelOpts { freeze_max_age: Some(100_000.0), ..RelOpts::default() };
        let mut s = stats(10.0, 0, 0);
        s.xid_age = Some(101_000);
        // Past its own limit, far below vacuum_freeze_table_age: forced, not aggressive.
        let t = trigger(&g(150000), &own_limit, &s, false);
        assert!(t.wraparound_due && !t.aggressive, "{t:?}");
        // The table's own freeze_table_age makes it aggressive.
        let both = RelOpts { freeze_table_age: Some(0.0), ..own_limit.clone() };
        assert!(trigger(&g(150000), &both, &s, false).aggressive);
        // The cap is 95% of the server-wide autovacuum_freeze_max_age, not the table's.
        let mut low = g(150000);
        low.freeze_max_age = 100_000.0;
        assert!(trigger(&low, &RelOpts::default(), &s, false).aggressive, "95,000 <= 101,000");
        s.xid_age = Some(94_999);
        assert!(!trigger(&low, &RelOpts::default(), &s, false).aggressive);
        // MultiXacts the same way.
        let mut m = stats(10.0, 0, 0);
        m.mxid_age = Some(150_000_000);
        assert!(trigger(&g(150000), &RelOpts::default(), &m, false).aggressive);
    }

    #[test]
    fn a_table_whose_limit_is_below_freeze_min_age_can_repeat_after_its_vacuums() {
        let mut s = stats(10.0, 0, 0);
        s.xid_age = Some(101_000);
        // Its vacuums freeze rows older than 50M only: rows aged 100,000 to 50M keep it due.
        let own = RelOpts { freeze_max_age: Some(100_000.0), ..RelOpts::default() };
        let t = trigger(&g(150000), &own, &s, false);
        assert!(t.wraparound_due && t.wraparound_can_repeat, "{t:?}");
        assert_eq!(t.freeze_min_age, 50_000_000.0);
        // Its own freeze_min_age below its limit: they can.
        let fixed = RelOpts { freeze_min_age: Some(0.0), ..own.clone() };
        assert!(!trigger(&g(150000), &fixed, &s, false).wraparound_can_repeat);
        // freeze_min_age is capped at half the server-wide limit.
        let mut low = g(150000);
        low.freeze_max_age = 300_000.0;
        assert_eq!(trigger(&low, &own, &s, false).freeze_min_age, 150_000.0);
        // Not due: nothing stays due.
        s.xid_age = Some(99_000);
        assert!(!trigger(&g(150000), &own, &s, false).wraparound_can_repeat);
    }

    #[test]
    fn toast_tables_are_never_analyzed() {
        let t = trigger(&g(150000), &RelOpts::default(), &stats(10.0, 0, 0), true);
        assert_eq!(t.analyze_threshold, None);
        assert!(!t.analyze_due);
    }

    #[test]
    fn failsafe_is_raised_to_105_percent_of_freeze_max_age() {
        let mut info = server_info();
        info.settings.insert("autovacuum_freeze_max_age".into(), "1000000000".into());
        info.settings.insert("vacuum_failsafe_age".into(), "500000000".into());
        let s = AvSettings::from_server(&info);
        assert_eq!(s.failsafe_age, Some(1_050_000_000.0));
        assert_eq!(s.vacuum_insert_threshold, None, "absent settings stay absent");
    }

    #[test]
    fn pg_bool_prefixes() {
        for (v, b) in [
            ("off", Some(false)),
            ("of", Some(false)),
            ("o", None),
            ("t", Some(true)),
            ("FALSE", Some(false)),
            ("1", Some(true)),
            ("x", None),
        ] {
            assert_eq!(parse_pg_bool(v), b, "{v}");
        }
    }

    #[test]
    fn every_reloption_is_read_by_its_name() {
        let o = RelOpts::from_json(&Some(serde_json::json!({
            "autovacuum_enabled": "false", "autovacuum_vacuum_threshold": "1",
            "autovacuum_vacuum_scale_factor": "0.02", "autovacuum_vacuum_insert_threshold": "3",
            "autovacuum_vacuum_insert_scale_factor": "0.04", "autovacuum_vacuum_max_threshold": "5",
            "autovacuum_analyze_threshold": "6", "autovacuum_analyze_scale_factor": "0.07",
            "autovacuum_freeze_max_age": "8", "autovacuum_multixact_freeze_max_age": "9",
            "autovacuum_freeze_table_age": "10", "autovacuum_multixact_freeze_table_age": "11",
            "autovacuum_freeze_min_age": "12", "autovacuum_multixact_freeze_min_age": "13",
            "fillfactor": "70", "toast_tuple_target": "128",
        })));
        let want = RelOpts {
            enabled: Some(false),
            vacuum_threshold: Some(1.0),
            vacuum_scale_factor: Some(0.02),
            vacuum_insert_threshold: Some(3.0),
            vacuum_insert_scale_factor: Some(0.04),
            vacuum_max_threshold: Some(5.0),
            analyze_threshold: Some(6.0),
            analyze_scale_factor: Some(0.07),
            freeze_max_age: Some(8.0),
            multixact_freeze_max_age: Some(9.0),
            freeze_table_age: Some(10.0),
            multixact_freeze_table_age: Some(11.0),
            freeze_min_age: Some(12.0),
            multixact_freeze_min_age: Some(13.0),
            fillfactor: Some(70.0),
        };
        assert_eq!(o, want);
        assert!(!o.is_empty());
        // fillfactor alone is no autovacuum setting; anything else is.
        assert!(RelOpts { fillfactor: Some(70.0), ..RelOpts::default() }.is_empty());
        assert!(RelOpts::default().is_empty());
        assert!(!RelOpts { analyze_threshold: Some(6.0), ..RelOpts::default() }.is_empty());
    }

    #[test]
    fn booleans_are_read_as_postgresql_reads_them() {
        for (v, want) in [
            ("t", Some(true)),
            ("TRU", Some(true)),
            ("y", Some(true)),
            ("on", Some(true)),
            ("1", Some(true)),
            ("f", Some(false)),
            ("n", Some(false)),
            ("no", Some(false)),
            ("of", Some(false)),
            ("off", Some(false)),
            ("0", Some(false)),
            ("o", None),
            ("", None),
            ("offf", None),
            ("2", None),
        ] {
            assert_eq!(parse_pg_bool(v), want, "{v}");
        }
    }

    #[test]
    fn autovacuum_needs_track_counts_and_the_multixact_failsafe_is_raised_too() {
        let mut info = server_info();
        info.settings.insert("autovacuum".into(), "on".into());
        info.settings.insert("track_counts".into(), "off".into());
        info.settings.insert("autovacuum_multixact_freeze_max_age".into(), "1000000000".into());
        info.settings.insert("vacuum_multixact_failsafe_age".into(), "500000000".into());
        let s = AvSettings::from_server(&info);
        assert!(!s.autovacuum);
        assert_eq!(s.multixact_failsafe_age, Some(1_050_000_000.0));
        info.settings.insert("track_counts".into(), "on".into());
        assert!(AvSettings::from_server(&info).autovacuum);
    }

    #[test]
    fn each_rule_fires_strictly_beyond_its_threshold() {
        let o = RelOpts::default();
        // reltuples 1000: vacuum 50 + 0.2 * 1000 = 250, insert 1000 + 0.2 * 1000 = 1200,
        // analyze 50 + 0.1 * 1000 = 150.
        let at = |dead, ins, modified, xid, mxid| RelStats {
            n_mod_since_analyze: Some(modified),
            xid_age: Some(xid),
            mxid_age: Some(mxid),
            ..stats(1000.0, dead, ins)
        };
        let t = trigger(&g(150000), &o, &at(250, 1200, 150, 200_000_000, 400_000_000), false);
        assert_eq!(
            (t.vacuum_threshold, t.insert_threshold, t.analyze_threshold),
            (250.0, Some(1200.0), Some(150.0))
        );
        assert!(!t.dead_due && !t.insert_due && !t.analyze_due && !t.wraparound_due, "{t:?}");
        let t = trigger(&g(150000), &o, &at(251, 1201, 151, 200_000_000, 400_000_000), false);
        assert!(t.dead_due && t.insert_due && t.analyze_due && !t.wraparound_due, "{t:?}");
        assert!(trigger(&g(150000), &o, &at(0, 0, 0, 200_000_001, 1), false).wraparound_due);
        assert!(trigger(&g(150000), &o, &at(0, 0, 0, 1, 400_000_001), false).wraparound_due);
        // A table's own freeze ages, 0 included, lower the server's.
        let low = RelOpts {
            freeze_max_age: Some(0.0),
            multixact_freeze_max_age: Some(100.0),
            ..RelOpts::default()
        };
        let t = trigger(&g(150000), &low, &at(0, 0, 0, 0, 101), false);
        assert_eq!((t.freeze_max_age, t.multixact_freeze_max_age), (0.0, 100.0));
        assert!(t.wraparound_due);
        // A table's insert threshold of 0 is a threshold (only -1 disables the rule).
        let zero = RelOpts { vacuum_insert_threshold: Some(0.0), ..RelOpts::default() };
        assert_eq!(trigger(&g(150000), &zero, &at(0, 0, 0, 0, 0), false).insert_threshold, Some(200.0));
        // 18: no pages, no unfrozen fraction to take (and no division by zero).
        let mut empty = at(0, 0, 0, 0, 0);
        (empty.relpages, empty.relallfrozen) = (0, Some(5));
        assert_eq!(trigger(&g(180000), &o, &empty, false).insert_threshold, Some(1200.0));
    }
}
