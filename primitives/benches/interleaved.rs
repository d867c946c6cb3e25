//! The channel and select benchmarks' suite shapes, measured interleaved: each round runs
//! every implementation once per row, in an order shuffled anew each round, each run after
//! 20 ms of both cores busy, and the figure reported for hbsync is the median over rounds of
//! its time divided by the fastest peer's *in the same round*. On a shared 2-core VM the
//! machine's speed drifts over seconds (a row measured by criterion, which takes all of one
//! implementation's samples before the next one's, moved by 2× between runs); a ratio taken
//! within one round cancels most of that drift, and the spread of the per-round ratios says
//! how much is left. The `select_*` rows (`common/selects.rs`) run against
//! crossbeam-channel's `select!` only: the other peers have none.
//!
//! `cargo bench -p hbsync --bench interleaved` prints a markdown table and writes it to
//! `target/hbsync-bench/interleaved.md`. `HBSYNC_ROUNDS` (default 15) sets the rounds,
//! `HBSYNC_ONLY` keeps the rows whose name (`bounded1/spsc`) contains it (or one of its
//! comma-separated parts), `HBSYNC_SKIP=flume,std-mpsc` leaves those peers out (for an A/B of
//! two hbsync builds on a row where they are never the fastest; a table for the README keeps
//! every peer), and `HBSYNC_BENCH=chan` measures the burst size (20,000 messages, the criterion
//! `chan/` groups) instead of the suite size; `HBSYNC_BENCH=mutex` measures the contended-Mutex
//! rows instead (2 and 4 threads adding to one counter, the `sync` benchmark's
//! `mutex/contended*` shape, against std and parking_lot). `HBSYNC_ROUNDS_CSV=1` also writes
//! every run to `target/hbsync-bench/interleaved-rounds.csv`: its time and the process's
//! voluntary and involuntary context switches during it (a party that parks shows up as
//! voluntary switches, a preempted or yielding one that gives its core away as involuntary), so
//! a slow round can be told apart from a slow machine.
// std's channels are peers measured here, not primitives' internals.
#![allow(clippy::disallowed_types)]
#![allow(missing_docs)]

mod common;
#[path = "common/flavors.rs"]
mod flavors;
#[path = "common/selects.rs"]
mod selects;

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use flavors::{Crossbeam, Flavor, Flume, Hbsync, Kanal, Shape, StdMpsc};

/// One implementation of a row: its name and one timed, checked run.
struct Contender {
    name: &'static str,
    run: Box<dyn Fn() -> Sample>,
}

/// What one run measured.
#[derive(Clone, Copy)]
struct Sample {
    /// Nanoseconds per message.
    ns: f64,
    /// The process's voluntary context switches during the run (every thread's: a thread
    /// that blocks, parks or yields to a waiting thread).
    voluntary: i64,
    /// Its involuntary ones (a thread preempted).
    involuntary: i64,
}

/// The process's (voluntary, involuntary) context switches so far, threads that have
/// exited included.
fn switches() -> (i64, i64) {
    // SAFETY: `getrusage` only writes the `rusage` it is given, which is plain data and
    // valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage`; RUSAGE_SELF is a valid `who`.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return (0, 0);
    }
    (usage.ru_nvcsw, usage.ru_nivcsw)
}

/// `F` on `shape`.
fn contender<F: Flavor>(shape: Shape, cap: Option<usize>, msgs: u64) -> Contender {
    Contender {
        name: F::NAME,
        run: Box::new(move || {
            timed(
                F::NAME,
                shape.name(),
                msgs,
                expected(shape, cap, msgs),
                || shape.run::<F>(black_box(cap), msgs),
            )
        }),
    }
}

/// A select shape (`run(cap, msgs)` returns the sum received) of implementation `name`.
fn select_contender(
    name: &'static str,
    shape: &'static str,
    run: fn(Option<usize>, u64) -> u64,
    cap: Option<usize>,
    msgs: u64,
) -> Contender {
    // Every select shape has `THREADS` senders, each sending `0..msgs / THREADS`.
    let per = msgs / selects::THREADS;
    let want = selects::THREADS * (per * per.saturating_sub(1) / 2);
    Contender {
        name,
        run: Box::new(move || timed(name, shape, msgs, want, || run(black_box(cap), msgs))),
    }
}

/// The sum a run of `shape` must return: every value sent is received once.
fn expected(shape: Shape, cap: Option<usize>, msgs: u64) -> u64 {
    let triangle = |n: u64| n * n.saturating_sub(1) / 2;
    match shape {
        Shape::Seq => {
            let batch = cap.unwrap_or(1000).min(1000) as u64;
            msgs / batch * triangle(batch)
        }
        Shape::Spsc => triangle(msgs),
        Shape::Mpsc | Shape::Mpmc => 4 * triangle(msgs / 4),
    }
}

/// One run of `run`, checked against `want` (a lost or doubled message fails the
/// benchmark), in nanoseconds per message.
fn timed(name: &str, shape: &str, msgs: u64, want: u64, run: impl FnOnce() -> u64) -> Sample {
    let (v0, i0) = switches();
    let start = Instant::now();
    let sum = black_box(run());
    let ns = start.elapsed().as_nanos() as f64 / msgs as f64;
    let (v1, i1) = switches();
    assert_eq!(sum, want, "{name} {shape} lost or doubled a message");
    Sample {
        ns,
        voluntary: v1 - v0,
        involuntary: i1 - i0,
    }
}

/// How long both cores are kept busy before every run.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(20);

/// Puts `order` in a new random order (Fisher–Yates, from `rng`, a xorshift state): a
/// fixed rotation gave every implementation the same predecessor in every round, and what
/// ran just before moved a run's time by up to 4× (kanal's `bounded1000/spsc` after flume's,
/// whose parties park on most messages: median 69 ns against 16 when it ran first).
fn shuffle(order: &mut [usize], rng: &mut u64) {
    for i in (1..order.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        order.swap(i, (*rng % (i as u64 + 1)) as usize);
    }
}

/// The `q`-quantile (0..=1) of sorted `xs`, interpolated.
fn quantile(xs: &[f64], q: f64) -> f64 {
    let at = q * (xs.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    xs[lo] + (xs[hi] - xs[lo]) * (at - lo as f64)
}

fn sorted(mut xs: Vec<f64>) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    xs
}

fn main() {
    let rounds: usize = std::env::var("HBSYNC_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15)
        .max(1);
    let only = std::env::var("HBSYNC_ONLY").unwrap_or_default();
    let only: Vec<&str> = only.split(',').collect();
    let skip = std::env::var("HBSYNC_SKIP").unwrap_or_default();
    let skip: Vec<&str> = skip.split(',').collect();
    let burst = std::env::var("HBSYNC_BENCH").is_ok_and(|b| b == "chan");
    let csv = std::env::var("HBSYNC_ROUNDS_CSV").is_ok_and(|c| c == "1");
    let mutex = std::env::var("HBSYNC_BENCH").is_ok_and(|b| b == "mutex");
    let mut rounds_csv =
        String::from("row,round,implementation,ns_per_msg,voluntary,involuntary\n");
    let columns: &[&str] = if mutex {
        &["hbsync", "std", "parking_lot"]
    } else {
        &["hbsync", "crossbeam", "flume", "kanal", "std-mpsc"]
    };
    let mut table = format!(
        "| row | {} | hbsync / fastest peer, median [q1, q3] |\n|---|{}---|\n",
        columns.join(" | "),
        "---|".repeat(columns.len())
    );
    print!("{table}");
    common::warm_up();
    let rows = if mutex {
        mutex_rows()
    } else {
        channel_rows(burst)
    };
    // A fixed seed: the same orders in every sitting.
    let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
    for (row, mut field) in rows {
        if !only.iter().any(|o| row.contains(o)) {
            continue;
        }
        // hbsync (first) is never skipped.
        field.retain(|c| c.name == "hbsync" || !skip.contains(&c.name));
        // times[i][r]: contender i in round r.
        let mut times = vec![Vec::with_capacity(rounds); field.len()];
        let mut order: Vec<usize> = (0..field.len()).collect();
        for r in 0..rounds {
            shuffle(&mut order, &mut rng);
            for &i in &order {
                // Every run starts on busy cores, whatever ran before it (a peer that
                // parked on every message leaves idle vCPUs, which wake slowly).
                common::busy_both_cores(SETTLE);
                let sample = (field[i].run)();
                let _ = writeln!(
                    rounds_csv,
                    "{row},{r},{},{:.2},{},{}",
                    field[i].name, sample.ns, sample.voluntary, sample.involuntary
                );
                times[i].push(sample.ns);
            }
        }
        let ratios = sorted(
            (0..rounds)
                .map(|r| {
                    let fastest = (1..field.len())
                        .map(|i| times[i][r])
                        .fold(f64::INFINITY, f64::min);
                    times[0][r] / fastest
                })
                .collect(),
        );
        let median_of = |name: &str| {
            field
                .iter()
                .position(|c| c.name == name)
                .map_or("–".to_string(), |i| {
                    format!("{:.1}", quantile(&sorted(times[i].clone()), 0.5))
                })
        };
        let medians: Vec<String> = columns.iter().map(|c| median_of(c)).collect();
        let line = format!(
            "| {row} | {} | {:.2}× [{:.2}, {:.2}] |\n",
            medians.join(" | "),
            quantile(&ratios, 0.5),
            quantile(&ratios, 0.25),
            quantile(&ratios, 0.75),
        );
        print!("{line}");
        table.push_str(&line);
    }
    let _ = writeln!(
        table,
        "\nns per {}, medians over {rounds} rounds ({} per run); the ratio is taken within each round, then its median and quartiles over the rounds.",
        if mutex { "increment" } else { "message" },
        if mutex {
            "100,000 increments"
        } else if burst {
            "20,000 messages"
        } else {
            "suite-size messages"
        }
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/hbsync-bench");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("interleaved.md"), &table);
        if csv {
            let _ = std::fs::write(dir.join("interleaved-rounds.csv"), &rounds_csv);
        }
    }
}

/// Increments per contended-Mutex run.
const MUTEX_OPS: u64 = 100_000;

/// The contended-Mutex rows (`HBSYNC_BENCH=mutex`): 2 or 4 threads add 1 to one counter
/// `MUTEX_OPS` times in all (the `sync` benchmark's `mutex/contended*` groups), hbsync
/// against std and parking_lot; each run checks the count.
fn mutex_rows() -> Vec<(String, Vec<Contender>)> {
    fn run<M: Send + Sync + 'static>(
        name: &'static str,
        threads: u64,
        new: fn() -> M,
        inc: fn(&M),
        get: fn(&M) -> u64,
    ) -> Contender {
        Contender {
            name,
            run: Box::new(move || {
                let m = std::sync::Arc::new(new());
                let counter = m.clone();
                timed(name, "mutex", MUTEX_OPS, MUTEX_OPS, move || {
                    common::contended(threads, MUTEX_OPS, m, inc);
                    get(&counter)
                })
            }),
        }
    }
    [2u64, 4]
        .into_iter()
        .map(|t| {
            (
                format!("mutex/contended{t}"),
                vec![
                    run(
                        "hbsync",
                        t,
                        || hbsync::Mutex::new(0u64),
                        |m| *m.lock() += 1,
                        |m| *m.lock(),
                    ),
                    run(
                        "std",
                        t,
                        || std::sync::Mutex::new(0u64),
                        |m| *m.lock().unwrap() += 1,
                        |m| *m.lock().unwrap(),
                    ),
                    run(
                        "parking_lot",
                        t,
                        || parking_lot::Mutex::new(0u64),
                        |m| *m.lock() += 1,
                        |m| *m.lock(),
                    ),
                ],
            )
        })
        .collect()
}

/// The channel rows: every flavor and shape, then the select shapes.
fn channel_rows(burst: bool) -> Vec<(String, Vec<Contender>)> {
    let mut rows: Vec<(String, Vec<Contender>)> = Vec::new();
    for (cap_name, cap) in common::CAPS {
        let msgs = if burst {
            20_000
        } else {
            common::suite_msgs(cap)
        };
        for shape in Shape::ALL {
            if matches!(shape, Shape::Seq) && cap == Some(0) {
                continue;
            }
            let mut field = vec![
                contender::<Hbsync>(shape, cap, msgs),
                contender::<Crossbeam>(shape, cap, msgs),
                contender::<Flume>(shape, cap, msgs),
                contender::<Kanal>(shape, cap, msgs),
            ];
            if !matches!(shape, Shape::Mpmc) {
                field.push(contender::<StdMpsc>(shape, cap, msgs));
            }
            rows.push((format!("{cap_name}/{}", shape.name()), field));
        }
        for (shape, hb, cb) in [
            (
                "select_rx",
                selects::hb::select_rx as fn(Option<usize>, u64) -> u64,
                selects::cb::select_rx as fn(Option<usize>, u64) -> u64,
            ),
            (
                "select_both",
                selects::hb::select_both,
                selects::cb::select_both,
            ),
        ] {
            rows.push((
                format!("{cap_name}/{shape}"),
                vec![
                    select_contender("hbsync", shape, hb, cap, msgs),
                    select_contender("crossbeam", shape, cb, cap, msgs),
                ],
            ));
        }
    }
    rows
}
