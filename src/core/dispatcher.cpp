#include "dispatcher.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

namespace zlhcs::core {

class dispatcher::impl {
public:
    void post(std::function<void()> task) {
        std::unique_lock lock(mutex_);
        tasks_.push_back(std::move(task));
        if (idle_ > 0) work_.notify_one();
        // idle_ still counts threads woken for earlier tasks that have not taken them yet: only
        // as many queued tasks as idle threads are sure to be served.
        if (tasks_.size() <= idle_) return;
        if (threads_ < base_threads) {
            start_worker(lock);
            return;
        }
        // Every thread is busy: the monitor adds one if they stay busy.
        start_monitor(lock);
        stalled_.notify_one();
    }

    std::size_t threads() const {
        std::lock_guard lock(mutex_);
        return threads_ + (monitor_started_ ? 1 : 0);
    }

private:
    using clock = std::chrono::steady_clock;

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

    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ++idle_;
            // Decided under the lock: a task posted before the timeout is seen here (post()
            // pushes it under the lock), one posted after finds this thread gone and starts
            // another if needed.
            const bool have_work = work_.wait_for(lock, idle_retirement, [this] { return !tasks_.empty(); });
            --idle_;
            if (!have_work) {
                --threads_;
                if (threads_ == 0) stalled_.notify_all();  // the monitor may retire too
                return;
            }
            std::function<void()> task = std::move(tasks_.front());
            tasks_.pop_front();
            last_progress_ = clock::now();
            // Tasks left and no thread free: the monitor watches whether this one blocks.
            if (!tasks_.empty() && idle_ == 0 && monitor_started_) stalled_.notify_one();
            lock.unlock();
            try {
                task();
            } catch (...) {
                // Tasks report their own failures; nothing may end a delivery thread.
            }
            task = nullptr;  // its captures go before the lock is taken again
            lock.lock();
        }
    }

    void monitor() {
        std::unique_lock lock(mutex_);
        for (;;) {
            if (!stalled_.wait_for(lock, idle_retirement, [this] { return (!tasks_.empty() && idle_ == 0) || threads_ == 0; })) {
                continue;
            }
            if (threads_ == 0) {
                // No worker left to watch: retire; post() starts a monitor again when needed.
                monitor_started_ = false;
                return;
            }
            const auto since = last_progress_;
            stalled_.wait_for(lock, stall_threshold);
            // Still nobody free and no task taken since: every thread is blocked.
            if (!tasks_.empty() && idle_ == 0 && last_progress_ == since && threads_ < max_threads) {
                try {
                    start_worker(lock);
                } catch (...) {
                    // Thread creation failed with threads left: they go on serving.
                }
                if (!lock.owns_lock()) lock.lock();
            }
        }
    }

    mutable std::mutex mutex_;
    std::condition_variable work_;
    std::condition_variable stalled_;
    std::deque<std::function<void()>> tasks_;
    std::size_t threads_ = 0;
    std::size_t idle_ = 0;
    bool monitor_started_ = false;
    clock::time_point last_progress_{};
};

dispatcher::dispatcher() : impl_(new impl()) {}

dispatcher& dispatcher::instance() noexcept {
    // Intentionally leaked, with its threads: HCS threads may post while the process exits.
    static auto* instance = new dispatcher();
    return *instance;
}

void dispatcher::post(std::function<void()> task) { impl_->post(std::move(task)); }

std::size_t dispatcher::threads() const noexcept { return impl_->threads(); }

}  // namespace zlhcs::core
