// Exports: compute systems -- create, open, close, id, wait for the exit (system_calls.cpp: the rest).
#include "arguments.hpp"

#include "../core/call_options.hpp"
#include "../core/create.hpp"
#include "../core/hcs_document.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

zlhcs_hresult create(const char* id, const char* configuration, const zlhcs_call_options* call_options,
                     const completion_mode& mode, zlhcs_system* out_system) {
    mode.clear_outputs();
    if (out_system != nullptr) *out_system = 0;
    ZLHCS_ARG_NOT_NULL(out_system);
    if (mode.async) ZLHCS_ARG_NOT_NULL(mode.out_operation);
    parsed_call_options options;
    if (const zlhcs_hresult hr = read_call_options(call_options, option_namespace | option_security_descriptor,
                                                   "zlhcs_system_create", options);
        hr < 0) {
        return hr;
    }
    wide_argument wide_id;
    wide_argument wide_configuration;
    if (const zlhcs_hresult hr = to_wide(id, "id", false, wide_id); hr < 0) return hr;
    if (const zlhcs_hresult hr = json_to_wide(configuration, "configuration", true, wide_configuration); hr < 0) {
        return hr;
    }
    ZLHCS_BACKEND(backend);
    if (const zlhcs_hresult hr = zlhcs::schema::check_document(backend->validation, "ComputeSystem", "configuration",
                                                               configuration, mode.out_document);
        hr < 0) {
        return hr;
    }
    if (const zlhcs_hresult hr = require(backend->HcsCreateComputeSystem, "HcsCreateComputeSystem"); hr < 0) {
        return hr;
    }
    if (options.namespace_id) {
        if (const zlhcs_hresult hr =
                require(backend->HcsCreateComputeSystemInNamespace, "HcsCreateComputeSystemInNamespace");
            hr < 0) {
            return hr;
        }
    }
    // The InNamespace form takes its descriptor in versioned options (computedefs.h); zlhcs
    // registers no event callback through them (its operations carry their own callbacks).
    const auto* security = static_cast<const SECURITY_DESCRIPTOR*>(options.security_descriptor);
    HCS_CREATE_OPTIONS_1 create_options{};
    create_options.Version = HcsCreateOptions_1;
    create_options.SecurityDescriptor = const_cast<SECURITY_DESCRIPTOR*>(security);
    HCS_SYSTEM hcs_system = nullptr;
    operation_spec spec;
    spec.function = options.namespace_id ? "HcsCreateComputeSystemInNamespace" : "HcsCreateComputeSystem";
    return create_object<system_object>(
        *backend, std::move(spec), mode, systems(),
        [&](HCS_OPERATION operation) {
            if (options.namespace_id) {
                return backend->HcsCreateComputeSystemInNamespace(
                    options.wide_namespace.c_str(), wide_id.c_str(), wide_configuration.c_str(), operation,
                    reinterpret_cast<const HCS_CREATE_OPTIONS*>(&create_options.Version), &hcs_system);
            }
            return backend->HcsCreateComputeSystem(wide_id.c_str(), wide_configuration.c_str(), operation, security,
                                                   &hcs_system);
        },
        [&] {
            if (hcs_system != nullptr) backend->HcsCloseComputeSystem(hcs_system);
        },
        [&](std::shared_ptr<system_object>& system) {
            system = std::make_shared<system_object>(*backend, hcs_system, id != nullptr ? id : "", false);
            system->watch_events();
            return ZLHCS_S_OK;
        },
        out_system);
}

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create_async(
    const char* id, const char* configuration, const zlhcs_call_options* call_options,
    zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
    zlhcs_system* out_system, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_create_async", [&] {
        return create(id, configuration, call_options,
                      completion_mode::asynchronous(callback, context, release, out_operation), out_system);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create(const char* id, const char* configuration,
                                                       const zlhcs_call_options* call_options,
                                                       uint32_t timeout_ms,
                                                       zlhcs_system* out_system,
                                                       char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_create", [&] {
        return create(id, configuration, call_options,
                      completion_mode::synchronous(timeout_ms, out_document), out_system);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_open(const char* id,
                                                     const zlhcs_call_options* call_options,
                                                     zlhcs_system* out_system) {
    return zlhcs::api::guarded("zlhcs_system_open", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_system);
        *out_system = 0;
        parsed_call_options options;
        if (const zlhcs_hresult hr = read_call_options(call_options, option_namespace | option_requested_access,
                                                       "zlhcs_system_open", options);
            hr < 0) {
            return hr;
        }
        wide_argument wide_id;
        if (const zlhcs_hresult hr = to_wide(id, "id", true, wide_id); hr < 0) return hr;
        ZLHCS_BACKEND(backend);
        const DWORD access = options.requested_access != 0 ? options.requested_access : GENERIC_ALL;
        HCS_SYSTEM hcs_system = nullptr;
        HRESULT hr;
        const char* function;
        if (options.namespace_id) {
            function = "HcsOpenComputeSystemInNamespace";
            if (const zlhcs_hresult missing = require(backend->HcsOpenComputeSystemInNamespace, function);
                missing < 0) {
                return missing;
            }
            hr = backend->HcsOpenComputeSystemInNamespace(options.wide_namespace.c_str(), wide_id.c_str(),
                                                          access, &hcs_system);
        } else {
            function = "HcsOpenComputeSystem";
            hr = backend->HcsOpenComputeSystem(wide_id.c_str(), access, &hcs_system);
        }
        if (hr < 0) return fail_hcs(hr, function, {});
        auto object = std::make_shared<system_object>(*backend, hcs_system, id, true);
        object->watch_events();
        *out_system = systems().insert(object);
        object->set_handle(*out_system);
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_close(zlhcs_system system) {
    return zlhcs::api::guarded("zlhcs_system_close", [&]() -> zlhcs_hresult {
        const auto object = zlhcs::api::take<system_object>(system);
        if (object == nullptr) return ZLHCS_E_INVALID_HANDLE;
        object->close();  // releases threads in zlhcs_system_wait_exit on it
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_id(zlhcs_system system, char** out_id) {
    return zlhcs::api::guarded("zlhcs_system_id", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_id);
        *out_id = nullptr;
        ZLHCS_RESOLVE(object, system_object, system);
        if (!object->id().empty()) {
            *out_id = duplicate_for_caller(object->id());
            return ZLHCS_S_OK;
        }
        // Created without an id: HCS chose one; its basic properties name it.
        char* properties = nullptr;
        const zlhcs_hresult hr = zlhcs_system_properties(system, nullptr, ZLHCS_INFINITE, &properties);
        const std::string text = properties != nullptr ? properties : "";
        free_from_caller(properties);
        if (hr < 0) return hr;
        *out_id = duplicate_for_caller(hcs_document(text).string("Id").value_or(std::string()));
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit(zlhcs_system system,
                                                          uint32_t timeout_ms,
                                                          char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_wait_exit", [&]() -> zlhcs_hresult {
        if (out_document != nullptr) *out_document = nullptr;
        ZLHCS_RESOLVE(object, system_object, system);  // a live object holds its backend
        return object->wait_exit(timeout_ms, out_document);
    });
}

}  // extern "C"
