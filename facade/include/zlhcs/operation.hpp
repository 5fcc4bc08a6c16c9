// zlhcs C++ facade - asynchronous HCS work: zlhcs::operation and zlhcs::async_result.
//
// operation
//   Owns a zlhcs_operation handle (move-only; closes it on destruction). Blocking wait with a
//   timeout, non-blocking try_result(), cancel(). Closing an operation in flight is safe: the
//   HCS work goes on, its result is discarded, and a C callback registered on it is never
//   called once the close returns.
//
// HCS does not stop work once it has started: HcsCancelOperation is not implemented (it
// returns E_NOTIMPL, Reference/HcsCancelOperation.md), a wait that times out leaves the work
// running, and so does closing the operation. cancel() therefore throws errc::not_supported
// while the work runs (it completes as HCS decides); to undo work, call its opposite once it
// has completed (terminate() a system whose start you no longer want).
//
// async_result
//   What every *_async facade method returns: an operation started with a completion
//   callback of the facade's own, consumable in three ways:
//       std::string doc = r.wait(5s);                      // block (or throw)
//       std::future<std::string> f = r.get_future();      // std::future
//       std::string doc = co_await r;                      // C++20 coroutine
//   A failed operation surfaces as zlhcs::error (thrown by wait(), stored in the future,
//   thrown by co_await) carrying the operation's result document, if HCS gave one.
//
//   Lifetime: the operation stays open until it completes, even if the async_result is
//   destroyed first: destroying it detaches (the work and the future/coroutine still
//   complete), it does not abandon. Nothing stops the work (see above). Never close
//   native_handle() yourself.
//
//   Threads: completion usually runs on a zlhcs/HCS thread-pool thread, but HCS may also
//   complete an operation INSIDE the call that starts it (real HCS does so for
//   HcsCreateProcess on Windows Server 2022): then the completion runs on the calling thread
//   before the *_async call returns, and the async_result it returns is already ready(). The
//   future is fulfilled on the completion thread, and a coroutine awaiting the result is
//   RESUMED ON THAT THREAD: the code after `co_await` runs on the HCS completion thread until
//   it next suspends. Do not block there for long (no synchronous zlhcs calls, no waiting on
//   other operations): co_await further *_async calls, or hop to your own executor first.
//   If the result is already complete (as after a completion inside the starting call),
//   co_await does not suspend and continues on the awaiting thread. Code must therefore not
//   rely on either thread: a *_async call may return with the work done, and its
//   continuation may run on the caller's thread or on another one.
//
//   One async_result is not to be used concurrently from several threads, except wait(),
//   ready() and cancel(), which may be. get_future() may be called once; one coroutine at a
//   time may await it.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/timeout.hpp>

#include <chrono>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#if ZLHCS_HAS_COROUTINES
#include <coroutine>
#endif

namespace zlhcs {

/// A zlhcs_operation handle and the calls on it. Move-only; closes the handle on
/// destruction. Thread-safe for concurrent wait()/try_result()/cancel().
class operation {
public:
    operation() noexcept = default;
    /// Takes ownership of `handle`.
    explicit operation(zlhcs_operation handle) noexcept : handle_(handle) {}

    /// Blocks until the operation completes or `timeout` passes. Returns its result document
    /// ("" if none). Throws zlhcs::error with the operation's HRESULT and error document if
    /// it failed, or errc::timeout if it did not complete in time (it goes on).
    std::string wait(std::chrono::milliseconds timeout = infinite) const {
        return wait(timeout, "zlhcs_operation_wait");
    }

    /// The result document if the operation completed successfully, std::nullopt while it
    /// runs; throws zlhcs::error if it failed. Never blocks.
    [[nodiscard]] std::optional<std::string> try_result() const { return try_result("zlhcs_operation_result"); }

    /// Asks HCS to cancel the work. false if the operation had already completed (nothing to
    /// cancel). While it runs: HCS does not implement cancellation (HcsCancelOperation returns
    /// E_NOTIMPL), so this throws zlhcs::error with errc::not_supported (ZLHCS_E_NOT_SUPPORTED,
    /// naming HcsCancelOperation) and the work goes on and completes as HCS decides. Only on a
    /// host whose HCS implements cancellation does it return true (the request was made; the
    /// operation still completes, usually with errc::cancelled: wait for it).
    bool cancel() const { return check(zlhcs_operation_cancel(handle_.get()), "zlhcs_operation_cancel") == ZLHCS_S_OK; }

    [[nodiscard]] zlhcs_operation native_handle() const noexcept { return handle_.get(); }
    /// Gives up ownership of the handle (the caller closes it with zlhcs_operation_close).
    [[nodiscard]] zlhcs_operation release() noexcept { return handle_.release(); }
    /// Closes the handle now (safe while in flight; see the top of this file).
    void close() noexcept { handle_.reset(); }
    [[nodiscard]] bool valid() const noexcept { return handle_.valid(); }
    explicit operator bool() const noexcept { return handle_.valid(); }

private:
    friend class async_result;

    // `call` names the failing call in the error (e.g. the *_async call that started the work).
    std::string wait(std::chrono::milliseconds timeout, const char* call) const {
        out_string document;
        const zlhcs_hresult result =
            zlhcs_operation_wait(handle_.get(), detail::to_timeout_ms(timeout), document.put());
        std::string text = document.str();
        if (result < 0) throw_error(result, call, std::move(text));
        return text;
    }

    std::optional<std::string> try_result(const char* call) const {
        out_string document;
        const zlhcs_hresult result = zlhcs_operation_result(handle_.get(), document.put());
        if (result == ZLHCS_HCS_E_OPERATION_PENDING) return std::nullopt;
        std::string text = document.str();
        if (result < 0) throw_error(result, call, std::move(text));
        return text;
    }

    unique_operation_handle handle_;
};

class async_result;

namespace detail {

/// Shared by an async_result and the completion callback. It owns the operation handle and
/// keeps itself alive (self_) until the callback has run, so the callback's context pointer
/// is valid whenever zlhcs calls it; the handle is closed when the last owner lets go (which
/// may be inside the callback: zlhcs allows closing an operation from its own callback).
class async_state {
    /// How the operation failed, if it did. Each consumer (future, co_await, wait) is thrown
    /// an error of its own, sharing no memory with this record or with other consumers: an
    /// exception that crossed threads is freed by whichever thread drops the last
    /// exception_ptr, ordered only by the C++ runtime's reference count, which
    /// ThreadSanitizer cannot see (and a reader should not have to reason about).
    struct outcome {
        std::optional<zlhcs::error> error;
        std::exception_ptr other;  // anything else thrown while collecting the result (bad_alloc)

        [[nodiscard]] bool failed() const noexcept { return error.has_value() || other != nullptr; }
        [[nodiscard]] std::exception_ptr make_exception_ptr() const {
            return error ? std::make_exception_ptr(independent_copy()) : other;
        }
        void rethrow() const {
            if (error) throw independent_copy();
            if (other) std::rethrow_exception(other);
        }

    private:
        // A plain copy of zlhcs::error would share its details (std::shared_ptr).
        [[nodiscard]] zlhcs::error independent_copy() const {
            return zlhcs::error(error->hresult(), error->call(), error->message(), error->function(),
                                error->result_document());
        }
    };

public:
    explicit async_state(const char* call) noexcept : call_(call) {}
    async_state(const async_state&) = delete;
    async_state& operator=(const async_state&) = delete;

    /// zlhcs_operation_callback: runs once, on a zlhcs/HCS thread or, if the operation
    /// completes inside the call that starts it, on the calling thread before start() returns
    /// (before op_ is set: it uses `handle` only).
    static void ZLHCS_CALL on_complete(zlhcs_operation handle, zlhcs_hresult result, void* context) noexcept {
        auto* state = static_cast<async_state*>(context);
        std::string document;
        outcome failure;
        try {
            // The operation is complete: this does not block. It also records this thread's
            // last error (message, HCS function), which the error captures.
            out_string text;
            zlhcs_hresult final_result = zlhcs_operation_result(handle, text.put());
            if (final_result == ZLHCS_HCS_E_OPERATION_PENDING) final_result = result;  // defensive
            document = text.str();
            if (final_result < 0) failure.error.emplace(error::from_last_error(final_result, state->call_, document));
        } catch (...) {
            failure.other = std::current_exception();
        }
        state->complete(std::move(document), std::move(failure));
    }

    /// Records the outcome, fulfils the promise and resumes the awaiting coroutine (if any).
    void complete(std::string document, outcome failure) noexcept {
        std::shared_ptr<async_state> keep_alive;
        std::optional<std::promise<std::string>> promise;
#if ZLHCS_HAS_COROUTINES
        std::coroutine_handle<> continuation;
#endif
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            keep_alive = std::move(self_);
            document_ = std::move(document);
            failure_ = std::move(failure);
            completed_ = true;
            promise.swap(promise_);
#if ZLHCS_HAS_COROUTINES
            continuation = std::exchange(continuation_, nullptr);
#endif
        }
        if (promise) fulfil(*promise);
#if ZLHCS_HAS_COROUTINES
        if (continuation) continuation.resume();
#endif
        // keep_alive may release the last reference here, closing the operation from inside
        // its own callback (allowed by the ABI).
    }

    [[nodiscard]] std::future<std::string> get_future() {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (future_retrieved_) throw std::future_error(std::future_errc::future_already_retrieved);
        future_retrieved_ = true;
        std::promise<std::string> promise;
        std::future<std::string> future = promise.get_future();
        if (completed_)
            fulfil(promise);
        else
            promise_.emplace(std::move(promise));
        return future;
    }

    [[nodiscard]] bool ready() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return completed_;
    }

#if ZLHCS_HAS_COROUTINES
    /// false: already complete, do not suspend.
    bool suspend(std::coroutine_handle<> continuation) {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (completed_) return false;
        if (continuation_) throw std::logic_error("zlhcs::async_result is already awaited");
        continuation_ = continuation;
        return true;
    }
#endif

    /// The outcome; only after completion (the caller synchronised with it).
    std::string take_result() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        failure_.rethrow();
        return document_;
    }

    const char* const call_;                // the *_async call, for errors (a literal)
    operation op_;                          // written once, by start_async (never read by the callback)
    std::shared_ptr<async_state> self_;     // the callback's reference; guarded by mutex_

private:
    void fulfil(std::promise<std::string>& promise) noexcept {
        try {
            if (failure_.failed())
                promise.set_exception(failure_.make_exception_ptr());
            else
                promise.set_value(document_);
        } catch (...) {
            try {
                promise.set_exception(std::current_exception());
            } catch (...) {  // already satisfied: nothing left to report
            }
        }
    }

    mutable std::mutex mutex_;
    bool completed_ = false;
    bool future_retrieved_ = false;
    std::string document_;
    outcome failure_;
    std::optional<std::promise<std::string>> promise_;
#if ZLHCS_HAS_COROUTINES
    std::coroutine_handle<> continuation_;
#endif
};

/// Starts asynchronous work: `start(callback, context, &operation)` is the C *_async call
/// with its leading arguments bound. Throws zlhcs::error if the call fails (then no
/// operation exists and the callback is never called).
template <typename Start>
async_result start_async(const char* call, Start&& start);

}  // namespace detail

/// The pending result of an asynchronous call (see the top of this file). Move-only; a
/// moved-from or default-constructed async_result is empty (valid() == false).
class async_result {
public:
    async_result() noexcept = default;
    async_result(async_result&&) noexcept = default;
    async_result& operator=(async_result&&) noexcept = default;
    async_result(const async_result&) = delete;
    async_result& operator=(const async_result&) = delete;
    ~async_result() = default;

    /// Blocks until complete or `timeout` passes; returns the result document, or throws
    /// zlhcs::error (the operation's failure, or errc::timeout - the work then goes on).
    std::string wait(std::chrono::milliseconds timeout = infinite) const {
        const detail::async_state& s = state();
        return s.op_.wait(timeout, s.call_);
    }

    /// The result document if complete, std::nullopt while running; throws if it failed.
    [[nodiscard]] std::optional<std::string> try_result() const {
        const detail::async_state& s = state();
        return s.op_.try_result(s.call_);
    }

    /// A future fulfilled on the completion thread (see the top of this file: possibly the
    /// thread of the *_async call, before it returns) with the result document, or with the
    /// zlhcs::error. May be called once (std::future_error otherwise), before or after
    /// completion. The future stays valid after this async_result is destroyed.
    [[nodiscard]] std::future<std::string> get_future() { return state().get_future(); }

    /// true once the completion callback has run (the future/coroutine are then ready).
    [[nodiscard]] bool ready() const { return state().ready(); }

    /// Asks HCS to cancel: today throws errc::not_supported while the work runs, false once it
    /// has completed (see operation::cancel).
    bool cancel() const { return state().op_.cancel(); }

    /// The operation handle, for diagnostics and zlhcs_operation_* calls. Do not close it.
    [[nodiscard]] zlhcs_operation native_handle() const noexcept {
        return state_ ? state_->op_.native_handle() : zlhcs_operation{0};
    }

    [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }

#if ZLHCS_HAS_COROUTINES
    // Awaitable: `std::string doc = co_await result;` (also on a temporary:
    // `co_await system.start_async()`). Resumes on the completion thread, or does not
    // suspend if the result is ready (also when HCS completed it inside the starting call);
    // see the top of this file.
    [[nodiscard]] bool await_ready() const { return state().ready(); }
    bool await_suspend(std::coroutine_handle<> continuation) { return state().suspend(continuation); }
    std::string await_resume() const { return state().take_result(); }
#endif

private:
    template <typename Start>
    friend async_result detail::start_async(const char* call, Start&& start);

    explicit async_result(std::shared_ptr<detail::async_state> state) noexcept : state_(std::move(state)) {}

    detail::async_state& state() const {
        if (!state_) throw std::future_error(std::future_errc::no_state);
        return *state_;
    }

    std::shared_ptr<detail::async_state> state_;
};

namespace detail {

template <typename Start>
async_result start_async(const char* call, Start&& start) {
    auto state = std::make_shared<async_state>(call);
    // Released by the callback, which may run on another thread as soon as start() has
    // handed HCS the operation, or on this thread inside start(): either way it drops only
    // this reference, while `state` keeps the object alive until the async_result owns it.
    state->self_ = state;
    zlhcs_operation handle = 0;
    const zlhcs_hresult result = start(&async_state::on_complete, static_cast<void*>(state.get()), &handle);
    if (result < 0) {
        state->self_.reset();  // no operation, no callback
        throw_error(result, call);
    }
    // The callback may be running, or have run already (completion inside start()); it
    // touches neither op_ nor our reference.
    state->op_ = operation(handle);
    return async_result(std::move(state));
}

}  // namespace detail
}  // namespace zlhcs
