//! How each change affects the two kinds of users of the SDK, on two axes:
//!
//! - **wire**: a client already deployed (built from the old spec) talking to a Plaid that
//!   follows the new one: does it still read every reply and send requests Plaid accepts?
//! - **source**: code that compiled against the crate generated from the old spec, rebuilt
//!   against the one generated from the new spec: does it still compile, and do its calls
//!   still get past the builder (a required field left unset fails in `send()`)?
//!
//! The source axis follows the generator's mapping of a field to a Rust type ([`Wrap`]): a
//! response field made required changes `Option<T>` to `T` (source-breaking, yet every reply
//! still decodes), enums are open and `#[non_exhaustive]` (a new value breaks neither), a
//! nullable field stays `Option<T>` whether required or not. Many changes mean opposite
//! things on the two sides of a call; a schema used on both sides (or on neither, as far as
//! the paths show) gets the worse of the two, per axis.

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

    /// The worse of `judge(side)` over the sides used, per axis.
    fn worst(self, judge: impl Fn(Side) -> Axes) -> Axes {
        let sides = self.or_both();
        let mut out: Option<Axes> = None;
        for (used, side) in [
            (sides.request, Side::Request),
            (sides.response, Side::Response),
        ] {
            if used {
                let a = judge(side);
                out = Some(match out {
                    None => a,
                    Some(o) => Axes {
                        wire: o.wire.min(a.wire),
                        source: o.source.min(a.source),
                    },
                });
            }
        }
        out.unwrap_or(Axes::DOCS)
    }
}

/// One side of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Request,
    Response,
}

/// A change's kind on each axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axes {
    pub wire: Kind,
    pub source: Kind,
}

impl Axes {
    const DOCS: Axes = Axes::new(Kind::Docs, Kind::Docs);

    pub const fn new(wire: Kind, source: Kind) -> Axes {
        Axes { wire, source }
    }
}

/// What decides a field's Rust type and how it decodes: required, nullable, an array.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Presence {
    pub required: bool,
    pub nullable: bool,
    pub array: bool,
}

/// The Rust type the generator gives a field, around the value's own type `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrap {
    /// `T`: required and not nullable.
    Plain,
    /// `Option<T>`: optional, or nullable (a missing nullable reply field reads as `None`).
    Option,
    /// `Vec<T>`: a non-nullable array, required or not (optional ones default to empty).
    Vec,
    /// `crate::Nullable<T>`: an optional, nullable request field (absent / null / value).
    Nullable,
}

impl Presence {
    pub fn wrap(self, side: Side) -> Wrap {
        match (self.nullable, self.required, self.array) {
            (true, false, _) if side == Side::Request => Wrap::Nullable,
            (true, _, _) => Wrap::Option,
            (false, _, true) => Wrap::Vec,
            (false, true, false) => Wrap::Plain,
            (false, false, false) => Wrap::Option,
        }
    }

    /// Whether the generated type decodes a reply that leaves the field out.
    fn reads_absent(self) -> bool {
        match self.wrap(Side::Response) {
            Wrap::Option | Wrap::Nullable => true,
            Wrap::Vec => !self.required,
            Wrap::Plain => false,
        }
    }

    /// Whether the generated type decodes `null`.
    fn reads_null(self) -> bool {
        self.wrap(Side::Response) == Wrap::Option
    }
}

/// A field's requiredness or nullability changed from `old` to `new`.
pub fn presence_changed(sides: Sides, old: Presence, new: Presence) -> Axes {
    use Kind::{Additive as A, Breaking as B, Compatible as C};
    sides.worst(|side| {
        let retyped = old.wrap(side) != new.wrap(side);
        match side {
            Side::Request => {
                let newly_required = new.required && !old.required;
                let null_refused = old.nullable && !new.nullable;
                let wire = if newly_required || null_refused { B } else { A };
                let source = if newly_required || retyped { B } else { C };
                Axes::new(wire, source)
            }
            Side::Response => {
                let unreadable =
                    (!new.required && !old.reads_absent()) || (new.nullable && !old.reads_null());
                Axes::new(if unreadable { B } else { C }, if retyped { B } else { C })
            }
        }
    })
}

/// A field that was `old` is gone.
pub fn field_removed(sides: Sides, old: Presence) -> Axes {
    use Kind::{Breaking as B, Compatible as C};
    sides.worst(|side| match side {
        // Plaid refuses fields it does not know; the setter and the field are gone.
        Side::Request => Axes::new(B, B),
        // A deployed client only fails if it cannot decode the reply without it.
        Side::Response => Axes::new(if old.reads_absent() { C } else { B }, B),
    })
}

/// A validation keyword changed. String limits only reach the docs (the generator moves
/// them there); a lower bound chooses the integer type (`minimum: 0` is `u64`, `minimum: 1`
/// is `NonZeroU64`), so it is judged as a possible retype.
pub fn constraint_changed(sides: Sides, key: &str, tightened: bool) -> Axes {
    use Kind::{Additive as A, Breaking as B, Compatible as C, Docs as D};
    let integer_bound = matches!(key, "minimum" | "exclusiveMinimum");
    let source = match key {
        "maxLength" | "minLength" | "pattern" => D,
        _ if integer_bound => B,
        _ => C,
    };
    sides.worst(|side| {
        let wire = match (side, tightened) {
            (Side::Request, true) => B,
            (Side::Request, false) => A,
            (Side::Response, true) => C,
            // A reply may now hold a value the old integer type cannot.
            (Side::Response, false) if integer_bound => B,
            (Side::Response, false) => C,
        };
        Axes::new(wire, source)
    })
}

/// The kinds of `code` for a schema used on `sides`, for changes that need no more facts.
pub fn classify(code: Code, sides: Sides) -> Axes {
    use Kind::{Additive as A, Breaking as B, Compatible as C, Docs as D};
    let both = |a: Axes| (a, a);
    let (request, response) = match code {
        Code::OperationAdded => both(Axes::new(A, A)),
        Code::OperationRemoved | Code::SecurityChanged => both(Axes::new(B, B)),
        // Same URL, new method name.
        Code::OperationRenamed => both(Axes::new(C, B)),
        // Same method name, new URL: a deployed client calls the old one.
        Code::OperationMoved => both(Axes::new(B, C)),
        // `Environment` is hand-written (src/environment.rs): regenerating changes nothing.
        Code::ServerAdded => both(Axes::new(A, C)),
        Code::ServerRemoved => both(Axes::new(B, C)),
        Code::SchemaAdded => both(Axes::new(C, A)),
        // Its uses are judged where they change; the Rust type itself is gone.
        Code::SchemaRemoved => both(Axes::new(C, B)),
        Code::ParameterAdded | Code::ParameterMadeOptional => both(Axes::new(A, A)),
        Code::ParameterAddedRequired | Code::ParameterRemoved | Code::ParameterMadeRequired => {
            both(Axes::new(B, B))
        }
        Code::RequestBodyAdded | Code::RequestBodyMadeOptional => both(Axes::new(A, A)),
        Code::RequestBodyRemoved | Code::RequestBodyMadeRequired => both(Axes::new(B, B)),
        Code::ResponseAdded | Code::ErrorResponseAdded | Code::ErrorResponseRemoved => {
            both(Axes::new(A, A))
        }
        Code::ResponseRemoved => both(Axes::new(B, B)),
        Code::FieldAdded => both(Axes::new(A, A)),
        // A call that leaves it unset fails in `send()`; Plaid refuses the old request.
        Code::FieldAddedRequired => (Axes::new(B, B), Axes::new(A, A)),
        Code::FieldRemoved => both(Axes::new(B, B)),
        Code::FieldRetyped => both(Axes::new(B, B)),
        // The same JSON under another Rust type name.
        Code::FieldSchemaChanged => both(Axes::new(C, B)),
        Code::FieldMadeRequired => (Axes::new(B, B), Axes::new(C, B)),
        Code::FieldMadeOptional => (Axes::new(A, B), Axes::new(B, B)),
        Code::MadeNullable => (Axes::new(A, B), Axes::new(B, B)),
        Code::MadeNonNullable => (Axes::new(B, B), Axes::new(C, B)),
        // Open enums decode values they do not know; `#[non_exhaustive]` keeps matches
        // compiling.
        Code::EnumValueAdded => both(Axes::new(A, A)),
        // A deployed client never receives it again; one that sends it is refused.
        Code::EnumValueRemoved => (Axes::new(B, B), Axes::new(C, B)),
        Code::ConstraintTightened => (Axes::new(B, C), Axes::new(C, C)),
        Code::ConstraintLoosened => (Axes::new(A, C), Axes::new(C, C)),
        // A new `extra` field on a `#[non_exhaustive]` struct.
        Code::AdditionalPropertiesOpened => (Axes::new(A, A), Axes::new(C, A)),
        Code::AdditionalPropertiesClosed => (Axes::new(B, B), Axes::new(C, B)),
        // The generator documents defaults instead of sending them.
        Code::DefaultChanged => both(Axes::new(A, D)),
        Code::DescriptionChanged
        | Code::SummaryChanged
        | Code::ExampleChanged
        | Code::AnnotationChanged => both(Axes::DOCS),
    };
    sides.worst(|side| match side {
        Side::Request => request,
        Side::Response => response,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Kind::{Additive as A, Breaking as B, Compatible as C, Docs as D};

    const OPTIONAL: Presence = Presence {
        required: false,
        nullable: false,
        array: false,
    };
    const REQUIRED: Presence = Presence {
        required: true,
        nullable: false,
        array: false,
    };

    fn nullable(p: Presence) -> Presence {
        Presence {
            nullable: true,
            ..p
        }
    }

    fn array(p: Presence) -> Presence {
        Presence { array: true, ..p }
    }

    #[test]
    fn made_required_follows_the_rust_type() {
        let r = Sides::RESPONSE;
        // Option<T> -> T: every reply decodes, `if let Some(x) = resp.x` no longer compiles.
        assert_eq!(presence_changed(r, OPTIONAL, REQUIRED), Axes::new(C, B));
        // A nullable field stays Option<T>, an array stays Vec<T>.
        let (on, rn) = (nullable(OPTIONAL), nullable(REQUIRED));
        assert_eq!(presence_changed(r, on, rn), Axes::new(C, C));
        assert_eq!(
            presence_changed(r, array(OPTIONAL), array(REQUIRED)),
            Axes::new(C, C)
        );
        // In a request: Plaid refuses the old call, the builder refuses it unset.
        assert_eq!(
            presence_changed(Sides::REQUEST, OPTIONAL, REQUIRED),
            Axes::new(B, B)
        );
    }

    #[test]
    fn made_optional_or_nullable_in_a_reply_breaks_only_what_cannot_decode_it() {
        let r = Sides::RESPONSE;
        assert_eq!(presence_changed(r, REQUIRED, OPTIONAL), Axes::new(B, B));
        // Required + nullable already reads a missing field as None.
        let rn = nullable(REQUIRED);
        assert_eq!(presence_changed(r, rn, nullable(OPTIONAL)), Axes::new(C, C));
        // A required array cannot be absent; an optional one defaults to empty.
        assert_eq!(
            presence_changed(r, array(REQUIRED), array(OPTIONAL)),
            Axes::new(B, C)
        );
        // Optional Option<T> reads null as None; T does not.
        assert_eq!(
            presence_changed(r, OPTIONAL, nullable(OPTIONAL)),
            Axes::new(C, C)
        );
        assert_eq!(
            presence_changed(r, REQUIRED, nullable(REQUIRED)),
            Axes::new(B, B)
        );
        // In a request an optional nullable field becomes Nullable<T>.
        assert_eq!(
            presence_changed(Sides::REQUEST, OPTIONAL, nullable(OPTIONAL)),
            Axes::new(A, B)
        );
    }

    #[test]
    fn a_removed_reply_field_breaks_the_wire_only_if_it_was_required() {
        assert_eq!(field_removed(Sides::RESPONSE, REQUIRED), Axes::new(B, B));
        assert_eq!(field_removed(Sides::RESPONSE, OPTIONAL), Axes::new(C, B));
        assert_eq!(
            field_removed(Sides::RESPONSE, nullable(REQUIRED)),
            Axes::new(C, B)
        );
        assert_eq!(field_removed(Sides::REQUEST, OPTIONAL), Axes::new(B, B));
    }

    #[test]
    fn table_cases_and_both_sides_take_the_worse_per_axis() {
        assert_eq!(
            classify(Code::EnumValueAdded, Sides::RESPONSE),
            Axes::new(A, A)
        );
        assert_eq!(
            classify(Code::EnumValueRemoved, Sides::RESPONSE),
            Axes::new(C, B)
        );
        assert_eq!(
            classify(Code::EnumValueRemoved, Sides::BOTH),
            Axes::new(B, B)
        );
        assert_eq!(
            classify(Code::FieldSchemaChanged, Sides::BOTH),
            Axes::new(C, B)
        );
        assert_eq!(classify(Code::OperationMoved, Sides::BOTH), Axes::new(B, C));
        assert_eq!(
            classify(Code::FieldAddedRequired, Sides::REQUEST),
            Axes::new(B, B)
        );
        assert_eq!(
            classify(Code::FieldAddedRequired, Sides::RESPONSE),
            Axes::new(A, A)
        );
        assert_eq!(
            classify(Code::FieldMadeOptional, Sides::default()),
            Axes::new(B, B)
        );
        assert_eq!(classify(Code::ExampleChanged, Sides::BOTH), Axes::new(D, D));
        assert_eq!(
            constraint_changed(Sides::REQUEST, "maxLength", true),
            Axes::new(B, D)
        );
        assert_eq!(
            constraint_changed(Sides::RESPONSE, "minimum", false),
            Axes::new(B, B)
        );
        assert_eq!(
            constraint_changed(Sides::REQUEST, "maximum", false),
            Axes::new(A, C)
        );
    }
}
