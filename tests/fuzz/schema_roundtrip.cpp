// Fuzz harness: the C++ facade's typed schema codec (facade/include/zlhcs/schema*), reading and
// writing ComputeSystem, ProcessParameters, ModifySettingRequest, System_PropertyQuery and
// Properties. One translation unit instantiates the codec of all five (its templates are the
// costly part of compiling it).
//
// Input: byte 0 picks the type ('A' + index in seeds), the rest is the JSON text.
// Properties, whenever from_json accepts the text: to_json's output is valid UTF-8, readable by
// RapidJSON under the reader's own flags (schema::parse_flags), read back without error into a
// value equal to the first (from_json(to_json(x)) == x), and written again identically. A
// refusal is a zlhcs::error; nothing else may be thrown.
#include "check.hpp"
#include "harness.hpp"
#include "reference_utf.hpp"

#include <zlhcs/schema.hpp>
#include <zlhcs/schema/codec.hpp>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <array>
#include <exception>
#include <string>

namespace {

namespace schema = zlhcs::schema;

template <class T>
void round_trip(std::string_view json) {
    T first;
    try {
        schema::from_json(json, first);
    } catch (const zlhcs::error&) {
        return;  // refused, as documented
    }
    const std::string written = schema::to_json(first);
    FUZZ_CHECK(zlhcs_fuzz::reference::is_valid_utf8(written), "to_json wrote invalid UTF-8: " + written.substr(0, 300));

    rapidjson::MemoryStream stream(written.data(), written.size());
    rapidjson::BaseReaderHandler<> ignore;
    rapidjson::Reader reader;
    const rapidjson::ParseResult parsed = reader.Parse<schema::parse_flags>(stream, ignore);
    FUZZ_CHECK(!parsed.IsError(), "to_json wrote what the reader's flags refuse (" +
                                      std::string(rapidjson::GetParseError_En(parsed.Code())) + " at " +
                                      std::to_string(parsed.Offset()) + "): " + written.substr(0, 300));

    T second;
    try {
        schema::from_json(written, second);
    } catch (const zlhcs::error& e) {
        zlhcs_fuzz::fail(__FILE__, __LINE__, "from_json(to_json(x))", std::string(e.what()) + ": " + written.substr(0, 300));
    }
    FUZZ_CHECK(second == first, "from_json(to_json(x)) != x; written: " + written.substr(0, 300));
    const std::string rewritten = schema::to_json(second);
    FUZZ_CHECK(rewritten == written, "to_json(from_json(to_json(x))) != to_json(x): " + rewritten.substr(0, 300));
}

using round_trip_fn = void (*)(std::string_view);
struct typed_entry {
    const char* name;
    round_trip_fn run;
};
constexpr std::array<typed_entry, 5> types = {{
    {"ComputeSystem", &round_trip<schema::ComputeSystem>},
    {"ProcessParameters", &round_trip<schema::ProcessParameters>},
    {"ModifySettingRequest", &round_trip<schema::ModifySettingRequest>},
    {"System_PropertyQuery", &round_trip<schema::System_PropertyQuery>},
    {"Properties", &round_trip<schema::Properties>},
}};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const typed_entry& entry = types[static_cast<std::uint8_t>(data[0] - 'A') % types.size()];
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        entry.run(json);
    } catch (const std::exception& e) {
        zlhcs_fuzz::fail(__FILE__, __LINE__, "no exception but zlhcs::error",
                         std::string(entry.name) + ": " + e.what());
    }
    return 0;
}

std::optional<std::string> zlhcs_fuzz::seed_from_document(std::string_view type, std::string_view document) {
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (type == types[i].name) return static_cast<char>('A' + i) + std::string(document);
    }
    return std::nullopt;
}
