//! The one clock behind every timeout and deadline in hbsync.
//!
//! - **std builds**: real time (`std::time::Instant`); a deadline wait parks with a timeout.
//! - **checker builds** (loom, shuttle): neither checker has time, so time is *virtual*: a
//!   wait with a deadline first yields to the checker's scheduler, and if nothing completed it
//!   by the time the waiter runs again, the deadline has fired. The checker chooses where that
//!   point falls against every other thread's steps, so both "the work wins" and "the timeout
//!   wins" are explored, and no model ever sleeps for real. Like Go's `testing/synctest`
//!   bubble, time only moves when the waiter is scheduled again; unlike it, the firing point
//!   is chosen by the checker rather than by "all goroutines are durably blocked".
//!   MODEL GAP: durations are not compared with each other in checker builds: any deadline
//!   may fire at any scheduling point after the wait begins.

use std::time::Instant;

/// Whether `deadline` has passed (never in checker builds before a wait begins).
pub(crate) fn is_past(deadline: Instant) -> bool {
    if crate::sync::CHECKER {
        return false;
    }
    Instant::now() >= deadline
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
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            x = (s as *const Cell<u64> as u64) ^ t ^ 0x9E37_79B9_7F4A_7C15;
            x |= 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    })
}

/// Checker builds use source order (see `select`): never called.
#[cfg(any(loom, shuttle))]
pub(crate) fn random_u64() -> u64 {
    0
}
