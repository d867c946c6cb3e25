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
            // SeqCst: the bug is the read-then-write, not the ordering.
            let v = n.load(Ordering::SeqCst);
            thread::yield_now();
            n.store(v + 1, Ordering::SeqCst);
        }
    };
    let t = thread::spawn(bump(n.clone()));
    bump(n.clone())();
    t.join().unwrap();
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
    let runs = std::sync::atomic::AtomicUsize::new(0);
    for _ in 0..3 {
        let replay = check::Options {
            replay: Some(file.display().to_string()),
            ..check::Options::default()
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            check::model_with(replay, lost_update);
        }));
        let msg = r.expect_err("the replayed schedule fails again");
        let msg = msg
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| msg.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert!(msg.contains("an update was lost"), "{msg}");
        runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    assert_eq!(runs.into_inner(), 3);
    let _ = std::fs::remove_dir_all(&dir);
}
