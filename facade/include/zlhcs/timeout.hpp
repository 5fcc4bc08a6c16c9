// zlhcs C++ facade - timeouts.
//
// Every blocking facade call takes a std::chrono::milliseconds timeout; zlhcs::infinite
// waits forever. Durations coarser than milliseconds (seconds, minutes) convert implicitly.
#pragma once

#include <zlhcs/config.hpp>

#include <chrono>
#include <cstdint>

namespace zlhcs {

/// Wait forever (ZLHCS_INFINITE). Any timeout at least this long also waits forever.
inline constexpr std::chrono::milliseconds infinite{static_cast<std::int64_t>(ZLHCS_INFINITE)};

namespace detail {

/// Converts a timeout to the C ABI's milliseconds: negative -> 0 (poll), >= infinite ->
/// ZLHCS_INFINITE.
constexpr std::uint32_t to_timeout_ms(std::chrono::milliseconds timeout) noexcept {
    if (timeout.count() <= 0) return 0;
    if (timeout >= infinite) return ZLHCS_INFINITE;
    return static_cast<std::uint32_t>(timeout.count());
}

}  // namespace detail
}  // namespace zlhcs
