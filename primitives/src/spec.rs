//! Sequential specifications: what each primitive does when operations run one at a time.
//! Property tests run random operation sequences against the real primitive and against the
//! specification and compare every result; other crates can compare against them too.

use std::collections::VecDeque;

use crate::chan::{TryRecvError, TrySendError};

/// The sequential meaning of a channel's non-blocking operations (a single thread can only
/// use the non-blocking ones without deadlocking itself).
#[derive(Debug, Clone)]
pub struct ChanSpec<T> {
    buf: VecDeque<T>,
    cap: Option<usize>,
    closed: bool,
}

impl<T> ChanSpec<T> {
    /// A channel of capacity `cap` (`None`: unbounded).
    pub fn new(cap: Option<usize>) -> Self {
        Self {
            buf: VecDeque::new(),
            cap,
            closed: false,
        }
    }

    /// `try_send`: with one thread, a rendezvous send never finds a receiver.
    pub fn try_send(&mut self, v: T) -> Result<(), TrySendError<T>> {
        if self.closed {
            Err(TrySendError::Closed(v))
        } else if self.cap.is_some_and(|c| self.buf.len() >= c) {
            Err(TrySendError::Full(v))
        } else {
            self.buf.push_back(v);
            Ok(())
        }
    }

    /// `try_recv`: buffered values first, even after close.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.buf.pop_front() {
            Some(v) => Ok(v),
            None if self.closed => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// `close`: whether this call closed it.
    pub fn close(&mut self) -> bool {
        !std::mem::replace(&mut self.closed, true)
    }

    /// `len`.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// `is_empty`.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// `is_closed`.
    pub fn is_closed(&self) -> bool {
        self.closed
    }
}
