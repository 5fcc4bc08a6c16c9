// The asynchronous create: one callback, then a pid and stdio; a failure reported through
// its operation; a close before completion. Also the function table's process entries.
#include "processes_fixture.hpp"

#include <string>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, async_create_calls_back_once_and_then_has_pid_and_stdio) {
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 100), 0);
    callback_probe probe;
    process_guard p;
    operation_guard op;
    const std::string doc = parameters("echo async", out_pipe);
    ASSERT_EQ(zlhcs_process_create_async(system_, doc.c_str(), nullptr, &callback_probe::callback, &probe, nullptr, &p.handle,
                                         &op.handle),
              ZLHCS_S_OK)
        << last_error().message;
    ASSERT_NE(p.handle, 0u);
    ASSERT_NE(op.handle, 0u);
    uint32_t early_pid = 0x1234;
    const zlhcs_hresult early = zlhcs_process_id(p, &early_pid);
    if (early == ZLHCS_HCS_E_OPERATION_PENDING) {
        EXPECT_EQ(early_pid, 0u);
        EXPECT_EQ(last_error().code, ZLHCS_HCS_E_OPERATION_PENDING);
    } else {
        // Only possible if the creation completed already.
        EXPECT_EQ(early, ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_operation_result(op, nullptr), ZLHCS_S_OK);
    }
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_EQ(probe.operation.load(), op.handle);
    EXPECT_FALSE(probe.on_caller_thread.load());
    const uint32_t pid = pid_of(p);
    EXPECT_NE(pid, 0u);
    if (early == ZLHCS_S_OK) {
        EXPECT_EQ(early_pid, pid);
    }
    EXPECT_EQ(output_of(p), "async\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 0), 0);
}

TEST_F(processes, a_failed_async_create_reports_through_its_operation) {
    callback_probe probe;
    process_guard p;
    operation_guard op;
    ASSERT_EQ(zlhcs_process_create_async(system_, parameters("no-such-program").c_str(), nullptr, &callback_probe::callback,
                                         &probe, nullptr, &p.handle, &op.handle),
              ZLHCS_S_OK);
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), hr_file_not_found);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), hr_file_not_found);
    uint32_t pid = 0x1234;
    EXPECT_LT(zlhcs_process_id(p, &pid), 0) << "a process that never started has no id";
    EXPECT_EQ(pid, 0u);
    char buffer[4];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
}

TEST_F(processes, closing_an_async_created_process_before_completion_leaks_nothing) {
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 50), 0);
    for (int round = 0; round < 3; ++round) {
        callback_probe probe;
        zlhcs_process p = 0;
        operation_guard op;
        ASSERT_EQ(zlhcs_process_create_async(system_, parameters("write 1000000", out_pipe).c_str(), nullptr,
                                             &callback_probe::callback, &probe, nullptr, &p, &op.handle),
                  ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_close(p), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), ZLHCS_S_OK);
        ASSERT_TRUE(probe.wait_called());
        op.reset();
        EXPECT_EQ(probe.calls.load(), 1);
    }
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 0), 0);
    // With its stdout pipe closed by zlhcs, `write` discards its output and ends (hcsim).
}

TEST_F(processes, the_function_table_has_the_process_entries) {
    const zlhcs_api_v1* api = nullptr;
    ASSERT_EQ(zlhcs_get_api(ZLHCS_API_REVISION, &api), ZLHCS_S_OK);
    ASSERT_GE(api->struct_size, sizeof(zlhcs_api_v1));
    EXPECT_EQ(api->process_create, &zlhcs_process_create);
    EXPECT_EQ(api->process_stdio_read, &zlhcs_process_stdio_read);
    EXPECT_EQ(api->process_stdio_detach, &zlhcs_process_stdio_detach);
    // And it works through the table.
    zlhcs_process p = 0;
    ASSERT_EQ(api->process_create(system_, parameters("echo table", out_pipe).c_str(), nullptr, hang_bound_ms, &p,
                                  nullptr),
              ZLHCS_S_OK);
    process_guard guard(p);
    EXPECT_EQ(output_of(p), "table\r\n");
}

}  // namespace
}  // namespace zlhcs_core_test
