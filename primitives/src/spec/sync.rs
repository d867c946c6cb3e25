//! `Mutex`, `WaitGroup` and `Once`.

use super::Sequential;

/// The sequential meaning of a [`Mutex`](crate::Mutex): who holds it.
///
/// ```
/// use hbsync::spec::{MutexOp, MutexRet, MutexSpec, Sequential};
///
/// let free = MutexSpec::default();
/// let held = free.step(0, &MutexOp::Lock(1), &MutexRet::Done, 0).pop().unwrap();
/// // While thread 1 holds it, a try_lock must fail and a lock cannot take effect.
/// assert_eq!(held.step(1, &MutexOp::TryLock(2), &MutexRet::Took(false), 0).len(), 1);
/// assert!(held.step(1, &MutexOp::Lock(2), &MutexRet::Done, 0).is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MutexSpec {
    holder: Option<usize>,
}

/// A mutex operation by thread `.0` (see [`MutexSpec`]).
///
/// ```
/// use hbsync::spec::{MutexOp, MutexRet, MutexSpec, Sequential};
///
/// let s = MutexSpec::default();
/// assert!(s.step(0, &MutexOp::Unlock(1), &MutexRet::Done, 0).is_empty(), "not held");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MutexOp {
    /// `lock()` (blocking): takes effect only while the mutex is free.
    Lock(usize),
    /// `try_lock()`.
    TryLock(usize),
    /// Dropping the guard.
    Unlock(usize),
}

/// What a mutex operation returned (see [`MutexSpec`]).
///
/// ```
/// use hbsync::spec::{MutexOp, MutexRet, MutexSpec, Sequential};
///
/// let s = MutexSpec::default();
/// assert!(s.step(0, &MutexOp::TryLock(1), &MutexRet::Took(false), 0).is_empty(), "it was free");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MutexRet {
    /// `lock` returned, or the guard was dropped.
    Done,
    /// `try_lock`: whether it took the lock.
    Took(bool),
}

impl Sequential for MutexSpec {
    type Op = MutexOp;
    type Ret = MutexRet;

    fn step(&self, _id: usize, op: &MutexOp, ret: &MutexRet, phase: u8) -> Vec<Self> {
        let held = |t| vec![Self { holder: Some(t) }];
        match (phase, op, ret, self.holder) {
            (0, MutexOp::Lock(t), MutexRet::Done, None) => held(*t),
            (0, MutexOp::TryLock(t), MutexRet::Took(true), None) => held(*t),
            (0, MutexOp::TryLock(_), MutexRet::Took(false), Some(_)) => vec![self.clone()],
            (0, MutexOp::Unlock(t), MutexRet::Done, Some(h)) if h == *t => vec![Self::default()],
            _ => Vec::new(),
        }
    }
}

/// The sequential meaning of a [`WaitGroup`](crate::WaitGroup): its counter.
///
/// ```
/// use hbsync::spec::{Sequential, WaitGroupOp, WaitGroupSpec};
///
/// let s = WaitGroupSpec::default();
/// let one = s.step(0, &WaitGroupOp::Add(1), &(), 0).pop().unwrap();
/// assert!(one.step(1, &WaitGroupOp::Wait, &(), 0).is_empty(), "wait cannot return at 1");
/// let zero = one.step(2, &WaitGroupOp::Done, &(), 0).pop().unwrap();
/// assert_eq!(zero.step(3, &WaitGroupOp::Wait, &(), 0).len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WaitGroupSpec {
    count: i64,
}

/// A wait group operation. Each returns `()` (see [`WaitGroupSpec`]).
///
/// ```
/// use hbsync::spec::{Sequential, WaitGroupOp, WaitGroupSpec};
///
/// let s = WaitGroupSpec::default();
/// assert!(s.step(0, &WaitGroupOp::Done, &(), 0).is_empty(), "below zero");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaitGroupOp {
    /// `add(n)`: never below zero (the real one panics there, as Go's).
    Add(i64),
    /// `done()`, that is `add(-1)`.
    Done,
    /// `wait()`: takes effect only at an instant the counter is zero.
    Wait,
}

impl Sequential for WaitGroupSpec {
    type Op = WaitGroupOp;
    type Ret = ();

    fn step(&self, _id: usize, op: &WaitGroupOp, _ret: &(), phase: u8) -> Vec<Self> {
        let count = match (phase, op) {
            (0, WaitGroupOp::Add(n)) => self.count + n,
            (0, WaitGroupOp::Done) => self.count - 1,
            (0, WaitGroupOp::Wait) if self.count == 0 => 0,
            _ => return Vec::new(),
        };
        if count < 0 {
            return Vec::new();
        }
        vec![Self { count }]
    }
}

/// The sequential meaning of a [`Once`](crate::Once): whether its function ran.
///
/// ```
/// use hbsync::spec::{OnceOp, OnceRet, OnceSpec, Sequential};
///
/// let s = OnceSpec::default();
/// let ran = s.step(0, &OnceOp::CallOnce, &OnceRet::Ran(true), 0).pop().unwrap();
/// assert!(ran.step(1, &OnceOp::CallOnce, &OnceRet::Ran(true), 0).is_empty(), "f runs once");
/// assert_eq!(ran.step(2, &OnceOp::IsDone, &OnceRet::Done(true), 0).len(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OnceSpec {
    done: bool,
}

/// A once operation (see [`OnceSpec`]).
///
/// ```
/// use hbsync::spec::{OnceOp, OnceRet, OnceSpec, Sequential};
///
/// let s = OnceSpec::default();
/// assert!(s.step(0, &OnceOp::IsDone, &OnceRet::Done(true), 0).is_empty(), "not yet");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnceOp {
    /// `call_once(f)`; it takes effect when `f` completes (its own or the winner's).
    CallOnce,
    /// `is_done()`.
    IsDone,
}

/// What a once operation returned (see [`OnceSpec`]).
///
/// ```
/// use hbsync::spec::{OnceOp, OnceRet, OnceSpec, Sequential};
///
/// let s = OnceSpec::default();
/// assert!(s.step(0, &OnceOp::CallOnce, &OnceRet::Ran(false), 0).is_empty(), "someone's f must run first");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnceRet {
    /// `call_once`: whether this call's `f` was the one that ran.
    Ran(bool),
    /// `is_done()`.
    Done(bool),
}

impl Sequential for OnceSpec {
    type Op = OnceOp;
    type Ret = OnceRet;

    fn step(&self, _id: usize, op: &OnceOp, ret: &OnceRet, phase: u8) -> Vec<Self> {
        match (phase, op, ret) {
            (0, OnceOp::CallOnce, OnceRet::Ran(ran)) if *ran != self.done => {
                vec![Self { done: true }]
            }
            (0, OnceOp::IsDone, OnceRet::Done(d)) if *d == self.done => vec![self.clone()],
            _ => Vec::new(),
        }
    }
}
