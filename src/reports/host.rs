//! The host's disk and CPU, where towow-db can see them: when the server runs on this host (a
//! Unix socket, or a loopback address, whose data directory this user can reach and whose
//! `postmaster.pid` names the same server). Elsewhere (a remote server, RDS) each figure says
//! why it was not measured, and the checks built on them are not judged, never UNKNOWN.
//!
//! - Disk: the file system holding the data directory, with `df`'s semantics: used % =
//!   used / (used + available to unprivileged users), so the blocks reserved for root count as
//!   full, as `df` shows them.
//! - CPU: the whole host's busy time from `/proc/stat` (user + nice + system + irq + softirq +
//!   steal, against the same plus idle and iowait), as cumulative ticks: a percentage needs two
//!   readings, which snapshots give (averaged between the snapshot at least a window old and
//!   now).

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::connect::ConnConfig;

#[derive(Debug, Clone, Serialize, Default)]
pub struct HostReading {
    pub disk_total_bytes: Option<i64>,
    pub disk_used_bytes: Option<i64>,
    /// Available to unprivileged users (`df`'s "Avail").
    pub disk_avail_bytes: Option<i64>,
    pub cpu_busy_ticks: Option<i64>,
    pub cpu_total_ticks: Option<i64>,
    /// Why the host's figures were not measured (`None` when they were).
    pub not_measured: Option<String>,
}

impl HostReading {
    /// Disk used, % (`df`): used / (used + available).
    pub fn disk_used_pct(&self) -> Option<f64> {
        let (used, avail) = (self.disk_used_bytes?, self.disk_avail_bytes?);
        (used + avail > 0).then(|| 100.0 * used as f64 / (used + avail) as f64)
    }
}

/// Whether `cfg` reaches a server on this host: a socket directory, or a loopback address.
pub fn is_local(cfg: &ConnConfig) -> bool {
    cfg.hosts.len() == 1 && {
        let h = cfg.host();
        h.starts_with('/') || matches!(h, "localhost" | "127.0.0.1" | "::1")
    }
}

/// The host's figures for the server `cfg` reaches, whose data directory is `data_directory`
/// (`None` when the role may not read it) and which started at `started`.
pub fn read(cfg: &ConnConfig, data_directory: Option<&str>, started: Option<DateTime<Utc>>) -> HostReading {
    let not = |why: String| HostReading { not_measured: Some(why), ..HostReading::default() };
    if !is_local(cfg) {
        return not(format!("the server ({}) is not on this host", cfg.host()));
    }
    let Some(dir) = data_directory else {
        return not(
            "the role may not read data_directory (grant it pg_read_all_settings or pg_monitor)".into()
        );
    };
    let dir = Path::new(dir);
    if let Err(why) = same_server(dir, cfg.port(), started) {
        return not(why);
    }
    let Some((total, used, avail)) = statvfs(dir) else {
        return not(format!("cannot read the file system of {}", dir.display()));
    };
    let (busy, all) = cpu_ticks().map_or((None, None), |(b, a)| (Some(b), Some(a)));
    HostReading {
        disk_total_bytes: Some(total),
        disk_used_bytes: Some(used),
        disk_avail_bytes: Some(avail),
        cpu_busy_ticks: busy,
        cpu_total_ticks: all,
        not_measured: None,
    }
}

/// Whether `dir/postmaster.pid` is the server on `port` started at `started` (a loopback port
/// may be forwarded to a container or a VM, whose data directory path means nothing here).
fn same_server(dir: &Path, port: u16, started: Option<DateTime<Utc>>) -> Result<(), String> {
    let pid_file = dir.join("postmaster.pid");
    let text = match crate::files::read_text(&pid_file, crate::files::CONFIG_LIMIT) {
        Ok(t) => t,
        Err(e) => {
            return Err(format!("cannot read {} ({e}): the server may run elsewhere", pid_file.display()));
        }
    };
    // Lines: pid, data directory, start time (epoch seconds), port, socket directory, …
    let lines: Vec<&str> = text.lines().collect();
    let file_port: Option<u16> = lines.get(3).and_then(|l| l.trim().parse().ok());
    let file_start: Option<i64> = lines.get(2).and_then(|l| l.trim().parse().ok());
    let start_matches = match (file_start, started) {
        (Some(f), Some(s)) => (f - s.timestamp()).abs() <= 1,
        _ => false,
    };
    if file_port == Some(port) && start_matches {
        Ok(())
    } else {
        Err(format!(
            "{} is another server's (port or start time differ): the server runs elsewhere",
            pid_file.display()
        ))
    }
}

/// Total, used and available bytes of the file system holding `dir` (`df`'s columns).
fn statvfs(dir: &Path) -> Option<(i64, i64, i64)> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the struct we own from a NUL-terminated path.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let frsize = s.f_frsize as i64;
    let total = s.f_blocks as i64 * frsize;
    let used = (s.f_blocks as i64 - s.f_bfree as i64) * frsize;
    let avail = s.f_bavail as i64 * frsize;
    Some((total, used, avail))
}

/// The host's cumulative CPU ticks: (busy, all), from the first line of `/proc/stat`.
pub fn cpu_ticks() -> Option<(i64, i64)> {
    let text = crate::files::read_text(Path::new("/proc/stat"), crate::files::CONFIG_LIMIT).ok()?;
    parse_cpu_line(text.lines().next()?)
}

/// `cpu  user nice system idle iowait irq softirq steal guest guest_nice`: busy is everything
/// but idle and iowait; guest time is already inside user and nice.
fn parse_cpu_line(line: &str) -> Option<(i64, i64)> {
    let mut f = line.split_whitespace();
    if f.next()? != "cpu" {
        return None;
    }
    let v: Vec<i64> = f.take(8).map(|x| x.parse().ok()).collect::<Option<Vec<_>>>()?;
    if v.len() < 5 {
        return None;
    }
    let all: i64 = v.iter().sum();
    let idle = v[3] + v[4];
    Some((all - idle, all))
}

/// The CPU busy % between two readings of ticks; `None` when they do not advance.
pub fn busy_pct(before: (i64, i64), after: (i64, i64)) -> Option<f64> {
    let (db, dt) = (after.0 - before.0, after.1 - before.1);
    (dt > 0 && db >= 0).then(|| 100.0 * db as f64 / dt as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_count_idle_and_iowait_as_not_busy() {
        assert_eq!(parse_cpu_line("cpu  100 10 50 800 40 0 0 0 0 0"), Some((160, 1000)));
        assert_eq!(parse_cpu_line("cpu0 1 2 3 4 5"), None);
        assert_eq!(parse_cpu_line("cpu  1 2"), None);
        assert_eq!(busy_pct((160, 1000), (320, 1200)), Some(80.0));
        assert_eq!(busy_pct((160, 1000), (160, 1000)), None);
        assert!(cpu_ticks().is_some(), "this machine has /proc/stat");
    }

    #[test]
    fn disk_used_is_dfs_used_over_used_and_available() {
        let h = HostReading { disk_used_bytes: Some(80), disk_avail_bytes: Some(15), ..Default::default() };
        // 5 reserved blocks do not count: 80 / 95.
        assert!((h.disk_used_pct().unwrap() - 84.2105).abs() < 1e-3);
        assert_eq!(HostReading::default().disk_used_pct(), None);
    }

    #[test]
    fn only_one_loopback_or_socket_host_is_local() {
        let p = |u: &str| ConnConfig::parse(u, crate::connect::Source::Flag).unwrap();
        assert!(is_local(&p("postgresql://u@127.0.0.1/d")));
        assert!(is_local(&p("postgresql://u@localhost/d")));
        assert!(is_local(&p("host=/var/run/postgresql dbname=d")));
        assert!(!is_local(&p("postgresql://u@db.example/d")));
        assert!(!is_local(&p("postgresql://u@127.0.0.1,10.0.0.2/d")));
    }
}
