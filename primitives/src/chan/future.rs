//! The async faces of send and receive: futures that register on the same waiter queues as
//! the blocking operations, with a task waker in their [`Signal`].
//!
//! Cancel safety (dropping a pending future):
//! - [`RecvFuture`]: holds no value while pending: a sender *wakes* it and it receives
//!   under the channel lock when polled (see `engine.rs`, "Why async receivers are woken").
//!   Dropped, it withdraws its entry; if it had been woken, it passes the wake-up on to the
//!   next async receiver. So no value is lost, a rendezvous never holds a value, and a
//!   sender's values keep their order.
//! - [`SendFuture`]: withdraws its entry and drops the unsent value; if a receiver had already
//!   taken the value, the send happened and nothing is reported. It never both delivers the
//!   value and reports failure.

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::engine::{put_slot, take_slot, Chan, Entry, Side, Slot, Wake};
use super::error::{RecvError, SendError, TryRecvError, TrySendError};
use super::{Receiver, Sender};
use crate::sync::atomic::Ordering;
use crate::sync::cell::UnsafeCell;
use crate::sync::mutant::{self, ord};
use crate::sync::Arc;
use crate::waiter::Signal;

/// The channel a future works on: borrowed through a handle (`send_async`, `recv_async`),
/// or owned with the handle itself (`into_send_async`, `into_recv_async`: a `'static`
/// future to spawn).
enum ChanRef<'a, T, H> {
    Borrowed(&'a Chan<T>),
    Owned(H),
}

/// A handle that owns a reference to its channel.
trait OwnsChan<T> {
    fn chan(&self) -> &Chan<T>;
}

impl<T> OwnsChan<T> for Sender<T> {
    fn chan(&self) -> &Chan<T> {
        &self.chan
    }
}

impl<T> OwnsChan<T> for Receiver<T> {
    fn chan(&self) -> &Chan<T> {
        &self.chan
    }
}

impl<T, H: OwnsChan<T>> std::ops::Deref for ChanRef<'_, T, H> {
    type Target = Chan<T>;
    fn deref(&self) -> &Chan<T> {
        match self {
            Self::Borrowed(c) => c,
            Self::Owned(h) => h.chan(),
        }
    }
}

/// Future of [`Sender::send_async`](super::Sender::send_async) (and of
/// [`Sender::into_send_async`](super::Sender::into_send_async), which owns its sender).
/// Cancel-safe: dropping it before it completes sends nothing, and the value is dropped
/// with it.
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded(0);
/// let receiver = std::thread::spawn(move || rx.recv());
/// hbsync::check::block_on(async {
///     tx.send_async(7).await.unwrap(); // completes when the receiver takes it
/// });
/// assert_eq!(receiver.join().unwrap(), Ok(7));
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct SendFuture<'a, T> {
    chan: ChanRef<'a, T, Sender<T>>,
    /// The value before registration; `None` once it moved into `slot` or was sent.
    value: Option<T>,
    /// # Safety
    /// Once `signal` is `Some`, a queue entry points here: the future is pinned, and `Drop`
    /// withdraws the entry (or waits for `DONE`) before the slot goes away.
    slot: Slot<T>,
    signal: Option<Arc<Signal>>,
    _pin: PhantomPinned,
}

/// Future of [`Receiver::recv_async`](super::Receiver::recv_async) (and of
/// [`Receiver::into_recv_async`](super::Receiver::into_recv_async), which owns its receiver).
/// Cancel-safe: dropping it before it completes takes nothing from the channel.
///
/// ```
/// let (tx, rx) = hbsync::chan::unbounded();
/// let sender = std::thread::spawn(move || tx.send("hello").unwrap());
/// let got = hbsync::check::block_on(async { rx.recv_async().await });
/// assert_eq!(got, Ok("hello"));
/// sender.join().unwrap();
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct RecvFuture<'a, T> {
    chan: ChanRef<'a, T, Receiver<T>>,
    /// Our `rx_wait` entry while we wait (no slot: we are woken, then receive ourselves).
    signal: Option<Arc<Signal>>,
    /// On a timer channel: our wake-up with the timer thread, withdrawn when we are done.
    timer: Option<crate::clock::WakeKey>,
}

impl<'a, T> SendFuture<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>, value: T) -> Self {
        Self::with(ChanRef::Borrowed(chan), value)
    }

    pub(super) fn owned(tx: Sender<T>, value: T) -> Self {
        Self::with(ChanRef::Owned(tx), value)
    }

    fn with(chan: ChanRef<'a, T, Sender<T>>, value: T) -> Self {
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
        Self::with(ChanRef::Borrowed(chan))
    }

    pub(super) fn owned(rx: Receiver<T>) -> Self {
        Self::with(ChanRef::Owned(rx))
    }

    fn with(chan: ChanRef<'a, T, Receiver<T>>) -> Self {
        Self {
            chan,
            signal: None,
            timer: None,
        }
    }
}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: nothing is moved out of the pinned future; `slot` stays in place.
        let this = unsafe { self.get_unchecked_mut() };
        if this.chan.is_ring() {
            return this.poll_ring(cx);
        }
        if let Some(signal) = &this.signal {
            signal.set_waker(cx.waker());
            // Acquire: pairs with the receiver's Release `complete`; on a rendezvous the
            // receive happens before this send completes (HB-CHAN-ASYNC, site
            // `chan.send_async.observe`).
            if signal
                .done_case(ord(mutant::SEND_ASYNC_OBSERVE, Ordering::Acquire))
                .is_none()
            {
                return Poll::Pending;
            }
            this.signal = None;
            // SAFETY: DONE was observed with Acquire just above: the completer is done.
            let result = match unsafe { take_slot(&this.slot) } {
                None => Ok(()),
                Some(v) => Err(SendError(v)),
            };
            trace_send_async(|| this.chan.trace_name(), result.is_ok());
            return Poll::Ready(result);
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
                trace_send_async(|| this.chan.trace_name(), true);
                Poll::Ready(Ok(()))
            }
            Err(TrySendError::Closed(v)) => {
                drop(st);
                trace_send_async(|| this.chan.trace_name(), false);
                Poll::Ready(Err(SendError(v)))
            }
            Err(TrySendError::Full(v)) => {
                // SAFETY: not registered yet: the slot is ours alone.
                unsafe { put_slot(&this.slot, Some(v)) };
                let signal = Arc::new(Signal::for_task(cx.waker()));
                signal.trace_wait(|| format!("send_async {}", this.chan.trace_name()));
                st.push_sender(
                    Entry {
                        signal: signal.clone(),
                        case: 0,
                        slot: &this.slot,
                    },
                    &mut wake,
                );
                drop(st);
                wake.run();
                crate::trace::record(|| {
                    format!("send_async {} -> pending", this.chan.trace_name())
                });
                this.signal = Some(signal);
                Poll::Pending
            }
        }
    }
}

impl<T> SendFuture<'_, T> {
    /// `poll` on a ring channel: the value stays in the future until the ring takes it; a
    /// pending future is woken when there is room, and tries again.
    fn poll_ring(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SendError<T>>> {
        if let Some(signal) = &self.signal {
            signal.set_waker(cx.waker());
            // A hint: the edge (HB-CHAN-CAPACITY) comes from the ring's stamps below.
            if !signal.is_done_hint() {
                return Poll::Pending;
            }
            self.signal = None;
        }
        let Some(mut value) = self.value.take() else {
            panic!("`SendFuture` polled after completion");
        };
        loop {
            let result = match self.chan.try_send(value) {
                Ok(()) => Ok(()),
                Err(TrySendError::Closed(v)) => Err(SendError(v)),
                Err(TrySendError::Full(v)) => {
                    value = v;
                    if let Some(signal) = self.chan.register_task(Side::Send, cx.waker()) {
                        self.value = Some(value);
                        self.signal = Some(signal);
                        return Poll::Pending;
                    }
                    continue; // room came while we registered: try again
                }
            };
            trace_send_async(|| self.chan.trace_name(), result.is_ok());
            return Poll::Ready(result);
        }
    }
}

/// Records how a `send_async` ended: sent, or the channel was closed (checker builds;
/// nothing in std builds).
fn trace_send_async(name: impl FnOnce() -> String, sent: bool) {
    let outcome = if sent { "ok" } else { "closed" };
    crate::trace::record(|| format!("send_async {} -> {outcome}", name()));
}

impl<T> Future for RecvFuture<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let chan: &Chan<T> = &this.chan;
        if let Some(signal) = &this.signal {
            signal.set_waker(cx.waker());
            // A hint: the value (and HB-CHAN-ASYNC's edge) comes from the channel lock below.
            if !signal.is_done_hint() && !timer_due(chan, signal) {
                return Poll::Pending;
            }
            // Woken (a value arrived, or the channel closed), or our timer is due: receive.
            this.signal = None;
        }
        if let Some(key) = this.timer.take() {
            crate::clock::cancel_wake(key);
        }
        if chan.is_ring() {
            return this.poll_ring(cx);
        }
        let mut wake = Wake::default();
        let mut st = chan.lock();
        match st.try_recv(&mut wake) {
            Ok(v) => {
                drop(st);
                wake.run();
                crate::trace::record(|| format!("recv_async {} -> ok", chan.trace_name()));
                Poll::Ready(Ok(v))
            }
            Err(TryRecvError::Closed) => {
                crate::trace::record(|| format!("recv_async {} -> closed", chan.trace_name()));
                Poll::Ready(Err(RecvError))
            }
            Err(TryRecvError::Empty) => {
                let timer = st
                    .timer_deadline()
                    .and_then(|at| crate::clock::wake_task_at(at, cx.waker()));
                let signal = Arc::new(Signal::for_task(cx.waker()));
                signal.trace_wait(|| format!("recv_async {}", chan.trace_name()));
                st.push_notified(signal.clone());
                drop(st);
                crate::trace::record(|| format!("recv_async {} -> pending", chan.trace_name()));
                this.signal = Some(signal);
                this.timer = timer;
                Poll::Pending
            }
        }
    }
}

impl<T> RecvFuture<'_, T> {
    /// `poll` on a ring channel (not registered now): receive, or register and look again.
    fn poll_ring(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let chan: &Chan<T> = &self.chan;
        loop {
            match chan.try_recv() {
                Ok(v) => {
                    crate::trace::record(|| format!("recv_async {} -> ok", chan.trace_name()));
                    return Poll::Ready(Ok(v));
                }
                Err(TryRecvError::Closed) => {
                    crate::trace::record(|| format!("recv_async {} -> closed", chan.trace_name()));
                    return Poll::Ready(Err(RecvError));
                }
                Err(TryRecvError::Empty) => {}
            }
            // `None`: a value (or the close) came while we registered; try again.
            if let Some(signal) = chan.register_task(Side::Recv, cx.waker()) {
                self.signal = Some(signal);
                return Poll::Pending;
            }
        }
    }
}

/// A pending receive on a timer channel, which no sender wakes: whether to receive again now
/// because the timer is due (the entry is then withdrawn). In virtual time it is due from the
/// second poll on; a context deadline's timer instead rings its alarm, a cancel that closes
/// the channel and so wakes us.
fn timer_due<T>(chan: &Chan<T>, signal: &Arc<Signal>) -> bool {
    let (due, alarm) = {
        let mut st = chan.lock();
        let next = st.timer_deadline();
        let alarm = next
            .filter(|_| crate::sync::CHECKER)
            .and_then(|at| st.fire_timer(at));
        let due = next.is_some_and(|at| crate::sync::CHECKER || crate::clock::is_past(at));
        (due, alarm)
    };
    if let Some(alarm) = alarm {
        alarm.ring();
        if signal.is_done_hint() {
            return true; // closed by the alarm: receive under the lock
        }
    }
    if due {
        withdraw(chan, signal);
    }
    due
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
            if withdraw(&self.chan, &signal) && self.chan.is_ring() {
                // Woken for room we will not use: wake the next sender.
                self.chan.pass_on(Side::Send);
            }
        }
    }
}

impl<T> Drop for RecvFuture<'_, T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        if let Some(key) = self.timer.take() {
            crate::clock::cancel_wake(key);
        }
        if let Some(signal) = self.signal.take() {
            if withdraw(&self.chan, &signal) {
                // We were woken for a value we will not take: wake the next receiver.
                self.chan.pass_on(Side::Recv);
            }
        }
    }
}
