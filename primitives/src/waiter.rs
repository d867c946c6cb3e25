//! The waiting layer: one [`Signal`] per blocking operation, async poll or `select!`,
//! shared by every queue entry that operation registers. Channels, `select!`, `Mutex`,
//! `WaitGroup` and `Once` all wait through it, so the hand-off protocol and its orderings
//! (sites `chan.waiter.*`) are written, and proved, once.
//!
//! # States
//!
//! | state            | meaning                                                          |
//! |------------------|------------------------------------------------------------------|
//! | `WAITING`        | registered, nobody has decided it yet                            |
//! | `… | PARKED`     | (a bit on `WAITING`/`CLAIMED`) the waiting thread parks: unpark it |
//! | `ABORTED`        | the waiter withdrew (timeout, dropped future, restart of select) |
//! | `CLAIMED | case` | a completer won it for `case` and is doing the hand-off          |
//! | `DONE | case`    | the hand-off for `case` is finished and published                |
//!
//! # Transitions
//!
//! - `WAITING → CLAIMED|case`: a completer, holding the lock of `case`'s channel, by one CAS
//!   ([`Signal::try_claim`]). Exactly one CAS can win, so a waiter is completed by exactly one
//!   party and a `select!` completes exactly one case.
//! - `WAITING → ABORTED`: the waiter itself, by the same CAS ([`Signal::try_abort`]). If it
//!   loses, a completer owns the slot: the waiter waits for `DONE` and honours the result (a
//!   timeout never discards a completed hand-off).
//! - `CLAIMED|case → DONE|case`: the completer that claimed it, after the slot transfer, by a
//!   Release store ([`Signal::complete`]), then it wakes the waiter *after* releasing the
//!   channel lock.
//! - `DONE|ABORTED → WAITING`: only the owner, after it removed every queue entry of its
//!   own ([`Signal::reset`]), to reuse the record.
//!
//! # Invariants
//!
//! 1. Only the party that won the CAS touches the waiter's slot until `DONE` is published.
//! 2. The waiter reads its slot only after an Acquire load observed `DONE` (HB-CHAN-SEND,
//!    HB-CHAN-RENDEZVOUS, HB-CHAN-CLOSE, HB-CHAN-CAPACITY all pass through this edge when the
//!    other party was waiting).
//! 3. A parked thread is unparked after `DONE` is stored; the park token makes an unpark that
//!    comes before the park count, so no wake-up is lost.
//!
//! # The tempting wrong design
//!
//! Let the completer wake the waiter and have the waiter lock the channel again to fetch the
//! value. With two receivers, the woken one can find the value already taken by a barging
//! third receiver, and a rendezvous sender would return "delivered" for a value that then
//! sits in no one's hands. Handing the value into the waiter's own slot before waking it
//! makes delivery and completion one event.

use std::task::Waker;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::mutant::{self, ord};
use crate::sync::thread::{self, Thread};
use crate::sync::{hint, Mutex};

/// Registered and undecided.
const WAITING: usize = 0;
/// Withdrawn by its owner; completers skip it.
const ABORTED: usize = 1;
/// Tag: won by a completer for the case in the high bits; the hand-off is in progress.
const CLAIMED: usize = 2;
/// Tag: hand-off finished and published for the case in the high bits.
const DONE: usize = 3;
/// The low bits that hold the tag.
const TAG_MASK: usize = 0b11;
/// Set by a blocking waiter just before it parks: the completer must unpark it. A waiter
/// that catches `DONE` while spinning costs the completer no `unpark` (and leaves no stale
/// park token behind).
const PARKED: usize = 0b100;
/// The case index sits above the tag and the `PARKED` bit.
const CASE_SHIFT: usize = 3;

/// How a waiter is woken.
#[derive(Debug)]
enum Wake {
    /// A thread parked in a blocking operation.
    Thread(Thread),
    /// An async task; the waker is replaced on every poll.
    Task(Mutex<Option<Waker>>),
}

/// The shared decision of one waiting operation (see the module docs).
#[derive(Debug)]
pub(crate) struct Signal {
    state: AtomicUsize,
    wake: Wake,
}

/// How long a blocking waiter spins on its state before it parks (std builds only: under a
/// checker every spin would be an explored branch and buys nothing).
const SPIN_ROUNDS: u32 = if crate::sync::CHECKER { 0 } else { 64 };
/// After spinning, how many times a waiter yields its time slice before it parks. Checker
/// builds keep one round, so a waiter that observes `DONE` without being unparked (and so
/// without the unpark's own edge) is part of every model.
const YIELD_ROUNDS: u32 = if crate::sync::CHECKER { 1 } else { 8 };
/// How many times a [`Settle::Patient`] waiter yields after registering. None in std
/// builds (measured with bounded(1), 4 senders and 4 receivers on 2 cores: the median went
/// from about 500 to about 300 ns per message); checker builds keep one round, as
/// [`YIELD_ROUNDS`].
const PATIENT_YIELD_ROUNDS: u32 = if crate::sync::CHECKER { 1 } else { 0 };
/// How many times a [`Settle::Polling`] waiter yields after registering, before it parks
/// (about as long as a park and unpark take here: tens of microseconds). Checker builds
/// keep one round, as [`YIELD_ROUNDS`].
const POLLING_YIELD_ROUNDS: u32 = if crate::sync::CHECKER { 1 } else { 64 };

/// How a registered blocking waiter waits for its hand-off after its first spins: how
/// many times it yields before it parks. Only the time to the hand-off depends on it; the
/// protocol, and what a checker explores, are the same for all three.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Settle {
    /// A few yields ([`YIELD_ROUNDS`]): a waiter that did not spin before registering
    /// (a rendezvous with more handles than cores, a Mutex, a WaitGroup, a Once).
    Plain,
    /// No yields ([`PATIENT_YIELD_ROUNDS`]): a party of a ring channel (or a select with a
    /// ring case), which spun and yielded before it registered: among more parties than
    /// cores a yield now mostly takes a turn from a party that would wake it, and on a
    /// large or unbounded buffer a parked receiver lets its sender run ahead.
    Patient,
    /// No yields, as [`Settle::Patient`], and the park is watched: a party that would poll
    /// but whose partner shares its CPU (`Chan::settle`), and parks so that the wake-up may
    /// put it on another core, where yielding would keep both on one. If its parks do not
    /// move it (both parties pinned to one CPU, or the other cores busy), the thread polls
    /// again for a while ([`parking_may_move`]). Std builds only.
    #[cfg(not(any(loom, shuttle)))]
    Move,
    /// Many yields ([`POLLING_YIELD_ROUNDS`]): a party of a small-buffered channel or a
    /// rendezvous with no more parties than the machine has cores (one sender and one
    /// receiver on 2 cores).
    /// The partner that will wake it runs on the other core, so a yield costs a system
    /// call and gives nothing away, while a park costs the partner an unpark and this
    /// thread a wake-up, on every hand-off that parks. Measured with bounded(1), one sender
    /// and one receiver on 2 cores (interleaved bench, 60 rounds): about 300 → 180 ns per
    /// message (about 220 in a second sitting); with 4 senders the same yields made it
    /// slower, hence the count test, and with a large buffer parking is faster
    /// (`chan::engine::POLL_MAX_CAP`).
    Polling,
}

impl Settle {
    fn yields(self) -> u32 {
        match self {
            Settle::Plain => YIELD_ROUNDS,
            Settle::Patient => PATIENT_YIELD_ROUNDS,
            Settle::Polling => POLLING_YIELD_ROUNDS,
            #[cfg(not(any(loom, shuttle)))]
            Settle::Move => 0,
        }
    }
}

impl Signal {
    /// A signal for the current thread (blocking operations).
    pub(crate) fn for_thread() -> Self {
        Self {
            state: AtomicUsize::new(WAITING),
            wake: Wake::Thread(thread::current()),
        }
    }

    /// A signal for an async task, woken through `waker`.
    pub(crate) fn for_task(waker: &Waker) -> Self {
        Self {
            state: AtomicUsize::new(WAITING),
            wake: Wake::Task(Mutex::new(Some(waker.clone()))),
        }
    }

    /// Tries to win this waiter for `case`. Called by a completer holding the lock of the
    /// channel whose queue holds the entry.
    #[inline]
    pub(crate) fn try_claim(&self, case: usize) -> bool {
        // Relaxed (success and failure): the slot contents were published by the channel lock
        // under which the entry was pushed, and the completer holds that lock now; the failure
        // value is not used. What the waiter needs is published later by `complete`.
        let mut cur = self.state.load(Ordering::Relaxed);
        loop {
            if cur & TAG_MASK != WAITING {
                return false;
            }
            let claimed = (case << CASE_SHIFT) | (cur & PARKED) | CLAIMED;
            match self
                .state
                .compare_exchange(cur, claimed, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                // Only the PARKED bit can have changed under us; try again.
                Err(now) => cur = now,
            }
        }
    }

    /// Records (checker builds) that the owner now waits in `what` until this waiter is
    /// completed or withdrawn; for leak and deadlock reports. Nothing in std builds. Call it
    /// before the waiter becomes visible to completers (before registering, or under the
    /// lock it registers under), so a completion always comes after it.
    #[inline(always)]
    pub(crate) fn trace_wait(&self, what: impl FnOnce() -> String) {
        let blocking = matches!(self.wake, Wake::Thread(_));
        crate::trace::wait_start(self as *const Self as usize, blocking, what);
    }

    /// Undoes [`Signal::trace_wait`] for a waiter that did not wait after all.
    #[inline(always)]
    pub(crate) fn trace_unwait(&self) {
        crate::trace::wait_end(self as *const Self as usize);
    }

    /// Publishes the finished hand-off for `case`. Only the claimer calls it, once. Returns
    /// whether the waiter must be woken (a task, or a thread that parked).
    #[inline]
    #[must_use]
    pub(crate) fn complete(&self, case: usize) -> bool {
        crate::trace::wait_end(self as *const Self as usize);
        // Release: pairs with the Acquire load of the waiter's observation (`wait_done`,
        // `wait_done_until`, `wait_claimed`, an async poll); the
        // completer's slot write (or take), and everything before the completer's operation,
        // happen before the waiter reads its slot. HB-CHAN-SEND, HB-CHAN-RENDEZVOUS,
        // HB-CHAN-CLOSE, HB-CHAN-CAPACITY, HB-SELECT, HB-CHAN-TIMEOUT, HB-CHAN-ASYNC, HB-MUTEX
        // (hand-off), HB-MUTEX-ASYNC (site `chan.waiter.complete`).
        let old = self.state.swap(
            (case << CASE_SHIFT) | DONE,
            ord(mutant::CHAN_COMPLETE, Ordering::Release),
        );
        matches!(self.wake, Wake::Task(_)) || old & PARKED != 0
    }

    /// Completes the claimed waiter for `case` and wakes it if it needs waking: the whole
    /// "complete, preemption point, wake" step, for a completer that holds no lock now.
    /// (Channel operations complete under the channel lock and wake later, through
    /// `engine::Wake`.)
    pub(crate) fn complete_and_wake(&self, case: usize) {
        if self.complete(case) {
            crate::sync::preemption_point();
            self.wake();
        }
    }

    /// Wakes the waiter. Call after `complete`, with no channel lock held.
    pub(crate) fn wake(&self) {
        match &self.wake {
            Wake::Thread(t) => t.unpark(),
            Wake::Task(slot) => {
                let waker = slot.lock().take();
                if let Some(w) = waker {
                    w.wake();
                }
            }
        }
    }

    /// The finished case, if the hand-off is done, read with `order`. Every caller passes its
    /// own mutant site (`ord(site, Acquire)`), so each path that observes a completion is
    /// weakened, and proved, on its own.
    #[inline]
    pub(crate) fn done_case(&self, order: Ordering) -> Option<usize> {
        let s = self.state.load(order);
        (s & TAG_MASK == DONE).then_some(s >> CASE_SHIFT)
    }

    /// Whether the hand-off is done, as a hint only: for waiters whose data edge is another
    /// one (an async receiver receives under the channel lock; a WaitGroup waiter re-reads
    /// the counter with Acquire).
    #[inline]
    pub(crate) fn is_done_hint(&self) -> bool {
        // Relaxed: a wake-up hint; the caller's next step takes the edge it needs.
        self.done_case(Ordering::Relaxed).is_some()
    }

    /// Withdraws the waiter. `false` means a completer already won it: wait for `DONE`.
    pub(crate) fn try_abort(&self) -> bool {
        // Relaxed: winning transfers nothing (the slot never left the waiter); on failure the
        // caller goes on to `wait_done`, whose Acquire load gives the edge it needs.
        let mut cur = self.state.load(Ordering::Relaxed);
        while cur & TAG_MASK == WAITING {
            match self
                .state
                .compare_exchange(cur, ABORTED, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    crate::trace::wait_end(self as *const Self as usize);
                    return true;
                }
                Err(now) => cur = now,
            }
        }
        false
    }

    /// Makes the record reusable. The caller must have removed all its queue entries.
    #[cfg_attr(any(loom, shuttle), allow(dead_code))]
    pub(crate) fn reset(&self) {
        // Relaxed: no queue holds an entry for this signal any more (removed under each
        // channel's lock, which orders this store before any later registration).
        self.state.store(WAITING, Ordering::Relaxed);
    }

    /// Replaces the task waker (async operations, on every poll).
    pub(crate) fn set_waker(&self, waker: &Waker) {
        if let Wake::Task(slot) = &self.wake {
            let mut w = slot.lock();
            match &*w {
                Some(old) if old.will_wake(waker) => {}
                _ => *w = Some(waker.clone()),
            }
        }
    }

    /// Blocks the current thread until the hand-off is done; returns the case.
    pub(crate) fn wait_done(&self) -> usize {
        self.wait_done_as(Settle::Plain)
    }

    /// [`Signal::wait_done`], settling as `settle` says: how many times it yields between
    /// its spins and its park.
    pub(crate) fn wait_done_as(&self, settle: Settle) -> usize {
        // A park to move is watched: did the thread wake on another CPU?
        #[cfg(not(any(loom, shuttle)))]
        let before = (settle == Settle::Move).then(current_cpu);
        let mut parked = false;
        let case = self.wait_done_yielding(settle.yields(), &mut parked);
        #[cfg(not(any(loom, shuttle)))]
        if let Some(before) = before.filter(|_| parked) {
            parked_to_move(current_cpu() != before);
        }
        case
    }

    /// Spins, yields `yields` times, then parks until the hand-off is done; sets `parked`
    /// if it parked.
    fn wait_done_yielding(&self, yields: u32, parked: &mut bool) -> usize {
        // Acquire: pairs with the Release store in `complete`; after it the waiter may read
        // its slot (or, for a Mutex hand-off, owns the lock). HB-CHAN-SEND, HB-CHAN-CLOSE,
        // HB-CHAN-RENDEZVOUS, HB-CHAN-CAPACITY, HB-SELECT, HB-MUTEX (site
        // `chan.waiter.observe`).
        let order = ord(mutant::CHAN_OBSERVE, Ordering::Acquire);
        for () in std::iter::repeat_n((), SPIN_ROUNDS as usize) {
            if let Some(case) = self.done_case(order) {
                return case;
            }
            hint::spin_loop();
        }
        for () in std::iter::repeat_n((), yields as usize) {
            if let Some(case) = self.done_case(order) {
                return case;
            }
            thread::yield_now();
        }
        loop {
            if let Some(case) = self.done_case(order) {
                return case;
            }
            if self.announce_park() {
                *parked = true;
                thread::park();
            }
        }
    }

    /// Sets `PARKED` unless the hand-off finished meanwhile; `true` means park now (the
    /// completer's swap will see the bit and unpark).
    fn announce_park(&self) -> bool {
        // Relaxed: the bit carries no data; if the completer's swap comes first the CAS fails
        // and the caller re-reads the state with Acquire.
        let cur = self.state.load(Ordering::Relaxed);
        if cur & TAG_MASK == DONE {
            return false;
        }
        cur & PARKED != 0
            || self
                .state
                .compare_exchange(cur, cur | PARKED, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }

    /// Like [`Signal::wait_done`], but gives up when `deadline` passes (`None`). In checker
    /// builds the deadline is virtual: see [`crate::time`].
    pub(crate) fn wait_done_until(&self, deadline: std::time::Instant) -> Option<usize> {
        // Acquire: as in `wait_done`, for a wait with a deadline (HB-CHAN-TIMEOUT, site
        // `chan.waiter.observe_timed`).
        let order = ord(mutant::CHAN_OBSERVE_TIMED, Ordering::Acquire);
        for () in std::iter::repeat_n((), SPIN_ROUNDS as usize) {
            if let Some(case) = self.done_case(order) {
                return Some(case);
            }
            hint::spin_loop();
        }
        loop {
            if let Some(case) = self.done_case(order) {
                return Some(case);
            }
            if crate::clock::park_until(deadline, || self.announce_park()) {
                return self.done_case(order);
            }
        }
    }

    /// Whether the owner withdrew this waiter.
    pub(crate) fn is_aborted(&self) -> bool {
        // Relaxed: only the owner writes ABORTED, and only the owner asks.
        self.state.load(Ordering::Relaxed) == ABORTED
    }

    /// Whether nobody has decided this waiter yet (a hint for readiness checks).
    pub(crate) fn is_waiting(&self) -> bool {
        // Relaxed: only a hint, read under the channel lock; any decision is re-made by CAS.
        self.state.load(Ordering::Relaxed) & TAG_MASK == WAITING
    }

    /// Waits for `DONE` after a lost abort. The claimer is inside the channel lock doing a
    /// short hand-off, so this spins (yielding) rather than parks: the claimer may be about
    /// to wake a task waker, not this thread.
    pub(crate) fn wait_claimed(&self) -> usize {
        // Acquire: as in `wait_done`, after a withdrawal lost to a completer (HB-CHAN-TIMEOUT,
        // site `chan.waiter.observe_claimed`; also a dropped future's hand-off).
        let order = ord(mutant::CHAN_OBSERVE_CLAIMED, Ordering::Acquire);
        loop {
            if let Some(case) = self.done_case(order) {
                return case;
            }
            thread::yield_now();
        }
    }
}

/// The CPU the calling thread runs on now, plus one (0: unknown), for a waiting party's
/// choice between spinning, yielding and parking (`Chan::wait_a_little`, `Chan::settle`)
/// and to see whether a park moved it ([`Settle::Move`]). Std builds; known on Linux (glibc
/// answers from the thread's rseq area, a load), 0 elsewhere, where a waiting party never
/// changes its way of waiting for it.
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn current_cpu() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `sched_getcpu` takes no arguments, only reads the calling thread's state,
        // and returns -1 on failure.
        let cpu = unsafe { libc::sched_getcpu() };
        if let Ok(cpu) = usize::try_from(cpu) {
            return cpu + 1;
        }
    }
    0
}

/// Consecutive parks to leave a shared CPU ([`Settle::Move`]) that did not move a thread,
/// after which it polls again for [`MOVE_PAUSE`] waits.
#[cfg(not(any(loom, shuttle)))]
const MOVE_FUTILE: u32 = 2;
/// How many waits a thread whose parks did not move it polls before it tries a park again.
/// Measured with a sender and a receiver pinned to one CPU, `bounded(1)`: parking on every
/// message took 8,200 ns per message, yielding 2,550.
#[cfg(not(any(loom, shuttle)))]
const MOVE_PAUSE: u32 = 128;

#[cfg(not(any(loom, shuttle)))]
std::thread_local! {
    /// This thread's parks to leave a shared CPU: (consecutive ones that did not move it,
    /// waits left before it tries again).
    static MOVES: std::cell::Cell<(u32, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// Whether a waiting party whose partner shares its CPU should park to move
/// ([`Settle::Move`]) rather than poll: `false` for [`MOVE_PAUSE`] waits after
/// [`MOVE_FUTILE`] parks in a row left the thread where it was. `count`: this wait counts
/// towards the pause (`Chan::settle`; a first look before it, `false`). Std builds only.
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn parking_may_move(count: bool) -> bool {
    MOVES
        .try_with(|m| {
            let (futile, pause) = m.get();
            if pause == 0 {
                return true;
            }
            if count {
                m.set((futile, pause - 1));
            }
            false
        })
        .unwrap_or(false)
}

/// Records how a park to move ended: `moved`, the thread woke on another CPU.
#[cfg(not(any(loom, shuttle)))]
fn parked_to_move(moved: bool) {
    let _ = MOVES.try_with(|m| {
        let (futile, _) = m.get();
        m.set(match () {
            () if moved => (0, 0),
            () if futile + 1 >= MOVE_FUTILE => (0, MOVE_PAUSE),
            () => (futile + 1, 0),
        });
    });
}

/// The cores this process may run on, once known (0: not asked yet). std builds only.
#[cfg(not(any(loom, shuttle)))]
static CORES: crate::sync::atomic::AtomicUsize = crate::sync::atomic::AtomicUsize::new(0);

/// How many cores this process may run on (1 if unknown; checker builds: 1), for
/// [`Settle::Polling`]. Asked of the system once per process (it reads the affinity mask
/// and the cgroup quota, too slow for every wait), then kept.
pub(crate) fn cores() -> usize {
    #[cfg(not(any(loom, shuttle)))]
    {
        use crate::sync::atomic::Ordering;
        // Relaxed: a cached number, no HB edge and no claim (two threads that both find 0
        // both ask, and store the same answer).
        let known = CORES.load(Ordering::Relaxed);
        if known != 0 {
            return known;
        }
        let n = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Relaxed: as above.
        CORES.store(n, Ordering::Relaxed);
        n
    }
    #[cfg(any(loom, shuttle))]
    1
}

#[cfg(not(any(loom, shuttle)))]
std::thread_local! {
    /// This thread's reusable signal for blocking operations: no allocation per wait.
    static CACHED: std::cell::RefCell<Option<crate::sync::Arc<Signal>>> =
        const { std::cell::RefCell::new(None) };
}

/// A fresh (`WAITING`) signal for a blocking operation of the current thread. The cache is
/// only an optimisation: in a thread-local destructor (the cache may be gone) it is skipped,
/// so a blocking operation works there too.
pub(crate) fn for_this_thread() -> crate::sync::Arc<Signal> {
    #[cfg(not(any(loom, shuttle)))]
    if let Some(s) = CACHED
        .try_with(|c| c.try_borrow_mut().ok().and_then(|mut c| c.take()))
        .ok()
        .flatten()
    {
        return s;
    }
    crate::sync::Arc::new(Signal::for_thread())
}

/// Returns a signal whose operation is over (all entries removed) for reuse.
pub(crate) fn recycle(#[allow(unused_mut)] mut signal: crate::sync::Arc<Signal>) {
    #[cfg(not(any(loom, shuttle)))]
    // `get_mut` succeeds only when no completer still holds a clone (it synchronizes with
    // their drops), so nobody can observe the reset.
    if crate::sync::Arc::get_mut(&mut signal).is_some() {
        signal.reset();
        // In a thread-local destructor the cache may be gone: then the signal just drops.
        let _ = CACHED.try_with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                *c = Some(signal);
            }
        });
    }
    #[cfg(any(loom, shuttle))]
    drop(signal);
}

/// Loom component models of the waiting layer on its own (issue 14): the decision CAS, the
/// park/unpark hand-shake and the reuse of a reset record, each with a plain slot the
/// checker watches, so a hand-off read without the completion's edge is a reported race and
/// a lost unpark a reported deadlock. The claims (`proofs/`) prove the same edges through
/// the channels; these pin the layer's own contract.
#[cfg(all(test, loom))]
mod loom_models {
    use crate::sync::cell::UnsafeCell;
    use crate::sync::thread;
    use crate::sync::Arc;

    use super::Signal;

    /// A waiter's slot: written by the one completer that won, read by the waiter after it
    /// observed `DONE`.
    struct Slot(UnsafeCell<u32>);

    // SAFETY: shared on purpose; loom checks every access against the vector clocks.
    unsafe impl Sync for Slot {}

    impl Slot {
        fn new() -> Arc<Self> {
            Arc::new(Self(UnsafeCell::new(0)))
        }

        fn put(&self, v: u32) {
            // SAFETY: see the `Sync` impl.
            self.0.with_mut(|p| unsafe { *p = v });
        }

        fn get(&self) -> u32 {
            // SAFETY: see the `Sync` impl.
            self.0.with(|p| unsafe { *p })
        }
    }

    /// A completer's claim races the waiter's withdrawal: exactly one wins, and a waiter
    /// that lost waits for the hand-off and reads what the completer put in its slot.
    #[test]
    fn claim_races_abort_exactly_one_wins() {
        crate::check::model(|| {
            let signal = Arc::new(Signal::for_thread());
            let slot = Slot::new();
            let completer = {
                let (signal, slot) = (signal.clone(), slot.clone());
                thread::spawn(move || {
                    let won = signal.try_claim(5);
                    if won {
                        slot.put(7);
                        signal.complete_and_wake(5);
                    }
                    won
                })
            };
            let withdrew = signal.try_abort();
            if !withdrew {
                assert_eq!(signal.wait_claimed(), 5, "the completer's case");
                assert_eq!(slot.get(), 7, "the hand-off is visible");
            }
            let claimed = completer.join().unwrap();
            assert!(withdrew != claimed, "exactly one of claim and abort wins");
        });
    }

    /// A waiter that parks is unparked by the completion (a lost unpark is a deadlock the
    /// checker reports), whether the completion comes before, during or after its park.
    #[test]
    fn parked_waiter_is_woken_and_sees_the_hand_off() {
        crate::check::model(|| {
            let signal = Arc::new(Signal::for_thread());
            let slot = Slot::new();
            let completer = {
                let (signal, slot) = (signal.clone(), slot.clone());
                thread::spawn(move || {
                    assert!(signal.try_claim(2), "nobody else decides it");
                    slot.put(9);
                    signal.complete_and_wake(2);
                })
            };
            assert_eq!(signal.wait_done(), 2);
            assert_eq!(slot.get(), 9);
            completer.join().unwrap();
        });
    }

    /// The recycle path: once the first completer dropped its handle (what `recycle`'s
    /// `get_mut` checks), a reset record serves a second wait, which sees the second
    /// completion and its slot, not the first's.
    #[test]
    fn reset_record_serves_a_second_wait() {
        crate::check::model(|| {
            let mut signal = Arc::new(Signal::for_thread());
            let slot = Slot::new();
            for (round, case) in [(1u32, 0usize), (2, 1)] {
                let completer = {
                    let (signal, slot) = (signal.clone(), slot.clone());
                    thread::spawn(move || {
                        assert!(signal.try_claim(case));
                        slot.put(round);
                        signal.complete_and_wake(case);
                    })
                };
                assert_eq!(signal.wait_done(), case, "round {round}'s completion");
                assert_eq!(slot.get(), round);
                // As `recycle`: reset only when no completer holds the record any more.
                while Arc::get_mut(&mut signal).is_none() {
                    thread::yield_now();
                }
                signal.reset();
                assert!(signal.is_waiting());
                completer.join().unwrap();
            }
        });
    }
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod move_tests {
    use super::*;

    /// A thread whose parks to leave a shared CPU did not move it polls for `MOVE_PAUSE`
    /// counted waits, a first look does not count, and a park that moved it ends the pause
    /// of futile ones.
    #[test]
    fn futile_parks_pause_the_parks_to_move() {
        assert!(parking_may_move(true));
        for _ in 1..MOVE_FUTILE {
            parked_to_move(false);
            assert!(
                parking_may_move(true),
                "fewer than MOVE_FUTILE futile parks"
            );
        }
        parked_to_move(false);
        assert!(!parking_may_move(false));
        for _ in 0..MOVE_PAUSE {
            assert!(!parking_may_move(false), "a first look counts");
            assert!(!parking_may_move(true));
        }
        assert!(
            parking_may_move(true),
            "the pause ends after MOVE_PAUSE waits"
        );
        parked_to_move(false);
        parked_to_move(true);
        parked_to_move(false);
        assert!(parking_may_move(true), "a park that moved resets the count");
    }
}
