//! The clock: the one source of time below the channels, the waiters and the contexts.
//!
//! # Layers
//!
//! ```text
//! time (public: after, at, tick, never, sleep)   context (deadlines)
//!        │                                          │
//!        ▼                                          ▼
//!      chan (engine, select, futures) ──────────► waiter (Signal: park, deadline)
//!        │                                          │
//!        └──────────────►  clock  ◄─────────────────┘
//!                            │
//!                            ▼
//!                          sync (the facade)
//! ```
//!
//! Nothing in this module names a channel: the engine asks a [`Timer`] (the source of a
//! timer channel's values, one flavour of channel) when it is due and what it yields, and a
//! context registers its deadline here (an [`Alarm`]) instead of giving the channel an
//! action to run. The public face of timers, [`crate::time`], is built on the channels and
//! this module, so there is no cycle between the channels and time.
//!
//! # Real time and virtual time
//!
//! In std builds the clock is `std::time::Instant`: a wait with a deadline parks with a
//! timeout, and timed wake-ups (a pending `recv_async` on a timer, a context's [`Alarm`])
//! are served by one shared thread.
//! The checkers have no clock, so in their builds time is *virtual*: nothing is ever past
//! before a wait starts ([`is_past`]), and a wait with a deadline is one scheduling point
//! after which its deadline has fired ([`park_until`]). A fired deadline makes a timer due
//! ([`Timer::fire`]); a context's deadline, when it fires, rings its [`Alarm`], which
//! cancels the context. What users see of this is documented in [`crate::time`].
use std::time::{Duration, Instant};

use crate::sync::Arc;

#[cfg(not(any(loom, shuttle)))]
mod wheel;

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

/// Withdraws a wake-up from [`wake_task_at`] (nothing if it already fired).
pub(crate) fn cancel_wake(key: WakeKey) {
    #[cfg(not(any(loom, shuttle)))]
    wheel::cancel(key);
    #[cfg(any(loom, shuttle))]
    let _ = key;
}

/// Names one wake-up registered with the timer thread (checker builds register none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct WakeKey(pub(super) Instant, pub(super) u64);

/// The source of a timer channel's values: no sender exists; a receive finds a value when
/// the timer is due. Kept under the channel's lock (its fields change as it fires and
/// ticks); the engine only asks [`Timer::deadline`], [`Timer::due`], [`Timer::take`] and
/// [`Timer::fire`].
pub(crate) struct Timer<T> {
    /// When the next value is due.
    next: Instant,
    /// `Some` for a ticker: the distance between values.
    period: Option<Duration>,
    /// Virtual time (checker builds): a waiter on this timer saw its deadline fire.
    fired: bool,
    /// Builds the value from the instant it was due.
    make: fn(Instant) -> T,
    /// A deadline registered with the clock (a context's, in virtual time): this timer
    /// yields no value; when a waiter's deadline fires it, the alarm rings.
    alarm: Option<Alarm>,
}

impl<T> Timer<T> {
    /// A timer first due at `next` (at once if `due_now`), then every `period` if given.
    pub(crate) fn new(
        next: Instant,
        period: Option<Duration>,
        due_now: bool,
        make: fn(Instant) -> T,
    ) -> Self {
        Self {
            next,
            period,
            fired: due_now,
            make,
            alarm: None,
        }
    }

    /// A timer that yields nothing and rings `alarm` when a waiter's deadline fires it (the
    /// done channel of a context with a deadline, in virtual time).
    #[cfg(any(loom, shuttle))]
    pub(crate) fn alarm(alarm: Alarm, make: fn(Instant) -> T) -> Self {
        let next = alarm.at();
        Self {
            alarm: Some(alarm),
            ..Self::new(next, None, false, make)
        }
    }

    /// When the next value is due (or the alarm rings).
    pub(crate) fn deadline(&self) -> Instant {
        self.next
    }

    /// Whether a receive finds a value now.
    pub(crate) fn due(&self) -> bool {
        self.alarm.is_none() && (self.fired || is_past(self.next))
    }

    /// Takes the value due now, if any, and says whether the timer is spent: a one-shot
    /// timer is spent after its value (the channel then never yields again and is not
    /// closed, as Go's `time.After`); a ticker moves to its next tick after now, dropping
    /// ticks a slow receiver missed.
    pub(crate) fn take(&mut self) -> Option<(T, bool)> {
        if !self.due() {
            return None;
        }
        let value = (self.make)(self.next);
        let Some(p) = self.period else {
            return Some((value, true));
        };
        self.fired = false;
        self.next += p;
        if !crate::sync::CHECKER {
            let now = Instant::now();
            while self.next <= now {
                self.next += p;
            }
        }
        Some((value, false))
    }

    /// A waiter's deadline `at` fired: in virtual time, the timer is now due if `at` reached
    /// it (in real time the clock says so by itself). Returns the alarm to ring, if this
    /// timer is one: ring it with [`Alarm::ring`] once the channel lock is released.
    #[must_use]
    pub(crate) fn fire(&mut self, at: Instant) -> Option<Alarm> {
        if self.next > at {
            return None;
        }
        self.fired = true;
        self.alarm.clone()
    }
}

/// A deadline registered with the clock and what happens when it passes: a context's
/// deadline, whose action cancels the context.
///
/// - std builds: [`Alarm::set`] hands it to the timer thread, which runs the action at the
///   deadline; [`Alarm::cancel`] withdraws it (so nothing the action holds waits for the
///   deadline).
/// - checker builds (virtual time): nothing runs by itself. The alarm travels with the done
///   channels at or below its context ([`Timer::alarm`]), and a wait on one of them that
///   fires its deadline rings it ([`Alarm::ring`]), so "the deadline wins" is explored
///   exactly where someone waits.
#[derive(Clone)]
pub(crate) struct Alarm {
    inner: Arc<AlarmInner>,
    /// Its entry with the timer thread.
    #[cfg(not(any(loom, shuttle)))]
    key: WakeKey,
}

struct AlarmInner {
    /// When it rings (std builds keep it with the timer thread's entry).
    #[cfg(any(loom, shuttle))]
    at: Instant,
    action: Box<dyn Fn() + Send + Sync>,
}

#[cfg(not(any(loom, shuttle)))]
impl std::task::Wake for AlarmInner {
    fn wake(self: Arc<Self>) {
        (self.action)();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        (self.action)();
    }
}

impl Alarm {
    /// Registers `action` to run when `at` passes. The action may run more than once in
    /// virtual time (several waits may fire one deadline), so it must be idempotent; it runs
    /// with no lock of the caller's held.
    pub(crate) fn set(at: Instant, action: impl Fn() + Send + Sync + 'static) -> Self {
        let inner = Arc::new(AlarmInner {
            #[cfg(any(loom, shuttle))]
            at,
            action: Box::new(action),
        });
        Self {
            #[cfg(not(any(loom, shuttle)))]
            key: wheel::wake_at(at, std::task::Waker::from(inner.clone())),
            inner,
        }
    }

    /// When it rings.
    #[cfg(any(loom, shuttle))]
    pub(crate) fn at(&self) -> Instant {
        self.inner.at
    }

    /// Rings it now (virtual time: a wait fired its deadline). Call with no channel lock
    /// held (a context's cancel closes channels).
    pub(crate) fn ring(&self) {
        (self.inner.action)();
    }

    /// Withdraws it: it is moot (its context was canceled or dropped). In std builds the
    /// timer thread drops its entry now; in checker builds nothing was registered.
    pub(crate) fn cancel(self) {
        #[cfg(not(any(loom, shuttle)))]
        wheel::cancel(self.key);
    }
}
