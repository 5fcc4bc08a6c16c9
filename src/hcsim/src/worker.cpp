// The completion workers: a pool of detached threads that grows on demand (up to
// max_workers) so that a user callback blocking on another operation never starves the
// queue. Tasks run in due-time order; tasks due at the same time run in FIFO order, and the
// state change of a task is made with the lock held, so operations on one system take effect
// in the order they were started (at equal latency).
#include <gsl/gsl>

#include "objects.h"
#include "worker.h"
#include "operations.h"

#if defined(_WIN32)
#include <windows.h>
#endif

namespace hcsim {
namespace {

constexpr uint32_t max_workers = 64;

void worker_main();

void pin_module() {
#if defined(_WIN32)
    // Worker threads run code of this DLL: never let FreeLibrary unload it under them.
    HMODULE self = nullptr;
    GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                       reinterpret_cast<LPCWSTR>(&pin_module), &self);
#endif
}

void spawn_locked(State& s) {
    if (s.workers == 0) pin_module();
    try {
        std::thread(worker_main).detach();
        ++s.workers;
    } catch (const std::system_error&) {
        // No thread now: the existing workers (if any) will get to the task.
    }
}

// A task is ready to run but no worker is free to take it: add one.
void ensure_worker_locked(State& s) {
    if (!s.queue.empty() && s.idle_workers == 0 && s.workers < max_workers) spawn_locked(s);
}

void worker_main() {
    State& s = state();
    std::unique_lock lock(s.mutex);
    for (;;) {
        if (s.queue.empty()) {
            ++s.idle_workers;
            s.work_cv.wait(lock);
            --s.idle_workers;
            continue;
        }
        const auto first = s.queue.begin();
        const Clock::Reading clock = sim_clock().read();
        if (first->first > clock.now) {
            ++s.idle_workers;
            if (clock.manual) {
                s.work_cv.wait(lock);  // advancing the clock notifies work_cv
            } else {
                s.work_cv.wait_for(lock, first->first - clock.now);
            }
            --s.idle_workers;
            continue;
        }
        std::shared_ptr<Task> task = first->second;
        s.queue.erase(first);
        task->queued = false;
        ++s.running_tasks;
        // Others may be due as well while this one runs user code.
        ensure_worker_locked(s);
        run_task(s, lock, task);
        --s.running_tasks;
        ++s.tasks_run;
        s.changed.notify_all();
    }
}

}  // namespace

void schedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due) {
    Expects(!task->queued);
    task->where = s.queue.emplace(due, task);
    task->queued = true;
    // One task: one worker. Every idle worker waits on work_cv (for work, or until the front
    // task is due), and whichever wakes re-reads the front of the queue, so waking one is
    // enough; waking all of them for every task made a grown pool (64 workers after a burst of
    // blocking callbacks) cost 64 wake-ups per operation, which under Wine halved the speed of
    // every later test.
    s.work_cv.notify_one();
    if (s.idle_workers == 0 && s.workers < max_workers) spawn_locked(s);
}

void reschedule_locked(State& s, const std::shared_ptr<Task>& task, steady::time_point due) {
    if (task->queued) {
        s.queue.erase(task->where);
        task->queued = false;
    }
    schedule_locked(s, task, due);
}

}  // namespace hcsim
