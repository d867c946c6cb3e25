//! The channel engine. A channel is one of two kinds:
//!
//! - **lock-free buffer** ([`super::lockfree`]): `bounded(n)` with `1 ≤ n ≤ 2^20` keeps its
//!   values in a ring of stamped cells ([`super::ring`]), `unbounded()` in a linked list of
//!   blocks ([`super::list`]). A send into room and a receive of a buffered value take no
//!   lock. The lock guards only the queues of parties that wait, and is taken only to
//!   register a waiter or to wake one. (The docs below say "ring" for both kinds of
//!   lock-free buffer; a list never has waiting senders.)
//! - **locked** (`bounded(0)`, larger bounded): one lock per channel guards a buffer and
//!   FIFO queues of waiters that the other side completes directly (Go's `hchan` shape).
//! - **timer** ([`Chan::timer`], [`Chan::never`]): a locked channel of capacity zero with
//!   no sender, whose values come from a [`Timer`] of the clock ([`crate::clock`]); a
//!   receive takes the value that is due, a wait on it ends at the timer's deadline. A
//!   context's done channel in virtual time is one too, whose timer rings an alarm instead
//!   of yielding values.
//!
//! # State (all under `Chan::state`, the channel lock)
//!
//! | field     | meaning                                                                   |
//! |-----------|---------------------------------------------------------------------------|
//! | `buf`     | locked channels: buffered values, oldest first; `len ≤ cap` always        |
//! | `closed`  | set once by `close`, the last `Sender` drop, or the last `Receiver` drop   |
//! | `sendq`   | locked: waiting senders; each entry points at a slot holding the value    |
//! | `recvq`   | locked: waiting blocking receivers (threads, `select!` cases); each entry |
//! |           | points at an empty slot to fill                                           |
//! | `rx_wait` | receivers that are *woken*, not handed a value: async receivers of a      |
//! |           | locked channel, every receiver of a ring; each comes back to receive      |
//! | `tx_wait` | ring: senders woken when there is room                                    |
//!
//! # Invariants
//!
//! 1. `recvq` holds an undecided entry only while `buf` is empty, no sender waits, and the
//!    channel is open: a sender serves `recvq` before `buf` (so FIFO order holds).
//! 2. `sendq` holds an undecided entry only while `buf` is full and the channel is open.
//! 3. An entry is decided by exactly one CAS on its [`Signal`]; the winner does the slot
//!    hand-off (or, for a woken entry, only the wake-up) under this lock and publishes it
//!    with `Signal::complete` (Release).
//! 4. Wake-ups happen after the lock is released (the `Wake` list returned by every operation).
//! 5. Nothing is lost: a value is in `buf` or the ring, in exactly one slot, received, or
//!    handed back.
//! 6. No lost wake-up for woken waiters: every value that becomes available (pushed into
//!    `buf` or the ring, or a sender queued in `sendq`) wakes one `rx_wait` entry, and on a
//!    ring every freed cell wakes one `tx_wait` entry; a woken party either completes its
//!    operation, registers again (someone else took the value or the room), or, dropped,
//!    passes the wake-up on ([`Chan::pass_on`]). A woken blocking party always tries once
//!    more before it may time out, so it never leaves the wake-up unused.
//!
//! # Ring: waking without a lock on the fast path
//!
//! A ring operation that succeeds reads a flag (`rx_waiting` after a send, `tx_waiting`
//! after a receive) and takes the lock only if it is set. A party that must wait registers
//! under the lock, sets the flag, and only then looks at the ring again. Both flag accesses
//! are RMWs of the one flag (`fetch_or(false)` Release, `swap(true)` Acquire), so they are
//! totally ordered: either the waiter's `swap` comes first and the other side sees the flag
//! and wakes it, or the other side's RMW comes first, the `swap` reads from it, and the
//! waiter's second look sees the value or room (**LIVE-CHAN-WAKE**). A flag is cleared only
//! under the lock, when its queue is found empty.
//!
//! # Why async receivers are woken, not handed values
//!
//! A future can be dropped at any time after it was completed (`select` of two futures,
//! a timeout). If a sender handed its value into a pending `recv_async`, a drop would leave
//! the future holding a value that a rendezvous sender already reported as delivered, and
//! putting it back would overfill the buffer (a `bounded(1)` holding two) or reorder a
//! sender's values. So only parties that cannot vanish (a parked thread, a `select!` on its
//! thread) are handed values; an async receiver is woken and receives under the lock when
//! it is polled. The cost is a second lock round for an async receiver; what it buys is
//! that a rendezvous never holds a value and capacity is never exceeded.
//!
//! # Where each claim is carried
//!
//! On a ring, the data moves through the cells' stamps (Release store → Acquire load:
//! HB-CHAN-SEND, HB-CHAN-CAPACITY) and the closed bit (HB-CHAN-CLOSE), see [`super::ring`];
//! on a list, through the slots' `WRITTEN` bits and its closed bit, see [`super::list`].
//! On a locked channel, when the other party is already *waiting*, the edge is the waiter's
//! `Signal`: Release store `chan.waiter.complete` → Acquire load `chan.waiter.observe` (the
//! mutant sites). When the other party comes *later*, the edge is this lock (unlock →
//! lock); loom models the lock, but its orderings are the checker's own and have no mutant.

use std::collections::VecDeque;
use std::time::Instant;

use crossbeam_utils::CachePadded;

use super::error::{SendTimeoutError, TryRecvError, TrySendError};
pub(crate) use super::lockfree::Side;
use super::lockfree::{self, Attempt, Lockfree, Patience, PopError, PushError};
use super::ring::Ring;
use crate::clock::{Alarm, Timer};
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant;
use crate::sync::{Arc, Mutex};
use crate::waiter::{Settle, Signal};

/// A value slot owned by a waiter: filled by the sender side, emptied by the receiver side.
pub(crate) type Slot<T> = UnsafeCell<Option<T>>;

/// A waiter's place in a queue.
pub(crate) struct Entry<T> {
    /// The waiter's shared decision.
    pub(crate) signal: Arc<Signal>,
    /// Which case of the waiter this entry is (0 for a plain operation).
    pub(crate) case: usize,
    /// # Safety
    /// Points at the waiter's slot, which the waiter keeps alive and in place until this
    /// entry is out of every queue and, if the entry was claimed, until it observed `DONE`.
    /// Only the party that claimed the entry may access it, and only before `complete`.
    pub(crate) slot: *const Slot<T>,
}

// SAFETY: an entry moves a `T` between threads through `slot` (so `T: Send` is required); the
// pointer is dereferenced only under the rules stated on the field.
unsafe impl<T: Send> Send for Entry<T> {}

impl<T> Entry<T> {
    /// Moves `value` into the claimed waiter's slot.
    ///
    /// # Safety
    /// The caller won `try_claim` for this entry and has not called `complete` yet.
    unsafe fn put(&self, value: T) {
        // SAFETY: the field's contract: the waiter keeps the slot alive, and as the claimer we
        // are the only party touching it until `complete`.
        unsafe { (*self.slot).with_mut(|p| *p = Some(value)) }
    }

    /// Takes the value out of the claimed waiter's slot.
    ///
    /// # Safety
    /// As for [`Entry::put`].
    unsafe fn take(&self) -> Option<T> {
        // SAFETY: as in `put`.
        unsafe { (*self.slot).with_mut(|p| (*p).take()) }
    }
}

impl<T> From<PushError<T>> for TrySendError<T> {
    fn from(e: PushError<T>) -> Self {
        match e {
            PushError::Full(v) => Self::Full(v),
            PushError::Closed(v) => Self::Closed(v),
        }
    }
}

impl From<PopError> for TryRecvError {
    fn from(e: PopError) -> Self {
        match e {
            PopError::Empty => Self::Empty,
            PopError::Closed => Self::Closed,
        }
    }
}

/// Waiters to wake once the channel lock is released.
#[derive(Default)]
pub(crate) struct Wake(Vec<Arc<Signal>>);

impl Wake {
    /// Completes the claimed entry `e` and keeps its signal for waking if it needs it.
    pub(crate) fn complete<T>(&mut self, e: Entry<T>) {
        self.complete_signal(e.signal, e.case);
    }

    /// Completes a claimed signal for `case` (a queue entry with no slot).
    fn complete_signal(&mut self, signal: Arc<Signal>, case: usize) {
        if signal.complete(case) {
            self.0.push(signal);
        }
    }

    /// Wakes everyone collected. Call with no lock held. Inline: every channel operation
    /// calls it, almost always with nothing to wake, and it sits in another codegen unit
    /// than the generic callers (not inlining it measurably slowed `seq`).
    #[inline]
    pub(crate) fn run(self) {
        if self.0.is_empty() {
            return;
        }
        self.wake_all();
    }

    #[cold]
    fn wake_all(self) {
        for s in self.0 {
            crate::sync::preemption_point();
            s.wake();
        }
    }
}

/// Pops entries until one can be claimed for its case; stale entries (aborted, or decided on
/// another channel of a select) are dropped on the way.
fn claim_first<T>(q: &mut VecDeque<Entry<T>>) -> Option<Entry<T>> {
    while let Some(e) = q.pop_front() {
        if e.signal.try_claim(e.case) {
            return Some(e);
        }
    }
    None
}

/// Pops signals until one can be claimed for its case (stale ones, withdrawn by their owner
/// or decided on another channel of a select, are dropped).
fn claim_first_signal(q: &mut VecDeque<(Arc<Signal>, usize)>) -> Option<(Arc<Signal>, usize)> {
    while let Some((s, case)) = q.pop_front() {
        if s.try_claim(case) {
            return Some((s, case));
        }
    }
    None
}

/// The channel state guarded by the channel lock.
pub(crate) struct State<T> {
    buf: VecDeque<T>,
    cap: usize,
    closed: bool,
    sendq: VecDeque<Entry<T>>,
    recvq: VecDeque<Entry<T>>,
    /// Receivers woken rather than handed a value (see the module docs): async receivers of a
    /// locked channel, every receiver of a ring channel. Each entry is a signal and its case.
    rx_wait: VecDeque<(Arc<Signal>, usize)>,
    /// The buffer capacity reserved at creation (a locked bounded channel too large for a
    /// ring): draining never shrinks `buf` below it.
    reserved: usize,
    /// Senders woken when there is room (ring channels only).
    tx_wait: VecDeque<(Arc<Signal>, usize)>,
    /// A timer channel's source (`None` for every other channel, and once a one-shot timer
    /// is spent): the timer flavour, whose values come from the clock, not from a sender.
    timer: Option<Timer<T>>,
}

impl<T> State<T> {
    /// Sends without blocking. On success, `wake` may hold the receiver to wake.
    pub(crate) fn try_send(&mut self, value: T, wake: &mut Wake) -> Result<(), TrySendError<T>> {
        if self.closed {
            return Err(TrySendError::Closed(value));
        }
        if let Some(e) = claim_first(&mut self.recvq) {
            // SAFETY: we won `try_claim` for `e` just now and complete it right after.
            unsafe { e.put(value) };
            wake.complete(e);
            return Ok(());
        }
        if self.buf.len() < self.cap {
            self.buf.push_back(value);
            self.notify(Side::Recv, wake); // invariant 6: a value became available
            return Ok(());
        }
        Err(TrySendError::Full(value))
    }

    /// The queue of parties of `side` that are woken, not handed a value.
    fn woken(&mut self, side: Side) -> &mut VecDeque<(Arc<Signal>, usize)> {
        match side {
            Side::Recv => &mut self.rx_wait,
            Side::Send => &mut self.tx_wait,
        }
    }

    /// Wakes the first live party of `side`'s woken queue, if any (it comes back to try).
    fn notify(&mut self, side: Side, wake: &mut Wake) {
        if let Some((s, case)) = claim_first_signal(self.woken(side)) {
            wake.complete_signal(s, case);
        }
    }

    /// A woken async receiver leaves without receiving (its future was dropped): if a value
    /// is still available, wake the next one in its place (invariant 6).
    pub(crate) fn pass_on(&mut self, wake: &mut Wake) {
        if !self.buf.is_empty() || self.sendq.iter().any(|e| e.signal.is_waiting()) {
            self.notify(Side::Recv, wake);
        }
    }

    /// Gives memory back after a burst: once the buffer is at most a quarter full, halve its
    /// allocation (never below what it reserved at creation). Amortized O(1) per receive.
    #[inline]
    fn shrink_after_pop(&mut self) {
        let capacity = self.buf.capacity();
        if capacity > self.reserved.max(MIN_KEEP) && self.buf.len() * 4 <= capacity {
            self.shrink_slow();
        }
    }

    #[cold]
    fn shrink_slow(&mut self) {
        let keep = (self.buf.len() * 2).max(self.reserved).max(MIN_KEEP);
        self.buf.shrink_to(keep);
    }

    /// Takes every buffered value out (the last receiver is gone); drop them with
    /// [`drop_values`] once the lock is released.
    pub(crate) fn take_buffer(&mut self) -> VecDeque<T> {
        std::mem::take(&mut self.buf)
    }

    /// Receives without blocking. On success, `wake` may hold a sender to wake.
    pub(crate) fn try_recv(&mut self, wake: &mut Wake) -> Result<T, TryRecvError> {
        if let Some(v) = self.buf.pop_front() {
            // A slot opened: move the first waiting sender's value into the buffer
            // (HB-CHAN-CAPACITY: this receive completes that send).
            if let Some(e) = claim_first(&mut self.sendq) {
                // SAFETY: we won `try_claim` for `e` and complete it right after.
                let moved = unsafe { e.take() };
                self.buf.extend(moved);
                wake.complete(e);
            } else {
                self.shrink_after_pop();
                // Room opened and no sender waits for it: a `Select::ready` send case
                // waiting for room (the only party a locked channel keeps in `tx_wait`)
                // looks again.
                self.notify(Side::Send, wake);
            }
            return Ok(v);
        }
        if let Some(e) = claim_first(&mut self.sendq) {
            // Rendezvous: take the value straight from the waiting sender
            // (HB-CHAN-RENDEZVOUS: this receive completes that send).
            // SAFETY: we won `try_claim` for `e` and complete it right after.
            let v = unsafe { e.take() };
            wake.complete(e);
            return v.ok_or(TryRecvError::Closed);
        }
        if self.closed {
            return Err(TryRecvError::Closed);
        }
        self.take_due_timer().ok_or(TryRecvError::Empty)
    }

    /// A timer channel's value, if the timer is due (see [`Timer::take`]).
    fn take_due_timer(&mut self) -> Option<T> {
        let (value, spent) = self.timer.as_mut()?.take()?;
        if spent {
            self.timer = None;
        }
        Some(value)
    }

    /// When a timer channel's next value is due (`None`: not a timer, or spent).
    pub(crate) fn timer_deadline(&self) -> Option<Instant> {
        self.timer.as_ref().map(Timer::deadline)
    }

    /// A waiter's deadline `at` fired (see [`Timer::fire`]): returns the alarm to ring once
    /// the lock is released, if the timer is one.
    #[must_use]
    pub(crate) fn fire_timer(&mut self, at: Instant) -> Option<Alarm> {
        self.timer.as_mut()?.fire(at)
    }

    /// Closes the channel; completes every waiter (receivers with nothing, senders with their
    /// value still in their slot). Returns whether this call closed it.
    pub(crate) fn close(&mut self, wake: &mut Wake) -> bool {
        if self.closed {
            return false;
        }
        self.closed = true;
        for q in [&mut self.recvq, &mut self.sendq] {
            while let Some(e) = claim_first(q) {
                // The slot is left as it is: a receiver finds it empty (closed), a sender
                // finds its value (handed back). HB-CHAN-CLOSE.
                wake.complete(e);
            }
        }
        // Woken receivers come back and find the channel closed (and drained); woken senders
        // of a ring channel come back and find it closed.
        for q in [&mut self.rx_wait, &mut self.tx_wait] {
            while let Some((s, case)) = claim_first_signal(q) {
                wake.complete_signal(s, case);
            }
        }
        true
    }

    /// Whether a send could complete now without blocking, ignoring entries of `me` (a
    /// select's own; `None`: none ignored).
    pub(crate) fn send_ready(&self, me: Option<&Signal>) -> bool {
        self.closed
            || self.buf.len() < self.cap
            || self
                .recvq
                .iter()
                .any(|e| me.is_none_or(|me| !std::ptr::eq(&*e.signal, me)) && e.signal.is_waiting())
    }

    /// Whether a receive could complete now without blocking, ignoring entries of `me` (a
    /// select's own; `None`: none ignored).
    pub(crate) fn recv_ready(&self, me: Option<&Signal>) -> bool {
        self.closed
            || !self.buf.is_empty()
            || self.timer.as_ref().is_some_and(Timer::due)
            || self
                .sendq
                .iter()
                .any(|e| me.is_none_or(|me| !std::ptr::eq(&*e.signal, me)) && e.signal.is_waiting())
    }

    /// Queues a party that waits to be woken when an operation of `side` may have become
    /// possible (a `Select::ready` case on a locked channel, `case` of `signal`), unless one
    /// is possible now: then nothing is queued and this returns `false`.
    pub(crate) fn push_ready(&mut self, side: Side, signal: &Arc<Signal>, case: usize) -> bool {
        let ready = match side {
            Side::Recv => self.recv_ready(Some(signal)),
            Side::Send => self.send_ready(Some(signal)),
        };
        if ready {
            return false;
        }
        self.woken(side).push_back((signal.clone(), case));
        true
    }

    /// Queues a waiting sender; its value is now available to a receiver, so one waiting
    /// async receiver is woken (invariant 6).
    pub(crate) fn push_sender(&mut self, e: Entry<T>, wake: &mut Wake) {
        self.sendq.push_back(e);
        self.notify(Side::Recv, wake);
    }

    /// Queues a waiting async receiver (locked channels).
    pub(crate) fn push_notified(&mut self, signal: Arc<Signal>) {
        self.rx_wait.push_back((signal, 0));
    }

    /// Queues a waiting receiver; a send can now proceed, so a `Select::ready` send case
    /// waiting in `tx_wait` (locked channels keep nothing else there) looks again.
    pub(crate) fn push_receiver(&mut self, e: Entry<T>, wake: &mut Wake) {
        self.recvq.push_back(e);
        self.notify(Side::Send, wake);
    }

    /// Removes every entry of `me` from the queues.
    pub(crate) fn remove(&mut self, me: &Arc<Signal>) {
        self.sendq.retain(|e| !Arc::ptr_eq(&e.signal, me));
        self.recvq.retain(|e| !Arc::ptr_eq(&e.signal, me));
        self.rx_wait.retain(|(s, _)| !Arc::ptr_eq(s, me));
        self.tx_wait.retain(|(s, _)| !Arc::ptr_eq(s, me));
    }
}

/// The largest capacity given a lock-free ring (whose cells are all allocated at creation);
/// a larger bounded channel keeps its buffer under the lock and allocates it as it fills.
const RING_MAX: usize = 1 << 20;

/// Below this many slots a draining buffer is not shrunk (re-growing costs more than it
/// keeps).
const MIN_KEEP: usize = 32;

/// Drops values taken out of a channel (its buffer when the last receiver went), outside
/// the channel lock. A value whose `Drop` panics does not stop the others from being
/// dropped: every value is dropped, then the first panic is resumed (unless this thread is
/// already unwinding, where a second panic would abort the process: then it is discarded).
pub(crate) fn drop_values<T>(values: VecDeque<T>) {
    if values.is_empty() {
        return;
    }
    let mut first_panic = None;
    for v in values {
        if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(v))) {
            first_panic.get_or_insert(p);
        }
    }
    if let Some(p) = first_panic {
        if !std::thread::panicking() {
            std::panic::resume_unwind(p);
        }
    }
}

/// The largest capacity whose parties poll rather than park once registered
/// ([`Settle::Polling`], when there are no more parties than cores). A small buffer hides
/// nothing: a parked party's partner soon finds it full (or empty) and waits too, so every
/// few messages pay a park and an unpark. A large one lets a parked receiver's sender run
/// a whole buffer ahead, and the two then work on cells far apart instead of passing each
/// cell's cache line back and forth. Measured with one sender and one receiver on 2 cores
/// (interleaved bench, 36–60 rounds each, polling against parking, median of hbsync /
/// fastest peer): capacity 1: 0.81× against 1.18×; 8: 0.71× against 0.88×; 64: 1.04×
/// against 1.13×; 1000: 1.00–1.23× against 0.86–0.93×, so 1000 parks. Unbounded channels
/// park (no change measured either way).
const POLL_MAX_CAP: usize = 64;

/// A channel: shared by all its senders and receivers.
pub(crate) struct Chan<T> {
    state: CachePadded<Mutex<State<T>>>,
    /// The lock-free buffer: a ring for a bounded channel of capacity ≥ 1, a list for an
    /// unbounded one (`None`: rendezvous and timer channels, and the hidden locked kinds,
    /// whose values live under the lock).
    ring: Option<Lockfree<T>>,
    /// Live `Sender` handles.
    senders: AtomicUsize,
    /// Live `Receiver` handles.
    receivers: AtomicUsize,
    /// `None` for unbounded.
    cap: Option<usize>,
    /// For each side (send, receive), the CPU (plus one; 0: none yet) its party that last
    /// began to wait ran on: a hint for [`Chan::wait_a_little`] and [`Chan::settle`]. Std
    /// builds only.
    #[cfg(not(any(loom, shuttle)))]
    waiting_on: CachePadded<[AtomicUsize; 2]>,
}

impl<T> Chan<T> {
    pub(crate) fn new(cap: Option<usize>) -> Self {
        Self::build(cap, None, true)
    }

    /// A channel of capacity `cap` with its buffer under the lock whatever the capacity (the
    /// kind a bounded channel above [`RING_MAX`] is), for the proofs.
    pub(crate) fn locked(cap: Option<usize>) -> Self {
        Self::build(cap, None, false)
    }

    /// The timer flavour: a channel fed by `timer`, from the clock. Locked and of capacity
    /// zero (nothing is ever buffered: a receive takes the due value from the timer). The
    /// creator keeps no `Sender`, but the sender count starts at one (the clock's), so it
    /// never closes by itself.
    pub(crate) fn timer(timer: Timer<T>) -> Self {
        Self::build(Some(0), Some(timer), false)
    }

    /// A channel nobody ever sends on and that never closes (`time::never`): a timer channel
    /// whose timer is already spent.
    pub(crate) fn never() -> Self {
        Self::build(Some(0), None, false)
    }

    /// A channel; `ring`: whether a bounded capacity in the ring's range gets a ring.
    fn build(cap: Option<usize>, timer: Option<Timer<T>>, ring: bool) -> Self {
        let ring = match cap {
            Some(c) if ring && (1..=RING_MAX).contains(&c) => Some(Lockfree::Ring(Ring::new(c))),
            None if ring => Some(Lockfree::list()),
            _ => None,
        };
        // A locked bounded buffer (larger than a ring is made for) reserves up to 64 Ki slots
        // up front: no allocation per message; an unbounded one grows on demand.
        let reserved = match ring {
            None => cap.map_or(0, |c| c.min(1 << 16)),
            Some(_) => 0,
        };
        let state = State {
            buf: VecDeque::with_capacity(reserved),
            cap: cap.unwrap_or(usize::MAX),
            closed: false,
            sendq: VecDeque::new(),
            recvq: VecDeque::new(),
            rx_wait: VecDeque::new(),
            tx_wait: VecDeque::new(),
            reserved,
            timer,
        };
        Self {
            state: CachePadded::new(Mutex::new(state)),
            ring,
            senders: AtomicUsize::new(1),
            receivers: AtomicUsize::new(1),
            cap,
            #[cfg(not(any(loom, shuttle)))]
            waiting_on: CachePadded::new([const { AtomicUsize::new(0) }; 2]),
        }
    }

    /// This channel's name in traces (`chan#3`; checker builds).
    pub(crate) fn trace_name(&self) -> String {
        crate::trace::obj("chan", self as *const Self as usize)
    }

    /// A waiter's deadline `at` fired: marks a timer due by then, and rings its alarm (a
    /// context deadline's cancel) once the lock is released.
    pub(crate) fn fire_timer(&self, at: Instant) {
        let alarm = self.lock().fire_timer(at);
        if let Some(alarm) = alarm {
            alarm.ring();
        }
    }

    /// Locks the channel.
    #[inline]
    pub(crate) fn lock(&self) -> crate::sync::MutexGuard<'_, State<T>> {
        self.state.lock()
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.cap
    }

    pub(crate) fn len(&self) -> usize {
        match &self.ring {
            Some(ring) => ring.len(),
            None => self.lock().buf.len(),
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        match &self.ring {
            Some(ring) => ring.is_closed(),
            None => self.lock().closed,
        }
    }

    /// Whether an operation of `side` could complete now without blocking: a snapshot that
    /// performs nothing and synchronizes nothing (`Select::ready`).
    pub(crate) fn ready_now(&self, side: Side) -> bool {
        match &self.ring {
            Some(ring) => ring.ready(side),
            None => {
                let st = self.lock();
                match side {
                    Side::Send => st.send_ready(None),
                    Side::Recv => st.recv_ready(None),
                }
            }
        }
    }

    /// Whether values live in a lock-free ring (bounded, capacity ≥ 1): then a waiter is
    /// woken to retry, never handed a value (module docs, "ring").
    #[inline]
    pub(crate) fn is_ring(&self) -> bool {
        self.ring.is_some()
    }

    /// A ring channel's version (its two positions), for a non-blocking select's snapshot.
    pub(crate) fn version(&self) -> Option<(usize, usize)> {
        self.ring.as_ref().map(Lockfree::version)
    }

    /// Sends without blocking; takes the channel lock only on a locked channel, or to wake a
    /// waiting receiver.
    #[inline]
    pub(crate) fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        // The fast path, inline: one CAS and a stamp store. Anything else (a retry, a
        // wake-up, a full or closed buffer) is finished out of line.
        lockfree::push_with::<_, false, _>(
            &self.ring,
            value,
            |woke| {
                self.pushed(woke);
                Ok(())
            },
            |buffer, attempt| self.try_send_finish(buffer, attempt),
            |value| self.try_send_slow(value),
        )
    }

    /// [`Chan::try_send`] on a ring, after a first attempt that did not simply succeed.
    #[inline(never)]
    fn try_send_finish(
        &self,
        ring: &Lockfree<T>,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
    ) -> Result<(), TrySendError<T>> {
        match ring.push_finish(attempt) {
            Ok(false) => Ok(()),
            Ok(true) => {
                self.wake_one(Side::Recv);
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// [`Chan::try_send`] on a locked channel.
    #[inline(never)]
    fn try_send_slow(&self, value: T) -> Result<(), TrySendError<T>> {
        let mut wake = Wake::default();
        let r = self.try_send_in(None, value, &mut wake);
        wake.run();
        r
    }

    /// A first attempt put its value in; `woke`: a receiver may be waiting, wake one.
    #[inline(always)]
    fn pushed(&self, woke: bool) {
        if woke {
            self.wake_one(Side::Recv);
        }
    }

    /// A first attempt took `v`; `woke`: a sender may be waiting, wake one.
    #[inline(always)]
    fn popped(&self, v: T, woke: bool) -> T {
        if woke {
            self.wake_one(Side::Send);
        }
        v
    }

    /// Wakes one waiter of `side` of a ring (a fast-path operation saw the flag).
    #[cold]
    #[inline(never)]
    fn wake_one(&self, side: Side) {
        let mut wake = Wake::default();
        self.notify(None, side, &mut wake);
        wake.run();
    }

    /// Receives without blocking; takes the channel lock only on a locked channel, or to
    /// wake a waiting sender.
    #[inline]
    pub(crate) fn try_recv(&self) -> Result<T, TryRecvError> {
        // The fast path, inline, as in `try_send`.
        lockfree::pop_with::<_, false, _>(
            &self.ring,
            |v, woke| Ok(self.popped(v, woke)),
            |buffer, attempt| self.try_recv_finish(buffer, attempt),
            || self.try_recv_slow(),
        )
    }

    /// [`Chan::try_recv`] on a ring, after a first attempt that did not simply succeed.
    #[inline(never)]
    fn try_recv_finish(
        &self,
        ring: &Lockfree<T>,
        attempt: Attempt<Result<(T, bool), PopError>, ()>,
    ) -> Result<T, TryRecvError> {
        match ring.pop_finish(attempt) {
            Ok((v, false)) => Ok(v),
            Ok((v, true)) => {
                self.wake_one(Side::Send);
                Ok(v)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// [`Chan::try_recv`] on a locked channel.
    #[inline(never)]
    fn try_recv_slow(&self) -> Result<T, TryRecvError> {
        let mut wake = Wake::default();
        let r = self.try_recv_in(None, &mut wake);
        wake.run();
        r
    }

    /// [`Chan::try_send`] with this channel's lock held in `st`.
    pub(crate) fn try_send_locked(
        &self,
        st: &mut State<T>,
        value: T,
        wake: &mut Wake,
    ) -> Result<(), TrySendError<T>> {
        self.try_send_in(Some(st), value, wake)
    }

    /// [`Chan::try_recv`] with this channel's lock held in `st`.
    pub(crate) fn try_recv_locked(
        &self,
        st: &mut State<T>,
        wake: &mut Wake,
    ) -> Result<T, TryRecvError> {
        self.try_recv_in(Some(st), wake)
    }

    /// A non-blocking send; `st`: the lock, if the caller holds it (a ring takes it only
    /// when its push saw `WAIT`: a receiver may wait, so wake one).
    #[inline]
    fn try_send_in(
        &self,
        st: Option<&mut State<T>>,
        value: T,
        wake: &mut Wake,
    ) -> Result<(), TrySendError<T>> {
        match (&self.ring, st) {
            (Some(ring), st) => {
                if ring.push(value)? {
                    self.notify(st, Side::Recv, wake);
                }
                Ok(())
            }
            (None, Some(st)) => st.try_send(value, wake),
            (None, None) => self.lock().try_send(value, wake),
        }
    }

    /// A non-blocking receive, as [`Chan::try_send_in`] (a ring wakes a sender that may
    /// wait for room).
    #[inline]
    fn try_recv_in(&self, st: Option<&mut State<T>>, wake: &mut Wake) -> Result<T, TryRecvError> {
        match (&self.ring, st) {
            (Some(ring), st) => {
                let (v, waiting) = ring.pop()?;
                if waiting {
                    self.notify(st, Side::Send, wake);
                }
                Ok(v)
            }
            (None, Some(st)) => st.try_recv(wake),
            (None, None) => self.lock().try_recv(wake),
        }
    }

    /// Wakes one waiter of `side` (ring channels), taking the lock unless `st` holds it.
    #[cold]
    fn notify(&self, st: Option<&mut State<T>>, side: Side, wake: &mut Wake) {
        match st {
            Some(st) => self.notify_locked(st, side, wake),
            None => self.notify_locked(&mut self.lock(), side, wake),
        }
    }

    /// Wakes one waiter of `side`; a queue left empty clears its ring flag (under this
    /// lock, where waiters register, so no registration can slip between).
    fn notify_locked(&self, st: &mut State<T>, side: Side, wake: &mut Wake) {
        let Some(ring) = &self.ring else { return };
        st.notify(side, wake);
        if st.woken(side).is_empty() {
            ring.clear_waiting(side);
        }
    }

    /// Registers a waiter of `side` on a ring channel (`case` of `signal`), then looks at the
    /// ring again. Returns `false` if the operation could proceed now: the caller must not
    /// wait (the entry is left for the caller to remove, as a select does for all its
    /// entries). Call with the lock held in `st`.
    pub(crate) fn enqueue(
        &self,
        st: &mut State<T>,
        side: Side,
        signal: &Arc<Signal>,
        case: usize,
    ) -> bool {
        let Some(ring) = &self.ring else {
            unreachable!("only ring channels queue woken waiters of both sides");
        };
        st.woken(side).push_back((signal.clone(), case));
        // Set the flag, then judge by the word the flag's RMW read (LIVE-CHAN-WAKE, see
        // `ring.rs`): a partner that comes later sees the flag and wakes us.
        let ready = if mutant::active(mutant::RING_WAKE_LOOK_FIRST) {
            // Design mutant: look, then set the flag: a partner between the two is missed.
            let ready = ring.ready(side);
            crate::sync::thread::yield_now();
            ring.mark_waiting(side);
            ready
        } else {
            ring.mark_waiting(side)
        };
        !ready
    }

    /// A woken waiter of `side` leaves without retrying (a dropped future): if its
    /// operation could still proceed, wake the next waiter in its place.
    pub(crate) fn pass_on(&self, side: Side) {
        let mut wake = Wake::default();
        {
            let mut st = self.lock();
            match &self.ring {
                // A locked channel wakes, rather than hands over to, its async receivers and
                // the send cases of `Select::ready` only.
                None => match side {
                    Side::Recv => st.pass_on(&mut wake),
                    Side::Send if st.send_ready(None) => st.notify(Side::Send, &mut wake),
                    Side::Send => {}
                },
                Some(ring) if ring.ready(side) => self.notify_locked(&mut st, side, &mut wake),
                Some(_) => {}
            }
        }
        wake.run();
    }

    pub(crate) fn close(&self) -> bool {
        self.close_and_drain(false)
    }

    /// Closes; with `drain`, also takes the buffered values out and drops them once the
    /// lock is released (the last receiver is gone). Returns whether this call closed it.
    fn close_and_drain(&self, drain: bool) -> bool {
        let mut wake = Wake::default();
        // A ring's closed bit is the close itself: sends fail from here on.
        let ring_closed = self.ring.as_ref().map(Lockfree::close);
        let (closed, buffered) = {
            let mut st = self.lock();
            let closed = st.close(&mut wake);
            let buffered = drain.then(|| match &self.ring {
                Some(ring) => std::iter::from_fn(|| ring.pop().ok().map(|(v, _)| v)).collect(),
                None => st.take_buffer(),
            });
            (ring_closed.unwrap_or(closed), buffered)
        };
        crate::trace::record(|| format!("close {}", self.trace_name()));
        wake.run();
        if let Some(values) = buffered {
            drop_values(values);
        }
        closed
    }

    /// Live sender handles (a timer's clock counts as one).
    pub(crate) fn sender_count(&self) -> usize {
        // Relaxed: a snapshot; it synchronizes nothing (documented on the public method).
        self.senders.load(Ordering::Relaxed)
    }

    /// Live receiver handles.
    pub(crate) fn receiver_count(&self) -> usize {
        // Relaxed: as in `sender_count`.
        self.receivers.load(Ordering::Relaxed)
    }

    /// A new sender handle.
    pub(crate) fn add_sender(&self) {
        // Relaxed: the caller holds a handle, so the count is already positive; nothing is
        // published by counting (as in `Arc::clone`).
        self.senders.fetch_add(1, Ordering::Relaxed);
    }

    /// A new receiver handle.
    pub(crate) fn add_receiver(&self) {
        // Relaxed: as in `add_sender`.
        self.receivers.fetch_add(1, Ordering::Relaxed);
    }

    /// A sender handle is gone; the last one closes the channel.
    pub(crate) fn drop_sender(&self) {
        // Relaxed: the RMW order alone picks exactly one last dropper; the close it performs
        // is ordered with every send by the channel lock (HB-CHAN-CLOSE).
        if self.senders.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.close();
        }
    }

    /// A receiver handle is gone; the last one closes the channel so sends fail at once
    /// (and waiting senders get their values back), and drops the buffered values: nobody
    /// can receive them any more (a value holding a `Sender` of its own channel would
    /// otherwise keep the channel alive forever).
    pub(crate) fn drop_receiver(&self) {
        // Relaxed: as in `drop_sender`.
        if self.receivers.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.close_and_drain(true);
        }
    }

    /// Sends, blocking until delivered, closed, or past `deadline`.
    #[inline]
    pub(crate) fn send(
        &self,
        value: T,
        deadline: Option<Instant>,
    ) -> Result<(), SendTimeoutError<T>> {
        // The fast path is `try_send`'s, inline; anything but a plain success is finished
        // out of line, where a full buffer goes on to wait.
        lockfree::push_with::<_, true, _>(
            &self.ring,
            value,
            |woke| {
                self.pushed(woke);
                self.sent(Ok(()))
            },
            |buffer, attempt| self.send_finish(buffer, attempt, deadline),
            |value| self.send_locked(value, deadline),
        )
    }

    /// [`Chan::send`] after a first attempt that did not simply succeed.
    #[inline(never)]
    fn send_finish(
        &self,
        buffer: &Lockfree<T>,
        attempt: Attempt<Result<bool, PushError<T>>, T>,
        deadline: Option<Instant>,
    ) -> Result<(), SendTimeoutError<T>> {
        match self.try_send_finish(buffer, attempt) {
            Ok(()) => self.sent(Ok(())),
            Err(TrySendError::Closed(v)) => self.sent(Err(v)),
            Err(TrySendError::Full(v)) => self.send_ring(v, deadline),
        }
    }

    /// Receives, blocking until a value comes, the channel is closed and empty, or
    /// `deadline` passes. `Ok(None)` means closed; `Err(())` means timed out. On a timer
    /// channel the wait also ends when the timer is due (then the receive is retried).
    #[inline]
    pub(crate) fn recv(&self, deadline: Option<Instant>) -> Result<Option<T>, ()> {
        // The fast path is `try_recv`'s, inline, as in `send`.
        lockfree::pop_with::<_, true, _>(
            &self.ring,
            |v, woke| Ok(self.received(Some(self.popped(v, woke)))),
            |buffer, attempt| self.recv_finish(buffer, attempt, deadline),
            || self.recv_locked(deadline),
        )
    }

    /// [`Chan::recv`] after a first attempt that did not simply succeed.
    #[inline(never)]
    fn recv_finish(
        &self,
        buffer: &Lockfree<T>,
        attempt: Attempt<Result<(T, bool), PopError>, ()>,
        deadline: Option<Instant>,
    ) -> Result<Option<T>, ()> {
        match self.try_recv_finish(buffer, attempt) {
            Ok(v) => Ok(self.received(Some(v))),
            Err(TryRecvError::Closed) => Ok(self.received(None)),
            Err(TryRecvError::Empty) => self.recv_ring(deadline),
        }
    }

    /// A ring send that is over, traced: delivered, or closed (`Err`, the value back).
    fn sent(&self, r: Result<(), T>) -> Result<(), SendTimeoutError<T>> {
        let how = if r.is_ok() { "ok" } else { "closed" };
        crate::trace::record(|| format!("send {} -> {how}", self.trace_name()));
        r.map_err(SendTimeoutError::Closed)
    }

    /// A ring receive that is over, traced: a value, or `None` when closed and drained.
    fn received(&self, v: Option<T>) -> Option<T> {
        let how = if v.is_some() { "ok" } else { "closed" };
        crate::trace::record(|| format!("recv {} -> {how}", self.trace_name()));
        v
    }

    /// [`Chan::send`] on a ring whose buffer was full: wait (spin, then register, look
    /// again, and be woken), and push again. A woken sender always tries once more before it
    /// may time out, so the room it was woken for is never left unused while another sender
    /// waits; so does one whose deadline passed before it registered.
    #[inline(never)]
    fn send_ring(
        &self,
        mut value: T,
        deadline: Option<Instant>,
    ) -> Result<(), SendTimeoutError<T>> {
        let mut patience = Patience::new();
        loop {
            let timed_out = deadline.is_some_and(crate::clock::is_past)
                || !self.wait_a_little(&mut patience, Side::Send)
                    && self.wait_ring(Side::Send, deadline);
            // A send that times out looks once more, with a non-blocking attempt: the first
            // attempt, a blocking one, did not tell a full ring from a receive under way.
            match self.try_send(value) {
                Ok(()) => return self.sent(Ok(())),
                Err(TrySendError::Closed(v)) => return self.sent(Err(v)),
                Err(TrySendError::Full(v)) if timed_out => {
                    crate::trace::record(|| format!("send {} -> timeout", self.trace_name()));
                    return Err(SendTimeoutError::Timeout(v));
                }
                Err(TrySendError::Full(v)) => value = v,
            }
        }
    }

    /// [`Chan::recv`] on a ring whose buffer was empty, as [`Chan::send_ring`] with the
    /// sides swapped.
    #[inline(never)]
    fn recv_ring(&self, deadline: Option<Instant>) -> Result<Option<T>, ()> {
        let mut patience = Patience::new();
        loop {
            let timed_out = deadline.is_some_and(crate::clock::is_past)
                || !self.wait_a_little(&mut patience, Side::Recv)
                    && self.wait_ring(Side::Recv, deadline);
            // A receive that times out looks once more, with a non-blocking attempt: the
            // first attempt, a blocking one, did not tell an empty ring from a closed one.
            match self.try_recv() {
                Ok(v) => return Ok(self.received(Some(v))),
                Err(TryRecvError::Closed) => return Ok(self.received(None)),
                Err(TryRecvError::Empty) if timed_out => {
                    crate::trace::record(|| format!("recv {} -> timeout", self.trace_name()));
                    return Err(());
                }
                Err(TryRecvError::Empty) => {}
            }
        }
    }

    /// A ring party of `side` that could not proceed waits before it tries again: `true`
    /// once the cell it would use next looks ready, `false` when its patience is spent
    /// (register and wait). Between its spins it reads only the stamp and its own side's
    /// word (`Ring::looks_ready`), never the other side's, which that side moves on every
    /// operation. If the other side's party that last began to wait ran on this thread's
    /// CPU ([`Chan::partner_shares_cpu`]), it is not running now, and the spins would only
    /// keep it off the core: this party yields at once instead, or, on a channel with no
    /// more parties than cores, registers at once to park ([`Chan::settle`]).
    fn wait_a_little(&self, patience: &mut Patience, side: Side) -> bool {
        let Some(buffer) = &self.ring else {
            return false;
        };
        #[cfg(not(any(loom, shuttle)))]
        if self.partner_shares_cpu(side) {
            if self.polls() && crate::waiter::parking_may_move(false) {
                return false;
            }
            patience.skip_spins();
        }
        while patience.wait() {
            if buffer.looks_ready(side) {
                return true;
            }
        }
        false
    }

    /// Records this party as the last of `side` to begin waiting, on the CPU it runs on,
    /// and says whether the other side's last one to begin waiting ran on that same CPU.
    /// On `bounded(1)` and on a rendezvous both sides wait on every message, so that party
    /// is most often the one this one waits for; sharing the CPU, it runs only when this
    /// thread gives the core up. Slow runs of the burst shape (4 senders, one receiver,
    /// `bounded(1)`, 20,000 messages per run, 2 cores) had spent about 1.6 µs spinning and
    /// then yielded on one message in two, every yield a context switch: the partner was on
    /// the core. Measured against the fastest peer, interleaved bench, 2×10 rounds: that
    /// burst row 1.52× → 1.20×, its 4→4 twin 1.62× [0.78, 2.37] → 0.71× [0.48, 1.14]; in
    /// the suite shape (100,000 messages) mpsc 0.68× → 0.71× and mpmc 0.52× both, and the
    /// spsc and `bounded(1000)` rows within their noise.
    #[cfg(not(any(loom, shuttle)))]
    fn partner_shares_cpu(&self, side: Side) -> bool {
        let cpu = crate::waiter::current_cpu();
        if cpu == 0 {
            return false;
        }
        let (mine, theirs) = match side {
            Side::Send => (0, 1),
            Side::Recv => (1, 0),
        };
        // Relaxed: a hint for spinning, yielding or parking; it orders nothing and no claim
        // rests on it (a stale CPU only picks another way of waiting, all correct). Stored
        // only when it changes, so waiting parties on one CPU do not pass the line around.
        if self.waiting_on[mine].load(Ordering::Relaxed) != cpu {
            // Relaxed: as above.
            self.waiting_on[mine].store(cpu, Ordering::Relaxed);
        }
        // Relaxed: as above.
        self.waiting_on[theirs].load(Ordering::Relaxed) == cpu
    }

    /// A pending future of `side` on a ring registers with `waker`: `None` if, on its
    /// second look, it need not wait (try again now), else the signal it waits on.
    pub(crate) fn register_task(
        &self,
        side: Side,
        waker: &std::task::Waker,
    ) -> Option<Arc<Signal>> {
        let signal = Arc::new(Signal::for_task(waker));
        let mut st = self.lock();
        if !self.enqueue(&mut st, side, &signal, 0) {
            st.remove(&signal);
            return None;
        }
        drop(st);
        let op = match side {
            Side::Send => "send_async",
            Side::Recv => "recv_async",
        };
        signal.trace_wait(|| format!("{op} {}", self.trace_name()));
        crate::trace::record(|| format!("{op} {} -> pending", self.trace_name()));
        Some(signal)
    }

    /// A blocking party of `side` on a ring registers and waits to be woken (or finds, on
    /// its second look, that it need not wait). Returns `true` if `deadline` passed first.
    fn wait_ring(&self, side: Side, deadline: Option<Instant>) -> bool {
        let op = match side {
            Side::Send => "send",
            Side::Recv => "recv",
        };
        let signal = crate::waiter::for_this_thread();
        let mut st = self.lock();
        if !self.enqueue(&mut st, side, &signal, 0) {
            // A value or room (or the close) came while we registered: try again at once.
            st.remove(&signal);
            drop(st);
            crate::waiter::recycle(signal);
            return false;
        }
        drop(st);
        crate::trace::record(|| format!("{op} {} -> blocked", self.trace_name()));
        signal.trace_wait(|| format!("{op} {}", self.trace_name()));
        let timed_out = self.wait(&signal, deadline, self.settle(side, Settle::Patient));
        crate::waiter::recycle(signal);
        timed_out
    }

    /// How a party of `side` that registered waits for its wake-up or hand-off
    /// ([`Settle`]; a wait with a deadline, a timer channel's included, does not settle: it
    /// waits for the deadline). On a channel that polls ([`Chan::polls`]: each party can
    /// have a core of its own) it polls, [`Settle::Polling`], unless its partner shares
    /// its CPU ([`Chan::partner_shares_cpu`]): then it parks at once, [`Settle::Move`]
    /// (unless such parks have not moved this thread lately). Else `otherwise`:
    /// [`Settle::Patient`] for a ring party (it spun and yielded before it registered),
    /// [`Settle::Plain`] for a party of a locked channel (a rendezvous, or a hidden locked
    /// kind). Under a checker always `otherwise`: all settle alike there.
    ///
    /// On a rendezvous every message is a hand-off, so with one sender and one receiver on
    /// 2 cores a party that parks soon parks on a few percent of them, each costing its
    /// partner an unpark (interleaved bench, `bounded0/spsc`: the runs' times rose with
    /// their voluntary context switches, 280 ns/msg with 340 parks per 100,000 messages,
    /// 1,600 with 4,600); polling took the row from 0.83× to 0.59× of kanal and its parks
    /// per run from 791 to 7.
    ///
    /// But two parties that poll on one CPU stay there: each yield hands the core to the
    /// other, both stay runnable and cache-hot, and the scheduler does not move either to
    /// the idle core. A park does: the wake-up puts the woken thread on an idle core. Burst
    /// runs (4 senders, one receiver, 20,000 messages, 2 cores) showed it: one sender,
    /// sharing the receiver's CPU, got almost no turn until the other three had finished,
    /// and then sent its 5,000 messages at about 2.5 µs each (`bounded(1)`; 3.5 µs on a
    /// rendezvous), against 140–220 ns before; most of a run's time. Where the wake-up
    /// cannot move it (pinned to one CPU, or no idle core), a park costs more than the
    /// yields (8.2 against 2.5 µs per message on `bounded(1)`), so such a thread polls
    /// again for a while ([`crate::waiter::parking_may_move`]).
    fn settle(&self, side: Side, otherwise: Settle) -> Settle {
        if !self.polls() {
            return otherwise;
        }
        #[cfg(not(any(loom, shuttle)))]
        if self.partner_shares_cpu(side) && crate::waiter::parking_may_move(true) {
            return Settle::Move;
        }
        #[cfg(any(loom, shuttle))]
        let _ = side;
        Settle::Polling
    }

    /// Whether registered parties of this channel poll ([`Settle::Polling`]) rather than
    /// park soon: it has no more handles than the machine has cores and a buffer of at most
    /// [`POLL_MAX_CAP`]. Never under a checker (reading the counts would only add two
    /// operations to every explored execution).
    fn polls(&self) -> bool {
        if crate::sync::CHECKER {
            return false;
        }
        // Relaxed: the handle counts are a hint for how long to wait before parking; they
        // order nothing, and no claim rests on them (a stale count only picks the other
        // way of waiting, both correct).
        let parties = self.senders.load(Ordering::Relaxed) + self.receivers.load(Ordering::Relaxed);
        parties <= crate::waiter::cores() && self.cap.is_some_and(|c| c <= POLL_MAX_CAP)
    }

    /// [`Chan::send`] on a locked channel: the other side hands the value over.
    #[inline(never)]
    fn send_locked(&self, value: T, deadline: Option<Instant>) -> Result<(), SendTimeoutError<T>> {
        let mut wake = Wake::default();
        let mut st = self.lock();
        let value = match st.try_send(value, &mut wake) {
            Ok(()) => {
                drop(st);
                crate::trace::record(|| format!("send {} -> ok", self.trace_name()));
                wake.run();
                return Ok(());
            }
            Err(TrySendError::Closed(v)) => {
                crate::trace::record(|| format!("send {} -> closed", self.trace_name()));
                return Err(SendTimeoutError::Closed(v));
            }
            Err(TrySendError::Full(v)) => v,
        };
        if deadline.is_some_and(crate::clock::is_past) {
            return Err(SendTimeoutError::Timeout(value));
        }
        crate::trace::record(|| format!("send {} -> blocked", self.trace_name()));
        let slot: Slot<T> = UnsafeCell::new(Some(value));
        let signal = crate::waiter::for_this_thread();
        signal.trace_wait(|| format!("send {}", self.trace_name()));
        st.push_sender(
            Entry {
                signal: signal.clone(),
                case: 0,
                slot: &slot,
            },
            &mut wake,
        );
        drop(st);
        wake.run();
        let timed_out = self.wait(&signal, deadline, self.settle(Side::Send, Settle::Plain));
        crate::waiter::recycle(signal);
        // We observed DONE (or aborted): no one else touches the slot any more.
        // SAFETY: we observed DONE (Acquire, in `wait`) or withdrew and removed our entry.
        let r = match unsafe { take_slot(&slot) } {
            None => Ok(()),
            Some(v) if timed_out => Err(SendTimeoutError::Timeout(v)),
            Some(v) => Err(SendTimeoutError::Closed(v)),
        };
        crate::trace::record(|| {
            let how = match &r {
                Ok(()) => "delivered",
                Err(SendTimeoutError::Timeout(_)) => "timeout",
                Err(SendTimeoutError::Closed(_)) => "closed",
            };
            format!("send {} -> {how}", self.trace_name())
        });
        r
    }

    /// [`Chan::recv`] on a locked channel.
    #[inline(never)]
    fn recv_locked(&self, deadline: Option<Instant>) -> Result<Option<T>, ()> {
        loop {
            let mut wake = Wake::default();
            let mut st = self.lock();
            match st.try_recv(&mut wake) {
                Ok(v) => {
                    drop(st);
                    crate::trace::record(|| format!("recv {} -> ok", self.trace_name()));
                    wake.run();
                    return Ok(Some(v));
                }
                Err(TryRecvError::Closed) => {
                    crate::trace::record(|| format!("recv {} -> closed", self.trace_name()));
                    return Ok(None);
                }
                Err(TryRecvError::Empty) => {}
            }
            if deadline.is_some_and(crate::clock::is_past) {
                return Err(());
            }
            let (until, timer_first) = crate::clock::earliest(deadline, st.timer_deadline());
            let slot: Slot<T> = UnsafeCell::new(None);
            let signal = crate::waiter::for_this_thread();
            st.push_receiver(
                Entry {
                    signal: signal.clone(),
                    case: 0,
                    slot: &slot,
                },
                &mut wake,
            );
            signal.trace_wait(|| format!("recv {}", self.trace_name()));
            drop(st);
            wake.run();
            crate::trace::record(|| format!("recv {} -> blocked", self.trace_name()));
            let timed_out = self.wait(&signal, until, self.settle(Side::Recv, Settle::Plain));
            crate::waiter::recycle(signal);
            match (timed_out, until) {
                (false, _) => {
                    // SAFETY: `wait` observed DONE with Acquire: the completer is done.
                    let v = unsafe { take_slot(&slot) };
                    crate::trace::record(|| {
                        let how = if v.is_some() { "ok" } else { "closed" };
                        format!("recv {} -> {how}", self.trace_name())
                    });
                    return Ok(v);
                }
                (true, Some(at)) if timer_first => self.fire_timer(at),
                (true, _) => {
                    crate::trace::record(|| format!("recv {} -> timeout", self.trace_name()));
                    return Err(());
                }
            }
        }
    }

    /// Waits for the single-case `signal` registered on this channel. Returns `true` if the
    /// deadline won (the entry is then withdrawn and the slot untouched). `settle`: how it
    /// waits for the hand-off ([`Signal::wait_done_as`]).
    fn wait(&self, signal: &Arc<Signal>, deadline: Option<Instant>, settle: Settle) -> bool {
        match deadline {
            None => {
                signal.wait_done_as(settle);
                false
            }
            Some(d) => {
                if signal.wait_done_until(d).is_some() {
                    return false;
                }
                if signal.try_abort() {
                    self.lock().remove(signal);
                    return true;
                }
                // A completer won the race with the timer: honour its hand-off.
                signal.wait_claimed();
                false
            }
        }
    }
}

/// Takes the value out of a slot its owner holds alone. Blocking calls, futures and select
/// cases all use this one accessor.
///
/// # Safety
/// No queue entry may point at `slot` that another party could still claim: the slot was
/// never registered, or its entry was withdrawn (`ABORTED`) and removed, or its `DONE` was
/// observed with Acquire.
pub(crate) unsafe fn take_slot<T>(slot: &Slot<T>) -> Option<T> {
    // SAFETY: per the contract above, no other party can reach the slot.
    slot.with_mut(|p| unsafe { (*p).take() })
}

/// Stores into a slot its owner holds alone.
///
/// # Safety
/// As for [`take_slot`].
pub(crate) unsafe fn put_slot<T>(slot: &Slot<T>, v: Option<T>) {
    // SAFETY: as in `take_slot`.
    slot.with_mut(|p| unsafe { *p = v })
}
