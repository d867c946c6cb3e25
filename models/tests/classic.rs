//! Every classic program passes under shuttle (PCT schedules).
#![cfg(shuttle)]

use hbsync_models::classic::PROGRAMS;

#[test]
fn every_classic_program_passes() {
    for p in PROGRAMS {
        println!("{}: {}", p.id, p.properties);
        hbsync::check::model(p.run);
    }
}
