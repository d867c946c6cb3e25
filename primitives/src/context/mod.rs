//! Go's `context`: cancellation trees, deadlines and request-scoped values, in Rust shape.
//!
//! ```
//! use std::time::Duration;
//! use hbsync::{chan, context::Context, select};
//!
//! // Timeout via context: the work takes too long, the deadline cancels it.
//! let (ctx, _cancel) = Context::background().with_timeout(Duration::from_millis(10));
//! let (_tx, result) = chan::bounded::<u32>(1); // the slow work never answers
//! let outcome = select! {
//!     recv(result) -> v => format!("result {v:?}"),
//!     recv(ctx.done()) -> _ => format!("gave up: {}", ctx.err().unwrap()),
//! };
//! assert_eq!(outcome, "gave up: context deadline exceeded");
//! ```
//!
//! # Structure
//!
//! A [`Context`] is an `Arc` to an immutable node: its parent, an optional value, and the
//! nearest *cancel scope* (a `CancelState` shared by the node that created it and by value
//! nodes below it). A cancel scope holds its state word (live / canceled / deadline
//! exceeded), its children (weak references), its after-funcs, and the sender of its done
//! channel, all under one small lock.
//!
//! - **Cancel** works in two passes, without recursion. First it marks the whole subtree:
//!   for each scope, parent before children, it takes that scope's lock, stores the error
//!   (first cancel wins; it is sticky), takes the children, after-funcs and deadline out, and
//!   unlocks. A scope that holds none of these (most leaves of a large tree), canceled
//!   without a cause, is marked with one CAS on its state word and no lock: a flag in that
//!   word says whether the scope holds anything, set under the lock by whatever adds the
//!   first thing, with a CAS that also finds a lock-free cancel that came first. Then it
//!   closes every done channel and starts each after-func on its own task.
//!   So a task woken by any done channel of the subtree finds every descendant's `err()`
//!   already set (Go closes a parent's done before it cancels the children; hbsync promises
//!   the stronger order). No two scope locks are ever held at once; a 100,000-deep chain is
//!   cancelled and dropped in constant stack.
//! - **A child registers in its parent under the parent's lock**; if the parent is already
//!   canceled it is born canceled instead. So a cancel racing the child's creation either
//!   finds the child or the child finds the cancel (modelled in `models/`).
//! - **No leaked registrations** (Go keeps a child in its parent until the child's cancel is
//!   called, hence `go vet`'s lostcancel check): a parent holds its children weakly, and a
//!   scope removes itself from its parent when it is canceled *or dropped*. Forgetting to
//!   call a [`CancelFunc`] leaks nothing here; calling it still cancels at once (and should
//!   be done, to stop the work early).
//! - **Deadlines** are registered with the crate's one clock, as an alarm that cancels the
//!   scope (holding it weakly). std builds: one shared timer thread rings it at the deadline,
//!   so `err()` alone sees it; a scope cancelled or dropped before its deadline withdraws the
//!   alarm at once (nothing, its cause included, waits for the deadline). Checker builds
//!   (virtual time, see [`crate::time`]): no thread; the alarm travels with every done
//!   channel at or below the scope, and a task waiting on one (a receive, a `select!` arm,
//!   `wait`) lets the checker fire the deadline at that point, so "the deadline wins" and "the
//!   work wins" are both explored. As in Go's `testing/synctest`, time does not pass for a
//!   task that only polls `err()`: in a model, wait on `done()`.
//!
//! # Happens-before
//!
//! - **HB-CTX-CANCEL**: a cancel is synchronized before every observation of it: a receive
//!   from [`Context::done`] that returns because of it (HB-CHAN-CLOSE), an [`Context::err`]
//!   or [`Context::cause`] that returns it (Release CAS at site `ctx.cancel` under the
//!   scope's lock, or `ctx.cancel.quick` without it; Acquire load at site `ctx.observe`), and
//!   the start of every after-func it runs (HB-SPAWN). A done channel made, an after-func
//!   registered or a child created after a lock-free cancel is closed, started or canceled
//!   after it (Acquire failure of the CAS at site `ctx.hold`). The cancel of a parent is
//!   synchronized before the observations of its descendants' cancellation.

use std::any::{Any, TypeId};
use std::fmt;
use std::time::{Duration, Instant};

mod deadline;
mod scope;

use scope::{CancelState, ScopeInner};

use crate::chan::Receiver;
use crate::sync::{Arc, Mutex};
use crate::OnceValue;

/// Why a context is done: `ctx.err()`, as Go's `context.Canceled` and
/// `context.DeadlineExceeded` (same messages).
///
/// ```
/// use hbsync::context::{Context, ContextError};
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// cancel.cancel();
/// assert_eq!(ctx.err(), Some(ContextError::Canceled));
/// assert_eq!(ContextError::Canceled.to_string(), "context canceled");
/// assert_eq!(ContextError::DeadlineExceeded.to_string(), "context deadline exceeded");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextError {
    /// Canceled through a cancel function, or its parent was.
    Canceled,
    /// Its deadline passed.
    DeadlineExceeded,
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Canceled => "context canceled",
            Self::DeadlineExceeded => "context deadline exceeded",
        })
    }
}

impl std::error::Error for ContextError {}

impl ContextError {
    /// Whether this is a timeout (`DeadlineExceeded`), as Go's `DeadlineExceeded` reports
    /// `Timeout() == true`.
    ///
    /// ```
    /// use hbsync::context::ContextError;
    ///
    /// assert!(ContextError::DeadlineExceeded.is_timeout());
    /// assert!(!ContextError::Canceled.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        *self == Self::DeadlineExceeded
    }
}

/// The cause of a cancellation: any error, shared ([`Context::cause`]).
///
/// ```
/// use hbsync::context::{Cause, Context};
///
/// let (ctx, cancel) = Context::background().with_cancel_cause();
/// cancel.cancel(std::io::Error::other("shutting down"));
/// let cause: Cause = ctx.cause().unwrap();
/// assert_eq!(cause.to_string(), "shutting down");
/// ```
pub type Cause = Arc<dyn std::error::Error + Send + Sync>;

/// A typed key for [`Context::with_value`]: the key is a type, so keys of different
/// packages never collide and the value's type is known (no string keys, no downcasts).
///
/// ```
/// use hbsync::context::{Context, Key};
///
/// struct RequestId;
/// impl Key for RequestId {
///     type Value = u64;
/// }
///
/// let ctx = Context::background().with_value(RequestId, 42);
/// assert_eq!(ctx.value(RequestId), Some(&42));
/// ```
pub trait Key: 'static {
    /// The type of the value stored under this key.
    type Value: Send + Sync + 'static;
}

/// One immutable node of a context tree.
struct Node {
    parent: Option<Arc<Node>>,
    value: Option<(TypeId, Box<dyn Any + Send + Sync>)>,
    /// The nearest cancel scope (`None`: never canceled: background, `without_cancel`).
    scope: Option<Arc<CancelState>>,
    deadline: Option<Instant>,
    /// `done()` of a context that is never canceled: a channel that never closes.
    never: OnceValue<Receiver<()>>,
}

impl Drop for Node {
    /// Drops a chain of ancestors this was the last holder of one by one, not recursively.
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(node) = next {
            next = Arc::into_inner(node).and_then(|mut n| n.parent.take());
        }
    }
}

/// A context: carries cancellation, a deadline and values across API boundaries and tasks,
/// as Go's `context.Context`. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// Cancelling a context cancels all its descendants and never its parent; the first cancel
/// wins; a child's deadline is never later than its parent's; a child of a canceled parent
/// is born canceled. HB-CTX-CANCEL: a cancel is synchronized before every observation of it.
///
/// ```
/// use hbsync::context::{Context, ContextError};
///
/// let root = Context::background();
/// let (parent, cancel) = root.with_cancel();
/// let (child, _child_cancel) = parent.with_cancel();
/// let worker = std::thread::spawn(move || {
///     let _ = child.done().recv(); // blocks until the parent is cancelled
///     child.err()
/// });
/// cancel.cancel();
/// assert_eq!(worker.join().unwrap(), Some(ContextError::Canceled));
/// assert_eq!(root.err(), None, "a cancel never reaches the parent");
/// ```
#[derive(Clone)]
pub struct Context {
    node: Arc<Node>,
}

/// Cancels its context (and the context's descendants) with [`ContextError::Canceled`].
/// Calling it again does nothing. Dropping it without calling leaks nothing (see the module
/// docs), but the context then ends only by its parent or its deadline.
///
/// ```
/// use hbsync::context::Context;
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// let also = cancel.clone(); // any clone cancels the same context
/// also.cancel();
/// cancel.cancel(); // again: nothing more happens
/// assert!(ctx.err().is_some());
/// ```
#[must_use = "call cancel() when the work is done, so the context's work stops early"]
#[derive(Clone)]
pub struct CancelFunc {
    scope: Arc<CancelState>,
}

/// Cancels its context with a cause ([`Context::cause`] returns it).
///
/// ```
/// use hbsync::context::{Context, ContextError};
///
/// let (ctx, cancel) = Context::background().with_cancel_cause();
/// cancel.cancel(std::io::Error::other("client went away"));
/// assert_eq!(ctx.err(), Some(ContextError::Canceled));
/// assert_eq!(ctx.cause().unwrap().to_string(), "client went away");
/// ```
#[must_use = "call cancel() when the work is done, so the context's work stops early"]
#[derive(Clone)]
pub struct CancelCauseFunc {
    scope: Arc<CancelState>,
}

/// Returned by [`Context::after_func`]: stops the function from running.
///
/// ```
/// use hbsync::context::Context;
///
/// let (ctx, cancel) = Context::background().with_cancel();
/// let stop = ctx.after_func(|| panic!("stopped before the cancel: never runs"));
/// assert!(stop.stop(), "this stop kept it from running");
/// cancel.cancel();
/// ```
pub struct AfterFunc {
    scope: Option<Arc<CancelState>>,
    id: u64,
    /// A function on a context that is never canceled is held here (it never runs); `stop`
    /// drops it, so the first `stop` returns `true` and later ones `false`, as in Go.
    parked: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl CancelFunc {
    /// Cancels (idempotent).
    ///
    /// ```
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// assert_eq!(ctx.err(), None);
    /// cancel.cancel();
    /// assert_eq!(ctx.err(), Some(ContextError::Canceled));
    /// assert!(ctx.done().recv().is_err(), "done is closed");
    /// ```
    pub fn cancel(&self) {
        self.scope.cancel_by_own(ContextError::Canceled, None);
    }
}

impl CancelFunc {
    /// A guard that cancels when it is dropped: scope-bound work cannot forget to cancel,
    /// on any path out (a `?`, a panic).
    ///
    /// ```
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// {
    ///     let _guard = cancel.into_guard();
    ///     assert_eq!(ctx.err(), None);
    /// } // dropped: cancelled
    /// assert_eq!(ctx.err(), Some(ContextError::Canceled));
    /// ```
    pub fn into_guard(self) -> CancelGuard {
        CancelGuard { func: Some(self) }
    }
}

/// Cancels its context when dropped ([`CancelFunc::into_guard`]), also on a panic or an
/// early return:
///
/// ```
/// use hbsync::context::Context;
///
/// fn work(ctx: &Context) -> Result<(), &'static str> {
///     let (_child, cancel) = ctx.with_cancel();
///     let _guard = cancel.into_guard();
///     Err("gave up early") // the guard cancels `_child` on this path too
/// }
/// assert!(work(&Context::background()).is_err());
/// ```
#[must_use = "the context is cancelled as soon as the guard is dropped"]
#[derive(Debug)]
pub struct CancelGuard {
    func: Option<CancelFunc>,
}

impl CancelGuard {
    /// Cancels now (idempotent; the drop then does nothing more).
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let guard = cancel.into_guard();
    /// guard.cancel();
    /// assert!(ctx.err().is_some());
    /// ```
    pub fn cancel(&self) {
        if let Some(f) = &self.func {
            f.cancel();
        }
    }

    /// Gives the cancel function back without cancelling.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let guard = cancel.into_guard();
    /// let cancel = guard.disarm(); // dropping it now cancels nothing
    /// assert_eq!(ctx.err(), None);
    /// cancel.cancel();
    /// assert!(ctx.err().is_some());
    /// ```
    pub fn disarm(mut self) -> CancelFunc {
        self.func
            .take()
            .expect("a guard holds its function until disarmed")
    }
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        if let Some(f) = self.func.take() {
            f.cancel();
        }
    }
}

impl CancelCauseFunc {
    /// Cancels with `cause`, any error (an `Arc<dyn Error>` too); idempotent: only the first
    /// cancel's cause is kept.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// cancel.cancel(std::io::Error::other("first"));
    /// cancel.cancel(std::io::Error::other("second")); // ignored
    /// assert_eq!(ctx.cause().unwrap().to_string(), "first");
    /// ```
    pub fn cancel<E: std::error::Error + Send + Sync + 'static>(&self, cause: E) {
        self.scope
            .cancel_by_own(ContextError::Canceled, Some(Arc::new(cause)));
    }
}

impl AfterFunc {
    /// Stops the function: `true` if this prevented it from running; `false` if the context
    /// was already canceled (the function has been started on its own task) or it was
    /// already stopped. As Go's `stop`.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let f = ctx.after_func(|| unreachable!("stopped before the cancel"));
    /// assert!(f.stop(), "this call prevented it");
    /// assert!(!f.stop());
    /// cancel.cancel();
    /// ```
    pub fn stop(&self) -> bool {
        // The function is dropped after the lock is released: it may own contexts below
        // this scope, whose drop unregisters them under this very lock.
        let f = match &self.scope {
            None => self.parked.lock().take(),
            Some(scope) => scope.inner.lock().after.remove(&self.id),
        };
        let stopped = f.is_some();
        drop(f);
        stopped
    }
}

impl Context {
    /// The root context: never canceled, no deadline, no values (Go's `context.Background`).
    ///
    /// ```
    /// let ctx = hbsync::context::Context::background();
    /// assert_eq!(ctx.err(), None); // never canceled
    /// assert_eq!(ctx.deadline(), None);
    /// ```
    pub fn background() -> Self {
        Self::root(None, None)
    }

    fn root(
        parent: Option<Arc<Node>>,
        value: Option<(TypeId, Box<dyn Any + Send + Sync>)>,
    ) -> Self {
        Self {
            node: Arc::new(Node {
                parent,
                value,
                scope: None,
                deadline: None,
                never: OnceValue::new_now(),
            }),
        }
    }

    /// A child with its own cancel scope and `deadline` (already merged with the parent's).
    /// Registration and the "parent already canceled" check are one step under the parent's
    /// lock, so a concurrent cancel of the parent either finds the child or is found by it.
    fn child_scope(&self, deadline: Option<Instant>) -> (Self, Arc<CancelState>) {
        let scope = match &self.node.scope {
            None => Arc::new(CancelState::new(None, ScopeInner::default())),
            Some(p) => {
                let mut inner = p.inner.lock();
                let slot = inner.children.next_slot();
                let scope = Arc::new(CancelState::new(
                    Some((p.clone(), slot)),
                    ScopeInner {
                        #[cfg(any(loom, shuttle))]
                        alarm: inner.alarm.clone(),
                        ..ScopeInner::default()
                    },
                ));
                let born_canceled = match p.adopt(&mut inner, Arc::downgrade(&scope)) {
                    Ok(got) => {
                        debug_assert_eq!(got, slot, "the slot the child was built with");
                        None
                    }
                    Err(canceled) => Some(canceled),
                };
                drop(inner);
                if let Some((err, cause)) = born_canceled {
                    scope.cancel(err, cause);
                }
                scope
            }
        };
        let ctx = Self {
            node: Arc::new(Node {
                parent: Some(self.node.clone()),
                value: None,
                scope: Some(scope.clone()),
                deadline,
                never: OnceValue::new_now(),
            }),
        };
        (ctx, scope)
    }

    /// A child context and the function that cancels it. HB-CTX-CANCEL.
    ///
    /// ```
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (parent, cancel_parent) = Context::background().with_cancel();
    /// let (child, _cancel_child) = parent.with_cancel();
    /// cancel_parent.cancel();
    /// assert_eq!(child.err(), Some(ContextError::Canceled)); // descendants too
    /// assert!(child.done().recv().is_err()); // done is closed
    /// ```
    pub fn with_cancel(&self) -> (Self, CancelFunc) {
        let (ctx, scope) = self.child_scope(self.deadline());
        (ctx, CancelFunc { scope })
    }

    /// Like [`with_cancel`](Context::with_cancel), cancelled with a cause.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// cancel.cancel(std::io::Error::other("upstream closed"));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "upstream closed");
    /// assert_eq!(ctx.err().unwrap().to_string(), "context canceled");
    /// ```
    pub fn with_cancel_cause(&self) -> (Self, CancelCauseFunc) {
        let (ctx, scope) = self.child_scope(self.deadline());
        (ctx, CancelCauseFunc { scope })
    }

    /// A child that is cancelled with [`ContextError::DeadlineExceeded`] at `deadline`, or
    /// at its parent's deadline if that is earlier. A deadline already past cancels at once.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, _cancel) = Context::background().with_deadline(Instant::now() + Duration::from_millis(5));
    /// assert_eq!(ctx.wait(), ContextError::DeadlineExceeded);
    /// assert!(ctx.err().unwrap().is_timeout());
    /// ```
    pub fn with_deadline(&self, deadline: Instant) -> (Self, CancelFunc) {
        self.with_deadline_inner(deadline, None)
    }

    /// Like [`with_deadline`](Context::with_deadline); `cause` is the cause when the deadline
    /// fires.
    ///
    /// ```
    /// use std::time::Instant;
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, _cancel) = Context::background()
    ///     .with_deadline_cause(Instant::now(), std::io::Error::other("batch window over"));
    /// assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "batch window over");
    /// ```
    pub fn with_deadline_cause<E: std::error::Error + Send + Sync + 'static>(
        &self,
        deadline: Instant,
        cause: E,
    ) -> (Self, CancelFunc) {
        self.with_deadline_inner(deadline, Some(Arc::new(cause)))
    }

    /// `with_deadline(now + timeout)`; a zero timeout is a deadline already past.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, _cancel) = Context::background().with_timeout(Duration::from_millis(5));
    /// assert!(ctx.done().recv().is_err()); // blocks until the deadline
    /// assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    /// ```
    pub fn with_timeout(&self, timeout: Duration) -> (Self, CancelFunc) {
        self.with_timeout_inner(timeout, None)
    }

    /// Like [`with_timeout`](Context::with_timeout), with a cause for the deadline.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, _cancel) = Context::background()
    ///     .with_timeout_cause(Duration::from_millis(1), std::io::Error::other("too slow"));
    /// let _ = ctx.done().recv(); // until the deadline
    /// assert_eq!(ctx.err(), Some(ContextError::DeadlineExceeded));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "too slow");
    /// ```
    pub fn with_timeout_cause<E: std::error::Error + Send + Sync + 'static>(
        &self,
        timeout: Duration,
        cause: E,
    ) -> (Self, CancelFunc) {
        self.with_timeout_inner(timeout, Some(Arc::new(cause)))
    }

    fn with_timeout_inner(&self, timeout: Duration, cause: Option<Cause>) -> (Self, CancelFunc) {
        let now = Instant::now();
        match now.checked_add(timeout) {
            Some(d) if !timeout.is_zero() => self.with_deadline_inner(d, cause),
            Some(_) => self.with_deadline_inner(now, cause), // zero: already past
            None => {
                // Too far to represent: no deadline of our own.
                let (ctx, scope) = self.child_scope(self.deadline());
                (ctx, CancelFunc { scope })
            }
        }
    }

    fn with_deadline_inner(&self, deadline: Instant, cause: Option<Cause>) -> (Self, CancelFunc) {
        if let Some(parent) = self.deadline().filter(|p| *p <= deadline) {
            // The parent's deadline comes first and cancels us anyway (Go does the same).
            let (ctx, scope) = self.child_scope(Some(parent));
            return (ctx, CancelFunc { scope });
        }
        let (ctx, scope) = self.child_scope(Some(deadline));
        if Instant::now() >= deadline {
            scope.cancel_by_own(ContextError::DeadlineExceeded, cause);
        } else {
            deadline::arm(&scope, deadline, cause);
        }
        (ctx, CancelFunc { scope })
    }

    /// A child carrying `value` under key `K`; it shares the parent's cancellation and
    /// deadline.
    ///
    /// ```
    /// use hbsync::context::{Context, Key};
    ///
    /// struct User;
    /// impl Key for User {
    ///     type Value = String;
    /// }
    /// let (parent, cancel) = Context::background().with_cancel();
    /// let ctx = parent.with_value(User, "ada".to_string());
    /// assert_eq!(ctx.value(User).map(String::as_str), Some("ada"));
    /// cancel.cancel();
    /// assert!(ctx.err().is_some(), "a value child shares the parent's cancellation");
    /// ```
    pub fn with_value<K: Key>(&self, _key: K, value: K::Value) -> Self {
        Self {
            node: Arc::new(Node {
                parent: Some(self.node.clone()),
                value: Some((TypeId::of::<K>(), Box::new(value))),
                scope: self.node.scope.clone(),
                deadline: self.node.deadline,
                never: OnceValue::new_now(),
            }),
        }
    }

    /// The value under key `K` in this context or the nearest ancestor that has one.
    ///
    /// ```
    /// use hbsync::context::{Context, Key};
    ///
    /// struct Depth;
    /// impl Key for Depth {
    ///     type Value = u32;
    /// }
    /// let outer = Context::background().with_value(Depth, 1);
    /// let (inner, _cancel) = outer.with_cancel();
    /// assert_eq!(inner.value(Depth), Some(&1)); // found on an ancestor
    /// assert_eq!(Context::background().value(Depth), None);
    /// ```
    pub fn value<K: Key>(&self, _key: K) -> Option<&K::Value> {
        let want = TypeId::of::<K>();
        let mut node = &self.node;
        loop {
            if let Some((k, v)) = &node.value {
                if *k == want {
                    return v.downcast_ref::<K::Value>();
                }
            }
            node = node.parent.as_ref()?;
        }
    }

    /// A child that keeps the values but is never canceled and has no deadline (Go's
    /// `context.WithoutCancel`): for work that must outlive the request.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let detached = ctx.without_cancel();
    /// cancel.cancel();
    /// assert!(ctx.err().is_some());
    /// assert_eq!(detached.err(), None);
    /// ```
    pub fn without_cancel(&self) -> Self {
        Self::root(Some(self.node.clone()), None)
    }

    /// Runs `f` on its own task once this context is canceled (at once if it already is);
    /// the returned handle's [`stop`](AfterFunc::stop) prevents it. Go's
    /// `context.AfterFunc`. HB-CTX-CANCEL: the cancel happens before `f` starts.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let (tx, rx) = hbsync::chan::bounded(1);
    /// let _stop = ctx.after_func(move || tx.send("cleaned up").unwrap());
    /// cancel.cancel();
    /// assert_eq!(rx.recv(), Ok("cleaned up"));
    /// ```
    pub fn after_func<F: FnOnce() + Send + 'static>(&self, f: F) -> AfterFunc {
        let Some(scope) = &self.node.scope else {
            // Never canceled: never runs.
            return AfterFunc {
                scope: None,
                id: 0,
                parked: Mutex::new(Some(Box::new(f))),
            };
        };
        let mut inner = scope.inner.lock();
        let kept = scope.keep_after(&mut inner, Box::new(f));
        drop(inner);
        let id = match kept {
            Ok(id) => id,
            Err(f) => {
                drop(crate::go(f)); // HB-SPAWN, after the cancel `keep_after` found
                0 // no entry: stop() returns false
            }
        };
        AfterFunc {
            scope: Some(scope.clone()),
            id,
            parked: Mutex::new(None),
        }
    }

    /// `None` while not canceled; then why, forever (one Acquire load). HB-CTX-CANCEL.
    ///
    /// ```
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (parent, cancel) = Context::background().with_cancel();
    /// let (child, _child_cancel) = parent.with_cancel();
    /// assert_eq!(child.err(), None);
    /// cancel.cancel();
    /// assert_eq!(child.err(), Some(ContextError::Canceled)); // reaches descendants
    /// ```
    #[inline]
    pub fn err(&self) -> Option<ContextError> {
        self.node.scope.as_ref()?.err()
    }

    /// The cause of the cancellation: the one given to a [`CancelCauseFunc`] or a deadline
    /// with cause, else the [`ContextError`] itself; `None` while not canceled.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel_cause();
    /// cancel.cancel(std::io::Error::other("shutting down"));
    /// assert_eq!(ctx.cause().unwrap().to_string(), "shutting down");
    /// assert_eq!(ctx.err(), Some(hbsync::context::ContextError::Canceled));
    /// ```
    pub fn cause(&self) -> Option<Cause> {
        self.node.scope.as_ref()?.cause()
    }

    /// The deadline, if this context or an ancestor has one.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::context::Context;
    ///
    /// let (ctx, _cancel) = Context::background().with_timeout(Duration::from_secs(60));
    /// let (child, _c) = ctx.with_cancel();
    /// assert_eq!(child.deadline(), ctx.deadline()); // inherited
    /// assert!(ctx.deadline().is_some());
    /// ```
    pub fn deadline(&self) -> Option<Instant> {
        self.node.deadline
    }

    /// A receiver that is closed when this context is canceled (never, for a context that
    /// cannot be): use it in `select!` (`recv(ctx.done())`), block on it
    /// (`ctx.done().recv()`), or await it (`ctx.done().recv_async()`). HB-CTX-CANCEL
    /// through HB-CHAN-CLOSE.
    ///
    /// ```
    /// use hbsync::context::Context;
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let (_tx, jobs) = hbsync::chan::bounded::<u32>(1);
    /// std::thread::spawn(move || cancel.cancel());
    /// hbsync::select! {
    ///     recv(jobs) -> _job => unreachable!("nobody sends"),
    ///     recv(ctx.done()) -> _ => assert!(ctx.err().is_some()),
    /// }
    /// ```
    pub fn done(&self) -> &Receiver<()> {
        match &self.node.scope {
            Some(scope) => scope.done(),
            None => self.node.never.get_or_init(crate::time::never),
        }
    }

    /// Blocks until this context is canceled; returns why.
    ///
    /// ```
    /// use hbsync::context::{Context, ContextError};
    ///
    /// let (ctx, cancel) = Context::background().with_cancel();
    /// let t = std::thread::spawn(move || cancel.cancel());
    /// assert_eq!(ctx.wait(), ContextError::Canceled); // blocks until canceled
    /// t.join().unwrap();
    /// ```
    pub fn wait(&self) -> ContextError {
        let _ = self.done().recv();
        self.err()
            .expect("done is closed only after the context is canceled")
    }

    /// Waits from an async task until this context is canceled; returns why.
    pub async fn wait_async(&self) -> ContextError {
        let _ = self.done().recv_async().await;
        self.err()
            .expect("done is closed only after the context is canceled")
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let children = self
            .node
            .scope
            .as_ref()
            .map_or(0, |s| s.inner.lock().children.len());
        f.debug_struct("Context")
            .field("err", &self.err())
            .field("deadline", &self.deadline())
            .field("children", &children)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AfterFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AfterFunc")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for CancelFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelFunc").finish_non_exhaustive()
    }
}

impl fmt::Debug for CancelCauseFunc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CancelCauseFunc").finish_non_exhaustive()
    }
}
