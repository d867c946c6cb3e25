//! hbsync's own leak report: a task still waiting in hbsync when the model's main task
//! returns is a leak, named with where it was spawned, in both checkers; and a detached async
//! task blocked forever (which shuttle would drop silently) is reported too.
#![cfg(any(loom, shuttle))]

use std::panic::{catch_unwind, AssertUnwindSafe};

use hbsync::chan::bounded;
use hbsync::check;
use hbsync::trace::{take_last_failure, FailureKind};

fn leak_of(f: fn()) -> String {
    std::env::set_var("HBSYNC_TRACE_QUIET", "1");
    let r = catch_unwind(AssertUnwindSafe(|| check::model(f)));
    assert!(r.is_err(), "the leak was not reported");
    let failure = take_last_failure().expect("a failure was recorded");
    assert_eq!(failure.kind, FailureKind::Leak, "{}", failure.diagnosis());
    failure.diagnosis()
}

#[test]
fn blocked_thread_at_main_return_is_a_leak() {
    let d = leak_of(|| {
        let (tx, rx) = bounded::<u8>(0);
        std::mem::forget(rx.clone()); // the channel never closes
        let _detached = check::thread::spawn(move || {
            let _ = tx.send(1);
        });
    });
    assert!(d.contains("blocked in send chan#1"), "{d}");
    assert!(d.contains("spawned at models/tests/leaks.rs"), "{d}");
}

#[cfg(shuttle)]
#[test]
fn detached_async_task_blocked_forever_is_a_leak() {
    let d = leak_of(|| {
        let (_tx, rx) = bounded::<u8>(0);
        let keep = _tx.clone();
        std::mem::forget(keep); // the channel never closes
        let _h = check::shuttle::future::spawn(async move {
            let _ = rx.recv_async().await;
        });
        check::thread::yield_now();
    });
    assert!(d.contains("recv_async chan#1"), "{d}");
}
