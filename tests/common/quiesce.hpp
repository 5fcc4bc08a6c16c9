// Test timing without the clock. "Nothing more is under way" (quiesce), for tests that check
// that something does NOT happen (no callback after a close, no duplicate event): instead of
// sleeping "long enough", they wait until neither hcsim nor zlhcs has anything left to
// deliver, then look. "That call is blocked now" (await_waiting_calls), for tests of what
// releases a blocked call. And jitter, for race tests that need varied interleavings.
#pragma once

#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <chrono>
#include <cstdint>
#include <thread>

namespace zlhcs_test {

/// Waits until hcsim has no task running or due (HcsimWaitIdle) and zlhcs no delivery task
/// queued or running (zlhcs_debug_counts' queued_tasks), with no hcsim task run between the
/// two looks: a zlhcs callback may start HCS work, and HCS work may queue zlhcs callbacks.
/// Afterwards a callback that has not come will not come unless something new happens (a
/// call, the clock, a latency falling due). `limit` bounds a hang; false if it ran out.
inline bool quiesce(std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    using clock = std::chrono::steady_clock;
    const auto until = clock::now() + limit;
    const auto left_ms = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now()).count();
        return static_cast<std::uint32_t>(left > 0 ? left : 0);
    };
    const hcsim_client& sim = hcsim_client::instance();
    for (;;) {
        std::uint64_t before = 0;
        if (sim.wait_idle(left_ms(), &before) != 0) return false;
        while (debug_counts().queued_tasks != 0) {
            if (clock::now() >= until) return false;
            std::this_thread::yield();
        }
        std::uint64_t after = 0;
        if (sim.wait_idle(left_ms(), &after) != 0) return false;
        if (after == before && debug_counts().queued_tasks == 0) return true;
    }
}

/// Waits until at least `calls` calls are blocked in a zlhcs wait (zlhcs_debug_counts'
/// waiting_calls), so that what a test does next meets a call that is waiting rather than
/// one that has not started yet. False if that did not happen within `limit`.
inline bool await_waiting_calls(std::uint64_t calls, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (debug_counts().waiting_calls < calls) {
        if (std::chrono::steady_clock::now() >= until) return false;
        std::this_thread::yield();
    }
    return true;
}

/// A pause of `steps` thread yields: varies where racing threads meet, without reading the
/// clock (a race test needs different interleavings, not a duration).
inline void jitter(unsigned steps) {
    for (unsigned i = 0; i < steps; ++i) std::this_thread::yield();
}

}  // namespace zlhcs_test
