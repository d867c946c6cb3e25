//! Sequential specifications: what each primitive does when operations run one at a time.
//!
//! Two uses:
//! - **Property tests** run random single-threaded operation sequences against the real
//!   primitive and against its specification and compare every result
//!   ([`ChanSpec::try_send`] and friends).
//! - **Linearizability**: every specification also implements [`Sequential`], the form a
//!   linearizability checker needs (the `hbsync-conformance` crate has one). A concurrent
//!   history is linearizable when its operations can be put in one order, each at a point
//!   between its call and its return, in which every result is what the specification says.
//!
//! A blocking operation that waits for a partner, as a send and a receive on a rendezvous
//! channel, cannot take effect at one point on its own: it meets its partner. Such an
//! operation has two *phases* (the dual-data-structure treatment): a **request**, where it
//! registers or finds its partner, and a **follow-up**, where it returns what the meeting
//! gave it. Both fall between its call and its return; every other operation has one phase.
//!
//! ```
//! use hbsync::spec::{ChanOp, ChanRet, ChanSpec, Sequential};
//!
//! let s = ChanSpec::<u64>::new(Some(1));
//! // A send into room: one successor state, in which a receive gets the value.
//! let s = s.step(0, &ChanOp::Send(7), &ChanRet::Sent, 0).pop().unwrap();
//! assert_eq!(s.step(1, &ChanOp::TryRecv, &ChanRet::Got(7), 0).len(), 1);
//! // "Empty" is not a legal answer while a value is buffered.
//! assert!(s.step(1, &ChanOp::TryRecv, &ChanRet::Empty, 0).is_empty());
//! ```

use std::fmt::Debug;
use std::hash::Hash;

mod chan;
mod context;
mod sync;

pub use chan::{ChanOp, ChanRet, ChanSpec, SelectOp, SelectRet, SelectSpec};
pub use context::{ContextOp, ContextRet, ContextSpec};
pub use sync::{
    MutexOp, MutexRet, MutexSpec, OnceOp, OnceRet, OnceSpec, WaitGroupOp, WaitGroupSpec,
};

/// A sequential specification in the form a linearizability checker uses: a state, and for
/// each operation with its observed result, the states it may lead to.
///
/// States are compared and hashed so a checker can remember which (state, progress) pairs
/// it has already explored (Lowe's memoisation of the Wing–Gong search).
///
/// A specification of a counter, written against the trait:
///
/// ```
/// use hbsync::spec::Sequential;
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// struct Counter(u32);
///
/// impl Sequential for Counter {
///     type Op = (); // increment
///     type Ret = u32; // the value after it
///     fn step(&self, _id: usize, _op: &(), ret: &u32, _phase: u8) -> Vec<Self> {
///         if *ret == self.0 + 1 { vec![Counter(self.0 + 1)] } else { vec![] }
///     }
/// }
///
/// assert_eq!(Counter(0).step(0, &(), &1, 0), [Counter(1)]);
/// assert!(Counter(0).step(0, &(), &2, 0).is_empty(), "not linearizable from here");
/// ```
pub trait Sequential: Clone + Eq + Hash + Debug {
    /// An operation, with its arguments.
    type Op: Clone + Debug;
    /// What an operation returned.
    type Ret: Clone + Debug + PartialEq;

    /// How many phases `op` has in this specification: 1, or 2 for an operation that must
    /// meet a partner (request, then follow-up). Asked of the initial state.
    ///
    /// ```
    /// use hbsync::spec::{ChanOp, ChanSpec, Sequential};
    ///
    /// assert_eq!(ChanSpec::<u8>::new(Some(0)).phases(&ChanOp::Recv), 2);
    /// assert_eq!(ChanSpec::<u8>::new(Some(1)).phases(&ChanOp::Recv), 1);
    /// ```
    fn phases(&self, op: &Self::Op) -> u8 {
        let _ = op;
        1
    }

    /// The states reached when phase `phase` (0-based) of operation number `id` takes effect
    /// now and `ret` is consistent with it; empty when it cannot take effect now (a blocking
    /// operation not yet enabled, or a result this state rules out). `id` is unique within a
    /// history and lets a two-phase operation find its own request again.
    ///
    /// ```
    /// use hbsync::spec::{ChanOp, ChanRet, ChanSpec, Sequential};
    ///
    /// // A rendezvous: the receive's request, the send (which meets it), then its follow-up.
    /// let s = ChanSpec::<u8>::new(Some(0));
    /// let s = s.step(1, &ChanOp::Recv, &ChanRet::Got(5), 0).pop().unwrap();
    /// let s = s.step(2, &ChanOp::Send(5), &ChanRet::Sent, 0).pop().unwrap();
    /// let s = s.step(2, &ChanOp::Send(5), &ChanRet::Sent, 1).pop().unwrap();
    /// assert_eq!(s.step(1, &ChanOp::Recv, &ChanRet::Got(5), 1).len(), 1);
    /// ```
    fn step(&self, id: usize, op: &Self::Op, ret: &Self::Ret, phase: u8) -> Vec<Self>;
}
