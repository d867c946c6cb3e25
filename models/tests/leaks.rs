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

/// Async completions are in the trace, whether the future was ready at its first poll or
/// woken later: a failing model's events show `lock_async … -> acquired`, `send_async … ->
/// ok` and `wait_async … -> released`, not only the `pending` before them.
#[test]
fn async_completions_are_traced() {
    std::env::set_var("HBSYNC_TRACE_QUIET", "1");
    let r = catch_unwind(AssertUnwindSafe(|| {
        check::model(|| {
            let m = hbsync::Mutex::new(0);
            let wg = hbsync::WaitGroup::new();
            let (tx, rx) = bounded::<u8>(1);
            check::block_on(async {
                *m.lock_async().await += 1;
                tx.send_async(1).await.unwrap();
                wg.wait_async().await;
            });
            assert_eq!(rx.try_recv(), Ok(1));
            panic!("end of the model");
        })
    }));
    assert!(r.is_err());
    let failure = take_last_failure().expect("a failure was recorded");
    let events: Vec<&str> = failure.events.iter().map(|e| e.text.as_str()).collect();
    for want in [
        "lock_async mutex#1 -> acquired",
        "send_async chan#1 -> ok",
        "wait_async wg#1 -> released",
    ] {
        assert!(
            events
                .iter()
                .any(|e| e.starts_with(want.split(" -> ").next().unwrap())
                    && e.ends_with(want.rsplit(" -> ").next().unwrap())),
            "no `{want}` in {events:?}"
        );
    }
}
