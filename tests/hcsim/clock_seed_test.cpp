// The hcsim-only test controls of determinism: HcsimSetSeed (the GUIDs hcsim invents) and the
// manual clock (HcsimSetClock, HcsimAdvanceClock) behind latencies, timeouts and uptimes.
#include <future>

#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Clock : public HcsimTest {};

constexpr HRESULT E_ILLEGAL_METHOD_CALL_TEST = HCSIM_HR(0x8000000Eu);

// The RuntimeId hcsim gave a new system.
std::string runtime_id_of_new_system(const std::string& id) {
    Sys system;
    EXPECT_EQ(S_OK, create_system(id, container_config(), system).hr);
    const Result r = properties(system);
    EXPECT_EQ(S_OK, r.hr);
    return parse(r.document)["RuntimeId"].GetString();
}

std::vector<std::string> runtime_ids_after_seed(uint64_t seed) {
    EXPECT_EQ(S_OK, HcsimReset());  // forgets the systems, so their ids can be used again
    EXPECT_EQ(S_OK, HcsimSetSeed(seed));
    return {runtime_id_of_new_system("seed-a"), runtime_id_of_new_system("seed-b"),
            runtime_id_of_new_system("seed-c")};
}

TEST_F(Clock, TheSameSeedGivesTheSameGuidsTwice) {
    const auto first = runtime_ids_after_seed(42);
    const auto second = runtime_ids_after_seed(42);
    EXPECT_EQ(first, second);
    EXPECT_NE(first[0], first[1]);
    EXPECT_EQ(36u, first[0].size());
    EXPECT_NE(first, runtime_ids_after_seed(43));
}

TEST_F(Clock, WithoutASeedGuidsAreRandom) {
    const auto seeded = runtime_ids_after_seed(42);
    ASSERT_EQ(S_OK, HcsimReset());  // back to a random seed
    EXPECT_NE(seeded[0], runtime_id_of_new_system("seed-a"));
}

TEST_F(Clock, ALatencyCompletesOnlyAfterTheClockAdvancedThatMuch) {
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateComputeSystem", 500));
    Op op;
    Sys system;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(W("latency-manual").c_str(), W(container_config()).c_str(), op,
                                           nullptr, system.out()));
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(op, nullptr));
    ASSERT_EQ(S_OK, HcsimAdvanceClock(499));
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForOperationResult(op, 0, nullptr));  // not due yet
    ASSERT_EQ(S_OK, HcsimAdvanceClock(1));
    EXPECT_EQ(S_OK, op.wait());  // due now: a worker completes it
}

TEST_F(Clock, WaitIdleReturnsOnceWhatIsDueHasRunAndNotBefore) {
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateComputeSystem", 500));
    Op op;
    Sys system;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(W("idle-manual").c_str(), W(container_config()).c_str(), op, nullptr,
                                           system.out()));
    uint64_t before = 0;
    ASSERT_EQ(S_OK, HcsimWaitIdle(0, &before));  // the completion is not due yet: idle
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(op, nullptr));
    ASSERT_EQ(S_OK, HcsimAdvanceClock(500));
    uint64_t after = 0;
    ASSERT_EQ(S_OK, HcsimWaitIdle(0xFFFFFFFFu, &after));  // due now: returns once it has run
    EXPECT_GT(after, before);
    EXPECT_EQ(S_OK, HcsWaitForOperationResult(op, 0, nullptr));  // complete, without waiting
    uint64_t again = 0;
    ASSERT_EQ(S_OK, HcsimWaitIdle(0, &again));
    EXPECT_EQ(after, again);  // nothing ran in between
    EXPECT_EQ(S_OK, HcsimWaitIdle(0, nullptr));  // the count is optional
}

TEST_F(Clock, AWaitTimesOutWhenTheClockPassesItsTimeout) {
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateComputeSystem", 60000));
    Op op;
    Sys system;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(W("timeout-manual").c_str(), W(container_config()).c_str(), op,
                                           nullptr, system.out()));
    auto waited = std::async(std::launch::async, [&op] { return HcsWaitForOperationResult(op, 1000, nullptr); });
    // Real time passes, the clock does not: the wait goes on. (A real-time bound of the
    // future, not a sleep: this is the one thing a manual clock cannot show.)
    EXPECT_EQ(std::future_status::timeout, waited.wait_for(std::chrono::milliseconds(100)));
    // Time moves in steps far smaller than the wait's timeout until it gives up; the
    // operation, due at 60 s, is still pending then.
    while (waited.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        ASSERT_EQ(S_OK, HcsimAdvanceClock(10));
        std::this_thread::yield();
    }
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, waited.get());
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(op, nullptr));
    ASSERT_EQ(S_OK, HcsimAdvanceClock(60000));
    EXPECT_EQ(S_OK, op.wait());
}

TEST_F(Clock, AnExitWaitTimesOutOnTheManualClock) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("exit-wait-manual", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    auto waited = std::async(std::launch::async, [&system] {
        PWSTR result = nullptr;
        const HRESULT hr = HcsWaitForComputeSystemExit(system, 5000, &result);
        free_string(result);
        return hr;
    });
    while (waited.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        ASSERT_EQ(S_OK, HcsimAdvanceClock(100));
        std::this_thread::yield();
    }
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, waited.get());
    EXPECT_EQ("Running", state_of(system));
}

TEST_F(Clock, UptimeFollowsTheManualClockExactly) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("uptime-manual", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const auto uptime = [&system] {
        const Result r = properties(system, R"({"PropertyTypes":["Statistics"]})");
        EXPECT_EQ(S_OK, r.hr);
        return parse(r.document)["Statistics"]["Uptime100ns"].GetUint64();
    };
    const uint64_t before = uptime();
    EXPECT_EQ(before, uptime());  // no time passes on its own
    ASSERT_EQ(S_OK, HcsimAdvanceClock(1234));
    EXPECT_EQ(before + 1234u * 10000u, uptime());
}

TEST_F(Clock, ResetReturnsToTheRealClock) {
    EXPECT_HR(E_ILLEGAL_METHOD_CALL_TEST, HcsimAdvanceClock(1));  // the real clock cannot be advanced
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, HcsimAdvanceClock(1));
    ASSERT_EQ(S_OK, HcsimReset());
    EXPECT_HR(E_ILLEGAL_METHOD_CALL_TEST, HcsimAdvanceClock(1));
    // A latency passes in real time again, without anyone advancing the clock.
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateComputeSystem", 20));
    Sys system;
    EXPECT_EQ(S_OK, create_system("after-reset", container_config(), system).hr);
}

TEST_F(Clock, LeavingManualModeNeverTurnsTimeBack) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("monotonic", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, HcsimAdvanceClock(3600u * 1000u));  // an hour, far ahead of real time
    ASSERT_EQ(S_OK, HcsimSetClock(0));
    const Result r = properties(system, R"({"PropertyTypes":["Statistics"]})");
    ASSERT_EQ(S_OK, r.hr);
    EXPECT_GE(parse(r.document)["Statistics"]["Uptime100ns"].GetUint64(), 3600ull * 10000000ull);
}

TEST_F(Clock, TheSleepProgramSleepsOnTheManualClock) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("sleep-manual", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, HcsimSetClock(1));
    Op op;
    HCS_PROCESS process = nullptr;
    ASSERT_EQ(S_OK, HcsCreateProcess(system, W(R"({"CommandLine":"sleep 1000"})").c_str(), op, nullptr, &process));
    ASSERT_EQ(S_OK, op.wait());
    // Not done while the clock stands still...
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForProcessExit(process, 0, nullptr));
    // ...done once it passed the second: the program thread wakes on an advance. (The
    // program starts its sleep on its own thread, at a moment the test cannot see: time moves
    // in steps until it is done, and no sooner than a second of it passed.)
    auto waited = std::async(std::launch::async, [process] {
        PWSTR result = nullptr;
        const HRESULT hr = HcsWaitForProcessExit(process, INFINITE, &result);
        return std::make_pair(hr, take(result));
    });
    uint64_t advanced = 0;
    while (waited.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        ASSERT_EQ(S_OK, HcsimAdvanceClock(100));
        advanced += 100;
        std::this_thread::yield();
    }
    EXPECT_GE(advanced, 1000u);
    const auto [hr, document] = waited.get();
    EXPECT_EQ(S_OK, hr);
    EXPECT_EQ(0u, parse(document)["ExitCode"].GetUint());
    HcsCloseProcess(process);
}

}  // namespace
}  // namespace hcsim_test
