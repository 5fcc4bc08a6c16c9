// Events (zlhcs.h "Events"): fan-out to any number of subscriptions, bounded queues with
// lost-event records, exit watches, operation inspection, and the six delivery guarantees,
// each proven here against hcsim.
#include "event_support.hpp"

#include <set>

#ifndef _WIN32
#include <poll.h>
#endif

namespace {

using namespace zlhcs_core_test;

class events : public core_test {};

constexpr uint32_t hcs_unknown_type = 7;            // no HCS header defines it (yet)
constexpr uint32_t hcs_far_unknown_type = 0x00020000;
constexpr uint32_t hcs_crash_report = 3;

rapidjson::Document data_of(const event_copy& e) {
    EXPECT_TRUE(e.data.has_value());
    return parse(e.data.value_or("null"));
}

TEST_F(events, a_system_exit_reaches_every_subscription_with_its_exit_status) {
    const std::string id = unique_id("exit-fanout");
    system_guard system(running_system(id));
    recorder first;
    recorder second;
    subscription_guard a(subscribe(system, ZLHCS_EVENT_ALL, &first));
    subscription_guard b(subscribe(system, ZLHCS_EVENT_SYSTEM_EXITED, &second));
    subscription_guard queue(subscribe(system, ZLHCS_EVENT_SYSTEM_EXITED, nullptr));
    ASSERT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(first.wait_for(1));
    ASSERT_TRUE(second.wait_for(1));
    zlhcs_hresult rc = 0;
    const auto queued = next_event(queue, 20000, &rc);
    ASSERT_TRUE(queued.has_value()) << hex(rc);
    for (const event_copy& e : {first.snapshot().front(), second.snapshot().front(), *queued}) {
        EXPECT_EQ(e.kind, ZLHCS_EVENT_SYSTEM_EXITED);
        EXPECT_EQ(e.hcs_type, 1u);
        EXPECT_EQ(e.sequence, 1u);
        EXPECT_EQ(e.lost_count, 0u);
        EXPECT_EQ(e.source, system.get());
        EXPECT_EQ(e.system_id, id);
        EXPECT_EQ(e.process_id, 0u);
        const rapidjson::Document status = data_of(e);
        ASSERT_TRUE(status.IsObject() && status.HasMember("ExitType")) << e.data.value_or("");
        EXPECT_STREQ(status["ExitType"].GetString(), "ForcedExit");
    }
    EXPECT_EQ(first.snapshot().front().subscription, a.handle);
    EXPECT_EQ(queued->subscription, queue.handle);
}

TEST_F(events, unknown_event_types_are_delivered_with_their_type_and_data) {
    const std::string id = unique_id("unknown");
    system_guard system(running_system(id));
    process_guard process;
    {
        zlhcs_process p = 0;
        const std::string doc = parameters(long_sleep);
        ASSERT_EQ(zlhcs_process_create(system, doc.c_str(), nullptr, hang_bound_ms, &p, nullptr), ZLHCS_S_OK);
        process.handle = p;
    }
    uint32_t pid = 0;
    ASSERT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK);
    recorder on_system;
    recorder on_process;
    subscription_guard s(subscribe(system, ZLHCS_EVENT_UNKNOWN, &on_system));
    zlhcs_subscription ps = 0;
    ASSERT_EQ(zlhcs_process_subscribe(process, ZLHCS_EVENT_ALL, 0, &recorder::callback, &on_process, nullptr, &ps), ZLHCS_S_OK);
    subscription_guard process_subscription(ps);
    EXPECT_GE(emit(id, hcs_unknown_type, R"({"New":"field"})"), 1u);
    EXPECT_GE(emit(id, hcs_far_unknown_type, nullptr), 1u);
    EXPECT_GE(emit(id, hcs_unknown_type, R"({"To":"process"})", pid), 1u);
    ASSERT_TRUE(on_system.wait_for(2));
    ASSERT_TRUE(on_process.wait_for(1));
    const auto got = on_system.snapshot();
    EXPECT_EQ(got[0].kind, ZLHCS_EVENT_UNKNOWN);
    EXPECT_EQ(got[0].hcs_type, hcs_unknown_type);
    EXPECT_EQ(got[0].data.value_or(""), R"({"New":"field"})");
    EXPECT_EQ(got[1].kind, ZLHCS_EVENT_UNKNOWN);
    EXPECT_EQ(got[1].hcs_type, hcs_far_unknown_type);
    EXPECT_FALSE(got[1].data.has_value());
    const event_copy on = on_process.snapshot().front();
    EXPECT_EQ(on.kind, ZLHCS_EVENT_UNKNOWN);
    EXPECT_EQ(on.hcs_type, hcs_unknown_type);
    EXPECT_EQ(on.data.value_or(""), R"({"To":"process"})");
    EXPECT_EQ(on.source, process.handle);
    EXPECT_EQ(on.process_id, pid);
    EXPECT_EQ(on.system_id, id);
    (void)zlhcs_process_terminate(process, nullptr, hang_bound_ms, nullptr);
}

TEST_F(events, the_mask_selects_kinds) {
    const std::string id = unique_id("mask");
    system_guard system(running_system(id));
    recorder crash_only;
    subscription_guard s(subscribe(system, ZLHCS_EVENT_SYSTEM_CRASH_REPORT, &crash_only));
    recorder everything;
    subscription_guard all(subscribe(system, ZLHCS_EVENT_ALL, &everything));
    emit(id, hcs_unknown_type, nullptr);
    emit(id, hcs_crash_report, R"({"Reason":1})");
    emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(everything.wait_for(3));
    ASSERT_TRUE(crash_only.wait_for(1));
    const auto got = crash_only.snapshot();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].kind, ZLHCS_EVENT_SYSTEM_CRASH_REPORT);
    EXPECT_EQ(got[0].sequence, 1u) << "sequence numbers count the events a subscription selects";
}

// Guarantee 1: after close returns, no call; a call in progress has returned.
struct blocking_subscriber {
    std::atomic<int> calls{0};
    std::atomic<bool> in_call{false};
    std::atomic<bool> closed{false};
    std::atomic<int> after_close{0};
    std::chrono::milliseconds hold{0};
    static void ZLHCS_CALL callback(const zlhcs_event*, void* context) {
        auto* self = static_cast<blocking_subscriber*>(context);
        if (self->closed.load()) self->after_close.fetch_add(1);
        self->in_call.store(true);
        self->calls.fetch_add(1);
        // Real time on purpose: a call that lasts while the test closes the subscription and
        // more events queue behind it; a gate would need a third thread to open it mid-close.
        std::this_thread::sleep_for(self->hold);
        self->in_call.store(false);
    }
};

TEST_F(events, after_unsubscribe_returns_the_callback_is_never_called_again) {
    const std::string id = unique_id("unsubscribe");
    system_guard system(running_system(id));
    blocking_subscriber subscriber;
    subscriber.hold = std::chrono::milliseconds(30);
    zlhcs_subscription s = 0;
    ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, &blocking_subscriber::callback, &subscriber, nullptr, &s),
              ZLHCS_S_OK);
    for (int i = 0; i < 20; ++i) emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(eventually([&] { return subscriber.in_call.load(); }));
    ASSERT_EQ(zlhcs_subscription_close(s), ZLHCS_S_OK);
    EXPECT_FALSE(subscriber.in_call.load()) << "close returned while the callback was still running";
    subscriber.closed.store(true);
    const int calls = subscriber.calls.load();
    for (int i = 0; i < 20; ++i) emit(id, hcs_unknown_type, nullptr);
    recorder witness;  // a later subscription sees later events: they were delivered
    subscription_guard w(subscribe(system, ZLHCS_EVENT_ALL, &witness));
    emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(witness.wait_for(1));
    EXPECT_EQ(subscriber.calls.load(), calls);
    EXPECT_EQ(subscriber.after_close.load(), 0);
    EXPECT_LT(calls, 20) << "the queue was not dropped at close";
    EXPECT_EQ(zlhcs_subscription_close(s), ZLHCS_E_INVALID_HANDLE);
}

struct self_closing {
    std::atomic<zlhcs_subscription> handle{0};
    std::atomic<int> calls{0};
    std::atomic<zlhcs_hresult> close_result{1};
    std::atomic<bool> returned{false};
    static void ZLHCS_CALL callback(const zlhcs_event* event, void* context) {
        auto* self = static_cast<self_closing*>(context);
        self->calls.fetch_add(1);
        self->close_result.store(zlhcs_subscription_close(event->subscription));
        self->returned.store(true);
    }
};

TEST_F(events, unsubscribing_inside_the_callback_returns_and_ends_it) {
    const std::string id = unique_id("self-close");
    system_guard system(running_system(id));
    self_closing subscriber;
    zlhcs_subscription s = 0;
    ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, &self_closing::callback, &subscriber, nullptr, &s), ZLHCS_S_OK);
    for (int i = 0; i < 5; ++i) emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(eventually([&] { return subscriber.returned.load(); })) << "the close inside the callback deadlocked";
    EXPECT_EQ(subscriber.close_result.load(), ZLHCS_S_OK);
    recorder witness;
    subscription_guard w(subscribe(system, ZLHCS_EVENT_ALL, &witness));
    emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(witness.wait_for(1));
    EXPECT_EQ(subscriber.calls.load(), 1);
}

TEST_F(events, closing_the_system_handle_ends_its_subscriptions) {
    const std::string id = unique_id("source-close");
    zlhcs_system system = running_system(id);
    blocking_subscriber subscriber;
    subscriber.hold = std::chrono::milliseconds(20);
    zlhcs_subscription callback_subscription = 0;
    ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, &blocking_subscriber::callback, &subscriber,
                                     nullptr,
                                     &callback_subscription),
              ZLHCS_S_OK);
    subscription_guard cs(callback_subscription);
    subscription_guard queue(subscribe(system, ZLHCS_EVENT_ALL, nullptr));
    recorder all_arrived;
    subscription_guard counting(subscribe(system, ZLHCS_EVENT_ALL, &all_arrived));
    for (int i = 0; i < 10; ++i) emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(all_arrived.wait_for(10));  // zlhcs has fanned all ten out (the queue holds them)
    ASSERT_TRUE(eventually([&] { return subscriber.in_call.load(); }));
    // Another handle keeps the system (hcsim delivers to it) while this one closes.
    zlhcs_system other = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &other), ZLHCS_S_OK);
    system_guard keep(other);
    ASSERT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
    EXPECT_FALSE(subscriber.in_call.load()) << "the handle's close returned during a callback";
    subscriber.closed.store(true);
    emit(id, hcs_unknown_type, nullptr);
    recorder witness;
    subscription_guard w(subscribe(other, ZLHCS_EVENT_ALL, &witness));
    emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(witness.wait_for(1));
    EXPECT_EQ(subscriber.after_close.load(), 0);
    // The queue subscription hands out what it held, then its end.
    std::size_t taken = 0;
    zlhcs_hresult rc = 0;
    while (next_event(queue, 0, &rc)) ++taken;
    EXPECT_EQ(rc, ZLHCS_S_FALSE) << hex(rc);
    EXPECT_EQ(taken, 10u);
    zlhcs_subscription late = 0;
    EXPECT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, &late), ZLHCS_E_INVALID_HANDLE);
}

// A full queue loses the newest events and says how many, in place.
TEST_F(events, a_full_queue_produces_a_lost_events_record_with_the_right_count) {
    const std::string id = unique_id("lost");
    system_guard system(running_system(id));
    subscription_guard queue(subscribe(system, ZLHCS_EVENT_ALL, nullptr, 4));
    recorder complete;
    subscription_guard c(subscribe(system, ZLHCS_EVENT_ALL, &complete));
    for (int i = 1; i <= 10; ++i) emit(id, hcs_unknown_type, ("{\"n\":" + std::to_string(i) + "}").c_str());
    ASSERT_TRUE(complete.wait_for(10)) << "delivery to the other subscriber stalled";
    for (uint64_t n = 1; n <= 4; ++n) {
        const auto e = next_event(queue, 0);
        ASSERT_TRUE(e.has_value());
        EXPECT_EQ(e->sequence, n);
        EXPECT_EQ(e->data.value_or(""), "{\"n\":" + std::to_string(n) + "}");
    }
    const auto lost = next_event(queue, 0);
    ASSERT_TRUE(lost.has_value());
    EXPECT_EQ(lost->kind, ZLHCS_EVENT_EVENTS_LOST);
    EXPECT_EQ(lost->sequence, 5u);
    EXPECT_EQ(lost->lost_count, 6u);
    EXPECT_FALSE(lost->data.has_value());
    zlhcs_hresult rc = 0;
    EXPECT_FALSE(next_event(queue, 0, &rc).has_value());
    EXPECT_EQ(rc, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    emit(id, hcs_unknown_type, "{\"n\":11}");
    const auto after = next_event(queue, 20000);
    ASSERT_TRUE(after.has_value());
    EXPECT_EQ(after->sequence, 11u);
    for (const event_copy& e : complete.snapshot()) EXPECT_NE(e.kind, ZLHCS_EVENT_EVENTS_LOST);
}

// Guarantee 5: a blocked subscriber falls behind alone.
TEST_F(events, a_blocked_subscriber_never_delays_another) {
    const std::string id = unique_id("slow");
    system_guard system(running_system(id));
    struct gate {
        std::mutex mutex;
        std::condition_variable open_cv;
        bool open = false;
        std::vector<event_copy> seen;
        static void ZLHCS_CALL callback(const zlhcs_event* event, void* context) {
            auto* self = static_cast<gate*>(context);
            std::unique_lock lock(self->mutex);
            self->seen.push_back(event_copy::of(*event));
            self->open_cv.wait_for(lock, std::chrono::seconds(30), [&] { return self->open; });
        }
    } slow;
    zlhcs_subscription s = 0;
    ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 8, &gate::callback, &slow, nullptr, &s), ZLHCS_S_OK);
    subscription_guard slow_subscription(s);
    recorder fast[3];
    subscription_guard f0(subscribe(system, ZLHCS_EVENT_ALL, &fast[0]));
    subscription_guard f1(subscribe(system, ZLHCS_EVENT_ALL, &fast[1]));
    subscription_guard f2(subscribe(system, ZLHCS_EVENT_ALL, &fast[2]));
    constexpr int total = 50;
    for (int i = 1; i <= total; ++i) emit(id, hcs_unknown_type, ("{\"n\":" + std::to_string(i) + "}").c_str());
    for (auto& r : fast) {
        ASSERT_TRUE(r.wait_for(total)) << "a fast subscriber waited for the blocked one";
        const auto got = r.snapshot();
        for (int i = 0; i < total; ++i) {
            EXPECT_EQ(got[i].sequence, static_cast<uint64_t>(i + 1));
            EXPECT_EQ(got[i].data.value_or(""), "{\"n\":" + std::to_string(i + 1) + "}");
        }
    }
    {
        std::lock_guard lock(slow.mutex);
        slow.open = true;
    }
    slow.open_cv.notify_all();
    // The blocked one: every sequence number accounted for, in order, with losses in place.
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(slow.mutex);
        uint64_t covered = 0;
        for (const auto& e : slow.seen) covered += e.kind == ZLHCS_EVENT_EVENTS_LOST ? e.lost_count : 1;
        return covered >= total;
    }));
    std::lock_guard lock(slow.mutex);
    uint64_t expected = 1;
    bool lost_seen = false;
    for (const auto& e : slow.seen) {
        EXPECT_EQ(e.sequence, expected);
        if (e.kind == ZLHCS_EVENT_EVENTS_LOST) {
            lost_seen = true;
            expected += e.lost_count;
        } else {
            ++expected;
        }
    }
    EXPECT_EQ(expected, static_cast<uint64_t>(total + 1));
    EXPECT_TRUE(lost_seen) << "8 slots cannot hold 50 events for a blocked subscriber";
}

// Guarantee 5 with every delivery thread but one blocked: one event for a blocking and a
// recording subscription must still reach the recording one (a dispatcher that counted a woken
// thread as idle twice left the second task queued behind the blocked one).
TEST_F(events, one_event_for_two_subscriptions_reaches_both_while_another_thread_is_blocked) {
    struct gate {
        std::mutex mutex;
        std::condition_variable open_cv;
        bool open = false;
        std::atomic<int> entered{0};
        static void ZLHCS_CALL callback(const zlhcs_event*, void* context) {
            auto* self = static_cast<gate*>(context);
            self->entered.fetch_add(1);
            std::unique_lock lock(self->mutex);
            self->open_cv.wait_for(lock, std::chrono::seconds(30), [&] { return self->open; });
        }
        void release() {
            {
                std::lock_guard lock(mutex);
                open = true;
            }
            open_cv.notify_all();
        }
    } first_blocker, second_blocker;
    const std::string id = unique_id("blocked-threads");
    system_guard system(running_system(id));
    const std::string other_id = unique_id("blocked-threads-other");
    system_guard other(running_system(other_id));
    const std::string warm_id = unique_id("blocked-threads-warm");
    system_guard warm(running_system(warm_id));
    {
        // Two delivery threads, both idle again (in a fresh process: ctest runs this test alone).
        recorder w1;
        recorder w2;
        subscription_guard s1(subscribe(warm, ZLHCS_EVENT_ALL, &w1));
        subscription_guard s2(subscribe(warm, ZLHCS_EVENT_ALL, &w2));
        emit(warm_id, hcs_unknown_type, nullptr);
        ASSERT_TRUE(w1.wait_for(1) && w2.wait_for(1));
        ASSERT_TRUE(quiesce());  // both delivery threads have finished: idle
    }
    zlhcs_subscription b1 = 0;
    ASSERT_EQ(zlhcs_system_subscribe(other, ZLHCS_EVENT_ALL, 0, &gate::callback, &first_blocker, nullptr, &b1), ZLHCS_S_OK);
    subscription_guard blocker_guard(b1);
    emit(other_id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(eventually([&] { return first_blocker.entered.load() == 1; }));
    zlhcs_subscription b2 = 0;
    ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, &gate::callback, &second_blocker, nullptr, &b2), ZLHCS_S_OK);
    subscription_guard second_guard(b2);
    recorder r;
    subscription_guard rs(subscribe(system, ZLHCS_EVENT_ALL, &r));
    emit(id, hcs_unknown_type, nullptr);
    EXPECT_TRUE(r.wait_for(1)) << "the recording subscription waited behind a blocked one";
    first_blocker.release();
    second_blocker.release();
}

// Guarantee 5: one handle's events reach each subscription in HCS's order.
TEST_F(events, each_subscription_sees_the_events_in_order) {
    const std::string id = unique_id("order");
    system_guard system(running_system(id));
    constexpr int threads = 4;
    constexpr int per_thread = 300;
    recorder a;
    recorder b;
    subscription_guard sa(subscribe(system, ZLHCS_EVENT_ALL, &a, threads * per_thread));
    subscription_guard sb(subscribe(system, ZLHCS_EVENT_ALL, &b, threads * per_thread));
    std::vector<std::thread> emitters;
    for (int t = 0; t < threads; ++t) {
        emitters.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string data = "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}";
                (void)sim().emit_event(nullptr, id.c_str(), 0, hcs_unknown_type, data.c_str(), nullptr);
            }
        });
    }
    for (auto& e : emitters) e.join();
    ASSERT_TRUE(a.wait_for(threads * per_thread));
    ASSERT_TRUE(b.wait_for(threads * per_thread));
    const auto got_a = a.snapshot();
    const auto got_b = b.snapshot();
    for (int n = 0; n < threads * per_thread; ++n) {
        EXPECT_EQ(got_a[n].sequence, static_cast<uint64_t>(n + 1));
        EXPECT_EQ(got_a[n].data, got_b[n].data) << "two subscriptions saw different orders at " << n;
    }
    int last[threads] = {-1, -1, -1, -1};
    for (const auto& e : got_a) {
        const rapidjson::Document d = data_of(e);
        const int t = d["t"].GetInt();
        const int i = d["i"].GetInt();
        EXPECT_EQ(i, last[t] + 1) << "thread " << t << "'s events were reordered";
        last[t] = i;
    }
}

// Guarantee 6: zlhcs owns the one HCS callback per handle and fans out.
TEST_F(events, any_number_of_subscriptions_and_handles_never_meet_callback_already_set) {
    const std::string id = unique_id("many");
    system_guard system(running_system(id));
    zlhcs_system second = 0;
    ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &second), ZLHCS_S_OK);
    system_guard other(second);
    std::vector<std::unique_ptr<recorder>> recorders;
    std::vector<std::unique_ptr<subscription_guard>> subscriptions;
    for (int i = 0; i < 32; ++i) {
        recorders.push_back(std::make_unique<recorder>());
        const zlhcs_system on = i % 2 == 0 ? system.get() : second;
        zlhcs_subscription s = 0;
        const zlhcs_hresult hr =
            zlhcs_system_subscribe(on, ZLHCS_EVENT_ALL, 0, &recorder::callback, recorders.back().get(), nullptr, &s);
        ASSERT_EQ(hr, ZLHCS_S_OK) << hex(hr);
        subscriptions.push_back(std::make_unique<subscription_guard>(s));
    }
    EXPECT_EQ(emit(id, hcs_unknown_type, nullptr), 2u) << "one HCS callback per zlhcs handle";
    for (auto& r : recorders) EXPECT_TRUE(r->wait_for(1));
}

// Guarantee 3.
TEST_F(events, a_service_disconnect_completes_pending_work_releases_waits_and_reaches_every_subscriber) {
    const std::string id = unique_id("disconnect");
    system_guard system(running_system(id));
    process_guard process(create_process(system, long_sleep));
    ASSERT_NE(process.handle, 0u);
    recorder on_system;
    recorder on_process;
    subscription_guard s1(subscribe(system, ZLHCS_EVENT_SERVICE_DISCONNECT, &on_system));
    zlhcs_subscription ps = 0;
    ASSERT_EQ(zlhcs_process_subscribe(process, ZLHCS_EVENT_ALL, 0, &recorder::callback, &on_process, nullptr, &ps), ZLHCS_S_OK);
    subscription_guard s2(ps);
    ASSERT_EQ(sim().set_latency("HcsPauseComputeSystem", 600000), 0);
    callback_probe pending;
    zlhcs_operation pause_op = 0;
    // A container refuses pause, but only when the operation completes (after the latency).
    ASSERT_EQ(zlhcs_system_pause_async(system, nullptr, &callback_probe::callback, &pending, nullptr, &pause_op), ZLHCS_S_OK);
    operation_guard pause_guard(pause_op);
    callback_probe system_exit;
    zlhcs_operation system_watch = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, &callback_probe::callback, &system_exit, nullptr, &system_watch), ZLHCS_S_OK);
    operation_guard watch_guard(system_watch);
    std::atomic<zlhcs_hresult> process_wait{1};
    std::thread waiter([&] { process_wait.store(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr)); });
    std::atomic<zlhcs_hresult> system_wait{1};
    std::thread system_waiter([&] { system_wait.store(zlhcs_system_wait_exit(system, ZLHCS_INFINITE, nullptr)); });
    ASSERT_TRUE(await_waiting_calls(2));  // both waits have begun
    ASSERT_EQ(sim().set_service_disconnected(1), 0);
    ASSERT_TRUE(pending.wait_called());
    EXPECT_EQ(pending.result.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    ASSERT_TRUE(system_exit.wait_called());
    EXPECT_EQ(system_exit.result.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    waiter.join();
    system_waiter.join();
    EXPECT_EQ(process_wait.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    EXPECT_EQ(system_wait.load(), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    ASSERT_TRUE(on_system.wait_for(1));
    ASSERT_TRUE(on_process.wait_for(1));
    ASSERT_EQ(sim().set_service_disconnected(0), 0);
    ASSERT_EQ(sim().set_latency("HcsPauseComputeSystem", 0), 0);
    ASSERT_TRUE(quiesce());  // a duplicate would have come by now
    EXPECT_EQ(on_system.count(), 1u) << "the disconnect reached a subscription twice";
    EXPECT_EQ(on_process.snapshot().front().kind, ZLHCS_EVENT_SERVICE_DISCONNECT);
    EXPECT_EQ(on_process.count(), 1u);
    EXPECT_EQ(pending.calls.load(), 1) << "an operation completed twice";
    char* result = out_sentinel();
    EXPECT_EQ(zlhcs_operation_wait(pause_op, 0, &result), ZLHCS_HCS_E_SERVICE_DISCONNECT);
    zlhcs_free(result);
    check_leaks_ = false;  // the disconnect abandoned hcsim work that zlhcs no longer waits for
}

TEST_F(events, an_exit_watch_completes_with_the_exit_status) {
    const std::string id = unique_id("watch");
    system_guard system(running_system(id));
    callback_probe probe;
    zlhcs_operation watch = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, &callback_probe::callback, &probe, nullptr, &watch), ZLHCS_S_OK);
    operation_guard guard(watch);
    EXPECT_EQ(zlhcs_operation_result(watch, nullptr), ZLHCS_HCS_E_OPERATION_PENDING);
    zlhcs_operation_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_operation_inspect(watch, &info), ZLHCS_S_OK);
    EXPECT_EQ(info.kind, static_cast<uint32_t>(ZLHCS_OPERATION_KIND_EXIT_WATCH));
    EXPECT_EQ(info.system, system.get());
    EXPECT_STREQ(info.system_id, id.c_str());
    EXPECT_STREQ(info.function, "HcsSetComputeSystemCallback");
    EXPECT_EQ(info.hcs_type, 0xFFFFFFFFu);
    ASSERT_EQ(zlhcs_system_shutdown(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_EQ(probe.operation.load(), watch);
    EXPECT_FALSE(probe.on_caller_thread.load());
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(watch, 0, &raw), ZLHCS_S_OK);
    const rapidjson::Document status = parse(take(raw));
    ASSERT_TRUE(status.IsObject() && status.HasMember("ExitType"));
    EXPECT_STREQ(status["ExitType"].GetString(), "GracefulExit");
}

TEST_F(events, an_exit_is_never_lost_a_watch_after_it_completes_at_once) {
    const std::string id = unique_id("late-watch");
    system_guard system(running_system(id));
    ASSERT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    // The exit event is asynchronous: the watch may come before or after it; either way it
    // completes with the status.
    zlhcs_operation watch = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, nullptr, nullptr, nullptr, &watch), ZLHCS_S_OK);
    operation_guard guard(watch);
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(watch, 20000, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document status = parse(take(raw));
    ASSERT_TRUE(status.IsObject() && status.HasMember("ExitType"));
    EXPECT_STREQ(status["ExitType"].GetString(), "ForcedExit");
    // And again, long after.
    zlhcs_operation again = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, nullptr, nullptr, nullptr, &again), ZLHCS_S_OK);
    operation_guard again_guard(again);
    EXPECT_EQ(zlhcs_operation_wait(again, 20000, nullptr), ZLHCS_S_OK);
}

TEST_F(events, once_the_exit_is_known_a_watch_without_callback_and_a_wait_of_0_ms_are_complete_at_once) {
    for (int round = 0; round < 20; ++round) {
        system_guard system(running_system(unique_id("known-exit")));
        callback_probe first;
        zlhcs_operation watch = 0;
        ASSERT_EQ(zlhcs_system_wait_exit_async(system, &callback_probe::callback, &first, nullptr, &watch), ZLHCS_S_OK);
        operation_guard guard(watch);
        ASSERT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        ASSERT_TRUE(first.wait_called());  // zlhcs has recorded the exit
        zlhcs_operation later = 0;
        ASSERT_EQ(zlhcs_system_wait_exit_async(system, nullptr, nullptr, nullptr, &later), ZLHCS_S_OK);
        operation_guard later_guard(later);
        char* raw = nullptr;
        ASSERT_EQ(zlhcs_operation_wait(later, 0, &raw), ZLHCS_S_OK) << "round " << round;
        EXPECT_FALSE(take(raw).empty());
        ASSERT_EQ(zlhcs_system_wait_exit(system, 0, nullptr), ZLHCS_S_OK) << "round " << round;
    }
}

TEST_F(events, a_process_exit_watch_gets_the_process_status_before_or_after_the_exit) {
    system_guard system(running_system(unique_id("process-watch")));
    process_guard process(create_process(system, "exit 7"));
    ASSERT_NE(process.handle, 0u);
    zlhcs_operation watch = 0;
    ASSERT_EQ(zlhcs_process_wait_exit_async(process, nullptr, nullptr, nullptr, &watch), ZLHCS_S_OK);
    operation_guard guard(watch);
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(watch, 20000, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document status = parse(take(raw));
    ASSERT_TRUE(status.IsObject() && status.HasMember("ExitCode"));
    EXPECT_EQ(status["ExitCode"].GetUint(), 7u);
    zlhcs_operation_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_operation_inspect(watch, &info), ZLHCS_S_OK);
    EXPECT_EQ(info.process, process.handle);
    EXPECT_EQ(info.system, system.get());
    EXPECT_STREQ(info.function, "HcsSetProcessCallback");
    zlhcs_operation late = 0;
    ASSERT_EQ(zlhcs_process_wait_exit_async(process, nullptr, nullptr, nullptr, &late), ZLHCS_S_OK);
    operation_guard late_guard(late);
    EXPECT_EQ(zlhcs_operation_wait(late, 20000, nullptr), ZLHCS_S_OK);
}

TEST_F(events, an_opened_process_that_exited_before_anyone_listened_still_reports_its_exit) {
    system_guard system(running_system(unique_id("opened-exit")));
    process_guard creator(create_process(system, "exit 3"));
    ASSERT_NE(creator.handle, 0u);
    uint32_t pid = 0;
    ASSERT_EQ(zlhcs_process_id(creator, &pid), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_wait_exit(creator, hang_bound_ms, nullptr), ZLHCS_S_OK);
    zlhcs_process opened = 0;
    ASSERT_EQ(zlhcs_process_open(system, pid, &opened), ZLHCS_S_OK);
    process_guard opened_guard(opened);
    zlhcs_operation watch = 0;
    ASSERT_EQ(zlhcs_process_wait_exit_async(opened, nullptr, nullptr, nullptr, &watch), ZLHCS_S_OK);
    operation_guard guard(watch);
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_operation_wait(watch, 20000, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document status = parse(take(raw));
    ASSERT_TRUE(status.IsObject() && status.HasMember("ExitCode"));
    EXPECT_EQ(status["ExitCode"].GetUint(), 3u);
}

TEST_F(events, closing_the_handle_completes_its_exit_watches_and_cancel_ends_one) {
    zlhcs_system system = running_system(unique_id("watch-close"));
    callback_probe closed;
    zlhcs_operation watch = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, &callback_probe::callback, &closed, nullptr, &watch), ZLHCS_S_OK);
    operation_guard guard(watch);
    callback_probe cancelled;
    zlhcs_operation cancel_watch = 0;
    ASSERT_EQ(zlhcs_system_wait_exit_async(system, &callback_probe::callback, &cancelled, nullptr, &cancel_watch), ZLHCS_S_OK);
    operation_guard cancel_guard(cancel_watch);
    EXPECT_EQ(zlhcs_operation_cancel(cancel_watch), ZLHCS_S_OK);
    ASSERT_TRUE(cancelled.wait_called());
    EXPECT_EQ(cancelled.result.load(), ZLHCS_WIN32_E_CANCELLED);
    EXPECT_EQ(zlhcs_operation_cancel(cancel_watch), ZLHCS_S_FALSE);
    ASSERT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
    ASSERT_TRUE(closed.wait_called());
    // Either the exit came first (S_OK) or the close did (INVALID_HANDLE): exactly once.
    const zlhcs_hresult result = closed.result.load();
    EXPECT_TRUE(result == ZLHCS_S_OK || result == ZLHCS_E_INVALID_HANDLE) << hex(result);
    ASSERT_TRUE(quiesce());  // a second completion would have come by now
    EXPECT_EQ(closed.calls.load(), 1);
    EXPECT_EQ(cancelled.calls.load(), 1);

    zlhcs_system second = running_system(unique_id("watch-close-2"));
    zlhcs_operation pending = 0;
    callback_probe probe;
    ASSERT_EQ(zlhcs_system_wait_exit_async(second, &callback_probe::callback, &probe, nullptr, &pending), ZLHCS_S_OK);
    operation_guard pending_guard(pending);
    std::atomic<zlhcs_hresult> waited{1};
    std::thread waiter([&] { waited.store(zlhcs_operation_wait(pending, ZLHCS_INFINITE, nullptr)); });
    (void)zlhcs_system_terminate(second, nullptr, 0, nullptr);
    ASSERT_EQ(zlhcs_system_close(second), ZLHCS_S_OK);
    waiter.join();
    EXPECT_TRUE(waited.load() == ZLHCS_S_OK || waited.load() == ZLHCS_E_INVALID_HANDLE) << hex(waited.load());
}

TEST_F(events, inspect_names_the_hcs_type_id_entry_point_and_subject) {
    const std::string id = unique_id("inspect");
    system_guard system(create_system(id));
    zlhcs_operation start = 0;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &start), ZLHCS_S_OK);
    operation_guard guard(start);
    zlhcs_operation_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_operation_inspect(start, &info), ZLHCS_S_OK);
    EXPECT_EQ(info.struct_size, ZLHCS_OPERATION_INFO_SIZE_V1);
    EXPECT_EQ(info.kind, static_cast<uint32_t>(ZLHCS_OPERATION_KIND_HCS));
    EXPECT_EQ(info.hcs_type, 2u) << "HcsOperationTypeStart";
    EXPECT_NE(info.hcs_id, UINT64_MAX);
    EXPECT_STREQ(info.function, "HcsStartComputeSystem");
    EXPECT_EQ(info.system, system.get());
    EXPECT_EQ(info.process, 0u);
    EXPECT_STREQ(info.system_id, id.c_str());
    ASSERT_EQ(zlhcs_operation_wait(start, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);

    zlhcs_process p = 0;
    zlhcs_operation create = 0;
    const std::string doc = parameters(long_sleep);
    ASSERT_EQ(zlhcs_process_create_async(system, doc.c_str(), nullptr, nullptr, nullptr, nullptr, &p, &create), ZLHCS_S_OK);
    process_guard process(p);
    operation_guard create_guard(create);
    ASSERT_EQ(zlhcs_operation_wait(create, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_inspect(create, &info), ZLHCS_S_OK);
    EXPECT_EQ(info.hcs_type, 10u) << "HcsOperationTypeCreateProcess";
    EXPECT_EQ(info.process, process.handle);
    EXPECT_EQ(info.system, system.get());
    zlhcs_operation signal = 0;
    ASSERT_EQ(zlhcs_process_terminate_async(process, nullptr, nullptr, nullptr, nullptr, &signal), ZLHCS_S_OK);
    operation_guard signal_guard(signal);
    ASSERT_EQ(zlhcs_operation_inspect(signal, &info), ZLHCS_S_OK);
    EXPECT_STREQ(info.function, "HcsTerminateProcess");
    EXPECT_EQ(info.process, process.handle);
    EXPECT_STREQ(info.system_id, id.c_str());
    (void)zlhcs_operation_wait(signal, ZLHCS_INFINITE, nullptr);

    zlhcs_operation_info small{};
    small.struct_size = 8;
    EXPECT_EQ(zlhcs_operation_inspect(start, &small), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_operation_inspect(start, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_operation_inspect(system.get(), &info), ZLHCS_E_INVALID_HANDLE);
}

TEST_F(events, next_waits_for_an_event_and_a_close_releases_it) {
    const std::string id = unique_id("next");
    system_guard system(running_system(id));
    zlhcs_subscription queue = subscribe(system, ZLHCS_EVENT_ALL, nullptr);
    std::atomic<zlhcs_hresult> first{1};
    std::thread taker([&] {
        zlhcs_hresult rc = 0;
        const auto e = next_event(queue, 20000, &rc);
        first.store(e && e->hcs_type == hcs_unknown_type ? rc : ZLHCS_E_INTERNAL);
    });
    emit(id, hcs_unknown_type, nullptr);
    taker.join();
    EXPECT_EQ(first.load(), ZLHCS_S_OK);
    std::atomic<zlhcs_hresult> released{1};
    std::thread blocked([&] {
        zlhcs_event* e = nullptr;
        released.store(zlhcs_subscription_next(queue, ZLHCS_INFINITE, &e));
        zlhcs_free(e);
    });
    ASSERT_TRUE(await_waiting_calls(1));  // the close meets a blocked next
    ASSERT_EQ(zlhcs_subscription_close(queue), ZLHCS_S_OK);
    blocked.join();
    EXPECT_EQ(released.load(), ZLHCS_E_INVALID_HANDLE);
}

bool signalled(uint64_t handle) {
#ifdef _WIN32
    return WaitForSingleObject(reinterpret_cast<HANDLE>(static_cast<uintptr_t>(handle)), 0) == WAIT_OBJECT_0;
#else
    pollfd p{static_cast<int>(handle), POLLIN, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
#endif
}

TEST_F(events, the_wait_handle_is_signalled_while_something_can_be_taken) {
    const std::string id = unique_id("wait-handle");
    zlhcs_system system = running_system(id);
    subscription_guard queue(subscribe(system, ZLHCS_EVENT_ALL, nullptr));
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_subscription_wait_handle(queue, &os_handle), ZLHCS_S_OK);
    EXPECT_FALSE(signalled(os_handle));
    recorder arrived;
    subscription_guard counting(subscribe(system, ZLHCS_EVENT_ALL, &arrived));
    emit(id, hcs_unknown_type, nullptr);
    emit(id, hcs_unknown_type, nullptr);
    ASSERT_TRUE(arrived.wait_for(2));  // both are in the queue too (fanned out together)
    EXPECT_TRUE(signalled(os_handle));
    ASSERT_TRUE(next_event(queue, 0).has_value());
    EXPECT_TRUE(signalled(os_handle)) << "one event is still there";
    ASSERT_TRUE(next_event(queue, 0).has_value());
    EXPECT_FALSE(signalled(os_handle));
    ASSERT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
    EXPECT_TRUE(signalled(os_handle)) << "the end can be taken";
    zlhcs_hresult rc = 0;
    EXPECT_FALSE(next_event(queue, 0, &rc).has_value());
    EXPECT_EQ(rc, ZLHCS_S_FALSE);
}

TEST_F(events, bad_input_gets_a_clear_error) {
    system_guard system(running_system(unique_id("bad")));
    recorder r;
    zlhcs_subscription s = 7;
    EXPECT_EQ(zlhcs_system_subscribe(system, 0, 0, nullptr, nullptr, nullptr, &s), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(s, 0u);
    EXPECT_NE(last_error().message.find("event_mask"), std::string::npos);
    EXPECT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, ZLHCS_EVENT_QUEUE_MAX + 1, nullptr, nullptr, nullptr, &s),
              ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_subscribe(0, ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, &s), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_process_subscribe(system.get(), ZLHCS_EVENT_ALL, 0, nullptr, nullptr, nullptr, &s), ZLHCS_E_INVALID_HANDLE);
    subscription_guard callback_subscription(subscribe(system, ZLHCS_EVENT_ALL, &r));
    zlhcs_event* e = reinterpret_cast<zlhcs_event*>(out_sentinel());
    EXPECT_EQ(zlhcs_subscription_next(callback_subscription, 0, &e), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(e, nullptr);
    uint64_t os = 9;
    EXPECT_EQ(zlhcs_subscription_wait_handle(callback_subscription, &os), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(os, 0u);
    EXPECT_EQ(zlhcs_subscription_next(callback_subscription, 0, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_subscription_next(system.get(), 0, &e), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_subscription_close(0), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_subscription_close(system.get()), ZLHCS_E_INVALID_HANDLE);
    zlhcs_operation op = 5;
    EXPECT_EQ(zlhcs_system_wait_exit_async(system, nullptr, nullptr, nullptr, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_system_wait_exit_async(0, nullptr, nullptr, nullptr, &op), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(op, 0u);
    EXPECT_EQ(zlhcs_process_wait_exit_async(system.get(), nullptr, nullptr, nullptr, &op), ZLHCS_E_INVALID_HANDLE);
}

// "Exits without a thread": 1000 systems, one subscriber each, exactly 1000 exit events, and
// the number of threads does not grow with the number of systems.
TEST_F(events, a_thousand_systems_deliver_a_thousand_exits_without_a_thread_each) {
    constexpr int systems = 1000;
    struct exits {
        std::mutex mutex;
        std::multiset<zlhcs_handle> sources;
        std::atomic<int> count{0};
        static void ZLHCS_CALL callback(const zlhcs_event* event, void* context) {
            auto* self = static_cast<exits*>(context);
            if (event->kind != ZLHCS_EVENT_SYSTEM_EXITED) return;
            {
                std::lock_guard lock(self->mutex);
                self->sources.insert(event->source);
            }
            self->count.fetch_add(1);
        }
    } seen;
    // Warm up: the delivery threads and hcsim's workers exist before the count is taken.
    {
        system_guard warm(running_system(unique_id("warm")));
        recorder r;
        subscription_guard s(subscribe(warm, ZLHCS_EVENT_ALL, &r));
        (void)zlhcs_system_terminate(warm, nullptr, ZLHCS_INFINITE, nullptr);
        ASSERT_TRUE(r.wait_for(1));
    }
    (void)zlhcs_clear_error();
    const std::size_t before = thread_count();
    std::vector<zlhcs_system> handles;
    std::vector<zlhcs_subscription> subscriptions;
    handles.reserve(systems);
    for (int i = 0; i < systems; ++i) {
        const zlhcs_system system = running_system(unique_id("thousand"));
        ASSERT_NE(system, 0u);
        handles.push_back(system);
        zlhcs_subscription s = 0;
        ASSERT_EQ(zlhcs_system_subscribe(system, ZLHCS_EVENT_SYSTEM_EXITED, 0, &exits::callback, &seen, nullptr, &s), ZLHCS_S_OK);
        subscriptions.push_back(s);
    }
    const std::size_t peak_running = thread_count();
    for (const zlhcs_system system : handles) {
        ASSERT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    }
    ASSERT_TRUE(eventually([&] { return seen.count.load() >= systems; }, std::chrono::seconds(60)))
        << seen.count.load() << " exit events";
    ASSERT_TRUE(quiesce());  // a duplicate would have come by now
    const std::size_t after = thread_count();
    EXPECT_EQ(seen.count.load(), systems);
    {
        std::lock_guard lock(seen.mutex);
        std::set<zlhcs_handle> distinct(seen.sources.begin(), seen.sources.end());
        EXPECT_EQ(distinct.size(), static_cast<std::size_t>(systems)) << "one exit per system";
    }
    std::printf("[ threads  ] before %zu, with %d running systems %zu, after their exits %zu\n", before, systems,
                peak_running, after);
    // Delivery threads grow with callbacks blocked at once (none here), never per system.
    EXPECT_LE(peak_running, before + 8);
    EXPECT_LE(after, before + 8);
    for (const zlhcs_subscription s : subscriptions) EXPECT_EQ(zlhcs_subscription_close(s), ZLHCS_S_OK);
    for (const zlhcs_system system : handles) EXPECT_EQ(zlhcs_system_close(system), ZLHCS_S_OK);
}

}  // namespace
