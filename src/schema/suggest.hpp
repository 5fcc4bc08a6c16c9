// Nearest-name suggestions for the validator ("did you mean ...?"): a misspelt field, enum
// value or type name is answered with the closest known name, when one is close.
//
// Closeness is the Levenshtein distance (insertions, deletions, substitutions of one byte,
// each costing 1) between the two names compared case-insensitively (ASCII letters only;
// other bytes compare as they are). A candidate is close when its distance to the name is at
// most max(2, length / 4) and below the name's length (so "X" is never "corrected" into an
// unrelated "Id"), where length is the name's length in bytes; a candidate that differs only
// in case (distance 0) is always close. The nearest close candidate wins; ties go to the one
// listed first. Names longer than max_suggest_length get no suggestion (the cost stays
// bounded whatever the document holds).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace zlhcs::schema {

/// Names longer than this (bytes) are not compared.
inline constexpr std::size_t max_suggest_length = 256;

/// The largest distance at which a candidate counts as close to `name`.
[[nodiscard]] std::size_t suggestion_limit(std::string_view name) noexcept;

/// The case-insensitive Levenshtein distance between a and b, or limit + 1 if it is larger
/// than limit (the computation stops early then).
[[nodiscard]] std::size_t distance(std::string_view a, std::string_view b, std::size_t limit) noexcept;

/// The index of the candidate nearest to `name` among count candidates (candidate(i) gives
/// the i-th), or nullopt when none is close (see the top of this file). A candidate equal to
/// `name` byte for byte is skipped: it would not be a correction.
template <typename Candidate>
[[nodiscard]] std::optional<std::size_t> nearest(std::string_view name, std::size_t count,
                                                 Candidate&& candidate) {
    if (name.empty() || name.size() > max_suggest_length) return std::nullopt;
    const std::size_t limit = suggestion_limit(name);
    std::optional<std::size_t> best;
    std::size_t best_distance = limit + 1;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view known = candidate(i);
        if (known == name) continue;
        const std::size_t d = distance(name, known, best_distance - 1 < limit ? best_distance - 1 : limit);
        if (d < best_distance) {
            best = i;
            best_distance = d;
            if (d == 0) break;  // a case-only difference: nothing is nearer
        }
    }
    return best;
}

}  // namespace zlhcs::schema
