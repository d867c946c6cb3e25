//! The sync facade: the only module that names `std::sync`, `loom` or `shuttle`.
//!
//! Every other module of the crate imports atomics, locks, cells and threads from here, so the
//! same source compiles into three builds (DESIGN.md §3):
//!
//! | build   | selected by          | backend                                              |
//! |---------|----------------------|------------------------------------------------------|
//! | std     | (default)            | `std::sync`, `std::thread`: zero cost                |
//! | loom    | `--cfg loom`         | `loom`: exhaustive interleavings and C11 weak memory |
//! | shuttle | `--cfg shuttle`      | `shuttle`: random/PCT schedules, SC atomics only     |
//!
//! All three export the same names: `atomic::{…, Ordering}`, `Arc`, a poison-free `Mutex`,
//! `cell::UnsafeCell` with loom's `with`/`with_mut` shape, `thread::{spawn, park, current,
//! yield_now, Thread, JoinHandle}` and `hint::spin_loop`.
//!
//! `Arc` is `std::sync::Arc` in every build, on purpose: a loom `Arc` dropped while a failed
//! model unwinds re-enters the loom runtime and aborts the whole test binary, so a user's
//! `#[should_panic]` deadlock test could never pass. std's `Arc` is trusted, not modelled.
//! MODEL GAP: reference-count orderings are not checked by loom (see proofs/CLAIMS.md).
// The facade is where std's locks and cells may be named (primitives/clippy.toml).
#![allow(clippy::disallowed_types)]

#[cfg(all(loom, shuttle))]
compile_error!("hbsync: `--cfg loom` and `--cfg shuttle` select different checkers; set only one");

#[cfg(not(any(loom, shuttle)))]
mod std_backend;
#[cfg(not(any(loom, shuttle)))]
pub(crate) use std_backend::*;

#[cfg(loom)]
mod loom_backend;
#[cfg(loom)]
pub(crate) use loom_backend::*;

#[cfg(all(shuttle, not(loom)))]
mod shuttle_backend;
#[cfg(all(shuttle, not(loom)))]
pub(crate) use shuttle_backend::*;

pub(crate) mod mutant;

pub use std::sync::Arc;
pub(crate) use std::sync::Weak;

/// Whether this build runs under a model checker (loom or shuttle).
pub(crate) const CHECKER: bool = cfg!(any(loom, shuttle));

/// Marks a place where a real thread can be interrupted but the checker would not switch on
/// its own: loom branches only at its own operations, and neither a mutex unlock nor an
/// `unpark` is one. Without this point, the window between a waiter's completion store and
/// its wake-up (where a spinning waiter really does observe the store) would never be
/// explored, and the ordering of that store would go unchecked. No-op in std builds.
#[inline(always)]
pub(crate) fn preemption_point() {
    #[cfg(any(loom, shuttle))]
    thread::yield_now();
}

/// A lock the checkers do not see, for checker builds' own bookkeeping only (never for
/// state a primitive synchronizes through, which must be the checker's): an unbounded
/// channel keeps the blocks it "frees" in one until it drops (`chan/list.rs`).
#[cfg(any(loom, shuttle))]
#[derive(Default)]
pub(crate) struct Unchecked<T>(std::sync::Mutex<T>);

#[cfg(any(loom, shuttle))]
impl<T> Unchecked<T> {
    /// Runs `f` on the value, under the lock (a panic elsewhere never poisons it for us).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

/// Whether this is a checker build unwinding from a failed model. The checker's execution is
/// gone by then: touching any of its objects (an atomic, a lock) panics again inside a
/// destructor and aborts the test binary. Every `Drop` of a primitive that would touch such
/// an object returns early when this is true, so a failing model (deadlock, data race,
/// assertion) stays an ordinary, catchable panic. Always `false` in std builds.
#[inline(always)]
pub(crate) fn unwinding_checker() -> bool {
    CHECKER && std::thread::panicking()
}

/// The state of an object that can be a `static` (`Once`, `OnceValue`, `Mutex`): in std
/// builds the state itself; in checker builds made once per model execution
/// (`PerExecution`), since the checkers' atomics and locks cannot be made in `const`
/// context and belong to one execution. MODEL GAP (loom): the first use of the object in an
/// execution happens-before every later use (see `PerExecution`).
#[cfg(not(any(loom, shuttle)))]
pub(crate) type Per<T> = T;
#[cfg(any(loom, shuttle))]
pub(crate) type Per<T> = PerExecution<T>;

/// The state behind a [`Per`]: this execution's in checker builds.
#[inline(always)]
pub(crate) fn per<T>(state: &Per<T>) -> &T {
    #[cfg(not(any(loom, shuttle)))]
    return state;
    #[cfg(any(loom, shuttle))]
    state.get()
}

/// Checker builds: a count of model executions begun in this process, so that each one gets
/// its own number ([`new_execution`]).
#[cfg(any(loom, shuttle))]
static EXECUTIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(any(loom, shuttle))]
std::thread_local! {
    /// The number of the model execution this OS thread is running (0: none yet). Both
    /// checkers run every model thread of an execution on the OS thread that called the
    /// checker, so this is the execution's number for all of its model threads; two tests
    /// running models side by side (one OS thread each) have different numbers.
    static EXECUTION: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    /// Whether this execution's main closure has returned (loom drops its lazy statics
    /// then; threads that outlive it may still run).
    static MAIN_DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The model's main closure has returned (checker builds; `check::model` calls it).
#[cfg(any(loom, shuttle))]
pub(crate) fn main_done() {
    MAIN_DONE.with(|d| d.set(true));
}

/// Checker builds: the executions running now, in this process (one per OS thread that is
/// running a model), so that a state a running execution made is never taken over by
/// another (see [`PerExecution::get`]).
#[cfg(any(loom, shuttle))]
static LIVE: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());

#[cfg(any(loom, shuttle))]
fn live() -> std::sync::MutexGuard<'static, Vec<u64>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A new model execution begins on this OS thread (checker builds; `check::model` calls it
/// as each execution starts). The one before it on this thread is over, also for threads
/// of it that outlived its main closure.
#[cfg(any(loom, shuttle))]
pub(crate) fn new_execution() {
    // Relaxed: only the uniqueness of the number matters (the RMW gives that); no hbsync
    // edge rests on this harness counter.
    let n = EXECUTIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let before = EXECUTION.with(|e| e.replace(n));
    MAIN_DONE.with(|d| d.set(false));
    let mut live = live();
    live.retain(|&m| m != before);
    live.push(n);
}

/// A model run on this OS thread (checker builds): `check::model` holds one while the
/// checker explores; when it drops (also when the model fails and unwinds) the last
/// execution of the run is over.
#[cfg(any(loom, shuttle))]
pub(crate) struct ModelRun;

#[cfg(any(loom, shuttle))]
impl Drop for ModelRun {
    fn drop(&mut self) {
        let last = EXECUTION.with(|e| e.replace(0));
        live().retain(|&m| m != last);
    }
}

/// Checker builds: state that the checker must see made fresh in every execution (its atomics
/// and locks belong to one execution), behind a handle that is `const`-constructible, so a
/// `static` `Once`, `OnceValue` or `Mutex` works in models. The first use in an execution
/// makes the state with `make`.
///
/// loom: an object made by one model thread may be used by another only after an edge from
/// its making (loom reports any other use as a causality violation), and a lazily made state
/// has no such edge in the program. So the making is published through a loom lazy static
/// (one per handle and execution), as loom's own `lazy_static` publishes its value: the
/// first user's making happens-before every later use. MODEL GAP: that edge also carries
/// whatever the first user did before its first use, which a program without the edge
/// would race on; a race that only it hides is missed. Make the object inside the model,
/// before the threads that use it are spawned, and use it first there, to rule it out.
///
/// A state made in an earlier execution is leaked, not dropped, when a later one replaces it
/// (a reference handed out then may still be held by a `static`; its checker objects belong
/// to an execution that is over). Only handles used across executions leak, once per
/// execution. Executions must be started through `check::model` (it numbers them).
#[cfg(any(loom, shuttle))]
pub(crate) struct PerExecution<T> {
    /// (execution, state made in it, its publication under loom).
    slot: std::sync::Mutex<Option<Made<T>>>,
    make: fn() -> T,
}

/// One execution's state of a [`PerExecution`].
#[cfg(any(loom, shuttle))]
struct Made<T> {
    execution: u64,
    state: std::ptr::NonNull<T>,
    /// loom: the lazy static whose first `get` publishes the making (leaked: loom keys lazy
    /// statics by address, so each must have an address no other one ever had).
    /// `None`: made by `made_now`, on the thread that made the handle, so every use
    /// already follows the making through the program's own edges.
    #[cfg(loom)]
    published: Option<&'static loom::lazy_static::Lazy<()>>,
}

#[cfg(any(loom, shuttle))]
impl<T> Clone for Made<T> {
    fn clone(&self) -> Self {
        *self
    }
}
#[cfg(any(loom, shuttle))]
impl<T> Copy for Made<T> {}

// SAFETY: the handle owns (or leaked) its `T`s and hands out `&T` only: it is `Send`/`Sync`
// exactly when `T` is shared or moved that way.
#[cfg(any(loom, shuttle))]
unsafe impl<T: Send + Sync> Sync for PerExecution<T> {}
// SAFETY: as above.
#[cfg(any(loom, shuttle))]
unsafe impl<T: Send> Send for PerExecution<T> {}

#[cfg(any(loom, shuttle))]
impl<T> PerExecution<T> {
    pub(crate) const fn new(make: fn() -> T) -> Self {
        Self {
            slot: std::sync::Mutex::new(None),
            make,
        }
    }

    /// A handle whose state for this execution is made now, by the caller: for objects made
    /// at run time inside the model (not `static`s), whose uses all follow this making
    /// through the program's own edges, so loom needs no publication (and none is added).
    pub(crate) fn made_now(make: fn() -> T) -> Self {
        let state = std::ptr::NonNull::from(Box::leak(Box::new(make())));
        Self {
            slot: std::sync::Mutex::new(Some(Made {
                execution: EXECUTION.with(std::cell::Cell::get),
                state,
                #[cfg(loom)]
                published: None,
            })),
            make,
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Made<T>>> {
        self.slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This execution's state, made on first use.
    pub(crate) fn get(&self) -> &T {
        let now = EXECUTION.with(std::cell::Cell::get);
        // The std lock is held only while no checker operation runs (making the state
        // creates checker objects but never switches threads), so no other model thread of
        // this OS thread can block on it.
        let made = {
            let mut slot = self.slot();
            match *slot {
                Some(made) if made.execution == now => made,
                // Taking over would hand this execution the other's lock state, and (for a
                // mutex) its data while the other may be using it.
                Some(made) if live().contains(&made.execution) => {
                    drop(slot);
                    panic!(
                        "hbsync: a `static` Once, OnceValue or Mutex is in use by another \
                         model running at the same time (on another test thread): run such \
                         tests one at a time (`cargo nextest`, or `cargo test -- \
                         --test-threads=1`), or give each model its own static"
                    );
                }
                _ => {
                    let made = Made {
                        execution: now,
                        state: std::ptr::NonNull::from(Box::leak(Box::new((self.make)()))),
                        #[cfg(loom)]
                        published: Some(Box::leak(Box::new(loom::lazy_static::Lazy {
                            init: || (),
                            _p: std::marker::PhantomData,
                        }))),
                    };
                    *slot = Some(made); // an earlier execution's state is leaked
                    made
                }
            }
        };
        // loom: the first `get` of this execution's lazy static is a release of the making
        // thread's clock, every later one an acquire of it: the edge from the making to
        // every use that loom requires (see the type's docs for the MODEL GAP).
        //
        // loom drops its lazy statics when the model's main closure returns; a thread that
        // outlives it goes without the edge (MODEL GAP: two such threads that first use one
        // object after main returned may be reported as a causality violation).
        #[cfg(loom)]
        if let Some(published) = made.published {
            if !MAIN_DONE.with(std::cell::Cell::get) {
                published.get();
            }
        }
        // SAFETY: `state` came from `Box::leak` and is freed only by `take` (which needs
        // `&mut self`/ownership) or never (a replaced state is leaked), so it stays valid for
        // as long as `&self`; only `&T` is ever handed out.
        unsafe { made.state.as_ref() }
    }

    /// Takes this execution's state out (`None` if it was never made in it).
    pub(crate) fn take(&mut self) -> Option<T> {
        let now = EXECUTION.with(std::cell::Cell::get);
        match self.slot().take() {
            Some(made) if made.execution == now => {
                // SAFETY: made by `Box::leak` in `get` and not freed since; `&mut self`
                // excludes every reference `get` handed out.
                Some(*unsafe { Box::from_raw(made.state.as_ptr()) })
            }
            _ => None,
        }
    }
}

#[cfg(any(loom, shuttle))]
impl<T> Drop for PerExecution<T> {
    fn drop(&mut self) {
        // A failed model is unwinding: its checker objects are gone, so the state is leaked
        // (dropping it would touch them and abort the test binary).
        if !unwinding_checker() {
            drop(self.take());
        }
    }
}
