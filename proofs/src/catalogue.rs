//! The claim catalogue as data: one row per happens-before claim. The README's claim table,
//! `cargo verify`'s report and its JSON are generated from these rows; adding a claim is
//! adding a row here and its litmus program in [`crate::litmus`].

/// Whether a claim states an edge hbsync guarantees, or one it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A guarantee: loom must find no data race; each mutant must make it fail.
    Positive,
    /// A non-guarantee: the program wrongly relies on the edge; loom must find its race.
    Negative,
}

/// One happens-before claim.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    /// Stable id, as used in docs and code comments (`HB-CHAN-SEND`).
    pub id: &'static str,
    /// The claim in Go memory-model words.
    pub statement: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// The primitive it is about.
    pub primitive: &'static str,
    /// Guarantee or non-guarantee.
    pub kind: Kind,
    /// The litmus program (a function name in `litmus.rs`).
    pub proof: &'static str,
    /// The configuration the proof explores, in words.
    pub config: &'static str,
    /// Model threads, including the model's main thread.
    pub threads: usize,
    /// loom preemption bound (`None`: unbounded, exhaustive).
    pub preemption_bound: Option<usize>,
    /// The ordering sites the claim rests on; each is a mutant that must break the proof.
    pub sites: &'static [&'static str],
    /// The claims this one builds on: `cargo verify` runs their sites' mutants against this
    /// claim's proof too (each must break it as well), so a composed edge is checked where
    /// it is used, not only where it is defined. `ID/prefix` inherits only the sites whose
    /// names start with `prefix` (the paths of that claim this one reaches).
    pub via: &'static [&'static str],
    /// Why a positive claim has no site of hbsync's own, if so.
    pub note: &'static str,
}

/// A blocking waiter's hand-off: the completer's Release store and the waiter's Acquire load.
const WAITER: &[&str] = &["chan.waiter.complete", "chan.waiter.observe"];

/// Every claim, in report order.
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "HB-SPAWN",
        statement: "go(f) is synchronized before the first action of f's task",
        source: "Go memory model: goroutine creation",
        primitive: "go",
        kind: Kind::Positive,
        proof: "hb_spawn",
        config: "main writes, then go(read)",
        threads: 2,
        preemption_bound: None,
        sites: &[],
        via: &[],
        note: "edge is the thread runtime's spawn; hbsync has no ordering of its own to weaken",
    },
    Claim {
        id: "HB-CHAN-SEND",
        statement: "a send is synchronized before the completion of the receive that takes its value",
        source: "Go memory model: channel communication, rule 1",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_send",
        config: "1 sender, 1 receiver; cap 0, 1, unbounded",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "chan.waiter.complete",
            "chan.waiter.observe",
            "chan.ring.send.publish",
            "chan.ring.recv.observe",
            "chan.list.send.publish",
            "chan.list.recv.observe",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-CHAN-CLOSE",
        statement: "closing a channel is synchronized before a receive that returns because it is closed",
        source: "Go memory model: channel communication, rule 2",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_close",
        config: "1 closer, 1 receiver; cap 0, 1, unbounded",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "chan.waiter.complete",
            "chan.waiter.observe",
            "chan.ring.close",
            "chan.ring.recv.closed",
            "chan.list.close",
            "chan.list.recv.closed",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "SAFE-CHAN-BLOCKS",
        statement: "an unbounded channel's block is in place before any party uses it, and freed only after every receive from it is done",
        source: "memory safety of the lock-free list of blocks (Go's unbounded buffers are not Go's; this is hbsync's own)",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "safe_chan_blocks",
        config: "unbounded, 2 slots per block: 2 senders, then 2 receivers, across a block boundary; 2 receivers over 4 values (2 installs, a lagging receive's block kept and retired later); 3 values buffered, 2 received while 2 more are sent (a drained block kept as the spare and reused)",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "chan.list.send.tail",
            "chan.list.send.retry",
            "chan.list.send.install",
            "chan.list.recv.head",
            "chan.list.recv.retry",
            "chan.list.recv.install",
            "chan.list.recv.read",
            "chan.list.recv.reclaim",
            "chan.list.recv.recycle",
            "chan.list.send.reuse",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-CHAN-RENDEZVOUS",
        statement: "on bounded(0), the receive is synchronized before the completion of the matching send",
        source: "Go memory model: channel communication, rule 3",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_rendezvous",
        config: "1 sender, 1 receiver; cap 0",
        threads: 2,
        preemption_bound: None,
        sites: WAITER,
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-CHAN-CAPACITY",
        statement: "on a channel of capacity C, the k-th receive is synchronized before the completion of the (k+C)-th send",
        source: "Go memory model: channel communication, rule 4",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_capacity",
        config: "cap 1: 2 sends, 1 receive; cap 2: 3 sends, 1 receive; cap 1 with the buffer under the lock",
        threads: 2,
        preemption_bound: None,
        sites: &["chan.ring.recv.free", "chan.ring.send.observe", "chan.waiter.complete", "chan.waiter.observe"],
        via: &[],
        note: "",
    },
    Claim {
        id: "LIVE-CHAN-WAKE",
        statement: "a receiver (sender) that waits on a buffered channel while a value (room) arrives is woken: no lost wake-up",
        source: "liveness of the lock-free buffer: Go parks a receiver only with the buffer empty under the channel lock",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "live_chan_wake",
        config: "cap 1 and unbounded: a receiver, a sender, a 2-case select register while the other side moves the buffer",
        threads: 2,
        preemption_bound: None,
        sites: &["chan.ring.wake.look_first"],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-SELECT",
        statement: "a select! case that completes gives exactly the HB of the plain operation it performed; cases not taken give none and consume nothing",
        source: "Go spec: select statements, with the channel rules of the memory model",
        primitive: "select!",
        kind: Kind::Positive,
        proof: "hb_select",
        config: "cap 0 and 1; a 2-case select on the sending, then on the receiving side",
        threads: 2,
        preemption_bound: None,
        sites: &["chan.waiter.complete", "chan.waiter.observe", "chan.ring.send.publish", "chan.ring.recv.observe"],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-MUTEX",
        statement: "the n-th unlock is synchronized before the return of the (n+1)-th lock; a successful try_lock is a lock",
        source: "Go memory model: locks",
        primitive: "Mutex",
        kind: Kind::Positive,
        proof: "hb_mutex",
        config: "2 lockers read-modify-write; lock vs try_lock; a locker queued behind 2 critical sections (slow unlock, starvation hand-off); a withdrawn waiter (slow unlock, then a plain CAS)",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "mutex.unlock.fast",
            "mutex.unlock.slow",
            "mutex.lock.fast",
            "mutex.lock.try",
            "mutex.lock.queue",
            "chan.waiter.complete",
            "chan.waiter.observe",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-WG",
        statement: "each done is synchronized before the return of the wait that it unblocks",
        source: "Go sync.WaitGroup docs (memory model terminology)",
        primitive: "WaitGroup",
        kind: Kind::Positive,
        proof: "hb_wg",
        config: "add(2); 2 tasks write then done; main waits (at once, or after a yield) then reads both",
        threads: 3,
        preemption_bound: None,
        sites: &["wg.done", "wg.wait.fast", "wg.wait.enqueue", "wg.wait"],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-ONCE",
        statement: "the completion of the one call of f is synchronized before the return of every call_once",
        source: "Go memory model: once",
        primitive: "Once",
        kind: Kind::Positive,
        proof: "hb_once",
        config: "2 callers race call_once(write); each reads after it returns",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "once.complete",
            "once.observe",
            "chan.waiter.complete",
            "chan.waiter.observe",
            "once.done_early",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-CTX-CANCEL",
        statement: "a cancel is synchronized before every observation of it (done closed, err/cause returned, after-func start), and a parent's cancel before its descendants' observations",
        source: "Go context package docs; Go memory model (channel close, goroutine creation)",
        primitive: "Context",
        kind: Kind::Positive,
        proof: "hb_ctx_cancel",
        config: "canceller writes then cancels; observer via err (of a leaf, of a scope with a child, of a child), done made late, done, an after-func",
        threads: 3,
        preemption_bound: None,
        sites: &["ctx.cancel", "ctx.cancel.quick", "ctx.hold", "ctx.observe"],
        via: &["HB-CHAN-CLOSE/chan.waiter"],
        note: "",
    },
    Claim {
        id: "HB-CHAN-ASYNC",
        statement: "send_async and recv_async carry the edges of send and recv: the send before the completion of its receive, and on bounded(0) the receive before the completion of the send",
        source: "Go memory model: channel communication, rules 1 and 3, for the async faces",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_async",
        config: "cap 0 and 1; both sides poll their future by hand (no-op waker, a yield between polls)",
        threads: 2,
        preemption_bound: None,
        sites: &["chan.waiter.complete", "chan.send_async.observe", "chan.ring.send.publish", "chan.ring.recv.observe"],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-CHAN-TIMEOUT",
        statement: "a receive that completes inside recv_timeout, or a select case that completes before its default(timeout), gives the edges of the plain receive",
        source: "Go memory model: channel communication, with timers (a timeout that fires gives no edge)",
        primitive: "chan",
        kind: Kind::Positive,
        proof: "hb_chan_timeout",
        config: "cap 0: send_timeout vs recv_timeout; send_timeout vs a select with default(timeout); virtual time",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "chan.waiter.complete",
            "chan.waiter.observe_timed",
            "chan.waiter.observe_claimed",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-MUTEX-ASYNC",
        statement: "lock_async is a lock: the n-th unlock is synchronized before the (n+1)-th lock_async completes, including a starvation hand-off to an async waiter",
        source: "Go memory model: locks, for the async face",
        primitive: "Mutex",
        kind: Kind::Positive,
        proof: "hb_mutex_async",
        config: "a thread locks twice (read-modify-write); a task polls lock_async by hand (woken, barged, then handed the lock)",
        threads: 2,
        preemption_bound: None,
        sites: &[
            "mutex.lock_async.observe",
            "mutex.lock.try",
            "chan.waiter.complete",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-WG-ASYNC",
        statement: "each done is synchronized before the completion of the wait_async that it unblocks",
        source: "Go sync.WaitGroup docs, for the async face",
        primitive: "WaitGroup",
        kind: Kind::Positive,
        proof: "hb_wg_async",
        config: "add(2); 2 tasks write then done; main polls wait_async by hand, then reads both",
        threads: 3,
        preemption_bound: None,
        sites: &[
            "wg.done",
            "wg.wait_async.fast",
            "wg.wait.enqueue",
            "wg.wait_async.observe",
            "wg.wait_async",
        ],
        via: &[],
        note: "",
    },
    Claim {
        id: "HB-ONCE-VALUE",
        statement: "the initializer's completion is synchronized before every get_or_init returns and before every get that returns the value",
        source: "Go memory model: once (sync.OnceValue)",
        primitive: "OnceValue",
        kind: Kind::Positive,
        proof: "hb_once_value",
        config: "2 callers race get_or_init(write); one polls get first",
        threads: 2,
        preemption_bound: None,
        sites: &["once_value.get", "once.complete"],
        via: &[],
        note: "",
    },
    Claim {
        id: "N-TRYLOCK",
        statement: "a failed try_lock synchronizes nothing: it does not show the holder's writes",
        source: "Go memory model: locks (TryLock)",
        primitive: "Mutex",
        kind: Kind::Negative,
        proof: "n_trylock",
        config: "holder writes then locks; other side reads after a failed try_lock",
        threads: 2,
        preemption_bound: None,
        sites: &[],
        via: &[],
        note: "",
    },
    Claim {
        id: "N-TASK-EXIT",
        statement: "a task's exit is synchronized before nothing: without a join or a channel its writes may be unseen",
        source: "Go memory model: goroutine destruction",
        primitive: "go",
        kind: Kind::Negative,
        proof: "n_task_exit",
        config: "task writes and exits; main reads without join",
        threads: 2,
        preemption_bound: None,
        sites: &[],
        via: &[],
        note: "",
    },
    Claim {
        id: "N-CHAN-BUFFERED",
        statement: "on a buffered channel the receive is not synchronized before the send completes",
        source: "Go memory model: channel communication (make(chan int, 10) example)",
        primitive: "chan",
        kind: Kind::Negative,
        proof: "n_chan_buffered",
        config: "cap 1: receiver writes then receives; sender sends then reads",
        threads: 2,
        preemption_bound: None,
        sites: &[],
        via: &[],
        note: "",
    },
    Claim {
        id: "N-SELECT-DEFAULT",
        statement: "a select! that takes default synchronizes nothing: it does not show what a later sender wrote",
        source: "Go spec: select statements (no communication, no edge)",
        primitive: "select!",
        kind: Kind::Negative,
        proof: "n_select_default",
        config: "cap 1: sender writes then sends; other side reads after a select with default",
        threads: 2,
        preemption_bound: None,
        sites: &[],
        via: &[],
        note: "",
    },
];

/// The claim with `id`.
pub fn find(id: &str) -> Option<&'static Claim> {
    CLAIMS.iter().find(|c| c.id == id)
}

/// The claim a `via` entry names and the sites it inherits from it.
pub fn via_sites(via: &str) -> Option<(&'static Claim, Vec<&'static str>)> {
    let (id, prefix) = via.split_once('/').unwrap_or((via, ""));
    let base = find(id)?;
    let sites = base
        .sites
        .iter()
        .copied()
        .filter(|s| s.starts_with(prefix))
        .collect();
    Some((base, sites))
}

/// The README's claim table (static columns only, so it does not change between runs).
pub fn markdown_table(claims: &[Claim]) -> String {
    use std::fmt::Write as _;
    let mut s = String::from(
        "| claim | statement | kind | proof | mutant sites |\n|---|---|---|---|---|\n",
    );
    for c in claims {
        let sites = if c.sites.is_empty() {
            if c.note.is_empty() {
                "—".to_string()
            } else {
                format!("— ({})", c.note)
            }
        } else {
            c.sites
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let kind = match c.kind {
            Kind::Positive => "guarantee",
            Kind::Negative => "not guaranteed",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {kind} | `litmus::{}` | {sites} |",
            c.id, c.statement, c.proof
        );
    }
    s
}
