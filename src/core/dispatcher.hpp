// zlhcs's delivery threads: where subscription callbacks and exit-watch completions run, so
// that no user code ever runs on HCS's event threads (which must never be blocked) and one
// blocked subscriber cannot hold up another.
//
// A small pool (base_threads) starts with the first task. A callback may block for as long as
// it likes: when every thread has been busy for longer than stall_threshold while tasks wait, a
// monitor adds a thread (up to max_threads), so threads grow with the number of callbacks that
// are blocked at once, never with the number of systems or subscriptions. Every thread retires
// after idle_retirement without work (the monitor too, once no worker is left), so a program
// that is done with zlhcs has no zlhcs thread left (zlhcs_debug_counts) and the next task
// starts one again. The dispatcher is never destroyed: HCS threads may post to it while the
// process exits.
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
    /// concurrently on several threads). Throws std::bad_alloc when out of memory; if no
    /// delivery thread can be started at all, throws std::system_error.
    void post(std::function<void()> task);

    /// zlhcs threads alive now: delivery threads and the monitor (zlhcs_debug_counts).
    [[nodiscard]] std::size_t threads() const noexcept;

    class impl;
private:
    dispatcher();
    impl* impl_;
};

}  // namespace zlhcs::core
