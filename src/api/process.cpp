// Exports: processes -- create, open, close, id, wait for the exit (process_calls.cpp: the calls
// on a process; stdio.cpp: its stdio).
#include "arguments.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/create.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

zlhcs_hresult create(zlhcs_system system_handle, const char* parameters, const zlhcs_call_options* call_options,
                     const completion_mode& mode, zlhcs_process* out_process) {
    mode.clear_outputs();
    if (out_process != nullptr) *out_process = 0;
    ZLHCS_ARG_NOT_NULL(out_process);
    if (mode.async) ZLHCS_ARG_NOT_NULL(mode.out_operation);
    parsed_call_options options;
    if (const zlhcs_hresult hr =
            read_call_options(call_options, option_security_descriptor, "zlhcs_process_create", options);
        hr < 0) {
        return hr;
    }
    const auto* security = static_cast<const SECURITY_DESCRIPTOR*>(options.security_descriptor);
    ZLHCS_RESOLVE(system, system_object, system_handle);
    wide_argument wide_parameters;
    if (const zlhcs_hresult hr = json_to_wide(parameters, "parameters", true, wide_parameters); hr < 0) return hr;
    ZLHCS_BACKEND(backend);
    if (const zlhcs_hresult hr = zlhcs::schema::check_document(backend->validation, "ProcessParameters",
                                                               "parameters", parameters, mode.out_document);
        hr < 0) {
        return hr;
    }
    if (const zlhcs_hresult hr = require(backend->HcsCreateProcess, "HcsCreateProcess"); hr < 0) return hr;

    // The process object receives pid and pipes when the operation completes, which can be
    // before HcsCreateProcess has even returned the HCS_PROCESS: it must exist first.
    auto process = std::make_shared<process_object>(*backend);
    process->set_owner(system_handle, system->id());
    HCS_PROCESS hcs_process = nullptr;
    operation_spec spec;
    spec.function = "HcsCreateProcess";
    spec.keep_alive = system;
    spec.read_result = process->creation_reader();
    return create_object<process_object>(
        *backend, std::move(spec), mode, processes(),
        [&](HCS_OPERATION operation) {
            return backend->HcsCreateProcess(system->hcs_system(), wide_parameters.c_str(), operation, security,
                                             &hcs_process);
        },
        [&] {
            if (hcs_process != nullptr) backend->HcsCloseProcess(hcs_process);
        },
        [&](std::shared_ptr<process_object>& adopted) {
            if (const zlhcs_hresult watched = process->adopt(hcs_process); watched < 0) {
                // Without its exit event the process's exit code could be lost: refuse it, and
                // end it (HCS cannot cancel the create, so it may already run).
                process->doom();
                return watched;
            }
            adopted = process;
            return ZLHCS_S_OK;
        },
        out_process);
}

}  // namespace

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create_async(
    zlhcs_system system, const char* parameters, const zlhcs_call_options* call_options,
    zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
    zlhcs_process* out_process, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_process_create_async", [&] {
        return create(system, parameters, call_options,
                      completion_mode::asynchronous(callback, context, release, out_operation), out_process);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_create(zlhcs_system system, const char* parameters,
                                                        const zlhcs_call_options* call_options,
                                                        uint32_t timeout_ms, zlhcs_process* out_process,
                                                        char** out_document) {
    return zlhcs::api::guarded("zlhcs_process_create", [&] {
        return create(system, parameters, call_options,
                      completion_mode::synchronous(timeout_ms, out_document), out_process);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_open(zlhcs_system system, uint32_t process_id,
                                                      zlhcs_process* out_process) {
    return zlhcs::api::guarded("zlhcs_process_open", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_process);
        *out_process = 0;
        ZLHCS_RESOLVE(owner, system_object, system);
        ZLHCS_BACKEND(backend);
        if (const zlhcs_hresult hr = require(backend->HcsOpenProcess, "HcsOpenProcess"); hr < 0) return hr;
        HCS_PROCESS hcs_process = nullptr;
        const HRESULT hr = backend->HcsOpenProcess(owner->hcs_system(), process_id, GENERIC_ALL, &hcs_process);
        if (hr < 0) return fail_hcs(hr, "HcsOpenProcess", {});
        auto process = std::make_shared<process_object>(*backend);
        process->set_owner(system, owner->id());
        if (const zlhcs_hresult watched = process->adopt(hcs_process); watched < 0) return watched;
        process->opened(process_id);
        *out_process = processes().insert(process);
        process->set_handle(*out_process);
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_close(zlhcs_process process) {
    return zlhcs::api::guarded("zlhcs_process_close", [&]() -> zlhcs_hresult {
        const auto object = zlhcs::api::take<process_object>(process);
        if (object == nullptr) return ZLHCS_E_INVALID_HANDLE;
        // Waits in flight (wait_exit, stdio reads and writes) give up with INVALID_HANDLE; the
        // host ends of the pipes close now, or as the I/O holding one leaves.
        object->abandon();
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_id(zlhcs_process process, uint32_t* out_process_id) {
    return zlhcs::api::guarded("zlhcs_process_id", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_process_id);
        *out_process_id = 0;
        ZLHCS_RESOLVE(object, process_object, process);
        const auto id = object->process_id();
        if (!id) return fail(ZLHCS_HCS_E_OPERATION_PENDING, "the process's creation has not completed");
        *out_process_id = *id;
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit(zlhcs_process process, uint32_t timeout_ms,
                                                           uint32_t* out_exit_code) {
    return zlhcs::api::guarded("zlhcs_process_wait_exit", [&]() -> zlhcs_hresult {
        if (out_exit_code != nullptr) *out_exit_code = 0;
        ZLHCS_RESOLVE(object, process_object, process);
        return object->wait_exit(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_exit_code);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_exit_code(zlhcs_process process, uint32_t* out_exit_code) {
    return zlhcs::api::guarded("zlhcs_process_exit_code", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_exit_code);
        *out_exit_code = 0;
        ZLHCS_RESOLVE(object, process_object, process);
        return object->wait_exit(0, ZLHCS_HCS_E_OPERATION_PENDING, out_exit_code);
    });
}

}  // extern "C"
