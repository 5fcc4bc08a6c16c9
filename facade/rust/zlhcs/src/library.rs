//! The library itself: its version, and its leak counters.
use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::ffi::borrowed_string;

/// The version of the zlhcs library loaded at run time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// The ABI version (1 until it breaks).
    pub abi_version: u32,
    /// The newest function table revision the library has.
    pub api_revision: u32,
    /// "0.10.0".
    pub text: String,
}

/// The loaded library's version (zlhcs_version).
pub fn version() -> Result<Version> {
    let mut info = sys::zlhcs_version_info {
        struct_size: std::mem::size_of::<sys::zlhcs_version_info>() as u32,
        abi_version: 0,
        major: 0,
        minor: 0,
        patch: 0,
        api_revision: 0,
        version_string: std::ptr::null(),
    };
    // SAFETY: a valid struct with struct_size set.
    let status = unsafe { sys::zlhcs_version(&mut info) };
    if status < 0 {
        return Err(Error::last(status, "zlhcs_version", None));
    }
    Ok(Version {
        major: info.major,
        minor: info.minor,
        patch: info.patch,
        abi_version: info.abi_version,
        api_revision: info.api_revision,
        text: borrowed_string(info.version_string).unwrap_or_default(),
    })
}

/// zlhcs's live-object counters (zlhcs_debug_counts): all zero when everything a program
/// created has been closed and released. Tests end with them at zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DebugCounts {
    pub systems: u64,
    pub processes: u64,
    pub operations: u64,
    pub subscriptions: u64,
    /// Callback contexts whose release notifier has not been called yet.
    pub contexts: u64,
    pub strings: u64,
    pub live_subscriptions: u64,
    pub live_operations: u64,
    pub delivery_threads: u64,
    /// Calls blocked in a wait inside zlhcs now (since 0.9.0).
    pub waiting_calls: u64,
    /// Tasks queued for or running on the delivery threads (since 0.9.0).
    pub queued_tasks: u64,
}

impl DebugCounts {
    /// Whether no object is alive (delivery threads, which retire when idle, are not objects).
    pub fn is_clear(&self) -> bool {
        self.systems == 0
            && self.processes == 0
            && self.operations == 0
            && self.subscriptions == 0
            && self.contexts == 0
            && self.strings == 0
            && self.live_subscriptions == 0
            && self.live_operations == 0
    }
}

/// A snapshot of zlhcs's counters.
pub fn debug_counts() -> Result<DebugCounts> {
    let mut raw = sys::zlhcs_debug_counts_info {
        struct_size: std::mem::size_of::<sys::zlhcs_debug_counts_info>() as u32,
        reserved: 0,
        systems: 0,
        processes: 0,
        operations: 0,
        subscriptions: 0,
        contexts: 0,
        strings: 0,
        live_subscriptions: 0,
        live_operations: 0,
        delivery_threads: 0,
        waiting_calls: 0,
        queued_tasks: 0,
    };
    // SAFETY: a valid struct with struct_size set.
    let status = unsafe { sys::zlhcs_debug_counts(&mut raw) };
    if status < 0 {
        return Err(Error::last(status, "zlhcs_debug_counts", None));
    }
    Ok(DebugCounts {
        systems: raw.systems,
        processes: raw.processes,
        operations: raw.operations,
        subscriptions: raw.subscriptions,
        contexts: raw.contexts,
        strings: raw.strings,
        live_subscriptions: raw.live_subscriptions,
        live_operations: raw.live_operations,
        delivery_threads: raw.delivery_threads,
        waiting_calls: raw.waiting_calls,
        queued_tasks: raw.queued_tasks,
    })
}
