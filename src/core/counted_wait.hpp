// The one way core blocks a caller on a condition variable: every such wait is counted in
// zlhcs_debug_counts' waiting_calls while (and only while) it blocks, so a test that sees the
// count knows the call it started has reached its wait, without sleeping to make sure.
#pragma once

#include "debug_counts.hpp"

#include <zlhcs/zlhcs.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace zlhcs::core {

/// Waits on `changed` (with `lock` held) until `ready()` or `timeout_ms` has passed:
/// ZLHCS_INFINITE waits for as long as it takes, 0 only looks. Returns ready(). The caller is
/// counted as waiting only if it blocks (ready() was false and the timeout is not 0).
template <typename Ready>
bool counted_wait(std::condition_variable& changed, std::unique_lock<std::mutex>& lock, std::uint32_t timeout_ms,
                  Ready ready) {
    if (ready()) return true;
    if (timeout_ms == 0) return false;
    const waiting_scope waiting;
    if (timeout_ms == ZLHCS_INFINITE) {
        changed.wait(lock, ready);
        return true;
    }
    return changed.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready);
}

}  // namespace zlhcs::core
