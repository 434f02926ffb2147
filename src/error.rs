//! Error rendering and exit codes (docs/ci.md: 0 success, 1 failure, 2 usage; `--check` uses the
//! monitoring convention 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

use std::fmt;

use tokio_postgres::error::SqlState;

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

/// A database error and what was being done when it happened: the one way a tokio-postgres error
/// becomes an `anyhow::Error` (through [`PgContext::pg_context`] or [`PgError::new`]). It displays
/// as `what: message (SQLSTATE …); DETAIL: …` and keeps the SQLSTATE, so that [`sqlstate`] finds
/// it wherever the error sits in a chain and [`render`] can add the advice for it.
#[derive(Debug, Clone)]
pub struct PgError {
    what: String,
    /// The database's message as shown ([`pg_message`], or a caller's own layout of it).
    text: String,
    code: Option<SqlState>,
    /// The server's primary message alone (for [`advice`]).
    message: String,
}

impl PgError {
    pub fn new(e: &tokio_postgres::Error, what: impl fmt::Display) -> PgError {
        PgError::with_text(e, what, pg_message(e))
    }

    /// Like [`PgError::new`], with the database's message laid out by the caller.
    pub fn with_text(e: &tokio_postgres::Error, what: impl fmt::Display, text: String) -> PgError {
        PgError {
            what: what.to_string(),
            text,
            code: e.code().cloned(),
            message: e.as_db_error().map(|db| db.message().to_string()).unwrap_or_default(),
        }
    }

    /// The database error's SQLSTATE (none for a lost connection or a client-side error).
    pub fn code(&self) -> Option<&SqlState> {
        self.code.as_ref()
    }

    /// The general [`advice`] for this error, if any.
    pub fn advice(&self) -> Option<&'static str> {
        advice(self.code.as_ref()?, &self.message)
    }
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.what.is_empty() { f.write_str(&self.text) } else { write!(f, "{}: {}", self.what, self.text) }
    }
}

impl std::error::Error for PgError {}

/// The SQLSTATE of the first database error in `e`'s chain, however it was wrapped.
pub fn sqlstate(e: &anyhow::Error) -> Option<SqlState> {
    e.chain().find_map(|c| match c.downcast_ref::<PgError>() {
        Some(p) => p.code.clone(),
        None => c.downcast_ref::<tokio_postgres::Error>().and_then(|pe| pe.code().cloned()),
    })
}

/// What to do about an error, printed after it (`error: … — remedy`) in place of the general
/// advice for its SQLSTATE: attach it with `e.context(Remedy(…))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remedy(pub String);

impl fmt::Display for Remedy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Remedy {}

/// What became of the work when the error happened, printed after it in parentheses (`error: …
/// (rolled back: nothing was written)`): attach it with `e.context(Outcome(…))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome(pub String);

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Outcome {}

/// The general advice for a database error, by SQLSTATE (`message` tells the kinds of one code
/// apart): the causes a user can act on whatever the command was.
pub fn advice(code: &SqlState, message: &str) -> Option<&'static str> {
    Some(match code {
        c if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            "the role lacks a privilege this needs: run it as the objects' owner (or a superuser), or GRANT it \
             (docs/roles-and-pgbouncer.md)"
        }
        c if *c == SqlState::READ_ONLY_SQL_TRANSACTION => {
            "the server only allows reads here (a standby, or default_transaction_read_only is on): connect to \
             the primary"
        }
        c if *c == SqlState::DISK_FULL => "the server's disk is full: free space on it, then run this again",
        c if *c == SqlState::QUERY_CANCELED && message.contains("statement timeout") => {
            "the statement ran longer than statement_timeout: raise it with --statement-timeout (0 for none)"
        }
        c if *c == SqlState::LOCK_NOT_AVAILABLE => {
            "another session holds a lock this needs (see `towow-db activity`): run it again later, or raise \
             --lock-timeout"
        }
        c if *c == SqlState::ADMIN_SHUTDOWN || *c == SqlState::CRASH_SHUTDOWN => {
            "the server shut down or ended the session: run this again once it is back (--wait waits for it)"
        }
        _ => return None,
    })
}

/// Render an error chain for stderr: `context: cause: database error (SQLSTATE …)`, then any
/// [`Outcome`] in parentheses and the [`Remedy`] (else the general [`advice`] for the SQLSTATE)
/// after a dash; any password redacted.
pub fn render(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    // A context's own type is only visible through the error (not through its chain's items).
    let outcome = err.downcast_ref::<Outcome>().map(|o| o.0.clone());
    let remedy = err.downcast_ref::<Remedy>().map(|r| r.0.clone());
    for cause in err.chain() {
        let text = cause.to_string();
        if outcome.as_ref() == Some(&text) || remedy.as_ref() == Some(&text) {
            continue;
        }
        let pg = cause.downcast_ref::<tokio_postgres::Error>();
        let text = match pg {
            Some(pe) => pg_message(pe),
            None => text,
        };
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        if pg.is_some() || cause.downcast_ref::<PgError>().is_some() {
            break;
        }
    }
    let mut s = parts.join(": ");
    if let Some(o) = outcome {
        s.push_str(&format!(" ({o})"));
    }
    let general = || {
        err.chain().find_map(|c| match c.downcast_ref::<PgError>() {
            Some(p) => p.advice(),
            None => c
                .downcast_ref::<tokio_postgres::Error>()?
                .as_db_error()
                .and_then(|db| advice(db.code(), db.message())),
        })
    };
    if let Some(r) = remedy.or_else(|| general().map(str::to_string)) {
        s.push_str(&format!(" — {r}"));
    }
    crate::redact::redact_url(&s)
}

/// The process exit status for an error.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|c| c.downcast_ref::<crate::interrupt::Interrupted>().is_some()) {
        return crate::interrupt::exit_status();
    }
    if err.chain().any(|c| c.downcast_ref::<Usage>().is_some()) {
        return 2;
    }
    err.chain().find_map(|c| c.downcast_ref::<Exit>()).map(|e| e.0).unwrap_or(1)
}

/// Extension to turn a tokio-postgres result into an anyhow one: a [`PgError`] saying what was
/// being done.
pub trait PgContext<T> {
    fn pg_context<C: fmt::Display>(self, what: C) -> anyhow::Result<T>;
}

impl<T> PgContext<T> for Result<T, tokio_postgres::Error> {
    fn pg_context<C: fmt::Display>(self, what: C) -> anyhow::Result<T> {
        self.map_err(|e| PgError::new(&e, what).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(what: &str, code: SqlState, message: &str) -> anyhow::Error {
        let text = format!("{message} (SQLSTATE {})", code.code());
        anyhow::Error::from(PgError { what: what.into(), text, code: Some(code), message: message.into() })
    }

    const DENIED: &str = "permission denied for table demands";

    #[test]
    fn render_says_what_then_the_outcome_then_the_advice() {
        let e =
            pg("cannot count", SqlState::INSUFFICIENT_PRIVILEGE, DENIED).context("loading the sample data");
        let general = advice(&SqlState::INSUFFICIENT_PRIVILEGE, DENIED).unwrap();
        assert_eq!(
            render(&e),
            format!("loading the sample data: cannot count: {DENIED} (SQLSTATE 42501) — {general}")
        );
        let e = e.context(Outcome("rolled back: nothing was written".into()));
        assert_eq!(
            render(&e),
            format!(
                "loading the sample data: cannot count: {DENIED} (SQLSTATE 42501) (rolled back: nothing was written) — {general}"
            )
        );
        // A command's own remedy replaces the general advice.
        let e = e.context(Remedy("GRANT INSERT ON demands TO app".into()));
        assert_eq!(
            render(&e),
            format!(
                "loading the sample data: cannot count: {DENIED} (SQLSTATE 42501) (rolled back: nothing was written) — GRANT INSERT ON demands TO app"
            )
        );
        assert_eq!(sqlstate(&e), Some(SqlState::INSUFFICIENT_PRIVILEGE));
    }

    #[test]
    fn errors_without_a_database_error_have_no_sqlstate_nor_advice() {
        let e = anyhow::anyhow!("cannot read seeds/x.json").context("seed");
        assert_eq!(sqlstate(&e), None);
        assert_eq!(render(&e), "seed: cannot read seeds/x.json");
        let e = e.context(Remedy("check the path".into()));
        assert_eq!(render(&e), "seed: cannot read seeds/x.json — check the path");
        // An empty `what`: the database's message alone.
        assert_eq!(pg("", SqlState::UNDEFINED_TABLE, "no").to_string(), "no (SQLSTATE 42P01)");
        assert_eq!(render(&pg("", SqlState::UNDEFINED_TABLE, "no")), "no (SQLSTATE 42P01)");
    }

    #[test]
    fn a_password_in_the_message_is_redacted() {
        let e = pg("postgresql://u:Secr3t@db/x", SqlState::ADMIN_SHUTDOWN, "terminating connection");
        let r = render(&e);
        assert!(!r.contains("Secr3t") && r.contains("terminating connection"), "{r}");
    }

    #[test]
    fn advice_by_sqlstate() {
        for (code, message, want) in [
            (SqlState::INSUFFICIENT_PRIVILEGE, DENIED, "lacks a privilege"),
            (
                SqlState::READ_ONLY_SQL_TRANSACTION,
                "cannot execute INSERT in a read-only transaction",
                "only allows reads",
            ),
            (SqlState::DISK_FULL, "could not extend file", "disk is full"),
            (SqlState::QUERY_CANCELED, "canceling statement due to statement timeout", "--statement-timeout"),
            (SqlState::LOCK_NOT_AVAILABLE, "canceling statement due to lock timeout", "--lock-timeout"),
            (SqlState::ADMIN_SHUTDOWN, "terminating connection due to administrator command", "shut down"),
            (
                SqlState::CRASH_SHUTDOWN,
                "terminating connection because of crash of another server process",
                "shut down",
            ),
        ] {
            let a = advice(&code, message).unwrap_or_else(|| panic!("no advice for {}", code.code()));
            assert!(a.contains(want), "{}: {a}", code.code());
        }
        // A cancel that was not the statement timeout (Ctrl-C, pg_cancel_backend): no timeout advice.
        assert_eq!(advice(&SqlState::QUERY_CANCELED, "canceling statement due to user request"), None);
        assert_eq!(advice(&SqlState::UNIQUE_VIOLATION, "duplicate key"), None);
    }
}
