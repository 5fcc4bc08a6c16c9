// zlhcs's asynchronous contract under real HCS timing: cancel is not implemented, timeouts
// never discard what HCS made, results that arrive as a timeout fires are reported, and a
// create that fails halfway leaves nothing running.
#include "fixture.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace zlhcs_core_test {
namespace {

class async_contract : public core_test {};

bool inline_mode() { return hcsim_client::run_has(HCSIM_BEHAVIOR_INLINE_COMPLETION); }

/// Processes the system's ProcessList reports (-1 if the query fails).
int process_count(zlhcs_system system) {
    char* raw = nullptr;
    const zlhcs_hresult hr =
        zlhcs_system_properties(system, R"({"PropertyTypes":["ProcessList"]})", ZLHCS_INFINITE, &raw);
    const std::string text = take(raw);
    if (hr < 0) return -1;
    const rapidjson::Document d = parse(text);
    if (!d.IsObject() || !d.HasMember("ProcessList") || !d["ProcessList"].IsArray()) return -1;
    return static_cast<int>(d["ProcessList"].Size());
}

/// Everything the process writes to stdout, up to end of stream (bounded waits).
std::string stdout_of(zlhcs_process process) {
    std::string out;
    char buffer[64];
    for (;;) {
        size_t got = 0;
        const zlhcs_hresult hr = zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, 10000, &got);
        if (hr != ZLHCS_S_OK) {
            EXPECT_EQ(hr, ZLHCS_S_FALSE) << last_error().message;
            return out;
        }
        out.append(buffer, got);
    }
}

/// The process exits with 0; then its handle is closed.
void expect_clean_exit_and_close(zlhcs_process process) {
    uint32_t code = 1;
    EXPECT_EQ(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, &code), ZLHCS_S_OK);
    EXPECT_EQ(code, 0u);
    EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
}

constexpr const char* sleeper = R"({"CommandLine":"sleep 60000","CreateStdOutPipe":true})";

// HcsCancelOperation.md: "not currently implemented and will always return E_NOTIMPL".
TEST_F(async_contract, cancel_reports_not_supported_and_the_work_completes) {
    if (hcsim_client::run_has(HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED)) GTEST_SKIP() << "this run's hcsim cancels";
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 100), 0);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_cancel(op), ZLHCS_E_NOT_SUPPORTED);
    const error_copy e = last_error();
    EXPECT_EQ(e.function, "HcsCancelOperation");
    EXPECT_NE(e.message.find("E_NOTIMPL"), std::string::npos) << e.message;
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_cancel(op), ZLHCS_S_FALSE) << "cancel after completion";
    EXPECT_EQ(state_of(system), "Running") << "the start was not stopped by the cancel request";
}

// Assumption about a future HCS build that implements cancellation (hcsim's switch).
TEST_F(async_contract, cancel_completes_with_cancelled_when_hcs_implements_it) {
    ASSERT_EQ(sim().set_behavior(hcsim_client::run_behavior() | HCSIM_BEHAVIOR_CANCEL_IMPLEMENTED), 0);
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 5000), 0);
    operation_guard op;
    ASSERT_EQ(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op.handle), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_cancel(op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr), ZLHCS_WIN32_E_CANCELLED);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_CANCELLED);
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 0), 0);
    EXPECT_EQ(state_of(system), "Created");
}

// A timed-out sync call says the work may still complete, and it does (hcsshim's execute
// never abandons a call in flight: internal/computecore/computecore.go).
TEST_F(async_contract, sync_timeout_says_the_work_goes_on_and_it_does) {
    system_guard system(create_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsStartComputeSystem", 300), 0);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, 20, nullptr), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    const error_copy e = last_error();
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_TIMEOUT);
    EXPECT_EQ(e.function, "HcsStartComputeSystem");
    EXPECT_NE(e.message.find("may still complete"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("was cancelled"), std::string::npos) << e.message;
    EXPECT_TRUE(eventually([&] { return state_of(system) == "Running"; }));
}

TEST_F(async_contract, timed_out_sync_create_returns_a_usable_handle_and_the_system_appears) {
    ASSERT_EQ(sim().set_latency("HcsCreateComputeSystem", 300), 0);
    const std::string id = unique_id("slow-create");
    zlhcs_system raw = 0;
    EXPECT_EQ(zlhcs_system_create(id.c_str(), container_config, nullptr, 10, &raw, nullptr), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    system_guard system(raw);
    ASSERT_NE(raw, 0u) << "a timed-out create must hand out its handle";
    EXPECT_TRUE(eventually([&] { return state_of(system) == "Created"; }));
    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_S_OK);
    system_guard opened_guard(opened);
    EXPECT_EQ(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(async_contract, timed_out_sync_process_create_returns_a_handle_that_gets_its_pid_and_stdio) {
    system_guard system(running_system(unique_id()));
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 300), 0);
    zlhcs_process process = 0;
    EXPECT_EQ(zlhcs_process_create(system, R"({"CommandLine":"echo late","CreateStdOutPipe":true})", nullptr, 10, &process, nullptr),
              ZLHCS_HCS_E_OPERATION_TIMEOUT);
    ASSERT_NE(process, 0u) << "a timed-out process create must hand out its handle";
    uint32_t pid = 0;
    EXPECT_TRUE(eventually([&] { return zlhcs_process_id(process, &pid) == ZLHCS_S_OK; }));
    EXPECT_NE(pid, 0u);
    EXPECT_EQ(stdout_of(process), "late\r\n");
    expect_clean_exit_and_close(process);
}

// Point 18 of the issue: with latency and timeout both at 1-2 ms, every call either reports the
// result that arrived or times out with the handle; nothing HCS made is left unheld.
TEST_F(async_contract, timeouts_racing_completions_never_orphan_systems_or_processes) {
    if (inline_mode()) GTEST_SKIP() << "inline completion: no operation is ever pending at a timeout";
    system_guard host(running_system(unique_id("host")));
    ASSERT_NE(host.get(), 0u);
    ASSERT_EQ(sim().set_latency(nullptr, 1), 0);
    int timed_out = 0;
    int succeeded = 0;
    for (int i = 0; i < 150; ++i) {
        const std::string id = unique_id("racing");
        zlhcs_system raw = 0;
        const zlhcs_hresult hr = zlhcs_system_create(id.c_str(), container_config, nullptr, 1 + i % 2, &raw, nullptr);
        if (hr == ZLHCS_HCS_E_OPERATION_TIMEOUT) ++timed_out;
        if (hr == ZLHCS_S_OK) ++succeeded;
        ASSERT_TRUE(hr == ZLHCS_S_OK || hr == ZLHCS_HCS_E_OPERATION_TIMEOUT) << hex(hr);
        ASSERT_NE(raw, 0u) << "create " << hex(hr) << " without a handle";
        system_guard system(raw);
        // Terminate queues behind the create (same latency, started later): it ends it.
        (void)zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr);

        zlhcs_process process = 0;
        const zlhcs_hresult created = zlhcs_process_create(host, sleeper, nullptr, 1 + i % 2, &process, nullptr);
        ASSERT_TRUE(created == ZLHCS_S_OK || created == ZLHCS_HCS_E_OPERATION_TIMEOUT) << hex(created);
        ASSERT_NE(process, 0u) << "process create " << hex(created) << " without a handle";
        EXPECT_TRUE(eventually([&] {
            uint32_t pid = 0;
            return zlhcs_process_id(process, &pid) == ZLHCS_S_OK;
        }));
        EXPECT_EQ(zlhcs_process_terminate(process, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
    }
    ASSERT_EQ(sim().set_latency(nullptr, 0), 0);
    RecordProperty("timed_out", timed_out);
    RecordProperty("succeeded", succeeded);
    EXPECT_TRUE(settled());
    // Nobody holds a system but `host`, and nothing runs in it.
    EXPECT_EQ(sim().live_objects().systems, 1u);
    EXPECT_TRUE(eventually([&] { return process_count(host) == 0; })) << process_count(host);
}

// Point 19: every internal step of a process create, under fault injection, gives success
// with a handle or failure with nothing left running.
struct create_step {
    const char* function;
    uint32_t count;
    uint32_t mode;
    bool create_succeeds;  // zlhcs recovers (another route to pid and pipes exists)
};

class process_create_steps : public core_test, public ::testing::WithParamInterface<create_step> {};

TEST_P(process_create_steps, succeed_with_a_handle_or_fail_leaving_nothing_running) {
    const create_step step = GetParam();
    system_guard system(running_system(unique_id("steps")));
    ASSERT_NE(system.get(), 0u);
    ASSERT_EQ(sim().fail_next_calls(step.function, step.count, ZLHCS_HCS_E_ACCESS_DENIED, step.mode), 0);
    zlhcs_process process = 0;
    const zlhcs_hresult hr =
        zlhcs_process_create(system, R"({"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true})", nullptr,
                             ZLHCS_INFINITE, &process, nullptr);
    ASSERT_EQ(sim().fail_next_calls(step.function, 0, 0, fault_immediate), 0);
    if (step.create_succeeds) {
        ASSERT_EQ(hr, ZLHCS_S_OK) << step.function << ": " << last_error().message;
        ASSERT_NE(process, 0u);
        EXPECT_EQ(zlhcs_process_stdio_write(process, "ping", 4, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_stdio_close(process, ZLHCS_STDIN), ZLHCS_S_OK);
        char buffer[16];
        size_t got = 0;
        EXPECT_EQ(zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, 10000, &got), ZLHCS_S_OK);
        EXPECT_EQ(std::string(buffer, got), "ping");
        EXPECT_EQ(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
    } else {
        EXPECT_LT(hr, 0) << step.function;
        EXPECT_EQ(process, 0u) << "a failed create hands out no handle";
        EXPECT_FALSE(last_error().message.empty());
    }
    EXPECT_TRUE(eventually([&] { return process_count(system) == 0; }))
        << step.function << ": a process is left running (" << process_count(system) << ")";
}

INSTANTIATE_TEST_SUITE_P(
    every_step, process_create_steps,
    ::testing::Values(create_step{"HcsCreateOperation", 1, fault_immediate, false},
                      create_step{"HcsCreateProcess", 1, fault_immediate, false},
                      create_step{"HcsCreateProcess", 1, fault_async, false},
                      // The result query fails: HcsGetProcessInfo recovers pid and pipes.
                      create_step{"HcsGetOperationResultAndProcessInfo", 1, fault_immediate, true},
                      // ...and when the recovery fails too, the process is ended.
                      create_step{"HcsGetOperationResultAndProcessInfo", 2, fault_immediate, false},
                      create_step{"HcsSetProcessCallback", 1, fault_immediate, false}),
    [](const ::testing::TestParamInfo<create_step>& param_info) {
        return std::string(param_info.param.function) + "_x" + std::to_string(param_info.param.count) +
               (param_info.param.mode == fault_async ? "_async" : "");
    });

// Every internal step of a system create under fault injection: success with a handle, or
// failure with no system left behind (nothing registered, no HCS handle open).
class system_create_steps : public core_test, public ::testing::WithParamInterface<create_step> {};

TEST_P(system_create_steps, succeed_with_a_handle_or_fail_leaving_nothing) {
    const create_step step = GetParam();
    const hcsim_live_objects before = sim().live_objects();
    ASSERT_EQ(sim().fail_next_calls(step.function, step.count, ZLHCS_HCS_E_ACCESS_DENIED, step.mode), 0);
    const std::string id = unique_id("system-steps");
    zlhcs_system system = 0;
    const zlhcs_hresult hr = zlhcs_system_create(id.c_str(), container_config, nullptr, ZLHCS_INFINITE, &system, nullptr);
    ASSERT_EQ(sim().fail_next_calls(step.function, 0, 0, fault_immediate), 0);
    EXPECT_LT(hr, 0) << step.function;
    EXPECT_EQ(system, 0u);
    EXPECT_EQ(last_error().function, step.function) << "the failure names the step";
    EXPECT_TRUE(settled());
    const hcsim_live_objects after = sim().live_objects();
    EXPECT_EQ(after.systems, before.systems) << "a system is registered with nobody holding it";
    EXPECT_EQ(after.system_handles, before.system_handles);
    zlhcs_system opened = 0;
    EXPECT_EQ(zlhcs_system_open(id.c_str(), nullptr, &opened), ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(every_step, system_create_steps,
                         ::testing::Values(create_step{"HcsCreateOperation", 1, fault_immediate, false},
                                           create_step{"HcsCreateComputeSystem", 1, fault_immediate, false},
                                           create_step{"HcsCreateComputeSystem", 1, fault_async, false}),
                         [](const ::testing::TestParamInfo<create_step>& param_info) {
                             return std::string(param_info.param.function) +
                                    (param_info.param.mode == fault_async ? "_async" : "");
                         });

// The same for the async form: a failed setup step fails the call, and what HCS started ends.
TEST_F(async_contract, async_process_create_whose_callback_registration_fails_leaves_nothing_running) {
    system_guard system(running_system(unique_id()));
    ASSERT_EQ(sim().fail_next_calls("HcsSetProcessCallback", 1, ZLHCS_HCS_E_ACCESS_DENIED, fault_immediate), 0);
    zlhcs_process process = 0;
    zlhcs_operation op = 0;
    EXPECT_LT(zlhcs_process_create_async(system, sleeper, nullptr, nullptr, nullptr, nullptr, &process, &op), 0);
    EXPECT_EQ(process, 0u);
    EXPECT_EQ(op, 0u);
    EXPECT_TRUE(eventually([&] { return process_count(system) == 0; })) << process_count(system);
}

// hcsshim internal/hcs/v2/system.go (createProcess): on Windows Server 2022 HcsCreateProcess
// may complete synchronously with a result whose wait fails (E_INVALIDARG) although the
// process runs; HcsGetProcessInfo recovers pid and pipes.
class spurious_create_result : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        ASSERT_EQ(sim().set_behavior(hcsim_client::run_behavior() | HCSIM_BEHAVIOR_INLINE_COMPLETION |
                                     HCSIM_BEHAVIOR_SPURIOUS_PROCESS_RESULT),
                  0);
        system_ = running_system(unique_id("spurious"));
        ASSERT_NE(system_, 0u);
    }
    void TearDown() override {
        if (system_ != 0) (void)zlhcs_system_close(system_);
        core_test::TearDown();  // restores the run's behaviour
    }
    zlhcs_system system_ = 0;
};

TEST_F(spurious_create_result, a_running_process_gets_its_pid_and_pipes_back) {
    zlhcs_process process = 0;
    ASSERT_EQ(zlhcs_process_create(system_, R"({"CommandLine":"cat","CreateStdInPipe":true,"CreateStdOutPipe":true})", nullptr,
                                   ZLHCS_INFINITE, &process, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    uint32_t pid = 0;
    EXPECT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK);
    EXPECT_NE(pid, 0u);
    EXPECT_EQ(zlhcs_process_stdio_write(process, "recovered", 9, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_close(process, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(stdout_of(process), "recovered");
    expect_clean_exit_and_close(process);
}

// Issue 15, point 2: the create completed inside HcsCreateProcess, yet its callback runs only
// once zlhcs_process_create_async has returned: on a delivery thread, with both out-parameters
// already written, and it receives the operation handle the caller holds.
struct out_parameter_probe {
    const zlhcs_operation* out_operation = nullptr;
    const zlhcs_process* out_process = nullptr;
    std::atomic<int> calls{0};
    std::atomic<bool> outputs_written{false};
    std::atomic<bool> on_caller_thread{false};
    std::atomic<zlhcs_hresult> result{1};
    std::thread::id caller = std::this_thread::get_id();

    static void ZLHCS_CALL callback(zlhcs_operation op, zlhcs_hresult hr, void* context) {
        auto* self = static_cast<out_parameter_probe*>(context);
        // Written before the call returned, read here without a race only if the callback came
        // after: the handle the callback gets is the one the caller already holds.
        self->outputs_written.store(*self->out_operation == op && *self->out_process != 0);
        self->on_caller_thread.store(std::this_thread::get_id() == self->caller);
        self->result.store(hr);
        self->calls.fetch_add(1);
    }
};

TEST_F(spurious_create_result, the_async_form_reports_success_to_its_callback_after_the_call_returned) {
    out_parameter_probe probe;
    zlhcs_process process = 0;
    zlhcs_operation op = 0;
    probe.out_operation = &op;
    probe.out_process = &process;
    ASSERT_EQ(zlhcs_process_create_async(system_, sleeper, nullptr, &out_parameter_probe::callback, &probe, nullptr,
                                         &process, &op),
              ZLHCS_S_OK);
    operation_guard op_guard(op);
    // Completed inside the call: the result is there at once; the callback may not be yet.
    EXPECT_EQ(zlhcs_operation_wait(op, 0, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(eventually([&] { return probe.calls.load() == 1; }));
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_TRUE(probe.outputs_written.load()) << "the callback ran before the out-parameters were written";
    EXPECT_FALSE(probe.on_caller_thread.load()) << "the callback ran on the caller's thread";
    uint32_t pid = 0;
    EXPECT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK);
    EXPECT_EQ(process_count(system_), 1);
    EXPECT_EQ(zlhcs_process_terminate(process, nullptr, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
}

// A process that exits at once: HcsGetProcessInfo then fails (HCS_E_PROCESS_ALREADY_STOPPED)
// and its pipes are lost for good, but it did run: the create succeeds, the exit code is kept,
// and stdio says what happened. (hcsim decides by a race which way each run goes: both end
// states are checked.)
TEST_F(spurious_create_result, a_process_that_exits_at_once_keeps_its_exit_code) {
    for (int i = 0; i < 20; ++i) {
        zlhcs_process process = 0;
        ASSERT_EQ(zlhcs_process_create(system_, R"({"CommandLine":"exit 7","CreateStdOutPipe":true})", nullptr, ZLHCS_INFINITE,
                                       &process, nullptr),
                  ZLHCS_S_OK)
            << last_error().message;
        uint32_t code = 0;
        EXPECT_EQ(zlhcs_process_wait_exit(process, ZLHCS_INFINITE, &code), ZLHCS_S_OK);
        EXPECT_EQ(code, 7u);
        char buffer[8];
        size_t got = 0;
        const zlhcs_hresult read = zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, 10000, &got);
        if (read == ZLHCS_E_INVALID_STATE) {
            EXPECT_NE(last_error().message.find("lost"), std::string::npos) << last_error().message;
        } else {
            EXPECT_EQ(read, ZLHCS_S_FALSE) << "recovered pipes: end of stream";
        }
        EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
    }
}

}  // namespace
}  // namespace zlhcs_core_test
