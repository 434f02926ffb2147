//! Confirmation for destructive commands: a typed answer on a terminal, or `--yes`; with neither
//! (no terminal, no `--yes`) the command refuses and touches nothing.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

/// Ask the user to type `expected` to go on with `action`. `yes` skips the question.
pub fn confirm_typed(action: &str, expected: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("refusing to {action}: no terminal to confirm on; pass --yes to proceed");
    }
    let mut err = std::io::stderr();
    write!(err, "This will {action}.\nType \"{expected}\" to confirm: ")?;
    err.flush()?;
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    if line.trim() != expected {
        bail!("not confirmed (expected \"{expected}\"); nothing was changed");
    }
    Ok(())
}
