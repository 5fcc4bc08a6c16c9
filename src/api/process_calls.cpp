// Exports: the calls on a process (signal, terminate, properties, modify, info, resize_console).
#include "arguments.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

// The shape shared by signal/terminate/properties/modify: (HCS_PROCESS, HCS_OPERATION, PCWSTR).
using process_call = HRESULT(WINAPI* table::*)(HCS_PROCESS, HCS_OPERATION, PCWSTR);

struct process_verb {
    process_call entry_point;
    const char* name;
    const char* parameter;
    bool document_required;
    // Signalling or terminating a process that is gone is done: the synchronous form returns
    // ZLHCS_S_FALSE, whichever of HCS's gone-process codes came (process_object::is_gone).
    bool gone_is_done = false;
    // The schema type the caller's document is validated as when document validation is on
    // (zlhcs_init_options.validation); nullptr: not validated.
    const char* schema_type = nullptr;
};

constexpr process_verb signal_verb{&table::HcsSignalProcess, "HcsSignalProcess", "options", false, true};
constexpr process_verb terminate_verb{&table::HcsTerminateProcess, "HcsTerminateProcess", "options", false, true};
constexpr process_verb properties_verb{&table::HcsGetProcessProperties, "HcsGetProcessProperties", "query", false};
constexpr process_verb modify_verb{&table::HcsModifyProcess, "HcsModifyProcess", "settings", true, false,
                                   "ProcessModifyRequest"};
// zlhcs's own ProcessModifyRequest (resize_console): written by zlhcs, not validated again.
constexpr process_verb resize_verb{&table::HcsModifyProcess, "HcsModifyProcess", "settings", true};

zlhcs_hresult run_verb(const process_verb& verb, zlhcs_process handle, const char* document,
                       const completion_mode& mode) {
    mode.clear_outputs();
    ZLHCS_RESOLVE(process, process_object, handle);
    wide_argument wide_document;
    if (const zlhcs_hresult hr = json_to_wide(document, verb.parameter, verb.document_required, wide_document); hr < 0) {
        return hr;
    }
    ZLHCS_BACKEND(backend);
    if (verb.schema_type != nullptr) {
        if (const zlhcs_hresult hr = zlhcs::schema::check_document(backend->validation, verb.schema_type,
                                                                   verb.parameter, document, mode.out_document);
            hr < 0) {
            return hr;
        }
    }
    auto entry = backend->*verb.entry_point;
    if (const zlhcs_hresult hr = require(entry, verb.name); hr < 0) return hr;
    HCS_PROCESS hcs_process = process->hcs_process();
    const operation_subject subject = process->subject();
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    // The operation keeps the process object, and so its HCS handle, open until HCS is done
    // with it, however early the caller closes the zlhcs handle.
    const zlhcs_hresult hr = run(*backend, verb.name, process, with_subject, [&](HCS_OPERATION operation) {
        return entry(hcs_process, operation, wide_document.c_str());
    });
    if (verb.gone_is_done && !mode.async && hr < 0 && process->is_gone(hr)) {
        // A success code never hands out an error document (zlhcs.h "Out-parameters").
        mode.discard_document();
        clear_last_error();
        return ZLHCS_S_FALSE;
    }
    return hr;
}

// HcsGetProcessInfo takes no document.
zlhcs_hresult info(zlhcs_process handle, const completion_mode& mode) {
    mode.clear_outputs();
    ZLHCS_RESOLVE(process, process_object, handle);
    ZLHCS_BACKEND(backend);
    if (const zlhcs_hresult hr = require(backend->HcsGetProcessInfo, "HcsGetProcessInfo"); hr < 0) return hr;
    HCS_PROCESS hcs_process = process->hcs_process();
    const operation_subject subject = process->subject();
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    return run(*backend, "HcsGetProcessInfo", process, with_subject, [&](HCS_OPERATION operation) {
        return backend->HcsGetProcessInfo(hcs_process, operation);
    });
}

}  // namespace

#define ZLHCS_DEFINE_PROCESS_VERB(verb)                                                        \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_##verb(                                   \
        zlhcs_process process, const char* document, uint32_t timeout_ms, char** out_document) { \
        return zlhcs::api::guarded("zlhcs_process_" #verb, [&] {                               \
            return run_verb(verb##_verb, process, document,                                    \
                            completion_mode::synchronous(timeout_ms, out_document));           \
        });                                                                                    \
    }                                                                                          \
    ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_##verb##_async(                           \
        zlhcs_process process, const char* document, zlhcs_operation_callback callback,        \
        void* context, zlhcs_release_callback release, zlhcs_operation* out_operation) {       \
        return zlhcs::api::guarded("zlhcs_process_" #verb "_async", [&]() -> zlhcs_hresult {   \
            ZLHCS_ARG_NOT_NULL(out_operation);                                                 \
            return run_verb(verb##_verb, process, document,                                    \
                            completion_mode::asynchronous(callback, context, release,          \
                                                          out_operation));                     \
        });                                                                                    \
    }

extern "C" {

ZLHCS_DEFINE_PROCESS_VERB(signal)
ZLHCS_DEFINE_PROCESS_VERB(terminate)
ZLHCS_DEFINE_PROCESS_VERB(properties)
ZLHCS_DEFINE_PROCESS_VERB(modify)

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info_async(zlhcs_process process,
                                                            zlhcs_operation_callback callback, void* context,
                                                            zlhcs_release_callback release,
                                                            zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_process_info_async", [&]() -> zlhcs_hresult {
        ZLHCS_ARG_NOT_NULL(out_operation);
        return info(process, completion_mode::asynchronous(callback, context, release, out_operation));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info(zlhcs_process process, uint32_t timeout_ms,
                                                      char** out_document) {
    return zlhcs::api::guarded("zlhcs_process_info", [&] {
        return info(process, completion_mode::synchronous(timeout_ms, out_document));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_resize_console(zlhcs_process process, uint16_t width,
                                                                uint16_t height, uint32_t timeout_ms,
                                                                char** out_document) {
    return zlhcs::api::guarded("zlhcs_process_resize_console", [&] {
        const std::string request = R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":)" +
                                    std::to_string(height) + R"(,"Width":)" + std::to_string(width) + "}}";
        return run_verb(resize_verb, process, request.c_str(),
                        completion_mode::synchronous(timeout_ms, out_document));
    });
}

}  // extern "C"
