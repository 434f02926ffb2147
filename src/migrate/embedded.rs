//! The migration files embedded at build time (`migrations/V{n}__{name}.sql`, with their down
//! scripts `V{n}__{name}.down.sql` beside them), as refinery reads them.

use anyhow::{Result, anyhow, bail};
use refinery_core::Migration;

use super::*;

pub struct EmbeddedMigration {
    pub file: &'static str,
    pub up: &'static str,
    pub down: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// A migration shipped in this binary.
#[derive(Debug, Clone)]
pub struct Shipped {
    pub version: i32,
    pub name: String,
    pub file: &'static str,
    pub up: &'static str,
    pub down: Option<&'static str>,
    pub migration: Migration,
}

impl Shipped {
    pub fn no_transaction(&self) -> bool {
        is_no_transaction(self.up)
    }

    pub fn checksum(&self) -> String {
        self.migration.checksum().to_string()
    }
}

pub(crate) fn is_no_transaction(sql: &str) -> bool {
    sql.lines().next().is_some_and(|l| l.trim().eq_ignore_ascii_case(NO_TRANSACTION_MARKER))
}

/// The shipped migrations, ordered by version.
pub fn shipped() -> Result<Vec<Shipped>> {
    shipped_from(EMBEDDED)
}

pub fn shipped_from(files: &[EmbeddedMigration]) -> Result<Vec<Shipped>> {
    let mut out: Vec<Shipped> = Vec::new();
    for f in files {
        let migration = Migration::unapplied(f.file, f.up)
            .map_err(|e| anyhow!("bad migration file name {}.sql: {e}", f.file))?;
        if out.iter().any(|s| s.version == migration.version()) {
            bail!("two migration files have version {}", migration.version());
        }
        out.push(Shipped {
            version: migration.version(),
            name: migration.name().to_string(),
            file: f.file,
            up: f.up,
            down: f.down,
            migration,
        });
    }
    out.sort_by_key(|s| s.version);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_migrations_are_sane() {
        let s = shipped().unwrap();
        assert_eq!(s[0].version, 1);
        assert_eq!(s[0].name, "initial_tables");
        assert!(!s[0].no_transaction());
        assert!(s[1].no_transaction());
        assert!(s.iter().all(|m| m.down.is_some()));
        // refinery computes the same checksum for the same file
        let again = Migration::unapplied("V1__initial_tables", s[0].up).unwrap();
        assert_eq!(again.checksum(), s[0].migration.checksum());
    }
}
