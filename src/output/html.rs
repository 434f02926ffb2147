//! `report --html`: one self-contained HTML page (no network when opened: inline CSS, inline SVG
//! charts, a Content-Security-Policy that forbids every fetch), from the same typed data as the
//! tables: a report's [`Section`]s become tables, series become line charts. Every string from
//! the database is escaped. Light and dark follow the reader's setting; it prints; tables have
//! header cells, charts a title, a description and their data as a table (text alternatives).

use std::fmt::Write as _;

use super::report::Section;

/// Escape text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How a chart's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Seconds,
    Millis,
    Count,
    PerInterval,
}

/// One line of a chart: its name and its points (Unix seconds, value).
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(i64, f64)>,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub id: String,
    pub title: String,
    /// What the chart shows, for a screen reader and for print.
    pub description: String,
    pub unit: Unit,
    pub series: Vec<Series>,
}

/// A block of a target's section.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(String),
    Text(String),
    Table(Section),
    Chart(Chart),
    /// A status line: the worst check's status and what it says.
    Status {
        status: String,
        text: String,
    },
}

/// One database's part of the page.
#[derive(Debug, Clone)]
pub struct TargetPart {
    pub name: String,
    pub anchor: String,
    pub status: String,
    pub summary: Vec<(String, String)>,
    pub blocks: Vec<Block>,
}

const CSS: &str = "
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--mut:#57606a;--line:#d0d7de;--ok:#1a7f37;--warning:#9a6700;--critical:#cf222e;--unknown:#6e40c9;--s1:#0969da;--s2:#bc4c00;--s3:#1a7f37;--s4:#8250df;--s5:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#8d96a0;--line:#30363d;--ok:#3fb950;--warning:#d29922;--critical:#f85149;--unknown:#a371f7;--s1:#58a6ff;--s2:#f0883e;--s3:#3fb950;--s4:#bc8cff;--s5:#ff7b72}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1200px;padding:1rem;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.mut{color:var(--mut)}table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem;font-size:.9em}th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:color-mix(in srgb,var(--line) 35%,transparent)}td.num{text-align:right;font-variant-numeric:tabular-nums}
.wrap{overflow-x:auto}.q{font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap;word-break:break-word;max-width:40rem}
.st{font-weight:700;padding:0 .35rem;border-radius:.25rem;border:1px solid currentColor;white-space:nowrap}
.st-ok{color:var(--ok)}.st-warning{color:var(--warning)}.st-critical{color:var(--critical)}.st-unknown{color:var(--unknown)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:1rem}figure{margin:0;border:1px solid var(--line);border-radius:.4rem;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.2rem}svg{width:100%;height:auto;display:block}svg text{fill:var(--mut);font-size:10px}
.axis{stroke:var(--line)}.grid{stroke:var(--line);stroke-dasharray:2 3}.legend{display:flex;flex-wrap:wrap;gap:.2rem .8rem;font-size:.85em}.sw{display:inline-block;width:.8em;height:.8em;margin-right:.25em;vertical-align:-.05em}
details{margin:.3rem 0}summary{cursor:pointer;color:var(--mut)}dl.sum{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}dl.sum dt{color:var(--mut)}dl.sum dd{margin:0}
nav ul{padding-left:1.2rem}
@media print{body{max-width:none;font-size:11px}details{display:block}details>summary{display:none}.charts{grid-template-columns:1fr 1fr}figure,table{break-inside:avoid}a{color:inherit;text-decoration:none}}
@media (max-width:600px){body{padding:.5rem;font-size:13px}.charts{grid-template-columns:1fr}}
";

const COLORS: [&str; 5] = ["var(--s1)", "var(--s2)", "var(--s3)", "var(--s4)", "var(--s5)"];

/// A status as a coloured badge that also reads as text (black and white, screen readers).
pub fn status_badge(status: &str) -> String {
    let s = status.to_ascii_lowercase();
    format!("<span class=\"st st-{}\">{}</span>", escape(&s), escape(&s.to_ascii_uppercase()))
}

fn fmt_value(v: f64, unit: Unit) -> String {
    let abs = v.abs();
    match unit {
        Unit::Bytes => {
            let units = ["B", "kB", "MB", "GB", "TB", "PB"];
            let mut x = v;
            let mut i = 0;
            while x.abs() >= 1024.0 && i < units.len() - 1 {
                x /= 1024.0;
                i += 1;
            }
            if i == 0 { format!("{x:.0} B") } else { format!("{x:.1} {}", units[i]) }
        }
        Unit::Seconds => format!("{v:.1} s"),
        Unit::Millis => format!("{v:.1} ms"),
        Unit::Count | Unit::PerInterval if abs >= 1e6 => format!("{:.1}M", v / 1e6),
        Unit::Count | Unit::PerInterval if abs >= 1e4 => format!("{:.1}k", v / 1e3),
        Unit::Count | Unit::PerInterval if v.fract() == 0.0 => format!("{v:.0}"),
        Unit::Count | Unit::PerInterval => format!("{v:.2}"),
    }
}

fn fmt_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format("%m-%d %H:%M").to_string()).unwrap_or_default()
}

/// A line chart as inline SVG: axes with their unit, the times of the first, middle and last
/// points, one polyline per series (`data-points`: how many), a legend, and the data as a table
/// behind a `<details>` (the text alternative).
pub fn chart(c: &Chart) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 220.0, 64.0, 12.0, 10.0, 28.0);
    let all: Vec<&(i64, f64)> = c.series.iter().flat_map(|s| s.points.iter()).collect();
    let mut out = String::new();
    let _ = write!(out, "<figure id=\"{}\">", escape(&c.id));
    let _ = write!(out, "<figcaption>{}</figcaption>", escape(&c.title));
    if all.is_empty() {
        let _ = write!(out, "<p class=\"mut\">No data in the period.</p></figure>");
        return out;
    }
    let (tmin, tmax) =
        (all.iter().map(|p| p.0).min().unwrap_or(0), all.iter().map(|p| p.0).max().unwrap_or(0));
    let vmax = all.iter().map(|p| p.1).fold(f64::MIN, f64::max).max(0.0);
    let vmin = all.iter().map(|p| p.1).fold(f64::MAX, f64::min).min(0.0);
    let vspan = if vmax > vmin { vmax - vmin } else { 1.0 };
    let tspan = (tmax - tmin).max(1) as f64;
    let x = |t: i64| left + (w - left - right) * (t - tmin) as f64 / tspan;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - vmin) / vspan);
    let label = format!("{}: {}", c.title, c.description);
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" data-chart=\"{id}\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(&c.title),
        escape(&label),
        id = escape(&c.id),
    );
    // Axes and three grid lines with their values.
    for k in 0..=2 {
        let v = vmin + vspan * k as f64 / 2.0;
        let yy = y(v);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 4.0,
            yy + 3.0,
            escape(&fmt_value(v, c.unit))
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{left}\" y1=\"{top}\" y2=\"{}\"/><line class=\"axis\" x1=\"{left}\" x2=\"{}\" y1=\"{}\" y2=\"{}\"/>",
        h - bottom,
        w - right,
        h - bottom,
        h - bottom
    );
    for (t, anchor) in [(tmin, "start"), (tmin + (tmax - tmin) / 2, "middle"), (tmax, "end")] {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{} UTC</text>",
            x(t),
            h - 8.0,
            escape(&fmt_time(t))
        );
    }
    for (i, s) in c.series.iter().enumerate() {
        let pts: Vec<String> = s.points.iter().map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v))).collect();
        let color = COLORS[i % COLORS.len()];
        let _ = write!(
            out,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.6\" points=\"{}\" data-series=\"{}\" data-points=\"{}\"><title>{}</title></polyline>",
            pts.join(" "),
            escape(&s.name),
            s.points.len(),
            escape(&s.name)
        );
        if s.points.len() == 1 {
            let (t, v) = s.points[0];
            let _ = write!(out, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{color}\"/>", x(t), y(v));
        }
    }
    out.push_str("</svg><div class=\"legend\">");
    for (i, s) in c.series.iter().enumerate() {
        let _ = write!(
            out,
            "<span><span class=\"sw\" style=\"background:{}\"></span>{}</span>",
            COLORS[i % COLORS.len()],
            escape(&s.name)
        );
    }
    out.push_str("</div>");
    // The text alternative: the data as a table.
    let _ = write!(
        out,
        "<details><summary>Data ({} series)</summary><div class=\"wrap\"><table><caption class=\"mut\">{}</caption><thead><tr><th scope=\"col\">series</th><th scope=\"col\">time (UTC)</th><th scope=\"col\">value</th></tr></thead><tbody>",
        c.series.len(),
        escape(&c.title)
    );
    for s in &c.series {
        for (t, v) in &s.points {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                escape(&s.name),
                chrono::DateTime::from_timestamp(*t, 0)
                    .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                escape(&fmt_value(*v, c.unit))
            );
        }
    }
    out.push_str("</tbody></table></div></details></figure>");
    out
}

/// A report section as a table with header cells; a column named `status` shows badges, a
/// column named `query` keeps its text's lines.
pub fn table(s: &Section) -> String {
    let mut out = String::new();
    if !s.title.is_empty() {
        let _ = write!(out, "<h3>{}</h3>", escape(&s.title));
    }
    if s.rows.is_empty() {
        if !s.empty.is_empty() {
            let _ = write!(out, "<p class=\"mut\">{}</p>", escape(s.empty));
        }
        return out;
    }
    out.push_str("<div class=\"wrap\"><table><thead><tr>");
    for h in &s.headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
    }
    out.push_str("</tr></thead><tbody>");
    for r in &s.rows {
        out.push_str("<tr>");
        for (i, cell) in r.iter().enumerate() {
            let header = s.headers.get(i).copied().unwrap_or("");
            let numeric = !cell.is_empty()
                && cell.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '-')
                && cell.chars().all(|c| c.is_ascii_digit() || " .,-%kMGTBsm/".contains(c));
            if header == "status" {
                let _ = write!(out, "<td>{}</td>", status_badge(cell));
            } else if header == "query" {
                let _ = write!(out, "<td class=\"q\">{}</td>", escape(cell));
            } else if numeric {
                let _ = write!(out, "<td class=\"num\">{}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    for f in &s.footnotes {
        let _ = write!(out, "<p class=\"mut\">{}</p>", escape(f));
    }
    out
}

/// The whole page: a title, when it was made, an overview of the targets (worst status first),
/// then a section each.
pub fn page(title: &str, generated: &str, parts: &[TargetPart]) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">\
         <meta name=\"generator\" content=\"towow-db {}\"><title>{}</title><style>{CSS}</style></head><body>",
        env!("CARGO_PKG_VERSION"),
        escape(title)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"mut\">Generated {} by towow-db {}.</p></header><main>",
        escape(title),
        escape(generated),
        env!("CARGO_PKG_VERSION")
    );
    if parts.len() > 1 {
        out.push_str("<section aria-labelledby=\"overview\"><h2 id=\"overview\">Overview</h2><div class=\"wrap\"><table><thead><tr><th scope=\"col\">database</th><th scope=\"col\">status</th><th scope=\"col\">summary</th></tr></thead><tbody>");
        for p in parts {
            let _ = write!(
                out,
                "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                escape(&p.anchor),
                escape(&p.name),
                status_badge(&p.status),
                escape(&p.summary.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; "))
            );
        }
        out.push_str("</tbody></table></div></section>");
    }
    for p in parts {
        let _ = write!(
            out,
            "<section aria-labelledby=\"{a}-h\" id=\"{a}\"><h2 id=\"{a}-h\">{} {}</h2><dl class=\"sum\">",
            escape(&p.name),
            status_badge(&p.status),
            a = escape(&p.anchor)
        );
        for (k, v) in &p.summary {
            let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
        }
        out.push_str("</dl>");
        let mut in_charts = false;
        for b in &p.blocks {
            let is_chart = matches!(b, Block::Chart(_));
            if is_chart && !in_charts {
                out.push_str("<div class=\"charts\">");
            }
            if !is_chart && in_charts {
                out.push_str("</div>");
            }
            in_charts = is_chart;
            match b {
                Block::Heading(h) => {
                    let _ = write!(out, "<h3>{}</h3>", escape(h));
                }
                Block::Text(t) => {
                    let _ = write!(out, "<p>{}</p>", escape(t));
                }
                Block::Status { status, text } => {
                    let _ = write!(out, "<p>{} {}</p>", status_badge(status), escape(text));
                }
                Block::Table(s) => out.push_str(&table(s)),
                Block::Chart(c) => out.push_str(&chart(c)),
            }
        }
        if in_charts {
            out.push_str("</div>");
        }
        out.push_str("</section>");
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_from_the_database_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
        let s = Section {
            title: "t<b>".into(),
            headers: vec!["table", "query", "status"],
            rows: vec![vec!["<script>x</script>".into(), "SELECT '<img src=x>'".into(), "ok".into()]],
            ..Default::default()
        };
        let html = table(&s);
        assert!(
            !html.contains("<script>") && !html.contains("<img") && html.contains("&lt;script&gt;"),
            "{html}"
        );
        let c = Chart {
            id: "c\"1".into(),
            title: "<svg onload=x>".into(),
            description: "d".into(),
            unit: Unit::Bytes,
            series: vec![Series { name: "</title><script>".into(), points: vec![(0, 1.0), (60, 2048.0)] }],
        };
        let svg = chart(&c);
        assert!(!svg.contains("<script") && !svg.contains("<svg onload"), "{svg}");
        assert!(svg.contains("data-points=\"2\"") && svg.contains("2.0 kB"), "{svg}");
        let p = page(
            "<x>",
            "now",
            &[TargetPart {
                name: "db<1>".into(),
                anchor: "t1".into(),
                status: "warning".into(),
                summary: vec![("k".into(), "<v>".into())],
                blocks: vec![Block::Chart(c), Block::Text("<t>".into())],
            }],
        );
        assert!(!p.contains("<x>") && !p.contains("<v>") && !p.contains("<t>") && !p.contains("db<1>"));
        assert!(p.contains("Content-Security-Policy") && p.contains("default-src 'none'"));
        assert!(!p.contains("http://") && !p.contains("https://"), "no address at all");
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(fmt_value(1536.0, Unit::Bytes), "1.5 kB");
        assert_eq!(fmt_value(12.0, Unit::Count), "12");
        assert_eq!(fmt_value(25_000.0, Unit::Count), "25.0k");
        assert_eq!(fmt_value(0.25, Unit::Seconds), "0.2 s");
    }
}
