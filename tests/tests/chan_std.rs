//! std-mode behaviour of channels: every operation, every error path, every misuse.
#![cfg(not(any(loom, shuttle)))]

use std::thread;
use std::time::{Duration, Instant};

use hbsync::chan::{
    bounded, unbounded, RecvError, RecvTimeoutError, SendError, SendTimeoutError, TryRecvError,
    TrySendError,
};

#[test]
fn rendezvous_send_waits_for_receiver() {
    let (tx, rx) = bounded::<i32>(0);
    assert_eq!(tx.try_send(1), Err(TrySendError::Full(1)));
    let t = thread::spawn(move || rx.recv());
    tx.send(5).unwrap();
    assert_eq!(t.join().unwrap(), Ok(5));
}

#[test]
fn buffered_fifo_and_capacity() {
    let (tx, rx) = bounded(3);
    for i in 0..3 {
        tx.try_send(i).unwrap();
    }
    assert!(tx.is_full());
    assert_eq!(tx.try_send(9), Err(TrySendError::Full(9)));
    assert_eq!((rx.len(), rx.capacity()), (3, Some(3)));
    assert_eq!(rx.try_iter().collect::<Vec<_>>(), vec![0, 1, 2]);
    assert!(rx.is_empty());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn unbounded_never_full() {
    let (tx, rx) = unbounded();
    for i in 0..10_000 {
        tx.try_send(i).unwrap();
    }
    assert!(!tx.is_full());
    assert_eq!(tx.capacity(), None);
    assert_eq!(rx.iter().take(10_000).sum::<i32>(), (0..10_000).sum());
}

#[test]
fn close_drains_buffer_then_reports_closed() {
    let (tx, rx) = bounded(2);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert!(tx.close());
    assert!(!tx.close(), "second close reports false, no panic");
    assert!(rx.is_closed());
    assert_eq!(tx.send(3), Err(SendError(3)));
    assert_eq!(tx.try_send(4), Err(TrySendError::Closed(4)));
    assert_eq!(rx.recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.recv(), Err(RecvError));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(1)),
        Err(RecvTimeoutError::Closed)
    );
}

#[test]
fn last_sender_drop_closes_and_ends_iteration() {
    let (tx, rx) = bounded(0);
    let tx2 = tx.clone();
    let t = thread::spawn(move || {
        tx.send(1).unwrap();
        tx2.send(2).unwrap();
    });
    let got: Vec<i32> = rx.iter().collect();
    assert_eq!(got, vec![1, 2]);
    t.join().unwrap();
    assert!(rx.is_closed());
}

#[test]
fn last_receiver_drop_fails_sends_and_returns_values() {
    let (tx, rx) = bounded::<String>(0);
    let t = thread::spawn(move || tx.send("blocked".to_string()));
    thread::sleep(Duration::from_millis(20));
    drop(rx);
    assert_eq!(t.join().unwrap(), Err(SendError("blocked".to_string())));
}

#[test]
fn close_wakes_blocked_receivers_and_senders() {
    let (tx, rx) = bounded::<u8>(0);
    let rxs: Vec<_> = (0..3)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || rx.recv())
        })
        .collect();
    thread::sleep(Duration::from_millis(20));
    tx.close();
    for r in rxs {
        assert_eq!(r.join().unwrap(), Err(RecvError));
    }
    let (tx, _rx) = bounded::<u8>(0);
    let tx2 = tx.clone();
    let s = thread::spawn(move || tx2.send(7));
    thread::sleep(Duration::from_millis(20));
    tx.close();
    assert_eq!(s.join().unwrap(), Err(SendError(7)));
}

#[test]
fn timeouts_give_value_back() {
    let (tx, rx) = bounded::<u32>(0);
    let start = Instant::now();
    assert_eq!(
        tx.send_timeout(3, Duration::from_millis(30)),
        Err(SendTimeoutError::Timeout(3))
    );
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(10)),
        Err(RecvTimeoutError::Timeout)
    );
    assert_eq!(
        tx.send_deadline(4, Instant::now()),
        Err(SendTimeoutError::Timeout(4))
    );
    assert_eq!(
        rx.recv_deadline(Instant::now() - Duration::from_millis(1)),
        Err(RecvTimeoutError::Timeout)
    );
    // A huge timeout does not overflow: it means "no deadline".
    let t = thread::spawn(move || rx.recv_timeout(Duration::MAX));
    tx.send(1).unwrap();
    assert_eq!(t.join().unwrap(), Ok(1));
}

#[test]
fn timeout_then_success() {
    let (tx, rx) = bounded::<u32>(0);
    let t = thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        tx.send(8).unwrap();
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(8));
    t.join().unwrap();
}

#[test]
fn past_deadline_still_tries_once() {
    let (tx, rx) = bounded(1);
    assert_eq!(
        tx.send_deadline(1, Instant::now() - Duration::from_secs(1)),
        Ok(())
    );
    assert_eq!(
        rx.recv_deadline(Instant::now() - Duration::from_secs(1)),
        Ok(1)
    );
}

#[test]
fn errors_read_like_go_and_give_values_back() {
    assert_eq!(SendError(1).to_string(), "send on closed channel");
    assert_eq!(TrySendError::Full(1).to_string(), "send on full channel");
    assert_eq!(
        TrySendError::Closed(1).to_string(),
        "send on closed channel"
    );
    assert_eq!(SendTimeoutError::Timeout(1).to_string(), "send timed out");
    assert_eq!(RecvError.to_string(), "receive from closed channel");
    assert_eq!(
        TryRecvError::Empty.to_string(),
        "receive from empty channel"
    );
    assert_eq!(RecvTimeoutError::Timeout.to_string(), "receive timed out");
    assert_eq!(SendError(vec![1]).into_inner(), vec![1]);
    assert_eq!(TrySendError::Full(2).into_inner(), 2);
    assert_eq!(SendTimeoutError::Closed(3).into_inner(), 3);
    assert!(TrySendError::Full(()).is_full() && TrySendError::Closed(()).is_closed());
    assert!(SendTimeoutError::Timeout(()).is_timeout() && SendTimeoutError::Closed(()).is_closed());
    assert!(TryRecvError::Empty.is_empty() && TryRecvError::Closed.is_closed());
    assert!(RecvTimeoutError::Timeout.is_timeout() && RecvTimeoutError::Closed.is_closed());
    // Debug never needs T: Debug.
    struct Opaque;
    assert_eq!(format!("{:?}", SendError(Opaque)), "SendError(..)");
    assert_eq!(format!("{:?}", TrySendError::Full(Opaque)), "Full(..)");
    let e: TrySendError<i32> = SendError(5).into();
    assert_eq!(e, TrySendError::Closed(5));
    let e: RecvTimeoutError = RecvError.into();
    assert_eq!(e, RecvTimeoutError::Closed);
    fn is_error<E: std::error::Error>(_: &E) {}
    is_error(&SendError(Opaque));
    is_error(&RecvError);
}

#[test]
fn debug_shows_state() {
    let (tx, rx) = bounded::<u8>(2);
    tx.send(1).unwrap();
    assert_eq!(
        format!("{tx:?}"),
        "Sender { len: 1, capacity: Some(2), closed: false }"
    );
    assert_eq!(
        format!("{rx:?}"),
        "Receiver { len: 1, capacity: Some(2), closed: false }"
    );
}

#[test]
fn into_iter_owned_and_borrowed() {
    let (tx, rx) = bounded(4);
    for i in 0..4 {
        tx.send(i).unwrap();
    }
    drop(tx);
    let mut seen = Vec::new();
    for v in &rx {
        seen.push(v);
        if seen.len() == 2 {
            break;
        }
    }
    seen.extend(rx);
    assert_eq!(seen, vec![0, 1, 2, 3]);
}

#[test]
fn nothing_lost_when_values_are_dropped_with_the_channel() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = bounded(3);
    for _ in 0..3 {
        tx.send(Counted(drops.clone())).unwrap();
    }
    let back = tx
        .try_send(Counted(drops.clone()))
        .unwrap_err()
        .into_inner();
    drop(back);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop((tx, rx));
    assert_eq!(
        drops.load(Ordering::SeqCst),
        4,
        "buffered values are dropped with the channel"
    );
}

#[test]
fn per_sender_fifo_mpmc() {
    let (tx, rx) = bounded::<(usize, usize)>(4);
    let senders: Vec<_> = (0..3)
        .map(|s| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..2000 {
                    tx.send((s, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let receivers: Vec<_> = (0..2)
        .map(|_| {
            let rx = rx.clone();
            thread::spawn(move || rx.iter().collect::<Vec<_>>())
        })
        .collect();
    drop(rx);
    for s in senders {
        s.join().unwrap();
    }
    let mut all = Vec::new();
    for r in receivers {
        let got = r.join().unwrap();
        // Within one receiver, each sender's values arrive in order.
        let mut last = [None::<usize>; 3];
        for &(s, i) in &got {
            assert!(last[s].is_none_or(|l| l < i));
            last[s] = Some(i);
        }
        all.extend(got);
    }
    all.sort_unstable();
    let want: Vec<_> = (0..3)
        .flat_map(|s| (0..2000).map(move |i| (s, i)))
        .collect();
    assert_eq!(all, want);
}

#[test]
fn channels_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<hbsync::chan::Sender<String>>();
    check::<hbsync::chan::Receiver<String>>();
    fn send<T: Send>(_: &T) {}
    let (tx, rx) = bounded::<String>(1);
    send(&tx.send_async(String::new()));
    send(&rx.recv_async());
}
