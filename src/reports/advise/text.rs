//! A statement's own text (as pg_stat_statements keeps it): its first keyword, which `$n` is a
//! LIMIT or an OFFSET, and typed literals made plannable again.

use super::expr::{Tok, depths, lex};

/// Parameters (`n` of `$n`), each with whether it is inside parentheses (a subquery's).
pub type Positions = Vec<(u32, bool)>;

/// The `$n` of a statement's text used as LIMIT (or FETCH FIRST) and as OFFSET; each with
/// whether it is a subquery's (inside parentheses).
pub fn limit_params(query: &str) -> (Positions, Positions) {
    let t = lex(query);
    let d = depths(&t);
    let (mut limit, mut offset) = (Vec::new(), Vec::new());
    for (i, tok) in t.iter().enumerate() {
        let sub = d[i] > 0;
        let next_param = |from: usize| {
            t[from..].iter().take(3).find_map(|x| if let Tok::Param(n) = x { Some((*n, sub)) } else { None })
        };
        if tok.is_kw("LIMIT")
            || (tok.is_kw("FETCH") && t.get(i + 1).is_some_and(|x| x.is_kw("FIRST") || x.is_kw("NEXT")))
        {
            limit.extend(next_param(i + 1));
        } else if tok.is_kw("OFFSET") {
            offset.extend(next_param(i + 1));
        }
    }
    (limit, offset)
}

/// Types whose typed literal (`timestamp '2026-01-01'`) pg_stat_statements normalises into text
/// that does not parse (`timestamp $2`).
const LITERAL_TYPES: &[&str] = &[
    "bigint",
    "bool",
    "boolean",
    "bytea",
    "cidr",
    "date",
    "float4",
    "float8",
    "inet",
    "int",
    "int2",
    "int4",
    "int8",
    "integer",
    "interval",
    "json",
    "jsonb",
    "macaddr",
    "money",
    "numeric",
    "real",
    "smallint",
    "text",
    "time",
    "timestamp",
    "timestamptz",
    "timetz",
    "uuid",
    "varchar",
    "xml",
];

/// `timestamp $2` → `$2::timestamp`: the statement's text made plannable again where
/// pg_stat_statements replaced a typed literal's string by a parameter. Quotes, comments and
/// dollar quotes are left alone.
pub fn typed_params(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let skip_to = |from: usize, end: &str| -> usize {
            let rest: String = c[from..].iter().collect();
            match rest.find(end) {
                Some(at) => from + rest[..at].chars().count() + end.chars().count(),
                None => c.len(),
            }
        };
        let next = match ch {
            '\'' => skip_to(i + 1, "'"),
            '"' => skip_to(i + 1, "\""),
            '-' if c.get(i + 1) == Some(&'-') => skip_to(i, "\n"),
            '/' if c.get(i + 1) == Some(&'*') => skip_to(i + 2, "*/"),
            '$' if !c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                let mut j = i + 1;
                while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                if c.get(j) == Some(&'$') {
                    let tag: String = c[i..=j].iter().collect();
                    skip_to(j + 1, &tag)
                } else {
                    i + 1
                }
            }
            _ if ch.is_alphabetic() || ch == '_' => {
                let mut j = i;
                while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_' || c[j] == '$') {
                    j += 1;
                }
                let word: String = c[i..j].iter().collect();
                let mut k = j;
                while k < c.len() && c[k] == ' ' {
                    k += 1;
                }
                let mut d = k + 1;
                while d < c.len() && c[d].is_ascii_digit() {
                    d += 1;
                }
                let before_ok = i == 0 || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_' || c[i - 1] == '.');
                if before_ok
                    && k > j
                    && c.get(k) == Some(&'$')
                    && d > k + 1
                    && LITERAL_TYPES.contains(&word.to_lowercase().as_str())
                {
                    let param: String = c[k..d].iter().collect();
                    out.push_str(&format!("{param}::{word}"));
                    i = d;
                    continue;
                }
                j
            }
            _ => i + 1,
        };
        out.extend(&c[i..next.min(c.len())]);
        i = next.max(i + 1);
    }
    out
}

/// The statement's first keyword, lower case (`select`, `with`, `update`, …), past comments and
/// opening parentheses.
pub fn first_keyword(query: &str) -> Option<String> {
    lex(query).into_iter().find(|t| *t != Tok::LParen).and_then(|t| match t {
        Tok::Ident(s) => Some(s.to_lowercase()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_offsets_and_keywords_of_a_statement() {
        assert_eq!(
            limit_params("SELECT * FROM t WHERE a = $1 ORDER BY b LIMIT $2 OFFSET $3"),
            (vec![(2, false)], vec![(3, false)])
        );
        assert_eq!(
            limit_params("select 'LIMIT $9' from t -- LIMIT $8\n limit $1::int"),
            (vec![(1, false)], vec![])
        );
        assert_eq!(limit_params("SELECT 1 FETCH FIRST $4 ROWS ONLY"), (vec![(4, false)], vec![]));
        assert_eq!(
            limit_params(
                "SELECT * FROM a WHERE x = (SELECT y FROM b ORDER BY y OFFSET $1 LIMIT $2) LIMIT $3"
            ),
            (vec![(2, true), (3, false)], vec![(1, true)])
        );
        assert_eq!(first_keyword("/* hi */ -- x\n (SELECT 1)"), Some("select".into()));
        assert_eq!(first_keyword("WITH x AS (SELECT 1) SELECT * FROM x"), Some("with".into()));
        assert_eq!(first_keyword("$1"), None);
    }

    #[test]
    fn typed_literals_become_casts() {
        assert_eq!(
            typed_params("SELECT 1 FROM t WHERE ts >= timestamp $2 AND d < DATE $3 AND x = 'timestamp $4'"),
            "SELECT 1 FROM t WHERE ts >= $2::timestamp AND d < $3::DATE AND x = 'timestamp $4'"
        );
        // A column named like a type, and one that only ends like one, stay.
        assert_eq!(
            typed_params("SELECT t.timestamp, mytext FROM t WHERE timestamp = $1"),
            "SELECT t.timestamp, mytext FROM t WHERE timestamp = $1"
        );
        assert_eq!(typed_params("-- date $1\nSELECT $q$ text $1 $q$"), "-- date $1\nSELECT $q$ text $1 $q$");
    }
}
