// Processes through zlhcs::process: creation, exit codes, signals, stdio as raw calls and as
// C++ streams, errors, ownership. The programs are hcsim's built-in ones (docs/hcsim.md).
#include "os_pipe_io.hpp"
#include "facade_test_support.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <chrono>
#include <future>
#include <ios>
#include <istream>
#include <iterator>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(_WIN32)
#include <windows.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace {

using namespace facade_test;

static_assert(!std::is_copy_constructible_v<zlhcs::process>);
static_assert(!std::is_copy_assignable_v<zlhcs::process>);
static_assert(std::is_nothrow_move_constructible_v<zlhcs::process>);
static_assert(std::is_nothrow_move_assignable_v<zlhcs::process>);
static_assert(!std::is_copy_constructible_v<zlhcs::unique_process_handle>);
static_assert(std::is_base_of_v<std::istream, zlhcs::process_istream>);
static_assert(std::is_base_of_v<std::ostream, zlhcs::process_ostream>);
static_assert(std::is_base_of_v<std::streambuf, zlhcs::process_streambuf>);

constexpr std::uint32_t kSignalledExit = 0xC000013Au;  // STATUS_CONTROL_C_EXIT
constexpr std::uint32_t kTerminatedExit = 1;

enum pipes : unsigned { none = 0, in = 1, out = 2, err = 4 };

// A ProcessParameters document (the command lines here need no JSON escaping).
std::string parameters(const std::string& command_line, unsigned stdio = none) {
    const auto flag = [stdio](unsigned bit) { return (stdio & bit) != 0 ? "true" : "false"; };
    return R"({"CommandLine":")" + command_line + R"(","CreateStdInPipe":)" + flag(in) +
           R"(,"CreateStdOutPipe":)" + flag(out) + R"(,"CreateStdErrPipe":)" + flag(err) + "}";
}

// hcsim's `write` program: byte i of each stream is i % 251.
bool is_write_pattern(const std::string& data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (static_cast<unsigned char>(data[i]) != i % 251) return false;
    }
    return true;
}

// Reads a stream to its end through the std::istream interface.
std::string slurp(std::istream& stream) {
    return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

// Rethrows on the test thread what a helper thread caught.
void rethrow_if(const std::exception_ptr& failure) {
    if (failure) std::rethrow_exception(failure);
}

class FacadeProcess : public ::testing::Test {
protected:
    void SetUp() override {
        system_ = make_container();
        system_.start(kTimeout);
    }

    zlhcs::process run(const std::string& command_line, unsigned stdio = none) const {
        return zlhcs::process::create(system_, parameters(command_line, stdio), kTimeout);
    }

    zlhcs::compute_system system_;
};

// ---- output and exit codes ----------------------------------------------------------------

TEST_F(FacadeProcess, EchoLineThroughStdoutStream) {
    zlhcs::process child = run("echo hello from zlhcs", out);
    ASSERT_TRUE(child);
    EXPECT_NE(child.native_handle(), 0u);
    EXPECT_NE(child.id(), 0u);

    std::string line;
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "hello from zlhcs\r");  // the programs end lines with CRLF
    EXPECT_FALSE(std::getline(child.stdout_stream(), line));
    EXPECT_TRUE(child.stdout_stream().eof());
    EXPECT_FALSE(child.stdout_stream().bad());

    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
    EXPECT_EQ(child.exit_code(), std::optional<std::uint32_t>(0u));
}

TEST_F(FacadeProcess, CmdSlashCRunsTheRest) {
    zlhcs::process child = run("cmd /c echo hello from a container", out);
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "hello from a container\r\n");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, ExitCodes) {
    const std::pair<const char*, std::uint32_t> cases[] = {
        {"exit 0", 0u},           {"exit 1", 1u},         {"exit 255", 255u},
        {"exit 4000000000", 4000000000u}, {"exit -1", 0xFFFFFFFFu}, {"exit 0xC0000005", 0xC0000005u},
        {"crash", 0xC0000005u},
    };
    for (const auto& [command_line, code] : cases) {
        SCOPED_TRACE(command_line);
        const zlhcs::process child = run(command_line);
        EXPECT_EQ(child.wait_exit(kTimeout), code);
        EXPECT_EQ(child.exit_code(), std::optional<std::uint32_t>(code));
        EXPECT_EQ(child.try_wait_exit(std::chrono::milliseconds(0)), std::optional<std::uint32_t>(code));
    }
}

TEST_F(FacadeProcess, PropertiesReportTheStatus) {
    const zlhcs::process child = run("exit 7");
    const std::uint32_t pid = child.id();
    ASSERT_EQ(child.wait_exit(kTimeout), 7u);
    const rapidjson::Document status = parse(child.properties(kTimeout));
    ASSERT_TRUE(status.IsObject());
    ASSERT_TRUE(status.HasMember("ProcessId") && status["ProcessId"].IsUint());
    EXPECT_EQ(status["ProcessId"].GetUint(), pid);
    ASSERT_TRUE(status.HasMember("Exited") && status["Exited"].IsBool());
    EXPECT_TRUE(status["Exited"].GetBool());
    ASSERT_TRUE(status.HasMember("ExitCode") && status["ExitCode"].IsUint());
    EXPECT_EQ(status["ExitCode"].GetUint(), 7u);
    const rapidjson::Document async_status = parse(child.properties_async().wait(kTimeout));
    ASSERT_TRUE(async_status.IsObject() && async_status.HasMember("ExitCode") && async_status["ExitCode"].IsUint());
    EXPECT_EQ(async_status["ExitCode"].GetUint(), 7u);
}

// ---- signals, termination, waiting ----------------------------------------------------------

TEST_F(FacadeProcess, CtrlCEndsASleep) {
    const zlhcs::process child = run("sleep 60000");
    EXPECT_EQ(child.exit_code(), std::nullopt);
    child.signal(zlhcs::process_signal::ctrl_c, kTimeout);
    EXPECT_EQ(child.wait_exit(kTimeout), kSignalledExit);
}

TEST_F(FacadeProcess, SignalAsJsonAndAsynchronously) {
    const zlhcs::process first = run("sleep 60000");
    first.signal(R"({"Signal":"CtrlBreak"})", kTimeout);
    EXPECT_EQ(first.wait_exit(kTimeout), kSignalledExit);

    const zlhcs::process second = run("sleep 60000");
    zlhcs::async_result signalled = second.signal_async(zlhcs::process_signal::ctrl_shutdown);
    (void)signalled.get_future().get();
    EXPECT_EQ(second.wait_exit(kTimeout), kSignalledExit);
}

TEST_F(FacadeProcess, TerminateExitsWithOne) {
    const zlhcs::process child = run("ignore-signals 60000");
    child.signal(zlhcs::process_signal::ctrl_c, kTimeout);  // ignored
    EXPECT_EQ(child.try_wait_exit(std::chrono::milliseconds(100)), std::nullopt);
    child.terminate(kTimeout);
    EXPECT_EQ(child.wait_exit(kTimeout), kTerminatedExit);

    const zlhcs::process other = run("sleep 60000");
    (void)other.terminate_async().wait(kTimeout);
    EXPECT_EQ(other.wait_exit(kTimeout), kTerminatedExit);
}

TEST_F(FacadeProcess, KillIsTerminate) {
    const zlhcs::process child = run("ignore-signals 60000");
    EXPECT_TRUE(child.kill(kTimeout));
    EXPECT_EQ(child.wait_exit(kTimeout), kTerminatedExit);
    EXPECT_FALSE(child.kill(kTimeout)) << "already gone";
}

TEST_F(FacadeProcess, InfoIsTheStartupParameters) {
    const zlhcs::process child = run("sleep 60000");
    EXPECT_NE(child.info(kTimeout).find("\"CommandLine\":\"sleep 60000\""), std::string::npos);
    child.kill(kTimeout);
}

TEST_F(FacadeProcess, WaitTimesOut) {
    const zlhcs::process child = run("sleep 60000");
    EXPECT_EQ(child.try_wait_exit(std::chrono::milliseconds(50)), std::nullopt);
    EXPECT_EQ(child.try_wait_exit(std::chrono::milliseconds(0)), std::nullopt);
    EXPECT_EQ(child.exit_code(), std::nullopt);
    const zlhcs::error e = expect_error([&] { (void)child.wait_exit(std::chrono::milliseconds(50)); },
                                        zlhcs::errc::timeout);
    EXPECT_EQ(e.code(), std::errc::timed_out);
    EXPECT_EQ(e.call(), "zlhcs_process_wait_exit");
    child.terminate(kTimeout);
    EXPECT_EQ(child.wait_exit(kTimeout), kTerminatedExit);
}

// ---- errors ---------------------------------------------------------------------------------

TEST_F(FacadeProcess, CreateNeedsARunningSystem) {
    const zlhcs::compute_system created = make_container();  // not started
    expect_error([&] { (void)zlhcs::process::create(created, parameters("exit 0"), kTimeout); },
                 zlhcs::errc::invalid_state);

    // A stopped system is cleaned up: creating a process in it finds no system.
    EXPECT_TRUE(system_.terminate(kTimeout));
    const zlhcs::error e = expect_error([&] { (void)run("exit 0"); }, zlhcs::errc::not_found);
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_SYSTEM_NOT_FOUND) << e.what();
    EXPECT_EQ(e.call(), "zlhcs_process_create");
    expect_diagnostics(e);
}

// A create that times out: HCS goes on creating the process, whose handle comes with the
// error; its id, stdio and exit code arrive when the create completes.
TEST_F(FacadeProcess, CreateThatTimesOutHandsOverTheProcess) {
    zlhcs::process late;
    {
        const latency_guard latency("HcsCreateProcess", 300);
        try {
            (void)zlhcs::process::create(system_, parameters("echo late", out), std::chrono::milliseconds(50));
            ADD_FAILURE() << "create did not time out";
        } catch (const zlhcs::process_create_timeout& e) {
            EXPECT_EQ(e.code(), zlhcs::errc::timeout) << e.what();
            EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_OPERATION_TIMEOUT) << e.what();
            EXPECT_EQ(e.call(), "zlhcs_process_create");
            EXPECT_NE(std::string(e.what()).find("may still complete"), std::string::npos) << e.what();
            late = e.take_process();
            EXPECT_FALSE(e.take_process());  // taken once only
        }
    }
    ASSERT_TRUE(late);
    // Until the create completes the process has no id (errc::pending) and no stdio yet.
    std::uint32_t pid = 0;
    ASSERT_TRUE(eventually([&] {
        try {
            pid = late.id();
            return true;
        } catch (const zlhcs::error& e) {
            EXPECT_EQ(e.code(), zlhcs::errc::pending) << e.what();
            return false;
        }
    }));
    EXPECT_NE(pid, 0u);
    EXPECT_EQ(late.read_all(zlhcs::stdio_stream::out), "late\r\n");
    EXPECT_EQ(late.wait_exit(kTimeout), 0u);
}

// Nobody takes it: the exception closes the handle, which does not stop the process.
TEST_F(FacadeProcess, CreateTimeoutNobodyTakesLeavesTheProcessRunning) {
    {
        const latency_guard latency("HcsCreateProcess", 300);
        const zlhcs::error e = expect_error(
            [&] { (void)zlhcs::process::create(system_, parameters("sleep 60000"), std::chrono::milliseconds(50)); },
            zlhcs::errc::timeout);
        EXPECT_EQ(e.call(), "zlhcs_process_create");
    }
    std::uint32_t pid = 0;
    ASSERT_TRUE(eventually([&] {
        const rapidjson::Document listed =
            parse(system_.properties(R"({"PropertyTypes":["ProcessList"]})", kTimeout));
        if (!listed.IsObject() || !listed.HasMember("ProcessList") || !listed["ProcessList"].IsArray() ||
            listed["ProcessList"].Empty())
            return false;
        pid = listed["ProcessList"][0]["ProcessId"].GetUint();
        return true;
    }));
    const zlhcs::process opened = zlhcs::process::open(system_, pid);
    EXPECT_EQ(opened.exit_code(), std::nullopt);
    opened.terminate(kTimeout);
    EXPECT_EQ(opened.wait_exit(kTimeout), kTerminatedExit);
}

TEST_F(FacadeProcess, UnknownProgramIsNotFound) {
    const zlhcs::error e = expect_error([&] { (void)run("no-such-program.exe --help"); }, zlhcs::errc::not_found);
    EXPECT_EQ(e.hresult(), ZLHCS_HR(0x80070002u)) << e.what();

    // Asynchronously the failure is the operation's.
    const zlhcs::process_creation creation = zlhcs::process::create_async(system_, parameters("no-such-program"));
    EXPECT_TRUE(creation.process);
    const zlhcs::error async_e =
        expect_error([&] { (void)creation.result.wait(kTimeout); }, zlhcs::errc::not_found);
    EXPECT_EQ(async_e.hresult(), ZLHCS_HR(0x80070002u)) << async_e.what();
    EXPECT_EQ(async_e.call(), "zlhcs_process_create_async");
}

TEST_F(FacadeProcess, MalformedParametersAreInvalidJson) {
    expect_error([&] { (void)zlhcs::process::create(system_, "{\"CommandLine\":", kTimeout); },
                 zlhcs::errc::invalid_json);
    expect_error([&] { (void)zlhcs::process::create(system_, R"({"CommandLine":"exit 0","CreateStdOutPipe":1})",
                                                    kTimeout); },
                 zlhcs::errc::invalid_json);
}

TEST_F(FacadeProcess, VerbsAfterExitAreAlreadyStopped) {
    const zlhcs::process child = run("exit 3");
    ASSERT_EQ(child.wait_exit(kTimeout), 3u);
    // Signal and terminate of a gone process are "nothing to do" whichever code HCS gave.
    EXPECT_FALSE(child.signal(zlhcs::process_signal::ctrl_c, kTimeout));
    EXPECT_FALSE(child.terminate(kTimeout));
    const zlhcs::error e =
        expect_error([&] { child.resize_console(100, 40, kTimeout); }, zlhcs::errc::already_stopped);
    EXPECT_EQ(e.hresult(), ZLHCS_HCS_E_PROCESS_ALREADY_STOPPED) << e.what();
    // The async form reports HCS's own code: for a signal, HCS_E_INVALID_STATE (severity form).
    expect_error([&] { (void)child.signal_async(zlhcs::process_signal::ctrl_c).wait(kTimeout); },
                 zlhcs::errc::invalid_state);
    EXPECT_EQ(child.wait_exit(kTimeout), 3u);  // still known
}

TEST_F(FacadeProcess, StdioThatWasNotRequestedIsInvalidState) {
    zlhcs::process child = run("sleep 60000");
    char byte = 0;
    expect_error([&] { child.write_stdin("x"); }, zlhcs::errc::invalid_state);
    expect_error([&] { (void)child.read(zlhcs::stdio_stream::out, &byte, 1, kTimeout); }, zlhcs::errc::invalid_state);
    expect_error([&] { (void)child.read_all(zlhcs::stdio_stream::err); }, zlhcs::errc::invalid_state);
    expect_error([&] { (void)child.detach_stdio(zlhcs::stdio_stream::in); }, zlhcs::errc::invalid_state);

    // As streams: badbit, or the zlhcs::error itself when the stream asks for exceptions.
    std::string line;
    EXPECT_FALSE(std::getline(child.stdout_stream(), line));
    EXPECT_TRUE(child.stdout_stream().bad());
    child.stderr_stream().exceptions(std::ios::badbit);
    expect_error([&] { std::getline(child.stderr_stream(), line); }, zlhcs::errc::invalid_state);
    child.stdin_stream() << "x" << std::flush;
    EXPECT_TRUE(child.stdin_stream().bad());

    child.terminate(kTimeout);
}

// ---- interrupting a blocked read (interrupt_stdio) ------------------------------------------

using clock_type = std::chrono::steady_clock;

// A getline on stdout that nothing will ever satisfy (cat waits for stdin) is released by
// interrupt_stdio() from another thread, promptly, with badbit; after clear_stdio_interrupt()
// and clear() the same stream reads on.
TEST_F(FacadeProcess, InterruptStdioReleasesABlockedGetline) {
    zlhcs::process child = run("cat", in | out);
    zlhcs::process_istream& output = child.stdout_stream();
    std::string line;
    std::future<bool> reader = std::async(std::launch::async, [&] { return static_cast<bool>(std::getline(output, line)); });
    ASSERT_EQ(reader.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);  // blocked
    EXPECT_FALSE(child.stdio_interrupted());
    const clock_type::time_point interrupted_at = clock_type::now();
    child.interrupt_stdio();
    ASSERT_EQ(reader.wait_for(kTimeout), std::future_status::ready);
    const auto took = clock_type::now() - interrupted_at;
    EXPECT_FALSE(reader.get());
    EXPECT_TRUE(output.bad());
    EXPECT_FALSE(output.eof());  // not the end of the stream
    EXPECT_LT(took, std::chrono::seconds(2)) << "released after "
                                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
    EXPECT_TRUE(child.stdio_interrupted());

    // Sticky: a read that starts now fails at once, even with data on the way.
    child.write_stdin("data\n");
    output.clear();
    EXPECT_FALSE(std::getline(output, line));
    EXPECT_TRUE(output.bad());

    child.clear_stdio_interrupt();
    EXPECT_FALSE(child.stdio_interrupted());
    output.clear();
    ASSERT_TRUE(std::getline(output, line));
    EXPECT_EQ(line, "data");
    EXPECT_TRUE(child.close_stdin());
    EXPECT_FALSE(std::getline(output, line));
    EXPECT_TRUE(output.eof());
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

// With exceptions(badbit) the stream throws the zlhcs::error: errc::cancelled.
TEST_F(FacadeProcess, InterruptedStreamThrowsCancelled) {
    zlhcs::process child = run("sleep 60000", out | err);
    zlhcs::process_istream& errors = child.stderr_stream();
    errors.exceptions(std::ios::badbit);
    std::future<void> reader = std::async(std::launch::async, [&] {
        std::string line;
        std::getline(errors, line);
    });
    ASSERT_EQ(reader.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
    child.interrupt_stdio();
    ASSERT_EQ(reader.wait_for(kTimeout), std::future_status::ready);
    const zlhcs::error e = expect_error([&] { reader.get(); }, zlhcs::errc::cancelled);
    EXPECT_EQ(e.code(), std::errc::operation_canceled);
    EXPECT_EQ(e.hresult(), ZLHCS_WIN32_E_CANCELLED);
    EXPECT_EQ(e.call(), "zlhcs_process_stdio_read");
    EXPECT_TRUE(child.terminate(kTimeout));
}

// The raw calls: read() without a timeout and read_all() are released too, and so is a read
// with a timeout (long before the timeout); a poll is not affected.
TEST_F(FacadeProcess, InterruptStdioReleasesRawReads) {
    const zlhcs::process child = run("sleep 60000", out | err);
    std::future<zlhcs::errc> reader = std::async(std::launch::async, [&] {
        char buffer[16];
        try {
            (void)child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer);
        } catch (const zlhcs::error& e) {
            return e.condition();
        }
        return zlhcs::errc{};
    });
    std::future<zlhcs::errc> all = std::async(std::launch::async, [&] {
        try {
            (void)child.read_all(zlhcs::stdio_stream::err);
        } catch (const zlhcs::error& e) {
            return e.condition();
        }
        return zlhcs::errc{};
    });
    std::future<zlhcs::errc> timed = std::async(std::launch::async, [&] {
        char buffer[16];
        try {
            (void)child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer, std::chrono::minutes(10));
        } catch (const zlhcs::error& e) {
            return e.condition();
        }
        return zlhcs::errc{};
    });
    ASSERT_EQ(reader.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
    child.interrupt_stdio();
    ASSERT_EQ(reader.wait_for(kTimeout), std::future_status::ready);
    ASSERT_EQ(all.wait_for(kTimeout), std::future_status::ready);
    ASSERT_EQ(timed.wait_for(kTimeout), std::future_status::ready);
    EXPECT_EQ(reader.get(), zlhcs::errc::cancelled);
    EXPECT_EQ(all.get(), zlhcs::errc::cancelled);
    EXPECT_EQ(timed.get(), zlhcs::errc::cancelled);
    char buffer[16];
    EXPECT_EQ(child.try_read(zlhcs::stdio_stream::out, buffer, sizeof buffer, std::chrono::milliseconds(0)),
              std::nullopt);  // a poll still answers
    child.clear_stdio_interrupt();
    EXPECT_EQ(child.try_read(zlhcs::stdio_stream::out, buffer, sizeof buffer, std::chrono::milliseconds(20)),
              std::nullopt);  // and reads time out as usual again
    EXPECT_TRUE(child.terminate(kTimeout));
}

// A stream over a raw handle has its own flag (interrupt() on the stream); a stream made over a
// process object shares the process's.
TEST_F(FacadeProcess, StreamsOverRawHandlesInterruptThemselves) {
    const zlhcs::process child = run("sleep 60000", out | err);
    zlhcs::process_istream own(child.native_handle(), zlhcs::stdio_stream::out);
    zlhcs::process_istream shared(child, zlhcs::stdio_stream::err);
    std::string line;
    std::future<bool> own_reader = std::async(std::launch::async, [&] { return static_cast<bool>(std::getline(own, line)); });
    std::string other;
    std::future<bool> shared_reader =
        std::async(std::launch::async, [&] { return static_cast<bool>(std::getline(shared, other)); });
    ASSERT_EQ(own_reader.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
    child.interrupt_stdio();  // releases the stream over the process, not the raw one
    ASSERT_EQ(shared_reader.wait_for(kTimeout), std::future_status::ready);
    EXPECT_FALSE(shared_reader.get());
    EXPECT_TRUE(shared.bad());
    EXPECT_EQ(own_reader.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
    own.interrupt();
    ASSERT_EQ(own_reader.wait_for(kTimeout), std::future_status::ready);
    EXPECT_FALSE(own_reader.get());
    EXPECT_TRUE(own.bad());
    EXPECT_TRUE(child.terminate(kTimeout));
}

TEST_F(FacadeProcess, ReadTimesOut) {
    const zlhcs::process child = run("sleep 60000", out);
    char buffer[16];
    EXPECT_EQ(child.try_read(zlhcs::stdio_stream::out, buffer, sizeof buffer, std::chrono::milliseconds(0)),
              std::nullopt);
    expect_error([&] { (void)child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer, std::chrono::milliseconds(50)); },
                 zlhcs::errc::timeout);
    child.terminate(kTimeout);
    // The process is gone: its stdout ends.
    EXPECT_EQ(child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer, kTimeout), 0u);
}

TEST_F(FacadeProcess, OpenUnknownIdIsNotFound) {
    const zlhcs::error e = expect_error([&] { (void)zlhcs::process::open(system_, 0x7FFFFFF0u); },
                                        zlhcs::errc::not_found);
    EXPECT_EQ(e.hresult(), ZLHCS_WIN32_E_NOT_FOUND) << e.what();
}

TEST_F(FacadeProcess, ClosedProcessIsAnInvalidHandle) {
    zlhcs::process child = run("exit 0");
    child.close();
    EXPECT_FALSE(child);
    expect_error([&] { (void)child.id(); }, zlhcs::errc::invalid_handle);
    expect_error([&] { (void)child.wait_exit(kTimeout); }, zlhcs::errc::invalid_handle);
}

TEST_F(FacadeProcess, WritingToAProcessThatExitedIsABrokenPipe) {
    zlhcs::process child = run("exit 0", in);
    ASSERT_EQ(child.wait_exit(kTimeout), 0u);
    const zlhcs::error e = expect_error([&] { child.write_stdin("late"); }, zlhcs::errc::already_stopped);
    EXPECT_EQ(e.hresult(), ZLHCS_WIN32_E_BROKEN_PIPE) << e.what();
    child.stdin_stream() << "late" << std::flush;
    EXPECT_TRUE(child.stdin_stream().bad());
}

// ---- stdin, stdout, stderr ---------------------------------------------------------------------

TEST_F(FacadeProcess, CatRoundTripsMebibytesThroughStreams) {
    zlhcs::process child = run("cat", in | out);
    // Every byte value, including NUL, CR, LF and 0xFF, in a pattern that does not repeat
    // at any power-of-two period.
    std::string data(3 * 1024 * 1024 + 12345, '\0');
    std::uint32_t x = 12345;
    for (char& c : data) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }

    zlhcs::process_ostream& to_child = child.stdin_stream();
    zlhcs::process_istream& from_child = child.stdout_stream();
    std::exception_ptr writer_failure;
    std::thread writer([&] {
        try {
            std::size_t offset = 0;
            std::size_t step = 1;
            while (offset < data.size()) {  // sizes from 1 byte to beyond the buffer
                const std::size_t n = std::min(step, data.size() - offset);
                if (n == 1)
                    to_child.put(data[offset]);
                else
                    to_child.write(data.data() + offset, static_cast<std::streamsize>(n));
                offset += n;
                step = (step * 7 + 3) % 150000 + 1;
            }
            EXPECT_TRUE(to_child.good());
            EXPECT_TRUE(child.close_stdin());  // flushes the stream first
        } catch (...) {
            writer_failure = std::current_exception();
            try {
                child.terminate(kTimeout);  // unblocks the reader
            } catch (...) {
            }
        }
    });

    std::string echoed;
    std::vector<char> chunk(100000);
    std::size_t request = 1;
    while (from_child.read(chunk.data(), static_cast<std::streamsize>(request)) || from_child.gcount() > 0) {
        echoed.append(chunk.data(), static_cast<std::size_t>(from_child.gcount()));
        request = (request * 5 + 1) % chunk.size() + 1;
    }
    writer.join();
    rethrow_if(writer_failure);

    EXPECT_TRUE(from_child.eof());
    EXPECT_FALSE(from_child.bad());
    ASSERT_EQ(echoed.size(), data.size());
    EXPECT_TRUE(echoed == data) << "the bytes differ";
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, OstreamCloseEndsStdin) {
    zlhcs::process child = run("cat", in | out);
    zlhcs::process_ostream& to_child = child.stdin_stream();
    to_child << "one " << 2 << ' ' << 3.5 << '\n';  // buffered
    to_child.close();                                // written, then end of stream
    EXPECT_FALSE(to_child.fail());
    EXPECT_EQ(slurp(child.stdout_stream()), "one 2 3.5\n");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
    EXPECT_FALSE(child.close_stdin());  // already closed: no failure
    to_child.close();
    EXPECT_FALSE(to_child.fail());
}

TEST_F(FacadeProcess, RawWritesAndReads) {
    zlhcs::process child = run("cat", in | out);
    child.write_stdin("abc");
    child.write_stdin(std::string_view("defg", 4));
    const std::byte bytes[] = {std::byte{0}, std::byte{0xFF}};
#if ZLHCS_HAS_SPAN
    child.write_stdin(std::span<const std::byte>(bytes));
#else
    child.write_stdin(bytes, sizeof bytes);
#endif
    std::string got;
    char buffer[64];
    while (got.size() < 9) {
        const std::size_t n = child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer, kTimeout);
        ASSERT_GT(n, 0u);
        got.append(buffer, n);
    }
    EXPECT_EQ(got, std::string("abcdefg\0\xFF", 9));
    EXPECT_TRUE(child.close_stdin());
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, ReadsomeNeverBlocks) {
    zlhcs::process child = run("cat", in | out);
    zlhcs::process_istream& from_child = child.stdout_stream();
    char buffer[64];
    EXPECT_EQ(from_child.readsome(buffer, sizeof buffer), 0);  // nothing yet, no wait
    child.stdin_stream() << "ping\n" << std::flush;
    std::string got;
    EXPECT_TRUE(eventually([&] {
        got.append(buffer, static_cast<std::size_t>(from_child.readsome(buffer, sizeof buffer)));
        return got.size() >= 5;
    }));
    EXPECT_EQ(got, "ping\n");
    EXPECT_TRUE(child.close_stdin());
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, StdoutAndStderrReadConcurrently) {
    constexpr std::size_t size = 4 * 1024 * 1024 + 17;  // far beyond a pipe's buffer
    zlhcs::process child = run("write " + std::to_string(size) + " both", out | err);
    zlhcs::process_istream& err_stream = child.stderr_stream();
    std::string err_data;
    std::exception_ptr reader_failure;
    std::thread err_reader([&] {
        try {
            err_data = slurp(err_stream);
        } catch (...) {
            reader_failure = std::current_exception();
        }
    });
    const std::string out_data = slurp(child.stdout_stream());
    err_reader.join();
    rethrow_if(reader_failure);
    EXPECT_EQ(out_data.size(), size);
    EXPECT_EQ(err_data.size(), size);
    EXPECT_TRUE(is_write_pattern(out_data));
    EXPECT_TRUE(is_write_pattern(err_data));
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, ReadAllOfStderr) {
    const zlhcs::process child = run("write 100000 stderr", out | err);
    const std::string text = child.read_all(zlhcs::stdio_stream::err);
    EXPECT_EQ(text.size(), 100000u);
    EXPECT_TRUE(is_write_pattern(text));
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, StandaloneStreamObjects) {
    const zlhcs::process child = run("cat", in | out);
    zlhcs::process_ostream to_child(child, 16);  // a tiny buffer: many writes
    zlhcs::process_istream from_child(child, zlhcs::stdio_stream::out, 7);
    to_child << "first line\nsecond line, longer than both buffers\n" << std::flush;
    std::string line;
    ASSERT_TRUE(std::getline(from_child, line));
    EXPECT_EQ(line, "first line");
    ASSERT_TRUE(std::getline(from_child, line));
    EXPECT_EQ(line, "second line, longer than both buffers");
    to_child.close();
    EXPECT_FALSE(std::getline(from_child, line));
    EXPECT_TRUE(from_child.eof());
    EXPECT_EQ(to_child.rdbuf()->native_handle(), child.native_handle());
    EXPECT_EQ(from_child.rdbuf()->stream(), zlhcs::stdio_stream::out);
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

// A handle that is open in this process (as far as the OS can tell right now).
bool os_handle_is_open(zlhcs::native_os_handle handle) {
#if defined(_WIN32)
    DWORD flags = 0;
    return GetHandleInformation(handle, &flags) != 0;
#else
    return ::fcntl(handle, F_GETFD) != -1;
#endif
}

// detach_stdio hands over an owning unique_os_handle: it reads the pipe, and closes it.
TEST_F(FacadeProcess, DetachedStdoutIsTheCallers) {
    static_assert(!std::is_copy_constructible_v<zlhcs::unique_os_handle>);
    static_assert(std::is_nothrow_move_constructible_v<zlhcs::unique_os_handle>);
    const zlhcs::process child = run("echo detached", out);
    zlhcs::unique_os_handle handle = child.detach_stdio(zlhcs::stdio_stream::out);
    ASSERT_TRUE(handle);
    char buffer[64];
    expect_error([&] { (void)child.read(zlhcs::stdio_stream::out, buffer, sizeof buffer, kTimeout); },
                 zlhcs::errc::invalid_state);
    expect_error([&] { (void)child.detach_stdio(zlhcs::stdio_stream::out); }, zlhcs::errc::invalid_state);
    std::string text;
    for (;;) {
#if defined(_WIN32)
        DWORD got = 0;
        if (!zlhcs_test::os_pipe_read(handle.get(), buffer, sizeof buffer, got) || got == 0) break;  // broken pipe: the end
#else
        const ssize_t got = ::read(handle.get(), buffer, sizeof buffer);
        ASSERT_GE(got, 0);
        if (got == 0) break;
#endif
        text.append(buffer, static_cast<std::size_t>(got));
    }
    EXPECT_EQ(text, "detached\r\n");
    const zlhcs::native_os_handle raw = handle.get();
    EXPECT_TRUE(os_handle_is_open(raw));
    handle.reset();  // CloseHandle / close()
    EXPECT_FALSE(handle);
    EXPECT_FALSE(os_handle_is_open(raw));
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

// release() gives the OS handle up: it stays open, and the caller closes it.
TEST_F(FacadeProcess, ReleasedDetachedHandleStaysOpen) {
    const zlhcs::process child = run("echo released", out);
    zlhcs::native_os_handle raw{};
    {
        zlhcs::unique_os_handle handle = child.detach_stdio(zlhcs::stdio_stream::out);
        raw = handle.release();
        EXPECT_FALSE(handle);
    }
    EXPECT_TRUE(os_handle_is_open(raw));
    zlhcs::unique_os_handle owner(raw);  // adopt it again, to close it
    EXPECT_EQ(owner.get(), raw);
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

// ---- console and modify ---------------------------------------------------------------------

TEST_F(FacadeProcess, ResizeConsole) {
    zlhcs::process child = zlhcs::process::create(
        system_,
        R"({"CommandLine":"console-size","EmulateConsole":true,"ConsoleSize":[25,80],)"
        R"("CreateStdInPipe":true,"CreateStdOutPipe":true})",
        kTimeout);
    std::string line;
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "80x25\r");
    child.resize_console(132, 50, kTimeout);
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "132x50\r");
    EXPECT_TRUE(child.close_stdin());
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, ModifyClosesStdin) {
    zlhcs::process child = run("cat", in | out);
    child.write_stdin("before close\n");
    std::string line;
    ASSERT_TRUE(std::getline(child.stdout_stream(), line));
    EXPECT_EQ(line, "before close");
    child.modify(R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})", kTimeout);
    EXPECT_FALSE(std::getline(child.stdout_stream(), line));  // cat read end of stream and ended
    EXPECT_TRUE(child.stdout_stream().eof());
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
    expect_error([&] { (void)child.modify_async("{\"Operation\":").wait(kTimeout); }, zlhcs::errc::invalid_json);
}

// ---- creation and ownership -------------------------------------------------------------------

TEST_F(FacadeProcess, CreateAsync) {
    auto [child, result] = zlhcs::process::create_async(system_, parameters("echo async", out));
    ASSERT_TRUE(child);
    ASSERT_TRUE(result);
    (void)result.wait(kTimeout);
    EXPECT_NE(child.id(), 0u);
    EXPECT_EQ(child.read_all(zlhcs::stdio_stream::out), "async\r\n");
    EXPECT_EQ(child.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, MovedFromIsEmptyAndStreamsMoveAlong) {
    zlhcs::process first = run("cat", in | out);
    const zlhcs_process handle = first.native_handle();
    zlhcs::process_ostream& to_child = first.stdin_stream();
    zlhcs::process_istream& from_child = first.stdout_stream();

    zlhcs::process second(std::move(first));
    EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(first.native_handle(), 0u);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(second.native_handle(), handle);
    EXPECT_EQ(&second.stdin_stream(), &to_child);
    EXPECT_EQ(&second.stdout_stream(), &from_child);

    zlhcs::process third;
    third = std::move(second);
    EXPECT_FALSE(second);  // NOLINT(bugprone-use-after-move)
    to_child << "moved\n";
    EXPECT_TRUE(third.close_stdin());  // flushes the stream that moved along
    EXPECT_EQ(slurp(from_child), "moved\n");
    EXPECT_EQ(third.wait_exit(kTimeout), 0u);
}

TEST_F(FacadeProcess, ClosingTheHandleDoesNotKillTheProcess) {
    zlhcs::process child = run("sleep 60000");
    const std::uint32_t pid = child.id();
    child = zlhcs::process();  // closes the handle
    const zlhcs::process opened = zlhcs::process::open(system_, pid);
    EXPECT_EQ(opened.id(), pid);
    EXPECT_EQ(opened.exit_code(), std::nullopt);
    expect_error([&] { opened.write_stdin("x"); }, zlhcs::errc::invalid_state);  // no stdio
    opened.terminate(kTimeout);
    EXPECT_EQ(opened.wait_exit(kTimeout), kTerminatedExit);
}

TEST_F(FacadeProcess, ReleaseGivesUpOwnership) {
    zlhcs::process child = run("exit 5");
    const zlhcs_process handle = child.release();
    EXPECT_FALSE(child);
    const zlhcs::process adopted(handle);
    EXPECT_EQ(adopted.wait_exit(kTimeout), 5u);
}

}  // namespace
