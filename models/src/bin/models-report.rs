//! Runs the models for `cargo verify`'s report and prints one JSON object per line.
//!
//! - loom build: every pitfall (buggy program and fixed twin), with the failing execution's
//!   trace and a loom checkpoint file to replay it (`models-report <replay-dir>`);
//! - shuttle build: every classic program.
//!
//! std builds have no checker: the binary says so and prints nothing.

use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::json;

fn main() {
    std::env::set_var("HBSYNC_TRACE_QUIET", "1");
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/hbsync-report/replay".into());
    if cfg!(loom) {
        std::fs::create_dir_all(&dir).expect("create the replay directory");
        pitfalls(&dir);
    } else if cfg!(shuttle) {
        programs();
    } else {
        eprintln!("models-report: build with --cfg loom or --cfg shuttle");
    }
}

fn pitfalls(dir: &str) {
    use hbsync_models::pitfalls::{run, PITFALLS};
    for p in PITFALLS {
        let replay = format!("{dir}/{}.loom-path", p.id);
        let _ = std::fs::remove_file(&replay);
        let start = std::time::Instant::now();
        let o = run(p, Some(&replay));
        let (tasks, events) = o.failure.as_ref().map_or((vec![], vec![]), |f| {
            let tasks: Vec<_> = f
                .tasks
                .iter()
                .map(|t| json!({"name": t.name, "spawned_at": t.spawned_at, "blocked_in": t.blocked_in}))
                .collect();
            let events: Vec<_> = f
                .events
                .iter()
                .map(|e| json!({"task": e.task, "text": e.text}))
                .collect();
            (tasks, events)
        });
        let line = json!({
            "kind": "pitfall",
            "id": p.id,
            "lesson": p.lesson,
            "checker": "loom",
            "expected": format!("{:?}", p.expect).to_lowercase(),
            "caught": o.caught,
            "diagnosis": o.diagnosis,
            "fixed_passes": o.fixed_passes,
            "fixed_failure": o.fixed_failure,
            "buggy_executions": o.buggy_executions,
            "fixed_executions": o.fixed_executions,
            "seconds": start.elapsed().as_secs_f64(),
            "timeline": o.failure.as_ref().map(|f| f.timeline()),
            "tasks": tasks,
            "events": events,
            "replay": format!(
                "LOOM_CHECKPOINT_FILE={replay} LOOM_CHECKPOINT_INTERVAL=1 (loom replays the failing execution first)"
            ),
        });
        println!("{line}");
    }
}

fn programs() {
    use hbsync_models::classic::PROGRAMS;
    let iterations = 1000;
    for p in PROGRAMS {
        let start = std::time::Instant::now();
        let options = hbsync::check::Options {
            iterations: Some(iterations),
            ..hbsync::check::Options::default()
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            hbsync::check::model_with(options, p.run)
        }));
        let failure = hbsync::trace::take_last_failure().map(|f| f.diagnosis());
        let line = json!({
            "kind": "program",
            "id": p.id,
            "properties": p.properties,
            "checker": "shuttle (PCT, depth 3)",
            "passed": r.is_ok(),
            "failure": failure,
            "schedules": iterations,
            "seconds": start.elapsed().as_secs_f64(),
        });
        println!("{line}");
    }
}
