// Exports: host-wide queries (enumerate, service properties).
#include "guard.hpp"

#include "../core/calls.hpp"
#include "../core/strings.hpp"

namespace {

using namespace zlhcs::core;

zlhcs_hresult enumerate(const char* query, const completion_mode& mode) {
    mode.clear_outputs();
    wide_argument wide_query;
    if (const zlhcs_hresult hr = json_to_wide(query, "query", false, wide_query); hr < 0) return hr;
    const auto* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
    if (const zlhcs_hresult hr = require(backend->HcsEnumerateComputeSystems, "HcsEnumerateComputeSystems"); hr < 0) {
        return hr;
    }
    auto start = [&](HCS_OPERATION operation) {
        return backend->HcsEnumerateComputeSystems(wide_query.c_str(), operation);
    };
    return run(*backend, "HcsEnumerateComputeSystems", nullptr, mode, start);
}

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_enumerate_async(const char* query,
                                                         zlhcs_operation_callback callback,
                                                         void* context,
                                                         zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_enumerate_async", [&]() -> zlhcs_hresult {
        if (out_operation == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
        }
        *out_operation = 0;
        return enumerate(query, completion_mode::asynchronous(callback, context, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_enumerate(const char* query, uint32_t timeout_ms,
                                                   char** out_systems) {
    return zlhcs::api::guarded("zlhcs_enumerate", [&]() -> zlhcs_hresult {
        if (out_systems == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_systems must not be NULL");
        }
        *out_systems = nullptr;
        return enumerate(query, completion_mode::synchronous(timeout_ms, out_systems));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_service_properties(const char* query,
                                                            char** out_properties) {
    return zlhcs::api::guarded("zlhcs_service_properties", [&]() -> zlhcs_hresult {
        if (out_properties == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_properties must not be NULL");
        }
        *out_properties = nullptr;
        wide_argument wide_query;
        if (const zlhcs_hresult hr = json_to_wide(query, "query", false, wide_query); hr < 0) return hr;
        const auto* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        if (const zlhcs_hresult hr = require(backend->HcsGetServiceProperties, "HcsGetServiceProperties"); hr < 0) {
            return hr;
        }
        PWSTR raw = nullptr;
        const HRESULT hr = backend->HcsGetServiceProperties(wide_query.c_str(), &raw);
        std::string document = from_wide(raw);
        backend->free_string(raw);
        if (hr < 0) return fail_hcs(hr, "HcsGetServiceProperties", std::move(document));
        *out_properties = duplicate_for_caller(document);
        return hr;
    });
}

}  // extern "C"
