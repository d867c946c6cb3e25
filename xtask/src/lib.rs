//! The workspace's tooling: the typed schema of `cargo verify`'s report ([`schema`]), its
//! renderings as terminal tables, Markdown and HTML with SVG traces ([`render`]), and the
//! `cargo test-all` runner (`src/bin/test-all.rs`).
//!
//! The proofs (`hbsync-proofs`) produce results and the models (`hbsync-models`) print
//! them, both in this crate's types; this crate turns them into the report. So a report
//! saved with `cargo verify --json FILE` can be rendered again with
//! `cargo xtask report FILE`.

pub mod render;
pub mod schema;
