//! Generates the client from the spec; the pipeline itself lives in `plaid-item-codegen`.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    println!("cargo:rerun-if-env-changed=PLAID_ITEM_SPEC");
    let spec = std::env::var_os("PLAID_ITEM_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("spec/plaid-item.yml"));
    println!("cargo:rerun-if-changed={}", spec.display());
    // The supplement is compiled into plaid-item-codegen: editing it rebuilds that crate,
    // which reruns this script.
    let generated = plaid_item_codegen::Supplement::bundled()
        .and_then(|supplement| plaid_item_codegen::generate_client(&spec, &supplement));

    match generated {
        Ok((generated, report)) => {
            if !report.shadowed.is_empty() {
                // One line, naming every entry: it repeats on every build until pruned.
                println!(
                    "cargo:warning=the bundled supplement: the spec now defines these itself, so the \
                     supplement's copies are ignored and can be removed: {}",
                    report.shadowed.join(", ")
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
