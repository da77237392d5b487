//! What every feature's output rewrite shares: finding progenitor's modules.
//!
//! Each rewrite checks the shape it expects and fails the build with a clear message if a
//! newer progenitor changed it, rather than emitting code that silently behaves differently.

use syn::{Item, ItemMod};

use crate::error::CodegenError;

/// The items of `mod name` at the top of `items`.
pub fn module_mut<'a>(
    items: &'a mut [Item],
    name: &str,
) -> Result<&'a mut Vec<Item>, CodegenError> {
    items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == name => Some(items),
            _ => None,
        })
        .ok_or_else(|| {
            CodegenError::GeneratedShape(format!("no `mod {name}` in the generated file"))
        })
}

pub trait MetaText {
    fn to_token_stream_string(&self) -> String;
}

impl MetaText for syn::Meta {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}
