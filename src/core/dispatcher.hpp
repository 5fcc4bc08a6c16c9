// zlhcs's delivery threads: where subscription callbacks and exit-watch completions run, so
// that no user code ever runs on HCS's event threads (which must never be blocked) and one
// blocked subscriber cannot hold up another.
//
// The pool is zlhcs_common's elastic_pool (its policy is described there), with a small base:
// two threads start with the first task, and a callback that blocks adds one more only after
// the queue has stood still for a whole stall_threshold. So threads grow with the number of
// callbacks that are blocked at once, never with the number of systems or subscriptions, and a
// program that is done with zlhcs has no zlhcs thread left after idle_retirement
// (zlhcs_debug_counts). The pool is never destroyed: HCS threads may post to it while the
// process exits. (docs/events.md, "Threads".)
//
// post() queues a task in FIFO order with the others (they run concurrently on several
// threads). It throws std::bad_alloc when out of memory (fatal in its callers, which are
// noexcept); if no delivery thread can be started at all, std::system_error (the callers then
// run the task on their own thread).
#pragma once

#include <zlhcs_common/elastic_pool.hpp>

#include <chrono>
#include <cstddef>

namespace zlhcs::core {

class dispatcher {
public:
    static constexpr std::size_t base_threads = 2;
    static constexpr std::size_t max_threads = 256;
    static constexpr std::chrono::milliseconds stall_threshold{20};
    static constexpr std::chrono::milliseconds idle_retirement{250};

    /// The process-wide delivery pool (immortal). threads() is zlhcs_debug_counts'
    /// delivery_threads, tasks() its queued_tasks.
    static common::elastic_pool& instance() noexcept;

    dispatcher() = delete;
};

}  // namespace zlhcs::core
