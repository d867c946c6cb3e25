//! `cargo test-all`: every suite in all three builds, clippy (`-D warnings`) in all three,
//! rustdoc without warnings, doc tests, the list's block tests under valgrind memcheck, and
//! `cargo verify` and `cargo conformance`. `.ci/run` runs exactly this.
//!
//! Each checker build uses its own target directory (`target/loom`, `target/shuttle`) so
//! switching builds never rebuilds the others. Loom runs in release mode; the proofs are
//! exhaustive (no preemption bound) because they are small (2 threads); the engine models in
//! `models/tests/loom_*.rs` use preemption bound 3 (their own `Builder`).
//!
//! No test may hang: the suites run under cargo-nextest when it is installed, whose
//! `.config/nextest.toml` ends a test that runs past 5 minutes with a `TIMEOUT` failure
//! naming it (doc tests then run with `cargo test --doc`). Without nextest, `cargo test`
//! runs them, and the tests that can block guard themselves (`hbsync_tests::within`).

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::Instant;

struct Step {
    name: &'static str,
    args: &'static [&'static str],
    /// `None`: std build; `Some(cfg)`: `RUSTFLAGS="--cfg <cfg>"` in `target/<cfg>`.
    checker: Option<&'static str>,
    rustdocflags: bool,
}

const CHECKER_PKGS: &[&str] = &[
    "-p",
    "hbsync",
    "-p",
    "hbsync-models",
    "-p",
    "hbsync-tests",
    "-p",
    "hbsync-proofs",
    "-p",
    "hbsync-conformance",
];

fn steps() -> Vec<Step> {
    let mut v = vec![
        Step {
            name: "fmt",
            args: &["fmt", "--all", "--", "--check"],
            checker: None,
            rustdocflags: false,
        },
        Step {
            name: "clippy (std)",
            args: &[
                "clippy",
                "--workspace",
                "--all-targets",
                "-q",
                "--",
                "-D",
                "warnings",
            ],
            checker: None,
            rustdocflags: false,
        },
        Step {
            name: "tests (std)",
            args: &["test", "--workspace", "-q"],
            checker: None,
            rustdocflags: false,
        },
        // The unbounded list's block reclamation under valgrind memcheck: its unit tests stall
        // a receive so a block goes on the lagging list, and a block that is never freed
        // (at a later install or at the drop) is a definite leak, which fails this step.
        Step {
            name: "memcheck (list blocks, valgrind)",
            args: &[
                "--config",
                "target.'cfg(all())'.runner=['valgrind', '-q', '--error-exitcode=1', \
                 '--leak-check=full', '--show-leak-kinds=definite,indirect', \
                 '--errors-for-leak-kinds=definite,indirect']",
                "test",
                "-p",
                "hbsync",
                "--lib",
                "--release",
                "-q",
                "chan::list::tests",
            ],
            checker: None,
            rustdocflags: false,
        },
        Step {
            name: "doc tests (std)",
            args: &["test", "--workspace", "--doc", "-q"],
            checker: None,
            rustdocflags: false,
        },
        Step {
            name: "rustdoc (std)",
            args: &["doc", "--workspace", "--no-deps", "-q"],
            checker: None,
            rustdocflags: true,
        },
    ];
    for cfg in ["loom", "shuttle"] {
        v.push(Step {
            name: "clippy",
            args: &["clippy", "--lib", "--tests", "-q"],
            checker: Some(cfg),
            rustdocflags: false,
        });
        v.push(Step {
            name: "rustdoc",
            args: &["doc", "-p", "hbsync", "--no-deps", "-q"],
            checker: Some(cfg),
            rustdocflags: true,
        });
        v.push(Step {
            name: "tests",
            args: &["test", "--release", "--lib", "--tests", "-q"],
            checker: Some(cfg),
            rustdocflags: false,
        });
    }
    v.push(Step {
        name: "cargo verify (loom proofs and mutants)",
        args: &["verify"],
        checker: None,
        rustdocflags: false,
    });
    v.push(Step {
        name: "cargo conformance (behaviours x crates, linearizability)",
        args: &["conformance"],
        checker: None,
        rustdocflags: false,
    });
    v
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let all = Instant::now();
    let nextest = Command::new(&cargo)
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nextest {
        eprintln!(
            "test-all: cargo-nextest not found: tests run with `cargo test`, no per-test timeout"
        );
    }
    let steps = steps();
    for (i, step) in steps.iter().enumerate() {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(root)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_TARGET_DIR");
        let mut args: Vec<&str> = step.args.to_vec();
        // Test suites (not doc tests) run under nextest when it is there: a per-test timeout.
        let is_suite = args[0] == "test" && !args.contains(&"--doc");
        if is_suite && nextest {
            args.splice(0..1, ["nextest", "run"]);
            args.retain(|a| *a != "-q");
            args.extend_from_slice(&["--no-tests", "pass", "--status-level", "fail"]);
        }
        let label = match step.checker {
            Some(cfg) => {
                cmd.env("RUSTFLAGS", format!("--cfg {cfg}"))
                    .env("RUSTDOCFLAGS", format!("--cfg {cfg} -D warnings"))
                    .env("CARGO_TARGET_DIR", root.join("target").join(cfg));
                if step.args[0] != "doc" {
                    args.extend_from_slice(CHECKER_PKGS);
                }
                if step.args[0] == "clippy" {
                    args.extend_from_slice(&["--", "-D", "warnings"]);
                }
                format!("{} ({cfg})", step.name)
            }
            None => {
                if step.rustdocflags {
                    cmd.env("RUSTDOCFLAGS", "-D warnings");
                }
                step.name.to_string()
            }
        };
        eprintln!(
            "test-all: [{}/{}] {label}: cargo {}",
            i + 1,
            steps.len(),
            args.join(" ")
        );
        let start = Instant::now();
        let status = cmd.args(&args).status().expect("run cargo");
        eprintln!(
            "test-all: [{}/{}] {label}: {} in {:.0}s",
            i + 1,
            steps.len(),
            if status.success() { "ok" } else { "FAILED" },
            start.elapsed().as_secs_f64()
        );
        if !status.success() {
            eprintln!("test-all: FAILED at {label}");
            return ExitCode::FAILURE;
        }
    }
    eprintln!(
        "test-all: all {} steps passed in {:.0}s",
        steps.len(),
        all.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
