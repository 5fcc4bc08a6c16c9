// zlhcs cannot be unloaded once HCS holds pointers to its callbacks (issue 7, point 9): a
// program that loads zlhcs at run time, initialises it and frees it finds it still loaded and
// still working. On Windows zlhcs.dll pins itself when it loads its backend
// (GetModuleHandleExW, GET_MODULE_HANDLE_EX_FLAG_PIN); natively libzlhcs.so is linked with
// -z nodelete, so dlclose never unloads it.
//
// This program does not link zlhcs: it loads it with LoadLibraryW / dlopen by path, like a
// .NET or Python host does, so that freeing it could really unload it.
#include "../common/executable_dir.h"
#include <zlhcs/zlhcs.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#ifdef _WIN32
#include <windows.h>
#else
#include <climits>
#include <dlfcn.h>
#include <unistd.h>
#endif

namespace {

#ifdef _WIN32
#define PIN_CALL __stdcall
#else
#define PIN_CALL
#endif

// The zlhcs functions used, resolved by name through zlhcs.h's PFN_ types (this program does
// not link zlhcs): init with NULL options (default backend) and enumerate.
using init_fn = PFN_zlhcs_init;
using enumerate_fn = PFN_zlhcs_system_enumerate;
using free_fn = PFN_zlhcs_free;
constexpr std::uint32_t infinite = 0xFFFFFFFFu;

using zlhcs_test::executable_dir;

#ifdef _WIN32
using library = HMODULE;
library load(const std::string& name) { return LoadLibraryA((executable_dir() + name).c_str()); }
void unload(library l) { FreeLibrary(l); }
void* symbol(library l, const char* name) { return reinterpret_cast<void*>(GetProcAddress(l, name)); }
bool is_loaded(const std::string& name) { return GetModuleHandleA(name.c_str()) != nullptr; }
#else
using library = void*;
library load(const std::string& name) { return dlopen((executable_dir() + name).c_str(), RTLD_NOW | RTLD_LOCAL); }
void unload(library l) { dlclose(l); }
void* symbol(library l, const char* name) { return dlsym(l, name); }
bool is_loaded(const std::string& name) {
    void* handle = dlopen((executable_dir() + name).c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return false;
    dlclose(handle);
    return true;
}
#endif

const std::string zlhcs_name = ZLHCS_PIN_TEST_ZLHCS_NAME;
const std::string unpinned_name = ZLHCS_PIN_TEST_UNPINNED_NAME;

// The check itself works: a library that nothing pins is gone once freed.
TEST(backend_pin, an_unpinned_library_is_unloaded_when_freed) {
    ASSERT_FALSE(is_loaded(unpinned_name));
    library l = load(unpinned_name);
    ASSERT_NE(l, nullptr);
    EXPECT_TRUE(is_loaded(unpinned_name));
    unload(l);
    EXPECT_FALSE(is_loaded(unpinned_name)) << "the loaded-check cannot tell an unloaded library";
}

// One test, in this order: the pin is for the process's lifetime.
TEST(backend_pin, zlhcs_stays_loaded_and_working_after_init_and_free) {
    ASSERT_FALSE(is_loaded(zlhcs_name)) << "this program must not link zlhcs";

    // Before any backend is loaded nothing calls into zlhcs, and on Windows it unloads
    // normally; natively -z nodelete keeps it from the start.
    library before = load(zlhcs_name);
    ASSERT_NE(before, nullptr);
    unload(before);
#ifdef _WIN32
    EXPECT_FALSE(is_loaded(zlhcs_name)) << "zlhcs.dll pins itself only once it loads a backend";
#else
    EXPECT_TRUE(is_loaded(zlhcs_name)) << "libzlhcs.so is linked -z nodelete";
#endif

    library l = load(zlhcs_name);
    ASSERT_NE(l, nullptr);
    const auto init = reinterpret_cast<init_fn>(symbol(l, "zlhcs_init"));
    const auto enumerate = reinterpret_cast<enumerate_fn>(symbol(l, "zlhcs_system_enumerate"));
    const auto release = reinterpret_cast<free_fn>(symbol(l, "zlhcs_free"));
    ASSERT_NE(init, nullptr);
    ASSERT_NE(enumerate, nullptr);
    ASSERT_NE(release, nullptr);
    ASSERT_EQ(init(nullptr), 0) << "default backend (hcsim)";
    char* json = nullptr;
    ASSERT_EQ(enumerate(nullptr, nullptr, infinite, &json), 0) << "an HCS operation whose callback is in zlhcs";
    release(json);

    unload(l);
    EXPECT_TRUE(is_loaded(zlhcs_name)) << "freed after its backend loaded, zlhcs was unloaded";
    // Its code is still there: the function pointers taken before still work.
    json = nullptr;
    EXPECT_EQ(enumerate(nullptr, nullptr, infinite, &json), 0);
    EXPECT_NE(json, nullptr);
    release(json);
    // And loading it again gives the same, initialised library.
    library again = load(zlhcs_name);
    ASSERT_NE(again, nullptr);
    EXPECT_EQ(reinterpret_cast<init_fn>(symbol(again, "zlhcs_init")), init);
    EXPECT_EQ(init(nullptr), 1) << "S_FALSE: already initialised";
    // What this program was handed it gave back: zlhcs's leak counters are at zero (an operation
    // lives on for a moment after its waiter saw it complete, until HCS's completion callback
    // has returned: a bounded wait, never a timing expectation).
    const auto counts_of = reinterpret_cast<PFN_zlhcs_debug_counts>(symbol(again, "zlhcs_debug_counts"));
    ASSERT_NE(counts_of, nullptr);
    zlhcs_debug_counts_info counts{};
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        counts = zlhcs_debug_counts_info{};
        counts.struct_size = sizeof counts;
        ASSERT_EQ(counts_of(&counts), 0);
        if (counts.live_operations == 0 && counts.contexts == 0) break;
        std::this_thread::yield();  // polls the counts until `until`, no fixed pause
    }
    EXPECT_EQ(counts.systems + counts.processes + counts.operations + counts.subscriptions, 0u);
    EXPECT_EQ(counts.contexts, 0u);
    EXPECT_EQ(counts.strings, 0u);
    EXPECT_EQ(counts.live_operations + counts.live_subscriptions, 0u);
    unload(again);
    EXPECT_TRUE(is_loaded(zlhcs_name));
}

}  // namespace
