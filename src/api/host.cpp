// Exports: host-wide queries (enumerate, service properties).
#include "arguments.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/strings.hpp"

namespace {

using namespace zlhcs::core;

zlhcs_hresult enumerate(const char* query, const zlhcs_call_options* call_options,
                        const completion_mode& mode) {
    mode.clear_outputs();
    parsed_call_options options;
    if (const zlhcs_hresult hr = read_call_options(call_options, option_namespace,
                                                   "zlhcs_system_enumerate", options);
        hr < 0) {
        return hr;
    }
    wide_argument wide_query;
    if (const zlhcs_hresult hr = json_to_wide(query, "query", false, wide_query); hr < 0) return hr;
    ZLHCS_BACKEND(backend);
    if (options.namespace_id) {
        if (const zlhcs_hresult hr = require(backend->HcsEnumerateComputeSystemsInNamespace,
                                             "HcsEnumerateComputeSystemsInNamespace");
            hr < 0) {
            return hr;
        }
        return run(*backend, "HcsEnumerateComputeSystemsInNamespace", nullptr, mode, [&](HCS_OPERATION operation) {
            return backend->HcsEnumerateComputeSystemsInNamespace(options.wide_namespace.c_str(), wide_query.c_str(),
                                                                 operation);
        });
    }
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

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_enumerate_async(
    const char* query, const zlhcs_call_options* call_options, zlhcs_operation_callback callback,
    void* context, zlhcs_release_callback release, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_enumerate_async", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_operation);
        return enumerate(query, call_options,
                         completion_mode::asynchronous(callback, context, release, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_enumerate(const char* query,
                                                          const zlhcs_call_options* call_options,
                                                          uint32_t timeout_ms,
                                                          char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_enumerate", [&] {
        return enumerate(query, call_options, completion_mode::synchronous(timeout_ms, out_document));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_service_properties(const char* query,
                                                            char** out_document) {
    return zlhcs::api::guarded("zlhcs_service_properties", [&]() -> zlhcs_hresult {
        if (out_document != nullptr) *out_document = nullptr;
        wide_argument wide_query;
        if (const zlhcs_hresult hr = json_to_wide(query, "query", false, wide_query); hr < 0) return hr;
        ZLHCS_BACKEND(backend);
        if (const zlhcs_hresult hr = require(backend->HcsGetServiceProperties, "HcsGetServiceProperties"); hr < 0) {
            return hr;
        }
        PWSTR raw = nullptr;
        const HRESULT hr = backend->HcsGetServiceProperties(wide_query.c_str(), &raw);
        const bool has_document = raw != nullptr;
        std::string document = from_wide(raw);
        backend->free_string(raw);
        if (out_document != nullptr && has_document) *out_document = duplicate_for_caller(document);
        if (hr < 0) return fail_hcs(hr, "HcsGetServiceProperties", std::move(document));
        return hr;
    });
}

}  // extern "C"
