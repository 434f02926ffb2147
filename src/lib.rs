//! towow-db: set up, fill and inspect the PostgreSQL database of ToWow.
//!
//! The binary (`src/main.rs`) only parses arguments and maps errors to exit codes; everything
//! else lives here so that tests can call it directly. See `docs/architecture.md`
//! for the layers and the rules between them.

// Top: flags and command glue.
pub mod cli;
pub mod commands;
// Core, one folder per layer of the design.
pub mod admin;
pub mod connect;
pub mod data;
pub mod maintenance;
pub mod migrate;
pub mod page;
pub mod reports;
// Bottom: rendering and helpers every layer uses.
pub mod error;
pub mod files;
pub mod interrupt;
pub mod output;
pub mod redact;
pub mod sql;
pub mod units;

#[cfg(test)]
mod test_support;

use std::process::ExitCode;

use clap::Parser;

/// Parse `args`, run the command and return the exit status, printing errors on stderr.
pub fn main_with_args(args: Vec<std::ffi::OsString>) -> ExitCode {
    quiet_panics();
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            // clap: usage errors exit 2, --help / --version exit 0.
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    output::logging::init(cli.global.verbose, cli.global.quiet);
    // One runtime thread: the connection tasks and the COPY writer run on it together, without
    // cross-thread wake-ups (measured: 40% less client CPU during a load, which on a small machine
    // is CPU the server gets). Row generation has its own thread; blocking work uses
    // spawn_blocking.
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            output::print_error(&anyhow::Error::new(e).context("cannot start the async runtime"));
            return ExitCode::from(1);
        }
    };
    // Ctrl-C anywhere drops the command, runs what it left to clean up, and exits 130.
    let result = runtime.block_on(interrupt::run(async {
        let env = connect::Env::from_process()?;
        let mut ctx = commands::Ctx::new(cli.global.clone(), env);
        ctx.local_default = commands::local_default(&cli.command);
        commands::run(cli.command, &ctx).await
    }));
    // Do not wait for lingering connection tasks.
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = error::exit_code(&e);
            if e.downcast_ref::<error::Exit>().is_none() {
                output::print_error(&e);
            }
            ExitCode::from(code)
        }
    }
}

/// A panic is a bug. Say so in one line, without its message (it may quote an input, such as a
/// password or an environment variable) and without a backtrace, whatever `RUST_BACKTRACE` says;
/// the exit status stays Rust's 101.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "error: internal error in towow-db{at} (a bug: please report it with the command that caused it; nothing else is shown, in case it held a secret)"
        );
    }));
}

/// The layering of `docs/architecture.md`, checked on the sources: arrows point down only.
#[cfg(test)]
mod architecture {
    use std::path::Path;

    /// Each top-level module's layer: a module may use modules of a lower layer and itself, nothing
    /// else (so no upward arrow and no cycle between top-level modules).
    const LAYERS: &[(&str, u8)] = &[
        ("redact", 0),
        ("files", 0),
        ("sql", 0),
        ("interrupt", 0),
        ("units", 0),
        ("error", 1),
        ("output", 2),
        ("connect", 3),
        ("migrate", 4),
        ("data", 5),
        ("reports", 5),
        ("admin", 5),
        ("maintenance", 6),
        ("page", 7),
        ("cli", 8),
        ("commands", 9),
    ];

    /// Inside `connect/`, the order of its files: each may use the ones before it.
    const CONNECT_ORDER: &[&str] =
        &["env", "url", "pgpass", "resolve", "targets", "tls", "setup", "pool", "pooler", "blocking"];

    fn layer(m: &str) -> Option<u8> {
        LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l)
    }

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                // Code only: test modules may reach anywhere.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_string();
                out.push((p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string(), code));
            }
        }
    }

    /// The modules a source names as `crate::NAME` (and, inside `connect/`, `super::NAME` or
    /// `crate::connect::NAME`).
    fn uses<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        code.match_indices(prefix).filter_map(move |(i, _)| {
            let rest = &code[i + prefix.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            (end > 0).then(|| &rest[..end])
        })
    }

    #[test]
    fn arrows_point_down_only() {
        let mut files = Vec::new();
        sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        assert!(files.len() > 30, "read the sources");
        let mut wrong = Vec::new();
        for (path, code) in &files {
            let rel = path.trim_start_matches("src/");
            let top = rel.split(['/', '.']).next().unwrap();
            let Some(own) = layer(top) else { continue }; // lib.rs, main.rs
            for used in uses(code, "crate::") {
                if used != top && layer(used).is_some_and(|l| l >= own) {
                    wrong.push(format!("{path} uses crate::{used}"));
                }
            }
            if top == "connect" {
                let me = rel.trim_start_matches("connect/").trim_end_matches(".rs");
                if let Some(pos) = CONNECT_ORDER.iter().position(|f| *f == me) {
                    for used in uses(code, "crate::connect::").chain(uses(code, "super::")) {
                        if CONNECT_ORDER.iter().position(|f| *f == used).is_some_and(|u| u >= pos)
                            && used != me
                        {
                            wrong.push(format!("{path} uses connect::{used}, which comes after it"));
                        }
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "upward imports (docs/architecture.md):\n{}", wrong.join("\n"));
    }

    #[test]
    fn the_check_catches_an_upward_import() {
        let code = "use crate::cli::Format;\nfn f() { crate::output::x(); }";
        let found: Vec<&str> = uses(code, "crate::").collect();
        assert_eq!(found, ["cli", "output"]);
        assert!(layer("cli") > layer("reports"));
    }
}
