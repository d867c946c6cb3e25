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

//!
//! Files: this one is the protocol (the cases and the phases); `operand.rs` the channel
//! operands a case accepts; `builder.rs` the run-time [`Select`]; `macros.rs` `select!`.

mod builder;
mod macros;
mod operand;
mod order;

use std::cell::Cell;
use std::time::{Duration, Instant};

pub use builder::{Select, SelectRecv, SelectSend};
pub use operand::{RecvOperand, SendOperand};

use super::engine::{put_slot, take_slot, Chan, Entry, Side, Slot, State, Wake};
use super::error::{RecvError, SendError, TryRecvError, TrySendError};
use super::lockfree::Patience;
use crate::sync::cell::UnsafeCell;
use crate::sync::Arc;
use crate::waiter::{Settle, Signal};

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
    /// A ring channel's version (its lock does not freeze it), for the snapshot check of a
    /// non-blocking poll; `None` for a locked channel (or a disabled case).
    fn version(&self) -> Option<(usize, usize)>;
    /// Whether a completion of this case only wakes the select to retry it (a ring
    /// channel), rather than handing it the operation done.
    fn woken_to_retry(&self) -> bool;
    /// Whether the operation could complete now ([`Select::ready`]): a snapshot that
    /// performs nothing and synchronizes nothing; `false` for a disabled case.
    fn ready_now(&self) -> bool;
    /// Registers `w` (case `index`) to be woken, not handed the operation, when it may have
    /// become ready: `true` registered; `false` ready now (what was queued is left for
    /// [`Case::unregister`]).
    fn register_ready(&self, w: &Waiter, index: usize) -> bool;
    /// A ready-waiter was woken through this case but performs no operation: the wake-up is
    /// passed on to the next waiter if the operation can still proceed, so no party that
    /// would take it is left asleep.
    fn pass_on_ready(&self);
}

/// Waiters a select's locked poll completed, woken once every lock is released.
#[doc(hidden)]
#[derive(Default)]
pub struct Wakes(Wake);

/// A held channel lock with its state's type erased (a select's channels differ in type).
#[doc(hidden)]
pub trait LockedChan {
    /// The [`Held`] lock, for the one `T` of the channel this guard locks.
    fn state(&mut self) -> *mut ();
}

/// A channel and its held lock.
#[doc(hidden)]
pub struct Held<'a, T> {
    chan: &'a Chan<T>,
    st: crate::sync::MutexGuard<'a, State<T>>,
}

impl<T> LockedChan for Held<'_, T> {
    fn state(&mut self) -> *mut () {
        self as *mut Self as *mut ()
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
    recv_result(chan.try_recv(), slot)
}

/// [`try_recv_now`] under a held lock.
fn try_recv_locked<T>(h: &mut Held<'_, T>, slot: &Slot<T>, wake: &mut Wake) -> bool {
    recv_result(h.chan.try_recv_locked(&mut h.st, wake), slot)
}

/// Stores a receive case's outcome; `true` if it completed.
fn recv_result<T>(r: Result<T, TryRecvError>, slot: &Slot<T>) -> bool {
    let result = match r {
        Ok(v) => Some(v),
        Err(TryRecvError::Closed) => None,
        Err(TryRecvError::Empty) => return false,
    };
    // SAFETY: polls run while the select has no entry registered that points at the slot
    // (before registering, after every entry was removed, or, on a ring channel, whose
    // entries point at no slot), so the slot is ours alone.
    unsafe { put_slot(slot, result) };
    true
}

/// A send case's non-blocking attempt; `true` if it completed (`slot` keeps the value only
/// when the channel was closed).
fn try_send_now<T>(chan: &Chan<T>, slot: &Slot<T>) -> bool {
    send_with(slot, |v| chan.try_send(v))
}

/// [`try_send_now`] under a held lock.
fn try_send_locked<T>(h: &mut Held<'_, T>, slot: &Slot<T>, wake: &mut Wake) -> bool {
    send_with(slot, |v| h.chan.try_send_locked(&mut h.st, v, wake))
}

/// Sends a send case's value with `send`; `true` if it completed.
fn send_with<T>(slot: &Slot<T>, send: impl FnOnce(T) -> Result<(), TrySendError<T>>) -> bool {
    // SAFETY: as in `recv_result`: no entry of the select is registered now.
    let Some(value) = (unsafe { take_slot(slot) }) else {
        return false;
    };
    match send(value) {
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
        if chan.is_ring() {
            // Woken, not handed a value: the entry points at no slot.
            let side = if SEND { Side::Send } else { Side::Recv };
            return chan.enqueue(&mut st, side, &w.0, index);
        }
        let ready = if SEND {
            st.send_ready(Some(&w.0))
        } else {
            st.recv_ready(Some(&w.0))
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
            st.push_receiver(entry, &mut wake);
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
        let chan = self.chan?;
        Some(Box::new(Held {
            chan,
            st: chan.lock(),
        }))
    }

    fn version(&self) -> Option<(usize, usize)> {
        self.chan?.version()
    }

    fn woken_to_retry(&self) -> bool {
        self.chan.is_some_and(Chan::is_ring)
    }

    fn ready_now(&self) -> bool {
        self.chan
            .is_some_and(|chan| chan.ready_now(if SEND { Side::Send } else { Side::Recv }))
    }

    fn register_ready(&self, w: &Waiter, index: usize) -> bool {
        let Some(chan) = self.chan else {
            return true; // disabled: never ready, nothing to wait for
        };
        let side = if SEND { Side::Send } else { Side::Recv };
        let mut st = chan.lock();
        if chan.is_ring() {
            return chan.enqueue(&mut st, side, &w.0, index);
        }
        st.push_ready(side, &w.0, index)
    }

    fn pass_on_ready(&self) {
        if let Some(chan) = self.chan {
            chan.pass_on(if SEND { Side::Send } else { Side::Recv });
        }
    }

    fn try_locked(&self, guard: &mut dyn LockedChan, wake: &mut Wakes) -> bool {
        // SAFETY: `run_nonblocking` passes the guard it took for this case's channel address
        // (`chan_addr`), so the guard is a `Held` of this very `Chan<T>`; it is held for the
        // whole call, and `&mut` makes this the only access.
        let h = unsafe { &mut *guard.state().cast::<Held<'_, T>>() };
        if SEND {
            try_send_locked(h, &self.slot, &mut wake.0)
        } else {
            try_recv_locked(h, &self.slot, &mut wake.0)
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
            Self::Until(Some(d)) => crate::clock::is_past(d),
            Self::Until(None) | Self::Block => false,
        }
    }
}

/// Runs a select over `cases`; returns the index of the completed case, or `None` when
/// `default` (or its timeout) applies. Every case's queue entries are gone on return.
#[doc(hidden)]
pub fn run(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    let won = run_inner(cases, mode);
    if let Some(i) = won {
        cases[i].set_won();
    }
    trace_outcome("select", cases, won);
    won
}

/// `select {recv chan#1, send chan#2} -> recv chan#1` (traces; `default` when none).
fn trace_outcome(what: &str, cases: &[&dyn Case], won: Option<usize>) {
    crate::trace::record(|| {
        let outcome = won.map_or("default".to_string(), |i| cases[i].describe());
        format!("{what} {} -> {outcome}", describe_all(cases))
    });
}

/// How long a blocking round may wait: the caller's deadline or the earliest timer case's,
/// and whether it is the timer's (a timer case ends the wait too; the select then starts
/// over and finds it ready).
fn round_deadline(cases: &[&dyn Case], mode: Mode) -> (Option<Instant>, bool) {
    let deadline = match mode {
        Mode::Until(d) => d,
        Mode::Try | Mode::Block => None,
    };
    let timer = cases.iter().filter_map(|c| c.timer()).min();
    crate::clock::earliest(deadline, timer)
}

/// Waits on a registered `w` until a case completes it (its index) or `deadline` passes
/// (`None`, and `w` is withdrawn); a completer that claimed `w` as the deadline passed is
/// waited for. `settle`: [`Settle::Patient`] if the select spun before it registered (it
/// has a ring case), so it parks sooner.
fn wait_registered(w: &Waiter, deadline: Option<Instant>, settle: Settle) -> Option<usize> {
    match deadline {
        None => Some(w.0.wait_done_as(settle)),
        Some(d) => match w.0.wait_done_until(d) {
            Some(case) => Some(case),
            None if w.0.try_abort() => None,
            None => Some(w.0.wait_claimed()),
        },
    }
}

/// The round's timer deadline `at` passed: every timer due by then becomes ready (virtual
/// time).
fn fire_all(cases: &[&dyn Case], at: Instant) {
    for c in cases {
        c.fire(at);
    }
}

/// `{recv chan#1, send chan#2}` (traces).
fn describe_all(cases: &[&dyn Case]) -> String {
    let all: Vec<String> = cases.iter().map(|c| c.describe()).collect();
    format!("{{{}}}", all.join(", "))
}

/// Phases 1 and 2 of a select that may take `default`: poll every case with all the
/// select's channels locked at once (address order; a channel named by several cases is
/// locked once), so the outcome is one consistent snapshot.
fn run_nonblocking(cases: &[&dyn Case], order: &order::Order) -> Option<usize> {
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
    let won = loop {
        // A ring channel moves without its lock: its version is read before and after the
        // poll, and `default` is taken only if no ring moved in between. Then at every
        // instant between the two reads each ring was as the poll saw it, and the locked
        // channels did not move at all: one snapshot in which no case could proceed.
        let before: Vec<_> = cases.iter().map(|c| c.version()).collect();
        if let Some(i) = poll_locked(cases, order, &mut guards, &mut wake) {
            break Some(i);
        }
        if cases.iter().map(|c| c.version()).eq(before) {
            break None;
        }
        crate::sync::hint::spin_loop();
    };
    drop(guards);
    wake.0.run();
    won
}

/// One poll of every case in `order`, with every lock in `guards` held.
fn poll_locked(
    cases: &[&dyn Case],
    order: &order::Order,
    guards: &mut [(usize, Box<dyn LockedChan + '_>)],
    wake: &mut Wakes,
) -> Option<usize> {
    for i in order.iter() {
        let Some(a) = cases[i].chan_addr() else {
            continue;
        };
        let Ok(g) = guards.binary_search_by_key(&a, |&(ga, _)| ga) else {
            continue;
        };
        if cases[i].try_locked(&mut *guards[g].1, wake) {
            return Some(i);
        }
    }
    None
}

fn run_inner(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    // A select with a buffered (ring) case polls a few more times before it registers, as a
    // plain ring operation does (the other side is often mid-operation on another core), but
    // spinning only: its yields would hand the core to the parties it waits for
    // (`Patience::spin`).
    let mut patience = Patience::new();
    let rings = cases.iter().any(|c| c.enabled() && c.woken_to_retry());
    loop {
        // Phase 1: poll. The same random order is used to register, so when several cases
        // wait on one channel the first to be matched is random too.
        let order = order::poll_order(cases.len());
        // Phase 2: default, decided on one snapshot of every channel. With one enabled case
        // its single poll already is one atomic step: no locking of all, no allocation (the
        // common `select! { recv(rx) -> v => …, default => … }`).
        let nonblocking = mode.nonblocking();
        if nonblocking && cases.iter().filter(|c| c.enabled()).count() > 1 {
            return run_nonblocking(cases, &order);
        }
        for i in order.iter() {
            if cases[i].enabled() && cases[i].try_now() {
                return Some(i);
            }
        }
        if nonblocking {
            return None;
        }
        if rings && patience.spin() {
            continue;
        }
        let (deadline, timer_first) = round_deadline(cases, mode);
        // Phase 3: register.
        let w = Waiter(Arc::new(Signal::for_thread()));
        w.0.trace_wait(|| format!("select {}", describe_all(cases)));
        let mut claimed = false;
        for i in order.iter() {
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
        let settle = if rings {
            Settle::Patient
        } else {
            Settle::Plain
        };
        let won = wait_registered(&w, deadline, settle);
        // Phase 5: unregister the rest.
        unregister_all(cases, &w);
        if let (None, Some(at), true) = (won, deadline, timer_first) {
            fire_all(cases, at);
            continue;
        }
        // A ring case was only woken: its operation is tried first, now (so the value or
        // room it was woken for is not left behind while other waiters sleep); if someone
        // else took it, the select starts over.
        match won {
            Some(i) if cases[i].woken_to_retry() => {
                if cases[i].try_now() {
                    return Some(i);
                }
            }
            _ => return won,
        }
    }
}

/// [`Select::ready`] and its variants: waits until one of `cases` could complete, and
/// returns its index without performing any operation (`None`: `default` or the timeout).
/// Waiting registers a wake-up entry (woken, never handed a value) on every enabled case's
/// channel.
pub(super) fn run_ready(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    let won = run_ready_inner(cases, mode);
    trace_outcome("ready", cases, won);
    won
}

fn run_ready_inner(cases: &[&dyn Case], mode: Mode) -> Option<usize> {
    let mut patience = Patience::new();
    loop {
        let order = order::poll_order(cases.len());
        if let Some(i) = order.iter().find(|&i| cases[i].ready_now()) {
            return Some(i);
        }
        if mode.nonblocking() {
            return None;
        }
        if patience.spin() {
            continue;
        }
        let (deadline, timer_first) = round_deadline(cases, mode);
        let w = Waiter(Arc::new(Signal::for_thread()));
        w.0.trace_wait(|| format!("ready {}", describe_all(cases)));
        let ready_now = order
            .iter()
            .find(|&i| cases[i].enabled() && !cases[i].register_ready(&w, i));
        if let Some(i) = ready_now {
            // A partner that woke us through another case meanwhile: that wake-up is not
            // used here, so it goes to the next waiter.
            let claimed = (!w.0.try_abort()).then(|| w.0.wait_claimed());
            unregister_all(cases, &w);
            if let Some(woke) = claimed {
                cases[woke].pass_on_ready();
            }
            return Some(i);
        }
        let woke = wait_registered(&w, deadline, Settle::Patient);
        unregister_all(cases, &w);
        match (woke, deadline) {
            (Some(i), _) => {
                // Woken through case `i`. This select performs nothing (its caller may or
                // may not act on the answer), so the wake-up is passed on whenever the
                // operation can still proceed: no party that would take it stays asleep.
                cases[i].pass_on_ready();
                if cases[i].ready_now() {
                    return Some(i);
                }
            }
            (None, Some(at)) if timer_first => fire_all(cases, at),
            (None, _) => return None, // the caller's timeout
        }
    }
}

fn unregister_all(cases: &[&dyn Case], w: &Waiter) {
    for c in cases {
        c.unregister(w);
    }
}
