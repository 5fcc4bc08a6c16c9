// The operation bridge: one zlhcs operation per HCS_OPERATION.
//
// HCS completes an operation on one of its threads by calling the completion callback given to
// HcsCreateOperation. The bridge fetches the result there, records it once, wakes waiters and
// calls the caller's callback -- unless the caller closed the operation first. Lifetime: the
// HCS context holds a strong reference to the state until the completion has run, so a close
// racing the completion never frees what the completion is using; the HCS_OPERATION is closed
// when the last reference goes (possibly inside the completion, which HCS allows).
//
// The caller's callback and close() decide between them, under the operation's lock, whether
// the callback runs: the completion marks it "running" only if the operation is not closed, and
// close() marks the operation closed; whichever comes first wins. close() reports which won
// (zlhcs_operation_close's S_FALSE / S_OK), and outside callbacks it waits for a running
// callback to return. Inside any zlhcs callback (a thread-local depth says so) it never waits:
// two callbacks closing each other's operations would otherwise wait for each other forever.
//
// The gate: no callback runs before the call that started the operation has written its
// out-parameters (zlhcs.h "Asynchrony"). Until open_gate(true), a completion records the
// result and wakes waiters but defers the callback; open_gate then hands it to a delivery
// thread. It completed before any close, so a close no longer suppresses it (it waits for it,
// as for a running one). open_gate(false) (the starting call failed) drops it for good.
//
// The context: a callback or release notifier given with a successful call makes the operation
// hold its context (counted for zlhcs_debug_counts). The release notifier runs once, when the
// callback can no longer run: after it returned, or when close() suppressed it, or (no
// callback) when the operation completed or was closed; never before the gate opened, never
// concurrently with the callback; whoever makes that last transition calls it, outside the lock.
#pragma once

#include "../backend/backend.hpp"
#include "debug_counts.hpp"

#include <zlhcs/zlhcs.h>

#include <condition_variable>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zlhcs::core {

/// What an operation concerns (zlhcs_operation_inspect).
struct operation_subject {
    zlhcs_system system = 0;
    zlhcs_process process = 0;
    std::string system_id;
};

class operation_object : public std::enable_shared_from_this<operation_object> {
public:
    /// `function` names the HCS entry point the operation will be passed to (for errors).
    /// `keep_alive` is kept until the operation completes (the system or process the work
    /// runs on: its HCS handle must stay open while HCS uses it).
    operation_object(const backend::table& backend, const char* function,
                     zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
                     std::shared_ptr<void> keep_alive,
                     zlhcs_operation_kind kind = ZLHCS_OPERATION_KIND_HCS);
    ~operation_object();
    operation_object(const operation_object&) = delete;
    operation_object& operator=(const operation_object&) = delete;

    /// Creates the HCS operation, bound to this object. Failure: recorded, returned.
    zlhcs_hresult create_hcs_operation();
    [[nodiscard]] HCS_OPERATION hcs_operation() const noexcept { return hcs_operation_; }

    /// Reads the completed HCS operation's result in place of HcsGetOperationResult: returns
    /// its HRESULT and sets *document (an HCS string, freed here). A process's create and info
    /// queries take pid and pipes this way (process_object::read_start). Set before the HCS
    /// call; dropped once it has run.
    using result_reader = std::function<HRESULT(HCS_OPERATION operation, PWSTR* document)>;
    void read_result_with(result_reader reader) { reader_ = std::move(reader); }

    /// The zlhcs handle, set once the object is in the handle table.
    void set_handle(zlhcs_operation handle) noexcept { handle_ = handle; }

    /// The HCS call refused to start the operation: HCS will never complete it.
    void abandon() noexcept;

    /// The starting call has written its out-parameters (success) or fails (the callback and
    /// the release notifier are then never called). The first call decides; later ones are
    /// ignored. On success, a completion that came meanwhile is delivered on a delivery thread.
    void open_gate(bool success) noexcept;

    /// Waits (timeout_ms, or ZLHCS_INFINITE). Returns the operation's HRESULT, or
    /// HCS_E_OPERATION_TIMEOUT (pending_code when timeout_ms is 0 and it is running), or
    /// ZLHCS_E_INVALID_HANDLE when close() is called before it completes (at once: closing
    /// releases waiters).
    zlhcs_hresult wait(std::uint32_t timeout_ms, zlhcs_hresult pending_code, char** out_document);

    /// Fills *out with the failure of the completed operation (strings owned by this object,
    /// written once before it is marked complete and never changed: valid while it lives, so
    /// while its handle is open): S_OK if it failed, S_FALSE if it succeeded, HCS_E_OPERATION_PENDING
    /// while it runs (zlhcs_operation_error).
    zlhcs_hresult error(zlhcs_error& out, std::uint32_t size) const;

    /// ZLHCS_S_OK if HCS accepted the cancellation request, ZLHCS_S_FALSE if already
    /// complete, ZLHCS_E_NOT_SUPPORTED if HCS does not implement cancellation (E_NOTIMPL).
    zlhcs_hresult cancel();

    /// Closes the operation: waiters return ZLHCS_E_INVALID_HANDLE, a callback that has not
    /// started never will. Returns ZLHCS_S_FALSE if the callback never ran and never will
    /// (suppressed here, or none), ZLHCS_S_OK if it has run or is running. Outside any zlhcs
    /// callback a running callback has returned when this returns; inside one (this
    /// operation's or another's) this never waits. Idempotent: a second close reports the same.
    zlhcs_hresult close() noexcept;

    /// Completes the operation from outside HCS (first completion wins; later ones, HCS's own
    /// included, are ignored), calling its callback on this thread: the service-disconnect
    /// sweep, and exit watches (an exit's document with it). `reason` (static) explains a failure.
    void complete_externally(zlhcs_hresult result, const char* reason,
                             std::optional<std::string> document = std::nullopt) noexcept;
    /// complete_externally() on a delivery thread (never on the caller's).
    void complete_later(zlhcs_hresult result, const char* reason) noexcept;
    /// Lists the operation for the disconnect sweep: once its HCS call has started (a sweep
    /// must never complete an operation whose start then fails), or an exit watch at once.
    void track_pending() noexcept;

    /// zlhcs's own use of an operation: called once, on the completing thread, with the
    /// result and the result document ("" if none). Set before the HCS call.
    using completion_hook = std::function<void(zlhcs_hresult, const std::string&)>;
    void on_complete_internally(completion_hook hook) { hook_ = std::move(hook); }

    /// Records what the operation concerns; set before its handle is handed out.
    void set_subject(operation_subject subject);
    /// Fills *out (zlhcs_operation_inspect).
    zlhcs_hresult inspect(zlhcs_operation_info& out, std::uint32_t size) const;

    [[nodiscard]] bool is_complete() const {
        std::lock_guard lock(mutex_);
        return completed_;
    }
    [[nodiscard]] const char* function() const noexcept { return function_; }

private:
    static void CALLBACK on_complete(HCS_OPERATION operation, void* context) noexcept;
    // Lock held. Whether the context is due for release now (and marks it released).
    [[nodiscard]] bool take_release_locked() noexcept;
    // Calls the release notifier (lock not held) if `due`.
    void release_context(bool due) noexcept;
    // Calls the callback (`call`), records its return, then releases the context if due.
    void run_callback(bool call, bool release_due) noexcept;
    // A completion that came before the gate opened: runs on a delivery thread.
    void deliver_deferred() noexcept;
    void complete(zlhcs_hresult result, std::string document, bool has_document,
                  const char* reason = nullptr) noexcept;
    void untrack_pending() noexcept;
    zlhcs_hresult report(char** out_document);

    const backend::table& backend_;
    const char* function_;
    const zlhcs_operation_callback callback_;
    void* const context_;
    const zlhcs_release_callback release_;
    live_count<counted::live_operations> live_;
    std::shared_ptr<void> keep_alive_;
    result_reader reader_;
    HCS_OPERATION hcs_operation_ = nullptr;
    std::shared_ptr<operation_object>* pending_holder_ = nullptr;  // HCS's context until completion
    zlhcs_operation handle_ = 0;
    const zlhcs_operation_kind kind_;
    completion_hook hook_;
    bool tracked_ = false;       // in the pending registry (guarded by the registry's lock)
    operation_subject subject_;  // mutex_

    // Where the caller's callback stands; every change is made under mutex_.
    enum class callback_state : unsigned char {
        none,        // no callback was registered
        pending,     // registered, not decided yet: the operation is neither complete nor closed
        deferred,    // it completed before the gate opened: called once the gate opens (a close
                     // no longer suppresses it: it completed first), dropped if the call fails
        running,     // the completion decided to call it (the operation was not closed)
        returned,    // it has run and returned
        suppressed,  // close() came first: it never runs
    };

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool completed_ = false;
    bool closed_ = false;
    bool gate_open_ = false;
    bool gate_decided_ = false;
    bool context_held_ = false;  // a context awaits its release (counted)
    callback_state callback_state_;
    zlhcs_hresult result_ = ZLHCS_HCS_E_OPERATION_PENDING;
    std::string document_;
    bool has_document_ = false;
    std::string error_message_;  // set once on a failed completion
};

/// The operations that have not completed now (for guarantee 3 of zlhcs.h's events: when the
/// service disconnects, they are completed; operations started later are not touched).
[[nodiscard]] std::vector<std::shared_ptr<operation_object>> pending_operations() noexcept;

}  // namespace zlhcs::core
