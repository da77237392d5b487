//! The repository's Markdown names files that exist: a renamed or deleted file leaves no
//! pointer behind in the README, CONTRIBUTING.md, BENCHMARKS.md or a crate's README.

/// Backticked repository paths (`benches/x.rs`, `src/y/`), without globs or placeholders.
fn named_paths(text: &str) -> Vec<&str> {
    const ROOTS: [&str; 9] = [
        "benches/",
        "examples/",
        "src/",
        "tests/",
        "codegen/",
        "plaid-spec/",
        "spec/",
        "generated/",
        ".ci/",
    ];
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|quoted| ROOTS.iter().any(|root| quoted.starts_with(root)))
        .filter(|quoted| {
            !quoted.contains(|c: char| c.is_whitespace() || "*<>{}$…".contains(c))
                && !quoted.contains("...")
        })
        .collect()
}

#[test]
fn the_markdown_names_files_that_exist() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    let mut checked = 0;
    for doc in [
        "README.md",
        "CONTRIBUTING.md",
        "BENCHMARKS.md",
        "codegen/README.md",
        "plaid-spec/README.md",
    ] {
        let text = std::fs::read_to_string(root.join(doc)).unwrap();
        for path in named_paths(&text) {
            // A path inside a crate's README may be relative to that crate.
            let crate_dir = root.join(doc).parent().unwrap().to_path_buf();
            let path = path.split(':').next().unwrap();
            checked += 1;
            if !root.join(path).exists() && !crate_dir.join(path).exists() {
                missing.push(format!("{doc}: {path}"));
            }
        }
    }
    assert!(checked > 20, "only {checked} paths found");
    assert!(missing.is_empty(), "named but missing: {missing:#?}");
}
