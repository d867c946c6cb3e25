//! `futures::Stream` and `futures::Sink` faces of a channel (feature `futures`), written on
//! the receive and send futures: the same waiter protocol and the same guarantees
//! (HB-CHAN-ASYNC; a dropped stream or sink loses no value a sender reported as sent).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_sink::Sink;

use super::{Receiver, RecvFuture, SendError, SendFuture, Sender};

/// A [`Stream`] of a channel's values, ending when the channel is closed and drained (Go's
/// `range`). From [`Receiver::stream`] or [`Receiver::into_stream`].
#[must_use = "streams do nothing unless polled"]
pub struct RecvStream<'a, T> {
    /// The receive in progress; a completed receive future, polled again, starts the next
    /// receive.
    next: RecvFuture<'a, T>,
}

impl<T> Receiver<T> {
    /// This receiver's values as a [`Stream`] (feature `futures`).
    ///
    /// ```
    /// use futures::StreamExt;
    /// let (tx, rx) = hbsync::chan::unbounded();
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// drop(tx);
    /// let all: Vec<i32> = futures::executor::block_on(rx.stream().collect());
    /// assert_eq!(all, [0, 1, 2]);
    /// ```
    pub fn stream(&self) -> RecvStream<'_, T> {
        RecvStream {
            next: self.recv_async(),
        }
    }

    /// Like [`stream`](Receiver::stream), owning the receiver (`'static` when `T` is).
    pub fn into_stream<'a>(self) -> RecvStream<'a, T>
    where
        T: 'a,
    {
        RecvStream {
            next: self.into_recv_async(),
        }
    }
}

impl<T> Stream for RecvStream<'_, T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.next).poll(cx).map(|r| r.ok())
    }
}

impl<T> std::fmt::Debug for RecvStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvStream").finish_non_exhaustive()
    }
}

/// A [`Sink`] into a channel, from [`Sender::into_sink`]. One value is in flight at a time:
/// `poll_ready` and `poll_flush` wait until it was delivered (on `bounded(0)`, received);
/// a failed send reports the value back in [`SendError`]. `poll_close` flushes, then drops
/// this sink's sender (the last sender's drop closes the channel).
#[must_use = "sinks do nothing unless polled"]
pub struct SendSink<'a, T> {
    tx: Option<Sender<T>>,
    pending: Option<Pin<Box<SendFuture<'a, T>>>>,
}

impl<T> Sender<T> {
    /// This sender as a [`Sink`] (feature `futures`).
    ///
    /// ```
    /// use futures::SinkExt;
    /// let (tx, rx) = hbsync::chan::bounded(1);
    /// let mut sink = tx.into_sink();
    /// futures::executor::block_on(async {
    ///     sink.send(1).await.unwrap();
    ///     sink.close().await.unwrap();
    /// });
    /// assert_eq!(rx.recv(), Ok(1));
    /// assert!(rx.recv().is_err(), "closed: the sink held the only sender");
    /// ```
    pub fn into_sink<'a>(self) -> SendSink<'a, T>
    where
        T: 'a,
    {
        SendSink {
            tx: Some(self),
            pending: None,
        }
    }
}

impl<T> SendSink<'_, T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SendError<T>>> {
        let Some(p) = &mut self.pending else {
            return Poll::Ready(Ok(()));
        };
        let r = std::task::ready!(p.as_mut().poll(cx));
        self.pending = None;
        Poll::Ready(r)
    }
}

impl<T> Sink<T> for SendSink<'_, T> {
    type Error = SendError<T>;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_pending(cx)
    }

    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Self::Error> {
        let this = self.get_mut();
        match &this.tx {
            Some(tx) => {
                this.pending = Some(Box::pin(tx.clone().into_send_async(item)));
                Ok(())
            }
            None => Err(SendError(item)), // closed through this sink
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.get_mut().poll_pending(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let this = self.get_mut();
        let r = std::task::ready!(this.poll_pending(cx));
        this.tx = None;
        Poll::Ready(r)
    }
}

impl<T> std::fmt::Debug for SendSink<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendSink")
            .field("in_flight", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}
