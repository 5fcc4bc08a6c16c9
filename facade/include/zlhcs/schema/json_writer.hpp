// zlhcs C++ facade - writes the generated schema types as JSON with RapidJSON's SAX writer:
// fields in schema order, then the fields the schema does not know, as they were read. Used
// through zlhcs::schema::to_json (<zlhcs/schema.hpp>).
//
// It writes only what from_json reads back equal: a string that is not valid UTF-8 (utf8.hpp),
// an enum value that has no name, a member name written twice (member_names.hpp) or an unknown
// field that names a known field with a value is refused, with the JSON pointer of the value.
// Structs that contain themselves (recursive.hpp) are walked with a list, not by recursion.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <zlhcs/schema/json_reader.hpp>
#include <zlhcs/schema/member_names.hpp>
#include <zlhcs/schema/rapidjson.hpp>
#include <zlhcs/schema/recursive.hpp>
#include <zlhcs/schema/utf8.hpp>
#include <zlhcs/schema/value_types.hpp>

namespace zlhcs::schema::detail {

/// Where to_json writes, and what went wrong: the innermost failure sets `problem`, then each
/// level the failure returns through adds its JSON pointer token to `where`.
struct json_output {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> json{buffer};
    std::string problem;
    std::vector<std::string> where;  // innermost first

    bool fail(std::string message) {
        problem = std::move(message);
        return false;
    }
    bool failed_in(std::string token) {
        where.push_back(std::move(token));
        return false;
    }
    /// The JSON pointer of the failure; a deep one shows its first and last levels.
    [[nodiscard]] std::string path() const {
        constexpr std::size_t shown = 64;
        std::string out;
        const std::size_t levels = where.size();
        for (std::size_t level = 0; level < levels; ++level) {
            if (levels > shown && level >= shown / 2 && level < levels - shown / 2) {
                if (level == shown / 2) out += "/...(" + std::to_string(levels - shown) + " levels)...";
                continue;
            }
            out += '/';
            append_pointer_token(out, where[levels - 1 - level]);
        }
        return out.empty() ? std::string("(root)") : out;
    }
};

inline bool write_value(json_output& out, bool v) { return out.json.Bool(v); }

template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
bool write_value(json_output& out, T v) {
    if constexpr (std::is_same_v<T, std::int64_t>) {
        return out.json.Int64(v);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        return out.json.Uint64(v);
    } else if constexpr (std::is_signed_v<T>) {
        return out.json.Int(static_cast<int>(v));
    } else {
        return out.json.Uint(static_cast<unsigned>(v));
    }
}

inline bool write_value(json_output& out, const std::string& v) {
    if (!valid_utf8(v)) return out.fail("the string is not valid UTF-8");
    return out.json.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

inline rapidjson::Type raw_type_of(const std::string& json) noexcept {
    switch (json.empty() ? 'n' : json[0]) {
    case '{': return rapidjson::kObjectType;
    case '[': return rapidjson::kArrayType;
    case '"': return rapidjson::kStringType;
    case 't': return rapidjson::kTrueType;
    case 'f': return rapidjson::kFalseType;
    case 'n': return rapidjson::kNullType;
    default: return rapidjson::kNumberType;
    }
}

/// The text of an `any` is trusted to be one JSON value (as the reader and parse_any make
/// it); only its UTF-8 is checked here.
inline bool write_value(json_output& out, const any& v) {
    const std::string& json = v.json();
    if (json.empty()) return out.json.Null();
    if (!valid_utf8(json)) return out.fail("the Any value is not valid UTF-8");
    return out.json.RawValue(json.data(), json.size(), raw_type_of(json));
}

template <class E>
bool write_value(json_output& out, const open_enum<E>& v) {
    const std::string_view name = v.name();
    if (v.known() && name.empty()) {
        return out.fail(std::string("not a value of ") + std::string(enum_traits<E>::type_name) + ": " +
                        std::to_string(static_cast<std::uint64_t>(v.value())));
    }
    if (!valid_utf8(name.data(), name.size())) return out.fail("the enum value is not valid UTF-8");
    return out.json.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

template <class T, std::enable_if_t<is_schema_struct<T>, int> = 0>
bool write_value(json_output& out, const T& v);

template <class T>
bool write_value(json_output& out, const std::vector<T>& v) {
    out.json.StartArray();
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!write_value(out, v[i])) return out.failed_in(std::to_string(i));
    }
    return out.json.EndArray(static_cast<rapidjson::SizeType>(v.size()));
}

template <class K, class V>
bool write_value(json_output& out, const std::map<K, V>& v) {
    out.json.StartObject();
    for (const auto& [key, value] : v) {
        std::array<char, 24> number{};
        std::string_view name;
        if constexpr (std::is_same_v<K, std::string>) {
            if (!valid_utf8(key)) return out.fail("a map key is not valid UTF-8");
            name = key;
        } else {
            const auto end = std::to_chars(number.data(), number.data() + number.size(), key).ptr;
            name = std::string_view(number.data(), static_cast<std::size_t>(end - number.data()));
        }
        out.json.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        if (!write_value(out, value)) return out.failed_in(std::string(name));
    }
    return out.json.EndObject(static_cast<rapidjson::SizeType>(v.size()));
}

/// The unknown fields of `v` can be written: valid UTF-8 names, no name twice, none that
/// names a known field, except as null for a known field that is not set (how the reader
/// keeps a known field sent as null).
template <class T>
bool check_unknown_fields(json_output& out, const T& v) {
    const unknown_fields& fields = v.unknown_fields;
    const auto present = present_fields(v);
    std::vector<bool> overridden;
    mark_overridden(fields, overridden);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& name = fields[i].name;
        if (!valid_utf8(name)) return out.fail("the name of unknown field " + std::to_string(i) + " is not valid UTF-8");
        if (overridden[i]) return out.fail("two unknown fields are named \"" + name + "\"");
        const int known = struct_info<T>::find(name.data(), name.size());
        if (known < 0) continue;
        if (present[static_cast<std::size_t>(known)]) {
            return out.fail("\"" + name + "\" is set as a field and also kept among the unknown fields");
        }
        const std::string& value = fields[i].value.json();
        if (!value.empty() && value != "null") {
            return out.fail("unknown_fields holds \"" + name + "\", a field of " + std::string(struct_info<T>::type_name) +
                            ": set the typed field (only a null may be kept there)");
        }
    }
    return true;
}

/// The known fields of `v` with an index in [from, to) except `skip`, in schema order.
template <class T>
bool write_fields(json_output& out, const T& v, std::size_t from, std::size_t to, std::size_t skip) {
    bool ok = true;
    struct_info<T>::for_each(v, [&](std::size_t index, const auto& member) {
        if (!ok || index < from || index >= to || index == skip || !member.has_value()) return;
        const std::string_view name = struct_info<T>::fields[index].name;
        out.json.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        if (!write_value(out, *member)) ok = out.failed_in(std::string(name));
    });
    return ok;
}

/// The unknown fields of `v`, then the end of its object.
template <class T>
bool write_unknown_fields_and_end(json_output& out, const T& v) {
    if (!v.unknown_fields.empty() && !check_unknown_fields(out, v)) return false;
    for (const unknown_field& extra : v.unknown_fields) {
        out.json.Key(extra.name.data(), static_cast<rapidjson::SizeType>(extra.name.size()));
        if (!write_value(out, extra.value)) return out.failed_in(extra.name);
    }
    return out.json.EndObject();
}

/// A struct that contains itself, to any depth: the open levels are kept in a list.
template <class T>
bool write_tree(json_output& out, const T& root) {
    using traits = tree_traits<T>;
    constexpr std::size_t list = traits::children_index;
    constexpr std::size_t all = struct_info<T>::fields.size();
    const std::string_view list_name = struct_info<T>::fields[list].name;
    struct level {
        const T* node;
        std::size_t next;  // the next child to write
    };
    std::vector<level> open;
    auto finish = [&](const T& node) {
        return write_fields(out, node, list + 1, all, list) && write_unknown_fields_and_end(out, node);
    };
    auto begin = [&](const T& node) {
        out.json.StartObject();
        if (!write_fields(out, node, 0, list, list)) return false;
        if (!traits::children(node)) return finish(node);
        out.json.Key(list_name.data(), static_cast<rapidjson::SizeType>(list_name.size()));
        out.json.StartArray();
        open.push_back({&node, 0});
        return true;
    };
    auto unwind = [&] {
        for (auto it = open.rbegin(); it != open.rend(); ++it) {
            out.failed_in(std::to_string(it->next - 1));
            out.failed_in(std::string(list_name));
        }
        return false;
    };
    if (!begin(root)) return false;
    while (!open.empty()) {
        level& top = open.back();
        const std::vector<T>& children = *traits::children(*top.node);
        if (top.next < children.size()) {
            if (!begin(children[top.next++])) return unwind();
        } else {
            out.json.EndArray(static_cast<rapidjson::SizeType>(children.size()));
            const T& node = *top.node;
            open.pop_back();
            if (!finish(node)) return unwind();
        }
    }
    return true;
}

template <class T, std::enable_if_t<is_schema_struct<T>, int>>
bool write_value(json_output& out, const T& v) {
    if constexpr (is_tree_v<T>) {
        return write_tree(out, v);
    } else {
        out.json.StartObject();
        constexpr std::size_t all = struct_info<T>::fields.size();
        return write_fields(out, v, 0, all, all) && write_unknown_fields_and_end(out, v);
    }
}

}  // namespace zlhcs::schema::detail
