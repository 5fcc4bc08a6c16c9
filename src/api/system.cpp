// Exports: compute systems.
#include "guard.hpp"

#include "../core/calls.hpp"
#include "../core/strings.hpp"

#include <rapidjson/document.h>

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
    const zlhcs_hresult hr = run(*call.backend, verb.name, call.system, mode, [&](HCS_OPERATION operation) {
        return entry(hcs_system, operation, call.document.c_str());
    });
    if (verb.gone_is_done && !mode.async && is_system_gone(hr)) {
        clear_last_error();
        return ZLHCS_S_FALSE;
    }
    return hr;
}

// HcsModifyComputeSystem takes one more argument (an identity token) than the verbs, and its
// settings document is required.
zlhcs_hresult modify(zlhcs_system handle, const char* settings, const completion_mode& mode) {
    mode.clear_outputs();
    prepared_call call;
    if (const zlhcs_hresult hr = prepare(handle, settings, "settings", true,
                                         &table::HcsModifyComputeSystem,
                                         "HcsModifyComputeSystem", call);
        hr < 0) {
        return hr;
    }
    HCS_SYSTEM hcs_system = call.system->hcs_system();
    return run(*call.backend, "HcsModifyComputeSystem", call.system, mode,
               [&](HCS_OPERATION operation) {
                   return call.backend->HcsModifyComputeSystem(hcs_system, operation,
                                                               call.document.c_str(), nullptr);
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
                     zlhcs_operation_callback callback, void* context, bool async,
                     std::uint32_t timeout_ms, zlhcs_system* out_system,
                     zlhcs_operation* out_operation) {
    if (out_system == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_system must not be NULL");
    *out_system = 0;
    if (async && out_operation == nullptr) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
    }
    if (out_operation != nullptr) *out_operation = 0;
    wide_argument wide_id;
    wide_argument wide_configuration;
    if (const zlhcs_hresult hr = to_wide(id, "id", false, wide_id); hr < 0) return hr;
    if (const zlhcs_hresult hr = json_to_wide(configuration, "configuration", true, wide_configuration); hr < 0) {
        return hr;
    }
    const table* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
    if (const zlhcs_hresult hr = require(backend->HcsCreateComputeSystem, "HcsCreateComputeSystem"); hr < 0) {
        return hr;
    }

    HCS_SYSTEM hcs_system = nullptr;
    auto start = [&](HCS_OPERATION operation) {
        return backend->HcsCreateComputeSystem(wide_id.c_str(), wide_configuration.c_str(),
                                               operation, nullptr, &hcs_system);
    };
    started_operation started;
    const zlhcs_hresult hr = start_operation(*backend, "HcsCreateComputeSystem", callback,
                                             context, nullptr, async, start, started);
    if (hr < 0) {
        if (hcs_system != nullptr) backend->HcsCloseComputeSystem(hcs_system);
        return hr;
    }
    auto system = std::make_shared<system_object>(*backend, hcs_system, id != nullptr ? id : "");
    if (async) {
        *out_system = systems().insert(std::move(system));
        *out_operation = started.handle;
        return ZLHCS_S_OK;
    }
    bool still_running = false;
    const zlhcs_hresult result = finish_sync(*started.object, timeout_ms, nullptr, &still_running);
    // Timed out: the create may still complete, so the caller gets the handle (to wait for
    // the system, inspect or terminate it) rather than an id taken by a system nobody holds.
    if (result < 0 && !still_running) return result;  // the half-created system's handle closes
    *out_system = systems().insert(std::move(system));
    return result;
}

}  // namespace

#define ZLHCS_DEFINE_SYSTEM_VERB(verb)                                                         \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_##verb##_async(                            \
        zlhcs_system system, const char* options, zlhcs_operation_callback callback,           \
        void* context, zlhcs_operation* out_operation) {                                       \
        return zlhcs::api::guarded("zlhcs_system_" #verb "_async", [&] {                       \
            return run_verb(verb##_verb, system, options,                                      \
                            completion_mode::asynchronous(callback, context, out_operation));  \
        });                                                                                    \
    }                                                                                          \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_##verb(zlhcs_system system,                \
                                                         const char* options,                  \
                                                         uint32_t timeout_ms) {                \
        return zlhcs::api::guarded("zlhcs_system_" #verb, [&] {                                \
            return run_verb(verb##_verb, system, options,                                      \
                            completion_mode::synchronous(timeout_ms, nullptr));                \
        });                                                                                    \
    }

extern "C" {

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create_async(
    const char* id, const char* configuration, zlhcs_operation_callback callback,
    void* context, zlhcs_system* out_system, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_create_async", [&] {
        return create(id, configuration, callback, context, true, 0, out_system, out_operation);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_create(const char* id,
                                                       const char* configuration,
                                                       uint32_t timeout_ms,
                                                       zlhcs_system* out_system) {
    return zlhcs::api::guarded("zlhcs_system_create", [&] {
        return create(id, configuration, nullptr, nullptr, false, timeout_ms, out_system, nullptr);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_open(const char* id, zlhcs_system* out_system) {
    return zlhcs::api::guarded("zlhcs_system_open", [&]() -> zlhcs_hresult {
        if (out_system == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_system must not be NULL");
        *out_system = 0;
        wide_argument wide_id;
        if (const zlhcs_hresult hr = to_wide(id, "id", true, wide_id); hr < 0) return hr;
        const table* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        if (const zlhcs_hresult hr = require(backend->HcsOpenComputeSystem, "HcsOpenComputeSystem"); hr < 0) {
            return hr;
        }
        HCS_SYSTEM hcs_system = nullptr;
        const HRESULT hr = backend->HcsOpenComputeSystem(wide_id.c_str(), GENERIC_ALL, &hcs_system);
        if (hr < 0) return fail_hcs(hr, "HcsOpenComputeSystem", {});
        *out_system = systems().insert(std::make_shared<system_object>(*backend, hcs_system, id));
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_close(zlhcs_system system) {
    return zlhcs::api::guarded("zlhcs_system_close", [&]() -> zlhcs_hresult {
        if (systems().remove(system) == nullptr) return invalid_system(system);
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
        std::free(properties);
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
    zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_properties_async", [&] {
        return run_verb(properties_verb, system, query,
                        completion_mode::asynchronous(callback, context, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_properties(zlhcs_system system,
                                                           const char* query,
                                                           uint32_t timeout_ms,
                                                           char** out_properties) {
    return zlhcs::api::guarded("zlhcs_system_properties", [&]() -> zlhcs_hresult {
        if (out_properties == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_properties must not be NULL");
        }
        return run_verb(properties_verb, system, query,
                        completion_mode::synchronous(timeout_ms, out_properties));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify_async(
    zlhcs_system system, const char* settings, zlhcs_operation_callback callback,
    void* context, zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_system_modify_async", [&]() -> zlhcs_hresult {
        if (out_operation == nullptr) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
        }
        return modify(system, settings,
                      completion_mode::asynchronous(callback, context, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_modify(zlhcs_system system,
                                                       const char* settings,
                                                       uint32_t timeout_ms) {
    return zlhcs::api::guarded("zlhcs_system_modify", [&] {
        return modify(system, settings, completion_mode::synchronous(timeout_ms, nullptr));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_system_wait_exit(zlhcs_system system,
                                                          uint32_t timeout_ms,
                                                          char** out_result) {
    return zlhcs::api::guarded("zlhcs_system_wait_exit", [&]() -> zlhcs_hresult {
        if (out_result != nullptr) *out_result = nullptr;
        auto object = find_system(system);
        if (object == nullptr) return invalid_system(system);
        const table* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
        if (const zlhcs_hresult hr = require(backend->HcsWaitForComputeSystemExit,
                                             "HcsWaitForComputeSystemExit");
            hr < 0) {
            return hr;
        }
        PWSTR raw = nullptr;
        const HRESULT hr = backend->HcsWaitForComputeSystemExit(object->hcs_system(), timeout_ms, &raw);
        std::string document = from_wide(raw);
        backend->free_string(raw);
        if (hr < 0) return fail_hcs(hr, "HcsWaitForComputeSystemExit", std::move(document));
        hand_out(out_result, document);
        return hr;
    });
}

}  // extern "C"
