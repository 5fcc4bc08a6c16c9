//! zlhcs's one error type: the HRESULT, its category, zlhcs's message, the HCS function that
//! failed and HCS's error document, all captured in the same native call sequence as the
//! failure (zlhcs_last_error() right after the failing call on the same OS thread, before any
//! `.await` can move the task; or, for an operation, zlhcs_operation_error(), which is valid on
//! any thread). Never a later call's thread-local error.
use std::fmt;
use std::os::raw::c_char;

use zlhcs_sys as sys;

use crate::ffi::{borrowed_string, OutString};
use crate::schema;

/// `std::result::Result` with zlhcs's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// What kind of failure a code is (zlhcs_error_category): the question callers ask ("is it
/// gone?", "did it time out?") without knowing every HRESULT HCS has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    None,
    NotFound,
    AccessDenied,
    InvalidJson,
    InvalidState,
    AlreadyExists,
    AlreadyStopped,
    Timeout,
    Pending,
    Cancelled,
    ServiceUnavailable,
    NotSupported,
    InvalidArgument,
    InvalidHandle,
    Other,
    Terminated,
}

impl Category {
    fn from_raw(value: u32) -> Category {
        match value {
            sys::ZLHCS_CATEGORY_NONE => Category::None,
            sys::ZLHCS_CATEGORY_NOT_FOUND => Category::NotFound,
            sys::ZLHCS_CATEGORY_ACCESS_DENIED => Category::AccessDenied,
            sys::ZLHCS_CATEGORY_INVALID_JSON => Category::InvalidJson,
            sys::ZLHCS_CATEGORY_INVALID_STATE => Category::InvalidState,
            sys::ZLHCS_CATEGORY_ALREADY_EXISTS => Category::AlreadyExists,
            sys::ZLHCS_CATEGORY_ALREADY_STOPPED => Category::AlreadyStopped,
            sys::ZLHCS_CATEGORY_TIMEOUT => Category::Timeout,
            sys::ZLHCS_CATEGORY_PENDING => Category::Pending,
            sys::ZLHCS_CATEGORY_CANCELLED => Category::Cancelled,
            sys::ZLHCS_CATEGORY_SERVICE_UNAVAILABLE => Category::ServiceUnavailable,
            sys::ZLHCS_CATEGORY_NOT_SUPPORTED => Category::NotSupported,
            sys::ZLHCS_CATEGORY_INVALID_ARGUMENT => Category::InvalidArgument,
            sys::ZLHCS_CATEGORY_INVALID_HANDLE => Category::InvalidHandle,
            sys::ZLHCS_CATEGORY_TERMINATED => Category::Terminated,
            _ => Category::Other,
        }
    }

    fn to_raw(self) -> u32 {
        match self {
            Category::None => sys::ZLHCS_CATEGORY_NONE,
            Category::NotFound => sys::ZLHCS_CATEGORY_NOT_FOUND,
            Category::AccessDenied => sys::ZLHCS_CATEGORY_ACCESS_DENIED,
            Category::InvalidJson => sys::ZLHCS_CATEGORY_INVALID_JSON,
            Category::InvalidState => sys::ZLHCS_CATEGORY_INVALID_STATE,
            Category::AlreadyExists => sys::ZLHCS_CATEGORY_ALREADY_EXISTS,
            Category::AlreadyStopped => sys::ZLHCS_CATEGORY_ALREADY_STOPPED,
            Category::Timeout => sys::ZLHCS_CATEGORY_TIMEOUT,
            Category::Pending => sys::ZLHCS_CATEGORY_PENDING,
            Category::Cancelled => sys::ZLHCS_CATEGORY_CANCELLED,
            Category::ServiceUnavailable => sys::ZLHCS_CATEGORY_SERVICE_UNAVAILABLE,
            Category::NotSupported => sys::ZLHCS_CATEGORY_NOT_SUPPORTED,
            Category::InvalidArgument => sys::ZLHCS_CATEGORY_INVALID_ARGUMENT,
            Category::InvalidHandle => sys::ZLHCS_CATEGORY_INVALID_HANDLE,
            Category::Other => sys::ZLHCS_CATEGORY_OTHER,
            Category::Terminated => sys::ZLHCS_CATEGORY_TERMINATED,
        }
    }
}

/// A failure of zlhcs or of HCS. `Send + Sync`: it owns copies of everything it reports.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    code: i32,
    category: Category,
    message: String,
    function: Option<String>,
    document: Option<String>,
}

impl Error {
    /// The HRESULT (zlhcs_sys::ZLHCS_E_*, ZLHCS_HCS_E_*, ZLHCS_WIN32_E_*, or HCS's own).
    pub fn code(&self) -> i32 {
        self.code
    }
    /// The code's primary category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// zlhcs's message: what failed and why, naming the argument or the HCS function.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The function that failed: the HCS entry point (e.g. "HcsStartComputeSystem") when HCS
    /// refused, else the zlhcs function.
    pub fn function(&self) -> Option<&str> {
        self.function.as_deref()
    }
    /// HCS's error document (ResultError JSON), or zlhcs's validation report for
    /// ZLHCS_E_SCHEMA_INVALID; None when there is none (HCS does not always send one).
    pub fn document(&self) -> Option<&str> {
        self.document.as_deref()
    }
    /// The error document as the typed ResultError, if there is one and it reads as one.
    pub fn result_error(&self) -> Option<schema::ResultError> {
        self.document.as_deref().and_then(|text| serde_json::from_str(text).ok())
    }
    /// HCS's ErrorEvents (the detail behind "the parameter is incorrect"); empty if none.
    pub fn error_events(&self) -> Vec<schema::ErrorEvent> {
        self.result_error().and_then(|document| document.error_events).unwrap_or_default()
    }
    /// Whether the code belongs to `category`. A code can belong to several (zlhcs follows
    /// hcsshim's predicates: HCS_E_SYSTEM_NOT_FOUND is NotFound, "already stopped" codes also
    /// count as NotFound, ...), so this is the test to use, not `category() ==`.
    pub fn is(&self, category: Category) -> bool {
        // SAFETY: a pure function of two integers.
        unsafe { sys::zlhcs_error_matches(self.code, category.to_raw()) == sys::ZLHCS_S_OK }
    }

    /// An error this crate detects itself, before calling zlhcs.
    pub(crate) fn local(code: i32, message: String, function: &'static str) -> Error {
        Error { code, category: category_of(code), message, function: Some(function.to_string()), document: None }
    }

    /// An error this crate detects in a document HCS sent (kept as the error's document).
    pub(crate) fn with_document(code: i32, message: String, function: &'static str, document: &str) -> Error {
        Error {
            code,
            category: category_of(code),
            message,
            function: Some(function.to_string()),
            document: Some(document.to_string()),
        }
    }

    /// The failure of the zlhcs call `function` that just returned `code` on this thread:
    /// zlhcs_last_error() is read now, before anything else can run on this thread.
    /// `document` is the call's out_document, if it has one.
    pub(crate) fn last(code: i32, function: &'static str, document: Option<String>) -> Error {
        let mut raw = empty_raw_error();
        // SAFETY: raw is a zlhcs_error with struct_size set; its strings are copied at once.
        let status = unsafe { sys::zlhcs_last_error(&mut raw) };
        if status == sys::ZLHCS_S_OK && raw.code == code {
            let mut error = Error::from_raw(&raw);
            if error.document.is_none() {
                error.document = document;
            }
            return error;
        }
        Error {
            code,
            category: category_of(code),
            message: format!("{} failed: {}", function, describe(code)),
            function: Some(function.to_string()),
            document,
        }
    }

    /// The failure of a completed operation (zlhcs_operation_error: valid on any thread).
    pub(crate) fn of_operation(operation: sys::zlhcs_operation, code: i32, function: &'static str) -> Error {
        let mut raw = empty_raw_error();
        // SAFETY: as in last(); the operation handle is validated by zlhcs.
        let status = unsafe { sys::zlhcs_operation_error(operation, &mut raw) };
        if status == sys::ZLHCS_S_OK && raw.code == code {
            return Error::from_raw(&raw);
        }
        Error {
            code,
            category: category_of(code),
            message: format!("{} failed: {}", function, describe(code)),
            function: Some(function.to_string()),
            document: None,
        }
    }

    fn from_raw(raw: &sys::zlhcs_error) -> Error {
        Error {
            code: raw.code,
            category: Category::from_raw(raw.category),
            message: borrowed_string(raw.message).unwrap_or_default(),
            function: borrowed_string(raw.function).filter(|name| !name.is_empty()),
            // zlhcs writes "" when HCS sent no document: that is "none" here.
            document: borrowed_string(raw.result_document).filter(|text| !text.is_empty()),
        }
    }
}

fn empty_raw_error() -> sys::zlhcs_error {
    sys::zlhcs_error {
        struct_size: std::mem::size_of::<sys::zlhcs_error>() as u32,
        code: 0,
        category: 0,
        reserved: 0,
        message: std::ptr::null::<c_char>(),
        function: std::ptr::null::<c_char>(),
        result_document: std::ptr::null::<c_char>(),
    }
}

/// The category of any code (zlhcs_error_category_of).
pub fn category_of(code: i32) -> Category {
    let mut category = 0u32;
    // SAFETY: a valid out-pointer.
    if unsafe { sys::zlhcs_error_category_of(code, &mut category) } < 0 {
        return Category::Other;
    }
    Category::from_raw(category)
}

/// zlhcs's text for a code ("HCS_E_SYSTEM_NOT_FOUND: ..."), or its hex if zlhcs has none.
pub fn describe(code: i32) -> String {
    let mut text = OutString::new();
    // SAFETY: a valid out-pointer; the string is freed by OutString.
    if unsafe { sys::zlhcs_error_describe(code, text.as_out()) } >= 0 {
        if let Some(text) = text.take() {
            return text;
        }
    }
    format!("0x{:08X}", code as u32)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (0x{:08X})", self.message, self.code as u32)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &format_args!("0x{:08X}", self.code as u32))
            .field("category", &self.category)
            .field("message", &self.message)
            .field("function", &self.function)
            .field("document", &self.document)
            .finish()
    }
}

impl std::error::Error for Error {}

impl From<Error> for std::io::Error {
    fn from(error: Error) -> std::io::Error {
        let kind = if error.is(Category::Timeout) {
            std::io::ErrorKind::TimedOut
        } else if error.code == sys::ZLHCS_WIN32_E_BROKEN_PIPE {
            std::io::ErrorKind::BrokenPipe
        } else if error.is(Category::InvalidArgument) {
            std::io::ErrorKind::InvalidInput
        } else if error.is(Category::NotFound) {
            std::io::ErrorKind::NotFound
        } else {
            std::io::ErrorKind::Other
        };
        std::io::Error::new(kind, error)
    }
}
