//! Which changes break code that uses the SDK.
//!
//! Many changes mean opposite things on the two sides of a call: a field made required breaks
//! every request that omits it, but only strengthens a promise in a response. A schema used on
//! both sides (or on neither, as far as the paths show) gets the worse of the two.

use super::model::{Code, Kind};

/// The sides of a call a schema is used on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sides {
    pub request: bool,
    pub response: bool,
}

impl Sides {
    pub const REQUEST: Sides = Sides {
        request: true,
        response: false,
    };
    pub const RESPONSE: Sides = Sides {
        request: false,
        response: true,
    };
    pub const BOTH: Sides = Sides {
        request: true,
        response: true,
    };

    /// An unused schema still becomes a public Rust type: judge it as if used both ways.
    fn or_both(self) -> Sides {
        if self.request || self.response {
            self
        } else {
            Sides::BOTH
        }
    }
}

/// The kind of `code` for a schema used on `sides`.
pub fn classify(code: Code, sides: Sides) -> Kind {
    use Kind::{Additive as A, Breaking as B, Docs as D};
    let (request, response) = match code {
        Code::OperationAdded | Code::ServerAdded | Code::SchemaAdded => (A, A),
        Code::OperationRemoved
        | Code::OperationRenamed
        | Code::ServerRemoved
        | Code::SecurityChanged
        | Code::SchemaRemoved => (B, B),
        Code::ParameterAdded | Code::ParameterMadeOptional => (A, A),
        Code::ParameterAddedRequired | Code::ParameterRemoved | Code::ParameterMadeRequired => {
            (B, B)
        }
        Code::RequestBodyAdded | Code::RequestBodyMadeOptional => (A, A),
        Code::RequestBodyRemoved | Code::RequestBodyMadeRequired => (B, B),
        Code::ResponseAdded | Code::ErrorResponseAdded | Code::ErrorResponseRemoved => (A, A),
        Code::ResponseRemoved => (B, B),
        Code::FieldAdded => (A, A),
        Code::FieldAddedRequired => (B, A),
        Code::FieldRemoved | Code::FieldRetyped | Code::FieldSchemaChanged => (B, B),
        Code::FieldMadeRequired => (B, A),
        Code::FieldMadeOptional => (A, B),
        Code::MadeNullable => (A, B),
        Code::MadeNonNullable => (B, A),
        Code::EnumValueAdded => (A, A),
        Code::EnumValueRemoved => (B, B),
        Code::ConstraintTightened => (B, B),
        Code::ConstraintLoosened => (A, A),
        Code::AdditionalPropertiesOpened => (A, A),
        Code::AdditionalPropertiesClosed => (B, B),
        Code::DefaultChanged => (A, A),
        Code::DescriptionChanged
        | Code::SummaryChanged
        | Code::ExampleChanged
        | Code::AnnotationChanged => (D, D),
    };
    let sides = sides.or_both();
    let mut kinds = Vec::new();
    if sides.request {
        kinds.push(request);
    }
    if sides.response {
        kinds.push(response);
    }
    kinds.into_iter().min().unwrap_or(D)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_decides_requiredness_and_nullability() {
        assert_eq!(
            classify(Code::FieldMadeRequired, Sides::REQUEST),
            Kind::Breaking
        );
        assert_eq!(
            classify(Code::FieldMadeRequired, Sides::RESPONSE),
            Kind::Additive
        );
        assert_eq!(
            classify(Code::FieldMadeOptional, Sides::RESPONSE),
            Kind::Breaking
        );
        assert_eq!(classify(Code::MadeNullable, Sides::REQUEST), Kind::Additive);
        assert_eq!(
            classify(Code::MadeNullable, Sides::RESPONSE),
            Kind::Breaking
        );
        assert_eq!(
            classify(Code::FieldAddedRequired, Sides::RESPONSE),
            Kind::Additive
        );
    }

    #[test]
    fn both_sides_or_none_take_the_worse() {
        assert_eq!(
            classify(Code::FieldMadeRequired, Sides::BOTH),
            Kind::Breaking
        );
        assert_eq!(
            classify(Code::FieldMadeOptional, Sides::default()),
            Kind::Breaking
        );
        assert_eq!(classify(Code::ExampleChanged, Sides::BOTH), Kind::Docs);
    }
}
