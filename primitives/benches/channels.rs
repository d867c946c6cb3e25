//! Channel benchmarks: hbsync side by side with crossbeam-channel, flume, kanal and
//! std::sync::mpsc, in one process and one run. Shapes: seq (one thread, send then receive),
//! spsc, mpsc (4→1), mpmc (4→4); flavors bounded(0), bounded(1), bounded(1000), unbounded.
//! Two sizes of run, each a criterion group of its own:
//! - `chan/…`: `MSGS` (20,000) messages per iteration, threads spawned per iteration: a
//!   short burst, where spawning is a visible part of the time;
//! - `suite/…`: crossbeam-channel's benchmark-suite shape: one run moves
//!   [`common::suite_msgs`] messages (1,000,000 on buffered channels, 100,000 on `bounded(0)`
//!   and `bounded(1)`, whose every message is a hand-off), threads spawned inside the timed
//!   run. `HBSYNC_BENCH=suite` (or `chan`) runs one size only.
//!
//! Criterion reports time per iteration and, with the throughput set, per message.
//! `python3 tools/bench_table.py [chan/|suite/]` turns the saved estimates into the README's
//! ns/message table with ratios to the fastest peer.
// std's channels and locks are peers measured here, not primitives' internals.
#![allow(clippy::disallowed_types)]
#![allow(missing_docs)]

mod common;
#[path = "common/flavors.rs"]
mod flavors;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};

use flavors::{Crossbeam, Flavor, Flume, Hbsync, Kanal, Shape, StdMpsc};

const MSGS: u64 = 20_000;

/// Measures `shape` on implementation `F` (unless it cannot run it).
fn bench_one<F: Flavor>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    shape: Shape,
    cap: Option<usize>,
    msgs: u64,
) {
    if matches!(shape, Shape::Mpmc) && !F::MPMC || matches!(shape, Shape::Seq) && cap == Some(0) {
        return;
    }
    g.bench_function(BenchmarkId::new(shape.name(), F::NAME), |b| {
        b.iter(|| shape.run::<F>(cap, msgs))
    });
}

/// Every implementation runs each shape right after the others, so all of them meet the
/// machine in the same state (measuring one implementation's every shape first gave the
/// first one measured the cold start of the process: after an idle spell a rendezvous on
/// this VM costs about 1,000 ns a message for hbsync and kanal alike, instead of 270 and
/// 500 warm).
fn channels(c: &mut Criterion) {
    common::warm_up();
    for (size, cap_name, cap) in common::sizes() {
        let msgs = match size {
            "suite" => common::suite_msgs(cap),
            _ => MSGS,
        };
        let mut g = common::group(c, &format!("{size}/{cap_name}"), msgs);
        for shape in Shape::ALL {
            bench_one::<Hbsync>(&mut g, shape, cap, msgs);
            bench_one::<Crossbeam>(&mut g, shape, cap, msgs);
            bench_one::<Flume>(&mut g, shape, cap, msgs);
            bench_one::<Kanal>(&mut g, shape, cap, msgs);
            bench_one::<StdMpsc>(&mut g, shape, cap, msgs);
        }
        g.finish();
    }
}

criterion_group!(benches, channels);
criterion_main!(benches);
