// The out-parameter rule of zlhcs.h, for every process export through every way it can fail.
//
// The rule: documents are written on success and on failure (HCS's result or error document,
// or NULL) and the caller frees them; everything else is written on success only and is 0 on
// failure, except the handle a timed-out create hands out and the count a stdio write reports.
// The ways to fail: bad handles, NULL arguments, injected HCS failures (each entry point, both
// modes, and HcsCreateOperation), a disconnected service, an exited process. What the caller
// owns is freed or closed here, so under LeakSanitizer (the asan preset) a document zlhcs
// handed out without saying so is a leak, and hcsim's live-object check catches unclosed
// handles.
#include "processes_fixture.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace zlhcs_core_test {
namespace {

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
}  // namespace zlhcs_core_test
