//! One report over several databases (`--url` repeated, `--targets`, `--all-targets`): one
//! table per kind of section with a `target` column, JSON with each target's result or error,
//! and under `--check` one check table and the worst status as the exit code (a target that
//! could not be read is UNKNOWN, the others are still reported).

use anyhow::Result;
use serde::Serialize;

use super::Out;
use super::cells::value_cell;
use super::check::{Check, Status, Thresholds, combine};
use super::report::Report;

/// One target's outcome.
#[derive(Debug)]
pub struct FleetEntry<R> {
    /// The target's name (a `--targets` name, or the host and database of a `--url`).
    pub target: String,
    /// Its connection URL, password hidden.
    pub url: String,
    /// The report, or why it could not be read (one line, no secrets).
    pub result: Result<R, String>,
    /// Whether the server is a standby (`None`: not known).
    pub standby: Option<bool>,
    /// Notes about this target (the standby note), before the report's own.
    pub notes: Vec<String>,
}

impl<R: Report> FleetEntry<R> {
    /// Its checks: the report's, or one UNKNOWN `connection` check when it could not be read.
    fn checks(&self, t: &Thresholds) -> Vec<Check> {
        match &self.result {
            Ok(r) => r.checks(t),
            Err(e) => vec![Check::unknown("connection", None, e.clone())],
        }
    }

    fn failed(&self) -> bool {
        self.result.as_ref().map_or(true, |r| r.failed())
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    target: &'a str,
    url: &'a str,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    standby: Option<bool>,
    error: Option<&'a str>,
    result: Option<serde_json::Value>,
}

/// `[n]` footnote markers of one target's table renumbered after those of the targets before it.
fn renumber(cell: &str, offset: usize, count: usize) -> String {
    if offset == 0 || !cell.contains('[') {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut rest = cell;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(']').map(|j| (&after[..j], j)) {
            Some((n, j)) if n.parse::<usize>().is_ok_and(|n| (1..=count).contains(&n)) => {
                out.push_str(&format!("[{}]", n.parse::<usize>().unwrap_or(0) + offset));
                rest = &after[j + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The sections of every target, merged by their columns: (titles, headers, rows, wide, empty,
/// footnotes), in the order first seen.
struct Merged {
    titles: Vec<String>,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    wide: &'static [&'static str],
    empty: &'static str,
    footnotes: Vec<String>,
}

fn merge<R: Report>(entries: &[FleetEntry<R>]) -> Vec<Merged> {
    let mut merged: Vec<Merged> = Vec::new();
    for e in entries {
        let Ok(r) = &e.result else { continue };
        for s in r.sections() {
            let mut headers = vec!["target"];
            headers.extend(s.headers.iter().copied());
            let i = match merged.iter().position(|m| m.headers == headers) {
                Some(i) => i,
                None => {
                    merged.push(Merged {
                        titles: Vec::new(),
                        headers,
                        rows: Vec::new(),
                        wide: s.wide,
                        empty: s.empty,
                        footnotes: Vec::new(),
                    });
                    merged.len() - 1
                }
            };
            let m = &mut merged[i];
            if !s.title.is_empty() {
                m.titles.push(format!("{}: {}", e.target, s.title));
            }
            let (offset, count) = (m.footnotes.len(), s.footnotes.len());
            for row in s.rows {
                let mut cells = vec![e.target.clone()];
                cells.extend(row.iter().map(|c| renumber(c, offset, count)));
                m.rows.push(cells);
            }
            m.footnotes.extend(s.footnotes.iter().map(|f| renumber(f, offset, count)));
        }
    }
    merged
}

impl Out {
    /// Render one report over several targets; returns the exit status: under `--check` the
    /// worst status of all checks (a target not read is UNKNOWN), else 1 when a target could not
    /// be read (or its report failed), else 0.
    pub fn fleet_report<R: Report>(
        &self,
        entries: &[FleetEntry<R>],
        check: Option<&Thresholds>,
    ) -> Result<u8> {
        let checks: Option<Vec<(String, Vec<Check>)>> =
            check.map(|t| entries.iter().map(|e| (e.target.clone(), e.checks(t))).collect());
        let worst = checks.as_ref().map(|c| c.iter().map(|(_, c)| combine(c)).max().unwrap_or(Status::Ok));
        let checks_are_the_report =
            entries.iter().any(|e| e.result.as_ref().is_ok_and(|r| r.checks_are_the_report()));
        if self.is_json() {
            let mut list = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                let status = checks.as_ref().map(|c| combine(&c[i].1));
                let result = match &e.result {
                    Ok(r) => {
                        let mut v = serde_json::to_value(r)?;
                        if let (Some(c), Some(obj)) = (&checks, v.as_object_mut())
                            && !r.checks_are_the_report()
                        {
                            obj.insert(
                                "check".into(),
                                serde_json::json!({ "status": status, "checks": c[i].1 }),
                            );
                        }
                        Some(v)
                    }
                    Err(_) => None,
                };
                list.push(EntryJson {
                    target: &e.target,
                    url: &e.url,
                    ok: e.result.is_ok(),
                    status,
                    standby: e.standby,
                    error: e.result.as_ref().err().map(String::as_str),
                    result,
                });
            }
            #[derive(Serialize)]
            struct Doc<'a> {
                targets: Vec<EntryJson<'a>>,
                #[serde(skip_serializing_if = "Option::is_none")]
                check: Option<serde_json::Value>,
            }
            self.json(&Doc { targets: list, check: worst.map(|w| serde_json::json!({ "status": w })) })?;
        } else {
            if checks_are_the_report {
                // The report is its checks (`health`): one table of every target's checks.
                let t = check.cloned().unwrap_or_else(|| Thresholds::new(&[]));
                self.check_table(entries.iter().map(|e| (e.target.clone(), e.checks(&t))), true)?;
            } else {
                let merged = merge(entries);
                let all: Vec<&[&str]> = merged.iter().map(|m| m.headers.as_slice()).collect();
                self.columns.check(&all)?;
                for m in merged {
                    for t in &m.titles {
                        self.line(t)?;
                    }
                    if m.rows.is_empty() {
                        if !m.empty.is_empty() {
                            self.line(format!("  ({})", m.empty))?;
                        }
                        continue;
                    }
                    self.print_table(&m.headers, &m.rows, m.wide)?;
                    for f in &m.footnotes {
                        self.footnote(f)?;
                    }
                }
                if let Some(c) = &checks {
                    self.check_table(c.iter().cloned(), false)?;
                } else {
                    let failed: Vec<Vec<String>> = entries
                        .iter()
                        .filter_map(|e| {
                            e.result.as_ref().err().map(|err| vec![e.target.clone(), err.clone()])
                        })
                        .collect();
                    if !failed.is_empty() {
                        self.line("Targets not read")?;
                        self.print_table(&["target", "error"], &failed, &[])?;
                    }
                }
            }
        }
        for e in entries {
            let own = e.result.as_ref().map(|r| r.notes()).unwrap_or_default();
            for n in e.notes.iter().chain(own.iter()) {
                self.note(format!("{}: {n}", e.target));
            }
            // Errors only (`--quiet`): the table of targets not read is not printed, this is.
            if let (Err(err), None, true, false) = (&e.result, &checks, self.quiet, self.is_json()) {
                self.error(format!("error: {}: {err}", e.target));
            }
        }
        if let (Some(c), Some(w)) = (&checks, worst) {
            let bad: Vec<String> = c
                .iter()
                .flat_map(|(target, cs)| {
                    cs.iter()
                        .filter(|c| c.status != Status::Ok)
                        .map(move |c| format!("{target}/{}={} ({})", c.name, value_cell(&c.value), c.status))
                })
                .collect();
            let n: usize = c.iter().map(|(_, cs)| cs.len()).sum();
            let line = if bad.is_empty() {
                format!("{w}: all {n} checks OK on {} targets", c.len())
            } else {
                format!("{w}: {}", bad.join(", "))
            };
            if self.is_json() { self.note(line) } else { self.line(line)? }
        }
        Ok(match worst {
            Some(w) => w.exit_code(),
            None if entries.iter().any(|e| e.failed()) => 1,
            None => 0,
        })
    }

    /// The checks of every target in one table.
    fn check_table(
        &self,
        checks: impl Iterator<Item = (String, Vec<Check>)>,
        thresholds: bool,
    ) -> Result<()> {
        let th = |c: &Check, f: fn(&super::check::Threshold) -> Option<f64>| {
            c.threshold
                .as_ref()
                .and_then(f)
                .map(|v| super::check::num(v).to_string())
                .unwrap_or_else(|| "-".into())
        };
        let rows: Vec<Vec<String>> = checks
            .flat_map(|(target, cs)| {
                cs.into_iter()
                    .map(|c| {
                        let mut row =
                            vec![target.clone(), c.name.clone(), c.status.to_string(), value_cell(&c.value)];
                        if thresholds {
                            row.push(th(&c, |t| t.warn));
                            row.push(th(&c, |t| t.crit));
                        }
                        row.push(c.message.clone());
                        row
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let headers: &[&str] = if thresholds {
            &["target", "check", "status", "value", "warn", "crit", "message"]
        } else {
            &["target", "check", "status", "value", "message"]
        };
        self.columns.check(&[headers])?;
        self.print_table(headers, &rows, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footnote_markers_follow_the_targets_before() {
        assert_eq!(renumber("n/a [2]", 3, 2), "n/a [5]");
        assert_eq!(renumber("[1]", 0, 1), "[1]");
        assert_eq!(renumber("[1] never analyzed", 1, 1), "[2] never analyzed");
        // Brackets that are not markers stay.
        assert_eq!(renumber("a[x] [9] [1]", 2, 1), "a[x] [9] [3]");
    }
}
