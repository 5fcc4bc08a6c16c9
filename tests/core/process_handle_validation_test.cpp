// Handle validation: every process function refuses closed, forged and foreign handles, and
// a closed system handle does not end the processes created through it.
#include "processes_fixture.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace zlhcs_core_test {
namespace {

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
    for (int32_t stream : {ZLHCS_STDIN, ZLHCS_STDOUT, ZLHCS_STDERR}) {
        f.push_back({"zlhcs_process_stdio_interrupt", [stream](zlhcs_process h, callback_probe&) {
                         return zlhcs_process_stdio_interrupt(h, static_cast<uint32_t>(stream), 1);
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

}  // namespace
}  // namespace zlhcs_core_test
