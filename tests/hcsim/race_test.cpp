// Many threads at once: systems created, started, queried, paused, terminated and closed,
// operations cancelled and closed while pending, handles closed twice. Nothing may crash,
// deadlock or leak; every state must stay consistent (TSan checks the rest).
#include <random>

#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Race : public HcsimTest {};

struct Counter {
    std::atomic<int> calls{0};
};

void CALLBACK count_completion(HCS_OPERATION, void* context) {
    ++static_cast<Counter*>(context)->calls;
}

void CALLBACK count_event(HCS_EVENT*, void* context) { ++static_cast<Counter*>(context)->calls; }

TEST_F(Race, ManyThreadsDriveSystemsAndOperations) {
    constexpr int threads = 8;
    constexpr int rounds = 25;
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsPauseComputeSystem", 1));
    Counter completions;
    Counter events;
    std::atomic<int> failures{0};
    std::atomic<int> started_callbacks{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937 random(static_cast<unsigned>(t) * 7919u + 1u);
            for (int i = 0; i < rounds; ++i) {
                const std::string id = "race-" + std::to_string(t) + "-" + std::to_string(i);
                Sys system;
                const u16string wid = W(id);
                const u16string config = W(i % 2 ? vm_config() : container_config());
                HCS_OPERATION create = HcsCreateOperation(&completions, count_completion);
                ++started_callbacks;
                if (HcsCreateComputeSystem(wid.c_str(), config.c_str(), create, nullptr, system.out()) != S_OK ||
                    HcsWaitForOperationResult(create, INFINITE, nullptr) != S_OK) {
                    ++failures;
                }
                HcsCloseOperation(create);
                if (HcsSetComputeSystemCallback(system, HcsEventOptionNone, &events, count_event) != S_OK) ++failures;
                if (run(HcsStartComputeSystem, system).hr != S_OK) ++failures;

                // Operations abandoned while pending: cancelled or closed.
                Op cancelled;
                if (HcsPauseComputeSystem(system, cancelled, nullptr) == S_OK) {
                    HcsCancelOperation(cancelled);
                    const HRESULT hr = cancelled.wait();
                    // A container refuses pause (VM-only: ERROR_NOT_SUPPORTED) unless cancelled first.
                    const bool refused = i % 2 == 0 && hr == HCSIM_HR(0x80070032u);
                    if (hr != S_OK && hr != HCSIM_E_CANCELLED && !refused) ++failures;
                }
                HCS_OPERATION abandoned = HcsCreateOperation(nullptr, nullptr);
                if (HcsGetComputeSystemProperties(system, abandoned, nullptr) != S_OK) ++failures;
                HcsCloseOperation(abandoned);

                const Result props = properties(system, R"({"PropertyTypes":["Statistics","ProcessList"]})");
                if (props.hr != S_OK) ++failures;
                if (random() % 2) {
                    // pause may have happened (if the cancel came too late); either way resume or skip
                    run(HcsResumeComputeSystem, system);
                }
                Op enumerate_op;
                if (HcsEnumerateComputeSystems(nullptr, enumerate_op) != S_OK || enumerate_op.wait() != S_OK) {
                    ++failures;
                }
                const Result terminated = run(HcsTerminateComputeSystem, system);
                if (terminated.hr != S_OK) ++failures;
                if (HcsWaitForComputeSystemExit(system, INFINITE, nullptr) != S_OK) ++failures;
                // Two threads closing one handle: exactly one close takes effect.
                const HCS_SYSTEM raw = system.get();
                std::thread other([raw] { HcsCloseComputeSystem(raw); });
                HcsCloseComputeSystem(raw);
                other.join();
                *system.out() = nullptr;
            }
        });
    }
    for (auto& worker : workers) worker.join();
    wait_idle();
    EXPECT_EQ(0, failures.load());
    EXPECT_EQ(started_callbacks.load(), completions.calls.load());
    EXPECT_EQ(threads * rounds, events.calls.load());  // one SystemExited per system
    const hcsim_live_objects counts = live();
    EXPECT_EQ(0u, counts.systems);
    EXPECT_EQ(0u, counts.system_handles);
    EXPECT_EQ(0u, counts.operations);
}

TEST_F(Race, ConcurrentControlCallsAndQueries) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("race-shared", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    std::atomic<bool> stop{false};
    std::thread control([&] {
        while (!stop) {
            HcsimFailNextCalls("HcsGetComputeSystemProperties", 1, E_FAIL, HCSIM_FAULT_ASYNC);
            HcsimSetLatency(nullptr, 1);
            HcsimSetLatency(nullptr, 0);
            live();
        }
    });
    std::vector<std::thread> readers;
    std::atomic<int> unexpected{0};
    for (int t = 0; t < 6; ++t) {
        readers.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                const Result r = properties(system, R"({"PropertyTypes":["Statistics"]})");
                if (r.hr != S_OK && r.hr != E_FAIL) ++unexpected;
                PWSTR doc = nullptr;
                if (HcsGetServiceProperties(nullptr, &doc) != S_OK) ++unexpected;
                free_string(doc);
            }
        });
    }
    for (auto& reader : readers) reader.join();
    stop = true;
    control.join();
    HcsimFailNextCalls("HcsGetComputeSystemProperties", 0, S_OK, 0);
    EXPECT_EQ(0, unexpected.load());
    EXPECT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
}

}  // namespace
}  // namespace hcsim_test
