//! Dropping in a newer Plaid spec: 1.697.4 (self-contained) generates every operation with
//! its newer constructs; the same version cut like the seed fails naming every missing schema.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use plaid_item_codegen::{generate_client, load_merged, CodegenError};
use plaid_spec::surface::{surface, Surface, TypeItem};
use support::{fixture, supplement};

fn full() -> PathBuf {
    fixture("plaid-1.697.4-full.yml")
}

#[test]
fn the_slice_fails_naming_exactly_the_missing_schemas() {
    let spec = fixture("plaid-1.697.4-slice.yml");
    let error = load_merged(&spec, &supplement()).unwrap_err();
    let CodegenError::MissingRefs(missing) = &error else {
        panic!("expected missing refs, got {error}");
    };
    let names: BTreeSet<&str> = missing.iter().map(|m| m.name.as_str()).collect();
    // The two new request bodies and the allOf extension; everything else the slice uses is
    // either in the slice or in our supplement.
    assert_eq!(
        names,
        BTreeSet::from([
            "ItemProductsTerminateRequest",
            "ItemWithConsentFields",
            "SandboxItemApplicationSeedRequest",
        ])
    );
    let text = error.to_string();
    assert!(text.contains("references 3 schema(s)"), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("  - ")).count(),
        3,
        "one line per missing schema and nothing else:\n{text}"
    );
    for (name, place) in [
        (
            "ItemProductsTerminateRequest",
            "requestBody of POST /item/products/terminate",
        ),
        ("ItemWithConsentFields", "ItemGetResponse.item"),
        (
            "SandboxItemApplicationSeedRequest",
            "requestBody of POST /sandbox/item/application/seed",
        ),
    ] {
        assert!(text.contains(&format!("  - {name} ({place})")), "{text}");
    }
}

fn generated_full() -> Surface {
    let (generated, report) = generate_client(&full(), &supplement()).expect("1.697.4 generates");
    // Plaid's 16, plus the webhook key operation the supplement adds.
    assert_eq!(generated.operations, 17);
    assert!(
        report.filled.is_empty(),
        "the full spec is self-contained: {:?}",
        report.filled
    );
    surface(&generated.source).expect("the generated source parses")
}

fn fields<'a>(s: &'a Surface, name: &str) -> &'a [String] {
    match s.types.iter().find(|t| t.name() == name) {
        Some(TypeItem::Struct { fields, .. }) => fields,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn field<'a>(s: &'a Surface, ty: &str, name: &str) -> &'a str {
    let prefix = format!("{name}: ");
    fields(s, ty)
        .iter()
        .find(|f| f.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{ty} has no field {name}: {:?}", fields(s, ty)))
}

#[test]
fn the_full_spec_generates_all_sixteen_operations_and_the_supplements() {
    let s = generated_full();
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(full()).unwrap()).unwrap();
    let expected: BTreeSet<String> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .chain(["/webhook_verification_key/get"])
        .map(|path| format!("POST {path}"))
        .collect();
    let generated: BTreeSet<String> = s.operations.iter().filter_map(|o| o.http.clone()).collect();
    assert_eq!(generated, expected);
    assert_eq!(s.operations.len(), 17);
    let terminate = s
        .operations
        .iter()
        .find(|o| o.method == "item_products_terminate")
        .expect("the new operation is callable");
    assert_eq!(
        terminate.body.as_deref(),
        Some("ItemProductsTerminateRequest")
    );
    assert_eq!(
        terminate.returns.as_deref(),
        Some("ItemProductsTerminateResponse")
    );
    assert!(s
        .operations
        .iter()
        .all(|o| o.body.is_some() && o.returns.is_some()));
}

#[test]
fn all_of_extension_is_one_struct_with_base_and_extra_fields() {
    let s = generated_full();
    assert_eq!(
        field(&s, "ItemGetResponse", "item"),
        "item: ItemWithConsentFields"
    );
    let f = fields(&s, "ItemWithConsentFields");
    for expected in [
        "item_id: String",
        "available_products: Vec<Products>",
        "auth_method: Option<ItemAuthMethod>",
        "created_at: Option<DateTime<Utc>>",
        "consented_data_scopes: Vec<ItemConsentedDataScope>",
        "extra: Map<String, Value>  [flatten]",
    ] {
        assert!(f.iter().any(|l| l == expected), "{expected} not in {f:#?}");
    }
}

#[test]
fn single_element_all_of_alias_resolves_to_its_target() {
    let s = generated_full();
    assert_eq!(
        field(&s, "ItemProductsTerminateRequest", "reason_code"),
        "reason_code: ProductsTerminateReasonCode"
    );
    assert!(
        !s.types
            .iter()
            .any(|t| t.name() == "ItemProductsTerminateReasonCode"),
        "the alias makes no second type"
    );
}

#[test]
fn nullable_enum_with_null_in_its_values_is_an_optional_open_enum() {
    let s = generated_full();
    let Some(TypeItem::Enum { note, variants, .. }) =
        s.types.iter().find(|t| t.name() == "ItemAuthMethod")
    else {
        panic!("no ItemAuthMethod enum")
    };
    assert_eq!(note, "open");
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(full()).unwrap()).unwrap();
    let values = spec["components"]["schemas"]["ItemAuthMethod"]["enum"]
        .as_array()
        .unwrap();
    assert!(
        values.contains(&serde_json::Value::Null),
        "the fixture lists null"
    );
    assert_eq!(variants.len(), values.len() - 1, "{variants:?}");
    assert!(
        !variants.iter().any(|v| v.to_lowercase().contains("null")),
        "{variants:?}"
    );
    assert_eq!(
        field(&s, "Item", "auth_method"),
        "auth_method: Option<ItemAuthMethod>"
    );
    // Also as a request field (ItemRemoveRequest.reason_code): optional and nullable.
    let reason = field(&s, "ItemRemoveRequest", "reason_code");
    assert!(reason.ends_with("<ItemRemoveReasonCode>"), "{reason}");
}

#[test]
fn url_format_and_max_length_are_plain_strings() {
    let s = generated_full();
    let webhook = field(&s, "ItemImportRequestOptions", "webhook");
    assert_eq!(webhook, "webhook: Option<String>");
    let note = field(&s, "ItemRemoveRequest", "reason_note");
    assert!(
        note.ends_with("<String>"),
        "no length-checked newtype: {note}"
    );
    assert!(
        !s.types
            .iter()
            .any(|t| matches!(t, TypeItem::Newtype { .. }) && t.name().contains("ReasonNote")),
        "no newtype for a maxLength string"
    );
}
