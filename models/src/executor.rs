//! A small single-threaded executor built on hbsync's facade, so async pitfalls can be
//! modelled the way they happen in real event loops (one thread runs every task; a task that
//! blocks the thread blocks them all).
//!
//! - [`Executor::spawn`] queues a task and returns a [`Task`] handle (a future of its output);
//! - [`Executor::run_until_idle`] polls ready tasks until none is ready;
//! - [`Executor::block_on`] runs the executor until a future completes, parking the thread
//!   (a model thread under a checker) while no task is ready; wakers unpark it.
//!
//! When an executor is dropped with tasks that never completed, it reports a leak naming
//! where each was spawned (a task created but never run, or never driven to the end).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Mutex;
use std::task::{Context, Poll, Wake, Waker};

use hbsync::check::sync::Arc;
use hbsync::check::thread::{self, Thread};

type BoxFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Task ids made ready by wakers, and the thread to unpark. The queue's lock is std's: every
/// model thread runs on one OS thread and nothing inside the lock is a scheduling point, so
/// it is never contended; the edge that matters is the modelled `unpark`.
struct Ready {
    queue: Mutex<VecDeque<usize>>,
    thread: Thread,
}

impl Ready {
    fn push(&self, id: usize) {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(id);
        self.thread.unpark();
    }

    fn pop(&self) -> Option<usize> {
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }
}

struct TaskWaker {
    id: usize,
    ready: Arc<Ready>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.ready.push(self.id);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.push(self.id);
    }
}

struct Slot {
    future: Option<BoxFuture>,
    spawned_at: &'static Location<'static>,
}

/// A single-threaded executor (see the module docs).
pub struct Executor {
    tasks: RefCell<Vec<Slot>>,
    ready: Arc<Ready>,
}

/// A spawned task's handle: await it for the task's output.
pub struct Task<T> {
    state: Rc<RefCell<TaskState<T>>>,
}

struct TaskState<T> {
    output: Option<T>,
    joiner: Option<Waker>,
}

impl<T> Future for Task<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut st = self.state.borrow_mut();
        match st.output.take() {
            Some(v) => Poll::Ready(v),
            None => {
                st.joiner = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Default for Executor {
    fn default() -> Self {
        Self::new()
    }
}

impl Executor {
    /// An executor on the current thread.
    pub fn new() -> Self {
        Self {
            tasks: RefCell::new(Vec::new()),
            ready: Arc::new(Ready {
                queue: Mutex::new(VecDeque::new()),
                thread: thread::current(),
            }),
        }
    }

    /// Queues `fut` as a task; it runs when the executor runs.
    #[track_caller]
    pub fn spawn<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let state = Rc::new(RefCell::new(TaskState {
            output: None,
            joiner: None,
        }));
        let s = state.clone();
        let task: BoxFuture = Box::pin(async move {
            let v = fut.await;
            let joiner = {
                let mut st = s.borrow_mut();
                st.output = Some(v);
                st.joiner.take()
            };
            if let Some(w) = joiner {
                w.wake();
            }
        });
        let mut tasks = self.tasks.borrow_mut();
        let id = tasks.len();
        tasks.push(Slot {
            future: Some(task),
            spawned_at: Location::caller(),
        });
        drop(tasks);
        self.ready.push(id);
        Task { state }
    }

    /// Polls ready tasks until none is ready. Returns how many polls it made.
    pub fn run_until_idle(&self) -> usize {
        let mut polls = 0;
        while let Some(id) = self.ready.pop() {
            let fut = self.tasks.borrow_mut()[id].future.take();
            let Some(mut fut) = fut else { continue }; // finished, or being polled
            let waker = Waker::from(Arc::new(TaskWaker {
                id,
                ready: self.ready.clone(),
            }));
            polls += 1;
            // Traces give each task its own column (`main/task1`).
            let at = self.tasks.borrow()[id].spawned_at;
            let pending = hbsync::trace::with_task(&format!("task{id}"), at, || {
                fut.as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_pending()
            });
            if pending {
                self.tasks.borrow_mut()[id].future = Some(fut);
            }
        }
        polls
    }

    /// Runs the executor until `fut` completes; parks while no task is ready.
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let main_ready = Arc::new(std::sync::atomic::AtomicBool::new(true));
        struct MainWaker {
            flag: Arc<std::sync::atomic::AtomicBool>,
            ready: Arc<Ready>,
        }
        impl Wake for MainWaker {
            fn wake(self: Arc<Self>) {
                self.wake_by_ref();
            }
            fn wake_by_ref(self: &Arc<Self>) {
                // Relaxed: a flag on the one OS thread all model threads run on; the
                // modelled edge is the unpark (executor bookkeeping: no hbsync claim).
                self.flag.store(true, std::sync::atomic::Ordering::Relaxed);
                self.ready.thread.unpark();
            }
        }
        let waker = Waker::from(Arc::new(MainWaker {
            flag: main_ready.clone(),
            ready: self.ready.clone(),
        }));
        let mut fut = std::pin::pin!(fut);
        loop {
            // Relaxed: see `MainWaker`.
            if main_ready.swap(false, std::sync::atomic::Ordering::Relaxed) {
                if let Poll::Ready(v) = fut.as_mut().poll(&mut Context::from_waker(&waker)) {
                    return v;
                }
            }
            // Relaxed: as in `MainWaker`; a missed flag only costs one more park/unpark round.
            if self.run_until_idle() == 0 && !main_ready.load(std::sync::atomic::Ordering::Relaxed)
            {
                thread::park();
            }
        }
    }

    /// Tasks not yet completed.
    pub fn pending(&self) -> usize {
        self.tasks
            .borrow()
            .iter()
            .filter(|s| s.future.is_some())
            .count()
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let left: Vec<String> = self
            .tasks
            .borrow()
            .iter()
            .filter(|s| s.future.is_some())
            .map(|s| s.spawned_at.to_string())
            .collect();
        if !left.is_empty() {
            panic!(
                "leak: executor task spawned at {} never completed (never run, or never driven to the end)",
                left.join(", ")
            );
        }
    }
}
