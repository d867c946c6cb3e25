//! Context benchmarks, side by side with tokio_util's `CancellationToken` in one run.
//!
//! - `context/fanout10000`: cancel a root with 10,000 children until every child observes
//!   it (children made in setup, not timed).
//! - `context/chain100`: cancel the root of a chain of depth 100 until the leaf observes it.
//! - `context/check`: the cost of checking for cancellation on a live context.
//!
//! `python3 tools/bench_table.py context` prints the README table.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use hbsync::context::Context;
use tokio_util::sync::CancellationToken;

fn contexts(c: &mut Criterion) {
    let mut g = c.benchmark_group("context");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));

    g.bench_function(BenchmarkId::new("fanout10000", "hbsync"), |b| {
        b.iter_batched(
            || {
                let (root, cancel) = Context::background().with_cancel();
                let kids: Vec<_> = (0..10_000).map(|_| root.with_cancel()).collect();
                (cancel, kids)
            },
            |(cancel, kids)| {
                cancel.cancel();
                assert!(kids.iter().all(|(k, _)| k.err().is_some()));
                (cancel, kids) // dropped outside the timing
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("fanout10000", "tokio_util"), |b| {
        b.iter_batched(
            || {
                let root = CancellationToken::new();
                let kids: Vec<_> = (0..10_000).map(|_| root.child_token()).collect();
                (root, kids)
            },
            |(root, kids)| {
                root.cancel();
                assert!(kids.iter().all(|k| k.is_cancelled()));
                (root, kids)
            },
            BatchSize::PerIteration,
        )
    });

    g.bench_function(BenchmarkId::new("chain100", "hbsync"), |b| {
        b.iter_batched(
            || {
                let (root, cancel) = Context::background().with_cancel();
                let mut chain = vec![(root, cancel)];
                for _ in 0..100 {
                    let next = chain.last().unwrap().0.with_cancel();
                    chain.push(next);
                }
                chain
            },
            |chain| {
                chain[0].1.cancel();
                assert!(chain.last().unwrap().0.err().is_some());
                chain
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("chain100", "tokio_util"), |b| {
        b.iter_batched(
            || {
                let mut chain = vec![CancellationToken::new()];
                for _ in 0..100 {
                    let next = chain.last().unwrap().child_token();
                    chain.push(next);
                }
                chain
            },
            |chain| {
                chain[0].cancel();
                assert!(chain.last().unwrap().is_cancelled());
                chain
            },
            BatchSize::PerIteration,
        )
    });

    let (live, _cancel) = Context::background().with_cancel();
    g.bench_function(BenchmarkId::new("check", "hbsync"), |b| {
        b.iter(|| black_box(&live).err().is_some())
    });
    let token = CancellationToken::new();
    g.bench_function(BenchmarkId::new("check", "tokio_util"), |b| {
        b.iter(|| black_box(&token).is_cancelled())
    });
    g.finish();
}

criterion_group!(benches, contexts);
criterion_main!(benches);
