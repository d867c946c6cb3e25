//! `cargo xtask`: the workspace's chores.
//!
//! ```text
//! cargo xtask report FILE [--out DIR]   render a saved `cargo verify --json FILE` report
//!                                       again as DIR/report.md and DIR/report.html
//!                                       (default DIR: target/hbsync-report)
//! cargo test-all                        every suite in all three builds (src/bin/test-all.rs)
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use hbsync_xtask::{render, schema::Report};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("report") => report(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask report FILE [--out DIR]");
            ExitCode::from(2)
        }
    }
}

fn report(args: &[String]) -> ExitCode {
    let Some(file) = args.first() else {
        eprintln!("usage: cargo xtask report FILE [--out DIR]");
        return ExitCode::from(2);
    };
    let out = match args.get(1).map(String::as_str) {
        Some("--out") => match args.get(2) {
            Some(dir) => PathBuf::from(dir),
            None => {
                eprintln!("xtask: --out needs a directory");
                return ExitCode::from(2);
            }
        },
        Some(other) => {
            eprintln!("xtask: unknown argument {other}");
            return ExitCode::from(2);
        }
        None => PathBuf::from("target/hbsync-report"),
    };
    let report = match std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {file}: {e}"))
        .and_then(|text| Report::from_json(&text))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xtask: {e}");
            return ExitCode::FAILURE;
        }
    };
    match render::write_files(&report, &out) {
        Ok((md, html)) => {
            println!(
                "xtask: {} claims, {} pitfalls, {} programs: wrote {} and {}",
                report.claims.len(),
                report.pitfalls.len(),
                report.programs.len(),
                md.display(),
                html.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask: cannot write to {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
