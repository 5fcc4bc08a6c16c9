// The one shape of an entry point: the C boundary (no exception reaches the caller) and, for
// the calls on one existing handle, the checks HCS makes before it looks at anything else, in
// its order: a NULL handle, then (with the lock) an unknown one, the service gone, an injected
// fault. Every Hcs* and Hcsim* export goes through entry_point; the calls on one handle
// through on_operation / on_system / on_process.
#pragma once

#include <mutex>
#include <type_traits>
#include <utility>

#include "control.h"
#include "objects.h"

namespace hcsim {

/** Runs an entry point's body at the C boundary: an exception (out of memory, or any other)
 *  becomes `nothing` -- what the entry point returns when it cannot work: E_OUTOFMEMORY for
 *  an HRESULT, NULL or 0 for the others -- and never reaches the caller. */
template <typename Body, typename Result = std::invoke_result_t<Body&>>
Result entry_point(std::type_identity_t<Result> nothing, Body&& body) noexcept {
    try {
        return std::forward<Body>(body)();
    } catch (...) {
        return nothing;
    }
}

/** The same for an entry point that returns nothing (a close): an exception is dropped. */
template <typename Body>
void void_entry_point(Body&& body) noexcept {
    try {
        std::forward<Body>(body)();
    } catch (...) {
    }
}

/** What an entry point on one handle checks once the handle is not NULL. */
enum class Reaches {
    Operation,  // a local call (results, wait, cancel, context): works while disconnected
    Service     // a call HCS forwards to the service: HCS_E_SERVICE_DISCONNECT while disconnected
};

namespace detail {

template <typename Found, typename Find, typename Body>
HRESULT on_handle(const char* function, void* handle, const char* kind, Reaches reaches, Find find,
                  Body&& body) {
    return entry_point(E_OUTOFMEMORY, [&]() -> HRESULT {
        if (handle == nullptr) {
            record_null_handle(function, kind);
            return E_INVALIDARG;
        }
        State& s = state();
        std::unique_lock lock(s.mutex);
        const Found found = find(s);
        if (!found) return E_HANDLE;
        if (reaches == Reaches::Service && s.disconnected) return HCS_E_SERVICE_DISCONNECT;
        if (const auto fault = take_fault_locked(s, function)) return fault->failure;
        return body(s, lock, found);
    });
}

}  // namespace detail

/** An HRESULT entry point on one operation handle: NULL -> E_INVALIDARG (recorded in strict
 *  mode), unknown -> E_HANDLE, an injected fault -> its HRESULT, else
 *  body(State&, std::unique_lock<std::mutex>&, const std::shared_ptr<Operation>&). */
template <typename Body>
HRESULT on_operation(const char* function, HCS_OPERATION operation, Body&& body) {
    return detail::on_handle<std::shared_ptr<Operation>>(
        function, operation, "HCS_OPERATION", Reaches::Operation,
        [&](State& s) { return find_operation(s, operation, function); }, std::forward<Body>(body));
}

/** A getter on one operation handle (it returns a value, not an HRESULT): `nothing` if the
 *  handle is NULL or unknown (recorded in strict mode), if `usable(op)` is false, or if an
 *  injected fault fails it (checked in that order); else body(State&, Operation&). */
template <typename Result, typename Body, typename Usable>
Result get_from_operation(const char* function, HCS_OPERATION operation, Result nothing, Body&& body,
                          Usable usable) {
    return entry_point(nothing, [&]() -> Result {
        State& s = state();
        std::lock_guard lock(s.mutex);
        const auto op = find_operation(s, operation, function);
        if (!op || !usable(*op) || take_fault_locked(s, function)) return nothing;
        return body(s, *op);
    });
}

template <typename Result, typename Body>
Result get_from_operation(const char* function, HCS_OPERATION operation, Result nothing, Body&& body) {
    return get_from_operation(function, operation, nothing, std::forward<Body>(body),
                              [](const Operation&) { return true; });
}

/** The same on a system handle; `reaches` says whether a disconnected service refuses it. */
template <typename Body>
HRESULT on_system(const char* function, HCS_SYSTEM system, Reaches reaches, Body&& body) {
    return detail::on_handle<std::shared_ptr<SystemHandle>>(
        function, system, "HCS_SYSTEM", reaches,
        [&](State& s) { return find_system_handle(s, system, function); }, std::forward<Body>(body));
}

/** The same on a process handle (every process call reaches the service). */
template <typename Body>
HRESULT on_process(const char* function, HCS_PROCESS process, Body&& body) {
    return detail::on_handle<std::shared_ptr<ProcessHandle>>(
        function, process, "HCS_PROCESS", Reaches::Service,
        [&](State& s) { return find_process_handle(s, process, function); }, std::forward<Body>(body));
}

}  // namespace hcsim
