// hcsim at host scale: the cost of one system's life (create + start + terminate + close,
// straight against the simulator's entry points) with 100 live systems (baseline) and with
// 10 000 live systems (reported under "/zlhcs" so that bench_main prints the same-run ratio;
// the target is <= 1.2x: no hcsim call may walk every system or handle). Live systems are
// Running, each with its own open handle. Asserts nothing about speed.
#include "hcsim/hcsim_api.h"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

constexpr char16_t configuration[] =
    u"{\"SchemaVersion\":{\"Major\":2,\"Minor\":1},\"Owner\":\"bench\",\"Container\":{}}";

std::u16string wide(const std::string& text) { return std::u16string(text.begin(), text.end()); }

// Runs one system operation to completion; false if it failed.
template <typename Call>
bool complete(Call call) {
    HCS_OPERATION operation = HcsCreateOperation(nullptr, nullptr);
    const bool ok = operation != nullptr && call(operation) >= 0 &&
                    HcsWaitForOperationResult(operation, INFINITE, nullptr) >= 0;
    HcsCloseOperation(operation);
    return ok;
}

HCS_SYSTEM create_running(const std::string& id) {
    HCS_SYSTEM system = nullptr;
    const std::u16string wide_id = wide(id);
    if (!complete([&](HCS_OPERATION op) {
            return HcsCreateComputeSystem(wide_id.c_str(), configuration, op, nullptr, &system);
        }) ||
        !complete([&](HCS_OPERATION op) { return HcsStartComputeSystem(system, op, nullptr); })) {
        HcsCloseComputeSystem(system);
        return nullptr;
    }
    return system;
}

// The live population, shared by both benchmarks (grown or shrunk to what each needs).
std::vector<HCS_SYSTEM>& live_systems() {
    static std::vector<HCS_SYSTEM> systems;
    return systems;
}

bool ensure_live(std::size_t count) {
    auto& systems = live_systems();
    while (systems.size() > count) {
        HCS_SYSTEM system = systems.back();
        systems.pop_back();
        complete([&](HCS_OPERATION op) { return HcsTerminateComputeSystem(system, op, nullptr); });
        HcsCloseComputeSystem(system);
    }
    while (systems.size() < count) {
        HCS_SYSTEM system = create_running("bench-live-" + std::to_string(systems.size()));
        if (system == nullptr) return false;
        systems.push_back(system);
    }
    return true;
}

template <std::size_t live_count>
void system_lifecycle(benchmark::State& state) {
    if (!ensure_live(live_count)) {
        state.SkipWithError("cannot create the live systems");
        return;
    }
    static uint64_t next = 0;  // ids never repeat (a stopped system's id is free anyway)
    for (auto _ : state) {
        HCS_SYSTEM system = create_running("bench-cycle-" + std::to_string(next++));
        if (system == nullptr ||
            !complete([&](HCS_OPERATION op) { return HcsTerminateComputeSystem(system, op, nullptr); })) {
            state.SkipWithError("create/start/terminate failed");
            HcsCloseComputeSystem(system);
            break;
        }
        HcsCloseComputeSystem(system);
    }
    state.counters["live_systems"] = static_cast<double>(live_count);
}

// The baseline runs first (registration order), so the population only grows.
BENCHMARK(system_lifecycle<100>)->Name("hcsim_system_lifecycle/baseline")->UseRealTime();
BENCHMARK(system_lifecycle<10000>)->Name("hcsim_system_lifecycle/zlhcs")->UseRealTime();

}  // namespace
