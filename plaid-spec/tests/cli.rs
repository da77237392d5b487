//! `plaid-spec` as a user runs it: output and exit codes, failure paths included.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{fixture, root, supplement, vendored, TempDir};

fn plaid_spec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plaid-spec"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("plaid-spec runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// (exit code, stdout, stderr)
fn run(args: &[&str]) -> (i32, String, String) {
    let out = plaid_spec(args);
    (
        out.status.code().expect("exited"),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn check_passes_on_the_vendored_spec_with_defaults() {
    let (code, out, err) = run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("(2020-09-14_1.517.0)"), "{out}");
    assert!(
        out.contains("supplement entries still needed (47):"),
        "{out}"
    );
    assert!(
        out.contains("  components.schemas.ItemGetRequest\n"),
        "{out}"
    );
    assert!(
        out.contains("  components.securitySchemes.secret\n"),
        "{out}"
    );
    assert!(
        out.contains("now defines itself (ignored: redundant for this spec) (0)"),
        "{out}"
    );
    assert!(out.contains("every $ref resolves"), "{out}");
    assert!(out.contains("generates 15 operations"), "{out}");
}

#[test]
fn check_lists_redundant_and_unused_supplement_entries() {
    let (code, out, err) = run(&["check", s(&fixture("plaid-1.697.4-full.yml"))]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("supplement entries still needed (0):"),
        "{out}"
    );
    assert!(
        out.contains("(ignored: redundant for this spec) (47):"),
        "{out}"
    );
    assert!(out.contains("generates 17 operations"), "{out}");

    // A project supplement layers over the bundled one; check says which file an entry is in.
    let tmp = TempDir::new("cli-unused");
    let bundled: serde_json::Value =
        serde_yaml::from_str(plaid_item_codegen::BUNDLED_SUPPLEMENT).unwrap();
    let mine = serde_json::json!({"components": {"schemas": {
        "NobodyUsesThis": {"type": "string"},
        "ItemGetRequest": bundled["components"]["schemas"]["ItemGetRequest"],
    }}});
    let sup = tmp.write("mine.yml", &serde_yaml::to_string(&mine).unwrap());
    let (code, out, err) = run(&["--supplement", s(&sup), "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "nothing uses (remove them) (1):\n  components.schemas.NobodyUsesThis (in {})\n",
            sup.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "bundled entries your supplement replaces (1):\n  components.schemas.ItemGetRequest (in "
        ),
        "{out}"
    );
    // Still needed: 46 bundled entries and the project's ItemGetRequest.
    assert!(
        out.contains("supplement entries still needed (47):"),
        "{out}"
    );
}

#[test]
fn the_slice_checks_clean_with_a_project_supplement_of_its_three_missing_schemas() {
    let mine = root().join("tests/downstream/supplement.yml");
    let slice = fixture("plaid-1.697.4-slice.yml");
    let (code, out, err) = run(&["--supplement", s(&mine), "check", s(&slice)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("every $ref resolves"), "{out}");
    assert!(out.contains("generates 17 operations"), "{out}");
}

#[test]
fn check_exits_1_with_the_build_message_on_missing_refs() {
    let (code, out, err) = run(&["check", s(&fixture("plaid-1.697.4-slice.yml"))]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("references 3 schema(s)"), "{err}");
    for name in [
        "ItemProductsTerminateRequest",
        "ItemWithConsentFields",
        "SandboxItemApplicationSeedRequest",
    ] {
        assert!(err.contains(&format!("  - {name} (")), "{err}");
    }
    // The supplement report still comes first, so the user sees what is redundant too.
    assert!(
        out.contains("supplement entries the spec now defines itself"),
        "{out}"
    );

    let tmp = TempDir::new("cli-empty-supplement");
    let empty = tmp.write("supplement.yml", "components: {}\n");
    let (code, _, err) = run(&["--supplement", s(&empty), "--no-bundled", "check"]);
    assert_eq!(code, 1);
    // Without the supplement, every schema the seed uses but lacks is named.
    assert!(err.contains("references 22 schema(s)"), "{err}");
    assert!(
        err.contains("  - ItemGetRequest (requestBody of POST /item/get)"),
        "{err}"
    );
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let tmp = TempDir::new("cli-bad");
    let broken = tmp.write("broken.yml", "openapi: 3.0.0\npaths: [1, 2\n");
    let swagger = tmp.write("swagger.yml", "swagger: '2.0'\npaths: {}\n");
    let missing = tmp.path().join("missing.yml");
    for command in ["check", "merge", "surface"] {
        let (code, _, err) = run(&[command, s(&broken)]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.contains("broken.yml:") && err.contains("invalid YAML"),
            "{err}"
        );
        let (code, _, err) = run(&[command, s(&swagger)]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(err.contains("is not an OpenAPI 3.0 document"), "{err}");
        let (code, _, err) = run(&[command, s(&missing)]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(
            err.starts_with("error: cannot read ") && err.contains("missing.yml"),
            "{err}"
        );
    }
    for (old, new) in [
        (s(&broken), s(&vendored())),
        (s(&vendored()), s(&swagger)),
        (s(&missing), s(&vendored())),
        (s(&vendored()), s(&fixture("plaid-1.697.4-slice.yml"))),
    ] {
        let (code, out, err) = run(&["diff", old, new]);
        assert_eq!(code, 2, "diff {old} {new}: {out}{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let bad_supplement = tmp.write("sup.yml", "components: [\n");
    let (code, _, err) = run(&["--supplement", s(&bad_supplement), "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sup.yml"), "{err}");
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["diff", "only-one.yml"],
        &["check", "a.yml", "b.yml"],
        &["check", "--json"],
        &["diff", "a", "b", "--colour"],
        &["--supplement"],
        &["--no-bundled", "check"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("usage: plaid-spec"), "{args:?}: {err}");
    }
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("diff OLD NEW [--json]"), "{out}");
}

#[test]
fn merge_prints_a_self_contained_spec() {
    let (code, out, err) = run(&["merge"]);
    assert_eq!(code, 0, "{err}");
    let merged: serde_json::Value = serde_yaml::from_str(&out).expect("merge prints YAML");
    assert_eq!(merged["openapi"], "3.0.0");
    assert_eq!(
        merged["components"]["securitySchemes"]["clientId"]["name"],
        "PLAID-CLIENT-ID"
    );
    assert!(merged["components"]["schemas"]["ItemGetRequest"].is_object());
    // Self-contained: it checks clean with an empty supplement.
    let tmp = TempDir::new("cli-merge");
    let spec = tmp.write("merged.yml", &out);
    let empty = tmp.write("empty.yml", "{}\n");
    let (code, out, err) = run(&["--no-bundled", "--supplement", s(&empty), "check", s(&spec)]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("generates 15 operations"), "{out}");
    let (code, _, err) = run(&["merge", s(&fixture("plaid-1.697.4-slice.yml"))]);
    assert_eq!(code, 1, "missing refs: {err}");
}

#[test]
fn select_cuts_plaids_whole_file_to_a_self_contained_item_api() {
    let tmp = TempDir::new("cli-select");
    let out_file = tmp.path().join("item.yml");
    let whole = fixture("plaid-whole-1.697.4.yml");
    let (code, out, err) = run(&["select", s(&whole), "-o", s(&out_file)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("17 of 329 operations (the default selection)"),
        "{err}"
    );
    // Self-contained and the Item API only: it checks clean with an empty supplement, and
    // generates the same 17 operations as the whole file.
    let empty = tmp.write("empty.yml", "{}\n");
    let (code, out, err) = run(&[
        "--no-bundled",
        "--supplement",
        s(&empty),
        "check",
        s(&out_file),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("selects 17 of 17 operations"), "{out}");
    assert!(out.contains("generates 17 operations"), "{out}");
    let (code, out, err) = run(&["check", s(&whole)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("selects 17 of 329 operations (the default selection)"),
        "{out}"
    );

    // The same selection file as the build; an unknown name is one error naming it.
    let mine = root().join("tests/downstream/selection.yml");
    let (code, out, err) = run(&["--selection", s(&mine), "select", s(&whole)]);
    assert_eq!(code, 0, "{err}");
    let cut: serde_json::Value = serde_yaml::from_str(&out).unwrap();
    let paths = cut["paths"].as_object().unwrap();
    assert!(paths.contains_key("/institutions/get_by_id"));
    assert!(
        !paths.keys().any(|p| p.starts_with("/sandbox/")),
        "{paths:?}"
    );
    let typo = tmp.write("typo.yml", "add: [institutionsGetByIdd]\n");
    for args in [
        vec!["--selection", s(&typo), "select", s(&whole)],
        vec!["--selection", s(&typo), "diff", s(&whole), s(&whole)],
    ] {
        let (code, _, err) = run(&args);
        assert!(code == 1 || code == 2, "{args:?}: {err}");
        assert!(
            err.contains("`institutionsGetByIdd` is no path, path prefix or operationId of the spec (nearest: `institutionsGetById`"),
            "{err}"
        );
    }
    // A selection leaving out the sandbox calls of the vendored slice: their bundled request
    // schemas are still used by the spec, not "nothing uses".
    let no_sandbox = tmp.write("no-sandbox.yml", "remove: [/sandbox/item/]\n");
    let (code, out, err) = run(&["--selection", s(&no_sandbox), "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("selects 12 of 15 operations"), "{out}");
    assert!(out.contains("nothing uses (remove them) (0):"), "{out}");
    assert!(out.contains("generates 12 operations"), "{out}");

    let (code, _, err) = run(&["-o", s(&out_file), "check"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-o only applies to select"), "{err}");
}

#[test]
fn diff_exit_codes_and_formats() {
    let (code, out, _) = run(&["diff", s(&vendored()), s(&vendored())]);
    assert_eq!(code, 0);
    assert!(
        out.contains("verdict: identical (0 breaking, 0 additive, 0 compatible, 0 docs)"),
        "{out}"
    );
    assert!(out.contains("semver:  none"), "{out}");

    let full = fixture("plaid-1.697.4-full.yml");
    let (code, out, err) = run(&["diff", s(&vendored()), s(&full)]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("verdict: breaking (4 breaking,"), "{out}");
    assert!(out.contains("\nwire:    breaking "), "{out}");
    assert!(out.contains("\nsource:  breaking "), "{out}");
    assert!(out.contains("\nsemver:  major: "), "{out}");
    assert!(
        out.contains("\nschema Products  [used by ")
            && out.contains(
                "  wire breaking   source breaking   enum value `deposit_switch` removed\n"
            ),
        "{out}"
    );
    assert!(
        out.contains(
            "  wire compatible source breaking   `item` now uses ItemWithConsentFields (was Item)\n"
        ),
        "{out}"
    );

    let (code, out, _) = run(&["diff", "--json", s(&vendored()), s(&full)]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("--json prints JSON");
    assert_eq!(json["format"], 2);
    assert_eq!(json["summary"]["breaking"], 4);
    assert_eq!(json["summary"]["wire"], "breaking");
    assert_eq!(json["summary"]["source"], "breaking");
    assert_eq!(json["summary"]["semver"], "major");
    let products = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["message"] == "enum value `deposit_switch` removed")
        .expect("the Products change");
    assert_eq!(
        (&products["kind"], &products["wire"], &products["source"]),
        (&"breaking".into(), &"breaking".into(), &"breaking".into())
    );

    // Additive only: the new spec against itself with one field added exits 0.
    let tmp = TempDir::new("cli-additive");
    let merged = plaid_item_codegen::load_merged(&vendored(), &supplement())
        .unwrap()
        .document;
    let mut edited = merged.clone();
    edited["components"]["schemas"]["Item"]["properties"]["nickname"] =
        serde_json::json!({"type": "string"});
    let new = tmp.write("new.yml", &serde_yaml::to_string(&edited).unwrap());
    let (code, out, _) = run(&["diff", s(&vendored()), s(&new)]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("verdict: additive (0 breaking, 1 additive, 0 compatible, 0 docs)"),
        "{out}"
    );
    assert!(out.contains("semver:  minor: "), "{out}");
    for axis in ["any", "wire", "source"] {
        let (code, out, _) = run(&["diff", "--fail-on", axis, s(&vendored()), s(&new)]);
        assert_eq!(code, 0, "--fail-on {axis}: {out}");
    }
}

#[test]
fn fail_on_picks_the_axis_that_decides_the_exit_code() {
    // A response field made required: every reply decodes, code reading it stops compiling.
    let tmp = TempDir::new("cli-fail-on");
    let mut source_only = plaid_item_codegen::load_merged(&vendored(), &supplement())
        .unwrap()
        .document;
    source_only["components"]["schemas"]["ItemApplicationListResponse"]["required"]
        .as_array_mut()
        .unwrap()
        .push("request_id".into());
    let source_only = tmp.write("source.yml", &serde_yaml::to_string(&source_only).unwrap());
    // A server removed: deployed clients lose it, the generated crate does not change.
    let mut wire_only = plaid_item_codegen::load_merged(&vendored(), &supplement())
        .unwrap()
        .document;
    wire_only["servers"].as_array_mut().unwrap().pop();
    let wire_only = tmp.write("wire.yml", &serde_yaml::to_string(&wire_only).unwrap());
    for (new, any, wire, source) in [(&source_only, 1, 0, 1), (&wire_only, 1, 1, 0)] {
        for (axis, expected) in [("any", any), ("wire", wire), ("source", source)] {
            let (code, out, err) = run(&["diff", "--fail-on", axis, s(&vendored()), s(new)]);
            assert_eq!(
                code,
                expected,
                "{} --fail-on {axis}: {out}{err}",
                new.display()
            );
        }
        let (code, _, _) = run(&["diff", s(&vendored()), s(new)]);
        assert_eq!(code, any, "the default is any");
    }
    let (_, out, _) = run(&["diff", s(&vendored()), s(&source_only)]);
    assert!(
        out.contains("  wire compatible source breaking   field `request_id` made required\n"),
        "{out}"
    );
    assert!(out.contains("semver:  major: "), "{out}");
    let (_, out, _) = run(&["diff", s(&vendored()), s(&wire_only)]);
    assert!(out.contains("semver:  patch: "), "{out}");
    // The version the regenerated crate needs, from the one it has, as cargo reads 0.x.
    let (_, out, _) = run(&[
        "diff",
        "--crate-version",
        "0.1.0",
        s(&vendored()),
        s(&source_only),
    ]);
    assert!(out.contains("; next version 0.2.0\n"), "{out}");
    let (_, out, _) = run(&[
        "diff",
        "--crate-version",
        "1.4.2",
        s(&vendored()),
        s(&wire_only),
    ]);
    assert!(out.contains("; next version 1.4.3\n"), "{out}");
    let (_, out, _) = run(&[
        "diff",
        "--json",
        "--crate-version",
        "0.3.1",
        s(&vendored()),
        s(&source_only),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["summary"]["next_version"], "0.4.0");
    let (_, out, _) = run(&["diff", "--json", s(&vendored()), s(&source_only)]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(json["summary"]["next_version"].is_null(), "{out}");
    for bad in ["1.x", "1.2"] {
        let (code, out, err) = run(&[
            "diff",
            "--crate-version",
            bad,
            s(&vendored()),
            s(&source_only),
        ]);
        assert_eq!(code, 2, "{bad}: {out}");
        assert!(err.contains("expected X.Y.Z"), "{err}");
    }
    let (code, _, err) = run(&["diff", "--crate-version"]);
    assert_eq!(code, 2, "{err}");
    for bad in [
        &["diff", "--fail-on"][..],
        &["diff", "--fail-on", "both", "a", "b"],
    ] {
        let (code, _, err) = run(bad);
        assert_eq!(code, 2, "{bad:?}");
        assert!(err.contains("--fail-on needs any, wire or source"), "{err}");
    }
    let (code, _, err) = run(&["check", "--fail-on", "wire"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn surface_lists_the_generated_api() {
    let (code, out, err) = run(&["surface"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("spec 2020-09-14_1.517.0"), "{out}");
    assert!(out.contains("## Operations (15)"), "{out}");
    assert!(
        out.contains(
            "client.item_get()  POST /item/get\n  .access_token(impl FieldValue<secret::AccessToken>)\n  .client_id(impl FieldValue<Option<String>>)\n  .secret(impl FieldValue<Option<secret::Secret>>)\n  body:    ItemGetRequest\n  returns: ItemGetResponse\n"
        ),
        "{out}"
    );
    // A tri-state request field's setter takes Nullable, a count a plain integer's target.
    assert!(
        out.contains("  .webhook(impl FieldValue<Nullable<String>>)\n"),
        "{out}"
    );
    assert!(
        out.contains("  .count(impl FieldValue<Option<NonZeroU64>>)\n"),
        "{out}"
    );
    assert!(out.contains("enum Products  (open)\n"), "{out}");
    assert!(
        out.contains("  DepositSwitch = \"deposit_switch\"\n"),
        "{out}"
    );
}

#[test]
fn version_and_per_command_help() {
    for flag in ["--version", "-V"] {
        let (code, out, err) = run(&[flag]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, format!("plaid-spec {}\n", env!("CARGO_PKG_VERSION")));
    }
    for (command, own) in [
        ("check", "entries still needed"),
        ("merge", "self-contained YAML"),
        ("select", "transitive closure"),
        ("diff", "--fail-on AXIS"),
        ("surface", "public API listing"),
    ] {
        let synopsis = format!(
            "usage: plaid-spec [--supplement PATH [--no-bundled]] [--selection FILE] {command} "
        );
        for args in [
            vec![command, "--help"],
            vec![command, "-h"],
            vec!["help", command],
            vec!["--help", command],
        ] {
            let (code, out, err) = run(&args);
            assert_eq!(code, 0, "{args:?}: {err}");
            assert!(out.starts_with(&synopsis), "{args:?}: {out}");
            assert!(out.contains(own), "{args:?}: {out}");
            assert!(out.contains("\nexit codes: "), "{args:?}: {out}");
            // The command's own usage, not the global one.
            assert!(!out.contains("\ncommands:"), "{args:?}: {out}");
        }
    }
    // diff --help needs no OLD and NEW; an unknown command's help is an error.
    let (code, out, _) = run(&["diff", "--json", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("wire    a client already deployed"), "{out}");
    let (code, _, err) = run(&["help", "frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown command `frobnicate`"), "{err}");
    let (code, out, _) = run(&["help"]);
    assert_eq!(code, 0);
    assert!(out.contains("\ncommands:\n"), "{out}");
}

/// The README's "CI for dependents" section: its fenced blocks, in order.
fn ci_recipe() -> (Vec<String>, Vec<String>) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n## CI for dependents\n")
        .nth(1)
        .expect("the README has the section")
        .split("\n## ")
        .next()
        .unwrap();
    let block = |fence: &str| -> Vec<String> {
        let start = section
            .find(fence)
            .unwrap_or_else(|| panic!("no {fence} block"))
            + fence.len();
        let end = start + section[start..].find("\n```").unwrap();
        section[start..end].lines().map(str::to_string).collect()
    };
    let shell = block("```sh\n");
    let job: Vec<String> = block("```yaml\n")
        .iter()
        .filter_map(|l| l.trim().strip_prefix("- run: ").map(str::to_string))
        .collect();
    (shell, job)
}

#[test]
fn the_ci_recipe_for_dependents_runs_as_written() {
    let (shell, job) = ci_recipe();
    assert_eq!(
        shell, job,
        "the shell step and the Actions job run the same commands"
    );
    assert_eq!(
        shell[0],
        format!(
            "cargo install plaid-spec --version {}",
            env!("CARGO_PKG_VERSION")
        )
    );
    let diff_line = shell.last().unwrap();
    assert!(diff_line.starts_with("plaid-spec "), "{diff_line}");

    // A dependent project laid out as the README's drop-in section: Plaid's whole 1.697.4
    // file and a selection (tests/downstream's); "Plaid's newest file" is that, edited.
    let project = TempDir::new("ci-recipe");
    std::fs::create_dir_all(project.path().join("plaid")).unwrap();
    let whole = fixture("plaid-whole-1.697.4.yml");
    let selection = root().join("tests/downstream/selection.yml");
    std::fs::copy(&whole, project.path().join("plaid/2020-09-14.yml")).unwrap();
    std::fs::copy(&selection, project.path().join("plaid/selection.yml")).unwrap();
    let published = plaid_item_codegen::load::load_yaml(&whole).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_plaid-spec"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let step = |newest: &serde_json::Value| -> (i32, String) {
        project.write("plaid-new.yml", &serde_yaml::to_string(newest).unwrap());
        let out = Command::new("sh")
            .args(["-c", diff_line])
            .current_dir(project.path())
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        (
            out.status.code().unwrap(),
            text(&out.stdout) + &text(&out.stderr),
        )
    };

    let mut additive = published.clone();
    additive["components"]["schemas"]["Item"]["properties"]["nickname"] =
        serde_json::json!({"type": "string"});
    // Outside the selection: counted, never compared. `Item` is in 15 other products'
    // replies as well, and /categories/get is one more.
    additive["paths"]["/categories/get"]["post"]["description"] = "changed".into();
    let (code, report) = step(&additive);
    assert_eq!(code, 0, "{report}");
    assert!(
        report.contains("plaid/2020-09-14.yml (2020-09-14_1.697.4) -> plaid-new.yml"),
        "{report}"
    );
    assert!(report.contains("verdict: additive"), "{report}");
    assert!(
        report.contains("  wire additive   source additive   field `nickname` added (optional; no longer in `extra`)\n"),
        "{report}"
    );
    assert!(
        report.contains("\noutside the selection: 16 operations changed (not compared; "),
        "{report}"
    );
    assert!(!report.contains("categories"), "{report}");

    let mut breaking = published.clone();
    breaking["components"]["schemas"]["ItemApplicationListResponse"]["required"]
        .as_array_mut()
        .unwrap()
        .push("request_id".into());
    // In the project's selection (added to the Item API there): compared.
    breaking["components"]["schemas"]["InstitutionsGetByIdRequest"]["required"]
        .as_array_mut()
        .unwrap()
        .push("options".into());
    let (code, report) = step(&breaking);
    assert_eq!(code, 1, "{report}");
    assert!(
        report.contains("  wire compatible source breaking   field `request_id` made required\n"),
        "{report}"
    );
    assert!(
        report.contains("schema InstitutionsGetByIdRequest"),
        "{report}"
    );
    assert!(
        report.contains("\noutside the selection: 0 operations changed"),
        "{report}"
    );
}
