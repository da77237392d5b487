//! A property: whatever the spec, the pipeline ends in `Ok` or a `CodegenError`, never a
//! panic. Each case cuts the vendored spec to one or two operations (and what they use),
//! mutates it a few times with a seeded generator (drop, retype, duplicate and nest nodes; odd
//! media types and status codes; reference cycles; empty, huge and clashing names; keywords
//! progenitor and typify trip on), then runs the stages up to the generator: the `$ref` check,
//! every spec pass, and progenitor behind the guard. Every fourth case also runs the output
//! rewrites and the formatter; every eighth, as YAML, the sparse reader against the full parse.
//!
//! ```text
//! SPEC_MUTATION_SEED=42 SPEC_MUTATION_CASES=20000 cargo test -p plaid-item-codegen --test spec_mutations
//! SPEC_MUTATION_SEED=42 SPEC_MUTATION_CASE=1234 cargo test ...   # one case, its mutations shown
//! SPEC_MUTATION_DUMP=case.json ...                                   # and the mutated spec
//! ```
//!
//! A failure prints the seed, the case and its mutations: that pair replays it exactly.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

use plaid_item_codegen::guard::{guarded, only_operations};
use plaid_item_codegen::spec_index::{self, escape};
use plaid_item_codegen::{
    features, generate, load, load_merged, refs, select, sparse, CodegenError, Selection,
    Supplement,
};
use serde_json::{json, Value};

/// CI's fixed seed; `SPEC_MUTATION_SEED` picks another.
const SEED: u64 = 0x5eed_0019;
/// CI's case count (about half a minute on 2 cores in a debug build); `SPEC_MUTATION_CASES`
/// asks for more.
const CASES: u64 = 2000;

static VENDORED: LazyLock<Value> = LazyLock::new(|| {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/plaid-item.yml");
    load_merged(&spec, &Supplement::bundled().unwrap())
        .unwrap()
        .document
});

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

/// How a case ended, for the summary.
#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    refused: AtomicUsize,
    caught: AtomicUsize,
}

#[test]
fn no_mutation_of_the_spec_makes_the_pipeline_panic() {
    let seed = env_u64("SPEC_MUTATION_SEED").unwrap_or(SEED);
    let only = env_u64("SPEC_MUTATION_CASE");
    let cases = env_u64("SPEC_MUTATION_CASES").unwrap_or(CASES);
    let cases: Vec<u64> = match only {
        Some(case) => vec![case],
        None => (0..cases).collect(),
    };
    LazyLock::force(&VENDORED);
    // Panics are expected inside the generator (the guard catches them quietly) and are
    // reported with their case below when they escape it: the default hook's output would
    // only bury that report.
    let hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));

    let tally = Tally::default();
    let failures = Mutex::new(Vec::new());
    let sites = Mutex::new(BTreeMap::<String, (usize, String)>::new());
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&case) = cases.get(i) else {
                    break;
                };
                let (spec, mutations) = mutated(seed, case);
                if only.is_some() {
                    eprintln!("seed {seed:#x} case {case}:\n  {}", mutations.join("\n  "));
                    if let Some(path) = std::env::var_os("SPEC_MUTATION_DUMP") {
                        let text = serde_json::to_string_pretty(&spec).unwrap();
                        std::fs::write(&path, text).expect("SPEC_MUTATION_DUMP is writable");
                    }
                }
                let full = case % 4 == 0;
                let sparse = case % 8 == 1;
                // A stack overflow aborts the process before any report: the thread's name
                // is what the runtime prints then, so it names the case.
                let outcome = std::thread::Builder::new()
                    .name(format!(
                        "SPEC_MUTATION_SEED={seed:#x} SPEC_MUTATION_CASE={case}"
                    ))
                    .spawn(move || {
                        panic::catch_unwind(AssertUnwindSafe(|| {
                            if sparse {
                                assert_sparse_load_agrees(&spec);
                            }
                            run(spec, full)
                        }))
                    })
                    .expect("a thread for the case")
                    .join()
                    .expect("the case's panics are caught");
                match outcome {
                    Ok(Ok(())) => tally.ok.fetch_add(1, Ordering::Relaxed),
                    Ok(Err(CodegenError::Unsupported(found)))
                        if found.iter().any(|u| u.construct.contains("panicked")) =>
                    {
                        let mut sites = sites.lock().unwrap();
                        for u in found.iter().filter(|u| u.construct.contains("panicked")) {
                            let (site, example) = panic_site(&u.construct);
                            sites.entry(site).or_insert((0, example)).0 += 1;
                        }
                        tally.caught.fetch_add(1, Ordering::Relaxed)
                    }
                    Ok(Err(_)) => tally.refused.fetch_add(1, Ordering::Relaxed),
                    Err(payload) => {
                        let message = payload
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| payload.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        failures.lock().unwrap().push(format!(
                            "SPEC_MUTATION_SEED={seed:#x} SPEC_MUTATION_CASE={case}: panicked: \
                             {}\n  {}",
                            message.lines().next().unwrap_or_default(),
                            mutations.join("\n  ")
                        ));
                        0
                    }
                };
            });
        }
    });
    panic::set_hook(hook);

    let failures = failures.into_inner().unwrap();
    for (site, (count, example)) in sites.into_inner().unwrap() {
        eprintln!("  caught {count:>4}x at {site}, e.g. {example}");
    }
    eprintln!(
        "seed {seed:#x}: {} cases: {} generated, {} refused with an error, {} generator panics \
         caught by the guard, {} escaped",
        cases.len(),
        tally.ok.load(Ordering::Relaxed),
        tally.refused.load(Ordering::Relaxed),
        tally.caught.load(Ordering::Relaxed),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) panicked:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    if only.is_none() {
        // The mutator must keep producing specs that still generate, or it tests nothing.
        assert!(tally.ok.load(Ordering::Relaxed) * 10 > cases.len());
    }
}

/// `progenitor-impl-0.15.1/src/method.rs:2057` and the panic's message: the site groups the
/// summary, the message is one example.
fn panic_site(construct: &str) -> (String, String) {
    let message = construct.trim_start_matches("the generator panicked: ");
    let (text, at) = message.rsplit_once(" (at ").unwrap_or((message, ""));
    let example: String = text.chars().take(60).collect();
    (at.trim_end_matches(')').to_string(), example)
}

/// Every eighth case also goes through the sparse reader as YAML: it must fall back, or give
/// what the full parse and selection give (the same error, or the same document, report and
/// selection).
fn assert_sparse_load_agrees(spec: &Value) {
    static SUPPLEMENT: LazyLock<Supplement> = LazyLock::new(|| Supplement::bundled().unwrap());
    let text = serde_yaml::to_string(spec).expect("any JSON value is YAML");
    let path = Path::new("mutated.yml");
    let selection = Selection::item_api();
    let Some(sparse) = sparse::load_selected(path, &text, &SUPPLEMENT, &selection) else {
        return;
    };
    let full = (|| {
        let mut document = load::parse_yaml(path, &text)?;
        load::check_is_openapi(path, &document)?;
        let report = SUPPLEMENT.fill(&mut document);
        let selected = select(&mut document, &SUPPLEMENT, &selection)?;
        Ok::<_, CodegenError>((document, report, selected))
    })();
    match (sparse, full) {
        (Ok(sparse), Ok((document, report, selected))) => {
            let as_json = |v: &Value| serde_json::to_string(v).unwrap();
            assert!(
                as_json(&sparse.document) == as_json(&document)
                    && sparse.report == report
                    && sparse.selected == selected,
                "the sparse load differs from the full one"
            );
        }
        (Err(sparse), Err(full)) => assert_eq!(
            sparse.to_string(),
            full.to_string(),
            "the sparse load fails differently"
        ),
        (sparse, full) => panic!(
            "the sparse load {} where the full one {}",
            if sparse.is_ok() { "succeeds" } else { "fails" },
            if full.is_ok() { "succeeds" } else { "fails" },
        ),
    }
}

/// The stages up to the generator (and, when `full`, the rewrites and the formatter).
fn run(mut spec: Value, full: bool) -> Result<(), CodegenError> {
    refs::check_refs(&spec)?;
    features::run_passes(&mut spec);
    if full {
        generate::generate(&spec).map(drop)
    } else {
        guarded(&spec, generate::progenitor_output).map(drop)
    }
}

/// The spec of one case: one or two operations of the vendored spec, mutated one to four
/// times; and what was done, for the report.
fn mutated(seed: u64, case: u64) -> (Value, Vec<String>) {
    let mut rng = fastrand::Rng::with_seed(seed ^ case.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let operations = spec_index::operations(&VENDORED);
    let mut keep = Vec::new();
    for _ in 0..rng.usize(1..=2) {
        let op = &operations[rng.usize(..operations.len())];
        keep.push((op.path, op.method));
    }
    let mut spec = only_operations(&VENDORED, &keep);
    let mut done = vec![format!(
        "keep {}",
        keep.iter()
            .map(|(p, m)| format!("{m} {p}"))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    for _ in 0..rng.usize(1..=4) {
        done.push(mutate(&mut rng, &mut spec));
    }
    (spec, done)
}

/// Every node's JSON pointer, except the document itself.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", escape(key));
                out.push(here.clone());
                pointers(child, here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(child, here, out);
            }
        }
        _ => {}
    }
}

/// Pointers whose last segment is `key` (a schema keyword, a media type map...).
fn pointers_ending(spec: &Value, key: &str) -> Vec<String> {
    let mut all = Vec::new();
    pointers(spec, String::new(), &mut all);
    all.retain(|p| p.rsplit('/').next() == Some(key));
    all
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

fn parent_and_key(pointer: &str) -> (&str, &str) {
    pointer.rsplit_once('/').unwrap_or(("", pointer))
}

fn odd_value(rng: &mut fastrand::Rng, spec: &Value) -> Value {
    let schemas: Vec<&String> = spec_index::schemas(spec).map(|(n, _)| n).collect();
    match rng.u8(..12) {
        0 => Value::Null,
        1 => json!(rng.bool()),
        2 => json!(rng.i64(..)),
        3 => json!(-1.5e300),
        4 => json!(""),
        5 => json!("x".repeat(rng.usize(1..5000))),
        6 => json!([]),
        7 => json!({}),
        8 => json!([null, 1, "a", {}]),
        9 => {
            let types = [
                "string", "integer", "number", "boolean", "array", "object", "null", "strng",
            ];
            json!({ "type": types[rng.usize(..types.len())] })
        }
        10 => match pick(rng, &schemas) {
            Some(name) => json!({"$ref": spec_index::schema_ref(name)}),
            None => json!({"$ref": "#/components/schemas/Nowhere"}),
        },
        _ => json!({"$ref": "#/components/schemas/Missing"}),
    }
}

fn odd_name(rng: &mut fastrand::Rng) -> String {
    match rng.u8(..10) {
        0 => String::new(),
        1 => "N".repeat(rng.usize(200..20_000)),
        2 => "type".into(),
        3 => "Self".into(),
        4 => "1st value".into(),
        5 => "a-b".into(),
        6 => "a_b".into(),
        7 => "ünïcødé ✓".into(),
        8 => "~/{}".into(),
        _ => "r#match".into(),
    }
}

const MEDIA_TYPES: [&str; 11] = [
    "examples",
    "application/json",
    "application/json; charset=utf-8",
    "application/pdf",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "*/*",
    "",
    "application/vnd.plaid+json",
];

const STATUS_CODES: [&str; 10] = [
    "200", "201", "204", "2XX", "default", "1XX", "999", "1000", "abc", "",
];

const KEYWORDS: [(&str, &str); 14] = [
    ("exclusiveMinimum", "true"),
    ("exclusiveMaximum", "true"),
    ("enum", "[]"),
    ("enum", "[null]"),
    ("enum", "[1, \"a\", true]"),
    ("enum", "[\"a-b\", \"a_b\", \"A B\"]"),
    ("format", "\"binary\""),
    ("format", "\"int128\""),
    ("nullable", "true"),
    ("required", "[\"nonexistent\"]"),
    ("minimum", "1e300"),
    ("default", "{\"x\": [1]}"),
    ("additionalProperties", "false"),
    ("not", "{\"type\": \"string\"}"),
];

/// One random mutation of `spec`; returns what it did.
fn mutate(rng: &mut fastrand::Rng, spec: &mut Value) -> String {
    let mut all = Vec::new();
    pointers(spec, String::new(), &mut all);
    let Some(at) = pick(rng, &all).cloned() else {
        return "nothing to mutate".into();
    };
    match rng.u8(..10) {
        0 => {
            let (parent, key) = parent_and_key(&at);
            match spec.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
            format!("drop {at}")
        }
        1 => {
            let value = odd_value(rng, spec);
            let shown = shorten(&value);
            if let Some(node) = spec.pointer_mut(&at) {
                *node = value;
            }
            format!("retype {at} = {shown}")
        }
        2 => {
            let copy = spec.pointer(&at).cloned().unwrap_or(Value::Null);
            let (parent, key) = parent_and_key(&at);
            match spec.pointer_mut(parent) {
                Some(Value::Object(map)) => {
                    let other = map.keys().nth(rng.usize(..map.len().max(1))).cloned();
                    let target = other.unwrap_or_else(|| format!("{key}2"));
                    map.insert(target.clone(), copy);
                    format!("duplicate {at} over sibling `{target}`")
                }
                Some(Value::Array(items)) => {
                    items.push(copy);
                    format!("duplicate {at} at the end")
                }
                _ => format!("duplicate {at}: no parent"),
            }
        }
        3 => {
            let Some(node) = spec.pointer_mut(&at) else {
                return format!("nest {at}: gone");
            };
            let inner = node.take();
            let (how, wrapped) = match rng.u8(..7) {
                0 => ("allOf", json!({"allOf": [inner]})),
                1 => ("oneOf", json!({"oneOf": [inner, {"type": "string"}]})),
                2 => ("anyOf", json!({"anyOf": [inner, inner]})),
                3 => ("items", json!({"type": "array", "items": inner})),
                4 => (
                    "properties",
                    json!({"type": "object", "properties": {"x": inner}}),
                ),
                5 => (
                    "additionalProperties",
                    json!({"additionalProperties": inner}),
                ),
                _ => ("not", json!({"not": inner})),
            };
            *node = wrapped;
            format!("nest {at} in {how}")
        }
        4 => {
            let contents = pointers_ending(spec, "content");
            let Some(content) = pick(rng, &contents).cloned() else {
                return "odd media type: no content".into();
            };
            let media = MEDIA_TYPES[rng.usize(..MEDIA_TYPES.len())];
            let Some(Value::Object(map)) = spec.pointer_mut(&content) else {
                return "odd media type: content is not a map".into();
            };
            let existing = map.values().next().cloned().unwrap_or(json!({}));
            if rng.bool() {
                map.clear();
            }
            map.insert(media.to_string(), existing);
            format!("media type `{media}` in {content}")
        }
        5 => {
            let names: Vec<String> = spec_index::schemas(spec).map(|(n, _)| n.clone()).collect();
            let (Some(a), Some(b)) = (pick(rng, &names).cloned(), pick(rng, &names).cloned())
            else {
                return "cycle: no schemas".into();
            };
            let schemas = spec.pointer_mut("/components/schemas").unwrap();
            match rng.u8(..3) {
                0 => {
                    schemas[&a] = json!({"$ref": spec_index::schema_ref(&b)});
                    schemas[&b] = json!({"$ref": spec_index::schema_ref(&a)});
                    format!("alias cycle {a} <-> {b}")
                }
                1 => {
                    schemas[&a] = json!({"$ref": spec_index::schema_ref(&a)});
                    format!("self alias {a}")
                }
                _ => {
                    let node = &mut schemas[&a];
                    if let Some(map) = node.as_object_mut() {
                        let props = map.entry("properties").or_insert(json!({}));
                        if let Some(props) = props.as_object_mut() {
                            props
                                .insert("loop".into(), json!({"$ref": spec_index::schema_ref(&b)}));
                        }
                        map.insert("required".into(), json!(["loop"]));
                    }
                    schemas[&b] = json!({"allOf": [{"$ref": spec_index::schema_ref(&a)}]});
                    format!("required-field cycle {a}.loop -> {b} = allOf [{a}]")
                }
            }
        }
        6 => {
            let name = odd_name(rng);
            let shown = shorten(&json!(name));
            match rng.u8(..3) {
                0 => {
                    let names: Vec<String> =
                        spec_index::schemas(spec).map(|(n, _)| n.clone()).collect();
                    let Some(old) = pick(rng, &names).cloned() else {
                        return "rename: no schemas".into();
                    };
                    rename_schema(spec, &old, &name);
                    format!("rename schema {old} to {shown}")
                }
                1 => {
                    let props = pointers_ending(spec, "properties");
                    let Some(at) = pick(rng, &props).cloned() else {
                        return "rename: no properties".into();
                    };
                    if let Some(Value::Object(map)) = spec.pointer_mut(&at) {
                        if let Some(old) = map.keys().next().cloned() {
                            let value = map.remove(&old).unwrap();
                            map.insert(name, value);
                            return format!("rename property {at}/{old} to {shown}");
                        }
                    }
                    format!("rename property in {at}: none")
                }
                _ => {
                    let ids = pointers_ending(spec, "operationId");
                    let Some(at) = pick(rng, &ids).cloned() else {
                        return "rename: no operation".into();
                    };
                    *spec.pointer_mut(&at).unwrap() = json!(name);
                    format!("operationId {at} = {shown}")
                }
            }
        }
        7 => {
            let responses = pointers_ending(spec, "responses");
            let Some(at) = pick(rng, &responses).cloned() else {
                return "status: no responses".into();
            };
            let code = STATUS_CODES[rng.usize(..STATUS_CODES.len())];
            if let Some(Value::Object(map)) = spec.pointer_mut(&at) {
                let first = map.values().next().cloned().unwrap_or(json!({}));
                map.insert(code.into(), first);
            }
            format!("status `{code}` in {at}")
        }
        8 => {
            let (key, value) = KEYWORDS[rng.usize(..KEYWORDS.len())];
            let targets = pointers_ending(spec, "type");
            let Some(at) = pick(rng, &targets).cloned() else {
                return "keyword: no schema".into();
            };
            let (parent, _) = parent_and_key(&at);
            if let Some(Value::Object(map)) = spec.pointer_mut(parent) {
                map.insert(key.into(), serde_json::from_str(value).unwrap());
            }
            format!("keyword {key}: {value} in {parent}")
        }
        _ => {
            let place = ["path", "query", "header", "cookie"][rng.usize(..4)];
            let params = json!([
                {"name": "id", "in": place,
                 "required": rng.bool(), "schema": {"type": "string"}},
                {"name": "id", "in": "query", "style": "deepObject", "schema": {"type": "object"}}
            ]);
            let ops = pointers_ending(spec, "operationId");
            let Some(at) = pick(rng, &ops).cloned() else {
                return "parameters: no operation".into();
            };
            let (op, _) = parent_and_key(&at);
            let take = rng.usize(1..=2);
            if let Some(Value::Object(map)) = spec.pointer_mut(op) {
                let list: Vec<Value> = params.as_array().unwrap()[..take].to_vec();
                map.insert("parameters".into(), Value::Array(list));
            }
            format!("parameters ({take}) on {op}")
        }
    }
}

/// Renames a schema and every `$ref` to it.
fn rename_schema(spec: &mut Value, old: &str, new: &str) {
    let (from, to) = (spec_index::schema_ref(old), spec_index::schema_ref(new));
    fn walk(value: &mut Value, from: &str, to: &str) {
        match value {
            Value::Object(map) => {
                if map.get("$ref").and_then(Value::as_str) == Some(from) {
                    map.insert("$ref".into(), json!(to));
                }
                map.values_mut().for_each(|v| walk(v, from, to));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, from, to)),
            _ => {}
        }
    }
    walk(spec, &from, &to);
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        if let Some(schema) = schemas.remove(old) {
            schemas.insert(new.to_string(), schema);
        }
    }
}

fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 60 {
        let head: String = text.chars().take(40).collect();
        format!("{head}… ({} chars)", text.len())
    } else {
        text
    }
}
