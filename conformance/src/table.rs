//! Run the behaviours on every crate and render the behaviour × crate table.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use crate::adapters::{AsyncChannel, Crossbeam, Flume, Hbsync, Kanal, StdMpsc, TokioMpsc};
use crate::behaviours::{self, Behaviour};
use crate::{primitives, Channel, Verdict};

/// How long one behaviour may run on one crate before it counts as hung.
pub const LIMIT: Duration = Duration::from_secs(60);

/// One crate's column: its name and its behaviours.
pub struct Column {
    /// The crate.
    pub name: &'static str,
    /// The behaviours, instantiated for it.
    pub behaviours: Vec<Behaviour>,
}

/// A column for `C`.
pub fn column<C: Channel>() -> Column {
    Column {
        name: C::NAME,
        behaviours: behaviours::all::<C>(),
    }
}

/// hbsync and its peers, hbsync first.
pub fn columns() -> Vec<Column> {
    vec![
        column::<Hbsync>(),
        column::<Crossbeam>(),
        column::<Flume>(),
        column::<Kanal>(),
        column::<StdMpsc>(),
        column::<TokioMpsc>(),
        column::<AsyncChannel>(),
    ]
}

/// The results: `cells[b][c]` is behaviour `b` on crate `c`.
pub struct Table {
    /// Crate names.
    pub crates: Vec<&'static str>,
    /// Behaviour ids, sources and descriptions.
    pub rows: Vec<(&'static str, &'static str, &'static str)>,
    /// The verdicts.
    pub cells: Vec<Vec<Verdict>>,
    /// hbsync's other primitives: name, what, verdict.
    pub primitives: Vec<(&'static str, &'static str, Verdict)>,
    /// How long it all took.
    pub elapsed: Duration,
}

/// Run every behaviour on every column (and, if `with_primitives`, hbsync's other
/// primitives), reporting each cell to `progress` as it ends.
pub fn run(
    columns: &[Column],
    with_primitives: bool,
    mut progress: impl FnMut(&str, &str, &Verdict),
) -> Table {
    let start = Instant::now();
    let rows: Vec<_> = columns
        .first()
        .map(|c| {
            c.behaviours
                .iter()
                .map(|b| (b.id, b.source, b.what))
                .collect()
        })
        .unwrap_or_default();
    let mut cells = vec![Vec::new(); rows.len()];
    for col in columns {
        for (r, b) in col.behaviours.iter().enumerate() {
            let v = behaviours::run_bounded(b, LIMIT);
            progress(col.name, b.id, &v);
            cells[r].push(v);
        }
    }
    let primitives = match with_primitives {
        true => primitives::all()
            .into_iter()
            .map(|p| {
                let v = (p.run)();
                progress("hbsync", p.name, &v);
                (p.name, p.what, v)
            })
            .collect(),
        false => Vec::new(),
    };
    Table {
        crates: columns.iter().map(|c| c.name).collect(),
        rows,
        cells,
        primitives,
        elapsed: start.elapsed(),
    }
}

impl Table {
    /// Whether every behaviour holds (or is n/a) for crate `name`.
    pub fn conforms(&self, name: &str) -> bool {
        let Some(c) = self.crates.iter().position(|n| *n == name) else {
            return false;
        };
        self.cells
            .iter()
            .all(|row| !matches!(row[c], Verdict::Differs(_)))
            && (name != "hbsync" || self.primitives.iter().all(|p| p.2.holds()))
    }

    /// The table as markdown: short cells, with what differs as numbered notes below.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let mut notes: Vec<String> = Vec::new();
        let _ = writeln!(out, "| behaviour | {} |", self.crates.join(" | "));
        let _ = writeln!(out, "| --- |{}", " --- |".repeat(self.crates.len()));
        for (r, (id, _, _)) in self.rows.iter().enumerate() {
            let cells: Vec<String> = self.cells[r]
                .iter()
                .zip(&self.crates)
                .map(|(v, name)| match v {
                    Verdict::Holds => "holds".to_string(),
                    Verdict::NotApplicable(_) => "n/a".to_string(),
                    Verdict::Differs(how) => {
                        notes.push(format!("{name}, `{id}`: {}", first_lines(how)));
                        format!("**differs** [{}]", notes.len())
                    }
                })
                .collect();
            let _ = writeln!(out, "| `{id}` | {} |", cells.join(" | "));
        }
        if !notes.is_empty() {
            out.push('\n');
            for (i, n) in notes.iter().enumerate() {
                let _ = writeln!(out, "{}. {n}", i + 1);
            }
        }
        // What is n/a, grouped by reason: "no select: kanal, std mpsc, …".
        let mut na: Vec<(String, Vec<&str>)> = Vec::new();
        for (r, (id, _, _)) in self.rows.iter().enumerate() {
            for (v, c) in self.cells[r].iter().zip(&self.crates) {
                if let Verdict::NotApplicable(why) = v {
                    let key = format!("`{id}` ({why})");
                    match na.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, crates)) => crates.push(c),
                        None => na.push((key, vec![c])),
                    }
                }
            }
        }
        if !na.is_empty() {
            let lines: Vec<String> = na
                .iter()
                .map(|(k, crates)| format!("{k}: {}", crates.join(", ")))
                .collect();
            let _ = writeln!(out, "\nn/a: {}.", lines.join("; "));
        }
        if !self.primitives.is_empty() {
            let _ = writeln!(out, "\n| hbsync primitive | linearizable | histories |");
            let _ = writeln!(out, "| --- | --- | --- |");
            for (name, what, v) in &self.primitives {
                let cell = match v {
                    Verdict::Holds => "holds".to_string(),
                    other => format!("**{}**", first_lines(&format!("{other:?}"))),
                };
                let _ = writeln!(out, "| {name} | {cell} | {what} |");
            }
        }
        out
    }

    /// The behaviours themselves: id, source, what is checked.
    pub fn legend(&self) -> String {
        let mut out = String::from("| behaviour | rule | what runs |\n| --- | --- | --- |\n");
        for (id, source, what) in &self.rows {
            let _ = writeln!(out, "| `{id}` | {source} | {what} |");
        }
        out
    }

    /// The table for a terminal: one line per behaviour, then what differs in full.
    pub fn terminal(&self) -> String {
        let width = self.rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let mut out = format!("{:width$}", "");
        for c in &self.crates {
            let _ = write!(out, "  {c:>17}");
        }
        out.push('\n');
        for (r, (id, _, _)) in self.rows.iter().enumerate() {
            let _ = write!(out, "{id:width$}");
            for v in &self.cells[r] {
                let cell = match v {
                    Verdict::Holds => "holds",
                    Verdict::NotApplicable(_) => "n/a",
                    Verdict::Differs(_) => "DIFFERS",
                };
                let _ = write!(out, "  {cell:>17}");
            }
            out.push('\n');
        }
        for (r, (id, _, _)) in self.rows.iter().enumerate() {
            for (v, c) in self.cells[r].iter().zip(&self.crates) {
                if let Verdict::Differs(how) = v {
                    let _ = writeln!(out, "\n{c} {id}: {how}");
                }
            }
        }
        for (name, _, v) in &self.primitives {
            let _ = writeln!(
                out,
                "hbsync {name}: linearizable {}",
                match v {
                    Verdict::Holds => "holds".to_string(),
                    other => format!("{other:?}"),
                }
            );
        }
        let _ = writeln!(out, "({:.1} s)", self.elapsed.as_secs_f64());
        out
    }
}

/// The first three lines of a finding (a history can be long), on one line.
fn first_lines(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut out = lines
        .iter()
        .take(3)
        .copied()
        .collect::<Vec<_>>()
        .join(" / ");
    if lines.len() > 3 {
        out.push_str(" / …");
    }
    out.replace('|', "\\|")
}
