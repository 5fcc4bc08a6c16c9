//! The machinery of the schema's open enums, written once: `open_enum!` declares one (from
//! generated.rs) with its known values and an `Unrecognized(String)` variant for a value this
//! schema does not know, and implements `SchemaEnum`, `as_str()`, `Display`, `FromStr`,
//! `From<&str>`, `From<String>`, equality and hashing on the wire value, and serde as a JSON
//! string. The serde visitor is generic (`OpenEnumVisitor`), so each enum adds only its
//! `match` arms.

use std::fmt;
use std::marker::PhantomData;

use super::SchemaEnum;

/// Declares an open enum:
///
/// ```text
/// open_enum! {
///     /// docs
///     RustName("SchemaName", "2.0") {
///         /// docs
///         Variant = "WireValue", "2.1";
///     }
/// }
/// ```
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident($schema:literal, $since:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal, $vsince:literal;)*
        }
    ) => {
        $(#[$meta])*
        ///
        /// An open enum: a value this schema does not know reads as `Unrecognized`, keeping its
        /// text, and writes back unchanged. Equality and hashing compare the wire value.
        #[derive(Debug, Clone)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this schema does not know, exactly as received (values are
            /// case-sensitive).
            Unrecognized(::std::string::String),
        }

        impl $name {
            /// The wire value: the schema's for a known value, the text as received otherwise.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unrecognized(value) => value,
                }
            }

            /// The known value spelt `value` (exact, case-sensitive), if the schema has one.
            pub fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            /// The schema version that introduced the value; `None` if the schema does not know it.
            pub fn since(&self) -> ::std::option::Option<&'static str> {
                match self {
                    $(Self::$variant => ::std::option::Option::Some($vsince),)*
                    Self::Unrecognized(value) => Self::known(value).and_then(|known| known.since()),
                }
            }

            /// Whether the schema knows the value.
            pub fn is_known(&self) -> bool {
                self.since().is_some()
            }
        }

        impl $crate::schema::SchemaEnum for $name {
            const NAME: &'static str = $schema;
            const SINCE: &'static str = $since;
            const VALUES: &'static [&'static str] = &[$($wire),*];

            fn as_str(&self) -> &str {
                $name::as_str(self)
            }
            fn known(value: &str) -> ::std::option::Option<Self> {
                $name::known(value)
            }
            fn since(&self) -> ::std::option::Option<&'static str> {
                $name::since(self)
            }
            fn unrecognized(value: ::std::string::String) -> Self {
                Self::Unrecognized(value)
            }
        }

        impl ::std::cmp::PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }
        impl ::std::cmp::Eq for $name {}
        impl ::std::hash::Hash for $name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(<Self as $crate::schema::SchemaEnum>::from_wire(value))
            }
        }
        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                <Self as $crate::schema::SchemaEnum>::from_wire(value)
            }
        }
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                <Self as $crate::schema::SchemaEnum>::from_wire_string(value)
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let visitor = $crate::schema::open_enum::OpenEnumVisitor::<Self>(::std::marker::PhantomData);
                deserializer.deserialize_str(visitor)
            }
        }
    };
}

/// Reads any open enum from a JSON string.
pub(crate) struct OpenEnumVisitor<E>(pub(crate) PhantomData<E>);

impl<'de, E: SchemaEnum> serde::de::Visitor<'de> for OpenEnumVisitor<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} value (a string)", E::NAME)
    }

    fn visit_str<Error: serde::de::Error>(self, value: &str) -> Result<E, Error> {
        Ok(E::from_wire(value))
    }

    fn visit_string<Error: serde::de::Error>(self, value: String) -> Result<E, Error> {
        Ok(E::from_wire_string(value))
    }
}
