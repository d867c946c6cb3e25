//! Issue 12: bounded channels of capacity ≥ 1 keep their values in a lock-free ring, and
//! their waiters are woken to retry. These tests pin what that must not change: nothing lost
//! or duplicated under every kind of party, the capacity bound, a woken waiter that leaves
//! passing its wake-up on, and timeouts that never strand another waiter.
#![cfg(not(any(loom, shuttle)))]

use std::collections::HashSet;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::Duration;

use hbsync::chan::{bounded, SendTimeoutError};
use hbsync::select;
use hbsync_tests::within;

/// A waker that counts its wake-ups.
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counting_waker() -> (Arc<CountingWaker>, Waker) {
    let w = Arc::new(CountingWaker(AtomicUsize::new(0)));
    (w.clone(), Waker::from(w))
}

/// Polls `first` and `second` once each with their wakers; both must be pending.
fn both_pending<A: Future, B: Future>(
    first: Pin<&mut A>,
    first_waker: &Waker,
    second: Pin<&mut B>,
    second_waker: &Waker,
) {
    assert!(first
        .poll(&mut Context::from_waker(first_waker))
        .is_pending());
    assert!(second
        .poll(&mut Context::from_waker(second_waker))
        .is_pending());
}

/// Every kind of sender and receiver at once, on several capacities: each value arrives once.
#[test]
fn every_party_kind_nothing_lost_or_duplicated() {
    for cap in [1, 2, 7, 1000] {
        within(120, &format!("ring mpmc, cap {cap}"), move || {
            const PER: u64 = 5_000;
            let (tx, rx) = bounded::<u64>(cap);
            let mut senders = Vec::new();
            for s in 0..4u64 {
                let tx = tx.clone();
                senders.push(thread::spawn(move || {
                    for i in 0..PER {
                        let v = s * PER + i;
                        match s {
                            0 => tx.send(v).unwrap(),
                            1 => futures::executor::block_on(tx.send_async(v)).unwrap(),
                            2 => select! { send(tx, v) -> r => r.unwrap() },
                            _ => {
                                let mut v = v;
                                loop {
                                    match tx.send_timeout(v, Duration::from_micros(50)) {
                                        Ok(()) => break,
                                        Err(SendTimeoutError::Timeout(back)) => v = back,
                                        Err(e) => panic!("{e:?}"),
                                    }
                                }
                            }
                        }
                        assert!(tx.len() <= cap, "capacity exceeded");
                    }
                }));
            }
            drop(tx);
            let mut receivers = Vec::new();
            for r in 0..4 {
                let rx = rx.clone();
                receivers.push(thread::spawn(move || {
                    let mut got = Vec::new();
                    loop {
                        let v = match r {
                            0 => rx.recv().ok(),
                            1 => futures::executor::block_on(rx.recv_async()).ok(),
                            2 => select! { recv(rx) -> v => v.ok() },
                            _ => loop {
                                match rx.recv_timeout(Duration::from_micros(50)) {
                                    Ok(v) => break Some(v),
                                    Err(e) if e.is_timeout() => continue,
                                    Err(_) => break None,
                                }
                            },
                        };
                        match v {
                            Some(v) => got.push(v),
                            None => return got,
                        }
                    }
                }));
            }
            drop(rx);
            for s in senders {
                s.join().unwrap();
            }
            let mut all = HashSet::new();
            for r in receivers {
                for v in r.join().unwrap() {
                    assert!(all.insert(v), "value {v} received twice");
                }
            }
            assert_eq!(all.len() as u64, 4 * PER, "values lost");
        });
    }
}

/// A woken `recv_async` that is dropped passes its wake-up to the next waiting receiver, so
/// the value it was woken for is not left behind with a receiver asleep.
#[test]
fn dropped_woken_recv_future_passes_the_wake_on() {
    let (tx, rx) = bounded::<u8>(1);
    let (first_w, first) = counting_waker();
    let (second_w, second) = counting_waker();
    let mut f1 = Box::pin(rx.recv_async());
    let mut f2 = pin!(rx.recv_async());
    both_pending(f1.as_mut(), &first, f2.as_mut(), &second);
    tx.send(5).unwrap();
    assert_eq!(first_w.0.load(SeqCst), 1, "the first waiter is woken");
    assert_eq!(second_w.0.load(SeqCst), 0, "one value wakes one waiter");
    drop(f1); // woken, never polled again
    assert_eq!(second_w.0.load(SeqCst), 1, "the wake-up was passed on");
    assert_eq!(
        f2.as_mut().poll(&mut Context::from_waker(&second)),
        Poll::Ready(Ok(5))
    );
}

/// The same on the sending side: a woken `send_async` that is dropped passes the room on.
#[test]
fn dropped_woken_send_future_passes_the_room_on() {
    let (tx, rx) = bounded::<u8>(1);
    tx.send(0).unwrap();
    let (first_w, first) = counting_waker();
    let (second_w, second) = counting_waker();
    let mut f1 = Box::pin(tx.send_async(1));
    let mut f2 = pin!(tx.send_async(2));
    both_pending(f1.as_mut(), &first, f2.as_mut(), &second);
    assert_eq!(rx.recv(), Ok(0));
    assert_eq!(first_w.0.load(SeqCst), 1, "the first sender is woken");
    drop(f1); // its value is dropped unsent
    assert_eq!(second_w.0.load(SeqCst), 1, "the room was passed on");
    assert_eq!(
        f2.as_mut().poll(&mut Context::from_waker(&second)),
        Poll::Ready(Ok(()))
    );
    assert_eq!(rx.try_recv(), Ok(2));
    assert!(
        rx.try_recv().is_err(),
        "the dropped future's value was not sent"
    );
}

/// Senders with deadlines time out around a blocking sender: the room a receive makes is
/// never wasted on a sender that gives up while another sleeps (a woken sender tries again
/// before it may time out).
#[test]
fn timeouts_never_strand_a_waiting_sender() {
    within(60, "timeouts around a blocking sender", || {
        for _ in 0..200 {
            let (tx, rx) = bounded::<u32>(1);
            tx.send(0).unwrap();
            let impatient: Vec<_> = (0..3)
                .map(|i| {
                    let tx = tx.clone();
                    thread::spawn(move || tx.send_timeout(i, Duration::from_micros(200)).is_ok())
                })
                .collect();
            let patient = {
                let tx = tx.clone();
                thread::spawn(move || tx.send(99).unwrap())
            };
            drop(tx);
            let mut got = vec![rx.recv().unwrap()];
            // The patient sender is delivered in the end, whatever the impatient ones did.
            while let Ok(v) = rx.recv() {
                got.push(v);
            }
            patient.join().unwrap();
            let sent = impatient
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|&ok| ok)
                .count();
            assert!(got.contains(&99));
            assert_eq!(got.len(), 2 + sent, "a value was lost or duplicated");
        }
    });
}

/// `len` and the capacity bound seen from outside while parties of both sides race.
#[test]
fn len_never_exceeds_capacity() {
    within(60, "len watcher", || {
        let (tx, rx) = bounded::<u32>(3);
        let stop = Arc::new(AtomicUsize::new(0));
        let watcher = {
            let (rx, stop) = (rx.clone(), stop.clone());
            thread::spawn(move || {
                while stop.load(SeqCst) == 0 {
                    assert!(rx.len() <= 3, "len {} above the capacity", rx.len());
                }
            })
        };
        let sender = thread::spawn(move || (0..100_000).for_each(|i| tx.send(i).unwrap()));
        let mut next = 0;
        for v in &rx {
            assert_eq!(v, next, "one sender's values arrive in order");
            next += 1;
        }
        sender.join().unwrap();
        stop.store(1, SeqCst);
        watcher.join().unwrap();
        assert_eq!(next, 100_000);
    });
}

/// Closing while values are buffered and parties wait on both sides: receivers drain every
/// value, then see the close; blocked senders get theirs back.
#[test]
fn close_drains_then_reports_closed() {
    within(60, "close with waiters", || {
        let (tx, rx) = bounded::<u32>(2);
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        let blocked = {
            let tx = tx.clone();
            thread::spawn(move || tx.send(3))
        };
        thread::sleep(Duration::from_millis(20));
        assert!(tx.close());
        let back = blocked.join().unwrap();
        assert_eq!(
            back.unwrap_err().into_inner(),
            3,
            "the blocked sender gets its value"
        );
        assert_eq!(rx.recv(), Ok(1));
        assert_eq!(rx.recv(), Ok(2));
        assert!(rx.recv().is_err());
        assert!(tx.send(4).is_err());
    });
}

/// A blocking receive's first attempt does not read the send side's word (so not its
/// `CLOSED` bit either): it must still report a closed ring as closed, not as a timeout,
/// even when its deadline has already passed, and values buffered before the close come
/// first.
#[test]
fn a_receive_past_its_deadline_still_sees_the_close() {
    within(60, "closed ring, elapsed deadline", || {
        for cap in [1, 2, 1000] {
            let (tx, rx) = bounded::<u32>(cap);
            tx.send(7).unwrap();
            assert!(tx.close());
            let past = std::time::Instant::now() - Duration::from_millis(1);
            assert_eq!(
                rx.recv_deadline(past),
                Ok(7),
                "capacity {cap}: the buffered value"
            );
            assert_eq!(
                rx.recv_deadline(past),
                Err(hbsync::chan::RecvTimeoutError::Closed),
                "capacity {cap}: closed, not timed out"
            );
            assert_eq!(
                rx.recv_timeout(Duration::ZERO),
                Err(hbsync::chan::RecvTimeoutError::Closed),
                "capacity {cap}: a zero timeout"
            );
            assert!(rx.recv().is_err(), "capacity {cap}: a blocking receive");
            let (tx, rx) = bounded::<u32>(cap);
            assert_eq!(
                rx.recv_deadline(past),
                Err(hbsync::chan::RecvTimeoutError::Timeout),
                "capacity {cap}: open and empty times out"
            );
            drop(tx);
        }
    });
}

/// A full ring whose deadline has passed: the send times out with its value back, and a
/// send with room left goes in even past its deadline (the non-blocking look it makes
/// before giving up).
#[test]
fn a_send_past_its_deadline_times_out_only_when_full() {
    within(60, "full ring, elapsed deadline", || {
        for cap in [1, 3] {
            let (tx, rx) = bounded::<u32>(cap);
            let past = std::time::Instant::now() - Duration::from_millis(1);
            for i in 0..cap as u32 {
                assert_eq!(tx.send_deadline(i, past), Ok(()), "capacity {cap}: room");
            }
            match tx.send_deadline(99, past) {
                Err(SendTimeoutError::Timeout(v)) => assert_eq!(v, 99),
                other => panic!("capacity {cap}: expected a timeout, got {other:?}"),
            }
            assert_eq!(rx.recv(), Ok(0));
            assert_eq!(
                tx.send_deadline(5, past),
                Ok(()),
                "capacity {cap}: room again"
            );
            assert!(tx.close());
            match tx.send_deadline(6, past) {
                Err(SendTimeoutError::Closed(v)) => assert_eq!(v, 6),
                other => panic!("capacity {cap}: expected closed, got {other:?}"),
            }
        }
    });
}

/// One sender and one receiver chasing each other on a full ring (the receiver slower)
/// and on an empty one (the sender slower), where the waiting party looks only at its
/// cell's stamp between spins: every value arrives once and in order, and a receiver
/// waiting on the empty ring ends when the sender closes.
#[test]
fn a_chasing_sender_and_receiver_lose_nothing() {
    within(120, "full and empty chases", || {
        for (cap, slow_sender) in [(1000, false), (1000, true), (4, false), (4, true)] {
            let (tx, rx) = bounded::<u64>(cap);
            const N: u64 = 200_000;
            let sender = thread::spawn(move || {
                for i in 0..N {
                    if slow_sender && i % 16 == 0 {
                        thread::yield_now();
                    }
                    tx.send(i).unwrap();
                }
                // Dropping the last sender closes the channel.
            });
            let mut next = 0;
            while let Ok(v) = rx.recv() {
                assert_eq!(v, next, "capacity {cap}: in order, none lost or doubled");
                next += 1;
                if !slow_sender && next % 16 == 0 {
                    thread::yield_now();
                }
            }
            assert_eq!(next, N, "capacity {cap}: every value, then the close");
            sender.join().unwrap();
        }
    });
}
