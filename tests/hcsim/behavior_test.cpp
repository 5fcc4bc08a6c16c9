// hcsim's behaviour switches (HcsimSetBehavior) and the event binding of operations: inline
// completion, the spurious create-process result, omitted error documents, strict handles,
// operation completions through an event callback registered late, live-migration option.
#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Behavior : public HcsimTest {};

struct InlineRecord {
    std::atomic<int> calls{0};
    std::thread::id thread;
    HRESULT result_inside = E_FAIL;
};

void CALLBACK inline_completion(HCS_OPERATION operation, void* context) {
    auto* record = static_cast<InlineRecord*>(context);
    record->result_inside = HcsGetOperationResult(operation, nullptr);
    record->thread = std::this_thread::get_id();
    record->calls.fetch_add(1);
}

TEST_F(Behavior, UnknownBitsAreRefusedAndTheSetIsKeptAcrossReset) {
    EXPECT_HR(E_INVALIDARG, HcsimSetBehavior(0x80000000u));
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_INLINE_COMPLETION));
    ASSERT_EQ(S_OK, HcsimReset());
    EXPECT_EQ(HCSIM_BEHAVIOR_INLINE_COMPLETION, HcsimGetBehavior());
}

// hcsshim internal/hcs/v2/system.go (createProcess): on Windows Server 2022 HcsCreateProcess
// may complete synchronously. hcsim generalises it (assumption, the harder case for a client):
// with the switch, every operation without latency completes inside its starting call.
TEST_F(Behavior, InlineCompletionRunsTheCallbackBeforeTheCallReturns) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_INLINE_COMPLETION));
    InlineRecord record;
    Op op(inline_completion, &record);
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_EQ(1, record.calls.load());  // already, before any wait
    EXPECT_EQ(std::this_thread::get_id(), record.thread);
    EXPECT_EQ(S_OK, record.result_inside);
    EXPECT_EQ(S_OK, HcsGetOperationResult(op, nullptr));

    // A system is created and started with no worker involved; latency still defers.
    Sys system;
    const u16string id = W("inline-system");
    const u16string config = W(container_config());
    InlineRecord create_record;
    Op create(inline_completion, &create_record);
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(id.c_str(), config.c_str(), create, nullptr, system.out()));
    EXPECT_EQ(1, create_record.calls.load());
    EXPECT_EQ("Created", state_of(system));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 30));
    Op start;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, start, nullptr));
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(start, nullptr));
    EXPECT_EQ(S_OK, start.wait());
}

// An inline callback that starts another operation: that one completes inside the nested
// call in turn (no deadlock on hcsim's lock).
void CALLBACK nested_inline(HCS_OPERATION, void* context) {
    auto* inner_result = static_cast<HRESULT*>(context);
    HCS_OPERATION inner = HcsCreateOperation(nullptr, nullptr);
    *inner_result = HcsEnumerateComputeSystems(nullptr, inner);
    if (SUCCEEDED(*inner_result)) *inner_result = HcsGetOperationResult(inner, nullptr);
    HcsCloseOperation(inner);
}

TEST_F(Behavior, InlineCallbacksMayStartOperations) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_INLINE_COMPLETION));
    HRESULT inner = E_FAIL;
    Op op(nested_inline, &inner);
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_EQ(S_OK, inner);
}

// hcsshim internal/hcs/v2/system.go (createProcess): "the wait spuriously fails (e.g.
// E_INVALIDARG) even though HCS handed back a valid process handle".
TEST_F(Behavior, SpuriousProcessResultBreaksOnlyTheResultQueries) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("spurious", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_INLINE_COMPLETION | HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT));
    const u16string parameters = W(R"({"CommandLine":"sleep 60000"})");
    Op create;
    HCS_PROCESS process = nullptr;
    ASSERT_EQ(S_OK, HcsCreateProcess(system, parameters.c_str(), create, nullptr, &process));
    ASSERT_NE(nullptr, process);
    HCS_PROCESS_INFORMATION info{};
    PWSTR document = nullptr;
    EXPECT_HR(E_INVALIDARG, HcsGetOperationResultAndProcessInfo(create, &info, &document));
    EXPECT_EQ(nullptr, document);
    EXPECT_EQ(0u, info.ProcessId);
    EXPECT_HR(E_INVALIDARG, HcsWaitForOperationResultAndProcessInfo(create, INFINITE, &info, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsGetOperationResult(create, nullptr));
    EXPECT_EQ(process, HcsGetProcessFromOperation(create));
    // The process runs and its handle works.
    Op query;
    ASSERT_EQ(S_OK, HcsGetProcessProperties(process, query, nullptr));
    std::string status;
    EXPECT_EQ(S_OK, query.wait(&status));
    EXPECT_FALSE(parse(status)["Exited"].GetBool());
    Op terminate;
    ASSERT_EQ(S_OK, HcsTerminateProcess(process, terminate, nullptr));
    EXPECT_EQ(S_OK, terminate.wait());
    EXPECT_EQ(S_OK, HcsWaitForProcessExit(process, 20000, nullptr));
    HcsCloseProcess(process);
}

// "On failure, it can optionally receive an error JSON document ... it's not guaranteed to be
// always returned" (HcsGetOperationResult.md).
TEST_F(Behavior, ErrorDocumentsCanBeOmitted) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_OMIT_ERROR_DOCUMENTS));
    Sys system;
    ASSERT_EQ(S_OK, create_system("no-error-doc", container_config(), system).hr);
    const Result pause = run(HcsPauseComputeSystem, system);  // Created: not a valid state
    EXPECT_TRUE(FAILED(pause.hr));
    EXPECT_EQ("", pause.document);
    const Result ok = properties(system);  // successes keep their documents
    EXPECT_EQ(S_OK, ok.hr);
    EXPECT_FALSE(ok.document.empty());
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_DEFAULT));
    EXPECT_NE("", run(HcsPauseComputeSystem, system).document);
}

// hcsshim internal/computecore/computecore.go: using a torn-down handle "has been observed to
// crash the shim with EXCEPTION_ACCESS_VIOLATION inside computecore.dll". Strict mode makes
// such a use visible.
TEST_F(Behavior, StrictHandlesRecordEveryBadHandle) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_STRICT_HANDLES));
    HCS_OPERATION op = HcsCreateOperation(nullptr, nullptr);
    HcsCloseOperation(op);
    EXPECT_HR(E_HANDLE, HcsGetOperationResult(op, nullptr));  // closed
    EXPECT_HR(E_INVALIDARG, HcsWaitForProcessExit(nullptr, 0, nullptr));
    HcsCloseComputeSystem(reinterpret_cast<HCS_SYSTEM>(uintptr_t{0x1234}));  // never existed
    uint32_t count = 0;
    char text[512] = {};
    ASSERT_EQ(S_OK, HcsimGetViolations(&count, text, sizeof text));
    EXPECT_EQ(3u, count);
    const std::string listed = text;
    EXPECT_NE(std::string::npos, listed.find("HcsGetOperationResult: HCS_OPERATION"));
    EXPECT_NE(std::string::npos, listed.find("HcsWaitForProcessExit: HCS_PROCESS NULL"));
    EXPECT_NE(std::string::npos, listed.find("HcsCloseComputeSystem: HCS_SYSTEM 0x1234"));
    char tiny[4] = {'x', 'x', 'x', 'x'};
    ASSERT_EQ(S_OK, HcsimGetViolations(&count, tiny, sizeof tiny));
    EXPECT_EQ('\0', tiny[3]);
    EXPECT_HR(E_INVALIDARG, HcsimGetViolations(nullptr, nullptr, 0));
    ASSERT_EQ(S_OK, HcsimClearViolations());
    ASSERT_EQ(S_OK, HcsimGetViolations(&count, nullptr, 0));
    EXPECT_EQ(0u, count);
    // Off: nothing is recorded.
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_DEFAULT));
    EXPECT_HR(E_HANDLE, HcsGetOperationResult(op, nullptr));
    ASSERT_EQ(S_OK, HcsimGetViolations(&count, nullptr, 0));
    EXPECT_EQ(0u, count);
}

// OperationCompletionSample.md: create with an operation without callback, then register the
// system callback with HcsEventOptionEnableOperationCallbacks: it receives that create's
// HcsEventOperationCallback.
TEST_F(Behavior, EventCallbackRegisteredAfterTheStartTakesTheCompletion) {
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateComputeSystem", 50));
    Sys system;
    const u16string id = W("late-event-binding");
    const u16string config = W(container_config());
    Op create;
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(id.c_str(), config.c_str(), create, nullptr, system.out()));
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetComputeSystemCallback(system, HcsEventOptionEnableOperationCallbacks, &log,
                                                EventLog::callback));
    const auto entries = log.wait_for(1);
    ASSERT_EQ(1u, entries.size());
    EXPECT_EQ(HcsEventOperationCallback, entries[0].type);
    EXPECT_EQ(create.get(), entries[0].operation);
    EXPECT_EQ(S_OK, HcsGetOperationResult(create, nullptr));
}

// hcsshim registers every system callback with HcsEventOptionEnableLiveMigrationEvents (4)
// (internal/hcs/v2/system.go registerNotification).
TEST_F(Behavior, SystemCallbacksAcceptTheLiveMigrationOption) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("live-migration-option", container_config(), system).hr);
    EventLog log;
    // Newer SDKs name it HcsEventOptionEnableLiveMigrationEvents (mingw's computedefs.h does not).
    EXPECT_EQ(S_OK, HcsSetComputeSystemCallback(system, static_cast<HCS_EVENT_OPTIONS>(4), &log,
                                                EventLog::callback));
}

// EventCallbackSample.md handles HcsEventServiceDisconnect in a process callback too.
TEST_F(Behavior, ServiceDisconnectReachesProcessCallbacks) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("disconnect-process", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    const u16string parameters = W(R"({"CommandLine":"sleep 60000"})");
    Op create;
    HCS_PROCESS process = nullptr;
    ASSERT_EQ(S_OK, HcsCreateProcess(system, parameters.c_str(), create, nullptr, &process));
    ASSERT_EQ(S_OK, create.wait());
    EventLog log;
    ASSERT_EQ(S_OK, HcsSetProcessCallback(process, HcsEventOptionNone, &log, EventLog::callback));
    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(1));
    const auto entries = log.wait_for(1);
    ASSERT_GE(entries.size(), 1u);
    EXPECT_EQ(HcsEventServiceDisconnect, entries[0].type);
    ASSERT_EQ(S_OK, HcsimSetServiceDisconnected(0));
    HcsCloseProcess(process);
    ASSERT_EQ(S_OK, HcsimReset());  // ends the process
}

}  // namespace
}  // namespace hcsim_test
