//! The named behaviours: what Go's specification and memory model say a channel does, each
//! as a program that returns a [`Verdict`] for one [`Channel`].
//!
//! Every wait on another thread has a bound: a party that stays blocked makes the behaviour
//! *differ* ("still blocked after …"), never hang. The probabilistic ones (the select
//! behaviours, linearizability of stress histories) say *holds* when no counterexample was
//! found in their budget, which is stated with each.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use hbsync::spec::{ChanOp, ChanRet, ChanSpec};

use crate::lin::{self, Clock, Event, Outcome};
use crate::{Channel, RecvTimeout, Selected, SendTimeout, TryRecv, TrySend, Verdict, V};

/// One named behaviour.
#[derive(Clone, Copy)]
pub struct Behaviour {
    /// Its id, as the table shows it.
    pub id: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    /// What it checks, in a sentence.
    pub what: &'static str,
    /// The program, for one crate.
    pub run: fn() -> Verdict,
}

/// How long a behaviour waits for a party it expects to finish.
pub const PATIENCE: Duration = Duration::from_secs(5);
/// How long a behaviour waits before concluding a party is blocked.
const SETTLE: Duration = Duration::from_millis(50);

/// Every behaviour, for crate `C`.
pub fn all<C: Channel>() -> Vec<Behaviour> {
    vec![
        Behaviour {
            id: "fifo-per-sender",
            source: "Go spec: channels act as FIFO queues",
            what: "values from one sender arrive in the order sent, with none lost (4 senders, 1-2 receivers; cap 0, 1, 8, unbounded)",
            run: fifo_per_sender::<C>,
        },
        Behaviour {
            id: "rendezvous-completes-at-receipt",
            source: "Go spec: unbuffered communication succeeds only when both are ready",
            what: "on cap 0 a send does not complete until a receiver takes the value; try_send with no receiver fails",
            run: rendezvous_completes_at_receipt::<C>,
        },
        Behaviour {
            id: "capacity-never-exceeded",
            source: "Go memory model: the k-th receive is synchronized before the (k+C)-th send completes",
            what: "a send completes only with room: sends completed never exceed receives completed + C (cap 0, 1, 3)",
            run: capacity_never_exceeded::<C>,
        },
        Behaviour {
            id: "close-drains-then-closed",
            source: "Go spec: after close, receives return the buffered values, then the zero value and false",
            what: "values buffered before close are all received, in order, then every receive reports closed",
            run: close_drains_then_closed::<C>,
        },
        Behaviour {
            id: "close-wakes-blocked-receivers",
            source: "Go memory model: the closing of a channel is synchronized before a receive that returns because it is closed",
            what: "receivers blocked on an empty channel all return 'closed' when it closes (cap 0, 2, unbounded)",
            run: close_wakes_blocked_receivers::<C>,
        },
        Behaviour {
            id: "close-wakes-blocked-senders",
            source: "Go: close makes blocked senders fail (Go panics; hbsync returns the value)",
            what: "senders blocked on a full channel all fail with their own value when it closes; the buffer still drains",
            run: close_wakes_blocked_senders::<C>,
        },
        Behaviour {
            id: "failed-send-returns-value",
            source: "hbsync design: nothing is silently dropped",
            what: "try_send on a full channel, send_timeout that times out, and every send on a closed channel give the value back",
            run: failed_send_returns_value::<C>,
        },
        Behaviour {
            id: "nothing-lost-under-close",
            source: "Go spec and hbsync design: every value is received once or handed back",
            what: "with senders and receivers racing a close (or the senders' and a receiver's drops), each value is received exactly once or returned",
            run: nothing_lost_under_close::<C>,
        },
        Behaviour {
            id: "select-nonblocking-linearizable",
            source: "Go spec: select with default proceeds with default only if no case can proceed",
            what: "a non-blocking select over 8 channels never takes default while, at every instant, one of two of them holds a value (a mover puts a value into one before it takes from the other; for 300 ms)",
            run: select_nonblocking_linearizable::<C>,
        },
        Behaviour {
            id: "select-fairness",
            source: "Go spec: if several cases can proceed, a uniform pseudo-random choice is made",
            what: "with two cases always ready, each is chosen half the time within 10 sigma (20,000 selects)",
            run: select_fairness::<C>,
        },
        Behaviour {
            id: "linearizable",
            source: "hbsync::spec::ChanSpec (blocking ops with Lincheck's dual treatment on cap 0)",
            what: "histories of 3 threads x 5 random operations (try/timed send and receive, close) are linearizable (cap 0, 1, 2, unbounded; 150 histories each)",
            run: linearizable::<C>,
        },
    ]
}

/// Run `b` on its own thread, bounded: a behaviour that does not finish in `limit` differs.
pub fn run_bounded(b: &Behaviour, limit: Duration) -> Verdict {
    let (tx, rx) = mpsc::channel();
    let run = b.run;
    let _ = thread::Builder::new()
        .name(format!("behaviour {}", b.id))
        .spawn(move || {
            let v = std::panic::catch_unwind(run).unwrap_or_else(|p| {
                let msg = hbsync::check::panic_message(&*p).unwrap_or_default();
                Verdict::Differs(format!("panicked: {msg}"))
            });
            let _ = tx.send(v);
        });
    rx.recv_timeout(limit).unwrap_or_else(|_| {
        Verdict::Differs(format!(
            "did not finish within {} s (a party stayed blocked)",
            limit.as_secs()
        ))
    })
}

/// The channel flavours a behaviour runs on: `Some(c)` a capacity, `None` unbounded. Those
/// the crate lacks are left out.
fn flavours<C: Channel>(caps: &[Option<usize>]) -> Vec<(String, C::Tx, C::Rx)> {
    caps.iter()
        .filter_map(|&cap| make::<C>(cap).map(|(tx, rx)| (flavour_name(cap), tx, rx)))
        .collect()
}

/// A channel of capacity `cap` (`None`: unbounded), if the crate has one.
fn make<C: Channel>(cap: Option<usize>) -> Option<(C::Tx, C::Rx)> {
    match cap {
        Some(c) => C::bounded(c),
        None => C::unbounded(),
    }
}

fn flavour_name(cap: Option<usize>) -> String {
    cap.map_or("unbounded".into(), |c| format!("bounded({c})"))
}

/// Whether the crate has `close`, asked of a throwaway channel (asking closes it).
fn has_close<C: Channel>() -> bool {
    let probe = C::bounded(1).or_else(C::unbounded);
    probe.is_some_and(|(tx, _rx)| C::close(&tx).is_some())
}

/// `senders` threads, each sending `per_sender` values `sender << 32 | i` until a send
/// fails, then dropping its handle; `tx` itself is dropped, so the channel closes (on a
/// crate without `close`) once they are all done.
fn spawn_senders<C: Channel>(tx: C::Tx, senders: u64, per_sender: u64) {
    for s in 0..senders {
        let tx = tx.clone();
        thread::spawn(move || {
            for i in 0..per_sender {
                if C::send(&tx, s << 32 | i).is_err() {
                    break;
                }
            }
        });
    }
}

/// Close from the sending side: `close` if the crate has one, then drop `tx` (with no other
/// sender alive, the drop closes a crate without `close`).
fn close_and_drop<C: Channel>(tx: C::Tx) {
    let _ = C::close(&tx);
    drop(tx);
}

/// Wait for `n` results from parties, each within [`PATIENCE`].
fn gather<T>(rx: &mpsc::Receiver<T>, n: usize, what: &str) -> Result<Vec<T>, Verdict> {
    (0..n)
        .map(|i| {
            rx.recv_timeout(PATIENCE).map_err(|_| {
                Verdict::Differs(format!(
                    "{what}: {} of {n} still blocked after {} s",
                    n - i,
                    PATIENCE.as_secs()
                ))
            })
        })
        .collect()
}

/// The verdicts of a behaviour's channel flavours; `n/a` if the crate had none of them (a
/// behaviour never holds by checking nothing).
fn all_or_na(verdicts: Vec<Verdict>) -> Verdict {
    if verdicts.is_empty() {
        return na("none of the channel kinds it runs on");
    }
    Verdict::all(verdicts)
}

fn na(what: &str) -> Verdict {
    Verdict::NotApplicable(what.to_string())
}

fn fifo_per_sender<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    for (name, tx, rx) in flavours::<C>(&[Some(0), Some(1), Some(8), None]) {
        let per_sender: u64 = if name == "bounded(0)" { 300 } else { 2_000 };
        let receivers: Vec<C::Rx> = match C::clone_rx(&rx) {
            Some(rx2) => vec![rx, rx2],
            None => vec![rx],
        };
        let (out, results) = mpsc::channel();
        spawn_senders::<C>(tx, 4, per_sender);
        let n_rx = receivers.len();
        for rx in receivers {
            let out = out.clone();
            thread::spawn(move || {
                let mut last: HashMap<u64, u64> = HashMap::new();
                let (mut count, mut misordered) = (0u64, None);
                while let Some(v) = C::recv(&rx) {
                    count += 1;
                    let (s, i) = (v >> 32, v & 0xffff_ffff);
                    if let Some(&prev) = last.get(&s) {
                        if i <= prev && misordered.is_none() {
                            misordered = Some(format!("sender {s}: {i} after {prev}"));
                        }
                    }
                    last.insert(s, i);
                }
                let _ = out.send((count, misordered));
            });
        }
        let got = match gather(&results, n_rx, &format!("{name}: receivers")) {
            Ok(got) => got,
            Err(v) => return v,
        };
        let total: u64 = got.iter().map(|(c, _)| c).sum();
        let misordered = got.iter().find_map(|(_, m)| m.clone());
        verdicts.push(Verdict::check(misordered.is_none(), || {
            format!("{name}: out of order, {}", misordered.unwrap_or_default())
        }));
        verdicts.push(Verdict::check(total == 4 * per_sender, || {
            format!("{name}: received {total} of {} values", 4 * per_sender)
        }));
    }
    all_or_na(verdicts)
}

fn rendezvous_completes_at_receipt<C: Channel>() -> Verdict {
    let Some((tx, rx)) = C::bounded(0) else {
        return na("no capacity-0 channel");
    };
    if C::try_send(&tx, 1).is_ok() {
        return Verdict::Differs("try_send succeeded with no receiver".into());
    }
    if let Ok(v) = C::recv_timeout(&rx, Duration::from_millis(10)) {
        return Verdict::Differs(format!("recv_timeout returned {v} with no sender"));
    }
    let done = Arc::new(AtomicBool::new(false));
    let (out, finished) = mpsc::channel();
    {
        let (tx, done) = (tx.clone(), done.clone());
        thread::spawn(move || {
            let r = C::send(&tx, 7);
            // SeqCst: test equipment, read by the main thread (no HB claim).
            done.store(true, Ordering::SeqCst);
            let _ = out.send(r);
        });
    }
    thread::sleep(SETTLE);
    // SeqCst: test equipment (no HB claim).
    if done.load(Ordering::SeqCst) {
        return Verdict::Differs("a send completed with no receiver".into());
    }
    match C::recv_timeout(&rx, PATIENCE) {
        Ok(7) => {}
        other => return Verdict::Differs(format!("the receive got {other:?}, not 7")),
    }
    match finished.recv_timeout(PATIENCE) {
        Ok(Ok(())) => Verdict::Holds,
        Ok(Err(_)) => Verdict::Differs("the send failed although its value was received".into()),
        Err(_) => Verdict::Differs("the send still blocked after its value was received".into()),
    }
}

fn capacity_never_exceeded<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    for cap in [0usize, 1, 3] {
        let Some((tx, rx)) = C::bounded(cap) else {
            continue;
        };
        for i in 0..cap as u64 {
            if C::try_send(&tx, i).is_err() {
                return Verdict::Differs(format!("bounded({cap}): try_send {i} failed with room"));
            }
        }
        if C::try_send(&tx, 99).is_ok() {
            return Verdict::Differs(format!("bounded({cap}): try_send succeeded when full"));
        }
        while C::try_recv(&rx).is_ok() {}
        // The concurrent bound: the producer counts a send after it returns; the consumer,
        // before each receive, sees no more than `received + cap` completed.
        let sent = Arc::new(AtomicU64::new(0));
        let n = if cap == 0 { 2_000 } else { 20_000 };
        let producer = {
            let (tx, sent) = (tx.clone(), sent.clone());
            thread::spawn(move || {
                for i in 0..n {
                    if C::send(&tx, i).is_err() {
                        break;
                    }
                    // SeqCst: test equipment (no HB claim).
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let mut worst = 0u64;
        let mut received = 0u64;
        while received < n {
            // SeqCst: test equipment (no HB claim).
            let s = sent.load(Ordering::SeqCst);
            worst = worst.max(s.saturating_sub(received));
            match C::recv_timeout(&rx, PATIENCE) {
                Ok(_) => received += 1,
                Err(e) => {
                    return Verdict::Differs(format!("bounded({cap}): receive failed: {e:?}"))
                }
            }
        }
        let _ = producer.join();
        verdicts.push(Verdict::check(worst <= cap as u64, || {
            format!("bounded({cap}): {worst} sends completed ahead of the receives")
        }));
    }
    all_or_na(verdicts)
}

fn close_drains_then_closed<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    for (name, tx, rx) in flavours::<C>(&[Some(4), None]) {
        for v in 1..=3 {
            if C::try_send(&tx, v).is_err() {
                return Verdict::Differs(format!("{name}: try_send {v} failed with room"));
            }
        }
        close_and_drop::<C>(tx);
        let got: Vec<Option<V>> = (0..4).map(|_| C::recv(&rx)).collect();
        verdicts.push(Verdict::check(
            got == [Some(1), Some(2), Some(3), None],
            || format!("{name}: after close, receives returned {got:?}, not 1, 2, 3 then closed"),
        ));
        let again = (
            C::try_recv(&rx),
            C::recv_timeout(&rx, Duration::from_millis(5)),
        );
        verdicts.push(Verdict::check(
            again == (Err(TryRecv::Closed), Err(RecvTimeout::Closed)),
            || format!("{name}: once drained, try_recv/recv_timeout gave {again:?}"),
        ));
    }
    all_or_na(verdicts)
}

fn close_wakes_blocked_receivers<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    for (name, tx, rx) in flavours::<C>(&[Some(0), Some(2), None]) {
        let mut receivers = vec![];
        while receivers.len() < 2 {
            match C::clone_rx(&rx) {
                Some(r) => receivers.push(r),
                None => break,
            }
        }
        receivers.push(rx);
        let n = receivers.len();
        let (out, results) = mpsc::channel();
        for rx in receivers {
            let out = out.clone();
            thread::spawn(move || {
                let _ = out.send(C::recv(&rx));
            });
        }
        thread::sleep(SETTLE);
        close_and_drop::<C>(tx);
        let got = match gather(&results, n, &format!("{name}: receivers after close")) {
            Ok(got) => got,
            Err(v) => return v,
        };
        verdicts.push(Verdict::check(got.iter().all(Option::is_none), || {
            format!("{name}: blocked receivers returned {got:?}")
        }));
    }
    all_or_na(verdicts)
}

fn close_wakes_blocked_senders<C: Channel>() -> Verdict {
    if !has_close::<C>() {
        return na(
            "no close: a blocked sender holds a sender, so only dropping the receiver can fail it",
        );
    }
    let mut verdicts = Vec::new();
    for (name, tx, rx) in flavours::<C>(&[Some(0), Some(1)]) {
        let buffered = name == "bounded(1)";
        if buffered && C::try_send(&tx, 100).is_err() {
            return Verdict::Differs(format!("{name}: try_send failed with room"));
        }
        let (out, results) = mpsc::channel();
        for v in 1..=3u64 {
            let (tx, out) = (tx.clone(), out.clone());
            thread::spawn(move || {
                let _ = out.send((v, C::send(&tx, v)));
            });
        }
        thread::sleep(SETTLE);
        let _ = C::close(&tx);
        let got = match gather(&results, 3, &format!("{name}: senders after close")) {
            Ok(got) => got,
            Err(v) => return v,
        };
        let wrong: Vec<_> = got.iter().filter(|(v, r)| *r != Err(Some(*v))).collect();
        verdicts.push(Verdict::check(wrong.is_empty(), || {
            format!("{name}: blocked senders (value, result) {wrong:?}, not Err(own value)")
        }));
        if buffered {
            let rest = (C::recv(&rx), C::recv(&rx));
            verdicts.push(Verdict::check(rest == (Some(100), None), || {
                format!("{name}: after close the buffer gave {rest:?}, not 100 then closed")
            }));
        }
    }
    all_or_na(verdicts)
}

fn failed_send_returns_value<C: Channel>() -> Verdict {
    let Some((tx, rx)) = C::bounded(1) else {
        return na("no bounded channel");
    };
    let mut found = Vec::new();
    let _ = C::try_send(&tx, 1);
    found.push((
        "try_send on a full channel",
        format!("{:?}", C::try_send(&tx, 2)),
        "Err(Full(Some(2)))",
    ));
    let timed = C::send_timeout(&tx, 3, Duration::from_millis(5));
    found.push((
        "send_timeout on a full channel",
        format!("{timed:?}"),
        "Err(Timeout(Some(3)))",
    ));
    // Closed by close, and (a fresh channel) closed because the receiver is gone.
    let mut closed = vec![];
    if C::close(&tx).is_some() {
        closed.push(("closed", tx.clone()));
    }
    drop(rx);
    if let Some((tx2, rx2)) = C::bounded(1) {
        drop(rx2);
        closed.push(("receiver dropped", tx2));
    }
    for (how, tx) in &closed {
        let r = C::try_send(tx, 4);
        found.push((
            if *how == "closed" {
                "try_send, closed"
            } else {
                "try_send, receiver dropped"
            },
            format!("{r:?}"),
            "Err(Closed(Some(4)))",
        ));
        let r = C::send(tx, 5);
        found.push((
            if *how == "closed" {
                "send, closed"
            } else {
                "send, receiver dropped"
            },
            format!("{r:?}"),
            "Err(Some(5))",
        ));
        let r = C::send_timeout(tx, 6, Duration::from_millis(5));
        found.push((
            if *how == "closed" {
                "send_timeout, closed"
            } else {
                "send_timeout, receiver dropped"
            },
            format!("{r:?}"),
            "Err(Closed(Some(6)))",
        ));
    }
    let wrong: Vec<String> = found
        .iter()
        .filter(|(_, got, want)| got != want)
        .map(|(what, got, want)| format!("{what}: {got}, not {want}"))
        .collect();
    Verdict::check(wrong.is_empty(), || wrong.join("; "))
}

/// What a sender of `nothing_lost_under_close` did: values sent, and the one given back
/// (`Some(None)`: its send failed without the value).
type Ledger = (Vec<V>, Option<Option<V>>);

fn nothing_lost_under_close<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    let explicit = has_close::<C>();
    for (name, tx, rx) in flavours::<C>(&[Some(0), Some(2), None]) {
        verdicts.push(if explicit {
            lost_under_close::<C>(&name, tx, rx)
        } else {
            lost_under_drops::<C>(&name, tx, rx)
        });
    }
    all_or_na(verdicts)
}

/// Senders send until a send fails; receivers receive until closed; a closer closes
/// midway. Every value must be received exactly once or handed back.
fn lost_under_close<C: Channel>(name: &str, tx: C::Tx, rx: C::Rx) -> Verdict {
    let received_count = Arc::new(AtomicU64::new(0));
    let (sent_tx, sent_rx) = mpsc::channel::<Ledger>();
    for s in 0..3u64 {
        let (tx, out) = (tx.clone(), sent_tx.clone());
        thread::spawn(move || {
            let mut sent = Vec::new();
            let mut back = None;
            for i in 0..100_000u64 {
                let v = s << 32 | i;
                match C::send(&tx, v) {
                    Ok(()) => sent.push(v),
                    Err(b) => {
                        back = Some(b);
                        break;
                    }
                }
            }
            let _ = out.send((sent, back));
        });
    }
    let (recv_tx, recv_rx) = mpsc::channel::<Vec<V>>();
    let mut receivers = vec![];
    if let Some(r) = C::clone_rx(&rx) {
        receivers.push(r);
    }
    receivers.push(rx);
    let n_rx = receivers.len();
    for rx in receivers {
        let (out, count) = (recv_tx.clone(), received_count.clone());
        thread::spawn(move || {
            let mut got = Vec::new();
            while let Some(v) = C::recv(&rx) {
                got.push(v);
                // SeqCst: test equipment (no HB claim).
                count.fetch_add(1, Ordering::SeqCst);
            }
            let _ = out.send(got);
        });
    }
    let start = Instant::now();
    // SeqCst: test equipment (no HB claim).
    while received_count.load(Ordering::SeqCst) < 300 && start.elapsed() < PATIENCE {
        thread::yield_now();
    }
    close_and_drop::<C>(tx);
    let senders = match gather(&sent_rx, 3, &format!("{name}: senders after close")) {
        Ok(s) => s,
        Err(v) => return v,
    };
    let received = match gather(&recv_rx, n_rx, &format!("{name}: receivers after close")) {
        Ok(r) => r,
        Err(v) => return v,
    };
    let mut seen = HashSet::new();
    let mut duplicated = 0;
    for v in received.into_iter().flatten() {
        if !seen.insert(v) {
            duplicated += 1;
        }
    }
    let mut lost = 0;
    let mut unaccounted = 0;
    for (sent, back) in &senders {
        lost += sent.iter().filter(|v| !seen.contains(v)).count();
        if back == &Some(None) {
            unaccounted += 1;
        }
        if let Some(Some(b)) = back {
            if seen.contains(b) {
                duplicated += 1;
            }
        }
    }
    Verdict::check(lost == 0 && duplicated == 0 && unaccounted == 0, || {
        format!(
            "{name}: {lost} sent values never received, {duplicated} duplicated, \
             {unaccounted} failed sends without their value"
        )
    })
}

/// No close: senders drop their handles when done; one of two receivers drops midway.
/// Every value sent must be received exactly once.
fn lost_under_drops<C: Channel>(name: &str, tx: C::Tx, rx: C::Rx) -> Verdict {
    let per_sender = 3_000u64;
    spawn_senders::<C>(tx, 3, per_sender);
    let (out, results) = mpsc::channel::<Vec<V>>();
    let quitter = C::clone_rx(&rx);
    let n_rx = 1 + usize::from(quitter.is_some());
    if let Some(q) = quitter {
        let out = out.clone();
        thread::spawn(move || {
            let got: Vec<V> = (0..200).map_while(|_| C::recv(&q)).collect();
            drop(q);
            let _ = out.send(got);
        });
    }
    thread::spawn(move || {
        let mut got = Vec::new();
        while let Some(v) = C::recv(&rx) {
            got.push(v);
        }
        let _ = out.send(got);
    });
    let received = match gather(&results, n_rx, &format!("{name}: receivers")) {
        Ok(r) => r,
        Err(v) => return v,
    };
    let all: Vec<V> = received.into_iter().flatten().collect();
    let distinct: HashSet<V> = all.iter().copied().collect();
    let want = 3 * per_sender as usize;
    Verdict::check(all.len() == want && distinct.len() == want, || {
        format!(
            "{name}: {} received ({} distinct) of {want} sent",
            all.len(),
            distinct.len()
        )
    })
}

fn select_nonblocking_linearizable<C: Channel>() -> Verdict {
    select_snapshot_for::<C>(Duration::from_millis(300))
}

/// `select-nonblocking-linearizable` with a search budget of `budget` (it stops early at
/// 100 defaults): a test that must find a known-broken select gives it longer, so a loaded
/// machine does not hide the defect.
pub fn select_snapshot_for<C: Channel>(budget: Duration) -> Verdict {
    let (Some((ta, ra)), Some((tb, rb))) = (C::bounded(3), C::bounded(3)) else {
        return na("no bounded channel");
    };
    if C::select_recv(&[&ra, &rb], true) == Selected::Unsupported {
        return na("no select");
    }
    // Two tokens. The mover holds one and always puts it into one channel before it takes
    // one from the other (make before break), so at every instant one channel holds a
    // value; the observer puts back what it takes before it selects again.
    if C::try_send(&tb, 2).is_err() {
        return Verdict::Differs("try_send failed with room".into());
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (ra2, rb2) = match (C::clone_rx(&ra), C::clone_rx(&rb)) {
        (Some(a), Some(b)) => (a, b),
        _ => return na("single consumer: the test needs a second receiver"),
    };
    let mover = {
        let (ta, tb, stop) = (ta.clone(), tb.clone(), stop.clone());
        thread::spawn(move || {
            let mut hand = 1;
            let mut step = |to: &C::Tx, from: &C::Rx| {
                if C::send(to, hand).is_err() {
                    return false;
                }
                loop {
                    match C::recv_timeout(from, Duration::from_millis(100)) {
                        Ok(v) => {
                            hand = v;
                            return true;
                        }
                        Err(RecvTimeout::Timeout) if !stop.load(Ordering::SeqCst) => {}
                        Err(_) => return false,
                    }
                }
            };
            let mut moves = 0u64;
            // SeqCst: the stop flag, here and in `step`, is test equipment (no HB claim).
            while !stop.load(Ordering::SeqCst) {
                if !step(&ta, &rb2) || !step(&tb, &ra2) {
                    break;
                }
                moves += 1;
            }
            moves
        })
    };
    // Six channels that stay empty sit between the two in the case list: a select that
    // looks at its cases one at a time then has time between its look at `a` and its look
    // at `b` for the mover to fill `a` and drain `b`.
    let idle: Vec<(C::Tx, C::Rx)> = (0..6).filter_map(|_| C::bounded(1)).collect();
    let mut cases: Vec<&C::Rx> = vec![&ra];
    cases.extend(idle.iter().map(|(_, r)| r));
    cases.push(&rb);
    let last = cases.len() - 1;
    let (mut defaults, mut selects) = (0u64, 0u64);
    let mut broken = None;
    let start = Instant::now();
    while defaults < 100 && start.elapsed() < budget {
        selects += 1;
        match C::select_recv(&cases, true) {
            Selected::Default => defaults += 1,
            Selected::Recv(i, Some(v)) if i == 0 || i == last => {
                let back = if i == 0 { &ta } else { &tb };
                if C::try_send(back, v).is_err() {
                    broken = Some(format!("putting {v} back failed"));
                    break;
                }
            }
            other => {
                broken = Some(format!("select returned {other:?}"));
                break;
            }
        }
    }
    // SeqCst: the stop flag is test equipment (no HB claim).
    stop.store(true, Ordering::SeqCst);
    let moves = mover.join().unwrap_or(0);
    if let Some(b) = broken {
        return Verdict::Differs(b);
    }
    Verdict::check(defaults == 0, || {
        format!(
            "took default {defaults} times in {selects} selects while a value was always \
             buffered (the mover made {moves} moves)"
        )
    })
}

fn select_fairness<C: Channel>() -> Verdict {
    const N: u64 = 20_000;
    let make = || C::unbounded().or_else(|| C::bounded(N as usize));
    let (Some((ta, ra)), Some((tb, rb))) = (make(), make()) else {
        return na("no channel large enough");
    };
    if C::select_recv(&[&ra, &rb], true) == Selected::Unsupported {
        return na("no select");
    }
    for i in 0..N {
        if C::try_send(&ta, i).is_err() || C::try_send(&tb, i).is_err() {
            return Verdict::Differs("try_send failed with room".into());
        }
    }
    let mut first = 0u64;
    // One case was taken by the probe above.
    for _ in 0..N - 1 {
        match C::select_recv(&[&ra, &rb], false) {
            Selected::Recv(0, Some(_)) => first += 1,
            Selected::Recv(1, Some(_)) => {}
            other => return Verdict::Differs(format!("select returned {other:?} with both ready")),
        }
    }
    let n = (N - 1) as f64;
    let sigma = (n * 0.25).sqrt();
    let dev = (first as f64 - n / 2.0).abs();
    Verdict::check(dev <= 10.0 * sigma, || {
        format!(
            "first case chosen {first} of {} times: {:.0} sigma from even",
            N - 1,
            dev / sigma
        )
    })
}

/// A small deterministic generator for the random operations (splitmix64).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

/// Run one random operation on `C` and record it.
fn random_op<C: Channel>(
    clock: &Clock,
    thread: usize,
    rng: &mut Rng,
    tx: &C::Tx,
    rx: Option<&C::Rx>,
    next_value: &mut V,
    may_close: bool,
) -> Event<ChanOp<V>, ChanRet<V>> {
    let short = Duration::from_millis(1);
    let kinds = if rx.is_some() { 4 } else { 2 };
    let pick = rng.below(kinds * 10);
    if may_close && pick == 0 {
        return clock.record(thread, ChanOp::Close, || {
            ChanRet::Closing(C::close(tx).unwrap_or(false))
        });
    }
    *next_value += 1;
    let v = *next_value;
    match (pick % kinds, rx) {
        (0, _) => clock.record(thread, ChanOp::TrySend(v), || match C::try_send(tx, v) {
            Ok(()) => ChanRet::Sent,
            Err(TrySend::Full(_)) => ChanRet::Full,
            Err(TrySend::Closed(_)) => ChanRet::Closed,
        }),
        (1, _) => clock.record(thread, ChanOp::SendTimeout(v), || {
            match C::send_timeout(tx, v, short) {
                Ok(()) => ChanRet::Sent,
                Err(SendTimeout::Timeout(_)) => ChanRet::Timeout,
                Err(SendTimeout::Closed(_)) => ChanRet::Closed,
            }
        }),
        (2, Some(rx)) => clock.record(thread, ChanOp::TryRecv, || match C::try_recv(rx) {
            Ok(v) => ChanRet::Got(v),
            Err(TryRecv::Empty) => ChanRet::Empty,
            Err(TryRecv::Closed) => ChanRet::Closed,
        }),
        (_, Some(rx)) => clock.record(thread, ChanOp::RecvTimeout, || {
            match C::recv_timeout(rx, short) {
                Ok(v) => ChanRet::Got(v),
                Err(RecvTimeout::Timeout) => ChanRet::Timeout,
                Err(RecvTimeout::Closed) => ChanRet::Closed,
            }
        }),
        _ => unreachable!("receive kinds are picked only with a receiver"),
    }
}

/// Record one history: 3 threads, 5 random operations each, on a fresh channel.
pub fn record_history<C: Channel>(
    cap: Option<usize>,
    seed: u64,
) -> Option<Vec<Event<ChanOp<V>, ChanRet<V>>>> {
    let (tx, rx) = make::<C>(cap)?;
    let may_close = has_close::<C>();
    let clock = Arc::new(Clock::new());
    let second_rx = C::clone_rx(&rx);
    let rxs: [Option<C::Rx>; 3] = [None, Some(rx), second_rx];
    let mut handles = Vec::new();
    for (t, rx) in rxs.into_iter().enumerate() {
        let (tx, clock) = (tx.clone(), clock.clone());
        handles.push(thread::spawn(move || {
            let mut rng = Rng(seed.wrapping_mul(31).wrapping_add(t as u64));
            let mut next = (t as u64) << 32;
            let events = (0..5)
                .map(|_| {
                    random_op::<C>(
                        &clock,
                        t,
                        &mut rng,
                        &tx,
                        rx.as_ref(),
                        &mut next,
                        may_close && t == 0,
                    )
                })
                .collect::<Vec<_>>();
            // The handles go back to the caller: a drop here would close the channel (every
            // receiver or sender gone), an event the history does not record.
            (events, tx, rx)
        }));
    }
    let mut history = Vec::new();
    let mut keep = Vec::new();
    for h in handles {
        let (events, tx, rx) = h.join().ok()?;
        history.extend(events);
        keep.push((tx, rx));
    }
    drop(tx);
    Some(history)
}

fn linearizable<C: Channel>() -> Verdict {
    let mut verdicts = Vec::new();
    let mut ran = false;
    for cap in [Some(0), Some(1), Some(2), None] {
        let mut undecided = 0;
        for seed in 0..150u64 {
            let Some(history) = record_history::<C>(cap, seed) else {
                break;
            };
            ran = true;
            match lin::check(&ChanSpec::new(cap), &history) {
                Outcome::Linearizable(_) => {}
                Outcome::Undecided => undecided += 1,
                Outcome::NotLinearizable(h) => {
                    let name = flavour_name(cap);
                    verdicts.push(Verdict::Differs(format!(
                        "{name}: a history with no linearization:\n{h}"
                    )));
                    break;
                }
            }
        }
        if undecided > 0 {
            verdicts.push(Verdict::Differs(format!("{undecided} histories undecided")));
        }
    }
    if !ran {
        return na("no channel");
    }
    Verdict::all(verdicts)
}
