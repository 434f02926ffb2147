//! Backups of any database: the manifest counts every table exactly whatever the schema (the
//! ToWow tables are not special), so a drill of another team's database that loses a row fails
//! naming the table, and `restore` compares every table.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use towow_db::connect::ConnConfig;

use crate::backup::{list, out, sha256sum, tool};
use crate::common::*;
use crate::seed_schemas::*;

fn json(o: &std::process::Output) -> Value {
    assert_ok(o);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

pub fn create(cfg: &ConnConfig, dir: &Path, extra: &[&str]) -> Value {
    let mut c = tool(cfg, None, &["backup", "create", "--format", "json", "--dir"]);
    c.arg(dir).args(extra);
    json(&out(c))
}

pub fn verify(cfg: &ConnConfig, dir: &Path, name: &str) -> std::process::Output {
    let mut c =
        tool(cfg, None, &["backup", "verify", name, "--into", &server().base.url_with_password(), "--dir"]);
    c.arg(dir);
    out(c)
}

pub fn restore(
    cfg: &ConnConfig,
    dir: &Path,
    name: &str,
    into: &ConnConfig,
    extra: &[&str],
) -> std::process::Output {
    let mut c = tool(cfg, None, &["backup", "restore", name, "--into", &into.url_with_password(), "--dir"]);
    c.arg(dir).args(extra);
    out(c)
}

/// gzip's own word on a file: decompressed, or compressed from `data`.
fn gunzip(p: &Path) -> Vec<u8> {
    let o = Command::new("gzip").arg("-dc").arg(p).output().expect("gzip");
    assert!(o.status.success(), "gzip -dc {}", p.display());
    o.stdout
}

fn gzip_into(p: &Path, data: &[u8]) {
    use std::io::Write;
    let mut child =
        Command::new("gzip").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("gzip");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    std::fs::write(p, o.stdout).unwrap();
}

/// A dump that lost one row of `task_history` (pg_dump or the disk lost it, before the
/// checksums were taken): the line of `task_500` removed from its data file, and the manifest's
/// checksum of that file made to match, so that only the row counts can tell.
fn lose_a_row(folder: &Path) {
    let mut hit = None;
    for e in std::fs::read_dir(folder.join("dump")).unwrap().flatten() {
        let p = e.path();
        if !p.to_string_lossy().ends_with(".dat.gz") {
            continue;
        }
        let text = String::from_utf8(gunzip(&p)).unwrap();
        if text.contains("\ttask_500\t") {
            let kept: String = text.split_inclusive('\n').filter(|l| !l.contains("\ttask_500\t")).collect();
            assert_eq!(
                kept.len() + text.lines().find(|l| l.contains("\ttask_500\t")).unwrap().len() + 1,
                text.len()
            );
            gzip_into(&p, kept.as_bytes());
            hit = Some(p);
        }
    }
    let file = hit.expect("the data file of task_history");
    let rel = format!("dump/{}", file.file_name().unwrap().to_string_lossy());
    let mpath = folder.join("manifest.json");
    let mut m: Value = serde_json::from_str(&std::fs::read_to_string(&mpath).unwrap()).unwrap();
    let f = m["files"].as_array_mut().unwrap().iter_mut().find(|f| f["path"] == rel.as_str()).unwrap();
    f["sha256"] = sha256sum(&file).into();
    f["bytes"] = std::fs::metadata(&file).unwrap().len().into();
    std::fs::write(&mpath, serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

#[tokio::test]
async fn a_drill_of_another_teams_database_that_loses_a_row_fails_naming_the_table() {
    // AIECS's task_history, CozyChat's system_metrics and AstrBot's partitioned messages, never
    // analyzed (no estimate to go by).
    let cfg = fresh_db("bk_any").await;
    let db = connect(&cfg).await;
    task_history_rows(&db, 1000, "timestamp '2026-01-01' - g * interval '1 minute'").await;
    exec(&db, COZYCHAT_SYSTEM_METRICS).await;
    exec(
        &db,
        "INSERT INTO system_metrics (metric_type, metrics) SELECT 'cpu', jsonb_build_object('v', g) FROM generate_series(1, 321) g",
    )
    .await;
    astrbot_messages(&db, &["2024-01-01", "2024-02-01"], true).await;
    fill_messages(&db, "2024-01-01", "2024-03-15", "1 hour").await;
    let dir = temp_dir("bk_any");
    let m = create(&cfg, &dir, &[]);
    let name = m["name"].as_str().unwrap().to_string();
    // Every table counted exactly, as count(*) says.
    let tables = m["tables"].as_array().unwrap();
    assert!(tables.len() >= 6, "{tables:#?}");
    for t in tables {
        let q = format!(
            "SELECT count(*) FROM {}.{}",
            t["schema"].as_str().unwrap(),
            t["table"].as_str().unwrap()
        );
        assert_eq!(t["exact"], true, "{t}");
        assert_eq!(t["rows"].as_i64(), Some(scalar_i64(&db, &q).await), "{t}");
    }

    // A sound backup: the drill and a restore compare every table.
    let o = verify(&cfg, &dir, &name);
    assert_ok(&o);
    let mut into = cfg.clone();
    into.dbname = Some(format!("{}_copy", cfg.dbname.as_deref().unwrap()));
    let o = restore(&cfg, &dir, &name, &into, &["--format", "json"]);
    let r = json(&o);
    for t in r["tables"].as_array().unwrap() {
        assert_eq!((t["exact"].as_bool(), t["ok"].as_bool()), (Some(true), Some(true)), "{t}");
        assert_eq!(t["found"], t["expected"], "{t}");
    }
    let o = restore(
        &cfg,
        &dir,
        &name,
        &{
            let mut c = cfg.clone();
            c.dbname = Some(format!("{}_copy2", cfg.dbname.as_deref().unwrap()));
            c
        },
        &[],
    );
    assert_ok(&o);
    assert!(stderr(&o).contains(&format!("{} tables compared", tables.len())), "{}", stderr(&o));

    // The same backup, one row of task_history lost in the dump: the drill and a restore fail
    // naming the table.
    let lost = create(&cfg, &dir, &[])["name"].as_str().unwrap().to_string();
    lose_a_row(&dir.join(&lost));
    let o = verify(&cfg, &dir, &lost);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let want = "table public.task_history: 999 rows restored, the manifest says 1000";
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    let l = list(&dir);
    let e = l.iter().find(|b| b["name"] == lost.as_str()).unwrap();
    assert_eq!(e["last_verification"]["ok"], false, "{e}");
    into.dbname = Some(format!("{}_lost", cfg.dbname.as_deref().unwrap()));
    let o = restore(&cfg, &dir, &lost, &into, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(want), "{}", stderr(&o));
    assert!(!stderr(&o).contains("row counts as in the manifest"), "{}", stderr(&o));
}
