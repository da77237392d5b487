//! Which operations use which schema, on which side of the call, following `$ref`s through
//! every level: a change deep inside `Item` is reported with every operation it reaches.

use std::collections::BTreeMap;

use serde_json::Value;

use super::classify::Sides;
use super::paths::operations;

/// Schema name -> operation label -> sides.
#[derive(Debug, Clone, Default)]
pub struct Usage(BTreeMap<String, BTreeMap<String, Sides>>);

impl Usage {
    /// The usage in `doc`.
    pub fn of(doc: &Value) -> Usage {
        let mut usage = Usage::default();
        for op in operations(doc) {
            let label = op.label();
            let mut request: Vec<&Value> = Vec::new();
            request.extend(op.definition.get("requestBody"));
            request.extend(op.definition.get("parameters"));
            request.extend(op.item.get("parameters"));
            for name in reachable(doc, request) {
                usage.add(&name, &label, Sides::REQUEST);
            }
            let responses = op.definition.get("responses").into_iter().collect();
            for name in reachable(doc, responses) {
                usage.add(&name, &label, Sides::RESPONSE);
            }
        }
        usage
    }

    /// Both specs' usage together: a removed field was used where the old spec used it.
    pub fn union(mut self, other: Usage) -> Usage {
        for (schema, ops) in other.0 {
            for (op, sides) in ops {
                self.add(&schema, &op, sides);
            }
        }
        self
    }

    fn add(&mut self, schema: &str, op: &str, sides: Sides) {
        let entry = self
            .0
            .entry(schema.to_string())
            .or_default()
            .entry(op.to_string())
            .or_default();
        entry.request |= sides.request;
        entry.response |= sides.response;
    }

    /// Every schema some operation reaches.
    pub fn schemas(&self) -> impl Iterator<Item = &String> {
        self.0.keys()
    }

    /// The sides `schema` is used on (none when no operation reaches it).
    pub fn sides(&self, schema: &str) -> Sides {
        self.0
            .get(schema)
            .into_iter()
            .flat_map(|ops| ops.values())
            .fold(Sides::default(), |acc, s| Sides {
                request: acc.request || s.request,
                response: acc.response || s.response,
            })
    }

    /// `itemGet (response)`, `itemRemove (request)`, ... sorted.
    pub fn labels(&self, schema: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (op, sides) in self.0.get(schema).into_iter().flatten() {
            if sides.request {
                out.push(format!("{op} (request)"));
            }
            if sides.response {
                out.push(format!("{op} (response)"));
            }
        }
        out
    }
}

/// Every component schema reachable from `roots`.
fn reachable<'a>(doc: &'a Value, roots: Vec<&'a Value>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut queue = roots;
    while let Some(value) = queue.pop() {
        let mut refs = Vec::new();
        plaid_item_codegen::refs::collect_schema_refs(value, &mut refs);
        for name in refs {
            if seen.contains(&name) {
                continue;
            }
            if let Some(def) = plaid_item_codegen::spec_index::schema(doc, &name) {
                queue.push(def);
            }
            seen.push(name);
        }
    }
    seen.sort();
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usage_follows_refs_transitively_on_each_side() {
        let body = |name: &str| json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}});
        let doc = json!({
            "paths": {"/item/get": {"post": {
                "operationId": "itemGet",
                "requestBody": body("Req"),
                "responses": {"200": body("Resp")}
            }}},
            "components": {"schemas": {
                "Req": {"properties": {"p": {"$ref": "#/components/schemas/Products"}}},
                "Resp": {"properties": {"item": {"allOf": [{"$ref": "#/components/schemas/Item"}]}}},
                "Item": {"properties": {"p": {"items": {"$ref": "#/components/schemas/Products"}}}},
                "Products": {"type": "string", "enum": ["auth"]},
                "Unused": {"type": "string"}
            }}
        });
        let usage = Usage::of(&doc);
        assert_eq!(usage.sides("Req"), Sides::REQUEST);
        assert_eq!(usage.sides("Item"), Sides::RESPONSE);
        assert_eq!(usage.sides("Products"), Sides::BOTH);
        assert_eq!(usage.sides("Unused"), Sides::default());
        assert_eq!(
            usage.labels("Products"),
            ["itemGet (request)", "itemGet (response)"]
        );
    }
}
