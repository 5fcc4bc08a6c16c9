// Operations: starting, aborting and completing them (operations.cpp).
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "objects.h"

namespace hcsim {


/** The lock of an entry point that may start an operation. It is State::mutex, and more: with
 *  HCSIM_BEHAVIOR_INLINE_COMPLETION an operation started under it with no latency does not go
 *  to the workers but completes when this lock is released -- on the caller's thread, before
 *  the entry point returns (its callback and events run with the mutex released). */
class OperationCallLock {
public:
    explicit OperationCallLock(State& s);
    ~OperationCallLock();
    OperationCallLock(const OperationCallLock&) = delete;
    OperationCallLock& operator=(const OperationCallLock&) = delete;

    /** The innermost such lock held by this thread, or nullptr. */
    static OperationCallLock* current() noexcept;
    /** Runs `task` when the lock is released (lock held). */
    void defer_inline(std::shared_ptr<Task> task) { inline_tasks_.push_back(std::move(task)); }

private:
    State& state_;
    std::unique_lock<std::mutex> lock_;
    OperationCallLock* outer_;
    std::vector<std::shared_ptr<Task>> inline_tasks_;
};

/** Starts `op` (lock held, op NotStarted): queues its work after the entry point's latency. */
void start_operation_locked(State& s, const std::shared_ptr<Operation>& op, const char* function,
                            HCS_OPERATION_TYPE type, uintptr_t system, Work work);
/** Replaces a pending operation's work by a failure and makes it complete now. */
void abort_operation_locked(State& s, const std::shared_ptr<Operation>& op, HRESULT failure,
                            const char* why);
/** What a completed task leaves to deliver: the handles whose queued events to deliver, then
 *  the operation whose completion callback to call (if it completed now). */
struct Delivery {
    std::vector<std::shared_ptr<EventTarget>> drain;
    std::shared_ptr<Operation> completed;
    // The first callback a task makes is committed with its state change (a claim on its
    // gate): a close that follows a wait which saw the change waits for that callback, as when
    // one thread made the change and began delivering without releasing the lock. An event is
    // committed in its handle's queue (QueuedEvent::committed); this says the operation's
    // completion callback was.
    bool operation_claimed = false;
};

/** The first half of a dequeued task, lock held, no user code: makes the operation's state
 *  change and queues its events. The scheduler runs these one at a time in due order, so the
 *  state changes of operations take effect in the order they were due. */
Delivery complete_task_locked(State& s, const std::shared_ptr<Task>& task);
/** The second half: delivers the events, then the completion callback. Called with `lock`
 *  held; releases it around user callbacks and returns with it held. */
void deliver_locked(State& s, std::unique_lock<std::mutex>& lock, const Delivery& delivery);

}  // namespace hcsim
