//! Options of the calls that take a zlhcs_call_options (create, process create, modify,
//! enumerate): the HCS namespace of the system and the access requested.
use std::ffi::CString;
use std::ptr;

use zlhcs_sys as sys;

use crate::error::Result;
use crate::ffi::{as_ptr, optional_c_string};

/// Call options. The default asks for nothing special (zlhcs passes NULL). The security
/// descriptor and identity token of zlhcs_call_options are Windows handles and pointers; pass
/// them through `zlhcs_sys` directly if you need them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The HCS namespace (a GUID) the system lives in; None: the default namespace.
    pub namespace_id: Option<String>,
    /// The access requested on the handle (0: HCS's default, GENERIC_ALL).
    pub requested_access: u32,
}

/// zlhcs_call_options with the strings it points to. Not Send (raw pointers): build it right
/// before the call and drop it before any `.await`.
pub(crate) struct RawCallOptions {
    _namespace: Option<CString>,
    raw: Option<sys::zlhcs_call_options>,
}

impl RawCallOptions {
    pub(crate) fn as_ptr(&self) -> *const sys::zlhcs_call_options {
        self.raw.as_ref().map_or(ptr::null(), |raw| raw as *const _)
    }
}

impl CallOptions {
    pub(crate) fn to_raw(&self, function: &'static str) -> Result<RawCallOptions> {
        if *self == CallOptions::default() {
            return Ok(RawCallOptions { _namespace: None, raw: None });
        }
        let namespace = optional_c_string(self.namespace_id.as_deref(), function, "namespace_id")?;
        let raw = sys::zlhcs_call_options {
            struct_size: std::mem::size_of::<sys::zlhcs_call_options>() as u32,
            requested_access: self.requested_access,
            namespace_id: as_ptr(&namespace),
            security_descriptor: ptr::null(),
            identity_token: 0,
        };
        Ok(RawCallOptions { _namespace: namespace, raw: Some(raw) })
    }
}
