//! The document Prism serves and Spectral lints: `plaid_item_codegen::load_merged` (vendored
//! spec + supplement + security schemes, refs checked, not normalised), as JSON under `target/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Writes the merged spec once per test process and returns its path. The file is rewritten
/// only when it changed: a running Prism reloads its document when the file changes.
pub fn path() -> &'static Path {
    static SPEC: OnceLock<PathBuf> = OnceLock::new();
    SPEC.get_or_init(|| {
        let json = serde_json::to_string_pretty(document()).expect("a JSON value prints");
        let dir = crate::node_tools::target_dir().join("conformance");
        std::fs::create_dir_all(&dir).expect("target/ is writable");
        let path = dir.join("merged-spec.json");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
            let tmp = dir.join(format!("merged-spec.json.{}", std::process::id()));
            std::fs::write(&tmp, &json).expect("target/ is writable");
            std::fs::rename(&tmp, &path).expect("target/ is writable");
        }
        path
    })
}

fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        plaid_item_codegen::load_merged(
            &root.join("spec/plaid-item.yml"),
            &plaid_item_codegen::Supplement::bundled().expect("the bundled supplement parses"),
        )
        .unwrap_or_else(|e| panic!("cannot merge the spec: {e}"))
        .document
    })
}

/// The spec's operations, named as the SDK names them (`itemGet` -> `item_get`).
pub fn operations() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in document()["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            let Some(id) = operation["operationId"].as_str() else {
                continue;
            };
            let mut name = String::new();
            for c in id.chars() {
                if c.is_ascii_uppercase() {
                    name.push('_');
                }
                name.push(c.to_ascii_lowercase());
            }
            names.insert(name);
        }
    }
    names
}
