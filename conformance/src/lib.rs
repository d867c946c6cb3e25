//! A conformance kit for channels: the behaviours Go's specification and memory model give a
//! channel, and a linearizability checker, run against any channel through one trait.
//!
//! - [`Channel`] is what a channel crate implements (one impl per crate: the adapters for
//!   hbsync, crossbeam-channel, flume, kanal, std mpsc, tokio mpsc and async-channel are in
//!   [`adapters`]). An operation a crate does not have returns "unsupported" and the
//!   behaviours that need it are `n/a`.
//! - [`behaviours`] are the named behaviours, each a program that says *holds*, *differs*
//!   (how) or *n/a* (why) for one crate.
//! - [`lin`] is a Wing–Gong / Lowe linearizability checker over recorded histories, against
//!   the sequential specifications in [`hbsync::spec`]; [`behaviours::record_history`] records histories of
//!   a crate's channels, [`primitives`] those of hbsync's Mutex, WaitGroup, Once and
//!   Context.
//! - [`hb`] runs hbsync's happens-before claims on a channel built on `hbsync::check`,
//!   under `--cfg loom`.
//! - [`table`] runs everything and renders the behaviour × crate table (terminal, markdown,
//!   HTML); `cargo conformance` prints it.
//!
//! Adding your own channel is one impl:
//!
//! ```
//! use hbsync_conformance::{Channel, TryRecv, TrySend, behaviours, Verdict};
//!
//! /// A channel built on hbsync's, as a downstream crate would wrap its own.
//! struct Mine;
//!
//! impl Channel for Mine {
//!     const NAME: &'static str = "mine";
//!     type Tx = hbsync::chan::Sender<u64>;
//!     type Rx = hbsync::chan::Receiver<u64>;
//!     fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)> {
//!         Some(hbsync::chan::bounded(cap))
//!     }
//!     fn unbounded() -> Option<(Self::Tx, Self::Rx)> {
//!         Some(hbsync::chan::unbounded())
//!     }
//!     fn send(tx: &Self::Tx, v: u64) -> Result<(), Option<u64>> {
//!         tx.send(v).map_err(|e| Some(e.0))
//!     }
//!     fn try_send(tx: &Self::Tx, v: u64) -> Result<(), TrySend> {
//!         use hbsync::chan::TrySendError as E;
//!         tx.try_send(v).map_err(|e| match e {
//!             E::Full(v) => TrySend::Full(Some(v)),
//!             E::Closed(v) => TrySend::Closed(Some(v)),
//!         })
//!     }
//!     fn recv(rx: &Self::Rx) -> Option<u64> {
//!         rx.recv().ok()
//!     }
//!     fn try_recv(rx: &Self::Rx) -> Result<u64, TryRecv> {
//!         rx.try_recv().map_err(|e| if e.is_closed() { TryRecv::Closed } else { TryRecv::Empty })
//!     }
//! }
//!
//! let fifo = behaviours::all::<Mine>().into_iter().find(|b| b.id == "fifo-per-sender").unwrap();
//! assert_eq!((fifo.run)(), Verdict::Holds);
//! ```

use std::time::{Duration, Instant};

#[cfg(not(any(loom, shuttle)))]
pub mod adapters;
pub use hbsync_adapter::Hbsync;
#[cfg(not(any(loom, shuttle)))]
pub mod behaviours;
pub mod hb;
mod hbsync_adapter;
pub mod lin;
#[cfg(not(any(loom, shuttle)))]
pub mod primitives;
#[cfg(not(any(loom, shuttle)))]
pub mod table;

/// The values the kit sends: unique numbers, so a lost or duplicated one is visible.
pub type V = u64;

/// Why a `try_send` failed. `Some(v)`: the crate gave the value back; `None`: it did not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrySend {
    /// No room and no waiting receiver.
    Full(Option<V>),
    /// The channel is closed (explicitly, or every receiver is gone).
    Closed(Option<V>),
}

/// Why a `send_timeout` failed. `Some(v)`: the value came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendTimeout {
    /// The timeout passed.
    Timeout(Option<V>),
    /// The channel is closed.
    Closed(Option<V>),
}

/// Why a `try_recv` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryRecv {
    /// Nothing there, channel open.
    Empty,
    /// Closed and empty.
    Closed,
}

/// Why a `recv_timeout` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvTimeout {
    /// The timeout passed.
    Timeout,
    /// Closed and empty.
    Closed,
}

/// What a select over receives did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selected {
    /// The crate has no select.
    Unsupported,
    /// Non-blocking select: no case was ready.
    Default,
    /// Case `.0` completed: a value, or `None` for closed.
    Recv(usize, Option<V>),
}

/// Pause between polls of the provided timeout operations.
const POLL: Duration = Duration::from_micros(20);

/// A channel crate, as the kit sees it: multi-producer, with values of type [`V`].
///
/// Required: construction, blocking and non-blocking send and receive. Provided (override
/// them when the crate has them): timeouts (polled otherwise), `close` (none otherwise:
/// the channel closes when the last sender is dropped), a second receiver (none: single
/// consumer) and select (none).
pub trait Channel: 'static {
    /// The crate's name, as the table shows it.
    const NAME: &'static str;
    /// A sending handle; clones send into the same channel.
    type Tx: Clone + Send + 'static;
    /// A receiving handle.
    type Rx: Send + 'static;

    /// A channel of capacity `cap` (`0`: rendezvous), or `None` if the crate has none.
    fn bounded(cap: usize) -> Option<(Self::Tx, Self::Rx)>;
    /// An unbounded channel, or `None`.
    fn unbounded() -> Option<(Self::Tx, Self::Rx)>;

    /// Blocking send; on failure (closed) the value if the crate gives it back.
    fn send(tx: &Self::Tx, v: V) -> Result<(), Option<V>>;
    /// Non-blocking send.
    fn try_send(tx: &Self::Tx, v: V) -> Result<(), TrySend>;
    /// Blocking receive; `None` when closed and empty.
    fn recv(rx: &Self::Rx) -> Option<V>;
    /// Non-blocking receive.
    fn try_recv(rx: &Self::Rx) -> Result<V, TryRecv>;

    /// Send, waiting at most `timeout`. Provided: polls `try_send`.
    fn send_timeout(tx: &Self::Tx, v: V, timeout: Duration) -> Result<(), SendTimeout> {
        let deadline = Instant::now() + timeout;
        let mut v = v;
        loop {
            match Self::try_send(tx, v) {
                Ok(()) => return Ok(()),
                Err(TrySend::Closed(back)) => return Err(SendTimeout::Closed(back)),
                Err(TrySend::Full(back)) => {
                    let Some(back) = back else {
                        return Err(SendTimeout::Timeout(None));
                    };
                    if Instant::now() >= deadline {
                        return Err(SendTimeout::Timeout(Some(back)));
                    }
                    v = back;
                    std::thread::sleep(POLL);
                }
            }
        }
    }

    /// Receive, waiting at most `timeout`. Provided: polls `try_recv`.
    fn recv_timeout(rx: &Self::Rx, timeout: Duration) -> Result<V, RecvTimeout> {
        let deadline = Instant::now() + timeout;
        loop {
            match Self::try_recv(rx) {
                Ok(v) => return Ok(v),
                Err(TryRecv::Closed) => return Err(RecvTimeout::Closed),
                Err(TryRecv::Empty) if Instant::now() >= deadline => {
                    return Err(RecvTimeout::Timeout)
                }
                Err(TryRecv::Empty) => std::thread::sleep(POLL),
            }
        }
    }

    /// Close the channel from the sending side, as Go's `close`: `Some(true)` if this call
    /// closed it, `Some(false)` if it was closed already, `None` if the crate has no close.
    fn close(tx: &Self::Tx) -> Option<bool> {
        let _ = tx;
        None
    }

    /// A second receiving handle on the same channel, or `None` (single consumer).
    fn clone_rx(rx: &Self::Rx) -> Option<Self::Rx> {
        let _ = rx;
        None
    }

    /// A select over receives from `rxs`: blocking, or with `default` when `nonblocking`.
    fn select_recv(rxs: &[&Self::Rx], nonblocking: bool) -> Selected {
        let _ = (rxs, nonblocking);
        Selected::Unsupported
    }
}

/// What one behaviour says about one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The behaviour holds (for a probabilistic one: was not seen to fail in its budget).
    Holds,
    /// The behaviour does not hold; how it differs.
    Differs(String),
    /// The crate lacks what the behaviour needs; what.
    NotApplicable(String),
}

impl Verdict {
    /// `Holds` if `ok`, else `Differs(how())`.
    pub fn check(ok: bool, how: impl FnOnce() -> String) -> Self {
        if ok {
            Self::Holds
        } else {
            Self::Differs(how())
        }
    }

    /// The first verdict that is not `Holds`, or `Holds`.
    pub fn all(verdicts: impl IntoIterator<Item = Verdict>) -> Self {
        verdicts
            .into_iter()
            .find(|v| *v != Self::Holds)
            .unwrap_or(Self::Holds)
    }

    /// Whether it holds.
    pub fn holds(&self) -> bool {
        *self == Self::Holds
    }
}
