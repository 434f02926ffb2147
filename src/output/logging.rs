//! Diagnostics on stderr through `tracing`: plain lines for progress notes (`info`), prefixed
//! `warning:` / `error:` / `debug:` for the rest. `-q` keeps errors only, `-v` adds debug detail
//! from towow-db, `-vv` from every library. `TOWOW_LOG` (an `EnvFilter`) overrides all of it.
//! Nothing logged here may contain a password: connection targets are logged redacted, every line
//! goes through `redact` as well, and tokio-postgres's statement texts are never enabled by the
//! flags.

use std::fmt;
use std::io::IsTerminal;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

struct Plain;

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut w: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let prefix = match *event.metadata().level() {
            Level::ERROR => "error: ",
            Level::WARN => "warning: ",
            Level::INFO => "",
            Level::DEBUG => "debug: ",
            Level::TRACE => "trace: ",
        };
        w.write_str(prefix)?;
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}

/// stderr, with every line redacted on its way: a library's debug line may quote a connection
/// string. (tracing-subscriber writes each formatted event with one `write`.)
struct Redacted;

impl std::io::Write for Redacted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = crate::redact::redact_url(&String::from_utf8_lossy(buf));
        std::io::stderr().write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Install the stderr logger for the given `-v` count and `-q`.
pub fn init(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn,towow_db=info",
        (false, 1) => "warn,towow_db=debug",
        // Not tokio_postgres's debug output: it logs statement texts, and `roles create` sends
        // `ALTER ROLE … PASSWORD '<SCRAM verifier>'` (a verifier allows offline guessing).
        _ => "debug,towow_db=trace,tokio_postgres=info",
    };
    let filter = EnvFilter::try_from_env("TOWOW_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // Colour (library fields under -vv) only on a terminal, and never with NO_COLOR set.
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(|| Redacted)
        .event_format(Plain)
        .try_init();
}
