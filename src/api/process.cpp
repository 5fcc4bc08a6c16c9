// Exports: processes in compute systems and their stdio.
#include "guard.hpp"

#include "../core/call_options.hpp"
#include "../core/calls.hpp"
#include "../core/strings.hpp"
#include "../schema/gate.hpp"

namespace {

using namespace zlhcs::core;
using zlhcs::backend::table;

constexpr std::size_t stdio_count = 3;

std::shared_ptr<process_object> find_process(zlhcs_process handle) {
    return processes().find(handle);
}

zlhcs_hresult invalid_process(zlhcs_process handle) {
    return zlhcs::api::invalid_handle("process", handle);
}

zlhcs_hresult invalid_stream(std::uint32_t stream) {
    return fail(ZLHCS_E_INVALID_ARGUMENT,
                "stream " + std::to_string(stream) + " is not ZLHCS_STDIN, ZLHCS_STDOUT or ZLHCS_STDERR");
}

// The shape shared by signal/terminate/properties/modify: (HCS_PROCESS, HCS_OPERATION, PCWSTR).
using process_call = HRESULT(WINAPI* table::*)(HCS_PROCESS, HCS_OPERATION, PCWSTR);

struct process_verb {
    process_call entry_point;
    const char* name;
    const char* parameter;
    bool document_required;
    // Signalling or terminating a process that is gone is done: the synchronous form returns
    // ZLHCS_S_FALSE, whichever of HCS's gone-process codes came (see process_is_gone()).
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

// HCS reports a gone process with several codes (hcsshim internal/hcs/v2/process.go Kill and
// processSignalResult): HCS_E_PROCESS_ALREADY_STOPPED (a terminate is already under way),
// HCS_E_SYSTEM_NOT_FOUND (its system is gone), ERROR_NOT_FOUND (it never started) say so
// alone; E_ACCESSDENIED and HCS_E_INVALID_STATE can mean other things, so they count only once
// the process is known to have exited (its status is asked if the exit event has not come).
bool process_is_gone(process_object& process, zlhcs_hresult hr) {
    if (!is_gone_process_code(hr)) return false;
    switch (normalize_hcs_code(hr)) {
    case ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED:
    case ZLHCS_HCS_E_SYSTEM_NOT_FOUND:
    case ZLHCS_HR(0x80070490u):
        return true;
    default:
        break;
    }
    if (process.has_exited()) return true;
    const last_error_scope keep;
    std::uint32_t ignored = 0;
    return process.wait_exit(0, ZLHCS_HCS_E_OPERATION_PENDING, &ignored) == ZLHCS_S_OK;
}

zlhcs_hresult run_verb(const process_verb& verb, zlhcs_process handle, const char* document,
                       const completion_mode& mode) {
    mode.clear_outputs();
    auto process = find_process(handle);
    if (process == nullptr) return invalid_process(handle);
    wide_argument wide_document;
    if (const zlhcs_hresult hr = json_to_wide(document, verb.parameter, verb.document_required, wide_document); hr < 0) {
        return hr;
    }
    const table* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
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
    const operation_subject subject{process->owner(), handle, process->owner_id()};
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    // The operation keeps the process object, and so its HCS handle, open until HCS is done
    // with it, however early the caller closes the zlhcs handle.
    const zlhcs_hresult hr = run(*backend, verb.name, process, with_subject, [&](HCS_OPERATION operation) {
        return entry(hcs_process, operation, wide_document.c_str());
    });
    if (verb.gone_is_done && !mode.async && hr < 0 && process_is_gone(*process, hr)) {
        // A success code never hands out an error document (zlhcs.h "Out-parameters").
        mode.discard_document();
        clear_last_error();
        return ZLHCS_S_FALSE;
    }
    return hr;
}

std::shared_ptr<system_object> find_owner(zlhcs_system handle) {
    auto system = systems().find(handle);
    if (system == nullptr) (void)zlhcs::api::invalid_handle("compute system", handle);
    return system;
}

// HcsGetProcessInfo takes no document.
zlhcs_hresult info(zlhcs_process handle, const completion_mode& mode) {
    mode.clear_outputs();
    auto process = find_process(handle);
    if (process == nullptr) return invalid_process(handle);
    const table* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
    if (const zlhcs_hresult hr = require(backend->HcsGetProcessInfo, "HcsGetProcessInfo"); hr < 0) return hr;
    HCS_PROCESS hcs_process = process->hcs_process();
    const operation_subject subject{process->owner(), handle, process->owner_id()};
    completion_mode with_subject = mode;
    with_subject.subject = &subject;
    return run(*backend, "HcsGetProcessInfo", process, with_subject, [&](HCS_OPERATION operation) {
        return backend->HcsGetProcessInfo(hcs_process, operation);
    });
}

zlhcs_hresult create(zlhcs_system system_handle, const char* parameters,
                     const zlhcs_call_options* call_options, const completion_mode& mode,
                     zlhcs_process* out_process) {
    const bool async = mode.async;
    mode.clear_outputs();
    if (out_process != nullptr) *out_process = 0;
    if (out_process == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_process must not be NULL");
    if (async && mode.out_operation == nullptr) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
    }
    parsed_call_options options;
    if (const zlhcs_hresult hr = read_call_options(call_options, option_security_descriptor,
                                                   "zlhcs_process_create", options);
        hr < 0) {
        return hr;
    }
    const auto* security = static_cast<const SECURITY_DESCRIPTOR*>(options.security_descriptor);
    auto system = find_owner(system_handle);
    if (system == nullptr) return ZLHCS_E_INVALID_HANDLE;
    wide_argument wide_parameters;
    if (const zlhcs_hresult hr = json_to_wide(parameters, "parameters", true, wide_parameters); hr < 0) return hr;
    const table* backend = zlhcs::backend::get();
    if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
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
    started_operation started;
    // If the completion cannot read its result (a create that completed inside the call can
    // leave it broken: hcsshim internal/hcs/v2/system.go), it recovers through
    // HcsGetProcessInfo; if the create fails for good, whatever HCS started is terminated.
    const zlhcs_hresult hr = start_operation(
        *backend, "HcsCreateProcess", mode.callback, mode.context, mode.release, system, async,
        [&](HCS_OPERATION operation) {
            return backend->HcsCreateProcess(system->hcs_system(), wide_parameters.c_str(), operation,
                                             security, &hcs_process);
        },
        started, process, true);
    if (hr < 0) {
        if (hcs_process != nullptr) backend->HcsCloseProcess(hcs_process);
        return hr;
    }
    if (const zlhcs_hresult watched = process->adopt(hcs_process); watched < 0) {
        // Without its exit event the process's exit code could be lost: refuse it, and end it
        // (HCS cannot cancel the create, so it may already run).
        process->doom();
        if (async) operations().remove(started.handle);
        started.object->close();
        return watched;
    }
    const auto publish = [&] {
        const zlhcs_process handle = processes().insert(process);
        process->set_handle(handle);
        started.object->set_subject(operation_subject{system_handle, handle, system->id()});
        return handle;
    };
    if (async) {
        *out_process = publish();
        *mode.out_operation = started.handle;
        started.succeed();  // every out-parameter is written: the callback may run
        return ZLHCS_S_OK;
    }
    bool still_running = false;
    const zlhcs_hresult result =
        finish_sync(*started.object, mode.timeout_ms, mode.out_document, &still_running);
    // Timed out: the process may still start, so the caller gets the handle (pid and stdio
    // arrive when the create completes); a failed create's handle is closed.
    if (result < 0 && !still_running) return result;
    *out_process = publish();
    return result;
}

zlhcs_hresult check_stream(std::uint32_t stream) {
    if (stream >= stdio_count) return invalid_stream(stream);
    return ZLHCS_S_OK;
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
            if (out_operation == nullptr) {                                                    \
                return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");       \
            }                                                                                  \
            return run_verb(verb##_verb, process, document,                                    \
                            completion_mode::asynchronous(callback, context, release,          \
                                                          out_operation));                     \
        });                                                                                    \
    }

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
        if (out_process == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_process must not be NULL");
        *out_process = 0;
        auto owner = find_owner(system);
        if (owner == nullptr) return ZLHCS_E_INVALID_HANDLE;
        const table* backend = zlhcs::backend::get();
        if (backend == nullptr) return ZLHCS_E_BACKEND_UNAVAILABLE;
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
        auto object = processes().remove(process);
        if (object == nullptr) return invalid_process(process);
        // Waits in flight (wait_exit, stdio reads and writes) give up with INVALID_HANDLE; the
        // host ends of the pipes close now, or as the I/O holding one leaves.
        object->abandon();
        return ZLHCS_S_OK;
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_id(zlhcs_process process, uint32_t* out_process_id) {
    return zlhcs::api::guarded("zlhcs_process_id", [&]() -> zlhcs_hresult {
        if (out_process_id == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_process_id must not be NULL");
        *out_process_id = 0;
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        const auto id = object->process_id();
        if (!id) return fail(ZLHCS_HCS_E_OPERATION_PENDING, "the process's creation has not completed");
        *out_process_id = *id;
        return ZLHCS_S_OK;
    });
}

ZLHCS_DEFINE_PROCESS_VERB(signal)
ZLHCS_DEFINE_PROCESS_VERB(terminate)
ZLHCS_DEFINE_PROCESS_VERB(properties)
ZLHCS_DEFINE_PROCESS_VERB(modify)

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_info_async(zlhcs_process process,
                                                            zlhcs_operation_callback callback, void* context,
                                                            zlhcs_release_callback release,
                                                            zlhcs_operation* out_operation) {
    return zlhcs::api::guarded("zlhcs_process_info_async", [&]() -> zlhcs_hresult {
        if (out_operation == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
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

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_wait_exit(zlhcs_process process, uint32_t timeout_ms,
                                                           uint32_t* out_exit_code) {
    return zlhcs::api::guarded("zlhcs_process_wait_exit", [&]() -> zlhcs_hresult {
        if (out_exit_code != nullptr) *out_exit_code = 0;
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        return object->wait_exit(timeout_ms, ZLHCS_HCS_E_OPERATION_TIMEOUT, out_exit_code);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_exit_code(zlhcs_process process, uint32_t* out_exit_code) {
    return zlhcs::api::guarded("zlhcs_process_exit_code", [&]() -> zlhcs_hresult {
        if (out_exit_code == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_exit_code must not be NULL");
        *out_exit_code = 0;
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        return object->wait_exit(0, ZLHCS_HCS_E_OPERATION_PENDING, out_exit_code);
    });
}

// Bounded: waits at most timeout_ms for the pipe to take the bytes, and reports how many it
// took whatever the outcome (stdio_pipe::write). A writer in flight is released within one poll
// slice by zlhcs_process_stdio_close(STDIN) or _detach(STDIN) (ZLHCS_E_INVALID_STATE, the
// stream's state) and by zlhcs_process_close (ZLHCS_E_INVALID_HANDLE); the bytes taken before
// reach the process.
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_write(zlhcs_process process, const void* data,
                                                             size_t size, uint32_t timeout_ms,
                                                             size_t* out_written) {
    if (out_written != nullptr) *out_written = 0;
    return zlhcs::api::guarded("zlhcs_process_stdio_write", [&]() -> zlhcs_hresult {
        if (data == nullptr && size > 0) return fail(ZLHCS_E_INVALID_ARGUMENT, "data must not be NULL");
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        return object->pipe(ZLHCS_STDIN).write(data, size, timeout_ms, out_written);
    });
}

// zlhcs's end and HCS's (process_object::close_stream).
ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_close(zlhcs_process process,
                                                             uint32_t stream) {
    return zlhcs::api::guarded("zlhcs_process_stdio_close", [&]() -> zlhcs_hresult {
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        return object->close_stream(static_cast<zlhcs_stdio_stream>(stream));
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_read(zlhcs_process process, uint32_t stream,
                                                            void* buffer, size_t capacity, uint32_t timeout_ms,
                                                            size_t* out_read) {
    return zlhcs::api::guarded("zlhcs_process_stdio_read", [&]() -> zlhcs_hresult {
        if (out_read == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_read must not be NULL");
        *out_read = 0;
        if (buffer == nullptr || capacity == 0) {
            return fail(ZLHCS_E_INVALID_ARGUMENT, "buffer must not be NULL and capacity must not be 0");
        }
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        if (stream == ZLHCS_STDIN) return fail(ZLHCS_E_INVALID_ARGUMENT, "stdin cannot be read");
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        return object->pipe(static_cast<zlhcs_stdio_stream>(stream)).read(buffer, capacity, timeout_ms, out_read);
    });
}

ZLHCS_API zlhcs_hresult ZLHCS_CALL zlhcs_process_stdio_detach(zlhcs_process process, uint32_t stream,
                                                              uint64_t* out_os_handle) {
    return zlhcs::api::guarded("zlhcs_process_stdio_detach", [&]() -> zlhcs_hresult {
        if (out_os_handle == nullptr) return fail(ZLHCS_E_INVALID_ARGUMENT, "out_os_handle must not be NULL");
        *out_os_handle = 0;
        if (const zlhcs_hresult hr = check_stream(stream); hr < 0) return hr;
        auto object = find_process(process);
        if (object == nullptr) return invalid_process(process);
        stdio_pipe::native_handle handle{};
        if (const zlhcs_hresult hr = object->pipe(static_cast<zlhcs_stdio_stream>(stream)).detach(handle); hr < 0) {
            return hr;
        }
#ifdef _WIN32
        *out_os_handle = reinterpret_cast<std::uintptr_t>(handle);
#else
        *out_os_handle = static_cast<std::uint64_t>(handle);
#endif
        return ZLHCS_S_OK;
    });
}

}  // extern "C"
