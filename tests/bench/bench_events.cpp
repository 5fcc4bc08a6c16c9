// Event delivery: how many events per second reach 1 and 8 zlhcs subscriptions of one system
// handle (zlhcs's own HCS callback, fan-out, bounded queues, delivery threads), as a ratio to
// the rate at which hcsim invokes one bare HCS event callback, measured in the same run
// ("<name>/baseline"). Each iteration emits a batch of events through HcsimEmitEvent and waits
// until every subscriber has received all of them. Asserts nothing about speed.
#include "hcsim/hcsim_api.h"
#include "hcsim/hcsim_control.h"

#include <zlhcs/zlhcs.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

constexpr int batch = 1000;
constexpr std::uint32_t unknown_type = 7;
constexpr char configuration[] = R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"bench","Container":{}})";

// Counts deliveries; the waiter wakes when `target` is reached.
struct counter {
    std::mutex mutex;
    std::condition_variable reached;
    std::uint64_t count = 0;
    std::uint64_t target = 0;
    void add() {
        std::lock_guard lock(mutex);
        if (++count >= target) reached.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex);
        reached.wait(lock, [this] { return count >= target; });
    }
};

void CALLBACK bare_callback(HCS_EVENT*, void* context) { static_cast<counter*>(context)->add(); }

void ZLHCS_CALL subscriber_callback(const zlhcs_event*, void* context) { static_cast<counter*>(context)->add(); }

std::string running_system(const std::string& id) {
    zlhcs_system system = 0;
    if (zlhcs_system_create(id.c_str(), configuration, nullptr, ZLHCS_INFINITE, &system, nullptr) < 0 ||
        zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr) < 0) {
        return {};
    }
    (void)zlhcs_system_close(system);  // the system stays (no ShouldTerminateOnLastHandleClosed)
    return id;
}

void emit_batch(const std::string& id) {
    for (int i = 0; i < batch; ++i) {
        (void)HcsimEmitEvent(nullptr, id.c_str(), 0, unknown_type, R"({"n":1})", nullptr);
    }
}

// One bare HCS callback on its own HCS_SYSTEM handle: the baseline.
void bare(benchmark::State& state) {
    static const std::string id = running_system("bench-events-bare");
    const std::u16string wide_id(id.begin(), id.end());
    HCS_SYSTEM system = nullptr;
    counter seen;
    if (id.empty() || HcsOpenComputeSystem(wide_id.c_str(), GENERIC_ALL, &system) < 0 ||
        HcsSetComputeSystemCallback(system, HcsEventOptionNone, &seen, &bare_callback) < 0) {
        state.SkipWithError("cannot set up the bare callback");
        return;
    }
    for (auto _ : state) {
        {
            std::lock_guard lock(seen.mutex);
            seen.target += batch;
        }
        emit_batch(id);
        seen.wait();
    }
    HcsCloseComputeSystem(system);
    state.SetItemsProcessed(state.iterations() * batch);
}

// `subscribers` zlhcs subscriptions on one zlhcs system handle.
template <int subscribers>
void fanned_out(benchmark::State& state) {
    static const std::string id = running_system("bench-events-zlhcs-" + std::to_string(subscribers));
    zlhcs_system system = 0;
    if (id.empty() || zlhcs_system_open(id.c_str(), nullptr, &system) < 0) {
        state.SkipWithError("cannot open the system");
        return;
    }
    std::vector<std::unique_ptr<counter>> counters;
    std::vector<zlhcs_subscription> subscriptions;
    for (int i = 0; i < subscribers; ++i) {
        counters.push_back(std::make_unique<counter>());
        zlhcs_subscription s = 0;
        if (zlhcs_system_subscribe(system, ZLHCS_EVENT_ALL, 4 * batch, &subscriber_callback, counters.back().get(),
                                   nullptr,
                                   &s) < 0) {
            state.SkipWithError("cannot subscribe");
            return;
        }
        subscriptions.push_back(s);
    }
    for (auto _ : state) {
        for (auto& c : counters) {
            std::lock_guard lock(c->mutex);
            c->target += batch;
        }
        emit_batch(id);
        for (auto& c : counters) c->wait();
    }
    for (const zlhcs_subscription s : subscriptions) (void)zlhcs_subscription_close(s);
    (void)zlhcs_system_close(system);
    state.SetItemsProcessed(state.iterations() * batch);
    state.counters["subscribers"] = subscribers;
}

BENCHMARK(bare)->Name("events_to_1_subscriber/baseline")->UseRealTime();
BENCHMARK(fanned_out<1>)->Name("events_to_1_subscriber/zlhcs")->UseRealTime();
BENCHMARK(bare)->Name("events_to_8_subscribers/baseline")->UseRealTime();
BENCHMARK(fanned_out<8>)->Name("events_to_8_subscribers/zlhcs")->UseRealTime();

}  // namespace
