//! Regenerating the SDK from a newer spec, seen from code that uses it: `tests/compat/` is
//! written the way the docs teach (a wildcard-free `other => other.as_str()` arm, optional
//! reply fields read with `if let Some`, fluent request setters) and is checked with
//! `cargo check --offline` against the SDK generated from the vendored spec and from four
//! edits of it, each also diffed with `plaid-spec diff`:
//!
//! | edit | compiles | wire | source |
//! | --- | --- | --- | --- |
//! | enum value and reply field added | yes | additive | additive |
//! | a required reply field the app reads removed | no (E0609) | breaking | breaking |
//! | `request_id` made required | no (E0308) | compatible | breaking |
//! | nullable `Item.institution_id` made required | yes (still `Option`) | compatible | compatible |
//!
//! Into `target/downstream/`, shared with tests/downstream.rs: only plaid-item is re-checked
//! per case.

use std::path::{Path, PathBuf};
use std::process::Command;

use plaid_spec::diff::{diff_files, DiffReport, Kind};
use serde_json::{json, Value};

struct Case {
    name: &'static str,
    edit: fn(&mut Value),
    /// `(error code, text the error's block must contain)` for each expected compile error;
    /// empty when the app must compile.
    errors: &'static [(&'static str, &'static str)],
    /// `(wire, source)` of every change, and the report's semver bump.
    axes: (Kind, Kind),
    semver: &'static str,
}

fn schema<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    &mut doc["components"]["schemas"][name]
}

const CASES: &[Case] = &[
    Case {
        name: "enum value and reply field added",
        edit: |doc| {
            let products = schema(doc, "Products")["enum"].as_array_mut().unwrap();
            products.push("brand_new_product".into());
            schema(doc, "Item")["properties"]["nickname"] = json!({"type": "string"});
        },
        errors: &[],
        axes: (Kind::Additive, Kind::Additive),
        semver: "minor",
    },
    Case {
        name: "Item.item_id removed",
        edit: |doc| {
            let item = schema(doc, "Item");
            item["properties"]
                .as_object_mut()
                .unwrap()
                .remove("item_id");
            let required = item["required"].as_array_mut().unwrap();
            required.retain(|f| f != "item_id");
        },
        errors: &[(
            "E0609",
            "no field `item_id` on type `&plaid_item::types::Item`",
        )],
        axes: (Kind::Breaking, Kind::Breaking),
        semver: "major",
    },
    Case {
        name: "ItemApplicationListResponse.request_id made required",
        edit: |doc| {
            let required = schema(doc, "ItemApplicationListResponse")["required"]
                .as_array_mut()
                .unwrap();
            required.push("request_id".into());
        },
        errors: &[("E0308", "if let Some(id) = &resp.request_id")],
        axes: (Kind::Compatible, Kind::Breaking),
        semver: "major",
    },
    Case {
        name: "nullable Item.institution_id made required",
        edit: |doc| {
            let required = schema(doc, "Item")["required"].as_array_mut().unwrap();
            required.push("institution_id".into());
        },
        errors: &[],
        axes: (Kind::Compatible, Kind::Compatible),
        semver: "patch",
    },
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vendored() -> PathBuf {
    root().join("spec/plaid-item.yml")
}

/// `cargo check --offline` of the app against the SDK generated from `spec` (the vendored
/// one when `None`): success, and the compiler's stderr.
fn check_app(spec: Option<&Path>) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["check", "--offline", "--quiet"])
        .current_dir(root().join("tests/compat"))
        .env("CARGO_TARGET_DIR", root().join("target/downstream"))
        .env_remove("PLAID_ITEM_SUPPLEMENT")
        .env_remove("PLAID_ITEM_SPEC");
    if let Some(spec) = spec {
        command.env("PLAID_ITEM_SPEC", spec);
    }
    let out = command.output().expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each `error[CODE]: ...` block of rustc's output, as `(CODE, block)`.
fn compile_errors(stderr: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    for block in stderr
        .split("\nerror")
        .map(|b| b.trim_start_matches("error"))
    {
        if let Some(rest) = block.strip_prefix('[') {
            if let Some((code, _)) = rest.split_once(']') {
                blocks.push((code.to_string(), block.to_string()));
            }
        }
    }
    blocks
}

fn axes_of(report: &DiffReport) -> Vec<(Kind, Kind, String)> {
    report
        .changes
        .iter()
        .map(|c| (c.wire, c.source, c.message.clone()))
        .collect()
}

#[test]
fn regenerated_sdks_keep_or_break_the_app_as_plaid_spec_diff_says() {
    std::fs::copy(
        root().join("Cargo.lock"),
        root().join("tests/compat/Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    let (ok, stderr) = check_app(None);
    assert!(
        ok,
        "the app must compile against the vendored spec:\n{stderr}"
    );

    let supplement = plaid_item_codegen::Supplement::bundled().unwrap();
    let merged = plaid_item_codegen::load_merged(&vendored(), &supplement)
        .unwrap()
        .document;
    let tmp = std::env::temp_dir().join(format!("plaid-item-compat-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failures = Vec::new();
    for (i, case) in CASES.iter().enumerate() {
        let mut doc = merged.clone();
        (case.edit)(&mut doc);
        let spec = tmp.join(format!("case-{i}.yml"));
        std::fs::write(&spec, serde_yaml::to_string(&doc).unwrap()).unwrap();

        let report = diff_files(&vendored(), &spec, &supplement).unwrap();
        let axes = axes_of(&report);
        if axes.is_empty()
            || axes.iter().any(|(w, s, _)| (*w, *s) != case.axes)
            || report.summary.semver != case.semver
        {
            failures.push(format!(
                "{}: diff says {axes:?}, semver {}; expected {:?}, {}",
                case.name, report.summary.semver, case.axes, case.semver
            ));
        }

        let (ok, stderr) = check_app(Some(&spec));
        let errors = compile_errors(&stderr);
        match (case.errors.is_empty(), ok) {
            (true, true) => {}
            (true, false) => failures.push(format!("{}: must compile:\n{stderr}", case.name)),
            (false, true) => failures.push(format!("{}: must not compile", case.name)),
            (false, false) => {
                let codes: Vec<&str> = errors.iter().map(|(c, _)| c.as_str()).collect();
                let wanted: Vec<&str> = case.errors.iter().map(|(c, _)| *c).collect();
                let explained = case.errors.iter().all(|(code, text)| {
                    errors.iter().any(|(c, block)| {
                        c == code && block.contains(text) && block.contains("src/lib.rs")
                    })
                });
                if codes != wanted || !explained {
                    failures.push(format!(
                        "{}: expected exactly {:?} in the app, got:\n{stderr}",
                        case.name, case.errors
                    ));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
