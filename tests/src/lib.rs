//! Integration, conformance, property and stress tests of hbsync (see `tests/`), and the
//! helpers they share.

use std::time::Duration;

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
