// zlhcs C++ facade - executors: where the continuation of asynchronous work runs.
//
// HCS completes work on its own threads and calls zlhcs's completion callback there. The
// facade never runs user code inside that callback unless asked to: a coroutine awaiting an
// async_result is resumed through an executor (cf. WIL's resume_same_apartment /
// resume_any_thread, C++/WinRT's resume_background):
//
//     co_await system.start_async();                       // default_executor(): a facade thread
//     co_await system.start_async().resume_on(std::ref(my_loop));  // my_loop.post(job) runs the rest
//     co_await system.start_async().resume_inline();       // opt-in: inside the HCS callback
//
// executor
//   A copyable, type-erased handle to anything with `void post(std::function<void()>)` (a
//   member function; it may throw). post() must eventually run the job once, on any thread; it
//   may run it at once on the calling thread (then that thread is the completion callback's:
//   see inline_executor()). Copies share the wrapped object; wrap a reference with std::ref if
//   the executor object must not be copied (it must then outlive every job posted to it).
//   Threads: post() is called from HCS's completion threads (and from close()); the wrapped
//   object's post must be thread-safe. If it throws (a loop that has shut down), the coroutine
//   is resumed on default_executor() instead - and inside the callback only if that fails too
//   (no thread can be started) - so an awaiting coroutine is never lost.
//
// default_executor()   (THE DEFAULT for co_await)
//   A pool of facade-owned threads, separate from HCS's: the callback only queues the job and
//   returns, and a pool thread runs it - so resumed code runs neither inside the HCS callback
//   nor on a thread blocked inside it, and may block (synchronous zlhcs calls included); each
//   blocked job holds one pool thread. The pool starts threads on demand (up to
//   default_executor_max_threads; further jobs queue) and a thread that has been idle for
//   default_executor_idle_timeout exits. The threads are detached and keep the pool's state
//   alive themselves, so nothing waits for them at exit; the pool itself is never destroyed
//   (a completion arriving during static destruction still finds it). One pool per module
//   (EXE or DLL) that includes this header: it is a function-local static of a header-only
//   library. If no thread can be started and none runs, post() throws std::system_error. A
//   DLL that embeds the facade must not be unloaded (FreeLibrary) while jobs run or within
//   default_executor_idle_timeout of the last (its threads run the DLL's code). A job that
//   throws terminates the program, as a std::thread function would.
//
// inline_executor()    (opt-in: resume_inline())
//   Runs the job at once on the thread that posts it: a coroutine then resumes INSIDE the
//   completion callback, on HCS's thread (or on the thread that starts the work, if HCS
//   completes it inside the starting call). Only for short, non-blocking code: no synchronous
//   zlhcs calls, no waiting on other operations there.
//
// std::future: the facade fulfils a future on the completion thread; a future has no
// continuation, so no user code runs there (get() runs on the thread that calls it).
#pragma once

#include <zlhcs/config.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

namespace zlhcs {

/// The most threads default_executor() runs at once (jobs beyond that queue).
inline constexpr std::size_t default_executor_max_threads = 64;
/// How long a thread of default_executor() waits for work before it exits.
inline constexpr std::chrono::milliseconds default_executor_idle_timeout = std::chrono::seconds(10);

namespace detail {

template <typename T>
struct is_reference_wrapper : std::false_type {};
template <typename T>
struct is_reference_wrapper<std::reference_wrapper<T>> : std::true_type {};

template <typename T>
T& unwrap_executor(T& target) noexcept {
    return target;
}
template <typename T>
T& unwrap_executor(std::reference_wrapper<T>& target) noexcept {
    return target.get();
}

}  // namespace detail

/// A copyable, type-erased executor (see the top of this file). An empty executor (valid() ==
/// false) cannot be posted to.
class executor {
public:
    /// An empty executor.
    executor() noexcept = default;

    /// Wraps `target`, anything with `void post(std::function<void()>)` (or a std::ref to one),
    /// copied or moved in: pass std::ref(object) for an object that cannot be copied (a loop
    /// with a mutex) or must not be. Throws std::bad_alloc.
    template <typename Target,
              typename = std::enable_if_t<!std::is_same_v<std::decay_t<Target>, executor> &&
                                          std::is_constructible_v<std::decay_t<Target>, Target&&>>,
              typename = decltype(detail::unwrap_executor(std::declval<std::decay_t<Target>&>())
                                      .post(std::declval<std::function<void()>>()))>
    executor(Target&& target)  // NOLINT: implicit by design (pass any executor where one is expected)
        : impl_(std::make_shared<model<std::decay_t<Target>>>(std::forward<Target>(target))) {}

    /// Hands `job` to the wrapped executor. Throws what its post() throws, and std::logic_error
    /// if this executor is empty (a programming error).
    void post(std::function<void()> job) const {
        if (!impl_) throw std::logic_error("zlhcs::executor: post() on an empty executor");
        impl_->post(std::move(job));
    }

    [[nodiscard]] bool valid() const noexcept { return impl_ != nullptr; }
    explicit operator bool() const noexcept { return valid(); }

private:
    struct concept_t {
        concept_t() = default;
        concept_t(const concept_t&) = delete;
        concept_t& operator=(const concept_t&) = delete;
        virtual ~concept_t() = default;
        virtual void post(std::function<void()> job) = 0;
    };

    template <typename Target>
    struct model final : concept_t {
        template <typename Arg>
        explicit model(Arg&& arg) : target(std::forward<Arg>(arg)) {}
        void post(std::function<void()> job) override { detail::unwrap_executor(target).post(std::move(job)); }
        Target target;
    };

    std::shared_ptr<concept_t> impl_;
};

namespace detail {

/// default_executor()'s pool (see the top of this file).
class thread_pool {
public:
    thread_pool() : shared_(std::make_shared<shared>()) {}

    /// Queues `job`; starts a thread if none is idle (and fewer than the maximum run). Throws
    /// std::system_error if no thread runs and none can be started (the job is not queued then).
    void post(std::function<void()> job) const {
        std::unique_lock<std::mutex> lock(shared_->mutex);
        shared_->jobs.push_back(std::move(job));
        if (shared_->idle > shared_->wakeups) {
            ++shared_->wakeups;
            lock.unlock();
            shared_->work.notify_one();
            return;
        }
        if (shared_->threads >= default_executor_max_threads) return;  // a running thread gets to it
        try {
            std::thread(&thread_pool::run, shared_).detach();
            ++shared_->threads;
        } catch (...) {
            if (shared_->threads == 0) {  // nobody would ever run it
                shared_->jobs.pop_back();
                throw;
            }
        }
    }

private:
    struct shared {
        std::mutex mutex;
        std::condition_variable work;
        std::deque<std::function<void()>> jobs;
        std::size_t threads = 0;  // started and not yet exited
        std::size_t idle = 0;     // waiting for work
        std::size_t wakeups = 0;  // notifications sent to idle threads not yet taken
    };

    // A pool thread: runs jobs until it has been idle for the idle timeout. It owns a reference
    // to the pool's state, so the state outlives the pool object (e.g. at static destruction).
    static void run(std::shared_ptr<shared> state) noexcept {
        std::unique_lock<std::mutex> lock(state->mutex);
        for (;;) {
            if (state->jobs.empty()) {
                ++state->idle;
                const bool woken = state->work.wait_for(lock, default_executor_idle_timeout,
                                                        [&] { return state->wakeups > 0 || !state->jobs.empty(); });
                --state->idle;
                if (state->wakeups > 0) --state->wakeups;
                if (!woken && state->jobs.empty()) {
                    --state->threads;
                    return;
                }
                continue;
            }
            std::function<void()> job = std::move(state->jobs.front());
            state->jobs.pop_front();
            lock.unlock();
            job();  // noexcept context: a throwing job terminates, as in a std::thread
            job = nullptr;  // its captures die outside the lock
            lock.lock();
        }
    }

    std::shared_ptr<shared> shared_;
};

/// Runs each job at once on the posting thread.
struct inline_runner {
    void post(std::function<void()> job) const { job(); }
};

/// A static object that is never destroyed (as absl::NoDestructor): a completion that HCS
/// delivers while the program runs its static destructors still finds the executors.
template <typename T>
class never_destroyed {
public:
    template <typename... Args>
    explicit never_destroyed(Args&&... args) {
        ::new (static_cast<void*>(storage_)) T(std::forward<Args>(args)...);
    }
    never_destroyed(const never_destroyed&) = delete;
    never_destroyed& operator=(const never_destroyed&) = delete;
    ~never_destroyed() = default;  // on purpose: T's destructor never runs

    [[nodiscard]] const T& get() const noexcept { return *std::launder(reinterpret_cast<const T*>(storage_)); }

private:
    alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace detail

/// The facade's default executor: a pool of facade-owned threads (see the top of this file).
/// Thread-safe; the same pool for every call in this module.
[[nodiscard]] inline executor default_executor() {
    static const detail::never_destroyed<executor> instance{detail::thread_pool{}};
    return instance.get();
}

/// An executor that runs each job at once on the posting thread; with co_await it resumes the
/// coroutine inside HCS's completion callback (see the top of this file).
[[nodiscard]] inline executor inline_executor() {
    static const detail::never_destroyed<executor> instance{detail::inline_runner{}};
    return instance.get();
}

}  // namespace zlhcs
