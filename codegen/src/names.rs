//! Rust names as typify derives them, so our replacements and post-processing line up. The
//! one PascalCase rule of the pipeline is [`pascal_case`] (heck's, as typify uses).

use heck::ToPascalCase;

/// `update_type` -> `UpdateType`, `itemGet` -> `ItemGet`, `PRODUCT_READY` -> `ProductReady`.
pub fn pascal_case(s: &str) -> String {
    s.to_pascal_case()
}

/// typify's type name for a schema key: `APIClientID` -> `ApiClientId`.
pub fn type_name(schema_name: &str) -> String {
    let cleaned: String = schema_name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = pascal_case(&cleaned);
    match name.chars().next() {
        Some(c) if c.is_alphabetic() => name,
        _ => format!("X{name}"),
    }
}

/// A variant name for an enum value: `user_present_required` -> `UserPresentRequired`.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let mut name = pascal_case(value);
        if name.is_empty() {
            name = "Empty".into();
        }
        if !name.starts_with(|c: char| c.is_alphabetic()) {
            name = format!("V{name}");
        }
        if name == "Unrecognized" {
            name = "UnrecognizedValue".into();
        }
        let base = name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_handles_plaid_spellings() {
        assert_eq!(pascal_case("update_type"), "UpdateType");
        assert_eq!(pascal_case("itemGet"), "ItemGet");
        assert_eq!(pascal_case("PRODUCT_READY"), "ProductReady");
        assert_eq!(pascal_case("user_present_required"), "UserPresentRequired");
        assert_eq!(pascal_case("identity_match"), "IdentityMatch");
        assert_eq!(pascal_case("1099"), "1099");
    }

    #[test]
    fn type_names_match_typify() {
        assert_eq!(type_name("APIClientID"), "ApiClientId");
        assert_eq!(type_name("RequestID"), "RequestId");
        assert_eq!(type_name("ItemUpdateType"), "ItemUpdateType");
        assert_eq!(type_name("PlaidErrorType"), "PlaidErrorType");
    }

    #[test]
    fn variant_names_are_unique_identifiers() {
        let values: Vec<String> = [
            "INVALID_REQUEST",
            "invalid_request",
            "1099",
            "",
            "user_present_required",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            variant_names(&values),
            vec![
                "InvalidRequest",
                "InvalidRequest2",
                "V1099",
                "Empty",
                "UserPresentRequired"
            ]
        );
    }
}
