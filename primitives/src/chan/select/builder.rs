//! [`Select`]: the run-time form of `select!`, written on the same protocol.

use std::time::Duration;

use super::{run, run_ready, Case, Mode, RecvCase, RecvOperand, SendCase, SendOperand};
use crate::chan::{RecvError, SendError};

/// A select over a set of operations known only at run time (the dynamic form of
/// [`select!`](crate::select)).
///
/// Add operations with [`recv`](Select::recv) and [`send`](Select::send) (each returns a
/// handle), then run it with [`wait`](Select::wait), [`try_wait`](Select::try_wait) or
/// [`wait_timeout`](Select::wait_timeout), which return the index of the one operation that
/// completed; take its result from its handle. The same rules as `select!` apply (random
/// choice among ready operations, exactly one completes, `None` operands are disabled,
/// HB-SELECT).
///
/// ```
/// use hbsync::chan::{bounded, Select};
///
/// let (tx_a, rx_a) = bounded::<u32>(0); // nobody receives: the send never proceeds
/// let (tx_b, rx_b) = bounded::<&str>(1);
/// tx_b.send("ready").unwrap();
/// let mut sel = Select::new();
/// let send_a = sel.send(&tx_a, 1);
/// let recv_b = sel.recv(&rx_b);
/// let index = sel.wait();
/// assert_eq!(index, recv_b.index());
/// assert_eq!(recv_b.take(), Some(Ok("ready")));
/// assert_eq!(send_a.take(), None, "not chosen: nothing sent");
/// # drop(rx_a);
/// ```
///
/// For receivers of one type, [`Select::recv_any`] does it in one call:
///
/// ```
/// use hbsync::chan::{bounded, Select};
///
/// let chans: Vec<_> = (0..4).map(|_| bounded::<usize>(1)).collect();
/// chans[2].0.send(2).unwrap();
/// let rxs: Vec<_> = chans.iter().map(|(_, rx)| rx).collect();
/// let (index, value) = Select::recv_any(&rxs).unwrap();
/// assert_eq!((index, value), (2, Ok(2)));
/// ```
#[derive(Default)]
pub struct Select<'a> {
    cases: Vec<std::rc::Rc<dyn Case + 'a>>,
    done: bool,
}

impl std::fmt::Debug for Select<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Select")
            .field("operations", &self.cases.len())
            .finish()
    }
}

/// The handle of a receive added to a [`Select`].
pub struct SelectRecv<'a, T> {
    case: std::rc::Rc<RecvCase<'a, T>>,
    index: usize,
}

/// The handle of a send added to a [`Select`].
pub struct SelectSend<'a, T> {
    case: std::rc::Rc<SendCase<'a, T>>,
    index: usize,
}

impl<T> SelectRecv<'_, T> {
    /// This operation's index in its select.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The result if this receive was the one that completed (`Err` if its channel was
    /// closed), else `None`.
    pub fn take(self) -> Option<Result<T, RecvError>> {
        self.case.won().then(|| self.case.take())
    }
}

impl<T> SelectSend<'_, T> {
    /// This operation's index in its select.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The result if this send was the one that completed (`Err` with the value if its
    /// channel was closed), else `None`; the value of a send not chosen is dropped with the
    /// handle.
    pub fn take(self) -> Option<Result<(), SendError<T>>> {
        self.case.won().then(|| self.case.take())
    }
}

impl<T> std::fmt::Debug for SelectRecv<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectRecv")
            .field("index", &self.index)
            .finish()
    }
}

impl<T> std::fmt::Debug for SelectSend<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelectSend")
            .field("index", &self.index)
            .finish()
    }
}

impl<'a> Select<'a> {
    /// An empty select.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a receive from `rx` (`None` disables it).
    pub fn recv<T: 'a, R: RecvOperand<T> + ?Sized>(&mut self, rx: &'a R) -> SelectRecv<'a, T> {
        let case = std::rc::Rc::new(RecvCase::new(rx));
        self.cases.push(case.clone());
        SelectRecv {
            case,
            index: self.cases.len() - 1,
        }
    }

    /// Adds a send of `value` on `tx` (`None` disables it).
    pub fn send<T: 'a, S: SendOperand<T> + ?Sized>(
        &mut self,
        tx: &'a S,
        value: T,
    ) -> SelectSend<'a, T> {
        let case = std::rc::Rc::new(SendCase::new(tx, value));
        self.cases.push(case.clone());
        SelectSend {
            case,
            index: self.cases.len() - 1,
        }
    }

    /// Blocks until one operation completes; returns its index. With no enabled operation
    /// it blocks forever, as Go's `select {}`.
    ///
    /// # Panics
    /// If this select already ran (a select completes one operation, once).
    pub fn wait(&mut self) -> usize {
        self.run(Mode::Block)
            .expect("a blocking select returns only with an operation")
    }

    /// Completes an operation that is ready now, if any (`select` with `default`).
    ///
    /// # Panics
    /// As for [`Select::wait`].
    ///
    /// ```
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (tx, rx) = bounded::<u32>(1);
    /// let mut sel = Select::new();
    /// let case = sel.recv(&rx);
    /// assert_eq!(sel.try_wait(), None); // nothing ready: the select's `default`
    /// drop(case);
    /// tx.send(3).unwrap();
    /// let mut sel = Select::new();
    /// let case = sel.recv(&rx);
    /// assert_eq!(sel.try_wait(), Some(case.index()));
    /// assert_eq!(case.take(), Some(Ok(3)));
    /// ```
    pub fn try_wait(&mut self) -> Option<usize> {
        self.run(Mode::Try)
    }

    /// Like [`Select::wait`], waiting at most `timeout` (`None` when it passed).
    ///
    /// # Panics
    /// As for [`Select::wait`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (_tx, rx) = bounded::<u32>(1);
    /// let mut sel = Select::new();
    /// let _case = sel.recv(&rx);
    /// assert_eq!(sel.wait_timeout(Duration::from_millis(5)), None); // timed out, nothing taken
    /// ```
    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<usize> {
        self.run(Mode::timeout(timeout))
    }

    /// Blocks until one of the operations could complete, and returns its index without
    /// performing it (crossbeam's `Select::ready`). The answer is a snapshot: by the time the
    /// caller acts on it another thread may have taken the value or the room, so follow it
    /// with a non-blocking attempt (`try_recv`, `try_send`) and call `ready` again if that
    /// fails. It performs nothing and synchronizes nothing (the operation that follows does);
    /// it may be called any number of times, and leaves the select able to run.
    ///
    /// A waiting `ready` sleeps until a channel wakes it (it queues a wake-up entry, never
    /// handed a value, on each operation's channel: a value or room arriving, a partner
    /// queueing on a rendezvous channel, a close, a timer coming due). A wake-up it does not
    /// use is passed on, so a blocked receiver or sender is never left asleep by it. With no
    /// enabled operation it blocks forever, as [`Select::wait`].
    ///
    /// ```
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (tx, rx) = bounded::<u32>(1);
    /// let (_idle_tx, idle) = bounded::<u32>(1);
    /// let producer = std::thread::spawn(move || tx.send(7).unwrap());
    /// let mut sel = Select::new();
    /// let case = sel.recv(&rx);
    /// let _idle = sel.recv(&idle);
    /// let value = loop {
    ///     let i = sel.ready();
    ///     assert_eq!(i, case.index(), "nothing is sent on `idle`");
    ///     if let Ok(v) = rx.try_recv() {
    ///         break v; // ready was a hint; the try_recv is the operation
    ///     }
    /// };
    /// assert_eq!(value, 7);
    /// producer.join().unwrap();
    /// ```
    pub fn ready(&mut self) -> usize {
        self.run_ready(Mode::Block)
            .expect("a blocking ready returns only with an operation")
    }

    /// The index of an operation that could complete now, if any; performs nothing.
    ///
    /// ```
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (tx, rx) = bounded::<u32>(0);
    /// let mut sel = Select::new();
    /// let send = sel.send(&tx, 1);
    /// assert_eq!(sel.try_ready(), None, "a rendezvous send with no receiver waiting");
    /// drop(rx); // closed: a send "completes" now (with an error), so it is ready
    /// assert_eq!(sel.try_ready(), Some(send.index()));
    /// ```
    pub fn try_ready(&mut self) -> Option<usize> {
        self.run_ready(Mode::Try)
    }

    /// Like [`Select::ready`], waiting at most `timeout` (`None` when it passed).
    ///
    /// ```
    /// use std::time::Duration;
    /// use hbsync::chan::{unbounded, Select};
    ///
    /// let (_tx, rx) = unbounded::<u32>();
    /// let mut sel = Select::new();
    /// let _case = sel.recv(&rx);
    /// assert_eq!(sel.ready_timeout(Duration::from_millis(5)), None);
    /// ```
    pub fn ready_timeout(&mut self, timeout: Duration) -> Option<usize> {
        self.run_ready(Mode::timeout(timeout))
    }

    fn run_ready(&mut self, mode: Mode) -> Option<usize> {
        run_ready(&self.dyn_cases(), mode)
    }

    fn dyn_cases(&self) -> Vec<&dyn Case> {
        self.cases.iter().map(|c| &**c as &dyn Case).collect()
    }

    fn run(&mut self, mode: Mode) -> Option<usize> {
        assert!(!self.done, "a Select runs once");
        self.done = true;
        run(&self.dyn_cases(), mode)
    }

    /// Blocks until one of `rxs` yields a value or is closed; returns its index and result.
    /// With every receiver disabled it blocks forever, as Go's `select {}`; so whenever it
    /// returns, it returns `Some`.
    ///
    /// ```
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (a_tx, a) = bounded::<&str>(1);
    /// let (_b_tx, b) = bounded::<&str>(1);
    /// a_tx.send("from a").unwrap();
    /// let (i, got) = Select::recv_any(&[a, b]).unwrap();
    /// assert_eq!((i, got), (0, Ok("from a")));
    /// ```
    pub fn recv_any<T, R: RecvOperand<T>>(rxs: &[R]) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::Block)
    }

    /// Like [`Select::recv_any`], without blocking: `None` if no receiver is ready.
    ///
    /// ```
    /// use hbsync::chan::{bounded, Select};
    ///
    /// let (_a_tx, a) = bounded::<u8>(1);
    /// let (_b_tx, b) = bounded::<u8>(1);
    /// assert!(Select::try_recv_any(&[a, b]).is_none());
    /// ```
    pub fn try_recv_any<T, R: RecvOperand<T>>(rxs: &[R]) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::Try)
    }

    /// Like [`Select::recv_any`], waiting at most `timeout`.
    pub fn recv_any_timeout<T, R: RecvOperand<T>>(
        rxs: &[R],
        timeout: Duration,
    ) -> Option<(usize, Result<T, RecvError>)> {
        recv_any_mode(rxs, Mode::timeout(timeout))
    }
}

fn recv_any_mode<T, R: RecvOperand<T>>(
    rxs: &[R],
    mode: Mode,
) -> Option<(usize, Result<T, RecvError>)> {
    let cases: Vec<RecvCase<'_, T>> = rxs.iter().map(|r| RecvCase::new(r)).collect();
    let dyns: Vec<&dyn Case> = cases.iter().map(|c| c as &dyn Case).collect();
    let i = run(&dyns, mode)?;
    Some((i, cases[i].take()))
}
