//! Go-style channels: multi-producer, multi-consumer, rendezvous, buffered or unbounded.
//!
//! | Go                      | hbsync                                   |
//! |-------------------------|------------------------------------------|
//! | `make(chan T)`          | [`bounded::<T>(0)`](bounded) (rendezvous) |
//! | `make(chan T, n)`       | [`bounded::<T>(n)`](bounded)              |
//! | (none)                  | [`unbounded::<T>()`](unbounded)           |
//! | `c <- v`                | [`tx.send(v)`](Sender::send)              |
//! | `v, ok := <-c`          | [`rx.recv()`](Receiver::recv)             |
//! | `close(c)`              | [`tx.close()`](Sender::close), or drop every `Sender` |
//! | `for v := range c`      | `for v in &rx`                           |
//! | `len(c)`, `cap(c)`      | [`len()`](Receiver::len), [`capacity()`](Receiver::capacity) |
//!
//! # Happens-before
//!
//! In the words of the Go memory model (each bullet is a claim checked by `cargo verify`):
//!
//! - **HB-CHAN-SEND**: a send is synchronized before the completion of the receive that
//!   takes its value (any capacity).
//! - **HB-CHAN-CLOSE**: closing a channel is synchronized before a receive that returns
//!   [`RecvError`] / [`TryRecvError::Closed`] because it is closed.
//! - **HB-CHAN-RENDEZVOUS**: on `bounded(0)`, the receive is synchronized before the
//!   completion of the matching send.
//! - **HB-CHAN-CAPACITY**: on a channel of capacity C, the k-th receive is synchronized before
//!   the completion of the (k+C)-th send.
//! - **HB-CHAN-ASYNC**: [`Sender::send_async`] and [`Receiver::recv_async`] carry the same
//!   edges as `send` and `recv` (the send before its receive completes; on `bounded(0)` the
//!   receive before the send completes).
//! - **HB-CHAN-TIMEOUT**: a receive that completes inside [`Receiver::recv_timeout`] (or
//!   `recv_deadline`) gives the edges of a plain receive; one that times out gives none.
//! - **LIVE-CHAN-WAKE** (liveness): a receiver that waits on a buffered channel while a value
//!   goes in, or a sender that waits while room is made, is woken: the lock-free buffer
//!   never strands a waiter.
//! - **N-CHAN-BUFFERED** (not guaranteed): on a buffered channel a receive is *not*
//!   synchronized before the send of the same value completes.
//! - `len`, `is_empty`, `is_full`, `is_closed` and failed `try_` operations synchronize
//!   nothing that a program may rely on.
//!
//! # Closing, and what is never lost
//!
//! A channel is closed by [`Sender::close`] or when its last `Sender` is dropped. Receivers
//! still get every buffered value, then `Closed`. When the last `Receiver` is dropped the
//! channel closes too, so sends fail at once instead of blocking forever. Every failed send
//! hands its value back in its error: a value is received exactly once or returned.
//!
//! # Differences from Go
//!
//! - Closing twice is not an error: [`Sender::close`] returns `false` the second time (Go
//!   panics with "close of closed channel").
//! - Sending on a closed channel returns the value in an error (Go panics).
//! - There are no nil channels: a `select!` arm is disabled instead (see `select!`).
//!
//! # Design: the buffer and the waiter
//!
//! A bounded channel of capacity ≥ 1 keeps its values in a lock-free array of stamped cells
//! (Vyukov's bounded queue): a send into room and a receive of a buffered value take no
//! lock. Rendezvous and unbounded channels keep their values under one lock per channel
//! (Go's `hchan`).
//!
//! A party that must wait registers a waiter: a signal (`waiter.rs`) in a queue under the
//! channel lock. On a rendezvous (and an unbounded channel) the other side completes it
//! directly under the lock (one CAS decides it, so it is completed by exactly one party),
//! moves the value into or out of the waiter's slot, publishes with a Release store, and
//! wakes the thread or the task waker after unlocking. On a buffered channel the other side
//! only wakes it, and the waiter tries again. Blocking calls, async futures and `select!`
//! share this one mechanism; a `select!` registers one entry per case, all pointing at one
//! signal, so at most one case can win. A blocking waiter spins briefly before it parks (a
//! partner on another core usually answers within that time). A waiter withdraws (timeout,
//! dropped future, lost select) by the same CAS; if it loses that race, it honours the
//! completion. Details: `engine.rs`, `ring.rs`, `waiter.rs`.
//!
//! # Examples
//!
//! ```
//! use hbsync::chan;
//!
//! let (tx, rx) = chan::bounded(0); // a rendezvous, like Go's make(chan int)
//! let worker = std::thread::spawn(move || {
//!     for v in &rx {
//!         println!("got {v}");
//!     }
//! });
//! for i in 0..3 {
//!     tx.send(i).unwrap(); // returns once the worker took i
//! }
//! drop(tx); // closes: the worker's loop ends
//! worker.join().unwrap();
//! ```

pub(crate) mod engine;
mod error;
mod future;
mod list;
mod lockfree;
mod ring;
#[doc(hidden)]
pub mod select;
#[cfg(feature = "futures")]
mod stream;

use std::fmt;
use std::time::{Duration, Instant};

pub use error::{
    RecvError, RecvTimeoutError, SendError, SendTimeoutError, TryRecvError, TrySendError,
};
pub use future::{RecvFuture, SendFuture};
pub use select::{RecvOperand, Select, SelectRecv, SelectSend, SendOperand};
#[cfg(feature = "futures")]
pub use stream::{RecvStream, SendSink};

use crate::sync::Arc;
use engine::Chan;

/// Creates a channel of capacity `cap`. `cap == 0` is a rendezvous channel (Go's
/// `make(chan T)`): a send completes only when a receiver takes the value.
///
/// The buffer is allocated once, here: sending on a bounded channel never allocates.
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded(1);
/// tx.send("hello").unwrap();
/// assert!(tx.try_send("world").unwrap_err().is_full());
/// assert_eq!(rx.recv(), Ok("hello"));
/// ```
pub fn bounded<T>(cap: usize) -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan::new(Some(cap)));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// A bounded channel that keeps its buffer under the lock, as a channel above the ring's
/// largest capacity does, at a capacity small enough for a model: so the proofs reach that
/// path too (HB-CHAN-CAPACITY, HB-CHAN-SEND). Not for programs: use [`bounded`].
#[doc(hidden)]
pub fn bounded_locked<T>(cap: usize) -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan::locked(Some(cap)));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// A done channel for a context whose deadline, in virtual time, is `alarm`: a timer
/// channel that yields nothing, with a sender that closes it (the context's cancel).
#[cfg(any(loom, shuttle))]
pub(crate) fn alarm_pair(alarm: crate::clock::Alarm) -> (Sender<()>, Receiver<()>) {
    let chan = Arc::new(Chan::timer(crate::clock::Timer::alarm(alarm, |_| ())));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// Creates a channel with no capacity limit: sends never block.
///
/// ```
/// let (tx, rx) = hbsync::chan::unbounded();
/// for i in 0..1000 {
///     tx.send(i).unwrap();
/// }
/// assert_eq!(rx.len(), 1000);
/// ```
pub fn unbounded<T>() -> (Sender<T>, Receiver<T>) {
    let chan = Arc::new(Chan::new(None));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// The sending side of a channel. Clone it for more senders; the channel closes when the last
/// one is dropped (or at [`close`](Sender::close)).
///
/// A `Sender` crosses threads when its values can: `T: Send` (so `Rc` cannot be sent):
///
/// ```compile_fail
/// fn send<T: Send>(_: T) {}
/// let (tx, _rx) = hbsync::chan::unbounded::<std::rc::Rc<u8>>();
/// send(tx);
/// ```
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving side of a channel. Clone it for more receivers (each value goes to one).
///
/// ```
/// use hbsync::chan;
///
/// let (tx, rx) = chan::unbounded();
/// let rx2 = rx.clone();
/// tx.send(1).unwrap();
/// tx.send(2).unwrap();
/// drop(tx); // closes: receivers drain what is left, then see the close
/// let mut got = vec![rx.recv().unwrap(), rx2.recv().unwrap()];
/// got.sort();
/// assert_eq!(got, [1, 2]);
/// assert!(rx.recv().is_err());
/// ```
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

/// `Instant::now() + d`, or no deadline if that overflows.
fn deadline_after(d: Duration) -> Option<Instant> {
    Instant::now().checked_add(d)
}

impl<T> Sender<T> {
    /// Sends `value`, blocking until a receiver takes it (rendezvous) or there is room.
    ///
    /// Fails with the value back if the channel is closed, including while this call was
    /// waiting. HB-CHAN-SEND, HB-CHAN-RENDEZVOUS, HB-CHAN-CAPACITY apply.
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::bounded(1);
    /// tx.send(1).unwrap();
    /// drop(rx); // no receiver left: the channel closes
    /// assert_eq!(tx.send(2).unwrap_err().into_inner(), 2);
    /// ```
    #[inline]
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan
            .send(value, None)
            .map_err(|e| SendError(e.into_inner()))
    }

    /// Sends without blocking: `Full(v)` if it would block, `Closed(v)` if closed.
    /// Never blocks. A failed `try_send` synchronizes nothing. On `bounded(0)` it succeeds
    /// only when a blocking receiver (a thread in `recv`, or a `select!`) is waiting: a
    /// pending `recv_async` is woken instead and takes the value itself (see
    /// [`Receiver::recv_async`]).
    ///
    /// ```
    /// use hbsync::chan::{bounded, TrySendError};
    ///
    /// let (tx, rx) = bounded(1);
    /// assert_eq!(tx.try_send(1), Ok(()));
    /// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2))); // the value comes back
    /// drop(rx);
    /// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    /// ```
    #[inline]
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        let r = self.chan.try_send(value);
        crate::trace::record(|| {
            let how = match &r {
                Ok(()) => "ok",
                Err(TrySendError::Full(_)) => "full",
                Err(TrySendError::Closed(_)) => "closed",
            };
            format!("try_send {} -> {how}", self.chan.trace_name())
        });
        r
    }

    /// Sends, waiting at most `timeout`. On `Timeout(v)` the value was not delivered.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::chan::{bounded, SendTimeoutError};
    ///
    /// let (tx, _rx) = bounded(0); // nobody receives
    /// let err = tx.send_timeout(7, Duration::from_millis(10)).unwrap_err();
    /// assert_eq!(err, SendTimeoutError::Timeout(7));
    /// ```
    pub fn send_timeout(&self, value: T, timeout: Duration) -> Result<(), SendTimeoutError<T>> {
        self.chan.send(value, deadline_after(timeout))
    }

    /// Sends, waiting until `deadline` at most. A deadline in the past still tries once.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use hbsync::chan::{bounded, SendTimeoutError};
    ///
    /// let (tx, rx) = bounded(1);
    /// let soon = Instant::now() + Duration::from_millis(10);
    /// assert_eq!(tx.send_deadline(1, soon), Ok(())); // room: no wait
    /// assert_eq!(tx.send_deadline(2, soon), Err(SendTimeoutError::Timeout(2)));
    /// assert_eq!(rx.recv(), Ok(1));
    /// ```
    pub fn send_deadline(&self, value: T, deadline: Instant) -> Result<(), SendTimeoutError<T>> {
        self.chan.send(value, Some(deadline))
    }

    /// The async face of [`send`](Sender::send).
    ///
    /// Cancel safety: dropping the pending future withdraws the value; if a receiver already
    /// took it, the send has happened and the drop reports nothing. It never both delivers
    /// the value and reports failure.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (tx, rx) = hbsync::chan::bounded(1);
    /// tx.send_async(5).await.unwrap();
    /// assert_eq!(rx.recv_async().await, Ok(5));
    /// # });
    /// ```
    pub fn send_async(&self, value: T) -> SendFuture<'_, T> {
        SendFuture::new(&self.chan, value)
    }

    /// Like [`send_async`](Sender::send_async), with the future owning this sender: it
    /// borrows nothing, so it can be spawned (`'static` when `T` is). The sender is dropped
    /// with the future (the last one closes the channel).
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::bounded::<u32>(0);
    /// let send = tx.into_send_async(5); // no borrow of `tx` is left
    /// let t = std::thread::spawn(move || hbsync::check::block_on(send));
    /// assert_eq!(rx.recv(), Ok(5));
    /// t.join().unwrap().unwrap();
    /// assert!(rx.recv().is_err(), "the only sender went with its future");
    /// ```
    pub fn into_send_async<'a>(self, value: T) -> SendFuture<'a, T>
    where
        T: 'a,
    {
        SendFuture::owned(self, value)
    }

    /// Closes the channel. Returns `true` if this call closed it, `false` if it was already
    /// closed (Go panics on a second close; here it is harmless). Blocked senders get their
    /// values back; receivers drain the buffer, then see `Closed`. HB-CHAN-CLOSE.
    ///
    /// ```
    /// use hbsync::chan::{bounded, SendError};
    ///
    /// let (tx, rx) = bounded(2);
    /// tx.send(1).unwrap();
    /// assert!(tx.close());
    /// assert!(!tx.close(), "closing twice is harmless");
    /// assert_eq!(tx.send(2), Err(SendError(2)));
    /// assert_eq!(rx.recv(), Ok(1)); // the buffer drains first
    /// assert!(rx.recv().is_err());
    /// ```
    pub fn close(&self) -> bool {
        self.chan.close()
    }
}

impl<T> Receiver<T> {
    /// A receiver of a channel made elsewhere in the crate (timers).
    pub(crate) fn from_chan(chan: Arc<Chan<T>>) -> Self {
        Self { chan }
    }

    /// Receives a value, blocking until one comes. `Err(RecvError)` once the channel is
    /// closed and empty. HB-CHAN-SEND, HB-CHAN-CLOSE, HB-CHAN-RENDEZVOUS apply.
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::bounded(0);
    /// let t = std::thread::spawn(move || tx.send("hi").unwrap());
    /// assert_eq!(rx.recv(), Ok("hi"));
    /// t.join().unwrap();
    /// assert_eq!(rx.recv(), Err(hbsync::chan::RecvError)); // the sender is gone: closed
    /// ```
    #[inline]
    pub fn recv(&self) -> Result<T, RecvError> {
        match self.chan.recv(None) {
            Ok(Some(v)) => Ok(v),
            Ok(None) | Err(()) => Err(RecvError),
        }
    }

    /// Receives without blocking: `Empty` if nothing is ready, `Closed` if closed and empty.
    /// Never blocks. A failed `try_recv` synchronizes nothing.
    ///
    /// ```
    /// use hbsync::chan::{unbounded, TryRecvError};
    ///
    /// let (tx, rx) = unbounded();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(4).unwrap();
    /// tx.close();
    /// assert_eq!(rx.try_recv(), Ok(4));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[inline]
    pub fn try_recv(&self) -> Result<T, TryRecvError> {
        let r = self.chan.try_recv();
        crate::trace::record(|| {
            let how = match &r {
                Ok(_) => "ok",
                Err(TryRecvError::Empty) => "empty",
                Err(TryRecvError::Closed) => "closed",
            };
            format!("try_recv {} -> {how}", self.chan.trace_name())
        });
        r
    }

    /// Receives, waiting at most `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::chan::{bounded, RecvTimeoutError};
    ///
    /// let (tx, rx) = bounded::<u8>(1);
    /// assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Timeout));
    /// drop(tx);
    /// assert_eq!(rx.recv_timeout(Duration::from_millis(5)), Err(RecvTimeoutError::Closed));
    /// ```
    pub fn recv_timeout(&self, timeout: Duration) -> Result<T, RecvTimeoutError> {
        self.recv_until(deadline_after(timeout))
    }

    /// Receives, waiting until `deadline` at most. A deadline in the past still tries once.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    ///
    /// let (tx, rx) = hbsync::chan::bounded(1);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.recv_deadline(Instant::now() + Duration::from_millis(5)), Ok(1));
    /// assert!(rx.recv_deadline(Instant::now()).unwrap_err().is_timeout());
    /// ```
    pub fn recv_deadline(&self, deadline: Instant) -> Result<T, RecvTimeoutError> {
        self.recv_until(Some(deadline))
    }

    fn recv_until(&self, deadline: Option<Instant>) -> Result<T, RecvTimeoutError> {
        match self.chan.recv(deadline) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(RecvTimeoutError::Closed),
            Err(()) => Err(RecvTimeoutError::Timeout),
        }
    }

    /// The async face of [`recv`](Receiver::recv).
    ///
    /// Cancel safety: a pending future holds no value. A sender *wakes* it, and it takes a
    /// value under the channel lock when it is polled; dropped, it passes the wake-up on to
    /// the next async receiver. So dropping it never loses a value, never lets a rendezvous
    /// send complete without a receiver, never overfills a buffer, and keeps every sender's
    /// order. One consequence on `bounded(0)`: a pending `recv_async` does not count as a
    /// waiting receiver for [`Sender::try_send`] (it could be dropped before it takes the
    /// value); a blocking `send` waits for it to come and take the value.
    ///
    /// ```
    /// use std::{future::Future, pin::pin, task::Context};
    /// let (tx, rx) = hbsync::chan::bounded::<u8>(0);
    /// let waker = std::task::Waker::noop();
    /// {
    ///     let mut fut = pin!(rx.recv_async());
    ///     assert!(fut.as_mut().poll(&mut Context::from_waker(waker)).is_pending());
    /// } // dropped while pending
    /// assert!(tx.try_send(1).is_err(), "nobody received: the send cannot complete");
    /// assert_eq!(rx.len(), 0); // and the rendezvous holds nothing
    /// ```
    pub fn recv_async(&self) -> RecvFuture<'_, T> {
        RecvFuture::new(&self.chan)
    }

    /// Like [`recv_async`](Receiver::recv_async), with the future owning this receiver: it
    /// borrows nothing, so it can be spawned (`'static` when `T` is). The receiver is dropped
    /// with the future.
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::bounded::<u32>(1);
    /// let recv = rx.into_recv_async();
    /// let t = std::thread::spawn(move || hbsync::check::block_on(recv));
    /// tx.send(3).unwrap();
    /// assert_eq!(t.join().unwrap(), Ok(3));
    /// ```
    pub fn into_recv_async<'a>(self) -> RecvFuture<'a, T>
    where
        T: 'a,
    {
        RecvFuture::owned(self)
    }

    /// A blocking iterator: yields until the channel is closed and empty (Go's `range`).
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::bounded(4);
    /// let t = std::thread::spawn(move || {
    ///     for i in 0..3 {
    ///         tx.send(i).unwrap();
    ///     }
    /// }); // the sender is dropped at the end: the loop below ends
    /// let got: Vec<i32> = rx.iter().collect();
    /// assert_eq!(got, [0, 1, 2]);
    /// t.join().unwrap();
    /// ```
    pub fn iter(&self) -> Iter<'_, T> {
        Iter { rx: self }
    }

    /// A non-blocking iterator over what can be received now.
    ///
    /// ```
    /// let (tx, rx) = hbsync::chan::unbounded();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]); // stops when empty, open or not
    /// assert_eq!(rx.try_iter().next(), None);
    /// ```
    pub fn try_iter(&self) -> TryIter<'_, T> {
        TryIter { rx: self }
    }
}

/// A `Sender` or a `Receiver` (for [`Sender::same_channel`]); sealed.
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded::<u8>(1);
/// let (_other_tx, other_rx) = hbsync::chan::bounded::<u8>(1);
/// assert!(tx.same_channel(&rx) && rx.same_channel(&tx.clone()));
/// assert!(!tx.same_channel(&other_rx));
/// ```
pub trait ChannelHandle<T>: sealed::Sealed {
    #[doc(hidden)]
    fn chan_addr(&self) -> usize;
}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::Sender<T> {}
    impl<T> Sealed for super::Receiver<T> {}
}

macro_rules! shared_methods {
    ($ty:ident) => {
        impl<T> $ty<T> {
            /// Values buffered now (0 on a rendezvous channel). Synchronizes nothing.
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded(3);
            /// tx.send('a').unwrap();
            /// assert_eq!((tx.len(), rx.len()), (1, 1)); // one buffer, seen from either end
            /// ```
            pub fn len(&self) -> usize {
                self.chan.len()
            }

            /// The capacity: `Some(0)` for rendezvous, `None` for unbounded.
            ///
            /// ```
            /// assert_eq!(hbsync::chan::bounded::<u8>(0).1.capacity(), Some(0));
            /// assert_eq!(hbsync::chan::bounded::<u8>(8).1.capacity(), Some(8));
            /// assert_eq!(hbsync::chan::unbounded::<u8>().1.capacity(), None);
            /// ```
            pub fn capacity(&self) -> Option<usize> {
                self.chan.capacity()
            }

            /// Whether nothing is buffered now.
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded(2);
            /// assert!(rx.is_empty());
            /// tx.send('a').unwrap();
            /// assert!(!rx.is_empty() && !tx.is_empty());
            /// ```
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Whether the buffer is full now (always for a rendezvous channel).
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded(1);
            /// assert!(rx.is_empty() && !rx.is_full());
            /// tx.send(()).unwrap();
            /// assert!(rx.is_full());
            /// assert!(hbsync::chan::bounded::<()>(0).0.is_full(), "a rendezvous never has room");
            /// ```
            pub fn is_full(&self) -> bool {
                self.capacity().is_some_and(|c| self.len() >= c)
            }

            /// Whether the channel is closed.
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded::<u8>(1);
            /// assert!(!rx.is_closed());
            /// tx.close();
            /// assert!(rx.is_closed() && tx.is_closed());
            /// ```
            pub fn is_closed(&self) -> bool {
                self.chan.is_closed()
            }

            /// Live `Sender` handles of this channel now. A timer channel
            /// ([`time::after`](crate::time::after), `tick`, `never`) counts its clock as one
            /// sender, which is why it never closes by itself. Synchronizes nothing.
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::unbounded::<u8>();
            /// let tx2 = tx.clone();
            /// assert_eq!((rx.sender_count(), rx.receiver_count()), (2, 1));
            /// drop((tx, tx2));
            /// assert_eq!(rx.sender_count(), 0);
            /// assert!(rx.is_closed());
            /// ```
            pub fn sender_count(&self) -> usize {
                self.chan.sender_count()
            }

            /// Live `Receiver` handles of this channel now. Synchronizes nothing.
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded::<u8>(1);
            /// let rx2 = rx.clone();
            /// assert_eq!(tx.receiver_count(), 2);
            /// drop((rx, rx2));
            /// assert_eq!(tx.receiver_count(), 0);
            /// assert!(tx.send(1).is_err(), "nobody can receive: the value comes back");
            /// ```
            pub fn receiver_count(&self) -> usize {
                self.chan.receiver_count()
            }

            /// Whether `self` and `other` are handles of the same channel (of either side).
            ///
            /// ```
            /// let (tx, rx) = hbsync::chan::bounded::<u8>(1);
            /// let (other, _rx2) = hbsync::chan::bounded::<u8>(1);
            /// assert!(tx.same_channel(&rx) && tx.same_channel(&tx.clone()));
            /// assert!(!tx.same_channel(&other));
            /// ```
            pub fn same_channel(&self, other: &impl ChannelHandle<T>) -> bool {
                ChannelHandle::chan_addr(self) == other.chan_addr()
            }
        }

        impl<T> crate::trace::Named for $ty<T> {
            fn trace_key(&self) -> (&'static str, usize) {
                ("chan", Arc::as_ptr(&self.chan) as usize)
            }
        }

        impl<T> ChannelHandle<T> for $ty<T> {
            fn chan_addr(&self) -> usize {
                Arc::as_ptr(&self.chan) as usize
            }
        }

        impl<T> fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    .field("len", &self.len())
                    .field("capacity", &self.capacity())
                    .field("closed", &self.is_closed())
                    .finish()
            }
        }
    };
}

shared_methods!(Sender);
shared_methods!(Receiver);

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.chan.add_sender();
        Self {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.chan.add_receiver();
        Self {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        self.chan.drop_sender();
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if crate::sync::unwinding_checker() {
            return;
        }
        self.chan.drop_receiver();
    }
}

/// Blocking iterator of [`Receiver::iter`]: ends when the channel is closed and drained
/// (Go's `for v := range ch`).
///
/// ```
/// let (tx, rx) = hbsync::chan::bounded(1);
/// let producer = std::thread::spawn(move || {
///     for i in 0..3 {
///         tx.send(i).unwrap();
///     } // tx dropped: the channel closes
/// });
/// assert_eq!(rx.iter().collect::<Vec<_>>(), [0, 1, 2]);
/// producer.join().unwrap();
/// ```
#[derive(Debug)]
pub struct Iter<'a, T> {
    rx: &'a Receiver<T>,
}

/// Non-blocking iterator of [`Receiver::try_iter`]: what is ready now, then it ends.
///
/// ```
/// let (tx, rx) = hbsync::chan::unbounded();
/// tx.send(1).unwrap();
/// tx.send(2).unwrap();
/// assert_eq!(rx.try_iter().collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(rx.try_iter().next(), None, "empty but open: ends without blocking");
/// ```
#[derive(Debug)]
pub struct TryIter<'a, T> {
    rx: &'a Receiver<T>,
}

/// Owning blocking iterator of `Receiver`'s `IntoIterator`.
///
/// ```
/// let (tx, rx) = hbsync::chan::unbounded();
/// tx.send("a").unwrap();
/// drop(tx);
/// let mut all = Vec::new();
/// for v in rx {
///     all.push(v);
/// }
/// assert_eq!(all, ["a"]);
/// ```
#[derive(Debug)]
pub struct IntoIter<T> {
    rx: Receiver<T>,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.recv().ok()
    }
}

impl<T> Iterator for TryIter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.try_recv().ok()
    }
}

impl<T> Iterator for IntoIter<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        self.rx.recv().ok()
    }
}

impl<'a, T> IntoIterator for &'a Receiver<T> {
    type Item = T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T> IntoIterator for Receiver<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;
    fn into_iter(self) -> IntoIter<T> {
        IntoIter { rx: self }
    }
}
