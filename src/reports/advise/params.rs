//! Representative values for a statement's parameters, from the column statistics (`pg_stats`),
//! for the runs that are measured (`advise --create`: `EXPLAIN (ANALYZE, BUFFERS)`):
//!
//! | the parameter is                        | its value                                              |
//! |-----------------------------------------|--------------------------------------------------------|
//! | compared with `=`/`IN` to a column      | the column's most common value (else its median)       |
//! | a lower bound (`col > $n`, `>=`)        | the 90th percentile of its histogram (the top 10 %)    |
//! | an upper bound (`col < $n`, `<=`)       | the 10th percentile                                    |
//! | both bounds of one column (BETWEEN)     | the 45th and the 55th percentiles                      |
//! | a LIMIT (or FETCH FIRST)                | the rows the statement returns per call (at least 1)   |
//! | a subquery's LIMIT (inside parentheses) | 1 (a scalar subquery returns one row)                  |
//! | an OFFSET                               | 0 (the first page)                                     |
//! | anything else, or no statistics         | NULL                                                   |
//!
//! The most common value is the heaviest common case of an equality: a statement whose calls
//! draw their values like the data does sees it most often.

use std::collections::HashMap;

use serde::Serialize;

use super::expr::Kind;
use super::plan::Facts;
use super::text;
use crate::sql::quote_literal;

/// A column's statistics: most common values and histogram bounds, as text.
#[derive(Debug, Clone, Default)]
pub struct ColumnStats {
    pub mcv: Vec<String>,
    pub histogram: Vec<String>,
}

/// (schema, table, column) → its statistics.
pub type Stats = HashMap<(String, String, String), ColumnStats>;

/// One parameter's value for the measured runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamValue {
    /// `n` of `$n`.
    pub number: u32,
    /// The type PostgreSQL infers for it.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Its value as text (null: SQL NULL).
    pub value: Option<String>,
    /// Where the value comes from.
    pub from: String,
}

impl ParamValue {
    /// As an argument of `EXECUTE`: `'published'::text`, `'{"a"}'::text[]`, `NULL::bigint`.
    pub fn literal(&self) -> String {
        match &self.value {
            None => format!("NULL::{}", self.type_name),
            Some(v) if self.type_name.ends_with("[]") => {
                let elem = format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
                format!("{}::{}", quote_literal(&format!("{{{elem}}}")), self.type_name)
            }
            Some(v) => format!("{}::{}", quote_literal(v), self.type_name),
        }
    }
}

/// A histogram bound at fraction `p` (0 to 1).
fn percentile(h: &[String], p: f64) -> Option<String> {
    if h.is_empty() {
        return None;
    }
    let i = ((h.len() - 1) as f64 * p).round() as usize;
    h.get(i.min(h.len() - 1)).cloned()
}

/// Values for each parameter of a statement (see the module's documentation).
pub fn choose(
    text: &str,
    facts: &Facts,
    types: &[String],
    rows_per_call: Option<f64>,
    stats: &Stats,
) -> Vec<ParamValue> {
    let (limits, offsets) = text::limit_params(text);
    (1..=types.len() as u32)
        .map(|n| {
            let type_name = types[n as usize - 1].clone();
            let (value, from) = value_of(n, facts, &limits, &offsets, rows_per_call, stats);
            ParamValue { number: n, type_name, value, from }
        })
        .collect()
}

fn value_of(
    n: u32,
    facts: &Facts,
    limits: &text::Positions,
    offsets: &text::Positions,
    rows_per_call: Option<f64>,
    stats: &Stats,
) -> (Option<String>, String) {
    match limits.iter().find(|(p, _)| *p == n) {
        Some((_, true)) => return (Some("1".into()), "a subquery's LIMIT: 1".into()),
        Some((_, false)) => {
            let rows = rows_per_call.unwrap_or(1.0).ceil().max(1.0) as i64;
            return (Some(rows.to_string()), "LIMIT: the rows per call".into());
        }
        None => {}
    }
    if offsets.iter().any(|(p, _)| *p == n) {
        return (Some("0".into()), "OFFSET: the first page".into());
    }
    let Some(u) = facts.uses.iter().find(|u| u.params.contains(&n)) else {
        return (None, "not compared with a column".into());
    };
    let Some(scan) = facts.table_of(&u.col) else {
        return (None, "not compared with a table's column".into());
    };
    let name = format!("{}.{}", scan.table, u.col.column);
    let Some(s) = stats.get(&(scan.schema.clone(), scan.table.clone(), u.col.column.clone())) else {
        return (None, format!("{name} has no statistics (run ANALYZE)"));
    };
    let both = |other: Kind| facts.uses.iter().any(|o| o.col == u.col && o.kind == other);
    let (value, what) = match u.kind {
        Kind::Eq => match s.mcv.first() {
            Some(v) => (Some(v.clone()), "the most common value"),
            None => (percentile(&s.histogram, 0.5), "the median"),
        },
        Kind::Lower if both(Kind::Upper) => (percentile(&s.histogram, 0.45), "the 45th percentile"),
        Kind::Lower => (percentile(&s.histogram, 0.9), "the 90th percentile"),
        Kind::Upper if both(Kind::Lower) => (percentile(&s.histogram, 0.55), "the 55th percentile"),
        Kind::Upper => (percentile(&s.histogram, 0.1), "the 10th percentile"),
    };
    match value {
        Some(v) => (Some(v), format!("{what} of {name}")),
        None => (None, format!("{name} has no {what} in its statistics")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::advise::plan::parse;

    #[test]
    fn values_from_the_statistics() {
        let facts = parse(
            r#"[{"Plan": {"Node Type": "Seq Scan", "Total Cost": 1, "Relation Name": "d", "Schema": "s", "Alias": "d",
            "Filter": "(((d.status)::text = $1) AND (d.created_at >= $2) AND (d.created_at <= $3) AND (d.n > $4) AND (d.x = $6))"}}]"#,
        )
        .unwrap();
        let mut stats = Stats::new();
        let hist: Vec<String> = (0..=100).map(|i| i.to_string()).collect();
        stats.insert(
            ("s".into(), "d".into(), "status".into()),
            ColumnStats { mcv: vec!["completed".into()], histogram: vec![] },
        );
        stats.insert(
            ("s".into(), "d".into(), "created_at".into()),
            ColumnStats { mcv: vec![], histogram: hist.clone() },
        );
        stats.insert(("s".into(), "d".into(), "n".into()), ColumnStats { mcv: vec![], histogram: hist });
        let types: Vec<String> = ["text", "timestamptz", "timestamptz", "int4", "bigint", "text", "bigint"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let p = choose("SELECT … LIMIT $5 OFFSET $7", &facts, &types, Some(19.2), &stats);
        let values: Vec<Option<&str>> = p.iter().map(|v| v.value.as_deref()).collect();
        assert_eq!(
            values,
            vec![Some("completed"), Some("45"), Some("55"), Some("90"), Some("20"), None, Some("0")]
        );
        assert_eq!(p[0].from, "the most common value of d.status");
        assert!(p[5].from.contains("no statistics"), "{}", p[5].from);
        assert_eq!(p[0].literal(), "'completed'::text");
        assert_eq!(p[5].literal(), "NULL::text");
        let arr = ParamValue {
            number: 1,
            type_name: "text[]".into(),
            value: Some("a\"b".into()),
            from: String::new(),
        };
        assert_eq!(arr.literal(), "E'{\"a\\\\\"b\"}'::text[]");
    }
}
