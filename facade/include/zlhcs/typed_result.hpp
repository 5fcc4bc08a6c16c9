// zlhcs C++ facade - typed_result<T>: an async_result whose document reads as a schema type T
// (compute_system::properties_async<T>(), process::properties_async<T>()). co_await of it is in
// <zlhcs/coroutine.hpp>. Light: the schema is only declared here (zlhcs/schema/fwd.hpp); T must
// be complete where wait() or try_result() is used (include <zlhcs/schema.hpp>).
#pragma once

#include <zlhcs/executor.hpp>
#include <zlhcs/operation.hpp>
#include <zlhcs/schema/fwd.hpp>
#include <zlhcs/timeout.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>

namespace zlhcs {

template <class T>
class typed_awaitable;

/// The pending result of an asynchronous call whose result document reads as T
/// (compute_system::properties_async<T>(), process::properties_async<T>()): an async_result
/// (operation.hpp: the same lifetime, threads and close() rules) whose document wait(),
/// try_result() and co_await read with schema::from_json<T>(). For a std::future, take
/// untyped().get_future() (it yields the JSON text: schema::from_json<T>() it). Move-only; an
/// empty typed_result's calls throw std::future_error (no_state).
template <class T>
class typed_result {
public:
    typed_result() noexcept = default;
    /// Takes over `result`.
    explicit typed_result(async_result result) noexcept : result_(std::move(result)) {}

    /// Blocks until complete or `timeout` (default zlhcs::default_timeout) passes; returns the
    /// document read as T. Throws as async_result::wait(), and errc::invalid_argument if the
    /// document does not read as T.
    T wait(std::chrono::milliseconds timeout = default_timeout) const {
        return schema::from_json<T>(result_.wait(timeout));
    }

    /// The result read as T if complete, std::nullopt while running; throws as wait(). Never
    /// blocks.
    [[nodiscard]] std::optional<T> try_result() const {
        std::optional<std::string> text = result_.try_result();
        if (!text) return std::nullopt;
        return schema::from_json<T>(*text);
    }

    /// See async_result: ready(), cancel(), close(), info(), native_handle().
    [[nodiscard]] bool ready() const { return result_.ready(); }
    bool cancel() const { return result_.cancel(); }
    void close() noexcept { result_.close(); }
    [[nodiscard]] operation_info info() const { return result_.info(); }
    [[nodiscard]] zlhcs_operation native_handle() const noexcept { return result_.native_handle(); }

    /// For `co_await r.resume_on(e)` / `co_await r.resume_inline()` (C++20): as
    /// async_result's, yielding T.
    [[nodiscard]] typed_awaitable<T> resume_on(executor where) const;
    [[nodiscard]] typed_awaitable<T> resume_inline() const { return resume_on(inline_executor()); }

    /// The untyped result (its document as JSON text), e.g. for get_future().
    [[nodiscard]] async_result& untyped() & noexcept { return result_; }
    [[nodiscard]] const async_result& untyped() const& noexcept { return result_; }
    [[nodiscard]] async_result untyped() && noexcept { return std::move(result_); }

    [[nodiscard]] bool valid() const noexcept { return result_.valid(); }
    explicit operator bool() const noexcept { return valid(); }

private:
    async_result result_;
};

/// What typed_result<T>::resume_on() and resume_inline() return: an awaitable_result whose
/// co_await yields T (C++20, see coroutine.hpp). Move-only.
template <class T>
class typed_awaitable {
public:
    explicit typed_awaitable(awaitable_result inner) noexcept : inner_(std::move(inner)) {}

    /// The executor the awaiting coroutine resumes on.
    [[nodiscard]] const executor& where() const noexcept { return inner_.where(); }
    /// The untyped awaitable (co_await it for the JSON text).
    [[nodiscard]] const awaitable_result& untyped() const noexcept { return inner_; }

private:
    awaitable_result inner_;
};

template <class T>
typed_awaitable<T> typed_result<T>::resume_on(executor where) const {
    return typed_awaitable<T>(result_.resume_on(std::move(where)));
}

}  // namespace zlhcs
