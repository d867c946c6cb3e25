//! `Mutex`, `WaitGroup`, `Once`, `OnceValue` in std builds, following Go's sync tests (each
//! test names its source), plus every misuse panic.
#![cfg(not(any(loom, shuttle)))]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use hbsync::{Mutex, Once, OnceValue, WaitGroup};

// ---- Mutex ----

/// Go sync/mutex_test.go TestMutex / HammerMutex: several threads increment under the lock;
/// no increment is lost.
#[test]
fn mutex_hammer() {
    const THREADS: usize = 8;
    const ITERS: usize = 20_000;
    let m = Arc::new(Mutex::new(0usize));
    let hs: Vec<_> = (0..THREADS)
        .map(|i| {
            let m = m.clone();
            thread::spawn(move || {
                for j in 0..ITERS {
                    // Mix lock and try_lock as Go's HammerMutex does.
                    if (i + j) % 3 == 0 {
                        if let Some(mut g) = m.try_lock() {
                            *g += 1;
                            continue;
                        }
                    }
                    *m.lock() += 1;
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert_eq!(*m.lock(), THREADS * ITERS);
}

/// Go sync/mutex_test.go TestMutexFairness: one thread holds the lock almost all the time
/// (lock, sleep 100 µs, unlock, repeat); another must still get the lock 10 times within
/// 10 s. Without starvation mode the barging holder wins nearly every time.
#[test]
fn mutex_fairness_bounds_the_longest_wait() {
    let m = Arc::new(Mutex::new(()));
    let stop = Arc::new(AtomicBool::new(false));
    let hog = {
        let (m, stop) = (m.clone(), stop.clone());
        thread::spawn(move || {
            while !stop.load(Relaxed) {
                let _g = m.lock();
                thread::sleep(Duration::from_micros(100));
            }
        })
    };
    let start = Instant::now();
    let mut longest = Duration::ZERO;
    for _ in 0..10 {
        thread::sleep(Duration::from_micros(100));
        let t = Instant::now();
        let _g = m.lock();
        longest = longest.max(t.elapsed());
    }
    stop.store(true, Relaxed);
    hog.join().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "can't acquire Mutex in 10 seconds"
    );
    // Hand-off starts after 1 ms of waiting; allow for scheduling on a loaded machine.
    assert!(
        longest < Duration::from_millis(500),
        "longest wait {longest:?}"
    );
}

/// A barging stream of lockers on every core does not starve a waiter (bounded wait).
#[test]
fn mutex_no_starvation_under_many_bargers() {
    let m = Arc::new(Mutex::new(0u64));
    let stop = Arc::new(AtomicBool::new(false));
    let bargers: Vec<_> = (0..4)
        .map(|_| {
            let (m, stop) = (m.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(Relaxed) {
                    let mut g = m.lock();
                    *g += 1;
                    std::hint::black_box(&mut *g);
                }
            })
        })
        .collect();
    let mut longest = Duration::ZERO;
    for _ in 0..200 {
        let t = Instant::now();
        drop(m.lock());
        longest = longest.max(t.elapsed());
    }
    stop.store(true, Relaxed);
    for b in bargers {
        b.join().unwrap();
    }
    assert!(
        longest < Duration::from_millis(500),
        "longest wait {longest:?}"
    );
}

/// No poisoning (Go has none): a panic while holding the guard unlocks; the data stays as
/// the panicking code left it.
#[test]
fn mutex_panic_while_locked_unlocks_without_poison() {
    let m = Arc::new(Mutex::new(vec![1]));
    let m2 = m.clone();
    let r = thread::spawn(move || {
        let mut g = m2.lock();
        g.push(2);
        panic!("boom");
    })
    .join();
    assert!(r.is_err());
    assert_eq!(*m.lock(), [1, 2]);
}

#[test]
fn mutex_try_lock_get_mut_into_inner_debug() {
    let mut m = Mutex::new(5);
    *m.get_mut() += 1;
    {
        let g = m.lock();
        assert!(m.try_lock().is_none());
        assert_eq!(format!("{m:?}"), "Mutex { data: <locked>, .. }");
        assert_eq!(*g, 6);
    }
    assert_eq!(format!("{m:?}"), "Mutex { data: 6, .. }");
    assert_eq!(m.into_inner(), 6);
}

#[test]
fn mutex_static_is_const_constructible() {
    static COUNT: Mutex<u32> = Mutex::new(0);
    *COUNT.lock() += 1;
    assert_eq!(*COUNT.lock(), 1);
}

/// Blocking and async lockers on one lock: no lost increment, no deadlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutex_async_and_blocking_share_one_lock() {
    let m = Arc::new(Mutex::new(0usize));
    let blocking: Vec<_> = (0..2)
        .map(|_| {
            let m = m.clone();
            thread::spawn(move || {
                for _ in 0..5_000 {
                    *m.lock() += 1;
                }
            })
        })
        .collect();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let m = m.clone();
            tokio::spawn(async move {
                for _ in 0..5_000 {
                    let mut g = m.lock_async().await;
                    *g += 1;
                    if *g % 100 == 0 {
                        tokio::task::yield_now().await; // held across an await: allowed
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    for b in blocking {
        b.join().unwrap();
    }
    assert_eq!(*m.lock(), 30_000);
}

/// A dropped `lock_async` future (e.g. the losing branch of a select with a timeout) leaves
/// the lock usable: no lost hand-off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutex_lock_async_cancelled_passes_on() {
    let m = Arc::new(Mutex::new(0));
    for _ in 0..200 {
        let g = m.lock_async().await;
        let m2 = m.clone();
        let waiter = tokio::spawn(async move {
            tokio::select! {
                g = m2.lock_async() => { drop(g); true },
                _ = tokio::time::sleep(Duration::from_micros(50)) => false,
            }
        });
        tokio::time::sleep(Duration::from_micros(40)).await;
        drop(g);
        waiter.await.unwrap();
        // The lock must be free now, whatever the select did.
        assert!(m.try_lock().is_some());
    }
}

// ---- WaitGroup ----

/// Go sync/waitgroup_test.go TestWaitGroup: two groups, n tasks; `wait` on the second
/// releases nobody before all n `done`s, and everybody after; eight rounds reuse the groups
/// (after every `wait` returned, which is allowed).
#[test]
fn waitgroup_basic_and_reuse() {
    let n = 16;
    let wg1 = WaitGroup::new();
    let wg2 = WaitGroup::new();
    for _ in 0..8 {
        wg1.add(n);
        wg2.add(n);
        let (exited_tx, exited) = hbsync::chan::bounded::<()>(n as usize);
        for _ in 0..n {
            let (w1, w2, exited_tx) = (wg1.clone(), wg2.clone(), exited_tx.clone());
            thread::spawn(move || {
                w1.done();
                w2.wait();
                exited_tx.send(()).unwrap();
            });
        }
        wg1.wait();
        for _ in 0..n {
            assert!(
                exited.try_recv().is_err(),
                "WaitGroup released group too soon"
            );
            wg2.done();
        }
        for _ in 0..n {
            exited.recv().unwrap(); // blocks if the barrier failed to release someone
        }
    }
}

/// Go sync/waitgroup_test.go TestWaitGroupMisuse: `negative WaitGroup counter`.
#[test]
fn waitgroup_negative_counter_panics() {
    let wg = WaitGroup::new();
    wg.add(1);
    wg.done();
    let r = catch_unwind(AssertUnwindSafe(|| wg.done()));
    let msg = *r.unwrap_err().downcast::<&str>().unwrap();
    assert_eq!(msg, "negative WaitGroup counter");
    let r = catch_unwind(AssertUnwindSafe(|| wg.add(-3)));
    assert!(r.is_err());
    // The counter is left at zero: the group is still usable.
    wg.wait();
}

/// Go sync/waitgroup_test.go TestWaitGroupMisuse2/3 (reuse before the previous Wait
/// returned): a released waiter that finds the counter raised again panics, in Go's words.
/// The race is timing-dependent (as in Go's test), so it is tried up to 2,000 times and must
/// be detected at least once.
#[test]
fn waitgroup_reuse_before_wait_returned_is_detected() {
    let mut detected = 0;
    let start = std::time::Instant::now();
    while detected == 0 && start.elapsed() < Duration::from_secs(20) {
        let wg = WaitGroup::new();
        wg.add(1);
        let w = wg.clone();
        let waiter = thread::spawn(move || catch_unwind(AssertUnwindSafe(|| w.wait())));
        thread::sleep(Duration::from_micros(20)); // let it queue
        wg.done();
        wg.add(1); // reuse at once, racing the released waiter's return
                   // If the waiter had not started waiting before `done`, it now waits for the reused
                   // counter: release it instead of hanging (that round detects nothing).
        let until = std::time::Instant::now() + Duration::from_millis(200);
        while !waiter.is_finished() && std::time::Instant::now() < until {
            thread::sleep(Duration::from_millis(1));
        }
        if !waiter.is_finished() {
            wg.done();
        }
        if let Err(e) = waiter.join().unwrap() {
            let msg = *e.downcast::<&str>().unwrap();
            assert_eq!(msg, "WaitGroup is reused before previous Wait has returned");
            detected += 1;
        }
    }
    assert!(detected > 0, "reuse was never detected in 20 s");
}

/// Go 1.25 sync.WaitGroup.Go: add before spawning, done when f returns, also on panic.
#[test]
fn waitgroup_go_counts_tasks_even_when_they_panic() {
    let wg = WaitGroup::new();
    let hits = Arc::new(AtomicUsize::new(0));
    for i in 0..10 {
        let hits = hits.clone();
        wg.go(move || {
            hits.fetch_add(1, Relaxed);
            if i == 3 {
                panic!("task 3 fails");
            }
        });
    }
    wg.wait();
    assert_eq!(hits.load(Relaxed), 10);
}

#[test]
fn waitgroup_wait_on_zero_returns_at_once_and_debug() {
    let wg = WaitGroup::new();
    wg.wait();
    wg.add(2);
    assert_eq!(format!("{wg:?}"), "WaitGroup { count: 2 }");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waitgroup_wait_async() {
    let wg = WaitGroup::new();
    for _ in 0..100 {
        let w = wg.clone();
        wg.add(1);
        tokio::spawn(async move {
            tokio::task::yield_now().await;
            w.done();
        });
    }
    wg.wait_async().await;
    // A dropped wait future withdraws cleanly.
    wg.add(1);
    let r = tokio::time::timeout(Duration::from_millis(5), wg.wait_async()).await;
    assert!(r.is_err());
    wg.done();
    wg.wait_async().await;
}

// ---- Once ----

/// Go sync/once_test.go TestOnce: f runs exactly once among 10 concurrent callers, and
/// every caller returns only after f finished.
#[test]
fn once_runs_once_and_everyone_sees_it() {
    let once = Arc::new(Once::new());
    let value = Arc::new(AtomicUsize::new(0));
    let hs: Vec<_> = (0..10)
        .map(|_| {
            let (once, value) = (once.clone(), value.clone());
            thread::spawn(move || {
                once.call_once(|| {
                    thread::sleep(Duration::from_millis(5));
                    value.fetch_add(1, Relaxed);
                });
                assert_eq!(value.load(Relaxed), 1, "returned before f completed");
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    assert!(once.is_done());
    assert_eq!(value.load(Relaxed), 1);
}

/// Go sync/once_test.go TestOncePanic: a panicking f counts as done; later calls return at
/// once without running anything.
#[test]
fn once_panic_counts_as_done() {
    let once = Once::new();
    let r = catch_unwind(AssertUnwindSafe(|| once.call_once(|| panic!("failed"))));
    assert!(r.is_err(), "Once.Do did not panic");
    assert!(once.is_done());
    once.call_once(|| panic!("Once.Do called twice"));
}

/// A waiter blocked behind a panicking f is released.
#[test]
fn once_waiters_released_when_f_panics() {
    let once = Arc::new(Once::new());
    let o = once.clone();
    let runner = thread::spawn(move || {
        catch_unwind(AssertUnwindSafe(|| {
            o.call_once(|| {
                thread::sleep(Duration::from_millis(20));
                panic!("init failed");
            })
        }))
        .is_err()
    });
    thread::sleep(Duration::from_millis(5));
    once.call_once(|| unreachable!("f already running"));
    assert!(runner.join().unwrap());
}

/// Go sync/oncefunc_test.go TestOnceValue: computed once, same value every call.
#[test]
fn once_value_computed_once() {
    let calls = AtomicUsize::new(0);
    let v = OnceValue::new();
    thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let got = *v.get_or_init(|| {
                    calls.fetch_add(1, Relaxed);
                    42
                });
                assert_eq!(got, 42);
            });
        }
    });
    assert_eq!(calls.load(Relaxed), 1);
    assert_eq!(v.into_inner(), Some(42));
}

/// Go sync/oncefunc_test.go TestOnceValuePanic: every call after a panicking initializer
/// panics too.
#[test]
fn once_value_panic_repanics() {
    let v: OnceValue<u32> = OnceValue::new();
    let first = catch_unwind(AssertUnwindSafe(|| *v.get_or_init(|| panic!("x"))));
    assert!(first.is_err());
    let again = catch_unwind(AssertUnwindSafe(|| *v.get_or_init(|| 1)));
    let msg = again
        .unwrap_err()
        .downcast::<String>()
        .map(|s| *s)
        .unwrap_or_else(|e| e.downcast::<&str>().map(|s| s.to_string()).unwrap());
    assert!(msg.contains("OnceValue initializer panicked"), "{msg}");
    assert_eq!(v.get(), None);
}

#[test]
fn once_statics_and_debug() {
    static ONCE: Once = Once::new();
    static CELL: OnceValue<&str> = OnceValue::new();
    assert_eq!(format!("{ONCE:?}"), "Once { done: false }");
    ONCE.call_once(|| {});
    assert_eq!(format!("{ONCE:?}"), "Once { done: true }");
    assert_eq!(*CELL.get_or_init(|| "x"), "x");
    assert_eq!(format!("{CELL:?}"), "OnceValue(Some(\"x\"))");
}

/// Go sync/waitgroup_test.go TestWaitGroupRace: two tasks Done while Wait waits; Wait never
/// returns before both incremented (no spurious wake-up).
#[test]
fn waitgroup_race() {
    for _ in 0..1000 {
        let wg = WaitGroup::new();
        let n = Arc::new(AtomicUsize::new(0));
        for _ in 0..2 {
            wg.add(1);
            let (wg, n) = (wg.clone(), n.clone());
            thread::spawn(move || {
                n.fetch_add(1, Relaxed);
                wg.done();
            });
        }
        wg.wait();
        assert_eq!(n.load(Relaxed), 2, "Spurious wakeup from Wait");
    }
}
