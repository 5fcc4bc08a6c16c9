// Shared front half of every operation-taking compute-system entry point.
#pragma once

#include <optional>

#include "control.h"
#include "events.h"
#include "objects.h"

namespace hcsim {

/** The checked handles of an operation-taking call on a system or a process handle. */
template <typename Handle>
struct HandleCall {
    std::shared_ptr<Handle> handle;
    std::shared_ptr<Operation> op;
    std::optional<Fault> async_fault;  // an injected HCSIM_FAULT_ASYNC failure to report
};
using SystemCall = HandleCall<SystemHandle>;

/** The checks every operation-taking call makes once its target handle was looked up
 *  (`handle`: nullptr if unknown), in HCS's order (lock held; see begin_system_call_locked). */
template <typename Handle>
HRESULT begin_handle_call_locked(State& s, const char* function, std::shared_ptr<Handle> handle,
                                 HCS_OPERATION operation, HandleCall<Handle>& call) {
    call.handle = std::move(handle);
    if (!call.handle) return E_HANDLE;
    call.op = find_operation(s, operation, function);
    if (!call.op) return E_HANDLE;
    // Reusable once completed (Tutorial.md); never while pending.
    if (call.op->phase == Operation::Phase::Pending) return HCS_E_OPERATION_ALREADY_STARTED;
    if (s.disconnected) return HCS_E_SERVICE_DISCONNECT;
    if (call.handle->callback_set &&
        has_option(call.handle->options, HcsEventOptionEnableOperationCallbacks) &&
        call.op->callback != nullptr) {
        return HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET;
    }
    if (auto fault = take_fault_locked(s, function)) {
        if (fault->mode == HCSIM_FAULT_IMMEDIATE) return fault->failure;
        call.async_fault = fault;
    }
    return S_OK;
}

/** Validates the handles of a system call and consumes an injected fault (lock held).
 *  Returns S_OK, or the HRESULT the entry point must return at once:
 *  E_INVALIDARG (NULL system/operation), E_HANDLE (unknown handle),
 *  HCS_E_OPERATION_ALREADY_STARTED, HCS_E_SERVICE_DISCONNECT,
 *  HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET (operation with a callback on a handle whose
 *  event callback takes operation completions), or an injected HCSIM_FAULT_IMMEDIATE. */
HRESULT begin_system_call_locked(State& s, const char* function, HCS_SYSTEM system,
                                 HCS_OPERATION operation, SystemCall& call);

/** Starts the call's operation with `work` (or the injected asynchronous failure). */
void launch_locked(State& s, const char* function, SystemCall& call, HCS_OPERATION_TYPE type,
                   Work work);

/** Checks of the operation handle alone (for calls without a system handle). With
 *  `handle_takes_operation_callbacks` (a create whose new handle gets an event callback
 *  taking operation completions), an operation with its own callback is refused with
 *  HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, as on an existing handle. */
HRESULT begin_operation_locked(State& s, const char* function, HCS_OPERATION operation,
                               SystemCall& call, bool handle_takes_operation_callbacks = false);

}  // namespace hcsim
