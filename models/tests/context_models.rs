//! Models of `hbsync::context`, run by whichever checker hbsync was built with (loom with
//! preemption bound 3, or shuttle PCT): cancel racing child creation, a lock-free cancel
//! racing a done channel's and an after-func's registration, cancel racing an after-func's
//! stop, a deadline racing completion (virtual time, both outcomes counted), and
//! a worker loop that stops on cancel without losing an accepted job.
#![cfg(any(loom, shuttle))]

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use hbsync::chan::bounded;
use hbsync::check::sync::atomic::{AtomicUsize as ModelAtomic, Ordering};
use hbsync::check::sync::Arc;
use hbsync::check::{self, thread};
use hbsync::context::{Context, ContextError};
use hbsync::select;

/// A parent cancelled while a child is being created: the child is canceled either way (it
/// was registered and reached, or it was born canceled); waiting on its done never hangs.
#[test]
fn cancel_races_child_creation() {
    check::model(|| {
        let (parent, cancel) = Context::background().with_cancel();
        let t = thread::spawn(move || cancel.cancel());
        let (child, _c) = parent.with_cancel();
        assert!(
            child.done().recv().is_err(),
            "child missed its parent's cancel"
        );
        assert_eq!(child.err(), Some(ContextError::Canceled));
        t.join().unwrap();
    });
}

/// A cancel of a scope that holds nothing takes no lock (one CAS): racing it, a done channel
/// made and an after-func registered either are taken out by the cancel or see it when they
/// are added (the done channel closed at birth, the after-func started at once). Either way
/// the done channel closes and the after-func runs; neither waits forever.
#[test]
fn lock_free_cancel_races_done_and_after_func() {
    check::model(|| {
        let (ctx, cancel) = Context::background().with_cancel();
        let t = thread::spawn(move || cancel.cancel());
        let (ran_tx, ran) = bounded::<()>(1);
        let _f = ctx.after_func(move || ran_tx.send(()).unwrap());
        assert!(ctx.done().recv().is_err(), "done missed the cancel");
        assert_eq!(ran.recv(), Ok(()), "the after-func missed the cancel");
        assert_eq!(ctx.err(), Some(ContextError::Canceled));
        t.join().unwrap();
    });
}

/// A cancel racing an after-func's stop: f runs at most once, and stop's answer is
/// truthful (true: f never runs; false: f runs).
#[test]
fn cancel_races_after_func_stop() {
    static SEEN: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    check::model(|| {
        let (ctx, cancel) = Context::background().with_cancel();
        let runs = Arc::new(ModelAtomic::new(0));
        let (ran_tx, ran) = bounded::<()>(1);
        let r = runs.clone();
        let stop = ctx.after_func(move || {
            r.fetch_add(1, Ordering::Relaxed);
            ran_tx.send(()).unwrap();
        });
        let t = thread::spawn(move || cancel.cancel());
        let stopped = stop.stop();
        t.join().unwrap();
        if stopped {
            // f was dropped unrun: its sender is gone, so the channel is closed and empty.
            assert!(ran.recv().is_err(), "stop said it prevented f, but f ran");
            assert_eq!(runs.load(Ordering::Relaxed), 0);
        } else {
            assert_eq!(ran.recv(), Ok(()), "stop said f runs, but it did not");
            assert_eq!(runs.load(Ordering::Relaxed), 1);
        }
        SEEN[usize::from(stopped)].fetch_add(1, Relaxed);
    });
    let [ran, stopped] = [SEEN[0].load(Relaxed), SEEN[1].load(Relaxed)];
    println!("outcomes: f ran = {ran}, stop prevented f = {stopped}");
    assert!(ran > 0 && stopped > 0, "both outcomes must be explored");
}

/// A deadline racing the work (virtual time): the work's result arrives first, or the
/// deadline does; both are explored and counted. The classic "timeout via context".
#[test]
fn deadline_races_completion() {
    static SEEN: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    check::model(|| {
        let (ctx, cancel) = Context::background().with_timeout(Duration::from_millis(100));
        let (tx, result) = bounded::<u32>(1); // buffered: a late worker never blocks
        let worker = thread::spawn(move || {
            // The work takes a step before it answers, so random schedules (shuttle) often
            // let the deadline fire first too.
            thread::yield_now();
            tx.send(42).unwrap();
        });
        let timed_out = select! {
            recv(result) -> v => { assert_eq!(v, Ok(42)); false },
            recv(ctx.done()) -> _ => {
                assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
                true
            },
        };
        cancel.cancel();
        worker.join().unwrap();
        SEEN[usize::from(timed_out)].fetch_add(1, Relaxed);
    });
    let [work, deadline] = [SEEN[0].load(Relaxed), SEEN[1].load(Relaxed)];
    println!("outcomes: work won = {work}, deadline won = {deadline}");
    assert!(work > 0 && deadline > 0, "both outcomes must be explored");
}

/// Jobs offered by the producer: one under loom (exhaustive within the preemption bound:
/// about 20 s), three under shuttle (random schedules are cheap).
const JOBS: u32 = if cfg!(loom) { 1 } else { 3 };

/// A worker selecting on `ctx.done()` and a job channel exits exactly once when the
/// context is cancelled, and every job whose send completed was processed.
#[test]
fn worker_loop_stops_on_cancel_and_loses_no_job() {
    check::model(|| {
        let (ctx, cancel) = Context::background().with_cancel();
        let (jobs_tx, jobs) = bounded::<u32>(0);
        let c = ctx.clone();
        let worker = thread::spawn(move || {
            let mut processed = Vec::new();
            let mut exits = 0;
            loop {
                select! {
                    recv(jobs) -> job => match job {
                        Ok(j) => processed.push(j),
                        Err(_) => unreachable!("the producer never closes"),
                    },
                    recv(c.done()) -> _ => { exits += 1; break },
                }
            }
            (processed, exits)
        });
        let canceller = thread::spawn(move || cancel.cancel());
        let mut accepted = Vec::new();
        for j in 0..JOBS {
            let sent = select! {
                send(jobs_tx, j) -> r => r.is_ok(),
                recv(ctx.done()) -> _ => false,
            };
            if sent {
                accepted.push(j);
            } else {
                break;
            }
        }
        canceller.join().unwrap();
        let (processed, exits) = worker.join().unwrap();
        assert_eq!(exits, 1);
        assert_eq!(processed, accepted, "an accepted job was lost");
    });
}
