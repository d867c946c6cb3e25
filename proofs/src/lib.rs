//! hbsync's happens-before claims: the catalogue ([`catalogue`]), one loom litmus program
//! per claim ([`litmus`]), and the `verify` runner that proves each claim, runs its mutants
//! and prints the report (`cargo verify`).

pub mod catalogue;
pub mod litmus;
pub mod report;
