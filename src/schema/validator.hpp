// Validation of an HCS JSON document against the schema tables (tables.hpp): every problem,
// with its JSON-pointer path, rule, message, what was expected and found, the nearest known
// name and the schema version involved. docs/schema-validation.md describes the rules and the
// report; report.hpp writes it as JSON.
//
// The document is parsed into a RapidJSON DOM (iteratively: nesting depth cannot exhaust the
// stack). The walk follows the schema, not the document: it never enters values the schema
// types as Any/Map or fields it does not know, and it stops at max_depth levels of nesting
// (self-referencing structs such as ObjectDirectory allow any depth), so it does not recurse
// without bound either. Nothing here touches global state: any thread may validate at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zlhcs::schema {

/// The problems a report lists at most (later ones are counted, not listed: "Truncated").
inline constexpr std::size_t max_problems = 1000;
/// Levels of JSON nesting (objects, arrays, maps) the walk descends at most.
inline constexpr std::size_t max_depth = 128;

// The report's size is bounded whatever the document (docs/schema-validation.md, "Limits"):
// a problem copies its Path, and a document's keys may be megabytes long.
/// Strings quoted in messages and Actual, and each segment (member name) of a Path, are cut to
/// this many bytes at a character boundary, "..." marking the cut.
inline constexpr std::size_t max_quoted_bytes = 120;
/// A longer Path keeps its first and last segments around a "/..." segment, within this size.
inline constexpr std::size_t max_path_bytes = 512;
/// The most bytes a report (as JSON) has, whatever the document's size...
inline constexpr std::size_t max_report_bytes = 1024 * 1024;
/// ...and, for a document of n bytes, at most report_base_bytes + report_bytes_per_input_byte
/// * n: the Problems list ends (Truncated) where the next problem would pass the bound.
inline constexpr std::size_t report_base_bytes = 64 * 1024;
inline constexpr std::size_t report_bytes_per_input_byte = 8;

/// The size a report of a `document_bytes` document stays within.
[[nodiscard]] constexpr std::size_t report_budget(std::size_t document_bytes) noexcept {
    const std::size_t linear_room = (max_report_bytes - report_base_bytes) / report_bytes_per_input_byte;
    return document_bytes >= linear_room ? max_report_bytes
                                         : report_base_bytes + report_bytes_per_input_byte * document_bytes;
}

struct version {
    std::uint32_t major = 2;
    std::uint32_t minor = 0;
};

/// "2.1" for {2, 1}.
[[nodiscard]] std::string to_string(version v);

/// Parses "<major>.<minor>" (decimal digits, each fitting 32 bits). False if malformed.
[[nodiscard]] bool parse_version(std::string_view text, version& out) noexcept;

enum class severity : std::uint8_t { error, warning };

/// Where the version in force came from.
enum class version_source : std::uint8_t { caller, document, none };

struct problem {
    std::string path;  ///< RFC 6901 JSON pointer ("" is the whole document)
    severity level = severity::error;
    const char* rule = "";  ///< static: "json", "type", "range", "length", "format", ...
    std::string message;    ///< one sentence
    /// What was expected: a type name (expected_values empty), or the allowed values / field
    /// names (expected_is_list). Both empty: nothing to say.
    std::string expected;
    std::vector<std::string> expected_values;
    bool expected_is_list = false;
    std::optional<std::string> actual;      ///< the JSON type or the value found
    std::optional<std::string> suggestion;  ///< the nearest known name
    std::optional<std::string> since;       ///< the schema version of the field or value
};

struct report {
    std::string type;                ///< the schema type validated against
    std::optional<version> schema;   ///< the version in force, as named
    version_source source = version_source::none;
    std::string note;                ///< "" or why no version checks were made
    std::vector<problem> problems;   ///< in document order, at most the limit
    std::size_t errors = 0;          ///< every error found (also those not listed)
    std::size_t warnings = 0;        ///< every warning found
    bool truncated = false;          ///< more problems were found than listed (the limit or the size bound)
};

/// The index in tables::types of the struct type named `name` (exact), or nullopt.
[[nodiscard]] std::optional<std::uint16_t> find_struct(std::string_view name) noexcept;

/// Why `name` names no struct type, as a sentence: it names an enum or a primitive, or
/// nothing (with the nearest struct name when one is close).
[[nodiscard]] std::string explain_unknown_type(std::string_view name);

/// Validates `document` (UTF-8; the caller checked the encoding) as the struct type
/// types[type]. caller_version: the schema version the caller names (it overrides the
/// document's own SchemaVersion). At most `limit` problems are listed, and no more than
/// report_budget(document.size()) bytes of report (to_json).
[[nodiscard]] report validate(std::uint16_t type, std::string_view document,
                              std::optional<version> caller_version,
                              std::size_t limit = max_problems);

}  // namespace zlhcs::schema
