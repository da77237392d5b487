//! The human-readable report `plaid-spec diff` prints by default.

use std::fmt::Write;

use super::model::{Change, DiffReport, Kind};

fn side(info: &super::model::SpecInfo) -> String {
    match (&info.path, &info.version) {
        (Some(p), Some(v)) => format!("{p} ({v})"),
        (Some(p), None) => p.clone(),
        (None, Some(v)) => v.clone(),
        (None, None) => "(spec)".into(),
    }
}

/// `itemGet (response), itemRemove (request)`, or counts when the list is long.
fn used_by(labels: &[String]) -> String {
    if labels.len() <= 4 {
        return labels.join(", ");
    }
    let count = |side: &str| labels.iter().filter(|l| l.ends_with(side)).count();
    let parts: Vec<String> = [("requests", " (request)"), ("responses", " (response)")]
        .iter()
        .filter(|(_, side)| count(side) > 0)
        .map(|(word, side)| format!("{} operations' {word}", count(side)))
        .collect();
    parts.join(" and ")
}

/// The bump, and what it means for a `0.x.y` version (cargo reads those one place right).
fn semver(bump: &str) -> String {
    match bump {
        "major" => {
            "major: the regenerated crate needs X+1.0.0 (before 1.0: 0.x -> 0.(x+1).0)".into()
        }
        "minor" => {
            "minor: the regenerated crate needs x.Y+1.0 (before 1.0: 0.x.y -> 0.x.(y+1))".into()
        }
        "patch" => {
            "patch: the regenerated crate needs x.y.Z+1 (before 1.0: 0.x.y -> 0.x.(y+1))".into()
        }
        other => format!("{other}: the generated crate is unchanged"),
    }
}

/// The whole report, grouped by operation and schema; `docs: false` leaves out the
/// documentation-only changes (and says how many there were).
pub fn render(report: &DiffReport, docs: bool) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(out, "{} -> {}", side(&report.old), side(&report.new));
    let _ = writeln!(
        out,
        "verdict: {} ({} breaking, {} additive, {} compatible, {} docs)",
        s.verdict, s.breaking, s.additive, s.compatible, s.docs
    );
    let _ = writeln!(
        out,
        "wire:    {:<10} (a client built from the old spec, talking to the new API)",
        s.wire
    );
    let _ = writeln!(
        out,
        "source:  {:<10} (code that compiled against the crate generated from the old spec)",
        s.source
    );
    let _ = write!(out, "semver:  {}", semver(s.semver));
    match &s.next_version {
        Some(next) => {
            let _ = writeln!(out, "; next version {next}");
        }
        None => {
            let _ = writeln!(out);
        }
    }
    if let Some(n) = report.outside_selection {
        let _ = writeln!(
            out,
            "outside the selection: {n} operation{} changed (not compared; --selection adds them)",
            if n == 1 { "" } else { "s" }
        );
    }
    let shown: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| docs || c.kind != Kind::Docs)
        .collect();
    let mut current = None;
    for change in shown {
        if current != Some(&change.scope) {
            current = Some(&change.scope);
            let _ = writeln!(out);
            let _ = write!(out, "{}", change.scope.label());
            if !change.used_by.is_empty() {
                let _ = write!(out, "  [used by {}]", used_by(&change.used_by));
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(
            out,
            "  wire {:<11}source {:<11}{}",
            change.wire.as_str(),
            change.source.as_str(),
            change.message
        );
    }
    if !docs && s.docs > 0 {
        let _ = writeln!(out, "\n({} documentation-only changes not shown)", s.docs);
    }
    out
}
