// zlhcs's leak counters (zlhcs_debug_counts): what the library holds for its caller.
//
// Handle counts come from the handle tables; the rest are counted where they are made and
// released: callback contexts (context_count), memory handed to the caller (caller_memory),
// the objects behind operations and subscriptions (live_count), delivery threads (the
// dispatcher). The counters are process-wide atomics, never destroyed.
#pragma once

#include <zlhcs/zlhcs.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace zlhcs::core {

/// What a counter counts (one slot each in debug_counters()).
enum class counted : std::size_t { contexts, strings, live_operations, live_subscriptions, waiting_calls, count_ };

/// The counters. Signed: a caller that hands zlhcs_free() memory zlhcs never gave out could
/// take one below zero, which the report shows as it is (clamped to 0 for the C struct).
/// Inline, so that a unit compiled on its own (the benchmark's copy of stdio_pipe.cpp) needs
/// no other file of core; one instance per module all the same.
inline std::atomic<std::int64_t>& debug_counter(counted which) noexcept {
    // Immortal: counted objects may be released by HCS threads while the process exits.
    static auto* counters = new std::array<std::atomic<std::int64_t>, static_cast<std::size_t>(counted::count_)>();
    return (*counters)[static_cast<std::size_t>(which)];
}

inline void count_up(counted which) noexcept { debug_counter(which).fetch_add(1, std::memory_order_relaxed); }
inline void count_down(counted which) noexcept { debug_counter(which).fetch_sub(1, std::memory_order_relaxed); }

/// Counts the instances of the class that holds it as a member (operations, subscriptions).
template <counted Which>
class live_count {
public:
    live_count() noexcept { count_up(Which); }
    live_count(const live_count&) noexcept { count_up(Which); }
    live_count& operator=(const live_count&) noexcept = default;
    ~live_count() { count_down(Which); }
};

/// Counts the calling thread as blocked in a zlhcs wait for its lifetime (waiting_calls). Made
/// just before a thread blocks, once it knows it must: a test that sees the count knows the
/// call it started has reached its wait (or is about to, holding the lock its waker needs).
class waiting_scope {
public:
    waiting_scope() noexcept { count_up(counted::waiting_calls); }
    ~waiting_scope() { count_down(counted::waiting_calls); }
    waiting_scope(const waiting_scope&) = delete;
    waiting_scope& operator=(const waiting_scope&) = delete;
};

/// zlhcs_debug_counts.
zlhcs_hresult fill_debug_counts(zlhcs_debug_counts_info& out, std::uint32_t size) noexcept;

}  // namespace zlhcs::core
