// Where queued tasks run: one scheduler thread and a pool.
//
// The scheduler takes the tasks in due-time order (tasks due at the same time in FIFO order)
// and makes each one's state change with the lock held, one task at a time, so operations take
// effect in the order they were due, and at equal latency in the order they were started. It
// never runs user code: what a task leaves to deliver (events, then the completion callback)
// goes to hcsim's elastic_pool (zlhcs_common), which starts a thread whenever none is free, up
// to max_delivery_threads, so a user callback that blocks on another operation never starves
// the others. Real HCS completes operations and raises events on its own thread pool; how many
// threads it uses is not documented (assumption: as many as callbacks block at once).
#include <zlhcs_common/elastic_pool.hpp>

#include <gsl/gsl>

#include <system_error>
#include <thread>

#include "objects.h"
#include "worker.h"
#include "operations.h"

#if defined(_WIN32)
#include <windows.h>
#endif

namespace hcsim {
namespace {

constexpr std::size_t max_delivery_threads = 64;

void pin_module() {
#if defined(_WIN32)
    // The scheduler and the pool run code of this DLL: never let FreeLibrary unload it under them.
    HMODULE self = nullptr;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       reinterpret_cast<LPCWSTR>(&pin_module), &self);
#endif
}

zlhcs::common::elastic_pool& delivery_pool() {
    // Every thread is started at once when none is free (base = max): a callback blocked on an
    // operation whose delivery is queued behind it must not wait for a stall to be noticed.
    // Immortal, like the state: callbacks may be running while the process exits.
    static auto* pool = new zlhcs::common::elastic_pool(
        {max_delivery_threads, max_delivery_threads, std::chrono::milliseconds(0), std::chrono::seconds(1)});
    return *pool;
}

void finish_task_locked(State& s) {
    --s.running_tasks;
    ++s.tasks_run;
    s.changed.notify_all();
}

void deliver_on_pool_thread(const Delivery& delivery) {
    State& s = state();
    std::unique_lock lock(s.mutex);
    const auto finish = gsl::finally([&s] { finish_task_locked(s); });  // lock held
    deliver_locked(s, lock, delivery);
}

void scheduler_main() {
    State& s = state();
    std::unique_lock lock(s.mutex);
    for (;;) {
        if (s.queue.empty()) {
            s.work_cv.wait(lock);
            continue;
        }
        const auto first = s.queue.begin();
        const Clock::Reading clock = sim_clock().read();
        if (first->first > clock.now) {
            if (clock.manual) {
                s.work_cv.wait(lock);  // advancing the clock notifies work_cv
            } else {
                s.work_cv.wait_for(lock, first->first - clock.now);
            }
            continue;
        }
        const std::shared_ptr<Task> task = first->second;
        s.queue.erase(first);
        task->queued = false;
        ++s.running_tasks;  // until its delivery has run: HcsimWaitIdle waits for it
        auto delivery = std::make_shared<const Delivery>(complete_task_locked(s, task));
        if (delivery->drain.empty() && !delivery->completed) {
            finish_task_locked(s);
            continue;
        }
        try {
            delivery_pool().post([delivery] { deliver_on_pool_thread(*delivery); });
        } catch (...) {
            // No delivery thread at all (or no memory for the job): deliver here, late rather
            // than never.
            deliver_locked(s, lock, *delivery);
            finish_task_locked(s);
        }
    }
}

// Lock held. The scheduler starts with the first task and never ends (its waits cost nothing).
void ensure_scheduler_locked(State& s) {
    if (s.scheduler_started) return;
    pin_module();
    try {
        std::thread(scheduler_main).detach();
        s.scheduler_started = true;
    } catch (const std::system_error&) {
        // No thread now: the next task scheduled tries again.
    }
}

}  // namespace

void schedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due) {
    Expects(!task->queued);
    task->where = s.queue.emplace(due, task);
    task->queued = true;
    // Only the scheduler waits on work_cv (for work, or until the front task is due).
    s.work_cv.notify_one();
    ensure_scheduler_locked(s);
}

void reschedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due) {
    if (task->queued) {
        s.queue.erase(task->where);
        task->queued = false;
    }
    schedule_locked(s, task, due);
}

}  // namespace hcsim
