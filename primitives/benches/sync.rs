//! Mutex, Once/OnceValue and WaitGroup benchmarks, side by side with their peers in one run.
//!
//! - `mutex/uncontended`: one lock + unlock, one thread (hbsync, std, parking_lot).
//! - `mutex/contended2`, `mutex/contended4`: 2 or 4 threads each increment a shared counter
//!   `OPS / threads` times; time per increment.
//! - `mutex_async/uncontended`: `lock_async().await` + unlock in one task (hbsync vs
//!   tokio::sync::Mutex); `mutex_async/contended4`: 4 tasks on a 2-worker tokio runtime.
//! - `once/fast`: a call on a completed Once (hbsync Once vs std Once) and a read of an
//!   initialized cell (hbsync OnceValue vs std OnceLock).
//! - `waitgroup/spawn1000`: spawn 1,000 threads counted by a group and wait (hbsync
//!   `WaitGroup::go` vs crossbeam_utils `WaitGroup`).
//!
//! `python3 tools/bench_table.py mutex` (or `once`, `waitgroup`) prints the README tables.
// std's channels and locks are peers measured here, not primitives' internals.
#![allow(clippy::disallowed_types)]
#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::thread;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

const OPS: u64 = 100_000;

fn mutexes(c: &mut Criterion) {
    let mut g = common::group(c, "mutex/uncontended", 1);
    let hb = hbsync::Mutex::new(0u64);
    g.bench_function(BenchmarkId::new("lock_unlock", "hbsync"), |b| {
        b.iter(|| *black_box(&hb).lock() += 1)
    });
    let std_m = std::sync::Mutex::new(0u64);
    g.bench_function(BenchmarkId::new("lock_unlock", "std"), |b| {
        b.iter(|| *black_box(&std_m).lock().unwrap() += 1)
    });
    let pl = parking_lot::Mutex::new(0u64);
    g.bench_function(BenchmarkId::new("lock_unlock", "parking_lot"), |b| {
        b.iter(|| *black_box(&pl).lock() += 1)
    });
    g.finish();

    for threads in [2u64, 4] {
        let mut g = common::group(c, &format!("mutex/contended{threads}"), OPS);
        g.bench_function(BenchmarkId::new("increment", "hbsync"), |b| {
            b.iter(|| {
                common::contended(threads, OPS, Arc::new(hbsync::Mutex::new(0u64)), |m| {
                    *m.lock() += 1
                })
            })
        });
        g.bench_function(BenchmarkId::new("increment", "std"), |b| {
            b.iter(|| {
                common::contended(threads, OPS, Arc::new(std::sync::Mutex::new(0u64)), |m| {
                    *m.lock().unwrap() += 1
                })
            })
        });
        g.bench_function(BenchmarkId::new("increment", "parking_lot"), |b| {
            b.iter(|| {
                common::contended(threads, OPS, Arc::new(parking_lot::Mutex::new(0u64)), |m| {
                    *m.lock() += 1
                })
            })
        });
        g.finish();
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let mut g = common::group(c, "mutex_async/uncontended", OPS);
    g.bench_function(BenchmarkId::new("lock_async", "hbsync"), |b| {
        let m = hbsync::Mutex::new(0u64);
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..OPS {
                    *m.lock_async().await += 1;
                }
            })
        })
    });
    g.bench_function(BenchmarkId::new("lock_async", "tokio"), |b| {
        let m = tokio::sync::Mutex::new(0u64);
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..OPS {
                    *m.lock().await += 1;
                }
            })
        })
    });
    g.finish();
    let mut g = common::group(c, "mutex_async/contended4", OPS);
    // 4 tasks on the 2-worker runtime, each adding OPS / 4 under the lock.
    macro_rules! contended_async {
        ($name:literal, $mutex:expr, $lock:ident) => {
            g.bench_function(BenchmarkId::new("lock_async", $name), |b| {
                b.iter(|| {
                    let m = Arc::new($mutex);
                    rt.block_on(async {
                        let ts: Vec<_> = (0..4)
                            .map(|_| {
                                let m = m.clone();
                                tokio::spawn(async move {
                                    for _ in 0..OPS / 4 {
                                        *m.$lock().await += 1;
                                    }
                                })
                            })
                            .collect();
                        for t in ts {
                            t.await.unwrap();
                        }
                    })
                })
            });
        };
    }
    contended_async!("hbsync", hbsync::Mutex::new(0u64), lock_async);
    contended_async!("tokio", tokio::sync::Mutex::new(0u64), lock);
    g.finish();
}

fn onces(c: &mut Criterion) {
    let mut g = common::group(c, "once/fast", 1);
    let hb = hbsync::Once::new();
    hb.call_once(|| {});
    g.bench_function(BenchmarkId::new("call_once_done", "hbsync"), |b| {
        b.iter(|| black_box(&hb).call_once(|| unreachable!()))
    });
    let std_once = std::sync::Once::new();
    std_once.call_once(|| {});
    g.bench_function(BenchmarkId::new("call_once_done", "std"), |b| {
        b.iter(|| black_box(&std_once).call_once(|| unreachable!()))
    });
    let hbv = hbsync::OnceValue::new();
    hbv.get_or_init(|| 7u64);
    g.bench_function(BenchmarkId::new("get_or_init_done", "hbsync"), |b| {
        b.iter(|| *black_box(&hbv).get_or_init(|| unreachable!()))
    });
    let lock = std::sync::OnceLock::new();
    lock.get_or_init(|| 7u64);
    g.bench_function(BenchmarkId::new("get_or_init_done", "std"), |b| {
        b.iter(|| *black_box(&lock).get_or_init(|| unreachable!()))
    });
    g.finish();
}

fn waitgroups(c: &mut Criterion) {
    const TASKS: u64 = 1000;
    let mut g = common::group(c, "waitgroup/spawn1000", TASKS);
    g.bench_function(BenchmarkId::new("spawn_wait", "hbsync"), |b| {
        b.iter(|| {
            let wg = hbsync::WaitGroup::new();
            for _ in 0..TASKS {
                wg.go(|| {
                    black_box(());
                });
            }
            wg.wait();
        })
    });
    g.bench_function(BenchmarkId::new("spawn_wait", "crossbeam"), |b| {
        b.iter(|| {
            let wg = crossbeam_utils::sync::WaitGroup::new();
            for _ in 0..TASKS {
                let wg = wg.clone();
                thread::spawn(move || {
                    black_box(());
                    drop(wg);
                });
            }
            wg.wait();
        })
    });
    g.finish();
}

criterion_group!(benches, mutexes, onces, waitgroups);
criterion_main!(benches);
