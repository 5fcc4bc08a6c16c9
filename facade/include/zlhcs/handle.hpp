// zlhcs C++ facade - move-only RAII for zlhcs handles and OS handles (in the spirit of WIL's
// unique_any).
//
// unique_handle<Traits> owns one handle and closes it with Traits::close() when it dies or
// is reset. Traits supplies: `handle_type`, `static constexpr handle_type invalid() noexcept`
// and `static void close(handle_type) noexcept`. Closing never throws: zlhcs validates every
// handle, so closing a stale one is harmless.
//
// unique_os_handle owns an OS handle that zlhcs handed over (process::detach_stdio()): a HANDLE
// on Windows, closed with CloseHandle; a file descriptor elsewhere, closed with close().
// release() gives it up. Closing an OS handle is not validated by zlhcs: own each one once.
//
// Thread safety: like std::unique_ptr, one object is not to be mutated concurrently; the
// handle it holds may be used by zlhcs calls on any thread.
#pragma once

#include <zlhcs/config.hpp>

#include <cstdint>
#include <utility>

#if !defined(_WIN32)
#include <unistd.h>
#endif

#if defined(_WIN32)
// The one Win32 function the facade calls, declared as <windows.h> declares it (so both may be
// included), without pulling <windows.h> into every user of the facade.
extern "C" __declspec(dllimport) int __stdcall CloseHandle(void* handle);
#endif

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

/// An OS handle: a HANDLE on Windows, a file descriptor elsewhere.
#if defined(_WIN32)
using native_os_handle = void*;
#else
using native_os_handle = int;
#endif

/// Close policy of OS handles: CloseHandle on Windows (nullptr and INVALID_HANDLE_VALUE are
/// no handle), close() elsewhere (-1 is no handle).
struct os_handle_traits {
    using handle_type = native_os_handle;
#if defined(_WIN32)
    static constexpr handle_type invalid() noexcept { return nullptr; }
    static void close(handle_type handle) noexcept {
        if (handle != reinterpret_cast<handle_type>(~static_cast<std::uintptr_t>(0))) (void)::CloseHandle(handle);
    }
#else
    static constexpr handle_type invalid() noexcept { return -1; }
    static void close(handle_type handle) noexcept { (void)::close(handle); }
#endif
};

using unique_system_handle = unique_handle<system_handle_traits>;
using unique_operation_handle = unique_handle<operation_handle_traits>;
/// Owns an OS handle (see the top of this file). Move-only; get(), release(), reset().
using unique_os_handle = unique_handle<os_handle_traits>;

}  // namespace zlhcs
