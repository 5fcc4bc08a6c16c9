// Exports: compute systems.
#include "guard.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

std::shared_ptr<system_object> find_system(zlhcs_system handle) {
    return systems().find(handle);
}

zlhcs_hresult invalid_system(zlhcs_system handle) {
    return zlhcs::api::invalid_handle("compute system", handle);
}

// The shape shared by start/shutdown/terminate/crash/pause/resume/save/properties/modify:
// (HCS_SYSTEM, HCS_OPERATION, PCWSTR document).
using system_call = HRESULT(WINAPI* table::*)(HCS_SYSTEM, HCS_OPERATION, PCWSTR);

struct system_verb {
    system_call entry_point;
    const char* name;
    const char* parameter;
    // Stopping a system that is gone already (stopped and cleaned up, or never created) is
    // done: the synchronous form returns ZLHCS_S_FALSE, as hcsshim treats these codes from
    // shutdown/terminate (internal/hcs/v2/system.go).
    bool gone_is_done = false;
};

constexpr system_verb start_verb{&table::HcsStartComputeSystem, "HcsStartComputeSystem", "options"};
constexpr system_verb shutdown_verb{&table::HcsShutDownComputeSystem, "HcsShutDownComputeSystem", "options", true};
constexpr system_verb terminate_verb{&table::HcsTerminateComputeSystem, "HcsTerminateComputeSystem", "options", true};
constexpr system_verb crash_verb{&table::HcsCrashComputeSystem, "HcsCrashComputeSystem", "options"};
constexpr system_verb pause_verb{&table::HcsPauseComputeSystem, "HcsPauseComputeSystem", "options"};
constexpr system_verb resume_verb{&table::HcsResumeComputeSystem, "HcsResumeComputeSystem", "options"};
constexpr system_verb save_verb{&table::HcsSaveComputeSystem, "HcsSaveComputeSystem", "options"};
constexpr system_verb properties_verb{&table::HcsGetComputeSystemProperties, "HcsGetComputeSystemProperties", "query"};

bool is_system_gone(zlhcs_hresult hr) {
    const zlhcs_hresult code = normalize_hcs_code(hr);  // both severity forms
    return code == ZLHCS_HCS_E_SYSTEM_NOT_FOUND || code == ZLHCS_HCS_E_SYSTEM_ALREADY_STOPPED;
}

// Checks everything a system call needs before anything starts.
struct prepared_call {
    const table* backend = nullptr;
    std::shared_ptr<system_object> system;
    wide_argument document;
};

template <typename Entry>
zlhcs_hresult prepare(zlhcs_system handle, const char* document, const char* parameter,
                      bool document_required, Entry table::*entry, const char* entry_name,
                      prepared_call& out) {
    out.system = find_system(handle);
    if (out.system == nullptr) return invalid_system(handle);
    if (const zlhcs_hresult hr = json_to_wide(document, parameter, document_required, out.document); hr < 0) {
        return hr;
    }
    out.backend = zlhcs::backend::get();
    if (out.backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
    return require(out.backend->*entry, entry_name);
}

zlhcs_hresult run_verb(const system_verb& verb, zlhcs_system handle, const char* options,
                       const completion_mode& mode) {
    mode.clear_outputs();
    prepared_call call;
    if (const zlhcs_hresult hr = prepare(handle, options, verb.parameter, false,
                                         verb.entry_point, verb.name, call);
        hr < 0) {
        return hr;
    }
    auto entry = call.backend->*verb.entry_point;
    HCS_SYSTEM hcs_system = call.system->hcs_system();
    const operation_subject subject{handle, 0, call.system->id()};
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    const zlhcs_hresult hr = run(*call.backend, verb.name, call.system, with_subject, [&](HCS_OPERATION operation) {
        return entry(hcs_system, operation, call.document.c_str());
    });
    if (verb.gone_is_done && !mode.async && is_system_gone(hr)) {
        // A success code never hands out an error document (zlhcs.h "Out-parameters").
        mode.discard_document();
        clear_last_error();
        return ZLHCS_S_FALSE;
    }
    return hr;
}

// HcsModifyComputeSystem takes one more argument (an identity token) than the verbs, and its
// settings document is required.
zlhcs_hresult modify(zlhcs_system handle, const char* settings,
                     const zlhcs_call_options* call_options, const completion_mode& mode) {
    mode.clear_outputs();
    parsed_call_options options;
    if (const zlhcs_hresult hr = read_call_options(call_options, option_identity_token,
                                                   "zlhcs_system_modify", options);
        hr < 0) {
        return hr;
    }
    prepared_call call;
    if (const zlhcs_hresult hr = prepare(handle, settings, "settings", true,
                                         &table::HcsModifyComputeSystem,
                                         "HcsModifyComputeSystem", call);
        hr < 0) {
        return hr;
    }
    if (const zlhcs_hresult hr = zlhcs::schema::check_document(call.backend->validation, "ModifySettingRequest",
                                                               "settings", settings, mode.out_document);
        hr < 0) {
        return hr;
    }
    HCS_SYSTEM hcs_system = call.system->hcs_system();
    const operation_subject subject{handle, 0, call.system->id()};
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    return run(*call.backend, "HcsModifyComputeSystem", call.system, with_subject,
               [&](HCS_OPERATION operation) {
                   return call.backend->HcsModifyComputeSystem(
                       hcs_system, operation, call.document.c_str(),
                       reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(options.identity_token)));
               });
}

std::string id_from_properties(const std::string& properties) {
    rapidjson::Document parsed;
    parsed.Parse<rapidjson::kParseIterativeFlag>(properties.c_str(), properties.size());
    if (parsed.HasParseError() || !parsed.IsObject()) return {};
    const auto id = parsed.FindMember("Id");
    return id != parsed.MemberEnd() && id->value.IsString() ? id->value.GetString() : "";
}

zlhcs_hresult create(const char* id, const char* configuration,
                     const zlhcs_call_options* call_options, const completion_mode& mode,
                     zlhcs_system* out_system) {
    const bool async = mode.async;
    mode.clear_outputs();
    if (out_system != nullptr) *out_system = 0;
    if (out_system == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_system must not be NULL");
    if (async && mode.out_operation == nullptr) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
    }
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
    const table* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
    if (const zlhcs_hresult hr = zlhcs::schema::check_document(backend->validation, "ComputeSystem", "configuration",
                                                               configuration, mode.out_document);
        hr < 0) {
        return hr;
    }
    if (const zlhcs_hresult hr = require(backend->HcsCreateComputeSystem, "HcsCreateComputeSystem"); hr < 0) {
        return hr;
    }

    const auto* security = static_cast<const SECURITY_DESCRIPTOR*>(options.security_descriptor);
    if (options.namespace_id) {
        if (const zlhcs_hresult hr = require(backend->HcsCreateComputeSystemInNamespace,
                                             "HcsCreateComputeSystemInNamespace");
            hr < 0) {
            return hr;
        }
    }
    // The InNamespace form takes its descriptor in versioned options (computedefs.h); zlhcs
    // registers no event callback through them (its operations carry their own callbacks).
    HCS_CREATE_OPTIONS_1 create_options{};
    create_options.Version = HcsCreateOptions_1;
    create_options.SecurityDescriptor = const_cast<SECURITY_DESCRIPTOR*>(security);
    const char* const function =
        options.namespace_id ? "HcsCreateComputeSystemInNamespace" : "HcsCreateComputeSystem";
    HCS_SYSTEM hcs_system = nullptr;
    auto start = [&](HCS_OPERATION operation) {
        if (options.namespace_id) {
            return backend->HcsCreateComputeSystemInNamespace(
                options.wide_namespace.c_str(), wide_id.c_str(), wide_configuration.c_str(), operation,
                reinterpret_cast<const HCS_CREATE_OPTIONS*>(&create_options.Version), &hcs_system);
        }
        return backend->HcsCreateComputeSystem(wide_id.c_str(), wide_configuration.c_str(),
                                               operation, security, &hcs_system);
    };
    started_operation started;
    const zlhcs_hresult hr = start_operation(*backend, function, mode.callback, mode.context,
                                             mode.release, nullptr, async, start, started);
    if (hr < 0) {
        if (hcs_system != nullptr) backend->HcsCloseComputeSystem(hcs_system);
        return hr;
    }
    auto system = std::make_shared<system_object>(*backend, hcs_system, id != nullptr ? id : "", false);
    system->watch_events();
    const auto publish = [&] {
        const zlhcs_system handle = systems().insert(system);
        system->set_handle(handle);
        started.object->set_subject(operation_subject{handle, 0, system->id()});
        return handle;
    };
    if (async) {
        *out_system = publish();
        *mode.out_operation = started.handle;
        started.succeed();  // every out-parameter is written: the callback may run
        return ZLHCS_S_OK;
    }
    bool still_running = false;
    const zlhcs_hresult result =
        finish_sync(*started.object, mode.timeout_ms, mode.out_document, &still_running);
    // Timed out: the create may still complete, so the caller gets the handle (to wait for
    // the system, inspect or terminate it) rather than an id taken by a system nobody holds.
    if (result < 0 && !still_running) return result;  // the half-created system's handle closes
    *out_system = publish();
    return result;
}

zlhcs_hresult disconnected_wait() {
    return fail(ZLHCS_HCS_E_SERVICE_DISCONNECT,
                "the compute service disconnected while waiting for the system's exit", "HcsWaitForComputeSystemExit");
}

// Hosts without HcsWaitForComputeSystemExit (Windows Server 2019): the wait is on the system's
// exit latch, resolved by the SystemExited event.
zlhcs_hresult wait_for_exit_event(system_object& system, std::uint32_t timeout_ms, char** out_document) {
    exit_latch::status status;
    const zlhcs_hresult hr = system.exit().wait(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, "compute system",
                                                "HcsSetComputeSystemCallback", status);
    if (hr == ZLHCS_E_NOT_SUPPORTED) {
        return fail(ZLHCS_E_NOT_SUPPORTED,
                    "the HCS backend provides neither HcsWaitForComputeSystemExit nor a working "
                    "HcsSetComputeSystemCallback (for the SystemExited event): a system's exit cannot be waited for",
                    "HcsWaitForComputeSystemExit");
    }
    if (hr >= 0 && out_document != nullptr && status.document) *out_document = duplicate_for_caller(*status.document);
    return hr;
}

// HcsWaitForComputeSystemExit blocks inside HCS, and nothing but its timeout ends the wait:
// waiting in slices lets a close of the handle release the waiter within one slice (the
// HCS_SYSTEM stays open meanwhile: the waiter holds the object).
constexpr std::uint32_t exit_wait_slice_ms = 50;

zlhcs_hresult wait_for_exit(const table& backend, zlhcs_system handle, system_object& system,
                            std::uint32_t timeout_ms, char** out_document) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        if (system.is_closed()) return invalid_system(handle);
        if (system.events().disconnected()) return disconnected_wait();
        std::uint32_t slice = exit_wait_slice_ms;
        if (timeout_ms != ZLHCS_INFINITE) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            slice = static_cast<std::uint32_t>(std::clamp<long long>(left.count(), 0, exit_wait_slice_ms));
        }
        PWSTR raw = nullptr;
        const HRESULT hr = backend.HcsWaitForComputeSystemExit(system.hcs_system(), slice, &raw);
        std::string document = from_wide(raw);
        backend.free_string(raw);
        const bool timed_out = normalize_hcs_code(hr) == ZLHCS_HCS_E_OPERATION_TIMEOUT;
        if (timed_out && (timeout_ms == ZLHCS_INFINITE || std::chrono::steady_clock::now() < deadline)) {
            continue;
        }
        if (hr < 0 && system.is_closed()) return invalid_system(handle);
        if (hr < 0 && system.events().disconnected()) return disconnected_wait();
        if (out_document != nullptr && !document.empty()) *out_document = duplicate_for_caller(document);
        if (hr < 0) return fail_hcs(hr, "HcsWaitForComputeSystemExit", std::move(document));
        return hr;
    }
}

}  // namespace

#define ZLHCS_DEFINE_SYSTEM_VERB(verb)                                                         \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_##verb##_async(                            \
        zlhcs_system system, const char* options, zlhcs_operation_callback callback,           \
        void* context, zlhcs_release_callback release, zlhcs_operation* out_operation) {       \
        return zlhcs::api::guarded("zlhcs_system_" #verb "_async", [&] {                       \
            return run_verb(verb##_verb, system, options,                                      \
                            completion_mode::asynchronous(callback, context, release,          \
                                                          out_operation));                     \
        });                                                                                    \
    }                                                                                          \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_##verb(                                    \
        zlhcs_system system, const char* options, uint32_t timeout_ms, char** out_document) {  \
        return zlhcs::api::guarded("zlhcs_system_" #verb, [&] {                                \
            return run_verb(verb##_verb, system, options,                                      \
                            completion_mode::synchronous(timeout_ms, out_document));           \
        });                                                                                    \
    }

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
        if (out_system == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_system must not be NULL");
        *out_system = 0;
        parsed_call_options options;
        if (const zlhcs_hresult hr = read_call_options(call_options, option_namespace | option_requested_access,
                                                       "zlhcs_system_open", options);
            hr < 0) {
            return hr;
        }
        wide_argument wide_id;
        if (const zlhcs_hresult hr = to_wide(id, "id", true, wide_id); hr < 0) return hr;
        const table* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
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
        auto object = systems().remove(system);
        if (object == nullptr) return invalid_system(system);
        object->close();  // releases threads in zlhcs_system_wait_exit on it
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_id(zlhcs_system system, char** out_id) {
    return zlhcs::api::guarded("zlhcs_system_id", [&]() -> zlhcs_hresult {
        if (out_id == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_id must not be NULL");
        *out_id = nullptr;
        auto object = find_system(system);
        if (object == nullptr) return invalid_system(system);
        if (!object->id().empty()) {
            *out_id = duplicate_for_caller(object->id());
            return ZLHCS_S_OK;
        }
        // Created without an id: HCS chose one; its basic properties name it.
        char* properties = nullptr;
        const zlhcs_hresult hr = run_verb(properties_verb, system, nullptr,
                                          completion_mode::synchronous(ZLHCS_INFINITE, &properties));
        const std::string text = properties != nullptr ? properties : "";
        free_from_caller(properties);
        if (hr < 0) return hr;
        *out_id = duplicate_for_caller(id_from_properties(text));
        return ZLHCS_S_OK;
    });
}

ZLHCS_DEFINE_SYSTEM_VERB(start)
ZLHCS_DEFINE_SYSTEM_VERB(shutdown)
ZLHCS_DEFINE_SYSTEM_VERB(terminate)
ZLHCS_DEFINE_SYSTEM_VERB(crash)
ZLHCS_DEFINE_SYSTEM_VERB(pause)
ZLHCS_DEFINE_SYSTEM_VERB(resume)
ZLHCS_DEFINE_SYSTEM_VERB(save)

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties_async(
    zlhcs_system system, const char* query, zlhcs_operation_callback callback, void* context,
    zlhcs_release_callback release, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_properties_async", [&] {
        return run_verb(properties_verb, system, query,
                        completion_mode::asynchronous(callback, context, release, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties(zlhcs_system system,
                                                           const char* query,
                                                           uint32_t timeout_ms,
                                                           char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_properties", [&] {
        return run_verb(properties_verb, system, query,
                        completion_mode::synchronous(timeout_ms, out_document));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify_async(
    zlhcs_system system, const char* settings, const zlhcs_call_options* call_options,
    zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
    zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_modify_async", [&]() -> zlhcs_hresult {
        if (out_operation == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
        }
        return modify(system, settings, call_options,
                      completion_mode::asynchronous(callback, context, release, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify(zlhcs_system system,
                                                       const char* settings,
                                                       const zlhcs_call_options* call_options,
                                                       uint32_t timeout_ms, char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_modify", [&] {
        return modify(system, settings, call_options,
                      completion_mode::synchronous(timeout_ms, out_document));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit(zlhcs_system system,
                                                          uint32_t timeout_ms,
                                                          char** out_document) {
    return zlhcs::api::guarded("zlhcs_system_wait_exit", [&]() -> zlhcs_hresult {
        if (out_document != nullptr) *out_document = nullptr;
        auto object = find_system(system);
        if (object == nullptr) return invalid_system(system);
        const table* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        if (backend->HcsWaitForComputeSystemExit == nullptr) {
            return wait_for_exit_event(*object, timeout_ms, out_document);
        }
        return wait_for_exit(*backend, system, *object, timeout_ms, out_document);
    });
}

}  // extern "C"
