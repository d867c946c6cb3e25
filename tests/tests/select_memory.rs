//! Go test/chan/select2.go: selects do not consume memory over time. A counting allocator
//! measures the bytes still allocated after 100,000 selects that each lose on one channel.
#![cfg(not(any(loom, shuttle)))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::thread;

use hbsync::chan::bounded;
use hbsync::select;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn select_does_not_leak_memory() {
    const N: usize = 100_000;
    let (tx, rx) = bounded::<usize>(0);
    let (_dummy_tx, dummy) = bounded::<usize>(0);
    let receive = |n: usize| {
        for _ in 0..n {
            select! {
                recv(rx) -> v => { v.unwrap(); },
                recv(dummy) -> _ => panic!("dummy"),
            }
        }
    };
    let run = |n: usize| {
        let tx = tx.clone();
        let t = thread::spawn(move || {
            for i in 0..n {
                tx.send(i).unwrap();
            }
        });
        receive(n);
        t.join().unwrap();
    };
    run(1000); // warm up: thread-local caches, queue capacities
    let before = LIVE.load(Relaxed);
    run(N);
    let growth = LIVE.load(Relaxed) - before;
    // Go allows 10,000 bytes; entries left behind would cost tens of bytes per select.
    assert!(
        growth < 10_000,
        "{growth} bytes still allocated after {N} selects"
    );
}
