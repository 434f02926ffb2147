//! `backup create --dump-format custom`: one `pg_dump -Fc` file (the seeds' backup policy,
//! and what their restore scripts take), with the same manifest, through create, list, verify,
//! restore and prune like the directory format.

use std::process::Command;

use crate::backup::{fingerprint, list, out, sha256sum, towow_db};
use crate::backup_any::{create, restore, verify};
use crate::common::*;

#[tokio::test]
async fn a_custom_format_backup_passes_create_list_verify_restore_and_prune() {
    let srv = server();
    let (cfg, db) = towow_db(&srv.base, "bk_custom", "300").await;
    let truth = fingerprint(&db).await;
    let dir = temp_dir("bk_custom");
    let m = create(&cfg, &dir, &["--dump-format", "custom"]);
    let name = m["name"].as_str().unwrap().to_string();
    assert_eq!(m["dump_format"], "custom", "{m:#}");
    assert!(m["compression"].as_str().unwrap().starts_with("gzip"), "{m:#}");
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "one file: {files:?}");
    let file = dir.join(&name).join(files[0]["path"].as_str().unwrap());
    assert!(file.to_string_lossy().ends_with(".dump"), "{}", file.display());
    assert_eq!(files[0]["sha256"].as_str().unwrap(), sha256sum(&file));
    // pg_restore itself reads it as a custom archive, compressed as the manifest says.
    let o = Command::new(crate::fixtures::pg_tool("pg_restore")).arg("--list").arg(&file).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let toc = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(toc.contains("Format: CUSTOM") && toc.contains("TABLE DATA public demands"), "{toc}");
    assert!(toc.contains("Compression: gzip") || toc.contains("Compression: 6"), "{toc}");
    for t in m["tables"].as_array().unwrap() {
        assert_eq!(t["exact"], true, "{t}");
    }
    let l = list(&dir);
    assert_eq!((l.len(), l[0]["state"].as_str()), (1, Some("complete")), "{l:?}");

    // The drill, and a restore with every ToWow table's rows identical.
    let o = verify(&cfg, &dir, &name);
    assert_ok(&o);
    assert!(stderr(&o).contains("passed"), "{}", stderr(&o));
    let mut into = cfg.clone();
    into.dbname = Some(format!("{}_copy", cfg.dbname.as_deref().unwrap()));
    assert_ok(&restore(&cfg, &dir, &name, &into, &["--jobs", "2"]));
    let copy = connect(&into).await;
    assert_eq!(fingerprint(&copy).await, truth);
    assert_eq!(scalar_i64(&copy, "SELECT count(*) FROM side_notes").await, 500);
    assert_ok(&run_url(&into, &["migrate", "verify"]));

    // Prune: a second, verified backup; the first goes, the second stays.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = create(&cfg, &dir, &["--dump-format", "custom"])["name"].as_str().unwrap().to_string();
    assert_ok(&verify(&cfg, &dir, &second));
    let mut c = cmd();
    c.args(["backup", "prune", "--keep-days", "0", "--yes", "--dir"]).arg(&dir);
    assert_ok(&out(c));
    let left: Vec<String> = list(&dir).iter().map(|b| b["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(left, std::slice::from_ref(&second));
    assert!(!dir.join(&name).exists());

    // A flipped byte: the drill names the file.
    let folder = dir.join(&second);
    let file = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "dump"))
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let o = verify(&cfg, &dir, &second);
    assert_eq!(o.status.code(), Some(1));
    let rel = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(stderr(&o).contains(&format!("{rel}: sha256 differs")), "{}", stderr(&o));
    assert_eq!(list(&dir)[0]["state"], "corrupt");
}
