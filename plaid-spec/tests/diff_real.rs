//! The real pair: the vendored 1.517.0 spec (completed by our supplement, which defines its
//! request schemas) against Plaid's self-contained 1.697.4, with the changes Plaid made
//! between them (see ../shared/reference/plaid-openapi/README.md) each classified.

mod support;

use std::collections::BTreeSet;

use plaid_spec::diff::{diff_files, Change, Code, DiffReport, Kind, Scope};
use support::{fixture, supplement, vendored};

fn report() -> DiffReport {
    diff_files(
        &vendored(),
        &fixture("plaid-1.697.4-full.yml"),
        &supplement(),
    )
    .expect("both specs load")
}

fn in_schema<'a>(r: &'a DiffReport, schema: &str, code: Code) -> Vec<&'a Change> {
    r.changes
        .iter()
        .filter(|c| {
            c.code == code
                && c.scope
                    == Scope::Schema {
                        name: schema.into(),
                    }
        })
        .collect()
}

fn paths(changes: &[&Change]) -> BTreeSet<String> {
    changes.iter().map(|c| c.path.clone()).collect()
}

fn values(changes: &[&Change]) -> BTreeSet<String> {
    changes
        .iter()
        .filter_map(|c| c.new.as_ref().or(c.old.as_ref()))
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[test]
fn exactly_the_known_breaking_changes() {
    let r = report();
    assert_eq!(r.summary.verdict, "breaking");
    let breaking: BTreeSet<(String, String)> = r
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Breaking)
        .map(|c| (c.scope.label(), c.message.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        (
            "servers",
            "server https://development.plaid.com (Development) removed",
        ),
        ("schema Products", "enum value `deposit_switch` removed"),
        (
            "schema SandboxItemFireWebhookRequest",
            "`webhook_code`: enum value `AUTH_DATA_UPDATE` removed",
        ),
        (
            "schema ItemGetResponse",
            "`item` now uses ItemWithConsentFields (was Item)",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(breaking, expected, "{}", r.to_json());
    // Which axis each one breaks: deployed apps lose Development, no code changes for it;
    // `item`'s new type name breaks code, not the JSON.
    let axes = |message: &str| {
        let c = r.changes.iter().find(|c| c.message == message).unwrap();
        (c.wire, c.source)
    };
    assert_eq!(
        axes("server https://development.plaid.com (Development) removed"),
        (Kind::Breaking, Kind::Compatible)
    );
    assert_eq!(
        axes("`item` now uses ItemWithConsentFields (was Item)"),
        (Kind::Compatible, Kind::Breaking)
    );
    assert_eq!(
        axes("enum value `deposit_switch` removed"),
        (Kind::Breaking, Kind::Breaking)
    );
    assert_eq!(
        (r.summary.wire, r.summary.source, r.summary.semver),
        ("breaking", "breaking", "major")
    );
}

#[test]
fn new_operations_are_additive() {
    let r = report();
    let added: BTreeSet<String> = r
        .with_code(Code::OperationAdded)
        .map(|c| {
            assert_eq!(c.kind, Kind::Additive);
            c.scope.label()
        })
        .collect();
    assert_eq!(
        added,
        BTreeSet::from([
            "POST /item/products/terminate (itemProductsTerminate)".to_string(),
            "POST /sandbox/item/application/seed (sandboxItemApplicationSeed)".to_string(),
        ])
    );
    assert_eq!(r.with_code(Code::OperationRemoved).count(), 0);
    assert_eq!(r.with_code(Code::OperationRenamed).count(), 0);
}

#[test]
fn new_request_fields_are_optional_and_additive() {
    let r = report();
    let added = in_schema(&r, "ItemRemoveRequest", Code::FieldAdded);
    assert_eq!(
        paths(&added),
        BTreeSet::from(["reason_code".to_string(), "reason_note".to_string()])
    );
    assert!(added.iter().all(|c| c.kind == Kind::Additive));
    assert_eq!(added[0].used_by, ["itemRemove (request)"]);
    // A request schema is closed: the new field was never in an `extra` map.
    assert_eq!(added[0].message, "field `reason_code` added (optional)");
    let institution_name = in_schema(&r, "Item", Code::FieldAdded)
        .into_iter()
        .find(|c| c.path == "institution_name")
        .expect("Item.institution_name added");
    assert_eq!(
        institution_name.message,
        "field `institution_name` added (optional; no longer in `extra`)"
    );
    // A required field added to an existing request would break callers; there is none.
    assert_eq!(r.with_code(Code::FieldAddedRequired).count(), 0);
    assert!(in_schema(&r, "ItemImportRequest", Code::FieldAdded)
        .iter()
        .any(|c| c.path == "institution_id"));
}

#[test]
fn new_response_fields_are_additive_where_they_are_defined() {
    let r = report();
    let error = in_schema(&r, "PlaidError", Code::FieldAdded);
    assert_eq!(
        paths(&error),
        BTreeSet::from([
            "error_code_reason".to_string(),
            "provided_account_subtypes".to_string(),
            "required_account_subtypes".to_string()
        ])
    );
    assert!(error.iter().all(|c| c.kind == Kind::Additive));
    // Plaid's 16 operations declare it; the supplement's webhook key operation, like Plaid's
    // own at 1.517.0, declares no error reply (the pipeline adds one when it generates).
    assert_eq!(error[0].used_by.len(), 16, "every declared error reply");
    let item = in_schema(&r, "Item", Code::FieldAdded);
    assert_eq!(
        paths(&item),
        BTreeSet::from(["auth_method".to_string(), "institution_name".to_string()])
    );
}

#[test]
fn the_all_of_extension_is_attributed_to_the_schema_that_uses_it() {
    let r = report();
    let nested = in_schema(&r, "ItemGetResponse", Code::FieldAdded);
    assert_eq!(
        paths(&nested),
        BTreeSet::from([
            "item.auth_method".to_string(),
            "item.consented_data_scopes".to_string(),
            "item.consented_use_cases".to_string(),
            "item.created_at".to_string(),
            "item.institution_name".to_string(),
        ])
    );
    assert!(nested.iter().all(|c| c.kind == Kind::Additive));
    assert_eq!(nested[0].used_by, ["itemGet (response)"]);
}

#[test]
fn enum_values_added_and_removed() {
    let r = report();
    let error_types = in_schema(&r, "PlaidErrorType", Code::EnumValueAdded);
    assert_eq!(error_types.len(), 10, "14 -> 24 values");
    assert!(in_schema(&r, "PlaidErrorType", Code::EnumValueRemoved).is_empty());
    let products = in_schema(&r, "Products", Code::EnumValueAdded);
    assert_eq!(products.len(), 15, "24 - 1 + 15 = 38 values");
    assert!(products.iter().all(|c| c.kind == Kind::Additive));
    assert_eq!(
        values(&in_schema(&r, "Products", Code::EnumValueRemoved)),
        BTreeSet::from(["deposit_switch".to_string()])
    );
    let codes = in_schema(&r, "SandboxItemFireWebhookRequest", Code::EnumValueAdded);
    assert_eq!(codes.len(), 4);
}

#[test]
fn error_responses_added_where_there_were_none() {
    let r = report();
    let added: Vec<_> = r.with_code(Code::ErrorResponseAdded).collect();
    assert_eq!(
        added.len(),
        7,
        "the 7 operations that had no error response"
    );
    assert!(added
        .iter()
        .all(|c| c.path == "response(default)" && c.kind == Kind::Additive));
}

#[test]
fn url_format_is_documentation_only() {
    let r = report();
    let webhook: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.path == "webhook" && c.message.contains("format `url`"))
        .collect();
    assert_eq!(
        webhook.len(),
        2,
        "ItemWebhookUpdateRequest and ItemImportRequestOptions"
    );
    assert!(webhook.iter().all(|c| c.kind == Kind::Docs));
}

#[test]
fn json_output_is_the_documented_format() {
    let r = report();
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["format"], 2);
    assert_eq!(json["old"]["version"], "2020-09-14_1.517.0");
    assert_eq!(json["new"]["version"], "2020-09-14_1.697.4");
    assert_eq!(json["summary"]["verdict"], "breaking");
    assert_eq!(json["summary"]["breaking"], 4);
    let products = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "enum-value-removed" && c["scope"]["name"] == "Products")
        .expect("the deposit_switch change");
    assert_eq!(products["kind"], "breaking");
    assert_eq!(products["scope"]["type"], "schema");
    assert_eq!(products["old"], "deposit_switch");
    assert!(products["new"].is_null());
    assert!(products["used_by"].as_array().unwrap().len() >= 2);
    let op = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "operation-added")
        .unwrap();
    assert_eq!(op["scope"]["type"], "operation");
    assert_eq!(op["scope"]["method"], "POST");
    assert!(op["scope"]["path"].as_str().unwrap().starts_with('/'));

    // The README's example has exactly the keys the report has.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example = readme
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("a json example");
    let documented: serde_json::Value = serde_json::from_str(example).unwrap();
    let keys = |v: &serde_json::Value| -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys(&documented), keys(&json));
    assert_eq!(keys(&documented["summary"]), keys(&json["summary"]));
    assert_eq!(keys(&documented["changes"][0]), keys(products));
    assert_eq!(
        (&products["wire"], &products["source"]),
        (
            &documented["changes"][0]["wire"],
            &documented["changes"][0]["source"]
        )
    );
}

/// Plaid's whole published files of the same two versions: every change the slices report
/// (vendored 1.517.0 and the 1.697.4 slice, each completed by a supplement), with the same
/// verdict and semver, and nothing of another product. The whole files also show what the
/// slices hide: both slices take their request and deeper schemas from the same supplement,
/// so a change there (`Products` losing `deposit_switch`, `ItemRemoveRequest.reason_code`)
/// only shows when Plaid's own definitions are compared.
#[test]
fn the_whole_files_report_the_slices_item_changes_and_no_other_product() {
    let key = |c: &Change| (c.scope.label(), c.code, c.path.clone(), c.wire, c.source);
    let mine = support::root().join("tests/downstream/supplement.yml");
    let slices = diff_files(
        &vendored(),
        &fixture("plaid-1.697.4-slice.yml"),
        &plaid_item_codegen::Supplement::project(&mine).unwrap(),
    )
    .expect("the slices load");
    let whole = diff_files(
        &fixture("plaid-whole-1.517.0.yml"),
        &fixture("plaid-whole-1.697.4.yml"),
        &supplement(),
    )
    .expect("the whole files load");

    let in_whole: BTreeSet<_> = whole.changes.iter().map(key).collect();
    let missing: Vec<_> = slices
        .changes
        .iter()
        .filter(|c| c.kind != Kind::Docs)
        .map(key)
        .filter(|k| !in_whole.contains(k))
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    for (a, b) in [
        (slices.summary.verdict, whole.summary.verdict),
        (slices.summary.wire, whole.summary.wire),
        (slices.summary.source, whole.summary.source),
        (slices.summary.semver, whole.summary.semver),
    ] {
        assert_eq!(a, b);
    }
    // What the slices hid.
    for (schema, code, path) in [
        ("Products", Code::EnumValueRemoved, ""),
        ("ItemRemoveRequest", Code::FieldAdded, "reason_code"),
        ("Item", Code::FieldAdded, "institution_name"),
    ] {
        assert!(
            !in_schema(&whole, schema, code).is_empty()
                && in_schema(&whole, schema, code)
                    .iter()
                    .any(|c| c.path == path),
            "{schema} {code:?} {path}"
        );
    }

    // Nothing of another product: every operation is the Item API's, every schema one the
    // selection keeps (used by those operations, or a webhook payload the runtime needs).
    let kept: BTreeSet<String> = ["plaid-whole-1.517.0.yml", "plaid-whole-1.697.4.yml"]
        .iter()
        .flat_map(|f| {
            let doc = plaid_item_codegen::load_merged(&fixture(f), &supplement())
                .unwrap()
                .document;
            plaid_item_codegen::spec_index::schemas(&doc)
                .map(|(name, _)| name.clone())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(kept.len() < 120, "{}", kept.len());
    for change in &whole.changes {
        match &change.scope {
            Scope::Operation { path, .. } => assert!(
                path.starts_with("/item/")
                    || path.starts_with("/sandbox/item/")
                    || path == "/webhook_verification_key/get",
                "{change:?}"
            ),
            Scope::Schema { name } => assert!(kept.contains(name), "{change:?}"),
            _ => {}
        }
    }
    // The rest is one number: every other product changed between these versions.
    assert!(
        whole.outside_selection.is_some_and(|n| n > 250),
        "{:?}",
        whole.outside_selection
    );
    assert_eq!(slices.outside_selection, None);
}
