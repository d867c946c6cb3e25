//! The channel implementations the benchmarks compare (hbsync and its four peers, behind one
//! trait) and the shapes of run they share: the channel benchmark (criterion) and the
//! interleaved one use the same code, so their figures measure the same thing.
// Not every benchmark binary uses every item.
#![allow(dead_code)]

use std::thread;

/// One channel implementation under test.
pub(crate) trait Flavor {
    type S: Send + 'static;
    type R: Send + 'static;
    const NAME: &'static str;
    /// Whether its receiver can be shared (MPMC).
    const MPMC: bool = true;
    fn make(cap: Option<usize>) -> (Self::S, Self::R);
    fn clone_s(s: &Self::S) -> Self::S;
    fn clone_r(r: &Self::R) -> Self::R;
    fn send(s: &Self::S, v: u64);
    fn recv(r: &Self::R) -> u64;
}

macro_rules! flavor {
    ($ty:ident, $name:literal, $s:ty, $r:ty, $make:expr, $send:expr, $recv:expr) => {
        pub(crate) struct $ty;
        impl Flavor for $ty {
            type S = $s;
            type R = $r;
            const NAME: &'static str = $name;
            fn make(cap: Option<usize>) -> (Self::S, Self::R) {
                $make(cap)
            }
            fn clone_s(s: &Self::S) -> Self::S {
                s.clone()
            }
            fn clone_r(r: &Self::R) -> Self::R {
                r.clone()
            }
            fn send(s: &Self::S, v: u64) {
                $send(s, v)
            }
            fn recv(r: &Self::R) -> u64 {
                $recv(r)
            }
        }
    };
}

flavor!(
    Hbsync,
    "hbsync",
    hbsync::chan::Sender<u64>,
    hbsync::chan::Receiver<u64>,
    |cap: Option<usize>| cap.map_or_else(hbsync::chan::unbounded, hbsync::chan::bounded),
    |s: &hbsync::chan::Sender<u64>, v| s.send(v).unwrap(),
    |r: &hbsync::chan::Receiver<u64>| r.recv().unwrap()
);
flavor!(
    Crossbeam,
    "crossbeam",
    crossbeam_channel::Sender<u64>,
    crossbeam_channel::Receiver<u64>,
    |cap: Option<usize>| cap.map_or_else(crossbeam_channel::unbounded, crossbeam_channel::bounded),
    |s: &crossbeam_channel::Sender<u64>, v| s.send(v).unwrap(),
    |r: &crossbeam_channel::Receiver<u64>| r.recv().unwrap()
);
flavor!(
    Flume,
    "flume",
    flume::Sender<u64>,
    flume::Receiver<u64>,
    |cap: Option<usize>| cap.map_or_else(flume::unbounded, flume::bounded),
    |s: &flume::Sender<u64>, v| s.send(v).unwrap(),
    |r: &flume::Receiver<u64>| r.recv().unwrap()
);
flavor!(
    Kanal,
    "kanal",
    kanal::Sender<u64>,
    kanal::Receiver<u64>,
    |cap: Option<usize>| cap.map_or_else(kanal::unbounded, kanal::bounded),
    |s: &kanal::Sender<u64>, v| s.send(v).unwrap(),
    |r: &kanal::Receiver<u64>| r.recv().unwrap()
);

/// std's mpsc: `sync_channel` for bounded, `channel` for unbounded; not MPMC.
pub(crate) struct StdMpsc;
pub(crate) enum StdSender {
    Sync(std::sync::mpsc::SyncSender<u64>),
    Async(std::sync::mpsc::Sender<u64>),
}
pub(crate) struct StdReceiver(std::sync::mpsc::Receiver<u64>);
impl Flavor for StdMpsc {
    type S = StdSender;
    type R = StdReceiver;
    const NAME: &'static str = "std-mpsc";
    const MPMC: bool = false;
    fn make(cap: Option<usize>) -> (StdSender, StdReceiver) {
        match cap {
            Some(c) => {
                let (s, r) = std::sync::mpsc::sync_channel(c);
                (StdSender::Sync(s), StdReceiver(r))
            }
            None => {
                let (s, r) = std::sync::mpsc::channel();
                (StdSender::Async(s), StdReceiver(r))
            }
        }
    }
    fn clone_s(s: &StdSender) -> StdSender {
        match s {
            StdSender::Sync(s) => StdSender::Sync(s.clone()),
            StdSender::Async(s) => StdSender::Async(s.clone()),
        }
    }
    fn clone_r(_: &StdReceiver) -> StdReceiver {
        unreachable!("std mpsc has one receiver")
    }
    fn send(s: &StdSender, v: u64) {
        match s {
            StdSender::Sync(s) => s.send(v).unwrap(),
            StdSender::Async(s) => s.send(v).unwrap(),
        }
    }
    fn recv(r: &StdReceiver) -> u64 {
        r.0.recv().unwrap()
    }
}

/// Moves `msgs` messages from `senders` threads to `receivers` threads; returns the checksum.
pub(crate) fn run<F: Flavor>(cap: Option<usize>, msgs: u64, senders: u64, receivers: u64) -> u64 {
    let (s, r) = F::make(cap);
    let per = msgs / senders;
    let hs: Vec<_> = (0..senders)
        .map(|_| {
            let s = F::clone_s(&s);
            thread::spawn(move || {
                for i in 0..per {
                    F::send(&s, i);
                }
            })
        })
        .collect();
    drop(s);
    let per_r = per * senders / receivers;
    let mut rs = Vec::new();
    for _ in 1..receivers {
        let r = F::clone_r(&r);
        rs.push(thread::spawn(move || {
            (0..per_r).map(|_| F::recv(&r)).sum::<u64>()
        }));
    }
    let mut sum: u64 = (0..per_r).map(|_| F::recv(&r)).sum();
    for h in hs {
        h.join().unwrap();
    }
    for h in rs {
        sum += h.join().unwrap();
    }
    sum
}

/// One thread: send a batch that fits, then receive it.
pub(crate) fn seq<F: Flavor>(cap: Option<usize>, msgs: u64) -> u64 {
    let (s, r) = F::make(cap);
    let batch = cap.unwrap_or(1000).min(1000) as u64;
    let mut sum = 0;
    for _ in 0..msgs / batch {
        for i in 0..batch {
            F::send(&s, i);
        }
        for _ in 0..batch {
            sum += F::recv(&r);
        }
    }
    sum
}

/// The shapes of run.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Seq,
    Spsc,
    Mpsc,
    Mpmc,
}

impl Shape {
    pub(crate) const ALL: [Shape; 4] = [Shape::Seq, Shape::Spsc, Shape::Mpsc, Shape::Mpmc];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::Seq => "seq",
            Shape::Spsc => "spsc",
            Shape::Mpsc => "mpsc",
            Shape::Mpmc => "mpmc",
        }
    }

    pub(crate) fn run<F: Flavor>(self, cap: Option<usize>, msgs: u64) -> u64 {
        match self {
            Shape::Seq => seq::<F>(cap, msgs),
            Shape::Spsc => run::<F>(cap, msgs, 1, 1),
            Shape::Mpsc => run::<F>(cap, msgs, 4, 1),
            Shape::Mpmc => run::<F>(cap, msgs, 4, 4),
        }
    }
}
