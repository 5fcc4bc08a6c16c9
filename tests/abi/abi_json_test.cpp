// zlhcs_abi_json_tests: abi/zlhcs.abi.json, from which the bindings generate their raw layers,
// says what the header, def/zlhcs.def and the library really are.
//  - at compile time (abi_json_checks.inc, generated from the JSON alone by
//    tests/abi/generate_abi_json_checks.py): every function's and callback's exact type,
//    every struct's layout and member types, every constant's type and value, every
//    enumerator. A JSON that disagrees with the header does not compile.
//  - at run time: def/zlhcs.def lists exactly the JSON's functions (ordinals, revisions); the
//    loaded library exports each (by name, and on Windows by ordinal, at the same address, the
//    one its function table holds at the JSON's offset); the header has no macro, struct,
//    enum, callback or handle type the JSON leaves out, and ZLHCS_NODISCARD exactly where the
//    JSON says; the library fills the JSON's struct sizes.
#include <zlhcs/zlhcs.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

#include "abi_json_checks.inc"

namespace {

std::string read_file(const char *path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// The identifier at text[pos...].
std::string name_at(const std::string &text, std::size_t pos) {
    std::size_t end = pos;
    while (end < text.size() && is_name_char(text[end])) ++end;
    return text.substr(pos, end - pos);
}

template <std::size_t N>
std::set<std::string> as_set(const char *const (&names)[N]) {
    return std::set<std::string>(std::begin(names), std::end(names));
}

struct def_entry {
    unsigned ordinal;
    unsigned revision;
};

TEST(AbiJson, DefListsExactlyTheJsonFunctions) {
    const std::string text = read_file(ZLHCS_ABI_DEF_FILE);
    ASSERT_FALSE(text.empty());
    std::map<std::string, def_entry> def;
    unsigned revision = 0;
    for (const std::string &line : lines_of(text)) {
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        if (line[first] == ';') {
            // "; revision N (...)" starts the exports of revision N.
            const std::size_t at = line.find("revision ", first);
            if (at != std::string::npos && line.find_first_not_of(" \t", first + 1) == at) {
                revision = static_cast<unsigned>(std::stoul(line.substr(at + 9)));
            }
            continue;
        }
        if (first == 0) continue;  // LIBRARY, EXPORTS
        const std::string name = name_at(line, first);
        const std::size_t at = line.find('@', first);
        ASSERT_NE(at, std::string::npos) << "an export without an ordinal: " << line;
        ASSERT_NE(revision, 0u) << name << " comes before the first revision marker";
        EXPECT_TRUE(def.emplace(name, def_entry{static_cast<unsigned>(std::stoul(line.substr(at + 1))),
                                                revision})
                        .second)
            << name << " is listed twice";
    }
    EXPECT_EQ(def.size(), std::size(abi_json::functions));
    for (const auto &function : abi_json::functions) {
        const auto found = def.find(function.name);
        if (found == def.end()) {
            ADD_FAILURE() << function.name << " is in the JSON, not in def/zlhcs.def";
            continue;
        }
        EXPECT_EQ(found->second.ordinal, function.ordinal) << function.name;
        EXPECT_EQ(found->second.revision, function.revision) << function.name;
        def.erase(found);
    }
    for (const auto &left : def) ADD_FAILURE() << left.first << " is in def/zlhcs.def, not in the JSON";
}

TEST(AbiJson, HeaderHasNothingTheJsonLeavesOut) {
    const std::string header = read_file(ZLHCS_ABI_HEADER_FILE);
    ASSERT_FALSE(header.empty());
    const std::set<std::string> constants = as_set(abi_json::constants);
    const std::set<std::string> skipped = as_set(abi_json::macros_not_described);
    std::set<std::string> structs, enums, callbacks, handles;
    unsigned enumerators = 0;
    bool in_enum = false;
    for (const std::string &line : lines_of(header)) {
        const std::string define = "#define ";
        if (line.compare(0, define.size(), define) == 0) {
            const std::string name = name_at(line, define.size());
            const std::size_t after = define.size() + name.size();
            if (after < line.size() && line[after] == '(') continue;  // function-like
            EXPECT_TRUE(constants.count(name) + skipped.count(name) == 1)
                << "#define " << name << " is neither a JSON constant nor listed as not numeric";
            continue;
        }
        for (const char *prefix : {"typedef struct ", "typedef enum "}) {
            const std::size_t length = std::strlen(prefix);
            if (line.compare(0, length, prefix) == 0 && line.back() == '{') {
                (prefix[8] == 's' ? structs : enums).insert(name_at(line, length));
                in_enum = prefix[8] == 'e';
            }
        }
        if (in_enum) {
            const std::size_t first = line.find_first_not_of(' ');
            if (first != std::string::npos && first > 0 && line.compare(first, 6, "ZLHCS_") == 0) {
                ++enumerators;
            }
            if (line.compare(0, 1, "}") == 0) in_enum = false;
        }
        const std::string callback = "typedef void(ZLHCS_CALL *";
        if (line.compare(0, callback.size(), callback) == 0) callbacks.insert(name_at(line, callback.size()));
        const std::string handle = "typedef zlhcs_handle ";
        if (line.compare(0, handle.size(), handle) == 0) handles.insert(name_at(line, handle.size()));
    }
    EXPECT_EQ(structs, as_set(abi_json::structs));
    EXPECT_EQ(enums, as_set(abi_json::enums));
    EXPECT_EQ(enumerators, abi_json::enum_value_count);
    EXPECT_EQ(callbacks, as_set(abi_json::callbacks));
    EXPECT_EQ(handles, as_set(abi_json::handles));

    // ZLHCS_NODISCARD exactly where the JSON says (no type trait can see an attribute).
    for (const auto &function : abi_json::functions) {
        const std::string call = std::string("ZLHCS_CALL ") + function.name + "(";
        const std::size_t at = header.find(call);
        ASSERT_NE(at, std::string::npos) << function.name << " is not declared";
        const std::size_t line_start = header.rfind('\n', at) + 1;
        const bool nodiscard = header.compare(line_start, 16, "ZLHCS_NODISCARD ") == 0;
        EXPECT_EQ(nodiscard, function.nodiscard) << function.name;
    }
}

// The address the library's function table holds at the JSON's offset of `function`.
std::uintptr_t table_entry(const zlhcs_api_v1 *api, const abi_json::function_row &function) {
    void (*entry)() = nullptr;
    std::memcpy(&entry, reinterpret_cast<const char *>(api) + function.table_offset, sizeof entry);
    return reinterpret_cast<std::uintptr_t>(entry);
}

TEST(AbiJson, TheLibraryExportsEveryJsonFunction) {
    const zlhcs_api_v1 *api = nullptr;
    ASSERT_EQ(zlhcs_get_api(abi_json::api_revision, &api), ZLHCS_S_OK);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->struct_size, abi_json::api_v1_size);
    EXPECT_EQ(api->revision, abi_json::api_revision);
#ifdef _WIN32
    HMODULE library = GetModuleHandleW(L"zlhcs.dll");
    ASSERT_NE(library, nullptr);
    for (const auto &function : abi_json::functions) {
        const auto by_name = reinterpret_cast<std::uintptr_t>(GetProcAddress(library, function.name));
        const auto by_ordinal = reinterpret_cast<std::uintptr_t>(
            GetProcAddress(library, MAKEINTRESOURCEA(static_cast<WORD>(function.ordinal))));
        EXPECT_NE(by_name, 0u) << function.name << " is not exported";
        EXPECT_EQ(by_ordinal, by_name) << function.name << " @" << function.ordinal;
        EXPECT_EQ(table_entry(api, function), by_name) << function.name << " in zlhcs_api_v1";
    }
#else
    // The library that holds the table (not this executable, which may have PLT stubs).
    Dl_info info{};
    ASSERT_NE(dladdr(api, &info), 0);
    ASSERT_NE(info.dli_fname, nullptr);
    void *library = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(library, nullptr) << info.dli_fname;
    for (const auto &function : abi_json::functions) {
        const auto by_name = reinterpret_cast<std::uintptr_t>(dlsym(library, function.name));
        EXPECT_NE(by_name, 0u) << function.name << " is not exported by " << info.dli_fname;
        EXPECT_EQ(table_entry(api, function), by_name) << function.name << " in zlhcs_api_v1";
    }
    dlclose(library);
#endif
}

TEST(AbiJson, TheLibraryFillsTheJsonSizes) {
    zlhcs_version_info version{};
    version.struct_size = sizeof version + 16;  // larger than the library knows: it says its size
    std::vector<unsigned char> big(sizeof version + 16, 0);
    std::memcpy(big.data(), &version, sizeof version);
    ASSERT_EQ(zlhcs_version(reinterpret_cast<zlhcs_version_info *>(big.data())), ZLHCS_S_OK);
    std::memcpy(&version, big.data(), sizeof version);
    EXPECT_EQ(version.struct_size, abi_json::version_info_size);
    EXPECT_EQ(version.abi_version, abi_json::abi_version);
    EXPECT_EQ(version.api_revision, abi_json::api_revision);
    EXPECT_EQ(version.major, abi_json::version[0]);
    EXPECT_EQ(version.minor, abi_json::version[1]);
    EXPECT_EQ(version.patch, abi_json::version[2]);
    ASSERT_NE(version.version_string, nullptr);
    EXPECT_STREQ(version.version_string, abi_json::version_string);

    std::vector<unsigned char> counts_block(sizeof(zlhcs_debug_counts_info) + 16, 0);
    zlhcs_debug_counts_info counts{};
    counts.struct_size = static_cast<std::uint32_t>(counts_block.size());
    std::memcpy(counts_block.data(), &counts, sizeof counts);
    ASSERT_EQ(zlhcs_debug_counts(reinterpret_cast<zlhcs_debug_counts_info *>(counts_block.data())),
              ZLHCS_S_OK);
    std::memcpy(&counts, counts_block.data(), sizeof counts);
    EXPECT_EQ(counts.struct_size, abi_json::debug_counts_info_size);

    // Revisions below the JSON's minimum are refused.
    const zlhcs_api_v1 *api = nullptr;
    if (abi_json::api_min_revision > 1) {
        EXPECT_EQ(zlhcs_get_api(abi_json::api_min_revision - 1, &api), ZLHCS_E_NOT_SUPPORTED);
    }
}

}  // namespace
