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

/// Pins the calling thread to `cpu` (Linux).
#[cfg(target_os = "linux")]
fn pin_to(cpu: usize) {
    // SAFETY: `set` is a zeroed, properly sized `cpu_set_t` that lives across the call;
    // CPU_SET writes inside it, and `sched_setaffinity(0, ..)` only reads it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        let r = libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        assert_eq!(r, 0, "sched_setaffinity failed");
    }
}

/// One sender and one receiver pinned to the same CPU, on `bounded(cap)`: every value
/// arrives once and in order. Two parties sharing a CPU on a channel with no more handles
/// than cores park at once instead of polling, so that the wake-up may move one of them
/// (`Chan::settle`); pinned, the parks never move them, and each thread goes back to
/// polling for a while after two (`waiter::parking_may_move`), then parks again. Both
/// ways of waiting and the switch between them run thousands of times here: a lost
/// wake-up hangs this test (and nextest fails it with a timeout).
#[cfg(target_os = "linux")]
fn pinned_pair(cap: usize, msgs: u64) {
    // A first wait in the unpinned process: the number of cores the channels read is
    // asked of the system once, and must see this process's cores, not one pinned CPU.
    let (tx, rx) = bounded::<u64>(cap);
    let h = thread::spawn(move || {
        thread::sleep(std::time::Duration::from_millis(5));
        tx.send(7).unwrap();
    });
    assert_eq!(rx.recv(), Ok(7));
    h.join().unwrap();

    let (tx, rx) = bounded::<u64>(cap);
    let sender = thread::spawn(move || {
        pin_to(0);
        for i in 0..msgs {
            tx.send(i).unwrap();
        }
    });
    let receiver = thread::spawn(move || {
        pin_to(0);
        let mut next = 0;
        for v in &rx {
            assert_eq!(v, next, "values out of order");
            next += 1;
        }
        next
    });
    sender.join().unwrap();
    assert_eq!(receiver.join().unwrap(), msgs, "a value was lost");
}

#[cfg(target_os = "linux")]
#[test]
fn stress_bounded_1_pair_on_one_cpu() {
    pinned_pair(1, 20_000);
}

#[cfg(target_os = "linux")]
#[test]
fn stress_rendezvous_pair_on_one_cpu() {
    pinned_pair(0, 20_000);
}
