//! Secrets out of every message: the password of a connection URL or of a libpq `key=value`
//! string becomes `***`. At the bottom of the crate so that any layer (errors, logging,
//! connections) can use it without depending on the others.

/// Replace the password of any `scheme://user:password@` in `s` (and any `password=` pair) with `***`.
pub fn redact_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The URL runs to the next white space; its user info to the LAST `@` in it (as the
        // parser reads it), so a password holding `/`, `?` or `@` is hidden whole.
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let token = &tail[..end];
        redact_after_scheme(token, &mut out);
        rest = &tail[end..];
    }
    out.push_str(rest);
    redact_keyword_password(&out)
}

/// One connection string, whole (a password may hold spaces): its user info runs to the last
/// `@` of the whole string, as the URL parser reads it.
pub fn redact_conn_string(s: &str) -> String {
    match s.find("://") {
        Some(i) => {
            let mut out = s[..i + 3].to_string();
            redact_after_scheme(&s[i + 3..], &mut out);
            redact_keyword_password(&out)
        }
        None => redact_keyword_password(s),
    }
}

/// `user:password@rest` → `user:***@rest`. Without an `@`, a `user:password` would read as
/// `host:port`: a "port" that is not a number is hidden too.
fn redact_after_scheme(token: &str, out: &mut String) {
    match token.rfind('@') {
        Some(at) => {
            let userinfo = &token[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&token[at..]);
        }
        None => {
            // Everything from the first such `:` on is hidden: a password may hold `/` or `?`.
            let end = token.find(['/', '?']).unwrap_or(token.len());
            let mut start = 0;
            for h in token[..end].split(',') {
                if let Some((host, port)) = h.split_once(':')
                    && !h.starts_with('[')
                    && (port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()))
                {
                    out.push_str(&token[..start + host.len()]);
                    out.push_str(":***");
                    return;
                }
                start += h.len() + 1;
            }
            out.push_str(token);
        }
    }
}

/// SQL text (another session's statement), safe to show: hidden whole when it mentions a
/// password anywhere (a `PASSWORD` clause may quote it as `'…'`, `E'…'`, `U&'…'` or `$$…$$`, in
/// any statement of a batch), else with connection strings' passwords as `***`.
pub fn redact_sql(sql: &str) -> String {
    if sql.to_ascii_lowercase().contains("password") {
        return "(not shown: it mentions a password)".to_string();
    }
    redact_url(sql)
}

fn redact_keyword_password(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut search = 0;
    while let Some(pos) = lower[search..].find("password") {
        let start = search + pos;
        let after = start + "password".len();
        let rest = &s[after..];
        let trimmed = rest.trim_start();
        if let Some(val) = trimmed.strip_prefix('=') {
            let val_trim = val.trim_start();
            let val_start = s.len() - val_trim.len();
            let val_end = if let Some(q) = val_trim.strip_prefix('\'') {
                val_start + 1 + q.find('\'').map(|e| e + 1).unwrap_or(q.len())
            } else {
                val_start + val_trim.find(|c: char| c.is_whitespace() || c == '&').unwrap_or(val_trim.len())
            };
            out.push_str(&s[last..val_start]);
            out.push_str("***");
            last = val_end;
            search = val_end;
        } else {
            search = after;
        }
        if search >= s.len() {
            break;
        }
    }
    out.push_str(&s[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_without_host_is_hidden() {
        assert_eq!(redact_url("at postgresql://towow:Pa55/x?y now"), "at postgresql://towow:*** now");
        assert_eq!(redact_url("postgresql://db:5432,db2:x/d"), "postgresql://db:5432,db2:***");
        assert_eq!(redact_url("postgresql://db:5432/d"), "postgresql://db:5432/d");
        assert_eq!(redact_url("postgresql://[::1]:5432/d"), "postgresql://[::1]:5432/d");
        assert_eq!(redact_conn_string("postgresql://u:a b@c@h:1/d"), "postgresql://u:***@h:1/d");
    }

    #[test]
    fn sql_that_mentions_a_password_is_not_shown() {
        for sql in [
            "ALTER ROLE x PASSWORD 'it''s secret' LOGIN",
            "CREATE ROLE y password'abc'",
            "BEGIN; ALTER ROLE leaky PASSWORD E'hunter2'; LOCK TABLE demands",
            "ALTER ROLE z PASSWORD U&'hunter\\0032'",
            "ALTER ROLE w PASSWORD $$hunter2$$",
            "ALTER ROLE v PASSWORD $q$hunter2$q$",
        ] {
            let shown = redact_sql(sql);
            assert!(
                !shown.contains("hunter") && !shown.contains("secret") && !shown.contains("abc"),
                "{shown}"
            );
        }
        assert_eq!(
            redact_sql("LOCK TABLE demands IN ACCESS EXCLUSIVE MODE"),
            "LOCK TABLE demands IN ACCESS EXCLUSIVE MODE"
        );
        assert_eq!(redact_sql("SELECT 'postgresql://u:pw@h/d'"), "SELECT 'postgresql://u:***@h/d'");
    }

    #[test]
    fn every_password_of_a_keyword_string_is_hidden() {
        let r = redact_conn_string("password=Secret-One host=h password='Secret Two' user=u");
        assert!(!r.contains("Secret-One") && !r.contains("Secret Two") && r.contains("host=h"), "{r}");
    }
}
