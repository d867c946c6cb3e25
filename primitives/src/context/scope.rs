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

/// Not canceled (the only state with no error); the state leaves it once.
const LIVE: usize = 0;
/// Canceled by a cancel function or a parent's cancel: `err()` is `Canceled`.
const CANCELED: usize = 1;
/// Canceled by a deadline (its own or an ancestor's): `err()` is `DeadlineExceeded`.
const EXCEEDED: usize = 2;
/// The bits of the state word that say whether and why the scope is canceled.
const CODE: usize = 0b11;
/// Flags of the state word, one per kind of thing a scope can hold that a cancel must take
/// out under its lock. Each is set under the lock before the first such thing is kept, and
/// never cleared. While none is set, a cancel without a cause is one CAS on the state word
/// and takes no lock (most scopes of a large tree are such leaves); once one is set, the
/// state changes only under the lock, and a cancel touches only the fields whose flag is
/// set.
const HOLDS_DONE: usize = 0b100;
/// A flag of the state word: the scope has (had) children.
const HOLDS_CHILDREN: usize = 0b1000;
/// A flag of the state word: the scope has (had) after-funcs.
const HOLDS_AFTER: usize = 0b1_0000;
/// A flag of the state word: the scope has (had) a deadline's alarm.
const HOLDS_ALARM: usize = 0b10_0000;
/// A flag of the state word: a cancel with a cause is storing it (the cause lives under the
/// lock, so such a cancel always takes it).
const HOLDS_CAUSE: usize = 0b100_0000;
/// All the `HOLDS_` flags.
const HOLDS: usize = HOLDS_DONE | HOLDS_CHILDREN | HOLDS_AFTER | HOLDS_ALARM | HOLDS_CAUSE;

/// A cancel scope (see the module docs). `repr(C)`, state word first: a cancel's walk
/// touches the `Arc`'s counts and the state word of every leaf it visits, and nothing else,
/// so they share a cache line.
#[repr(C)]
pub(super) struct CancelState {
    /// `LIVE`, `CANCELED` or `EXCEEDED` in the `CODE` bits, and the `HOLDS_` flags.
    pub(super) state: AtomicUsize,
    pub(super) inner: Mutex<ScopeInner>,
    /// The done channel's receiver, made on first use.
    pub(super) done: OnceValue<Receiver<()>>,
    /// Our registration in the parent scope (the parent and our slot in its
    /// [`Children`]), removed when we are canceled or dropped.
    pub(super) parent: Option<(Arc<CancelState>, usize)>,
}

/// A scope's children, held weakly, in a slab: each child keeps the index of its slot, so
/// registering and removing a child is O(1) with no allocation per child (a freed slot is
/// reused), and a cancel walks them in slot order (deterministic, so models replay) over
/// one contiguous array. Slot 0 is kept inline: a scope with one child (a chain) allocates
/// nothing for it.
#[derive(Default)]
pub(super) struct Children {
    /// Slot 0.
    first: Option<Weak<CancelState>>,
    /// Occupied slots.
    len: usize,
    /// Slots 1, 2, …
    rest: Vec<Option<Weak<CancelState>>>,
    /// Slots ever made (0, or 1 + `rest.len()`).
    made: usize,
    /// Empty slots, reused last-freed first.
    free: Vec<usize>,
}

/// The children a cancel has still to visit, of one scope.
type ChildWalk = std::iter::Chain<
    std::option::IntoIter<Weak<CancelState>>,
    std::iter::Flatten<std::vec::IntoIter<Option<Weak<CancelState>>>>,
>;

impl Children {
    /// The slot the next [`insert`](Children::insert) fills (so a child can be built
    /// knowing it before it is inserted).
    pub(super) fn next_slot(&self) -> usize {
        self.free.last().copied().unwrap_or(self.made)
    }

    fn slot(&mut self, i: usize) -> Option<&mut Option<Weak<CancelState>>> {
        match i {
            0 if self.made > 0 => Some(&mut self.first),
            0 => None,
            i => self.rest.get_mut(i - 1),
        }
    }

    /// Registers `child`; returns its slot ([`next_slot`](Children::next_slot) as it was).
    pub(super) fn insert(&mut self, child: Weak<CancelState>) -> usize {
        self.len += 1;
        if let Some(i) = self.free.pop() {
            if let Some(entry) = self.slot(i) {
                *entry = Some(child);
            }
            return i;
        }
        let i = self.made;
        self.made += 1;
        if i == 0 {
            self.first = Some(child);
        } else {
            self.rest.push(Some(child));
        }
        i
    }

    /// Removes the child in `slot` if it is still `me` (a slot can be reused by a later
    /// child once `me` left it, and a scope leaves its parent twice: at its own cancel and
    /// at its drop).
    fn remove(&mut self, slot: usize, me: *const CancelState) {
        let Some(entry) = self.slot(slot) else {
            return; // the parent was canceled: its children were taken
        };
        if entry.as_ref().is_some_and(|w| std::ptr::eq(w.as_ptr(), me)) {
            *entry = None;
            self.free.push(slot);
            self.len -= 1;
        }
    }

    /// Live registrations.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The one child, if that is all there is (in slot 0); else the children back.
    fn only(self) -> Result<Weak<CancelState>, Self> {
        match self {
            Self {
                first: Some(only),
                rest,
                ..
            } if rest.is_empty() => Ok(only),
            other => Err(other),
        }
    }

    fn walk(self) -> ChildWalk {
        self.first
            .into_iter()
            .chain(self.rest.into_iter().flatten())
    }
}

/// What a scope's lock guards. `repr(C)`, the fields a cancel of a scope with children
/// touches first (right after the lock word), the rarer ones after.
#[derive(Default)]
#[repr(C)]
pub(super) struct ScopeInner {
    pub(super) children: Children,
    /// The done channel's only sender: closed (dropped) at cancel.
    pub(super) done_tx: Option<Sender<()>>,
    pub(super) cause: Option<Cause>,
    /// A BTreeMap, not a HashMap: deterministic order keeps models replayable.
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
    pub(super) fn new(parent: Option<(Arc<CancelState>, usize)>, inner: ScopeInner) -> Self {
        Self {
            state: AtomicUsize::new(LIVE),
            inner: Mutex::new(inner),
            done: OnceValue::new_now(),
            parent,
        }
    }

    /// The observation: Acquire, pairs with the Release write in `mark` (HB-CTX-CANCEL,
    /// sites `ctx.cancel` and `ctx.cancel.quick`; this one is `ctx.observe`). This is the
    /// whole cost of checking for cancellation.
    // MODEL GAP: loom runs a store's thread before a load only at a scheduling point, so a
    // model that peeks at `err()` once (no yield, no wait) never sees a concurrent cancel and
    // proves nothing about this load; the litmus polls with a yield (proofs/CLAIMS.md).
    #[inline]
    pub(super) fn err(&self) -> Option<ContextError> {
        code_error(self.state.load(ord(mutant::CTX_OBSERVE, Ordering::Acquire)))
    }

    /// Under this scope's lock: records that the scope is about to hold something of
    /// `kind` (a `HOLDS_` flag) that a cancel must take out (so every later cancel takes
    /// the lock and looks there), unless it is canceled already: then its error, and the
    /// caller keeps nothing here.
    fn hold(&self, kind: usize) -> Option<ContextError> {
        // Relaxed: with a `HOLDS` flag set the state changes only under the lock we hold,
        // which orders this load after the cancel's write.
        let s = self.state.load(Ordering::Relaxed);
        if s & HOLDS != 0 {
            if let Some(err) = code_error(s) {
                return Some(err);
            }
            if s & kind == 0 {
                // Relaxed: only lock holders write the word now; the flag publishes nothing
                // (what it guards is under the lock).
                self.state.fetch_or(kind, Ordering::Relaxed);
            }
            return None;
        }
        // Racing only a lock-free cancel (`mark`'s quick CAS, on the same word: the two RMWs
        // are ordered). Success Relaxed: setting the flag publishes nothing (what it guards
        // is under the lock). Failure Acquire: the scope was canceled without the lock, and
        // the caller acts on that (closes a new done channel, starts an after-func, cancels
        // a new child), so the cancel must happen before those actions (HB-CTX-CANCEL, site
        // `ctx.hold`).
        match self.state.compare_exchange(
            LIVE,
            LIVE | kind,
            Ordering::Relaxed,
            ord(mutant::CTX_HOLD, Ordering::Acquire),
        ) {
            Ok(_) => None,
            Err(s) => code_error(s),
        }
    }

    /// Keeps a new child's registration (under this scope's lock, taken by the caller
    /// as `inner`), unless the scope is canceled already: then its error and cause, and the
    /// child is born canceled.
    pub(super) fn adopt(
        &self,
        inner: &mut ScopeInner,
        child: Weak<CancelState>,
    ) -> Result<usize, (ContextError, Option<Cause>)> {
        match self.hold(HOLDS_CHILDREN) {
            None => Ok(inner.children.insert(child)),
            Some(err) => Err((err, inner.cause.clone())),
        }
    }

    /// Keeps an after-func (under this scope's lock, taken by the caller as `inner`);
    /// gives it back if the scope is canceled already (the caller starts it).
    pub(super) fn keep_after(
        &self,
        inner: &mut ScopeInner,
        f: Box<dyn FnOnce() + Send>,
    ) -> Result<u64, Box<dyn FnOnce() + Send>> {
        if self.hold(HOLDS_AFTER).is_some() {
            return Err(f);
        }
        let id = inner.id();
        inner.after.insert(id, f);
        Ok(id)
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
            // A scope canceled already gets a done channel closed at birth (`hold`'s Acquire
            // or the lock orders the cancel before that close).
            let born_done = match self.hold(HOLDS_DONE) {
                None => {
                    inner.done_tx = Some(tx);
                    None
                }
                Some(_) => Some(tx),
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
        // The second pass needs only the done channels made so far, the deadlines and the
        // after-funcs: most scopes have none, so a large subtree allocates little. The walk
        // is depth-first over each scope's slab of children (one iterator per level still
        // open), and each child is marked right after its weak reference is upgraded, while
        // its memory is in cache.
        let mut taken = Taken::default();
        if !self.mark(err, &cause, &mut taken) {
            return false;
        }
        while let Some(child) = taken.next_child() {
            if let Some(child) = child.upgrade() {
                child.mark(err, &cause, &mut taken);
            }
        }
        let Taken {
            closes,
            alarms,
            afters,
            ..
        } = taken;
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
    /// out what the second pass needs. `false` if it was already canceled.
    fn mark(&self, err: ContextError, cause: &Option<Cause>, out: &mut Taken) -> bool {
        let code = match err {
            ContextError::Canceled => CANCELED,
            ContextError::DeadlineExceeded => EXCEEDED,
        };
        if cause.is_none() {
            // A scope that holds nothing, canceled without a cause: one CAS, no lock.
            // Release: everything before the cancel happens before any `err`/`cause` that
            // observes it, and before what a `hold` that finds it canceled does
            // (HB-CTX-CANCEL, site `ctx.cancel.quick`). Failure Relaxed: either canceled
            // already (the first cancel won; no edge is owed to the loser) or the scope
            // holds something, and the lock below orders the rest.
            match self.state.compare_exchange(
                LIVE,
                code,
                ord(mutant::CTX_CANCEL_QUICK, Ordering::Release),
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(s) if s & CODE != LIVE => return false,
                Err(_) => {} // it holds something: take it out under the lock
            }
        }
        let mut inner = self.inner.lock();
        if cause.is_some() && self.hold(HOLDS_CAUSE).is_some() {
            return false; // canceled already (the first cancel won)
        }
        // Relaxed: a `HOLDS` flag is set, so the state changes only under the lock we hold.
        let s = self.state.load(Ordering::Relaxed);
        if s & CODE != LIVE {
            return false;
        }
        // Only an explicit cause is stored (a live scope has none yet); `cause()` makes the
        // error into one on demand (no allocation per cancelled child). Written before the
        // state, under the lock `cause()` reads it under.
        if let Some(c) = cause {
            inner.cause = Some(c.clone());
        }
        // Release: as for the quick CAS (HB-CTX-CANCEL, site `ctx.cancel`); after the cause,
        // so an observer of the state also sees the cause. A store: no one else writes the
        // word while we hold the lock and a flag is set.
        self.state.store(
            code | (s & HOLDS),
            ord(mutant::CTX_CANCEL, Ordering::Release),
        );
        // Moved out, not dropped, under the lock: the done channel closes and the
        // after-funcs start in the second pass, with no lock held. Only the kinds of thing
        // the scope ever held are looked at.
        if s & HOLDS_CHILDREN != 0 && inner.children.len() > 0 {
            let children = std::mem::take(&mut inner.children);
            match children.only() {
                Ok(only) => out.only = Some(only), // a chain: no walk to keep
                Err(children) => out.walks.push(children.walk()),
            }
        }
        if s & HOLDS_DONE != 0 {
            out.closes.extend(inner.done_tx.take());
        }
        if s & HOLDS_AFTER != 0 && !inner.after.is_empty() {
            out.afters
                .extend(std::mem::take(&mut inner.after).into_values());
        }
        if s & HOLDS_ALARM != 0 {
            out.alarms.extend(inner.alarm.take());
        }
        true
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
        if self.hold(HOLDS_ALARM).is_none() {
            inner.alarm = Some(alarm);
        } else {
            drop(inner);
            alarm.cancel();
        }
    }

    /// Removes our registration from the parent (after our cancel, or at drop).
    fn unregister(&self) {
        if let Some((parent, slot)) = &self.parent {
            parent.inner.lock().children.remove(*slot, self);
        }
    }
}

/// The error a state word says (`None`: live).
fn code_error(state: usize) -> Option<ContextError> {
    match state & CODE {
        LIVE => None,
        CANCELED => Some(ContextError::Canceled),
        _ => Some(ContextError::DeadlineExceeded),
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
        let mut me: *const CancelState = self;
        let mut next = self.parent.take();
        while let Some((parent, slot)) = next {
            parent.inner.lock().children.remove(slot, me);
            // The parent drops at the end of this step with its own parent taken out: its
            // `Drop` (this function) does not go further up; this loop does (naming the
            // parent by where it lived in its `Arc`, which its weak references point at).
            me = Arc::as_ptr(&parent);
            next = Arc::into_inner(parent).and_then(|mut p| p.parent.take());
        }
    }
}

/// What the first pass of a cancel takes out of the scopes for the second, and the
/// children it has still to visit.
#[derive(Default)]
struct Taken {
    closes: Vec<Sender<()>>,
    alarms: Vec<Alarm>,
    afters: Vec<Box<dyn FnOnce() + Send>>,
    walks: Vec<ChildWalk>,
    /// The one child of the scope marked last, if it had exactly one (visited next,
    /// without a walk).
    only: Option<Weak<CancelState>>,
}

impl Taken {
    /// The next child to mark, depth-first: the last marked scope's only child, else the
    /// next of the innermost walk still open.
    fn next_child(&mut self) -> Option<Weak<CancelState>> {
        if let Some(only) = self.only.take() {
            return Some(only);
        }
        while let Some(walk) = self.walks.last_mut() {
            if let Some(child) = walk.next() {
                return Some(child);
            }
            self.walks.pop();
        }
        None
    }
}
