//! A bounded hand-off from a producer thread (a zlhcs delivery thread, a stdio reader) to an
//! async consumer polled by any executor: the producer waits while the consumer is `capacity`
//! items behind, the consumer's `Waker` is woken on every item and at the end. Used by
//! `EventStream` and `OutputStream`.
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

struct State<T> {
    items: VecDeque<T>,
    /// Nothing more will come.
    ended: bool,
    /// The consumer is gone: a waiting producer gives up.
    closed: bool,
    waker: Option<Waker>,
}

pub(crate) struct Handoff<T> {
    state: Mutex<State<T>>,
    space: Condvar,
    capacity: usize,
}

impl<T> Handoff<T> {
    pub(crate) fn new(capacity: usize) -> Handoff<T> {
        Handoff {
            state: Mutex::new(State { items: VecDeque::new(), ended: false, closed: false, waker: None }),
            space: Condvar::new(),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic elsewhere never makes the state unusable: it is plain data.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands `item` over, first waiting while the consumer is `capacity` items behind; `last`
    /// ends the hand-off after it. Returns false (dropping the item) if the consumer is gone or
    /// the hand-off had ended: the producer should stop.
    pub(crate) fn push(&self, item: T, last: bool) -> bool {
        let waker = {
            let mut state = self.lock();
            while state.items.len() >= self.capacity && !state.closed {
                state = self.space.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            if state.closed || state.ended {
                return false;
            }
            state.items.push_back(item);
            state.ended = last;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        true
    }

    /// Nothing more will come: the consumer gets what is queued, then the end.
    pub(crate) fn end(&self) {
        let waker = {
            let mut state = self.lock();
            state.ended = true;
            state.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The consumer is gone: a producer waiting for space returns at once.
    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.space.notify_all();
    }

    /// The next item, the end (None), or Pending with the waker stored.
    pub(crate) fn poll_next(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut state = self.lock();
        if let Some(item) = state.items.pop_front() {
            drop(state);
            self.space.notify_one();
            return Poll::Ready(Some(item));
        }
        if state.ended {
            return Poll::Ready(None);
        }
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
