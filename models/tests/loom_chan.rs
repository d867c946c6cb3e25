//! Loom models of the channel engine's races: withdrawal (timeout, dropped future) racing a
//! completion. Properties: nothing lost, nothing duplicated, no lost wake-up (a lost wake-up
//! shows as a loom deadlock).
#![cfg(loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hbsync::chan::{bounded, RecvTimeoutError, SendTimeoutError};
use hbsync::check::{self, thread};

fn model(f: impl Fn() + Send + Sync + 'static) {
    let mut b = check::loom::model::Builder::new();
    b.preemption_bound = Some(3);
    b.check(f);
}

/// A receive timeout racing a rendezvous send with a timeout: the value is received exactly
/// once, or the send times out and gets it back; both outcomes are explored (virtual time).
#[test]
fn recv_timeout_races_send() {
    model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let t = thread::spawn(move || match tx.send_timeout(7, Duration::from_secs(1)) {
            Ok(()) => true,
            Err(SendTimeoutError::Timeout(7)) => false,
            Err(e) => panic!("unexpected {e:?}"),
        });
        let got = match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(7) => true,
            // The sender gave up first and its drop closed the channel.
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Closed) => false,
            other => panic!("unexpected {other:?}"),
        };
        let sent = t.join().unwrap();
        assert_eq!(got, sent, "delivered iff received");
    });
}

/// A registered receive future dropped while a sender completes it: the value goes back to
/// the channel and is still received exactly once.
#[test]
fn dropped_recv_future_races_send() {
    model(|| {
        let (tx, rx) = bounded::<u32>(1);
        let t = thread::spawn(move || tx.send(5).unwrap());
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let early = {
            let mut fut = pin!(rx.recv_async());
            match fut.as_mut().poll(&mut cx) {
                Poll::Ready(v) => Some(v.unwrap()),
                Poll::Pending => None, // dropped while registered
            }
        };
        t.join().unwrap();
        let v = early.unwrap_or_else(|| rx.try_recv().expect("value lost by a dropped future"));
        assert_eq!(v, 5);
        assert!(rx.try_recv().is_err(), "value duplicated");
    });
}

fn noop_waker() -> std::task::Waker {
    use std::task::{RawWaker, RawWakerVTable};
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: every vtable function ignores the null data pointer.
    unsafe { std::task::Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}

/// Close racing a blocked rendezvous sender and a receiver: no value is both received and
/// handed back, and nobody is left blocked.
#[test]
fn close_races_send_and_recv() {
    model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let closer = tx.clone();
        let s = thread::spawn(move || tx.send(1).is_ok());
        let c = thread::spawn(move || {
            closer.close();
        });
        let got = rx.recv().ok();
        let delivered = s.join().unwrap();
        c.join().unwrap();
        assert_eq!(got.is_some(), delivered);
    });
}
