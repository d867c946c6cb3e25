//! Channel behaviours from Go's runtime/chan_test.go, each test naming its source. Go's
//! "receive the zero value from a closed channel" is `Err(RecvError)` here; Go's panics on
//! send to a closed channel are `Err(SendError(v))` with the value handed back.
#![cfg(not(any(loom, shuttle)))]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use hbsync::chan::{bounded, RecvError, TryRecvError};
use hbsync::select;

const SETTLE: Duration = Duration::from_millis(2);

/// TestChan: the per-capacity checks, for capacities 0..=16.
#[test]
fn test_chan() {
    for cap in 0..=16usize {
        // Receive from an empty channel blocks.
        {
            let (tx, rx) = bounded::<i32>(cap);
            let received = Arc::new(AtomicBool::new(false));
            let r = received.clone();
            let t = thread::spawn(move || {
                let _ = rx.recv();
                r.store(true, SeqCst);
            });
            thread::sleep(SETTLE);
            assert!(
                !received.load(SeqCst),
                "chan[{cap}]: receive from empty chan"
            );
            tx.send(0).unwrap(); // ensure the goroutine is released
            t.join().unwrap();
            assert!(received.load(SeqCst));
        }
        // A non-blocking receive does not block.
        {
            let (_tx, rx) = bounded::<i32>(cap);
            select! {
                recv(rx) -> _ => panic!("chan[{cap}]: receive from empty chan"),
                default => {}
            }
        }
        // Send to a full channel blocks.
        {
            let (tx, rx) = bounded::<i32>(cap);
            for i in 0..cap {
                tx.send(i as i32).unwrap();
            }
            let sent = Arc::new(AtomicBool::new(false));
            let s = sent.clone();
            let t = thread::spawn(move || {
                tx.send(0).unwrap();
                s.store(true, SeqCst);
            });
            thread::sleep(SETTLE);
            assert!(!sent.load(SeqCst), "chan[{cap}]: send to full chan");
            rx.recv().unwrap(); // ensure the goroutine is released
            t.join().unwrap();
        }
        // Values are received, then "closed", from a closed channel.
        {
            let (tx, rx) = bounded::<i32>(cap);
            for i in 0..cap {
                tx.send(i as i32).unwrap();
            }
            tx.close();
            for i in 0..cap {
                assert_eq!(rx.recv(), Ok(i as i32), "chan[{cap}]");
            }
            assert_eq!(rx.recv(), Err(RecvError));
            assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        }
        // Close unblocks receive.
        {
            let (tx, rx) = bounded::<i32>(cap);
            let t = thread::spawn(move || rx.recv());
            thread::sleep(SETTLE);
            tx.close();
            assert_eq!(t.join().unwrap(), Err(RecvError), "chan[{cap}]");
        }
        // 100 integers arrive uncorrupted, in FIFO order.
        {
            let (tx, rx) = bounded::<i32>(cap);
            let t = thread::spawn(move || {
                for i in 0..100 {
                    tx.send(i).unwrap();
                }
            });
            for i in 0..100 {
                assert_eq!(rx.recv(), Ok(i), "chan[{cap}]");
            }
            t.join().unwrap();
        }
        // 4 senders × 1000 integers, 4 receivers: each value received exactly 4 times.
        {
            const P: usize = 4;
            const L: usize = 1000;
            let (tx, rx) = bounded::<usize>(cap);
            let senders: Vec<_> = (0..P)
                .map(|_| {
                    let tx = tx.clone();
                    thread::spawn(move || {
                        for i in 0..L {
                            tx.send(i).unwrap();
                        }
                    })
                })
                .collect();
            drop(tx);
            let receivers: Vec<_> = (0..P)
                .map(|_| {
                    let rx = rx.clone();
                    thread::spawn(move || {
                        let mut recv = vec![0usize; L];
                        for v in rx.iter() {
                            recv[v] += 1;
                        }
                        recv
                    })
                })
                .collect();
            for s in senders {
                s.join().unwrap();
            }
            let mut total = vec![0usize; L];
            for r in receivers {
                for (t, n) in total.iter_mut().zip(r.join().unwrap()) {
                    *t += n;
                }
            }
            assert!(
                total.iter().all(|&n| n == P),
                "chan[{cap}]: lost or duplicated"
            );
        }
        // len and cap.
        {
            let (tx, rx) = bounded::<i32>(cap);
            assert_eq!(rx.capacity(), Some(cap));
            for i in 0..cap {
                assert_eq!(tx.len(), i, "chan[{cap}]: len");
                tx.send(i as i32).unwrap();
            }
            assert_eq!(rx.len(), cap);
        }
    }
}

/// TestNonblockRecvRace: a buffered value stays receivable by a non-blocking select after
/// the channel is closed; default must not be chosen.
#[test]
fn nonblock_recv_race() {
    for _ in 0..2000 {
        let (tx, rx) = bounded::<i32>(1);
        tx.send(1).unwrap();
        let t = thread::spawn(move || {
            select! {
                recv(rx) -> v => assert_eq!(v, Ok(1)),
                default => panic!("chan is not ready"),
            }
        });
        tx.close();
        t.join().unwrap();
    }
}

/// TestMultiConsumer: 5 workers, 1000 items through a buffered pipeline; nothing lost,
/// the sum matches.
#[test]
fn multi_consumer() {
    const NWORK: usize = 23;
    const NITER: usize = 271_828;
    let (q_tx, q) = bounded::<usize>(NWORK * 3);
    let (r_tx, r) = bounded::<usize>(NWORK * 3);
    let workers: Vec<_> = (0..NWORK)
        .map(|w| {
            let (q, r_tx) = (q.clone(), r_tx.clone());
            thread::spawn(move || {
                for v in q.iter() {
                    // mess with the fifo-ish nature of range
                    if w.is_multiple_of(3) {
                        thread::yield_now();
                    }
                    r_tx.send(v).unwrap();
                }
            })
        })
        .collect();
    drop((q, r_tx));
    let expect = AtomicUsize::new(0);
    let feeder = thread::spawn(move || {
        let mut sum = 0usize;
        for i in 0..NITER {
            let v = i.wrapping_mul(31);
            sum = sum.wrapping_add(v);
            q_tx.send(v).unwrap();
        }
        sum
    });
    let (mut n, mut s) = (0usize, 0usize);
    for v in r.iter() {
        n += 1;
        s = s.wrapping_add(v);
    }
    expect.store(feeder.join().unwrap(), SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(n, NITER, "expected {NITER} values");
    assert_eq!(s, expect.load(SeqCst), "wrong sum");
}

/// TestPseudoRandomSend: a select between two ready sends on one channel picks both, each
/// well above 10% of the time.
#[test]
fn pseudo_random_send() {
    const N: usize = 100;
    for cap in [0, N] {
        let (tx, rx) = bounded::<u8>(cap);
        let receiver =
            thread::spawn(move || (0..N).map(|_| rx.recv().unwrap()).collect::<Vec<_>>());
        for _ in 0..N {
            select! {
                send(tx, 1) -> r => r.unwrap(),
                send(tx, 0) -> r => r.unwrap(),
            }
        }
        let got = receiver.join().unwrap();
        let ones = got.iter().filter(|&&v| v == 1).count();
        let zeros = N - ones;
        assert!(
            ones >= N / 10 && zeros >= N / 10,
            "cap {cap}: want pseudo-random, got {zeros} zeros and {ones} ones"
        );
    }
}
