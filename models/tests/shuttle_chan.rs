//! Shuttle models of channels: several senders and receivers, a close in the middle,
//! rendezvous and buffered. Each asserts no loss, no duplication, per-sender FIFO (as seen by
//! each receiver) and the capacity bound. Shuttle's atomics are sequentially consistent, so
//! these models check safety and progress, never an ordering claim (that is loom's job).
#![cfg(shuttle)]

use std::sync::Mutex as StdMutex;

use hbsync::chan::{bounded, unbounded, Receiver, Sender};
use hbsync::check::{self, sync::Arc, thread};

const SENDERS: usize = 3;
const RECEIVERS: usize = 2;
const PER_SENDER: usize = 3;

/// Runs the scenario; `close_after` closes the channel after that many values were received.
fn scenario(tx: Sender<(usize, usize)>, rx: Receiver<(usize, usize)>, close_after: Option<usize>) {
    let cap = tx.capacity();
    let returned = Arc::new(StdMutex::new(Vec::new()));
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let tx = tx.clone();
            let returned = returned.clone();
            thread::spawn(move || {
                for i in 0..PER_SENDER {
                    if let Err(e) = tx.send((s, i)) {
                        returned.lock().unwrap().push(e.into_inner());
                    }
                    if let Some(c) = cap {
                        assert!(tx.len() <= c, "capacity exceeded");
                    }
                }
            })
        })
        .collect();
    // Receivers hold a sender clone only when one of them is to close the channel (a live
    // clone would otherwise keep it open forever).
    let closer = close_after.map(|_| tx.clone());
    drop(tx);
    let received = Arc::new(StdMutex::new(0usize));
    let receivers: Vec<_> = (0..RECEIVERS)
        .map(|_| {
            let rx = rx.clone();
            let closer = closer.clone();
            let received = received.clone();
            thread::spawn(move || {
                let mut got = Vec::new();
                for v in &rx {
                    got.push(v);
                    let n = {
                        let mut r = received.lock().unwrap();
                        *r += 1;
                        *r
                    };
                    if let (Some(c), Some(at)) = (&closer, close_after) {
                        if n == at {
                            c.close();
                        }
                    }
                }
                got
            })
        })
        .collect();
    drop((rx, closer));
    for s in senders {
        s.join().unwrap();
    }
    let mut all: Vec<(usize, usize)> = Vec::new();
    for r in receivers {
        let got = r.join().unwrap();
        let mut last = [None::<usize>; SENDERS];
        for &(s, i) in &got {
            assert!(
                last[s].is_none_or(|l| l < i),
                "per-sender FIFO broken: {got:?}"
            );
            last[s] = Some(i);
        }
        all.extend(got);
    }
    all.extend(returned.lock().unwrap().iter().copied());
    all.sort_unstable();
    let want: Vec<_> = (0..SENDERS)
        .flat_map(|s| (0..PER_SENDER).map(move |i| (s, i)))
        .collect();
    assert_eq!(
        all, want,
        "every value received exactly once or handed back"
    );
}

#[test]
fn rendezvous_mpmc_no_loss() {
    check::model(|| {
        let (tx, rx) = bounded(0);
        scenario(tx, rx, None);
    });
}

#[test]
fn buffered_mpmc_no_loss() {
    check::model(|| {
        let (tx, rx) = bounded(2);
        scenario(tx, rx, None);
    });
}

#[test]
fn unbounded_mpmc_no_loss() {
    check::model(|| {
        let (tx, rx) = unbounded();
        scenario(tx, rx, None);
    });
}

#[test]
fn rendezvous_close_in_the_middle() {
    check::model(|| {
        let (tx, rx) = bounded(0);
        scenario(tx, rx, Some(4));
    });
}

#[test]
fn buffered_close_in_the_middle() {
    check::model(|| {
        let (tx, rx) = bounded(2);
        scenario(tx, rx, Some(4));
    });
}

/// Async and blocking parties on one rendezvous channel.
#[test]
fn async_and_blocking_mixed() {
    check::model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let tx2 = tx.clone();
        let a =
            thread::spawn(move || check::block_on(async move { tx2.send_async(1).await.unwrap() }));
        let b = thread::spawn(move || tx.send(2).unwrap());
        let rx2 = rx.clone();
        let mut got = vec![
            check::block_on(rx2.recv_async()).unwrap(),
            rx.recv().unwrap(),
        ];
        got.sort_unstable();
        assert_eq!(got, vec![1, 2]);
        a.join().unwrap();
        b.join().unwrap();
    });
}

/// Issue 12: on ring channels (`bounded(1)`), waiters of every kind register while the other
/// side fills or drains the buffer: a blocking sender and receiver, a `send_async` and a
/// `recv_async`, a select that sends and one that receives over two channels. Every value
/// arrives exactly once, and no waiter is stranded (a stranded one is a shuttle deadlock).
#[test]
fn ring_waiters_are_never_stranded() {
    check::model(|| {
        let (tx, rx) = bounded::<u32>(1);
        let (tx2, rx2) = bounded::<u32>(1);
        let blocking = {
            let tx = tx.clone();
            thread::spawn(move || (0..3).for_each(|i| tx.send(i).unwrap()))
        };
        let asynchronous = {
            let tx = tx.clone();
            thread::spawn(move || {
                check::block_on(async move {
                    for i in 10..12 {
                        tx.send_async(i).await.unwrap();
                    }
                })
            })
        };
        drop(tx);
        let selecting = thread::spawn(move || {
            for i in 20..22 {
                hbsync::select! {
                    send(tx2, i) -> r => r.unwrap(),
                }
            }
        });
        let by_select = {
            let (rx, rx2) = (rx.clone(), rx2.clone());
            thread::spawn(move || {
                let (mut a, mut b) = (Some(rx), Some(rx2));
                let mut got = Vec::new();
                while a.is_some() || b.is_some() {
                    hbsync::select! {
                        recv(a.as_ref()) -> v => match v {
                            Ok(v) => got.push(v),
                            Err(_) => a = None,
                        },
                        recv(b.as_ref()) -> v => match v {
                            Ok(v) => got.push(v),
                            Err(_) => b = None,
                        },
                    }
                }
                got
            })
        };
        let by_async = {
            let rx = rx.clone();
            thread::spawn(move || {
                check::block_on(async move {
                    let mut got = Vec::new();
                    while let Ok(v) = rx.recv_async().await {
                        got.push(v);
                    }
                    got
                })
            })
        };
        let mut got: Vec<u32> = rx.iter().chain(rx2.iter()).collect();
        blocking.join().unwrap();
        asynchronous.join().unwrap();
        selecting.join().unwrap();
        got.extend(by_select.join().unwrap());
        got.extend(by_async.join().unwrap());
        got.sort_unstable();
        assert_eq!(
            got,
            vec![0, 1, 2, 10, 11, 20, 21],
            "lost or duplicated values"
        );
    });
}

/// Issue 12: on an unbounded channel (its lock-free list; two slots per block in checker
/// builds), receivers of every kind wait while three senders' values cross block
/// boundaries: a blocking receiver, a `recv_async`, and a select over the channel and a
/// bounded one, two values each. Every value arrives exactly once, and no receiver is
/// stranded: the channel stays open until all have their values (a close would wake a
/// stranded one and hide it), so a stranded one is a shuttle deadlock.
#[test]
fn list_receivers_are_never_stranded() {
    check::model(|| {
        let (tx, rx) = unbounded::<u32>();
        let (_other_tx, other_rx) = bounded::<u32>(1);
        let senders: Vec<_> = (0..3)
            .map(|s| {
                let tx = tx.clone();
                thread::spawn(move || (0..2).for_each(|i| tx.send(10 * s + i).unwrap()))
            })
            .collect();
        let by_select = {
            let rx = rx.clone();
            thread::spawn(move || {
                (0..2)
                    .map(|_| {
                        hbsync::select! {
                            recv(rx) -> v => v.unwrap(),
                            recv(other_rx) -> _ => unreachable!("nothing is sent on the other channel"),
                        }
                    })
                    .collect::<Vec<_>>()
            })
        };
        let by_async = {
            let rx = rx.clone();
            thread::spawn(move || {
                check::block_on(async move {
                    let mut got = Vec::new();
                    for _ in 0..2 {
                        got.push(rx.recv_async().await.unwrap());
                    }
                    got
                })
            })
        };
        let mut got = vec![rx.recv().unwrap(), rx.recv().unwrap()];
        got.extend(by_select.join().unwrap());
        got.extend(by_async.join().unwrap());
        senders.into_iter().for_each(|s| s.join().unwrap());
        drop(tx);
        got.sort_unstable();
        assert_eq!(got, vec![0, 1, 10, 11, 20, 21], "lost or duplicated values");
    });
}
