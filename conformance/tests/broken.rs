//! The behaviours can fail: channels with a known defect, each built on hbsync's with one
//! thing broken, must be reported as differing by the behaviour that names that defect
//! (and a correct channel must not).
#![cfg(not(any(loom, shuttle)))]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hbsync::chan::{Receiver, Sender};
use hbsync_conformance::adapters::Hbsync;
use hbsync_conformance::behaviours::{self, run_bounded};
use hbsync_conformance::{
    Channel, RecvTimeout, Selected, SendTimeout, TryRecv, TrySend, Verdict, V,
};

/// Declares a channel that forwards everything to hbsync's except what `$body` overrides.
macro_rules! broken {
    ($name:ident, $label:literal, { $($body:tt)* }) => {
        struct $name;
        impl Channel for $name {
            const NAME: &'static str = $label;
            type Tx = Sender<V>;
            type Rx = Receiver<V>;
            $($body)*
            fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
                Hbsync::bounded(cap)
            }
            fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
                Hbsync::unbounded()
            }
            fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
                Hbsync::try_send(tx, v)
            }
            fn recv(rx: &Self::Rx) -> Option<V> {
                Hbsync::recv(rx)
            }
            fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
                Hbsync::try_recv(rx)
            }
            fn recv_timeout(rx: &Self::Rx, t: Duration) -> Result<V, RecvTimeout> {
                Hbsync::recv_timeout(rx, t)
            }
            fn close(tx: &Self::Tx) -> Option<bool> {
                Hbsync::close(tx)
            }
            fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
                Hbsync::clone_rx(rx)
            }
        }
    };
}

broken!(NaiveSelect, "naive select", {
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        Hbsync::send(tx, v)
    }
    fn send_timeout(tx: &Self::Tx, v: V, t: Duration) -> Result<(), SendTimeout> {
        Hbsync::send_timeout(tx, v, t)
    }
    /// Looks at each channel in turn: no single instant at which all were empty.
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        if !nonblocking {
            return Hbsync::select_recv(rxs, false);
        }
        for (i, rx) in rxs.iter().enumerate() {
            if let Ok(v) = rx.try_recv() {
                return Selected::Recv(i, Some(v));
            }
        }
        Selected::Default
    }
});

broken!(BiasedSelect, "biased select", {
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        Hbsync::send(tx, v)
    }
    fn send_timeout(tx: &Self::Tx, v: V, t: Duration) -> Result<(), SendTimeout> {
        Hbsync::send_timeout(tx, v, t)
    }
    /// Always prefers the first ready case.
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        for (i, rx) in rxs.iter().enumerate() {
            if let Ok(v) = rx.try_recv() {
                return Selected::Recv(i, Some(v));
            }
        }
        Hbsync::select_recv(rxs, nonblocking)
    }
});

static SENT: AtomicU64 = AtomicU64::new(0);

broken!(Lossy, "lossy", {
    /// Every 500th value is reported sent but never enqueued.
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        // Relaxed: a counter of this test's own (no HB claim).
        if SENT.fetch_add(1, Ordering::Relaxed) % 500 == 499 {
            return Ok(());
        }
        Hbsync::send(tx, v)
    }
    fn send_timeout(tx: &Self::Tx, v: V, t: Duration) -> Result<(), SendTimeout> {
        Hbsync::send_timeout(tx, v, t)
    }
});

broken!(KeepsValue, "keeps the value", {
    /// A failed blocking send does not give the value back.
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        Hbsync::send(tx, v).map_err(|_| None)
    }
    fn send_timeout(tx: &Self::Tx, v: V, t: Duration) -> Result<(), SendTimeout> {
        Hbsync::send_timeout(tx, v, t)
    }
});

/// Sends that complete one value early: a blocking send returns once its value is in a
/// buffer one larger than asked for, and `bounded(0)` buffers one.
struct Overfull;

impl Channel for Overfull {
    const NAME: &'static str = "overfull";
    type Tx = Sender<V>;
    type Rx = Receiver<V>;
    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Hbsync::bounded(cap + 1)
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Hbsync::unbounded()
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        Hbsync::send(tx, v)
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        Hbsync::try_send(tx, v)
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        Hbsync::recv(rx)
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        Hbsync::try_recv(rx)
    }
    fn close(tx: &Self::Tx) -> Option<bool> {
        Hbsync::close(tx)
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Hbsync::clone_rx(rx)
    }
}

/// The verdict of behaviour `id` on `C`.
fn verdict<C: Channel>(id: &str) -> Verdict {
    let b = behaviours::all::<C>()
        .into_iter()
        .find(|b| b.id == id)
        .unwrap_or_else(|| panic!("no behaviour {id}"));
    run_bounded(&b, Duration::from_secs(60))
}

fn assert_differs<C: Channel>(id: &str) {
    let v = verdict::<C>(id);
    assert!(
        matches!(v, Verdict::Differs(_)),
        "{} {id}: {v:?}, expected differs",
        C::NAME
    );
}

#[test]
fn a_select_that_looks_at_one_channel_at_a_time_is_caught() {
    // Ten seconds at most (it stops at the first 100 defaults, within milliseconds on an
    // idle machine): the table's 300 ms could miss it on a loaded one.
    let v = behaviours::select_snapshot_for::<NaiveSelect>(Duration::from_secs(10));
    assert!(matches!(v, Verdict::Differs(_)), "{v:?}");
}

#[test]
fn a_biased_select_is_caught() {
    assert_differs::<BiasedSelect>("select-fairness");
}

#[test]
fn a_lost_value_is_caught() {
    assert_differs::<Lossy>("fifo-per-sender");
}

#[test]
fn a_send_that_keeps_its_value_is_caught() {
    assert_differs::<KeepsValue>("failed-send-returns-value");
    assert_differs::<KeepsValue>("close-wakes-blocked-senders");
    assert_differs::<KeepsValue>("nothing-lost-under-close");
}

#[test]
fn a_send_that_completes_early_is_caught() {
    assert_differs::<Overfull>("rendezvous-completes-at-receipt");
    assert_differs::<Overfull>("capacity-never-exceeded");
    assert_differs::<Overfull>("linearizable");
}

#[test]
fn hbsync_holds_every_behaviour() {
    for b in behaviours::all::<Hbsync>() {
        let v = run_bounded(&b, Duration::from_secs(60));
        assert_eq!(v, Verdict::Holds, "hbsync {}", b.id);
    }
}
