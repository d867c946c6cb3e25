//! Every pitfall is caught with its diagnosis, and every fixed twin passes (loom).
#![cfg(loom)]

use hbsync_models::pitfalls::{run, PITFALLS};

#[test]
fn every_pitfall_is_caught_and_every_fix_passes() {
    std::env::set_var("HBSYNC_TRACE_QUIET", "1");
    let mut bad = Vec::new();
    for p in PITFALLS {
        let o = run(p, None);
        println!(
            "{:30} caught={} fixed_passes={} executions={}/{} diagnosis={}",
            p.id, o.caught, o.fixed_passes, o.buggy_executions, o.fixed_executions, o.diagnosis
        );
        if !o.caught {
            bad.push(format!(
                "{}: expected {:?} with {:?}, got {:?}",
                p.id, p.expect, p.expect_text, o.diagnosis
            ));
        }
        if !o.fixed_passes {
            bad.push(format!(
                "{}: fixed twin failed: {:?}",
                p.id, o.fixed_failure
            ));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}
