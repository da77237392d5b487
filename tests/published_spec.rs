//! Plaid's published file, the whole API (265 operations at 1.517.0, 329 at 1.697.4), builds
//! the SDK with exactly the default selection: the Item API and the webhook key call, with the
//! same operations and types as the slice of the same version, and nothing of another product.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plaid_item_codegen::{generate_client, generate_selected, Selection, Supplement};

fn fixture(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(file)
}

fn generate(file: &str) -> String {
    let supplement = Supplement::bundled().unwrap_or_else(|e| panic!("{e}"));
    let (generated, _) =
        generate_client(&fixture(file), &supplement).unwrap_or_else(|e| panic!("{e}"));
    generated.source
}

/// The operations, as `OPERATION_SAFETY` lists them (one row per generated operation).
fn operations(source: &str) -> Vec<String> {
    let table = source
        .split_once("pub const OPERATION_SAFETY")
        .expect("the table")
        .1;
    let table = &table[..table.find("];").expect("the table's end")];
    table
        .split("(\"")
        .skip(1)
        .map(|row| row[..row.find('"').unwrap()].to_string())
        .collect()
}

/// The names of the models and enums in `types`.
fn types(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|l| {
            l.strip_prefix("    pub struct ")
                .or_else(|| l.strip_prefix("    pub enum "))
        })
        .map(|l| {
            l.split(|c: char| !c.is_alphanumeric() && c != '_')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

const ITEM_API_1_517_0: [&str; 15] = [
    "item_access_token_invalidate",
    "item_activity_list",
    "item_application_list",
    "item_application_scopes_update",
    "item_application_unlink",
    "item_create_public_token",
    "item_get",
    "item_import",
    "item_public_token_exchange",
    "item_remove",
    "item_webhook_update",
    "sandbox_item_fire_webhook",
    "sandbox_item_reset_login",
    "sandbox_item_set_verification_status",
    "webhook_verification_key_get",
];

#[test]
fn the_whole_1_517_0_file_generates_the_item_api_and_the_slices_types() {
    let whole = generate("tests/fixtures/plaid-whole-1.517.0.yml");
    assert_eq!(operations(&whole), ITEM_API_1_517_0);
    // The vendored spec is a slice of 1.517.0, completed by the bundled supplement.
    let slice = generate("spec/plaid-item.yml");
    assert_eq!(operations(&slice), ITEM_API_1_517_0);
    assert_eq!(types(&whole), types(&slice));
}

#[test]
fn the_whole_1_697_4_file_generates_the_item_api_and_the_slices_types() {
    let whole = generate("tests/fixtures/plaid-whole-1.697.4.yml");
    let mut expected: Vec<&str> = ITEM_API_1_517_0.to_vec();
    expected.extend(["item_products_terminate", "sandbox_item_application_seed"]);
    expected.sort();
    assert_eq!(operations(&whole), expected);
    let slice = generate("tests/fixtures/plaid-1.697.4-full.yml");
    assert_eq!(types(&whole), types(&slice));
    // Nothing of another product: no transfer, no institutions, no link tokens.
    for other in ["Transfer", "Institution", "LinkToken", "Transactions"] {
        let leaked: Vec<_> = types(&whole)
            .into_iter()
            .filter(|t| t.starts_with(other))
            .collect();
        assert!(leaked.is_empty(), "{leaked:?}");
    }
}

#[test]
fn a_selection_adds_another_products_operation_and_leaves_the_sandbox_out() {
    let selection = Selection {
        add: vec!["/institutions/get_by_id".into()],
        remove: vec!["/sandbox/item/".into()],
        ..Selection::item_api()
    };
    let supplement = Supplement::bundled().unwrap();
    let spec = fixture("tests/fixtures/plaid-whole-1.697.4.yml");
    let (generated, _) =
        generate_selected(&spec, &supplement, &selection).unwrap_or_else(|e| panic!("{e}"));
    let ops = operations(&generated.source);
    assert!(
        ops.contains(&"institutions_get_by_id".to_string()),
        "{ops:?}"
    );
    assert!(!ops.iter().any(|op| op.starts_with("sandbox_")), "{ops:?}");
    assert_eq!(ops.len(), 17 - 4 + 1, "{ops:?}");
    assert!(types(&generated.source).contains("InstitutionsGetByIdRequest"));
}

#[test]
fn an_unknown_name_is_one_build_error_with_the_nearest_real_ones() {
    let selection = Selection {
        source: "PLAID_ITEM_SELECTION=mine.yml".into(),
        add: vec!["/institution/get_by_id".into(), "itemGett".into()],
        ..Selection::item_api()
    };
    let supplement = Supplement::bundled().unwrap();
    let spec = fixture("tests/fixtures/plaid-whole-1.697.4.yml");
    let err = generate_selected(&spec, &supplement, &selection)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "PLAID_ITEM_SELECTION=mine.yml:\n  \
         - `/institution/get_by_id` is no path, path prefix or operationId of the spec \
         (nearest: `/institutions/get_by_id`, `/institutions/get`, `/institutions/search`)\n  \
         - `itemGett` is no path, path prefix or operationId of the spec (nearest: `itemGet`, \
         `userGet`)"
    );
}
