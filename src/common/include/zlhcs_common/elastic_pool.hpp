// The one thread pool of the zlhcs DLL and of hcsim (each links its own copy of this code and
// has its own instances): threads that start on demand, grow with the tasks that block, and
// retire when idle.
//
// Policy, in one place for both users:
//   - A task queued while no thread is free starts one, up to `base_threads`.
//   - Beyond that, a thread is added only when the queue stops moving: tasks waited, no thread
//     was free, and no thread took a task for one whole `stall_threshold`; the next one needs
//     another whole interval without progress (up to `max_threads`). So threads grow with the
//     number of tasks that are blocked at once, never with the length of the queue or the
//     slowness of tasks that return.
//   - The most recently idle thread takes the next task (last in, first out), so while work
//     trickles in the same few threads serve it and the surplus retires.
//   - Every thread retires after `idle_retirement` without work (the stall monitor too, once no
//     worker is left); the next task starts one again.
//
// Tasks run in FIFO order of start, concurrently on several threads: a user that needs an
// order between tasks makes it itself (hcsim orders its state changes on its scheduler thread
// and hands only callback delivery to its pool).
//
// Lifetime: the threads are detached and use the pool; a pool must outlive them, so every
// instance is immortal (intentionally leaked: callbacks may post while the process exits).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

namespace zlhcs::common {

struct pool_policy {
    std::size_t base_threads;                   // started at once when no thread is free
    std::size_t max_threads;                    // the most threads, stall-added ones included
    std::chrono::milliseconds stall_threshold;  // no progress for this long adds a thread
    std::chrono::milliseconds idle_retirement;  // an idle thread exits after this long
};

class elastic_pool {
public:
    /// A pool with no thread yet. Never destroy it (see the top of this file): create it with
    /// `new` and keep the pointer for the life of the process.
    explicit elastic_pool(pool_policy policy);
    elastic_pool(const elastic_pool&) = delete;
    elastic_pool& operator=(const elastic_pool&) = delete;
    ~elastic_pool() = delete;

    /// Queues `task` to run on a pool thread. A task's exception is swallowed (tasks report
    /// their own failures). Throws std::bad_alloc when out of memory; if no thread runs and
    /// none can be started, throws std::system_error and `task` is not queued (the caller then
    /// runs it on its own thread). Thread-safe; never runs `task` on the calling thread.
    void post(std::function<void()> task);

    /// Threads alive now: workers and the stall monitor.
    [[nodiscard]] std::size_t threads() const noexcept;

    /// Tasks queued or running now.
    [[nodiscard]] std::size_t tasks() const noexcept;

    class impl;
private:
    impl* impl_;
};

}  // namespace zlhcs::common
