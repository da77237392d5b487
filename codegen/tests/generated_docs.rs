//! The vendored spec's client, as `cargo doc` will show it: every operation says what it does
//! and links its page in Plaid's docs, and progenitor's own constructors are hidden.

use std::path::Path;

use plaid_item_codegen::{generate_client, Supplement};

fn source() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let (generated, _) = generate_client(
        &root.join("spec/plaid-item.yml"),
        &Supplement::bundled().unwrap(),
    )
    .unwrap();
    generated.source
}

/// The `///` lines right above the first line of `source` that starts with `start`.
fn docs_above(source: &str, start: &str) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starting `{start}`"));
    let mut docs: Vec<String> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("///") || l.trim_start().starts_with("#["))
        .map(|l| l.trim().to_string())
        .collect();
    docs.reverse();
    docs
}

#[test]
fn every_client_method_links_its_plaid_page() {
    let source = source();
    let pages = [
        ("item_get", "items/#itemget"),
        ("item_remove", "items/#itemremove"),
        (
            "item_public_token_exchange",
            "tokens/#itempublic_tokenexchange",
        ),
        (
            "sandbox_item_reset_login",
            "sandbox/#sandboxitemreset_login",
        ),
        ("item_application_unlink", "items/#itemapplicationunlink"),
        (
            "webhook_verification_key_get",
            "webhooks/webhook-verification/#webhook_verification_keyget",
        ),
    ];
    for (method, page) in pages {
        let docs = docs_above(&source, &format!("pub fn {method}(")).join("\n");
        let link = format!("(https://plaid.com/docs/api/{page})");
        assert!(docs.contains(&link), "{method}: {docs}");
        assert!(!docs.contains(".body(body)"), "{method}: {docs}");
    }
    let calls = source.matches("[Plaid's docs for `/").count();
    assert_eq!(
        calls,
        2 * 15,
        "each of 15 operations: its Client method and its builder"
    );
    let get = docs_above(&source, "pub fn item_get(");
    assert_eq!(get[0], "/// Retrieve an Item.");
}

#[test]
fn the_client_page_is_ours_and_progenitors_constructors_are_hidden() {
    let source = source();
    assert!(!source.contains("Needs description"));
    let client = docs_above(&source, "pub struct Client {").join("\n");
    assert!(client.contains("Client::builder()"), "{client}");
    for internal in [
        "pub fn new(",
        "pub fn new_with_client(",
        "impl ClientInfo<",
        "impl ClientHooks<",
    ] {
        let docs = docs_above(&source, internal);
        assert!(
            docs.iter().any(|l| l == "#[doc(hidden)]"),
            "{internal}: {docs:?}"
        );
    }
}

#[test]
fn a_field_documented_only_by_its_schema_gets_that_description_on_field_and_setters() {
    let source = source();
    let needle = "/// Access token of the Item whose data the request is about.";
    // ItemGetRequest's field, its body-builder setter and the operation builder's setter.
    let at_field = source
        .find("pub struct ItemGetRequest {")
        .expect("the request model");
    let field = &source[at_field..];
    assert!(
        field[..field.find("pub access_token").unwrap()].contains(needle),
        "the field"
    );
    let setters = source.matches(needle).count();
    assert!(
        setters >= 3 * 5,
        "fields and both setters of the access-token requests: {setters}"
    );
    let op = docs_above(
        &source[source.find("impl<'a> ItemGet<'a>").unwrap()..],
        "pub fn access_token<",
    );
    assert_eq!(op.first().map(String::as_str), Some(needle), "{op:?}");
    assert!(
        op.iter()
            .any(|l| l.starts_with("/// Required: `send()` fails")),
        "{op:?}"
    );
    assert!(
        !op.iter().any(|l| l == "/// Required."),
        "one presence line: {op:?}"
    );
}
