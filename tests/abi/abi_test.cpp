// zlhcs_abi_tests: the ABI promises that can be checked from inside a process.
//  - backend loading (ABI rule 10): the default backend is the system one; a relative backend
//    path is refused. Windows build: this executable lives in bin/planted/ beside a planted
//    "computecore.dll" canary (tests/abi/canary) that zlhcs must never load.
//  - the struct layout baseline (abi/struct_layout.h), at compile time and against the
//    loaded library's function table.
// The backend test is defined first: GoogleTest runs tests in definition order, and the
// library's backend is chosen once per process.
#include <zlhcs/zlhcs.h>
#include <struct_layout.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>

#ifdef _WIN32
#include <windows.h>
#endif

namespace {

#define ZLHCS_LAYOUT_STATIC_CHECK(name, expr) static_assert(expr, #name ": " #expr);
ZLHCS_STRUCT_LAYOUT_CHECKS(ZLHCS_LAYOUT_STATIC_CHECK)
#define ZLHCS_MEMBER_STATIC_CHECK(member, fn, off) \
    static_assert(offsetof(zlhcs_api_v1, member) == (off), "zlhcs_api_v1::" #member);
ZLHCS_API_V1_MEMBERS(ZLHCS_MEMBER_STATIC_CHECK)

constexpr const char *kCanaryMarker = "ZLHCS_PLANTED_CANARY";

[[maybe_unused]] std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool ends_with(const std::string &s, const std::string &suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Takes ownership of a string zlhcs returned.
std::string take(char *s) {
    std::string out = s != nullptr ? s : "";
    zlhcs_free(s);
    return out;
}

std::string last_error_message() {
    zlhcs_error e{};
    e.struct_size = sizeof e;
    if (zlhcs_last_error(&e) != ZLHCS_S_OK) return "(no last error)";
    return std::string(e.message) + " [" + e.function + "]";
}

TEST(AbiBackend, RelativePathIsRefusedAndTheDefaultIsTheSystemBackend) {
#ifdef _WIN32
    // The canary is really beside us: otherwise this test would prove nothing.
    wchar_t exe[MAX_PATH];
    ASSERT_GT(GetModuleFileNameW(nullptr, exe, MAX_PATH), 0u);
    std::wstring planted(exe);
    planted = planted.substr(0, planted.find_last_of(L"\\/") + 1) + L"computecore.dll";
    ASSERT_NE(GetFileAttributesW(planted.c_str()), INVALID_FILE_ATTRIBUTES)
        << "the canary computecore.dll is not beside the test executable";
    const char *relative_paths[] = {"computecore.dll", ".\\computecore.dll", "planted\\computecore.dll"};
#else
    const char *relative_paths[] = {"libhcsim.so", "./libhcsim.so", "bin/libhcsim.so"};
#endif
    for (const char *relative : relative_paths) {
        zlhcs_init_options options{};
        options.struct_size = sizeof options;
        options.backend = ZLHCS_BACKEND_PATH;
        options.backend_path = relative;
        EXPECT_EQ(zlhcs_init(&options), ZLHCS_E_INVALID_ARGUMENT) << relative;
    }

    char *raw_path = nullptr;
    ASSERT_EQ(zlhcs_backend_path(&raw_path), ZLHCS_S_OK) << last_error_message();
    const std::string path = take(raw_path);
#ifdef _WIN32
    // Wine reports C:\windows\system32\computecore.dll (hcsim installed there by the fixture).
    EXPECT_TRUE(ends_with(lower(path), "\\system32\\computecore.dll")) << path;
#else
    EXPECT_EQ(path.front(), '/') << path;
    EXPECT_TRUE(ends_with(path, "/libhcsim.so")) << path;
#endif

    char *raw_properties = nullptr;
    ASSERT_EQ(zlhcs_service_properties(nullptr, &raw_properties), ZLHCS_S_OK) << last_error_message();
    const std::string properties = take(raw_properties);
    EXPECT_EQ(properties.find(kCanaryMarker), std::string::npos)
        << "zlhcs loaded the planted computecore.dll: " << properties;
    EXPECT_NE(properties.find("SupportedSchemaVersions"), std::string::npos) << properties;
}

TEST(AbiLayout, MatchesTheBaseline) {
    // Also asserted at compile time above; repeated so a report shows the values.
#define ZLHCS_LAYOUT_RUNTIME_CHECK(name, expr) EXPECT_TRUE(expr) << #name ": " #expr;
    ZLHCS_STRUCT_LAYOUT_CHECKS(ZLHCS_LAYOUT_RUNTIME_CHECK)
}

TEST(AbiFunctionTable, TheOldestRevisionPointsAtTheExportedFunctions) {
    const zlhcs_api_v1 *api = nullptr;
    ASSERT_EQ(zlhcs_get_api(ZLHCS_API_MIN_REVISION, &api), ZLHCS_S_OK) << last_error_message();
    ASSERT_NE(api, nullptr);
    EXPECT_GE(api->struct_size, sizeof(zlhcs_api_v1));
    EXPECT_EQ(api->revision, ZLHCS_API_REVISION);
#define ZLHCS_MEMBER_RUNTIME_CHECK(member, fn, off) \
    EXPECT_TRUE(api->member == &fn) << "zlhcs_api_v1::" #member " is not " #fn;
    ZLHCS_API_V1_MEMBERS(ZLHCS_MEMBER_RUNTIME_CHECK)

    EXPECT_EQ(zlhcs_get_api(1, nullptr), ZLHCS_E_INVALID_ARGUMENT);
    // A caller compiled against a later revision is refused, not handed a shorter table.
    const zlhcs_api_v1 *newer = api;
    EXPECT_EQ(zlhcs_get_api(ZLHCS_API_REVISION + 1, &newer), ZLHCS_E_NOT_SUPPORTED);
    EXPECT_EQ(newer, nullptr);
    EXPECT_EQ(zlhcs_get_api(0, &newer), ZLHCS_E_NOT_SUPPORTED);
    // Revisions 1-3 (0.4.0-0.6.0) had other parameter lists (no release notifiers): a caller
    // compiled against them is refused rather than handed functions it would call wrongly.
    for (uint32_t old = 1; old < ZLHCS_API_MIN_REVISION; ++old) {
        newer = api;
        EXPECT_EQ(zlhcs_get_api(old, &newer), ZLHCS_E_NOT_SUPPORTED) << old;
        EXPECT_EQ(newer, nullptr);
    }
}

TEST(AbiVersion, ReportsTheHeaderVersion) {
    zlhcs_version_info info{};
    info.struct_size = sizeof info;
    ASSERT_EQ(zlhcs_version(&info), ZLHCS_S_OK) << last_error_message();
    EXPECT_EQ(info.abi_version, ZLHCS_ABI_VERSION);
    EXPECT_EQ(info.major, ZLHCS_VERSION_MAJOR);
    EXPECT_EQ(info.minor, ZLHCS_VERSION_MINOR);
    EXPECT_EQ(info.patch, ZLHCS_VERSION_PATCH);
    ASSERT_NE(info.version_string, nullptr);
    EXPECT_EQ(std::string(info.version_string), std::to_string(ZLHCS_VERSION_MAJOR) + "." +
                                                    std::to_string(ZLHCS_VERSION_MINOR) + "." +
                                                    std::to_string(ZLHCS_VERSION_PATCH));

    zlhcs_version_info too_small{};
    too_small.struct_size = sizeof(uint32_t);
    EXPECT_EQ(zlhcs_version(&too_small), ZLHCS_E_INVALID_ARGUMENT);
    EXPECT_EQ(zlhcs_version(nullptr), ZLHCS_E_INVALID_ARGUMENT);
}

} // namespace
