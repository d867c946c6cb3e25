//! shuttle backend of the facade. Shuttle has no `UnsafeCell` of its own (and no race
//! detector): the std-shaped wrapper is used. MODEL GAP: shuttle's atomics are sequentially
//! consistent, so nothing here can back an ordering claim; only loom does.

pub(crate) mod atomic {
    pub(crate) use shuttle::sync::atomic::AtomicPtr;
    pub use shuttle::sync::atomic::{fence, AtomicBool, AtomicU64, AtomicUsize, Ordering};
}

pub(crate) mod thread {
    pub(crate) use shuttle::thread::spawn;
    pub use shuttle::thread::{current, park, yield_now, JoinHandle, Thread};
}

pub(crate) mod hint {
    /// shuttle's own `spin_loop` does not yield to the scheduler, so a spin loop would run
    /// until `max_steps`: a spin here is a scheduling point instead.
    pub(crate) fn spin_loop() {
        shuttle::thread::yield_now();
    }
}

pub(crate) mod cell {
    /// `UnsafeCell` with loom's closure-based API (shuttle does not check cell accesses).
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
        pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        /// Runs `f` with a unique pointer to the contents.
        pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}

/// A poison-free mutex over shuttle's mutex.
#[derive(Debug, Default)]
pub(crate) struct Mutex<T: ?Sized>(shuttle::sync::Mutex<T>);

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(shuttle::sync::Mutex::new(value))
    }
}

impl<T: ?Sized> Mutex<T> {
    #[inline]
    pub(crate) fn lock(&self) -> shuttle::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub(crate) use shuttle::sync::MutexGuard;
