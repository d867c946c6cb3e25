//! Runs the models for `cargo verify`'s report and prints one JSON object per line, each a
//! `hbsync_xtask::schema::ModelLine`.
//!
//! - loom build: every pitfall (buggy program and fixed twin), with the failing execution's
//!   trace and a loom checkpoint file to replay it (`models-report <replay-dir>`);
//! - shuttle build: every classic program.
//!
//! std builds have no checker: the binary says so and prints nothing.

use std::panic::{catch_unwind, AssertUnwindSafe};

use hbsync_xtask::schema::{self, ModelLine};

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
            let tasks = f
                .tasks
                .iter()
                .map(|t| schema::Task {
                    name: t.name.clone(),
                    spawned_at: t.spawned_at.clone(),
                    blocked_in: t.blocked_in.clone(),
                })
                .collect();
            let events = f
                .events
                .iter()
                .map(|e| schema::Event {
                    task: e.task,
                    text: e.text.clone(),
                })
                .collect();
            (tasks, events)
        });
        print(ModelLine::Pitfall(schema::Pitfall {
            id: p.id.to_string(),
            lesson: p.lesson.to_string(),
            checker: "loom".to_string(),
            expected: format!("{:?}", p.expect).to_lowercase(),
            caught: o.caught,
            diagnosis: o.diagnosis,
            fixed_passes: o.fixed_passes,
            fixed_failure: o.fixed_failure,
            buggy_executions: o.buggy_executions as u64,
            fixed_executions: o.fixed_executions as u64,
            seconds: start.elapsed().as_secs_f64(),
            timeline: o.failure.as_ref().map(|f| f.timeline()),
            tasks,
            events,
            replay: format!(
                "LOOM_CHECKPOINT_FILE={replay} LOOM_CHECKPOINT_INTERVAL=1 (loom replays the failing execution first)"
            ),
        }));
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
        print(ModelLine::Program(schema::Program {
            id: p.id.to_string(),
            properties: p.properties.to_string(),
            checker: "shuttle (PCT, depth 3)".to_string(),
            passed: r.is_ok(),
            failure,
            schedules: iterations as u64,
            seconds: start.elapsed().as_secs_f64(),
        }));
    }
}

/// One line of the report schema on stdout.
fn print(line: ModelLine) {
    println!(
        "{}",
        serde_json::to_string(&line).expect("a model line is always serializable")
    );
}
