//! Every spec construct that made progenitor 0.15 or typify 0.8 panic either builds or fails
//! with a `CodegenError` naming the operation or schema and the construct; never a panic.
//! Each case edits the vendored spec, so everything around the construct is real.

use std::path::Path;
use std::sync::LazyLock;

use plaid_item_codegen::{features, generate, load_merged, CodegenError, Supplement};
use serde_json::{json, Value};

static VENDORED: LazyLock<Value> = LazyLock::new(|| {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/plaid-item.yml");
    load_merged(&spec, &Supplement::bundled().unwrap())
        .unwrap()
        .document
});

static VENDORED_SOURCE: LazyLock<String> =
    LazyLock::new(|| build(|_| {}).expect("the vendored spec builds"));

/// The vendored spec, edited by `edit`, through the normalise and generate stages.
fn build(edit: impl FnOnce(&mut Value)) -> Result<String, CodegenError> {
    let mut spec = VENDORED.clone();
    edit(&mut spec);
    features::run_passes(&mut spec);
    generate::generate(&spec).map(|g| g.source)
}

/// The one-line reason each culprit is reported with, asserting the error is `Unsupported`.
fn culprits(result: Result<String, CodegenError>) -> Vec<(String, String)> {
    match result {
        Err(CodegenError::Unsupported(found)) => {
            found.into_iter().map(|u| (u.at, u.construct)).collect()
        }
        Err(other) => panic!("expected the generator's refusal, got: {other}"),
        Ok(_) => panic!("expected the generator's refusal, got a client"),
    }
}

/// Asserts the build fails naming exactly `at` with a reason containing `construct`, and that
/// the message a user sees holds both and no backtrace.
fn assert_refused(result: Result<String, CodegenError>, at: &str, construct: &str) {
    let message = match &result {
        Err(e) => e.to_string(),
        Ok(_) => String::new(),
    };
    let found = culprits(result);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, at);
    assert!(found[0].1.contains(construct), "{}", found[0].1);
    assert!(
        message.contains(at) && message.contains(construct),
        "{message}"
    );
    assert!(!message.contains("stack backtrace") && !message.contains("RUST_BACKTRACE"));
}

const ITEM_GET: &str = "operation `itemGet` (POST /item/get)";

fn item_get(spec: &mut Value) -> &mut Value {
    &mut spec["paths"]["/item/get"]["post"]
}

fn request_content(spec: &mut Value) -> &mut Value {
    &mut item_get(spec)["requestBody"]["content"]
}

#[test]
fn a_second_media_type_on_an_item_operation_builds_the_json_one() {
    let with_form = build(|spec| {
        let json = request_content(spec)["application/json"].clone();
        request_content(spec)["application/x-www-form-urlencoded"] = json;
    })
    .unwrap();
    assert_eq!(with_form, *VENDORED_SOURCE);
}

#[test]
fn a_content_key_that_is_no_media_type_is_ignored() {
    // Plaid's /transfer/originator/get lists `examples` there, 1.370.0 to 1.697.4.
    let with_examples = build(|spec| request_content(spec)["examples"] = json!({})).unwrap();
    assert_eq!(with_examples, *VENDORED_SOURCE);
}

#[test]
fn an_encoding_on_a_json_body_is_ignored() {
    let with_encoding = build(|spec| {
        request_content(spec)["application/json"]["encoding"] = json!({"access_token": {}});
        item_get(spec)["responses"]["200"]["content"]["application/json"]["encoding"] =
            json!({"item": {}});
    })
    .unwrap();
    assert_eq!(with_encoding, *VENDORED_SOURCE);
}

#[test]
fn several_request_media_types_without_json_name_the_operation() {
    let result = build(|spec| {
        *request_content(spec) = json!({
            "text/plain": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
        });
    });
    assert_refused(result, ITEM_GET, "more media types than expected");
}

#[test]
fn a_non_json_request_body_names_the_operation() {
    let result = build(|spec| {
        *request_content(spec) =
            json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}});
    });
    assert_refused(result, ITEM_GET, "unexpected content type: application/pdf");
}

#[test]
fn a_binary_response_names_the_operation() {
    // progenitor types it as a byte stream, which the SDK's transport does not decode: the
    // client would not compile.
    let result = build(|spec| {
        item_get(spec)["responses"]["200"]["content"] =
            json!({"application/pdf": {"schema": {"type": "string", "format": "binary"}}});
    });
    assert_refused(
        result,
        ITEM_GET,
        "a binary success reply (200: application/pdf)",
    );
}

#[test]
fn a_header_parameter_names_the_operation() {
    let result = build(|spec| {
        item_get(spec)["parameters"] = json!([
            {"name": "Plaid-New-User-API-Enabled", "in": "header", "schema": {"type": "boolean"}}
        ]);
    });
    assert_refused(
        result,
        ITEM_GET,
        "a header parameter (`Plaid-New-User-API-Enabled`)",
    );
}

#[test]
fn default_next_to_200_builds() {
    let source = build(|spec| {
        let responses = &mut item_get(spec)["responses"];
        let error = responses["default"].clone();
        *responses = json!({"200": responses["200"].clone(), "default": error});
    })
    .unwrap();
    assert_eq!(source, *VENDORED_SOURCE);
}

#[test]
fn two_different_success_types_name_the_operation() {
    let result = build(|spec| {
        item_get(spec)["responses"]["201"] = json!({"description": "created", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/PlaidError"}}}});
    });
    assert_refused(result, ITEM_GET, "response_types.len() <= 1");
}

#[test]
fn a_json_response_without_a_schema_names_the_operation() {
    let result = build(|spec| {
        item_get(spec)["responses"]["200"]["content"] = json!({"application/json": {}});
    });
    assert_refused(result, ITEM_GET, "media type encoding, no schema");
}

#[test]
fn an_optional_path_parameter_names_the_operation() {
    let result = build(|spec| {
        let op = spec["paths"]
            .as_object_mut()
            .unwrap()
            .remove("/item/get")
            .unwrap();
        spec["paths"]["/item/get/{id}"] = op;
        item_get_at(spec, "/item/get/{id}")["parameters"] = json!([
            {"name": "id", "in": "path", "required": false, "schema": {"type": "string"}}
        ]);
    });
    assert_refused(
        result,
        "operation `itemGet` (POST /item/get/{id})",
        "parameter_data.required",
    );
}

#[test]
fn a_path_parameter_missing_from_the_path_names_the_operation() {
    let result = build(|spec| {
        item_get(spec)["parameters"] = json!([
            {"name": "a", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "b", "in": "path", "required": true, "schema": {"type": "string"}}
        ]);
    });
    assert_refused(result, ITEM_GET, "missing from path");
}

fn item_get_at<'a>(spec: &'a mut Value, path: &str) -> &'a mut Value {
    &mut spec["paths"][path]["post"]
}

#[test]
fn an_unknown_schema_type_names_the_schema() {
    let result = build(|spec| {
        spec["components"]["schemas"]["ItemGetRequest"]["properties"]["access_token"] =
            json!({"type": "strng"});
    });
    let found = culprits(result);
    assert!(
        found
            .iter()
            .any(|(at, why)| at == "schema `ItemGetRequest`" && why.contains("invalid type: strng")),
        "{found:?}"
    );
}

#[test]
fn an_exclusive_minimum_without_a_minimum_names_the_schema() {
    let result = build(|spec| {
        spec["components"]["schemas"]["ItemGetRequest"]["properties"]["access_token"] =
            json!({"exclusiveMinimum": true});
    });
    let found = culprits(result);
    assert!(
        found.iter().any(|(at, why)| at == "schema `ItemGetRequest`"
            && why.contains("exclusive_minimum set without minimum")),
        "{found:?}"
    );
}

#[test]
fn a_panic_on_another_thread_still_reaches_its_own_hook() {
    // The guard's quiet hook is per thread: this thread's panic must still be a panic,
    // reported as usual, while other tests run the guard in parallel.
    let outcome = std::thread::spawn(|| {
        let _ = build(|spec| request_content(spec)["text/plain"] = json!({}));
        panic!("an ordinary panic");
    })
    .join();
    let payload = outcome.expect_err("the thread panicked");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"an ordinary panic"));
}

#[test]
fn a_schema_made_of_itself_names_the_schema_instead_of_overflowing_the_stack() {
    // typify resolves `$ref`/`allOf` chains eagerly: this one used to abort the process.
    let result = build(|spec| {
        let schemas = &mut spec["components"]["schemas"];
        schemas["AccountProductAccess"] =
            json!({"$ref": "#/components/schemas/AccountProductAccess"});
        schemas["AccountProductAccessNullable"] =
            json!({"allOf": [{"$ref": "#/components/schemas/AccountProductAccess"}]});
    });
    let found = culprits(result);
    assert_eq!(
        found,
        [(
            "schema `AccountProductAccess`".to_string(),
            "a cycle of `$ref`/`allOf` with no property or item between: AccountProductAccess \
             -> AccountProductAccess"
                .to_string()
        )]
    );
}

#[test]
fn a_path_item_given_by_ref_names_the_path() {
    let result = build(|spec| {
        spec["paths"]["/item/get"] = json!({"$ref": "#/x-path-items/ItemGet"});
    });
    assert_refused(result, "path `/item/get`", "a path item given by `$ref`");
}

#[test]
fn a_missing_parameter_ref_names_the_operation() {
    // progenitor looks shared parameters up with `unwrap_or_else(panic!)`.
    let result = build(|spec| {
        item_get(spec)["parameters"] = json!([{"$ref": "#/components/parameters/Nowhere"}]);
    });
    assert_refused(result, ITEM_GET, "key Nowhere is missing");
}

#[test]
fn a_not_schema_names_the_schema() {
    let result = build(|spec| {
        spec["components"]["schemas"]["ItemGetRequest"]["properties"]["access_token"] =
            json!({"not": {"type": "object", "properties": {"a": {}}}});
    });
    let found = culprits(result);
    assert!(
        found
            .iter()
            .any(|(at, why)| at == "schema `ItemGetRequest`" && why.contains("not schema")),
        "{found:?}"
    );
}

#[test]
fn a_schema_name_that_needs_escaping_in_a_ref_builds() {
    let source = build(|spec| {
        let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
        let request = schemas.remove("ItemGetRequest").unwrap();
        schemas.insert("Item/GetRequest".into(), request);
        request_content(spec)["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/Item~1GetRequest"});
    })
    .unwrap();
    assert!(source.contains("pub fn item_get("));
}
