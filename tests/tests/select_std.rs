//! `select!` and `Select` behaviour, following Go's select tests (each test names its source).
#![cfg(not(any(loom, shuttle)))]

use std::thread;
use std::time::Duration;

use hbsync::chan::{bounded, unbounded, Receiver, RecvError, Select, Sender};
use hbsync::select;

/// Go runtime/chan_test.go TestSelectFairness: two always-ready channels in a 4-case select
/// are each chosen about half the time (Go allows 10 sigma; 10,000 trials).
#[test]
fn select_fairness() {
    const TRIALS: usize = 10_000;
    let (tx1, rx1) = bounded::<u8>(TRIALS);
    let (tx2, rx2) = bounded::<u8>(TRIALS);
    for _ in 0..TRIALS {
        tx1.send(1).unwrap();
        tx2.send(2).unwrap();
    }
    let (_tx3, rx3) = bounded::<u8>(0);
    let (_tx4, rx4) = bounded::<u8>(0);
    let mut counts = [0usize; 2];
    for _ in 0..TRIALS {
        select! {
            recv(rx1) -> _ => counts[0] += 1,
            recv(rx2) -> _ => counts[1] += 1,
            recv(rx3) -> _ => unreachable!(),
            recv(rx4) -> _ => unreachable!(),
        }
    }
    // Binomial(10,000, 0.5): sigma = 50; 10 sigma = 500.
    let dev = (counts[0] as i64 - (TRIALS / 2) as i64).abs();
    assert!(dev <= 500, "unfair: {counts:?}");
}

/// Go test/chan/nonblock.go: non-blocking send/receive with default on cap 0 and 1.
#[test]
fn nonblock() {
    for cap in [0, 1] {
        let (tx, rx) = bounded::<i32>(cap);
        let got = select! { recv(rx) -> v => Some(v), default => None };
        assert_eq!(got, None, "empty channel must take default");
        let sent = select! { send(tx, 1) -> r => r.is_ok(), default => false };
        assert_eq!(sent, cap == 1, "cap {cap}");
        // A receiver blocked on the other side makes the send ready.
        let mut t = Some(thread::spawn({
            let rx = rx.clone();
            move || rx.recv()
        }));
        if cap == 1 {
            assert_eq!(t.take().unwrap().join().unwrap(), Ok(1));
        }
        let mut sent = false;
        for _ in 0..1000 {
            sent = select! { send(tx, 7) -> r => r.is_ok(), default => false };
            if sent {
                break;
            }
            thread::sleep(Duration::from_millis(1));
        }
        assert!(sent);
        if let Some(t) = t {
            assert_eq!(t.join().unwrap(), Ok(7));
        } else {
            assert_eq!(rx.recv(), Ok(7));
        }
    }
}

/// Go test/chan/select3.go: a closed channel's receive is always ready and yields "closed";
/// a nil (disabled) channel is never selected; default never blocks.
#[test]
fn select3_closed_and_nil() {
    let (tx, rx) = bounded::<i32>(0);
    tx.close();
    let r = select! { recv(rx) -> v => v, default => Ok(99) };
    assert_eq!(r, Err(RecvError));
    let nil: Option<Receiver<i32>> = None;
    let r = select! { recv(nil) -> _ => "nil", default => "default" };
    assert_eq!(r, "default");
    let nil_tx: Option<Sender<i32>> = None;
    let r = select! { send(nil_tx, 1) -> _ => "nil", recv(rx) -> _ => "closed" };
    assert_eq!(r, "closed");
    // Send arm on a closed channel yields the value back (Go panics).
    let r = select! { send(tx, 5) -> r => r };
    assert_eq!(r.unwrap_err().into_inner(), 5);
}

/// Go runtime/chan_test.go TestSelfSelect: a select with a send and a receive on the same
/// channel must not pair with itself (cap 0), and never deadlocks (cap 0 and 1).
#[test]
fn self_select() {
    for cap in [0, 1] {
        let (tx, rx) = bounded::<usize>(cap);
        let hs: Vec<_> = (0..2)
            .map(|p| {
                let (tx, rx) = (tx.clone(), rx.clone());
                thread::spawn(move || {
                    for i in 0..1000 {
                        if p == 0 || i % 2 == 0 {
                            select! {
                                send(tx, p) -> r => r.unwrap(),
                                recv(rx) -> v => {
                                    let v = v.unwrap();
                                    if cap == 0 {
                                        assert_ne!(v, p, "self-pairing");
                                    }
                                }
                            }
                        } else {
                            select! {
                                recv(rx) -> v => {
                                    let v = v.unwrap();
                                    if cap == 0 {
                                        assert_ne!(v, p, "self-pairing");
                                    }
                                },
                                send(tx, p) -> r => r.unwrap(),
                            }
                        }
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
    }
}

/// Go test/chan/doubleselect.go: a sender selecting over four unbuffered channels never
/// completes two cases for one value; receivers check for duplicates.
#[test]
fn doubleselect() {
    const N: u32 = 5000;
    let chans: Vec<_> = (0..4).map(|_| bounded::<u32>(0)).collect();
    let txs: Vec<Sender<u32>> = chans.iter().map(|c| c.0.clone()).collect();
    let (out_tx, out_rx) = unbounded::<u32>();
    let rs: Vec<_> = chans
        .into_iter()
        .map(|(_, rx)| {
            let out = out_tx.clone();
            thread::spawn(move || {
                for v in &rx {
                    out.send(v).unwrap();
                }
            })
        })
        .collect();
    drop(out_tx);
    for i in 0..N {
        select! {
            send(txs[0], i) -> r => r.unwrap(),
            send(txs[1], i) -> r => r.unwrap(),
            send(txs[2], i) -> r => r.unwrap(),
            send(txs[3], i) -> r => r.unwrap(),
        }
    }
    drop(txs);
    for r in rs {
        r.join().unwrap();
    }
    let mut all: Vec<u32> = out_rx.iter().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..N).collect::<Vec<_>>(),
        "a value was lost or duplicated"
    );
}

/// A select blocked on several channels is woken by a send on any one, and by a close.
#[test]
fn blocked_select_woken_by_send_or_close() {
    for close in [false, true] {
        let (tx1, rx1) = bounded::<i32>(0);
        let (tx2, rx2) = bounded::<i32>(0);
        let t = thread::spawn(move || {
            select! {
                recv(rx1) -> v => (1, v),
                recv(rx2) -> v => (2, v),
            }
        });
        thread::sleep(Duration::from_millis(20));
        if close {
            tx2.close();
            assert_eq!(t.join().unwrap(), (2, Err(RecvError)));
        } else {
            tx1.send(5).unwrap();
            assert_eq!(t.join().unwrap(), (1, Ok(5)));
        }
        drop((tx1, tx2));
    }
}

/// default(timeout) waits, then gives up; nothing is consumed by the arms not taken.
#[test]
fn timeout_consumes_nothing() {
    let (tx, rx) = bounded::<i32>(0);
    let r = select! {
        recv(rx) -> _ => "recv",
        default(Duration::from_millis(20)) => "timeout",
    };
    assert_eq!(r, "timeout");
    let (btx, brx) = bounded::<i32>(1);
    btx.send(1).unwrap();
    let r = select! { send(btx, 2) -> _ => "sent", default(Duration::from_millis(5)) => "timeout" };
    assert_eq!(r, "timeout");
    assert_eq!(
        brx.try_iter().collect::<Vec<_>>(),
        vec![1],
        "the losing send sent nothing"
    );
    drop(tx);
}

#[test]
fn select_builder_dynamic() {
    let chans: Vec<_> = (0..5).map(|_| bounded::<usize>(1)).collect();
    let rxs: Vec<&Receiver<usize>> = chans.iter().map(|c| &c.1).collect();
    assert!(Select::try_recv_any(&rxs).is_none());
    assert!(Select::recv_any_timeout(&rxs, Duration::from_millis(5)).is_none());
    chans[3].0.send(30).unwrap();
    assert_eq!(Select::recv_any(&rxs), Some((3, Ok(30))));
}

/// Go test/chan/sieve1.go: a prime sieve as a chain of filter tasks over rendezvous channels.
#[test]
fn sieve1() {
    fn generate(tx: Sender<u32>) {
        for i in 2.. {
            if tx.send(i).is_err() {
                return;
            }
        }
    }
    fn filter(rx: Receiver<u32>, tx: Sender<u32>, prime: u32) {
        for i in &rx {
            if i % prime != 0 && tx.send(i).is_err() {
                return;
            }
        }
    }
    let (tx, mut rx) = bounded(0);
    thread::spawn(move || generate(tx));
    let mut primes = Vec::new();
    loop {
        let prime = rx.recv().unwrap();
        if prime > 100 {
            break;
        }
        primes.push(prime);
        let (tx2, rx2) = bounded(0);
        let old = std::mem::replace(&mut rx, rx2);
        thread::spawn(move || filter(old, tx2, prime));
    }
    drop(rx); // the chain unwinds: each filter's send fails and it returns
    assert_eq!(
        primes,
        vec![
            2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
            89, 97
        ]
    );
}

/// Go test/chan/select.go: every send operand is evaluated once per select, taken or not,
/// nil (disabled) or not; a disabled arm never proceeds.
#[test]
fn select_evaluates_every_operand() {
    let counter = std::cell::Cell::new(0u32);
    let shift = std::cell::Cell::new(0u32);
    let get_value = || {
        counter.set(counter.get() + 1);
        1u32 << shift.get()
    };
    let send = |mut a: Option<&Sender<u32>>, mut b: Option<&Sender<u32>>| {
        let mut i = 0;
        loop {
            let more = select! {
                send(a, get_value()) -> r => { r.unwrap(); i += 1; a = None; true },
                send(b, get_value()) -> r => { r.unwrap(); i += 1; b = None; true },
                default => false,
            };
            if !more {
                return i;
            }
            shift.set(shift.get() + 1);
        }
    };
    let (a_tx, a_rx) = bounded::<u32>(1);
    let (b_tx, b_rx) = bounded::<u32>(1);
    assert_eq!(send(Some(&a_tx), Some(&b_tx)), 2);
    assert_eq!(a_rx.recv().unwrap() | b_rx.recv().unwrap(), 3, "bad values");
    assert_eq!(send(Some(&a_tx), None), 1);
    assert_eq!(
        counter.get(),
        10,
        "each arm's value is evaluated on every select"
    );
}

/// Go test/chan/select6.go (issue 2075): a select's failed cases must not corrupt the queues
/// of channels that have other waiters.
#[test]
fn select6_failed_cases_keep_queues_intact() {
    let (c1_tx, c1_rx) = bounded::<bool>(0);
    let (c2_tx, c2_rx) = bounded::<bool>(0);
    let (c3_tx, c3_rx) = bounded::<bool>(0);
    let r1 = c1_rx.clone();
    let a = thread::spawn(move || {
        r1.recv().unwrap();
    });
    let r1 = c1_rx.clone();
    let b = thread::spawn(move || {
        select! {
            recv(r1) -> _ => panic!("dummy"),
            recv(c2_rx) -> _ => c3_tx.send(true).unwrap(),
        }
        r1.recv().unwrap();
    });
    let c = thread::spawn(move || c2_tx.send(true).unwrap());
    c3_rx.recv().unwrap();
    c1_tx.send(true).unwrap();
    c1_tx.send(true).unwrap();
    for t in [a, b, c] {
        t.join().unwrap();
    }
}

type Recv = fn(&Receiver<i32>) -> i32;
type Send = fn(Sender<i32>);

/// Go test/chan/select7.go: receive with a plain receive, a one-arm select and a two-arm
/// select, against a send by a plain send, a one-arm select and a two-arm select.
#[test]
fn select7_every_receive_form_with_every_send_form() {
    let recvs: [(&str, Recv); 3] = [
        ("recv1", |c| c.recv().unwrap()),
        ("recv2", |c| select! { recv(c) -> v => v.unwrap() }),
        ("recv3", |c| {
            let (_keep, dummy) = bounded::<i32>(0);
            select! { recv(c) -> v => v.unwrap(), recv(dummy) -> _ => panic!("dummy") }
        }),
    ];
    let sends: [(&str, Send); 3] = [
        ("send1", |c| c.send(1).unwrap()),
        ("send2", |c| select! { send(c, 1) -> r => r.unwrap() }),
        ("send3", |c| {
            let (dummy, _keep) = bounded::<i32>(0);
            select! { send(c, 1) -> r => r.unwrap(), send(dummy, 1) -> _ => panic!("dummy") }
        }),
    ];
    for (rname, recv) in recvs {
        for (sname, send) in sends {
            // Both orders: the receiver arrives first, or the sender does.
            for receiver_first in [true, false] {
                let (tx, rx) = bounded::<i32>(0);
                let t = thread::spawn(move || {
                    if receiver_first {
                        thread::sleep(Duration::from_millis(1));
                    }
                    send(tx)
                });
                if !receiver_first {
                    thread::sleep(Duration::from_millis(1));
                }
                assert_eq!(recv(&rx), 1, "{rname} with {sname}");
                t.join().unwrap();
            }
        }
    }
}

/// Go runtime/chan_test.go TestSelectStress: four channels (two rendezvous, capacities 2
/// and 3) each get N plain sends and N sends from one select loop, and N plain receives and
/// N receives from another select loop; arms are disabled (nil) as their quota is met.
#[test]
fn select_stress() {
    const N: usize = 10_000;
    let chans: Vec<(Sender<usize>, Receiver<usize>)> =
        vec![bounded(0), bounded(0), bounded(2), bounded(3)];
    let mut handles = Vec::new();
    for (tx, rx) in &chans {
        let tx = tx.clone();
        handles.push(thread::spawn(move || {
            for i in 0..N {
                tx.send(i).unwrap();
            }
        }));
        let rx = rx.clone();
        handles.push(thread::spawn(move || {
            for _ in 0..N {
                rx.recv().unwrap();
            }
        }));
    }
    let txs: Vec<Sender<usize>> = chans.iter().map(|(t, _)| t.clone()).collect();
    handles.push(thread::spawn(move || {
        let mut n = [0usize; 4];
        let mut c: Vec<Option<&Sender<usize>>> = txs.iter().map(Some).collect();
        for _ in 0..4 * N {
            let i = select! {
                send(c[3], 0) -> r => { r.unwrap(); 3 },
                send(c[2], 0) -> r => { r.unwrap(); 2 },
                send(c[0], 0) -> r => { r.unwrap(); 0 },
                send(c[1], 0) -> r => { r.unwrap(); 1 },
            };
            n[i] += 1;
            if n[i] == N {
                c[i] = None;
            }
        }
    }));
    let rxs: Vec<Receiver<usize>> = chans.iter().map(|(_, r)| r.clone()).collect();
    handles.push(thread::spawn(move || {
        let mut n = [0usize; 4];
        let mut c: Vec<Option<&Receiver<usize>>> = rxs.iter().map(Some).collect();
        for _ in 0..4 * N {
            let i = select! {
                recv(c[0]) -> v => { v.unwrap(); 0 },
                recv(c[1]) -> v => { v.unwrap(); 1 },
                recv(c[2]) -> v => { v.unwrap(); 2 },
                recv(c[3]) -> v => { v.unwrap(); 3 },
            };
            n[i] += 1;
            if n[i] == N {
                c[i] = None;
            }
        }
    }));
    for h in handles {
        h.join().unwrap();
    }
    for (_, rx) in &chans {
        assert!(rx.is_empty());
    }
}

/// Go runtime/chan_test.go TestSelectDuplicateChannel: a select with the same channel in two
/// arms, woken through a third channel, leaves no stale entry that would steal a later
/// plain receive's value.
#[test]
fn select_duplicate_channel() {
    let (c_tx, c_rx) = bounded::<i32>(0);
    let (d_tx, d_rx) = bounded::<i32>(0);
    let (e_tx, e_rx) = bounded::<i32>(0);
    let c2 = c_rx.clone();
    thread::spawn(move || {
        select! {
            recv(c2) -> _ => panic!("c"),
            recv(c2) -> _ => panic!("c"),
            recv(d_rx) -> _ => {},
        }
        e_tx.send(9).unwrap();
    });
    thread::sleep(Duration::from_millis(1)); // the select is blocked
    let c3 = c_rx.clone();
    let plain = thread::spawn(move || c3.recv());
    thread::sleep(Duration::from_millis(1)); // the plain receive is queued
    d_tx.send(7).unwrap(); // wakes the select, which must withdraw both c entries
    assert_eq!(e_rx.recv(), Ok(9));
    c_tx.send(8).unwrap(); // goes to the plain receive
    assert_eq!(plain.join().unwrap(), Ok(8));
}

/// The `Select` builder with send and receive operations of different types.
#[test]
fn select_builder_mixed_directions() {
    let (num_tx, num_rx) = bounded::<u32>(0);
    let (txt_tx, txt_rx) = bounded::<String>(0);
    let t = thread::spawn(move || txt_rx.recv().unwrap());
    let mut sel = Select::new();
    let recv_num = sel.recv(&num_rx);
    let send_txt = sel.send(&txt_tx, "hello".to_string());
    let index = sel.wait();
    assert_eq!(index, send_txt.index());
    assert_eq!(send_txt.take(), Some(Ok(())));
    assert_eq!(recv_num.take(), None);
    assert_eq!(t.join().unwrap(), "hello");
    // try_wait with nothing ready, and a disabled operation.
    let none: Option<&Receiver<u32>> = None;
    let mut sel = Select::new();
    let _ = sel.recv(&none);
    let _ = sel.recv(&num_rx);
    assert_eq!(sel.try_wait(), None);
    // A closed channel's send gives the value back.
    drop(num_tx);
    let (tx, rx) = bounded::<u32>(0);
    drop(rx);
    let mut sel = Select::new();
    let s = sel.send(&tx, 5);
    assert_eq!(sel.wait_timeout(Duration::from_secs(5)), Some(0));
    assert_eq!(s.take().unwrap().unwrap_err().into_inner(), 5);
}

#[test]
#[should_panic(expected = "a Select runs once")]
fn select_builder_runs_once() {
    let (tx, _rx) = bounded::<u32>(1);
    let mut sel = Select::new();
    let _ = sel.send(&tx, 1);
    sel.wait();
    sel.wait();
}

/// crossbeam-channel's `select!` forms: block arms without commas, a trailing comma,
/// `default()`; no warnings in user code (this file is built with `-D warnings` by clippy).
#[test]
fn crossbeam_select_syntax() {
    let (tx, rx) = hbsync::chan::bounded::<u8>(1);
    let (_tx2, rx2) = hbsync::chan::bounded::<u8>(1);
    tx.send(1).unwrap();
    let got = hbsync::select! {
        recv(rx2) -> _ => { unreachable!() }
        recv(rx) -> v => { v.unwrap() }
        default() => { 0 }
    };
    assert_eq!(got, 1);
    let got = hbsync::select! {
        recv(rx) -> v => v.unwrap(),
        default => 9,
    };
    assert_eq!(got, 9);
    let mut sent = false;
    hbsync::select! {
        send(tx, 2) -> r => { sent = r.is_ok(); }
        default(std::time::Duration::from_millis(1)) => {}
    }
    assert!(sent);
}
