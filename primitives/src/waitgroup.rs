//! [`WaitGroup`]: wait for a collection of tasks to finish, as Go's `sync.WaitGroup`.
//!
//! One atomic word holds the counter (low 32 bits, two's complement) and a *generation*
//! (high 32 bits) that the change bringing the counter to zero advances, in the same CAS.
//! Waiters queue (the channels' [`Signal`] records) under a small lock, tagged with the
//! generation they saw there; the change that reached zero takes the lock and releases the
//! waiters of the generation it ended, and only those. A waiter checks the word under the
//! same lock before it queues, so it either sees zero or is found by that completer (no lost
//! wake-up), and a waiter that arrives after the group was reused is not released by the
//! previous round's zero (a bug of the first version, found by the `results-closed-too-early`
//! pitfall's fixed twin under loom).
//!
//! # Happens-before
//!
//! - **HB-WG**: each `done` (and each negative `add`) is synchronized before the return of
//!   the `wait` that it unblocks. All counter changes are RMWs, so they form one release
//!   sequence; `wait` ends with an Acquire load of the counter (site `wg.wait.fast` when it
//!   is zero at once, `wg.wait.enqueue` when it reaches zero before queueing, `wg.wait` after
//!   being released), which synchronizes with every Release decrement before it (site
//!   `wg.done`), not only with the last one.
//! - **HB-WG-ASYNC**: the same for [`WaitGroup::wait_async`]: each `done` is synchronized
//!   before the completion of the `wait_async` it unblocks (sites `wg.wait_async.fast`,
//!   `wg.wait_async.observe` then `wg.wait_async`).

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::sync::atomic::{AtomicU64, Ordering};
use crate::sync::mutant::{self, ord};
use crate::sync::{Arc, Mutex};
use crate::waiter::{self, Signal};

/// Waits for a collection of tasks to finish, as Go's `sync.WaitGroup`.
///
/// Cloning is cheap and shares the same counter (a Go `*sync.WaitGroup`); it does not add.
///
/// The rule Go states, which hbsync keeps: calls to [`add`](WaitGroup::add) with a positive
/// delta that start when the counter is zero must happen before [`wait`](WaitGroup::wait).
/// Adding inside the spawned task races with `wait` (which may see zero and return before
/// the task even started: the classic pitfall, reproduced in hbsync's models). Add before
/// spawning, or use [`go`](WaitGroup::go), which does.
///
/// Misuse panics, in Go's words: a counter below zero (`negative WaitGroup counter`), and a
/// group reused (`add` from zero) while a `wait` that was released has not yet returned
/// (`WaitGroup is reused before previous Wait has returned`), where detected.
///
/// HB-WG: each `done` is synchronized before the return of the `wait` it unblocks.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
///
/// let wg = hbsync::WaitGroup::new();
/// let hits = Arc::new(AtomicUsize::new(0));
/// for _ in 0..8 {
///     let hits = hits.clone();
///     wg.go(move || {
///         hits.fetch_add(1, Ordering::Relaxed);
///     });
/// }
/// wg.wait();
/// assert_eq!(hits.load(Ordering::Relaxed), 8);
/// ```
#[derive(Clone, Default)]
pub struct WaitGroup {
    inner: Arc<Inner>,
}

struct Inner {
    /// Generation (high 32 bits) and counter (low 32 bits, two's complement).
    state: AtomicU64,
    /// Waiters and the generation each queued in.
    waiters: Mutex<VecDeque<(Arc<Signal>, u32)>>,
}

impl WaitGroup {
    /// A group with counter zero: `wait` returns at once.
    ///
    /// ```
    /// let wg = hbsync::WaitGroup::new();
    /// wg.wait(); // nothing to wait for
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `delta` (may be negative) to the counter. When it reaches zero, every waiter is
    /// released.
    ///
    /// # Panics
    /// `negative WaitGroup counter` if the counter would go below zero (the counter is then
    /// left unchanged), or above `i32::MAX`.
    ///
    /// ```
    /// let wg = hbsync::WaitGroup::new();
    /// wg.add(2);
    /// wg.done();
    /// wg.add(-1); // the same as a second done()
    /// wg.wait(); // the counter is zero: returns at once
    /// ```
    pub fn add(&self, delta: isize) {
        let inner = &*self.inner;
        // Relaxed: only seeds the CAS below, which carries HB-WG.
        let mut cur = inner.state.load(Ordering::Relaxed);
        let (now, ended) = loop {
            let (generation, count) = split(cur);
            let now = i64::from(count) + delta as i64;
            if now < 0 {
                panic!("negative WaitGroup counter");
            }
            let now = i32::try_from(now).expect("WaitGroup counter overflow");
            let ended = now == 0 && delta < 0;
            let next = join(
                if ended {
                    generation.wrapping_add(1)
                } else {
                    generation
                },
                now,
            );
            // Release on success: a decrement publishes the task's work to the `wait` it
            // unblocks (HB-WG, site `wg.done`); every change is an RMW, so they extend one
            // release sequence that the waiter's Acquire load synchronizes with as a whole.
            match inner.state.compare_exchange(
                cur,
                next,
                ord(mutant::WG_DONE, Ordering::Release),
                Ordering::Relaxed,
            ) {
                Ok(_) => break (now, ended.then_some(generation)),
                Err(seen) => cur = seen,
            }
        };
        crate::trace::record(|| format!("add {} {delta:+} -> {now}", inner.trace_name()));
        if let Some(generation) = ended {
            inner.release_waiters(generation);
        }
    }

    /// Decrements the counter by one: `add(-1)`.
    ///
    /// # Panics
    /// `negative WaitGroup counter` if the counter is already zero.
    ///
    /// ```
    /// let wg = hbsync::WaitGroup::new();
    /// wg.add(1); // before spawning, so `wait` cannot miss it
    /// let worker = {
    ///     let wg = wg.clone();
    ///     std::thread::spawn(move || wg.done())
    /// };
    /// wg.wait();
    /// worker.join().unwrap();
    /// ```
    pub fn done(&self) {
        self.add(-1);
    }

    /// Blocks until the counter is zero. Returns at once if it is zero now. HB-WG.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let wg = Arc::new(hbsync::WaitGroup::new());
    /// let done = Arc::new(std::sync::atomic::AtomicU32::new(0));
    /// for _ in 0..3 {
    ///     wg.add(1); // before the spawn, never inside it
    ///     let (wg, done) = (wg.clone(), done.clone());
    ///     std::thread::spawn(move || {
    ///         done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ///         wg.done();
    ///     });
    /// }
    /// wg.wait();
    /// assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), 3);
    /// ```
    pub fn wait(&self) {
        let inner = &*self.inner;
        // Acquire: a zero seen at once ends the wait (HB-WG, site `wg.wait.fast`).
        // MODEL GAP: loom lets this first load see the doers' zero only if the waiter yields
        // before it (no scheduling point lies between `add` and here otherwise); HB-WG's
        // fast-path part yields first, which is what kills this site's mutant.
        if inner.is_zero(ord(mutant::WG_WAIT_FAST, Ordering::Acquire)) {
            return;
        }
        let signal = waiter::for_this_thread();
        signal.trace_wait(|| format!("wait {}", inner.trace_name()));
        if inner.enqueue(&signal) {
            crate::trace::record(|| format!("wait {} -> blocked", inner.trace_name()));
            signal.wait_done();
            // Acquire: the released waiter's edge from every `done` (HB-WG, site `wg.wait`).
            inner.after_wait(ord(mutant::WG_WAIT, Ordering::Acquire));
        } else {
            signal.trace_unwait();
        }
        crate::trace::record(|| format!("wait {} -> released", inner.trace_name()));
        waiter::recycle(signal);
    }

    /// Waits from an async task until the counter is zero. Cancel-safe: dropping the future
    /// withdraws it. HB-WG.
    ///
    /// ```
    /// let wg = hbsync::WaitGroup::new();
    /// wg.add(1);
    /// let w = wg.clone();
    /// hbsync::go(move || w.done());
    /// hbsync::check::block_on(wg.wait_async());
    /// ```
    pub fn wait_async(&self) -> WaitFuture<'_> {
        WaitFuture {
            inner: &self.inner,
            signal: None,
        }
    }

    /// Runs `f` on a new task (through [`go`](crate::go)) counted by this group: `add(1)`
    /// before spawning, `done()` when `f` returns or panics. Go 1.25's `WaitGroup.Go`.
    ///
    /// ```
    /// let wg = hbsync::WaitGroup::new();
    /// let (tx, rx) = hbsync::chan::unbounded();
    /// for i in 0..3 {
    ///     let tx = tx.clone();
    ///     wg.go(move || tx.send(i).unwrap());
    /// }
    /// wg.wait();
    /// drop(tx);
    /// let mut got: Vec<i32> = rx.iter().collect();
    /// got.sort();
    /// assert_eq!(got, [0, 1, 2]);
    /// ```
    pub fn go<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.add(1);
        let wg = self.clone();
        drop(crate::go(move || {
            struct Done(WaitGroup);
            impl Drop for Done {
                fn drop(&mut self) {
                    if crate::sync::unwinding_checker() {
                        return;
                    }
                    self.0.done();
                }
            }
            let _done = Done(wg);
            f();
        }));
    }
}

/// (generation, counter) of a state word.
fn split(word: u64) -> (u32, i32) {
    ((word >> 32) as u32, word as u32 as i32)
}

/// The state word of (generation, counter).
fn join(generation: u32, count: i32) -> u64 {
    (u64::from(generation) << 32) | u64::from(count as u32)
}

impl crate::trace::Named for WaitGroup {
    fn trace_key(&self) -> (&'static str, usize) {
        ("wg", Arc::as_ptr(&self.inner) as usize)
    }
}

impl Default for Inner {
    fn default() -> Self {
        Self {
            state: AtomicU64::new(0),
            waiters: Mutex::new(VecDeque::new()),
        }
    }
}

impl Inner {
    /// This group's name in traces (`wg#1`; checker builds).
    fn trace_name(&self) -> String {
        crate::trace::obj("wg", self as *const Self as usize)
    }

    /// A waiter's observation of the counter with `order`: each caller passes its own
    /// mutant site (`ord(site, Acquire)`): an Acquire load pairs with every Release change
    /// before it (HB-WG). Returns the word.
    fn observe(&self, order: Ordering) -> u64 {
        self.state.load(order)
    }

    fn is_zero(&self, order: Ordering) -> bool {
        split(self.observe(order)).1 == 0
    }

    /// Queues `signal` unless the counter is zero, tagged with the current generation; under
    /// the waiter lock, so the change that brings the counter to zero finds it.
    fn enqueue(&self, signal: &Arc<Signal>) -> bool {
        let mut q = self.waiters.lock();
        // Acquire: a zero seen here ends the wait: pairs with the `done`s (HB-WG,
        // HB-WG-ASYNC, site `wg.wait.enqueue`).
        let (generation, count) =
            split(self.observe(ord(mutant::WG_WAIT_ENQUEUE, Ordering::Acquire)));
        if count == 0 {
            return false;
        }
        q.push_back((signal.clone(), generation));
        true
    }

    /// Completes the waiters of `generation`, which just ended (the counter reached zero).
    fn release_waiters(&self, generation: u32) {
        let drained: Vec<Arc<Signal>> = {
            let mut q = self.waiters.lock();
            let mut released = Vec::new();
            q.retain(|(w, g)| {
                if *g != generation {
                    return true; // queued after a reuse: a later zero releases it
                }
                if w.try_claim(0) {
                    released.push(w.clone());
                }
                false
            });
            released
        };
        for w in drained {
            w.complete_and_wake(0);
        }
    }

    /// After a waiter was released: the load (with `order`, Acquire at the caller's site)
    /// that gives HB-WG for every `done`, and Go's reuse check.
    fn after_wait(&self, order: Ordering) {
        // A released waiter must find zero, unless the group was reused (a positive add from
        // zero) before this wait returned: Go panics there, and so do we.
        if split(self.observe(order)).1 != 0 {
            panic!("WaitGroup is reused before previous Wait has returned");
        }
    }
}

impl fmt::Debug for WaitGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a snapshot for display; no HB-WG edge is taken here.
        let (_, count) = split(self.inner.state.load(Ordering::Relaxed));
        f.debug_struct("WaitGroup").field("count", &count).finish()
    }
}

/// Future of [`WaitGroup::wait_async`]. Cancel-safe: dropping it withdraws the wait.
///
/// ```
/// let wg = hbsync::WaitGroup::new();
/// wg.go(|| {});
/// hbsync::check::block_on(wg.wait_async()); // the task is suspended, not the thread
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct WaitFuture<'a> {
    inner: &'a Inner,
    signal: Option<Arc<Signal>>,
}

impl fmt::Debug for WaitFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitFuture")
            .field("queued", &self.signal.is_some())
            .finish()
    }
}

impl Future for WaitFuture<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let inner = self.inner;
        if let Some(signal) = &self.signal {
            signal.set_waker(cx.waker());
            // Acquire: pairs with the releaser's Release `complete`, so the re-load below sees
            // the zero that released us (HB-WG-ASYNC, site `wg.wait_async.observe`).
            if signal
                .done_case(ord(mutant::WG_WAIT_ASYNC_OBSERVE, Ordering::Acquire))
                .is_none()
            {
                return Poll::Pending;
            }
            self.signal = None;
            // Acquire: the released async waiter's edge from every `done` (HB-WG-ASYNC, site
            // `wg.wait_async`).
            inner.after_wait(ord(mutant::WG_WAIT_ASYNC, Ordering::Acquire));
            crate::trace::record(|| format!("wait_async {} -> released", inner.trace_name()));
            return Poll::Ready(());
        }
        // Acquire: a zero seen at once ends the wait (HB-WG-ASYNC, site `wg.wait_async.fast`).
        if inner.is_zero(ord(mutant::WG_WAIT_ASYNC_FAST, Ordering::Acquire)) {
            crate::trace::record(|| format!("wait_async {} -> released", inner.trace_name()));
            return Poll::Ready(());
        }
        let signal = Arc::new(Signal::for_task(cx.waker()));
        signal.trace_wait(|| format!("wait_async {}", inner.trace_name()));
        if !inner.enqueue(&signal) {
            signal.trace_unwait();
            crate::trace::record(|| format!("wait_async {} -> released", inner.trace_name()));
            return Poll::Ready(());
        }
        crate::trace::record(|| format!("wait_async {} -> pending", inner.trace_name()));
        self.signal = Some(signal);
        Poll::Pending
    }
}

impl Drop for WaitFuture<'_> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        if let Some(signal) = self.signal.take() {
            if signal.try_abort() {
                self.inner
                    .waiters
                    .lock()
                    .retain(|(s, _)| !Arc::ptr_eq(s, &signal));
            } else {
                signal.wait_claimed();
            }
        }
    }
}
