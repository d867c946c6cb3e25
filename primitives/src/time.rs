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
//!
//! This module is the public face of timers only; the clock itself (real and virtual time,
//! the timer thread, what a timer channel yields) is the crate-internal layer below the
//! channels.

use std::time::{Duration, Instant};

use crate::chan::engine::Chan;
use crate::chan::Receiver;
use crate::clock::Timer;
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
    Receiver::from_chan(Arc::new(Chan::never()))
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
    Receiver::from_chan(Arc::new(Chan::timer(t)))
}
