//! [`Group`]: a task group whose first error cancels the rest, Go's `errgroup` (and the
//! gather / task group that Python and Kotlin programmers reach for).
//!
//! Built from smaller proved parts: a [`WaitGroup`] counts the tasks (HB-WG: every task's
//! work happens before `wait` returns), a [`Mutex`] keeps the first failure, and a
//! [`Context`] cancel tells the other tasks to stop (HB-CTX-CANCEL).

use std::any::Any;
use std::fmt;

use crate::context::{CancelFunc, Context};
use crate::sync::Arc;
use crate::{Mutex, WaitGroup};

/// What ended a task badly: its error, or its panic.
enum Failure<E> {
    Error(E),
    Panic(Box<dyn Any + Send>),
}

/// A group of tasks that succeed or fail together, as Go's `errgroup.Group`.
///
/// [`go`](Group::go) starts a task returning `Result<(), E>`; [`wait`](Group::wait) blocks
/// until every task ended and returns the first error. With
/// [`with_context`](Group::with_context), the first error (or panic) cancels the group's
/// context, so the other tasks can stop early; the context is cancelled when `wait` returns
/// too. A panicking task does not take the others down: it is recorded like an error, and
/// `wait` resumes the first panic once every task ended (a panic wins over an error). In
/// checker builds (loom, shuttle) a task's panic is not caught: it fails the model at once.
///
/// Happens-before: everything a task did happens before `wait` returns (HB-WG); the first
/// failure is synchronized before every observation of the cancellation (HB-CTX-CANCEL).
///
/// ```
/// use hbsync::{context::Context, Group};
///
/// let (group, ctx) = Group::<String>::with_context(&Context::background());
/// for i in 0..4 {
///     let ctx = ctx.clone();
///     group.go(move || {
///         if i == 2 {
///             return Err(format!("task {i} failed"));
///         }
///         ctx.done().recv().ok(); // the others wait until the group gives up
///         Ok(())
///     });
/// }
/// assert_eq!(group.wait(), Err("task 2 failed".to_string()));
/// assert!(ctx.err().is_some());
/// ```
pub struct Group<E> {
    wg: WaitGroup,
    first: Arc<Mutex<Option<Failure<E>>>>,
    cancel: Option<CancelFunc>,
}

impl<E> Clone for Group<E> {
    fn clone(&self) -> Self {
        Self {
            wg: self.wg.clone(),
            first: self.first.clone(),
            cancel: self.cancel.clone(),
        }
    }
}

impl<E> fmt::Debug for Group<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Group")
            .field("tasks", &self.wg)
            .field("cancels", &self.cancel.is_some())
            .finish_non_exhaustive()
    }
}

impl<E: Send + 'static> Default for Group<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Send + 'static> Group<E> {
    /// A group without a context: a failure is only reported by `wait`.
    ///
    /// ```
    /// let group = hbsync::Group::<&str>::new();
    /// group.go(|| Ok(()));
    /// group.go(|| Err("bad input"));
    /// assert_eq!(group.wait(), Err("bad input"));
    /// ```
    pub fn new() -> Self {
        Self {
            wg: WaitGroup::new(),
            first: Arc::new(Mutex::new(None)),
            cancel: None,
        }
    }

    /// A group and a child of `parent` that is cancelled by the group's first failure, or
    /// when `wait` returns (Go's `errgroup.WithContext`).
    ///
    /// ```
    /// use hbsync::context::Context;
    /// use hbsync::Group;
    ///
    /// let (group, ctx) = Group::<String>::with_context(&Context::background());
    /// let watcher = ctx.clone();
    /// group.go(move || {
    ///     watcher.wait(); // canceled by the other task's failure
    ///     Ok(())
    /// });
    /// group.go(|| Err("disk full".to_string()));
    /// assert_eq!(group.wait(), Err("disk full".to_string()));
    /// assert!(ctx.err().is_some());
    /// ```
    pub fn with_context(parent: &Context) -> (Self, Context) {
        let (ctx, cancel) = parent.with_cancel();
        let group = Self {
            cancel: Some(cancel),
            ..Self::new()
        };
        (group, ctx)
    }

    /// Starts `f` on a new task of the group ([`go`](crate::go)). A panic in `f` is
    /// re-raised by [`wait`](Group::wait).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::sync::Arc;
    ///
    /// let done = Arc::new(AtomicU32::new(0));
    /// let group = hbsync::Group::<std::io::Error>::new();
    /// for _ in 0..3 {
    ///     let done = done.clone();
    ///     group.go(move || {
    ///         done.fetch_add(1, Ordering::Relaxed);
    ///         Ok(())
    ///     });
    /// }
    /// assert!(group.wait().is_ok());
    /// assert_eq!(done.load(Ordering::Relaxed), 3);
    /// ```
    pub fn go<F>(&self, f: F)
    where
        F: FnOnce() -> Result<(), E> + Send + 'static,
    {
        let group = self.clone();
        self.wg.go(move || {
            let failure = if crate::sync::CHECKER {
                f().err().map(Failure::Error)
            } else {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                    Ok(r) => r.err().map(Failure::Error),
                    Err(p) => Some(Failure::Panic(p)),
                }
            };
            if let Some(failure) = failure {
                group.record(failure);
            }
        });
    }

    /// Keeps the first failure (a panic replaces an earlier error) and cancels the context.
    fn record(&self, failure: Failure<E>) {
        {
            let mut first = self.first.lock();
            match (&*first, &failure) {
                (None, _) | (Some(Failure::Error(_)), Failure::Panic(_)) => *first = Some(failure),
                _ => {}
            }
        }
        if let Some(c) = &self.cancel {
            c.cancel();
        }
    }

    /// Blocks until every task of the group ended; returns the first error (once: a second
    /// `wait` returns `Ok`).
    ///
    /// # Panics
    /// Resumes the first task panic, after every task ended.
    ///
    /// ```
    /// let group = hbsync::Group::<&str>::new();
    /// for i in 0..3 {
    ///     group.go(move || if i == 1 { Err("task 1 failed") } else { Ok(()) });
    /// }
    /// assert_eq!(group.wait(), Err("task 1 failed"));
    /// ```
    pub fn wait(&self) -> Result<(), E> {
        self.wg.wait();
        self.finish()
    }

    /// Like [`wait`](Group::wait), from an async task.
    pub async fn wait_async(&self) -> Result<(), E> {
        self.wg.wait_async().await;
        self.finish()
    }

    fn finish(&self) -> Result<(), E> {
        if let Some(c) = &self.cancel {
            c.cancel();
        }
        let first = self.first.lock().take();
        match first {
            None => Ok(()),
            Some(Failure::Error(e)) => Err(e),
            Some(Failure::Panic(p)) => std::panic::resume_unwind(p),
        }
    }
}
