// Every exported function runs its body through guarded(): no exception crosses the C ABI.
#pragma once

#include "../core/errors.hpp"

#include <zlhcs/zlhcs.h>

#include <exception>
#include <new>
#include <string>

namespace zlhcs::api {

template <typename Body>
zlhcs_hresult guarded(const char* function, Body&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return core::fail(ZLHCS_E_OUT_OF_MEMORY, std::string(function) + ": out of memory");
    } catch (const std::exception& e) {
        try {
            return core::fail(ZLHCS_E_INTERNAL, std::string(function) + ": " + e.what());
        } catch (...) {
            return ZLHCS_E_INTERNAL;
        }
    } catch (...) {
        return core::fail(ZLHCS_E_INTERNAL, std::string(function) + ": unknown exception");
    }
}

}  // namespace zlhcs::api
