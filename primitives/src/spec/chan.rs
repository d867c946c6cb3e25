//! Channels: one channel ([`ChanSpec`]) and a select over several ([`SelectSpec`]).

use std::collections::VecDeque;
use std::hash::Hash;

use super::Sequential;
use crate::chan::{TryRecvError, TrySendError};

/// The sequential meaning of a channel.
///
/// Its inherent methods are the non-blocking operations, for single-threaded property
/// tests (one thread can only use those without deadlocking itself). Its [`Sequential`]
/// implementation covers every operation, blocking ones included, for linearizability
/// checks: on a buffered or unbounded channel each operation takes effect at one point (a
/// blocking one only once it can); on a rendezvous channel (`Some(0)`) a blocking send or
/// receive has two phases, because it completes only by meeting its partner.
///
/// ```
/// use hbsync::spec::ChanSpec;
///
/// let mut spec = ChanSpec::new(Some(1));
/// assert!(spec.try_send(1).is_ok());
/// assert!(spec.try_send(2).is_err(), "full");
/// assert_eq!(spec.try_recv(), Ok(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChanSpec<T> {
    buf: VecDeque<T>,
    cap: Option<usize>,
    closed: bool,
    /// Rendezvous only: blocking parties that made their request and have not followed up,
    /// by operation id (sorted, so equal states compare equal).
    waiting: Vec<(usize, Party<T>)>,
}

/// A blocking party waiting on a rendezvous channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Party<T> {
    /// A sender with its value; `true` once a receiver took it.
    Send(T, bool),
    /// A receiver; the value once a sender handed it one.
    Recv(Option<T>),
}

/// A channel operation, as a linearizability history records it.
///
/// ```
/// use hbsync::spec::{ChanOp, ChanRet, ChanSpec, Sequential};
///
/// let s = ChanSpec::<u8>::new(Some(0));
/// assert_eq!(s.phases(&ChanOp::Send(1)), 2, "a rendezvous send meets its receiver");
/// assert_eq!(s.phases(&ChanOp::TrySend(1)), 1);
/// assert!(s.step(0, &ChanOp::TrySend(1), &ChanRet::Full, 0).len() == 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChanOp<T> {
    /// Blocking `send(v)`.
    Send(T),
    /// `try_send(v)`.
    TrySend(T),
    /// `send_timeout(v, _)`.
    SendTimeout(T),
    /// Blocking `recv()`.
    Recv,
    /// `try_recv()`.
    TryRecv,
    /// `recv_timeout(_)`.
    RecvTimeout,
    /// `close()`.
    Close,
}

/// What a channel operation returned. Errors of sends are recorded without the value they
/// give back: whether a crate gives it back is checked on its own, not here.
///
/// ```
/// use hbsync::spec::{ChanOp, ChanRet, ChanSpec, Sequential};
///
/// let s = ChanSpec::<u8>::new(None);
/// let closed = s.step(0, &ChanOp::Close, &ChanRet::Closing(true), 0).pop().unwrap();
/// assert_eq!(closed.step(1, &ChanOp::Recv, &ChanRet::Closed, 0).len(), 1);
/// assert!(closed.step(2, &ChanOp::Close, &ChanRet::Closing(true), 0).is_empty(), "closed once");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChanRet<T> {
    /// A send completed.
    Sent,
    /// A receive returned this value.
    Got(T),
    /// `try_send` found no room and no waiting receiver.
    Full,
    /// `try_recv` found nothing and the channel open.
    Empty,
    /// The operation failed because the channel is closed (and, for a receive, empty).
    Closed,
    /// The timeout passed.
    Timeout,
    /// `close()`: whether this call closed the channel.
    Closing(bool),
}

impl<T> ChanSpec<T> {
    /// A channel of capacity `cap` (`None`: unbounded).
    ///
    /// ```
    /// let spec = hbsync::spec::ChanSpec::<u8>::new(None);
    /// assert!(spec.is_empty() && !spec.is_closed());
    /// ```
    pub fn new(cap: Option<usize>) -> Self {
        Self {
            buf: VecDeque::new(),
            cap,
            closed: false,
            waiting: Vec::new(),
        }
    }

    /// `try_send`: with one thread, a rendezvous send never finds a receiver.
    ///
    /// ```
    /// let mut rendezvous = hbsync::spec::ChanSpec::new(Some(0));
    /// assert!(rendezvous.try_send(1).unwrap_err().is_full());
    /// ```
    pub fn try_send(&mut self, v: T) -> Result<(), TrySendError<T>> {
        if self.closed {
            Err(TrySendError::Closed(v))
        } else if !self.has_room() {
            Err(TrySendError::Full(v))
        } else {
            self.buf.push_back(v);
            Ok(())
        }
    }

    /// `try_recv`: buffered values first, even after close.
    ///
    /// ```
    /// let mut spec = hbsync::spec::ChanSpec::new(None);
    /// spec.try_send('x').unwrap();
    /// spec.close();
    /// assert_eq!(spec.try_recv(), Ok('x'));
    /// assert!(spec.try_recv().unwrap_err().is_closed());
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        match self.buf.pop_front() {
            Some(v) => Ok(v),
            None if self.closed => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// `close`: whether this call closed it.
    ///
    /// ```
    /// let mut spec = hbsync::spec::ChanSpec::<u8>::new(Some(1));
    /// assert!(spec.close());
    /// assert!(!spec.close(), "already closed");
    /// ```
    pub fn close(&mut self) -> bool {
        !std::mem::replace(&mut self.closed, true)
    }

    /// `len`.
    ///
    /// ```
    /// let mut spec = hbsync::spec::ChanSpec::new(Some(4));
    /// spec.try_send(1).unwrap();
    /// spec.try_send(2).unwrap();
    /// assert_eq!(spec.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// `is_empty`.
    ///
    /// ```
    /// let mut spec = hbsync::spec::ChanSpec::new(Some(1));
    /// spec.try_send(1).unwrap();
    /// assert!(!spec.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// `is_closed`.
    ///
    /// ```
    /// let mut spec = hbsync::spec::ChanSpec::<u8>::new(None);
    /// spec.close();
    /// assert!(spec.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    fn has_room(&self) -> bool {
        self.cap.is_none_or(|c| self.buf.len() < c)
    }

    fn is_rendezvous(&self) -> bool {
        self.cap == Some(0)
    }
}

impl<T: Clone + PartialEq> ChanSpec<T> {
    /// A receive or select case that takes the buffer's head: legal only if the head is `v`.
    fn take_head(&self, v: &T) -> Option<Self> {
        (self.buf.front() == Some(v)).then(|| {
            let mut s = self.clone();
            s.buf.pop_front();
            s
        })
    }

    /// The one-phase operations (every operation on a buffered channel; the non-blocking
    /// ones on a rendezvous channel).
    fn step_once(&self, op: &ChanOp<T>, ret: &ChanRet<T>) -> Vec<Self> {
        use ChanOp as O;
        use ChanRet as R;
        let open = !self.closed;
        let mut next = Vec::new();
        match (op, ret) {
            (O::Close, R::Closing(first)) if *first == open => {
                let mut s = self.clone();
                s.closed = true;
                next.push(s);
            }
            (O::Send(v) | O::TrySend(v) | O::SendTimeout(v), R::Sent) if open => {
                if self.is_rendezvous() {
                    // Only a non-blocking send is one phase here: it meets a waiting
                    // receiver, any one of them.
                    for (i, (_, p)) in self.waiting.iter().enumerate() {
                        if matches!(p, Party::Recv(None)) {
                            let mut s = self.clone();
                            s.waiting[i].1 = Party::Recv(Some(v.clone()));
                            next.push(s);
                        }
                    }
                } else if self.has_room() {
                    let mut s = self.clone();
                    s.buf.push_back(v.clone());
                    next.push(s);
                }
            }
            (O::TrySend(_), R::Full) | (O::SendTimeout(_), R::Timeout) if open => {
                let receiver_waits = self
                    .waiting
                    .iter()
                    .any(|(_, p)| matches!(p, Party::Recv(None)));
                if !self.has_room() && !receiver_waits {
                    next.push(self.clone());
                }
            }
            (O::Send(_) | O::TrySend(_) | O::SendTimeout(_), R::Closed) if !open => {
                next.push(self.clone());
            }
            (O::Recv | O::TryRecv | O::RecvTimeout, R::Got(v)) => {
                if let Some(s) = self.take_head(v) {
                    next.push(s);
                }
                if open {
                    for (i, (_, p)) in self.waiting.iter().enumerate() {
                        if *p == Party::Send(v.clone(), false) {
                            let mut s = self.clone();
                            s.waiting[i].1 = Party::Send(v.clone(), true);
                            next.push(s);
                        }
                    }
                }
            }
            (O::TryRecv, R::Empty) | (O::RecvTimeout, R::Timeout) if open => {
                let sender_waits = self
                    .waiting
                    .iter()
                    .any(|(_, p)| matches!(p, Party::Send(_, false)));
                if self.buf.is_empty() && !sender_waits {
                    next.push(self.clone());
                }
            }
            (O::Recv | O::TryRecv | O::RecvTimeout, R::Closed) if !open && self.buf.is_empty() => {
                next.push(self.clone());
            }
            _ => {}
        }
        next
    }

    /// The request of a blocking rendezvous operation: meet a waiting partner (any one),
    /// or register. A closed channel matches nobody.
    fn request(&self, id: usize, op: &ChanOp<T>) -> Vec<Self> {
        let mut next = Vec::new();
        let sending = match op {
            ChanOp::Send(v) | ChanOp::SendTimeout(v) => Some(v),
            _ => None,
        };
        if !self.closed {
            for (i, (_, p)) in self.waiting.iter().enumerate() {
                let met = match (sending, p) {
                    (Some(v), Party::Recv(None)) => {
                        Some((Party::Recv(Some(v.clone())), Party::Send(v.clone(), true)))
                    }
                    (None, Party::Send(v, false)) => {
                        Some((Party::Send(v.clone(), true), Party::Recv(Some(v.clone()))))
                    }
                    _ => None,
                };
                if let Some((partner, me)) = met {
                    let mut s = self.clone();
                    s.waiting[i].1 = partner;
                    s.enrol(id, me);
                    next.push(s);
                }
            }
        }
        if next.is_empty() {
            // Nobody to meet: wait. (A party that could meet one never waits instead.)
            let me = match sending {
                Some(v) => Party::Send(v.clone(), false),
                None => Party::Recv(None),
            };
            let mut s = self.clone();
            s.enrol(id, me);
            next.push(s);
        }
        next
    }

    fn enrol(&mut self, id: usize, party: Party<T>) {
        let at = self.waiting.partition_point(|(i, _)| *i < id);
        self.waiting.insert(at, (id, party));
    }

    /// The follow-up of a blocking rendezvous operation: return what the meeting gave, or
    /// withdraw (closed, timed out) if nobody met it.
    fn follow_up(&self, id: usize, ret: &ChanRet<T>) -> Vec<Self> {
        let Some(at) = self.waiting.iter().position(|(i, _)| *i == id) else {
            return Vec::new();
        };
        let legal = match (&self.waiting[at].1, ret) {
            (Party::Send(_, true), ChanRet::Sent) => true,
            (Party::Recv(Some(v)), ChanRet::Got(w)) => v == w,
            (Party::Send(_, false) | Party::Recv(None), ChanRet::Closed) => self.closed,
            (Party::Send(_, false) | Party::Recv(None), ChanRet::Timeout) => true,
            _ => false,
        };
        if !legal {
            return Vec::new();
        }
        let mut s = self.clone();
        s.waiting.remove(at);
        vec![s]
    }
}

impl<T: Clone + Eq + Hash + std::fmt::Debug> Sequential for ChanSpec<T> {
    type Op = ChanOp<T>;
    type Ret = ChanRet<T>;

    fn phases(&self, op: &ChanOp<T>) -> u8 {
        let blocking = matches!(
            op,
            ChanOp::Send(_) | ChanOp::SendTimeout(_) | ChanOp::Recv | ChanOp::RecvTimeout
        );
        if self.is_rendezvous() && blocking {
            2
        } else {
            1
        }
    }

    fn step(&self, id: usize, op: &ChanOp<T>, ret: &ChanRet<T>, phase: u8) -> Vec<Self> {
        match (self.phases(op), phase) {
            (1, 0) => self.step_once(op, ret),
            (2, 0) => self.request(id, op),
            (2, 1) => self.follow_up(id, ret),
            _ => Vec::new(),
        }
    }
}

/// Several buffered or unbounded channels and non-blocking selects over their receives: the
/// specification a non-blocking `select` with `default` must be linearizable against (it
/// may take `default` only if, at one instant, none of its channels could be received from).
///
/// ```
/// use hbsync::spec::{ChanOp, ChanRet, SelectOp, SelectRet, SelectSpec, Sequential};
///
/// let s = SelectSpec::<u8>::new(2, Some(1));
/// let s = s.step(0, &SelectOp::On(1, ChanOp::Send(9)), &SelectRet::On(ChanRet::Sent), 0).pop().unwrap();
/// let select = SelectOp::TryRecvAny(vec![0, 1]);
/// assert!(s.step(1, &select, &SelectRet::Default, 0).is_empty(), "channel 1 is ready");
/// assert_eq!(s.step(1, &select, &SelectRet::Took(1, Some(9)), 0).len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectSpec<T> {
    chans: Vec<ChanSpec<T>>,
}

/// An operation of a [`SelectSpec`] history.
///
/// ```
/// use hbsync::spec::{SelectOp, SelectRet, SelectSpec, Sequential};
///
/// let s = SelectSpec::<u8>::new(2, None);
/// let op = SelectOp::TryRecvAny(vec![0, 1]);
/// assert_eq!(s.step(0, &op, &SelectRet::Default, 0).len(), 1, "all empty: default");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SelectOp<T> {
    /// A one-phase operation on channel `.0` (buffered channels only).
    On(usize, ChanOp<T>),
    /// A non-blocking select over receives from these channels, with `default`.
    TryRecvAny(Vec<usize>),
}

/// What a [`SelectOp`] returned.
///
/// ```
/// use hbsync::spec::{SelectOp, SelectRet, SelectSpec, Sequential};
///
/// let s = SelectSpec::<u8>::new(1, Some(2));
/// let op = SelectOp::TryRecvAny(vec![0]);
/// assert!(s.step(0, &op, &SelectRet::Took(0, None), 0).is_empty(), "not closed");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SelectRet<T> {
    /// The result of an [`SelectOp::On`].
    On(ChanRet<T>),
    /// The select took the receive from channel `.0`: a value, or `None` for closed.
    Took(usize, Option<T>),
    /// The select took `default`.
    Default,
}

impl<T> SelectSpec<T> {
    /// `n` channels, each of capacity `cap` (`None`: unbounded; a rendezvous capacity is not
    /// supported here).
    ///
    /// # Panics
    /// If `cap` is `Some(0)`.
    ///
    /// ```
    /// let _three_unbounded = hbsync::spec::SelectSpec::<u8>::new(3, None);
    /// ```
    pub fn new(n: usize, cap: Option<usize>) -> Self {
        assert_ne!(cap, Some(0), "SelectSpec covers buffered channels only");
        Self {
            chans: (0..n).map(|_| ChanSpec::new(cap)).collect(),
        }
    }
}

impl<T: Clone + Eq + Hash + std::fmt::Debug> Sequential for SelectSpec<T> {
    type Op = SelectOp<T>;
    type Ret = SelectRet<T>;

    fn step(&self, _id: usize, op: &SelectOp<T>, ret: &SelectRet<T>, phase: u8) -> Vec<Self> {
        if phase != 0 {
            return Vec::new();
        }
        let with = |i: usize, c: ChanSpec<T>| {
            let mut s = self.clone();
            s.chans[i] = c;
            s
        };
        match (op, ret) {
            (SelectOp::On(i, op), SelectRet::On(ret)) => self
                .chans
                .get(*i)
                .map(|c| {
                    c.step_once(op, ret)
                        .into_iter()
                        .map(|c| with(*i, c))
                        .collect()
                })
                .unwrap_or_default(),
            (SelectOp::TryRecvAny(cases), SelectRet::Took(i, got)) if cases.contains(i) => {
                let c = &self.chans[*i];
                match got {
                    Some(v) => c.take_head(v).map(|c| with(*i, c)).into_iter().collect(),
                    None if c.closed && c.buf.is_empty() => vec![self.clone()],
                    None => Vec::new(),
                }
            }
            (SelectOp::TryRecvAny(cases), SelectRet::Default) => {
                let none_ready = cases
                    .iter()
                    .all(|&i| self.chans[i].buf.is_empty() && !self.chans[i].closed);
                if none_ready {
                    vec![self.clone()]
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }
}
