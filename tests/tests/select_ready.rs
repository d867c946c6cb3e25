//! `Select::ready`, `try_ready` and `ready_timeout`: they report an operation that could
//! complete and perform none; a waiting `ready` is woken by every kind of channel; a wake-up
//! it does not use never strands a blocked party.
#![cfg(not(any(loom, shuttle)))]

use std::thread;
use std::time::Duration;

use hbsync::chan::{bounded, unbounded, Select};
use hbsync_tests::within;

#[test]
fn try_ready_reports_without_performing() {
    let (tx, rx) = bounded::<u32>(1);
    let (_idle_tx, idle) = bounded::<u32>(1);
    let mut sel = Select::new();
    let _a = sel.recv(&idle);
    let b = sel.recv(&rx);
    assert_eq!(sel.try_ready(), None);
    tx.send(5).unwrap();
    assert_eq!(sel.try_ready(), Some(b.index()));
    assert_eq!(
        sel.try_ready(),
        Some(b.index()),
        "asking again changes nothing"
    );
    assert_eq!(rx.try_recv(), Ok(5), "the value is still in the channel");
    // The select can still run after ready.
    tx.send(6).unwrap();
    assert_eq!(sel.wait(), b.index());
    assert_eq!(b.take(), Some(Ok(6)));
}

#[test]
fn send_readiness_follows_room_receivers_and_close() {
    let (tx, rx) = bounded::<u32>(1);
    let mut sel = Select::new();
    let s = sel.send(&tx, 1);
    assert_eq!(sel.try_ready(), Some(s.index()), "room in the buffer");
    tx.send(0).unwrap();
    assert_eq!(sel.try_ready(), None, "full");
    assert_eq!(rx.recv(), Ok(0));
    assert_eq!(sel.try_ready(), Some(s.index()));
    drop(s);

    let (tx0, rx0) = bounded::<u32>(0);
    let mut sel = Select::new();
    let s0 = sel.send(&tx0, 1);
    assert_eq!(sel.try_ready(), None, "no receiver waiting");
    drop(rx0);
    assert_eq!(
        sel.try_ready(),
        Some(s0.index()),
        "closed: a send returns at once"
    );
}

/// A waiting `ready` is woken on each kind of channel: a one-slot ring, the unbounded
/// list, a rendezvous receive (a sender arrives), a rendezvous send (a receiver arrives), a
/// timer, and a close.
#[test]
fn a_waiting_ready_is_woken_by_every_kind_of_channel() {
    within(20, "ready on a one-slot ring", || {
        let (tx, rx) = bounded::<u32>(1);
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            tx.send(1).unwrap();
        });
        let mut sel = Select::new();
        let c = sel.recv(&rx);
        assert_eq!(sel.ready(), c.index());
        assert_eq!(rx.try_recv(), Ok(1));
        t.join().unwrap();
    });
    within(20, "ready on an unbounded channel", || {
        let (tx, rx) = unbounded::<u32>();
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            tx.send(2).unwrap();
        });
        let mut sel = Select::new();
        let c = sel.recv(&rx);
        assert_eq!(sel.ready(), c.index());
        assert_eq!(rx.try_recv(), Ok(2));
        t.join().unwrap();
    });
    within(20, "ready on a rendezvous receive", || {
        let (tx, rx) = bounded::<u32>(0);
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            tx.send(3).unwrap();
        });
        let mut sel = Select::new();
        let c = sel.recv(&rx);
        assert_eq!(sel.ready(), c.index());
        assert_eq!(rx.recv(), Ok(3), "the sender still waits with its value");
        t.join().unwrap();
    });
    within(20, "ready on a rendezvous send", || {
        let (tx, rx) = bounded::<u32>(0);
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            rx.recv()
        });
        let mut sel = Select::new();
        let c = sel.send(&tx, 4);
        assert_eq!(sel.ready(), c.index());
        drop((c, sel));
        tx.send(4).unwrap();
        assert_eq!(t.join().unwrap(), Ok(4));
    });
    within(20, "ready on a send to a full locked buffer", || {
        // A buffer under the channel lock (the layout above 2^20 slots, here at capacity 1).
        let (tx, rx) = hbsync::chan::bounded_locked::<u32>(1);
        tx.send(0).unwrap();
        let made_room = std::sync::Arc::new(std::sync::Barrier::new(2));
        let t = {
            let made_room = made_room.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                let got = rx.recv();
                made_room.wait(); // the receiver stays open until `ready` has answered
                got
            })
        };
        let mut sel = Select::new();
        let c = sel.send(&tx, 5);
        assert_eq!(
            sel.ready(),
            c.index(),
            "woken by the receive that made room"
        );
        made_room.wait();
        assert_eq!(t.join().unwrap(), Ok(0));
    });
    within(20, "ready on a timer", || {
        let timer = hbsync::time::after(Duration::from_millis(20));
        let mut sel = Select::new();
        let c = sel.recv(&timer);
        assert_eq!(sel.ready(), c.index());
        assert!(timer.try_recv().is_ok(), "the timer's value is still there");
    });
    within(20, "ready on a close", || {
        let (tx, rx) = bounded::<u32>(4);
        let t = thread::spawn(move || {
            thread::sleep(Duration::from_millis(20));
            drop(tx);
        });
        let mut sel = Select::new();
        let c = sel.recv(&rx);
        assert_eq!(sel.ready(), c.index());
        assert!(rx.try_recv().is_err());
        t.join().unwrap();
    });
}

#[test]
fn ready_timeout_gives_up_when_nothing_becomes_ready() {
    within(20, "ready_timeout", || {
        let (_tx, rx) = bounded::<u32>(0);
        let (tx2, _rx2) = bounded::<u32>(0);
        let mut sel = Select::new();
        let _r = sel.recv(&rx);
        let _s = sel.send(&tx2, 1);
        assert_eq!(sel.ready_timeout(Duration::from_millis(30)), None);
    });
}

/// Many rounds of a blocked receiver and a blocked ready on the same channels, one value
/// per round: the receiver always gets it (a wake-up the ready-select took but did not use
/// is passed on), on a ring, the list and a rendezvous channel.
#[test]
fn a_ready_never_strands_a_blocked_receiver() {
    for (name, cap) in [("ring", Some(1)), ("list", None), ("rendezvous", Some(0))] {
        within(60, name, move || {
            for round in 0..100u32 {
                let (tx, rx) = match cap {
                    Some(c) => bounded::<u32>(c),
                    None => unbounded::<u32>(),
                };
                let rx2 = rx.clone();
                let receiver = thread::spawn(move || rx2.recv());
                let probe = {
                    let rx = rx.clone();
                    thread::spawn(move || {
                        let mut sel = Select::new();
                        let _c = sel.recv(&rx);
                        sel.ready()
                    })
                };
                thread::sleep(Duration::from_millis(2)); // both are waiting by now, mostly
                tx.send(round).unwrap();
                assert_eq!(receiver.join().unwrap(), Ok(round), "{name}: round {round}");
                drop(tx);
                assert_eq!(probe.join().unwrap(), 0);
            }
        });
    }
}
