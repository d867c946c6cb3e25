//! Cancel scopes: the tree of cancellation under every [`Context`](super::Context), with its
//! two-pass, non-recursive cancel (see the module docs of [`crate::context`]). Deadlines are
//! armed in [`super::deadline`].

use std::collections::BTreeMap;

use super::{Cause, ContextError};
use crate::chan::{self, Receiver, Sender};
use crate::clock::Alarm;
use crate::sync::atomic::{AtomicUsize, Ordering};
use crate::sync::mutant::{self, ord};
use crate::sync::{Arc, Mutex, Weak};
use crate::OnceValue;

/// Not canceled (the only state with no error); the state leaves it once, under the scope lock.
const LIVE: usize = 0;
/// Canceled by a cancel function or a parent's cancel: `err()` is `Canceled`.
const CANCELED: usize = 1;
/// Canceled by a deadline (its own or an ancestor's): `err()` is `DeadlineExceeded`.
const EXCEEDED: usize = 2;

/// A cancel scope (see the module docs).
pub(super) struct CancelState {
    /// `LIVE`, `CANCELED` or `EXCEEDED`; set once, under `inner`'s lock.
    pub(super) state: AtomicUsize,
    pub(super) inner: Mutex<ScopeInner>,
    /// The done channel's receiver, made on first use.
    pub(super) done: OnceValue<Receiver<()>>,
    /// Our registration in the parent scope, removed when we are canceled or dropped.
    pub(super) parent: Option<(Arc<CancelState>, u64)>,
}

#[derive(Default)]
pub(super) struct ScopeInner {
    pub(super) cause: Option<Cause>,
    /// The done channel's only sender: closed (dropped) at cancel.
    pub(super) done_tx: Option<Sender<()>>,
    /// BTreeMaps, not HashMaps: deterministic order keeps models replayable.
    pub(super) children: BTreeMap<u64, Weak<CancelState>>,
    pub(super) after: BTreeMap<u64, Box<dyn FnOnce() + Send>>,
    pub(super) next_id: u64,
    /// This scope's deadline with the clock, withdrawn when the scope is canceled or dropped
    /// (so neither it nor its cause waits for the deadline). In std builds only the scope's
    /// own; in checker builds also one inherited from an ancestor, because in virtual time
    /// a deadline rings when a task waits on a done channel at or below its scope (see
    /// [`crate::clock::Alarm`]).
    pub(super) alarm: Option<Alarm>,
}

impl ScopeInner {
    pub(super) fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

impl CancelState {
    /// A scope below `parent` (registered under `id` there). `inner` starts empty, but in
    /// checker builds carries the deadline's alarm inherited from the parent.
    pub(super) fn new(parent: Option<(Arc<CancelState>, u64)>, inner: ScopeInner) -> Self {
        Self {
            state: AtomicUsize::new(LIVE),
            inner: Mutex::new(inner),
            done: OnceValue::new_now(),
            parent,
        }
    }

    /// The observation: Acquire, pairs with the Release store in `cancel` (HB-CTX-CANCEL,
    /// site `ctx.observe`). This is the whole cost of checking for cancellation.
    // MODEL GAP: loom runs a store's thread before a load only at a scheduling point, so a
    // model that peeks at `err()` once (no yield, no wait) never sees a concurrent cancel and
    // proves nothing about this load; the litmus polls with a yield (proofs/CLAIMS.md).
    #[inline]
    pub(super) fn err(&self) -> Option<ContextError> {
        match self.state.load(ord(mutant::CTX_OBSERVE, Ordering::Acquire)) {
            LIVE => None,
            CANCELED => Some(ContextError::Canceled),
            _ => Some(ContextError::DeadlineExceeded),
        }
    }

    pub(super) fn done(&self) -> &Receiver<()> {
        self.done.get_or_init(|| {
            let mut inner = self.inner.lock();
            #[cfg(not(any(loom, shuttle)))]
            let (tx, rx) = chan::bounded(0);
            // Virtual time: the done channel carries the deadline's alarm, which a wait on it
            // rings when its deadline fires, so a wait explores "the deadline wins".
            #[cfg(any(loom, shuttle))]
            let (tx, rx) = match inner.alarm.clone() {
                Some(alarm) => chan::alarm_pair(alarm),
                None => chan::bounded(0),
            };
            // Relaxed: under the lock that `cancel` stores under, which orders the two; no
            // edge of HB-CTX-CANCEL rests on this load (the done channel's close carries it).
            let born_done = if self.state.load(Ordering::Relaxed) == LIVE {
                inner.done_tx = Some(tx);
                None
            } else {
                Some(tx)
            };
            drop(inner);
            drop(born_done); // closes the channel of a scope already cancelled
            rx
        })
    }

    /// Cancels this scope and its descendants; `false` if it was already canceled (the
    /// first cancel wins: error and cause never change after).
    ///
    /// In two passes, without recursion (a chain of 100,000 contexts is fine): first every
    /// scope of the subtree is marked canceled, parent before children, each under its own
    /// lock; then the done channels are closed and the after-funcs started. So whoever is
    /// woken by a done channel already finds every descendant's `err()` set (stronger than Go,
    /// where a waiter woken by the parent's done can still see a child not yet canceled).
    pub(super) fn cancel(&self, err: ContextError, cause: Option<Cause>) -> bool {
        let Some(first) = self.mark(err, &cause) else {
            return false;
        };
        // The second pass needs only the done channels made so far, the deadlines and the
        // after-funcs: most scopes have none, so a large subtree allocates little (one
        // pointer per scope still to visit).
        let mut closes: Vec<Sender<()>> = Vec::new();
        let mut alarms = Vec::new();
        let mut afters = Vec::new();
        let mut pending: Vec<Arc<CancelState>> = Vec::new();
        let mut keep = |m: Marked, pending: &mut Vec<Arc<CancelState>>| {
            pending.extend(m.children.into_values().filter_map(|w| w.upgrade()));
            closes.extend(m.done_tx);
            alarms.extend(m.alarm);
            afters.extend(m.after.into_values());
        };
        keep(first, &mut pending);
        while let Some(next) = pending.pop() {
            if let Some(m) = next.mark(err, &cause) {
                keep(m, &mut pending);
            }
        }
        crate::trace::record(|| {
            let name = crate::trace::obj("ctx", self as *const Self as usize);
            format!("cancel {name} ({err})")
        });
        for alarm in alarms {
            alarm.cancel(); // the deadline is moot now
        }
        for done_tx in closes {
            // Closing the done channel: HB-CHAN-CLOSE to every receive that returns because
            // of it.
            drop(done_tx);
        }
        for f in afters {
            drop(crate::go(f)); // HB-SPAWN: the cancel happens before f starts
        }
        true
    }

    /// The first pass of `cancel` for this one scope: stores the error and cause, and takes
    /// out what the second pass needs. `None` if it was already canceled.
    fn mark(&self, err: ContextError, cause: &Option<Cause>) -> Option<Marked> {
        let mut inner = self.inner.lock();
        // Relaxed: the state is only written under this lock; the HB-CTX-CANCEL edge is
        // the Release store below.
        if self.state.load(Ordering::Relaxed) != LIVE {
            return None;
        }
        // Only an explicit cause is stored; `cause()` makes the error into one on demand
        // (no allocation per cancelled child).
        inner.cause = cause.clone();
        let code = match err {
            ContextError::Canceled => CANCELED,
            ContextError::DeadlineExceeded => EXCEEDED,
        };
        // Release: everything before the cancel happens before any `err`/`cause` that
        // observes it (HB-CTX-CANCEL, site `ctx.cancel`). Stored after the cause, so an
        // observer of the state also sees the cause.
        self.state
            .store(code, ord(mutant::CTX_CANCEL, Ordering::Release));
        Some(Marked {
            done_tx: inner.done_tx.take(),
            children: std::mem::take(&mut inner.children),
            after: std::mem::take(&mut inner.after),
            alarm: inner.alarm.take(),
        })
    }

    pub(super) fn cause(&self) -> Option<Cause> {
        let err = self.err()?;
        let given = self.inner.lock().cause.clone();
        Some(given.unwrap_or_else(|| Arc::new(err)))
    }

    /// A cancel of this scope's own (its cancel function or its deadline, not its parent's):
    /// cancels, then drops the registration in the parent, which no longer needs to reach us.
    pub(super) fn cancel_by_own(&self, err: ContextError, cause: Option<Cause>) {
        if self.cancel(err, cause) {
            self.unregister();
        }
    }

    /// Keeps `alarm` (this scope's deadline with the clock) until the scope is canceled or
    /// dropped; withdraws it at once if the scope is canceled already (perhaps by this very
    /// deadline).
    pub(super) fn keep_alarm(&self, alarm: Alarm) {
        let mut inner = self.inner.lock();
        // Relaxed: under the lock that `mark` stores under; no edge rests on it.
        if self.state.load(Ordering::Relaxed) == LIVE {
            inner.alarm = Some(alarm);
        } else {
            drop(inner);
            alarm.cancel();
        }
    }

    /// Removes our registration from the parent (after our cancel, or at drop).
    fn unregister(&self) {
        if let Some((parent, id)) = &self.parent {
            parent.inner.lock().children.remove(id);
        }
    }
}

impl Drop for CancelState {
    /// Unregisters from the parent, and drops a chain of parents that this was the last
    /// holder of one by one, not recursively (a 100,000-deep chain must not overflow).
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        let alarm = self.inner.lock().alarm.take();
        if let Some(alarm) = alarm {
            alarm.cancel();
        }
        let mut next = self.parent.take();
        while let Some((parent, id)) = next {
            parent.inner.lock().children.remove(&id);
            // The parent drops at the end of this step with its own parent taken out: its
            // `Drop` (this function) does not go further up; this loop does.
            next = Arc::into_inner(parent).and_then(|mut p| p.parent.take());
        }
    }
}

/// What the first pass of a cancel takes out of one scope for the second.
struct Marked {
    done_tx: Option<Sender<()>>,
    children: BTreeMap<u64, Weak<CancelState>>,
    after: BTreeMap<u64, Box<dyn FnOnce() + Send>>,
    alarm: Option<Alarm>,
}
