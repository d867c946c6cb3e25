//! hbsync's happens-before claims: the catalogue ([`catalogue`]), one loom litmus program
//! per claim ([`litmus`]), the litmus outcome tables ([`tables`], `cargo verify --litmus`),
//! and the `verify` runner that proves each claim, runs its mutants and the models, and
//! writes the report (`cargo verify`). The report's schema and renderings live in
//! `hbsync-xtask`.

pub mod catalogue;
pub mod litmus;
pub mod tables;
