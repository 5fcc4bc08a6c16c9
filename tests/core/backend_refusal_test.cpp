// zlhcs refuses a backend library that is not HCS (issue 7, point 13): zlhcs_init with
// ZLHCS_BACKEND_PATH and a library lacking any core entry point (HcsCreateOperation,
// HcsCloseOperation, HcsGetOperationResult, HcsCreateComputeSystem, HcsOpenComputeSystem,
// HcsCloseComputeSystem; src/backend/backend.hpp) fails with ZLHCS_E_BACKEND_UNAVAILABLE,
// names every missing one, unloads the library and leaves zlhcs uninitialised: a later
// zlhcs_init, or the default backend on first use, still succeeds.
//
// zlhcs chooses its backend once per process and this suite's process uses hcsim, so every
// check runs in a child process of its own, as in missing_entry_point_test.cpp (a gtest death
// test, "threadsafe" style: the child re-executes this binary and runs only that test).
#include "../common/executable_dir.h"
#include <zlhcs/zlhcs.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <climits>
#include <dlfcn.h>
#include <unistd.h>
#endif

namespace {

const std::vector<std::string> core_entry_points = {
    "HcsCreateOperation",     "HcsCloseOperation",    "HcsGetOperationResult",
    "HcsCreateComputeSystem", "HcsOpenComputeSystem", "HcsCloseComputeSystem"};

using zlhcs_test::executable_dir;

// A system library that exports no HCS entry point at all, by absolute path.
std::string system_library_without_hcs() {
#ifdef _WIN32
    return "C:\\windows\\system32\\kernel32.dll";
#else
    // libm.so.6 (loaded already, by libstdc++): its absolute path as the loader found it.
    void* libm = dlopen("libm.so.6", RTLD_NOW | RTLD_NOLOAD);
    void* cosine = libm != nullptr ? dlsym(libm, "cos") : nullptr;
    Dl_info info{};
    std::string path;
    if (cosine != nullptr && dladdr(cosine, &info) != 0 && info.dli_fname != nullptr) {
        char resolved[PATH_MAX];
        path = realpath(info.dli_fname, resolved) != nullptr ? resolved : info.dli_fname;
    }
    if (libm != nullptr) dlclose(libm);
    return path;
#endif
}

// True if the library whose file name is `name` (in this test's folder) is loaded.
bool is_loaded(const std::string& name) {
#ifdef _WIN32
    const std::wstring wide(name.begin(), name.end());  // ASCII file name
    return GetModuleHandleW(wide.c_str()) != nullptr;
#else
    void* handle = dlopen((executable_dir() + name).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return false;
    dlclose(handle);
    return true;
#endif
}

int failures = 0;

void check(bool ok, const std::string& what, zlhcs_hresult hr = 0) {
    if (ok) return;
    ++failures;
    zlhcs_error e{};
    e.struct_size = sizeof e;
    if (zlhcs_last_error(&e) != ZLHCS_S_OK) e.message = "(none)";
    std::fprintf(stderr, "FAILED: %s (returned 0x%08X; last error 0x%08X \"%s\")\n", what.c_str(),
                 static_cast<unsigned>(hr), static_cast<unsigned>(e.code),
                 e.message != nullptr ? e.message : "");
}

[[noreturn]] void finish(const char* passed) {
    if (failures == 0) std::fprintf(stderr, "%s\n", passed);
    std::fflush(stderr);
    std::_Exit(failures == 0 ? 0 : 1);
}

std::string last_message() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    if (zlhcs_last_error(&e) != ZLHCS_S_OK || e.message == nullptr) return {};
    return e.message;
}

// zlhcs_init with `path` is refused as not HCS; the message names each of `missing` and
// none of `present`.
void expect_refused(const std::string& path, const std::vector<std::string>& missing,
                    const std::vector<std::string>& present) {
    zlhcs_init_options options{};
    options.struct_size = sizeof options;
    options.backend = ZLHCS_BACKEND_PATH;
    options.backend_path = path.c_str();
    const zlhcs_hresult hr = zlhcs_init(&options);
    check(hr == ZLHCS_E_BACKEND_UNAVAILABLE, "init with " + path + " -> ZLHCS_E_BACKEND_UNAVAILABLE", hr);
    zlhcs_error e{};
    e.struct_size = sizeof e;
    check(zlhcs_last_error(&e) == ZLHCS_S_OK && e.code == ZLHCS_E_BACKEND_UNAVAILABLE,
          "the last error is ZLHCS_E_BACKEND_UNAVAILABLE", hr);
    const std::string message = last_message();
    for (const auto& name : missing) {
        check(message.find(name) != std::string::npos, "the message names the missing " + name + ": " + message);
    }
    for (const auto& name : present) {
        check(message.find(name) == std::string::npos, "the message does not name " + name + ", which it has: " + message);
    }
}

// Not yet initialised: a default init is a first load (S_OK, not S_FALSE), and HCS works.
void expect_default_backend_loads() {
    zlhcs_hresult hr = zlhcs_init(nullptr);
    check(hr == ZLHCS_S_OK, "default init after the refusal is a first load (S_OK)", hr);
    hr = zlhcs_init(nullptr);
    check(hr == ZLHCS_S_FALSE, "default init again -> S_FALSE", hr);
    char* text = nullptr;
    hr = zlhcs_backend_path(&text);
#ifdef _WIN32
    const std::string expected = "computecore.dll";
#else
    const std::string expected = "libhcsim.so";
#endif
    check(hr == ZLHCS_S_OK && text != nullptr && std::string(text).find(expected) != std::string::npos,
          "the backend is the default one (" + expected + ")", hr);
    zlhcs_free(text);
    text = nullptr;
    hr = zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &text);
    check(hr == ZLHCS_S_OK && text != nullptr, "enumerate through the default backend", hr);
    zlhcs_free(text);
}

[[noreturn]] void refuse_a_system_library_then_init_the_default() {
    const std::string library = system_library_without_hcs();
    check(!library.empty(), "found the system library's path");
    expect_refused(library, core_entry_points, {});
    // Refused again: nothing of the first attempt was kept.
    expect_refused(library, core_entry_points, {});
    expect_default_backend_loads();
    // Now initialised: the refused library is a different backend, hence INVALID_STATE.
    zlhcs_init_options options{};
    options.struct_size = sizeof options;
    options.backend = ZLHCS_BACKEND_PATH;
    options.backend_path = library.c_str();
    const zlhcs_hresult hr = zlhcs_init(&options);
    check(hr == ZLHCS_E_INVALID_STATE, "after initialisation another backend -> INVALID_STATE", hr);
    finish("system library checks passed");
}

[[noreturn]] void refuse_a_system_library_then_use_the_default_on_first_call() {
    expect_refused(system_library_without_hcs(), core_entry_points, {});
    // No zlhcs_init: the first call initialises the default backend.
    char* text = nullptr;
    zlhcs_hresult hr = zlhcs_system_enumerate(nullptr, nullptr, ZLHCS_INFINITE, &text);
    check(hr == ZLHCS_S_OK && text != nullptr, "the first call after the refusal loads the default", hr);
    zlhcs_free(text);
    hr = zlhcs_init(nullptr);
    check(hr == ZLHCS_S_FALSE, "the default backend is the one loaded", hr);
    finish("first use checks passed");
}

[[noreturn]] void refuse_a_partial_backend_and_unload_it() {
    const std::string name = ZLHCS_CORE_NOT_HCS_BACKEND_NAME;
    const std::string path = executable_dir() + name;
    check(!is_loaded(name), "the partial backend is not loaded before the test");
    expect_refused(path, {"HcsGetOperationResult", "HcsOpenComputeSystem", "HcsCloseComputeSystem"},
                   {"HcsCreateOperation", "HcsCloseOperation", "HcsCreateComputeSystem"});
    check(!is_loaded(name), "the refused library was unloaded");
#ifdef ZLHCS_CORE_HCSIM_NAME
    // An explicit backend path still works: hcsim, by absolute path.
    const std::string hcsim = executable_dir() + ZLHCS_CORE_HCSIM_NAME;
    zlhcs_init_options options{};
    options.struct_size = sizeof options;
    options.backend = ZLHCS_BACKEND_PATH;
    options.backend_path = hcsim.c_str();
    zlhcs_hresult hr = zlhcs_init(&options);
    check(hr == ZLHCS_S_OK, "init with hcsim's path after the refusal", hr);
    char* text = nullptr;
    hr = zlhcs_backend_path(&text);
    check(hr == ZLHCS_S_OK && text != nullptr && std::string(text).find(ZLHCS_CORE_HCSIM_NAME) != std::string::npos,
          "the backend is hcsim", hr);
    zlhcs_free(text);
    zlhcs_system system = 0;
    hr = zlhcs_system_create("after-refusal", R"({"SchemaVersion":{"Major":2,"Minor":1},"Container":{}})", nullptr,
                             ZLHCS_INFINITE, &system, nullptr);
    check(hr == ZLHCS_S_OK && system != 0, "create a system through hcsim", hr);
    if (system != 0) {
        check(zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, nullptr) >= 0, "terminate it");
        check(zlhcs_system_close(system) == ZLHCS_S_OK, "close it");
    }
#else
    expect_default_backend_loads();  // a build without hcsim: the real default backend
#endif
    finish("partial backend checks passed");
}

TEST(backend_refusal, a_system_library_without_hcs_is_refused_and_the_default_loads_after) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process that inits zlhcs itself
    EXPECT_EXIT(refuse_a_system_library_then_init_the_default(), ::testing::ExitedWithCode(0),
                "system library checks passed");
}

TEST(backend_refusal, the_first_call_after_a_refusal_loads_the_default_backend) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(refuse_a_system_library_then_use_the_default_on_first_call(), ::testing::ExitedWithCode(0),
                "first use checks passed");
}

TEST(backend_refusal, a_partial_backend_is_refused_naming_only_what_it_lacks_and_unloaded) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(refuse_a_partial_backend_and_unload_it(), ::testing::ExitedWithCode(0),
                "partial backend checks passed");
}

}  // namespace
