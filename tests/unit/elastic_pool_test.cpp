// zlhcs_common's elastic_pool, the pool of zlhcs's delivery threads and of hcsim's deliveries:
// every task runs once, threads start at once up to the base, beyond it only when the queue
// stands still, never beyond the maximum, a throwing task costs nothing, idle threads retire.
// No test sleeps: each waits for the state it expects (bounded by a hang guard, not a timing
// threshold).
#include <zlhcs_common/elastic_pool.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

using zlhcs::common::elastic_pool;
using zlhcs::common::pool_policy;
using namespace std::chrono_literals;

// Hang guard of every wait: a broken pool fails the test instead of hanging the suite.
constexpr auto hang_guard = 60s;

// Pools are immortal (their destructor is deleted); the list keeps them reachable for LSan.
elastic_pool& new_pool(pool_policy policy) {
    static auto* kept = new std::vector<elastic_pool*>();
    static std::mutex kept_mutex;
    auto* pool = new elastic_pool(policy);
    std::lock_guard lock(kept_mutex);
    kept->push_back(pool);
    return *pool;
}

// Tasks that hold their thread until opened, and count how many are inside. Shared with the
// tasks, so that a test that fails early leaves nothing dangling.
class gate : public std::enable_shared_from_this<gate> {
public:
    std::function<void()> blocking_task() {
        return [self = shared_from_this()] {
            std::unique_lock lock(self->mutex_);
            ++self->inside_;
            self->changed_.notify_all();
            self->changed_.wait(lock, [&] { return self->open_; });
            --self->inside_;
            ++self->finished_;
            self->changed_.notify_all();
        };
    }
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    // True once `inside` tasks are blocked in the gate at once.
    bool wait_inside(int inside) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, hang_guard, [&] { return inside_ == inside; });
    }
    bool wait_finished(int finished) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, hang_guard, [&] { return finished_ == finished; });
    }
    int inside() {
        std::lock_guard lock(mutex_);
        return inside_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
    int inside_ = 0;
    int finished_ = 0;
};

// Waits (hang guard) until pred() holds; the pool's counters have no notification.
template <typename Pred>
bool eventually(Pred pred) {
    const auto until = std::chrono::steady_clock::now() + hang_guard;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::yield();
    }
    return true;
}

TEST(ElasticPool, EveryTaskPostedFromManyThreadsRunsOnce) {
    elastic_pool& pool = new_pool({2, 8, 20ms, 250ms});
    constexpr int posters = 8;
    constexpr int per_poster = 500;
    std::vector<std::atomic<int>> runs(posters * per_poster);
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < posters; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < per_poster; ++i) {
                pool.post([&, index = p * per_poster + i] {
                    runs[static_cast<std::size_t>(index)].fetch_add(1);
                    done.fetch_add(1);
                });
            }
        });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(eventually([&] { return done.load() == posters * per_poster; }));
    for (const auto& count : runs) EXPECT_EQ(count.load(), 1);
    EXPECT_TRUE(eventually([&] { return pool.tasks() == 0; }));
}

TEST(ElasticPool, BaseThreadsStartAtOnceAndTheMaximumHoldsTheRest) {
    // base == max: each task that finds no thread free starts one, with no stall to wait for
    // (hcsim's policy); one more than the maximum waits for a thread.
    elastic_pool& pool = new_pool({4, 4, 0ms, 250ms});
    const auto blocked = std::make_shared<gate>();
    for (int i = 0; i < 4; ++i) pool.post(blocked->blocking_task());
    ASSERT_TRUE(blocked->wait_inside(4));
    std::atomic<bool> fifth_ran{false};
    pool.post([&] { fifth_ran = true; });
    EXPECT_EQ(pool.threads(), 4u);  // no monitor: the base is the maximum
    EXPECT_EQ(pool.tasks(), 5u);
    EXPECT_FALSE(fifth_ran.load());
    blocked->open();
    ASSERT_TRUE(blocked->wait_finished(4));
    ASSERT_TRUE(eventually([&] { return fifth_ran.load(); }));
}

TEST(ElasticPool, AStalledQueueAddsAThreadBeyondTheBase) {
    // base 1: the second blocking task can only run on a thread the monitor adds once the queue
    // has stood still for the threshold.
    elastic_pool& pool = new_pool({1, 3, 1ms, 250ms});
    const auto blocked = std::make_shared<gate>();
    pool.post(blocked->blocking_task());
    ASSERT_TRUE(blocked->wait_inside(1));
    pool.post(blocked->blocking_task());
    ASSERT_TRUE(blocked->wait_inside(2));
    pool.post(blocked->blocking_task());
    ASSERT_TRUE(blocked->wait_inside(3));
    // At the maximum: a fourth task waits, however long the queue stands still.
    std::atomic<bool> fourth_ran{false};
    pool.post([&] { fourth_ran = true; });
    EXPECT_EQ(pool.threads(), 4u);  // three workers and the monitor
    EXPECT_EQ(blocked->inside(), 3);
    EXPECT_FALSE(fourth_ran.load());
    blocked->open();
    ASSERT_TRUE(blocked->wait_finished(3));
    ASSERT_TRUE(eventually([&] { return fourth_ran.load(); }));
}

TEST(ElasticPool, ATaskThatThrowsCostsNoThread) {
    elastic_pool& pool = new_pool({1, 1, 0ms, 250ms});
    pool.post([] { throw std::runtime_error("a task's own failure"); });
    std::atomic<bool> next_ran{false};
    pool.post([&] { next_ran = true; });
    ASSERT_TRUE(eventually([&] { return next_ran.load(); }));
    EXPECT_EQ(pool.threads(), 1u);
}

TEST(ElasticPool, IdleThreadsRetireAndTheNextTaskStartsOneAgain) {
    elastic_pool& pool = new_pool({2, 4, 1ms, 1ms});
    const auto blocked = std::make_shared<gate>();
    for (int i = 0; i < 3; ++i) pool.post(blocked->blocking_task());  // the third needs a stall
    ASSERT_TRUE(blocked->wait_inside(3));
    blocked->open();
    ASSERT_TRUE(blocked->wait_finished(3));
    ASSERT_TRUE(eventually([&] { return pool.threads() == 0; }));  // the monitor retired too
    std::atomic<bool> ran{false};
    pool.post([&] { ran = true; });
    ASSERT_TRUE(eventually([&] { return ran.load(); }));
}

}  // namespace
