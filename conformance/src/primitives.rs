//! Linearizability of hbsync's other primitives: stress histories of `Mutex`, `WaitGroup`,
//! `Once` and `Context`, checked against [`hbsync::spec`].

use std::fmt;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use hbsync::context::Context;
use hbsync::spec::{
    ContextOp, ContextRet, ContextSpec, MutexOp, MutexRet, MutexSpec, OnceOp, OnceRet, OnceSpec,
    Sequential, WaitGroupOp, WaitGroupSpec,
};
use hbsync::{Mutex, Once, WaitGroup};

use crate::lin::{check, Clock, Event, Outcome};
use crate::Verdict;

/// One primitive's check.
pub struct PrimitiveCheck {
    /// The primitive.
    pub name: &'static str,
    /// What its histories do.
    pub what: &'static str,
    /// Record and check the histories.
    pub run: fn() -> Verdict,
}

/// Every primitive's check.
pub fn all() -> Vec<PrimitiveCheck> {
    vec![
        PrimitiveCheck {
            name: "Mutex",
            what: "3 threads x 4 lock/try_lock + unlock pairs; 200 histories against MutexSpec",
            run: mutex,
        },
        PrimitiveCheck {
            name: "WaitGroup",
            what: "add, done and wait from 4 threads; 200 histories against WaitGroupSpec",
            run: waitgroup,
        },
        PrimitiveCheck {
            name: "Once",
            what: "3 threads racing call_once and is_done; 200 histories against OnceSpec",
            run: once,
        },
        PrimitiveCheck {
            name: "Context",
            what: "a tree of 3 cancel-cause contexts; cancels, err, cause and timed done-waits from 3 threads; 200 histories against ContextSpec",
            run: context,
        },
    ]
}

/// Check `rounds` histories made by `record`; the first that has no linearization differs.
fn rounds<S: Sequential>(
    init: &S,
    n: u64,
    record: impl Fn(u64) -> Vec<Event<S::Op, S::Ret>>,
) -> Verdict {
    for seed in 0..n {
        match check(init, &record(seed)) {
            Outcome::Linearizable(_) => {}
            Outcome::Undecided => return Verdict::Differs(format!("history {seed} undecided")),
            Outcome::NotLinearizable(h) => {
                return Verdict::Differs(format!("history {seed} has no linearization:\n{h}"))
            }
        }
    }
    Verdict::Holds
}

/// A thread's part of a history: it records its operations and returns them.
type Recording<O, R> = Box<dyn FnOnce() -> Vec<Event<O, R>> + Send>;

/// Run `threads` closures, each recording into its own list, and merge the lists.
fn gather<O: Send + 'static, R: Send + 'static>(threads: Vec<Recording<O, R>>) -> Vec<Event<O, R>> {
    let handles: Vec<_> = threads.into_iter().map(thread::spawn).collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("a recording thread panicked"))
        .collect()
}

fn mutex() -> Verdict {
    rounds(&MutexSpec::default(), 200, |seed| {
        let m = Arc::new(Mutex::new(0u64));
        let clock = Arc::new(Clock::new());
        let threads = (0..3usize)
            .map(|t| {
                let (m, clock) = (m.clone(), clock.clone());
                Box::new(move || {
                    let mut h = Vec::new();
                    for i in 0..4u64 {
                        let mut guard = None;
                        let trying = (seed + i + t as u64).is_multiple_of(3);
                        h.push(if trying {
                            clock.record(t, MutexOp::TryLock(t), || {
                                guard = m.try_lock();
                                MutexRet::Took(guard.is_some())
                            })
                        } else {
                            clock.record(t, MutexOp::Lock(t), || {
                                guard = Some(m.lock());
                                MutexRet::Done
                            })
                        });
                        if let Some(mut g) = guard.take() {
                            *g += 1;
                            h.push(clock.record(t, MutexOp::Unlock(t), || {
                                drop(g);
                                MutexRet::Done
                            }));
                        }
                    }
                    h
                }) as Box<dyn FnOnce() -> _ + Send>
            })
            .collect();
        gather(threads)
    })
}

fn waitgroup() -> Verdict {
    rounds(&WaitGroupSpec::default(), 200, |seed| {
        let wg = Arc::new(WaitGroup::new());
        let clock = Arc::new(Clock::new());
        let first = clock.record(0, WaitGroupOp::Add(2), || wg.add(2));
        let mut threads: Vec<Box<dyn FnOnce() -> Vec<_> + Send>> = Vec::new();
        {
            let (wg, clock) = (wg.clone(), clock.clone());
            threads.push(Box::new(move || {
                vec![clock.record(1, WaitGroupOp::Done, || wg.done())]
            }));
        }
        {
            let (wg, clock) = (wg.clone(), clock.clone());
            threads.push(Box::new(move || {
                vec![
                    clock.record(2, WaitGroupOp::Add(1), || wg.add(1)),
                    clock.record(2, WaitGroupOp::Done, || wg.done()),
                    clock.record(2, WaitGroupOp::Done, || wg.done()),
                ]
            }));
        }
        for t in 3..5usize {
            let (wg, clock) = (wg.clone(), clock.clone());
            threads.push(Box::new(move || {
                if (seed + t as u64).is_multiple_of(2) {
                    thread::yield_now();
                }
                vec![clock.record(t, WaitGroupOp::Wait, || wg.wait())]
            }));
        }
        let mut h = gather(threads);
        h.push(first);
        h
    })
}

fn once() -> Verdict {
    rounds(&OnceSpec::default(), 200, |seed| {
        let once = Arc::new(Once::new());
        let clock = Arc::new(Clock::new());
        let threads = (0..3usize)
            .map(|t| {
                let (once, clock) = (once.clone(), clock.clone());
                Box::new(move || {
                    let mut h = Vec::new();
                    if (seed + t as u64).is_multiple_of(2) {
                        h.push(clock.record(t, OnceOp::IsDone, || OnceRet::Done(once.is_done())));
                    }
                    h.push(clock.record(t, OnceOp::CallOnce, || {
                        let mut ran = false;
                        once.call_once(|| {
                            ran = true;
                            thread::yield_now();
                        });
                        OnceRet::Ran(ran)
                    }));
                    h.push(clock.record(t, OnceOp::IsDone, || OnceRet::Done(once.is_done())));
                    h
                }) as Box<dyn FnOnce() -> _ + Send>
            })
            .collect();
        gather(threads)
    })
}

/// A numbered cause, as the context spec counts them.
#[derive(Debug)]
struct Numbered(u32);

impl fmt::Display for Numbered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cause {}", self.0)
    }
}

impl std::error::Error for Numbered {}

fn context() -> Verdict {
    // Context 0 is a child of background; 1 and 2 are children of 0.
    let spec = ContextSpec::new(vec![None, Some(0), Some(0)]);
    rounds(&spec, 200, |seed| {
        let bg = Context::background();
        let (c0, k0) = bg.with_cancel_cause();
        let (c1, k1) = c0.with_cancel_cause();
        let (c2, k2) = c0.with_cancel_cause();
        let ctxs = Arc::new([c0, c1, c2]);
        let cancels = [Arc::new(k0), Arc::new(k1), Arc::new(k2)];
        let clock = Arc::new(Clock::new());
        let threads = (0..3usize)
            .map(|t| {
                let (ctxs, clock) = (ctxs.clone(), clock.clone());
                let cancels = cancels.clone();
                Box::new(move || {
                    let mut h = Vec::new();
                    let mut r = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(t as u64);
                    for i in 0..5u64 {
                        r = r
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let c = ((r >> 33) % 3) as usize;
                        let kind = (r >> 40) % 4;
                        // Thread 0 cancels context 1 then 0, thread 2 cancels 2: causes are
                        // the canceling thread's number times 10 plus the context.
                        let cancel_now = (t == 0 && (i == 1 || i == 3)) || (t == 2 && i == 2);
                        h.push(if cancel_now {
                            let target = if t == 2 {
                                2
                            } else if i == 1 {
                                1
                            } else {
                                0
                            };
                            let cause = (t * 10 + target) as u32;
                            clock.record(t, ContextOp::Cancel(target, cause), || {
                                cancels[target].cancel(Numbered(cause));
                                ContextRet::Canceled
                            })
                        } else {
                            match kind {
                                0 => clock.record(t, ContextOp::Err(c), || {
                                    ContextRet::Err(ctxs[c].err())
                                }),
                                1 => clock.record(t, ContextOp::Cause(c), || {
                                    ContextRet::Cause(ctxs[c].cause().map(|e| {
                                        e.downcast_ref::<Numbered>().map_or(u32::MAX, |n| n.0)
                                    }))
                                }),
                                _ => clock.record(t, ContextOp::WaitDone(c), || {
                                    let done =
                                        ctxs[c].done().recv_timeout(Duration::from_micros(200));
                                    ContextRet::Done(done.is_err_and(|e| e.is_closed()))
                                }),
                            }
                        });
                    }
                    h
                }) as Box<dyn FnOnce() -> _ + Send>
            })
            .collect();
        gather(threads)
    })
}
