//! `retention`: the rules (flags or a rule file) → plan → dry run, or confirm and run → render.

use anyhow::{Context, Result, anyhow};
use clap::Parser;

use crate::cli::{RetentionArgs, RetentionRuleArgs, RetentionRuleLine};
use crate::commands::Ctx;
use crate::error::Usage;
use crate::maintenance::retention::report::Stop;
use crate::maintenance::retention::{self, Action, Age, Interrupt, Rule, RunOptions};
use crate::output::cells::plural;

pub async fn run(ctx: &Ctx, a: RetentionArgs) -> Result<u8> {
    let rules = match &a.config {
        Some(path) => rule_file(path)?,
        None => vec![rule(a.rule.clone(), "")?],
    };
    let db = ctx.connect_maintenance("retention").await?;
    let mut plans = Vec::with_capacity(rules.len());
    {
        let client = db.get().await?;
        for r in rules {
            let table = r.table.clone();
            plans.push(retention::plan(&client, r).await.with_context(|| format!("retention of {table}"))?);
        }
    }
    // What the cascades of each rule reach, counted exactly (and `--no-cascade` refused) before
    // anything is shown, asked or changed.
    retention::count_cascades(&*db.get().await?, &mut plans).await?;
    if a.dry_run {
        let r = retention::dry_run(&*db.get().await?, &plans).await?;
        return ctx.out.report(&r, None);
    }
    let name = db.cfg.dbname_or_default();
    let what: Vec<String> = plans
        .iter()
        .map(|p| {
            let delete: i64 =
                p.parts.iter().filter(|x| x.action == Action::Delete).filter_map(|x| x.estimate).sum();
            let removed: Vec<&retention::Part> =
                p.parts.iter().filter(|x| x.action != Action::Delete).collect();
            // Counted exactly with the cascades; else the planner's estimate.
            let rows = match p.old_rows.filter(|_| p.parts.iter().all(|x| x.action == Action::Delete)) {
                Some(n) => plural(n, "row", "rows"),
                None => format!("about {}", plural(delete, "row", "rows")),
            };
            let mut s = format!(
                "delete the rows of {} with {} < {} ({rows})",
                p.table.display(),
                p.column.name,
                p.cutoff_text,
            );
            if !removed.is_empty() {
                let rows: i64 = removed.iter().filter_map(|x| x.estimate).sum();
                s.push_str(&format!(
                    " and drop {} wholly older (about {})",
                    plural(removed.len() as i64, "partition", "partitions"),
                    plural(rows, "row", "rows")
                ));
            }
            let reached: Vec<String> =
                p.cascades.iter().filter(|c| c.rows > 0).map(retention::cascade_words).collect();
            if !reached.is_empty() {
                s.push_str(&format!(", and with them {}", reached.join(", ")));
            }
            s
        })
        .collect();
    crate::output::confirm::confirm_typed(
        &format!("{} in database \"{name}\"", what.join("; ")),
        &name,
        a.confirm.yes,
    )
    .await?;
    let out = ctx.out.clone();
    let interrupt = Interrupt::listen(move |s| out.note(s));
    let run_opts = RunOptions {
        max_duration: a.max_duration,
        lock_timeout: ctx.global.lock_timeout.unwrap_or(crate::maintenance::LOCK_TIMEOUT),
        statement_timeout: ctx.global.statement_timeout,
        quiet: ctx.out.quiet,
    };
    let out = ctx.out.clone();
    let r = retention::run(&db, &plans, &run_opts, &interrupt, &|s| out.note(s)).await;
    ctx.out.report(&r, None)?;
    Ok(match r.stopped {
        Some(Stop::Interrupted) => crate::interrupt::exit_status(),
        Some(Stop::Error) => {
            ctx.out.error(format!("error: {}", r.error.unwrap_or_default()));
            1
        }
        Some(Stop::MaxDuration) | None => 0,
    })
}

/// A rule from its flags; `at` says where it came from (a rule file's line) in errors.
fn rule(a: RetentionRuleArgs, at: &str) -> Result<Rule> {
    let missing = |flag: &str| anyhow!(Usage(format!("{at}{flag} is required (or give --config FILE)")));
    let age = match (a.older_than, a.before) {
        (Some(i), None) => Age::OlderThan(i),
        (None, Some(t)) => Age::Before(t),
        _ => return Err(missing("--older-than AGE (or --before TIME)")),
    };
    Ok(Rule {
        table: a.table.ok_or_else(|| missing("--table"))?,
        column: a.column.ok_or_else(|| missing("--column"))?,
        age,
        batch_size: a.batch_size,
        pause: a.pause,
        archive: a.archive,
        vacuum: !a.no_vacuum,
        cascade: !a.no_cascade,
    })
}

/// The rules of a rule file: one per line, the flags of `retention`; `#` starts a comment.
fn rule_file(path: &std::path::Path) -> Result<Vec<Rule>> {
    let text = crate::files::read_text(path, crate::files::CONFIG_LIMIT)
        .with_context(|| format!("cannot read the rule file {}", path.display()))?;
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = format!("{} line {}: ", path.display(), i + 1);
        let words = words(line).map_err(|e| anyhow!(Usage(format!("{at}{e}"))))?;
        if words.is_empty() {
            continue;
        }
        let parsed = RetentionRuleLine::try_parse_from(&words).map_err(|e| {
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or_default().trim_start_matches("error: ").to_string();
            anyhow!(Usage(format!("{at}{first}")))
        })?;
        rules.push(rule(parsed.rule, &at)?);
    }
    if rules.is_empty() {
        return Err(anyhow!(Usage(format!("{} holds no rule", path.display()))));
    }
    Ok(rules)
}

/// Split a line into words as a POSIX shell would (the `shlex` crate): blanks separate, '…' and
/// "…" quote, `\` escapes, `#` at the start of a word begins a comment.
fn words(line: &str) -> Result<Vec<String>, String> {
    shlex::split(line).ok_or_else(|| "an unclosed quote, or a `\\` at the end of the line".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_lines_split_like_a_shell() {
        assert_eq!(
            words("  --table a  --column 'my col' # note").unwrap(),
            ["--table", "a", "--column", "my col"]
        );
        assert_eq!(words(r#"--archive "/srv/a b" x\ y"#).unwrap(), ["--archive", "/srv/a b", "x y"]);
        assert!(words("# only a comment").unwrap().is_empty());
        assert!(words("--table 'open").is_err());
        assert!(words("--table \"open").is_err());
        assert!(words("--table a\\").is_err(), "a backslash at the end");
        // Inside double quotes a backslash escapes only what the shell lets it escape.
        assert_eq!(words(r#""a\"b" "c\d""#).unwrap(), [r#"a"b"#, r"c\d"]);
        // A # inside a word is a character.
        assert_eq!(words("--table a#b # c").unwrap(), ["--table", "a#b"]);
    }

    #[test]
    fn rule_files_parse_with_the_flags_of_the_command() {
        let dir = crate::test_support::TempDir::new("rules");
        let f = dir.file(
            "rules.conf",
            "# retention\n--table system_metrics --column recorded_at --older-than 30d\n\n\
             --table messages --column created_at --before 2025-01-01 --batch-size 2k --no-vacuum\n",
        );
        let rules = rule_file(&f).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].age, Age::OlderThan("30 days".into()));
        assert_eq!((rules[1].batch_size, rules[1].vacuum), (2000, false));
        std::fs::write(&f, "--table t --column c --older-than 3x\n").unwrap();
        let e = rule_file(&f).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("unknown unit"), "{e}");
        std::fs::write(&f, "--table t --older-than 3d\n").unwrap();
        assert!(rule_file(&f).unwrap_err().to_string().contains("--column is required"));
    }
}
