//! Models of `select!` and timers, run by whichever checker hbsync was built with
//! (`hbsync::check::model`: loom with preemption bound 3, or shuttle PCT).
//!
//! - a timer racing a send: both outcomes explored, and counted;
//! - Go's doubleselect: two selects over the same pair of rendezvous channels in opposite
//!   roles pair with each other exactly once; no value duplicated or lost;
//! - a select blocked on several channels is woken by a send on any one of them, and by a
//!   close (a lost wake-up would be a deadlock, which both checkers report).
#![cfg(any(loom, shuttle))]

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use hbsync::chan::{bounded, RecvError};
use hbsync::check::{self, thread};
use hbsync::{select, time};

/// Counts one outcome across all executions of a model (plain std atomics: bookkeeping
/// outside the model, not part of it).
struct Outcomes([AtomicUsize; 2]);

impl Outcomes {
    const fn new() -> Self {
        Self([AtomicUsize::new(0), AtomicUsize::new(0)])
    }
    fn record(&self, i: usize) {
        self.0[i].fetch_add(1, Relaxed);
    }
    fn assert_both(&self, names: [&str; 2]) {
        let [a, b] = [self.0[0].load(Relaxed), self.0[1].load(Relaxed)];
        println!("outcomes: {} = {a}, {} = {b}", names[0], names[1]);
        assert!(a > 0 && b > 0, "both outcomes must be explored: {a}, {b}");
    }
}

/// A timer (`time::after`) racing a send into a buffered channel: "the work wins" and "the
/// timeout wins" are both explored; in the second, the late value is still there.
#[test]
fn timer_races_send() {
    static SEEN: Outcomes = Outcomes::new();
    check::model(|| {
        let (tx, rx) = bounded::<u32>(1);
        let t = thread::spawn(move || {
            thread::yield_now(); // a step of work first: random schedules see both outcomes
            tx.send(1).unwrap();
        });
        let timeout = time::after(Duration::from_secs(1));
        select! {
            recv(rx) -> v => {
                assert_eq!(v, Ok(1));
                SEEN.record(0);
            },
            recv(timeout) -> _ => {
                assert_eq!(rx.recv(), Ok(1), "a timeout consumes nothing");
                SEEN.record(1);
            },
        }
        t.join().unwrap();
    });
    SEEN.assert_both(["work won", "timeout won"]);
}

/// `default(timeout)` racing a rendezvous send with its own timeout: delivered iff
/// received, both outcomes explored.
#[test]
fn default_timeout_races_rendezvous_send() {
    static SEEN: Outcomes = Outcomes::new();
    check::model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let t = thread::spawn(move || tx.send_timeout(7, Duration::from_secs(1)).is_ok());
        let got = select! {
            recv(rx) -> v => v == Ok(7),
            default(Duration::from_secs(1)) => false,
        };
        let sent = t.join().unwrap();
        assert_eq!(got, sent, "delivered iff received");
        SEEN.record(usize::from(!got));
    });
    SEEN.assert_both(["received", "timed out"]);
}

/// Go's test/chan/doubleselect.go, reduced to its core: two threads each select over the
/// same two rendezvous channels, one sending on `a` and receiving on `b`, the other the
/// opposite. They must pair with each other exactly once: one value moves, none is
/// duplicated or lost, and a select never pairs with itself.
#[test]
fn doubleselect_opposite_roles() {
    static SEEN: Outcomes = Outcomes::new();
    check::model(|| {
        let (a_tx, a_rx) = bounded::<u32>(0);
        let (b_tx, b_rx) = bounded::<u32>(0);
        let (a_tx2, b_rx2) = (a_tx.clone(), b_rx.clone());
        let t = thread::spawn(move || {
            select! {
                send(a_tx2, 1) -> r => { r.unwrap(); None },
                recv(b_rx2) -> v => Some(v.unwrap()),
            }
        });
        let mine = select! {
            send(b_tx, 2) -> r => { r.unwrap(); None },
            recv(a_rx) -> v => Some(v.unwrap()),
        };
        let theirs = t.join().unwrap();
        match (mine, theirs) {
            (Some(1), None) => SEEN.record(0),
            (None, Some(2)) => SEEN.record(1),
            other => panic!("exactly one value must move between the two: {other:?}"),
        }
        drop((a_tx, b_rx));
    });
    SEEN.assert_both(["a moved", "b moved"]);
}

/// A select blocked on two channels is woken by a send on either one, or by a close.
fn woken_by(which: usize) {
    check::model(move || {
        let (tx1, rx1) = bounded::<u32>(0);
        let (tx2, rx2) = bounded::<u32>(0);
        let t = thread::spawn(move || match which {
            0 => tx1.send(10).unwrap(),
            1 => tx2.send(20).unwrap(),
            _ => {
                tx1.close();
            }
        });
        let got = select! {
            recv(rx1) -> v => v,
            recv(rx2) -> v => v,
        };
        let want = [Ok(10), Ok(20), Err(RecvError)][which];
        assert_eq!(got, want);
        t.join().unwrap();
    });
}

#[test]
fn select_woken_by_send_on_first() {
    woken_by(0);
}

#[test]
fn select_woken_by_send_on_second() {
    woken_by(1);
}

#[test]
fn select_woken_by_close() {
    woken_by(2);
}

/// A blocking receive on a timer and a rendezvous send from another thread on a separate
/// channel: the timer fires in every execution (virtual time never deadlocks a lone timer).
#[test]
fn lone_timer_fires() {
    check::model(|| {
        let (tx, rx) = bounded::<u32>(0);
        let other = thread::spawn(move || tx.send(1).unwrap());
        let t = time::after(Duration::from_secs(3600));
        assert!(t.recv().is_ok());
        assert_eq!(rx.recv(), Ok(1));
        other.join().unwrap();
        let ticks = time::tick(Duration::from_secs(1));
        let a = ticks.recv().unwrap();
        let b = ticks.recv().unwrap();
        assert_eq!(b - a, Duration::from_secs(1));
    });
}
