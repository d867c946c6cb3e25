//! Go-style concurrency primitives whose happens-before guarantees are written down and
//! machine-checked.
//!
//! | Go                          | hbsync                                  |
//! |-----------------------------|-----------------------------------------|
//! | `go f()`                    | [`go(f)`](go)                            |
//! | `make(chan T)` / `make(chan T, n)` | [`chan::bounded(0)`](chan::bounded) / [`chan::bounded(n)`](chan::bounded) |
//! | `c <- v`, `<-c`, `close(c)` | [`Sender::send`](chan::Sender::send), [`Receiver::recv`](chan::Receiver::recv), [`Sender::close`](chan::Sender::close) |
//! | `select { … }`              | [`select!`]                              |
//! | `time.After`, `time.Tick`   | [`time::after`], [`time::tick`]          |
//! | `sync.Mutex`                | [`Mutex`]                                |
//! | `sync.WaitGroup`            | [`WaitGroup`]                            |
//! | `sync.Once`, `sync.OnceValue` | [`Once`], [`OnceValue`]                |
//! | `context.Context`           | [`context::Context`]                     |
//!
//! # One code base, three builds
//!
//! - std (default): fast, for users.
//! - `RUSTFLAGS="--cfg loom"`: every primitive runs on loom, so a loom test of *your* code
//!   explores all interleavings through hbsync too, with weak memory.
//! - `RUSTFLAGS="--cfg shuttle"`: every primitive runs on shuttle (randomized and PCT
//!   schedules, async tasks, larger programs).
//!
//! [`check`] re-exports the checker hbsync was built against and gives one entry point,
//! [`check::model`], that works in all three builds.
//!
//! # Happens-before
//!
//! - **HB-SPAWN**: [`go`] is synchronized before the first action of the task it starts.
//! - **N-TASK-EXIT** (not guaranteed): a task's exit synchronizes nothing by itself; use a
//!   channel or [`JoinHandle::join`](check::thread::JoinHandle::join) to see its writes.
//!
//! The channel claims are listed in [`chan`]; HB-MUTEX and N-TRYLOCK on [`Mutex`], HB-WG on
//! [`WaitGroup`], HB-ONCE on [`Once`];
//! HB-CTX-CANCEL in [`context`]. `cargo verify` proves each claim with loom and
//! shows that weakening the ordering it rests on breaks the proof.

#![warn(missing_docs)]

pub mod chan;
pub mod check;
mod clock;
pub mod context;
mod group;
mod mutex;
mod once;
pub mod spec;
mod sync;
pub mod time;
pub mod trace;
mod waiter;
mod waitgroup;

pub use group::Group;
pub use mutex::{AsyncMutexGuard, LockFuture, Mutex, MutexGuard, STARVATION_THRESHOLD};
pub use once::{Once, OnceValue};
pub use waitgroup::{WaitFuture, WaitGroup};

/// Starts `f` on a new task (a thread; a model thread under loom or shuttle): Go's `go`
/// statement. HB-SPAWN: everything before the call happens before `f`'s first action. In
/// checker builds the task is named in traces (`t1`, `t2`, …) with where it was spawned.
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded(0);
/// hbsync::go(move || tx.send(42).unwrap());
/// assert_eq!(rx.recv(), Ok(42));
/// ```
#[track_caller]
pub fn go<F, T>(f: F) -> check::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    spawn_traced(f)
}

/// Spawns through the facade; checker builds name the task for traces.
#[track_caller]
pub(crate) fn spawn_traced<F, T>(f: F) -> check::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    #[cfg(any(loom, shuttle))]
    {
        let task = trace::spawned(std::panic::Location::caller());
        sync::thread::spawn(move || {
            trace::enter_task(task);
            f()
        })
    }
    #[cfg(not(any(loom, shuttle)))]
    sync::thread::spawn(f)
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
