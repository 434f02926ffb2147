//! Behaviour on a real terminal, through util-linux `script` (which runs the command on a pty):
//! typed confirmations, and the progress bar that only a terminal gets.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::*;

/// Run towow-db on a pseudo-terminal, typing `input`; returns (exit status, everything the
/// terminal showed).
fn on_terminal(url: &str, args: &[&str], input: &str) -> (Option<i32>, String) {
    let mut line = format!("{BIN} --url '{url}'");
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command on a pty");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
}

#[tokio::test]
async fn drop_asks_for_the_database_name_on_a_terminal() {
    let cfg = fresh_db("tty_drop").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    let url = cfg.url_with_password();
    let name = cfg.dbname.clone().unwrap();

    // A wrong answer: nothing is dropped.
    let (code, screen) = on_terminal(&url, &["drop"], "towow\n");
    assert_eq!(code, Some(1), "{screen}");
    assert!(screen.contains(&format!("Type \"{name}\" to confirm")), "{screen}");
    assert!(screen.contains("not confirmed"), "{screen}");
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM refinery_schema_history").await, 2);

    // The database's name: dropped.
    let (code, screen) = on_terminal(&url, &["drop"], &format!("{name}\n"));
    assert_eq!(code, Some(0), "{screen}");
    assert!(!scalar_bool(&db, "SELECT to_regclass('demands') IS NOT NULL").await);
    assert!(!screen.contains(&cfg.password.clone().unwrap()), "password on screen: {screen}");
}

#[tokio::test]
async fn the_progress_bar_shows_on_a_terminal_only() {
    let cfg = fresh_db("tty_bar").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let url = cfg.url_with_password();
    let (code, screen) =
        on_terminal(&url, &["seed", "--demands", "30000", "--responses-per-demand", "2"], "");
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("rows/s") || screen.contains("/s"), "no progress bar on the terminal:\n{screen}");
    assert!(screen.contains("ETA"), "{screen}");
    // Piped (as in every other test): no bar, only the summary.
    let o = run_url(&cfg, &["seed", "--demands", "1000", "--seed", "2"]);
    assert_ok(&o);
    assert!(!stderr(&o).contains("ETA"), "{}", stderr(&o));
    assert!(stderr(&o).contains("rows/s"), "the summary is still there: {}", stderr(&o));
    // --quiet on a terminal: no bar either.
    let (code, screen) = on_terminal(&url, &["-q", "seed", "--demands", "1000", "--seed", "3"], "");
    assert_eq!(code, Some(0), "{screen}");
    assert!(!screen.contains("ETA"), "{screen}");
}
