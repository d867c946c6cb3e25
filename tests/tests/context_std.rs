//! `hbsync::context` in std builds, following Go's context/context_test.go and x_test.go
//! (each test names its source), plus edge cases.
#![cfg(not(any(loom, shuttle)))]

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use hbsync::context::{Cause, Context, ContextError, Key};
use hbsync::{chan, select};

const MS: Duration = Duration::from_millis(1);

fn is_done(ctx: &Context) -> bool {
    ctx.done().try_recv().is_err_and(|e| e.is_closed())
}

/// x_test.go TestBackground: never done, no deadline, no error.
#[test]
fn background() {
    let c = Context::background();
    assert_eq!(c.err(), None);
    assert!(c.cause().is_none());
    assert_eq!(c.deadline(), None);
    assert!(!is_done(&c));
    assert!(c.done().recv_timeout(5 * MS).unwrap_err().is_timeout());
}

/// x_test.go TestWithCancel: cancelling the root cancels both children; err is Canceled.
#[test]
fn with_cancel_cancels_descendants() {
    let (c1, cancel) = Context::background().with_cancel();
    let (c2, _c2_cancel) = c1.with_cancel();
    let c3 = c1.with_value(K1, "v");
    let contexts = [&c1, &c2, &c3];
    for c in contexts {
        assert!(!is_done(c), "done too early");
        assert_eq!(c.err(), None);
    }
    cancel.cancel();
    for c in contexts {
        assert!(c
            .done()
            .recv_timeout(Duration::from_secs(1))
            .is_err_and(|e| e.is_closed()));
        assert_eq!(c.err(), Some(ContextError::Canceled));
        assert_eq!(c.err().unwrap().to_string(), "context canceled");
    }
}

/// x_test.go TestParentFinishesChild / TestChildFinishesFirst: a child's cancel never
/// reaches the parent; the parent's cancel reaches every child.
#[test]
fn child_cancel_never_reaches_parent() {
    let (parent, cancel_parent) = Context::background().with_cancel();
    let (child, cancel_child) = parent.with_cancel();
    cancel_child.cancel();
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(parent.err(), None);
    assert!(!is_done(&parent));
    cancel_parent.cancel();
    assert_eq!(parent.err(), Some(ContextError::Canceled));
}

/// The first cancel wins and is sticky: err and cause never change after.
#[test]
fn first_cancel_wins() {
    let (ctx, cancel) = Context::background().with_cancel_cause();
    cancel.cancel(Arc::new(std::io::Error::other("first")));
    cancel.cancel(std::io::Error::other("second"));
    assert_eq!(ctx.cause().unwrap().to_string(), "first");
    // A deadline firing later does not change it either.
    let (child, _c) = ctx.with_timeout(MS);
    thread::sleep(5 * MS);
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(child.cause().unwrap().to_string(), "first");
}

/// x_test.go TestWithCancelCanceledParent: a child of a canceled parent is born canceled,
/// with the parent's cause.
#[test]
fn child_of_canceled_parent_is_born_canceled() {
    let (parent, cancel) = Context::background().with_cancel_cause();
    cancel.cancel(Arc::new(std::io::Error::other("gone")));
    let (child, _c) = parent.with_cancel();
    assert!(is_done(&child));
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(child.cause().unwrap().to_string(), "gone");
    let (child2, _c) = parent.with_timeout(Duration::from_secs(60));
    assert_eq!(child2.err(), Some(ContextError::Canceled));
}

/// x_test.go TestDeadline / TestTimeout: done within a bound after the deadline, err is
/// DeadlineExceeded, and a child's deadline is never later than its parent's.
#[test]
fn deadline_and_timeout() {
    let start = Instant::now();
    let (c, _cancel) = Context::background().with_deadline(start + 20 * MS);
    assert_eq!(c.deadline(), Some(start + 20 * MS));
    assert_eq!(c.wait(), ContextError::DeadlineExceeded);
    assert!(start.elapsed() >= 20 * MS);
    assert_eq!(c.err().unwrap().to_string(), "context deadline exceeded");

    let (parent, _p) = Context::background().with_timeout(30 * MS);
    let (child, _c) = parent.with_timeout(Duration::from_secs(3600));
    assert_eq!(
        child.deadline(),
        parent.deadline(),
        "child deadline later than parent's"
    );
    let (earlier, _e) = parent.with_timeout(MS);
    assert!(earlier.deadline() < parent.deadline());
    assert_eq!(child.wait(), ContextError::DeadlineExceeded);
}

/// x_test.go TestCanceledTimeout: cancelling before the timeout gives Canceled.
#[test]
fn canceled_before_timeout() {
    let (c, cancel) = Context::background().with_timeout(Duration::from_secs(1));
    let (child, _o) = c.with_cancel();
    cancel.cancel();
    assert_eq!(child.wait(), ContextError::Canceled);
}

/// Zero and past deadlines cancel at once.
#[test]
fn zero_and_negative_timeouts() {
    let (c, _x) = Context::background().with_timeout(Duration::ZERO);
    assert_eq!(c.err(), Some(ContextError::DeadlineExceeded));
    assert!(is_done(&c));
    let past = Instant::now() - Duration::from_secs(1);
    let (c, _x) = Context::background().with_deadline(past);
    assert_eq!(c.err(), Some(ContextError::DeadlineExceeded));
    // A timeout too large to represent means no deadline of its own.
    let (c, _x) = Context::background().with_timeout(Duration::MAX);
    assert_eq!(c.deadline(), None);
    assert_eq!(c.err(), None);
}

struct K1;
impl Key for K1 {
    type Value = &'static str;
}
struct K2;
impl Key for K2 {
    type Value = u64;
}

/// x_test.go TestValues: nearest value wins; other keys pass through; keys are types.
#[test]
fn values() {
    let c0 = Context::background();
    assert_eq!(c0.value(K1), None);
    let c1 = c0.with_value(K1, "c1k1");
    let c2 = c1.with_value(K2, 2);
    let c3 = c2.with_value(K1, "c3k1");
    let (c4, _cancel) = c3.with_cancel();
    assert_eq!(c1.value(K1), Some(&"c1k1"));
    assert_eq!(c1.value(K2), None);
    assert_eq!(c2.value(K1), Some(&"c1k1"));
    assert_eq!(c2.value(K2), Some(&2));
    assert_eq!(c4.value(K1), Some(&"c3k1"), "nearest value wins");
    assert_eq!(c4.value(K2), Some(&2));
}

/// x_test.go TestWithoutCancel: keeps values, drops cancellation and deadline.
#[test]
fn without_cancel() {
    let (c, cancel) = Context::background().with_value(K2, 7).with_timeout(MS);
    let detached = c.without_cancel();
    cancel.cancel();
    assert!(is_done(&c));
    assert_eq!(detached.err(), None);
    assert_eq!(detached.deadline(), None);
    assert_eq!(detached.value(K2), Some(&7));
    assert!(!is_done(&detached));
}

/// x_test.go TestCause: the cause is the given one, else the error itself; deadline causes.
#[test]
fn causes() {
    let (c, cancel) = Context::background().with_cancel();
    assert!(c.cause().is_none());
    cancel.cancel();
    assert_eq!(c.cause().unwrap().to_string(), "context canceled");

    let why: Cause = Arc::new(std::io::Error::other("too slow"));
    let (c, _x) = Context::background().with_timeout_cause(MS, why);
    assert_eq!(c.wait(), ContextError::DeadlineExceeded);
    assert_eq!(c.cause().unwrap().to_string(), "too slow");

    let (c, _x) = Context::background().with_timeout(MS);
    c.wait();
    assert_eq!(c.cause().unwrap().to_string(), "context deadline exceeded");
}

/// x_test.go TestAfterFuncCalledAfterCancel / NotCalledAfterStop / CalledImmediately.
#[test]
fn after_func() {
    let (ctx, cancel) = Context::background().with_cancel();
    let (tx, rx) = chan::unbounded();
    let t1 = tx.clone();
    let _keep = ctx.after_func(move || t1.send("called").unwrap());
    let t2 = tx.clone();
    let stopped = ctx.after_func(move || t2.send("stopped one ran").unwrap());
    assert!(stopped.stop(), "stop before cancel prevents the call");
    assert!(!stopped.stop(), "second stop reports nothing to prevent");
    assert!(rx.recv_timeout(5 * MS).is_err(), "called before cancel");
    cancel.cancel();
    assert_eq!(rx.recv_timeout(Duration::from_secs(1)), Ok("called"));
    assert!(rx.recv_timeout(5 * MS).is_err(), "stopped func ran");
    // Already canceled: runs at once (on its own task); stop cannot prevent it.
    let t3 = tx.clone();
    let late = ctx.after_func(move || t3.send("immediate").unwrap());
    assert!(!late.stop());
    assert_eq!(rx.recv_timeout(Duration::from_secs(1)), Ok("immediate"));
    // Never-canceled contexts never run it.
    let bg = Context::background().after_func(|| unreachable!());
    assert!(bg.stop());
}

/// x_test.go TestAfterFuncCalledAsynchronously: f runs on its own task, so it may block
/// on something the canceller does afterwards.
#[test]
fn after_func_runs_asynchronously() {
    let (ctx, cancel) = Context::background().with_cancel();
    let (tx, rx) = chan::bounded::<()>(0);
    let (done_tx, done_rx) = chan::bounded::<()>(1);
    let _s = ctx.after_func(move || {
        rx.recv().unwrap();
        done_tx.send(()).unwrap();
    });
    cancel.cancel(); // must not block on f
    tx.send(()).unwrap();
    done_rx.recv().unwrap();
}

/// `done()` in select!, as a blocking wait, and as a future.
#[test]
fn done_in_select_blocking_and_async() {
    let (ctx, cancel) = Context::background().with_cancel();
    let (_jobs_tx, jobs) = chan::bounded::<u32>(0);
    let c = ctx.clone();
    let worker = thread::spawn(move || {
        select! {
            recv(jobs) -> _ => unreachable!(),
            recv(c.done()) -> r => assert!(r.is_err()),
        }
        c.err()
    });
    thread::sleep(2 * MS);
    cancel.cancel();
    assert_eq!(worker.join().unwrap(), Some(ContextError::Canceled));
    let (ctx2, cancel2) = Context::background().with_cancel();
    let waiter = thread::spawn(move || hbsync::check::block_on(ctx2.wait_async()));
    cancel2.cancel();
    assert_eq!(waiter.join().unwrap(), ContextError::Canceled);
    drop(ctx);
}

/// Deep chains: cancelling the root of a 1,000-deep chain reaches the leaf.
#[test]
fn deep_chain() {
    let (root, cancel) = Context::background().with_cancel();
    let mut ctx = root.clone();
    let mut keep = Vec::new();
    for i in 0..1000 {
        let (c, f) = if i % 2 == 0 {
            ctx.with_cancel()
        } else {
            ctx.with_timeout(Duration::from_secs(3600))
        };
        keep.push(f);
        ctx = c.with_value(K2, i);
    }
    assert_eq!(ctx.value(K2), Some(&999));
    cancel.cancel();
    assert_eq!(ctx.wait(), ContextError::Canceled);
}

/// 10,000 children: all observe the root's cancel.
#[test]
fn ten_thousand_children() {
    let (root, cancel) = Context::background().with_cancel();
    let children: Vec<_> = (0..10_000).map(|_| root.with_cancel()).collect();
    cancel.cancel();
    for (c, _) in &children {
        assert!(is_done(c));
        assert_eq!(c.err(), Some(ContextError::Canceled));
    }
}

/// No leak (Go's lostcancel): children that are dropped without cancel, or cancelled, leave
/// no registration in their parent (`Debug` shows the live count); children alive are
/// registered.
#[test]
fn dropped_children_leave_no_registration() {
    let (root, cancel) = Context::background().with_cancel();
    for i in 0..100_000 {
        let (child, c) = root.with_cancel();
        if i % 2 == 0 {
            c.cancel();
        }
        drop(child);
    }
    assert_eq!(registrations(&root), 0, "registrations leaked");
    let alive: Vec<_> = (0..3)
        .map(|_| root.with_timeout(Duration::from_secs(60)))
        .collect();
    assert_eq!(registrations(&root), 3);
    drop(alive);
    assert_eq!(registrations(&root), 0);
    cancel.cancel();
}

/// The live child registrations of `ctx`, from its `Debug` output.
fn registrations(ctx: &Context) -> usize {
    let s = format!("{ctx:?}");
    let at = s.find("children: ").expect("Debug shows children") + "children: ".len();
    s[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// x_test.go TestDeadlineExceededSupportsTimeout.
#[test]
fn deadline_exceeded_is_a_timeout() {
    assert!(ContextError::DeadlineExceeded.is_timeout());
    assert!(!ContextError::Canceled.is_timeout());
}

/// x_test.go testLayers (TestLayersCancel / TestLayersTimeout), made deterministic: 30
/// layers cycling through WithValue, WithCancel and WithTimeout; every value stays visible
/// at the leaf; cancelling (or the timeout of) an inner layer ends exactly that layer and the
/// ones below it.
#[test]
fn layers() {
    struct Layer;
    impl Key for Layer {
        type Value = usize;
    }
    for timeout_layer in [false, true] {
        let mut ctx = Context::background();
        let mut cancels = Vec::new();
        let mut layers = Vec::new();
        for i in 0..30 {
            match i % 3 {
                0 => ctx = ctx.with_value(Layer, i),
                1 => {
                    let (c, f) = ctx.with_cancel();
                    cancels.push((i, f));
                    ctx = c;
                }
                _ => {
                    let t = if timeout_layer && i == 14 {
                        50 * MS
                    } else {
                        Duration::from_secs(3600)
                    };
                    let (c, f) = ctx.with_timeout(t);
                    cancels.push((i, f));
                    ctx = c;
                }
            }
            layers.push(ctx.clone());
        }
        assert_eq!(ctx.value(Layer), Some(&27), "the nearest value layer wins");
        for (i, l) in layers.iter().enumerate() {
            assert_eq!(l.err(), None, "layer {i} ended early");
        }
        let cut = if timeout_layer {
            assert_eq!(layers[14].wait(), ContextError::DeadlineExceeded);
            14
        } else {
            let (i, f) = &cancels[cancels.len() / 2];
            f.cancel();
            *i
        };
        for (i, l) in layers.iter().enumerate() {
            let want = if i < cut {
                None
            } else if timeout_layer {
                Some(ContextError::DeadlineExceeded)
            } else {
                Some(ContextError::Canceled)
            };
            assert_eq!(l.err(), want, "layer {i} (cut at {cut})");
        }
    }
}

/// x_test.go TestWithCancelSimultaneouslyCanceledParent: children created while the parent
/// is cancelled on another thread all end cancelled.
#[test]
fn children_created_during_parent_cancel() {
    for _ in 0..200 {
        let (parent, cancel) = Context::background().with_cancel();
        let p = parent.clone();
        let maker = thread::spawn(move || (0..50).map(|_| p.with_cancel()).collect::<Vec<_>>());
        cancel.cancel();
        for (child, _) in maker.join().unwrap() {
            assert_eq!(child.wait(), ContextError::Canceled);
        }
    }
}

/// A child's slot in its parent is reused once the child leaves it, and a scope leaves its
/// parent twice (at its own cancel, and at its drop): the second leaving must not remove
/// the child that reused the slot, which the parent's cancel must still reach.
#[test]
fn a_reused_child_slot_stays_registered() {
    let (root, cancel) = Context::background().with_cancel();
    let (a, cancel_a) = root.with_cancel();
    cancel_a.cancel(); // `a` leaves its slot
    let (b, _cancel_b) = root.with_cancel(); // `b` takes it
    drop(cancel_a);
    drop(a); // `a`'s drop leaves again: `b` must stay
    assert_eq!(registrations(&root), 1);
    cancel.cancel();
    assert_eq!(b.err(), Some(ContextError::Canceled));
    assert!(is_done(&b));
}

/// Slots are reused: a parent whose children come and go keeps as many slots as were ever
/// alive at once, and its cancel reaches exactly the live ones, in any mix of leaves and
/// scopes that hold something (a done channel, an after-func, a child, a deadline).
#[test]
fn children_come_and_go_and_the_cancel_reaches_the_live_ones() {
    let (root, cancel) = Context::background().with_cancel();
    let mut live = Vec::new();
    for i in 0..1000 {
        let child = match i % 4 {
            0 => root.with_cancel(),
            1 => {
                let c = root.with_cancel();
                let _ = c.0.done(); // holds a done channel
                c
            }
            2 => {
                let c = root.with_cancel();
                let grandchild = c.0.with_cancel();
                live.push(grandchild);
                c
            }
            _ => root.with_timeout(Duration::from_secs(60)),
        };
        if i % 3 == 0 {
            live.push(child);
        }
    }
    // Kept: every third child, and every child whose grandchild is kept (the grandchild's
    // context holds its parent).
    let kept = (0..1000).filter(|i| i % 3 == 0 || i % 4 == 2).count();
    assert_eq!(
        registrations(&root),
        kept,
        "only the kept children stay registered"
    );
    cancel.cancel();
    for (c, _) in &live {
        assert_eq!(c.err(), Some(ContextError::Canceled));
        assert!(is_done(c));
    }
}

/// A scope that holds nothing is canceled without its lock; what is added to it afterwards
/// sees the cancel: a done channel is closed at birth, an after-func starts at once, a
/// child is born canceled, and the cause is the error itself.
#[test]
fn things_added_after_a_lock_free_cancel_see_it() {
    let (ctx, cancel) = Context::background().with_cancel();
    cancel.cancel(); // ctx holds nothing: the lock-free path
    assert_eq!(ctx.err(), Some(ContextError::Canceled));
    assert!(is_done(&ctx));
    let (tx, ran) = chan::bounded(1);
    let f = ctx.after_func(move || tx.send(()).unwrap());
    assert_eq!(ran.recv_timeout(Duration::from_secs(10)), Ok(()));
    assert!(!f.stop(), "already started");
    let (child, _c) = ctx.with_cancel();
    assert_eq!(child.err(), Some(ContextError::Canceled));
    assert_eq!(ctx.cause().unwrap().to_string(), "context canceled");
    assert_eq!(child.cause().unwrap().to_string(), "context canceled");
}

/// A cancel with a cause reaches leaves with the cause (they take the locked path for it),
/// and a later cancel with another cause changes nothing, leaf or not.
#[test]
fn a_cause_reaches_every_leaf_and_the_first_cancel_wins() {
    let (root, cancel) = Context::background().with_cancel_cause();
    let leaves: Vec<_> = (0..100).map(|_| root.with_cancel_cause()).collect();
    let (early, early_cancel) = root.with_cancel_cause();
    early_cancel.cancel(Arc::new(std::io::Error::other("early")));
    cancel.cancel(Arc::new(std::io::Error::other("root")));
    for (leaf, again) in &leaves {
        again.cancel(Arc::new(std::io::Error::other("late")));
        assert_eq!(leaf.cause().unwrap().to_string(), "root");
    }
    assert_eq!(early.cause().unwrap().to_string(), "early");
    // A leaf canceled first, without a cause (lock-free), keeps the plain error when its
    // parent is canceled later with a cause.
    let (parent, parent_cancel) = Context::background().with_cancel_cause();
    let (leaf, leaf_cancel) = parent.with_cancel();
    leaf_cancel.cancel();
    parent_cancel.cancel(Arc::new(std::io::Error::other("late")));
    assert_eq!(leaf.cause().unwrap().to_string(), "context canceled");
    assert_eq!(parent.cause().unwrap().to_string(), "late");
}

/// A scope with one child is walked without a walk list, whichever slot the child is in:
/// slot 0, or a later one after slot 0 was left.
#[test]
fn a_single_child_in_any_slot_is_reached() {
    let (root, cancel) = Context::background().with_cancel();
    let first = root.with_cancel();
    let (second, _c) = root.with_cancel();
    drop(first); // slot 0 is left; the one child is in slot 1
    let (grandchild, _g) = second.with_cancel(); // `second` has one child, in slot 0
    assert_eq!(registrations(&root), 1);
    cancel.cancel();
    assert!(is_done(&second) && is_done(&grandchild));
    assert_eq!(grandchild.err(), Some(ContextError::Canceled));
}
