//! Models of `Mutex`, `WaitGroup` and `Once`, run by whichever checker hbsync was built with
//! (`hbsync::check::model`: loom with preemption bound 3, or shuttle PCT). Each asserts its
//! property in every explored execution; a deadlock or lost wake-up fails the model.
#![cfg(any(loom, shuttle))]

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use hbsync::check::sync::atomic::{AtomicUsize as ModelAtomic, Ordering};
use hbsync::check::sync::Arc;
use hbsync::check::{self, thread};
use hbsync::{Mutex, Once, WaitGroup};

/// Mutual exclusion with 3 threads: an "inside" counter is never above one, and no
/// increment is lost. The counter is a model atomic, so the checker sees every step.
#[test]
fn mutex_mutual_exclusion_three_threads() {
    check::model(|| {
        let m = Arc::new(Mutex::new(0u32));
        let inside = Arc::new(ModelAtomic::new(0));
        let ts: Vec<_> = (0..3)
            .map(|_| {
                let (m, inside) = (m.clone(), inside.clone());
                thread::spawn(move || {
                    let mut g = m.lock();
                    assert_eq!(inside.fetch_add(1, Ordering::Relaxed), 0, "two inside");
                    *g += 1;
                    inside.fetch_sub(1, Ordering::Relaxed);
                })
            })
            .collect();
        for t in ts {
            t.join().unwrap();
        }
        assert_eq!(*m.lock(), 3);
    });
}

/// Async lockers and blocking lockers on the same Mutex: all increments land, nobody
/// deadlocks (the async locker runs in its own thread's `block_on`).
#[test]
fn mutex_async_and_blocking_lockers() {
    check::model(|| {
        let m = Arc::new(Mutex::new(0u32));
        let m2 = m.clone();
        let t = thread::spawn(move || {
            check::block_on(async {
                *m2.lock_async().await += 1;
            });
        });
        *m.lock() += 1;
        t.join().unwrap();
        assert_eq!(*m.lock(), 2);
    });
}

/// Used as documented (no blocking guard held across an `.await`), a blocking holder and an
/// async locker never deadlock one another, even when the async side holds its guard over
/// an await point.
#[test]
fn mutex_blocking_and_async_never_deadlock() {
    check::model(|| {
        let m = Arc::new(Mutex::new(Vec::new()));
        let m2 = m.clone();
        let t = thread::spawn(move || {
            check::block_on(async {
                let mut g = m2.lock_async().await;
                g.push("async");
                std::future::ready(()).await; // an await while holding the async guard
                g.push("async2");
            });
        });
        {
            let mut g = m.lock();
            g.push("blocking");
        }
        t.join().unwrap();
        let v = m.lock();
        assert_eq!(v.len(), 3);
        let a = v.iter().position(|s| *s == "async").unwrap();
        assert_eq!(
            v[a + 1],
            "async2",
            "the async critical section was interleaved"
        );
    });
}

/// WaitGroup with adds from several threads: each worker adds for a sub-task before it
/// signals its own done, so the counter never touches zero early; `wait` returns only when
/// every task is done.
#[test]
fn waitgroup_adds_from_several_threads() {
    check::model(|| {
        let wg = WaitGroup::new();
        let finished = Arc::new(ModelAtomic::new(0));
        wg.add(2);
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let (wg, finished) = (wg.clone(), finished.clone());
                thread::spawn(move || {
                    wg.add(1); // a sub-task, added by this thread while its own count holds
                    finished.fetch_add(1, Ordering::Relaxed);
                    wg.done(); // the sub-task
                    finished.fetch_add(1, Ordering::Relaxed);
                    wg.done(); // itself
                })
            })
            .collect();
        wg.wait();
        assert_eq!(finished.load(Ordering::Relaxed), 4, "wait returned early");
        for t in ts {
            t.join().unwrap();
        }
    });
}

/// Once with 3 racing callers: f runs exactly once, and every caller returns after it.
#[test]
fn once_three_racing_callers() {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    check::model(|| {
        let once = Arc::new(Once::new());
        let ran = Arc::new(ModelAtomic::new(0));
        let call = {
            let (once, ran) = (once.clone(), ran.clone());
            move || {
                once.call_once(|| {
                    ran.fetch_add(1, Ordering::Relaxed);
                });
                assert_eq!(ran.load(Ordering::Relaxed), 1, "returned before f ran");
            }
        };
        let ts: Vec<_> = (0..2)
            .map(|_| {
                let call = call.clone();
                thread::spawn(call)
            })
            .collect();
        call();
        for t in ts {
            t.join().unwrap();
        }
        RUNS.fetch_add(1, Relaxed);
    });
    assert!(RUNS.load(Relaxed) > 0);
}

/// The README's `static` items work in models: a `static` `Mutex`, `Once` and `OnceValue`
/// get a fresh lock state, a `Once` that has not run and an empty cell in every execution
/// (their checker objects belong to one execution), while the mutex's data carries over as
/// a `static`'s does, so the model resets it first.
#[test]
fn statics_are_fresh_in_every_execution() {
    static HITS: Mutex<u32> = Mutex::new(0);
    static INIT: Once = Once::new();
    static CONFIG: hbsync::OnceValue<u32> = hbsync::OnceValue::new();
    static EXECUTIONS: AtomicUsize = AtomicUsize::new(0);
    check::model(|| {
        *HITS.lock() = 0;
        assert!(!INIT.is_done(), "a Once left done by an earlier execution");
        assert_eq!(CONFIG.get(), None, "a value left by an earlier execution");
        let ran = Arc::new(ModelAtomic::new(0));
        let worker = {
            let ran = ran.clone();
            move || {
                INIT.call_once(|| {
                    ran.fetch_add(1, Ordering::Relaxed);
                });
                assert_eq!(*CONFIG.get_or_init(|| 7), 7);
                *HITS.lock() += 1;
            }
        };
        let t = thread::spawn(worker.clone());
        worker();
        t.join().unwrap();
        assert_eq!(*HITS.lock(), 2);
        assert_eq!(
            ran.load(Ordering::Relaxed),
            1,
            "the Once ran f twice or never"
        );
        EXECUTIONS.fetch_add(1, Relaxed);
    });
    assert!(EXECUTIONS.load(Relaxed) > 1, "one execution shows no reset");
}

/// Two models running at once on two OS threads (cargo test's test threads) must not share a
/// `static`'s checker state: the second to touch it while the first's execution runs gets a
/// panic that says so, instead of the first's lock state (or a mutex's data) mid-execution.
/// The two models are made to overlap with std barriers, so the outcome is deterministic.
///
/// loom only: under shuttle the refusal happens the same way, but the owner's next
/// execution then fails inside shuttle's PCT scheduler ("test closure did not exercise any
/// concurrency") after the other OS thread's model panicked; two shuttle runners in one
/// process, one of them failing, is not something this test can make reliable.
#[cfg(loom)]
#[test]
fn a_static_shared_by_two_running_models_is_refused() {
    use std::sync::atomic::AtomicBool;
    use std::sync::Barrier;

    static SHARED: Mutex<u32> = Mutex::new(0);
    static FIRST: AtomicBool = AtomicBool::new(true);
    static TOUCHED: Barrier = Barrier::new(2);
    static CHECKED: Barrier = Barrier::new(2);
    std::env::set_var("HBSYNC_TRACE_QUIET", "1");
    let owner = std::thread::spawn(|| {
        check::model(|| {
            *SHARED.lock() += 1;
            // Something for the checker to schedule.
            thread::spawn(|| {}).join().unwrap();
            // SeqCst: test bookkeeping across two OS threads; only the first execution waits.
            if FIRST.swap(false, std::sync::atomic::Ordering::SeqCst) {
                TOUCHED.wait(); // our execution owns SHARED's state now
                CHECKED.wait(); // until the other model has tried
            }
        });
    });
    TOUCHED.wait();
    let refused = std::panic::catch_unwind(|| check::model(|| *SHARED.lock() += 1));
    CHECKED.wait();
    owner.join().unwrap();
    let payload = refused.expect_err("the second model shared the running model's state");
    let message = check::panic_message(&*payload).unwrap_or_default();
    assert!(
        message.contains("in use by another model running at the same time"),
        "{message}"
    );
}
