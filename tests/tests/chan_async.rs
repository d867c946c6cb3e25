//! Async faces of channels: any executor, mixed with blocking threads, cancel safety.
#![cfg(not(any(loom, shuttle)))]

use std::time::Duration;

use futures::executor::block_on;
use futures::FutureExt;
use hbsync::chan::{bounded, unbounded, RecvError, SendError};

#[test]
fn futures_block_on_roundtrip() {
    let (tx, rx) = bounded(0);
    let t = std::thread::spawn(move || block_on(async { rx.recv_async().await }));
    block_on(tx.send_async(3)).unwrap();
    assert_eq!(t.join().unwrap(), Ok(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_many_tasks_exactly_once() {
    let (tx, rx) = bounded::<u32>(0);
    let mut producers = Vec::new();
    for p in 0..4u32 {
        let tx = tx.clone();
        producers.push(tokio::spawn(async move {
            for i in 0..250 {
                tx.send_async(p * 1000 + i).await.unwrap();
            }
        }));
    }
    drop(tx);
    let mut consumers = Vec::new();
    for _ in 0..3 {
        let rx = rx.clone();
        consumers.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Ok(v) = rx.recv_async().await {
                got.push(v);
            }
            got
        }));
    }
    drop(rx);
    for p in producers {
        p.await.unwrap();
    }
    let mut all = Vec::new();
    for c in consumers {
        all.extend(c.await.unwrap());
    }
    all.sort_unstable();
    let want: Vec<u32> = (0..4)
        .flat_map(|p| (0..250).map(move |i| p * 1000 + i))
        .collect();
    assert_eq!(all, want);
}

#[test]
fn async_and_blocking_on_one_channel() {
    let (tx, rx) = bounded(1);
    let t = std::thread::spawn(move || {
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
    });
    let sum = block_on(async {
        let mut s = 0;
        while let Ok(v) = rx.recv_async().await {
            s += v;
        }
        s
    });
    t.join().unwrap();
    assert_eq!(sum, (0..1000).sum::<i32>());
}

#[test]
fn closed_errors_async() {
    let (tx, rx) = bounded::<u8>(0);
    tx.close();
    assert_eq!(block_on(tx.send_async(1)), Err(SendError(1)));
    assert_eq!(block_on(rx.recv_async()), Err(RecvError));
    // A pending recv is woken by close.
    let (tx, rx) = bounded::<u8>(0);
    let t = std::thread::spawn(move || block_on(rx.recv_async()));
    std::thread::sleep(Duration::from_millis(20));
    drop(tx);
    assert_eq!(t.join().unwrap(), Err(RecvError));
}

/// A losing `tokio::select!` branch loses no value: every sent value is received once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_select_loses_nothing() {
    const N: u32 = 2000;
    let (tx1, rx1) = bounded::<u32>(0);
    let (tx2, rx2) = bounded::<u32>(0);
    let p1 = tokio::spawn(async move {
        for i in 0..N {
            tx1.send_async(i).await.unwrap();
        }
    });
    let p2 = tokio::spawn(async move {
        for i in N..2 * N {
            tx2.send_async(i).await.unwrap();
        }
    });
    let mut got = Vec::new();
    let (mut open1, mut open2) = (true, true);
    while open1 || open2 {
        tokio::select! {
            r = rx1.recv_async(), if open1 => match r { Ok(v) => got.push(v), Err(_) => open1 = false },
            r = rx2.recv_async(), if open2 => match r { Ok(v) => got.push(v), Err(_) => open2 = false },
        }
    }
    p1.await.unwrap();
    p2.await.unwrap();
    got.sort_unstable();
    assert_eq!(got, (0..2 * N).collect::<Vec<_>>());
}

/// The same with `futures::select!` and a timer branch that keeps cancelling receives.
#[test]
fn futures_select_with_cancelled_receives_loses_nothing() {
    const N: u32 = 2000;
    let (tx, rx) = bounded::<u32>(0);
    let p = std::thread::spawn(move || {
        for i in 0..N {
            tx.send(i).unwrap();
        }
    });
    let got = block_on(async {
        let mut got = Vec::new();
        loop {
            let recv = rx.recv_async().fuse();
            futures::pin_mut!(recv);
            let mut tick = futures::future::ready(()).fuse();
            // Poll order is random in futures::select!: sometimes the receive is dropped
            // while registered (or after being handed a value).
            futures::select! {
                r = recv => match r { Ok(v) => got.push(v), Err(_) => break },
                _ = tick => {}
            }
        }
        got
    });
    p.join().unwrap();
    let mut sorted = got.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..N).collect::<Vec<_>>());
}

/// A pending receive future holds no value: on a rendezvous a sender waits until a receiver
/// really takes its value, so dropping the future loses nothing and the channel never holds
/// a value; a dropped send future that was never taken withdraws its value.
#[test]
fn dropped_recv_future_leaves_the_send_pending() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::Context;
    let (tx, rx) = bounded::<u32>(0);
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    {
        let mut fut = pin!(rx.recv_async());
        assert!(fut.as_mut().poll(&mut cx).is_pending()); // registered
                                                          // A pending future can still be dropped: a rendezvous send cannot complete into it.
        assert_eq!(tx.try_send(11), Err(hbsync::chan::TrySendError::Full(11)));
    }
    assert_eq!(rx.len(), 0);
    assert!(rx.try_recv().is_err());
    // A dropped send future that was never taken withdraws its value.
    {
        let mut fut = pin!(tx.send_async(12));
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    assert!(rx.try_recv().is_err());
    let (tx, rx) = unbounded::<u8>();
    drop(rx);
    assert_eq!(block_on(tx.send_async(1)), Err(SendError(1)));
}

/// Owned futures (`into_send_async`, `into_recv_async`) are `'static`: they can be spawned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owned_futures_can_be_spawned() {
    let (tx, rx) = bounded::<u32>(0);
    let recv = tokio::spawn(rx.clone().into_recv_async());
    let send = tokio::spawn(tx.clone().into_send_async(42));
    assert_eq!(recv.await.unwrap(), Ok(42));
    send.await.unwrap().unwrap();
    drop(tx);
    assert_eq!(
        rx.recv_async().await,
        Err(RecvError),
        "the owned sender was dropped"
    );
}

/// `Stream` and `Sink` (feature `futures`): every value once, in order, through a sink into
/// a rendezvous and out of a stream; closing the sink ends the stream.
#[test]
fn stream_and_sink_roundtrip() {
    use futures::{SinkExt, StreamExt};
    let (tx, rx) = bounded::<u32>(0);
    let producer = std::thread::spawn(move || {
        block_on(async {
            let mut sink = tx.into_sink();
            for i in 0..100 {
                sink.send(i).await.unwrap();
            }
            sink.close().await.unwrap();
        })
    });
    let got: Vec<u32> = block_on(rx.into_stream().collect());
    producer.join().unwrap();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    // A sink on a closed channel gives the value back.
    let (tx, rx) = bounded::<u32>(1);
    drop(rx);
    let mut sink = tx.into_sink();
    assert_eq!(block_on(sink.send(7)), Err(SendError(7)));
}
