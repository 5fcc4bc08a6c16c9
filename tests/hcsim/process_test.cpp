// Processes: HcsCreateProcess with real pipes, the built-in programs, exit codes, events,
// waits, signals, terminate, modify, open, errors, and that nothing leaks.
#include <cstring>
#include <numeric>

#include "os_pipe_io.hpp"
#include "hcsim_test_support.h"

#if defined(_WIN32)
#include <windows.h>
#include <zlhcs_common/file_mode.hpp>

#include <optional>
#else
#include <dirent.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#endif

namespace hcsim_test {
namespace {

constexpr HRESULT hr_not_found = HCSIM_HR(0x80070490u);
constexpr HRESULT hr_file_not_found = HCSIM_HR(0x80070002u);
constexpr uint32_t control_c_exit = 0xC000013Au;
constexpr uint32_t access_violation = 0xC0000005u;
constexpr HRESULT hr_access_denied = HCSIM_HR(0x80070005u);
constexpr HRESULT hr_gone_invalid_state = HCSIM_HR(0xC0370105u);
constexpr HRESULT hr_gone_system_not_found = HCSIM_HR(0xC037010Eu);
constexpr const char* close_stdin = R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})";

// --- the caller's ends of the pipes ----------------------------------------------------

void close_end(HANDLE h) {
    if (h == nullptr) return;
#if defined(_WIN32)
    EXPECT_TRUE(::CloseHandle(h));
#else
    EXPECT_EQ(0, ::close(static_cast<int>(reinterpret_cast<intptr_t>(h))));
#endif
}

/** Reads what is available (blocking for at least one byte); 0 at end of stream. */
std::size_t read_some(HANDLE h, char* buffer, std::size_t size) {
#if defined(_WIN32)
    DWORD got = 0;
    if (!zlhcs_test::os_pipe_read(h, buffer, static_cast<DWORD>(size), got)) {
        EXPECT_EQ(static_cast<DWORD>(ERROR_BROKEN_PIPE), ::GetLastError());
        return 0;
    }
    return got;
#else
    for (;;) {
        const ssize_t n = ::read(static_cast<int>(reinterpret_cast<intptr_t>(h)), buffer, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) {
            ADD_FAILURE() << "read failed: " << errno;
            return 0;
        }
    }
#endif
}

bool write_all(HANDLE h, const char* data, std::size_t size) {
    while (size > 0) {
#if defined(_WIN32)
        DWORD done = 0;
        if (!zlhcs_test::os_pipe_write(h, data, static_cast<DWORD>(std::min<std::size_t>(size, 1 << 16)), done)) return false;
#else
        const ssize_t done = ::write(static_cast<int>(reinterpret_cast<intptr_t>(h)), data, size);
        if (done < 0) {
            if (errno == EINTR) continue;
            return false;
        }
#endif
        data += done;
        size -= static_cast<std::size_t>(done);
    }
    return true;
}

std::string read_all(HANDLE h) {
    std::string out;
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        const std::size_t n = read_some(h, buffer.data(), buffer.size());
        if (n == 0) return out;
        out.append(buffer.data(), n);
    }
}

/** Reads exactly one line ending in "\r\n" (byte by byte). */
std::string read_line(HANDLE h) {
    std::string line;
    char c = 0;
    while (read_some(h, &c, 1) == 1) {
        line.push_back(c);
        if (line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0) break;
    }
    return line;
}

/** An owned pipe end. */
class End {
public:
    End() = default;
    explicit End(HANDLE h) : h_(h) {}
    ~End() { reset(); }
    End(const End&) = delete;
    End& operator=(const End&) = delete;
    End(End&& other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
    End& operator=(End&& other) noexcept {
        reset();
        h_ = std::exchange(other.h_, nullptr);
        return *this;
    }
    HANDLE get() const { return h_; }
    void reset() {
        close_end(h_);
        h_ = nullptr;
    }

private:
    HANDLE h_ = nullptr;
};

#if !defined(_WIN32)
std::size_t open_descriptors() {
    std::size_t count = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr) ++count;
        ::closedir(dir);
    }
    return count;
}
#endif

// --- processes ---------------------------------------------------------------------------

class Proc {
public:
    Proc() = default;
    ~Proc() { close(); }
    Proc(const Proc&) = delete;
    Proc& operator=(const Proc&) = delete;
    HCS_PROCESS get() const { return h_; }
    HCS_PROCESS* out() { return &h_; }
    operator HCS_PROCESS() const { return h_; }
    void close() {
        if (h_ != nullptr) HcsCloseProcess(h_);
        h_ = nullptr;
    }

private:
    HCS_PROCESS h_ = nullptr;
};

struct Started {
    HRESULT hr = E_FAIL;
    std::string document;
    DWORD pid = 0;
    End in;
    End out;
    End err;
};

std::string params(const std::string& command_line, const std::string& extra = "") {
    std::string escaped;
    for (const char c : command_line) {
        if (c == '\\' || c == '"') escaped.push_back('\\');
        escaped.push_back(c);
    }
    return R"({"CommandLine":")" + escaped + "\"" + extra + "}";
}

constexpr const char* all_pipes = R"(,"CreateStdInPipe":true,"CreateStdOutPipe":true,"CreateStdErrPipe":true)";
constexpr const char* out_pipe = R"(,"CreateStdOutPipe":true)";

/** Creates a process; if `log` is given its callback is set before the create completes. */
Started start(HCS_SYSTEM system, const std::string& parameters, Proc& process, EventLog* log = nullptr) {
    Started started;
    Op op;
    const u16string wparams = W(parameters);
    started.hr = HcsCreateProcess(system, wparams.c_str(), op, nullptr, process.out());
    if (FAILED(started.hr)) return started;
    EXPECT_NE(nullptr, process.get());
    if (log != nullptr) {
        EXPECT_EQ(S_OK, HcsSetProcessCallback(process, HcsEventOptionNone, log, EventLog::callback));
    }
    HCS_PROCESS_INFORMATION info{};
    PWSTR doc = nullptr;
    started.hr = HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, &doc);
    started.document = take(doc);
    started.pid = info.ProcessId;
    started.in = End(info.StdInput);
    started.out = End(info.StdOutput);
    started.err = End(info.StdError);
    return started;
}

Result process_op(HRESULT(WINAPI* entry)(HCS_PROCESS, HCS_OPERATION, PCWSTR), HCS_PROCESS process,
                  const char* document = nullptr) {
    Op op;
    Result result;
    const u16string wdoc = document ? W(document) : u16string();
    result.hr = entry(process, op, document ? wdoc.c_str() : nullptr);
    if (FAILED(result.hr)) return result;
    result.hr = op.wait(&result.document);
    return result;
}

Result process_properties(HCS_PROCESS process) {
    return process_op(HcsGetProcessProperties, process);
}

/** HcsGetProcessInfo, taking what the operation hands out. */
struct Info {
    HRESULT hr = E_FAIL;
    DWORD pid = 0;
    End in;
    End out;
    End err;
};

Info process_info(HCS_PROCESS process) {
    Info result;
    Op op;
    result.hr = HcsGetProcessInfo(process, op);
    if (FAILED(result.hr)) return result;
    HCS_PROCESS_INFORMATION info{};
    result.hr = HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, nullptr);
    result.pid = info.ProcessId;
    result.in = End(info.StdInput);
    result.out = End(info.StdOutput);
    result.err = End(info.StdError);
    return result;
}

Result wait_exit(HCS_PROCESS process, DWORD timeout = INFINITE) {
    Result result;
    PWSTR doc = nullptr;
    result.hr = HcsWaitForProcessExit(process, timeout, &doc);
    result.document = take(doc);
    return result;
}

uint32_t exit_code_of(HCS_PROCESS process) {
    const Result r = wait_exit(process);
    EXPECT_EQ(S_OK, r.hr);
    if (FAILED(r.hr)) return 0xFFFFFFFFu;
    const auto doc = parse(r.document);
    EXPECT_TRUE(doc["Exited"].GetBool());
    return doc["ExitCode"].GetUint();
}

std::string pattern(std::size_t size) {
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>(i % 251);
    return out;
}

class Processes : public HcsimTest {
protected:
    void SetUp() override {
        HcsimTest::SetUp();
#if !defined(_WIN32)
        descriptors_ = open_descriptors();
#endif
        ASSERT_EQ(S_OK, create_system("processes", container_config(), system_).hr);
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system_).hr);
    }
    void TearDown() override {
        system_.close();
        wait_idle();
        EXPECT_EQ(0u, live().process_handles) << "process handles left open";
        HcsimTest::TearDown();  // resets: every program thread is joined
#if !defined(_WIN32)
        EXPECT_EQ(descriptors_, open_descriptors()) << "pipe descriptors leaked";
#endif
    }
    Sys system_;
#if !defined(_WIN32)
    std::size_t descriptors_ = 0;
#endif
};

TEST_F(Processes, EchoWritesItsArgumentsToStdout) {
    Proc process;
    Started s = start(system_, params("echo hello   \"big world\"", out_pipe), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ("", s.document);
    EXPECT_GE(s.pid, 1000u);
    EXPECT_EQ(nullptr, s.in.get());
    EXPECT_NE(nullptr, s.out.get());
    EXPECT_EQ(nullptr, s.err.get());
    EXPECT_EQ("hello big world\r\n", read_all(s.out.get()));
    EXPECT_EQ(0u, exit_code_of(process));

    Proc via_cmd;
    Started c = start(system_, params("C:\\Windows\\System32\\CMD.EXE /C Echo.exe one two", out_pipe), via_cmd);
    ASSERT_EQ(S_OK, c.hr);
    EXPECT_EQ("one two\r\n", read_all(c.out.get()));
    EXPECT_EQ(s.pid + 4, c.pid);  // deterministic pids
    EXPECT_EQ(0u, exit_code_of(via_cmd));
}

TEST_F(Processes, ExitCodesRoundTripThroughStatusAndEvent) {
    const std::pair<const char*, uint32_t> cases[] = {
        {"exit 0", 0}, {"exit 1", 1}, {"exit 255", 255}, {"exit 0xC0000005", access_violation},
        {"crash", access_violation}, {"cmd /c exit 7", 7}};
    for (const auto& [command, code] : cases) {
        SCOPED_TRACE(command);
        EventLog log;
        Proc process;
        Started s = start(system_, params(command), process, &log);
        ASSERT_EQ(S_OK, s.hr);
        EXPECT_EQ(nullptr, s.out.get());
        EXPECT_EQ(code, exit_code_of(process));
        const auto events = log.wait_for(1);
        ASSERT_EQ(1u, events.size());
        EXPECT_EQ(HcsEventProcessExited, events[0].type);
        const auto data = parse(events[0].data);
        EXPECT_EQ(s.pid, data["ProcessId"].GetUint());
        EXPECT_TRUE(data["Exited"].GetBool());
        EXPECT_EQ(code, data["ExitCode"].GetUint());
        EXPECT_EQ(0, data["LastWaitResult"].GetInt());
        const auto props = parse(process_properties(process).document);
        EXPECT_EQ(code, props["ExitCode"].GetUint());
        EXPECT_TRUE(props["Exited"].GetBool());
        process.close();
        wait_idle();
        EXPECT_EQ(1u, log.snapshot().size());  // exactly once
    }
}

TEST_F(Processes, CatCopiesEightMiBByteExact) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    const std::string data = pattern(8u * 1024u * 1024u + 17u);
    std::thread writer([&] {
        EXPECT_TRUE(write_all(s.in.get(), data.data(), data.size()));
        s.in.reset();
        // hcsim, like HCS, keeps its own handle to stdin: end of stdin takes CloseHandle.
        EXPECT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);
    });
    const std::string copied = read_all(s.out.get());
    writer.join();
    EXPECT_EQ(data.size(), copied.size());
    EXPECT_TRUE(copied == data) << "cat's output differs from its input";
    EXPECT_EQ("", read_all(s.err.get()));
    EXPECT_EQ(0u, exit_code_of(process));
}

TEST_F(Processes, WriteToBothStreamsConcurrently) {
    Proc process;
    Started s = start(system_, params("write 1000000 both", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    std::string err;
    std::thread reader([&] { err = read_all(s.err.get()); });
    const std::string out = read_all(s.out.get());
    reader.join();
    const std::string expected = pattern(1000000);
    EXPECT_TRUE(out == expected);
    EXPECT_TRUE(err == expected);
    EXPECT_EQ(0u, exit_code_of(process));

    Proc only_err;
    Started e = start(system_, params("write 300 stderr", all_pipes), only_err);
    ASSERT_EQ(S_OK, e.hr);
    EXPECT_EQ(pattern(300), read_all(e.err.get()));
    EXPECT_EQ("", read_all(e.out.get()));
    EXPECT_EQ(0u, exit_code_of(only_err));
}

TEST_F(Processes, EmulateConsoleSendsStderrToStdout) {
    Proc process;
    Started s = start(system_, params("write 10 stderr", R"(,"EmulateConsole":true,"CreateStdOutPipe":true,"CreateStdErrPipe":true)"),
                      process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(nullptr, s.err.get());
    EXPECT_EQ(pattern(10), read_all(s.out.get()));
    EXPECT_EQ(0u, exit_code_of(process));
}

// hcsshim interface.go (Stdio): closing the caller's pipes "does not close the underlying
// pipes": HCS keeps its own handles, so a reader closing its end does not break the pipe and
// the writer blocks once it is full; CloseHandle StdOut (HcsModifyProcess) releases it and
// later output is discarded.
TEST_F(Processes, AReaderClosingItsEndDoesNotBreakThePipe) {
    Proc process;
    Started s = start(system_, params("write 5000000", out_pipe), process);
    ASSERT_EQ(S_OK, s.hr);
    s.out.reset();
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 100).hr);  // blocked on the full pipe
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdOut"}})").hr);
    EXPECT_EQ(0u, exit_code_of(process));
}

// The same for stdin (hcsshim process.go CloseStdin: HcsModifyProcess CloseHandle StdIn "so
// that the process is notified on the read side"): closing the caller's end is not enough.
TEST_F(Processes, ClosingTheCallersStdinEndIsNotEndOfStdin) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    ASSERT_TRUE(write_all(s.in.get(), "abc", 3));
    s.in.reset();
    char buffer[3] = {};
    ASSERT_EQ(3u, read_some(s.out.get(), buffer, 3));  // still copying
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 100).hr);
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);
    EXPECT_EQ("", read_all(s.out.get()));
    EXPECT_EQ(0u, exit_code_of(process));
}

TEST_F(Processes, EnvironmentAndWorkingDirectory) {
    Proc env;
    Started e = start(system_, params("env", R"(,"CreateStdOutPipe":true,"Environment":{"PATH":"C:\\bin","A":"1","Z":"last"})"),
                      env);
    ASSERT_EQ(S_OK, e.hr);
    EXPECT_EQ("A=1\r\nPATH=C:\\bin\r\nZ=last\r\n", read_all(e.out.get()));
    EXPECT_EQ(0u, exit_code_of(env));

    Proc cwd;
    Started c = start(system_, params("cwd", R"(,"CreateStdOutPipe":true,"WorkingDirectory":"C:\\work")"), cwd);
    ASSERT_EQ(S_OK, c.hr);
    EXPECT_EQ("C:\\work\r\n", read_all(c.out.get()));
    Proc default_cwd;
    Started d = start(system_, params("cwd", out_pipe), default_cwd);
    ASSERT_EQ(S_OK, d.hr);
    EXPECT_EQ("C:\\\r\n", read_all(d.out.get()));
    EXPECT_EQ(0u, exit_code_of(default_cwd));
}

TEST_F(Processes, SignalsEndSleep) {
    for (const char* signal : {"CtrlC", "CtrlBreak", "CtrlClose", "CtrlLogOff", "CtrlShutdown"}) {
        SCOPED_TRACE(signal);
        EventLog log;
        Proc process;
        Started s = start(system_, params("sleep 600000", out_pipe), process, &log);
        ASSERT_EQ(S_OK, s.hr);
        EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 10).hr);
        EXPECT_FALSE(parse(process_properties(process).document)["Exited"].GetBool());
        const std::string options = std::string(R"({"Signal":")") + signal + "\"}";
        EXPECT_EQ(S_OK, process_op(HcsSignalProcess, process, options.c_str()).hr);
        EXPECT_EQ(control_c_exit, exit_code_of(process));
        EXPECT_EQ("", read_all(s.out.get()));  // its pipe was closed
        ASSERT_EQ(1u, log.wait_for(1).size());
        EXPECT_EQ(control_c_exit, parse(log.snapshot()[0].data)["ExitCode"].GetUint());
        // Exited: signal, terminate and modify fail (see GoneProcessCodes).
        EXPECT_HR(hr_gone_invalid_state, process_op(HcsSignalProcess, process, options.c_str()).hr);
        EXPECT_HR(hr_access_denied, process_op(HcsTerminateProcess, process).hr);
        EXPECT_HR(HCS_E_PROCESS_ALREADY_STOPPED,
                  process_op(HcsModifyProcess, process, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"All"}})").hr);
    }
}

TEST_F(Processes, SignalsEndCatBlockedOnStdin) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(S_OK, process_op(HcsSignalProcess, process).hr);  // no options: CtrlC
    EXPECT_EQ(control_c_exit, exit_code_of(process));
}

TEST_F(Processes, IgnoreSignalsRunsUntilTerminated) {
    EventLog log;
    Proc process;
    Started s = start(system_, params("ignore-signals 600000", all_pipes), process, &log);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(S_OK, process_op(HcsSignalProcess, process, R"({"Signal":"CtrlC"})").hr);
    EXPECT_EQ(S_OK, process_op(HcsSignalProcess, process, R"({"Signal":"CtrlShutdown"})").hr);
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 50).hr);
    EXPECT_FALSE(parse(process_properties(process).document)["Exited"].GetBool());
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
    EXPECT_EQ(1u, exit_code_of(process));
    EXPECT_EQ(1u, parse(process_properties(process).document)["ExitCode"].GetUint());
    EXPECT_EQ(1u, log.wait_for(1).size());
}

TEST_F(Processes, TerminateEndsCatBlockedOnAFullStdout) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    // Fill stdout (nobody reads it) so the program blocks writing.
    std::thread writer([&] {
#if !defined(_WIN32)
        // Writing to a pipe whose reader is gone raises SIGPIPE: take EPIPE instead.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
#endif
        const std::string chunk(64 * 1024, 'x');
        for (int i = 0; i < 64; ++i) {
            if (!write_all(s.in.get(), chunk.data(), chunk.size())) break;  // broken once it ended
        }
    });
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
    EXPECT_EQ(1u, exit_code_of(process));
    writer.join();
}

TEST_F(Processes, CloseHandleStdInDeliversWrittenDataThenEndOfStream) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    ASSERT_TRUE(write_all(s.in.get(), "abc", 3));
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}})").hr);
    EXPECT_EQ("abc", read_all(s.out.get()));  // our stdin end is still open
    EXPECT_EQ(0u, exit_code_of(process));
}

TEST_F(Processes, ConsoleSizeFollowsModify) {
    Proc process;
    Started s = start(system_, params("console-size", R"(,"CreateStdInPipe":true,"CreateStdOutPipe":true,"ConsoleSize":[25,80])"),
                      process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ("80x25\r\n", read_line(s.out.get()));
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process,
                               R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":50,"Width":132}})").hr);
    EXPECT_EQ("132x50\r\n", read_line(s.out.get()));
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);
    EXPECT_EQ("", read_all(s.out.get()));
    EXPECT_EQ(0u, exit_code_of(process));

    Proc default_size;
    Started d = start(system_, params("console-size", out_pipe), default_size);
    ASSERT_EQ(S_OK, d.hr);
    EXPECT_EQ("80x25\r\n", read_all(d.out.get()));  // no stdin: end of stdin at once
}

TEST_F(Processes, ModifyAndSignalDocumentErrors) {
    Proc process;
    Started s = start(system_, params("sleep 600000"), process);
    ASSERT_EQ(S_OK, s.hr);
    for (const char* bad : {"{", "[]", R"({"Operation":"Resize"})", R"({"Operation":"ConsoleSize"})",
                            R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":70000,"Width":1}})",
                            R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdFoo"}})"}) {
        SCOPED_TRACE(bad);
        const Result r = process_op(HcsModifyProcess, process, bad);
        EXPECT_HR(HCS_E_INVALID_JSON, r.hr);
        EXPECT_EQ(static_cast<int32_t>(HCS_E_INVALID_JSON), parse(r.document)["Error"].GetInt());
    }
    {
        Op op;
        EXPECT_HR(E_INVALIDARG, HcsModifyProcess(process, op, nullptr));
    }
    EXPECT_HR(E_INVALIDARG, process_op(HcsSignalProcess, process, R"({"Signal":"CtrlZ"})").hr);
    EXPECT_HR(HCS_E_INVALID_JSON, process_op(HcsSignalProcess, process, R"({"Signal":3})").hr);
    EXPECT_HR(HCS_E_INVALID_JSON, process_op(HcsSignalProcess, process, "nope").hr);
    EXPECT_HR(HCS_E_INVALID_JSON, process_op(HcsGetProcessProperties, process, "[").hr);
    EXPECT_FALSE(parse(process_properties(process).document)["Exited"].GetBool());  // still running
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
}

TEST_F(Processes, CreateErrors) {
    Proc process;
    Op op;
    EXPECT_HR(E_INVALIDARG, HcsCreateProcess(system_, nullptr, op, nullptr, process.out()));
    EXPECT_HR(E_POINTER, HcsCreateProcess(system_, W("{}").c_str(), op, nullptr, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsCreateProcess(nullptr, W("{}").c_str(), op, nullptr, process.out()));

    Started unknown = start(system_, params("C:\\bin\\frobnicate.exe --now"), process);
    EXPECT_HR(hr_file_not_found, unknown.hr);
    const auto error = parse(unknown.document);
    EXPECT_EQ(static_cast<int32_t>(hr_file_not_found), error["Error"].GetInt());
    EXPECT_STREQ("HcsCreateProcess", error["ErrorEvents"][0]["Source"].GetString());
    EXPECT_EQ(0u, unknown.pid);
    // The failed create's handle refers to no process.
    EXPECT_HR(hr_not_found, process_properties(process).hr);
    EXPECT_HR(hr_not_found, wait_exit(process).hr);
    EXPECT_HR(hr_not_found, process_op(HcsTerminateProcess, process).hr);
    process.close();

    EXPECT_HR(HCS_E_INVALID_JSON, start(system_, "{not json", process).hr);
    process.close();
    EXPECT_HR(HCS_E_INVALID_JSON, start(system_, R"({"CommandLine":7})", process).hr);
    process.close();
    EXPECT_HR(HCS_E_INVALID_JSON, start(system_, params("echo", R"(,"Environment":{"A":1})"), process).hr);
    process.close();
    EXPECT_HR(E_INVALIDARG, start(system_, R"({"CommandLine":"   "})", process).hr);
    process.close();

    Sys created;
    ASSERT_EQ(S_OK, create_system("not-started", container_config(), created).hr);
    EXPECT_HR(HCS_E_INVALID_STATE, start(created, params("echo"), process).hr);
    process.close();
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, created).hr);
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, start(created, params("echo"), process).hr);  // stopped = cleaned up
}

TEST_F(Processes, OperationTypeProcessHandleAndHandOverOnce) {
    Proc process;
    Op op;
    ASSERT_EQ(S_OK, HcsCreateProcess(system_, W(params("echo hi", out_pipe)).c_str(), op, nullptr, process.out()));
    EXPECT_EQ(process.get(), HcsGetProcessFromOperation(op));
    EXPECT_EQ(system_.get(), HcsGetComputeSystemFromOperation(op));
    EXPECT_EQ(HcsOperationTypeCreateProcess, HcsGetOperationType(op));
    ASSERT_EQ(S_OK, op.wait());  // the plain wait hands nothing out
    HCS_PROCESS_INFORMATION first{};
    ASSERT_EQ(S_OK, HcsGetOperationResultAndProcessInfo(op, &first, nullptr));
    EXPECT_NE(nullptr, first.StdOutput);
    End out(first.StdOutput);
    HCS_PROCESS_INFORMATION second{};
    ASSERT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, 0, &second, nullptr));
    EXPECT_EQ(first.ProcessId, second.ProcessId);
    EXPECT_EQ(nullptr, second.StdOutput);  // handed out once: the caller owns them
    EXPECT_EQ("hi\r\n", read_all(out.get()));
    EXPECT_EQ(0u, exit_code_of(process));
    process.close();
    EXPECT_EQ(nullptr, HcsGetProcessFromOperation(op));
}

// hcsshim internal/hcs/v2/system.go (createProcess): a client whose create operation's result
// is spuriously broken recovers the pid and the pipes with HcsGetProcessInfo. The create
// operation's unclaimed ends are closed with it (the descriptor count of TearDown checks).
TEST_F(Processes, GetProcessInfoRecoversThePipesOfAnUnclaimedCreate) {
    Proc process;
    {
        Op op;
        ASSERT_EQ(S_OK, HcsCreateProcess(system_, W(params("cat", all_pipes)).c_str(), op, nullptr, process.out()));
        ASSERT_EQ(S_OK, op.wait());  // the plain wait hands nothing out
    }
    Info info = process_info(process);
    ASSERT_EQ(S_OK, info.hr);
    EXPECT_GE(info.pid, 1000u);
    ASSERT_NE(nullptr, info.in.get());
    ASSERT_NE(nullptr, info.out.get());
    ASSERT_NE(nullptr, info.err.get());
    ASSERT_TRUE(write_all(info.in.get(), "xyz", 3));
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);
    EXPECT_EQ("xyz", read_all(info.out.get()));
    EXPECT_EQ("", read_all(info.err.get()));
    EXPECT_EQ(0u, exit_code_of(process));
}

TEST_F(Processes, OpenProcessAndGetProcessInfo) {
    Proc process;
    const std::string parameters = params("sleep 600000", all_pipes);
    Started s = start(system_, parameters, process);
    ASSERT_EQ(S_OK, s.hr);
    Proc opened;
    ASSERT_EQ(S_OK, HcsOpenProcess(system_, s.pid, GENERIC_ALL, opened.out()));
    EXPECT_NE(process.get(), opened.get());
    Proc missing;
    EXPECT_HR(hr_not_found, HcsOpenProcess(system_, s.pid + 1, GENERIC_ALL, missing.out()));
    EXPECT_EQ(nullptr, missing.get());
    EXPECT_HR(E_POINTER, HcsOpenProcess(system_, s.pid, GENERIC_ALL, nullptr));

    Op op;
    ASSERT_EQ(S_OK, HcsGetProcessInfo(opened, op));
    HCS_PROCESS_INFORMATION info{};
    PWSTR doc = nullptr;
    ASSERT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &info, &doc));
    EXPECT_EQ(HcsOperationTypeGetProcessInfo, HcsGetOperationType(op));
    EXPECT_EQ(s.pid, info.ProcessId);
    // New handles to the pipes, for any handle of the process (see GetProcessInfo* tests).
    End in(info.StdInput);
    End out(info.StdOutput);
    End err(info.StdError);
    EXPECT_NE(nullptr, in.get());
    EXPECT_NE(nullptr, out.get());
    EXPECT_NE(nullptr, err.get());
    EXPECT_STREQ("sleep 600000", parse(take(doc))["CommandLine"].GetString());

    // Closing handles never ends the process; the opened handle terminates it.
    process.close();
    EXPECT_FALSE(parse(process_properties(opened).document)["Exited"].GetBool());
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, opened).hr);
    // Still known while a handle is open, even exited.
    Proc again;
    ASSERT_EQ(S_OK, HcsOpenProcess(system_, s.pid, GENERIC_ALL, again.out()));
    EXPECT_EQ(1u, exit_code_of(again));
    opened.close();
    again.close();
    EXPECT_HR(hr_not_found, HcsOpenProcess(system_, s.pid, GENERIC_ALL, missing.out()));
}

TEST_F(Processes, SystemStopEndsItsProcesses) {
    EventLog log_a;
    EventLog log_b;
    Proc a;
    Proc b;
    Started sa = start(system_, params("sleep 600000", all_pipes), a, &log_a);
    Started sb = start(system_, params("cat", all_pipes), b, &log_b);
    ASSERT_EQ(S_OK, sa.hr);
    ASSERT_EQ(S_OK, sb.hr);
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system_).hr);
    EXPECT_EQ(1u, exit_code_of(a));
    EXPECT_EQ(1u, exit_code_of(b));
    EXPECT_EQ("", read_all(sa.out.get()));
    EXPECT_EQ("", read_all(sb.out.get()));
    ASSERT_EQ(1u, log_a.wait_for(1).size());
    ASSERT_EQ(1u, log_b.wait_for(1).size());
    EXPECT_EQ(1u, parse(log_b.snapshot()[0].data)["ExitCode"].GetUint());
    // The handles keep working after the system stopped.
    const auto props = parse(process_properties(a).document);
    EXPECT_TRUE(props["Exited"].GetBool());
    EXPECT_EQ(sa.pid, props["ProcessId"].GetUint());
    EXPECT_HR(hr_gone_system_not_found, process_op(HcsSignalProcess, a).hr);
}

TEST_F(Processes, ShutdownAndCrashEndProcessesToo) {
    for (auto entry : {HcsShutDownComputeSystem, HcsCrashComputeSystem}) {
        Sys system;
        ASSERT_EQ(S_OK, create_system("", vm_config(), system).hr);  // crash is VM-only
        ASSERT_EQ(S_OK, run(HcsStartComputeSystem, system).hr);
        Proc process;
        ASSERT_EQ(S_OK, start(system, params("ignore-signals 600000"), process).hr);
        ASSERT_EQ(S_OK, run(entry, system).hr);
        EXPECT_EQ(1u, exit_code_of(process));
    }
}

TEST_F(Processes, CallbackRulesAndWaitTimeouts) {
    EventLog log;  // outlives the handles whose callback it is
    EventLog log2;
    Proc process;
    Started s = start(system_, params("sleep 600000"), process, &log);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET,
              HcsSetProcessCallback(process, HcsEventOptionNone, &log, EventLog::callback));
    EXPECT_HR(E_INVALIDARG, HcsSetProcessCallback(process, HcsEventOptionNone, &log, nullptr));
    EXPECT_HR(E_INVALIDARG, HcsSetProcessCallback(nullptr, HcsEventOptionNone, &log, EventLog::callback));
    EXPECT_HR(E_HANDLE, HcsSetProcessCallback(reinterpret_cast<HCS_PROCESS>(0x7777), HcsEventOptionNone, &log,
                                              EventLog::callback));
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 0).hr);
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 20).hr);
    EXPECT_HR(E_INVALIDARG, HcsWaitForProcessExit(nullptr, 0, nullptr));

    // A second handle with its own callback: each gets the event once.
    Proc opened;
    ASSERT_EQ(S_OK, HcsOpenProcess(system_, s.pid, GENERIC_ALL, opened.out()));
    ASSERT_EQ(S_OK, HcsSetProcessCallback(opened, HcsEventOptionNone, &log2, EventLog::callback));
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
    EXPECT_EQ(1u, log.wait_for(1).size());
    EXPECT_EQ(1u, log2.wait_for(1).size());
    wait_idle();
    EXPECT_EQ(1u, log.snapshot().size());
    EXPECT_EQ(1u, log2.snapshot().size());
}

TEST_F(Processes, ClosingTheHandleEndsAWaitOnIt) {
    Proc process;
    Started s = start(system_, params("sleep 600000"), process);
    ASSERT_EQ(S_OK, s.hr);
    Proc keeper;
    ASSERT_EQ(S_OK, HcsOpenProcess(system_, s.pid, GENERIC_ALL, keeper.out()));
    HRESULT waited = S_OK;
    std::thread waiter([&] { waited = HcsWaitForProcessExit(process.get(), INFINITE, nullptr); });
    EXPECT_TRUE(await_waiting_calls(1));  // the close meets a blocked wait
    process.close();
    waiter.join();
    EXPECT_HR(E_HANDLE, waited);
    EXPECT_FALSE(parse(process_properties(keeper).document)["Exited"].GetBool());  // close never kills
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, keeper).hr);
}

TEST_F(Processes, OperationCallbacksOnTheProcessHandle) {
    EventLog log;
    Proc process;
    Started s = start(system_, params("sleep 600000"), process);
    ASSERT_EQ(S_OK, s.hr);
    ASSERT_EQ(S_OK, HcsSetProcessCallback(process, HcsEventOptionEnableOperationCallbacks, &log, EventLog::callback));
    Op op;
    ASSERT_EQ(S_OK, HcsGetProcessProperties(process, op, nullptr));
    ASSERT_EQ(S_OK, op.wait());
    const auto events = log.wait_for(1);
    ASSERT_GE(events.size(), 1u);
    EXPECT_EQ(HcsEventOperationCallback, events[0].type);
    EXPECT_EQ(op.get(), events[0].operation);
    Op with_callback([](HCS_OPERATION, void*) {}, nullptr);
    EXPECT_HR(HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET, HcsGetProcessProperties(process, with_callback, nullptr));
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
}

TEST_F(Processes, FaultsAndLatencyApply) {
    Proc failed;
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsCreateProcess", 1, E_FAIL, HCSIM_FAULT_ASYNC));
    EXPECT_HR(E_FAIL, start(system_, params("echo"), failed).hr);
    EXPECT_HR(hr_not_found, wait_exit(failed).hr);

    Proc process;
    ASSERT_EQ(S_OK, HcsimSetLatency("HcsCreateProcess", 20));
    Started s = start(system_, params("sleep 600000"), process);
    ASSERT_EQ(S_OK, s.hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsSignalProcess", 1, HCS_E_ACCESS_DENIED, HCSIM_FAULT_IMMEDIATE));
    Op op;
    EXPECT_HR(HCS_E_ACCESS_DENIED, HcsSignalProcess(process, op, nullptr));
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsWaitForProcessExit", 1, HCS_E_ACCESS_DENIED, HCSIM_FAULT_IMMEDIATE));
    EXPECT_HR(HCS_E_ACCESS_DENIED, wait_exit(process, 0).hr);
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsOpenProcess", 1, HCS_E_ACCESS_DENIED, HCSIM_FAULT_IMMEDIATE));
    Proc opened;
    EXPECT_HR(HCS_E_ACCESS_DENIED, HcsOpenProcess(system_, s.pid, GENERIC_ALL, opened.out()));
    EXPECT_HR(E_INVALIDARG, HcsimFailNextCalls("HcsCloseProcess", 1, E_FAIL, HCSIM_FAULT_IMMEDIATE));
    ASSERT_EQ(S_OK, HcsimFailNextCalls("HcsTerminateProcess", 1, HCS_E_ACCESS_DENIED, HCSIM_FAULT_ASYNC));
    EXPECT_HR(HCS_E_ACCESS_DENIED, process_op(HcsTerminateProcess, process).hr);
    EXPECT_FALSE(parse(process_properties(process).document)["Exited"].GetBool());
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
}

TEST_F(Processes, ResetEndsAndForgetsProcesses) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(1u, live().process_handles);
    ASSERT_EQ(S_OK, HcsimReset());
    EXPECT_EQ(1u, exit_code_of(process));  // the handle stays valid
    EXPECT_EQ("", read_all(s.out.get()));
    Proc opened;
    EXPECT_HR(HCS_E_SYSTEM_NOT_FOUND, HcsOpenProcess(system_, s.pid, GENERIC_ALL, opened.out()));
}

#if defined(_WIN32)
TEST_F(Processes, CallerEndsWorkWithPeekNamedPipe) {
    Proc process;
    Started s = start(system_, params("echo peek", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(0u, exit_code_of(process));
    DWORD available = 0;
    ASSERT_TRUE(::PeekNamedPipe(s.out.get(), nullptr, 0, nullptr, &available, nullptr));
    EXPECT_EQ(6u, available);  // the data outlives the writer
    EXPECT_EQ("peek\r\n", read_all(s.out.get()));
    EXPECT_FALSE(::PeekNamedPipe(s.out.get(), nullptr, 0, nullptr, &available, nullptr));
    EXPECT_EQ(static_cast<DWORD>(ERROR_BROKEN_PIPE), ::GetLastError());
    DWORD written = 0;
    EXPECT_FALSE(zlhcs_test::os_pipe_write(s.in.get(), "x", 1, written));  // the reader is gone
}

// docs/hcsim.md, Processes: the caller's ends are overlapped, as HCS's are (hcsshim hands
// them to go-winio's overlapped I/O); HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO makes them synchronous.
TEST_F(Processes, CallerEndsAreOverlappedUnlessTheSynchronousStdioSwitchIsOn) {
    for (const bool synchronous : {false, true}) {
        SCOPED_TRACE(synchronous ? "synchronous" : "overlapped");
        const uint32_t before = HcsimGetBehavior();
        ASSERT_EQ(S_OK, HcsimSetBehavior(synchronous ? (before | HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO)
                                                     : (before & ~HCSIM_BEHAVIOR_SYNCHRONOUS_STDIO)));
        Proc process;
        Started s = start(system_, params("cat", all_pipes), process);
        ASSERT_EQ(S_OK, HcsimSetBehavior(before));
        ASSERT_EQ(S_OK, s.hr);
        for (HANDLE h : {s.in.get(), s.out.get(), s.err.get()}) {
            const std::optional<ULONG> mode = zlhcs_common::file_mode(h);
            ASSERT_TRUE(mode.has_value()) << "FileModeInformation refused";
            EXPECT_EQ(synchronous, (*mode & zlhcs_common::synchronous_io_modes) != 0);
        }
        const std::string text = "both ways\n";
        DWORD written = 0;
        ASSERT_TRUE(zlhcs_test::os_pipe_write(s.in.get(), text.data(), static_cast<DWORD>(text.size()), written));
        EXPECT_EQ(text.size(), written);
        s.in.reset();
        ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);  // end of stdin: cat ends
        EXPECT_EQ(text, read_all(s.out.get()));  // cat copies verbatim
        EXPECT_EQ(0u, exit_code_of(process));
    }
}
#endif

// Point 15. Reference/HcsCreateProcess.md (Remarks: the std handles can "still" be got
// through HcsGetProcessInfo), HcsGetProcessInfo.md (the result is an HCS_PROCESS_INFORMATION),
// hcsshim process.go StdioLegacy (the handles are "the responsibility of the caller to
// close") and interface.go Stdio ("it should be possible to call this multiple times to get
// multiple interfaces"): every HcsGetProcessInfo hands out NEW handles to the same pipes,
// owned by the caller, handed out once per operation; an operation closed unclaimed closes them.
TEST_F(Processes, GetProcessInfoHandsOutNewHandlesToTheSamePipesEachCall) {
    Proc process;
    Started s = start(system_, params("cat", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    Info first = process_info(process);
    Info second = process_info(process);
    ASSERT_EQ(S_OK, first.hr);
    ASSERT_EQ(S_OK, second.hr);
    EXPECT_EQ(s.pid, first.pid);
    EXPECT_EQ(s.pid, second.pid);
    for (HANDLE h : {first.in.get(), first.out.get(), first.err.get(), second.in.get()}) {
        EXPECT_NE(nullptr, h);
        EXPECT_NE(s.in.get(), h);
        EXPECT_NE(s.out.get(), h);
    }
    EXPECT_NE(first.in.get(), second.in.get());
    // Same pipes: what goes in through any stdin handle comes out of any stdout handle.
    ASSERT_TRUE(write_all(first.in.get(), "one", 3));
    char buffer[3] = {};
    ASSERT_EQ(3u, read_some(s.out.get(), buffer, 3));
    EXPECT_EQ("one", std::string(buffer, 3));
    ASSERT_TRUE(write_all(second.in.get(), "two", 3));
    ASSERT_EQ(3u, read_some(second.out.get(), buffer, 3));
    EXPECT_EQ("two", std::string(buffer, 3));
    {
        // Handed out once per operation; a later call on it reports the pid only.
        Op op;
        ASSERT_EQ(S_OK, HcsGetProcessInfo(process, op));
        HCS_PROCESS_INFORMATION taken{};
        ASSERT_EQ(S_OK, HcsWaitForOperationResultAndProcessInfo(op, INFINITE, &taken, nullptr));
        End taken_in(taken.StdInput), taken_out(taken.StdOutput), taken_err(taken.StdError);
        HCS_PROCESS_INFORMATION again{};
        ASSERT_EQ(S_OK, HcsGetOperationResultAndProcessInfo(op, &again, nullptr));
        EXPECT_EQ(s.pid, again.ProcessId);
        EXPECT_EQ(nullptr, again.StdInput);
        EXPECT_EQ(nullptr, again.StdOutput);
        EXPECT_EQ(nullptr, again.StdError);
        Op unclaimed;
        ASSERT_EQ(S_OK, HcsGetProcessInfo(process, unclaimed));
        ASSERT_EQ(S_OK, unclaimed.wait());
    }  // closing `unclaimed` closes its handles (TearDown counts descriptors)
    // The caller closing every stdin handle it holds is not end of stdin: HCS holds one too.
    s.in.reset();
    first.in.reset();
    second.in.reset();
    EXPECT_HR(HCS_E_OPERATION_TIMEOUT, wait_exit(process, 50).hr);
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, close_stdin).hr);
    EXPECT_EQ(0u, exit_code_of(process));
    EXPECT_EQ("", read_all(first.out.get()));  // every stdout handle sees the end
    EXPECT_EQ("", read_all(s.out.get()));
}

// Point 15. A pipe closed with CloseHandle is no longer handed out; a process without pipes
// gets none.
TEST_F(Processes, GetProcessInfoHandsOutOnlyThePipesStillOpen) {
    Proc process;
    Started s = start(system_, params("sleep 600000", all_pipes), process);
    ASSERT_EQ(S_OK, s.hr);
    ASSERT_EQ(S_OK, process_op(HcsModifyProcess, process, R"({"Operation":"CloseHandle","CloseHandle":{"Handle":"StdErr"}})").hr);
    Info info = process_info(process);
    ASSERT_EQ(S_OK, info.hr);
    EXPECT_NE(nullptr, info.in.get());
    EXPECT_NE(nullptr, info.out.get());
    EXPECT_EQ(nullptr, info.err.get());
    Proc bare;
    ASSERT_EQ(S_OK, start(system_, params("sleep 600000"), bare).hr);
    Info none = process_info(bare);
    ASSERT_EQ(S_OK, none.hr);
    EXPECT_NE(0u, none.pid);
    EXPECT_EQ(nullptr, none.in.get());
    EXPECT_EQ(nullptr, none.out.get());
    EXPECT_EQ(nullptr, none.err.get());
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, bare).hr);
    EXPECT_EQ(1u, exit_code_of(bare));
}

// Point 15. hcsshim internal/hcs/v2/system.go (createProcess's comment): HcsGetProcessInfo
// after the exit "surfaces as HCS_E_PROCESS_ALREADY_STOPPED"; also once its system stopped.
TEST_F(Processes, GetProcessInfoFailsAfterTheExit) {
    Proc process;
    Started s = start(system_, params("echo bye", out_pipe), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ(0u, exit_code_of(process));
    Info info = process_info(process);
    EXPECT_HR(HCS_E_PROCESS_ALREADY_STOPPED, info.hr);
    EXPECT_EQ(nullptr, info.out.get());
    EXPECT_EQ("bye\r\n", read_all(s.out.get()));  // the create's handles stay the caller's

    Proc running;
    ASSERT_EQ(S_OK, start(system_, params("sleep 600000", all_pipes), running).hr);
    ASSERT_EQ(S_OK, run(HcsTerminateComputeSystem, system_).hr);
    EXPECT_HR(HCS_E_PROCESS_ALREADY_STOPPED, process_info(running).hr);
    EXPECT_EQ(1u, exit_code_of(running));
    EXPECT_HR(HCS_E_PROCESS_ALREADY_STOPPED, process_info(running).hr);
}

// Point 16. hcsshim internal/hcs/v2/process.go: Kill "signals the process to terminate but
// does not wait for it to finish terminating": the operation succeeds once the termination is
// requested; the exit comes later, by event and HcsWaitForProcessExit. A repeat before the
// exit gives HCS_E_PROCESS_ALREADY_STOPPED ("if for any reason HcsTerminateProcess is called
// twice in a very short amount of time"), after the exit ERROR_ACCESS_DENIED ("After a process
// has terminated, call to TerminateProcess ... fails with ERROR_ACCESS_DENIED").
TEST_F(Processes, TerminateDoesNotWaitForTheExit) {
    for (int i = 0; i < 20; ++i) {
        EventLog log;
        Proc process;
        Started s = start(system_, params("sleep 600000"), process, &log);
        ASSERT_EQ(S_OK, s.hr);
        EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process).hr);
        // Before or after the exit, depending on timing: the two codes hcsshim tolerates.
        const HRESULT repeat = process_op(HcsTerminateProcess, process).hr;
        EXPECT_TRUE(repeat == HCS_E_PROCESS_ALREADY_STOPPED || repeat == hr_access_denied)
            << std::hex << static_cast<uint32_t>(repeat);
        // Signalling it meanwhile: the process is gone (hcsshim processSignalResult).
        EXPECT_HR(hr_gone_invalid_state, process_op(HcsSignalProcess, process).hr);
        EXPECT_EQ(1u, exit_code_of(process));
        ASSERT_EQ(1u, log.wait_for(1).size());
        EXPECT_HR(hr_access_denied, process_op(HcsTerminateProcess, process).hr);
    }
}

// Point 16. The codes for calls on a gone process (hcsshim process.go Kill/Signal and
// errors.go), each the one of those hcsshim tolerates that is hardest on a client:
// - signal of an exited process: ErrVmcomputeOperationInvalidState, 0xC0370105 (the
//   severity-bit form of HCS_E_INVALID_STATE, which a client must classify like 0x80370105);
// - terminate of an exited process: E_ACCESSDENIED (TerminateProcess's rule);
// - modify of an exited process: HCS_E_PROCESS_ALREADY_STOPPED (process.go CloseStdin: "will
//   fail if the process has already exited");
// - signal, terminate or modify once its system stopped: ErrComputeSystemDoesNotExist,
//   0xC037010E; properties and the exit wait keep working.
TEST_F(Processes, GoneProcessCodes) {
    Proc exited;
    ASSERT_EQ(S_OK, start(system_, params("exit 3"), exited).hr);
    EXPECT_EQ(3u, exit_code_of(exited));
    EXPECT_HR(hr_gone_invalid_state, process_op(HcsSignalProcess, exited, R"({"Signal":"CtrlBreak"})").hr);
    EXPECT_HR(hr_access_denied, process_op(HcsTerminateProcess, exited).hr);
    EXPECT_HR(HCS_E_PROCESS_ALREADY_STOPPED,
              process_op(HcsModifyProcess, exited, R"({"Operation":"ConsoleSize","ConsoleSize":{"Height":1,"Width":1}})").hr);
    const Result r = process_op(HcsTerminateProcess, exited);
    EXPECT_EQ(static_cast<int32_t>(hr_access_denied), parse(r.document)["Error"].GetInt());

    Proc running;
    ASSERT_EQ(S_OK, start(system_, params("ignore-signals 600000", all_pipes), running).hr);
    ASSERT_EQ(S_OK, run(HcsShutDownComputeSystem, system_).hr);
    EXPECT_HR(hr_gone_system_not_found, process_op(HcsSignalProcess, running).hr);
    EXPECT_HR(hr_gone_system_not_found, process_op(HcsTerminateProcess, running).hr);
    EXPECT_HR(hr_gone_system_not_found, process_op(HcsModifyProcess, running, close_stdin).hr);
    EXPECT_EQ(1u, exit_code_of(running));
    EXPECT_HR(hr_gone_system_not_found, process_op(HcsTerminateProcess, running).hr);
    EXPECT_TRUE(parse(process_properties(running).document)["Exited"].GetBool());
}

// Reference/HcsTerminateProcess.md: options "Reserved for future use. Must be NULL." hcsshim
// (process.go Kill) passes "", so the empty string is accepted; anything else fails the
// operation with E_INVALIDARG (assumption: the hardest reading of "must be NULL").
TEST_F(Processes, TerminateOptionsMustBeNull) {
    Proc process;
    ASSERT_EQ(S_OK, start(system_, params("sleep 600000"), process).hr);
    EXPECT_HR(E_INVALIDARG, process_op(HcsTerminateProcess, process, "{}").hr);
    EXPECT_HR(E_INVALIDARG, process_op(HcsTerminateProcess, process, " ").hr);
    EXPECT_FALSE(parse(process_properties(process).document)["Exited"].GetBool());
    EXPECT_EQ(S_OK, process_op(HcsTerminateProcess, process, "").hr);
    EXPECT_EQ(1u, exit_code_of(process));
}

// SchemaReference.md ProcessParameters: RestrictedToken, UseExistingLogin, UseLegacyConsole
// are bools. (The security descriptor: namespace_security_test.cpp.)
TEST_F(Processes, CreateRejectsMistypedFlags) {
    for (const char* flag : {"RestrictedToken", "UseExistingLogin", "UseLegacyConsole"}) {
        SCOPED_TRACE(flag);
        Proc bad;
        EXPECT_HR(HCS_E_INVALID_JSON, start(system_, params("echo", std::string(",\"") + flag + "\":1"), bad).hr);
        Proc good;
        ASSERT_EQ(S_OK, start(system_, params("echo", std::string(",\"") + flag + "\":true"), good).hr);
        EXPECT_EQ(0u, exit_code_of(good));
    }
}

// Each process keeps its own list of handles (no walk over every process handle per exit):
// with many other processes and handles around, each exit reaches exactly its own handles.
TEST_F(Processes, ExitEventsReachOnlyTheProcesssOwnHandles) {
    constexpr int count = 8;
    std::vector<std::unique_ptr<EventLog>> logs;
    std::vector<std::unique_ptr<Proc>> processes;
    std::vector<std::unique_ptr<Proc>> opened;
    std::vector<DWORD> pids;
    for (int i = 0; i < count; ++i) {
        logs.push_back(std::make_unique<EventLog>());
        processes.push_back(std::make_unique<Proc>());
        Started s = start(system_, params("sleep 600000"), *processes.back(), logs.back().get());
        ASSERT_EQ(S_OK, s.hr);
        pids.push_back(s.pid);
        opened.push_back(std::make_unique<Proc>());
        ASSERT_EQ(S_OK, HcsOpenProcess(system_, s.pid, GENERIC_ALL, opened.back()->out()));
    }
    EventLog opened_log;  // on the opened handle of process 3
    ASSERT_EQ(S_OK, HcsSetProcessCallback(*opened[3], HcsEventOptionNone, &opened_log, EventLog::callback));
    ASSERT_EQ(S_OK, process_op(HcsTerminateProcess, *processes[3]).hr);
    EXPECT_EQ(1u, exit_code_of(*opened[3]));
    ASSERT_EQ(1u, logs[3]->wait_for(1).size());
    ASSERT_EQ(1u, opened_log.wait_for(1).size());
    EXPECT_EQ(pids[3], parse(opened_log.snapshot()[0].data)["ProcessId"].GetUint());
    wait_idle();
    for (int i = 0; i < count; ++i) {
        if (i != 3) {
            EXPECT_EQ(0u, logs[i]->snapshot().size()) << i;
        }
    }
    for (int i = 0; i < count; ++i) {
        if (i != 3) {
            ASSERT_EQ(S_OK, process_op(HcsTerminateProcess, *processes[i]).hr);
        }
    }
    for (int i = 0; i < count; ++i) EXPECT_EQ(1u, exit_code_of(*processes[i]));
    for (int i = 0; i < count; ++i) EXPECT_EQ(1u, logs[i]->wait_for(1).size());
    processes.clear();
    opened.clear();
}

TEST_F(Processes, BadProgramArgumentsExitWith87) {
    Proc process;
    Started s = start(system_, params("sleep soon", R"(,"CreateStdErrPipe":true)"), process);
    ASSERT_EQ(S_OK, s.hr);
    EXPECT_EQ("hcsim: sleep: usage: sleep <milliseconds>\r\n", read_all(s.err.get()));
    EXPECT_EQ(87u, exit_code_of(process));
}

}  // namespace
}  // namespace hcsim_test
