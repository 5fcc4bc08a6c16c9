// The end of a system (terminate, shutdown, the last handle of a self-terminating system
// closed) ends its processes, their blocked reads and their pipes.
#include "processes_fixture.hpp"

#include <future>
#include <string>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, terminating_the_system_ends_its_processes) {
    process_guard sleeper(start(long_sleep, in_pipe | out_pipe | err_pipe));
    process_guard stubborn(start("ignore-signals 600000", out_pipe));
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_TRUE(sleeper.handle != 0 && stubborn.handle != 0 && cat.handle != 0);
    ASSERT_EQ(zlhcs_process_stdio_write(cat, "partial", 7, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    std::string cat_out;
    ASSERT_EQ(read_at_least(cat, ZLHCS_STDOUT, 7, cat_out), ZLHCS_S_OK);

    // A reader blocked without a timeout reaches end of stream.
    std::promise<zlhcs_hresult> blocked_read;
    auto read_result = blocked_read.get_future();
    std::thread reader([&] {
        char buffer[16];
        size_t got = 0;
        blocked_read.set_value(zlhcs_process_stdio_read(sleeper, ZLHCS_STDOUT, buffer, sizeof buffer, ZLHCS_INFINITE, &got));
    });
    ASSERT_EQ(zlhcs_system_terminate(system_, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    const bool returned = read_result.wait_for(std::chrono::milliseconds(hang_bound_ms)) == std::future_status::ready;
    EXPECT_TRUE(returned) << "a blocked read did not end with the system";
    reader.join();
    EXPECT_EQ(read_result.get(), ZLHCS_S_FALSE);

    for (zlhcs_process p : {sleeper.handle, stubborn.handle, cat.handle}) {
        EXPECT_EQ(exit_code_of(p), terminated_exit);
        EXPECT_EQ(output_of(p), "");
        EXPECT_TRUE(status_of(p)["Exited"].GetBool());
    }
    EXPECT_EQ(cat_out, "partial");
    EXPECT_EQ(output_of(sleeper, ZLHCS_STDERR), "");
    EXPECT_EQ(zlhcs_process_stdio_write(sleeper, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_WIN32_E_BROKEN_PIPE);
    EXPECT_EQ(zlhcs_process_signal(sleeper, nullptr, hang_bound_ms, nullptr), ZLHCS_S_FALSE) << "its system is gone";
    // A stopped system takes no new processes: it is cleaned up (Overview.md).
    zlhcs_process late = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(system_, parameters("echo").c_str(), nullptr, hang_bound_ms, &late, nullptr),
              ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(late, 0u);
}

TEST_F(processes, shutting_the_system_down_ends_its_processes) {
    process_guard sleeper(start(long_sleep, out_pipe));
    process_guard stubborn(start("ignore-signals 600000"));
    ASSERT_TRUE(sleeper.handle != 0 && stubborn.handle != 0);
    ASSERT_EQ(zlhcs_system_shutdown(system_, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(exit_code_of(sleeper), terminated_exit);
    EXPECT_EQ(exit_code_of(stubborn), terminated_exit);
    EXPECT_EQ(output_of(sleeper), "");
}

TEST_F(processes, closing_the_last_handle_of_a_self_terminating_system_ends_its_processes) {
    const std::string id = unique_id("last-handle");
    const std::string config =
        R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-core-tests","ShouldTerminateOnLastHandleClosed":true,"Container":{}})";
    zlhcs_system doomed = running_system(id, config.c_str());
    ASSERT_NE(doomed, 0u);
    process_guard p(start_in(doomed, long_sleep, out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(zlhcs_system_close(doomed), ZLHCS_S_OK);
    EXPECT_EQ(exit_code_of(p), terminated_exit);
    EXPECT_EQ(output_of(p), "");
}

}  // namespace
}  // namespace zlhcs_core_test
