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

/// What an operation is for, given to start_operation().
struct operation_spec {
    const char* function = "";  ///< the HCS entry point it is passed to (for errors)
    /// Kept until the operation completes: the system or process the work runs on (its HCS
    /// handle must stay open while HCS uses it).
    std::shared_ptr<void> keep_alive;
    /// Published as a handle (the *_async forms, so the callback can name it); an unpublished
    /// operation has no out-parameters: its gate opens as soon as HCS took it.
    bool publish = false;
    zlhcs_operation_callback callback = nullptr;
    void* context = nullptr;
    zlhcs_release_callback release = nullptr;
    /// zlhcs's own follow-up: runs once with the result and the document.
    operation_object::completion_hook on_complete;
    /// Reads the result instead of HcsGetOperationResult (a process create: pid and pipes too).
    operation_object::result_reader read_result;
};

/// Creates an operation as `spec` says and runs `start(HCS_OPERATION) -> HRESULT`. If HCS
/// refuses to start, everything is undone and the callback will never run.
template <typename Start>
zlhcs_hresult start_operation(const backend::table& backend, operation_spec spec, Start&& start,
                              started_operation& out) {
    auto object = std::make_shared<operation_object>(backend, spec.function, spec.callback, spec.context,
                                                      spec.release, std::move(spec.keep_alive));
    // Until `out` holds it, any way out of here (a failure, or a throw) is a failed call: the
    // caller keeps its context, and the callback never runs.
    struct failure_guard {
        operation_object* object;
        ~failure_guard() {
            if (object != nullptr) object->open_gate(false);
        }
    } guard{object.get()};
    if (spec.on_complete != nullptr) object->on_complete_internally(std::move(spec.on_complete));
    if (spec.read_result != nullptr) object->read_result_with(std::move(spec.read_result));
    if (const zlhcs_hresult hr = object->create_hcs_operation(); hr < 0) return hr;
    zlhcs_operation handle = 0;
    if (spec.publish) {
        handle = operations().insert(object);
        object->set_handle(handle);
    }
    const HRESULT hr = start(object->hcs_operation());
    if (hr < 0) {
        if (spec.publish) operations().remove(handle);
        object->open_gate(false);  // the call fails: no callback, no release
        (void)object->close();     // HCS never completes it: no waiter
        object->abandon();
        return fail_hcs(hr, spec.function, {});
    }
    object->track_pending();
    guard.object = nullptr;  // `out` decides from here (started_operation)
    out.object = std::move(object);
    out.handle = handle;
    if (!spec.publish) out.succeed();
    return ZLHCS_S_OK;
}

/// Starts zlhcs's own operation and lets it go: nobody waits, its result goes to
/// spec.on_complete (if any), and spec.keep_alive stays alive until HCS completes it (hcsshim's
/// Kill: the termination of a doomed process, status queries). Its failure to start is
/// returned and recorded (callers for whom it is nobody's error keep a last_error_scope).
template <typename Start>
zlhcs_hresult fire_and_forget(const backend::table& backend, operation_spec spec, Start&& start) {
    spec.publish = false;
    started_operation started;
    const zlhcs_hresult hr = start_operation(backend, std::move(spec), std::forward<Start>(start), started);
    if (started.object != nullptr) (void)started.object->close();
    return hr;
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
    operation_spec spec;
    spec.function = function;
    spec.keep_alive = std::move(keep_alive);
    spec.publish = true;
    spec.callback = callback;
    spec.context = context;
    spec.release = release;
    const zlhcs_hresult hr = start_operation(backend, std::move(spec), std::forward<Start>(start), started);
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
    operation_spec spec;
    spec.function = function;
    spec.keep_alive = std::move(keep_alive);
    const zlhcs_hresult hr = start_operation(backend, std::move(spec), std::forward<Start>(start), started);
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
