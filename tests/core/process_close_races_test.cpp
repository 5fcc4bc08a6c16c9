// Closing a process handle with calls in flight: blocked reads, writes and exit waits
// return (ZLHCS_E_INVALID_HANDLE) and the process itself goes on.
#include "processes_fixture.hpp"

#include <functional>
#include <future>
#include <string>
#include <utility>
#include <vector>

namespace zlhcs_core_test {
namespace {

TEST_F(processes, closing_the_handle_releases_a_blocked_reader_and_writer) {
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        // The process neither writes stdout nor reads stdin: both calls block.
        zlhcs_process p = start(long_sleep, in_pipe | out_pipe);
        ASSERT_NE(p, 0u);
        process_guard keeper;  // a second handle, to end the process if a call stays stuck
        ASSERT_EQ(zlhcs_process_open(system_, pid_of(p), &keeper.handle), ZLHCS_S_OK);
        std::vector<char> data(8 << 20, 'w');  // far more than a pipe buffer
        background reader([p] {
            char buffer[64];
            size_t got = 0;
            return zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
        });
        background writer([p, &data] { return zlhcs_process_stdio_write(p, data.data(), data.size(), ZLHCS_INFINITE, nullptr); });
        // Round 0 closes at once (a call that starts after the close fails with
        // INVALID_HANDLE all the same); later rounds once both calls are blocked.
        if (round > 0) {
            EXPECT_TRUE(await_waiting_calls(2));
        }
        EXPECT_EQ(zlhcs_process_close(p), ZLHCS_S_OK);
        const bool reader_back = reader.returned(release_bound_ms);
        const bool writer_back = writer.returned(release_bound_ms);
        EXPECT_TRUE(reader_back) << "zlhcs_process_read(INFINITE) still blocked after zlhcs_process_close";
        EXPECT_TRUE(writer_back) << "zlhcs_process_write_stdin still blocked after zlhcs_process_close";
        if (!reader_back || !writer_back) {
            // Unblock them the hard way so that the suite can go on.
            (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
        }
        const zlhcs_hresult read_hr = reader.result();
        const zlhcs_hresult write_hr = writer.result();
        EXPECT_LT(read_hr, 0) << hex(read_hr);
        EXPECT_LT(write_hr, 0) << hex(write_hr);
        EXPECT_EQ(read_hr, ZLHCS_E_INVALID_HANDLE) << hex(read_hr);
        EXPECT_EQ(write_hr, ZLHCS_E_INVALID_HANDLE) << hex(write_hr);
        // The process itself goes on.
        uint32_t code = 0;
        if (reader_back && writer_back) {
            EXPECT_EQ(zlhcs_process_exit_code(keeper, &code), ZLHCS_HCS_E_OPERATION_PENDING);
        }
        (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    }
}

TEST_F(processes, closing_the_handle_releases_a_blocked_exit_wait) {
    // zlhcs.h: closing is safe with waits in flight; they return INVALID_HANDLE or finish first.
    zlhcs_process p = start(long_sleep);
    ASSERT_NE(p, 0u);
    process_guard keeper;
    ASSERT_EQ(zlhcs_process_open(system_, pid_of(p), &keeper.handle), ZLHCS_S_OK);
    background waiter([p] {
        uint32_t code = 0;
        return zlhcs_process_wait_exit(p, ZLHCS_INFINITE, &code);
    });
    EXPECT_TRUE(await_waiting_calls(1));  // the close meets a blocked wait
    EXPECT_EQ(zlhcs_process_close(p), ZLHCS_S_OK);
    const bool back = waiter.returned(release_bound_ms);
    EXPECT_TRUE(back) << "zlhcs_process_wait_exit(INFINITE) still blocked after zlhcs_process_close";
    if (!back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    const zlhcs_hresult hr = waiter.result();
    if (back) {
        EXPECT_EQ(hr, ZLHCS_E_INVALID_HANDLE) << hex(hr);
    }
}

TEST_F(processes, closing_while_cat_streams_returns_every_call_in_flight) {
    // Close in the middle of a busy transfer: every call in flight returns, nothing crashes.
    for (int round = 0; round < 3; ++round) {
        zlhcs_process cat = start("cat", in_pipe | out_pipe);
        ASSERT_NE(cat, 0u);
        process_guard keeper;  // to end cat if a call stays stuck
        ASSERT_EQ(zlhcs_process_open(system_, pid_of(cat), &keeper.handle), ZLHCS_S_OK);
        std::atomic<bool> stop{false};
        std::atomic<std::size_t> transferred{0};
        background writer([cat, &stop] {
            std::vector<char> chunk(64 * 1024, 'c');
            for (;;) {
                const zlhcs_hresult hr = zlhcs_process_stdio_write(cat, chunk.data(), chunk.size(), ZLHCS_INFINITE, nullptr);
                if (hr < 0 || stop.load()) return hr;
            }
        });
        background reader([cat, &stop, &transferred] {
            std::vector<char> buffer(64 * 1024);
            for (;;) {
                size_t got = 0;
                const zlhcs_hresult hr =
                    zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), ZLHCS_INFINITE, &got);
                transferred.fetch_add(got);
                if (hr != ZLHCS_S_OK || stop.load()) return hr;
            }
        });
        // Round 0 closes at once, later rounds once `round` MiB went through cat.
        EXPECT_TRUE(eventually([&] { return transferred.load() >= static_cast<std::size_t>(round) << 20; }));
        EXPECT_EQ(zlhcs_process_close(cat), ZLHCS_S_OK);
        const bool writer_back = writer.returned(release_bound_ms);
        const bool reader_back = reader.returned(release_bound_ms);
        EXPECT_TRUE(writer_back) << "write_stdin in flight did not return after the close";
        EXPECT_TRUE(reader_back) << "read in flight did not return after the close";
        stop.store(true);
        if (!writer_back || !reader_back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
        EXPECT_EQ(writer.result(), ZLHCS_E_INVALID_HANDLE);
        EXPECT_EQ(reader.result(), ZLHCS_E_INVALID_HANDLE);
    }
    // cat processes whose handles are gone still run; the system's termination ends them.
}

}  // namespace
}  // namespace zlhcs_core_test
