//! std backend of the facade: thin wrappers with the checker-shaped API.

pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::AtomicPtr;
    pub use std::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
}

pub(crate) mod thread {
    pub(crate) use std::thread::park_timeout;
    pub(crate) use std::thread::spawn;
    pub use std::thread::{current, park, yield_now, JoinHandle, Thread};
}

pub(crate) mod hint {
    pub(crate) use std::hint::spin_loop;
}

pub(crate) mod cell {
    /// `UnsafeCell` with loom's closure-based API, so the same code runs under loom.
    ///
    /// ```
    /// use hbsync::check::cell::UnsafeCell;
    ///
    /// let cell = UnsafeCell::new(1);
    /// // SAFETY: no other access to the cell exists (under loom, a concurrent one would be
    /// // reported as a causality violation).
    /// cell.with_mut(|p| unsafe { *p += 1 });
    /// assert_eq!(cell.with(|p| unsafe { *p }), 2);
    /// ```
    #[derive(Debug)]
    pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        /// Wraps `value`.
        pub const fn new(value: T) -> Self {
            Self(std::cell::UnsafeCell::new(value))
        }

        /// Unwraps the value.
        pub fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        /// Runs `f` with a shared pointer to the contents.
        #[inline(always)]
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Runs `f` with a unique pointer to the contents.
        #[inline(always)]
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

/// A poison-free mutex: a panic while the lock is held does not make later locks fail.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T: ?Sized>(std::sync::Mutex<T>);

impl<T> Mutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(std::sync::Mutex::new(value))
    }
}

impl<T: ?Sized> Mutex<T> {
    #[inline]
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub(crate) use std::sync::MutexGuard;
