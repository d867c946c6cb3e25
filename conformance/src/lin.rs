//! A linearizability checker (Wing & Gong's search with Lowe's memoisation) over recorded
//! histories, against a [`Sequential`] specification from [`hbsync::spec`].
//!
//! A history is a list of [`Event`]s: an operation, what it returned, and the instants it
//! was called and returned. The checker looks for one order of all operations, each taking
//! effect between its call and its return, in which the specification allows every result.
//! Two-phase operations (a blocking rendezvous send or receive: request, then follow-up)
//! place both phases in that window, in order.
//!
//! The search is exponential in the worst case; the memo of visited (progress, state)
//! pairs keeps it small for the short histories a stress run records (tens of
//! operations), and a step budget makes it answer "undecided" rather than run away.
//!
//! ```
//! use hbsync::spec::{ChanOp, ChanRet, ChanSpec};
//! use hbsync_conformance::lin::{check, Event, Outcome};
//!
//! // Thread 0 sends 1 then 2 into a buffered channel; thread 1, after both returned,
//! // receives 2 first: no order explains that.
//! let h = vec![
//!     Event { thread: 0, op: ChanOp::Send(1), ret: ChanRet::Sent, call: 0, ret_at: 1 },
//!     Event { thread: 0, op: ChanOp::Send(2), ret: ChanRet::Sent, call: 2, ret_at: 3 },
//!     Event { thread: 1, op: ChanOp::TryRecv, ret: ChanRet::Got(2), call: 4, ret_at: 5 },
//! ];
//! assert!(matches!(check(&ChanSpec::new(Some(4)), &h), Outcome::NotLinearizable(_)));
//! ```

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};

use hbsync::spec::Sequential;

/// One completed operation of a history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<O, R> {
    /// The thread that ran it (for the report only).
    pub thread: usize,
    /// The operation.
    pub op: O,
    /// What it returned.
    pub ret: R,
    /// When it was called (a [`Clock`] reading).
    pub call: u64,
    /// When it returned; later than `call`.
    pub ret_at: u64,
}

/// The answer of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A witness order: (event index, phase) in the order they take effect.
    Linearizable(Vec<(usize, u8)>),
    /// No order exists; the history, rendered for a reader.
    NotLinearizable(String),
    /// The search ran out of its step budget.
    Undecided,
}

impl Outcome {
    /// Whether a witness was found.
    pub fn is_linearizable(&self) -> bool {
        matches!(self, Self::Linearizable(_))
    }
}

/// A shared logical clock for recording histories: one `SeqCst` counter, read before an
/// operation is called and after it returns. If `a.ret_at < b.call` then `a` returned
/// before `b` was called in real time, which is all the checker uses.
#[derive(Debug, Default)]
pub struct Clock(AtomicU64);

impl Clock {
    /// A clock at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next instant.
    pub fn tick(&self) -> u64 {
        // SeqCst: one total order of call and return instants across all threads, the
        // real-time order the history needs (no HB claim; this is test equipment).
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    /// Run `f` as operation `op` of `thread` and record it.
    pub fn record<O, R>(&self, thread: usize, op: O, f: impl FnOnce() -> R) -> Event<O, R> {
        let call = self.tick();
        let ret = f();
        let ret_at = self.tick();
        Event {
            thread,
            op,
            ret,
            call,
            ret_at,
        }
    }
}

/// How many search steps [`check`] takes before it answers [`Outcome::Undecided`].
pub const STEP_BUDGET: usize = 2_000_000;

/// Is `history` linearizable with respect to the specification starting in `init`?
pub fn check<S: Sequential>(init: &S, history: &[Event<S::Op, S::Ret>]) -> Outcome {
    let phases: Vec<u8> = history.iter().map(|e| init.phases(&e.op)).collect();
    let mut search = Search {
        history,
        phases: &phases,
        seen: HashSet::new(),
        steps: 0,
        path: Vec::new(),
    };
    let mut progress = vec![0u8; history.len()];
    match search.dfs(init, &mut progress) {
        Some(true) => Outcome::Linearizable(search.path),
        Some(false) => Outcome::NotLinearizable(render(history)),
        None => Outcome::Undecided,
    }
}

struct Search<'h, S: Sequential> {
    history: &'h [Event<S::Op, S::Ret>],
    phases: &'h [u8],
    seen: HashSet<(Vec<u8>, S)>,
    steps: usize,
    path: Vec<(usize, u8)>,
}

impl<S: Sequential> Search<'_, S> {
    /// `Some(true)`: a witness (in `path`); `Some(false)`: none; `None`: out of budget.
    fn dfs(&mut self, state: &S, progress: &mut Vec<u8>) -> Option<bool> {
        if progress.iter().zip(self.phases).all(|(p, n)| p == n) {
            return Some(true);
        }
        if !self.seen.insert((progress.clone(), state.clone())) {
            return Some(false);
        }
        // The earliest return among operations not finished: nothing called after it can
        // take its first step yet (Wing & Gong's minimal operations).
        let horizon = self
            .history
            .iter()
            .zip(progress.iter().zip(self.phases))
            .filter(|(_, (p, n))| p < n)
            .map(|(e, _)| e.ret_at)
            .min()
            .unwrap_or(u64::MAX);
        for i in 0..self.history.len() {
            let phase = progress[i];
            if phase == self.phases[i] {
                continue;
            }
            let e = &self.history[i];
            if phase == 0 && e.call > horizon {
                continue;
            }
            self.steps += 1;
            if self.steps > STEP_BUDGET {
                return None;
            }
            for next in state.step(i, &e.op, &e.ret, phase) {
                progress[i] += 1;
                self.path.push((i, phase));
                let found = self.dfs(&next, progress);
                progress[i] -= 1;
                match found {
                    Some(false) => {
                        self.path.pop();
                    }
                    other => return other,
                }
            }
        }
        Some(false)
    }
}

/// The history as a timeline, one line per operation in call order.
pub fn render<O: fmt::Debug, R: fmt::Debug>(history: &[Event<O, R>]) -> String {
    let mut order: Vec<&Event<O, R>> = history.iter().collect();
    order.sort_by_key(|e| e.call);
    let mut out = String::new();
    for e in order {
        let _ = writeln!(
            out,
            "  [{:>4}..{:>4}] t{} {:?} -> {:?}",
            e.call, e.ret_at, e.thread, e.op, e.ret
        );
    }
    out
}
