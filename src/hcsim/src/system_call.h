// Shared front half of every operation-taking compute-system entry point.
#pragma once

#include <optional>

#include "state.h"

namespace hcsim {

struct SystemCall {
    std::shared_ptr<SystemHandle> handle;
    std::shared_ptr<Operation> op;
    std::optional<Fault> async_fault;  // an injected HCSIM_FAULT_ASYNC failure to report
};

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

/** Checks of the operation handle alone (for calls without a system handle). */
HRESULT begin_operation_locked(State& s, const char* function, HCS_OPERATION operation,
                               SystemCall& call);

}  // namespace hcsim
