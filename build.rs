//! Generates the client from the spec; the pipeline itself lives in `plaid-item-codegen`.
//! `PLAID_ITEM_SPEC` and `PLAID_ITEM_SUPPLEMENT` point it at a project's own files (see the
//! README's "Building from your own spec").

use std::path::PathBuf;

use plaid_item_codegen::{generate_client, Inputs};

fn main() {
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let generated = Inputs::from_env(|var| std::env::var_os(var), &root).and_then(|inputs| {
        for line in inputs.rerun_lines() {
            println!("{line}");
        }
        let (generated, report) = generate_client(&inputs.spec, &inputs.supplement()?)?;
        for warning in inputs.warnings(&report) {
            println!("cargo:warning={warning}");
        }
        Ok(generated)
    });
    match generated {
        Ok(generated) => {
            let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
            std::fs::write(out.join("plaid_item.rs"), generated.source)
                .expect("OUT_DIR is writable");
        }
        Err(error) => {
            // A readable message (cargo shows a failed build script's stderr) and exit code 1,
            // never a panic and a backtrace.
            println!("cargo:rerun-if-env-changed=PLAID_ITEM_SPEC");
            println!("cargo:rerun-if-env-changed=PLAID_ITEM_SUPPLEMENT");
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    }
}
