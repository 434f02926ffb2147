//! The rules of `docs/architecture.md`, checked on the sources: arrows point down only (between
//! the layers, and inside `connect/` in its stated order), no import cycle between sibling
//! modules, and rows read by column name.
//!
//! The sources are read as tokens, not as text: comments, strings and the items under
//! `#[cfg(test)]` (test modules and helpers may reach anywhere) are left out, and what follows a
//! test item is read on. Every path that names a module of the crate counts: `crate::a::b`,
//! `super::x` and `super::super::x` (resolved from the module they are written in), and each
//! leaf of a grouped import (`use crate::{a::B, c::{self, D}}`). The checks run on `src/`, and on
//! the fixture tree `tests/fixtures/layering/`, whose every planted mistake must be found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module's layer: a module may use modules of a lower layer and itself, nothing
/// else (so no upward arrow and no cycle between top-level modules).
const LAYERS: &[(&str, u8)] = &[
    ("redact", 0),
    ("files", 0),
    ("sql", 0),
    ("interrupt", 0),
    ("units", 0),
    ("error", 1),
    ("output", 2),
    ("connect", 3),
    ("migrate", 4),
    ("data", 5),
    ("reports", 5),
    ("admin", 5),
    ("maintenance", 6),
    ("page", 7),
    ("cli", 8),
    ("commands", 9),
];

/// Inside `connect/`, the order of its files: each may use the ones before it.
const CONNECT_ORDER: &[&str] =
    &["env", "url", "pgpass", "resolve", "targets", "tls", "setup", "pool", "pooler", "blocking"];

/// At most this many rows read by position (`row.get(0)`) in one function: a scalar or a pair
/// read right where its query runs. Anything wider is read by column name.
const MAX_POSITIONAL: usize = 2;

fn layer(m: &str) -> Option<u8> {
    LAYERS.iter().find(|(n, _)| *n == m).map(|(_, l)| *l)
}

/// A token of Rust source: a word (identifier, keyword or number), `::`, or one other character.
#[derive(Debug, Clone, PartialEq)]
struct Tok {
    text: String,
    line: usize,
}

/// `text` with its comments (nested block comments too), string literals (raw and byte ones)
/// and character literals turned into spaces, newlines kept (so lines still count).
fn blank_literals(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || !word(b[i - 1]);
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = crate::sql::block_comment_end(b, i);
                blank(&mut out, i, end);
                i = end;
            }
            // r"…", r#"…"#, br"…": no escapes, ends at the quote and as many #.
            b'r' if starts_word || (i >= 1 && b[i - 1] == b'b' && (i == 1 || !word(b[i - 2]))) => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                let end = text[body..].find(&close).map_or(b.len(), |n| body + n + close.len());
                blank(&mut out, i, end);
                i = end;
            }
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut out, i, j + 1);
                i = j + 1;
            }
            b'\'' => {
                // A character literal ('x', '\n', '\u{1F600}', 'é'), else a lifetime ('a).
                let rest = &text[i + 1..];
                let end = if rest.starts_with('\\') {
                    rest[2..].find('\'').map(|n| i + 1 + 2 + n + 1)
                } else {
                    rest.chars()
                        .next()
                        .filter(|c| rest[c.len_utf8()..].starts_with('\''))
                        .map(|c| i + 1 + c.len_utf8() + 1)
                };
                match end {
                    Some(end) => {
                        blank(&mut out, i, end);
                        i = end;
                    }
                    None => i += 1,
                }
            }
            _ => i += 1,
        }
    }
    String::from_utf8(out).expect("only whole literals were blanked")
}

/// The tokens of `code` (literals already blanked).
fn tokens(code: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut it = code.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\n' {
            line += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            out.push(Tok { text: code[i..end].to_string(), line });
        } else if c == ':' && it.peek().is_some_and(|&(_, d)| d == ':') {
            it.next();
            out.push(Tok { text: code[i..i + 2].to_string(), line });
        } else if !c.is_whitespace() {
            out.push(Tok { text: code[i..i + c.len_utf8()].to_string(), line });
        }
    }
    out
}

/// The index just after the bracketed group that opens at `toks[i]` (`(`, `[` or `{`).
fn close(toks: &[Tok], i: usize) -> usize {
    let (open, shut) = match toks[i].text.as_str() {
        "(" => ("(", ")"),
        "[" => ("[", "]"),
        _ => ("{", "}"),
    };
    let mut depth = 0;
    for (j, t) in toks.iter().enumerate().skip(i) {
        if t.text == open {
            depth += 1;
        } else if t.text == shut {
            depth -= 1;
            if depth == 0 {
                return j + 1;
            }
        }
    }
    toks.len()
}

fn texts_at(toks: &[Tok], i: usize, want: &[&str]) -> bool {
    want.iter().enumerate().all(|(k, w)| toks.get(i + k).is_some_and(|t| t.text == *w))
}

/// `toks` without the items under `#[cfg(test)]` (the attribute, any attributes after it, and
/// the item: up to its `;`, or its `{ … }` block).
fn without_tests(toks: &[Tok]) -> Vec<Tok> {
    const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !texts_at(toks, i, &CFG_TEST) {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += CFG_TEST.len();
        while texts_at(toks, i, &["#", "["]) {
            i = close(toks, i + 1);
        }
        while i < toks.len() {
            match toks[i].text.as_str() {
                ";" => {
                    i += 1;
                    break;
                }
                "{" => {
                    i = close(toks, i);
                    break;
                }
                "(" | "[" => i = close(toks, i),
                _ => i += 1,
            }
        }
    }
    out
}

/// One source file as the checks see it.
struct Source {
    /// Relative to the crate root, e.g. `src/reports/indexes.rs`.
    path: String,
    /// Its module path, e.g. `["reports", "indexes"]` (empty for `lib.rs`).
    module: Vec<String>,
    /// Its tokens without comments, literals and test items.
    toks: Vec<Tok>,
}

/// A module of the crate naming another: `from` uses `to`, at `path:line`.
#[derive(Debug, Clone)]
struct Edge {
    from: Vec<String>,
    to: Vec<String>,
    at: String,
}

/// The paths of the `use` tree starting at `toks[*i]` (after `use`), each prefixed with
/// `prefix`; `*i` ends after the tree.
fn use_tree(toks: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<(Vec<String>, usize)>) {
    let mut path = prefix;
    let line = toks.get(*i).map_or(0, |t| t.line);
    while let Some(t) = toks.get(*i) {
        match t.text.as_str() {
            "::" => *i += 1,
            "{" => {
                *i += 1;
                while toks.get(*i).is_some_and(|t| t.text != "}") {
                    let before = *i;
                    use_tree(toks, i, path.clone(), out);
                    if toks.get(*i).is_some_and(|t| t.text == ",") || *i == before {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            "*" => {
                *i += 1;
                out.push((path, line));
                return;
            }
            "self" if !path.is_empty() => {
                *i += 1;
                out.push((path, line));
                return;
            }
            "as" => {
                *i += 2;
                out.push((path, line));
                return;
            }
            "," | ";" | "}" => {
                out.push((path, line));
                return;
            }
            w => {
                path.push(w.to_string());
                *i += 1;
            }
        }
    }
    out.push((path, line));
}

/// Where `path` (as written in module `module`) leads: the module path it names from the crate
/// root, or `None` for a path that does not start at `crate`, `super` or `self` (an external
/// crate, a child module by its bare name, a local item).
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut at: Vec<String> = match path.first()?.as_str() {
        "crate" => Vec::new(),
        "self" | "super" => module.to_vec(),
        _ => return None,
    };
    let mut rest = &path[1..];
    if path[0] == "super" {
        at.pop()?;
    }
    while rest.first().is_some_and(|s| s == "super") {
        at.pop()?;
        rest = &rest[1..];
    }
    at.extend(rest.iter().cloned());
    Some(at)
}

/// Every module that `src` names, with the line.
fn edges(src: &Source, modules: &BTreeSet<Vec<String>>) -> Vec<Edge> {
    let toks = &src.toks;
    let mut named: Vec<(Vec<String>, Vec<String>, usize)> = Vec::new();
    // Inline (non-test) modules: their own path while inside their braces.
    let mut inline: Vec<(usize, String)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let here: Vec<String> =
            src.module.iter().cloned().chain(inline.iter().map(|(_, n)| n.clone())).collect();
        match toks[i].text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(d, _)| *d == depth) {
                    inline.pop();
                }
            }
            "mod" if texts_at(toks, i + 2, &["{"]) => {
                inline.push((depth, toks[i + 1].text.clone()));
                depth += 1;
                i += 3;
                continue;
            }
            // Not `+ use<'a>` (precise capturing in a bound).
            "use" if !texts_at(toks, i + 1, &["<"]) => {
                let mut leaves = Vec::new();
                i += 1;
                use_tree(toks, &mut i, Vec::new(), &mut leaves);
                named.extend(leaves.into_iter().map(|(p, line)| (here.clone(), p, line)));
                continue;
            }
            "crate" | "super" | "self" if texts_at(toks, i + 1, &["::"]) => {
                let mut path = vec![toks[i].text.clone()];
                let line = toks[i].line;
                let mut j = i + 1;
                while texts_at(toks, j, &["::"])
                    && toks.get(j + 1).is_some_and(|t| t.text != "{" && t.text != "<")
                {
                    path.push(toks[j + 1].text.clone());
                    j += 2;
                }
                named.push((here, path, line));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    named
        .into_iter()
        .filter_map(|(from, path, line)| {
            let full = resolve(&from, &path)?;
            // The module it names: the longest prefix that is one (the rest are items).
            let to = (0..=full.len()).rev().map(|n| full[..n].to_vec()).find(|m| modules.contains(m))?;
            Some(Edge { from, to, at: format!("{}:{line}", src.path) })
        })
        .collect()
}

/// Read every `.rs` file under `root/src`.
fn read_tree(root: &Path) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &root.join("src"), &mut out);
    out
}

fn module_of(path: &str) -> Option<Vec<String>> {
    let rel = path.strip_prefix("src/")?.strip_suffix(".rs")?;
    let mut m: Vec<String> = rel.split('/').map(str::to_string).collect();
    match m.last().map(String::as_str) {
        Some("lib") if m.len() == 1 => Some(Vec::new()),
        Some("main") if m.len() == 1 => None,
        Some("mod") => {
            m.pop();
            Some(m)
        }
        _ => Some(m),
    }
}

fn show(m: &[String]) -> String {
    if m.is_empty() { "crate".to_string() } else { m.join("::") }
}

/// The sources of the crate compiled outside tests: a file counts when its parent declares it
/// (`mod name;` outside `#[cfg(test)]`).
fn live_sources(files: &[(String, String)]) -> Vec<Source> {
    let all: Vec<Source> = files
        .iter()
        .filter_map(|(path, text)| {
            let module = module_of(path)?;
            Some(Source { path: path.clone(), module, toks: without_tests(&tokens(&blank_literals(text))) })
        })
        .collect();
    let declared = |parent: &[String], name: &str| {
        all.iter()
            .filter(|s| s.module == parent)
            .any(|s| s.toks.windows(3).any(|w| w[0].text == "mod" && w[1].text == name && w[2].text == ";"))
    };
    let live: Vec<Vec<String>> = all
        .iter()
        .filter(|s| (1..=s.module.len()).all(|n| declared(&s.module[..n - 1], &s.module[n - 1])))
        .map(|s| s.module.clone())
        .collect();
    all.into_iter().filter(|s| live.contains(&s.module)).collect()
}

/// Every breach of the layering in the tree at `root` (a crate: `root/src/lib.rs` and below),
/// one line each.
fn layering_problems(root: &Path) -> Vec<String> {
    let files = read_tree(root);
    let sources = live_sources(&files);
    let mut modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut wrong = Vec::new();
    for s in &sources {
        if s.module.len() == 1 && layer(&s.module[0]).is_none() {
            wrong.push(format!("{}: the module `{}` has no layer in LAYERS", s.path, s.module[0]));
        }
        // Inline modules are modules too.
        for w in s.toks.windows(3) {
            if w[0].text == "mod" && w[2].text == "{" {
                modules.insert(s.module.iter().cloned().chain([w[1].text.clone()]).collect());
            }
        }
    }
    let all_edges: Vec<Edge> = sources.iter().flat_map(|s| edges(s, &modules)).collect();
    // Between layers, and inside connect/.
    for e in &all_edges {
        let (Some(from), Some(to)) = (e.from.first(), e.to.first()) else { continue };
        if from != to {
            if let (Some(lf), Some(lt)) = (layer(from), layer(to))
                && lt >= lf
            {
                wrong.push(format!("{}: {} uses {}, a layer not below it", e.at, show(&e.from), show(&e.to)));
            }
        } else if from == "connect" && e.from.len() >= 2 && e.to.len() >= 2 {
            let pos = |m: &str| CONNECT_ORDER.iter().position(|f| *f == m);
            if let (Some(pf), Some(pt)) = (pos(&e.from[1]), pos(&e.to[1]))
                && pt > pf
            {
                wrong.push(format!("{}: {} uses {}, which comes after it", e.at, show(&e.from), show(&e.to)));
            }
        }
    }
    // Cycles between siblings: each use counts as an arrow between the two modules under their
    // closest common parent that hold the user and the used (a parent and its own children are
    // one unit: a folder's mod.rs re-exports and declares its files).
    let mut arrows: BTreeMap<(Vec<String>, Vec<String>), String> = BTreeMap::new();
    for e in &all_edges {
        let common = e.from.iter().zip(&e.to).take_while(|(a, b)| a == b).count();
        // Between top-level modules, the layers already forbid any arrow that is not down.
        if common > 0 && common < e.from.len() && common < e.to.len() {
            let a = e.from[..=common].to_vec();
            let b = e.to[..=common].to_vec();
            arrows.entry((a, b)).or_insert_with(|| e.at.clone());
        }
    }
    for cycle in cycles(&arrows) {
        let mut steps = Vec::new();
        for (k, a) in cycle.iter().enumerate() {
            let b = &cycle[(k + 1) % cycle.len()];
            steps.push(format!("{} uses {} ({})", show(a), show(b), arrows[&(a.clone(), b.clone())]));
        }
        wrong.push(format!("import cycle: {}", steps.join("; ")));
    }
    wrong
}

/// The cycles of a directed graph, one per strongly connected component of more than one node,
/// each as a shortest closed walk from its smallest node.
fn cycles<'a>(arrows: &'a BTreeMap<(Vec<String>, Vec<String>), String>) -> Vec<Vec<Vec<String>>> {
    let mut next: BTreeMap<&Vec<String>, Vec<&Vec<String>>> = BTreeMap::new();
    for (a, b) in arrows.keys() {
        next.entry(a).or_default().push(b);
        next.entry(b).or_default();
    }
    type Node<'a> = &'a Vec<String>;
    // Breadth first from `n`: each node reached, with the node it was reached from.
    let search = |n: Node<'a>| -> BTreeMap<Node<'a>, Node<'a>> {
        let mut prev = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([n]);
        while let Some(a) = queue.pop_front() {
            for &b in &next[a] {
                if !prev.contains_key(b) {
                    prev.insert(b, a);
                    queue.push_back(b);
                }
            }
        }
        prev
    };
    let reach: BTreeMap<&Vec<String>, BTreeMap<&Vec<String>, &Vec<String>>> =
        next.keys().map(|&n| (n, search(n))).collect();
    let mut done: BTreeSet<&Vec<String>> = BTreeSet::new();
    let mut out = Vec::new();
    for (&n, from_n) in &reach {
        if done.contains(n) || !from_n.contains_key(n) {
            continue;
        }
        done.extend(from_n.keys().filter(|m| reach[*m].contains_key(n)));
        let mut walk = vec![n.clone()];
        let mut at = from_n[n];
        while at != n {
            walk.push(at.clone());
            at = from_n[at];
        }
        walk[1..].reverse();
        out.push(walk);
    }
    out
}

/// The functions of `src` that read more than [`MAX_POSITIONAL`] values by position
/// (`.get(3)`, `.try_get::<_, i64>(0)`): `path:line fn name: N`.
fn positional_reads(src: &Source) -> Vec<String> {
    let toks = &src.toks;
    // The functions whose bodies we are in: (name, line, brace depth inside its body, count).
    let mut stack: Vec<(String, usize, usize, usize)> = Vec::new();
    // The `{` that opens the next function's body: (its index, name, line).
    let mut body: Option<(usize, String, usize)> = None;
    let mut depth = 0usize;
    let mut out = Vec::new();
    for i in 0..toks.len() {
        match toks[i].text.as_str() {
            "fn" if toks
                .get(i + 1)
                .is_some_and(|t| t.text.starts_with(|c: char| c.is_alphabetic() || c == '_')) =>
            {
                // The body is the first `{` outside the signature's brackets; none before a `;`.
                let mut j = i + 2;
                while let Some(t) = toks.get(j) {
                    match t.text.as_str() {
                        "(" | "[" => j = close(toks, j),
                        "{" => {
                            body = Some((j, toks[i + 1].text.clone(), toks[i].line));
                            break;
                        }
                        ";" => break,
                        _ => j += 1,
                    }
                }
            }
            "{" => {
                depth += 1;
                if body.as_ref().is_some_and(|b| b.0 == i)
                    && let Some((_, name, line)) = body.take()
                {
                    stack.push((name, line, depth, 0));
                }
            }
            "}" => {
                if stack.last().is_some_and(|f| f.2 == depth) {
                    let (name, line, _, n) = stack.pop().expect("checked");
                    if n > MAX_POSITIONAL {
                        out.push(format!("{}:{line} fn {name}: {n} values read by position", src.path));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            "." if toks.get(i + 1).is_some_and(|t| t.text == "get" || t.text == "try_get") => {
                let mut j = i + 2;
                if texts_at(toks, j, &["::", "<"]) {
                    let mut angle = 0;
                    j += 1;
                    while let Some(t) = toks.get(j) {
                        j += 1;
                        match t.text.as_str() {
                            "<" => angle += 1,
                            ">" => {
                                angle -= 1;
                                if angle == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                let number = toks.get(j + 1).is_some_and(|t| t.text.bytes().all(|c| c.is_ascii_digit()));
                if texts_at(toks, j, &["("])
                    && number
                    && texts_at(toks, j + 2, &[")"])
                    && let Some(f) = stack.last_mut()
                {
                    f.3 += 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// Every function of the tree at `root` that reads rows by position beyond the limit.
fn positional_problems(root: &Path) -> Vec<String> {
    let files = read_tree(root);
    live_sources(&files).iter().flat_map(positional_reads).collect()
}

fn crate_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn arrows_point_down_only_and_siblings_form_no_cycle() {
    let wrong = layering_problems(crate_root());
    assert!(wrong.is_empty(), "the layering of docs/architecture.md is broken:\n{}", wrong.join("\n"));
}

#[test]
fn rows_are_read_by_column_name() {
    let wrong = positional_problems(crate_root());
    assert!(
        wrong.is_empty(),
        "read these rows by column name (docs/architecture.md: at most {MAX_POSITIONAL} by position in a function):\n{}",
        wrong.join("\n")
    );
}

/// The fixture tree plants one mistake of each kind the checks must catch, beside code that
/// looks like one and is not (a comment, a string, a test module, a test-only file).
#[test]
fn the_checks_find_every_mistake_planted_in_the_fixture() {
    let root = crate_root().join("tests/fixtures/layering");
    let mut got = layering_problems(&root);
    got.sort();
    let want = [
        "import cycle: reports::a uses reports::b (src/reports/a.rs:3); reports::b uses reports::a (src/reports/b.rs:4)",
        "import cycle: reports::c uses reports::deep (src/reports/c.rs:2); reports::deep uses reports::c (src/reports/deep/leaf.rs:7)",
        "src/connect/pool.rs:2: connect::pool uses connect::blocking, which comes after it",
        "src/output/grouped.rs:3: output::grouped uses commands, a layer not below it",
        "src/output/grouped.rs:3: output::grouped uses reports::a, a layer not below it",
        "src/reports/after_helper.rs:9: reports::after_helper uses cli, a layer not below it",
        "src/reports/deep/leaf.rs:3: reports::deep::leaf uses cli, a layer not below it",
        "src/reports/inline.rs:6: reports::inline::inner uses commands, a layer not below it",
        "src/unlayered.rs: the module `unlayered` has no layer in LAYERS",
    ];
    assert_eq!(got, want, "\n{}", got.join("\n"));
    let got = positional_problems(&root);
    assert_eq!(got, ["src/reports/a.rs:6 fn wide: 3 values read by position"], "{got:?}");
}

#[test]
fn literals_and_comments_are_blanked_lines_kept() {
    let code = "let a = \"crate::x\"; // crate::y\n/* a /* nested */ crate::z */ let c = '\"';\nlet r = r#\"crate::\"w\"#; let l: &'a str = b\"q\"; 'x'";
    let blanked = blank_literals(code);
    assert!(!blanked.contains("crate"), "{blanked}");
    assert_eq!(blanked.lines().count(), 3);
    assert!(blanked.contains("let c =") && blanked.contains("&'a str"), "{blanked}");
}
