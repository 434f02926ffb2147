//! Administration: least-privilege roles (`roles`), the managed local cluster (`local`), where the
//! PostgreSQL programs are (`pgbin`) and backups on pg_dump/pg_restore (`backup`).

use std::path::PathBuf;

pub mod backup;
pub mod local;
pub mod pgbin;
pub mod roles;

/// Whether towow-db runs as root.
pub(crate) fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Where towow-db keeps its `what` (`local`, `backups`) for this user: `$XDG_DATA_HOME/towow-db/`,
/// else `~/.local/share/towow-db/` (the home directory as libpq finds it); for root
/// `/var/lib/towow-db/<as_root>`, which the server's unprivileged user can reach.
pub(crate) fn user_data_dir(what: &str, as_root: &str) -> PathBuf {
    if is_root() {
        return PathBuf::from("/var/lib/towow-db").join(as_root);
    }
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(x).join("towow-db").join(what);
    }
    let home = crate::connect::env::home_dir().unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".local/share/towow-db").join(what)
}
