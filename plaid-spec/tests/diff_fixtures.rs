//! One fixture per change kind (tests/fixtures/diff/*.yml, see its README): the vendored spec
//! is edited as the fixture says and the diff must report exactly the expected changes.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plaid_item_codegen::load_merged;
use plaid_spec::diff::{diff_files, DiffReport};
use serde_json::Value;
use support::{supplement, vendored, TempDir};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

/// A parent pointer and the last key of `pointer`, unescaped.
fn split(pointer: &str) -> (String, String) {
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer starts with /");
    (
        parent.to_string(),
        last.replace("~1", "/").replace("~0", "~"),
    )
}

fn container<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    let mut at = doc;
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        at = match at {
            Value::Array(items) => &mut items[key.parse::<usize>().expect("an index")],
            other => {
                if !other.is_object() {
                    *other = Value::Object(Default::default());
                }
                other
                    .as_object_mut()
                    .unwrap()
                    .entry(key)
                    .or_insert_with(|| Value::Object(Default::default()))
            }
        };
    }
    at
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = split(pointer);
    match container(doc, &parent) {
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => {
            other.as_object_mut().unwrap().insert(key, value);
        }
    }
}

fn remove(doc: &mut Value, pointer: &str) -> Value {
    let (parent, key) = split(pointer);
    let removed = match doc.pointer_mut(&parent) {
        Some(Value::Array(items)) => Some(items.remove(key.parse::<usize>().unwrap())),
        Some(Value::Object(map)) => map.remove(&key),
        _ => None,
    };
    removed.unwrap_or_else(|| panic!("nothing to remove at {pointer}"))
}

fn apply(doc: &mut Value, edit: &Value) {
    let (op, arg) = edit
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("an edit is a one-key map");
    let text = |k: &str| arg[k].as_str().unwrap().to_string();
    match op.as_str() {
        "set" => set(doc, &text("at"), arg["value"].clone()),
        "remove" => {
            remove(doc, arg.as_str().unwrap());
        }
        "remove-value" => {
            let items = doc
                .pointer_mut(&text("at"))
                .unwrap()
                .as_array_mut()
                .unwrap();
            let before = items.len();
            items.retain(|v| v != &arg["value"]);
            assert!(
                items.len() < before,
                "{} not in {}",
                arg["value"],
                text("at")
            );
        }
        "append" => container(doc, &text("at"))
            .as_array_mut()
            .unwrap()
            .push(arg["value"].clone()),
        "move" => {
            let value = remove(doc, &text("from"));
            set(doc, &text("to"), value);
        }
        "copy" => {
            let value = doc.pointer(&text("from")).unwrap().clone();
            set(doc, &text("to"), value);
        }
        other => panic!("unknown edit {other}"),
    }
}

type Observed = (String, String, String, String, String);

/// `(wire, source, code, scope, path)` of every change.
fn observed(report: &DiffReport) -> Vec<Observed> {
    let mut out: Vec<_> = report
        .changes
        .iter()
        .map(|c| {
            let code = serde_json::to_value(c.code).unwrap();
            (
                c.wire.as_str().to_string(),
                c.source.as_str().to_string(),
                code.as_str().unwrap().to_string(),
                c.scope.label(),
                c.path.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

fn run(fixture: &Path, tmp: &TempDir) -> Result<(String, BTreeSet<String>), String> {
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(fixture).unwrap())
        .map_err(|e| format!("bad fixture: {e}"))?;
    let mut doc = load_merged(&vendored(), &supplement()).unwrap().document;
    for edit in spec["edits"].as_array().expect("edits") {
        apply(&mut doc, edit);
    }
    let name = fixture.file_name().unwrap().to_string_lossy().to_string();
    let edited = tmp.write(&name, &serde_yaml::to_string(&doc).unwrap());
    let report = diff_files(&vendored(), &edited, &supplement()).map_err(|e| e.to_string())?;
    eprintln!(
        "DUMP {name} verdict={} wire={} source={} semver={} {:?}",
        report.summary.verdict,
        report.summary.wire,
        report.summary.source,
        report.summary.semver,
        observed(&report)
    );
    let expect = &spec["expect"];
    let mut wanted: Vec<_> = expect["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| {
                c[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {c}"))
                    .to_string()
            };
            (s("wire"), s("source"), s("code"), s("scope"), s("path"))
        })
        .collect();
    wanted.sort();
    let got = observed(&report);
    if got != wanted {
        return Err(format!(
            "expected {wanted:#?}\ngot {got:#?}\n{}",
            plaid_spec::diff::text::render(&report, true)
        ));
    }
    let summary = &report.summary;
    for (key, got) in [
        ("verdict", summary.verdict),
        ("wire", summary.wire),
        ("source", summary.source),
        ("semver", summary.semver),
    ] {
        if expect[key].as_str() != Some(got) {
            return Err(format!("{key} {got}, expected {}", expect[key]));
        }
    }
    // The combined kind is the worse axis.
    for c in &report.changes {
        if c.kind != c.wire.min(c.source) {
            return Err(format!("kind {:?} of {c:?}", c.kind));
        }
    }
    for c in expect["changes"].as_array().unwrap() {
        if let Some(used_by) = c.get("used_by") {
            let change = report
                .changes
                .iter()
                .find(|r| r.path == c["path"].as_str().unwrap())
                .unwrap();
            let want: Vec<String> = serde_json::from_value(used_by.clone()).unwrap();
            if change.used_by != want {
                return Err(format!("used_by {:?}, expected {want:?}", change.used_by));
            }
        }
    }
    Ok((
        report.summary.verdict.to_string(),
        got.into_iter().map(|c| c.2).collect(),
    ))
}

#[test]
fn every_fixture_reports_exactly_its_changes() {
    let tmp = TempDir::new("diff-fixtures");
    let mut failures = Vec::new();
    let mut codes = BTreeSet::new();
    let fixtures = fixtures();
    for fixture in &fixtures {
        match run(fixture, &tmp) {
            Ok((_, seen)) => codes.extend(seen),
            Err(e) => failures.push(format!("{}: {e}", fixture.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Each change kind the issue names has a fixture of its own.
    for code in [
        "operation-removed",
        "operation-renamed",
        "operation-moved",
        "operation-added",
        "field-added-required",
        "field-added",
        "field-removed",
        "field-retyped",
        "field-made-required",
        "field-made-optional",
        "made-nullable",
        "enum-value-removed",
        "enum-value-added",
        "server-removed",
        "server-added",
        "constraint-tightened",
        "description-changed",
        "summary-changed",
        "example-changed",
    ] {
        assert!(codes.contains(code), "no fixture shows {code}");
    }
    assert!(fixtures.len() >= 30, "{}", fixtures.len());
}

#[test]
fn a_spec_diffed_with_itself_is_identical() {
    let report = diff_files(&vendored(), &vendored(), &supplement()).unwrap();
    assert!(report.changes.is_empty(), "{:#?}", report.changes);
    assert_eq!(report.summary.verdict, "identical");
    assert!(!report.is_breaking());
}
