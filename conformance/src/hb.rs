//! The happens-before claims, for any channel built on `hbsync::check` (a "loom-aware"
//! channel: its atomics and threads are the checker's under `--cfg loom`).
//!
//! Each claim is a litmus program through the [`Channel`] trait: a plain (non-atomic) write
//! on one thread before operation A, operation B then a read of the same memory on another.
//! Under `--cfg loom`, [`verdict`] explores every interleaving and every weak-memory outcome
//! with `hbsync::check::model`; if A is not synchronized before B, loom reports the two
//! accesses as a data race and the claim *differs*. In a std build one run proves nothing, so
//! the verdict is `n/a`. hbsync's own proofs of these claims, with their mutants, are in
//! `cargo verify`; these are the same shapes, for a crate's own channel.
//!
//! State shared between model threads lives in a `std::sync::Arc`, so a failing model
//! reports its race instead of aborting while it unwinds (the checker's own `Arc` re-enters
//! it from a destructor).

use std::sync::Arc;

use hbsync::check::cell::UnsafeCell;
use hbsync::check::thread;

use crate::{Channel, Verdict};

/// One claim, for one channel.
pub struct Claim {
    /// The claim's id, as in hbsync's catalogue.
    pub id: &'static str,
    /// The rule.
    pub what: &'static str,
    /// The litmus program (one execution; [`verdict`] explores them all).
    pub program: fn(),
}

/// Whether `C` has a channel of capacity `cap`. A checker's channel can only be made inside
/// a model, so the question is asked in one.
fn has<C: Channel>(cap: usize) -> bool {
    let yes = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let y = yes.clone();
    hbsync::check::model(move || {
        // Relaxed: a flag read after the model returns (no HB claim).
        y.store(
            C::bounded(cap).is_some(),
            std::sync::atomic::Ordering::Relaxed,
        );
    });
    // Relaxed: the model has returned; its threads are done.
    yes.load(std::sync::atomic::Ordering::Relaxed)
}

/// The channel claims, for `C`. A claim whose channel the crate lacks is left out.
pub fn claims<C: Channel>() -> Vec<Claim> {
    let mut v = Vec::new();
    if has::<C>(1) {
        v.push(Claim {
            id: "HB-CHAN-SEND",
            what: "a send is synchronized before the completion of the receive that takes its value (cap 1)",
            program: send_before_recv::<C>,
        });
        v.push(Claim {
            id: "HB-CHAN-CLOSE",
            what: "closing is synchronized before a receive that returns because the channel is closed (cap 1)",
            program: close_before_closed_recv::<C>,
        });
        v.push(Claim {
            id: "HB-CHAN-CAPACITY",
            what: "on cap 1, the 1st receive is synchronized before the completion of the 2nd send",
            program: capacity::<C>,
        });
    }
    if has::<C>(0) {
        v.push(Claim {
            id: "HB-CHAN-RENDEZVOUS",
            what:
                "on cap 0, the receive is synchronized before the completion of the matching send",
            program: rendezvous::<C>,
        });
    }
    v
}

/// Explore `claim` under the active checker: `Holds` if no execution races or fails,
/// `Differs` with the checker's report otherwise, `n/a` in a std build.
pub fn verdict(claim: &Claim) -> Verdict {
    if !cfg!(loom) {
        // shuttle explores schedules but cannot see a data race; std runs once.
        return Verdict::NotApplicable("build with --cfg loom to explore it".into());
    }
    let program = claim.program;
    let r = std::panic::catch_unwind(|| hbsync::check::model(program));
    match r {
        Ok(()) => Verdict::Holds,
        Err(e) => Verdict::Differs(
            hbsync::check::panic_message(&*e).unwrap_or_else(|| "the model failed".into()),
        ),
    }
}

/// Plain memory two model threads touch; the checker judges whether the accesses are
/// ordered.
struct Data(UnsafeCell<u64>);

// SAFETY: the two threads of a claim access the cell on purpose without a lock of their
// own: in a checker build the checker's `UnsafeCell` tracks every access and reports an
// unordered pair as a race (it does not perform one); in a std build each program runs once
// with the channel's ordering between the accesses, which is the claim under test.
unsafe impl Sync for Data {}

impl Data {
    fn new() -> Arc<Self> {
        Arc::new(Self(UnsafeCell::new(0)))
    }

    fn write(&self, v: u64) {
        // SAFETY: see the `Sync` impl: the only other access is the claim's read, which the
        // channel under test must order after this write.
        self.0.with_mut(|p| unsafe { *p = v });
    }

    fn read(&self) -> u64 {
        // SAFETY: as in `write`.
        self.0.with(|p| unsafe { *p })
    }
}

fn send_before_recv<C: Channel>() {
    let (tx, rx) = C::bounded(1).expect("bounded(1)");
    let data = Data::new();
    let d = data.clone();
    let sender = thread::spawn(move || {
        d.write(1);
        assert!(C::send(&tx, 7).is_ok(), "send failed");
    });
    assert_eq!(C::recv(&rx), Some(7));
    assert_eq!(data.read(), 1);
    sender.join().expect("the sender panicked");
}

fn close_before_closed_recv<C: Channel>() {
    let (tx, rx) = C::bounded(1).expect("bounded(1)");
    let data = Data::new();
    let d = data.clone();
    let closer = thread::spawn(move || {
        d.write(1);
        let _ = C::close(&tx);
        drop(tx);
    });
    assert_eq!(C::recv(&rx), None);
    assert_eq!(data.read(), 1);
    closer.join().expect("the closer panicked");
}

fn capacity<C: Channel>() {
    let (tx, rx) = C::bounded(1).expect("bounded(1)");
    assert!(C::try_send(&tx, 1).is_ok(), "try_send into room failed");
    let data = Data::new();
    let d = data.clone();
    let receiver = thread::spawn(move || {
        d.write(1);
        assert_eq!(C::recv(&rx), Some(1));
        rx
    });
    assert!(C::send(&tx, 2).is_ok(), "second send failed");
    assert_eq!(data.read(), 1);
    let _rx = receiver.join().expect("the receiver panicked");
}

fn rendezvous<C: Channel>() {
    let (tx, rx) = C::bounded(0).expect("bounded(0)");
    let data = Data::new();
    let d = data.clone();
    let receiver = thread::spawn(move || {
        d.write(1);
        assert_eq!(C::recv(&rx), Some(7));
    });
    assert!(C::send(&tx, 7).is_ok(), "send failed");
    assert_eq!(data.read(), 1);
    receiver.join().expect("the receiver panicked");
}
