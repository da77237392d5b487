//! The sparse load (parse only what the selection reaches) gives exactly what the full parse
//! followed by the selection gives, on Plaid's whole files and the slices; and whatever the
//! splitter is unsure of falls back to the full parse.

use std::path::{Path, PathBuf};

use plaid_item_codegen::{load, select, sparse, MergedSpec, Selection, Supplement};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The full parse, fill and selection, as `lib.rs` does without the sparse load.
fn full(
    path: &Path,
    text: &str,
    supplement: &Supplement,
    selection: &Selection,
) -> Result<MergedSpec, String> {
    let mut document = load::parse_yaml(path, text).unwrap();
    let report = supplement.fill(&mut document);
    let selected = select(&mut document, supplement, selection).map_err(|e| e.to_string())?;
    Ok(MergedSpec {
        document,
        report,
        selected,
    })
}

fn sparse_load(path: &Path, text: &str, selection: &Selection) -> Option<MergedSpec> {
    let supplement = Supplement::bundled().unwrap();
    sparse::load_selected(path, text, &supplement, selection).map(|r| r.unwrap())
}

fn falls_back(text: &str, selection: &Selection) -> bool {
    let supplement = Supplement::bundled().unwrap();
    sparse::load_selected(Path::new("odd.yml"), text, &supplement, selection).is_none()
}

fn assert_same(file: &str, selection: &Selection) {
    let path = root().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let supplement = Supplement::bundled().unwrap();
    let sparse = sparse::load_selected(&path, &text, &supplement, selection)
        .unwrap_or_else(|| panic!("{file}: the splitter fell back"));
    let (sparse, full) = match (sparse, full(&path, &text, &supplement, selection)) {
        (Ok(sparse), Ok(full)) => (sparse, full),
        // A slice missing schemas fails alike both ways.
        (Err(sparse), Err(full)) => return assert_eq!(sparse.to_string(), full, "{file}"),
        (sparse, full) => panic!(
            "{file}: {:?} against {:?}",
            sparse.map(|_| ()),
            full.map(|_| ())
        ),
    };
    assert_eq!(
        serde_json::to_string(&sparse.document).unwrap(),
        serde_json::to_string(&full.document).unwrap(),
        "{file}"
    );
    assert_eq!(sparse.report, full.report, "{file}");
    assert_eq!(sparse.selected, full.selected, "{file}");
}

fn selection(yaml: &str) -> Selection {
    let doc = load::parse_yaml(Path::new("selection.yml"), yaml).unwrap();
    Selection::from_document("a test selection", &doc).unwrap()
}

#[test]
fn the_whole_files_and_the_slices_load_the_same_sparsely() {
    for file in [
        "tests/fixtures/plaid-whole-1.697.4.yml",
        "tests/fixtures/plaid-whole-1.517.0.yml",
        "tests/fixtures/plaid-1.697.4-full.yml",
        "tests/fixtures/plaid-1.697.4-slice.yml",
        "spec/plaid-item.yml",
    ] {
        assert_same(file, &Selection::item_api());
    }
}

#[test]
fn changed_selections_load_the_same_sparsely() {
    let file = "tests/fixtures/plaid-whole-1.697.4.yml";
    assert_same(
        file,
        &selection("add: [/institutions/get_by_id, /accounts/]"),
    );
    assert_same(file, &selection("remove: [/sandbox/item/]"));
    assert_same(file, &Selection::everything());
}

const PLAIN: &str = "\
openapi: 3.0.0
info:
  title: t
  version: '1'
paths:
  /item/get:
    post:
      operationId: itemGet
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A'
components:
  schemas:
    A:
      type: object
      properties:
        b:
          $ref: '#/components/schemas/B'
    B:
      type: string
    PlaidError:
      type: object
    Unused:
      type: string
";

#[test]
fn a_plain_block_file_loads_sparsely_and_leaves_out_what_nothing_uses() {
    let merged = sparse_load(Path::new("plain.yml"), PLAIN, &Selection::item_api())
        .expect("plain block YAML is split");
    let schemas = merged.document["components"]["schemas"]
        .as_object()
        .unwrap();
    assert!(schemas.contains_key("A") && schemas.contains_key("B"));
    assert!(!schemas.contains_key("Unused"));
    // Flow values inside an entry are the entry's own: still split.
    let flow = PLAIN.replace(
        "    Unused:\n      type: string\n",
        "    Unused: {type: string}\n",
    );
    assert!(!falls_back(&flow, &Selection::item_api()));
}

#[test]
fn what_the_splitter_is_unsure_of_falls_back_to_the_full_parse() {
    let item = Selection::item_api();
    let cases = [
        ("a tab", PLAIN.replace("    B:\n", "\tB:\n")),
        ("a directive", format!("%YAML 1.2\n---\n{PLAIN}")),
        ("a document marker", format!("---\n{PLAIN}")),
        (
            "odd indentation",
            PLAIN.replace("    B:\n      type", "   B:\n      type"),
        ),
        (
            "a duplicated schema",
            format!("{PLAIN}    B:\n      type: integer\n"),
        ),
        (
            "a duplicated path",
            PLAIN.replace("components:\n", "  /item/get:\n    get: {}\ncomponents:\n"),
        ),
        (
            "an anchor at a split level",
            PLAIN.replace("    B:\n", "    B: &b\n"),
        ),
        ("an alias at a split level", format!("{PLAIN}    C: *b\n")),
        (
            "flow style for the schemas",
            PLAIN.replace("  schemas:\n", "  schemas: {}\n  x-schemas:\n"),
        ),
        (
            "a complex key",
            PLAIN.replace("    Unused:\n", "    ? Unused\n    :\n"),
        ),
        (
            "an alias across entries",
            // Defined in a schema nothing uses, used in one the selection reaches.
            PLAIN
                .replace(
                    "    Unused:\n      type: string",
                    "    Unused:\n      type: &s string",
                )
                .replace("    B:\n      type: string", "    B:\n      type: *s"),
        ),
        (
            "a path-item ref",
            PLAIN.replace(
                "                $ref: '#/components/schemas/A'",
                "                $ref: '#/paths/~1x'",
            ),
        ),
        // Found by the property test: the full parse counts no operation there.
        (
            "an operation that is not a mapping",
            PLAIN.replace(
                "components:\n",
                "  /item/remove:\n    post: 12\ncomponents:\n",
            ),
        ),
        (
            "a flow-style paths map",
            PLAIN.replace("paths:\n", "paths: {}\nx-paths:\n"),
        ),
    ];
    for (what, text) in &cases {
        assert_ne!(text, PLAIN, "{what}: the case changes nothing");
        assert!(falls_back(text, &item), "{what}: not a fall-back");
    }
    // A selection by operationId decides per operation, which the splitter does not parse.
    assert!(falls_back(PLAIN, &selection("add: [itemGet]")));
}
