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

/// shuttle builds: a count of model executions, bumped by `check::model` as each begins, so
/// that objects made in `const` context (a `static Once`) can make their checker state once
/// per execution ([`PerExecution`]).
#[cfg(shuttle)]
static EXECUTION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A new model execution begins (shuttle builds).
#[cfg(shuttle)]
pub(crate) fn new_execution() {
    // Relaxed: bookkeeping of the checker harness, which runs every model thread of an
    // execution on the one OS thread that called it; no hbsync edge rests on it.
    EXECUTION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// shuttle builds: state that the checker must see made fresh in every execution (its atomics
/// and locks belong to one execution), behind a handle that is `const`-constructible. The
/// first use in an execution makes it with `make`.
///
/// A state made in an earlier execution is leaked, not dropped, when a later one replaces it
/// (a reference handed out then may still be held by a `static`; its checker objects belong
/// to an execution that is over). Only statics used across executions leak, once per
/// execution. Executions must be started through `check::model` (it counts them).
#[cfg(shuttle)]
pub(crate) struct PerExecution<T> {
    /// (execution, state made in it).
    slot: std::sync::Mutex<Option<(u64, std::ptr::NonNull<T>)>>,
    make: fn() -> T,
}

// SAFETY: the handle owns (or leaked) its `T`s and hands out `&T` only: it is `Send`/`Sync`
// exactly when `T` is shared or moved that way.
#[cfg(shuttle)]
unsafe impl<T: Send + Sync> Sync for PerExecution<T> {}
// SAFETY: as above.
#[cfg(shuttle)]
unsafe impl<T: Send> Send for PerExecution<T> {}

#[cfg(shuttle)]
impl<T> PerExecution<T> {
    pub(crate) const fn new(make: fn() -> T) -> Self {
        Self {
            slot: std::sync::Mutex::new(None),
            make,
        }
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(u64, std::ptr::NonNull<T>)>> {
        self.slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This execution's state, made on first use.
    pub(crate) fn get(&self) -> &T {
        // Relaxed: see `new_execution`.
        let now = EXECUTION.load(std::sync::atomic::Ordering::Relaxed);
        let mut slot = self.slot();
        let ptr = match *slot {
            Some((made, p)) if made == now => p,
            _ => {
                let fresh = std::ptr::NonNull::from(Box::leak(Box::new((self.make)())));
                *slot = Some((now, fresh)); // an earlier execution's state is leaked
                fresh
            }
        };
        // SAFETY: `ptr` came from `Box::leak` and is freed only by `take` (which needs
        // `&mut self`/ownership) or never (a replaced state is leaked), so it stays valid for
        // as long as `&self`; only `&T` is ever handed out.
        unsafe { ptr.as_ref() }
    }

    /// Takes this execution's state out (`None` if it was never made in it).
    pub(crate) fn take(&mut self) -> Option<T> {
        // Relaxed: see `new_execution`.
        let now = EXECUTION.load(std::sync::atomic::Ordering::Relaxed);
        match self.slot().take() {
            // SAFETY: made by `Box::leak` in `get` and not freed since; `&mut self` excludes
            // every reference `get` handed out.
            Some((made, p)) if made == now => Some(*unsafe { Box::from_raw(p.as_ptr()) }),
            _ => None,
        }
    }
}

#[cfg(shuttle)]
impl<T> Drop for PerExecution<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}
