// Failures of the HCS calls behind a create (HcsCreateProcess, HcsSetProcessCallback): no
// handle is handed out, nothing leaks, and the next create works.
#include "processes_fixture.hpp"

#include <string>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, a_create_hcs_refuses_returns_no_handle) {
    constexpr zlhcs_hresult e_fail = ZLHCS_HR(0x80004005u);
    ASSERT_EQ(sim().fail_next_calls("HcsCreateProcess", 1, e_fail, fault_immediate), 0);
    zlhcs_process p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(system_, parameters("echo x").c_str(), nullptr, hang_bound_ms, &p, nullptr), e_fail);
    EXPECT_EQ(p, 0u);
    EXPECT_EQ(last_error().function, "HcsCreateProcess");

    ASSERT_EQ(sim().fail_next_calls("HcsCreateProcess", 1, e_fail, fault_async), 0);
    p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(system_, parameters("echo x", out_pipe).c_str(), nullptr, hang_bound_ms, &p, nullptr), e_fail);
    EXPECT_EQ(p, 0u);

    ASSERT_EQ(sim().fail_next_calls("HcsCreateProcess", 1, e_fail, fault_async), 0);
    callback_probe probe;
    operation_guard op;
    process_guard async;
    ASSERT_EQ(zlhcs_process_create_async(system_, parameters("echo x").c_str(), nullptr, &callback_probe::callback, &probe,
                                         nullptr,
                                         &async.handle, &op.handle),
              ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), e_fail);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), e_fail);

    // The next create works.
    process_guard ok(start("echo fine", out_pipe));
    ASSERT_NE(ok.handle, 0u);
    EXPECT_EQ(output_of(ok), "fine\r\n");
}

TEST_F(processes, a_create_whose_exit_event_cannot_be_watched_is_refused_without_leaks) {
    // zlhcs refuses a process whose exit it could not learn (HcsSetProcessCallback failing).
    constexpr zlhcs_hresult e_fail = ZLHCS_HR(0x80004005u);
    ASSERT_EQ(sim().fail_next_calls("HcsSetProcessCallback", 1, e_fail, fault_immediate), 0);
    zlhcs_process p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(system_, parameters("cat", in_pipe | out_pipe).c_str(), nullptr, hang_bound_ms, &p, nullptr),
              e_fail);
    EXPECT_EQ(p, 0u);
    ASSERT_EQ(sim().fail_next_calls("HcsSetProcessCallback", 1, e_fail, fault_immediate), 0);
    zlhcs_operation op = 0xABCD;
    p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create_async(system_, parameters("cat", in_pipe | out_pipe).c_str(), nullptr, nullptr, nullptr,
                                         nullptr,
                                         &p, &op),
              e_fail);
    EXPECT_EQ(p, 0u);
    EXPECT_EQ(op, 0u);
    // Opening a process is refused the same way.
    process_guard running(start(long_sleep));
    ASSERT_NE(running.handle, 0u);
    ASSERT_EQ(sim().fail_next_calls("HcsSetProcessCallback", 1, e_fail, fault_immediate), 0);
    p = 0xABCD;
    EXPECT_EQ(zlhcs_process_open(system_, pid_of(running), &p), e_fail);
    EXPECT_EQ(p, 0u);
}

}  // namespace
}  // namespace zlhcs_core_test
