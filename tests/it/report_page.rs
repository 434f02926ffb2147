//! `report --html` (issue 23) in a real browser: headless Chromium (Debian's `chromium`,
//! installed by `.ci/test`) opens the page; the test asserts no console error, no network
//! request (Chromium's own network log: requests of the page itself, not Chromium's background
//! services), the charts' points against the history, the status against `health --check`,
//! database strings shown as text, and keeps a screenshot (its path is printed).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use towow_db::connect::ConnConfig;

use crate::common::*;

fn chromium() -> PathBuf {
    for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(p).is_file() {
            return p.into();
        }
    }
    missing_prerequisite("Chromium (Debian's chromium package) is not installed")
}

/// What Chromium made of `page`: the DOM after it ran, its console errors, the network requests
/// the page made, and a screenshot.
struct Opened {
    dom: String,
    console_errors: Vec<String>,
    page_requests: Vec<String>,
    screenshot: PathBuf,
}

fn open(page: &Path, tag: &str) -> Opened {
    let dir = temp_dir(&format!("chromium-{tag}"));
    let net = dir.join("net.json");
    let base = |profile: &str| {
        let mut c = Command::new(chromium());
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", dir.join(profile).display()));
        c
    };
    let o = base("dom")
        .arg(format!("--log-net-log={}", net.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "chromium: {}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    let console_errors: Vec<String> = err
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Refused to") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect();
    // The page's own requests carry its (file://) network isolation key; Chromium's services
    // (updates, accounts) do not.
    let log: Value =
        serde_json::from_slice(&std::fs::read(&net).expect("the network log")).expect("net log JSON");
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_i64().unwrap();
    let page_requests: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_i64() == Some(start))
        .filter(|e| e["params"]["network_isolation_key"].as_str().is_some_and(|k| k.contains("file://")))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .filter(|u| !u.starts_with("file:"))
        .collect();
    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join(format!("report-{tag}.png"));
    let o = base("shot")
        .args(["--window-size=1280,3000", &format!("--screenshot={}", screenshot.display())])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(o.status.success() && screenshot.is_file(), "{}", String::from_utf8_lossy(&o.stderr));
    eprintln!("report page screenshot (CI artifact): {}", screenshot.display());
    Opened { dom, console_errors, page_requests, screenshot }
}

/// The number of points of each polyline of the chart `id`, from the rendered DOM.
fn chart_points(dom: &str, id: &str) -> Vec<usize> {
    let Some(start) = dom.find(&format!("data-chart=\"{id}\"")) else { return Vec::new() };
    let end = dom[start..].find("</svg>").map(|e| start + e).unwrap_or(dom.len());
    dom[start..end]
        .split("data-points=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// Shift `cfg`'s history so that its snapshots lie a day apart, ending now: a week of history
/// from snapshots taken a moment apart (rows of statements and tables move with theirs).
async fn spread_over_days(cfg: &ConnConfig) {
    exec(
        &connect(cfg).await,
        "CREATE TEMP TABLE moved AS
           SELECT taken_at AS old, now() - (count(*) OVER () - row_number() OVER (ORDER BY taken_at)) * interval '1 day' AS new
           FROM towow_history.snapshots;
         UPDATE towow_history.snapshots s SET taken_at = m.new FROM moved m WHERE s.taken_at = m.old;
         UPDATE towow_history.statements s SET taken_at = m.new FROM moved m WHERE s.taken_at = m.old;
         UPDATE towow_history.tables s SET taken_at = m.new FROM moved m WHERE s.taken_at = m.old;",
    )
    .await;
}

#[tokio::test]
async fn a_week_of_history_opens_without_errors_or_requests_and_matches_the_reports() {
    let cfg = fresh_db("page_week").await;
    assert_ok(&run_url(&cfg, &["init", "--mock-agents", "-q"]));
    let db = connect(&cfg).await;
    exec(&db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements").await;
    // Names and statement texts that hold HTML.
    exec(&db, "CREATE TABLE \"<script>alert(1)</script>\" (id int); INSERT INTO \"<script>alert(1)</script>\" SELECT generate_series(1, 1000)").await;
    let snapshots = 8;
    for i in 0..snapshots {
        assert_ok(&run_url(&cfg, &["seed", "--demands", "200", "--seed", &(i + 1).to_string(), "-q"]));
        exec(&db, &format!("SELECT pg_sleep(0.2) AS \"<img src=x onerror=alert({i})>\"")).await;
        assert_ok(&run_url(&cfg, &["snapshot", "-q"]));
    }
    spread_over_days(&cfg).await;
    let dir = temp_dir("page_week");
    let page = dir.join("week.html");
    let quiet = ["--threshold", "cpu_busy_pct=none:none"];
    let mut args = vec!["report", "--html", page.to_str().unwrap(), "--since", "8d"];
    args.extend_from_slice(&quiet);
    let o = run_url(&cfg, &args);
    assert_ok(&o);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
    let opened = open(&page, "week");
    assert_eq!(opened.console_errors, Vec::<String>::new());
    assert_eq!(opened.page_requests, Vec::<String>::new());
    // The gauges have a point per snapshot; the largest tables each too.
    assert!(opened.dom.contains("data-chart=\"db-size\""), "the rendered DOM has the charts");
    for id in ["db-size", "xid-age", "connections"] {
        assert_eq!(chart_points(&opened.dom, id), vec![snapshots], "{id}");
    }
    let tables = chart_points(&opened.dom, "table-size");
    assert!(!tables.is_empty() && tables.iter().all(|n| *n == snapshots), "{tables:?}");
    // Rates: a point per interval at most.
    assert!(chart_points(&opened.dom, "stmt-calls").iter().all(|n| *n < snapshots));
    // The status shown is health --check's (same thresholds).
    let mut h = vec!["health", "--check", "--format", "json"];
    h.extend_from_slice(&quiet);
    let o = run_url(&cfg, &h);
    let status: Value = serde_json::from_slice(&o.stdout).unwrap();
    let status = status["status"].as_str().unwrap().to_string();
    let first_badge = html.split("<span class=\"st st-").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(first_badge, status, "the page's status against health --check");
    // The history's span is said; the heaviest statements are the interval's.
    assert!(html.contains(&format!("{snapshots} snapshots from")), "coverage");
    assert!(html.contains("Heaviest statements") && html.contains("Largest tables"));
    // Database strings are text: no element but ours, the names readable.
    assert!(!html.contains("<script") && !html.contains("<img"), "an injected element");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the table's name shown as text");
    assert!(html.contains("&lt;img src=x onerror=alert("), "the statement's text shown as text");
    assert!(opened.screenshot.is_file());
}

#[tokio::test]
async fn without_history_the_page_says_how_to_start_and_a_fleet_is_worst_first() {
    let (a, b) = (fresh_db("page_a").await, fresh_db("page_b").await);
    // b has a deadlock-free WARNING: an invalid index.
    let bdb = connect(&b).await;
    exec(&bdb, "CREATE TABLE u (v int); INSERT INTO u VALUES (1), (1)").await;
    assert!(
        bdb.get()
            .await
            .unwrap()
            .batch_execute("CREATE UNIQUE INDEX CONCURRENTLY u_v ON u (v)")
            .await
            .is_err()
    );
    let dir = temp_dir("page_fleet");
    let page = dir.join("fleet.html");
    let o = cmd()
        .args(["--url", &a.url_with_password(), "--url", &b.url_with_password()])
        .args([
            "report",
            "--html",
            page.to_str().unwrap(),
            "--threshold",
            "cpu_busy_pct=none:none",
            "--threshold",
            "disk_used_pct=none:none",
        ])
        .output()
        .unwrap();
    assert_ok(&o);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Start recording with `towow-db snapshot`"), "no history said");
    // The overview lists b (WARNING) before a (OK).
    let overview = html.split("id=\"overview\"").nth(1).unwrap().split("</table>").next().unwrap();
    let (pa, pb) =
        (overview.find(&a.dbname_or_default()).unwrap(), overview.find(&b.dbname_or_default()).unwrap());
    assert!(pb < pa, "worst first: {overview}");
    assert!(overview.contains("st-warning") && overview.contains("st-ok"), "{overview}");
    let opened = open(&page, "fleet");
    assert_eq!((opened.console_errors.len(), opened.page_requests.len()), (0, 0));
    // To standard output with `-`; a device is written to, never replaced by a file.
    let o = run_url(&a, &["report", "--html", "-"]);
    assert_ok(&o);
    assert!(stdout(&o).starts_with("<!DOCTYPE html>"));
    assert_ok(&run_url(&a, &["report", "--html", "/dev/null"]));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}
