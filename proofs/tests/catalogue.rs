//! Keeps the claim catalogue, the docs, the README and the code in sync.
#![cfg(not(any(loom, shuttle)))]

use std::path::Path;

use hbsync_proofs::catalogue::{Kind, CLAIMS};
use hbsync_proofs::{litmus, report};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn primitives_source() -> String {
    let mut all = String::new();
    let mut stack = vec![root().join("primitives/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                all.push_str(&std::fs::read_to_string(p).unwrap());
            }
        }
    }
    all
}

#[test]
fn every_claim_has_a_program_and_known_sites() {
    for c in CLAIMS {
        assert!(
            litmus::program(c.proof).is_some(),
            "{}: no litmus program {}",
            c.id,
            c.proof
        );
        for s in c.sites {
            assert!(
                hbsync::check::MUTANT_SITES.contains(s),
                "{}: unknown site {s}",
                c.id
            );
        }
        if c.kind == Kind::Positive && c.sites.is_empty() {
            assert!(
                !c.note.is_empty(),
                "{}: a positive claim without mutant sites must say why",
                c.id
            );
        }
    }
}

#[test]
fn every_site_is_used_by_a_claim() {
    for s in hbsync::check::MUTANT_SITES {
        assert!(
            CLAIMS.iter().any(|c| c.sites.contains(s)),
            "site {s} has no claim: its mutant would run nowhere"
        );
    }
}

#[test]
fn every_claim_is_documented_in_the_primitives() {
    let src = primitives_source();
    for c in CLAIMS {
        assert!(
            src.contains(&format!("**{}**", c.id)),
            "{}: no `**{}**` doc bullet in primitives/src",
            c.id,
            c.id
        );
    }
}

#[test]
fn readme_claim_table_is_current() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let table = report::markdown_claims(CLAIMS);
    assert!(
        readme.contains(&table),
        "README's claim table is stale: paste `cargo verify --markdown`:\n{table}"
    );
}

#[test]
fn std_build_runs_the_positive_programs() {
    // In std builds each positive program runs once: a cheap smoke test of the programs.
    for c in CLAIMS.iter().filter(|c| c.kind == Kind::Positive) {
        (litmus::program(c.proof).unwrap())();
    }
}
