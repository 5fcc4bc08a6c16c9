// The cost zlhcs adds to an HCS call: the same synchronous properties query through the C ABI
// (validation, UTF-8 -> UTF-16, operation bridge, UTF-16 -> UTF-8, copy for the caller) and
// straight against the simulator's entry points (baseline).
#include <zlhcs/zlhcs.h>

#include "hcsim/hcsim_api.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

constexpr const char* configuration =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"bench","ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
constexpr const char* query = R"({"PropertyTypes":["Statistics"]})";
constexpr char16_t wide_query[] = u"{\"PropertyTypes\":[\"Statistics\"]}";

struct running_system {
    zlhcs_system handle = 0;
    HCS_SYSTEM raw = nullptr;

    explicit running_system(const char* id) {
        if (zlhcs_system_create(id, configuration, nullptr, ZLHCS_INFINITE, &handle, nullptr) < 0 ||
            zlhcs_system_start(handle, nullptr, ZLHCS_INFINITE, nullptr) < 0) {
            throw std::runtime_error("cannot start the benchmark system");
        }
        const std::u16string wide_id(id, id + std::char_traits<char>::length(id));
        if (HcsOpenComputeSystem(wide_id.c_str(), 0x10000000u, &raw) < 0) {
            throw std::runtime_error("cannot open the benchmark system directly");
        }
    }
    ~running_system() {
        HcsCloseComputeSystem(raw);
        (void)zlhcs_system_close(handle);
    }
};

void properties_zlhcs(benchmark::State& state) {
    running_system system("bench-zlhcs");
    for (auto _ : state) {
        char* properties = nullptr;
        if (zlhcs_system_properties(system.handle, query, ZLHCS_INFINITE, &properties) < 0) {
            state.SkipWithError("zlhcs_system_properties failed");
            break;
        }
        benchmark::DoNotOptimize(properties);
        zlhcs_free(properties);
    }
}

void properties_baseline(benchmark::State& state) {
    running_system system("bench-raw");
    for (auto _ : state) {
        HCS_OPERATION operation = HcsCreateOperation(nullptr, nullptr);
        PWSTR properties = nullptr;
        if (HcsGetComputeSystemProperties(system.raw, operation, wide_query) < 0 ||
            HcsWaitForOperationResult(operation, INFINITE, &properties) < 0) {
            state.SkipWithError("HcsGetComputeSystemProperties failed");
            HcsCloseOperation(operation);
            break;
        }
        benchmark::DoNotOptimize(properties);
        LocalFree(properties);
        HcsCloseOperation(operation);
    }
}

BENCHMARK(properties_zlhcs)->Name("system_properties/zlhcs")->UseRealTime();
BENCHMARK(properties_baseline)->Name("system_properties/baseline")->UseRealTime();

}  // namespace
