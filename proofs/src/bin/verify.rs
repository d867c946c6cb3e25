//! `cargo verify`: the main job. Proves every claim of the catalogue under loom and runs every
//! mutant; then runs every pitfall (buggy program and fixed twin, loom) and every classic
//! program (shuttle); prints the claim, pitfall and program tables; writes the report with
//! every trace to `target/hbsync-report/report.md` and `report.html`; exits non-zero if a
//! claim is unproved, a mutant survives, a pitfall is not caught, a fixed twin or a program
//! fails.
//!
//! ```text
//! cargo verify [--json FILE] [--only CLAIM-ID]... [--models] [--markdown]
//! ```
//!
//! It builds the loom and shuttle builds of the runners in their own target directories
//! (`target/loom`, `target/shuttle`), then runs each claim and each mutant in a separate
//! process, two at a time (a failing loom model may abort its process; the runner only reads
//! exit codes and messages). `--only` runs just those claims (no models); `--models` runs
//! just the models.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

use hbsync_proofs::catalogue::{self, Claim, Kind, CLAIMS};
use hbsync_proofs::tables;
use hbsync_xtask::render;
use hbsync_xtask::schema::{self, ModelLine, Mutant, Mutants, Pitfall, Program, Report, Verdict};

/// One process to run: a claim, optionally with one site weakened (its own, or inherited
/// from a claim it builds on).
struct Job {
    claim: usize,
    mutant: Option<&'static str>,
    via: Option<&'static str>,
}

impl Job {
    fn label(&self) -> String {
        match (self.mutant, self.via) {
            (None, _) => "claim".to_string(),
            (Some(s), None) => format!("mutant {s}"),
            (Some(s), Some(v)) => format!("mutant {s} (via {v})"),
        }
    }
}

/// What a worker runs now (label, start), for the heartbeat.
type Running = Option<(String, Instant)>;

/// The progress word for a finished run: what it means for this claim.
fn progress(claim: &Claim, job: &Job, out: &Outcome) -> String {
    match (job.mutant, claim.kind, out.passed) {
        (None, Kind::Positive, true) => "proved".into(),
        (None, Kind::Positive, false) => format!("FAILED: {}", out.diagnosis),
        (None, Kind::Negative, false) if out.diagnosis.contains("Causality violation") => {
            "race found (expected)".into()
        }
        (None, Kind::Negative, false) => format!("FAILED: {}", out.diagnosis),
        (None, Kind::Negative, true) => "FAILED: no race found".into(),
        (Some(_), _, false) => format!("killed: {}", out.diagnosis),
        (Some(_), _, true) => "SURVIVED: the proof passes with it weakened".into(),
    }
}

/// Runs the litmus outcome tables: every shape exhaustively in one process, then each hbsync
/// shape's mutant in its own.
fn run_tables(bin: &Path) -> Vec<tables::TableResult> {
    let parse = |stdout: &[u8]| -> Vec<(usize, tables::Counts)> {
        String::from_utf8_lossy(stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| {
                let i = v["index"].as_u64()? as usize;
                let counts = v["counts"]
                    .as_object()?
                    .iter()
                    .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
                    .collect();
                Some((i, counts))
            })
            .collect()
    };
    let out = Command::new(bin)
        .arg("--tables")
        .env_remove("HBSYNC_MUTANT")
        .output()
        .expect("run the litmus tables");
    if !out.status.success() {
        eprintln!(
            "verify: the litmus tables failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut results: Vec<tables::TableResult> = parse(&out.stdout)
        .into_iter()
        .map(|(i, counts)| tables::TableResult {
            shape: &tables::SHAPES[i],
            counts,
            mutant: None,
        })
        .collect();
    for (i, r) in results.iter_mut().enumerate() {
        let Some(site) = r.shape.mutant else { continue };
        let out = Command::new(bin)
            .args(["--tables", &i.to_string()])
            .env("HBSYNC_MUTANT", site)
            .env("RUST_BACKTRACE", "0")
            .env("HBSYNC_TRACE_QUIET", "1")
            .output()
            .expect("run a litmus table mutant");
        let forbidden: u64 = parse(&out.stdout)
            .iter()
            .flat_map(|(_, c)| {
                r.shape
                    .outcomes
                    .iter()
                    .filter(|o| o.model == tables::Model::Forbidden)
                    .map(|o| c.get(o.label).copied().unwrap_or(0))
            })
            .sum();
        r.mutant = Some(if forbidden > 0 {
            tables::MutantEvidence::Forbidden(forbidden)
        } else if String::from_utf8_lossy(&out.stderr).contains("Causality violation") {
            tables::MutantEvidence::RaceInHandOff
        } else {
            tables::MutantEvidence::Nothing
        });
    }
    results
}

/// What is wrong with the litmus tables: every table not as the model says, and tables
/// that did not run.
fn litmus_problems(rows: &[schema::LitmusTable]) -> Vec<String> {
    let mut bad: Vec<String> = rows
        .iter()
        .filter(|r| !r.ok)
        .map(|r| format!("litmus table {} ({})", r.name, r.variant))
        .collect();
    if rows.len() != tables::SHAPES.len() {
        bad.push("the litmus tables did not all run".into());
    }
    bad
}

/// Ordering instructions behind a site: `ord(mutant::` call sites in `primitives/src`.
fn count_instructions(root: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![root.join("primitives").join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                n += text
                    .split("ord(mutant::")
                    .skip(1)
                    .filter(|rest| {
                        let name_len = rest
                            .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                            .unwrap_or(0);
                        name_len > 0 && rest[name_len..].starts_with(", Ordering::")
                    })
                    .count();
            }
        }
    }
    n
}

/// What one process said.
struct Outcome {
    passed: bool,
    executions: u64,
    seconds: f64,
    diagnosis: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Builds `bin` of `package` with `--cfg <checker>` in `target/<checker>`; returns its path.
fn build(root: &Path, checker: &str, package: &str, bin: &str) -> PathBuf {
    let target = root.join("target").join(checker);
    eprintln!(
        "verify: building the {checker} build of {bin} ({})",
        target.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "-q", "-p", package, "--bin", bin])
        .env("RUSTFLAGS", format!("--cfg {checker}"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "verify: the {checker} build of {bin} failed"
    );
    target.join("release").join(bin)
}

/// Runs `models-report` (already built) and parses its lines (one [`ModelLine`] each; a
/// line that does not parse is reported, and so missing from the tables).
fn run_models(bin: &Path, replay_dir: &Path) -> Vec<ModelLine> {
    let out = Command::new(bin)
        .current_dir(root())
        .arg(replay_dir)
        .output()
        .expect("run models-report");
    if !out.status.success() {
        eprintln!(
            "verify: {} failed:\n{}",
            bin.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(line) => Some(line),
            Err(e) => {
                eprintln!("verify: a models-report line is not in the schema ({e}): {l}");
                None
            }
        })
        .collect()
}

/// The first line of a failure that says what the checker found.
fn diagnose(stderr: &str) -> String {
    let wanted = [
        "Causality violation",
        "deadlock",
        "panicked at",
        "assertion",
    ];
    for w in wanted {
        if let Some(line) = stderr.lines().find(|l| l.contains(w)) {
            // loom prints the message on the line after "panicked at …".
            if line.contains("panicked at") {
                let mut it = stderr.lines().skip_while(|l| !l.contains("panicked at"));
                it.next();
                if let Some(msg) = it.next() {
                    return msg.trim().to_string();
                }
            }
            return line.trim().to_string();
        }
    }
    stderr.lines().last().unwrap_or("").trim().to_string()
}

fn run(bin: &Path, claim: &Claim, mutant: Option<&str>) -> Outcome {
    let start = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.arg(claim.id)
        .env_remove("HBSYNC_MUTANT")
        .env("RUST_BACKTRACE", "0");
    for v in [
        "LOOM_MAX_PERMUTATIONS",
        "LOOM_MAX_DURATION",
        "LOOM_MAX_PREEMPTIONS",
        "LOOM_LOG",
    ] {
        cmd.env_remove(v);
    }
    if let Some(site) = mutant {
        cmd.env("HBSYNC_MUTANT", site);
    }
    let out = cmd.output().expect("run the litmus runner");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let executions = stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("executions="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Outcome {
        passed: out.status.success(),
        executions,
        seconds: start.elapsed().as_secs_f64(),
        diagnosis: if out.status.success() {
            "passed".into()
        } else {
            diagnose(&stderr)
        },
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut json: Option<PathBuf> = None;
    let mut only: Vec<String> = Vec::new();
    let mut models_only = false;
    let mut litmus_only = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json = Some(args.next().expect("--json FILE").into()),
            "--only" => only.push(args.next().expect("--only CLAIM-ID")),
            "--models" => models_only = true,
            "--litmus" => litmus_only = true,
            "--markdown" => {
                print!("{}", catalogue::markdown_table(CLAIMS));
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!("usage: cargo verify [--json FILE] [--only CLAIM-ID]... [--models] [--litmus] [--markdown]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("verify: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let chosen: Vec<usize> = (0..CLAIMS.len())
        .filter(|&i| !models_only && (only.is_empty() || only.iter().any(|o| o == CLAIMS[i].id)))
        .collect();
    let root = root();
    let bin = build(&root, "loom", "hbsync-proofs", "litmus");
    // The litmus outcome tables: with `--litmus` alone, or as part of the full run.
    let litmus_tables = (litmus_only || (only.is_empty() && !models_only)).then(|| {
        let rows: Vec<schema::LitmusTable> = run_tables(&bin)
            .iter()
            .map(tables::TableResult::row)
            .collect();
        print!("{}", render::litmus_text(&rows));
        rows
    });
    if litmus_only {
        let rows = litmus_tables.unwrap_or_default();
        let dir = root.join("target").join("hbsync-report");
        std::fs::create_dir_all(&dir).expect("create the report directory");
        std::fs::write(dir.join("litmus.md"), render::litmus_markdown(&rows))
            .expect("write litmus.md");
        let bad = litmus_problems(&rows);
        return if bad.is_empty() {
            println!("\nverify: all {} litmus tables as the model says (or a known limit of loom); every mutant shows its edge", rows.len());
            ExitCode::SUCCESS
        } else {
            println!(
                "\nverify: LITMUS TABLES NOT AS EXPECTED: {}",
                bad.join(", ")
            );
            ExitCode::FAILURE
        };
    }

    let mut jobs = Vec::new();
    for &i in &chosen {
        let claim = &CLAIMS[i];
        jobs.push(Job {
            claim: i,
            mutant: None,
            via: None,
        });
        if claim.kind == Kind::Positive {
            jobs.extend(claim.sites.iter().map(|&s| Job {
                claim: i,
                mutant: Some(s),
                via: None,
            }));
            // Inherited sites: the edges of the claims this one builds on.
            for &v in claim.via {
                let (base, sites) =
                    hbsync_proofs::catalogue::via_sites(v).expect("via names a claim");
                for s in sites.into_iter().filter(|s| !claim.sites.contains(s)) {
                    jobs.push(Job {
                        claim: i,
                        mutant: Some(s),
                        via: Some(base.id),
                    });
                }
            }
        }
    }
    let total = jobs.len();
    eprintln!(
        "verify: {} claims, {total} runs (claims and mutants), 2 at a time",
        chosen.len()
    );
    let mut queue: Vec<(usize, Job)> = jobs.into_iter().enumerate().collect();
    queue.reverse(); // workers pop from the back: run in catalogue order
    let queue = Arc::new(Mutex::new(queue));
    // What each worker runs now, for the heartbeat.
    let running: Arc<Mutex<Vec<Running>>> = Arc::new(Mutex::new(vec![None; 2]));
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = (0..2)
        .map(|w| {
            let (queue, tx, bin, running) =
                (queue.clone(), tx.clone(), bin.clone(), running.clone());
            std::thread::spawn(move || loop {
                let Some((n, job)) = queue.lock().unwrap().pop() else {
                    break;
                };
                running.lock().unwrap()[w] = Some((
                    format!("{} {}", CLAIMS[job.claim].id, job.label()),
                    Instant::now(),
                ));
                let out = run(&bin, &CLAIMS[job.claim], job.mutant);
                running.lock().unwrap()[w] = None;
                tx.send((n, job, out)).unwrap();
            })
        })
        .collect();
    drop(tx);
    let mut done = Vec::new();
    let mut finished = 0;
    loop {
        let (n, job, out) = match rx.recv_timeout(std::time::Duration::from_secs(30)) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                // Heartbeat: a long proof is running, not stuck.
                for (what, since) in running.lock().unwrap().iter().flatten() {
                    eprintln!(
                        "verify: ... still exploring {what} ({:.0}s)",
                        since.elapsed().as_secs_f64()
                    );
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        finished += 1;
        let claim = &CLAIMS[job.claim];
        eprintln!(
            "verify: [{finished:>2}/{total}] {:<19} {:<48} {} ({:.1}s)",
            claim.id,
            job.label(),
            progress(claim, &job, &out),
            out.seconds
        );
        let _ = std::io::stderr().flush();
        done.push((n, job, out));
    }
    for w in workers {
        w.join().unwrap();
    }
    done.sort_by_key(|(n, _, _)| *n);

    let mut results: Vec<schema::Claim> = Vec::new();
    for (_, job, out) in done {
        let claim = CLAIMS[job.claim];
        match job.mutant {
            None => {
                let verdict = match (claim.kind, out.passed) {
                    (Kind::Positive, true) => Verdict::Proved,
                    (Kind::Positive, false) => Verdict::Failed,
                    (Kind::Negative, false) if out.diagnosis.contains("Causality violation") => {
                        Verdict::RaceFound
                    }
                    (Kind::Negative, false) => Verdict::Failed,
                    (Kind::Negative, true) => Verdict::NoRaceFound,
                };
                results.push(schema::Claim {
                    id: claim.id.to_string(),
                    statement: claim.statement.to_string(),
                    kind: match claim.kind {
                        Kind::Positive => schema::Kind::Positive,
                        Kind::Negative => schema::Kind::Negative,
                    },
                    verdict,
                    checker: "loom".to_string(),
                    interleavings: out.executions,
                    seconds: (out.seconds * 1000.0).round() / 1000.0,
                    threads: claim.threads,
                    preemption_bound: claim.preemption_bound,
                    complete: out.passed,
                    diagnosis: out.diagnosis,
                    mutants: Mutants::default(),
                });
            }
            Some(site) => {
                let r = results
                    .iter_mut()
                    .rev()
                    .find(|r| r.id == claim.id)
                    .expect("claim runs first");
                r.mutants.push(Mutant {
                    site: site.to_string(),
                    via: job.via.map(str::to_string),
                    killed: !out.passed,
                    diagnosis: out.diagnosis,
                });
            }
        }
    }
    println!();
    print!("{}", render::claims_table(&results));
    // Coverage: every ordering instruction must be one site, killed by at least one claim.
    let coverage = (only.is_empty() && !models_only).then(|| schema::Coverage {
        instructions: count_instructions(&root),
        sites: hbsync::check::MUTANT_SITES.len() - hbsync::check::DESIGN_MUTANTS.len(),
        killed_by: hbsync::check::MUTANT_SITES
            .iter()
            .map(|&site| schema::SiteKills {
                site: site.to_string(),
                claims: results
                    .iter()
                    .filter(|r| r.mutants.sites.iter().any(|m| m.site == site && m.killed))
                    .map(|r| r.id.clone())
                    .collect(),
            })
            .collect(),
    });
    if let Some(c) = &coverage {
        println!("\nverify: {}", render::coverage_line(c));
    }

    // The models: pitfalls (loom) and classic programs (shuttle).
    let mut report = Report {
        claims: results,
        coverage,
        litmus: litmus_tables.unwrap_or_default(),
        ..Report::new()
    };
    if only.is_empty() {
        let report_dir = root.join("target").join("hbsync-report");
        let replay_dir = Path::new("target").join("hbsync-report").join("replay");
        std::fs::create_dir_all(root.join(&replay_dir)).expect("create the report directory");
        let start = Instant::now();
        let loom_bin = build(&root, "loom", "hbsync-models", "models-report");
        let shuttle_bin = build(&root, "shuttle", "hbsync-models", "models-report");
        let lines = run_models(&loom_bin, &replay_dir)
            .into_iter()
            .chain(run_models(&shuttle_bin, &replay_dir));
        for line in lines {
            match line {
                ModelLine::Pitfall(p) => report.pitfalls.push(p),
                ModelLine::Program(p) => report.programs.push(p),
            }
        }
        eprintln!(
            "verify: {} pitfalls and {} programs in {:.1}s",
            report.pitfalls.len(),
            report.programs.len(),
            start.elapsed().as_secs_f64()
        );
        println!();
        print!(
            "{}",
            render::models_table(&report.pitfalls, &report.programs)
        );
        let (md, html) = render::write_files(&report, &report_dir).expect("write the report files");
        println!(
            "\nverify: report with every trace: {} and {}",
            md.display(),
            html.display()
        );
    }
    if let Some(path) = json {
        std::fs::write(&path, report.to_json()).expect("write the JSON report");
        eprintln!("verify: wrote {}", path.display());
    }
    let Report {
        claims: results,
        coverage,
        litmus,
        pitfalls,
        programs,
        ..
    } = report;
    let mut bad: Vec<String> = results
        .iter()
        .filter(|r| !r.ok())
        .map(|r| r.id.clone())
        .collect();
    bad.extend(
        pitfalls
            .iter()
            .filter(|p| !Pitfall::ok(p))
            .map(|p| format!("pitfall {}", p.id)),
    );
    bad.extend(
        programs
            .iter()
            .filter(|p: &&Program| !p.passed)
            .map(|p| format!("program {}", p.id)),
    );
    if only.is_empty() && (pitfalls.is_empty() || programs.is_empty()) {
        bad.push("the models produced no results".into());
    }
    if only.is_empty() && !models_only {
        bad.extend(litmus_problems(&litmus));
    }
    if let Some(c) = &coverage {
        bad.extend(
            c.unreached()
                .iter()
                .map(|s| format!("site {s} reached by no claim")),
        );
        if c.instructions != c.sites {
            bad.push(format!(
                "{} ordering instructions but {} sites",
                c.instructions, c.sites
            ));
        }
    }
    if bad.is_empty() {
        println!(
            "\nverify: all {} claims as stated; every mutant killed{}; {} pitfalls caught with \
             fixed twins passing; {} classic programs pass",
            results.len(),
            coverage.as_ref().map_or(String::new(), |c| format!(
                ", each of the {} ordering instructions by at least one claim",
                c.instructions
            )),
            pitfalls.len(),
            programs.len()
        );
        ExitCode::SUCCESS
    } else {
        println!("\nverify: NOT VERIFIED: {}", bad.join(", "));
        ExitCode::FAILURE
    }
}
