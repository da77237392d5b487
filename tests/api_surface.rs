//! The generated public API (operations with their request and response types, every type
//! with its fields, every enum with its known values) is listed from the client generated
//! from `spec/plaid-item.yml` + the bundled supplement and compared with the committed
//! `tests/snapshots/api-surface.txt`. Any difference fails, showing the listing's diff and
//! `plaid-spec diff` between the spec the snapshot was accepted with
//! (`tests/snapshots/accepted-spec.yml`, merged and self-contained) and the current one, so a
//! spec drop-in always shows up in review as a readable diff of the API.
//!
//! The listing ends with the hand-written error types (`src/error.rs`,
//! `src/webhooks/error.rs`), read with syn: a `#[non_exhaustive]` struct or variant can gain
//! a field without breaking a user who matches on it, and the listing shows which are.
//!
//! Accept a change (rewrites both files): `UPDATE_SNAPSHOTS=1 cargo test --test api_surface`

use std::path::{Path, PathBuf};

use plaid_item_codegen::{generate_client, load_merged, Supplement};
use plaid_spec::diff::{diff_files, lines::unified, text::render};
use plaid_spec::surface::surface;

const ACCEPT: &str = "UPDATE_SNAPSHOTS=1 cargo test --test api_surface";

fn path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn updating() -> bool {
    std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn api_surface_matches_the_snapshot() {
    let spec = path("spec/plaid-item.yml");
    let supplement = Supplement::bundled().unwrap_or_else(|e| panic!("{e}"));
    let (snapshot, accepted) = (
        path("tests/snapshots/api-surface.txt"),
        path("tests/snapshots/accepted-spec.yml"),
    );
    let (generated, _) = generate_client(&spec, &supplement).unwrap_or_else(|e| panic!("{e}"));
    let listing = surface(&generated.source)
        .unwrap_or_else(|e| panic!("{e}"))
        .render()
        + &error_types();

    if updating() {
        let merged = load_merged(&spec, &supplement)
            .expect("it generated")
            .document;
        let yaml = serde_yaml::to_string(&merged).expect("plain data");
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &listing).unwrap();
        std::fs::write(
            &accepted,
            format!(
                "# spec/plaid-item.yml merged with the bundled supplement, as accepted with \
                 api-surface.txt.\n# Written by `{ACCEPT}`; do not edit.\n{yaml}"
            ),
        )
        .unwrap();
        return;
    }

    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if expected == listing {
        return;
    }
    let spec_diff = if accepted.is_file() {
        match diff_files(&accepted, &spec, &supplement) {
            Ok(report) => render(&report, false),
            Err(e) => format!("(cannot compare the specs: {e})\n"),
        }
    } else {
        format!("({} is missing)\n", accepted.display())
    };
    panic!(
        "\nThe generated public API differs from {snapshot}.\n\n\
         --- API surface: accepted -> now\n{listing_diff}\n\
         --- plaid-spec diff: accepted spec -> spec/plaid-item.yml\n{spec_diff}\n\
         If the change is intended, accept it (rewrites both snapshot files):\n\n    {ACCEPT}\n",
        snapshot = snapshot.display(),
        listing_diff = unified(&expected, &listing, 3),
    );
}

/// The public structs and enums of `src/error.rs` and `src/webhooks/error.rs`: each with `[non_exhaustive]` when it is,
/// its fields or variants, and the variants' own marks.
fn error_types() -> String {
    use quote::ToTokens;
    use std::fmt::Write;

    let open = |attrs: &[syn::Attribute]| {
        if attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
            "  [non_exhaustive]"
        } else {
            ""
        }
    };
    let ty = |ty: &syn::Type| {
        ty.to_token_stream()
            .to_string()
            .replace(" < ", "<")
            .replace(" >", ">")
            .replace(" :: ", "::")
            .replace("< ", "<")
            .replace("& ", "&")
    };
    // A struct's private fields are not its API; a variant's fields are all public.
    let fields = |fields: &syn::Fields, indent: &str, out: &mut String| {
        for field in fields.iter() {
            let public = matches!(field.vis, syn::Visibility::Public(_));
            if !public && indent == "  " {
                continue;
            }
            match &field.ident {
                Some(name) => writeln!(out, "{indent}{name}: {}", ty(&field.ty)),
                None => writeln!(out, "{indent}({})", ty(&field.ty)),
            }
            .unwrap();
        }
    };
    let mut out = String::new();
    for source in ["src/error.rs", "src/webhooks/error.rs"] {
        let text = std::fs::read_to_string(path(source)).expect("readable");
        let file = syn::parse_file(&text).expect("parses");
        writeln!(out, "\n## Hand-written error types ({source})").unwrap();
        for item in &file.items {
            match item {
                syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                    writeln!(out, "\nstruct {}{}", s.ident, open(&s.attrs)).unwrap();
                    fields(&s.fields, "  ", &mut out);
                }
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    writeln!(out, "\nenum {}{}", e.ident, open(&e.attrs)).unwrap();
                    for variant in &e.variants {
                        writeln!(out, "  {}{}", variant.ident, open(&variant.attrs)).unwrap();
                        fields(&variant.fields, "    ", &mut out);
                    }
                }
                _ => {}
            }
        }
    }
    out
}
