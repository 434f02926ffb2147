//! Property tests over connection-string and argument parsing (bounded: they run in `cargo
//! test`): whatever the input, no panic, and no output contains the password it was given.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use towow_db::connect::{ConnConfig, Source};

use super::*;

/// A password that cannot appear in any output by chance, with the characters that confuse URL
/// and key=value parsers.
fn password() -> impl Strategy<Value = String> {
    "[A-Za-z0-9 /?@:#&=+%',\\\\\\[\\]{}!$*;~^|-]{3,14}".prop_map(|s| format!("Zx{s}Q9"))
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Connection strings holding `pw` somewhere a user might put it, whole or damaged.
fn conn_string() -> impl Strategy<Value = (String, String)> {
    let host = prop_oneof![Just("db"), Just("127.0.0.1"), Just("[::1]"), Just(""), Just("a,b"), Just("/tmp")];
    let port = prop_oneof![Just(""), Just(":5432"), Just(":0"), Just(":99999"), Just(":x"), Just(":")];
    let params = prop_oneof![
        Just(""),
        Just("?sslmode=require"),
        Just("?sslmode=maybe"),
        Just("?connect_timeout=-3&keepalives=0"),
        Just("?keepalives_idle=x"),
        Just("?bogus=1"),
        Just("?application_name"),
    ];
    let form = 0..6u8;
    (password(), host, port, params, form, any::<prop::sample::Index>(), any::<char>()).prop_map(
        |(pw, host, port, params, form, at, c)| {
            let s = match form {
                0 => format!("postgresql://towow:{pw}@{host}{port}/towow{params}"),
                1 => format!("postgresql://towow:{}@{host}{port}/towow{params}", encode(&pw)),
                2 => format!("postgresql+asyncpg://towow:{pw}"),
                3 => format!(
                    "host={host} password='{}' port{port}",
                    pw.replace('\\', "\\\\").replace('\'', "\\'")
                ),
                4 => format!("host= password={pw} dbname=towow"),
                // A damaged URL: one character inserted somewhere.
                _ => {
                    let mut s: Vec<char> =
                        format!("postgres://u:{pw}@{host}{port}/d{params}").chars().collect();
                    s.insert(at.index(s.len() + 1), c);
                    s.into_iter().collect()
                }
            };
            (s, pw)
        },
    )
}

#[test]
fn parsing_connection_strings_never_panics_nor_shows_the_password() {
    let mut runner = TestRunner::new(Config { cases: 3000, failure_persistence: None, ..Config::default() });
    runner
        .run(&conn_string(), |(s, pw)| {
            let shown = match ConnConfig::parse(&s, Source::Flag) {
                Ok(c) => format!("{c} {c:?} {} {}", c.describe(), c.redacted_url()),
                Err(e) => format!("{e:#} {e:?}"),
            };
            prop_assert!(!shown.contains(&pw), "{s:?} showed the password: {shown}");
            // A whole connection string, and (in free text, where a URL ends at white space)
            // any URL.
            let redacted = towow_db::redact::redact_conn_string(&s);
            prop_assert!(
                !redacted.contains(&pw) || !s.contains("://"),
                "redact_conn_string({s:?}) = {redacted}"
            );
            if s.contains("://") && !s.contains(char::is_whitespace) {
                let redacted = towow_db::redact::redact_url(&s);
                prop_assert!(!redacted.contains(&pw), "redact_url({s:?}) = {redacted}");
            }
            Ok(())
        })
        .unwrap();
}

/// A global flag or a command with its flags, with odd values.
fn argv() -> impl Strategy<Value = Vec<String>> {
    let value = prop_oneof![
        Just(""),
        Just("0"),
        Just("-1"),
        Just("1"),
        Just("2M "),
        Just("+5"),
        Just("1e99"),
        Just("18446744073709551615"),
        Just("18446744073709551615s"),
        Just("1.5k"),
        Just("30s"),
        Just("ÿ"),
        Just("json"),
        Just("x=y"),
        Just("/dev/null"),
        Just("/dev/zero"),
        Just("infinity"),
        Just("262143-12-31"),
    ]
    .prop_map(str::to_string);
    let global = prop_oneof![
        Just(vec!["-v"]),
        Just(vec!["-vv"]),
        Just(vec!["-q"]),
        Just(vec!["--format"]),
        Just(vec!["--statement-timeout"]),
        Just(vec!["--lock-timeout"]),
        Just(vec!["--pool-size"]),
        Just(vec!["--pool-timeout"]),
        Just(vec!["--wait"]),
        Just(vec!["--history-url"]),
    ]
    .prop_map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
    let command = prop_oneof![
        Just(vec!["health"]),
        Just(vec!["sizes", "--limit"]),
        Just(vec!["activity", "--longer-than"]),
        Just(vec!["migrate", "status"]),
        Just(vec!["migrate", "--lock-wait"]),
        Just(vec!["mock-agents", "--count"]),
        Just(vec!["seed", "--demands"]),
        Just(vec!["seed", "--file"]),
        Just(vec!["init", "--mock-agents-count"]),
        Just(vec!["drop"]),
        Just(vec!["vacuum-report", "--check", "--threshold"]),
        Just(vec!["roles", "create", "--app-role"]),
        // Issues 22–24: history, windows, exports, the page, bounded files, far cut-offs.
        Just(vec!["snapshot", "--keep"]),
        Just(vec!["health", "--window"]),
        Just(vec!["health", "--format", "openmetrics", "--expect-standbys"]),
        Just(vec!["slow-query", "--since"]),
        Just(vec!["sizes", "--growth", "--since"]),
        Just(vec!["report", "--html"]),
        Just(vec!["retention", "--table", "t", "--column", "c", "--yes", "--before"]),
        Just(vec!["retention", "--config"]),
        Just(vec!["backup", "create", "--dir"]),
    ]
    .prop_map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>());
    (prop::collection::vec((global, value.clone()), 0..3), command, value).prop_map(
        |(globals, mut command, v)| {
            let mut out = Vec::new();
            for (mut g, gv) in globals {
                if g[0].starts_with("--") {
                    g.push(gv);
                }
                out.extend(g);
            }
            if command.last().is_some_and(|l| l.starts_with("--")) {
                command.push(v);
            }
            out.extend(command);
            out
        },
    )
}

#[test]
fn any_invocation_exits_cleanly_without_the_password() {
    // A closed port: every connection is refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // The commands run in a folder of their own: what they write where they run (`report --html
    // 30s` writes a page named `30s`) is deleted with it, not left in the system's /tmp.
    let scratch = std::env::temp_dir().join(format!("towow-props-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut runner = TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
    let result = runner.run(&(argv(), password(), 0..3u8), |(args, pw, how)| {
        let url = format!("postgresql://towow:{}@127.0.0.1:{port}/towow", encode(&pw));
        let mut c = cmd();
        c.current_dir(&scratch);
        c.env("TOWOW_APP_PASSWORD", &pw).env("TOWOW_MIGRATE_PASSWORD", &pw);
        match how {
            0 => c.arg("--url").arg(&url),
            1 => c.env("DATABASE_URL", &url),
            _ => c.env("PGHOST", "127.0.0.1").env("PGPORT", port.to_string()).env("PGPASSWORD", &pw),
        };
        let limit = Duration::from_secs(20);
        let t = run_limited(c.args(&args), limit);
        // `--wait D` against a closed port waits D, as asked: still waiting at the limit
        // (having said so, unless -q) is its answer when D is longer.
        let waits_longer = args
            .windows(2)
            .any(|w| w[0] == "--wait" && towow_db::units::parse_duration(&w[1]).is_ok_and(|d| d >= limit));
        if waits_longer && t.code().is_none() {
            let quiet = args.iter().any(|a| a == "-q");
            prop_assert!(quiet || t.all().contains("waiting up to"), "{args:?}: {t:?}");
        } else {
            prop_assert!(matches!(t.code(), Some(0..=3)), "{args:?}: {t:?}");
        }
        prop_assert!(!t.all().contains("panicked"), "{args:?}: {t:?}");
        prop_assert!(
            !t.all().contains(&pw) && !t.all().contains(&encode(&pw)),
            "{args:?} printed the password: {t:?}"
        );
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&scratch);
    result.unwrap();
}
