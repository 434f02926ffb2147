//! Small SQL helpers: identifier quoting and splitting a script into statements (for scripts that
//! must run statement by statement, outside a transaction).

/// Quote an SQL identifier (`"name"`, doubling embedded quotes).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quote an SQL string literal (`'…'` doubling quotes; `E'…'` doubling backslashes when it has
/// any), for the few statements that take no bind parameters (`CREATE ROLE … PASSWORD`).
pub fn quote_literal(s: &str) -> String {
    let body = s.replace('\'', "''");
    if s.contains('\\') { format!("E'{}'", body.replace('\\', "\\\\")) } else { format!("'{body}'") }
}

/// `schema.table`, both quoted.
pub fn qualified(schema: &str, table: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(table))
}

/// A byte that continues an identifier (PostgreSQL's `ident_cont`: letters, digits, `_`, `$`,
/// and any byte of a non-ASCII character).
fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// The end (the index after `*/`) of the block comment that opens at `b[i..]` (`/*`); block
/// comments nest, as in PostgreSQL (and Rust). The end of `b` when it is not closed.
pub fn block_comment_end(b: &[u8], i: usize) -> usize {
    let mut depth = 1;
    let mut j = i + 2;
    while j < b.len() && depth > 0 {
        if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
            depth -= 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    j.min(b.len())
}

/// Split a script into statements at top-level `;`, as PostgreSQL's lexer reads it: `'…'`
/// strings (a doubled quote inside), `E'…'` strings (where a backslash escapes the next
/// character, `\'` included), `"…"` identifiers, dollar quotes (`$$…$$`, `$tag$…$tag$`, not
/// `$1` nor a `$` inside an identifier such as `a$b$`), `--` comments and nested `/* */`
/// comments. Statements consisting only of comments or whitespace are dropped. Plain strings
/// are read with `standard_conforming_strings` on (the default since PostgreSQL 9.1).
pub fn split_statements(script: &str) -> Vec<String> {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut has_code = false;
    // Whether `b[i]` starts a token (the byte before it does not continue an identifier).
    let token_start = |i: usize| i == 0 || !ident_byte(b[i - 1]);
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = block_comment_end(b, i);
                continue;
            }
            b'\'' | b'"' => {
                has_code = true;
                // E'…' (or e'…'): the E is a token of its own, not the end of a word.
                let escapes = c == b'\'' && i > 0 && matches!(b[i - 1], b'E' | b'e') && token_start(i - 1);
                i += 1;
                while i < b.len() {
                    if escapes && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == c {
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'$' if token_start(i) => {
                has_code = true;
                // $tag$ … $tag$ (tag: letters, digits, underscores, not starting with a digit).
                let mut j = i + 1;
                while j < b.len() && (ident_byte(b[j]) && b[j] != b'$') {
                    j += 1;
                }
                let tag_ok = j < b.len() && b[j] == b'$' && !b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if tag_ok {
                    let tag = &script[i..=j];
                    match script[j + 1..].find(tag) {
                        Some(end) => i = j + 1 + end + tag.len(),
                        None => i = b.len(),
                    }
                    continue;
                }
                i += 1;
                continue;
            }
            b';' => {
                if has_code {
                    out.push(script[start..i].trim().to_string());
                }
                start = i + 1;
                has_code = false;
                i += 1;
                continue;
            }
            c if !c.is_ascii_whitespace() => has_code = true,
            _ => {}
        }
        i += 1;
    }
    if has_code {
        out.push(script[start..].trim().to_string());
    }
    out
}

/// `stmt` without its leading `--` and (nested) `/* */` comments and whitespace.
pub fn strip_leading_comments(stmt: &str) -> &str {
    let mut s = stmt.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map(|(_, r)| r).unwrap_or("").trim_start();
        } else if s.starts_with("/*") {
            s = s[block_comment_end(s.as_bytes(), 0)..].trim_start();
        } else {
            return s;
        }
    }
}

/// The index name of a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ...` statement,
/// as written (quoted or not), or `None` for any other statement.
pub fn concurrent_index_name(stmt: &str) -> Option<String> {
    let mut words = strip_leading_comments(stmt).split_whitespace();
    let mut next_upper = || words.next().map(str::to_ascii_uppercase);
    if next_upper()? != "CREATE" {
        return None;
    }
    let mut w = next_upper()?;
    if w == "UNIQUE" {
        w = next_upper()?;
    }
    if w != "INDEX" || next_upper()? != "CONCURRENTLY" {
        return None;
    }
    let mut name = words.next()?.to_string();
    if name.eq_ignore_ascii_case("IF") {
        let (n, e) = (words.next()?, words.next()?);
        if !n.eq_ignore_ascii_case("NOT") || !e.eq_ignore_ascii_case("EXISTS") {
            return None;
        }
        name = words.next()?.to_string();
    }
    (!name.eq_ignore_ascii_case("ON")).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = "-- c;\nCREATE INDEX a ON t (x); /* x; */ SELECT ';', \"a;b\", $f$ ; $f$, $$;$$;\n-- tail;\n";
        let v = split_statements(s);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0], "-- c;\nCREATE INDEX a ON t (x)");
        assert!(v[1].ends_with("$$;$$"));
        assert!(split_statements("-- only\n/* c */ ;").is_empty());
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\b'"), "E'a\\\\b'''");
    }

    #[test]
    fn escape_strings_end_where_postgresql_ends_them() {
        // In E'…', \' is a quote inside the string.
        assert_eq!(split_statements(r"E'a\'b'; SELECT 2; SELECT 3"), [r"E'a\'b'", "SELECT 2", "SELECT 3"]);
        assert_eq!(split_statements(r"select e'\\'; SELECT 2"), [r"select e'\\'", "SELECT 2"]);
        assert_eq!(split_statements(r"SELECT E'\\\'x'';'; SELECT 2").len(), 2);
        // A plain string (standard_conforming_strings): the backslash is a character.
        assert_eq!(split_statements(r"SELECT 'a\'; SELECT 2"), [r"SELECT 'a\'", "SELECT 2"]);
        // `date'…'` is a typed literal, not an E string: the e ends a word.
        assert_eq!(split_statements(r"SELECT date'x\'; SELECT 2"), [r"SELECT date'x\'", "SELECT 2"]);
        // An unterminated string runs to the end, without a panic.
        assert_eq!(split_statements(r"SELECT E'abc\"), [r"SELECT E'abc\"]);
    }

    #[test]
    fn dollar_quotes_and_what_only_looks_like_one() {
        assert_eq!(
            split_statements("DO $body$ BEGIN PERFORM ';'; END $body$; SELECT 2"),
            ["DO $body$ BEGIN PERFORM ';'; END $body$", "SELECT 2"]
        );
        // A tag may hold non-ASCII letters; $1 is a parameter, not a tag.
        assert_eq!(split_statements("SELECT $é$;$é$; SELECT $1; SELECT $2").len(), 3);
        // `$` inside an identifier (a$b$) opens no dollar quote.
        assert_eq!(split_statements("SELECT a$b$ FROM t; SELECT 2"), ["SELECT a$b$ FROM t", "SELECT 2"]);
        // A dollar quote that never closes runs to the end.
        assert_eq!(split_statements("SELECT $x$ ; SELECT 2").len(), 1);
    }

    #[test]
    fn comments_nest() {
        let s = "/* outer /* inner; */ still a comment; */ SELECT 1; -- a; comment\nSELECT 2 /* ; */";
        assert_eq!(
            split_statements(s),
            ["/* outer /* inner; */ still a comment; */ SELECT 1", "-- a; comment\nSELECT 2 /* ; */"]
        );
        assert!(split_statements("/* a /* b */ ; */").is_empty(), "a comment only");
        assert_eq!(strip_leading_comments("/* a /* b */ c */ -- d\n CREATE INDEX"), "CREATE INDEX");
        assert_eq!(strip_leading_comments("/* unclosed /* x */"), "");
        assert_eq!(block_comment_end(b"/**/x", 0), 4);
    }

    #[test]
    fn finds_concurrent_index_names() {
        assert_eq!(
            concurrent_index_name(
                "-- x\n/* y */ create unique index concurrently if not exists ix_a on t (x)"
            )
            .as_deref(),
            Some("ix_a")
        );
        assert_eq!(
            concurrent_index_name("CREATE INDEX CONCURRENTLY \"Ix\" ON t (x)").as_deref(),
            Some("\"Ix\"")
        );
        assert_eq!(concurrent_index_name("CREATE INDEX CONCURRENTLY ON t (x)"), None);
        assert_eq!(concurrent_index_name("CREATE INDEX ix ON t (x)"), None);
        assert_eq!(concurrent_index_name("DROP INDEX CONCURRENTLY ix"), None);
    }
}
