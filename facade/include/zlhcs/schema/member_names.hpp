// zlhcs C++ facade - one member per name in every object the codec reads or writes. JSON
// objects may repeat a name; the reader lets the last one win (RFC 8259 leaves it open; so do
// RapidJSON's DOM and HCS's own parser in practice), so that writing it back gives one member
// per name that reads back the same: a known field's value replaces its earlier null kept
// among the unknown fields, and of unknown fields of the same name only the last is kept. The
// writer refuses a value that would name a member twice.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <numeric>
#include <string_view>
#include <vector>

#include <zlhcs/schema/value_types.hpp>

namespace zlhcs::schema::detail {

/// overridden[i] is true if a later unknown field has the name of fields[i].
inline void mark_overridden(const unknown_fields& fields, std::vector<bool>& overridden) {
    const std::size_t n = fields.size();
    overridden.assign(n, false);
    if (n < 2) return;
    if (n <= 16) {
        for (std::size_t i = 0; i + 1 < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (fields[i].name == fields[j].name) {
                    overridden[i] = true;
                    break;
                }
            }
        }
        return;
    }
    // Many fields (a fuzzer's, or a hostile document): sort, so that it stays O(n log n).
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&fields](std::size_t a, std::size_t b) {
        return fields[a].name != fields[b].name ? fields[a].name < fields[b].name : a < b;
    });
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (fields[order[k]].name == fields[order[k + 1]].name) overridden[order[k]] = true;
    }
}

/// Which known fields of `object` hold a value.
template <class T>
std::array<bool, struct_info<T>::fields.size()> present_fields(const T& object) {
    std::array<bool, struct_info<T>::fields.size()> present{};
    struct_info<T>::for_each(object, [&present](std::size_t index, const auto& member) {
        present[index] = member.has_value();
    });
    return present;
}

/// After an object is read: drops the unknown fields a later member of the same name
/// replaced (a known field now set, or a later unknown field).
template <class T>
void keep_last_of_each_name(T& object) {
    unknown_fields& fields = object.unknown_fields;
    const auto present = present_fields(object);
    std::vector<bool> drop;
    mark_overridden(fields, drop);
    bool any_dropped = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!drop[i]) {
            const int known = struct_info<T>::find(fields[i].name.data(), fields[i].name.size());
            drop[i] = known >= 0 && present[static_cast<std::size_t>(known)];
        }
        any_dropped = any_dropped || drop[i];
    }
    if (!any_dropped) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (drop[i]) continue;
        if (kept != i) fields[kept] = std::move(fields[i]);
        ++kept;
    }
    fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(kept), fields.end());
}

}  // namespace zlhcs::schema::detail
