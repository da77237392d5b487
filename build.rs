//! Generates the client from the spec; the pipeline itself lives in `plaid-item-codegen`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-env-changed=PLAID_ITEM_SPEC");
    let spec = std::env::var_os("PLAID_ITEM_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("spec/plaid-item.yml"));
    let supplement = root.join("spec/supplement.yml");
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-changed={}", supplement.display());

    match plaid_item_codegen::generate_client(&spec, &supplement) {
        Ok((generated, report)) => {
            for name in &report.shadowed {
                println!(
                    "cargo:warning=spec/supplement.yml: {name} is now defined by the spec itself; \
                     the supplement's copy is ignored and can be removed"
                );
            }
            let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
            std::fs::write(out.join("plaid_item.rs"), generated.source)
                .expect("OUT_DIR is writable");
        }
        Err(error) => {
            // A readable message (cargo shows a failed build script's stderr) and exit code 1,
            // never a panic and a backtrace.
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
