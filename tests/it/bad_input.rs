//! The bad-input table of docs/ci.md, row by row: each input, its exit status and what the message
//! must say. No case may panic. (`cargo test --test it bad_input -- --nocapture` prints the
//! messages as they are shown in docs/ci.md.)

use crate::common::*;

const SECRET: &str = "Sup3r-Secret";

struct Case {
    what: &'static str,
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    code: i32,
    says: Vec<&'static str>,
}

fn case(what: &'static str, args: &[&str], code: i32, says: &[&'static str]) -> Case {
    Case {
        what,
        args: args.iter().map(|s| s.to_string()).collect(),
        env: Vec::new(),
        code,
        says: says.to_vec(),
    }
}

fn check(c: &Case) {
    let o = cmd().envs(c.env.iter().map(|(k, v)| (*k, v.as_str()))).args(&c.args).output().unwrap();
    let e = stderr(&o);
    eprintln!("| {} | {} | `{}` |", c.what, o.status.code().unwrap_or(-1), e.trim().replace('\n', " ⏎ "));
    assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "{}: panic: {e}", c.what);
    assert_eq!(o.status.code(), Some(c.code), "{}: {e}", c.what);
    let all = format!("{}{e}", stdout(&o));
    assert!(!all.contains(SECRET), "{}: password shown: {all}", c.what);
    for s in &c.says {
        assert!(all.contains(s), "{}: `{s}` missing from: {all}", c.what);
    }
}

#[tokio::test]
async fn every_bad_input_gets_its_message_and_exit_status() {
    let port = free_port();
    let down = format!("postgresql://towow:{SECRET}@127.0.0.1:{port}/towow");
    let cfg = fresh_db("badinput").await;
    let url = cfg.url_with_password();
    let mut wrong_pw = cfg.clone();
    wrong_pw.password = Some(SECRET.into());
    let mut no_role = wrong_pw.clone();
    no_role.user = Some("no_such_role".into());
    let mut no_db = cfg.clone();
    no_db.dbname = Some("no_such_db".into());
    let mut tls = cfg.clone();
    tls.sslmode = towow_db::connect::SslMode::Require;
    let (wrong_pw, no_role, no_db, tls) = (
        wrong_pw.url_with_password(),
        no_role.url_with_password(),
        no_db.url_with_password(),
        tls.url_with_password(),
    );

    let mut cases = vec![
        case(
            "malformed URL",
            &["--url", &format!("postgresql://towow:{SECRET}@[::1/towow"), "migrate", "status"],
            1,
            &["invalid connection string", "towow:***@", "IPv6"],
        ),
        case(
            "unknown URL parameter",
            &["--url", &format!("postgresql://towow:{SECRET}@db/towow?sslmod=require"), "migrate", "status"],
            1,
            &["unknown connection parameter `sslmod`"],
        ),
        case(
            "unknown sslmode",
            &[
                "--url",
                &format!("postgresql://towow:{SECRET}@db/towow?sslmode=sometimes"),
                "migrate",
                "status",
            ],
            1,
            &["unknown sslmode `sometimes`", "verify-full"],
        ),
        case(
            "port 0",
            &["--url", &format!("postgresql://towow:{SECRET}@db:0/towow"), "migrate", "status"],
            1,
            &["port 0 is out of range (1-65535)"],
        ),
        case(
            "port 99999",
            &["--url", &format!("postgresql://towow:{SECRET}@db:99999/towow"), "migrate", "status"],
            1,
            &["port 99999 is out of range (1-65535)"],
        ),
        case(
            "unreachable host, no --wait",
            &["--url", &down, "migrate", "status"],
            1,
            &["cannot connect to host 127.0.0.1", "Connection refused", "use --wait 30s"],
        ),
        case(
            "unreachable host, --wait 2s",
            &["--url", &down, "--wait", "2s", "migrate", "status"],
            1,
            &["gave up after waiting 2s", "Connection refused"],
        ),
        case("unknown --format", &["--format", "xml", "migrate", "status"], 2, &["invalid value 'xml'"]),
        case("bad duration", &["--wait", "soon", "migrate", "status"], 2, &["invalid value 'soon'"]),
        case(
            "wrong password",
            &["--url", &wrong_pw, "migrate", "status"],
            1,
            &["28P01", "check the user name and the password"],
        ),
        case("unknown role", &["--url", &no_role, "migrate", "status"], 1, &["no_such_role", "28P01"]),
        case(
            "missing database",
            &["--url", &no_db, "migrate", "status"],
            1,
            &["no_such_db", "3D000", "towow-db init"],
        ),
        case(
            "TLS refused (sslmode=require, server without TLS)",
            &["--url", &tls, "migrate", "status"],
            1,
            &["server does not support TLS", "sslmode=prefer"],
        ),
        case(
            "drop, no terminal, no --yes",
            &["--url", &url, "drop"],
            1,
            &["refusing to drop", "no terminal", "pass --yes"],
        ),
    ];
    let mut env_case =
        case("unknown PGSSLMODE", &["migrate", "status"], 1, &["PGSSLMODE", "unknown sslmode `maybe`"]);
    env_case.env = vec![("PGHOST", "127.0.0.1".into()), ("PGSSLMODE", "maybe".into())];
    cases.push(env_case);
    // It panicked (capacity overflow): the variable went around the flag's parser.
    let mut env_case = case(
        "DB_POOL_SIZE out of range",
        &["--url", &url, "migrate", "status"],
        2,
        &["DB_POOL_SIZE: `18446744073709551615` is not a pool size (1 to 1000 connections)"],
    );
    env_case.env = vec![("DB_POOL_SIZE", "18446744073709551615".into())];
    cases.push(env_case);
    // drop needs something to drop: the schema first.
    assert_ok(&run_url(&cfg, &["init"]));
    for c in &cases {
        check(c);
    }

    // A ToWow column dropped by hand: verify fails (exit 1), naming it.
    let db = connect(&cfg).await;
    exec(&db, "ALTER TABLE demands DROP COLUMN budget").await;
    check(&case(
        "column dropped by hand: migrate verify",
        &["--url", &url, "migrate", "verify"],
        1,
        &["column demands.budget", "missing", "DRIFT: 1 difference(s)"],
    ));
    // The schema is still there: drop refused above and touched nothing else.
    assert!(scalar_bool(&db, "SELECT to_regclass('agent_profiles') IS NOT NULL").await);
}
