//! Keeps the claim catalogue, the docs, the README and the code in sync.
#![cfg(not(any(loom, shuttle)))]

use std::path::Path;

use hbsync_proofs::catalogue::{Kind, CLAIMS};
use hbsync_proofs::{catalogue, litmus};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn primitives_source() -> String {
    primitives_files()
        .into_iter()
        .map(|(_, text)| text)
        .collect()
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

/// The source files of `primitives/src`, each as (path, text).
fn primitives_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![root().join("primitives/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push((
                    p.display().to_string(),
                    std::fs::read_to_string(&p).unwrap(),
                ));
            }
        }
    }
    files
}

/// Issue 11: every ordering instruction stronger than Relaxed is behind its own mutant site
/// (`ord(mutant::SITE, Ordering::…)`), and no site weakens two instructions.
#[test]
fn every_ordering_instruction_is_one_site() {
    let strong = [
        "Ordering::Acquire",
        "Ordering::Release",
        "Ordering::AcqRel",
        "Ordering::SeqCst",
    ];
    let mut uses: std::collections::BTreeMap<String, usize> = Default::default();
    for (path, text) in primitives_files() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(rest) = code.split("ord(mutant::").nth(1) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                *uses.entry(name).or_default() += 1;
            }
            if !strong.iter().any(|o| code.contains(o)) || code.contains("ord(mutant::") {
                continue;
            }
            // The body of a design mutant keeps the real orderings on purpose.
            let in_design_mutant = lines[i.saturating_sub(8)..i]
                .iter()
                .any(|l| l.contains("mutant::active("));
            assert!(
                in_design_mutant,
                "{path}:{}: an ordering stronger than Relaxed without its own mutant site: {}",
                i + 1,
                line.trim()
            );
        }
    }
    for (name, n) in &uses {
        assert_eq!(
            *n, 1,
            "site {name} weakens {n} instructions: give each its own site"
        );
    }
    let ordering_sites = hbsync::check::MUTANT_SITES.len() - hbsync::check::DESIGN_MUTANTS.len();
    assert_eq!(
        uses.len(),
        ordering_sites,
        "ordering instructions and ordering sites differ: {uses:?}"
    );
}

/// Fails on the first line of `text` (the file at `path`) whose code, comments left out,
/// contains one of `banned`; `why` says what is wrong with it.
fn assert_code_avoids(path: &str, text: &str, banned: &[&str], why: &str) {
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for b in banned {
            assert!(
                !code.contains(b),
                "{path}:{}: `{b}` {why}: {}",
                i + 1,
                line.trim()
            );
        }
    }
}

/// STYLE.md §3: only `primitives/src/sync/` names std's, loom's or shuttle's sync items, so
/// every lock and atomic of the primitives is one the checker builds see. The exceptions are
/// listed with why: the panic hook's one-time install (`trace.rs`, checker bookkeeping), the
/// std-only timer thread (`clock/wheel.rs`), and `check.rs`, which runs the checkers.
#[test]
fn only_the_facade_names_std_loom_or_shuttle_sync() {
    let allowed = ["trace.rs", "clock/wheel.rs", "check.rs"];
    for (path, text) in primitives_files() {
        if path.contains("/sync/") || allowed.iter().any(|a| path.ends_with(a)) {
            continue;
        }
        assert_code_avoids(
            &path,
            &text,
            &["std::sync", "core::sync", "loom::", "shuttle::"],
            "outside the sync facade",
        );
    }
}

/// Issue 14: the clock is a layer below the channels, the waiters and the contexts. Its own
/// code names nothing above it, and nothing in those layers reaches the clock through the
/// public `time` module (which is built on the channels): so there is no cycle.
#[test]
fn the_clock_is_below_the_channels() {
    let mut clock_files = 0;
    for (path, text) in primitives_files() {
        if path.contains("/clock/") {
            clock_files += 1;
            assert_code_avoids(
                &path,
                &text,
                &[
                    "crate::chan",
                    "crate::time",
                    "crate::context",
                    "crate::waiter",
                    "crate::once",
                    "crate::mutex",
                    "crate::waitgroup",
                ],
                "in the clock names a layer above it",
            );
        }
        if path.contains("/chan/") || path.contains("/context/") || path.ends_with("waiter.rs") {
            assert_code_avoids(
                &path,
                &text,
                &[
                    "crate::time::is_past",
                    "crate::time::earliest",
                    "crate::time::park_until",
                    "crate::time::cancel_wake",
                    "crate::time::wake",
                ],
                "is clock work through `crate::time`; use `crate::clock`",
            );
        }
    }
    assert!(
        clock_files >= 2,
        "no clock module found under primitives/src/clock/"
    );
}

#[test]
fn via_names_known_claims() {
    for c in CLAIMS {
        for v in c.via {
            let base = hbsync_proofs::catalogue::via_sites(v);
            assert!(
                base.as_ref()
                    .is_some_and(|(b, sites)| b.id != c.id && !sites.is_empty()),
                "{}: via {v} names no other claim, or inherits no site",
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
    let table = catalogue::markdown_table(CLAIMS);
    assert!(
        readme.contains(&table),
        "README's claim table is stale: paste `cargo verify --markdown`:\n{table}"
    );
}

#[test]
fn std_build_runs_the_positive_programs() {
    // In std builds each positive program runs once: a cheap smoke test of the programs.
    for c in CLAIMS.iter().filter(|c| c.kind == Kind::Positive) {
        for (_, part) in litmus::program(c.proof).unwrap() {
            part();
        }
    }
}

/// Issue 14: every constant of the primitives (state tags, bounds, tuning) says what it is in
/// a doc line, so a reader of a state machine never has to guess what a value means.
#[test]
fn every_constant_of_the_primitives_has_a_doc_line() {
    for (path, text) in primitives_files() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let t = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub(super) "))
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            let Some(rest) = t.strip_prefix("const ") else {
                continue;
            };
            if rest.starts_with("fn ") || rest.starts_with('{') || !rest.contains(':') {
                continue;
            }
            let mut j = i;
            while j > 0 && lines[j - 1].trim_start().starts_with("#[") {
                j -= 1;
            }
            assert!(
                j > 0 && lines[j - 1].trim_start().starts_with("///"),
                "{path}:{}: a constant without a doc line: {}",
                i + 1,
                line.trim()
            );
        }
    }
}
