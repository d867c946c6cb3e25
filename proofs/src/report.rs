//! Results of `cargo verify` and their renderings: the terminal table, Markdown, JSON.

use std::fmt::Write as _;

use crate::catalogue::{Claim, Kind};

/// What happened to one mutant (one weakened site) of a claim's proof.
#[derive(Debug, Clone)]
pub struct MutantResult {
    /// The weakened site.
    pub site: String,
    /// The claim this site was inherited from (`via`), if it is not the claim's own.
    pub via: Option<&'static str>,
    /// Whether the proof failed under it (it must).
    pub killed: bool,
    /// What the checker reported (first line of its failure), or "passed".
    pub diagnosis: String,
}

/// One claim's result.
#[derive(Debug, Clone)]
pub struct ClaimResult {
    /// The claim.
    pub claim: Claim,
    /// `proved`, `race-found`, or a failure verdict (`failed`, `no-race-found`).
    pub verdict: String,
    /// Executions loom explored (0 when the run failed).
    pub interleavings: u64,
    /// Wall time of the unmutated run.
    pub seconds: f64,
    /// Whether exploration was complete within the stated bounds.
    pub complete: bool,
    /// What the checker said, for failures and negative claims.
    pub diagnosis: String,
    /// One entry per mutant site.
    pub mutants: Vec<MutantResult>,
}

impl ClaimResult {
    /// Killed mutants.
    pub fn killed(&self) -> usize {
        self.mutants.iter().filter(|m| m.killed).count()
    }

    /// Whether this row is as it must be: the verdict expected for its kind, every mutant
    /// killed.
    pub fn ok(&self) -> bool {
        let expected = match self.claim.kind {
            Kind::Positive => "proved",
            Kind::Negative => "race-found",
        };
        self.verdict == expected && self.killed() == self.mutants.len()
    }

    fn bounds(&self) -> String {
        let pb = self
            .claim
            .preemption_bound
            .map_or("none".to_string(), |b| b.to_string());
        format!("{} threads, preemption bound {pb}", self.claim.threads)
    }
}

/// The terminal table.
pub fn table(results: &[ClaimResult]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<19} {:<11} {:<7} {:>13} {:>8} {:>8}  {:<32} statement",
        "claim", "verdict", "checker", "interleavings", "time(s)", "mutants", "configuration"
    );
    for r in results {
        let _ = writeln!(
            s,
            "{:<19} {:<11} {:<7} {:>13} {:>8.2} {:>8}  {:<32} {}",
            r.claim.id,
            r.verdict,
            "loom",
            r.interleavings,
            r.seconds,
            format!("{}/{}", r.killed(), r.mutants.len()),
            r.bounds(),
            r.claim.statement
        );
        for m in r.mutants.iter().filter(|m| !m.killed) {
            let _ = writeln!(
                s,
                "    SURVIVING MUTANT {}{}: the proof still passes with it weakened",
                m.site,
                m.via.map_or(String::new(), |v| format!(" (via {v})"))
            );
        }
    }
    s
}

/// The ordering-instruction coverage of a verify run: every instruction has its own site,
/// and each must be killed by at least one claim.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// `ord(mutant::…)` call sites in `primitives/src` (one ordering instruction each).
    pub instructions: usize,
    /// Known ordering sites (design mutants, which weaken no ordering, not counted).
    pub sites: usize,
    /// Per site: the claims whose proof its mutant broke.
    pub killed_by: Vec<(&'static str, Vec<&'static str>)>,
}

impl Coverage {
    /// Sites (instructions) that no claim's proof depends on.
    pub fn unreached(&self) -> Vec<&'static str> {
        self.killed_by
            .iter()
            .filter(|(_, by)| by.is_empty())
            .map(|(s, _)| *s)
            .collect()
    }

    /// The one-line summary `cargo verify` prints.
    pub fn line(&self) -> String {
        let counts: Vec<usize> = self.killed_by.iter().map(|(_, by)| by.len()).collect();
        let (min, max) = (
            counts.iter().min().copied().unwrap_or(0),
            counts.iter().max().copied().unwrap_or(0),
        );
        let unreached = self.unreached();
        format!(
            "coverage: {} ordering instructions, {} ordering sites; each site killed by {min}..{max} claims; reached by no claim: {}{}",
            self.instructions,
            self.sites,
            unreached.len(),
            if unreached.is_empty() {
                String::new()
            } else {
                format!(" ({})", unreached.join(", "))
            }
        )
    }

    /// A Markdown table: site → the claims that kill it.
    pub fn markdown(&self) -> String {
        let mut s = format!(
            "{}

| site | killed by |
|---|---|
",
            self.line()
        );
        for (site, by) in &self.killed_by {
            let _ = writeln!(s, "| `{site}` | {} |", by.join(", "));
        }
        s
    }
}

/// The verify results as a Markdown table (the README's "last cargo verify" table).
pub fn markdown_results(results: &[ClaimResult]) -> String {
    let mut s = String::from(
        "| claim | verdict | interleavings | seconds | mutants killed | bounds |\n|---|---|---|---|---|---|\n",
    );
    for r in results {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.2} | {}/{} | {} |",
            r.claim.id,
            r.verdict,
            r.interleavings,
            r.seconds,
            r.killed(),
            r.mutants.len(),
            r.bounds()
        );
    }
    s
}

/// The README's claim table (static columns only, so it does not change between runs).
pub fn markdown_claims(claims: &[Claim]) -> String {
    let mut s = String::from(
        "| claim | statement | kind | proof | mutant sites |\n|---|---|---|---|---|\n",
    );
    for c in claims {
        let sites = if c.sites.is_empty() {
            if c.note.is_empty() {
                "—".to_string()
            } else {
                format!("— ({})", c.note)
            }
        } else {
            c.sites
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let kind = match c.kind {
            Kind::Positive => "guarantee",
            Kind::Negative => "not guaranteed",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {kind} | `litmus::{}` | {sites} |",
            c.id, c.statement, c.proof
        );
    }
    s
}

/// The machine-readable report (schema in the foundation issue); `pitfalls` and `programs`
/// are the models' JSON objects as `models-report` printed them.
pub fn json(
    results: &[ClaimResult],
    coverage: Option<&Coverage>,
    pitfalls: &[serde_json::Value],
    programs: &[serde_json::Value],
) -> String {
    use serde_json::json;
    let claims: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            let sites: Vec<serde_json::Value> = r
                .mutants
                .iter()
                .map(|m| json!({"site": m.site, "via": m.via, "killed": m.killed, "diagnosis": m.diagnosis}))
                .collect();
            json!({
                "id": r.claim.id,
                "statement": r.claim.statement,
                "kind": if r.claim.kind == Kind::Positive { "positive" } else { "negative" },
                "verdict": r.verdict,
                "checker": "loom",
                "interleavings": r.interleavings,
                "seconds": (r.seconds * 1000.0).round() / 1000.0,
                "threads": r.claim.threads,
                "preemption_bound": r.claim.preemption_bound,
                "complete": r.complete,
                "diagnosis": r.diagnosis,
                "mutants": {"killed": r.killed(), "total": r.mutants.len(), "sites": sites},
            })
        })
        .collect();
    let report = json!({"claims": claims, "coverage": coverage.map(|c| json!({
        "instructions": c.instructions,
        "sites": c.sites,
        "killed_by": c.killed_by.iter().map(|(s, by)| json!({"site": s, "claims": by})).collect::<Vec<_>>(),
        "unreached": c.unreached(),
    })), "pitfalls": pitfalls, "programs": programs});
    format!("{report}\n")
}
