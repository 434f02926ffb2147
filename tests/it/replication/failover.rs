//! Failover through a multi-host URL: the primary stops, the standby is promoted, and `migrate
//! --wait` (asking for `read-write`) applies on the new primary.

use std::time::{Duration, Instant};

use towow_db::connect::TargetSessionAttrs;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_waits_through_a_failover() {
    let (primary, pcfg) = super::primary("repl-failover", &[]).await;
    let (standby, scfg) = basebackup_replica(&primary, &pcfg, "failover", &[]);
    let s = connect(&scfg).await;
    caught_up(&connect(&pcfg).await, &s).await;
    // Both nodes, the standby first: read-write passes it over and finds the primary.
    let mut both = pcfg.clone();
    both.hosts = vec!["127.0.0.1".into(), "127.0.0.1".into()];
    both.ports = vec![scfg.port(), pcfg.port()];
    both.target_session_attrs = Some(TargetSessionAttrs::ReadWrite);
    let url = both.url_with_password();
    assert!(url.contains("target_session_attrs=read-write"), "{}", both.redacted_url());
    let o = run(&["--url", &url, "-v", "migrate", "status"]);
    assert_ok(&o);
    assert!(
        stderr(&o).contains(&format!("connected to 127.0.0.1:{} of hosts", pcfg.port())),
        "{}",
        stderr(&o)
    );
    // prefer-standby goes the other way.
    let prefer = url.replace("read-write", "prefer-standby");
    let o = run(&["--url", &prefer, "-v", "sizes"]);
    assert_ok(&o);
    assert!(
        stderr(&o).contains(&format!("connected to 127.0.0.1:{} of hosts", scfg.port())),
        "{}",
        stderr(&o)
    );

    primary.stop().unwrap();
    // Without --wait: refused at once, each host and what it is named.
    let started = Instant::now();
    let o = run(&["--url", &url, "migrate"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    assert!(e.contains("`migrate` writes, so it runs on the primary only"), "{e}");
    assert!(e.contains(&format!("127.0.0.1:{} is a standby (in recovery)", scfg.port())), "{e}");
    assert!(e.contains(&format!("127.0.0.1:{}: ", pcfg.port())) && e.contains("refused"), "{e}");
    assert!(!e.contains(pcfg.password.as_deref().unwrap()), "{e}");

    // With --wait: it waits through the failover window, then applies on the new primary.
    let child = cmd()
        .args(["--url", &url, "migrate", "--wait", "30s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(scalar_bool(&s, "SELECT pg_is_in_recovery()").await, "promoted too early");
    pg_ctl(&standby, &["promote", "-w"]);
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains("applied V1__initial_tables"), "{}", stderr(&o));
    assert!(!scalar_bool(&s, "SELECT pg_is_in_recovery()").await);
    let applied = scalar_i64(&s, "SELECT count(*) FROM refinery_schema_history").await;
    assert!(applied >= 2, "{applied}");
}
