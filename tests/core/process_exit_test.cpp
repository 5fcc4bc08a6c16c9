// Exit codes, signals, termination and waits: what wait_exit, exit_code and the properties
// report, and how signals and terminate end a process.
#include "processes_fixture.hpp"

#include <future>
#include <string>
#include <utility>

namespace zlhcs_core_test {
namespace {

constexpr uint32_t access_violation = 0xC0000005u;

TEST_F(processes, exit_codes_round_trip_through_wait_exit_code_and_properties) {
    struct exit_case {
        const char* command;
        uint32_t code;
    };
    const exit_case cases[] = {
        {"exit 0", 0},
        {"exit 1", 1},
        {"exit 255", 255},
        {"exit 0xC0000005", access_violation},
        {"exit 3221225477", access_violation},
        {"exit -1", 0xFFFFFFFFu},
        {"crash", access_violation},
        {"cmd /c exit 42", 42},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.command);
        process_guard p(start(c.command));
        ASSERT_NE(p.handle, 0u);
        const uint32_t pid = pid_of(p);
        uint32_t waited = 0xDEADBEEF;
        ASSERT_EQ(zlhcs_process_wait_exit(p, hang_bound_ms, &waited), ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(waited, c.code);
        uint32_t code = 0xDEADBEEF;
        EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(code, c.code);
        // Waiting again returns at once with the same code; the out-parameter is optional.
        waited = 0xDEADBEEF;
        EXPECT_EQ(zlhcs_process_wait_exit(p, 0, &waited), ZLHCS_S_OK);
        EXPECT_EQ(waited, c.code);
        EXPECT_EQ(zlhcs_process_wait_exit(p, 0, nullptr), ZLHCS_S_OK);
        const rapidjson::Document status = status_of(p);
        ASSERT_TRUE(status.IsObject());
        ASSERT_TRUE(status.HasMember("Exited") && status["Exited"].IsBool());
        EXPECT_TRUE(status["Exited"].GetBool());
        ASSERT_TRUE(status.HasMember("ExitCode") && status["ExitCode"].IsUint());
        EXPECT_EQ(status["ExitCode"].GetUint(), c.code);
        ASSERT_TRUE(status.HasMember("ProcessId") && status["ProcessId"].IsUint());
        EXPECT_EQ(status["ProcessId"].GetUint(), pid);
    }
}

TEST_F(processes, a_running_process_reports_not_exited) {
    process_guard p(start(long_sleep));
    ASSERT_NE(p.handle, 0u);
    const rapidjson::Document status = status_of(p);
    ASSERT_TRUE(status.IsObject());
    ASSERT_TRUE(status.HasMember("Exited") && status["Exited"].IsBool());
    EXPECT_FALSE(status["Exited"].GetBool());
    ASSERT_TRUE(status.HasMember("ProcessId") && status["ProcessId"].IsUint());
    EXPECT_EQ(status["ProcessId"].GetUint(), pid_of(p));
    uint32_t code = 0xDEADBEEF;
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(last_error().code, ZLHCS_HCS_E_OPERATION_PENDING);
}

TEST_F(processes, ctrl_c_ends_a_sleeping_process_with_control_c_exit) {
    process_guard p(start(long_sleep));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(zlhcs_process_signal(p, R"({"Signal":"CtrlC"})", hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(exit_code_of(p), control_c_exit);
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_S_OK);
    EXPECT_EQ(code, control_c_exit);
}

TEST_F(processes, signals_without_options_and_other_signals_end_it_too) {
    const char* options[] = {nullptr, "{}", R"({"Signal":"CtrlBreak"})", R"({"Signal":"CtrlClose"})"};
    for (const char* o : options) {
        SCOPED_TRACE(o != nullptr ? o : "NULL");
        process_guard p(start(long_sleep));
        ASSERT_NE(p.handle, 0u);
        EXPECT_EQ(zlhcs_process_signal(p, o, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(exit_code_of(p), control_c_exit);
    }
}

TEST_F(processes, signal_async_completes_once) {
    process_guard p(start(long_sleep));
    ASSERT_NE(p.handle, 0u);
    callback_probe probe;
    operation_guard op;
    ASSERT_EQ(zlhcs_process_signal_async(p, R"({"Signal":"CtrlC"})", &callback_probe::callback, &probe, nullptr, &op.handle),
              ZLHCS_S_OK);
    ASSERT_NE(op.handle, 0u);
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(probe.wait_called());
    EXPECT_EQ(probe.result.load(), ZLHCS_S_OK);
    EXPECT_EQ(probe.operation.load(), op.handle);
    EXPECT_EQ(exit_code_of(p), control_c_exit);
    op.reset();
    EXPECT_EQ(probe.calls.load(), 1);
}

TEST_F(processes, ignore_signals_keeps_running_until_terminated) {
    process_guard p(start("ignore-signals 600000"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(zlhcs_process_signal(p, R"({"Signal":"CtrlC"})", hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    uint32_t code = 0xDEADBEEF;
    EXPECT_EQ(zlhcs_process_wait_exit(p, 100, &code), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(last_error().code, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_FALSE(status_of(p)["Exited"].GetBool());
    EXPECT_EQ(zlhcs_process_terminate(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(exit_code_of(p), terminated_exit);
}

TEST_F(processes, terminate_ends_a_process_with_exit_code_one) {
    process_guard p(start(long_sleep, in_pipe | out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    // HcsTerminateProcess.md: the options are "Reserved for future use. Must be NULL."
    EXPECT_EQ(zlhcs_process_terminate(p, "{}", hang_bound_ms, nullptr), ZLHCS_HR(0x80070057u));
    ASSERT_EQ(zlhcs_process_terminate(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(exit_code_of(p), terminated_exit);
    EXPECT_EQ(output_of(p, ZLHCS_STDOUT), "");
    EXPECT_EQ(output_of(p, ZLHCS_STDERR), "");
}

TEST_F(processes, wait_exit_times_out_while_running_and_succeeds_after_the_end) {
    process_guard p(start(long_sleep));
    ASSERT_NE(p.handle, 0u);
    uint32_t code = 0xDEADBEEF;
    EXPECT_EQ(zlhcs_process_wait_exit(p, 0, &code), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(zlhcs_process_wait_exit(p, 50, &code), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_TIMEOUT);
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_PENDING);

    // A waiter blocked without a timeout returns when the process ends.
    std::promise<std::pair<zlhcs_hresult, uint32_t>> waited;
    auto result = waited.get_future();
    std::thread waiter([&] {
        uint32_t c = 0xDEADBEEF;
        const zlhcs_hresult hr = zlhcs_process_wait_exit(p, ZLHCS_INFINITE, &c);
        waited.set_value({hr, c});
    });
    EXPECT_EQ(zlhcs_process_signal(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    const bool returned = result.wait_for(std::chrono::milliseconds(hang_bound_ms)) == std::future_status::ready;
    if (!returned) ADD_FAILURE() << "wait_exit(INFINITE) did not return after the process ended";
    waiter.join();
    const auto [hr, c] = result.get();
    EXPECT_EQ(hr, ZLHCS_S_OK);
    EXPECT_EQ(c, control_c_exit);
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_S_OK);
    EXPECT_EQ(code, control_c_exit);
}

TEST_F(processes, a_short_sleep_ends_by_itself_with_zero) {
    process_guard p(start("sleep 1"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, bad_program_arguments_exit_87_with_a_message_on_stderr) {
    process_guard p(start("sleep forever", out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    std::string err;
    std::thread reader([&] { err = output_of(p, ZLHCS_STDERR); });
    EXPECT_EQ(output_of(p), "");
    reader.join();
    EXPECT_FALSE(err.empty());
    EXPECT_EQ(exit_code_of(p), 87u);
}

}  // namespace
}  // namespace zlhcs_core_test
