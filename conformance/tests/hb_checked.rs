//! The happens-before claims of [`hbsync_conformance::hb`], explored by the checker: hbsync's
//! channels hold every one, and a loom-aware channel that publishes with `Relaxed` (the
//! claim's mutant, written as a downstream crate might write it) differs on HB-CHAN-SEND.
#![cfg(loom)]

use std::sync::Arc;

use hbsync::check::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use hbsync::check::thread;
use hbsync_conformance::{hb, Hbsync, Verdict};
use hbsync_conformance::{Channel, TryRecv, TrySend, V};

#[test]
fn hbsync_holds_every_claim() {
    let claims = hb::claims::<Hbsync>();
    assert_eq!(claims.len(), 4);
    for c in &claims {
        assert_eq!(hb::verdict(c), Verdict::Holds, "{}", c.id);
    }
}

/// A one-slot channel on the checker's atomics whose hand-off is `Relaxed`: the value
/// arrives, but nothing written before the send is published with it.
struct RelaxedSlot;

struct Slot {
    full: AtomicBool,
    value: AtomicU64,
}

impl Channel for RelaxedSlot {
    const NAME: &'static str = "relaxed slot";
    type Tx = Arc<Slot>;
    type Rx = Arc<Slot>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        (cap == 1).then(|| {
            let s = Arc::new(Slot {
                full: AtomicBool::new(false),
                value: AtomicU64::new(0),
            });
            (s.clone(), s)
        })
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        None
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        loop {
            match Self::try_send(tx, v) {
                Ok(()) => return Ok(()),
                Err(_) => thread::yield_now(),
            }
        }
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        // Relaxed: the mutant; no HB edge from the sender to the receiver (HB-CHAN-SEND
        // fails, which is what this test shows).
        if tx.full.load(Ordering::Relaxed) {
            return Err(TrySend::Full(Some(v)));
        }
        // Relaxed: as above.
        tx.value.store(v, Ordering::Relaxed);
        // Relaxed: as above; a correct channel stores `full` with Release.
        tx.full.store(true, Ordering::Relaxed);
        Ok(())
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        loop {
            match Self::try_recv(rx) {
                Ok(v) => return Some(v),
                Err(_) => thread::yield_now(),
            }
        }
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        // Relaxed: the mutant's other half; a correct channel loads `full` with Acquire.
        if !rx.full.load(Ordering::Relaxed) {
            return Err(TryRecv::Empty);
        }
        // Relaxed: the value itself is an atomic, so it arrives.
        let v = rx.value.load(Ordering::Relaxed);
        // Relaxed: frees the slot (this one-sender test never refills it).
        rx.full.store(false, Ordering::Relaxed);
        Ok(v)
    }
}

#[test]
fn a_relaxed_hand_off_differs() {
    let claims = hb::claims::<RelaxedSlot>();
    let send = claims
        .iter()
        .find(|c| c.id == "HB-CHAN-SEND")
        .expect("HB-CHAN-SEND");
    let v = hb::verdict(send);
    assert!(matches!(v, Verdict::Differs(_)), "{v:?}");
}
