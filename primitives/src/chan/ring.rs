//! The lock-free buffer of a bounded channel of capacity ≥ 1: an array of stamped cells
//! (Dmitry Vyukov's bounded MPMC queue), so a send into room and a receive of a buffered
//! value take no lock at all.
//!
//! # Positions and stamps
//!
//! `head` is the position of the next receive, `tail` of the next send. A position is
//! `lap * LAP + index` with `index < cap`: the index picks the cell, the lap counts how many
//! times the array was gone round. Between the index bits and the lap bits each word has two
//! flag bits: `tail` carries `CLOSED` and `WAIT` (a receiver may be waiting), `head` carries
//! `WAIT` (a sender may be waiting). Every cell has a `stamp`, which says what the cell waits
//! for:
//!
//! | stamp           | the cell …                                                       |
//! |-----------------|------------------------------------------------------------------|
//! | `p`             | is free for the send at position `p`                              |
//! | `p + 1`         | holds the value of the send at `p`, for the receive at `p`        |
//!
//! A send at `p` reserves the cell by moving `tail` from `p` to the next position (one CAS,
//! which keeps the flags), writes the value, and publishes it by storing `p + 1` (Release). A
//! receive at `p` reserves by moving `head`, reads the value, and frees the cell for the next
//! lap by storing `p + LAP` (Release). Each party reads the stamp with Acquire before it
//! reserves, so:
//!
//! - **HB-CHAN-SEND**: the sender's stamp store (`chan.ring.send.publish`) → the receiver's
//!   stamp load (`chan.ring.recv.observe`): the value and everything before the send.
//! - **HB-CHAN-CAPACITY**: the receiver's stamp store (`chan.ring.recv.free`) → the stamp
//!   load of the send one lap later (`chan.ring.send.observe`), the (k+C)-th send.
//! - **HB-CHAN-CLOSE**: the closer sets the `CLOSED` bit with Release (`chan.ring.close`); a
//!   receive that finds the buffer empty reads `tail` with Acquire (`chan.ring.recv.closed`).
//!
//! `head` and `tail` themselves are moved with Relaxed CASes: they only pick who owns a
//! cell (the CAS order on one location is total); the data moves through the stamps.
//!
//! # No lost wake-up (LIVE-CHAN-WAKE)
//!
//! A receiver that must wait registers under the channel lock, then sets `WAIT` in `tail`
//! with an RMW and looks at the position that RMW returns. A send's reserving CAS is an RMW
//! of the same word. RMWs of one location are totally ordered and each reads the one before
//! it, so either the flag came first (the send's CAS sees `WAIT` and the sender wakes a
//! receiver), or the send came first (the flag's RMW returns the moved `tail`, and the
//! receiver does not sleep). Senders waiting for room set `WAIT` in `head` the same way.
//! No ordering is involved (it is atomicity), so there is no ordering mutant: the design
//! mutant `chan.ring.wake.look_first` looks at the ring *before* setting the flag, the
//! classic lost wake-up, and the proof must catch it.
//!
//! A non-blocking party that finds a cell reserved but not yet published or freed (the
//! other side is between its CAS and its stamp store, which never blocks) spins until it
//! is. A blocking one does not tell that cell from a full (empty) ring: it waits as it would
//! there, looking at the stamp alone between its spins ([`Ring::looks_ready`]), then
//! registering, where the `WAIT` flag's RMW reads the other side's word (and a receive finds
//! `CLOSED`).

use std::mem::MaybeUninit;

use crossbeam_utils::CachePadded;

use super::lockfree::{Attempt, Patience, PopError, PushError, Side};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};

/// One cell of the array.
struct Cell<T> {
    /// What the cell waits for (module docs).
    stamp: AtomicUsize,
    /// The value, initialized exactly while the stamp says "holds".
    value: UnsafeCell<MaybeUninit<T>>,
}

/// The buffer of a bounded channel (capacity ≥ 1).
pub(crate) struct Ring<T> {
    /// The position of the next receive, with `WAIT` (a sender may be waiting).
    head: CachePadded<AtomicUsize>,
    /// The position of the next send, with `CLOSED` and `WAIT` (a receiver may be waiting).
    tail: CachePadded<AtomicUsize>,
    cells: Box<[Cell<T>]>,
    /// The `CLOSED` bit of `tail`: the lowest bit above every index (and index + 1).
    closed_bit: usize,
    /// The `WAIT` bit of either word, just above `CLOSED`.
    wait_bit: usize,
    /// One lap: the lowest lap bit.
    lap: usize,
    /// `!(CLOSED | WAIT)`: keeps a word's position (precomputed, as the three below: each
    /// operation uses them).
    pos_mask: usize,
    /// `!WAIT`: keeps a word's position and its `CLOSED` bit.
    open_mask: usize,
    /// `CLOSED - 1`: keeps a position's index.
    index_mask: usize,
    /// The index of the last cell, `cap - 1`.
    last: usize,
}

// SAFETY: values move between threads through the cells (so `T: Send`); every access to a
// cell's value is made by the one party whose CAS reserved that cell for this lap, after the
// stamp showed the previous owner done with it (module docs).
unsafe impl<T: Send> Send for Ring<T> {}
// SAFETY: as above: shared access only hands values from one owner to the next.
unsafe impl<T: Send> Sync for Ring<T> {}

impl<T> Ring<T> {
    /// A ring of `cap ≥ 1` cells.
    pub(crate) fn new(cap: usize) -> Self {
        assert!(cap >= 1, "a ring holds at least one value");
        let closed_bit = (cap + 1).next_power_of_two();
        let cells = (0..cap)
            .map(|i| Cell {
                // Cell `i` waits for the send at position `i` (lap 0).
                stamp: AtomicUsize::new(i),
                value: UnsafeCell::new(MaybeUninit::uninit()),
            })
            .collect();
        Self {
            head: CachePadded::new(AtomicUsize::new(0)),
            tail: CachePadded::new(AtomicUsize::new(0)),
            cells,
            closed_bit,
            wait_bit: closed_bit << 1,
            lap: closed_bit << 2,
            pos_mask: !(closed_bit | closed_bit << 1),
            open_mask: !(closed_bit << 1),
            index_mask: closed_bit - 1,
            last: cap - 1,
        }
    }

    /// A word without its flags: the position.
    #[inline]
    fn pos(&self, word: usize) -> usize {
        word & self.pos_mask
    }

    fn cap(&self) -> usize {
        self.cells.len()
    }

    /// The position after `pos` (a position, without flags), whose index is `index`
    /// (passed in, so an operation works it out once, before its Acquire load: after it the
    /// mask would be read again).
    #[inline]
    fn next(&self, pos: usize, index: usize) -> usize {
        if index != self.last {
            pos + 1
        } else {
            // Index 0 of the next lap: every bit below the lap bits set, plus one.
            (pos | (self.lap - 1)).wrapping_add(1)
        }
    }

    /// The index of position `pos` (or of a word: the flags lie above the index bits):
    /// which cell it is.
    #[inline]
    fn index(&self, pos: usize) -> usize {
        pos & self.index_mask
    }

    /// The cell of index `index` (of a position).
    #[inline]
    fn cell(&self, index: usize) -> &Cell<T> {
        debug_assert!(index < self.cap());
        // SAFETY: `index` is a position's (`Ring::index`), and every position is 0 or made
        // by `next`, whose index part is always below `cap` (it wraps to the next lap at
        // `cap`), so it is in bounds.
        unsafe { self.cells.get_unchecked(index) }
    }

    /// Moves `value` in, unless the buffer is full or closed. `Ok(true)`: a receiver may be
    /// waiting (`WAIT` was set in `tail` when this send moved it): wake one.
    pub(crate) fn push(&self, value: T) -> Result<bool, PushError<T>> {
        self.push_finish(self.push_first(value))
    }

    /// The first attempt of [`Ring::push`], inline; [`Ring::push_finish`] completes one
    /// that could not finish yet (a lost CAS, a cell whose other party is mid-operation)
    /// out of line, so a send site stays small and its common outcome needs no merging with
    /// the retry's.
    #[inline]
    pub(crate) fn push_first(&self, value: T) -> Attempt<Result<bool, PushError<T>>, T> {
        self.push_with::<false, _>(value, |woke| Attempt::Done(Ok(woke)), |attempt| attempt)
    }

    /// [`Ring::push_first`] with its outcome passed on: `pushed(woke)` if the value went in
    /// (`woke`: a receiver may be waiting, wake one), else `other` with the attempt. A send
    /// site built on it returns straight from either, so the common outcome is not merged
    /// with the others into one value that is tested again.
    ///
    /// `BLOCKING`: the caller is a blocking send, which waits whether the ring is full or
    /// the receive of the cell's old value is still under way; a cell holding last lap's
    /// value is then reported `Full` without reading `head` ([`Ring::looks_ready`] says
    /// why). A non-blocking send (`false`) reads it, so `Full` means full.
    #[inline]
    pub(crate) fn push_with<const BLOCKING: bool, R>(
        &self,
        value: T,
        pushed: impl FnOnce(bool) -> R,
        other: impl FnOnce(Attempt<Result<bool, PushError<T>>, T>) -> R,
    ) -> R {
        // Relaxed: a first guess, checked against the cell's stamp in `push_at`.
        let tail = self.tail.load(Ordering::Relaxed);
        self.push_at::<BLOCKING, R>(tail, value, pushed, other)
    }

    /// Completes a push from its first `attempt`.
    #[inline(never)]
    pub(crate) fn push_finish(
        &self,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
    ) -> Result<bool, PushError<T>> {
        attempt.or_again(|value, lost| self.push_again(value, lost))
    }

    /// [`Ring::push`] after a first attempt that could not finish: backs off (spins after a
    /// lost CAS at `lost`, waits for a busy cell) and tries again until an attempt finishes.
    fn push_again(&self, mut value: T, mut lost: Option<usize>) -> Result<bool, PushError<T>> {
        let mut backoff = Patience::new();
        loop {
            let tail = match lost {
                Some(now) => {
                    backoff.contended();
                    now
                }
                None => {
                    backoff.snooze();
                    // Relaxed: a new guess, checked as in `push`.
                    self.tail.load(Ordering::Relaxed)
                }
            };
            (value, lost) =
                match self.push_at::<false, _>(tail, value, |w| Attempt::Done(Ok(w)), |a| a) {
                    Attempt::Done(r) => return r,
                    Attempt::Lost(v, now) => (v, Some(now)),
                    Attempt::Busy(v) => (v, None),
                };
        }
    }

    /// One attempt of a push, with `tail` as last read: `pushed(woke)` if the value went
    /// in, else `other` with what the attempt came to (`BLOCKING`: as in
    /// [`Ring::push_with`]).
    #[inline(always)]
    fn push_at<const BLOCKING: bool, R>(
        &self,
        tail: usize,
        value: T,
        pushed: impl FnOnce(bool) -> R,
        other: impl FnOnce(Attempt<Result<bool, PushError<T>>, T>) -> R,
    ) -> R {
        // `tail` without `WAIT` but with `CLOSED`: a free cell's stamp is a position, which
        // never has the `CLOSED` bit, so on a closed ring the test below fails and the
        // close is found off the common path (one test fewer per send).
        let pos = tail & self.open_mask;
        // The index bits lie below both flags.
        let index = self.index(tail);
        let cell = self.cell(index);
        // Acquire: pairs with the Release that freed this cell one lap ago, so the receive
        // of its old value happens before this send (HB-CHAN-CAPACITY, site
        // `chan.ring.send.observe`).
        let stamp = cell
            .stamp
            .load(ord(mutant::RING_SEND_OBSERVE, Ordering::Acquire));
        if stamp == pos {
            // Relaxed: reserving picks the owner of the cell; no data moves with it. The
            // flags are kept; the one read here says whether to wake (LIVE-CHAN-WAKE).
            match self.tail.compare_exchange_weak(
                tail,
                self.next(pos, index) | (tail & self.wait_bit),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    // SAFETY: our CAS reserved this cell for position `pos`, whose stamp said
                    // free: no one else touches its value until we publish.
                    cell.value.with_mut(|p| unsafe { (*p).write(value) });
                    // Release: publishes the value (HB-CHAN-SEND, site
                    // `chan.ring.send.publish`).
                    cell.stamp.store(
                        pos.wrapping_add(1),
                        ord(mutant::RING_SEND_PUBLISH, Ordering::Release),
                    );
                    pushed(tail & self.wait_bit != 0)
                }
                Err(now) => other(Attempt::Lost(value, now)),
            }
        } else if tail & self.closed_bit != 0 {
            other(Attempt::Done(Err(PushError::Closed(value))))
        } else if stamp.wrapping_add(self.lap) == pos.wrapping_add(1) {
            // The cell still holds last lap's value: full, unless its receive is under way
            // (head moved past it already). A blocking send waits either way.
            if BLOCKING {
                return other(Attempt::Done(Err(PushError::Full(value))));
            }
            // Relaxed: a snapshot; a waiting sender's second look is ordered by the flag's
            // RMW (LIVE-CHAN-WAKE).
            let head = self.pos(self.head.load(Ordering::Relaxed));
            other(if head.wrapping_add(self.lap) == pos {
                Attempt::Done(Err(PushError::Full(value)))
            } else {
                Attempt::Busy(value)
            })
        } else {
            // Another sender took this position: catch up.
            other(Attempt::Busy(value))
        }
    }

    /// Takes the oldest value out, unless the buffer is empty. The flag: a sender may be
    /// waiting (`WAIT` was set in `head` when this receive moved it): wake one.
    pub(crate) fn pop(&self) -> Result<(T, bool), PopError> {
        self.pop_finish(self.pop_first())
    }

    /// The first attempt of [`Ring::pop`], inline, as [`Ring::push_first`].
    #[inline]
    pub(crate) fn pop_first(&self) -> Attempt<Result<(T, bool), PopError>, ()> {
        self.pop_with::<false, _>(|v, woke| Attempt::Done(Ok((v, woke))), |attempt| attempt)
    }

    /// [`Ring::pop_first`] with its outcome passed on, as [`Ring::push_with`]:
    /// `popped(value, woke)` (`woke`: a sender may be waiting, wake one), else `other`.
    /// `BLOCKING`: a blocking receive, to which a cell waiting for its send is `Empty`
    /// without a read of `tail` (so without its `CLOSED` bit: a blocking receive finds
    /// the close when it registers, and its next attempt is a non-blocking one).
    #[inline]
    pub(crate) fn pop_with<const BLOCKING: bool, R>(
        &self,
        popped: impl FnOnce(T, bool) -> R,
        other: impl FnOnce(Attempt<Result<(T, bool), PopError>, ()>) -> R,
    ) -> R {
        // Relaxed: a first guess, checked against the cell's stamp in `pop_at`.
        let head = self.head.load(Ordering::Relaxed);
        self.pop_at::<BLOCKING, R>(head, popped, other)
    }

    /// Completes a pop from its first `attempt`.
    #[inline(never)]
    pub(crate) fn pop_finish(
        &self,
        attempt: Attempt<Result<(T, bool), PopError>, ()>,
    ) -> Result<(T, bool), PopError> {
        attempt.or_again(|(), lost| self.pop_again(lost))
    }

    /// [`Ring::pop`] after a first attempt that could not finish, as [`Ring::push_again`].
    fn pop_again(&self, mut lost: Option<usize>) -> Result<(T, bool), PopError> {
        let mut backoff = Patience::new();
        loop {
            let head = match lost {
                Some(now) => {
                    backoff.contended();
                    now
                }
                None => {
                    backoff.snooze();
                    // Relaxed: a new guess, checked as in `pop`.
                    self.head.load(Ordering::Relaxed)
                }
            };
            lost = match self.pop_at::<false, _>(head, |v, w| Attempt::Done(Ok((v, w))), |a| a) {
                Attempt::Done(r) => return r,
                Attempt::Lost((), now) => Some(now),
                Attempt::Busy(()) => None,
            };
        }
    }

    /// One attempt of a pop, with `head` as last read: `popped(value, woke)` if it took a
    /// value, else `other` with what the attempt came to (`BLOCKING`: as in
    /// [`Ring::pop_with`]).
    #[inline(always)]
    fn pop_at<const BLOCKING: bool, R>(
        &self,
        head: usize,
        popped: impl FnOnce(T, bool) -> R,
        other: impl FnOnce(Attempt<Result<(T, bool), PopError>, ()>) -> R,
    ) -> R {
        let pos = self.pos(head);
        let index = self.index(pos);
        let cell = self.cell(index);
        // Acquire: pairs with the sender's Release publish (HB-CHAN-SEND, site
        // `chan.ring.recv.observe`).
        let stamp = cell
            .stamp
            .load(ord(mutant::RING_RECV_OBSERVE, Ordering::Acquire));
        if stamp == pos.wrapping_add(1) {
            // Relaxed: as the send's reserving CAS.
            match self.head.compare_exchange_weak(
                head,
                self.next(pos, index) | (head & self.wait_bit),
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    // SAFETY: our CAS reserved this cell, whose stamp said it holds the
                    // value of the send at `pos`: we take it out exactly once.
                    let v = cell.value.with(|p| unsafe { (*p).assume_init_read() });
                    // Release: frees the cell for the send one lap later (HB-CHAN-CAPACITY,
                    // site `chan.ring.recv.free`).
                    cell.stamp.store(
                        pos.wrapping_add(self.lap),
                        ord(mutant::RING_RECV_FREE, Ordering::Release),
                    );
                    popped(v, head & self.wait_bit != 0)
                }
                Err(now) => other(Attempt::Lost((), now)),
            }
        } else if stamp == pos {
            // The cell waits for its send: empty, unless that send is under way. A blocking
            // receive waits either way.
            if BLOCKING {
                return other(Attempt::Done(Err(PopError::Empty)));
            }
            // Acquire: a `CLOSED` bit seen here pairs with the closer's Release
            // (HB-CHAN-CLOSE, site `chan.ring.recv.closed`).
            let tail = self
                .tail
                .load(ord(mutant::RING_RECV_CLOSED, Ordering::Acquire));
            other(if self.pos(tail) == pos {
                Attempt::Done(Err(if tail & self.closed_bit != 0 {
                    PopError::Closed
                } else {
                    PopError::Empty
                }))
            } else {
                Attempt::Busy(())
            })
        } else {
            // Another receiver took this position: catch up.
            other(Attempt::Busy(()))
        }
    }

    /// Sets the `CLOSED` bit; `true` if this call set it. Sends fail from now on; the values
    /// already in stay to be received.
    pub(crate) fn close(&self) -> bool {
        // Release: everything before the close happens before a receive that reads the bit
        // (HB-CHAN-CLOSE, site `chan.ring.close`).
        let before = self
            .tail
            .fetch_or(self.closed_bit, ord(mutant::RING_CLOSE, Ordering::Release));
        before & self.closed_bit == 0
    }

    /// The two positions and the closed bit, as a version: a buffer whose version did not
    /// change between two reads did not change at all (positions only grow), which is what a
    /// non-blocking select's snapshot checks. The `WAIT` flags are left out: they change no
    /// operation's outcome.
    pub(crate) fn version(&self) -> (usize, usize) {
        let (head, tail) = self.words();
        (self.pos(head), tail & !self.wait_bit)
    }

    /// Both words as they are now; a snapshot.
    fn words(&self) -> (usize, usize) {
        // Relaxed: a snapshot that synchronizes nothing (N-SELECT-DEFAULT).
        (
            self.head.load(Ordering::Relaxed),
            self.tail.load(Ordering::Relaxed),
        )
    }

    /// Whether an operation of `side` would proceed now (a value or room, or the closed
    /// bit), given `head` and `tail`.
    fn ready_at(&self, side: Side, head: usize, tail: usize) -> bool {
        tail & self.closed_bit != 0
            || match side {
                Side::Recv => self.pos(tail) != self.pos(head),
                Side::Send => self.len_at(head, tail) < self.cap(),
            }
    }

    /// Whether an operation of `side` would proceed now; a snapshot.
    pub(crate) fn ready(&self, side: Side) -> bool {
        let (head, tail) = self.words();
        self.ready_at(side, head, tail)
    }

    /// Whether an operation of `side` looks able to proceed, judged by its own side's word
    /// and the stamp of the cell it would use next, without the other side's word: a hint
    /// for a party that waits before it registers. The other side moves its word on every
    /// operation, so a waiting party that read it on every look would take that cache line
    /// from it each time: with one sender waiting on a full `bounded(1000)` and the two
    /// threads on two cores, the receiver then paid for it on every receive (pinned runs:
    /// 38–138 ns per message in the median, against 10–26 ns when only the stamp was read).
    /// A closed ring looks ready to a sender (the flag is in its own word) but not to a
    /// receiver, which finds out when it registers (`mark_waiting` reads `tail`).
    pub(crate) fn looks_ready(&self, side: Side) -> bool {
        match side {
            Side::Send => {
                // Relaxed: a hint, no HB edge; the send that follows reads `tail` and the
                // stamp again with the orderings its claims rest on (HB-CHAN-CAPACITY), and
                // only the registration's RMW decides whether to sleep (LIVE-CHAN-WAKE).
                let tail = self.tail.load(Ordering::Relaxed);
                let pos = self.pos(tail);
                tail & self.closed_bit != 0 || self.stamp_hint(pos) == pos
            }
            Side::Recv => {
                // Relaxed: as for a send (HB-CHAN-SEND rests on the receive's own loads).
                // `head` never carries `CLOSED`.
                let pos = self.pos(self.head.load(Ordering::Relaxed));
                self.stamp_hint(pos) == pos.wrapping_add(1)
            }
        }
    }

    /// The stamp of position `pos`'s cell, for [`Ring::looks_ready`]: `pos` when the cell is
    /// free for the send at `pos`, `pos + 1` when it holds that send's value.
    fn stamp_hint(&self, pos: usize) -> usize {
        // Relaxed: a hint with no HB edge (LIVE-CHAN-WAKE, HB-CHAN-SEND and HB-CHAN-CAPACITY
        // rest on the operation's own Acquire load of the stamp, made after this).
        self.cell(self.index(pos)).stamp.load(Ordering::Relaxed)
    }

    /// The word that carries `side`'s `WAIT` flag: the one the other side's reserving CAS
    /// moves.
    fn flag_word(&self, side: Side) -> &AtomicUsize {
        match side {
            Side::Recv => &self.tail,
            Side::Send => &self.head,
        }
    }

    /// A party of `side` is about to wait (its entry is queued): sets its `WAIT` flag and
    /// returns whether its operation could proceed now after all, judged by the word that
    /// RMW read (LIVE-CHAN-WAKE: see the module docs).
    pub(crate) fn mark_waiting(&self, side: Side) -> bool {
        // Relaxed: what matters is that this RMW and the other side's reserving CASes are
        // RMWs of one word (totally ordered); no data moves with it.
        let read = self
            .flag_word(side)
            .fetch_or(self.wait_bit, Ordering::Relaxed);
        // Relaxed: the other word, a snapshot; a stale (older) one only makes the answer
        // "ready": a spurious retry.
        let (head, tail) = match side {
            Side::Recv => (self.head.load(Ordering::Relaxed), read),
            Side::Send => (read, self.tail.load(Ordering::Relaxed)),
        };
        self.ready_at(side, head, tail)
    }

    /// No party of `side` waits any more (its queue is empty; called under the channel lock,
    /// where parties register): clears its `WAIT` flag.
    pub(crate) fn clear_waiting(&self, side: Side) {
        // Relaxed: as in `mark_waiting`; a reserving CAS racing with this retries.
        self.flag_word(side)
            .fetch_and(!self.wait_bit, Ordering::Relaxed);
    }

    /// How many values are in (or being moved in) for these words.
    fn len_at(&self, head: usize, tail: usize) -> usize {
        let (head, tail) = (self.pos(head), self.pos(tail));
        let (hi, ti) = (head & self.index_mask, tail & self.index_mask);
        if hi < ti {
            ti - hi
        } else if hi > ti {
            self.cap() - hi + ti
        } else if tail == head {
            0
        } else {
            self.cap()
        }
    }

    /// How many values are in (or being moved in) now; a snapshot.
    pub(crate) fn len(&self) -> usize {
        loop {
            let (head, tail) = self.words();
            // Relaxed: as in `words`; a moved tail means try again.
            if self.pos(self.tail.load(Ordering::Relaxed)) == self.pos(tail) {
                return self.len_at(head, tail);
            }
            crate::sync::hint::spin_loop();
        }
    }

    /// Whether the `CLOSED` bit is set; a snapshot.
    pub(crate) fn is_closed(&self) -> bool {
        // Relaxed: a snapshot (`is_closed` synchronizes nothing, as documented).
        self.tail.load(Ordering::Relaxed) & self.closed_bit != 0
    }
}

impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return; // the model is gone: leak the values rather than touch its atomics
        }
        // We own the ring: every value still in is dropped here.
        while self.pop().is_ok() {}
    }
}
