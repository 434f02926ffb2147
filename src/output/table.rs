//! Tables for people: which columns (a default set, `--wide` for all, `--columns` for a choice,
//! like `kubectl -o wide`) and how wide.
//!
//! On a terminal a table is boxed and fitted to the terminal's width, wrapping long texts at
//! spaces but never breaking a word (a name, a number) in two. Piped, it is plain aligned
//! columns with a header line and no borders (like `kubectl get` or `ps`), unwrapped and without
//! trailing blanks, so that `grep` and `awk` see one row per line; JSON is the format for scripts.

use std::io::IsTerminal;

use anyhow::Result;

use crate::error::Usage;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};

/// Which columns a table shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Columns {
    /// Each table's default set (its wide-only columns hidden).
    #[default]
    Default,
    /// Every column (`--wide`).
    Wide,
    /// These columns, in this order, in each table that has any of them (`--columns a,b`);
    /// a table that has none of them shows its default set.
    Only(Vec<String>),
}

impl Columns {
    /// From `--wide` and `--columns`: names are matched without regard to case, spaces or `_`.
    pub fn from_flags(wide: bool, columns: Option<&str>) -> Columns {
        match columns {
            Some(list) => Columns::Only(
                list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect(),
            ),
            None if wide => Columns::Wide,
            None => Columns::Default,
        }
    }

    /// The indices of `headers` to show, in order.
    pub fn select(&self, headers: &[&str], wide_only: &[&str]) -> Vec<usize> {
        let default = || (0..headers.len()).filter(|&i| !wide_only.contains(&headers[i])).collect::<Vec<_>>();
        match self {
            Columns::Default => default(),
            Columns::Wide => (0..headers.len()).collect(),
            Columns::Only(names) => {
                let chosen: Vec<usize> =
                    names.iter().filter_map(|n| headers.iter().position(|h| same_name(h, n))).collect();
                if chosen.is_empty() { default() } else { chosen }
            }
        }
    }

    /// With `--columns`, refuse names that none of `tables` (their headers) has, listing those it has.
    pub fn check(&self, tables: &[&[&str]]) -> Result<()> {
        let Columns::Only(names) = self else { return Ok(()) };
        let unknown: Vec<&String> =
            names.iter().filter(|n| !tables.iter().any(|t| t.iter().any(|h| same_name(h, n)))).collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let mut known: Vec<&str> = tables.iter().flat_map(|t| t.iter().copied()).collect();
        known.dedup();
        Err(Usage(format!(
            "--columns: no column named {}; this output has: {}",
            unknown.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", "),
            known.join(", ")
        ))
        .into())
    }
}

/// `dead %`, `dead_pct` and `Dead%` name the same column.
fn same_name(header: &str, name: &str) -> bool {
    let norm = |s: &str| {
        s.to_ascii_lowercase()
            .replace('%', "pct")
            .chars()
            .filter(|c| !matches!(c, ' ' | '_' | '-'))
            .collect::<String>()
    };
    norm(header) == norm(name)
}

/// `text` in lines of at most `width` characters, broken between words (a longer word stays
/// whole); continuation lines are indented like the text after a leading `[n] ` marker.
pub fn wrap_prose(text: &str, width: usize) -> Vec<String> {
    let indent = match text.split_once("] ") {
        Some((m, _)) if m.starts_with('[') => m.chars().count() + 2,
        _ => 0,
    };
    let mut lines = Vec::new();
    let mut line = String::new();
    // Whether `line` holds no word yet (only the indentation of a continuation).
    let mut fresh = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let (len, wlen) = (line.chars().count(), word.chars().count());
        if !fresh && len + 1 + wlen > width {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
        } else if !fresh {
            line.push(' ');
        }
        line.push_str(word);
        fresh = false;
    }
    lines.push(line);
    lines
}

/// The terminal's width in columns when stdout is a terminal (`COLUMNS` first, as shells set it).
pub fn terminal_width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    if let Some(c) =
        std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok()).filter(|c| *c > 0)
    {
        return Some(c);
    }
    // SAFETY: TIOCGWINSZ fills a plain struct; we read it only when the call succeeded.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        (libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0)
            .then_some(ws.ws_col)
    }
}

/// Cells up to this many characters are never wrapped (sizes, times, short names).
const SHORT: usize = 12;

/// The narrowest a column may get: its longest name (a cell without spaces: an identifier, a
/// number) and its longest short cell, so that neither is ever broken; a text (a cell with
/// spaces: a note, a query) only holds its words up to [`TEXT_WORD`] characters whole, longer
/// ones (a literal in a query) may be cut. Headers may wrap at spaces.
fn min_width(header: &str, cells: &[String]) -> usize {
    let words = |c: &str| c.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0);
    let cell = |c: &str| {
        let len = c.chars().count();
        if len <= SHORT {
            len
        } else if c.contains(' ') {
            words(c).min(TEXT_WORD)
        } else {
            words(c)
        }
    };
    cells.iter().map(|c| cell(c)).chain([words(header)]).max().unwrap_or(1).max(1)
}

/// Words of a text longer than this may be cut to fit the terminal.
const TEXT_WORD: usize = 16;

/// Long words (identifiers such as `reporting.monthly_revenue_by_region`, wait events such as
/// `Activity:LogicalLauncherMain`) as lines of at most `width` characters, broken after their own
/// separators (`.`, `_`, `-`, `:`, `/`); a piece longer than `width` stays whole, and so do
/// shorter words (texts wrap at their spaces).
fn wrap_identifier(cell: &str, width: usize) -> String {
    cell.split(' ').map(|w| wrap_word(w, width)).collect::<Vec<_>>().join(" ")
}

fn wrap_word(word: &str, width: usize) -> String {
    if word.chars().count() <= width {
        return word.to_string();
    }
    let mut lines: Vec<String> = vec![String::new()];
    let mut piece = String::new();
    let flush = |lines: &mut Vec<String>, piece: &mut String| {
        let last = lines.last_mut().unwrap();
        if !last.is_empty() && last.chars().count() + piece.chars().count() > width {
            lines.push(std::mem::take(piece));
        } else {
            last.push_str(piece);
            piece.clear();
        }
    };
    for ch in word.chars() {
        piece.push(ch);
        if matches!(ch, '.' | '_' | '-' | ':' | '/') {
            flush(&mut lines, &mut piece);
        }
    }
    flush(&mut lines, &mut piece);
    lines.join("\n")
}

/// Render `rows` under `headers` (only the columns at `keep`) for a terminal of `width` columns,
/// or plain for a pipe when `width` is `None`.
pub fn render(headers: &[&str], rows: &[Vec<String>], keep: &[usize], width: Option<u16>) -> String {
    let mut cols: Vec<Vec<String>> =
        keep.iter().map(|&i| rows.iter().map(|r| r.get(i).cloned().unwrap_or_default()).collect()).collect();
    let names: Vec<&str> = keep.iter().map(|&i| headers[i]).collect();
    let mut t = Table::new();
    if let Some(w) = width {
        // Never break a word, nor a short value such as `16.0 kB`: each column is at least as
        // wide as its longest word and short cell. When that is still too wide for the terminal,
        // the widest column's identifiers are broken at their own separators (`_`, `.`), never
        // inside a word, until the table fits or nothing is left to break.
        // (When even that cannot fit, as with `--wide`, nothing is broken: the lines overflow.)
        let mut mins: Vec<usize> = names.iter().zip(&cols).map(|(h, c)| min_width(h, c)).collect();
        let total = |mins: &[usize]| mins.iter().map(|m| m + 3).sum::<usize>() + 1;
        let (whole_cols, whole_mins) = (cols.clone(), mins.clone());
        let mut stuck = vec![false; cols.len()];
        while total(&mins) > w as usize {
            // The widest column that can still give way.
            let Some((widest, m)) =
                mins.iter().copied().enumerate().filter(|(i, _)| !stuck[*i]).max_by_key(|(_, m)| *m)
            else {
                break;
            };
            let target = m.saturating_sub(total(&mins) - w as usize).max(SHORT);
            let wrapped: Vec<String> = cols[widest].iter().map(|c| wrap_identifier(c, target)).collect();
            let new_min = min_width(names[widest], &wrapped);
            if new_min >= m {
                stuck[widest] = true;
                continue;
            }
            cols[widest] = wrapped;
            mins[widest] = new_min;
        }
        if total(&mins) > w as usize {
            (cols, mins) = (whole_cols, whole_mins);
        }
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(w);
        fill(&mut t, &names, &cols, rows.len());
        for (i, m) in mins.iter().enumerate() {
            if let Some(c) = t.column_mut(i) {
                // The constraint counts the padding.
                c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                    (m + 2).min(u16::MAX as usize) as u16,
                )));
            }
        }
        return format!("{t}\n");
    }
    // Piped: plain aligned columns, no borders, no wrapping.
    fill(&mut t, &names, &cols, rows.len());
    t.load_preset(presets::NOTHING).set_content_arrangement(ContentArrangement::Disabled);
    let mut out = String::new();
    for line in t.to_string().lines() {
        // The borderless preset pads with one blank each side: drop the leading one and
        // the trailing blanks.
        out.push_str(line.strip_prefix(' ').unwrap_or(line).trim_end());
        out.push('\n');
    }
    out
}

fn fill(t: &mut Table, names: &[&str], cols: &[Vec<String>], rows: usize) {
    t.set_header(names.iter().map(|h| h.to_string()));
    for r in 0..rows {
        t.add_row(cols.iter().map(|c| c[r].clone()).collect::<Vec<_>>());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_wraps_between_words_under_its_marker() {
        let text = "[1] towow-db: keep: declared by the ToWow app's models (index=True on demands.status)";
        let lines = wrap_prose(text, 40);
        assert_eq!(
            lines,
            vec![
                "[1] towow-db: keep: declared by the",
                "    ToWow app's models (index=True on",
                "    demands.status)",
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 40));
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert_eq!(wrap_prose("short", 40), vec!["short"]);
        assert_eq!(wrap_prose("averyveryverylongword x", 10), vec!["averyveryverylongword", "x"]);
    }

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec![
                "public.collaboration_channels".into(),
                "1.5 MB".into(),
                "never analyzed: reltuples unknown (taken as 0 by autovacuum)".into(),
            ],
            vec!["public.demands".into(), "8.0 kB".into(), "-".into()],
        ]
    }

    #[test]
    fn a_terminal_table_fits_its_width_and_never_breaks_a_word() {
        let h = ["table", "size", "note"];
        let out = render(&h, &rows(), &[0, 1, 2], Some(60));
        for line in out.lines() {
            assert!(line.chars().count() <= 60, "wider than 60: {line}\n{out}");
        }
        assert!(out.contains("public.collaboration_channels"), "{out}");
        assert!(out.contains("reltuples"), "{out}");
        // The note wrapped at spaces: every word of it is whole somewhere.
        for w in "never analyzed: reltuples unknown (taken as 0 by autovacuum)".split(' ') {
            assert!(out.contains(w), "{w} broken in\n{out}");
        }
    }

    #[test]
    fn piped_tables_are_plain_aligned_columns_without_trailing_blanks() {
        let out = render(&["table", "size"], &rows(), &[0, 1], None);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines[0].starts_with("table") && lines[0].ends_with("size"), "{out}");
        assert!(lines[1].starts_with("public.collaboration_channels  1.5 MB"), "{out}");
        assert!(lines.iter().all(|l| !l.ends_with(' ') && !l.contains('|')), "{out}");
        // Aligned: the second column starts at the same place on every line.
        let at = |l: &str, w: &str| l.find(w).unwrap();
        assert_eq!(at(lines[1], "1.5 MB"), at(lines[2], "8.0 kB"));
    }

    #[test]
    fn identifiers_break_only_at_their_separators() {
        assert_eq!(wrap_identifier("public.demands", 20), "public.demands");
        assert_eq!(
            wrap_identifier("reporting_archive.monthly_revenue_by_region", 20),
            "reporting_archive.\nmonthly_revenue_by_\nregion"
        );
        // A piece longer than the width stays whole; texts with spaces are left to wrap at spaces.
        assert_eq!(wrap_identifier("a.averyveryverylongword", 5), "a.\naveryveryverylongword");
        assert_eq!(wrap_identifier("two words_here", 6), "two words_\nhere");
        assert_eq!(wrap_identifier("Activity:LogicalLauncherMain", 20), "Activity:\nLogicalLauncherMain");
        // And a table that cannot fit otherwise gets its long names broken that way.
        let h = ["table", "size", "note"];
        let rows = vec![vec![
            "reporting_archive.monthly_revenue_by_region_and_channel".to_string(),
            "8.0 kB".into(),
            "-".into(),
        ]];
        let out = render(&h, &rows, &[0, 1, 2], Some(40));
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        assert!(out.contains("monthly_") && out.contains("8.0 kB"), "{out}");
        // A query's long literal is text, not a name: it may be cut so that the table fits.
        let q = format!("SELECT '{}' FROM t", "x".repeat(60));
        let out = render(&["pid", "query"], &[vec!["42".into(), q]], &[0, 1], Some(40));
        assert!(out.lines().all(|l| l.chars().count() <= 40), "{out}");
        // Several wide name columns: each gives way in turn, not only the widest.
        let rows = vec![vec![
            "Activity:LogicalReplicationLauncherMain".to_string(),
            "logical_replication_launcher_process".to_string(),
            "reporting_archive.monthly_revenue".to_string(),
        ]];
        let out = render(&["wait", "kind", "table"], &rows, &[0, 1, 2], Some(70));
        assert!(out.lines().all(|l| l.chars().count() <= 70), "{out}");
        assert!(out.contains("LogicalReplicationLauncherMain") && out.contains("launcher_"), "{out}");
    }

    #[test]
    fn column_choice() {
        let h = ["table", "size", "reltuples", "dead %"];
        assert_eq!(Columns::Default.select(&h, &["reltuples"]), vec![0, 1, 3]);
        assert_eq!(Columns::Wide.select(&h, &["reltuples"]), vec![0, 1, 2, 3]);
        let only = Columns::from_flags(false, Some("dead_pct, Table"));
        assert_eq!(only.select(&h, &["reltuples"]), vec![3, 0]);
        // A table with none of the chosen columns keeps its default set.
        assert_eq!(only.select(&["database", "xid age"], &[]), vec![0, 1]);
        assert!(only.check(&[&h]).is_ok());
        let e = Columns::from_flags(false, Some("table,nope")).check(&[&h]).unwrap_err().to_string();
        assert!(e.contains("`nope`") && e.contains("reltuples"), "{e}");
        assert_eq!(Columns::from_flags(true, None), Columns::Wide);
    }
}
