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
//       std::string doc = co_await r;                      // C++20, <zlhcs/coroutine.hpp>
//   A failed operation surfaces as zlhcs::error (thrown by wait(), stored in the future,
//   thrown by co_await) carrying the operation's result document, if HCS gave one.
//
//   Lifetime: the operation stays open until it completes, even if the async_result is
//   destroyed first: destroying it DETACHES (the work and the future/coroutine still
//   complete), it does not abandon. close() ABANDONS: it closes the operation at once (HCS
//   goes on with the work and drops its result); when close() returns the completion callback
//   is not running and will never run, and every consumer still waiting - wait(), the future,
//   an awaiting coroutine - fails with errc::cancelled (ZLHCS_WIN32_E_CANCELLED, which also matches
//   std::errc::operation_canceled). Nothing stops the work itself (see above). Never close
//   native_handle() yourself.
//
//   Threads: HCS completes the work on its own thread, or INSIDE the call that starts it (real
//   HCS does so for HcsCreateProcess on Windows Server 2022); zlhcs then calls the completion
//   callback on one of its delivery threads once the *_async call has returned, so the
//   async_result may be ready() as soon as it is handed out, or a moment later. The facade's
//   completion callback records the result, wakes wait(), fulfils the future (a future runs
//   no user code) and hands an awaiting coroutine to its executor; it never runs user code
//   itself unless asked to:
//     - co_await r                   resumes on zlhcs::default_executor(), a pool of
//                                    facade-owned threads: never inside HCS's callback, never
//                                    on a thread blocked in it (executor.hpp);
//     - co_await r.resume_on(e)      resumes through e.post() (your event loop, strand, pool);
//     - co_await r.resume_inline()   opt-in: resumes inside the callback, on HCS's thread - for
//                                    short non-blocking code only.
//   If the result is already complete when awaited (its callback has run), co_await does not
//   suspend and continues on the awaiting thread.
//   Destroying a coroutine suspended in co_await is safe: the awaiter deregisters itself, and
//   the completion resumes only a coroutine still registered - also when the completion has
//   already handed the resumption to the executor and the job has not run yet. Once the job
//   has begun resuming it the coroutine runs, and destroying a running coroutine is undefined,
//   as for any coroutine: destroy it on the executor that resumes it (a single-threaded loop
//   via resume_on()), or instead of destroying it close() the result and let it finish with
//   errc::cancelled.
//
//   One async_result is not to be used concurrently from several threads, except wait(),
//   try_result(), ready(), cancel(), info() and close(), which may be.
//
// info()
//   operation::info() and async_result::info() say what an operation is and concerns
//   (zlhcs_operation_inspect): its kind (an HCS call, or an exit watch of exited()), HCS's
//   operation type and id, the HCS entry point, the system and process handles it was started
//   on and the system's id. Any thread, any time until the operation is closed (after
//   async_result::close() it throws errc::invalid_handle). get_future() may be called once;
//   one coroutine at a time may await it.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/executor.hpp>
#include <zlhcs/handle.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/timeout.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace zlhcs {

namespace detail {

// The zlhcs_operation_* calls of the facade, one place each.

/// zlhcs_operation_wait: the operation's HRESULT (HCS_E_OPERATION_TIMEOUT if still running);
/// `document` receives its result document.
inline zlhcs_hresult wait_operation(zlhcs_operation handle, std::chrono::milliseconds timeout,
                                    std::string& document) {
    out_string text;
    const zlhcs_hresult result = zlhcs_operation_wait(handle, to_timeout_ms(timeout), text.put());
    document = text.str();
    return result;
}

/// zlhcs_operation_result: the operation's HRESULT (HCS_E_OPERATION_PENDING while it runs).
inline zlhcs_hresult operation_result(zlhcs_operation handle, std::string& document) {
    out_string text;
    const zlhcs_hresult result = zlhcs_operation_result(handle, text.put());
    document = text.str();
    return result;
}

/// zlhcs_operation_cancel.
inline zlhcs_hresult cancel_operation(zlhcs_operation handle) noexcept { return zlhcs_operation_cancel(handle); }

}  // namespace detail

/// What an operation is (values equal zlhcs_operation_kind's).
enum class operation_kind : std::uint32_t {
    hcs = ZLHCS_OPERATION_KIND_HCS,                ///< an HCS call (an HCS_OPERATION runs it)
    exit_watch = ZLHCS_OPERATION_KIND_EXIT_WATCH,  ///< exited(): zlhcs completes it from HCS's exit event
};

/// What an operation is and what it concerns (zlhcs_operation_inspect; see the top of this file).
struct operation_info {
    /// HCS's HCS_OPERATION_TYPE (0 enumerate, 1 create, 2 start, ...); 0xFFFFFFFF
    /// (HcsOperationTypeNone) for an exit watch or a backend without HcsGetOperationType.
    std::uint32_t hcs_type = 0xFFFFFFFFu;
    /// HCS's id of the operation; UINT64_MAX (HCS_INVALID_OPERATION_ID) when there is none.
    std::uint64_t hcs_id = ~std::uint64_t{0};
    /// The HCS entry point ("HcsStartComputeSystem"; for an exit watch the callback it listens
    /// through: "HcsSetComputeSystemCallback" / "HcsSetProcessCallback").
    std::string function;
    /// The system handle value it was started on (a process operation: the process's system),
    /// 0 if none. It may have been closed since.
    zlhcs_system system = 0;
    /// The process handle value it was started on, 0 if none.
    zlhcs_process process = 0;
    /// The id of that system ("" if none or unknown).
    std::string system_id;
    operation_kind kind = operation_kind::hcs;
};

namespace detail {

/// zlhcs_operation_inspect, copied. The caller keeps `handle` open during the call.
inline operation_info inspect_operation(zlhcs_operation handle) {
    zlhcs_operation_info native{};
    native.struct_size = sizeof native;
    check(zlhcs_operation_inspect(handle, &native), "zlhcs_operation_inspect");
    operation_info info;
    info.hcs_type = native.hcs_type;
    info.hcs_id = native.hcs_id;
    if (native.function != nullptr) info.function = native.function;
    info.system = native.system;
    info.process = native.process;
    if (native.system_id != nullptr) info.system_id = native.system_id;
    info.kind = static_cast<operation_kind>(native.kind);
    return info;
}

/// Depth of the facade's completion callbacks running on this thread (this module's).
inline thread_local int completion_callback_depth = 0;

}  // namespace detail

/// true while this thread runs a completion callback of the facade (of this module): code
/// resumed by resume_inline(), or an executor's post() called from there. Code resumed through
/// default_executor() sees false. For assertions ("am I on HCS's thread?").
[[nodiscard]] inline bool in_completion_callback() noexcept { return detail::completion_callback_depth > 0; }

/// A zlhcs_operation handle and the calls on it. Move-only; closes the handle on
/// destruction. Thread-safe for concurrent wait()/try_result()/cancel().
class operation {
public:
    operation() noexcept = default;
    /// Takes ownership of `handle`.
    explicit operation(zlhcs_operation handle) noexcept : handle_(handle) {}

    /// Blocks until the operation completes or `timeout` (default: zlhcs::default_timeout, 4
    /// minutes) passes. Returns its result document ("" if none). Throws zlhcs::error with the
    /// operation's HRESULT and error document if it failed, or errc::timeout if it did not
    /// complete in time (it goes on).
    std::string wait(std::chrono::milliseconds timeout = default_timeout) const {
        std::string document;
        const zlhcs_hresult result = detail::wait_operation(handle_.get(), timeout, document);
        if (result < 0) throw_error(result, "zlhcs_operation_wait", std::move(document));
        return document;
    }

    /// The result document if the operation completed successfully, std::nullopt while it
    /// runs; throws zlhcs::error if it failed. Never blocks.
    [[nodiscard]] std::optional<std::string> try_result() const {
        std::string document;
        const zlhcs_hresult result = detail::operation_result(handle_.get(), document);
        if (result == ZLHCS_HCS_E_OPERATION_PENDING) return std::nullopt;
        if (result < 0) throw_error(result, "zlhcs_operation_result", std::move(document));
        return document;
    }

    /// Asks HCS to cancel the work. false if the operation had already completed (nothing to
    /// cancel). While it runs: HCS does not implement cancellation (HcsCancelOperation returns
    /// E_NOTIMPL), so this throws zlhcs::error with errc::not_supported (ZLHCS_E_NOT_SUPPORTED,
    /// naming HcsCancelOperation) and the work goes on and completes as HCS decides. Only on a
    /// host whose HCS implements cancellation does it return true (the request was made; the
    /// operation still completes, usually with errc::cancelled: wait for it).
    bool cancel() const {
        return check(detail::cancel_operation(handle_.get()), "zlhcs_operation_cancel") == ZLHCS_S_OK;
    }

    /// What the operation is and concerns (see the top of this file). Throws errc::invalid_handle
    /// for an empty operation.
    [[nodiscard]] operation_info info() const { return detail::inspect_operation(handle_.get()); }

    [[nodiscard]] zlhcs_operation native_handle() const noexcept { return handle_.get(); }
    /// Gives up ownership of the handle (the caller closes it with zlhcs_operation_close).
    [[nodiscard]] zlhcs_operation release() noexcept { return handle_.release(); }
    /// Closes the handle now (safe while in flight; see the top of this file).
    void close() noexcept { handle_.reset(); }
    [[nodiscard]] bool valid() const noexcept { return handle_.valid(); }
    explicit operator bool() const noexcept { return handle_.valid(); }

private:
    unique_operation_handle handle_;
};

class async_result;
class awaitable_result;

namespace detail {

struct async_access;         // <zlhcs/coroutine.hpp>: what co_await needs of an async_result
struct async_state_layout;   // tests: the layout of async_state (one for every language mode)

/// Shared by an async_result, its awaiters and the completion callback. It owns the operation
/// handle. The callback's context is a heap-held std::shared_ptr to it, deleted by zlhcs's
/// release notifier (release_context), which zlhcs calls once the callback has returned or can
/// no longer run: the context is valid whenever zlhcs calls the callback, whoever closes what
/// from whichever thread. The handle is closed when the last owner lets go (which may be
/// inside the callback or the release notifier: zlhcs allows both).
///
/// Its layout is the same in every language mode (C++17 and C++20 translation units of one
/// program share it): the awaiting coroutine is stored as a plain address and a resume
/// function, which only C++20 code (coroutine.hpp) supplies; nothing here depends on
/// <coroutine>.
class async_state : public std::enable_shared_from_this<async_state> {
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
    /// Resumes the coroutine whose frame is at `address` (std::coroutine_handle<>::from_address).
    using resume_function = void (*)(void* address);

    explicit async_state(const char* call) noexcept : call_(call) {}
    async_state(const async_state&) = delete;
    async_state& operator=(const async_state&) = delete;
    ~async_state() = default;  // closes the operation handle, if still open

    /// The callback's context: a reference of its own, released by release_context.
    using context_reference = std::shared_ptr<async_state>;

    /// zlhcs_operation_callback: runs once, on an HCS or zlhcs thread, never before the *_async
    /// call has returned. Never runs once close() has returned (outside zlhcs callbacks).
    static void ZLHCS_CALL on_complete(zlhcs_operation handle, zlhcs_hresult result, void* context) noexcept {
        const callback_scope scope;
        async_state* state = static_cast<context_reference*>(context)->get();
        std::string document;
        outcome failure;
        try {
            // The operation is complete: this does not block. It also records this thread's
            // last error (message, HCS function), which the error captures.
            zlhcs_hresult final_result = operation_result(handle, document);
            if (final_result == ZLHCS_HCS_E_OPERATION_PENDING) final_result = result;  // defensive
            if (final_result < 0) failure.error.emplace(error::from_last_error(final_result, state->call_, document));
        } catch (...) {
            failure.other = std::current_exception();
        }
        state->complete(std::move(document), std::move(failure));
    }

    /// zlhcs_release_callback: the callback has returned or will never run; drops its reference
    /// (which may be the last: the operation handle is then closed here, as zlhcs allows).
    static void ZLHCS_CALL release_context(void* context) noexcept { delete static_cast<context_reference*>(context); }

    /// Takes the operation handle start_async received (the callback may be running already,
    /// on another thread).
    void attach(zlhcs_operation handle) noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        op_.reset(handle);
    }

    /// Records the outcome (unless close() did first), wakes wait(), fulfils the promise and
    /// hands an awaiting coroutine to its executor.
    void complete(std::string document, outcome failure) noexcept {
        finishing done;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (completed_) return;
            document_ = std::move(document);
            failure_ = std::move(failure);
            done = finish_locked();
        }
        announce(done);
    }

    /// Abandons the operation (async_result::close(); see the top of this file).
    void close() noexcept {
        unique_operation_handle handle;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (closed_) return;
            closed_ = true;
            handle.reset(op_.release());
        }
        // zlhcs_operation_close: when it returns, on_complete is not running and never will
        // (called from inside the callback itself, it returns at once: complete() ran already).
        // The release notifier drops the callback's reference when that is certain.
        handle.reset();
        outcome cancelled;
        try {
            cancelled.error.emplace(ZLHCS_WIN32_E_CANCELLED, call_,
                                    "the operation was abandoned by close() before it completed (HCS "
                                    "goes on with the work and drops its result)",
                                    "", "");
        } catch (...) {
            cancelled.other = std::current_exception();
        }
        finishing done;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (completed_) return;
            failure_ = std::move(cancelled);
            done = finish_locked();
        }
        announce(done);
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

    /// Blocks until complete (true) or `timeout` passes (false).
    bool wait_for(std::chrono::milliseconds timeout) const {
        std::unique_lock<std::mutex> lock(mutex_);
        const auto done = [this] { return completed_; };
        if (timeout >= infinite) {
            completion_.wait(lock, done);
            return true;
        }
        return completion_.wait_for(lock, std::max(timeout, std::chrono::milliseconds(0)), done);
    }

    /// The outcome (throws the failure); only once complete.
    std::string take_result() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        failure_.rethrow();
        return document_;
    }

    /// The outcome if complete (throws the failure), std::nullopt while running.
    std::optional<std::string> try_take_result() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (!completed_) return std::nullopt;
        failure_.rethrow();
        return document_;
    }

    /// The error wait() throws when `timeout` passes.
    [[nodiscard]] zlhcs::error timeout_error(std::chrono::milliseconds timeout) const {
        return zlhcs::error(ZLHCS_HCS_E_OPERATION_TIMEOUT, call_,
                            "the operation did not complete within " + std::to_string(timeout.count()) +
                                " ms; the work goes on and may still complete (HCS cannot cancel it)",
                            "", "");
    }

    /// See async_result::cancel().
    bool cancel() const {
        zlhcs_operation handle = 0;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (completed_ || closed_) return false;
            handle = op_.get();
        }
        const zlhcs_hresult result = cancel_operation(handle);
        if (result < 0) {
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                if (closed_) return false;  // closed meanwhile: nothing left to cancel
            }
            throw_error(result, "zlhcs_operation_cancel");
        }
        return result == ZLHCS_S_OK;
    }

    [[nodiscard]] zlhcs_operation native_handle() const noexcept {
        const std::lock_guard<std::mutex> lock(mutex_);
        return op_.get();
    }

    /// See async_result::info(). Under the lock: close() cannot close the handle while the
    /// strings it owns are copied.
    [[nodiscard]] operation_info info() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return inspect_operation(op_.get());
    }

    /// Registers the coroutine at `address` to be resumed through `where` on completion.
    /// false if already complete (do not suspend). Throws std::logic_error if another
    /// coroutine awaits this result.
    bool register_continuation(void* address, resume_function resume, executor where) {
        const std::lock_guard<std::mutex> lock(mutex_);
        if (completed_) return false;
        if (continuation_.address != nullptr) throw std::logic_error("zlhcs::async_result is already awaited");
        continuation_.address = address;
        continuation_.resume = resume;
        continuation_.where = std::move(where);
        return true;
    }

    /// Removes the registration of the coroutine at `address`, if it is still registered (its
    /// frame is being destroyed while suspended): the completion will not resume it.
    void deregister_continuation(void* address) noexcept {
        continuation dropped;  // destroyed outside the lock
        const std::lock_guard<std::mutex> lock(mutex_);
        if (continuation_.address == address) dropped = std::exchange(continuation_, continuation{});
    }

    const char* const call_;  // the *_async call, for errors (a literal)

private:
    friend struct async_state_layout;

    struct continuation {
        void* address = nullptr;         // the awaiting coroutine's frame, or nullptr
        resume_function resume = nullptr;
        executor where;                  // where it resumes
    };

    /// RAII for detail::completion_callback_depth.
    struct callback_scope {
        callback_scope() noexcept { ++completion_callback_depth; }
        callback_scope(const callback_scope&) = delete;
        callback_scope& operator=(const callback_scope&) = delete;
        ~callback_scope() { --completion_callback_depth; }
    };

    /// What finish_locked() hands to announce().
    struct finishing {
        std::optional<std::promise<std::string>> promise;
        bool resume = false;
        executor where;
    };

    // Marks the recorded outcome complete; the caller holds the lock and calls announce() once
    // it has released it.
    finishing finish_locked() noexcept {
        finishing done;
        completed_ = true;
        done.promise.swap(promise_);
        if (continuation_.address != nullptr) {
            done.resume = true;
            done.where = continuation_.where;
        }
        return done;
    }

    // Tells every consumer: wait(), the future, the awaiting coroutine.
    void announce(finishing& done) noexcept {
        completion_.notify_all();
        if (done.promise) fulfil(*done.promise);
        if (done.resume) dispatch(done.where);
    }

    // Hands the resumption to `where`. The job resumes only a coroutine still registered when
    // it runs (see resume_continuation). If the executor refuses the job (its post throws), the
    // default executor takes it; only if that fails too is the coroutine resumed here.
    void dispatch(const executor& where) noexcept {
        const std::shared_ptr<async_state> self = weak_from_this().lock();
        if (!self) return;  // not owned by a shared_ptr: cannot happen
        try {
            where.post([self] { self->resume_continuation(); });
            return;
        } catch (...) {
        }
        try {
            default_executor().post([self] { self->resume_continuation(); });
            return;
        } catch (...) {
        }
        resume_continuation();
    }

    // Resumes the registered coroutine, if any is still registered (one whose frame was
    // destroyed while suspended has deregistered itself). Takes it first: resumed once.
    void resume_continuation() noexcept {
        continuation taken;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            taken = std::exchange(continuation_, continuation{});
        }
        if (taken.address != nullptr) taken.resume(taken.address);
    }

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
    mutable std::condition_variable completion_;
    bool completed_ = false;
    bool closed_ = false;
    bool future_retrieved_ = false;
    std::string document_;
    outcome failure_;
    std::optional<std::promise<std::string>> promise_;
    continuation continuation_;
    unique_operation_handle op_;
};

/// Starts asynchronous work: `start(callback, context, release, &operation)` is the C *_async
/// call with its leading arguments bound. Throws zlhcs::error if the call fails (then no
/// operation exists and the callback is never called).
template <typename Start>
async_result start_async(const char* call, Start&& start);

}  // namespace detail

/// What async_result::resume_on() and resume_inline() return: the pending result together with
/// the executor an awaiting coroutine resumes on. `co_await` it (C++20, <zlhcs/coroutine.hpp>);
/// it shares the result's state, so it stays valid after the async_result is destroyed.
/// Move-only, like the result it stands for.
class awaitable_result {
public:
    awaitable_result(awaitable_result&&) noexcept = default;
    awaitable_result& operator=(awaitable_result&&) noexcept = default;
    awaitable_result(const awaitable_result&) = delete;
    awaitable_result& operator=(const awaitable_result&) = delete;
    ~awaitable_result() = default;

    /// The executor the awaiting coroutine resumes on.
    [[nodiscard]] const executor& where() const noexcept { return where_; }

private:
    friend class async_result;
    friend struct detail::async_access;

    awaitable_result(std::shared_ptr<detail::async_state> state, executor where) noexcept
        : state_(std::move(state)), where_(std::move(where)) {}

    std::shared_ptr<detail::async_state> state_;
    executor where_;
};

/// The pending result of an asynchronous call (see the top of this file). Move-only; a
/// moved-from or default-constructed async_result is empty (valid() == false), and its calls
/// throw std::future_error (no_state).
class async_result {
public:
    async_result() noexcept = default;
    async_result(async_result&&) noexcept = default;
    async_result& operator=(async_result&&) noexcept = default;
    async_result(const async_result&) = delete;
    async_result& operator=(const async_result&) = delete;
    /// Detaches: the work, the future and an awaiting coroutine still complete.
    ~async_result() = default;

    /// Blocks until complete or `timeout` (default: zlhcs::default_timeout, 4 minutes) passes;
    /// returns the result document, or throws zlhcs::error: the operation's failure,
    /// errc::cancelled after close(), or errc::timeout (the work then goes on).
    std::string wait(std::chrono::milliseconds timeout = default_timeout) const {
        const detail::async_state& s = state();
        if (!s.wait_for(timeout)) throw s.timeout_error(timeout);
        return s.take_result();
    }

    /// The result document if complete, std::nullopt while running; throws if it failed (or
    /// was closed: errc::cancelled). Never blocks.
    [[nodiscard]] std::optional<std::string> try_result() const { return state().try_take_result(); }

    /// A future fulfilled on the completion thread (an HCS or zlhcs thread, never the thread of
    /// the *_async call inside it) with the result document, or with the zlhcs::error (errc::cancelled
    /// after close()). May be called once (std::future_error otherwise), before or after
    /// completion. The future stays valid after this async_result is destroyed.
    [[nodiscard]] std::future<std::string> get_future() { return state().get_future(); }

    /// true once the outcome is known: the completion callback has run, or close() was called.
    [[nodiscard]] bool ready() const { return state().ready(); }

    /// Asks HCS to cancel: today throws errc::not_supported while the work runs; false once it
    /// has completed or was closed (see operation::cancel).
    bool cancel() const { return state().cancel(); }

    /// Abandons the work (see the top of this file): closes the operation now; once this
    /// returns the completion callback is not running and never runs, and wait(), the future and
    /// an awaiting coroutine fail with errc::cancelled - unless the operation had completed
    /// already (its outcome stays). HCS goes on with the work. Idempotent; no effect on an
    /// empty async_result. Waits for a completion callback running on another thread, so with
    /// resume_inline() do not call it while holding a lock the inline-resumed code takes.
    void close() noexcept {
        if (state_) state_->close();
    }

    /// For `co_await r.resume_on(e)`: the awaiting coroutine resumes through e.post() (e: a
    /// zlhcs::executor or anything with post(std::function<void()>)). Throws std::future_error
    /// (no_state) if empty.
    [[nodiscard]] awaitable_result resume_on(executor where) const {
        (void)state();
        return awaitable_result(state_, std::move(where));
    }

    /// For `co_await r.resume_inline()`: the awaiting coroutine resumes inside HCS's completion
    /// callback (inline_executor(); see executor.hpp). Opt-in, for short non-blocking code.
    [[nodiscard]] awaitable_result resume_inline() const { return resume_on(inline_executor()); }

    /// What the operation is and concerns (see the top of this file); any thread. Throws
    /// errc::invalid_handle after close(), std::future_error (no_state) if empty.
    [[nodiscard]] operation_info info() const { return state().info(); }

    /// The operation handle (0 after close()), for diagnostics and zlhcs_operation_* calls.
    /// Do not close it.
    [[nodiscard]] zlhcs_operation native_handle() const noexcept {
        return state_ ? state_->native_handle() : zlhcs_operation{0};
    }

    [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }

private:
    template <typename Start>
    friend async_result detail::start_async(const char* call, Start&& start);
    friend struct detail::async_access;

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
    // The callback's own reference, freed by zlhcs's release notifier once the callback has
    // returned or can no longer run (on whichever thread that becomes certain).
    auto context = std::make_unique<async_state::context_reference>(state);
    zlhcs_operation handle = 0;
    const zlhcs_hresult result =
        start(&async_state::on_complete, static_cast<void*>(context.get()), &async_state::release_context, &handle);
    if (result < 0) throw_error(result, call);  // no operation: the context is still ours (freed here)
    (void)context.release();  // zlhcs's now, until it calls release_context
    // The callback may be running already, on another thread.
    state->attach(handle);
    return async_result(std::move(state));
}

}  // namespace detail
}  // namespace zlhcs
