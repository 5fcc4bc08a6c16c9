//! A compute system (container or VM): create, open, lifecycle, properties, modify, exit.
use std::ffi::CString;
use std::ptr;
use std::time::Duration;

use zlhcs_sys as sys;

use crate::call_options::CallOptions;
use crate::document::Document;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::event::EventMask;
use crate::events::{EventStream, Subscription};
use crate::ffi::{as_ptr, c_string, optional_c_string, timeout_ms, with_document, OutString};
use crate::operation::Operation;
use crate::property::Property;
use crate::schema;

/// A compute system handle (zlhcs_system). Dropping it closes the handle, which terminates the
/// system if its configuration sets `ShouldTerminateOnLastHandleClosed`; otherwise the system
/// lives on (open it again by id).
///
/// `Send + Sync`: the handle is a number that zlhcs validates on every call, and every zlhcs
/// function is thread-safe; a call racing the handle's close fails with
/// ZLHCS_E_INVALID_HANDLE, never with undefined behaviour.
///
/// As in HCS, a system that stopped is cleaned up at once: calls on a handle to it fail with
/// NotFound (HCS_E_SYSTEM_NOT_FOUND), except the exit waits, which still return its exit
/// status, and `terminate`/`shutdown`, which report "already gone".
#[derive(Debug)]
pub struct ComputeSystem {
    handle: sys::zlhcs_system,
}

/// How a system ended: HCS's SystemExitStatus document.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemExit {
    /// The document as HCS sent it (None if it sent none).
    pub document: Option<String>,
}

impl SystemExit {
    /// The document as the typed SystemExitStatus (Status, ExitType, Attribution).
    pub fn status(&self) -> Option<schema::SystemExitStatus> {
        self.document.as_deref().and_then(|text| serde_json::from_str(text).ok())
    }
}

macro_rules! system_operation {
    ($(#[$doc:meta])* $name:ident, $blocking:ident, $async_fn:ident, $sync_fn:ident, $param:ident) => {
        $(#[$doc])*
        pub async fn $name(&self, $param: Option<&str>) -> Result<Option<String>> {
            let text = optional_c_string($param, stringify!($async_fn), stringify!($param))?;
            let handle = self.handle;
            Operation::start(stringify!($async_fn), |cb, out| unsafe {
                // SAFETY: text outlives the call; cb is the operation's callback triple.
                sys::$async_fn(handle, as_ptr(&text), cb.callback, cb.context, cb.release, out)
            })?
            .await
        }

        /// The blocking form: waits up to `timeout` (None: without limit). On timeout the work
        /// goes on in HCS (it cannot be cancelled); the error's category is Timeout.
        pub fn $blocking(&self, $param: Option<&str>, timeout: Option<Duration>) -> Result<Option<String>> {
            let text = optional_c_string($param, stringify!($sync_fn), stringify!($param))?;
            // SAFETY: valid strings and out-pointer.
            with_document(stringify!($sync_fn), |out| unsafe { sys::$sync_fn(self.handle, as_ptr(&text), timeout_ms(timeout), out) }).map(|(_, document)| document)
        }
    };
}

macro_rules! system_stop {
    ($(#[$doc:meta])* $name:ident, $blocking:ident, $async_fn:ident, $sync_fn:ident) => {
        $(#[$doc])*
        pub async fn $name(&self, options: Option<&str>) -> Result<()> {
            let text = optional_c_string(options, stringify!($async_fn), "options")?;
            let handle = self.handle;
            Operation::start(stringify!($async_fn), |cb, out| unsafe {
                // SAFETY: text outlives the call; cb is the operation's callback triple.
                sys::$async_fn(handle, as_ptr(&text), cb.callback, cb.context, cb.release, out)
            })?
            .await
            .map(|_| ())
        }

        /// The blocking form: Ok(true) once done, Ok(false) if the system was gone already
        /// (stopped and cleaned up, or never created): nothing to do. Waits up to `timeout`
        /// (None: without limit); on timeout the work goes on in HCS.
        pub fn $blocking(&self, options: Option<&str>, timeout: Option<Duration>) -> Result<bool> {
            let text = optional_c_string(options, stringify!($sync_fn), "options")?;
            // SAFETY: valid strings and out-pointer.
            with_document(stringify!($sync_fn), |out| unsafe { sys::$sync_fn(self.handle, as_ptr(&text), timeout_ms(timeout), out) }).map(|(status, _)| status == sys::ZLHCS_S_OK)
        }
    };
}

impl ComputeSystem {
    /// Takes ownership of a raw zlhcs_system handle.
    ///
    /// # Safety
    /// `handle` must be a zlhcs_system that nothing else closes.
    pub unsafe fn from_raw(handle: sys::zlhcs_system) -> ComputeSystem {
        ComputeSystem { handle }
    }

    /// The raw handle (valid while self lives).
    pub fn as_raw(&self) -> sys::zlhcs_system {
        self.handle
    }

    /// Gives up ownership of the handle without closing it.
    pub fn into_raw(self) -> sys::zlhcs_system {
        let handle = self.handle;
        std::mem::forget(self);
        handle
    }

    /// Creates a compute system from its configuration (a `schema::ComputeSystem` or JSON text);
    /// `id` None lets HCS choose a GUID. Completes once HCS has created it (not started).
    /// Dropping the future before then closes the new handle (see the type's docs).
    pub async fn create<D: Document + ?Sized>(id: Option<&str>, configuration: &D) -> Result<ComputeSystem> {
        Self::create_with(id, configuration, &CallOptions::default()).await
    }

    /// [`create`](Self::create) with call options (namespace, security descriptor).
    pub async fn create_with<D: Document + ?Sized>(
        id: Option<&str>,
        configuration: &D,
        options: &CallOptions,
    ) -> Result<ComputeSystem> {
        const FUNCTION: &str = "zlhcs_system_create_async";
        let id = optional_id(id, FUNCTION)?;
        let configuration = c_string(&configuration.to_json()?, FUNCTION, "configuration")?;
        let mut system: sys::zlhcs_system = 0;
        // The raw options hold raw pointers (not Send): a block keeps them out of the future's
        // state across the `.await`.
        let operation = {
            let raw_options = options.to_raw(FUNCTION)?;
            Operation::start(FUNCTION, |cb, out| unsafe {
                // SAFETY: every pointer is valid for the call; out-parameters are ours.
                sys::zlhcs_system_create_async(
                    as_ptr(&id),
                    configuration.as_ptr(),
                    raw_options.as_ptr(),
                    cb.callback,
                    cb.context,
                    cb.release,
                    &mut system,
                    out,
                )
            })?
        };
        // Held from here on: if the creation fails, or this future is dropped, the handle is
        // closed (the creating crate's leak zlhcs exists to fix).
        let system = ComputeSystem { handle: system };
        operation.await?;
        Ok(system)
    }

    /// The blocking form of [`create`](Self::create), waiting up to `timeout` (None: without
    /// limit). If HCS has not finished by then, the error's category is Timeout and the handle
    /// zlhcs handed out is closed (terminating the system if ShouldTerminateOnLastHandleClosed;
    /// otherwise HCS goes on creating it and it can be opened by id).
    pub fn create_blocking<D: Document + ?Sized>(
        id: Option<&str>,
        configuration: &D,
        timeout: Option<Duration>,
    ) -> Result<ComputeSystem> {
        const FUNCTION: &str = "zlhcs_system_create";
        let id = optional_id(id, FUNCTION)?;
        let configuration = c_string(&configuration.to_json()?, FUNCTION, "configuration")?;
        let mut system: sys::zlhcs_system = 0;
        let mut document = OutString::new();
        // SAFETY: valid strings and out-pointers.
        let status = unsafe {
            sys::zlhcs_system_create(
                as_ptr(&id),
                configuration.as_ptr(),
                ptr::null(),
                timeout_ms(timeout),
                &mut system,
                document.as_out(),
            )
        };
        if status < 0 {
            let error = Error::last(status, FUNCTION, document.take());
            if system != 0 {
                drop(ComputeSystem { handle: system });
            }
            return Err(error);
        }
        Ok(ComputeSystem { handle: system })
    }

    /// Opens an existing compute system by id.
    pub fn open(id: &str) -> Result<ComputeSystem> {
        let id = c_string(id, "zlhcs_system_open", "id")?;
        let mut system: sys::zlhcs_system = 0;
        // SAFETY: a valid string and out-pointer.
        let status = unsafe { sys::zlhcs_system_open(id.as_ptr(), ptr::null(), &mut system) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_system_open", None));
        }
        Ok(ComputeSystem { handle: system })
    }

    /// The system's id.
    pub fn id(&self) -> Result<String> {
        let mut id = OutString::new();
        // SAFETY: a valid out-pointer.
        let status = unsafe { sys::zlhcs_system_id(self.handle, id.as_out()) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_system_id", None));
        }
        Ok(id.take().unwrap_or_default())
    }

    system_operation!(
        /// Starts the system. `options` is optional JSON (None or "" reach HCS as NULL);
        /// completes with HCS's result document, if any.
        start, start_blocking, zlhcs_system_start_async, zlhcs_system_start, options
    );
    system_stop!(
        /// Asks the system to shut down gracefully (a VM's guest or a container's init). Use a
        /// timeout and then [`terminate`](Self::terminate): a guest may ignore the request.
        shutdown, shutdown_blocking, zlhcs_system_shutdown_async, zlhcs_system_shutdown
    );
    system_stop!(
        /// Terminates the system forcefully.
        terminate, terminate_blocking, zlhcs_system_terminate_async, zlhcs_system_terminate
    );
    system_operation!(
        /// Pauses a VM (containers: NotSupported).
        pause, pause_blocking, zlhcs_system_pause_async, zlhcs_system_pause, options
    );
    system_operation!(
        /// Resumes a paused VM.
        resume, resume_blocking, zlhcs_system_resume_async, zlhcs_system_resume, options
    );
    system_operation!(
        /// Saves a VM's state (SaveOptions JSON).
        save, save_blocking, zlhcs_system_save_async, zlhcs_system_save, options
    );
    system_operation!(
        /// Crashes a VM on purpose (CrashOptions JSON), for crash-dump tests.
        crash, crash_blocking, zlhcs_system_crash_async, zlhcs_system_crash, options
    );
    system_operation!(
        /// The system's properties as HCS's JSON: `query` is a System_PropertyQuery
        /// (`{"PropertyTypes":["Statistics"]}`) or None for the basic ones.
        properties_json, properties_json_blocking, zlhcs_system_properties_async, zlhcs_system_properties, query
    );

    /// One typed property: `system.properties::<schema::Statistics>().await`, or
    /// `Vec<schema::ProcessDetails>` (ProcessList), `schema::MemoryInformationForVm` (Memory),
    /// `schema::GuestConnectionInfo`, or `schema::Properties` for the basic properties.
    /// Fails with NotSupported if HCS's answer lacks it.
    pub async fn properties<P: Property>(&self) -> Result<P> {
        let document = self.properties_json(P::QUERY).await?;
        P::from_document(document.as_deref().unwrap_or(""))
    }

    /// The blocking form of [`properties`](Self::properties).
    pub fn properties_blocking<P: Property>(&self, timeout: Option<Duration>) -> Result<P> {
        let document = self.properties_json_blocking(P::QUERY, timeout)?;
        P::from_document(document.as_deref().unwrap_or(""))
    }

    /// The system's statistics (`properties::<schema::Statistics>()`); see
    /// [`crate::statistics`] for CPU usage between two samples and how often to sample.
    pub async fn statistics(&self) -> Result<schema::Statistics> {
        self.properties::<schema::Statistics>().await
    }

    /// Modifies the system: `settings` is a ModifySettingRequest (typed or JSON).
    pub async fn modify<D: Document + ?Sized>(&self, settings: &D) -> Result<Option<String>> {
        const FUNCTION: &str = "zlhcs_system_modify_async";
        let settings = c_string(&settings.to_json()?, FUNCTION, "settings")?;
        let handle = self.handle;
        Operation::start(FUNCTION, |cb, out| unsafe {
            // SAFETY: settings outlives the call.
            sys::zlhcs_system_modify_async(
                handle,
                settings.as_ptr(),
                ptr::null(),
                cb.callback,
                cb.context,
                cb.release,
                out,
            )
        })?
        .await
    }

    /// The blocking form of [`modify`](Self::modify).
    pub fn modify_blocking<D: Document + ?Sized>(
        &self,
        settings: &D,
        timeout: Option<Duration>,
    ) -> Result<Option<String>> {
        const FUNCTION: &str = "zlhcs_system_modify";
        let settings = c_string(&settings.to_json()?, FUNCTION, "settings")?;
        // SAFETY: valid strings and out-pointer.
        with_document(FUNCTION, |out| unsafe {
            sys::zlhcs_system_modify(self.handle, settings.as_ptr(), ptr::null(), timeout_ms(timeout), out)
        })
        .map(|(_, document)| document)
    }

    /// Completes when the system has exited, with its exit status; at once if it already has.
    /// No polling: zlhcs completes the watch from HCS's exit notification.
    pub async fn wait_exit(&self) -> Result<SystemExit> {
        let handle = self.handle;
        let document = Operation::start("zlhcs_system_wait_exit_async", |cb, out| unsafe {
            // SAFETY: out is ours.
            sys::zlhcs_system_wait_exit_async(handle, cb.callback, cb.context, cb.release, out)
        })?
        .await?;
        Ok(SystemExit { document })
    }

    /// The blocking form of [`wait_exit`](Self::wait_exit).
    pub fn wait_exit_blocking(&self, timeout: Option<Duration>) -> Result<SystemExit> {
        // SAFETY: a valid out-pointer.
        with_document("zlhcs_system_wait_exit", |out| unsafe {
            sys::zlhcs_system_wait_exit(self.handle, timeout_ms(timeout), out)
        })
        .map(|(_, document)| SystemExit { document })
    }

    /// The system's events as a `Stream` (see [`EventStream`]).
    pub fn events(&self, mask: EventMask) -> Result<EventStream> {
        EventStream::system(self.handle, mask)
    }

    /// The system's events delivered to `callback` on zlhcs's delivery threads, until the
    /// returned [`Subscription`] is dropped or the system handle is closed.
    pub fn subscribe<F>(&self, mask: EventMask, callback: F) -> Result<Subscription>
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        Subscription::system(self.handle, mask, callback)
    }
}

fn optional_id(id: Option<&str>, function: &'static str) -> Result<Option<CString>> {
    match id {
        Some(text) => c_string(text, function, "id").map(Some),
        None => Ok(None),
    }
}

impl Drop for ComputeSystem {
    fn drop(&mut self) {
        // SAFETY: the handle is ours; closing wakes its waiters and never waits on a callback.
        unsafe { sys::zlhcs_system_close(self.handle) };
    }
}
