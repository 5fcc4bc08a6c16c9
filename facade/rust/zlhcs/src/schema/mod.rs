//! The HCS JSON schema v2 (schema reference 2.0 - 2.6) as Rust types, with serde.
//!
//! One struct per schema struct, one open enum per schema enum, generated from the schema data
//! of the C++ binding (`scripts/generate_schema.py`, from `src/schema/data/`), so that both
//! bindings read and write the same documents.
//!
//! # Names
//!
//! JSON keeps the schema's wire names exactly (`"SchemaVersion"`, `"Uptime100ns"`). In Rust,
//! types are the schema's names in CamelCase without underscores (`Container_Processor` is
//! [`ContainerProcessor`]), fields are snake_case (`SchemaVersion` is `schema_version`,
//! `Uptime100ns` is `uptime100ns`, `GuestOS` would be `guest_os`, a Rust keyword gets a trailing
//! underscore: `type_`), enum variants are the wire values with a capital first letter, parts
//! joined (`"hard"` is `Hard`, `"Xsave_Opt"` is `XsaveOpt`, `"Sse4_1"` stays `Sse4_1`). Each
//! item's documentation gives its wire name, schema type and the version that introduced it.
//!
//! # Building a document
//!
//! Every field is an `Option` (the schema requires none; zlhcs's own few rules are checked by
//! the validator, and their fields say "required by zlhcs"); fields left `None` are not
//! written, never as `null`. Build a document with struct literals and `..Default::default()`:
//!
//! ```
//! use zlhcs::schema::{self, ComputeSystem, Container, ContainerProcessor, Version};
//!
//! let document = ComputeSystem {
//!     owner: Some("example".to_string()),
//!     schema_version: Some(Version { major: Some(2), minor: Some(1), ..Default::default() }),
//!     container: Some(Container {
//!         processor: Some(ContainerProcessor { count: Some(2), ..Default::default() }),
//!         ..Default::default()
//!     }),
//!     ..Default::default()
//! };
//! assert_eq!(
//!     schema::to_json(&document).unwrap(),
//!     r#"{"Owner":"example","SchemaVersion":{"Major":2,"Minor":1},"Container":{"Processor":{"Count":2}}}"#
//! );
//! ```
//!
//! Fields are written in schema order. Reading, `null` is `None`, and a name given twice keeps
//! its last value, as zlhcs's C++ reader does. A field of schema type `Any` (such as
//! `ComputeSystem::hosted_system`) is a [`serde_json::Value`]; read one as a typed document with
//! `serde_json::from_value` or `T::deserialize(&value)`.
//!
//! # What this schema does not know is kept
//!
//! HCS is newer than any schema: a document may carry fields and enum values this schema does
//! not know. Reading one never fails for that, and writing it back loses nothing:
//!   - every struct keeps the fields it does not know in `unknown_fields` (written after the
//!     known ones, sorted by name);
//!   - every enum has a variant `Unrecognized(String)` for a value it does not know (not
//!     `Unknown`: several schema enums, such as [`State`], have a value `"Unknown"` of their own).
//!
//! Equality of enum values compares the wire value, so `State::Unrecognized("Running".into())`
//! equals `State::Running`; [`SchemaEnum::from_wire`], `From<&str>` and `str::parse` always give
//! the known variant.
//!
//! A value of the wrong JSON type (`"Count":"two"`) is an error of [`from_json`], naming the
//! expected type and the position; the DLL's validator reports every problem of a document with
//! its path instead.
//!
//! # SchemaType and SchemaEnum
//!
//! Every struct implements [`SchemaType`] (its schema name and version, its unknown fields): it
//! lets generic code name the type to the DLL, e.g. to validate a document against it. Every
//! enum implements [`SchemaEnum`] (its schema name, version and known values).

use std::fmt;
use std::hash::Hash;

use serde::de::DeserializeOwned;
use serde::Serialize;

#[macro_use]
mod open_enum;

#[macro_use]
mod schema_struct;

// Generated: a struct's wire names on one line, which rustfmt would spread over many.
#[rustfmt::skip]
mod generated;

pub use generated::*;

/// A schema struct.
pub trait SchemaType: Serialize + DeserializeOwned + Default + Clone + PartialEq + fmt::Debug + 'static {
    /// The schema's name of the type (`"Container_Processor"` for [`ContainerProcessor`]): the
    /// name the DLL's validator knows it by.
    const NAME: &'static str;
    /// The schema version that introduced the type ("2.1"): that of its oldest field (the
    /// schema data dates fields, not types).
    const SINCE: &'static str;
    /// The fields of this value the schema does not know, as read (or set).
    fn unknown_fields(&self) -> &serde_json::Map<String, serde_json::Value>;
    /// The fields of this value the schema does not know, to change. A key that is a known
    /// field's wire name would be written twice: set the field instead.
    fn unknown_fields_mut(&mut self) -> &mut serde_json::Map<String, serde_json::Value>;
}

/// A schema enum: its known values, and `Unrecognized(String)` for any other.
pub trait SchemaEnum: Serialize + DeserializeOwned + Clone + Eq + Hash + fmt::Debug + fmt::Display + 'static {
    /// The schema's name of the enum.
    const NAME: &'static str;
    /// The schema version that introduced the enum (that of its oldest value).
    const SINCE: &'static str;
    /// Every value the schema knows, in schema order, as spelt on the wire.
    const VALUES: &'static [&'static str];

    /// The wire value: the schema's for a known value, the text as received otherwise.
    fn as_str(&self) -> &str;
    /// The known value spelt `value` (exact, case-sensitive), if the schema has one.
    fn known(value: &str) -> Option<Self>;
    /// The schema version that introduced the value; `None` if the schema does not know it.
    fn since(&self) -> Option<&'static str>;
    /// `Unrecognized(value)`, as given (prefer [`SchemaEnum::from_wire`]).
    fn unrecognized(value: String) -> Self;

    /// Whether the schema knows the value.
    fn is_known(&self) -> bool {
        self.since().is_some()
    }
    /// The value spelt `value`: the known one if the schema has it, else `Unrecognized`.
    fn from_wire(value: &str) -> Self {
        match Self::known(value) {
            Some(known) => known,
            None => Self::unrecognized(value.to_string()),
        }
    }
    /// [`SchemaEnum::from_wire`], keeping the string for a value the schema does not know.
    fn from_wire_string(value: String) -> Self {
        match Self::known(&value) {
            Some(known) => known,
            None => Self::unrecognized(value),
        }
    }
}

/// Reads a schema document (or any serde type) from JSON text.
pub fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(json)
}

/// Writes a schema document (or any serde type) as compact JSON text. Never fails for the
/// schema types; the `Result` is serde_json's, for types whose serialisation can fail.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value)
}
