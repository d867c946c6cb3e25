//! [`Once`] and [`OnceValue`]: run an initializer exactly once, as Go's `sync.Once` and
//! `sync.OnceValue`.
//!
//! States: `INCOMPLETE → RUNNING → DONE` (or `PANICKED`, which counts as done). The first caller moves to `RUNNING` under a small
//! lock and runs `f` outside it; later callers queue (the channels' [`Signal`] records) until
//! the runner stores `DONE` and releases them. After completion the fast path is one Acquire
//! load.
//!
//! # The tempting wrong design (Go's once.go explains it)
//!
//! "Mark done with one CAS, then run `f`": a second caller sees done and returns while `f`
//! is still running, so it can read what `f` has not written yet. hbsync keeps this wrong
//! version as a mutant (`once.done_early`), and `cargo verify` shows the checker catching a
//! caller that returns before `f` completed.
//!
//! # Happens-before
//!
//! - **HB-ONCE**: the completion of the one call of `f` is synchronized before the return of
//!   every `call_once`. Three paths out, three edges: the fast path's Acquire load of
//!   `DONE` (Release store at site `once.complete`, Acquire at site `once.observe`); a caller
//!   that finds `DONE` under the waiter lock gets the lock's edge (`DONE` is stored under it);
//!   a caller that waited gets the waiter signal's edge (`chan.waiter.complete` /
//!   `chan.waiter.observe`).
//! - **HB-ONCE-VALUE**: for [`OnceValue`], the initializer's completion is synchronized before
//!   every `get_or_init` return and every `get` that returns the value (Acquire at site
//!   `once_value.get`).

use std::collections::VecDeque;
use std::fmt;
use std::mem::MaybeUninit;

use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};
use crate::sync::{Arc, Mutex, Per};
use crate::waiter::{self, Signal};

/// No call has started `f`.
const INCOMPLETE: usize = 0;
/// One call is running `f` (set under the waiter lock); later callers queue.
const RUNNING: usize = 1;
/// `f` returned; stored with Release (site `once.complete`), after which nothing changes.
const DONE: usize = 2;
/// Done, but `f` panicked (Go counts it as done; `OnceValue` then has no value).
const PANICKED: usize = 3;

/// Runs a function once, as Go's `sync.Once`.
///
/// **Panics count as done** (Go's rule): if `f` panics, the panic goes to the caller that ran
/// it, the `Once` is done, and every later `call_once` returns at once without running
/// anything. (std's `Once` instead becomes *poisoned*: later calls panic, and
/// `call_once_force` can retry; std's `OnceLock` stays empty and retries.)
///
/// Calling `call_once` on the same `Once` from inside `f` deadlocks, as in Go.
///
/// HB-ONCE: the completion of `f` is synchronized before the return of every `call_once`.
///
/// ```
/// static INIT: hbsync::Once = hbsync::Once::new();
/// let mut runs = 0;
/// INIT.call_once(|| runs += 1);
/// INIT.call_once(|| runs += 1);
/// assert_eq!(runs, 1);
/// assert!(INIT.is_done());
/// ```
pub struct Once {
    core: Per<OnceCore>,
}

impl Once {
    /// A `Once` that has not run. `const`, so it can be a `static`, in every build.
    ///
    /// ```
    /// static SETUP: hbsync::Once = hbsync::Once::new();
    /// assert!(!SETUP.is_done());
    /// ```
    pub const fn new() -> Self {
        Self {
            #[cfg(not(any(loom, shuttle)))]
            core: OnceCore::new(),
            #[cfg(any(loom, shuttle))]
            core: crate::sync::PerExecution::new(OnceCore::new),
        }
    }

    #[inline(always)]
    fn core(&self) -> &OnceCore {
        crate::sync::per(&self.core)
    }

    /// Whether the one call of `f` has finished (returned or panicked). `true` is an Acquire
    /// observation: what `f` did is visible (HB-ONCE).
    ///
    /// ```
    /// let once = hbsync::Once::new();
    /// assert!(!once.is_done());
    /// once.call_once(|| {});
    /// assert!(once.is_done());
    /// ```
    #[inline]
    pub fn is_done(&self) -> bool {
        self.core().is_done()
    }

    /// Runs `f` if no call has run one yet; otherwise waits until that call has finished.
    /// Every caller returns only after `f` completed (HB-ONCE).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    ///
    /// static INIT: hbsync::Once = hbsync::Once::new();
    /// static RUNS: AtomicU32 = AtomicU32::new(0);
    /// let ts: Vec<_> = (0..3)
    ///     .map(|_| std::thread::spawn(|| INIT.call_once(|| { RUNS.fetch_add(1, Ordering::Relaxed); })))
    ///     .collect();
    /// for t in ts {
    ///     t.join().unwrap();
    /// }
    /// assert_eq!(RUNS.load(Ordering::Relaxed), 1);
    /// assert!(INIT.is_done());
    /// ```
    #[inline]
    pub fn call_once<F: FnOnce()>(&self, f: F) {
        self.core().call_once(f);
    }
}

/// The state of a [`Once`] (one per `Once`; one per execution in checker builds).
pub(crate) struct OnceCore {
    state: AtomicUsize,
    waiters: Mutex<VecDeque<Arc<Signal>>>,
}

impl OnceCore {
    /// A fresh state (`const` in std builds, where `Once::new` is made from it).
    #[cfg(not(any(loom, shuttle)))]
    const fn new() -> Self {
        Self {
            state: AtomicUsize::new(INCOMPLETE),
            waiters: Mutex::new(VecDeque::new()),
        }
    }

    /// A fresh state (checker builds: made on first use in each execution).
    #[cfg(any(loom, shuttle))]
    fn new() -> Self {
        Self {
            state: AtomicUsize::new(INCOMPLETE),
            waiters: Mutex::new(VecDeque::new()),
        }
    }

    #[inline]
    fn is_done(&self) -> bool {
        // Acquire: pairs with the Release store of DONE/PANICKED after `f` (HB-ONCE, site
        // `once.observe`): `call_once`'s fast path.
        self.observe(ord(mutant::ONCE_OBSERVE, Ordering::Acquire)) >= DONE
    }

    /// The state, read with `order`: each caller passes its own mutant site.
    #[inline]
    fn observe(&self, order: Ordering) -> usize {
        self.state.load(order)
    }

    /// Whether `f` ran and returned normally (one Acquire load).
    #[inline]
    fn completed(&self, order: Ordering) -> bool {
        self.observe(order) == DONE
    }

    #[inline]
    fn call_once<F: FnOnce()>(&self, f: F) {
        if self.is_done() {
            return;
        }
        self.call_slow(f);
    }

    #[cold]
    fn call_slow<F: FnOnce()>(&self, f: F) {
        if mutant::active(mutant::ONCE_EARLY) {
            // The wrong design, kept as a mutant: mark done first, then run f.
            // Release/Acquire as the real path uses (HB-ONCE's orderings), so only the early
            // marking is wrong.
            if self
                .state
                .compare_exchange(INCOMPLETE, DONE, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                f();
            }
            return;
        }
        let signal = {
            let mut q = self.waiters.lock();
            // Relaxed (this load and the RUNNING store): under the lock that every state change
            // is made under; a DONE seen here is ordered by that lock (HB-ONCE).
            match self.state.load(Ordering::Relaxed) {
                INCOMPLETE => {
                    self.state.store(RUNNING, Ordering::Relaxed);
                    None
                }
                RUNNING => {
                    let s = waiter::for_this_thread();
                    q.push_back(s.clone());
                    s.trace_wait(|| {
                        let name = crate::trace::obj("once", self as *const Self as usize);
                        format!("call_once {name}")
                    });
                    Some(s)
                }
                _ => {
                    // Found done under the lock. The edge is the lock itself: `finish` stores
                    // DONE under it, so its unlock → our lock orders `f` before us (HB-ONCE);
                    // an Acquire here would be redundant (its mutant survived every proof).
                    drop(q);
                    return;
                }
            }
        };
        match signal {
            None => {
                crate::trace::record(|| {
                    let name = crate::trace::obj("once", self as *const Self as usize);
                    format!("call_once {name} -> runs f")
                });
                let mut finish = Finish {
                    once: self,
                    panicked: true,
                };
                f();
                finish.panicked = false;
                drop(finish);
            }
            Some(s) => {
                // The edge is the waiter signal: `finish` completes it (Release, after DONE) and
                // `wait_done` observes it (Acquire): HB-ONCE through `chan.waiter.complete` /
                // `chan.waiter.observe`. No second Acquire load is needed here.
                s.wait_done();
                waiter::recycle(s);
            }
        }
    }

    /// Stores DONE (or PANICKED) and releases every waiter.
    fn finish(&self, panicked: bool) {
        let drained: Vec<Arc<Signal>> = {
            let mut q = self.waiters.lock();
            // Release: everything `f` did happens before any Acquire load that reads DONE
            // (HB-ONCE, site `once.complete`).
            let end = if panicked { PANICKED } else { DONE };
            self.state
                .store(end, ord(mutant::ONCE_COMPLETE, Ordering::Release));
            q.drain(..).filter(|w| w.try_claim(0)).collect()
        };
        for w in drained {
            w.complete_and_wake(0);
        }
    }
}

/// Marks the `Once` done when `f` returns *or panics* (Go's rule). Whether `f` panicked is
/// recorded by the caller, not read from `std::thread::panicking()`: a first call made from a
/// destructor while the thread unwinds from an unrelated panic runs `f` to completion, and
/// must count as done, not as panicked.
struct Finish<'a> {
    once: &'a OnceCore,
    /// Cleared once `f` returned.
    panicked: bool,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        self.once.finish(self.panicked);
    }
}

impl crate::trace::Named for Once {
    fn trace_key(&self) -> (&'static str, usize) {
        ("once", self.core() as *const OnceCore as usize)
    }
}

impl Default for Once {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Once {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Once")
            .field("done", &self.is_done())
            .finish()
    }
}

/// A value computed once, on first use: Go's `sync.OnceValue`, in the shape of std's
/// `OnceLock`.
///
/// If the initializer panics, the panic goes to its caller and, as in Go, every later
/// [`get_or_init`](OnceValue::get_or_init) panics too (Go re-panics with the same value;
/// hbsync panics with `OnceValue initializer panicked`); [`get`](OnceValue::get) returns
/// `None`. (std's `OnceLock` would stay empty and run the next initializer.)
///
/// HB-ONCE: the initializer's completion is synchronized before every `get_or_init` returns.
///
/// ```
/// let config = hbsync::OnceValue::new();
/// assert_eq!(config.get(), None);
/// assert_eq!(*config.get_or_init(|| 42), 42);
/// assert_eq!(*config.get_or_init(|| unreachable!()), 42);
/// assert_eq!(config.get(), Some(&42));
/// ```
pub struct OnceValue<T> {
    core: Per<OnceValueCore<T>>,
}

/// The state of a [`OnceValue`] (one per execution in checker builds).
pub(crate) struct OnceValueCore<T> {
    once: OnceCore,
    /// Written once by the initializer before `DONE`; initialized exactly when the state is
    /// `DONE`, and read only after `DONE` is observed.
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: the value is written once, before DONE (Release), and only read after an Acquire
// observation of DONE; sharing the cell shares `&T` (needs `Sync`) and the initializer may
// run on any thread (needs `Send`), as std's `OnceLock`.
unsafe impl<T: Send + Sync> Sync for OnceValueCore<T> {}
// SAFETY: owning the cell owns the `T`.
unsafe impl<T: Send> Send for OnceValueCore<T> {}

impl<T> OnceValue<T> {
    /// An empty cell. `const`, so it can be a `static`, in every build.
    ///
    /// ```
    /// static PORT: hbsync::OnceValue<u16> = hbsync::OnceValue::new();
    /// assert_eq!(PORT.get(), None);
    /// ```
    pub const fn new() -> Self {
        Self {
            #[cfg(not(any(loom, shuttle)))]
            core: OnceValueCore::new(),
            #[cfg(any(loom, shuttle))]
            core: crate::sync::PerExecution::new(OnceValueCore::new),
        }
    }

    /// An empty cell whose checker state is made now (checker builds), for cells hbsync
    /// makes at run time inside a model: no publication edge is needed or added (see
    /// `PerExecution::made_now`). The same as [`new`](Self::new) in std builds.
    pub(crate) fn new_now() -> Self {
        Self {
            #[cfg(not(any(loom, shuttle)))]
            core: OnceValueCore::new(),
            #[cfg(any(loom, shuttle))]
            core: crate::sync::PerExecution::made_now(OnceValueCore::new),
        }
    }

    #[inline(always)]
    fn core(&self) -> &OnceValueCore<T> {
        crate::sync::per(&self.core)
    }

    /// The value, computing it with `f` if this is the first call; concurrent first callers
    /// wait for the one that runs `f`.
    ///
    /// # Panics
    /// If `f` panics (in its caller), and in every later call after that:
    /// `OnceValue initializer panicked`.
    ///
    /// ```
    /// static CONFIG: hbsync::OnceValue<String> = hbsync::OnceValue::new();
    /// assert_eq!(CONFIG.get(), None);
    /// assert_eq!(CONFIG.get_or_init(|| "loaded".to_string()), "loaded");
    /// assert_eq!(CONFIG.get_or_init(|| unreachable!()), "loaded"); // runs once
    /// ```
    #[inline]
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        self.core().get_or_init(f)
    }

    /// The value if it has been computed (one Acquire load).
    ///
    /// ```
    /// let v = hbsync::OnceValue::new();
    /// assert_eq!(v.get(), None);
    /// v.get_or_init(|| 5);
    /// assert_eq!(v.get(), Some(&5));
    /// ```
    #[inline]
    pub fn get(&self) -> Option<&T> {
        self.core().get()
    }

    /// The value, if computed, consuming the cell.
    ///
    /// ```
    /// let v = hbsync::OnceValue::new();
    /// v.get_or_init(|| vec![1]);
    /// assert_eq!(v.into_inner(), Some(vec![1]));
    /// ```
    pub fn into_inner(self) -> Option<T> {
        #[cfg(not(any(loom, shuttle)))]
        return self.core.into_inner();
        #[cfg(any(loom, shuttle))]
        {
            let mut this = self;
            this.core.take()?.into_inner()
        }
    }
}

impl<T> OnceValueCore<T> {
    #[cfg(not(any(loom, shuttle)))]
    const fn new() -> Self {
        Self {
            once: OnceCore::new(),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[cfg(any(loom, shuttle))]
    fn new() -> Self {
        Self {
            once: OnceCore::new(),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    #[inline]
    fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        if let Some(v) = self.get() {
            return v;
        }
        self.once.call_once(|| {
            let v = f();
            // SAFETY: we are the one run of the Once: nobody reads before DONE, and DONE is
            // stored only after this write (PANICKED if `f` panicked before it).
            self.value.with_mut(|p| unsafe { (*p).write(v) });
        });
        self.get().expect("OnceValue initializer panicked")
    }

    #[inline]
    fn get(&self) -> Option<&T> {
        // Acquire: pairs with the Release store of DONE after the initializer wrote the value
        // (HB-ONCE-VALUE, site `once_value.get`).
        if !self
            .once
            .completed(ord(mutant::ONCE_VALUE_GET, Ordering::Acquire))
        {
            return None;
        }
        // SAFETY: DONE was observed with Acquire: the single write happened before it, and no
        // write follows.
        Some(self.value.with(|p| unsafe { (*p).assume_init_ref() }))
    }

    fn into_inner(self) -> Option<T> {
        let this = std::mem::ManuallyDrop::new(self);
        // Relaxed: we own the cell; whatever gave us ownership (a join, a channel) ordered the
        // initializer before us.
        if !this.once.completed(Ordering::Relaxed) {
            return None;
        }
        // SAFETY: DONE: the value is initialized; `this` is never dropped, so it is read out
        // exactly once.
        Some(this.value.with(|p| unsafe { (*p).assume_init_read() }))
    }
}

impl<T> Drop for OnceValueCore<T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        // Relaxed: `&mut self` at drop: ownership already orders the initializer before us.
        if self.once.completed(Ordering::Relaxed) {
            // Moved out through a *read* access: `&mut self` already excludes every reader,
            // but in checker builds the edge that proves it is often std `Arc`'s refcount,
            // which loom does not model (proofs/CLAIMS.md, model gaps); a tracked write here
            // would be a false race report against the last `get`.
            // SAFETY: DONE: initialized; `&mut self` is the last use, and nothing touches the
            // cell after this read, so the value is dropped exactly once.
            drop(self.value.with(|p| unsafe { (*p).assume_init_read() }));
        }
    }
}

impl<T> Default for OnceValue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OnceValue").field(&self.get()).finish()
    }
}
