//! Mutants: ordering sites that a checker build can weaken at run time.
//!
//! Each atomic operation that a happens-before claim rests on reads its ordering through
//! [`ord`], naming its [`Site`]. In std builds `ord` returns the ordering it was given and
//! compiles to nothing. In checker builds, the environment variable `HBSYNC_MUTANT` may name
//! one site; that site's ordering is then weakened (Release/Acquire/AcqRel → Relaxed) so the
//! proofs can show they depend on it (DESIGN.md §4, "mutants").

use super::atomic::Ordering;

/// A named ordering site. The name is what `HBSYNC_MUTANT` and the claim catalogue use.
pub(crate) type Site = &'static str;

// One site per ordering instruction (`ord(mutant::X, …)` appears once per site in the
// source; `proofs/tests/catalogue.rs` checks it), so a mutant weakens exactly one
// instruction and each path that carries an edge is proved on its own.

/// The waiter-completion store: a completer publishes the hand-off (value written into or
/// taken from the waiter's slot, "closed", or a Mutex hand-off) with Release.
pub(crate) const CHAN_COMPLETE: Site = "chan.waiter.complete";
/// A blocking waiter's Acquire load that observes its completion (`Signal::wait_done`).
pub(crate) const CHAN_OBSERVE: Site = "chan.waiter.observe";
/// The same observation in a wait with a deadline (`Signal::wait_done_until`).
pub(crate) const CHAN_OBSERVE_TIMED: Site = "chan.waiter.observe_timed";
/// The same observation after a withdrawal lost to a completer (`Signal::wait_claimed`).
pub(crate) const CHAN_OBSERVE_CLAIMED: Site = "chan.waiter.observe_claimed";
/// A pending `send_async`'s Acquire observation of its completion (`SendFuture::poll`).
pub(crate) const SEND_ASYNC_OBSERVE: Site = "chan.send_async.observe";

/// A ring send's Acquire load of its cell's stamp (the free cell's last receive).
pub(crate) const RING_SEND_OBSERVE: Site = "chan.ring.send.observe";
/// A ring send's Release store of its cell's stamp (the value is in).
pub(crate) const RING_SEND_PUBLISH: Site = "chan.ring.send.publish";
/// A ring receive's Acquire load of its cell's stamp (the value's send).
pub(crate) const RING_RECV_OBSERVE: Site = "chan.ring.recv.observe";
/// A ring receive's Release store of its cell's stamp (the cell is free for the next lap).
pub(crate) const RING_RECV_FREE: Site = "chan.ring.recv.free";
/// A ring receive's Acquire load of `tail` when the buffer is empty (the closed bit).
pub(crate) const RING_RECV_CLOSED: Site = "chan.ring.recv.closed";
/// The Release `fetch_or` that sets a ring's closed bit.
pub(crate) const RING_CLOSE: Site = "chan.ring.close";
/// A list send's Acquire load of `tail` (the block its position is in).
pub(crate) const LIST_SEND_TAIL: Site = "chan.list.send.tail";
/// A list send's reserving CAS, on failure: its Acquire read of `tail` (used as a load's).
pub(crate) const LIST_SEND_RETRY: Site = "chan.list.send.retry";
/// The Release RMW that moves a list's `tail` into the block its sender just installed.
pub(crate) const LIST_SEND_INSTALL: Site = "chan.list.send.install";
/// A list send's Release store of its slot's `WRITTEN` bit (the value is in).
pub(crate) const LIST_SEND_PUBLISH: Site = "chan.list.send.publish";
/// A list receive's Acquire load of `head` (the block its position is in).
pub(crate) const LIST_RECV_HEAD: Site = "chan.list.recv.head";
/// A list receive's reserving CAS, on failure: its Acquire read of `head`.
pub(crate) const LIST_RECV_RETRY: Site = "chan.list.recv.retry";
/// A list receive's Acquire load of its slot's state (the value's send).
pub(crate) const LIST_RECV_OBSERVE: Site = "chan.list.recv.observe";
/// The Release store that moves a list's `head` into the next block.
pub(crate) const LIST_RECV_INSTALL: Site = "chan.list.recv.install";
/// A list receive's Release mark of its slot as read (its last touch of the block).
pub(crate) const LIST_RECV_READ: Site = "chan.list.recv.read";
/// A retiring receive's Acquire load of a slot's mark (before it frees the block).
pub(crate) const LIST_RECV_RECLAIM: Site = "chan.list.recv.reclaim";
/// The Release CAS that keeps a drained block as a list's spare, after its reset.
pub(crate) const LIST_RECV_RECYCLE: Site = "chan.list.recv.recycle";
/// A list send's Acquire swap that takes the spare block for its install.
pub(crate) const LIST_SEND_REUSE: Site = "chan.list.send.reuse";
/// A list receive's Acquire load of `tail` when the buffer looks empty (the closed bit).
pub(crate) const LIST_RECV_CLOSED: Site = "chan.list.recv.closed";
/// The Release `fetch_or` that sets a list's closed bit.
pub(crate) const LIST_CLOSE: Site = "chan.list.close";
/// Not an ordering but a design mutant: a waiter on a ring channel looks at the ring *before*
/// it sets its `WAIT` flag (the classic lost wake-up), instead of judging by the word its
/// flag's RMW read.
pub(crate) const RING_WAKE_LOOK_FIRST: Site = "chan.ring.wake.look_first";

/// The unlock's fast-path Release CAS (`LOCKED → 0`).
pub(crate) const MUTEX_UNLOCK_FAST: Site = "mutex.unlock.fast";
/// The slow-path unlock's Release `fetch_and` that clears `LOCKED` (waiters queued).
pub(crate) const MUTEX_UNLOCK_SLOW: Site = "mutex.unlock.slow";
/// The Acquire CAS of `lock()`'s first, optimistic step.
pub(crate) const MUTEX_LOCK_FAST: Site = "mutex.lock.fast";
/// The Acquire CAS of `try_acquire` (`try_lock`, barging, a woken waiter competing).
pub(crate) const MUTEX_LOCK_TRY: Site = "mutex.lock.try";
/// The Acquire `fetch_or` that takes a lock found free while queueing.
pub(crate) const MUTEX_LOCK_QUEUE: Site = "mutex.lock.queue";
/// A pending `lock_async`'s Acquire observation of a hand-off (`LockFuture::poll`).
pub(crate) const MUTEX_ASYNC_OBSERVE: Site = "mutex.lock_async.observe";

/// The WaitGroup counter's Release RMW (`done`, `add`).
pub(crate) const WG_DONE: Site = "wg.done";
/// `wait`'s first Acquire load of the counter (returns at once on zero).
pub(crate) const WG_WAIT_FAST: Site = "wg.wait.fast";
/// The Acquire load under the waiter lock before queueing (zero: return without waiting).
pub(crate) const WG_WAIT_ENQUEUE: Site = "wg.wait.enqueue";
/// A released blocking waiter's Acquire re-load of the counter.
pub(crate) const WG_WAIT: Site = "wg.wait";
/// `wait_async`'s first Acquire load of the counter.
pub(crate) const WG_WAIT_ASYNC_FAST: Site = "wg.wait_async.fast";
/// A pending `wait_async`'s Acquire observation of its release (`WaitFuture::poll`): the
/// counter re-load after it must see the zero that released it.
pub(crate) const WG_WAIT_ASYNC_OBSERVE: Site = "wg.wait_async.observe";
/// A released async waiter's Acquire re-load of the counter.
pub(crate) const WG_WAIT_ASYNC: Site = "wg.wait_async";

/// The Release store of `DONE` after the Once's `f` returned.
pub(crate) const ONCE_COMPLETE: Site = "once.complete";
/// The Acquire load of `call_once`'s fast path (and `is_done`).
pub(crate) const ONCE_OBSERVE: Site = "once.observe";
/// The Acquire load of `OnceValue::get` (and of `get_or_init`'s fast path and result).
pub(crate) const ONCE_VALUE_GET: Site = "once_value.get";
/// Not an ordering but a design mutant: Go's once.go "wrong implementation", which marks the
/// Once done (one CAS) *before* running `f`.
pub(crate) const ONCE_EARLY: Site = "once.done_early";

/// The Release CAS of a context's canceled state under the scope's lock (a scope that holds
/// a done channel, children, after-funcs or a deadline, or a cancel with a cause).
pub(crate) const CTX_CANCEL: Site = "ctx.cancel";
/// The Release CAS of a context's canceled state without the lock (a scope that holds
/// nothing, canceled without a cause).
pub(crate) const CTX_CANCEL_QUICK: Site = "ctx.cancel.quick";
/// The Acquire failure of the CAS that marks a scope as holding something, which finds it
/// canceled without the lock (a done channel made, an after-func or a child registered
/// after a lock-free cancel).
pub(crate) const CTX_HOLD: Site = "ctx.hold";
/// The Acquire load of a context's state (`err`, `cause`).
pub(crate) const CTX_OBSERVE: Site = "ctx.observe";

/// Every site, for the catalogue's consistency test.
pub(crate) const ALL: &[Site] = &[
    CHAN_COMPLETE,
    CHAN_OBSERVE,
    CHAN_OBSERVE_TIMED,
    CHAN_OBSERVE_CLAIMED,
    SEND_ASYNC_OBSERVE,
    RING_SEND_OBSERVE,
    RING_SEND_PUBLISH,
    RING_RECV_OBSERVE,
    RING_RECV_FREE,
    RING_RECV_CLOSED,
    RING_CLOSE,
    RING_WAKE_LOOK_FIRST,
    LIST_SEND_TAIL,
    LIST_SEND_RETRY,
    LIST_SEND_INSTALL,
    LIST_SEND_PUBLISH,
    LIST_RECV_HEAD,
    LIST_RECV_RETRY,
    LIST_RECV_OBSERVE,
    LIST_RECV_INSTALL,
    LIST_RECV_READ,
    LIST_RECV_RECLAIM,
    LIST_RECV_RECYCLE,
    LIST_SEND_REUSE,
    LIST_RECV_CLOSED,
    LIST_CLOSE,
    MUTEX_UNLOCK_FAST,
    MUTEX_UNLOCK_SLOW,
    MUTEX_LOCK_FAST,
    MUTEX_LOCK_TRY,
    MUTEX_LOCK_QUEUE,
    MUTEX_ASYNC_OBSERVE,
    WG_DONE,
    WG_WAIT_FAST,
    WG_WAIT_ENQUEUE,
    WG_WAIT,
    WG_WAIT_ASYNC_FAST,
    WG_WAIT_ASYNC_OBSERVE,
    WG_WAIT_ASYNC,
    ONCE_COMPLETE,
    ONCE_OBSERVE,
    ONCE_VALUE_GET,
    ONCE_EARLY,
    CTX_CANCEL,
    CTX_CANCEL_QUICK,
    CTX_HOLD,
    CTX_OBSERVE,
];

/// The sites that are design mutants (they change an algorithm, not an ordering).
pub(crate) const DESIGN: &[Site] = &[ONCE_EARLY, RING_WAKE_LOOK_FIRST];

/// The ordering to use at `site`: `order`, unless this checker build runs the site's mutant.
#[cfg(not(any(loom, shuttle)))]
#[inline(always)]
pub(crate) fn ord(_site: Site, order: Ordering) -> Ordering {
    order
}

/// The ordering to use at `site`: `order`, unless this checker build runs the site's mutant.
#[cfg(any(loom, shuttle))]
pub(crate) fn ord(site: Site, order: Ordering) -> Ordering {
    if running() == Some(site) {
        Ordering::Relaxed
    } else {
        order
    }
}

/// Whether this checker build runs the design mutant `site` (always `false` in std builds).
#[inline(always)]
pub(crate) fn active(site: Site) -> bool {
    #[cfg(any(loom, shuttle))]
    return running() == Some(site);
    #[cfg(not(any(loom, shuttle)))]
    {
        let _ = site;
        false
    }
}

/// The site named by `HBSYNC_MUTANT`, read once per process.
#[cfg(any(loom, shuttle))]
fn running() -> Option<&'static str> {
    static ACTIVE: std::sync::OnceLock<Option<&'static str>> = std::sync::OnceLock::new();
    *ACTIVE.get_or_init(|| {
        let name = std::env::var("HBSYNC_MUTANT").ok()?;
        let site = ALL.iter().copied().find(|s| *s == name);
        assert!(
            site.is_some(),
            "HBSYNC_MUTANT={name} names no ordering site; known: {ALL:?}"
        );
        site
    })
}
