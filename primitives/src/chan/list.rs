//! The lock-free buffer of an unbounded channel: a linked list of blocks of slots, so a send
//! and a receive of a buffered value take no lock, and no allocation is made per message
//! (one block per `CAP` messages: [`SMALL_BLOCK_CAP`] for values of at most 8 bytes,
//! [`BLOCK_CAP`] for larger ones, see [`small_values`]; a block is freed once its values
//! are all received, when the receive of its last slot moves on, or at the next such move
//! if another receive of it was still under way; one drained block is kept for reuse. So
//! a drained channel gives its memory back).
//!
//! # Positions
//!
//! `head` is the position of the next receive, `tail` of the next send; each end also keeps
//! a pointer to the block its position is in. A position counts slots with one extra
//! position per block: `position % LAP` (`LAP = CAP + 1`) is the slot's offset in its
//! block, and offset `CAP` (one past the last slot) means "the next block is being
//! installed": the party that reserved the last slot of a block moves its end there, and
//! from there to the first slot of the next block once that block's pointer is in place.
//! Others wait for that (it never blocks). Each position word holds `position << SHIFT`
//! and flags: `tail` has `CLOSED` and `WAIT` (a receiver may be waiting), `head` has
//! `AHEAD` (the tail is in a later block, so every slot of the head block is reserved by a
//! sender: no need to read `tail`). Senders never wait: there is always room.
//!
//! A send reserves a slot by moving `tail` one position (one CAS, which keeps the flags),
//! writes the value, and publishes it by setting the slot's `WRITTEN` bit (Release). A
//! receive reserves by moving `head` (after checking, unless `AHEAD`, that `tail` is past
//! it), waits until the slot is written (Acquire), and takes the value.
//!
//! # Where each edge is carried
//!
//! - **HB-CHAN-SEND**: the slot's Release publish (`chan.list.send.publish`) → the
//!   receiver's Acquire load of it (`chan.list.recv.observe`): the value and everything
//!   the sender did before.
//! - **HB-CHAN-CLOSE**: the closer sets `CLOSED` with Release (`chan.list.close`); a receive
//!   that finds the buffer empty reads `tail` with Acquire (`chan.list.recv.closed`).
//! - **SAFE-CHAN-BLOCKS**, installing a block: the party that moves an end into a new block
//!   first stores the block pointer, then moves the position with Release
//!   (`chan.list.send.install`, `chan.list.recv.install`); every party loads the position
//!   with Acquire before the pointer (`chan.list.send.tail`, `chan.list.recv.head`), so the
//!   pointer it reads is the block its position is in (or a later one, and then its CAS
//!   fails: positions never repeat). The receive that installs the next head block reads
//!   the block's `next` pointer after it saw its own slot written: the sender of that last
//!   slot stored `next` before publishing it, so that edge is `chan.list.recv.observe`'s.
//! - **SAFE-CHAN-BLOCKS**, freeing a block: every receive, once it has taken its value,
//!   marks its slot `READ` with a Release store (`chan.list.recv.read`), its last touch of
//!   the block. The receive that holds a block's last slot takes its value, then, before it
//!   moves `head` into the next block, retires the block: if it reads every slot `READ`
//!   with Acquire (`chan.list.recv.reclaim`), the block is drained and it frees the block
//!   after its install; otherwise a receive of it is still taking its value, and the block
//!   goes on the list's lagging list. Each install also looks at the lagging blocks again
//!   and frees those now drained. So a block is freed at the install that passes it, or at
//!   the first install after its last receive is done; at most one block per receive in
//!   progress waits on the lagging list. A retired block is behind `head`, so every slot of
//!   it was reserved, and the Release/Acquire pairs order every receive's read of its slot
//!   before the free. The lagging list is a plain cell that only installing receives
//!   touch, before their install, one after another (each reserved after reading the
//!   position the one before moved with Release). A party touches a block only after its
//!   CAS reserved a slot in it, and a block is not freed before all its slots are read, so
//!   no one touches a freed block. A receive costs a plain store instead of an RMW on a
//!   shared count.
//! - **SAFE-CHAN-BLOCKS**, reusing a block: a drained block is kept as the list's one spare
//!   if there is none (reset, then put there with a Release CAS, `chan.list.recv.recycle`),
//!   and the send that needs the next block takes the spare with an Acquire swap
//!   (`chan.list.send.reuse`): the reset and every read of the block's old values happen
//!   before its new use. Blocks beyond the spare are freed. Checker
//!   builds do not deallocate: the freeing party writes every value cell and a `freed` flag
//!   (what deallocating does to the memory) and keeps the block until the list drops; every
//!   use of a block reads the flag. So loom reports a use not ordered after the free as a
//!   race, and a use ordered after it as "used a freed block", instead of reading freed
//!   memory.
//!
//! `head` and `tail` are moved with Relaxed CASes: they only pick who owns a slot.
//!
//! # No lost wake-up (LIVE-CHAN-WAKE)
//!
//! As on the ring: a receiver that must wait registers under the channel lock, sets `WAIT`
//! in `tail` with an RMW, and judges by the word that RMW read; every send's reserving CAS
//! is an RMW of the same word, so one of the two sees the other.

use std::mem::MaybeUninit;
use std::ptr;

use crossbeam_utils::CachePadded;

use super::lockfree::{Attempt, Patience, PopError, PushError, Side};
use crate::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};

/// Slots per block of a list of values of at most 8 bytes ([`small_values`]): a block of
/// about 1 KiB. Checker builds use two, so a model with a few values crosses blocks.
#[cfg(not(any(loom, shuttle)))]
pub(crate) const SMALL_BLOCK_CAP: usize = 63;
/// Slots per block of a list of larger values.
#[cfg(not(any(loom, shuttle)))]
pub(crate) const BLOCK_CAP: usize = 31;
/// Slots per block of a list of values of at most 8 bytes. Checker builds use two, so a
/// model with a few values crosses blocks.
#[cfg(any(loom, shuttle))]
pub(crate) const SMALL_BLOCK_CAP: usize = 2;
/// Slots per block of a list of larger values. Checker builds use two, as above.
#[cfg(any(loom, shuttle))]
pub(crate) const BLOCK_CAP: usize = 2;

/// Whether a list of `T` has [`SMALL_BLOCK_CAP`] slots per block (else [`BLOCK_CAP`]): a
/// value of at most 8 bytes. A block is then about 1 KiB (63 slots of 16 bytes), twice the
/// 31-slot block, and half as many blocks are allocated, installed and freed per message
/// (interleaved bench, `unbounded` rows against the fastest peer, 2×10 rounds, 31 → 63
/// slots: `seq` 1.02× → 0.97×, spsc 0.94× → 0.48×, mpsc 0.85× → 0.74×, mpmc 0.68× →
/// 0.63×). Larger values keep 31 slots, so the memory a channel holding one value takes
/// does not double with the value's size.
pub(crate) const fn small_values<T>() -> bool {
    std::mem::size_of::<Slot<T>>() <= 16
}
/// A position word is `position << SHIFT | flags`.
const SHIFT: usize = 2;
/// One position, in a position word.
const ONE: usize = 1 << SHIFT;
/// `tail`: the channel is closed.
const CLOSED: usize = 1;
/// `tail`: a receiver may be waiting.
const WAIT: usize = 2;
/// `head`: the tail is in a later block.
const AHEAD: usize = 1;
/// A slot's state: its value is in.
const WRITTEN: usize = 1;
/// A slot's state: its value was taken out (the receive is done with the block).
const READ: usize = 2;

/// One slot of a block.
struct Slot<T> {
    /// `WRITTEN` once the value is in (0 before), `WRITTEN | READ` once it is taken.
    state: AtomicUsize,
    /// The value, initialized from the `WRITTEN` publish until its receive takes it.
    value: UnsafeCell<MaybeUninit<T>>,
}

/// A block of `CAP` slots.
struct Block<T, const CAP: usize> {
    /// The next block, stored by the send that reserved this block's last slot before it
    /// publishes that slot.
    next: AtomicPtr<Block<T, CAP>>,
    slots: [Slot<T>; CAP],
    /// Checker builds: set where a std build frees the block (see [`Block::live`]).
    #[cfg(any(loom, shuttle))]
    freed: UnsafeCell<bool>,
}

impl<T, const CAP: usize> Block<T, CAP> {
    /// A new block: every slot unwritten, no next block.
    #[cfg(not(any(loom, shuttle)))]
    fn boxed() -> Box<Self> {
        // SAFETY: all zero bytes is a valid `Block`: atomics at 0 (slots unwritten), a null
        // `next`, and `MaybeUninit` values that may hold anything.
        // Zeroed allocation builds it in place, however large `T` is.
        unsafe { Box::<Self>::new_zeroed().assume_init() }
    }

    /// A new block: every slot unwritten, no next block (checker atomics are objects of the
    /// model, so they are built, not zeroed).
    #[cfg(any(loom, shuttle))]
    fn boxed() -> Box<Self> {
        Box::new(Self {
            next: AtomicPtr::new(ptr::null_mut()),
            slots: std::array::from_fn(|_| Slot {
                state: AtomicUsize::new(0),
                value: UnsafeCell::new(MaybeUninit::uninit()),
            }),
            freed: UnsafeCell::new(false),
        })
    }

    /// The block behind `block`, checked (in checker builds) not to be freed.
    ///
    /// # Safety
    ///
    /// `block` is live in std builds (checker builds keep freed blocks until the list
    /// drops, marked, so a use after the free is reported instead of reading freed memory).
    #[inline]
    unsafe fn live<'a>(block: *mut Self) -> &'a Self {
        // SAFETY: the caller's promise.
        let b = unsafe { &*block };
        #[cfg(any(loom, shuttle))]
        // SAFETY: the flag is a plain cell the checker watches: a use not ordered after
        // the free races with the free's write, one ordered after it sees the flag.
        b.freed
            .with(|f| assert!(!unsafe { *f }, "a list party used a freed block"));
        b
    }

    /// Makes a drained block new again, for reuse: every slot unwritten, no next block.
    /// Its owner calls it (no one else refers to the block); the Release that hands the
    /// block on publishes the stores.
    fn reset(&self) {
        for slot in &self.slots {
            // Relaxed: published by the hand-over (SAFE-CHAN-BLOCKS, site
            // `chan.list.recv.recycle`).
            slot.state.store(0, Ordering::Relaxed);
            // Checker builds: reuse writes the cell, as a free would (a late use races).
            #[cfg(any(loom, shuttle))]
            slot.value.with_mut(|_| ());
        }
        // Relaxed: as above.
        self.next.store(ptr::null_mut(), Ordering::Relaxed);
    }
}

/// One end of the list: a position word and the block that position is in.
struct End<T, const CAP: usize> {
    index: AtomicUsize,
    block: AtomicPtr<Block<T, CAP>>,
}

/// The buffer of an unbounded channel, `CAP` slots per block.
pub(crate) struct List<T, const CAP: usize> {
    head: CachePadded<End<T, CAP>>,
    tail: CachePadded<End<T, CAP>>,
    /// Retired blocks a receive was still taking a value from (module docs). Touched only
    /// by the receive that installs a head block, and by `drop`.
    lagging: UnsafeCell<Vec<*mut Block<T, CAP>>>,
    /// A drained block kept for the next block a send needs (null: none), so a channel
    /// whose receivers keep up allocates nothing, and a block is not freed on one thread
    /// to be allocated again on another.
    spare: AtomicPtr<Block<T, CAP>>,
    /// Checker builds: the freed blocks, kept (marked) until the list drops.
    #[cfg(any(loom, shuttle))]
    retired: crate::sync::Unchecked<Vec<Box<Block<T, CAP>>>>,
}

// SAFETY: values move between threads through the slots (so `T: Send`); each slot's value
// is accessed only by the send and then the receive that reserved it, ordered by its state
// (module docs); blocks are freed once, by the install that retired them or a later one
// (or the drop), and `lagging` is touched only by installing receives, one after another.
unsafe impl<T: Send, const CAP: usize> Send for List<T, CAP> {}
// SAFETY: as above: shared access only hands values from a sender to a receiver.
unsafe impl<T: Send, const CAP: usize> Sync for List<T, CAP> {}

impl<T, const CAP: usize> List<T, CAP> {
    /// Positions per block: its slots and the "next block being installed" position.
    const LAP: usize = CAP + 1;

    /// How many slots come before position word `word`'s position (a position at a
    /// block's "installing" offset counts as the first slot of the next block).
    fn slots_before(word: usize) -> usize {
        let pos = word >> SHIFT;
        (pos / Self::LAP) * CAP + (pos % Self::LAP).min(CAP)
    }

    pub(crate) fn new() -> Self {
        let first = Box::into_raw(Block::boxed());
        Self {
            head: CachePadded::new(End {
                index: AtomicUsize::new(0),
                block: AtomicPtr::new(first),
            }),
            tail: CachePadded::new(End {
                index: AtomicUsize::new(0),
                block: AtomicPtr::new(first),
            }),
            lagging: UnsafeCell::new(Vec::new()),
            spare: AtomicPtr::new(ptr::null_mut()),
            #[cfg(any(loom, shuttle))]
            retired: Default::default(),
        }
    }

    /// Moves `value` in, unless the channel is closed. `Ok(true)`: a receiver may be
    /// waiting (`WAIT` was set in `tail` when this send moved it): wake one.
    pub(crate) fn push(&self, value: T) -> Result<bool, PushError<T>> {
        self.push_finish(self.push_first(value))
    }

    /// The first attempt of [`List::push`], inline, for the common case: a slot inside its
    /// block, reserved at the first try. Anything else (the block's last slot, which
    /// installs the next block; an end being installed; a lost CAS) is left to
    /// [`List::push_finish`], out of line.
    #[inline]
    pub(crate) fn push_first(&self, value: T) -> Attempt<Result<bool, PushError<T>>, T> {
        self.push_with(value, |woke| Attempt::Done(Ok(woke)), |attempt| attempt)
    }

    /// [`List::push_first`] with its outcome passed on, as the ring's `push_with`:
    /// `pushed(woke)` if the value went in, else `other` with the attempt.
    #[inline]
    pub(crate) fn push_with<R>(
        &self,
        value: T,
        pushed: impl FnOnce(bool) -> R,
        other: impl FnOnce(Attempt<Result<bool, PushError<T>>, T>) -> R,
    ) -> R {
        let tail = self.send_position();
        if tail & CLOSED != 0 {
            return other(Attempt::Done(Err(PushError::Closed(value))));
        }
        let offset = (tail >> SHIFT) % Self::LAP;
        if offset + 1 >= CAP {
            return other(Attempt::Busy(value));
        }
        // Relaxed: ordered after the position load above (module docs).
        let block = self.tail.block.load(Ordering::Relaxed);
        if let Err(now) = self.reserve_send(tail) {
            return other(Attempt::Lost(value, now));
        }
        // SAFETY: our CAS reserved slot `offset` of `block` (the block of the position we
        // moved, by the Acquire of `send_position`).
        unsafe { Self::publish(block, offset, value) };
        pushed(tail & WAIT != 0)
    }

    /// Completes a push from its first `attempt`.
    #[inline(never)]
    pub(crate) fn push_finish(
        &self,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
    ) -> Result<bool, PushError<T>> {
        attempt.or_again(|value, seen| self.push_from(value, seen))
    }

    /// `tail`'s position word.
    #[inline(always)]
    fn send_position(&self) -> usize {
        // Acquire: pairs with the Release that moved `tail` into its block, so the block
        // pointer read next is that block's, and the block is initialized
        // (SAFE-CHAN-BLOCKS, site `chan.list.send.tail`).
        self.tail
            .index
            .load(ord(mutant::LIST_SEND_TAIL, Ordering::Acquire))
    }

    /// Moves `tail` one position on from `tail`, reserving its slot; `Err`: the word found.
    #[inline(always)]
    fn reserve_send(&self, tail: usize) -> Result<usize, usize> {
        // Relaxed on success: reserving picks the owner of the slot; no data moves with it.
        // The flags are kept; the one read here says whether to wake (LIVE-CHAN-WAKE). On
        // failure, Acquire: the position read is used as `send_position`'s is
        // (SAFE-CHAN-BLOCKS, site `chan.list.send.retry`).
        self.tail.index.compare_exchange_weak(
            tail,
            tail + ONE,
            Ordering::Relaxed,
            ord(mutant::LIST_SEND_RETRY, Ordering::Acquire),
        )
    }

    /// Writes `value` into slot `offset` of `block` and publishes it.
    ///
    /// # Safety
    ///
    /// The caller's CAS reserved that slot, in the block of the position it moved; the
    /// block lives until the slot is received, and no one touches the value until the
    /// publish.
    #[inline(always)]
    unsafe fn publish(block: *mut Block<T, CAP>, offset: usize, value: T) {
        // SAFETY: the caller's promise: the block is live.
        let slot = &unsafe { Block::live(block) }.slots[offset];
        // SAFETY: as above: we own the slot's value until the publish.
        slot.value.with_mut(|p| unsafe { (*p).write(value) });
        // Release: publishes the value (HB-CHAN-SEND, site `chan.list.send.publish`).
        slot.state
            .store(WRITTEN, ord(mutant::LIST_SEND_PUBLISH, Ordering::Release));
    }

    /// A block for the next install: the spare one if there is one, else a new one.
    fn new_block(&self) -> Box<Block<T, CAP>> {
        // Relaxed: only says whether to try the swap, which synchronizes (SAFE-CHAN-BLOCKS,
        // site `chan.list.send.reuse`).
        if !self.spare.load(Ordering::Relaxed).is_null() {
            // Acquire: pairs with the Release that put the block there, after its reset and
            // after every receive's read of it (SAFE-CHAN-BLOCKS, site
            // `chan.list.send.reuse`).
            let block = self.spare.swap(
                ptr::null_mut(),
                ord(mutant::LIST_SEND_REUSE, Ordering::Acquire),
            );
            if !block.is_null() {
                // SAFETY: the spare block is ours now, made by `Box::into_raw`.
                return unsafe { Box::from_raw(block) };
            }
        }
        Block::boxed()
    }

    /// [`List::push`] in full, from the position a lost CAS read (`seen`) or from a fresh
    /// load: waits out an end being installed, installs the next block from the last slot.
    fn push_from(&self, value: T, mut seen: Option<usize>) -> Result<bool, PushError<T>> {
        let mut patience = Patience::new();
        if seen.is_some() {
            patience.contended();
        }
        // The next block, made before reserving a block's last slot (outside the window in
        // which other senders wait for it).
        let mut spare: Option<Box<Block<T, CAP>>> = None;
        loop {
            let tail = seen.take().unwrap_or_else(|| self.send_position());
            if tail & CLOSED != 0 {
                return Err(PushError::Closed(value));
            }
            let offset = (tail >> SHIFT) % Self::LAP;
            if offset == CAP {
                patience.snooze(); // the next block is being installed
                continue;
            }
            if offset + 1 == CAP && spare.is_none() {
                spare = Some(self.new_block());
            }
            // Relaxed: ordered after the position load above (module docs).
            let block = self.tail.block.load(Ordering::Relaxed);
            if let Err(now) = self.reserve_send(tail) {
                seen = Some(now);
                patience.contended();
                continue;
            }
            if offset + 1 == CAP {
                let next = Box::into_raw(spare.take().expect("made above"));
                // Relaxed: published by the position's Release below.
                self.tail.block.store(next, Ordering::Relaxed);
                // Release: later senders that read the new position see the new block
                // (SAFE-CHAN-BLOCKS, site `chan.list.send.install`). An RMW, not a store:
                // it keeps the flags a close or a waiter may set meanwhile.
                self.tail
                    .index
                    .fetch_add(ONE, ord(mutant::LIST_SEND_INSTALL, Ordering::Release));
                // SAFETY: `block` is live: our reserved slot in it is not received yet.
                // Relaxed: the receive of our slot reads `next` after our publish below.
                unsafe { Block::live(block) }
                    .next
                    .store(next, Ordering::Relaxed);
            }
            // SAFETY: our CAS reserved slot `offset` of `block` (the block of the position
            // we moved, by the Acquire of `send_position`).
            unsafe { Self::publish(block, offset, value) };
            return Ok(tail & WAIT != 0);
        }
    }

    /// Takes the oldest value out, unless the buffer is empty. The flag is always `false`:
    /// no sender waits on an unbounded channel.
    pub(crate) fn pop(&self) -> Result<(T, bool), PopError> {
        self.pop_finish(self.pop_first())
    }

    /// The first attempt of [`List::pop`], inline, as [`List::push_first`]: a slot inside
    /// its block, reserved at the first try.
    #[inline]
    pub(crate) fn pop_first(&self) -> Attempt<Result<(T, bool), PopError>, ()> {
        self.pop_with(|v, woke| Attempt::Done(Ok((v, woke))), |attempt| attempt)
    }

    /// [`List::pop_first`] with its outcome passed on, as [`List::push_with`]:
    /// `popped(value, false)` (no sender waits on a list), else `other`.
    #[inline]
    pub(crate) fn pop_with<R>(
        &self,
        popped: impl FnOnce(T, bool) -> R,
        other: impl FnOnce(Attempt<Result<(T, bool), PopError>, ()>) -> R,
    ) -> R {
        let head = self.recv_position();
        let offset = (head >> SHIFT) % Self::LAP;
        if offset + 1 >= CAP {
            return other(Attempt::Busy(()));
        }
        let new_head = match self.next_head(head) {
            Ok(new_head) => new_head,
            Err(e) => return other(Attempt::Done(Err(e))),
        };
        // Relaxed: ordered after the position load above (module docs).
        let block = self.head.block.load(Ordering::Relaxed);
        if let Err(now) = self.reserve_recv(head, new_head) {
            return other(Attempt::Lost((), now));
        }
        // SAFETY: our CAS reserved slot `offset` of `block`, not its last: nothing to
        // install.
        popped(unsafe { Self::take(block, offset) }, false)
    }

    /// Completes a pop from its first `attempt`.
    #[inline(never)]
    pub(crate) fn pop_finish(
        &self,
        attempt: Attempt<Result<(T, bool), PopError>, ()>,
    ) -> Result<(T, bool), PopError> {
        attempt.or_again(|(), seen| self.pop_from(seen))
    }

    /// `head`'s position word.
    #[inline(always)]
    fn recv_position(&self) -> usize {
        // Acquire: pairs with the Release that moved `head` into its block
        // (SAFE-CHAN-BLOCKS, site `chan.list.recv.head`).
        self.head
            .index
            .load(ord(mutant::LIST_RECV_HEAD, Ordering::Acquire))
    }

    /// The word a receive at `head` moves `head` to (with `AHEAD` if the tail is in a later
    /// block), or why it cannot receive: nothing sent there yet (`Empty`), or closed.
    #[inline(always)]
    fn next_head(&self, head: usize) -> Result<usize, PopError> {
        let new_head = head + ONE;
        if head & AHEAD != 0 {
            return Ok(new_head);
        }
        // Acquire: a `CLOSED` bit seen here pairs with the closer's Release
        // (HB-CHAN-CLOSE, site `chan.list.recv.closed`).
        let tail = self
            .tail
            .index
            .load(ord(mutant::LIST_RECV_CLOSED, Ordering::Acquire));
        if tail >> SHIFT == head >> SHIFT {
            return Err(if tail & CLOSED != 0 {
                PopError::Closed
            } else {
                PopError::Empty
            });
        }
        if (tail >> SHIFT) / Self::LAP != (head >> SHIFT) / Self::LAP {
            return Ok(new_head | AHEAD);
        }
        Ok(new_head)
    }

    /// Moves `head` from `head` to `new_head`, reserving its slot; `Err`: the word found.
    #[inline(always)]
    fn reserve_recv(&self, head: usize, new_head: usize) -> Result<usize, usize> {
        // Relaxed on success: as the send's reserving CAS. On failure, Acquire: as the
        // send's (SAFE-CHAN-BLOCKS, site `chan.list.recv.retry`).
        self.head.index.compare_exchange_weak(
            head,
            new_head,
            Ordering::Relaxed,
            ord(mutant::LIST_RECV_RETRY, Ordering::Acquire),
        )
    }

    /// Whether `slot`'s value is in.
    #[inline(always)]
    fn written(slot: &Slot<T>) -> bool {
        // Acquire: pairs with the sender's Release publish (HB-CHAN-SEND, site
        // `chan.list.recv.observe`).
        slot.state
            .load(ord(mutant::LIST_RECV_OBSERVE, Ordering::Acquire))
            & WRITTEN
            != 0
    }

    /// Waits for `slot`'s sender, which reserved it and is mid-operation (it never blocks
    /// there).
    #[cold]
    #[inline(never)]
    fn wait_written(slot: &Slot<T>) {
        let mut patience = Patience::new();
        while !Self::written(slot) {
            patience.snooze();
        }
    }

    /// Takes the value of slot `offset` of `block` once it is written, and marks the slot
    /// read: the receive's last touch of the block, unless it holds the block's last slot.
    ///
    /// # Safety
    ///
    /// The caller's CAS reserved that slot, whose send is past its own CAS (tail was past
    /// this position), in the block of the position it moved. It does not touch the block
    /// after this call, unless the slot is the block's last: then the block lives until the
    /// caller's install (blocks are retired in install order).
    #[inline(always)]
    unsafe fn take(block: *mut Block<T, CAP>, offset: usize) -> T {
        // SAFETY: the caller's promise: the block lives until we mark our slot read.
        let slot = &unsafe { Block::live(block) }.slots[offset];
        if !Self::written(slot) {
            Self::wait_written(slot);
        }
        // SAFETY: the slot is written and ours: we take its value out exactly once.
        let value = slot.value.with(|p| unsafe { (*p).assume_init_read() });
        // Release: our read of the value happens before the free (or reset) by the
        // retiring receive that sees the mark (SAFE-CHAN-BLOCKS, site
        // `chan.list.recv.read`). A plain store: no one else writes the slot's state between
        // its publish and this mark.
        slot.state.store(
            WRITTEN | READ,
            ord(mutant::LIST_RECV_READ, Ordering::Release),
        );
        value
    }

    /// [`List::pop`] in full, from the position a lost CAS read (`seen`) or from a fresh
    /// load: waits out an end being installed, installs the next block from the last slot.
    fn pop_from(&self, mut seen: Option<usize>) -> Result<(T, bool), PopError> {
        let mut patience = Patience::new();
        if seen.is_some() {
            patience.contended();
        }
        loop {
            let head = seen.take().unwrap_or_else(|| self.recv_position());
            let offset = (head >> SHIFT) % Self::LAP;
            if offset == CAP {
                patience.snooze(); // the next block is being installed
                continue;
            }
            let new_head = self.next_head(head)?;
            // Relaxed: ordered after the position load above (module docs).
            let block = self.head.block.load(Ordering::Relaxed);
            if let Err(now) = self.reserve_recv(head, new_head) {
                seen = Some(now);
                patience.contended();
                continue;
            }
            if offset + 1 == CAP {
                // SAFETY: our CAS reserved slot `offset` of `block`. Taking it is not our
                // last touch of the block this time: no one frees it before our install
                // below (blocks are retired in install order, module docs).
                let value = unsafe { Self::take(block, offset) };
                // Relaxed: the sender of this slot stored `next` before the publish we saw.
                // SAFETY: `block` is live until our install.
                let next = unsafe { Block::live(block) }.next.load(Ordering::Relaxed);
                debug_assert!(
                    !next.is_null(),
                    "the last slot's send installs the next block"
                );
                let mut next_head = (new_head & !AHEAD) + ONE;
                // Relaxed: a hint; a null seen here only means receivers read `tail`.
                // SAFETY: `next` is live: no receive can reserve in it before the install.
                if !unsafe { Block::live(next) }
                    .next
                    .load(Ordering::Relaxed)
                    .is_null()
                {
                    next_head |= AHEAD;
                }
                // SAFETY: we hold `block`'s last slot and have not installed yet.
                let drained = unsafe { self.retire(block) };
                // Relaxed: published by the position's Release below.
                self.head.block.store(next, Ordering::Relaxed);
                // Release: receivers that read the new position see the new block, and the
                // next install sees our lagging list (SAFE-CHAN-BLOCKS, site
                // `chan.list.recv.install`). A store: no one else moves `head` while it is
                // at the installing position.
                self.head
                    .index
                    .store(next_head, ord(mutant::LIST_RECV_INSTALL, Ordering::Release));
                if drained {
                    // SAFETY: every slot of `block` is read, and it is on no list: ours.
                    unsafe { self.recycle(block) };
                }
                return Ok((value, false));
            }
            // SAFETY: our CAS reserved slot `offset` of `block`, in the block of the
            // position we moved, not its last.
            return Ok((unsafe { Self::take(block, offset) }, false));
        }
    }

    /// Retires `current`, the block whose last slot the caller took: `true` if it is
    /// drained (the caller frees it after its install), else it goes on the lagging list.
    /// First frees the lagging blocks that are drained now.
    ///
    /// # Safety
    ///
    /// The caller holds `current`'s last slot, took its value, and has not moved `head`
    /// into the next block yet (so the install before it is over, and the one after it
    /// sees what this one leaves).
    #[inline(always)]
    unsafe fn retire(&self, current: *mut Block<T, CAP>) -> bool {
        self.lagging.with_mut(|l| {
            // SAFETY: only installing receives touch the lagging list, each before its
            // install and after the install before it (module docs), and `drop`, which
            // owns the list.
            let lagging = unsafe { &mut *l };
            if !lagging.is_empty() {
                // SAFETY: as above.
                unsafe { self.retire_lagging(lagging) };
            }
            // SAFETY: `current` is live: no one frees it before our install.
            if unsafe { Self::drained(current) } {
                return true;
            }
            lagging.push(current);
            false
        })
    }

    /// Frees the blocks of `lagging` whose slots are all read now.
    ///
    /// # Safety
    ///
    /// As [`List::retire`]'s: `lagging` is the list's, and the caller installs next.
    #[cold]
    #[inline(never)]
    unsafe fn retire_lagging(&self, lagging: &mut Vec<*mut Block<T, CAP>>) {
        let mut i = 0;
        while i < lagging.len() {
            let block = lagging[i];
            // SAFETY: a lagging block is not freed before it leaves the list.
            if unsafe { Self::drained(block) } {
                lagging.swap_remove(i);
                // SAFETY: every slot of `block` is read, and it left the list: ours.
                unsafe { self.recycle(block) };
            } else {
                i += 1;
            }
        }
    }

    /// Whether every receive from `block` is done with it (each slot marked `READ`).
    ///
    /// # Safety
    ///
    /// `block` is live and behind `head` (every slot of it was reserved).
    #[inline(always)]
    unsafe fn drained(block: *mut Block<T, CAP>) -> bool {
        // SAFETY: the caller's promise.
        unsafe { Block::live(block) }.slots.iter().all(Self::read)
    }

    /// Whether `slot`'s receive is done with it.
    #[inline(always)]
    fn read(slot: &Slot<T>) -> bool {
        // Acquire: pairs with the receive's Release mark, so its read of the value happens
        // before the free (SAFE-CHAN-BLOCKS, site `chan.list.recv.reclaim`).
        slot.state
            .load(ord(mutant::LIST_RECV_RECLAIM, Ordering::Acquire))
            & READ
            != 0
    }

    /// Keeps drained `block` as the spare (reset) if there is none, else frees it.
    ///
    /// # Safety
    ///
    /// Every slot of `block` was read: no one else touches it.
    unsafe fn recycle(&self, block: *mut Block<T, CAP>) {
        // SAFETY: the caller's promise: the block is ours.
        unsafe { Block::live(block) }.reset();
        // Release on success: the reset and every receive's read of the block (ordered
        // before us by the marks) happen before the send that takes it (SAFE-CHAN-BLOCKS,
        // site `chan.list.recv.recycle`). Relaxed on failure: nothing is handed over.
        if self
            .spare
            .compare_exchange(
                ptr::null_mut(),
                block,
                ord(mutant::LIST_RECV_RECYCLE, Ordering::Release),
                Ordering::Relaxed,
            )
            .is_err()
        {
            // SAFETY: the caller's promise.
            unsafe { self.free(block) };
        }
    }

    /// Frees `block`, drained (checker builds: marks and keeps it).
    ///
    /// # Safety
    ///
    /// Every slot of `block` was read: no one else touches it.
    unsafe fn free(&self, block: *mut Block<T, CAP>) {
        // SAFETY: the caller's promise; the block was made by `Box::into_raw`.
        let block = unsafe { Box::from_raw(block) };
        #[cfg(any(loom, shuttle))]
        {
            // Freeing writes the memory: the checker sees that write on every value cell and
            // on the flag, so a use not ordered after the free is reported as a race, and
            // one ordered after it finds the flag (`Block::live`).
            for slot in &block.slots {
                slot.value.with_mut(|_| ());
            }
            // SAFETY: ours: every receive of the block is done with it.
            block.freed.with_mut(|f| unsafe { *f = true });
            self.retired.with(|r| r.push(block));
        }
        #[cfg(not(any(loom, shuttle)))]
        drop(block);
    }

    /// Sets the `CLOSED` bit; `true` if this call set it.
    pub(crate) fn close(&self) -> bool {
        // Release: everything before the close happens before a receive that reads the bit
        // (HB-CHAN-CLOSE, site `chan.list.close`).
        let before = self
            .tail
            .index
            .fetch_or(CLOSED, ord(mutant::LIST_CLOSE, Ordering::Release));
        before & CLOSED == 0
    }

    /// Both position words as they are now; a snapshot.
    fn words(&self) -> (usize, usize) {
        // Relaxed: a snapshot that synchronizes nothing (N-SELECT-DEFAULT).
        let head = self.head.index.load(Ordering::Relaxed);
        // Relaxed: as above; read after `head`, so it is never behind it.
        let tail = self.tail.index.load(Ordering::Relaxed);
        (head, tail)
    }

    /// The two positions and the closed bit, as a version (see `Ring::version`).
    pub(crate) fn version(&self) -> (usize, usize) {
        let (head, tail) = self.words();
        (head >> SHIFT, tail & !WAIT)
    }

    /// Whether a receive would proceed for these words (a value, or closed).
    fn recv_ready_at(head: usize, tail: usize) -> bool {
        tail & CLOSED != 0 || Self::slots_before(tail) != Self::slots_before(head)
    }

    /// Whether an operation of `side` looks able to proceed (the ring's `looks_ready`):
    /// always, so a waiting receiver's every look is a real attempt, as before the ring had
    /// its hint (only a receiver waits on a list). Not measured against a list hint: the
    /// unbounded threaded rows were ahead of every peer without one.
    pub(crate) fn looks_ready(&self, _side: Side) -> bool {
        true
    }

    /// Whether an operation of `side` would proceed now; a snapshot. A send always does.
    pub(crate) fn ready(&self, side: Side) -> bool {
        let (head, tail) = self.words();
        side == Side::Send || Self::recv_ready_at(head, tail)
    }

    /// A receiver is about to wait (its entry is queued): sets `WAIT` and returns whether
    /// it could receive now after all, judged by the word that RMW read (LIVE-CHAN-WAKE).
    /// Senders never wait: for them the answer is "ready".
    pub(crate) fn mark_waiting(&self, side: Side) -> bool {
        if side == Side::Send {
            return true;
        }
        // Relaxed: this RMW and the senders' reserving CASes are RMWs of one word (totally
        // ordered); no data moves with it.
        let tail = self.tail.index.fetch_or(WAIT, Ordering::Relaxed);
        // Relaxed: a snapshot; a stale (older) head only makes the answer "ready".
        let head = self.head.index.load(Ordering::Relaxed);
        Self::recv_ready_at(head, tail)
    }

    /// No receiver waits any more (called under the channel lock): clears `WAIT`.
    pub(crate) fn clear_waiting(&self, side: Side) {
        if side == Side::Recv {
            // Relaxed: as in `mark_waiting`; a reserving CAS racing with this retries.
            self.tail.index.fetch_and(!WAIT, Ordering::Relaxed);
        }
    }

    /// How many values are in (or being moved in) now; a snapshot.
    pub(crate) fn len(&self) -> usize {
        loop {
            let (head, tail) = self.words();
            // Relaxed: as in `words`; a moved tail means try again.
            if self.tail.index.load(Ordering::Relaxed) >> SHIFT == tail >> SHIFT {
                return Self::slots_before(tail).saturating_sub(Self::slots_before(head));
            }
            crate::sync::hint::spin_loop();
        }
    }

    /// Whether the `CLOSED` bit is set; a snapshot.
    pub(crate) fn is_closed(&self) -> bool {
        // Relaxed: a snapshot (`is_closed` synchronizes nothing, as documented).
        self.tail.index.load(Ordering::Relaxed) & CLOSED != 0
    }
}

impl<T, const CAP: usize> Drop for List<T, CAP> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return; // the model is gone: leak the values rather than touch its atomics
        }
        // We own the list: every value still in is dropped here.
        while self.pop().is_ok() {}
        // We own the list: every receive is over, so the lagging blocks are drained.
        let lagging = self.lagging.with_mut(|l| {
            // SAFETY: we own the list.
            unsafe { std::mem::take(&mut *l) }
        });
        for block in lagging {
            // SAFETY: made by `Box::into_raw`, retired, and on no other list.
            drop(unsafe { Box::from_raw(block) });
        }
        // Relaxed: we own the list; what is left is the one block both ends are in.
        let last = self.head.block.load(Ordering::Relaxed);
        // SAFETY: the head block is never retired while it is the head; nothing else
        // refers to it now.
        drop(unsafe { Box::from_raw(last) });
        // Relaxed: we own the list.
        let spare = self.spare.load(Ordering::Relaxed);
        if !spare.is_null() {
            // SAFETY: the spare block is the list's alone, made by `Box::into_raw`.
            drop(unsafe { Box::from_raw(spare) });
        }
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    /// The block size the tests walk through (each crossing fills blocks of it).
    const CAP: usize = BLOCK_CAP;

    /// The blocks on `list`'s lagging list.
    fn lagging<T>(list: &List<T, CAP>) -> Vec<*mut Block<T, CAP>> {
        // SAFETY: the test is the list's only user, on this thread.
        list.lagging.with(|l| unsafe { (*l).clone() })
    }

    /// Fills `list` with `n` values and reserves the first slot without taking it, as a
    /// receive preempted between its reserving CAS and its read would: returns that block.
    fn fill_and_stall(list: &List<Box<usize>, CAP>, n: usize) -> *mut Block<Box<usize>, CAP> {
        for v in 0..n {
            assert!(list.push(Box::new(v)).is_ok());
        }
        let head = list.recv_position();
        let new_head = list.next_head(head).expect("values are in");
        // Relaxed: one thread; ordered after the position load, as in `pop_from`.
        let block = list.head.block.load(Ordering::Relaxed);
        assert!(list.reserve_recv(head, new_head).is_ok());
        block
    }

    #[test]
    fn a_lagging_block_is_retired_by_a_later_install() {
        let list = List::<Box<usize>, CAP>::new();
        let first = fill_and_stall(&list, 2 * CAP + 1);
        // The other receives of the first block; the last installs the second block and
        // finds slot 0 unread: the block waits on the lagging list, nothing is freed.
        for v in 1..CAP {
            assert_eq!(list.pop().map(|(b, _)| *b), Ok(v));
        }
        assert_eq!(lagging(&list), [first]);
        assert!(list.spare.load(Ordering::Relaxed).is_null());
        // The stalled receive finishes; the next install retires the block (to the spare).
        // SAFETY: we reserved slot 0 of `first` above, and do not touch it afterwards.
        assert_eq!(*unsafe { List::<Box<usize>, CAP>::take(first, 0) }, 0);
        for v in CAP..2 * CAP {
            assert_eq!(list.pop().map(|(b, _)| *b), Ok(v));
        }
        assert!(
            lagging(&list).is_empty(),
            "the drained lagging block is retired"
        );
        assert_eq!(
            list.spare.load(Ordering::Relaxed),
            first,
            "and kept as the spare"
        );
        assert_eq!(list.pop().map(|(b, _)| *b), Ok(2 * CAP));
        assert_eq!(list.pop().map(|(b, _)| *b), Err(PopError::Empty));
    }

    #[test]
    fn a_block_still_lagging_when_the_list_drops_is_freed() {
        let list = List::<Box<usize>, CAP>::new();
        let first = fill_and_stall(&list, CAP + 2);
        for v in 1..CAP {
            assert_eq!(list.pop().map(|(b, _)| *b), Ok(v));
        }
        // SAFETY: as in the test above.
        assert_eq!(*unsafe { List::<Box<usize>, CAP>::take(first, 0) }, 0);
        assert_eq!(
            lagging(&list),
            [first],
            "no install since the stalled receive ended"
        );
        // The drop frees the lagging block, the head block and the value still in (a
        // double free or a use of a freed block would crash the test binary).
        drop(list);
    }
}
