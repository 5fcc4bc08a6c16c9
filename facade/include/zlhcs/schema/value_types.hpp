// zlhcs C++ facade - the value types the generated schema is made of: schema_version,
// open_enum (an enum value, known or not), any (a JSON value kept as text), unknown_fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace zlhcs::schema {

/// A schema version, Major.Minor (2.0 ... 2.6 in the reference these types come from).
struct schema_version {
    std::uint32_t major = 2;
    std::uint32_t minor = 0;

    friend constexpr bool operator==(schema_version a, schema_version b) noexcept {
        return a.major == b.major && a.minor == b.minor;
    }
    friend constexpr bool operator!=(schema_version a, schema_version b) noexcept { return !(a == b); }
    friend constexpr bool operator<(schema_version a, schema_version b) noexcept {
        return a.major != b.major ? a.major < b.major : a.minor < b.minor;
    }
    [[nodiscard]] std::string str() const { return std::to_string(major) + "." + std::to_string(minor); }
};

namespace detail {
/// needed = max(needed, version): how the codec and the builders accumulate "since" versions.
inline void raise_version(schema_version& needed, schema_version version) noexcept {
    if (needed < version) needed = version;
}
}  // namespace detail

/// A field's wire name and the schema version that introduced it.
struct field_meta {
    std::string_view name;
    schema_version since;
};

/// Generated for every schema enum: type_name, names (wire names in declaration order),
/// since (the version of each), find(key, length) -> index or -1.
template <class E>
struct enum_traits;

/// Generated for every schema struct: type_name, fields (field_meta in schema order),
/// find(key, length) -> index or -1, for_each(object, f(index, member)), visit(object, index, f).
template <class T>
struct struct_info;

/// True for the generated schema structs (once <zlhcs/schema.hpp> is included).
template <class T, class = void>
inline constexpr bool is_struct_v = false;
template <class T>
inline constexpr bool is_struct_v<T, std::void_t<decltype(struct_info<T>::fields)>> = true;

/// The wire name of a known enumerator.
template <class E>
[[nodiscard]] constexpr std::string_view to_string(E value) noexcept {
    const auto index = static_cast<std::size_t>(value);
    return index < enum_traits<E>::names.size() ? enum_traits<E>::names[index] : std::string_view{};
}

/// An enum value as HCS sent it: one this schema knows (value()), or one a newer Windows
/// added (known() is false and name() is its text, written back unchanged).
template <class E>
class open_enum {
public:
    constexpr open_enum() noexcept = default;
    constexpr open_enum(E value) noexcept : value_(value) {}  // NOLINT: implicit by design

    /// The value named `name`: known if the schema has it (exact, case-sensitive), else kept as text.
    [[nodiscard]] static open_enum from_string(std::string_view name) {
        open_enum result;
        const int index = enum_traits<E>::find(name.data(), name.size());
        if (index >= 0) {
            result.value_ = static_cast<E>(index);
        } else {
            result.unknown_.assign(name.data(), name.size());
            result.is_unknown_ = true;
        }
        return result;
    }

    [[nodiscard]] bool known() const noexcept { return !is_unknown_; }
    /// The known value; throws std::out_of_range for a value this schema does not know.
    [[nodiscard]] E value() const {
        if (is_unknown_) throw std::out_of_range("zlhcs::schema::open_enum: unknown value \"" + unknown_ + "\"");
        return value_;
    }
    /// The wire name: the schema's for a known value, the text as received otherwise.
    [[nodiscard]] std::string_view name() const noexcept {
        return is_unknown_ ? std::string_view(unknown_) : to_string(value_);
    }

    friend bool operator==(const open_enum& a, const open_enum& b) noexcept {
        return a.is_unknown_ == b.is_unknown_ && (a.is_unknown_ ? a.unknown_ == b.unknown_ : a.value_ == b.value_);
    }
    friend bool operator!=(const open_enum& a, const open_enum& b) noexcept { return !(a == b); }
    friend bool operator==(const open_enum& a, E b) noexcept { return !a.is_unknown_ && a.value_ == b; }
    friend bool operator==(E a, const open_enum& b) noexcept { return b == a; }
    friend bool operator!=(const open_enum& a, E b) noexcept { return !(a == b); }
    friend bool operator!=(E a, const open_enum& b) noexcept { return !(b == a); }

private:
    E value_{};
    bool is_unknown_ = false;
    std::string unknown_;
};

/// A JSON value kept as compact JSON text: the schema's `Any` fields, and fields this schema
/// does not know. Default: null. Equality compares the text (values parsed by zlhcs are
/// written compactly, so the same value from two documents compares equal unless its
/// object keys come in another order).
class any {
public:
    any() = default;
    /// Wraps text that is already one compact JSON value (as zlhcs's reader produces).
    /// Use schema::parse_any() for text from elsewhere: it checks and compacts it.
    [[nodiscard]] static any from_compact_json(std::string json) {
        any result;
        result.json_ = std::move(json);
        return result;
    }
    [[nodiscard]] const std::string& json() const noexcept { return json_; }
    [[nodiscard]] bool is_null() const noexcept { return json_ == "null"; }

    friend bool operator==(const any& a, const any& b) noexcept { return a.json_ == b.json_; }
    friend bool operator!=(const any& a, const any& b) noexcept { return !(a == b); }

private:
    std::string json_ = "null";
};

/// A field of a document that its schema type does not have (a newer Windows's field, a
/// misspelling, or a known field sent as null): kept in order and written back.
struct unknown_field {
    std::string name;
    any value;

    friend bool operator==(const unknown_field& a, const unknown_field& b) noexcept {
        return a.name == b.name && a.value == b.value;
    }
    friend bool operator!=(const unknown_field& a, const unknown_field& b) noexcept { return !(a == b); }
};
using unknown_fields = std::vector<unknown_field>;

}  // namespace zlhcs::schema
