// Exports: the calls on a compute system (start, shutdown, terminate, crash, pause, resume, save,
// properties, modify), each as a synchronous and an _async form.
#include "arguments.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

// The shape shared by start/shutdown/terminate/crash/pause/resume/save/properties/modify:
// (HCS_SYSTEM, HCS_OPERATION, PCWSTR document).
using system_call = HRESULT(WINAPI* table::*)(HCS_SYSTEM, HCS_OPERATION, PCWSTR);

struct system_verb {
    system_call entry_point;
    const char* name;
    const char* parameter;
    // Stopping a system that is gone already is done: the synchronous form returns
    // ZLHCS_S_FALSE (is_gone_system_code).
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

// Checks everything a system call needs before anything starts.
struct prepared_call {
    const table* backend = nullptr;
    std::shared_ptr<system_object> system;
    wide_argument document;
};

template <typename Entry>
zlhcs_hresult prepare(zlhcs_system handle, const char* document, const char* parameter, bool document_required,
                      Entry table::*entry, const char* entry_name, prepared_call& out) {
    out.system = zlhcs::api::resolve<system_object>(handle);
    if (out.system == nullptr) return ZLHCS_E_INVALID_HANDLE;
    if (const zlhcs_hresult hr = json_to_wide(document, parameter, document_required, out.document); hr < 0) {
        return hr;
    }
    ZLHCS_BACKEND(backend);
    out.backend = backend;
    return require(out.backend->*entry, entry_name);
}

zlhcs_hresult run_verb(const system_verb& verb, zlhcs_system handle, const char* options,
                       const completion_mode& mode) {
    mode.clear_outputs();
    prepared_call call;
    if (const zlhcs_hresult hr = prepare(handle, options, verb.parameter, false, verb.entry_point, verb.name, call);
        hr < 0) {
        return hr;
    }
    auto entry = call.backend->*verb.entry_point;
    HCS_SYSTEM hcs_system = call.system->hcs_system();
    const operation_subject subject = call.system->subject();
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    const zlhcs_hresult hr = run(*call.backend, verb.name, call.system, with_subject, [&](HCS_OPERATION operation) {
        return entry(hcs_system, operation, call.document.c_str());
    });
    if (verb.gone_is_done && !mode.async && is_gone_system_code(hr)) {
        // A success code never hands out an error document (zlhcs.h "Out-parameters").
        mode.discard_document();
        clear_last_error();
        return ZLHCS_S_FALSE;
    }
    return hr;
}

// HcsModifyComputeSystem takes one more argument (an identity token) than the verbs, and its
// settings document is required.
zlhcs_hresult modify(zlhcs_system handle, const char* settings, const zlhcs_call_options* call_options,
                     const completion_mode& mode) {
    mode.clear_outputs();
    parsed_call_options options;
    if (const zlhcs_hresult hr = read_call_options(call_options, option_identity_token, "zlhcs_system_modify", options);
        hr < 0) {
        return hr;
    }
    prepared_call call;
    if (const zlhcs_hresult hr = prepare(handle, settings, "settings", true, &table::HcsModifyComputeSystem,
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
    const operation_subject subject = call.system->subject();
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    return run(*call.backend, "HcsModifyComputeSystem", call.system, with_subject, [&](HCS_OPERATION operation) {
        return call.backend->HcsModifyComputeSystem(
            hcs_system, operation, call.document.c_str(),
            reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(options.identity_token)));
    });
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
        ZLHCS_ARG_NOT_NULL(out_operation);
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

}  // extern "C"
