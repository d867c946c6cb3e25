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

/// The waiter-completion store: a completer publishes the hand-off (value written into or
/// taken from the waiter's slot, or "closed") with Release.
pub(crate) const CHAN_COMPLETE: Site = "chan.waiter.complete";
/// The waiter's Acquire load that observes its completion.
pub(crate) const CHAN_OBSERVE: Site = "chan.waiter.observe";

/// The unlock's Release (fast-path CAS, or clearing `LOCKED` in the slow path).
pub(crate) const MUTEX_UNLOCK: Site = "mutex.unlock";
/// The lock's Acquire (the CAS that takes a free lock, or the queue-side RMW).
pub(crate) const MUTEX_LOCK: Site = "mutex.lock";
/// The WaitGroup counter's Release RMW (`done`, `add`).
pub(crate) const WG_DONE: Site = "wg.done";
/// The waiter's Acquire load of the WaitGroup counter.
pub(crate) const WG_WAIT: Site = "wg.wait";
/// The Release store of `DONE` after the Once's `f` returned.
pub(crate) const ONCE_COMPLETE: Site = "once.complete";
/// The Acquire load that observes a Once's `DONE`.
pub(crate) const ONCE_OBSERVE: Site = "once.observe";
/// Not an ordering but a design mutant: Go's once.go "wrong implementation", which marks the
/// Once done (one CAS) *before* running `f`.
pub(crate) const ONCE_EARLY: Site = "once.done_early";

/// The Release store of a context's canceled state.
pub(crate) const CTX_CANCEL: Site = "ctx.cancel";
/// The Acquire load of a context's state (`err`, `cause`).
pub(crate) const CTX_OBSERVE: Site = "ctx.observe";

/// Every site, for the catalogue's consistency test.
pub(crate) const ALL: &[Site] = &[
    CHAN_COMPLETE,
    CHAN_OBSERVE,
    MUTEX_UNLOCK,
    MUTEX_LOCK,
    WG_DONE,
    WG_WAIT,
    ONCE_COMPLETE,
    ONCE_OBSERVE,
    ONCE_EARLY,
    CTX_CANCEL,
    CTX_OBSERVE,
];

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
