//! Schema validation through the DLL (zlhcs_schema_validate): every problem of a document,
//! with where, why and since which schema version, instead of HCS's terse "the parameter is
//! incorrect". Validation never calls HCS.
use serde::{Deserialize, Serialize};
use zlhcs_sys as sys;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::ffi::{c_string, OutString};
use crate::schema::SchemaType;

/// The validation report (zlhcs.h, "Schema validation"); unknown members are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ValidationReport {
    #[serde(rename = "Type")]
    pub type_name: String,
    #[serde(rename = "SchemaVersion", default)]
    pub schema_version: Option<String>,
    /// "caller", "document" or "none".
    #[serde(rename = "SchemaVersionFrom", default)]
    pub schema_version_from: Option<String>,
    /// Why no version checks were made, when none were.
    #[serde(rename = "Note", default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(rename = "Valid")]
    pub valid: bool,
    #[serde(rename = "Errors")]
    pub errors: u64,
    #[serde(rename = "Warnings")]
    pub warnings: u64,
    #[serde(rename = "Problems", default)]
    pub problems: Vec<Problem>,
    /// More problems were found than listed.
    #[serde(rename = "Truncated", default)]
    pub truncated: bool,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

/// One problem of a document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Problem {
    /// A JSON pointer to the value ("/Container/Storage/Layers/0/Path").
    #[serde(rename = "Path")]
    pub path: String,
    /// "error" or "warning".
    #[serde(rename = "Severity")]
    pub severity: String,
    /// "json", "type", "range", "length", "format", "enum", "required", "any-of",
    /// "unknown-field", "since", "version", "depth", "duplicate" (more may come).
    #[serde(rename = "Rule")]
    pub rule: String,
    #[serde(rename = "Message")]
    pub message: String,
    /// What was expected: a type name or the list of allowed values.
    #[serde(rename = "Expected", default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<serde_json::Value>,
    #[serde(rename = "Actual", default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// "did you mean ...": the nearest known field or value.
    #[serde(rename = "Suggestion", default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// The schema version that introduced the field or value.
    #[serde(rename = "Since", default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(flatten)]
    pub unknown_fields: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// Whether this problem is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// Validates `document` (typed or JSON) as the schema struct `type_name` ("ComputeSystem",
/// "ProcessParameters", ...). Ok(report) whether or not the document is valid (see
/// `report.valid`); Err only when nothing could be validated (unknown type name: the message
/// names the nearest one; invalid arguments).
pub fn validate_as<D: Document + ?Sized>(type_name: &str, document: &D) -> Result<ValidationReport> {
    const FUNCTION: &str = "zlhcs_schema_validate";
    let type_name = c_string(type_name, FUNCTION, "type_name")?;
    let document = c_string(&document.to_json()?, FUNCTION, "document")?;
    let mut report = OutString::new();
    // SAFETY: valid strings and out-pointer.
    let status =
        unsafe { sys::zlhcs_schema_validate(type_name.as_ptr(), document.as_ptr(), std::ptr::null(), report.as_out()) };
    let text = report.take();
    match text {
        Some(text) if status >= 0 || status == sys::ZLHCS_E_SCHEMA_INVALID => {
            serde_json::from_str(&text).map_err(|error| {
                Error::with_document(
                    sys::ZLHCS_E_INTERNAL,
                    format!("zlhcs's validation report does not read: {}", error),
                    FUNCTION,
                    &text,
                )
            })
        }
        text => Err(Error::last(status, FUNCTION, text)),
    }
}

/// Validates a typed value as its own schema type.
pub fn validate<T: SchemaType>(value: &T) -> Result<ValidationReport> {
    validate_as(T::NAME, value)
}
