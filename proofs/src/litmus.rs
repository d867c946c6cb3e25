//! One litmus program per claim (DESIGN.md §4).
//!
//! Shape of every positive proof: one task writes a plain (non-atomic) cell, then performs
//! operation A; another performs operation B, then reads the cell. Under loom the cell is
//! `loom::cell::UnsafeCell`, whose every access is checked against the vector clocks: if
//! some explored execution lets the read happen without the write happening before it, loom
//! panics with "Causality violation". So an exhaustive pass means A is synchronized before
//! B in every execution of the configuration. A negative claim's program wrongly relies on an
//! edge that is not there, and loom must find its race.
//!
//! Only hbsync's own API is used: the edges under test are the ones hbsync provides.

use std::sync::atomic::{AtomicUsize, Ordering};

use hbsync::chan::{self, Receiver, Sender};
use hbsync::check::cell::UnsafeCell;
use hbsync::check::sync::Arc;
use hbsync::check::thread;

/// A plain memory location shared on purpose without synchronization of its own.
struct Data(UnsafeCell<u32>);

// SAFETY: deliberately shared: the accesses are what the checker examines. Under loom a racy
// access panics before it could do harm; the std build only runs the programs once, where
// they are race-free by the claim under test (and negative programs are not run in std).
unsafe impl Sync for Data {}

impl Data {
    fn new() -> Arc<Self> {
        Arc::new(Self(UnsafeCell::new(0)))
    }

    fn write(&self, v: u32) {
        // SAFETY: see the `Sync` impl: loom checks this access for races.
        self.0.with_mut(|p| unsafe { *p = v });
    }

    fn read(&self) -> u32 {
        // SAFETY: as in `write`.
        self.0.with(|p| unsafe { *p })
    }
}

fn channel(cap: Option<usize>) -> (Sender<u32>, Receiver<u32>) {
    match cap {
        Some(c) => chan::bounded(c),
        None => chan::unbounded(),
    }
}

/// HB-SPAWN: a write before `go` is visible to the task.
pub fn hb_spawn() {
    let data = Data::new();
    data.write(1);
    let d = data.clone();
    let t = hbsync::go(move || assert_eq!(d.read(), 1));
    t.join().unwrap();
}

/// HB-CHAN-SEND at capacity `cap`: write; send ‖ recv; read.
fn hb_chan_send_at(cap: Option<usize>) {
    let data = Data::new();
    let (tx, rx) = channel(cap);
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        tx.send(7).unwrap();
    });
    assert_eq!(rx.recv(), Ok(7));
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CHAN-SEND over capacities 0, 1 and unbounded.
pub fn hb_chan_send() {
    for cap in [Some(0), Some(1), None] {
        hb_chan_send_at(cap);
    }
}

/// HB-CHAN-CLOSE at capacity `cap`: write; close ‖ recv returns Closed; read.
fn hb_chan_close_at(cap: usize) {
    let data = Data::new();
    let (tx, rx) = channel(Some(cap));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        tx.close();
    });
    assert!(rx.recv().is_err());
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CHAN-CLOSE over capacities 0 and 1.
pub fn hb_chan_close() {
    for cap in [0, 1] {
        hb_chan_close_at(cap);
    }
}

/// HB-CHAN-RENDEZVOUS: write; recv ‖ send returns; read (on the sender's side).
pub fn hb_chan_rendezvous() {
    let data = Data::new();
    let (tx, rx) = channel(Some(0));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        rx.recv().unwrap();
    });
    tx.send(7).unwrap();
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CHAN-CAPACITY at capacity `cap`: the 1st receive → completion of send number 1 + cap.
fn hb_chan_capacity_at(cap: usize) {
    let data = Data::new();
    let (tx, rx) = channel(Some(cap));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        rx.recv().unwrap();
        rx
    });
    for i in 0..cap {
        tx.send(i as u32).unwrap();
    }
    tx.send(99).unwrap(); // the (1 + cap)-th send: completes only after the 1st receive
    assert_eq!(data.read(), 1);
    drop(t.join().unwrap());
}

/// HB-CHAN-CAPACITY for capacities 1 and 2.
pub fn hb_chan_capacity() {
    for cap in [1, 2] {
        hb_chan_capacity_at(cap);
    }
}

/// N-TASK-EXIT: the task's write is read without a join: a race.
pub fn n_task_exit() {
    let data = Data::new();
    let d = data.clone();
    let t = hbsync::go(move || d.write(1));
    let _ = data.read(); // wrongly assumes the task has finished
    t.join().unwrap();
}

/// N-CHAN-BUFFERED: the sender assumes its completed send means the receiver has run.
pub fn n_chan_buffered() {
    let data = Data::new();
    let (tx, rx) = channel(Some(1));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        rx.recv().unwrap();
    });
    tx.send(0).unwrap();
    let _ = data.read(); // wrongly assumes the receive happened before the send completed
    t.join().unwrap();
}

/// HB-MUTEX: two lockers each read-modify-write the cell inside the lock; then a successful
/// `try_lock` is a lock too.
pub fn hb_mutex() {
    let data = Data::new();
    let m = Arc::new(hbsync::Mutex::new(()));
    let (d, m2) = (data.clone(), m.clone());
    let t = thread::spawn(move || {
        let _g = m2.lock();
        d.write(d.read() + 1);
    });
    {
        let _g = m.lock();
        data.write(data.read() + 1);
    }
    t.join().unwrap();
    assert_eq!(data.read(), 2);
    // A successful try_lock after another thread's critical section.
    let (d, m2) = (data.clone(), m.clone());
    let t = thread::spawn(move || {
        let _g = m2.lock();
        d.write(3);
    });
    if let Some(_g) = m.try_lock() {
        let v = data.read();
        assert!(v == 2 || v == 3);
    }
    t.join().unwrap();
}

/// N-TRYLOCK: the holder writes, then locks; the other side wrongly treats its *failed*
/// `try_lock` as proof that the write happened.
pub fn n_trylock() {
    let data = Data::new();
    let m = Arc::new(hbsync::Mutex::new(()));
    let (d, m2) = (data.clone(), m.clone());
    let t = thread::spawn(move || {
        d.write(1);
        let _g = m2.lock();
    });
    if m.try_lock().is_none() {
        let _ = data.read(); // "it is locked, so the write before the lock is done": wrong
    }
    t.join().unwrap();
}

/// HB-WG: two tasks each write their own cell and call `done`; `wait` returns after both,
/// and both writes are visible (every `done`, not only the last, is before the return).
pub fn hb_wg() {
    let (a, b) = (Data::new(), Data::new());
    let wg = hbsync::WaitGroup::new();
    wg.add(2);
    let ts: Vec<_> = [a.clone(), b.clone()]
        .into_iter()
        .map(|d| {
            let wg = wg.clone();
            thread::spawn(move || {
                d.write(1);
                wg.done();
            })
        })
        .collect();
    wg.wait();
    assert_eq!(a.read() + b.read(), 2);
    for t in ts {
        t.join().unwrap();
    }
}

/// HB-ONCE: two callers race `call_once(write)`; each reads the cell after its call returns.
pub fn hb_once() {
    let data = Data::new();
    let once = Arc::new(hbsync::Once::new());
    let (d, o) = (data.clone(), once.clone());
    let t = thread::spawn(move || {
        o.call_once(|| d.write(1));
        assert_eq!(d.read(), 1, "returned before f completed");
    });
    once.call_once(|| data.write(1));
    assert_eq!(data.read(), 1, "returned before f completed");
    t.join().unwrap();
}

/// HB-CTX-CANCEL, observed through `err`: write; cancel the root ‖ poll `err()` of the
/// root, or of a child (`via_child`: parent to descendant), until Some; read.
fn hb_ctx_err(via_child: bool) {
    let data = Data::new();
    let (root, cancel) = hbsync::context::Context::background().with_cancel();
    let observed = if via_child {
        root.with_cancel().0
    } else {
        root
    };
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        cancel.cancel();
    });
    // Poll until the cancel is observed (a yield lets the checker run the canceller).
    while observed.err().is_none() {
        thread::yield_now();
    }
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CTX-CANCEL, observed through a blocking receive on `done()`, and by an after-func
/// (started on its own task by the cancel): write; cancel ‖ recv done; read ‖ f reads.
/// (loom allows five threads per execution: this one uses three.)
fn hb_ctx_done_and_after_func() {
    let data = Data::new();
    let (ctx, cancel) = hbsync::context::Context::background().with_cancel();
    let (ran_tx, ran) = chan::bounded::<()>(1);
    let d = data.clone();
    let _stop = ctx.after_func(move || {
        assert_eq!(d.read(), 1);
        ran_tx.send(()).unwrap();
    });
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        cancel.cancel();
    });
    assert!(ctx.done().recv().is_err());
    assert_eq!(data.read(), 1);
    ran.recv().unwrap();
    t.join().unwrap();
}

/// HB-CTX-CANCEL: cancel → err observed, parent cancel → descendant observed, cancel →
/// done observed, cancel → after-func start.
pub fn hb_ctx_cancel() {
    hb_ctx_err(false);
    hb_ctx_err(true);
    hb_ctx_done_and_after_func();
}

/// The litmus program named `proof`.
pub fn program(proof: &str) -> Option<fn()> {
    Some(match proof {
        "hb_spawn" => hb_spawn,
        "hb_chan_send" => hb_chan_send,
        "hb_chan_close" => hb_chan_close,
        "hb_chan_rendezvous" => hb_chan_rendezvous,
        "hb_chan_capacity" => hb_chan_capacity,
        "hb_select" => hb_select,
        "hb_mutex" => hb_mutex,
        "n_trylock" => n_trylock,
        "hb_wg" => hb_wg,
        "hb_once" => hb_once,
        "hb_ctx_cancel" => hb_ctx_cancel,
        "n_task_exit" => n_task_exit,
        "n_chan_buffered" => n_chan_buffered,
        _ => return None,
    })
}

/// How many executions the last [`explore`] ran.
static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);

/// Explores `proof` under the active checker with `preemption_bound`; returns the number of
/// executions explored. Panics (like the checker) when an execution fails.
pub fn explore(proof: fn(), preemption_bound: Option<usize>) -> usize {
    EXECUTIONS.store(0, Ordering::Relaxed);
    let body = move || {
        // Relaxed: a plain counter read after the checker returns on this same OS thread.
        EXECUTIONS.fetch_add(1, Ordering::Relaxed);
        proof();
    };
    #[cfg(loom)]
    {
        let mut b = hbsync::check::loom::model::Builder::new();
        b.preemption_bound = preemption_bound;
        // No permutation or duration cap: a pass is complete within the preemption bound.
        b.max_permutations = None;
        b.max_duration = None;
        b.check(body);
    }
    #[cfg(not(loom))]
    {
        let _ = preemption_bound;
        hbsync::check::model(body);
    }
    // Relaxed: as above.
    EXECUTIONS.load(Ordering::Relaxed)
}

/// HB-SELECT, sender side selects: write; select{send} ‖ recv; read.
fn hb_select_send_side() {
    let data = Data::new();
    let (tx, rx) = channel(Some(0));
    let (_other_tx, other_rx) = channel(Some(0));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        hbsync::select! {
            send(tx, 7) -> r => r.unwrap(),
            recv(other_rx) -> _ => unreachable!("nothing is sent on the other channel"),
        }
    });
    assert_eq!(rx.recv(), Ok(7));
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-SELECT, receiver side selects: write; send ‖ select{recv}; read.
fn hb_select_recv_side() {
    let data = Data::new();
    let (tx, rx) = channel(Some(0));
    let (_other_tx, other_rx) = channel(Some(0));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        tx.send(7).unwrap();
    });
    hbsync::select! {
        recv(rx) -> v => assert_eq!(v, Ok(7)),
        recv(other_rx) -> _ => unreachable!("nothing is sent on the other channel"),
    }
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-SELECT: a completed case carries the edge of its plain operation, on either side.
pub fn hb_select() {
    hb_select_send_side();
    hb_select_recv_side();
}
