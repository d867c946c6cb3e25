//! std stress: millions of messages through every shape, each received exactly once.
#![cfg(not(any(loom, shuttle)))]

use std::thread;

use hbsync::chan::{bounded, unbounded, Receiver, Sender};

fn mpmc(tx: Sender<u64>, rx: Receiver<u64>, senders: u64, receivers: usize, per_sender: u64) {
    let hs: Vec<_> = (0..senders)
        .map(|s| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..per_sender {
                    tx.send(s * per_sender + i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let rs: Vec<_> = (0..receivers)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || {
                let mut seen = Vec::new();
                for v in &rx {
                    seen.push(v);
                }
                seen
            })
        })
        .collect();
    drop(rx);
    for h in hs {
        h.join().unwrap();
    }
    let total = senders * per_sender;
    let mut hit = vec![false; total as usize];
    for r in rs {
        for v in r.join().unwrap() {
            assert!(!hit[v as usize], "value {v} received twice");
            hit[v as usize] = true;
        }
    }
    assert!(hit.iter().all(|&h| h), "a value was lost");
}

#[test]
fn stress_bounded_1000_mpmc() {
    let (tx, rx) = bounded(1000);
    mpmc(tx, rx, 4, 4, 250_000);
}

#[test]
fn stress_unbounded_mpmc() {
    let (tx, rx) = unbounded();
    mpmc(tx, rx, 4, 4, 250_000);
}

#[test]
fn stress_bounded_1_mpmc() {
    let (tx, rx) = bounded(1);
    mpmc(tx, rx, 3, 2, 100_000);
}

#[test]
fn stress_rendezvous_mpmc() {
    let (tx, rx) = bounded(0);
    mpmc(tx, rx, 3, 2, 50_000);
}
