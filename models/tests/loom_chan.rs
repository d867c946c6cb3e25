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

/// A registered receive future dropped while a sender arrives: the value stays with the
/// channel (in its buffer) and is received exactly once; `bounded(1)` never holds two.
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
        assert!(rx.len() <= 1, "capacity exceeded");
        t.join().unwrap();
        let v = early.unwrap_or_else(|| rx.try_recv().expect("value lost by a dropped future"));
        assert_eq!(v, 5);
        assert!(rx.try_recv().is_err(), "value duplicated");
    });
}

/// Issue 10 item 2: on a rendezvous, a receive future that is woken and then dropped never
/// makes the send complete: the channel never holds a value, and the send returns only
/// once a receiver really took it.
#[test]
fn rendezvous_send_outlives_a_dropped_recv_future() {
    model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let sent = check::sync::Arc::new(check::sync::atomic::AtomicBool::new(false));
        let t = {
            let sent = sent.clone();
            thread::spawn(move || {
                tx.send(5).unwrap();
                sent.store(true, check::sync::atomic::Ordering::SeqCst);
            })
        };
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let early = {
            let mut fut = pin!(rx.recv_async());
            let first = fut.as_mut().poll(&mut cx);
            thread::yield_now();
            match first {
                Poll::Ready(v) => Some(v.unwrap()),
                Poll::Pending => None, // dropped while registered, perhaps woken
            }
        };
        if early.is_none() {
            assert_eq!(rx.len(), 0, "a rendezvous channel holds a value");
            assert!(
                !sent.load(check::sync::atomic::Ordering::SeqCst),
                "the send completed, but nobody has received"
            );
            assert_eq!(rx.recv(), Ok(5));
        }
        t.join().unwrap();
    });
}

/// Issue 10 item 4: a select with `default` sees one snapshot. The other thread holds
/// token 1 and puts it into `a`, then takes token 2 out of `b` and puts it back: at every
/// instant at least one token is in a channel, so `default` is never taken. (Polling one
/// channel at a time takes `default` when the mover runs between the two polls.)
#[test]
fn nonblocking_select_is_one_snapshot() {
    model(|| {
        let (a_tx, a) = bounded::<u8>(1);
        let (b_tx, b) = bounded::<u8>(1);
        b_tx.send(2).unwrap();
        let mover = {
            let (b, a_tx, b_tx) = (b.clone(), a_tx.clone(), b_tx.clone());
            thread::spawn(move || {
                a_tx.send(1).unwrap();
                let v = b.recv().unwrap();
                b_tx.send(v).unwrap();
            })
        };
        let got = hbsync::select! {
            recv(a) -> v => Some(v.unwrap()),
            recv(b) -> v => Some(v.unwrap()),
            default => None,
        };
        assert!(
            got.is_some(),
            "default taken while a token was in a channel"
        );
        // Token 2 taken: put it back so the mover can finish.
        if got == Some(2) {
            b_tx.send(2).unwrap();
        }
        mover.join().unwrap();
    });
}

/// Issue 10 item 13: a passing model records no failure (loom unwinds the coroutines of its
/// model threads in passing executions too; that is not a failure).
#[test]
fn passing_model_records_no_failure() {
    let _ = hbsync::trace::take_last_failure();
    check::model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let t = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(rx.recv(), Ok(1));
        t.join().unwrap();
    });
    assert!(
        hbsync::trace::take_last_failure().is_none(),
        "a failure was recorded for a passing model"
    );
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

/// Issue 12: on an unbounded channel (its lock-free list; two slots per block in checker
/// builds), a blocking receiver waits while a sender's three values cross a block
/// boundary: every value arrives once and in order, and the receiver is never stranded (a
/// stranded one is a loom deadlock: the sender keeps the channel open, since a close would
/// wake it and hide the lost wake-up). The shuttle twin adds more senders and receivers of
/// every kind (`shuttle_chan.rs`).
#[test]
fn list_receiver_is_never_stranded() {
    model(|| {
        let (tx, rx) = hbsync::chan::unbounded::<u32>();
        let sender = thread::spawn(move || {
            for v in 1..=3 {
                tx.send(v).unwrap();
            }
            tx
        });
        let got: Vec<u32> = (0..3).map(|_| rx.recv().unwrap()).collect();
        drop(sender.join().unwrap());
        assert_eq!(got, [1, 2, 3], "lost, duplicated or reordered values");
    });
}

/// `Select::ready` performs nothing, so a wake-up it receives and does not use must not
/// strand a party that would use it: a receiver blocked on a one-slot ring and a ready-select
/// on the same receiver both wait; one send wakes one of them; the receiver still gets the
/// value (a stranded receiver is a loom deadlock), and the ready-select returns.
#[test]
fn ready_select_never_strands_a_receiver() {
    model(|| {
        let (tx, rx) = bounded::<u32>(1);
        let rx2 = rx.clone();
        let receiver = thread::spawn(move || rx2.recv());
        let probe = {
            let rx = rx.clone();
            thread::spawn(move || {
                let mut sel = hbsync::chan::Select::new();
                let _case = sel.recv(&rx);
                sel.ready()
            })
        };
        tx.send(7).unwrap();
        assert_eq!(receiver.join().unwrap(), Ok(7));
        drop(tx); // closed: the probe is ready even if the receiver took the value first
        assert_eq!(probe.join().unwrap(), 0);
    });
}

/// A ready-select on a rendezvous receive is woken by a sender that arrives later, and the
/// value is still there for the receive that follows it.
#[test]
fn ready_select_sees_a_later_rendezvous_sender() {
    model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let sender = thread::spawn(move || tx.send(3));
        let mut sel = hbsync::chan::Select::new();
        let case = sel.recv(&rx);
        assert_eq!(sel.ready(), case.index());
        drop(sel);
        assert_eq!(rx.recv(), Ok(3), "ready took nothing");
        sender.join().unwrap().unwrap();
    });
}
