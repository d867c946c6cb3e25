//! [`Mutex`]: one lock shared by threads ([`Mutex::lock`]) and async tasks
//! ([`Mutex::lock_async`]), with Go's two modes.
//!
//! # State word
//!
//! | bit        | meaning                                                                |
//! |------------|------------------------------------------------------------------------|
//! | `LOCKED`   | someone holds the lock                                                 |
//! | `WAITERS`  | the waiter queue is not empty (kept under the queue lock)              |
//! | `STARVING` | hand-off mode: unlock passes the lock to the first waiter, no barging  |
//!
//! **Normal mode** (Go's): `unlock` clears `LOCKED` and wakes the first waiter, which then
//! competes with lockers that arrive meanwhile ("barging"). That keeps the lock busy and is
//! fast, but a waiter can lose again and again. **Starvation mode**: a waiter that has waited
//! longer than [`STARVATION_THRESHOLD`] (1 ms, as Go) sets `STARVING` and goes to the front of
//! the queue; from then on `unlock` hands the lock directly to the first waiter (`LOCKED`
//! never clears) and new lockers queue behind, until the queue is empty. So no waiter starves.
//!
//! # Waiting
//!
//! A waiter is a [`Signal`] (the same record channels use) in a FIFO queue under a small
//! internal lock. A waiter sets `WAITERS` and re-checks `LOCKED` in one RMW while it holds the
//! queue lock; an unlocker that saw `WAITERS` takes the queue lock before it wakes anyone. So
//! either the waiter sees the lock free and takes it, or the unlocker finds it queued: no lost
//! wake-up. Signal cases: [`WOKEN`] (compete again) and [`HANDED`] (you own the lock).
//!
//! # Happens-before
//!
//! - **HB-MUTEX**: the n-th unlock is synchronized before the return of the (n+1)-th lock
//!   (Release at `mutex.unlock.fast` or `mutex.unlock.slow`; Acquire at `mutex.lock.fast`,
//!   `mutex.lock.try` or `mutex.lock.queue`; in starvation mode the waiter signal's
//!   Release/Acquire pair carries the hand-off). A successful `try_lock` is a lock.
//! - **HB-MUTEX-ASYNC**: [`Mutex::lock_async`] is a lock: the n-th unlock is synchronized
//!   before the (n+1)-th `lock_async` completes, a hand-off to a starving async waiter
//!   included (Acquire at `mutex.lock_async.observe`).
//! - **N-TRYLOCK** (not guaranteed): a *failed* `try_lock` synchronizes nothing; it does not
//!   show what the holder wrote.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};
use crate::sync::{Arc, Mutex as QueueLock, Per};
use crate::waiter::{self, Signal};

/// Someone holds the lock (set by the winning CAS or RMW, cleared by an unlock in normal mode).
const LOCKED: usize = 1;
/// The waiter queue is not empty; changed only under the queue lock.
const WAITERS: usize = 2;
/// Hand-off mode: unlock passes the lock to the first waiter; set and cleared under the queue
/// lock.
const STARVING: usize = 4;

/// Signal case: the unlocker woke you; compete for the lock again.
const WOKEN: usize = 0;
/// Signal case: the unlocker handed you the lock (starvation mode).
const HANDED: usize = 1;

/// Spin-then-yield rounds before a locker queues (std builds; see `lock_slow`).
const SPIN_ROUNDS: u32 = 10;

/// How long a waiter waits before the lock switches to hand-off (Go: 1 ms). In checker
/// builds, where time is virtual, a waiter starves after it lost the lock once after a
/// wake-up, so models explore the hand-off path too.
///
/// ```
/// assert_eq!(hbsync::STARVATION_THRESHOLD, std::time::Duration::from_millis(1));
/// ```
pub const STARVATION_THRESHOLD: Duration = Duration::from_millis(1);

/// A mutual-exclusion lock for threads and async tasks alike, as Go's `sync.Mutex` holding
/// its data.
///
/// - **No poisoning** (Go has none): a panic while the guard is held unlocks the mutex as
///   the guard drops; later lockers see the data as the panicking code left it. std's
///   `Mutex` would instead report `PoisonError` to every later locker.
/// - **Fairness**: normal mode lets new lockers barge; a waiter that waited longer than
///   [`STARVATION_THRESHOLD`] switches the lock to FIFO hand-off (see the module source).
/// - **Blocking and async on one lock**: `lock` parks the thread, `lock_async` suspends the
///   task; both queue in the same FIFO. Holding a blocking guard across an `.await` on a
///   single-threaded executor can deadlock (the classic pitfall; hbsync's models reproduce
///   it); hold a guard from `lock_async` instead, or release before awaiting.
///
/// HB-MUTEX: the n-th unlock is synchronized before the return of the (n+1)-th lock.
/// N-TRYLOCK: a failed [`try_lock`](Mutex::try_lock) synchronizes nothing.
///
/// ```
/// use std::sync::Arc;
/// use hbsync::{Mutex, WaitGroup};
///
/// let counter = Arc::new(Mutex::new(0));
/// let wg = WaitGroup::new();
/// for _ in 0..4 {
///     let counter = counter.clone();
///     wg.go(move || *counter.lock() += 1);
/// }
/// wg.wait();
/// assert_eq!(*counter.lock(), 4);
/// ```
pub struct Mutex<T> {
    core: Per<MutexCore>,
    data: DataCell<T>,
}

/// The lock's own state: its word and its waiter queue (one per model execution in checker
/// builds, so a `static` mutex works in models; see `Per`).
pub(crate) struct MutexCore {
    state: AtomicUsize,
    queue: QueueLock<VecDeque<Arc<Signal>>>,
    /// loom: the data lives in a plain cell (its value outlives an execution, as a
    /// `static`'s does), and every access to it is reported to loom as an access to this
    /// execution's shadow cell, so a data race on it is still a reported causality violation.
    #[cfg(loom)]
    shadow: UnsafeCell<()>,
}

impl MutexCore {
    /// A fresh state (`const` in std builds, where `Mutex::new` is made from it).
    #[cfg(not(any(loom, shuttle)))]
    const fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
            queue: QueueLock::new(VecDeque::new()),
        }
    }

    /// A fresh state (checker builds: made on first use in each execution).
    #[cfg(any(loom, shuttle))]
    fn new() -> Self {
        Self {
            state: AtomicUsize::new(0),
            queue: QueueLock::new(VecDeque::new()),
            #[cfg(loom)]
            shadow: UnsafeCell::new(()),
        }
    }
}

/// The data's cell: the facade's in std and shuttle builds (shuttle's is `const` and not
/// checked); a plain one under loom, checked through `MutexCore::shadow`.
#[cfg(not(loom))]
type DataCell<T> = UnsafeCell<T>;
#[cfg(loom)]
#[allow(clippy::disallowed_types)] // checked through the shadow cell instead
type DataCell<T> = std::cell::UnsafeCell<T>;

// SAFETY: the lock gives one holder at a time exclusive access to `data`, so sending the
// mutex (or sharing it) moves/shares only `T: Send` values between threads, as std's Mutex.
unsafe impl<T: Send> Send for Mutex<T> {}
// SAFETY: as above: `&Mutex` hands out `&mut T` to one holder at a time.
unsafe impl<T: Send> Sync for Mutex<T> {}

/// Proof of holding a [`Mutex`]; unlocks when dropped. Not `Send` (as std's guard), so a
/// task holding one across `.await` cannot move to another thread:
///
/// ```compile_fail
/// fn send<T: Send>(_: T) {}
/// let m = hbsync::Mutex::new(0);
/// send(m.lock());
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// `!Send`, like std's guard: a future holding a blocking guard across `.await` cannot
    /// be spawned on a multi-threaded executor (use [`Mutex::lock_async`] there).
    _not_send: std::marker::PhantomData<*const ()>,
}

// SAFETY: sharing `&MutexGuard` only gives `&T`.
unsafe impl<T: Sync> Sync for MutexGuard<'_, T> {}

/// Proof of holding a [`Mutex`] obtained by [`Mutex::lock_async`]: `Send`, so it may be held
/// across `.await` in multi-threaded executors. Unlocks when dropped.
///
/// Like std's guard it is `Sync` only when `T: Sync` (sharing the guard shares `&T`):
///
/// ```compile_fail
/// fn shared<T: Sync>(_: &T) {}
/// let m = hbsync::Mutex::new(std::cell::Cell::new(0));
/// hbsync::check::block_on(async {
///     let g = m.lock_async().await;
///     shared(&g); // a `Cell` must not be reachable from two threads at once
/// });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct AsyncMutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// The guard gives `&mut T` (so it is `Send` only for `T: Send`) and shares `&T` (so it
    /// is `Sync` only for `T: Sync`, as std's guard): `&mut T` has exactly these bounds.
    /// Without it the guard would be `Sync` for any `T: Send` (through `&Mutex<T>`), and
    /// two threads could use a `Cell` inside at once.
    _data: std::marker::PhantomData<&'a mut T>,
}

impl<'a, T> AsyncMutexGuard<'a, T> {
    fn new(mutex: &'a Mutex<T>) -> Self {
        Self {
            mutex,
            _data: std::marker::PhantomData,
        }
    }
}

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`. `const`, so it can be a `static`, in every
    /// build. In checker builds the lock's state is made fresh in each model execution, but
    /// a `static`'s data is not: it carries over from one execution to the next, as a
    /// `static` carries over between runs of a test in one process (reset it at the start of
    /// the model if the model depends on it).
    ///
    /// ```
    /// static HITS: hbsync::Mutex<u32> = hbsync::Mutex::new(0);
    /// *HITS.lock() += 1;
    /// assert_eq!(*HITS.lock(), 1);
    /// ```
    pub const fn new(value: T) -> Self {
        Self {
            #[cfg(not(any(loom, shuttle)))]
            core: MutexCore::new(),
            #[cfg(any(loom, shuttle))]
            core: crate::sync::PerExecution::new(MutexCore::new),
            data: DataCell::new(value),
        }
    }

    /// The lock's state (this execution's, in checker builds).
    #[inline(always)]
    fn core(&self) -> &MutexCore {
        crate::sync::per(&self.core)
    }

    #[inline(always)]
    fn state(&self) -> &AtomicUsize {
        &self.core().state
    }

    #[inline(always)]
    fn queue(&self) -> &QueueLock<VecDeque<Arc<Signal>>> {
        &self.core().queue
    }

    /// A shared reference to the data.
    ///
    /// # Safety
    /// The caller holds the lock (no `&mut T` exists elsewhere) for as long as it uses the
    /// reference.
    #[inline(always)]
    unsafe fn data_ref(&self) -> &T {
        #[cfg(not(loom))]
        // SAFETY: the caller's contract.
        return self.data.with(|p| unsafe { &*p });
        #[cfg(loom)]
        {
            self.core().shadow.with(|_| ());
            // SAFETY: the caller's contract.
            unsafe { &*self.data.get() }
        }
    }

    /// A unique reference to the data.
    ///
    /// # Safety
    /// The caller holds the lock, or `&mut` to the mutex, and the reference is the only one
    /// to the data for as long as it is used.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    unsafe fn data_mut(&self) -> &mut T {
        #[cfg(not(loom))]
        // SAFETY: the caller's contract.
        return self.data.with_mut(|p| unsafe { &mut *p });
        #[cfg(loom)]
        {
            self.core().shadow.with_mut(|_| ());
            // SAFETY: the caller's contract.
            unsafe { &mut *self.data.get() }
        }
    }

    /// The data, consuming the mutex.
    ///
    /// ```
    /// let m = hbsync::Mutex::new(vec![1]);
    /// m.lock().push(2);
    /// assert_eq!(m.into_inner(), [1, 2]);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T> Mutex<T> {
    /// Locks, blocking the thread until the lock is free. HB-MUTEX.
    ///
    /// Not reentrant: locking a mutex this thread already holds deadlocks (as in Go).
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let m = Arc::new(hbsync::Mutex::new(0));
    /// let workers: Vec<_> = (0..4)
    ///     .map(|_| {
    ///         let m = m.clone();
    ///         std::thread::spawn(move || *m.lock() += 1)
    ///     })
    ///     .collect();
    /// for w in workers {
    ///     w.join().unwrap();
    /// }
    /// assert_eq!(*m.lock(), 4);
    /// ```
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        // Acquire on success: pairs with the Release of the unlock that freed the lock
        // (HB-MUTEX, site `mutex.lock.fast`); the optimistic first step for a free lock.
        if self
            .state()
            .compare_exchange_weak(
                0,
                LOCKED,
                ord(mutant::MUTEX_LOCK_FAST, Ordering::Acquire),
                Ordering::Relaxed,
            )
            .is_err()
        {
            self.lock_slow();
        }
        crate::trace::record(|| format!("lock {} -> acquired", self.trace_name()));
        MutexGuard {
            mutex: self,
            _not_send: std::marker::PhantomData,
        }
    }

    /// Locks if the lock is free now (and not being handed to a starving waiter).
    ///
    /// A success is a lock (HB-MUTEX). A failure synchronizes nothing (N-TRYLOCK): it does
    /// not mean the holder's writes are visible.
    ///
    /// ```
    /// let m = hbsync::Mutex::new(1);
    /// let g = m.lock();
    /// assert!(m.try_lock().is_none());
    /// drop(g);
    /// assert_eq!(*m.try_lock().unwrap(), 1);
    /// ```
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        let ok = self.try_acquire();
        crate::trace::record(|| {
            let how = if ok { "acquired" } else { "busy" };
            format!("try_lock {} -> {how}", self.trace_name())
        });
        ok.then(|| MutexGuard {
            mutex: self,
            _not_send: std::marker::PhantomData,
        })
    }

    /// This mutex's name in traces (`mutex#1`; checker builds).
    fn trace_name(&self) -> String {
        crate::trace::obj("mutex", self as *const Self as usize)
    }

    /// Locks from an async task: the task is suspended, not the thread. Queues with blocking
    /// lockers in the same FIFO. Cancel-safe: dropping the future before it completes leaves
    /// the lock as it was (a hand-off that was under way is passed on). HB-MUTEX.
    ///
    /// ```
    /// let m = hbsync::Mutex::new(Vec::new());
    /// hbsync::check::block_on(async {
    ///     m.lock_async().await.push(1);
    /// });
    /// assert_eq!(m.into_inner(), [1]);
    /// ```
    pub fn lock_async(&self) -> LockFuture<'_, T> {
        LockFuture {
            mutex: self,
            signal: None,
            since: None,
            woken_once: false,
        }
    }

    /// The data, through `&mut self` (no locking needed: nobody else can hold the lock).
    ///
    /// ```
    /// let mut m = hbsync::Mutex::new(1);
    /// *m.get_mut() += 1; // `&mut`: no other user, no locking
    /// assert_eq!(*m.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard and every other reference.
        unsafe { self.data_mut() }
    }

    /// Takes the lock if it is free, outside the queue (the fast path, and barging).
    #[inline]
    fn try_acquire(&self) -> bool {
        // Relaxed: only seeds the CAS, which carries HB-MUTEX; a failed try_lock returns on
        // this or a failed CAS and synchronizes nothing (N-TRYLOCK).
        let mut s = self.state().load(Ordering::Relaxed);
        loop {
            if s & (LOCKED | STARVING) != 0 {
                return false;
            }
            // Acquire on success: pairs with the Release of the unlock that cleared LOCKED;
            // the previous holder's critical section happens before ours. HB-MUTEX,
            // HB-MUTEX-ASYNC (site `mutex.lock.try`). Failure: Relaxed, we only retry or give
            // up.
            match self.state().compare_exchange(
                s,
                s | LOCKED,
                ord(mutant::MUTEX_LOCK_TRY, Ordering::Acquire),
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
    }

    /// Queue-side acquisition: under the queue lock, set `WAITERS` and take the lock if it is
    /// free (waiters may take it even in starvation mode: they are the queue). Returns
    /// whether the lock was taken.
    fn enqueue_or_acquire(
        &self,
        q: &mut VecDeque<Arc<Signal>>,
        signal: &Arc<Signal>,
        starving: bool,
    ) -> bool {
        let extra = if starving { STARVING } else { 0 };
        // Acquire: if LOCKED was clear, this RMW takes the lock and pairs with the Release of
        // the unlock that cleared it (HB-MUTEX, HB-MUTEX-ASYNC, site `mutex.lock.queue`). It
        // also sets WAITERS in the same step as it reads LOCKED, which is what rules out a
        // lost wake-up.
        let prev = self.state().fetch_or(
            WAITERS | extra | LOCKED,
            ord(mutant::MUTEX_LOCK_QUEUE, Ordering::Acquire),
        );
        if prev & LOCKED == 0 {
            if q.is_empty() {
                self.clear_if_empty(q);
            }
            return true;
        }
        if starving {
            q.push_front(signal.clone());
        } else {
            q.push_back(signal.clone());
        }
        false
    }

    /// Clears `WAITERS` and `STARVING` when the queue is empty. Under the queue lock.
    fn clear_if_empty(&self, q: &VecDeque<Arc<Signal>>) {
        if q.is_empty() {
            // Relaxed: bookkeeping bits under the queue lock; they carry no data (HB-MUTEX
            // rests on LOCKED's Release/Acquire, not on these bits).
            self.state()
                .fetch_and(!(WAITERS | STARVING), Ordering::Relaxed);
        }
    }

    #[cold]
    fn lock_slow(&self) {
        // Spin while nobody is queued (std builds): read-only polling with exponential
        // back-off, then a few yields, trying the CAS only when the lock looks free.
        if !crate::sync::CHECKER {
            for round in 0..SPIN_ROUNDS {
                if self.try_acquire() {
                    return;
                }
                // Relaxed: a hint; the CAS in `try_acquire` decides and carries HB-MUTEX.
                if self.state().load(Ordering::Relaxed) & WAITERS != 0 {
                    break;
                }
                if round < 4 {
                    for _ in 0..(2u32 << round) {
                        crate::sync::hint::spin_loop();
                    }
                } else {
                    crate::sync::thread::yield_now();
                }
            }
        }
        let start = (!crate::sync::CHECKER).then(std::time::Instant::now);
        let mut starving = false;
        let mut woken_once = false;
        loop {
            if !starving {
                starving = starves(woken_once, start);
            }
            if !starving && self.try_acquire() {
                return;
            }
            let signal = waiter::for_this_thread();
            signal.trace_wait(|| format!("lock {}", self.trace_name()));
            let acquired = {
                let mut q = self.queue().lock();
                self.enqueue_or_acquire(&mut q, &signal, starving)
            };
            if acquired {
                signal.trace_unwait();
                waiter::recycle(signal);
                return;
            }
            crate::trace::record(|| format!("lock {} -> blocked", self.trace_name()));
            let case = signal.wait_done();
            waiter::recycle(signal);
            if case == HANDED {
                return; // the unlocker kept LOCKED set for us
            }
            woken_once = true;
        }
    }

    /// Unlocks. Called by guards only.
    #[inline]
    fn unlock(&self) {
        crate::trace::record(|| format!("unlock {}", self.trace_name()));
        // Release: pairs with the Acquire of the next lock; our critical section happens
        // before it. HB-MUTEX (site `mutex.unlock.fast`). Fast path: no waiters, not starving.
        if self
            .state()
            .compare_exchange(
                LOCKED,
                0,
                ord(mutant::MUTEX_UNLOCK_FAST, Ordering::Release),
                Ordering::Relaxed,
            )
            .is_ok()
        {
            return;
        }
        self.unlock_slow();
    }

    #[cold]
    fn unlock_slow(&self) {
        let mut q = self.queue().lock();
        // Relaxed: STARVING is only changed under the queue lock, which we hold; no edge
        // (the hand-off's HB-MUTEX edge is the waiter signal's Release/Acquire).
        if self.state().load(Ordering::Relaxed) & STARVING != 0 {
            while let Some(w) = q.pop_front() {
                if w.try_claim(HANDED) {
                    self.clear_if_empty(&q);
                    drop(q);
                    // LOCKED stays set: ownership passes. The signal's Release (complete) /
                    // Acquire (the waiter's observation) pair carries HB-MUTEX here.
                    w.complete_and_wake(HANDED);
                    return;
                }
            }
            self.clear_if_empty(&q);
        }
        // Release: pairs with the Acquire of the next lock, as in `unlock`, when waiters are
        // queued (HB-MUTEX, HB-MUTEX-ASYNC, site `mutex.unlock.slow`).
        self.state()
            .fetch_and(!LOCKED, ord(mutant::MUTEX_UNLOCK_SLOW, Ordering::Release));
        self.wake_one(q);
    }

    /// Wakes the first live waiter in normal mode (it will compete for the lock).
    fn wake_one(&self, mut q: crate::sync::MutexGuard<'_, VecDeque<Arc<Signal>>>) {
        while let Some(w) = q.pop_front() {
            if w.try_claim(WOKEN) {
                self.clear_if_empty(&q);
                drop(q);
                w.complete_and_wake(WOKEN);
                return;
            }
        }
        self.clear_if_empty(&q);
    }

    /// A withdrawn async waiter had already been completed: pass on what it was given.
    fn pass_on(&self, case: usize) {
        if case == HANDED {
            self.unlock();
        } else {
            // We were woken to compete but leave: wake the next waiter instead.
            self.wake_one(self.queue().lock());
        }
    }
}

/// Whether a waiter that has waited since `since` starves (Go's rule, for blocking and async
/// waiters alike): it was woken once and lost, and waited past [`STARVATION_THRESHOLD`]. In
/// checker builds, where time is virtual, losing once is enough (so models reach the
/// hand-off).
fn starves(woken_once: bool, since: Option<std::time::Instant>) -> bool {
    woken_once
        && (crate::sync::CHECKER || since.is_some_and(|t| t.elapsed() >= STARVATION_THRESHOLD))
}

/// What both guards share: unlock on drop, and access to the data.
macro_rules! guard_impls {
    ($guard:ident) => {
        impl<T> Drop for $guard<'_, T> {
            fn drop(&mut self) {
                if crate::sync::unwinding_checker() {
                    return;
                }
                self.mutex.unlock();
            }
        }

        impl<T> Deref for $guard<'_, T> {
            type Target = T;
            fn deref(&self) -> &T {
                // SAFETY: the guard proves we hold the lock: no `&mut T` exists elsewhere.
                unsafe { self.mutex.data_ref() }
            }
        }

        impl<T> DerefMut for $guard<'_, T> {
            fn deref_mut(&mut self) -> &mut T {
                // SAFETY: the guard proves we hold the lock, and `&mut self` makes this the
                // only reference through it.
                unsafe { self.mutex.data_mut() }
            }
        }

        impl<T: fmt::Debug> fmt::Debug for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }
    };
}

guard_impls!(MutexGuard);
guard_impls!(AsyncMutexGuard);

impl<T: fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Some(g) => d.field("data", &&*g),
            None => d.field("data", &format_args!("<locked>")),
        };
        d.finish_non_exhaustive()
    }
}

impl<T> crate::trace::Named for Mutex<T> {
    fn trace_key(&self) -> (&'static str, usize) {
        ("mutex", self as *const Self as usize)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

/// Future of [`Mutex::lock_async`]. Cancel-safe: dropping it before it completes leaves the
/// lock as it was.
///
/// ```
/// use std::future::Future;
///
/// let m = hbsync::Mutex::new(1);
/// let held = m.lock();
/// let mut fut = std::pin::pin!(m.lock_async());
/// let waker = std::task::Waker::noop();
/// let mut cx = std::task::Context::from_waker(waker);
/// assert!(fut.as_mut().poll(&mut cx).is_pending(), "held: the future waits");
/// drop(held);
/// hbsync::check::block_on(async { *fut.await += 1 });
/// assert_eq!(*m.lock(), 2);
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct LockFuture<'a, T> {
    mutex: &'a Mutex<T>,
    /// Our queue entry while we wait.
    signal: Option<Arc<Signal>>,
    /// When we first had to wait (std builds), for starvation mode as in `lock_slow`.
    since: Option<std::time::Instant>,
    /// We were woken once and had to compete again.
    woken_once: bool,
}

impl<T> fmt::Debug for LockFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockFuture")
            .field("queued", &self.signal.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a, T> Future for LockFuture<'a, T> {
    type Output = AsyncMutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mutex = self.mutex;
        if let Some(signal) = &self.signal {
            signal.set_waker(cx.waker());
            // Acquire: pairs with the unlocker's Release `complete`; a hand-off (HANDED) gives
            // us the lock and the holder's critical section (HB-MUTEX-ASYNC, site
            // `mutex.lock_async.observe`).
            match signal.done_case(ord(mutant::MUTEX_ASYNC_OBSERVE, Ordering::Acquire)) {
                None => return Poll::Pending,
                Some(HANDED) => {
                    self.signal = None;
                    crate::trace::record(|| {
                        format!("lock_async {} -> acquired (handed)", mutex.trace_name())
                    });
                    return Poll::Ready(AsyncMutexGuard::new(mutex));
                }
                Some(_) => {
                    self.signal = None; // woken: compete again
                    self.woken_once = true;
                }
            }
        }
        // The same starvation rule as a blocking waiter (`lock_slow`): once woken and still
        // waiting past the threshold, queue at the front and have the lock handed over.
        let starving = starves(self.woken_once, self.since);
        if !starving && mutex.try_acquire() {
            crate::trace::record(|| format!("lock_async {} -> acquired", mutex.trace_name()));
            return Poll::Ready(AsyncMutexGuard::new(mutex));
        }
        if !crate::sync::CHECKER && self.since.is_none() {
            self.since = Some(std::time::Instant::now());
        }
        let signal = Arc::new(Signal::for_task(cx.waker()));
        signal.trace_wait(|| format!("lock_async {}", mutex.trace_name()));
        let acquired = {
            let mut q = mutex.queue().lock();
            mutex.enqueue_or_acquire(&mut q, &signal, starving)
        };
        if acquired {
            signal.trace_unwait();
            crate::trace::record(|| format!("lock_async {} -> acquired", mutex.trace_name()));
            return Poll::Ready(AsyncMutexGuard::new(mutex));
        }
        crate::trace::record(|| format!("lock_async {} -> pending", mutex.trace_name()));
        self.signal = Some(signal);
        Poll::Pending
    }
}

impl<T> Drop for LockFuture<'_, T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        let Some(signal) = self.signal.take() else {
            return;
        };
        if signal.try_abort() {
            let mut q = self.mutex.queue().lock();
            q.retain(|s| !Arc::ptr_eq(s, &signal));
            self.mutex.clear_if_empty(&q);
        } else {
            let case = signal.wait_claimed();
            self.mutex.pass_on(case);
        }
    }
}

/// loom: the data of a `static` mutex lives outside the checker (its value outlives an
/// execution), so its accesses are reported through the shadow cell; an access without the
/// lock must still be a reported race.
#[cfg(all(test, loom))]
mod loom_models {
    use super::Mutex;
    use crate::sync::thread;

    #[test]
    #[should_panic(expected = "Causality violation")]
    fn an_unlocked_access_to_a_static_mutex_is_a_reported_race() {
        static SHARED: Mutex<u32> = Mutex::new(0);
        crate::check::model(|| {
            let t = thread::spawn(|| *SHARED.lock() += 1);
            // SAFETY: deliberately breaks the contract (no lock held) to show that loom
            // reports the race; the model fails before the reference could be misused.
            let seen = unsafe { *SHARED.data_ref() };
            t.join().unwrap();
            assert!(seen <= 1);
        });
    }

    #[test]
    fn locked_accesses_to_a_static_mutex_are_not_a_race() {
        static SHARED: Mutex<u32> = Mutex::new(0);
        crate::check::model(|| {
            *SHARED.lock() = 0;
            let t = thread::spawn(|| *SHARED.lock() += 1);
            *SHARED.lock() += 1;
            t.join().unwrap();
            assert_eq!(*SHARED.lock(), 2);
        });
    }
}
