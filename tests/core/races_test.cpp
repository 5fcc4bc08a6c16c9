// Races: many threads starting operations with callbacks and closing them at random points
// (before/after completion, from inside callbacks), closing system handles under running
// operations, cancelling while completing, using handles while other threads close them.
// Invariants: a callback runs exactly once unless a close returned before completion (then
// never, and in no case after a close returned); close's S_FALSE/S_OK says which happened;
// stale handles give ZLHCS_E_INVALID_HANDLE, never a crash; nothing leaks.
#include "fixture.hpp"

#include <array>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace zlhcs_core_test {
namespace {

constexpr int thread_count = 8;
constexpr int iterations = 60;

enum class plan {
    close_at_once,        // close right after starting: callback 0 or 1 times
    close_after_random,   // close after a random short delay: 0 or 1
    wait_then_close,      // wait for completion, then close: exactly 1
    close_in_callback,    // the callback closes its own operation: exactly 1
    cancel_then_wait,     // cancel at a random point, wait, close: exactly 1
    close_system_first,   // close the system handle, then wait and close: exactly 1
    count
};

struct record {
    plan kind = plan::close_at_once;
    std::atomic<int> calls{0};
    std::atomic<zlhcs_operation> seen_operation{0};
    std::atomic<zlhcs_hresult> seen_result{1};
    std::atomic<zlhcs_hresult> inner_close{1};
    zlhcs_operation handle = 0;
    zlhcs_hresult waited = 1;
    int calls_when_closed = -1;  // calls observed right after our close returned
    bool closed_by_us = false;
    zlhcs_hresult close_rc = 1;
};

void ZLHCS_CALL on_complete(zlhcs_operation op, zlhcs_hresult result, void* context) {
    auto* r = static_cast<record*>(context);
    r->seen_operation.store(op);
    r->seen_result.store(result);
    if (r->kind == plan::close_in_callback) r->inner_close.store(zlhcs_operation_close(op));
    r->calls.fetch_add(1);
}

using races = core_test;

TEST_F(races, operations_closed_at_random_points) {
    // Small latencies so completions and closes interleave.
    ASSERT_EQ(sim().set_latency(nullptr, 1), 0);
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
        ids.push_back(unique_id("race"));
        // The system outlives this first handle (no ShouldTerminateOnLastHandleClosed).
        const zlhcs_system created = running_system(ids.back());
        ASSERT_NE(created, 0u);
        ASSERT_EQ(zlhcs_system_close(created), ZLHCS_S_OK);
    }
    std::vector<std::vector<std::unique_ptr<record>>> records(thread_count);
    std::atomic<int> unexpected{0};
    std::mutex failure_mutex;
    std::vector<std::string> failures;
    auto note = [&](const std::string& what) {
        std::lock_guard lock(failure_mutex);
        if (failures.size() < 20) failures.push_back(what);
        unexpected.fetch_add(1);
    };

    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(1234 + t));
            zlhcs_system own = 0;
            if (zlhcs_system_open(ids[static_cast<size_t>(t) % ids.size()].c_str(), nullptr, &own) != ZLHCS_S_OK) {
                note("open failed");
                return;
            }
            for (int i = 0; i < iterations; ++i) {
                auto r = std::make_unique<record>();
                r->kind = static_cast<plan>(random() % static_cast<unsigned>(plan::count));
                zlhcs_system target = own;
                zlhcs_system extra = 0;
                if (r->kind == plan::close_system_first) {
                    if (zlhcs_system_open(ids[static_cast<size_t>(t) % ids.size()].c_str(), nullptr, &extra) != ZLHCS_S_OK) {
                        note("open extra failed");
                        continue;
                    }
                    target = extra;
                }
                zlhcs_operation op = 0;
                const zlhcs_hresult started =
                    zlhcs_system_properties_async(target, nullptr, &on_complete, r.get(), nullptr, &op);
                if (started != ZLHCS_S_OK || op == 0) {
                    note("start failed: " + hex(started));
                    if (extra != 0) (void)zlhcs_system_close(extra);
                    continue;
                }
                r->handle = op;
                const auto close_ours = [&] {
                    const zlhcs_hresult closed = zlhcs_operation_close(op);
                    if (closed != ZLHCS_S_OK && closed != ZLHCS_S_FALSE) note("close failed: " + hex(closed));
                    r->calls_when_closed = r->calls.load();
                    r->closed_by_us = true;
                    r->close_rc = closed;
                };
                switch (r->kind) {
                case plan::close_at_once:
                    close_ours();
                    break;
                case plan::close_after_random:
                    jitter(random() % 3000);
                    close_ours();
                    break;
                case plan::wait_then_close:
                    r->waited = zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr);
                    close_ours();
                    break;
                case plan::close_in_callback:
                    break;  // the callback closes it
                case plan::cancel_then_wait: {
                    jitter(random() % 2000);
                    const zlhcs_hresult cancelled = zlhcs_operation_cancel(op);
                    // Today's HCS does not implement cancellation (HcsCancelOperation.md).
                    const bool not_implemented = cancelled == ZLHCS_E_NOT_SUPPORTED &&
                                                 !hcsim_client::run_has(HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED);
                    if (cancelled != ZLHCS_S_OK && cancelled != ZLHCS_S_FALSE && !not_implemented) {
                        note("cancel: " + hex(cancelled));
                    }
                    r->waited = zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr);
                    if (r->waited != ZLHCS_S_OK && r->waited != ZLHCS_WIN32_E_CANCELLED) {
                        note("wait after cancel: " + hex(r->waited));
                    }
                    if (cancelled == ZLHCS_S_FALSE && r->waited != ZLHCS_S_OK) {
                        note("cancel said complete but the result is " + hex(r->waited));
                    }
                    close_ours();
                    break;
                }
                case plan::close_system_first:
                    if (zlhcs_system_close(extra) != ZLHCS_S_OK) note("system close failed");
                    r->waited = zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr);
                    if (r->waited != ZLHCS_S_OK) note("wait after system close: " + hex(r->waited));
                    close_ours();
                    break;
                case plan::count:
                    break;
                }
                records[static_cast<size_t>(t)].push_back(std::move(r));
            }
            if (zlhcs_system_close(own) != ZLHCS_S_OK) note("own close failed");
        });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(settled());
    // Let callbacks that were already decided finish (they hold no handle of ours).
    for (auto& per_thread : records) {
        for (auto& r : per_thread) {
            if (r->kind == plan::close_in_callback) {
                EXPECT_TRUE(eventually([&] { return r->calls.load() == 1; }));
            }
        }
    }

    for (const auto& f : failures) ADD_FAILURE() << f;
    EXPECT_EQ(unexpected.load(), 0);
    int total = 0;
    for (auto& per_thread : records) {
        for (auto& r : per_thread) {
            ++total;
            SCOPED_TRACE("plan " + std::to_string(static_cast<int>(r->kind)) + ", handle " +
                         std::to_string(r->handle));
            const int calls = r->calls.load();
            EXPECT_LE(calls, 1) << "callback ran more than once";
            if (r->closed_by_us) {
                EXPECT_EQ(calls, r->calls_when_closed) << "callback ran after close returned";
                // S_FALSE: suppressed, never ran; S_OK: it ran (and returned before close did).
                EXPECT_EQ(calls, r->close_rc == ZLHCS_S_OK ? 1 : 0) << "close said " << hex(r->close_rc);
            }
            switch (r->kind) {
            case plan::close_at_once:
            case plan::close_after_random:
                break;  // 0 or 1, never after close (checked above)
            case plan::wait_then_close:
            case plan::cancel_then_wait:
            case plan::close_system_first:
                EXPECT_EQ(calls, 1) << "completed before close: the callback must have run";
                EXPECT_EQ(r->close_rc, ZLHCS_S_OK);
                EXPECT_EQ(r->seen_result.load(), r->waited);
                break;
            case plan::close_in_callback:
                EXPECT_EQ(calls, 1);
                EXPECT_EQ(r->inner_close.load(), ZLHCS_S_OK);
                EXPECT_EQ(zlhcs_operation_close(r->handle), ZLHCS_E_INVALID_HANDLE);
                break;
            case plan::count:
                break;
            }
            if (calls == 1) {
                EXPECT_EQ(r->seen_operation.load(), r->handle);
            }
        }
    }
    EXPECT_EQ(total, thread_count * iterations);
}

TEST_F(races, concurrent_close_of_one_handle_succeeds_exactly_once) {
    const std::string id = unique_id("close-once");
    system_guard keeper(create_system(id));
    for (int round = 0; round < 30; ++round) {
        zlhcs_system shared_system = 0;
        ASSERT_EQ(zlhcs_system_open(id.c_str(), nullptr, &shared_system), ZLHCS_S_OK);
        zlhcs_operation shared_op = 0;
        ASSERT_EQ(zlhcs_system_properties_async(keeper, nullptr, nullptr, nullptr, nullptr, &shared_op), ZLHCS_S_OK);
        std::atomic<int> system_ok{0};
        std::atomic<int> op_ok{0};
        std::atomic<int> other{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int t = 0; t < thread_count; ++t) {
            threads.emplace_back([&] {
                while (!go.load()) std::this_thread::yield();
                const zlhcs_hresult a = zlhcs_system_close(shared_system);
                if (a == ZLHCS_S_OK) system_ok.fetch_add(1);
                else if (a != ZLHCS_E_INVALID_HANDLE) other.fetch_add(1);
                const zlhcs_hresult b = zlhcs_operation_close(shared_op);
                if (b == ZLHCS_S_FALSE) op_ok.fetch_add(1);  // no callback: S_FALSE
                else if (b != ZLHCS_E_INVALID_HANDLE) other.fetch_add(1);
            });
        }
        go.store(true);
        for (auto& thread : threads) thread.join();
        EXPECT_EQ(system_ok.load(), 1);
        EXPECT_EQ(op_ok.load(), 1);
        EXPECT_EQ(other.load(), 0);
    }
}

TEST_F(races, handles_used_while_other_threads_close_them) {
    // A slot holds the current handle; users call into it while a closer replaces it.
    const std::string id = unique_id("victim");
    system_guard keeper(running_system(id));
    std::atomic<zlhcs_system> current_system{0};
    std::atomic<zlhcs_operation> current_op{0};
    std::atomic<bool> stop{false};
    std::atomic<int> bad{0};
    std::mutex failure_mutex;
    std::string first_failure;
    auto check = [&](const char* what, zlhcs_hresult hr, std::initializer_list<zlhcs_hresult> allowed) {
        for (zlhcs_hresult a : allowed) {
            if (hr == a) return;
        }
        bad.fetch_add(1);
        std::lock_guard lock(failure_mutex);
        if (first_failure.empty()) first_failure = std::string(what) + " -> " + hex(hr);
    };

    std::thread closer([&] {
        for (int i = 0; i < 150; ++i) {
            zlhcs_system s = 0;
            if (zlhcs_system_open(id.c_str(), nullptr, &s) != ZLHCS_S_OK) continue;
            zlhcs_operation op = 0;
            (void)zlhcs_system_properties_async(s, nullptr, nullptr, nullptr, nullptr, &op);
            current_system.store(s);
            current_op.store(op);
            jitter(300);  // the others' calls meet this system and operation open
            current_op.store(0);
            current_system.store(0);
            (void)zlhcs_operation_close(op);
            (void)zlhcs_system_close(s);
        }
        stop.store(true);
    });
    std::vector<std::thread> users;
    for (int t = 0; t < thread_count - 1; ++t) {
        users.emplace_back([&] {
            // Deliberately racy: the loaded handle may be closed before (or while) it is used.
            while (!stop.load()) {
                const zlhcs_system s = current_system.load();
                const zlhcs_operation op = current_op.load();
                if (s != 0) {
                    char* text = nullptr;
                    const zlhcs_hresult id_hr = zlhcs_system_id(s, &text);
                    check("system_id", id_hr, {ZLHCS_S_OK, ZLHCS_E_INVALID_HANDLE});
                    if (id_hr == ZLHCS_S_OK) zlhcs_free(text);
                    zlhcs_operation mine = 0;
                    const zlhcs_hresult p = zlhcs_system_properties_async(s, nullptr, nullptr, nullptr, nullptr, &mine);
                    check("properties_async", p, {ZLHCS_S_OK, ZLHCS_E_INVALID_HANDLE});
                    if (p == ZLHCS_S_OK) {
                        check("wait mine", zlhcs_operation_wait(mine, ZLHCS_INFINITE, nullptr), {ZLHCS_S_OK});
                        check("close mine", zlhcs_operation_close(mine), {ZLHCS_S_FALSE});  // no callback
                    }
                }
                if (op != 0) {
                    check("wait shared", zlhcs_operation_wait(op, 5, nullptr),
                          {ZLHCS_S_OK, ZLHCS_E_INVALID_HANDLE, ZLHCS_HCS_E_OPERATION_TIMEOUT});
                    check("result shared", zlhcs_operation_result(op, nullptr),
                          {ZLHCS_S_OK, ZLHCS_E_INVALID_HANDLE, ZLHCS_HCS_E_OPERATION_PENDING});
                    // Still pending: today's HCS cannot cancel (E_NOTIMPL -> ZLHCS_E_NOT_SUPPORTED,
                    // zlhcs.h); hcsim's cancel variant can (S_OK). Complete: S_FALSE.
                    check("cancel shared", zlhcs_operation_cancel(op),
                          {ZLHCS_S_OK, ZLHCS_S_FALSE, ZLHCS_E_INVALID_HANDLE, ZLHCS_E_NOT_SUPPORTED});
                }
                std::this_thread::yield();
            }
        });
    }
    closer.join();
    for (auto& user : users) user.join();
    EXPECT_EQ(bad.load(), 0) << first_failure;
}

TEST_F(races, callbacks_racing_closes_of_their_systems_and_cancels) {
    // Many short operations on systems whose handles close underneath; every callback that was
    // not suppressed runs exactly once and results agree with waits.
    ASSERT_EQ(sim().set_latency("HcsGetComputeSystemProperties", 2), 0);
    const std::string id = unique_id("churn");
    system_guard keeper(running_system(id));
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(99 + t));
            for (int i = 0; i < 25; ++i) {
                zlhcs_system s = 0;
                if (zlhcs_system_open(id.c_str(), nullptr, &s) != ZLHCS_S_OK) {
                    bad.fetch_add(1);
                    continue;
                }
                std::array<record, 4> rs;
                std::array<zlhcs_operation, 4> ops{};
                for (size_t k = 0; k < rs.size(); ++k) {
                    rs[k].kind = plan::wait_then_close;
                    if (zlhcs_system_properties_async(s, nullptr, &on_complete, &rs[k], nullptr, &ops[k]) != ZLHCS_S_OK) {
                        bad.fetch_add(1);
                    }
                }
                (void)zlhcs_system_close(s);  // operations stay valid
                if (random() % 2 == 0) (void)zlhcs_operation_cancel(ops[random() % ops.size()]);
                for (size_t k = 0; k < rs.size(); ++k) {
                    if (ops[k] == 0) continue;
                    const zlhcs_hresult w = zlhcs_operation_wait(ops[k], ZLHCS_INFINITE, nullptr);
                    if (w != ZLHCS_S_OK && w != ZLHCS_WIN32_E_CANCELLED) bad.fetch_add(1);
                    (void)zlhcs_operation_close(ops[k]);
                    // Completed before close: exactly one callback, with the waited result.
                    if (rs[k].calls.load() != 1 || rs[k].seen_result.load() != w ||
                        rs[k].seen_operation.load() != ops[k]) {
                        bad.fetch_add(1);
                    }
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(bad.load(), 0);
}

// Issue 7 point 2: zlhcs_operation_close says who owns the callback's context. Many threads
// race closes against completions (latencies 0 and 1 ms, closes after random short delays,
// callbacks that take a little while). For every operation exactly one of these holds:
//   close returned S_FALSE, and the callback never ran (not before, not after);
//   close returned S_OK, the callback ran exactly once and had returned when close returned.
struct ownership_record {
    std::atomic<int> calls{0};
    std::atomic<bool> returned{false};
    std::atomic<zlhcs_operation> seen{0};
    unsigned spin = 0;  // how long the callback takes (yields)
    zlhcs_operation handle = 0;
    zlhcs_hresult close_rc = 1;
    int calls_at_close = -1;
    bool returned_at_close = false;
};

void ZLHCS_CALL ownership_callback(zlhcs_operation op, zlhcs_hresult, void* context) {
    auto* r = static_cast<ownership_record*>(context);
    r->seen.store(op);
    r->calls.fetch_add(1);
    for (unsigned i = 0; i < r->spin; ++i) std::this_thread::yield();
    r->returned.store(true);  // the last thing it does with the context
}

TEST_F(races, close_racing_completion_says_who_owns_the_context) {
    constexpr int per_thread = 500;
    const std::string id = unique_id("owner");
    system_guard keeper(running_system(id));
    std::vector<std::vector<std::unique_ptr<ownership_record>>> records(thread_count);
    std::atomic<int> start_failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(4242 + t));
            auto& mine = records[static_cast<size_t>(t)];
            mine.reserve(per_thread);
            for (int i = 0; i < per_thread; ++i) {
                auto r = std::make_unique<ownership_record>();
                r->spin = random() % 4 == 0 ? random() % 200 : 0;
                zlhcs_operation op = 0;
                // Half enumerate (no system), half properties of the shared system.
                const zlhcs_hresult started =
                    random() % 2 == 0
                        ? zlhcs_system_enumerate_async(nullptr, nullptr, &ownership_callback, r.get(), nullptr, &op)
                        : zlhcs_system_properties_async(keeper.get(), nullptr, &ownership_callback, r.get(), nullptr, &op);
                if (started != ZLHCS_S_OK) {
                    start_failures.fetch_add(1);
                    continue;  // no operation: the callback never runs, r may go
                }
                r->handle = op;
                switch (random() % 4) {
                case 0: break;  // close at once
                case 1: std::this_thread::yield(); break;
                default: {
                    const unsigned spins = random() % 300;
                    for (unsigned k = 0; k < spins; ++k) std::this_thread::yield();
                    break;
                }
                }
                r->close_rc = zlhcs_operation_close(op);
                r->calls_at_close = r->calls.load();
                r->returned_at_close = r->returned.load();
                mine.push_back(std::move(r));
            }
        });
    }
    // Latency 0 and 1 ms alternate while the threads run (0: completions race the close most
    // closely; inline in the inline variant, where close then always finds the callback run).
    std::atomic<bool> stop{false};
    std::thread latency_flipper([&] {
        uint32_t latency = 0;
        while (!stop.load()) {
            (void)sim().set_latency(nullptr, latency);
            latency ^= 1u;
            jitter(3000);
        }
        (void)sim().set_latency(nullptr, 0);
    });
    for (auto& thread : threads) thread.join();
    stop.store(true);
    latency_flipper.join();
    ASSERT_TRUE(settled());  // every completion (and callback) has finished: the final counts

    EXPECT_EQ(start_failures.load(), 0);
    int suppressed = 0;
    int ran = 0;
    int violations = 0;
    std::string first_violations;
    auto violation = [&](const ownership_record& r, const std::string& what) {
        if (++violations <= 10) {
            first_violations += "operation " + std::to_string(r.handle) + ": " + what + " (close " +
                                hex(r.close_rc) + ", calls at close " + std::to_string(r.calls_at_close) +
                                ", calls now " + std::to_string(r.calls.load()) + ")\n";
        }
    };
    for (const auto& per_thread_records : records) {
        for (const auto& r : per_thread_records) {
            const int calls = r->calls.load();
            if (r->close_rc == ZLHCS_S_FALSE) {
                ++suppressed;
                if (r->calls_at_close != 0 || calls != 0) violation(*r, "S_FALSE but the callback ran");
            } else if (r->close_rc == ZLHCS_S_OK) {
                ++ran;
                if (r->calls_at_close != 1 || calls != 1) violation(*r, "S_OK but the callback did not run exactly once");
                if (!r->returned_at_close) violation(*r, "S_OK before the callback had returned");
                if (r->seen.load() != r->handle) violation(*r, "the callback got another handle");
            } else {
                violation(*r, "close failed");
            }
        }
    }
    EXPECT_EQ(violations, 0) << first_violations;
    EXPECT_EQ(suppressed + ran, thread_count * per_thread);
    std::printf("[          ] %d closes: %d suppressed the callback (S_FALSE), %d after it ran (S_OK)\n",
                suppressed + ran, suppressed, ran);
}

void ZLHCS_CALL ignore_completion(zlhcs_operation, zlhcs_hresult, void*) {}

TEST_F(races, process_exit_with_calls_and_completions_in_flight) {
    // An agent may exit while HCS still completes its operations and other threads still call
    // zlhcs: those run during (or after) static destruction. zlhcs must not free anything they
    // use (the backend table, the handle tables). The child exits while a thread floods zlhcs
    // with calls whose completions arrive on hcsim's workers; under ASan/TSan a use-after-free
    // turns its clean exit into a report and a non-zero status.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            const std::string id = unique_id("exit");
            const zlhcs_system system = running_system(id);
            static std::atomic<int> calls{0};
            for (int t = 0; t < 4; ++t) {
                std::thread([system] {
                    for (;;) {
                        zlhcs_operation op = 0;
                        if (zlhcs_system_properties_async(system, nullptr, &ignore_completion, nullptr, nullptr, &op) ==
                            ZLHCS_S_OK)
                            (void)zlhcs_operation_close(op);
                        calls.fetch_add(1);
                    }
                }).detach();
            }
            while (calls.load() < 200) std::this_thread::yield();  // the flood is under way
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace zlhcs_core_test
