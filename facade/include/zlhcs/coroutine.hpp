// zlhcs C++ facade - co_await for async_result (C++20 coroutines).
//
//     std::string doc = co_await system.properties_async();             // default_executor()
//     co_await system.start_async().resume_on(my_executor);             // my_executor.post()
//     co_await system.start_async().resume_inline();                    // inside HCS's callback
//
// What co_await does (operation.hpp and executor.hpp tell the whole story):
//   - If the result is complete (also when HCS completed it inside the starting call), it does
//     not suspend: the coroutine goes on on the awaiting thread.
//   - Otherwise it suspends and registers the coroutine with the result; the completion hands
//     the resumption to the chosen executor: by default zlhcs::default_executor(), a pool of
//     facade threads, so the code after co_await never runs inside HCS's completion callback
//     nor on a thread blocked in it. resume_inline() opts in to resuming inside the callback.
//   - co_await yields the result document, or throws the zlhcs::error of a failed operation
//     (errc::cancelled after async_result::close()).
//   - Destroying the coroutine while it is suspended there deregisters it (the awaiter's
//     destructor): the completion then resumes nothing.
// One coroutine at a time may await one result (another await throws std::logic_error); an
// empty async_result throws std::future_error (no_state).
//
// In C++17 this header declares nothing (the rest of the facade works the same).
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/executor.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/typed_result.hpp>

#if ZLHCS_HAS_COROUTINES
#include <coroutine>
#include <future>
#include <memory>
#include <string>
#include <utility>

namespace zlhcs {
namespace detail {

/// What co_await needs of an async_result / awaitable_result.
struct async_access {
    static const std::shared_ptr<async_state>& state(const async_result& result) {
        if (!result.state_) throw std::future_error(std::future_errc::no_state);
        return result.state_;
    }
    static const std::shared_ptr<async_state>& state(const awaitable_result& result) {
        if (!result.state_) throw std::future_error(std::future_errc::no_state);
        return result.state_;
    }
    static const executor& where(const awaitable_result& result) noexcept { return result.where_; }
};

/// The awaiter of an async_result: lives in the coroutine frame while it is suspended, and
/// deregisters the coroutine if the frame is destroyed before the completion resumes it.
class async_awaiter {
public:
    async_awaiter(std::shared_ptr<async_state> state, executor where) noexcept
        : state_(std::move(state)), where_(std::move(where)) {}
    async_awaiter(const async_awaiter&) = delete;
    async_awaiter& operator=(const async_awaiter&) = delete;
    ~async_awaiter() {
        if (registered_) state_->deregister_continuation(address_);
    }

    [[nodiscard]] bool await_ready() const { return state_->ready(); }

    bool await_suspend(std::coroutine_handle<> continuation) {
        address_ = continuation.address();
        registered_ = true;  // before registering: once registered, another thread may resume
                             // (and destroy) the coroutine, so *this is not touched after
        if (state_->register_continuation(address_, &resume, where_)) return true;
        registered_ = false;  // complete meanwhile: not suspended, go on here
        return false;
    }

    std::string await_resume() {
        registered_ = false;  // resumed: the completion took the registration
        return state_->take_result();
    }

private:
    static void resume(void* address) { std::coroutine_handle<>::from_address(address).resume(); }

    std::shared_ptr<async_state> state_;
    executor where_;
    void* address_ = nullptr;
    bool registered_ = false;
};

}  // namespace detail

/// `co_await result`: resumes on zlhcs::default_executor() (see the top of this file).
[[nodiscard]] inline detail::async_awaiter operator co_await(const async_result& result) {
    return detail::async_awaiter(detail::async_access::state(result), default_executor());
}

/// `co_await result.resume_on(e)` / `co_await result.resume_inline()`.
[[nodiscard]] inline detail::async_awaiter operator co_await(const awaitable_result& result) {
    return detail::async_awaiter(detail::async_access::state(result), detail::async_access::where(result));
}

// ---- typed_result<T> (typed_result.hpp): co_await yields the document read as T

namespace detail {

/// The awaiter of a typed_result: async_awaiter (coroutine.hpp), its document read as T.
template <class T>
class typed_awaiter {
public:
    typed_awaiter(std::shared_ptr<async_state> state, executor where) noexcept
        : inner_(std::move(state), std::move(where)) {}

    [[nodiscard]] bool await_ready() const { return inner_.await_ready(); }
    // Touches nothing of *this after the inner awaiter has registered the coroutine (which may
    // then be resumed and destroyed on another thread).
    bool await_suspend(std::coroutine_handle<> continuation) { return inner_.await_suspend(continuation); }
    T await_resume() { return schema::from_json<T>(inner_.await_resume()); }

private:
    async_awaiter inner_;
};

}  // namespace detail

/// `co_await result` of a typed_result<T>: resumes on zlhcs::default_executor() and yields T.
template <class T>
[[nodiscard]] detail::typed_awaiter<T> operator co_await(const typed_result<T>& result) {
    return {detail::async_access::state(result.untyped()), default_executor()};
}

/// `co_await result.resume_on(e)` / `.resume_inline()` of a typed_result<T>.
template <class T>
[[nodiscard]] detail::typed_awaiter<T> operator co_await(const typed_awaitable<T>& result) {
    return {detail::async_access::state(result.untyped()), detail::async_access::where(result.untyped())};
}

}  // namespace zlhcs

#endif  // ZLHCS_HAS_COROUTINES
