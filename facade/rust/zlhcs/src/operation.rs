//! One asynchronous HCS call as a `Future` that works under any executor.
//!
//! The call's context is an `Arc<Completion>` given to zlhcs as a raw pointer: the completion
//! callback marks it done and wakes the stored `Waker`; the release notifier, which zlhcs calls
//! exactly once after the last callback (or once it is certain there will be none), drops that
//! reference. So the context outlives every use zlhcs makes of it, and is freed exactly once,
//! whoever finishes first: the operation completing, or the future being dropped (which closes
//! the operation: zlhcs then never calls the callback, and HCS finishes the work and drops its
//! result, since HCS cannot stop work once started).
use std::future::Future;
use std::os::raw::c_void;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::ffi::{no_unwind, OutString};

#[derive(Default)]
struct CompletionState {
    done: bool,
    waker: Option<Waker>,
}

/// What the callback and the future share.
#[derive(Default)]
pub(crate) struct Completion {
    state: Mutex<CompletionState>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere never makes the state unusable: it is plain data.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Completion {
    fn complete(&self) {
        let waker = {
            let mut state = lock(&self.state);
            state.done = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn poll_done(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = lock(&self.state);
        if state.done {
            return Poll::Ready(());
        }
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

extern "system" fn on_complete(_operation: sys::zlhcs_operation, _result: sys::zlhcs_hresult, context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: `context` is the Arc<Completion> reference given in Operation::start, alive
        // until on_release, which zlhcs never calls before or during this callback.
        let completion = unsafe { &*(context as *const Completion) };
        completion.complete();
    });
}

extern "system" fn on_release(context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: called exactly once per successful start, after the last callback: the
        // reference Operation::start leaked is dropped here and nowhere else.
        drop(unsafe { Arc::from_raw(context as *const Completion) });
    });
}

/// The callback triple every `*_async` function of zlhcs takes.
pub(crate) struct Callback {
    pub(crate) callback: sys::zlhcs_operation_callback,
    pub(crate) context: *mut c_void,
    pub(crate) release: sys::zlhcs_release_callback,
}

/// A started HCS operation. Awaiting it gives the operation's result document; dropping it
/// before then closes the operation (the work goes on in HCS; its result is dropped).
#[must_use = "dropping an Operation abandons it (HCS still does the work)"]
pub struct Operation {
    handle: sys::zlhcs_operation,
    completion: Arc<Completion>,
    function: &'static str,
}

impl Operation {
    /// Starts an operation: `start` calls the `*_async` function with the callback triple and
    /// the out-parameter for the operation handle, and returns its status. On failure the
    /// error is read at once, on this thread.
    pub(crate) fn start<F>(function: &'static str, start: F) -> Result<Operation>
    where
        F: FnOnce(Callback, *mut sys::zlhcs_operation) -> sys::zlhcs_hresult,
    {
        let completion = Arc::new(Completion::default());
        let context = Arc::into_raw(Arc::clone(&completion)) as *mut c_void;
        let mut handle: sys::zlhcs_operation = 0;
        let triple = Callback { callback: Some(on_complete), context, release: Some(on_release) };
        let status = start(triple, &mut handle);
        if status < 0 {
            let error = Error::last(status, function, None);
            // SAFETY: the start failed, so zlhcs never calls the callback or the release
            // notifier (zlhcs.h, "Asynchrony"): the leaked reference is ours to drop.
            drop(unsafe { Arc::from_raw(context as *const Completion) });
            return Err(error);
        }
        Ok(Operation { handle, completion, function })
    }

    /// The raw zlhcs_operation handle (valid while this Operation lives).
    pub fn as_raw(&self) -> sys::zlhcs_operation {
        self.handle
    }

    /// Asks HCS to cancel the operation (zlhcs_operation_cancel). Today's HCS does not
    /// implement it for most operations (ZLHCS_E_NOT_SUPPORTED); exit watches can be
    /// cancelled. Ok(true) if a cancel was requested, Ok(false) if it had completed already.
    pub fn cancel(&self) -> Result<bool> {
        // SAFETY: a validated handle.
        let status = unsafe { sys::zlhcs_operation_cancel(self.handle) };
        if status < 0 {
            return Err(Error::last(status, "zlhcs_operation_cancel", None));
        }
        Ok(status == sys::ZLHCS_S_OK)
    }

    /// The result of the completed operation: its document on success, its error otherwise.
    fn result(&self) -> Result<Option<String>> {
        let mut document = OutString::new();
        // SAFETY: a validated handle and an out-pointer freed by OutString.
        let status = unsafe { sys::zlhcs_operation_result(self.handle, document.as_out()) };
        if status < 0 {
            return Err(Error::of_operation(self.handle, status, self.function));
        }
        Ok(document.take())
    }
}

impl Future for Operation {
    type Output = Result<Option<String>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.completion.poll_done(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(self.result()),
        }
    }
}

impl Drop for Operation {
    fn drop(&mut self) {
        // SAFETY: the handle is ours; closing never waits for a running callback, and the
        // release notifier frees the context whenever zlhcs is done with it.
        unsafe { sys::zlhcs_operation_close(self.handle) };
    }
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation").field("handle", &self.handle).field("function", &self.function).finish()
    }
}

// Operation is Send and Sync: its handle is a plain number validated by zlhcs on every call,
// and every zlhcs function may be called from any thread (zlhcs.h, "Threads"); Completion is
// a Mutex. (Both traits are derived automatically from the fields; this comment says why that
// is sound.)
