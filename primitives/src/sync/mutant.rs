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

/// Every site, for the catalogue's consistency test.
pub(crate) const ALL: &[Site] = &[CHAN_COMPLETE, CHAN_OBSERVE];

/// The ordering to use at `site`: `order`, unless this checker build runs the site's mutant.
#[cfg(not(any(loom, shuttle)))]
#[inline(always)]
pub(crate) fn ord(_site: Site, order: Ordering) -> Ordering {
    order
}

/// The ordering to use at `site`: `order`, unless this checker build runs the site's mutant.
#[cfg(any(loom, shuttle))]
pub(crate) fn ord(site: Site, order: Ordering) -> Ordering {
    if active() == Some(site) {
        Ordering::Relaxed
    } else {
        order
    }
}

/// The site named by `HBSYNC_MUTANT`, read once per process.
#[cfg(any(loom, shuttle))]
fn active() -> Option<&'static str> {
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
