//! Confirmation for destructive commands: a typed answer on a terminal, or `--yes`; with neither
//! (no terminal, no `--yes`) the command refuses and touches nothing.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

/// Ask the user to type `expected` to go on with `action`. `yes` skips the question. The answer
/// is read on a blocking thread, so that Ctrl-C at the prompt ends the command at once (see
/// `interrupt`).
pub async fn confirm_typed(action: &str, expected: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("refusing to {action}: no terminal to confirm on; pass --yes to proceed");
    }
    let prompt = format!("This will {action}.\nType \"{expected}\" to confirm: ");
    let line = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut err = std::io::stderr();
        err.write_all(prompt.as_bytes())?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line)
    })
    .await??;
    if line.trim() != expected {
        bail!("not confirmed (expected \"{expected}\"); nothing was changed");
    }
    Ok(())
}
