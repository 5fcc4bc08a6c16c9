// The stdio contract of zlhcs.h ("Standard streams", zlhcs_process_stdio_*), driven through
// the C ABI against hcsim's built-in programs:
//   - the four states (open / closed / detached / none): every function on every stream in
//     every state answers as the header says, with a message naming the state;
//   - bounded stdin: a write waits at most its timeout and reports the bytes the pipe took on
//     success and on every failure (timeout, broken pipe, close, detach, process close), and
//     what it reports taken is exactly what reaches the process;
//   - closing stdout/stderr on purpose tells HCS (CloseHandle StdOut/StdErr), so a process
//     writing to it is no longer held up by a full pipe;
//   - waits in flight (reads, writes, wait_exit) are released by closes;
//   - the interrupt (zlhcs_process_stdio_interrupt) releases reads and writes that would wait,
//     sticks until cleared, moves what is ready, and never hides a close.
//
// No test asserts a duration. A call expected to return because of a close is watched with a
// bound against hanging (release_bound_ms), and what it returns is the assertion.
#include "process_support.hpp"

#include <array>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace zlhcs_core_test {
namespace {

constexpr uint32_t hang_bound_ms = 60000;
constexpr uint32_t release_bound_ms = 10000;
constexpr const char* long_sleep = "sleep 600000";
constexpr zlhcs_hresult e_fail = ZLHCS_HR(0x80004005u);


const char* stream_name(uint32_t stream) {
    switch (stream) {
    case ZLHCS_STDIN: return "stdin";
    case ZLHCS_STDOUT: return "stdout";
    default: return "stderr";
    }
}

unsigned pipe_of(uint32_t stream) { return 1u << stream; }

/// Closes an OS handle zlhcs_process_stdio_detach handed out.
void close_os_handle(uint64_t os_handle) {
#ifdef _WIN32
    EXPECT_TRUE(CloseHandle(reinterpret_cast<HANDLE>(static_cast<uintptr_t>(os_handle))));
#else
    EXPECT_EQ(::close(static_cast<int>(os_handle)), 0);
#endif
}

/// Bytes that are not periodic in any chunk size a pipe uses.
std::vector<unsigned char> pattern(size_t size) {
    std::vector<unsigned char> data(size);
    for (size_t i = 0; i < size; ++i) {
        data[i] = static_cast<unsigned char>(((i * 0x9E3779B97F4A7C15ull) >> 56) ^ (i >> 12));
    }
    return data;
}



/// `out` is the first out.size() bytes of `data`.
void expect_prefix_of(const std::string& out, const std::vector<unsigned char>& data, const char* what) {
    ASSERT_LE(out.size(), data.size()) << what;
    for (size_t i = 0; i < out.size(); ++i) {
        if (static_cast<unsigned char>(out[i]) != data[i]) {
            ADD_FAILURE() << what << ": byte " << i << " differs";
            return;
        }
    }
}

/// Ends a process through another handle (a keeper): what unblocks a call stuck on it.
std::function<void()> ending(zlhcs_process keeper) {
    return [keeper] { (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr); };
}

/// A write on a background thread, with the count it reports and its thread's last error
/// (read them after call.result()).
struct background_write {
    std::vector<unsigned char> data;
    std::atomic<size_t> written{0xDEAD};
    error_copy error;
    background call;
    background_write(zlhcs_process process, std::vector<unsigned char> bytes, uint32_t timeout_ms,
                     std::function<void()> unblock)
        : data(std::move(bytes)),
          call(
              [this, process, timeout_ms] {
                  size_t n = 0xBEEF;
                  const zlhcs_hresult hr = zlhcs_process_stdio_write(process, data.data(), data.size(), timeout_ms, &n);
                  written.store(n);
                  error = last_error();
                  return hr;
              },
              std::move(unblock)) {}
};

/// A write expected to return within its timeout, watched from another thread: if it does not
/// (a write that ignores its timeout), the test fails and the process is ended to free it.
zlhcs_hresult watched_write(zlhcs_process process, zlhcs_process keeper, const void* data, size_t size,
                            uint32_t timeout_ms, size_t* out_written, error_copy* error = nullptr) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    background_write write(process, std::vector<unsigned char>(bytes, bytes + size), timeout_ms, ending(keeper));
    const bool back = write.call.returned(timeout_ms + release_bound_ms);
    EXPECT_TRUE(back) << "a write with a " << timeout_ms << " ms timeout is still blocked";
    if (!back) ending(keeper)();
    const zlhcs_hresult hr = write.call.result();
    *out_written = write.written.load();
    if (error != nullptr) *error = write.error;
    return hr;
}

class stdio_contract : public core_test {
protected:
    void SetUp() override {
        core_test::SetUp();
        if (HasFatalFailure()) return;
        system_.handle = running_system(unique_id("stdio"));
        ASSERT_NE(system_.handle, 0u);
    }
    void TearDown() override {
        if (system_.handle != 0) (void)zlhcs_system_terminate(system_, nullptr, hang_bound_ms, nullptr);
        system_.reset();
        core_test::TearDown();
    }

    zlhcs_process start(std::string_view command, unsigned with, const std::string& extra = "") {
        zlhcs_process process = 0;
        const std::string doc = parameters(command, with, extra);
        const zlhcs_hresult hr = zlhcs_process_create(system_, doc.c_str(), nullptr, hang_bound_ms, &process, nullptr);
        EXPECT_EQ(hr, ZLHCS_S_OK) << doc << ": " << hex(hr) << " " << last_error().message;
        return process;
    }

    /// A second handle to the same process, to end it if a call under test stays stuck.
    zlhcs_process keeper_of(zlhcs_process process) {
        uint32_t pid = 0;
        EXPECT_EQ(zlhcs_process_id(process, &pid), ZLHCS_S_OK);
        zlhcs_process keeper = 0;
        EXPECT_EQ(zlhcs_process_open(system_, pid, &keeper), ZLHCS_S_OK) << last_error().message;
        return keeper;
    }

    system_guard system_;
};

/// The failure is ZLHCS_E_INVALID_STATE, recorded (in `e`, the failing thread's last error),
/// with a message naming `word`.
void expect_invalid_state(zlhcs_hresult hr, const char* word, const std::string& what, const error_copy& e) {
    EXPECT_EQ(hr, ZLHCS_E_INVALID_STATE) << what << ": " << hex(hr);
    EXPECT_EQ(e.code, ZLHCS_E_INVALID_STATE) << what;
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_STATE) << what;
    EXPECT_NE(e.message.find(word), std::string::npos) << what << ": the message does not name the state: " << e.message;
}
/// The same, for a call made on this thread just before.
void expect_invalid_state(zlhcs_hresult hr, const char* word, const std::string& what) {
    expect_invalid_state(hr, word, what, last_error());
}

// ------------------------------------------------------------------------------------------
// The four states
// ------------------------------------------------------------------------------------------

enum class state { open, closed, detached, none };
const char* state_name(state s) {
    switch (s) {
    case state::open: return "open";
    case state::closed: return "closed";
    case state::detached: return "detached";
    default: return "none";
    }
}

enum class function { read, write, close, detach, interrupt };
const char* function_name(function f) {
    switch (f) {
    case function::read: return "zlhcs_process_stdio_read";
    case function::write: return "zlhcs_process_stdio_write";
    case function::close: return "zlhcs_process_stdio_close";
    case function::detach: return "zlhcs_process_stdio_detach";
    default: return "zlhcs_process_stdio_interrupt";
    }
}

// zlhcs.h, Standard streams, as a table: every function x every stream x every state. (read
// takes stdout/stderr and write takes stdin only: the other combinations are argument errors,
// checked in every state too.) The process never reads stdin nor writes its output, so an
// open stream's read times out and a one-byte write succeeds.
TEST_F(stdio_contract, every_function_on_every_stream_in_every_state_answers_as_documented) {
    for (uint32_t stream : {ZLHCS_STDIN, ZLHCS_STDOUT, ZLHCS_STDERR}) {
        for (state s : {state::open, state::closed, state::detached, state::none}) {
            for (function f : {function::read, function::write, function::close, function::detach,
                               function::interrupt}) {
                const std::string what = std::string(function_name(f)) + " on " + stream_name(stream) + " " +
                                         state_name(s);
                SCOPED_TRACE(what);
                const bool applies = f == function::read    ? stream != ZLHCS_STDIN
                                     : f == function::write ? stream == ZLHCS_STDIN
                                                            : true;
                if (!applies && f == function::write) continue;  // write has no stream parameter
                process_guard p(start(long_sleep, s == state::none ? all_pipes & ~pipe_of(stream) : all_pipes));
                ASSERT_NE(p.handle, 0u);
                uint64_t detached = 0;
                if (s == state::closed) {
                    ASSERT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_OK);
                }
                if (s == state::detached) {
                    ASSERT_EQ(zlhcs_process_stdio_detach(p, stream, &detached), ZLHCS_S_OK);
                    ASSERT_NE(detached, 0u);
                }
                (void)zlhcs_clear_error();
                char buffer[16];
                size_t count = 0xABCD;
                uint64_t os_handle = 0xABCD;
                zlhcs_hresult hr = 0;
                switch (f) {
                case function::read: hr = zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, 0, &count); break;
                case function::write: hr = zlhcs_process_stdio_write(p, "x", 1, 0, &count); break;
                case function::close: hr = zlhcs_process_stdio_close(p, stream); break;
                case function::detach: hr = zlhcs_process_stdio_detach(p, stream, &os_handle); break;
                case function::interrupt: hr = zlhcs_process_stdio_interrupt(p, stream, 1); break;
                }
                if (!applies) {
                    EXPECT_EQ(hr, ZLHCS_E_INVALID_ARGUMENT) << "stdin cannot be read, in any state";
                    EXPECT_EQ(count, 0u);
                } else if (s == state::open) {
                    switch (f) {
                    case function::read:
                        EXPECT_EQ(hr, ZLHCS_HCS_E_OPERATION_TIMEOUT);
                        EXPECT_EQ(count, 0u);
                        break;
                    case function::write:
                        EXPECT_EQ(hr, ZLHCS_S_OK) << last_error().message;
                        EXPECT_EQ(count, 1u);
                        break;
                    case function::close: EXPECT_EQ(hr, ZLHCS_S_OK) << last_error().message; break;
                    case function::detach:
                        EXPECT_EQ(hr, ZLHCS_S_OK);
                        EXPECT_NE(os_handle, 0u);
                        if (hr == ZLHCS_S_OK) close_os_handle(os_handle);
                        break;
                    case function::interrupt:
                        EXPECT_EQ(hr, ZLHCS_S_OK) << last_error().message;
                        EXPECT_EQ(zlhcs_process_stdio_interrupt(p, stream, 1), ZLHCS_S_FALSE) << "set already";
                        break;
                    }
                } else if (f == function::close && s != state::none) {
                    // Nothing of zlhcs's left to close, except that the first close of a
                    // detached stdin still tells HCS.
                    const bool tells_hcs = s == state::detached && stream == ZLHCS_STDIN;
                    EXPECT_EQ(hr, tells_hcs ? ZLHCS_S_OK : ZLHCS_S_FALSE) << hex(hr) << " " << last_error().message;
                    EXPECT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_FALSE) << "again";
                } else {
                    expect_invalid_state(hr, state_name(s), what);
                    EXPECT_EQ(count, f == function::read || f == function::write ? 0u : 0xABCDu);
                    if (f == function::detach) {
                        EXPECT_EQ(os_handle, 0u);
                    }
                }
                if (detached != 0) close_os_handle(detached);
                (void)zlhcs_process_terminate(p, nullptr, hang_bound_ms, nullptr);
            }
        }
    }
}

// A stream is "none" for several reasons; each answers alike (ZLHCS_E_INVALID_STATE, "none"),
// with a message saying which.
TEST_F(stdio_contract, none_streams_answer_alike_whatever_the_reason) {
    struct none_case {
        const char* what;
        zlhcs_process process;
        uint32_t stream;
        const char* reason;  // a word of the message
    };
    process_guard created(start(long_sleep, all_pipes));
    ASSERT_NE(created.handle, 0u);
    process_guard opened(keeper_of(created));
    process_guard console(start(long_sleep, all_pipes, R"(,"EmulateConsole":true)"));
    process_guard bare(start(long_sleep, no_pipes));
    process_guard failed;
    operation_guard failed_op;
    ASSERT_EQ(zlhcs_process_create_async(system_, parameters("no-such-program", all_pipes).c_str(), nullptr, nullptr,
                                         nullptr, nullptr, &failed.handle, &failed_op.handle),
              ZLHCS_S_OK);
    EXPECT_LT(zlhcs_operation_wait(failed_op, hang_bound_ms, nullptr), 0);
    ASSERT_TRUE(opened.handle != 0 && console.handle != 0 && bare.handle != 0);
    const none_case cases[] = {
        {"opened", opened, ZLHCS_STDIN, "opened"},
        {"opened", opened, ZLHCS_STDOUT, "opened"},
        {"opened", opened, ZLHCS_STDERR, "opened"},
        {"EmulateConsole", console, ZLHCS_STDERR, "EmulateConsole"},
        {"not requested", bare, ZLHCS_STDIN, "CreateStdInPipe"},
        {"not requested", bare, ZLHCS_STDOUT, "CreateStdOutPipe"},
        {"not requested", bare, ZLHCS_STDERR, "CreateStdErrPipe"},
        {"failed create", failed, ZLHCS_STDIN, "failed"},
        {"failed create", failed, ZLHCS_STDOUT, "failed"},
    };
    for (const auto& c : cases) {
        const std::string what = std::string(c.what) + " " + stream_name(c.stream);
        SCOPED_TRACE(what);
        char buffer[8];
        size_t count = 0xABCD;
        uint64_t os_handle = 0xABCD;
        if (c.stream == ZLHCS_STDIN) {
            expect_invalid_state(zlhcs_process_stdio_write(c.process, "x", 1, 0, &count), "none", what);
            EXPECT_NE(last_error().message.find(c.reason), std::string::npos) << last_error().message;
            EXPECT_EQ(count, 0u);
        } else {
            expect_invalid_state(zlhcs_process_stdio_read(c.process, c.stream, buffer, sizeof buffer, 0, &count), "none",
                                 what);
            EXPECT_NE(last_error().message.find(c.reason), std::string::npos) << last_error().message;
            EXPECT_EQ(count, 0u);
        }
        expect_invalid_state(zlhcs_process_stdio_detach(c.process, c.stream, &os_handle), "none", what);
        EXPECT_EQ(os_handle, 0u);
        expect_invalid_state(zlhcs_process_stdio_close(c.process, c.stream), "none", what);
        EXPECT_NE(last_error().message.find(c.reason), std::string::npos) << last_error().message;
    }
    // The creator's streams are open all along.
    size_t count = 0;
    EXPECT_EQ(zlhcs_process_stdio_write(created, "x", 1, 0, &count), ZLHCS_S_OK);
    EXPECT_EQ(count, 1u);
}

// A create that has not completed has no streams yet ("none", saying so); they open when it
// completes (zlhcs_process_create: "stdio works from then on").
TEST_F(stdio_contract, streams_of_a_pending_create_are_none_until_it_completes) {
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 300), 0);
    process_guard p;
    operation_guard op;
    ASSERT_EQ(zlhcs_process_create_async(system_, parameters("cat", in_pipe | out_pipe).c_str(), nullptr, nullptr, nullptr,
                                         nullptr,
                                         &p.handle, &op.handle),
              ZLHCS_S_OK);
    size_t count = 0xABCD;
    const zlhcs_hresult early = zlhcs_process_stdio_write(p, "early", 5, 0, &count);
    if (early != ZLHCS_S_OK) {  // (unless the create won the race against this call)
        expect_invalid_state(early, "none", "write before completion");
        EXPECT_NE(last_error().message.find("not completed"), std::string::npos) << last_error().message;
        EXPECT_EQ(count, 0u);
        EXPECT_EQ(zlhcs_operation_result(op, nullptr), ZLHCS_HCS_E_OPERATION_PENDING) << "it was pending";
    }
    ASSERT_EQ(zlhcs_operation_wait(op, hang_bound_ms, nullptr), ZLHCS_S_OK);
    ASSERT_EQ(sim().set_latency("HcsCreateProcess", 0), 0);
    ASSERT_EQ(zlhcs_process_stdio_write(p, "late", 4, hang_bound_ms, &count), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDIN), ZLHCS_S_OK);
    std::string out;
    EXPECT_EQ(read_to_end(p, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
    EXPECT_EQ(out, early == ZLHCS_S_OK ? "earlylate" : "late");
}

// zlhcs.h: "Closing stdin after zlhcs_process_stdio_detach(ZLHCS_STDIN) still tells HCS
// (closing the detached OS handle alone does not end the process's stdin)" - and does so once.
TEST_F(stdio_contract, closing_a_detached_stdin_still_ends_the_process_stdin) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    uint64_t os_handle = 0;
    ASSERT_EQ(zlhcs_process_stdio_detach(cat, ZLHCS_STDIN, &os_handle), ZLHCS_S_OK);
    close_os_handle(os_handle);
    // cat does not end: HCS keeps its own handle to the pipe (hcsim, as hcsshim describes).
    std::string out;
    char buffer[8];
    size_t got = 0;
    EXPECT_EQ(zlhcs_process_stdio_read(cat, ZLHCS_STDOUT, buffer, sizeof buffer, 100, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT)
        << "stdin ended without being told";
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_FALSE) << "told once";
    EXPECT_EQ(read_to_end(cat, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
    uint32_t code = 0xFF;
    EXPECT_EQ(zlhcs_process_wait_exit(cat, hang_bound_ms, &code), ZLHCS_S_OK);
    EXPECT_EQ(code, 0u);
    // Once the process has exited there is nothing left to tell.
    process_guard gone(start("exit 0", in_pipe | out_pipe));
    ASSERT_NE(gone.handle, 0u);
    ASSERT_EQ(zlhcs_process_stdio_detach(gone, ZLHCS_STDIN, &os_handle), ZLHCS_S_OK);
    close_os_handle(os_handle);
    ASSERT_EQ(zlhcs_process_wait_exit(gone, hang_bound_ms, nullptr), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_close(gone, ZLHCS_STDIN), ZLHCS_S_FALSE);
}

// ------------------------------------------------------------------------------------------
// Closing stdout/stderr on purpose
// ------------------------------------------------------------------------------------------

// `write <n>` blocks once its pipe is full. HCS keeps a handle of its own to the pipe, so
// closing zlhcs's end alone would leave it blocked for good; zlhcs_process_stdio_close tells
// HCS (CloseHandle StdOut/StdErr), after which its output goes nowhere and it finishes.
TEST_F(stdio_contract, closing_stdout_or_stderr_tells_hcs_and_frees_a_writing_process) {
    for (uint32_t stream : {ZLHCS_STDOUT, ZLHCS_STDERR}) {
        SCOPED_TRACE(stream_name(stream));
        const std::string command = std::string("write 16777216 ") + stream_name(stream);
        process_guard p(start(command, out_pipe | err_pipe));
        ASSERT_NE(p.handle, 0u);
        std::string head;
        ASSERT_EQ(read_at_least(p, stream, 1, head), ZLHCS_S_OK);
        ASSERT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_OK) << last_error().message;
        uint32_t code = 0xFF;
        const zlhcs_hresult waited = zlhcs_process_wait_exit(p, release_bound_ms, &code);
        EXPECT_EQ(waited, ZLHCS_S_OK) << "the process is still blocked writing " << stream_name(stream);
        if (waited == ZLHCS_S_OK) {
            EXPECT_EQ(code, 0u);
        }
        char buffer[8];
        size_t got = 0xABCD;
        expect_invalid_state(zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, 0, &got), "closed", "read after close");
        EXPECT_EQ(got, 0u);
        EXPECT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_FALSE);
        // The other stream is untouched: open, and at its end now.
        const uint32_t other = stream == ZLHCS_STDOUT ? ZLHCS_STDERR : ZLHCS_STDOUT;
        std::string rest;
        EXPECT_EQ(read_to_end(p, other, rest), ZLHCS_S_FALSE);
        EXPECT_EQ(rest, "");
    }
}

// If HCS refuses the CloseHandle, the close reports it; zlhcs's end is closed all the same, and
// closing again asks HCS again.
TEST_F(stdio_contract, a_close_hcs_refuses_is_reported_and_asked_again) {
    process_guard p(start("write 16777216", out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(sim().fail_next_calls("HcsModifyProcess", 1, e_fail, fault_async), 0);
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDOUT), e_fail);
    EXPECT_EQ(last_error().function, "HcsModifyProcess");
    char buffer[8];
    size_t got = 0;
    expect_invalid_state(zlhcs_process_stdio_read(p, ZLHCS_STDOUT, buffer, sizeof buffer, 0, &got), "closed", "read");
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDOUT), ZLHCS_S_OK) << last_error().message;
    EXPECT_EQ(zlhcs_process_wait_exit(p, release_bound_ms, nullptr), ZLHCS_S_OK) << "HCS was not told the second time";
    EXPECT_EQ(zlhcs_process_stdio_close(p, ZLHCS_STDOUT), ZLHCS_S_FALSE);
}

// A reader blocked on a stream is released by that stream's close or detach
// (ZLHCS_E_INVALID_STATE, naming it), and the other stream's reader is not.
TEST_F(stdio_contract, a_blocked_reader_is_released_by_close_or_detach_of_its_stream) {
    for (const bool detach : {false, true}) {
        for (uint32_t stream : {ZLHCS_STDOUT, ZLHCS_STDERR}) {
            SCOPED_TRACE(std::string(detach ? "detach " : "close ") + stream_name(stream));
            process_guard p(start(long_sleep, out_pipe | err_pipe));
            ASSERT_NE(p.handle, 0u);
            process_guard keeper(keeper_of(p));
            const uint32_t other = stream == ZLHCS_STDOUT ? ZLHCS_STDERR : ZLHCS_STDOUT;
            auto blocked_read = [&p](uint32_t s) -> std::function<zlhcs_hresult()> {
                return [process = p.handle, s] {
                    char buffer[16];
                    size_t got = 0;
                    const zlhcs_hresult hr =
                        zlhcs_process_stdio_read(process, s, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
                    if (hr < 0) {
                        EXPECT_EQ(got, 0u);
                    }
                    return hr;
                };
            };
            background reader(blocked_read(stream), ending(keeper));
            background bystander(blocked_read(other), ending(keeper));
            EXPECT_TRUE(await_waiting_calls(2));  // both readers are blocked
            uint64_t os_handle = 0;
            if (detach) {
                EXPECT_EQ(zlhcs_process_stdio_detach(p, stream, &os_handle), ZLHCS_S_OK);
            } else {
                EXPECT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_OK);
            }
            const bool back = reader.returned();
            EXPECT_TRUE(back) << "the reader is still blocked";
            if (!back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
            const zlhcs_hresult hr = reader.result();
            EXPECT_EQ(hr, ZLHCS_E_INVALID_STATE) << hex(hr);
            EXPECT_FALSE(bystander.returned(0)) << "the other stream's reader was released too";
            if (os_handle != 0) close_os_handle(os_handle);
            EXPECT_EQ(zlhcs_process_close(p.release()), ZLHCS_S_OK);
            EXPECT_TRUE(bystander.returned()) << "the process close did not release the other reader";
            (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
            EXPECT_EQ(bystander.result(), ZLHCS_E_INVALID_HANDLE);
        }
    }
}

// ------------------------------------------------------------------------------------------
// The interrupt
// ------------------------------------------------------------------------------------------

/// The failure is ZLHCS_WIN32_E_CANCELLED, recorded in `e` with a message naming the interrupt.
void expect_cancelled(zlhcs_hresult hr, const error_copy& e) {
    EXPECT_EQ(hr, ZLHCS_WIN32_E_CANCELLED) << hex(hr) << " " << e.message;
    EXPECT_EQ(e.code, ZLHCS_WIN32_E_CANCELLED);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_CANCELLED);
    EXPECT_NE(e.message.find("zlhcs_process_stdio_interrupt"), std::string::npos) << e.message;
}

/// A read of `stream` without a time limit on another thread; `error` is its last error.
std::function<zlhcs_hresult()> blocked_read(zlhcs_process process, uint32_t stream, error_copy& error) {
    return [process, stream, &error] {
        char buffer[16];
        size_t got = 0xABCD;
        const zlhcs_hresult hr = zlhcs_process_stdio_read(process, stream, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
        error = last_error();
        if (hr < 0) {
            EXPECT_EQ(got, 0u);
        }
        return hr;
    };
}

// A reader blocked on an idle stream is released by the interrupt with ZLHCS_WIN32_E_CANCELLED,
// and only that stream's; the interrupt sticks (later reads that would wait fail at once, a
// read with timeout 0 is unaffected) until it is cleared, and then reads wait again. The stream
// stays open throughout.
TEST_F(stdio_contract, an_interrupt_releases_a_blocked_reader_sticks_and_clears) {
    for (uint32_t stream : {ZLHCS_STDOUT, ZLHCS_STDERR}) {
        SCOPED_TRACE(stream_name(stream));
        process_guard p(start(long_sleep, out_pipe | err_pipe));
        ASSERT_NE(p.handle, 0u);
        process_guard keeper(keeper_of(p));
        const uint32_t other = stream == ZLHCS_STDOUT ? ZLHCS_STDERR : ZLHCS_STDOUT;
        error_copy reader_error;
        error_copy bystander_error;
        background reader(blocked_read(p, stream, reader_error), ending(keeper));
        background bystander(blocked_read(p, other, bystander_error), ending(keeper));
        EXPECT_TRUE(await_waiting_calls(2));  // both readers are blocked
        EXPECT_EQ(zlhcs_process_stdio_interrupt(p, stream, 1), ZLHCS_S_OK) << last_error().message;
        const bool back = reader.returned();
        EXPECT_TRUE(back) << "the interrupt did not release the reader";
        if (!back) ending(keeper)();
        expect_cancelled(reader.result(), reader_error);
        EXPECT_FALSE(bystander.returned(0)) << "the other stream's reader was released too";

        // Sticky: set again is S_FALSE, and a read that would wait fails at once.
        EXPECT_EQ(zlhcs_process_stdio_interrupt(p, stream, 1), ZLHCS_S_FALSE);
        char buffer[16];
        size_t got = 0xABCD;
        EXPECT_EQ(zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, hang_bound_ms, &got), ZLHCS_WIN32_E_CANCELLED);
        EXPECT_EQ(got, 0u);
        // A poll is not a wait: it times out as without the interrupt.
        EXPECT_EQ(zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, 0, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);

        // Cleared: reads wait again, until the stream's close releases them.
        EXPECT_EQ(zlhcs_process_stdio_interrupt(p, stream, 0), ZLHCS_S_OK);
        EXPECT_EQ(zlhcs_process_stdio_interrupt(p, stream, 0), ZLHCS_S_FALSE) << "clear already";
        EXPECT_EQ(zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, 20, &got), ZLHCS_HCS_E_OPERATION_TIMEOUT);
        error_copy again_error;
        background again(blocked_read(p, stream, again_error), ending(keeper));
        EXPECT_TRUE(await_waiting_calls(2));  // blocked beside the bystander
        EXPECT_FALSE(again.returned(0)) << "a read after the clear did not wait";
        EXPECT_EQ(zlhcs_process_stdio_close(p, stream), ZLHCS_S_OK);
        EXPECT_TRUE(again.returned());
        expect_invalid_state(again.result(), "closed", "a read after the clear, released by the close", again_error);
        EXPECT_EQ(zlhcs_process_close(p.release()), ZLHCS_S_OK);
        EXPECT_TRUE(bystander.returned());
        EXPECT_EQ(bystander.result(), ZLHCS_E_INVALID_HANDLE);
        (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    }
}

// What is ready still moves: an interrupted stream's reads return the output already in the
// pipe, then end of stream.
TEST_F(stdio_contract, an_interrupted_stream_still_reads_what_is_there) {
    process_guard p(start("echo interrupted but ready", out_pipe));
    ASSERT_NE(p.handle, 0u);
    ASSERT_EQ(zlhcs_process_wait_exit(p, hang_bound_ms, nullptr), ZLHCS_S_OK);
    ASSERT_EQ(zlhcs_process_stdio_interrupt(p, ZLHCS_STDOUT, 1), ZLHCS_S_OK) << last_error().message;
    std::string out;
    EXPECT_EQ(read_to_end(p, ZLHCS_STDOUT, out), ZLHCS_S_FALSE) << last_error().message;
    EXPECT_NE(out.find("interrupted but ready"), std::string::npos) << out;
}

// A writer blocked on a full pipe is released by the interrupt of stdin with
// ZLHCS_WIN32_E_CANCELLED and the count the pipe took; exactly those bytes reach the process,
// and once the interrupt is cleared stdin takes more.
TEST_F(stdio_contract, an_interrupt_releases_a_blocked_writer_with_the_count_it_took) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    process_guard keeper(keeper_of(cat));
    background_write writer(cat, pattern(8u << 20), ZLHCS_INFINITE, ending(keeper));
    std::string out;
    // Some of the write has reached cat; nobody reads on, so the write blocks.
    ASSERT_EQ(read_at_least(cat, ZLHCS_STDOUT, 1, out), ZLHCS_S_OK);
    EXPECT_EQ(zlhcs_process_stdio_interrupt(cat, ZLHCS_STDIN, 1), ZLHCS_S_OK) << last_error().message;
    const bool back = writer.call.returned();
    EXPECT_TRUE(back) << "the interrupt did not release the writer";
    if (!back) ending(keeper)();
    expect_cancelled(writer.call.result(), writer.error);
    const size_t written = writer.written.load();
    EXPECT_GE(written, out.size());
    EXPECT_LT(written, writer.data.size());
    EXPECT_NE(writer.error.message.find(std::to_string(written)), std::string::npos) << writer.error.message;
    // Cleared, stdin is as before: the rest goes in while cat's output is read.
    EXPECT_EQ(zlhcs_process_stdio_interrupt(cat, ZLHCS_STDIN, 0), ZLHCS_S_OK);
    background reader([&] { return read_to_end(cat, ZLHCS_STDOUT, out); }, ending(keeper));
    size_t rest = 0;
    EXPECT_EQ(zlhcs_process_stdio_write(cat, writer.data.data() + written, writer.data.size() - written, hang_bound_ms, &rest),
              ZLHCS_S_OK)
        << last_error().message;
    EXPECT_EQ(rest, writer.data.size() - written);
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    ASSERT_TRUE(reader.returned(hang_bound_ms));
    EXPECT_EQ(reader.result(), ZLHCS_S_FALSE);
    ASSERT_EQ(out.size(), writer.data.size());
    expect_prefix_of(out, writer.data, "cat's output");
}

// Clearing the interrupt resets the stream's wake-up, which close, detach and the process
// handle's close also signal: a clear that lands after a close's signal must not swallow it.
// A close runs on one thread while this one sets and clears the interrupt a varying number of
// times, always ending clear; the reader retries every cancelled read and must end with the
// close.
TEST_F(stdio_contract, an_interrupt_toggled_against_a_close_never_hides_the_close) {
    for (int round = 0; round < 40; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        process_guard p(start(long_sleep, out_pipe));
        ASSERT_NE(p.handle, 0u);
        process_guard keeper(keeper_of(p));
        error_copy reader_error;
        background reader(
            [&] {
                for (;;) {
                    char buffer[16];
                    size_t got = 0;
                    const zlhcs_hresult hr =
                        zlhcs_process_stdio_read(p.handle, ZLHCS_STDOUT, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
                    if (hr != ZLHCS_WIN32_E_CANCELLED) {
                        reader_error = last_error();
                        return hr;
                    }
                }
            },
            ending(keeper));
        EXPECT_TRUE(await_waiting_calls(1));  // the reader is blocked
        background closer([&] { return zlhcs_process_stdio_close(p.handle, ZLHCS_STDOUT); }, ending(keeper));
        // Once the close has closed the stream, the interrupt is refused (ZLHCS_E_INVALID_STATE).
        zlhcs_hresult toggled = ZLHCS_S_OK;
        for (int i = 0; i < 4 * round + 1 && toggled >= 0; ++i) {
            toggled = zlhcs_process_stdio_interrupt(p.handle, ZLHCS_STDOUT, 1);
            if (toggled >= 0) toggled = zlhcs_process_stdio_interrupt(p.handle, ZLHCS_STDOUT, 0);
        }
        EXPECT_TRUE(toggled >= 0 || toggled == ZLHCS_E_INVALID_STATE) << hex(toggled);
        const bool back = reader.returned();
        EXPECT_TRUE(back) << "a clear swallowed the close: the reader is still blocked";
        if (!back) ending(keeper)();
        ASSERT_TRUE(closer.returned());
        EXPECT_EQ(closer.result(), ZLHCS_S_OK);
        if (back) expect_invalid_state(reader.result(), "closed", "the reader", reader_error);
        (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    }
}

// ------------------------------------------------------------------------------------------
// Bounded stdin
// ------------------------------------------------------------------------------------------

TEST_F(stdio_contract, a_write_into_a_full_pipe_times_out_with_the_count_it_took) {
    process_guard p(start(long_sleep, in_pipe));  // never reads stdin
    ASSERT_NE(p.handle, 0u);
    process_guard keeper(keeper_of(p));
    const std::vector<unsigned char> data = pattern(8u << 20);  // far more than a pipe buffer
    size_t written = 0xABCD;
    error_copy e;
    EXPECT_EQ(watched_write(p, keeper, data.data(), data.size(), 200, &written, &e), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_GT(written, 0u) << "the empty pipe took nothing";
    EXPECT_LT(written, data.size());
    EXPECT_EQ(e.code, ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_TIMEOUT);
    EXPECT_NE(e.message.find(std::to_string(written)), std::string::npos) << e.message;
    // Full now: a write that may not wait takes nothing, and says so.
    written = 0xABCD;
    EXPECT_EQ(watched_write(p, keeper, data.data(), 1, 0, &written), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    EXPECT_EQ(written, 0u);
    // An empty write never waits.
    written = 0xABCD;
    EXPECT_EQ(zlhcs_process_stdio_write(p, nullptr, 0, 0, &written), ZLHCS_S_OK);
    EXPECT_EQ(written, 0u);
}

// What a timed-out write reports taken reaches the process, and nothing else does: cat's
// output is exactly the data once the rest is written.
TEST_F(stdio_contract, a_timed_out_write_loses_and_duplicates_nothing) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    process_guard keeper(keeper_of(cat));
    const std::vector<unsigned char> data = pattern(8u << 20);
    size_t first = 0;
    // Nobody reads cat's stdout yet: its pipes fill and the write times out part-way.
    ASSERT_EQ(watched_write(cat, keeper, data.data(), data.size(), 100, &first), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    ASSERT_GT(first, 0u);
    ASSERT_LT(first, data.size());
    std::string out;
    background reader([&] { return read_to_end(cat, ZLHCS_STDOUT, out); }, ending(keeper));
    size_t rest = 0;
    EXPECT_EQ(zlhcs_process_stdio_write(cat, data.data() + first, data.size() - first, hang_bound_ms, &rest), ZLHCS_S_OK)
        << last_error().message;
    EXPECT_EQ(rest, data.size() - first);
    EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK);
    ASSERT_TRUE(reader.returned(hang_bound_ms));
    EXPECT_EQ(reader.result(), ZLHCS_S_FALSE);
    ASSERT_EQ(out.size(), data.size());
    expect_prefix_of(out, data, "cat's output");
}

// A write cut short by a broken pipe reports the bytes taken before the break.
TEST_F(stdio_contract, a_write_reports_the_bytes_taken_before_a_broken_pipe) {
    process_guard cat(start("cat", in_pipe | out_pipe));
    ASSERT_NE(cat.handle, 0u);
    background_write writer(cat, pattern(8u << 20), ZLHCS_INFINITE, ending(cat));
    std::string out;
    ASSERT_EQ(read_at_least(cat, ZLHCS_STDOUT, 1, out), ZLHCS_S_OK);  // the write is under way
    ASSERT_EQ(zlhcs_process_terminate(cat, nullptr, hang_bound_ms, nullptr), ZLHCS_S_OK);
    ASSERT_TRUE(writer.call.returned(hang_bound_ms));
    EXPECT_EQ(writer.call.result(), ZLHCS_WIN32_E_BROKEN_PIPE);
    const size_t written = writer.written.load();
    EXPECT_GE(written, out.size());
    EXPECT_LT(written, writer.data.size());
    EXPECT_EQ(writer.error.code, ZLHCS_WIN32_E_BROKEN_PIPE);
    EXPECT_NE(writer.error.message.find("broken pipe"), std::string::npos) << writer.error.message;
    EXPECT_EQ(read_to_end(cat, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
    EXPECT_LE(out.size(), written) << "cat printed more than was reported written";
    expect_prefix_of(out, writer.data, "cat's output");
    // After the exit nothing is taken.
    size_t late = 0xABCD;
    EXPECT_EQ(zlhcs_process_stdio_write(cat, "x", 1, hang_bound_ms, &late), ZLHCS_WIN32_E_BROKEN_PIPE);
    EXPECT_EQ(late, 0u);
}

// A writer blocked on a full pipe is released by zlhcs_process_stdio_close(STDIN) and
// zlhcs_process_stdio_detach(STDIN) with ZLHCS_E_INVALID_STATE, and by zlhcs_process_close
// with ZLHCS_E_INVALID_HANDLE, reporting the bytes taken; exactly those reach the process.
TEST_F(stdio_contract, a_blocked_writer_is_released_by_close_detach_and_process_close) {
    enum class release { close_stdin, detach_stdin, close_process };
    for (release how : {release::close_stdin, release::detach_stdin, release::close_process}) {
        const char* name = how == release::close_stdin    ? "stdio_close(STDIN)"
                           : how == release::detach_stdin ? "stdio_detach(STDIN)"
                                                          : "process_close";
        SCOPED_TRACE(name);
        process_guard cat(start("cat", in_pipe | out_pipe));
        ASSERT_NE(cat.handle, 0u);
        process_guard keeper(keeper_of(cat));
        background_write writer(cat, pattern(8u << 20), ZLHCS_INFINITE, ending(keeper));
        std::string out;
        // Some of the write has reached cat; nobody reads on, so the write blocks.
        ASSERT_EQ(read_at_least(cat, ZLHCS_STDOUT, 1, out), ZLHCS_S_OK);
        uint64_t os_handle = 0;
        // The release itself must not wait for the writer (beyond one poll slice): watched too.
        const zlhcs_process handle = how == release::close_process ? cat.release() : cat.handle;
        background releaser(
            [how, handle, &os_handle]() -> zlhcs_hresult {
                switch (how) {
                case release::close_stdin: return zlhcs_process_stdio_close(handle, ZLHCS_STDIN);
                case release::detach_stdin: return zlhcs_process_stdio_detach(handle, ZLHCS_STDIN, &os_handle);
                case release::close_process: break;
                }
                return zlhcs_process_close(handle);
            },
            ending(keeper));
        const bool released = releaser.returned();
        EXPECT_TRUE(released) << name << " waits for the blocked writer";
        if (!released) ending(keeper)();
        EXPECT_EQ(releaser.result(), ZLHCS_S_OK);
        const bool back = writer.call.returned();
        EXPECT_TRUE(back) << "the writer is still blocked";
        if (!back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
        const zlhcs_hresult hr = writer.call.result();
        const size_t written = writer.written.load();
        EXPECT_GE(written, out.size());
        EXPECT_LT(written, writer.data.size());
        if (how == release::close_process) {
            EXPECT_EQ(hr, ZLHCS_E_INVALID_HANDLE) << hex(hr);
            (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
            continue;
        }
        expect_invalid_state(hr, how == release::close_stdin ? "closed" : "detached", name, writer.error);
        if (how == release::detach_stdin) {
            close_os_handle(os_handle);
            EXPECT_EQ(zlhcs_process_stdio_close(cat, ZLHCS_STDIN), ZLHCS_S_OK) << "tells HCS";
        }
        // cat reads what the pipe took, then end of stdin: its output is exactly that.
        EXPECT_EQ(read_to_end(cat, ZLHCS_STDOUT, out), ZLHCS_S_FALSE);
        EXPECT_EQ(out.size(), written);
        expect_prefix_of(out, writer.data, "cat's output");
    }
}

// Writers on one process are serialised; time spent behind another writer counts toward a
// writer's timeout, and so does a reader's behind another reader (timeout 0 never blocks).
TEST_F(stdio_contract, a_call_queued_behind_another_gives_up_within_its_own_timeout) {
    process_guard p(start(long_sleep, in_pipe | out_pipe));
    ASSERT_NE(p.handle, 0u);
    process_guard keeper(keeper_of(p));
    const std::vector<unsigned char> data = pattern(8u << 20);
    size_t filled = 0;
    ASSERT_EQ(watched_write(p, keeper, data.data(), data.size(), 100, &filled), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    background_write stuck(p, data, ZLHCS_INFINITE, ending(keeper));  // blocked on the full pipe, holding stdin
    background stuck_reader(
        [process = p.handle] {
            char buffer[8];
            size_t got = 0;
            return zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
        },
        ending(keeper));
    EXPECT_TRUE(await_waiting_calls(2));  // the stuck writer and reader hold their streams
    for (uint32_t timeout : {0u, 100u}) {
        SCOPED_TRACE("timeout " + std::to_string(timeout));
        background_write queued(p, std::vector<unsigned char>(16, 'q'), timeout, ending(keeper));
        background queued_reader(
            [process = p.handle, timeout] {
                char buffer[8];
                size_t got = 0xABCD;
                const zlhcs_hresult hr =
                    zlhcs_process_stdio_read(process, ZLHCS_STDOUT, buffer, sizeof buffer, timeout, &got);
                EXPECT_EQ(got, 0u);
                return hr;
            },
            ending(keeper));
        ASSERT_TRUE(queued.call.returned()) << "a queued writer waited past its timeout";
        ASSERT_TRUE(queued_reader.returned()) << "a queued reader waited past its timeout";
        EXPECT_EQ(queued.call.result(), ZLHCS_HCS_E_OPERATION_TIMEOUT);
        EXPECT_EQ(queued.written.load(), 0u);
        EXPECT_EQ(queued_reader.result(), ZLHCS_HCS_E_OPERATION_TIMEOUT);
    }
    EXPECT_EQ(zlhcs_process_close(p.release()), ZLHCS_S_OK);
    const bool back = stuck.call.returned() && stuck_reader.returned();
    EXPECT_TRUE(back);
    if (!back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    EXPECT_EQ(stuck.call.result(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(stuck_reader.result(), ZLHCS_E_INVALID_HANDLE);
    (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
}

// ------------------------------------------------------------------------------------------
// Closing the process releases every waiter
// ------------------------------------------------------------------------------------------

// zlhcs.h: closing a process handle wakes every thread blocked on it (wait_exit, stdio reads
// and writes, also those queued behind another reader or writer) with ZLHCS_E_INVALID_HANDLE.
TEST_F(stdio_contract, closing_the_process_releases_every_waiter_with_invalid_handle) {
    for (int round = 0; round < 3; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        zlhcs_process p = start(long_sleep, all_pipes);
        ASSERT_NE(p, 0u);
        process_guard keeper(keeper_of(p));
        auto reader = [p](uint32_t stream) {
            return [p, stream] {
                char buffer[8];
                size_t got = 0;
                return zlhcs_process_stdio_read(p, stream, buffer, sizeof buffer, ZLHCS_INFINITE, &got);
            };
        };
        std::vector<std::unique_ptr<background>> waiters;
        waiters.push_back(std::make_unique<background>(
            [p] { return zlhcs_process_wait_exit(p, ZLHCS_INFINITE, nullptr); }, ending(keeper)));
        waiters.push_back(std::make_unique<background>(
            [p] {
                uint32_t code = 0;
                return zlhcs_process_wait_exit(p, ZLHCS_INFINITE, &code);
            },
            ending(keeper)));
        for (int i = 0; i < 2; ++i) {
            waiters.push_back(std::make_unique<background>(reader(ZLHCS_STDOUT), ending(keeper)));
            waiters.push_back(std::make_unique<background>(reader(ZLHCS_STDERR), ending(keeper)));
        }
        std::vector<std::unique_ptr<background_write>> writers;
        for (int i = 0; i < 2; ++i) {
            writers.push_back(std::make_unique<background_write>(p, pattern(8u << 20), ZLHCS_INFINITE, ending(keeper)));
        }
        // Round 0 closes at once; round 1 once some of the eight calls are blocked, round 2
        // once all of them are (the queued ones wait for their stream).
        if (round > 0) {
            EXPECT_TRUE(await_waiting_calls(round == 1 ? 4 : 8));
        }
        ASSERT_EQ(zlhcs_process_close(p), ZLHCS_S_OK);
        bool all_back = true;
        for (auto& w : waiters) all_back = w->returned() && all_back;
        for (auto& w : writers) all_back = w->call.returned() && all_back;
        EXPECT_TRUE(all_back) << "a call is still blocked after zlhcs_process_close";
        if (!all_back) (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
        for (auto& w : waiters) EXPECT_EQ(w->result(), ZLHCS_E_INVALID_HANDLE);
        for (auto& w : writers) EXPECT_EQ(w->call.result(), ZLHCS_E_INVALID_HANDLE);
        // The process goes on: closing a handle never ends it.
        uint32_t code = 0;
        EXPECT_EQ(zlhcs_process_exit_code(keeper, &code), ZLHCS_HCS_E_OPERATION_PENDING);
        (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
    }
}

// The first wait of a process asks HCS for its status (an exit can precede the subscription
// to exit events). That query, too, is cut short by the close: the waiter returns while HCS
// still works on it. (hcsim's latency holds the query; the assertion is an order, not a time.)
TEST_F(stdio_contract, closing_the_process_releases_a_wait_whose_status_query_is_slow) {
    process_guard p(start(long_sleep, no_pipes));
    ASSERT_NE(p.handle, 0u);
    process_guard keeper(keeper_of(p));
    ASSERT_EQ(sim().set_latency("HcsGetProcessProperties", 3000), 0);
    ASSERT_TRUE(settled()) << "hcsim still completes the create";  // (its completion may still be running)
    const uint32_t pending_before = sim().live_objects().pending_completions;
    background waiter([process = p.handle] { return zlhcs_process_wait_exit(process, ZLHCS_INFINITE, nullptr); },
                      ending(keeper));
    ASSERT_TRUE(eventually([&] { return sim().live_objects().pending_completions > pending_before; }))
        << "the wait asked HCS nothing";
    ASSERT_EQ(zlhcs_process_close(p.release()), ZLHCS_S_OK);
    ASSERT_TRUE(waiter.returned(hang_bound_ms));
    const bool query_still_pending = sim().live_objects().pending_completions > pending_before;
    EXPECT_EQ(waiter.result(), ZLHCS_E_INVALID_HANDLE);
    EXPECT_TRUE(query_still_pending) << "the wait returned only once HCS had answered";
    ASSERT_EQ(sim().set_latency("HcsGetProcessProperties", 0), 0);
    EXPECT_TRUE(eventually([&] { return sim().live_objects().pending_completions == pending_before; },
                           std::chrono::milliseconds(hang_bound_ms)));
    (void)zlhcs_process_terminate(keeper, nullptr, hang_bound_ms, nullptr);
}

}  // namespace
}  // namespace zlhcs_core_test
