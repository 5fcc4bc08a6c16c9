//! A process in a compute system: create, open, signal, terminate, modify, exit, stdio.
use std::ptr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
use crate::stdio::{Stderr, Stdin, Stdout};
use crate::system::ComputeSystem;

/// The process handle, shared by the Process and its stdio objects: closed when the last of
/// them is dropped.
#[derive(Debug)]
pub(crate) struct ProcessHandle {
    pub(crate) handle: sys::zlhcs_process,
}

impl Drop for ProcessHandle {
    fn drop(&mut self) {
        // SAFETY: the handle is ours; closing never ends the process (HcsCloseProcess does not).
        unsafe { sys::zlhcs_process_close(self.handle) };
    }
}

/// A process handle (zlhcs_process). Dropping it closes the handle once its stdio objects are
/// gone too; that never ends the process (terminate it first if it must end).
///
/// `Send + Sync`: the handle is a number zlhcs validates on every call, and every zlhcs
/// function is thread-safe.
#[derive(Debug)]
pub struct Process {
    inner: Arc<ProcessHandle>,
    taken: [AtomicBool; 3],
}

macro_rules! process_operation {
    ($(#[$doc:meta])* $name:ident, $blocking:ident, $async_fn:ident, $sync_fn:ident, $param:ident) => {
        $(#[$doc])*
        pub async fn $name(&self, $param: Option<&str>) -> Result<Option<String>> {
            let text = optional_c_string($param, stringify!($async_fn), stringify!($param))?;
            let handle = self.inner.handle;
            Operation::start(stringify!($async_fn), |cb, out| unsafe {
                // SAFETY: text outlives the call.
                sys::$async_fn(handle, as_ptr(&text), cb.callback, cb.context, cb.release, out)
            })?
            .await
        }

        /// The blocking form, waiting up to `timeout` (None: without limit).
        pub fn $blocking(&self, $param: Option<&str>, timeout: Option<Duration>) -> Result<Option<String>> {
            let text = optional_c_string($param, stringify!($sync_fn), stringify!($param))?;
            // SAFETY: valid strings and out-pointer.
            with_document(stringify!($sync_fn), |out| unsafe { sys::$sync_fn(self.inner.handle, as_ptr(&text), timeout_ms(timeout), out) }).map(|(_, document)| document)
        }
    };
}

impl Process {
    fn wrap(handle: sys::zlhcs_process) -> Process {
        Process {
            inner: Arc::new(ProcessHandle { handle }),
            taken: [AtomicBool::new(false), AtomicBool::new(false), AtomicBool::new(false)],
        }
    }

    /// The raw handle (valid while self lives).
    pub fn as_raw(&self) -> sys::zlhcs_process {
        self.inner.handle
    }

    /// Starts a process in `system` from its ProcessParameters (typed or JSON). Ask for the
    /// pipes you want (`CreateStdInPipe`, `CreateStdOutPipe`, `CreateStdErrPipe`) and take them
    /// with [`take_stdin`](Self::take_stdin) and friends. Completes once HCS has started it;
    /// dropping the future before then closes the new handle.
    pub async fn create<D: Document + ?Sized>(system: &ComputeSystem, parameters: &D) -> Result<Process> {
        Self::create_with(system, parameters, &CallOptions::default()).await
    }

    /// [`create`](Self::create) with call options.
    pub async fn create_with<D: Document + ?Sized>(
        system: &ComputeSystem,
        parameters: &D,
        options: &CallOptions,
    ) -> Result<Process> {
        const FUNCTION: &str = "zlhcs_process_create_async";
        let parameters = c_string(&parameters.to_json()?, FUNCTION, "parameters")?;
        let mut process: sys::zlhcs_process = 0;
        let system = system.as_raw();
        // Raw options are not Send: the block keeps them out of the future across `.await`.
        let operation = {
            let raw_options = options.to_raw(FUNCTION)?;
            Operation::start(FUNCTION, |cb, out| unsafe {
                // SAFETY: valid pointers for the call; out-parameters are ours.
                sys::zlhcs_process_create_async(
                    system,
                    parameters.as_ptr(),
                    raw_options.as_ptr(),
                    cb.callback,
                    cb.context,
                    cb.release,
                    &mut process,
                    out,
                )
            })?
        };
        // Held from here on: closed if the creation fails or this future is dropped.
        let process = Process::wrap(process);
        operation.await?;
        Ok(process)
    }

    /// The blocking form of [`create`](Self::create), waiting up to `timeout`. On timeout the
    /// handle zlhcs handed out is closed (the process, if HCS still starts it, runs on).
    pub fn create_blocking<D: Document + ?Sized>(
        system: &ComputeSystem,
        parameters: &D,
        timeout: Option<Duration>,
    ) -> Result<Process> {
        const FUNCTION: &str = "zlhcs_process_create";
        let parameters = c_string(&parameters.to_json()?, FUNCTION, "parameters")?;
        let mut process: sys::zlhcs_process = 0;
        let mut document = OutString::new();
        // SAFETY: valid pointers and out-parameters.
        let status = unsafe {
            sys::zlhcs_process_create(
                system.as_raw(),
                parameters.as_ptr(),
                ptr::null(),
                timeout_ms(timeout),
                &mut process,
                document.as_out(),
            )
        };
        if status < 0 {
            let error = Error::last(status, FUNCTION, document.take());
            if process != 0 {
                drop(Process::wrap(process));
            }
            return Err(error);
        }
        Ok(Process::wrap(process))
    }

    /// Opens a running process of `system` by pid (it has no stdio pipes).
    pub fn open(system: &ComputeSystem, process_id: u32) -> Result<Process> {
        let mut process: sys::zlhcs_process = 0;
        // SAFETY: a valid out-pointer.
        let status = unsafe { sys::zlhcs_process_open(system.as_raw(), process_id, &mut process) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_open", None));
        }
        Ok(Process::wrap(process))
    }

    /// The process id.
    pub fn id(&self) -> Result<u32> {
        let mut pid = 0u32;
        // SAFETY: a valid out-pointer.
        let status = unsafe { sys::zlhcs_process_id(self.inner.handle, &mut pid) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_id", None));
        }
        Ok(pid)
    }

    process_operation!(
        /// Sends a signal (ProcessSignalOptions JSON, e.g. `{"Signal":"CtrlC"}`; None: HCS's
        /// default). The blocking form's Ok(None) also covers "already gone".
        signal, signal_blocking, zlhcs_process_signal_async, zlhcs_process_signal, options
    );
    process_operation!(
        /// Terminates the process.
        terminate, terminate_blocking, zlhcs_process_terminate_async, zlhcs_process_terminate, options
    );
    process_operation!(
        /// The process's properties (a ProcessStatus JSON document; `query` as HCS takes it).
        properties, properties_blocking, zlhcs_process_properties_async, zlhcs_process_properties, query
    );

    /// Modifies the process: a ProcessModifyRequest (typed or JSON).
    pub async fn modify<D: Document + ?Sized>(&self, settings: &D) -> Result<Option<String>> {
        const FUNCTION: &str = "zlhcs_process_modify_async";
        let settings = c_string(&settings.to_json()?, FUNCTION, "settings")?;
        let handle = self.inner.handle;
        Operation::start(FUNCTION, |cb, out| unsafe {
            // SAFETY: settings outlives the call.
            sys::zlhcs_process_modify_async(handle, settings.as_ptr(), cb.callback, cb.context, cb.release, out)
        })?
        .await
    }

    /// Resizes the process's console (blocking, up to `timeout`).
    pub fn resize_console(&self, width: u16, height: u16, timeout: Option<Duration>) -> Result<()> {
        // SAFETY: a valid out-pointer.
        with_document("zlhcs_process_resize_console", |out| unsafe {
            sys::zlhcs_process_resize_console(self.inner.handle, width, height, timeout_ms(timeout), out)
        })
        .map(|_| ())
    }

    /// Completes with the exit code once the process has exited; at once if it already has.
    /// No polling: the watch completes from HCS's exit notification.
    pub async fn wait_exit(&self) -> Result<u32> {
        let handle = self.inner.handle;
        Operation::start("zlhcs_process_wait_exit_async", |cb, out| unsafe {
            // SAFETY: out is ours.
            sys::zlhcs_process_wait_exit_async(handle, cb.callback, cb.context, cb.release, out)
        })?
        .await?;
        self.exit_code()
    }

    /// The blocking form of [`wait_exit`](Self::wait_exit), up to `timeout`.
    pub fn wait_exit_blocking(&self, timeout: Option<Duration>) -> Result<u32> {
        let mut code = 0u32;
        // SAFETY: a valid out-pointer.
        let status = unsafe { sys::zlhcs_process_wait_exit(self.inner.handle, timeout_ms(timeout), &mut code) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_wait_exit", None));
        }
        Ok(code)
    }

    /// The exit code of an exited process, at once (category Pending while it runs).
    pub fn exit_code(&self) -> Result<u32> {
        let mut code = 0u32;
        // SAFETY: a valid out-pointer.
        let status = unsafe { sys::zlhcs_process_exit_code(self.inner.handle, &mut code) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_process_exit_code", None));
        }
        Ok(code)
    }

    /// The process's stdin, the first time (None afterwards). Writing blocks until the pipe
    /// takes the bytes; dropping it (or `close()`) ends the process's stdin.
    pub fn take_stdin(&self) -> Option<Stdin> {
        self.take(0).then(|| Stdin::new(Arc::clone(&self.inner)))
    }

    /// The process's stdout, the first time (None afterwards).
    pub fn take_stdout(&self) -> Option<Stdout> {
        self.take(1).then(|| Stdout::new(Arc::clone(&self.inner), sys::ZLHCS_STDOUT))
    }

    /// The process's stderr, the first time (None afterwards).
    pub fn take_stderr(&self) -> Option<Stderr> {
        self.take(2).then(|| Stderr::new(Arc::clone(&self.inner), sys::ZLHCS_STDERR))
    }

    fn take(&self, index: usize) -> bool {
        !self.taken[index].swap(true, Ordering::AcqRel)
    }

    /// The process's events as a `Stream` (ProcessExited, ServiceDisconnect).
    pub fn events(&self, mask: EventMask) -> Result<EventStream> {
        EventStream::process(self.inner.handle, mask)
    }

    /// The process's events delivered to `callback` (see [`Subscription`]).
    pub fn subscribe<F>(&self, mask: EventMask, callback: F) -> Result<Subscription>
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        Subscription::process(self.inner.handle, mask, callback)
    }
}
