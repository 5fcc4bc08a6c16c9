// How a system or process ended, as far as zlhcs knows: the one record of it, owned by the
// system_object or process_object.
//
// The latch leaves `pending` once, for the first of: the exit (HCS's exit event, or a status
// query that found the source stopped), the close of the zlhcs handle, or a service
// disconnect. Everyone who asks reads it here: zlhcs_*_wait_exit waits on it, exit watches
// (zlhcs_*_wait_exit_async) are completed by it, and the event hub resolves it on a disconnect.
// An exit learnt after a close or a disconnect is still recorded (it is the truth, and a later
// reader prefers it), but nothing that was already told "closed" or "disconnected" hears again.
//
// Settling. A source can stop before zlhcs listened for its exit (an opened system or process,
// or a process that exits inside its create). The owner provides one status query
// (set_settle); the latch runs it at the first interest, once it has succeeded never again.
// For a process the query blocks waits (zlhcs_process_exit_code must see an exit that already
// happened); for a system it runs in the background (hcsshim's waitBackground: one wait per
// system; a system wait's timeout is never stretched by it).
#pragma once

#include "operation.hpp"

#include <zlhcs/zlhcs.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zlhcs::core {

class exit_latch {
public:
    enum class outcome : unsigned char { pending, exited, closed, disconnected };

    /// What the latch holds: the outcome and, for an exit, HCS's document (none: HCS gave
    /// none) and the exit code (processes; 0 for systems).
    struct status {
        outcome what = outcome::pending;
        std::optional<std::string> document;
        std::uint32_t exit_code = 0;
    };

    /// Whether waits wait for a running settle query (processes) or only start it (systems).
    enum class settle_policy : unsigned char { blocks_waits, background };
    /// Starts the owner's status query, which reports through settled() (exactly once if this
    /// returns success). Returns a failure if the query could not start.
    using settle_start = std::function<zlhcs_hresult()>;

    exit_latch() = default;
    ~exit_latch();
    exit_latch(const exit_latch&) = delete;
    exit_latch& operator=(const exit_latch&) = delete;

    /// Set once, before the handle is published.
    void set_settle(settle_policy policy, settle_start start);
    /// The source's events cannot be observed (its HCS callback was refused): exit watches
    /// and waits that rely on events fail with this.
    void set_unobservable(zlhcs_hresult code, std::string message, const char* function);

    /// The exit happened; the first record wins. Waits and watches complete.
    void record_exit(std::optional<std::string> document, std::uint32_t exit_code) noexcept;
    /// The zlhcs handle was closed: pending waits and watches give up (ZLHCS_E_INVALID_HANDLE).
    void close() noexcept;
    /// The service disconnected: pending waits and watches give up (HCS_E_SERVICE_DISCONNECT).
    void disconnect() noexcept;
    /// The owner's settle query ended with `result` (it has recorded the exit, if it found
    /// one, before this). A failure is reported to the waits that joined it; the next wait
    /// asks again.
    void settled(zlhcs_hresult result, const char* function, std::string document) noexcept;

    /// The status now.
    [[nodiscard]] status now() const;
    [[nodiscard]] bool has_exited() const;

    /// Waits up to timeout_ms (or ZLHCS_INFINITE) for the outcome and reports it: S_OK with
    /// *out (exited), `pending_code` (with `pending_text`) if still pending, ZLHCS_E_INVALID_HANDLE
    /// (closed), HCS_E_SERVICE_DISCONNECT, or the failure of a settle query the wait joined.
    /// Fails as set_unobservable said if the exit could never be learnt. `what` names the source
    /// ("process", "compute system") in messages; `function` is the HCS entry point the
    /// failures name (the event callback the exit comes through, or "").
    zlhcs_hresult wait(std::uint32_t timeout_ms, zlhcs_hresult pending_code, const char* what, const char* function,
                       status& out);

    /// Starts an exit watch (an operation of kind ZLHCS_OPERATION_KIND_EXIT_WATCH): published
    /// (a handle in *out_operation, its gate opened once that is written) for the ABI, or
    /// unpublished (out_operation NULL, the object in *out_object). An outcome known already
    /// completes it here (its callback still runs on a delivery thread); a later one completes
    /// it on a delivery thread, never on HCS's.
    zlhcs_hresult watch(const backend::table& backend, const char* function, operation_subject subject,
                        zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
                        zlhcs_operation* out_operation, std::shared_ptr<operation_object>* out_object);

private:
    // Lock held: leaves `pending` for `to` and takes the watches to complete. False if it was
    // decided already.
    bool decide_locked(outcome to, std::vector<std::shared_ptr<operation_object>>& watches);
    void finish(std::vector<std::shared_ptr<operation_object>> watches) noexcept;  // lock not held
    // Lock held: whether a settle query should start now (and marks it started).
    bool settle_due_locked(bool for_wait);
    // Starts the settle query (lock not held); a start failure counts as a failed settle.
    // `quiet`: nobody waits for it, so its failure leaves the thread's last error alone.
    zlhcs_hresult start_settle(bool quiet) noexcept;
    // Lock held: waits until the exit is decided or the settle query `target` has finished;
    // that query's failure if it failed without deciding.
    zlhcs_hresult join_settle_locked(std::unique_lock<std::mutex>& lock, std::uint64_t target);
    static void complete_watch(operation_object& watch, const status& decided) noexcept;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    status status_;
    outcome told_ = outcome::pending;  // what watches and waits were told when it left pending
    std::vector<std::shared_ptr<operation_object>> watches_;

    settle_policy settle_policy_ = settle_policy::background;
    settle_start settle_start_;
    bool settle_done_ = false;        // a query succeeded: events tell the rest
    bool settle_running_ = false;
    bool background_asked_ = false;   // a background settle is asked once
    std::uint64_t settle_started_ = 0;
    std::uint64_t settle_finished_ = 0;
    zlhcs_hresult settle_result_ = ZLHCS_S_OK;
    const char* settle_function_ = "";
    std::string settle_document_;

    zlhcs_hresult unobservable_code_ = ZLHCS_S_OK;
    std::string unobservable_message_;
    const char* unobservable_function_ = "";
};

}  // namespace zlhcs::core
