//! The order in which a select polls its cases: random in std builds (so no case starves,
//! as in Go), source order in checker builds (so a model is deterministic and replayable).

/// A random order of `0..n` (source order in checker builds, to keep models deterministic).
pub(super) fn poll_order(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if !crate::sync::CHECKER {
        for i in (1..n).rev() {
            let j = (random_u64() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
    }
    order
}

/// A pseudo-random number for select's fair poll order (std builds; xorshift per thread).
#[cfg(not(any(loom, shuttle)))]
fn random_u64() -> u64 {
    use std::cell::Cell;
    std::thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    // `try_with`: a select in a thread-local destructor (the state may be gone) still gets a
    // number, from the clock.
    STATE
        .try_with(|s| {
            let mut x = s.get();
            if x == 0 {
                x = seed(s as *const Cell<u64> as u64);
            }
            x = xorshift(x);
            s.set(x);
            x
        })
        .unwrap_or_else(|_| xorshift(seed(0)))
}

#[cfg(not(any(loom, shuttle)))]
fn seed(salt: u64) -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (salt ^ t ^ 0x9E37_79B9_7F4A_7C15) | 1
}

#[cfg(not(any(loom, shuttle)))]
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// Checker builds use source order (see `select`): never called.
#[cfg(any(loom, shuttle))]
fn random_u64() -> u64 {
    0
}
