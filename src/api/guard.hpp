// Every exported function runs its body through guarded(): no exception crosses the C ABI.
#pragma once

#include "../core/errors.hpp"

#include <zlhcs/zlhcs.h>

#include <cstdint>
#include <exception>
#include <new>
#include <string>

namespace zlhcs::api {

template <typename Body>
zlhcs_hresult guarded(const char* function, Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return core::fail_out_of_memory(function);  // allocating here could throw again
    } catch (const std::exception& e) {
        try {
            return core::fail(ZLHCS_E_INTERNAL, std::string(function) + ": " + e.what());
        } catch (...) {
            return ZLHCS_E_INTERNAL;
        }
    } catch (...) {
        try {
            return core::fail(ZLHCS_E_INTERNAL, std::string(function) + ": unknown exception");
        } catch (...) {
            return ZLHCS_E_INTERNAL;
        }
    }
}

/// The failure for a handle that does not resolve; `kind` names what was expected
/// ("operation", "compute system", "process").
inline zlhcs_hresult invalid_handle(const char* kind, std::uint64_t handle) {
    return core::fail(ZLHCS_E_INVALID_HANDLE, std::string(kind) + " handle " + std::to_string(handle) +
                                                  " is not a live " + kind +
                                                  " (closed, stale, or of another kind)");
}

}  // namespace zlhcs::api
