//! The machinery of the schema's structs, written once: `schema_struct!` (invoked by
//! generated.rs after each struct, with its fields' wire names) implements `SchemaType`, and
//! serde as a JSON object:
//!   - written: the fields that are set (`Some`), in schema order, under their wire names; then
//!     `unknown_fields` (serde_json's map: sorted by name). `None` is not written, never `null`;
//!   - read: a known wire name into its field (`null` reads as `None`), any other into
//!     `unknown_fields`; a name given twice keeps the last value, as the C++ reader does.
//!
//! Not `#[derive(Serialize, Deserialize)]`: the derive, with `#[serde(flatten)]` for the
//! unknown fields, made the crate take twice as long to compile (18 s against 8.6 s with
//! Debian's rustc 1.63), buffered every unknown value twice, and refuses a repeated name. The
//! visitor is generic (`StructVisitor`), so each struct adds only its field list.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

use super::SchemaType;

/// Implements `SchemaType`, `Serialize`, `Deserialize` and `ReadField` for a generated struct:
///
/// ```text
/// schema_struct!(RustName("SchemaName", "2.0") { field: "WireName", ... });
/// ```
macro_rules! schema_struct {
    ($name:ident($schema:literal, $since:literal) { $($field:ident: $wire:literal),* }) => {
        impl $crate::schema::SchemaType for $name {
            const NAME: &'static str = $schema;
            const SINCE: &'static str = $since;
            fn unknown_fields(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &self.unknown_fields
            }
            fn unknown_fields_mut(&mut self) -> &mut ::serde_json::Map<::std::string::String, ::serde_json::Value> {
                &mut self.unknown_fields
            }
        }

        impl $crate::schema::schema_struct::ReadField for $name {
            #[allow(unused_variables)] // a struct without fields
            fn read_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::std::result::Result<bool, A::Error> {
                $(if key == $wire {
                    self.$field = map.next_value()?;
                    return ::std::result::Result::Ok(true);
                })*
                ::std::result::Result::Ok(false)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)] // a struct without fields
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $(if let ::std::option::Option::Some(value) = &self.$field {
                    ::serde::ser::SerializeMap::serialize_entry(&mut map, $wire, value)?;
                })*
                $crate::schema::schema_struct::end_map::<S>(map, &self.unknown_fields)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let visitor = $crate::schema::schema_struct::StructVisitor::<Self>(::std::marker::PhantomData);
                deserializer.deserialize_map(visitor)
            }
        }
    };
}

/// Reads one member of a schema struct.
pub(crate) trait ReadField {
    /// Reads the value of the member `key` into its field; `false` (nothing read) if the schema
    /// does not know the name.
    fn read_field<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// Writes the unknown fields and ends the object.
pub(crate) fn end_map<S: serde::Serializer>(
    mut map: S::SerializeMap,
    unknown_fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<S::Ok, S::Error> {
    for (key, value) in unknown_fields {
        serde::ser::SerializeMap::serialize_entry(&mut map, key, value)?;
    }
    serde::ser::SerializeMap::end(map)
}

/// Reads any schema struct from a JSON object.
pub(crate) struct StructVisitor<T>(pub(crate) PhantomData<T>);

impl<'de, T: SchemaType + ReadField> Visitor<'de> for StructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(WireKey(key)) = map.next_key::<WireKey<'de>>()? {
            if !value.read_field(&key, &mut map)? {
                let unknown: serde_json::Value = map.next_value()?;
                value.unknown_fields_mut().insert(key.into_owned(), unknown);
            }
        }
        Ok(value)
    }
}

/// A member name, borrowed from the input when the deserializer can.
struct WireKey<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for WireKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(WireKeyVisitor)
    }
}

struct WireKeyVisitor;

impl<'de> Visitor<'de> for WireKeyVisitor {
    type Value = WireKey<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<WireKey<'de>, E> {
        Ok(WireKey(Cow::Borrowed(value)))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<WireKey<'de>, E> {
        Ok(WireKey(Cow::Owned(value.to_string())))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<WireKey<'de>, E> {
        Ok(WireKey(Cow::Owned(value)))
    }
}
