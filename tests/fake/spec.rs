//! The fake cannot drift from the spec: it serves every operation the merged spec has, and
//! answers each with a reply the client decodes.

use std::collections::BTreeSet;

use plaid_item::testing::{FakePlaid, NewItem, OPERATIONS};

#[path = "../common/every_operation.rs"]
mod every_operation;

#[test]
fn the_fake_serves_every_path_of_the_spec_and_the_supplement() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut spec_paths = BTreeSet::new();
    for file in ["spec/plaid-item.yml", "codegen/supplement.yml"] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        if let Some(paths) = value.get("paths").and_then(|p| p.as_mapping()) {
            spec_paths.extend(paths.keys().filter_map(|k| k.as_str().map(str::to_string)));
        }
    }
    let served: BTreeSet<String> = OPERATIONS.iter().map(|(p, _)| p.to_string()).collect();
    let unserved: Vec<_> = spec_paths.difference(&served).collect();
    assert!(unserved.is_empty(), "the fake does not serve {unserved:?}");
    assert!(spec_paths.len() >= 14, "{spec_paths:?}");
}

#[tokio::test]
async fn every_operation_of_the_client_succeeds_against_the_fake() {
    let fake = FakePlaid::start().await;
    let client = fake.client();
    let linked = fake.link_item(
        NewItem::new()
            .account("acc_1")
            .webhook("https://example.com/h"),
    );
    let app = serde_json::from_value(serde_json::json!({
        "application_id": "app_1", "name": "Budget App", "created_at": "2026-01-01T00:00:00Z"
    }))
    .unwrap();
    fake.seed_application(&linked.item_id, app);
    let public = fake.create_item(NewItem::new()).public_token;
    let tokens = every_operation::Tokens {
        access_token: linked.access_token.expose_secret(),
        public_token: public.expose_secret(),
        auth_token: "auth-1",
    };
    let key_id = fake.webhook_key_id();
    let outcomes = every_operation::call_every_operation(&client, &tokens, key_id).await;
    assert_eq!(
        outcomes.len(),
        OPERATIONS.len(),
        "one call per served operation"
    );
    for (operation, outcome) in outcomes {
        assert!(outcome.is_ok(), "{operation}: {:?}", outcome.err());
    }
}
