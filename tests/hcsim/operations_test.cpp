// HCS_OPERATION semantics: reuse, results, wait/timeout, cancel, callbacks, close, inline
// completion and the other behaviour switches.
#include "hcsim_test_support.h"

namespace hcsim_test {
namespace {

class Operations : public HcsimTest {};

struct CallbackRecord {
    std::mutex mutex;
    std::condition_variable cv;
    int calls = 0;
    std::thread::id thread;
    HCS_OPERATION operation = nullptr;
    HRESULT result_inside = E_FAIL;
    bool close_inside = false;
    void* context_seen = nullptr;

    void wait_calls(int n) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, std::chrono::seconds(20), [&] { return calls >= n; });
    }
};

void CALLBACK record_completion(HCS_OPERATION operation, void* context) {
    auto* record = static_cast<CallbackRecord*>(context);
    // Re-entrancy: reading the result from inside the callback is allowed.
    PWSTR doc = nullptr;
    const HRESULT hr = HcsGetOperationResult(operation, &doc);
    free_string(doc);
    bool close = false;
    {
        std::lock_guard lock(record->mutex);
        close = record->close_inside;
    }
    if (close) HcsCloseOperation(operation);  // closing from inside the callback is allowed
    std::lock_guard lock(record->mutex);
    ++record->calls;
    record->thread = std::this_thread::get_id();
    record->operation = operation;
    record->result_inside = hr;
    record->context_seen = context;
    record->cv.notify_all();
}

TEST_F(Operations, CreateGivesDistinctHandlesIdsAndContext) {
    int marker = 0;
    Op a(nullptr, &marker);
    Op b;
    EXPECT_NE(a.get(), b.get());
    EXPECT_NE(HcsGetOperationId(a), HcsGetOperationId(b));
    EXPECT_NE(HCS_INVALID_OPERATION_ID, HcsGetOperationId(a));
    EXPECT_EQ(&marker, HcsGetOperationContext(a));
    EXPECT_EQ(nullptr, HcsGetOperationContext(b));
    int other = 0;
    EXPECT_EQ(S_OK, HcsSetOperationContext(b, &other));
    EXPECT_EQ(&other, HcsGetOperationContext(b));
    EXPECT_EQ(HcsOperationTypeNone, HcsGetOperationType(a));
    EXPECT_EQ(nullptr, HcsGetComputeSystemFromOperation(a));
    EXPECT_EQ(nullptr, HcsGetProcessFromOperation(a));
    EXPECT_EQ(2u, live().operations);
}

TEST_F(Operations, NullGarbageAndClosedHandlesAreRejectedWithoutCrashing) {
    const auto garbage = reinterpret_cast<HCS_OPERATION>(static_cast<uintptr_t>(0xDEADBEE0));
    HCS_OPERATION closed = HcsCreateOperation(nullptr, nullptr);
    HcsCloseOperation(closed);
    for (HCS_OPERATION bad : {garbage, closed}) {
        PWSTR doc = reinterpret_cast<PWSTR>(static_cast<uintptr_t>(1));
        EXPECT_HR(E_HANDLE, HcsGetOperationResult(bad, &doc));
        EXPECT_EQ(nullptr, doc);
        EXPECT_HR(E_HANDLE, HcsWaitForOperationResult(bad, 0, nullptr));
        EXPECT_HR(E_HANDLE, HcsCancelOperation(bad));
        EXPECT_HR(E_HANDLE, HcsSetOperationContext(bad, nullptr));
        EXPECT_HR(E_HANDLE, HcsSetOperationCallback(bad, nullptr, record_completion));
        HCS_PROCESS_INFORMATION info{};
        EXPECT_HR(E_HANDLE, HcsGetOperationResultAndProcessInfo(bad, &info, nullptr));
        EXPECT_HR(E_HANDLE, HcsWaitForOperationResultAndProcessInfo(bad, 0, &info, nullptr));
        EXPECT_EQ(nullptr, HcsGetOperationContext(bad));
        EXPECT_EQ(HcsOperationTypeNone, HcsGetOperationType(bad));
        EXPECT_EQ(HCS_INVALID_OPERATION_ID, HcsGetOperationId(bad));
        EXPECT_EQ(nullptr, HcsGetComputeSystemFromOperation(bad));
        EXPECT_EQ(nullptr, HcsGetProcessFromOperation(bad));
        HcsCloseOperation(bad);  // no effect, no crash
        EXPECT_HR(E_HANDLE, HcsEnumerateComputeSystems(nullptr, bad));
    }
    EXPECT_HR(E_INVALIDARG, HcsGetOperationResult(nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsWaitForOperationResult(nullptr, 0, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsCancelOperation(nullptr));
    EXPECT_HR(E_INVALIDARG, HcsSetOperationContext(nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsEnumerateComputeSystems(nullptr, nullptr));
    HcsCloseOperation(nullptr);
    // A system handle is not an operation handle.
    Sys system;
    ASSERT_EQ(S_OK, create_system("op-type-confusion", container_config(), system).hr);
    EXPECT_HR(E_HANDLE, HcsGetOperationResult(reinterpret_cast<HCS_OPERATION>(system.get()), nullptr));
    Op op;
    EXPECT_HR(E_HANDLE, HcsStartComputeSystem(reinterpret_cast<HCS_SYSTEM>(op.get()), op, nullptr));
}

TEST_F(Operations, NotStartedBeforeUse) {
    Op op;
    PWSTR doc = nullptr;
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsGetOperationResult(op, &doc));
    EXPECT_EQ(nullptr, doc);
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsWaitForOperationResult(op, 10, &doc));
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED));
    EXPECT_HR(HCS_E_OPERATION_NOT_STARTED, HcsCancelOperation(op));
}

// Tutorial.md tracks create, start, properties and terminate with one operation in turn.
TEST_F(Operations, ReusableOnceCompletedNeverWhilePending) {
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsEnumerateComputeSystems", 50));
    Op op;
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_HR(HCS_E_OPERATION_ALREADY_STARTED, HcsEnumerateComputeSystems(nullptr, op));
    std::string doc;
    EXPECT_EQ(S_OK, op.wait(&doc));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsEnumerateComputeSystems", 0));
    Sys system;
    const u16string id = W("reused-op");
    const u16string config = W(container_config());
    ASSERT_EQ(S_OK, HcsCreateComputeSystem(id.c_str(), config.c_str(), op, nullptr, system.out()));
    EXPECT_EQ(HcsOperationTypeCreate, HcsGetOperationType(op));
    EXPECT_EQ(S_OK, op.wait());
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_EQ(HcsOperationTypeStart, HcsGetOperationType(op));
    EXPECT_EQ(S_OK, op.wait());
    EXPECT_EQ("Running", state_of(system));
    ASSERT_EQ(S_OK, HcsGetComputeSystemProperties(system, op, nullptr));
    EXPECT_EQ(S_OK, op.wait(&doc));
    EXPECT_NE(std::string::npos, doc.find("reused-op"));
    ASSERT_EQ(S_OK, HcsTerminateComputeSystem(system, op, nullptr));
    EXPECT_EQ(S_OK, op.wait());
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_EQ(S_OK, op.wait(&doc));
    EXPECT_EQ(HcsOperationTypeEnumerate, HcsGetOperationType(op));
    // The result can be read again, each time a fresh string.
    PWSTR first = nullptr;
    PWSTR second = nullptr;
    EXPECT_EQ(S_OK, HcsGetOperationResult(op, &first));
    EXPECT_EQ(S_OK, HcsGetOperationResult(op, &second));
    EXPECT_NE(first, second);
    EXPECT_EQ(take(first), take(second));
    EXPECT_EQ(S_OK, HcsGetOperationResult(op, nullptr));
}

// "not currently implemented and will always return an E_NOTIMPL" (HcsCancelOperation.md);
// hcsshim's runOperation calls it after a wait timeout and ignores its result
// (internal/hcs/v2/operation.go).
TEST_F(Operations, CancelIsNotImplementedAndTheWorkStillCompletes) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("cancel-notimpl", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 100));
    Op op;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    PWSTR doc = nullptr;
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForOperationResult(op, 0, &doc));
    EXPECT_EQ(nullptr, doc);
    EXPECT_HR(HCS_E_OPERATION_PENDING, HcsGetOperationResult(op, &doc));
    EXPECT_HR(E_NOTIMPL, HcsCancelOperation(op));
    EXPECT_EQ(S_OK, op.wait());
    EXPECT_EQ("Running", state_of(system));
    EXPECT_HR(E_NOTIMPL, HcsCancelOperation(op));
}

// Assumption about a future build (newer SDKs define HCS_E_OPERATION_ALREADY_CANCELLED):
// behind HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED, cancel completes a pending operation with
// ERROR_CANCELLED and its state change does not happen.
TEST_F(Operations, CancelSwitchCancelsAPendingOperation) {
    ASSERT_EQ(S_OK, HcsimSetBehavior(HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED));
    Sys system;
    ASSERT_EQ(S_OK, create_system("cancel-start", container_config(), system).hr);
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsStartComputeSystem", 60000));
    Op op;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, HcsWaitForOperationResult(op, 20, nullptr));
    ASSERT_EQ(S_OK, HcsCancelOperation(op));
    std::string error;
    EXPECT_HR(HCSIM_E_CANCELLED, op.wait(&error));
    const auto parsed = parse(error);
    EXPECT_EQ(static_cast<int32_t>(HCSIM_E_CANCELLED), parsed["Error"].GetInt());
    EXPECT_TRUE(parsed["ErrorEvents"].IsArray());
    EXPECT_EQ("Created", state_of(system));
    // Cancelling a completed operation changes nothing.
    EXPECT_EQ(S_OK, HcsCancelOperation(op));
    EXPECT_HR(HCSIM_E_CANCELLED, HcsGetOperationResult(op, nullptr));
}

TEST_F(Operations, CallbackRunsExactlyOnceOnAWorkerThread) {
    CallbackRecord record;
    Op op(record_completion, &record);
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_EQ(S_OK, op.wait());
    record.wait_calls(1);
    wait_idle();
    std::lock_guard lock(record.mutex);
    EXPECT_EQ(1, record.calls);
    EXPECT_NE(std::this_thread::get_id(), record.thread);
    EXPECT_EQ(op.get(), record.operation);
    EXPECT_EQ(S_OK, record.result_inside);
    EXPECT_EQ(&record, record.context_seen);
}

TEST_F(Operations, CallbackMayCloseItsOperation) {
    CallbackRecord record;
    record.close_inside = true;
    HCS_OPERATION op = HcsCreateOperation(&record, record_completion);
    ASSERT_NE(nullptr, op);
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    record.wait_calls(1);
    wait_idle();
    EXPECT_EQ(1, record.calls);
    EXPECT_HR(E_HANDLE, HcsGetOperationResult(op, nullptr));  // it is closed now
}

TEST_F(Operations, SetCallbackNeverWhilePending) {
    CallbackRecord record;
    Op op;
    EXPECT_HR(E_INVALIDARG, HcsSetOperationCallback(op, &record, nullptr));
    ASSERT_EQ(S_OK, HcsSetOperationCallback(op, &record, record_completion));
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsEnumerateComputeSystems", 50));
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    EXPECT_HR(HCS_E_OPERATION_ALREADY_STARTED, HcsSetOperationCallback(op, &record, record_completion));
    record.wait_calls(1);
    EXPECT_EQ(1, record.calls);
    wait_idle();
    EXPECT_EQ(S_OK, HcsSetOperationCallback(op, &record, record_completion));  // completed: reusable
}

// Closing a pending operation does not stop its work: HCS completes the request and drops the
// result (hcsshim internal/hcs/v2/operation.go; its fire-and-forget terminate in
// internal/hcs/v2/system.go relies on it). The callback is not called.
TEST_F(Operations, ClosingAPendingOperationDoesNotStopItsWork) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("close-pending", container_config(), system).hr);
    ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsTerminateComputeSystem", 50));
    CallbackRecord record;
    HCS_OPERATION op = HcsCreateOperation(&record, record_completion);
    ASSERT_EQ(S_OK, HcsTerminateComputeSystem(system, op, nullptr));
    HcsCloseOperation(op);
    EXPECT_HR(S_OK, HcsWaitForComputeSystemExit(system, 20000, nullptr));
    wait_idle();
    EXPECT_EQ(0, record.calls);
    EXPECT_EQ(0u, live().operations);
}

TEST_F(Operations, TypeAndSystemOfAStartedOperation) {
    Sys system;
    ASSERT_EQ(S_OK, create_system("op-system", container_config(), system).hr);
    Op op;
    ASSERT_EQ(S_OK, HcsStartComputeSystem(system, op, nullptr));
    EXPECT_EQ(HcsOperationTypeStart, HcsGetOperationType(op));
    EXPECT_EQ(system.get(), HcsGetComputeSystemFromOperation(op));
    HCS_PROCESS_INFORMATION info{};
    info.ProcessId = 77;
    EXPECT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, nullptr));
    EXPECT_EQ(0u, info.ProcessId);
    EXPECT_EQ(S_OK, HcsGetOperationResultAndProcessInfo(op, &info, nullptr));
}

// A callback that blocks on another operation must not starve the workers.
struct Nested {
    std::mutex mutex;
    std::condition_variable cv;
    HRESULT inner = E_FAIL;
    bool done = false;
};

void CALLBACK nested_completion(HCS_OPERATION, void* context) {
    auto* nested = static_cast<Nested*>(context);
    HCS_OPERATION inner = HcsCreateOperation(nullptr, nullptr);
    HRESULT hr = HcsEnumerateComputeSystems(nullptr, inner);
    if (SUCCEEDED(hr)) hr = HcsWaitForOperationResult(inner, INFINITE, nullptr);
    HcsCloseOperation(inner);
    std::lock_guard lock(nested->mutex);
    nested->inner = hr;
    nested->done = true;
    nested->cv.notify_all();
}

TEST_F(Operations, CallbackMayWaitForAnotherOperation) {
    Nested nested;
    std::vector<std::unique_ptr<Op>> ops;
    for (int i = 0; i < 4; ++i) {
        ops.push_back(std::make_unique<Op>(nested_completion, &nested));
        ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, *ops.back()));
    }
    for (auto& op : ops) EXPECT_EQ(S_OK, op->wait());
    std::unique_lock lock(nested.mutex);
    nested.cv.wait_for(lock, std::chrono::seconds(20), [&] { return nested.done; });
    EXPECT_TRUE(nested.done);
    EXPECT_EQ(S_OK, nested.inner);
    lock.unlock();
    wait_idle();
}

// Close from another thread waits for a callback in progress: the callback can only see
// "close has returned" as false.
struct SlowCallback {
    std::mutex mutex;
    std::condition_variable cv;
    bool entered = false;
    bool release = false;
    std::atomic<bool> close_returned{false};
    bool close_returned_seen_inside = true;
};

void CALLBACK slow_completion(HCS_OPERATION, void* context) {
    auto* slow = static_cast<SlowCallback*>(context);
    std::unique_lock lock(slow->mutex);
    slow->entered = true;
    slow->cv.notify_all();
    slow->cv.wait(lock, [&] { return slow->release; });
    slow->close_returned_seen_inside = slow->close_returned.load();
}

TEST_F(Operations, CloseWaitsForACallbackInProgress) {
    SlowCallback slow;
    HCS_OPERATION op = HcsCreateOperation(&slow, slow_completion);
    ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
    {
        std::unique_lock lock(slow.mutex);
        slow.cv.wait(lock, [&] { return slow.entered; });
    }
    std::thread closer([&] {
        HcsCloseOperation(op);
        slow.close_returned = true;
    });
    EXPECT_TRUE(await_waiting_calls(1));  // close waits for the callback
    {
        std::lock_guard lock(slow.mutex);
        slow.release = true;
        slow.cv.notify_all();
    }
    closer.join();
    EXPECT_TRUE(slow.close_returned);
    std::lock_guard lock(slow.mutex);
    EXPECT_FALSE(slow.close_returned_seen_inside);
}

void CALLBACK count_completion(HCS_OPERATION, void* context) { ++*static_cast<std::atomic<int>*>(context); }

// The completion callback is committed with the result: a close right after a wait that saw
// the result waits for it (the callback is made exactly once per use, also when the result is
// published on one thread and the callback made on another). Each round is one chance for the
// close to come between the two.
TEST_F(Operations, ACloseAfterTheWaitSawTheResultStillGetsTheCallbackFirst) {
    std::atomic<int> calls{0};
    for (int round = 1; round <= 50; ++round) {
        HCS_OPERATION op = HcsCreateOperation(&calls, count_completion);
        ASSERT_NE(nullptr, op);
        ASSERT_EQ(S_OK, HcsEnumerateComputeSystems(nullptr, op));
        ASSERT_EQ(S_OK, HcsWaitForOperationResult(op, INFINITE, nullptr));
        HcsCloseOperation(op);
        ASSERT_EQ(round, calls.load()) << "round " << round;
    }
}

}  // namespace
}  // namespace hcsim_test
