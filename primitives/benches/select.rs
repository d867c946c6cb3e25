//! `select!` benchmarks: hbsync side by side with crossbeam-channel's `select!`, in one run.
//!
//! The shapes (`select_rx`, `select_both`) are in `common/selects.rs`, shared with the
//! interleaved benchmark. Flavors bounded(0), bounded(1), bounded(1000), unbounded; `MSGS`
//! messages per iteration (groups `select/…`), and in crossbeam's suite shape (groups
//! `suite/…`, as in the channel benchmarks). `python3 tools/bench_table.py select/` (or `suite/`) prints the README table.
#![allow(missing_docs)]

mod common;
#[path = "common/selects.rs"]
mod selects;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

use selects::{cb, hb};

const MSGS: u64 = 20_000;

fn selects(c: &mut Criterion) {
    common::warm_up();
    for (size, cap_name, cap) in common::sizes() {
        let (group, msgs) = match size {
            "suite" => ("suite", common::suite_msgs(cap)),
            _ => ("select", MSGS),
        };
        let mut g = common::group(c, &format!("{group}/{cap_name}"), msgs);
        g.bench_function(BenchmarkId::new("select_rx", "hbsync"), |b| {
            b.iter(|| hb::select_rx(cap, msgs))
        });
        g.bench_function(BenchmarkId::new("select_rx", "crossbeam"), |b| {
            b.iter(|| cb::select_rx(cap, msgs))
        });
        g.bench_function(BenchmarkId::new("select_both", "hbsync"), |b| {
            b.iter(|| hb::select_both(cap, msgs))
        });
        g.bench_function(BenchmarkId::new("select_both", "crossbeam"), |b| {
            b.iter(|| cb::select_both(cap, msgs))
        });
        g.finish();
    }
}

criterion_group!(benches, selects);
criterion_main!(benches);
