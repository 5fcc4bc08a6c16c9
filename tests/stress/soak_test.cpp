// The soak: 8 threads issue random operations on random handles for a bounded time while a
// ninth makes hcsim fail calls, add latency, complete inline and disconnect the service. At
// the end every promise of include/zlhcs/zlhcs.h that can be counted is checked:
//   - an operation's callback ran at most once; exactly once if its close returned ZLHCS_S_OK,
//     never if it returned ZLHCS_S_FALSE (suppressed, or no callback), never if the starting
//     call failed;
//   - no operation or subscription callback ran after a close outside callbacks had returned,
//     none overlapped itself, none ran after its release notifier;
//   - every release notifier of a successful starting call ran exactly once, none of a failed one;
//   - zlhcs_debug_counts all zero (handles, contexts, strings, live objects, delivery threads),
//     hcsim's live objects zero, and hcsim's strict mode recorded no use of a closed handle.
// A watchdog ends a hung run with what is pending. The seed is printed; ZLHCS_SOAK_SEED replays
// the random choices (not the interleaving), ZLHCS_SOAK_SECONDS sets the duration (default 10).
// Deadlines here bound hangs only; nothing asserts speed.
#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using zlhcs_test::hcsim_client;

constexpr const char* container_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-soak","Container":{}})";
constexpr int worker_count = 8;
constexpr int slot_count = 6;
constexpr std::size_t open_limit = 64;  // open operations / subscriptions kept at most
constexpr int32_t not_closed = 0x7FFFFFFF;
/// A bound against hanging (the run's own duration comes on top), never a speed expectation.
constexpr std::chrono::seconds hang_bound{180};

uint64_t env_number(const char* name, uint64_t fallback) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return fallback;
    return std::strtoull(value, nullptr, 0);
}

// Depth of zlhcs callbacks on this thread: a close inside one never waits, so the
// "no callback after the close returned" check applies to closes outside callbacks only.
thread_local int callback_depth = 0;
struct callback_scope {
    callback_scope() { ++callback_depth; }
    ~callback_scope() { --callback_depth; }
    callback_scope(const callback_scope&) = delete;
    callback_scope& operator=(const callback_scope&) = delete;
};

class soak;

/// What the soak knows of one operation it started (kept to the end of the run).
struct op_record {
    soak* owner = nullptr;
    const char* what = "";
    bool has_callback = false;
    bool close_self_inside = false;   // its callback closes it
    bool close_other_inside = false;  // its callback closes another open operation
    std::atomic<zlhcs_operation> handle{0};
    std::atomic<bool> started{false};  // the starting call succeeded
    std::atomic<int> calls{0};
    std::atomic<int> releases{0};
    std::atomic<int> in_callback{0};
    std::atomic<bool> claimed{false};  // someone closes (or closed) it
    std::atomic<bool> closed_outside{false};
    std::atomic<int32_t> close_result{not_closed};
};

/// One subscription.
struct sub_record {
    soak* owner = nullptr;
    bool queue = false;
    int inside_action = 0;  // 0 none, 1 close itself, 2 close another subscription, 3 close an operation,
                            // 4 close a system or process handle (perhaps its own source)
    std::atomic<zlhcs_subscription> handle{0};
    std::atomic<bool> started{false};
    std::atomic<int> calls{0};
    std::atomic<int> releases{0};
    std::atomic<int> in_callback{0};
    std::atomic<bool> claimed{false};
    std::atomic<bool> closed_outside{false};
};

/// A place for a system and perhaps one of its processes. Handles are taken out under the
/// lock before they are closed, so each is closed once; other threads may still be using a
/// copy (that race is part of the test).
struct slot {
    std::mutex mutex;
    zlhcs_system system = 0;
    zlhcs_process process = 0;
};

void ZLHCS_CALL on_operation(zlhcs_operation operation, zlhcs_hresult result, void* context);
void ZLHCS_CALL on_operation_release(void* context);
void ZLHCS_CALL on_event(const zlhcs_event* event, void* context);
void ZLHCS_CALL on_subscription_release(void* context);

class soak {
public:
    explicit soak(uint64_t seed) : seed_(seed) {}

    void violation(const std::string& what) {
        violations_.fetch_add(1);
        std::lock_guard lock(messages_mutex_);
        if (messages_.size() < 20) messages_.push_back(what);
    }

    // ---- operations ----------------------------------------------------------------------
    op_record* new_op(std::mt19937_64& rng, const char* what) {
        auto record = std::make_unique<op_record>();
        record->owner = this;
        record->what = what;
        record->has_callback = rng() % 8 != 0;  // some with a release notifier only
        record->close_self_inside = rng() % 4 == 0;
        record->close_other_inside = rng() % 6 == 0;
        std::lock_guard lock(registry_mutex_);
        ops_.push_back(std::move(record));
        return ops_.back().get();
    }

    zlhcs_operation_callback op_callback(const op_record* r) const { return r->has_callback ? &on_operation : nullptr; }

    // After the starting call returned.
    void started(op_record* r, zlhcs_hresult hr, zlhcs_operation handle) {
        if (hr < 0) {
            if (handle != 0) violation(std::string(r->what) + ": a failed start handed out an operation");
            return;
        }
        r->handle.store(handle);
        r->started.store(true);
        std::lock_guard lock(registry_mutex_);
        open_ops_.push_back(r);
    }

    // Closes `r` unless someone else does; `handle` is r's (a callback passes its argument, as
    // the starting thread may not have stored it yet).
    void close_op(op_record* r, zlhcs_operation handle) {
        if (r->claimed.exchange(true)) return;
        const zlhcs_hresult hr = zlhcs_operation_close(handle);
        r->close_result.store(hr);
        if (callback_depth == 0) r->closed_outside.store(true);
        if (hr != ZLHCS_S_OK && hr != ZLHCS_S_FALSE) violation(std::string(r->what) + ": close returned " + hex(hr));
    }

    op_record* take_random_open_op(std::mt19937_64& rng) {
        std::lock_guard lock(registry_mutex_);
        if (open_ops_.empty()) return nullptr;
        const std::size_t i = rng() % open_ops_.size();
        op_record* r = open_ops_[i];
        open_ops_[i] = open_ops_.back();
        open_ops_.pop_back();
        return r;
    }

    op_record* peek_random_open_op(std::mt19937_64& rng) {
        std::lock_guard lock(registry_mutex_);
        if (open_ops_.empty()) return nullptr;
        return open_ops_[rng() % open_ops_.size()];
    }

    void close_random_op(std::mt19937_64& rng) {
        if (op_record* r = take_random_open_op(rng)) close_op(r, r->handle.load());
    }

    std::size_t open_ops() {
        std::lock_guard lock(registry_mutex_);
        return open_ops_.size();
    }

    // ---- subscriptions ------------------------------------------------------------------
    sub_record* new_sub(std::mt19937_64& rng, bool queue) {
        auto record = std::make_unique<sub_record>();
        record->owner = this;
        record->queue = queue;
        record->inside_action = static_cast<int>(rng() % 10);  // 1..4 act, 0 and 5..9 nothing
        std::lock_guard lock(registry_mutex_);
        subs_.push_back(std::move(record));
        return subs_.back().get();
    }

    void subscribed(sub_record* r, zlhcs_hresult hr, zlhcs_subscription handle) {
        if (hr < 0) return;
        r->handle.store(handle);
        r->started.store(true);
        std::lock_guard lock(registry_mutex_);
        open_subs_.push_back(r);
    }

    void close_sub(sub_record* r, zlhcs_subscription handle) {
        if (r->claimed.exchange(true)) return;
        const zlhcs_hresult hr = zlhcs_subscription_close(handle);
        if (callback_depth == 0) r->closed_outside.store(true);
        if (hr != ZLHCS_S_OK) violation("subscription close returned " + hex(hr));
    }

    sub_record* take_random_open_sub(std::mt19937_64& rng, bool queue_only = false) {
        std::lock_guard lock(registry_mutex_);
        if (open_subs_.empty()) return nullptr;
        const std::size_t i = rng() % open_subs_.size();
        sub_record* r = open_subs_[i];
        if (queue_only && !r->queue) return nullptr;
        open_subs_[i] = open_subs_.back();
        open_subs_.pop_back();
        return r;
    }

    void put_back(sub_record* r) {
        std::lock_guard lock(registry_mutex_);
        open_subs_.push_back(r);
    }

    std::size_t open_subs() {
        std::lock_guard lock(registry_mutex_);
        return open_subs_.size();
    }

    // Takes a random slot's system or process handle out and closes it (from a callback too).
    void close_random_handle(std::mt19937_64& rng) {
        slot& s = slots_[rng() % slot_count];
        zlhcs_system system = 0;
        zlhcs_process process = 0;
        {
            std::lock_guard lock(s.mutex);
            if (rng() % 2 == 0) std::swap(system, s.system);
            else std::swap(process, s.process);
        }
        if (process != 0) (void)zlhcs_process_close(process);
        if (system != 0) (void)zlhcs_system_close(system);
    }

    // ---- the run ------------------------------------------------------------------------
    void run(std::chrono::seconds duration);
    void finish_and_check();

    static std::string hex(zlhcs_hresult hr) {
        char text[16];
        std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(hr));
        return text;
    }

    std::atomic<uint64_t> actions{0};
    std::atomic<uint64_t> injections{0};
    std::atomic<uint64_t> disconnects{0};

private:
    void worker(int index, clock_type::time_point until);
    void injector(clock_type::time_point until);
    void act(std::mt19937_64& rng, int index);
    void watchdog(clock_type::time_point until);
    std::string pending_report();

    zlhcs_system system_copy(slot& s) {
        std::lock_guard lock(s.mutex);
        return s.system;
    }
    zlhcs_process process_copy(slot& s) {
        std::lock_guard lock(s.mutex);
        return s.process;
    }

    const uint64_t seed_;
    std::array<slot, slot_count> slots_;
    std::array<std::atomic<const char*>, worker_count + 1> doing_{};
    std::atomic<unsigned> next_id_{0};

    std::mutex registry_mutex_;
    std::vector<std::unique_ptr<op_record>> ops_;
    std::vector<op_record*> open_ops_;
    std::vector<std::unique_ptr<sub_record>> subs_;
    std::vector<sub_record*> open_subs_;

    std::atomic<uint64_t> violations_{0};
    std::mutex messages_mutex_;
    std::vector<std::string> messages_;

    std::mutex done_mutex_;
    std::condition_variable done_changed_;
    bool done_ = false;

};

thread_local std::mt19937_64 callback_rng{std::random_device{}()};

void ZLHCS_CALL on_operation(zlhcs_operation operation, zlhcs_hresult, void* context) {
    callback_scope scope;
    auto* r = static_cast<op_record*>(context);
    if (r->in_callback.fetch_add(1) != 0) r->owner->violation(std::string(r->what) + ": callback ran twice at once");
    if (r->closed_outside.load()) r->owner->violation(std::string(r->what) + ": callback after its close returned");
    if (r->releases.load() != 0) r->owner->violation(std::string(r->what) + ": callback after its release");
    r->calls.fetch_add(1);
    if (r->close_self_inside) r->owner->close_op(r, operation);
    if (r->close_other_inside) r->owner->close_random_op(callback_rng);
    // A close outside callbacks waits for a running callback: it cannot have returned yet.
    if (r->closed_outside.load()) r->owner->violation(std::string(r->what) + ": its close returned while the callback ran");
    r->in_callback.fetch_sub(1);
}

void ZLHCS_CALL on_operation_release(void* context) {
    auto* r = static_cast<op_record*>(context);
    if (r->in_callback.load() != 0) r->owner->violation(std::string(r->what) + ": release during the callback");
    r->releases.fetch_add(1);
}

void ZLHCS_CALL on_event(const zlhcs_event* event, void* context) {
    callback_scope scope;
    auto* r = static_cast<sub_record*>(context);
    if (r->in_callback.fetch_add(1) != 0) r->owner->violation("subscription callbacks overlapped");
    if (r->closed_outside.load()) r->owner->violation("subscription callback after its close returned");
    if (r->releases.load() != 0) r->owner->violation("subscription callback after its release");
    r->calls.fetch_add(1);
    switch (r->inside_action) {
    case 1: r->owner->close_sub(r, event->subscription); break;
    case 2:
        if (sub_record* other = r->owner->take_random_open_sub(callback_rng)) {
            r->owner->close_sub(other, other->handle.load());
        }
        break;
    case 3: r->owner->close_random_op(callback_rng); break;
    case 4: r->owner->close_random_handle(callback_rng); break;
    default: break;
    }
    if (r->closed_outside.load()) r->owner->violation("a subscription's close returned while its callback ran");
    r->in_callback.fetch_sub(1);
}

void ZLHCS_CALL on_subscription_release(void* context) {
    auto* r = static_cast<sub_record*>(context);
    if (r->in_callback.load() != 0) r->owner->violation("subscription release during its callback");
    r->releases.fetch_add(1);
}

// One random action. Sync calls use short timeouts so that threads keep moving (a timeout
// never stops HCS work; that is part of what is exercised).
void soak::act(std::mt19937_64& rng, int index) {
    slot& s = slots_[rng() % slot_count];
    const uint32_t timeout = static_cast<uint32_t>(rng() % 50);
    auto& doing = doing_[static_cast<std::size_t>(index)];
    auto action = rng() % 20;
    // An empty slot is mostly filled first (system, then process): otherwise closes outpace
    // creates and most actions would meet handle 0.
    if (rng() % 4 != 0) {
        if (system_copy(s) == 0) action = 0;
        else if (process_copy(s) == 0 && rng() % 2 == 0) action = 5;
    }
    switch (action) {
    case 0:
    case 1: {  // create a system (sync or async), perhaps start it
        if (system_copy(s) != 0) break;
        const std::string id = "zlhcs-soak-" + std::to_string(next_id_.fetch_add(1));
        zlhcs_system system = 0;
        if (rng() % 2 == 0) {
            doing = "zlhcs_system_create";
            const zlhcs_hresult hr = zlhcs_system_create(id.c_str(), container_config, nullptr, 2000, &system, nullptr);
            if (hr < 0 && hr != ZLHCS_HCS_E_OPERATION_TIMEOUT && system != 0) violation("failed create handed out a system");
        } else {
            doing = "zlhcs_system_create_async";
            op_record* r = new_op(rng, "system_create_async");
            zlhcs_operation op = 0;
            const zlhcs_hresult hr = zlhcs_system_create_async(id.c_str(), container_config, nullptr, op_callback(r), r,
                                                               &on_operation_release, &system, &op);
            started(r, hr, op);
        }
        if (system == 0) break;
        {
            std::lock_guard lock(s.mutex);
            if (s.system == 0) std::swap(s.system, system);
        }
        if (system != 0) (void)zlhcs_system_close(system);  // the slot was filled meanwhile
        doing = "zlhcs_system_start";
        (void)zlhcs_system_start(system_copy(s), nullptr, timeout * 10, nullptr);
        break;
    }
    case 2: {  // a state change, async
        const zlhcs_system system = system_copy(s);
        op_record* r = new_op(rng, "system transition async");
        zlhcs_operation op = 0;
        zlhcs_hresult hr = 0;
        doing = "system transition async";
        switch (rng() % 6) {
        case 0: hr = zlhcs_system_start_async(system, nullptr, op_callback(r), r, &on_operation_release, &op); break;
        case 1: hr = zlhcs_system_pause_async(system, nullptr, op_callback(r), r, &on_operation_release, &op); break;
        case 2: hr = zlhcs_system_resume_async(system, nullptr, op_callback(r), r, &on_operation_release, &op); break;
        case 3: hr = zlhcs_system_shutdown_async(system, nullptr, op_callback(r), r, &on_operation_release, &op); break;
        case 4: hr = zlhcs_system_terminate_async(system, nullptr, op_callback(r), r, &on_operation_release, &op); break;
        default:
            hr = zlhcs_system_properties_async(system, nullptr, op_callback(r), r, &on_operation_release, &op);
            break;
        }
        started(r, hr, op);
        break;
    }
    case 3: {  // a state change, sync
        const zlhcs_system system = system_copy(s);
        doing = "system transition sync";
        switch (rng() % 4) {
        case 0: (void)zlhcs_system_pause(system, nullptr, timeout, nullptr); break;
        case 1: (void)zlhcs_system_resume(system, nullptr, timeout, nullptr); break;
        case 2: (void)zlhcs_system_shutdown(system, nullptr, timeout, nullptr); break;
        default: (void)zlhcs_system_terminate(system, nullptr, timeout, nullptr); break;
        }
        break;
    }
    case 4: {  // close the system handle (and perhaps its process's)
        zlhcs_system system = 0;
        zlhcs_process process = 0;
        {
            std::lock_guard lock(s.mutex);
            std::swap(system, s.system);
            if (rng() % 2 == 0) std::swap(process, s.process);
        }
        doing = "zlhcs_system_close";
        if (process != 0) (void)zlhcs_process_close(process);
        if (system != 0) (void)zlhcs_system_close(system);
        break;
    }
    case 5: {  // create a process
        if (process_copy(s) != 0) break;
        const zlhcs_system system = system_copy(s);
        const char* parameters =
            rng() % 2 == 0 ? R"({"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true})"
                           : (rng() % 2 == 0 ? R"({"CommandLine":"sleep 600000"})"
                                             : R"({"CommandLine":"echo soak","CreateStdOutPipe":true})");
        zlhcs_process process = 0;
        if (rng() % 2 == 0) {
            doing = "zlhcs_process_create";
            (void)zlhcs_process_create(system, parameters, nullptr, timeout * 10, &process, nullptr);
        } else {
            doing = "zlhcs_process_create_async";
            op_record* r = new_op(rng, "process_create_async");
            zlhcs_operation op = 0;
            const zlhcs_hresult hr =
                zlhcs_process_create_async(system, parameters, nullptr, op_callback(r), r, &on_operation_release, &process, &op);
            started(r, hr, op);
            if (hr < 0 && process != 0) violation("failed process create handed out a process");
        }
        if (process == 0) break;
        {
            std::lock_guard lock(s.mutex);
            if (s.process == 0) std::swap(s.process, process);
        }
        if (process != 0) (void)zlhcs_process_close(process);
        break;
    }
    case 6: {  // stdio
        const zlhcs_process process = process_copy(s);
        char buffer[64];
        size_t count = 0;
        switch (rng() % 4) {
        case 0:
            doing = "zlhcs_process_stdio_write";
            (void)zlhcs_process_stdio_write(process, "soak\n", 5, timeout, &count);
            break;
        case 1:
        case 2:
            doing = "zlhcs_process_stdio_read";
            (void)zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, timeout, &count);
            break;
        default:
            doing = "zlhcs_process_stdio_close";
            (void)zlhcs_process_stdio_close(process, static_cast<uint32_t>(rng() % 3));
            break;
        }
        break;
    }
    case 7: {  // process: terminate (async or sync) or close
        zlhcs_process process = process_copy(s);
        const auto choice = rng() % 3;
        if (choice == 0) {
            doing = "zlhcs_process_terminate_async";
            op_record* r = new_op(rng, "process_terminate_async");
            zlhcs_operation op = 0;
            const zlhcs_hresult hr = zlhcs_process_terminate_async(process, nullptr, op_callback(r), r, &on_operation_release, &op);
            started(r, hr, op);
        } else if (choice == 1) {
            doing = "zlhcs_process_terminate";
            (void)zlhcs_process_terminate(process, nullptr, timeout, nullptr);
        } else {
            {
                std::lock_guard lock(s.mutex);
                process = std::exchange(s.process, 0);
            }
            doing = "zlhcs_process_close";
            if (process != 0) (void)zlhcs_process_close(process);
        }
        break;
    }
    case 8:
    case 9: {  // subscribe (callback or queue, system or process)
        if (open_subs() >= open_limit) break;
        const bool queue = rng() % 3 == 0;
        sub_record* r = new_sub(rng, queue);
        zlhcs_subscription sub = 0;
        const uint32_t capacity = static_cast<uint32_t>(rng() % 16);
        doing = "subscribe";
        const zlhcs_hresult hr =
            rng() % 2 == 0
                ? zlhcs_system_subscribe(system_copy(s), ZLHCS_EVENT_ALL, capacity, queue ? nullptr : &on_event, r,
                                         &on_subscription_release, &sub)
                : zlhcs_process_subscribe(process_copy(s), ZLHCS_EVENT_ALL, capacity, queue ? nullptr : &on_event, r,
                                          &on_subscription_release, &sub);
        subscribed(r, hr, sub);
        break;
    }
    case 10: {  // unsubscribe, or take from a queue
        if (rng() % 2 == 0) {
            doing = "zlhcs_subscription_close";
            if (sub_record* r = take_random_open_sub(rng)) close_sub(r, r->handle.load());
        } else if (sub_record* r = take_random_open_sub(rng, true)) {
            doing = "zlhcs_subscription_next";
            zlhcs_event* event = nullptr;
            const zlhcs_hresult hr = zlhcs_subscription_next(r->handle.load(), rng() % 4 == 0 ? timeout : 0, &event);
            if (hr == ZLHCS_S_OK) zlhcs_free(event);
            put_back(r);
        }
        break;
    }
    case 11:
    case 12: {  // exit watch
        if (open_ops() >= open_limit) break;
        op_record* r = new_op(rng, "exit watch");
        zlhcs_operation op = 0;
        doing = "exit watch";
        const zlhcs_hresult hr =
            rng() % 2 == 0 ? zlhcs_system_wait_exit_async(system_copy(s), op_callback(r), r, &on_operation_release, &op)
                           : zlhcs_process_wait_exit_async(process_copy(s), op_callback(r), r, &on_operation_release, &op);
        started(r, hr, op);
        break;
    }
    case 13: {  // a blocking wait, bounded
        doing = "wait";
        switch (rng() % 3) {
        case 0: (void)zlhcs_system_wait_exit(system_copy(s), timeout, nullptr); break;
        case 1: (void)zlhcs_process_wait_exit(process_copy(s), timeout, nullptr); break;
        default:
            // The operation may be closed meanwhile by another thread: the wait then returns.
            if (op_record* r = peek_random_open_op(rng)) (void)zlhcs_operation_wait(r->handle.load(), timeout, nullptr);
            break;
        }
        break;
    }
    case 14:
    case 15:
    case 16: {  // close an operation from this thread
        doing = "zlhcs_operation_close";
        if (open_ops() > 0) close_random_op(rng);
        break;
    }
    default: {  // read a property or an id: cheap calls racing the closes above
        doing = "zlhcs_system_id";
        char* id = nullptr;
        if (zlhcs_system_id(system_copy(s), &id) == ZLHCS_S_OK) zlhcs_free(id);
        uint32_t pid = 0;
        (void)zlhcs_process_id(process_copy(s), &pid);
        break;
    }
    }
    doing = "between actions";
    actions.fetch_add(1);
}

void soak::worker(int index, clock_type::time_point until) {
    std::mt19937_64 rng(seed_ + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(index + 1));
    callback_rng.seed(rng());
    while (clock_type::now() < until) act(rng, index);
    doing_[static_cast<std::size_t>(index)] = "finished";
}

// Faults of every kind hcsim offers (docs/hcsim.md, "Control surface", "Behaviour switches").
void soak::injector(clock_type::time_point until) {
    static constexpr std::array<const char*, 12> functions = {
        "HcsCreateComputeSystem", "HcsStartComputeSystem",         "HcsPauseComputeSystem",
        "HcsResumeComputeSystem", "HcsShutDownComputeSystem",      "HcsTerminateComputeSystem",
        "HcsCreateProcess",       "HcsTerminateProcess",           "HcsModifyProcess",
        "HcsCreateOperation",     "HcsGetComputeSystemProperties", "HcsWaitForComputeSystemExit"};
    static constexpr std::array<hcsim_hresult, 3> failures = {static_cast<hcsim_hresult>(0x80004005),   // E_FAIL
                                                              static_cast<hcsim_hresult>(0x8037010E),   // SYSTEM_NOT_FOUND
                                                              static_cast<hcsim_hresult>(0x8007000E)};  // E_OUTOFMEMORY
    const hcsim_client& sim = hcsim_client::instance();
    std::mt19937_64 rng(seed_ ^ 0xFA17FA17ull);
    auto& doing = doing_[worker_count];
    while (clock_type::now() < until) {
        const char* function = functions[rng() % functions.size()];
        switch (rng() % 16) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
        case 5:
            doing = "HcsimFailNextCalls";
            if (sim.fail_next_calls(function, 1 + static_cast<uint32_t>(rng() % 2), failures[rng() % failures.size()],
                                    rng() % 2 == 0 ? HCSIM_FAULT_IMMEDIATE : HCSIM_FAULT_ASYNC) != 0 &&
                sim.exports(function)) {
                violation(std::string("HcsimFailNextCalls refused ") + function);
            }
            break;
        case 6:
        case 7:
        case 8:
        case 9:
            doing = "HcsimSetLatency";
            (void)sim.set_latency(rng() % 4 == 0 ? nullptr : function, static_cast<uint32_t>(rng() % 30));
            break;
        case 10:
        case 11:
        case 12:
        case 13:
        case 14:
            doing = "HcsimSetBehavior";
            (void)sim.set_behavior(hcsim_client::run_behavior() | (rng() % 2 == 0 ? HCSIM_BEHAVIOR_INLINE_COMPLETION : 0u));
            break;
        default:  // rarer: handles from before a disconnect fail from then on, and are replaced
            doing = "HcsimSetServiceDisconnected";
            (void)sim.set_service_disconnected(1);
            // Real time on purpose (pacing, not a check): the outage lasts while the workers,
            // paced by the soak's wall-clock budget, keep calling.
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 20));
            (void)sim.set_service_disconnected(0);
            disconnects.fetch_add(1);
            break;
        }
        injections.fetch_add(1);
        doing = "between injections";
        // Real time on purpose (pacing, not a check): injections spread over the soak's
        // wall-clock budget (ZLHCS_SOAK_SECONDS) whatever the machine's speed.
        std::this_thread::sleep_for(std::chrono::milliseconds(2 + rng() % 20));
    }
    doing = "finished";
}

std::string soak::pending_report() {
    std::string text;
    for (std::size_t i = 0; i < doing_.size(); ++i) {
        const char* doing = doing_[i].load();
        text += "  thread " + std::to_string(i) + (i == worker_count ? " (faults)" : "") + ": " +
                (doing != nullptr ? doing : "not started") + "\n";
    }
    std::size_t unsettled = 0;
    std::lock_guard lock(registry_mutex_);
    for (const auto& r : ops_) {
        if (!r->started.load()) continue;
        const int32_t closed = r->close_result.load();
        const int expected_calls = closed == ZLHCS_S_OK ? 1 : 0;
        if (closed == not_closed || r->calls.load() != expected_calls || r->releases.load() != 1) {
            if (++unsettled <= 10) {
                text += std::string("  operation ") + r->what + ": close " +
                        (closed == not_closed ? std::string("not yet") : hex(closed)) + ", calls " +
                        std::to_string(r->calls.load()) + ", releases " + std::to_string(r->releases.load()) + "\n";
            }
        }
    }
    text += "  " + std::to_string(unsettled) + " operation(s) unsettled of " + std::to_string(ops_.size()) + ", " +
            std::to_string(open_ops_.size()) + " open; " + std::to_string(open_subs_.size()) + " subscription(s) open\n";
    return text;
}

void soak::watchdog(clock_type::time_point until) {
    std::unique_lock lock(done_mutex_);
    if (done_changed_.wait_until(lock, until, [this] { return done_; })) return;
    lock.unlock();
    std::fprintf(stderr, "[ WATCHDOG ] the soak (seed ZLHCS_SOAK_SEED=%llu) hung; pending:\n%s",
                 static_cast<unsigned long long>(seed_), pending_report().c_str());
    std::fflush(stderr);
    std::abort();
}

void soak::run(std::chrono::seconds duration) {
    const auto start = clock_type::now();
    const auto until = start + duration;
    std::thread guard([this, until] { watchdog(until + hang_bound); });
    std::vector<std::thread> threads;
    for (int i = 0; i < worker_count; ++i) threads.emplace_back([this, i, until] { worker(i, until); });
    threads.emplace_back([this, until] { injector(until); });
    for (auto& t : threads) t.join();
    finish_and_check();
    {
        std::lock_guard lock(done_mutex_);
        done_ = true;
    }
    done_changed_.notify_all();
    guard.join();
}

void soak::finish_and_check() {
    const hcsim_client& sim = hcsim_client::instance();
    // The service back, no faults or latency left: the last completions come.
    (void)sim.set_service_disconnected(0);
    (void)sim.fail_next_calls("HcsCreateOperation", 0, static_cast<hcsim_hresult>(0x80004005), HCSIM_FAULT_IMMEDIATE);
    (void)sim.set_latency(nullptr, 0);
    sim.restore_run_behavior();

    // Close everything still open, outside callbacks.
    for (slot& s : slots_) {
        if (s.process != 0) (void)zlhcs_process_close(std::exchange(s.process, 0));
        if (s.system != 0) (void)zlhcs_system_close(std::exchange(s.system, 0));
    }
    std::mt19937_64 rng(seed_);
    while (op_record* r = take_random_open_op(rng)) close_op(r, r->handle.load());
    while (sub_record* r = take_random_open_sub(rng)) close_sub(r, r->handle.load());
    EXPECT_EQ(sim.reset(), 0);  // ends the systems and processes the handles left running

    // Each operation settles: a callback closed inside another callback may still be about
    // to run, and a release comes after the last call (bounded wait).
    const auto settled = [this] {
        std::lock_guard lock(registry_mutex_);
        for (const auto& r : ops_) {
            const bool ok = r->started.load();
            const int32_t closed = r->close_result.load();
            if (ok && closed == not_closed) return false;  // a claimed close still running
            const int expected_calls = ok && closed == ZLHCS_S_OK ? 1 : 0;
            if (r->calls.load() != expected_calls || r->releases.load() != (ok ? 1 : 0)) return false;
        }
        for (const auto& r : subs_) {
            if (r->releases.load() != (r->started.load() ? 1 : 0)) return false;
        }
        return true;
    };
    const auto until = clock_type::now() + std::chrono::seconds(60);
    while (!settled() && clock_type::now() < until) std::this_thread::yield();  // polls, bounded by `until`

    std::size_t ops_started = 0;
    std::size_t callbacks = 0;
    std::size_t suppressed = 0;
    {
        std::lock_guard lock(registry_mutex_);
        for (const auto& r : ops_) {
            const bool ok = r->started.load();
            const int32_t closed = r->close_result.load();
            ops_started += ok ? 1 : 0;
            callbacks += static_cast<std::size_t>(r->calls.load());
            suppressed += ok && r->has_callback && closed == ZLHCS_S_FALSE ? 1 : 0;
            const int expected_calls = ok && closed == ZLHCS_S_OK ? 1 : 0;
            if (r->calls.load() > 1) violation(std::string(r->what) + ": callback called " + std::to_string(r->calls.load()) + " times");
            else if (r->calls.load() != expected_calls)
                violation(std::string(r->what) + (ok ? ": close returned " + hex(closed) : std::string(": start failed")) +
                          " but the callback was called " + std::to_string(r->calls.load()) + " time(s)" +
                          (r->has_callback ? "" : " (no callback given)"));
            if (r->releases.load() != (ok ? 1 : 0))
                violation(std::string(r->what) + (ok ? "" : " (start failed)") + ": release notifier ran " +
                          std::to_string(r->releases.load()) + " time(s)");
        }
        for (const auto& r : subs_) {
            if (r->releases.load() != (r->started.load() ? 1 : 0))
                violation(std::string(r->queue ? "queue" : "callback") + " subscription" +
                          (r->started.load() ? "" : " (subscribe failed)") + ": release notifier ran " +
                          std::to_string(r->releases.load()) + " time(s)");
        }
        std::size_t subs_made = 0;
        for (const auto& r : subs_) subs_made += r->started.load() ? 1 : 0;
        std::printf("[ soak     ] %llu actions, %llu faults injected (%llu disconnects); %zu operations started "
                    "(%zu callbacks, %zu suppressed by a close), %zu of %zu subscribes succeeded\n",
                    static_cast<unsigned long long>(actions.load()), static_cast<unsigned long long>(injections.load()),
                    static_cast<unsigned long long>(disconnects.load()), ops_started, callbacks, suppressed, subs_made,
                    subs_.size());
    }
    {
        std::lock_guard lock(messages_mutex_);
        std::string list;
        for (const auto& m : messages_) list += "  " + m + "\n";
        EXPECT_EQ(violations_.load(), 0u) << "violations (the first " << messages_.size() << "):\n" << list;
    }

    hcsim_live_objects live{};
    const auto hcsim_until = clock_type::now() + std::chrono::seconds(30);
    for (;;) {
        live = sim.live_objects();
        const bool zero = live.operations == 0 && live.system_handles == 0 && live.process_handles == 0 &&
                          live.strings == 0 && live.pending_completions == 0;
        if (zero || clock_type::now() >= hcsim_until) break;
        std::this_thread::yield();  // polls, bounded by `hcsim_until`
    }
    EXPECT_EQ(live.operations, 0u) << "hcsim operations left";
    EXPECT_EQ(live.system_handles, 0u) << "hcsim system handles left";
    EXPECT_EQ(live.process_handles, 0u) << "hcsim process handles left";
    EXPECT_EQ(live.strings, 0u) << "hcsim strings left";
    EXPECT_EQ(live.pending_completions, 0u) << "hcsim completions pending";
    const std::string left = zlhcs_test::wait_for_zero_counts(true, std::chrono::seconds(30));
    EXPECT_TRUE(left.empty()) << "zlhcs_debug_counts after the soak: " << left;
    const std::string strict = sim.take_violations();
    EXPECT_TRUE(strict.empty()) << strict;
}

TEST(soak, random_operations_on_random_handles_under_injected_faults_keep_every_promise) {
    const uint64_t seed = env_number("ZLHCS_SOAK_SEED", std::random_device{}());
    const auto seconds = std::chrono::seconds(env_number("ZLHCS_SOAK_SECONDS", 10));
    std::printf("[ seed     ] ZLHCS_SOAK_SEED=%llu ZLHCS_SOAK_SECONDS=%lld\n", static_cast<unsigned long long>(seed),
                static_cast<long long>(seconds.count()));
    std::fflush(stdout);
    const hcsim_client& sim = hcsim_client::instance();
    ASSERT_EQ(sim.reset(), 0);
    (void)sim.take_violations();
    auto run = std::make_unique<soak>(seed);  // records live to the end of the run
    run->run(seconds);
    // A failed run may have left a context unreleased: its callback could still come.
    if (::testing::Test::HasFailure()) (void)run.release();
}

}  // namespace
