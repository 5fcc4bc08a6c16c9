// zlhcs C++ facade - writes the generated schema types as JSON with RapidJSON's SAX writer:
// fields in schema order, then the fields the schema does not know, as they were read. Used
// through zlhcs::schema::to_json (<zlhcs/schema.hpp>).
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <zlhcs/schema/json_reader.hpp>
#include <zlhcs/schema/rapidjson.hpp>
#include <zlhcs/schema/value_types.hpp>

namespace zlhcs::schema::detail {

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

template <class W>
void write_value(W& w, bool v) {
    w.Bool(v);
}

template <class W, class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
void write_value(W& w, T v) {
    if constexpr (std::is_same_v<T, std::int64_t>) {
        w.Int64(v);
    } else if constexpr (std::is_same_v<T, std::uint64_t>) {
        w.Uint64(v);
    } else if constexpr (std::is_signed_v<T>) {
        w.Int(static_cast<int>(v));
    } else {
        w.Uint(static_cast<unsigned>(v));
    }
}

template <class W>
void write_value(W& w, const std::string& v) {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

template <class W>
void write_value(W& w, const any& v) {
    const std::string& json = v.json();
    if (json.empty()) {
        w.Null();
    } else {
        w.RawValue(json.data(), json.size(), raw_type_of(json));
    }
}

template <class W, class E>
void write_value(W& w, const open_enum<E>& v) {
    const std::string_view name = v.name();
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
}

template <class W, class T, std::enable_if_t<is_schema_struct<T>, int> = 0>
void write_value(W& w, const T& v);

template <class W, class T>
void write_value(W& w, const std::vector<T>& v) {
    w.StartArray();
    for (const T& item : v) write_value(w, item);
    w.EndArray(static_cast<rapidjson::SizeType>(v.size()));
}

template <class W, class K, class V>
void write_value(W& w, const std::map<K, V>& v) {
    w.StartObject();
    for (const auto& [key, value] : v) {
        if constexpr (std::is_same_v<K, std::string>) {
            w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        } else {
            std::array<char, 24> text{};
            const auto end = std::to_chars(text.data(), text.data() + text.size(), key).ptr;
            w.Key(text.data(), static_cast<rapidjson::SizeType>(end - text.data()));
        }
        write_value(w, value);
    }
    w.EndObject(static_cast<rapidjson::SizeType>(v.size()));
}

template <class W, class T, std::enable_if_t<is_schema_struct<T>, int>>
void write_value(W& w, const T& v) {
    w.StartObject();
    struct_info<T>::for_each(v, [&w](std::size_t index, const auto& member) {
        if (member.has_value()) {
            const std::string_view name = struct_info<T>::fields[index].name;
            w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
            write_value(w, *member);
        }
    });
    for (const unknown_field& extra : v.unknown_fields) {
        w.Key(extra.name.data(), static_cast<rapidjson::SizeType>(extra.name.size()));
        write_value(w, extra.value);
    }
    w.EndObject();
}

}  // namespace zlhcs::schema::detail
