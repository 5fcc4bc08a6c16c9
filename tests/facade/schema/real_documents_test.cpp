// Real HCS documents (tests/data/schema: Microsoft's HCS documentation and hcsshim, each
// named with its source in manifest.json) read as their schema type: they write back the same
// JSON value, and the fields the typed model keeps as unknown are exactly the ones the
// manifest lists (found independently, by a walk of the schema data). A misspelt copy of each
// still round-trips, with the misspelt name kept as unknown where the field was.
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include <zlhcs/validation.hpp>

#include "real_documents.hpp"
#include "schema_test_support.hpp"

namespace {

using namespace zlhcs::schema;
using zlhcs_schema_test::same_json;

std::string pointer_token(std::string_view text) {
    std::string out;
    zlhcs::schema::detail::append_pointer_token(out, text);
    return out;
}

// The JSON pointers of every unknown field in a typed value.
template <class T>
void collect_unknown(const T& value, const std::string& path, std::set<std::string>& out);

template <class T>
void collect_member(const T& value, const std::string& path, std::set<std::string>& out) {
    if constexpr (zlhcs::schema::detail::is_schema_struct<T>) {
        collect_unknown(value, path, out);
    } else if constexpr (zlhcs::schema::detail::is_vector<T>) {
        for (std::size_t i = 0; i < value.size(); ++i) collect_member(value[i], path + "/" + std::to_string(i), out);
    } else if constexpr (zlhcs::schema::detail::is_map<T>) {
        for (const auto& [key, item] : value) {
            if constexpr (std::is_same_v<std::decay_t<decltype(key)>, std::string>) {
                collect_member(item, path + "/" + pointer_token(key), out);
            } else {
                collect_member(item, path + "/" + std::to_string(key), out);
            }
        }
    }
}

template <class T>
void collect_unknown(const T& value, const std::string& path, std::set<std::string>& out) {
    for (const auto& extra : value.unknown_fields) {
        if (!extra.value.is_null()) out.insert(path + "/" + pointer_token(extra.name));
    }
    struct_info<T>::for_each(value, [&](std::size_t index, const auto& member) {
        if (member) collect_member(*member, path + "/" + std::string(struct_info<T>::fields[index].name), out);
    });
}

struct outcome {
    std::string written;
    std::set<std::string> unknown;
};

template <class T>
outcome read_as(const std::string& text) {
    const T value = from_json<T>(text);
    outcome result;
    result.written = to_json(value);
    collect_unknown(value, "", result.unknown);
    return result;
}

// The schema types of the documents in the manifest.
const std::map<std::string, std::function<outcome(const std::string&)>>& readers() {
    static const std::map<std::string, std::function<outcome(const std::string&)>> table = {
        {"ComputeSystem", read_as<ComputeSystem>},
        {"ModifySettingRequest", read_as<ModifySettingRequest>},
        {"ModificationRequest", read_as<ModificationRequest>},
        {"System_PropertyQuery", read_as<System_PropertyQuery>},
        {"Service_PropertyQuery", read_as<Service_PropertyQuery>},
        {"PauseOptions", read_as<PauseOptions>},
        {"SaveOptions", read_as<SaveOptions>},
        {"SystemExitStatus", read_as<SystemExitStatus>},
        {"HvSocketServiceConfig", read_as<HvSocketServiceConfig>},
        {"ProcessParameters", read_as<ProcessParameters>},
        {"Statistics", read_as<Statistics>},
        {"Properties", read_as<Properties>},
    };
    return table;
}

const std::string& document(const std::string& name) {
    for (const auto& file : zlhcs_schema_test::embedded_documents()) {
        if (file.name == name) return file.text;
    }
    static const std::string none;
    ADD_FAILURE() << name << " is not in tests/data/schema";
    return none;
}

rapidjson::Document manifest() {
    rapidjson::Document doc;
    doc.Parse(document("manifest.json").c_str());
    EXPECT_FALSE(doc.HasParseError());
    EXPECT_TRUE(doc.IsArray());
    return doc;
}

std::set<std::string> listed_unknown(const rapidjson::Value& entry) {
    std::set<std::string> out;
    if (entry.HasMember("unknown_fields")) {
        for (const auto& pointer : entry["unknown_fields"].GetArray()) out.insert(pointer.GetString());
    }
    return out;
}

// The document with the field at `pointer` renamed to `as` (same place in its object).
std::string misspelt(const std::string& text, const std::string& pointer, const std::string& as) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    const auto slash = pointer.rfind('/');
    rapidjson::Value* parent =
        slash == 0 ? &doc : rapidjson::Pointer(pointer.substr(0, slash).c_str()).Get(doc);
    EXPECT_NE(nullptr, parent) << pointer;
    if (parent == nullptr) return text;
    const std::string name = pointer.substr(slash + 1);
    for (auto& member : parent->GetObject()) {
        if (name == member.name.GetString()) member.name.SetString(as.c_str(), doc.GetAllocator());
    }
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    doc.Accept(writer);
    return buffer.GetString();
}

TEST(RealDocuments, EveryDocumentIsInTheManifestAndEveryEntryHasASource) {
    const auto entries = manifest();
    std::set<std::string> listed;
    for (const auto& entry : entries.GetArray()) {
        listed.insert(entry["file"].GetString());
        EXPECT_GT(std::string(entry["source"].GetString()).size(), 10u) << entry["file"].GetString();
        EXPECT_TRUE(readers().count(entry["type"].GetString())) << "add " << entry["type"].GetString() << " to readers()";
    }
    for (const auto& file : zlhcs_schema_test::embedded_documents()) {
        if (file.name != "manifest.json") {
            EXPECT_TRUE(listed.count(file.name)) << file.name << " is not in manifest.json";
        }
    }
    EXPECT_GE(listed.size(), 15u);
}

TEST(RealDocuments, RoundTripUnchangedWithExactlyTheListedUnknownFields) {
    const auto entries = manifest();
    for (const auto& entry : entries.GetArray()) {
        const std::string name = entry["file"].GetString();
        const auto reader = readers().find(entry["type"].GetString());
        if (reader == readers().end()) continue;
        const std::string& text = document(name);
        const outcome result = reader->second(text);
        EXPECT_TRUE(same_json(text, result.written)) << name;
        EXPECT_EQ(listed_unknown(entry), result.unknown) << name;
    }
}

TEST(RealDocuments, MisspeltCopiesRoundTripWithTheMisspeltNameUnknown) {
    const auto entries = manifest();
    for (const auto& entry : entries.GetArray()) {
        const std::string name = entry["file"].GetString();
        const auto reader = readers().find(entry["type"].GetString());
        if (reader == readers().end() || !entry.HasMember("misspell")) continue;
        const std::string pointer = entry["misspell"]["pointer"].GetString();
        const std::string as = entry["misspell"]["as"].GetString();
        const std::string text = misspelt(document(name), pointer, as);
        ASSERT_EQ(std::string::npos, document(name).find("\"" + as + "\"")) << name;
        ASSERT_NE(std::string::npos, text.find("\"" + as + "\"")) << name;
        const outcome result = reader->second(text);
        EXPECT_TRUE(same_json(text, result.written)) << name;
        auto expected = listed_unknown(entry);
        expected.insert(pointer.substr(0, pointer.rfind('/') + 1) + as);
        EXPECT_EQ(expected, result.unknown) << name;
    }
}


// The same documents through the DLL's validator: no errors but the ones the manifest records
// as real mistakes of the source ("schema_problems"), and as warnings exactly the unknown fields
// the manifest lists plus its "since_warnings" (fields newer than the document's SchemaVersion,
// which HCS accepts). The misspelt copy gets one more warning, at the misspelt name, suggesting
// the original.
namespace validation {

struct finding {
    std::string path;
    std::string rule;
    bool operator<(const finding& other) const {
        return path != other.path ? path < other.path : rule < other.rule;
    }
    bool operator==(const finding& other) const { return path == other.path && rule == other.rule; }
};

std::set<finding> listed(const rapidjson::Value& entry, const char* key, const char* rule) {
    std::set<finding> out;
    if (entry.HasMember(key)) {
        for (const auto& pointer : entry[key].GetArray()) out.insert({pointer.GetString(), rule});
    }
    return out;
}

std::set<finding> of(const zlhcs::validation_report& report, zlhcs::problem_severity severity) {
    std::set<finding> out;
    for (const auto& p : report.problems()) {
        if (p.severity == severity) out.insert({p.path, p.rule});
    }
    return out;
}

std::string listing(const std::set<finding>& findings) {
    std::string out;
    for (const auto& f : findings) out += " " + f.path + " (" + f.rule + ")";
    return out;
}

TEST(RealDocuments, ValidateWithExactlyTheKnownProblems) {
    const auto entries = manifest();
    for (const auto& entry : entries.GetArray()) {
        const std::string name = entry["file"].GetString();
        const zlhcs::validation_report report = zlhcs::validate(entry["type"].GetString(), document(name));
        auto warnings = listed(entry, "unknown_fields", "unknown-field");
        const auto since = listed(entry, "since_warnings", "since");
        warnings.insert(since.begin(), since.end());
        const auto errors = listed(entry, "schema_error_pointers", "");
        std::set<finding> found_errors;
        for (const auto& f : of(report, zlhcs::problem_severity::error)) found_errors.insert({f.path, ""});
        EXPECT_EQ(listing(errors), listing(found_errors)) << name << ": " << report.json();
        EXPECT_EQ(listing(warnings), listing(of(report, zlhcs::problem_severity::warning))) << name << ": " << report.json();
        EXPECT_EQ(errors.empty(), report.valid()) << name;
    }
}

TEST(RealDocuments, MisspeltCopiesGetTheRightSuggestion) {
    const auto entries = manifest();
    for (const auto& entry : entries.GetArray()) {
        const std::string name = entry["file"].GetString();
        const std::string pointer = entry["misspell"]["pointer"].GetString();
        const std::string as = entry["misspell"]["as"].GetString();
        const std::string original = pointer.substr(pointer.rfind('/') + 1);
        const std::string misspelt_pointer = pointer.substr(0, pointer.rfind('/') + 1) + as;
        const zlhcs::validation_report report =
            zlhcs::validate(entry["type"].GetString(), misspelt(document(name), pointer, as));
        const zlhcs::validation_problem* problem = nullptr;
        for (const auto& p : report.problems()) {
            if (p.path == misspelt_pointer && p.rule == "unknown-field") problem = &p;
        }
        ASSERT_NE(nullptr, problem) << name << ": " << report.json();
        EXPECT_EQ(std::optional<std::string>(original), problem->suggestion) << name;
        EXPECT_NE(std::string::npos, problem->message.find("did you mean \"" + original + "\"")) << problem->message;
    }
}

}  // namespace validation

}  // namespace
