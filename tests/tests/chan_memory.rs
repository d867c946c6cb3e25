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
}
