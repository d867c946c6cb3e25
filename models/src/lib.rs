//! Models of hbsync under the checkers: loom models of engine races (`tests/loom_*.rs`),
//! shuttle models of larger programs (`tests/shuttle_*.rs`), models of select, Mutex,
//! WaitGroup, Once and Context, the classic pitfalls with their fixed twins ([`pitfalls`]),
//! and the classic programs ([`classic`]). Build with `RUSTFLAGS="--cfg loom"` or
//! `RUSTFLAGS="--cfg shuttle"`; `cargo test-all` runs both.

pub mod classic;
pub mod executor;
pub mod pitfalls;
