//! The report's typed schema: what `cargo verify` writes to `--json FILE` (one [`Report`]),
//! and what `models-report` prints, one [`ModelLine`] per line. Writers and readers share
//! these types, so a field renamed on one side is a compile error on the other, and
//! `cargo xtask report FILE` can render any saved report again.
//!
//! The field names are the JSON keys; [`SCHEMA`] is bumped when a field changes meaning or
//! goes away (adding an optional field keeps it).

use serde::{Deserialize, Serialize};

/// The schema version written in [`Report::schema`].
pub const SCHEMA: u32 = 1;

/// One `cargo verify` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`SCHEMA`] at the time of writing.
    pub schema: u32,
    /// One row per claim run, in catalogue order.
    pub claims: Vec<Claim>,
    /// Ordering-instruction coverage (full runs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// The litmus outcome tables (full runs and `--litmus`).
    #[serde(default)]
    pub litmus: Vec<LitmusTable>,
    /// Every pitfall (loom).
    #[serde(default)]
    pub pitfalls: Vec<Pitfall>,
    /// Every classic program (shuttle).
    #[serde(default)]
    pub programs: Vec<Program>,
}

impl Report {
    /// An empty report of the current schema.
    pub fn new() -> Self {
        Self {
            schema: SCHEMA,
            claims: Vec::new(),
            coverage: None,
            litmus: Vec::new(),
            pitfalls: Vec::new(),
            programs: Vec::new(),
        }
    }

    /// Reads a report, refusing one of another schema version.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let r: Self = serde_json::from_str(text).map_err(|e| format!("not a report: {e}"))?;
        if r.schema != SCHEMA {
            return Err(format!(
                "report schema {} (this build reads {SCHEMA})",
                r.schema
            ));
        }
        Ok(r)
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string(self).expect("a report is always serializable");
        s.push('\n');
        s
    }
}

impl Default for Report {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether a claim is a guarantee or a documented race.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A guarantee: the proof must pass, and each mutant must break it.
    Positive,
    /// A documented non-guarantee: loom must find the race.
    Negative,
}

/// What the unmutated run of a claim showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// A positive claim's proof passed.
    Proved,
    /// A negative claim's race was found.
    RaceFound,
    /// The run failed (for a negative claim: with something other than the race).
    Failed,
    /// A negative claim's run passed: the race it documents was not found.
    NoRaceFound,
}

impl Verdict {
    /// The word in tables.
    pub fn word(self) -> &'static str {
        match self {
            Self::Proved => "proved",
            Self::RaceFound => "race-found",
            Self::Failed => "failed",
            Self::NoRaceFound => "no-race-found",
        }
    }
}

/// One claim's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// `HB-CHAN-SEND`, …
    pub id: String,
    /// The claim, in one sentence.
    pub statement: String,
    /// Guarantee or documented race.
    pub kind: Kind,
    /// What the unmutated run showed.
    pub verdict: Verdict,
    /// The checker that ran it.
    pub checker: String,
    /// Executions explored (0 when the run failed).
    pub interleavings: u64,
    /// Wall time of the unmutated run.
    pub seconds: f64,
    /// Threads of the proof program.
    pub threads: usize,
    /// Loom's preemption bound (`None`: exhaustive).
    pub preemption_bound: Option<usize>,
    /// Whether exploration was complete within the stated bounds.
    pub complete: bool,
    /// What the checker said, for failures and negative claims.
    pub diagnosis: String,
    /// Its mutants.
    pub mutants: Mutants,
}

impl Claim {
    /// Whether this row is as it must be: the verdict expected for its kind, every mutant
    /// killed.
    pub fn ok(&self) -> bool {
        let expected = match self.kind {
            Kind::Positive => Verdict::Proved,
            Kind::Negative => Verdict::RaceFound,
        };
        self.verdict == expected && self.mutants.killed == self.mutants.total
    }

    /// `2 threads, preemption bound none`.
    pub fn bounds(&self) -> String {
        let pb = self
            .preemption_bound
            .map_or("none".to_string(), |b| b.to_string());
        format!("{} threads, preemption bound {pb}", self.threads)
    }
}

/// A claim's mutants: one per weakened site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mutants {
    /// How many broke the proof (all must).
    pub killed: usize,
    /// How many ran.
    pub total: usize,
    /// One entry per site.
    pub sites: Vec<Mutant>,
}

impl Mutants {
    /// The summary of `sites`.
    pub fn from_sites(sites: Vec<Mutant>) -> Self {
        let mut all = Self::default();
        for m in sites {
            all.push(m);
        }
        all
    }

    /// Adds one mutant's result, keeping the counts.
    pub fn push(&mut self, m: Mutant) {
        self.killed += usize::from(m.killed);
        self.total += 1;
        self.sites.push(m);
    }
}

/// What happened to one mutant (one weakened site) of a claim's proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutant {
    /// The weakened site.
    pub site: String,
    /// The claim this site was inherited from (`via`), if it is not the claim's own.
    pub via: Option<String>,
    /// Whether the proof failed under it (it must).
    pub killed: bool,
    /// What the checker reported (first line of its failure), or "passed".
    pub diagnosis: String,
}

/// The ordering-instruction coverage of a verify run: every instruction has its own site,
/// and each must be killed by at least one claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// `ord(mutant::…)` call sites in `primitives/src` (one ordering instruction each).
    pub instructions: usize,
    /// Known ordering sites (design mutants, which weaken no ordering, not counted).
    pub sites: usize,
    /// Per site: the claims whose proof its mutant broke.
    pub killed_by: Vec<SiteKills>,
}

/// One site and the claims whose proof its mutant broke.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteKills {
    /// The site.
    pub site: String,
    /// The claims (empty: no claim reaches it).
    pub claims: Vec<String>,
}

impl Coverage {
    /// Sites (instructions) that no claim's proof depends on.
    pub fn unreached(&self) -> Vec<&str> {
        self.killed_by
            .iter()
            .filter(|k| k.claims.is_empty())
            .map(|k| k.site.as_str())
            .collect()
    }

    /// Whether every instruction is its own site and each is killed by some claim.
    pub fn ok(&self) -> bool {
        self.instructions == self.sites && self.unreached().is_empty()
    }
}

/// One litmus shape in one ordering variant, explored exhaustively.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LitmusTable {
    /// `MP`, `SB`, …, or `MP via rendezvous`.
    pub name: String,
    /// `relaxed`, `release/acquire`, `SeqCst`, or the primitive.
    pub variant: String,
    /// What the shape teaches.
    pub lesson: String,
    /// Executions explored.
    pub executions: u64,
    /// The outcomes the table shows.
    pub outcomes: Vec<LitmusOutcome>,
    /// What the mutant run showed, for hbsync shapes (`None`: a plain atomics shape).
    pub mutant: Option<String>,
    /// No unexplained disagreement with the model, and a mutant that shows something.
    pub ok: bool,
}

/// One outcome of a litmus shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LitmusOutcome {
    /// The reads: `r1=1 r2=0`.
    pub label: String,
    /// What the Rust (C++20) memory model says: `forbidden`, `allowed`, `allowed (interesting)`.
    pub model: String,
    /// Executions that ended so.
    pub executions: u64,
    /// `ok`, `MODEL GAP (known)`, `CHECKER WRONG`, …
    pub verdict: String,
    /// Why a known disagreement is one (shown when the verdict is not `ok`).
    pub known: Option<String>,
}

/// One line of `models-report`: a pitfall (loom build) or a classic program (shuttle build).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelLine {
    /// A pitfall and its fixed twin.
    Pitfall(Pitfall),
    /// A classic program.
    Program(Program),
}

/// A pitfall: a buggy program the checker must catch, and its fixed twin, which must pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pitfall {
    /// Its name.
    pub id: String,
    /// The lesson, in a sentence or two.
    pub lesson: String,
    /// The checker that ran it.
    pub checker: String,
    /// What the checker must report: `deadlock`, `leak`, `race`, `panic`.
    pub expected: String,
    /// Whether the buggy program failed with the expected diagnosis.
    pub caught: bool,
    /// The diagnosis found.
    pub diagnosis: String,
    /// Whether the fixed twin passed.
    pub fixed_passes: bool,
    /// Why the fixed twin failed, if it did.
    pub fixed_failure: Option<String>,
    /// Executions of the buggy program until the failure.
    pub buggy_executions: u64,
    /// Executions of the fixed twin.
    pub fixed_executions: u64,
    /// Wall time of both.
    pub seconds: f64,
    /// The failing execution as a text timeline.
    pub timeline: Option<String>,
    /// The tasks of the failing execution.
    pub tasks: Vec<Task>,
    /// The events of the failing execution, in order.
    pub events: Vec<Event>,
    /// How to replay the failing execution.
    pub replay: String,
}

impl Pitfall {
    /// Caught with its diagnosis, and the fixed twin passes.
    pub fn ok(&self) -> bool {
        self.caught && self.fixed_passes
    }
}

/// A task of a failing execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// `main`, `task 1`, or the name given.
    pub name: String,
    /// Where it was spawned (`file:line`), if known.
    pub spawned_at: Option<String>,
    /// The operation it was blocked in at the end, if any.
    pub blocked_in: Option<String>,
}

/// One event of a failing execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The index of its task in [`Pitfall::tasks`].
    pub task: usize,
    /// What happened: `send chan#1 -> blocked`.
    pub text: String,
}

/// A classic program checked under shuttle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// Its name.
    pub id: String,
    /// The properties it asserts.
    pub properties: String,
    /// The checker and its configuration.
    pub checker: String,
    /// Whether every schedule passed.
    pub passed: bool,
    /// The first failure, if any.
    pub failure: Option<String>,
    /// Schedules run.
    pub schedules: u64,
    /// Wall time.
    pub seconds: f64,
}
