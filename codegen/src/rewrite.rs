//! What every feature's output rewrite shares: finding progenitor's modules, reading serde
//! attributes as syn structures, and counting the sites changed.
//!
//! A rewrite is strict: it derives from the spec how many sites it must change (one `send()`
//! per operation, one setter per tri-state field, ...) and returns a [`Mismatch`] naming the
//! expected and the found shape when progenitor's output differs, so a newer progenitor fails
//! the build instead of emitting code that silently behaves differently. The runner in
//! `generate.rs` adds the feature's name.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, ItemMod, Meta, Token};

/// What a rewrite expected of progenitor's output, and what it found instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What the rewrite expected.
    pub expected: String,
    /// What it found.
    pub found: String,
}

impl Mismatch {
    /// A mismatch, from anything that reads as text.
    pub fn new(expected: impl Into<String>, found: impl Into<String>) -> Self {
        Self {
            expected: expected.into(),
            found: found.into(),
        }
    }
}

/// `found` when it is `expected`, else a mismatch counting `what`.
pub fn expect_sites(what: &str, expected: usize, found: usize) -> Result<usize, Mismatch> {
    if expected == found {
        Ok(found)
    } else {
        Err(Mismatch::new(
            format!("{expected} {what}"),
            format!("{found} of them"),
        ))
    }
}

/// The items of `mod name` among `items`.
pub fn module_mut<'a>(items: &'a mut [Item], name: &str) -> Result<&'a mut Vec<Item>, Mismatch> {
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
        .ok_or_else(|| Mismatch::new(format!("a `mod {name}`"), "no such module"))
}

/// The arguments of a `#[serde(...)]` attribute (`None` for any other attribute, or one whose
/// arguments are not a list of metas).
pub fn serde_args(attr: &Attribute) -> Option<Punctuated<Meta, Token![,]>> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        .ok()
}

/// Whether `meta` is `key = "value"` for a string literal `value` that ends with `suffix`.
pub fn is_name_value(meta: &Meta, key: &str, suffix: &str) -> bool {
    let Meta::NameValue(pair) = meta else {
        return false;
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(value),
        ..
    }) = &pair.value
    else {
        return false;
    };
    pair.path.is_ident(key) && value.value().ends_with(suffix)
}

/// Whether `attr` is a `#[serde(..)]` holding the bare flag `flag` (e.g. `flatten`).
pub fn has_serde_flag(attr: &Attribute, flag: &str) -> bool {
    serde_args(attr).is_some_and(|args| {
        args.iter()
            .any(|m| matches!(m, Meta::Path(p) if p.is_ident(flag)))
    })
}

/// The text of `attrs`' `#[doc = "..."]` attributes (what `///` comments become), a line each.
pub fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// The last segment of a type's path (`Client` for `super::Client`), if it is a path.
pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn serde_arguments_are_read_as_structures() {
        let attr: Attribute = parse_quote!(#[serde(default, deserialize_with = "::std::option::Option::deserialize")]);
        let args = serde_args(&attr).unwrap();
        assert!(args
            .iter()
            .any(|m| is_name_value(m, "deserialize_with", "Option::deserialize")));
        assert!(!args
            .iter()
            .any(|m| is_name_value(m, "serialize_with", "Option::deserialize")));
        assert!(has_serde_flag(&attr, "default"));
        assert!(!has_serde_flag(&attr, "flatten"));
        let doc: Attribute = parse_quote!(#[doc = "serde(flatten)"]);
        assert!(!has_serde_flag(&doc, "flatten"), "text is not structure");
    }

    #[test]
    fn counts_that_differ_name_both() {
        assert_eq!(expect_sites("send() methods", 3, 3), Ok(3));
        let err = expect_sites("send() methods", 3, 2).unwrap_err();
        assert_eq!(err.expected, "3 send() methods");
        assert_eq!(err.found, "2 of them");
    }
}
