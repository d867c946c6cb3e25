//! The `select!` shapes the benchmarks compare, for hbsync and crossbeam-channel (the other
//! peers have no select): the criterion select benchmark and the interleaved one run the same
//! code.
//!
//! - `select_rx`: 4 senders, each on its own channel; one receiver selects over the 4.
//! - `select_both`: 4 threads select to send over the 4 channels, 4 threads select to
//!   receive over them.
// Not every benchmark binary uses every item.
#![allow(dead_code)]

use std::thread;

/// Senders (and, in `select_both`, receivers) per run; also the channels selected over.
pub(crate) const THREADS: u64 = 4;

macro_rules! select_benches {
    ($name:ident, $make:expr, $select:ident) => {
        pub(crate) mod $name {
            use super::*;

            /// Returns the sum of the values received.
            pub(crate) fn select_rx(cap: Option<usize>, msgs: u64) -> u64 {
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
                    let mut sum = 0;
                    for _ in 0..msgs / THREADS * THREADS {
                        sum += $select! {
                            recv(r0) -> v => v.unwrap(),
                            recv(r1) -> v => v.unwrap(),
                            recv(r2) -> v => v.unwrap(),
                            recv(r3) -> v => v.unwrap(),
                        };
                    }
                    sum
                })
            }

            /// Returns the sum of the values received.
            pub(crate) fn select_both(cap: Option<usize>, msgs: u64) -> u64 {
                let chans: Vec<_> = (0..THREADS).map(|_| $make(cap)).collect();
                let [t0, t1, t2, t3] = [&chans[0].0, &chans[1].0, &chans[2].0, &chans[3].0];
                let [r0, r1, r2, r3] = [&chans[0].1, &chans[1].1, &chans[2].1, &chans[3].1];
                thread::scope(|s| {
                    let mut receivers = Vec::new();
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
                        receivers.push(s.spawn(move || {
                            let mut sum = 0;
                            for _ in 0..msgs / THREADS {
                                sum += $select! {
                                    recv(r0) -> v => v.unwrap(),
                                    recv(r1) -> v => v.unwrap(),
                                    recv(r2) -> v => v.unwrap(),
                                    recv(r3) -> v => v.unwrap(),
                                };
                            }
                            sum
                        }));
                    }
                    receivers.into_iter().map(|h| h.join().unwrap()).sum()
                })
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
