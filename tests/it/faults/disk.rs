//! A full disk: the ToWow tables in a tablespace on a small tmpfs. The load fails with the
//! server's reason, says how many rows it had sent and that nothing was written, and leaves
//! nothing.

use std::process::Command;
use std::time::Duration;

use super::*;

/// Mount a `size` tmpfs at `dir` (unmounted when the test process exits, however it exits).
/// `None` where the machine does not allow it (not root, no mount in a container).
fn small_tmpfs(dir: &std::path::Path, size: &str) -> Option<()> {
    std::fs::create_dir_all(dir).ok()?;
    let out = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("skipped: cannot mount a tmpfs here: {}", String::from_utf8_lossy(&out.stderr).trim());
        return None;
    }
    let _ = Command::new("sh")
        .arg("-c")
        .arg("while kill -0 \"$0\" 2>/dev/null; do sleep 0.5; done; umount -l \"$1\"; rmdir \"$1\"")
        .arg(std::process::id().to_string())
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .spawn();
    Some(())
}

#[tokio::test]
async fn copy_on_a_full_disk_says_what_was_sent_and_that_nothing_was_written() {
    let dir = scratch_dir("fulldisk");
    if small_tmpfs(&dir, "24m").is_none() {
        return;
    }
    // The server's user must own the tablespace directory.
    if let Some((uid, gid)) = unprivileged_owner() {
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
    }
    let (cfg, db) = initialised("fulldisk").await;
    let ts = format!("full_{}", std::process::id());
    exec(&db, &format!("CREATE TABLESPACE {ts} LOCATION '{}'", dir.display())).await;
    for t in ["agent_profiles", "demands", "agent_responses", "collaboration_channels"] {
        exec(&db, &format!("ALTER TABLE {t} SET TABLESPACE {ts}")).await;
    }
    let t = run_limited(
        &mut url_cmd(
            &cfg.url_with_password(),
            &["seed", "--demands", "300000", "--responses-per-demand", "0", "--channels-per-demand", "0"],
        ),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    let e = t.stderr();
    assert!(e.contains("53100") || e.contains("No space left"), "{e}");
    assert!(e.contains("rows sent") && e.contains("nothing was written"), "{e}");
    if e.contains("53100") {
        assert!(e.contains("— the server's disk is full"), "the advice for 53100: {e}");
    }
    assert_eq!(towow_rows(&db).await, 0);
    exec(&db, "DROP TABLE agent_responses, collaboration_channels, demands, agent_profiles CASCADE").await;
    exec(&db, &format!("DROP TABLESPACE {ts}")).await;
}

/// A backup onto a full disk fails naming the file it could not write (it said only "No space
/// left on device"), and leaves no partial folder; `TOWOW_BACKUP_DIR=""` is refused instead of
/// meaning the default folder.
#[tokio::test]
async fn a_backup_on_a_full_disk_names_the_file_and_an_empty_folder_variable_is_refused() {
    let (cfg, _db) = crate::backup::towow_db(&server().base, "fullbackup", "20000").await;
    let t = run_limited(
        url_cmd(&cfg.url_with_password(), &["backup", "create", "-q"]).env("TOWOW_BACKUP_DIR", ""),
        Duration::from_secs(30),
    );
    assert_eq!(t.code(), Some(2), "{t:?}");
    assert!(t.stderr().contains("TOWOW_BACKUP_DIR is set but empty"), "{t:?}");
    let dir = scratch_dir("fullbackup");
    if small_tmpfs(&dir, "1m").is_none() {
        return;
    }
    let t = run_limited(
        url_cmd(&cfg.url_with_password(), &["backup", "create", "--dir"]).arg(&dir),
        Duration::from_secs(120),
    );
    assert_eq!(t.code(), Some(1), "{t:?}");
    let e = t.stderr();
    assert!(e.contains("No space left") || e.contains("could not write"), "{e}");
    assert!(e.contains(&dir.display().to_string()), "the file is named: {e}");
    assert_no_secret(&t, &cfg.password.clone().unwrap());
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}
