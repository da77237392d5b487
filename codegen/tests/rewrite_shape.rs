//! A changed progenitor output shape fails the build naming the rewrite that no longer fits,
//! with what it expected and what it found; never a silent skip.

use std::path::Path;

use plaid_item_codegen::features::apply_rewrites;
use plaid_item_codegen::generate::progenitor_output;
use plaid_item_codegen::{features, generate_client, load_merged, CodegenError, Supplement};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rewrite_error(spec: &Value, source: &str) -> (String, String, String, String) {
    let mut file: syn::File = syn::parse_str(source).expect("the fixture is Rust");
    let error = apply_rewrites(spec, &mut file).expect_err("the rewrite refuses the shape");
    let message = error.to_string();
    match error {
        CodegenError::Rewrite {
            feature,
            expected,
            found,
        } => (feature.to_string(), expected, found, message),
        other => panic!("expected a rewrite error, got {other:?}"),
    }
}

#[test]
fn a_changed_send_signature_fails_naming_transport_routing() {
    let spec: Value = serde_json::from_str(&fixture("one-operation.json")).unwrap();
    let (feature, expected, found, message) =
        rewrite_error(&spec, &fixture("progenitor-send-shape-changed.rs"));
    assert_eq!(feature, "transport_routing");
    assert_eq!(
        expected,
        "send() returning Result<ResponseValue<T>, Error<E>>"
    );
    assert!(found.contains("ApiResult"), "{found}");
    assert!(
        message.contains("codegen/src/features/transport_routing.rs"),
        "{message}"
    );
}

/// The real spec's progenitor output, unparsed to text for an edit.
fn real_output() -> (Value, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut spec = load_merged(
        &root.join("spec/plaid-item.yml"),
        &Supplement::bundled().unwrap(),
    )
    .unwrap()
    .document;
    features::run_passes(&mut spec);
    let file = progenitor_output(&spec).unwrap();
    (spec, prettyplease::unparse(&file))
}

#[test]
fn the_real_output_fits_every_rewrite_and_each_edit_of_it_names_its_rewrite() {
    let (spec, source) = real_output();
    let mut file: syn::File = syn::parse_str(&source).unwrap();
    let counts = apply_rewrites(&spec, &mut file).unwrap();
    let count = |name: &str| counts.iter().find(|(n, _)| *n == name).unwrap().1;
    assert_eq!(count("transport_routing"), 15, "{counts:?}");
    assert!(count("tri_state_fields") > 0, "{counts:?}");
    assert!(count("absent_nullable_fields") > 0, "{counts:?}");
    assert!(count("unknown_fields") > 0, "{counts:?}");
    assert!(count("open_enums") > 0, "{counts:?}");

    // (edit of progenitor's output, rewrite that must refuse it, what it says it expected)
    let cases = [
        (
            source.replacen("\"api-version\"", "\"x-api-version\"", 1),
            "transport_routing",
            "a send() appending the `api-version` header once",
        ),
        (
            source.replacen(
                "let info = OperationInfo",
                "let operation = OperationInfo",
                1,
            ),
            "transport_routing",
            "a send() with `let info = ...`",
        ),
        (
            source.replacen("pub async fn send(", "pub async fn execute(", 1),
            "transport_routing",
            "15 send() methods in `mod builder` (one per operation)",
        ),
        (
            source.replacen(
                "deserialize_with = \"::std::option::Option::deserialize\"",
                "deserialize_with = \"::std::option::Option::deserialize_nullable\"",
                1,
            ),
            "absent_nullable_fields",
            "",
        ),
        (
            source.replacen("#[serde(flatten)]", "", 1),
            "unknown_fields",
            "",
        ),
    ];
    for (edited, feature, expected) in cases {
        assert_ne!(edited, source, "the edit for {feature} applies");
        let (named, said, found, _) = rewrite_error(&spec, &edited);
        assert_eq!(named, feature, "{said} / {found}");
        if !expected.is_empty() {
            assert_eq!(said, expected);
        }
        assert_ne!(said, found);
    }
}

#[test]
fn the_client_builds_no_api_version_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (generated, _) = generate_client(
        &root.join("spec/plaid-item.yml"),
        &Supplement::bundled().unwrap(),
    )
    .unwrap();
    assert!(!generated.source.contains("api-version"));
    assert!(!generated.source.contains("header_map"));
    assert_eq!(generated.operations, 15);
}
