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

/// The defects, one per channel.
const NAIVE_SELECT: u8 = 0;
const BIASED_SELECT: u8 = 1;
const LOSSY: u8 = 2;
const KEEPS_VALUE: u8 = 3;
const OVERFULL: u8 = 4;

/// hbsync's channels with defect `D`; everything else is forwarded to them.
/// - `NAIVE_SELECT`: a non-blocking select looks at each channel in turn, so there is no
///   single instant at which all were empty.
/// - `BIASED_SELECT`: a select always prefers the first ready case.
/// - `LOSSY`: every 500th value is reported sent but never enqueued.
/// - `KEEPS_VALUE`: a failed blocking send does not give the value back.
/// - `OVERFULL`: every buffer is one larger than asked (`bounded(0)` buffers one), so sends
///   complete one value early.
struct Broken<const D: u8>;

type NaiveSelect = Broken<NAIVE_SELECT>;
type BiasedSelect = Broken<BIASED_SELECT>;
type Lossy = Broken<LOSSY>;
type KeepsValue = Broken<KEEPS_VALUE>;
type Overfull = Broken<OVERFULL>;

static SENT: AtomicU64 = AtomicU64::new(0);

/// Tries each receiver in order; the first that has a value wins.
fn first_ready(rxs: &[&Receiver<V>]) -> Option<Selected> {
    rxs.iter()
        .enumerate()
        .find_map(|(i, rx)| rx.try_recv().ok().map(|v| Selected::Recv(i, Some(v))))
}

impl<const D: u8> Channel for Broken<D> {
    const NAME: &'static str = [
        "naive select",
        "biased select",
        "lossy",
        "keeps the value",
        "overfull",
    ][D as usize];
    type Tx = Sender<V>;
    type Rx = Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Hbsync::bounded(if D == OVERFULL { cap + 1 } else { cap })
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Hbsync::unbounded()
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        match D {
            // Relaxed: a counter of this test's own (no HB claim).
            LOSSY if SENT.fetch_add(1, Ordering::Relaxed) % 500 == 499 => Ok(()),
            KEEPS_VALUE => Hbsync::send(tx, v).map_err(|_| None),
            _ => Hbsync::send(tx, v),
        }
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        Hbsync::try_send(tx, v)
    }
    fn send_timeout(tx: &Self::Tx, v: V, t: Duration) -> Result<(), SendTimeout> {
        Hbsync::send_timeout(tx, v, t)
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
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        match D {
            NAIVE_SELECT if nonblocking => first_ready(rxs).unwrap_or(Selected::Default),
            BIASED_SELECT => {
                first_ready(rxs).unwrap_or_else(|| Hbsync::select_recv(rxs, nonblocking))
            }
            _ => Hbsync::select_recv(rxs, nonblocking),
        }
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
