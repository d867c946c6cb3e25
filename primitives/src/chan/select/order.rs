//! The order in which a select polls its cases: random in std builds (so no case starves,
//! as in Go), source order in checker builds (so a model is deterministic and replayable).

/// Selects of up to this many cases keep their order in one word (4 bits a case).
const PACKED: usize = 16;

/// A permutation of `0..n`: for up to [`PACKED`] cases the nibbles of one word (place `k`
/// holds bits `4k..4k+4`), so a select round allocates nothing and the order lives in a
/// register; beyond that, a vector.
pub(super) struct Order {
    n: usize,
    packed: u64,
    heap: Vec<usize>,
}

impl Order {
    /// The identity `0..n`.
    fn identity(n: usize) -> Self {
        Self {
            n,
            packed: 0xFEDC_BA98_7654_3210,
            heap: if n > PACKED {
                (0..n).collect()
            } else {
                Vec::new()
            },
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if self.n > PACKED {
            self.heap.swap(i, j);
        } else {
            let (i, j) = (4 * i, 4 * j);
            let differ = ((self.packed >> i) ^ (self.packed >> j)) & 0xF;
            self.packed ^= (differ << i) | (differ << j);
        }
    }

    /// The case at place `k`.
    fn get(&self, k: usize) -> usize {
        if self.n > PACKED {
            self.heap[k]
        } else {
            ((self.packed >> (4 * k)) & 0xF) as usize
        }
    }

    /// The cases, in this order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.n).map(|k| self.get(k))
    }
}

/// A random order of `0..n` (source order in checker builds, to keep models deterministic):
/// Fisher–Yates, one xorshift step per swap, each reduced to its range by a multiply rather
/// than a division (the bias, below `n / 2^32`, is far under what fairness could notice).
pub(super) fn poll_order(n: usize) -> Order {
    let mut order = Order::identity(n);
    if !crate::sync::CHECKER && n > 1 {
        with_random(|x| {
            for i in (1..n).rev() {
                *x = xorshift(*x);
                let j = ((*x >> 32) * (i as u64 + 1)) >> 32;
                order.swap(i, j as usize);
            }
        });
    }
    order
}

/// Runs `f` on this thread's generator state for select's fair poll order (std builds only
/// call it; xorshift per thread, read and written back once per select round). In a
/// thread-local destructor (the state may be gone) the state is seeded afresh.
fn with_random(f: impl FnOnce(&mut u64)) {
    use std::cell::Cell;
    std::thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    let mut x = STATE.try_with(Cell::get).unwrap_or(0);
    if x == 0 {
        // The state's stack address tells apart threads seeded in the same nanosecond.
        x = seed(&x as *const u64 as u64);
    }
    f(&mut x);
    let _ = STATE.try_with(|s| s.set(x));
}

fn seed(salt: u64) -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (salt ^ t ^ 0x9E37_79B9_7F4A_7C15) | 1
}

fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

#[cfg(all(test, not(any(loom, shuttle))))]
mod tests {
    use super::*;

    #[test]
    fn every_order_is_a_permutation_and_every_case_comes_first() {
        for n in [1, 2, 3, 4, 7, PACKED, PACKED + 1, 40] {
            let mut first = vec![0usize; n];
            for _ in 0..2000 * n {
                let mut seen: Vec<usize> = poll_order(n).iter().collect();
                first[seen[0]] += 1;
                seen.sort_unstable();
                assert_eq!(
                    seen,
                    (0..n).collect::<Vec<_>>(),
                    "not a permutation of 0..{n}"
                );
            }
            // Each case leads about 2000 times; far outside that means a biased shuffle.
            for (case, &count) in first.iter().enumerate() {
                assert!(
                    (1000..3000).contains(&count),
                    "case {case} of {n} came first {count} times in {} orders",
                    2000 * n
                );
            }
        }
    }
}
