//! The models part of `cargo verify`'s report: the pitfall and classic-program tables, and
//! the report files (Markdown, and a self-contained HTML page that draws each failing
//! execution as an SVG sequence diagram).
//!
//! Input: the JSON lines printed by `models-report` (one object per pitfall or program).

use std::fmt::Write as _;

use serde_json::Value;

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

fn b(v: &Value, key: &str) -> bool {
    v[key].as_bool().unwrap_or(false)
}

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

fn yes(x: bool) -> &'static str {
    if x {
        "yes"
    } else {
        "NO"
    }
}

/// Whether a pitfall row is as it must be: caught with its diagnosis, fixed twin passes.
pub fn pitfall_ok(p: &Value) -> bool {
    b(p, "caught") && b(p, "fixed_passes")
}

/// Whether a classic program passed.
pub fn program_ok(p: &Value) -> bool {
    b(p, "passed")
}

/// The terminal table of pitfalls and programs.
pub fn table(pitfalls: &[Value], programs: &[Value]) -> String {
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
            s(p, "id"),
            s(p, "checker"),
            yes(b(p, "caught")),
            yes(b(p, "fixed_passes")),
            format!("{}/{}", n(p, "buggy_executions"), n(p, "fixed_executions")),
            s(p, "diagnosis")
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
            s(p, "id"),
            s(p, "checker"),
            yes(b(p, "passed")),
            n(p, "schedules")
        );
    }
    o
}

/// The Markdown pitfall table (also used in the README).
pub fn markdown_pitfall_table(pitfalls: &[Value]) -> String {
    let mut o = String::from(
        "| pitfall | checker | diagnosis found | fixed twin passes | schedules (buggy / fixed) |\n|---|---|---|---|---|\n",
    );
    for p in pitfalls {
        let _ = writeln!(
            o,
            "| {} | {} | {}{} | {} | {} / {} |",
            s(p, "id"),
            s(p, "checker"),
            if b(p, "caught") { "" } else { "NOT CAUGHT: " },
            s(p, "diagnosis").replace('|', "\\|"),
            yes(b(p, "fixed_passes")),
            n(p, "buggy_executions"),
            n(p, "fixed_executions")
        );
    }
    o
}

/// The Markdown table of classic programs.
pub fn markdown_program_table(programs: &[Value]) -> String {
    let mut o = String::from(
        "| program | properties asserted | checker | passed | schedules |\n|---|---|---|---|---|\n",
    );
    for p in programs {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            s(p, "id"),
            s(p, "properties"),
            s(p, "checker"),
            yes(b(p, "passed")),
            n(p, "schedules")
        );
    }
    o
}

/// The whole report in Markdown: `claims_md` (the claim tables) then the models.
pub fn markdown(claims_md: &str, pitfalls: &[Value], programs: &[Value]) -> String {
    let mut o = String::from("# hbsync verification report\n\n## Claims\n\n");
    o.push_str(claims_md);
    o.push_str("\n## Pitfalls\n\n");
    o.push_str(&markdown_pitfall_table(pitfalls));
    o.push_str("\n## Classic programs\n\n");
    o.push_str(&markdown_program_table(programs));
    o.push_str("\n## Traces of the pitfalls\n");
    for p in pitfalls {
        let _ = write!(
            o,
            "\n### {}\n\n{}\n\n**Diagnosis:** {}\n\n```text\n{}```\n\nReplay: `{}`\n",
            s(p, "id"),
            s(p, "lesson"),
            s(p, "diagnosis"),
            p["timeline"].as_str().unwrap_or("(no trace)\n"),
            s(p, "replay")
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
pub fn svg(p: &Value) -> String {
    const COL: f64 = 250.0;
    const LINE: f64 = 15.0;
    const CHARS: usize = 32;
    let tasks = p["tasks"].as_array().cloned().unwrap_or_default();
    let events = p["events"].as_array().cloned().unwrap_or_default();
    let wrapped: Vec<Vec<String>> = events
        .iter()
        .map(|e| hbsync::trace::wrap(s(e, "text"), CHARS))
        .collect();
    let body: f64 = wrapped.iter().map(|l| l.len() as f64 * LINE + 10.0).sum();
    let top = 50.0;
    let width = 40.0 + COL * tasks.len().max(1) as f64;
    let height = top + body + 60.0;
    let mut o = String::new();
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"monospace\" font-size=\"12\">"
    );
    for (i, t) in tasks.iter().enumerate() {
        let x = 20.0 + COL * i as f64 + COL / 2.0;
        let _ = write!(
            o,
            "<rect x=\"{}\" y=\"10\" width=\"{}\" height=\"24\" rx=\"4\" fill=\"#e8eef8\" stroke=\"#345\"/>\
             <text x=\"{x}\" y=\"27\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\
             <line x1=\"{x}\" y1=\"34\" x2=\"{x}\" y2=\"{}\" stroke=\"#889\" stroke-dasharray=\"4 3\"/>",
            x - COL / 2.0 + 10.0,
            COL - 20.0,
            esc(s(t, "name")),
            height - 10.0
        );
    }
    let mut y = top;
    for (k, (e, lines)) in events.iter().zip(&wrapped).enumerate() {
        let x = 20.0 + COL * n(e, "task") as f64 + COL / 2.0;
        let text = s(e, "text");
        let (fill, stroke) = if text.ends_with("blocked") {
            ("#fde2e2", "#b33")
        } else if text.ends_with("pending") {
            ("#fff6d5", "#a80")
        } else {
            ("#ffffff", "#345")
        };
        let h = lines.len() as f64 * LINE + 6.0;
        let _ = write!(
            o,
            "<g><title>{}</title><rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{h}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"/>\
             <text x=\"8\" y=\"{}\" fill=\"#889\">{}</text>",
            esc(text),
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
    for (i, t) in tasks.iter().enumerate() {
        if let Some(b) = t["blocked_in"].as_str() {
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

/// The report's markdown as HTML: runs of `|` rows become tables (the first row the header,
/// the `|---|` row dropped), `#` lines headings, fenced blocks `<pre>`, other lines
/// paragraphs; `` `code` `` spans become `<code>`.
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
pub fn html(claims_md: &str, pitfalls: &[Value], programs: &[Value]) -> String {
    let mut o = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>hbsync verification report</title>\
         <style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}\
         table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}\
         th{background:#eef}pre{background:#f6f6f6;padding:8px;overflow:auto}.no{color:#b33;font-weight:bold}\
         .trace{overflow:auto;border:1px solid #ddd;margin:0.5em 0 2em}</style></head><body>\
         <h1>hbsync verification report</h1><h2>Claims</h2>",
    );
    o.push_str(&markdown_html(claims_md));
    o.push_str("<h2>Pitfalls</h2><table><tr><th>pitfall</th><th>checker</th><th>diagnosis found</th><th>fixed twin passes</th><th>schedules (buggy / fixed)</th></tr>");
    for p in pitfalls {
        let _ = write!(
            o,
            "<tr><td><a href=\"#{id}\">{id}</a></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{} / {}</td></tr>",
            esc(s(p, "checker")),
            if b(p, "caught") { "" } else { "no" },
            esc(s(p, "diagnosis")),
            yes(b(p, "fixed_passes")),
            n(p, "buggy_executions"),
            n(p, "fixed_executions"),
            id = esc(s(p, "id")),
        );
    }
    o.push_str("</table><h2>Classic programs</h2><table><tr><th>program</th><th>properties asserted</th><th>checker</th><th>passed</th><th>schedules</th></tr>");
    for p in programs {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(s(p, "id")),
            esc(s(p, "properties")),
            esc(s(p, "checker")),
            yes(b(p, "passed")),
            n(p, "schedules")
        );
    }
    o.push_str("</table><h2>Traces</h2>");
    for p in pitfalls {
        let _ = write!(
            o,
            "<h3 id=\"{}\">{}</h3><p>{}</p><p><b>Diagnosis:</b> {}</p><div class=\"trace\">{}</div>\
             <details><summary>timeline as text, and replay</summary><pre>{}</pre><p><code>{}</code></p></details>",
            esc(s(p, "id")),
            esc(s(p, "id")),
            esc(s(p, "lesson")),
            esc(s(p, "diagnosis")),
            svg(p),
            esc(p["timeline"].as_str().unwrap_or("")),
            esc(s(p, "replay"))
        );
    }
    o.push_str("</body></html>\n");
    o
}
