//! Replaying a failing shuttle schedule (issue 14): `check::Options::schedule_dir` writes it,
//! `check::Options::replay` runs it again. Alone in its test binary: shuttle reports a
//! failure through one process-wide panic hook, so another shuttle test failing at the same
//! time in the same process would report this one's schedule its own way.
#![cfg(shuttle)]

use hbsync::check::{self, sync::Arc, thread};

/// User code with a lost update: two threads read, then write back, a shared counter.
fn lost_update() {
    use check::sync::atomic::{AtomicUsize, Ordering};
    let n = Arc::new(AtomicUsize::new(0));
    let bump = |n: Arc<AtomicUsize>| {
        move || {
            // SeqCst, load and store: user code whose bug is the read-then-write, not the
            // ordering (no hbsync HB claim).
            let v = n.load(Ordering::SeqCst);
            thread::yield_now();
            n.store(v + 1, Ordering::SeqCst);
        }
    };
    let t = thread::spawn(bump(n.clone()));
    bump(n.clone())();
    t.join().unwrap();
    // SeqCst: user code; the join orders the other thread's store before this load.
    assert_eq!(n.load(Ordering::SeqCst), 2, "an update was lost");
}

/// Issue 14: a failing shuttle schedule is written to a file (`Options::schedule_dir`) and
/// replayed from it (`Options::replay`): one execution, failing the same way every time.
#[test]
fn a_failing_schedule_replays() {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let dir = std::env::temp_dir().join(format!("hbsync-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let explore = check::Options {
        schedule_dir: Some(dir.clone()),
        iterations: Some(500),
        ..check::Options::default()
    };
    let found = catch_unwind(AssertUnwindSafe(|| check::model_with(explore, lost_update)));
    assert!(
        found.is_err(),
        "500 PCT schedules did not find the lost update"
    );
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .expect("shuttle wrote the failing schedule");
    for _ in 0..3 {
        let replay = check::Options {
            replay: Some(file.display().to_string()),
            ..check::Options::default()
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            check::model_with(replay, lost_update);
        }));
        let payload = r.expect_err("the replayed schedule fails again");
        let msg = check::panic_message(&*payload).unwrap_or_default();
        assert!(msg.contains("an update was lost"), "{msg}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
