// The delivery-thread rule of docs/events.md ("Threads"), finding 8 of issue 16: a burst of
// 1 000 exits delivered at once to subscriptions and exit watches whose callbacks return at
// once adds no thread beyond what the rule allows, and every thread retires afterwards.
//
// The rule: base_threads start with the first task; the monitor adds one thread only after a
// whole stall_threshold in which tasks waited, no thread was free and no thread took a task.
// What a run "allows" is therefore computed from the run itself: the callbacks record when
// they start, and every stretch without a start (while tasks may have waited) long enough to
// contain such an interval allows one thread more (a loaded machine, Wine or ASan can stall every thread for a while; that
// is not the callbacks blocking, but the rule cannot tell the difference, and neither can this
// test). Nothing here assumes how fast anything runs: the deadlines only bound a hang.
#include "core/dispatcher.hpp"
#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
using zlhcs::core::dispatcher;

constexpr const char* container_config =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-stress-tests","Container":{}})";
constexpr uint32_t hcs_event_system_exited = 1;  // HcsEventSystemExited

/// When each callback started (one slot per expected callback).
struct start_times {
    explicit start_times(std::size_t n) : times(n) {}
    std::vector<clock_type::time_point> times;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    void record() {
        const std::size_t i = next.fetch_add(1);
        if (i < times.size()) times[i] = clock_type::now();
        done.fetch_add(1);
    }
};

void ZLHCS_CALL on_event(const zlhcs_event* event, void* context) {
    if (event->kind == ZLHCS_EVENT_SYSTEM_EXITED || event->kind == ZLHCS_EVENT_SERVICE_DISCONNECT) {
        static_cast<start_times*>(context)->record();
    }
}

void ZLHCS_CALL on_exit_watch(zlhcs_operation, zlhcs_hresult, void* context) {
    static_cast<start_times*>(context)->record();
}

template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit) {
    const auto until = clock_type::now() + limit;
    for (;;) {
        if (done()) return true;
        if (clock_type::now() >= until) return false;
        std::this_thread::yield();  // polls `done` until `limit`, no fixed pause
    }
}

uint64_t delivery_threads() { return zlhcs_test::debug_counts().delivery_threads; }

// How the 1 000 deliveries are made: one exit event per system raised through hcsim (each
// emit returns before the next; under Wine they come slower than they are delivered), or one
// service disconnect, which zlhcs turns into all the deliveries at once (every exit watch
// completes, every subscription hears of it: docs/events.md, "Service disconnect").
enum class burst_source { exit_events, service_disconnect };

void burst_of_quick_callbacks(burst_source source) {
    constexpr int systems = 500;  // each: one subscription and one exit watch = 1 000 callbacks
    const auto& sim = zlhcs_test::hcsim_client::instance();
    ASSERT_EQ(sim.reset(), 0);
    ASSERT_TRUE(zlhcs_test::wait_for_zero_counts(true).empty()) << "a previous test left threads";

    start_times seen(2 * systems);
    std::vector<std::string> ids;
    std::vector<zlhcs_system> handles;
    std::vector<zlhcs_subscription> subscriptions;
    std::vector<zlhcs_operation> watches;
    for (int i = 0; i < systems; ++i) {
        ids.push_back("zlhcs-stress-burst-" + std::to_string(i));
        zlhcs_system system = 0;
        ASSERT_EQ(zlhcs_system_create(ids.back().c_str(), container_config, nullptr, ZLHCS_INFINITE, &system, nullptr),
                  ZLHCS_S_OK);
        handles.push_back(system);
        zlhcs_subscription s = 0;
        ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_SYSTEM_EXITED | ZLHCS_EVENT_SERVICE_DISCONNECT, 0, &on_event, &seen, nullptr, &s),
                  ZLHCS_S_OK);
        subscriptions.push_back(s);
        zlhcs_operation watch = 0;
        ASSERT_EQ(zlhcs_system_wait_exit_async(system, &on_exit_watch, &seen, nullptr, &watch), ZLHCS_S_OK);
        watches.push_back(watch);
    }
    // Nothing was delivered yet: no delivery thread is needed, and none is left from the setup.
    ASSERT_TRUE(eventually([] { return delivery_threads() == 0; }, std::chrono::seconds(30)));

    std::atomic<bool> sampling{true};
    std::atomic<uint64_t> most{0};
    std::thread sampler([&] {
        while (sampling.load()) {
            const uint64_t now = delivery_threads();
            if (now > most.load()) most.store(now);
            // Real time on purpose: threads live at least idle_retirement (a duration), so a
            // sample per millisecond misses none.
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    std::vector<clock_type::time_point> emitted;  // when each emit had returned
    emitted.reserve(ids.size());
    if (source == burst_source::service_disconnect) {
        // Every task may wait from the call on: as if all emits had returned before it.
        emitted.assign(ids.size(), clock_type::now());
        ASSERT_EQ(sim.set_service_disconnected(1), 0);
    } else {
        for (const std::string& id : ids) {
            uint32_t targets = 0;
            ASSERT_EQ(sim.emit_event(nullptr, id.c_str(), 0, hcs_event_system_exited,
                                     R"({"Status":0,"ExitType":"ForcedExit"})", &targets),
                      0);
            ASSERT_EQ(targets, 1u);
            emitted.push_back(clock_type::now());
        }
    }
    const bool all_delivered =
        eventually([&] { return seen.done.load() >= seen.times.size(); }, std::chrono::seconds(120));
    // Every thread retires once idle: the count returns to zero (bounded, not timed).
    const bool all_retired = eventually([] { return delivery_threads() == 0; }, std::chrono::seconds(60));
    sampling.store(false);
    sampler.join();
    ASSERT_TRUE(all_delivered) << seen.done.load() << " of " << seen.times.size() << " callbacks";
    EXPECT_TRUE(all_retired) << delivery_threads() << " delivery threads left after the burst";
    EXPECT_EQ(seen.done.load(), seen.times.size());

    // What the rule allows: the base threads, the monitor, and one thread per stall interval
    // that fits in a stretch without a callback start while tasks may have waited (a stretch
    // in which every delivered event had been handled allows nothing: the monitor adds threads
    // only while tasks wait). Each emit makes two tasks; one emit may be delivering as it is
    // counted, so "may have waited" is: callbacks started < 2 * (emits returned + 1). Stretches
    // are counted per half interval: a callback starts a moment after its task was taken, and
    // that moment varies.
    std::vector<clock_type::time_point> starts(seen.times.begin(), seen.times.end());
    std::sort(starts.begin(), starts.end());
    starts.insert(starts.begin(), emitted.front());  // the first stretch: from the first emit
    const auto half_interval = std::chrono::duration_cast<clock_type::duration>(dispatcher::stall_threshold) / 2;
    uint64_t stalls = 0;
    clock_type::duration longest{};
    for (std::size_t i = 1; i < starts.size(); ++i) {
        const std::size_t started = i - 1;  // callbacks started before the stretch
        const auto returned = static_cast<std::size_t>(
            std::upper_bound(emitted.begin(), emitted.end(), starts[i - 1]) - emitted.begin());
        if (started >= 2 * (returned + 1)) continue;  // nothing could wait
        const auto gap = starts[i] - starts[i - 1];
        longest = std::max(longest, gap);
        stalls += static_cast<uint64_t>(gap / half_interval);
    }
    const uint64_t allowed = dispatcher::base_threads + 1 + stalls;
    std::printf("[ threads  ] at most %llu zlhcs threads during %d callbacks; the rule allows %llu "
                "(%llu half-intervals without a callback start while tasks may have waited; longest such gap %lld us)\n",
                static_cast<unsigned long long>(most.load()), 2 * systems,
                static_cast<unsigned long long>(allowed), static_cast<unsigned long long>(stalls),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(longest).count()));
    EXPECT_LE(most.load(), allowed) << "delivery threads were added while callbacks were not blocked";

    EXPECT_EQ(sim.set_service_disconnected(0), 0);
    for (const zlhcs_operation watch : watches) EXPECT_EQ(zlhcs_operation_close(watch), ZLHCS_S_OK);
    for (const zlhcs_subscription s : subscriptions) EXPECT_EQ(zlhcs_subscription_close(s), ZLHCS_S_OK);
    for (const zlhcs_system system : handles) EXPECT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
    EXPECT_EQ(sim.reset(), 0);
    const std::string left = zlhcs_test::wait_for_zero_counts(true);
    EXPECT_TRUE(left.empty()) << left;
}

TEST(delivery_threads, a_burst_of_exits_with_quick_callbacks_adds_no_thread_beyond_the_rule_and_all_retire) {
    burst_of_quick_callbacks(burst_source::exit_events);
}

TEST(delivery_threads, a_disconnect_burst_with_quick_callbacks_adds_no_thread_beyond_the_rule_and_all_retire) {
    burst_of_quick_callbacks(burst_source::service_disconnect);
}

}  // namespace
