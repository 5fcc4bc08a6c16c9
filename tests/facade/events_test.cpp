// Events through the facade (events.hpp): callback and pull subscriptions, the handler's
// lifetime (destruction waits for a call in progress, destruction inside the handler itself or
// inside another subscription's handler), exceptions from handlers, unknown event types,
// exited() on systems and processes (wait, std::future, co_await), operation info(), moves.
#include "facade_test_support.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(_WIN32)
#include <windows.h>
#else
#include <poll.h>
#endif

#if ZLHCS_HAS_COROUTINES
#include <coroutine>
#endif

namespace {

using namespace facade_test;

static_assert(!std::is_copy_constructible_v<zlhcs::subscription>);
static_assert(!std::is_copy_assignable_v<zlhcs::subscription>);
static_assert(std::is_nothrow_move_constructible_v<zlhcs::subscription>);
static_assert(std::is_nothrow_move_assignable_v<zlhcs::subscription>);

static_assert(static_cast<std::uint32_t>(zlhcs::event_kind::events_lost) == 0);
static_assert(static_cast<std::uint32_t>(zlhcs::event_kind::process_exited) == ZLHCS_EVENT_PROCESS_EXITED);
static_assert(static_cast<std::uint32_t>(zlhcs::event_kind::unknown) == ZLHCS_EVENT_UNKNOWN);
static_assert((zlhcs::event_kind::system_exited | zlhcs::event_kind::process_exited).bits() ==
              (ZLHCS_EVENT_SYSTEM_EXITED | ZLHCS_EVENT_PROCESS_EXITED));
static_assert((zlhcs::event_mask::all() & zlhcs::event_kind::unknown) == zlhcs::event_mask(zlhcs::event_kind::unknown));
static_assert(zlhcs::event_mask::all().bits() == ZLHCS_EVENT_ALL);
static_assert(zlhcs::event_mask::all().contains(zlhcs::event_kind::service_disconnect));
static_assert(!zlhcs::event_mask(zlhcs::event_kind::system_exited).contains(zlhcs::event_kind::process_exited));
static_assert(!zlhcs::event_mask::all().contains(zlhcs::event_kind::events_lost));
static_assert(zlhcs::event_mask().empty());
static_assert(zlhcs::to_string(zlhcs::event_kind::system_exited) == "system_exited");
static_assert(zlhcs::to_string(zlhcs::event_kind::events_lost) == "events_lost");
static_assert(zlhcs::to_string(static_cast<zlhcs::event_kind>(0x100u)) == "unknown");

constexpr std::uint32_t kTypeSystemExited = 1;          // HcsEventSystemExited
constexpr std::uint32_t kTypeRdpChanged = 4;            // HcsEventSystemRdpEnhancedModeStateChanged
constexpr std::uint32_t kTypeProcessExited = 0x00010000;  // HcsEventProcessExited
constexpr std::uint32_t kTypeUnnamed = 7;               // no header names it
constexpr std::uint32_t kTypeLiveMigration = 0x80000003u;  // hcsshim's HcsEventTypeGroupLiveMigration

// Raises an event on every handle of system `id` (process_id 0) or of its process.
void emit(const std::string& id, std::uint32_t type, const char* data, std::uint32_t process_id = 0) {
    std::uint32_t targets = 0;
    ASSERT_EQ(sim().emit_event(nullptr, id.c_str(), process_id, type, data, &targets), 0);
    EXPECT_GE(targets, 1u);
}

// Events a handler collected, readable from the test thread.
class collector {
public:
    void add(const zlhcs::event& e) {
        const std::lock_guard<std::mutex> lock(mutex_);
        events_.push_back(e);
    }
    [[nodiscard]] std::size_t size() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return events_.size();
    }
    [[nodiscard]] std::vector<zlhcs::event> events() const {
        const std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    [[nodiscard]] bool wait_for(std::size_t count) const {
        return eventually([&] { return size() >= count; });
    }
    std::function<void(const zlhcs::event&)> handler() {
        return [this](const zlhcs::event& e) { add(e); };
    }

private:
    mutable std::mutex mutex_;
    std::vector<zlhcs::event> events_;
};

std::string start_running(zlhcs::compute_system& system) {
    std::string id;
    system = make_container(&id);
    system.start(kTimeout);
    return id;
}

// ---- callback form --------------------------------------------------------------------------

TEST(FacadeEvents, CallbackReceivesTheSystemExitWithItsStatus) {
    zlhcs::compute_system system;
    const std::string id = start_running(system);
    collector seen;
    const zlhcs::subscription watch = system.subscribe(zlhcs::event_kind::system_exited, seen.handler());
    ASSERT_TRUE(watch);
    EXPECT_TRUE(watch.has_handler());
    EXPECT_TRUE(system.terminate(kTimeout));
    ASSERT_TRUE(seen.wait_for(1));
    const zlhcs::event e = seen.events().front();
    EXPECT_EQ(e.kind, zlhcs::event_kind::system_exited);
    EXPECT_EQ(e.hcs_type, kTypeSystemExited);
    EXPECT_EQ(e.sequence, 1u);
    EXPECT_EQ(e.lost_count, 0u);
    EXPECT_EQ(e.process_id, 0u);
    EXPECT_EQ(e.source, system.native_handle());
    EXPECT_EQ(e.subscription, watch.native_handle());
    EXPECT_EQ(e.system_id, id);
    ASSERT_TRUE(e.data.has_value());
    const rapidjson::Document status = parse(*e.data);
    EXPECT_EQ(string_member(status, "ExitType"), "ForcedExit") << *e.data;
    EXPECT_TRUE(status.HasMember("Status")) << *e.data;
    EXPECT_EQ(watch.handler_failures(), 0u);
}

TEST(FacadeEvents, ProcessSubscriptionReceivesTheProcessExit) {
    zlhcs::compute_system system;
    (void)start_running(system);
    const zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);
    collector seen;
    const zlhcs::subscription watch = child.subscribe(zlhcs::event_kind::process_exited, seen.handler());
    EXPECT_TRUE(child.terminate(kTimeout));
    ASSERT_TRUE(seen.wait_for(1));
    const zlhcs::event e = seen.events().front();
    EXPECT_EQ(e.kind, zlhcs::event_kind::process_exited);
    EXPECT_EQ(e.hcs_type, kTypeProcessExited);
    EXPECT_EQ(e.process_id, child.id());
    EXPECT_EQ(e.source, child.native_handle());
    ASSERT_TRUE(e.data.has_value());
    const rapidjson::Document status = parse(*e.data);
    ASSERT_TRUE(status.HasMember("ExitCode")) << *e.data;
    EXPECT_EQ(status["ExitCode"].GetUint(), 1u) << *e.data;
    system.terminate(kTimeout);
}

// Point: after the destructor returns no call runs and none starts; a call in progress is
// waited for (the destructor runs outside any zlhcs callback), and the handler (with its
// captures) is destroyed before the destructor returns.
TEST(FacadeEvents, DestructionWaitsForACallInProgressAndUnsubscribes) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::atomic<int> entered{0};
    std::atomic<int> returned{0};
    std::atomic<bool> release{false};
    auto sentinel = std::make_shared<int>(42);
    const std::weak_ptr<int> sentinel_alive = sentinel;

    auto watch = std::make_unique<zlhcs::subscription>(system.subscribe(
        zlhcs::event_mask::all(), [&entered, &returned, &release, sentinel](const zlhcs::event&) {
            entered.fetch_add(1);
            while (!release.load()) std::this_thread::yield();  // the barrier
            EXPECT_EQ(*sentinel, 42);
            returned.fetch_add(1);
        }));
    sentinel.reset();
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(eventually([&] { return entered.load() == 1; }));

    std::atomic<bool> destroyed{false};
    int returned_when_destroyed = -1;
    std::thread destroyer([&] {
        watch.reset();
        returned_when_destroyed = returned.load();
        destroyed.store(true);
    });
    EXPECT_TRUE(zlhcs_test::await_waiting_calls(1));  // the destructor waits for the handler
    EXPECT_FALSE(destroyed.load()) << "the destructor returned while the handler ran";
    release.store(true);
    destroyer.join();
    EXPECT_EQ(returned_when_destroyed, 1);
    EXPECT_TRUE(sentinel_alive.expired()) << "the handler outlived the destructor";

    for (int i = 0; i < 5; ++i) emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(zlhcs_test::quiesce());  // a delivery would have come by now
    EXPECT_EQ(entered.load(), 1);
}

TEST(FacadeEvents, CloseStopsDeliveryAtOnce) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::atomic<int> calls{0};
    zlhcs::subscription watch =
        system.subscribe(zlhcs::event_kind::unknown, [&calls](const zlhcs::event&) { calls.fetch_add(1); });
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(eventually([&] { return calls.load() == 1; }));
    watch.close();
    const int after_close = calls.load();
    EXPECT_FALSE(watch);
    EXPECT_TRUE(watch.ended());
    for (int i = 0; i < 20; ++i) emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(zlhcs_test::quiesce());  // a delivery would have come by now
    EXPECT_EQ(calls.load(), after_close);
    watch.close();  // idempotent
}

// Destroying the subscription inside its own handler: the close does not wait (no deadlock),
// the running handler is not freed under itself (ASan), and it is never called again.
TEST(FacadeEvents, DestroyedInsideItsOwnHandler) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::optional<zlhcs::subscription> watch;
    std::atomic<int> calls{0};
    std::atomic<bool> done{false};
    auto sentinel = std::make_shared<std::string>("still here");
    const std::weak_ptr<std::string> sentinel_alive = sentinel;
    watch.emplace(system.subscribe(zlhcs::event_mask::all(), [&, sentinel](const zlhcs::event&) {
        calls.fetch_add(1);
        watch.reset();  // destroys the subscription, and with it (later) this handler
        // The handler and its captures are still alive here.
        EXPECT_EQ(*sentinel, "still here");
        done.store(true);
    }));
    sentinel.reset();
    emit(id, kTypeUnnamed, nullptr);
    emit(id, kTypeUnnamed, nullptr);
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(eventually([&] { return done.load(); }));
    EXPECT_FALSE(watch.has_value());
    // The handler is destroyed on the delivery thread once its call has returned.
    EXPECT_TRUE(eventually([&] { return sentinel_alive.expired(); }));
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(zlhcs_test::quiesce());  // a delivery would have come by now
    EXPECT_EQ(calls.load(), 1);
}

// The cross-thread case: subscription B's handler destroys subscription A while A's handler
// runs on another delivery thread. Inside a callback the close does not wait, so A's handler
// must stay alive until its call returns (ASan/TSan would see a use after free otherwise).
TEST(FacadeEvents, DestroyedInsideAnotherHandlerWhileItsHandlerRuns) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::atomic<bool> a_entered{false};
    std::atomic<bool> a_closed{false};
    std::atomic<bool> a_done{false};
    std::atomic<int> a_calls{0};
    std::atomic<bool> b_done{false};
    auto payload = std::make_shared<std::vector<int>>(1000, 7);
    const std::weak_ptr<std::vector<int>> payload_alive = payload;

    std::optional<zlhcs::subscription> a;
    a.emplace(system.subscribe(zlhcs::event_kind::unknown, [&, payload](const zlhcs::event&) {
        a_calls.fetch_add(1);
        a_entered.store(true);
        while (!a_closed.load()) std::this_thread::yield();
        // Real time on purpose: the close has returned on the other thread, and a release it
        // wrongly posted to another delivery thread gets the time to run before the reads.
        std::this_thread::sleep_for(20ms);
        long sum = 0;
        for (const int value : *payload) sum += value;  // the captures are still alive
        EXPECT_EQ(sum, 7000);
        a_done.store(true);
    }));
    payload.reset();
    const zlhcs::subscription b = system.subscribe(zlhcs::event_kind::unknown, [&](const zlhcs::event&) {
        if (b_done.load()) return;
        while (!a_entered.load()) std::this_thread::yield();
        a.reset();  // inside B's callback: does not wait for A's call on the other thread
        a_closed.store(true);
        b_done.store(true);
    });
    emit(id, kTypeUnnamed, nullptr);
    // B's delivery may wait behind A's blocked one: zlhcs's dispatcher (src/core/dispatcher.cpp,
    // as of this writing) posts both tasks to its one idle thread and only starts its stall
    // monitor when a task is posted while every thread is busy. A fresh subscription's first
    // event posts such a task; the monitor then adds a thread for B.
    // The next nudge only once the last one was delivered, so they do not pile up.
    std::vector<zlhcs::subscription> nudges;
    auto nudged = std::make_shared<std::atomic<std::size_t>>(0);
    const bool finished = eventually([&] {
        if (!b_done.load() && nudged->load() == nudges.size()) {
            nudges.push_back(system.subscribe(zlhcs::event_kind::unknown,
                                              [nudged](const zlhcs::event&) { nudged->fetch_add(1); }));
            std::uint32_t targets = 0;
            (void)sim().emit_event(nullptr, id.c_str(), 0, kTypeUnnamed, nullptr, &targets);
        }
        return a_done.load() && b_done.load();
    });
    a_closed.store(true);  // releases A even if B never ran (so that the test cannot hang)
    ASSERT_TRUE(finished);
    EXPECT_TRUE(eventually([&] { return payload_alive.expired(); }));
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(zlhcs_test::quiesce());  // a delivery would have come by now
    EXPECT_EQ(a_calls.load(), 1);
}

// Many subscriptions closed while events stream in, from the test thread and from inside their
// own handlers, for the sanitizers.
TEST(FacadeEvents, ClosingRacesDelivery) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::atomic<bool> stop{false};
    std::thread emitter([&] {
        std::uint32_t targets = 0;
        while (!stop.load()) {
            (void)sim().emit_event(nullptr, id.c_str(), 0, kTypeUnnamed, R"({"n":1})", &targets);
            zlhcs_test::jitter(200);
        }
    });
    for (int round = 0; round < 30; ++round) {
        std::atomic<int> calls{0};
        auto counter = std::make_shared<int>(0);
        zlhcs::subscription outer = system.subscribe(zlhcs::event_mask::all(), [&calls, counter](const zlhcs::event& e) {
            ++*counter;  // the handler's own state: called one at a time
            // Every emitted event has data; a slow host may overflow the queue (events_lost).
            EXPECT_TRUE(e.data.has_value() || e.kind == zlhcs::event_kind::events_lost);
            calls.fetch_add(1);
        });
        auto self = std::make_shared<std::optional<zlhcs::subscription>>();
        std::atomic<bool> self_closed{false};
        std::atomic<bool> published{false};  // the handler may run before subscribe() returns
        self->emplace(system.subscribe(zlhcs::event_mask::all(), [self, &self_closed, &published](const zlhcs::event&) {
            if (published.load() && !self_closed.exchange(true)) self->reset();
        }));
        published.store(true);
        zlhcs_test::jitter(static_cast<unsigned>(round % 5) * 1000u);
        outer.close();
        const int after = calls.load();
        zlhcs_test::jitter(2000);  // events keep coming meanwhile
        EXPECT_EQ(calls.load(), after);
        ASSERT_TRUE(eventually([&] { return self_closed.load(); }));
        // `self` holds itself through its handler until the handler is destroyed.
    }
    stop.store(true);
    emitter.join();
}

TEST(FacadeEvents, HandlerExceptionsAreCaughtCountedAndDeliveryGoesOn) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    std::atomic<int> calls{0};
    const zlhcs::subscription watch = system.subscribe(zlhcs::event_kind::unknown, [&calls](const zlhcs::event&) {
        const int call = calls.fetch_add(1) + 1;
        if (call == 1) throw std::runtime_error("boom");
        if (call == 2) throw 42;  // not a std::exception
    });
    emit(id, kTypeUnnamed, nullptr);
    emit(id, kTypeUnnamed, nullptr);
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(eventually([&] { return calls.load() == 3; }));
    ASSERT_TRUE(eventually([&] { return watch.handler_failures() == 2; }));
    EXPECT_EQ(watch.last_handler_failure(), "unknown exception");

    zlhcs::subscription other = system.subscribe(zlhcs::event_kind::unknown,
                                                 [](const zlhcs::event&) { throw std::logic_error("bad event"); });
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(eventually([&] { return other.handler_failures() == 1; }));
    EXPECT_EQ(other.last_handler_failure(), "bad event");
    other.close();
    EXPECT_EQ(other.handler_failures(), 1u);  // still readable after close
    EXPECT_EQ(other.last_handler_failure(), "bad event");
}

// ---- pull form ------------------------------------------------------------------------------

TEST(FacadeEvents, PullNextTimesOutThenDeliversThenEndsWhenTheHandleCloses) {
    zlhcs::compute_system system;
    const std::string id = start_running(system);
    zlhcs::subscription queue = system.subscribe(zlhcs::event_mask::all());
    ASSERT_TRUE(queue);
    EXPECT_FALSE(queue.has_handler());
    EXPECT_FALSE(queue.next(0ms).has_value());  // a poll
    const auto before = std::chrono::steady_clock::now();
    EXPECT_FALSE(queue.next(50ms).has_value());
    EXPECT_GE(std::chrono::steady_clock::now() - before, 40ms);
    EXPECT_FALSE(queue.ended());

    EXPECT_TRUE(system.terminate(kTimeout));
    const std::optional<zlhcs::event> exited = queue.next(kTimeout);
    ASSERT_TRUE(exited.has_value());
    EXPECT_EQ(exited->kind, zlhcs::event_kind::system_exited);
    EXPECT_EQ(exited->sequence, 1u);
    EXPECT_EQ(exited->system_id, id);
    ASSERT_TRUE(exited->data.has_value());
    EXPECT_EQ(string_member(parse(*exited->data), "ExitType"), "ForcedExit");

    system.close();  // ends the subscription
    EXPECT_FALSE(queue.next(kTimeout).has_value());
    EXPECT_TRUE(queue.ended());
    EXPECT_FALSE(queue.next(kTimeout).has_value());  // at once: sticky
    EXPECT_TRUE(queue);  // the handle is still ours to close
}

TEST(FacadeEvents, PullQueueKeepsEventsUntilTakenAfterTheHandleCloses) {
    std::string id;
    zlhcs::compute_system system = make_container(&id);
    zlhcs::subscription queue = system.subscribe(zlhcs::event_kind::unknown);
    collector witness;  // sees the same events of the same handle
    const zlhcs::subscription watch = system.subscribe(zlhcs::event_kind::unknown, witness.handler());
    emit(id, kTypeUnnamed, R"({"n":1})");
    emit(id, kTypeUnnamed, R"({"n":2})");
    ASSERT_TRUE(witness.wait_for(2));
    ASSERT_TRUE(zlhcs_test::quiesce());  // both are in the queue by now
    system.close();  // ends both subscriptions; the queue still hands out what it holds
    const std::optional<zlhcs::event> first = queue.next(kTimeout);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->data.value_or(""), R"({"n":1})");
    const std::optional<zlhcs::event> second = queue.next(kTimeout);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->data.value_or(""), R"({"n":2})");
    EXPECT_EQ(second->sequence, 2u);
    EXPECT_FALSE(queue.next(kTimeout).has_value());
    EXPECT_TRUE(queue.ended());
}

TEST(FacadeEvents, PullWaitHandleIsSignalledWhileAnEventWaits) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    zlhcs::subscription queue = system.subscribe(zlhcs::event_kind::unknown);
    const zlhcs::native_os_handle handle = queue.native_wait_handle();
    const auto signalled = [handle](int timeout_ms) {
#if defined(_WIN32)
        return WaitForSingleObject(handle, static_cast<DWORD>(timeout_ms)) == WAIT_OBJECT_0;
#else
        pollfd fd{handle, POLLIN, 0};
        return ::poll(&fd, 1, timeout_ms) == 1 && (fd.revents & POLLIN) != 0;
#endif
    };
    EXPECT_FALSE(signalled(0));
    emit(id, kTypeUnnamed, nullptr);
    EXPECT_TRUE(signalled(static_cast<int>(kTimeout.count())));
    EXPECT_TRUE(queue.next(0ms).has_value());
    EXPECT_FALSE(signalled(0));

    const zlhcs::subscription callback = system.subscribe(zlhcs::event_mask::all(), [](const zlhcs::event&) {});
    expect_error([&] { (void)callback.native_wait_handle(); }, zlhcs::errc::invalid_state);
}

TEST(FacadeEvents, CloseReleasesNextOnAnotherThread) {
    const zlhcs::compute_system system = make_container();
    zlhcs::subscription queue = system.subscribe(zlhcs::event_mask::all());
    std::promise<bool> result;
    std::future<bool> got = result.get_future();
    std::atomic<bool> waiting{false};
    std::thread reader([&] {
        waiting.store(true);
        try {
            result.set_value(queue.next(zlhcs::infinite).has_value());
        } catch (...) {
            result.set_exception(std::current_exception());
        }
    });
    ASSERT_TRUE(eventually([&] { return waiting.load(); }));
    ASSERT_TRUE(zlhcs_test::await_waiting_calls(1));  // the close meets a blocked next
    queue.close();
    ASSERT_EQ(got.wait_for(kTimeout), std::future_status::ready);
    EXPECT_FALSE(got.get());
    reader.join();
    EXPECT_TRUE(queue.ended());
}

TEST(FacadeEvents, UnknownTypesArriveAsUnknownWithTheirData) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    zlhcs::subscription queue = system.subscribe(zlhcs::event_mask::all());
    emit(id, kTypeUnnamed, R"({"Seven":7})");
    emit(id, kTypeLiveMigration, R"({"Phase":"Start"})");
    emit(id, kTypeRdpChanged, nullptr);  // a named kind hcsim never raises, without data

    const std::optional<zlhcs::event> seven = queue.next(kTimeout);
    ASSERT_TRUE(seven.has_value());
    EXPECT_EQ(seven->kind, zlhcs::event_kind::unknown);
    EXPECT_EQ(zlhcs::to_string(seven->kind), "unknown");
    EXPECT_EQ(seven->hcs_type, kTypeUnnamed);
    EXPECT_EQ(seven->data.value_or(""), R"({"Seven":7})");

    const std::optional<zlhcs::event> migration = queue.next(kTimeout);
    ASSERT_TRUE(migration.has_value());
    EXPECT_EQ(migration->kind, zlhcs::event_kind::unknown);
    EXPECT_EQ(migration->hcs_type, kTypeLiveMigration);
    EXPECT_EQ(migration->data.value_or(""), R"({"Phase":"Start"})");

    const std::optional<zlhcs::event> rdp = queue.next(kTimeout);
    ASSERT_TRUE(rdp.has_value());
    EXPECT_EQ(rdp->kind, zlhcs::event_kind::system_rdp_enhanced_mode_state_changed);
    EXPECT_EQ(rdp->hcs_type, kTypeRdpChanged);
    EXPECT_FALSE(rdp->data.has_value());
    EXPECT_EQ(rdp->sequence, 3u);

    // A mask without the unknown bit does not see them.
    zlhcs::subscription exits_only = system.subscribe(zlhcs::event_kind::system_exited);
    emit(id, kTypeUnnamed, nullptr);
    EXPECT_TRUE(queue.next(kTimeout).has_value());  // delivered (to the other)
    EXPECT_FALSE(exits_only.next(50ms).has_value());
}

TEST(FacadeEvents, SubscribeErrors) {
    const zlhcs::compute_system empty;
    expect_error([&] { (void)empty.subscribe(zlhcs::event_mask::all()); }, zlhcs::errc::invalid_handle);
    expect_error([&] { (void)empty.subscribe(zlhcs::event_mask::all(), [](const zlhcs::event&) {}); },
                 zlhcs::errc::invalid_handle);
    const zlhcs::compute_system system = make_container();
    expect_error([&] { (void)system.subscribe(zlhcs::event_mask::none()); }, zlhcs::errc::invalid_argument);
    expect_error([&] { (void)system.subscribe(zlhcs::event_mask::all(), ZLHCS_EVENT_QUEUE_MAX + 1); },
                 zlhcs::errc::invalid_argument);
    expect_error([&] { (void)system.subscribe(zlhcs::event_mask::all(), std::function<void(const zlhcs::event&)>()); },
                 zlhcs::errc::invalid_argument);
    zlhcs::subscription callback = system.subscribe(zlhcs::event_mask::all(), [](const zlhcs::event&) {});
    expect_error([&] { (void)callback.next(0ms); }, zlhcs::errc::invalid_state);
    zlhcs::subscription none;
    EXPECT_FALSE(none);
    expect_error([&] { (void)none.next(0ms); }, zlhcs::errc::invalid_handle);
}

// ---- moves ----------------------------------------------------------------------------------

TEST(FacadeEvents, MovedSubscriptionsKeepDeliveringAndMoveAssignmentClosesTheOld) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    collector first;
    collector second;
    zlhcs::subscription a = system.subscribe(zlhcs::event_kind::unknown, first.handler());
    const zlhcs_subscription a_handle = a.native_handle();
    zlhcs::subscription moved(std::move(a));
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_FALSE(a.has_handler());  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(moved.native_handle(), a_handle);
    a.close();  // NOLINT(bugprone-use-after-move): closing the moved-from changes nothing
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(first.wait_for(1));

    zlhcs::subscription b = system.subscribe(zlhcs::event_kind::unknown, second.handler());
    moved = std::move(b);  // closes the first subscription
    emit(id, kTypeUnnamed, nullptr);
    ASSERT_TRUE(second.wait_for(1));
    ASSERT_TRUE(zlhcs_test::quiesce());  // a delivery to the first would have come by now
    EXPECT_EQ(first.size(), 1u);

    // A pull subscription moves with its queue.
    zlhcs::subscription queue = system.subscribe(zlhcs::event_kind::unknown);
    emit(id, kTypeUnnamed, R"({"moved":true})");
    zlhcs::subscription taken;
    taken = std::move(queue);
    const std::optional<zlhcs::event> e = taken.next(kTimeout);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->data.value_or(""), R"({"moved":true})");
    expect_error([&] { (void)queue.next(0ms); }, zlhcs::errc::invalid_handle);  // NOLINT(bugprone-use-after-move)
}

// ---- exited() -------------------------------------------------------------------------------

TEST(FacadeExited, SystemExitAsFuture) {
    zlhcs::compute_system system;
    (void)start_running(system);
    zlhcs::async_result exit = system.exited();
    std::future<std::string> future = exit.get_future();
    EXPECT_EQ(future.wait_for(50ms), std::future_status::timeout);
    EXPECT_FALSE(exit.ready());
    EXPECT_TRUE(system.shutdown(kTimeout));
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    const std::string status = future.get();
    EXPECT_EQ(string_member(parse(status), "ExitType"), "GracefulExit") << status;
    EXPECT_EQ(exit.wait(kTimeout), status);
}

TEST(FacadeExited, ProcessExitAsWaitAndFuture) {
    zlhcs::compute_system system;
    (void)start_running(system);
    const zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);
    zlhcs::async_result exit = child.exited();
    std::future<std::string> future = child.exited().get_future();  // a second watch, detached
    EXPECT_FALSE(exit.ready());
    EXPECT_TRUE(child.terminate(kTimeout));
    const std::string status = exit.wait(kTimeout);
    const rapidjson::Document parsed = parse(status);
    ASSERT_TRUE(parsed.HasMember("ExitCode")) << status;
    EXPECT_EQ(parsed["ExitCode"].GetUint(), 1u);
    EXPECT_EQ(parsed["ProcessId"].GetUint(), child.id());
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(future.get(), status);
    system.terminate(kTimeout);
}

TEST(FacadeExited, AfterTheExitCompletesAtOnce) {
    zlhcs::compute_system system;
    (void)start_running(system);
    const zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"exit 3"})", kTimeout);
    EXPECT_EQ(child.wait_exit(kTimeout), 3u);
    const auto before = std::chrono::steady_clock::now();
    const std::string process_status = child.exited().wait(kTimeout);
    EXPECT_EQ(parse(process_status)["ExitCode"].GetUint(), 3u) << process_status;

    EXPECT_TRUE(system.terminate(kTimeout));
    zlhcs::async_result exit = system.exited();
    const std::string system_status = exit.wait(kTimeout);
    EXPECT_EQ(string_member(parse(system_status), "ExitType"), "ForcedExit") << system_status;
    EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
    EXPECT_TRUE(exit.ready());
}

TEST(FacadeExited, FailsWhenTheHandleClosesFirst) {
    zlhcs::compute_system system;
    (void)start_running(system);
    zlhcs::compute_system other = zlhcs::compute_system::open(system.id());
    zlhcs::async_result exit = other.exited();
    std::future<std::string> future = exit.get_future();
    other.close();
    ASSERT_EQ(future.wait_for(kTimeout), std::future_status::ready);
    try {
        (void)future.get();
        ADD_FAILURE() << "the exit watch of a closed handle succeeded";
    } catch (const zlhcs::error& e) {
        EXPECT_EQ(e.code(), zlhcs::errc::invalid_handle) << e.what();
        EXPECT_EQ(e.call(), "zlhcs_system_wait_exit_async");
    }
    system.terminate(kTimeout);
}

// ---- info() ---------------------------------------------------------------------------------

TEST(FacadeOperationInfo, DescribesHcsOperationsAndExitWatches) {
    std::string id;
    const zlhcs::compute_system system = make_container(&id);
    zlhcs::async_result start = system.start_async();
    const zlhcs::operation_info started = start.info();
    EXPECT_EQ(started.kind, zlhcs::operation_kind::hcs);
    EXPECT_EQ(started.function, "HcsStartComputeSystem");
    EXPECT_EQ(started.system, system.native_handle());
    EXPECT_EQ(started.process, 0u);
    EXPECT_EQ(started.system_id, id);
    EXPECT_NO_THROW((void)start.wait(kTimeout));
    EXPECT_EQ(start.info().function, "HcsStartComputeSystem");  // also once complete

    zlhcs::async_result exit = system.exited();
    const zlhcs::operation_info watch = exit.info();
    EXPECT_EQ(watch.kind, zlhcs::operation_kind::exit_watch);
    EXPECT_EQ(watch.function, "HcsSetComputeSystemCallback");
    EXPECT_EQ(watch.hcs_type, 0xFFFFFFFFu);
    EXPECT_EQ(watch.system, system.native_handle());
    EXPECT_EQ(watch.system_id, id);

    const zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);
    zlhcs::async_result child_exit = child.exited();
    const zlhcs::operation_info process_watch = child_exit.info();
    EXPECT_EQ(process_watch.kind, zlhcs::operation_kind::exit_watch);
    EXPECT_EQ(process_watch.function, "HcsSetProcessCallback");
    EXPECT_EQ(process_watch.process, child.native_handle());
    EXPECT_EQ(process_watch.system, system.native_handle());
    EXPECT_EQ(process_watch.system_id, id);

    // zlhcs::operation (a plain handle) inspects the same way.
    zlhcs_operation raw = 0;
    ASSERT_EQ(zlhcs_system_properties_async(system.native_handle(), nullptr, nullptr, nullptr, nullptr, &raw), 0);
    const zlhcs::operation properties(raw);
    const zlhcs::operation_info queried = properties.info();
    EXPECT_EQ(queried.kind, zlhcs::operation_kind::hcs);
    EXPECT_EQ(queried.function, "HcsGetComputeSystemProperties");
    EXPECT_EQ(queried.system_id, id);
    EXPECT_NO_THROW((void)properties.wait(kTimeout));

    child_exit.close();
    expect_error([&] { (void)child_exit.info(); }, zlhcs::errc::invalid_handle);
    expect_error([&] { (void)zlhcs::operation().info(); }, zlhcs::errc::invalid_handle);
    EXPECT_THROW((void)zlhcs::async_result().info(), std::future_error);
    system.terminate(kTimeout);
}

#if ZLHCS_HAS_COROUTINES

// An eager coroutine that records its result; its frame lives until the task is destroyed.
class exit_task {
public:
    struct promise_type {
        exit_task get_return_object() noexcept {
            return exit_task(std::coroutine_handle<promise_type>::from_promise(*this));
        }
        std::suspend_never initial_suspend() noexcept { return {}; }
        struct final_awaiter {
            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<promise_type> handle) const noexcept {
                handle.promise().finished.store(true, std::memory_order_release);
            }
            void await_resume() const noexcept {}
        };
        final_awaiter final_suspend() noexcept { return {}; }
        void return_value(std::string value) { result = std::move(value); }
        void unhandled_exception() noexcept { failure = std::current_exception(); }
        std::string result;
        std::exception_ptr failure;
        std::atomic<bool> finished{false};
    };

    exit_task(exit_task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    exit_task& operator=(exit_task&&) = delete;
    exit_task(const exit_task&) = delete;
    ~exit_task() {
        if (handle_) handle_.destroy();
    }

    [[nodiscard]] bool wait_done() const {
        return eventually([this] { return handle_.promise().finished.load(std::memory_order_acquire); });
    }
    [[nodiscard]] std::string get() const {
        if (handle_.promise().failure) std::rethrow_exception(handle_.promise().failure);
        return handle_.promise().result;
    }

private:
    explicit exit_task(std::coroutine_handle<promise_type> handle) noexcept : handle_(handle) {}
    std::coroutine_handle<promise_type> handle_;
};

exit_task await_exit(zlhcs::async_result exit, std::atomic<bool>& inside_callback) {
    std::string status = co_await exit;
    inside_callback.store(zlhcs::in_completion_callback());
    co_return status;
}

TEST(FacadeExited, CoAwaitSystemAndProcessExitResumesOnTheDefaultExecutor) {
    zlhcs::compute_system system;
    (void)start_running(system);
    const zlhcs::process child = zlhcs::process::create(system, R"({"CommandLine":"sleep 60000"})", kTimeout);

    std::atomic<bool> process_inside{true};
    const exit_task process_task = await_exit(child.exited(), process_inside);
    std::atomic<bool> system_inside{true};
    const exit_task system_task = await_exit(system.exited(), system_inside);

    EXPECT_TRUE(child.terminate(kTimeout));
    ASSERT_TRUE(process_task.wait_done());
    EXPECT_EQ(parse(process_task.get())["ExitCode"].GetUint(), 1u);
    EXPECT_FALSE(process_inside.load());  // not inside zlhcs's completion callback

    EXPECT_TRUE(system.terminate(kTimeout));
    ASSERT_TRUE(system_task.wait_done());
    EXPECT_EQ(string_member(parse(system_task.get()), "ExitType"), "ForcedExit");
    EXPECT_FALSE(system_inside.load());

    // After the exit: co_await does not suspend.
    std::atomic<bool> late_inside{true};
    zlhcs::async_result late = system.exited();
    (void)late.wait(kTimeout);
    const exit_task late_task = await_exit(std::move(late), late_inside);
    ASSERT_TRUE(late_task.wait_done());
    EXPECT_EQ(string_member(parse(late_task.get()), "ExitType"), "ForcedExit");
}

#endif  // ZLHCS_HAS_COROUTINES

}  // namespace
