//! The lock-free buffer of a channel, whichever kind it is: a ring of stamped cells for a
//! bounded channel ([`super::ring`]), or a linked list of blocks for an unbounded one
//! ([`super::list`]). Both share one interface, so the engine's waiting protocol (register,
//! set the `WAIT` flag, look again; a partner that sees the flag wakes) is written once.

use super::list::List;
use super::ring::{Attempt, PopError, PushError, Ring, Side};

/// A channel's lock-free buffer.
// Both variants are cache-padded position words: one lives per channel, inside its `Arc`;
// boxing the larger one would add a pointer chase to every operation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Lockfree<T> {
    /// Bounded, capacity ≥ 1.
    Ring(Ring<T>),
    /// Unbounded.
    List(List<T>),
}

/// Calls `$method` on whichever buffer `$self` is.
macro_rules! either {
    ($self:ident.$method:ident($($arg:expr),*)) => {
        match $self {
            Lockfree::Ring(ring) => ring.$method($($arg),*),
            Lockfree::List(list) => list.$method($($arg),*),
        }
    };
}

impl<T> Lockfree<T> {
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

    /// The first attempt of [`Lockfree::push`], inline; [`Lockfree::push_finish`]
    /// completes one that did not finish, out of line.
    #[inline]
    pub(crate) fn push_first(&self, value: T) -> Attempt<Result<bool, PushError<T>>, T> {
        either!(self.push_first(value))
    }

    /// Completes a push from its first `attempt`.
    #[inline]
    pub(crate) fn push_finish(
        &self,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
    ) -> Result<bool, PushError<T>> {
        either!(self.push_finish(attempt))
    }

    /// The first attempt of [`Lockfree::pop`], as [`Lockfree::push_first`].
    #[inline]
    pub(crate) fn pop_first(&self) -> Attempt<Result<(T, bool), PopError>, ()> {
        either!(self.pop_first())
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
