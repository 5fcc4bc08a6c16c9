#include "suggest.hpp"

#include <algorithm>
#include <array>

namespace zlhcs::schema {
namespace {

constexpr char fold(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::size_t suggestion_limit(std::string_view name) noexcept {
    if (name.empty()) return 0;
    const std::size_t limit = std::max<std::size_t>(2, name.size() / 4);
    return std::min(limit, name.size() - 1);
}

std::size_t distance(std::string_view a, std::string_view b, std::size_t limit) noexcept {
    if (a.size() > max_suggest_length || b.size() > max_suggest_length) return limit + 1;
    const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (gap > limit) return limit + 1;
    // Two rows of the classic dynamic programme over b; a row whose minimum exceeds the limit
    // means every later one does too.
    std::array<std::size_t, max_suggest_length + 1> previous{};
    std::array<std::size_t, max_suggest_length + 1> current{};
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        std::size_t row_minimum = current[0];
        const char ca = fold(a[i - 1]);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (ca == fold(b[j - 1]) ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
            row_minimum = std::min(row_minimum, current[j]);
        }
        if (row_minimum > limit) return limit + 1;
        std::swap(previous, current);
    }
    return std::min(previous[b.size()], limit + 1);
}

}  // namespace zlhcs::schema
