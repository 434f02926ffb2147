//! The throwaway cluster a benchmark starts, deleted however the benchmark ends (a failed
//! assertion included). Included by each bench with `#[path = "common/cluster.rs"] mod cluster;`:
//!
//! ```ignore
//! let _cleanup = Cleanup::new(cluster.clone());                 // the cluster
//! let _cleanup = Cleanup::new(cluster.clone()).and_remove(root); // and the folder around it
//! ```
#![allow(dead_code)] // each bench uses what it needs

use std::path::PathBuf;

use towow_db::admin::local::LocalCluster;

/// Stops and deletes the cluster when dropped, then the folder given to `and_remove`, if any.
pub struct Cleanup {
    cluster: LocalCluster,
    root: Option<PathBuf>,
}

impl Cleanup {
    pub fn new(cluster: LocalCluster) -> Self {
        Cleanup { cluster, root: None }
    }

    /// Also delete `root` (the bench's own files, the cluster's folder among them) after the cluster.
    pub fn and_remove(mut self, root: PathBuf) -> Self {
        self.root = Some(root);
        self
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Err(e) = self.cluster.destroy() {
            eprintln!("could not delete the benchmark cluster at {}: {e:#}", self.cluster.dir.display());
        }
        if let Some(root) = &self.root {
            let _ = std::fs::remove_dir_all(root);
        }
    }
}
