// Processes in compute systems (zlhcs.h, "Processes in compute systems"), driven through the C
// ABI against hcsim's built-in programs (docs/hcsim.md, "Processes"): creation and its errors,
// stdio through the pipes (large transfers, concurrent streams, timeouts, end of stream,
// broken pipes, hand-over of the OS handles), exit codes, signals, termination, the state of
// exited processes, handle validation, and closes racing with I/O in flight.
//
// No test asserts a duration: timeouts that should expire are short (the process under test
// runs for minutes), and those that should not are long bounds against hanging.
#include "process_support.hpp"

#include <array>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <csignal>
#include <unistd.h>
#endif

namespace zlhcs_core_test {
namespace {


constexpr zlhcs_hresult hr_file_not_found = ZLHCS_HR(0x80070002u);
constexpr zlhcs_hresult hr_not_found = ZLHCS_WIN32_E_NOT_FOUND;
constexpr uint32_t control_c_exit = 0xC000013Au;
constexpr uint32_t access_violation = 0xC0000005u;
constexpr uint32_t terminated_exit = 1;

/// Closes a process handle at scope exit (unless released).

/// Byte i of the 64 MiB stream: not periodic in any chunk size used below.
inline unsigned char big_byte(uint64_t i) {
    return static_cast<unsigned char>((i * 0x9E3779B97F4A7C15ull) >> 56) ^ static_cast<unsigned char>(i >> 12);
}

/// Byte i of what `write <n>` prints (docs/hcsim.md).
inline unsigned char write_byte(uint64_t i) { return static_cast<unsigned char>(i % 251); }



/// Checks a `write <n>` stream: size and every byte.
void expect_write_pattern(const std::string& data, size_t expected_size, const char* what) {
    EXPECT_EQ(data.size(), expected_size) << what;
    for (size_t i = 0; i < data.size(); ++i) {
        if (static_cast<unsigned char>(data[i]) != write_byte(i)) {
            ADD_FAILURE() << what << ": byte " << i << " is " << int(static_cast<unsigned char>(data[i]))
                          << ", expected " << int(write_byte(i));
            return;
        }
    }
}

rapidjson::Document status_of(zlhcs_process process) {
    char* raw = out_sentinel();
    const zlhcs_hresult hr = zlhcs_process_properties(process, nullptr, hang_bound_ms, &raw);
    EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
    const std::string text = hr >= 0 ? take(raw) : std::string("{}");
    return parse(text);
}

class processes : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        if (HasFatalFailure()) return;
        system_id_ = unique_id("proc");
        system_.handle = running_system(system_id_);
        ASSERT_NE(system_.handle, 0u);
    }
    void TearDown() override {
        // Ends every process still running (each test closes its own handles).
        if (system_.handle != 0) (void)zlhcs_system_terminate(system_, nullptr, hang_bound_ms, nullptr);
        system_.reset();
        core_test::TearDown();
    }

    /// Creates a process synchronously (a test failure and 0 if that fails).
    zlhcs_process start(std::string_view command, unsigned with = no_pipes, const std::string& extra = "") {
        return start_in(system_, command, with, extra);
    }
    static zlhcs_process start_in(zlhcs_system system, std::string_view command, unsigned with = no_pipes,
                                  const std::string& extra = "") {
        zlhcs_process process = 0;
        const std::string doc = parameters(command, with, extra);
        const zlhcs_hresult hr = zlhcs_process_create(system, doc.c_str(), nullptr, hang_bound_ms, &process, nullptr);
        EXPECT_EQ(hr, ZLHCS_S_OK) << doc << ": " << hex(hr) << " " << last_error().message;
        EXPECT_NE(process, 0u);
        return process;
    }

    /// The exit code (waiting for it), or a test failure.
    static uint32_t exit_code_of(zlhcs_process process) {
        uint32_t code = 0xDEADBEEF;
        const zlhcs_hresult hr = zlhcs_process_wait_exit(process, hang_bound_ms, &code);
        EXPECT_EQ(hr, ZLHCS_S_OK) << hex(hr) << " " << last_error().message;
        return code;
    }

    static uint32_t pid_of(zlhcs_process process) {
        uint32_t pid = 0;
        EXPECT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK) << last_error().message;
        return pid;
    }

    /// Everything a process writes to `stream`, to its end.
    static std::string output_of(zlhcs_process process, int32_t stream = ZLHCS_STDOUT) {
        std::string out;
        const zlhcs_hresult hr = read_to_end(process, stream, out);
        EXPECT_EQ(hr, ZLHCS_S_FALSE) << "read ended with " << hex(hr) << " " << last_error().message;
        return out;
    }

    std::string system_id_;
    system_guard system_;
};

// ------------------------------------------------------------------------------------------
// stdio: volume, concurrency, ordering
// ------------------------------------------------------------------------------------------

TEST_F(processes, sixty_four_mib_through_cat_arrive_byte_exact) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    constexpr uint64_t total = 64ull << 20;

    std::promise<std::pair<zlhcs_hresult, zlhcs_hresult>> writer_result;
    auto writer_done = writer_result.get_future();
    std::thread writer([&] {
        // Chunks of varying sizes (one byte up to a few MiB), so no size is special.
        static constexpr size_t sizes[] = {65536, 1, 1 << 20, 4093, 300007, 3 << 20, 17};
        std::vector<unsigned char> chunk(3 << 20);
        uint64_t offset = 0;
        zlhcs_hresult write_hr = ZLHCS_S_OK;
        for (size_t k = 0; offset < total && write_hr == ZLHCS_S_OK; ++k) {
            const size_t n = static_cast<size_t>(std::min<uint64_t>(sizes[k % std::size(sizes)], total - offset));
            for (size_t i = 0; i < n; ++i) chunk[i] = big_byte(offset + i);
            write_hr = zlhcs_process_stdio_write(cat, chunk.data(), n, ZLHCS_INFINITE, nullptr);
            offset += n;
        }
        const zlhcs_hresult close_hr = zlhcs_process_stdio_close(cat, ZLHCS_STDIN);
        writer_result.set_value({write_hr, close_hr});
    });

    std::vector<char> buffer(256 * 1024);
    uint64_t received = 0;
    uint64_t first_mismatch = UINT64_MAX;
    zlhcs_hresult hr = ZLHCS_S_OK;
    size_t got = 0;
    for (;;) {
        got = 0;
        hr = zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), hang_bound_ms, &got);
        if (hr != ZLHCS_S_OK) break;
        if (first_mismatch == UINT64_MAX) {
            for (size_t i = 0; i < got; ++i) {
                if (static_cast<unsigned char>(buffer[i]) != big_byte(received + i)) {
                    first_mismatch = received + i;
                    break;
                }
            }
        }
        received += got;
    }
    writer.join();
    const auto [write_hr, close_hr] = writer_done.get();
    EXPECT_EQ(write_hr, ZLHCS_S_OK) << hex(write_hr);
    EXPECT_EQ(close_hr, ZLHCS_S_OK) << hex(close_hr);
    EXPECT_EQ(hr, ZLHCS_S_FALSE) << "the read loop ended with " << hex(hr) << " " << last_error().message;
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(received, total);
    EXPECT_EQ(first_mismatch, UINT64_MAX) << "first wrong byte at offset " << first_mismatch;
    EXPECT_EQ(exit_code_of(cat), 0u);
    // End of stream stays end of stream.
    EXPECT_EQ(zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), 0, &got), ZLHCS_S_FALSE);
    EXPECT_EQ(got, 0u);
}

TEST_F(processes, stdout_and_stderr_read_from_two_threads_never_deadlock) {
    // `write ... both` alternates 4 KiB chunks between the streams: a reader of one stream
    // alone would stall the program once the other pipe fills.
    constexpr size_t size = 4194304;
    process_guard writer(start("write 4194304 both", out_pipe | err_pipe));
    ASSERT_NE(writer.handle, 0u);
    std::string out;
    std::string err;
    zlhcs_hresult out_hr = 0;
    zlhcs_hresult err_hr = 0;
    std::thread out_reader([&] { out_hr = read_to_end(writer, ZLHCS_STDOUT, out); });
    std::thread err_reader([&] { err_hr = read_to_end(writer, ZLHCS_STDERR, err); });
    out_reader.join();
    err_reader.join();
    EXPECT_EQ(out_hr, ZLHCS_S_FALSE) << hex(out_hr);
    EXPECT_EQ(err_hr, ZLHCS_S_FALSE) << hex(err_hr);
    expect_write_pattern(out, size, "stdout");
    expect_write_pattern(err, size, "stderr");
    EXPECT_EQ(exit_code_of(writer), 0u);
}

TEST_F(processes, write_to_one_stream_only) {
    process_guard to_err(start("write 100000 stderr", out_pipe | err_pipe));
    ASSERT_NE(to_err.handle, 0u);
    std::string err;
    std::thread reader([&] { err = output_of(to_err, ZLHCS_STDERR); });
    const std::string out = output_of(to_err, ZLHCS_STDOUT);
    reader.join();
    EXPECT_EQ(out, "");
    expect_write_pattern(err, 100000, "stderr");
    EXPECT_EQ(exit_code_of(to_err), 0u);
}

TEST_F(processes, concurrent_stdin_writers_are_serialised_whole_writes) {
    // Each write_stdin call is one 8 KiB block filled with its writer's tag and block number:
    // cat's output must consist of whole, unmixed blocks, each exactly once.
    constexpr size_t block = 8192;
    constexpr int blocks_per_writer = 64;
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    std::string out;
    std::thread reader([&] { out = output_of(cat); });
    auto write_blocks = [&](unsigned char tag) {
        std::vector<unsigned char> data(block);
        for (int b = 0; b < blocks_per_writer; ++b) {
            for (size_t i = 0; i < block; ++i) data[i] = static_cast<unsigned char>(i % 2 == 0 ? tag : b);
            EXPECT_EQ(zlhcs_process_stdio_write(cat, data.data(), data.size(), ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
        }
    };
    std::thread a(write_blocks, static_cast<unsigned char>('A'));
    std::thread b(write_blocks, static_cast<unsigned char>('B'));
    a.join();
    b.join();
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    reader.join();
    ASSERT_EQ(out.size(), block * blocks_per_writer * 2);
    int next[2] = {0, 0};
    for (size_t start = 0; start < out.size(); start += block) {
        const unsigned char tag = static_cast<unsigned char>(out[start]);
        ASSERT_TRUE(tag == 'A' || tag == 'B') << "block at " << start;
        const int number = static_cast<unsigned char>(out[start + 1]);
        int& expected = next[tag - 'A'];
        ASSERT_EQ(number, expected) << "writer " << tag << "'s blocks out of order at " << start;
        ++expected;
        for (size_t i = 0; i < block; ++i) {
            const unsigned char want = static_cast<unsigned char>(i % 2 == 0 ? tag : number);
            ASSERT_EQ(static_cast<unsigned char>(out[start + i]), want) << "mixed block at " << start + i;
        }
    }
    EXPECT_EQ(next[0], blocks_per_writer);
    EXPECT_EQ(next[1], blocks_per_writer);
    EXPECT_EQ(exit_code_of(cat), 0u);
}

// ------------------------------------------------------------------------------------------
// Exit codes, signals, termination, waits
// ------------------------------------------------------------------------------------------

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

// ------------------------------------------------------------------------------------------
// Reads: timeouts, data as it comes, end of stream
// ------------------------------------------------------------------------------------------

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

// ------------------------------------------------------------------------------------------
// The programs' view: command line, environment, directory, console
// ------------------------------------------------------------------------------------------

TEST_F(processes, echo_prints_its_arguments) {
    struct echo_case {
        const char* command;
        const char* output;
    };
    const echo_case cases[] = {
        {"echo hello", "hello\r\n"},
        {"echo", "\r\n"},
        {"echo  a   b  ", "a b\r\n"},
        {R"(echo "a  b" c)", "a  b c\r\n"},
        {"ECHO.EXE upper", "upper\r\n"},
        {R"(C:\Windows\System32\echo.exe path)", "path\r\n"},
        {"cmd /c echo via cmd", "via cmd\r\n"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.command);
        process_guard p(start(c.command, out_pipe));
        ASSERT_NE(p.handle, 0u);
        EXPECT_EQ(output_of(p), c.output);
        EXPECT_EQ(exit_code_of(p), 0u);
    }
}

TEST_F(processes, env_prints_the_environment_sorted) {
    process_guard p(start("env", out_pipe, R"(,"Environment":{"ZED":"last","ALPHA":"1","MID":"a b=c"})"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "ALPHA=1\r\nMID=a b=c\r\nZED=last\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);

    process_guard empty(start("env", out_pipe));
    ASSERT_NE(empty.handle, 0u);
    EXPECT_EQ(output_of(empty), "");
}

TEST_F(processes, env_passes_non_ascii_text_through_as_utf8) {
    process_guard p(start("env", out_pipe, ",\"Environment\":{\"GR\xC3\x9C\xC3\x9F\":\"\xE2\x82\xAC \xF0\x9F\x98\x80\"}"));
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "GR\xC3\x9C\xC3\x9F=\xE2\x82\xAC \xF0\x9F\x98\x80\r\n");
}

TEST_F(processes, cwd_prints_the_working_directory) {
    process_guard given(start("cwd", out_pipe, R"(,"WorkingDirectory":"C:\\work\\dir")"));
    ASSERT_NE(given.handle, 0u);
    EXPECT_EQ(output_of(given), "C:\\work\\dir\r\n");
    process_guard by_default(start("cwd", out_pipe));
    ASSERT_NE(by_default.handle, 0u);
    EXPECT_EQ(output_of(by_default), "C:\\\r\n");
}

TEST_F(processes, console_size_prints_the_size_and_follows_resizes) {
    process_guard p(start("console-size", in_pipe | out_pipe, R"(,"EmulateConsole":true,"ConsoleSize":[30,100])"));
    ASSERT_NE(p.handle, 0u);
    std::string out;
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 8, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "100x30\r\n");
    // The running program prints the new size after each resize.
    EXPECT_EQ(zlhcs_process_resize_console(p, 132, 43, hang_bound_ms, nullptr), ZLHCS_S_OK) << last_error().message;
    out.clear();
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 8, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "132x43\r\n");
    EXPECT_EQ(zlhcs_process_modify(p, R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":1,"Width":65535}})",
                                   hang_bound_ms, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    out.clear();
    ASSERT_EQ(read_at_least(p, ZLHCS_STDOUT, 9, out), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(out, "65535x1\r\n");
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(output_of(p), "");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, console_size_defaults_to_eighty_by_twenty_five) {
    process_guard p(start("console-size", out_pipe));  // no stdin: it prints once and ends
    ASSERT_NE(p.handle, 0u);
    EXPECT_EQ(output_of(p), "80x25\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, modify_close_handle_stdin_ends_cat_after_what_was_written) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    ASSERT_EQ(zlhcs_process_stdio_write(cat, "before", 6, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_modify(cat, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})",
                                   hang_bound_ms, nullptr),
              ZLHCS_S_OK)
        << last_error().message;
    EXPECT_EQ(output_of(cat), "before");
    EXPECT_EQ(exit_code_of(cat), 0u);
}

// ------------------------------------------------------------------------------------------
// Ids, open by id, hand-over of the OS handles
// ------------------------------------------------------------------------------------------

TEST_F(processes, process_ids_are_nonzero_and_distinct) {
    process_guard a(start(long_sleep));
    process_guard b(start(long_sleep));
    process_guard c(start("exit 0"));
    ASSERT_TRUE(a.handle != 0 && b.handle != 0 && c.handle != 0);
    const uint32_t ids[] = {pid_of(a), pid_of(b), pid_of(c)};
    for (uint32_t id : ids) EXPECT_NE(id, 0u);
    EXPECT_NE(ids[0], ids[1]);
    EXPECT_NE(ids[0], ids[2]);
    EXPECT_NE(ids[1], ids[2]);
    EXPECT_NE(a.handle, b.handle);
    // The id stays available after the exit.
    EXPECT_EQ(exit_code_of(c), 0u);
    EXPECT_EQ(pid_of(c), ids[2]);
}

TEST_F(processes, an_opened_process_shares_the_process_but_has_no_stdio) {
    process_guard created(start(long_sleep, in_pipe | out_pipe | err_pipe));
    ASSERT_NE(created.handle, 0u);
    const uint32_t pid = pid_of(created);
    process_guard opened;
    ASSERT_EQ(zlhcs_process_open(system_, pid, &opened.handle), ZLHCS_S_OK) << last_error().message;
    ASSERT_NE(opened.handle, 0u);
    EXPECT_NE(opened.handle, created.handle);
    EXPECT_EQ(pid_of(opened), pid);
    EXPECT_FALSE(status_of(opened)["Exited"].GetBool());

    char buffer[16];
    size_t got = 9;
    EXPECT_EQ(zlhcs_process_stdio_read(opened, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(got, 0u);
    EXPECT_EQ(zlhcs_process_stdio_read(opened, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(zlhcs_process_stdio_write(opened, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    uint64_t os_handle = 0x1234;
    EXPECT_EQ(zlhcs_process_stdio_detach(opened, ZLHCS_STDOUT, &os_handle), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(os_handle, 0u);
    // Its streams are "none" (zlhcs.h, Standard streams): close refuses them too.
    EXPECT_EQ(zlhcs_process_stdio_close(opened, ZLHCS_STDIN), ZLHCS_E_INVALID_STATE);
    EXPECT_NE(last_error().message.find("opened"), std::string::npos) << last_error().message;

    // Signalled through the opened handle, seen through both.
    EXPECT_EQ(zlhcs_process_signal(opened, R"({"Signal":"CtrlC"})", hang_bound_ms, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(exit_code_of(opened), control_c_exit);
    EXPECT_EQ(exit_code_of(created), control_c_exit);
    // The creator's pipes are intact.
    EXPECT_EQ(output_of(created), "");
}

TEST_F(processes, a_process_opened_after_its_exit_reports_the_exit_code) {
    process_guard created(start("exit 7"));
    ASSERT_NE(created.handle, 0u);
    ASSERT_EQ(exit_code_of(created), 7u);
    process_guard opened;
    ASSERT_EQ(zlhcs_process_open(system_, pid_of(created), &opened.handle), ZLHCS_S_OK) << last_error().message;
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(opened, &code), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(code, 7u);
    EXPECT_EQ(exit_code_of(opened), 7u);
}

TEST_F(processes, detached_stdout_is_read_through_the_os_handle) {
    process_guard p(start("echo detached", out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(p, ZLHCS_STDOUT, &os_handle), ZLHCS_S_OK) << last_error().message;
    // zlhcs no longer reads it, nor hands it out twice.
    char buffer[64];
    size_t got = 3;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(got, 0u);
    uint64_t again = 0x77;
    EXPECT_EQ(zlhcs_process_stdio_detach(p, ZLHCS_STDOUT, &again), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(again, 0u);
    // The other stream is still zlhcs's.
    EXPECT_EQ(output_of(p, ZLHCS_STDERR), "");

    std::string out;
#ifdef _WIN32
    const HANDLE h = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle));
    for (;;) {
        DWORD n = 0;
        if (!ReadFile(h, buffer, sizeof buffer, &n, nullptr)) {
            EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_BROKEN_PIPE));
            break;
        }
        if (n == 0) break;
        out.append(buffer, n);
    }
    EXPECT_TRUE(CloseHandle(h));
#else
    ASSERT_LE(os_handle, uint64_t{INT32_MAX});
    const int fd = static_cast<int>(os_handle);
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);  // blocking again after the hand-over
        if (n > 0) {
            out.append(buffer, static_cast<size_t>(n));
            continue;
        }
        EXPECT_EQ(n, 0) << "errno " << errno;
        break;
    }
    EXPECT_EQ(::close(fd), 0);
#endif
    EXPECT_EQ(out, "detached\r\n");
    EXPECT_EQ(exit_code_of(p), 0u);
}

TEST_F(processes, detached_stdin_is_written_through_the_os_handle) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(cat, ZLHCS_STDIN, &os_handle), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_stdio_write(cat, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    const std::string text = "through the OS handle";
#ifdef _WIN32
    const HANDLE h = reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle));
    DWORD written = 0;
    EXPECT_TRUE(WriteFile(h, text.data(), static_cast<DWORD>(text.size()), &written, nullptr));
    EXPECT_EQ(written, text.size());
    EXPECT_TRUE(CloseHandle(h));
#else
    const int fd = static_cast<int>(os_handle);
    EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    EXPECT_EQ(::close(fd), 0);
#endif
    // HCS keeps handles of its own to the pipe (hcsshim interface.go Stdio): closing the
    // detached one is not end of stdin; zlhcs_process_close_stdin tells HCS.
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_FALSE) << "done already";
    EXPECT_EQ(output_of(cat), text);
    EXPECT_EQ(exit_code_of(cat), 0u);
}

TEST_F(processes, detaching_a_stream_without_a_pipe_fails) {
    process_guard p(start(long_sleep, out_pipe));
    ASSERT_NE(p.handle, 0u);
    for (int32_t stream : {ZLHCS_STDIN, ZLHCS_STDERR}) {
        uint64_t os_handle = 0x55;
        EXPECT_EQ(zlhcs_process_stdio_detach(p, stream, &os_handle), ZLHCS_E_INVALID_STATE) << stream;
        EXPECT_EQ(os_handle, 0u);
    }
}

// ------------------------------------------------------------------------------------------
// Errors
// ------------------------------------------------------------------------------------------

TEST_F(processes, creation_needs_a_running_system) {
    system_guard created(create_system(unique_id("created")));
    ASSERT_NE(created.handle, 0u);
    zlhcs_process p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(created, parameters("echo x").c_str(), nullptr, hang_bound_ms, &p, nullptr),
              ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(p, 0u);
    error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_STATE);

    system_guard stopped(running_system(unique_id("stopped")));
    ASSERT_NE(stopped.handle, 0u);
    ASSERT_EQ(zlhcs_system_terminate(stopped, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    p = 0xABCD;
    // A stopped system is cleaned up (Overview.md): HCS no longer finds it.
    EXPECT_EQ(zlhcs_process_create(stopped, parameters("echo x", out_pipe).c_str(), nullptr, hang_bound_ms, &p, nullptr),
              ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(p, 0u);
    e = last_error();
    EXPECT_EQ(e.code, ZLHCS_HCS_E_SYSTEM_NOT_FOUND);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_FOUND);

    system_guard paused(running_system(unique_id("paused"), vm_config));  // pause is for VMs
    ASSERT_NE(paused.handle, 0u);
    ASSERT_EQ(zlhcs_system_pause(paused, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    p = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(paused, parameters("echo x").c_str(), nullptr, hang_bound_ms, &p, nullptr),
              ZLHCS_HCS_E_INVALID_STATE);
    EXPECT_EQ(p, 0u);
    (void)zlhcs_system_terminate(paused, nullptr, hang_bound_ms, nullptr);
}

TEST_F(processes, an_unknown_program_is_file_not_found) {
    for (const char* command : {"no-such-program", "cmd /c no-such-program arg", "C:\\bin\\nope.exe"}) {
        SCOPED_TRACE(command);
        zlhcs_process p = 0xABCD;
        EXPECT_EQ(zlhcs_process_create(system_, parameters(command, in_pipe | out_pipe).c_str(), nullptr, hang_bound_ms, &p, nullptr),
                  hr_file_not_found);
        EXPECT_EQ(p, 0u);
        const error_copy e = last_error();
        EXPECT_EQ(e.code, hr_file_not_found);
        EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_FOUND);
        EXPECT_FALSE(e.message.empty());
    }
    // An empty command line fails too.
    zlhcs_process p = 0xABCD;
    EXPECT_LT(zlhcs_process_create(system_, parameters("").c_str(), nullptr, hang_bound_ms, &p, nullptr), 0);
    EXPECT_EQ(p, 0u);
}

TEST_F(processes, opening_an_unknown_pid_is_not_found) {
    process_guard running(start(long_sleep));
    ASSERT_NE(running.handle, 0u);
    for (uint32_t pid : {0u, pid_of(running) + 1, 0xFFFFFFFFu, 123456u}) {
        SCOPED_TRACE(pid);
        zlhcs_process p = 0xABCD;
        EXPECT_EQ(zlhcs_process_open(system_, pid, &p), hr_not_found);
        EXPECT_EQ(p, 0u);
        EXPECT_EQ(last_error().code, hr_not_found);
    }
    // Pids belong to their system.
    system_guard other(running_system(unique_id("other")));
    ASSERT_NE(other.handle, 0u);
    zlhcs_process p = 0xABCD;
    EXPECT_EQ(zlhcs_process_open(other, pid_of(running), &p), hr_not_found);
    EXPECT_EQ(p, 0u);
    (void)zlhcs_system_terminate(other, nullptr, hang_bound_ms, nullptr);
}

TEST_F(processes, stdin_closed_or_absent_refuses_writes) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    ASSERT_EQ(zlhcs_process_stdio_write(cat, "abc", 3, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_write(cat, nullptr, 0, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK) << "an empty write is a no-op";
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_FALSE);
    EXPECT_EQ(zlhcs_process_stdio_write(cat, "def", 3, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(output_of(cat), "abc");
    EXPECT_EQ(exit_code_of(cat), 0u);

    process_guard no_stdin(start(long_sleep, out_pipe));
    ASSERT_NE(no_stdin.handle, 0u);
    EXPECT_EQ(zlhcs_process_stdio_write(no_stdin, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_E_INVALID_STATE);
    char buffer[4];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(no_stdin, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE);
}

TEST_F(processes, writing_to_an_exited_process_is_a_broken_pipe_not_a_signal) {
    // Natively a write to a pipe without reader raises SIGPIPE; zlhcs must turn it into an
    // error. If it did not, this test process would die here.
    process_guard p(start("exit 0", in_pipe | out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(exit_code_of(p), 0u);
    EXPECT_EQ(zlhcs_process_stdio_write(p, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_WIN32_E_BROKEN_PIPE);
    EXPECT_EQ(last_error().code, ZLHCS_WIN32_E_BROKEN_PIPE);
    std::vector<char> big(1 << 20, 'y');
    EXPECT_EQ(zlhcs_process_stdio_write(p, big.data(), big.size(), ZLHCS_INFINITE, nullptr), ZLHCS_WIN32_E_BROKEN_PIPE);
    // From another thread as well (the signal mask is per thread).
    zlhcs_hresult from_thread = 0;
    std::thread([&] { from_thread = zlhcs_process_stdio_write(p, "z", 1, ZLHCS_INFINITE, nullptr); }).join();
    EXPECT_EQ(from_thread, ZLHCS_WIN32_E_BROKEN_PIPE);
#ifndef _WIN32
    sigset_t pending;
    sigemptyset(&pending);
    ASSERT_EQ(sigpending(&pending), 0);
    EXPECT_EQ(sigismember(&pending, SIGPIPE), 0) << "a SIGPIPE was left pending";
#endif
    // The pipe stays usable for reading.
    EXPECT_EQ(output_of(p), "");
}

// HCS reports calls on an exited process with several codes (hcsshim
// internal/hcs/v2/process.go Kill, processSignalResult, CloseStdin; docs/hcsim.md "Codes for a
// gone process"): zlhcs's synchronous signal and terminate say "done already" (S_FALSE)
// whichever came; modify reports HCS's code; the async forms report HCS's codes as they are.
TEST_F(processes, an_exited_process_refuses_signal_terminate_and_modify) {
    process_guard p(start("exit 3", in_pipe | out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(exit_code_of(p), 3u);
    (void)zlhcs_clear_error();
    EXPECT_EQ(zlhcs_process_signal(p, R"({"Signal":"CtrlC"})", hang_bound_ms, nullptr), ZLHCS_S_FALSE);
    EXPECT_EQ(zlhcs_process_signal(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_FALSE);
    EXPECT_EQ(zlhcs_process_terminate(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_FALSE);
    EXPECT_EQ(zlhcs_process_terminate(p, nullptr, hang_bound_ms, nullptr), ZLHCS_S_FALSE) << "again";
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE) << "S_FALSE is success: no last error";
    // A success code never hands out an error document (issue 15, point 7); "" options are
    // no options (point 6: hcsshim terminates processes with "").
    for (const auto stop : {&zlhcs_process_signal, &zlhcs_process_terminate}) {
        char* document = out_sentinel();
        EXPECT_EQ(stop(p, stop == &zlhcs_process_terminate ? "" : R"({"Signal":"CtrlC"})", hang_bound_ms, &document),
                  ZLHCS_S_FALSE);
        EXPECT_EQ(document, nullptr) << "an error document came with S_FALSE: " << document;
        if (document != out_sentinel()) zlhcs_free(document);
    }
    struct verb {
        const char* name;
        std::function<zlhcs_hresult()> call;
    };
    const verb verbs[] = {
        {"modify", [&] {
             return zlhcs_process_modify(p, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"All"}})",
                                         hang_bound_ms, nullptr);
         }},
        {"resize_console", [&] { return zlhcs_process_resize_console(p, 100, 50, hang_bound_ms, nullptr); }},
    };
    for (const auto& v : verbs) {
        SCOPED_TRACE(v.name);
        EXPECT_EQ(v.call(), ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED);
        const error_copy e = last_error();
        EXPECT_EQ(e.code, ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED);
        EXPECT_EQ(e.category, ZLHCS_CATEGORY_ALREADY_STOPPED);
    }
    // The asynchronous forms report HCS's own codes through their operation: signal gives
    // HCS_E_INVALID_STATE (severity form), terminate E_ACCESSDENIED.
    using async_fn = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, zlhcs_operation_callback, void*,
                                                 zlhcs_release_callback, zlhcs_operation*);
    const std::pair<const char*, async_fn> async_verbs[] = {
        {"signal_async", zlhcs_process_signal_async},
        {"terminate_async", zlhcs_process_terminate_async},
    };
    for (const auto& [name, fn] : async_verbs) {
        SCOPED_TRACE(name);
        callback_probe probe;
        operation_guard op;
        ASSERT_EQ(fn(p, nullptr, &callback_probe::callback, &probe, nullptr, &op.handle), ZLHCS_S_OK);
        const zlhcs_hresult waited = zlhcs_operation_wait(op, hang_bound_ms, nullptr);
        EXPECT_LT(waited, 0);
        ASSERT_TRUE(probe.wait_called());
        EXPECT_EQ(probe.result.load(), waited);
    }
    // Its status stays readable.
    EXPECT_TRUE(status_of(p)["Exited"].GetBool());
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_S_OK);
    EXPECT_EQ(code, 3u);
}

TEST_F(processes, null_out_parameters_are_invalid_arguments) {
    process_guard p(start(long_sleep, in_pipe | out_pipe));
    ASSERT_NE(p.handle, 0u);
    const std::string doc = parameters("echo x");
    auto expect_invalid_argument = [](zlhcs_hresult hr, const char* what) {
        EXPECT_EQ(hr, ZLHCS_E_INVALID_ARGUMENT) << what << ": " << hex(hr);
        const error_copy e = last_error();
        EXPECT_EQ(e.code, ZLHCS_E_INVALID_ARGUMENT) << what;
        EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_ARGUMENT) << what;
        (void)zlhcs_clear_error();
    };
    expect_invalid_argument(zlhcs_process_create(system_, doc.c_str(), nullptr, hang_bound_ms, nullptr, nullptr), "create");
    zlhcs_process out_process = 0xABCD;
    expect_invalid_argument(zlhcs_process_create_async(system_, doc.c_str(), nullptr, nullptr, nullptr, nullptr, &out_process, nullptr),
                            "create_async without out_operation");
    EXPECT_EQ(out_process, 0u);
    zlhcs_operation out_operation = 0xABCD;
    expect_invalid_argument(zlhcs_process_create_async(system_, doc.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr, &out_operation),
                            "create_async without out_process");
    expect_invalid_argument(zlhcs_process_create(system_, nullptr, nullptr, hang_bound_ms, &out_process, nullptr), "create(NULL doc)");
    EXPECT_EQ(out_process, 0u);
    expect_invalid_argument(zlhcs_process_open(system_, pid_of(p), nullptr), "open");
    expect_invalid_argument(zlhcs_process_id(p, nullptr), "id");
    expect_invalid_argument(zlhcs_process_exit_code(p, nullptr), "exit_code");
    expect_invalid_argument(zlhcs_process_signal_async(p, nullptr, nullptr, nullptr, nullptr, nullptr), "signal_async");
    expect_invalid_argument(zlhcs_process_terminate_async(p, nullptr, nullptr, nullptr, nullptr, nullptr), "terminate_async");
    expect_invalid_argument(zlhcs_process_properties_async(p, nullptr, nullptr, nullptr, nullptr, nullptr), "properties_async");
    expect_invalid_argument(zlhcs_process_modify_async(p, "{}", nullptr, nullptr, nullptr, nullptr), "modify_async");
    expect_invalid_argument(zlhcs_process_modify(p, nullptr, hang_bound_ms, nullptr), "modify(NULL settings)");
    expect_invalid_argument(zlhcs_process_stdio_write(p, nullptr, 5, ZLHCS_INFINITE, nullptr), "write_stdin(NULL data)");
    char buffer[8];
    size_t got = 0;
    expect_invalid_argument(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, nullptr), "read(NULL out)");
    expect_invalid_argument(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, nullptr, 8, 0, &got), "read(NULL buffer)");
    expect_invalid_argument(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, 0, 0, &got), "read(capacity 0)");
    expect_invalid_argument(zlhcs_process_stdio_detach(p, ZLHCS_STDOUT, nullptr), "detach_stdio");
    // None of that disturbed the process or its pipes.
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_HCS_E_OPERATION_PENDING);
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
}

TEST_F(processes, invalid_stream_numbers_are_invalid_arguments) {
    process_guard p(start(long_sleep, in_pipe | out_pipe | err_pipe));
    ASSERT_NE(p.handle, 0u);
    char buffer[8];
    for (uint32_t stream : {0xFFFFFFFFu, 3u, 4u, 1000u, 0x80000000u, 0x7FFFFFFFu}) {
        SCOPED_TRACE(stream);
        size_t got = 5;
        EXPECT_EQ(zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_ARGUMENT);
        EXPECT_EQ(got, 0u);
        EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
        uint64_t os_handle = 0x99;
        EXPECT_EQ(zlhcs_process_stdio_detach(p, stream, &os_handle), ZLHCS_E_INVALID_ARGUMENT);
        EXPECT_EQ(os_handle, 0u);
    }
    size_t got = 5;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDIN, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_ARGUMENT)
        << "stdin cannot be read";
    // All three pipes are still there.
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(zlhcs_process_stdio_write(p, "x", 1, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
}

TEST_F(processes, invalid_utf8_and_json_documents_are_refused) {
    process_guard p(start(long_sleep));
    ASSERT_NE(p.handle, 0u);
    const char* bad_utf8 = "{\"CommandLine\":\"echo \xC3\x28\"}";
    zlhcs_process out = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(system_, bad_utf8, nullptr, hang_bound_ms, &out, nullptr), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(out, 0u);
    zlhcs_operation op = 0xABCD;
    out = 0xABCD;
    EXPECT_EQ(zlhcs_process_create_async(system_, "\xFF", nullptr, nullptr, nullptr, nullptr, &out, &op), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(out, 0u);
    EXPECT_EQ(op, 0u);
    for (const char* bad_json : {"{", "", "{\"CommandLine\":\"echo\",}", "[1,2"}) {
        SCOPED_TRACE(bad_json);
        out = 0xABCD;
        EXPECT_EQ(zlhcs_process_create(system_, bad_json, nullptr, hang_bound_ms, &out, nullptr), ZLHCS_HCS_E_INVALID_JSON);
        EXPECT_EQ(out, 0u);
        EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_INVALID_JSON);
    }
    // Well-formed JSON the schema rejects.
    for (const char* wrong : {"[]", R"({"CommandLine":5})", R"({"CommandLine":"echo","CreateStdOutPipe":"yes"})",
                              R"({"CommandLine":"echo","ConsoleSize":[1]})"}) {
        SCOPED_TRACE(wrong);
        out = 0xABCD;
        EXPECT_EQ(zlhcs_process_create(system_, wrong, nullptr, hang_bound_ms, &out, nullptr), ZLHCS_HCS_E_INVALID_JSON);
        EXPECT_EQ(out, 0u);
    }

    EXPECT_EQ(zlhcs_process_signal(p, "{\"Signal\":\"\xE0\x80\x80\"}", hang_bound_ms, nullptr), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(zlhcs_process_signal(p, "{\"Signal\":", hang_bound_ms, nullptr), ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(zlhcs_process_terminate(p, "\xC0\xAF", hang_bound_ms, nullptr), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(zlhcs_process_terminate(p, "nope", hang_bound_ms, nullptr), ZLHCS_HCS_E_INVALID_JSON);
    char* status = out_sentinel();
    EXPECT_EQ(zlhcs_process_properties(p, "\xED\xA0\x80", hang_bound_ms, &status), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(zlhcs_process_properties(p, "{]", hang_bound_ms, &status), ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_TRUE(status == nullptr || status == out_sentinel());
    EXPECT_EQ(zlhcs_process_modify(p, "\x80", hang_bound_ms, nullptr), ZLHCS_E_INVALID_UTF8);
    EXPECT_EQ(zlhcs_process_modify(p, "{\"Operation\"", hang_bound_ms, nullptr), ZLHCS_HCS_E_INVALID_JSON);
    EXPECT_EQ(zlhcs_process_modify(p, "{}", hang_bound_ms, nullptr), ZLHCS_HCS_E_INVALID_JSON) << "no Operation";
    EXPECT_EQ(zlhcs_process_modify(p, R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":70000,"Width":1}})",
                                   hang_bound_ms, nullptr),
              ZLHCS_HCS_E_INVALID_JSON);
    // The process was not touched by any of it.
    uint32_t code = 0;
    EXPECT_EQ(zlhcs_process_exit_code(p, &code), ZLHCS_HCS_E_OPERATION_PENDING);
}

// ------------------------------------------------------------------------------------------
// Handle validation
// ------------------------------------------------------------------------------------------

struct process_call {
    const char* name;
    std::function<zlhcs_hresult(zlhcs_process, callback_probe&)> call;
};

std::vector<process_call> process_functions() {
    std::vector<process_call> f;
    auto async_verb = [](const char* name, auto fn, const char* doc) {
        return process_call{name, [fn, doc](zlhcs_process h, callback_probe& probe) {
                                zlhcs_operation op = 0xABCD;
                                const zlhcs_hresult hr = fn(h, doc, &callback_probe::callback, &probe, nullptr, &op);
                                if (hr >= 0 && op != 0) {
                                    (void)zlhcs_operation_wait(op, hang_bound_ms, nullptr);
                                    (void)zlhcs_operation_close(op);
                                } else {
                                    EXPECT_EQ(op, 0u) << "out_operation written on failure";
                                }
                                return hr;
                            }};
    };
    f.push_back({"zlhcs_process_id", [](zlhcs_process h, callback_probe&) {
                     uint32_t pid = 0x1234;
                     const zlhcs_hresult hr = zlhcs_process_id(h, &pid);
                     if (hr < 0) {
                         EXPECT_EQ(pid, 0u);
                     }
                     return hr;
                 }});
    f.push_back(async_verb("zlhcs_process_signal_async", zlhcs_process_signal_async, "{}"));
    f.push_back({"zlhcs_process_signal", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_signal(h, R"({"Signal":"CtrlC"})", 1000, nullptr);
                 }});
    f.push_back(async_verb("zlhcs_process_terminate_async", zlhcs_process_terminate_async, nullptr));
    f.push_back({"zlhcs_process_terminate", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_terminate(h, nullptr, 1000, nullptr);
                 }});
    // zlhcs_process_info_async takes no document: adapt it to the verbs' shape.
    f.push_back(async_verb(
        "zlhcs_process_info_async",
        [](zlhcs_process h, const char*, zlhcs_operation_callback callback, void* context,
           zlhcs_release_callback release, zlhcs_operation* op) {
            return zlhcs_process_info_async(h, callback, context, release, op);
        },
        nullptr));
    f.push_back({"zlhcs_process_info", [](zlhcs_process h, callback_probe&) {
                     char* out = out_sentinel();
                     const zlhcs_hresult hr = zlhcs_process_info(h, 1000, &out);
                     if (hr >= 0) {
                         zlhcs_free(out);
                     } else {
                         EXPECT_TRUE(out == nullptr || out == out_sentinel());
                     }
                     return hr;
                 }});
    f.push_back(async_verb("zlhcs_process_properties_async", zlhcs_process_properties_async, nullptr));
    f.push_back({"zlhcs_process_properties", [](zlhcs_process h, callback_probe&) {
                     char* out = out_sentinel();
                     const zlhcs_hresult hr = zlhcs_process_properties(h, nullptr, 1000, &out);
                     if (hr >= 0) {
                         zlhcs_free(out);
                     } else {
                         EXPECT_TRUE(out == nullptr || out == out_sentinel());
                     }
                     return hr;
                 }});
    f.push_back(async_verb("zlhcs_process_modify_async", zlhcs_process_modify_async,
                           R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})"));
    f.push_back({"zlhcs_process_modify", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_modify(
                         h, R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})", 1000, nullptr);
                 }});
    f.push_back({"zlhcs_process_resize_console", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_resize_console(h, 80, 25, 1000, nullptr);
                 }});
    f.push_back({"zlhcs_process_wait_exit", [](zlhcs_process h, callback_probe&) {
                     uint32_t code = 0x1234;
                     return zlhcs_process_wait_exit(h, 0, &code);
                 }});
    f.push_back({"zlhcs_process_wait_exit(no code)", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_wait_exit(h, 0, nullptr);
                 }});
    f.push_back({"zlhcs_process_exit_code", [](zlhcs_process h, callback_probe&) {
                     uint32_t code = 0x1234;
                     return zlhcs_process_exit_code(h, &code);
                 }});
    f.push_back({"zlhcs_process_write_stdin", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_stdio_write(h, "x", 1, ZLHCS_INFINITE, nullptr);
                 }});
    f.push_back({"zlhcs_process_close_stdin", [](zlhcs_process h, callback_probe&) {
                     return zlhcs_process_stdio_close(h, ZLHCS_STDIN);
                 }});
    for (int32_t stream : {ZLHCS_STDOUT, ZLHCS_STDERR}) {
        f.push_back({stream == ZLHCS_STDOUT ? "zlhcs_process_read(stdout)" : "zlhcs_process_read(stderr)",
                     [stream](zlhcs_process h, callback_probe&) {
                         char buffer[8];
                         size_t got = 5;
                         const zlhcs_hresult hr = zlhcs_process_stdio_read(h, stream, buffer, sizeof buffer, 0, &got);
                         EXPECT_TRUE(hr >= 0 || got == 0);
                         return hr;
                     }});
    }
    for (int32_t stream : {ZLHCS_STDIN, ZLHCS_STDOUT, ZLHCS_STDERR}) {
        f.push_back({"zlhcs_process_detach_stdio", [stream](zlhcs_process h, callback_probe&) {
                         uint64_t os_handle = 0x77;
                         const zlhcs_hresult hr = zlhcs_process_stdio_detach(h, stream, &os_handle);
                         if (hr < 0) {
                             EXPECT_EQ(os_handle, 0u);
                         }
                         return hr;
                     }});
    }
    f.push_back({"zlhcs_process_close", [](zlhcs_process h, callback_probe&) { return zlhcs_process_close(h); }});
    return f;
}

TEST_F(processes, every_process_function_rejects_closed_forged_and_foreign_handles) {
    // A closed process handle (its process still running, another handle of it open).
    process_guard live(start(long_sleep, in_pipe | out_pipe | err_pipe));
    ASSERT_NE(live.handle, 0u);
    zlhcs_process closed = 0;
    ASSERT_EQ(zlhcs_process_open(system_, pid_of(live), &closed), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_close(closed), ZLHCS_S_OK);
    // A closed handle of an exited process, with its pipes.
    zlhcs_process closed_exited = start("exit 0", in_pipe | out_pipe | err_pipe);
    ASSERT_NE(closed_exited, 0u);
    (void)exit_code_of(closed_exited);
    ASSERT_EQ(zlhcs_process_close(closed_exited), ZLHCS_S_OK);
    operation_guard operation;
    ASSERT_EQ(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &operation.handle), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_operation_wait(operation, hang_bound_ms, nullptr), ZLHCS_S_OK);

    const std::pair<const char*, zlhcs_handle> bad[] = {
        {"closed process", closed},
        {"closed exited process", closed_exited},
        {"0", 0},
        {"~0", ~zlhcs_handle{0}},
        {"live process, next generation", live.handle + (zlhcs_handle{1} << 28)},
        {"live process, slot + 1000", live.handle + 1000},
        {"live process, kind bits flipped", live.handle ^ (zlhcs_handle{0xF} << 49)},
        {"system handle as process", system_.handle},
        {"operation handle as process", operation.handle},
    };
    for (const auto& fn : process_functions()) {
        for (const auto& [what, value] : bad) {
            SCOPED_TRACE(std::string(fn.name) + " with " + what);
            callback_probe probe;
            (void)zlhcs_clear_error();
            EXPECT_EQ(fn.call(value, probe), ZLHCS_E_INVALID_HANDLE);
            const error_copy e = last_error();
            EXPECT_EQ(e.code, ZLHCS_E_INVALID_HANDLE);
            EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_HANDLE);
            EXPECT_FALSE(e.message.empty());
            EXPECT_EQ(probe.calls.load(), 0) << "callback of a failed call";
        }
    }
    // Process handles are not systems or operations either.
    char* id = out_sentinel();
    EXPECT_EQ(zlhcs_system_id(live, &id), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_system_close(live), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_wait(live, 0, nullptr), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_operation_close(live), ZLHCS_E_INVALID_HANDLE);
    zlhcs_process out = 0xABCD;
    EXPECT_EQ(zlhcs_process_create(live, parameters("echo").c_str(), nullptr, 1000, &out, nullptr), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(out, 0u);
    out = 0xABCD;
    EXPECT_EQ(zlhcs_process_open(live, 4, &out), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(out, 0u);
    // The live handle still works after all that (control experiment).
    for (const auto& fn : process_functions()) {
        const std::string name = fn.name;
        if (name == "zlhcs_process_close" || name.find("terminate") != std::string::npos ||
            name.find("signal") != std::string::npos || name.find("detach") != std::string::npos) {
            continue;
        }
        SCOPED_TRACE(name);
        callback_probe probe;
        EXPECT_NE(fn.call(live, probe), ZLHCS_E_INVALID_HANDLE) << last_error().message;
    }
    EXPECT_EQ(zlhcs_process_close(live.release()), ZLHCS_S_OK);
}

TEST_F(processes, a_closed_system_handle_does_not_end_its_processes) {
    process_guard p;
    {
        system_guard second;
        ASSERT_EQ(zlhcs_system_open(system_id_.c_str(), nullptr, &second.handle), ZLHCS_S_OK);
        p.handle = start_in(second, "cat", in_pipe | out_pipe);
        ASSERT_NE(p.handle, 0u);
    }  // the handle the process was created through is closed
    ASSERT_EQ(zlhcs_process_stdio_write(p, "still here", 10, ZLHCS_INFINITE, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDIN), ZLHCS_S_OK);
    EXPECT_EQ(output_of(p), "still here");
    EXPECT_EQ(exit_code_of(p), 0u);
}

// ------------------------------------------------------------------------------------------
// The system's end ends its processes
// ------------------------------------------------------------------------------------------

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

TEST_F(processes, emulate_console_sends_stderr_to_stdout) {
    process_guard p(start("write 5000 stderr", out_pipe | err_pipe, R"(,"EmulateConsole":true)"));
    ASSERT_NE(p.handle, 0u);
    char buffer[4];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(p, ZLHCS_STDERR, buffer, sizeof buffer, 0, &got), ZLHCS_E_INVALID_STATE)
        << "no stderr pipe with EmulateConsole (docs/hcsim.md)";
    expect_write_pattern(output_of(p), 5000, "stdout");
    EXPECT_EQ(exit_code_of(p), 0u);
}

// ------------------------------------------------------------------------------------------
// Failures of the HCS calls behind a create
// ------------------------------------------------------------------------------------------

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

// ------------------------------------------------------------------------------------------
// Races with close
// ------------------------------------------------------------------------------------------

/// Runs `fn` on a thread; `returned()` waits (bounded) for it.
class background {
public:
    explicit background(std::function<zlhcs_hresult()> fn)
        : future_(promise_.get_future()), thread_([this, fn = std::move(fn)] { promise_.set_value(fn()); }) {}
    ~background() {
        if (thread_.joinable()) thread_.join();
    }
    background(const background&) = delete;
    background& operator=(const background&) = delete;
    bool returned(uint32_t bound_ms = hang_bound_ms) {
        return future_.wait_for(std::chrono::milliseconds(bound_ms)) == std::future_status::ready;
    }
    zlhcs_hresult result() {
        if (thread_.joinable()) thread_.join();
        return future_.get();
    }

private:
    std::promise<zlhcs_hresult> promise_;
    std::future<zlhcs_hresult> future_;
    std::thread thread_;
};

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
        // Give both a chance to block (not required: a call that starts after the close
        // fails with INVALID_HANDLE all the same).
        std::this_thread::sleep_for(std::chrono::milliseconds(round * 50));
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
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a chance to block (not required)
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
        background writer([cat, &stop] {
            std::vector<char> chunk(64 * 1024, 'c');
            for (;;) {
                const zlhcs_hresult hr = zlhcs_process_stdio_write(cat, chunk.data(), chunk.size(), ZLHCS_INFINITE, nullptr);
                if (hr < 0 || stop.load()) return hr;
            }
        });
        background reader([cat, &stop] {
            std::vector<char> buffer(64 * 1024);
            for (;;) {
                size_t got = 0;
                const zlhcs_hresult hr =
                    zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer.data(), buffer.size(), ZLHCS_INFINITE, &got);
                if (hr != ZLHCS_S_OK || stop.load()) return hr;
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(20 * round));
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

// ------------------------------------------------------------------------------------------
// The asynchronous create
// ------------------------------------------------------------------------------------------

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

// ------------------------------------------------------------------------------------------
// Out-parameters, one rule (zlhcs.h): documents are written on success and on failure (HCS's
// result or error document, or NULL) and the caller frees them; everything else is written on
// success only and is 0 on failure, except the handle a timed-out create hands out and the
// count a stdio write reports. Every process export, through every way it can fail: bad
// handles, NULL arguments, injected HCS failures (each entry point, both modes, and
// HcsCreateOperation), a disconnected service, an exited process. What the caller owns is
// freed or closed here, so under LeakSanitizer (the asan preset) a document zlhcs handed out
// without saying so is a leak, and hcsim's live-object check catches unclosed handles.
// ------------------------------------------------------------------------------------------

/// A char** out-parameter: must be written on every outcome; freed when it holds a document.
struct document_out {
    char* value = out_sentinel();
    void check(zlhcs_hresult hr, const std::string& what) {
        EXPECT_NE(value, out_sentinel()) << what << ": out_document not written (" << hex(hr) << ")";
        if (value != out_sentinel()) zlhcs_free(value);
        value = out_sentinel();
    }
};

struct export_target {
    zlhcs_system system = 0;
    zlhcs_process process = 0;
};

/// What a call left to the caller (operations, handles), undone after the harness has read
/// the call's last error.
using cleanups = std::vector<std::function<void()>>;

struct export_case {
    std::string name;
    std::function<zlhcs_hresult(const export_target&, const std::string& what, cleanups& later)> call;
};

constexpr zlhcs_handle unwritten = 0xABCDu;

/// A non-document out-parameter after a call: 0 on failure.
template <typename T>
void expect_zero_on_failure(zlhcs_hresult hr, T value, const std::string& what, const char* out_name) {
    if (hr < 0) {
        EXPECT_EQ(value, T{0}) << what << ": " << out_name << " not zeroed on failure (" << hex(hr) << ")";
    }
}

/// Waits for an operation an _async export handed out, takes its document, closes it.
void finish_async(zlhcs_hresult hr, zlhcs_operation operation, const std::string& what, cleanups& later) {
    expect_zero_on_failure(hr, operation, what, "out_operation");
    if (hr < 0 || operation == 0 || operation == unwritten) return;
    later.push_back([operation, what] {
        document_out document;
        const zlhcs_hresult waited = zlhcs_operation_wait(operation, hang_bound_ms, &document.value);
        document.check(waited, what + " (operation)");
        EXPECT_EQ(zlhcs_operation_close(operation), ZLHCS_S_FALSE) << what << " (no callback was registered)";
    });
}

/// A process handle an export handed out: closed (after ending the process).
void dispose_process(zlhcs_process process, cleanups& later) {
    if (process == 0 || process == unwritten) return;
    later.push_back([process] {
        (void)zlhcs_process_terminate(process, nullptr, hang_bound_ms, nullptr);
        EXPECT_EQ(zlhcs_process_close(process), ZLHCS_S_OK);
    });
}

std::vector<export_case> process_exports() {
    std::vector<export_case> f;
    const std::string create_doc = parameters(long_sleep, in_pipe | out_pipe | err_pipe);
    auto add = [&f](std::string name,
                    std::function<zlhcs_hresult(const export_target&, const std::string&, cleanups&)> call) {
        f.push_back({std::move(name), std::move(call)});
    };
    // Creation and opening.
    for (const auto& [label, doc, timeout] :
         {std::tuple<const char*, std::string, uint32_t>{"create", create_doc, hang_bound_ms},
          {"create(timeout 0)", create_doc, 0},
          {"create(bad JSON)", "{", hang_bound_ms},
          {"create(bad UTF-8)", "{\"CommandLine\":\"\xC3\x28\"}", hang_bound_ms},
          {"create(unknown program)", parameters("no-such-program", out_pipe), hang_bound_ms}}) {
        add(label, [doc = doc, timeout = timeout](const export_target& t, const std::string& what, cleanups& later) {
            zlhcs_process out = unwritten;
            document_out document;
            const zlhcs_hresult hr = zlhcs_process_create(t.system, doc.c_str(), nullptr, timeout, &out, &document.value);
            document.check(hr, what);
            if (hr == ZLHCS_HCS_E_OPERATION_TIMEOUT) {
                EXPECT_NE(out, 0u) << what << ": a timed-out create hands out its handle";
                EXPECT_NE(out, unwritten) << what;
            } else {
                expect_zero_on_failure(hr, out, what, "out_process");
            }
            dispose_process(out, later);
            return hr;
        });
    }
    add("create(NULL parameters)", [](const export_target& t, const std::string& what, cleanups& later) {
        zlhcs_process out = unwritten;
        document_out document;
        const zlhcs_hresult hr = zlhcs_process_create(t.system, nullptr, nullptr, hang_bound_ms, &out, &document.value);
        document.check(hr, what);
        expect_zero_on_failure(hr, out, what, "out_process");
        dispose_process(out, later);
        return hr;
    });
    add("create(NULL out_process)", [create_doc](const export_target& t, const std::string& what, cleanups&) {
        document_out document;
        const zlhcs_hresult hr = zlhcs_process_create(t.system, create_doc.c_str(), nullptr, hang_bound_ms, nullptr,
                                                      &document.value);
        document.check(hr, what);
        return hr;
    });
    add("create_async", [create_doc](const export_target& t, const std::string& what, cleanups& later) {
        zlhcs_process out = unwritten;
        zlhcs_operation op = unwritten;
        const zlhcs_hresult hr = zlhcs_process_create_async(t.system, create_doc.c_str(), nullptr, nullptr, nullptr, nullptr, &out, &op);
        expect_zero_on_failure(hr, out, what, "out_process");
        finish_async(hr, op, what, later);
        dispose_process(out, later);
        return hr;
    });
    add("create_async(NULL out_operation)", [create_doc](const export_target& t, const std::string& what, cleanups& later) {
        zlhcs_process out = unwritten;
        const zlhcs_hresult hr = zlhcs_process_create_async(t.system, create_doc.c_str(), nullptr, nullptr, nullptr, nullptr, &out, nullptr);
        expect_zero_on_failure(hr, out, what, "out_process");
        dispose_process(out, later);
        return hr;
    });
    add("create_async(NULL out_process)", [create_doc](const export_target& t, const std::string& what, cleanups& later) {
        zlhcs_operation op = unwritten;
        const zlhcs_hresult hr = zlhcs_process_create_async(t.system, create_doc.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr, &op);
        finish_async(hr, op, what, later);
        return hr;
    });
    add("open", [](const export_target& t, const std::string& what, cleanups&) {
        uint32_t pid = 0;
        if (zlhcs_process_id(t.process, &pid) < 0) pid = 4;
        zlhcs_process out = unwritten;
        const zlhcs_hresult hr = zlhcs_process_open(t.system, pid, &out);
        expect_zero_on_failure(hr, out, what, "out_process");
        if (hr >= 0) {
            EXPECT_EQ(zlhcs_process_close(out), ZLHCS_S_OK);
        }
        return hr;
    });
    add("open(NULL out_process)", [](const export_target& t, const std::string&, cleanups&) {
        return zlhcs_process_open(t.system, 4, nullptr);
    });
    add("close", [](const export_target& t, const std::string&, cleanups&) { return zlhcs_process_close(t.process); });
    add("id", [](const export_target& t, const std::string& what, cleanups&) {
        uint32_t pid = 0xABCD;
        const zlhcs_hresult hr = zlhcs_process_id(t.process, &pid);
        expect_zero_on_failure(hr, pid, what, "out_process_id");
        return hr;
    });
    add("id(NULL)", [](const export_target& t, const std::string&, cleanups&) { return zlhcs_process_id(t.process, nullptr); });
    // The operation-based verbs: sync (document) and async (operation) forms.
    using sync_verb = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, uint32_t, char**);
    using async_verb = zlhcs_hresult(ZLHCS_CALL*)(zlhcs_process, const char*, zlhcs_operation_callback, void*,
                                                   zlhcs_release_callback, zlhcs_operation*);
    const char* console = R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":25,"Width":80}})";
    const std::tuple<const char*, sync_verb, async_verb, const char*> verbs[] = {
        {"signal", zlhcs_process_signal, zlhcs_process_signal_async, R"({"Signal":"CtrlC"})"},
        {"terminate", zlhcs_process_terminate, zlhcs_process_terminate_async, nullptr},
        {"properties", zlhcs_process_properties, zlhcs_process_properties_async, nullptr},
        {"modify", zlhcs_process_modify, zlhcs_process_modify_async, console},
        {"modify(NULL settings)", zlhcs_process_modify, zlhcs_process_modify_async, nullptr},
        {"signal(bad JSON)", zlhcs_process_signal, zlhcs_process_signal_async, "{"},
        {"properties(bad UTF-8)", zlhcs_process_properties, zlhcs_process_properties_async, "\xFF"},
    };
    for (const auto& [label, sync_fn, async_fn, doc] : verbs) {
        add(label, [sync_fn = sync_fn, doc = doc](const export_target& t, const std::string& what, cleanups&) {
            document_out document;
            const zlhcs_hresult hr = sync_fn(t.process, doc, hang_bound_ms, &document.value);
            document.check(hr, what);
            return hr;
        });
        add(std::string(label) + "_async", [async_fn = async_fn, doc = doc](const export_target& t, const std::string& what, cleanups& later) {
            zlhcs_operation op = unwritten;
            const zlhcs_hresult hr = async_fn(t.process, doc, nullptr, nullptr, nullptr, &op);
            finish_async(hr, op, what, later);
            return hr;
        });
        add(std::string(label) + "_async(NULL out_operation)", [async_fn = async_fn, doc = doc](const export_target& t,
                                                                                             const std::string&, cleanups&) {
            return async_fn(t.process, doc, nullptr, nullptr, nullptr, nullptr);
        });
    }
    add("info", [](const export_target& t, const std::string& what, cleanups&) {
        document_out document;
        const zlhcs_hresult hr = zlhcs_process_info(t.process, hang_bound_ms, &document.value);
        document.check(hr, what);
        return hr;
    });
    add("info_async", [](const export_target& t, const std::string& what, cleanups& later) {
        zlhcs_operation op = unwritten;
        const zlhcs_hresult hr = zlhcs_process_info_async(t.process, nullptr, nullptr, nullptr, &op);
        finish_async(hr, op, what, later);
        return hr;
    });
    add("info_async(NULL out_operation)", [](const export_target& t, const std::string&, cleanups&) {
        return zlhcs_process_info_async(t.process, nullptr, nullptr, nullptr, nullptr);
    });
    add("resize_console", [](const export_target& t, const std::string& what, cleanups&) {
        document_out document;
        const zlhcs_hresult hr = zlhcs_process_resize_console(t.process, 100, 40, hang_bound_ms, &document.value);
        document.check(hr, what);
        return hr;
    });
    // Exit.
    add("wait_exit", [](const export_target& t, const std::string& what, cleanups&) {
        uint32_t code = 0xABCD;
        const zlhcs_hresult hr = zlhcs_process_wait_exit(t.process, 0, &code);
        expect_zero_on_failure(hr, code, what, "out_exit_code");
        return hr;
    });
    add("wait_exit(no code)", [](const export_target& t, const std::string&, cleanups&) {
        return zlhcs_process_wait_exit(t.process, 0, nullptr);
    });
    add("exit_code", [](const export_target& t, const std::string& what, cleanups&) {
        uint32_t code = 0xABCD;
        const zlhcs_hresult hr = zlhcs_process_exit_code(t.process, &code);
        expect_zero_on_failure(hr, code, what, "out_exit_code");
        return hr;
    });
    add("exit_code(NULL)", [](const export_target& t, const std::string&, cleanups&) {
        return zlhcs_process_exit_code(t.process, nullptr);
    });
    // stdio.
    add("stdio_write", [](const export_target& t, const std::string& what, cleanups&) {
        size_t written = unwritten;
        const zlhcs_hresult hr = zlhcs_process_stdio_write(t.process, "abc", 3, 0, &written);
        EXPECT_LE(written, 3u) << what << ": the count is written on every outcome";
        if (hr >= 0) {
            EXPECT_EQ(written, 3u) << what;
        }
        return hr;
    });
    add("stdio_write(NULL data)", [](const export_target& t, const std::string& what, cleanups&) {
        size_t written = unwritten;
        const zlhcs_hresult hr = zlhcs_process_stdio_write(t.process, nullptr, 3, 0, &written);
        EXPECT_EQ(written, 0u) << what;
        return hr;
    });
    for (uint32_t stream : {uint32_t{ZLHCS_STDIN}, uint32_t{ZLHCS_STDOUT}, uint32_t{ZLHCS_STDERR}, 7u}) {
        const std::string suffix = "(stream " + std::to_string(stream) + ")";
        add("stdio_read" + suffix, [stream](const export_target& t, const std::string& what, cleanups&) {
            char buffer[16];
            size_t got = unwritten;
            const zlhcs_hresult hr = zlhcs_process_stdio_read(t.process, stream, buffer, sizeof buffer, 0, &got);
            expect_zero_on_failure(hr, got, what, "out_read");
            return hr;
        });
        add("stdio_close" + suffix, [stream](const export_target& t, const std::string&, cleanups&) {
            return zlhcs_process_stdio_close(t.process, stream);
        });
        add("stdio_detach" + suffix, [stream](const export_target& t, const std::string& what, cleanups&) {
            uint64_t os_handle = unwritten;
            const zlhcs_hresult hr = zlhcs_process_stdio_detach(t.process, stream, &os_handle);
            expect_zero_on_failure(hr, os_handle, what, "out_os_handle");
            if (hr >= 0) {
#ifdef _WIN32
                EXPECT_TRUE(CloseHandle(reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle))));
#else
                EXPECT_EQ(::close(static_cast<int>(os_handle)), 0);
#endif
            }
            return hr;
        });
    }
    add("stdio_read(NULL out_read)", [](const export_target& t, const std::string&, cleanups&) {
        char buffer[16];
        return zlhcs_process_stdio_read(t.process, ZLHCS_STDOUT, buffer, sizeof buffer, 0, nullptr);
    });
    add("stdio_read(NULL buffer)", [](const export_target& t, const std::string& what, cleanups&) {
        size_t got = unwritten;
        const zlhcs_hresult hr = zlhcs_process_stdio_read(t.process, ZLHCS_STDOUT, nullptr, 16, 0, &got);
        expect_zero_on_failure(hr, got, what, "out_read");
        return hr;
    });
    add("stdio_detach(NULL)", [](const export_target& t, const std::string&, cleanups&) {
        return zlhcs_process_stdio_detach(t.process, ZLHCS_STDOUT, nullptr);
    });
    return f;
}

TEST_F(processes, every_failure_of_every_process_export_follows_the_out_parameter_rule) {
    enum class target_kind { running, exited, bad };
    struct scenario {
        std::string name;
        target_kind kind = target_kind::running;
        zlhcs_handle bad_process = 0;
        zlhcs_handle bad_system = 0;
        const char* fault = nullptr;  // entry point made to fail
        uint32_t mode = fault_immediate;
        bool disconnected = false;
    };
    // Handles that do not resolve: 0, forged, closed, of another kind.
    zlhcs_process closed_process = start("exit 0", in_pipe | out_pipe);
    ASSERT_NE(closed_process, 0u);
    ASSERT_EQ(zlhcs_process_close(closed_process), ZLHCS_S_OK);
    zlhcs_system closed_system = create_system(unique_id("closed"));
    ASSERT_NE(closed_system, 0u);
    ASSERT_EQ(zlhcs_system_close(closed_system), ZLHCS_S_OK);
    std::vector<scenario> scenarios = {
        {"running process", target_kind::running},
        {"exited process", target_kind::exited},
        {"handles 0", target_kind::bad, 0, 0},
        {"closed handles", target_kind::bad, closed_process, closed_system},
        {"forged handles", target_kind::bad, closed_process + (zlhcs_handle{1} << 28), ~zlhcs_handle{0}},
        {"handles of the other kind", target_kind::bad, system_.handle, closed_process},
        {"service disconnected", target_kind::running, 0, 0, nullptr, fault_immediate, true},
    };
    for (const char* entry_point : {"HcsCreateOperation", "HcsCreateProcess", "HcsOpenProcess", "HcsSetProcessCallback",
                                    "HcsGetProcessInfo", "HcsSignalProcess", "HcsTerminateProcess",
                                    "HcsGetProcessProperties", "HcsModifyProcess"}) {
        for (uint32_t mode : {fault_immediate, fault_async}) {
            if (mode == fault_async && std::string_view(entry_point) == "HcsCreateOperation") continue;
            scenarios.push_back({std::string(entry_point) + (mode == fault_async ? " fails later" : " fails at once"),
                                 target_kind::running, 0, 0, entry_point, mode});
        }
    }
    constexpr zlhcs_hresult injected = ZLHCS_HR(0x80004005u);
    size_t failures = 0;
    for (const scenario& sc : scenarios) {
        for (const export_case& fn : process_exports()) {
            const std::string what = fn.name + " / " + sc.name;
            SCOPED_TRACE(what);
            export_target target;
            zlhcs_process own = 0;
            if (sc.kind == target_kind::bad) {
                target = {sc.bad_system, sc.bad_process};
            } else {
                own = start(sc.kind == target_kind::exited ? "exit 0" : long_sleep, in_pipe | out_pipe | err_pipe);
                ASSERT_NE(own, 0u);
                if (sc.kind == target_kind::exited) {
                    ASSERT_EQ(zlhcs_process_wait_exit(own, hang_bound_ms, nullptr), ZLHCS_S_OK);
                }
                target = {system_.handle, own};
            }
            if (sc.fault != nullptr) {
                // Every call of the entry point fails while the export runs (e.g. also the status
                // query behind a wait), not only the first.
                ASSERT_EQ(sim().fail_next_calls(sc.fault, 1000, injected, sc.mode), 0);
            }
            zlhcs_subscription disconnect_seen = 0;
            if (sc.disconnected) {
                ASSERT_EQ(zlhcs_process_subscribe(own, ZLHCS_EVENT_SERVICE_DISCONNECT, 0, nullptr, nullptr,
                                                  nullptr,
                                                  &disconnect_seen),
                          ZLHCS_S_OK);
                ASSERT_EQ(sim().set_service_disconnected(1), 0);
            }
            cleanups later;
            const zlhcs_hresult hr = fn.call(target, what, later);
            const error_copy e = last_error();
            if (sc.fault != nullptr) {
                ASSERT_EQ(sim().fail_next_calls(sc.fault, 0, 0, 0), 0);
            }
            if (sc.disconnected) {
                // zlhcs completes what was pending when it heard of the disconnect (zlhcs.h,
                // events guarantee 3): the service comes back only once zlhcs has heard, so
                // that the next scenario's calls are not among them.
                zlhcs_event* event = nullptr;
                const zlhcs_hresult seen = zlhcs_subscription_next(disconnect_seen, hang_bound_ms, &event);
                EXPECT_TRUE(seen == ZLHCS_S_OK || seen == ZLHCS_S_FALSE) << what << ": " << hex(seen);
                zlhcs_free(event);
                ASSERT_EQ(zlhcs_subscription_close(disconnect_seen), ZLHCS_S_OK);
                ASSERT_EQ(sim().set_service_disconnected(0), 0);
            }
            for (auto& undo : later) undo();
            if (hr < 0) {
                ++failures;
                EXPECT_EQ(e.code, hr) << what << ": the failure was not recorded";
                EXPECT_FALSE(e.message.empty()) << what;
            }
            if (sc.kind == target_kind::bad && fn.name.rfind("create", 0) != 0) {
                EXPECT_LT(hr, 0) << what;
            }
            if (own != 0 && fn.name != "close") {
                (void)zlhcs_process_terminate(own, nullptr, hang_bound_ms, nullptr);
                EXPECT_EQ(zlhcs_process_close(own), ZLHCS_S_OK) << what;
            }
            (void)zlhcs_clear_error();
        }
    }
    // Not vacuous: most of those calls failed.
    EXPECT_GT(failures, scenarios.size() * 10);
}

}  // namespace
// HcsGetProcessInfo: the startup information, sync and async; hcsim answers with the
// ProcessParameters the process was created with.
TEST_F(processes, info_returns_the_startup_parameters) {
    process_guard p(start("sleep 600000", no_pipes, R"(,"WorkingDirectory":"C:\\work")"));
    char* raw = out_sentinel();
    ASSERT_EQ(zlhcs_process_info(p, hang_bound_ms, &raw), ZLHCS_S_OK) << last_error().message;
    const rapidjson::Document info = parse(take(raw));
    ASSERT_TRUE(info.IsObject());
    ASSERT_TRUE(info.HasMember("CommandLine"));
    EXPECT_STREQ(info["CommandLine"].GetString(), "sleep 600000");
    ASSERT_TRUE(info.HasMember("WorkingDirectory"));
    EXPECT_STREQ(info["WorkingDirectory"].GetString(), "C:\\work");

    callback_probe probe;
    zlhcs_operation op = 0;
    ASSERT_EQ(zlhcs_process_info_async(p, &callback_probe::callback, &probe, nullptr, &op), ZLHCS_S_OK);
    char* document = nullptr;
    EXPECT_EQ(zlhcs_operation_wait(op, hang_bound_ms, &document), ZLHCS_S_OK);
    ASSERT_NE(document, nullptr);
    EXPECT_NE(std::string(document).find("sleep 600000"), std::string::npos);
    zlhcs_free(document);
    EXPECT_TRUE(eventually([&] { return probe.calls.load() == 1; }));
    EXPECT_EQ(probe.operation.load(), op);
    EXPECT_EQ(zlhcs_operation_close(op), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_info(p, hang_bound_ms, nullptr), ZLHCS_S_OK) << "documents are optional";
    EXPECT_EQ(zlhcs_process_info_async(p, nullptr, nullptr, nullptr, nullptr), ZLHCS_E_INVALID_ARGUMENT);
}

}  // namespace zlhcs_core_test
