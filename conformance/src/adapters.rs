//! The [`Channel`] impls for hbsync and its peers. Each uses the crate's own operation where
//! it has one (a native timeout, a close, a select) and the trait's provided one otherwise;
//! where a crate can give a failed send's value back through some API, the adapter uses it.

use std::sync::Mutex;
use std::time::Duration;

pub use crate::hbsync_adapter::Hbsync;
use crate::{Channel, RecvTimeout, Selected, SendTimeout, TryRecv, TrySend, V};

/// crossbeam-channel. No close: the last sender's drop closes.
pub struct Crossbeam;

impl Channel for Crossbeam {
    const NAME: &'static str = "crossbeam-channel";
    type Tx = crossbeam_channel::Sender<V>;
    type Rx = crossbeam_channel::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Some(crossbeam_channel::bounded(cap))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Some(crossbeam_channel::unbounded())
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        tx.send(v).map_err(|e| Some(e.0))
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use crossbeam_channel::TrySendError as E;
        tx.try_send(v).map_err(|e| match e {
            E::Full(v) => TrySend::Full(Some(v)),
            E::Disconnected(v) => TrySend::Closed(Some(v)),
        })
    }
    fn send_timeout(tx: &Self::Tx, v: V, timeout: Duration) -> Result<(), SendTimeout> {
        use crossbeam_channel::SendTimeoutError as E;
        tx.send_timeout(v, timeout).map_err(|e| match e {
            E::Timeout(v) => SendTimeout::Timeout(Some(v)),
            E::Disconnected(v) => SendTimeout::Closed(Some(v)),
        })
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        rx.try_recv().map_err(|e| match e.is_disconnected() {
            true => TryRecv::Closed,
            false => TryRecv::Empty,
        })
    }
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        rx.recv_timeout(timeout)
            .map_err(|e| match e.is_disconnected() {
                true => RecvTimeout::Closed,
                false => RecvTimeout::Timeout,
            })
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        let mut sel = crossbeam_channel::Select::new();
        for rx in rxs {
            sel.recv(rx);
        }
        let op = match nonblocking {
            true => match sel.try_select() {
                Ok(op) => op,
                Err(_) => return Selected::Default,
            },
            false => sel.select(),
        };
        let i = op.index();
        Selected::Recv(i, op.recv(rxs[i]).ok())
    }
}

/// flume. No close: the last sender's drop closes.
pub struct Flume;

impl Channel for Flume {
    const NAME: &'static str = "flume";
    type Tx = flume::Sender<V>;
    type Rx = flume::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Some(flume::bounded(cap))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Some(flume::unbounded())
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        tx.send(v).map_err(|e| Some(e.0))
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use flume::TrySendError as E;
        tx.try_send(v).map_err(|e| match e {
            E::Full(v) => TrySend::Full(Some(v)),
            E::Disconnected(v) => TrySend::Closed(Some(v)),
        })
    }
    fn send_timeout(tx: &Self::Tx, v: V, timeout: Duration) -> Result<(), SendTimeout> {
        use flume::SendTimeoutError as E;
        tx.send_timeout(v, timeout).map_err(|e| match e {
            E::Timeout(v) => SendTimeout::Timeout(Some(v)),
            E::Disconnected(v) => SendTimeout::Closed(Some(v)),
        })
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        rx.try_recv().map_err(|e| match e {
            flume::TryRecvError::Disconnected => TryRecv::Closed,
            flume::TryRecvError::Empty => TryRecv::Empty,
        })
    }
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            flume::RecvTimeoutError::Disconnected => RecvTimeout::Closed,
            flume::RecvTimeoutError::Timeout => RecvTimeout::Timeout,
        })
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        let mut sel = flume::Selector::new();
        for (i, rx) in rxs.iter().enumerate() {
            sel = sel.recv(rx, move |r| Selected::Recv(i, r.ok()));
        }
        match nonblocking {
            true => sel
                .wait_timeout(Duration::ZERO)
                .unwrap_or(Selected::Default),
            false => sel.wait(),
        }
    }
}

/// kanal. Its `close` closes both sides; its `send` drops the value on failure, while
/// `try_send_option` gives it back (used for `try_send`).
pub struct Kanal;

impl Channel for Kanal {
    const NAME: &'static str = "kanal";
    type Tx = kanal::Sender<V>;
    type Rx = kanal::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        Some(kanal::bounded(cap))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Some(kanal::unbounded())
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        tx.send(v).map_err(|_| None)
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        let mut slot = Some(v);
        match tx.try_send_option(&mut slot) {
            Ok(true) => Ok(()),
            Ok(false) => Err(TrySend::Full(slot)),
            Err(_) => Err(TrySend::Closed(slot)),
        }
    }
    fn send_timeout(tx: &Self::Tx, v: V, timeout: Duration) -> Result<(), SendTimeout> {
        let mut slot = Some(v);
        tx.send_option_timeout(&mut slot, timeout)
            .map_err(|e| match e {
                kanal::SendErrorTimeout::Timeout => SendTimeout::Timeout(slot),
                _ => SendTimeout::Closed(slot),
            })
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        match rx.try_recv() {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(TryRecv::Empty),
            Err(_) => Err(TryRecv::Closed),
        }
    }
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            kanal::ReceiveErrorTimeout::Timeout => RecvTimeout::Timeout,
            _ => RecvTimeout::Closed,
        })
    }
    fn close(tx: &Self::Tx) -> Option<bool> {
        Some(tx.close().is_ok())
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
}

/// `std::sync::mpsc`: `sync_channel(cap)` and `channel()`. Single consumer, no close, no
/// select.
pub struct StdMpsc;

/// A std sender of either kind.
#[derive(Clone)]
pub enum StdTx {
    /// `sync_channel`'s.
    Sync(std::sync::mpsc::SyncSender<V>),
    /// `channel`'s.
    Unbounded(std::sync::mpsc::Sender<V>),
}

impl Channel for StdMpsc {
    const NAME: &'static str = "std mpsc";
    type Tx = StdTx;
    type Rx = std::sync::mpsc::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        let (tx, rx) = std::sync::mpsc::sync_channel(cap);
        Some((StdTx::Sync(tx), rx))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        let (tx, rx) = std::sync::mpsc::channel();
        Some((StdTx::Unbounded(tx), rx))
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        match tx {
            StdTx::Sync(tx) => tx.send(v).map_err(|e| Some(e.0)),
            StdTx::Unbounded(tx) => tx.send(v).map_err(|e| Some(e.0)),
        }
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use std::sync::mpsc::TrySendError as E;
        match tx {
            StdTx::Sync(tx) => tx.try_send(v).map_err(|e| match e {
                E::Full(v) => TrySend::Full(Some(v)),
                E::Disconnected(v) => TrySend::Closed(Some(v)),
            }),
            StdTx::Unbounded(tx) => tx.send(v).map_err(|e| TrySend::Closed(Some(e.0))),
        }
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        rx.try_recv().map_err(|e| match e {
            std::sync::mpsc::TryRecvError::Disconnected => TryRecv::Closed,
            std::sync::mpsc::TryRecvError::Empty => TryRecv::Empty,
        })
    }
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        rx.recv_timeout(timeout).map_err(|e| match e {
            std::sync::mpsc::RecvTimeoutError::Disconnected => RecvTimeout::Closed,
            std::sync::mpsc::RecvTimeoutError::Timeout => RecvTimeout::Timeout,
        })
    }
}

/// `tokio::sync::mpsc` from threads (`blocking_send`, `blocking_recv`). No rendezvous (a
/// capacity of 0 panics there), single consumer, no sender-side close. Its receiver needs
/// `&mut`, so the adapter keeps it behind a lock.
pub struct TokioMpsc;

/// A tokio sender of either kind.
#[derive(Clone)]
pub enum TokioTx {
    /// `channel(cap)`'s.
    Bounded(tokio::sync::mpsc::Sender<V>),
    /// `unbounded_channel()`'s.
    Unbounded(tokio::sync::mpsc::UnboundedSender<V>),
}

/// A tokio receiver of either kind.
pub enum TokioRx {
    /// `channel(cap)`'s.
    Bounded(tokio::sync::mpsc::Receiver<V>),
    /// `unbounded_channel()`'s.
    Unbounded(tokio::sync::mpsc::UnboundedReceiver<V>),
}

impl Channel for TokioMpsc {
    const NAME: &'static str = "tokio mpsc";
    type Tx = TokioTx;
    type Rx = Mutex<TokioRx>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        (cap > 0).then(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(cap);
            (TokioTx::Bounded(tx), Mutex::new(TokioRx::Bounded(rx)))
        })
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        Some((TokioTx::Unbounded(tx), Mutex::new(TokioRx::Unbounded(rx))))
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        match tx {
            TokioTx::Bounded(tx) => tx.blocking_send(v).map_err(|e| Some(e.0)),
            TokioTx::Unbounded(tx) => tx.send(v).map_err(|e| Some(e.0)),
        }
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use tokio::sync::mpsc::error::TrySendError as E;
        match tx {
            TokioTx::Bounded(tx) => tx.try_send(v).map_err(|e| match e {
                E::Full(v) => TrySend::Full(Some(v)),
                E::Closed(v) => TrySend::Closed(Some(v)),
            }),
            TokioTx::Unbounded(tx) => tx.send(v).map_err(|e| TrySend::Closed(Some(e.0))),
        }
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        match &mut *rx.lock().unwrap_or_else(|e| e.into_inner()) {
            TokioRx::Bounded(rx) => rx.blocking_recv(),
            TokioRx::Unbounded(rx) => rx.blocking_recv(),
        }
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        use tokio::sync::mpsc::error::TryRecvError as E;
        let r = match &mut *rx.lock().unwrap_or_else(|e| e.into_inner()) {
            TokioRx::Bounded(rx) => rx.try_recv(),
            TokioRx::Unbounded(rx) => rx.try_recv(),
        };
        r.map_err(|e| match e {
            E::Disconnected => TryRecv::Closed,
            E::Empty => TryRecv::Empty,
        })
    }
}

/// async-channel from threads (`send_blocking`, `recv_blocking`). No rendezvous (a capacity
/// of 0 panics there); it has `close`.
pub struct AsyncChannel;

impl Channel for AsyncChannel {
    const NAME: &'static str = "async-channel";
    type Tx = async_channel::Sender<V>;
    type Rx = async_channel::Receiver<V>;

    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
        (cap > 0).then(|| async_channel::bounded(cap))
    }
    fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
        Some(async_channel::unbounded())
    }
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>> {
        tx.send_blocking(v).map_err(|e| Some(e.0))
    }
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend> {
        use async_channel::TrySendError as E;
        tx.try_send(v).map_err(|e| match e {
            E::Full(v) => TrySend::Full(Some(v)),
            E::Closed(v) => TrySend::Closed(Some(v)),
        })
    }
    fn recv(rx: &Self::Rx) -> Option<V> {
        rx.recv_blocking().ok()
    }
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv> {
        rx.try_recv().map_err(|e| match e {
            async_channel::TryRecvError::Closed => TryRecv::Closed,
            async_channel::TryRecvError::Empty => TryRecv::Empty,
        })
    }
    fn close(tx: &Self::Tx) -> Option<bool> {
        Some(tx.close())
    }
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        Some(rx.clone())
    }
}
