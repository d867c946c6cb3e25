//! The lock-free buffer of a bounded channel of capacity ≥ 1: an array of stamped cells
//! (Dmitry Vyukov's bounded MPMC queue), so a send into room and a receive of a buffered
//! value take no lock at all.
//!
//! # Positions and stamps
//!
//! `head` is the position of the next receive, `tail` of the next send. A position is
//! `lap * LAP + index` with `index < cap`: the index picks the cell, the lap counts how many
//! times the array was gone round. `tail` also carries the `closed` bit, between the index
//! bits and the lap bits. Every cell has a `stamp`, which says what the cell waits for:
//!
//! | stamp           | the cell …                                                       |
//! |-----------------|------------------------------------------------------------------|
//! | `p`             | is free for the send at position `p`                              |
//! | `p + 1`         | holds the value of the send at `p`, for the receive at `p`        |
//!
//! A send at `p` reserves the cell by moving `tail` from `p` to the next position (one CAS),
//! writes the value, and publishes it by storing `p + 1` (Release). A receive at `p`
//! reserves by moving `head`, reads the value, and frees the cell for the next lap by storing
//! `p + LAP` (Release). Each party reads the stamp with Acquire before it reserves, so:
//!
//! - **HB-CHAN-SEND**: the sender's stamp store (`chan.ring.send.publish`) → the receiver's
//!   stamp load (`chan.ring.recv.observe`): the value and everything before the send.
//! - **HB-CHAN-CAPACITY**: the receiver's stamp store (`chan.ring.recv.free`) → the stamp
//!   load of the send one lap later (`chan.ring.send.observe`), the (k+C)-th send.
//! - **HB-CHAN-CLOSE**: the closer sets the `closed` bit with Release (`chan.ring.close`); a
//!   receive that finds the buffer empty reads `tail` with Acquire (`chan.ring.recv.closed`).
//!
//! `head` and `tail` themselves are moved with Relaxed CASes: they only pick who owns a
//! cell (the CAS order on one location is total); the data moves through the stamps.
//!
//! A party that finds a cell reserved but not yet published or freed (the other side is
//! between its CAS and its stamp store, which never blocks) spins until it is.

use std::mem::MaybeUninit;

use crossbeam_utils::CachePadded;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};

/// Why a push did not take the value (which it hands back).
pub(crate) enum PushError<T> {
    /// Every cell holds a value.
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

/// One cell of the array.
struct Cell<T> {
    /// What the cell waits for (module docs).
    stamp: AtomicUsize,
    /// The value, initialized exactly while the stamp says "holds".
    value: UnsafeCell<MaybeUninit<T>>,
}

/// The buffer of a bounded channel (capacity ≥ 1).
pub(crate) struct Ring<T> {
    /// The position of the next receive.
    head: CachePadded<AtomicUsize>,
    /// The position of the next send, with the `closed` bit.
    tail: CachePadded<AtomicUsize>,
    cells: Box<[Cell<T>]>,
    /// The `closed` bit of `tail`: the lowest bit above every index (and index + 1).
    closed_bit: usize,
    /// One lap: the lowest lap bit.
    lap: usize,
}

// SAFETY: values move between threads through the cells (so `T: Send`); every access to a
// cell's value is made by the one party whose CAS reserved that cell for this lap, after the
// stamp showed the previous owner done with it (module docs).
unsafe impl<T: Send> Send for Ring<T> {}
// SAFETY: as above: shared access only hands values from one owner to the next.
unsafe impl<T: Send> Sync for Ring<T> {}

/// Spins a little, then yields (checker builds: always a yield, so the model moves on).
#[inline]
fn backoff(step: &mut u32) {
    if crate::sync::CHECKER || *step > 6 {
        crate::sync::thread::yield_now();
    } else {
        for _ in 0..1u32 << *step {
            crate::sync::hint::spin_loop();
        }
        *step += 1;
    }
}

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
            lap: closed_bit << 1,
        }
    }

    fn cap(&self) -> usize {
        self.cells.len()
    }

    /// The position after `pos` (`pos` without the closed bit).
    #[inline]
    fn next(&self, pos: usize) -> usize {
        let index = pos & (self.closed_bit - 1);
        if index + 1 < self.cap() {
            pos + 1
        } else {
            (pos & !(self.lap - 1)).wrapping_add(self.lap)
        }
    }

    #[inline]
    fn cell(&self, pos: usize) -> &Cell<T> {
        &self.cells[pos & (self.closed_bit - 1)]
    }

    /// Moves `value` in, unless the buffer is full or closed.
    pub(crate) fn push(&self, value: T) -> Result<(), PushError<T>> {
        let mut step = 0;
        // Relaxed: a first guess, checked against the cell's stamp below.
        let mut tail = self.tail.load(Ordering::Relaxed);
        loop {
            if tail & self.closed_bit != 0 {
                return Err(PushError::Closed(value));
            }
            let cell = self.cell(tail);
            // Acquire: pairs with the Release that freed this cell one lap ago, so the
            // receive of its old value happens before this send (HB-CHAN-CAPACITY, site
            // `chan.ring.send.observe`).
            let stamp = cell
                .stamp
                .load(ord(mutant::RING_SEND_OBSERVE, Ordering::Acquire));
            if stamp == tail {
                // Relaxed: reserving picks the owner of the cell; no data moves with it.
                match self.tail.compare_exchange_weak(
                    tail,
                    self.next(tail),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: our CAS reserved this cell for position `tail`, whose stamp
                        // said free: no one else touches its value until we publish.
                        cell.value.with_mut(|p| unsafe { (*p).write(value) });
                        // Release: publishes the value (HB-CHAN-SEND, site
                        // `chan.ring.send.publish`).
                        cell.stamp.store(
                            tail.wrapping_add(1),
                            ord(mutant::RING_SEND_PUBLISH, Ordering::Release),
                        );
                        return Ok(());
                    }
                    Err(now) => tail = now,
                }
            } else if stamp.wrapping_add(self.lap) == tail.wrapping_add(1) {
                // The cell still holds last lap's value: full, unless its receive is under
                // way (head moved past it already).
                // Relaxed: a snapshot; a waiting sender's recheck is ordered by the
                // registration fence (LIVE-CHAN-WAKE).
                let head = self.head.load(Ordering::Relaxed);
                if head.wrapping_add(self.lap) == tail {
                    return Err(PushError::Full(value));
                }
                backoff(&mut step);
                // Relaxed: as above.
                tail = self.tail.load(Ordering::Relaxed);
            } else {
                // Another sender took this position: catch up.
                backoff(&mut step);
                // Relaxed: as above.
                tail = self.tail.load(Ordering::Relaxed);
            }
        }
    }

    /// Takes the oldest value out, unless the buffer is empty.
    pub(crate) fn pop(&self) -> Result<T, PopError> {
        let mut step = 0;
        // Relaxed: a first guess, checked against the cell's stamp below.
        let mut head = self.head.load(Ordering::Relaxed);
        loop {
            let cell = self.cell(head);
            // Acquire: pairs with the sender's Release publish (HB-CHAN-SEND, site
            // `chan.ring.recv.observe`).
            let stamp = cell
                .stamp
                .load(ord(mutant::RING_RECV_OBSERVE, Ordering::Acquire));
            if stamp == head.wrapping_add(1) {
                // Relaxed: as the send's reserving CAS.
                match self.head.compare_exchange_weak(
                    head,
                    self.next(head),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => {
                        // SAFETY: our CAS reserved this cell, whose stamp said it holds the
                        // value of the send at `head`: we take it out exactly once.
                        let v = cell.value.with(|p| unsafe { (*p).assume_init_read() });
                        // Release: frees the cell for the send one lap later (HB-CHAN-CAPACITY,
                        // site `chan.ring.recv.free`).
                        cell.stamp.store(
                            head.wrapping_add(self.lap),
                            ord(mutant::RING_RECV_FREE, Ordering::Release),
                        );
                        return Ok(v);
                    }
                    Err(now) => head = now,
                }
            } else if stamp == head {
                // The cell waits for its send: empty, unless that send is under way.
                // Acquire: a `closed` bit seen here pairs with the closer's Release
                // (HB-CHAN-CLOSE, site `chan.ring.recv.closed`).
                let tail = self
                    .tail
                    .load(ord(mutant::RING_RECV_CLOSED, Ordering::Acquire));
                if tail & !self.closed_bit == head {
                    return Err(if tail & self.closed_bit != 0 {
                        PopError::Closed
                    } else {
                        PopError::Empty
                    });
                }
                backoff(&mut step);
                // Relaxed: a new guess, checked as above.
                head = self.head.load(Ordering::Relaxed);
            } else {
                // Another receiver took this position: catch up.
                backoff(&mut step);
                // Relaxed: as above.
                head = self.head.load(Ordering::Relaxed);
            }
        }
    }

    /// Sets the `closed` bit; `true` if this call set it. Sends fail from now on; the values
    /// already in stay to be received.
    pub(crate) fn close(&self) -> bool {
        // Release: everything before the close happens before a receive that reads the bit
        // (HB-CHAN-CLOSE, site `chan.ring.close`).
        let before = self
            .tail
            .fetch_or(self.closed_bit, ord(mutant::RING_CLOSE, Ordering::Release));
        before & self.closed_bit == 0
    }

    /// The two positions, as a version: a buffer whose positions did not change between two
    /// reads did not change at all (positions only grow), which is what a non-blocking
    /// select's snapshot checks.
    pub(crate) fn version(&self) -> (usize, usize) {
        // Relaxed: a snapshot that synchronizes nothing (N-SELECT-DEFAULT).
        (
            self.head.load(Ordering::Relaxed),
            self.tail.load(Ordering::Relaxed),
        )
    }

    /// Whether a receive would find a value or the closed bit now.
    pub(crate) fn recv_ready(&self) -> bool {
        let (head, tail) = self.version();
        tail & !self.closed_bit != head || tail & self.closed_bit != 0
    }

    /// Whether a send would find room or the closed bit now.
    pub(crate) fn send_ready(&self) -> bool {
        let (_, tail) = self.version();
        tail & self.closed_bit != 0 || self.len() < self.cap()
    }

    /// How many values are in (or being moved in) now; a snapshot.
    pub(crate) fn len(&self) -> usize {
        loop {
            let (head, tail) = self.version();
            // Relaxed: as in `version`; a moved tail means try again.
            if self.tail.load(Ordering::Relaxed) != tail {
                continue;
            }
            let tail = tail & !self.closed_bit;
            let (hi, ti) = (head & (self.closed_bit - 1), tail & (self.closed_bit - 1));
            return if hi < ti {
                ti - hi
            } else if hi > ti {
                self.cap() - hi + ti
            } else if tail == head {
                0
            } else {
                self.cap()
            };
        }
    }

    /// Whether the `closed` bit is set; a snapshot.
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
