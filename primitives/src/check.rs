//! Model-check your own code through hbsync.
//!
//! Build your crate's tests with `RUSTFLAGS="--cfg loom"` (or `--cfg shuttle`) and hbsync's
//! primitives run on that checker. Keep your own shared state in the types re-exported here,
//! so your code and hbsync run on one runtime, of the very version hbsync was built with:
//!
//! ```
//! use hbsync::check;
//!
//! check::model(|| {
//!     let (tx, rx) = hbsync::chan::bounded(0);
//!     let t = check::thread::spawn(move || tx.send(1).unwrap());
//!     assert_eq!(rx.recv(), Ok(1));
//!     t.join().unwrap();
//! });
//! ```
//!
//! In a std build [`model`] runs the closure once; under loom it explores every
//! interleaving (bounded by `LOOM_MAX_PREEMPTIONS` if set); under shuttle it runs PCT
//! schedules (`HBSYNC_SHUTTLE_ITERATIONS`, default 1000, depth 3).
//!
//! A deadlock or a data race in the checked code panics like an assertion, so
//! `#[should_panic]` tests work: hbsync never keeps loom's own `Arc` in its primitives (its
//! drop during unwinding aborts the process), and [`sync::Arc`] is std's for the same reason.
// Allowed outside the facade (as in the catalogue test): runs the checkers themselves.
#![allow(clippy::disallowed_types)]

#[cfg(loom)]
pub use loom;
#[cfg(shuttle)]
pub use shuttle;

/// Threads (model threads under a checker).
pub mod thread {
    pub use crate::sync::thread::{current, park, yield_now, JoinHandle, Thread};

    /// Spawns a thread (a model thread under a checker), like `std::thread::spawn`; in
    /// checker builds it is named in traces (`t1`, `t2`, …) with where it was spawned.
    ///
    /// ```
    /// use hbsync::check::{self, thread};
    ///
    /// check::model(|| {
    ///     let t = thread::spawn(|| 6 * 7);
    ///     assert_eq!(t.join().unwrap(), 42);
    /// });
    /// ```
    #[track_caller]
    pub fn spawn<F, T>(f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        crate::spawn_traced(f)
    }
}

/// Shared state for checked code.
pub mod sync {
    /// std's `Arc` in every build (see the module docs for why).
    pub use crate::sync::Arc;
    /// Atomics of the active backend.
    pub mod atomic {
        pub use crate::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
    }
}

/// `UnsafeCell` with loom's `with`/`with_mut` API: under loom every access is checked for
/// data races, which is how a litmus test proves a happens-before edge.
pub mod cell {
    pub use crate::sync::cell::UnsafeCell;
}

/// The names of every ordering site a checker build can weaken (`HBSYNC_MUTANT=<site>`); the
/// proofs catalogue is checked against this list.
pub const MUTANT_SITES: &[&str] = crate::sync::mutant::ALL;

/// The sites of [`MUTANT_SITES`] that are design mutants (a wrong algorithm, not a weakened
/// ordering), such as Go's "mark the Once done before running f".
pub const DESIGN_MUTANTS: &[&str] = crate::sync::mutant::DESIGN;

/// Runs `f` under the active checker (see the module docs).
///
/// In checker builds every execution is traced ([`crate::trace`]): a failing execution is
/// printed as a timeline of hbsync events per task, and a task still blocked in hbsync when
/// `f` returns is reported as a leak.
///
/// ```
/// use hbsync::check::{self, sync::Arc};
/// use hbsync::{Mutex, WaitGroup};
///
/// check::model(|| {
///     let hits = Arc::new(Mutex::new(0));
///     let wg = WaitGroup::new();
///     for _ in 0..2 {
///         let hits = hits.clone();
///         wg.go(move || *hits.lock() += 1);
///     }
///     wg.wait();
///     assert_eq!(*hits.lock(), 2); // in every interleaving the checker explores
/// });
/// ```
pub fn model<F>(f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    model_with(Options::default(), f);
}

/// Settings for [`model_with`]; the defaults are [`model`]'s.
///
/// ```
/// let options = hbsync::check::Options {
///     preemption_bound: Some(2), // loom: fewer preemptions, a faster (smaller) search
///     iterations: Some(200),     // shuttle: fewer schedules
///     ..Default::default()
/// };
/// hbsync::check::model_with(options, || {
///     let (tx, rx) = hbsync::chan::bounded(1);
///     tx.send(()).unwrap();
///     assert_eq!(rx.recv(), Ok(()));
/// });
/// ```
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// loom's preemption bound (`None`: 3, or `LOOM_MAX_PREEMPTIONS` if set).
    pub preemption_bound: Option<usize>,
    /// loom: write each execution's path here before running it, so the file holds the
    /// failing execution when the model fails; rerun with `LOOM_CHECKPOINT_FILE=<file>` to
    /// replay it first.
    pub checkpoint_file: Option<std::path::PathBuf>,
    /// shuttle: PCT iterations (`None`: `HBSYNC_SHUTTLE_ITERATIONS`, default 1000).
    pub iterations: Option<usize>,
    /// shuttle: write the schedule of a failing execution as a file in this directory (its
    /// path is printed with the failure) instead of printing it; pass the file to
    /// [`Options::replay`].
    pub schedule_dir: Option<std::path::PathBuf>,
    /// shuttle: run one execution, the one this schedule describes, instead of exploring:
    /// the string shuttle printed with a failure, or the path of a file it wrote
    /// ([`Options::schedule_dir`]). The model must have no nondeterminism other than the
    /// schedule (no clocks, no randomness of its own) for the replay to fail the same way.
    pub replay: Option<String>,
}

/// Like [`model`], with [`Options`].
///
/// ```
/// use hbsync::check::{self, Options};
///
/// // Keep the failing execution's path, to replay it first on the next run (loom).
/// let options = Options {
///     checkpoint_file: Some(std::env::temp_dir().join("hbsync-doc-model.json")),
///     ..Default::default()
/// };
/// check::model_with(options, || {
///     let once = hbsync::Once::new();
///     once.call_once(|| {});
///     assert!(once.is_done());
/// });
/// ```
pub fn model_with<F>(options: Options, f: F)
where
    F: Fn() + Send + Sync + 'static,
{
    #[cfg(any(loom, shuttle))]
    let _run = crate::sync::ModelRun;
    #[cfg(any(loom, shuttle))]
    let f = move || {
        crate::sync::new_execution();
        crate::trace::begin();
        f();
        crate::trace::end();
        crate::sync::main_done();
    };
    #[cfg(loom)]
    {
        let mut b = loom::model::Builder::new();
        if let Some(p) = options.preemption_bound {
            b.preemption_bound = Some(p);
        } else if b.preemption_bound.is_none() {
            b.preemption_bound = Some(3);
        }
        if let Some(file) = &options.checkpoint_file {
            b.checkpoint_file = Some(file.clone());
            b.checkpoint_interval = 1;
        }
        b.check(f);
        crate::trace::finish();
    }
    #[cfg(all(shuttle, not(loom)))]
    {
        if let Some(schedule) = &options.replay {
            let path = std::path::Path::new(schedule);
            if path.is_file() {
                shuttle::replay_from_file(f, path);
            } else {
                shuttle::replay(f, schedule);
            }
            crate::trace::finish();
            return;
        }
        let iterations = options.iterations.unwrap_or_else(|| {
            std::env::var("HBSYNC_SHUTTLE_ITERATIONS")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(1000)
        });
        let mut config = shuttle::Config::new();
        if let Some(dir) = &options.schedule_dir {
            config.failure_persistence = shuttle::FailurePersistence::File(Some(dir.clone()));
        }
        let scheduler = shuttle::scheduler::PctScheduler::new(3, iterations);
        shuttle::Runner::new(scheduler, config).run(f);
        crate::trace::finish();
    }
    #[cfg(not(any(loom, shuttle)))]
    {
        let _ = options;
        f();
    }
}

/// The message of a panic payload (what `catch_unwind` returns, or a panic hook's
/// `payload()`): the checker's reports, `assert!`s and `panic!`s carry a `&str` or a
/// `String`; `None` for any other payload.
///
/// ```
/// let p = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(hbsync::check::panic_message(&*p).as_deref(), Some("boom 1"));
/// ```
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

/// Runs a future to completion on the current thread (a model thread under a checker),
/// parking between polls. Wakers unpark this thread, so hbsync's async operations can be
/// model-checked without an executor of the checker's own.
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded(1);
/// hbsync::check::block_on(async { tx.send_async(3).await.unwrap() });
/// assert_eq!(hbsync::check::block_on(rx.recv_async()), Ok(3));
/// ```
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};

    struct Unparker(crate::sync::thread::Thread);
    impl Wake for Unparker {
        fn wake(self: crate::sync::Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &crate::sync::Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(crate::sync::Arc::new(Unparker(
        crate::sync::thread::current(),
    )));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        crate::sync::thread::park();
    }
}
