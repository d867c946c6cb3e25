//! Timers as channels, and the one clock behind every timeout and deadline in hbsync.
//!
//! [`after`], [`at`], [`tick`] and [`never`](never()) return a [`Receiver`]: use it with
//! [`recv`](Receiver::recv), [`recv_async`](Receiver::recv_async), or as a `recv` arm of
//! [`select!`](crate::select). A timer is lazy: it is a channel that nobody sends on; a
//! receive finds a value once the timer is due (no background thread, nothing to stop; drop
//! the receiver to forget it).
//!
//! ```
//! use std::time::Duration;
//! use hbsync::{chan, time};
//!
//! let (_tx, work) = chan::bounded::<u32>(0); // nobody ever sends
//! let timeout = time::after(Duration::from_millis(10));
//! let outcome = hbsync::select! {
//!     recv(work) -> v => format!("work: {v:?}"),
//!     recv(timeout) -> _ => "timed out".to_string(),
//! };
//! assert_eq!(outcome, "timed out");
//! ```
//!
//! # Real time and virtual time
//!
//! - **std builds**: real time (`std::time::Instant`); a wait with a deadline parks with a
//!   timeout; `recv_async` on a timer is woken by one shared timer thread.
//! - **checker builds** (loom, shuttle): neither checker has a clock, so time is *virtual*.
//!   A wait with a deadline (a `recv_timeout`, a `default(timeout)` arm, a blocking receive
//!   on a timer) first yields to the checker's scheduler; if nothing completed the wait by
//!   the time the waiter runs again, its earliest deadline has fired. The checker chooses
//!   where that point falls against every other thread's step, so both "the work wins" and
//!   "the timeout wins" are explored, and no model sleeps for real. A timer is due in virtual
//!   time once a wait on it fired (or at once for a zero duration); a `try_recv` alone never
//!   makes it due. Among several deadlines of one wait the earliest fires first, so their
//!   order is kept; their lengths are not otherwise compared. A context deadline works the
//!   same way: it fires when a task waits on the context's `done()` (see
//!   [`crate::context`]).
//!
//! Compared with Go's `testing/synctest`: there, a bubble's fake clock jumps to the next
//! timer when every goroutine in the bubble is durably blocked, so a timeout fires only when
//! nothing else can happen. Here the checker may fire it at *any* point the waiter is
//! scheduled, which is stronger for finding bugs (a timeout that races with work that would
//! eventually arrive is explored too) and weaker for durations (a 1 ms and a 1 h timer of
//! two different waits are not ordered against each other).
//!
//! # Happens-before
//!
//! A timer value carries no edge from any other task. A timeout that fires gives no edge
//! either: only a completed operation synchronizes (HB-SELECT).
// Allowed outside the facade (as in the catalogue test): the timer thread exists in std builds only; checker builds use virtual time.
#![allow(clippy::disallowed_types)]

use std::time::{Duration, Instant};

use crate::chan::engine::{Chan, Timer};
use crate::chan::Receiver;
use crate::sync::Arc;

/// A receiver that yields one value, the instant it was due, `d` from now; afterwards it
/// never yields again (it is not closed), as Go's `time.After`. A zero `d` is due at once.
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// let at = hbsync::time::after(Duration::from_millis(5)).recv().unwrap();
/// assert!(at >= start + Duration::from_millis(5) && Instant::now() >= at);
/// ```
pub fn after(d: Duration) -> Receiver<Instant> {
    let now = Instant::now();
    match now.checked_add(d) {
        Some(due) => timer(due, None, d.is_zero()),
        None => never(),
    }
}

/// A receiver that yields one value at `deadline` (at once if it has passed, in std
/// builds), then never again.
///
/// ```
/// use std::time::{Duration, Instant};
/// let due = Instant::now() + Duration::from_millis(2);
/// assert_eq!(hbsync::time::at(due).recv(), Ok(due));
/// ```
pub fn at(deadline: Instant) -> Receiver<Instant> {
    timer(deadline, None, false)
}

/// A receiver that yields the instant of each tick, every `period`, starting one period
/// from now, as Go's `time.Tick`. A receiver slower than the ticks gets one overdue tick at
/// once and then the ticks after now: missed ticks are dropped, never queued.
///
/// # Panics
/// If `period` is zero (Go's `time.NewTicker` panics on a non-positive period).
///
/// ```
/// use std::time::Duration;
/// let ticks = hbsync::time::tick(Duration::from_millis(1));
/// let a = ticks.recv().unwrap();
/// let b = ticks.recv().unwrap();
/// assert!(b > a);
/// ```
pub fn tick(period: Duration) -> Receiver<Instant> {
    assert!(!period.is_zero(), "non-positive interval for time::tick");
    match Instant::now().checked_add(period) {
        Some(first) => timer(first, Some(period), false),
        None => never(),
    }
}

/// A receiver that never yields and is never closed: a `recv` arm on it never proceeds (an
/// explicit form of Go's nil channel).
///
/// ```
/// use std::time::Duration;
/// let never = hbsync::time::never::<u8>();
/// assert!(never.recv_timeout(Duration::from_millis(1)).is_err());
/// ```
pub fn never<T>() -> Receiver<T> {
    Receiver::from_chan(Arc::new(Chan::with_timer(Some(0), None)))
}

/// Sleeps for `d`: real time in std builds; in checker builds one scheduling point (virtual
/// time passes only for waits).
///
/// ```
/// let start = std::time::Instant::now();
/// hbsync::time::sleep(std::time::Duration::from_millis(2));
/// assert!(start.elapsed() >= std::time::Duration::from_millis(2));
/// ```
pub fn sleep(d: Duration) {
    #[cfg(not(any(loom, shuttle)))]
    std::thread::sleep(d);
    #[cfg(any(loom, shuttle))]
    {
        let _ = d;
        crate::sync::thread::yield_now();
    }
}

fn timer(due: Instant, period: Option<Duration>, due_now: bool) -> Receiver<Instant> {
    let t = Timer::new(due, period, due_now, |at| at);
    Receiver::from_chan(Arc::new(Chan::with_timer(Some(0), Some(t))))
}

/// Whether `deadline` has passed (never in checker builds before a wait begins).
pub(crate) fn is_past(deadline: Instant) -> bool {
    if crate::sync::CHECKER {
        return false;
    }
    Instant::now() >= deadline
}

/// The earlier of a caller's deadline and a timer channel's; `true` when the timer's is the
/// earlier one (on a tie the timer wins, so its value is delivered).
pub(crate) fn earliest(
    deadline: Option<Instant>,
    timer: Option<Instant>,
) -> (Option<Instant>, bool) {
    match (deadline, timer) {
        (Some(d), Some(t)) if t <= d => (Some(t), true),
        (None, Some(t)) => (Some(t), true),
        (d, _) => (d, false),
    }
}

/// Arranges for `waker` to be woken at `deadline` (a context's deadline). Withdraw it with
/// [`cancel_wake`] when it is no longer needed, so nothing it owns outlives its use and no
/// stale waker is woken.
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn wake_at(deadline: Instant, waker: std::task::Waker) -> WakeKey {
    wheel::wake_at(deadline, waker)
}

/// A pending `recv_async` on a timer channel due at `deadline`: real time registers the
/// task's waker with the timer thread (withdraw it with [`cancel_wake`]); virtual time asks
/// to be polled again at the task's next scheduling point, when the timer will have fired.
pub(crate) fn wake_task_at(deadline: Instant, waker: &std::task::Waker) -> Option<WakeKey> {
    #[cfg(not(any(loom, shuttle)))]
    return Some(wheel::wake_at(deadline, waker.clone()));
    #[cfg(any(loom, shuttle))]
    {
        let _ = deadline;
        waker.wake_by_ref();
        None
    }
}

/// Withdraws a wake-up from [`wake_at`] (nothing if it already fired).
pub(crate) fn cancel_wake(key: WakeKey) {
    #[cfg(not(any(loom, shuttle)))]
    wheel::cancel(key);
    #[cfg(any(loom, shuttle))]
    let _ = key;
}

/// Names one wake-up registered with [`wake_at`] (checker builds register none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WakeKey(Instant, u64);

/// One thread for all timed wake-ups (std builds), started on first use. Entries are kept
/// in deadline order and can be withdrawn; wakers run with no lock held, and a waker that
/// panics is contained (the panic is reported by the hook, the thread goes on serving every
/// later deadline).
#[cfg(not(any(loom, shuttle)))]
mod wheel {
    use std::collections::BTreeMap;
    use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
    use std::task::Waker;
    use std::time::Instant;

    use super::WakeKey;

    #[derive(Default)]
    struct Entries {
        due: BTreeMap<WakeKey, Waker>,
        next_id: u64,
    }

    struct Wheel {
        entries: Mutex<Entries>,
        changed: Condvar,
    }

    fn wheel() -> &'static Wheel {
        static WHEEL: OnceLock<&'static Wheel> = OnceLock::new();
        WHEEL.get_or_init(|| {
            let w: &'static Wheel = Box::leak(Box::new(Wheel {
                entries: Mutex::new(Entries::default()),
                changed: Condvar::new(),
            }));
            std::thread::Builder::new()
                .name("hbsync-timers".into())
                .spawn(move || run(w))
                .expect("spawn the hbsync timer thread");
            w
        })
    }

    fn lock(w: &Wheel) -> MutexGuard<'_, Entries> {
        w.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn wake_at(deadline: Instant, waker: Waker) -> WakeKey {
        let w = wheel();
        let mut e = lock(w);
        e.next_id += 1;
        let key = WakeKey(deadline, e.next_id);
        let earliest = e.due.keys().next().is_none_or(|first| key < *first);
        e.due.insert(key, waker);
        drop(e);
        if earliest {
            w.changed.notify_one();
        }
        key
    }

    pub(super) fn cancel(key: WakeKey) {
        let removed = lock(wheel()).due.remove(&key);
        drop(removed); // the waker (and what it owns) drops outside the lock
    }

    fn run(w: &Wheel) {
        let mut e = lock(w);
        loop {
            let now = Instant::now();
            let later = e.due.split_off(&WakeKey(now, u64::MAX));
            let fired = std::mem::replace(&mut e.due, later);
            if !fired.is_empty() {
                drop(e);
                for waker in fired.into_values() {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        waker.wake();
                    }));
                }
                e = lock(w);
                continue;
            }
            e = match e.due.keys().next().map(|k| k.0 - now) {
                Some(wait) => w
                    .changed
                    .wait_timeout(e, wait)
                    .map_or_else(|err| err.into_inner().0, |r| r.0),
                None => w.changed.wait(e).unwrap_or_else(|err| err.into_inner()),
            };
        }
    }
}

/// Parks the current thread until it is unparked or `deadline` passes; returns whether the
/// deadline passed. `announce` is called right before really parking and may veto it
/// (`false`: the awaited event already happened; the caller re-checks).
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn park_until(deadline: Instant, announce: impl FnOnce() -> bool) -> bool {
    let now = Instant::now();
    if now >= deadline {
        return true;
    }
    if announce() {
        crate::sync::thread::park_timeout(deadline - now);
    }
    Instant::now() >= deadline
}

/// Virtual time: one scheduling point, then the deadline has fired. Nothing parks, so
/// nothing is announced (a completer must not unpark a thread that is not parked: the token
/// would wake the thread's next, unrelated wait).
#[cfg(any(loom, shuttle))]
pub(crate) fn park_until(_deadline: Instant, _announce: impl FnOnce() -> bool) -> bool {
    crate::sync::thread::yield_now();
    true
}

/// A pseudo-random number for select's fair poll order (std builds; xorshift per thread).
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn random_u64() -> u64 {
    use std::cell::Cell;
    std::thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    // `try_with`: a select in a thread-local destructor (the state may be gone) still gets a
    // number, from the clock.
    STATE
        .try_with(|s| {
            let mut x = s.get();
            if x == 0 {
                x = seed(s as *const Cell<u64> as u64);
            }
            x = xorshift(x);
            s.set(x);
            x
        })
        .unwrap_or_else(|_| xorshift(seed(0)))
}

#[cfg(not(any(loom, shuttle)))]
fn seed(salt: u64) -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (salt ^ t ^ 0x9E37_79B9_7F4A_7C15) | 1
}

#[cfg(not(any(loom, shuttle)))]
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Checker builds use source order (see `select`): never called.
#[cfg(any(loom, shuttle))]
pub(crate) fn random_u64() -> u64 {
    0
}
