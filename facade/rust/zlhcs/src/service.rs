//! Calls on the HCS service rather than on one system: enumerating systems, service
//! properties.
use std::ptr;
use std::time::Duration;

use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::ffi::{as_ptr, optional_c_string, timeout_ms, with_document};
use crate::operation::Operation;
use crate::schema;

fn parse_list(document: Option<String>) -> Result<Vec<schema::Properties>> {
    let text = document.unwrap_or_else(|| "[]".to_string());
    serde_json::from_str(&text).map_err(|error| {
        Error::with_document(
            sys::ZLHCS_HCS_E_INVALID_JSON,
            format!("HCS's system list does not read as an array of Properties: {}", error),
            "HcsEnumerateComputeSystems",
            &text,
        )
    })
}

fn query_text(query: &schema::SystemQuery) -> Result<Option<String>> {
    if *query == schema::SystemQuery::default() {
        return Ok(None);
    }
    serde_json::to_string(query)
        .map(Some)
        .map_err(|error| Error::local(sys::ZLHCS_E_INVALID_ARGUMENT, format!("SystemQuery: {}", error), "zlhcs::list"))
}

/// The compute systems HCS knows that match `query` (ids, names, types, owners; a default
/// query lists every system), with their basic properties (Id, Owner, State, SystemType...).
pub async fn list(query: &schema::SystemQuery) -> Result<Vec<schema::Properties>> {
    const FUNCTION: &str = "zlhcs_system_enumerate_async";
    let text = optional_c_string(query_text(query)?.as_deref(), FUNCTION, "query")?;
    let document = Operation::start(FUNCTION, |cb, out| unsafe {
        // SAFETY: text outlives the call.
        sys::zlhcs_system_enumerate_async(as_ptr(&text), ptr::null(), cb.callback, cb.context, cb.release, out)
    })?
    .await?;
    parse_list(document)
}

/// The blocking form of [`list`], waiting up to `timeout`.
pub fn list_blocking(query: &schema::SystemQuery, timeout: Option<Duration>) -> Result<Vec<schema::Properties>> {
    const FUNCTION: &str = "zlhcs_system_enumerate";
    let text = optional_c_string(query_text(query)?.as_deref(), FUNCTION, "query")?;
    // SAFETY: valid string and out-pointer.
    parse_list(
        with_document(FUNCTION, |out| unsafe {
            sys::zlhcs_system_enumerate(as_ptr(&text), ptr::null(), timeout_ms(timeout), out)
        })?
        .1,
    )
}

/// The systems whose configuration's Owner is `owner` (what an agent sweeps at start-up).
pub async fn list_by_owner(owner: &str) -> Result<Vec<schema::Properties>> {
    let query = schema::SystemQuery { owners: Some(vec![owner.to_string()]), ..Default::default() };
    list(&query).await
}

/// The blocking form of [`list_by_owner`].
pub fn list_by_owner_blocking(owner: &str, timeout: Option<Duration>) -> Result<Vec<schema::Properties>> {
    let query = schema::SystemQuery { owners: Some(vec![owner.to_string()]), ..Default::default() };
    list_blocking(&query, timeout)
}

/// The HCS service's properties (HcsGetServiceProperties): `query` is a Service_PropertyQuery
/// JSON (`{"PropertyTypes":["Basic"]}`), or None.
pub fn service_properties(query: Option<&str>) -> Result<Option<String>> {
    const FUNCTION: &str = "zlhcs_service_properties";
    let text = optional_c_string(query, FUNCTION, "query")?;
    // SAFETY: valid string and out-pointer.
    with_document(FUNCTION, |out| unsafe { sys::zlhcs_service_properties(as_ptr(&text), out) })
        .map(|(_, document)| document)
}
