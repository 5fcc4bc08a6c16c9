// Running HCS calls that take an operation, in their async and synchronous forms.
#pragma once

#include "errors.hpp"
#include "operation.hpp"
#include "registry.hpp"

#include <memory>
#include <utility>

namespace zlhcs::core {

/// Fails with ZLHCS_E_NOT_SUPPORTED naming `name` when the backend lacks the entry point.
template <typename Fn>
zlhcs_hresult require(Fn* entry_point, const char* name) {
    if (entry_point != nullptr) return ZLHCS_S_OK;
    return fail(ZLHCS_E_NOT_SUPPORTED,
                std::string("the HCS backend does not provide ") + name +
                    " (it needs a newer Windows, or the backend library lacks it)",
                name);
}

/// A started operation, until its starting call has decided how it ends: succeed() once every
/// out-parameter is written opens the operation's gate (its callback may run from then on);
/// otherwise, when this goes (the call failed, or threw), the gate closes for good: a failed
/// call never calls back and never releases the caller's context.
struct started_operation {
    std::shared_ptr<operation_object> object;
    zlhcs_operation handle = 0;  // 0 for an unpublished (synchronous) operation

    started_operation() = default;
    started_operation(const started_operation&) = delete;
    started_operation& operator=(const started_operation&) = delete;
    ~started_operation() {
        if (object != nullptr) object->open_gate(false);  // no-op after succeed()
    }
    void succeed() noexcept {
        if (object != nullptr) object->open_gate(true);
    }
};

/// Creates an operation, publishes it as a handle when `publish` (so its callback can name
/// it), and runs `start(HCS_OPERATION) -> HRESULT`. If HCS refuses to start, everything is
/// undone and the callback will never run. A process operation delivers pid and pipes to
/// `process_sink`; the one that `creates_process` also recovers them if its result is broken.
/// `on_complete` (zlhcs's own use of an operation) runs once with its result and document.
/// An unpublished operation has no out-parameters: its gate opens as soon as HCS took it.
template <typename Start>
zlhcs_hresult start_operation(const backend::table& backend, const char* function,
                              zlhcs_operation_callback callback, void* context,
                              zlhcs_release_callback release,
                              std::shared_ptr<void> keep_alive, bool publish,
                              Start&& start, started_operation& out,
                              std::shared_ptr<process_object> process_sink = nullptr,
                              bool creates_process = false,
                              operation_object::completion_hook on_complete = nullptr) {
    auto object = std::make_shared<operation_object>(backend, function, callback, context, release,
                                                      std::move(keep_alive));
    // Until `out` holds it, any way out of here (a failure, or a throw) is a failed call: the
    // caller keeps its context, and the callback never runs.
    struct failure_guard {
        operation_object* object;
        ~failure_guard() {
            if (object != nullptr) object->open_gate(false);
        }
    } guard{object.get()};
    if (on_complete != nullptr) object->on_complete_internally(std::move(on_complete));
    if (process_sink != nullptr) object->deliver_process_info_to(std::move(process_sink));
    if (creates_process) object->recover_process_info();
    if (const zlhcs_hresult hr = object->create_hcs_operation(); hr < 0) return hr;
    zlhcs_operation handle = 0;
    if (publish) {
        handle = operations().insert(object);
        object->set_handle(handle);
    }
    const HRESULT hr = start(object->hcs_operation());
    if (hr < 0) {
        if (publish) operations().remove(handle);
        object->open_gate(false);  // the call fails: no callback, no release
        (void)object->close();     // HCS never completes it: no waiter
        object->abandon();
        return fail_hcs(hr, function, {});
    }
    object->track_pending();
    guard.object = nullptr;  // `out` decides from here (started_operation)
    out.object = std::move(object);
    out.handle = handle;
    if (!publish) out.succeed();
    return ZLHCS_S_OK;
}

/// Waits for an unpublished operation and reports its result. If it does not complete
/// within timeout_ms, reports HCS_E_OPERATION_TIMEOUT saying that the work may still complete
/// (HCS cannot cancel it), and sets *still_running (if given): whatever the call creates
/// must then be handed to the caller, not dropped. A result that arrives as the timeout
/// fires is reported, not discarded.
zlhcs_hresult finish_sync(operation_object& operation, std::uint32_t timeout_ms,
                          char** out_document, bool* still_running = nullptr);

/// Async form: publishes the operation and returns its handle.
template <typename Start>
zlhcs_hresult run_async(const backend::table& backend, const char* function,
                        zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
                        std::shared_ptr<void> keep_alive, zlhcs_operation* out_operation,
                        const operation_subject* subject, Start&& start) {
    if (out_operation == nullptr) {
        return fail(ZLHCS_E_INVALID_ARGUMENT, "out_operation must not be NULL");
    }
    *out_operation = 0;
    started_operation started;
    const zlhcs_hresult hr = start_operation(backend, function, callback, context, release,
                                             std::move(keep_alive), true,
                                             std::forward<Start>(start), started);
    if (hr < 0) return hr;
    if (subject != nullptr) started.object->set_subject(*subject);
    *out_operation = started.handle;
    started.succeed();
    return ZLHCS_S_OK;
}

/// Synchronous form: runs and waits up to timeout_ms.
template <typename Start>
zlhcs_hresult run_sync(const backend::table& backend, const char* function,
                       std::shared_ptr<void> keep_alive, std::uint32_t timeout_ms,
                       char** out_document, Start&& start) {
    if (out_document != nullptr) *out_document = nullptr;
    started_operation started;
    const zlhcs_hresult hr = start_operation(backend, function, nullptr, nullptr, nullptr,
                                             std::move(keep_alive), false,
                                             std::forward<Start>(start), started);
    if (hr < 0) return hr;
    return finish_sync(*started.object, timeout_ms, out_document);
}

/// How the caller takes an operation's outcome: as a published handle with an optional
/// callback (the *_async forms), or by waiting up to a timeout (the synchronous forms).
struct completion_mode {
    bool async = false;
    zlhcs_operation_callback callback = nullptr;
    void* context = nullptr;
    zlhcs_release_callback release = nullptr;
    zlhcs_operation* out_operation = nullptr;
    std::uint32_t timeout_ms = 0;
    char** out_document = nullptr;
    const operation_subject* subject = nullptr;  // what an async operation concerns (inspect)

    static completion_mode asynchronous(zlhcs_operation_callback callback, void* context,
                                        zlhcs_release_callback release,
                                        zlhcs_operation* out_operation) noexcept {
        return {true, callback, context, release, out_operation, 0, nullptr, nullptr};
    }
    static completion_mode synchronous(std::uint32_t timeout_ms, char** out_document) noexcept {
        return {false, nullptr, nullptr, nullptr, nullptr, timeout_ms, out_document, nullptr};
    }

    /// Out-parameters hold "nothing" until a call succeeds, whatever fails first.
    void clear_outputs() const noexcept {
        if (out_operation != nullptr) *out_operation = 0;
        if (out_document != nullptr) *out_document = nullptr;
    }

    /// Frees and clears a document already handed out (an error document under a success code).
    void discard_document() const noexcept;
};

/// run_async() or run_sync(), as `mode` says.
template <typename Start>
zlhcs_hresult run(const backend::table& backend, const char* function,
                  std::shared_ptr<void> keep_alive, const completion_mode& mode,
                  Start&& start) {
    if (mode.async) {
        return run_async(backend, function, mode.callback, mode.context, mode.release,
                         std::move(keep_alive), mode.out_operation, mode.subject,
                         std::forward<Start>(start));
    }
    return run_sync(backend, function, std::move(keep_alive), mode.timeout_ms, mode.out_document,
                    std::forward<Start>(start));
}

}  // namespace zlhcs::core
