#include "exit_latch.hpp"

#include "counted_wait.hpp"
#include "debug_counts.hpp"
#include "dispatcher.hpp"
#include "errors.hpp"
#include "registry.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <system_error>

namespace zlhcs::core {
namespace {

constexpr const char* closed_reason = "the handle was closed before the exit";
constexpr const char* disconnected_reason = "the compute service disconnected";

}  // namespace

exit_latch::~exit_latch() { close(); }

void exit_latch::set_settle(settle_policy policy, settle_start start) {
    std::lock_guard lock(mutex_);
    settle_policy_ = policy;
    settle_start_ = std::move(start);
}

void exit_latch::set_unobservable(zlhcs_hresult code, std::string message, const char* function) {
    std::lock_guard lock(mutex_);
    unobservable_code_ = code;
    unobservable_message_ = std::move(message);
    unobservable_function_ = function;
}

bool exit_latch::decide_locked(outcome to, std::vector<std::shared_ptr<operation_object>>& watches) {
    if (to == outcome::exited && status_.what != outcome::exited) {
        status_.what = outcome::exited;  // the truth wins over "closed" or "disconnected" for later readers
    } else if (status_.what == outcome::pending) {
        status_.what = to;
    }
    if (told_ != outcome::pending) return false;
    told_ = to;
    watches.swap(watches_);
    return true;
}

void exit_latch::finish(std::vector<std::shared_ptr<operation_object>> watches) noexcept {
    changed_.notify_all();
    if (watches.empty()) return;
    const status decided = now();
    for (const auto& watch : watches) {
        try {
            dispatcher::instance().post([watch, decided] { complete_watch(*watch, decided); });
        } catch (const std::system_error&) {
            complete_watch(*watch, decided);  // no delivery thread: here (the callback too)
        }
    }
}

void exit_latch::record_exit(std::optional<std::string> document, std::uint32_t exit_code) noexcept {
    std::vector<std::shared_ptr<operation_object>> watches;
    {
        std::lock_guard lock(mutex_);
        if (status_.what == outcome::exited) return;  // the first record wins
        status_.document = std::move(document);
        status_.exit_code = exit_code;
        (void)decide_locked(outcome::exited, watches);
    }
    finish(std::move(watches));
}

void exit_latch::close() noexcept {
    std::vector<std::shared_ptr<operation_object>> watches;
    {
        std::lock_guard lock(mutex_);
        (void)decide_locked(outcome::closed, watches);
    }
    finish(std::move(watches));
}

void exit_latch::disconnect() noexcept {
    std::vector<std::shared_ptr<operation_object>> watches;
    {
        std::lock_guard lock(mutex_);
        (void)decide_locked(outcome::disconnected, watches);
    }
    finish(std::move(watches));
}

void exit_latch::settled(zlhcs_hresult result, const char* function, std::string document) noexcept {
    {
        std::lock_guard lock(mutex_);
        settle_running_ = false;
        ++settle_finished_;
        settle_result_ = result;
        settle_function_ = function;
        settle_document_ = std::move(document);
        if (result >= 0) settle_done_ = true;
    }
    changed_.notify_all();
}

exit_latch::status exit_latch::now() const {
    std::lock_guard lock(mutex_);
    return status_;
}

bool exit_latch::has_exited() const {
    std::lock_guard lock(mutex_);
    return status_.what == outcome::exited;
}

bool exit_latch::settle_due_locked(bool for_wait) {
    if (settle_start_ == nullptr || settle_done_ || settle_running_ || status_.what != outcome::pending) return false;
    if (!for_wait || settle_policy_ == settle_policy::background) {
        if (background_asked_) return false;  // watches (and background waits) ask once
        background_asked_ = true;
    }
    settle_running_ = true;
    ++settle_started_;
    return true;
}

zlhcs_hresult exit_latch::start_settle(bool quiet) noexcept {
    std::optional<last_error_scope> keep;
    if (quiet) keep.emplace();  // a background query's failure is nobody's error
    const zlhcs_hresult hr = settle_start_();
    if (hr < 0) settled(hr, "", {});
    return hr;
}

zlhcs_hresult exit_latch::join_settle_locked(std::unique_lock<std::mutex>& lock, std::uint64_t target) {
    changed_.wait(lock, [&] { return status_.what != outcome::pending || settle_finished_ >= target; });
    if (status_.what == outcome::pending && settle_finished_ == target && settle_result_ < 0) {
        return fail_hcs(settle_result_, settle_function_, settle_document_);
    }
    return ZLHCS_S_OK;
}

zlhcs_hresult exit_latch::wait(std::uint32_t timeout_ms, zlhcs_hresult pending_code, const char* what,
                               const char* function, status& out) {
    std::unique_lock lock(mutex_);
    if (unobservable_code_ < 0) return fail(unobservable_code_, unobservable_message_, unobservable_function_);
    if (settle_due_locked(true)) {
        const std::uint64_t target = settle_started_;
        const bool blocks = settle_policy_ == settle_policy::blocks_waits;
        lock.unlock();
        const zlhcs_hresult started = start_settle(!blocks);
        lock.lock();
        if (blocks) {
            if (started < 0) return started;  // the query could not start: said by start_settle
            if (const zlhcs_hresult hr = join_settle_locked(lock, target); hr < 0) return hr;
        }
    } else if (settle_policy_ == settle_policy::blocks_waits && settle_running_) {
        // Another wait's query is under way: its answer counts for this wait too.
        if (const zlhcs_hresult hr = join_settle_locked(lock, settle_started_); hr < 0) return hr;
    }
    if (!counted_wait(changed_, lock, timeout_ms, [this] { return status_.what != outcome::pending; })) {
        return fail(pending_code, pending_code == ZLHCS_HCS_E_OPERATION_PENDING
                                      ? std::string("the ") + what + " is still running"
                                      : std::string("the ") + what + " did not exit within " +
                                            std::to_string(timeout_ms) + " ms",
                    function);
    }
    switch (status_.what) {
    case outcome::exited:
        out = status_;
        return ZLHCS_S_OK;
    case outcome::closed:
        return fail(ZLHCS_E_INVALID_HANDLE, std::string("the ") + what + " handle was closed during the wait", function);
    case outcome::disconnected:
    case outcome::pending:
        break;
    }
    return fail(ZLHCS_HCS_E_SERVICE_DISCONNECT,
                std::string("the compute service disconnected before the ") + what + "'s exit was known", function);
}

void exit_latch::complete_watch(operation_object& watch, const status& decided) noexcept {
    switch (decided.what) {
    case outcome::exited:
        watch.complete_externally(ZLHCS_S_OK, nullptr, decided.document);
        return;
    case outcome::closed:
        watch.complete_externally(ZLHCS_E_INVALID_HANDLE, closed_reason);
        return;
    case outcome::disconnected:
    case outcome::pending:
        watch.complete_externally(ZLHCS_HCS_E_SERVICE_DISCONNECT, disconnected_reason);
        return;
    }
}

zlhcs_hresult exit_latch::watch(const backend::table& backend, const char* function, operation_subject subject,
                                zlhcs_operation_callback callback, void* context, zlhcs_release_callback release,
                                zlhcs_operation* out_operation, std::shared_ptr<operation_object>* out_object) {
    auto watch = std::make_shared<operation_object>(backend, function, callback, context, release, nullptr,
                                                    ZLHCS_OPERATION_KIND_EXIT_WATCH);
    // Until the handle is written, no callback or release may run; a failure below closes the
    // gate for good (the caller keeps its context).
    struct gate_guard {
        operation_object& watch;
        bool success = false;
        ~gate_guard() { watch.open_gate(success); }
    } gate{*watch};
    {
        std::lock_guard lock(mutex_);
        if (unobservable_code_ < 0) return fail(unobservable_code_, unobservable_message_, unobservable_function_);
    }
    watch->set_subject(std::move(subject));
    watch->track_pending();
    zlhcs_operation handle = 0;
    if (out_operation != nullptr) {
        handle = operations().insert(watch);
        watch->set_handle(handle);
    }
    std::optional<status> decided;
    bool settle = false;
    {
        std::lock_guard lock(mutex_);
        if (status_.what != outcome::pending) {
            decided = status_;
        } else {
            try {
                watches_.erase(std::remove_if(watches_.begin(), watches_.end(),
                                              [](const auto& w) { return w->is_complete(); }),
                               watches_.end());  // cancelled ones
                watches_.push_back(watch);
            } catch (...) {
                if (out_operation != nullptr) operations().remove(handle);
                throw;
            }
            settle = settle_due_locked(false);
        }
    }
    // Already decided: the watch completes here, so that a wait that follows (zlhcs_system_wait_exit
    // with a timeout of 0 after the exit) finds it complete. Its callback, if any, waits for the
    // gate, which opens below once the handle is written: it runs on a delivery thread.
    if (decided) complete_watch(*watch, *decided);
    if (settle) (void)start_settle(true);
    if (out_operation != nullptr) *out_operation = handle;
    gate.success = true;
    if (out_object != nullptr) *out_object = std::move(watch);
    return ZLHCS_S_OK;
}

}  // namespace zlhcs::core
