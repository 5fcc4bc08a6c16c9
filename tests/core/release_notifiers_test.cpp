// Callback contexts (zlhcs.h "Callback contexts and release notifiers"; issue 15, points 1 and
// 2). For every function that takes a callback context:
//   - the release notifier runs exactly once per successful call, after the last call of the
//     callback has returned, or once it is certain the callback will never run: on
//     completion, on close (from any thread, inside or outside callbacks), on the close of the
//     system or process handle, on a service disconnect, after a failure injected after the
//     start; never when the starting call fails;
//   - no callback runs before its starting call has written every out-parameter (in hcsim's
//     inline mode every operation completes inside its starting call).
// A probe per context records every call and counts what would break those rules.
#include "event_support.hpp"

#include <functional>
#include <memory>
#include <random>

namespace zlhcs_core_test {
namespace {

constexpr uint32_t hcs_unknown_type = 7;  // delivered as ZLHCS_EVENT_UNKNOWN
constexpr zlhcs_hresult injected_failure = ZLHCS_HCS_E_INVALID_STATE;

/// One callback context: what the callback and the release notifier saw.
struct context_probe {
    // The starting call's out-parameters, written by zlhcs before any callback may run.
    zlhcs_operation operation = 0;
    zlhcs_handle created = 0;  // out_system / out_process of a create
    zlhcs_subscription subscription = 0;
    bool expects_created = false;

    std::atomic<int> callbacks{0};
    std::atomic<int> releases{0};
    std::atomic<int> inside{0};
    std::atomic<zlhcs_hresult> result{1};
    std::atomic<bool> on_caller_thread{false};
    std::thread::id caller = std::this_thread::get_id();
    // Rule breaks: a callback before the out-parameters were written, a callback after the
    // release, a release while a callback runs, a second release.
    std::atomic<int> before_outputs{0};
    std::atomic<int> after_release{0};
    std::atomic<int> release_during_callback{0};
    std::atomic<int> double_release{0};
    // Optional: what a callback does (block, close something).
    std::function<void(context_probe&)> during_callback;

    void enter() {
        if (releases.load() != 0) after_release.fetch_add(1);
        inside.fetch_add(1);
        if (std::this_thread::get_id() == caller) on_caller_thread.store(true);
    }
    void leave() {
        if (during_callback) during_callback(*this);
        if (releases.load() != 0) after_release.fetch_add(1);
        inside.fetch_sub(1);
        callbacks.fetch_add(1);
    }

    static void ZLHCS_CALL on_operation(zlhcs_operation op, zlhcs_hresult hr, void* context) {
        auto* self = static_cast<context_probe*>(context);
        self->enter();
        if (op != self->operation || (self->expects_created && self->created == 0)) self->before_outputs.fetch_add(1);
        self->result.store(hr);
        self->leave();
    }
    static void ZLHCS_CALL on_event(const zlhcs_event* event, void* context) {
        auto* self = static_cast<context_probe*>(context);
        self->enter();
        if (event == nullptr || event->subscription != self->subscription) self->before_outputs.fetch_add(1);
        self->leave();
    }
    static void ZLHCS_CALL on_release(void* context) {
        auto* self = static_cast<context_probe*>(context);
        if (self->inside.load() != 0) self->release_during_callback.fetch_add(1);
        if (self->releases.fetch_add(1) != 0) self->double_release.fetch_add(1);
    }

    [[nodiscard]] int violations() const {
        return before_outputs.load() + after_release.load() + release_during_callback.load() + double_release.load();
    }
    [[nodiscard]] std::string report() const {
        return "callbacks " + std::to_string(callbacks.load()) + ", releases " + std::to_string(releases.load()) +
               ", before outputs " + std::to_string(before_outputs.load()) + ", after release " +
               std::to_string(after_release.load()) + ", release during callback " +
               std::to_string(release_during_callback.load()) + ", double release " +
               std::to_string(double_release.load());
    }
    bool wait_released() {
        return eventually([this] { return releases.load() >= 1; });
    }
};

/// What every *_async call needs: a running VM and a long-running process in it.
struct world {
    std::string id = unique_id("release");
    system_guard system;
    process_guard process;

    world() {
        system.handle = running_system(id, vm_config);
        if (system.handle != 0) process.handle = create_process(system, long_sleep);
    }
};

/// A function that takes a callback context, started with a probe's triple.
struct async_entry {
    const char* name;
    const char* hcs_function;  // its HCS entry point (latency, faults); nullptr for exit watches
    enum kind_t { operation, create_system, create_process, system_exit_watch, process_exit_watch } kind;
    std::function<zlhcs_hresult(world&, context_probe&)> start;
};

constexpr auto* op_cb = &context_probe::on_operation;
constexpr auto* release_cb = &context_probe::on_release;

template <typename Verb>
async_entry system_verb(const char* name, const char* hcs_function, Verb verb, const char* options = nullptr) {
    return {name, hcs_function, async_entry::operation, [verb, options](world& w, context_probe& p) {
                return verb(w.system, options, op_cb, &p, release_cb, &p.operation);
            }};
}

template <typename Verb>
async_entry process_verb(const char* name, const char* hcs_function, Verb verb, const char* options = nullptr) {
    return {name, hcs_function, async_entry::operation, [verb, options](world& w, context_probe& p) {
                return verb(w.process, options, op_cb, &p, release_cb, &p.operation);
            }};
}

/// Every function of the ABI that takes an operation callback context (the two *_subscribe
/// functions have tests of their own below).
std::vector<async_entry> async_entries() {
    const char* modify = R"({"ResourcePath":"VirtualMachine/ComputeTopology/Memory/SizeInMB","RequestType":"Update","Settings":2048})";
    const char* console = R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})";
    std::vector<async_entry> entries = {
        {"zlhcs_system_create_async", "HcsCreateComputeSystem", async_entry::create_system,
         [](world&, context_probe& p) {
             p.expects_created = true;
             return zlhcs_system_create_async(unique_id("created").c_str(), container_config, nullptr, op_cb, &p,
                                              release_cb, &p.created, &p.operation);
         }},
        system_verb("zlhcs_system_start_async", "HcsStartComputeSystem", zlhcs_system_start_async),
        system_verb("zlhcs_system_shutdown_async", "HcsShutDownComputeSystem", zlhcs_system_shutdown_async),
        system_verb("zlhcs_system_terminate_async", "HcsTerminateComputeSystem", zlhcs_system_terminate_async),
        system_verb("zlhcs_system_crash_async", "HcsCrashComputeSystem", zlhcs_system_crash_async),
        system_verb("zlhcs_system_pause_async", "HcsPauseComputeSystem", zlhcs_system_pause_async),
        system_verb("zlhcs_system_resume_async", "HcsResumeComputeSystem", zlhcs_system_resume_async),
        system_verb("zlhcs_system_save_async", "HcsSaveComputeSystem", zlhcs_system_save_async),
        system_verb("zlhcs_system_properties_async", "HcsGetComputeSystemProperties", zlhcs_system_properties_async),
        {"zlhcs_system_modify_async", "HcsModifyComputeSystem", async_entry::operation,
         [modify](world& w, context_probe& p) {
             return zlhcs_system_modify_async(w.system, modify, nullptr, op_cb, &p, release_cb, &p.operation);
         }},
        {"zlhcs_system_enumerate_async", "HcsEnumerateComputeSystems", async_entry::operation,
         [](world&, context_probe& p) {
             return zlhcs_system_enumerate_async(nullptr, nullptr, op_cb, &p, release_cb, &p.operation);
         }},
        {"zlhcs_process_create_async", "HcsCreateProcess", async_entry::create_process,
         [](world& w, context_probe& p) {
             p.expects_created = true;
             const std::string doc = parameters(long_sleep);
             return zlhcs_process_create_async(w.system, doc.c_str(), nullptr, op_cb, &p, release_cb, &p.created,
                                               &p.operation);
         }},
        {"zlhcs_process_info_async", "HcsGetProcessInfo", async_entry::operation,
         [](world& w, context_probe& p) {
             return zlhcs_process_info_async(w.process, op_cb, &p, release_cb, &p.operation);
         }},
        process_verb("zlhcs_process_signal_async", "HcsSignalProcess", zlhcs_process_signal_async, R"({"Signal":"CtrlC"})"),
        process_verb("zlhcs_process_terminate_async", "HcsTerminateProcess", zlhcs_process_terminate_async),
        process_verb("zlhcs_process_properties_async", "HcsGetProcessProperties", zlhcs_process_properties_async),
        process_verb("zlhcs_process_modify_async", "HcsModifyProcess", zlhcs_process_modify_async, console),
        {"zlhcs_system_wait_exit_async", nullptr, async_entry::system_exit_watch,
         [](world& w, context_probe& p) {
             return zlhcs_system_wait_exit_async(w.system, op_cb, &p, release_cb, &p.operation);
         }},
        {"zlhcs_process_wait_exit_async", nullptr, async_entry::process_exit_watch,
         [](world& w, context_probe& p) {
             return zlhcs_process_wait_exit_async(w.process, op_cb, &p, release_cb, &p.operation);
         }},
    };
    return entries;
}

/// Makes an exit watch's object exit (nothing for other entries).
void trigger(const async_entry& entry, world& w) {
    if (entry.kind == async_entry::system_exit_watch) {
        EXPECT_EQ(zlhcs_system_terminate(w.system, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    } else if (entry.kind == async_entry::process_exit_watch) {
        EXPECT_EQ(zlhcs_process_terminate(w.process, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    }
}

/// Closes what a create handed out (the system or process stays to hcsim's reset).
void close_created(const async_entry& entry, context_probe& p) {
    if (p.created == 0) return;
    if (entry.kind == async_entry::create_system) {
        EXPECT_EQ(zlhcs_system_close(p.created), ZLHCS_S_OK);
    }
    if (entry.kind == async_entry::create_process) {
        (void)zlhcs_process_terminate(p.created, nullptr, hang_bound_ms, nullptr);
        EXPECT_EQ(zlhcs_process_close(p.created), ZLHCS_S_OK);
    }
    p.created = 0;
}

bool is_exit_watch(const async_entry& entry) {
    return entry.kind == async_entry::system_exit_watch || entry.kind == async_entry::process_exit_watch;
}

class release_notifiers : public core_test {
protected:
    static uint64_t contexts() { return zlhcs_test::debug_counts().contexts; }
};

TEST_F(release_notifiers, every_call_calls_back_once_then_releases_once) {
    for (const async_entry& entry : async_entries()) {
        SCOPED_TRACE(entry.name);
        world w;
        context_probe p;
        ASSERT_EQ(entry.start(w, p), ZLHCS_S_OK) << last_error().message;
        EXPECT_NE(p.operation, 0u);
        trigger(entry, w);
        ASSERT_TRUE(p.wait_released()) << p.report();
        EXPECT_EQ(p.callbacks.load(), 1) << p.report();
        EXPECT_EQ(p.violations(), 0) << p.report();
        EXPECT_NE(p.result.load(), 1) << "the callback saw no result";
        EXPECT_EQ(zlhcs_operation_close(p.operation), ZLHCS_S_OK) << "the callback ran";
        EXPECT_EQ(p.releases.load(), 1) << "released again by the close";
        close_created(entry, p);
    }
}

TEST_F(release_notifiers, a_close_before_completion_releases_before_it_returns_and_nothing_is_called) {
    std::vector<std::unique_ptr<context_probe>> probes;
    std::vector<std::unique_ptr<world>> worlds;
    for (const async_entry& entry : async_entries()) {
        SCOPED_TRACE(entry.name);
        worlds.push_back(std::make_unique<world>());
        probes.push_back(std::make_unique<context_probe>());
        context_probe& p = *probes.back();
        // Slow enough that the close comes first (exit watches wait for an exit anyway).
        if (entry.hcs_function != nullptr) {
            ASSERT_EQ(sim().set_latency(entry.hcs_function, 300), 0);
        }
        const zlhcs_hresult started = entry.start(*worlds.back(), p);
        if (entry.hcs_function != nullptr) {
            ASSERT_EQ(sim().set_latency(entry.hcs_function, 0), 0);
        }
        ASSERT_EQ(started, ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(zlhcs_operation_close(p.operation), ZLHCS_S_FALSE) << "the callback was suppressed";
        EXPECT_EQ(p.releases.load(), 1) << "a close outside callbacks that suppressed the callback releases at once";
        if (is_exit_watch(entry)) trigger(entry, *worlds.back());
    }
    ASSERT_TRUE(settled()) << "the operations HCS still ran did not complete";
    const auto entries = async_entries();
    for (std::size_t i = 0; i < probes.size(); ++i) {
        SCOPED_TRACE(entries[i].name);
        EXPECT_EQ(probes[i]->callbacks.load(), 0) << probes[i]->report();
        EXPECT_EQ(probes[i]->releases.load(), 1) << probes[i]->report();
        EXPECT_EQ(probes[i]->violations(), 0) << probes[i]->report();
        close_created(entries[i], *probes[i]);
    }
}

// Issue 15, point 2: every completion comes inside the starting call (hcsim's inline mode, as
// Windows Server 2022 does for HcsCreateProcess): the callback still runs only after the call
// has written every out-parameter, on a zlhcs delivery thread, and then the release.
TEST_F(release_notifiers, completions_inside_the_starting_call_call_back_after_it_returned) {
    ASSERT_EQ(sim().set_behavior(hcsim_client::run_behavior() | HCSIM_BEHAVIOR_INLINE_COMPLETION), 0);
    for (const async_entry& entry : async_entries()) {
        SCOPED_TRACE(entry.name);
        world w;
        // An exit watch completes inside its call when the exit came before it.
        trigger(entry, w);
        context_probe p;
        ASSERT_EQ(entry.start(w, p), ZLHCS_S_OK) << last_error().message;
        ASSERT_TRUE(p.wait_released()) << p.report();
        EXPECT_EQ(p.callbacks.load(), 1) << p.report();
        EXPECT_EQ(p.before_outputs.load(), 0) << "a callback ran before the out-parameters were written";
        EXPECT_FALSE(p.on_caller_thread.load()) << "a callback ran on the starting thread";
        EXPECT_EQ(p.violations(), 0) << p.report();
        EXPECT_EQ(zlhcs_operation_close(p.operation), ZLHCS_S_OK);
        close_created(entry, p);
    }
}

TEST_F(release_notifiers, a_failure_injected_after_the_start_is_called_back_then_released) {
    for (const async_entry& entry : async_entries()) {
        if (entry.hcs_function == nullptr) continue;  // exit watches: no HCS call (handle close below)
        SCOPED_TRACE(entry.name);
        world w;
        context_probe p;
        ASSERT_EQ(sim().fail_next_calls(entry.hcs_function, 1, injected_failure, fault_async), 0);
        ASSERT_EQ(entry.start(w, p), ZLHCS_S_OK) << last_error().message;
        ASSERT_TRUE(p.wait_released()) << p.report();
        EXPECT_EQ(p.callbacks.load(), 1) << p.report();
        EXPECT_EQ(p.result.load(), injected_failure) << hex(p.result.load());
        EXPECT_EQ(p.violations(), 0) << p.report();
        EXPECT_EQ(zlhcs_operation_close(p.operation), ZLHCS_S_OK);
        close_created(entry, p);  // a failed create hands out its system (async form)
    }
}

TEST_F(release_notifiers, a_starting_call_that_fails_never_releases_and_holds_nothing) {
    const uint64_t before = contexts();
    for (const async_entry& entry : async_entries()) {
        SCOPED_TRACE(entry.name);
        world w;
        context_probe p;
        if (entry.hcs_function != nullptr) {
            ASSERT_EQ(sim().fail_next_calls(entry.hcs_function, 1, injected_failure, fault_immediate), 0);
        } else if (entry.kind == async_entry::system_exit_watch) {
            w.system.reset();  // a closed handle: the watch cannot start
        } else {
            w.process.reset();
        }
        EXPECT_LT(entry.start(w, p), 0);
        EXPECT_EQ(p.operation, 0u);
        EXPECT_EQ(contexts(), before) << "zlhcs holds the context of a call that failed";
        ASSERT_TRUE(settled());
        EXPECT_EQ(p.callbacks.load(), 0) << p.report();
        EXPECT_EQ(p.releases.load(), 0) << "the caller still owns the context of a failed call";
    }
    // A required argument missing: refused before anything starts.
    context_probe p;
    world w;
    EXPECT_EQ(zlhcs_system_start_async(w.system, nullptr, op_cb, &p, release_cb, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_subscribe(w.system, 0, 0, &context_probe::on_event, &p, release_cb, &p.subscription),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(contexts(), before);
    EXPECT_EQ(p.releases.load(), 0);
}

TEST_F(release_notifiers, a_service_disconnect_calls_back_pending_operations_then_releases_them) {
    std::vector<std::unique_ptr<world>> worlds;
    std::vector<std::unique_ptr<context_probe>> probes;
    const auto entries = async_entries();
    for (const async_entry& entry : entries) {
        worlds.push_back(std::make_unique<world>());
        probes.push_back(std::make_unique<context_probe>());
        if (entry.hcs_function != nullptr) {
            ASSERT_EQ(sim().set_latency(entry.hcs_function, 1000), 0);
        }
        const zlhcs_hresult started = entry.start(*worlds.back(), *probes.back());
        if (entry.hcs_function != nullptr) {
            ASSERT_EQ(sim().set_latency(entry.hcs_function, 0), 0);
        }
        ASSERT_EQ(started, ZLHCS_S_OK) << entry.name << ": " << last_error().message;
    }
    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        SCOPED_TRACE(entries[i].name);
        context_probe& p = *probes[i];
        ASSERT_TRUE(p.wait_released()) << p.report();
        EXPECT_EQ(p.callbacks.load(), 1) << p.report();
        EXPECT_EQ(p.result.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT) << hex(p.result.load());
        EXPECT_EQ(p.violations(), 0) << p.report();
        EXPECT_EQ(zlhcs_operation_close(p.operation), ZLHCS_S_OK);
    }
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
    for (std::size_t i = 0; i < entries.size(); ++i) close_created(entries[i], *probes[i]);
    check_leaks_ = false;  // the disconnect abandoned hcsim work that zlhcs no longer waits for
    worlds.clear();
    EXPECT_TRUE(zlhcs_test::wait_for_zero_counts(false).empty()) << zlhcs_test::wait_for_zero_counts(false);
}

// Closing the system or process handle ends its exit watches (ZLHCS_E_INVALID_HANDLE) and its
// subscriptions: each context is released once, and closing the subscription later releases
// nothing more.
TEST_F(release_notifiers, closing_the_handle_releases_exit_watches_and_subscriptions_once) {
    world w;
    context_probe system_watch;
    context_probe process_watch;
    context_probe system_events;
    context_probe process_events;
    ASSERT_EQ(zlhcs_system_wait_exit_async(w.system, op_cb, &system_watch, release_cb, &system_watch.operation), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_wait_exit_async(w.process, op_cb, &process_watch, release_cb, &process_watch.operation),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_subscribe(w.system, ZLHCS_EVENT_ALL, 0, &context_probe::on_event, &system_events, release_cb,
                                     &system_events.subscription),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_subscribe(w.process, ZLHCS_EVENT_ALL, 0, &context_probe::on_event, &process_events,
                                      release_cb, &process_events.subscription),
              ZLHCS_S_OK);
    w.process.reset();
    EXPECT_EQ(process_events.releases.load(), 1) << "the process handle's close ended its subscription";
    ASSERT_TRUE(process_watch.wait_released()) << process_watch.report();
    EXPECT_EQ(process_watch.result.load(), ZLHCS_E_INVALID_HANDLE);
    w.system.reset();
    EXPECT_EQ(system_events.releases.load(), 1) << "the system handle's close ended its subscription";
    ASSERT_TRUE(system_watch.wait_released()) << system_watch.report();
    EXPECT_EQ(system_watch.result.load(), ZLHCS_E_INVALID_HANDLE);
    for (context_probe* p : {&system_events, &process_events}) {
        EXPECT_EQ(zlhcs_subscription_close(p->subscription), ZLHCS_S_OK);
        EXPECT_EQ(p->releases.load(), 1) << "released again by the subscription's close";
        EXPECT_EQ(p->violations(), 0) << p->report();
    }
    for (context_probe* p : {&system_watch, &process_watch}) {
        EXPECT_EQ(p->callbacks.load(), 1) << p->report();
        EXPECT_EQ(p->violations(), 0) << p->report();
        EXPECT_EQ(zlhcs_operation_close(p->operation), ZLHCS_S_OK);
    }
}

TEST_F(release_notifiers, a_subscription_releases_once_after_its_last_callback) {
    world w;
    uint32_t pid = 0;
    ASSERT_EQ(zlhcs_process_id(w.process, &pid), ZLHCS_S_OK);
    for (const bool of_process : {false, true}) {
        SCOPED_TRACE(of_process ? "zlhcs_process_subscribe" : "zlhcs_system_subscribe");
        context_probe p;
        const zlhcs_hresult subscribed =
            of_process ? zlhcs_process_subscribe(w.process, ZLHCS_EVENT_ALL, 0, &context_probe::on_event, &p, release_cb,
                                                 &p.subscription)
                       : zlhcs_system_subscribe(w.system, ZLHCS_EVENT_ALL, 0, &context_probe::on_event, &p, release_cb,
                                                &p.subscription);
        ASSERT_EQ(subscribed, ZLHCS_S_OK);
        for (int i = 0; i < 3; ++i) emit(w.id, hcs_unknown_type, nullptr, of_process ? pid : 0);
        ASSERT_TRUE(eventually([&] { return p.callbacks.load() == 3; })) << p.report();
        EXPECT_EQ(p.releases.load(), 0) << "released while the subscription lives";
        EXPECT_EQ(zlhcs_subscription_close(p.subscription), ZLHCS_S_OK);
        EXPECT_EQ(p.releases.load(), 1) << "a close outside callbacks releases before it returns";
        EXPECT_EQ(p.violations(), 0) << p.report();
    }
    // A queue subscription has no callback: its context is released when it closes.
    context_probe queue;
    ASSERT_EQ(zlhcs_system_subscribe(w.system, ZLHCS_EVENT_ALL, 0, nullptr, &queue, release_cb, &queue.subscription),
              ZLHCS_S_OK);
    emit(w.id, hcs_unknown_type, nullptr);
    EXPECT_TRUE(next_event(queue.subscription, hang_bound_ms).has_value());
    EXPECT_EQ(queue.releases.load(), 0);
    EXPECT_EQ(zlhcs_subscription_close(queue.subscription), ZLHCS_S_OK);
    EXPECT_EQ(queue.releases.load(), 1);
    EXPECT_EQ(queue.callbacks.load(), 0);
}

// The measured case of issue 15: subscription A's callback is blocked; B's callback, on another
// delivery thread, closes A. The close returns at once (inside a callback it never waits), A's
// callback is never called again, and A's context is released only after A's blocked call has
// returned, by the thread that ran it.
TEST_F(release_notifiers, a_close_inside_another_callback_releases_only_after_the_blocked_callback_returned) {
    world w;
    std::mutex mutex;
    std::condition_variable changed;
    bool a_entered = false;
    bool let_a_go = false;
    std::atomic<bool> a_closed_while_blocked{false};
    std::atomic<int> a_releases_seen_by_closer{-1};

    context_probe a;
    context_probe b;
    a.during_callback = [&](context_probe&) {
        std::unique_lock lock(mutex);
        a_entered = true;
        changed.notify_all();
        changed.wait_for(lock, std::chrono::milliseconds(hang_bound_ms), [&] { return let_a_go; });
    };
    b.during_callback = [&](context_probe&) {
        if (a_closed_while_blocked.load()) return;
        {
            std::unique_lock lock(mutex);
            if (!changed.wait_for(lock, std::chrono::milliseconds(hang_bound_ms), [&] { return a_entered; })) return;
        }
        EXPECT_EQ(zlhcs_subscription_close(a.subscription), ZLHCS_S_OK);  // returns while A is blocked
        a_releases_seen_by_closer.store(a.releases.load());
        a_closed_while_blocked.store(true);
    };
    ASSERT_EQ(zlhcs_system_subscribe(w.system, ZLHCS_EVENT_UNKNOWN, 0, &context_probe::on_event, &a, release_cb,
                                     &a.subscription),
              ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_subscribe(w.system, ZLHCS_EVENT_UNKNOWN, 0, &context_probe::on_event, &b, release_cb,
                                     &b.subscription),
              ZLHCS_S_OK);
    emit(w.id, hcs_unknown_type, nullptr);
    emit(w.id, hcs_unknown_type, nullptr);  // A has a second event queued behind the blocked one
    ASSERT_TRUE(eventually([&] { return a_closed_while_blocked.load(); }, std::chrono::milliseconds(hang_bound_ms)));
    EXPECT_EQ(a_releases_seen_by_closer.load(), 0) << "A's context was released while its callback was blocked";
    EXPECT_EQ(a.inside.load(), 1) << "A's callback is still blocked";
    EXPECT_EQ(a.releases.load(), 0);
    {
        std::lock_guard lock(mutex);
        let_a_go = true;
    }
    changed.notify_all();
    ASSERT_TRUE(a.wait_released()) << a.report();
    EXPECT_EQ(a.callbacks.load(), 1) << "A's queued event was delivered after its close";
    EXPECT_EQ(a.violations(), 0) << a.report();
    EXPECT_EQ(zlhcs_subscription_close(b.subscription), ZLHCS_S_OK);
    EXPECT_EQ(b.releases.load(), 1);
    EXPECT_EQ(b.violations(), 0) << b.report();
}

// A disconnect is an event, not an end: subscriptions hear it and keep their contexts until
// they are closed.
TEST_F(release_notifiers, a_service_disconnect_keeps_subscriptions_until_their_close) {
    world w;
    context_probe p;
    ASSERT_EQ(zlhcs_system_subscribe(w.system, ZLHCS_EVENT_SERVICE_DISCONNECT, 0, &context_probe::on_event, &p, release_cb,
                                     &p.subscription),
              ZLHCS_S_OK);
    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    ASSERT_TRUE(eventually([&] { return p.callbacks.load() == 1; })) << p.report();
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
    EXPECT_EQ(p.releases.load(), 0);
    EXPECT_EQ(zlhcs_subscription_close(p.subscription), ZLHCS_S_OK);
    EXPECT_EQ(p.releases.load(), 1);
    EXPECT_EQ(p.violations(), 0) << p.report();
}

// Many threads start operations and subscriptions, close them from anywhere (their own thread,
// other threads, inside other contexts' callbacks), close systems and processes under them,
// while events fly and the service disconnects once. Every successful call's context is
// released exactly once, never during or before a callback, and no callback comes before its
// call's out-parameters; at the end zlhcs holds no context.
TEST_F(release_notifiers, racing_threads_never_break_the_release_rule) {
    constexpr int threads = 8;
    constexpr int actions = 120;
    const unsigned seed = std::random_device{}();
    std::printf("[ release ] seed %u\n", seed);
    SCOPED_TRACE("seed " + std::to_string(seed));

    constexpr std::size_t slots = 16;
    std::vector<std::unique_ptr<world>> worlds;
    for (std::size_t i = 0; i < 4; ++i) worlds.push_back(std::make_unique<world>());
    std::vector<uint32_t> pids;
    for (auto& w : worlds) {
        uint32_t pid = 0;
        EXPECT_EQ(zlhcs_process_id(w->process, &pid), ZLHCS_S_OK);
        pids.push_back(pid);
    }
    // Handles any thread (or callback) may close: operations and subscriptions.
    std::array<std::atomic<zlhcs_operation>, slots> operations{};
    std::array<std::atomic<zlhcs_subscription>, slots> subscriptions{};
    std::mutex probes_mutex;
    std::vector<std::unique_ptr<context_probe>> probes;  // outlive every use (checked below)
    std::atomic<int> started{0};
    std::atomic<int> refused{0};

    const auto close_some = [&](std::mt19937& random) {
        const std::size_t i = random() % slots;
        if (random() % 2 == 0) {
            if (const zlhcs_operation op = operations[i].exchange(0)) (void)zlhcs_operation_close(op);
        } else {
            if (const zlhcs_subscription s = subscriptions[i].exchange(0)) (void)zlhcs_subscription_close(s);
        }
    };
    const auto new_probe = [&](std::mt19937& random) -> context_probe& {
        auto probe = std::make_unique<context_probe>();
        // A third of the callbacks close something themselves; some block briefly.
        const unsigned behaviour = random() % 6;
        const unsigned local_seed = random();
        if (behaviour < 2) {
            probe->during_callback = [&close_some, local_seed](context_probe&) {
                std::mt19937 inner(local_seed);
                close_some(inner);
            };
        } else if (behaviour == 2) {
            // Real time on purpose: a callback still running while other threads close its
            // operation or subscription, so closes meet calls in progress.
            probe->during_callback = [](context_probe&) { std::this_thread::sleep_for(std::chrono::milliseconds(2)); };
        }
        std::lock_guard lock(probes_mutex);
        probes.push_back(std::move(probe));
        return *probes.back();
    };

    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937 random(seed + static_cast<unsigned>(t));
            for (int a = 0; a < actions; ++a) {
                world& w = *worlds[random() % worlds.size()];
                const std::size_t slot = random() % slots;
                context_probe& p = new_probe(random);
                zlhcs_hresult hr = ZLHCS_S_OK;
                switch (random() % 6) {
                case 0:
                    hr = zlhcs_system_properties_async(w.system, nullptr, op_cb, &p, release_cb, &p.operation);
                    break;
                case 1:
                    hr = zlhcs_process_properties_async(w.process, nullptr, op_cb, &p, release_cb, &p.operation);
                    break;
                case 2:
                    hr = zlhcs_system_wait_exit_async(w.system, op_cb, &p, release_cb, &p.operation);
                    break;
                case 3:
                    hr = zlhcs_process_wait_exit_async(w.process, op_cb, &p, release_cb, &p.operation);
                    break;
                default:
                    hr = zlhcs_system_subscribe(w.system, ZLHCS_EVENT_ALL, 4, &context_probe::on_event, &p, release_cb,
                                                &p.subscription);
                    break;
                }
                if (hr < 0) {
                    refused.fetch_add(1);
                    continue;
                }
                started.fetch_add(1);
                // Publish the handle for others to close; close what was there, or this one now.
                if (p.operation != 0) {
                    if (random() % 3 == 0) {
                        (void)zlhcs_operation_close(p.operation);
                    } else if (const zlhcs_operation old = operations[slot].exchange(p.operation)) {
                        (void)zlhcs_operation_close(old);
                    }
                } else if (random() % 3 == 0) {
                    (void)zlhcs_subscription_close(p.subscription);
                } else if (const zlhcs_subscription old = subscriptions[slot].exchange(p.subscription)) {
                    (void)zlhcs_subscription_close(old);
                }
                // Events (refused while the service is disconnected: that is fine here).
                const std::size_t which = random() % worlds.size();
                uint32_t targets = 0;
                if (random() % 2 == 0) {
                    (void)sim().emit_event(nullptr, worlds[which]->id.c_str(), 0, hcs_unknown_type, nullptr, &targets);
                }
                if (random() % 4 == 0) {
                    (void)sim().emit_event(nullptr, worlds[which]->id.c_str(), pids[which], hcs_unknown_type, nullptr,
                                           &targets);
                }
                if (random() % 8 == 0) close_some(random);
            }
        });
    }
    // Midway: one service disconnect under the running workers.
    EXPECT_TRUE(eventually([&] { return started.load() + refused.load() >= threads * actions / 2; }));
    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
    for (auto& worker : workers) worker.join();

    // Close what is left; closing the handles ends the remaining watches and subscriptions.
    for (auto& op : operations) {
        if (const zlhcs_operation h = op.exchange(0)) (void)zlhcs_operation_close(h);
    }
    for (auto& s : subscriptions) {
        if (const zlhcs_subscription h = s.exchange(0)) (void)zlhcs_subscription_close(h);
    }
    worlds.clear();
    // Every context zlhcs held is released (the counter covers all of them)...
    const std::string left = zlhcs_test::wait_for_zero_counts(false);
    EXPECT_TRUE(left.empty()) << left;
    // ... exactly once each, without a rule broken.
    int violations = 0;
    int not_released_once = 0;
    for (const auto& p : probes) {
        violations += p->violations();
        const bool succeeded = p->operation != 0 || p->subscription != 0;
        if (p->releases.load() != (succeeded ? 1 : 0)) ++not_released_once;
    }
    std::printf("[ release ] %d calls started, %d refused, %zu contexts\n", started.load(), refused.load(),
                probes.size());
    EXPECT_EQ(violations, 0);
    EXPECT_EQ(not_released_once, 0);
    EXPECT_GT(started.load(), threads * actions / 2) << "the race did not race";
    check_leaks_ = false;  // the disconnect abandoned hcsim work; zlhcs's counters were checked above
}

}  // namespace
}  // namespace zlhcs_core_test
