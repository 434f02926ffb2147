//! Shell completions, the man page and `--help` examples, all generated from `cli.rs`.

use std::path::PathBuf;

use clap::CommandFactory;

use crate::common::*;

/// Set to rewrite the committed completion files from the binary (after changing the CLI):
/// `TOWOW_UPDATE_COMPLETIONS=1 cargo test --test it completions`.
const UPDATE: &str = "TOWOW_UPDATE_COMPLETIONS";

const FILES: [(&str, &str); 5] = [
    ("bash", "towow-db.bash"),
    ("zsh", "_towow-db"),
    ("fish", "towow-db.fish"),
    ("powershell", "_towow-db.ps1"),
    ("elvish", "towow-db.elv"),
];

#[test]
fn committed_completions_match_the_binary() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions");
    let mut stale = Vec::new();
    for (shell, file) in FILES {
        let o = run(&["completions", shell]);
        assert_ok(&o);
        assert!(o.stdout.len() > 500, "{shell}: {}", stdout(&o));
        let path = dir.join(file);
        if std::env::var_os(UPDATE).is_some() {
            std::fs::write(&path, &o.stdout).unwrap();
            continue;
        }
        if std::fs::read(&path).ok().as_deref() != Some(&o.stdout[..]) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions/{stale:?} differ from what the binary prints: regenerate them with `{UPDATE}=1 cargo test --test it completions`"
    );
    let o = run(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "unknown shell: usage error");
}

#[test]
fn man_page() {
    let o = run(&["man"]);
    assert_ok(&o);
    let page = stdout(&o);
    assert!(page.contains(".TH towow-db 1"), "{page}");
    for s in ["roles", "migrate", "completions", "\\-\\-direct\\-url"] {
        assert!(page.contains(s), "`{s}` missing from the man page");
    }
    // No dangling reference: every page the main page names exists, as `man CMD` and in --dir.
    let dir = crate::common::temp_dir("man");
    assert_ok(&run(&["man", "--dir", dir.to_str().unwrap()]));
    let mut named = 0;
    for line in page.lines().filter(|l| l.starts_with("towow\\-db\\-") && l.ends_with("(1)")) {
        let name = line.trim_end_matches("(1)").replace("\\-", "-");
        named += 1;
        assert!(dir.join(format!("{name}.1")).is_file(), "{name}(1) is named but not written");
        let words: Vec<&str> = name.trim_start_matches("towow-db-").split('-').collect();
        // `mock-agents` and friends: try the command names as the CLI spells them.
        let sub = ["mock-agents", "vacuum-report", "slow-query"]
            .iter()
            .find(|c| name.ends_with(*c))
            .map(|c| vec![*c]);
        let args: Vec<&str> = std::iter::once("man").chain(sub.unwrap_or(words)).collect();
        let o = run(&args);
        assert_ok(&o);
        assert!(stdout(&o).contains(&format!(".TH {name} 1")), "{args:?}: {}", stdout(&o));
    }
    assert!(named >= 14, "the main page names {named} command pages");
    let sub = run(&["man", "migrate", "down"]);
    assert_ok(&sub);
    assert!(stdout(&sub).contains(".TH towow-db-migrate-down 1"), "{}", stdout(&sub));
    let bad = run(&["man", "nope"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("no command `nope`") && stderr(&bad).contains("init"), "{}", stderr(&bad));
}

/// Every command, including those added later, shows examples in its `--help`.
#[test]
fn every_command_has_an_example() {
    fn walk(cmd: &clap::Command, path: String, missing: &mut Vec<String>, seen: &mut usize) {
        *seen += 1;
        let has = [cmd.get_after_help(), cmd.get_after_long_help()]
            .into_iter()
            .flatten()
            .any(|h| h.to_string().contains("Examples:"));
        if !has {
            missing.push(path.clone());
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, format!("{path} {}", sub.get_name()), missing, seen);
        }
    }
    let mut cmd = towow_db::cli::Cli::command();
    cmd.build();
    let (mut missing, mut seen) = (Vec::new(), 0);
    walk(&cmd, "towow-db".into(), &mut missing, &mut seen);
    assert!(seen > 15, "walked only {seen} commands");
    assert!(missing.is_empty(), "commands without an `Examples:` block in --help: {missing:?}");
    // And it shows in the real help output.
    let o = run(&["roles", "create", "--help"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("Examples:"), "{}", stdout(&o));
}
