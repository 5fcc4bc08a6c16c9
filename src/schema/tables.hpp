// The HCS schema as tables for the validator: every type (primitives, enums, structs), the
// shape of every field (a type, an array of a shape, or a map from a key type to a shape),
// every enum value, the schema version that introduced each field and value (as the minor
// of 2.x), and the rules zlhcs adds (required fields, any-of groups; src/schema/data/rules.json).
// The rows are generated (src/schema/generated/schema_tables.inc, scripts/generate_schema.py).
#pragma once

#include <cstdint>

namespace zlhcs::schema::tables {

enum class type_category : std::uint8_t { primitive, enumeration, structure };
/// The JSON a primitive takes; `any` is the schema's Any/Map (any JSON value).
enum class json_kind : std::uint8_t { boolean, integer, string, object, any };
enum class int_format : std::uint8_t { none, int32, int64, uint8, uint16, uint32, uint64 };
enum class string_format : std::uint8_t { none, guid, date_time, byte, binary, mac_address };

/// A type. Enumerations: enum_values[first, first + count). Structures: fields[first, first + count).
struct type_desc {
    const char* name;
    type_category category;
    std::uint16_t first;
    std::uint16_t count;
    json_kind json;
    int_format integer;
    string_format string;
};

enum class shape_kind : std::uint8_t { ref, array, map };
/// ref: types[type]. array: elements of shapes[element], exactly `length` of them when the
/// schema fixes the count (0: any number). map: keys of types[type] (a primitive, written as
/// an object key), values of shapes[element].
struct shape_desc {
    shape_kind kind;
    std::uint16_t type;
    std::uint16_t element;
    std::uint16_t length;
};

struct field_desc {
    const char* name;
    std::uint16_t shape;
    std::uint8_t since_minor;  ///< introduced in schema 2.<since_minor>
    bool required;             ///< a zlhcs rule (rules.json), not the official schema's
};

struct enum_value_desc {
    const char* name;
    std::uint8_t since_minor;
};

/// At least one of the fields any_of_fields[first, first + count) (indices into fields) of
/// types[type] must be present.
struct any_of_desc {
    std::uint16_t type;
    std::uint16_t first;
    std::uint16_t count;
};

#include "schema/generated/schema_tables.inc"

}  // namespace zlhcs::schema::tables
