// Reads from a process's pipes: timeouts, data returned as it comes, end of stream after
// the exit.
#include "processes_fixture.hpp"

#include <string>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, a_read_without_timeout_on_a_silent_process_times_out_at_once) {
    process_guard p(start(long_sleep, out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    char buffer[64];
    size_t got = 777;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(got, 0u);
    const error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_TIMEOUT);
    got = 777;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDERR, buffer, sizeof buffer, 30, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(got, 0u);
}

TEST_F(processes, a_read_with_a_timeout_returns_data_while_the_process_still_runs) {
    // cat keeps running (stdin open): the read can only return because data arrived.
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    for (const std::string message : {"ping\n", "x", "pong pong\n"}) {
        ASSERT_EQ(zlhcs_process_stdio_write(cat, message.data(), message.size(), ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        std::string echoed;
        ASSERT_EQ(read_at_least(cat, ZLHCS_STDOUT, message.size(), echoed), ZLHCS_S_OK) << last_error().message;
        EXPECT_EQ(echoed, message);
        uint32_t code = 0;
        EXPECT_EQ(zlhcs_process_exit_code(cat, &code), ZLHCS_HCS_E_OPERATION_PENDING);
    }
    // Nothing more is pending.
    char buffer[16];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(output_of(cat), "");
    EXPECT_EQ(exit_code_of(cat), 0u);
}

TEST_F(processes, a_read_with_a_timeout_returns_what_echo_writes) {
    process_guard p(start("echo hello world", out_pipe));
    ASSERT_NE(p.handle, 0u);
    std::string out;
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 1, out), ZLHCS_S_OK) << last_error().message;
    out += output_of(p);
    EXPECT_EQ(out, "hello world\r\n");
}

TEST_F(processes, a_small_buffer_reads_the_output_piece_by_piece) {
    process_guard p(start("echo abcdefghij", out_pipe));
    ASSERT_NE(p.handle, 0u);
    std::string out;
    for (;;) {
        char c[3];
        size_t got = 0;
        const zlhcs_hresult hr = zlhcs_process_stdio_read(p, ZLHCS_STDOUT, c, sizeof c, hang_bound_ms, &got);
        if (hr != ZLHCS_S_OK) {
            EXPECT_EQ(hr, ZLHCS_S_FALSE);
            break;
        }
        ASSERT_LE(got, sizeof c);
        out.append(c, got);
    }
    EXPECT_EQ(out, "abcdefghij\r\n");
}

TEST_F(processes, a_read_after_the_exit_drains_the_output_then_reports_end_of_stream) {
    process_guard p(start("write 1000", out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(exit_code_of(p), 0u);  // 1000 bytes fit in the pipe: it exits unread
    std::string out;
    EXPECT_EQ(read_to_end(p, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
    expect_write_pattern(out, 1000, "stdout");
    char buffer[8];
    size_t got = 5;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_S_FALSE);
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, hang_bound_ms, &got), ZLHCS_S_FALSE);
}

}  // namespace
}  // namespace zlhcs_core_test
