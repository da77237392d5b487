//! The last line of defence around the generator: a panic in progenitor or typify (they
//! `todo!`, `assert!` and `unwrap` on spec data) becomes a [`CodegenError`] naming the
//! operation or schema it came from, never a backtrace.
//!
//! When generating the whole spec fails (a panic, or a generator or rewrite error that names no
//! operation), each
//! operation is generated again on its own, with only the components it uses, to find every
//! culprit; when the schemas alone already fail, each schema is tried with what it uses.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use serde_json::{Map, Value};

use crate::error::{CodegenError, Unsupported};
use crate::spec_index::{self, escape, unescape, METHODS};

thread_local! {
    /// Set while this thread runs guarded code: its panics are caught and reported by us, so
    /// the panic hook stays quiet for it (other threads keep the hook they had).
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic happened (file:line in the generator's sources).
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

static QUIET_HOOK: Once = Once::new();

/// Wraps the process's panic hook once: panics on a guarded thread record their location
/// and print nothing; every other panic goes to the previous hook unchanged.
fn install_quiet_hook() {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", short_path(l.file()), l.line()));
                LOCATION.with(|slot| *slot.borrow_mut() = location);
            } else {
                previous(info);
            }
        }));
    });
}

/// `progenitor-impl-0.15.1/src/method.rs` rather than the registry's absolute path.
fn short_path(file: &str) -> &str {
    let parts: Vec<_> = file.rmatch_indices('/').map(|(i, _)| i).take(3).collect();
    match parts.get(2) {
        Some(&i) => &file[i + 1..],
        None => file,
    }
}

/// Runs `f`, turning a panic into its one-line message (with where in the generator it was).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| {
        let location = LOCATION.with(|slot| slot.borrow_mut().take());
        panic_message(payload.as_ref(), location.as_deref())
    })
}

const MAX_MESSAGE: usize = 240;

fn panic_message(payload: &(dyn Any + Send), location: Option<&str>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    // Some generator panics print a whole schema with `{:#?}`: its first line says what.
    let first = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches([':', ' ']);
    let mut message: String = first.chars().take(MAX_MESSAGE).collect();
    if message.len() < first.len() {
        message.push('…');
    }
    match location {
        Some(at) => format!("the generator panicked: {message} (at {at})"),
        None => format!("the generator panicked: {message}"),
    }
}

/// How one attempt at generating ended: `Ok`, refused with an error, or a caught panic.
pub enum Attempt<T> {
    /// It generated.
    Ok(T),
    /// It refused, with its error.
    Refused(CodegenError),
    /// It panicked, with the panic's message.
    Panicked(String),
}

fn attempt<T>(f: impl FnOnce() -> Result<T, CodegenError>) -> Attempt<T> {
    match catch(f) {
        Ok(Ok(value)) => Attempt::Ok(value),
        Ok(Err(error)) => Attempt::Refused(error),
        Err(message) => Attempt::Panicked(message),
    }
}

/// Runs `generate` on the whole spec; if it panics, or the generator refuses the spec
/// without saying where, finds and names every operation or schema that fails on its own.
pub fn guarded<T>(
    spec: &Value,
    generate: impl Fn(&Value) -> Result<T, CodegenError>,
) -> Result<T, CodegenError> {
    let cycles = eager_ref_cycles(spec);
    if !cycles.is_empty() {
        return Err(CodegenError::Unsupported(cycles));
    }
    let refused = match attempt(|| generate(spec)) {
        Attempt::Ok(value) => return Ok(value),
        Attempt::Refused(error) if !is_generator_refusal(&error) => return Err(error),
        Attempt::Refused(error) => Ok(error),
        Attempt::Panicked(message) => Err(message),
    };
    let mut culprits = schema_culprits(spec, &generate);
    if culprits.is_empty() {
        culprits = operation_culprits(spec, &generate);
    }
    if !culprits.is_empty() {
        return Err(CodegenError::Unsupported(culprits));
    }
    Err(match refused {
        Ok(error) => error,
        Err(message) => CodegenError::Unsupported(vec![Unsupported {
            at: "the spec as a whole (no single operation or schema fails alone)".into(),
            construct: message,
        }]),
    })
}

fn is_generator_refusal(error: &CodegenError) -> bool {
    matches!(
        error,
        CodegenError::Generator(_) | CodegenError::GeneratedShape(_) | CodegenError::Rewrite { .. }
    )
}

fn failure<T>(outcome: Attempt<T>) -> Option<String> {
    match outcome {
        Attempt::Ok(_) => None,
        Attempt::Refused(error) => Some(match error {
            CodegenError::Generator(message) => message,
            other => other.to_string(),
        }),
        Attempt::Panicked(message) => Some(message),
    }
}

fn generator_failure<T>(outcome: Attempt<T>) -> Option<String> {
    match outcome {
        Attempt::Refused(CodegenError::Generator(message)) | Attempt::Panicked(message) => {
            Some(message)
        }
        _ => None,
    }
}

/// The schemas that fail with only what they use and no operation, when the schemas alone
/// fail; of a chain of failing schemas, the ones whose own dependencies all generate.
fn schema_culprits<T>(
    spec: &Value,
    generate: &impl Fn(&Value) -> Result<T, CodegenError>,
) -> Vec<Unsupported> {
    let mut bare = spec.clone();
    if let Some(map) = bare.as_object_mut() {
        map.insert("paths".into(), Value::Object(Map::new()));
    }
    // Without operations the rewrites find none of the sites they count on: only the
    // generator's own panics and refusals say something about the schemas here.
    if generator_failure(attempt(|| generate(&bare))).is_none() {
        return Vec::new();
    }
    let names: Vec<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut failing = Vec::new();
    for name in &names {
        let root = Value::String(format!("#/components/schemas/{}", escape(name)));
        let uses = closure(spec, &serde_json::json!({"$ref": root}));
        let alone = with_components(spec, &uses);
        if let Some(message) = generator_failure(attempt(|| generate(&alone))) {
            failing.push((name.clone(), uses, message));
        }
    }
    let failing_names: BTreeSet<&str> = failing.iter().map(|(n, _, _)| n.as_str()).collect();
    failing
        .iter()
        .filter(|(name, uses, _)| {
            !uses.iter().any(|(kind, other)| {
                kind == "schemas" && other != name && failing_names.contains(other.as_str())
            })
        })
        .map(|(name, _, message)| Unsupported {
            at: format!("schema `{name}`"),
            construct: message.clone(),
        })
        .collect()
}

/// Every operation that fails when generated alone with the components it uses.
fn operation_culprits<T>(
    spec: &Value,
    generate: &impl Fn(&Value) -> Result<T, CodegenError>,
) -> Vec<Unsupported> {
    let mut culprits = Vec::new();
    for op in spec_index::operations(spec) {
        let alone = only_operations(spec, &[(op.path, op.method)]);
        if let Some(message) = failure(attempt(|| generate(&alone))) {
            culprits.push(Unsupported {
                at: operation_name(&op),
                construct: message,
            });
        }
    }
    culprits
}

/// `spec` cut to the `(path, method)` operations named, their path items' shared parts, and
/// the components they use (security schemes all kept).
pub fn only_operations(spec: &Value, keep: &[(&str, &str)]) -> Value {
    let mut paths = Map::new();
    for (path, method) in keep {
        let Some(item) = spec.get("paths").and_then(|p| p.get(*path)) else {
            continue;
        };
        let Some(item) = item.as_object() else {
            continue;
        };
        let entry = paths
            .entry(path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        for (key, value) in item {
            if key == method || !METHODS.contains(&key.as_str()) {
                entry[key.as_str()] = value.clone();
            }
        }
    }
    let paths = Value::Object(paths);
    let uses = closure(spec, &paths);
    let mut cut = with_components(spec, &uses);
    cut["paths"] = paths;
    cut
}

/// ``operation `itemGet` (POST /item/get)``, as errors name operations.
pub fn operation_name(op: &spec_index::Operation<'_>) -> String {
    let (method, path) = (op.method_upper(), op.path);
    match op.id {
        Some(id) => format!("operation `{id}` ({method} {path})"),
        None => format!("operation {method} {path}"),
    }
}

/// `spec` with no operations and its components cut to `uses` (security schemes all kept);
/// everything else at the top level (info, servers, security) as it is.
fn with_components(spec: &Value, uses: &BTreeSet<(String, String)>) -> Value {
    let mut out: Map<String, Value> = spec
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| *key != "paths" && *key != "components")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.insert("paths".into(), Value::Object(Map::new()));
    let mut components = Map::new();
    if let Some(all) = spec.get("components").and_then(Value::as_object) {
        for (kind, entries) in all {
            let Some(entries) = entries.as_object() else {
                components.insert(kind.clone(), entries.clone());
                continue;
            };
            let kept: Map<String, Value> = if kind == "securitySchemes" {
                entries.clone()
            } else {
                entries
                    .iter()
                    .filter(|(name, _)| uses.contains(&(kind.clone(), (*name).clone())))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
            components.insert(kind.clone(), Value::Object(kept));
        }
    }
    out.insert("components".into(), Value::Object(components));
    Value::Object(out)
}

/// Schemas that are, through `$ref`s and `allOf` members only, made of themselves
/// (`A = {$ref: A}`, `A = {allOf: [{$ref: B}]}, B = {$ref: A}`): typify resolves those
/// eagerly and recurses until the stack overflows, which aborts the process (no unwind to
/// catch), so they are found before it runs. Recursion through a property or an array item is
/// fine and is not reported.
pub fn eager_ref_cycles(spec: &Value) -> Vec<Unsupported> {
    let graph: std::collections::BTreeMap<&str, Vec<String>> = spec_index::schemas(spec)
        .map(|(name, schema)| {
            let mut targets = Vec::new();
            eager_targets(schema, &mut targets);
            (name.as_str(), targets)
        })
        .collect();
    let edges = |name: &str| -> &[String] { graph.get(name).map_or(&[], |t| t.as_slice()) };
    let mut found = Vec::new();
    for start in graph.keys() {
        // Breadth-first from `start`, remembering how each schema was reached.
        let mut reached: Vec<(String, usize)> = Vec::new();
        let mut queue = std::collections::VecDeque::new();
        for target in edges(start) {
            reached.push((target.clone(), usize::MAX));
            queue.push_back(reached.len() - 1);
        }
        let mut cycle = None;
        while let Some(i) = queue.pop_front() {
            let name = reached[i].0.clone();
            if name == *start {
                cycle = Some(i);
                break;
            }
            for target in edges(&name) {
                if !reached.iter().any(|(n, _)| n == target) {
                    reached.push((target.clone(), i));
                    queue.push_back(reached.len() - 1);
                }
            }
        }
        if let Some(mut i) = cycle {
            let mut chain = vec![start.to_string()];
            while i != usize::MAX {
                chain.insert(1, reached[i].0.clone());
                i = reached[i].1;
            }
            found.push(Unsupported {
                at: format!("schema `{start}`"),
                construct: format!(
                    "a cycle of `$ref`/`allOf` with no property or item between: {}",
                    chain.join(" -> ")
                ),
            });
        }
    }
    found
}

/// The schema names `schema` is made of directly: its own `$ref` and its `allOf` members'.
fn eager_targets(schema: &Value, out: &mut Vec<String>) {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(spec_index::schema_ref_name)
    {
        out.push(name);
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            eager_targets(member, out);
        }
    }
}

/// Every `(kind, name)` under `#/components/` that `root` uses, transitively.
fn closure(spec: &Value, root: &Value) -> BTreeSet<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                    if let Some(key) = component_key(target) {
                        if let Some(found) = spec_index::resolve(spec, target) {
                            if seen.insert(key) {
                                stack.push(found);
                            }
                        }
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    seen
}

fn component_key(target: &str) -> Option<(String, String)> {
    let rest = target.strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    Some((kind.to_string(), unescape(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_panic_becomes_its_first_line_and_where_it_was() {
        let message = catch(|| -> () { panic!("not yet implemented: odd {}\n{:#?}", 1, [1, 2]) })
            .unwrap_err();
        assert!(message.starts_with("the generator panicked: not yet implemented: odd 1 (at "));
        assert!(message.contains("src/guard.rs:"), "{message}");
        assert!(!message.contains('\n'));
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    fn long_messages_are_cut() {
        let message = catch(|| -> () { panic!("{}", "x".repeat(10_000)) }).unwrap_err();
        assert!(
            message.chars().count() < MAX_MESSAGE + 100,
            "{}",
            message.len()
        );
        assert!(message.contains('…'));
    }

    #[test]
    fn paths_keep_the_crate_and_file() {
        assert_eq!(
            short_path("/root/.cargo/registry/src/x/progenitor-impl-0.15.1/src/method.rs"),
            "progenitor-impl-0.15.1/src/method.rs"
        );
        assert_eq!(short_path("src/a.rs"), "src/a.rs");
    }

    #[test]
    fn the_closure_follows_refs_through_every_kind_and_stops_at_cycles() {
        let spec = json!({"components": {
            "schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"items": {"$ref": "#/components/schemas/A"}}, "C": {}, "a/b": {}},
            "responses": {"R": {"content": {"x/y": {"schema": {"$ref": "#/components/schemas/a~1b"}}}}}
        }});
        let uses = closure(
            &spec,
            &json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/responses/R"}]),
        );
        let names: Vec<_> = uses.iter().map(|(k, n)| format!("{k}.{n}")).collect();
        assert_eq!(
            names,
            ["responses.R", "schemas.A", "schemas.B", "schemas.a/b"]
        );
    }

    #[test]
    fn culprits_are_named_by_operation() {
        let spec = json!({"paths": {
            "/ok": {"post": {"operationId": "fine"}},
            "/bad": {"post": {"operationId": "broken"}, "get": {}}
        }});
        let result: Result<(), _> = guarded(&spec, |s| {
            if s["paths"]
                .get("/bad")
                .is_some_and(|i| i.get("post").is_some())
            {
                panic!("boom");
            }
            Ok(())
        });
        let Err(CodegenError::Unsupported(found)) = result else {
            panic!("expected Unsupported, got {result:?}");
        };
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "operation `broken` (POST /bad)");
        assert!(found[0].construct.contains("boom"));
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ref_and_all_of_cycles_are_found_recursion_through_fields_is_not() {
        let spec = json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object"}]},
            "B": {"$ref": "#/components/schemas/A"},
            "Tree": {"properties": {"children": {"items": {"$ref": "#/components/schemas/Tree"}}}},
            "Leaf": {"$ref": "#/components/schemas/Tree"}
        }}});
        let found = eager_ref_cycles(&spec);
        let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "schema `A`: a cycle of `$ref`/`allOf` with no property or item between: A -> B -> A",
                "schema `B`: a cycle of `$ref`/`allOf` with no property or item between: B -> A -> B",
            ]
        );
    }
}
