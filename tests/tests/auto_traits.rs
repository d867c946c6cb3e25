//! Issue 10, item 1: the `Send`/`Sync` bounds of every public type, checked at compile time.
//! Each line states the bound a user may rely on; the negative ones (a guard shared across
//! threads must not expose a `Cell`, a blocking guard is not `Send`) are `compile_fail`
//! doctests next to the types (`AsyncMutexGuard`, `MutexGuard`, `Sender`).
#![allow(dead_code)]

use std::cell::Cell;
use std::rc::Rc;

use hbsync::chan::{
    IntoIter, Iter, Receiver, RecvError, RecvFuture, RecvTimeoutError, SelectRecv, SelectSend,
    SendError, SendFuture, SendTimeoutError, Sender, TryIter, TryRecvError, TrySendError,
};
use hbsync::context::{AfterFunc, CancelCauseFunc, CancelFunc, Context, ContextError};
use hbsync::{
    AsyncMutexGuard, LockFuture, Mutex, MutexGuard, Once, OnceValue, WaitFuture, WaitGroup,
};

fn send<T: Send>() {}
fn sync<T: Sync>() {}
fn both<T: Send + Sync>() {}

/// `T: Send` is all a channel needs to cross threads, as std's and crossbeam's.
fn channels<T: Send + 'static>() {
    both::<Sender<T>>();
    both::<Receiver<T>>();
    send::<SendFuture<'static, T>>();
    send::<RecvFuture<'static, T>>();
    send::<Iter<'static, T>>();
    send::<TryIter<'static, T>>();
    send::<IntoIter<T>>();
    send::<SendError<T>>();
    send::<TrySendError<T>>();
    send::<SendTimeoutError<T>>();
}

/// `Mutex<T>` needs only `T: Send` (it hands `&mut T` to one holder at a time); sharing a
/// guard shares `&T`, so a guard is `Sync` only for `T: Sync`.
fn mutexes<T: Send + 'static>() {
    both::<Mutex<T>>();
    send::<AsyncMutexGuard<'static, T>>();
    send::<LockFuture<'static, T>>();
}

fn guards_shared<T: Sync + 'static>() {
    sync::<MutexGuard<'static, T>>();
}

fn guards_shared_async<T: Send + Sync + 'static>() {
    both::<AsyncMutexGuard<'static, T>>();
}

fn once_values<T: Send + Sync>() {
    both::<OnceValue<T>>();
}

#[test]
fn public_types_have_the_documented_bounds() {
    // Non-`Sync` payloads still make `Send + Sync` channels and mutexes.
    channels::<Cell<u8>>();
    mutexes::<Cell<u8>>();
    guards_shared::<u8>();
    guards_shared_async::<u8>();
    once_values::<u8>();
    send::<OnceValue<Cell<u8>>>();
    both::<RecvError>();
    both::<TryRecvError>();
    both::<RecvTimeoutError>();
    both::<WaitGroup>();
    send::<WaitFuture<'static>>();
    both::<Once>();
    both::<Context>();
    both::<CancelFunc>();
    both::<CancelCauseFunc>();
    both::<AfterFunc>();
    both::<ContextError>();
    // Select handles belong to the thread that runs the select.
    let _ = std::mem::size_of::<SelectRecv<'static, Rc<u8>>>();
    let _ = std::mem::size_of::<SelectSend<'static, Rc<u8>>>();
}
