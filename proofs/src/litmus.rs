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

use std::future::Future as _;
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

/// HB-CHAN-CLOSE at capacity `cap` (`None`: unbounded): write; close ‖ recv returns Closed;
/// read.
fn hb_chan_close_at(cap: Option<usize>) {
    let data = Data::new();
    let (tx, rx) = channel(cap);
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        tx.close();
    });
    assert!(rx.recv().is_err());
    assert_eq!(data.read(), 1);
    t.join().unwrap();
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
/// `locked`: the buffer under the channel lock (a bounded channel above the ring's range).
fn hb_chan_capacity_at(cap: usize, locked: bool) {
    let data = Data::new();
    let (tx, rx) = if locked {
        chan::bounded_locked(cap)
    } else {
        channel(Some(cap))
    };
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

/// SAFE-CHAN-BLOCKS, sending side. Checker builds put two values in a block of an unbounded
/// channel, so of the three sends here one fills the first block and installs the second,
/// and a send of the other thread may land in the block it installed: that send must find
/// the block its position is in (with a stale block pointer it writes a slot another send
/// owns, a race loom reports).
fn safe_chan_blocks_send() {
    let (tx, rx) = chan::unbounded::<u32>();
    let tx2 = tx.clone();
    let t = thread::spawn(move || tx2.send(3).unwrap());
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    t.join().unwrap();
    let mut got: Vec<u32> = (0..3).map(|_| rx.try_recv().unwrap()).collect();
    got.sort_unstable();
    assert_eq!(got, [1, 2, 3], "a value lost or received twice");
}

/// SAFE-CHAN-BLOCKS, receiving side: three buffered values, two receivers. The receive of
/// the first block's last value installs the second block, which the other receiver may
/// use next (a stale block pointer receives a value twice), and frees the first block if it
/// sees the other receive's mark (before the other's read was done, if the mark did not
/// order them: a race loom reports against the free's write).
fn safe_chan_blocks_recv() {
    two_receivers(3);
}

/// SAFE-CHAN-BLOCKS, a lagging receive: four buffered values (two blocks), one receive on
/// another thread, three here. The receive of the first block's last value may find the
/// other receive still taking its value and keep the block; the receive of the second
/// block's last value then retires both, or keeps the first again (the drop frees it).
/// A block freed before a receive's read of it, or freed twice, is reported.
fn safe_chan_blocks_lagging() {
    two_receivers(4);
}

/// Buffers `1..=values` on an unbounded channel; one receive runs on another thread, the
/// rest here. Every value is received exactly once.
fn two_receivers(values: u32) {
    let (tx, rx) = chan::unbounded::<u32>();
    for v in 1..=values {
        tx.send(v).unwrap();
    }
    let rx2 = rx.clone();
    let t = thread::spawn(move || rx2.recv().unwrap());
    let mut got: Vec<u32> = (1..values).map(|_| rx.recv().unwrap()).collect();
    got.push(t.join().unwrap());
    got.sort_unstable();
    assert_eq!(
        got,
        (1..=values).collect::<Vec<_>>(),
        "a value lost or received twice"
    );
}

/// SAFE-CHAN-BLOCKS, a reused block: three values buffered (the first block and one slot
/// of the second); a thread receives two while this one sends two more. The receive of
/// the first block's last value retires the block and keeps it as the spare; the send of
/// the second block's last value may take it for the third block, and the next send
/// writes into it. A reused block whose reset or earlier reads are not ordered before
/// that write is reported.
fn safe_chan_blocks_reuse() {
    let (tx, rx) = chan::unbounded::<u32>();
    for v in 1..=3 {
        tx.send(v).unwrap();
    }
    let rx2 = rx.clone();
    let t = thread::spawn(move || [rx2.try_recv().unwrap(), rx2.try_recv().unwrap()]);
    tx.send(4).unwrap();
    tx.send(5).unwrap();
    let mut got = t.join().unwrap().to_vec();
    got.extend((0..3).map(|_| rx.try_recv().unwrap()));
    assert_eq!(
        got,
        [1, 2, 3, 4, 5],
        "a value lost, duplicated or reordered"
    );
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

/// HB-MUTEX, queued: one thread has two critical sections, the other one; every critical
/// section read-modify-writes the cell. The single locker may queue, be woken by a slow
/// unlock, lose to the other's second lock (barging), and then, having lost once (checker
/// builds starve a waiter after one loss), be handed the lock.
fn hb_mutex_queued() {
    assert_eq!(mutex_rmw(2, rmw_locked), 3);
}

/// The mutex litmus shape: a thread does `rounds` read-modify-writes of the cell under
/// `lock()`; this side runs `mine`; each critical section must see the one before it.
/// Returns the cell's final value.
fn mutex_rmw(rounds: usize, mine: fn(&hbsync::Mutex<()>, &Data)) -> u32 {
    let data = Data::new();
    let m = Arc::new(hbsync::Mutex::new(()));
    let (d, m2) = (data.clone(), m.clone());
    let t = thread::spawn(move || {
        for _ in 0..rounds {
            rmw_locked(&m2, &d);
        }
    });
    mine(&m, &data);
    t.join().unwrap();
    data.read()
}

/// One read-modify-write of the cell under a blocking lock.
fn rmw_locked(m: &hbsync::Mutex<()>, d: &Data) {
    let _g = m.lock();
    d.write(d.read() + 1);
}

/// HB-MUTEX, after a slow unlock: a waiter queues (an async lock polled once) and withdraws,
/// so the holder's unlock takes the slow path but wakes nobody; the next lock then takes the
/// free lock by its own CAS, and the edge is the slow unlock's Release itself.
fn hb_mutex_after_slow_unlock() {
    mutex_rmw(1, |m, data| {
        {
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            let mut fut = std::pin::pin!(m.lock_async());
            if let std::task::Poll::Ready(_g) = fut.as_mut().poll(&mut cx) {
                data.write(data.read() + 1);
            }
        } // a pending future withdraws here
        rmw_locked(m, data);
    });
}

fn hb_mutex_pair() {
    assert_eq!(mutex_rmw(1, rmw_locked), 2);
}

/// HB-MUTEX: a successful `try_lock` after another thread's critical section is a lock.
fn hb_mutex_try_lock() {
    let data = Data::new();
    data.write(2);
    let m = Arc::new(hbsync::Mutex::new(()));
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
/// Then one task, with the waiter yielding first, so that `wait`'s first load can already
/// see zero (its fast path).
fn hb_wg_two_doers() {
    wg_two_doers(|wg| wg.wait());
}

/// Two tasks each write their own cell and call `done`; the waiter waits (`wait_with`) and
/// reads both.
fn wg_two_doers(wait_with: fn(&hbsync::WaitGroup)) {
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
    wait_with(&wg);
    assert_eq!(a.read() + b.read(), 2);
    for t in ts {
        t.join().unwrap();
    }
}

fn hb_wg_fast_blocking() {
    hb_wg_fast_path(|wg| wg.wait());
}

fn hb_wg_fast_async() {
    hb_wg_fast_path(|wg| poll_to_end(wg.wait_async()));
}

/// One task writes and calls `done`; the waiter yields, then waits (`wait_with`), then reads.
fn hb_wg_fast_path(wait_with: fn(&hbsync::WaitGroup)) {
    let data = Data::new();
    let wg = hbsync::WaitGroup::new();
    wg.add(1);
    let (d, w) = (data.clone(), wg.clone());
    let t = thread::spawn(move || {
        d.write(1);
        w.done();
    });
    thread::yield_now();
    wait_with(&wg);
    assert_eq!(data.read(), 1);
    t.join().unwrap();
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

/// Which scope `hb_ctx_err` observes.
#[derive(Clone, Copy)]
enum Observed {
    /// The root, holding nothing: its cancel is the lock-free CAS (`ctx.cancel.quick`).
    Leaf,
    /// The root, holding a child: its cancel is the CAS under its lock (`ctx.cancel`).
    Holder,
    /// The root's child, canceled by the root's cancel (parent to descendant).
    Child,
}

/// The canceller of the HB-CTX-CANCEL parts, on its own thread: writes the data, then
/// cancels.
fn write_then_cancel(
    data: &Arc<Data>,
    cancel: hbsync::context::CancelFunc,
) -> thread::JoinHandle<()> {
    let d = data.clone();
    thread::spawn(move || {
        d.write(1);
        cancel.cancel();
    })
}

/// HB-CTX-CANCEL, observed through `err`: write; cancel the root ‖ poll `err()` of the
/// observed scope until Some; read.
fn hb_ctx_err(observed: Observed) {
    let data = Data::new();
    let (root, cancel) = hbsync::context::Context::background().with_cancel();
    let child = (!matches!(observed, Observed::Leaf)).then(|| root.with_cancel());
    let observed = match (observed, &child) {
        (Observed::Child, Some((child, _))) => child,
        _ => &root,
    };
    let t = write_then_cancel(&data, cancel);
    // Poll until the cancel is observed (a yield lets the checker run the canceller).
    while observed.err().is_none() {
        thread::yield_now();
    }
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CTX-CANCEL, observed by a done channel made while the cancel runs: made after a
/// lock-free cancel, it is closed at birth, and the edge is the Acquire of the CAS that
/// finds the scope canceled (`ctx.hold`); made before, the cancel closes it (HB-CHAN-CLOSE).
fn hb_ctx_done_made_late() {
    let data = Data::new();
    let (ctx, cancel) = hbsync::context::Context::background().with_cancel();
    let t = write_then_cancel(&data, cancel);
    assert!(ctx.done().recv().is_err());
    assert_eq!(data.read(), 1);
    t.join().unwrap();
}

/// HB-CTX-CANCEL, observed through a blocking receive on `done()`, and by an after-func
/// (started on its own task by the cancel): write; cancel ‖ recv done; read ‖ f reads.
/// (loom allows five threads per execution: this one uses three.)
fn hb_ctx_done_and_after_func() {
    let data = Data::new();
    let (ctx, cancel) = hbsync::context::Context::background().with_cancel();
    let (ran_tx, ran) = chan::bounded::<()>(0);
    let d = data.clone();
    let _stop = ctx.after_func(move || {
        assert_eq!(d.read(), 1);
        ran_tx.send(()).unwrap();
    });
    let t = write_then_cancel(&data, cancel);
    assert!(ctx.done().recv().is_err());
    assert_eq!(data.read(), 1);
    ran.recv().unwrap();
    t.join().unwrap();
}

/// Polls `fut` to completion by hand: a no-op waker and a yield between polls. (A waker
/// that unparks a model thread would give the checker's own edge on every wake-up and hide a
/// missing Acquire in the poll.)
fn poll_to_end<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        thread::yield_now();
    }
}

/// HB-CHAN-ASYNC at capacity `cap`: write; send_async ‖ recv_async; read, both ways on a
/// rendezvous.
fn hb_chan_async_at(cap: usize) {
    let (sent, received) = (Data::new(), Data::new());
    let (tx, rx) = channel(Some(cap));
    let (s, r) = (sent.clone(), received.clone());
    let t = thread::spawn(move || {
        r.write(1);
        assert_eq!(poll_to_end(rx.recv_async()), Ok(7));
        assert_eq!(s.read(), 1, "the send happens before its receive completes");
    });
    sent.write(1);
    poll_to_end(tx.send_async(7)).unwrap();
    if cap == 0 {
        assert_eq!(
            received.read(),
            1,
            "the receive happens before the rendezvous send completes"
        );
    }
    t.join().unwrap();
}

/// HB-CHAN-TIMEOUT: a receive that completes inside a wait with a deadline (a
/// `recv_timeout`, a select with `default(timeout)`) carries the send's edge; a timeout
/// carries none (the program reads only after a value came).
fn hb_chan_timeout_with(select: bool) {
    {
        let data = Data::new();
        let (tx, rx) = channel(Some(0));
        let d = data.clone();
        let t = thread::spawn(move || {
            d.write(1);
            let _ = tx.send_timeout(7, std::time::Duration::from_secs(1));
        });
        let got = if select {
            hbsync::select! {
                recv(rx) -> v => v.ok(),
                default(std::time::Duration::from_secs(1)) => None,
            }
        } else {
            rx.recv_timeout(std::time::Duration::from_secs(1)).ok()
        };
        if got == Some(7) {
            assert_eq!(data.read(), 1);
        }
        t.join().unwrap();
    }
}

/// HB-MUTEX-ASYNC: a thread read-modify-writes under the lock twice; a task does once
/// through `lock_async`, polled by hand: it may get the lock free, or be woken and barged,
/// then (in checker builds a waiter starves after one loss) be handed the lock.
pub fn hb_mutex_async() {
    let total = mutex_rmw(2, |m, data| {
        let _g = poll_to_end(m.lock_async());
        data.write(data.read() + 1);
    });
    assert_eq!(total, 3);
}

/// HB-WG-ASYNC: as HB-WG, with the wait polled by hand; then the fast path (the first
/// poll after a yield can already see zero).
fn hb_wg_async_two_doers() {
    wg_two_doers(|wg| poll_to_end(wg.wait_async()));
}

/// HB-ONCE-VALUE: two callers race `get_or_init(write)`; one first polls `get` once. Every
/// call that returns the value sees the initializer's write (and the value itself, which
/// loom checks as a cell of its own).
pub fn hb_once_value() {
    let data = Data::new();
    let cell = Arc::new(hbsync::OnceValue::new());
    let (d, c) = (data.clone(), cell.clone());
    let t = thread::spawn(move || {
        let v = *c.get_or_init(|| {
            d.write(1);
            5
        });
        assert_eq!((v, d.read()), (5, 1));
    });
    if let Some(v) = cell.get() {
        assert_eq!((*v, data.read()), (5, 1));
    }
    let v = *cell.get_or_init(|| {
        data.write(1);
        5
    });
    assert_eq!((v, data.read()), (5, 1));
    t.join().unwrap();
}

/// N-SELECT-DEFAULT: the other side wrongly treats a select that took `default` as having
/// looked past the sender's write.
pub fn n_select_default() {
    let data = Data::new();
    let (tx, rx) = channel(Some(1));
    let d = data.clone();
    let t = thread::spawn(move || {
        d.write(1);
        tx.send(1).unwrap();
    });
    hbsync::select! {
        recv(rx) -> _ => {},
        default => {},
    }
    let _ = data.read(); // "the select ran, so the sender is done": wrong when default ran
    t.join().unwrap();
}

/// LIVE-CHAN-WAKE, a receiver registers while the value goes in: it must be woken (or see
/// the value when it looks again); a lost wake-up is a deadlock the checker reports.
fn live_chan_wake_receiver(cap: Option<usize>) {
    let (tx, rx) = channel(cap);
    let t = thread::spawn(move || {
        tx.send(7).unwrap();
        tx // kept open: its drop's close would wake the receiver and hide a lost wake-up
    });
    assert_eq!(rx.recv(), Ok(7));
    drop(t.join().unwrap());
}

/// LIVE-CHAN-WAKE, a sender registers on a full buffer while a receive makes room.
fn live_chan_wake_sender() {
    let (tx, rx) = channel(Some(1));
    tx.send(1).unwrap();
    let t = thread::spawn(move || {
        assert_eq!(rx.recv(), Ok(1));
        rx
    });
    tx.send(2).unwrap(); // waits for the room the receive makes
    let rx = t.join().unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

/// LIVE-CHAN-WAKE, a select registers on two buffered channels while a value goes into one.
fn live_chan_wake_select() {
    let (tx, rx) = channel(Some(1));
    let (_other_tx, other_rx) = channel(Some(1));
    let t = thread::spawn(move || {
        tx.send(7).unwrap();
        tx // kept open, as in `live_chan_wake_receiver`
    });
    hbsync::select! {
        recv(rx) -> v => assert_eq!(v, Ok(7)),
        recv(other_rx) -> _ => unreachable!("nothing is sent on the other channel"),
    }
    drop(t.join().unwrap());
}

/// One part of a proof: a name and a program. Each part is explored as a model of its own
/// (one loom model per part): exploring parts one after another inside one model would
/// multiply their interleavings for nothing.
pub type Part = (&'static str, fn());

/// The parts of the litmus proof named `proof`.
pub fn program(proof: &str) -> Option<&'static [Part]> {
    Some(match proof {
        "hb_spawn" => &[("spawn", hb_spawn)],
        "hb_chan_send" => &[
            ("cap 0", || hb_chan_send_at(Some(0))),
            ("cap 1", || hb_chan_send_at(Some(1))),
            ("unbounded", || hb_chan_send_at(None)),
        ],
        "hb_chan_close" => &[
            ("cap 0", || hb_chan_close_at(Some(0))),
            ("cap 1", || hb_chan_close_at(Some(1))),
            ("unbounded", || hb_chan_close_at(None)),
        ],
        "safe_chan_blocks" => &[
            ("a send in a block another installed", safe_chan_blocks_send),
            (
                "a receive in a block another installed",
                safe_chan_blocks_recv,
            ),
            (
                "a lagging receive's block retired by a later install",
                safe_chan_blocks_lagging,
            ),
            ("a drained block reused", safe_chan_blocks_reuse),
        ],
        "hb_chan_rendezvous" => &[("cap 0", hb_chan_rendezvous)],
        "hb_chan_capacity" => &[
            ("cap 1, locked buffer", || hb_chan_capacity_at(1, true)),
            ("cap 1", || hb_chan_capacity_at(1, false)),
            ("cap 2", || hb_chan_capacity_at(2, false)),
        ],
        "hb_select" => &[
            ("send side", || hb_select_send_side(0)),
            ("recv side", || hb_select_recv_side(0)),
            ("send side, cap 1", || hb_select_send_side(1)),
            ("recv side, cap 1", || hb_select_recv_side(1)),
        ],
        "live_chan_wake" => &[
            ("receiver waits", || live_chan_wake_receiver(Some(1))),
            ("receiver waits, unbounded", || {
                live_chan_wake_receiver(None)
            }),
            ("sender waits", live_chan_wake_sender),
            ("select waits", live_chan_wake_select),
        ],
        "hb_mutex" => &[
            ("two lockers", hb_mutex_pair),
            ("try_lock", hb_mutex_try_lock),
            ("queued behind two", hb_mutex_queued),
            ("after a slow unlock", hb_mutex_after_slow_unlock),
        ],
        "n_trylock" => &[("failed try_lock", n_trylock)],
        "hb_wg" => &[
            ("two doers", hb_wg_two_doers),
            ("fast path", hb_wg_fast_blocking),
        ],
        "hb_once" => &[("two callers", hb_once)],
        "hb_ctx_cancel" => &[
            ("err", || hb_ctx_err(Observed::Leaf)),
            ("err of a scope with a child", || {
                hb_ctx_err(Observed::Holder)
            }),
            ("child err", || hb_ctx_err(Observed::Child)),
            ("done made late", hb_ctx_done_made_late),
            ("done and after-func", hb_ctx_done_and_after_func),
        ],
        "n_task_exit" => &[("no join", n_task_exit)],
        "n_chan_buffered" => &[("cap 1", n_chan_buffered)],
        "hb_chan_async" => &[
            ("cap 0", || hb_chan_async_at(0)),
            ("cap 1", || hb_chan_async_at(1)),
        ],
        "hb_chan_timeout" => &[
            ("recv_timeout", || hb_chan_timeout_with(false)),
            ("select default(timeout)", || hb_chan_timeout_with(true)),
        ],
        "hb_mutex_async" => &[("thread and task", hb_mutex_async)],
        "hb_wg_async" => &[
            ("two doers", hb_wg_async_two_doers),
            ("fast path", hb_wg_fast_async),
        ],
        "hb_once_value" => &[("two callers", hb_once_value)],
        "n_select_default" => &[("default taken", n_select_default)],
        _ => return None,
    })
}

/// The part `name` of some proof (`claim-proof/part`, or a proof with one part), to explore
/// on its own: `litmus --part hb_chan_send/cap 1`.
pub fn part(name: &str) -> Option<fn()> {
    let (proof, part) = name.split_once('/').unwrap_or((name, ""));
    let parts = program(proof)?;
    parts
        .iter()
        .find(|(n, _)| part.is_empty() || *n == part)
        .map(|&(_, f)| f)
}

/// How many executions the last [`explore`] ran.
static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);

/// Explores every part of a proof under the active checker with `preemption_bound`, each as
/// its own model; returns the executions explored in all. Panics (like the checker) at the
/// first execution that fails.
pub fn explore(parts: &[Part], preemption_bound: Option<usize>) -> usize {
    parts
        .iter()
        .map(|&(_, f)| explore_one(f, preemption_bound))
        .sum()
}

/// Explores one program exhaustively within `preemption_bound` (no permutation or time
/// cap); returns the number of executions.
pub fn explore_one<F>(proof: F, preemption_bound: Option<usize>) -> usize
where
    F: Fn() + Send + Sync + 'static,
{
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
fn hb_select_send_side(cap: usize) {
    let data = Data::new();
    let (tx, rx) = channel(Some(cap));
    let (_other_tx, other_rx) = channel(Some(cap));
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
fn hb_select_recv_side(cap: usize) {
    let data = Data::new();
    let (tx, rx) = channel(Some(cap));
    let (_other_tx, other_rx) = channel(Some(cap));
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
