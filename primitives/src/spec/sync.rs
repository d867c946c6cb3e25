//! `Mutex`, `WaitGroup` and `Once`.

use super::Sequential;

/// The sequential meaning of a [`Mutex`](crate::Mutex): who holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MutexSpec {
    holder: Option<usize>,
}

/// A mutex operation by thread `.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MutexOp {
    /// `lock()` (blocking): takes effect only while the mutex is free.
    Lock(usize),
    /// `try_lock()`.
    TryLock(usize),
    /// Dropping the guard.
    Unlock(usize),
}

/// What a mutex operation returned.
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct WaitGroupSpec {
    count: i64,
}

/// A wait group operation. Each returns `()`.
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OnceSpec {
    done: bool,
}

/// A once operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnceOp {
    /// `call_once(f)`; it takes effect when `f` completes (its own or the winner's).
    CallOnce,
    /// `is_done()`.
    IsDone,
}

/// What a once operation returned.
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
