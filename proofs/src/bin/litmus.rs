//! Runs one litmus program under loom: `litmus <CLAIM-ID>`. Built with `--cfg loom` by
//! `cargo verify`, which runs each claim and each mutant (`HBSYNC_MUTANT=<site>`) in its own
//! process, so a failing model (which may abort) never takes the runner down.
//! Prints `executions=N seconds=S` on success; a failure panics with the checker's message.

use std::time::Instant;

use hbsync_proofs::{catalogue, litmus, tables};

fn main() {
    let id = std::env::args()
        .nth(1)
        .expect("usage: litmus <CLAIM-ID> | --part NAME");
    if id == "--tables" {
        // The litmus outcome tables (`cargo verify --litmus`): one JSON line per shape with
        // its outcome counts; `--tables N` explores shape N only (for a mutant run).
        let one: Option<usize> = std::env::args()
            .nth(2)
            .map(|n| n.parse().expect("--tables [N]"));
        for (i, shape) in tables::SHAPES.iter().enumerate() {
            if one.is_some_and(|n| n != i) {
                continue;
            }
            let start = Instant::now();
            let counts = tables::explore(shape);
            println!(
                "{}",
                serde_json::json!({"index": i, "counts": counts, "seconds": start.elapsed().as_secs_f64()})
            );
        }
        return;
    }
    if id == "--part" {
        // One part of a proof on its own (to measure or debug it): `litmus --part NAME`.
        let name = std::env::args().nth(2).expect("--part NAME");
        let part = litmus::part(&name).unwrap_or_else(|| panic!("no part {name}"));
        let start = Instant::now();
        let n = litmus::explore_one(part, None);
        println!(
            "executions={n} seconds={:.3}",
            start.elapsed().as_secs_f64()
        );
        return;
    }
    let claim = catalogue::find(&id).unwrap_or_else(|| panic!("unknown claim {id}"));
    let program =
        litmus::program(claim.proof).unwrap_or_else(|| panic!("no program {}", claim.proof));
    if !cfg!(loom) {
        eprintln!("warning: not a loom build: the program runs once, nothing is proved");
    }
    let start = Instant::now();
    let n = litmus::explore(program, claim.preemption_bound);
    println!(
        "executions={n} seconds={:.3}",
        start.elapsed().as_secs_f64()
    );
}
