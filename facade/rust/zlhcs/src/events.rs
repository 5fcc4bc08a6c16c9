//! Event delivery: a `Stream` of events, or a callback.
//!
//! Both subscribe with a zlhcs callback whose context is Rust-owned (an `Arc<Queue>` or a boxed
//! closure) and a release notifier that frees it: zlhcs calls the notifier exactly once, after
//! the last callback has returned, whoever ends the subscription (dropping the stream, closing
//! the system or process handle, a service disconnect).
use std::os::raw::c_void;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use zlhcs_sys as sys;

use crate::error::{Error, Result};
use crate::event::{Event, EventMask};
use crate::ffi::no_unwind;
use crate::handoff::Handoff;

/// How many events a stream holds before the delivery thread waits for the consumer (after
/// which zlhcs's own queue, of the same size, fills and reports EventsLost).
const STREAM_CAPACITY: usize = 1024;

/// What the stream's zlhcs callback and the stream share.
type Queue = Handoff<Event>;

extern "system" fn queue_event(event: *const sys::zlhcs_event, context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: context is the Arc<Queue> reference leaked at subscription, alive until
        // queue_release; event is valid during this call.
        let queue = unsafe { &*(context as *const Queue) };
        let event = unsafe { Event::from_raw(event) };
        let last = event.kind.is_final();
        // Waits (on zlhcs's delivery thread of this subscription only, which zlhcs allows)
        // while the consumer is behind.
        queue.push(event, last);
    });
}

extern "system" fn queue_release(context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: called once, after the last queue_event: the leaked reference is dropped here.
        let queue = unsafe { Arc::from_raw(context as *const Queue) };
        queue.end();
    });
}

type Subscribe = unsafe extern "system" fn(
    sys::zlhcs_handle,
    u32,
    u32,
    sys::zlhcs_event_callback,
    *mut c_void,
    sys::zlhcs_release_callback,
    *mut sys::zlhcs_subscription,
) -> sys::zlhcs_hresult;

/// A compute system's or process's events as a `futures_core::Stream`, under any executor.
///
/// The stream ends (yields `None`) after a final event (SystemExited, ProcessExited,
/// ServiceDisconnect), or when the subscription ends otherwise (its system or process handle
/// was closed). Events come in HCS's order, numbered per subscription; if the consumer falls
/// more than 1024 events behind, zlhcs drops the newest and yields one `EventsLost` record
/// saying how many. Dropping the stream closes the subscription. For a blocking consumer,
/// `futures_executor::block_on_stream(stream)` is an iterator.
pub struct EventStream {
    subscription: sys::zlhcs_subscription,
    queue: Arc<Queue>,
}

impl EventStream {
    pub(crate) fn system(system: sys::zlhcs_system, mask: EventMask) -> Result<EventStream> {
        Self::subscribe(sys::zlhcs_system_subscribe, "zlhcs_system_subscribe", system, mask)
    }

    pub(crate) fn process(process: sys::zlhcs_process, mask: EventMask) -> Result<EventStream> {
        Self::subscribe(sys::zlhcs_process_subscribe, "zlhcs_process_subscribe", process, mask)
    }

    fn subscribe(
        subscribe: Subscribe,
        function: &'static str,
        source: sys::zlhcs_handle,
        mask: EventMask,
    ) -> Result<EventStream> {
        let queue = Arc::new(Queue::new(STREAM_CAPACITY));
        let context = Arc::into_raw(Arc::clone(&queue)) as *mut c_void;
        let mut subscription: sys::zlhcs_subscription = 0;
        // SAFETY: the callback triple owns one reference to the queue (freed by queue_release).
        let status =
            unsafe { subscribe(source, mask.0, 0, Some(queue_event), context, Some(queue_release), &mut subscription) };
        if status < 0 {
            let error = Error::last(status, function, None);
            // SAFETY: a failed subscribe never calls the release notifier: the reference is ours.
            drop(unsafe { Arc::from_raw(context as *const Queue) });
            return Err(error);
        }
        Ok(EventStream { subscription, queue })
    }

    /// The raw zlhcs_subscription handle.
    pub fn as_raw(&self) -> sys::zlhcs_subscription {
        self.subscription
    }
}

impl Stream for EventStream {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.queue.poll_next(cx)
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.queue.close();
        // SAFETY: the handle is ours. Outside a callback this never waits; the release
        // notifier frees zlhcs's reference to the queue.
        unsafe { sys::zlhcs_subscription_close(self.subscription) };
    }
}

type Handler = Box<dyn Fn(&Event) + Send + Sync>;

extern "system" fn handler_event(event: *const sys::zlhcs_event, context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: context is the Box<Handler> leaked at subscription, alive until
        // handler_release; zlhcs never runs this concurrently with the release.
        let handler = unsafe { &*(context as *const Handler) };
        let event = unsafe { Event::from_raw(event) };
        handler(&event);
    });
}

extern "system" fn handler_release(context: *mut c_void) {
    no_unwind(|| {
        // SAFETY: called once, after the last handler_event.
        drop(unsafe { Box::from_raw(context as *mut Handler) });
    });
}

/// A callback subscription: the callback runs on a zlhcs delivery thread, one event at a time
/// and in order, until this is dropped or the system/process handle is closed. Dropped outside
/// the callback, the drop waits for a call in progress, and the callback is never called again;
/// dropped inside it (its own or another subscription's), it never waits, and a call in
/// progress elsewhere may still be finishing. The closure is freed once no call can come. A
/// panic in the callback is caught at the boundary and that event is lost to it; it never
/// unwinds into zlhcs.
pub struct Subscription {
    subscription: sys::zlhcs_subscription,
}

impl Subscription {
    pub(crate) fn system<F>(system: sys::zlhcs_system, mask: EventMask, callback: F) -> Result<Subscription>
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        Self::subscribe(sys::zlhcs_system_subscribe, "zlhcs_system_subscribe", system, mask, Box::new(callback))
    }

    pub(crate) fn process<F>(process: sys::zlhcs_process, mask: EventMask, callback: F) -> Result<Subscription>
    where
        F: Fn(&Event) + Send + Sync + 'static,
    {
        Self::subscribe(sys::zlhcs_process_subscribe, "zlhcs_process_subscribe", process, mask, Box::new(callback))
    }

    fn subscribe(
        subscribe: Subscribe,
        function: &'static str,
        source: sys::zlhcs_handle,
        mask: EventMask,
        handler: Handler,
    ) -> Result<Subscription> {
        let context = Box::into_raw(Box::new(handler)) as *mut c_void;
        let mut subscription: sys::zlhcs_subscription = 0;
        // SAFETY: the callback triple owns the boxed handler (freed by handler_release).
        let status = unsafe {
            subscribe(source, mask.0, 0, Some(handler_event), context, Some(handler_release), &mut subscription)
        };
        if status < 0 {
            let error = Error::last(status, function, None);
            // SAFETY: a failed subscribe never calls the release notifier: the box is ours.
            drop(unsafe { Box::from_raw(context as *mut Handler) });
            return Err(error);
        }
        Ok(Subscription { subscription })
    }

    /// The raw zlhcs_subscription handle.
    pub fn as_raw(&self) -> sys::zlhcs_subscription {
        self.subscription
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        // SAFETY: the handle is ours.
        unsafe { sys::zlhcs_subscription_close(self.subscription) };
    }
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("subscription", &self.subscription).finish()
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("subscription", &self.subscription).finish()
    }
}
