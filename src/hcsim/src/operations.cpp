// HCS_OPERATION: creation, single use, completion on workers, wait, cancel, close.
#include <gsl/gsl>

#include <utility>

#include "json.h"
#include "entry_point.h"
#include "program_io.h"
#include "objects.h"
#include "operations.h"
#include "control.h"
#include "worker.h"
#include "events.h"
#include "result_strings.h"

namespace hcsim {
namespace {

HCS_OPERATION as_handle(uintptr_t value) { return reinterpret_cast<HCS_OPERATION>(value); }

// The result of a completed operation, copied out for the caller (lock held). A successful
// process operation also fills *process_information: the pid and, the first time only, the
// caller's ends of the pipes (ownership passes to the caller).
HRESULT completed_result_locked(Operation& op, PWSTR* document,
                                HCS_PROCESS_INFORMATION* process_information = nullptr) {
    if (op.broken_result) return E_INVALIDARG;  // HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT
    if (!store_result_string(document, op.document)) return HCS_E_OPERATION_RESULT_ALLOCATION_FAILED;
    if (process_information != nullptr && SUCCEEDED(op.result) && op.process_id) {
        process_information->ProcessId = *op.process_id;
        if (op.process_ends) {
            process_information->StdInput = std::exchange(op.process_ends->in, nullptr);
            process_information->StdOutput = std::exchange(op.process_ends->out, nullptr);
            process_information->StdError = std::exchange(op.process_ends->err, nullptr);
            op.process_ends.reset();
        }
    }
    return op.result;
}

// The HcsEventOperationCallback for a completed operation, if the handle it was started on
// has an event callback that takes operation completions (lock held).
std::optional<PendingEvent> operation_notice_locked(State& s, const Operation& op) {
    std::shared_ptr<EventTarget> target;
    if (op.process != 0) {
        const auto it = s.process_handles.find(op.process);
        if (it != s.process_handles.end()) target = it->second;
    } else if (op.system != 0) {
        const auto it = s.system_handles.find(op.system);
        if (it != s.system_handles.end()) target = it->second;
    }
    if (!target || !target->callback_set ||
        !has_option(target->options, HcsEventOptionEnableOperationCallbacks)) {
        return std::nullopt;
    }
    PendingEvent notice;
    notice.handle = std::move(target);
    notice.type = HcsEventOperationCallback;
    notice.operation = op.value;
    return notice;
}

// The result of an operation now: not started, pending, or its completed result (lock held).
HRESULT current_result_locked(Operation& op, PWSTR* document,
                              HCS_PROCESS_INFORMATION* process_information = nullptr) {
    switch (op.phase) {
    case Operation::Phase::NotStarted: return HCS_E_OPERATION_NOT_STARTED;
    case Operation::Phase::Pending: return HCS_E_OPERATION_PENDING;
    case Operation::Phase::Completed: break;
    }
    return completed_result_locked(op, document, process_information);
}

HRESULT wait_result(HCS_OPERATION operation, DWORD timeout_ms, PWSTR* document,
                    HCS_PROCESS_INFORMATION* process_information, const char* function) {
    if (document != nullptr) *document = nullptr;
    if (process_information != nullptr) *process_information = HCS_PROCESS_INFORMATION{};
    return on_operation(function, operation, [&](State& s, std::unique_lock<std::mutex>& lock, const auto& op) -> HRESULT {
        if (op->phase == Operation::Phase::NotStarted) return HCS_E_OPERATION_NOT_STARTED;
        if (!wait_for_state(s, lock, timeout_ms, [&op] { return op->phase == Operation::Phase::Completed; })) {
            return HCS_E_OPERATION_TIMEOUT;
        }
        return completed_result_locked(*op, document, process_information);
    });
}

}  // namespace

void start_operation_locked(State& s, const std::shared_ptr<Operation>& op, const char* function,
                            HCS_OPERATION_TYPE type, uintptr_t system, Work work) {
    // A completed operation may be used again (Tutorial.md tracks create, start, properties
    // and terminate with one operation): it starts afresh.
    Expects(op->phase != Operation::Phase::Pending);
    op->phase = Operation::Phase::Pending;
    op->type = type;
    op->system = system;
    op->process = 0;
    op->function = function;
    op->result = S_OK;
    op->document.reset();
    op->process_id.reset();
    op->process_ends.reset();
    op->broken_result = false;
    op->work = std::move(work);
    auto task = std::make_shared<Task>();
    task->op = op;
    op->task = task;
    const uint32_t latency = latency_locked(s, function);
    OperationCallLock* const caller = OperationCallLock::current();
    if (latency == 0 && caller != nullptr && behaves(s, HCSIM_BEHAVIOR_INLINE_COMPLETION)) {
        task->inline_run = true;
        caller->defer_inline(std::move(task));
        return;
    }
    schedule_locked(s, task, sim_clock().now() + std::chrono::milliseconds(latency));
}

namespace {
thread_local OperationCallLock* innermost_call_lock = nullptr;
}  // namespace

OperationCallLock::OperationCallLock(State& s)
    : state_(s), lock_(s.mutex), outer_(innermost_call_lock) {
    innermost_call_lock = this;
}

OperationCallLock::~OperationCallLock() {
    innermost_call_lock = outer_;
    // Operations started under this lock that complete inline: run them now, still inside
    // the entry point, with the mutex released around every user callback. An operation an
    // inline callback starts completes inside that nested call in turn.
    for (auto& task : inline_tasks_) {
        if (task->op && task->op->task != task) continue;  // aborted and rescheduled meanwhile
        ++state_.running_tasks;
        deliver_locked(state_, lock_, complete_task_locked(state_, task));
        --state_.running_tasks;
        state_.changed.notify_all();
    }
}

OperationCallLock* OperationCallLock::current() noexcept { return innermost_call_lock; }

void abort_operation_locked(State& s, const std::shared_ptr<Operation>& op, HRESULT hr,
                            const char* why) {
    if (op->phase != Operation::Phase::Pending || !op->task) return;
    op->work = [hr, message = std::string(why), source = op->function](State&) {
        return failure(hr, message, source);
    };
    op->task->inline_run = false;  // an aborted inline task goes to the workers
    reschedule_locked(s, op->task, sim_clock().now());
}

namespace {

// Commits the first callback `delivery` will make (see Delivery::operation_claimed): the first
// event of the first handle of its drain list that no other thread is draining and that has
// one to take, else the completed operation's callback.
void claim_first_callback_locked(Delivery& delivery) {
    for (const auto& handle : delivery.drain) {
        if (commit_first_event_locked(*handle)) return;
    }
    const auto& op = delivery.completed;
    if (op && !op->closed && op->callback != nullptr) {
        delivery.operation_claimed = true;
        ++op->gate.claims;
    }
}

Delivery complete_operation_locked(State& s, const std::shared_ptr<Task>& task) {
    Delivery delivery;
    // Handles a post_events_locked queued events for: this task is no longer queued for them.
    delivery.drain = std::move(task->drain);
    for (const auto& handle : delivery.drain) handle->drain_queued = false;
    const std::shared_ptr<Operation> op = task->op;
    if (!op) return delivery;
    op->task.reset();
    if (op->phase != Operation::Phase::Pending) return delivery;
    Outcome outcome;
    try {
        outcome = op->work ? op->work(s) : Outcome{};
    } catch (const std::exception& e) {
        outcome = failure(E_OUTOFMEMORY, e.what(), op->function);
    }
    // Queued now, with the state change (lock held): behind every event raised before, ahead
    // of every one raised after.
    for (auto& event : outcome.events) queue_event_locked(std::move(event), delivery.drain);
    if (outcome.defer) {
        // Completes later: whoever the work registered it with schedules it again, and then it
        // succeeds.
        op->work = [](State&) { return Outcome{}; };
        outcome.defer(op);
        return delivery;
    }
    op->work = nullptr;
    op->phase = Operation::Phase::Completed;
    op->result = outcome.result;
    op->document = std::move(outcome.document);
    op->process_id = outcome.process_id;
    op->process_ends = std::move(outcome.process_ends);
    if (FAILED(op->result) && behaves(s, HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS)) {
        op->document.reset();  // "not guaranteed" (HcsGetOperationResult.md)
    }
    if (task->inline_run && SUCCEEDED(op->result) && op->type == HcsOperationTypeCreateProcess &&
        behaves(s, HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT)) {
        op->broken_result = true;  // hcsshim internal/hcs/v2/system.go, createProcess
    }
    // The handle's event callback takes the completion if, by now, it was registered with
    // HcsEventOptionEnableOperationCallbacks -- also when that happened after the operation
    // started (OperationCompletionSample.md registers after the create).
    if (!op->closed) {
        if (auto notice = operation_notice_locked(s, *op)) queue_event_locked(std::move(*notice), delivery.drain);
    }
    delivery.completed = op;
    s.changed.notify_all();
    return delivery;
}

}  // namespace

Delivery complete_task_locked(State& s, const std::shared_ptr<Task>& task) {
    Delivery delivery = complete_operation_locked(s, task);
    claim_first_callback_locked(delivery);
    return delivery;
}

void deliver_locked(State& s, std::unique_lock<std::mutex>& lock, const Delivery& delivery) {
    const auto self = std::this_thread::get_id();
    const std::shared_ptr<Operation>& op = delivery.completed;
    // The claim becomes this thread's: a close on another thread goes on waiting for it, one
    // from inside an event callback below does not wait for this thread.
    if (delivery.operation_claimed) {
        --op->gate.claims;
        op->gate.threads.push_back(self);
    }
    // The events of a handle no other thread is delivering to are delivered here, before the
    // operation's completion callback; those of a handle whose callback is running elsewhere
    // follow the ones queued before them, on that thread.
    for (const auto& handle : delivery.drain) drain_events_locked(s, lock, handle);
    if (!op) return;
    // Closed meanwhile: HcsCloseOperation promises no callback after it returns. A claimed
    // callback was committed before the close, which waits for it -- unless the close ran on
    // this thread, inside an event callback above, and did not wait.
    const bool committed = delivery.operation_claimed && op->gate.closed_by != self;
    if ((!op->closed || committed) && op->callback != nullptr) {
        const auto callback = op->callback;
        void* const context = const_cast<void*>(op->context);
        op->gate.threads.push_back(self);
        lock.unlock();
        callback(as_handle(op->value), context);
        lock.lock();
        op->gate.leave(self);
        s.changed.notify_all();
    }
    if (delivery.operation_claimed) {
        op->gate.leave(self);
        s.changed.notify_all();
    }
}

}  // namespace hcsim

using namespace hcsim;

extern "C" {

HCS_OPERATION WINAPI HcsCreateOperation(const void* context, HCS_OPERATION_COMPLETION callback) {
    return entry_point(nullptr, [&]() -> HCS_OPERATION {
        State& s = state();
        std::lock_guard lock(s.mutex);
        if (take_fault_locked(s, "HcsCreateOperation")) return nullptr;
        auto op = std::make_shared<Operation>();
        op->value = s.new_handle_value();
        op->id = s.next_operation_id++;
        op->context = context;
        op->callback = callback;
        s.operations.emplace(op->value, op);
        return as_handle(op->value);
    });
}

void WINAPI HcsCloseOperation(HCS_OPERATION operation) {
    void_entry_point([&] {
        State& s = state();
        std::unique_lock lock(s.mutex);
        const auto op = find_operation(s, operation, "HcsCloseOperation");
        if (!op) return;
        s.operations.erase(op->value);
        op->closed = true;
        // Closing a pending operation does not stop its work: HCS runs the request to completion
        // and drops the result (hcsshim internal/hcs/v2/operation.go; its fire-and-forget
        // shutdown/terminate in internal/hcs/v2/system.go rely on it). The queued task keeps the
        // operation alive until then; its callback is not called. Pipe ends never handed out are
        // closed with the operation (now, or when its late completion drops them).
        op->process_ends.reset();
        // No callback after close returns: wait for one running on another thread (not for one
        // running on this thread: close may be called from inside the callback).
        const auto self = std::this_thread::get_id();
        op->gate.closed_by = self;
        (void)wait_for_state(s, lock, INFINITE, [&] { return !op->gate.busy_elsewhere(self); });
    });
}

void* WINAPI HcsGetOperationContext(HCS_OPERATION operation) {
    return get_from_operation<void*>("HcsGetOperationContext", operation, nullptr,
                                     [](State&, Operation& op) { return const_cast<void*>(op.context); });
}

HRESULT WINAPI HcsSetOperationContext(HCS_OPERATION operation, const void* context) {
    return on_operation("HcsSetOperationContext", operation, [&](State&, auto&, const auto& op) -> HRESULT {
        op->context = context;
        return S_OK;
    });
}

HCS_SYSTEM WINAPI HcsGetComputeSystemFromOperation(HCS_OPERATION operation) {
    return get_from_operation<HCS_SYSTEM>(
        "HcsGetComputeSystemFromOperation", operation, nullptr, [](State& s, Operation& op) -> HCS_SYSTEM {
            // Only a handle that is still open (never a stale value).
            return s.system_handles.count(op.system) != 0 ? reinterpret_cast<HCS_SYSTEM>(op.system) : nullptr;
        },
        [](const Operation& op) { return op.system != 0; });
}

HCS_PROCESS WINAPI HcsGetProcessFromOperation(HCS_OPERATION operation) {
    return get_from_operation<HCS_PROCESS>(
        "HcsGetProcessFromOperation", operation, nullptr, [](State& s, Operation& op) -> HCS_PROCESS {
            // Only a handle that is still open (never a stale value).
            return s.process_handles.count(op.process) != 0 ? reinterpret_cast<HCS_PROCESS>(op.process) : nullptr;
        },
        [](const Operation& op) { return op.process != 0; });
}

HCS_OPERATION_TYPE WINAPI HcsGetOperationType(HCS_OPERATION operation) {
    return get_from_operation<HCS_OPERATION_TYPE>("HcsGetOperationType", operation, HcsOperationTypeNone,
                                                  [](State&, Operation& op) { return op.type; });
}

UINT64 WINAPI HcsGetOperationId(HCS_OPERATION operation) {
    return get_from_operation<UINT64>("HcsGetOperationId", operation, HCS_INVALID_OPERATION_ID,
                                      [](State&, Operation& op) -> UINT64 { return op.id; });
}

HRESULT WINAPI HcsGetOperationResult(HCS_OPERATION operation, PWSTR* resultDocument) {
    if (resultDocument != nullptr) *resultDocument = nullptr;
    return on_operation("HcsGetOperationResult", operation, [&](State&, auto&, const auto& op) -> HRESULT {
        return current_result_locked(*op, resultDocument);
    });
}

HRESULT WINAPI HcsGetOperationResultAndProcessInfo(HCS_OPERATION operation,
                                                   HCS_PROCESS_INFORMATION* processInformation,
                                                   PWSTR* resultDocument) {
    if (processInformation != nullptr) *processInformation = HCS_PROCESS_INFORMATION{};
    if (resultDocument != nullptr) *resultDocument = nullptr;
    return on_operation("HcsGetOperationResultAndProcessInfo", operation, [&](State&, auto&, const auto& op) -> HRESULT {
        return current_result_locked(*op, resultDocument, processInformation);
    });
}

HRESULT WINAPI HcsWaitForOperationResult(HCS_OPERATION operation, DWORD timeoutMs,
                                         PWSTR* resultDocument) {
    return wait_result(operation, timeoutMs, resultDocument, nullptr, "HcsWaitForOperationResult");
}

HRESULT WINAPI HcsWaitForOperationResultAndProcessInfo(HCS_OPERATION operation, DWORD timeoutMs,
                                                       HCS_PROCESS_INFORMATION* processInformation,
                                                       PWSTR* resultDocument) {
    return wait_result(operation, timeoutMs, resultDocument, processInformation,
                       "HcsWaitForOperationResultAndProcessInfo");
}

HRESULT WINAPI HcsSetOperationCallback(HCS_OPERATION operation, const void* context,
                                       HCS_OPERATION_COMPLETION callback) {
    // A NULL callback is refused before the handle is looked at (and a NULL handle then is
    // not a strict-handle violation: the call is refused for its arguments).
    if (operation == nullptr || callback == nullptr) return E_INVALIDARG;
    return on_operation("HcsSetOperationCallback", operation, [&](State&, auto&, const auto& op) -> HRESULT {
        if (op->phase == Operation::Phase::Pending) return HCS_E_OPERATION_ALREADY_STARTED;
        op->context = context;
        op->callback = callback;
        return S_OK;
    });
}

HRESULT WINAPI HcsCancelOperation(HCS_OPERATION operation) {
    return on_operation("HcsCancelOperation", operation, [&](State& s, auto&, const auto& op) -> HRESULT {
        // "not currently implemented and will always return E_NOTIMPL" (HcsCancelOperation.md).
        if (!behaves(s, HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED)) return E_NOTIMPL;
        if (op->phase == Operation::Phase::NotStarted) return HCS_E_OPERATION_NOT_STARTED;
        abort_operation_locked(s, op, HCSIM_E_CANCELLED, "The operation was cancelled.");
        return S_OK;
    });
}

}  // extern "C"
