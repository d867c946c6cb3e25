//! The linearizability checker against hand-written histories: each specification accepts
//! the histories its primitive may produce and rejects the ones it may not.

use hbsync::context::ContextError;
use hbsync::spec::{
    ChanOp as C, ChanRet as R, ChanSpec, ContextOp, ContextRet, ContextSpec, MutexOp, MutexRet,
    MutexSpec, OnceOp, OnceRet, OnceSpec, SelectOp, SelectRet, SelectSpec, Sequential, WaitGroupOp,
    WaitGroupSpec,
};
use hbsync_conformance::lin::{check, Event, Outcome};

/// An event of thread `t`, called at `call`, returned at `ret_at`.
fn ev<O, Q>(t: usize, op: O, ret: Q, call: u64, ret_at: u64) -> Event<O, Q> {
    Event {
        thread: t,
        op,
        ret,
        call,
        ret_at,
    }
}

fn ok<S: Sequential>(spec: S, h: &[Event<S::Op, S::Ret>]) {
    let out = check(&spec, h);
    assert!(out.is_linearizable(), "expected linearizable, got {out:?}");
}

fn not<S: Sequential>(spec: S, h: &[Event<S::Op, S::Ret>]) {
    let out = check(&spec, h);
    assert!(
        matches!(out, Outcome::NotLinearizable(_)),
        "expected a violation, got {out:?}"
    );
}

#[test]
fn buffered_fifo() {
    let spec = || ChanSpec::<u64>::new(Some(2));
    // Overlapping sends may take effect in either order.
    ok(
        spec(),
        &[
            ev(0, C::Send(1), R::Sent, 0, 3),
            ev(1, C::Send(2), R::Sent, 1, 2),
            ev(2, C::TryRecv, R::Got(2), 4, 5),
            ev(2, C::TryRecv, R::Got(1), 6, 7),
        ],
    );
    // Sequential sends may not.
    not(
        spec(),
        &[
            ev(0, C::Send(1), R::Sent, 0, 1),
            ev(1, C::Send(2), R::Sent, 2, 3),
            ev(2, C::TryRecv, R::Got(2), 4, 5),
        ],
    );
    // A third try_send into a full channel is Full, not Sent.
    not(
        spec(),
        &[
            ev(0, C::TrySend(1), R::Sent, 0, 1),
            ev(0, C::TrySend(2), R::Sent, 2, 3),
            ev(0, C::TrySend(3), R::Sent, 4, 5),
        ],
    );
    // A blocking send into a full channel completes once a receive makes room.
    ok(
        spec(),
        &[
            ev(0, C::TrySend(1), R::Sent, 0, 1),
            ev(0, C::TrySend(2), R::Sent, 2, 3),
            ev(0, C::Send(3), R::Sent, 4, 9),
            ev(1, C::Recv, R::Got(1), 5, 6),
        ],
    );
}

#[test]
fn close_drains_first() {
    let spec = || ChanSpec::<u64>::new(Some(2));
    ok(
        spec(),
        &[
            ev(0, C::TrySend(1), R::Sent, 0, 1),
            ev(0, C::Close, R::Closing(true), 2, 3),
            ev(1, C::Recv, R::Got(1), 4, 5),
            ev(1, C::Recv, R::Closed, 6, 7),
            ev(0, C::Close, R::Closing(false), 8, 9),
        ],
    );
    // A receive that reports closed while a value is buffered: the value was lost.
    not(
        spec(),
        &[
            ev(0, C::TrySend(1), R::Sent, 0, 1),
            ev(0, C::Close, R::Closing(true), 2, 3),
            ev(1, C::TryRecv, R::Closed, 4, 5),
        ],
    );
}

#[test]
fn rendezvous_meets_its_partner() {
    let spec = || ChanSpec::<u64>::new(Some(0));
    // Overlapping send and receive meet.
    ok(
        spec(),
        &[
            ev(0, C::Send(7), R::Sent, 0, 3),
            ev(1, C::Recv, R::Got(7), 1, 2),
        ],
    );
    // A send that completed before any receiver came: a rendezvous does not buffer.
    not(
        spec(),
        &[
            ev(0, C::Send(7), R::Sent, 0, 1),
            ev(1, C::Recv, R::Got(7), 2, 3),
        ],
    );
    // try_send succeeds only on a waiting receiver, and then gives it the value.
    ok(
        spec(),
        &[
            ev(1, C::Recv, R::Got(7), 0, 3),
            ev(0, C::TrySend(7), R::Sent, 1, 2),
        ],
    );
    not(spec(), &[ev(0, C::TrySend(7), R::Sent, 0, 1)]);
    // A waiting receiver means a try_send cannot be Full throughout.
    ok(
        spec(),
        &[
            ev(1, C::RecvTimeout, R::Timeout, 0, 3),
            ev(0, C::TrySend(7), R::Full, 1, 2),
        ],
    );
    // A receiver that was met must return what it was handed.
    not(
        spec(),
        &[
            ev(0, C::Send(7), R::Sent, 0, 3),
            ev(1, C::Recv, R::Got(8), 1, 2),
        ],
    );
    // Parties met in pairs: two receivers cannot both get the one value sent.
    not(
        spec(),
        &[
            ev(0, C::SendTimeout(7), R::Sent, 0, 5),
            ev(1, C::RecvTimeout, R::Got(7), 1, 4),
            ev(2, C::Recv, R::Got(7), 2, 3),
        ],
    );
    // A blocked sender fails once the channel is closed.
    ok(
        spec(),
        &[
            ev(0, C::Send(7), R::Closed, 0, 3),
            ev(1, C::Close, R::Closing(true), 1, 2),
        ],
    );
}

#[test]
fn nonblocking_select_is_one_snapshot() {
    let spec = || SelectSpec::<u64>::new(2, Some(1));
    let sel = || SelectOp::TryRecvAny(vec![0, 1]);
    // Default while channel 1 holds a value throughout: not linearizable.
    not(
        spec(),
        &[
            ev(
                0,
                SelectOp::On(1, C::TrySend(5)),
                SelectRet::On(R::Sent),
                0,
                1,
            ),
            ev(1, sel(), SelectRet::Default, 2, 3),
        ],
    );
    // Default overlapping the send: it may take effect first.
    ok(
        spec(),
        &[
            ev(
                0,
                SelectOp::On(1, C::TrySend(5)),
                SelectRet::On(R::Sent),
                0,
                3,
            ),
            ev(1, sel(), SelectRet::Default, 1, 2),
        ],
    );
    ok(
        spec(),
        &[
            ev(
                0,
                SelectOp::On(1, C::TrySend(5)),
                SelectRet::On(R::Sent),
                0,
                1,
            ),
            ev(1, sel(), SelectRet::Took(1, Some(5)), 2, 3),
        ],
    );
}

#[test]
fn mutex_excludes() {
    use MutexOp::*;
    ok(
        MutexSpec::default(),
        &[
            ev(0, Lock(0), MutexRet::Done, 0, 1),
            ev(1, TryLock(1), MutexRet::Took(false), 2, 3),
            ev(0, Unlock(0), MutexRet::Done, 4, 5),
            ev(1, Lock(1), MutexRet::Done, 3, 6),
        ],
    );
    // Two holders at once.
    not(
        MutexSpec::default(),
        &[
            ev(0, Lock(0), MutexRet::Done, 0, 1),
            ev(1, Lock(1), MutexRet::Done, 2, 3),
            ev(0, Unlock(0), MutexRet::Done, 4, 5),
        ],
    );
}

#[test]
fn waitgroup_waits_for_zero() {
    use WaitGroupOp::*;
    ok(
        WaitGroupSpec::default(),
        &[
            ev(0, Add(1), (), 0, 1),
            ev(1, Wait, (), 2, 5),
            ev(0, Done, (), 3, 4),
        ],
    );
    // wait returned before the done that brings the counter to zero was called.
    not(
        WaitGroupSpec::default(),
        &[
            ev(0, Add(1), (), 0, 1),
            ev(1, Wait, (), 2, 3),
            ev(0, Done, (), 4, 5),
        ],
    );
}

#[test]
fn once_runs_once() {
    ok(
        OnceSpec::default(),
        &[
            ev(0, OnceOp::CallOnce, OnceRet::Ran(true), 0, 3),
            ev(1, OnceOp::CallOnce, OnceRet::Ran(false), 1, 4),
            ev(1, OnceOp::IsDone, OnceRet::Done(true), 5, 6),
        ],
    );
    not(
        OnceSpec::default(),
        &[
            ev(0, OnceOp::CallOnce, OnceRet::Ran(true), 0, 3),
            ev(1, OnceOp::CallOnce, OnceRet::Ran(true), 1, 4),
        ],
    );
    // A call that did not run f returned before f's call began.
    not(
        OnceSpec::default(),
        &[
            ev(1, OnceOp::CallOnce, OnceRet::Ran(false), 0, 1),
            ev(0, OnceOp::CallOnce, OnceRet::Ran(true), 2, 3),
        ],
    );
}

#[test]
fn context_cancellation_reaches_descendants() {
    let spec = || ContextSpec::new(vec![None, Some(0)]);
    let canceled = Some(ContextError::Canceled);
    ok(
        spec(),
        &[
            ev(0, ContextOp::Cancel(0, 7), ContextRet::Canceled, 0, 1),
            ev(1, ContextOp::Err(1), ContextRet::Err(canceled), 2, 3),
            ev(1, ContextOp::Cause(1), ContextRet::Cause(Some(7)), 4, 5),
            ev(1, ContextOp::WaitDone(1), ContextRet::Done(true), 6, 7),
        ],
    );
    // The child still not canceled after its parent's cancel returned.
    not(
        spec(),
        &[
            ev(0, ContextOp::Cancel(0, 7), ContextRet::Canceled, 0, 1),
            ev(1, ContextOp::Err(1), ContextRet::Err(None), 2, 3),
        ],
    );
    // The first cause sticks.
    not(
        spec(),
        &[
            ev(0, ContextOp::Cancel(1, 1), ContextRet::Canceled, 0, 1),
            ev(0, ContextOp::Cancel(0, 7), ContextRet::Canceled, 2, 3),
            ev(1, ContextOp::Cause(1), ContextRet::Cause(Some(7)), 4, 5),
        ],
    );
}
