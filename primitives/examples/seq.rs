//! One thread sends a batch of 1,000 `u64`s (or the capacity, if smaller) into a channel and
//! receives them, `N` messages in all: the `seq` shape of the channel benchmarks, as a plain
//! program, so `tools/seq_instructions.py` can count its instructions with cachegrind
//! (instruction counts do not move with a noisy machine the way wall time does).
//!
//! `cargo run --release --example seq -- IMPL FLAVOR N`, IMPL one of `hbsync`, `crossbeam`,
//! `flume`, `kanal`, `std`; FLAVOR one of `bounded1`, `bounded1000`, `unbounded`.
// std's channel is a peer measured here, not one of hbsync's internals.
#![allow(clippy::disallowed_types)]

/// Runs the shape with `send` and `recv` on a channel of capacity `cap` (`None`: unbounded).
#[cfg(not(any(loom, shuttle)))]
fn seq<S, R>(
    (s, r): (S, R),
    cap: Option<usize>,
    n: u64,
    send: impl Fn(&S, u64),
    recv: impl Fn(&R) -> u64,
) -> u64 {
    let batch = cap.unwrap_or(1000).min(1000) as u64;
    let mut sum = 0u64;
    for _ in 0..n / batch {
        for i in 0..batch {
            send(&s, i);
        }
        for _ in 0..batch {
            sum = sum.wrapping_add(recv(&r));
        }
    }
    sum
}

#[cfg(not(any(loom, shuttle)))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: seq IMPL(hbsync|crossbeam|flume|kanal|std) FLAVOR(bounded1|bounded1000|unbounded) N";
    let [imp, flavor, n] = args.as_slice() else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let cap = match flavor.as_str() {
        "bounded1" => Some(1),
        "bounded1000" => Some(1000),
        "unbounded" => None,
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    let n: u64 = n.parse().expect("N is a number");
    // The four MPMC peers share one shape: `unbounded()` / `bounded(cap)` constructors,
    // `send(v) -> Result`, `recv() -> Result`.
    macro_rules! peer {
        ($krate:ident) => {
            seq(
                cap.map_or_else($krate::unbounded, $krate::bounded),
                cap,
                n,
                |s, v| s.send(v).unwrap(),
                |r| r.recv().unwrap(),
            )
        };
    }
    let sum = match imp.as_str() {
        "hbsync" => {
            use hbsync::chan;
            peer!(chan)
        }
        "crossbeam" => peer!(crossbeam_channel),
        "flume" => peer!(flume),
        "kanal" => peer!(kanal),
        "std" => match cap {
            Some(c) => seq(
                std::sync::mpsc::sync_channel(c),
                cap,
                n,
                |s, v| s.send(v).unwrap(),
                |r| r.recv().unwrap(),
            ),
            None => seq(
                std::sync::mpsc::channel(),
                cap,
                n,
                |s, v| s.send(v).unwrap(),
                |r| r.recv().unwrap(),
            ),
        },
        _ => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    println!("{sum}");
}

/// Checker builds have none of the peers.
#[cfg(any(loom, shuttle))]
fn main() {}
