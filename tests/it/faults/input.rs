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
    // --wait that long is "for ever": still retrying a while later (it panicked at once).
    let mut child = spawn(&mut url_cmd(&unreachable(), &["--wait", "18446744073709551615s", "health"]));
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
