//! Error rendering and exit codes (docs/ci.md: 0 success, 1 failure, 2 usage; `--check` uses the
//! monitoring convention 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

use std::fmt;

/// A command that has already reported its outcome and only needs a non-zero exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub u8);

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit status {}", self.0)
    }
}

impl std::error::Error for Exit {}

/// A bad flag value found after parsing (a `--threshold` name, a `--columns` name): printed like
/// any error, exit status 2 like clap's usage errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage(pub String);

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Ctrl-C during a load: the transaction was rolled back. Exits 130 (128 + SIGINT), like a shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted {
    pub rolled_back: bool,
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rolled_back {
            f.write_str("interrupted: the load was rolled back; nothing was written")
        } else {
            f.write_str("interrupted: the load was abandoned before it committed; the server rolls it back, nothing was written")
        }
    }
}

impl std::error::Error for Interrupted {}

/// A database error as one line: message and SQLSTATE, then DETAIL / HINT / WHERE when present.
pub fn pg_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; DETAIL: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("; HINT: {h}"));
            }
            if let Some(w) = db.where_() {
                s.push_str(&format!("; WHERE: {}", w.lines().next().unwrap_or(w)));
            }
            s
        }
        None => error_chain(e),
    }
}

/// An error and its sources as one `a: b: c` string, skipping sources already in the text.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let cs = c.to_string();
        if !s.contains(&cs) {
            s.push_str(": ");
            s.push_str(&cs);
        }
        cur = c.source();
    }
    s
}

/// Render an error chain for stderr: `context: cause: database error (SQLSTATE …)`, with any
/// password redacted.
pub fn render(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = match cause.downcast_ref::<tokio_postgres::Error>() {
            Some(pe) => pg_message(pe),
            None => cause.to_string(),
        };
        if parts.iter().any(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
        if cause.downcast_ref::<tokio_postgres::Error>().is_some() {
            break;
        }
    }
    crate::redact::redact_url(&parts.join(": "))
}

/// The process exit status for an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|c| {
        c.downcast_ref::<Interrupted>().is_some()
            || c.downcast_ref::<crate::interrupt::Interrupted>().is_some()
    }) {
        return 130;
    }
    if err.chain().any(|c| c.downcast_ref::<Usage>().is_some()) {
        return 2;
    }
    err.chain().find_map(|c| c.downcast_ref::<Exit>()).map(|e| e.0).unwrap_or(1)
}

/// Extension to turn a tokio-postgres result into an anyhow one with the full database message.
pub trait PgContext<T> {
    fn pg_context<C: fmt::Display>(self, what: C) -> anyhow::Result<T>;
}

impl<T> PgContext<T> for Result<T, tokio_postgres::Error> {
    fn pg_context<C: fmt::Display>(self, what: C) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::anyhow!("{what}: {}", pg_message(&e)))
    }
}
