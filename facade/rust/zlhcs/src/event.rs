//! One event of a compute system or process, as a subscription receives it (zlhcs_event),
//! copied into Rust-owned memory.
use std::ops::{BitOr, BitOrAssign};

use zlhcs_sys as sys;

use crate::ffi::borrowed_string;
use crate::schema;

/// Which events a subscription receives (ZLHCS_EVENT_* bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventMask(pub u32);

impl EventMask {
    pub const SYSTEM_EXITED: EventMask = EventMask(sys::ZLHCS_EVENT_SYSTEM_EXITED);
    pub const SYSTEM_CRASH_INITIATED: EventMask = EventMask(sys::ZLHCS_EVENT_SYSTEM_CRASH_INITIATED);
    pub const SYSTEM_CRASH_REPORT: EventMask = EventMask(sys::ZLHCS_EVENT_SYSTEM_CRASH_REPORT);
    pub const SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED: EventMask =
        EventMask(sys::ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED);
    pub const SYSTEM_SILO_JOB_CREATED: EventMask = EventMask(sys::ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED);
    pub const SYSTEM_GUEST_CONNECTION_CLOSED: EventMask = EventMask(sys::ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED);
    pub const PROCESS_EXITED: EventMask = EventMask(sys::ZLHCS_EVENT_PROCESS_EXITED);
    pub const SERVICE_DISCONNECT: EventMask = EventMask(sys::ZLHCS_EVENT_SERVICE_DISCONNECT);
    /// Event types zlhcs does not know (delivered, never dropped).
    pub const UNKNOWN: EventMask = EventMask(sys::ZLHCS_EVENT_UNKNOWN);
    /// Everything.
    pub const ALL: EventMask = EventMask(sys::ZLHCS_EVENT_ALL);
}

impl BitOr for EventMask {
    type Output = EventMask;
    fn bitor(self, other: EventMask) -> EventMask {
        EventMask(self.0 | other.0)
    }
}

impl BitOrAssign for EventMask {
    fn bitor_assign(&mut self, other: EventMask) {
        self.0 |= other.0;
    }
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// The system exited; `data` is its SystemExitStatus.
    SystemExited,
    SystemCrashInitiated,
    SystemCrashReport,
    SystemRdpEnhancedModeStateChanged,
    SystemSiloJobCreated,
    SystemGuestConnectionClosed,
    /// The process exited; `data` is its ProcessStatus.
    ProcessExited,
    /// The HCS service went away: no more events or completions come from it.
    ServiceDisconnect,
    /// An HCS event type zlhcs does not know (see `hcs_type`).
    Unknown,
    /// The subscription's queue was full: `lost_count` events were dropped here.
    EventsLost,
}

impl EventKind {
    fn from_raw(kind: u32) -> EventKind {
        match kind {
            sys::ZLHCS_EVENT_SYSTEM_EXITED => EventKind::SystemExited,
            sys::ZLHCS_EVENT_SYSTEM_CRASH_INITIATED => EventKind::SystemCrashInitiated,
            sys::ZLHCS_EVENT_SYSTEM_CRASH_REPORT => EventKind::SystemCrashReport,
            sys::ZLHCS_EVENT_SYSTEM_RDP_ENHANCED_MODE_STATE_CHANGED => EventKind::SystemRdpEnhancedModeStateChanged,
            sys::ZLHCS_EVENT_SYSTEM_SILO_JOB_CREATED => EventKind::SystemSiloJobCreated,
            sys::ZLHCS_EVENT_SYSTEM_GUEST_CONNECTION_CLOSED => EventKind::SystemGuestConnectionClosed,
            sys::ZLHCS_EVENT_PROCESS_EXITED => EventKind::ProcessExited,
            sys::ZLHCS_EVENT_SERVICE_DISCONNECT => EventKind::ServiceDisconnect,
            sys::ZLHCS_EVENT_EVENTS_LOST => EventKind::EventsLost,
            _ => EventKind::Unknown,
        }
    }

    /// Whether nothing can follow this event on its subscription's source: the system or
    /// process exited, or the service went away.
    pub fn is_final(self) -> bool {
        matches!(self, EventKind::SystemExited | EventKind::ProcessExited | EventKind::ServiceDisconnect)
    }
}

/// One event, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    /// HCS's HCS_EVENT_TYPE value as it came (0 for EventsLost).
    pub hcs_type: u32,
    /// A process subscription's pid (0 if unknown or for a system).
    pub process_id: u32,
    /// This subscription's number for the event: 1, 2, 3... (an EventsLost record has the
    /// number of the first lost event).
    pub sequence: u64,
    /// EventsLost: how many events were dropped.
    pub lost_count: u64,
    /// The id of the system (of the process's system).
    pub system_id: String,
    /// The event's JSON document, if HCS sent one.
    pub data: Option<String>,
}

impl Event {
    /// Copies a zlhcs_event, valid only during its callback, into an owned Event.
    ///
    /// # Safety
    /// `raw` must point to a zlhcs_event valid for the duration of the call.
    pub(crate) unsafe fn from_raw(raw: *const sys::zlhcs_event) -> Event {
        let raw = &*raw;
        Event {
            kind: EventKind::from_raw(raw.kind),
            hcs_type: raw.hcs_type,
            process_id: raw.process_id,
            sequence: raw.sequence,
            lost_count: raw.lost_count,
            system_id: borrowed_string(raw.system_id).unwrap_or_default(),
            data: borrowed_string(raw.data),
        }
    }

    /// A SystemExited event's SystemExitStatus (Status, ExitType: GracefulExit, ForcedExit,
    /// UnexpectedExit).
    pub fn system_exit_status(&self) -> Option<schema::SystemExitStatus> {
        self.data.as_deref().and_then(|text| serde_json::from_str(text).ok())
    }

    /// A ProcessExited event's ProcessStatus (ProcessId, Exited, ExitCode).
    pub fn process_status(&self) -> Option<schema::ProcessStatus> {
        self.data.as_deref().and_then(|text| serde_json::from_str(text).ok())
    }
}
