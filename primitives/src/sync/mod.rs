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

/// Whether this is a checker build unwinding from a failed model. The checker's execution is
/// gone by then: touching any of its objects (an atomic, a lock) panics again inside a
/// destructor and aborts the test binary. Every `Drop` of a primitive that would touch such
/// an object returns early when this is true, so a failing model (deadlock, data race,
/// assertion) stays an ordinary, catchable panic. Always `false` in std builds.
#[inline(always)]
pub(crate) fn unwinding_checker() -> bool {
    CHECKER && std::thread::panicking()
}
