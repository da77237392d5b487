//! Models that stay compatible when Plaid adds a field.
//!
//! Every model struct is `#[non_exhaustive]`: a field added by a later spec is then not a
//! breaking change for code outside the crate, which reads fields by name and builds values
//! with `X::builder()` (struct literals and exhaustive destructuring are what a new field
//! would break, so they are refused from the start). The open enums get the same attribute
//! from `src/open_enum.rs`.

use syn::{parse_quote, Item};

use super::Feature;
use crate::rewrite::module_mut;

/// This feature's entry in [`FEATURES`](super::FEATURES).
pub const FEATURE: Feature = Feature::new("non_exhaustive").rewrite(|_, file| {
    let types = module_mut(&mut file.items, "types")?;
    let mut marked = 0;
    for item in types.iter_mut() {
        if let Item::Struct(s) = item {
            if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                s.attrs.push(parse_quote!(#[non_exhaustive]));
                marked += 1;
            }
        }
    }
    Ok(marked)
});
