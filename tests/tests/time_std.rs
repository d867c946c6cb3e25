//! Timers (`hbsync::time`) in std builds: real time.
#![cfg(not(any(loom, shuttle)))]

use std::time::{Duration, Instant};

use hbsync::chan::{bounded, TryRecvError};
use hbsync::time;

const MS: Duration = Duration::from_millis(1);

#[test]
fn after_fires_once_then_never() {
    let start = Instant::now();
    let t = time::after(20 * MS);
    assert_eq!(t.try_recv(), Err(TryRecvError::Empty), "not due yet");
    let at = t.recv().unwrap();
    assert!(at >= start + 20 * MS, "fired early");
    assert!(Instant::now() >= at);
    // Spent: never yields again and is not closed (Go's time.After).
    assert!(t.recv_timeout(20 * MS).unwrap_err().is_timeout());
    assert!(!t.is_closed());
}

#[test]
fn after_zero_is_due_at_once() {
    assert!(time::after(Duration::ZERO).try_recv().is_ok());
}

#[test]
fn at_past_instant_is_due_at_once() {
    let past = Instant::now();
    assert_eq!(time::at(past).try_recv(), Ok(past));
}

#[test]
fn tick_yields_increasing_instants_and_drops_missed_ticks() {
    let ticks = time::tick(5 * MS);
    let a = ticks.recv().unwrap();
    let b = ticks.recv().unwrap();
    assert_eq!(b - a, 5 * MS, "consecutive ticks are one period apart");
    std::thread::sleep(40 * MS); // miss several ticks
    let overdue = ticks.try_recv().expect("one overdue tick is ready");
    assert!(overdue > b);
    assert_eq!(
        ticks.try_recv(),
        Err(TryRecvError::Empty),
        "missed ticks are dropped, not queued"
    );
}

#[test]
#[should_panic(expected = "non-positive interval for time::tick")]
fn tick_zero_panics() {
    let _ = time::tick(Duration::ZERO);
}

#[test]
fn never_never_yields() {
    let n = time::never::<u8>();
    assert!(n.recv_timeout(10 * MS).unwrap_err().is_timeout());
    assert_eq!(n.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn timer_in_select_loses_to_ready_work_and_wins_over_absent_work() {
    let (tx, rx) = bounded::<u8>(1);
    tx.send(1).unwrap();
    let timeout = time::after(Duration::from_secs(60));
    let r = hbsync::select! {
        recv(rx) -> v => v.unwrap(),
        recv(timeout) -> _ => 0,
    };
    assert_eq!(r, 1);
    let start = Instant::now();
    let timeout = time::after(15 * MS);
    let r = hbsync::select! {
        recv(rx) -> v => v.unwrap(),
        recv(timeout) -> _ => 0,
    };
    assert_eq!(r, 0);
    assert!(start.elapsed() >= 15 * MS);
}

#[test]
fn earliest_timer_and_default_timeout_order() {
    // default(timeout) shorter than the timer: default runs.
    let t = time::after(Duration::from_secs(60));
    let r = hbsync::select! {
        recv(t) -> _ => "timer",
        default(5 * MS) => "default",
    };
    assert_eq!(r, "default");
    // Timer shorter than default(timeout): the timer arm runs.
    let t = time::after(5 * MS);
    let r = hbsync::select! {
        recv(t) -> _ => "timer",
        default(Duration::from_secs(60)) => "default",
    };
    assert_eq!(r, "timer");
}

#[test]
fn ticker_drives_a_select_loop() {
    let ticks = time::tick(2 * MS);
    let stop = time::after(30 * MS);
    let mut n = 0;
    loop {
        hbsync::select! {
            recv(ticks) -> _ => n += 1,
            recv(stop) -> _ => break,
        }
    }
    assert!((3..=16).contains(&n), "about 15 ticks in 30 ms, got {n}");
}

#[test]
fn timer_send_races_across_threads() {
    // A worker that is sometimes faster, sometimes slower than the timeout: each result is
    // either the value or the timeout, and a late value is never lost (buffered result).
    for i in 0..50u64 {
        let (tx, rx) = bounded::<u64>(1);
        hbsync::go(move || {
            std::thread::sleep(Duration::from_micros(i * 40));
            tx.send(i).unwrap();
        });
        let timeout = time::after(Duration::from_micros(1000));
        hbsync::select! {
            recv(rx) -> v => assert_eq!(v, Ok(i)),
            recv(timeout) -> _ => assert_eq!(rx.recv(), Ok(i), "late value still arrives"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recv_async_on_timers() {
    let start = Instant::now();
    let at = time::after(15 * MS).recv_async().await.unwrap();
    assert!(at >= start + 15 * MS);
    let ticks = time::tick(3 * MS);
    let a = ticks.recv_async().await.unwrap();
    let b = ticks.recv_async().await.unwrap();
    assert!(b > a);
    // In tokio::select!, the timer branch wins against a silent channel.
    let (_tx, rx) = bounded::<u8>(0);
    let timer = time::after(5 * MS);
    tokio::select! {
        v = rx.recv_async() => panic!("nothing was sent: {v:?}"),
        t = timer.recv_async() => assert!(t.is_ok()),
    }
}
