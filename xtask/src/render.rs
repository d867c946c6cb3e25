//! Renderings of a [`Report`]: the terminal tables `cargo verify` prints, the Markdown
//! report, and a self-contained HTML page that draws each pitfall's failing execution as an
//! SVG sequence diagram.

use std::fmt::Write as _;

use crate::schema::{Claim, Coverage, LitmusTable, Pitfall, Program, Report};

fn yes(x: bool) -> &'static str {
    if x {
        "yes"
    } else {
        "NO"
    }
}

/// The terminal claim table.
pub fn claims_table(claims: &[Claim]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<19} {:<11} {:<7} {:>13} {:>8} {:>8}  {:<32} statement",
        "claim", "verdict", "checker", "interleavings", "time(s)", "mutants", "configuration"
    );
    for r in claims {
        let _ = writeln!(
            s,
            "{:<19} {:<11} {:<7} {:>13} {:>8.2} {:>8}  {:<32} {}",
            r.id,
            r.verdict.word(),
            r.checker,
            r.interleavings,
            r.seconds,
            format!("{}/{}", r.mutants.killed, r.mutants.total),
            r.bounds(),
            r.statement
        );
        for m in r.mutants.sites.iter().filter(|m| !m.killed) {
            let _ = writeln!(
                s,
                "    SURVIVING MUTANT {}{}: the proof still passes with it weakened",
                m.site,
                m.via
                    .as_ref()
                    .map_or(String::new(), |v| format!(" (via {v})"))
            );
        }
    }
    s
}

/// The verify results as a Markdown table (the report's claim table).
pub fn claims_markdown(claims: &[Claim]) -> String {
    let mut s = String::from(
        "| claim | verdict | interleavings | seconds | mutants killed | bounds |\n|---|---|---|---|---|---|\n",
    );
    for r in claims {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.2} | {}/{} | {} |",
            r.id,
            r.verdict.word(),
            r.interleavings,
            r.seconds,
            r.mutants.killed,
            r.mutants.total,
            r.bounds()
        );
    }
    s
}

/// The one-line coverage summary `cargo verify` prints.
pub fn coverage_line(c: &Coverage) -> String {
    let counts: Vec<usize> = c.killed_by.iter().map(|k| k.claims.len()).collect();
    let (min, max) = (
        counts.iter().min().copied().unwrap_or(0),
        counts.iter().max().copied().unwrap_or(0),
    );
    let unreached = c.unreached();
    format!(
        "coverage: {} ordering instructions, {} ordering sites; each site killed by {min}..{max} claims; reached by no claim: {}{}",
        c.instructions,
        c.sites,
        unreached.len(),
        if unreached.is_empty() {
            String::new()
        } else {
            format!(" ({})", unreached.join(", "))
        }
    )
}

/// The coverage as Markdown: the summary, then site → the claims that kill it.
pub fn coverage_markdown(c: &Coverage) -> String {
    let mut s = format!("{}\n\n| site | killed by |\n|---|---|\n", coverage_line(c));
    for k in &c.killed_by {
        let _ = writeln!(s, "| `{}` | {} |", k.site, k.claims.join(", "));
    }
    s
}

/// The terminal rendering of the litmus tables.
pub fn litmus_text(tables: &[LitmusTable]) -> String {
    let mut s = String::new();
    for t in tables {
        let _ = writeln!(
            s,
            "\n{} ({}): {} executions",
            t.name, t.variant, t.executions
        );
        for line in t.lesson.lines() {
            let _ = writeln!(s, "  | {line}");
        }
        for o in &t.outcomes {
            let _ = writeln!(
                s,
                "  {:<24} {:<22} loom {:>7}  {}",
                o.label, o.model, o.executions, o.verdict
            );
            if let (Some(why), false) = (&o.known, o.verdict == "ok") {
                let _ = writeln!(s, "  {:<24} ({why})", "");
            }
        }
        if let Some(m) = &t.mutant {
            let _ = writeln!(s, "  {m}");
        }
    }
    s
}

/// The Markdown rendering of the litmus tables (the report's "Litmus outcome tables").
pub fn litmus_markdown(tables: &[LitmusTable]) -> String {
    let mut s = String::from(
        "## Litmus outcome tables\n\nEach shape explored exhaustively by loom; for every outcome: what the Rust (C++20) memory model says, how many executions reached it, and the verdict (`MODEL GAP`: allowed but loom cannot produce it; `CHECKER WRONG`: forbidden but produced; `(known)`: a documented limit of loom).\n",
    );
    for t in tables {
        let _ = writeln!(
            s,
            "\n### {} ({})\n\n{}\n\n| outcome | C++20 model | loom executions ({}) | verdict |\n|---|---|---|---|",
            t.name,
            t.variant,
            t.lesson.replace('\n', " "),
            t.executions
        );
        for o in &t.outcomes {
            let why = match &o.known {
                Some(w) if o.verdict != "ok" => format!(": {w}"),
                _ => String::new(),
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {}{why} |",
                o.label, o.model, o.executions, o.verdict
            );
        }
        if let Some(m) = &t.mutant {
            let _ = writeln!(s, "\n{m}.");
        }
    }
    s
}

/// The terminal table of pitfalls and programs.
pub fn models_table(pitfalls: &[Pitfall], programs: &[Program]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{:<28} {:<7} {:<7} {:<12} {:>9}  diagnosis",
        "pitfall", "checker", "caught", "fixed passes", "schedules"
    );
    for p in pitfalls {
        let _ = writeln!(
            o,
            "{:<28} {:<7} {:<7} {:<12} {:>9}  {}",
            p.id,
            p.checker,
            yes(p.caught),
            yes(p.fixed_passes),
            format!("{}/{}", p.buggy_executions, p.fixed_executions),
            p.diagnosis
        );
    }
    let _ = writeln!(
        o,
        "\n{:<28} {:<24} {:<7} {:>9}",
        "program", "checker", "passed", "schedules"
    );
    for p in programs {
        let _ = writeln!(
            o,
            "{:<28} {:<24} {:<7} {:>9}",
            p.id,
            p.checker,
            yes(p.passed),
            p.schedules
        );
    }
    o
}

/// The Markdown pitfall table (also used in the README).
pub fn pitfalls_markdown(pitfalls: &[Pitfall]) -> String {
    let mut o = String::from(
        "| pitfall | checker | diagnosis found | fixed twin passes | schedules (buggy / fixed) |\n|---|---|---|---|---|\n",
    );
    for p in pitfalls {
        let _ = writeln!(
            o,
            "| {} | {} | {}{} | {} | {} / {} |",
            p.id,
            p.checker,
            if p.caught { "" } else { "NOT CAUGHT: " },
            p.diagnosis.replace('|', "\\|"),
            yes(p.fixed_passes),
            p.buggy_executions,
            p.fixed_executions
        );
    }
    o
}

/// The Markdown table of classic programs.
pub fn programs_markdown(programs: &[Program]) -> String {
    let mut o = String::from(
        "| program | properties asserted | checker | passed | schedules |\n|---|---|---|---|---|\n",
    );
    for p in programs {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            p.id,
            p.properties,
            p.checker,
            yes(p.passed),
            p.schedules
        );
    }
    o
}

/// The claim part of the report in Markdown: results, coverage, litmus tables.
pub fn claims_section(r: &Report) -> String {
    let mut md = claims_markdown(&r.claims);
    if let Some(c) = &r.coverage {
        md.push('\n');
        md.push_str(&coverage_markdown(c));
    }
    if !r.litmus.is_empty() {
        md.push('\n');
        md.push_str(&litmus_markdown(&r.litmus));
    }
    md
}

/// The whole report in Markdown.
pub fn markdown(r: &Report) -> String {
    let mut o = String::from("# hbsync verification report\n\n## Claims\n\n");
    o.push_str(&claims_section(r));
    o.push_str("\n## Pitfalls\n\n");
    o.push_str(&pitfalls_markdown(&r.pitfalls));
    o.push_str("\n## Classic programs\n\n");
    o.push_str(&programs_markdown(&r.programs));
    o.push_str("\n## Traces of the pitfalls\n");
    for p in &r.pitfalls {
        let _ = write!(
            o,
            "\n### {}\n\n{}\n\n**Diagnosis:** {}\n\n```text\n{}```\n\nReplay: `{}`\n",
            p.id,
            p.lesson,
            p.diagnosis,
            p.timeline.as_deref().unwrap_or("(no trace)\n"),
            p.replay
        );
    }
    o
}

fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One failing execution as an SVG sequence diagram: a lifeline per task, each event a box
/// on its task's lifeline in order (long events wrap); blocking events red, pending futures
/// yellow; each task's final blocking operation at the bottom.
pub fn svg(p: &Pitfall) -> String {
    const COL: f64 = 250.0;
    const LINE: f64 = 15.0;
    const CHARS: usize = 32;
    let wrapped: Vec<Vec<String>> = p
        .events
        .iter()
        .map(|e| hbsync::trace::wrap(&e.text, CHARS))
        .collect();
    let body: f64 = wrapped.iter().map(|l| l.len() as f64 * LINE + 10.0).sum();
    let top = 50.0;
    let width = 40.0 + COL * p.tasks.len().max(1) as f64;
    let height = top + body + 60.0;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"12\">"
    );
    for (i, t) in p.tasks.iter().enumerate() {
        let x = 20.0 + COL * i as f64 + COL / 2.0;
        let _ = write!(
            o,
            "<rect x=\"{}\" y=\"10\" width=\"{}\" height=\"24\" rx=\"4\" fill=\"#e8eef8\" stroke=\"#345\"/>\
             <text x=\"{x}\" y=\"27\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <line x1=\"{x}\" y1=\"34\" x2=\"{x}\" y2=\"{}\" stroke=\"#889\" stroke-dasharray=\"4 3\"/>",
            x - COL / 2.0 + 10.0,
            COL - 20.0,
            esc(&t.name),
            height - 10.0
        );
    }
    let mut y = top;
    for (k, (e, lines)) in p.events.iter().zip(&wrapped).enumerate() {
        let x = 20.0 + COL * e.task as f64 + COL / 2.0;
        let (fill, stroke) = if e.text.ends_with("blocked") {
            ("#fde2e2", "#b33")
        } else if e.text.ends_with("pending") {
            ("#fff6d5", "#a80")
        } else {
            ("#ffffff", "#345")
        };
        let h = lines.len() as f64 * LINE + 6.0;
        let _ = write!(
            o,
            "<g><title>{}</title><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{h}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"/>\
             <text x=\"8\" y=\"{}\" fill=\"#889\">{}</text>",
            esc(&e.text),
            x - COL / 2.0 + 8.0,
            COL - 16.0,
            y + 14.0,
            k + 1
        );
        for (j, line) in lines.iter().enumerate() {
            let _ = write!(
                o,
                "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y + 14.0 + LINE * j as f64,
                esc(line)
            );
        }
        o.push_str("</g>");
        y += h + 4.0;
    }
    for (i, t) in p.tasks.iter().enumerate() {
        if let Some(b) = &t.blocked_in {
            let x = 20.0 + COL * i as f64 + COL / 2.0;
            let _ = write!(
                o,
                "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" fill=\"#b33\" font-weight=\"bold\">stuck: {}</text>",
                y + 24.0,
                esc(b.trim_end_matches(" (pending future)"))
            );
        }
    }
    o.push_str("</svg>");
    o
}

/// Markdown as HTML, for the report's and the conformance kit's pages: runs of `|` rows
/// become tables (the first row the header, the `|---|` row dropped), `#` lines headings,
/// fenced blocks `<pre>`, other lines paragraphs; `` `code` `` spans become `<code>`.
pub fn markdown_html(md: &str) -> String {
    fn inline(text: &str) -> String {
        let mut out = String::new();
        for (i, part) in esc(text).split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{part}</code>");
            } else {
                out.push_str(part);
            }
        }
        out
    }
    fn cells(row: &str) -> Vec<&str> {
        let row = row.trim().trim_start_matches('|').trim_end_matches('|');
        row.split('|').map(str::trim).collect()
    }
    let mut o = String::new();
    let mut lines = md.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("```") {
            o.push_str("<pre>");
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                let _ = writeln!(o, "{}", esc(l));
            }
            o.push_str("</pre>");
        } else if t.starts_with('|') {
            o.push_str("<table><tr>");
            for c in cells(t) {
                let _ = write!(o, "<th>{}</th>", inline(c));
            }
            o.push_str("</tr>");
            while let Some(row) = lines.next_if(|l| l.trim_start().starts_with('|')) {
                if row.contains("---") && row.chars().all(|c| "|-: ".contains(c)) {
                    continue;
                }
                o.push_str("<tr>");
                for c in cells(row) {
                    let _ = write!(o, "<td>{}</td>", inline(c));
                }
                o.push_str("</tr>");
            }
            o.push_str("</table>");
        } else if let Some(h) = t.strip_prefix('#') {
            let _ = write!(o, "<h3>{}</h3>", inline(h.trim_start_matches('#').trim()));
        } else if !t.is_empty() {
            let _ = write!(o, "<p>{}</p>", inline(t));
        }
    }
    o
}

/// The whole report as one self-contained HTML page.
pub fn html(r: &Report) -> String {
    let mut o = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>hbsync verification report</title>\
         <style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}\
         th{background:#eef}pre{background:#f6f6f6;padding:8px;overflow:auto}.no{color:#b33;font-weight:bold}\
         .trace{overflow:auto;border:1px solid #ddd;margin:0.5em 0 2em}</style></head><body>\
         <h1>hbsync verification report</h1><h2>Claims</h2>",
    );
    o.push_str(&markdown_html(&claims_section(r)));
    o.push_str("<h2>Pitfalls</h2><table><tr><th>pitfall</th><th>checker</th><th>diagnosis found</th><th>fixed twin passes</th><th>schedules (buggy / fixed)</th></tr>");
    for p in &r.pitfalls {
        let _ = write!(
            o,
            "<tr><td><a href=\"#{id}\">{id}</a></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{} / {}</td></tr>",
            esc(&p.checker),
            if p.caught { "" } else { "no" },
            esc(&p.diagnosis),
            yes(p.fixed_passes),
            p.buggy_executions,
            p.fixed_executions,
            id = esc(&p.id),
        );
    }
    o.push_str("</table><h2>Classic programs</h2><table><tr><th>program</th><th>properties asserted</th><th>checker</th><th>passed</th><th>schedules</th></tr>");
    for p in &r.programs {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.id),
            esc(&p.properties),
            esc(&p.checker),
            yes(p.passed),
            p.schedules
        );
    }
    o.push_str("</table><h2>Traces</h2>");
    for p in &r.pitfalls {
        let _ = write!(
            o,
            "<h3 id=\"{}\">{}</h3><p>{}</p><p><b>Diagnosis:</b> {}</p><div class=\"trace\">{}</div>\
             <details><summary>timeline as text, and replay</summary><pre>{}</pre><p><code>{}</code></p></details>",
            esc(&p.id),
            esc(&p.id),
            esc(&p.lesson),
            esc(&p.diagnosis),
            svg(p),
            esc(p.timeline.as_deref().unwrap_or("")),
            esc(&p.replay)
        );
    }
    o.push_str("</body></html>\n");
    o
}

/// Writes `report.md` and `report.html` into `dir`; returns their paths.
pub fn write_files(
    r: &Report,
    dir: &std::path::Path,
) -> std::io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let (md, page) = (dir.join("report.md"), dir.join("report.html"));
    std::fs::write(&md, markdown(r))?;
    std::fs::write(&page, html(r))?;
    Ok((md, page))
}
