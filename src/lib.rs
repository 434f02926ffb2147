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
mod architecture;
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
