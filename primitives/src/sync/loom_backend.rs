//! loom backend of the facade: loom's types, with std's ergonomics where they differ.

pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::AtomicPtr;
    pub use loom::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
}

pub(crate) mod thread {
    pub(crate) use loom::thread::spawn;
    pub use loom::thread::{current, park, yield_now, JoinHandle, Thread};
}

pub(crate) mod hint {
    pub(crate) use loom::hint::spin_loop;
}

pub(crate) mod cell {
    pub use loom::cell::UnsafeCell;
}

/// A poison-free mutex over loom's mutex.
#[derive(Debug)]
pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(loom::sync::Mutex::new(value))
    }

    #[inline]
    pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub(crate) use loom::sync::MutexGuard;
