//! zlhcs for Rust: the Windows Host Compute Service (HCS) through zlhcs's C ABI, safe and
//! async.
//!
//! ```no_run
//! use zlhcs::{schema, ComputeSystem, Process};
//!
//! # fn main() -> zlhcs::Result<()> { futures_executor::block_on(async {
//! let config = schema::ComputeSystem {
//!     owner: Some("my-agent".into()),
//!     schema_version: Some(schema::Version { major: Some(2), minor: Some(1), ..Default::default() }),
//!     container: Some(schema::Container::default()),
//!     ..Default::default()
//! };
//! let system = ComputeSystem::create(Some("demo"), &config).await?;
//! system.start(None).await?;
//! let child = Process::create(&system, r#"{"CommandLine":"cmd /c echo hi","CreateStdOutPipe":true}"#).await?;
//! let exit_code = child.wait_exit().await?;
//! let stats = system.statistics().await?;
//! system.terminate(None).await?;
//! # let _ = (exit_code, stats); Ok(()) }) }
//! ```
//!
//! - Every asynchronous call is a `Future` that works under any executor (it uses only
//!   `std::task::Waker`); dropping it abandons the operation safely (zlhcs's release notifier
//!   frees what the callback used; HCS still finishes the work, which it cannot cancel). Each
//!   has a `_blocking` form with a timeout.
//! - Events are a `futures_core::Stream` ([`EventStream`]) or a callback ([`Subscription`]).
//! - Every failure is an [`Error`]: the HRESULT, its [`Category`], zlhcs's message, the HCS
//!   function and HCS's error document (typed: [`Error::error_events`]).
//! - Every handle is closed on `Drop`. No panic crosses the C boundary: callbacks catch them.
//! - [`schema`] is the whole HCS JSON schema as serde types (unknown fields and enum values
//!   kept); [`statistics`] computes CPU and memory usage from two samples.
//!
//! The library (`libzlhcs.so`, `zlhcs.dll`) is found at build time through `ZLHCS_LIB_DIR` or
//! pkg-config (see the `zlhcs-sys` crate) and at run time by the platform's loader. Off
//! Windows, its default backend is hcsim, the HCS simulator, beside it.
#![warn(missing_debug_implementations)]

mod call_options;
mod document;
mod error;
mod event;
mod events;
mod ffi;
mod handoff;
mod library;
mod operation;
mod process;
mod property;
pub mod schema;
mod service;
pub mod statistics;
mod stdio;
mod system;
mod validation;

pub use call_options::CallOptions;
pub use document::Document;
pub use error::{category_of, describe, Category, Error, Result};
pub use event::{Event, EventKind, EventMask};
pub use events::{EventStream, Subscription};
pub use library::{debug_counts, version, DebugCounts, Version};
pub use operation::Operation;
pub use process::Process;
pub use property::Property;
pub use service::{list, list_blocking, list_by_owner, list_by_owner_blocking, service_properties};
pub use stdio::{OutputPipe, OutputStream, Stderr, Stdin, StdioInterrupt, Stdout};
pub use system::{ComputeSystem, SystemExit};
pub use validation::{validate, validate_as, Problem, ValidationReport};

/// The raw C ABI, for what this crate does not wrap.
pub use zlhcs_sys as sys;
