#include "validator.hpp"

#include "report.hpp"
#include "suggest.hpp"
#include "tables.hpp"

#include "../core/lone_surrogate.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <limits>
#include <utility>

namespace zlhcs::schema {
namespace {

using namespace tables;
using json = rapidjson::Value;

constexpr std::size_t type_count = std::size(types);

std::string_view view_of(const json& string) {
    return {string.GetString(), string.GetStringLength()};
}

/// `text` cut to max_quoted_bytes without splitting a UTF-8 sequence, "..." marking the cut.
std::string clipped(std::string_view text) {
    if (text.size() <= max_quoted_bytes) return std::string(text);
    std::size_t end = max_quoted_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end)) + "...";
}

std::string quoted(std::string_view text) { return "\"" + clipped(text) + "\""; }

/// "a uint32", "an int64", "an object": the English article for a type name.
std::string with_article(std::string_view name) {
    const bool vowel = !name.empty() && (name[0] == 'a' || name[0] == 'e' || name[0] == 'i' || name[0] == 'o' ||
                                         name[0] == 'A' || name[0] == 'E' || name[0] == 'I' || name[0] == 'O');
    return (vowel ? "an " : "a ") + std::string(name);
}

std::string version_text(std::uint32_t major, std::uint32_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

std::string minor_text(std::uint8_t minor) { return version_text(2, minor); }

/// The JSON type of a value as the report names it.
const char* json_type(const json& value) {
    switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return value.IsInt64() || value.IsUint64() ? "integer" : "number";
    }
    return "value";
}

std::string number_text(const json& number) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    number.Accept(writer);
    return {buffer.GetString(), buffer.GetSize()};
}

/// A scalar's value as text (strings unquoted); containers by their type.
std::string value_text(const json& value) {
    if (value.IsString()) return clipped(view_of(value));
    if (value.IsNumber()) return number_text(value);
    if (value.IsBool()) return value.GetBool() ? "true" : "false";
    return json_type(value);
}

/// "a string (\"abc\")", "an integer (5)", "an object", "null": what was found, for messages.
std::string found_text(const json& value) {
    if (value.IsNull()) return "null";
    const std::string type = json_type(value);
    const std::string a = (type == "integer" || type == "object" || type == "array") ? "an " : "a ";
    if (value.IsString()) return a + type + " (" + quoted(view_of(value)) + ")";
    if (value.IsNumber() || value.IsBool()) return a + type + " (" + value_text(value) + ")";
    return a + type;
}

struct integer_limits {
    const char* low;
    const char* high;
};

integer_limits limits_of(int_format format) {
    switch (format) {
    case int_format::uint8: return {"0", "255"};
    case int_format::uint16: return {"0", "65535"};
    case int_format::uint32: return {"0", "4294967295"};
    case int_format::uint64: return {"0", "18446744073709551615"};
    case int_format::int32: return {"-2147483648", "2147483647"};
    case int_format::int64: return {"-9223372036854775808", "9223372036854775807"};
    case int_format::none: break;
    }
    return {"", ""};
}

std::string range_text(int_format format) {
    const integer_limits l = limits_of(format);
    return std::string("from ") + l.low + " to " + l.high;
}

/// A format's range as doubles: [low, high).
struct double_bounds {
    double low;
    double high;
};

double_bounds double_bounds_of(int_format format) {
    switch (format) {
    case int_format::uint8: return {0.0, 256.0};
    case int_format::uint16: return {0.0, 65536.0};
    case int_format::uint32: return {0.0, 4294967296.0};
    case int_format::uint64: return {0.0, 18446744073709551616.0};
    case int_format::int32: return {-2147483648.0, 2147483648.0};
    case int_format::int64: return {-9223372036854775808.0, 9223372036854775808.0};
    case int_format::none: break;
    }
    return {0.0, 0.0};
}

/// Whether an integral JSON number fits the format.
bool fits(const json& number, int_format format) {
    switch (format) {
    case int_format::uint8: return number.IsUint() && number.GetUint() <= 0xFFu;
    case int_format::uint16: return number.IsUint() && number.GetUint() <= 0xFFFFu;
    case int_format::uint32: return number.IsUint();
    case int_format::uint64: return number.IsUint64();
    case int_format::int32: return number.IsInt();
    case int_format::int64: return number.IsInt64();
    case int_format::none: break;
    }
    return true;
}

/// A map key (object member name) of an integer key type: decimal digits, an optional '-'
/// for signed types, within the type's range.
bool is_integer_key(std::string_view key, int_format format) {
    const bool is_signed = format == int_format::int32 || format == int_format::int64;
    bool negative = false;
    if (is_signed && !key.empty() && key.front() == '-') {
        negative = true;
        key.remove_prefix(1);
    }
    if (key.empty() || key.size() > 20) return false;
    std::uint64_t value = 0;
    for (const char c : key) {
        if (c < '0' || c > '9') return false;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
        value = value * 10 + digit;
    }
    switch (format) {
    case int_format::uint8: return value <= 0xFFu;
    case int_format::uint16: return value <= 0xFFFFu;
    case int_format::uint32: return value <= 0xFFFFFFFFu;
    case int_format::uint64: return true;
    case int_format::int32: return value <= (negative ? 0x80000000u : 0x7FFFFFFFu);
    case int_format::int64: return value <= (negative ? 0x8000000000000000ull : 0x7FFFFFFFFFFFFFFFull);
    case int_format::none: break;
    }
    return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// The schema's Guid pattern (schema-v2.json json_types.Guid):
/// ^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$
bool is_guid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
    }
    return true;
}

const type_desc& type_at(std::uint16_t index) { return types[index]; }

/// "Version" for a ref, "array of Layer", "map of uint32 to ComPort".
std::string describe_shape(std::uint16_t index) {
    const shape_desc& shape = shapes[index];
    switch (shape.kind) {
    case shape_kind::ref: return type_at(shape.type).name;
    case shape_kind::array: return "array of " + describe_shape(shape.element);
    case shape_kind::map:
        return std::string("map of ") + type_at(shape.type).name + " to " + describe_shape(shape.element);
    }
    return {};
}

/// What a shape wants, for messages: "a uint32 (an integer from 0 to 4294967295)".
std::string wanted(std::uint16_t index) {
    const shape_desc& shape = shapes[index];
    if (shape.kind == shape_kind::array) {
        std::string text = "an array of " + describe_shape(shape.element);
        if (shape.length != 0) text += " with exactly " + std::to_string(shape.length) + " elements";
        return text;
    }
    if (shape.kind == shape_kind::map) {
        return std::string("an object mapping ") + type_at(shape.type).name + " keys to " +
               describe_shape(shape.element);
    }
    const type_desc& type = type_at(shape.type);
    switch (type.category) {
    case type_category::enumeration: return std::string("a string, one of the ") + type.name + " values";
    case type_category::structure: return std::string("an object (") + type.name + ")";
    case type_category::primitive: break;
    }
    switch (type.json) {
    case json_kind::boolean: return "a bool (true or false)";
    case json_kind::integer: return with_article(type.name) + " (an integer " + range_text(type.integer) + ")";
    case json_kind::string:
        if (type.string == string_format::guid) return "a Guid string";
        if (std::string_view(type.name) == "string") return "a string";
        return std::string("a string (") + type.name + ")";
    case json_kind::object: return "an object";
    case json_kind::any: return "any JSON value";
    }
    return type.name;
}

std::string escape_pointer_segment(std::string_view segment) {
    std::string out;
    out.reserve(segment.size() + 1);
    out.push_back('/');
    for (const char c : segment) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// `path` as a report lists it: at most max_path_bytes, keeping its first and last segments
/// around a "/..." segment. Segments are at most 244 bytes (path_scope clips them to 120, and
/// escaping at most doubles them), so both ends keep whole segments.
std::string listed_path(const std::string& path) {
    if (path.size() <= max_path_bytes) return path;
    constexpr std::size_t half = max_path_bytes / 2;
    constexpr std::string_view marker = "/...";
    std::size_t head_end = path.rfind('/', half);
    if (head_end == std::string::npos) head_end = 0;
    std::size_t tail_start = path.find('/', path.size() - (half - marker.size()));
    if (tail_start == std::string::npos) tail_start = path.size();
    return path.substr(0, head_end) + std::string(marker) + path.substr(tail_start);
}

/// For each member of `object`, in order: how many members have its name when it is the
/// first of them, 0 when an earlier member has its name. Empty when no name repeats (the
/// usual case). Sorting (by length, hash, bytes) keeps it O(n log n) for any key set.
std::vector<std::uint32_t> name_occurrences(const json& object) {
    const rapidjson::SizeType count = object.MemberCount();
    if (count < 2) return {};
    struct entry {
        std::string_view name;
        std::size_t hash;
        std::uint32_t position;
    };
    std::vector<entry> entries;
    entries.reserve(count);
    std::uint32_t position = 0;
    for (auto member = object.MemberBegin(); member != object.MemberEnd(); ++member, ++position) {
        const std::string_view name = view_of(member->name);
        entries.push_back({name, std::hash<std::string_view>{}(name), position});
    }
    const auto before = [](const entry& a, const entry& b) {
        if (a.name.size() != b.name.size()) return a.name.size() < b.name.size();
        if (a.hash != b.hash) return a.hash < b.hash;
        const int order = a.name.compare(b.name);
        return order != 0 ? order < 0 : a.position < b.position;
    };
    std::sort(entries.begin(), entries.end(), before);
    std::vector<std::uint32_t> occurrences;
    for (std::size_t first = 0; first < entries.size();) {
        std::size_t end = first + 1;
        while (end < entries.size() && entries[end].hash == entries[first].hash &&
               entries[end].name == entries[first].name) {
            ++end;
        }
        if (end - first > 1) {
            if (occurrences.empty()) occurrences.assign(count, 1);
            occurrences[entries[first].position] = static_cast<std::uint32_t>(end - first);
            for (std::size_t i = first + 1; i < end; ++i) occurrences[entries[i].position] = 0;
        }
        first = end;
    }
    return occurrences;
}

std::optional<std::uint16_t> find_field(const type_desc& type, std::string_view name) {
    for (std::uint16_t i = 0; i < type.count; ++i) {
        const auto index = static_cast<std::uint16_t>(type.first + i);
        if (name == fields[index].name) return index;
    }
    return std::nullopt;
}

std::optional<std::uint16_t> find_enum_value(const type_desc& type, std::string_view value) {
    for (std::uint16_t i = 0; i < type.count; ++i) {
        const auto index = static_cast<std::uint16_t>(type.first + i);
        if (value == enum_values[index].name) return index;
    }
    return std::nullopt;
}

/// The schema version of a struct's own SchemaVersion field ({Major, Minor}), if it has one
/// and the document sets it well-formed.
std::optional<version> document_version(const json& document, const type_desc& type) {
    const auto field = find_field(type, "SchemaVersion");
    if (!field || !document.IsObject()) return std::nullopt;
    const auto member = document.FindMember("SchemaVersion");
    if (member == document.MemberEnd() || !member->value.IsObject()) return std::nullopt;
    const auto major = member->value.FindMember("Major");
    const auto minor = member->value.FindMember("Minor");
    if (major == member->value.MemberEnd() || minor == member->value.MemberEnd()) return std::nullopt;
    if (!major->value.IsUint() || !minor->value.IsUint()) return std::nullopt;
    return version{major->value.GetUint(), minor->value.GetUint()};
}

/// Walks a parsed document along the schema, recording problems.
class walker {
public:
    walker(report& out, std::size_t limit, std::optional<std::uint8_t> minor_in_force, std::string version_phrase,
           severity too_new)
        : out_(out),
          limit_(limit),
          in_force_(minor_in_force),
          version_phrase_(std::move(version_phrase)),
          too_new_(too_new) {}

    void walk_struct(const json& object, std::uint16_t type_index, std::size_t depth) {
        const type_desc& type = type_at(type_index);
        const std::vector<std::uint32_t> occurrences = name_occurrences(object);
        std::size_t position = 0;
        for (auto member = object.MemberBegin(); member != object.MemberEnd(); ++member, ++position) {
            // A repeated name: reported at its first member, the only one walked (a JSON
            // pointer names only the first; the required checks below see it too).
            const std::uint32_t seen = occurrences.empty() ? 1 : occurrences[position];
            if (seen == 0) continue;
            const std::string_view key = view_of(member->name);
            const path_scope segment(*this, key);
            if (seen > 1) repeated_name(key, seen);
            const auto field = find_field(type, key);
            if (!field) {
                unknown_field(type, key);
                continue;
            }
            const frame_scope context(*this, frame{frame::member, type_index, *field, 0, {}});
            const field_desc& desc = fields[*field];
            if (in_force_ && desc.since_minor > *in_force_) too_new_field(type, desc);
            if (member->value.IsNull() && desc.required) continue;  // the required check says it
            walk_value(member->value, desc.shape, depth + 1);
        }
        for (std::uint16_t i = 0; i < type.count; ++i) {
            const field_desc& desc = fields[type.first + i];
            if (!desc.required) continue;
            const auto member = object.FindMember(desc.name);
            if (member != object.MemberEnd() && !member->value.IsNull()) continue;
            missing_required(type, desc, member != object.MemberEnd());
        }
        for (const any_of_desc& rule : any_of_rules) {
            if (rule.type != type_index) continue;
            bool present = false;
            for (std::uint16_t i = 0; i < rule.count && !present; ++i) {
                const auto member = object.FindMember(fields[any_of_fields[rule.first + i]].name);
                present = member != object.MemberEnd() && !member->value.IsNull();
            }
            if (!present) missing_any_of(type, rule);
        }
    }

private:
    // What encloses the value being checked, for messages: a struct's field, an array's
    // element, or a map's value.
    struct frame {
        enum kind_t : std::uint8_t { member, element, map_value } kind;
        std::uint16_t owner;  // member: the struct type
        std::uint16_t field;  // member: the field
        std::size_t index;    // element
        std::string_view key; // map_value
    };

    class path_scope {
    public:
        // The segment is clipped (max_quoted_bytes): the path stays small, and appending
        // costs O(1) whatever the key's length.
        path_scope(walker& w, std::string_view segment) : w_(w), size_(w.path_.size()) {
            w.path_ += escape_pointer_segment(segment.size() <= max_quoted_bytes ? segment : clipped(segment));
        }
        path_scope(const path_scope&) = delete;
        path_scope& operator=(const path_scope&) = delete;
        ~path_scope() { w_.path_.resize(size_); }

    private:
        walker& w_;
        std::size_t size_;
    };

    class frame_scope {
    public:
        frame_scope(walker& w, frame f) : w_(w) { w.frames_.push_back(f); }
        frame_scope(const frame_scope&) = delete;
        frame_scope& operator=(const frame_scope&) = delete;
        ~frame_scope() { w_.frames_.pop_back(); }

    private:
        walker& w_;
    };

    void walk_value(const json& value, std::uint16_t shape_index, std::size_t depth) {
        if (depth > max_depth) {
            too_deep();
            return;
        }
        const shape_desc& shape = shapes[shape_index];
        if (value.IsNull()) {
            const bool any = shape.kind == shape_kind::ref && type_at(shape.type).json == json_kind::any;
            if (!any) null_value(shape_index);
            return;
        }
        switch (shape.kind) {
        case shape_kind::ref:
            walk_typed(value, shape.type, shape_index, depth);
            return;
        case shape_kind::array:
            if (!value.IsArray()) {
                wrong_type(shape_index, value);
                return;
            }
            if (shape.length != 0 && value.Size() != shape.length) wrong_length(shape_index, value);
            for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
                const path_scope segment(*this, std::to_string(i));
                const frame_scope context(*this, frame{frame::element, 0, 0, i, {}});
                walk_value(value[i], shape.element, depth + 1);
            }
            return;
        case shape_kind::map:
            if (!value.IsObject()) {
                wrong_type(shape_index, value);
                return;
            }
            const std::vector<std::uint32_t> occurrences = name_occurrences(value);
            std::size_t position = 0;
            for (auto member = value.MemberBegin(); member != value.MemberEnd(); ++member, ++position) {
                const std::uint32_t seen = occurrences.empty() ? 1 : occurrences[position];
                if (seen == 0) continue;  // as in walk_struct
                const std::string_view key = view_of(member->name);
                const path_scope segment(*this, key);
                if (seen > 1) repeated_name(key, seen);
                check_key(key, shape.type);
                const frame_scope context(*this, frame{frame::map_value, 0, 0, 0, key});
                walk_value(member->value, shape.element, depth + 1);
            }
            return;
        }
    }

    void walk_typed(const json& value, std::uint16_t type_index, std::uint16_t shape_index, std::size_t depth) {
        const type_desc& type = type_at(type_index);
        switch (type.category) {
        case type_category::structure:
            if (!value.IsObject()) {
                wrong_type(shape_index, value);
                return;
            }
            walk_struct(value, type_index, depth);
            return;
        case type_category::enumeration: {
            if (!value.IsString()) {
                wrong_type(shape_index, value);
                return;
            }
            const auto found = find_enum_value(type, view_of(value));
            if (!found) {
                unknown_enum_value(type, view_of(value));
            } else if (in_force_ && enum_values[*found].since_minor > *in_force_) {
                too_new_value(type, enum_values[*found]);
            }
            return;
        }
        case type_category::primitive:
            break;
        }
        switch (type.json) {
        case json_kind::any:
        case json_kind::object:
            return;
        case json_kind::boolean:
            if (!value.IsBool()) wrong_type(shape_index, value);
            return;
        case json_kind::string:
            if (!value.IsString()) {
                wrong_type(shape_index, value);
            } else if (type.string == string_format::guid && !is_guid(view_of(value))) {
                bad_guid(value);
            }
            return;
        case json_kind::integer:
            check_integer(value, type, shape_index);
            return;
        }
    }

    void check_integer(const json& value, const type_desc& type, std::uint16_t shape_index) {
        if (!value.IsNumber()) {
            wrong_type(shape_index, value);
            return;
        }
        if (value.IsInt64() || value.IsUint64()) {
            if (!fits(value, type.integer)) out_of_range(type, value);
            return;
        }
        // A double. RapidJSON reads every integer written in [-2^63, 2^64) as an integer, so an
        // integral double is an integer beyond 64 bits (its text overflowed: out of range, also
        // when it rounded to -2^63), or one written with a fraction or an exponent (1.0, 1e3):
        // out of range when the format cannot hold it, else not written as an integer. A
        // fraction is not an integer.
        const double number = value.GetDouble();
        if (std::isfinite(number) && std::floor(number) == number) {
            const double_bounds bounds = double_bounds_of(type.integer);
            const bool overflowed_int64 = type.integer == int_format::int64 && number == bounds.low;
            if (number < bounds.low || number >= bounds.high || overflowed_int64) {
                out_of_range(type, value);
                return;
            }
        }
        not_an_integer(type, value);
    }

    void check_key(std::string_view key, std::uint16_t key_type_index) {
        const type_desc& key_type = type_at(key_type_index);
        bool ok = true;
        std::string rule_text;
        if (key_type.json == json_kind::integer) {
            ok = is_integer_key(key, key_type.integer);
            rule_text = std::string(key_type.name) + " numbers written in decimal (" + range_text(key_type.integer) + ")";
        } else if (key_type.string == string_format::guid) {
            ok = is_guid(key);
            rule_text = "Guid strings (8-4-4-4-12 hexadecimal digits)";
        }
        if (ok || !take(severity::error)) return;
        problem& p = add(severity::error, "format");
        p.expected = key_type.name;
        p.actual = clipped(key);
        p.since = field_since();
        p.message = "The key " + quoted(key) + " in " + field_phrase() + " is not " + with_article(key_type.name) +
                    ": the keys of this map are " + rule_text + ".";
    }

    // --- problems -------------------------------------------------------------------------

    bool take(severity level) {
        if (level == severity::error) {
            ++out_.errors;
        } else {
            ++out_.warnings;
        }
        if (out_.problems.size() < limit_) return true;
        out_.truncated = true;
        return false;
    }

    /// The problem to fill (take() must have said there is room).
    problem& add(severity level, const char* rule) {
        problem& p = out_.problems.emplace_back();
        p.path = listed_path(path_);
        p.level = level;
        p.rule = rule;
        return p;
    }

    /// The innermost struct field enclosing the current value, if any.
    const frame* enclosing_member() const {
        for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
            if (it->kind == frame::member) return &*it;
        }
        return nullptr;
    }

    std::optional<std::string> field_since() const {
        const frame* member = enclosing_member();
        if (member == nullptr) return std::nullopt;
        return minor_text(fields[member->field].since_minor);
    }

    /// "field Count of Container_Processor".
    std::string field_phrase() const {
        const frame* member = enclosing_member();
        if (member == nullptr) return "the document";
        return std::string("field ") + fields[member->field].name + " of " + type_at(member->owner).name;
    }

    /// The value being checked, capitalised for the start of a sentence.
    std::string subject() const {
        if (frames_.empty()) return "The document";
        const frame& inner = frames_.back();
        switch (inner.kind) {
        case frame::member: return "Field " + std::string(fields[inner.field].name) + " of " + type_at(inner.owner).name;
        case frame::element: return "Element " + std::to_string(inner.index) + " of " + field_phrase();
        case frame::map_value: return "The value of key " + quoted(inner.key) + " in " + field_phrase();
        }
        return "The value";
    }

    void wrong_type(std::uint16_t shape_index, const json& value) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "type");
        p.expected = describe_shape(shape_index);
        p.actual = json_type(value);
        p.since = field_since();
        p.message = subject() + " must be " + wanted(shape_index) + ", but is " + found_text(value) + ".";
    }

    void null_value(std::uint16_t shape_index) {
        if (!take(severity::warning)) return;
        problem& p = add(severity::warning, "type");
        p.expected = describe_shape(shape_index);
        p.actual = "null";
        p.since = field_since();
        p.message = subject() + " is null, but the schema has no null values (" + wanted(shape_index) +
                    " is expected): leave the field out to leave it unset.";
    }

    void wrong_length(std::uint16_t shape_index, const json& array) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "length");
        p.expected = describe_shape(shape_index) + " (" + std::to_string(shapes[shape_index].length) + " elements)";
        p.actual = std::to_string(array.Size()) + " elements";
        p.since = field_since();
        p.message = subject() + " must have exactly " + std::to_string(shapes[shape_index].length) +
                    " elements, but has " + std::to_string(array.Size()) + ".";
    }

    void out_of_range(const type_desc& type, const json& value) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "range");
        p.expected = type.name;
        p.actual = number_text(value);
        p.since = field_since();
        p.message = subject() + " must be " + with_article(type.name) + " " + range_text(type.integer) + ", but is " +
                    number_text(value) + ".";
    }

    void not_an_integer(const type_desc& type, const json& value) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "type");
        p.expected = type.name;
        p.actual = number_text(value);
        p.since = field_since();
        p.message = subject() + " must be " + with_article(type.name) + " (an integer " + range_text(type.integer) +
                    "), but is the number " + number_text(value) + ", which is not written as an integer.";
    }

    void bad_guid(const json& value) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "format");
        p.expected = "Guid";
        p.actual = clipped(view_of(value));
        p.since = field_since();
        p.message = subject() + " must be a Guid like 01234567-89ab-cdef-0123-456789abcdef (no braces), but is " +
                    quoted(view_of(value)) + ".";
    }

    void unknown_enum_value(const type_desc& type, std::string_view value) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "enum");
        p.expected_is_list = true;
        for (std::uint16_t i = 0; i < type.count; ++i) p.expected_values.emplace_back(enum_values[type.first + i].name);
        p.actual = clipped(value);
        p.since = field_since();
        const auto nearest_value = nearest(value, type.count, [&](std::size_t i) {
            return std::string_view(enum_values[type.first + i].name);
        });
        p.message = subject() + " must be one of the " + std::to_string(type.count) + " " + type.name +
                    " values, but is " + quoted(value);
        if (nearest_value) {
            p.suggestion = enum_values[type.first + *nearest_value].name;
            p.message += "; did you mean \"" + *p.suggestion + "\"?";
        } else {
            p.message += ".";
        }
    }

    void unknown_field(const type_desc& type, std::string_view name) {
        if (!take(severity::warning)) return;
        problem& p = add(severity::warning, "unknown-field");
        p.message = std::string(type.name) + " has no field " + quoted(name) +
                    " (the schema lets unknown fields through, so HCS may silently ignore it)";
        const auto nearest_field = nearest(name, type.count, [&](std::size_t i) {
            return std::string_view(fields[type.first + i].name);
        });
        if (nearest_field) {
            p.suggestion = fields[type.first + *nearest_field].name;
            p.message += "; did you mean \"" + *p.suggestion + "\"?";
        } else {
            p.message += ".";
        }
    }

    void too_new_field(const type_desc& type, const field_desc& field) {
        if (!take(too_new_)) return;
        problem& p = add(too_new_, "since");
        p.since = minor_text(field.since_minor);
        p.message = std::string("Field ") + field.name + " of " + type.name + " exists since schema " + *p.since +
                    ", but " + version_phrase_ + ".";
    }

    void too_new_value(const type_desc& type, const enum_value_desc& value) {
        if (!take(too_new_)) return;
        problem& p = add(too_new_, "since");
        p.actual = value.name;
        p.since = minor_text(value.since_minor);
        p.message = std::string("Value \"") + value.name + "\" of " + type.name + " (in " + field_phrase() +
                    ") exists since schema " + *p.since + ", but " + version_phrase_ + ".";
    }

    void missing_required(const type_desc& type, const field_desc& field, bool is_null) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "required");
        p.path += escape_pointer_segment(field.name);
        p.expected = describe_shape(field.shape);
        if (is_null) p.actual = "null";
        p.since = minor_text(field.since_minor);
        p.message = std::string(type.name) + " requires field " + field.name + " (a zlhcs rule), which is " +
                    (is_null ? "null." : "missing.");
    }

    void missing_any_of(const type_desc& type, const any_of_desc& rule) {
        if (!take(severity::error)) return;
        problem& p = add(severity::error, "any-of");
        p.expected_is_list = true;
        std::string names;
        for (std::uint16_t i = 0; i < rule.count; ++i) {
            const char* name = fields[any_of_fields[rule.first + i]].name;
            p.expected_values.emplace_back(name);
            if (i > 0) names += i + 1 == rule.count ? " or " : ", ";
            names += name;
        }
        p.message = std::string(type.name) + " needs at least one of " + names + " (a zlhcs rule), and has none.";
    }

    void repeated_name(std::string_view name, std::uint32_t times) {
        if (!take(severity::warning)) return;
        problem& p = add(severity::warning, "duplicate");
        p.actual = clipped(name);
        p.message = "The name " + quoted(name) + " appears " + std::to_string(times) +
                    " times in this object; only this first one was validated. JSON leaves repeated "
                    "names to the reader (zlhcs's C++ reader keeps the last; HCS does not document its "
                    "choice): keep one.";
    }

    void too_deep() {
        if (depth_reported_) return;
        depth_reported_ = true;
        if (!take(severity::warning)) return;
        problem& p = add(severity::warning, "depth");
        p.message = "The document nests deeper than " + std::to_string(max_depth) +
                    " levels here: nothing below this point was validated.";
    }

    report& out_;
    std::size_t limit_;
    std::optional<std::uint8_t> in_force_;  // the minor of the version in force (2.x)
    std::string version_phrase_;            // "the document's SchemaVersion is 2.1"
    severity too_new_;                      // of a field or value newer than the version in force
    std::string path_;
    std::vector<frame> frames_;
    bool depth_reported_ = false;
};

/// Forwards the parser's events to the Document, refusing a number too large for a double:
/// RapidJSON 1.1.0 refuses 1e400 ("Number too big") but turns 2e308 into infinity, which no
/// report could describe and no HCS integer or double holds.
class finite_numbers_handler {
public:
    finite_numbers_handler(rapidjson::Document& document, const rapidjson::MemoryStream& stream)
        : document_(document), stream_(stream) {}

    bool Null() { return document_.Null(); }
    bool Bool(bool b) { return document_.Bool(b); }
    bool Int(int i) { return document_.Int(i); }
    bool Uint(unsigned i) { return document_.Uint(i); }
    bool Int64(std::int64_t i) { return document_.Int64(i); }
    bool Uint64(std::uint64_t i) { return document_.Uint64(i); }
    bool Double(double d) {
        if (!std::isfinite(d)) {
            infinite_end_ = stream_.Tell();  // just past the number
            return false;
        }
        return document_.Double(d);
    }
    bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
        return document_.RawNumber(text, length, copy);
    }
    bool String(const char* text, rapidjson::SizeType length, bool copy) {
        return document_.String(text, length, copy);
    }
    bool StartObject() { return document_.StartObject(); }
    bool Key(const char* text, rapidjson::SizeType length, bool copy) { return document_.Key(text, length, copy); }
    bool EndObject(rapidjson::SizeType members) { return document_.EndObject(members); }
    bool StartArray() { return document_.StartArray(); }
    bool EndArray(rapidjson::SizeType elements) { return document_.EndArray(elements); }

    /// Where the infinite number ended (one past its last byte), if there was one.
    [[nodiscard]] std::optional<std::size_t> infinite_end() const { return infinite_end_; }

private:
    rapidjson::Document& document_;
    const rapidjson::MemoryStream& stream_;
    std::optional<std::size_t> infinite_end_;
};

/// Parses `text` into `out` (iteratively: nesting depth cannot exhaust the stack). Returns ""
/// or, when `text` is not JSON the validator accepts, the "json" problem's message: RapidJSON's
/// reason, a number too large for a double, or a lone surrogate (core/lone_surrogate.hpp).
std::string parse_document(std::string_view text, rapidjson::Document& out) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::ParseResult result;
    std::optional<std::size_t> infinite_end;
    auto generator = [&](rapidjson::Document& document) {
        finite_numbers_handler handler(document, stream);
        rapidjson::Reader reader;
        result = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(stream, handler);
        infinite_end = handler.infinite_end();
        return !result.IsError();
    };
    out.Populate(generator);
    if (infinite_end) {
        std::size_t start = *infinite_end;
        const auto in_number = [](char c) {
            return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
        };
        while (start > 0 && in_number(text[start - 1])) --start;
        return "The document is not valid JSON for HCS: the number " +
               clipped(text.substr(start, *infinite_end - start)) + " at byte " + std::to_string(start) +
               " is too large to be stored in a double (beyond 1.7976931348623157e308).";
    }
    std::optional<core::lone_surrogate> surrogate;
    if (!result.IsError()) {
        surrogate = core::find_lone_surrogate(text);
    } else if (result.Code() == rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
        // RapidJSON refuses a lone HIGH surrogate itself (at the escape), vaguely.
        surrogate = core::find_lone_surrogate(text.substr(0, std::min(text.size(), result.Offset() + 12)));
    }
    if (surrogate) return "The document is not valid JSON for HCS: " + core::describe(*surrogate) + ".";
    if (result.IsError()) {
        return std::string("The document is not valid JSON: ") + rapidjson::GetParseError_En(result.Code()) +
               " (at byte " + std::to_string(result.Offset()) + ").";
    }
    return {};
}

problem& add_top(report& out, severity level, const char* rule, std::string path) {
    if (level == severity::error) {
        ++out.errors;
    } else {
        ++out.warnings;
    }
    problem& p = out.problems.emplace_back();
    p.level = level;
    p.rule = rule;
    p.path = std::move(path);
    return p;
}

}  // namespace

std::string to_string(version v) { return version_text(v.major, v.minor); }

bool parse_version(std::string_view text, version& out) noexcept {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) return false;
    auto number = [](std::string_view digits, std::uint32_t& value) {
        if (digits.empty() || digits.size() > 9) return false;
        value = 0;
        for (const char c : digits) {
            if (c < '0' || c > '9') return false;
            value = value * 10 + static_cast<std::uint32_t>(c - '0');
        }
        return true;
    };
    version parsed;
    if (!number(text.substr(0, dot), parsed.major) || !number(text.substr(dot + 1), parsed.minor)) return false;
    out = parsed;
    return true;
}

std::optional<std::uint16_t> find_struct(std::string_view name) noexcept {
    for (std::size_t i = first_struct_type; i < type_count; ++i) {
        if (name == types[i].name) return static_cast<std::uint16_t>(i);
    }
    return std::nullopt;
}

std::string explain_unknown_type(std::string_view name) {
    for (std::size_t i = 0; i < first_struct_type; ++i) {
        if (name != types[i].name) continue;
        return quoted(name) + " is " +
               (types[i].category == type_category::enumeration ? "an enum" : "a primitive type") +
               " of the HCS schema, not a struct: documents are validated as struct types (e.g. ComputeSystem)";
    }
    std::string text = quoted(name) + " is not a type of the HCS schema (2.0 to " + minor_text(latest_minor) + ")";
    const std::size_t structs = type_count - first_struct_type;
    const auto nearest_type = nearest(name, structs, [](std::size_t i) {
        return std::string_view(types[first_struct_type + i].name);
    });
    if (nearest_type) text += std::string("; did you mean \"") + types[first_struct_type + *nearest_type].name + "\"?";
    return text;
}

report validate(std::uint16_t type, std::string_view document, std::optional<version> caller_version,
                std::size_t limit) {
    const type_desc& desc = type_at(type);
    report out;
    out.type = desc.name;
    rapidjson::Document parsed;
    const std::string json_problem = parse_document(document, parsed);
    const bool well_formed = json_problem.empty();

    // The version in force: the caller's, else the document's own SchemaVersion.
    std::string phrase;
    std::string version_path;
    if (caller_version) {
        out.schema = caller_version;
        out.source = version_source::caller;
        phrase = "the schema version named by the caller is " + to_string(*caller_version);
    } else if (well_formed) {
        if (auto own = document_version(parsed, desc)) {
            out.schema = own;
            out.source = version_source::document;
            phrase = "the document's SchemaVersion is " + to_string(*own);
            version_path = "/SchemaVersion";
        }
    }
    std::optional<std::uint8_t> in_force;
    if (out.schema) {
        const version v = *out.schema;
        const std::string named = out.source == version_source::caller ? "Schema version " + to_string(v)
                                                                        : "SchemaVersion " + to_string(v);
        if (v.major == 2 && v.minor <= latest_minor) {
            in_force = static_cast<std::uint8_t>(v.minor);
        } else if (v.major >= 2) {
            in_force = latest_minor;
            problem& p = add_top(out, severity::warning, "version", version_path);
            p.actual = to_string(v);
            p.message = named + " is newer than the newest schema this zlhcs knows (" + minor_text(latest_minor) +
                        "): fields added after " + minor_text(latest_minor) +
                        " are reported as unknown fields, and enum values added after it as unknown values.";
        } else {
            problem& p = add_top(out, severity::warning, "version", version_path);
            p.actual = to_string(v);
            p.message = named + " is not a schema 2 version: the document is validated against schema 2 (2.0 to " +
                        minor_text(latest_minor) + ") without version checks.";
            out.note = "no version checks: " + named + " is not a schema 2 version";
        }
    } else {
        const bool has_field = find_field(desc, "SchemaVersion").has_value();
        out.note = std::string("no version checks: the caller named no schema version, and ") +
                   (has_field ? "the document has no well-formed SchemaVersion"
                              : std::string(desc.name) + " documents carry no SchemaVersion");
    }

    if (!well_formed) {
        problem& p = add_top(out, severity::error, "json", "");
        p.message = json_problem;
        return out;
    }
    if (!parsed.IsObject()) {
        problem& p = add_top(out, severity::error, "json", "");
        p.expected = desc.name;
        p.actual = json_type(parsed);
        p.message = std::string("The document must be a JSON object (") + desc.name + "), but is " +
                    found_text(parsed) + ".";
        return out;
    }
    // Newer than the caller's version: an error (the caller says what the host supports).
    // Newer than the document's own SchemaVersion: a warning, because HCS accepts it - hcsshim
    // declares 2.1 in every document and sends newer fields (LinuxKernelDirect, 2.2) that
    // Windows takes (internal/uvm/create_lcow.go, internal/schemaversion).
    const severity too_new = out.source == version_source::caller ? severity::error : severity::warning;
    walker w(out, limit, in_force, phrase, too_new);
    w.walk_struct(parsed, type, 0);
    fit_to_budget(out, report_budget(document.size()));
    return out;
}

}  // namespace zlhcs::schema
