#include <zlhcs_common/elastic_pool.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace zlhcs::common {

class elastic_pool::impl {
public:
    // A thread never allocates to go idle (it could not report the failure).
    explicit impl(pool_policy policy) : policy_(policy) { idle_.reserve(policy_.max_threads); }

    void post(std::function<void()> task) {
        std::unique_lock lock(mutex_);
        tasks_.push_back(std::move(task));
        if (!idle_.empty()) {
            // The most recently idle thread takes it (last in, first out): while work trickles
            // in, the same few threads serve it and the surplus stays idle long enough to retire.
            // Without this, each trickling task reset the idle time of another thread, and a
            // burst's extra threads lived for as long as the trickle (finding 8).
            idle_slot* slot = idle_.back();
            idle_.pop_back();
            slot->woken = true;
            slot->wake.notify_one();
            return;
        }
        if (threads_ < policy_.base_threads) {
            start_worker(lock);
            return;
        }
        // Every thread is busy: the monitor adds one if the queue stops moving (a pool whose
        // base is its maximum has nothing to add).
        if (threads_ >= policy_.max_threads) return;
        start_monitor(lock);
        stalled_.notify_one();
    }

    std::size_t threads() const {
        std::lock_guard lock(mutex_);
        return threads_ + (monitor_started_ ? 1 : 0);
    }

    std::size_t tasks() const {
        std::lock_guard lock(mutex_);
        return tasks_.size() + running_;
    }

private:
    using clock = std::chrono::steady_clock;

    // A thread waiting for work. post() hands a task to one by taking it off idle_ (woken).
    struct idle_slot {
        std::condition_variable wake;
        bool woken = false;
    };

    // Lock held. Throws std::system_error only if no thread at all could be started.
    void start_worker(std::unique_lock<std::mutex>& lock) {
        ++threads_;
        try {
            std::thread([this] { work(); }).detach();
        } catch (const std::system_error&) {
            --threads_;
            if (threads_ == 0) {
                tasks_.clear();
                lock.unlock();
                throw;
            }
        }
    }

    void start_monitor(std::unique_lock<std::mutex>&) {
        if (monitor_started_) return;
        try {
            std::thread([this] { monitor(); }).detach();
            monitor_started_ = true;
        } catch (const std::system_error&) {
            // No monitor: the threads there are go on serving (a blocked one delays others).
        }
    }

    // Lock held: no thread free while tasks wait (threads woken by post() but not yet running
    // are not free: they are about to take a task, which is progress the monitor sees).
    bool all_busy_with_tasks_waiting() const { return !tasks_.empty() && idle_.empty(); }

    void work() {
        idle_slot slot;
        std::unique_lock lock(mutex_);
        for (;;) {
            if (tasks_.empty()) {
                // Idle: wait on this thread's own slot for a task, at most idle_retirement.
                slot.woken = false;
                idle_.push_back(&slot);
                const auto retire_at = clock::now() + policy_.idle_retirement;
                while (!slot.woken) {
                    if (slot.wake.wait_until(lock, retire_at) == std::cv_status::timeout) break;
                }
                if (!slot.woken) {
                    // Decided under the lock: post() no longer finds this slot, and a task posted
                    // from now on starts another thread if none is left.
                    idle_.erase(std::find(idle_.begin(), idle_.end(), &slot));
                    --threads_;
                    if (threads_ == 0) stalled_.notify_all();  // the monitor may retire too
                    return;
                }
                // Woken for a task that another thread may have taken meanwhile: idle again.
                if (tasks_.empty()) continue;
            }
            std::function<void()> task = std::move(tasks_.front());
            tasks_.pop_front();
            ++tasks_taken_;
            ++running_;
            // Tasks left and no thread free: the monitor watches whether the queue still moves.
            if (all_busy_with_tasks_waiting() && monitor_started_) stalled_.notify_one();
            lock.unlock();
            try {
                task();
            } catch (...) {
                // Tasks report their own failures; nothing may end a delivery thread.
            }
            task = nullptr;  // its captures go before the lock is taken again
            lock.lock();
            --running_;
        }
    }

    // "Blocked" means: tasks waited, no thread was free, and no thread took a task for one
    // whole stall_threshold. Only then is one thread added, and the next one needs another
    // whole interval without progress. A slow callback (ASan, Wine, a loaded machine) does
    // not stop the queue from moving, so a burst of quick tasks adds no thread, however long
    // the queue; the count grows with callbacks that really hold their threads.
    void monitor() {
        std::unique_lock lock(mutex_);
        for (;;) {
            if (!stalled_.wait_for(lock, policy_.idle_retirement,
                                   [this] { return all_busy_with_tasks_waiting() || threads_ == 0; })) {
                continue;
            }
            if (threads_ == 0) {
                // No worker left to watch: retire; post() starts a monitor again when needed.
                monitor_started_ = false;
                return;
            }
            // The whole interval, whatever notifies stalled_ meanwhile: before finding 8 every
            // post() cut this wait short, so a burst of posts added a thread per post while the
            // workers were merely busy.
            const std::uint64_t taken_before = tasks_taken_;
            const auto until = clock::now() + policy_.stall_threshold;
            while (threads_ != 0 && stalled_.wait_until(lock, until) == std::cv_status::no_timeout) {
            }
            if (all_busy_with_tasks_waiting() && tasks_taken_ == taken_before && threads_ != 0 &&
                threads_ < policy_.max_threads) {
                try {
                    start_worker(lock);
                } catch (const std::system_error&) {
                    // Thread creation failed with threads left: they go on serving.
                }
                if (!lock.owns_lock()) lock.lock();
            }
        }
    }

    const pool_policy policy_;
    mutable std::mutex mutex_;
    std::condition_variable stalled_;
    std::deque<std::function<void()>> tasks_;
    std::vector<idle_slot*> idle_;  // idle threads, the most recently idle last
    std::size_t threads_ = 0;
    std::size_t running_ = 0;  // tasks taken and not yet finished (zlhcs_debug_counts)
    bool monitor_started_ = false;
    std::uint64_t tasks_taken_ = 0;  // progress of the queue, watched by the monitor
};

elastic_pool::elastic_pool(pool_policy policy) : impl_(new impl(policy)) {}

void elastic_pool::post(std::function<void()> task) { impl_->post(std::move(task)); }

std::size_t elastic_pool::threads() const noexcept { return impl_->threads(); }

std::size_t elastic_pool::tasks() const noexcept { return impl_->tasks(); }

}  // namespace zlhcs::common
