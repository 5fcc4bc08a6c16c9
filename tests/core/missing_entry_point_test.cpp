// A backend that lacks entry points: every call that needs one fails with
// ZLHCS_E_NOT_SUPPORTED naming it, never crashes; what the backend has keeps working.
//
// zlhcs chooses its backend once per process, and this suite's process uses hcsim, so the
// checks run in a child process (a gtest death test, "threadsafe" style: the child re-executes
// this binary and runs only this test) that initialises zlhcs with the incomplete stub backend
// (stub_backend.cpp) built beside the test.
#include "../common/executable_dir.h"
#include <zlhcs/zlhcs.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <climits>
#include <unistd.h>
#endif

namespace {

using zlhcs_test::executable_dir;

int failures = 0;

void check(bool ok, const char* what, zlhcs_hresult hr) {
    if (ok) return;
    ++failures;
    zlhcs_error e{};
    e.struct_size = sizeof e;
    (void)zlhcs_last_error(&e);
    std::fprintf(stderr, "FAILED: %s (returned 0x%08X; last error 0x%08X \"%s\" function \"%s\")\n",
                 what, static_cast<unsigned>(hr), static_cast<unsigned>(e.code),
                 e.message != nullptr ? e.message : "", e.function != nullptr ? e.function : "");
}

// The call failed with ZLHCS_E_NOT_SUPPORTED and the last error names `entry_point`.
void expect_not_supported(zlhcs_hresult hr, const char* call, const char* entry_point) {
    const std::string what = std::string(call) + " -> ZLHCS_E_NOT_SUPPORTED naming " + entry_point;
    check(hr == ZLHCS_E_NOT_SUPPORTED, what.c_str(), hr);
    zlhcs_error e{};
    e.struct_size = sizeof e;
    (void)zlhcs_last_error(&e);
    check(e.code == ZLHCS_E_NOT_SUPPORTED, (what + ": last error code").c_str(), hr);
    check(e.category == ZLHCS_CATEGORY_NOT_SUPPORTED, (what + ": category").c_str(), hr);
    check(e.function != nullptr && std::string(e.function) == entry_point,
          (what + ": last error function").c_str(), hr);
    check(e.message != nullptr && std::string(e.message).find(entry_point) != std::string::npos,
          (what + ": message names it").c_str(), hr);
}

[[noreturn]] void run_against_stub_backend() {
    const std::string dir = executable_dir();
    const std::string stub = dir + ZLHCS_CORE_STUB_BACKEND_NAME;
    const std::string missing = dir + "no-such-backend-library.bin";

    zlhcs_init_options options{};
    options.struct_size = sizeof options;
    options.backend = ZLHCS_BACKEND_PATH;
    options.backend_path = missing.c_str();
    zlhcs_hresult hr = zlhcs_init(&options);
    check(hr == ZLHCS_E_BACKEND_UNAVAILABLE, "init with a missing library -> BACKEND_UNAVAILABLE", hr);

    options.backend_path = stub.c_str();
    hr = zlhcs_init(&options);
    check(hr == ZLHCS_S_OK, "init with the stub backend after a failed load", hr);
    hr = zlhcs_init(&options);
    check(hr == ZLHCS_S_FALSE, "init again with the same options -> S_FALSE", hr);

    char* text = nullptr;
    hr = zlhcs_backend_path(&text);
    check(hr == ZLHCS_S_OK && text != nullptr &&
              std::string(text).find(ZLHCS_CORE_STUB_BACKEND_NAME) != std::string::npos,
          "backend_path names the stub", hr);
    zlhcs_free(text);

    // Host-wide calls whose entry points are missing.
    text = nullptr;
    expect_not_supported(zlhcs_service_properties(nullptr, &text), "zlhcs_service_properties",
                         "HcsGetServiceProperties");
    check(text == nullptr, "no output from a failed service_properties", 0);
    expect_not_supported(zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &text), "zlhcs_enumerate",
                         "HcsEnumerateComputeSystems");
    zlhcs_operation op = 0xBAD;
    expect_not_supported(zlhcs_system_enumerate_async(nullptr, nullptr, nullptr, nullptr, nullptr, &op), "zlhcs_enumerate_async",
                         "HcsEnumerateComputeSystems");
    check(op == 0, "no operation from a failed enumerate_async", 0);
    // HcsOpenComputeSystem is a core entry point (a backend without it is refused): the
    // stub has it, and its answer comes through.
    zlhcs_system system = 0xBAD;
    hr = zlhcs_system_open("any", nullptr, &system);
    check(hr == ZLHCS_HCS_E_SYSTEM_NOT_FOUND, "zlhcs_system_open passes the stub's HCS_E_SYSTEM_NOT_FOUND", hr);
    check(system == 0, "no handle from a failed open", 0);
    // Namespaces need the InNamespace entry points, which the stub (like hosts before
    // Windows 10 2004) lacks: each call names the one it needs.
    zlhcs_call_options in_namespace{};
    in_namespace.struct_size = sizeof in_namespace;
    in_namespace.namespace_id = "ns";
    expect_not_supported(zlhcs_system_create("n", "{}", &in_namespace, ZLHCS_INFINITE, &system, nullptr),
                         "zlhcs_system_create in a namespace", "HcsCreateComputeSystemInNamespace");
    check(system == 0, "no handle from a create without its entry point", 0);
    expect_not_supported(zlhcs_system_open("n", &in_namespace, &system), "zlhcs_system_open in a namespace",
                         "HcsOpenComputeSystemInNamespace");
    expect_not_supported(zlhcs_system_enumerate(nullptr, &in_namespace, ZLHCS_INFINITE, &text),
                         "zlhcs_system_enumerate in a namespace", "HcsEnumerateComputeSystemsInNamespace");

    // What the stub has works: create a system.
    system = 0;
    hr = zlhcs_system_create("stub-system", R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{}})", nullptr,
                             ZLHCS_INFINITE, &system, nullptr);
    check(hr == ZLHCS_S_OK && system != 0, "create through the stub backend", hr);
    if (system != 0) {
        text = nullptr;
        hr = zlhcs_system_id(system, &text);
        check(hr == ZLHCS_S_OK && text != nullptr && std::string(text) == "stub-system", "system_id", hr);
        zlhcs_free(text);
        expect_not_supported(zlhcs_system_wait_exit(system, 0, nullptr), "zlhcs_system_wait_exit",
                             "HcsWaitForComputeSystemExit");
        expect_not_supported(zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, nullptr), "zlhcs_system_start",
                             "HcsStartComputeSystem");
        op = 0xBAD;
        expect_not_supported(zlhcs_system_start_async(system, nullptr, nullptr, nullptr, nullptr, &op),
                             "zlhcs_system_start_async", "HcsStartComputeSystem");
        check(op == 0, "no operation from a failed start_async", 0);
        expect_not_supported(zlhcs_system_shutdown(system, nullptr, 1000, nullptr), "zlhcs_system_shutdown",
                             "HcsShutDownComputeSystem");
        expect_not_supported(zlhcs_system_terminate(system, nullptr, 1000, nullptr), "zlhcs_system_terminate",
                             "HcsTerminateComputeSystem");
        expect_not_supported(zlhcs_system_crash(system, nullptr, 1000, nullptr), "zlhcs_system_crash",
                             "HcsCrashComputeSystem");
        expect_not_supported(zlhcs_system_pause(system, nullptr, 1000, nullptr), "zlhcs_system_pause",
                             "HcsPauseComputeSystem");
        expect_not_supported(zlhcs_system_resume(system, nullptr, 1000, nullptr), "zlhcs_system_resume",
                             "HcsResumeComputeSystem");
        expect_not_supported(zlhcs_system_save(system, nullptr, 1000, nullptr), "zlhcs_system_save",
                             "HcsSaveComputeSystem");
        text = nullptr;
        expect_not_supported(zlhcs_system_properties(system, nullptr, 1000, &text),
                             "zlhcs_system_properties", "HcsGetComputeSystemProperties");
        expect_not_supported(zlhcs_system_modify(system, R"({"ResourcePath":"a","RequestType":"Update"})", nullptr, 1000, nullptr),
                             "zlhcs_system_modify", "HcsModifyComputeSystem");
        hr = zlhcs_system_close(system);
        check(hr == ZLHCS_S_OK, "close the stub system", hr);
    }

    // An async create through the stub, then its operation: result and cancel-after-completion.
    system = 0;
    op = 0;
    hr = zlhcs_system_create_async("stub-async", R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{}})",
                                   nullptr, nullptr, nullptr, nullptr, &system, &op);
    check(hr == ZLHCS_S_OK && system != 0 && op != 0, "create_async through the stub", hr);
    if (op != 0) {
        hr = zlhcs_operation_wait(op, ZLHCS_INFINITE, nullptr);
        check(hr == ZLHCS_S_OK, "wait for the stub's create", hr);
        hr = zlhcs_operation_cancel(op);
        check(hr == ZLHCS_S_FALSE, "cancel of a completed operation without HcsCancelOperation", hr);
        (void)zlhcs_operation_close(op);
    }
    if (system != 0) (void)zlhcs_system_close(system);

    if (failures == 0) std::fprintf(stderr, "stub checks passed\n");
    std::fflush(stderr);
    std::_Exit(failures == 0 ? 0 : 1);
}

TEST(missing_entry_point, calls_fail_with_not_supported_naming_the_entry_point) {
    // A fresh process: the child must initialise zlhcs itself (fork-style would inherit the
    // parent's hcsim backend).
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(run_against_stub_backend(), ::testing::ExitedWithCode(0), "stub checks passed");
}

}  // namespace
