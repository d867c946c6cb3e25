//! The channel operands of `select!` cases and [`Select`](super::Select): a handle, or an
//! `Option` of one (`None` disables the case, as Go's nil channel).

use crate::chan::{Receiver, Sender};

/// A channel operand of a `recv` case: a receiver, or `None` to disable the case (Go's nil
/// channel: the case never proceeds).
///
/// ```
/// use hbsync::chan::{self, Receiver};
///
/// let (tx, rx) = chan::bounded::<u32>(1);
/// tx.send(1).unwrap();
/// let disabled: Option<Receiver<u32>> = None; // as Go's nil channel
/// hbsync::select! {
///     recv(disabled) -> _ => unreachable!("a disabled case never proceeds"),
///     recv(rx) -> v => assert_eq!(v, Ok(1)),
/// }
/// ```
pub trait RecvOperand<T> {
    #[doc(hidden)]
    fn receiver(&self) -> Option<&Receiver<T>>;
}

/// A channel operand of a `send` case: a sender, or `None` to disable the case.
///
/// ```
/// use hbsync::chan::{self, Sender};
///
/// let (tx, rx) = chan::bounded::<u32>(1);
/// let mut out: Option<Sender<u32>> = Some(tx);
/// hbsync::select! {
///     send(out, 5) -> r => assert!(r.is_ok()),
/// }
/// out = None; // done sending: the case is disabled from now on
/// hbsync::select! {
///     send(out, 6) -> _ => unreachable!(),
///     default => {}
/// }
/// assert_eq!(rx.try_recv(), Ok(5));
/// ```
pub trait SendOperand<T> {
    #[doc(hidden)]
    fn sender(&self) -> Option<&Sender<T>>;
}

impl<T> RecvOperand<T> for Receiver<T> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        Some(self)
    }
}
impl<T> RecvOperand<T> for Option<Receiver<T>> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        self.as_ref()
    }
}
impl<T> RecvOperand<T> for Option<&Receiver<T>> {
    fn receiver(&self) -> Option<&Receiver<T>> {
        *self
    }
}
impl<T, R: RecvOperand<T> + ?Sized> RecvOperand<T> for &R {
    fn receiver(&self) -> Option<&Receiver<T>> {
        (**self).receiver()
    }
}
impl<T> SendOperand<T> for Sender<T> {
    fn sender(&self) -> Option<&Sender<T>> {
        Some(self)
    }
}
impl<T> SendOperand<T> for Option<Sender<T>> {
    fn sender(&self) -> Option<&Sender<T>> {
        self.as_ref()
    }
}
impl<T> SendOperand<T> for Option<&Sender<T>> {
    fn sender(&self) -> Option<&Sender<T>> {
        *self
    }
}
impl<T, S: SendOperand<T> + ?Sized> SendOperand<T> for &S {
    fn sender(&self) -> Option<&Sender<T>> {
        (**self).sender()
    }
}
