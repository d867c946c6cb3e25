//! The async faces of send and receive: futures that register on the same waiter queues as
//! the blocking operations, with a task waker in their [`Signal`].
//!
//! Cancel safety (dropping a pending future):
//! - [`RecvFuture`]: withdraws its entry; if a sender had already handed it a value, the
//!   value goes back to the channel (to a waiting receiver, else the front of the buffer), so
//!   no value is lost.
//! - [`SendFuture`]: withdraws its entry and drops the unsent value; if a receiver had already
//!   taken the value, the send happened and nothing is reported. It never both delivers the
//!   value and reports failure.

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::engine::{put_slot, take_slot, Chan, Entry, Slot, Wake};
use super::error::{RecvError, SendError, TryRecvError, TrySendError};
use super::signal::Signal;
use crate::sync::cell::UnsafeCell;
use crate::sync::Arc;

/// Future of [`Sender::send_async`](super::Sender::send_async).
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture<'a, T> {
    chan: &'a Chan<T>,
    /// The value before registration; `None` once it moved into `slot` or was sent.
    value: Option<T>,
    /// # Safety
    /// Once `signal` is `Some`, a queue entry points here: the future is pinned, and `Drop`
    /// withdraws the entry (or waits for `DONE`) before the slot goes away.
    slot: Slot<T>,
    signal: Option<Arc<Signal>>,
    _pin: PhantomPinned,
}

/// Future of [`Receiver::recv_async`](super::Receiver::recv_async).
#[must_use = "futures do nothing unless polled"]
pub struct RecvFuture<'a, T> {
    chan: &'a Chan<T>,
    /// # Safety
    /// As for `SendFuture::slot`.
    slot: Slot<T>,
    signal: Option<Arc<Signal>>,
    _pin: PhantomPinned,
}

impl<'a, T> SendFuture<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>, value: T) -> Self {
        Self {
            chan,
            value: Some(value),
            slot: UnsafeCell::new(None),
            signal: None,
            _pin: PhantomPinned,
        }
    }
}

impl<'a, T> RecvFuture<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>) -> Self {
        Self {
            chan,
            slot: UnsafeCell::new(None),
            signal: None,
            _pin: PhantomPinned,
        }
    }
}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: nothing is moved out of the pinned future; `slot` stays in place.
        let this = unsafe { self.get_unchecked_mut() };
        if let Some(signal) = &this.signal {
            signal.set_waker(cx.waker());
            if signal.done_case().is_none() {
                return Poll::Pending;
            }
            this.signal = None;
            return Poll::Ready(match take_slot(&this.slot) {
                None => Ok(()),
                Some(v) => Err(SendError(v)),
            });
        }
        let Some(value) = this.value.take() else {
            panic!("`SendFuture` polled after completion");
        };
        let mut wake = Wake::default();
        let mut st = this.chan.lock();
        match st.try_send(value, &mut wake) {
            Ok(()) => {
                drop(st);
                wake.run();
                Poll::Ready(Ok(()))
            }
            Err(TrySendError::Closed(v)) => Poll::Ready(Err(SendError(v))),
            Err(TrySendError::Full(v)) => {
                put_slot(&this.slot, Some(v)); // not registered yet: ours alone
                let signal = Arc::new(Signal::for_task(cx.waker()));
                st.push_sender(Entry {
                    signal: signal.clone(),
                    case: 0,
                    slot: &this.slot,
                });
                signal.trace_wait(|| format!("send_async {}", this.chan.trace_name()));
                crate::trace::record(|| {
                    format!("send_async {} -> pending", this.chan.trace_name())
                });
                this.signal = Some(signal);
                Poll::Pending
            }
        }
    }
}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: nothing is moved out of the pinned future; `slot` stays in place.
        let this = unsafe { self.get_unchecked_mut() };
        if let Some(signal) = &this.signal {
            signal.set_waker(cx.waker());
            let step = if signal.done_case().is_some() {
                Step::Completed
            } else {
                timer_step(this.chan, signal)
            };
            match step {
                Step::Pending => return Poll::Pending,
                Step::Completed => {
                    this.signal = None;
                    return Poll::Ready(take_slot(&this.slot).ok_or(RecvError));
                }
                Step::Withdrawn => this.signal = None, // receive the timer's value below
            }
        }
        let mut wake = Wake::default();
        let mut st = this.chan.lock();
        match st.try_recv(&mut wake) {
            Ok(v) => {
                drop(st);
                wake.run();
                Poll::Ready(Ok(v))
            }
            Err(TryRecvError::Closed) => Poll::Ready(Err(RecvError)),
            Err(TryRecvError::Empty) => {
                if let Some(at) = st.timer_deadline() {
                    // Real time: the timer thread wakes us when it is due. Virtual time: poll
                    // again at the task's next scheduling point, when it will have fired.
                    #[cfg(not(any(loom, shuttle)))]
                    crate::time::wake_at(at, cx.waker().clone());
                    #[cfg(any(loom, shuttle))]
                    {
                        let _ = at;
                        cx.waker().wake_by_ref();
                    }
                }
                let signal = Arc::new(Signal::for_task(cx.waker()));
                st.push_receiver(Entry {
                    signal: signal.clone(),
                    case: 0,
                    slot: &this.slot,
                });
                signal.trace_wait(|| format!("recv_async {}", this.chan.trace_name()));
                crate::trace::record(|| {
                    format!("recv_async {} -> pending", this.chan.trace_name())
                });
                this.signal = Some(signal);
                Poll::Pending
            }
        }
    }
}

/// Where a registered receive future stands after a poll found it not completed.
enum Step {
    /// Still waiting.
    Pending,
    /// A completer won the entry: the slot holds the result.
    Completed,
    /// Withdrawn because its timer is due: receive again.
    Withdrawn,
}

/// A registered receive on a timer channel, which nobody completes: once the timer is due,
/// withdraw (virtual time: it is due from the second poll on). A context deadline's timer
/// instead runs its action, a cancel that completes the entry itself.
fn timer_step<T>(chan: &Chan<T>, signal: &Arc<Signal>) -> Step {
    let (due, action) = {
        let mut st = chan.lock();
        let next = st.timer_deadline();
        let action = next
            .filter(|_| crate::sync::CHECKER)
            .and_then(|at| st.fire_timer(at));
        let due = next.is_some_and(|at| crate::sync::CHECKER || crate::time::is_past(at));
        (due, action)
    };
    if let Some(action) = action {
        action();
        if signal.done_case().is_some() {
            return Step::Completed;
        }
    }
    if !due {
        Step::Pending
    } else if withdraw(chan, signal) {
        Step::Completed
    } else {
        Step::Withdrawn
    }
}

/// Withdraws a pending registration; returns whether a completer had already won it.
fn withdraw<T>(chan: &Chan<T>, signal: &Arc<Signal>) -> bool {
    if signal.try_abort() {
        chan.lock().remove(signal);
        false
    } else {
        signal.wait_claimed();
        true
    }
}

impl<T> Drop for SendFuture<'_, T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        if let Some(signal) = self.signal.take() {
            // Delivered or not, nothing is reported: the unsent value (if any) drops here.
            withdraw(self.chan, &signal);
        }
    }
}

impl<T> Drop for RecvFuture<'_, T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        if let Some(signal) = self.signal.take() {
            if withdraw(self.chan, &signal) {
                if let Some(v) = take_slot(&self.slot) {
                    let mut wake = Wake::default();
                    self.chan.lock().requeue(v, &mut wake);
                    wake.run();
                }
            }
        }
    }
}
