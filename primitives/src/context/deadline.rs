//! Deadlines: a context's deadline is an alarm registered with the crate's one clock
//! ([`crate::clock::Alarm`]) that cancels its scope with `DeadlineExceeded`.

use std::time::Instant;

use super::scope::CancelState;
use super::{Cause, ContextError};
use crate::clock::Alarm;
use crate::sync::Arc;

/// Cancels `scope` with `DeadlineExceeded` at `deadline`. std builds: the clock's timer
/// thread rings the alarm then, so `err()` alone sees it. Checker builds (virtual time, see
/// [`crate::time`]): the alarm travels with every done channel at or below `scope`, and a
/// wait on one rings it when its deadline fires. The alarm holds the scope weakly, so a
/// dropped context is not kept alive by its deadline, and the scope withdraws it when it is
/// canceled or dropped first.
pub(super) fn arm(scope: &Arc<CancelState>, deadline: Instant, cause: Option<Cause>) {
    let owner = Arc::downgrade(scope);
    let alarm = Alarm::set(deadline, move || {
        if let Some(owner) = owner.upgrade() {
            owner.cancel_by_own(ContextError::DeadlineExceeded, cause.clone());
        }
    });
    scope.keep_alarm(alarm);
}
