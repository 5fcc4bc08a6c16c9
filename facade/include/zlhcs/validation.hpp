// zlhcs C++ facade - schema validation.
//
// validate() checks a JSON document against the HCS schema in the DLL
// (zlhcs_schema_validate) and returns a typed report of every problem: where (a JSON
// pointer), the rule, a sentence, what was expected and found, the nearest known name, and
// the schema version involved (docs/schema-validation.md):
//
//     const zlhcs::validation_report report = zlhcs::validate("ComputeSystem", document);
//     if (!report.valid())
//         for (const auto& p : report.problems()) log(p.path, p.message);
//
// An invalid document is not an exception: that is what the report says. Bad arguments are
// (zlhcs::error: an unknown type name, whose message names the nearest one, a malformed
// version, invalid UTF-8, a document over ZLHCS_MAX_INPUT_BYTES). With document validation on
// (init_options::validation in <zlhcs/library.hpp>), a create or modify call that zlhcs refuses
// throws a zlhcs::error with code ZLHCS_E_SCHEMA_INVALID, and validation_report::from_error()
// reads its report. Free functions and plain value types; thread-safe.
//
// Reports are read with RapidJSON's SAX reader (<rapidjson/reader.h>), not its DOM: the DOM
// header brings <iterator> and with it <streambuf>, and <zlhcs/core.hpp>, which includes this
// header, stays free of iostreams.
#pragma once

#include <zlhcs/config.hpp>
#include <zlhcs/error.hpp>
#include <zlhcs/memory.hpp>
#include <zlhcs/string_arg.hpp>

#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zlhcs {

enum class problem_severity { error, warning };

/// Where the schema version in force came from.
enum class schema_version_source { caller, document, none };

/// One problem of a validation report.
struct validation_problem {
    std::string path;  ///< RFC 6901 JSON pointer ("" is the whole document)
    problem_severity severity = problem_severity::error;
    /// "json", "type", "range", "length", "format", "enum", "required", "any-of",
    /// "unknown-field", "since", "version", "depth", "duplicate" (later versions may add rules).
    std::string rule;
    std::string message;  ///< one sentence
    /// The expected type when the report names one ("uint32", "array of Layer"), else "".
    std::string expected;
    /// The allowed values (rule "enum") or the field names of which one is needed ("any-of").
    std::vector<std::string> expected_values;
    std::optional<std::string> actual;      ///< the JSON type or the value found
    std::optional<std::string> suggestion;  ///< the nearest known name
    std::optional<std::string> since;       ///< the schema version of the field or value ("2.3")
};

namespace detail {

/// Reads a JSON document with RapidJSON's SAX reader into named string / number / bool slots,
/// tracking where it is: a small state machine for the two fixed shapes zlhcs writes (the
/// validation report and the schema description). Members it does not know, and their
/// contents, are skipped: a newer DLL may add some.
class report_reader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, report_reader> {
public:
    enum class place { top, problems, problem, expected, types, ignored };

    // What the report holds, as read.
    std::string type, schema_version, schema_version_from, note, latest_version;
    bool has_schema_version = false, truncated = false, saw_problems = false;
    std::uint64_t errors = 0, warnings = 0;
    std::vector<validation_problem> problems;
    std::vector<std::string> types;

    bool StartObject() {
        if (stack_.empty()) {
            stack_.push_back(place::top);
        } else if (stack_.back() == place::problems) {
            problems.emplace_back();
            stack_.push_back(place::problem);
        } else {
            stack_.push_back(place::ignored);
        }
        key_.clear();
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        stack_.pop_back();
        return true;
    }
    bool StartArray() {
        const place at = stack_.empty() ? place::ignored : stack_.back();
        if (at == place::top && key_ == "Problems") {
            saw_problems = true;
            stack_.push_back(place::problems);
        } else if (at == place::top && key_ == "Types") {
            stack_.push_back(place::types);
        } else if (at == place::problem && key_ == "Expected") {
            stack_.push_back(place::expected);
        } else {
            stack_.push_back(place::ignored);
        }
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        stack_.pop_back();
        return true;
    }
    bool Key(const char* text, rapidjson::SizeType length, bool) {
        key_.assign(text, length);
        return true;
    }
    bool String(const char* text, rapidjson::SizeType length, bool) {
        std::string value(text, length);
        if (stack_.empty()) return true;
        switch (stack_.back()) {
        case place::top:
            if (key_ == "Type") type = std::move(value);
            else if (key_ == "SchemaVersion") { schema_version = std::move(value); has_schema_version = true; }
            else if (key_ == "SchemaVersionFrom") schema_version_from = std::move(value);
            else if (key_ == "Note") note = std::move(value);
            else if (key_ == "LatestSchemaVersion") latest_version = std::move(value);
            break;
        case place::problem: {
            validation_problem& p = problems.back();
            if (key_ == "Path") p.path = std::move(value);
            else if (key_ == "Severity") p.severity = value == "warning" ? problem_severity::warning : problem_severity::error;
            else if (key_ == "Rule") p.rule = std::move(value);
            else if (key_ == "Message") p.message = std::move(value);
            else if (key_ == "Expected") p.expected = std::move(value);
            else if (key_ == "Actual") p.actual = std::move(value);
            else if (key_ == "Suggestion") p.suggestion = std::move(value);
            else if (key_ == "Since") p.since = std::move(value);
            break;
        }
        case place::expected: problems.back().expected_values.push_back(std::move(value)); break;
        case place::types: types.push_back(std::move(value)); break;
        case place::problems:
        case place::ignored: break;
        }
        return true;
    }
    bool Bool(bool value) {
        if (!stack_.empty() && stack_.back() == place::top && key_ == "Truncated") truncated = value;
        return true;
    }
    bool Uint(unsigned value) { return Uint64(value); }
    bool Uint64(std::uint64_t value) {
        if (!stack_.empty() && stack_.back() == place::top) {
            if (key_ == "Errors") errors = value;
            else if (key_ == "Warnings") warnings = value;
        }
        return true;
    }

    /// Reads `json`; false if it is not well-formed JSON with an object at the top.
    bool read(const std::string& json) {
        const std::size_t first = json.find_first_not_of(" \t\r\n");
        if (first == std::string::npos || json[first] != '{') return false;
        rapidjson::Reader reader;
        rapidjson::StringStream stream(json.c_str());
        return !reader.Parse<rapidjson::kParseIterativeFlag>(stream, *this).IsError();
    }

private:
    std::vector<place> stack_;
    std::string key_;
};

}  // namespace detail

/// A validation report (the JSON zlhcs_schema_validate writes, parsed).
class validation_report {
public:
    /// Parses a report's JSON. Throws zlhcs::error (ZLHCS_E_INTERNAL) if it is not one.
    [[nodiscard]] static validation_report parse(std::string json) {
        detail::report_reader reader;
        if (!reader.read(json) || !reader.saw_problems) {
            throw error(ZLHCS_E_INTERNAL, "zlhcs_schema_validate", "the validation report is not a report", "",
                        std::move(json));
        }
        validation_report report;
        report.type_ = std::move(reader.type);
        if (reader.has_schema_version) report.schema_version_ = std::move(reader.schema_version);
        report.source_ = reader.schema_version_from == "caller"     ? schema_version_source::caller
                         : reader.schema_version_from == "document" ? schema_version_source::document
                                                                    : schema_version_source::none;
        report.note_ = std::move(reader.note);
        report.errors_ = static_cast<std::size_t>(reader.errors);
        report.warnings_ = static_cast<std::size_t>(reader.warnings);
        report.truncated_ = reader.truncated;
        report.problems_ = std::move(reader.problems);
        report.json_ = std::move(json);
        return report;
    }

    /// The report a refused create/modify call carries (document validation on): the error's
    /// result document when its code is ZLHCS_E_SCHEMA_INVALID, else nullopt.
    [[nodiscard]] static std::optional<validation_report> from_error(const error& e) {
        if (e.hresult() != ZLHCS_E_SCHEMA_INVALID || e.result_document().empty()) return std::nullopt;
        return parse(e.result_document());
    }

    /// The schema type validated against ("ComputeSystem").
    [[nodiscard]] const std::string& type() const noexcept { return type_; }
    /// The schema version in force ("2.1"), or nullopt when there was none.
    [[nodiscard]] const std::optional<std::string>& schema_version() const noexcept { return schema_version_; }
    [[nodiscard]] schema_version_source schema_version_from() const noexcept { return source_; }
    /// Why no version checks were made ("" when they were).
    [[nodiscard]] const std::string& note() const noexcept { return note_; }
    /// No errors (warnings may remain): HCS is not expected to refuse it for its shape.
    [[nodiscard]] bool valid() const noexcept { return errors_ == 0; }
    /// No problems at all.
    [[nodiscard]] bool clean() const noexcept { return errors_ == 0 && warnings_ == 0; }
    /// Every error and warning found (also those beyond the listed ones when truncated()).
    [[nodiscard]] std::size_t error_count() const noexcept { return errors_; }
    [[nodiscard]] std::size_t warning_count() const noexcept { return warnings_; }
    /// The problems in document order (at most ZLHCS_SCHEMA_MAX_PROBLEMS).
    [[nodiscard]] const std::vector<validation_problem>& problems() const noexcept { return problems_; }
    /// More problems were found than listed.
    [[nodiscard]] bool truncated() const noexcept { return truncated_; }
    /// The report's JSON as zlhcs wrote it.
    [[nodiscard]] const std::string& json() const noexcept { return json_; }

private:
    std::string type_;
    std::optional<std::string> schema_version_;
    schema_version_source source_ = schema_version_source::none;
    std::string note_;
    std::size_t errors_ = 0;
    std::size_t warnings_ = 0;
    std::vector<validation_problem> problems_;
    bool truncated_ = false;
    std::string json_;
};

/// Validates `document` (UTF-8 JSON) as the schema struct type `type_name` ("ComputeSystem",
/// "ModifySettingRequest", "ProcessParameters"...), against `schema_version` ("2.1") if given,
/// else the document's own SchemaVersion. Throws zlhcs::error for bad arguments only
/// (errc::invalid_argument: unknown type, malformed version, NULL document; also invalid
/// UTF-8 and documents over ZLHCS_MAX_INPUT_BYTES).
[[nodiscard]] inline validation_report validate(std::string_view type_name, const string_arg& document,
                                                std::optional<std::string> schema_version = {}) {
    const std::string type(type_name);
    zlhcs_schema_validate_options options{};
    options.struct_size = sizeof options;
    options.schema_version = schema_version ? schema_version->c_str() : nullptr;
    out_string report;
    const zlhcs_hresult hr = zlhcs_schema_validate(type.c_str(), document.c_str(), &options, report.put());
    if (hr < 0 && hr != ZLHCS_E_SCHEMA_INVALID) throw_error(hr, "zlhcs_schema_validate");
    return validation_report::parse(report.str());
}

/// What the loaded zlhcs knows of the schema (zlhcs_schema_info).
struct schema_description {
    std::string latest_version;      ///< "2.6"
    std::vector<std::string> types;  ///< the struct types validate() accepts, sorted
};

[[nodiscard]] inline schema_description describe_schema() {
    out_string text;
    check(zlhcs_schema_info(text.put()), "zlhcs_schema_info");
    const std::string json = text.str();
    detail::report_reader reader;
    if (!reader.read(json)) {
        throw error(ZLHCS_E_INTERNAL, "zlhcs_schema_info", "the schema description is not JSON", "", json);
    }
    return schema_description{std::move(reader.latest_version), std::move(reader.types)};
}

}  // namespace zlhcs
