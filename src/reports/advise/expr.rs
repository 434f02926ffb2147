//! Reading the expressions PostgreSQL prints in a plan (`Filter`, `Index Cond`, `Hash Cond`,
//! `Sort Key`, …): which column of which relation is compared with what (the statement's own
//! text is read in `text`).
//!
//! The plan's expressions are deparsed by PostgreSQL itself (`ruleutils.c`), so their shapes are
//! few and regular: `((demands.status)::text = $1)`, `(th2.task_id = th1.task_id)`,
//! `((demands.status)::text = ANY ('{a,b}'::text[]))`, `(demands.created_at > $2)`,
//! `(agent_profiles.is_active)`. Only top-level AND-ed comparisons of a plain column (a cast of
//! it at most) are used: an OR, a function of a column, LIKE or `<>` give no candidate (a plain
//! btree index cannot serve them as an index condition).

/// A token of a deparsed expression or a statement's text.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    /// `::`
    Cast,
    /// `$n`
    Param(u32),
    /// A string constant (its body).
    Str(String),
    Num(String),
    /// An unquoted identifier or keyword, as written.
    Ident(String),
    /// A `"quoted"` identifier (its body).
    QIdent(String),
    Op(String),
}

impl Tok {
    pub(super) fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }

    /// The name this token spells as an identifier (unquoted ones fold to lower case, as
    /// PostgreSQL folds them).
    fn name(&self) -> Option<String> {
        match self {
            Tok::Ident(s) => Some(s.to_lowercase()),
            Tok::QIdent(s) => Some(s.clone()),
            _ => None,
        }
    }
}

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";

/// Split `s` into tokens, skipping whitespace and comments.
pub fn lex(s: &str) -> Vec<Tok> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let quoted = |i: &mut usize, q: char, backslash: bool| -> String {
        let mut body = String::new();
        *i += 1;
        while *i < c.len() {
            let ch = c[*i];
            if backslash && ch == '\\' && *i + 1 < c.len() {
                body.push(c[*i + 1]);
                *i += 2;
                continue;
            }
            if ch == q {
                if c.get(*i + 1) == Some(&q) {
                    body.push(q);
                    *i += 2;
                    continue;
                }
                *i += 1;
                break;
            }
            body.push(ch);
            *i += 1;
        }
        body
    };
    while i < c.len() {
        let ch = c[i];
        match ch {
            _ if ch.is_whitespace() => i += 1,
            '-' if c.get(i + 1) == Some(&'-') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 1;
                i += 2;
                while i < c.len() && depth > 0 {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            ']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            ',' | ';' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' if c.get(i + 1) == Some(&':') => {
                out.push(Tok::Cast);
                i += 2;
            }
            '.' if !c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                out.push(Tok::Dot);
                i += 1;
            }
            '\'' => out.push(Tok::Str(quoted(&mut i, '\'', false))),
            '"' => out.push(Tok::QIdent(quoted(&mut i, '"', false))),
            '$' if c.get(i + 1).is_some_and(|d| d.is_ascii_digit()) => {
                let start = i + 1;
                i += 1;
                while i < c.len() && c[i].is_ascii_digit() {
                    i += 1;
                }
                let n: String = c[start..i].iter().collect();
                out.push(Tok::Param(n.parse().unwrap_or(0)));
            }
            '$' => {
                // A dollar-quoted string: $tag$ … $tag$.
                let mut j = i + 1;
                while j < c.len() && (c[j].is_alphanumeric() || c[j] == '_') {
                    j += 1;
                }
                if c.get(j) != Some(&'$') {
                    out.push(Tok::Op("$".into()));
                    i += 1;
                    continue;
                }
                let tag: String = c[i..=j].iter().collect();
                let rest: String = c[j + 1..].iter().collect();
                match rest.find(&tag) {
                    Some(end) => {
                        out.push(Tok::Str(rest[..end].to_string()));
                        i = j + 1 + rest[..end].chars().count() + tag.chars().count();
                    }
                    None => {
                        out.push(Tok::Str(rest));
                        i = c.len();
                    }
                }
            }
            _ if ch.is_ascii_digit() || ch == '.' => {
                let start = i;
                while i < c.len()
                    && (c[i].is_ascii_alphanumeric()
                        || c[i] == '.'
                        || ((c[i] == '+' || c[i] == '-') && matches!(c[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                out.push(Tok::Num(c[start..i].iter().collect()));
            }
            _ if ch.is_alphabetic() || ch == '_' => {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                    i += 1;
                }
                let word: String = c[start..i].iter().collect();
                if c.get(i) == Some(&'\'')
                    && matches!(word.as_str(), "E" | "e" | "B" | "b" | "X" | "x" | "N" | "n")
                {
                    let backslash = word.eq_ignore_ascii_case("e");
                    out.push(Tok::Str(quoted(&mut i, '\'', backslash)));
                } else {
                    out.push(Tok::Ident(word));
                }
            }
            _ if OP_CHARS.contains(ch) => {
                let start = i;
                while i < c.len() && OP_CHARS.contains(c[i]) {
                    // A comment starts a new token.
                    if (c[i] == '-' && c.get(i + 1) == Some(&'-'))
                        || (c[i] == '/' && c.get(i + 1) == Some(&'*'))
                    {
                        break;
                    }
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                out.push(Tok::Op(c[start..i].iter().collect()));
            }
            _ => {
                out.push(Tok::Op(ch.to_string()));
                i += 1;
            }
        }
    }
    out
}

/// The nesting depth before each token (parentheses and brackets).
pub(super) fn depths(t: &[Tok]) -> Vec<i32> {
    let mut d = 0;
    t.iter()
        .map(|tok| {
            let before = d;
            match tok {
                Tok::LParen | Tok::LBracket => d += 1,
                Tok::RParen | Tok::RBracket => d -= 1,
                _ => {}
            }
            if matches!(tok, Tok::RParen | Tok::RBracket) { d } else { before }
        })
        .collect()
}

/// Whether the parenthesis at 0 closes at the last token.
fn wrapped(t: &[Tok]) -> bool {
    if t.len() < 2 || t[0] != Tok::LParen || *t.last().unwrap() != Tok::RParen {
        return false;
    }
    let mut d = 0;
    for (i, tok) in t.iter().enumerate() {
        match tok {
            Tok::LParen | Tok::LBracket => d += 1,
            Tok::RParen | Tok::RBracket => {
                d -= 1;
                if d == 0 && i + 1 < t.len() {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

fn unwrap(mut t: &[Tok]) -> &[Tok] {
    while wrapped(t) {
        t = &t[1..t.len() - 1];
    }
    t
}

/// `t` without a trailing cast (`(x)::text`, `$1::character varying(50)`, `'…'::text[]`).
fn strip_casts(mut t: &[Tok]) -> &[Tok] {
    loop {
        t = unwrap(t);
        let d = depths(t);
        let type_name = |tail: &[Tok]| {
            tail.iter().all(|x| {
                matches!(
                    x,
                    Tok::Ident(_)
                        | Tok::QIdent(_)
                        | Tok::Dot
                        | Tok::Num(_)
                        | Tok::Comma
                        | Tok::LParen
                        | Tok::RParen
                        | Tok::LBracket
                        | Tok::RBracket
                )
            })
        };
        match (0..t.len()).rev().find(|&i| t[i] == Tok::Cast && d[i] == 0) {
            Some(i) if i > 0 && type_name(&t[i + 1..]) => t = &t[..i],
            _ => return t,
        }
    }
}

/// The top-level AND-ed parts of an expression.
fn conjuncts(t: &[Tok]) -> Vec<&[Tok]> {
    let t = unwrap(t);
    let d = depths(t);
    let cuts: Vec<usize> = (0..t.len()).filter(|&i| d[i] == 0 && t[i].is_kw("AND")).collect();
    if cuts.is_empty() {
        return vec![t];
    }
    // `x BETWEEN a AND b` is printed as two comparisons by PostgreSQL; an AND right after
    // BETWEEN in a statement's text is not a conjunction, but plans never show BETWEEN.
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts.into_iter().chain(std::iter::once(t.len())) {
        out.extend(conjuncts(&t[start..c]));
        start = c + 1;
    }
    out
}

/// A column reference: `alias.column` or `column` (then `alias` is empty: the scan's own).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColRef {
    pub alias: String,
    pub column: String,
}

/// Keywords that stand for values, never for an unqualified column.
const VALUE_KEYWORDS: &[&str] = &[
    "null",
    "true",
    "false",
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "session_user",
    "user",
    "current_role",
    "current_catalog",
    "current_schema",
];

fn colref(t: &[Tok]) -> Option<ColRef> {
    let t = strip_casts(t);
    match t {
        [Tok::Ident(w)] if VALUE_KEYWORDS.contains(&w.to_lowercase().as_str()) => None,
        [c] => Some(ColRef { alias: String::new(), column: c.name()? }),
        [a, Tok::Dot, c] => Some(ColRef { alias: a.name()?, column: c.name()? }),
        _ => None,
    }
}

/// The aliases `t` names columns of (`alias.column`), and whether it holds a sub-plan.
fn aliases(t: &[Tok]) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    let mut subplan = false;
    for (i, tok) in t.iter().enumerate() {
        if tok.is_kw("SubPlan") {
            subplan = true;
        }
        if t.get(i + 1) == Some(&Tok::Dot)
            && let Some(n) = tok.name()
            && t.get(i + 2).is_some_and(|x| x.name().is_some())
            && (i == 0 || t[i - 1] != Tok::Dot)
        {
            out.push(n);
        }
    }
    (out, subplan)
}

/// How a condition uses a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `=`, `= ANY (…)`, `IS NULL`, a boolean column: an index condition on equality.
    Eq,
    /// `>`, `>=`: the values from a lower bound up.
    Lower,
    /// `<`, `<=`.
    Upper,
}

/// A column used by a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Use {
    pub col: ColRef,
    pub kind: Kind,
    /// Compared with another relation's column (a join).
    pub join: bool,
    /// The `$n` the column is compared with.
    pub params: Vec<u32>,
}

/// The indexable column uses of a condition (a `Filter`, `Index Cond`, `Hash Cond`, …).
pub fn uses(expr: &str) -> Vec<Use> {
    let toks = lex(expr);
    let mut out = Vec::new();
    for c in conjuncts(&toks) {
        conjunct(c, &mut out);
    }
    out
}

fn conjunct(c: &[Tok], out: &mut Vec<Use>) {
    let d = depths(c);
    if (0..c.len()).any(|i| d[i] == 0 && c[i].is_kw("OR")) {
        return;
    }
    // A boolean column, or its negation.
    let body = if c.first().is_some_and(|t| t.is_kw("NOT")) { &c[1..] } else { c };
    if let Some(col) = colref(body) {
        out.push(Use { col, kind: Kind::Eq, join: false, params: Vec::new() });
        return;
    }
    let Some(at) = (0..c.len())
        .find(|&i| d[i] == 0 && (matches!(&c[i], Tok::Op(o) if is_comparison(o)) || c[i].is_kw("IS")))
    else {
        return;
    };
    let (lhs, rhs) = (&c[..at], &c[at + 1..]);
    let kind = match &c[at] {
        Tok::Op(o) if o == "=" => Kind::Eq,
        Tok::Op(o) if o == ">" || o == ">=" => Kind::Lower,
        Tok::Op(o) if o == "<" || o == "<=" => Kind::Upper,
        // `IS NULL` (not `IS NOT NULL`, `IS TRUE`, `IS DISTINCT FROM`).
        _ if rhs.len() == 1 && rhs[0].is_kw("NULL") => Kind::Eq,
        _ => return,
    };
    // `x = ANY (…)` is an equality on x; `x < ANY (…)` and `ALL` are not used.
    let any = rhs.first().is_some_and(|t| t.is_kw("ANY"));
    if rhs.first().is_some_and(|t| t.is_kw("ALL")) || (any && kind != Kind::Eq) {
        return;
    }
    let params = |t: &[Tok]| -> Vec<u32> {
        t.iter().filter_map(|x| if let Tok::Param(n) = x { Some(*n) } else { None }).collect()
    };
    match (colref(lhs), colref(rhs)) {
        (Some(l), Some(r))
            if !any
                && kind == Kind::Eq
                && l.alias != r.alias
                && !l.alias.is_empty()
                && !r.alias.is_empty() =>
        {
            out.push(Use { col: l, kind, join: true, params: Vec::new() });
            out.push(Use { col: r, kind, join: true, params: Vec::new() });
        }
        // Two columns of one relation, or a comparison that is not an equality: no join.
        (Some(_), Some(_)) if !any => {}
        (Some(l), _) => {
            let (other, subplan) = aliases(rhs);
            if !subplan && !other.contains(&l.alias) {
                let join = !other.is_empty();
                out.push(Use { col: l, kind, join, params: params(rhs) });
            }
        }
        (None, Some(r)) if !any => {
            let (other, subplan) = aliases(lhs);
            if !subplan && !other.contains(&r.alias) {
                let kind = match kind {
                    Kind::Lower => Kind::Upper,
                    Kind::Upper => Kind::Lower,
                    k => k,
                };
                let join = !other.is_empty();
                out.push(Use { col: r, kind, join, params: params(lhs) });
            }
        }
        _ => {}
    }
}

fn is_comparison(o: &str) -> bool {
    matches!(o, "=" | "<" | ">" | "<=" | ">=" | "<>" | "!=" | "~~" | "!~~" | "~~*" | "~" | "@>" | "<@" | "&&")
}

/// A key of a `Sort` node: `demands.created_at DESC`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    pub col: ColRef,
    pub desc: bool,
    pub nulls_first: bool,
}

/// A sort key that is a plain column (else `None`: an expression, an aggregate, `USING`).
pub fn sort_key(s: &str) -> Option<SortKey> {
    let mut t = lex(s);
    let mut nulls: Option<bool> = None;
    if t.len() >= 2 && t[t.len() - 2].is_kw("NULLS") {
        nulls = Some(t[t.len() - 1].is_kw("FIRST"));
        t.truncate(t.len() - 2);
    }
    let mut desc = false;
    if t.last().is_some_and(|x| x.is_kw("DESC")) {
        desc = true;
        t.pop();
    } else if t.last().is_some_and(|x| x.is_kw("ASC")) {
        t.pop();
    }
    if t.iter().any(|x| x.is_kw("USING")) {
        return None;
    }
    let col = colref(&t)?;
    Some(SortKey { col, desc, nulls_first: nulls.unwrap_or(desc) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(alias: &str, column: &str) -> ColRef {
        ColRef { alias: alias.into(), column: column.into() }
    }

    fn u(alias: &str, column: &str, kind: Kind, join: bool, params: &[u32]) -> Use {
        Use { col: c(alias, column), kind, join, params: params.to_vec() }
    }

    #[test]
    fn reads_the_conditions_postgresql_prints() {
        assert_eq!(
            uses("((demands.status)::text = $1)"),
            vec![u("demands", "status", Kind::Eq, false, &[1])]
        );
        assert_eq!(
            uses("((th1.user_id = $1) AND (th1.task_id = $2))"),
            vec![u("th1", "user_id", Kind::Eq, false, &[1]), u("th1", "task_id", Kind::Eq, false, &[2])]
        );
        assert_eq!(
            uses("((d.status)::text = ANY ('{published,matching}'::text[]))"),
            vec![u("d", "status", Kind::Eq, false, &[])]
        );
        assert_eq!(
            uses("((d.status)::text = ANY ((ARRAY[$1, $2])::text[]))"),
            vec![u("d", "status", Kind::Eq, false, &[1, 2])]
        );
        assert_eq!(
            uses("((d.created_at >= $2) AND (d.created_at <= $3))"),
            vec![
                u("d", "created_at", Kind::Lower, false, &[2]),
                u("d", "created_at", Kind::Upper, false, &[3])
            ]
        );
        // The constant on the left: the bound flips.
        assert_eq!(uses("($1 < d.created_at)"), vec![u("d", "created_at", Kind::Lower, false, &[1])]);
        // Joins: both sides; a parameterised inner side: the outer column is not this scan's.
        assert_eq!(
            uses("(th2.task_id = th1.task_id)"),
            vec![u("th2", "task_id", Kind::Eq, true, &[]), u("th1", "task_id", Kind::Eq, true, &[])]
        );
        assert_eq!(
            uses("((th2.user_id = $1) AND (th2.task_id = th1.task_id))"),
            vec![
                u("th2", "user_id", Kind::Eq, false, &[1]),
                u("th2", "task_id", Kind::Eq, true, &[]),
                u("th1", "task_id", Kind::Eq, true, &[])
            ]
        );
        assert_eq!(
            uses("(agent_profiles.is_active)"),
            vec![u("agent_profiles", "is_active", Kind::Eq, false, &[])]
        );
        assert_eq!(uses("(NOT a.is_active)"), vec![u("a", "is_active", Kind::Eq, false, &[])]);
        assert_eq!(uses("(a.deleted_at IS NULL)"), vec![u("a", "deleted_at", Kind::Eq, false, &[])]);
        assert_eq!(
            uses("(d.created_at > CURRENT_DATE)"),
            vec![u("d", "created_at", Kind::Lower, false, &[])]
        );
        assert_eq!(uses("\"Quoted\".\"Col\" = 5"), vec![u("Quoted", "Col", Kind::Eq, false, &[])]);
        // Unqualified (EXPLAIN without VERBOSE).
        assert_eq!(uses("((status)::text = $1)"), vec![u("", "status", Kind::Eq, false, &[1])]);
    }

    #[test]
    fn ignores_what_a_plain_btree_cannot_serve() {
        for e in [
            "((a.x = $1) OR (a.y = $2))",
            "(lower((a.email)::text) = $1)",
            "((a.title)::text ~~ 'abc%'::text)",
            "(a.x <> $1)",
            "(a.x = a.y)",
            "(a.x IS NOT NULL)",
            "(a.x = (SubPlan 1))",
            "(a.x < ANY ($1))",
            "(a.x = ALL ($1))",
            "(a.tags @> $1)",
        ] {
            assert_eq!(uses(e), vec![], "{e}");
        }
        // One usable part of an AND stays.
        assert_eq!(
            uses("((lower(a.email) = $1) AND (a.org_id = $2))"),
            vec![u("a", "org_id", Kind::Eq, false, &[2])]
        );
    }

    #[test]
    fn sort_keys() {
        assert_eq!(
            sort_key("demands.created_at DESC"),
            Some(SortKey { col: c("demands", "created_at"), desc: true, nulls_first: true })
        );
        assert_eq!(
            sort_key("d.created_at DESC NULLS LAST"),
            Some(SortKey { col: c("d", "created_at"), desc: true, nulls_first: false })
        );
        assert_eq!(
            sort_key("th1.step"),
            Some(SortKey { col: c("th1", "step"), desc: false, nulls_first: false })
        );
        assert_eq!(sort_key("(max(th1.\"timestamp\")) DESC"), None);
        assert_eq!(sort_key("(lower(a.name))"), None);
    }

    #[test]
    fn lexes_strings_and_dollar_quotes() {
        assert_eq!(
            lex("E'a\\'b' 'c''d' $q$x$y$q$"),
            vec![Tok::Str("a'b".into()), Tok::Str("c'd".into()), Tok::Str("x$y".into())]
        );
        assert_eq!(lex("x::numeric(10,2)")[1], Tok::Cast);
        assert_eq!(lex("1.5e-3")[0], Tok::Num("1.5e-3".into()));
    }
}
