//! Regression tests for the reliability findings of issue 10: each test names its item and
//! failed on `main` before the fix. Every test that could block runs under
//! [`hbsync_tests::within`], so a regression fails with a timeout message instead of hanging.
#![cfg(not(any(loom, shuttle)))]

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use hbsync::chan::{bounded, unbounded, Sender, TrySendError};
use hbsync::context::Context;
use hbsync::{select, Mutex, OnceValue};
use hbsync_tests::within;

/// A waker that counts its wake-ups.
#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn noop_cx<R>(f: impl FnOnce(&mut TaskContext<'_>) -> R) -> R {
    let waker = futures::task::noop_waker();
    f(&mut TaskContext::from_waker(&waker))
}

/// Item 2: a rendezvous send completes only when a receiver takes the value. A pending
/// `recv_async` that is woken and then dropped leaves the sender waiting (it used to return
/// `Ok` with the value parked in the dropped future, then in the buffer of a rendezvous).
#[test]
fn rendezvous_send_waits_past_a_dropped_recv_future() {
    within(20, "rendezvous send after a dropped recv future", || {
        let (tx, rx) = bounded::<u32>(0);
        let counting = Arc::new(CountingWaker::default());
        let waker = Waker::from(counting.clone());
        let mut cx = TaskContext::from_waker(&waker);
        let sent = Arc::new(AtomicBool::new(false));
        let sender;
        {
            let mut fut = pin!(rx.recv_async());
            // No sender yet: the future registers and is pending.
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            sender = {
                let sent = sent.clone();
                thread::spawn(move || {
                    tx.send(7).unwrap();
                    sent.store(true, SeqCst);
                })
            };
            // Wait until the sender has queued and woken us, then drop without polling.
            while counting.0.load(SeqCst) == 0 {
                thread::yield_now();
            }
        }
        assert_eq!(rx.len(), 0, "a rendezvous channel never holds a value");
        thread::sleep(Duration::from_millis(20));
        assert!(!sent.load(SeqCst), "the send completed without a receiver");
        assert_eq!(rx.recv(), Ok(7));
        sender.join().unwrap();
        assert!(sent.load(SeqCst));
    });
}

/// Item 2, the user's shape: `futures::future::select(rx.recv_async(), other)` where the
/// other future often wins. Every `Ok` send is received exactly once, in order.
#[test]
fn rendezvous_select_of_futures_loses_nothing() {
    within(60, "select of a receive future and a cancel", || {
        const N: u32 = 3000;
        let (tx, rx) = bounded::<u32>(0);
        let producer = thread::spawn(move || {
            for i in 0..N {
                tx.send(i).unwrap();
            }
        });
        let mut got = Vec::new();
        futures::executor::block_on(async {
            while got.len() < N as usize {
                let (ctx, cancel) = Context::background().with_cancel();
                // Sometimes cancelled before the receive is polled, sometimes after.
                let canceller = thread::spawn(move || {
                    thread::yield_now();
                    cancel.cancel();
                });
                let recv = pin!(rx.recv_async());
                let wait = pin!(ctx.wait_async());
                if let futures::future::Either::Left((v, _)) =
                    futures::future::select(recv, wait).await
                {
                    got.push(v.unwrap());
                }
                canceller.join().unwrap();
            }
        });
        producer.join().unwrap();
        assert_eq!(
            got,
            (0..N).collect::<Vec<_>>(),
            "lost, duplicated or reordered"
        );
        assert!(rx.try_recv().is_err());
    });
}

/// Item 3: `bounded(1)` never holds two values, whatever a dropped receive future did; and a
/// sender's values keep their order.
#[test]
fn capacity_holds_after_a_dropped_recv_future() {
    let (tx, rx) = bounded::<u32>(1);
    noop_cx(|cx| {
        let mut fut = pin!(rx.recv_async());
        assert!(fut.as_mut().poll(cx).is_pending());
        assert_eq!(tx.try_send(1), Ok(()));
        assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)), "capacity is 1");
        assert!(rx.len() <= 1);
    });
    assert_eq!(rx.len(), 1);
    assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(tx.try_send(4), Ok(()));
    assert_eq!(rx.try_recv(), Ok(4));
}

/// Item 3 under concurrency: receive futures dropped at random never push a channel past
/// its capacity, and one sender's values arrive in order.
#[test]
fn capacity_and_order_hold_under_cancelled_receives() {
    within(60, "cancelled receives on bounded(1)", || {
        const N: u32 = 3000;
        let (tx, rx) = bounded::<u32>(1);
        let rx2 = rx.clone();
        let producer = thread::spawn(move || {
            for i in 0..N {
                tx.send(i).unwrap();
            }
        });
        let watcher_stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let stop = watcher_stop.clone();
            thread::spawn(move || {
                let mut max = 0;
                while !stop.load(SeqCst) {
                    max = max.max(rx2.len());
                }
                max
            })
        };
        let mut got = Vec::new();
        futures::executor::block_on(async {
            let mut tick = 0u32;
            while got.len() < N as usize {
                tick += 1;
                let recv = pin!(rx.recv_async());
                let other = pin!(futures::future::ready(()));
                if tick.is_multiple_of(2) {
                    got.push(recv.await.unwrap());
                } else if let futures::future::Either::Left((v, _)) =
                    futures::future::select(recv, other).await
                {
                    got.push(v.unwrap());
                }
            }
        });
        producer.join().unwrap();
        watcher_stop.store(true, SeqCst);
        assert!(
            watcher.join().unwrap() <= 1,
            "bounded(1) held more than one value"
        );
        assert_eq!(got, (0..N).collect::<Vec<_>>());
    });
}

/// Item 4: a non-blocking select sees one snapshot of its channels. Two tokens move between
/// `a` and `b` (each taken out and put back by the mover), so at every instant at least one
/// of them sits in a channel: `default` must never be taken.
#[test]
fn nonblocking_select_is_linearizable() {
    within(60, "non-blocking select linearizability", || {
        let (a_tx, a) = bounded::<u8>(2);
        let (b_tx, b) = bounded::<u8>(2);
        a_tx.send(1).unwrap();
        b_tx.send(2).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let mover = {
            let (a, b, a_tx, b_tx, stop) = (
                a.clone(),
                b.clone(),
                a_tx.clone(),
                b_tx.clone(),
                stop.clone(),
            );
            thread::spawn(move || {
                while !stop.load(SeqCst) {
                    let v = a.recv().unwrap();
                    a_tx.send(v).unwrap();
                    let v = b.recv().unwrap();
                    b_tx.send(v).unwrap();
                }
            })
        };
        let mut defaults = 0;
        for _ in 0..200_000 {
            select! {
                recv(a) -> v => a_tx.send(v.unwrap()).unwrap(),
                recv(b) -> v => b_tx.send(v.unwrap()).unwrap(),
                default => defaults += 1,
            }
        }
        stop.store(true, SeqCst);
        mover.join().unwrap();
        assert_eq!(
            defaults, 0,
            "default taken while a case was ready at every instant"
        );
    });
}

/// Item 4, the dynamic form: `Select::try_wait` and `try_recv_any` take the same snapshot.
#[test]
fn select_try_wait_sees_a_ready_case() {
    let (tx, rx) = bounded::<u8>(1);
    let (_tx2, rx2) = bounded::<u8>(0);
    tx.send(5).unwrap();
    let mut sel = hbsync::chan::Select::new();
    let r1 = sel.recv(&rx2);
    let r2 = sel.recv(&rx);
    assert_eq!(sel.try_wait(), Some(r2.index()));
    assert_eq!(r2.take(), Some(Ok(5)));
    assert_eq!(r1.take(), None);
    tx.send(6).unwrap();
    assert_eq!(
        hbsync::chan::Select::try_recv_any(&[&rx2, &rx]),
        Some((1, Ok(6)))
    );
    // The same channel named twice is locked once.
    tx.send(7).unwrap();
    let got = select! {
        recv(rx) -> v => v,
        recv(rx) -> v => v,
        default => panic!("a value was buffered"),
    };
    assert_eq!(got, Ok(7));
}

/// A message that owns a `Sender` of its own channel, and tells when it is dropped.
struct SelfRef {
    _tx: Sender<SelfRef>,
    _alive: Arc<()>,
}

/// Item 5: the last receiver's drop drops the buffered values (a value holding a sender of
/// its own channel used to keep the channel, and itself, alive forever).
#[test]
fn buffered_values_drop_with_the_last_receiver() {
    for cap in [Some(4), None] {
        let (tx, rx) = match cap {
            Some(c) => bounded::<SelfRef>(c),
            None => unbounded::<SelfRef>(),
        };
        let alive = Arc::new(());
        tx.send(SelfRef {
            _tx: tx.clone(),
            _alive: alive.clone(),
        })
        .unwrap();
        drop(tx);
        assert_eq!(Arc::strong_count(&alive), 2);
        let rx2 = rx.clone();
        drop(rx);
        assert_eq!(Arc::strong_count(&alive), 2, "a receiver is still there");
        drop(rx2);
        assert_eq!(
            Arc::strong_count(&alive),
            1,
            "the buffered value was not dropped"
        );
    }
}

/// Item 12: a buffered value whose `Drop` panics. Chosen behaviour: every other value is
/// still dropped, then the first panic goes on from the drop of the last receiver (it used
/// to abort the process at the second panicking value).
#[test]
fn panicking_buffered_values_do_not_abort() {
    struct Bomb {
        explode: bool,
        dropped: Arc<AtomicUsize>,
    }
    impl Drop for Bomb {
        fn drop(&mut self) {
            self.dropped.fetch_add(1, SeqCst);
            if self.explode {
                panic!("bomb");
            }
        }
    }
    let dropped = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = bounded::<Bomb>(4);
    for explode in [true, false, true, false] {
        tx.send(Bomb {
            explode,
            dropped: dropped.clone(),
        })
        .unwrap();
    }
    let r = catch_unwind(AssertUnwindSafe(move || drop(rx)));
    let payload = r.expect_err("the first panic goes on");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"bomb"));
    assert_eq!(dropped.load(SeqCst), 4, "every value was dropped");
    assert!(tx.is_closed());
    assert_eq!(tx.len(), 0);
}

/// Item 7: `AfterFunc::stop` drops the function outside the scope lock (a function owning a
/// child context used to deadlock), and a second stop returns `false`, as in Go.
#[test]
fn after_func_stop_is_safe_and_idempotent() {
    within(10, "AfterFunc::stop", || {
        let (ctx, _cancel) = Context::background().with_cancel();
        let (child, _child_cancel) = ctx.with_cancel();
        let stop = ctx.after_func(move || drop(child));
        assert!(stop.stop());
        assert!(!stop.stop());
        let bg = Context::background().after_func(|| {});
        assert!(bg.stop(), "the first stop prevents the run");
        assert!(!bg.stop(), "already stopped");
        let (ctx, cancel) = Context::background().with_cancel();
        let ran = ctx.after_func(|| {});
        cancel.cancel();
        assert!(!ran.stop(), "already started");
    });
}

/// Item 8: a contended `Mutex::lock` (and a channel wait) in a thread-local destructor works
/// (it used to abort: the signal cache is gone by then).
#[test]
fn blocking_in_a_thread_local_destructor() {
    within(20, "blocking in a TLS destructor", || {
        struct Locker(Arc<Mutex<u32>>, hbsync::chan::Receiver<u32>);
        impl Drop for Locker {
            fn drop(&mut self) {
                *self.0.lock() += 1;
                assert_eq!(self.1.recv(), Ok(9));
            }
        }
        thread_local! {
            static LOCKER: std::cell::RefCell<Option<Locker>> = const { std::cell::RefCell::new(None) };
        }
        let m = Arc::new(Mutex::new(0));
        let (tx, rx) = bounded(0);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let guard = m.lock();
        let t = {
            let m = m.clone();
            thread::spawn(move || {
                // Register the destructor first, then make the signal cache exist (a
                // contended lock): thread-locals are destroyed in reverse order, so the cache
                // is gone when the destructor runs.
                LOCKER.with(|l| *l.borrow_mut() = Some(Locker(m.clone(), rx)));
                *m.lock() += 0;
                ready_tx.send(()).unwrap();
            })
        };
        thread::sleep(Duration::from_millis(20));
        drop(guard);
        ready_rx.recv().unwrap();
        let blocker = m.lock(); // contend with the destructor's lock
        thread::sleep(Duration::from_millis(20));
        drop(blocker);
        thread::sleep(Duration::from_millis(20));
        tx.send(9).unwrap(); // the destructor waits on a rendezvous too
        t.join().unwrap();
        assert_eq!(*m.lock(), 1);
    });
}

/// Item 8 and 11: `Context::done()` first used in a `Drop` while the thread unwinds works,
/// and so does a first `OnceValue::get_or_init` there (it used to count as panicked, and the
/// next use aborted the process).
#[test]
fn first_use_during_unwinding() {
    struct UseOnDrop<'a>(&'a Context, &'a OnceValue<u32>);
    impl Drop for UseOnDrop<'_> {
        fn drop(&mut self) {
            assert!(self.0.done().try_recv().is_err());
            assert_eq!(*self.1.get_or_init(|| 5), 5);
        }
    }
    let (ctx, cancel) = Context::background().with_cancel();
    let once = OnceValue::new();
    let r = catch_unwind(AssertUnwindSafe(|| {
        let _u = UseOnDrop(&ctx, &once);
        panic!("unrelated");
    }));
    assert!(r.is_err());
    assert_eq!(
        once.get(),
        Some(&5),
        "the value made during unwinding is kept"
    );
    cancel.cancel();
    assert!(ctx.done().recv().is_err(), "done works and closes");
}

/// An error that counts its drops.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);
impl std::fmt::Display for Counted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("counted")
    }
}
impl std::error::Error for Counted {}
impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Item 9: a cancelled timeout context is freed at once, with its cause (both used to wait
/// for the deadline in the timer thread).
#[test]
fn cancelled_timeout_contexts_are_freed() {
    let drops = Arc::new(AtomicUsize::new(0));
    for _ in 0..1000 {
        let (ctx, cancel) = Context::background()
            .with_timeout_cause(Duration::from_secs(3600), Counted(drops.clone()));
        cancel.cancel();
        drop((ctx, cancel));
    }
    assert_eq!(drops.load(SeqCst), 1000, "causes kept until the deadline");
    // Dropped without cancel: freed too.
    for _ in 0..1000 {
        let (ctx, cancel) = Context::background()
            .with_timeout_cause(Duration::from_secs(3600), Counted(drops.clone()));
        drop((ctx, cancel));
    }
    assert_eq!(drops.load(SeqCst), 2000);
}

/// Item 9: a dropped `recv_async` on a timer withdraws its wake-up: its waker is released
/// and never woken late.
#[test]
fn dropped_timer_receive_releases_its_waker() {
    let counting = Arc::new(CountingWaker::default());
    let waker = Waker::from(counting.clone());
    let timer = hbsync::time::after(Duration::from_millis(30));
    {
        let mut fut = pin!(timer.recv_async());
        assert!(fut
            .as_mut()
            .poll(&mut TaskContext::from_waker(&waker))
            .is_pending());
    }
    drop(waker);
    thread::sleep(Duration::from_millis(80));
    assert_eq!(counting.0.load(SeqCst), 0, "a stale waker was woken");
    assert_eq!(
        Arc::strong_count(&counting),
        1,
        "the timer thread kept the waker"
    );
}

/// Item 9: a waker that panics does not kill the timer thread: later deadlines still fire.
#[test]
fn a_panicking_waker_does_not_stop_the_timers() {
    struct Panicky;
    impl Wake for Panicky {
        fn wake(self: Arc<Self>) {
            panic!("waker panics (expected in this test)");
        }
    }
    let bad = Waker::from(Arc::new(Panicky));
    let timer = hbsync::time::after(Duration::from_millis(5));
    let mut fut = Box::pin(timer.recv_async());
    assert!(fut
        .as_mut()
        .poll(&mut TaskContext::from_waker(&bad))
        .is_pending());
    thread::sleep(Duration::from_millis(40)); // the panicking waker has run
    let r = within(10, "a timer after a panicking waker", || {
        futures::executor::block_on(hbsync::time::after(Duration::from_millis(5)).recv_async())
    });
    assert!(r.is_ok());
    drop(fut);
}

/// Item 10: a 100,000-deep context chain is cancelled and dropped without recursion (both
/// used to overflow the stack), in either drop order.
#[test]
fn deep_context_chains() {
    within(60, "a deep context chain", || {
        const DEPTH: usize = 100_000;
        for cancel_first in [true, false] {
            let (root, root_cancel) = Context::background().with_cancel();
            let mut ctx = root.clone();
            let mut cancels = Vec::with_capacity(DEPTH);
            for i in 0..DEPTH {
                let (c, f) = if i % 2 == 0 {
                    ctx.with_cancel()
                } else {
                    ctx.with_timeout(Duration::from_secs(3600))
                };
                cancels.push(f);
                ctx = c;
            }
            if cancel_first {
                root_cancel.cancel();
                assert!(ctx.err().is_some());
                assert!(ctx.done().recv().is_err());
            }
            drop(root);
            drop(ctx); // the nodes
            drop(cancels); // then the scopes, root first: the last one frees the chain
        }
    });
}

/// Item 11: an async waiter gets the lock in starvation mode: after it was woken once and
/// lost, and waited past the threshold, the next unlock hands the lock to it (it used to
/// compete again, and a hog could keep the lock indefinitely).
#[test]
fn async_waiters_trigger_starvation_mode() {
    let m = Mutex::new(0u32);
    noop_cx(|cx| {
        let mut g = m.lock();
        let mut fut = pin!(m.lock_async());
        assert!(fut.as_mut().poll(cx).is_pending()); // queued
        drop(g); // wakes the waiter to compete
        g = m.lock(); // a hog barges in before the waiter runs
        thread::sleep(hbsync::STARVATION_THRESHOLD * 2);
        assert!(fut.as_mut().poll(cx).is_pending()); // lost again: now starving
        drop(g); // hands the lock over
        assert!(
            m.try_lock().is_none(),
            "the lock was handed to the starving waiter"
        );
        match fut.as_mut().poll(cx) {
            Poll::Ready(mut guard) => *guard += 1,
            Poll::Pending => panic!("the hand-off did not complete the waiter"),
        }
    });
    assert_eq!(*m.lock(), 1);
}
