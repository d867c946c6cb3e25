//! hbsync's happens-before claims: the catalogue ([`catalogue`]), one loom litmus program
//! per claim ([`litmus`]), and the `verify` runner that proves each claim, runs its mutants
//! and prints the report (`cargo verify`), with the models' pitfalls and classic programs
//! ([`models_report`]), and the litmus outcome tables ([`tables`], `cargo verify --litmus`).

pub mod catalogue;
pub mod litmus;
pub mod models_report;
pub mod report;
pub mod tables;
