// zlhcs C++ facade - move-only RAII for zlhcs handles (in the spirit of WIL's unique_any).
//
// unique_handle<Traits> owns one handle and closes it with Traits::close() when it dies or
// is reset. Traits supplies: `handle_type`, `static constexpr handle_type invalid() noexcept`
// and `static void close(handle_type) noexcept`. Closing never throws: zlhcs validates every
// handle, so closing a stale one is harmless.
//
// Thread safety: like std::unique_ptr, one object is not to be mutated concurrently; the
// handle it holds may be used by zlhcs calls on any thread.
#pragma once

#include <zlhcs/config.hpp>

#include <utility>

namespace zlhcs {

template <typename Traits>
class unique_handle {
public:
    using handle_type = typename Traits::handle_type;
    using traits_type = Traits;

    constexpr unique_handle() noexcept = default;
    /// Takes ownership of `handle`.
    constexpr explicit unique_handle(handle_type handle) noexcept : handle_(handle) {}
    unique_handle(unique_handle&& other) noexcept : handle_(other.release()) {}
    unique_handle& operator=(unique_handle&& other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    unique_handle(const unique_handle&) = delete;
    unique_handle& operator=(const unique_handle&) = delete;
    ~unique_handle() { reset(); }

    [[nodiscard]] constexpr handle_type get() const noexcept { return handle_; }
    [[nodiscard]] constexpr bool valid() const noexcept { return handle_ != Traits::invalid(); }
    constexpr explicit operator bool() const noexcept { return valid(); }

    /// Gives up ownership without closing.
    [[nodiscard]] handle_type release() noexcept { return std::exchange(handle_, Traits::invalid()); }

    /// Closes the current handle (if any) and takes ownership of `handle`.
    void reset(handle_type handle = Traits::invalid()) noexcept {
        const handle_type old = std::exchange(handle_, handle);
        if (old != Traits::invalid()) Traits::close(old);
    }

    /// Closes the current handle and returns the address to pass as a C out-parameter.
    [[nodiscard]] handle_type* put() noexcept {
        reset();
        return &handle_;
    }

    void swap(unique_handle& other) noexcept { std::swap(handle_, other.handle_); }
    friend void swap(unique_handle& a, unique_handle& b) noexcept { a.swap(b); }

private:
    handle_type handle_ = Traits::invalid();
};

/// Close policy of zlhcs_system handles.
struct system_handle_traits {
    using handle_type = zlhcs_system;
    static constexpr handle_type invalid() noexcept { return 0; }
    static void close(handle_type handle) noexcept { (void)zlhcs_system_close(handle); }
};

/// Close policy of zlhcs_operation handles.
struct operation_handle_traits {
    using handle_type = zlhcs_operation;
    static constexpr handle_type invalid() noexcept { return 0; }
    static void close(handle_type handle) noexcept { (void)zlhcs_operation_close(handle); }
};

using unique_system_handle = unique_handle<system_handle_traits>;
using unique_operation_handle = unique_handle<operation_handle_traits>;

}  // namespace zlhcs
