//! `completions` and `man`: generated from the clap definitions in `cli.rs`, so they always match
//! the binary (the committed files under `completions/` are checked by a test).

use anyhow::Result;
use clap::CommandFactory;

/// The completion script for `shell`, as bytes.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut cmd = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "towow-db", &mut out);
    out
}

/// The man page (roff).
pub fn man_page() -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut out)?;
    Ok(out)
}

fn write_all(bytes: &[u8]) -> Result<u8> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        other => other.map(|_| 0).map_err(Into::into),
    }
}

pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    write_all(&completion_script(shell))
}

pub fn man() -> Result<u8> {
    write_all(&man_page()?)
}
