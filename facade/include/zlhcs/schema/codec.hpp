// zlhcs C++ facade - the typed schema's codec as templates: RapidJSON's SAX reader and writer
// over the generated reflection (struct_info). Heavy: the functions <zlhcs/schema.hpp> declares
// are instantiated from it once, in <zlhcs/implementation.hpp>. Include it directly only to read
// or write values that are not schema structs (arrays and maps of them: from_json / to_json
// below), or to use the reflection (struct_info) yourself. Needs RapidJSON on the include path.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <zlhcs/error.hpp>
#include <zlhcs/schema.hpp>
#include <zlhcs/schema/generated/reflection.hpp>
#include <zlhcs/schema/json_reader.hpp>
#include <zlhcs/schema/json_writer.hpp>

namespace zlhcs::schema {

/// RapidJSON parse flags of from_json: iterative (no recursion, however deep the document),
/// UTF-8 checked, nothing after the value, numbers as their text (kept exactly in Any values,
/// parsed exactly into integer fields). Beyond what these flags check, from_json refuses an
/// escaped lone surrogate (RapidJSON 1.1.0 lets \uDC00-\uDFFF through) and a number beyond
/// a double's range.
inline constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                                        rapidjson::kParseStopWhenDoneFlag | rapidjson::kParseNumbersAsStringsFlag;

namespace detail {

[[noreturn]] inline void throw_parse_error(const char* call, std::string message) {
    throw error(ZLHCS_E_INVALID_ARGUMENT, call, std::move(message), "", "");
}

inline void parse_with(reader& handler, std::string_view json, const char* call) {
    rapidjson::MemoryStream stream(json.data(), json.size());
    rapidjson::Reader parser;
    const rapidjson::ParseResult result = parser.Parse<parse_flags>(stream, handler);
    if (!result) {
        if (!handler.error().empty()) throw_parse_error(call, handler.error());
        // RapidJSON's own refusal (a number too big for a double among them). The path is
        // where the reader was when RapidJSON stopped: the last value begun, or the one after.
        const std::string where = handler.path();
        throw_parse_error(call, "invalid JSON at offset " + std::to_string(result.Offset()) +
                                    (where.empty() ? std::string() : " (near " + where + ")") + ": " +
                                    rapidjson::GetParseError_En(result.Code()));
    }
    // Only whitespace may follow the value.
    for (std::size_t i = stream.Tell(); i < json.size(); ++i) {
        const char c = json[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            throw_parse_error(call, "invalid JSON at offset " + std::to_string(i) + ": text after the value");
        }
    }
}

/// from_json of any codec value (a struct's from_json is this, instantiated once).
template <class T>
void read_document(std::string_view json, T& out) {
    out = T{};
    reader handler(out);
    parse_with(handler, json, "zlhcs::schema::from_json");
}

/// to_json of any codec value (a struct's to_json is this, instantiated once).
template <class T>
[[nodiscard]] std::string write_document(const T& value) {
    json_output out;
    if (!write_value(out, value)) {
        throw error(ZLHCS_E_INVALID_ARGUMENT, "zlhcs::schema::to_json", out.path() + ": " + out.problem, "", "");
    }
    return std::string(out.buffer.GetString(), out.buffer.GetSize());
}

template <class T>
struct is_open_enum_value : std::false_type {};
template <class E>
struct is_open_enum_value<open_enum<E>> : std::true_type {};

/// Raises `needed` to the "since" of every field and known enum value `value` sets.
template <class T>
void walk_versions(const T& value, schema_version& needed) {
    if constexpr (is_struct_v<T>) {
        using info = struct_info<T>;
        info::for_each(value, [&needed](std::size_t index, const auto& member) {
            if (!member) return;
            raise_version(needed, info::fields[index].since);
            walk_versions(*member, needed);
        });
    } else if constexpr (is_open_enum_value<T>::value) {
        if (value.known()) {
            using E = std::decay_t<decltype(value.value())>;
            raise_version(needed, enum_traits<E>::since[static_cast<std::size_t>(value.value())]);
        }
    } else if constexpr (is_vector<T>) {
        for (const auto& element : value) walk_versions(element, needed);
    } else if constexpr (is_map<T>) {
        for (const auto& entry : value) walk_versions(entry.second, needed);
    }
    // Scalars, strings and Any add nothing.
}

/// minimum_version of any codec value.
template <class T>
[[nodiscard]] schema_version minimum_version_of(const T& value) {
    schema_version needed{2, 0};
    walk_versions(value, needed);
    return needed;
}

}  // namespace detail

/// from_json of a value that is not a schema struct (an array or map of them, a scalar): as a
/// struct's (see <zlhcs/schema.hpp>), instantiated where it is used.
template <class T, std::enable_if_t<!is_struct_v<T>, int> = 0>
void from_json(std::string_view json, T& out) {
    detail::read_document(json, out);
}

/// to_json of a value that is not a schema struct; see from_json above.
template <class T, std::enable_if_t<!is_struct_v<T>, int> = 0>
[[nodiscard]] std::string to_json(const T& value) {
    return detail::write_document(value);
}

}  // namespace zlhcs::schema
