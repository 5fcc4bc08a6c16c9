// zlhcs_coroutine_demo - a compute system's lifecycle with C++20 coroutines over the facade.
//
// A small task type (below) runs one coroutine that awaits every asynchronous step: create the
// container, start it, create a process in it and read its output, query statistics, and
// terminate the container. It shows where the code after each co_await runs:
//   - `co_await r` resumes on zlhcs::default_executor(), a facade-owned thread: never inside
//     HCS's completion callback, so blocking calls (reading the process's stdout) are fine;
//   - `co_await r.resume_on(std::ref(loop))` resumes on an executor of our own: here an event loop that
//     main() runs, so that part of the coroutine runs on the main thread.
// Exits 0 on success; on failure prints the zlhcs::error and exits 1. Runs on the default
// backend (the hcsim simulator off Windows).
#include <zlhcs/zlhcs.hpp>

#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace {

using namespace std::chrono_literals;

constexpr const char* kConfiguration =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-coroutine-demo",)"
    R"("ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
constexpr const char* kProcessParameters =
    R"({"CommandLine":"cmd /c echo hello from a coroutine","CreateStdOutPipe":true})";
constexpr const char* kStatisticsQuery = R"({"PropertyTypes":["Statistics"]})";

// ---- a small task type ----------------------------------------------------------------------
// Eager (runs until its first suspension when called), owns its frame, and hands its result to
// whoever calls get(). The coroutine may finish on any thread; get() waits for that.
template <typename T>
class task {
public:
    struct promise_type {
        std::optional<T> value;
        std::exception_ptr failure;
        std::mutex mutex;
        std::condition_variable finished_cv;
        bool finished = false;

        task get_return_object() { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_never initial_suspend() noexcept { return {}; }
        // Suspends at the end, then tells get(): the frame may be destroyed from then on.
        auto final_suspend() noexcept {
            struct awaiter {
                bool await_ready() const noexcept { return false; }
                void await_suspend(std::coroutine_handle<promise_type> handle) const noexcept {
                    promise_type& promise = handle.promise();
                    const std::lock_guard<std::mutex> lock(promise.mutex);
                    promise.finished = true;
                    promise.finished_cv.notify_all();
                }
                void await_resume() const noexcept {}
            };
            return awaiter{};
        }
        void return_value(T result) { value.emplace(std::move(result)); }
        void unhandled_exception() noexcept { failure = std::current_exception(); }
    };

    task(task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    task& operator=(task&&) = delete;
    task(const task&) = delete;
    ~task() {
        if (handle_) handle_.destroy();
    }

    // Blocks until the coroutine has finished; returns its value or rethrows its exception.
    T get() {
        promise_type& promise = handle_.promise();
        std::unique_lock<std::mutex> lock(promise.mutex);
        promise.finished_cv.wait(lock, [&] { return promise.finished; });
        if (promise.failure) std::rethrow_exception(promise.failure);
        return std::move(*promise.value);
    }

    // true once the coroutine has finished.
    bool done() {
        promise_type& promise = handle_.promise();
        const std::lock_guard<std::mutex> lock(promise.mutex);
        return promise.finished;
    }

private:
    explicit task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    std::coroutine_handle<promise_type> handle_;
};

// ---- an executor of our own: a loop main() runs -----------------------------------------------
class event_loop {
public:
    // Called by zlhcs (on the completion thread) to hand us the rest of the coroutine.
    void post(std::function<void()> job) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            jobs_.push_back(std::move(job));
        }
        ready_.notify_one();
    }

    // Runs jobs until `done()` holds.
    template <typename Done>
    void run_until(Done&& done) {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                ready_.wait_for(lock, 10ms, [&] { return !jobs_.empty(); });
                if (jobs_.empty()) {
                    if (done()) return;
                    continue;
                }
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
};

std::string where() {
    static const std::thread::id main_thread = std::this_thread::get_id();
    return std::this_thread::get_id() == main_thread ? "main thread" : "a zlhcs facade thread";
}

void step(const char* what, const std::string& detail) {
    std::printf("  %-10s %s  [%s]\n", what, detail.c_str(), where().c_str());
    std::fflush(stdout);
}

// The lifecycle, one co_await per asynchronous HCS call.
task<std::uint32_t> lifecycle(event_loop& loop) {
    // Create: the handle is valid at once, the creation completes later.
    auto [system, created] = zlhcs::compute_system::create_async("", kConfiguration);
    co_await created;
    step("create", "compute system " + system.id());

    // Start, resuming on our own event loop (the main thread).
    co_await system.start_async().resume_on(std::ref(loop));  // std::ref: the loop is not copied
    step("start", "running");

    // A process; after a default co_await we are on a facade thread, where blocking is fine.
    auto [child, started] = zlhcs::process::create_async(system, kProcessParameters);
    co_await started;
    std::string output = child.read_all(zlhcs::stdio_stream::out);
    while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
    const std::uint32_t exit_code = child.wait_exit(30s);
    step("process", "printed \"" + output + "\", exit code " + std::to_string(exit_code));

    const std::string statistics = co_await system.properties_async(kStatisticsQuery);
    step("statistics", std::to_string(statistics.size()) + " bytes of JSON");

    // Terminate; then the system is gone: a second start fails with errc::not_found.
    co_await system.terminate_async();
    step("terminate", "exit " + system.wait_exit(30s));
    try {
        co_await system.start_async();
        step("restart", "unexpectedly succeeded");
    } catch (const zlhcs::error& e) {
        step("restart", std::string("refused as expected: ") +
                            (e.code() == zlhcs::errc::not_found ? "not found" : e.what()));
    }
    co_return exit_code;
}

int run() {
    std::printf("zlhcs %s, backend %s\n", zlhcs::library_version().text.c_str(), zlhcs::backend_path().c_str());
    (void)where();  // remembers the main thread
    event_loop loop;
    task<std::uint32_t> running = lifecycle(loop);
    loop.run_until([&] { return running.done(); });
    const std::uint32_t exit_code = running.get();
    std::printf("done\n");
    return exit_code == 0 ? 0 : 1;
}

}  // namespace

int main() {
    try {
        return run();
    } catch (const zlhcs::error& e) {
        std::fprintf(stderr, "zlhcs error 0x%08X: %s\n  function %s\n  document %s\n",
                     static_cast<unsigned>(static_cast<std::uint32_t>(e.hresult())), e.what(),
                     e.function().empty() ? "-" : e.function().c_str(),
                     e.result_document().empty() ? "-" : e.result_document().c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
    }
    return 1;
}
