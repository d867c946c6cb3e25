//! `Context` cancellation over a fixed tree of contexts.

use super::Sequential;
use crate::context::ContextError;

/// The sequential meaning of a tree of cancelable contexts: which are canceled, and with
/// what cause. Context `i` has parent `parents[i]` (`None`: a child of the background
/// context, which is never canceled); parents come before their children.
///
/// ```
/// use hbsync::context::ContextError;
/// use hbsync::spec::{ContextOp, ContextRet, ContextSpec, Sequential};
///
/// let tree = ContextSpec::new(vec![None, Some(0)]); // context 1 is a child of 0
/// let s = tree.step(0, &ContextOp::Cancel(0, 7), &ContextRet::Canceled, 0).pop().unwrap();
/// let canceled = ContextRet::Err(Some(ContextError::Canceled));
/// assert_eq!(s.step(1, &ContextOp::Err(1), &canceled, 0).len(), 1, "the child too");
/// assert_eq!(s.step(2, &ContextOp::Cause(1), &ContextRet::Cause(Some(7)), 0).len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextSpec {
    parents: Vec<Option<usize>>,
    /// `Some(cause)` once canceled; causes are small numbers chosen by the history.
    canceled: Vec<Option<u32>>,
}

/// A context operation on context `.0` (see [`ContextSpec`]).
///
/// ```
/// use hbsync::spec::{ContextOp, ContextRet, ContextSpec, Sequential};
///
/// let s = ContextSpec::new(vec![None]);
/// assert!(s.step(0, &ContextOp::WaitDone(0), &ContextRet::Done(true), 0).is_empty(), "not canceled");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextOp {
    /// Its cancel function, with a cause (`with_cancel_cause`; plain `cancel` is a cause of
    /// its own number). Canceling cancels every descendant not yet canceled, with the same
    /// cause; canceling again does nothing.
    Cancel(usize, u32),
    /// `err()`.
    Err(usize),
    /// `cause()`, as the number of the cause.
    Cause(usize),
    /// Waiting on `done()` with a timeout.
    WaitDone(usize),
}

/// What a context operation returned (see [`ContextSpec`]).
///
/// ```
/// use hbsync::spec::{ContextOp, ContextRet, ContextSpec, Sequential};
///
/// let s = ContextSpec::new(vec![None]);
/// assert_eq!(s.step(0, &ContextOp::Err(0), &ContextRet::Err(None), 0).len(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextRet {
    /// `cancel` returned.
    Canceled,
    /// `err()`.
    Err(Option<ContextError>),
    /// `cause()`.
    Cause(Option<u32>),
    /// `done()` completed (`true`) or the wait timed out (`false`).
    Done(bool),
}

impl ContextSpec {
    /// A tree of contexts with these parents, none canceled.
    ///
    /// # Panics
    /// If a parent does not come before its child.
    ///
    /// ```
    /// let _chain = hbsync::spec::ContextSpec::new(vec![None, Some(0), Some(1)]);
    /// ```
    pub fn new(parents: Vec<Option<usize>>) -> Self {
        assert!(
            parents
                .iter()
                .enumerate()
                .all(|(i, p)| p.is_none_or(|p| p < i)),
            "a parent comes before its children"
        );
        let n = parents.len();
        Self {
            parents,
            canceled: vec![None; n],
        }
    }

    fn descends_from(&self, mut i: usize, ancestor: usize) -> bool {
        loop {
            if i == ancestor {
                return true;
            }
            match self.parents[i] {
                Some(p) => i = p,
                None => return false,
            }
        }
    }
}

impl Sequential for ContextSpec {
    type Op = ContextOp;
    type Ret = ContextRet;

    fn step(&self, _id: usize, op: &ContextOp, ret: &ContextRet, phase: u8) -> Vec<Self> {
        if phase != 0 {
            return Vec::new();
        }
        let state = |i: usize| self.canceled.get(i).copied().flatten();
        let legal = match (op, ret) {
            (ContextOp::Cancel(c, cause), ContextRet::Canceled) if *c < self.parents.len() => {
                let mut s = self.clone();
                for i in 0..s.parents.len() {
                    if s.canceled[i].is_none() && s.descends_from(i, *c) {
                        s.canceled[i] = Some(*cause);
                    }
                }
                return vec![s];
            }
            (ContextOp::Err(i), ContextRet::Err(e)) => {
                *e == state(*i).map(|_| ContextError::Canceled)
            }
            (ContextOp::Cause(i), ContextRet::Cause(c)) => *c == state(*i),
            (ContextOp::WaitDone(i), ContextRet::Done(d)) => *d == state(*i).is_some(),
            _ => false,
        };
        if legal {
            vec![self.clone()]
        } else {
            Vec::new()
        }
    }
}
