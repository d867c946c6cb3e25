//! The lock-free buffer of a channel, whichever kind it is: a ring of stamped cells for a
//! bounded channel ([`super::ring`]), or a linked list of blocks for an unbounded one
//! ([`super::list`]). Both share one interface, so the engine's waiting protocol (register,
//! set the `WAIT` flag, look again; a partner that sees the flag wakes) is written once. The
//! vocabulary both buffers speak (an attempt's outcome, the errors, a party's patience) is
//! here too.

use super::list::{small_values, List, BLOCK_CAP, SMALL_BLOCK_CAP};
use super::ring::Ring;

/// A channel's lock-free buffer.
// Both variants are cache-padded position words: one lives per channel, inside its `Arc`;
// boxing the larger one would add a pointer chase to every operation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Lockfree<T> {
    /// Bounded, capacity ≥ 1.
    Ring(Ring<T>),
    /// Unbounded, values of at most 8 bytes ([`super::list::small_values`]): 63 slots per
    /// block. Second, so the common kind of unbounded channel is found with one test more
    /// than a ring, as before the list had two kinds.
    List(List<T, SMALL_BLOCK_CAP>),
    /// Unbounded, larger values: 31 slots per block.
    WideList(Wide<T>),
}

/// The list of a channel of larger values. Its field is private, so only [`Lockfree::list`]
/// builds one, and only for a `T` that is not [`small_values`]: the first attempts
/// ([`push_with`], [`pop_with`]) rely on it.
pub(crate) struct Wide<T>(List<T, BLOCK_CAP>);

impl<T> Wide<T> {
    /// The list, telling the compiler that a channel of small values never has one, so
    /// the first attempts find a ring with one test of the buffer's kind.
    #[inline(always)]
    fn list(&self) -> &List<T, BLOCK_CAP> {
        if small_values::<T>() {
            // SAFETY: a `Wide` is built only by `Lockfree::list` (its field is private to
            // this module), and only when `small_values::<T>()` is false: for a `T` of
            // small values no `Wide` exists, so this is never reached.
            unsafe { std::hint::unreachable_unchecked() }
        }
        &self.0
    }
}

/// Calls `$method` on whichever buffer `$self` is.
macro_rules! either {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            Lockfree::Ring(ring) => ring.$method($($arg),*),
            Lockfree::List(list) => list.$method($($arg),*),
            Lockfree::WideList(Wide(list)) => list.$method($($arg),*),
        }
    };
}

impl<T> Lockfree<T> {
    /// The buffer of an unbounded channel: the list kind for `T` ([`small_values`]). The
    /// only place a [`Wide`] is built.
    pub(crate) fn list() -> Self {
        if small_values::<T>() {
            Lockfree::List(List::new())
        } else {
            Lockfree::WideList(Wide(List::new()))
        }
    }

    /// Moves `value` in unless full or closed; `Ok(true)`: a receiver may wait, wake one.
    #[inline]
    pub(crate) fn push(&self, value: T) -> Result<bool, PushError<T>> {
        either!(self.push(value))
    }

    /// Takes the oldest value; the flag: a sender may wait, wake one.
    #[inline]
    pub(crate) fn pop(&self) -> Result<(T, bool), PopError> {
        either!(self.pop())
    }

    /// Completes a push from its first `attempt`.
    #[inline]
    pub(crate) fn push_finish(
        &self,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
    ) -> Result<bool, PushError<T>> {
        either!(self.push_finish(attempt))
    }

    /// Completes a pop from its first `attempt`.
    #[inline]
    pub(crate) fn pop_finish(
        &self,
        attempt: Attempt<Result<(T, bool), PopError>, ()>,
    ) -> Result<(T, bool), PopError> {
        either!(self.pop_finish(attempt))
    }

    /// Sets the closed bit; `true` if this call set it.
    pub(crate) fn close(&self) -> bool {
        either!(self.close())
    }

    /// Positions and the closed bit: unchanged means the buffer did not change.
    pub(crate) fn version(&self) -> (usize, usize) {
        either!(self.version())
    }

    /// Whether an operation of `side` would proceed now; a snapshot.
    pub(crate) fn ready(&self, side: Side) -> bool {
        either!(self.ready(side))
    }

    /// Whether an operation of `side` looks able to proceed; a hint for a waiting party
    /// that does not read the other side's word (`Ring::looks_ready`).
    pub(crate) fn looks_ready(&self, side: Side) -> bool {
        either!(self.looks_ready(side))
    }

    /// Sets `side`'s `WAIT` flag; whether its operation could proceed after all.
    pub(crate) fn mark_waiting(&self, side: Side) -> bool {
        either!(self.mark_waiting(side))
    }

    /// Clears `side`'s `WAIT` flag (under the channel lock).
    pub(crate) fn clear_waiting(&self, side: Side) {
        either!(self.clear_waiting(side))
    }

    /// Values in (or being moved in); a snapshot.
    pub(crate) fn len(&self) -> usize {
        either!(self.len())
    }

    /// Whether the closed bit is set; a snapshot.
    pub(crate) fn is_closed(&self) -> bool {
        either!(self.is_closed())
    }
}

/// The first attempt of a send on a channel's buffer, its outcome passed on (the ring's
/// `push_with`, and its `BLOCKING`): `pushed(woke)` if the value went in, `other` with the
/// buffer and the attempt if not, `locked(value)` if the channel has no lock-free buffer.
/// One match over the optional buffer and its kind: a ring is found with one test, a list
/// with two (matching the option first and the kind after took one test more for each).
#[inline]
pub(crate) fn push_with<T, const BLOCKING: bool, R>(
    buffer: &Option<Lockfree<T>>,
    value: T,
    pushed: impl FnOnce(bool) -> R,
    other: impl FnOnce(&Lockfree<T>, Attempt<Result<bool, PushError<T>>, T>) -> R,
    locked: impl FnOnce(T) -> R,
) -> R {
    match buffer {
        Some(l @ Lockfree::Ring(b)) => b.push_with::<BLOCKING, R>(value, pushed, |a| other(l, a)),
        Some(l @ Lockfree::List(b)) => b.push_with(value, pushed, |a| other(l, a)),
        Some(l @ Lockfree::WideList(w)) => w.list().push_with(value, pushed, |a| other(l, a)),
        None => locked(value),
    }
}

/// The first attempt of a receive on a channel's buffer, as [`push_with`]:
/// `popped(value, woke)`, `other`, or `locked()` (a list's attempt is the same for both
/// values of `BLOCKING`).
#[inline]
pub(crate) fn pop_with<T, const BLOCKING: bool, R>(
    buffer: &Option<Lockfree<T>>,
    popped: impl FnOnce(T, bool) -> R,
    other: impl FnOnce(&Lockfree<T>, Attempt<Result<(T, bool), PopError>, ()>) -> R,
    locked: impl FnOnce() -> R,
) -> R {
    match buffer {
        Some(l @ Lockfree::Ring(b)) => b.pop_with::<BLOCKING, R>(popped, |a| other(l, a)),
        Some(l @ Lockfree::List(b)) => b.pop_with(popped, |a| other(l, a)),
        Some(l @ Lockfree::WideList(w)) => w.list().pop_with(popped, |a| other(l, a)),
        None => locked(),
    }
}

// The vocabulary both buffers share.

/// Which side of a channel waits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// Receivers, waiting for a value (their flag is in `tail`, on the ring and the list).
    Recv,
    /// Senders, waiting for room (their flag is in the ring's `head`; a list never is
    /// full).
    Send,
}

/// Why a push did not take the value (which it hands back).
pub(crate) enum PushError<T> {
    /// Every cell holds a value (a ring only).
    Full(T),
    /// The channel is closed.
    Closed(T),
}

/// Why a pop found nothing.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PopError {
    /// No value now.
    Empty,
    /// No value, and none will come: closed.
    Closed,
}

/// What one attempt of a push or a pop came to; `V` is what a retry needs back (the value
/// of a push).
pub(crate) enum Attempt<R, V> {
    /// Finished: the operation's result.
    Done(R),
    /// Lost the reserving CAS to a party of the same side, which moved the word to the
    /// position given: retry from there after a short back-off.
    Lost(V, usize),
    /// The cell's other party is between its CAS and its stamp store, another party of
    /// this side took the position, or (a list) the attempt was not the simple case: read
    /// the word again (after waiting a little, if a party is mid-operation).
    Busy(V),
}

impl<R, V> Attempt<R, V> {
    /// The result of a finished attempt, else `again` with what the retry needs and the
    /// word a lost CAS read (`None`: the cell was busy, read the word afresh).
    #[inline(always)]
    pub(crate) fn or_again(self, again: impl FnOnce(V, Option<usize>) -> R) -> R {
        match self {
            Attempt::Done(r) => r,
            Attempt::Lost(v, now) => again(v, Some(now)),
            Attempt::Busy(v) => again(v, None),
        }
    }
}

/// A party's patience before it registers to wait: a few rounds of growing spins, then a few
/// yields (the other side is often mid-operation on another core). Checker builds do not
/// spin: a retry there is the same operation again, which adds no new order to explore.
pub(crate) struct Patience(u32);

/// Rounds of spinning (`2^round` spin hints each) before a party yields or registers.
const SPINS: u32 = 6;
/// Rounds of yielding after the spins, before a plain ring operation registers to wait.
const YIELDS: u32 = 4;

impl Patience {
    pub(crate) fn new() -> Self {
        Self(0)
    }

    /// Waits a little and returns `true` if the caller should try again before registering.
    #[inline]
    pub(crate) fn wait(&mut self) -> bool {
        self.wait_rounds(YIELDS)
    }

    /// Leaves out the spins that are left: the next waits are yields. For a party whose
    /// partner is not running now (`Chan::wait_a_little`), whom spinning would only keep
    /// off the core. Std builds (a checker build's patience has no spins).
    #[cfg(not(any(loom, shuttle)))]
    pub(crate) fn skip_spins(&mut self) {
        self.0 = self.0.max(SPINS);
    }

    /// [`Patience::wait`] without the yields, for a select: it spins, then registers.
    ///
    /// A select waits on several channels, usually for a party of one of them to act, and on
    /// a busy machine a yield hands its core to exactly such a party, one that then finds its
    /// own channel still full (or empty) and yields back. Measured with 4 senders on
    /// bounded(1) channels and one receiver selecting over them, on 2 cores: with 4 yields
    /// the receiver made about 40,000 `sched_yield` calls per 300,000 messages and a message
    /// cost about 1,100 ns; spinning only, about 350 ns (crossbeam-channel, whose select
    /// registers without a back-off, about 340 in the same runs).
    #[inline]
    pub(crate) fn spin(&mut self) -> bool {
        self.wait_rounds(0)
    }

    /// `SPINS` rounds of growing spins, then `yields` yields; `false` once all are spent.
    #[inline]
    fn wait_rounds(&mut self, yields: u32) -> bool {
        if crate::sync::CHECKER || self.0 >= SPINS + yields {
            return false;
        }
        if self.0 < SPINS {
            for _ in 0..1u32 << self.0 {
                crate::sync::hint::spin_loop();
            }
        } else {
            crate::sync::thread::yield_now();
        }
        self.0 += 1;
        true
    }

    /// Backs off after losing a CAS to another party of the same side: spins only (the
    /// winner is not blocked), longer each time up to `2^SPINS`, so contending parties stop
    /// pulling the word's cache line from each other. Checker builds do not spin.
    #[inline]
    pub(crate) fn contended(&mut self) {
        // The back-off grows to at most `2^SPINS` spin hints.
        if crate::sync::CHECKER {
            return;
        }
        for _ in 0..1u32 << self.0.min(SPINS) {
            crate::sync::hint::spin_loop();
        }
        self.0 += 1;
    }

    /// Waits a little for a party that is mid-operation (it never blocks there): spins, then
    /// yields for as long as it takes.
    #[inline]
    pub(crate) fn snooze(&mut self) {
        if !self.wait() {
            crate::sync::thread::yield_now();
        }
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    /// Values of at most 8 bytes get the 63-slot list, larger ones the 31-slot one (what
    /// `dispatch!` and the two first attempts rely on).
    #[test]
    fn the_list_kind_follows_the_value_size() {
        assert!(matches!(Lockfree::<u64>::list(), Lockfree::List(_)));
        assert!(matches!(Lockfree::<()>::list(), Lockfree::List(_)));
        assert!(matches!(
            Lockfree::<Box<[u8]>>::list(),
            Lockfree::WideList(_)
        ));
        assert!(matches!(Lockfree::<String>::list(), Lockfree::WideList(_)));
    }
}
