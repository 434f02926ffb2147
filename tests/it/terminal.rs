//! Behaviour on a real terminal, through util-linux `script` (which runs the command on a pty):
//! typed confirmations, and the progress bar that only a terminal gets.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::*;

/// Start the shell command line `line` on a pseudo-terminal (util-linux `script`), its input and
/// output piped.
fn spawn_on_pty(line: &str) -> std::process::Child {
    Command::new("script")
        .args(["-qec", line, "/dev/null"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs the command on a pty")
}

/// Run towow-db on a pseudo-terminal, typing `input`; returns (exit status, everything the
/// terminal showed).
pub fn on_terminal(url: &str, args: &[&str], input: &str) -> (Option<i32>, String) {
    let mut line = format!("{BIN} --url '{url}'");
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = spawn_on_pty(&line);
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
    assert_eq!(
        scalar_i64(&db, "SELECT count(*) FROM refinery_schema_history").await,
        towow_db::migrate::shipped().unwrap().len() as i64
    );

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
    let (code, screen) = on_terminal(&url, &["seed", "--demands", "1000", "--responses-per-demand", "2"], "");
    assert_eq!(code, Some(0), "{screen}");
    // The bar's own text (the summary says `4100 rows in … s (… rows/s)`): 1,000 demands, 2,000
    // responses, 1,000 channels and the 100 mock agents they need, counted with grouping.
    let bar = screen
        .lines()
        .find(|l| l.contains("/4,100 rows"))
        .unwrap_or_else(|| panic!("no progress bar:\n{screen}"));
    assert!(bar.contains("ETA") && bar.contains("] "), "{bar}");
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

/// [`on_terminal`] on a terminal `columns` wide.
fn on_terminal_of(columns: u16, url: &str, args: &[&str]) -> (Option<i32>, String) {
    // SAFETY-free: COLUMNS is read by towow-db from its own environment (the pty has no size).
    let mut line = format!("COLUMNS={columns} {BIN} --url '{url}'");
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let o = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::null())
        .output()
        .expect("util-linux `script` runs the command on a pty");
    (o.status.code(), String::from_utf8_lossy(&o.stdout).replace('\r', ""))
}

#[tokio::test]
async fn tables_fit_a_100_column_terminal_and_never_break_a_name() {
    let cfg = fresh_db("tty_width").await;
    assert_ok(&run_url(&cfg, &["init", "-q", "--mock-agents"]));
    let db = connect(&cfg).await;
    // A long name in another schema, a long note (never analyzed), statistics to show.
    exec(&db, "CREATE SCHEMA reporting_archive; CREATE TABLE reporting_archive.monthly_revenue_by_region_and_channel (id int PRIMARY KEY, note text)").await;
    // A session with long words where activity shows them (the suite's other sessions add more).
    let busy = connect(&cfg).await;
    let busy_client = busy.get().await.unwrap();
    busy_client
        .batch_execute(
            "SET application_name = 'reporting_archive_nightly_revenue_rollup_job'; BEGIN; \
             SELECT count(*) AS reporting_archive_monthly_revenue_by_region_and_channel_total FROM pg_class",
        )
        .await
        .unwrap();
    let url = cfg.url_with_password();
    for args in [
        &["vacuum-report"][..],
        &["vacuum-report", "--bloat"],
        &["indexes"],
        &["health"],
        &["sizes"],
        &["activity", "--all"],
        &["activity", "--all", "--running"],
        &["roles", "show"],
        &["migrate", "status"],
    ] {
        let (code, screen) = on_terminal_of(100, &url, args);
        assert_eq!(code, Some(0), "{args:?}: {screen}");
        let widest = screen.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 100, "{args:?}: a line of {widest} characters on a 100-column terminal:\n{screen}");
        if args[0] == "vacuum-report" || args[0] == "sizes" {
            // Names too long for the terminal are broken only at their own separators, never
            // inside a word.
            for word in
                ["collaboration_", "channels", "reporting_", "archive.", "monthly_", "revenue_", "region_"]
            {
                assert!(screen.contains(word), "{args:?}: `{word}` broken or missing:\n{screen}");
            }
        }
    }
    // --wide shows every column (wider than the terminal if it must); --columns picks some.
    let (_, screen) = on_terminal_of(100, &url, &["vacuum-report", "--wide"]);
    assert!(screen.contains("reltuples") && screen.contains("autoanalyze"), "{screen}");
    assert!(screen.contains("reporting_archive.monthly_revenue_by_region_and_channel"), "{screen}");
    let (_, screen) = on_terminal_of(100, &url, &["vacuum-report", "--columns", "table,dead_pct"]);
    let header = screen.lines().find(|l| l.contains("table")).unwrap();
    assert!(header.contains("dead %") && !header.contains("size"), "{screen}");
    let o = run_url(&cfg, &["vacuum-report", "--columns", "table,nonsense"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("`nonsense`") && stderr(&o).contains("dead %"), "{}", stderr(&o));
}

#[tokio::test]
async fn piped_tables_are_plain_and_not_padded() {
    let cfg = fresh_db("pipe_width").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    for args in [&["vacuum-report"][..], &["indexes"], &["sizes"]] {
        let o = run_url(&cfg, args);
        assert_ok(&o);
        let out = stdout(&o);
        // A running autovacuum worker's line holds its own text (the table it vacuums, on any
        // database of the shared test server): as wide as that name, not padding.
        let widest =
            out.lines().filter(|l| !l.contains("autovacuum: ")).map(|l| l.chars().count()).max().unwrap_or(0);
        // It was ~280 characters for vacuum-report: every column of every table, boxed.
        assert!(widest <= 110, "{args:?}: {widest} characters wide:\n{out}");
        assert!(
            out.lines().all(|l| !l.ends_with(' ') && !l.contains('|') && !l.contains('│')),
            "{args:?}:\n{out}"
        );
    }
}

#[tokio::test]
async fn ctrl_c_at_a_confirmation_prompt_ends_at_once_and_changes_nothing() {
    use std::io::Read;
    let cfg = fresh_db("tty_sigint").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let db = connect(&cfg).await;
    let line = format!("{BIN} --url '{}' drop", cfg.url_with_password());
    let mut child = spawn_on_pty(&line);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = Vec::new();
    while !String::from_utf8_lossy(&screen).contains("to confirm") {
        match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(chunk) => screen.extend(chunk),
            Err(_) => panic!("no prompt: {}", String::from_utf8_lossy(&screen)),
        }
    }
    // Ctrl-C as the terminal sends it: the pty turns it into SIGINT for towow-db.
    stdin.write_all(b"\x03").unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "Ctrl-C at the prompt was ignored");
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    while let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_millis(200)) {
        screen.extend(chunk);
    }
    let screen = String::from_utf8_lossy(&screen);
    assert_eq!(status.code(), Some(130), "{screen}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "{screen}");
    assert!(screen.contains("interrupted"), "{screen}");
    assert!(scalar_bool(&db, "SELECT to_regclass('demands') IS NOT NULL").await, "nothing dropped");
}

/// Run towow-db on a pseudo-terminal and answer its prompts as a person would: each answer is
/// typed only once its prompt is on the screen (typed earlier, the terminal would echo it before
/// the program turns echo off). Returns (exit status, the whole screen).
fn answering(url: &str, args: &[&str], answers: &[(&str, &str)]) -> (Option<i32>, String) {
    use std::io::Read;
    use std::sync::{Arc, Mutex};
    let mut line = format!("{BIN} --url '{url}'");
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = spawn_on_pty(&line);
    let screen = Arc::new(Mutex::new(String::new()));
    let mut out = child.stdout.take().unwrap();
    let seen = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut from = 0;
    for (prompt, answer) in answers {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let s = screen.lock().unwrap().clone();
            if let Some(at) = s[from..].find(prompt) {
                from += at + prompt.len();
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no prompt `{prompt}` on the screen:\n{s}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
    let status = child.wait().unwrap();
    reader.join().unwrap();
    let s = screen.lock().unwrap().clone();
    (status.code(), s)
}

#[tokio::test]
async fn roles_create_asks_for_new_passwords_on_a_terminal_without_echo() {
    let cfg = fresh_db("tty_roles").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    let url = cfg.url_with_password();
    let args = ["roles", "create", "--app-role", "tty_app", "--migrate-role", "tty_migrate"];
    let (app_pw, migrate_pw) = ("Typed-App-Passw0rd-1", "Typed-Migrate-Passw0rd-2");
    // Two different answers: refused, nothing created.
    let (code, screen) = answering(
        &url,
        &args,
        &[("Password for new role tty_app: ", app_pw), ("Enter it again: ", "something else")],
    );
    assert_eq!(code, Some(1), "{screen}");
    assert!(screen.contains("the two passwords for role \"tty_app\" differ"), "{screen}");
    let db = connect(&cfg).await;
    let roles = "SELECT count(*) FROM pg_roles WHERE rolname IN ('tty_app', 'tty_migrate')";
    assert_eq!(scalar_i64(&db, roles).await, 0);
    // Each new role's password typed twice: created, and the typed password logs in.
    let (code, screen) = answering(
        &url,
        &args,
        &[
            ("Password for new role tty_app: ", app_pw),
            ("Enter it again: ", app_pw),
            ("Password for new role tty_migrate: ", migrate_pw),
            ("Enter it again: ", migrate_pw),
        ],
    );
    assert_eq!(code, Some(0), "{screen}");
    assert!(!screen.contains(app_pw) && !screen.contains(migrate_pw), "a password was echoed:\n{screen}");
    assert_eq!(scalar_i64(&db, roles).await, 2);
    for (user, password) in [("tty_app", app_pw), ("tty_migrate", migrate_pw)] {
        let mut as_role = cfg.clone();
        as_role.user = Some(user.into());
        as_role.password = Some(password.into());
        let r = connect(&as_role).await;
        assert_eq!(scalar_i64(&r, "SELECT count(*) FROM demands").await, 0);
    }
    exec(&db, "DROP OWNED BY tty_app, tty_migrate CASCADE; DROP ROLE tty_app, tty_migrate").await;
}

/// `roles create` asks for a new role's password on a thread of its own: Ctrl-C while it waits
/// ends the command at once (exit 130, nothing created) and gives the terminal its echo back,
/// which the abandoned prompt had turned off.
#[tokio::test]
async fn roles_create_can_be_interrupted_while_it_waits_for_a_password() {
    use std::io::Read;
    let cfg = fresh_db("tty_roles_sigint").await;
    assert_ok(&run_url(&cfg, &["init", "-q"]));
    // After towow-db, the shell prints its exit status and the terminal's settings.
    let line = format!(
        "{BIN} --url '{}' roles create --app-role tty_int_app --migrate-role tty_int_migrate; echo \"exit=$?\"; stty -a",
        cfg.url_with_password()
    );
    let mut child = spawn_on_pty(&line);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut screen = Vec::new();
    let wait_for = |what: &str, screen: &mut Vec<u8>| {
        while !String::from_utf8_lossy(screen).contains(what) {
            match rx.recv_timeout(std::time::Duration::from_secs(30)) {
                Ok(chunk) => screen.extend(chunk),
                Err(_) => panic!("no `{what}` on the screen: {}", String::from_utf8_lossy(screen)),
            }
        }
    };
    wait_for("Password for new role tty_int_app: ", &mut screen);
    stdin.write_all(b"\x03").unwrap();
    let started = std::time::Instant::now();
    wait_for("exit=", &mut screen);
    let took = started.elapsed();
    // Everything up to the end: the shell's `stty -a`.
    let _ = child.wait();
    while let Ok(chunk) = rx.recv_timeout(std::time::Duration::from_secs(2)) {
        screen.extend(chunk);
    }
    let screen = String::from_utf8_lossy(&screen);
    assert!(screen.contains("exit=130"), "{screen}");
    assert!(took < std::time::Duration::from_secs(2), "Ctrl-C took {took:?} to end the prompt: {screen}");
    assert!(screen.contains("interrupted"), "{screen}");
    let settings = &screen[screen.find("exit=130").unwrap()..];
    let words: Vec<&str> = settings.split_whitespace().collect();
    assert!(
        words.contains(&"echo") && !words.contains(&"-echo"),
        "the echo is off after the prompt: {settings}"
    );
    let db = connect(&cfg).await;
    let roles = "SELECT count(*) FROM pg_roles WHERE rolname IN ('tty_int_app', 'tty_int_migrate')";
    assert_eq!(scalar_i64(&db, roles).await, 0, "nothing created");
}
