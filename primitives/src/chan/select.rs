//! `select!` and [`Select`]: wait on several channel operations, complete exactly one.
//!
//! Written once against the waiter protocol of the channel engine, in labelled phases (Go's
//! `selectgo`, crossbeam's `run_select`):
//!
//! 1. **poll** every enabled case once, without blocking, in a random order (fairness: among
//!    ready cases each is chosen with equal probability; checker builds use source order so
//!    models stay deterministic);
//! 2. with `default` (or a timeout already past), stop here. A select that can take
//!    `default` polls with **every** channel of the select locked at once, in address order
//!    (Go's `sellock`), so it sees one consistent snapshot: it takes `default` only if at that
//!    instant no case could proceed (linearizable). Polling one lock at a time could miss a
//!    case that was ready at every instant (a value moving from one channel to another
//!    between the two polls). A blocking select does not need this: a case that becomes
//!    ready after its poll is caught when it registers (phase 3);
//! 3. **register** one queue entry per enabled case, all sharing one signal, each under its
//!    own channel's lock, in the same random order as the poll. A case found ready while registering (a partner arrived between
//!    phases 1 and 3) aborts the signal and the select starts over at phase 1; a case is never
//!    completed by its own select (no self-pairing: `send_ready`/`recv_ready` ignore entries
//!    of the same signal);
//! 4. **wait** until one completer wins the signal (one CAS: at most one case completes), or
//!    the deadline fires and the waiter withdraws (a lost withdrawal honours the completion);
//! 5. **unregister** every other entry.
//!
//! Deadlock freedom: only the non-blocking poll of phase 2 holds several channel locks, and
//! it takes them in address order; every other operation holds at most one channel lock and
//! takes no other lock of hbsync under it.
//!
//! # Happens-before
//!
//! - **HB-SELECT**: a case that completes gives exactly the edges of the plain operation it
//!   performed (HB-CHAN-SEND, HB-CHAN-CLOSE, HB-CHAN-RENDEZVOUS, HB-CHAN-CAPACITY); a case not
//!   taken gives none and consumes nothing: it sends nothing and receives nothing.
//! - **HB-CHAN-TIMEOUT**: a case that completes before the select's `default(timeout)` fires
//!   gives the edges of its plain operation (a timeout that fires gives none).
//! - **N-SELECT-DEFAULT** (not guaranteed): a select that takes `default` synchronizes
//!   nothing: it does not show what a sender wrote before a send that came later.

use std::cell::Cell;
use std::time::{Duration, Instant};

use super::engine::{put_slot, take_slot, Chan, Entry, Slot, State, Wake};
use super::error::{RecvError, SendError, TryRecvError, TrySendError};
use super::signal::Signal;
use super::{Receiver, Sender};
use crate::sync::cell::UnsafeCell;
use crate::sync::Arc;

/// A channel operand of a `recv` case: a receiver, or `None` to disable the case (Go's nil
/// channel: the case never proceeds).
pub trait RecvOperand<T> {
    #[doc(hidden)]
    fn receiver(&self) -> Option<&Receiver<T>>;
}

/// A channel operand of a `send` case: a sender, or `None` to disable the case.
pub trait SendOperand<T> {
    #[doc(hidden)]
    fn sender(&self) -> Option<&Sender<T>>;
}

impl<T> RecvOperand<T> for Receiver<T> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        Some(self)
    }
}
impl<T> RecvOperand<T> for Option<Receiver<T>> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        self.as_ref()
    }
}
impl<T> RecvOperand<T> for Option<&Receiver<T>> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        *self
    }
}
impl<T, R: RecvOperand<T> + ?Sized> RecvOperand<T> for &R {
    fn receiver(&self) -> Option<&Receiver<T>> {
        (**self).receiver()
    }
}
impl<T> SendOperand<T> for Sender<T> {
    fn sender(&self) -> Option<&Sender<T>> {
        Some(self)
    }
}
impl<T> SendOperand<T> for Option<Sender<T>> {
    fn sender(&self) -> Option<&Sender<T>> {
        self.as_ref()
    }
}
impl<T> SendOperand<T> for Option<&Sender<T>> {
    fn sender(&self) -> Option<&Sender<T>> {
        *self
    }
}
impl<T, S: SendOperand<T> + ?Sized> SendOperand<T> for &S {
    fn sender(&self) -> Option<&Sender<T>> {
        (**self).sender()
    }
}

/// The handle every case registers with (one per select).
#[doc(hidden)]
pub struct Waiter(Arc<Signal>);

/// One operation of a select (implementation detail of `select!` and [`Select`]).
#[doc(hidden)]
pub trait Case {
    /// Whether the case takes part (its channel is not "nil").
    fn enabled(&self) -> bool;
    /// Tries the operation without blocking; `true` if it completed (result stored).
    fn try_now(&self) -> bool;
    /// Registers a waiting entry for case `index`; `false` (nothing registered) if the
    /// operation could complete now.
    fn register(&self, w: &Waiter, index: usize) -> bool;
    /// Removes every entry of `w` from this case's channel.
    fn unregister(&self, w: &Waiter);
    /// Marks this case as the one that completed.
    fn set_won(&self);
    /// A timer channel's next due instant (a receive case on a timer).
    fn timer(&self) -> Option<Instant>;
    /// The select's wait fired at `at`: a timer due by then becomes ready (virtual time).
    fn fire(&self, at: Instant);
    /// `recv chan#2` (traces; checker builds).
    fn describe(&self) -> String;
    /// The address of this case's channel (`None`: disabled), the key of the lock order.
    fn chan_addr(&self) -> Option<usize>;
    /// Locks this case's channel (enabled cases only), for [`Case::try_locked`].
    fn lock(&self) -> Option<Box<dyn LockedChan + '_>>;
    /// Like [`Case::try_now`], with the channel's lock already held in `guard` (the guard
    /// of the channel at [`Case::chan_addr`]).
    fn try_locked(&self, guard: &mut dyn LockedChan, wake: &mut Wakes) -> bool;
}

/// Waiters a select's locked poll completed, woken once every lock is released.
#[doc(hidden)]
#[derive(Default)]
pub struct Wakes(Wake);

/// A held channel lock with its state's type erased (a select's channels differ in type).
#[doc(hidden)]
pub trait LockedChan {
    /// The locked `State<T>`, for the one `T` of the channel this guard locks.
    fn state(&mut self) -> *mut ();
}

impl<T> LockedChan for crate::sync::MutexGuard<'_, State<T>> {
    fn state(&mut self) -> *mut () {
        let st: &mut State<T> = self;
        st as *mut State<T> as *mut ()
    }
}

/// One operation of a select: `SEND` tells the direction. A send case's slot holds the value
/// until a receiver takes it; a receive case's slot receives.
#[doc(hidden)]
pub struct OpCase<'a, T, const SEND: bool> {
    chan: Option<&'a Chan<T>>,
    /// # Safety
    /// Registered entries point here; `run` removes every entry before it returns.
    slot: Slot<T>,
    won: Cell<bool>,
}

/// A `recv` case.
#[doc(hidden)]
pub type RecvCase<'a, T> = OpCase<'a, T, false>;

/// A `send` case.
#[doc(hidden)]
pub type SendCase<'a, T> = OpCase<'a, T, true>;

impl<T, const SEND: bool> OpCase<'_, T, SEND> {
    /// Whether this case completed.
    pub fn won(&self) -> bool {
        self.won.get()
    }
}

impl<'a, T> RecvCase<'a, T> {
    /// A case receiving from `rx` (disabled if `rx` is `None`).
    pub fn new<R: RecvOperand<T> + ?Sized>(rx: &'a R) -> Self {
        Self {
            chan: rx.receiver().map(|r| &*r.chan),
            slot: UnsafeCell::new(None),
            won: Cell::new(false),
        }
    }

    /// The received value, or `Err` if the channel was closed. Only after `won()`.
    pub fn take(&self) -> Result<T, RecvError> {
        // SAFETY: `run` removed every entry of the select before it returned, and a won case
        // was observed DONE with Acquire.
        unsafe { take_slot(&self.slot) }.ok_or(RecvError)
    }
}

impl<'a, T> SendCase<'a, T> {
    /// A case sending `value` on `tx` (disabled if `tx` is `None`; the value is then dropped
    /// with the case, as Go evaluates the operand anyway).
    pub fn new<S: SendOperand<T> + ?Sized>(tx: &'a S, value: T) -> Self {
        Self {
            chan: tx.sender().map(|s| &*s.chan),
            slot: UnsafeCell::new(Some(value)),
            won: Cell::new(false),
        }
    }

    /// `Ok` if the value was delivered, `Err` with the value if the channel was closed.
    pub fn take(&self) -> Result<(), SendError<T>> {
        // SAFETY: as in `RecvCase::take`.
        unsafe { take_slot(&self.slot) }.map_or(Ok(()), |v| Err(SendError(v)))
    }
}

/// A receive case's non-blocking attempt; `true` if it completed (value or closed in `slot`).
fn try_recv_now<T>(chan: &Chan<T>, slot: &Slot<T>) -> bool {
    let mut wake = Wake::default();
    let done = try_recv_locked(&mut chan.lock(), slot, &mut wake);
    wake.run();
    done
}

/// [`try_recv_now`] under a held lock.
fn try_recv_locked<T>(st: &mut State<T>, slot: &Slot<T>, wake: &mut Wake) -> bool {
    let result = match st.try_recv(wake) {
        Ok(v) => Some(v),
        Err(TryRecvError::Closed) => None,
        Err(TryRecvError::Empty) => return false,
    };
    // SAFETY: polls run while the select has no entry registered (before registering, or
    // after every entry was removed), so the slot is ours alone.
    unsafe { put_slot(slot, result) };
    true
}

/// A send case's non-blocking attempt; `true` if it completed (`slot` keeps the value only
/// when the channel was closed).
fn try_send_now<T>(chan: &Chan<T>, slot: &Slot<T>) -> bool {
    let mut wake = Wake::default();
    let done = try_send_locked(&mut chan.lock(), slot, &mut wake);
    wake.run();
    done
}

/// [`try_send_now`] under a held lock.
fn try_send_locked<T>(st: &mut State<T>, slot: &Slot<T>, wake: &mut Wake) -> bool {
    // SAFETY: as in `try_recv_locked`: no entry of the select is registered now.
    let Some(value) = (unsafe { take_slot(slot) }) else {
        return false;
    };
    match st.try_send(value, wake) {
        Ok(()) => true,
        Err(TrySendError::Closed(v)) => {
            // SAFETY: as above.
            unsafe { put_slot(slot, Some(v)) };
            true
        }
        Err(TrySendError::Full(v)) => {
            // SAFETY: as above.
            unsafe { put_slot(slot, Some(v)) };
            false
        }
    }
}

impl<T, const SEND: bool> Case for OpCase<'_, T, SEND> {
    fn enabled(&self) -> bool {
        self.chan.is_some()
    }

    fn try_now(&self) -> bool {
        let Some(chan) = self.chan else { return false };
        if SEND {
            try_send_now(chan, &self.slot)
        } else {
            try_recv_now(chan, &self.slot)
        }
    }

    fn register(&self, w: &Waiter, index: usize) -> bool {
        let Some(chan) = self.chan else { return true };
        let mut wake = Wake::default();
        let mut st = chan.lock();
        let ready = if SEND {
            st.send_ready(&w.0)
        } else {
            st.recv_ready(&w.0)
        };
        if ready {
            return false;
        }
        let entry = Entry {
            signal: w.0.clone(),
            case: index,
            slot: &self.slot,
        };
        if SEND {
            st.push_sender(entry, &mut wake);
        } else {
            st.push_receiver(entry);
        }
        drop(st);
        wake.run();
        true
    }

    fn unregister(&self, w: &Waiter) {
        if let Some(chan) = self.chan {
            chan.lock().remove(&w.0);
        }
    }

    fn set_won(&self) {
        self.won.set(true);
    }

    fn timer(&self) -> Option<Instant> {
        self.chan.filter(|_| !SEND)?.lock().timer_deadline()
    }

    fn fire(&self, at: Instant) {
        if let Some(chan) = self.chan.filter(|_| !SEND) {
            chan.fire_timer(at);
        }
    }

    fn describe(&self) -> String {
        let op = if SEND { "send" } else { "recv" };
        match self.chan {
            Some(c) => format!("{op} {}", c.trace_name()),
            None => format!("{op} nil"),
        }
    }

    fn chan_addr(&self) -> Option<usize> {
        self.chan.map(|c| c as *const Chan<T> as usize)
    }

    fn lock(&self) -> Option<Box<dyn LockedChan + '_>> {
        Some(Box::new(self.chan?.lock()))
    }

    fn try_locked(&self, guard: &mut dyn LockedChan, wake: &mut Wakes) -> bool {
        // SAFETY: `run_nonblocking` passes the guard it took for this case's channel address
        // (`chan_addr`), so the guard locks this very `Chan<T>` and its state is a `State<T>`;
        // the guard is held for the whole call, and `&mut` makes this the only access.
        let st = unsafe { &mut *guard.state().cast::<State<T>>() };
        if SEND {
            try_send_locked(st, &self.slot, &mut wake.0)
        } else {
            try_recv_locked(st, &self.slot, &mut wake.0)
        }
    }
}

/// How long a select may wait.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// Until a case completes.
    Block,
    /// Not at all (`default`).
    Try,
    /// Until the deadline (`default(timeout)`); `None`: the deadline overflowed, block.
    Until(Option<Instant>),
}

impl Mode {
    /// `default(timeout)`; a zero timeout is `default`.
    pub fn timeout(d: Duration) -> Self {
        if d.is_zero() {
            return Self::Try;
        }
        Self::Until(Instant::now().checked_add(d))
    }

    /// Whether the select must not wait (any more): `default`, or a timeout already past.
    fn nonblocking(self) -> bool {
        match self {
            Self::Try => true,
            Self::Until(Some(d)) => crate::time::is_past(d),
            Self::Until(None) | Self::Block => false,
        }
    }
}

/// A random order of `0..n` (source order in checker builds, to keep models deterministic).
fn poll_order(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if !crate::sync::CHECKER {
        for i in (1..n).rev() {
            let j = (crate::time::random_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }
    order
}

/// Runs a select over `cases`; returns the index of the completed case, or `None` when
/// `default` (or its timeout) applies. Every case's queue entries are gone on return.
#[doc(hidden)]
pub fn run(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    let won = run_inner(cases, mode);
    if let Some(i) = won {
        cases[i].set_won();
    }
    crate::trace::record(|| {
        let outcome = won.map_or("default".to_string(), |i| cases[i].describe());
        format!("select {} -> {outcome}", describe_all(cases))
    });
    won
}

/// `{recv chan#1, send chan#2}` (traces).
fn describe_all(cases: &[&dyn Case]) -> String {
    let all: Vec<String> = cases.iter().map(|c| c.describe()).collect();
    format!("{{{}}}", all.join(", "))
}

/// Phases 1 and 2 of a select that may take `default`: poll every case with all the
/// select's channels locked at once (address order; a channel named by several cases is
/// locked once), so the outcome is one consistent snapshot.
fn run_nonblocking(cases: &[&dyn Case], order: &[usize]) -> Option<usize> {
    let mut addrs: Vec<(usize, usize)> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.chan_addr().map(|a| (a, i)))
        .collect();
    addrs.sort_unstable();
    addrs.dedup_by_key(|&mut (a, _)| a);
    let mut guards: Vec<(usize, Box<dyn LockedChan + '_>)> = addrs
        .iter()
        .filter_map(|&(a, i)| Some((a, cases[i].lock()?)))
        .collect();
    let mut wake = Wakes::default();
    let mut won = None;
    for &i in order {
        let Some(a) = cases[i].chan_addr() else {
            continue;
        };
        let Ok(g) = guards.binary_search_by_key(&a, |&(ga, _)| ga) else {
            continue;
        };
        if cases[i].try_locked(&mut *guards[g].1, &mut wake) {
            won = Some(i);
            break;
        }
    }
    drop(guards);
    wake.0.run();
    won
}

fn run_inner(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    loop {
        // Phase 1: poll. The same random order is used to register, so when several cases
        // wait on one channel the first to be matched is random too.
        let order = poll_order(cases.len());
        // Phase 2: default, decided on one snapshot of every channel.
        if mode.nonblocking() {
            return run_nonblocking(cases, &order);
        }
        for &i in &order {
            if cases[i].enabled() && cases[i].try_now() {
                return Some(i);
            }
        }
        let deadline = match mode {
            Mode::Until(d) => d,
            Mode::Try | Mode::Block => None,
        };
        // A timer case ends the wait too (then the select starts over and finds it ready).
        let timer = cases.iter().filter_map(|c| c.timer()).min();
        let (deadline, timer_first) = crate::time::earliest(deadline, timer);
        // Phase 3: register.
        let w = Waiter(Arc::new(Signal::for_thread()));
        w.0.trace_wait(|| format!("select {}", describe_all(cases)));
        let mut claimed = false;
        for &i in &order {
            if !cases[i].register(&w, i) {
                if w.0.try_abort() {
                    unregister_all(cases, &w);
                    // A partner arrived since phase 1: start over.
                    crate::sync::hint::spin_loop();
                    break;
                }
                claimed = true; // a completer won us on an earlier case: wait for it
                break;
            }
        }
        if w.0.is_aborted() && !claimed {
            continue;
        }
        if !claimed {
            crate::trace::record(|| format!("select {} -> blocked", describe_all(cases)));
        }
        // Phase 4: wait.
        let won = match deadline {
            None => Some(w.0.wait_done()),
            Some(d) => match w.0.wait_done_until(d) {
                Some(case) => Some(case),
                None if w.0.try_abort() => None,
                None => Some(w.0.wait_claimed()),
            },
        };
        // Phase 5: unregister the rest.
        unregister_all(cases, &w);
        if let (None, Some(at), true) = (won, deadline, timer_first) {
            for c in cases {
                c.fire(at);
            }
            continue;
        }
        return won;
    }
}

fn unregister_all(cases: &[&dyn Case], w: &Waiter) {
    for c in cases {
        c.unregister(w);
    }
}

/// A select over a set of operations known only at run time (the dynamic form of
/// [`select!`](crate::select)).
///
/// Add operations with [`recv`](Select::recv) and [`send`](Select::send) (each returns a
/// handle), then run it with [`wait`](Select::wait), [`try_wait`](Select::try_wait) or
/// [`wait_timeout`](Select::wait_timeout), which return the index of the one operation that
/// completed; take its result from its handle. The same rules as `select!` apply (random
/// choice among ready operations, exactly one completes, `None` operands are disabled,
/// HB-SELECT).
///
/// ```
/// use hbsync::chan::{bounded, Select};
///
/// let (tx_a, rx_a) = bounded::<u32>(0); // nobody receives: the send never proceeds
/// let (tx_b, rx_b) = bounded::<&str>(1);
/// tx_b.send("ready").unwrap();
/// let mut sel = Select::new();
/// let send_a = sel.send(&tx_a, 1);
/// let recv_b = sel.recv(&rx_b);
/// let index = sel.wait();
/// assert_eq!(index, recv_b.index());
/// assert_eq!(recv_b.take(), Some(Ok("ready")));
/// assert_eq!(send_a.take(), None, "not chosen: nothing sent");
/// # drop(rx_a);
/// ```
///
/// For receivers of one type, [`Select::recv_any`] does it in one call:
///
/// ```
/// use hbsync::chan::{bounded, Select};
///
/// let chans: Vec<_> = (0..4).map(|_| bounded::<usize>(1)).collect();
/// chans[2].0.send(2).unwrap();
/// let rxs: Vec<_> = chans.iter().map(|(_, rx)| rx).collect();
/// let (index, value) = Select::recv_any(&rxs).unwrap();
/// assert_eq!((index, value), (2, Ok(2)));
/// ```
#[derive(Default)]
pub struct Select<'a> {
    cases: Vec<std::rc::Rc<dyn Case + 'a>>,
    done: bool,
}

impl std::fmt::Debug for Select<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Select")
            .field("operations", &self.cases.len())
            .finish()
    }
}

/// The handle of a receive added to a [`Select`].
pub struct SelectRecv<'a, T> {
    case: std::rc::Rc<RecvCase<'a, T>>,
    index: usize,
}

/// The handle of a send added to a [`Select`].
pub struct SelectSend<'a, T> {
    case: std::rc::Rc<SendCase<'a, T>>,
    index: usize,
}

impl<T> SelectRecv<'_, T> {
    /// This operation's index in its select.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The result if this receive was the one that completed (`Err` if its channel was
    /// closed), else `None`.
    pub fn take(self) -> Option<Result<T, RecvError>> {
        self.case.won().then(|| self.case.take())
    }
}

impl<T> SelectSend<'_, T> {
    /// This operation's index in its select.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The result if this send was the one that completed (`Err` with the value if its
    /// channel was closed), else `None`; the value of a send not chosen is dropped with the
    /// handle.
    pub fn take(self) -> Option<Result<(), SendError<T>>> {
        self.case.won().then(|| self.case.take())
    }
}

impl<T> std::fmt::Debug for SelectRecv<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectRecv")
            .field("index", &self.index)
            .finish()
    }
}

impl<T> std::fmt::Debug for SelectSend<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectSend")
            .field("index", &self.index)
            .finish()
    }
}

impl<'a> Select<'a> {
    /// An empty select.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a receive from `rx` (`None` disables it).
    pub fn recv<T: 'a, R: RecvOperand<T> + ?Sized>(&mut self, rx: &'a R) -> SelectRecv<'a, T> {
        let case = std::rc::Rc::new(RecvCase::new(rx));
        self.cases.push(case.clone());
        SelectRecv {
            case,
            index: self.cases.len() - 1,
        }
    }

    /// Adds a send of `value` on `tx` (`None` disables it).
    pub fn send<T: 'a, S: SendOperand<T> + ?Sized>(
        &mut self,
        tx: &'a S,
        value: T,
    ) -> SelectSend<'a, T> {
        let case = std::rc::Rc::new(SendCase::new(tx, value));
        self.cases.push(case.clone());
        SelectSend {
            case,
            index: self.cases.len() - 1,
        }
    }

    /// Blocks until one operation completes; returns its index. With no enabled operation
    /// it blocks forever, as Go's `select {}`.
    ///
    /// # Panics
    /// If this select already ran (a select completes one operation, once).
    pub fn wait(&mut self) -> usize {
        self.run(Mode::Block)
            .expect("a blocking select returns only with an operation")
    }

    /// Completes an operation that is ready now, if any (`select` with `default`).
    ///
    /// # Panics
    /// As for [`Select::wait`].
    pub fn try_wait(&mut self) -> Option<usize> {
        self.run(Mode::Try)
    }

    /// Like [`Select::wait`], waiting at most `timeout` (`None` when it passed).
    ///
    /// # Panics
    /// As for [`Select::wait`].
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<usize> {
        self.run(Mode::timeout(timeout))
    }

    fn run(&mut self, mode: Mode) -> Option<usize> {
        assert!(!self.done, "a Select runs once");
        self.done = true;
        let dyns: Vec<&dyn Case> = self.cases.iter().map(|c| &**c as &dyn Case).collect();
        run(&dyns, mode)
    }

    /// Blocks until one of `rxs` yields a value or is closed; returns its index and result.
    /// With every receiver disabled it blocks forever, as Go's `select {}`; so whenever it
    /// returns, it returns `Some`.
    pub fn recv_any<T, R: RecvOperand<T>>(rxs: &[R]) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::Block)
    }

    /// Like [`Select::recv_any`], without blocking: `None` if no receiver is ready.
    pub fn try_recv_any<T, R: RecvOperand<T>>(rxs: &[R]) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::Try)
    }

    /// Like [`Select::recv_any`], waiting at most `timeout`.
    pub fn recv_any_timeout<T, R: RecvOperand<T>>(
        rxs: &[R],
        timeout: Duration,
    ) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::timeout(timeout))
    }
}

fn recv_any_mode<T, R: RecvOperand<T>>(
    rxs: &[R],
    mode: Mode,
) -> Option<(usize, Result<T, RecvError>)> {
    let cases: Vec<RecvCase<'_, T>> = rxs.iter().map(|r| RecvCase::new(r)).collect();
    let dyns: Vec<&dyn Case> = cases.iter().map(|c| c as &dyn Case).collect();
    let i = run(&dyns, mode)?;
    Some((i, cases[i].take()))
}

/// Waits on several channel operations and completes exactly one, as Go's `select`.
///
/// ```
/// use std::time::Duration;
/// use hbsync::chan::bounded;
///
/// let (tx1, rx1) = bounded::<i32>(1);
/// let (tx2, rx2) = bounded::<&str>(1);
/// tx2.send("hi").unwrap();
/// hbsync::select! {
///     recv(rx1) -> v => panic!("nothing was sent on 1: {v:?}"),
///     recv(rx2) -> v => assert_eq!(v, Ok("hi")),
/// }
/// // A send arm, and a default that runs when nothing is ready.
/// tx1.send(1).unwrap();
/// let sent = hbsync::select! {
///     send(tx1, 2) -> r => r.is_ok(),
///     default => false,
/// };
/// assert!(!sent, "rx1's buffer is full");
/// // default(timeout): wait at most that long.
/// let (_tx, never) = bounded::<()>(0);
/// hbsync::select! {
///     recv(never) -> _ => unreachable!(),
///     default(Duration::from_millis(5)) => {}
/// }
/// ```
///
/// Arms: `recv(rx) -> res => expr`, `send(tx, value) -> res => expr`, `default => expr`,
/// `default(timeout) => expr`, separated by commas (crossbeam's forms work too: an arm whose
/// body is a block needs no comma, a trailing comma is fine, `default()` is `default`).
/// `res` is the result of the plain operation (`Result<T, RecvError>` / `Result<(), SendError<T>>`); a closed channel's
/// `recv` arm is ready and yields `Err(RecvError)`; a send arm chosen on a closed channel
/// yields `Err` with the value (Go panics). If several arms are ready, one is chosen
/// uniformly at random. An operand may be an `Option` of a channel: `None` disables the arm
/// (Go's nil channel). Without any enabled arm and without `default`, the select blocks
/// forever, as `select {}` does. HB-SELECT applies.
#[macro_export]
macro_rules! select {
    ($($tokens:tt)*) => {
        $crate::__select_parse!(@cases [] @default [] $($tokens)*)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_parse {
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*])
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*])
    };
    (@cases [$($c:tt)*] @default [] default => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body])
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:expr, $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:expr) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body])
    };
    // crossbeam's forms: a block arm needs no comma after it; `default()` is `default`.
    (@cases [$($c:tt)*] @default [$($d:tt)*] recv($rx:expr) -> $res:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (recv ($rx)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [$($d:tt)*] send($tx:expr, $v:expr) -> $res:pat => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)* (__case __op (send ($tx, $v)) $res => $body)] @default [$($d)*] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default() => $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [] default => $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::Try) $body] $($rest)*)
    };
    (@cases [$($c:tt)*] @default [] default($t:expr) => $body:block $($rest:tt)*) => {
        $crate::__select_parse!(@cases [$($c)*] @default [($crate::chan::select::Mode::timeout($t)) $body] $($rest)*)
    };
    // All arms parsed.
    (@cases [$(($case:ident $op:ident ($kind:ident $args:tt) $res:pat => $body:expr))*] @default [$(($mode:expr) $dbody:expr)?]) => {{
        // `let op = &operand;` extends the life of a temporary operand (`recv(ctx.done())`)
        // to the whole select; every operand and send value is evaluated once, in order.
        $( let $op = $crate::__select_operand!($kind $args); let $case = $crate::__select_case!($kind $op $args); )*
        let __mode = $crate::__select_mode!($($mode)?);
        let _ = $crate::chan::select::run(&[$(&$case as &dyn $crate::chan::select::Case),*], __mode);
        match () {
            $( () if $case.won() => { let $res = $case.take(); $body } )*
            () => { $crate::__select_default!($($dbody)?) }
        }
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_case {
    (recv $op:ident ($rx:expr)) => {
        $crate::chan::select::RecvCase::new($op)
    };
    (send $op:ident ($tx:expr, $v:expr)) => {
        $crate::chan::select::SendCase::new($op, $v)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_operand {
    (recv ($rx:expr)) => {
        &$rx
    };
    (send ($tx:expr, $v:expr)) => {
        &$tx
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_mode {
    () => {
        $crate::chan::select::Mode::Block
    };
    ($mode:expr) => {
        $mode
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_default {
    () => {
        unreachable!("a blocking select returned without a case")
    };
    // A match arm, not a bare `$body`: a block body (`default => { 0 }`) then is an arm body
    // as users write it, not braces around a block's value (`unused_braces` in their code).
    ($body:expr) => {
        match () {
            () => $body,
        }
    };
}
