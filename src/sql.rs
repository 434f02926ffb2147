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

/// Split a script into statements at top-level `;`, respecting quotes, dollar quotes and comments.
/// Statements consisting only of comments or whitespace are dropped.
pub fn split_statements(script: &str) -> Vec<String> {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut has_code = false;
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
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'\'' | b'"' => {
                has_code = true;
                i += 1;
                while i < b.len() {
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
            b'$' => {
                has_code = true;
                // $tag$ ... $tag$ (tag: letters, digits, underscore; not starting with a digit)
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
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

/// `stmt` without its leading `--` and `/* */` comments and whitespace.
pub fn strip_leading_comments(stmt: &str) -> &str {
    let mut s = stmt.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.split_once('\n').map(|(_, r)| r).unwrap_or("").trim_start();
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.split_once("*/").map(|(_, r)| r).unwrap_or("").trim_start();
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
