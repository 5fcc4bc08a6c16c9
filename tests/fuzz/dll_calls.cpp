// Fuzz harness: zlhcs's exported calls that take JSON, through the library into hcsim, its
// backend (hcsim as System32\computecore.dll under Wine).
//
// Input: up to seven JSON texts separated by lines "---" (a line JSON never has outside a
// string, so a real document is one section): the ComputeSystem configuration of a create, a
// ModifySettingRequest, a System_PropertyQuery, the ProcessParameters of a process create, a
// ProcessModifyRequest, a process properties query, an enumerate SystemQuery. An empty or
// missing configuration or process section is replaced by a working default, so that the
// calls after it run; an empty optional document is passed as "" (the same as NULL).
//
// Properties: every call returns a code the header documents (zlhcs's own codes but
// ZLHCS_E_INTERNAL, HCS's, and the HRESULTs HCS and hcsim give; S_FALSE only where the header's
// table lists it for that call); a document that is not UTF-8 is refused with
// ZLHCS_E_INVALID_UTF8; every document handed out is valid UTF-8 JSON; nothing crashes. After
// each input (the system terminated, every handle closed) zlhcs's leak counters and hcsim's
// live objects return to zero, and hcsim saw no use of a closed HCS handle.
#include "check.hpp"
#include "harness.hpp"
#include "reference_utf.hpp"

#include "debug_counts.hpp"
#include "hcsim_client.h"

#include <zlhcs/zlhcs.h>

#include <rapidjson/document.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace reference = zlhcs_fuzz::reference;

enum section : std::size_t {
    configuration,
    modify_settings,
    system_query,
    process_parameters,
    process_modify,
    process_query,
    enumerate_query,
    section_count
};
constexpr std::string_view separator = "\n---\n";
constexpr const char* default_configuration =
    R"({"SchemaVersion":{"Major":2,"Minor":1},"Owner":"zlhcs-fuzz","Container":{}})";
constexpr const char* default_process = R"({"CommandLine":"cmd /c echo fuzz","CreateStdOutPipe":true})";
constexpr const char* system_id = "zlhcs-fuzz-dll-calls";

std::string hex(zlhcs_hresult hr) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(hr));
    return text;
}

/// The codes the header documents for these calls. S_FALSE only where allowed.
bool documented(zlhcs_hresult hr, bool s_false_allowed) {
    const auto code = static_cast<std::uint32_t>(hr);
    if (hr == ZLHCS_S_OK) return true;
    if (hr == ZLHCS_S_FALSE) return s_false_allowed;
    if (code >= 0xA07A0001u && code <= 0xA07A000Au) return hr != ZLHCS_E_INTERNAL;  // zlhcs's own
    const std::uint32_t hcs = code & ~0x40000000u;  // HCS's codes, in either severity form
    if (hcs >= 0x80370100u && hcs <= 0x8037011Fu) return true;
    switch (code) {
    case 0x80070002u:  // ERROR_FILE_NOT_FOUND: no such program
    case 0x80070005u:  // E_ACCESSDENIED
    case 0x8007000Eu:  // E_OUTOFMEMORY
    case 0x80070057u:  // E_INVALIDARG
    case 0x800700B7u:  // ERROR_ALREADY_EXISTS
    case 0x80004001u:  // E_NOTIMPL
    case static_cast<std::uint32_t>(ZLHCS_WIN32_E_NOT_SUPPORTED):
    case static_cast<std::uint32_t>(ZLHCS_WIN32_E_BROKEN_PIPE):
    case static_cast<std::uint32_t>(ZLHCS_WIN32_E_NOT_FOUND):
    case static_cast<std::uint32_t>(ZLHCS_WIN32_E_CANCELLED): return true;
    default: return false;
    }
}

/// A document zlhcs handed out (or NULL): valid UTF-8 JSON. Frees it.
void check_document(const char* call, char* document) {
    if (document == nullptr) return;
    const std::string text(document);
    zlhcs_free(document);
    FUZZ_CHECK(reference::is_valid_utf8(text), std::string(call) + " handed out invalid UTF-8: " + text.substr(0, 300));
    rapidjson::Document parsed;
    parsed.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    FUZZ_CHECK(!parsed.HasParseError(), std::string(call) + " handed out a document that is not JSON: " + text.substr(0, 300));
}

/// One call's result: documented, and an input that is not UTF-8 refused as such.
void check_call(const char* call, zlhcs_hresult hr, char* document, bool s_false_allowed, const std::string& input) {
    FUZZ_CHECK(documented(hr, s_false_allowed), std::string(call) + " returned the undocumented " + hex(hr));
    if (!reference::is_valid_utf8(input)) {
        FUZZ_CHECK(hr == ZLHCS_E_INVALID_UTF8, std::string(call) + " took invalid UTF-8: " + hex(hr));
    }
    check_document(call, document);
}

std::vector<std::string> sections_of(std::string_view input) {
    std::vector<std::string> sections;
    while (sections.size() + 1 < section_count) {
        const std::size_t end = input.find(separator);
        if (end == std::string_view::npos) break;
        sections.emplace_back(input.substr(0, end));
        input.remove_prefix(end + separator.size());
    }
    sections.emplace_back(input);
    sections.resize(section_count);
    // The C API reads up to the first NUL: so does every check here.
    for (std::string& section : sections) section = std::string(section.c_str());
    return sections;
}

const zlhcs_test::hcsim_client& hcsim() { return zlhcs_test::hcsim_client::instance(); }

/// Everything is back to zero after an input: zlhcs's counters (contexts are released and
/// operations end on zlhcs's and HCS's threads a moment after the last close, so this waits,
/// bounded against a hang) and hcsim's live objects, and no closed handle was used.
void check_everything_released() {
    const std::string left = zlhcs_test::wait_for_zero_counts(false);
    FUZZ_CHECK(left.empty(), "zlhcs still holds: " + left);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    hcsim_live_objects live{};
    for (;;) {
        live = hcsim().live_objects();
        const bool zero = live.operations == 0 && live.system_handles == 0 && live.systems == 0 &&
                          live.process_handles == 0 && live.pending_completions == 0 && live.strings == 0;
        if (zero) break;
        FUZZ_CHECK(std::chrono::steady_clock::now() < until,
                   "hcsim still holds: operations " + std::to_string(live.operations) + ", system handles " +
                       std::to_string(live.system_handles) + ", systems " + std::to_string(live.systems) +
                       ", process handles " + std::to_string(live.process_handles) + ", pending completions " +
                       std::to_string(live.pending_completions) + ", strings " + std::to_string(live.strings));
        std::this_thread::yield();  // polls until `until`, no fixed pause
    }
    const std::string violations = hcsim().take_violations();
    FUZZ_CHECK(violations.empty(), violations);
}

void run_process_calls(zlhcs_system system, const std::vector<std::string>& sections) {
    const std::string parameters = sections[process_parameters].empty() ? default_process : sections[process_parameters];
    zlhcs_process process = 0;
    char* document = nullptr;
    zlhcs_hresult hr = zlhcs_process_create(system, parameters.c_str(), nullptr, ZLHCS_INFINITE, &process, &document);
    check_call("zlhcs_process_create", hr, document, false, parameters);
    FUZZ_CHECK((hr >= 0) == (process != 0), "zlhcs_process_create: a handle iff it succeeded");
    if (process == 0) return;

    document = nullptr;
    hr = zlhcs_process_modify(process, sections[process_modify].c_str(), ZLHCS_INFINITE, &document);
    check_call("zlhcs_process_modify", hr, document, false, sections[process_modify]);

    document = nullptr;
    hr = zlhcs_process_properties(process, sections[process_query].c_str(), ZLHCS_INFINITE, &document);
    check_call("zlhcs_process_properties", hr, document, false, sections[process_query]);

    document = nullptr;
    hr = zlhcs_process_terminate(process, nullptr, ZLHCS_INFINITE, &document);
    check_call("zlhcs_process_terminate", hr, document, true, "");
    FUZZ_CHECK(zlhcs_process_close(process) == ZLHCS_S_OK, "zlhcs_process_close");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)hcsim();  // loads the backend and puts hcsim in the tests' behaviour (strict handles)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> sections = sections_of({reinterpret_cast<const char*>(data), size});
    const std::string config = sections[configuration].empty() ? default_configuration : sections[configuration];

    zlhcs_system system = 0;
    char* document = nullptr;
    zlhcs_hresult hr = zlhcs_system_create(system_id, config.c_str(), nullptr, ZLHCS_INFINITE, &system, &document);
    check_call("zlhcs_system_create", hr, document, false, config);
    FUZZ_CHECK((hr >= 0) == (system != 0), "zlhcs_system_create: a handle iff it succeeded");
    if (system != 0) {
        document = nullptr;
        hr = zlhcs_system_modify(system, sections[modify_settings].c_str(), nullptr, ZLHCS_INFINITE, &document);
        check_call("zlhcs_system_modify", hr, document, false, sections[modify_settings]);

        document = nullptr;
        hr = zlhcs_system_properties(system, sections[system_query].c_str(), ZLHCS_INFINITE, &document);
        check_call("zlhcs_system_properties", hr, document, false, sections[system_query]);

        document = nullptr;
        hr = zlhcs_system_start(system, nullptr, ZLHCS_INFINITE, &document);
        check_call("zlhcs_system_start", hr, document, false, "");
        if (hr >= 0) run_process_calls(system, sections);

        document = nullptr;
        hr = zlhcs_system_properties(system, sections[system_query].c_str(), ZLHCS_INFINITE, &document);
        check_call("zlhcs_system_properties (running)", hr, document, false, sections[system_query]);
    }
    document = nullptr;
    hr = zlhcs_system_enumerate(sections[enumerate_query].c_str(), nullptr, ZLHCS_INFINITE, &document);
    check_call("zlhcs_system_enumerate", hr, document, false, sections[enumerate_query]);
    if (system != 0) {
        document = nullptr;
        hr = zlhcs_system_terminate(system, nullptr, ZLHCS_INFINITE, &document);
        check_call("zlhcs_system_terminate", hr, document, true, "");
        FUZZ_CHECK(zlhcs_system_close(system) == ZLHCS_S_OK, "zlhcs_system_close");
    }
    check_everything_released();
    return 0;
}

std::optional<std::string> zlhcs_fuzz::seed_from_document(std::string_view type, std::string_view document) {
    const std::string text(document);
    const std::string sep(separator);
    if (type == "ComputeSystem") return text;
    if (type == "ModifySettingRequest") return sep + text;
    if (type == "System_PropertyQuery") return sep + sep + text;
    if (type == "ProcessParameters") return sep + sep + sep + text;
    return std::nullopt;
}
