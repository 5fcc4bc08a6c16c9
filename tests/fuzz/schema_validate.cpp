// Fuzz harness: schema validation, through the export zlhcs_schema_validate (libzlhcs) and
// through the validator's own sources (src/schema, compiled into this harness, so that a
// libFuzzer build sees their coverage without instrumenting the library).
//
// Input: byte 0 picks the schema type (the types zlhcs's entry points take, then those of the
// real documents), byte 1 the schema version the caller names (or none, or a malformed one),
// the rest is the document (up to its first NUL, as the C API reads it). Seeds write both
// bytes as readable characters: 'A' + type index, '0' + version index.
//
// Properties: the call returns exactly the code the header documents for the input (invalid
// UTF-8, a malformed version, else S_OK / S_FALSE / SCHEMA_INVALID); the report is valid UTF-8
// JSON whose Type, Valid, Errors, Warnings, Problems and Truncated agree with each other and
// with the code; it is byte for byte what the validator's sources produce in this process;
// a refusal is also the thread's last error, with the report as its document; every string
// handed out is freed (zlhcs_debug_counts).
#include "check.hpp"
#include "harness.hpp"
#include "reference_utf.hpp"

#include "schema/report.hpp"
#include "schema/validator.hpp"

#include <zlhcs/zlhcs.h>

#include <rapidjson/document.h>

#include <array>
#include <cstring>
#include <string>

namespace {

namespace schema = zlhcs::schema;
namespace reference = zlhcs_fuzz::reference;

// The document types of zlhcs's entry points (create, modify, process create and modify,
// property and enumerate queries, state-change options), then the other types of
// tests/data/schema/manifest.json.
constexpr std::array<const char*, 16> types = {
    "ComputeSystem",         "ModifySettingRequest", "ProcessParameters",   "ProcessModifyRequest",
    "System_PropertyQuery",  "Service_PropertyQuery", "SystemQuery",        "ShutdownOptions",
    "PauseOptions",          "SaveOptions",          "SignalProcessOptions", "ModificationRequest",
    "SystemExitStatus",      "HvSocketServiceConfig", "Properties",         "ProcessStatus",
};

/// What the caller names as the schema version.
struct version_choice {
    bool with_options;           // options passed at all
    const char* schema_version;  // NULL: the document's own
    bool well_formed;            // "2.<minor>"
};
constexpr std::array<version_choice, 11> versions = {{
    {false, nullptr, true},
    {true, "2.0", true}, {true, "2.1", true}, {true, "2.2", true}, {true, "2.3", true},
    {true, "2.4", true}, {true, "2.5", true}, {true, "2.6", true},
    {true, "2.99", true},   // newer than any this zlhcs knows: a warning
    {true, "3.0", false},   // not schema 2: refused
    {true, nullptr, true},  // options without a version
}};

std::size_t pick(std::uint8_t byte, char base, std::size_t count) {
    return static_cast<std::uint8_t>(byte - static_cast<std::uint8_t>(base)) % count;
}

std::string hex(zlhcs_hresult hr) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(hr));
    return text;
}

std::uint64_t strings_held() {
    zlhcs_debug_counts_info counts{};
    counts.struct_size = sizeof counts;
    FUZZ_CHECK(zlhcs_debug_counts(&counts) == ZLHCS_S_OK, "zlhcs_debug_counts failed");
    return counts.strings;
}

/// The report agrees with itself and with the call's code.
void check_report(const std::string& text, zlhcs_hresult hr, const char* type, const version_choice& version) {
    FUZZ_CHECK(reference::is_valid_utf8(text), "the report is not valid UTF-8");
    rapidjson::Document report;
    report.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    FUZZ_CHECK(!report.HasParseError() && report.IsObject(), "the report is not a JSON object: " + text.substr(0, 200));
    const auto member = [&](const char* name) -> const rapidjson::Value& {
        const auto it = report.FindMember(name);
        FUZZ_CHECK(it != report.MemberEnd(), std::string("the report has no ") + name);
        return it->value;
    };
    FUZZ_CHECK(member("Type").IsString() && std::strcmp(member("Type").GetString(), type) == 0, "Type differs");
    FUZZ_CHECK(member("Errors").IsUint64() && member("Warnings").IsUint64(), "Errors/Warnings are not counts");
    const std::uint64_t errors = member("Errors").GetUint64();
    const std::uint64_t warnings = member("Warnings").GetUint64();
    FUZZ_CHECK(member("Valid").IsBool() && member("Valid").GetBool() == (errors == 0), "Valid disagrees with Errors");
    if (hr == ZLHCS_S_OK) FUZZ_CHECK(errors == 0 && warnings == 0, "S_OK with problems");
    if (hr == ZLHCS_S_FALSE) FUZZ_CHECK(errors == 0 && warnings > 0, "S_FALSE without warnings only");
    if (hr == ZLHCS_E_SCHEMA_INVALID) FUZZ_CHECK(errors > 0, "SCHEMA_INVALID without an error");
    if (version.schema_version != nullptr) {
        FUZZ_CHECK(member("SchemaVersion").IsString() &&
                       std::strcmp(member("SchemaVersion").GetString(), version.schema_version) == 0,
                   "SchemaVersion is not the caller's");
        FUZZ_CHECK(std::strcmp(member("SchemaVersionFrom").GetString(), "caller") == 0, "SchemaVersionFrom");
    }
    const rapidjson::Value& problems = member("Problems");
    FUZZ_CHECK(problems.IsArray() && problems.Size() <= ZLHCS_SCHEMA_MAX_PROBLEMS, "Problems is not a bounded array");
    std::uint64_t listed_errors = 0;
    std::uint64_t listed_warnings = 0;
    for (const rapidjson::Value& problem : problems.GetArray()) {
        FUZZ_CHECK(problem.IsObject() && problem.HasMember("Path") && problem["Path"].IsString() &&
                       problem.HasMember("Severity") && problem["Severity"].IsString() && problem.HasMember("Rule") &&
                       problem.HasMember("Message") && problem["Message"].IsString(),
                   "a problem lacks Path, Severity, Rule or Message");
        const std::string path = problem["Path"].GetString();
        FUZZ_CHECK(path.empty() || path[0] == '/', "a Path that is no JSON pointer: " + path);
        const std::string severity = problem["Severity"].GetString();
        FUZZ_CHECK(severity == "error" || severity == "warning", "Severity " + severity);
        (severity == "error" ? listed_errors : listed_warnings) += 1;
    }
    FUZZ_CHECK(member("Truncated").IsBool(), "Truncated is not a bool");
    const bool truncated = member("Truncated").GetBool();
    FUZZ_CHECK(listed_errors <= errors && listed_warnings <= warnings, "more problems listed than counted");
    FUZZ_CHECK(truncated == (listed_errors + listed_warnings < errors + warnings),
               "Truncated disagrees with the counts");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    for (const char* type : types) FUZZ_CHECK(schema::find_struct(type).has_value(), std::string("no type ") + type);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const char* type = types[pick(data[0], 'A', types.size())];
    const version_choice& version = versions[pick(data[1], '0', versions.size())];
    // The C API reads up to the first NUL.
    const std::string document(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::string_view text(document.c_str());

    zlhcs_schema_validate_options options{};
    options.struct_size = sizeof options;
    options.schema_version = version.schema_version;
    char* report = nullptr;
    const zlhcs_hresult hr =
        zlhcs_schema_validate(type, document.c_str(), version.with_options ? &options : nullptr, &report);

    if (!reference::is_valid_utf8(text)) {
        FUZZ_CHECK(hr == ZLHCS_E_INVALID_UTF8 && report == nullptr, "invalid UTF-8 gave " + hex(hr));
    } else if (!version.well_formed) {
        FUZZ_CHECK(hr == ZLHCS_E_INVALID_ARGUMENT && report == nullptr, "a malformed version gave " + hex(hr));
    } else {
        FUZZ_CHECK(hr == ZLHCS_S_OK || hr == ZLHCS_S_FALSE || hr == ZLHCS_E_SCHEMA_INVALID,
                   "undocumented code " + hex(hr));
        FUZZ_CHECK(report != nullptr, "no report with " + hex(hr));
        const std::string report_text(report);
        check_report(report_text, hr, type, version);

        // The library and the sources compiled here agree (the same code: a difference would
        // be state or memory the call should not depend on).
        std::optional<schema::version> named;
        if (version.schema_version != nullptr) {
            schema::version parsed;
            FUZZ_CHECK(schema::parse_version(version.schema_version, parsed), "parse_version");
            named = parsed;
        }
        const std::string expected = schema::to_json(schema::validate(*schema::find_struct(type), text, named));
        FUZZ_CHECK(report_text == expected, "the library's report differs from the validator's");

        if (hr == ZLHCS_E_SCHEMA_INVALID) {
            zlhcs_error error{};
            error.struct_size = sizeof error;
            FUZZ_CHECK(zlhcs_last_error(&error) == ZLHCS_S_OK && error.code == hr, "last error is not the refusal");
            FUZZ_CHECK(std::strcmp(error.result_document, report) == 0, "last error's document is not the report");
        }
    }
    zlhcs_free(report);
    FUZZ_CHECK(strings_held() == 0, "a string handed out is not freed");
    return 0;
}

std::optional<std::string> zlhcs_fuzz::seed_from_document(std::string_view type, std::string_view document) {
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (type == types[i]) return std::string{static_cast<char>('A' + i), '0'} + std::string(document);
    }
    return std::nullopt;
}
