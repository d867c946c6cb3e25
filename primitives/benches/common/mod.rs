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
#[allow(dead_code)] // not every benchmark binary uses it
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

/// The run sizes to measure (`HBSYNC_BENCH=chan` or `suite` picks one), with every flavor:
/// `(size, flavor name, capacity)`.
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) fn sizes() -> Vec<(&'static str, &'static str, Option<usize>)> {
    let only = std::env::var("HBSYNC_BENCH").ok();
    ["chan", "suite"]
        .into_iter()
        .filter(|s| only.as_deref().is_none_or(|o| o == *s))
        .flat_map(|s| CAPS.into_iter().map(move |(n, c)| (s, n, c)))
        .collect()
}

/// Messages per run in the suite shape: 1,000,000 on buffered channels; 100,000 where every
/// message is a hand-off between threads (`bounded(0)`, `bounded(1)`), so one run of the
/// slowest peer stays within seconds.
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) fn suite_msgs(cap: Option<usize>) -> u64 {
    match cap {
        Some(0 | 1) => 100_000,
        _ => 1_000_000,
    }
}

/// Keeps both cores busy for a second before the first measurement, so the first benchmark
/// of the process does not meet idle cores (on a VM an idle core wakes slowly: a hand-off
/// between threads costs several times more for the first few hundred milliseconds).
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) fn warm_up() {
    busy_both_cores(Duration::from_secs(1));
}

/// Keeps both cores busy for `time`.
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) fn busy_both_cores(time: Duration) {
    let until = std::time::Instant::now() + time;
    let spin = move || {
        while std::time::Instant::now() < until {
            std::hint::spin_loop();
        }
    };
    let other = std::thread::spawn(spin);
    spin();
    other.join().unwrap();
}

/// `threads` threads each add 1 to the counter behind `m` (with `inc`) `ops / threads`
/// times: the contended-Mutex shape of the `sync` and `interleaved` benchmarks.
#[allow(dead_code)] // not every benchmark binary uses it
pub(crate) fn contended<M: Send + Sync + 'static>(
    threads: u64,
    ops: u64,
    m: std::sync::Arc<M>,
    inc: fn(&M),
) {
    let hs: Vec<_> = (0..threads)
        .map(|_| {
            let m = m.clone();
            std::thread::spawn(move || {
                for _ in 0..ops / threads {
                    inc(&m);
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
}
