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
/** Delivers events, then runs the operation's completion for a dequeued task. Called by a
 *  worker with `lock` held; releases it around user callbacks and returns with it held. */
void run_task(State& s, std::unique_lock<std::mutex>& lock, const std::shared_ptr<Task>& task);

}  // namespace hcsim
