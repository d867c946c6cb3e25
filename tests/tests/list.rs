//! Issue 12: unbounded channels keep their values in a lock-free linked list of blocks (in
//! std builds 63 values per block for values of at most 8 bytes, 31 for larger ones). These
//! tests pin what it must not change: nothing lost or duplicated under every kind of party,
//! each sender's order, every buffered value dropped exactly once, closing, and `len`
//! across block boundaries of both block sizes.
#![cfg(not(any(loom, shuttle)))]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;

use hbsync::chan::{bounded, unbounded, SendError, TryRecvError};
use hbsync::select;
use hbsync_tests::within;

/// Four senders, and receivers of every kind (blocking, async, select, polling `try_recv`):
/// each value arrives exactly once, and each sender's values arrive in its order at every
/// receiver.
#[test]
fn every_party_kind_nothing_lost_duplicated_or_reordered() {
    within(120, "unbounded mpmc", || {
        const PER: u64 = 20_000;
        let (tx, rx) = unbounded::<u64>();
        let senders: Vec<_> = (0..4u64)
            .map(|s| {
                let tx = tx.clone();
                thread::spawn(move || (0..PER).for_each(|i| tx.send(s << 32 | i).unwrap()))
            })
            .collect();
        drop(tx);
        let (_other_tx, other_rx) = bounded::<u64>(1);
        let receivers = vec![
            {
                let rx = rx.clone();
                thread::spawn(move || rx.iter().collect::<Vec<_>>())
            },
            {
                let rx = rx.clone();
                thread::spawn(move || {
                    futures::executor::block_on(async move {
                        let mut got = Vec::new();
                        while let Ok(v) = rx.recv_async().await {
                            got.push(v);
                        }
                        got
                    })
                })
            },
            {
                let rx = rx.clone();
                thread::spawn(move || {
                    let mut got = Vec::new();
                    loop {
                        select! {
                            recv(rx) -> v => match v {
                                Ok(v) => got.push(v),
                                Err(_) => break got,
                            },
                            recv(other_rx) -> _ => unreachable!("nothing is sent there"),
                        }
                    }
                })
            },
            thread::spawn(move || {
                let mut got = Vec::new();
                loop {
                    match rx.try_recv() {
                        Ok(v) => got.push(v),
                        Err(TryRecvError::Empty) => thread::yield_now(),
                        Err(TryRecvError::Closed) => break got,
                    }
                }
            }),
        ];
        senders.into_iter().for_each(|s| s.join().unwrap());
        let mut all = HashSet::new();
        for r in receivers {
            let got = r.join().unwrap();
            let mut last = [None; 4];
            for v in got {
                let (s, i) = ((v >> 32) as usize, v & 0xffff_ffff);
                assert!(last[s] < Some(i), "sender {s}'s values out of order");
                last[s] = Some(i);
                assert!(all.insert(v), "value {v:#x} received twice");
            }
        }
        assert_eq!(all.len() as u64, 4 * PER, "values lost");
    });
}

/// A value that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// Dropping a channel drops each value still buffered exactly once, whether the values end
/// mid-block, on a block boundary, or some were received first; so does the last receiver's
/// drop while senders live. `Counted` (8 bytes) has 63 slots per block, `Wide` 31.
#[test]
fn buffered_values_are_dropped_exactly_once() {
    dropped_exactly_once(Counted, &[30, 31, 32, 62, 63, 64, 126, 127]);
    dropped_exactly_once(|d| Wide(Counted(d), 0), &[30, 31, 32, 33, 61, 62, 63, 64]);
}

/// A value of more than 8 bytes: a list of them has the smaller blocks.
struct Wide(#[allow(dead_code)] Counted, #[allow(dead_code)] u64);

/// The drop check of [`buffered_values_are_dropped_exactly_once`] for values made by `make`,
/// sending each count of `boundaries` with none received, and a few mixed cases.
fn dropped_exactly_once<V: Send + 'static>(
    make: impl Fn(Arc<AtomicUsize>) -> V,
    boundaries: &[usize],
) {
    let mixed = [(0, 0), (1, 0), (200, 70), (189, 189)];
    for (sent, received) in boundaries.iter().map(|&b| (b, 0)).chain(mixed) {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = unbounded();
        for _ in 0..sent {
            tx.send(make(drops.clone())).unwrap();
        }
        for _ in 0..received {
            drop(rx.recv().unwrap());
        }
        assert_eq!(
            drops.load(SeqCst),
            received,
            "only received values dropped yet"
        );
        drop(rx); // the last receiver: the buffer is dropped now, the sender still lives
        assert_eq!(drops.load(SeqCst), sent, "{sent} sent, {received} received");
        match tx.send(make(drops.clone())) {
            Err(SendError(v)) => drop(v),
            Ok(()) => panic!("a send after the last receiver left must fail"),
        }
        drop(tx);
        assert_eq!(drops.load(SeqCst), sent + 1);
    }
}

/// `len` counts across block boundaries; after `close` the buffered values are still
/// received in order, then `Closed`; a send after close gives its value back. For both
/// block sizes: `u32` (63 per block) and `(u64, u64)` (31).
#[test]
fn len_close_and_drain_across_blocks() {
    len_close_and_drain(|i| i);
    len_close_and_drain(|i| (u64::from(i), 0u64));
}

/// [`len_close_and_drain_across_blocks`] for values made by `make`.
fn len_close_and_drain<V: PartialEq + std::fmt::Debug + Send + 'static>(make: impl Fn(u32) -> V) {
    let (tx, rx) = unbounded::<V>();
    for i in 0..200 {
        assert_eq!(rx.len(), i as usize);
        tx.send(make(i)).unwrap();
    }
    assert_eq!(rx.len(), 200);
    for i in 0..63 {
        assert_eq!(rx.recv(), Ok(make(i)));
    }
    assert_eq!(rx.len(), 137);
    assert!(tx.close());
    assert!(rx.is_closed());
    assert_eq!(tx.send(make(7)), Err(SendError(make(7))));
    let rest: Vec<V> = rx.iter().collect();
    assert_eq!(rest, (63..200).map(&make).collect::<Vec<_>>());
    assert_eq!(rx.len(), 0);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}
