//! Models of hbsync under the checkers: loom models of engine races (`tests/loom_*.rs`) and
//! shuttle models of larger programs (`tests/shuttle_*.rs`). Build with
//! `RUSTFLAGS="--cfg loom"` or `RUSTFLAGS="--cfg shuttle"`; `cargo test-all` runs both.
