//! The [`Channel`] impl for hbsync's own channels, in every build (under `--cfg loom` and
//! `--cfg shuttle` too, where [`crate::hb`] model-checks it).

use std::time::Duration;

use crate::{Channel, RecvTimeout, Selected, SendTimeout, TryRecv, TrySend, V};

/// hbsync's channels.
pub struct Hbsync;

impl Channel for Hbsync {
    const NAME: &'static str = "hbsync";
    type Tx = hbsync::chan::Sender<V>;
    type Rx = hbsync::chan::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Some(hbsync::chan::bounded(cap))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Some(hbsync::chan::unbounded())
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        tx.send(v).map_err(|e| Some(e.0))
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use hbsync::chan::TrySendError as E;
        tx.try_send(v).map_err(|e| match e {
            E::Full(v) => TrySend::Full(Some(v)),
            E::Closed(v) => TrySend::Closed(Some(v)),
        })
    }
    fn send_timeout(tx: &Self::Tx, v: V, timeout: Duration) -> Result<(), SendTimeout> {
        use hbsync::chan::SendTimeoutError as E;
        tx.send_timeout(v, timeout).map_err(|e| match e {
            E::Timeout(v) => SendTimeout::Timeout(Some(v)),
            E::Closed(v) => SendTimeout::Closed(Some(v)),
        })
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        rx.try_recv().map_err(|e| match e.is_closed() {
            true => TryRecv::Closed,
            false => TryRecv::Empty,
        })
    }
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        rx.recv_timeout(timeout).map_err(|e| match e.is_closed() {
            true => RecvTimeout::Closed,
            false => RecvTimeout::Timeout,
        })
    }
    fn close(tx: &Self::Tx) -> Option<bool> {
        Some(tx.close())
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        let got = match nonblocking {
            true => hbsync::chan::Select::try_recv_any(rxs),
            false => hbsync::chan::Select::recv_any(rxs),
        };
        match got {
            Some((i, r)) => Selected::Recv(i, r.ok()),
            None => Selected::Default,
        }
    }
}
