// How process calls fail: creation without a running system, unknown programs and pids,
// closed, absent and broken pipes, an exited process, NULL out-parameters, bad streams and
// bad documents.
#include "processes_fixture.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <csignal>
#endif

namespace zlhcs_core_test {
namespace {

constexpr zlhcs_hresult hr_not_found = ZLHCS_WIN32_E_NOT_FOUND;

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

}  // namespace
}  // namespace zlhcs_core_test
