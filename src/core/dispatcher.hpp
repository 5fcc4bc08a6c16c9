// zlhcs's delivery threads: where subscription callbacks and exit-watch completions run, so
// that no user code ever runs on HCS's event threads (which must never be blocked) and one
// blocked subscriber cannot hold up another.
//
// A small pool (base_threads) starts with the first task. A callback may block for as long as
// it likes: when, with tasks waiting and no thread free, no thread has taken a task for a whole
// stall_threshold, a monitor adds one thread (up to max_threads), and the next one only after
// another whole interval without progress. So threads grow with the number of callbacks that
// are blocked at once, never with the length of the queue, the number of systems or
// subscriptions, or the slowness of callbacks that return. The most recently idle thread is
// handed the next task, and every thread retires after idle_retirement without work (the
// monitor too, once no worker is left), so surplus threads retire even while work trickles in,
// a program that is done with zlhcs has no zlhcs thread left (zlhcs_debug_counts), and the next
// task starts one again. The dispatcher is never destroyed: HCS threads may post to it while
// the process exits. (docs/events.md, "Threads".)
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace zlhcs::core {

class dispatcher {
public:
    static constexpr std::size_t base_threads = 2;
    static constexpr std::size_t max_threads = 256;
    static constexpr std::chrono::milliseconds stall_threshold{20};
    static constexpr std::chrono::milliseconds idle_retirement{250};

    /// The process-wide dispatcher (immortal).
    static dispatcher& instance() noexcept;

    /// Queues `task` to run on a delivery thread, in FIFO order with other tasks (tasks run
    /// concurrently on several threads). Throws std::bad_alloc when out of memory (fatal in its
    /// callers, which are noexcept); if no delivery thread can be started at all, throws
    /// std::system_error (the callers then run the task on their own thread).
    void post(std::function<void()> task);

    /// zlhcs threads alive now: delivery threads and the monitor (zlhcs_debug_counts).
    [[nodiscard]] std::size_t threads() const noexcept;

    /// Tasks queued or running now (zlhcs_debug_counts' queued_tasks).
    [[nodiscard]] std::size_t tasks() const noexcept;

    class impl;
private:
    dispatcher();
    impl* impl_;
};

}  // namespace zlhcs::core
