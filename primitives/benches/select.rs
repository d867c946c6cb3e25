//! `select!` benchmarks: hbsync side by side with crossbeam-channel's `select!`, in one run.
//!
//! - `select_rx`: 4 senders, each on its own channel; one receiver selects over the 4.
//! - `select_both`: 4 threads select to send over the 4 channels, 4 threads select to
//!   receive over them.
//!
//! Flavors bounded(0), bounded(1), bounded(1000), unbounded; `MSGS` messages per iteration
//! (groups `select/…`), and in crossbeam's suite shape (groups `suite/…`, as in the channel
//! benchmarks). `python3 tools/bench_table.py select/` (or `suite/`) prints the README table.
#![allow(missing_docs)]

mod common;

use std::thread;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

const MSGS: u64 = 20_000;
const THREADS: u64 = 4;

macro_rules! select_benches {
    ($name:ident, $make:expr, $select:ident) => {
        mod $name {
            use super::*;

            pub(super) fn select_rx(cap: Option<usize>, msgs: u64) {
                let chans: Vec<_> = (0..THREADS).map(|_| $make(cap)).collect();
                thread::scope(|s| {
                    for (tx, _) in &chans {
                        s.spawn(move || {
                            for i in 0..msgs / THREADS {
                                tx.send(i).unwrap();
                            }
                        });
                    }
                    let [r0, r1, r2, r3] = [&chans[0].1, &chans[1].1, &chans[2].1, &chans[3].1];
                    for _ in 0..msgs {
                        $select! {
                            recv(r0) -> v => { v.unwrap(); },
                            recv(r1) -> v => { v.unwrap(); },
                            recv(r2) -> v => { v.unwrap(); },
                            recv(r3) -> v => { v.unwrap(); },
                        }
                    }
                });
            }

            pub(super) fn select_both(cap: Option<usize>, msgs: u64) {
                let chans: Vec<_> = (0..THREADS).map(|_| $make(cap)).collect();
                let [t0, t1, t2, t3] = [&chans[0].0, &chans[1].0, &chans[2].0, &chans[3].0];
                let [r0, r1, r2, r3] = [&chans[0].1, &chans[1].1, &chans[2].1, &chans[3].1];
                thread::scope(|s| {
                    for _ in 0..THREADS {
                        s.spawn(move || {
                            for i in 0..msgs / THREADS {
                                $select! {
                                    send(t0, i) -> r => r.unwrap(),
                                    send(t1, i) -> r => r.unwrap(),
                                    send(t2, i) -> r => r.unwrap(),
                                    send(t3, i) -> r => r.unwrap(),
                                }
                            }
                        });
                        s.spawn(move || {
                            for _ in 0..msgs / THREADS {
                                $select! {
                                    recv(r0) -> v => { v.unwrap(); },
                                    recv(r1) -> v => { v.unwrap(); },
                                    recv(r2) -> v => { v.unwrap(); },
                                    recv(r3) -> v => { v.unwrap(); },
                                }
                            }
                        });
                    }
                });
            }
        }
    };
}

use crossbeam_channel::select as cb_select;
use hbsync::select as hb_select;

select_benches!(
    hb,
    |cap: Option<usize>| cap.map_or_else(hbsync::chan::unbounded, hbsync::chan::bounded::<u64>),
    hb_select
);
select_benches!(
    cb,
    |cap: Option<usize>| cap.map_or_else(
        crossbeam_channel::unbounded,
        crossbeam_channel::bounded::<u64>
    ),
    cb_select
);

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
