//! Shared by the benchmark binaries: one group configuration for every run.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput};

/// The channel flavors every channel benchmark runs: name and capacity (`None`: unbounded).
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) const CAPS: [(&str, Option<usize>); 4] = [
    ("bounded0", Some(0)),
    ("bounded1", Some(1)),
    ("bounded1000", Some(1000)),
    ("unbounded", None),
];

/// A group named `name` measuring `elems` elements per iteration: 10 samples, 0.3 s warm-up,
/// 1 s measurement (short, so one run covers every peer on a 2-core machine).
pub(crate) fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
    elems: u64,
) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(elems));
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
    g
}
