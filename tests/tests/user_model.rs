//! A user's own code, model-checked through hbsync: what a downstream crate does.
//!
//! Run with `RUSTFLAGS="--cfg loom"` or `RUSTFLAGS="--cfg shuttle"` (`cargo test-all` does
//! both). The program under test is ordinary user code: two threads, hbsync channels, and a
//! shared counter; `hbsync::check::model` runs it under whichever checker hbsync was built for.
//! Its bugs (a deadlock, a data race) must surface as ordinary test failures, so
//! `#[should_panic]` works and the test binary is never aborted.
#![cfg(any(loom, shuttle))]

use hbsync::chan::bounded;
use hbsync::check::{self, cell::UnsafeCell, sync::Arc, thread};

/// User code: a worker doubles what it gets and answers on a reply channel.
fn doubler_roundtrip() {
    let (req_tx, req_rx) = bounded::<u32>(0);
    let (rep_tx, rep_rx) = bounded::<u32>(1);
    let worker = thread::spawn(move || {
        for v in &req_rx {
            rep_tx.send(v * 2).unwrap();
        }
    });
    req_tx.send(21).unwrap();
    assert_eq!(rep_rx.recv(), Ok(42));
    drop(req_tx); // closes: the worker's loop ends
    worker.join().unwrap();
}

#[test]
fn user_program_passes() {
    check::model(doubler_roundtrip);
}

/// User bug: each thread waits to receive before it sends: a deadlock in every schedule.
#[test]
#[should_panic(expected = "deadlock")]
fn user_deadlock_is_an_ordinary_failure() {
    check::model(|| {
        let (a_tx, a_rx) = bounded::<u8>(0);
        let (b_tx, b_rx) = bounded::<u8>(0);
        let t = thread::spawn(move || {
            let _ = a_rx.recv();
            let _ = b_tx.send(1);
        });
        let _ = b_rx.recv();
        let _ = a_tx.send(1);
        t.join().unwrap();
    });
}

struct Shared(UnsafeCell<u32>);
// SAFETY: shared on purpose: this is the user's bug that loom must catch.
unsafe impl Sync for Shared {}

/// User bug: publishes data and signals on a buffered channel, then reads what the receiver
/// writes after receiving: a buffered send does not wait for the receive (N-CHAN-BUFFERED).
#[cfg(loom)]
#[test]
#[should_panic(expected = "Causality violation")]
fn user_data_race_is_an_ordinary_failure() {
    check::model(|| {
        let data = Arc::new(Shared(UnsafeCell::new(0)));
        let (tx, rx) = bounded::<()>(1);
        let d = data.clone();
        let t = thread::spawn(move || {
            rx.recv().unwrap();
            // SAFETY: see `Shared`.
            d.0.with_mut(|p| unsafe { *p = 1 });
        });
        tx.send(()).unwrap();
        // SAFETY: see `Shared`.
        let _ = data.0.with(|p| unsafe { *p });
        t.join().unwrap();
    });
}

/// The fixed twin: the reply travels back on a channel, so the read is ordered.
#[test]
fn user_fixed_twin_passes() {
    check::model(|| {
        let data = Arc::new(Shared(UnsafeCell::new(0)));
        let (tx, rx) = bounded::<()>(1);
        let (done_tx, done_rx) = bounded::<()>(0);
        let d = data.clone();
        let t = thread::spawn(move || {
            rx.recv().unwrap();
            // SAFETY: see `Shared`.
            d.0.with_mut(|p| unsafe { *p = 1 });
            done_tx.send(()).unwrap();
        });
        tx.send(()).unwrap();
        done_rx.recv().unwrap();
        // SAFETY: see `Shared`; ordered by HB-CHAN-SEND on `done`.
        assert_eq!(data.0.with(|p| unsafe { *p }), 1);
        t.join().unwrap();
    });
}

/// Issue 14: objects named with `trace::name` appear by name in a failing execution's trace.
#[test]
fn named_objects_appear_in_the_trace() {
    let _ = hbsync::trace::take_last_failure();
    let r = std::panic::catch_unwind(|| {
        check::model(|| {
            let (tx, _rx) = bounded::<u32>(0);
            hbsync::trace::name(&tx, "jobs");
            tx.send(1).unwrap(); // nobody receives: deadlock
        });
    });
    assert!(r.is_err(), "the model deadlocks");
    let failure = hbsync::trace::take_last_failure().expect("the failure was recorded");
    let timeline = failure.timeline();
    assert!(timeline.contains("chan:jobs"), "no name in:\n{timeline}");
}

/// Issue 14: a user's `static` `Once`, `OnceValue` and `Mutex` work in models under both
/// checkers: each execution starts with a fresh Once, an empty cell and an unlocked mutex
/// (their checker state is made per execution); the mutex's data carries over, as a
/// static's does, so the model resets it first.
#[test]
fn statics_are_fresh_in_every_execution() {
    static INIT: hbsync::Once = hbsync::Once::new();
    static CONFIG: hbsync::OnceValue<u32> = hbsync::OnceValue::new();
    static COUNT: hbsync::Mutex<u32> = hbsync::Mutex::new(0);
    check::model(|| {
        *COUNT.lock() = 0;
        assert!(!INIT.is_done(), "a new execution starts with a fresh Once");
        assert_eq!(CONFIG.get(), None);
        let t = thread::spawn(|| {
            INIT.call_once(|| {});
            *COUNT.lock() += 1;
            *CONFIG.get_or_init(|| 7)
        });
        assert_eq!(*CONFIG.get_or_init(|| 7), 7);
        INIT.call_once(|| {});
        *COUNT.lock() += 1;
        assert_eq!(t.join().unwrap(), 7);
        assert!(INIT.is_done());
        assert_eq!(*COUNT.lock(), 2);
    });
}
