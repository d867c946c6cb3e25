//! Litmus outcome tables (`cargo verify --litmus`): what the memory model allows, and what
//! loom produces, for the classic shapes and for message passing through each hbsync
//! primitive.
//!
//! Each shape is a small program on the facade's atomics whose threads' reads make an
//! *outcome* (`r1=1 r2=0`). loom explores it exhaustively and counts the executions that end
//! in each outcome. Every outcome of interest carries what the Rust (C++20) memory model says
//! of it: forbidden, allowed, or allowed and *interesting* (the weak behaviour the shape is
//! about). The verdict compares the two:
//!
//! | model says | loom reached it | verdict |
//! |---|---|---|
//! | forbidden | no | ok |
//! | forbidden | yes | CHECKER WRONG (loom explores an execution the model forbids) |
//! | interesting | yes | ok |
//! | interesting | no | MODEL GAP (allowed, but loom cannot produce it) |
//! | allowed | either | ok |
//!
//! The atomics here are the objects under study, not synchronization of hbsync's own: each
//! shape's orderings are its variant, and no claim rests on them.
//!
//! A gap or a wrong checker is a fact about loom, known and explained in the shape's note;
//! an *unexplained* one fails the run. For the hbsync shapes, the outcome that the claim
//! forbids must also *appear* once the claim's mutant weakens its ordering: that shows the
//! table is not vacuous.

use std::collections::BTreeMap;
use std::sync::Mutex;

use hbsync::check::sync::atomic::{fence, AtomicUsize, Ordering};
use hbsync::check::sync::Arc;
use hbsync::check::thread;
use hbsync_xtask::schema::{LitmusOutcome, LitmusTable};

/// What the Rust (C++20) memory model says of an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// No execution may end so.
    Forbidden,
    /// Some execution may end so.
    Allowed,
    /// Allowed, and the weak behaviour the shape exists to show: it must be reached.
    Interesting,
}

/// One outcome of a shape and what the model says of it.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// The reads, as the program reports them: `r1=1 r2=0`.
    pub label: &'static str,
    /// The model's verdict.
    pub model: Model,
    /// A known disagreement of loom with the model for this outcome, and why (a gap or a
    /// wrong checker); `None`: loom must agree.
    pub known: Option<&'static str>,
}

/// An outcome the model forbids.
const fn forbidden(label: &'static str) -> Outcome {
    Outcome {
        label,
        model: Model::Forbidden,
        known: None,
    }
}

/// An outcome the model allows.
const fn allowed(label: &'static str) -> Outcome {
    Outcome {
        label,
        model: Model::Allowed,
        known: None,
    }
}

/// An allowed outcome the shape exists to show (it must be reached).
const fn interesting(label: &'static str) -> Outcome {
    Outcome {
        label,
        model: Model::Interesting,
        known: None,
    }
}

impl Outcome {
    /// Marks a known disagreement of loom with the model, and why.
    const fn known(self, why: &'static str) -> Self {
        Self {
            known: Some(why),
            ..self
        }
    }
}

/// A litmus shape in one ordering variant.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// `MP`, `SB`, …, or `MP via rendezvous`.
    pub name: &'static str,
    /// `relaxed`, `release/acquire`, `SeqCst`, or the primitive.
    pub variant: &'static str,
    /// Runs one execution; returns its outcome label.
    pub program: fn() -> String,
    /// The outcomes the table shows (others reached are listed as allowed).
    pub outcomes: &'static [Outcome],
    /// The lesson, in two lines.
    pub lesson: &'static str,
    /// For hbsync shapes: the mutant site whose weakening must make the forbidden outcome
    /// appear.
    pub mutant: Option<&'static str>,
}

/// `x.store`/`load` with `o`, on a fresh pair of atomics shared by the shape's threads.
fn pair() -> Arc<(AtomicUsize, AtomicUsize)> {
    Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)))
}

/// Store and load orderings for a variant.
fn orders(variant: u8) -> (Ordering, Ordering) {
    match variant {
        0 => (Ordering::Relaxed, Ordering::Relaxed),
        1 => (Ordering::Release, Ordering::Acquire),
        _ => (Ordering::SeqCst, Ordering::SeqCst),
    }
}

/// MP: T1 `x=1; y=1`; T2 `r1=y; r2=x`.
fn mp<const V: u8>() -> String {
    let (st, ld) = orders(V);
    let v = pair();
    let w = v.clone();
    let t = thread::spawn(move || {
        w.0.store(1, Ordering::Relaxed);
        w.1.store(1, st);
    });
    let r1 = v.1.load(ld);
    let r2 = v.0.load(Ordering::Relaxed);
    t.join().unwrap();
    format!("r1={r1} r2={r2}")
}

/// SB: T1 `x=1; r1=y`; T2 `y=1; r2=x`. `V = 3`: relaxed accesses with `fence(SeqCst)`
/// between each store and load.
fn sb<const V: u8>() -> String {
    let (st, ld) = if V == 3 {
        (Ordering::Relaxed, Ordering::Relaxed)
    } else {
        orders(V)
    };
    let v = pair();
    let w = v.clone();
    let t = thread::spawn(move || {
        w.1.store(1, st);
        if V == 3 {
            fence(Ordering::SeqCst);
        }
        w.0.load(ld)
    });
    v.0.store(1, st);
    if V == 3 {
        fence(Ordering::SeqCst);
    }
    let r1 = v.1.load(ld);
    let r2 = t.join().unwrap();
    format!("r1={r1} r2={r2}")
}

/// LB: T1 `r1=x; y=1`; T2 `r2=y; x=1`.
fn lb<const V: u8>() -> String {
    let (st, ld) = orders(V);
    let v = pair();
    let w = v.clone();
    let t = thread::spawn(move || {
        let r2 = w.1.load(ld);
        w.0.store(1, st);
        r2
    });
    let r1 = v.0.load(ld);
    v.1.store(1, st);
    let r2 = t.join().unwrap();
    format!("r1={r1} r2={r2}")
}

/// IRIW: T1 `x=1`; T2 `y=1`; T3 `r1=x; r2=y`; T4 (main) `r3=y; r4=x`.
fn iriw<const V: u8>() -> String {
    let (st, ld) = orders(V);
    let v = pair();
    let (a, b, c) = (v.clone(), v.clone(), v.clone());
    let t1 = thread::spawn(move || a.0.store(1, st));
    let t2 = thread::spawn(move || b.1.store(1, st));
    let t3 = thread::spawn(move || (c.0.load(ld), c.1.load(ld)));
    let r3 = v.1.load(ld);
    let r4 = v.0.load(ld);
    t1.join().unwrap();
    t2.join().unwrap();
    let (r1, r2) = t3.join().unwrap();
    format!("r1={r1} r2={r2} r3={r3} r4={r4}")
}

/// 2+2W: T1 `x=1; y=2`; T2 `y=1; x=2`; the final values.
fn two_plus_two_w<const V: u8>() -> String {
    let (st, _) = orders(V);
    let v = pair();
    let w = v.clone();
    let t = thread::spawn(move || {
        w.1.store(1, st);
        w.0.store(2, st);
    });
    v.0.store(1, st);
    v.1.store(2, st);
    t.join().unwrap();
    let (x, y) = (v.0.load(Ordering::Relaxed), v.1.load(Ordering::Relaxed));
    format!("x={x} y={y}")
}

/// WRC: T1 `x=1`; T2 `r1=x; y=1`; T3 (main) `r2=y; r3=x`.
fn wrc<const V: u8>() -> String {
    let (st, ld) = orders(V);
    let v = pair();
    let (a, b) = (v.clone(), v.clone());
    let t1 = thread::spawn(move || a.0.store(1, st));
    let t2 = thread::spawn(move || {
        let r1 = b.0.load(ld);
        b.1.store(1, st);
        r1
    });
    let r2 = v.1.load(ld);
    let r3 = v.0.load(ld);
    t1.join().unwrap();
    let r1 = t2.join().unwrap();
    format!("r1={r1} r2={r2} r3={r3}")
}

/// CoRR: T1 `x=1`; T2 `r1=x; r2=x` (relaxed: coherence alone).
fn corr() -> String {
    let v = pair();
    let w = v.clone();
    let t = thread::spawn(move || w.0.store(1, Ordering::Relaxed));
    let r1 = v.0.load(Ordering::Relaxed);
    let r2 = v.0.load(Ordering::Relaxed);
    t.join().unwrap();
    format!("r1={r1} r2={r2}")
}

/// Release sequence: T1 `x=1; y.store(1, Release)`; T2 `y.fetch_add(1, Relaxed)`; T3 (main)
/// `r1=y.load(Acquire); r2=x`. An RMW continues T1's release sequence.
fn release_sequence() -> String {
    let v = pair();
    let (a, b) = (v.clone(), v.clone());
    let t1 = thread::spawn(move || {
        a.0.store(1, Ordering::Relaxed);
        a.1.store(1, Ordering::Release);
    });
    let t2 = thread::spawn(move || {
        b.1.fetch_add(1, Ordering::Relaxed);
    });
    let r1 = v.1.load(Ordering::Acquire);
    let r2 = v.0.load(Ordering::Relaxed);
    t1.join().unwrap();
    t2.join().unwrap();
    format!("r1={r1} r2={r2}")
}

/// Message passing through an hbsync primitive: T1 `x=1` (relaxed), then signals; T2 waits
/// for the signal, then `r=x` (relaxed). `r=0` is what the primitive's claim forbids.
fn mp_via(kind: u8) -> String {
    let x = Arc::new(AtomicUsize::new(0));
    let w = x.clone();
    let r = match kind {
        0 | 1 => {
            let (tx, rx) = hbsync::chan::bounded::<()>(usize::from(kind));
            let t = thread::spawn(move || {
                w.store(1, Ordering::Relaxed);
                tx.send(()).unwrap();
            });
            rx.recv().unwrap();
            let r = x.load(Ordering::Relaxed);
            t.join().unwrap();
            r
        }
        2 => {
            let m = Arc::new(hbsync::Mutex::new(false));
            let m2 = m.clone();
            let t = thread::spawn(move || {
                let mut g = m2.lock();
                w.store(1, Ordering::Relaxed);
                *g = true;
            });
            // One look under the lock (a retry loop would only multiply the interleavings):
            // if the flag is set, the data must be too.
            let seen = {
                let g = m.lock();
                g.then(|| x.load(Ordering::Relaxed))
            };
            t.join().unwrap();
            match seen {
                Some(r) => r,
                None => return "flag not yet set".to_string(),
            }
        }
        3 => {
            let once = Arc::new(hbsync::Once::new());
            let o = once.clone();
            let t = thread::spawn(move || o.call_once(|| w.store(1, Ordering::Relaxed)));
            let mut ran_here = false;
            once.call_once(|| ran_here = true);
            let r = x.load(Ordering::Relaxed);
            t.join().unwrap();
            if ran_here {
                return "this side ran f".to_string();
            }
            r
        }
        4 => {
            let wg = hbsync::WaitGroup::new();
            wg.add(1);
            let w2 = wg.clone();
            let t = thread::spawn(move || {
                w.store(1, Ordering::Relaxed);
                w2.done();
            });
            wg.wait();
            let r = x.load(Ordering::Relaxed);
            t.join().unwrap();
            r
        }
        5 => {
            let (ctx, cancel) = hbsync::context::Context::background().with_cancel();
            let t = thread::spawn(move || {
                w.store(1, Ordering::Relaxed);
                cancel.cancel();
            });
            while ctx.err().is_none() {
                thread::yield_now();
            }
            let r = x.load(Ordering::Relaxed);
            t.join().unwrap();
            r
        }
        _ => {
            let (tx, rx) = hbsync::chan::bounded::<()>(0);
            let (_tx2, rx2) = hbsync::chan::bounded::<()>(0);
            let t = thread::spawn(move || {
                w.store(1, Ordering::Relaxed);
                tx.send(()).unwrap();
            });
            hbsync::select! {
                recv(rx) -> v => v.unwrap(),
                recv(rx2) -> _ => unreachable!("nothing is sent on the other channel"),
            }
            let r = x.load(Ordering::Relaxed);
            t.join().unwrap();
            r
        }
    };
    format!("r={r}")
}

const MP_RELAXED: &[Outcome] = &[interesting("r1=1 r2=0"), allowed("r1=1 r2=1")];
const MP_SYNC: &[Outcome] = &[forbidden("r1=1 r2=0"), allowed("r1=1 r2=1")];
const SB_WEAK: &[Outcome] = &[interesting("r1=0 r2=0")];
const SB_SEQCST: &[Outcome] = &[forbidden("r1=0 r2=0").known("loom treats SeqCst loads and stores as AcqRel (only SeqCst fences are checked): it produces SB's forbidden outcome")];
const SB_FENCE: &[Outcome] = &[forbidden("r1=0 r2=0")];
const LB_RELAXED: &[Outcome] = &[interesting("r1=1 r2=1").known("loom does not model load buffering: a load never reads a store that comes later in the interleaving")];
const LB_SYNC: &[Outcome] = &[forbidden("r1=1 r2=1")];
const IRIW_WEAK: &[Outcome] = &[interesting("r1=1 r2=0 r3=1 r4=0")];
const IRIW_SEQCST: &[Outcome] = &[forbidden("r1=1 r2=0 r3=1 r4=0").known("loom treats SeqCst accesses as AcqRel: the readers may disagree on the order of the two writes")];
const W22_WEAK: &[Outcome] = &[interesting("x=1 y=1")];
const W22_SEQCST: &[Outcome] = &[Outcome {
    label: "x=1 y=1",
    model: Model::Forbidden,
    known: Some(
        "loom treats SeqCst stores as Release: no single order of all SeqCst stores is enforced",
    ),
}];
const WRC_RELAXED: &[Outcome] = &[interesting("r1=1 r2=1 r3=0")];
const WRC_SYNC: &[Outcome] = &[forbidden("r1=1 r2=1 r3=0")];
const CORR: &[Outcome] = &[forbidden("r1=1 r2=0"), allowed("r1=0 r2=1")];
const RELEASE_SEQ: &[Outcome] = &[forbidden("r1=2 r2=0"), allowed("r1=2 r2=1")];
const VIA_MUTEX: &[Outcome] = &[
    forbidden("r=0"),
    allowed("r=1"),
    allowed("flag not yet set"),
];
const VIA_ONCE: &[Outcome] = &[forbidden("r=0"), allowed("r=1"), allowed("this side ran f")];
const VIA: &[Outcome] = &[forbidden("r=0"), allowed("r=1")];

/// Every table, in report order.
pub const SHAPES: &[Shape] = &[
    Shape { name: "MP", variant: "relaxed", program: mp::<0>, outcomes: MP_RELAXED, lesson: "Relaxed stores can be seen out of order: the flag without the data.\nA flag needs Release on the store and Acquire on the load.", mutant: None },
    Shape { name: "MP", variant: "release/acquire", program: mp::<1>, outcomes: MP_SYNC, lesson: "Release/Acquire on the flag makes the data visible with it.\nThis is the edge every hbsync claim gives you.", mutant: None },
    Shape { name: "MP", variant: "SeqCst", program: mp::<2>, outcomes: MP_SYNC, lesson: "SeqCst is at least as strong as Release/Acquire.\nIt buys nothing more for message passing.", mutant: None },
    Shape { name: "SB", variant: "relaxed", program: sb::<0>, outcomes: SB_WEAK, lesson: "Each thread's store can still be in flight when the other reads.\nBoth may read 0: a store-then-load is not ordered.", mutant: None },
    Shape { name: "SB", variant: "release/acquire", program: sb::<1>, outcomes: SB_WEAK, lesson: "Release/Acquire does not order a store before a later load.\nDekker-style flags need SeqCst, not Acquire.", mutant: None },
    Shape { name: "SB", variant: "SeqCst", program: sb::<2>, outcomes: SB_SEQCST, lesson: "SeqCst forbids both reading 0 (one total order of the four accesses).\nloom cannot check it: write a store-to-load need as fence(SeqCst).", mutant: None },
    Shape { name: "SB", variant: "fence(SeqCst)", program: sb::<3>, outcomes: SB_FENCE, lesson: "A SeqCst fence between the store and the load forbids both reading 0.\nloom checks fences: this is how hbsync writes store-to-load needs.", mutant: None },
    Shape { name: "LB", variant: "relaxed", program: lb::<0>, outcomes: LB_RELAXED, lesson: "C++20 allows each load to read the other thread's later store.\nNo checker explores it; no real hardware we target shows it.", mutant: None },
    Shape { name: "LB", variant: "release/acquire", program: lb::<1>, outcomes: LB_SYNC, lesson: "With Acquire loads and Release stores each load happens before the other store.\nNo cycle: both reading 1 is forbidden.", mutant: None },
    Shape { name: "IRIW", variant: "release/acquire", program: iriw::<1>, outcomes: IRIW_WEAK, lesson: "Two readers may see two independent writes in opposite orders.\nAcquire gives no global order of writes.", mutant: None },
    Shape { name: "IRIW", variant: "SeqCst", program: iriw::<2>, outcomes: IRIW_SEQCST, lesson: "SeqCst gives one order of all SeqCst writes that every reader agrees on.\nloom does not check this (SeqCst treated as AcqRel).", mutant: None },
    Shape { name: "2+2W", variant: "relaxed", program: two_plus_two_w::<0>, outcomes: W22_WEAK, lesson: "Relaxed stores to two locations need not agree with program order.\nEach location's order is its own.", mutant: None },
    Shape { name: "2+2W", variant: "SeqCst", program: two_plus_two_w::<2>, outcomes: W22_SEQCST, lesson: "SeqCst stores follow one total order consistent with program order.\nBoth first stores cannot be last; loom does not enforce that order.", mutant: None },
    Shape { name: "WRC", variant: "relaxed", program: wrc::<0>, outcomes: WRC_RELAXED, lesson: "Seeing a write, then publishing, does not publish that write.\nRelaxed causality does not chain.", mutant: None },
    Shape { name: "WRC", variant: "release/acquire", program: wrc::<1>, outcomes: WRC_SYNC, lesson: "Release/Acquire edges chain: happens-before is transitive.\nWhat T2 saw, T3 sees.", mutant: None },
    Shape { name: "CoRR", variant: "relaxed", program: corr, outcomes: CORR, lesson: "Even Relaxed reads of one location never go back in time.\nCoherence holds for every ordering.", mutant: None },
    Shape { name: "release sequence", variant: "Release, RMW, Acquire", program: release_sequence, outcomes: RELEASE_SEQ, lesson: "An RMW continues the release sequence of an earlier Release store.\nReading its value synchronizes with that store: WaitGroup's counter relies on it.", mutant: None },
    Shape { name: "MP via", variant: "rendezvous", program: || mp_via(0), outcomes: VIA, lesson: "A rendezvous receive sees what the sender wrote before sending (HB-CHAN-SEND).\nWeaken the waiter's completion store and the stale value appears.", mutant: Some("chan.waiter.complete") },
    Shape { name: "MP via", variant: "bounded(1)", program: || mp_via(1), outcomes: VIA, lesson: "The same through a buffer: the value and the edge travel together.\nWeaken the cell's publishing store and the receiver sees stale data.", mutant: Some("chan.ring.send.publish") },
    Shape { name: "MP via", variant: "Mutex", program: || mp_via(2), outcomes: VIA_MUTEX, lesson: "Whatever a critical section wrote, the next holder sees (HB-MUTEX).\nWeaken the unlock's Release and the flag comes without the data.", mutant: Some("mutex.unlock.fast") },
    Shape { name: "MP via", variant: "Once", program: || mp_via(3), outcomes: VIA_ONCE, lesson: "A call_once that did not run f returns after f's writes are visible (HB-ONCE).\nloom never shows the stale value here with DONE's Release weakened: that mutant is shown by cargo verify's race check.", mutant: None },
    Shape { name: "MP via", variant: "WaitGroup", program: || mp_via(4), outcomes: VIA, lesson: "wait returns after every done, with the doers' writes (HB-WG).\nWeaken done's Release and wait returns with stale data.", mutant: Some("wg.done") },
    Shape { name: "MP via", variant: "Context", program: || mp_via(5), outcomes: VIA, lesson: "Observing a cancel shows what the canceller wrote before it (HB-CTX-CANCEL).\nThe observer polls with a yield, after which loom reads fresh values: its mutant is shown by cargo verify's race check instead.", mutant: None },
    Shape { name: "MP via", variant: "select!", program: || mp_via(6), outcomes: VIA, lesson: "A select case carries its operation's edge (HB-SELECT).\nWeaken the waiter's Acquire and the case completes with stale data.", mutant: Some("chan.waiter.observe") },
];

/// Outcome label → executions that ended so, for one exploration of a shape.
pub type Counts = BTreeMap<String, u64>;

/// Explores `shape` exhaustively under the active checker; returns its outcome counts.
pub fn explore(shape: &Shape) -> Counts {
    static COUNTS: Mutex<Counts> = Mutex::new(BTreeMap::new());
    COUNTS.lock().unwrap().clear();
    let program = shape.program;
    crate::litmus::explore_one(
        move || {
            let outcome = program();
            // A std lock: bookkeeping outside the model (loom runs every model thread on this
            // OS thread, and the count is read after the checker returns).
            *COUNTS.lock().unwrap().entry(outcome).or_insert(0) += 1;
        },
        None,
    );
    std::mem::take(&mut *COUNTS.lock().unwrap())
}

/// The verdict for one outcome, given its count.
pub fn verdict(o: &Outcome, count: u64) -> &'static str {
    match (o.model, count > 0, o.known) {
        (Model::Forbidden, false, _) | (Model::Interesting, true, _) | (Model::Allowed, _, _) => {
            "ok"
        }
        (Model::Forbidden, true, Some(_)) => "CHECKER WRONG (known)",
        (Model::Forbidden, true, None) => "CHECKER WRONG",
        (Model::Interesting, false, Some(_)) => "MODEL GAP (known)",
        (Model::Interesting, false, None) => "NOT REACHED",
    }
}

/// Whether a verdict fails the run: an unexplained disagreement with the model.
pub fn fails(verdict: &str) -> bool {
    verdict == "CHECKER WRONG" || verdict == "NOT REACHED"
}

/// What a mutant run of an hbsync shape showed.
#[derive(Debug, Clone)]
pub enum MutantEvidence {
    /// The outcome the claim forbids appeared in this many executions.
    Forbidden(u64),
    /// loom found a data race in the primitive's own hand-off (the weakened edge also
    /// carried the primitive's data): the run stopped there.
    RaceInHandOff,
    /// Neither: the table would be vacuous.
    Nothing,
}

/// One shape's results: its base counts and, for hbsync shapes, its mutant's evidence.
#[derive(Debug, Clone)]
pub struct TableResult {
    /// The shape.
    pub shape: &'static Shape,
    /// Outcome counts of the exhaustive run.
    pub counts: Counts,
    /// The mutant run's evidence, for hbsync shapes.
    pub mutant: Option<MutantEvidence>,
}

impl TableResult {
    /// Whether the table is as it must be: no unexplained disagreement with the model, and a
    /// mutant (if any) that shows something.
    pub fn ok(&self) -> bool {
        let outcomes_ok = self
            .shape
            .outcomes
            .iter()
            .all(|o| !fails(verdict(o, self.count(o.label))));
        outcomes_ok && !matches!(self.mutant, Some(MutantEvidence::Nothing))
    }

    fn count(&self, label: &str) -> u64 {
        self.counts.get(label).copied().unwrap_or(0)
    }

    fn mutant_text(&self) -> Option<String> {
        let site = self.shape.mutant?;
        Some(match &self.mutant {
            Some(MutantEvidence::Forbidden(n)) => {
                format!("mutant {site}: the forbidden outcome appears in {n} executions")
            }
            Some(MutantEvidence::RaceInHandOff) => format!(
                "mutant {site}: loom reports a data race in the hand-off itself (the weakened edge also carried the primitive's data)"
            ),
            Some(MutantEvidence::Nothing) | None => {
                format!("mutant {site}: SHOWS NOTHING (the table would be vacuous)")
            }
        })
    }

    /// The result as the report's row (rendered by `hbsync_xtask::render`).
    pub fn row(&self) -> LitmusTable {
        LitmusTable {
            name: self.shape.name.to_string(),
            variant: self.shape.variant.to_string(),
            lesson: self.shape.lesson.to_string(),
            executions: self.counts.values().sum(),
            outcomes: self
                .shape
                .outcomes
                .iter()
                .map(|o| {
                    let n = self.count(o.label);
                    LitmusOutcome {
                        label: o.label.to_string(),
                        model: model_word(o.model).to_string(),
                        executions: n,
                        verdict: verdict(o, n).to_string(),
                        known: o.known.map(str::to_string),
                    }
                })
                .collect(),
            mutant: self.mutant_text(),
            ok: self.ok(),
        }
    }
}

fn model_word(m: Model) -> &'static str {
    match m {
        Model::Forbidden => "forbidden",
        Model::Allowed => "allowed",
        Model::Interesting => "allowed (interesting)",
    }
}
