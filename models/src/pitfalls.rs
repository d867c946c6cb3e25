//! The classic concurrency pitfalls, each a pair: the buggy program, which the checker must
//! catch with its specific diagnosis, and its fixed twin, which must pass.
//!
//! Every pair is a [`Pitfall`] row in [`PITFALLS`]; [`run`] checks both halves under the
//! active checker and returns the diagnosis and the trace of the failing execution.
//! `models/tests/pitfalls.rs` asserts every row; `cargo verify` puts them in the report.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use hbsync::chan::{bounded, unbounded};
use hbsync::check::cell::UnsafeCell;
use hbsync::check::sync::atomic::{AtomicBool, AtomicUsize as ModelAtomic, Ordering};
use hbsync::check::sync::Arc;
use hbsync::check::{self, thread};
use hbsync::context::Context;
use hbsync::trace::{Failure, FailureKind};
use hbsync::{select, time, Mutex, WaitGroup};

use crate::executor::Executor;

/// One pitfall and its fix.
#[derive(Debug, Clone, Copy)]
pub struct Pitfall {
    /// Short id (`leak-after-timeout`).
    pub id: &'static str,
    /// What the mistake is, where people meet it, and what the fix changes.
    pub lesson: &'static str,
    /// The diagnosis the checker must give the buggy program.
    pub expect: FailureKind,
    /// Text the diagnosis must contain.
    pub expect_text: &'static str,
    /// The buggy program.
    pub buggy: fn(),
    /// Its fixed twin.
    pub fixed: fn(),
}

/// What [`run`] found for one pitfall.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The buggy program failed with the expected diagnosis.
    pub caught: bool,
    /// The diagnosis found (empty if the buggy program passed).
    pub diagnosis: String,
    /// The failing execution of the buggy program.
    pub failure: Option<Failure>,
    /// The fixed twin passed every explored execution.
    pub fixed_passes: bool,
    /// The fixed twin's failure, if it failed.
    pub fixed_failure: Option<String>,
    /// Executions run on the buggy program until it failed.
    pub buggy_executions: usize,
    /// Executions explored on the fixed twin.
    pub fixed_executions: usize,
}

/// Runs `f` under the active checker, counting executions; returns the failure, if any.
fn explore(f: fn(), checkpoint: Option<&str>) -> (usize, Option<Failure>, Option<String>) {
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    EXECUTIONS.store(0, Relaxed);
    let _ = hbsync::trace::take_last_failure();
    let options = check::Options {
        checkpoint_file: checkpoint.map(Into::into),
        ..check::Options::default()
    };
    let r = catch_unwind(AssertUnwindSafe(|| {
        check::model_with(options, move || {
            // Relaxed: a counter outside the model, read after the checker returns.
            EXECUTIONS.fetch_add(1, Relaxed);
            f();
        })
    }));
    let n = EXECUTIONS.load(Relaxed);
    match r {
        Ok(()) => (n, None, None),
        Err(e) => {
            let msg = check::panic_message(&*e).unwrap_or_default();
            (n, hbsync::trace::take_last_failure(), Some(msg))
        }
    }
}

/// Checks one pitfall: the buggy program must fail with the expected diagnosis, the fixed
/// twin must pass. `checkpoint`: where loom writes the failing execution for replay.
pub fn run(p: &Pitfall, checkpoint: Option<&str>) -> Outcome {
    let (buggy_executions, failure, _) = explore(p.buggy, checkpoint);
    let diagnosis = failure.as_ref().map(Failure::diagnosis).unwrap_or_default();
    let caught = failure
        .as_ref()
        .is_some_and(|f| f.kind == p.expect && diagnosis.contains(p.expect_text));
    let (fixed_executions, fixed_fail, fixed_msg) = explore(p.fixed, None);
    Outcome {
        caught,
        diagnosis,
        failure,
        fixed_passes: fixed_msg.is_none(),
        fixed_failure: fixed_fail.map(|f| f.diagnosis()).or(fixed_msg),
        buggy_executions,
        fixed_executions,
    }
}

/// Every pitfall, in report order.
pub const PITFALLS: &[Pitfall] = &[
    Pitfall {
        id: "leak-after-timeout",
        lesson: "A worker sends its result on an unbuffered channel; the caller gives up after a \
                 timeout and stops receiving, but the channel lives on (here: a server keeps it). \
                 The worker blocks in send forever: a leaked goroutine. Met in every Go \
                 request handler with a timeout. Fix: capacity 1, so the late send completes.",
        expect: FailureKind::Leak,
        expect_text: "blocked in send chan#1",
        buggy: || leak_after_timeout(0),
        fixed: || leak_after_timeout(1),
    },
    Pitfall {
        id: "task-never-run",
        lesson: "A task (coroutine) is created but never run or awaited: its work silently never \
                 happens (Python warns 'coroutine was never awaited'; Rust futures do nothing \
                 unless polled). Fix: drive it to the end (await / block_on its handle).",
        expect: FailureKind::Leak,
        expect_text: "never completed",
        buggy: || task_never_run(false),
        fixed: || task_never_run(true),
    },
    Pitfall {
        id: "blocking-guard-across-await",
        lesson: "On a single-threaded executor, task A holds a blocking Mutex guard across an \
                 .await; task B then calls the blocking lock() and blocks the only thread, so A \
                 can never resume to unlock. Fix: release the guard before awaiting (or use \
                 lock_async everywhere the guard must span an await).",
        expect: FailureKind::Deadlock,
        expect_text: "main/task1 (spawned at models/src/pitfalls.rs",
        buggy: || guard_across_await(false),
        fixed: || guard_across_await(true),
    },
    Pitfall {
        id: "lock-held-while-sending",
        lesson:
            "A task holds a lock while sending on a rendezvous channel; the receiver must take \
                 the same lock before it receives. Each waits for the other. Met wherever a \
                 'notify under the lock' habit meets unbuffered channels. Fix: unlock before \
                 sending.",
        expect: FailureKind::Deadlock,
        expect_text: "blocked in send chan#1",
        buggy: || lock_while_sending(false),
        fixed: || lock_while_sending(true),
    },
    Pitfall {
        id: "abba-lock-order",
        lesson: "Two tasks take two locks in opposite orders (A then B, B then A): in the \
                 interleaving where each holds its first lock, both wait forever. Fix: one global \
                 lock order.",
        expect: FailureKind::Deadlock,
        expect_text: "blocked in lock mutex#",
        buggy: || abba(false),
        fixed: || abba(true),
    },
    Pitfall {
        id: "waitgroup-add-in-task",
        lesson: "WaitGroup::add is called inside the spawned task, so wait() can run first, see \
                 zero and return before the task did its work. Go's docs forbid it; `go vet` \
                 cannot see it. Fix: add before spawning (or WaitGroup::go).",
        expect: FailureKind::Panic,
        expect_text: "wait returned before the task finished",
        buggy: || wg_add_in_task(false),
        fixed: || wg_add_in_task(true),
    },
    Pitfall {
        id: "range-never-ends",
        lesson: "A loop over a channel ends only when the channel is closed, i.e. when every \
                 sender is gone; a forgotten sender clone keeps it open and the loop waits \
                 forever after the producer finished. Fix: drop every clone you do not send on.",
        expect: FailureKind::Deadlock,
        expect_text: "main blocked in recv chan#1",
        buggy: || range_never_ends(false),
        fixed: || range_never_ends(true),
    },
    Pitfall {
        id: "results-closed-too-early",
        lesson: "The results channel is closed before the workers finished (close before \
                 wg.wait()); a late worker's send fails (Go: panics). Fix: close after wait \
                 returns.",
        expect: FailureKind::Panic,
        expect_text: "send on a closed results channel",
        buggy: || closed_too_early(false),
        fixed: || closed_too_early(true),
    },
    Pitfall {
        id: "rendezvous-send-no-receiver",
        lesson: "A send on bounded(0) waits for a receiver; if the receiver is started only after \
                 the send, nothing ever runs. People porting from asyncio (Queue(0) is unbounded) \
                 expect it to return. Fix: start the receiver first, or give the channel room.",
        expect: FailureKind::Deadlock,
        expect_text: "main blocked in send chan#1",
        buggy: || send_without_receiver(false),
        fixed: || send_without_receiver(true),
    },
    Pitfall {
        id: "blocking-call-in-task",
        lesson:
            "A task on a single-threaded executor makes a blocking call (recv) whose sender is \
                 another task on the same executor: the thread blocks, the sender never runs \
                 (a nested event loop). Fix: the async form (recv_async().await).",
        expect: FailureKind::Deadlock,
        expect_text: "main/task0 (spawned at models/src/pitfalls.rs",
        buggy: || blocking_in_task(false),
        fixed: || blocking_in_task(true),
    },
    Pitfall {
        id: "relaxed-flag",
        lesson:
            "Data is published by setting a flag with a Relaxed store and read after a Relaxed \
                 load sees it: nothing orders the data write before the read. The smallest \
                 memory-model lesson. Fix: Release store, Acquire load (or a channel).",
        expect: FailureKind::DataRace,
        expect_text: "Causality violation",
        buggy: || relaxed_flag(false),
        fixed: || relaxed_flag(true),
    },
    Pitfall {
        id: "cancel-never-called",
        lesson: "A context's cancel is never called, so a watcher waiting on ctx.done() waits \
                 forever: the context, its registration and the watcher are held as long as the \
                 parent lives (Go: `go vet` lostcancel). Fix: call cancel when the work is done \
                 (defer cancel()).",
        expect: FailureKind::Leak,
        expect_text: "blocked in recv chan#1",
        buggy: || cancel_never_called(false),
        fixed: || cancel_never_called(true),
    },
];

/// A result fetched with a timeout; the results channel belongs to a long-lived server.
fn leak_after_timeout(cap: usize) {
    let (tx, results) = bounded::<u32>(cap);
    // The results channel belongs to a long-lived server: it is never closed.
    std::mem::forget(results.clone());
    let _worker = hbsync::go(move || {
        let _ = tx.send(42); // the late result
    });
    select! {
        recv(results) -> v => assert_eq!(v, Ok(42)),
        recv(time::after(Duration::from_secs(1))) -> _ => {} // gave up
    }
    // The handler returns without waiting for the worker.
}

fn task_never_run(fixed: bool) {
    let ex = Executor::new();
    let (tx, rx) = bounded::<u32>(1);
    let t = thread::spawn(move || rx.recv().ok());
    let task = ex.spawn(async move {
        tx.send_async(1).await.unwrap();
    });
    if fixed {
        ex.block_on(task);
    }
    drop(ex); // the buggy version never ran the task
    let _ = t.join();
}

fn guard_across_await(fixed: bool) {
    let ex = Executor::new();
    let m = Arc::new(Mutex::new(0));
    let (tx, rx) = bounded::<()>(0);
    let m1 = m.clone();
    let a = ex.spawn(async move {
        if fixed {
            *m1.lock() += 1; // guard dropped before the await
            rx.recv_async().await.unwrap();
        } else {
            let mut g = m1.lock();
            rx.recv_async().await.unwrap(); // blocking guard held across .await
            *g += 1;
        }
    });
    let m2 = m.clone();
    let b = ex.spawn(async move {
        *m2.lock() += 1; // blocking lock on the executor's only thread
        tx.send_async(()).await.unwrap();
    });
    ex.block_on(async {
        a.await;
        b.await;
    });
}

fn lock_while_sending(fixed: bool) {
    let m = Arc::new(Mutex::new(0));
    let (tx, rx) = bounded::<u32>(0);
    let m1 = m.clone();
    let t = thread::spawn(move || {
        let mut g = m1.lock();
        *g += 1;
        if fixed {
            drop(g);
            tx.send(1).unwrap();
        } else {
            tx.send(1).unwrap(); // still holding the lock
            drop(g);
        }
    });
    {
        let _g = m.lock(); // the receiver needs the lock first
    }
    assert_eq!(rx.recv(), Ok(1));
    t.join().unwrap();
}

fn abba(fixed: bool) {
    let a = Arc::new(Mutex::new(()));
    let b = Arc::new(Mutex::new(()));
    let (a1, b1) = (a.clone(), b.clone());
    let t = thread::spawn(move || {
        let _ga = a1.lock();
        let _gb = b1.lock();
    });
    if fixed {
        let _ga = a.lock();
        let _gb = b.lock();
    } else {
        let _gb = b.lock();
        let _ga = a.lock();
    }
    t.join().unwrap();
}

fn wg_add_in_task(fixed: bool) {
    let wg = WaitGroup::new();
    let done = Arc::new(ModelAtomic::new(0));
    let (w, d) = (wg.clone(), done.clone());
    if fixed {
        wg.add(1);
    }
    let t = thread::spawn(move || {
        if !fixed {
            w.add(1); // too late: wait may already have returned
        }
        d.fetch_add(1, Ordering::Relaxed);
        w.done();
    });
    wg.wait();
    assert_eq!(
        done.load(Ordering::Relaxed),
        1,
        "wait returned before the task finished"
    );
    t.join().unwrap();
}

fn range_never_ends(fixed: bool) {
    let (tx, rx) = bounded::<u32>(1);
    let spare = tx.clone(); // "for later"
    let t = thread::spawn(move || {
        for i in 0..2 {
            tx.send(i).unwrap();
        }
    });
    if fixed {
        drop(spare);
    }
    let got: Vec<u32> = rx.iter().collect(); // ends only when every sender is gone
    assert_eq!(got, [0, 1]);
    t.join().unwrap();
}

fn closed_too_early(fixed: bool) {
    let (tx, rx) = unbounded::<u32>();
    let wg = WaitGroup::new();
    let mut ts = Vec::new();
    for w in 0..2 {
        wg.add(1);
        let (tx, wg) = (tx.clone(), wg.clone());
        ts.push(thread::spawn(move || {
            tx.send(w).expect("send on a closed results channel");
            wg.done();
        }));
    }
    if fixed {
        wg.wait();
        tx.close();
    } else {
        tx.close(); // too early
        wg.wait();
    }
    assert_eq!(rx.iter().count(), 2);
    for t in ts {
        t.join().unwrap();
    }
}

fn send_without_receiver(fixed: bool) {
    let (tx, rx) = bounded::<u32>(0);
    let (ready_tx, ready) = bounded::<()>(1);
    let receiver = move || {
        ready_tx.send(()).unwrap();
        rx.recv().unwrap()
    };
    if fixed {
        let t = thread::spawn(receiver);
        tx.send(1).unwrap();
        assert_eq!(t.join().unwrap(), 1);
    } else {
        tx.send(1).unwrap(); // nobody is receiving yet
        let t = thread::spawn(receiver);
        assert_eq!(t.join().unwrap(), 1);
    }
    ready.recv().unwrap();
}

fn blocking_in_task(fixed: bool) {
    let ex = Executor::new();
    let (tx, rx) = bounded::<u32>(0);
    let a = ex.spawn(async move {
        if fixed {
            rx.recv_async().await.unwrap()
        } else {
            rx.recv().unwrap() // blocks the executor's only thread
        }
    });
    let b = ex.spawn(async move { tx.send_async(7).await.unwrap() });
    let got = ex.block_on(async {
        let v = a.await;
        b.await;
        v
    });
    assert_eq!(got, 7);
}

struct Published(UnsafeCell<u32>);
// SAFETY: shared on purpose: loom checks every access (that is the lesson).
unsafe impl Sync for Published {}

fn relaxed_flag(fixed: bool) {
    let data = Arc::new(Published(UnsafeCell::new(0)));
    let flag = Arc::new(AtomicBool::new(false));
    let (d, f) = (data.clone(), flag.clone());
    let (store, load) = if fixed {
        (Ordering::Release, Ordering::Acquire)
    } else {
        (Ordering::Relaxed, Ordering::Relaxed)
    };
    let t = thread::spawn(move || {
        // SAFETY: see `Published`.
        d.0.with_mut(|p| unsafe { *p = 42 });
        f.store(true, store);
    });
    while !flag.load(load) {
        thread::yield_now();
    }
    // SAFETY: see `Published`.
    assert_eq!(data.0.with(|p| unsafe { *p }), 42);
    t.join().unwrap();
}

fn cancel_never_called(fixed: bool) {
    let (ctx, cancel) = Context::background().with_cancel();
    let watcher = hbsync::go(move || {
        let _ = ctx.done().recv(); // ends with the context
    });
    if fixed {
        cancel.cancel();
        watcher.join().unwrap();
    } else {
        drop(cancel); // never called
        drop(watcher); // detached; it still holds the context
    }
}
