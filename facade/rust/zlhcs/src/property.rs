//! Typed properties of a compute system: which query asks for a property, and where the answer
//! is in HCS's Properties document.
use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::schema;

/// A property `ComputeSystem::properties::<P>()` can fetch.
pub trait Property: Sized {
    /// The System_PropertyQuery that asks for it (None: the basic properties).
    const QUERY: Option<&'static str>;
    /// The schema's name of the property (a PropertyType value), for messages.
    const NAME: &'static str;
    /// Takes the property out of HCS's Properties answer.
    fn take(properties: schema::Properties) -> Option<Self>;

    /// Reads HCS's answer: the Properties document, then the property in it. A document that
    /// is not Properties is ZLHCS_HCS_E_INVALID_JSON; a missing property is
    /// ZLHCS_E_NOT_SUPPORTED (HCS answered without it); both carry the answer as the document.
    fn from_document(document: &str) -> Result<Self> {
        let properties: schema::Properties = serde_json::from_str(document).map_err(|error| {
            Error::with_document(
                sys::ZLHCS_HCS_E_INVALID_JSON,
                format!("HCS's properties answer does not read as Properties: {}", error),
                "HcsGetComputeSystemProperties",
                document,
            )
        })?;
        Self::take(properties).ok_or_else(|| {
            Error::with_document(
                sys::ZLHCS_E_NOT_SUPPORTED,
                format!("HCS answered the {} query without {}", Self::NAME, Self::NAME),
                "HcsGetComputeSystemProperties",
                document,
            )
        })
    }
}

impl Property for schema::Properties {
    const QUERY: Option<&'static str> = None;
    const NAME: &'static str = "Basic";
    fn take(properties: schema::Properties) -> Option<Self> {
        Some(properties)
    }
}

impl Property for schema::Statistics {
    const QUERY: Option<&'static str> = Some(r#"{"PropertyTypes":["Statistics"]}"#);
    const NAME: &'static str = "Statistics";
    fn take(properties: schema::Properties) -> Option<Self> {
        properties.statistics
    }
}

impl Property for Vec<schema::ProcessDetails> {
    const QUERY: Option<&'static str> = Some(r#"{"PropertyTypes":["ProcessList"]}"#);
    const NAME: &'static str = "ProcessList";
    fn take(properties: schema::Properties) -> Option<Self> {
        properties.process_list
    }
}

impl Property for schema::MemoryInformationForVm {
    const QUERY: Option<&'static str> = Some(r#"{"PropertyTypes":["Memory"]}"#);
    const NAME: &'static str = "Memory";
    fn take(properties: schema::Properties) -> Option<Self> {
        properties.memory
    }
}

impl Property for schema::GuestConnectionInfo {
    const QUERY: Option<&'static str> = Some(r#"{"PropertyTypes":["GuestConnection"]}"#);
    const NAME: &'static str = "GuestConnection";
    fn take(properties: schema::Properties) -> Option<Self> {
        properties.guest_connection_info
    }
}
