//! `cargo conformance`: run the conformance kit on hbsync and its peers and print the
//! behaviour × crate table.
//!
//! Options: `--markdown` prints the markdown table (the README's) instead of the terminal
//! one; `--out DIR` writes `DIR/conformance.md` and `conformance.html` (default
//! `target/hbsync-report`, beside `cargo verify`'s report); `--only NAME` runs one crate.
//! The exit status is 1 if any behaviour differs for hbsync.

use std::process::ExitCode;

/// The peers have no checker build; under `--cfg loom` the kit is its trait and `hb`.
#[cfg(any(loom, shuttle))]
fn main() -> ExitCode {
    eprintln!("conformance: runs in a std build (the HB claims run in the crate's loom tests)");
    ExitCode::from(2)
}

#[cfg(not(any(loom, shuttle)))]
fn main() -> ExitCode {
    use hbsync_conformance::table;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let value = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let mut columns = table::columns();
    if let Some(only) = value("--only") {
        columns.retain(|c| c.name == only);
        if columns.is_empty() {
            eprintln!("conformance: no crate named {only:?}");
            return ExitCode::from(2);
        }
    }
    let with_primitives = columns.iter().any(|c| c.name == "hbsync");
    let t = table::run(&columns, with_primitives, |c, b, v| {
        eprintln!(
            "  {c:>17}  {b:<32} {}",
            match v {
                hbsync_conformance::Verdict::Holds => "holds",
                hbsync_conformance::Verdict::NotApplicable(_) => "n/a",
                hbsync_conformance::Verdict::Differs(_) => "DIFFERS",
            }
        );
    });
    let md = format!("{}\n{}", t.markdown(), t.legend());
    if flag("--markdown") {
        print!("{md}");
    } else {
        print!("{}", t.terminal());
    }
    let dir = value("--out")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/hbsync-report")
        });
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>hbsync conformance</title>\
         </head><body><h1>Conformance: behaviours x crates</h1>{}</body></html>",
        hbsync_xtask::render::markdown_html(&md)
    );
    let written = std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(dir.join("conformance.md"), &md))
        .and_then(|_| std::fs::write(dir.join("conformance.html"), page));
    if let Err(e) = written {
        eprintln!("conformance: cannot write to {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    eprintln!(
        "conformance: wrote {}/conformance.md and .html",
        dir.display()
    );
    if with_primitives && !t.conforms("hbsync") {
        eprintln!("conformance: hbsync differs from its own specification");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
