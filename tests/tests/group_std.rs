//! `hbsync::Group` (Go's errgroup), `CancelFunc::into_guard`, and the channel handle
//! queries (`sender_count`, `receiver_count`, `same_channel`).
#![cfg(not(any(loom, shuttle)))]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use hbsync::context::{Context, ContextError};
use hbsync::Group;
use hbsync_tests::within;

#[test]
fn group_all_ok() {
    let done = Arc::new(AtomicUsize::new(0));
    let g = Group::<String>::new();
    for _ in 0..8 {
        let done = done.clone();
        g.go(move || {
            done.fetch_add(1, SeqCst);
            Ok(())
        });
    }
    assert_eq!(g.wait(), Ok(()));
    assert_eq!(
        done.load(SeqCst),
        8,
        "wait returns after every task (HB-WG)"
    );
}

#[test]
fn group_first_error_cancels_the_others() {
    within(20, "errgroup cancel", || {
        let (g, ctx) = Group::<&'static str>::with_context(&Context::background());
        let stopped = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let (ctx, stopped) = (ctx.clone(), stopped.clone());
            g.go(move || {
                assert_eq!(ctx.wait(), ContextError::Canceled); // blocks until the failure
                stopped.fetch_add(1, SeqCst);
                Ok(())
            });
        }
        g.go(|| Err("boom"));
        assert_eq!(g.wait(), Err("boom"));
        assert_eq!(stopped.load(SeqCst), 3);
        assert_eq!(g.wait(), Ok(()), "the error is reported once");
    });
}

#[test]
fn group_context_is_cancelled_when_wait_returns() {
    let (g, ctx) = Group::<()>::with_context(&Context::background());
    g.go(|| Ok(()));
    assert_eq!(g.wait(), Ok(()));
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
}

#[test]
fn group_panic_propagates_from_wait_after_every_task() {
    let done = Arc::new(AtomicUsize::new(0));
    let g = Group::<String>::new();
    g.go(|| Err("an error".into()));
    g.go(|| panic!("task panics (expected in this test)"));
    {
        let done = done.clone();
        g.go(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            done.fetch_add(1, SeqCst);
            Ok(())
        });
    }
    let r = catch_unwind(AssertUnwindSafe(|| g.wait()));
    let payload = r.expect_err("the panic wins over the error");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"task panics (expected in this test)")
    );
    assert_eq!(done.load(SeqCst), 1, "wait waited for the slow task first");
}

#[test]
fn group_tasks_can_start_tasks_and_wait_async() {
    let g = Group::<u8>::new();
    let inner = g.clone();
    g.go(move || {
        inner.go(|| Err(7));
        Ok(())
    });
    // The outer task adds the inner one before it ends, so the count never hits zero early.
    assert_eq!(futures::executor::block_on(g.wait_async()), Err(7));
}

#[test]
fn cancel_guard_cancels_on_drop_and_can_be_disarmed() {
    let (ctx, cancel) = Context::background().with_cancel();
    let guard = cancel.into_guard();
    let cancel = guard.disarm();
    assert_eq!(ctx.err(), None, "disarmed: not cancelled");
    let r = catch_unwind(AssertUnwindSafe(|| {
        let _guard = cancel.into_guard();
        panic!("unwinding cancels too (expected in this test)");
    }));
    assert!(r.is_err());
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
}

#[test]
fn handle_counts_and_identity() {
    let (tx, rx) = hbsync::chan::bounded::<u8>(1);
    let rx2 = rx.clone();
    assert_eq!((tx.sender_count(), tx.receiver_count()), (1, 2));
    assert!(rx.same_channel(&rx2) && rx.same_channel(&tx));
    drop(rx2);
    assert_eq!(rx.receiver_count(), 1);
    let timer = hbsync::time::after(std::time::Duration::from_secs(60));
    assert_eq!(
        timer.sender_count(),
        1,
        "a timer's clock counts as its sender"
    );
}
