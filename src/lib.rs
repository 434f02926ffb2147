//! towow-db: set up, fill and inspect the PostgreSQL database of ToWow.
//!
//! The binary (`src/main.rs`) only parses arguments and maps errors to exit codes; everything
//! else lives here so that tests can call it directly. See `DESIGN.md` in the shared folder and
//! the README for the architecture.

// Top: flags and command glue.
pub mod cli;
pub mod commands;
// Core, one folder per layer of the design.
pub mod admin;
pub mod connect;
pub mod data;
pub mod migrate;
pub mod reports;
// Bottom: rendering and helpers every layer uses.
pub mod error;
pub mod output;
pub mod sql;

use std::process::ExitCode;

use clap::Parser;

/// Parse `args`, run the command and return the exit status, printing errors on stderr.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
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
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        let env = connect::config::Env::from_process()?;
        let ctx = commands::Ctx::new(cli.global.clone(), env);
        commands::run(cli.command, &ctx).await
    });
    // Do not wait for lingering connection tasks.
    runtime.shutdown_background();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = error::exit_code(&e);
            if e.downcast_ref::<error::Exit>().is_none() {
                eprintln!("error: {}", error::render(&e));
            }
            ExitCode::from(code)
        }
    }
}
