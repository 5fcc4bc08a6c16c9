// Where and whether an awaiting coroutine resumes (issue 7, points 15, 17, 18):
//   - a coroutine destroyed while suspended in co_await is never resumed (its awaiter
//     deregisters; the completion resumes only a still-registered coroutine) - run under ASan;
//   - by default the code after co_await runs on a facade thread, neither inside the HCS
//     completion callback nor on a thread blocked in it; resume_on(executor) and
//     resume_inline() choose otherwise;
//   - async_result::close() abandons: waiters fail with errc::cancelled, the late completion
//     changes nothing.
#include "facade_test_support.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#if ZLHCS_HAS_COROUTINES
#include <coroutine>
#endif

namespace {

using namespace facade_test;

constexpr std::uint32_t kLatencyMs = 300;

std::uint32_t live_operations() { return sim().live_objects().operations; }

// An executor whose jobs wait in a queue until the test runs them (on the test's thread).
class queue_executor {
public:
    void post(std::function<void()> job) {
        const std::lock_guard<std::mutex> lock(state_->mutex);
        state_->jobs.push_back(std::move(job));
    }
    std::size_t size() const {
        const std::lock_guard<std::mutex> lock(state_->mutex);
        return state_->jobs.size();
    }
    // Runs the jobs queued so far; returns how many.
    std::size_t run() {
        std::deque<std::function<void()>> jobs;
        {
            const std::lock_guard<std::mutex> lock(state_->mutex);
            jobs.swap(state_->jobs);
        }
        for (auto& job : jobs) job();
        return jobs.size();
    }
    bool wait_for_jobs(std::size_t count) const {
        return eventually([&] { return size() >= count; });
    }

private:
    struct shared {
        std::mutex mutex;
        std::deque<std::function<void()>> jobs;
    };
    std::shared_ptr<shared> state_ = std::make_shared<shared>();
};

// An executor that refuses every job.
struct refusing_executor {
    void post(const std::function<void()>&) const { throw std::runtime_error("this executor is shut down"); }
};

TEST(FacadeExecutor, WrapsAnythingWithPost) {
    queue_executor queue;
    const zlhcs::executor wrapped = queue;  // copies share the queue
    ASSERT_TRUE(wrapped);
    int ran = 0;
    wrapped.post([&] { ++ran; });
    EXPECT_EQ(queue.size(), 1u);
    EXPECT_EQ(ran, 0);
    EXPECT_EQ(queue.run(), 1u);
    EXPECT_EQ(ran, 1);

    const zlhcs::executor empty;
    EXPECT_FALSE(empty);
    EXPECT_THROW(empty.post([] {}), std::logic_error);
    EXPECT_THROW(zlhcs::executor(refusing_executor{}).post([] {}), std::runtime_error);

    // The inline executor runs at once, on the posting thread.
    std::thread::id ran_on;
    zlhcs::inline_executor().post([&] { ran_on = std::this_thread::get_id(); });
    EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(FacadeExecutor, DefaultExecutorRunsJobsOnFacadeThreads) {
    // The promises are shared with the jobs: a job may still be inside set_value() when the
    // test goes on.
    auto ran = std::make_shared<std::promise<std::thread::id>>();
    std::future<std::thread::id> ran_on = ran->get_future();
    zlhcs::default_executor().post([ran] { ran->set_value(std::this_thread::get_id()); });
    ASSERT_EQ(ran_on.wait_for(kTimeout), std::future_status::ready);
    EXPECT_NE(ran_on.get(), std::this_thread::get_id());

    // A blocked job does not hold up the next one: the pool grows.
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    auto second = std::make_shared<std::promise<void>>();
    std::future<void> second_ran = second->get_future();
    zlhcs::default_executor().post([released] { released.wait(); });
    zlhcs::default_executor().post([second] { second->set_value(); });
    EXPECT_EQ(second_ran.wait_for(kTimeout), std::future_status::ready);
    release.set_value();
}

// ---- async_result::close() ------------------------------------------------------------------

TEST(FacadeClose, AbandonsTheOperationAndFailsWaitersWithCancelled) {
    const std::uint32_t baseline = live_operations();
    const zlhcs::compute_system system = make_container();
    {
        const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
        zlhcs::async_result result = system.start_async();
        std::future<std::string> future = result.get_future();
        std::future<std::optional<zlhcs::error>> waiter = std::async(std::launch::async, [&result] {
            try {
                (void)result.wait(kTimeout);
            } catch (const zlhcs::error& e) {
                return std::optional<zlhcs::error>(e);
            }
            return std::optional<zlhcs::error>();
        });
        EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);  // blocked in wait()
        ASSERT_FALSE(result.ready());

        result.close();

        EXPECT_TRUE(result.ready());
        EXPECT_EQ(result.native_handle(), 0u);
        ASSERT_EQ(waiter.wait_for(kTimeout), std::future_status::ready);
        const std::optional<zlhcs::error> waited = waiter.get();
        ASSERT_TRUE(waited.has_value());
        EXPECT_EQ(waited->code(), zlhcs::errc::cancelled) << waited->what();
        EXPECT_EQ(waited->code(), std::errc::operation_canceled);
        EXPECT_EQ(waited->hresult(), ZLHCS_WIN32_E_CANCELLED);
        EXPECT_EQ(waited->call(), "zlhcs_system_start_async");
        ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
        (void)expect_error([&] { (void)future.get(); }, zlhcs::errc::cancelled);
        (void)expect_error([&] { (void)result.try_result(); }, zlhcs::errc::cancelled);
        EXPECT_FALSE(result.cancel());  // nothing left to cancel
        result.close();                 // idempotent

        // HCS goes on with the work; its late completion changes nothing here.
        EXPECT_TRUE(eventually([&] { return state_of(system) == "Running"; }));
        ASSERT_TRUE(zlhcs_test::quiesce());  // the late completion has come and gone
        (void)expect_error([&] { (void)result.wait(0ms); }, zlhcs::errc::cancelled);
    }
    EXPECT_TRUE(system.terminate(kTimeout));
    // The state and the operation are freed (no reference cycle through the callback).
    EXPECT_TRUE(eventually([&] { return live_operations() <= baseline; }))
        << live_operations() << " operations live, " << baseline << " before";
}

TEST(FacadeClose, AfterCompletionKeepsTheOutcome) {
    const zlhcs::compute_system system = make_container();
    zlhcs::async_result result = system.properties_async();
    const std::string document = result.wait(kTimeout);
    result.close();
    EXPECT_TRUE(result.ready());
    EXPECT_EQ(result.wait(0ms), document);
    std::future<std::string> future = result.get_future();
    EXPECT_EQ(future.get(), document);

    zlhcs::async_result empty;
    empty.close();  // no effect
    EXPECT_FALSE(empty);
}

#if ZLHCS_HAS_COROUTINES

// A task that owns its coroutine frame: it runs eagerly, stays suspended at its end, and its
// destructor destroys the frame - also while the coroutine is suspended in a co_await.
class owned_task {
public:
    struct promise_type;

    // Suspends at the end and then says so (another thread may then destroy the frame).
    struct final_awaiter {
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<promise_type> handle) const noexcept {
            handle.promise().finished.store(true, std::memory_order_release);
        }
        void await_resume() const noexcept {}
    };

    struct promise_type {
        owned_task get_return_object() noexcept {
            return owned_task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_never initial_suspend() noexcept { return {}; }
        final_awaiter final_suspend() noexcept { return {}; }
        void return_void() noexcept {}
        void unhandled_exception() noexcept { failure = std::current_exception(); }
        std::exception_ptr failure;
        std::atomic<bool> finished{false};
    };

    owned_task(owned_task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    owned_task& operator=(owned_task&&) = delete;
    owned_task(const owned_task&) = delete;
    ~owned_task() {
        if (handle_) handle_.destroy();
    }

    /// true once the coroutine has suspended at its end (on whichever thread it ran).
    [[nodiscard]] bool done() const { return handle_.promise().finished.load(std::memory_order_acquire); }
    /// Waits (bounded) until done(): before destroying a task whose coroutine another thread runs.
    [[nodiscard]] bool wait_done() const { return eventually([this] { return done(); }); }
    void rethrow() const {
        if (handle_.promise().failure) std::rethrow_exception(handle_.promise().failure);
    }

private:
    explicit owned_task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    std::coroutine_handle<promise_type> handle_;
};

// Lives in the coroutine frame: counts its destruction.
struct frame_sentinel {
    explicit frame_sentinel(std::atomic<int>* counter) noexcept : destroyed(counter) {}
    std::atomic<int>* destroyed;
    frame_sentinel(const frame_sentinel&) = delete;
    frame_sentinel& operator=(const frame_sentinel&) = delete;
    ~frame_sentinel() { destroyed->fetch_add(1); }
};

struct observed {
    std::atomic<bool> resumed{false};
    std::atomic<int> frames_destroyed{0};
    std::string document;
};

owned_task await_default(const zlhcs::async_result& result, observed& seen) {
    const frame_sentinel sentinel(&seen.frames_destroyed);
    seen.document = co_await result;
    seen.resumed = true;
}

owned_task await_on(zlhcs::awaitable_result awaitable, observed& seen) {
    const frame_sentinel sentinel(&seen.frames_destroyed);
    seen.document = co_await awaitable;
    seen.resumed = true;
}

// Point 15: the frame is destroyed while suspended, then the operation completes. Without the
// deregistration the completion would resume the freed frame (ASan: heap-use-after-free).
TEST(FacadeCoroutineLifetime, DestroyedWhileSuspendedThenCompletedIsNeverResumed) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    zlhcs::async_result result = system.properties_async();
    std::future<std::string> completed = result.get_future();
    observed seen;
    {
        owned_task task = await_default(result, seen);
        ASSERT_FALSE(task.done());  // suspended in co_await
        EXPECT_FALSE(result.ready());
    }  // destroys the suspended frame
    EXPECT_EQ(seen.frames_destroyed.load(), 1);
    ASSERT_EQ(completed.wait_for(kTimeout), std::future_status::ready);  // the completion ran
    EXPECT_EQ(string_member(parse(completed.get()), "State"), "Created");
    // A resumption would be queued on the default executor right after the future: give it
    // ample time to (wrongly) happen. Real time on purpose: it would run on the facade's own
    // pool, which zlhcs_test::quiesce() does not see.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(seen.resumed.load());
    EXPECT_EQ(seen.frames_destroyed.load(), 1);

    // The result stays usable, and another coroutine may await it now.
    observed again;
    {
        owned_task task = await_default(result, again);
        EXPECT_TRUE(task.done());  // complete: no suspension
        task.rethrow();
    }
    EXPECT_TRUE(again.resumed.load());
    EXPECT_EQ(string_member(parse(again.document), "State"), "Created");
}

// Point 15, the other order: the completion has handed the resumption to the executor, and the
// frame is destroyed before the executor runs the job. The job must resume nothing.
TEST(FacadeCoroutineLifetime, DestroyedAfterTheCompletionQueuedItsResumptionIsNotResumed) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    queue_executor queue;
    zlhcs::async_result result = system.properties_async();
    std::future<std::string> completed = result.get_future();
    observed seen;
    {
        owned_task task = await_on(result.resume_on(queue), seen);
        ASSERT_FALSE(task.done());
        ASSERT_EQ(completed.wait_for(kTimeout), std::future_status::ready);
        ASSERT_TRUE(queue.wait_for_jobs(1));  // the completion queued the resumption...
        EXPECT_FALSE(seen.resumed.load());    // ...which has not run
    }  // destroys the frame before the job runs
    EXPECT_EQ(seen.frames_destroyed.load(), 1);
    EXPECT_EQ(queue.run(), 1u);  // the job finds no coroutine to resume
    EXPECT_FALSE(seen.resumed.load());
    EXPECT_EQ(seen.frames_destroyed.load(), 1);
}

// The normal path through an executor of one's own: the job resumes the coroutine on the
// thread that runs it.
TEST(FacadeCoroutineLifetime, ResumeOnAnExecutorResumesWhereItRunsTheJob) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    queue_executor queue;
    observed seen;
    owned_task task = await_on(system.properties_async().resume_on(queue), seen);
    ASSERT_FALSE(task.done());
    ASSERT_TRUE(queue.wait_for_jobs(1));
    EXPECT_FALSE(seen.resumed.load());
    EXPECT_EQ(queue.run(), 1u);  // resumes here, on the test's thread
    EXPECT_TRUE(task.done());
    task.rethrow();
    EXPECT_TRUE(seen.resumed.load());
    EXPECT_EQ(string_member(parse(seen.document), "State"), "Created");
    EXPECT_EQ(seen.frames_destroyed.load(), 1);  // the body's locals died at its end
}

// Point 18: close() resumes an awaiting coroutine with errc::cancelled.
owned_task await_expecting_failure(const zlhcs::async_result& result, std::promise<zlhcs::errc> done) {
    try {
        (void)co_await result;
        done.set_value(zlhcs::errc{});
    } catch (const zlhcs::error& e) {
        done.set_value(e.condition());
    }
}

TEST(FacadeCoroutineLifetime, CloseResumesTheAwaiterWithCancelled) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    zlhcs::async_result result = system.properties_async();
    std::promise<zlhcs::errc> promise;
    std::future<zlhcs::errc> outcome = promise.get_future();
    owned_task task = await_expecting_failure(result, std::move(promise));
    ASSERT_FALSE(task.done());
    result.close();
    ASSERT_EQ(outcome.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(outcome.get(), zlhcs::errc::cancelled);
    EXPECT_TRUE(task.wait_done());
}

// Point 17: where the code after co_await runs.
struct resumption {
    std::thread::id thread;
    bool in_completion_callback = true;
    bool hcs_callbacks_returned = false;  // no HCS completion was running or queued meanwhile
};

// After resuming, waits (bounded) until hcsim has no completion running or queued: if this
// code ran inside the completion callback, or on a thread the callback waits for, that would
// never happen.
owned_task record_resumption(zlhcs::awaitable_result awaitable, std::promise<resumption> done,
                             std::chrono::milliseconds bound = std::chrono::seconds(3)) {
    resumption seen;
    try {
        (void)co_await awaitable;
        seen.thread = std::this_thread::get_id();
        seen.in_completion_callback = zlhcs::in_completion_callback();
        seen.hcs_callbacks_returned =
            eventually([] { return sim().live_objects().pending_completions == 0; }, bound);
        done.set_value(seen);
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

owned_task record_default_resumption(const zlhcs::async_result& result, std::promise<resumption> done) {
    resumption seen;
    try {
        (void)co_await result;
        seen.thread = std::this_thread::get_id();
        seen.in_completion_callback = zlhcs::in_completion_callback();
        seen.hcs_callbacks_returned =
            eventually([] { return sim().live_objects().pending_completions == 0; }, std::chrono::seconds(3));
        done.set_value(seen);
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeCoroutineResume, ByDefaultNeitherInsideTheCallbackNorOnAThreadBlockedInIt) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    ASSERT_TRUE(eventually([] { return sim().live_objects().pending_completions == 0; }));
    zlhcs::async_result result = system.properties_async();
    std::promise<resumption> promise;
    std::future<resumption> future = promise.get_future();
    owned_task task = record_default_resumption(result, std::move(promise));
    ASSERT_FALSE(task.done());  // suspended: the completion resumes it
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const resumption seen = future.get();
    EXPECT_NE(seen.thread, std::this_thread::get_id());
    EXPECT_FALSE(seen.in_completion_callback);
    EXPECT_TRUE(seen.hcs_callbacks_returned) << "the resumed code ran while HCS's completion was still running";
    EXPECT_TRUE(task.wait_done());
}

// The opt-in: resume_inline() runs the code inside the completion callback - which the checks
// above detect (so they can fail).
TEST(FacadeCoroutineResume, ResumeInlineRunsInsideTheCallback) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    ASSERT_TRUE(eventually([] { return sim().live_objects().pending_completions == 0; }));
    std::promise<resumption> promise;
    std::future<resumption> future = promise.get_future();
    // Blocks HCS's callback for the bound (500 ms): the pending completion cannot go away meanwhile.
    owned_task task = record_resumption(system.properties_async().resume_inline(), std::move(promise),
                                        std::chrono::milliseconds(500));
    ASSERT_FALSE(task.done());
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const resumption seen = future.get();
    EXPECT_NE(seen.thread, std::this_thread::get_id());
    EXPECT_TRUE(seen.in_completion_callback);
    EXPECT_FALSE(seen.hcs_callbacks_returned);
    EXPECT_TRUE(task.wait_done());
}

// An executor that refuses the job: the default executor resumes the coroutine instead (never
// the HCS callback, never a lost coroutine).
TEST(FacadeCoroutineResume, RefusedByItsExecutorItResumesOnTheDefaultOne) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsGetComputeSystemProperties", kLatencyMs);
    ASSERT_TRUE(eventually([] { return sim().live_objects().pending_completions == 0; }));
    std::promise<resumption> promise;
    std::future<resumption> future = promise.get_future();
    owned_task task = record_resumption(system.properties_async().resume_on(refusing_executor{}), std::move(promise));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const resumption seen = future.get();
    EXPECT_FALSE(seen.in_completion_callback);
    EXPECT_TRUE(seen.hcs_callbacks_returned);
    EXPECT_TRUE(task.wait_done());
}

// Synchronous zlhcs calls are fine after a default co_await (not on HCS's thread).
owned_task blocking_after_resume(const zlhcs::compute_system& system, std::promise<std::string> done) {
    try {
        co_await system.start_async();
        done.set_value(state_of(system));  // a synchronous properties call
    } catch (...) {
        done.set_exception(std::current_exception());
    }
}

TEST(FacadeCoroutineResume, SynchronousCallsAfterCoAwaitAreAllowed) {
    const zlhcs::compute_system system = make_container();
    const latency_guard latency("HcsStartComputeSystem", kLatencyMs);
    std::promise<std::string> promise;
    std::future<std::string> state = promise.get_future();
    owned_task task = blocking_after_resume(system, std::move(promise));
    ASSERT_EQ(state.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(state.get(), "Running");
    EXPECT_TRUE(task.wait_done());
    EXPECT_TRUE(system.terminate(kTimeout));
}

#endif  // ZLHCS_HAS_COROUTINES

}  // namespace
