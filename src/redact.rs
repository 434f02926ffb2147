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
            None => out.push_str(token),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    redact_keyword_password(&out)
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
