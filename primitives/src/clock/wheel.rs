//! One thread for all timed wake-ups (std builds), started on first use. Entries are kept
//! in deadline order and can be withdrawn; wakers run with no lock held, and a waker that
//! panics is contained (the panic is reported by the hook, the thread goes on serving every
//! later deadline).
// The clock's own thread and lock (std builds only), below everything the checkers see.
#![allow(clippy::disallowed_types)]

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::task::Waker;
use std::time::Instant;

use super::WakeKey;

#[derive(Default)]
struct Entries {
    due: BTreeMap<WakeKey, Waker>,
    next_id: u64,
}

struct Wheel {
    entries: Mutex<Entries>,
    changed: Condvar,
}

fn wheel() -> &'static Wheel {
    static WHEEL: OnceLock<&'static Wheel> = OnceLock::new();
    WHEEL.get_or_init(|| {
        let w: &'static Wheel = Box::leak(Box::new(Wheel {
            entries: Mutex::new(Entries::default()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("hbsync-timers".into())
            .spawn(move || run(w))
            .expect("spawn the hbsync timer thread");
        w
    })
}

fn lock(w: &Wheel) -> MutexGuard<'_, Entries> {
    w.entries.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn wake_at(deadline: Instant, waker: Waker) -> WakeKey {
    let w = wheel();
    let mut e = lock(w);
    e.next_id += 1;
    let key = WakeKey(deadline, e.next_id);
    let earliest = e.due.keys().next().is_none_or(|first| key < *first);
    e.due.insert(key, waker);
    drop(e);
    if earliest {
        w.changed.notify_one();
    }
    key
}

pub(super) fn cancel(key: WakeKey) {
    let removed = lock(wheel()).due.remove(&key);
    drop(removed); // the waker (and what it owns) drops outside the lock
}

fn run(w: &Wheel) {
    let mut e = lock(w);
    loop {
        let now = Instant::now();
        let later = e.due.split_off(&WakeKey(now, u64::MAX));
        let fired = std::mem::replace(&mut e.due, later);
        if !fired.is_empty() {
            drop(e);
            for waker in fired.into_values() {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    waker.wake();
                }));
            }
            e = lock(w);
            continue;
        }
        e = match e.due.keys().next().map(|k| k.0 - now) {
            Some(wait) => w
                .changed
                .wait_timeout(e, wait)
                .map_or_else(|err| err.into_inner().0, |r| r.0),
            None => w.changed.wait(e).unwrap_or_else(|err| err.into_inner()),
        };
    }
}
