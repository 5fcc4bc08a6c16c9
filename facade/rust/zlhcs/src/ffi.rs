//! Small helpers at the C boundary: strings in, documents out, status codes, trampolines'
//! panic guard. Everything unsafe in the crate goes through here or sits next to a comment
//! saying why it is sound.
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;
use std::time::Duration;

use zlhcs_sys as sys;

use crate::error::{Error, Result};

/// A UTF-8 string argument as zlhcs takes it (NUL-terminated). A Rust string with an interior
/// NUL cannot be passed: ZLHCS_E_INVALID_ARGUMENT naming the parameter, before any call.
pub(crate) fn c_string(value: &str, function: &'static str, parameter: &str) -> Result<CString> {
    CString::new(value).map_err(|_| {
        Error::local(
            sys::ZLHCS_E_INVALID_ARGUMENT,
            format!("{}: {} contains a NUL byte", function, parameter),
            function,
        )
    })
}

/// An optional document (options, query): None, "" and blanks reach zlhcs as NULL, as HCS's
/// own callers pass "" (zlhcs.h, "Strings").
pub(crate) fn optional_c_string(
    value: Option<&str>,
    function: &'static str,
    parameter: &str,
) -> Result<Option<CString>> {
    match value {
        Some(text) if !text.trim().is_empty() => c_string(text, function, parameter).map(Some),
        _ => Ok(None),
    }
}

pub(crate) fn as_ptr(value: &Option<CString>) -> *const c_char {
    value.as_ref().map_or(ptr::null(), |text| text.as_ptr())
}

/// A `char *` zlhcs handed out (own=free): owned here, freed with zlhcs_free on drop.
pub(crate) struct OutString(pub(crate) *mut c_char);

impl OutString {
    pub(crate) fn new() -> Self {
        OutString(ptr::null_mut())
    }
    pub(crate) fn as_out(&mut self) -> *mut *mut c_char {
        &mut self.0
    }
    /// The text (lossy only if zlhcs broke its UTF-8 promise), or None for NULL.
    pub(crate) fn take(&mut self) -> Option<String> {
        if self.0.is_null() {
            return None;
        }
        // SAFETY: zlhcs hands out NUL-terminated strings that stay valid until zlhcs_free.
        let text = unsafe { CStr::from_ptr(self.0) }.to_string_lossy().into_owned();
        // SAFETY: freed once, with the allocator that made it; the pointer is cleared.
        unsafe { sys::zlhcs_free(self.0.cast()) };
        self.0 = ptr::null_mut();
        Some(text)
    }
}

impl Drop for OutString {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: as in take().
            unsafe { sys::zlhcs_free(self.0.cast()) };
        }
    }
}

/// Runs a zlhcs call that hands out an optional document (`char **out_document`, given to `call`):
/// on failure the error is read at once, on this thread, with the document; on success the status
/// (S_OK or S_FALSE) and the document.
pub(crate) fn with_document<F>(function: &'static str, call: F) -> Result<(i32, Option<String>)>
where
    F: FnOnce(*mut *mut c_char) -> i32,
{
    let mut document = OutString::new();
    let status = call(document.as_out());
    if status < 0 {
        return Err(Error::last(status, function, document.take()));
    }
    Ok((status, document.take()))
}

/// A borrowed C string member (zlhcs_error.message, zlhcs_event.system_id) as an owned String.
pub(crate) fn borrowed_string(text: *const c_char) -> Option<String> {
    if text.is_null() {
        None
    } else {
        // SAFETY: zlhcs's strings are NUL-terminated and valid while their holder is.
        Some(unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned())
    }
}

/// A Duration as zlhcs's timeout: milliseconds, rounded up so that a non-zero wait never
/// becomes a poll, saturating below ZLHCS_INFINITE (which only `None` asks for).
pub(crate) fn timeout_ms(timeout: Option<Duration>) -> u32 {
    match timeout {
        None => sys::ZLHCS_INFINITE,
        Some(duration) => {
            let millis = duration.as_millis() + u128::from(duration.subsec_nanos() % 1_000_000 != 0);
            millis.min(u128::from(sys::ZLHCS_INFINITE - 1)) as u32
        }
    }
}

/// Runs `f` so that a panic never unwinds into zlhcs (every callback trampoline uses it): a
/// panic is caught and dropped; what the trampoline must still do (wake, release) is done by
/// the code after it.
pub(crate) fn no_unwind<F: FnOnce()>(f: F) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
}
