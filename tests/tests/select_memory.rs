//! Go test/chan/select2.go: selects do not consume memory over time. A counting allocator
//! measures the bytes still allocated after 100,000 selects that each lose on one channel.
#![cfg(not(any(loom, shuttle)))]

use hbsync::chan::bounded;
use hbsync::select;
use std::thread;

use hbsync_tests::Counting;

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
    let before = Counting::live();
    run(N);
    let growth = Counting::live() - before;
    // Go allows 10,000 bytes; entries left behind would cost tens of bytes per select.
    assert!(
        growth < 10_000,
        "{growth} bytes still allocated after {N} selects"
    );
}
