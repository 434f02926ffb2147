//! `completions` and `man`: generated from the clap definitions in `cli/`, so they always match
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

/// The command tree as the man pages name it (`towow-db-migrate-down`).
fn built_command() -> clap::Command {
    let mut cmd = crate::cli::Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// The man page (roff) of the command at `path` (`["migrate", "down"]`; empty: the main page).
pub fn man_page(path: &[String]) -> Result<Vec<u8>> {
    let mut cmd = built_command();
    for (i, name) in path.iter().enumerate() {
        let known: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
        cmd = match cmd.find_subcommand(name) {
            Some(c) => c.clone(),
            None => {
                let at =
                    if i == 0 { "towow-db".to_string() } else { format!("towow-db {}", path[..i].join(" ")) };
                return Err(crate::error::Usage(format!(
                    "no command `{name}` in `{at}`; its commands are: {}",
                    if known.is_empty() { "none".into() } else { known.join(", ") }
                ))
                .into());
            }
        };
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
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

pub fn man(ctx: &super::Ctx, a: crate::cli::ManArgs) -> Result<u8> {
    match a.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
            clap_mangen::generate_to(built_command(), &dir)
                .map_err(|e| anyhow::anyhow!("cannot write the man pages into {}: {e}", dir.display()))?;
            ctx.out.note(format!("wrote the man pages into {}", dir.display()));
            Ok(0)
        }
        None => write_all(&man_page(&a.command)?),
    }
}
