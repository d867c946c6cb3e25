//! The report schema and its renderings.

use hbsync_xtask::render;
use hbsync_xtask::schema::{
    Claim, Coverage, Event, Kind, ModelLine, Mutant, Mutants, Pitfall, Program, Report, SiteKills,
    Task, Verdict, SCHEMA,
};

fn claim(id: &str, killed: bool) -> Claim {
    Claim {
        id: id.into(),
        statement: "a send is synchronized before the receive".into(),
        kind: Kind::Positive,
        verdict: Verdict::Proved,
        checker: "loom".into(),
        interleavings: 42,
        seconds: 0.5,
        threads: 2,
        preemption_bound: None,
        complete: true,
        diagnosis: "passed".into(),
        mutants: Mutants::from_sites(vec![Mutant {
            site: "chan.waiter.complete".into(),
            via: None,
            killed,
            diagnosis: "Causality violation".into(),
        }]),
    }
}

fn pitfall() -> Pitfall {
    Pitfall {
        id: "lock-across-send".into(),
        lesson: "a lock held while sending on a rendezvous channel".into(),
        checker: "loom".into(),
        expected: "deadlock".into(),
        caught: true,
        diagnosis: "deadlock: main blocked in lock mutex#1".into(),
        fixed_passes: true,
        fixed_failure: None,
        buggy_executions: 3,
        fixed_executions: 7,
        seconds: 0.1,
        timeline: Some("main: send chan#1 -> blocked\n".into()),
        tasks: vec![Task {
            name: "main".into(),
            spawned_at: None,
            blocked_in: Some("send chan#1".into()),
        }],
        events: vec![Event {
            task: 0,
            text: "send chan#1 -> blocked".into(),
        }],
        replay: "LOOM_CHECKPOINT_FILE=x".into(),
    }
}

fn report() -> Report {
    Report {
        claims: vec![claim("HB-CHAN-SEND", true)],
        coverage: Some(Coverage {
            instructions: 1,
            sites: 1,
            killed_by: vec![SiteKills {
                site: "chan.waiter.complete".into(),
                claims: vec!["HB-CHAN-SEND".into()],
            }],
        }),
        pitfalls: vec![pitfall()],
        programs: vec![Program {
            id: "pipeline".into(),
            properties: "every value arrives once, in order".into(),
            checker: "shuttle (PCT, depth 3)".into(),
            passed: true,
            failure: None,
            schedules: 1000,
            seconds: 1.0,
        }],
        ..Report::new()
    }
}

#[test]
fn a_report_reads_back_as_written() {
    let r = report();
    let text = r.to_json();
    assert_eq!(Report::from_json(&text), Ok(r));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], SCHEMA);
    assert_eq!(v["claims"][0]["verdict"], "proved");
    assert_eq!(v["claims"][0]["kind"], "positive");
    assert_eq!(v["claims"][0]["mutants"]["killed"], 1);
}

#[test]
fn another_schema_or_a_missing_field_is_refused() {
    let mut v: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap();
    v["schema"] = (SCHEMA + 1).into();
    let err = Report::from_json(&v.to_string()).unwrap_err();
    assert!(err.contains("schema"), "{err}");
    v["schema"] = SCHEMA.into();
    v["claims"][0].as_object_mut().unwrap().remove("verdict");
    let err = Report::from_json(&v.to_string()).unwrap_err();
    assert!(err.contains("verdict"), "{err}");
}

#[test]
fn model_lines_are_tagged_by_kind() {
    let line = serde_json::to_string(&ModelLine::Pitfall(pitfall())).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["kind"], "pitfall");
    assert_eq!(
        serde_json::from_str::<ModelLine>(&line).unwrap(),
        ModelLine::Pitfall(pitfall())
    );
}

#[test]
fn a_row_is_ok_only_when_every_mutant_is_killed() {
    assert!(claim("HB-X", true).ok());
    assert!(!claim("HB-X", false).ok());
    let table = render::claims_table(&[claim("HB-X", false)]);
    assert!(
        table.contains("SURVIVING MUTANT chan.waiter.complete"),
        "{table}"
    );
    let c = Coverage {
        instructions: 2,
        sites: 2,
        killed_by: vec![SiteKills {
            site: "a".into(),
            claims: vec![],
        }],
    };
    assert!(!c.ok());
    assert!(render::coverage_line(&c).contains("reached by no claim: 1 (a)"));
}

/// Issue 14: the HTML report renders the claim tables as tables, not as markdown text.
#[test]
fn html_report_renders_tables() {
    let md =
        "# Claims\n\nSome `code` & text.\n\n| claim | verdict |\n|---|---|\n| HB-X | `proved` |\n";
    let html = render::markdown_html(md);
    assert_eq!(
        html,
        "<h3>Claims</h3><p>Some <code>code</code> &amp; text.</p>\
         <table><tr><th>claim</th><th>verdict</th></tr>\
         <tr><td>HB-X</td><td><code>proved</code></td></tr></table>"
    );
    let page = render::html(&report());
    assert!(page.contains("<td>HB-CHAN-SEND</td>") && !page.contains("| HB-CHAN-SEND |"));
    assert!(page.contains("<svg") && page.contains("stuck: send chan#1"));
}

#[test]
fn markdown_report_has_every_section() {
    let md = render::markdown(&report());
    for part in [
        "## Claims",
        "| HB-CHAN-SEND | proved | 42 | 0.50 | 1/1 | 2 threads, preemption bound none |",
        "coverage: 1 ordering instructions",
        "## Pitfalls",
        "| lock-across-send | loom |",
        "## Classic programs",
        "| pipeline |",
        "### lock-across-send",
        "main: send chan#1 -> blocked",
    ] {
        assert!(md.contains(part), "missing {part:?} in:\n{md}");
    }
}

/// Runs `xtask report FILE --out DIR`.
fn report_command(file: &std::path::Path, dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "report",
            file.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap()
}

#[test]
fn the_report_command_renders_a_saved_report() {
    let dir = std::env::temp_dir().join(format!("hbsync-xtask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.json");
    std::fs::write(&file, report().to_json()).unwrap();
    let out = report_command(&file, &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert_eq!(md, render::markdown(&report()));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html, render::html(&report()));
    std::fs::write(&file, "{\"schema\": 0}").unwrap();
    assert!(!report_command(&file, &dir).status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
