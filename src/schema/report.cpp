#include "report.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace zlhcs::schema {
namespace {

using writer_t = rapidjson::Writer<rapidjson::StringBuffer>;

void string(writer_t& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void member(writer_t& w, const char* name, std::string_view text) {
    w.Key(name);
    string(w, text);
}

const char* source_name(version_source source) {
    switch (source) {
    case version_source::caller: return "caller";
    case version_source::document: return "document";
    case version_source::none: break;
    }
    return "none";
}

void write_problem(writer_t& w, const problem& p) {
    w.StartObject();
    member(w, "Path", p.path);
    member(w, "Severity", p.level == severity::error ? "error" : "warning");
    member(w, "Rule", p.rule);
    member(w, "Message", p.message);
    if (p.expected_is_list) {
        w.Key("Expected");
        w.StartArray();
        for (const std::string& value : p.expected_values) string(w, value);
        w.EndArray();
    } else if (!p.expected.empty()) {
        member(w, "Expected", p.expected);
    }
    if (p.actual) member(w, "Actual", *p.actual);
    if (p.suggestion) member(w, "Suggestion", *p.suggestion);
    if (p.since) member(w, "Since", *p.since);
    w.EndObject();
}

/// The bytes write_problem() writes for `p` (escapes included).
std::size_t json_size(const problem& p) {
    rapidjson::StringBuffer buffer;
    writer_t w(buffer);
    write_problem(w, p);
    return buffer.GetSize();
}

std::string count_text(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string to_json(const report& r) {
    rapidjson::StringBuffer buffer;
    writer_t w(buffer);
    w.StartObject();
    member(w, "Type", r.type);
    w.Key("SchemaVersion");
    if (r.schema) {
        string(w, to_string(*r.schema));
    } else {
        w.Null();
    }
    member(w, "SchemaVersionFrom", source_name(r.source));
    if (!r.note.empty()) member(w, "Note", r.note);
    w.Key("Valid");
    w.Bool(r.errors == 0);
    w.Key("Errors");
    w.Uint64(r.errors);
    w.Key("Warnings");
    w.Uint64(r.warnings);
    w.Key("Problems");
    w.StartArray();
    for (const problem& p : r.problems) write_problem(w, p);
    w.EndArray();
    w.Key("Truncated");
    w.Bool(r.truncated);
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

void fit_to_budget(report& r, std::size_t budget) {
    // Everything but the problems, with room for every count to reach 20 digits: Type and
    // Note are bounded by the schema's names, SchemaVersion by two 32-bit numbers.
    report frame;
    frame.type = r.type;
    frame.schema = r.schema;
    frame.source = r.source;
    frame.note = r.note;
    std::size_t used = to_json(frame).size() + 3 * 20;
    for (std::size_t i = 0; i < r.problems.size(); ++i) {
        used += json_size(r.problems[i]) + (i > 0 ? 1 : 0);  // "," between problems
        if (used > budget) {
            r.problems.erase(r.problems.begin() + static_cast<std::ptrdiff_t>(i), r.problems.end());
            r.truncated = true;
            return;
        }
    }
}

std::string summary(const report& r) {
    std::string text = count_text(r.errors, "error") + " and " + count_text(r.warnings, "warning");
    const problem* first = nullptr;
    for (const problem& p : r.problems) {
        if (p.level == severity::error) {
            first = &p;
            break;
        }
    }
    if (first == nullptr && !r.problems.empty()) first = &r.problems.front();
    if (first != nullptr) {
        text += "; first: " + (first->path.empty() ? std::string("(the document)") : first->path) + ": " +
                first->message;
    }
    return text;
}

}  // namespace zlhcs::schema
