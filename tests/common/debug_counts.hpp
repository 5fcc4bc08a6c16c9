// zlhcs's leak counters (zlhcs_debug_counts) for tests: every suite ends with them at zero
// (tests/common/suite_end_checks.cpp, counts_at_end.cpp), and the conformance fixture checks
// the handle, context, string and object counts after every test.
#pragma once

#include <zlhcs/zlhcs.h>

#include <chrono>
#include <string>
#include <thread>

namespace zlhcs_test {

inline zlhcs_debug_counts_info debug_counts() {
    zlhcs_debug_counts_info counts{};
    counts.struct_size = sizeof counts;
    if (zlhcs_debug_counts(&counts) != ZLHCS_S_OK) counts.struct_size = 0;
    return counts;
}

/// "systems 1, strings 2" for the counters that are not zero ("" when all are).
inline std::string nonzero_counts(const zlhcs_debug_counts_info& c, bool with_threads) {
    if (c.struct_size == 0) return "zlhcs_debug_counts failed";
    std::string text;
    const auto add = [&text](const char* name, uint64_t value) {
        if (value == 0) return;
        if (!text.empty()) text += ", ";
        text += std::string(name) + " " + std::to_string(value);
    };
    add("system handles", c.systems);
    add("process handles", c.processes);
    add("operation handles", c.operations);
    add("subscription handles", c.subscriptions);
    add("unreleased callback contexts", c.contexts);
    add("unfreed strings", c.strings);
    add("live subscriptions", c.live_subscriptions);
    add("live operations", c.live_operations);
    add("calls waiting", c.waiting_calls);
    add("queued delivery tasks", c.queued_tasks);
    if (with_threads) add("delivery threads", c.delivery_threads);
    return text;
}

/// Waits, up to `limit` (a bound against hanging: contexts are released and idle delivery
/// threads retire on zlhcs's threads, a moment after the last close), for every counter to be 0.
/// Returns "" if they all were, else what was left.
inline std::string wait_for_zero_counts(bool with_threads,
                                        std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        const std::string left = nonzero_counts(debug_counts(), with_threads);
        if (left.empty() || std::chrono::steady_clock::now() >= until) return left;
        std::this_thread::yield();  // polls the counters until `limit`, no fixed pause
    }
}

}  // namespace zlhcs_test
