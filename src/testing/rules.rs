//! Faults on cue, in the manner of aws-smithy-mocks rules: for one operation (or every one),
//! the next N replies are replaced by a fault. Rules are tried in the order they were added;
//! the first that matches and has uses left applies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::types::{PlaidError, PlaidErrorType};

/// What a matching rule does to a reply.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and PlaidError (its `request_id` is filled in). The request is
    /// not acted on.
    PlaidError {
        /// The HTTP status.
        status: u16,
        /// The error body.
        error: PlaidError,
    },
    /// Answer with these exact bytes (a proxy's HTML page, say). The request is not acted on.
    Raw {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body bytes.
        body: Bytes,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering. The request is not acted on.
    DropConnection,
    /// Handle the request normally, then add unknown enum values and unknown fields to the
    /// reply, as a newer Plaid would send.
    Evolved,
}

impl Fault {
    /// A Plaid error reply, e.g. `Fault::plaid_error(500, PlaidErrorType::ApiError,
    /// "INTERNAL_SERVER_ERROR", "an unexpected error occurred")`.
    pub fn plaid_error(
        status: u16,
        error_type: PlaidErrorType,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Fault::PlaidError {
            status,
            error: super::errors::plaid_error(status, error_type, code, message),
        }
    }

    /// A load balancer's `502 Bad Gateway` HTML page.
    pub fn html_502() -> Self {
        Fault::Raw {
            status: 502,
            content_type: "text/html".into(),
            body: Bytes::from_static(
                b"<html><head><title>502 Bad Gateway</title></head>\
                  <body><center><h1>502 Bad Gateway</h1></center></body></html>",
            ),
        }
    }
}

/// An installed rule; clones share it. Lets a test check how often it fired.
#[derive(Clone, Debug)]
pub struct RuleHandle(Arc<RuleState>);

#[derive(Debug)]
struct RuleState {
    operation: Option<&'static str>,
    /// `usize::MAX` for a rule that never runs out.
    remaining: AtomicUsize,
    fired: AtomicUsize,
    fault: Fault,
}

impl RuleHandle {
    /// How many replies this rule has changed so far.
    pub fn fired(&self) -> usize {
        self.0.fired.load(Ordering::SeqCst)
    }

    /// How many more replies it will change (`usize::MAX`: no limit).
    pub fn remaining(&self) -> usize {
        self.0.remaining.load(Ordering::SeqCst)
    }
}

/// A rule being described; `fail_with` installs it. From [`super::FakePlaid::on`] or
/// [`super::FakePlaid::on_any`].
#[must_use = "a rule does nothing until `fail_with` installs it"]
pub struct RuleBuilder<'a> {
    pub(crate) rules: &'a Rules,
    pub(crate) operation: Option<&'static str>,
    pub(crate) times: usize,
}

impl RuleBuilder<'_> {
    /// Apply to the next `n` matching requests (the default is 1).
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Apply to every matching request from now on.
    pub fn always(mut self) -> Self {
        self.times = usize::MAX;
        self
    }

    /// Installs the rule.
    pub fn fail_with(self, fault: Fault) -> RuleHandle {
        let handle = RuleHandle(Arc::new(RuleState {
            operation: self.operation,
            remaining: AtomicUsize::new(self.times),
            fired: AtomicUsize::new(0),
            fault,
        }));
        self.rules.0.lock().unwrap().push(handle.clone());
        handle
    }
}

/// Every installed rule.
#[derive(Debug, Default)]
pub(crate) struct Rules(Mutex<Vec<RuleHandle>>);

impl Rules {
    /// The fault for this request, using up one use of the rule that supplies it.
    pub(crate) fn take(&self, operation: Option<&'static str>) -> Option<Fault> {
        let mut rules = self.0.lock().unwrap();
        if rules.is_empty() {
            return None;
        }
        rules.retain(|r| r.remaining() > 0);
        let rule = rules
            .iter()
            .find(|r| r.0.operation.is_none() || r.0.operation == operation)?;
        let state = &rule.0;
        if state.remaining.load(Ordering::SeqCst) != usize::MAX {
            state.remaining.fetch_sub(1, Ordering::SeqCst);
        }
        state.fired.fetch_add(1, Ordering::SeqCst);
        Some(state.fault.clone())
    }

    pub(crate) fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// Keys whose string values are enums in the Item models; an evolved reply gives them a value
/// no SDK version knows.
const ENUM_KEYS: [&str; 5] = ["update_type", "activity", "state", "error_type", "context"];
/// Keys holding lists of `Products`; an evolved reply appends a product from the future.
const PRODUCT_KEYS: [&str; 4] = [
    "available_products",
    "billed_products",
    "products",
    "consented_products",
];

/// Adds a field to every object, and replaces or extends enum values, all the way down.
pub(crate) fn evolve(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field {
                    Value::String(s) if ENUM_KEYS.contains(&key.as_str()) => {
                        *s = format!("FAKE_NEW_{}", key.to_ascii_uppercase());
                    }
                    Value::Array(list) if PRODUCT_KEYS.contains(&key.as_str()) => {
                        list.push(Value::String("fake_new_product".into()));
                    }
                    other => evolve(other),
                }
            }
            map.insert(
                "fake_added_field".into(),
                serde_json::json!({"added_in": "a newer Plaid", "values": [1, 2]}),
            );
        }
        Value::Array(list) => list.iter_mut().for_each(evolve),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder<'a>(rules: &'a Rules, operation: Option<&'static str>) -> RuleBuilder<'a> {
        RuleBuilder {
            rules,
            operation,
            times: 1,
        }
    }

    #[test]
    fn a_rule_applies_to_its_operation_for_its_count_then_stops() {
        let rules = Rules::default();
        let handle = builder(&rules, Some("item_get"))
            .times(2)
            .fail_with(Fault::DropConnection);
        assert!(rules.take(Some("item_remove")).is_none());
        assert!(rules.take(Some("item_get")).is_some());
        assert!(rules.take(Some("item_get")).is_some());
        assert!(rules.take(Some("item_get")).is_none());
        assert_eq!((handle.fired(), handle.remaining()), (2, 0));
    }

    #[test]
    fn rules_apply_in_the_order_they_were_added() {
        let rules = Rules::default();
        builder(&rules, None).fail_with(Fault::Delay(Duration::from_millis(1)));
        builder(&rules, Some("item_get"))
            .always()
            .fail_with(Fault::DropConnection);
        assert!(matches!(
            rules.take(Some("item_get")),
            Some(Fault::Delay(_))
        ));
        for _ in 0..3 {
            assert!(matches!(
                rules.take(Some("item_get")),
                Some(Fault::DropConnection)
            ));
        }
    }

    #[test]
    fn evolve_changes_enums_products_and_adds_fields_everywhere() {
        let mut v = serde_json::json!({
            "item": {"update_type": "background", "products": ["auth"], "error": null},
            "activities": [{"activity": "ITEM_CREATE", "state": "SUCCESS"}],
            "request_id": "r"
        });
        evolve(&mut v);
        assert_eq!(v["item"]["update_type"], "FAKE_NEW_UPDATE_TYPE");
        assert_eq!(
            v["item"]["products"],
            serde_json::json!(["auth", "fake_new_product"])
        );
        assert_eq!(v["activities"][0]["state"], "FAKE_NEW_STATE");
        assert!(v["activities"][0].get("fake_added_field").is_some());
        assert!(v.get("fake_added_field").is_some());
        assert_eq!(v["request_id"], "r");
    }
}
