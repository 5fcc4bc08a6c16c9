#include "operation.hpp"

#include "callback_scope.hpp"
#include "caller_struct.hpp"
#include "calls.hpp"
#include "counted_wait.hpp"
#include "debug_counts.hpp"
#include "dispatcher.hpp"
#include "errors.hpp"
#include "strings.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zlhcs::core {
namespace {

// How many zlhcs callbacks this thread is running (a callback may complete another operation
// inline, e.g. a synchronous call whose HCS work completes inside its starting call).
thread_local unsigned callback_depth = 0;

// The operations that have not completed, for the service-disconnect sweep (zlhcs.h, events
// guarantee 3). Weak: the registry never keeps an operation alive. Immortal, like the handle
// tables: HCS threads may complete operations while the process exits.
struct pending_registry {
    std::mutex mutex;
    std::unordered_map<const operation_object*, std::weak_ptr<operation_object>> operations;
};

pending_registry& pending() noexcept {
    static auto* registry = new pending_registry();
    return *registry;
}

}  // namespace

callback_scope::callback_scope() noexcept { ++callback_depth; }
callback_scope::~callback_scope() { --callback_depth; }
bool in_zlhcs_callback() noexcept { return callback_depth != 0; }

void release_callback_context(zlhcs_release_callback release, void* context) noexcept {
    if (release != nullptr) {
        const callback_scope inside;
        try {
            release(context);
        } catch (...) {
            // A C++ notifier must not throw into zlhcs; if it does, the context counts as released.
        }
    }
    count_down(counted::contexts);
}

std::vector<std::shared_ptr<operation_object>> pending_operations() noexcept {
    std::vector<std::shared_ptr<operation_object>> live;
    std::lock_guard lock(pending().mutex);
    live.reserve(pending().operations.size());
    for (const auto& [key, weak] : pending().operations) {
        if (auto operation = weak.lock()) live.push_back(std::move(operation));
    }
    return live;
}

void operation_object::track_pending() noexcept {
    std::lock_guard lock(pending().mutex);
    pending().operations.emplace(this, weak_from_this());
    tracked_ = true;
}

void operation_object::untrack_pending() noexcept {
    std::lock_guard lock(pending().mutex);
    if (!tracked_) return;
    pending().operations.erase(this);
    tracked_ = false;
}

operation_object::operation_object(const backend::table& backend, const char* function,
                                   zlhcs_operation_callback callback, void* context,
                                   zlhcs_release_callback release, std::shared_ptr<void> keep_alive,
                                   zlhcs_operation_kind kind)
    : backend_(backend),
      function_(function),
      callback_(callback),
      context_(context),
      release_(release),
      keep_alive_(std::move(keep_alive)),
      kind_(kind),
      context_held_(callback != nullptr || release != nullptr),
      callback_state_(callback != nullptr ? callback_state::pending : callback_state::none) {
    if (context_held_) count_up(counted::contexts);
}

operation_object::~operation_object() {
    // A context still held here was never released: counted on, so zlhcs_debug_counts shows
    // the leak (it cannot happen: every path that ends the callback's life releases it).
    untrack_pending();
    if (hcs_operation_ != nullptr && backend_.HcsCloseOperation != nullptr) {
        backend_.HcsCloseOperation(hcs_operation_);
    }
}

zlhcs_hresult operation_object::create_hcs_operation() {
    if (backend_.HcsCreateOperation == nullptr || backend_.HcsGetOperationResult == nullptr ||
        backend_.HcsCloseOperation == nullptr) {
        return fail(ZLHCS_E_NOT_SUPPORTED, "the HCS backend lacks HcsCreateOperation",
                    "HcsCreateOperation");
    }
    // The context owns a strong reference until the completion has run (or abandon()).
    auto holder = std::make_unique<std::shared_ptr<operation_object>>(shared_from_this());
    hcs_operation_ = backend_.HcsCreateOperation(holder.get(), &operation_object::on_complete);
    if (hcs_operation_ == nullptr) {
        return fail(ZLHCS_E_OUT_OF_MEMORY, "HcsCreateOperation returned no operation",
                    "HcsCreateOperation");
    }
    pending_holder_ = holder.release();  // owned by HCS's context slot from now on
    return ZLHCS_S_OK;
}

void operation_object::abandon() noexcept {
    // Closing the HCS operation guarantees no completion callback; then the context's strong
    // reference is ours to drop.
    HCS_OPERATION operation = std::exchange(hcs_operation_, nullptr);
    if (operation == nullptr) return;
    backend_.HcsCloseOperation(operation);
    delete std::exchange(pending_holder_, nullptr);
}

void CALLBACK operation_object::on_complete(HCS_OPERATION operation, void* context) noexcept {
    auto* holder = static_cast<std::shared_ptr<operation_object>*>(context);
    if (holder == nullptr) return;
    std::shared_ptr<operation_object> self = std::move(*holder);
    delete holder;
    if (self == nullptr) return;
    PWSTR raw_document = nullptr;
    HRESULT result;
    if (self->reader_ != nullptr) {
        result = self->reader_(operation, &raw_document);
        self->reader_ = nullptr;  // what it holds (the process) is not kept past the completion
    } else {
        result = self->backend_.HcsGetOperationResult(operation, &raw_document);
    }
    const bool has_document = raw_document != nullptr;
    std::string document = from_wide(raw_document);
    self->backend_.free_string(raw_document);
    self->complete(result, std::move(document), has_document);
    // `self` may be the last reference: the HCS operation is then closed right here, inside
    // its own completion callback, which HCS allows.
}

void operation_object::complete(zlhcs_hresult result, std::string document, bool has_document,
                                const char* reason) noexcept {
    // The system stays open while work runs on it; once done, the operation no longer holds it,
    // so a system with ShouldTerminateOnLastHandleClosed ends when its handles are closed even
    // if completed operations are still open. Released before waking waiters: a caller whose
    // wait returns and who then closes the system handle must find the HCS handle closed.
    std::shared_ptr<void> system;
    {
        std::lock_guard lock(mutex_);
        if (completed_) return;
        system = std::move(keep_alive_);
    }
    system.reset();
    untrack_pending();

    bool call = false;
    bool release_due = false;
    {
        std::lock_guard lock(mutex_);
        if (completed_) return;
        // Written once, before completed_: readers that see completed_ (under the lock, or
        // after a wait that saw it) read them without the lock, and error() hands out pointers
        // into them that stay valid while the object lives.
        result_ = result;
        document_ = std::move(document);
        has_document_ = has_document;
        if (result < 0) {
            error_message_ = reason != nullptr ? std::string(function_) + ": " + reason
                                               : hcs_failure_message(result, function_, document_);
        }
        completed_ = true;
        // The decision close() races against: a close that took the lock first has made the
        // state `suppressed`; from here on a close sees `running` and reports S_OK. Before the
        // gate opens the callback stays pending: open_gate() delivers it.
        if (callback_state_ == callback_state::pending) {
            if (gate_open_) {
                callback_state_ = callback_state::running;
                call = true;
            } else {
                callback_state_ = callback_state::deferred;  // open_gate() delivers it
            }
        }
        release_due = !call && take_release_locked();
    }
    changed_.notify_all();
    if (hook_ != nullptr) hook_(result_, document_);
    // `this` is alive: on_complete (and every other completer) holds a strong reference.
    run_callback(call, release_due);
}

bool operation_object::take_release_locked() noexcept {
    if (!context_held_ || !gate_open_) return false;
    bool done = false;
    switch (callback_state_) {
    case callback_state::returned:
    case callback_state::suppressed:
        done = true;
        break;
    case callback_state::none:
        done = completed_ || closed_;
        break;
    case callback_state::pending:
    case callback_state::deferred:
    case callback_state::running:
        break;
    }
    if (!done) return false;
    context_held_ = false;
    return true;
}

void operation_object::release_context(bool due) noexcept {
    if (due) release_callback_context(release_, context_);
}

void operation_object::run_callback(bool call, bool release_due) noexcept {
    if (call) {
        {
            const callback_scope inside;
            callback_(handle_, result_, context_);
        }
        {
            std::lock_guard lock(mutex_);
            callback_state_ = callback_state::returned;
            release_due = take_release_locked();
        }
        changed_.notify_all();
    }
    release_context(release_due);
}

void operation_object::deliver_deferred() noexcept {
    bool call = false;
    bool release_due = false;
    {
        std::lock_guard lock(mutex_);
        if (callback_state_ == callback_state::deferred) {
            callback_state_ = callback_state::running;
            call = true;
        } else {
            release_due = take_release_locked();
        }
    }
    run_callback(call, release_due);
}

void operation_object::open_gate(bool success) noexcept {
    bool deliver = false;
    {
        std::lock_guard lock(mutex_);
        if (gate_decided_) return;
        gate_decided_ = true;
        if (!success) {
            // The starting call fails: the caller keeps its context; nothing is called.
            if (callback_state_ == callback_state::pending || callback_state_ == callback_state::deferred) {
                callback_state_ = callback_state::suppressed;
            }
            if (context_held_) {
                context_held_ = false;
                count_down(counted::contexts);
            }
            return;
        }
        gate_open_ = true;
        // A completion (or a close) came while the call was running: its callback or release
        // notifier is due now, but never on the caller's thread inside the call.
        deliver = callback_state_ == callback_state::deferred ||
                  (context_held_ && callback_state_ != callback_state::pending &&
                   callback_state_ != callback_state::running &&
                   (callback_state_ != callback_state::none || completed_ || closed_));
    }
    if (!deliver) return;
    try {
        dispatcher::instance().post([self = shared_from_this()] { self->deliver_deferred(); });
    } catch (const std::system_error&) {
        deliver_deferred();  // no delivery thread at all: late rather than never
    }
}

zlhcs_hresult operation_object::report(char** out_document) {
    // Called with the operation complete; copies out under the lock-free invariant that
    // result_/document_ never change after completion.
    if (out_document != nullptr) {
        *out_document = has_document_ ? duplicate_for_caller(document_) : nullptr;
    }
    if (result_ < 0) return fail_hcs(result_, function_, document_);
    return result_;
}

zlhcs_hresult operation_object::wait(std::uint32_t timeout_ms, zlhcs_hresult pending_code,
                                     char** out_document) {
    {
        std::unique_lock lock(mutex_);
        // Closing releases waiters: a close wakes this wait as a completion does.
        if (!counted_wait(changed_, lock, timeout_ms, [this] { return completed_ || closed_; })) {
            if (out_document != nullptr) *out_document = nullptr;
            return fail(pending_code,
                        std::string(function_) + (pending_code == ZLHCS_HCS_E_OPERATION_PENDING
                                                      ? ": the operation is still running"
                                                      : ": the operation did not complete within " +
                                                            std::to_string(timeout_ms) + " ms"),
                        function_);
        }
        if (!completed_) {
            // Closed before it completed (a wait that finds it complete reports the result,
            // which is the truth, even if a close follows at once).
            if (out_document != nullptr) *out_document = nullptr;
            return fail(ZLHCS_E_INVALID_HANDLE,
                        "operation handle " + std::to_string(handle_) +
                            " was closed while waiting for it (" + function_ +
                            " goes on in HCS; its result is discarded)",
                        function_);
        }
    }
    return report(out_document);
}

zlhcs_hresult operation_object::error(zlhcs_error& out, std::uint32_t size) const {
    std::lock_guard lock(mutex_);
    if (!completed_) {
        fill_error(out, size, 0, "", "", "");
        return fail(ZLHCS_HCS_E_OPERATION_PENDING, std::string(function_) + ": the operation is still running",
                    function_);
    }
    if (result_ >= 0) {
        fill_error(out, size, 0, "", "", "");
        return ZLHCS_S_FALSE;
    }
    // Members never change after completion: the pointers stay valid while the object lives.
    fill_error(out, size, result_, error_message_.empty() ? "the operation failed" : error_message_.c_str(),
               function_, document_.c_str());
    return ZLHCS_S_OK;
}

zlhcs_hresult operation_object::cancel() {
    {
        std::lock_guard lock(mutex_);
        if (completed_) return ZLHCS_S_FALSE;
    }
    if (kind_ == ZLHCS_OPERATION_KIND_EXIT_WATCH) {
        // zlhcs's own operation: it can be cancelled. The completion runs on a delivery thread,
        // as an exit's would.
        complete_later(ZLHCS_WIN32_E_CANCELLED, "the exit watch was cancelled");
        return ZLHCS_S_OK;
    }
    if (backend_.HcsCancelOperation == nullptr) {
        return fail(ZLHCS_E_NOT_SUPPORTED, "the HCS backend lacks HcsCancelOperation",
                    "HcsCancelOperation");
    }
    const HRESULT hr = backend_.HcsCancelOperation(hcs_operation_);
    if (hr < 0) {
        {
            std::lock_guard lock(mutex_);
            if (completed_) return ZLHCS_S_FALSE;  // it completed while we asked
        }
        if (hr == E_NOTIMPL) {
            // Today's HCS: "not currently implemented" (HcsCancelOperation.md).
            return fail(ZLHCS_E_NOT_SUPPORTED,
                        std::string("HCS does not implement cancellation (HcsCancelOperation returned "
                                    "E_NOTIMPL): ") +
                            function_ + " goes on and completes as HCS decides",
                        "HcsCancelOperation");
        }
        return fail_hcs(hr, "HcsCancelOperation", {});
    }
    return ZLHCS_S_OK;
}

void operation_object::complete_externally(zlhcs_hresult result, const char* reason,
                                           std::optional<std::string> document) noexcept {
    const bool has_document = document.has_value();
    complete(result, has_document ? std::move(*document) : std::string(), has_document, reason);
}

void operation_object::complete_later(zlhcs_hresult result, const char* reason) noexcept {
    auto self = shared_from_this();
    try {
        dispatcher::instance().post([self, result, reason] { self->complete_externally(result, reason); });
    } catch (const std::system_error&) {
        complete_externally(result, reason);  // no delivery thread: complete here
    }
}

void operation_object::set_subject(operation_subject subject) {
    std::lock_guard lock(mutex_);
    subject_ = std::move(subject);
}

zlhcs_hresult operation_object::inspect(zlhcs_operation_info& out, std::uint32_t size) const {
    zlhcs_operation_info info{};
    info.hcs_type = 0xFFFFFFFFu;
    info.hcs_id = UINT64_MAX;
    info.function = function_;
    info.kind = static_cast<std::uint32_t>(kind_);
    HCS_OPERATION operation = nullptr;
    {
        std::lock_guard lock(mutex_);
        info.system = subject_.system;
        info.process = subject_.process;
        info.system_id = subject_.system_id.c_str();  // set before publication, then constant
        operation = hcs_operation_;
    }
    if (operation != nullptr) {
        if (backend_.HcsGetOperationType != nullptr) {
            info.hcs_type = static_cast<std::uint32_t>(static_cast<std::int32_t>(backend_.HcsGetOperationType(operation)));
        }
        if (backend_.HcsGetOperationId != nullptr) info.hcs_id = backend_.HcsGetOperationId(operation);
    }
    info.struct_size = size;
    write_caller_struct(out, info, size);
    return ZLHCS_S_OK;
}

zlhcs_hresult operation_object::close() noexcept {
    std::unique_lock lock(mutex_);
    closed_ = true;
    // The completion has not decided to call the callback: it never will (it checks the state
    // under this lock).
    if (callback_state_ == callback_state::pending) callback_state_ = callback_state::suppressed;
    changed_.notify_all();  // releases waiters
    // A running callback, or one deferred to a delivery thread (the operation completed inside
    // its starting call, before this close): outside callbacks, it has returned when close
    // returns. Inside any zlhcs callback, never wait: two callbacks closing each other's
    // operations (or a callback closing its own) would wait for each other forever. The
    // callback may then still be running (or about to) on another thread; it is not called
    // again, and its thread releases the context once it has returned. Before the starting call
    // has opened the gate there is nothing to wait for yet (only zlhcs itself, or a caller
    // guessing a handle, closes then): the gate delivers or drops it.
    const auto busy = [this] {
        return callback_state_ == callback_state::running ||
               (callback_state_ == callback_state::deferred && gate_open_);
    };
    if (!in_zlhcs_callback()) (void)counted_wait(changed_, lock, ZLHCS_INFINITE, [&] { return !busy(); });
    const bool ran = callback_state_ == callback_state::running || callback_state_ == callback_state::deferred ||
                     callback_state_ == callback_state::returned;
    const bool release_due = take_release_locked();
    lock.unlock();
    release_context(release_due);
    return ran ? ZLHCS_S_OK : ZLHCS_S_FALSE;
}

}  // namespace zlhcs::core
