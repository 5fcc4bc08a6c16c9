// zlhcs C++ facade - the typed schema, declared: every schema type and the functions of the
// codec (from_json, to_json, ==, minimum_version), with nothing defined. What the light
// headers (compute_system.hpp, process.hpp) need to offer their typed members; a translation
// unit that builds or reads a document includes <zlhcs/schema.hpp> for the types themselves.
#pragma once

#include <string_view>
#include <vector>

#include <zlhcs/schema/generated/declarations.hpp>
#include <zlhcs/schema/value_types.hpp>

namespace zlhcs::schema {

/// An array of Properties: HCS's answer to an enumeration (zlhcs::list_systems()).
void from_json(std::string_view json, std::vector<Properties>& out);

/// Reads `json` as a T (a schema struct, or std::vector<Properties>); see from_json(json, out)
/// in <zlhcs/schema.hpp>. T must be complete where this is used.
template <class T>
[[nodiscard]] T from_json(std::string_view json) {
    T out{};
    from_json(json, out);
    return out;
}

/// Checks and compacts one JSON value of any kind into an `any`. Throws zlhcs::error
/// (errc::invalid_argument) if it is not JSON.
[[nodiscard]] any parse_any(std::string_view json);

}  // namespace zlhcs::schema
