//! Traces of hbsync-level events, and leak and deadlock diagnosis, for models.
//!
//! In checker builds, while a model runs under [`check::model`](crate::check::model), every
//! primitive records what each task does (`t2 send chan#1 -> blocked`, `t1 recv chan#1 ->
//! ok`, `t3 lock mutex#2 -> acquired`, `cancel ctx#4`), and which tasks are waiting in which
//! operation. When the model fails (a deadlock, a data race, an assertion, or a leak found
//! here), the failing execution is printed as a timeline with one column per task, with
//! each waiting task's operation and where it was spawned, and kept for
//! [`take_last_failure`].
//!
//! **Leaks.** When the model's main task returns while another task is still waiting in an
//! hbsync operation, that is a leak, reported as `leak: t1 (spawned at src/x.rs:10:5) is
//! blocked in send chan#1`, whether or not the checker would call it a deadlock (shuttle
//! drops a blocked detached task silently; loom cannot tell a leak from a deadlock).
//!
//! **std builds record nothing and pay nothing**: every recording function is an empty
//! `#[inline(always)]` function there, and its formatting closures are never called.
// Allowed outside the facade (as in the catalogue test): the panic hook's one-time install is checker bookkeeping, not program state.
#![allow(clippy::disallowed_types)]

#[cfg(any(loom, shuttle))]
pub use imp::{assert_no_leaks, take_last_failure, with_task};
#[cfg(any(loom, shuttle))]
pub(crate) use imp::{begin, end, enter_task, finish, obj, record, spawned, wait_end, wait_start};

/// The mark of a task's `blocked_in` that is a pending future rather than a parked thread.
const PENDING: &str = " (pending future)";

/// What made a model fail.
///
/// ```
/// use hbsync::trace::FailureKind;
///
/// // What a test of a model might check in the failure it caught.
/// fn expected(kind: FailureKind) -> bool {
///     matches!(kind, FailureKind::Deadlock | FailureKind::Leak)
/// }
/// assert!(expected(FailureKind::Leak) && !expected(FailureKind::DataRace));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Every task blocked (the checker's deadlock report).
    Deadlock,
    /// The main task returned while another task was still blocked in hbsync.
    Leak,
    /// The checker found a data race (loom's causality violation).
    DataRace,
    /// Any other panic: an assertion of the model, a misuse panic.
    Panic,
}

/// One recorded event (see [`Failure`] for a whole execution).
///
/// ```
/// let e = hbsync::trace::Event { task: 0, text: "send chan#1 -> blocked".into() };
/// assert!(e.text.ends_with("blocked"));
/// ```
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into [`Failure::tasks`].
    pub task: usize,
    /// `send chan#1 -> blocked`.
    pub text: String,
}

/// A task of the failing execution (see [`Failure`]).
///
/// ```
/// let t = hbsync::trace::Task {
///     name: "t1".into(),
///     spawned_at: Some("src/lib.rs:10:5".into()),
///     blocked_in: None,
/// };
/// assert_eq!(t.name, "t1");
/// ```
#[derive(Debug, Clone)]
pub struct Task {
    /// `main`, `t1`, `t2`, ….
    pub name: String,
    /// Where it was spawned (`file:line:col`), if through hbsync.
    pub spawned_at: Option<String>,
    /// The operation it was blocked in when the model failed, if any.
    pub blocked_in: Option<String>,
}

/// The failing execution of a model: what happened, and why it failed.
///
/// Checker builds make these ([`take_last_failure`]); one written by hand shows the parts:
///
/// ```
/// use hbsync::trace::{Event, Failure, FailureKind, Task};
///
/// let task = |name: &str, blocked: &str| Task {
///     name: name.into(),
///     spawned_at: None,
///     blocked_in: Some(blocked.into()),
/// };
/// let failure = Failure {
///     kind: FailureKind::Deadlock,
///     message: "deadlock".into(),
///     tasks: vec![task("main", "recv chan#1"), task("t1", "lock mutex#1")],
///     events: vec![
///         Event { task: 1, text: "lock mutex#1 -> blocked".into() },
///         Event { task: 0, text: "recv chan#1 -> blocked".into() },
///     ],
/// };
/// assert_eq!(
///     failure.diagnosis(),
///     "deadlock: main blocked in recv chan#1; t1 blocked in lock mutex#1"
/// );
/// assert!(failure.timeline().contains("lock mutex#1 -> blocked"));
/// ```
#[derive(Debug, Clone)]
pub struct Failure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// The panic message (the checker's, or hbsync's leak report).
    pub message: String,
    /// The tasks, in order of creation.
    pub tasks: Vec<Task>,
    /// Every event of the execution, in order.
    pub events: Vec<Event>,
}

impl Failure {
    /// A one-line diagnosis: `deadlock: main blocked in recv chan#1; t1 blocked in lock
    /// mutex#1`, `leak: …`, `data race: …`, `panic: …`.
    ///
    /// ```
    /// use hbsync::trace::{Failure, FailureKind};
    ///
    /// let f = Failure {
    ///     kind: FailureKind::Panic,
    ///     message: "assertion failed: got == 2\nmore detail".into(),
    ///     tasks: vec![],
    ///     events: vec![],
    /// };
    /// assert_eq!(f.diagnosis(), "panic: assertion failed: got == 2");
    /// ```
    pub fn diagnosis(&self) -> String {
        let blocked: Vec<String> = self
            .tasks
            .iter()
            .filter_map(|t| {
                let op = t.blocked_in.as_ref()?;
                let at = t
                    .spawned_at
                    .as_ref()
                    .map_or(String::new(), |s| format!(" (spawned at {s})"));
                Some(match op.strip_suffix(PENDING) {
                    Some(op) => format!("{}{at} awaits {op}", t.name),
                    None => format!("{}{at} blocked in {op}", t.name),
                })
            })
            .collect();
        let first_line = self.message.lines().next().unwrap_or("");
        match self.kind {
            FailureKind::Deadlock => format!("deadlock: {}", blocked.join("; ")),
            FailureKind::Leak => first_line.to_string(),
            FailureKind::DataRace => format!("data race: {first_line}"),
            FailureKind::Panic => format!("panic: {first_line}"),
        }
    }

    /// The execution as a timeline, one column per task, ending with the diagnosis.
    ///
    /// ```
    /// use hbsync::trace::{Event, Failure, FailureKind, Task};
    ///
    /// let f = Failure {
    ///     kind: FailureKind::Leak,
    ///     message: "leak: t1 is blocked in send chan#1".into(),
    ///     tasks: vec![
    ///         Task { name: "main".into(), spawned_at: None, blocked_in: None },
    ///         Task { name: "t1".into(), spawned_at: None, blocked_in: Some("send chan#1".into()) },
    ///     ],
    ///     events: vec![Event { task: 1, text: "send chan#1 -> blocked".into() }],
    /// };
    /// let timeline = f.timeline();
    /// assert!(timeline.starts_with("step | main"));
    /// assert!(timeline.ends_with("=> leak: t1 is blocked in send chan#1\n"));
    /// ```
    pub fn timeline(&self) -> String {
        /// The width of one task's column, in characters.
        const W: usize = 30;
        let mut out = String::new();
        let cell = |s: &str| {
            let mut s: String = s.chars().take(W - 1).collect();
            while s.chars().count() < W {
                s.push(' ');
            }
            s
        };
        out.push_str("step | ");
        for t in &self.tasks {
            out.push_str(&cell(&t.name));
        }
        out.push('\n');
        out.push_str(&"-".repeat(7 + W * self.tasks.len()));
        out.push('\n');
        for (i, e) in self.events.iter().enumerate() {
            // Long events wrap within their task's column, at spaces.
            for (k, piece) in wrap(&e.text, W - 2).iter().enumerate() {
                if k == 0 {
                    out.push_str(&format!("{:4} | ", i + 1));
                } else {
                    out.push_str("     | ");
                }
                for t in 0..self.tasks.len() {
                    out.push_str(&cell(if t == e.task { piece } else { "" }));
                }
                out.push('\n');
            }
        }
        out.push_str(&format!("=> {}\n", self.diagnosis()));
        out
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces where possible (how
/// timelines, and the report's diagrams, lay out an event).
///
/// ```
/// let lines = hbsync::trace::wrap("recv chan#1 -> blocked", 12);
/// assert_eq!(lines, ["recv chan#1", "-> blocked"]);
/// ```
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("never empty");
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(String::new());
        }
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines
}

#[cfg(not(any(loom, shuttle)))]
mod noop {
    /// std builds: nothing is recorded.
    #[inline(always)]
    pub(crate) fn record<F: FnOnce() -> String>(_event: F) {}
    #[inline(always)]
    pub(crate) fn obj(_kind: &'static str, _addr: usize) -> String {
        String::new()
    }
    #[inline(always)]
    pub(crate) fn wait_start<F: FnOnce() -> String>(_key: usize, _blocking: bool, _what: F) {}
    #[inline(always)]
    pub(crate) fn wait_end(_key: usize) {}
}
#[cfg(not(any(loom, shuttle)))]
pub(crate) use noop::{obj, record, wait_end, wait_start};

/// An hbsync object that traces can name ([`name`]): channels (either handle), `Mutex`,
/// `WaitGroup`, `Once`.
///
/// ```
/// let m = hbsync::Mutex::new(0);
/// let wg = hbsync::WaitGroup::new();
/// hbsync::trace::name(&m, "counter"); // traces say `lock mutex:counter`
/// hbsync::trace::name(&wg, "workers");
/// ```
pub trait Named {
    #[doc(hidden)]
    fn trace_key(&self) -> (&'static str, usize);
}

/// Names `object` in this execution's traces: `send chan:jobs -> blocked` instead of
/// `send chan#1 -> blocked`. Checker builds only (nothing in std builds); call it inside the
/// model, once per execution, right after creating the object.
///
/// ```
/// let (tx, _rx) = hbsync::chan::bounded::<u32>(0);
/// hbsync::trace::name(&tx, "jobs");
/// ```
pub fn name(object: &impl Named, name: &str) {
    #[cfg(any(loom, shuttle))]
    {
        let (kind, addr) = object.trace_key();
        imp::set_name(kind, addr, name);
    }
    #[cfg(not(any(loom, shuttle)))]
    let _ = (object, name);
}

/// Runs `f` as the task `name` of an executor running on the current thread, so its events
/// and waits get their own column in traces (`main/task1`) with where it was spawned. For
/// executors that multiplex tasks on one model thread; std builds just run `f`.
///
/// ```
/// use std::panic::Location;
///
/// // An executor polls each of its tasks inside `with_task`.
/// let spawned_at = Location::caller();
/// let polled = hbsync::trace::with_task("task1", spawned_at, || "polled");
/// assert_eq!(polled, "polled");
/// ```
#[cfg(not(any(loom, shuttle)))]
pub fn with_task<R>(
    _name: &str,
    _spawned_at: &'static std::panic::Location<'static>,
    f: impl FnOnce() -> R,
) -> R {
    f()
}

/// Panics with a leak report if a task other than the caller's main task is blocked in an
/// hbsync operation now (checker builds; nothing in std builds). Call it where a model's main
/// task considers its work done while long-lived objects (a server's channel) stay alive.
///
/// ```
/// hbsync::check::model(|| {
///     let (tx, rx) = hbsync::chan::bounded(0);
///     let worker = hbsync::check::thread::spawn(move || tx.send(1));
///     assert_eq!(rx.recv(), Ok(1));
///     worker.join().unwrap().unwrap();
///     hbsync::trace::assert_no_leaks(); // nobody is left waiting
/// });
/// ```
#[cfg(not(any(loom, shuttle)))]
pub fn assert_no_leaks() {}

/// The last model failure seen on this thread (std builds: always `None`: nothing is
/// recorded).
///
/// ```
/// let caught = std::panic::catch_unwind(|| {
///     hbsync::check::model(|| {
///         let (_tx, rx) = hbsync::chan::bounded::<u32>(0);
///         let _ = rx.try_recv();
///         assert!(cfg!(any(loom, shuttle)), "a failing model");
///     });
/// });
/// assert!(caught.is_err(), "the model failed");
/// // Checker builds keep the failing execution; std builds record nothing.
/// match hbsync::trace::take_last_failure() {
///     Some(failure) => eprintln!("{}", failure.timeline()),
///     None => assert!(!cfg!(any(loom, shuttle))),
/// }
/// ```
#[cfg(not(any(loom, shuttle)))]
pub fn take_last_failure() -> Option<Failure> {
    None
}

#[cfg(any(loom, shuttle))]
mod imp {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, BTreeSet};
    use std::panic::Location;

    use super::{Event, Failure, FailureKind, Task};

    #[derive(Default)]
    struct State {
        active: bool,
        /// The model's main task returned; the execution goes on until every task ends.
        main_done: bool,
        /// Checker thread id (its Debug form) → task index.
        ids: BTreeMap<String, usize>,
        tasks: Vec<Task>,
        events: Vec<Event>,
        /// Object (kind, address) → number, per kind.
        objects: BTreeMap<(&'static str, usize), usize>,
        counts: BTreeMap<&'static str, usize>,
        /// Waiting operations: key (the waiter's address) → (task, what, blocking). A
        /// blocking wait parks the task's thread; a non-blocking one is a pending future.
        waiting: BTreeMap<usize, (usize, String, bool)>,
        /// Set by `spawned`, taken by the child's `enter_task`.
        pending_names: BTreeSet<usize>,
        /// Names given with `trace::name`: (kind, address) → name.
        names: BTreeMap<(&'static str, usize), String>,
        /// Checker thread id → the executor task it is polling now (`with_task`).
        polling: BTreeMap<String, usize>,
        /// (thread id, task name) → task index, for executor tasks.
        named: BTreeMap<(String, String), usize>,
    }

    std::thread_local! {
        // loom and shuttle run every model thread on the OS thread that called the checker,
        // so one thread-local state sees the whole execution.
        static STATE: RefCell<State> = RefCell::new(State::default());
        static LAST: RefCell<Option<Failure>> = const { RefCell::new(None) };
    }

    fn current_id() -> String {
        format!("{:?}", crate::sync::thread::current().id())
    }

    /// This task's index, naming it on first sight.
    fn task(st: &mut State) -> usize {
        let id = current_id();
        if let Some(&t) = st.polling.get(&id) {
            return t;
        }
        if let Some(&t) = st.ids.get(&id) {
            return t;
        }
        let t = st.tasks.len();
        st.tasks.push(Task {
            name: format!("t{t}?"),
            spawned_at: None,
            blocked_in: None,
        });
        st.ids.insert(id, t);
        t
    }

    /// Starts recording a new execution (called by `check::model` for each execution).
    pub(crate) fn begin() {
        install_hook();
        STATE.with(|s| {
            let mut st = s.borrow_mut();
            *st = State {
                active: true,
                ..State::default()
            };
            st.tasks.push(Task {
                name: "main".into(),
                spawned_at: None,
                blocked_in: None,
            });
            let id = current_id();
            st.ids.insert(id, 0);
        });
    }

    /// The model's main task returned: any task still waiting is a leak.
    pub(crate) fn end() {
        assert_no_leaks();
        // Keep recording: the checker runs the other tasks to their end, and a task that
        // blocks forever after this point is a leak too (the checker reports it as a
        // deadlock; `capture` renames it).
        STATE.with(|s| s.borrow_mut().main_done = true);
    }

    /// The checker finished every execution: stop recording on this thread.
    pub(crate) fn finish() {
        STATE.with(|s| s.borrow_mut().active = false);
    }

    /// `leak: t1 (spawned at …) is still blocked in …` for the first waiting non-main task.
    fn leak_message(st: &State, when: &str) -> Option<String> {
        let (task, what, _) = st
            .waiting
            .values()
            .filter(|(t, _, _)| *t != 0)
            .min_by_key(|(t, _, blocking)| (!*blocking, *t))?;
        let t = &st.tasks[*task];
        let at = t
            .spawned_at
            .as_ref()
            .map_or(String::new(), |s| format!(" (spawned at {s})"));
        Some(format!(
            "leak: {}{at} is still blocked in {what} {when}",
            t.name
        ))
    }

    /// Panics with a leak report if a task other than main is waiting in hbsync now.
    pub fn assert_no_leaks() {
        let leak = STATE.with(|s| {
            let st = s.try_borrow().ok()?;
            if !st.active {
                return None;
            }
            leak_message(&st, "when the model's main task finished")
        });
        if let Some(msg) = leak {
            panic!("{msg}");
        }
    }

    /// A task is being spawned at `at`: returns its index (for `enter_task`).
    pub(crate) fn spawned(at: &'static Location<'static>) -> Option<usize> {
        STATE.with(|s| {
            let mut st = s.borrow_mut();
            if !st.active {
                return None;
            }
            let parent = task(&mut st);
            let t = st.tasks.len();
            st.tasks.push(Task {
                name: format!("t{t}"),
                spawned_at: Some(at.to_string()), // `file:line:col`
                blocked_in: None,
            });
            st.pending_names.insert(t);
            let text = format!("spawn t{t}");
            st.events.push(Event { task: parent, text });
            Some(t)
        })
    }

    /// The spawned task `t` starts: binds the running checker thread to it.
    pub(crate) fn enter_task(t: Option<usize>) {
        let Some(t) = t else { return };
        STATE.with(|s| {
            let mut st = s.borrow_mut();
            if st.active && st.pending_names.remove(&t) {
                let id = current_id();
                st.ids.insert(id, t);
            }
        });
    }

    /// Whether an execution is being recorded on this thread.
    fn active() -> bool {
        STATE.with(|s| s.try_borrow().is_ok_and(|st| st.active))
    }

    /// Runs `f` as the executor task `name` of the current thread (see
    /// [`crate::trace::with_task`]).
    pub fn with_task<R>(
        name: &str,
        spawned_at: &'static Location<'static>,
        f: impl FnOnce() -> R,
    ) -> R {
        let entered = STATE.with(|s| {
            let mut st = s.try_borrow_mut().ok()?;
            if !st.active {
                return None;
            }
            let id = current_id();
            let host = st.ids.get(&id).copied().unwrap_or(0);
            let key = (id.clone(), name.to_string());
            let t = match st.named.get(&key) {
                Some(&t) => t,
                None => {
                    let t = st.tasks.len();
                    let host_name = st.tasks[host].name.clone();
                    st.tasks.push(Task {
                        name: format!("{host_name}/{name}"),
                        spawned_at: Some(spawned_at.to_string()),
                        blocked_in: None,
                    });
                    st.named.insert(key, t);
                    t
                }
            };
            st.polling.insert(id.clone(), t);
            Some(id)
        });
        struct Leave(Option<String>);
        impl Drop for Leave {
            fn drop(&mut self) {
                if let Some(id) = self.0.take() {
                    STATE.with(|s| {
                        if let Ok(mut st) = s.try_borrow_mut() {
                            st.polling.remove(&id);
                        }
                    });
                }
            }
        }
        let _leave = Leave(entered);
        f()
    }

    /// Records an event of the current task. The text is built before the state is
    /// borrowed (it may name objects, which borrows the state too).
    pub(crate) fn record<F: FnOnce() -> String>(event: F) {
        if !active() {
            return;
        }
        let text = event();
        STATE.with(|s| {
            if let Ok(mut st) = s.try_borrow_mut() {
                let task = task(&mut st);
                st.events.push(Event { task, text });
            }
        });
    }

    /// `chan#3`: a stable short name for the object at `addr` in this execution.
    /// Records `name` for the object (kind, addr) in this execution.
    pub(crate) fn set_name(kind: &'static str, addr: usize, name: &str) {
        STATE.with(|s| {
            if let Ok(mut st) = s.try_borrow_mut() {
                st.names.insert((kind, addr), name.to_string());
            }
        });
    }

    pub(crate) fn obj(kind: &'static str, addr: usize) -> String {
        STATE.with(|s| {
            let Ok(mut st) = s.try_borrow_mut() else {
                return format!("{kind}#?");
            };
            if let Some(name) = st.names.get(&(kind, addr)) {
                return format!("{kind}:{name}");
            }
            if let Some(n) = st.objects.get(&(kind, addr)) {
                return format!("{kind}#{n}");
            }
            let n = {
                let c = st.counts.entry(kind).or_insert(0);
                *c += 1;
                *c
            };
            st.objects.insert((kind, addr), n);
            format!("{kind}#{n}")
        })
    }

    /// The current task starts waiting (key: the waiter record's address); `blocking`: its
    /// thread parks (else: a pending future of the task).
    pub(crate) fn wait_start<F: FnOnce() -> String>(key: usize, blocking: bool, what: F) {
        if !active() {
            return;
        }
        let what = what();
        STATE.with(|s| {
            if let Ok(mut st) = s.try_borrow_mut() {
                let task = task(&mut st);
                st.waiting.insert(key, (task, what, blocking));
            }
        });
    }

    /// The waiter `key` was completed or withdrew.
    pub(crate) fn wait_end(key: usize) {
        STATE.with(|s| {
            if let Ok(mut st) = s.try_borrow_mut() {
                st.waiting.remove(&key);
            }
        });
    }

    /// Takes the failure of the last model that failed on this thread.
    pub fn take_last_failure() -> Option<Failure> {
        LAST.with(|l| l.borrow_mut().take())
    }

    fn install_hook() {
        static HOOK: std::sync::Once = std::sync::Once::new();
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                capture(info);
                previous(info);
            }));
        });
    }

    /// On the first panic of an execution: snapshot the trace, classify, print.
    ///
    /// Only panics with a message count: the checker's own reports (deadlock, causality
    /// violation), assertions and `panic!`s all carry one. loom also unwinds the coroutine of
    /// every model thread it cancels at the end of an execution, with a payload that is not a
    /// message, in *passing* executions too: that is not a failure and is not recorded.
    fn capture(info: &std::panic::PanicHookInfo<'_>) {
        let Some(message) = crate::check::panic_message(info.payload()) else {
            return;
        };
        let failure = STATE.with(|s| {
            let Ok(mut st) = s.try_borrow_mut() else {
                return None;
            };
            if !st.active {
                return None;
            }
            st.active = false;
            let mut tasks = st.tasks.clone();
            // A task's blocking wait (its thread parked) names where it is stuck; without
            // one, its pending futures do.
            for (task, what, blocking) in st.waiting.values() {
                if *blocking {
                    tasks[*task].blocked_in = Some(what.clone());
                }
            }
            for (task, what, blocking) in st.waiting.values() {
                let t = &mut tasks[*task];
                if !*blocking && t.blocked_in.is_none() {
                    t.blocked_in = Some(format!("{what}{}", super::PENDING));
                }
            }
            let mut message = message.clone();
            let kind = if message.starts_with("leak:") {
                FailureKind::Leak
            } else if st.main_done && message.contains("deadlock") {
                // Main returned; a task blocked forever afterwards.
                if let Some(m) = leak_message(&st, "after the model's main task returned") {
                    message = format!("{m}\n(checker: {message})");
                }
                FailureKind::Leak
            } else if message.contains("deadlock") {
                FailureKind::Deadlock
            } else if message.contains("Causality violation") {
                FailureKind::DataRace
            } else {
                FailureKind::Panic
            };
            Some(Failure {
                kind,
                message,
                tasks,
                events: std::mem::take(&mut st.events),
            })
        });
        if let Some(f) = failure {
            if std::env::var_os("HBSYNC_TRACE_QUIET").is_none() {
                eprintln!("\nhbsync trace of the failing execution:\n{}", f.timeline());
            }
            LAST.with(|l| *l.borrow_mut() = Some(f));
        }
    }
}
