//! Integration, conformance, property and stress tests of hbsync (see `tests/`), and the
//! helpers they share.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::Duration;

/// A global allocator that counts the bytes live now ([`Counting::live`]); memory tests
/// install it with `#[global_allocator] static A: hbsync_tests::Counting = Counting;` (one
/// test per binary: it counts the whole process).
pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

impl Counting {
    /// Bytes allocated and not yet freed, process-wide.
    pub fn live() -> isize {
        LIVE.load(Relaxed)
    }
}

// SAFETY: forwards every call to the system allocator with the same arguments; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        // Relaxed: a statistic, read after the measured work on the same thread.
        LIVE.fetch_add(l.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // Relaxed: as in `alloc`.
        LIVE.fetch_sub(l.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        // Relaxed: as in `alloc`.
        LIVE.fetch_add(new as isize - l.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(p, l, new) }
    }
}

/// Runs `f` on its own thread and returns its result; if it has not finished after `secs`
/// seconds, fails with a message naming `what` instead of hanging the test run. (The stuck
/// thread is left behind; the test binary ends with the failure.) A panic in `f` is
/// propagated as it is.
pub fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(());
        r
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            match t.join().expect("the runner thread catches panics") {
                Ok(v) => v,
                Err(p) => std::panic::resume_unwind(p),
            }
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("timed out after {secs} s: {what} is stuck")
        }
    }
}
