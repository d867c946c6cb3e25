//! The classic concurrent programs, each asserting its properties in every explored
//! execution: every job done exactly once, every result received, bounded concurrency,
//! termination (a hang is a deadlock or leak report), no leak (checked by
//! `check::model` when main returns).
//!
//! Run under shuttle (PCT) by `models/tests/classic.rs` and by `cargo verify`'s report:
//! these programs have more tasks than loom's five-thread limit allows, or too many
//! interleavings to enumerate.

use std::collections::BTreeMap;
use std::time::Duration;

use hbsync::chan::{bounded, unbounded, Receiver};
use hbsync::check::sync::atomic::{AtomicUsize, Ordering};
use hbsync::check::sync::Arc;
use hbsync::check::thread;
use hbsync::context::Context;
use hbsync::{select, Mutex, WaitGroup};

/// One classic program.
#[derive(Debug, Clone, Copy)]
pub struct Program {
    /// Short id.
    pub id: &'static str,
    /// What it asserts.
    pub properties: &'static str,
    /// The program.
    pub run: fn(),
}

/// Every classic program, in report order.
pub const PROGRAMS: &[Program] = &[
    Program {
        id: "producer-consumer",
        properties: "1 producer, 3 consumers: every item received exactly once, per-consumer order kept, all consumers end at close",
        run: producer_consumer,
    },
    Program {
        id: "fan-out-fan-in",
        properties: "jobs fanned out to 3 workers, results fanned in: every result received once; results closed only after every worker finished",
        run: fan_out_fan_in,
    },
    Program {
        id: "pipeline",
        properties: "generate -> square -> sum over rendezvous channels: the sum is exact; each stage ends when its input closes",
        run: pipeline,
    },
    Program {
        id: "worker-pool",
        properties: "2 workers, 5 jobs: every job done exactly once and its result received",
        run: worker_pool,
    },
    Program {
        id: "semaphore",
        properties: "a bounded(2) channel as a semaphore over 4 tasks: never more than 2 inside",
        run: semaphore,
    },
    Program {
        id: "timeout-via-context",
        properties: "work raced against a context deadline: exactly one outcome, the late result is not leaked",
        run: timeout_via_context,
    },
    Program {
        id: "task-group",
        properties: "WaitGroup::go over 4 tasks gathering into a Mutex<Vec>: every result present after wait",
        run: task_group,
    },
    Program {
        id: "graceful-stop-channel",
        properties: "a worker stops when a stop channel is closed: exits once, every accepted job processed",
        run: || graceful_stop(false),
    },
    Program {
        id: "graceful-stop-context",
        properties: "a worker stops when its context is cancelled: exits once, every accepted job processed",
        run: || graceful_stop(true),
    },
];

fn producer_consumer() {
    const N: u32 = 6;
    let (tx, rx) = bounded::<u32>(2);
    let producer = thread::spawn(move || {
        for i in 0..N {
            tx.send(i).unwrap();
        }
    });
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || rx.iter().collect::<Vec<u32>>())
        })
        .collect();
    drop(rx);
    producer.join().unwrap();
    let mut all = Vec::new();
    for c in consumers {
        let got = c.join().unwrap();
        assert!(got.windows(2).all(|w| w[0] < w[1]), "order broken: {got:?}");
        all.extend(got);
    }
    all.sort_unstable();
    assert_eq!(all, (0..N).collect::<Vec<_>>(), "lost or duplicated");
}

fn fan_out_fan_in() {
    const JOBS: u32 = 6;
    let (jobs_tx, jobs) = bounded::<u32>(0);
    let (results_tx, results) = unbounded::<u32>();
    let wg = WaitGroup::new();
    for _ in 0..3 {
        let (jobs, results_tx) = (jobs.clone(), results_tx.clone());
        wg.go(move || {
            for j in jobs.iter() {
                results_tx.send(j * 10).unwrap();
            }
        });
    }
    drop((jobs, results_tx));
    let feeder = thread::spawn(move || {
        for j in 0..JOBS {
            jobs_tx.send(j).unwrap();
        }
    });
    // Fan in: the results channel closes when the last worker's sender drops.
    let mut got: Vec<u32> = results.iter().collect();
    wg.wait();
    feeder.join().unwrap();
    got.sort_unstable();
    assert_eq!(got, (0..JOBS).map(|j| j * 10).collect::<Vec<_>>());
}

fn pipeline() {
    let (nums_tx, nums) = bounded::<u64>(0);
    let (squares_tx, squares) = bounded::<u64>(0);
    let generate = thread::spawn(move || {
        for i in 1..=4 {
            nums_tx.send(i).unwrap();
        }
    });
    let square = thread::spawn(move || {
        for n in nums.iter() {
            squares_tx.send(n * n).unwrap();
        }
    });
    let sum: u64 = squares.iter().sum();
    assert_eq!(sum, 1 + 4 + 9 + 16);
    generate.join().unwrap();
    square.join().unwrap();
}

fn worker_pool() {
    const JOBS: usize = 5;
    let (jobs_tx, jobs) = bounded::<usize>(1);
    let (results_tx, results) = bounded::<(usize, usize)>(JOBS);
    let done = Arc::new(Mutex::new(BTreeMap::<usize, usize>::new()));
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (jobs, results_tx, done) = (jobs.clone(), results_tx.clone(), done.clone());
            thread::spawn(move || {
                for j in jobs.iter() {
                    *done.lock().entry(j).or_default() += 1;
                    results_tx.send((j, w)).unwrap();
                }
            })
        })
        .collect();
    drop((jobs, results_tx));
    for j in 0..JOBS {
        jobs_tx.send(j).unwrap();
    }
    drop(jobs_tx);
    let mut got: Vec<usize> = results.iter().map(|(j, _)| j).collect();
    for w in workers {
        w.join().unwrap();
    }
    got.sort_unstable();
    assert_eq!(got, (0..JOBS).collect::<Vec<_>>(), "a result missing");
    assert!(
        done.lock().values().all(|&n| n == 1),
        "a job done twice or never"
    );
}

fn semaphore() {
    const LIMIT: usize = 2;
    let (sem_acquire, sem_release) = bounded::<()>(LIMIT);
    let inside = Arc::new(AtomicUsize::new(0));
    let wg = WaitGroup::new();
    for _ in 0..4 {
        let (acquire, release, inside) = (sem_acquire.clone(), sem_release.clone(), inside.clone());
        wg.go(move || {
            acquire.send(()).unwrap(); // take a slot
            let n = inside.fetch_add(1, Ordering::Relaxed) + 1;
            assert!(n <= LIMIT, "{n} inside a semaphore of {LIMIT}");
            inside.fetch_sub(1, Ordering::Relaxed);
            release.recv().unwrap(); // give it back
        });
    }
    wg.wait();
    assert_eq!(inside.load(Ordering::Relaxed), 0);
}

fn timeout_via_context() {
    let (ctx, cancel) = Context::background().with_timeout(Duration::from_millis(50));
    let (result_tx, result) = bounded::<u32>(1); // room for a late result: no leak
    let worker = thread::spawn(move || result_tx.send(7).unwrap());
    let outcome = select! {
        recv(result) -> v => v.map_err(|_| "closed"),
        recv(ctx.done()) -> _ => Err("deadline"),
    };
    cancel.cancel();
    worker.join().unwrap();
    match outcome {
        Ok(v) => assert_eq!(v, 7),
        Err(why) => {
            assert_eq!(why, "deadline");
            assert!(ctx.err().is_some());
            assert_eq!(
                result.try_recv(),
                Ok(7),
                "the late result waits in the buffer"
            );
        }
    }
}

fn task_group() {
    let wg = WaitGroup::new();
    let results = Arc::new(Mutex::new(Vec::new()));
    for i in 0..4u32 {
        let results = results.clone();
        wg.go(move || results.lock().push(i * i));
    }
    wg.wait();
    let mut got = results.lock().clone();
    got.sort_unstable();
    assert_eq!(got, [0, 1, 4, 9]);
}

/// A worker that stops on `stop` (a closed channel, or a cancelled context).
fn worker(jobs: Receiver<u32>, stop: Receiver<()>) -> (Vec<u32>, usize) {
    let mut processed = Vec::new();
    let mut exits = 0;
    loop {
        select! {
            recv(jobs) -> j => match j {
                Ok(j) => processed.push(j),
                Err(_) => unreachable!("jobs is never closed"),
            },
            recv(stop) -> _ => { exits += 1; break },
        }
    }
    (processed, exits)
}

fn graceful_stop(through_context: bool) {
    let (jobs_tx, jobs) = bounded::<u32>(0);
    let (ctx, cancel) = Context::background().with_cancel();
    let (stop_tx, stop_rx) = bounded::<()>(0);
    let stop = if through_context {
        ctx.done().clone()
    } else {
        stop_rx.clone()
    };
    let w = thread::spawn(move || worker(jobs, stop));
    let stopper = thread::spawn(move || {
        if through_context {
            cancel.cancel();
        } else {
            stop_tx.close();
        }
    });
    let mut accepted = Vec::new();
    for j in 0..3 {
        let sent = select! {
            send(jobs_tx, j) -> r => r.is_ok(),
            recv(if through_context { ctx.done() } else { &stop_rx }) -> _ => false,
        };
        if !sent {
            break;
        }
        accepted.push(j);
    }
    stopper.join().unwrap();
    let (processed, exits) = w.join().unwrap();
    assert_eq!(exits, 1, "the worker must exit exactly once");
    assert_eq!(processed, accepted, "an accepted job was lost");
}
