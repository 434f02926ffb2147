//! Hostile input: environment variables that are not UTF-8, connection strings that hide a
//! password where a parser does not expect one, absurd durations, endless seed files, counts.

use std::os::unix::ffi::OsStrExt;
use std::time::Duration;

use super::*;

fn unreachable() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow")
}

fn not_utf8(s: &str) -> std::ffi::OsString {
    let mut b = s.as_bytes().to_vec();
    b.push(0xff);
    std::ffi::OsStr::from_bytes(&b).to_os_string()
}

#[test]
fn an_environment_that_is_not_utf8_never_panics_nor_shows_a_password() {
    // An unrelated variable: ignored, the command runs as usual.
    let mut c = url_cmd(&unreachable(), &["health"]);
    c.env("FOO", not_utf8("x"));
    let t = run_limited(&mut c, Duration::from_secs(30));
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.stderr().contains("refused"), "{t:?}");
    // A variable towow-db reads: named, its value never shown.
    for var in ["DATABASE_URL", "PGPASSWORD", "PGHOST", "POSTGRES_PASSWORD"] {
        let mut c = cmd();
        c.arg("health").env(var, not_utf8(&format!("postgresql://towow:{SECRET}@127.0.0.1:1/towow")));
        let t = run_limited(&mut c, Duration::from_secs(30));
        assert_eq!(t.code(), Some(1), "{var}: {t:?}");
        assert!(t.stderr().contains(var) && t.stderr().contains("UTF-8"), "{var}: {t:?}");
        assert_no_secret(&t, SECRET);
        assert!(!t.all().contains("panicked"), "{t:?}");
    }
}

#[test]
fn connection_strings_never_echo_a_password() {
    for url in [
        // No `@host`: the password would be read as a port.
        format!("postgresql://towow:{SECRET}"),
        format!("postgresql://towow:{SECRET}/towow"),
        // A space inside the password.
        format!("postgresql://towow:ab {SECRET}@localhost:99999/towow"),
    ] {
        let t = run_limited(&mut url_cmd(&url, &["health"]), Duration::from_secs(30));
        assert_eq!(t.code(), Some(1), "{url}: {t:?}");
        assert_no_secret(&t, SECRET);
    }
    // key=value with an empty value: libpq would read the next pair as the host name.
    for args in [
        vec!["-v", "--url", "host= password=Fault-S3cret-pw", "health"],
        vec!["-vv", "--url", "host= password=Fault-S3cret-pw dbname=x", "health"],
    ] {
        let t = run_limited(cmd().args(&args), Duration::from_secs(30));
        assert_eq!(t.code(), Some(1), "{args:?}: {t:?}");
        assert_no_secret(&t, SECRET);
    }
}

#[test]
fn absurd_durations_are_not_a_panic() {
    // Past what a length of time can hold: a usage error that says so (it panicked at once).
    let t = run_limited(
        &mut url_cmd(&unreachable(), &["--wait", "18446744073709551615s", "health"]),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(2), "{t:?}");
    assert!(t.all().contains("far too long") && !t.all().contains("panicked"), "{t:?}");
    // The longest it holds is "for ever": still retrying a while later.
    let mut child = spawn(&mut url_cmd(&unreachable(), &["--wait", "100000000d", "health"]));
    std::thread::sleep(Duration::from_millis(1500));
    let status = child.try_wait().unwrap();
    let _ = child.kill();
    let t = wait_limited(child, std::time::Instant::now(), Duration::from_secs(10));
    assert_eq!(status, None, "it should still be waiting: {t:?}");
    assert!(!t.all().contains("panicked"), "{t:?}");
    for args in [
        &["--pool-timeout", "18446744073709551615s", "health"][..],
        &["--statement-timeout", "18446744073709551615s", "health"],
        &["--lock-timeout", "18446744073709551615s", "health"],
        &["migrate", "--lock-wait", "18446744073709551615s"],
    ] {
        let t = run_limited(&mut url_cmd(&unreachable(), args), Duration::from_secs(30));
        assert!(matches!(t.code(), Some(1) | Some(2)), "{args:?}: {t:?}");
        assert!(!t.all().contains("panicked"), "{args:?}: {t:?}");
    }
}

#[tokio::test]
async fn the_longest_timeouts_reach_a_real_server_and_longer_ones_are_refused() {
    let (cfg, _db) = initialised("hugetimeout").await;
    // The longest PostgreSQL accepts works; longer is a usage error before connecting (it came
    // back from the server as "cannot connect … 22023").
    let t = run_limited(
        &mut url_cmd(
            &cfg.url_with_password(),
            &["--statement-timeout", "24d", "--lock-timeout", "2147483647ms", "sizes"],
        ),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(0), "{t:?}");
    let t = run_limited(
        &mut url_cmd(
            &cfg.url_with_password(),
            &["--statement-timeout", "18446744073709551615s", "--lock-timeout", "100000d", "sizes"],
        ),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(2), "{t:?}");
}

#[tokio::test]
async fn endless_or_binary_seed_files_fail_fast_with_the_line() {
    let (cfg, db) = initialised("endless").await;
    // (A first random line may happen to be a short valid UTF-8 string: then it is not JSON.)
    for (file, says) in [("/dev/zero", &["line is longer"][..]), ("/dev/urandom", &["UTF-8", "invalid JSON"])]
    {
        let t = run_limited(
            &mut url_cmd(&cfg.url_with_password(), &["seed", "--file", file]),
            Duration::from_secs(20),
        );
        assert_eq!(t.code(), Some(1), "{file}: {t:?}");
        assert!(t.took < Duration::from_secs(5), "{file}: {t:?}");
        assert!(
            t.stderr().contains(&format!("{file}:")) && says.iter().any(|s| t.stderr().contains(s)),
            "{file}: {t:?}"
        );
    }
    // A line over the limit, after good ones: its number.
    let dir = temp_dir("longline");
    let path = dir.join("long.jsonl");
    let line = format!("{{\"table\": \"demands\", \"description\": \"{}\"}}\n", "x".repeat(2 << 20));
    std::fs::write(&path, format!("# a comment\n\n{line}")).unwrap();
    let t = run_limited(
        &mut url_cmd(&cfg.url_with_password(), &["seed", "--file", path.to_str().unwrap()]),
        Duration::from_secs(20),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    assert!(t.stderr().contains(":3:") && t.stderr().contains("longer than"), "{t:?}");
    assert_eq!(towow_rows(&db).await, 0);
}

#[test]
fn counts_are_plain_numbers_with_an_optional_suffix() {
    for bad in ["2M ", " 2M", "+5", "2 M", "1e", "0x10", "5.", "١٢"] {
        let t = run_limited(
            &mut url_cmd(&unreachable(), &["mock-agents", "--count", bad]),
            Duration::from_secs(30),
        );
        assert_eq!(t.code(), Some(2), "`{bad}` was accepted: {t:?}");
    }
}

/// `c` with at most 1 GiB of address space: a read that is not bounded fails (abort, exit 134)
/// instead of slowly taking the machine.
fn capped(mut c: std::process::Command) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        c.pre_exec(|| {
            let lim = libc::rlimit { rlim_cur: 1 << 30, rlim_max: 1 << 30 };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c
}

/// Every file a flag or a variable names is read with a bound (src/files.rs): `/dev/zero` and
/// `/dev/urandom` fail fast and name the file, whatever the file is for. (`retention --config
/// /dev/zero` took 3.5 GB in 9 s, `/dev/urandom` 22 GB.)
#[tokio::test]
async fn endless_or_binary_files_for_every_file_input_fail_fast() {
    let (cfg, _db) = initialised("endlessflags").await;
    let url = cfg.url_with_password();
    let mut nopw = cfg.clone();
    nopw.password = None;
    for file in ["/dev/zero", "/dev/urandom"] {
        let dotenv_dir = temp_dir("endless-dotenv");
        std::os::unix::fs::symlink(file, dotenv_dir.join(".env")).unwrap();
        let mut cases: Vec<(&str, std::process::Command)> = Vec::new();
        cases.push(("retention --config", url_cmd(&url, &["retention", "--config", file, "--dry-run"])));
        let mut c = cmd();
        c.env("TOWOW_TARGETS_FILE", file).args(["--targets", "x", "health"]);
        cases.push(("TOWOW_TARGETS_FILE", c));
        let mut c = url_cmd(&nopw.url_with_password(), &["health"]);
        c.env("PGPASSFILE", file);
        cases.push(("PGPASSFILE", c));
        let mut tls = cfg.clone();
        tls.sslmode = towow_db::connect::SslMode::VerifyFull;
        tls.sslrootcert = Some(file.into());
        cases.push(("sslrootcert", url_cmd(&tls.url_with_password(), &["health"])));
        let mut c = cmd();
        c.current_dir(&dotenv_dir).args(["health"]);
        cases.push((".env", c));
        for (what, c) in cases {
            let t = run_limited(&mut capped(c), Duration::from_secs(20));
            assert!(matches!(t.code(), Some(1 | 2)), "{what} {file}: {t:?}");
            assert!(t.took < Duration::from_secs(5), "{what} {file}: {t:?}");
            assert_no_panic(&t.out);
            assert!(!t.all().contains(SECRET) && !t.all().contains(&cfg.password.clone().unwrap()));
            // The file is named (the password file's trouble is a warning, then the missing
            // password fails the connection).
            let named = if what == ".env" { ".env".to_string() } else { file.to_string() };
            if what != "PGPASSFILE" {
                assert!(t.stderr().contains(&named), "{what} {file}: {t:?}");
            }
        }
    }
}

/// `retention --before infinity` (and far dates) was a panic (exit 101) in dry runs and real
/// runs: now a usage error naming the cut-off, before anything is read or deleted.
#[tokio::test]
async fn infinite_and_far_cut_offs_are_refused() {
    let (cfg, db) = initialised("infcutoff").await;
    exec(&db, "CREATE TABLE ev (id int PRIMARY KEY, at timestamptz NOT NULL); INSERT INTO ev SELECT g, now() - g * interval '1 day' FROM generate_series(1, 100) g").await;
    for before in ["infinity", "Infinity", "-infinity", "262143-12-31", "294276-12-31"] {
        for extra in [&["--dry-run"][..], &["--yes"]] {
            let flag = format!("--before={before}");
            let mut args = vec!["retention", "--table", "ev", "--column", "at", &flag];
            args.extend_from_slice(extra);
            let t = run_limited(&mut url_cmd(&cfg.url_with_password(), &args), Duration::from_secs(20));
            assert_no_panic(&t.out);
            assert_eq!(t.code(), Some(2), "{before} {extra:?}: {t:?}");
            assert!(
                t.stderr().contains("--before") && t.stderr().contains(before.trim_start_matches('-')),
                "{t:?}"
            );
        }
    }
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM ev").await, 100);
    // A finite time still works.
    let t = run_limited(
        &mut url_cmd(
            &cfg.url_with_password(),
            &["retention", "--table", "ev", "--column", "at", "--older-than", "50d", "--yes", "-q"],
        ),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(0), "{t:?}");
    // Rows 50 days old and older go (inserted a moment before the cut-off was read).
    assert_eq!(scalar_i64(&db, "SELECT count(*) FROM ev").await, 49);
}

/// `--wait 3s` against a dead port gave up after 1.53 s (the last backoff step that would pass
/// the deadline was skipped): it now tries until the deadline itself.
#[test]
fn wait_is_honoured_to_its_end() {
    for (wait, at_least) in [("3s", 3.0), ("1s", 1.0)] {
        let t = run_limited(
            &mut url_cmd(&unreachable(), &["--wait", wait, "migrate", "status"]),
            Duration::from_secs(20),
        );
        assert_eq!(t.code(), Some(1), "{t:?}");
        let took = t.took.as_secs_f64();
        assert!(took >= at_least && took < at_least + 2.5, "--wait {wait}: gave up after {took:.2}s: {t:?}");
        assert!(t.stderr().contains(&format!("gave up after waiting {}s", at_least as u64)), "{t:?}");
    }
}
