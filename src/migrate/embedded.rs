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

/// `--target` of `migrate` and `migrate down`: 0 (no migration) or a shipped version, nothing
/// else, so that both refuse the same way.
pub fn check_target(shipped: &[Shipped], target: Option<i32>) -> Result<()> {
    match target {
        Some(t) if t != 0 && !shipped.iter().any(|s| s.version == t) => bail!(
            "--target {t}: no such migration (0, or one of the shipped versions: {})",
            shipped.iter().map(|s| s.version.to_string()).collect::<Vec<_>>().join(", ")
        ),
        _ => Ok(()),
    }
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

/// The CHECK expression of constraint `name` as the newest shipped migration that defines it
/// wrote it (`CONSTRAINT name CHECK (expr)`). PostgreSQL's deparsed form of some expressions
/// parses back into another tree (`col IN (…)` on a varchar column prints as
/// `ANY ((ARRAY[…])::text[])`, which parses back as `ANY (ARRAY[(…)::text, …])`), so re-creating a
/// CHECK exactly needs the migration's own text.
pub fn check_source(name: &str) -> Option<String> {
    let shipped = shipped().ok()?;
    shipped.iter().rev().find_map(|s| find_check(s.up, name))
}

fn find_check(sql: &str, name: &str) -> Option<String> {
    let words: Vec<(usize, &str)> = sql
        .split(|c: char| c.is_whitespace())
        .scan(0usize, |pos, w| {
            let start = *pos;
            *pos += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    for win in words.windows(3) {
        let [(_, a), (_, b), (at, c)] = win else { continue };
        if a.eq_ignore_ascii_case("CONSTRAINT")
            && *b == name
            && c.len() >= 5
            && c[..5].eq_ignore_ascii_case("CHECK")
        {
            let rest = &sql[*at + 5..];
            let open = rest.find('(')?;
            if !rest[..open].trim().is_empty() {
                return None;
            }
            return balanced(&rest[open..]).map(|e| e.trim().to_string());
        }
    }
    None
}

/// The text inside the parentheses that open `s`, respecting quotes.
fn balanced(s: &str) -> Option<&str> {
    let (mut depth, mut quoted) = (0usize, false);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(&s[1..i]);
                }
            }
            _ => {}
        }
    }
    None
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

    #[test]
    fn check_sources_come_from_the_files() {
        let e = check_source("ck_demands_status").unwrap();
        assert!(e.starts_with("status IN") && e.ends_with("'cancelled')"), "{e}");
        assert_eq!(check_source("no_such_constraint"), None);
        assert_eq!(
            find_check("CONSTRAINT c CHECK(a > ')' AND (b))", "c").as_deref(),
            Some("a > ')' AND (b)")
        );
    }
}
