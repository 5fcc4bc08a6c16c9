//! What the create and modify calls take: JSON text, or a typed schema value serialised with
//! serde. Both reach zlhcs as UTF-8 JSON.
use std::borrow::Cow;

use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::schema::SchemaType;

/// A JSON document argument: `&str`/`String` are passed as they are (zlhcs checks that they
/// are well-formed JSON); a schema type (`schema::ComputeSystem`, `schema::ProcessParameters`,
/// `schema::ModifySettingRequest`, ...) is serialised first; a `serde_json::Value` too.
pub trait Document {
    /// The document's JSON text.
    fn to_json(&self) -> Result<Cow<'_, str>>;
}

impl Document for str {
    fn to_json(&self) -> Result<Cow<'_, str>> {
        Ok(Cow::Borrowed(self))
    }
}

impl Document for String {
    fn to_json(&self) -> Result<Cow<'_, str>> {
        Ok(Cow::Borrowed(self.as_str()))
    }
}

impl Document for serde_json::Value {
    fn to_json(&self) -> Result<Cow<'_, str>> {
        Ok(Cow::Owned(self.to_string()))
    }
}

impl<T: SchemaType> Document for T {
    fn to_json(&self) -> Result<Cow<'_, str>> {
        serde_json::to_string(self).map(Cow::Owned).map_err(|error| {
            Error::local(
                sys::ZLHCS_E_INVALID_ARGUMENT,
                format!("{} could not be serialised: {}", T::NAME, error),
                "zlhcs::Document::to_json",
            )
        })
    }
}
