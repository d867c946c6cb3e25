//! Issue 10, item 6: a channel gives its peak buffer memory back once drained. A counting
//! allocator measures the bytes still allocated after a burst of 1,000,000 messages.
#![cfg(not(any(loom, shuttle)))]

use hbsync::chan::{bounded, unbounded};

use hbsync_tests::Counting;

#[global_allocator]
static ALLOC: Counting = Counting;

/// One test only: the allocator counts the whole process, so nothing may run beside it.
#[test]
fn drained_buffers_give_memory_back() {
    const N: u64 = 1_000_000;
    // Unbounded: the peak (8 MB of u64) is returned as the buffer drains.
    let (tx, rx) = unbounded::<u64>();
    let before = Counting::live();
    for i in 0..N {
        tx.send(i).unwrap();
    }
    let peak = Counting::live() - before;
    assert!(
        peak >= (N * 8) as isize,
        "the burst is buffered ({peak} bytes)"
    );
    for i in 0..N {
        assert_eq!(rx.recv(), Ok(i));
    }
    let kept = Counting::live() - before;
    assert!(kept < 4096, "{kept} bytes kept after draining {N} messages");
    // Bounded: keeps what it reserved at creation, no more, no less.
    let (btx, brx) = bounded::<u64>(1024);
    let reserved = Counting::live();
    for round in 0..3 {
        for i in 0..1024 {
            btx.send(i + round).unwrap();
        }
        for i in 0..1024 {
            assert_eq!(brx.recv(), Ok(i + round));
        }
    }
    assert_eq!(
        Counting::live(),
        reserved,
        "bounded buffers neither grow nor shrink"
    );
    drop((btx, brx, tx, rx));
    // Unbounded, 2 senders and 4 receivers racing: blocks retired while another receive of
    // them was under way (lagging) are freed by a later install or by the drop; once the
    // channel is gone nothing of it is left.
    // What the process keeps for its lifetime once a thread was spawned and once the main
    // thread waited on a std channel (the timeout helper does both) is allocated here, before
    // the count starts: std caches a 48-byte wait context in the main thread the first time
    // it blocks, and whether the helper's own wait blocks depends on timing. A timed-out
    // receive on an empty std channel always blocks.
    std::thread::spawn(|| ()).join().unwrap();
    let (_keep, never) = std::sync::mpsc::channel::<()>();
    assert!(never
        .recv_timeout(std::time::Duration::from_millis(1))
        .is_err());
    let before = Counting::live();
    let kept = hbsync_tests::within(60, "2 senders, 4 receivers on unbounded", || {
        const M: u64 = 200_000;
        let (tx, rx) = unbounded::<u64>();
        let senders: Vec<_> = (0..2)
            .map(|_| {
                let tx = tx.clone();
                std::thread::spawn(move || (0..M).for_each(|i| tx.send(i).unwrap()))
            })
            .collect();
        let receivers: Vec<_> = (0..4)
            .map(|_| {
                let rx = rx.clone();
                std::thread::spawn(move || (0..M / 2).map(|_| rx.recv().unwrap()).sum::<u64>())
            })
            .collect();
        senders.into_iter().for_each(|h| h.join().unwrap());
        let sum: u64 = receivers.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(sum, 2 * (M * (M - 1) / 2), "a value lost or received twice");
        assert_eq!(rx.try_recv(), Err(hbsync::chan::TryRecvError::Empty));
        let kept = Counting::live();
        drop((tx, rx));
        kept
    });
    // Drained, with every receive over: the head block, the spare, and at most one lagging
    // block per receiver (4), about 1 KiB each for u64 (63 slots of 16 bytes).
    assert!(
        kept - before < 8 * 1024,
        "{} bytes kept by a drained channel after 2 senders and 4 receivers",
        kept - before
    );
    // Dropped: nothing of the channel is left, no block (1,016 bytes for u64) and no waiter
    // signal (48 bytes; each thread's cached one goes with the thread).
    let left = Counting::live() - before;
    assert_eq!(left, 0, "the dropped channel left {left} bytes allocated");
}
