// The control surface: fault injection, latency, service disconnect, live objects, reset,
// and the native LocalAlloc/LocalFree.
#include <cstddef>

#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Control : public HcsimTest {};

constexpr HRESULT E_ACCESSDENIED_TEST = HCSIM_HR(0x80070005u);

TEST_F(Control, ImmediateFaultsFailTheNextCallsAndLeaveTheOperationUnused) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("fault-immediate", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsStartComputeSystem", 2, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    Op op;
    EXPECT_HR(E_INVALIDARG, HcsStartComputeSystem(system, nullptr, nullptr));  // does not use a fault up
    EXPECT_HR(E_FAIL, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_HR(E_FAIL, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, nullptr));
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));  // the third call goes through
    EXPECT_EQ(S_OK, op.wait());
    EXPECT_EQ("Running", state_of(system));
}

TEST_F(Control, AsyncFaultsFailTheOperationWithAnErrorDocument) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("fault-async", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsStartComputeSystem", 1, HCS_E_TERMINATED, HCSIM_FAULT_ASYNC));
    const Result r = run(HcsStartComputeSystem, system);
    EXPECT_HR(HCS_E_TERMINATED, r.hr);
    const auto error = parse(r.document);
    EXPECT_EQ(static_cast<int32_t>(HCS_E_TERMINATED), error["Error"].GetInt());
    EXPECT_STREQ("HcsStartComputeSystem", error["ErrorEvents"][0]["Source"].GetString());
    EXPECT_EQ("Created", state_of(system));
    EXPECT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
}

TEST_F(Control, FaultsOnCallsWithoutOperations) {
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsCreateOperation", 1, E_OUTOFMEMORY, HCSIM_FAULT_ASYNC));
    EXPECT_EQ(nullptr, HcsCreateOperation(nullptr, nullptr));
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsGetServiceProperties", 1, HCS_E_ACCESS_DENIED, HCSIM_FAULT_ASYNC));
    PWSTR result = nullptr;
    EXPECT_HR(HCS_E_ACCESS_DENIED, HcsGetServiceProperties(nullptr, &result));
    EXPECT_EQ(static_cast<int32_t>(HCS_E_ACCESS_DENIED), parse(take(result))["Error"].GetInt());
    ASSERT_EQ(S_OK, HcsGetServiceProperties(nullptr, &result));
    free_string(result);

    Sys system;
    ASSERT_EQ(S_OK, create_system("fault-open", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsOpenComputeSystem", 1, E_ACCESSDENIED_TEST, HCSIM_FAULT_IMMEDIATE));
    Sys other;
    EXPECT_HR(E_ACCESSDENIED_TEST, HcsOpenComputeSystem(W("fault-open").c_str(), GENERIC_ALL, other.out()));
    EXPECT_EQ(S_OK, HcsOpenComputeSystem(W("fault-open").c_str(), GENERIC_ALL, other.out()));
}

TEST_F(Control, FaultArgumentsAreChecked) {
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls(nullptr, 1, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls("HcsNoSuchFunction", 1, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls("HcsStartComputeSystem", 1, S_OK, HCSIM_FAULT_IMMEDIATE));
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls("HcsStartComputeSystem", 1, E_FAIL, 7));
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls("HcsCloseOperation", 1, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    // count 0 clears a fault.
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsEnumerateComputeSystems", 5, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsEnumerateComputeSystems", 0, S_OK, HCSIM_FAULT_IMMEDIATE));
    EXPECT_EQ(S_OK, enumerate().hr);
}

TEST_F(Control, LatencyDelaysCompletion) {
    EXPECT_HR(E_INVALIDARG, HcsimSetLatency("HcsNoSuchFunction", 10));
    Sys system;
    ASSERT_EQ(S_OK, create_system("latency", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 2000));
    Op op;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(op, nullptr));
    EXPECT_EQ(S_OK, op.wait());
    EXPECT_EQ("Running", state_of(system));
    // Global latency applies to every entry point; 0 removes it.
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 0));
    ASSERT_EQ(S_OK, HcsimSetLatency(nullptr, 2000));
    Op enumerate_op;
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, enumerate_op));
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(enumerate_op, nullptr));
    ASSERT_EQ(S_OK, HcsimSetLatency(nullptr, 0));
    EXPECT_EQ(S_OK, enumerate_op.wait());
}

TEST_F(Control, ServiceDisconnect) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("disconnect", container_config(), system).hr);
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionNone, &log, EventLog::callback));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 60000));
    Op pending;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, pending, nullptr));
    HRESULT waited = E_FAIL;
    std::thread waiter([&] { waited = HcsWaitForComputeSystemExit(system, INFINITE, nullptr); });

    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(1));
    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(1));  // already: no second event
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, pending.wait());
    waiter.join();
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, waited);
    const auto events = log.wait_for(1);
    ASSERT_EQ(1u, events.size());
    EXPECT_EQ(HcsEventServiceDisconnect, events[0].type);

    Op op;
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsGetComputeSystemProperties(system, op, nullptr));
    Sys other;
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsOpenComputeSystem(W("disconnect").c_str(), GENERIC_ALL, other.out()));
    PWSTR result = nullptr;
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsGetServiceProperties(nullptr, &result));
    EXPECT_HR(HCS_E_SERVICE_DISCONNECT, HcsWaitForComputeSystemExit(system, 0, nullptr));

    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(0));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 0));
    EXPECT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_EQ(S_OK, op.wait());
    wait_idle();
    EXPECT_EQ(1u, log.snapshot().size());
}

TEST_F(Control, LiveObjectsCountEverything) {
    hcsim_live_objects small{};
    constexpr uint32_t first_size = offsetof(hcsim_live_objects, waiting_calls);  // before it was appended
    small.struct_size = first_size - 1;
    EXPECT_HR(E_INVALIDARG, HcsimGetLiveObjects(&small));
    EXPECT_HR(E_INVALIDARG, HcsimGetLiveObjects(nullptr));
    small.struct_size = first_size;  // an older caller's struct: filled up to its size
    small.waiting_calls = 0xABCDu;
    EXPECT_EQ(S_OK, HcsimGetLiveObjects(&small));
    EXPECT_EQ(0xABCDu, small.waiting_calls);

    const hcsim_live_objects before = live();
    EXPECT_EQ(0u, before.operations);
    EXPECT_EQ(0u, before.system_handles);
    EXPECT_EQ(0u, before.systems);
    {
        Op op;
        Sys system;
        ASSERT_EQ(S_OK, create_system("live", container_config(), system).hr);
        PWSTR doc = nullptr;
        ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
        ASSERT_EQ(S_OK, HcsWaitForOperationResult(op, INFINITE, &doc));
        const hcsim_live_objects during = live();
        EXPECT_EQ(1u, during.operations);
        EXPECT_EQ(1u, during.system_handles);
        EXPECT_EQ(1u, during.systems);
#if !defined(_WIN32)
        EXPECT_EQ(1u, during.strings);
#endif
        free_string(doc);
        EXPECT_EQ(0u, live().strings);
        ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system).hr);
    }
    wait_idle();
    const hcsim_live_objects after = live();
    EXPECT_EQ(0u, after.operations);
    EXPECT_EQ(0u, after.system_handles);
    EXPECT_EQ(0u, after.systems);
    EXPECT_EQ(0u, after.pending_completions);
    EXPECT_EQ(0u, after.strings);
}

TEST_F(Control, ResetForgetsSystemsButKeepsHandlesValid) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("reset", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsEnumerateComputeSystems", 3, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    ASSERT_EQ(S_OK, HcsimReset());
    EXPECT_EQ(0u, live().systems);
    EXPECT_EQ(1u, live().system_handles);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, run(HcsStartComputeSystem, system).hr);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, properties(system).hr);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsWaitForComputeSystemExit(system, 0, nullptr));
    EXPECT_EQ(S_OK, enumerate().hr);  // the fault is gone too
    // The id is free again.
    Sys again;
    EXPECT_EQ(S_OK, create_system("reset", container_config(), again).hr);
}

#if !defined(_WIN32)
TEST_F(Control, NativeLocalAllocAndLocalFree) {
    void* block = LocalAlloc(HCSIM_LMEM_ZEROINIT, 16);
    ASSERT_NE(nullptr, block);
    EXPECT_EQ(0, static_cast<unsigned char*>(block)[15]);
    EXPECT_EQ(nullptr, LocalFree(block));
    int not_ours = 0;
    EXPECT_EQ(&not_ours, LocalFree(&not_ours));  // foreign pointer: left alone, returned
    EXPECT_EQ(nullptr, LocalFree(nullptr));
}
#endif

}  // namespace
}  // namespace hcsim_test
