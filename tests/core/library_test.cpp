// Library functions: version, get_api, init, backend_path, free, last_error, clear_error.
#include "fixture.hpp"

#include <cstdio>
#include <string>
#include <thread>

namespace zlhcs_core_test {
namespace {

using library = core_test;

TEST_F(library, version_fills_every_field) {
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_version(&info), ZLHCS_S_OK);
    EXPECT_EQ(info.abi_version, ZLHCS_ABI_VERSION);
    EXPECT_EQ(info.major, ZLHCS_VERSION_MAJOR);
    EXPECT_EQ(info.minor, ZLHCS_VERSION_MINOR);
    EXPECT_EQ(info.patch, ZLHCS_VERSION_PATCH);
    ASSERT_NE(info.version_string, nullptr);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%u.%u.%u", ZLHCS_VERSION_MAJOR, ZLHCS_VERSION_MINOR,
                  ZLHCS_VERSION_PATCH);
    EXPECT_STREQ(info.version_string, expected);
    // Success leaves the (empty) last error untouched.
    EXPECT_EQ(last_error().rc, ZLHCS_S_FALSE);
}

TEST_F(library, version_rejects_null_and_short_struct) {
    EXPECT_EQ(zlhcs_version(nullptr), ZLHCS_E_INVALID_ARGUMENT);
    error_copy e = last_error();
    EXPECT_EQ(e.rc, ZLHCS_S_OK);
    EXPECT_EQ(e.code, ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_ARGUMENT);
    EXPECT_FALSE(e.message.empty());

    zlhcs_version_info info{};
    info.struct_size = 0;
    info.abi_version = 77;
    EXPECT_EQ(zlhcs_version(&info), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(info.abi_version, 77u) << "out-parameters are written only on success";
    info.struct_size = sizeof info - 1;
    EXPECT_EQ(zlhcs_version(&info), ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(library, get_api_table_matches_the_exports) {
    const zlhcs_api_v1* api = nullptr;
    ASSERT_EQ(zlhcs_get_api(ZLHCS_API_REVISION, &api), ZLHCS_S_OK);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->struct_size, sizeof(zlhcs_api_v1));
    EXPECT_EQ(api->revision, ZLHCS_API_REVISION);
    // Every member (tests/abi checks the complete list against the layout baseline).
    EXPECT_EQ(api->version, &zlhcs_version);
    EXPECT_EQ(api->get_api, &zlhcs_get_api);
    EXPECT_EQ(api->free_memory, &zlhcs_free);
    EXPECT_EQ(api->error_matches, &zlhcs_error_matches);
    EXPECT_EQ(api->operation_error, &zlhcs_operation_error);
    EXPECT_EQ(api->system_enumerate, &zlhcs_system_enumerate);
    EXPECT_EQ(api->process_stdio_detach, &zlhcs_process_stdio_detach);
    EXPECT_EQ(api->process_stdio_interrupt, &zlhcs_process_stdio_interrupt);
    EXPECT_TRUE(ZLHCS_API_HAS(api, process_stdio_detach));

    // Calls through the table work, and the table is static.
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    EXPECT_EQ(api->version(&info), ZLHCS_S_OK);
    EXPECT_EQ(info.abi_version, 1u);
    EXPECT_EQ(info.api_revision, ZLHCS_API_REVISION);
    const zlhcs_api_v1* again = nullptr;
    ASSERT_EQ(zlhcs_get_api(ZLHCS_API_MIN_REVISION, &again), ZLHCS_S_OK);
    EXPECT_EQ(again, api);
}

TEST_F(library, get_api_refuses_a_revision_newer_than_the_dll_and_zero) {
    // 1-3: the tables of 0.4.0-0.6.0, whose *_async, *_wait_exit_async and *_subscribe members
    // had no release notifier; a caller built against them must not get this table.
    for (uint32_t revision : {0u, 1u, 2u, 3u, ZLHCS_API_REVISION + 1, 0xFFFFFFFFu}) {
        const zlhcs_api_v1* api = reinterpret_cast<const zlhcs_api_v1*>(&revision);
        EXPECT_EQ(zlhcs_get_api(revision, &api), ZLHCS_E_NOT_SUPPORTED) << revision;
        EXPECT_EQ(api, nullptr) << "no shorter table than the caller expects";
        const error_copy e = last_error();
        EXPECT_EQ(e.code, ZLHCS_E_NOT_SUPPORTED);
        EXPECT_EQ(e.category, ZLHCS_CATEGORY_NOT_SUPPORTED);
        EXPECT_NE(e.message.find("revision"), std::string::npos) << e.message;
    }
    EXPECT_EQ(zlhcs_get_api(1, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(library, backend_path_is_absolute_and_freed_with_zlhcs_free) {
    char* path = nullptr;
    ASSERT_EQ(zlhcs_backend_path(&path), ZLHCS_S_OK);
    ASSERT_NE(path, nullptr);
    const std::string text = take(path);
    ASSERT_FALSE(text.empty());
#ifdef _WIN32
    EXPECT_TRUE(text.size() > 2 && text[1] == ':') << text;
#else
    EXPECT_EQ(text[0], '/') << text;
#endif
    EXPECT_EQ(zlhcs_backend_path(nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(library, free_accepts_null) {
    zlhcs_free(nullptr);
    char* text = nullptr;
    ASSERT_EQ(zlhcs_error_describe(ZLHCS_E_INTERNAL, &text), ZLHCS_S_OK);
    zlhcs_free(text);  // LeakSanitizer: freed
}

TEST_F(library, init_after_initialisation) {
    // The fixture's hcsim_client already initialised the default backend.
    EXPECT_EQ(zlhcs_init(nullptr), ZLHCS_S_FALSE);
    zlhcs_init_options same{};
    same.struct_size = sizeof same;
    same.backend = ZLHCS_BACKEND_DEFAULT;
    EXPECT_EQ(zlhcs_init(&same), ZLHCS_S_FALSE);
    // A caller built against 0.5.0 passes the 16-byte v1 struct: read as far as it goes.
    same.struct_size = ZLHCS_INIT_OPTIONS_SIZE_V1;
    same.validation = ZLHCS_VALIDATE_DOCUMENTS;  // beyond its size: not read
    EXPECT_EQ(zlhcs_init(&same), ZLHCS_S_FALSE);
    // Document validation is part of the options: the same backend with it on is "other".
    same.struct_size = sizeof same;
    EXPECT_EQ(zlhcs_init(&same), ZLHCS_E_INVALID_STATE);
    same.validation = 0;

    // Different options after initialisation: refused, the backend stays.
    char* raw = nullptr;
    ASSERT_EQ(zlhcs_backend_path(&raw), ZLHCS_S_OK);
    const std::string loaded = take(raw);
    zlhcs_init_options other{};
    other.struct_size = sizeof other;
    other.backend = ZLHCS_BACKEND_PATH;
    other.backend_path = loaded.c_str();
    EXPECT_EQ(zlhcs_init(&other), ZLHCS_E_INVALID_STATE);
    error_copy e = last_error();
    EXPECT_EQ(e.code, ZLHCS_E_INVALID_STATE);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_STATE);
    EXPECT_FALSE(e.message.empty());
    ASSERT_EQ(zlhcs_backend_path(&raw), ZLHCS_S_OK);
    EXPECT_EQ(take(raw), loaded);
}

TEST_F(library, init_rejects_bad_options) {
    zlhcs_init_options o{};
    o.struct_size = ZLHCS_INIT_OPTIONS_SIZE_V1 - 1;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "short struct_size";
    o.struct_size = 0;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "zero struct_size";

    o.struct_size = sizeof o;
    o.validation = 4;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "unknown validation bit";
    EXPECT_NE(last_error().message.find("validation"), std::string::npos) << last_error().message;
    o.validation = 0;
    o.reserved = 1;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "reserved not 0";
    o.reserved = 0;

    o.backend = 7;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "unknown kind";

    o.backend = ZLHCS_BACKEND_PATH;
    o.backend_path = nullptr;
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "missing path";
    o.backend_path = "";
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "empty path";
    o.backend_path = "libhcsim.so";
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "relative path";
    o.backend_path = "relative/dir/computecore.dll";
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_ARGUMENT) << "relative path";
    EXPECT_EQ(last_error().category, ZLHCS_CATEGORY_INVALID_ARGUMENT);

#ifdef _WIN32
    o.backend_path = "C:\\zlhcs\\\xC3\x28.dll";
#else
    o.backend_path = "/zlhcs/\xC3\x28.so";
#endif
    EXPECT_EQ(zlhcs_init(&o), ZLHCS_E_INVALID_UTF8) << "invalid UTF-8 path";
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_UTF8);
}

TEST_F(library, last_error_is_empty_on_a_fresh_thread) {
    error_copy e;
    std::thread([&] { e = last_error(); }).join();
    EXPECT_EQ(e.rc, ZLHCS_S_FALSE);
    EXPECT_EQ(e.code, 0);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_NONE);
    EXPECT_EQ(e.message, "");
    EXPECT_EQ(e.function, "");
    EXPECT_EQ(e.document, "");
}

TEST_F(library, last_error_rejects_null_and_short_struct_without_changing_it) {
    EXPECT_EQ(zlhcs_system_close(1), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_last_error(nullptr), ZLHCS_E_INVALID_ARGUMENT);
    zlhcs_error small{};
    small.struct_size = sizeof small - 1;
    EXPECT_EQ(zlhcs_last_error(&small), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(small.message, nullptr);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_HANDLE) << "zlhcs_last_error never changes it";
}

TEST_F(library, last_error_reports_code_category_message_and_survives_success) {
    EXPECT_EQ(zlhcs_operation_wait(42, 0, nullptr), ZLHCS_E_INVALID_HANDLE);
    error_copy e = last_error();
    EXPECT_EQ(e.rc, ZLHCS_S_OK);
    EXPECT_EQ(e.code, ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(e.category, ZLHCS_CATEGORY_INVALID_HANDLE);
    EXPECT_FALSE(e.message.empty());
    EXPECT_EQ(e.function, "") << "no HCS function is involved";
    EXPECT_EQ(e.document, "");

    // Successful calls leave it untouched.
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_version(&info), ZLHCS_S_OK);
    char* text = nullptr;
    ASSERT_EQ(zlhcs_error_describe(ZLHCS_E_INVALID_HANDLE, &text), ZLHCS_S_OK);
    zlhcs_free(text);
    uint32_t category = 0;
    ASSERT_EQ(zlhcs_error_category_of(ZLHCS_HCS_E_INVALID_JSON, &category), ZLHCS_S_OK);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_HANDLE);

    // The next failure replaces it.
    EXPECT_EQ(zlhcs_version(nullptr), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(library, clear_error_forgets_the_failure) {
    EXPECT_EQ(zlhcs_system_close(1), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_clear_error(), ZLHCS_S_OK);
    const error_copy e = last_error();
    EXPECT_EQ(e.rc, ZLHCS_S_FALSE);
    EXPECT_EQ(e.code, 0);
    EXPECT_EQ(e.message, "");
    EXPECT_EQ(zlhcs_clear_error(), ZLHCS_S_OK) << "clearing twice is fine";
}

TEST_F(library, last_error_is_thread_local) {
    ASSERT_EQ(zlhcs_version(nullptr), ZLHCS_E_INVALID_ARGUMENT);
    error_copy other;
    error_copy other_before;
    std::thread([&] {
        other_before = last_error();
        EXPECT_EQ(zlhcs_operation_cancel(5), ZLHCS_E_INVALID_HANDLE);
        other = last_error();
    }).join();
    EXPECT_EQ(other_before.rc, ZLHCS_S_FALSE) << "a new thread does not see this thread's error";
    EXPECT_EQ(other.code, ZLHCS_E_INVALID_HANDLE);
    const error_copy mine = last_error();
    EXPECT_EQ(mine.code, ZLHCS_E_INVALID_ARGUMENT) << "another thread's failure changed ours";

    // And a clear on another thread does not clear ours.
    std::thread([] { (void)zlhcs_clear_error(); }).join();
    EXPECT_EQ(last_error().code, ZLHCS_E_INVALID_ARGUMENT);
}

TEST_F(library, last_error_strings_stay_valid_until_the_next_failure) {
    ASSERT_EQ(zlhcs_system_close(3), ZLHCS_E_INVALID_HANDLE);
    zlhcs_error e{};
    e.struct_size = sizeof e;
    ASSERT_EQ(zlhcs_last_error(&e), ZLHCS_S_OK);
    const std::string copy = e.message;
    // Successful calls in between: the pointers still point at the same text.
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_version(&info), ZLHCS_S_OK);
    zlhcs_error again{};
    again.struct_size = sizeof again;
    ASSERT_EQ(zlhcs_last_error(&again), ZLHCS_S_OK);
    EXPECT_EQ(std::string(e.message), copy);
    EXPECT_STREQ(again.message, e.message);
}

TEST_F(library, larger_struct_sizes_are_accepted) {
    // A caller built against a later header passes a bigger struct: accepted.
    struct bigger_error {
        zlhcs_error base;
        uint64_t future_field;
    } big{};
    big.base.struct_size = sizeof big;
    ASSERT_EQ(zlhcs_system_close(9), ZLHCS_E_INVALID_HANDLE);
    EXPECT_EQ(zlhcs_last_error(&big.base), ZLHCS_S_OK);
    EXPECT_EQ(big.base.code, ZLHCS_E_INVALID_HANDLE);

    struct bigger_version {
        zlhcs_version_info base;
        uint64_t future_field;
    } v{};
    v.base.struct_size = sizeof v;
    EXPECT_EQ(zlhcs_version(&v.base), ZLHCS_S_OK);
    EXPECT_EQ(v.base.abi_version, ZLHCS_ABI_VERSION);
}

}  // namespace
}  // namespace zlhcs_core_test
