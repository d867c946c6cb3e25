//! Random single-threaded operation sequences, run against the channel and against its
//! sequential specification (`hbsync::spec::ChanSpec`); every result must agree.
#![cfg(not(any(loom, shuttle)))]

use hbsync::chan::{bounded, unbounded};
use hbsync::spec::ChanSpec;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    TrySend(u8),
    TryRecv,
    Close,
    CloneSender,
    DropSender,
    Len,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u8>().prop_map(Op::TrySend),
        4 => Just(Op::TryRecv),
        1 => Just(Op::Close),
        1 => Just(Op::CloneSender),
        1 => Just(Op::DropSender),
        1 => Just(Op::Len),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn channel_matches_spec(cap in prop::option::of(0usize..4), ops in prop::collection::vec(op(), 0..60)) {
        let (tx, rx) = match cap { Some(c) => bounded::<u8>(c), None => unbounded() };
        let mut spec = ChanSpec::new(cap);
        let mut senders = vec![tx];
        for op in ops {
            match op {
                Op::TrySend(v) => {
                    let Some(tx) = senders.last() else { continue };
                    prop_assert_eq!(tx.try_send(v), spec.try_send(v));
                }
                Op::TryRecv => prop_assert_eq!(rx.try_recv(), spec.try_recv()),
                Op::Close => {
                    let Some(tx) = senders.last() else { continue };
                    prop_assert_eq!(tx.close(), spec.close());
                }
                Op::CloneSender => {
                    if let Some(tx) = senders.last() { senders.push(tx.clone()); }
                }
                Op::DropSender => {
                    if senders.pop().is_some() && senders.is_empty() {
                        spec.close(); // the last sender's drop closes
                    }
                }
                Op::Len => {
                    prop_assert_eq!(rx.len(), spec.len());
                    prop_assert_eq!(rx.is_empty(), spec.is_empty());
                    prop_assert_eq!(rx.is_closed(), spec.is_closed());
                }
            }
        }
    }
}
